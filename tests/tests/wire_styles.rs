//! Parameter styles, response headers and parameters the spec does not list, on the
//! `styles` generator fixture (OpenAPI 3.1: `api-specs/` is Swagger 2.0, which has no object
//! query parameters).

use matrix_api::runtime::{
    IncomingRequest as _, IncomingResponse as _, OutgoingRequest as _, OutgoingResponse as _,
};
use std::collections::BTreeMap;

use matrix_api::client_server;
use matrix_api::runtime::MatrixError;
use matrix_api::runtime::server::AccessToken;
use matrix_api_tests::fixtures::styles::thirdparty::{
    download, get_labelled, get_wide, query_user_by_protocol,
};
use tower::ServiceExt;

fn lookup_request() -> query_user_by_protocol::Request {
    let mut request = query_user_by_protocol::Request::new("irc".into());
    request.limit = Some(5);
    request.tags = Some(vec!["a b".into(), "c".into()]);
    request.fields = Some(BTreeMap::from([
        ("network".to_owned(), "irc".to_owned()),
        ("nick".to_owned(), "alice".to_owned()),
    ]));
    request.x_labels = Some(vec!["x".into(), "y".into()]);
    request
}

/// A bodiless request to `uri`, as a server receives it.
fn get(uri: &str) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .uri(uri)
        .body(Vec::new())
        .expect("request")
}

/// Requests have no `PartialEq` (as in ruma's): two are the same when all they hold is,
/// which their derived `Debug` shows field by field.
fn assert_same<T: std::fmt::Debug>(read: &T, written: &T) {
    assert_eq!(format!("{read:#?}"), format!("{written:#?}"));
}

#[test]
fn object_query_parameter_is_exploded_and_read_back() {
    let request = lookup_request();
    let http = request
        .try_into_http_request("https://hs.example.org", None)
        .expect("builds");
    let query = http.uri().query().expect("has a query").to_owned();
    assert_eq!(query, "limit=5&tags=a%20b,c&network=irc&nick=alice");
    assert_eq!(http.headers()["x-labels"], "x,y");

    let back = query_user_by_protocol::Request::try_from_http_request(http, &["irc".into()])
        .expect("parses");
    assert_same(&back, &request);
}

#[test]
fn exploded_object_takes_every_unclaimed_query_key() {
    let http =
        get("/_matrix/client/v3/thirdparty/user/irc?limit=2&network=irc&nick=bob&access_token=t");
    let request = query_user_by_protocol::Request::try_from_http_request(http, &["irc".into()])
        .expect("parses");
    assert_eq!(request.limit, Some(2));
    let fields = request.fields.expect("fields");
    assert_eq!(fields.get("network").map(String::as_str), Some("irc"));
    assert_eq!(fields.get("nick").map(String::as_str), Some("bob"));
    // `access_token` is the router's; the object took the other keys, none are extra.
    assert!(request.extra_params.query.is_empty());
    assert_eq!(request.tags, None);
}

#[test]
fn label_path_array_round_trips() {
    let request = get_labelled::Request::new(vec!["a".into(), "b c".into()]);
    let http = request
        .try_into_http_request("https://hs.example.org", None)
        .expect("builds");
    assert_eq!(http.uri().path(), "/_matrix/client/v3/labelled/.a.b%20c");
    let back =
        get_labelled::Request::try_from_http_request(http, &[".a.b c".into()]).expect("parses");
    assert_same(&back, &request);
}

/// What a media server answers, from the request it read.
fn serve_download(request: &download::Request) -> download::Response {
    let mut response = download::Response::default();
    response.content_type = Some("text/plain".into());
    response.body = format!("{}/{}", request.server_name, request.media_id).into_bytes();
    response.content_disposition = Some("attachment; filename=\"a.txt\"".into());
    response.cache_control = Some("no-store".into());
    response.extra_headers = echo(&request.extra_params);
    response
}

