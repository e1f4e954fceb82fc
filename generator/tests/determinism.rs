//! Output is byte-identical whatever order the file system lists files in, formatted or not.

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

fn generate(api_root: &Path, formatted: bool) -> String {
    matrix_codegen::Config::new(api_root)
        .formatted(formatted)
        .generate()
        .expect("generates")
        .code
}

#[test]
fn generation_does_not_depend_on_listing_order_or_runs() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs = project.join("api-specs");
    let dir = tempfile::tempdir().expect("temporary folder");
    let copy = dir.path().join("api-specs");
    copy_reversed(&specs, &copy);
    for formatted in [true, false] {
        let first = generate(&specs, formatted);
        let second = generate(&specs, formatted);
        assert_eq!(first, second, "formatted: {formatted}");
        let reversed = generate(&copy, formatted);
        assert_eq!(first, reversed, "formatted: {formatted}");
    }
}

#[test]
fn whole_corpus_generation_is_deterministic() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/matrix-spec-d0ba2aa/data/api");
    for formatted in [true, false] {
        let first = generate(&corpus, formatted);
        let second = generate(&corpus, formatted);
        assert!(first == second, "two runs differ (formatted: {formatted})");
    }
}
