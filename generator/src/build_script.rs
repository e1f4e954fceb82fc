//! The build script of a crate of generated code selected by its cargo features, as
//! `matrix-api`'s is. Here rather than in the crate's `build.rs`: the library is compiled once
//! as a dependency, while a `build.rs` is compiled again with every cold build of its crate.
//!
//! The crate's features, read from cargo's `CARGO_FEATURE_*` variables:
//! - `all-apis`: every API folder of the spec. Without it, the API folders whose name is an
//!   enabled feature (`client-server`, `identity`, ...; not the features below, nor `client`
//!   and `default`), none if none is (an empty module); a feature the spec has no folder for
//!   selects nothing.
//! - `server`: each API's server trait and router; without it they are not generated at all.
//! - `events`: the typed `events` module; without it, only the JSON objects the API's event
//!   fields name ([`Config::typed_events`]).
//! - `tag-*`: the operations with that tag ([`crate::tag_feature`] names them); without any,
//!   every operation. A feature that matches no tag of the chosen APIs is a warning.
//!
//! And the environment, each variable watched, `PREFIX` being [`BuildScript::env_prefix`]:
//! `PREFIX_SPECS` (the API root), `PREFIX_SPECS_ROOT` (the boundary), `PREFIX_SPECS_APIS`
//! (narrows the APIs), and `PREFIX_OPERATIONS`, `PREFIX_TAGS`, `PREFIX_PATH_PREFIXES`, which
//! add to the tag features' selection (comma-separated lists).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::{Config, Error, Gate};

/// A build script's settings: where the spec is by default and how the crate is laid out.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BuildScript {
    /// The API root when `PREFIX_SPECS` is not set.
    pub default_api_root: PathBuf,
    /// The environment variables' prefix: `MATRIX_API` reads `MATRIX_API_SPECS`, ...
    pub env_prefix: String,
    /// Where generated code finds the runtime ([`Config::runtime_path`]).
    pub runtime_path: String,
    /// The file written to `OUT_DIR`, for the crate to `include!`.
    pub file_name: String,
}

impl BuildScript {
    /// The settings of `matrix-api`'s layout (`crate::runtime`, `matrix_api.rs`) with this
    /// default API root and variable prefix; change the fields for another layout.
    pub fn new(default_api_root: impl Into<PathBuf>, env_prefix: impl Into<String>) -> Self {
        BuildScript {
            default_api_root: default_api_root.into(),
            env_prefix: env_prefix.into(),
            runtime_path: "crate::runtime".into(),
            file_name: "matrix_api.rs".into(),
        }
    }

    /// Generates the file the features and the environment select, and tells cargo what to
    /// watch. On an error the caller reports it ([`Error::render`]) and exits non-zero.
    pub fn run(&self) -> Result<(), Error> {
        let var = |name: &str| format!("{}_{name}", self.env_prefix);
        println!("cargo:rerun-if-env-changed={}", var("SPECS"));
        println!("cargo:rerun-if-env-changed={}", var("SPECS_ROOT"));
        let api_root = std::env::var_os(var("SPECS"))
            .map_or_else(|| self.default_api_root.clone(), PathBuf::from);
        if !api_root.is_dir() {
            // Else the API features would find no folder and quietly generate nothing.
            return Err(Error::single(crate::Diagnostic::error(
                format!(
                    "the API root {} is not a folder (set {} to the spec's API root)",
                    api_root.display(),
                    var("SPECS")
                ),
                None,
            )));
        }
        let operations = list_var(&var("OPERATIONS"));
        let mut tags = list_var(&var("TAGS"));
        let path_prefixes = list_var(&var("PATH_PREFIXES"));
        let narrowed = list_var(&var("SPECS_APIS"));

        let mut config = Config::new(&api_root);
        config
            .runtime_path(self.runtime_path.clone())
            .server(if feature_on("server") {
                Gate::Always
            } else {
                Gate::Off
            })
            .events(Gate::Always)
            .typed_events(feature_on("events"));
        if let Some(root) = std::env::var_os(var("SPECS_ROOT")) {
            config.boundary(root);
        }
        let apis: Vec<String> = if feature_on("all-apis") {
            narrowed
        } else {
            // A feature is a wish, not a requirement: only the API folders the spec has. The
            // root is watched, so an API folder added later is picked up.
            println!("cargo:rerun-if-changed={}", api_root.display());
            let chosen: Vec<String> = crate::load::list_dirs(&api_root)
                .into_iter()
                .filter(|api| is_api_feature(api) && feature_on(api))
                .filter(|api| narrowed.is_empty() || narrowed.contains(api))
                .collect();
            if chosen.is_empty() {
                return self.write_empty();
            }
            chosen
        };
        let apis_named = if apis.is_empty() {
            "this spec".to_owned()
        } else {
            format!("the chosen APIs ({})", apis.join(", "))
        };
        config.apis(apis);
        let tag_features = tag_features_on();
        if !tag_features.is_empty() {
            let spec_tags = config.operation_tags()?;
            let selected = tags_of_features(&tag_features, &spec_tags, &apis_named);
            if selected.is_empty()
                && operations.is_empty()
                && tags.is_empty()
                && path_prefixes.is_empty()
            {
                // Tag features that all miss select nothing; the spec may gain their tags.
                println!("cargo:rerun-if-changed={}", api_root.display());
                return self.write_empty();
            }
            tags.extend(selected);
        }
        config
            .operations(operations)
            .tags(tags)
            .path_prefixes(path_prefixes)
            .compile(&self.file_name)
            .map(drop)
    }

