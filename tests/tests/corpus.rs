//! The real Matrix spec, both formats, builds into `matrix-api` with no warning from rustc or
//! clippy. Slow (a full build per corpus), so each corpus is one test.

mod support;

use support::{cargo, corpus, run};

/// The corpus builds share one target folder (the dependencies are built once), so they take
/// turns.
static TARGET_FOLDER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `cargo clippy -p matrix-api -- -D warnings` with the crate generated from `api_root`.
fn clippy_clean(api_root: &std::path::Path, apis: Option<&str>) {
    let _turn = TARGET_FOLDER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    assert!(api_root.is_dir(), "missing corpus {}", api_root.display());
    let mut command = cargo(
        "corpus-check",
        &["clippy", "-p", "matrix-api", "--", "-D", "warnings"],
    );
    command.env("MATRIX_API_SPECS", api_root);
    if let Some(apis) = apis {
        command.env("MATRIX_API_SPECS_APIS", apis);
    }
    run(command);
}

#[test]
fn seed_corpus_client_server_and_identity_compile_clean() {
    clippy_clean(
        &corpus("matrix-doc-3148184/api"),
        Some("client-server,identity"),
    );
}

#[test]
fn seed_corpus_whole_compiles_clean() {
    clippy_clean(&corpus("matrix-doc-3148184/api"), None);
}

#[test]
fn current_corpus_whole_compiles_clean() {
    clippy_clean(&corpus("matrix-spec-d0ba2aa/data/api"), None);
}

#[test]
fn operation_counts_match_the_spec() {
    // Each corpus defines two routes twice (`GET /events`, `POST /rooms/{roomId}/invite`); the
    // model keeps all four operations.
    for (root, expected) in [
        ("matrix-doc-3148184/api", 172),
        ("matrix-spec-d0ba2aa/data/api", 235),
    ] {
        let generated = matrix_codegen::Config::new(corpus(root))
            .generate()
            .expect("generates");
        let count: usize = generated
            .ir
            .modules
            .iter()
            .map(|m| m.operations.len())
            .sum();
        assert_eq!(count, expected, "{root}");
        assert_eq!(generated.ir.modules.len(), 5, "{root}: five APIs");
    }
}
