//! For generated code only: the shared parts of the generated `Deserialize` and `Serialize`
//! impls of structs and unions. Each struct's impl is a loop over its JSON object's keys; what
//! every struct would otherwise repeat (recognising a key, reading a value once, keeping or
//! skipping an unknown key, the visitor itself) lives here once, so the generated code per type
//! is a few lines and the compiler instantiates these functions once per value type.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;

/// A struct read from a JSON object by its generated `from_map`.
pub trait FromMap<'de>: Sized {
    /// What the error message says was expected (`struct Foo`).
    const EXPECTING: &'static str;
    /// Reads the struct from the object's entries.
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The `Deserialize::deserialize` of every generated struct: it asks for a map.
pub fn deserialize_struct<'de, D: Deserializer<'de>, T: FromMap<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: FromMap<'de>> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// The declared keys of a struct, read as a map key: which of them it is, or the unknown key
/// itself (only where the struct keeps unknown keys, so skipping ones cost no allocation).
#[derive(Clone, Copy)]
pub struct Fields {
    names: &'static [&'static str],
    keep_unknown: bool,
}

impl Fields {
    /// The keys `names`, by index; unknown keys are [`Key::Unknown`] when `keep_unknown`, else
    /// [`Key::Skip`].
    pub const fn new(names: &'static [&'static str], keep_unknown: bool) -> Self {
        Fields {
            names,
            keep_unknown,
        }
    }

    fn key<'de>(self, key: Cow<'de, str>) -> Key<'de> {
        match self.names.iter().position(|name| *name == key) {
            Some(index) => Key::Field(index),
            None if self.keep_unknown => Key::Unknown(key),
            None => Key::Skip,
        }
    }
}

/// A map key as [`Fields`] reads it.
pub enum Key<'de> {
    /// The declared key of this index.
    Field(usize),
    /// A key the struct does not declare, kept.
    Unknown(Cow<'de, str>),
    /// A key the struct does not declare, to be skipped.
    Skip,
}

impl<'de> DeserializeSeed<'de> for Fields {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Fields {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(self.key(Cow::Borrowed(key)))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        // Only an unknown key that is kept needs a copy.
        Ok(match self.key(Cow::Borrowed(key)) {
            Key::Unknown(key) => Key::Unknown(Cow::Owned(key.into_owned())),
            Key::Field(index) => Key::Field(index),
            Key::Skip => Key::Skip,
        })
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(self.key(Cow::Owned(key)))
    }
}

/// Reads the value of a declared key into its slot: an error if the key came before.
pub fn value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the struct does not keep.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Keeps an unknown key and its value in a free-form `extra` map (a repeated key: the last).
pub fn keep_json<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut serde_json::Map<String, serde_json::Value>,
    key: Cow<'de, str>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    extra.insert(key.into_owned(), value);
    Ok(())
}

/// Keeps an unknown key and its value in a typed `extra` map: the key is parsed as `K` (a
/// string or an identifier), the value as `V` (a repeated key: the last).
pub fn keep<'de, A: MapAccess<'de>, K: Deserialize<'de> + Ord, V: Deserialize<'de>>(
    map: &mut A,
    extra: &mut BTreeMap<K, V>,
    key: Cow<'de, str>,
) -> Result<(), A::Error> {
    let key = K::deserialize(de::value::CowStrDeserializer::<A::Error>::new(key))?;
    let value = map.next_value()?;
    extra.insert(key, value);
    Ok(())
}

/// The error of a union whose members all refused the value.
pub fn no_variant<E: de::Error>(name: &str) -> E {
    E::custom(format_args!(
        "data did not match any variant of untagged enum {name}"
    ))
}

/// An untagged union's value, read once so each member can be tried on it.
pub fn union_value<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<serde_json::Value, D::Error> {
    serde_json::Value::deserialize(deserializer)
}

/// The value as a union's member, if it is one.
pub fn member<T: de::DeserializeOwned>(value: &serde_json::Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// What a declared field's absence means when read, by the name generated code gives its kind
/// in [`struct_deserialize`] (its writing: the [`MapWriter`] method of that name). A required
/// field's absence is an error.
pub mod required {
    /// The value of a required field, already taken out of its slot (see
    /// [`struct_deserialize`](crate::de::struct_deserialize)).
    pub fn take<T>(value: T) -> T {
        value
    }
}

/// A field that may be absent: written only when `Some`; absent (or `null`) reads as `None`.
pub mod optional {
    pub fn take<T>(slot: Option<Option<T>>) -> Option<T> {
        slot.flatten()
    }
}

/// A field that must be present but may be `null`: always written (`None` as `null`); absent
/// reads as `None`, as serde's `default` did.
pub mod nullable {
    pub fn take<T: Default>(slot: Option<T>) -> T {
        slot.unwrap_or_default()
    }
}

/// Writes a generated struct's entries as a map, keeping the first error: the generated
/// `serialize` then has no early return per field (see [`struct_deserialize`] for why that
/// matters to compile time). After an error the remaining entries are not written.
pub struct MapWriter<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> MapWriter<M> {
    pub fn new<S: serde::Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>>(
        serializer: S,
    ) -> Result<Self, M::Error> {
        Ok(MapWriter {
            map: serializer.serialize_map(None)?,
            error: None,
        })
    }

    /// One entry (a declared key, or a kept unknown one).
    pub fn entry<K: serde::Serialize + ?Sized, V: serde::Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) {
        if self.error.is_none()
            && let Err(error) = self.map.serialize_entry(key, value)
        {
            self.error = Some(error);
        }
    }

    /// A required field: always written.
    pub fn required<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.entry(name, value);
    }

    /// A field that must be present but may be `null`: always written (`None` as `null`).
    pub fn nullable<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.entry(name, value);
    }

    /// A field that may be absent: written only when `Some`.
    pub fn optional<T: serde::Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.entry(name, value);
        }
    }

    /// The map, or the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

