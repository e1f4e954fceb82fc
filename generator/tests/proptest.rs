//! Property tests: whatever it is given, the generator answers with code that parses or with
//! located errors, never a panic; the naming functions return Rust identifiers; a spec always
//! generates the same code.
//!
//! Seeds are fixed so CI is reproducible; set `PROPTEST_RNG_SEED` (and `PROPTEST_CASES`) to
//! explore further. Failures are not persisted to files: a failing input found this way belongs
//! in a named regression test (see `tests/mutation.rs`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use matrix_codegen::load::{self, parse_yaml};
use matrix_codegen::naming::{
    self, Acronyms, escape_keyword, field_ident, snake_case, unraw, upper_camel,
};
use matrix_codegen::{Config, Error, Generated};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// `cases` cases, a fixed seed unless `PROPTEST_RNG_SEED` says otherwise, no persistence.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x6d61_7472_6978);
    }
    config.failure_persistence = None;
    config.max_shrink_iters = 2000;
    config
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic payload)".to_owned())
}

/// Writes `files` (relative to the boundary) and generates the API root `api/`.
fn generate_files(files: &[(&str, &[u8])]) -> Result<Result<Generated, Error>, String> {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (path, bytes) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(&path, bytes).expect("write");
    }
    let config = Config::new(dir.path().join("api"));
    catch_unwind(AssertUnwindSafe(|| config.generate())).map_err(|p| panic_message(&*p))
}

/// The outcome is fine: no panic; code that parses; or errors each with a real position, at
/// least one of them placed.
fn check_outcome(outcome: Result<Result<Generated, Error>, String>) -> Result<(), TestCaseError> {
    match outcome {
        Err(panic) => Err(TestCaseError::fail(format!("panicked: {panic}"))),
        Ok(Ok(generated)) => syn::parse_file(&generated.code)
            .map(drop)
            .map_err(|e| TestCaseError::fail(format!("the generated code does not parse: {e}"))),
        Ok(Err(error)) => {
            for d in &error.diagnostics {
                let places = d
                    .place
                    .iter()
                    .chain(&d.ref_chain)
                    .chain(d.related.iter().map(|(_, p)| p));
                for p in places {
                    prop_assert!(p.loc.line >= 1 && p.loc.column >= 1, "{d}");
                }
            }
            prop_assert!(
                error.errors().any(|d| d.place.is_some()),
                "no error has a place:\n{error}"
            );
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// YAML-ish documents
// ---------------------------------------------------------------------------------------------

/// Keys of the Swagger / OpenAPI vocabulary, YAML oddities, and some plain words.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "swagger", "openapi", "info", "title", "version", "paths", "/a", "\"/a/{b}\"",
            "/c/{d}/e", "get", "put", "post", "delete", "parameters", "in", "name", "required",
            "schema", "responses", "200", "\"201\"", "default", "4XX", "description", "type",
            "properties", "items", "allOf", "oneOf", "anyOf", "enum", "$ref",
            "additionalProperties", "patternProperties", "definitions", "components", "schemas",
            "requestBody", "content", "application/json", "example", "examples", "x-example",
            "operationId", "securityDefinitions", "securitySchemes", "security", "basePath",
            "servers", "url", "variables", "format", "nullable", "headers", "consumes",
            "produces", "? a", "<<", "\"\"", "'k'", "null", "1.10", "true",
        ])
        .prop_map(str::to_owned),
        1 => "[a-z_][a-z0-9_.]{0,8}",
    ]
}

