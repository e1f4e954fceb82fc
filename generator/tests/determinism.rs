//! Output is byte-identical whatever order the file system lists files in.

use std::path::Path;

/// Copies a tree, creating entries in reverse name order (so directory listings differ).
fn copy_reversed(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .expect("list")
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.file_name()));
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_reversed(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn generation_does_not_depend_on_listing_order_or_runs() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs = project.join("api-specs");
    let first = matrix_codegen::Config::new(&specs)
        .generate()
        .expect("generates")
        .code;
    let second = matrix_codegen::Config::new(&specs)
        .generate()
        .expect("generates")
        .code;
    assert_eq!(first, second);

    let dir = tempfile::tempdir().expect("temporary folder");
    let copy = dir.path().join("api-specs");
    copy_reversed(&specs, &copy);
    let reversed = matrix_codegen::Config::new(&copy)
        .generate()
        .expect("generates")
        .code;
    assert_eq!(first, reversed);
}

#[test]
fn whole_corpus_generation_is_deterministic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/matrix-spec-d0ba2aa/data/api");
    let first = matrix_codegen::Config::new(&corpus)
        .generate()
        .expect("generates")
        .code;
    let second = matrix_codegen::Config::new(&corpus)
        .generate()
        .expect("generates")
        .code;
    assert!(first == second, "two runs differ");
}
