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
///
/// A token the caller passes is always sent, as `Authorization: Bearer`, also to operations
/// whose spec lists no `security`; `None` sends none, and is refused (`NeedsAuthentication`)
/// only where the spec requires a token.
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
    // The spec's `security` says what a server must accept, not what every server asks for:
    // Synapse, by default, wants a token on `GET /publicRooms`, whose spec lists none. Dropping
    // a token the caller chose to pass would turn such calls into a 401 the caller cannot
    // avoid, so the caller decides: a token given is sent, `None` sends nothing.
    match (access_token, metadata.authentication) {
        (Some(token), _) => {
            let value = http::HeaderValue::try_from(format!("Bearer {token}"))
                .map_err(|_| IntoHttpError::InvalidHeader("Authorization".into()))?;
            builder = builder.header(http::header::AUTHORIZATION, value);
        }
        (None, Authentication::AccessToken) => return Err(IntoHttpError::NeedsAuthentication),
        (None, _) => {}
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

/// A response with its status, content type, body and headers: the declared ones
/// (`(name, value)`, `None` omitted) and the extra ones. `body` may be the error of
/// serializing it, returned as is (as [`write_request`](crate::write_request)'s).
pub fn write_response(
    status: u16,
    content_type: &str,
    body: Result<Vec<u8>, serde_json::Error>,
    declared: &[(&str, Option<&str>)],
    extra: &http::HeaderMap,
) -> Result<http::Response<Vec<u8>>, IntoHttpError> {
    let mut response = response(status, Some(content_type), body?)?;
    set_response_headers(&mut response, declared, extra)?;
    Ok(response)
}

// Server side: reading requests. Errors are the Matrix errors a homeserver answers with.

/// The token of an `Authorization: Bearer <token>` header value. The scheme's name is matched
/// without regard to case (RFC 7235, section 2.1: `bearer` and `BEARER` are `Bearer`), and one
/// or more spaces may follow it. Another scheme, or no token, is `None`.
pub fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization
        .trim_matches([' ', '\t'])
        .split_once([' ', '\t'])?;
    let token = token.trim_matches([' ', '\t']);
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

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

/// A `number` parameter: an integer text stays an integer (`3`, not `3.0`).
pub fn parse_number(value: &str, name: &str) -> Result<crate::Number, MatrixError> {
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

// OpenAPI parameter styles (`style`, `explode`), both directions, on JSON values.
//
// Writing gives the exact text of the OpenAPI 3.1.1 style table: names and items are
// percent-encoded (everything but RFC 3986's unreserved characters), the style's delimiters
// are not (`,`, `;`, `=`, `&`, `.`), except the space (`%20`), the pipe (`%7C`) and deepObject's
// brackets (`%5B`, `%5D`), which the table writes encoded. Reading takes text already
// percent-decoded (`parse_query`'s pairs, axum's path arguments, header values): a delimiter
// that was percent-encoded inside an item is then indistinguishable from a real one, which is
// the styles' own limit, not this code's. Items read back are JSON strings; turning them into
// the schema's types is the caller's job (`parse_i64`, ...).

/// How a query parameter is written (OpenAPI `style` for `in: query`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `color=blue`, arrays `color=blue,black` or (exploded) `color=blue&color=black`, objects
    /// `color=R,100,G,200` or (exploded) `R=100&G=200`. The default.
    Form,
    /// `color=blue%20black`; arrays and objects only, not exploded.
    SpaceDelimited,
    /// `color=blue%7Cblack`; arrays and objects only, not exploded.
    PipeDelimited,
    /// `color%5BR%5D=100&color%5BG%5D=200`; objects only. The table lists it exploded only;
    /// since it has one form, `explode` is not looked at.
    DeepObject,
}

/// How a path parameter is written (OpenAPI `style` for `in: path`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    /// `blue`, `blue,black`, `R,100,G,200` or (exploded) `R=100,G=200`. The default.
    Simple,
    /// `.blue`, `.blue,black` or (exploded) `.blue.black`, `.R,100,G,200` or `.R=100.G=200`.
    Label,
    /// `;color=blue`, `;color=blue,black` or (exploded) `;color=blue;color=black`,
    /// `;color=R,100,G,200` or (exploded) `;R=100;G=200`.
    Matrix,
}

/// What a parameter's schema holds, which decides how its text is split when read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamShape {
    /// A string, number or boolean: the text is the value.
    Primitive,
    Array,
    Object,
}

/// Query-component encoding: everything but RFC 3986's unreserved characters.
fn enc(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// A primitive's text: strings as they are, numbers and booleans as JSON writes them, `null`
/// empty, nested arrays and objects as JSON text.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// RFC 6570's "undefined": `null`, an empty array or an empty object.
fn is_undefined(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => true,
        serde_json::Value::Array(items) => items.is_empty(),
        serde_json::Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// The encoded items of an array, or the encoded alternating names and values of an object.
fn encoded_items(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Array(items) => items.iter().map(|v| enc(&value_text(v))).collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [enc(k), enc(&value_text(v))])
            .collect(),
        other => vec![enc(&value_text(other))],
    }
}

/// An object's `name=value` items, encoded.
fn encoded_entries(map: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    map.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(&value_text(v))))
        .collect()
}

fn style_error(name: &str, why: &str) -> IntoHttpError {
    IntoHttpError::InvalidParam(format!("`{name}`: {why}"))
}

