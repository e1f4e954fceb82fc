//! Golden snapshots of real operations of both corpora (the list is
//! `fixtures/real-spec-operations.txt`), so that a duplicated type or a numbered name shows
//! in review. The tests crate compiles the same selection (`tests/build.rs`).

use std::path::PathBuf;

use matrix_codegen::Config;

fn operations() -> Vec<String> {
    let list =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-spec-operations.txt");
    std::fs::read_to_string(&list)
        .unwrap_or_else(|e| panic!("{}: {e}", list.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The selection's code, or `None` (and a note) where the corpus is absent.
fn selection(corpus: &str) -> Option<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(corpus);
    if !root.is_dir() {
        eprintln!("skipped: {} is absent", root.display());
        return None;
    }
    let generated = Config::new(root)
        .apis(["client-server"])
        // The pin is of operations (the events module has its own tests).
        .events(matrix_codegen::Gate::Off)
        .operations(operations())
        .generate()
        .unwrap_or_else(|e| panic!("{corpus}: {}", e.render(false)));
    // Every listed operation is there: none silently missing from the pin.
    assert!(
        generated
            .warnings
            .iter()
            .all(|w| !w.message.contains("selection")),
        "{corpus}: {:?}",
        generated.warnings
    );
    let module = &generated.ir.modules[0];
    assert_eq!(module.operations.len(), operations().len(), "{corpus}");
    Some(generated.code)
}

#[test]
fn real_operations_of_today_spec() {
    if let Some(code) = selection("matrix-spec-d0ba2aa/data/api") {
        insta::assert_snapshot!("real_spec_matrix_spec", code);
    }
}

#[test]
fn real_operations_of_the_seed_spec() {
    if let Some(code) = selection("matrix-doc-3148184/api") {
        insta::assert_snapshot!("real_spec_matrix_doc", code);
    }
}

#[test]
fn a_selection_keeps_only_what_its_operations_reach() {
    let Some(code) = selection("matrix-spec-d0ba2aa/data/api") else {
        return;
    };
    // A type only other operations use (the key backup's) is not generated.
    assert!(
        !code.contains("pub struct KeyBackupData"),
        "unreached types are generated"
    );
    assert!(code.contains("pub mod sync {"));
}
