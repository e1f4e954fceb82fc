//! Errors on the wire: the Matrix error body, and what can go wrong converting to and from
//! HTTP.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A Matrix error code (`errcode`). Codes this version does not list are kept as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Forbidden,
    UnknownToken,
    MissingToken,
    BadJson,
    NotJson,
    NotFound,
    LimitExceeded,
    Unrecognized,
    Unknown,
    Unauthorized,
    UserDeactivated,
    UserInUse,
    InvalidUsername,
    RoomInUse,
    InvalidRoomState,
    ThreepidInUse,
    ThreepidNotFound,
    ThreepidAuthFailed,
    ThreepidDenied,
    ServerNotTrusted,
    UnsupportedRoomVersion,
    IncompatibleRoomVersion,
    BadState,
    GuestAccessForbidden,
    CaptchaNeeded,
    CaptchaInvalid,
    MissingParam,
    InvalidParam,
    TooLarge,
    Exclusive,
    ResourceLimitExceeded,
    CannotLeaveServerNotice,
    WeakPassword,
    /// A code not listed here, as written (`M_…` or a vendor's `ORG_…`).
    Other(String),
}

const CODES: &[(&str, ErrorCode)] = &[
    ("M_FORBIDDEN", ErrorCode::Forbidden),
    ("M_UNKNOWN_TOKEN", ErrorCode::UnknownToken),
    ("M_MISSING_TOKEN", ErrorCode::MissingToken),
    ("M_BAD_JSON", ErrorCode::BadJson),
    ("M_NOT_JSON", ErrorCode::NotJson),
    ("M_NOT_FOUND", ErrorCode::NotFound),
    ("M_LIMIT_EXCEEDED", ErrorCode::LimitExceeded),
    ("M_UNRECOGNIZED", ErrorCode::Unrecognized),
    ("M_UNKNOWN", ErrorCode::Unknown),
    ("M_UNAUTHORIZED", ErrorCode::Unauthorized),
    ("M_USER_DEACTIVATED", ErrorCode::UserDeactivated),
    ("M_USER_IN_USE", ErrorCode::UserInUse),
    ("M_INVALID_USERNAME", ErrorCode::InvalidUsername),
    ("M_ROOM_IN_USE", ErrorCode::RoomInUse),
    ("M_INVALID_ROOM_STATE", ErrorCode::InvalidRoomState),
    ("M_THREEPID_IN_USE", ErrorCode::ThreepidInUse),
    ("M_THREEPID_NOT_FOUND", ErrorCode::ThreepidNotFound),
    ("M_THREEPID_AUTH_FAILED", ErrorCode::ThreepidAuthFailed),
    ("M_THREEPID_DENIED", ErrorCode::ThreepidDenied),
    ("M_SERVER_NOT_TRUSTED", ErrorCode::ServerNotTrusted),
    (
        "M_UNSUPPORTED_ROOM_VERSION",
        ErrorCode::UnsupportedRoomVersion,
    ),
    (
        "M_INCOMPATIBLE_ROOM_VERSION",
        ErrorCode::IncompatibleRoomVersion,
    ),
    ("M_BAD_STATE", ErrorCode::BadState),
    ("M_GUEST_ACCESS_FORBIDDEN", ErrorCode::GuestAccessForbidden),
    ("M_CAPTCHA_NEEDED", ErrorCode::CaptchaNeeded),
    ("M_CAPTCHA_INVALID", ErrorCode::CaptchaInvalid),
    ("M_MISSING_PARAM", ErrorCode::MissingParam),
    ("M_INVALID_PARAM", ErrorCode::InvalidParam),
    ("M_TOO_LARGE", ErrorCode::TooLarge),
    ("M_EXCLUSIVE", ErrorCode::Exclusive),
    (
        "M_RESOURCE_LIMIT_EXCEEDED",
        ErrorCode::ResourceLimitExceeded,
    ),
    (
        "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM",
        ErrorCode::CannotLeaveServerNotice,
    ),
    ("M_WEAK_PASSWORD", ErrorCode::WeakPassword),
];

impl ErrorCode {
    /// The code as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Other(code) => code,
            known => CODES
                .iter()
                .find(|(_, c)| c == known)
                .map_or("M_UNKNOWN", |(s, _)| s),
        }
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        CODES
            .iter()
            .find(|(s, _)| *s == code)
            .map_or_else(|| ErrorCode::Other(code.to_owned()), |(_, c)| c.clone())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(ErrorCode::from(code.as_ref()))
    }
}

