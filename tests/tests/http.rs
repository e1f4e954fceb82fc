//! The generated client conversions against the generated server over loopback, and the
//! server's answers to malformed input, as a homeserver gives them.

use matrix_api::client_server::{self as cs, server};
use matrix_api::runtime::client::{Client, ClientError};
use matrix_api::runtime::identifiers::OwnedUserId;
use matrix_api::runtime::{ErrorCode, IntoHttpError, MatrixError};
use matrix_api::runtime::{IncomingResponse as _, OutgoingRequest as _};
use matrix_api_tests::homeserver::{PASSWORD, TinyHomeserver, serve};
use tower::ServiceExt;

/// Starts the tiny homeserver on a free loopback port; it stops with the test's runtime.
async fn start() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(serve(listener, TinyHomeserver::new("tiny.test")));
    format!("http://{address}")
}

fn login_request(user: &str, password: &str) -> cs::login::Request {
    let mut identifier = cs::UserIdentifier::new("m.id.user".into());
    identifier.extra.insert("user".into(), user.into());
    {
        let mut built = cs::login::Request::new("m.login.password".into());
        built.identifier = Some(identifier);
        built.password = Some(password.into());
        built
    }
}

fn matrix_error(result: Result<impl std::fmt::Debug, ClientError>) -> MatrixError {
    match result {
        Err(error) => error
            .matrix_error()
            .cloned()
            .unwrap_or_else(|| panic!("not a Matrix error: {error}")),
        Ok(value) => panic!("expected an error, got {value:?}"),
    }
}

