//! The `Serialize` and `Deserialize` impls of generated structs and unions, written out instead
//! of derived: serde's derive generates a field enum, a visitor with `visit_seq` and
//! `visit_map`, and for a `#[serde(flatten)]` map a buffer of every unknown key as `Content`
//! — most of the crate's compile time. Here a struct is read by one loop over its object's
//! keys, calling small shared functions of the runtime's `de` module, and written as a map.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Emitter, ident};
use crate::ir::{FieldDef, FieldSource, RustType, UnionDef};

/// What the generated impls of a struct cover.
pub(super) struct SerdeStruct<'a> {
    pub name: &'a Ident,
    /// The struct's fields; those not from the body are neither read nor written.
    pub fields: &'a [FieldDef],
    /// Fields outside the spec's (`extra_params`, `extra_headers`): `Default` when read.
    pub extras: &'a [&'a str],
    /// Both impls; `false`: `Serialize` only.
    pub deserialize: bool,
}

impl Emitter {
    /// `Serialize` (and `Deserialize` where asked) of a struct whose body fields are the keys
    /// of a JSON object.
    pub(super) fn struct_serde(&self, def: &SerdeStruct<'_>) -> TokenStream {
        let serialize = self.struct_serialize(def);
        let deserialize = if def.deserialize {
            self.struct_deserialize(def)
        } else {
            TokenStream::new()
        };
        quote! { #serialize #deserialize }
    }

    fn struct_serialize(&self, def: &SerdeStruct<'_>) -> TokenStream {
        let name = def.name;
        let entries = def
            .fields
            .iter()
            .filter(|f| f.source == FieldSource::Body)
            .map(|f| {
                let field = ident(&f.ident);
                let wire = &f.wire;
                if f.flatten {
                    quote! { for (key, value) in &self.#field { map.serialize_entry(key, value)?; } }
                } else if f.optional {
                    quote! { if let Some(value) = &self.#field { map.serialize_entry(#wire, value)?; } }
                } else {
                    quote! { map.serialize_entry(#wire, &self.#field)?; }
                }
            })
            .collect::<Vec<_>>();
        let map = if entries.is_empty() {
            quote! { let map = serializer.serialize_map(Some(0))?; }
        } else {
            quote! { let mut map = serializer.serialize_map(None)?; }
        };
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    use ::serde::ser::SerializeMap as _;
                    #map
                    #(#entries)*
                    map.end()
                }
            }
        }
    }

    fn struct_deserialize(&self, def: &SerdeStruct<'_>) -> TokenStream {
        let rt = &self.runtime;
        let name = def.name;
        let expecting = format!("struct {name}");
        let declared: Vec<&FieldDef> = def
            .fields
            .iter()
            .filter(|f| f.source == FieldSource::Body && !f.flatten)
            .collect();
        let extra = def
            .fields
            .iter()
            .find(|f| f.source == FieldSource::Body && f.flatten);
        let wires = declared.iter().map(|f| f.wire.as_str());
        let slots = declared.iter().map(|f| {
            let slot = ident(&f.ident);
            quote! { let mut #slot = None; }
        });
        let mut arms: Vec<TokenStream> = declared
            .iter()
            .enumerate()
            .map(|(index, f)| {
                let slot = ident(&f.ident);
                let wire = &f.wire;
                quote! { #rt::de::Key::Field(#index) => #rt::de::value(&mut __map, &mut #slot, #wire)?, }
            })
            .collect();
        let extra_slot = extra.map(|f| {
            let slot = ident(&f.ident);
            let keep = if f.ty == RustType::JsonObject {
                quote! { keep_json }
            } else {
                quote! { keep }
            };
            arms.push(quote! {
                #rt::de::Key::Unknown(key) => #rt::de::#keep(&mut __map, &mut #slot, key)?,
            });
            quote! { let mut #slot = Default::default(); }
        });
        let keep_unknown = extra.is_some();
        let read = if arms.is_empty() {
            quote! { #rt::de::skip(&mut __map)?; }
        } else {
            quote! {
                match __key {
                    #(#arms)*
                    _ => #rt::de::skip(&mut __map)?,
                }
            }
        };
        let checks = declared.iter().filter(|f| absent_is_error(f)).map(|f| {
            let slot = ident(&f.ident);
            let wire = &f.wire;
            quote! {
                let Some(#slot) = #slot else {
                    return Err(::serde::de::Error::missing_field(#wire));
                };
            }
        });
        let inits = def.fields.iter().map(|f| {
            let field = ident(&f.ident);
            if f.source != FieldSource::Body {
                quote! { #field: Default::default(), }
            } else if f.flatten || absent_is_error(f) {
                quote! { #field, }
            } else {
                quote! { #field: #field.unwrap_or_default(), }
            }
        });
        let extras = def.extras.iter().map(|e| {
            let field = ident(e);
            quote! { #field: Default::default(), }
        });
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    #rt::de::deserialize_struct(deserializer)
                }
            }
            impl<'de> #rt::de::FromMap<'de> for #name {
                const EXPECTING: &'static str = #expecting;
                fn from_map<A: ::serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
                    #(#slots)*
                    #extra_slot
                    while let Some(__key) = __map.next_key_seed(#rt::de::Fields::new(&[#(#wires),*], #keep_unknown))? {
                        #read
                    }
                    #(#checks)*
                    Ok(Self { #(#inits)* #(#extras)* })
                }
            }
        }
    }

    /// A response that is its whole body (`body`), with headers beside it that the body does
    /// not hold.
    pub(super) fn transparent_serde(&self, name: &Ident, others: &[&str]) -> TokenStream {
        let others = others.iter().map(|o| {
            let field = ident(o);
            quote! { #field: Default::default(), }
        });
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    ::serde::Serialize::serialize(&self.body, serializer)
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    Ok(Self { body: ::serde::Deserialize::deserialize(deserializer)?, #(#others)* })
                }
            }
        }
    }

    /// An untagged union: written as its member; read by trying each member in order on the
    /// value read once.
    pub(super) fn union_serde(&self, def: &UnionDef) -> TokenStream {
        let rt = &self.runtime;
        let name = ident(&def.name);
        let wire_name = &def.name;
        let writes = def.variants.iter().map(|(v, _)| {
            let v = ident(v);
            quote! { Self::#v(value) => ::serde::Serialize::serialize(value, serializer), }
        });
        let tries = def.variants.iter().map(|(v, _)| {
            let v = ident(v);
            quote! {
                if let Some(value) = #rt::de::member(&value) {
                    return Ok(Self::#v(value));
                }
            }
        });
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#writes)*
                    }
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = #rt::de::union_value(deserializer)?;
                    #(#tries)*
                    Err(#rt::de::no_variant(#wire_name))
                }
            }
        }
    }
}

/// Whether reading an object without the field is an error: required, not `null`-able, and
/// not of a type that is itself optional (serde's derive took such a field's absence as `None`).
fn absent_is_error(field: &FieldDef) -> bool {
    !field.optional && !field.nullable && !field.flatten && !matches!(field.ty, RustType::Option(_))
}
