//! No `unwrap()`, `expect()` or panic is reachable from request or response data: the
//! generated code and the hand-written runtime contain none outside their tests.

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    ".unwrap()",
    ".expect(",
    "panic!",
    "unreachable!",
    "todo!",
    "unimplemented!",
];

fn offending_lines(text: &str) -> Vec<String> {
    // Stop at the unit tests, which may unwrap freely.
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    code.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| FORBIDDEN.iter().any(|f| line.contains(f)))
        .map(|(i, line)| format!("{}: {}", i + 1, line.trim()))
        .collect()
}

#[test]
fn generated_code_cannot_panic_on_input() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut config = matrix_codegen::Config::new(root.join("api-specs"));
    config.server(matrix_codegen::Gate::Always);
    let code = config.generate().expect("generates").code;
    let bad = offending_lines(&code);
    assert!(bad.is_empty(), "generated code:\n{}", bad.join("\n"));
}

#[test]
fn runtime_cannot_panic_on_input() {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/runtime/src");
    let mut files: Vec<_> = std::fs::read_dir(&runtime)
        .expect("runtime folder")
        .filter_map(Result::ok)
        .collect();
    files.sort_by_key(|e| e.file_name());
    assert!(files.len() >= 4, "the runtime's files are missing");
    for file in files {
        let text = std::fs::read_to_string(file.path()).expect("read");
        let bad = offending_lines(&text);
        assert!(
            bad.is_empty(),
            "{}:\n{}",
            file.path().display(),
            bad.join("\n")
        );
    }
}
