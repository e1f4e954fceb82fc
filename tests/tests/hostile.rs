//! Hostile traffic against the generated routers, in process (`tower::ServiceExt::oneshot`, no
//! sockets): arbitrary methods, mangled paths, broken credentials and headers, and bodies that
//! are not UTF-8, nest deeply, hold huge numbers, repeat keys or have the wrong types. Whatever
//! comes in, the generated layer must not panic, never answer 5xx, and always answer a Matrix
//! JSON error (with `errcode`) or a JSON success.
//!
//! It runs against whatever spec `matrix-api` was built from: the routes come from the table
//! `build.rs` writes from the generator's IR (every API module's operations). With the default
//! `api-specs/`, the client-server API is also served by the tiny homeserver, so real handlers
//! see the traffic too. A fixed seed and a fixed number of requests keep it deterministic.

use matrix_api::runtime::server::ServerOptions;
use tower::ServiceExt;

include!(concat!(env!("OUT_DIR"), "/routes.rs"));

/// Small enough that oversized bodies are cheap to send.
const MAX_BODY: usize = 64 * 1024;
/// Random requests on top of the fixed ones for every route.
const RANDOM_REQUESTS: usize = 3000;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Path segment values, already as they appear in a URI.
const SEGMENTS: &[&str] = &[
    "x",
    "%40alice%3Aexample.org",
    "..",
    ".",
    "%2E%2E",
    "%2e",
    "%2F",
    "a%2Fb",
    "%00",
    "%FF%FE",
    "%C3%28",
    "%E2%82",
    "%ED%A0%80",
    "%F4%90%80%80",
    "%",
    "%zz",
    "%2",
    "%%32%35",
    "%25",
    "%F0%9F%8E%89",
    "caf%C3%A9",
    "!room%3Aexample.org",
    "%24event",
    "a;b=c",
    "~",
    "%20",
    "+",
];

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "M-SEARCH", "get",
];

const QUERIES: &[&str] = &[
    "",
    "?",
    "?access_token=",
    "?access_token=%FF",
    "?access_token=a&access_token=b",
    "?limit=abc",
    "?limit=99999999999999999999999",
    "?limit=-1",
    "?limit=1e400",
    "?from=%FF%FE&dir=x",
    "?dir=sideways",
    "?username=&username=%00",
    "?sid=1&client_secret=&token=%ZZ",
    "?filter=%7B%22a%22%3A",
    "?via=a&via=%FF&via=",
    "?&&&=&=",
    "?include_all_networks=maybe",
    "?ts=1.5",
];

fn authorization(rng: &mut Rng) -> Option<http::HeaderValue> {
    let long = "t".repeat(16 * 1024);
    let values: [&[u8]; 12] = [
        b"Bearer token",
        b"bearer token",
        b"Bearer",
        b"Bearer ",
        b"Basic dXNlcjpwYXNz",
        b"X-Matrix origin=a,key=\"ed25519:1\",sig=\"x\"",
        b"Bearer \xff\xfe",
        b"\x80\x81",
        b"Bearer a b c",
        long.as_bytes(),
        b"",
        b"Bearer\ttab",
    ];
    match rng.below(values.len() + 1) {
        0 => None,
        i => http::HeaderValue::from_bytes(values[i - 1]).ok(),
    }
}

fn deep(depth: usize, open: &str, close: &str) -> Vec<u8> {
    format!("{}1{}", open.repeat(depth), close.repeat(depth)).into_bytes()
}

