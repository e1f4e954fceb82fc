//! The `matrix-codegen` command line, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_matrix-codegen"))
}

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn seed_corpus() -> PathBuf {
    project().join("../shared/corpus/matrix-doc-3148184/api")
}

fn current_corpus() -> PathBuf {
    project().join("../shared/corpus/matrix-spec-d0ba2aa/data/api")
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the binary runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn generate_writes_what_the_library_generates() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("api.rs");
    let specs = project().join("api-specs");
    run(bin()
        .args(["generate", "--spec"])
        .arg(&specs)
        .arg("--out")
        .arg(&out));
    let written = std::fs::read_to_string(&out).expect("written");
    let generated = matrix_codegen::Config::new(&specs)
        .generate()
        .expect("generates");
    assert_eq!(written, generated.code);
    assert!(written.starts_with("// @generated"));
    assert!(written.contains("pub mod request_token_to_3pid_email"));
}

#[test]
fn generate_selects_apis_of_the_seed_corpus() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("api.rs");
    run(bin()
        .args(["generate", "--api", "client-server,identity", "--spec"])
        .arg(seed_corpus())
        .arg("--out")
        .arg(&out));
    let written = std::fs::read_to_string(&out).expect("written");
    assert!(written.contains("pub mod client_server"));
    assert!(written.contains("pub mod identity"));
    assert!(!written.contains("pub mod server_server"));
}

#[test]
fn list_json_counts_every_operation_of_both_corpora() {
    // Each corpus defines two routes twice (`GET /events`, `POST /rooms/{roomId}/invite`); the
    // model keeps all four operations.
    for (root, expected) in [(seed_corpus(), 172), (current_corpus(), 235)] {
        let output = run(bin()
            .args(["list", "--format", "json", "--spec"])
            .arg(&root));
        let stdout = String::from_utf8(output.stdout).expect("UTF-8");
        let operations: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        assert_eq!(operations.len(), expected, "{}", root.display());
        for op in &operations {
            for key in ["api", "operationId", "method", "path", "module"] {
                assert!(
                    op.get(key).is_some_and(|v| v.is_string()),
                    "{op} lacks {key}"
                );
            }
        }
    }
}

#[test]
fn list_text_shows_module_paths() {
    let output = run(bin()
        .args(["list", "--spec"])
        .arg(project().join("api-specs")));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("client-server\t") && l.contains("requestTokenTo3PIDEmail"))
        .expect("listed");
    assert!(
        line.contains("client_server::request_token_to_3pid_email"),
        "{line}"
    );
    assert!(line.contains("POST"), "{line}");
}

#[test]
fn check_reports_errors_with_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let api = dir.path().join("api/client-server");
    std::fs::create_dir_all(&api).expect("folders");
    std::fs::write(
        api.join("broken.yaml"),
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        200:\n          description: ok\n          schema:\n            $ref: missing.yaml\n",
    )
    .expect("write");
    let output = bin()
        .args(["check", "--spec"])
        .arg(dir.path().join("api"))
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("api/client-server/broken.yaml:11:19"),
        "{stderr}"
    );
    assert!(stderr.contains("missing.yaml"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn check_deny_warnings_fails_on_warnings() {
    // The seed corpus has duplicate keys, which are warnings.
    let ok = bin()
        .args(["check", "--spec"])
        .arg(seed_corpus())
        .output()
        .expect("runs");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stderr).contains("duplicate key"));
    let denied = bin()
        .args(["check", "--deny-warnings", "--spec"])
        .arg(seed_corpus())
        .output()
        .expect("runs");
    assert!(!denied.status.success());
}

#[test]
fn help_explains_the_commands() {
    let output = run(bin().arg("--help"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for command in ["generate", "check", "list"] {
        assert!(stdout.contains(command), "{stdout}");
    }
}

#[test]
fn tags_prints_each_tag_with_its_feature() {
    let specs = project().join("api-specs");
    let output = run(bin().args(["tags", "--spec"]).arg(&specs));
    let printed = String::from_utf8_lossy(&output.stdout);
    let expected = matrix_codegen::Config::new(&specs)
        .operation_tags()
        .expect("the tags");
    assert!(!expected.is_empty(), "api-specs has tags");
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{printed}");
    for tag in &expected {
        let feature = matrix_codegen::tag_feature(tag).expect("a feature name");
        assert!(
            lines.contains(&format!("{feature}\t{tag}").as_str()),
            "no line for {tag:?} in:\n{printed}"
        );
    }
}
