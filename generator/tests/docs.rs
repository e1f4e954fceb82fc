//! The docs of the generated code for both real spec corpora: every link leads somewhere
//! absolute (no site-relative, page-relative or in-page link survives), and every operation
//! links to its section of the spec. Text only; rustdoc itself is run by `tests/corpus.rs`.

use std::path::{Path, PathBuf};

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(path)
}

/// The text of every doc comment of `code` (prettyplease prints `#[doc]` as `///`).
fn doc_lines(code: &str) -> Vec<&str> {
    code.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            l.strip_prefix("///").or_else(|| l.strip_prefix("//!"))
        })
        .collect()
}

/// The line without its code spans (`` `<a>` `` is no autolink).
fn without_code(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// Every Markdown link target (`[text](target)`) and autolink (`<target>`) of a doc line.
fn link_targets(line: &str) -> Vec<String> {
    let line = without_code(line);
    let mut targets = Vec::new();
    let mut rest = line.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after.find(')').unwrap_or(after.len());
        targets.push(
            after[..end]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned(),
        );
        rest = &after[end..];
    }
    let mut rest = line.as_str();
    while let Some(at) = rest.find('<') {
        let after = &rest[at + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let inner = &after[..end];
        if !inner.is_empty() && !inner.contains(char::is_whitespace) {
            targets.push(inner.to_owned());
        }
        rest = &after[end..];
    }
    targets
}

fn check_corpus(api_root: &Path) {
    if !api_root.is_dir() {
        eprintln!("skipped: no corpus at {}", api_root.display());
        return;
    }
    let generated = matrix_codegen::Config::new(api_root)
        .generate()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let docs = doc_lines(&generated.code);
    let mut bad = Vec::new();
    for line in &docs {
        for form in ["](/", "](#", "<../", "](../", "](./"] {
            if line.contains(form) {
                bad.push(format!("`{form}` in: {line}"));
            }
        }
        for target in link_targets(line) {
            let absolute = ["https://", "http://", "mailto:"]
                .iter()
                .any(|scheme| target.starts_with(scheme));
            if !absolute {
                bad.push(format!("relative target `{target}` in: {line}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{}: {} bad links:\n{}",
        api_root.display(),
        bad.len(),
        bad.join("\n")
    );

    // Each operation's module doc names its method, path and operationId, then its section.
    let operations: Vec<_> = generated
        .ir
        .modules
        .iter()
        .flat_map(|m| &m.operations)
        .collect();
    assert!(operations.len() > 100, "{} operations", operations.len());
    for op in &operations {
        let head = format!("`{} {}` (`{}`", op.method, op.path, op.operation_id);
        let line = docs
            .iter()
            .find(|l| l.contains(&head))
            .unwrap_or_else(|| panic!("no module doc for {head}"));
        assert!(
            line.contains("; [spec](https://spec.matrix.org/latest/"),
            "no [spec] link: {line}"
        );
    }
}

#[test]
fn matrix_spec_docs_link_only_to_absolute_targets() {
    check_corpus(&corpus("matrix-spec-d0ba2aa/data/api"));
}

#[test]
fn matrix_doc_docs_link_only_to_absolute_targets() {
    check_corpus(&corpus("matrix-doc-3148184/api"));
}

#[test]
fn version_notes_and_deprecations_reach_fields_and_types() {
    let api_root = corpus("matrix-spec-d0ba2aa/data/api");
    if !api_root.is_dir() {
        eprintln!("skipped: no corpus at {}", api_root.display());
        return;
    }
    let generated = matrix_codegen::Config::new(&api_root)
        .apis(["client-server"])
        .generate()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let code = &generated.code;
    // `submit_url` of request_token_response.yaml: `x-changedInMatrixVersion` on a property.
    assert!(
        code.contains("/// Changed in Matrix `1.18`: The URL has the same request and response"),
        "no changed-in note on `submit_url`"
    );
    // `receiptType` of receipts.yaml: `x-changedInMatrixVersion` on a path parameter.
    assert!(
        code.contains("/// Changed in Matrix `1.4`: Allow `m.read.private` receipts"),
        "no changed-in note on `receiptType`"
    );
    // login.yaml deprecates properties of the login request: users are warned, the generated
    // code, which reads every field, is not.
    assert!(code.contains("#[deprecated(note = \"deprecated by the Matrix spec\")]"));
    assert!(code.contains(
        "#[allow(deprecated)]\n#[allow(clippy::question_mark)]\npub mod client_server {"
    ));
    // Deprecated operations say so.
    assert!(code.contains("/// **Deprecated** by the Matrix spec."));
}

#[test]
fn spec_version_chooses_the_sites_version() {
    let api_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
    let generated = matrix_codegen::Config::new(&api_root)
        .spec_version("v1.11")
        .generate()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert!(generated.code.contains(
        "[spec](https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3account3pidemailrequesttoken)"
    ));
    assert!(!generated.code.contains("spec.matrix.org/latest/"));
}
