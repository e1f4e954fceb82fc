//! Whole-pipeline tests on the spec trees under `tests/fixtures/`.
//!
//! Every fixture folder is its own spec boundary, with the API root at `<case>/api`. The
//! generated code (and, for `fixtures/errors/*`, the one-line-per-error report) is compared
//! with the snapshots in `tests/snapshots/`; the facts each fixture exists for are asserted
//! on top, so a snapshot accepted by mistake cannot hide them.
//!
//! Accept new or changed snapshots with `cargo insta accept` or `INSTA_UPDATE=always`.

use std::path::{Path, PathBuf};

use matrix_codegen::ir::{ExampleIr, OperationIr, ResponseIr, RustType, TypeDef};
use matrix_codegen::{Config, Diagnostic, Error, Generated};

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

/// The error of an error fixture and its report with the boundary's absolute path (the only
/// machine-specific text in messages) replaced.
fn generate_error(case: &str) -> (Error, String) {
    generate_error_with(case, false)
}

/// Like [`generate_error`], for a fixture the generator repairs with a warning: with
/// `deny_warnings` the warning is the error.
fn generate_denied(case: &str) -> (Error, String) {
    generate_error_with(case, true)
}

fn generate_error_with(case: &str, deny_warnings: bool) -> (Error, String) {
    let boundary = fixture(&format!("errors/{case}"));
    let error = match Config::new(boundary.join("api"))
        .deny_warnings(deny_warnings)
        .generate()
    {
        Ok(_) => panic!("error fixture `{case}` generated code"),
        Err(e) => e,
    };
    let canonical = std::fs::canonicalize(&boundary).expect("fixture exists");
    let text = error
        .to_string()
        .replace(&canonical.display().to_string(), "[BOUNDARY]");
    (error, text)
}

fn only_error(error: &Error) -> &Diagnostic {
    let errors: Vec<&Diagnostic> = error.errors().collect();
    assert_eq!(errors.len(), 1, "expected exactly one error, got:\n{error}");
    errors[0]
}

/// Asserts the diagnostic's primary place: file (relative to the boundary) and line.
fn assert_place(d: &Diagnostic, file: &str, line: u32) {
    let place = d
        .place
        .as_ref()
        .unwrap_or_else(|| panic!("no place in `{d}`"));
    assert_eq!(
        (place.file.as_ref(), place.loc.line),
        (file, line),
        "wrong place in `{d}`"
    );
    assert!(place.loc.column >= 1, "columns are 1-based: `{d}`");
}

fn operation<'a>(generated: &'a Generated, api: &str, ident: &str) -> &'a OperationIr {
    generated
        .ir
        .modules
        .iter()
        .find(|m| m.ident == api)
        .unwrap_or_else(|| panic!("no module {api}"))
        .operations
        .iter()
        .find(|o| o.ident == ident)
        .unwrap_or_else(|| panic!("no operation {api}::{ident}"))
}

/// A named type of the API, wherever it was placed: the API module (used by several
/// operations) or an operation's module (used by that one only).
fn named_type<'a>(generated: &'a Generated, api: &str, name: &str) -> &'a TypeDef {
    let module = generated
        .ir
        .modules
        .iter()
        .find(|m| m.ident == api)
        .unwrap_or_else(|| panic!("no module {api}"));
    module
        .types
        .iter()
        .chain(module.operations.iter().flat_map(|o| &o.types))
        .find(|t| t.name() == name)
        .unwrap_or_else(|| panic!("no type {api}::{name}"))
}

fn examples_for<'a>(generated: &'a Generated, type_path: &str) -> Vec<&'a ExampleIr> {
    generated
        .ir
        .examples
        .iter()
        .filter(|e| e.type_path == type_path)
        .collect()
}

/// The text of `pub struct <name> { ... }` (or `pub enum`) in `code`, up to its closing brace.
fn item<'a>(code: &'a str, module: &str, name: &str) -> &'a str {
    let module_start = code
        .find(&format!("pub mod {module} {{"))
        .unwrap_or_else(|| panic!("no module {module}"));
    let code = &code[module_start..];
    let start = code
        .find(&format!("pub struct {name} {{"))
        .or_else(|| code.find(&format!("pub enum {name} {{")))
        .unwrap_or_else(|| panic!("no item {name} in {module}"));
    let end = code[start..]
        .find("\n    }")
        .map_or(code.len(), |n| start + n);
    &code[start..end]
}