/// One query parameter as query-string text (no leading `?` or `&`), e.g. `color=blue,black`.
/// Add it to a built request with [`append_query`]. Styles the table marks "n/a" for a value
/// (a primitive `spaceDelimited`, an exploded `pipeDelimited`, a deepObject array) are
/// `IntoHttpError::InvalidParam`.
pub fn encode_query_param(
    name: &str,
    value: &serde_json::Value,
    style: QueryStyle,
    explode: bool,
) -> Result<String, IntoHttpError> {
    use serde_json::Value;
    let key = enc(name);
    match style {
        QueryStyle::Form => Ok(match value {
            _ if is_undefined(value) => format!("{key}="),
            Value::Array(items) if explode => items
                .iter()
                .map(|item| format!("{key}={}", enc(&value_text(item))))
                .collect::<Vec<_>>()
                .join("&"),
            Value::Object(map) if explode => encoded_entries(map).join("&"),
            Value::Array(_) | Value::Object(_) => {
                format!("{key}={}", encoded_items(value).join(","))
            }
            primitive => format!("{key}={}", enc(&value_text(primitive))),
        }),
        QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited => {
            let delimiter = if style == QueryStyle::SpaceDelimited {
                "%20"
            } else {
                "%7C"
            };
            if explode {
                return Err(style_error(name, "delimited styles cannot be exploded"));
            }
            match value {
                Value::Array(_) | Value::Object(_) => {
                    Ok(format!("{key}={}", encoded_items(value).join(delimiter)))
                }
                _ => Err(style_error(
                    name,
                    "delimited styles need an array or object",
                )),
            }
        }
        QueryStyle::DeepObject => match value {
            Value::Object(map) => Ok(map
                .iter()
                .map(|(k, v)| format!("{key}%5B{}%5D={}", enc(k), enc(&value_text(v))))
                .collect::<Vec<_>>()
                .join("&")),
            _ => Err(style_error(name, "deepObject needs an object")),
        },
    }
}

/// Appends query-string text (from [`encode_query_param`]) to a built request's URI.
pub fn append_query(request: &mut http::Request<Vec<u8>>, text: &str) -> Result<(), IntoHttpError> {
    if text.is_empty() {
        return Ok(());
    }
    let current = request.uri().to_string();
    let separator = match request.uri().query() {
        None => "?",
        Some("") => "",
        Some(_) => "&",
    };
    let uri = format!("{current}{separator}{text}");
    *request.uri_mut() = uri.parse().map_err(|_| IntoHttpError::InvalidUri(uri))?;
    Ok(())
}

/// One path parameter as the text of its segment, e.g. `;color=blue,black`. Fill the template
/// with [`fill_path_encoded`], which does not encode it again.
pub fn encode_path_param(
    name: &str,
    value: &serde_json::Value,
    style: PathStyle,
    explode: bool,
) -> Result<String, IntoHttpError> {
    use serde_json::Value;
    let text = match style {
        PathStyle::Simple => simple_text(value, explode, enc),
        PathStyle::Label => {
            let body = match value {
                _ if is_undefined(value) => String::new(),
                Value::Array(_) if explode => encoded_items(value).join("."),
                Value::Object(map) if explode => encoded_entries(map).join("."),
                _ => encoded_items(value).join(","),
            };
            format!(".{body}")
        }
        PathStyle::Matrix => {
            let key = enc(name);
            match value {
                _ if is_undefined(value) => format!(";{key}"),
                Value::Array(items) if explode => items
                    .iter()
                    .map(|item| format!(";{key}={}", enc(&value_text(item))))
                    .collect(),
                Value::Object(map) if explode => encoded_entries(map)
                    .iter()
                    .map(|entry| format!(";{entry}"))
                    .collect(),
                _ => format!(";{key}={}", encoded_items(value).join(",")),
            }
        }
    };
    // A segment of exactly `.` or `..` would be read as navigation.
    if text == "." || text == ".." {
        return Ok(text.replace('.', "%2E"));
    }
    Ok(text)
}

/// `simple`: comma-joined items, exploded objects as `name=value` items.
fn simple_text(value: &serde_json::Value, explode: bool, encode: fn(&str) -> String) -> String {
    use serde_json::Value;
    match value {
        _ if is_undefined(value) => String::new(),
        Value::Array(items) => items
            .iter()
            .map(|v| encode(&value_text(v)))
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(map) if explode => map
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(&value_text(v))))
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| [encode(k), encode(&value_text(v))])
            .collect::<Vec<_>>()
            .join(","),
        primitive => encode(&value_text(primitive)),
    }
}

/// A header parameter's value (`simple`, the only header style). Header values are not
/// percent-encoded; `build_request` refuses text that is not a valid header value.
pub fn encode_header_param(value: &serde_json::Value, explode: bool) -> String {
    simple_text(value, explode, str::to_owned)
}

/// Fills `{name}` placeholders with values that are already encoded (from
/// [`encode_path_param`]); unlike [`fill_path`] it leaves them as they are.
pub fn fill_path_encoded(template: &str, values: &[(&str, &str)]) -> Result<String, IntoHttpError> {
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
        path.push_str(value);
        rest = &rest[end + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

fn strings<'a>(items: impl Iterator<Item = &'a str>) -> serde_json::Value {
    serde_json::Value::Array(
        items
            .map(|item| serde_json::Value::String(item.to_owned()))
            .collect(),
    )
}

/// Alternating names and values (`R,100,G,200`) as an object; an odd count is 400.
fn pairs_object<'a>(
    mut items: impl Iterator<Item = &'a str>,
    name: &str,
) -> Result<serde_json::Value, MatrixError> {
    let mut map = serde_json::Map::new();
    while let Some(key) = items.next() {
        let value = items
            .next()
            .ok_or_else(|| MatrixError::invalid_param(name, "a name without a value"))?;
        map.insert(key.to_owned(), serde_json::Value::String(value.to_owned()));
    }
    Ok(serde_json::Value::Object(map))
}