/// Values: scalars of every kind, flow collections, anchors, aliases, tags, block scalar
/// headers, references, and broken bits.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "", "string", "object", "integer", "number", "boolean", "array", "file", "null",
            "enum", "'2.0'", "2.0", "3.1.0", "\"3.0.0\"", "~", "true", "42", "-1.5e3", ".nan",
            "\"quoted\"", "'single'", "[a, b]", "[string, \"null\"]", "{a: 1}", "[]", "{}",
            "&anchor x", "&anchor {a: b}", "*anchor", "!!str 1", "!!binary aGk=", "|", ">-",
            "\"#/definitions/A\"", "\"#/components/schemas/A\"", "defs/x.yaml",
            "\"defs/x.yaml#/a\"", "\"../x.yaml\"", "\"#\"", "\"#/\"", "[", "]", "{", "}",
            "\"unterminated", "\t", "{200: x}", "/a/{b}", "path", "query", "header", "body",
            "formData", "application/json", "- x", ": x", "%CLIENT_MAJOR_VERSION%",
            "\"\\u0000\"", "\"\\ud800\"", "0x1F", "1_000", "2001-01-01",
        ])
        .prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_ ./#{}:'\"-]{0,12}",
    ]
}

/// A YAML-ish line: indentation, maybe a sequence dash, a key and a value.
fn line() -> impl Strategy<Value = String> {
    (0usize..6, any::<bool>(), key(), value(), 0u8..10).prop_map(
        |(depth, dash, key, value, shape)| {
            let indent = "  ".repeat(depth);
            let dash = if dash { "- " } else { "" };
            match shape {
                0 => format!("{indent}{dash}{value}"),
                1 => format!("{indent}{dash}{key}:"),
                2 => format!("{indent}# {value}"),
                _ => format!("{indent}{dash}{key}: {value}"),
            }
        },
    )
}

/// A document: maybe a real header, then YAML-ish lines.
fn yaml_ish() -> impl Strategy<Value = String> {
    let head = prop::sample::select(vec![
        "",
        "swagger: '2.0'\n",
        "swagger: '2.0'\nbasePath: /_matrix/client/%CLIENT_MAJOR_VERSION%\n",
        "openapi: 3.1.0\n",
        "swagger: '2.0'\npaths:\n  /a/{b}:\n    get:\n      operationId: getA\n",
        "openapi: 3.1.0\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema:\n",
    ]);
    (head, prop::collection::vec(line(), 0..40))
        .prop_map(|(head, lines)| format!("{head}{}\n", lines.join("\n")))
}

/// A YAML value built as a tree, rendered as well-formed block YAML.
#[derive(Clone, Debug)]
enum Yaml {
    Scalar(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

/// Scalars that keep the rendering well-formed. (Not `self`: as an enum value it becomes the
/// variant `Self`, a known bug with its own regression test.)
fn safe_scalar() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "string",
        "object",
        "integer",
        "number",
        "boolean",
        "array",
        "file",
        "null",
        "enum",
        "'2.0'",
        "3.1.0",
        "~",
        "true",
        "42",
        "-7",
        "1.5",
        "\"quoted\"",
        "'single'",
        "[a, b]",
        "[string, \"null\"]",
        "{a: 1}",
        "[]",
        "{}",
        "\"#/definitions/A\"",
        "\"#/components/schemas/A\"",
        "defs/x.yaml",
        "\"defs/x.yaml#/a\"",
        "\"#\"",
        "path",
        "query",
        "header",
        "body",
        "cookie",
        "application/json",
        "m.text",
        "type",
        "\"\"",
        "binary",
        "int64",
        "\"/a/{b}\"",
    ])
    .prop_map(str::to_owned)
}

fn yaml_tree() -> impl Strategy<Value = Yaml> {
    safe_scalar()
        .prop_map(Yaml::Scalar)
        .prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Yaml::Seq),
                prop::collection::vec((key(), inner), 0..6).prop_map(Yaml::Map),
            ]
        })
}

fn render(yaml: &Yaml, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match yaml {
        Yaml::Scalar(s) => out.push_str(&format!("{pad}{s}\n")),
        Yaml::Seq(items) if items.is_empty() => out.push_str(&format!("{pad}[]\n")),
        Yaml::Map(entries) if entries.is_empty() => out.push_str(&format!("{pad}{{}}\n")),
        Yaml::Seq(items) => {
            for item in items {
                match item {
                    Yaml::Scalar(s) => out.push_str(&format!("{pad}- {s}\n")),
                    nested => {
                        out.push_str(&format!("{pad}-\n"));
                        render(nested, indent + 2, out);
                    }
                }
            }
        }
        Yaml::Map(entries) => {
            for (key, value) in entries {
                match value {
                    Yaml::Scalar(s) => out.push_str(&format!("{pad}{key}: {s}\n")),
                    nested => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        render(nested, indent + 2, out);
                    }
                }
            }
        }
    }
}