#[tokio::test]
async fn client_and_server_agree_over_loopback() {
    let mut client = Client::new(start().await);

    let versions = client
        .send(&cs::get_versions::Request::default())
        .await
        .expect("versions");
    assert!(versions.versions.contains(&"v1.1".to_owned()));
    let flows = client
        .send(&cs::get_login_flows::Request::default())
        .await
        .expect("flows");
    assert_eq!(flows.flows.expect("flows")[0].r#type, "m.login.password");

    // A wrong password is the server's typed 403.
    let denied = matrix_error(client.send(&login_request("alice", "wrong")).await);
    assert_eq!(
        (denied.status.as_u16(), denied.errcode),
        (403, ErrorCode::Forbidden)
    );

    let login = client
        .send(&login_request("alice", PASSWORD))
        .await
        .expect("login");
    assert_eq!(login.user_id, "@alice:tiny.test");

    // Without a token the client refuses to build the request at all.
    match client.send(&cs::get_token_owner::Request::default()).await {
        Err(ClientError::Request(IntoHttpError::NeedsAuthentication)) => {}
        other => panic!("expected NeedsAuthentication, got {other:?}"),
    }
    client.set_access_token(Some("not-a-token".into()));
    let unknown = matrix_error(client.send(&cs::get_token_owner::Request::default()).await);
    assert_eq!(
        (unknown.status.as_u16(), unknown.errcode),
        (401, ErrorCode::UnknownToken)
    );

    client.set_access_token(Some(login.access_token.clone()));
    let whoami = client
        .send(&cs::get_token_owner::Request::default())
        .await
        .expect("whoami");
    assert_eq!(whoami.user_id, "@alice:tiny.test");

    // All six requestToken endpoints: a `sid`, and `submit_url` for phone numbers only.
    let email = |n: i64| (format!("secret{n}"), "alice@example.org".to_owned(), n);
    let (secret, address, attempt) = email(1);
    let r = client
        .send(&cs::request_token_to_register_email::Request::new(
            secret, address, attempt,
        ))
        .await
        .expect("register email");
    assert!(!r.sid.is_empty() && r.submit_url.is_none());
    let r = client
        .send(&cs::request_token_to_3pid_email::Request::new(
            "s".into(),
            "alice@example.org".into(),
            1,
        ))
        .await
        .expect("3pid email");
    assert!(!r.sid.is_empty() && r.submit_url.is_none());
    let r = client
        .send(&cs::request_token_to_reset_password_email::Request::new(
            "s".into(),
            "alice@example.org".into(),
            1,
        ))
        .await
        .expect("password email");
    assert!(!r.sid.is_empty() && r.submit_url.is_none());
    let phone = |_: ()| ("s".to_owned(), "GB".to_owned(), "07700900001".to_owned());
    let (s, country, number) = phone(());
    let r = client
        .send(&cs::request_token_to_register_msisdn::Request::new(
            s.clone(),
            country.clone(),
            number.clone(),
            1,
        ))
        .await
        .expect("register msisdn");
    assert!(r.submit_url.is_some());
    let r = client
        .send(&cs::request_token_to_3pid_msisdn::Request::new(
            s.clone(),
            country.clone(),
            number.clone(),
            1,
        ))
        .await
        .expect("3pid msisdn");
    assert!(r.submit_url.is_some());
    let r = client
        .send(&cs::request_token_to_reset_password_msisdn::Request::new(
            s, country, number, 1,
        ))
        .await
        .expect("password msisdn");
    assert!(r.submit_url.is_some());

    // Operations the tiny server does not implement answer 404 M_UNRECOGNIZED by default.
    let missing = matrix_error(
        client
            .send(&cs::get_account_3pids::Request::default())
            .await,
    );
    assert_eq!(
        (missing.status.as_u16(), missing.errcode),
        (404, ErrorCode::Unrecognized)
    );

    client
        .send(&cs::logout::Request::default())
        .await
        .expect("logout");
    let gone = matrix_error(client.send(&cs::get_token_owner::Request::default()).await);
    assert_eq!(gone.errcode, ErrorCode::UnknownToken);
}

/// User IDs that break naive path building (`userId` is an `mx-user-id`, so each is one):
/// each must arrive exactly as sent.
const ADVERSARIAL: &[&str] = &[
    "@alice:example.org",
    "@a/b:example.org",
    "@what?now:example.org",
    "@#room:example.org",
    "@100%:example.org",
    "@%2F:example.org",
    "@..:example.org",
    "@a..b:example.org",
    "@$event/id+x:example.org",
    "@emoji🎉ünïcödé:example.org",
    "@semi;colon&amp=eq:example.org",
    "@alice:[::1]:8448",
];

fn user_id(value: &str) -> OwnedUserId {
    value
        .parse()
        .unwrap_or_else(|e| panic!("{value:?} is a user ID: {e}"))
}

#[tokio::test]
async fn path_parameters_arrive_byte_exact() {
    let router = server::router(TinyHomeserver::new("tiny.test"));
    let mut token = None;
    for value in ADVERSARIAL {
        // Log in once through the router itself.
        if token.is_none() {
            let request = login_request("bob", PASSWORD)
                .try_into_http_request("http://h", None)
                .expect("builds");
            let response = router
                .clone()
                .oneshot(request.map(axum::body::Body::from))
                .await
                .expect("answers");
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            let login =
                cs::login::Response::try_from_http_response(http::Response::new(body.to_vec()))
                    .expect("login");
            token = Some(login.access_token);
        }
        let set = {
            let mut built = cs::set_display_name::Request::new(user_id(value));
            built.displayname = Some(format!("name of {value}"));
            built
        };
        let request = set
            .try_into_http_request("http://h", token.as_deref())
            .expect("builds");
        let response = router
            .clone()
            .oneshot(request.map(axum::body::Body::from))
            .await
            .expect("answers");
        assert_eq!(response.status(), 200, "set {value:?}");

        let get = cs::get_display_name::Request::new(user_id(value));
        let request = get.try_into_http_request("http://h", None).expect("builds");
        let path = request.uri().path().to_owned();
        let response = router
            .clone()
            .oneshot(request.map(axum::body::Body::from))
            .await
            .expect("answers");
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let read = cs::get_display_name::Response::try_from_http_response(
            http::Response::builder()
                .status(status)
                .body(body.to_vec())
                .expect("response"),
        )
        .unwrap_or_else(|e| panic!("{value:?} via {path}: {e}"));
        assert_eq!(
            read.displayname,
            Some(format!("name of {value}")),
            "{value:?} via {path}"
        );
    }
}

#[tokio::test]
async fn path_parameters_survive_a_real_connection() {
    let base = start().await;
    let mut client = Client::new(base);
    let login = client
        .send(&login_request("carol", PASSWORD))
        .await
        .expect("login");
    client.set_access_token(Some(login.access_token));
    for value in ADVERSARIAL {
        client
            .send(&{
                let mut built = cs::set_display_name::Request::new(user_id(value));
                built.displayname = Some(format!("over tcp: {value}"));
                built
            })
            .await
            .unwrap_or_else(|e| panic!("set {value:?}: {e}"));
        let read = client
            .send(&cs::get_display_name::Request::new(user_id(value)))
            .await
            .unwrap_or_else(|e| panic!("get {value:?}: {e}"));
        assert_eq!(read.displayname, Some(format!("over tcp: {value}")));
    }
}

/// Sends raw bytes to the router and reads the Matrix error it answers with.
async fn raw(
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &'static [u8],
) -> (u16, serde_json::Value) {
    let router = server::router(TinyHomeserver::new("tiny.test"));
    let mut request = http::Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let request = request.body(axum::body::Body::from(body)).expect("request");
    let response = router.oneshot(request).await.expect("answers");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let json =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {bytes:?}"));
    (status, json)
}

#[tokio::test]
async fn malformed_input_gets_the_errors_a_homeserver_gives() {
    let login = "/_matrix/client/v3/login";
    let (status, body) = raw("POST", login, None, b"{not json").await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (400, Some("M_NOT_JSON"))
    );

    let (status, body) = raw("POST", login, None, br#"{"type": 12}"#).await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (400, Some("M_BAD_JSON"))
    );

    let (status, body) = raw(
        "POST",
        "/_matrix/client/v3/register/email/requestToken",
        None,
        br#"{"client_secret": "x"}"#,
    )
    .await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (400, Some("M_BAD_JSON")),
        "{body}"
    );

    // A required query parameter.
    let (status, body) = raw("GET", "/_matrix/client/v3/register/available", None, b"").await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (400, Some("M_MISSING_PARAM")),
        "{body}"
    );

    // A token-only endpoint without a token, also through the `access_token` query parameter.
    let (status, body) = raw("GET", "/_matrix/client/v3/account/whoami", None, b"").await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (401, Some("M_MISSING_TOKEN"))
    );
    let (status, body) = raw(
        "GET",
        "/_matrix/client/v3/account/whoami?access_token=nope",
        None,
        b"",
    )
    .await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (401, Some("M_UNKNOWN_TOKEN"))
    );

    // Unknown paths and methods.
    let (status, body) = raw("GET", "/_matrix/client/v3/no/such/endpoint", None, b"").await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (404, Some("M_UNRECOGNIZED"))
    );
    let (status, body) = raw("DELETE", login, None, b"").await;
    assert_eq!(
        (status, body["errcode"].as_str()),
        (405, Some("M_UNRECOGNIZED"))
    );

    // The r0 prefix of the seed's spec reaches the same operations.
    let (status, _) = raw("GET", "/_matrix/client/r0/login", None, b"").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn every_operation_is_routed() {
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
    let generated = matrix_codegen::Config::new(specs)
        .generate()
        .expect("generates");
    let module = generated
        .ir
        .modules
        .iter()
        .find(|m| m.ident == "client_server")
        .expect("client-server");
    for op in &module.operations {
        let path = op
            .path
            .replace("{client_major_version}", "v3")
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let (status, body) = raw(op.method.as_str(), &path, Some("token"), b"{}").await;
        // The router's own "no such endpoint" would mean the route is missing.
        assert_ne!(
            body["error"], "Unrecognized request",
            "{} {path} is not routed ({status})",
            op.operation_id
        );
        assert!(body.is_object(), "{}: {body}", op.operation_id);
    }
}

