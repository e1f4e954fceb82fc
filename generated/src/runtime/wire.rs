//! Encoding and decoding helpers shared by every generated operation. They are deliberately
//! not generic where they need not be, so each operation adds little code of its own.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::error::{FromHttpResponseError, IntoHttpError, MatrixError};
use super::{Authentication, Metadata};

/// Everything but RFC 3986's unreserved characters is encoded in a path segment, so `/`, `?`,
/// `#`, `%`, spaces and non-ASCII text in a value never change the path's structure.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `value` as one path segment. `.` and `..` would be read as path navigation,
/// so their dots are encoded too.
pub fn encode_segment(value: &str) -> Cow<'_, str> {
    if value == "." || value == ".." {
        return Cow::Owned(value.replace('.', "%2E"));
    }
    Cow::from(utf8_percent_encode(value, SEGMENT))
}

/// Fills `{name}` placeholders of a path template with percent-encoded values.
pub fn fill_path(template: &str, values: &[(&str, &str)]) -> Result<String, IntoHttpError> {
    let mut path = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| IntoHttpError::InvalidUri(template.to_owned()))?;
        let name = &rest[start + 1..end];
        let value = values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                IntoHttpError::InvalidUri(format!("{template} (no value for `{name}`)"))
            })?;
        path.push_str(&rest[..start]);
        path.push_str(&encode_segment(value));
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

/// A base-path variable's value: the caller's choice, else the spec's default.
pub fn path_variable<'a>(
    chosen: &[(&'a str, &'a str)],
    metadata: &'a Metadata,
    name: &str,
) -> &'a str {
    chosen
        .iter()
        .chain(metadata.path_defaults)
        .find(|(n, _)| *n == name)
        .map_or("", |(_, v)| v)
}

/// Builds the HTTP request of an operation.
#[allow(clippy::too_many_arguments)]
pub fn build_request(
    metadata: &Metadata,
    base_url: &str,
    path: &str,
    query: &[(&str, String)],
    headers: &[(&str, String)],
    access_token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Result<http::Request<Vec<u8>>, IntoHttpError> {
    let mut uri = String::with_capacity(base_url.len() + path.len() + 16);
    uri.push_str(base_url.trim_end_matches('/'));
    uri.push_str(path);
    if !query.is_empty() {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in query {
            serializer.append_pair(name, value);
        }
        uri.push('?');
        uri.push_str(&serializer.finish());
    }
    let uri: http::Uri = uri
        .parse()
        .map_err(|_| IntoHttpError::InvalidUri(uri.clone()))?;
    let mut builder = http::Request::builder()
        .method(metadata.method.clone())
        .uri(uri);
    match (metadata.authentication, access_token) {
        (Authentication::AccessToken, None) => return Err(IntoHttpError::NeedsAuthentication),
        (Authentication::None, _) | (_, None) => {}
        (_, Some(token)) => {
            let value = http::HeaderValue::try_from(format!("Bearer {token}"))
                .map_err(|_| IntoHttpError::InvalidHeader("Authorization".into()))?;
            builder = builder.header(http::header::AUTHORIZATION, value);
        }
    }
    for (name, value) in headers {
        let value = http::HeaderValue::try_from(value.as_str())
            .map_err(|_| IntoHttpError::InvalidHeader((*name).into()))?;
        builder = builder.header(*name, value);
    }
    if let Some(content_type) = content_type {
        builder = builder.header(http::header::CONTENT_TYPE, content_type);
    }
    Ok(builder.body(body)?)
}

/// The body of a success response; any other status is the server's Matrix error.
pub fn success_body(status: http::StatusCode, body: &[u8]) -> Result<&[u8], FromHttpResponseError> {
    if status.is_success() {
        Ok(body)
    } else {
        Err(FromHttpResponseError::Server(MatrixError::from_response(
            status, body,
        )))
    }
}

/// A JSON response body. An empty body reads as `{}` (some servers answer so).
pub fn response_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<T, FromHttpResponseError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(FromHttpResponseError::Deserialization)
}

/// The content type of a response, if it has a readable one.
pub fn content_type(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// An HTTP response with the given status, content type and body.
pub fn response(
    status: u16,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Result<http::Response<Vec<u8>>, IntoHttpError> {
    let mut builder = http::Response::builder().status(status);
    if let Some(content_type) = content_type {
        builder = builder.header(http::header::CONTENT_TYPE, content_type);
    }
    Ok(builder.body(body)?)
}

// Server side: reading requests. Errors are the Matrix errors a homeserver answers with.

/// The query's name/value pairs, decoded.
pub fn parse_query(uri: &http::Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// A query parameter's first value.
pub fn query_opt<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A required query parameter (400 `M_MISSING_PARAM` without it).
pub fn query_req<'a>(query: &'a [(String, String)], name: &str) -> Result<&'a str, MatrixError> {
    query_opt(query, name).ok_or_else(|| MatrixError::missing_param(name))
}

/// Every value of a repeated query parameter.
pub fn query_all<'a>(
    query: &'a [(String, String)],
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    query
        .iter()
        .filter(move |(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A path argument by position (in template order).
pub fn path_arg<'a>(args: &'a [String], index: usize, name: &str) -> Result<&'a str, MatrixError> {
    args.get(index)
        .map(String::as_str)
        .ok_or_else(|| MatrixError::missing_param(name))
}

/// A header's value, if present (400 `M_INVALID_PARAM` when it is not text).
pub fn header_opt<'a>(
    headers: &'a http::HeaderMap,
    name: &str,
) -> Result<Option<&'a str>, MatrixError> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .map(Some)
            .map_err(|_| MatrixError::invalid_param(name, "not valid header text")),
    }
}