    /// A file of nothing but the header: what an empty selection generates (no selection at
    /// all would mean everything).
    fn write_empty(&self) -> Result<(), Error> {
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| {
            Error::single(crate::Diagnostic::error(
                "OUT_DIR is not set: a build script runs under cargo",
                None,
            ))
        })?;
        let out = Path::new(&out_dir).join(&self.file_name);
        let content = format!("{}\n", crate::emit::HEADER);
        crate::write_if_changed(&out, &content)
            .map(drop)
            .map_err(|error| {
                Error::single(crate::Diagnostic::error(
                    format!("cannot write {}: {error}", out.display()),
                    None,
                ))
            })
    }
}

/// The features of this layout that mean something else than an API: a spec folder of one of
/// these names is not selected by turning the feature on.
const OTHER_FEATURES: &[&str] = &["default", "all-apis", "client", "server", "events"];

/// Whether a feature of this name selects the API folder of the same name.
fn is_api_feature(name: &str) -> bool {
    !OTHER_FEATURES.contains(&name) && !name.starts_with("tag-")
}

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

/// Whether the crate's feature `feature` is on: cargo sets `CARGO_FEATURE_<NAME>`, uppercased
/// with `-` as `_`.
fn feature_on(feature: &str) -> bool {
    let var = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
    std::env::var_os(var).is_some()
}

/// The `tag-*` features on, sorted. Tag feature names are lowercase ASCII letters, digits and
/// `-`, so cargo's spelling of them is undone.
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
                .filter(|tag| crate::tag_feature(tag).as_deref() == Some(feature.as_str()))
                .cloned(),
        );
        if tags.len() == before {
            let useful: BTreeSet<String> = spec_tags
                .iter()
                .filter_map(|tag| crate::tag_feature(tag))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_folders_are_the_sub_folders_sorted() {
        let root = std::env::temp_dir().join(format!("build-script-{}", std::process::id()));
        for folder in ["identity", "client-server"] {
            std::fs::create_dir_all(root.join(folder)).expect("a folder");
        }
        std::fs::write(root.join("README.md"), "not an API").expect("a file");
        let folders = crate::load::list_dirs(&root);
        std::fs::remove_dir_all(&root).expect("cleaned up");
        assert_eq!(folders, ["client-server", "identity"]);
        assert!(crate::load::list_dirs(Path::new("/no/such/folder")).is_empty());
    }

    #[test]
    fn only_api_folders_answer_to_their_feature() {
        assert!(is_api_feature("client-server") && is_api_feature("identity"));
        for other in [
            "server",
            "events",
            "client",
            "all-apis",
            "default",
            "tag-media",
        ] {
            assert!(!is_api_feature(other), "{other}");
        }
    }

    #[test]
    fn a_tag_feature_stands_for_every_tag_of_its_name() {
        let spec_tags = ["Room participation", "Room-participation", "Media"].map(String::from);
        let features = [
            "tag-room-participation".to_owned(),
            "tag-nothing".to_owned(),
        ];
        assert_eq!(
            tags_of_features(&features, &spec_tags, "this spec"),
            ["Room participation", "Room-participation"]
        );
    }
}