fn body(rng: &mut Rng) -> Vec<u8> {
    match rng.below(20) {
        0 => Vec::new(),
        1 => b"\xff\xfe\xfd".to_vec(),
        2 => b"{\"a\": \"\xff\"}".to_vec(),
        3 => deep(10_000, "[", "]"),
        4 => deep(10_000, "{\"a\":", "}"),
        5 => deep(100, "[", "]"),
        6 => b"{\"send_attempt\": 1e999999, \"limit\": 123456789012345678901234567890}".to_vec(),
        7 => b"{\"client_secret\": \"a\", \"client_secret\": 5, \"email\": \"x\", \"send_attempt\": 1}"
            .to_vec(),
        8 => b"{\"client_secret\": 5, \"email\": [], \"send_attempt\": \"1\"}".to_vec(),
        9 => b"{\"type\": \"m.login.password\", \"identifier\": 7}".to_vec(),
        10 => b"[1, 2, 3]".to_vec(),
        11 => b"\"just a string\"".to_vec(),
        12 => b"null".to_vec(),
        13 => b"{\"a\": ".to_vec(),
        14 => vec![b'{'; MAX_BODY + 1],
        15 => b"{\"\\ud800\": \"\\udfff\"}".to_vec(),
        16 => b"{\"displayname\": -0.0e-999, \"auth\": {\"type\": null}}".to_vec(),
        17 => {
            let mut random = vec![0u8; rng.below(512)];
            for byte in &mut random {
                *byte = (rng.next() >> 56) as u8;
            }
            random
        }
        _ => b"{}".to_vec(),
    }
}

/// A path built from a route's template: every `{variable}` gets a hostile segment; sometimes
/// the path is mangled further.
fn path(rng: &mut Rng, template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let segment = if rest[start..].starts_with("{client_major_version}") && rng.below(3) > 0 {
            *rng.pick(&["v3", "r0", "v1", "v99", "%76%33"])
        } else {
            *rng.pick(SEGMENTS)
        };
        out.push_str(segment);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    match rng.below(12) {
        0 => out.push('/'),
        1 => out.push_str("/extra/%FF"),
        2 => out = out.replace('/', "//"),
        3 => out.push_str(&format!("/{}", "a".repeat(8 * 1024))),
        4 => out = format!("/..{out}"),
        5 => {
            // Cut it somewhere.
            let cut = rng.below(out.len());
            out.truncate(cut);
            if !out.starts_with('/') {
                out.insert(0, '/');
            }
            while !out.is_char_boundary(out.len()) {
                out.pop();
            }
        }
        _ => {}
    }
    out
}

struct Outcome {
    requests: usize,
    by_status: std::collections::BTreeMap<u16, usize>,
}

/// Sends one request and checks the answer.
async fn send(
    router: &axum::Router,
    method: &str,
    uri: &str,
    rng: &mut Rng,
    outcome: &mut Outcome,
) {
    let Ok(method) = http::Method::from_bytes(method.as_bytes()) else {
        return;
    };
    let Ok(parsed) = uri.parse::<http::Uri>() else {
        // Not a URI an HTTP server could receive.
        return;
    };
    let mut request = http::Request::builder().method(method.clone()).uri(parsed);
    if let Some(value) = authorization(rng) {
        request = request.header(http::header::AUTHORIZATION, value);
    }
    match rng.below(6) {
        0 => {}
        1 => request = request.header(http::header::CONTENT_TYPE, "text/plain"),
        2 => {
            let huge = "v".repeat(32 * 1024);
            request = request.header("X-Huge", huge);
        }
        3 => {
            let odd = http::HeaderValue::from_bytes(b"application/json; charset=\xff")
                .expect("obs-text is a valid header value");
            request = request.header(http::header::CONTENT_TYPE, odd);
        }
        _ => request = request.header(http::header::CONTENT_TYPE, "application/json"),
    }
    let body = body(rng);
    let request = request
        .body(axum::body::Body::from(body.clone()))
        .expect("a valid request");
    let response = router
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .expect("the body is readable");
    let context = || {
        format!(
            "{method} {uri} (body {} bytes: {:?}) -> {status}: {}",
            body.len(),
            String::from_utf8_lossy(&body[..body.len().min(80)]),
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        )
    };
    assert!(!status.is_server_error(), "{}", context());
    outcome.requests += 1;
    *outcome.by_status.entry(status.as_u16()).or_default() += 1;
    if method == http::Method::HEAD {
        // HEAD answers carry no body.
        return;
    }
    let json: serde_json::Value =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {}", context()));
    if !status.is_success() {
        assert!(
            json.get("errcode").is_some_and(|c| c.is_string()),
            "no errcode: {}",
            context()
        );
    }
}