/// A required header.
pub fn header_req<'a>(headers: &'a http::HeaderMap, name: &str) -> Result<&'a str, MatrixError> {
    header_opt(headers, name)?.ok_or_else(|| MatrixError::missing_param(name))
}

pub fn parse_i64(value: &str, name: &str) -> Result<i64, MatrixError> {
    value
        .parse()
        .map_err(|e| MatrixError::invalid_param(name, e))
}

pub fn parse_f64(value: &str, name: &str) -> Result<f64, MatrixError> {
    value
        .parse()
        .map_err(|e| MatrixError::invalid_param(name, e))
}

/// `true`/`false`, as the spec writes booleans in query strings.
pub fn parse_bool(value: &str, name: &str) -> Result<bool, MatrixError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(MatrixError::invalid_param(
            name,
            format!("`{other}` is not `true` or `false`"),
        )),
    }
}

/// A parameter holding JSON (e.g. a filter given inline).
pub fn parse_json_param<T: serde::de::DeserializeOwned>(
    value: &str,
    name: &str,
) -> Result<T, MatrixError> {
    serde_json::from_str(value).map_err(|e| MatrixError::invalid_param(name, e))
}

/// A path, query or header parameter of a string format (user ID, room ID, server name, ...)
/// as its type of [`identifiers`](super::identifiers): 400 `M_INVALID_PARAM` naming the
/// parameter and what is wrong when it is not of the format.
pub fn parse_param<T: std::str::FromStr<Err: std::fmt::Display>>(
    value: &str,
    name: &str,
) -> Result<T, MatrixError> {
    value
        .parse()
        .map_err(|e| MatrixError::invalid_param(name, e))
}

/// A JSON request body: 400 `M_NOT_JSON` when it is not JSON, `M_BAD_JSON` when it does not
/// fit the operation. An empty body reads as `{}`.
pub fn request_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, MatrixError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        MatrixError::new(
            http::StatusCode::BAD_REQUEST,
            super::ErrorCode::NotJson,
            format!("Content not JSON: {e}"),
        )
    })?;
    serde_json::from_value(value).map_err(|e| {
        MatrixError::new(
            http::StatusCode::BAD_REQUEST,
            super::ErrorCode::BadJson,
            format!("Malformed JSON: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_whole() {
        assert_eq!(encode_segment("#room:example.org"), "%23room%3Aexample.org");
        assert_eq!(encode_segment("$ev/ent?x"), "%24ev%2Fent%3Fx");
        assert_eq!(encode_segment("100%"), "100%25");
        assert_eq!(encode_segment("a b"), "a%20b");
        assert_eq!(encode_segment("é"), "%C3%A9");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("a..b"), "a..b");
        assert_eq!(encode_segment("un-reserved_.~"), "un-reserved_.~");
    }

    #[test]
    fn templates_are_filled() {
        let path = fill_path(
            "/rooms/{roomId}/state/{type}",
            &[("roomId", "!a:b"), ("type", "m.room.name")],
        );
        assert_eq!(path.expect("filled"), "/rooms/%21a%3Ab/state/m.room.name");
        assert!(fill_path("/rooms/{roomId}", &[]).is_err());
    }

    #[test]
    fn json_bodies_distinguish_not_json_from_bad_json() {
        let not_json = request_json::<serde_json::Map<String, serde_json::Value>>(b"{nope")
            .expect_err("not JSON");
        assert_eq!(not_json.errcode, super::super::ErrorCode::NotJson);
        let bad = request_json::<Vec<i64>>(b"{}").expect_err("wrong shape");
        assert_eq!(bad.errcode, super::super::ErrorCode::BadJson);
        let empty: serde_json::Map<String, serde_json::Value> =
            request_json(b"").expect("empty is {}");
        assert!(empty.is_empty());
    }

    #[test]
    fn query_helpers() {
        let uri: http::Uri = "/x?a=1&via=s1&via=s2&b=t%20u".parse().expect("uri");
        let query = parse_query(&uri);
        assert_eq!(query_opt(&query, "b"), Some("t u"));
        assert_eq!(query_all(&query, "via").collect::<Vec<_>>(), ["s1", "s2"]);
        assert_eq!(
            query_req(&query, "nope").expect_err("missing").errcode,
            super::super::ErrorCode::MissingParam
        );
        assert!(parse_bool("yes", "flag").is_err());
        assert_eq!(parse_i64("12", "n").expect("int"), 12);
    }
}
