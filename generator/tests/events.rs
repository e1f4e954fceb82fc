//! The `events` module, on the fixtures under `tests/fixtures/events*/`: names, the
//! discriminator of variants, which event types each kind's enum holds, fallbacks, examples,
//! determinism, and errors that point into the broken event schema.

use std::path::{Path, PathBuf};

use matrix_codegen::events::{ContentBody, EventsIr};
use matrix_codegen::{Config, Gate, Generated};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case)
}

fn generate(case: &str) -> Generated {
    Config::new(fixture(case).join("api"))
        .generate()
        .unwrap_or_else(|e| panic!("fixture `{case}` failed:\n{}", e.render(false)))
}

fn events(generated: &Generated) -> &EventsIr {
    generated
        .events
        .as_ref()
        .expect("the fixture has event schemas beside its API root")
}

fn kind_members(events: &EventsIr, enum_name: &str) -> Vec<String> {
    let kind = events
        .kinds
        .iter()
        .find(|k| k.enum_name == enum_name)
        .unwrap_or_else(|| panic!("no kind enum {enum_name}"));
    kind.members
        .iter()
        .map(|(_, c)| events.contents[*c].event_type.clone())
        .collect()
}

#[test]
fn content_types_are_named_from_the_event_type() {
    let generated = generate("events_beside_api");
    let names: Vec<(&str, &str)> = events(&generated)
        .contents
        .iter()
        .map(|c| (c.event_type.as_str(), c.name.as_str()))
        .collect();
    assert!(names.contains(&("m.room.message", "RoomMessageEventContent")));
    assert!(names.contains(&(
        "m.key.verification.start",
        "KeyVerificationStartEventContent"
    )));
    // An extensionless file is a schema too (the older spec's layout).
    assert!(names.contains(&("m.direct", "DirectEventContent")));
    // A schema without a `type` enum or a kind is a shared definition, not an event.
    assert!(!names.iter().any(|(t, _)| t.contains("shared")));
    assert!(generated.code.contains("pub struct RoomTopicEventContent"));
    assert!(
        generated.code.contains(
            "impl ::matrix_api::runtime::events::EventContent for RoomMessageEventContent"
        )
    );
    assert!(
        generated
            .code
            .contains("const EVENT_TYPE: &'static str = \"m.room.message\";")
    );
}

#[test]
fn variants_are_keyed_by_the_discriminator() {
    let generated = generate("events_beside_api");
    let message = events(&generated)
        .contents
        .iter()
        .find(|c| c.event_type == "m.room.message")
        .expect("m.room.message");
    let ContentBody::Variants {
        discriminator,
        variants,
        fallback,
    } = &message.body
    else {
        panic!("m.room.message has variants: {:?}", message.body);
    };
    assert_eq!(discriminator, "msgtype");
    assert_eq!(fallback, "Unknown");
    let named: Vec<(&str, &str, &str)> = variants
        .iter()
        .map(|v| (v.value.as_str(), v.variant.as_str(), v.name.as_str()))
        .collect();
    // Named from the title where there is one, else from the value.
    assert_eq!(
        named,
        [
            ("m.notice", "Notice", "RoomMessageNoticeEventContent"),
            ("m.text", "Text", "TextMessageEventContent"),
        ]
    );
    let text = &variants[1];
    assert!(text.fields.iter().any(|f| f.wire == "format"));
    assert!(generated.code.contains("pub enum RoomMessageEventContent"));
    assert!(
        generated
            .code
            .contains("Unknown(::serde_json::Map<String, ::serde_json::Value>)")
    );
}

