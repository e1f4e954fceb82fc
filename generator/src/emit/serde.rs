//! The `Serialize` and `Deserialize` impls of generated structs and unions, written out instead
//! of derived: serde's derive generates a field enum, a visitor with `visit_seq` and
//! `visit_map`, and for a `#[serde(flatten)]` map a buffer of every unknown key as `Content`
//! — most of the crate's compile time. Here a struct is read by one call of the runtime's
//! `de::deserialize_struct`, generic over the tuple of its fields' slots, and written by one
//! call of `de::serialize_struct` with the tuple of its fields: the per-field loops are the
//! runtime's, compiled only where a build uses them, so `cargo check` has little per struct.

use matrix_codegen_text::code;
use matrix_codegen_text::code::{Code, Ident};

use super::{Emitter, ident, value_or_return};
use crate::ir::{FieldDef, FieldSource, RustType, Scope, UnionDef};

/// The most slots one tuple holds: the runtime's `de::Slots` is implemented for tuples up to
/// this length, and a struct with more fields nests them (tuples of tuples).
const MAX_SLOTS_TUPLE: usize = 16;

/// What the generated impls of a struct cover.
pub(super) struct SerdeStruct<'a> {
    pub name: &'a Ident,
    /// The struct's fields; those not from the body are neither read nor written.
    pub fields: &'a [FieldDef],
    /// Fields outside the spec's (`extra_params`, `extra_headers`): `Default` when read.
    pub extras: &'a [&'a str],
    /// Both impls; `false`: `Serialize` only.
    pub deserialize: bool,
    /// Where the struct is, for its fields' type paths.
    pub scope: Scope,
}