// ---------------------------------------------------------------------------------------------
// refs: where `$ref`s lead (relative, up, up two, pointers, `$`, no extension, links)

#[test]
fn styles_snapshot() {
    let generated = generate("styles");
    insta::assert_snapshot!("styles_code", generated.code);
}

#[test]
fn refs_snapshot() {
    let generated = generate("refs");
    insta::assert_snapshot!("refs_code", generated.code);
}

#[test]
fn refs_reach_every_kind_of_target() {
    let generated = generate("refs");
    let code = &generated.code;
    // Types used by this operation only live in its module; the others one module up.
    let response = item(code, "get_widget", "Response").replace("super::", "");
    for field in [
        // definitions/widget.yaml: relative to the referring file
        "pub widget: Widget,",
        // ../identity/definitions/sid.yaml: one folder up, into another API
        "pub session: Option<Sid>,",
        // ../../schemas/thing.yaml: beside the API root
        "pub thing: Option<Thing>,",
        // through the symlink stand-in `definitions/event-schemas`
        "pub event: Option<ThingEvent>,",
        // through the real symbolic link `definitions/linked`
        "pub position: Option<Position>,",
        // `definitions/m.room.message$m.text.yaml`
        "pub message: Option<MRoomMessageMText>,",
        // `#/definitions/Tag`
        "pub tag: Option<Tag>,",
    ] {
        assert!(
            response.contains(field),
            "missing `{field}` in:\n{response}"
        );
    }
    // `definitions/catalog.yaml#/by_media/application~1json`: the escaped pointer resolves.
    let TypeDef::Struct(media) =
        named_type(&generated, "client_server", &media_type_name(&generated))
    else {
        panic!("the media entry is not a struct");
    };
    assert_eq!(media.fields[0].ident, "mimetype");
    assert!(!media.fields[0].optional);

    // `widgets.yaml#/paths/~1widgets~1{widgetId}/...`: a pointer with `~1` into another API
    // document lands on the same shared type.
    let request = item(code, "put_gadget", "RequestBody");
    assert!(request.contains("pub widget: super::Widget,"), "{request}");
    assert!(
        request.contains("pub events: Option<Vec<super::ThingEvent>>,"),
        "{request}"
    );
    // Both documents' `securityDefinitions` forms (whole file, file + pointer) give a token.
    for op in ["get_widget", "put_gadget"] {
        assert_eq!(
            operation(&generated, "client_server", op).auth,
            matrix_codegen::model::Auth::AccessToken,
            "{op}"
        );
    }
    // The other API of the fixture has its own copy of the shared `sid.yaml`; its response
    // is that schema (a `$ref` to a named object is the concept itself, not a copy).
    let identity = operation(&generated, "identity", "get_current_session");
    let ResponseIr::Whole {
        ty: RustType::Named { name, .. },
        ..
    } = &identity.response
    else {
        panic!(
            "identity response is not the shared schema: {:?}",
            identity.response
        );
    };
    let TypeDef::Struct(sid) = named_type(&generated, "identity", name) else {
        panic!("{name} is not a struct");
    };
    assert_eq!(sid.fields[0].ident, "sid");
    assert_eq!(sid.fields[0].ty, RustType::String);
}

/// The name of the shared type `get_widget`'s `media` field has.
fn media_type_name(generated: &Generated) -> String {
    let op = operation(generated, "client_server", "get_widget");
    let ResponseIr::Fields(def) = &op.response else {
        panic!("not a struct");
    };
    let media = def.fields.iter().find(|f| f.wire == "media").unwrap();
    match &media.ty {
        RustType::Named { name, .. } => name.clone(),
        other => panic!("media: {other:?}"),
    }
}

#[test]
fn refs_type_named_after_escaped_pointer_token() {
    let generated = generate("refs");
    // The token is `application/json` once unescaped (RFC 6901).
    assert_eq!(media_type_name(&generated), "ApplicationJson");
}

