//! `matrix-api`'s cargo features choose the APIs and its environment variables the
//! operations: what is not selected is not generated (nor compiled).

mod support;

use std::path::PathBuf;

use support::{cargo, run};

/// `cargo check -p matrix-api` with these arguments and environment; the generated file.
fn generated(args: &[&str], env: &[(&str, &str)]) -> String {
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
    std::fs::read_to_string(out_dir.join("matrix_api.rs")).expect("the generated file")
}

#[test]
fn features_choose_apis_and_the_environment_operations() {
    let all = generated(&[], &[]);
    assert!(all.contains("pub mod client_server") && all.contains("pub mod identity"));
    assert!(all.contains("pub mod get_token_owner") && all.contains("pub mod login {"));

    let identity = generated(&["--no-default-features", "--features", "identity"], &[]);
    assert!(identity.contains("pub mod identity"));
    assert!(!identity.contains("pub mod client_server"));

    // An API feature this spec has no folder for selects nothing, and no API feature at all
    // leaves an empty crate (the runtime only).
    let none = generated(
        &["--no-default-features", "--features", "push-gateway"],
        &[],
    );
    assert!(!none.contains("pub mod"), "{none}");

    let whoami = generated(
        &[],
        &[("MATRIX_API_OPERATIONS", "getTokenOwner, getVersions")],
    );
    assert!(whoami.contains("pub mod get_token_owner") && whoami.contains("pub mod get_versions"));
    assert!(!whoami.contains("pub mod login {"));
    assert!(whoami.len() * 3 < all.len(), "the selection is not smaller");
}
