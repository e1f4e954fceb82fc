//! The conversions between an operation's typed `Request` / `Response` and `http` messages:
//! four traits, and the non-generic functions that do their work from data. Each generated
//! operation describes its path, query and header parameters once, in a static table of
//! [`Param`]s, and its trait impls hand the runtime the fields' values in table order
//! (client side, as `&dyn ParamValue`) or take them back by index, one typed call per field
//! (server side, [`Params::take`]). So the wire rules (styles, encodings, errors) are code
//! here, compiled once, not per operation.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{FromHttpResponseError, IntoHttpError, MatrixError};
use super::wire::{self, ParamShape, PathStyle, QueryStyle};
use super::{Extras, Metadata};

/// A request a client sends.
pub trait OutgoingRequest {
    /// What the server answers on success.
    type Response: IncomingResponse;
    const METADATA: &'static Metadata;

    /// Builds the HTTP request, choosing values for the base path's variables (e.g.
    /// `("client_major_version", "r0")`); the others keep their defaults. An `access_token`
    /// given is always sent (`Authorization: Bearer`), also where the spec lists no
    /// `security`; `None` is refused where the spec requires one.
    fn try_into_http_request_with(
        &self,
        base_url: &str,
        access_token: Option<&str>,
        path_variables: &[(&str, &str)],
    ) -> Result<http::Request<Vec<u8>>, IntoHttpError>;

    /// Builds the HTTP request, with the base path's variables at their defaults.
    fn try_into_http_request(
        &self,
        base_url: &str,
        access_token: Option<&str>,
    ) -> Result<http::Request<Vec<u8>>, IntoHttpError> {
        self.try_into_http_request_with(base_url, access_token, &[])
    }
}

/// A request a server receives.
pub trait IncomingRequest: Sized {
    /// Reads the request from its parts. `path_args` are the values of the path template's
    /// variables, in order, percent-decoded.
    fn from_http_parts(
        parts: &http::request::Parts,
        body: &[u8],
        path_args: &[String],
    ) -> Result<Self, MatrixError>;

    /// Reads the request as a server receives it (see [`IncomingRequest::from_http_parts`]).
    fn try_from_http_request<B: AsRef<[u8]>>(
        request: http::Request<B>,
        path_args: &[String],
    ) -> Result<Self, MatrixError> {
        let (parts, body) = request.into_parts();
        Self::from_http_parts(&parts, body.as_ref(), path_args)
    }
}

/// A response a server sends.
pub trait OutgoingResponse {
    /// Writes the response as a server sends it.
    fn try_into_http_response(&self) -> Result<http::Response<Vec<u8>>, IntoHttpError>;
}

/// A response a client receives.
pub trait IncomingResponse: Sized {
    /// Reads a success response from its parts.
    fn from_success_parts(
        parts: &http::response::Parts,
        body: &[u8],
    ) -> Result<Self, FromHttpResponseError>;

    /// Reads the server's answer: this response on success, the server's Matrix error
    /// otherwise.
    fn try_from_http_response<B: AsRef<[u8]>>(
        response: http::Response<B>,
    ) -> Result<Self, FromHttpResponseError> {
        let (parts, body) = response.into_parts();
        let body = wire::success_body(parts.status, body.as_ref())?;
        Self::from_success_parts(&parts, body)
    }
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Path,
    Query,
    Header,
}

/// What a parameter's text is, read as a server: it becomes a JSON value of that kind, which
/// the field's type is then read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string (plain, an enum's value, or of a format: user ID, ...).
    Text,
    Integer,
    Number,
    /// `true` or `false`.
    Bool,
    /// JSON text (e.g. a filter given inline).
    Json,
}

/// A style the plain rules do not write (an object, a non-exploded or delimited array, a
/// non-`simple` path value, an array or object header): [`wire`]'s style functions take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Styled {
    /// Used for query parameters.
    pub query: QueryStyle,
    /// Used for path parameters.
    pub path: PathStyle,
    pub explode: bool,
    pub shape: ParamShape,
}

/// One path, query or header parameter of an operation, as the spec declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its name on the wire.
    pub name: &'static str,
    pub place: Place,
    pub kind: Kind,
    pub required: bool,
    /// A list: a query key repeated (`form`, exploded), of which each value is one item.
    pub list: bool,
    /// `Some` for the styles the plain rules do not write.
    pub styled: Option<Styled>,
}

impl Param {
    /// A single value written as its text.
    pub const fn new(name: &'static str, place: Place, kind: Kind, required: bool) -> Self {
        Param {
            name,
            place,
            kind,
            required,
            list: false,
            styled: None,
        }
    }