#[test]
fn kinds_come_from_the_core_schemas_and_hold_the_types_that_fit() {
    let generated = generate("events_beside_api");
    let events = events(&generated);
    let mut kinds: Vec<&str> = events.kinds.iter().map(|k| k.name.as_str()).collect();
    kinds.sort();
    // `not_a_kind.yaml` has neither `type` nor `content`.
    assert_eq!(
        kinds,
        [
            "Event",
            "RoomEvent",
            "StateEvent",
            "StrippedStateEvent",
            "SyncRoomEvent",
            "SyncStateEvent"
        ]
    );
    let state = kind_members(events, "AnyStateEvent");
    assert_eq!(state, ["m.room.topic"]);
    assert_eq!(kind_members(events, "AnySyncStateEvent"), ["m.room.topic"]);
    assert_eq!(
        kind_members(events, "AnyStrippedStateEvent"),
        ["m.room.topic"]
    );
    assert_eq!(kind_members(events, "AnyRoomEvent"), ["m.room.message"]);
    // A state event is a sync state event, not a sync room event without its state key.
    assert_eq!(kind_members(events, "AnySyncRoomEvent"), ["m.room.message"]);
    let mut plain = kind_members(events, "AnyEvent");
    plain.sort();
    assert_eq!(plain, ["m.direct", "m.key.verification.start"]);
    let room = events
        .kinds
        .iter()
        .find(|k| k.name == "RoomEvent")
        .expect("RoomEvent");
    let fields: Vec<&str> = room.fields.iter().map(|f| f.wire.as_str()).collect();
    // `content` is the generic parameter; undescribed keys are kept.
    assert_eq!(fields, ["type", "event_id", "sender", "room_id", ""]);
    assert!(room.fields.last().is_some_and(|f| f.flatten));
    assert!(generated.code.contains("pub struct RoomEvent<C>"));
    assert!(
        generated
            .code
            .contains("RoomMessage(RoomEvent<RoomMessageEventContent>)")
    );
}

#[test]
fn a_form_beside_the_event_schemas_is_a_kind_as_in_the_core_folder() {
    // Releases before v1.2 kept `stripped_state.yaml` in `schema/`, not `core-event-schema/`.
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&fixture("events_beside_api"), dir.path(), &str::to_owned);
    let schemas = dir.path().join("event-schemas/schema");
    std::fs::rename(
        schemas.join("core-event-schema/stripped_state.yaml"),
        schemas.join("stripped_state.yaml"),
    )
    .expect("moved");
    let generated = Config::new(dir.path().join("api"))
        .generate()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let events = events(&generated);
    assert!(events.kinds.iter().any(|k| k.name == "StrippedStateEvent"));
    assert_eq!(
        kind_members(events, "AnyStrippedStateEvent"),
        ["m.room.topic"]
    );
    // Not an event type of its own.
    assert!(
        !events
            .contents
            .iter()
            .any(|c| c.name.starts_with("StrippedState"))
    );
    // A schema that does name its event type stays an event, not a form.
    assert!(!events.kinds.iter().any(|k| k.name.contains("Topic")));
}

#[test]
fn a_map_content_keeps_its_keys() {
    let generated = generate("events_beside_api");
    let direct = events(&generated)
        .contents
        .iter()
        .find(|c| c.event_type == "m.direct")
        .expect("m.direct");
    let ContentBody::Struct(fields) = &direct.body else {
        panic!("m.direct is a struct");
    };
    assert_eq!(fields.len(), 1);
    assert!(fields[0].flatten);
}

#[test]
fn examples_merge_their_references_under_their_own_keys() {
    let generated = generate("events_beside_api");
    let examples = &events(&generated).examples;
    assert_eq!(examples.len(), 1);
    let example = &examples[0];
    assert_eq!(example.value["type"], "m.room.message");
    assert_eq!(example.value["room_id"], "!r:example.org");
    assert!(example.value.get("$ref").is_none());
    let (kind, schema) = example.schema.as_ref().expect("the example's schema");
    assert_eq!(events(&generated).kinds[*kind].name, "RoomEvent");
    assert!(schema.is_object());
}

