//! One stage at a time, through the public modules: load → resolve → model → IR.
//!
//! Each test writes a small spec tree into a temporary folder (the boundary), with the API
//! root at `<tmp>/api`, and checks what one stage makes of it.

use std::path::Path;
use std::sync::Arc;

use matrix_codegen::ir::{self, Ir, RequestBody, ResponseIr, RustType, Scope, TypeDef};
use matrix_codegen::load::{self, LoadOptions, SourceSet, Value, parse_yaml, resolve_ref_path};
use matrix_codegen::model::{
    self, Auth, BodyKind, Method, Operation, ParamLocation, ParamStyle, SchemaKind, Spec, Status,
};
use matrix_codegen::resolve::{self, RNode, RValue, ResolvedSpec};
use matrix_codegen::{Error, Severity};
use tempfile::TempDir;

/// The top of a Swagger 2.0 document in the Matrix dialect.
const HEAD: &str = "swagger: '2.0'
info:
  title: Stage test
  version: 1.0.0
basePath: /_matrix/client/%CLIENT_MAJOR_VERSION%
consumes:
  - application/json
produces:
  - application/json
securityDefinitions:
  accessToken:
    type: apiKey
    name: access_token
    in: query
";

/// Writes `files` (paths relative to the boundary) into a new temporary folder.
fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    dir
}

/// A Swagger document: [`HEAD`] followed by `rest`.
fn doc(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

fn options(dir: &Path) -> LoadOptions {
    LoadOptions {
        api_root: dir.join("api"),
        boundary: None,
        apis: Vec::new(),
    }
}

fn try_load(dir: &TempDir) -> Result<SourceSet, Error> {
    load::load(&options(dir.path()))
}

fn loaded(dir: &TempDir) -> SourceSet {
    try_load(dir).unwrap_or_else(|e| panic!("load failed:\n{e}"))
}

fn try_resolve(dir: &TempDir) -> Result<ResolvedSpec, Error> {
    resolve::resolve(try_load(dir)?)
}

fn resolved(dir: &TempDir) -> ResolvedSpec {
    try_resolve(dir).unwrap_or_else(|e| panic!("resolve failed:\n{e}"))
}

fn try_spec(dir: &TempDir) -> Result<Spec, Error> {
    model::build(&try_resolve(dir)?)
}

fn spec(dir: &TempDir) -> Spec {
    try_spec(dir).unwrap_or_else(|e| panic!("model failed:\n{e}"))
}

fn ir_of(dir: &TempDir) -> Ir {
    ir::build(&spec(dir)).unwrap_or_else(|e| panic!("IR failed:\n{e}"))
}

/// Follows map keys from `node` (no `$ref` is followed).
fn at<'a>(node: &'a RNode, path: &[&str]) -> &'a RNode {
    let mut node = node;
    for key in path {
        node = node
            .get(key)
            .unwrap_or_else(|| panic!("no `{key}` in {:?} (path {path:?})", node.value));
    }
    node
}

/// The first document of the first API.
fn first_document(resolved: &ResolvedSpec) -> &RNode {
    &resolved.apis[0].documents[0].1
}

/// The resolved `schema` of `GET <path>`'s 200 response.
fn response_schema<'a>(resolved: &'a ResolvedSpec, path: &str) -> &'a RNode {
    at(
        first_document(resolved),
        &["paths", path, "get", "responses", "200", "schema"],
    )
}

fn map_keys(node: &RNode) -> Vec<&str> {
    node.as_map()
        .unwrap_or_else(|| panic!("not a mapping: {:?}", node.value))
        .keys()
        .map(String::as_str)
        .collect()
}

fn strings(node: &RNode) -> Vec<&str> {
    node.as_seq()
        .unwrap_or_else(|| panic!("not a list: {:?}", node.value))
        .iter()
        .map(|n| n.as_str().expect("a string"))
        .collect()
}

fn operation<'a>(spec: &'a Spec, id: &str) -> &'a Operation {
    spec.apis
        .iter()
        .flat_map(|a| &a.operations)
        .find(|o| o.operation_id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

fn error_text(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(e) => e.to_string(),
    }
}

/// A `GET <path>` operation with this 200 response schema (indented for the `schema:` key).
fn get_with_schema(path: &str, id: &str, schema: &str) -> String {
    let schema: String = schema
        .lines()
        .map(|l| format!("            {l}\n"))
        .collect();
    format!(
        "  \"{path}\":
    get:
      operationId: {id}
      responses:
        200:
          description: OK
          schema:
{schema}"
    )
}

// ============================================================================================
// load

#[test]
fn parse_yaml_keeps_status_keys_as_written_and_positions() {
    let name: Arc<str> = "t.yaml".into();
    let text =
        "responses:\n  200:\n    description: OK\n  429:\n    description: Slow down\n  1.10: v\n";
    let (node, warnings) = parse_yaml(&name, text).expect("parses");
    assert!(warnings.is_empty());
    let responses = node.get("responses").unwrap().as_map().unwrap();
    let keys: Vec<&str> = responses.entries.keys().map(String::as_str).collect();
    assert_eq!(keys, ["200", "429", "1.10"]);
    let ok = node.pointer("/responses/200/description").unwrap();
    assert_eq!(ok.as_str(), Some("OK"));
    assert_eq!((ok.loc.line, ok.loc.column), (3, 18));
}

#[test]
fn parse_yaml_reads_yaml_1_2_scalars() {
    let name: Arc<str> = "t.yaml".into();
    let (node, _) = parse_yaml(&name, "a: no\nb: on\nc: true\nd: ~\ne: 1.5\nf: '200'\n").unwrap();
    assert_eq!(node.get("a").unwrap().value, Value::String("no".into()));
    assert_eq!(node.get("b").unwrap().value, Value::String("on".into()));
    assert_eq!(node.get("c").unwrap().value, Value::Bool(true));
    assert_eq!(node.get("d").unwrap().value, Value::Null);
    assert_eq!(node.get("e").unwrap().to_json(), serde_json::json!(1.5));
    assert_eq!(node.get("f").unwrap().value, Value::String("200".into()));
}

#[test]
fn parse_yaml_warns_about_duplicate_keys_and_fails_with_a_place() {
    let name: Arc<str> = "t.yaml".into();
    let (node, warnings) = parse_yaml(&name, "a: 1\nb:\n  c: 1\n  c: 2\n").unwrap();
    assert_eq!(
        node.pointer("/b/c").unwrap().to_json(),
        serde_json::json!(2)
    );
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].severity, Severity::Warning);
    let place = warnings[0].place.as_ref().unwrap();
    assert_eq!((place.loc.line, place.pointer.as_str()), (4, "/b/c"));

    let d = parse_yaml(&name, "a: 1\nb: [1,\nc: 2\n").expect_err("invalid");
    assert!(d.message.starts_with("invalid YAML"), "{d}");
    assert_eq!(d.place.as_ref().unwrap().file.as_ref(), "t.yaml");
    let d = parse_yaml(&name, "\n  \n").expect_err("empty");
    assert_eq!(d.message, "the file is empty");
}

