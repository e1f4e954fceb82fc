//! A federation request body is a signed event of which the spec names a few fields; a server
//! must be able to verify or forward it, so no key may be lost on the way through the
//! generated types. Signatures are computed over canonical JSON (keys sorted, no spaces), and
//! that is what comes back out: the received bytes, exactly.

use matrix_api::runtime::{IncomingRequest as _, OutgoingRequest as _};
use matrix_api_tests::fixtures::federation::server_server::send_join;

/// A signed join event in canonical JSON: the spec's fixture names `sender`, `origin`,
/// `origin_server_ts`, `type`, `state_key` and `content.membership`; everything else
/// (`auth_events`, `hashes`, `signatures`, ...) is undeclared.
const SIGNED_EVENT: &str = concat!(
    r#"{"auth_events":["$a1","$a2"],"content":{"displayname":"Alice","membership":"join"},"#,
    r#""depth":12,"hashes":{"sha256":"lnQ7JD0h4C8OYM1v0kM5U0cJ9O3t1mF2N0Jv0s6yXQ4"},"#,
    r#""origin":"example.org","origin_server_ts":1549041175876,"prev_events":["$p1"],"#,
    r#""room_id":"!room:example.org","sender":"@alice:example.org","#,
    r#""signatures":{"example.org":{"ed25519:key1":"a2V5IHNpZ25hdHVyZQ"}},"#,
    r#""state_key":"@alice:example.org","type":"m.room.member","#,
    r#""unsigned":{"age":4612}}"#
);

fn canonical(value: &impl serde::Serialize) -> String {
    // serde_json's maps are sorted: through `Value`, any type is written with sorted keys.
    let value = serde_json::to_value(value).expect("serializes");
    serde_json::to_string(&value).expect("writes")
}

#[test]
fn a_signed_event_round_trips_byte_exactly_through_the_server_side() {
    let request = http::Request::put("/_matrix/federation/v2/send_join/!room:example.org/$join")
        .header("content-type", "application/json")
        .body(SIGNED_EVENT.as_bytes().to_vec())
        .expect("request");
    let path_args = vec!["!room:example.org".to_owned(), "$join".to_owned()];
    let received = send_join::Request::try_from_http_request(request, &path_args)
        .expect("the server reads it");
    assert_eq!(received.sender, "@alice:example.org");
    assert_eq!(received.content.membership, "join");
    assert!(
        received.extra.contains_key("signatures"),
        "{:?}",
        received.extra
    );
    assert!(received.extra.contains_key("hashes"));
    assert!(received.extra.contains_key("auth_events"));
    assert_eq!(
        received.content.extra.get("displayname"),
        Some(&serde_json::json!("Alice"))
    );

    // What the server has is exactly what was signed.
    assert_eq!(canonical(&received), SIGNED_EVENT);

    // Forwarded to another server through the client side, the body is the same event.
    let forwarded = received
        .try_into_http_request("https://other.example.org", None)
        .expect("builds");
    let body: serde_json::Value = serde_json::from_slice(forwarded.body()).expect("JSON");
    assert_eq!(canonical(&body), SIGNED_EVENT);
}