#[test]
fn refs_files_read_include_stand_in_and_linked_files() {
    let generated = generate("refs");
    let boundary = std::fs::canonicalize(fixture("refs")).expect("fixture");
    let read: Vec<String> = generated
        .files_read
        .iter()
        .map(|p| {
            p.strip_prefix(&boundary)
                .unwrap_or_else(|_| panic!("{} was read but is outside the boundary", p.display()))
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    for expected in [
        "api/client-server/gadgets.yaml",
        "api/client-server/widgets.yaml",
        "api/identity/sessions.yaml",
        "api/client-server/definitions/security.yaml",
        "api/client-server/definitions/widget.yaml",
        "api/client-server/definitions/catalog.yaml",
        "api/client-server/definitions/m.room.message$m.text.yaml",
        "api/identity/definitions/sid.yaml",
        "schemas/thing.yaml",
        // The stand-in itself and what is reached through it.
        "api/client-server/definitions/event-schemas",
        "event-schemas/schema/m.thing.yaml",
        // A file without an extension, referenced from examples.
        "event-schemas/examples/m.thing",
        // Through the real link: the file it leads to.
        "linked/position.yaml",
    ] {
        assert!(
            read.iter().any(|r| r == expected),
            "{expected} missing from files_read: {read:#?}"
        );
    }
    let mut unique = read.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), read.len(), "a file listed twice: {read:#?}");
}

#[test]
fn refs_in_examples_are_followed_or_kept() {
    let generated = generate("refs");
    // The response example: one `$ref` reaches `examples/m.thing` (no extension) through the
    // stand-in; one leads nowhere and stays as written, with a warning.
    let examples = examples_for(&generated, "client_server::get_widget::Response");
    assert_eq!(examples.len(), 1, "{examples:#?}");
    let value = &examples[0].value;
    assert_eq!(
        value["event"],
        serde_json::json!({"type": "m.thing", "content": {"body": "a thing"}})
    );
    assert_eq!(
        value["thing"],
        serde_json::json!({"$ref": "examples/missing.json"})
    );
    assert_eq!(value["widget"]["id"], "w1");
    assert_eq!(
        examples[0].place.file.as_ref(),
        "api/client-server/widgets.yaml"
    );
    let warning = generated
        .warnings
        .iter()
        .find(|w| w.message.contains("examples/missing.json"))
        .unwrap_or_else(|| panic!("no warning for the dangling example $ref"));
    assert!(warning.message.contains("kept as written"), "{warning}");
    assert_place(warning, "api/client-server/widgets.yaml", 56);

    // The request body's schema example: a `$ref` inside a list inside the example.
    let examples = examples_for(&generated, "client_server::put_gadget::RequestBody");
    assert_eq!(examples.len(), 1, "{examples:#?}");
    assert_eq!(
        examples[0].value,
        serde_json::json!({
            "widget": {"id": "w2"},
            "events": [{"type": "m.thing", "content": {"body": "a thing"}}]
        })
    );
}

// ---------------------------------------------------------------------------------------------
// merge: allOf and `$ref` with sibling keys

#[test]
fn merge_snapshot() {
    let generated = generate("merge");
    insta::assert_snapshot!("merge_code", generated.code);
}

#[test]
fn merge_seed_all_of_gives_required_sid_and_optional_submit_url() {
    let generated = generate("merge");
    let response = item(&generated.code, "request_token_to_3pid_email", "Response");
    assert!(response.contains("pub sid: String,"), "{response}");
    assert!(
        response.contains("pub submit_url: Option<String>,"),
        "{response}"
    );
    // Descriptions come from both members.
    assert!(response.contains("/// The session ID."), "{response}");
    assert!(
        response.contains("/// Where the client submits the token."),
        "{response}"
    );
    let op = operation(&generated, "client_server", "request_token_to_3pid_email");
    let ResponseIr::Fields(def) = &op.response else {
        panic!("not a struct: {:?}", op.response);
    };
    let summary: Vec<(&str, bool)> = def
        .fields
        .iter()
        .filter(|f| !f.flatten)
        .map(|f| (f.ident.as_str(), f.optional))
        .collect();
    assert_eq!(summary, [("sid", false), ("submit_url", true)]);
    // 429 among the responses: rate limited.
    assert!(op.rate_limited);
}