#[test]
fn json_pointers_unescape_tokens() {
    let name: Arc<str> = "t.yaml".into();
    let (node, _) = parse_yaml(
        &name,
        "\"application/json\":\n  \"a~b\": [x, y]\n\"~1\": literal\n",
    )
    .unwrap();
    assert_eq!(
        node.pointer("/application~1json/a~0b/1")
            .and_then(load::Node::as_str),
        Some("y")
    );
    // `~01` is `~1` unescaped (RFC 6901 order: `~1` first, then `~0`).
    assert_eq!(
        node.pointer("/~01").and_then(load::Node::as_str),
        Some("literal")
    );
    assert!(node.pointer("/application/json").is_none());
    assert!(node.pointer("no-slash").is_none());
    assert_eq!(load::escape_pointer("a/b~c"), "a~1b~0c");
}

#[test]
fn load_discovers_apis_and_top_level_documents_in_sorted_order() {
    let dir = tree(&[
        ("api/b-api/z.yaml", &doc("paths: {}\n")),
        ("api/b-api/a.yml", &doc("paths: {}\n")),
        (
            "api/a-api/doc.json",
            "{\"swagger\": \"2.0\", \"paths\": {}}",
        ),
        ("api/a-api/notes.txt", "not a document"),
        // Only referenced files are read below the top level.
        ("api/a-api/definitions/unused.yaml", "type: object\n"),
        ("api/no-docs/definitions/x.yaml", "type: object\n"),
    ]);
    let set = loaded(&dir);
    let apis: Vec<(&str, Vec<&str>)> = set
        .apis
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.documents
                    .iter()
                    .map(|&f| set.files[f].name.as_ref())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        apis,
        [
            ("a-api", vec!["api/a-api/doc.json"]),
            ("b-api", vec!["api/b-api/a.yml", "api/b-api/z.yaml"]),
        ]
    );
    assert_eq!(set.files.len(), 3);
    assert_eq!(set.files_read.len(), 3);
    let boundary = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        set.boundary, boundary,
        "the boundary defaults to the folder above the API root"
    );
}

#[test]
fn load_selects_apis_by_name() {
    let dir = tree(&[
        ("api/one/doc.yaml", &doc("paths: {}\n")),
        ("api/two/doc.yaml", &doc("paths: {}\n")),
    ]);
    let mut opts = options(dir.path());
    opts.apis = vec!["two".into()];
    let set = load::load(&opts).unwrap();
    assert_eq!(set.apis.len(), 1);
    assert_eq!(set.apis[0].name, "two");

    opts.apis = vec!["three".into()];
    let message = error_text(load::load(&opts));
    assert!(message.contains("no API folder `three`"), "{message}");
    assert!(message.contains("one, two"), "{message}");
}

#[test]
fn load_refuses_an_api_root_outside_the_boundary() {
    let dir = tree(&[("spec/api/one/doc.yaml", &doc("paths: {}\n"))]);
    std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    let opts = LoadOptions {
        api_root: dir.path().join("spec/api"),
        boundary: Some(dir.path().join("elsewhere")),
        apis: Vec::new(),
    };
    let message = error_text(load::load(&opts));
    assert!(message.contains("outside the spec boundary"), "{message}");
}

#[test]
fn load_reads_a_file_once_however_it_is_spelled() {
    let paths = "paths:\n".to_owned()
        + &get_with_schema("/a", "getA", "$ref: definitions/x.yaml")
        + &get_with_schema("/b", "getB", "$ref: ./definitions/../definitions/x.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/x.yaml", "type: object\n"),
    ]);
    let set = loaded(&dir);
    assert_eq!(set.files.len(), 2);
    assert_eq!(set.files_read.len(), 2, "{:?}", set.files_read);
    let resolved = resolve::resolve(set).unwrap();
    let (RValue::Ref(a, None), RValue::Ref(b, None)) = (
        &response_schema(&resolved, "/a").value,
        &response_schema(&resolved, "/b").value,
    ) else {
        panic!("both stay links");
    };
    assert_eq!(a, b, "one target for both spellings");
}

#[test]
fn load_follows_symlink_stand_ins_and_records_them() {
    let paths = "paths:\n".to_owned()
        + &get_with_schema("/a", "getA", "$ref: definitions/shared/thing.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        // A stand-in written with a trailing newline, as some tools do.
        ("api/cs/definitions/shared", "../../../shared\n"),
        (
            "shared/thing.yaml",
            "type: object\nproperties:\n  a:\n    type: string\n",
        ),
    ]);
    let set = loaded(&dir);
    let boundary = set.boundary.clone();
    let read: Vec<String> = set
        .files_read
        .iter()
        .map(|p| p.strip_prefix(&boundary).unwrap().display().to_string())
        .collect();
    assert_eq!(
        read,
        [
            "api/cs/doc.yaml",
            "api/cs/definitions/shared",
            "shared/thing.yaml"
        ]
    );
    // The file reached is named by where it is, not by the way there.
    assert!(
        set.files
            .iter()
            .any(|f| f.name.as_ref() == "shared/thing.yaml")
    );
}

#[cfg(unix)]
#[test]
fn load_follows_real_symlinks_inside_the_boundary() {
    let paths = "paths:\n".to_owned()
        + &get_with_schema("/a", "getA", "$ref: definitions/linked/thing.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("shared/thing.yaml", "type: object\n"),
    ]);
    std::fs::create_dir_all(dir.path().join("api/cs/definitions")).unwrap();
    std::os::unix::fs::symlink(
        "../../../shared",
        dir.path().join("api/cs/definitions/linked"),
    )
    .unwrap();
    let set = loaded(&dir);
    let names: Vec<&str> = set.files.iter().map(|f| f.name.as_ref()).collect();
    assert_eq!(names, ["api/cs/doc.yaml", "shared/thing.yaml"]);
}

#[test]
fn resolve_ref_path_refuses_what_is_not_a_local_file_in_the_boundary() {
    let dir = tree(&[
        ("spec/api/cs/doc.yaml", "x: 1\n"),
        ("spec/api/cs/definitions/thing.yaml", "type: object\n"),
        ("spec/api/cs/definitions/escape", "../../../../outside\n"),
        ("outside/secret.yaml", "type: object\n"),
    ]);
    let boundary = std::fs::canonicalize(dir.path().join("spec")).unwrap();
    let from = boundary.join("api/cs");
    let resolve = |reference: &str| {
        let mut stand_ins = Vec::new();
        resolve_ref_path(&from, reference, &boundary, &mut stand_ins)
    };
    assert_eq!(
        resolve("definitions/thing.yaml").unwrap(),
        from.join("definitions/thing.yaml")
    );
    let cases = [
        ("https://example.org/thing.yaml", "remote references"),
        ("/etc/passwd", "absolute paths are refused"),
        ("../../../outside/secret.yaml", "outside the spec boundary"),
        (
            "../../../../../../../../etc/passwd",
            "outside the spec boundary",
        ),
        // A stand-in whose target leaves the boundary.
        (
            "definitions/escape/secret.yaml",
            "outside the spec boundary",
        ),
        // A YAML file is no stand-in: it cannot be walked through.
        ("definitions/thing.yaml/x.yaml", "is a file, not a folder"),
        ("definitions/missing.yaml", "no such file"),
        ("definitions", "is not a file"),
    ];
    for (reference, expected) in cases {
        let message = resolve(reference).expect_err(reference);
        assert!(
            message.contains(expected),
            "`{reference}`: `{message}` does not say `{expected}`"
        );
    }
}