fn scalar(s: &str) -> Yaml {
    Yaml::Scalar(s.to_owned())
}

/// A JSON Schema as a tree: mostly sensible keywords with sensible values, sometimes not.
fn schema_tree() -> impl Strategy<Value = Yaml> {
    let type_word = prop::sample::select(vec![
        "string",
        "integer",
        "number",
        "boolean",
        "object",
        "array",
        "null",
        "file",
        "enum",
        "[string, \"null\"]",
        "[integer, string]",
        "wibble",
    ]);
    let leaf = prop_oneof![
        (
            type_word.clone(),
            prop::option::of(prop::sample::select(vec!["int64", "binary", "uri", "byte"]))
        )
            .prop_map(|(t, format)| {
                let mut entries = vec![("type".to_owned(), scalar(t))];
                if let Some(f) = format {
                    entries.push(("format".to_owned(), scalar(f)));
                }
                Yaml::Map(entries)
            }),
        prop::sample::select(vec![
            "\"#/definitions/A\"",
            "defs/x.yaml",
            "\"defs/x.yaml#/properties/a\"",
            "\"#/paths\""
        ])
        .prop_map(|r| Yaml::Map(vec![("$ref".to_owned(), scalar(r))])),
        prop::collection::vec(
            prop::sample::select(vec!["a", "b", "m.text", "type", "Self_type", "1", "\"\""]),
            1..4
        )
        .prop_map(|values| Yaml::Map(vec![
            ("type".to_owned(), scalar("string")),
            (
                "enum".to_owned(),
                Yaml::Seq(values.into_iter().map(scalar).collect())
            ),
        ])),
        yaml_tree(),
    ];
    leaf.prop_recursive(4, 40, 6, move |inner| {
        let name = prop::sample::select(vec![
            "a",
            "b",
            "type",
            "m.relates_to",
            "userId",
            "Self",
            "3pid",
            "x-y",
            "in",
        ]);
        prop_oneof![
            (
                prop::collection::vec((name, inner.clone()), 0..4),
                prop::option::of(prop::sample::select(vec!["a", "b", "type", "zzz"])),
                any::<bool>()
            )
                .prop_map(|(props, required, additional)| {
                    let mut entries = vec![("type".to_owned(), scalar("object"))];
                    entries.push((
                        "properties".to_owned(),
                        Yaml::Map(
                            props
                                .into_iter()
                                .map(|(n, s)| (format!("\"{n}\""), s))
                                .collect(),
                        ),
                    ));
                    if let Some(r) = required {
                        entries.push(("required".to_owned(), Yaml::Seq(vec![scalar(r)])));
                    }
                    if additional {
                        entries.push(("additionalProperties".to_owned(), scalar("true")));
                    }
                    Yaml::Map(entries)
                }),
            inner.clone().prop_map(|items| Yaml::Map(vec![
                ("type".to_owned(), scalar("array")),
                ("items".to_owned(), items),
            ])),
            (
                prop::sample::select(vec!["allOf", "oneOf", "anyOf"]),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(key, members)| Yaml::Map(vec![(key.to_owned(), Yaml::Seq(members))])),
            (
                inner.clone(),
                prop::sample::select(vec![
                    "description",
                    "title",
                    "nullable",
                    "x-addedInMatrixVersion"
                ])
            )
                .prop_map(|(base, key)| match base {
                    Yaml::Map(mut entries) => {
                        entries.push((key.to_owned(), scalar("true")));
                        Yaml::Map(entries)
                    }
                    other => other,
                }),
            inner.prop_map(|additional| Yaml::Map(vec![
                ("type".to_owned(), scalar("object")),
                ("additionalProperties".to_owned(), additional),
            ])),
        ]
    })
}

