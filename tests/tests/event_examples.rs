//! Conformance of the `events` module: every example of the event schemas
//! (`event-schemas/examples/` of the spec `matrix-api` was built from) parses into its kind's
//! enum (`AnyStateEvent`, `AnyRoomEvent`, ... by its schema's kind) as a described event type
//! (not the enum's fallback, nor a content's fallback variant), and serializes back to an
//! equal JSON value.
//!
//! An example that does not is judged by its own event schema: one that breaks it (a JSON
//! Schema validator's verdict, the Matrix identifier formats checked by the runtime's
//! `identifiers` types) is a **spec defect**; one that fits it is a **generator failure**, and
//! fails the test, as does an example no event schema is named for. Run against a corpus with
//! `MATRIX_API_SPECS=../shared/corpus/<corpus>/... cargo test -p matrix-api-tests --test
//! event_examples -- --nocapture`.

use matrix_api::runtime::identifiers::{
    Base64, Email, EventId, MxcUri, RoomAliasId, RoomId, ServerName, Uri, UrlSafeBase64, UserId,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A kind enum of the `events` module.
trait KnownEvent {
    /// The event's type, or its content's variant, is one the spec does not describe.
    fn is_unknown(&self) -> bool;
}

/// Parses into a kind's enum, and back.
type Check = fn(&serde_json::Value) -> Result<(), String>;

struct EventExample {
    place: &'static str,
    /// Index into `EVENT_SCHEMAS`; `None` when no event schema is named for the example.
    schema: Option<usize>,
    json: &'static str,
    /// The kind enum of the example's schema, and its check.
    kind: Option<(&'static str, Check)>,
}

mod table {
    use super::*;
    include!(concat!(env!("OUT_DIR"), "/event_examples.rs"));
}
use table::{EVENT_EXAMPLES, EVENT_SCHEMAS};

const SPEC: &str = env!("MATRIX_API_SPEC_NAME");

fn round_trip<T: Serialize + DeserializeOwned + KnownEvent>(
    original: &serde_json::Value,
) -> Result<(), String> {
    let typed: T = serde_json::from_value(original.clone())
        .map_err(|e| format!("does not deserialize: {e}"))?;
    if typed.is_unknown() {
        return Err("lands in a fallback variant".to_owned());
    }
    let back = serde_json::to_value(&typed).map_err(|e| format!("does not serialize: {e}"))?;
    if same_json(&back, original) {
        Ok(())
    } else {
        Err(format!(
            "changed in the round trip:\n      spec: {original}\n      back: {back}"
        ))
    }
}

/// Equal as JSON values, numbers by their value: JSON does not tell `0` from `0.0`, and a
/// `number` the spec describes is an `f64`, which writes `0.0`.
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.is_f64() || y.is_f64()) && x.as_f64() == y.as_f64()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same_json(a, b)))
        }
        _ => a == b,
    }
}

