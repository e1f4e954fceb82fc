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

    /// The struct's body fields as the runtime's macros take them: `ident "wire" index kind,`
    /// for each declared key, and `extra ident keep_fn` for the map of unknown keys.
    fn macro_fields(&self, def: &SerdeStruct<'_>) -> (TokenStream, TokenStream) {
        let declared = body_fields(def).enumerate().map(|(index, f)| {
            let field = ident(&f.ident);
            let wire = &f.wire;
            let index = proc_macro2::Literal::usize_unsuffixed(index);
            let kind = if f.optional {
                quote! { optional }
            } else if absent_is_error(f) {
                quote! { required }
            } else {
                quote! { nullable }
            };
            quote! { #field #wire #index #kind, }
        });
        let extra = match def
            .fields
            .iter()
            .find(|f| f.source == FieldSource::Body && f.flatten)
        {
            Some(f) => {
                let field = ident(&f.ident);
                let keep = if f.ty == RustType::JsonObject {
                    quote! { keep_json }
                } else {
                    quote! { keep }
                };
                quote! { extra #field #keep }
            }
            None => TokenStream::new(),
        };
        (quote! { { #(#declared)* } }, extra)
    }

    fn struct_serialize(&self, def: &SerdeStruct<'_>) -> TokenStream {
        let rt = &self.runtime;
        let name = def.name;
        let (fields, extra) = self.macro_fields(def);
        quote! { #rt::de::struct_serialize! { #name #fields #extra } }
    }

    fn struct_deserialize(&self, def: &SerdeStruct<'_>) -> TokenStream {
        let rt = &self.runtime;
        let name = def.name;
        let (fields, extra) = self.macro_fields(def);
        let required: Vec<TokenStream> = body_fields(def)
            .filter(|f| absent_is_error(f))
            .map(|f| {
                let field = ident(&f.ident);
                let wire = &f.wire;
                quote! { #field #wire, }
            })
            .collect();
        let required = if required.is_empty() {
            TokenStream::new()
        } else {
            quote! { required { #(#required)* } }
        };
        let others = def
            .fields
            .iter()
            .filter(|f| f.source != FieldSource::Body)
            .map(|f| ident(&f.ident))
            .chain(def.extras.iter().map(|e| ident(e)));
        quote! { #rt::de::struct_deserialize! { #name #fields #required #extra ; #(#others)* } }
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

/// The declared keys of the struct's object, in order (not the map of unknown keys).
fn body_fields<'a>(def: &'a SerdeStruct<'_>) -> impl Iterator<Item = &'a FieldDef> {
    def.fields
        .iter()
        .filter(|f| f.source == FieldSource::Body && !f.flatten)
}

/// Whether reading an object without the field is an error: required, not `null`-able, and
/// not of a type that is itself optional (serde's derive took such a field's absence as `None`).
fn absent_is_error(field: &FieldDef) -> bool {
    !field.optional && !field.nullable && !field.flatten && !matches!(field.ty, RustType::Option(_))
}
