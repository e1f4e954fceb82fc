//! `matrix-api`'s cargo features choose the APIs and its environment variables the
//! operations: what is not selected is not generated (nor compiled).

mod support;

use support::check_matrix_api;

/// The file `cargo check -p matrix-api` with these arguments and environment generates.
fn generated(args: &[&str], env: &[(&str, &str)]) -> String {
    check_matrix_api(args, env).0
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