#[cfg(unix)]
#[test]
fn resolve_ref_path_refuses_a_real_symlink_out_of_the_boundary() {
    let dir = tree(&[
        ("spec/api/cs/doc.yaml", "x: 1\n"),
        ("outside/secret.yaml", "type: object\n"),
    ]);
    let boundary = std::fs::canonicalize(dir.path().join("spec")).unwrap();
    let from = boundary.join("api/cs");
    std::os::unix::fs::symlink(dir.path().join("outside"), from.join("escape")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("outside/secret.yaml"),
        from.join("secret.yaml"),
    )
    .unwrap();
    for reference in ["escape/secret.yaml", "secret.yaml"] {
        let message =
            resolve_ref_path(&from, reference, &boundary, &mut Vec::new()).expect_err(reference);
        assert!(message.contains("outside the spec boundary"), "{message}");
    }
}

#[cfg(unix)]
#[test]
fn load_refuses_a_symlinked_api_document_outside_the_boundary() {
    let dir = tree(&[
        ("spec/api/cs/doc.yaml", &doc("paths: {}\n")),
        ("outside/secret.yaml", &doc("paths: {}\n")),
    ]);
    std::os::unix::fs::symlink(
        dir.path().join("outside/secret.yaml"),
        dir.path().join("spec/api/cs/secret.yaml"),
    )
    .unwrap();
    let result = load::load(&LoadOptions {
        api_root: dir.path().join("spec/api"),
        boundary: None,
        apis: Vec::new(),
    });
    let outside = std::fs::canonicalize(dir.path().join("outside")).unwrap();
    match result {
        Err(e) => assert!(e.to_string().contains("outside"), "{e}"),
        Ok(set) => assert!(
            set.files_read.iter().all(|p| !p.starts_with(&outside)),
            "read outside the boundary: {:?}",
            set.files_read
        ),
    }
}

#[test]
fn load_reports_every_broken_reference_with_its_place() {
    let paths = "paths:\n".to_owned()
        + &get_with_schema("/a", "getA", "$ref: definitions/missing.yaml")
        + &get_with_schema("/b", "getB", "$ref: definitions/bad.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/bad.yaml", "a: [1,\n"),
    ]);
    let error = try_load(&dir).expect_err("two broken references");
    let errors: Vec<_> = error.errors().collect();
    assert_eq!(errors.len(), 2, "{error}");
    let missing = errors
        .iter()
        .find(|d| d.message.contains("missing.yaml"))
        .expect("the missing file");
    assert_eq!(
        missing.place.as_ref().unwrap().file.as_ref(),
        "api/cs/doc.yaml"
    );
    let bad = errors
        .iter()
        .find(|d| d.message.starts_with("invalid YAML"))
        .expect("the invalid file");
    assert_eq!(
        bad.place.as_ref().unwrap().file.as_ref(),
        "api/cs/definitions/bad.yaml"
    );
    assert_eq!(bad.related[0].0, "referenced from");
    assert_eq!(bad.related[0].1.file.as_ref(), "api/cs/doc.yaml");
}

#[test]
fn load_reports_a_broken_reference_at_each_place_it_is_written() {
    // Resolved once per folder and spelling, reported once per reference.
    let paths = "paths:\n".to_owned()
        + &get_with_schema("/a", "getA", "$ref: definitions/missing.yaml")
        + &get_with_schema("/b", "getB", "$ref: definitions/missing.yaml");
    let other =
        "paths:\n".to_owned() + &get_with_schema("/c", "getC", "$ref: definitions/missing.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/other.yaml", &doc(&other)),
    ]);
    let error = try_load(&dir).expect_err("three broken references");
    let mut places: Vec<(String, String)> = error
        .errors()
        .map(|d| {
            assert!(d.message.contains("missing.yaml"), "{d}");
            let place = d.place.as_ref().expect("a place");
            (place.file.to_string(), place.pointer.clone())
        })
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            ("api/cs/doc.yaml", "/paths/~1a/get/responses/200/schema"),
            ("api/cs/doc.yaml", "/paths/~1b/get/responses/200/schema"),
            ("api/cs/other.yaml", "/paths/~1c/get/responses/200/schema"),
        ]
        .map(|(file, pointer)| (file.to_owned(), pointer.to_owned()))
    );
}

// ============================================================================================
// resolve

const OBJECT_AB: &str = "title: AB
description: Inner.
type: object
properties:
  a:
    type: string
  b:
    type: integer
required:
  - a
";

#[test]
fn resolve_keeps_a_bare_ref_as_a_link() {
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", "$ref: definitions/ab.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/ab.yaml", OBJECT_AB),
    ]);
    let resolved = resolved(&dir);
    let schema = response_schema(&resolved, "/x");
    let RValue::Ref(t, None) = schema.value else {
        panic!("not a bare link: {:?}", schema.value);
    };
    let target = &resolved.targets[t];
    assert_eq!(
        resolved.file_name(target.file).as_ref(),
        "api/cs/definitions/ab.yaml"
    );
    assert_eq!(target.pointer, "");
    assert_eq!(target.parent, None);
    assert_eq!(target.referrer.file.as_ref(), "api/cs/doc.yaml");
    assert_eq!(
        target.referrer.pointer,
        "/paths/~1x/get/responses/200/schema"
    );
    let content = resolved.deref(schema);
    assert_eq!(
        map_keys(content),
        ["title", "description", "type", "properties", "required"]
    );
    assert_eq!(
        resolved.ref_chain(t),
        std::slice::from_ref(&target.referrer)
    );
}

#[test]
fn resolve_keeps_annotating_siblings_on_the_link() {
    let schema = "$ref: definitions/ab.yaml\ndescription: Outer.\nx-addedInMatrixVersion: '1.2'";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/ab.yaml", OBJECT_AB),
    ]);
    let resolved = resolved(&dir);
    let RValue::Ref(_, Some(annotations)) = &response_schema(&resolved, "/x").value else {
        panic!("not an annotated link");
    };
    let keys: Vec<&str> = annotations.keys().map(String::as_str).collect();
    assert_eq!(keys, ["description", "x-addedInMatrixVersion"]);
    assert_eq!(annotations["description"].as_str(), Some("Outer."));
}

#[test]
fn resolve_merges_extending_siblings_into_a_copy() {
    let schema = "$ref: definitions/ab.yaml
description: Outer.
properties:
  c:
    type: boolean
required:
  - c";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/ab.yaml", OBJECT_AB),
    ]);
    let resolved = resolved(&dir);
    let merged = response_schema(&resolved, "/x");
    assert!(
        merged.as_map().is_some(),
        "a copy, not a link: {:?}",
        merged.value
    );
    assert_eq!(map_keys(at(merged, &["properties"])), ["a", "b", "c"]);
    assert_eq!(strings(at(merged, &["required"])), ["a", "c"]);
    // A sibling annotation replaces the target's.
    assert_eq!(at(merged, &["description"]).as_str(), Some("Outer."));
    assert_eq!(at(merged, &["title"]).as_str(), Some("AB"));
    // The shared target itself is untouched.
    let target = resolved
        .targets
        .iter()
        .find(|t| resolved.file_name(t.file).ends_with("ab.yaml"))
        .unwrap();
    assert_eq!(map_keys(at(&target.node, &["properties"])), ["a", "b"]);
}