impl Emitter {
    /// `Serialize` (and `Deserialize` where asked) of a struct whose body fields are the keys
    /// of a JSON object.
    pub(super) fn struct_serde(&self, def: &SerdeStruct<'_>) -> Code {
        let serialize = self.struct_serialize(def);
        let deserialize = if def.deserialize {
            self.struct_deserialize(def)
        } else {
            Code::new()
        };
        code! { #serialize #deserialize }
    }

    /// `Serialize` as one call of the runtime's `serialize_struct`: the declared fields as a
    /// tuple of entries (each its kind's `Entry`), then the map of unknown keys.
    fn struct_serialize(&self, def: &SerdeStruct<'_>) -> Code {
        let rt = &self.runtime;
        let name = def.name;
        let declared: Vec<&FieldDef> = body_fields(def).collect();
        let entries = nest(declared.iter().map(|f| {
            let field = ident(&f.ident);
            let kind = kind(f);
            code! { #rt::de::#kind::Entry(&self.#field) }
        }));
        let wires = declared.iter().map(|f| &f.wire);
        let extra = match extra_field(def) {
            Some(f) => {
                let field = ident(&f.ident);
                code! { &self.#field }
            }
            None => code! { &#rt::de::NoExtra },
        };
        code! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    #rt::de::serialize_struct(serializer, &[#(#wires),*], #entries, #extra)
                }
            }
        }
    }

    /// `Deserialize` as one call of the runtime's `deserialize_struct` with the fields' slot
    /// types: the values come back in field order (the first required one absent is an error
    /// there), so the function has one early return and no per-field code but its literal.
    fn struct_deserialize(&self, def: &SerdeStruct<'_>) -> Code {
        let rt = &self.runtime;
        let name = def.name;
        let expecting = format!("struct {name}");
        let declared: Vec<&FieldDef> = body_fields(def).collect();
        let bindings = nest(declared.iter().map(|f| {
            let field = ident(&f.ident);
            code! { #field }
        }));
        let slots = nest(declared.iter().map(|f| {
            let kind = kind(f);
            let ty = self.rust_type(&f.ty, def.scope);
            let ty = if f.nullable && !f.optional {
                code! { Option<#ty> }
            } else {
                ty
            };
            code! { #rt::de::#kind::Slot<#ty> }
        }));
        let wires = declared.iter().map(|f| &f.wire);
        let (extra_pattern, extra_type, extra_value) = match extra_field(def) {
            Some(f) => {
                let field = ident(&f.ident);
                let ty = self.rust_type(&f.ty, def.scope);
                (code! { #field }, ty, code! { #field, })
            }
            None => (
                code! { #rt::de::NoExtra },
                code! { #rt::de::NoExtra },
                Code::new(),
            ),
        };
        let fields = declared.iter().map(|f| ident(&f.ident));
        let others = def
            .fields
            .iter()
            .filter(|f| f.source != FieldSource::Body)
            .map(|f| ident(&f.ident))
            .chain(def.extras.iter().map(|e| ident(e)));
        code! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    match #rt::de::deserialize_struct::<D, #slots, #extra_type>(
                        deserializer,
                        #expecting,
                        &[#(#wires),*],
                    ) {
                        Ok((#bindings, #extra_pattern)) => {
                            Ok(Self { #(#fields,)* #extra_value #(#others: Default::default(),)* })
                        }
                        Err(error) => Err(error),
                    }
                }
            }
        }
    }

    /// A response that is its whole body (`body`), with headers beside it that the body does
    /// not hold.
    pub(super) fn transparent_serde(&self, name: &Ident, others: &[&str]) -> Code {
        let others = others.iter().map(|o| {
            let field = ident(o);
            code! { #field: Default::default(), }
        });
        code! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    ::serde::Serialize::serialize(&self.body, serializer)
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    match ::serde::Deserialize::deserialize(deserializer) {
                        Ok(body) => Ok(Self { body, #(#others)* }),
                        Err(error) => Err(error),
                    }
                }
            }
        }
    }

    /// An untagged union: written as its member; read by trying each member in order on the
    /// value read once.
    pub(super) fn union_serde(&self, def: &UnionDef) -> Code {
        let rt = &self.runtime;
        let name = ident(&def.name);
        let wire_name = &def.name;
        let writes = def.variants.iter().map(|(v, _)| {
            let v = ident(v);
            code! { Self::#v(value) => ::serde::Serialize::serialize(value, serializer), }
        });
        let tries = def.variants.iter().map(|(v, _)| {
            let v = ident(v);
            code! {
                if let Some(value) = #rt::de::member(&value) {
                    return Ok(Self::#v(value));
                }
            }
        });
        let read = value_or_return(code! { #rt::de::union_value(deserializer) });
        code! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#writes)*
                    }
                }
            }
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = #read;
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

/// The field that keeps the object's unknown keys, if the struct has one.
fn extra_field<'a>(def: &'a SerdeStruct<'_>) -> Option<&'a FieldDef> {
    def.fields
        .iter()
        .find(|f| f.source == FieldSource::Body && f.flatten)
}

/// How a declared field is read and written, as the name of the runtime's `de` module for it:
/// `required` (absent is an error), `optional` (absent is `None`, `None` is not written) or
/// `nullable` (absent is `None`, `None` is written as `null`).
fn kind(field: &FieldDef) -> Ident {
    let kind = if field.optional {
        "optional"
    } else if absent_is_error(field) {
        "required"
    } else {
        "nullable"
    };
    ident(kind)
}

/// Items as a tuple, `(a, b,)`; more than [`MAX_SLOTS_TUPLE`] of them as a tuple of tuples,
/// so the runtime's impls for tuples up to that length cover any number of fields.
fn nest(items: impl Iterator<Item = Code>) -> Code {
    let mut items: Vec<Code> = items.collect();
    while items.len() > MAX_SLOTS_TUPLE {
        items = items
            .chunks(MAX_SLOTS_TUPLE)
            .map(|chunk| code! { (#(#chunk,)*) })
            .collect();
    }
    code! { (#(#items,)*) }
}

/// Whether reading an object without the field is an error: required, not `null`-able, and
/// not of a type that is itself optional (serde's derive took such a field's absence as `None`).
fn absent_is_error(field: &FieldDef) -> bool {
    !field.optional && !field.nullable && !field.flatten && !matches!(field.ty, RustType::Option(_))
}
