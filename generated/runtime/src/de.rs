//! For generated code only: the shared parts of the generated `Deserialize` and `Serialize`
//! impls of structs and unions. A struct is read by [`deserialize_struct`] and [`read_fields`],
//! generic over the tuple of its fields' [`Slots`], and written by [`serialize_struct`] with
//! the tuple of its fields' [`Entries`]: the loop over the object's keys, recognising a key,
//! reading a value once, keeping or skipping an unknown key, the required fields' check and
//! the writing are here once. The generated `deserialize` is one call and the struct's
//! literal, `serialize` one call, so `cargo check` of the generated crate has little to do per
//! struct; the loops are compiled once per struct only where a build uses them.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;

/// The `Deserialize::deserialize` of every generated struct: it asks for a map and reads it
/// with [`read_fields`] (`expecting`, as `struct Foo`, is what an error says was expected).
pub fn deserialize_struct<'de, D: Deserializer<'de>, S: Slots<'de>, X: Extra<'de>>(
    deserializer: D,
    expecting: &'static str,
    names: &'static [&'static str],
) -> Result<(S::Output, X), D::Error> {
    deserializer.deserialize_map(StructVisitor::<S, X> {
        expecting,
        names,
        _read: PhantomData,
    })
}

struct StructVisitor<S, X> {
    expecting: &'static str,
    names: &'static [&'static str],
    _read: PhantomData<fn() -> (S, X)>,
}

