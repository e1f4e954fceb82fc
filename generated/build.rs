//! Generates the crate's API modules from `../api-specs` (or `$MATRIX_API_SPECS`).
//!
//! What is generated:
//! - the APIs: with the `all-apis` feature (a default one) every API folder of the spec; else
//!   those of the enabled API features (`client-server`, `server-server`,
//!   `application-service`, `identity`, `push-gateway`) that the spec has, none if none is on
//!   (an empty crate besides the runtime). `MATRIX_API_SPECS_APIS=a,b` narrows that further.
//! - the `events` module (behind the `events` feature, a default one), from the event schemas
//!   beside the API root (`../event-schemas/schema`) or inside it (`event-schemas/schema`, as
//!   `api-specs/` has them); a folder of event schemas holds no API documents at its top, so
//!   it is never taken for an API.
//! - the operations: all of them, unless `MATRIX_API_OPERATIONS` (operationIds),
//!   `MATRIX_API_TAGS` (spec tags) or `MATRIX_API_PATH_PREFIXES` (path templates as
//!   `matrix-codegen list` prints them) name some: comma-separated, adding up, each operation
//!   with the types it reaches. Cargo features cannot depend on the spec's contents, hence
//!   environment variables (set them in `.cargo/config.toml`'s `[env]` for a project).

use std::path::PathBuf;

/// The API features of Cargo.toml, by the folder name each selects.
const API_FEATURES: &[&str] = &[
    "client-server",
    "server-server",
    "application-service",
    "identity",
    "push-gateway",
];

/// A comma-separated environment variable's entries (trimmed, empty ones dropped), watched.
fn list_var(name: &str) -> Vec<String> {
    println!("cargo:rerun-if-env-changed={name}");
    std::env::var(name)
        .map(|value| {
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn feature_on(feature: &str) -> bool {
    let var = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
    std::env::var_os(var).is_some()
}

fn main() {
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS");
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS_ROOT");
    let api_root = match std::env::var_os("MATRIX_API_SPECS") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-specs"),
    };
    let mut config = matrix_codegen::Config::new(&api_root);
    config
        .runtime_path("crate::runtime")
        .server(matrix_codegen::Gate::Feature("server".into()))
        .events(matrix_codegen::Gate::Feature("events".into()))
        .operations(list_var("MATRIX_API_OPERATIONS"))
        .tags(list_var("MATRIX_API_TAGS"))
        .path_prefixes(list_var("MATRIX_API_PATH_PREFIXES"));
    if let Some(root) = std::env::var_os("MATRIX_API_SPECS_ROOT") {
        config.boundary(root);
    }
    let narrowed = list_var("MATRIX_API_SPECS_APIS");
    let apis: Vec<String> = if feature_on("all-apis") {
        narrowed
    } else {
        // Only the featured APIs this spec has: a feature is a wish, not a requirement.
        // The folder is watched, so an API folder added later is picked up.
        println!("cargo:rerun-if-changed={}", api_root.display());
        API_FEATURES
            .iter()
            .filter(|api| feature_on(api) && api_root.join(api).is_dir())
            .filter(|api| narrowed.is_empty() || narrowed.iter().any(|n| n == *api))
            .map(|api| (*api).to_owned())
            .collect()
    };
    if !feature_on("all-apis") && apis.is_empty() {
        // No API selected: an empty `matrix_api.rs` (no selection would mean everything).
        let out =
            PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("matrix_api.rs");
        let content = format!("{}\n", matrix_codegen::emit::HEADER);
        if let Err(error) = matrix_codegen::write_if_changed(&out, &content) {
            eprintln!("cannot write {}: {error}", out.display());
            std::process::exit(1);
        }
        return;
    }
    config.apis(apis);
    if let Err(error) = config.compile("matrix_api.rs") {
        // The same report as `matrix-codegen check`, without a panic backtrace.
        eprintln!("{}", error.render(false));
        std::process::exit(1);
    }
}
