//! Generates the crate's API modules from `../api-specs` (or `$MATRIX_API_SPECS`).

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS");
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS_ROOT");
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS_APIS");
    let api_root = match std::env::var_os("MATRIX_API_SPECS") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-specs"),
    };
    let mut config = matrix_codegen::Config::new(api_root);
    config
        .runtime_path("crate::runtime")
        .server(matrix_codegen::Gate::Feature("server".into()))
        .client(matrix_codegen::Gate::Feature("client".into()));
    if let Some(root) = std::env::var_os("MATRIX_API_SPECS_ROOT") {
        config.boundary(root);
    }
    // A comma-separated subset of the APIs, e.g. `client-server,identity`.
    if let Ok(apis) = std::env::var("MATRIX_API_SPECS_APIS") {
        config.apis(apis.split(',').map(str::trim).filter(|a| !a.is_empty()));
    }
    if let Err(error) = config.compile("matrix_api.rs") {
        // The same report as `matrix-codegen check`, without a panic backtrace.
        eprintln!("{}", error.render(false));
        std::process::exit(1);
    }
}