/// The user-interactive authentication state a server sends with a 401.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UiaaInfo {
    /// The flows (lists of stage types) that complete authentication.
    pub flows: Vec<AuthFlow>,
    /// Parameters for stages, by stage type (always written: the spec requires it).
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The session to pass back with the next attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Stages already completed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub completed: Vec<String>,
}

/// One way through user-interactive authentication.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthFlow {
    pub stages: Vec<String>,
}

/// A Matrix error: the HTTP status and the JSON body (`errcode`, `error`, ...).
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixError {
    pub status: http::StatusCode,
    pub errcode: ErrorCode,
    pub error: String,
    /// With `M_LIMIT_EXCEEDED`: how long to wait before retrying.
    pub retry_after_ms: Option<u64>,
    /// With a 401 during user-interactive authentication.
    pub uiaa: Option<Box<UiaaInfo>>,
    /// Any other keys of the body.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl MatrixError {
    pub fn new(status: http::StatusCode, errcode: ErrorCode, error: impl Into<String>) -> Self {
        MatrixError {
            status,
            errcode,
            error: error.into(),
            retry_after_ms: None,
            uiaa: None,
            extra: serde_json::Map::new(),
        }
    }

    /// 404 `M_UNRECOGNIZED`: what a server answers for an endpoint it does not implement.
    pub fn unrecognized() -> Self {
        MatrixError::new(
            http::StatusCode::NOT_FOUND,
            ErrorCode::Unrecognized,
            "This server does not implement this endpoint",
        )
    }

    /// 404 `M_UNRECOGNIZED` for a path that is no endpoint at all.
    pub fn no_such_endpoint() -> Self {
        MatrixError::new(
            http::StatusCode::NOT_FOUND,
            ErrorCode::Unrecognized,
            "Unrecognized request",
        )
    }

    /// 400 `M_MISSING_PARAM`.
    pub fn missing_param(name: &str) -> Self {
        MatrixError::new(
            http::StatusCode::BAD_REQUEST,
            ErrorCode::MissingParam,
            format!("Missing parameter `{name}`"),
        )
    }

    /// 400 `M_INVALID_PARAM`.
    pub fn invalid_param(name: &str, why: impl fmt::Display) -> Self {
        MatrixError::new(
            http::StatusCode::BAD_REQUEST,
            ErrorCode::InvalidParam,
            format!("Invalid parameter `{name}`: {why}"),
        )
    }

    /// 401 `M_MISSING_TOKEN`.
    pub fn missing_token() -> Self {
        MatrixError::new(
            http::StatusCode::UNAUTHORIZED,
            ErrorCode::MissingToken,
            "Missing access token",
        )
    }

    /// The JSON body of this error.
    pub fn to_json(&self) -> serde_json::Value {
        let mut body = self.extra.clone();
        // A user-interactive-auth 401 may carry no error at all, only the flows.
        let bare_uiaa =
            self.uiaa.is_some() && self.errcode == ErrorCode::Unknown && self.error.is_empty();
        if !bare_uiaa {
            body.insert("errcode".into(), self.errcode.as_str().into());
        }
        // `error` is optional in the spec's error schema: a body without one reads back as an
        // empty message, and is written without one again.
        if !self.error.is_empty() {
            body.insert("error".into(), self.error.clone().into());
        }
        if let Some(ms) = self.retry_after_ms {
            body.insert("retry_after_ms".into(), ms.into());
        }
        if let Some(uiaa) = &self.uiaa
            && let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(uiaa)
        {
            body.extend(fields);
        }
        serde_json::Value::Object(body)
    }

    /// Reads an error response. A body that is not a Matrix error becomes `M_UNKNOWN` with the
    /// body's text as the message, so nothing the server said is lost.
    pub fn from_response(status: http::StatusCode, body: &[u8]) -> Self {
        let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_slice(body) else {
            let text = String::from_utf8_lossy(body).into_owned();
            return MatrixError::new(status, ErrorCode::Unknown, text);
        };
        let errcode = match fields.remove("errcode") {
            Some(serde_json::Value::String(code)) => ErrorCode::from(code.as_str()),
            _ => ErrorCode::Unknown,
        };
        let error = match fields.remove("error") {
            Some(serde_json::Value::String(message)) => message,
            _ => String::new(),
        };
        let retry_after_ms = fields.remove("retry_after_ms").and_then(|v| v.as_u64());
        let uiaa = if fields.contains_key("flows") {
            let keys = ["flows", "params", "session", "completed"];
            let uiaa_fields: serde_json::Map<_, _> = keys
                .iter()
                .filter_map(|k| fields.remove(*k).map(|v| ((*k).to_owned(), v)))
                .collect();
            serde_json::from_value(serde_json::Value::Object(uiaa_fields))
                .ok()
                .map(Box::new)
        } else {
            None
        };
        MatrixError {
            status,
            errcode,
            error,
            retry_after_ms,
            uiaa,
            extra: fields,
        }
    }

    /// The error as an HTTP response.
    pub fn to_http_response(&self) -> http::Response<Vec<u8>> {
        let body = serde_json::to_vec(&self.to_json()).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = http::Response::new(body);
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        response
    }
}