    /// A list whose items repeat the query key.
    pub const fn list(self) -> Self {
        Param { list: true, ..self }
    }

    /// A query parameter of another style or shape.
    pub const fn query_styled(self, style: QueryStyle, explode: bool, shape: ParamShape) -> Self {
        self.styled(style, PathStyle::Simple, explode, shape)
    }

    /// A path parameter of another style or shape.
    pub const fn path_styled(self, style: PathStyle, explode: bool, shape: ParamShape) -> Self {
        self.styled(QueryStyle::Form, style, explode, shape)
    }

    /// A header parameter of an array or object shape.
    pub const fn header_styled(self, explode: bool, shape: ParamShape) -> Self {
        self.styled(QueryStyle::Form, PathStyle::Simple, explode, shape)
    }

    const fn styled(
        self,
        query: QueryStyle,
        path: PathStyle,
        explode: bool,
        shape: ParamShape,
    ) -> Self {
        Param {
            styled: Some(Styled {
                query,
                path,
                explode,
                shape,
            }),
            ..self
        }
    }

    /// An exploded `form` object: its properties are the query keys no other parameter
    /// claims.
    fn is_query_object(&self) -> bool {
        self.place == Place::Query
            && self.styled.is_some_and(|s| {
                s.query == QueryStyle::Form && s.explode && s.shape == ParamShape::Object
            })
    }
}

/// A field's value as the client side writes it: anything serializable, read as JSON
/// (`null` is absent). Object-safe, so the runtime takes every field as `&dyn ParamValue`.
pub trait ParamValue {
    fn param_value(&self) -> Result<serde_json::Value, serde_json::Error>;
}

impl<T: Serialize + ?Sized> ParamValue for T {
    fn param_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

/// A plain value's text: JSON text for [`Kind::Json`]; otherwise strings as they are,
/// integers as they are and other numbers as Rust prints an `f64` (`1` for `1.0`), booleans
/// `true`/`false`, anything else as JSON text.
fn plain_text(value: &serde_json::Value, kind: Kind) -> String {
    match value {
        _ if kind == Kind::Json => value.to_string(),
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Number(number) if kind == Kind::Number && number.is_f64() => number
            .as_f64()
            .map_or_else(|| number.to_string(), |n| n.to_string()),
        other => other.to_string(),
    }
}

/// The plain texts of a value: none for `null`, each item of a list, else the value's.
fn plain_texts(value: &serde_json::Value, kind: Kind) -> Vec<String> {
    match value {
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter(|item| !item.is_null())
            .map(|item| plain_text(item, kind))
            .collect(),
        other => vec![plain_text(other, kind)],
    }
}

/// The request's body and how it is labelled.
pub struct Body<'a> {
    pub bytes: Vec<u8>,
    pub content_type: Option<&'a str>,
}

/// `value` as a JSON body, or the error of serializing it (which [`write_request`] returns).
pub fn json_body<T: serde::Serialize + ?Sized>(value: &T) -> Result<Body<'static>, IntoHttpError> {
    Ok(Body {
        bytes: serde_json::to_vec(value)?,
        content_type: Some("application/json"),
    })
}

