//! Conformance of the `events` module: every example of the event schemas
//! (`event-schemas/examples/` of the spec `matrix-api` was built from) parses into its kind's
//! enum (`AnyStateEvent`, `AnyRoomEvent`, ... by its schema's kind) as a described event type
//! (not the enum's fallback, nor a content's fallback variant), and serializes back to an
//! equal JSON value.
//!
//! An example that does not is judged by its own event schema: one that breaks it (a JSON
//! Schema validator's verdict, the Matrix identifier formats checked by the runtime's
//! `identifiers` types) is a **spec defect**; one that fits it is a **generator failure**, and
//! fails the test. An example no event schema is named for that is a list of events passes
//! when each of its events parses into some kind's enum as a described event and round-trips. Run against a corpus with
//! `MATRIX_API_SPECS=../shared/corpus/<corpus>/... cargo test -p matrix-api-tests --test
//! event_examples -- --nocapture`.

mod conformance;
use conformance::violation;
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
use table::{EVENT_EXAMPLES, EVENT_SCHEMAS, KINDS};

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
    if back == *original {
        Ok(())
    } else {
        Err(format!(
            "changed in the round trip:\n      spec: {original}\n      back: {back}"
        ))
    }
}

enum Verdict {
    Passed,
    /// No event schema is named for the example, and it is not a list of events: nothing
    /// says what it must parse into.
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
        return judge_list(&value);
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

/// An example named for no schema: when it is a list of events (matrix-spec's
/// `invite_room_state.json`), each must parse, as an event type the spec describes, into some
/// kind's enum and round-trip; anything else is not checked.
fn judge_list(value: &serde_json::Value) -> Verdict {
    let Some(events) = value.as_array().filter(|events| !events.is_empty()) else {
        return Verdict::NoSchema;
    };
    for (index, event) in events.iter().enumerate() {
        if !KINDS.iter().any(|(_, check)| check(event).is_ok()) {
            return Verdict::GeneratorFailure(format!(
                "event {index} of the list parses as a described event of no kind: {event}"
            ));
        }
    }
    Verdict::Passed
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
fn a_fallback_is_not_a_pass() {
    let untyped = serde_json::json!({"content": {}});
    assert!(round_trip::<serde_json::Value>(&untyped).is_err());
    let typed = serde_json::json!({"type": "m.x", "content": {}});
    assert_eq!(round_trip::<serde_json::Value>(&typed), Ok(()));
}

/// `Raw` and the fallbacks, on the event types of `api-specs/` (the default spec).
#[cfg(default_specs)]
mod api_specs {
    use matrix_api::events::{
        AnyRoomEvent, AnyStateEvent, RoomMessageEventContent, RoomNameEventContent,
    };
    use matrix_api::runtime::events::{EventContent, Raw};

    const MESSAGE: &str = r#"{"type":"m.room.message","event_id":"$e:example.org","sender":"@a:example.org","room_id":"!r:example.org","origin_server_ts":1,"content":{"msgtype":"m.text","body":"hi",  "format":"org.matrix.custom.html","formatted_body":"<b>hi</b>"}}"#;

    #[test]
    fn raw_keeps_the_bytes_and_parses_on_demand() {
        let list = format!("[{MESSAGE}]");
        let raw: Vec<Raw<AnyRoomEvent>> = serde_json::from_str(&list).expect("a list of events");
        // The exact text, odd spacing included, both kept and written back.
        assert_eq!(raw[0].json().get(), MESSAGE);
        assert_eq!(serde_json::to_string(&raw).expect("serializes"), list);
        assert_eq!(
            raw[0].get_field::<String>("type").expect("a string"),
            Some("m.room.message".to_owned())
        );
        let AnyRoomEvent::RoomMessage(event) = raw[0].deserialize().expect("parses") else {
            panic!("an m.room.message");
        };
        let RoomMessageEventContent::Text(text) = &event.content else {
            panic!("an m.text message: {:?}", event.content);
        };
        assert_eq!(text.body, "hi");
        assert_eq!(text.format.as_deref(), Some("org.matrix.custom.html"));
        assert_eq!(RoomMessageEventContent::EVENT_TYPE, "m.room.message");
        assert_eq!(RoomNameEventContent::KIND, "StateEvent");
    }

    #[test]
    fn unknown_types_and_variants_keep_their_json() {
        let custom = serde_json::json!({
            "type": "org.example.custom", "state_key": "", "event_id": "$e:example.org",
            "sender": "@a:example.org", "room_id": "!r:example.org", "origin_server_ts": 1,
            "content": {"anything": [1, 2]}
        });
        let event: AnyStateEvent = serde_json::from_value(custom.clone()).expect("parses");
        assert!(matches!(event, AnyStateEvent::Unknown(_)));
        assert!(event.is_unknown());
        assert_eq!(event.event_type(), "org.example.custom");
        assert_eq!(serde_json::to_value(&event).expect("serializes"), custom);

        let mut message: serde_json::Value =
            serde_json::from_str(super::MESSAGE_FOR_FALLBACK).expect("JSON");
        message["content"]["msgtype"] = "org.example.poll".into();
        let event: AnyRoomEvent = serde_json::from_value(message.clone()).expect("parses");
        let AnyRoomEvent::RoomMessage(inner) = &event else {
            panic!("a message of an unknown msgtype is still a message");
        };
        assert!(matches!(inner.content, RoomMessageEventContent::Unknown(_)));
        assert_eq!(inner.content.msgtype(), Some("org.example.poll"));
        assert!(event.is_unknown());
        assert_eq!(serde_json::to_value(&event).expect("serializes"), message);

        // A known variant that breaks its schema is an error, not a fallback.
        message["content"] = serde_json::json!({"msgtype": "m.text"});
        assert!(serde_json::from_value::<AnyRoomEvent>(message).is_err());
    }
}

#[cfg(default_specs)]
const MESSAGE_FOR_FALLBACK: &str = r#"{"type":"m.room.message","event_id":"$e:example.org","sender":"@a:example.org","room_id":"!r:example.org","origin_server_ts":1,"content":{"msgtype":"m.text","body":"hi"}}"#;

#[test]
fn a_send_request_takes_any_event_content() {
    use matrix_api_tests::fixtures::events_beside_api::client_server::send_message::Request;
    use matrix_api_tests::fixtures::events_beside_api::events::RoomTopicEventContent;
    let content = RoomTopicEventContent::new("Cheese".to_owned());
    let request = Request::with_content("!r:example.org".to_owned(), "t1".to_owned(), &content)
        .expect("a content is a JSON object");
    assert_eq!(request.event_type, "m.room.topic");
    assert_eq!(request.room_id, "!r:example.org");
    assert_eq!(
        request.body.get("topic"),
        Some(&serde_json::json!("Cheese"))
    );
}