/// The extras a server received, as response headers: `x-echo-<query key>`, and
/// `x-vendor-seen` for an `x-vendor` header.
fn echo(extras: &matrix_api::runtime::Extras) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for (name, value) in &extras.query {
        let name = http::HeaderName::try_from(format!("x-echo-{name}")).expect("name");
        headers.append(name, http::HeaderValue::try_from(value).expect("value"));
    }
    if let Some(vendor) = extras.headers.get("x-vendor") {
        headers.append("x-vendor-seen", vendor.clone());
    }
    headers
}

fn with_extras(extras: &mut matrix_api::runtime::Extras) {
    extras
        .query
        .push(("org.matrix.msc4222.use_state_after".into(), "true".into()));
    extras
        .headers
        .insert("x-vendor", http::HeaderValue::from_static("v1"));
}

#[test]
fn extras_and_response_headers_travel_both_ways() {
    let mut request = download::Request::new("example.org".into(), "abc".into());
    with_extras(&mut request.extra_params);
    let http = request.try_into_http_request("", None).expect("builds");
    assert_eq!(
        http.uri().query(),
        Some("org.matrix.msc4222.use_state_after=true")
    );
    let read =
        download::Request::try_from_http_request(http, &["example.org".into(), "abc".into()])
            .expect("parses");
    assert_same(&read, &request);

    let answer = serve_download(&read)
        .try_into_http_response()
        .expect("writes");
    assert_eq!(
        answer.headers()["content-disposition"],
        "attachment; filename=\"a.txt\""
    );
    let response = download::Response::try_from_http_response(answer).expect("reads");
    assert_eq!(response.body, b"example.org/abc");
    assert_eq!(response.content_type.as_deref(), Some("text/plain"));
    assert_eq!(
        response.content_disposition.as_deref(),
        Some("attachment; filename=\"a.txt\"")
    );
    assert_eq!(response.cache_control.as_deref(), Some("no-store"));
    assert_eq!(
        response.extra_headers["x-echo-org.matrix.msc4222.use_state_after"],
        "true"
    );
    assert_eq!(response.extra_headers["x-vendor-seen"], "v1");
    assert!(response.extra_headers.get("content-type").is_none());
    assert!(response.extra_headers.get("cache-control").is_none());
}

/// Through the generated router and client conversions of `api-specs/`.
struct Echo;

impl client_server::server::Api for Echo {
    async fn get_versions(
        &self,
        _access_token: Option<AccessToken>,
        request: client_server::get_versions::Request,
    ) -> Result<client_server::get_versions::Response, MatrixError> {
        let mut response = client_server::get_versions::Response::new(vec!["v1.1".into()]);
        response.extra_headers = echo(&request.extra_params);
        Ok(response)
    }
}

#[tokio::test]
async fn extras_reach_the_router_and_come_back() {
    let mut request = client_server::get_versions::Request::default();
    with_extras(&mut request.extra_params);
    let http = request
        .try_into_http_request("", Some("syt_token"))
        .expect("builds")
        .map(axum::body::Body::from);
    let answer = client_server::server::router(Echo)
        .oneshot(http)
        .await
        .expect("answers");
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.expect("body");
    let response = client_server::get_versions::Response::try_from_http_response(
        http::Response::from_parts(parts, body.to_vec()),
    )
    .expect("reads");
    assert_eq!(response.versions, vec!["v1.1".to_owned()]);
    assert_eq!(
        response.extra_headers["x-echo-org.matrix.msc4222.use_state_after"],
        "true"
    );
    assert_eq!(response.extra_headers["x-vendor-seen"], "v1");
}

#[test]
fn response_headers_round_trip_without_a_server() {
    let mut response = download::Response::default();
    response.body = b"x".to_vec();
    response.content_disposition = Some("inline".into());
    response
        .extra_headers
        .insert("x-extra", http::HeaderValue::from_static("1"));
    let http = response.try_into_http_response().expect("writes");
    assert_eq!(http.headers()["content-type"], "application/octet-stream");
    let back = download::Response::try_from_http_response(http).expect("reads");
    assert_eq!(back.content_disposition.as_deref(), Some("inline"));
    assert_eq!(back.extra_headers["x-extra"], "1");
    assert_eq!(back.cache_control, None);
}

