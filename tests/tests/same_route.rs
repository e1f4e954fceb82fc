//! Two operations on one method and route: `POST /_matrix/client/v3/rooms/{roomId}/invite` is
//! `inviteBy3PID` and `inviteUser` (`api-specs/client-server-v3/`). Each keeps its own types
//! and `METADATA`; the generated router mounts the route once and tries them in operationId
//! order (`inviteBy3PID`, then `inviteUser`): the first whose request parses and whose method
//! does not answer 404 `M_UNRECOGNIZED` is called.

use matrix_api::client_server_v3::{invite_by_3pid, invite_user, server};
use matrix_api::runtime::OutgoingRequest as _;
use matrix_api::runtime::server::AccessToken;
use matrix_api::runtime::{ErrorCode, MatrixError};
use serde_json::{Value, json};
use tower::ServiceExt;

const ROOM: &str = "!room:example.org";
const PATH: &str = "/_matrix/client/v3/rooms/%21room%3Aexample.org/invite";

fn answer(fields: Value) -> serde_json::Map<String, Value> {
    match fields {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// Implements both operations; each says which one answered and what it received.
struct Both;

impl server::Api for Both {
    async fn invite_by_3pid(
        &self,
        token: AccessToken,
        request: invite_by_3pid::Request,
    ) -> Result<invite_by_3pid::Response, MatrixError> {
        Ok({
            let mut value = invite_by_3pid::Response::default();
            value.extra = answer(json!({
                "via": "invite_by_3pid",
                "token": token.as_str(),
                "room": request.room_id,
                "address": request.address,
                "medium": request.medium,
            }));
            value
        })
    }

    async fn invite_user(
        &self,
        token: AccessToken,
        request: invite_user::Request,
    ) -> Result<invite_user::Response, MatrixError> {
        if request.user_id == "@banned:example.org" {
            return Err(MatrixError::new(
                http::StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "banned",
            ));
        }
        Ok({
            let mut value = invite_user::Response::default();
            value.extra = answer(json!({
                "via": "invite_user",
                "token": token.as_str(),
                "room": request.room_id,
                "user_id": request.user_id,
                "reason": request.reason,
            }));
            value
        })
    }
}

/// Implements `invite_user` only: `invite_by_3pid` keeps its default, 404 `M_UNRECOGNIZED`.
struct OnlyUser;

impl server::Api for OnlyUser {
    async fn invite_user(
        &self,
        _: AccessToken,
        request: invite_user::Request,
    ) -> Result<invite_user::Response, MatrixError> {
        Ok({
            let mut value = invite_user::Response::default();
            value.extra = answer(json!({ "via": "invite_user", "user_id": request.user_id }));
            value
        })
    }
}

/// Implements `invite_by_3pid` only.
struct Only3pid;

impl server::Api for Only3pid {
    async fn invite_by_3pid(
        &self,
        _: AccessToken,
        request: invite_by_3pid::Request,
    ) -> Result<invite_by_3pid::Response, MatrixError> {
        Ok({
            let mut value = invite_by_3pid::Response::default();
            value.extra = answer(json!({ "via": "invite_by_3pid", "address": request.address }));
            value
        })
    }
}

/// Sends `body` to the invite route of `service`'s router; the status and JSON answer.
async fn post(service: impl server::Api, token: Option<&str>, body: &'static [u8]) -> (u16, Value) {
    let mut request = http::Request::builder()
        .method("POST")
        .uri(PATH)
        .header("Content-Type", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let request = request.body(axum::body::Body::from(body)).expect("request");
    send(service, request).await
}

async fn send(service: impl server::Api, request: http::Request<axum::body::Body>) -> (u16, Value) {
    let response = server::router(service)
        .oneshot(request)
        .await
        .expect("answers");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let json =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {bytes:?}"));
    (status, json)
}

const THREEPID: &[u8] = br#"{"id_server": "id.example.org", "id_access_token": "ist",
    "medium": "email", "address": "alice@example.org"}"#;
const USER: &[u8] = br#"{"user_id": "@bob:example.org", "reason": "Welcome"}"#;

#[test]
fn both_operations_keep_their_own_types_and_metadata() {
    assert_eq!(invite_by_3pid::METADATA.method, "POST");
    assert_eq!(invite_user::METADATA.method, "POST");
    assert_eq!(
        invite_by_3pid::METADATA.path,
        "/_matrix/client/v3/rooms/{roomId}/invite"
    );
    assert_eq!(invite_user::METADATA.path, invite_by_3pid::METADATA.path);
}

#[tokio::test]
async fn a_server_implementing_both_gets_each_body_at_its_method() {
    let (status, body) = post(Both, Some("tok"), THREEPID).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["via"], "invite_by_3pid");
    assert_eq!(body["room"], ROOM);
    assert_eq!(body["token"], "tok");
    assert_eq!(body["address"], "alice@example.org");
    assert_eq!(body["medium"], "email");

    let (status, body) = post(Both, Some("tok"), USER).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["via"], "invite_user");
    assert_eq!(body["room"], ROOM);
    assert_eq!(body["user_id"], "@bob:example.org");
    assert_eq!(body["reason"], "Welcome");

    // Another error of an implemented method is the answer; it does not fall through.
    let (status, body) = post(Both, Some("tok"), br#"{"user_id": "@banned:example.org"}"#).await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (403, Some("M_FORBIDDEN"))
    );
}