impl fmt::Display for MatrixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.errcode,
            self.error
        )
    }
}

impl std::error::Error for MatrixError {}

/// Building an HTTP request or response failed.
#[derive(Debug)]
pub enum IntoHttpError {
    /// The endpoint needs an access token and none was given.
    NeedsAuthentication,
    /// The base URL and path do not make a valid URI.
    InvalidUri(String),
    /// A header value is not valid in HTTP.
    InvalidHeader(String),
    /// A parameter's value cannot be written in its style (e.g. `spaceDelimited` of a string).
    InvalidParam(String),
    /// The body could not be serialized.
    Json(serde_json::Error),
    Http(http::Error),
}

impl fmt::Display for IntoHttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntoHttpError::NeedsAuthentication => {
                f.write_str("this endpoint needs an access token")
            }
            IntoHttpError::InvalidUri(uri) => write!(f, "invalid URI `{uri}`"),
            IntoHttpError::InvalidHeader(name) => write!(f, "invalid value for header `{name}`"),
            IntoHttpError::InvalidParam(why) => write!(f, "invalid parameter {why}"),
            IntoHttpError::Json(e) => write!(f, "cannot serialize the body: {e}"),
            IntoHttpError::Http(e) => write!(f, "cannot build the HTTP message: {e}"),
        }
    }
}

impl std::error::Error for IntoHttpError {}

impl From<serde_json::Error> for IntoHttpError {
    fn from(e: serde_json::Error) -> Self {
        IntoHttpError::Json(e)
    }
}

impl From<http::Error> for IntoHttpError {
    fn from(e: http::Error) -> Self {
        IntoHttpError::Http(e)
    }
}

/// Reading an HTTP response failed.
#[derive(Debug)]
pub enum FromHttpResponseError {
    /// The server answered with an error.
    Server(MatrixError),
    /// A success response whose body does not match the spec.
    Deserialization(serde_json::Error),
}

impl fmt::Display for FromHttpResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FromHttpResponseError::Server(e) => write!(f, "the server answered {e}"),
            FromHttpResponseError::Deserialization(e) => write!(f, "unexpected response body: {e}"),
        }
    }
}

impl std::error::Error for FromHttpResponseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_are_kept() {
        assert_eq!(ErrorCode::from("M_FORBIDDEN"), ErrorCode::Forbidden);
        let vendor = ErrorCode::from("ORG_EXAMPLE_THING");
        assert_eq!(vendor.as_str(), "ORG_EXAMPLE_THING");
    }

    #[test]
    fn error_bodies_round_trip() {
        let body = br#"{"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests","retry_after_ms":2000,"x":1}"#;
        let error = MatrixError::from_response(http::StatusCode::TOO_MANY_REQUESTS, body);
        assert_eq!(error.errcode, ErrorCode::LimitExceeded);
        assert_eq!(error.retry_after_ms, Some(2000));
        assert_eq!(error.extra.get("x"), Some(&serde_json::json!(1)));
        let back: serde_json::Value = serde_json::from_slice(body).expect("json");
        assert_eq!(error.to_json(), back);
    }

    #[test]
    fn user_interactive_auth_is_parsed() {
        let body = br#"{"flows":[{"stages":["m.login.dummy"]}],"params":{},"session":"abc"}"#;
        let error = MatrixError::from_response(http::StatusCode::UNAUTHORIZED, body);
        let json = error.to_json();
        let back: serde_json::Value = serde_json::from_slice(body).expect("json");
        assert_eq!(json, back, "a bare UIA body is written back as it came");
        let uiaa = error.uiaa.expect("uiaa");
        assert_eq!(uiaa.flows[0].stages, ["m.login.dummy"]);
        assert_eq!(uiaa.session.as_deref(), Some("abc"));
        assert_eq!(error.errcode, ErrorCode::Unknown);
    }

    #[test]
    fn non_json_errors_keep_the_text() {
        let error = MatrixError::from_response(http::StatusCode::BAD_GATEWAY, b"upstream down");
        assert_eq!(error.error, "upstream down");
    }
}
