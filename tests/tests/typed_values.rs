//! Typed values: strings of the spec's formats (`mx-user-id`, `mx-room-id`, ...) are types of
//! `runtime::identifiers`, checked when read — from JSON, and from path, query and header
//! parameters by the generated server.

use matrix_api::client_server::{self as cs, server};
use matrix_api::runtime::OutgoingRequest as _;
use matrix_api::runtime::identifiers::{
    FORMATS, IdParseErrorKind, OwnedRoomId, OwnedServerName, OwnedUserId,
};
use matrix_api_tests::homeserver::TinyHomeserver;
use tower::ServiceExt;

#[test]
fn the_generator_maps_the_runtime_formats() {
    assert_eq!(FORMATS, matrix_codegen::DEFAULT_FORMAT_TYPES);
}

#[test]
fn a_room_id_with_a_bad_sigil_is_refused() {
    let error = "#room:example.org"
        .parse::<OwnedRoomId>()
        .expect_err("`#` is an alias's sigil");
    assert_eq!(error.format, "mx-room-id");
    assert_eq!(error.kind, IdParseErrorKind::MissingPrefix("!"));
    let room: OwnedRoomId = "!room:example.org".parse().expect("a room ID");
    assert_eq!(room, "!room:example.org");
    assert!(OwnedUserId::try_from("alice:example.org").is_err());
}

/// The generated server answers a path parameter that is not of its format with 400
/// `M_INVALID_PARAM` naming the parameter, before the handler runs.
#[tokio::test]
async fn the_router_refuses_a_user_id_with_a_bad_sigil() {
    let router = server::router(TinyHomeserver::new("tiny.test"));
    for (path, valid) in [
        (
            "/_matrix/client/v3/profile/!alice:tiny.test/displayname",
            false,
        ),
        ("/_matrix/client/v3/profile/alice/displayname", false),
        (
            "/_matrix/client/v3/profile/%40alice%3Atiny.test/displayname",
            true,
        ),
    ] {
        let request = http::Request::get(path)
            .body(axum::body::Body::empty())
            .expect("request");
        let response = router.clone().oneshot(request).await.expect("answers");
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        if valid {
            // Parsed, reached the handler: nobody has a display name yet.
            assert_eq!(
                (status, body["errcode"].as_str()),
                (404, Some("M_NOT_FOUND"))
            );
            continue;
        }
        assert_eq!(
            (status, body["errcode"].as_str()),
            (400, Some("M_INVALID_PARAM")),
            "{path}: {body}"
        );
        let message = body["error"].as_str().unwrap_or_default();
        assert!(message.contains("`userId`"), "{message}");
        assert!(message.contains("mx-user-id"), "{message}");
    }
}

/// `join_room_by_id` takes its room ID in the constructor (there is no `Default` that would
/// build `/rooms//join`), and the server refuses a room ID with another sigil before the
/// handler runs, naming the parameter.
#[tokio::test]
async fn a_join_needs_a_room_id_and_the_router_refuses_a_bad_one() {
    let room: OwnedRoomId = "!d41d8cd:matrix.org".parse().expect("a room ID");
    let request = cs::join_room_by_id::Request::new(room.clone());
    let built = request
        .try_into_http_request("https://h", Some("token"))
        .expect("builds");
    assert_eq!(
        built.uri().path(),
        "/_matrix/client/v3/rooms/%21d41d8cd%3Amatrix.org/join"
    );

    let router = server::router(TinyHomeserver::new("tiny.test"));
    for (room, errcode, status) in [
        ("%23alias%3Amatrix.org", "M_INVALID_PARAM", 400), // `#`: an alias, not a room ID
        ("d41d8cd%3Amatrix.org", "M_INVALID_PARAM", 400),  // no sigil at all
        ("%21d41d8cd%3Amatrix.org", "M_UNRECOGNIZED", 404), // valid: the tiny server does not join
    ] {
        let request = http::Request::post(format!("/_matrix/client/v3/rooms/{room}/join"))
            .header("authorization", "Bearer token")
            .body(axum::body::Body::from("{}"))
            .expect("request");
        let response = router.clone().oneshot(request).await.expect("answers");
        let code = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(
            (code, body["errcode"].as_str()),
            (status, Some(errcode)),
            "{room}: {body}"
        );
        if code == 400 {
            let message = body["error"].as_str().unwrap_or_default();
            assert!(
                message.contains("`roomId`") && message.contains("mx-room-id"),
                "{message}"
            );
        }
    }
}

/// The client side writes a typed path parameter as its text.
#[test]
fn the_client_writes_a_typed_parameter_as_text() {
    let request =
        cs::get_display_name::Request::new("@alice:tiny.test".parse().expect("a user ID"))
            .try_into_http_request("https://h", None)
            .expect("builds");
    assert_eq!(
        request.uri().path(),
        "/_matrix/client/v3/profile/%40alice%3Atiny.test/displayname"
    );
}

#[test]
fn typed_fields_round_trip_through_serde() {
    let json = serde_json::json!({
        "user_id": "@cheeky_monkey:matrix.org",
        "access_token": "abc123",
        "device_id": "GHTYAJCE",
        "home_server": "matrix.org:8448",
    });
    let login: cs::login::Response = serde_json::from_value(json.clone()).expect("reads");
    let user_id: &OwnedUserId = &login.user_id;
    assert_eq!(user_id.localpart(), "cheeky_monkey");
    // `home_server` is deprecated by the spec (the warning users get), still typed.
    #[allow(deprecated)]
    let server: &OwnedServerName = login.home_server.as_ref().expect("home_server");
    assert_eq!(server.port(), Some(8448));
    assert_eq!(serde_json::to_value(&login).expect("writes"), json);

    let whoami: cs::get_token_owner::Response =
        serde_json::from_value(serde_json::json!({"user_id": "@joe:example.org"})).expect("reads");
    assert_eq!(whoami.user_id, "@joe:example.org");

    // A value that is not of its format does not read.
    let error = serde_json::from_value::<cs::get_token_owner::Response>(
        serde_json::json!({"user_id": "joe"}),
    )
    .expect_err("not a user ID");
    assert!(error.to_string().contains("mx-user-id"), "{error}");
}
