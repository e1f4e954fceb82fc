//! The generated structs' `Deserialize` and `Serialize` (written out by the generator, not
//! derived): errors as serde's derive gave them, unknown keys kept where the type keeps them,
//! absent and `null` optional fields, and round trips.

use matrix_api::client_server::{self, DiscoveryInformation};
use serde_json::json;

type TokenResponse = client_server::request_token_to_3pid_email::Response;

fn error_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
    serde_json::from_str::<T>(text)
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn a_missing_required_field_is_named() {
    let error = error_of::<TokenResponse>(r#"{"submit_url": "https://x.example"}"#);
    assert!(error.starts_with("missing field `sid`"), "{error}");
}

#[test]
fn a_repeated_field_is_refused_by_name() {
    let error = error_of::<TokenResponse>(r#"{"sid": "a", "sid": "b"}"#);
    assert!(error.starts_with("duplicate field `sid`"), "{error}");
}

#[test]
fn a_value_of_the_wrong_type_says_what_was_expected() {
    let error = error_of::<TokenResponse>(r#"{"sid": 12}"#);
    assert!(error.starts_with("invalid type: integer `12`"), "{error}");
    // Not an object at all: the struct's name, as serde's derive said it.
    let error = error_of::<TokenResponse>(r#"["a"]"#);
    assert!(error.contains("expected struct Response"), "{error}");
}

#[test]
fn absent_and_null_optional_fields_read_as_none_and_are_not_written() {
    for text in [r#"{"sid": "a"}"#, r#"{"sid": "a", "submit_url": null}"#] {
        let parsed: TokenResponse = serde_json::from_str(text).expect("parses");
        assert_eq!(parsed.submit_url, None);
        assert_eq!(
            serde_json::to_value(&parsed).expect("writes"),
            json!({"sid": "a"})
        );
    }
}

#[test]
fn unknown_keys_are_kept_and_written_back() {
    let text = json!({
        "sid": "a",
        "org.example.flag": true,
        "nested": {"deep": [1, 2, {"x": null}]},
    });
    let parsed: TokenResponse = serde_json::from_value(text.clone()).expect("parses");
    assert_eq!(parsed.sid, "a");
    assert_eq!(parsed.extra.get("org.example.flag"), Some(&json!(true)));
    assert_eq!(parsed.extra.len(), 2);
    assert_eq!(serde_json::to_value(&parsed).expect("writes"), text);
    // The same from bytes, where keys are borrowed from the input, and with escapes in a key
    // (which serde_json hands over as a copy).
    let bytes = br#"{"sid":"a","org.ex\u0061mple":1}"#;
    let parsed: TokenResponse = serde_json::from_slice(bytes).expect("parses");
    assert_eq!(parsed.extra.get("org.example"), Some(&json!(1)));
}

#[test]
fn a_typed_extra_map_keeps_unknown_keys_with_their_typed_values() {
    // `DiscoveryInformation` keeps further keys as `HomeserverInformation`-like objects.
    let text = json!({
        "m.homeserver": {"base_url": "https://matrix.example.org"},
        "org.example.service": {"base_url": "https://service.example.org", "extra": 1},
    });
    let parsed: DiscoveryInformation = serde_json::from_value(text.clone()).expect("parses");
    assert_eq!(parsed.m_homeserver.base_url, "https://matrix.example.org");
    assert_eq!(parsed.m_identity_server, None);
    assert_eq!(parsed.extra.len(), 1);
    assert_eq!(serde_json::to_value(&parsed).expect("writes"), text);
    // A declared key is never also an unknown one.
    assert!(!parsed.extra.contains_key("m.homeserver"));
}

#[test]
fn the_request_body_leaves_out_parameters_and_local_fields() {
    let mut request = client_server::request_token_to_3pid_email::Request::new(
        "secret".into(),
        "alice@example.org".into(),
        1,
    );
    request
        .extra_params
        .query
        .push(("org.example".into(), "1".into()));
    let written = serde_json::to_value(&request).expect("writes");
    assert_eq!(
        written,
        json!({"client_secret": "secret", "email": "alice@example.org", "send_attempt": 1})
    );
    let read: client_server::request_token_to_3pid_email::Request =
        serde_json::from_value(written).expect("reads");
    assert!(read.extra_params.query.is_empty());
    assert_eq!(read.client_secret, "secret");
}

#[test]
fn every_key_order_reads_the_same() {
    let a: TokenResponse =
        serde_json::from_str(r#"{"x": 1, "sid": "a", "submit_url": "u"}"#).expect("parses");
    let b: TokenResponse =
        serde_json::from_str(r#"{"submit_url": "u", "sid": "a", "x": 1}"#).expect("parses");
    // Requests and responses have no `PartialEq` (as in ruma): compare what is held.
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(a.sid, "a");
}

#[test]
fn a_number_is_written_back_as_read_and_whole_numbers_go_out_whole() {
    use matrix_api::runtime::Number;
    use matrix_api_tests::fixtures::refs::client_server::Tag;
    // `order` is `type: number`; `weight` also says `format: double`, so it is an `f64`.
    for wire in [
        json!({"name": "t", "order": 1}),
        json!({"name": "t", "order": 1.0}),
        json!({"name": "t", "order": 0.25, "weight": 0.5}),
    ] {
        let tag: Tag = serde_json::from_value(wire.clone()).expect("a tag");
        assert_eq!(serde_json::to_value(&tag).expect("serializes"), wire);
    }
    let mut tag: Tag = serde_json::from_value(json!({"name": "t"})).expect("a tag");
    tag.order = Number::from_f64(2.0);
    tag.weight = Some(2.0);
    assert_eq!(
        serde_json::to_value(&tag).expect("serializes"),
        json!({"name": "t", "order": 2, "weight": 2.0})
    );
    let read: Tag = serde_json::from_value(json!({"name": "t", "order": 3})).expect("a tag");
    assert_eq!(read.order.as_ref().and_then(Number::as_i64), Some(3));
    assert_eq!(read.order_or_default(), 3.0);
    // Absent, the spec's default (`default: 1`).
    let absent: Tag = serde_json::from_value(json!({"name": "t"})).expect("a tag");
    assert_eq!(absent.order_or_default(), 1.0);
}