/// A parameter list: usually parameters, sometimes anything.
fn parameters_tree() -> impl Strategy<Value = Yaml> {
    let parameter = (
        prop::sample::select(vec![
            "path", "query", "header", "body", "cookie", "formData",
        ]),
        prop::sample::select(vec!["b", "d", "e", "q", "type", "access_token", "Self"]),
        prop::option::of(schema_tree()),
        prop::sample::select(vec!["string", "integer", "boolean", "array"]),
    )
        .prop_map(|(location, name, schema, ty)| {
            let mut entries = vec![
                ("in".to_owned(), scalar(location)),
                ("name".to_owned(), scalar(name)),
                ("required".to_owned(), scalar("true")),
            ];
            match schema {
                Some(s) => entries.push(("schema".to_owned(), s)),
                None => entries.push(("type".to_owned(), scalar(ty))),
            }
            Yaml::Map(entries)
        });
    prop_oneof![
        4 => prop::collection::vec(parameter, 0..4).prop_map(Yaml::Seq),
        1 => yaml_tree(),
    ]
}

/// A spec-shaped document: a real header and operation skeleton, with random trees where
/// parameters and schemas go.
fn spec_shaped() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["swagger: '2.0'\n", "openapi: 3.1.0\n"]),
        prop::sample::select(vec!["/a", "\"/a/{b}\"", "/c/{d}/{e}"]),
        prop::sample::select(vec!["get", "put", "post"]),
        parameters_tree(),
        schema_tree(),
        schema_tree(),
        schema_tree(),
    )
        .prop_map(|(head, path, method, parameters, schema, body, definition)| {
            let mut doc = format!(
                "{head}info:\n  title: t\n  version: '1'\npaths:\n  {path}:\n    {method}:\n      operationId: op\n      parameters:\n"
            );
            render(&parameters, 8, &mut doc);
            if head.starts_with("openapi") {
                doc.push_str("      requestBody:\n        content:\n          application/json:\n            schema:\n");
                render(&body, 14, &mut doc);
                doc.push_str("      responses:\n        200:\n          description: OK.\n          content:\n            application/json:\n              schema:\n");
                render(&schema, 16, &mut doc);
            } else {
                doc.push_str("      responses:\n        200:\n          description: OK.\n          schema:\n");
                render(&schema, 12, &mut doc);
            }
            doc.push_str("definitions:\n  A:\n");
            render(&definition, 4, &mut doc);
            doc
        })
}

proptest! {
    #![proptest_config(config(160))]

    /// Well-formed YAML shaped like a spec, random where the content goes: reaches the model,
    /// the IR and the emitter.
    #[test]
    fn spec_shaped_documents_never_panic(doc in spec_shaped(), other in schema_tree()) {
        let mut other_text = String::new();
        render(&other, 0, &mut other_text);
        check_outcome(generate_files(&[
            ("api/cs/doc.yaml", doc.as_bytes()),
            ("api/cs/defs/x.yaml", other_text.as_bytes()),
        ]))?;
    }
}

