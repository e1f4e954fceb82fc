//! Hand-written pieces every generated operation shares: route metadata, Matrix errors, the
//! encoding helpers of the conversions to and from HTTP, and (behind features) the axum server
//! glue and the reqwest client.
//!
//! Generated code refers to this crate by the path given to
//! `matrix_codegen::Config::runtime_path`; `matrix-api` re-exports it as `matrix_api::runtime`,
//! so crates that generate their own code can use it from there or depend on it directly.

// `deny`, not `forbid`: the one unsafe cast of `identifiers` (borrowing a checked `&str` as an
// unsized identifier type) is allowed where it is written.
#![deny(unsafe_code)]

/// Calls `$m!(T0 0, T1 1, ..)` once per tuple length from 1 to 16: a type parameter and the
/// index of each element, for the runtime's impls on tuples (a struct's slots and entries, an
/// operation's parameters). Defined before the modules that use it.
macro_rules! for_each_tuple {
    ($m:ident) => {
        $m!(T0 0);
        $m!(T0 0, T1 1);
        $m!(T0 0, T1 1, T2 2);
        $m!(T0 0, T1 1, T2 2, T3 3);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13, T14 14);
        $m!(T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10, T11 11, T12 12, T13 13, T14 14, T15 15);
    };
}

#[doc(hidden)]
pub mod de;
mod error;
pub mod events;
pub mod identifiers;
mod number;
mod operation;
#[doc(hidden)]
pub mod wire;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;

pub use error::{AuthFlow, ErrorCode, FromHttpResponseError, IntoHttpError, MatrixError, UiaaInfo};
pub use number::{Number, ParseNumberError};
pub use operation::{
    Body, FromParams, IncomingRequest, IncomingResponse, Kind, OutgoingRequest, OutgoingResponse,
    Param, ParamValue, Params, Place, Styled, json_body, request_extras, write_request,
};

/// What a request carries beyond the parameters its operation's spec lists: vendor-prefixed
/// or unstable query parameters (Synapse reads `org.matrix.msc4222.use_state_after` on
/// `/sync`) and headers. A client sends them after the declared parameters; a server fills
/// `query` with every query key no declared parameter claims (not `access_token`, which the
/// router reads) and `headers` with every header no declared parameter claims except the
/// ones the conversion itself handles ([`wire::OWN_REQUEST_HEADERS`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extras {
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    pub headers: http::HeaderMap,
}

/// How an endpoint is reached: everything about it that is not its request or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    pub method: http::Method,
    /// The path template with the API's base path, e.g.
    /// `/_matrix/client/{client_major_version}/account/whoami`.
    pub path: &'static str,
    pub authentication: Authentication,
    /// The spec lists a 429 response for it.
    pub rate_limited: bool,
    pub deprecated: bool,
    /// The spec version that added it, where the spec says.
    pub added_in: Option<&'static str>,
    /// Defaults of the base path's variables (`client_major_version` → `v3`).
    pub path_defaults: &'static [(&'static str, &'static str)],
    /// The path, query and header parameters, in `Request`'s field order.
    pub params: &'static [Param],
}

/// What the caller must present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authentication {
    /// Nothing.
    None,
    /// An access token (`Authorization: Bearer`).
    AccessToken,
    /// An access token if the caller has one.
    OptionalAccessToken,
    /// Another scheme, by its name in the spec (server signatures, appservice tokens).
    Other(&'static str),
}

/// A value of a string enum that the spec version the code was generated from does not list
/// (a newer spec's value, or a server's own). Generated enums keep it in a hidden variant
/// that only parsing creates, so `Visibility::from("public")` is always `Visibility::Public`
/// and a value the spec later adds is not a breaking change; `as_str` reads it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(Box<str>);

impl UnknownValue {
    /// For generated code only: the enum's `From<&str>` calls it for unlisted values.
    #[doc(hidden)]
    pub fn new(value: &str) -> Self {
        UnknownValue(value.into())
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