/// `Serialize` of a generated struct: `name` `{ field "wire" index kind, ... }`, then
/// `extra` and the map of unknown keys, written after the declared ones.
#[doc(hidden)]
#[macro_export]
macro_rules! __struct_serialize {
    ($name:ident { $($field:ident $wire:literal $index:literal $kind:ident,)* } $(extra $extra:ident $keep:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut map = $crate::de::MapWriter::new(serializer)?;
                $(map.$kind($wire, &self.$field);)*
                $(for (key, value) in &self.$extra {
                    map.entry(key, value);
                })?
                map.end()
            }
        }
    };
}
pub use crate::__struct_serialize as struct_serialize;

/// The error for the first of a struct's required keys that was absent (`present[i]` false for
/// `names[i]`).
pub fn missing<E: de::Error>(present: &[bool], names: &[&'static str]) -> E {
    let name = present
        .iter()
        .zip(names)
        .find(|(present, _)| !**present)
        .map_or("?", |(_, name)| *name);
    E::missing_field(name)
}

/// `Deserialize` of a generated struct: the fields as for [`struct_serialize`], then those of
/// them whose absence is an error (`required { field "wire", ... }`), `extra` with the function
/// that keeps an unknown key ([`keep_json`], [`keep`]), then the fields outside the object
/// (`Default` when read).
///
/// The generated function has a constant number of early returns (a failed key, a failed value,
/// a missing required key), not one per field: each early return drops every slot, so one per
/// field would make the function's MIR, and the compiler's work on it, quadratic in the fields.
#[doc(hidden)]
#[macro_export]
macro_rules! __struct_deserialize {
    ($name:ident { $($field:ident $wire:literal $index:literal $kind:ident,)* }
     $(required { $($req:ident $req_wire:literal,)+ })?
     $(extra $extra:ident $keep:ident)? ; $($other:ident)*) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::de::deserialize_struct(deserializer)
            }
        }
        impl<'de> $crate::de::FromMap<'de> for $name {
            const EXPECTING: &'static str = concat!("struct ", stringify!($name));
            fn from_map<A: ::serde::de::MapAccess<'de>>(mut map: A) -> ::std::result::Result<Self, A::Error> {
                use $crate::de as de;
                $(let mut $field = None;)*
                $(let mut $extra = ::std::default::Default::default();)?
                let fields = de::Fields::new(&[$($wire),*], false $(|| { let _ = stringify!($extra); true })?);
                loop {
                    let key = match ::serde::de::MapAccess::next_key_seed(&mut map, fields) {
                        ::std::result::Result::Ok(::std::option::Option::Some(key)) => key,
                        ::std::result::Result::Ok(::std::option::Option::None) => break,
                        ::std::result::Result::Err(error) => return ::std::result::Result::Err(error),
                    };
                    #[allow(unreachable_patterns)]
                    let read = match key {
                        $(de::Key::Field($index) => de::value(&mut map, &mut $field, $wire),)*
                        $(de::Key::Unknown(key) => de::$keep(&mut map, &mut $extra, key),)?
                        _ => de::skip(&mut map),
                    };
                    if let ::std::result::Result::Err(error) = read {
                        return ::std::result::Result::Err(error);
                    }
                }
                $(
                    let present = [$($req.is_some()),+];
                    let ($(::std::option::Option::Some($req),)+) = ($($req,)+) else {
                        return ::std::result::Result::Err(de::missing(&present, &[$($req_wire),+]));
                    };
                )?
                ::std::result::Result::Ok(Self {
                    $($field: de::$kind::take($field),)*
                    $($extra,)?
                    $($other: ::std::default::Default::default(),)*
                })
            }
        }
    };
}
pub use crate::__struct_deserialize as struct_deserialize;

#[cfg(test)]
mod tests {
    use super::MapWriter;

    /// A value whose serialization fails.
    struct Refused;

    impl serde::Serialize for Refused {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }

    #[test]
    fn map_writer_keeps_the_first_error_and_writes_nothing_after_it() {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        let mut map = MapWriter::new(&mut serializer).expect("a map");
        map.required("a", &1);
        map.optional::<u8>("skipped", &None);
        map.entry("b", &Refused);
        map.nullable("c", &Some(2));
        let error = map.end().expect_err("the entry's error");
        assert!(error.to_string().contains("refused"), "{error}");
        let written = String::from_utf8(out).expect("UTF-8");
        assert!(written.starts_with(r#"{"a":1,"b":"#), "{written}");
        assert!(!written.contains("\"c\""), "{written}");
    }

    #[test]
    fn map_writer_writes_present_fields_in_order() {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        let mut map = MapWriter::new(&mut serializer).expect("a map");
        map.required("a", &1);
        map.optional("b", &None::<u8>);
        map.optional("c", &Some("x"));
        map.nullable("d", &None::<u8>);
        map.entry("extra", &true);
        map.end().expect("written");
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            r#"{"a":1,"c":"x","d":null,"extra":true}"#
        );
    }
}
