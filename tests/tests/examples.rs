//! Conformance: every example of the spec `matrix-api` was built from — response and request
//! body examples and the schema examples of named object types — deserializes into its
//! generated type and serializes back to an equal JSON value.
//!
//! Prints a table per API. Examples that contradict their own schema are listed below with
//! the defect; such an exception that starts passing fails the test, so the list stays true.
//! Run against a corpus with `MATRIX_API_SPECS=../shared/corpus/<corpus>/... cargo test
//! -p matrix-api-tests --test examples -- --nocapture` (`scripts/test` does, for both).

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

struct Example {
    type_path: &'static str,
    place: &'static str,
    json: &'static str,
    round_trip: fn(&str) -> Result<(), String>,
}

/// (spec, type, where the example is, the spec's defect)
const KNOWN_DEFECTS: &[(&str, &str, &str, &str)] = &[
    (
        "matrix-doc-3148184",
        "client_server::post_3pids::Response",
        "api/client-server/administrative_contact.yaml",
        "the 200 response's `schema` is indented under `examples`, so the response has no schema",
    ),
    (
        "matrix-doc-3148184",
        "identity::store_invite::Response",
        "api/identity/store_invite.yaml",
        "the example omits `token`, which the schema requires",
    ),
    (
        "matrix-doc-3148184",
        "client_server::AuthenticationData",
        "api/client-server/definitions/auth_data.yaml",
        "the example's `example_credential` is a string; `additionalProperties` says objects",
    ),
    (
        "matrix-doc-3148184",
        "server_server::VerifyKey",
        "api/server-server/definitions/keys.yaml",
        "the example on the map's value schema shows the whole map (key ID → key)",
    ),
    (
        "matrix-doc-3148184",
        "server_server::OldVerifyKey",
        "api/server-server/definitions/keys.yaml",
        "the example on the map's value schema shows the whole map (key ID → key)",
    ),
    (
        "matrix-spec-d0ba2aa",
        "client_server::get_protocols::Response",
        "api/client-server/third_party_lookup.yaml",
        "the `gitter` protocol in the example has no `icon`, which protocol_base.yaml requires",
    ),
];

fn round_trip<T: Serialize + DeserializeOwned>(json: &str) -> Result<(), String> {
    let original: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let typed: T = serde_json::from_value(original.clone())
        .map_err(|e| format!("does not deserialize: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("does not serialize: {e}"))?;
    if back == original {
        Ok(())
    } else {
        Err(format!(
            "changed in the round trip:\n  spec: {original}\n  back: {back}"
        ))
    }
}

const EXAMPLES: &[Example] = include!(concat!(env!("OUT_DIR"), "/examples.rs"));
const SPEC: &str = env!("MATRIX_API_SPEC_NAME");

#[derive(Default)]
struct Tally {
    found: usize,
    passed: usize,
    known: usize,
}

#[test]
fn every_example_round_trips() {
    assert!(
        !EXAMPLES.is_empty(),
        "the spec has no examples: the table is wrong"
    );
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for example in EXAMPLES {
        let api = example.type_path.split("::").next().unwrap_or("");
        let tally = tallies.entry(api).or_default();
        tally.found += 1;
        let known = KNOWN_DEFECTS.iter().find(|(spec, ty, place, _)| {
            *spec == SPEC && *ty == example.type_path && example.place.starts_with(place)
        });
        match ((example.round_trip)(example.json), known) {
            (Ok(()), None) => tally.passed += 1,
            (Ok(()), Some((_, _, _, defect))) => fixed.push(format!(
                "{} ({}) now round-trips; remove its exception ({defect})",
                example.type_path, example.place
            )),
            (Err(_), Some(_)) => tally.known += 1,
            (Err(why), None) => {
                unexpected.push(format!("{} ({}): {why}", example.type_path, example.place))
            }
        }
    }
    println!("examples of {SPEC}:");
    println!(
        "{:<22} {:>6} {:>6} {:>6} {:>13}",
        "api", "found", "passed", "failed", "spec defects"
    );
    for (api, t) in &tallies {
        let failed = t.found - t.passed;
        println!(
            "{api:<22} {:>6} {:>6} {:>6} {:>13}",
            t.found, t.passed, failed, t.known
        );
    }
    let total: usize = tallies.values().map(|t| t.found).sum();
    let passed: usize = tallies.values().map(|t| t.passed).sum();
    println!("{:<22} {total:>6} {passed:>6} {:>6}", "all", total - passed);
    assert!(fixed.is_empty(), "{}", fixed.join("\n"));
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}
