//! Running cargo on the workspace from a test, in a target folder of its own.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `../shared/corpus` beside the project.
pub fn corpus(name: &str) -> PathBuf {
    workspace_root().join("../shared/corpus").join(name)
}

/// A cargo command on this workspace with `target/<target_name>` as its target folder, so it
/// neither waits for nor disturbs the build running the tests.
pub fn cargo(target_name: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(workspace_root())
        .args(args)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target").join(target_name),
        )
        .env_remove("MATRIX_API_SPECS")
        .env_remove("MATRIX_API_SPECS_ROOT")
        .env_remove("MATRIX_API_SPECS_APIS")
        .env_remove("MATRIX_API_OPERATIONS")
        .env_remove("MATRIX_API_TAGS")
        .env_remove("MATRIX_API_PATH_PREFIXES")
        .env_remove("RUSTFLAGS");
    command
}

/// `cargo check -p matrix-api` with these arguments and environment, in
/// `target/selection-check`: the file its build script generated, and cargo's output.
pub fn check_matrix_api(args: &[&str], env: &[(&str, &str)]) -> (String, Output) {
    let mut all = vec!["check", "-p", "matrix-api", "--message-format=json"];
    all.extend_from_slice(args);
    let mut command = cargo("selection-check", &all);
    command.envs(env.iter().copied());
    let output = run(command);
    let out_dir = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| {
            m["reason"] == "build-script-executed"
                && m["package_id"]
                    .as_str()
                    .is_some_and(|p| p.contains("generated"))
        })
        .find_map(|m| m["out_dir"].as_str().map(PathBuf::from))
        .expect("matrix-api's build script ran");
    let code = std::fs::read_to_string(out_dir.join("matrix_api.rs")).expect("the generated file");
    (code, output)
}

pub fn run(mut command: Command) -> Output {
    let output = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{command:?} failed:\n{stderr}");
    output
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .expect("read folder")
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