proptest! {
    #![proptest_config(config(192))]

    /// Any YAML-ish API document (and a YAML-ish file it may `$ref`), never a panic.
    #[test]
    fn yaml_ish_documents_never_panic(doc in yaml_ish(), other in yaml_ish()) {
        check_outcome(generate_files(&[
            ("api/cs/doc.yaml", doc.as_bytes()),
            ("api/cs/defs/x.yaml", other.as_bytes()),
        ]))?;
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Any text at all, and any bytes, as an API document.
    #[test]
    fn arbitrary_text_never_panics(doc in "\\PC{0,200}") {
        check_outcome(generate_files(&[("api/cs/doc.yaml", doc.as_bytes())]))?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(doc in prop::collection::vec(any::<u8>(), 0..200)) {
        check_outcome(generate_files(&[("api/cs/doc.yaml", &doc)]))?;
    }

    /// The YAML reader alone, on YAML-ish text.
    #[test]
    fn parse_yaml_never_panics(doc in yaml_ish()) {
        let name: std::sync::Arc<str> = "doc.yaml".into();
        if let Err(d) = parse_yaml(&name, &doc) {
            let place = d.place.expect("a YAML error has a place");
            prop_assert!(place.loc.line >= 1 && place.loc.column >= 1);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// `$ref` strings
// ---------------------------------------------------------------------------------------------

/// File parts and JSON pointers, from pieces that mean something to the resolver.
fn ref_string() -> impl Strategy<Value = String> {
    let segment = prop::sample::select(vec![
        "",
        ".",
        "..",
        "defs",
        "x.yaml",
        "x",
        "nope.yaml",
        "doc.yaml",
        "link",
        "stand-in",
        "~",
        "%2e%2e",
        "C:",
        "\\",
        "file:",
        "http:",
        "a b",
        "$x",
        "...",
    ]);
    let token = prop::sample::select(vec![
        "",
        "definitions",
        "A",
        "a",
        "~0",
        "~1",
        "~2",
        "~",
        "0",
        "1",
        "-",
        "paths",
        "~1a~1{b}",
        "get",
        "schema",
        "properties",
        "%25",
        "\u{e9}",
    ]);
    (
        prop::collection::vec(segment, 0..5),
        prop::option::of(prop::collection::vec(token, 0..5)),
        any::<bool>(),
    )
        .prop_map(|(segments, pointer, absolute)| {
            let mut s = segments.join("/");
            if absolute {
                s.insert(0, '/');
            }
            if let Some(tokens) = pointer {
                s.push('#');
                for t in tokens {
                    s.push('/');
                    s.push_str(t);
                }
            }
            s
        })
}

const REF_TARGET: &str = "definitions:
  A:
    type: object
    properties:
      a:
        type: string
paths:
  /a/{b}:
    get:
      schema:
        type: integer
";

/// A spec using `$ref: <r>` as a response schema, a property, an example and a parameter.
fn doc_with_ref(r: &str) -> String {
    let r = serde_json::to_string(r).expect("a string serializes");
    format!(
        "swagger: '2.0'
info:
  title: t
  version: '1'
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - $ref: {r}
      responses:
        200:
          description: A.
          schema:
            type: object
            properties:
              p:
                $ref: {r}
              q:
                $ref: {r}
                description: With a sibling.
            example:
              p: {{$ref: {r}}}
definitions:
  A:
    type: object
"
    )
}

proptest! {
    #![proptest_config(config(192))]

    /// Whatever a `$ref` says, never a panic, in a tree with a real file, a symlink and a
    /// Git symlink stand-in to follow.
    #[test]
    fn ref_strings_never_panic(r in ref_string()) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let cs = dir.path().join("api/cs");
        std::fs::create_dir_all(cs.join("defs")).expect("folder");
        std::fs::write(cs.join("doc.yaml"), doc_with_ref(&r)).expect("write");
        std::fs::write(cs.join("defs/x.yaml"), REF_TARGET).expect("write");
        std::fs::write(cs.join("defs/x"), REF_TARGET).expect("write");
        std::fs::write(cs.join("stand-in"), "defs").expect("write");
        std::os::unix::fs::symlink("defs", cs.join("link")).expect("link");
        let config = Config::new(dir.path().join("api"));
        let outcome =
            catch_unwind(AssertUnwindSafe(|| config.generate())).map_err(|p| panic_message(&*p));
        check_outcome(outcome)?;

        // The path resolver alone: a success is a file inside the boundary.
        let boundary = std::fs::canonicalize(dir.path()).expect("canonical");
        let file_part = r.split('#').next().unwrap_or("");
        let mut stand_ins = Vec::new();
        let resolved = catch_unwind(AssertUnwindSafe(|| {
            load::resolve_ref_path(&boundary.join("api/cs"), file_part, &boundary, &mut stand_ins)
        }))
        .map_err(|p| TestCaseError::fail(format!("resolve_ref_path panicked: {}", panic_message(&*p))))?;
        if let Ok(path) = resolved {
            prop_assert!(path.starts_with(&boundary) && path.is_file(), "{}", path.display());
        }

        // JSON pointers alone.
        let name: std::sync::Arc<str> = "x.yaml".into();
        let (root, _) = parse_yaml(&name, REF_TARGET).expect("parses");
        let fragment = r.split_once('#').map_or("", |(_, f)| f);
        let _ = root.pointer(fragment);
    }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

fn is_ident(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok()
}

/// Spec-like names: words, separators, digits, acronyms, keywords.
fn spec_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,24}",
        prop::collection::vec(
            prop::sample::select(vec![
                "request",
                "Token",
                "To",
                "3PID",
                "MSISDN",
                "Email",
                "ID",
                "Id",
                "v1",
                "md5",
                "Hash",
                "m",
                ".",
                "_",
                "-",
                " ",
                "$",
                "/",
                "type",
                "self",
                "Self",
                "crate",
                "super",
                "r#",
                "3",
                "pids",
                "HTTPServer",
                "x",
                "async",
                "gen",
                "_1",
                "é",
            ]),
            0..6
        )
        .prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn snake_case_gives_identifiers_and_is_idempotent(s in spec_name()) {
        let snake = snake_case(&s);
        prop_assert!(is_ident(&escape_keyword(snake.clone())), "{s:?} → {snake:?}");
        prop_assert_eq!(snake_case(&snake), snake.clone(), "{:?}", s);
        prop_assert!(!snake.contains(|c: char| c.is_ascii_uppercase()), "{s:?} → {snake:?}");
    }

    #[test]
    fn field_ident_gives_identifiers_and_is_stable(s in spec_name()) {
        let ident = field_ident(&s);
        prop_assert!(is_ident(&ident), "{s:?} → {ident:?}");
        // A field's own (unraw) name maps to itself.
        prop_assert_eq!(field_ident(unraw(&ident)), ident.clone(), "{:?}", s);
    }

    #[test]
    fn upper_camel_gives_identifiers_and_is_idempotent(s in spec_name()) {
        let camel = upper_camel(&s);
        // `Self` is the one keyword UpperCamelCase can spell; the known bug is covered by
        // `upper_camel_never_gives_self` below and `names_that_are_keywords_become_valid_identifiers`.
        prop_assume!(camel != "Self");
        prop_assert!(is_ident(&camel), "{s:?} → {camel:?}");
        // Adjacent capitals read as an acronym the second time (`aA` → `AA` → `Aa`, as
        // `HTTPServer` → `HttpServer`), and digits are re-split (`0[a` → `N0A` → `N0a`):
        // idempotence is expected of plain words, such as a title already in UpperCamelCase.
        let plain_words = camel.chars().all(char::is_alphabetic)
            && !camel
                .as_bytes()
                .windows(2)
                .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase());
        if plain_words {
            prop_assert_eq!(upper_camel(&camel), camel.clone(), "{:?}", s);
        }
        prop_assert!(camel.starts_with(char::is_alphabetic), "{s:?} → {camel:?}");
        prop_assert!(!camel.contains('_'), "{s:?} → {camel:?}");
    }

    #[test]
    fn acronym_aware_snake_case_gives_identifiers(ids in prop::collection::vec(spec_name(), 1..5)) {
        let acronyms = Acronyms::from_identifiers(ids.iter().map(String::as_str));
        for id in &ids {
            let snake = acronyms.snake_case(id);
            prop_assert!(is_ident(&escape_keyword(snake.clone())), "{id:?} → {snake:?}");
        }
    }

    #[test]
    fn unique_names_are_free(base in "[A-Z][a-z]{0,6}", taken in prop::collection::btree_set("[A-Z][a-z]{0,6}[0-9]{0,2}", 0..20)) {
        let name = naming::unique(&base, Some("Prefix"), &|n| taken.contains(n));
        prop_assert!(!taken.contains(&name), "{name}");
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// Names from any text, not only spec-like ASCII.
    #[test]
    fn names_from_any_text_are_identifiers(s in "\\PC{0,12}") {
        prop_assert!(is_ident(&escape_keyword(snake_case(&s))), "{s:?}");
        prop_assert!(is_ident(&field_ident(&s)), "{s:?}");
        prop_assert!(is_ident(&upper_camel(&s)), "{s:?}");
    }
}

#[test]
fn upper_camel_never_gives_self() {
    for s in ["self", "Self", "SELF", "_self_", "self."] {
        let camel = upper_camel(s);
        assert!(is_ident(&camel), "{s:?} → {camel:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Valid small specs: always the same code
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Ty {
    Scalar(&'static str),
    Enum(Vec<&'static str>),
    Array(Box<Ty>),
    Object(Vec<(String, Ty, bool)>),
    Ref(usize),
}

fn property_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_]{0,8}",
        prop::sample::select(vec![
            "type",
            "m.relates_to",
            "user_id",
            "userId",
            "com.example.x",
            "3pid",
            "self",
            "Body",
            "body",
            "ID",
        ])
        .prop_map(str::to_owned),
    ]
}

fn ty(definitions: usize) -> impl Strategy<Value = Ty> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["string", "integer", "number", "boolean"]).prop_map(Ty::Scalar),
        prop::collection::vec(
            prop::sample::select(vec!["m.text", "m.notice", "one", "two", "type", "in"]),
            1..4
        )
        .prop_map(Ty::Enum),
        (0..definitions.max(1)).prop_map(move |i| if definitions == 0 {
            Ty::Scalar("string")
        } else {
            Ty::Ref(i)
        }),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Ty::Array(Box::new(t))),
            prop::collection::vec((property_name(), inner, any::<bool>()), 0..5)
                .prop_map(Ty::Object),
        ]
    })
}