#[tokio::test]
async fn requests_built_by_either_client_type_reach_their_method() {
    let by_3pid = invite_by_3pid::Request::new(
        ROOM.into(),
        "id.example.org".into(),
        "ist".into(),
        "msisdn".into(),
        "15551234567".into(),
    )
    .try_into_http_request("https://hs.example.org", Some("tok"))
    .expect("builds");
    let user = invite_user::Request::new(ROOM.into(), "@carol:example.org".into())
        .try_into_http_request("https://hs.example.org", Some("tok"))
        .expect("builds");
    assert_eq!(by_3pid.method(), user.method());
    assert_eq!(by_3pid.uri().path(), user.uri().path());

    let (status, body) = send(Both, by_3pid.map(axum::body::Body::from)).await;
    assert_eq!(
        (status, body["via"].as_str()),
        (200, Some("invite_by_3pid"))
    );
    assert_eq!(body["address"], "15551234567");
    let (status, body) = send(Both, user.map(axum::body::Body::from)).await;
    assert_eq!((status, body["via"].as_str()), (200, Some("invite_user")));
    assert_eq!(body["user_id"], "@carol:example.org");
    assert_eq!(body["reason"], Value::Null);
}

#[tokio::test]
async fn an_unimplemented_operation_answers_404_and_the_other_still_works() {
    // The 3PID body parses as `inviteBy3PID` only, whose method is the default.
    let (status, body) = post(OnlyUser, Some("tok"), THREEPID).await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (404, Some("M_UNRECOGNIZED")),
        "{body}"
    );
    let (status, body) = post(OnlyUser, Some("tok"), USER).await;
    assert_eq!((status, body["via"].as_str()), (200, Some("invite_user")));
    assert_eq!(body["user_id"], "@bob:example.org");

    let (status, body) = post(Only3pid, Some("tok"), USER).await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (404, Some("M_UNRECOGNIZED")),
        "{body}"
    );
    let (status, body) = post(Only3pid, Some("tok"), THREEPID).await;
    assert_eq!(
        (status, body["via"].as_str()),
        (200, Some("invite_by_3pid"))
    );
}

#[tokio::test]
async fn a_body_fitting_both_goes_to_the_first_implemented_one() {
    const BOTH: &[u8] = br#"{"id_server": "id.example.org", "id_access_token": "ist",
        "medium": "email", "address": "alice@example.org", "user_id": "@bob:example.org"}"#;
    // `inviteBy3PID` sorts first.
    let (_, body) = post(Both, Some("tok"), BOTH).await;
    assert_eq!(body["via"], "invite_by_3pid");
    // Its method declines (the default), so the next operation the body parses as is called.
    let (_, body) = post(OnlyUser, Some("tok"), BOTH).await;
    assert_eq!(body["via"], "invite_user");
}

#[tokio::test]
async fn malformed_requests_get_the_error_of_the_last_operation_tried() {
    for service in [0, 1, 2] {
        let call = |body: &'static [u8]| async move {
            match service {
                0 => post(Both, Some("tok"), body).await,
                1 => post(OnlyUser, Some("tok"), body).await,
                _ => post(Only3pid, Some("tok"), body).await,
            }
        };
        let (status, body) = call(b"{not json").await;
        assert_eq!(
            (status, body["errcode"].as_str()),
            (400, Some("M_NOT_JSON"))
        );

        // Fits neither: the answer is `inviteUser`'s, the last tried.
        let (status, body) = call(b"{}").await;
        assert_eq!(
            (status, body["errcode"].as_str()),
            (400, Some("M_BAD_JSON")),
            "{body}"
        );
        assert!(
            body["error"]
                .as_str()
                .is_some_and(|e| e.contains("user_id")),
            "{body}"
        );
        let (status, body) = call(br#"{"user_id": 5}"#).await;
        assert_eq!(
            (status, body["errcode"].as_str()),
            (400, Some("M_BAD_JSON")),
            "{body}"
        );

        // The token is checked first, as on every route that needs one.
        let (status, body) = match service {
            0 => post(Both, None, USER).await,
            1 => post(OnlyUser, None, USER).await,
            _ => post(Only3pid, None, USER).await,
        };
        assert_eq!(
            (status, body["errcode"].as_str()),
            (401, Some("M_MISSING_TOKEN"))
        );
    }
    // A wrong method is still 405.
    let request = http::Request::builder()
        .method("GET")
        .uri(PATH)
        .body(axum::body::Body::empty())
        .expect("request");
    let (status, body) = send(Both, request).await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (405, Some("M_UNRECOGNIZED"))
    );
}

/// Answers `invite_user` with what `current_access_token` says inside the method.
struct SeesCredentials;

impl server::Api for SeesCredentials {
    async fn invite_user(
        &self,
        _: AccessToken,
        _: invite_user::Request,
    ) -> Result<invite_user::Response, MatrixError> {
        let seen = matrix_api::runtime::server::current_access_token();
        Ok({
            let mut value = invite_user::Response::default();
            value.extra = answer(json!({ "seen": seen.as_ref().map(AccessToken::as_str) }));
            value
        })
    }
}

#[tokio::test]
async fn a_method_on_a_shared_route_sees_the_credentials_of_its_request() {
    let (status, body) = post(SeesCredentials, Some("secret"), USER).await;
    assert_eq!((status, &body["seen"]), (200, &json!("secret")), "{body}");
}