#[test]
fn merge_all_of_unions_properties_and_required_and_outer_annotations_win() {
    let generated = generate("merge");
    let TypeDef::Struct(summary) = named_type(&generated, "client_server", "RoomSummary") else {
        panic!("RoomSummary is not a struct");
    };
    // The outer title names the type; the outer description documents it.
    assert_eq!(
        summary.doc.as_deref(),
        Some("The outer description wins.\n\nChanged in Matrix `1.6`: The summary gained a topic.")
    );
    let fields: Vec<(&str, bool, &RustType)> = summary
        .fields
        .iter()
        .filter(|f| !f.flatten)
        .map(|f| (f.ident.as_str(), f.optional, &f.ty))
        .collect();
    let mut sorted = fields.clone();
    sorted.sort_by_key(|f| f.0);
    assert_eq!(
        sorted,
        [
            ("member_count", true, &RustType::I64),
            // Only annotated by the second member: keeps its type, takes the new description.
            ("name", true, &RustType::String),
            ("room_id", false, &RustType::String),
            ("topic", false, &RustType::String),
        ]
    );
    let name = summary.fields.iter().find(|f| f.ident == "name").unwrap();
    assert_eq!(
        name.doc.as_deref(),
        Some("The room's display name, if it has one.\n\nAdded in Matrix `1.4`.")
    );
    assert!(
        generated
            .ir
            .modules
            .iter()
            .all(|m| m.types.iter().all(|t| t.name() != "RoomBase")),
        "the allOf member must not become a type of its own"
    );
}

#[test]
fn merge_all_of_keeps_property_order() {
    let generated = generate("merge");
    let TypeDef::Struct(summary) = named_type(&generated, "client_server", "RoomSummary") else {
        panic!("RoomSummary is not a struct");
    };
    let order: Vec<&str> = summary
        .fields
        .iter()
        .filter(|f| !f.flatten)
        .map(|f| f.ident.as_str())
        .collect();
    // room_base.yaml lists room_id, name, member_count; the second member adds topic.
    assert_eq!(order, ["room_id", "name", "member_count", "topic"]);
}

#[test]
fn merge_ref_siblings_annotate_or_extend() {
    let generated = generate("merge");
    let response = item(&generated.code, "get_profile_card", "Response");
    // `description` beside `$ref` only annotates: still the shared type, with that doc.
    assert!(
        response.contains(
            "/// Only annotates, so this stays the shared ImageInfo.\n            pub avatar: ImageInfo,"
        ),
        "{response}"
    );
    // `properties`/`required` beside `$ref` extend the target: a new type.
    let op = operation(&generated, "client_server", "get_profile_card");
    let ResponseIr::Fields(def) = &op.response else {
        panic!("not a struct");
    };
    let banner = def.fields.iter().find(|f| f.ident == "banner").unwrap();
    let RustType::Named { name, .. } = &banner.ty else {
        panic!("banner: {:?}", banner.ty);
    };
    let TypeDef::Struct(banner_def) = op.types.iter().find(|t| t.name() == name).unwrap() else {
        panic!("banner type is not a struct");
    };
    let banner_fields: Vec<(&str, bool)> = banner_def
        .fields
        .iter()
        .filter(|f| !f.flatten)
        .map(|f| (f.ident.as_str(), f.optional))
        .collect();
    assert_eq!(
        banner_fields,
        [("url", false), ("w", true), ("h", true), ("blurhash", true)]
    );
    // `type` (and `required`) beside `$ref`: a copy where all three are required.
    let badge = def.fields.iter().find(|f| f.ident == "badge").unwrap();
    let RustType::Named { name, .. } = &badge.ty else {
        panic!("badge: {:?}", badge.ty);
    };
    let TypeDef::Struct(badge_def) = op.types.iter().find(|t| t.name() == name).unwrap() else {
        panic!("badge type is not a struct");
    };
    assert!(
        badge_def
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .all(|f| !f.optional),
        "{badge_def:?}"
    );
    // The shared type itself is untouched by either extension.
    let TypeDef::Struct(shared) = named_type(&generated, "client_server", "ImageInfo") else {
        panic!("ImageInfo is not a struct");
    };
    assert!(
        shared
            .fields
            .iter()
            .filter(|f| !f.flatten)
            .all(|f| f.optional),
        "{shared:?}"
    );
    assert_eq!(
        op.auth,
        matrix_codegen::model::Auth::OptionalAccessToken,
        "`security: [{{}}, {{accessToken: []}}]`"
    );
}

