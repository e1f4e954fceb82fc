//! Generation speed, per stage and end to end, on three inputs: the project's `api-specs/` and
//! both real Matrix spec corpora in `../shared/corpus` (every API of each).
//!
//! ```sh
//! cargo bench -p matrix-codegen                  # everything (a couple of minutes on 2 cores)
//! cargo bench -p matrix-codegen -- matrix_spec   # one input
//! cargo bench -p matrix-codegen -- stage::emit   # one stage (and emit_unformatted)
//! ```
//!
//! Each stage is timed on its own: its input is produced once, outside the timed region (or,
//! for `resolve`, which consumes the loaded sources, once per iteration by `with_inputs`,
//! also untimed). The options are those `generated/build.rs` uses, so `emit` includes the
//! client and server code; `emit` and `end_to_end` format (`prettyplease`), `emit_unformatted`
//! and `end_to_end_unformatted` do not, as `Config::compile` by default. A corpus that is not present is skipped.

use std::path::{Path, PathBuf};

use divan::Bencher;
use matrix_codegen::{Config, Gate, emit, events, ir, load, model, resolve};

fn main() {
    divan::main();
}

/// Inputs by name; the name is what divan prints and what a filter matches.
const INPUTS: &[(&str, &str)] = &[
    ("api_specs", "../api-specs"),
    ("matrix_doc", "../../shared/corpus/matrix-doc-3148184/api"),
    (
        "matrix_spec",
        "../../shared/corpus/matrix-spec-d0ba2aa/data/api",
    ),
];

fn api_root(name: &str) -> PathBuf {
    let (_, relative) = INPUTS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("an input of INPUTS");
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The inputs present on this machine (the corpora live outside the repository).
fn inputs() -> impl Iterator<Item = &'static str> {
    INPUTS.iter().map(|(name, _)| *name).filter(|name| {
        let present = api_root(name).is_dir();
        if !present {
            eprintln!("skipping {name}: {} not found", api_root(name).display());
        }
        present
    })
}

fn load_options(name: &str) -> load::LoadOptions {
    load::LoadOptions {
        api_root: api_root(name),
        boundary: None,
        apis: Vec::new(),
    }
}

/// What `generated/build.rs` passes.
fn emit_options() -> emit::EmitOptions {
    emit::EmitOptions {
        runtime_path: "crate::runtime".into(),
        server: Gate::Feature("server".into()),
        ..emit::EmitOptions::default()
    }
}

fn config(name: &str) -> Config {
    let mut config = Config::new(api_root(name));
    config
        .runtime_path("crate::runtime")
        .server(Gate::Feature("server".into()));
    config
}

fn loaded(name: &str) -> load::SourceSet {
    load::load(&load_options(name)).unwrap_or_else(|e| panic!("load {name}: {}", e.render(false)))
}

fn resolved(name: &str) -> resolve::ResolvedSpec {
    resolve::resolve(loaded(name)).unwrap_or_else(|e| panic!("resolve {name}: {}", e.render(false)))
}

fn modelled(name: &str) -> model::Spec {
    model::build(&resolved(name)).unwrap_or_else(|e| panic!("model {name}: {}", e.render(false)))
}

fn lowered(name: &str) -> ir::Ir {
    ir::build(&modelled(name)).unwrap_or_else(|e| panic!("ir {name}: {}", e.render(false)))
}

/// The whole pipeline with formatted output (`Config::generate`, as the CLI runs it, without
/// writing).
#[divan::bench(args = inputs(), sample_count = 10, sample_size = 1)]
fn end_to_end(bencher: Bencher, name: &str) {
    let config = config(name);
    bencher.bench_local(|| config.generate().expect("generates"));
}

/// The whole pipeline as a build script runs it: unformatted (`Config::compile`'s default),
/// from reading the files to the written file (in a temporary folder; written every
/// iteration, since a file already holding the code is left alone).
#[divan::bench(args = inputs(), sample_count = 10, sample_size = 1)]
fn end_to_end_unformatted(bencher: Bencher, name: &str) {
    let mut config = config(name);
    config.formatted(false);
    let dir = std::env::temp_dir().join(format!("matrix-codegen-bench-{}", std::process::id()));
    let out = dir.join("matrix_api.rs");
    bencher.bench_local(|| {
        let _ = std::fs::remove_file(&out);
        config.write_to(&out).expect("generates")
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[divan::bench_group(sample_count = 10, sample_size = 1)]
mod stage {
    use super::*;

    /// Reading and parsing every YAML/JSON file (with positions), following `$ref`s: the
    /// files the end-to-end run reads, the event schemas beside the API included.
    #[divan::bench(args = inputs())]
    fn load(bencher: Bencher, name: &str) {
        let options = load_options(name);
        let event_sets = events::discover(&api_root(name))
            .map(|dir| events::document_sets(&dir, true))
            .unwrap_or_default();
        bencher.bench_local(|| load::load_with_documents(&options, &event_sets).expect("loads"));
    }

    /// `$ref` and `allOf` resolution; the loaded sources are rebuilt, untimed, per iteration.
    #[divan::bench(args = inputs())]
    fn resolve(bencher: Bencher, name: &str) {
        bencher
            .with_inputs(|| loaded(name))
            .bench_local_values(|sources| resolve::resolve(sources).expect("resolves"));
    }

    /// Swagger 2.0 / OpenAPI 3.x to the normalized model.
    #[divan::bench(args = inputs())]
    fn model(bencher: Bencher, name: &str) {
        let resolved = resolved(name);
        bencher.bench_local(|| model::build(&resolved).expect("models"));
    }

    /// Rust names and types.
    #[divan::bench(args = inputs())]
    fn ir(bencher: Bencher, name: &str) {
        let spec = modelled(name);
        bencher.bench_local(|| ir::build(&spec).expect("lowers"));
    }

    /// Templates → text → `syn::File` → `prettyplease`, with client and server code.
    #[divan::bench(args = inputs())]
    fn emit(bencher: Bencher, name: &str) {
        let ir = lowered(name);
        let options = emit_options();
        bencher.bench_local(|| emit::emit(&ir, &options).expect("emits"));
    }

    /// Templates → text, no `syn` and no `prettyplease` (what `Config::compile`
    /// writes by default).
    #[divan::bench(args = inputs())]
    fn emit_unformatted(bencher: Bencher, name: &str) {
        let ir = lowered(name);
        let options = emit::EmitOptions {
            formatted: false,
            ..emit_options()
        };
        bencher.bench_local(|| emit::emit(&ir, &options).expect("emits"));
    }
}