#[test]
fn resolve_accepts_a_sibling_type_that_repeats_the_target() {
    let schema = "$ref: definitions/ab.yaml\ntype: object";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/ab.yaml", OBJECT_AB),
    ]);
    let resolved = resolved(&dir);
    let merged = response_schema(&resolved, "/x");
    assert_eq!(at(merged, &["type"]).as_str(), Some("object"));
    assert_eq!(map_keys(at(merged, &["properties"])), ["a", "b"]);
}

#[test]
fn resolve_lets_a_sibling_type_override_the_target() {
    // resolve.rs: "Sibling keys override (or, for `properties`/`required`, extend) the target."
    let schema = "$ref: definitions/name.yaml\ntype: integer";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        (
            "api/cs/definitions/name.yaml",
            "type: string\ndescription: A name.\n",
        ),
    ]);
    let resolved = try_resolve(&dir).unwrap_or_else(|e| panic!("{e}"));
    let merged = response_schema(&resolved, "/x");
    assert_eq!(at(merged, &["type"]).as_str(), Some("integer"));
}

#[test]
fn resolve_merges_all_of() {
    let schema = "title: Outer
allOf:
  - $ref: definitions/ab.yaml
  - description: Second member (fills gaps only).
    type: object
    properties:
      a:
        description: Annotates `a` only.
        x-addedInMatrixVersion: '1.1'
      c:
        type: array
        items:
          type: string
    required:
      - c
      - a";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/ab.yaml", OBJECT_AB),
    ]);
    let resolved = resolved(&dir);
    let merged = response_schema(&resolved, "/x");
    assert!(merged.get("allOf").is_none());
    // Outer keys win; a later member only fills what earlier ones left open.
    assert_eq!(at(merged, &["title"]).as_str(), Some("Outer"));
    assert_eq!(at(merged, &["description"]).as_str(), Some("Inner."));
    assert_eq!(at(merged, &["type"]).as_str(), Some("object"));
    // Properties and required are unioned, without repeats.
    let mut props = map_keys(at(merged, &["properties"]));
    props.sort_unstable();
    assert_eq!(props, ["a", "b", "c"]);
    assert_eq!(strings(at(merged, &["required"])), ["a", "c"]);
    // The member that only annotates `a` keeps its type.
    let a = at(merged, &["properties", "a"]);
    assert_eq!(at(a, &["type"]).as_str(), Some("string"));
    assert_eq!(
        at(a, &["description"]).as_str(),
        Some("Annotates `a` only.")
    );
    assert_eq!(at(a, &["x-addedInMatrixVersion"]).as_str(), Some("1.1"));
}

#[test]
fn resolve_reports_all_of_members_that_disagree_on_type() {
    let schema = "allOf:
  - type: object
  - type: string";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[("api/cs/doc.yaml", &doc(&paths))]);
    let error = try_resolve(&dir).expect_err("conflict");
    let d = error.errors().next().unwrap();
    assert!(d.message.contains("disagree on `type`"), "{d}");
    let place = d.place.as_ref().unwrap();
    assert_eq!(place.file.as_ref(), "api/cs/doc.yaml");
    assert!(place.pointer.ends_with("/allOf/1"), "{d}");
}

#[test]
fn resolve_reports_cycles_of_bare_links() {
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", "$ref: definitions/a.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/a.yaml", "$ref: b.yaml\n"),
        ("api/cs/definitions/b.yaml", "$ref: c.yaml\n"),
        ("api/cs/definitions/c.yaml", "$ref: a.yaml\n"),
    ]);
    let error = try_resolve(&dir).expect_err("a cycle");
    let errors: Vec<_> = error.errors().collect();
    assert_eq!(errors.len(), 1, "reported once: {error}");
    assert!(
        errors[0].message.contains("only point at each other"),
        "{error}"
    );
}

#[test]
fn resolve_reports_a_cycle_through_all_of() {
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", "$ref: definitions/a.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        (
            "api/cs/definitions/a.yaml",
            "allOf:\n  - $ref: b.yaml\n  - type: object\n",
        ),
        (
            "api/cs/definitions/b.yaml",
            "$ref: a.yaml\nproperties:\n  x:\n    type: string\n",
        ),
    ]);
    let message = error_text(try_resolve(&dir));
    assert!(message.contains("`$ref` cycle"), "{message}");
}

#[test]
fn resolve_allows_recursion_through_bare_links() {
    let node = "title: Node
type: object
properties:
  parent:
    $ref: node.yaml
  children:
    type: array
    items:
      $ref: node.yaml
";
    let paths =
        "paths:\n".to_owned() + &get_with_schema("/x", "getX", "$ref: definitions/node.yaml");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/node.yaml", node),
    ]);
    let resolved = resolved(&dir);
    let RValue::Ref(t, _) = response_schema(&resolved, "/x").value else {
        panic!("a link");
    };
    let parent = at(&resolved.targets[t].node, &["properties", "parent"]);
    assert_eq!(parent.value, RValue::Ref(t, None), "a link back to itself");
    // Following links for JSON stops at the cycle instead of overflowing.
    assert_eq!(resolved.to_json(parent), None);
}

#[test]
fn resolve_follows_pointers_with_escapes_and_in_document_pointers() {
    let defs = "\"m.room/message\":
  \"~tilde\":
    type: object
    properties:
      body:
        type: string
";
    let paths = "paths:\n".to_owned()
        + &get_with_schema(
            "/x",
            "getX",
            "$ref: \"definitions/defs.yaml#/m.room~1message/~0tilde\"",
        )
        + &get_with_schema("/y", "getY", "$ref: \"#/definitions/Local\"")
        + "definitions:\n  Local:\n    type: string\n";
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/defs.yaml", defs),
    ]);
    let resolved = resolved(&dir);
    let RValue::Ref(t, _) = response_schema(&resolved, "/x").value else {
        panic!("a link");
    };
    assert_eq!(resolved.targets[t].pointer, "/m.room~1message/~0tilde");
    assert_eq!(
        map_keys(at(&resolved.targets[t].node, &["properties"])),
        ["body"]
    );
    let local = response_schema(&resolved, "/y");
    let RValue::Ref(l, _) = local.value else {
        panic!("a link");
    };
    assert_eq!(
        resolved.file_name(resolved.targets[l].file).as_ref(),
        "api/cs/doc.yaml"
    );
    assert_eq!(resolved.targets[l].pointer, "/definitions/Local");
    assert_eq!(
        at(resolved.deref(local), &["type"]).as_str(),
        Some("string")
    );
}

#[test]
fn resolve_reports_a_fragment_that_is_not_a_pointer() {
    let paths = "paths:\n".to_owned()
        + &get_with_schema("/x", "getX", "$ref: \"definitions/ab.yaml#definitions\"");
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/ab.yaml", OBJECT_AB),
    ]);
    let message = error_text(try_resolve(&dir));
    assert!(message.contains("must be a JSON pointer"), "{message}");
    assert!(message.contains("api/cs/doc.yaml:"), "{message}");
}

