//! Every example of the spec round-trips through its generated type: deserialized, serialized
//! back, and equal as JSON to what the spec wrote.

use serde::Serialize;
use serde::de::DeserializeOwned;

struct Example {
    type_path: &'static str,
    place: &'static str,
    json: &'static str,
    round_trip: fn(&str) -> Result<(), String>,
}

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

#[test]
fn every_example_round_trips() {
    assert!(
        !EXAMPLES.is_empty(),
        "the spec has no examples: the table is wrong"
    );
    let failures: Vec<String> = EXAMPLES
        .iter()
        .filter_map(|e| {
            (e.round_trip)(e.json)
                .err()
                .map(|why| format!("{} ({}): {why}", e.type_path, e.place))
        })
        .collect();
    println!("{} examples, {} failed", EXAMPLES.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