// ---------------------------------------------------------------------------------------------
// naming: keys and operationIds that are hazards in Rust

#[test]
fn naming_snapshot() {
    let generated = generate("naming");
    insta::assert_snapshot!("naming_code", generated.code);
}

#[test]
fn naming_hazards_become_valid_distinct_identifiers() {
    let generated = generate("naming");
    let code = &generated.code;
    let idents: Vec<&str> = generated.ir.modules[0]
        .operations
        .iter()
        .map(|o| o.ident.as_str())
        .collect();
    for expected in [
        "request_token_to_3pid_email",
        "request_token_to_3pid_msisdn",
        "request_token_to_register_msisdn",
        "send_thing",
    ] {
        assert!(idents.contains(&expected), "{expected} not in {idents:?}");
    }
    // `queryUserByID` and `queryUserById` both snake-case to `query_user_by_id`.
    let mut by_id: Vec<(&str, &str)> = generated.ir.modules[0]
        .operations
        .iter()
        .filter(|o| o.operation_id.eq_ignore_ascii_case("queryUserById"))
        .map(|o| (o.operation_id.as_str(), o.ident.as_str()))
        .collect();
    by_id.sort();
    assert_eq!(
        by_id,
        [
            // Their paths differ only in `_`/`-`: each capital stays a word break.
            ("queryUserByID", "query_user_by_i_d"),
            ("queryUserById", "query_user_by_id"),
        ]
    );

    let body = item(code, "send_thing", "RequestBody");
    for expected in [
        "pub type_body: Type,",
        "pub r#override: Option<bool>,",
        "pub m_relates_to: Option<RelatesTo>,",
        "pub og_image: Option<String>,",
        "pub sdp_mid: Option<String>,",
    ] {
        assert!(body.contains(expected), "missing `{expected}` in:\n{body}");
    }
    // Each field is read and written under its wire name: the serde impls list the wire names
    // in the fields' order, beside the fields' entries and bindings in that order. The body's
    // `type` meets the query parameter `type`: renamed, wire name kept.
    let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        r#"&["type", "override", "m.relates_to", "og:image", "sdpMid"],"#,
        "required::Entry(&self.type_body), ::matrix_api::runtime::de::optional::Entry(&self.r#override),",
        "Ok( ((type_body, r#override, m_relates_to, og_image, sdp_mid), extra), ) =>",
        "required::Slot<Type>, ::matrix_api::runtime::de::optional::Slot<bool>,",
    ] {
        assert!(flat.contains(expected), "missing `{expected}`");
    }
    let request = item(code, "send_thing", "Request");
    assert!(request.contains("pub r#type: Option<String>,"), "{request}");
    // A string enum is open: unknown values land in a hidden variant only parsing builds,
    // so no caller can write an unknown value that stands for a listed one.
    let kind = item(code, "send_thing", "Type");
    assert!(kind.contains("OrgExampleCustomKind,"), "{kind}");
    assert!(
        kind.contains("#[doc(hidden)]\n            _Unknown(::matrix_api::runtime::UnknownValue),"),
        "{kind}"
    );
    assert!(code.contains("Self::_Unknown(::matrix_api::runtime::UnknownValue::new(other))"));
    // ... and a listed value `other` is an ordinary variant beside it.
    let membership = item(code, "send_thing", "Membership");
    assert!(membership.contains("Other,"), "{membership}");
    assert!(
        membership.contains("_Unknown(::matrix_api::runtime::UnknownValue),"),
        "{membership}"
    );
}

#[test]
fn generation_is_deterministic() {
    for case in ["refs", "merge", "naming"] {
        let first = generate(case);
        let second = generate(case);
        assert_eq!(first.code, second.code, "{case}: code differs between runs");
        assert_eq!(first.files_read, second.files_read, "{case}: files_read");
        assert_eq!(first.ir, second.ir, "{case}: IR");
        assert!(
            first
                .code
                .starts_with(matrix_codegen::emit::HEADER.trim_end()),
            "{case}: header"
        );
    }
}