#[test]
fn resolve_treats_examples_as_data() {
    let schema = "type: object
example:
  event:
    $ref: examples/event.json
  dangling:
    $ref: examples/missing.json
  allOf:
    - not merged
  override:
    $ref: examples/event.json
    type: replaced";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        (
            "api/cs/examples/event.json",
            "{\"type\": \"m.thing\", \"content\": {}}",
        ),
    ]);
    let resolved = resolved(&dir);
    let example = at(response_schema(&resolved, "/x"), &["example"]);
    assert_eq!(
        resolved.to_json(example),
        Some(serde_json::json!({
            "event": {"type": "m.thing", "content": {}},
            "dangling": {"$ref": "examples/missing.json"},
            "allOf": ["not merged"],
            // In data a sibling key simply replaces the target's.
            "override": {"type": "replaced", "content": {}}
        }))
    );
    let warning = resolved
        .warnings
        .iter()
        .find(|w| w.message.contains("examples/missing.json"))
        .expect("a warning for the dangling example reference");
    assert_eq!(warning.severity, Severity::Warning);
}

#[test]
fn resolve_reads_a_hash_in_a_file_name_when_the_fragment_is_no_pointer() {
    // r0.3 and r0.4 name example files `m.room.message#m.text` and refer to them unescaped.
    let schema = "type: object
example:
  hashed:
    $ref: examples/m.room.message#m.text
  pointer:
    $ref: examples/event.json#/content
  missing:
    $ref: examples/missing#m.text";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        (
            "api/cs/examples/m.room.message#m.text",
            "{\"type\": \"m.room.message\", \"content\": {\"msgtype\": \"m.text\"}}",
        ),
        (
            "api/cs/examples/event.json",
            "{\"type\": \"m.thing\", \"content\": {\"a\": 1}}",
        ),
    ]);
    let resolved = resolved(&dir);
    let example = at(response_schema(&resolved, "/x"), &["example"]);
    assert_eq!(
        resolved.to_json(example),
        Some(serde_json::json!({
            "hashed": {"type": "m.room.message", "content": {"msgtype": "m.text"}},
            "pointer": {"a": 1},
            "missing": {"$ref": "examples/missing#m.text"}
        }))
    );
    let read_as_file = resolved
        .warnings
        .iter()
        .find(|w| {
            w.message
                .contains("read as the file `examples/m.room.message#m.text`")
        })
        .expect("a warning for the unescaped `#`");
    assert!(
        read_as_file.to_string().contains("api/cs/doc.yaml:"),
        "{read_as_file}"
    );
    assert!(
        resolved
            .warnings
            .iter()
            .any(|w| w.message.contains("examples/missing#m.text")
                && w.message.contains("no such file")),
        "a file that is not there stays a dangling reference"
    );
}

#[test]
fn resolve_keeps_a_dangling_in_document_ref_in_an_example() {
    let schema = "type: object
example:
  pointer:
    $ref: \"#/nowhere\"";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[("api/cs/doc.yaml", &doc(&paths))]);
    let resolved = try_resolve(&dir).unwrap_or_else(|e| panic!("{e}"));
    let example = at(response_schema(&resolved, "/x"), &["example"]);
    assert_eq!(
        resolved.to_json(example),
        Some(serde_json::json!({"pointer": {"$ref": "#/nowhere"}}))
    );
}

// ============================================================================================
// model

fn swagger_operations() -> TempDir {
    let paths = "security:
  - accessToken: []
paths:
  \"/rooms/{roomId}/send\":
    parameters:
      - in: path
        name: roomId
        type: string
        required: true
    post:
      operationId: sendMessage
      parameters:
        - in: query
          name: limit
          type: integer
        - in: header
          name: X-Trace
          type: string
        - in: body
          name: body
          required: true
          description: The message.
          schema:
            type: object
            properties:
              body:
                type: string
            required:
              - body
      responses:
        200:
          description: Sent.
          schema:
            type: object
            properties:
              event_id:
                type: string
        429:
          description: Too fast.
        400:
          description: Bad.
        default:
          description: Anything else.
  \"/public\":
    get:
      operationId: getPublic
      security: []
      responses:
        200:
          description: OK
    put:
      operationId: putPublic
      security:
        - {}
        - accessToken: []
      responses:
        200:
          description: OK
  \"/signed\":
    get:
      responses:
        200:
          description: OK
      security:
        - signedRequest: []
  \"/download\":
    get:
      operationId: download
      produces:
        - image/png
      responses:
        200:
          description: The bytes.
          schema:
            type: file
";
    tree(&[("api/cs/doc.yaml", &doc(paths))])
}

#[test]
fn model_maps_swagger_body_parameters_to_the_body() {
    let dir = swagger_operations();
    let spec = spec(&dir);
    let op = operation(&spec, "sendMessage");
    assert_eq!(op.method, Method::Post);
    let params: Vec<(&str, ParamLocation, bool)> = op
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.required))
        .collect();
    assert_eq!(
        params,
        [
            ("roomId", ParamLocation::Path, true),
            ("limit", ParamLocation::Query, false),
            ("X-Trace", ParamLocation::Header, false),
        ]
    );
    assert_eq!(op.parameters[1].schema.kind, SchemaKind::Integer);
    let body = op.body.as_ref().expect("the `in: body` parameter");
    assert_eq!(body.content_type, "application/json");
    assert!(body.required);
    assert_eq!(body.description.as_deref(), Some("The message."));
    let BodyKind::Json(schema) = &body.kind else {
        panic!("a JSON body");
    };
    let SchemaKind::Object(object) = &schema.kind else {
        panic!("an object");
    };
    assert!(object.properties["body"].required);
}

#[test]
fn model_reads_integer_status_keys_and_sorts_responses() {
    let dir = swagger_operations();
    let spec = spec(&dir);
    let op = operation(&spec, "sendMessage");
    let statuses: Vec<Status> = op.responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            Status::Code(200),
            Status::Code(400),
            Status::Code(429),
            Status::Default
        ]
    );
    assert!(op.responses[0].body.is_some());
    assert!(op.responses[1].body.is_none());
    let download = operation(&spec, "download");
    let body = download.responses[0].body.as_ref().unwrap();
    assert!(matches!(body.kind, BodyKind::Binary));
    assert_eq!(body.content_type, "image/png");
}

#[test]
fn model_turns_base_path_variables_into_template_variables() {
    let dir = swagger_operations();
    let spec = spec(&dir);
    let op = operation(&spec, "sendMessage");
    assert_eq!(
        op.path,
        "/_matrix/client/{client_major_version}/rooms/{roomId}/send"
    );
    assert_eq!(op.base_variables.len(), 1);
    assert_eq!(op.base_variables[0].name, "client_major_version");
    // The base path's variable needs no declared parameter.
    assert!(
        op.parameters
            .iter()
            .all(|p| p.name != "client_major_version")
    );
    assert_eq!(
        model::template_variables(&op.path),
        ["client_major_version", "roomId"]
    );
}

#[test]
fn model_reads_security_requirements() {
    let dir = swagger_operations();
    let spec = spec(&dir);
    assert_eq!(operation(&spec, "sendMessage").auth, Auth::AccessToken);
    assert_eq!(operation(&spec, "getPublic").auth, Auth::None);
    assert_eq!(
        operation(&spec, "putPublic").auth,
        Auth::OptionalAccessToken
    );
    // No operationId: one is made from method and path, with a warning.
    let signed = operation(&spec, "getSigned");
    assert_eq!(signed.auth, Auth::Other("signedRequest".into()));
    let messages: Vec<&str> = spec.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("has no `operationId`; calling it `getSigned`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unknown security scheme `signedRequest`")),
        "{messages:?}"
    );
}