/// Builds an operation's HTTP request: `values` are the fields of `metadata.params`, in its order;
/// plain query parameters come first, then styled ones, then `extras`. `body` may be the
/// error of making it, returned as is: the generated caller then needs no `?` of its own
/// (each costs the compiler a trait resolution per call site).
#[allow(clippy::too_many_arguments)]
pub fn write_request(
    metadata: &Metadata,
    values: &[&dyn ParamValue],
    body: Result<Body<'_>, IntoHttpError>,
    base_url: &str,
    access_token: Option<&str>,
    path_variables: &[(&str, &str)],
    extras: &Extras,
) -> Result<http::Request<Vec<u8>>, IntoHttpError> {
    let body = body?;
    let mut path_values: Vec<(&str, String)> = Vec::new();
    let mut query: Vec<(&str, String)> = Vec::new();
    let mut headers: Vec<(&str, String)> = Vec::new();
    let mut styled_query = Vec::new();
    for (param, value) in metadata.params.iter().zip(values) {
        let value = value.param_value()?;
        match (param.place, param.styled) {
            (Place::Path, Some(styled)) => path_values.push((
                param.name,
                wire::encode_path_param(param.name, &value, styled.path, styled.explode)?,
            )),
            (Place::Path, None) => path_values.push((
                param.name,
                wire::encode_segment(&plain_text(&value, param.kind)).into_owned(),
            )),
            (Place::Query, Some(styled)) => {
                if !value.is_null() {
                    styled_query.push((param.name, value, styled));
                }
            }
            (Place::Query, None) => {
                for text in plain_texts(&value, param.kind) {
                    query.push((param.name, text));
                }
            }
            (Place::Header, Some(styled)) => {
                if !value.is_null() {
                    headers.push((
                        param.name,
                        wire::encode_header_param(&value, styled.explode),
                    ));
                }
            }
            (Place::Header, None) => {
                if let Some(text) = plain_texts(&value, param.kind).into_iter().next() {
                    headers.push((param.name, text));
                }
            }
        }
    }
    // The base path's variables: the caller's choice, else the spec's default.
    let mut filled: Vec<(&str, String)> = Vec::new();
    for name in template_variables(metadata.path) {
        match path_values.iter().find(|(n, _)| *n == name) {
            Some((_, text)) => filled.push((name, text.clone())),
            None => filled.push((
                name,
                wire::encode_segment(wire::path_variable(path_variables, metadata, name))
                    .into_owned(),
            )),
        }
    }
    let filled: Vec<(&str, &str)> = filled.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let path = wire::fill_path_encoded(metadata.path, &filled)?;
    let mut request = wire::build_request(
        metadata,
        base_url,
        &path,
        &query,
        &headers,
        access_token,
        body.content_type,
        body.bytes,
    )?;
    for (name, value, styled) in styled_query {
        if styled.query == QueryStyle::Form
            && styled.explode
            && value.as_object().is_some_and(|m| m.is_empty())
        {
            continue;
        }
        let text = wire::encode_query_param(name, &value, styled.query, styled.explode)?;
        wire::append_query(&mut request, &text)?;
    }
    wire::push_extras(&mut request, extras)?;
    Ok(request)
}

