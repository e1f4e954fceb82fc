//! Lists every example of the spec `matrix-api` is built from, with the generated type it
//! must round-trip through, as a table the `examples` test includes.

use std::fmt::Write as _;
use std::path::PathBuf;

use matrix_codegen::Config;

/// One of `Config`'s selectors.
type Selector = fn(&mut Config, Vec<String>) -> &mut Config;

fn main() {
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS");
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS_ROOT");
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS_APIS");
    println!("cargo::rustc-check-cfg=cfg(default_specs)");
    let api_root = match std::env::var_os("MATRIX_API_SPECS") {
        Some(path) => PathBuf::from(path),
        None => {
            // The tiny homeserver and the HTTP tests are written against `api-specs/`.
            println!("cargo::rustc-cfg=default_specs");
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-specs")
        }
    };
    println!(
        "cargo:rustc-env=MATRIX_API_SPEC_NAME={}",
        spec_name(&api_root)
    );
    // The same selection `matrix-api`'s build script makes, so that the table names only
    // types that crate has.
    let mut config = matrix_codegen::Config::new(&api_root);
    // The examples are checked against their schemas.
    config.example_schemas(true);
    if let Some(root) = std::env::var_os("MATRIX_API_SPECS_ROOT") {
        config.boundary(root);
    }
    // A comma-separated subset of the APIs, e.g. `client-server,identity`.
    if let Ok(apis) = std::env::var("MATRIX_API_SPECS_APIS") {
        config.apis(apis.split(',').map(str::trim).filter(|a| !a.is_empty()));
    }
    // And of the operations (matrix-api's build script reads the same variables).
    for (name, select) in [
        (
            "MATRIX_API_OPERATIONS",
            Config::operations::<Vec<String>, String> as Selector,
        ),
        ("MATRIX_API_TAGS", Config::tags::<Vec<String>, String>),
        (
            "MATRIX_API_PATH_PREFIXES",
            Config::path_prefixes::<Vec<String>, String>,
        ),
    ] {
        println!("cargo:rerun-if-env-changed={name}");
        if let Ok(list) = std::env::var(name) {
            let list = list.split(',').map(str::trim).filter(|s| !s.is_empty());
            select(&mut config, list.map(str::to_owned).collect());
        }
    }
    let generated = match config.generate() {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{}", error.render(false));
            std::process::exit(1);
        }
    };
    for path in generated.files_read.iter().chain(&generated.api_dirs) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    write_examples_table(&generated.ir);
    write_event_examples_table(generated.events.as_ref());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(&out_dir.join("routes.rs"), &route_table(&generated.ir));

    // The generator's snapshot fixtures, generated again here so that every snapshot kept is
    // also compiled (and linted) as a consumer would compile it; with them the lenient
    // fixtures (released specs' defects, repaired with warnings: the repaired code must build
    // with warnings denied) and two releases of one spec (`evolve_v1`, `evolve_v2`).
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../generator/tests/fixtures");
    let mut modules = String::new();
    for name in [
        "refs",
        "merge",
        "naming",
        "lenient",
        "styles",
        "federation",
        "evolve_v1",
        "evolve_v2",
        "events_beside_api",
    ] {
        let generated =
            match matrix_codegen::Config::new(fixtures.join(name).join("api")).generate() {
                Ok(generated) => generated,
                Err(error) => {
                    eprintln!("fixture {name}: {}", error.render(false));
                    std::process::exit(1);
                }
            };
        for path in &generated.files_read {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        let file = format!("fixture_{name}.rs");
        write(&out_dir.join(&file), &generated.code);
        let _ = writeln!(
            modules,
            "pub mod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{file}\")); }}"
        );
    }
    // The real operations pinned by the generator's `real_spec` snapshots, from each corpus
    // present beside the project, compiled as well.
    let list = fixtures.join("real-spec-operations.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    let operations: Vec<String> = std::fs::read_to_string(&list)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    for (name, root) in [
        ("real_matrix_spec", "matrix-spec-d0ba2aa/data/api"),
        ("real_matrix_doc", "matrix-doc-3148184/api"),
    ] {
        let root = corpus.join(root);
        if !root.is_dir() {
            continue;
        }
        let generated = match matrix_codegen::Config::new(&root)
            .apis(["client-server"])
            // The operations are what these modules pin; the events have their own test.
            .events(matrix_codegen::Gate::Off)
            .operations(operations.iter().cloned())
            .generate()
        {
            Ok(generated) => generated,
            Err(error) => {
                eprintln!("{name}: {}", error.render(false));
                std::process::exit(1);
            }
        };
        for path in &generated.files_read {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        let file = format!("{name}.rs");
        write(&out_dir.join(&file), &generated.code);
        let _ = writeln!(
            modules,
            "pub mod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{file}\")); }}"
        );
    }
    write(&out_dir.join("fixtures.rs"), &modules);
}

/// `examples.rs`: `EXAMPLES`, every example with the type it must round-trip through, its
/// status and the index of its schema in `SCHEMAS` (the schemas as JSON text, each once).
fn write_examples_table(ir: &matrix_codegen::ir::Ir) {
    let mut schemas: Vec<String> = Vec::new();
    let mut table = String::from("pub const EXAMPLES: &[Example] = &[\n");
    for example in &ir.examples {
        let schema = example.schema.as_ref().map(|schema| {
            let text = schema.to_string();
            match schemas.iter().position(|s| *s == text) {
                Some(index) => index,
                None => {
                    schemas.push(text);
                    schemas.len() - 1
                }
            }
        });
        let round_trip = match example.type_path.as_str() {
            matrix_codegen::ir::ERROR_TYPE_PATH => "round_trip_error".to_owned(),
            matrix_codegen::ir::JSON_TYPE_PATH => "round_trip::<serde_json::Value>".to_owned(),
            path => format!("round_trip::<matrix_api::{path}>"),
        };
        let _ = writeln!(
            table,
            "    Example {{ api: {:?}, type_path: {:?}, place: {:?}, status: {:?}, schema: {:?}, json: {:?}, round_trip: {round_trip} }},",
            example.api,
            example.type_path,
            example.place.to_string(),
            example.status,
            schema,
            example.value.to_string(),
        );
    }
    table.push_str("];\n\npub const SCHEMAS: &[&str] = &[\n");
    for schema in &schemas {
        let _ = writeln!(table, "    {schema:?},");
    }
    table.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(&out_dir.join("examples.rs"), &table);
}

/// `event_examples.rs`: `EVENT_EXAMPLES`, every example of the event schemas with the kind
/// enum it must parse into (its schema's kind) and the index of its schema in
/// `EVENT_SCHEMAS`; and `impl KnownEvent` for every kind enum.
fn write_event_examples_table(events: Option<&matrix_codegen::events::EventsIr>) {
    let mut table = String::new();
    let mut schemas: Vec<String> = Vec::new();
    let mut rows = String::new();
    for kind in events.iter().flat_map(|e| &e.kinds) {
        let _ = writeln!(
            table,
            "impl KnownEvent for matrix_api::events::{0} {{ fn is_unknown(&self) -> bool {{ matrix_api::events::{0}::is_unknown(self) }} }}",
            kind.enum_name
        );
    }
    for example in events.iter().flat_map(|e| &e.examples) {
        let (kind, schema) = match &example.schema {
            Some((kind, schema)) => {
                let text = schema.to_string();
                let index = schemas.iter().position(|s| *s == text).unwrap_or_else(|| {
                    schemas.push(text);
                    schemas.len() - 1
                });
                let kind = events
                    .map(|e| e.kinds[*kind].enum_name.as_str())
                    .unwrap_or_default();
                (
                    format!("Some(({kind:?}, round_trip::<matrix_api::events::{kind}>))"),
                    Some(index),
                )
            }
            None => ("None".to_owned(), None),
        };
        let _ = writeln!(
            rows,
            "    EventExample {{ place: {:?}, schema: {:?}, json: {:?}, kind: {kind} }},",
            example.place.to_string(),
            schema,
            example.value.to_string(),
        );
    }
    let _ = write!(
        table,
        "pub const EVENT_EXAMPLES: &[EventExample] = &[\n{rows}];\n\npub const EVENT_SCHEMAS: &[&str] = &[\n"
    );
    for schema in &schemas {
        let _ = writeln!(table, "    {schema:?},");
    }
    table.push_str("];\n");
    table.push_str("\n/// Every kind enum, for examples that are lists of events named for no schema.\npub const KINDS: &[(&str, Check)] = &[\n");
    for kind in events.iter().flat_map(|e| &e.kinds) {
        let _ = writeln!(
            table,
            "    ({0:?}, round_trip::<matrix_api::events::{0}>),",
            kind.enum_name
        );
    }
    table.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(&out_dir.join("event_examples.rs"), &table);
}

/// Every operation's method and path template, with a router per API serving the trait's
/// defaults (`Unimplemented`), for the `hostile` test.
fn route_table(ir: &matrix_codegen::ir::Ir) -> String {
    let mut code = String::from(
        "/// An API's operations answer through the trait's defaults.\npub struct Unimplemented;\n\n",
    );
    let mut routers = String::new();
    let mut routes = String::from("pub const ROUTES: &[(&str, &str, &str)] = &[\n");
    for module in ir.modules.iter().filter(|m| !m.operations.is_empty()) {
        let api = &module.ident;
        let _ = writeln!(
            code,
            "impl matrix_api::{api}::server::Api for Unimplemented {{}}"
        );
        let _ = writeln!(
            routers,
            "        ({api:?}, matrix_api::{api}::server::router_with(Unimplemented, options)),"
        );
        for op in &module.operations {
            let _ = writeln!(
                routes,
                "    ({api:?}, {:?}, {:?}),",
                op.method.as_str(),
                op.path
            );
        }
    }
    routes.push_str("];\n");
    let _ = write!(
        code,
        "\n/// (API module, method, path template) of every operation.\n{routes}\n\
         /// One router per API module.\n\
         pub fn routers(options: matrix_api::runtime::server::ServerOptions) -> Vec<(&'static str, axum::Router)> {{\n    vec![\n{routers}    ]\n}}\n"
    );
    code
}

/// A short name for the spec: `matrix-doc-3148184` for `.../matrix-doc-3148184/api`,
/// `matrix-spec-d0ba2aa` for `.../matrix-spec-d0ba2aa/data/api`, else the folder's name.
fn spec_name(api_root: &std::path::Path) -> String {
    let path = std::fs::canonicalize(api_root).unwrap_or_else(|_| api_root.to_path_buf());
    let names: Vec<String> = path
        .components()
        .rev()
        .take(3)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match names.as_slice() {
        [api, data, repo, ..] if api == "api" && data == "data" => repo.clone(),
        [api, repo, ..] if api == "api" => repo.clone(),
        [folder, ..] => folder.clone(),
        [] => String::from("spec"),
    }
}

fn write(path: &std::path::Path, content: &str) {
    if let Err(error) = matrix_codegen::write_if_changed(path, content) {
        eprintln!("cannot write {}: {error}", path.display());
        std::process::exit(1);
    }
}
