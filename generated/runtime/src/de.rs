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

/// A generated `from_map`'s reading of a JSON object: the next key, then its value into a
/// slot (or kept, or skipped). The first error is kept and ends the keys, so the generated
/// loop has no early return of its own (see [`struct_deserialize`] for why that matters).
pub struct MapReader<'de, A: MapAccess<'de>> {
    map: A,
    fields: Fields,
    error: Option<A::Error>,
    _de: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> MapReader<'de, A> {
    /// Reads `map`, whose declared keys are `fields`.
    pub fn new(map: A, fields: Fields) -> Self {
        MapReader {
            map,
            fields,
            error: None,
            _de: PhantomData,
        }
    }

    /// The next key; `None` at the end of the object, or after an error.
    pub fn key(&mut self) -> Option<Key<'de>> {
        if self.error.is_some() {
            return None;
        }
        match self.map.next_key_seed(self.fields) {
            Ok(key) => key,
            Err(error) => {
                self.error = Some(error);
                None
            }
        }
    }

    fn keep_error(&mut self, read: Result<(), A::Error>) {
        if let Err(error) = read {
            self.error = Some(error);
        }
    }

    /// Reads the value of a declared key into its slot: an error if the key came before.
    pub fn value<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>, name: &'static str) {
        let read = if slot.is_some() {
            Err(de::Error::duplicate_field(name))
        } else {
            self.map.next_value().map(|value| *slot = Some(value))
        };
        self.keep_error(read);
    }

    /// Skips the value of a key the struct does not keep.
    pub fn skip(&mut self) {
        let read = self.map.next_value::<IgnoredAny>().map(|_| ());
        self.keep_error(read);
    }

    /// Keeps an unknown key and its value in a free-form `extra` map (a repeated key: the
    /// last).
    pub fn keep_json(
        &mut self,
        extra: &mut serde_json::Map<String, serde_json::Value>,
        key: Cow<'de, str>,
    ) {
        let read = self.map.next_value().map(|value| {
            extra.insert(key.into_owned(), value);
        });
        self.keep_error(read);
    }

    /// Keeps an unknown key and its value in a typed `extra` map: the key is parsed as `K` (a
    /// string or an identifier), the value as `V` (a repeated key: the last).
    pub fn keep<K: Deserialize<'de> + Ord, V: Deserialize<'de>>(
        &mut self,
        extra: &mut BTreeMap<K, V>,
        key: Cow<'de, str>,
    ) {
        let read =
            K::deserialize(de::value::CowStrDeserializer::<A::Error>::new(key)).and_then(|key| {
                let value = self.map.next_value()?;
                extra.insert(key, value);
                Ok(())
            });
        self.keep_error(read);
    }

    /// The end of the object: the first error, if there was one.
    pub fn end(self) -> Result<(), A::Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
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
/// `serialize` then has no early return at all (see [`struct_deserialize`] for why that
/// matters to compile time). After an error the remaining entries are not written.
pub struct MapWriter<M: SerializeMap> {
    /// The map being written, or the first error.
    state: Result<M, M::Error>,
}

impl<M: SerializeMap> MapWriter<M> {
    /// Starts the map; its error, if any, comes back from [`MapWriter::end`].
    pub fn new<S: serde::Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>>(
        serializer: S,
    ) -> Self {
        MapWriter {
            state: serializer.serialize_map(None),
        }
    }

    /// One entry (a declared key, or a kept unknown one).
    pub fn entry<K: serde::Serialize + ?Sized, V: serde::Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) {
        if let Ok(map) = &mut self.state
            && let Err(error) = map.serialize_entry(key, value)
        {
            self.state = Err(error);
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

    /// The kept unknown keys, after the declared ones.
    pub fn extra<'a, K: serde::Serialize + 'a, V: serde::Serialize + 'a>(
        &mut self,
        extra: impl IntoIterator<Item = (&'a K, &'a V)>,
    ) {
        for (key, value) in extra {
            self.entry(key, value);
        }
    }

    /// The map, or the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.state?.end()
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
                let mut map = $crate::de::MapWriter::new(serializer);
                $(map.$kind($wire, &self.$field);)*
                $(map.extra(&self.$extra);)?
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
/// them whose absence is an error (`required { field "wire", ... }`), `extra` with the
/// [`MapReader`] method that keeps an unknown key ([`MapReader::keep_json`],
/// [`MapReader::keep`]), then the fields outside the object (`Default` when read).
///
/// The generated function has two early returns (the first error [`MapReader`] kept, a missing
/// required key), not one per field: each early return drops every slot, so one per field would
/// make the function's MIR, and the compiler's work on it, quadratic in the fields.
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
            fn from_map<A: ::serde::de::MapAccess<'de>>(map: A) -> ::std::result::Result<Self, A::Error> {
                use $crate::de as de;
                $(let mut $field = None;)*
                $(let mut $extra = ::std::default::Default::default();)?
                let fields = de::Fields::new(&[$($wire),*], false $(|| { let _ = stringify!($extra); true })?);
                let mut reader = de::MapReader::new(map, fields);
                while let ::std::option::Option::Some(key) = reader.key() {
                    #[allow(unreachable_patterns)]
                    match key {
                        $(de::Key::Field($index) => reader.value(&mut $field, $wire),)*
                        $(de::Key::Unknown(key) => reader.$keep(&mut $extra, key),)?
                        _ => reader.skip(),
                    }
                }
                reader.end()?;
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
        let mut map = MapWriter::new(&mut serializer);
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
        let mut map = MapWriter::new(&mut serializer);
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
