//! One type per concept, on the real spec: no schema is emitted twice, no name is another's
//! plus a counter, and the places an event is returned from share one event type.
//!
//! Runs over every API of both corpora in `../shared/corpus` (skipped, loudly, where absent).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use matrix_codegen::Config;
use matrix_codegen::ir::{ApiModule, FieldDef, OperationIr, ResponseIr, RustType, Scope, TypeDef};

fn corpus(path: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(path);
    if root.is_dir() {
        Some(root)
    } else {
        eprintln!("skipped: {} is absent", root.display());
        None
    }
}

const CORPORA: [&str; 2] = ["matrix-spec-d0ba2aa/data/api", "matrix-doc-3148184/api"];

/// Each corpus is generated once for all tests of this file.
fn modules(path: &str) -> Option<&'static [ApiModule]> {
    /// Per corpus path, its modules (`None`: the corpus is absent).
    type Corpora = Vec<(&'static str, Option<Vec<ApiModule>>)>;
    static GENERATED: OnceLock<Corpora> = OnceLock::new();
    let all = GENERATED.get_or_init(|| {
        CORPORA
            .iter()
            .map(|path| {
                let modules = corpus(path).map(|root| {
                    Config::new(root)
                        .generate()
                        .unwrap_or_else(|e| panic!("{path}: {}", e.render(false)))
                        .ir
                        .modules
                });
                (*path, modules)
            })
            .collect()
    });
    all.iter()
        .find(|(p, _)| *p == path)
        .and_then(|(_, m)| m.as_deref())
}

/// A type written as a path from the API module, so that references to operation-local
/// types of different operations never compare equal.
fn path_of(ty: &RustType, op: Option<&str>) -> String {
    match ty {
        RustType::Named {
            scope: Scope::Api,
            name,
        } => name.clone(),
        RustType::Named {
            scope: Scope::Operation,
            name,
        } => format!("{}::{name}", op.unwrap_or("?")),
        RustType::Vec(inner) => format!("Vec<{}>", path_of(inner, op)),
        RustType::Map { key, value } => {
            format!("Map<{}, {}>", path_of(key, op), path_of(value, op))
        }
        RustType::Option(inner) => format!("Option<{}>", path_of(inner, op)),
        RustType::Boxed(inner) => format!("Box<{}>", path_of(inner, op)),
        RustType::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|i| path_of(i, op)).collect();
            format!("({})", items.join(","))
        }
        other => format!("{other:?}"),
    }
}

fn field_shape(field: &FieldDef, op: Option<&str>) -> String {
    format!(
        "{}:{}:{}:{}:{}",
        field.wire,
        path_of(&field.ty, op),
        field.optional,
        field.nullable,
        field.flatten
    )
}

/// A definition without its name and docs.
fn definition(def: &TypeDef, op: Option<&str>) -> String {
    match def {
        TypeDef::Struct(s) => {
            let mut fields: Vec<String> = s.fields.iter().map(|f| field_shape(f, op)).collect();
            fields.sort();
            format!("struct {{{}}}", fields.join(", "))
        }
        TypeDef::StringEnum(e) => {
            let values: BTreeSet<&str> = e.variants.iter().map(|(_, w)| w.as_str()).collect();
            format!("enum {values:?}")
        }
        TypeDef::Union(u) => {
            let members: BTreeSet<String> =
                u.variants.iter().map(|(_, t)| path_of(t, op)).collect();
            format!("union {members:?}")
        }
    }
}

/// Every type of an API with the module it lives in (`None`: the API module).
fn all_types(module: &ApiModule) -> Vec<(Option<&str>, &TypeDef)> {
    let mut types: Vec<(Option<&str>, &TypeDef)> = module.types.iter().map(|t| (None, t)).collect();
    for op in &module.operations {
        types.extend(op.types.iter().map(|t| (Some(op.ident.as_str()), t)));
    }
    types
}

#[test]
fn no_schema_is_emitted_twice() {
    for path in CORPORA {
        let Some(modules) = modules(path) else {
            continue;
        };
        let mut types = 0;
        for module in modules {
            // Definition → where it is emitted. One shape must be one type.
            let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (op, def) in all_types(module) {
                types += 1;
                let place = match op {
                    Some(op) => format!("{}::{op}::{}", module.ident, def.name()),
                    None => format!("{}::{}", module.ident, def.name()),
                };
                seen.entry(definition(def, op)).or_default().push(place);
            }
            let repeated: Vec<&Vec<String>> = seen.values().filter(|p| p.len() > 1).collect();
            assert!(
                repeated.is_empty(),
                "{path}: one shape emitted as several types: {repeated:#?}"
            );
        }
        assert!(types > 100, "{path}: only {types} types");
    }
}

