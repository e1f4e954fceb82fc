//! Conformance: every example of the spec `matrix-api` was built from — request and response
//! body examples of every status, errors included, and the schema examples of named types —
//! deserializes into its generated type and serializes back to an equal JSON value.
//!
//! An example that does not round-trip is judged by the spec itself: each example carries the
//! schema it illustrates, and one that breaks that schema (a JSON Schema validator's verdict,
//! with the Matrix identifier formats checked by the runtime's `identifiers` types) is a
//! **spec defect**; one that fits its schema but does not round-trip is a **generator
//! failure**, and fails the test. Error responses round-trip through `runtime::MatrixError`;
//! a non-success response whose schema is not a Matrix error is only checked against it.
//!
//! Prints a table per API and names every exception. Run against a corpus with
//! `MATRIX_API_SPECS=../shared/corpus/<corpus>/... cargo test -p matrix-api-tests --test
//! examples -- --nocapture` (`scripts/test` does, for both).

use std::collections::BTreeMap;

use matrix_api::runtime::MatrixError;
mod conformance;
use conformance::violation;
use serde::Serialize;
use serde::de::DeserializeOwned;

struct Example {
    api: &'static str,
    type_path: &'static str,
    place: &'static str,
    /// The response's status; `None` for request bodies and schema examples.
    status: Option<u16>,
    /// Index into `SCHEMAS`; `None` where the spec gives the example no schema.
    schema: Option<usize>,
    json: &'static str,
    round_trip: fn(&str, Option<u16>) -> Result<(), String>,
}

mod table {
    use super::*;
    include!(concat!(env!("OUT_DIR"), "/examples.rs"));
}
use table::{EXAMPLES, SCHEMAS};

const SPEC: &str = env!("MATRIX_API_SPEC_NAME");

fn parse(json: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))
}

fn compare(original: &serde_json::Value, back: &serde_json::Value) -> Result<(), String> {
    if back == original {
        Ok(())
    } else {
        Err(format!(
            "changed in the round trip:\n      spec: {original}\n      back: {back}"
        ))
    }
}