/// YAML for a schema at `indent`.
fn schema_yaml(ty: &Ty, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match ty {
        Ty::Scalar(s) => out.push_str(&format!("{pad}type: {s}\n")),
        Ty::Enum(values) => {
            out.push_str(&format!("{pad}type: string\n{pad}enum:\n"));
            let mut seen = Vec::new();
            for v in values {
                if !seen.contains(v) {
                    seen.push(v);
                    out.push_str(&format!("{pad}  - \"{v}\"\n"));
                }
            }
        }
        Ty::Array(item) => {
            out.push_str(&format!("{pad}type: array\n{pad}items:\n"));
            schema_yaml(item, indent + 2, out);
        }
        Ty::Object(properties) => {
            out.push_str(&format!("{pad}type: object\n"));
            let mut names: Vec<&str> = Vec::new();
            let mut required = Vec::new();
            let mut body = String::new();
            for (name, t, req) in properties {
                if names.contains(&name.as_str()) {
                    continue;
                }
                names.push(name);
                body.push_str(&format!("{pad}  \"{name}\":\n"));
                schema_yaml(t, indent + 4, &mut body);
                if *req {
                    required.push(name);
                }
            }
            if !body.is_empty() {
                out.push_str(&format!("{pad}properties:\n{body}"));
            }
            if !required.is_empty() {
                out.push_str(&format!("{pad}required:\n"));
                for r in required {
                    out.push_str(&format!("{pad}  - \"{r}\"\n"));
                }
            }
        }
        Ty::Ref(i) => out.push_str(&format!("{pad}$ref: \"defs/d{i}.yaml\"\n")),
    }
}