/// `name=value` items as an object; an item without `=` is 400.
fn entries_object<'a>(
    items: impl Iterator<Item = &'a str>,
    name: &str,
) -> Result<serde_json::Value, MatrixError> {
    let mut map = serde_json::Map::new();
    for item in items {
        let (key, value) = item
            .split_once('=')
            .ok_or_else(|| MatrixError::invalid_param(name, "an item without `=`"))?;
        map.insert(key.to_owned(), serde_json::Value::String(value.to_owned()));
    }
    Ok(serde_json::Value::Object(map))
}

/// Splits one text by `delimiter` into the parameter's shape; empty text is an empty array
/// or object.
fn split_shape(
    text: &str,
    delimiter: char,
    shape: ParamShape,
    name: &str,
) -> Result<serde_json::Value, MatrixError> {
    let items = || text.split(delimiter).filter(|_| !text.is_empty());
    match shape {
        ParamShape::Primitive => Ok(serde_json::Value::String(text.to_owned())),
        ParamShape::Array => Ok(strings(items())),
        ParamShape::Object => pairs_object(items(), name),
    }
}

/// Reads one query parameter from the decoded pairs of [`parse_query`]; `None` when it is
/// absent. An exploded `form` object has no key of its own: its properties are every key
/// not claimed by another parameter, so `others` names the operation's other query
/// parameters (only that case reads it; see [`query_object_exploded`]).
pub fn decode_query_param(
    query: &[(String, String)],
    name: &str,
    style: QueryStyle,
    explode: bool,
    shape: ParamShape,
    others: &[&str],
) -> Result<Option<serde_json::Value>, MatrixError> {
    match (style, shape) {
        (QueryStyle::Form, ParamShape::Object) if explode => {
            let map = query_object_exploded(query, others);
            Ok((!map.is_empty()).then_some(serde_json::Value::Object(map)))
        }
        (QueryStyle::Form, ParamShape::Array) if explode => {
            let mut values = query_all(query, name).peekable();
            Ok(values.peek().is_some().then(|| strings(values)))
        }
        (QueryStyle::DeepObject, _) => {
            let mut map = serde_json::Map::new();
            for (key, value) in query {
                let property = key
                    .strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('['))
                    .and_then(|rest| rest.strip_suffix(']'));
                if let Some(property) = property {
                    map.insert(
                        property.to_owned(),
                        serde_json::Value::String(value.clone()),
                    );
                }
            }
            Ok((!map.is_empty()).then_some(serde_json::Value::Object(map)))
        }
        (style, shape) => {
            let delimiter = match style {
                QueryStyle::SpaceDelimited => ' ',
                QueryStyle::PipeDelimited => '|',
                _ => ',',
            };
            query_opt(query, name)
                .map(|text| split_shape(text, delimiter, shape, name))
                .transpose()
        }
    }
}

/// An exploded `form` object read back (`?network=irc&nick=alice` → `{"network": "irc",
/// "nick": "alice"}`): every query key not in `claimed` (the operation's other declared
/// query parameters) is one of its properties. A repeated key keeps its first value.
pub fn query_object_exploded(
    query: &[(String, String)],
    claimed: &[&str],
) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    for (key, value) in query {
        if !claimed.contains(&key.as_str()) && !map.contains_key(key) {
            map.insert(key.clone(), serde_json::Value::String(value.clone()));
        }
    }
    map
}

/// Reads one path parameter from its percent-decoded segment (as [`path_arg`] gives it).
/// A `label` value not starting with `.` or a `matrix` one not starting with `;name` is 400
/// `M_INVALID_PARAM`; a `matrix` parameter without a value (`;color`) reads as `null`.
pub fn decode_path_param(
    text: &str,
    name: &str,
    style: PathStyle,
    explode: bool,
    shape: ParamShape,
) -> Result<serde_json::Value, MatrixError> {
    match style {
        PathStyle::Simple => decode_simple(text, name, explode, shape),
        PathStyle::Label => {
            let rest = text
                .strip_prefix('.')
                .ok_or_else(|| MatrixError::invalid_param(name, "a label value starts with `.`"))?;
            match shape {
                ParamShape::Array if explode => split_shape(rest, '.', shape, name),
                ParamShape::Object if explode => {
                    entries_object(rest.split('.').filter(|_| !rest.is_empty()), name)
                }
                _ => split_shape(rest, ',', shape, name),
            }
        }
        PathStyle::Matrix => {
            let invalid = || MatrixError::invalid_param(name, format!("expected `;{name}=...`"));
            let rest = text.strip_prefix(';').ok_or_else(invalid)?;
            match shape {
                ParamShape::Object if explode => entries_object(rest.split(';'), name),
                ParamShape::Array if explode => {
                    let mut items = Vec::new();
                    for item in rest.split(';') {
                        match item.split_once('=') {
                            Some((key, value)) if key == name => items.push(value),
                            _ if item == name => {}
                            _ => return Err(invalid()),
                        }
                    }
                    Ok(strings(items.into_iter()))
                }
                _ => match rest.split_once('=') {
                    Some((key, value)) if key == name => split_shape(value, ',', shape, name),
                    None if rest == name => Ok(serde_json::Value::Null),
                    _ => Err(invalid()),
                },
            }
        }
    }
}