/// Copies a folder tree, each file's name as `rename` gives it.
fn copy_tree(source: &Path, target: &Path, rename: &dyn Fn(&str) -> String) {
    std::fs::create_dir_all(target).expect("folder");
    for entry in std::fs::read_dir(source).expect("readable fixture") {
        let entry = entry.expect("entry");
        let name = rename(&entry.file_name().to_string_lossy());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target.join(name), rename);
        } else {
            std::fs::copy(entry.path(), target.join(name)).expect("copied");
        }
    }
}

#[test]
fn variant_files_named_with_a_hash_are_variants_as_with_a_dollar() {
    // Releases before r0.5 named `m.room.message$m.text` `m.room.message#m.text`.
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&fixture("events_beside_api"), dir.path(), &|name| {
        name.replace('$', "#")
    });
    assert!(
        dir.path()
            .join("event-schemas/schema/m.room.message#m.text.yaml")
            .is_file()
    );
    let hashed = Config::new(dir.path().join("api"))
        .generate()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let dollar = generate("events_beside_api");
    let variants = |generated: &Generated| -> Vec<(String, Vec<String>)> {
        events(generated)
            .contents
            .iter()
            .map(|c| {
                let values = match &c.body {
                    ContentBody::Variants { variants, .. } => {
                        variants.iter().map(|v| v.value.clone()).collect()
                    }
                    _ => Vec::new(),
                };
                (c.event_type.clone(), values)
            })
            .collect()
    };
    assert_eq!(variants(&hashed), variants(&dollar));
    assert!(variants(&hashed).contains(&(
        "m.room.message".to_owned(),
        vec!["m.notice".to_owned(), "m.text".to_owned()]
    )));
    let examples = &events(&hashed).examples;
    assert_eq!(examples.len(), 1);
    assert_eq!(examples[0].name, "m.room.message#m.text.yaml");
    assert!(examples[0].schema.is_some(), "the example has its schema");
}

#[test]
fn the_module_is_deterministic_and_can_be_turned_off() {
    let first = generate("events_beside_api");
    let second = generate("events_beside_api");
    assert_eq!(first.code, second.code);
    let off = Config::new(fixture("events_beside_api").join("api"))
        .events(Gate::Off)
        .generate()
        .expect("generates");
    assert!(off.events.is_none());
    assert!(!off.code.contains("pub mod events"));
    let gated = Config::new(fixture("events_beside_api").join("api"))
        .events(Gate::Feature("events".into()))
        .generate()
        .expect("generates");
    let module_at = gated
        .code
        .find("pub mod events")
        .expect("the events module");
    let cfg_at = gated
        .code
        .find("#[cfg(feature = \"events\")]")
        .expect("its gate");
    assert!(cfg_at < module_at && !gated.code[cfg_at..module_at].contains("pub "));
    assert!(!first.code.contains("#[cfg(feature = \"events\")]"));
    // Pointed at explicitly, from another API root.
    let elsewhere = Config::new(fixture("styles").join("api"))
        .boundary(fixture(""))
        .event_schemas(fixture("events_beside_api/event-schemas/schema"))
        .generate()
        .expect("generates");
    assert!(elsewhere.code.contains("pub enum AnyStateEvent"));
}

fn error_report(case: &str) -> String {
    match Config::new(fixture(case).join("api")).generate() {
        Ok(_) => panic!("fixture `{case}` must fail"),
        Err(error) => error.render(false),
    }
}

#[test]
fn variants_without_a_discriminator_are_an_error_at_their_schema() {
    let report = error_report("events_no_discriminator");
    assert!(report.contains("have no discriminator"), "{report}");
    assert!(
        report.contains("event-schemas/schema/m.room.message$m.text.yaml:"),
        "{report}"
    );
}

#[test]
fn a_broken_event_schema_is_reported_with_its_position() {
    let report = error_report("events_broken");
    let at = "event-schemas/schema/m.broken.yaml:";
    let line = report
        .lines()
        .find(|l| l.contains(at))
        .unwrap_or_else(|| panic!("{report}"));
    // file:line:col
    let position = line.split(at).nth(1).unwrap_or_default();
    let mut numbers = position.split(':').take(2).map(|n| n.trim().parse::<u32>());
    assert!(matches!(numbers.next(), Some(Ok(_))), "{line}");
    assert!(matches!(numbers.next(), Some(Ok(_))), "{line}");
}