/// A server that records the token each call to an operation without `security` carried.
#[derive(Clone, Default)]
struct TokenObserver {
    seen: std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>>,
}

impl TokenObserver {
    fn record(&self) {
        let token = matrix_api::runtime::server::current_access_token();
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(token.map(|t| t.0));
    }

    fn take(&self) -> Vec<Option<String>> {
        std::mem::take(
            &mut *self
                .seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

impl server::Api for TokenObserver {
    async fn get_versions(
        &self,
        access_token: Option<matrix_api::runtime::server::AccessToken>,
        _request: cs::get_versions::Request,
    ) -> Result<cs::get_versions::Response, MatrixError> {
        // An operation with optional security gets the token as a parameter too.
        assert_eq!(
            access_token,
            matrix_api::runtime::server::current_access_token()
        );
        self.record();
        Ok(cs::get_versions::Response::new(vec!["v1.1".into()]))
    }

    async fn get_login_flows(
        &self,
        _request: cs::get_login_flows::Request,
    ) -> Result<cs::get_login_flows::Response, MatrixError> {
        self.record();
        Ok(cs::get_login_flows::Response::default())
    }
}

#[tokio::test]
async fn a_token_reaches_operations_without_security() {
    // `GET /login` lists no `security` in api-specs/; `GET /versions` makes a token optional.
    assert_eq!(
        cs::get_versions::METADATA.authentication,
        matrix_api::runtime::Authentication::OptionalAccessToken
    );
    assert_eq!(
        cs::get_login_flows::METADATA.authentication,
        matrix_api::runtime::Authentication::None
    );
    let observer = TokenObserver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(axum::serve(listener, server::router(observer.clone())).into_future());
    let mut client = Client::new(format!("http://{address}"));

    client
        .send(&cs::get_versions::Request::default())
        .await
        .expect("versions without a token");
    client.set_access_token(Some("syt_public_rooms_need_me".into()));
    client
        .send(&cs::get_versions::Request::default())
        .await
        .expect("versions with a token");
    client
        .send(&cs::get_login_flows::Request::default())
        .await
        .expect("flows with a token");
    client.set_access_token(None);
    client
        .send(&cs::get_login_flows::Request::default())
        .await
        .expect("flows without a token");
    assert_eq!(
        observer.take(),
        [
            None,
            Some("syt_public_rooms_need_me".to_owned()),
            Some("syt_public_rooms_need_me".to_owned()),
            None
        ]
    );

    // The conversions alone send it too, and the `access_token` query parameter counts.
    let request = cs::get_login_flows::Request::default()
        .try_into_http_request("http://h", Some("by_conversion"))
        .expect("builds");
    assert_eq!(request.headers()["authorization"], "Bearer by_conversion");
    let router = server::router(observer.clone());
    let response = router
        .clone()
        .oneshot(request.map(axum::body::Body::from))
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let request = http::Request::get("/_matrix/client/v3/login?access_token=by_query")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = router.oneshot(request).await.expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(
        observer.take(),
        [
            Some("by_conversion".to_owned()),
            Some("by_query".to_owned())
        ]
    );
    // Outside a handler there is no current token.
    assert_eq!(matrix_api::runtime::server::current_access_token(), None);
}

/// Sends `Authorization: <value>` to whoami and to an operation without `security`.
async fn with_authorization(router: &axum::Router, value: &str) -> (u16, serde_json::Value) {
    let request = http::Request::get("/_matrix/client/v3/account/whoami")
        .header("Authorization", value)
        .body(axum::body::Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("answers");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e})"));
    (status, json)
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let router = server::router(TinyHomeserver::new("tiny.test"));
    let request = login_request("dave", PASSWORD)
        .try_into_http_request("http://h", None)
        .expect("builds");
    let response = router
        .clone()
        .oneshot(request.map(axum::body::Body::from))
        .await
        .expect("answers");
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let token = cs::login::Response::try_from_http_response(http::Response::new(body.to_vec()))
        .expect("login")
        .access_token;

    for scheme in ["Bearer", "bearer", "BEARER", "bEARER"] {
        for spaces in [" ", "   "] {
            let (status, body) =
                with_authorization(&router, &format!("{scheme}{spaces}{token}")).await;
            assert_eq!(status, 200, "{scheme:?}{spaces:?}: {body}");
            assert_eq!(body["user_id"], "@dave:tiny.test");
        }
    }
    // Another scheme, or the scheme without a token, is no token at all.
    for value in [
        format!("Basic {token}"),
        "Bearer".into(),
        format!("Bearer{token}"),
    ] {
        let (status, body) = with_authorization(&router, &value).await;
        assert_eq!(
            (status, body["errcode"].as_str()),
            (401, Some("M_MISSING_TOKEN")),
            "{value:?}"
        );
    }

    // Operations without `security` see the token whatever the scheme's case.
    let observer = TokenObserver::default();
    let router = server::router(observer.clone());
    for value in ["bearer lower", "BEARER upper"] {
        let request = http::Request::get("/_matrix/client/v3/login")
            .header("Authorization", value)
            .body(axum::body::Body::empty())
            .expect("request");
        let response = router.clone().oneshot(request).await.expect("answers");
        assert_eq!(response.status(), 200);
    }
    assert_eq!(
        observer.take(),
        [Some("lower".to_owned()), Some("upper".to_owned())]
    );
}

#[tokio::test]
async fn request_token_bodies_without_id_server_are_accepted() {
    // As matrix-js-sdk sends them: no `id_server`, no `id_access_token`.
    let email = br#"{"client_secret": "monkeys_are_GREAT", "email": "alice@example.org", "send_attempt": 1}"#;
    let phone = br#"{"client_secret": "monkeys_are_GREAT", "country": "GB", "phone_number": "07700900001", "send_attempt": 1, "next_link": "https://example.org/done"}"#;
    for (path, body, submit_url) in [
        ("register/email/requestToken", &email[..], false),
        ("account/3pid/email/requestToken", email, false),
        ("account/password/email/requestToken", email, false),
        ("register/msisdn/requestToken", phone, true),
        ("account/3pid/msisdn/requestToken", phone, true),
        ("account/password/msisdn/requestToken", phone, true),
    ] {
        let router = server::router(TinyHomeserver::new("tiny.test"));
        let request = http::Request::post(format!("/_matrix/client/v3/{path}"))
            .header("Content-Type", "application/json")
            .body(axum::body::Body::from(body.to_vec()))
            .expect("request");
        let response = router.oneshot(request).await.expect("answers");
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(status, 200, "{path}: {json}");
        assert!(
            json["sid"].as_str().is_some_and(|sid| !sid.is_empty()),
            "{path}: {json}"
        );
        assert_eq!(
            json.get("submit_url").is_some(),
            submit_url,
            "{path}: {json}"
        );
    }
    // The typed request agrees: both fields are optional and absent ones are not written.
    let request = cs::request_token_to_3pid_email::Request::new(
        "monkeys_are_GREAT".into(),
        "alice@example.org".into(),
        1,
    );
    assert_eq!(
        serde_json::to_value(&request).expect("serializes"),
        serde_json::from_slice::<serde_json::Value>(email).expect("JSON")
    );
}
