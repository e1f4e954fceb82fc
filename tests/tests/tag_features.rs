//! `matrix-api`'s features: the `tag-*` ones, one per tag of the specs it is built from, each
//! generating only the operations with that tag, and what `server` and `events` add.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use matrix_codegen::{Config, tag_feature};
use support::{cargo, check_matrix_api, corpus, run, workspace_root};

/// The tags of the operations of `api_root` (of these APIs; all when empty).
fn spec_tags(api_root: &Path, apis: &[&str]) -> Vec<String> {
    let mut config = Config::new(api_root);
    config.apis(apis.iter().copied());
    config
        .operation_tags()
        .unwrap_or_else(|e| panic!("{}: {}", api_root.display(), e.render(false)))
}

/// The `tag-*` features of matrix-api's manifest, as cargo reads it.
fn manifest_tag_features() -> BTreeSet<String> {
    let output = run(cargo(
        "selection-check",
        &["metadata", "--no-deps", "--format-version", "1"],
    ));
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let package = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "matrix-api"))
        .expect("matrix-api is a workspace member");
    package["features"]
        .as_object()
        .expect("matrix-api has features")
        .keys()
        .filter(|name| name.starts_with("tag-"))
        .cloned()
        .collect()
}

#[test]
fn the_naming_rule() {
    let cases = [
        ("Room participation", Some("tag-room-participation")),
        (
            "Send-to-Device messaging",
            Some("tag-send-to-device-messaging"),
        ),
        ("  VOIP ", Some("tag-voip")),
        ("Third-party Lookup", Some("tag-third-party-lookup")),
        ("a  --  b/c", Some("tag-a-b-c")),
        ("Média 2", Some("tag-m-dia-2")),
        ("--", None),
        ("", None),
    ];
    for (tag, feature) in cases {
        assert_eq!(tag_feature(tag).as_deref(), feature, "{tag:?}");
    }
}

/// Fails when a spec gains a tag without a feature, or a feature outlives its tag: the
/// feature list is the specs' tags by the rule, nothing hand-picked.
#[test]
fn the_features_are_the_specs_tags() {
    let features = manifest_tag_features();
    let mut specs = vec![("api-specs/", workspace_root().join("api-specs"))];
    let matrix_spec = corpus("matrix-spec-d0ba2aa/data/api");
    let corpus_present = matrix_spec.is_dir();
    if corpus_present {
        specs.push(("the matrix-spec corpus", matrix_spec));
    } else {
        eprintln!(
            "skipped: {} is absent; only api-specs/ is checked, and no feature is checked for \
             a tag",
            matrix_spec.display()
        );
    }
    let mut features_of_tags = BTreeSet::new();
    let mut problems = Vec::new();
    for (name, spec) in &specs {
        for tag in spec_tags(spec, &[]) {
            let Some(feature) = tag_feature(&tag) else {
                continue;
            };
            if !features.contains(&feature) {
                problems.push(format!("missing: {feature} = []  (tag `{tag}` of {name})"));
            }
            features_of_tags.insert(feature);
        }
    }
    if corpus_present {
        for orphan in features.difference(&features_of_tags) {
            problems.push(format!("no tag of the specs: {orphan}"));
        }
    }
    assert!(
        problems.is_empty(),
        "generated/Cargo.toml's tag features and the specs' tags differ \
         (`matrix-codegen tags --spec <api root>` lists the tags):\n{}",
        problems.join("\n")
    );
}

/// The operations the library generates from api-specs/client-server for this selection:
/// module name to operationId.
fn operations(configure: impl FnOnce(&mut Config)) -> BTreeMap<String, String> {
    let mut config = Config::new(workspace_root().join("api-specs"));
    config.apis(["client-server"]).formatted(false);
    configure(&mut config);
    let generated = config
        .generate()
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    generated
        .ir
        .modules
        .iter()
        .flat_map(|m| &m.operations)
        .map(|op| (op.ident.clone(), op.operation_id.clone()))
        .collect()
}

fn has_module(code: &str, ident: &str) -> bool {
    code.contains(&format!("pub mod {ident} {{"))
}