#[derive(Clone, Debug)]
struct Op {
    path: Vec<&'static str>,
    method: &'static str,
    query: Vec<(String, &'static str)>,
    body: Option<Ty>,
    response: Ty,
}

fn small_spec() -> impl Strategy<Value = (Vec<Ty>, Vec<Op>)> {
    // Shared definitions may only refer to earlier ones: no cycles.
    let definitions = (0usize..3).prop_flat_map(|n| (0..n).map(ty).collect::<Vec<_>>());
    definitions.prop_flat_map(|defs| {
        let n = defs.len();
        let op = (
            prop::collection::vec(
                prop::sample::select(vec!["rooms", "{roomId}", "state", "user", "{userId}", "v1"]),
                1..4,
            ),
            prop::sample::select(vec!["get", "put", "post", "delete"]),
            prop::collection::vec(
                (
                    property_name(),
                    prop::sample::select(vec!["string", "integer", "boolean"]),
                ),
                0..3,
            ),
            prop::option::of(ty(n)),
            ty(n),
        )
            .prop_map(|(path, method, query, body, response)| Op {
                path,
                method,
                query,
                body,
                response,
            });
        (Just(defs), prop::collection::vec(op, 1..4))
    })
}

/// The spec's files: `api/cs/doc.yaml` and `api/cs/defs/d<i>.yaml`.
fn spec_files(definitions: &[Ty], ops: &[Op]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for (i, d) in definitions.iter().enumerate() {
        let mut text = format!("title: Definition{i}\n");
        schema_yaml(d, 0, &mut text);
        // Inside `defs/`, a `$ref` is relative to that folder.
        files.push((format!("api/cs/defs/d{i}.yaml"), text.replace("defs/", "")));
    }
    let mut doc = String::from(
        "swagger: '2.0'\ninfo:\n  title: Property test\n  version: 1.0.0\nbasePath: /_matrix/client/v3\npaths:\n",
    );
    let mut seen = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        // Distinct paths: the operation's index is part of it.
        let mut segments = op.path.clone();
        let mut params: Vec<&str> = Vec::new();
        segments.retain(|s| {
            let name = s.trim_matches(['{', '}']);
            if s.starts_with('{') {
                if params.contains(&name) {
                    return false;
                }
                params.push(name);
            }
            true
        });
        let path = format!("/op{i}/{}", segments.join("/"));
        if seen.contains(&path) {
            continue;
        }
        seen.push(path.clone());
        doc.push_str(&format!(
            "  \"{path}\":\n    {}:\n      operationId: operation{i}{}\n",
            op.method, op.method
        ));
        let mut parameters = String::new();
        for p in &params {
            parameters.push_str(&format!(
                "        - in: path\n          name: {p}\n          type: string\n          required: true\n"
            ));
        }
        let mut query_names: Vec<&str> = params.clone();
        for (name, t) in &op.query {
            if query_names.contains(&name.as_str()) {
                continue;
            }
            query_names.push(name);
            parameters.push_str(&format!(
                "        - in: query\n          name: \"{name}\"\n          type: {t}\n"
            ));
        }
        if let Some(body) = &op.body {
            parameters.push_str("        - in: body\n          name: body\n          schema:\n");
            schema_yaml(body, 12, &mut parameters);
        }
        if !parameters.is_empty() {
            doc.push_str("      parameters:\n");
            doc.push_str(&parameters);
        }
        doc.push_str(
            "      responses:\n        200:\n          description: OK.\n          schema:\n",
        );
        schema_yaml(&op.response, 12, &mut doc);
    }
    files.push(("api/cs/doc.yaml".to_owned(), doc));
    files
}