/// `getWide` has seventeen parameters, one more than the runtime's `Params::values` takes as
/// a tuple: its generated code takes them one by one, with the same results.
#[test]
fn more_parameters_than_one_tuple_are_read_one_by_one() {
    let mut request = get_wide::Request::new("w".into());
    request.q1 = Some(1);
    request.q16 = Some(16);
    let http = request
        .try_into_http_request("https://hs.example.org", None)
        .expect("builds");
    assert_eq!(http.uri().query(), Some("q1=1&q16=16"));
    let back = get_wide::Request::try_from_http_request(http, &["w".into()]).expect("parses");
    assert_same(&back, &request);

    // The first parameter that does not parse is the error, as with a tuple.
    let http = get("/_matrix/client/v3/wide/w?q2=x&q16=y");
    let error = get_wide::Request::try_from_http_request(http, &["w".into()])
        .expect_err("q2 is not an integer");
    assert!(error.to_string().contains("q2"), "{error}");
}

/// A body with more fields than one tuple of the runtime's slots takes (18: nested as 16 and
/// 2): each value lands in its own field, the second group's required field and its nullable
/// one keep their rules, and writing gives back what was read.
#[test]
fn an_object_wider_than_a_tuple_reads_and_writes_every_field() {
    let mut object = serde_json::Map::new();
    for i in 1..=17 {
        object.insert(format!("k{i}"), i.into());
    }
    object.insert("m.last".into(), "end".into());
    object.insert("vendor.key".into(), true.into());
    let json = serde_json::Value::Object(object);
    let read: get_wide::Response = serde_json::from_value(json.clone()).expect("reads");
    assert_eq!(
        (read.k1, read.k2, read.k16, read.k17),
        (Some(1), 2, Some(16), 17)
    );
    assert_eq!(read.m_last.as_deref(), Some("end"));
    assert_eq!(read.extra.get("vendor.key"), Some(&true.into()));
    assert_eq!(serde_json::to_value(&read).expect("writes"), json);

    // The first required field absent, in the struct's order, is the error.
    let error = serde_json::from_str::<get_wide::Response>(r#"{"m.last": null}"#)
        .expect_err("k2 and k17 are required");
    assert!(error.to_string().contains("missing field `k2`"), "{error}");
    let error = serde_json::from_str::<get_wide::Response>(r#"{"k2": 2, "m.last": null}"#)
        .expect_err("k17 is required");
    assert!(error.to_string().contains("missing field `k17`"), "{error}");
    let error = serde_json::from_str::<get_wide::Response>(r#"{"k2": 2, "k17": 1, "k17": 2}"#)
        .expect_err("k17 twice");
    assert!(
        error.to_string().contains("duplicate field `k17`"),
        "{error}"
    );

    // Required but nullable: absent reads as `None`, and `None` is written as `null`.
    let read: get_wide::Response =
        serde_json::from_str(r#"{"k2": 2, "k17": 17}"#).expect("m.last may be absent");
    assert_eq!(read.m_last, None);
    assert_eq!(
        serde_json::to_value(&read).expect("writes"),
        serde_json::json!({"k2": 2, "k17": 17, "m.last": null})
    );
}

/// An operation within the tuple's reach reports the first parameter that does not parse,
/// in the operation's order, as one taken one by one does.
#[test]
fn the_first_parameter_that_does_not_parse_is_the_error() {
    let http = get("/_matrix/client/v3/thirdparty/user/irc?limit=many&tags=a");
    let error = query_user_by_protocol::Request::try_from_http_request(http, &["irc".into()])
        .expect_err("limit is not an integer");
    assert!(error.to_string().contains("limit"), "{error}");
}
