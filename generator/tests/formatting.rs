//! Unformatted output (what `Config::compile` writes by default) holds the same code as the
//! formatted output of `Config::generate`: parsed and printed by prettyplease, the two are
//! the same file. And both are deterministic.

use std::path::{Path, PathBuf};

use matrix_codegen::{Config, Gate};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What `generated/build.rs` passes (client and server code included).
fn config(api_root: &Path) -> Config {
    let mut config = Config::new(api_root);
    config
        .runtime_path("crate::runtime")
        .server(Gate::Feature("server".into()));
    config
}

fn twenty_operations() -> Vec<String> {
    let list = project().join("generator/tests/fixtures/twenty-operations.txt");
    std::fs::read_to_string(list)
        .expect("the operation list")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// `unformatted` parsed and pretty-printed is `formatted`, header and all.
fn assert_same_code(formatted: &str, unformatted: &str) {
    let header = matrix_codegen::emit::HEADER;
    assert!(formatted.starts_with(header) && unformatted.starts_with(header));
    assert_ne!(
        formatted, unformatted,
        "the unformatted output is formatted"
    );
    let file = syn::parse_file(unformatted).expect("the unformatted output parses");
    let reformatted = format!("{header}\n{}", prettyplease::unparse(&file));
    if reformatted != formatted {
        let line = reformatted
            .lines()
            .zip(formatted.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "the outputs differ from line {}: {:?} vs {:?}",
            line + 1,
            reformatted.lines().nth(line),
            formatted.lines().nth(line)
        );
    }
}

fn both(config: &mut Config) -> (String, String) {
    let formatted = config.generate().expect("generates").code;
    let unformatted = config.formatted(false).generate().expect("generates").code;
    assert_eq!(
        unformatted,
        config.generate().expect("generates again").code,
        "two unformatted runs differ"
    );
    (formatted, unformatted)
}

#[test]
fn compile_writes_the_code_generate_formats() {
    let specs = project().join("api-specs");
    let (formatted, unformatted) = both(&mut config(&specs));
    assert_same_code(&formatted, &unformatted);
    // Lines, not one line of the whole file.
    assert!(unformatted.lines().count() > 100);

    // `compile` itself, into an OUT_DIR of its own. The only test of this binary that touches
    // the environment.
    let dir = tempfile::tempdir().expect("temporary folder");
    // SAFETY: no other thread of this test binary reads or writes the environment.
    unsafe { std::env::set_var("OUT_DIR", dir.path()) };
    let written = config(&specs).compile("out.rs").expect("compiles");
    assert_eq!(
        std::fs::read_to_string(&written).expect("written"),
        unformatted,
        "compile does not write unformatted code by default"
    );
    let written = config(&specs)
        .formatted(true)
        .compile("formatted.rs")
        .expect("compiles");
    assert_eq!(
        std::fs::read_to_string(&written).expect("written"),
        formatted
    );
}

#[test]
fn a_corpus_selection_is_the_same_code_unformatted() {
    let corpus = project().join("../shared/corpus/matrix-spec-d0ba2aa/data/api");
    if !corpus.is_dir() {
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let mut config = config(&corpus);
    config
        .apis(["client-server"])
        .operations(twenty_operations());
    let (formatted, unformatted) = both(&mut config);
    assert_same_code(&formatted, &unformatted);
    let generated = config.generate().expect("generates");
    let operations: usize = generated
        .ir
        .modules
        .iter()
        .map(|m| m.operations.len())
        .sum();
    assert_eq!(
        operations,
        twenty_operations().len(),
        "the selection is not what was asked"
    );
    assert!(
        !generated
            .warnings
            .iter()
            .any(|w| w.message.contains("the selection names")),
        "an operation of the list is missing: {:?}",
        generated.warnings
    );
}