fn all_routers(options: ServerOptions) -> Vec<(&'static str, axum::Router)> {
    #[allow(unused_mut)]
    let mut all = routers(options);
    #[cfg(default_specs)]
    all.push((
        "client_server",
        matrix_api::client_server::server::router_with(
            matrix_api_tests::homeserver::TinyHomeserver::new("tiny.test"),
            options,
        ),
    ));
    all
}

#[tokio::test]
async fn hostile_requests_get_matrix_errors_and_never_a_panic_or_500() {
    assert!(!ROUTES.is_empty(), "no routes in the table");
    let options = ServerOptions {
        max_body_bytes: MAX_BODY,
    };
    let routers = all_routers(options);
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut outcome = Outcome {
        requests: 0,
        by_status: Default::default(),
    };

    // Every route, with its own method and with another, several times each.
    for (api, method, template) in ROUTES {
        for (_, router) in routers.iter().filter(|(name, _)| name == api) {
            for round in 0..4 {
                let method = if round == 0 {
                    method
                } else {
                    rng.pick(METHODS)
                };
                let uri = format!("{}{}", path(&mut rng, template), rng.pick(QUERIES));
                send(router, method, &uri, &mut rng, &mut outcome).await;
            }
        }
    }
    // Then random traffic: any route template, any router, any method.
    for _ in 0..RANDOM_REQUESTS {
        let (api, method, template) = rng.pick(ROUTES);
        // Mostly the route's own API, sometimes another one's router.
        let own: Vec<&axum::Router> = routers
            .iter()
            .filter(|(name, _)| name == api)
            .map(|(_, router)| router)
            .collect();
        let router = if rng.below(5) > 0 && !own.is_empty() {
            *rng.pick(&own)
        } else {
            &rng.pick(&routers).1
        };
        let method = if rng.below(2) == 0 {
            method
        } else {
            rng.pick(METHODS)
        };
        let uri = format!("{}{}", path(&mut rng, template), rng.pick(QUERIES));
        send(router, method, &uri, &mut rng, &mut outcome).await;
    }

    println!(
        "{} requests over {} routes ({}): {:?}",
        outcome.requests,
        ROUTES.len(),
        env!("MATRIX_API_SPEC_NAME"),
        outcome.by_status
    );
    // Most requests must have been sent (not skipped as invalid URIs), and the hostile input
    // must have reached the layers that refuse it, not only the 404 fallback.
    let expected = ROUTES.len() * 4 + RANDOM_REQUESTS;
    assert!(
        outcome.requests * 10 >= expected * 9,
        "only {} of {expected} requests sent",
        outcome.requests
    );
    for status in [400, 404, 405] {
        assert!(
            outcome.by_status.contains_key(&status),
            "no {status} answer at all: {:?}",
            outcome.by_status
        );
    }
}

/// The checks bite: a router answering 500, or an error that is not Matrix JSON, fails them.
#[tokio::test]
async fn the_checks_reject_a_broken_server() {
    let broken: [axum::Router; 3] = [
        axum::Router::new().fallback(|| async { (http::StatusCode::INTERNAL_SERVER_ERROR, "{}") }),
        axum::Router::new().fallback(|| async { (http::StatusCode::BAD_REQUEST, "not JSON") }),
        axum::Router::new()
            .fallback(|| async { (http::StatusCode::NOT_FOUND, "{\"error\": \"x\"}") }),
    ];
    for router in broken {
        let checked = tokio::spawn(async move {
            let mut rng = Rng(1);
            let mut outcome = Outcome {
                requests: 0,
                by_status: Default::default(),
            };
            send(&router, "GET", "/x", &mut rng, &mut outcome).await;
        })
        .await;
        assert!(
            checked.is_err_and(|e| e.is_panic()),
            "a broken answer passed"
        );
    }
}
