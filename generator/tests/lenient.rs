//! Defects that released Matrix spec versions contain are repaired, each with a located
//! warning that says what was done, instead of failing the whole crate.
//!
//! Every API folder under `tests/fixtures/lenient/api/` holds one construct. For each, the
//! test generates that API alone and checks the warning's text and file:line:column, that the
//! generated code has what the repair promises, and that `Config::deny_warnings(true)` refuses
//! the same spec with the warning as an error at the same place.

use std::path::{Path, PathBuf};

use matrix_codegen::load::{self, LoadOptions};
use matrix_codegen::model::{self, ParamLocation, Spec};
use matrix_codegen::{Config, Diagnostic, Generated, Severity, resolve};

fn api_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lenient/api")
}

fn generate(api: &str) -> Generated {
    Config::new(api_root())
        .apis([api])
        .generate()
        .unwrap_or_else(|e| panic!("`{api}` is refused:\n{}", e.render(false)))
}

/// The model of one API, for facts the generated code does not show directly.
fn model_of(api: &str) -> Spec {
    let sources = load::load(&LoadOptions {
        api_root: api_root(),
        boundary: None,
        apis: vec![api.to_owned()],
    })
    .expect("loads");
    let resolved = resolve::resolve(sources).expect("resolves");
    model::build(&resolved).expect("builds")
}

/// The one warning whose message contains `needle`.
fn warning<'a>(generated: &'a Generated, needle: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = generated
        .warnings
        .iter()
        .filter(|d| d.message.contains(needle))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one warning containing {needle:?}, got:\n{}",
        generated
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(found[0].severity, Severity::Warning);
    found[0]
}

/// Asserts the diagnostic's place: file (relative to the boundary), line and column.
fn assert_at(d: &Diagnostic, file: &str, line: u32, column: u32) {
    let place = d
        .place
        .as_ref()
        .unwrap_or_else(|| panic!("no place in `{d}`"));
    assert_eq!(
        (place.file.as_ref(), place.loc.line, place.loc.column),
        (file, line, column),
        "wrong place in `{d}`"
    );
}

/// Asserts the related place (the other side of a duplicate): label, file and line.
fn assert_related(d: &Diagnostic, label: &str, file: &str, line: u32) {
    let (l, place) = d
        .related
        .first()
        .unwrap_or_else(|| panic!("no related place in `{d}`"));
    assert_eq!(
        (l.as_str(), place.file.as_ref(), place.loc.line),
        (label, file, line),
        "wrong related place in `{d}`"
    );
}

/// With `deny_warnings`, the API is refused and `warning` is an error at the same place.
fn assert_denied(api: &str, warning: &Diagnostic) {
    let error = Config::new(api_root())
        .apis([api])
        .deny_warnings(true)
        .generate()
        .err()
        .unwrap_or_else(|| panic!("`{api}` is accepted with deny_warnings"));
    assert!(
        error
            .errors()
            .any(|d| d.message == warning.message && d.place == warning.place),
        "`{api}`: the warning `{warning}` is not an error with deny_warnings:\n{error}"
    );
}

#[test]
fn a_type_list_holding_a_schema_is_read_as_one_of() {
    let api = "type-list";
    let generated = generate(api);
    let d = warning(&generated, "`type` list holding schemas");
    assert_eq!(
        d.message,
        "a `type` list holding schemas (JSON Schema draft 3) is read as `oneOf` of the named types and the schemas"
    );
    // At the schema in the list (`- type: object`).
    assert_at(d, "api/type-list/keys.yaml", 22, 23);
    let code = &generated.code;
    assert!(code.contains("pub mod get_keys"), "{code}");
    assert!(code.contains("pub struct KeyObject"), "{code}");
    assert!(
        code.contains("pub keys: Option<::std::collections::BTreeMap<String, Key>>"),
        "{code}"
    );
    // The map's values are named after the map: `keys` holds `Key`s.
    assert!(code.contains("pub enum Key "), "{code}");
    assert!(code.contains("String(String)"), "{code}");
    assert!(code.contains("KeyObject(KeyObject)"), "{code}");
    assert_denied(api, d);
}