/// A string format's name and its check.
type FormatCheck = (&'static str, fn(&str) -> bool);

fn format_checks() -> [FormatCheck; 10] {
    [
        ("mx-user-id", |s| UserId::parse(s).is_ok()),
        ("mx-room-id", |s| RoomId::parse(s).is_ok()),
        ("mx-event-id", |s| EventId::parse(s).is_ok()),
        ("mx-room-alias", |s| RoomAliasId::parse(s).is_ok()),
        ("mx-server-name", |s| ServerName::parse(s).is_ok()),
        ("mx-mxc-uri", |s| MxcUri::parse(s).is_ok()),
        ("mx-unpadded-base64", |s| Base64::parse(s).is_ok()),
        ("mx-urlsafe-unpadded-base64", |s| {
            UrlSafeBase64::parse(s).is_ok()
        }),
        ("uri", |s| Uri::parse(s).is_ok()),
        ("email", |s| Email::parse(s).is_ok()),
    ]
}

/// Why `value` breaks `schema`, if it does; `Err` when the schema does not compile.
fn violation(schema: &str, value: &serde_json::Value) -> Result<Option<String>, String> {
    let schema: serde_json::Value =
        serde_json::from_str(schema).map_err(|e| format!("schema is not JSON: {e}"))?;
    let mut options = jsonschema::options().should_validate_formats(true);
    for (format, check) in format_checks() {
        options = options.with_format(format, check);
    }
    let validator = options
        .build(&schema)
        .map_err(|e| format!("schema does not compile: {e}"))?;
    Ok(validator.iter_errors(value).next().map(|error| {
        let at = error.instance_path().to_string();
        let at = if at.is_empty() { "/".to_owned() } else { at };
        format!("{error} (at {at})")
    }))
}

enum Verdict {
    Passed,
    /// No event schema is named for the example (`invite_room_state.json`, a list of
    /// events): nothing says what it must parse into.
    NoSchema,
    SpecDefect(String),
    GeneratorFailure(String),
}

fn judge(example: &EventExample) -> Verdict {
    let value: serde_json::Value = match serde_json::from_str(example.json) {
        Ok(value) => value,
        Err(e) => return Verdict::GeneratorFailure(format!("not JSON: {e}")),
    };
    let Some((_, check)) = example.kind else {
        return Verdict::NoSchema;
    };
    let round_trip = check(&value);
    if round_trip.is_ok() {
        return Verdict::Passed;
    }
    let Some(schema) = example.schema.and_then(|i| EVENT_SCHEMAS.get(i)) else {
        return Verdict::GeneratorFailure("the example has no schema".into());
    };
    match (violation(schema, &value), round_trip) {
        (Ok(Some(reason)), _) => Verdict::SpecDefect(reason),
        (Ok(None), Err(why)) => Verdict::GeneratorFailure(format!("fits its schema, but {why}")),
        (Err(schema), Err(why)) => Verdict::GeneratorFailure(format!("{why}; and {schema}")),
        (_, Ok(())) => Verdict::Passed,
    }
}

#[test]
fn every_event_example_parses_as_its_kind_and_round_trips() {
    let (mut passed, mut defects, mut failures, mut unnamed) =
        (0, Vec::new(), Vec::new(), Vec::new());
    for example in EVENT_EXAMPLES {
        let kind = example.kind.map_or("-", |(kind, _)| kind);
        match judge(example) {
            Verdict::Passed => passed += 1,
            Verdict::NoSchema => unnamed.push(format!("  {}", example.place)),
            Verdict::SpecDefect(why) => {
                defects.push(format!("  {} ({kind}): {why}", example.place))
            }
            Verdict::GeneratorFailure(why) => {
                failures.push(format!("  {} ({kind}): {why}", example.place))
            }
        }
    }
    println!("event examples of {SPEC}:");
    println!(
        "{:>6} {:>7} {:>13} {:>20} {:>10}",
        "found", "passed", "spec defects", "generator failures", "no schema"
    );
    println!(
        "{:>6} {:>7} {:>13} {:>20} {:>10}",
        EVENT_EXAMPLES.len(),
        passed,
        defects.len(),
        failures.len(),
        unnamed.len()
    );
    if !unnamed.is_empty() {
        println!("examples no event schema is named for (not checked):");
        for line in &unnamed {
            println!("{line}");
        }
    }
    if !defects.is_empty() {
        println!("spec defects (the example breaks its own event schema):");
        for line in &defects {
            println!("{line}");
        }
    }
    if !failures.is_empty() {
        println!("generator failures:");
        for line in &failures {
            println!("{line}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} generator failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// For the tests of the checks themselves: an event without a `type` is unknown.
impl KnownEvent for serde_json::Value {
    fn is_unknown(&self) -> bool {
        self.get("type").is_none()
    }
}

#[test]
fn numbers_compare_by_value() {
    assert!(same_json(&serde_json::json!({"a": [0]}), &serde_json::json!({"a": [0.0]})));
    assert!(!same_json(&serde_json::json!({"a": 1}), &serde_json::json!({"a": 1.5})));
    assert!(!same_json(&serde_json::json!({"a": 1}), &serde_json::json!({"a": 1, "b": 2})));
}

#[test]
fn a_fallback_is_not_a_pass() {
    let untyped = serde_json::json!({"content": {}});
    assert!(round_trip::<serde_json::Value>(&untyped).is_err());
    let typed = serde_json::json!({"type": "m.x", "content": {}});
    assert_eq!(round_trip::<serde_json::Value>(&typed), Ok(()));
}