#[test]
fn write_to_leaves_an_unchanged_file_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out/api.rs");
    let config = Config::new(fixture("naming").join("api"));
    let generated = config.write_to(&out).expect("writes");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), generated.code);
    assert!(!matrix_codegen::write_if_changed(&out, &generated.code).unwrap());
    assert!(matrix_codegen::write_if_changed(&out, "changed").unwrap());
}

// ---------------------------------------------------------------------------------------------
// errors: one fixture per mistake; the report names the file and line

#[test]
fn error_dangling_file_ref() {
    let (error, text) = generate_error("dangling_file_ref");
    insta::assert_snapshot!("error_dangling_file_ref", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 14);
    assert!(d.message.contains("definitions/nowhere.yaml"), "{d}");
    assert_eq!(
        d.place.as_ref().unwrap().pointer,
        "/paths/~1things/get/responses/200/schema"
    );
}

#[test]
fn error_dangling_pointer() {
    let (error, text) = generate_error("dangling_pointer");
    insta::assert_snapshot!("error_dangling_pointer", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 14);
    assert!(
        d.message.contains(
            "api/client-server/definitions/things.yaml has nothing at `#/definitions/Missing`"
        ),
        "{d}"
    );
}

#[test]
fn error_ref_cycle_between_files() {
    let (error, text) = generate_error("ref_cycle");
    // NOTE: see `error_ref_cycle_names_both_files` (ignored, a known bug): the related
    // places of this snapshot are expected to change when it is fixed.
    insta::assert_snapshot!("error_ref_cycle", text);
    let d = only_error(&error);
    assert!(d.message.contains("cycle"), "{d}");
    assert_place(d, "api/client-server/definitions/a.yaml", 1);
}

#[test]
fn error_ref_cycle_names_both_files() {
    let (error, _) = generate_error("ref_cycle");
    let d = only_error(&error);
    let places: Vec<String> = d
        .place
        .iter()
        .chain(d.related.iter().map(|(_, p)| p))
        .map(|p| format!("{}:{}", p.file, p.loc.line))
        .collect();
    // a.yaml:1 `$ref: b.yaml` and b.yaml:1 `$ref: a.yaml` form the cycle ...
    assert!(
        places.contains(&"api/client-server/definitions/a.yaml:1".to_owned()),
        "{places:?}"
    );
    assert!(
        places.contains(&"api/client-server/definitions/b.yaml:1".to_owned()),
        "{places:?}"
    );
    // ... the API document's `$ref` only leads into it.
    assert!(
        !d.related
            .iter()
            .any(|(label, p)| label == "part of the cycle"
                && p.file.as_ref() == "api/client-server/things.yaml"),
        "{d}"
    );
}

#[test]
fn error_all_of_cycle() {
    let (error, text) = generate_error("allof_cycle");
    // NOTE: see `error_all_of_cycle_names_the_closing_ref` (ignored, a known bug).
    insta::assert_snapshot!("error_allof_cycle", text);
    let d = only_error(&error);
    assert!(d.message.contains("cycle"), "{d}");
    assert!(d.message.contains("allOf"), "{d}");
    // The chain leads through node.yaml's allOf.
    assert!(
        d.ref_chain.iter().any(
            |p| p.file.as_ref() == "api/client-server/definitions/node.yaml" && p.loc.line == 3
        ),
        "{d}"
    );
}

#[test]
fn error_all_of_cycle_names_the_closing_ref() {
    let (error, _) = generate_error("allof_cycle");
    let d = only_error(&error);
    let mentioned: Vec<String> = d
        .place
        .iter()
        .chain(d.related.iter().map(|(_, p)| p))
        .map(|p| format!("{}:{}", p.file, p.loc.line))
        .collect();
    assert!(
        mentioned.contains(&"api/client-server/definitions/leaf.yaml:2".to_owned()),
        "{d}"
    );
}