#[test]
fn a_path_parameter_missing_from_the_path_is_read_as_a_query_parameter() {
    let api = "path-as-query";
    let generated = generate(api);
    let d = warning(&generated, "`access_token`");
    assert_eq!(
        d.message,
        "path parameter `access_token` does not appear in the path `/_matrix/federation/v1/openid/userinfo`; read as a query parameter, which is what such a parameter usually means"
    );
    // At the parameter's declaration.
    assert_at(d, "api/path-as-query/openid.yaml", 19, 11);
    let code = &generated.code;
    assert!(code.contains("pub mod exchange_open_id_token"), "{code}");
    assert!(code.contains("pub access_token: String"), "{code}");

    let spec = model_of(api);
    let op = &spec.apis[0].operations[0];
    let token = op
        .parameters
        .iter()
        .find(|p| p.name == "access_token")
        .expect("kept");
    assert_eq!(token.location, ParamLocation::Query);
    assert!(token.required, "declared required");
    assert_denied(api, d);
}

#[test]
fn a_second_use_of_an_operation_id_is_renamed_after_its_method_and_path() {
    let api = "duplicate-id";
    let generated = generate(api);
    let d = warning(&generated, "is used twice");
    assert_eq!(
        d.message,
        "operationId `getGadgets` is used twice in the duplicate-id API (also by GET /_matrix/client/v3/gadgets); this one, GET /_matrix/client/v3/widgets, is called `getWidgets`"
    );
    // `/gadgets` sorts before `/widgets`: it keeps the id, whatever the file order.
    assert_at(d, "api/duplicate-id/b_widgets.yaml", 9, 7);
    assert_related(d, "first used here", "api/duplicate-id/a_gadgets.yaml", 9);
    let code = &generated.code;
    assert!(code.contains("pub mod get_gadgets"), "{code}");
    assert!(code.contains("pub mod get_widgets"), "{code}");
    assert_denied(api, d);
}

#[test]
fn two_operations_on_one_route_are_both_kept_without_a_warning() {
    // The Matrix spec does this on purpose (`POST /rooms/{roomId}/invite`, `GET /events`):
    // both operations are generated, and the server router tries them in operationId order.
    let api = "duplicate-route";
    let generated = generate(api);
    assert!(
        generated.warnings.is_empty(),
        "{}",
        generated
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let code = &generated.code;
    assert!(code.contains("pub mod fetch_thing"), "{code}");
    assert!(code.contains("pub mod get_thing"), "{code}");
    // `deny_warnings` accepts it.
    Config::new(api_root())
        .apis([api])
        .deny_warnings(true)
        .generate()
        .unwrap_or_else(|e| panic!("refused with deny_warnings:\n{}", e.render(false)));

    // The model still knows the two form one route, first by operationId.
    let spec = model_of(api);
    let groups = model::same_route_groups(&spec.apis[0].operations);
    let ids: Vec<Vec<&str>> = groups
        .iter()
        .map(|g| g.iter().map(|o| o.operation_id.as_str()).collect())
        .collect();
    assert_eq!(ids, [["fetchThing", "getThing"]]);
}

#[test]
fn parts_that_cannot_be_read_are_left_out_or_read_as_any_value() {
    let api = "broken-parts";
    let generated = generate(api);
    let file = "api/broken-parts/parts.yaml";
    let expected: [(&str, u32, u32); 7] = [
        ("a parameter needs a `name`; it is left out", 11, 11),
        (
            "the path `/_matrix/client/v3/parts/{partId}` names `{partId}` but no path parameter `partId` is declared; read as a required string parameter",
            9,
            7,
        ),
        (
            "unknown schema type `wibble`; read as any JSON value",
            23,
            23,
        ),
        (
            "`type` must be a string or a list of strings, found a number; it is ignored",
            25,
            23,
        ),
        (
            "`enum` must be a list, found a number; it is ignored",
            28,
            23,
        ),
        (
            "`teapot` is not a response status; this response is left out",
            32,
            11,
        ),
        (
            "an operation must be a mapping, found a number; GET /broken is left out",
            34,
            10,
        ),
    ];
    for (message, line, column) in expected {
        let d = warning(&generated, message);
        assert_eq!(d.message, message);
        assert_at(d, file, line, column);
    }
    assert_eq!(generated.warnings.len(), expected.len());
    let code = &generated.code;
    assert!(code.contains("pub mod get_part"), "{code}");
    assert!(!code.contains("pub mod get_broken"), "{code}");
    assert!(code.contains("pub part_id: String"), "{code}");
    assert!(code.contains("pub colour: Option<String>"), "{code}");
    assert!(
        code.contains("pub shape: Option<::serde_json::Value>"),
        "{code}"
    );
    assert!(
        code.contains("pub size: Option<::serde_json::Value>"),
        "{code}"
    );
    assert!(code.contains("pub grade: Option<String>"), "{code}");
    for (message, ..) in expected {
        assert_denied(api, warning(&generated, message));
    }
}
