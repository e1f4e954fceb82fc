//! The seed change: every `requestToken` response is a required `sid` plus an optional
//! `submit_url`, merged by `allOf` across files.

use matrix_api::{client_server, identity};
use serde_json::json;

/// Round-trips both seed examples through one `Response` type, checking the fields.
macro_rules! check_response {
    ($response:ty) => {{
        let with_url = json!({"sid": "123abc", "submit_url": "https://example.org/path/to/submitToken"});
        let parsed: $response = serde_json::from_value(with_url.clone()).expect("with submit_url");
        assert_eq!(parsed.sid, "123abc");
        assert_eq!(parsed.submit_url.as_deref(), Some("https://example.org/path/to/submitToken"));
        assert_eq!(serde_json::to_value(&parsed).expect("serializes"), with_url);

        let without_url = json!({"sid": "123abc"});
        let parsed: $response = serde_json::from_value(without_url.clone()).expect("without submit_url");
        assert_eq!(parsed.sid, "123abc");
        assert_eq!(parsed.submit_url, None);
        // An absent `submit_url` stays absent on the wire, not `null`.
        assert_eq!(serde_json::to_value(&parsed).expect("serializes"), without_url);

        // `sid` is required.
        assert!(serde_json::from_value::<$response>(json!({"submit_url": "https://x.y"})).is_err());
    }};
}

#[test]
fn every_client_server_request_token_response_has_sid_and_optional_submit_url() {
    check_response!(client_server::request_token_to_3pid_email::Response);
    check_response!(client_server::request_token_to_3pid_msisdn::Response);
    check_response!(client_server::request_token_to_register_email::Response);
    check_response!(client_server::request_token_to_register_msisdn::Response);
    check_response!(client_server::request_token_to_reset_password_email::Response);
    check_response!(client_server::request_token_to_reset_password_msisdn::Response);
}

#[test]
fn the_identity_service_answers_with_a_sid() {
    let parsed: identity::email_request_token::Response =
        serde_json::from_value(json!({"sid": "123abc"})).expect("sid");
    assert_eq!(parsed.body.sid, "123abc");
}

#[test]
fn request_token_metadata_describes_the_route() {
    let metadata = &client_server::request_token_to_3pid_email::METADATA;
    assert_eq!(metadata.operation_id, "requestTokenTo3PIDEmail");
    assert_eq!(metadata.method, "POST");
    assert_eq!(
        metadata.path,
        "/_matrix/client/{client_major_version}/account/3pid/email/requestToken"
    );
    assert_eq!(
        metadata.authentication,
        matrix_api::runtime::Authentication::None
    );
    assert_eq!(
        client_server::get_account_3pids::METADATA.authentication,
        matrix_api::runtime::Authentication::AccessToken
    );
}

#[test]
fn requests_serialize_to_the_spec_body() {
    let request = client_server::request_token_to_3pid_email::Request {
        client_secret: "monkeys_are_GREAT".into(),
        email: "alice@example.org".into(),
        send_attempt: 1,
        next_link: None,
        id_server: "id.example.com".into(),
        extra: Default::default(),
    };
    assert_eq!(
        serde_json::to_value(&request).expect("serializes"),
        json!({
            "client_secret": "monkeys_are_GREAT",
            "email": "alice@example.org",
            "send_attempt": 1,
            "id_server": "id.example.com"
        })
    );
}