#[test]
fn error_ref_outside_boundary() {
    let (error, text) = generate_error("outside_boundary");
    insta::assert_snapshot!("error_outside_boundary", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 14);
    assert!(d.message.contains("outside the spec boundary"), "{d}");
}

#[test]
fn error_absolute_ref() {
    let (error, text) = generate_error("absolute_ref");
    insta::assert_snapshot!("error_absolute_ref", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 14);
    assert!(d.message.contains("absolute paths are refused"), "{d}");
}

#[test]
fn error_all_of_type_conflict() {
    let (error, text) = generate_error("allof_type_conflict");
    insta::assert_snapshot!("error_allof_type_conflict", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 16);
    let (label, other) = &d.related[0];
    assert_eq!(label, "the other `type`");
    assert_eq!(
        (other.file.as_ref(), other.loc.line),
        ("api/client-server/definitions/named.yaml", 1)
    );
}

#[test]
fn error_all_of_type_conflict_says_which_type_is_where() {
    let (error, _) = generate_error("allof_type_conflict");
    let d = only_error(&error);
    // The primary place is `type: array`; the related one is named.yaml's `type: object`.
    assert!(
        d.message.contains("`array` here, `object` there"),
        "{}",
        d.message
    );
}

#[test]
fn error_duplicate_operation_id() {
    // Repaired with a warning (see `tests/lenient.rs`); an error only with `deny_warnings`.
    // `/more/things` comes first by path, so it keeps the id and `/things` is renamed.
    let (error, text) = generate_denied("duplicate_operation_id");
    insta::assert_snapshot!("error_duplicate_operation_id", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/a_things.yaml", 9);
    assert!(d.message.contains("`getThings`"), "{d}");
    assert!(d.message.contains("is called `getThings2`"), "{d}");
    let (label, first) = &d.related[0];
    assert_eq!(label, "first used here");
    assert_eq!(
        (first.file.as_ref(), first.loc.line),
        ("api/client-server/b_more.yaml", 9)
    );
}

#[test]
fn error_path_parameter_not_in_template() {
    // Read as a query parameter with a warning; an error only with `deny_warnings`.
    let (error, text) = generate_denied("path_parameter_not_in_template");
    insta::assert_snapshot!("error_path_parameter_not_in_template", text);
    let d = only_error(&error);
    // At the parameter's declaration.
    assert_place(d, "api/client-server/things.yaml", 15);
    assert!(d.message.contains("`thingId`"), "{d}");
    assert!(d.message.contains("read as a query parameter"), "{d}");
}

#[test]
fn error_invalid_yaml() {
    let (error, text) = generate_error("invalid_yaml");
    insta::assert_snapshot!("error_invalid_yaml", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 10);
    assert!(d.message.starts_with("invalid YAML"), "{d}");
}

#[test]
fn error_empty_file() {
    let (error, text) = generate_error("empty_file");
    insta::assert_snapshot!("error_empty_file", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 1);
    assert_eq!(d.message, "the file is empty");
}

#[test]
fn error_not_utf8() {
    let (error, text) = generate_error("not_utf8");
    insta::assert_snapshot!("error_not_utf8", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 3);
    // `  title: "Caf` is 13 characters; the byte 0xE9 follows.
    assert_eq!(d.place.as_ref().unwrap().loc.column, 14);
    assert!(d.message.contains("not UTF-8"), "{d}");
}

#[test]
fn error_neither_swagger_nor_openapi() {
    let (error, text) = generate_error("no_version");
    insta::assert_snapshot!("error_no_version", text);
    let d = only_error(&error);
    assert_place(d, "api/client-server/things.yaml", 1);
    assert!(d.message.contains("neither"), "{d}");
}

#[test]
fn rendered_errors_keep_one_based_columns() {
    for (case, expected) in [
        ("empty_file", "api/client-server/things.yaml:1:1"),
        ("invalid_yaml", "api/client-server/things.yaml:10:16"),
        ("not_utf8", "api/client-server/things.yaml:3:14"),
    ] {
        let (error, text) = generate_error(case);
        assert!(text.contains(expected), "{case}: Display says {text}");
        let rendered = error.render(false);
        assert!(
            rendered.contains(expected),
            "{case}: render() disagrees with Display:\n{rendered}"
        );
    }
}