#[test]
fn an_event_type_without_a_kind_is_an_error() {
    let report = error_report("events_no_kind");
    assert!(report.contains("names no event kind"), "{report}");
    assert!(
        report.contains("event-schemas/schema/m.orphan.yaml:1:1"),
        "{report}"
    );
}

#[test]
fn an_operation_naming_the_event_type_takes_any_content() {
    let generated = generate("events_beside_api");
    let send = generated.ir.modules[0]
        .operations
        .iter()
        .find(|op| op.operation_id == "sendMessage")
        .expect("sendMessage");
    assert!(send.request_fields.iter().any(|f| f.wire == "eventType"));
    let code = &generated.code;
    let at = code.find("pub fn with_content").expect("the constructor");
    let signature = &code[at..at + code[at..].find('{').unwrap_or(0)];
    // Every required field but the event type and the body, then the content.
    assert!(signature.contains("room_id: String"), "{signature}");
    assert!(signature.contains("txn_id: String"), "{signature}");
    assert!(signature.contains("content: &C"), "{signature}");
    assert!(!signature.contains("event_type"), "{signature}");
    // Only there: `getVersions` has no event type.
    assert_eq!(code.matches("pub fn with_content").count(), 1);
}

/// The code before the `events` module (the APIs), and the module.
fn split_at_events_module(code: &str) -> (&str, &str) {
    let at = [
        "/// Typed events, from",
        "/// The events the API's fields hold",
    ]
    .iter()
    .filter_map(|marker| code.find(marker))
    .min()
    .expect("an events module");
    code.split_at(at)
}

/// Without event types (a build script whose `events` feature is off), the APIs are the same
/// code, and the module holds one JSON alias per name the typed module gives its kind enums
/// and timeline unions: on both corpora, whose API fields name those enums.
#[test]
fn untyped_events_leave_the_api_as_it_is() {
    for corpus in ["matrix-spec-d0ba2aa/data/api", "matrix-doc-3148184/api"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/corpus")
            .join(corpus);
        if root.is_dir() {
            untyped_events_leave_the_api_of(&root);
        } else {
            eprintln!("skipped: {} is absent", root.display());
        }
    }
}

fn untyped_events_leave_the_api_of(root: &Path) {
    let generate = |typed: bool| {
        Config::new(root)
            .apis(["client-server"])
            .typed_events(typed)
            .generate()
            .unwrap_or_else(|e| panic!("{}", e.render(false)))
    };
    let typed = generate(true);
    let untyped = generate(false);
    assert!(untyped.events.is_none());
    let (typed_api, typed_module) = split_at_events_module(&typed.code);
    let (untyped_api, untyped_module) = split_at_events_module(&untyped.code);
    assert_eq!(typed_api, untyped_api);
    assert!(!untyped_module.contains("#[cfg"), "{untyped_module}");
    let aliases: Vec<&str> = untyped_module
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub type "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    let events = events(&typed);
    let mut expected: Vec<&str> = events
        .kinds
        .iter()
        .map(|k| k.enum_name.as_str())
        .chain(typed.ir.timeline_unions.iter().map(|u| u.name.as_str()))
        .collect();
    assert!(expected.len() > 3, "{expected:?}");
    for name in &expected {
        assert!(
            typed_module.contains(&format!("pub enum {name} ")),
            "{name}"
        );
    }
    assert!(
        expected
            .iter()
            .any(|name| typed_api.contains(&format!("events::{name}"))),
        "the API names none of {expected:?}"
    );
    expected.sort_unstable();
    let mut found = aliases.clone();
    found.sort_unstable();
    assert_eq!(found, expected);
    assert!(untyped_module.lines().count() < 40, "{untyped_module}");
}