#[test]
fn no_name_is_another_name_plus_a_counter() {
    for path in CORPORA {
        let Some(modules) = modules(path) else {
            continue;
        };
        for module in modules {
            let mut names: BTreeSet<String> = BTreeSet::new();
            for (_, def) in all_types(module) {
                names.insert(def.name().to_owned());
            }
            for op in &module.operations {
                names.insert(op.ident.clone());
            }
            for name in &names {
                let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
                if stem.len() < name.len() && !stem.is_empty() {
                    assert!(
                        !names.contains(stem),
                        "{path}: `{name}` in {} is `{stem}` plus a counter",
                        module.ident
                    );
                }
                assert!(
                    !name.contains("ValueValue"),
                    "{path}: `{name}` names a map value after `Value`s"
                );
            }
        }
    }
}

/// The named type a field path leads to from an operation's response (`["chunk"]`: the items
/// of the `chunk` list), as a path from the API module.
fn type_at(module: &ApiModule, op: &OperationIr, fields: &[&str]) -> String {
    let mut ty = match &op.response {
        ResponseIr::Fields(def) => RustType::Named {
            scope: Scope::Operation,
            name: def.name.clone(),
        },
        ResponseIr::Whole { ty, .. } => ty.clone(),
        ResponseIr::Binary { .. } => panic!("{}: binary response", op.operation_id),
    };
    let response_fields = match &op.response {
        ResponseIr::Fields(def) => Some(&def.fields),
        _ => None,
    };
    for (depth, wire) in fields.iter().enumerate() {
        let fields = if depth == 0 && response_fields.is_some() {
            response_fields.cloned().unwrap_or_default()
        } else {
            let named = unwrap(&ty);
            let RustType::Named { scope, name } = named else {
                panic!("{}: `{wire}` below a {named:?}", op.operation_id);
            };
            let def = match scope {
                Scope::Api => module.types.iter().find(|t| t.name() == name),
                Scope::Operation => op.types.iter().find(|t| t.name() == name),
            };
            match def {
                Some(TypeDef::Struct(s)) => s.fields.clone(),
                other => panic!("{}: {name} is {other:?}", op.operation_id),
            }
        };
        let field = fields
            .iter()
            .find(|f| f.wire == *wire)
            .unwrap_or_else(|| panic!("{}: no field `{wire}`", op.operation_id));
        ty = field.ty.clone();
    }
    path_of(&unwrap(&ty), Some(&op.ident))
}

/// The named type inside lists, maps, options and boxes (an event kept as bytes: its enum).
fn unwrap(ty: &RustType) -> RustType {
    match ty {
        RustType::Event { enum_name, .. } => RustType::Event {
            enum_name: enum_name.clone(),
            raw: false,
        },
        RustType::Map { value: inner, .. }
        | RustType::Vec(inner)
        | RustType::Option(inner)
        | RustType::Boxed(inner) => unwrap(inner),
        other => other.clone(),
    }
}

fn op<'a>(module: &'a ApiModule, operation_id: &str) -> &'a OperationIr {
    module
        .operations
        .iter()
        .find(|o| o.operation_id == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id}"))
}

/// Field paths (from an operation's response) that hold a room event, in the client-server
/// API: `/context`, `/messages`, `/event` and search return the spec's room event.
const ROOM_EVENT_PLACES: &[(&str, &[&str])] = &[
    ("getEventContext", &["event"]),
    ("getEventContext", &["events_before"]),
    ("getEventContext", &["events_after"]),
    ("getRoomEvents", &["chunk"]),
    ("getOneRoomEvent", &[]),
    (
        "search",
        &["search_categories", "room_events", "results", "result"],
    ),
    (
        "search",
        &[
            "search_categories",
            "room_events",
            "results",
            "context",
            "events_before",
        ],
    ),
];

#[test]
fn every_place_that_returns_a_room_event_returns_one_type() {
    for path in CORPORA {
        let Some(modules) = modules(path) else {
            continue;
        };
        let cs = modules
            .iter()
            .find(|m| m.ident == "client_server")
            .expect("client_server");
        let found: Vec<(String, String)> = ROOM_EVENT_PLACES
            .iter()
            // The seed's spec describes `/event`'s response by the base `Event` schema, not
            // the room event: a different schema, so a different type.
            .filter(|(id, _)| !(path.starts_with("matrix-doc") && *id == "getOneRoomEvent"))
            .map(|(operation_id, fields)| {
                (
                    format!("{operation_id} {}", fields.join(".")),
                    type_at(cs, op(cs, operation_id), fields),
                )
            })
            .collect();
        let distinct: BTreeSet<&String> = found.iter().map(|(_, t)| t).collect();
        assert_eq!(distinct.len(), 1, "{path}: {found:#?}");
        // A type of the API module, not of one operation.
        let event = distinct.into_iter().next().cloned().unwrap_or_default();
        assert!(!event.contains("::"), "{path}: the event type is {event}");

        // `/sync` has its own form of the event (the spec's schema without `room_id`): one
        // type for every list of it.
        let sync = op(cs, "sync");
        let timeline = type_at(cs, sync, &["rooms", "join", "timeline", "events"]);
        let left = type_at(cs, sync, &["rooms", "leave", "timeline", "events"]);
        assert_eq!(timeline, left, "{path}: sync timelines");
    }
}