#[test]
fn model_sorts_operations_by_path_then_method() {
    let dir = swagger_operations();
    let spec = spec(&dir);
    let order: Vec<(&str, Method)> = spec.apis[0]
        .operations
        .iter()
        .map(|o| (o.path.rsplit('/').next().unwrap(), o.method))
        .collect();
    assert_eq!(
        order,
        [
            ("download", Method::Get),
            ("public", Method::Get),
            ("public", Method::Put),
            ("send", Method::Post),
            ("signed", Method::Get),
        ]
    );
}

#[test]
fn model_reports_path_template_mismatches() {
    let paths = "paths:
  \"/rooms/{roomId}/{eventId}\":
    get:
      operationId: getEvent
      parameters:
        - in: path
          name: roomId
          type: string
          required: true
      responses:
        200:
          description: OK
";
    let dir = tree(&[("api/cs/doc.yaml", &doc(paths))]);
    // Repaired: `eventId` is read as a required string path parameter, with a warning.
    let spec = try_spec(&dir).expect("repaired with a warning");
    let d = spec
        .warnings
        .iter()
        .find(|d| d.message.contains("`{eventId}`"))
        .expect("a warning about `{eventId}`");
    assert!(
        d.message.contains("read as a required string parameter"),
        "{d}"
    );
    let op = operation(&spec, "getEvent");
    let event_id = op
        .parameters
        .iter()
        .find(|p| p.name == "eventId")
        .expect("eventId added");
    assert_eq!(event_id.location, ParamLocation::Path);
    assert!(event_id.required);
    let place = d.place.as_ref().unwrap();
    // The operation, at its first key (`operationId`, line 18).
    assert_eq!(
        (place.file.as_ref(), place.loc.line),
        ("api/cs/doc.yaml", 18)
    );
}

#[test]
fn model_reads_swagger_collection_formats_as_styles() {
    let paths = "paths:
  \"/a/{ids}\":
    get:
      operationId: getA
      parameters:
        - {in: path, name: ids, required: true, type: array, items: {type: string}}
        - {in: query, name: plain, type: array, items: {type: string}}
        - {in: query, name: csv, type: array, items: {type: string}, collectionFormat: csv}
        - {in: query, name: multi, type: array, items: {type: string}, collectionFormat: multi}
        - {in: query, name: ssv, type: array, items: {type: string}, collectionFormat: ssv}
        - {in: query, name: pipes, type: array, items: {type: string}, collectionFormat: pipes}
        - {in: query, name: tsv, type: array, items: {type: string}, collectionFormat: tsv}
        - {in: header, name: X-List, type: array, items: {type: string}, collectionFormat: csv}
      responses:
        200:
          description: OK
          headers:
            X-Rate:
              type: integer
              description: Requests left.
";
    let dir = tree(&[("api/cs/doc.yaml", &doc(paths))]);
    let spec = spec(&dir);
    let op = operation(&spec, "getA");
    let styles: Vec<(&str, ParamLocation, ParamStyle, bool)> = op
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location, p.style, p.explode))
        .collect();
    use ParamLocation::{Header, Path, Query};
    use ParamStyle::{Form, PipeDelimited, Simple, SpaceDelimited};
    assert_eq!(
        styles,
        [
            ("ids", Path, Simple, false),
            // No `collectionFormat` on a query list: a repeated key, as Matrix servers read.
            ("plain", Query, Form, true),
            ("csv", Query, Form, false),
            ("multi", Query, Form, true),
            ("ssv", Query, SpaceDelimited, false),
            ("pipes", Query, PipeDelimited, false),
            ("tsv", Query, Form, false),
            ("X-List", Header, Simple, false),
        ]
    );
    let tsv = spec
        .warnings
        .iter()
        .find(|w| w.message.contains("tsv"))
        .expect("a warning for `tsv`");
    assert_eq!(
        tsv.message,
        "`collectionFormat: tsv` has no OpenAPI style; read as `csv`"
    );
    let text = doc(paths);
    let tsv_line = text
        .lines()
        .position(|l| l.contains("collectionFormat: tsv"))
        .map(|i| i as u32 + 1);
    assert_eq!(tsv.place.as_ref().map(|p| p.loc.line), tsv_line);
    // Response headers: typed on the header itself, with their description.
    let header = &op.responses[0].headers[0];
    assert_eq!(header.name, "X-Rate");
    assert_eq!(header.schema.kind, SchemaKind::Integer);
    assert_eq!(header.description.as_deref(), Some("Requests left."));
    assert_eq!((header.style, header.explode), (Simple, false));
}

#[test]
fn model_reads_openapi_styles_with_their_defaults() {
    let openapi = "openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /a/{id}:
    get:
      operationId: getA
      parameters:
        - {in: path, name: id, required: true, schema: {type: string}}
        - {in: query, name: plain, schema: {type: array, items: {type: string}}}
        - {in: query, name: joined, explode: false, schema: {type: array, items: {type: string}}}
        - {in: query, name: filter, style: deepObject, schema: {type: object}}
        - {in: query, name: piped, style: pipeDelimited, schema: {type: array, items: {type: string}}}
        - {in: header, name: X-Ids, schema: {type: array, items: {type: string}}}
        - {in: header, name: X-Exploded, explode: true, schema: {type: array, items: {type: string}}}
        - {in: query, name: odd, style: sideways, schema: {type: string}}
      responses:
        '200':
          description: OK
          headers:
            X-Rate:
              description: Requests left.
              schema: {type: integer}
";
    let dir = tree(&[("api/cs/doc.yaml", openapi)]);
    let spec = spec(&dir);
    let op = operation(&spec, "getA");
    let styles: Vec<(&str, ParamStyle, bool)> = op
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.style, p.explode))
        .collect();
    use ParamStyle::{DeepObject, Form, PipeDelimited, Simple};
    assert_eq!(
        styles,
        [
            ("id", Simple, false),
            ("plain", Form, true),
            ("joined", Form, false),
            ("filter", DeepObject, false),
            ("piped", PipeDelimited, false),
            ("X-Ids", Simple, false),
            ("X-Exploded", Simple, true),
            ("odd", Form, true),
        ]
    );
    let odd = spec
        .warnings
        .iter()
        .find(|w| w.message.contains("sideways"))
        .expect("a warning for `sideways`");
    assert_eq!(
        odd.message,
        "unknown parameter style `sideways`; read as the default, `Form`"
    );
    let header = &op.responses[0].headers[0];
    assert_eq!(header.name, "X-Rate");
    assert_eq!(header.schema.kind, SchemaKind::Integer);
    assert_eq!(header.description.as_deref(), Some("Requests left."));
}