fn round_trip<T: Serialize + DeserializeOwned>(json: &str, _: Option<u16>) -> Result<(), String> {
    let original = parse(json)?;
    let typed: T = serde_json::from_value(original.clone())
        .map_err(|e| format!("does not deserialize: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("does not serialize: {e}"))?;
    compare(&original, &back)
}

/// An error response's example, read as a client reads the body and written as a server
/// writes it.
fn round_trip_error(json: &str, status: Option<u16>) -> Result<(), String> {
    let original = parse(json)?;
    if !original.is_object() {
        return Err("an error body must be a JSON object".to_owned());
    }
    let status = status
        .and_then(|s| http::StatusCode::from_u16(s).ok())
        .unwrap_or(http::StatusCode::BAD_REQUEST);
    let error = MatrixError::from_response(status, json.as_bytes());
    compare(&original, &error.to_json())
}

enum Verdict {
    Passed,
    SpecDefect(String),
    GeneratorFailure(String),
}

/// `schema` is the example's schema as JSON text.
fn judge(example: &Example, schema: Option<&str>) -> Verdict {
    let round_trip = (example.round_trip)(example.json, example.status);
    let value = match parse(example.json) {
        Ok(value) => value,
        Err(why) => return Verdict::GeneratorFailure(why),
    };
    // A non-success response that is not a Matrix error has no type: its schema is the check.
    let schema_only = example.type_path == "serde_json::Value";
    if round_trip.is_ok() && !schema_only {
        return Verdict::Passed;
    }
    let Some(schema) = schema else {
        return match round_trip {
            Ok(()) => Verdict::Passed,
            Err(_) => Verdict::SpecDefect("the spec gives this example no schema".to_owned()),
        };
    };
    match (violation(schema, &value), round_trip) {
        (Ok(Some(reason)), _) => Verdict::SpecDefect(reason),
        (Ok(None), Ok(())) => Verdict::Passed,
        (Ok(None), Err(why)) => Verdict::GeneratorFailure(format!("fits its schema, but {why}")),
        (Err(why), Ok(())) => Verdict::GeneratorFailure(why),
        (Err(schema), Err(why)) => Verdict::GeneratorFailure(format!("{why}; and {schema}")),
    }
}

#[derive(Default)]
struct Tally {
    found: usize,
    passed: usize,
    defects: usize,
    failures: usize,
}

#[test]
fn every_example_round_trips_or_breaks_its_schema() {
    assert!(
        !EXAMPLES.is_empty(),
        "the spec has no examples: the table is wrong"
    );
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut defects = Vec::new();
    let mut failures = Vec::new();
    for example in EXAMPLES {
        let tally = tallies.entry(example.api).or_default();
        tally.found += 1;
        let what = match example.status {
            Some(status) => format!("{} [{status}]", example.type_path),
            None => example.type_path.to_owned(),
        };
        let schema = example.schema.and_then(|i| SCHEMAS.get(i).copied());
        match judge(example, schema) {
            Verdict::Passed => tally.passed += 1,
            Verdict::SpecDefect(why) => {
                tally.defects += 1;
                defects.push(format!("  {} ({what}): {why}", example.place));
            }
            Verdict::GeneratorFailure(why) => {
                tally.failures += 1;
                failures.push(format!("  {} ({what}): {why}", example.place));
            }
        }
    }
    println!("examples of {SPEC}:");
    println!(
        "{:<22} {:>6} {:>7} {:>13} {:>20}",
        "api", "found", "passed", "spec defects", "generator failures"
    );
    let mut all = Tally::default();
    for (api, t) in &tallies {
        println!(
            "{api:<22} {:>6} {:>7} {:>13} {:>20}",
            t.found, t.passed, t.defects, t.failures
        );
        all.found += t.found;
        all.passed += t.passed;
        all.defects += t.defects;
        all.failures += t.failures;
    }
    println!(
        "{:<22} {:>6} {:>7} {:>13} {:>20}",
        "all", all.found, all.passed, all.defects, all.failures
    );
    if !defects.is_empty() {
        println!("spec defects (the example breaks its own schema):");
        for line in &defects {
            println!("{line}");
        }
    }
    if !failures.is_empty() {
        println!("generator failures (the example fits its schema but does not round-trip):");
        for line in &failures {
            println!("{line}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} generator failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_malformed_identifier_is_a_spec_defect() {
    let schema =
        r#"{"type":"object","properties":{"user_id":{"type":"string","format":"mx-user-id"}}}"#;
    let bad = serde_json::json!({"user_id": "alice"});
    let good = serde_json::json!({"user_id": "@alice:example.org"});
    assert_eq!(
        violation(schema, &bad),
        Ok(Some(
            "malformed mx-user-id value \"alice\" at /user_id".to_owned()
        ))
    );
    assert_eq!(violation(schema, &good), Ok(None));
}

#[test]
fn an_error_example_round_trips_through_matrix_error() {
    let json =
        r#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests","retry_after_ms":2000}"#;
    assert_eq!(round_trip_error(json, Some(429)), Ok(()));
    let uiaa = r#"{"flows":[{"stages":["m.login.dummy"]}],"params":{},"session":"x"}"#;
    assert_eq!(round_trip_error(uiaa, Some(401)), Ok(()));
    assert!(round_trip_error("[1]", Some(400)).is_err());
}

#[test]
fn a_valid_example_that_does_not_round_trip_is_a_generator_failure() {
    fn never(_: &str, _: Option<u16>) -> Result<(), String> {
        Err("lost a key".to_owned())
    }
    let example = Example {
        api: "client_server",
        type_path: "client_server::Test",
        place: "api/client-server/test.yaml",
        status: None,
        schema: None,
        json: r#"{"a":1}"#,
        round_trip: never,
    };
    let schema = r#"{"type":"object","properties":{"a":{"type":"integer"}}}"#;
    assert!(matches!(
        judge(&example, Some(schema)),
        Verdict::GeneratorFailure(_)
    ));
    let strict = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
    assert!(matches!(
        judge(&example, Some(strict)),
        Verdict::SpecDefect(_)
    ));
    // No schema at all: the spec's slip.
    assert!(matches!(judge(&example, None), Verdict::SpecDefect(_)));
}