fn generate_spec(root: &Path, files: &[(String, String)]) -> Result<Generated, String> {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(&path, text).expect("write");
    }
    let config = Config::new(root.join("api"));
    catch_unwind(AssertUnwindSafe(|| config.generate()))
        .map_err(|p| format!("panicked: {}", panic_message(&*p)))?
        .map_err(|e| format!("{e}"))
}

proptest! {
    #![proptest_config(config(48))]

    /// A random valid spec generates, the code parses, and a second run (from a copy written
    /// in the opposite order) gives the same bytes.
    #[test]
    fn a_valid_spec_always_generates_the_same_code((definitions, ops) in small_spec()) {
        let files = spec_files(&definitions, &ops);
        let first_dir = tempfile::tempdir().expect("temporary folder");
        let first = generate_spec(first_dir.path(), &files).map_err(TestCaseError::fail)?;
        syn::parse_file(&first.code)
            .map_err(|e| TestCaseError::fail(format!("does not parse: {e}\n{}", first.code)))?;
        let mut reversed = files.clone();
        reversed.reverse();
        let second_dir = tempfile::tempdir().expect("temporary folder");
        let second = generate_spec(second_dir.path(), &reversed).map_err(TestCaseError::fail)?;
        prop_assert!(first.code == second.code, "two runs differ");
    }
}