#[test]
fn model_reads_openapi_3_1() {
    let openapi = "openapi: 3.1.0
info:
  title: Stage test
  version: 1.0.0
servers:
  - url: \"{protocol}://{hostname}{basePath}\"
    variables:
      protocol:
        default: https
      hostname:
        default: localhost:8008
      basePath:
        default: /_matrix/client/v3
components:
  securitySchemes:
    accessTokenBearer:
      type: http
      scheme: bearer
paths:
  /things/{thingId}:
    put:
      operationId: putThing
      security:
        - accessTokenBearer: []
      parameters:
        - in: path
          name: thingId
          required: true
          schema:
            type: string
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                name:
                  type: [string, \"null\"]
            example:
              name: null
      responses:
        \"200\":
          description: Stored.
          content:
            application/json:
              schema:
                type: object
                properties:
                  id:
                    type: string
";
    let dir = tree(&[("api/cs/doc.yaml", openapi)]);
    let spec = spec(&dir);
    let op = operation(&spec, "putThing");
    assert_eq!(op.path, "/_matrix/client/v3/things/{thingId}");
    assert!(op.base_variables.is_empty());
    assert_eq!(op.auth, Auth::AccessToken);
    assert_eq!(
        op.parameters[0].schema.kind,
        SchemaKind::String { values: vec![] }
    );
    let body = op.body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.examples[0].value, serde_json::json!({"name": null}));
    let BodyKind::Json(schema) = &body.kind else {
        panic!("a JSON body");
    };
    let SchemaKind::Object(object) = &schema.kind else {
        panic!("an object");
    };
    let name = &object.properties["name"].schema;
    assert!(name.nullable);
    assert_eq!(name.kind, SchemaKind::String { values: vec![] });
    assert_eq!(op.responses[0].status, Status::Code(200));
}

#[test]
fn model_warns_about_type_enum() {
    let paths =
        "paths:\n".to_owned() + &get_with_schema("/x", "getX", "type: enum\nenum:\n  - a\n  - b");
    let dir = tree(&[("api/cs/doc.yaml", &doc(&paths))]);
    let spec = spec(&dir);
    let op = operation(&spec, "getX");
    let BodyKind::Json(schema) = &op.responses[0].body.as_ref().unwrap().kind else {
        panic!("a JSON body");
    };
    assert_eq!(
        schema.kind,
        SchemaKind::String {
            values: vec!["a".into(), "b".into()]
        }
    );
    assert!(
        spec.warnings.iter().all(|w| !w.is_error()),
        "{:?}",
        spec.warnings
    );
}

#[test]
fn model_names_schema_targets_by_file_stem_or_pointer() {
    let paths = "paths:\n".to_owned()
        + &get_with_schema(
            "/x",
            "getX",
            "type: object
properties:
  a:
    $ref: definitions/auth_data.yaml
  b:
    $ref: \"#/definitions/Local\"
  c:
    $ref: definitions/m.room.message$m.text.yaml",
        )
        + "definitions:\n  Local:\n    type: object\n";
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/auth_data.yaml", "type: object\n"),
        (
            "api/cs/definitions/m.room.message$m.text.yaml",
            "type: object\n",
        ),
    ]);
    let spec = spec(&dir);
    let mut stems: Vec<&str> = spec
        .schema_origins
        .iter()
        .flatten()
        .map(|o| o.stem.as_str())
        .collect();
    stems.sort_unstable();
    assert_eq!(stems, ["Local", "auth_data", "m.room.message$m.text"]);
}

// ============================================================================================
// IR

#[test]
fn ir_names_operations_in_snake_case() {
    let paths = "paths:
  \"/a\":
    post:
      operationId: requestTokenTo3PIDEmail
      responses:
        200:
          description: OK
  \"/b\":
    get:
      operationId: queryUserByID
      responses:
        200:
          description: OK
  \"/c\":
    get:
      operationId: queryUserById
      responses:
        200:
          description: OK
  \"/d\":
    post:
      operationId: move
      responses:
        200:
          description: OK
";
    let dir = tree(&[("api/client-server/doc.yaml", &doc(paths))]);
    let ir = ir_of(&dir);
    assert_eq!(ir.modules[0].ident, "client_server");
    assert_eq!(ir.modules[0].api_name, "client-server");
    let idents: Vec<(&str, &str)> = ir.modules[0]
        .operations
        .iter()
        .map(|o| (o.operation_id.as_str(), o.ident.as_str()))
        .collect();
    assert_eq!(
        idents,
        [
            ("requestTokenTo3PIDEmail", "request_token_to_3pid_email"),
            // Equal in snake case: each takes what tells its path apart.
            ("queryUserByID", "query_user_by_id_b"),
            ("queryUserById", "query_user_by_id_c"),
            ("move", "r#move"),
        ]
    );
}

#[test]
fn ir_reuses_equal_types_and_renames_different_ones() {
    let schema = "type: object
properties:
  start:
    title: Point
    type: object
    properties:
      x:
        type: integer
  end:
    title: Point
    description: A different description does not make a different type.
    type: object
    properties:
      x:
        type: integer
  box:
    title: Point
    type: object
    properties:
      y:
        type: integer";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[("api/cs/doc.yaml", &doc(&paths))]);
    let ir = ir_of(&dir);
    let op = &ir.modules[0].operations[0];
    let names: Vec<&str> = op.types.iter().map(TypeDef::name).collect();
    // Two shapes want `Point`, neither by a better title: both are named from where they are
    // used, never numbered. The one held by `start` and `end` takes what both uses share.
    assert_eq!(names, ["BoxPoint", "ResponsePoint"]);
    let ResponseIr::Fields(response) = &op.response else {
        panic!("a struct");
    };
    let types: Vec<(&str, &RustType)> = response
        .fields
        .iter()
        .filter(|f| !f.flatten)
        .map(|f| (f.ident.as_str(), &f.ty))
        .collect();
    let named = |name: &str| RustType::Named {
        scope: Scope::Operation,
        name: name.into(),
    };
    assert_eq!(
        types,
        [
            ("start", &named("ResponsePoint")),
            ("end", &named("ResponsePoint")),
            ("r#box", &named("BoxPoint")),
        ]
    );
}

#[test]
fn ir_converts_a_shared_target_once_and_boxes_recursion() {
    let node = "title: Node
type: object
properties:
  name:
    type: string
  parent:
    $ref: node.yaml
  children:
    type: array
    items:
      $ref: node.yaml
required:
  - name
";
    let paths = "paths:\n".to_owned()
        + &get_with_schema("/a", "getA", "$ref: definitions/node.yaml")
        + &get_with_schema(
            "/b",
            "getB",
            "type: object\nproperties:\n  root:\n    $ref: definitions/node.yaml",
        );
    let dir = tree(&[
        ("api/cs/doc.yaml", &doc(&paths)),
        ("api/cs/definitions/node.yaml", node),
    ]);
    let ir = ir_of(&dir);
    let module = &ir.modules[0];
    let names: Vec<&str> = module.types.iter().map(TypeDef::name).collect();
    assert_eq!(names, ["Node"]);
    let TypeDef::Struct(def) = &module.types[0] else {
        panic!("a struct");
    };
    let node = RustType::Named {
        scope: Scope::Api,
        name: "Node".into(),
    };
    let fields: Vec<(&str, &RustType, bool)> = def
        .fields
        .iter()
        .filter(|f| !f.flatten)
        .map(|f| (f.ident.as_str(), &f.ty, f.optional))
        .collect();
    assert_eq!(
        fields,
        [
            ("name", &RustType::String, false),
            ("parent", &RustType::Boxed(Box::new(node.clone())), true),
            ("children", &RustType::Vec(Box::new(node.clone())), true),
        ]
    );
    let op_b = module
        .operations
        .iter()
        .find(|o| o.operation_id == "getB")
        .unwrap();
    let ResponseIr::Fields(response) = &op_b.response else {
        panic!("a struct");
    };
    assert_eq!(response.fields[0].ty, node);
}

