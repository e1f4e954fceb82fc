//! The build script re-runs when a spec file it read changes — including one reached only
//! through a `$ref` — and not when nothing changed.

mod support;

use std::path::Path;

use support::{cargo, copy_tree, run, workspace_root};

fn build(specs: &Path) -> String {
    let mut command = cargo("rerun-check", &["build", "-p", "matrix-api", "-v"]);
    command.env("MATRIX_API_SPECS", specs);
    let output = run(command);
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn build_script_ran(log: &str) -> bool {
    log.lines().any(|l| {
        l.contains("Running") && l.contains("matrix-api") && l.contains("build-script-build")
    })
}

#[test]
fn build_script_reruns_exactly_when_a_spec_file_changes() {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let specs = scratch.path().join("api-specs");
    copy_tree(&workspace_root().join("api-specs"), &specs);

    let first = build(&specs);
    assert!(
        build_script_ran(&first),
        "the first build must run the generator:\n{first}"
    );

    let unchanged = build(&specs);
    assert!(
        !build_script_ran(&unchanged),
        "nothing changed, yet the generator ran:\n{unchanged}"
    );

    // `sid.yaml` is no API document: it is read only because a `$ref` names it.
    let sid = specs.join("identity/definitions/sid.yaml");
    let text = std::fs::read_to_string(&sid).expect("sid.yaml");
    std::fs::write(
        &sid,
        text.replace("type: object", "type: object\ntitle: Session"),
    )
    .expect("edit");
    let changed = build(&specs);
    assert!(
        build_script_ran(&changed),
        "sid.yaml changed, yet the generator did not run:\n{changed}"
    );

    let again = build(&specs);
    assert!(
        !build_script_ran(&again),
        "nothing changed since, yet the generator ran:\n{again}"
    );

    // A file outside the API folders that nothing refers to is not watched.
    std::fs::write(scratch.path().join("unrelated.yaml"), "x: 1").expect("write");
    let unrelated = build(&specs);
    assert!(
        !build_script_ran(&unrelated),
        "an unread file triggered the generator:\n{unrelated}"
    );

    // A new document in an API folder is picked up.
    let text = std::fs::read_to_string(specs.join("client-server/whoami.yaml")).expect("read");
    std::fs::write(
        specs.join("client-server/whoami_again.yaml"),
        text.replace("getTokenOwner", "getTokenOwnerAgain")
            .replace("/account/whoami", "/account/whoami_again"),
    )
    .expect("write");
    let added = build(&specs);
    assert!(
        build_script_ran(&added),
        "a new API document did not trigger the generator:\n{added}"
    );
}