/// The `{name}` variables of a path template, in order.
fn template_variables(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// A request's parameters as a server read them: one value (or the error reading it gave)
/// per [`Param`] of the table, taken by index, and the extras.
pub struct Params {
    values: Vec<(&'static str, bool, Result<serde_json::Value, MatrixError>)>,
    extras: Extras,
}

impl Params {
    /// Reads every parameter of `metadata.params` from the request. Nothing fails here: each
    /// value's error comes back from [`Params::take`], so errors are reported in field order.
    pub fn read(parts: &http::request::Parts, path_args: &[String], metadata: &Metadata) -> Self {
        let params = metadata.params;
        let query = wire::parse_query(&parts.uri);
        let query_names: Vec<&str> = params
            .iter()
            .filter(|p| p.place == Place::Query)
            .map(|p| p.name)
            .collect();
        let values = params
            .iter()
            .map(|param| {
                let value = read_param(param, parts, &query, &query_names, path_args, metadata);
                (param.name, param.styled.is_some(), value)
            })
            .collect();
        let header_names: Vec<&str> = params
            .iter()
            .filter(|p| p.place == Place::Header)
            .map(|p| p.name)
            .collect();
        let query_object = params.iter().any(Param::is_query_object);
        let extras = wire::request_extras(
            &query,
            &parts.headers,
            &query_names,
            &header_names,
            query_object,
        );
        Params { values, extras }
    }

    /// The value of parameter `index` as the field's type: 400 `M_MISSING_PARAM` when a
    /// required one is absent, `M_INVALID_PARAM` when it is not of the type. An absent
    /// optional one is `None`.
    pub fn take<T: DeserializeOwned>(&mut self, index: usize) -> Result<T, MatrixError> {
        let Some((name, styled, value)) = self.values.get_mut(index) else {
            return Err(MatrixError::missing_param("?"));
        };
        let value = std::mem::replace(value, Ok(serde_json::Value::Null))?;
        if *styled && !value.is_null() {
            return wire::from_param_value(value, name);
        }
        serde_json::from_value(value).map_err(|e| MatrixError::invalid_param(name, e))
    }

    /// What no declared parameter claims (see [`Extras`]).
    pub fn extras(&mut self) -> Extras {
        std::mem::take(&mut self.extras)
    }

    /// Every parameter at once, as a tuple in [`Params::read`]'s order: what generated code
    /// reads its parameters with, so that it has one early return, not one per parameter.
    /// The first value that does not parse is the error, as with [`Params::take`].
    pub fn values<T: FromParams>(&mut self) -> Result<T, MatrixError> {
        T::from_params(self)
    }
}

/// A tuple of parameter values, read by [`Params::values`]: implemented for tuples of up to
/// sixteen values (the generator takes the parameters of a larger operation one by one).
pub trait FromParams: Sized {
    /// Takes the values `0..n` in order.
    fn from_params(params: &mut Params) -> Result<Self, MatrixError>;
}

macro_rules! from_params_tuple {
    ($($value:ident $index:tt),+) => {
        impl<$($value: DeserializeOwned),+> FromParams for ($($value,)+) {
            fn from_params(params: &mut Params) -> Result<Self, MatrixError> {
                Ok(($(params.take::<$value>($index)?,)+))
            }
        }
    };
}

// Up to the generator's `MAX_PARAMS_TUPLE`.
for_each_tuple!(from_params_tuple);

/// The extras of a request without declared parameters.
pub fn request_extras(parts: &http::request::Parts) -> Extras {
    let query = wire::parse_query(&parts.uri);
    wire::request_extras(&query, &parts.headers, &[], &[], false)
}

/// One parameter's value; `null` when absent and optional.
fn read_param(
    param: &Param,
    parts: &http::request::Parts,
    query: &[(String, String)],
    query_names: &[&str],
    path_args: &[String],
    metadata: &Metadata,
) -> Result<serde_json::Value, MatrixError> {
    let name = param.name;
    let value = match param.place {
        Place::Path => {
            let index = template_variables(metadata.path)
                .position(|n| n == name)
                .unwrap_or(usize::MAX);
            let text = wire::path_arg(path_args, index, name)?;
            Some(match param.styled {
                Some(s) => wire::decode_path_param(text, name, s.path, s.explode, s.shape)?,
                None => typed(text, param.kind, name)?,
            })
        }
        Place::Query => match param.styled {
            Some(s) => {
                let others: Vec<&str> =
                    query_names.iter().copied().filter(|n| *n != name).collect();
                wire::decode_query_param(query, name, s.query, s.explode, s.shape, &others)?
            }
            None if param.list => {
                let items = wire::query_all(query, name)
                    .map(|text| typed(text, param.kind, name))
                    .collect::<Result<Vec<_>, _>>()?;
                (!items.is_empty()).then_some(serde_json::Value::Array(items))
            }
            None => wire::query_opt(query, name)
                .map(|text| typed(text, param.kind, name))
                .transpose()?,
        },
        Place::Header => match wire::header_opt(&parts.headers, name)? {
            None => None,
            Some(text) => Some(match param.styled {
                Some(s) => wire::decode_header_param(text, name, s.explode, s.shape)?,
                None => typed(text, param.kind, name)?,
            }),
        },
    };
    match value {
        Some(value) => Ok(value),
        None if param.required && !param.list => Err(MatrixError::missing_param(name)),
        None if param.list && param.required => Ok(serde_json::Value::Array(Vec::new())),
        None => Ok(serde_json::Value::Null),
    }
}

/// A plain parameter's text as a JSON value of its kind.
fn typed(text: &str, kind: Kind, name: &str) -> Result<serde_json::Value, MatrixError> {
    Ok(match kind {
        Kind::Text => serde_json::Value::String(text.to_owned()),
        Kind::Integer => wire::parse_i64(text, name)?.into(),
        Kind::Number => wire::parse_number(text, name)?.into(),
        Kind::Bool => wire::parse_bool(text, name)?.into(),
        Kind::Json => {
            serde_json::from_str(text).map_err(|e| MatrixError::invalid_param(name, e))?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_parameters_keep_integers_whole_both_ways() {
        // Read: an integer text is an integer, so a `runtime::Number` field writes it back so.
        assert_eq!(
            typed("3", Kind::Number, "n").expect("a number"),
            serde_json::json!(3)
        );
        assert_eq!(
            typed("0.5", Kind::Number, "n").expect("a number"),
            serde_json::json!(0.5)
        );
        assert!(typed("NaN", Kind::Number, "n").is_err());
        // Written: an integer as it is; a fraction as Rust prints an `f64` (`1` for `1.0`).
        assert_eq!(plain_text(&serde_json::json!(3), Kind::Number), "3");
        assert_eq!(
            plain_text(&serde_json::json!(18446744073709551615_u64), Kind::Number),
            "18446744073709551615"
        );
        assert_eq!(plain_text(&serde_json::json!(1.0), Kind::Number), "1");
        assert_eq!(plain_text(&serde_json::json!(0.25), Kind::Number), "0.25");
    }
}