#[test]
fn ir_builds_request_fields_and_string_enums() {
    let paths = "paths:
  \"/things/{type}\":
    put:
      operationId: putThing
      parameters:
        - in: path
          name: type
          type: string
          required: true
        - in: body
          name: body
          schema:
            type: object
            properties:
              type:
                type: string
                enum:
                  - m.one
                  - m.two
              og:image:
                type: string
            required:
              - type
      responses:
        200:
          description: OK
";
    let dir = tree(&[("api/cs/doc.yaml", &doc(paths))]);
    let ir = ir_of(&dir);
    let op = &ir.modules[0].operations[0];
    assert_eq!(op.request_body, RequestBody::Fields);
    let fields: Vec<(&str, &str, ir::FieldSource, bool)> = op
        .request_fields
        .iter()
        .map(|f| (f.ident.as_str(), f.wire.as_str(), f.source, f.optional))
        .collect();
    assert_eq!(
        fields,
        [
            ("r#type", "type", ir::FieldSource::Path, false),
            ("type_body", "type", ir::FieldSource::Body, false),
            ("og_image", "og:image", ir::FieldSource::Body, true),
            // The body does not forbid further keys: they are kept, not lost.
            ("extra", "", ir::FieldSource::Body, false),
        ]
    );
    let TypeDef::StringEnum(kind) = &op.types[0] else {
        panic!("a string enum: {:?}", op.types);
    };
    assert_eq!(kind.name, "Type");
    assert_eq!(
        kind.variants,
        [
            ("MOne".to_owned(), "m.one".to_owned()),
            ("MTwo".to_owned(), "m.two".to_owned())
        ]
    );
    assert_eq!(kind.fallback, "_Unknown");
}

#[test]
fn ir_keeps_examples_with_their_types() {
    let schema = "type: object
properties:
  a:
    type: string
example:
  a: hello";
    let paths = "paths:\n".to_owned() + &get_with_schema("/x", "getX", schema);
    let dir = tree(&[("api/cs/doc.yaml", &doc(&paths))]);
    let ir = ir_of(&dir);
    assert_eq!(ir.examples.len(), 1);
    assert_eq!(ir.examples[0].type_path, "cs::get_x::Response");
    assert_eq!(ir.examples[0].value, serde_json::json!({"a": "hello"}));
    assert_eq!(ir.examples[0].place.file.as_ref(), "api/cs/doc.yaml");
}

#[test]
fn emitted_code_parses_and_is_stable() {
    let dir = swagger_operations();
    let ir = ir_of(&dir);
    let options = matrix_codegen::emit::EmitOptions::default();
    let code = matrix_codegen::emit::emit(&ir, &options).unwrap();
    syn::parse_file(&code).expect("the emitted code parses");
    assert_eq!(code, matrix_codegen::emit::emit(&ir, &options).unwrap());
    let bad = matrix_codegen::emit::EmitOptions {
        runtime_path: "not a path".into(),
        ..matrix_codegen::emit::EmitOptions::default()
    };
    assert!(matrix_codegen::emit::emit(&ir, &bad).is_err());
}

#[test]
fn examples_carry_their_schema_inlined_with_recursion_cut_and_error_examples_are_listed() {
    let dir = tree(&[
        (
            "api/client-server/tree.yaml",
            &doc(r##"paths:
  "/tree":
    get:
      operationId: getTree
      responses:
        200:
          description: OK
          schema:
            $ref: "definitions/node.yaml"
          examples:
            application/json: {"name": "root", "size": 2, "children": [{"name": "leaf", "size": 1}]}
        404:
          description: Not found
          schema:
            type: object
            properties:
              errcode:
                type: string
              error:
                type: string
            required: [errcode]
          examples:
            application/json: {"errcode": "M_NOT_FOUND"}
        409:
          description: Not an error body
          schema:
            type: object
            properties:
              other:
                type: integer
          examples:
            application/json: {"other": 1}
"##),
        ),
        (
            "api/client-server/definitions/node.yaml",
            r#"type: object
title: Node
description: A node of a tree.
properties:
  name:
    type: string
    description: Its name.
  size:
    type: integer
    required: true
  children:
    type: array
    items:
      $ref: "node.yaml"
required: [name]
"#,
        ),
    ]);
    let ir = ir_of(&dir);
    let find = |status: u16| {
        ir.examples
            .iter()
            .find(|e| e.status == Some(status))
            .unwrap_or_else(|| panic!("no example of status {status}: {:?}", ir.examples))
    };
    let ok = find(200);
    assert_eq!(ok.type_path, "client_server::get_tree::Response");
    assert_eq!(ok.api, "client_server");
    assert_eq!(
        ok.schema,
        Some(serde_json::json!({
            "$schema": "http://json-schema.org/draft-04/schema#",
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "size": {"type": "integer"},
                "children": {"type": "array", "items": {}},
            },
            "required": ["name", "size"],
        }))
    );
    let not_found = find(404);
    assert_eq!(not_found.type_path, ir::ERROR_TYPE_PATH);
    assert_eq!(
        not_found.value,
        serde_json::json!({"errcode": "M_NOT_FOUND"})
    );
    assert!(not_found.schema.is_some());
    assert_eq!(find(409).type_path, ir::JSON_TYPE_PATH);
}

#[test]
fn model_reads_examples_written_as_json_text_as_that_json() {
    // The oldest releases (r0.1, r0.2) wrote JSON examples as JSON text in a YAML string.
    let swagger = doc(r#"paths:
  "/things":
    post:
      operationId: postThing
      parameters:
        - in: body
          name: body
          schema:
            type: object
            properties:
              a:
                type: integer
            example: |-
              {"a": 1}
      responses:
        200:
          description: Stored.
          schema:
            type: object
            properties:
              id:
                type: string
          examples:
            application/json: |-
              {"id": "x"}
        404:
          description: Not found.
          examples:
            application/json: |-
              {"errcode": "M_NOT_FOUND"}
  "/text":
    get:
      operationId: getText
      responses:
        200:
          description: A string that happens to be JSON text.
          schema:
            type: string
          examples:
            application/json: '{"id": "x"}'
"#);
    let dir = tree(&[("api/cs/doc.yaml", &swagger)]);
    let spec = spec(&dir);
    let post = operation(&spec, "postThing");
    let body = post.body.as_ref().expect("a body");
    assert_eq!(body.examples[0].value, serde_json::json!({"a": 1}));
    let ok = post.responses[0].body.as_ref().expect("a 200 body");
    assert_eq!(ok.examples[0].value, serde_json::json!({"id": "x"}));
    assert_eq!(
        post.responses[1].unschematized_examples[0].value,
        serde_json::json!({"errcode": "M_NOT_FOUND"})
    );
    // A string schema's example is a string, whatever its text.
    let text = operation(&spec, "getText").responses[0]
        .body
        .as_ref()
        .expect("a body");
    assert_eq!(text.examples[0].value, serde_json::json!("{\"id\": \"x\"}"));
}