fn decode_simple(
    text: &str,
    name: &str,
    explode: bool,
    shape: ParamShape,
) -> Result<serde_json::Value, MatrixError> {
    match shape {
        ParamShape::Object if explode => {
            entries_object(text.split(',').filter(|_| !text.is_empty()), name)
        }
        _ => split_shape(text, ',', shape, name),
    }
}

/// Reads one header parameter's value (`simple`).
pub fn decode_header_param(
    text: &str,
    name: &str,
    explode: bool,
    shape: ParamShape,
) -> Result<serde_json::Value, MatrixError> {
    decode_simple(text.trim_matches([' ', '\t']), name, explode, shape)
}

// Styles on typed values: what generated conversions call for a parameter whose style, or
// whose array or object shape, the plain helpers above do not write (see `QueryStyle`).

/// A typed value from a style's decoding, whose items are all strings: tried as it is, then
/// with every string that is JSON text of a number or boolean read as that (`["1","2"]` for a
/// `Vec<i64>`). A value that fits neither is 400 `M_INVALID_PARAM`.
pub fn from_param_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    name: &str,
) -> Result<T, MatrixError> {
    fn scalars(value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::String(text) => match serde_json::from_str::<Value>(&text) {
                Ok(parsed @ (Value::Number(_) | Value::Bool(_))) => parsed,
                _ => Value::String(text),
            },
            Value::Array(items) => Value::Array(items.into_iter().map(scalars).collect()),
            Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, scalars(v))).collect())
            }
            other => other,
        }
    }
    match serde_json::from_value(value.clone()) {
        Ok(typed) => Ok(typed),
        Err(first) => serde_json::from_value(scalars(value))
            .map_err(|_| MatrixError::invalid_param(name, first)),
    }
}

/// A required parameter: 400 `M_MISSING_PARAM` when absent.
pub fn required<T>(value: Option<T>, name: &str) -> Result<T, MatrixError> {
    value.ok_or_else(|| MatrixError::missing_param(name))
}

/// A query parameter of any style and shape, typed; `others` are the operation's other
/// query parameters (see [`decode_query_param`]).
pub fn query_styled<T: serde::de::DeserializeOwned>(
    query: &[(String, String)],
    name: &str,
    style: QueryStyle,
    explode: bool,
    shape: ParamShape,
    others: &[&str],
) -> Result<Option<T>, MatrixError> {
    decode_query_param(query, name, style, explode, shape, others)?
        .map(|value| from_param_value(value, name))
        .transpose()
}

/// A path parameter of any style and shape, typed.
pub fn path_styled<T: serde::de::DeserializeOwned>(
    text: &str,
    name: &str,
    style: PathStyle,
    explode: bool,
    shape: ParamShape,
) -> Result<T, MatrixError> {
    from_param_value(decode_path_param(text, name, style, explode, shape)?, name)
}

/// A header parameter of an array or object shape, typed; `None` when absent.
pub fn header_styled<T: serde::de::DeserializeOwned>(
    headers: &http::HeaderMap,
    name: &str,
    explode: bool,
    shape: ParamShape,
) -> Result<Option<T>, MatrixError> {
    header_opt(headers, name)?
        .map(|text| from_param_value(decode_header_param(text, name, explode, shape)?, name))
        .transpose()
}

/// Adds one query parameter of any style to a built request (see [`encode_query_param`]).
/// An exploded `form` object without properties adds nothing.
pub fn push_query_styled<T: serde::Serialize + ?Sized>(
    request: &mut http::Request<Vec<u8>>,
    name: &str,
    value: &T,
    style: QueryStyle,
    explode: bool,
) -> Result<(), IntoHttpError> {
    let value = serde_json::to_value(value)?;
    if style == QueryStyle::Form && explode && value.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(());
    }
    append_query(request, &encode_query_param(name, &value, style, explode)?)
}

/// A path parameter of any style as its encoded segment text, for [`fill_path_encoded`].
pub fn path_text<T: serde::Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: PathStyle,
    explode: bool,
) -> Result<String, IntoHttpError> {
    encode_path_param(name, &serde_json::to_value(value)?, style, explode)
}

/// A header parameter of an array or object shape as its value (`simple`).
pub fn header_text<T: serde::Serialize + ?Sized>(
    value: &T,
    explode: bool,
) -> Result<String, IntoHttpError> {
    Ok(encode_header_param(&serde_json::to_value(value)?, explode))
}

// Parameters and headers the spec does not list.

/// Headers a request's conversion handles itself, never in [`Extras::headers`](super::Extras):
/// the token, the body's framing and the connection's own.
pub const OWN_REQUEST_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "content-length",
    "host",
    "connection",
    "transfer-encoding",
    "keep-alive",
    "te",
    "upgrade",
];

/// Headers a response's conversion handles itself, never in `extra_headers`.
pub const OWN_RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "connection",
    "transfer-encoding",
    "keep-alive",
];

