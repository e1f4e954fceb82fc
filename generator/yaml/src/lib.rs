//! YAML (and JSON) documents as [`Node`] trees that keep the line:column of every value and
//! every mapping key's spelling (`200:` stays `"200"`), for matrix-codegen's load stage.
//!
//! Pure: [`parse`] reads a text, never the file system. Documents are untrusted input: deep
//! nesting and alias bombs end in a [`ParseError`], not a crash or a hang.

use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
}

impl Loc {
    pub const fn new(line: u32, column: u32) -> Self {
        Loc { line, column }
    }
}

/// A YAML value with the position it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Seq(Vec<Node>),
    Map(Mapping),
}

/// A YAML mapping. Keys are kept as written (`200`, `1.10`), in document order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    pub entries: Entries,
    /// Keys given more than once (the last value is kept), with the position of the repeat.
    pub duplicate_keys: Vec<(String, Loc)>,
}

/// A mapping's entries. Hashed with foldhash rather than SipHash: every key of every file
/// is hashed on insertion and again on most lookups, and SipHash was 7% of generation.
pub type Entries = IndexMap<String, Node, foldhash::fast::RandomState>;

impl Node {
    pub fn as_map(&self) -> Option<&Mapping> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.entries.get(key))
    }

    /// A short name for the kind of value, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The `$ref` string of a reference object (`{$ref: ...}`), if this is one.
    pub fn ref_target(&self) -> Option<&str> {
        self.get("$ref").and_then(Node::as_str)
    }

    /// Follows a JSON pointer (`/a/b/0`, RFC 6901 escapes) through this tree.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token: std::borrow::Cow<'_, str> = if raw.contains('~') {
                raw.replace("~1", "/").replace("~0", "~").into()
            } else {
                raw.into()
            };
            node = match &node.value {
                Value::Map(m) => m.entries.get(token.as_ref())?,
                Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Converts to JSON, dropping positions.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Map(m) => json_object(
                m.entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// A JSON object of `entries`, a later key replacing an earlier one as `collect` does. One
/// function for every caller: collecting a map from each caller's own iterator would compile
/// the map's sorting and building code once per iterator type.
pub fn json_object(entries: Vec<(String, serde_json::Value)>) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for (key, value) in entries {
        object.insert(key, value);
    }
    serde_json::Value::Object(object)
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node {
            value: spanned.value,
            loc: loc_of(&spanned.referenced),
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number that JSON cannot represent (NaN or infinity)"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut mapping = Mapping::default();
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<Key>>()? {
            let value = map.next_value::<Node>()?;
            let name = key.value.0;
            if mapping.entries.contains_key(&name) {
                let loc = loc_of(&key.referenced);
                mapping.duplicate_keys.push((name.clone(), loc));
                // Keep the last value, as libyaml-based readers of the spec do.
                mapping.entries.shift_remove(&name);
            }
            mapping.entries.insert(name, value);
        }
        Ok(Value::Map(mapping))
    }
}

fn loc_of(location: &serde_saphyr::Location) -> Loc {
    let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    Loc::new(clamp(location.line()), clamp(location.column()))
}

/// A mapping key as written: `200:` and `1.10:` stay `"200"` and `"1.10"`.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key("null".to_owned()))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Parsing limits: deep nesting and alias bombs end in an error, not a crash or a hang.
fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 200;
    budget.max_aliases = 10_000;
    // The spec uses no anchors; a document that expands aliases this much is an attack.
    budget.max_recorded_anchor_events = 50_000;
    budget.max_recorded_anchor_bytes = 8 << 20;
    budget.max_nodes = 2_000_000;
    budget.max_events = 4_000_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    options.null_as_string = true;
    // YAML 1.2 core booleans only: `y`, `on` and `no` stay strings, as JSON readers expect.
    options.strict_booleans = true;
    options
}

/// Why a text is not a YAML document, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The parser's message, its first line only (the source snippet is the caller's to show).
    pub message: String,
    pub loc: Loc,
}

/// Parses one YAML (or JSON) text into a tree. A key given twice keeps its last value and is
/// listed in its mapping's [`Mapping::duplicate_keys`].
pub fn parse(text: &str) -> Result<Node, ParseError> {
    serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| ParseError {
        message: first_line(&e.without_snippet().to_string()),
        loc: e.location().map_or(Loc::new(1, 1), |l| loc_of(&l)),
    })
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Node {
        parse(text).expect("parses")
    }

    #[test]
    fn keeps_positions_and_key_spelling() {
        let node = parsed("a:\n  200:\n    x: 1\n  1.10: v\n");
        let a = node.get("a").expect("a");
        assert_eq!(a.loc, Loc::new(2, 3));
        let keys: Vec<&str> = a
            .as_map()
            .expect("map")
            .entries
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["200", "1.10"]);
        assert_eq!(
            node.pointer("/a/200/x").map(|n| n.loc),
            Some(Loc::new(3, 8))
        );
    }

    #[test]
    fn scalars_follow_the_yaml_1_2_core_schema() {
        let node = parsed("t: true\nyes: y\noff: no\nn: ~\ni: -3\nf: 1.5\ns: '1'\n");
        assert_eq!(
            node.to_json(),
            serde_json::json!({"t": true, "yes": "y", "off": "no", "n": null, "i": -3, "f": 1.5, "s": "1"})
        );
        assert!(parse("x: .nan\n").is_err(), "JSON has no NaN");
    }

    #[test]
    fn a_repeated_key_keeps_the_last_value_and_is_listed_where_it_repeats() {
        let node = parsed("a: 1\nb: 2\na: 3\n");
        assert_eq!(node.get("a").map(Node::to_json), Some(serde_json::json!(3)));
        let map = node.as_map().expect("map");
        assert_eq!(map.duplicate_keys, [("a".to_owned(), Loc::new(3, 1))]);
        let keys: Vec<&str> = map.entries.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["b", "a"],
            "the kept value sits where it was written last"
        );
    }

    #[test]
    fn errors_carry_positions() {
        let error = parse("a: [1, 2\nb: c\n").expect_err("invalid");
        assert!(!error.message.is_empty());
        assert!(!error.message.contains('\n'), "{}", error.message);
        assert!(error.loc.line >= 2, "{error:?}");
    }

    #[test]
    fn json_pointer_escapes() {
        let node = parsed("\"a/b\":\n  \"c~d\": [x, y]\n");
        assert_eq!(
            node.pointer("/a~1b/c~0d/1").and_then(Node::as_str),
            Some("y")
        );
        assert!(node.pointer("/nope").is_none());
        assert!(node.pointer("/a~1b/c~0d/2").is_none());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        // The parser recurses per level: the limit must end it before the stack does.
        let on_large_stack = |text: String| {
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || parse(&text))
                .expect("thread")
                .join()
                .expect("no panic")
        };
        let flow = on_large_stack(format!("{}{}", "[".repeat(5000), "]".repeat(5000)))
            .expect_err("too deep");
        assert!(flow.message.contains("recursion limit"), "{flow:?}");
        let block = on_large_stack(
            (0..5000)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect(),
        )
        .expect_err("too deep");
        assert!(block.message.contains("Depth"), "{block:?}");
    }
}