#[test]
fn a_tag_feature_generates_only_its_operations() {
    let all = operations(|_| {});
    // The first tag of the embedded spec that leaves some operation out, so the test shows a
    // selection.
    let (tag, selected) = spec_tags(&workspace_root().join("api-specs"), &["client-server"])
        .into_iter()
        .map(|tag| {
            let selected = operations(|c| {
                c.tags([tag.clone()]);
            });
            (tag, selected)
        })
        .find(|(_, selected)| !selected.is_empty() && selected.len() < all.len())
        .expect("api-specs/client-server has a tag of some of its operations");
    let feature = tag_feature(&tag).expect("a tag with letters");
    let features = format!("client-server,{feature}");

    let (code, _) = check_matrix_api(&["--no-default-features", "--features", &features], &[]);
    for ident in all.keys() {
        assert_eq!(
            has_module(&code, ident),
            selected.contains_key(ident),
            "operation `{ident}` with `{feature}` (tag `{tag}`)"
        );
    }

    // The environment's selectors add to the feature's.
    let (other_ident, other_id) = all
        .iter()
        .find(|(ident, _)| !selected.contains_key(*ident))
        .expect("an operation without the tag");
    let (code, _) = check_matrix_api(
        &["--no-default-features", "--features", &features],
        &[("MATRIX_API_OPERATIONS", other_id)],
    );
    assert!(
        has_module(&code, other_ident),
        "{other_id} from the environment"
    );
    assert!(selected.keys().all(|ident| has_module(&code, ident)));

    // A tag the chosen APIs lack: a warning, and nothing generated.
    let identity_tags = spec_tags(&workspace_root().join("api-specs"), &["identity"]);
    assert!(
        !identity_tags.contains(&tag),
        "the test needs a tag identity lacks"
    );
    let features = format!("identity,{feature}");
    let (code, output) = check_matrix_api(&["--no-default-features", "--features", &features], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("feature `{feature}` selects nothing")),
        "{stderr}"
    );
    assert!(!code.contains("pub mod"), "{code}");
}

/// The `events` module of `code`, up to the end of the file (it is emitted last).
fn events_module(code: &str) -> &str {
    let at = code.find("pub mod events {").expect("an events module");
    &code[at..]
}

/// What the `server` and `events` features leave out is not generated at all (rustc would
/// parse `#[cfg]`'d code only to drop it): no server module, and an `events` module of JSON
/// objects only; with them on, both are there, and nothing is gated either way.
#[test]
fn server_and_events_are_generated_only_with_their_features() {
    let (off, _) = check_matrix_api(
        &["--no-default-features", "--features", "client-server"],
        &[],
    );
    assert!(
        !off.contains("pub mod server {"),
        "a server module without `server`"
    );
    assert!(!off.contains("cfg ("), "gated code");
    let events = events_module(&off);
    assert!(events.contains("pub type "), "{events}");
    assert!(
        !events.contains("pub enum ") && !events.contains("pub struct "),
        "{events}"
    );

    let features = "client-server,server,events";
    let (on, _) = check_matrix_api(&["--no-default-features", "--features", features], &[]);
    assert!(
        on.contains("pub mod server {"),
        "no server module with `server`"
    );
    assert!(!on.contains("cfg ("), "gated code");
    let events = events_module(&on);
    assert!(
        events.contains("pub enum ") && events.contains("pub struct "),
        "untyped events"
    );
    assert!(
        !events.contains("pub type Any"),
        "kinds left as JSON with `events`"
    );
    // The API's own code is the same either way, up to the server module (the line it starts
    // on holds its doc attribute).
    let on_api = &on[..on.find("pub mod events {").unwrap_or(on.len())];
    let server_at = on_api.find("pub mod server {").expect("the server module");
    let line_start = on_api[..server_at].rfind('\n').unwrap_or(0);
    assert_eq!(&on_api[..line_start], &off[..line_start]);
}

/// An API root that is not a folder is the build's error, not an empty crate.
#[test]
fn a_missing_api_root_fails_the_build() {
    let mut command = cargo(
        "selection-check",
        &[
            "check",
            "-p",
            "matrix-api",
            "--no-default-features",
            "--features",
            "client-server",
        ],
    );
    command.env(
        "MATRIX_API_SPECS",
        workspace_root().join("no-such-api-root"),
    );
    let output = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("no-such-api-root is not a folder"),
        "{stderr}"
    );
}