/// Every header not in `claimed` (declared parameters, any case) nor in `own`.
pub fn unclaimed_headers(
    headers: &http::HeaderMap,
    claimed: &[&str],
    own: &[&str],
) -> http::HeaderMap {
    let mut extra = http::HeaderMap::new();
    for (name, value) in headers {
        let name_text = name.as_str();
        if own.contains(&name_text) || claimed.iter().any(|c| c.eq_ignore_ascii_case(name_text)) {
            continue;
        }
        extra.append(name.clone(), value.clone());
    }
    extra
}

/// The extras of a request as a server reads it: query keys not in `claimed_query` (nor
/// `access_token`; with `query_object` set, an exploded object took the others and none is
/// left) and headers not in `claimed_headers` nor [`OWN_REQUEST_HEADERS`].
pub fn request_extras(
    query: &[(String, String)],
    headers: &http::HeaderMap,
    claimed_query: &[&str],
    claimed_headers: &[&str],
    query_object: bool,
) -> super::Extras {
    let query = if query_object {
        Vec::new()
    } else {
        query
            .iter()
            .filter(|(k, _)| k != "access_token" && !claimed_query.contains(&k.as_str()))
            .cloned()
            .collect()
    };
    super::Extras {
        query,
        headers: unclaimed_headers(headers, claimed_headers, OWN_REQUEST_HEADERS),
    }
}

/// Sends a request's extras: query pairs after the declared ones, headers added to them.
pub fn push_extras(
    request: &mut http::Request<Vec<u8>>,
    extras: &super::Extras,
) -> Result<(), IntoHttpError> {
    if !extras.query.is_empty() {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &extras.query {
            serializer.append_pair(name, value);
        }
        append_query(request, &serializer.finish())?;
    }
    for (name, value) in &extras.headers {
        request.headers_mut().append(name.clone(), value.clone());
    }
    Ok(())
}

