//! Generates the crate's API modules from `../api-specs` (or `$MATRIX_API_SPECS`).
//!
//! What is generated:
//! - the APIs: with the `all-apis` feature (a default one) every API folder of the spec; else
//!   those of the enabled API features (`client-server`, `server-server`,
//!   `application-service`, `identity`, `push-gateway`) that the spec has, none if none is on
//!   (an empty crate besides the runtime). `MATRIX_API_SPECS_APIS=a,b` narrows that further.
//! - the `events` module, from the event schemas beside the API root
//!   (`../event-schemas/schema`) or inside it (`event-schemas/schema`, as `api-specs/` has
//!   them); a folder of event schemas holds no API documents at its top, so it is never taken
//!   for an API. Typed with the `events` feature (a default one); without it, only the JSON
//!   objects the API's event fields name ([`matrix_codegen::Config::typed_events`]).
//! - each API's server trait and router with the `server` feature, and not at all without it.
//! - the operations: all of them, unless `tag-*` features (one per spec tag, named by
//!   [`matrix_codegen::tag_feature`]), `MATRIX_API_OPERATIONS` (operationIds),
//!   `MATRIX_API_TAGS` (spec tags) or `MATRIX_API_PATH_PREFIXES` (path templates as
//!   `matrix-codegen list` prints them) name some: adding up, each operation with the types it
//!   reaches. A tag feature is mapped back to the spec's tags by the same rule, so the spec's
//!   own spelling is selected; one the spec's chosen APIs lack is a warning and selects
//!   nothing. The environment variables (comma-separated) reach what a fixed feature list
//!   cannot (operations, paths, another spec's tags); set them in `.cargo/config.toml`'s
//!   `[env]` for a project.

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

/// The `tag-*` features on, sorted. Cargo names each `CARGO_FEATURE_<NAME>`, uppercased with
/// `-` as `_`; tag feature names are lowercase ASCII letters, digits and `-`, so that is undone.
fn tag_features_on() -> Vec<String> {
    let mut features: Vec<String> = std::env::vars_os()
        .filter_map(|(var, _)| var.into_string().ok())
        .filter_map(|var| {
            let rest = var.strip_prefix("CARGO_FEATURE_TAG_")?;
            Some(format!(
                "tag-{}",
                rest.to_ascii_lowercase().replace('_', "-")
            ))
        })
        .collect();
    features.sort();
    features
}

/// The spec's tags each feature stands for (the same rule on the spec's spelling); a feature
/// none stands for is a warning.
fn tags_of_features(features: &[String], spec_tags: &[String], apis: &str) -> Vec<String> {
    let mut tags = Vec::new();
    for feature in features {
        let before = tags.len();
        tags.extend(
            spec_tags
                .iter()
                .filter(|tag| matrix_codegen::tag_feature(tag).as_deref() == Some(feature.as_str()))
                .cloned(),
        );
        if tags.len() == before {
            let useful: std::collections::BTreeSet<String> = spec_tags
                .iter()
                .filter_map(|tag| matrix_codegen::tag_feature(tag))
                .collect();
            let hint = if useful.is_empty() {
                "no tag feature selects any".to_owned()
            } else {
                let useful: Vec<String> = useful.into_iter().collect();
                format!("the tag features that select some: {}", useful.join(", "))
            };
            println!(
                "cargo:warning=feature `{feature}` selects nothing: no operation of {apis} has \
                 its tag; {hint}"
            );
        }
    }
    tags
}

/// A `matrix_api.rs` of nothing but the header: what an empty selection generates (no
/// selection at all would mean everything).
fn write_empty() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("matrix_api.rs");
    let content = format!("{}\n", matrix_codegen::emit::HEADER);
    if let Err(error) = matrix_codegen::write_if_changed(&out, &content) {
        eprintln!("cannot write {}: {error}", out.display());
        std::process::exit(1);
    }
}

/// The report `matrix-codegen check` prints, without a panic backtrace.
fn fail(error: &matrix_codegen::Error) -> ! {
    eprintln!("{}", error.render(false));
    std::process::exit(1);
}

fn main() {
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS");
    println!("cargo:rerun-if-env-changed=MATRIX_API_SPECS_ROOT");
    let api_root = match std::env::var_os("MATRIX_API_SPECS") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../api-specs"),
    };
    let operations = list_var("MATRIX_API_OPERATIONS");
    let mut tags = list_var("MATRIX_API_TAGS");
    let path_prefixes = list_var("MATRIX_API_PATH_PREFIXES");
    let mut config = matrix_codegen::Config::new(&api_root);
    // The features are known here, so what they leave out is not generated at all (rustc
    // would parse it only to drop it). Cargo runs the build script again when they change.
    let server = if feature_on("server") {
        matrix_codegen::Gate::Always
    } else {
        matrix_codegen::Gate::Off
    };
    config
        .runtime_path("crate::runtime")
        .server(server)
        .events(matrix_codegen::Gate::Always)
        .typed_events(feature_on("events"));
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
        return write_empty();
    }
    let apis_named = if apis.is_empty() {
        "this spec".to_owned()
    } else {
        format!("the chosen APIs ({})", apis.join(", "))
    };
    config.apis(apis);
    let tag_features = tag_features_on();
    if !tag_features.is_empty() {
        let spec_tags = config.operation_tags().unwrap_or_else(|e| fail(&e));
        let selected = tags_of_features(&tag_features, &spec_tags, &apis_named);
        if selected.is_empty()
            && operations.is_empty()
            && tags.is_empty()
            && path_prefixes.is_empty()
        {
            // Tag features that all miss select nothing; the spec may gain their tags.
            println!("cargo:rerun-if-changed={}", api_root.display());
            return write_empty();
        }
        tags.extend(selected);
    }
    config
        .operations(operations)
        .tags(tags)
        .path_prefixes(path_prefixes);
    if let Err(error) = config.compile("matrix_api.rs") {
        fail(&error);
    }
}