impl<'de, S: Slots<'de>, X: Extra<'de>> Visitor<'de> for StructVisitor<S, X> {
    type Value = (S::Output, X);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        read_fields::<A, S, X>(map, self.names)
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

/// [`read_fields`]' reading of a JSON object: the next key, then its value into a slot (or
/// kept, or skipped). The first error is kept and ends the keys, so the loop has no early
/// return of its own.
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

/// The slots a struct's declared fields are read into: a field's slot ([`required::Slot`],
/// [`optional::Slot`], [`nullable::Slot`]), or a tuple of slots. Tuples nest, so any number
/// of fields fits.
pub trait Slots<'de> {
    /// How many fields.
    const LEN: usize;
    /// The fields' values.
    type Output;
    /// Every slot empty.
    fn empty() -> Self;
    /// Reads the value of field `index` (of `names`, these slots' keys) into its slot.
    fn read<A: MapAccess<'de>>(
        &mut self,
        index: usize,
        reader: &mut MapReader<'de, A>,
        names: &[&'static str],
    );
    /// The values, once the object has ended: an error for the first required one absent.
    fn finish<E: de::Error>(self, names: &[&'static str]) -> Result<Self::Output, E>;
}

/// A struct's declared fields as they are written: a field's entry ([`required::Entry`],
/// [`optional::Entry`], [`nullable::Entry`]), or a tuple of entries (nesting as [`Slots`]).
pub trait Entries {
    /// How many fields.
    const LEN: usize;
    /// Writes the fields under `names`, these entries' keys, in order.
    fn write<M: SerializeMap>(&self, names: &[&'static str], map: &mut MapWriter<M>);
}

/// A field's own key: the first of the names its slot or entry is given.
fn first(names: &[&'static str]) -> &'static str {
    names.first().copied().unwrap_or("?")
}

/// The keys after the first `len`: those of the next slot or entry of a tuple.
fn after<'a>(names: &'a [&'static str], len: usize) -> &'a [&'static str] {
    names.get(len..).unwrap_or_default()
}

/// [`Slots`] and [`Entries`] for a tuple of them.
macro_rules! tuple_fields {
    ($($part:ident $i:tt),+) => {
        impl<'de, $($part: Slots<'de>),+> Slots<'de> for ($($part,)+) {
            const LEN: usize = 0 $(+ $part::LEN)+;
            type Output = ($($part::Output,)+);
            fn empty() -> Self {
                ($($part::empty(),)+)
            }
            #[allow(unused_assignments)]
            fn read<A: MapAccess<'de>>(
                &mut self,
                mut index: usize,
                reader: &mut MapReader<'de, A>,
                mut names: &[&'static str],
            ) {
                $(
                    if index < $part::LEN {
                        return self.$i.read(index, reader, names);
                    }
                    index -= $part::LEN;
                    names = after(names, $part::LEN);
                )+
                // Not one of these fields (the names and the slots disagree): still read past it.
                reader.skip();
            }
            #[allow(unused_assignments)]
            fn finish<E: de::Error>(self, mut names: &[&'static str]) -> Result<Self::Output, E> {
                Ok(($({
                    let value = self.$i.finish(names)?;
                    names = after(names, $part::LEN);
                    value
                },)+))
            }
        }

        impl<$($part: Entries),+> Entries for ($($part,)+) {
            const LEN: usize = 0 $(+ $part::LEN)+;
            #[allow(unused_assignments)]
            fn write<M: SerializeMap>(&self, mut names: &[&'static str], map: &mut MapWriter<M>) {
                $(
                    self.$i.write(names, map);
                    names = after(names, $part::LEN);
                )+
            }
        }
    };
}

// Up to the generator's `MAX_SLOTS_TUPLE`; a struct with more fields nests tuples.
for_each_tuple!(tuple_fields);

/// A struct with no declared fields.
impl<'de> Slots<'de> for () {
    const LEN: usize = 0;
    type Output = ();
    fn empty() -> Self {}
    fn read<A: MapAccess<'de>>(
        &mut self,
        _: usize,
        reader: &mut MapReader<'de, A>,
        _: &[&'static str],
    ) {
        reader.skip();
    }
    fn finish<E: de::Error>(self, _: &[&'static str]) -> Result<(), E> {
        Ok(())
    }
}

impl Entries for () {
    const LEN: usize = 0;
    fn write<M: SerializeMap>(&self, _: &[&'static str], _: &mut MapWriter<M>) {}
}

/// Where a struct's unknown keys go when read: a free-form or typed `extra` map, or nowhere
/// ([`NoExtra`]).
pub trait Extra<'de>: Default {
    /// Whether unknown keys are kept (else skipped, without a copy of the key).
    const KEEPS: bool;
    /// Keeps `key` and its value.
    fn keep<A: MapAccess<'de>>(&mut self, reader: &mut MapReader<'de, A>, key: Cow<'de, str>);
}

/// A struct's kept unknown keys as they are written, after its declared fields.
pub trait ExtraEntries {
    /// Writes every kept key and its value.
    fn write<M: SerializeMap>(&self, map: &mut MapWriter<M>);
}

/// The unknown keys of a struct that keeps none.
#[derive(Default)]
pub struct NoExtra;

impl<'de> Extra<'de> for NoExtra {
    const KEEPS: bool = false;
    fn keep<A: MapAccess<'de>>(&mut self, reader: &mut MapReader<'de, A>, _: Cow<'de, str>) {
        reader.skip();
    }
}

impl ExtraEntries for NoExtra {
    fn write<M: SerializeMap>(&self, _: &mut MapWriter<M>) {}
}

impl<'de> Extra<'de> for serde_json::Map<String, serde_json::Value> {
    const KEEPS: bool = true;
    fn keep<A: MapAccess<'de>>(&mut self, reader: &mut MapReader<'de, A>, key: Cow<'de, str>) {
        reader.keep_json(self, key);
    }
}

impl ExtraEntries for serde_json::Map<String, serde_json::Value> {
    fn write<M: SerializeMap>(&self, map: &mut MapWriter<M>) {
        map.extra(self);
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Extra<'de> for BTreeMap<K, V> {
    const KEEPS: bool = true;
    fn keep<A: MapAccess<'de>>(&mut self, reader: &mut MapReader<'de, A>, key: Cow<'de, str>) {
        reader.keep(self, key);
    }
}

impl<K: serde::Serialize, V: serde::Serialize> ExtraEntries for BTreeMap<K, V> {
    fn write<M: SerializeMap>(&self, map: &mut MapWriter<M>) {
        map.extra(self);
    }
}

/// A generated struct's object: the object's declared keys (`names`, in the order of the
/// slots `S`) read into their slots, its unknown keys kept in `X` or skipped, then the values
/// in field order, or an error for the first absent required one (so the first error in the
/// object's order, then the first missing field in the struct's order, as serde's derive).
///
/// Every field's work is here, not in the generated code: there a struct's `deserialize` is
/// one call of [`deserialize_struct`] and the struct's literal, which `cargo check` reads in a
/// fraction of the time of a loop with a match arm per field.
pub fn read_fields<'de, A: MapAccess<'de>, S: Slots<'de>, X: Extra<'de>>(
    map: A,
    names: &'static [&'static str],
) -> Result<(S::Output, X), A::Error> {
    let mut slots = S::empty();
    let mut extra = X::default();
    let mut reader = MapReader::new(map, Fields::new(names, X::KEEPS));
    while let Some(key) = reader.key() {
        match key {
            Key::Field(index) => slots.read(index, &mut reader, names),
            Key::Unknown(key) => extra.keep(&mut reader, key),
            Key::Skip => reader.skip(),
        }
    }
    reader.end()?;
    Ok((slots.finish(names)?, extra))
}

/// The `Serialize::serialize` of every generated struct: its declared fields (`entries`,
/// under `names`) as a map, then its kept unknown keys.
pub fn serialize_struct<S: serde::Serializer, E: Entries, X: ExtraEntries>(
    serializer: S,
    names: &'static [&'static str],
    entries: E,
    extra: &X,
) -> Result<S::Ok, S::Error> {
    let mut map = MapWriter::new(serializer);
    entries.write(names, &mut map);
    extra.write(&mut map);
    map.end()
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

/// What the slots of every kind share in their [`Slots`] impl: one field, whose value is read
/// once into the slot's `Option`.
macro_rules! one_field_slot {
    () => {
        const LEN: usize = 1;
        fn empty() -> Self {
            Slot(None)
        }
        fn read<A: MapAccess<'de>>(
            &mut self,
            _: usize,
            reader: &mut MapReader<'de, A>,
            names: &[&'static str],
        ) {
            reader.value(&mut self.0, first(names));
        }
    };
}

/// A field whose absence is an error: read with [`required::Slot`], always written.
pub mod required {
    use super::*;

    /// The slot of a required field of type `T`.
    pub struct Slot<T>(Option<T>);

    impl<'de, T: Deserialize<'de>> Slots<'de> for Slot<T> {
        type Output = T;
        one_field_slot!();
        fn finish<E: de::Error>(self, names: &[&'static str]) -> Result<T, E> {
            self.0.ok_or_else(|| E::missing_field(first(names)))
        }
    }

    /// A required field's value, to be written.
    pub struct Entry<'a, T>(pub &'a T);

    impl<T: serde::Serialize> Entries for Entry<'_, T> {
        const LEN: usize = 1;
        fn write<M: SerializeMap>(&self, names: &[&'static str], map: &mut MapWriter<M>) {
            map.required(first(names), self.0);
        }
    }
}

/// A field that may be absent: written only when `Some`; absent (or `null`) reads as `None`.
pub mod optional {
    use super::*;

    /// The slot of an optional field of type `Option<T>`.
    pub struct Slot<T>(Option<Option<T>>);

    impl<'de, T: Deserialize<'de>> Slots<'de> for Slot<T> {
        type Output = Option<T>;
        one_field_slot!();
        fn finish<E: de::Error>(self, _: &[&'static str]) -> Result<Option<T>, E> {
            Ok(self.0.flatten())
        }
    }

    /// An optional field's value, to be written if it is `Some`.
    pub struct Entry<'a, T>(pub &'a Option<T>);

    impl<T: serde::Serialize> Entries for Entry<'_, T> {
        const LEN: usize = 1;
        fn write<M: SerializeMap>(&self, names: &[&'static str], map: &mut MapWriter<M>) {
            map.optional(first(names), self.0);
        }
    }
}

/// A field that must be present but may be `null`: always written (`None` as `null`); absent
/// reads as `None`, as serde's `default` did.
pub mod nullable {
    use super::*;

    /// The slot of a nullable field of type `T`.
    pub struct Slot<T>(Option<T>);

    impl<'de, T: Deserialize<'de> + Default> Slots<'de> for Slot<T> {
        type Output = T;
        one_field_slot!();
        fn finish<E: de::Error>(self, _: &[&'static str]) -> Result<T, E> {
            Ok(self.0.unwrap_or_default())
        }
    }

    /// A nullable field's value, to be written even when `None`.
    pub struct Entry<'a, T>(pub &'a T);

    impl<T: serde::Serialize> Entries for Entry<'_, T> {
        const LEN: usize = 1;
        fn write<M: SerializeMap>(&self, names: &[&'static str], map: &mut MapWriter<M>) {
            map.nullable(first(names), self.0);
        }
    }
}

/// Writes a generated struct's entries as a map, keeping the first error, so writing an entry
/// returns nothing to check; after an error the remaining entries are not written.
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

#[cfg(test)]
mod tests {
    use super::{MapWriter, NoExtra, deserialize_struct, nullable, optional, required};

    type Wide = (
        (required::Slot<u8>, optional::Slot<String>),
        (nullable::Slot<Option<bool>>,),
    );

    /// What [`Wide`] reads: its values, grouped as its slots.
    type WideValues = ((u8, Option<String>), (Option<bool>,));

    fn read_wide(text: &str) -> Result<WideValues, String> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        deserialize_struct::<_, Wide, NoExtra>(&mut deserializer, "struct Wide", &["a", "b", "c"])
            .map(|(values, NoExtra)| values)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn nested_slots_take_their_own_keys() {
        assert_eq!(
            read_wide(r#"{"c": true, "x": [1], "b": "s", "a": 7}"#),
            Ok(((7, Some("s".to_owned())), (Some(true),)))
        );
        assert_eq!(
            read_wide(r#"{"a": 7, "b": null}"#),
            Ok(((7, None), (None,)))
        );
        let missing = read_wide(r#"{"b": "s"}"#).expect_err("a is required");
        assert!(missing.starts_with("missing field `a`"), "{missing}");
        let twice = read_wide(r#"{"a": 1, "c": true, "c": false}"#).expect_err("c twice");
        assert!(twice.starts_with("duplicate field `c`"), "{twice}");
        let not_object = read_wide("[1]").expect_err("not an object");
        assert!(not_object.contains("expected struct Wide"), "{not_object}");
    }

    #[test]
    fn a_key_beyond_the_slots_is_read_past() {
        // More names than slots (never generated): the value is still consumed, so the
        // object goes on parsing.
        let mut deserializer =
            serde_json::Deserializer::from_str(r#"{"b": {"deep": [1]}, "a": 3}"#);
        let read = deserialize_struct::<_, (required::Slot<u8>,), NoExtra>(
            &mut deserializer,
            "struct One",
            &["a", "b"],
        );
        assert!(
            matches!(read, Ok(((3,), NoExtra))),
            "{:?}",
            read.map(|(v, _)| v)
        );
    }

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