/// A response header as text; absent or not text is `None`.
pub fn response_header(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Writes a response's declared headers (`(name, value)`, `None` omitted) and extra headers.
pub fn set_response_headers(
    response: &mut http::Response<Vec<u8>>,
    declared: &[(&str, Option<&str>)],
    extra: &http::HeaderMap,
) -> Result<(), IntoHttpError> {
    for (name, value) in declared {
        let Some(value) = value else { continue };
        let header_name = http::HeaderName::try_from(*name)
            .map_err(|_| IntoHttpError::InvalidHeader((*name).into()))?;
        let value = http::HeaderValue::try_from(*value)
            .map_err(|_| IntoHttpError::InvalidHeader((*name).into()))?;
        response.headers_mut().insert(header_name, value);
    }
    for (name, value) in extra {
        response.headers_mut().append(name.clone(), value.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styled_values_are_typed_back() {
        let numbers: Vec<i64> =
            from_param_value(serde_json::json!(["1", "2"]), "n").expect("numbers");
        assert_eq!(numbers, vec![1, 2]);
        let texts: Vec<String> =
            from_param_value(serde_json::json!(["1", "a"]), "t").expect("strings stay");
        assert_eq!(texts, vec!["1".to_owned(), "a".to_owned()]);
        let wrong = from_param_value::<Vec<i64>>(serde_json::json!(["x"]), "n");
        assert_eq!(
            wrong.expect_err("not a number").errcode,
            super::super::ErrorCode::InvalidParam
        );
    }

    #[test]
    fn styled_query_parameters_are_appended() {
        let mut request = http::Request::builder()
            .uri("https://h/p?a=1")
            .body(Vec::new())
            .expect("request");
        let empty = serde_json::Map::new();
        push_query_styled(&mut request, "fields", &empty, QueryStyle::Form, true)
            .expect("nothing to add");
        assert_eq!(request.uri().query(), Some("a=1"));
        push_query_styled(&mut request, "tags", &["x", "y z"], QueryStyle::Form, false)
            .expect("joined");
        assert_eq!(request.uri().query(), Some("a=1&tags=x,y%20z"));
    }

    #[test]
    fn extras_are_what_no_parameter_claims() {
        let query = vec![
            ("limit".to_owned(), "1".to_owned()),
            ("access_token".to_owned(), "t".to_owned()),
            ("org.example.flag".to_owned(), "on".to_owned()),
        ];
        let mut headers = http::HeaderMap::new();
        headers.insert("authorization", http::HeaderValue::from_static("Bearer t"));
        headers.insert("x-declared", http::HeaderValue::from_static("1"));
        headers.insert("x-vendor", http::HeaderValue::from_static("2"));
        let extras = request_extras(&query, &headers, &["limit"], &["X-Declared"], false);
        assert_eq!(
            extras.query,
            vec![("org.example.flag".to_owned(), "on".to_owned())]
        );
        assert_eq!(extras.headers.len(), 1);
        assert_eq!(extras.headers["x-vendor"], "2");
        assert!(
            request_extras(&query, &headers, &["limit"], &[], true)
                .query
                .is_empty()
        );
    }

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

    fn metadata(authentication: Authentication) -> Metadata {
        Metadata {
            operation_id: "op",
            method: http::Method::GET,
            path: "/x",
            authentication,
            rate_limited: false,
            deprecated: false,
            added_in: None,
            path_defaults: &[],
            params: &[],
        }
    }

    fn authorization(
        authentication: Authentication,
        token: Option<&str>,
    ) -> Result<Option<String>, IntoHttpError> {
        let request = build_request(
            &metadata(authentication),
            "http://h",
            "/x",
            &[],
            &[],
            token,
            None,
            Vec::new(),
        )?;
        Ok(request
            .headers()
            .get(http::header::AUTHORIZATION)
            .map(|v| v.to_str().unwrap_or("<not text>").to_owned()))
    }

    #[test]
    fn a_given_token_is_always_sent() {
        for authentication in [
            Authentication::None,
            Authentication::AccessToken,
            Authentication::OptionalAccessToken,
            Authentication::Other("signedRequest"),
        ] {
            assert_eq!(
                authorization(authentication, Some("syt_x")).expect("builds"),
                Some("Bearer syt_x".to_owned()),
                "{authentication:?}"
            );
        }
        assert_eq!(
            authorization(Authentication::None, None).expect("builds"),
            None
        );
        assert_eq!(
            authorization(Authentication::OptionalAccessToken, None).expect("builds"),
            None
        );
        assert!(matches!(
            authorization(Authentication::AccessToken, None),
            Err(IntoHttpError::NeedsAuthentication)
        ));
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for header in [
            "Bearer abc",
            "bearer abc",
            "BEARER abc",
            "bEaReR abc",
            "Bearer   abc",
            "Bearer\tabc",
            " Bearer abc ",
        ] {
            assert_eq!(bearer_token(header), Some("abc"), "{header:?}");
        }
        for header in [
            "Basic abc",
            "Bearer",
            "Bearer ",
            "Bearerabc",
            "",
            "X-Matrix a=b",
        ] {
            assert_eq!(bearer_token(header), None, "{header:?}");
        }
    }

    // The OpenAPI 3.1.1 style table's examples: `color` is undefined (`null`), the string
    // `blue`, the array `[blue, black, brown]` or the object `{R: 100, G: 200, B: 150}`.
    // serde_json's maps are sorted, so objects come out as B, G, R where the table has R, G, B.

    fn array() -> serde_json::Value {
        serde_json::json!(["blue", "black", "brown"])
    }

    fn object() -> serde_json::Value {
        serde_json::json!({"R": 100, "G": 200, "B": 150})
    }

    fn object_read() -> serde_json::Value {
        serde_json::json!({"R": "100", "G": "200", "B": "150"})
    }

    fn query_text(value: &serde_json::Value, style: QueryStyle, explode: bool) -> String {
        encode_query_param("color", value, style, explode)
            .unwrap_or_else(|e| panic!("{value} {style:?} {explode}: {e}"))
    }

    fn path_text(value: &serde_json::Value, style: PathStyle, explode: bool) -> String {
        encode_path_param("color", value, style, explode)
            .unwrap_or_else(|e| panic!("{value} {style:?} {explode}: {e}"))
    }

    /// Parses query text the way a server does, then reads `color` back.
    fn query_read(
        text: &str,
        style: QueryStyle,
        explode: bool,
        shape: ParamShape,
    ) -> Option<serde_json::Value> {
        let uri: http::Uri = format!("/x?{text}").parse().expect("uri");
        decode_query_param(&parse_query(&uri), "color", style, explode, shape, &[])
            .unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    /// Decodes a path segment the way axum does, then reads it back.
    fn path_read(
        text: &str,
        style: PathStyle,
        explode: bool,
        shape: ParamShape,
    ) -> serde_json::Value {
        let decoded = percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .expect("utf-8");
        decode_path_param(&decoded, "color", style, explode, shape)
            .unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    #[test]
    fn query_form_style() {
        use ParamShape::*;
        let null = serde_json::Value::Null;
        let blue = serde_json::json!("blue");
        for explode in [false, true] {
            assert_eq!(query_text(&null, QueryStyle::Form, explode), "color=");
            assert_eq!(query_text(&blue, QueryStyle::Form, explode), "color=blue");
            assert_eq!(
                query_read("color=blue", QueryStyle::Form, explode, Primitive),
                Some(blue.clone())
            );
        }
        let text = query_text(&array(), QueryStyle::Form, false);
        assert_eq!(text, "color=blue,black,brown");
        assert_eq!(
            query_read(&text, QueryStyle::Form, false, Array),
            Some(array())
        );
        let text = query_text(&array(), QueryStyle::Form, true);
        assert_eq!(text, "color=blue&color=black&color=brown");
        assert_eq!(
            query_read(&text, QueryStyle::Form, true, Array),
            Some(array())
        );
        let text = query_text(&object(), QueryStyle::Form, false);
        assert_eq!(text, "color=B,150,G,200,R,100");
        assert_eq!(
            query_read(&text, QueryStyle::Form, false, Object),
            Some(object_read())
        );
        let text = query_text(&object(), QueryStyle::Form, true);
        assert_eq!(text, "B=150&G=200&R=100");
        assert_eq!(
            query_read(&text, QueryStyle::Form, true, Object),
            Some(object_read())
        );
        // Absent parameters read as `None`; an odd list of names and values is 400.
        assert_eq!(query_read("other=1", QueryStyle::Form, true, Array), None);
        assert_eq!(
            query_read("other=1", QueryStyle::Form, false, Primitive),
            None
        );
        let uri: http::Uri = "/x?color=R,100,G".parse().expect("uri");
        let odd = decode_query_param(
            &parse_query(&uri),
            "color",
            QueryStyle::Form,
            false,
            Object,
            &[],
        )
        .expect_err("odd");
        assert_eq!(odd.errcode, super::super::ErrorCode::InvalidParam);
        // Items are percent-encoded, delimiters are not.
        assert_eq!(
            query_text(
                &serde_json::json!(["a b", "c&d", "é"]),
                QueryStyle::Form,
                false
            ),
            "color=a%20b,c%26d,%C3%A9"
        );
    }

    #[test]
    fn query_exploded_objects_take_every_unclaimed_key() {
        let uri: http::Uri = "/x?network=irc&since=tok&nick=alice&limit=5"
            .parse()
            .expect("uri");
        let query = parse_query(&uri);
        let object = query_object_exploded(&query, &["since", "limit"]);
        assert_eq!(
            serde_json::Value::Object(object),
            serde_json::json!({"network": "irc", "nick": "alice"})
        );
        let read = decode_query_param(
            &query,
            "fields",
            QueryStyle::Form,
            true,
            ParamShape::Object,
            &["since", "limit"],
        )
        .expect("reads");
        assert_eq!(
            read,
            Some(serde_json::json!({"network": "irc", "nick": "alice"}))
        );
        assert!(query_object_exploded(&query, &["network", "since", "nick", "limit"]).is_empty());
        let text = encode_query_param(
            "fields",
            &serde_json::json!({"network": "irc", "nick": "alice"}),
            QueryStyle::Form,
            true,
        )
        .expect("writes");
        assert_eq!(text, "network=irc&nick=alice");
    }

    #[test]
    fn query_delimited_styles() {
        use ParamShape::*;
        let text = query_text(&array(), QueryStyle::SpaceDelimited, false);
        assert_eq!(text, "color=blue%20black%20brown");
        assert_eq!(
            query_read(&text, QueryStyle::SpaceDelimited, false, Array),
            Some(array())
        );
        let text = query_text(&object(), QueryStyle::SpaceDelimited, false);
        assert_eq!(text, "color=B%20150%20G%20200%20R%20100");
        assert_eq!(
            query_read(&text, QueryStyle::SpaceDelimited, false, Object),
            Some(object_read())
        );
        let text = query_text(&array(), QueryStyle::PipeDelimited, false);
        assert_eq!(text, "color=blue%7Cblack%7Cbrown");
        assert_eq!(
            query_read(&text, QueryStyle::PipeDelimited, false, Array),
            Some(array())
        );
        // An unencoded pipe, as some clients send it, reads the same.
        assert_eq!(
            query_read(
                "color=blue|black|brown",
                QueryStyle::PipeDelimited,
                false,
                Array
            ),
            Some(array())
        );
        let text = query_text(&object(), QueryStyle::PipeDelimited, false);
        assert_eq!(text, "color=B%7C150%7CG%7C200%7CR%7C100");
        assert_eq!(
            query_read(&text, QueryStyle::PipeDelimited, false, Object),
            Some(object_read())
        );
        // The table's "n/a" cells.
        for style in [QueryStyle::SpaceDelimited, QueryStyle::PipeDelimited] {
            for value in [serde_json::Value::Null, serde_json::json!("blue")] {
                assert!(encode_query_param("color", &value, style, false).is_err());
            }
            assert!(encode_query_param("color", &array(), style, true).is_err());
        }
    }

    #[test]
    fn query_deep_object_style() {
        let text = query_text(&object(), QueryStyle::DeepObject, true);
        assert_eq!(text, "color%5BB%5D=150&color%5BG%5D=200&color%5BR%5D=100");
        assert_eq!(
            query_read(&text, QueryStyle::DeepObject, true, ParamShape::Object),
            Some(object_read())
        );
        // Brackets as browsers send them read the same; other keys are not the object's.
        assert_eq!(
            query_read(
                "color[R]=100&colour[G]=1&color=x&color[G]=200&color[B]=150",
                QueryStyle::DeepObject,
                true,
                ParamShape::Object
            ),
            Some(object_read())
        );
        assert_eq!(
            query_read(
                "other[a]=1",
                QueryStyle::DeepObject,
                true,
                ParamShape::Object
            ),
            None
        );
        assert!(encode_query_param("color", &array(), QueryStyle::DeepObject, true).is_err());
    }

    #[test]
    fn path_simple_style() {
        use ParamShape::*;
        let null = serde_json::Value::Null;
        let blue = serde_json::json!("blue");
        for explode in [false, true] {
            assert_eq!(path_text(&null, PathStyle::Simple, explode), "");
            assert_eq!(path_text(&blue, PathStyle::Simple, explode), "blue");
            assert_eq!(
                path_read("blue", PathStyle::Simple, explode, Primitive),
                blue
            );
            let text = path_text(&array(), PathStyle::Simple, explode);
            assert_eq!(text, "blue,black,brown");
            assert_eq!(path_read(&text, PathStyle::Simple, explode, Array), array());
            assert_eq!(
                path_read("", PathStyle::Simple, explode, Array),
                serde_json::json!([])
            );
        }
        let text = path_text(&object(), PathStyle::Simple, false);
        assert_eq!(text, "B,150,G,200,R,100");
        assert_eq!(
            path_read(&text, PathStyle::Simple, false, Object),
            object_read()
        );
        let text = path_text(&object(), PathStyle::Simple, true);
        assert_eq!(text, "B=150,G=200,R=100");
        assert_eq!(
            path_read(&text, PathStyle::Simple, true, Object),
            object_read()
        );
        // Items are encoded as segments; a lone `..` cannot navigate.
        assert_eq!(
            path_text(&serde_json::json!(["a/b", "c,d"]), PathStyle::Simple, false),
            "a%2Fb,c%2Cd"
        );
        assert_eq!(
            path_text(&serde_json::json!(".."), PathStyle::Simple, false),
            "%2E%2E"
        );
    }

    #[test]
    fn path_label_style() {
        use ParamShape::*;
        let blue = serde_json::json!("blue");
        for explode in [false, true] {
            assert_eq!(
                path_text(&serde_json::Value::Null, PathStyle::Label, explode),
                "%2E"
            );
            assert_eq!(path_text(&blue, PathStyle::Label, explode), ".blue");
            assert_eq!(
                path_read(".blue", PathStyle::Label, explode, Primitive),
                blue
            );
        }
        let text = path_text(&array(), PathStyle::Label, false);
        assert_eq!(text, ".blue,black,brown");
        assert_eq!(path_read(&text, PathStyle::Label, false, Array), array());
        let text = path_text(&array(), PathStyle::Label, true);
        assert_eq!(text, ".blue.black.brown");
        assert_eq!(path_read(&text, PathStyle::Label, true, Array), array());
        let text = path_text(&object(), PathStyle::Label, false);
        assert_eq!(text, ".B,150,G,200,R,100");
        assert_eq!(
            path_read(&text, PathStyle::Label, false, Object),
            object_read()
        );
        let text = path_text(&object(), PathStyle::Label, true);
        assert_eq!(text, ".B=150.G=200.R=100");
        assert_eq!(
            path_read(&text, PathStyle::Label, true, Object),
            object_read()
        );
        assert!(decode_path_param("blue", "color", PathStyle::Label, false, Primitive).is_err());
    }

    #[test]
    fn path_matrix_style() {
        use ParamShape::*;
        let blue = serde_json::json!("blue");
        for explode in [false, true] {
            assert_eq!(
                path_text(&serde_json::Value::Null, PathStyle::Matrix, explode),
                ";color"
            );
            assert_eq!(
                path_read(";color", PathStyle::Matrix, explode, Primitive),
                serde_json::Value::Null
            );
            assert_eq!(path_text(&blue, PathStyle::Matrix, explode), ";color=blue");
            assert_eq!(
                path_read(";color=blue", PathStyle::Matrix, explode, Primitive),
                blue
            );
        }
        let text = path_text(&array(), PathStyle::Matrix, false);
        assert_eq!(text, ";color=blue,black,brown");
        assert_eq!(path_read(&text, PathStyle::Matrix, false, Array), array());
        let text = path_text(&array(), PathStyle::Matrix, true);
        assert_eq!(text, ";color=blue;color=black;color=brown");
        assert_eq!(path_read(&text, PathStyle::Matrix, true, Array), array());
        let text = path_text(&object(), PathStyle::Matrix, false);
        assert_eq!(text, ";color=B,150,G,200,R,100");
        assert_eq!(
            path_read(&text, PathStyle::Matrix, false, Object),
            object_read()
        );
        let text = path_text(&object(), PathStyle::Matrix, true);
        assert_eq!(text, ";B=150;G=200;R=100");
        assert_eq!(
            path_read(&text, PathStyle::Matrix, true, Object),
            object_read()
        );
        for wrong in ["color=blue", ";colour=blue", ";color=a;size=b"] {
            assert!(
                decode_path_param(wrong, "color", PathStyle::Matrix, true, Array).is_err(),
                "{wrong}"
            );
        }
    }

    #[test]
    fn header_simple_style() {
        use ParamShape::*;
        assert_eq!(encode_header_param(&serde_json::Value::Null, false), "");
        assert_eq!(
            encode_header_param(&serde_json::json!("blue"), false),
            "blue"
        );
        for explode in [false, true] {
            assert_eq!(encode_header_param(&array(), explode), "blue,black,brown");
            assert_eq!(
                decode_header_param("blue,black,brown", "X-Color", explode, Array).expect("reads"),
                array()
            );
        }
        assert_eq!(encode_header_param(&object(), false), "B,150,G,200,R,100");
        assert_eq!(encode_header_param(&object(), true), "B=150,G=200,R=100");
        assert_eq!(
            decode_header_param(" B=150,G=200,R=100 ", "X-Color", true, Object).expect("reads"),
            object_read()
        );
        // Header text is not percent-encoded.
        assert_eq!(
            encode_header_param(&serde_json::json!("a b/c"), false),
            "a b/c"
        );
    }

    #[test]
    fn styled_parameters_reach_the_request() {
        let path = fill_path_encoded(
            "/rooms/{color}/x",
            &[("color", &path_text(&array(), PathStyle::Matrix, true))],
        )
        .expect("fills");
        assert_eq!(path, "/rooms/;color=blue;color=black;color=brown/x");
        let mut request = build_request(
            &metadata(Authentication::None),
            "http://h",
            &path,
            &[("plain", "x y".to_owned())],
            &[],
            None,
            None,
            Vec::new(),
        )
        .expect("builds");
        append_query(
            &mut request,
            &query_text(&array(), QueryStyle::PipeDelimited, false),
        )
        .expect("appends");
        append_query(&mut request, "").expect("nothing to append");
        assert_eq!(
            request.uri().to_string(),
            "http://h/rooms/;color=blue;color=black;color=brown/x?plain=x+y&color=blue%7Cblack%7Cbrown"
        );
        let query = parse_query(request.uri());
        assert_eq!(
            decode_query_param(
                &query,
                "color",
                QueryStyle::PipeDelimited,
                false,
                ParamShape::Array,
                &[]
            )
            .expect("reads"),
            Some(array())
        );
    }
}
