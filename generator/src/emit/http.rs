//! The HTTP half of emission: per operation, the conversions between the typed `Request` /
//! `Response` and `http` messages (client and server side); per API, the server trait and
//! axum router, and the client trait impls. Everything shared lives in the hand-written
//! runtime; generated code only says which field goes where.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{EXTRA_HEADERS, EXTRA_PARAMS, Emitter, Gate, ident};
use crate::ir::{
    ApiModule, FieldDef, FieldSource, OperationIr, RequestBody, ResponseIr, RustType, Scope,
    TypeDef, WireStyle,
};
use crate::model::{Auth, ParamStyle, template_variables};
use crate::naming::unraw;

/// How a parameter's text becomes its value and back.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scalar {
    String,
    Integer,
    Number,
    Bool,
    /// A generated string enum (`From<&str>`, `Display`).
    Enum,
    /// A string of a typed format (`FromStr`, `Display`): a value that does not parse is
    /// 400 `M_INVALID_PARAM`.
    Formatted,
    /// Anything else travels as JSON text.
    Json,
}

struct Converter {
    function: TokenStream,
    fallible: bool,
    wire: String,
}

impl Converter {
    /// Applied to `arg`; `?` already applied when fallible.
    fn call(&self, arg: TokenStream) -> TokenStream {
        let (function, wire) = (&self.function, &self.wire);
        if self.fallible {
            quote! { #function(#arg, #wire)? }
        } else {
            quote! { #function(#arg) }
        }
    }

    /// `option.map(...)` of an `Option<&str>`, giving `Option<T>`.
    fn map_option(&self, option: TokenStream) -> TokenStream {
        let (function, wire) = (&self.function, &self.wire);
        if self.fallible {
            quote! { #option.map(|value| #function(value, #wire)).transpose()? }
        } else {
            quote! { #option.map(#function) }
        }
    }

    /// Every item of an iterator of `&str`, collected into a `Vec<T>`.
    fn collect(&self, iter: TokenStream) -> TokenStream {
        let (function, wire) = (&self.function, &self.wire);
        if self.fallible {
            quote! { #iter.map(|value| #function(value, #wire)).collect::<Result<Vec<_>, _>>()? }
        } else {
            quote! { #iter.map(#function).collect::<Vec<_>>() }
        }
    }
}

/// A parameter's shape: one value, a list of values, each possibly optional.
struct ParamShape {
    scalar: Scalar,
    list: bool,
}

/// What a parameter's value is, for its style: `runtime::wire::ParamShape`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Primitive,
    Array,
    Object,
}

impl Shape {
    fn tokens(self, rt: &TokenStream) -> TokenStream {
        match self {
            Shape::Primitive => quote! { #rt::wire::ParamShape::Primitive },
            Shape::Array => quote! { #rt::wire::ParamShape::Array },
            Shape::Object => quote! { #rt::wire::ParamShape::Object },
        }
    }
}

/// A parameter the plain helpers do not write (an object, a non-exploded or delimited array,
/// a non-`simple` path value, an array or object header): the runtime's style functions take
/// it, with its style as data.
struct Styled {
    shape: Shape,
    /// `runtime::wire::QueryStyle::…` or `PathStyle::…` (unused for headers).
    style: TokenStream,
    explode: bool,
}

impl Emitter {
    /// `Some` where the field needs the style functions; `None` where the plain conversions
    /// (one value, or a `form` exploded array repeating its key) write exactly its style.
    fn styled(&self, field: &FieldDef, module: &ApiModule, op: &OperationIr) -> Option<Styled> {
        let rt = &self.runtime;
        let WireStyle { style, explode } = field.style?;
        let shape = self.value_shape(&field.ty, module, op);
        match field.source {
            FieldSource::Query => {
                let plain = match shape {
                    Shape::Primitive => true,
                    Shape::Array => style == ParamStyle::Form && explode,
                    Shape::Object => false,
                };
                let style = match style {
                    ParamStyle::SpaceDelimited => quote! { #rt::wire::QueryStyle::SpaceDelimited },
                    ParamStyle::PipeDelimited => quote! { #rt::wire::QueryStyle::PipeDelimited },
                    ParamStyle::DeepObject => quote! { #rt::wire::QueryStyle::DeepObject },
                    _ => quote! { #rt::wire::QueryStyle::Form },
                };
                (!plain).then_some(Styled {
                    shape,
                    style,
                    explode,
                })
            }
            FieldSource::Path => {
                let (plain, style) = match style {
                    ParamStyle::Label => (false, quote! { #rt::wire::PathStyle::Label }),
                    ParamStyle::Matrix => (false, quote! { #rt::wire::PathStyle::Matrix }),
                    _ => (
                        shape == Shape::Primitive,
                        quote! { #rt::wire::PathStyle::Simple },
                    ),
                };
                (!plain).then_some(Styled {
                    shape,
                    style,
                    explode,
                })
            }
            FieldSource::Header => (shape != Shape::Primitive).then_some(Styled {
                shape,
                style: TokenStream::new(),
                explode,
            }),
            FieldSource::Body => None,
        }
    }

    fn value_shape(&self, ty: &RustType, module: &ApiModule, op: &OperationIr) -> Shape {
        match ty {
            RustType::Vec(_) | RustType::Tuple(_) => Shape::Array,
            RustType::Map { .. } | RustType::JsonObject => Shape::Object,
            RustType::Boxed(inner) | RustType::Option(inner) => self.value_shape(inner, module, op),
            RustType::Named { scope, name } => {
                let types = match scope {
                    Scope::Api => &module.types,
                    Scope::Operation => &op.types,
                };
                match types.iter().find(|t| t.name() == name) {
                    Some(TypeDef::Struct(_)) => Shape::Object,
                    _ => Shape::Primitive,
                }
            }
            _ => Shape::Primitive,
        }
    }

    fn scalar_of(&self, ty: &RustType, module: &ApiModule, op: &OperationIr) -> Scalar {
        match ty {
            RustType::String => Scalar::String,
            RustType::I64 => Scalar::Integer,
            RustType::F64 => Scalar::Number,
            RustType::Bool => Scalar::Bool,
            RustType::Formatted(format) => match self.format_type(format) {
                Some(_) => Scalar::Formatted,
                None => Scalar::String,
            },
            RustType::Named { scope, name } => {
                let types = match scope {
                    Scope::Api => &module.types,
                    Scope::Operation => &op.types,
                };
                match types.iter().find(|t| t.name() == name) {
                    Some(TypeDef::StringEnum(_)) => Scalar::Enum,
                    // A union of strings has `FromStr` and `Display`.
                    Some(TypeDef::Union(u)) if self.is_text_union(u) => Scalar::Formatted,
                    _ => Scalar::Json,
                }
            }
            _ => Scalar::Json,
        }
    }

    fn shape(&self, field: &FieldDef, module: &ApiModule, op: &OperationIr) -> ParamShape {
        match &field.ty {
            RustType::Vec(inner) => ParamShape {
                scalar: self.scalar_of(inner, module, op),
                list: true,
            },
            ty => ParamShape {
                scalar: self.scalar_of(ty, module, op),
                list: false,
            },
        }
    }

    /// `value: &T` as text (client side).
    fn format_value(&self, scalar: Scalar) -> TokenStream {
        match scalar {
            Scalar::String => quote! { value.clone() },
            Scalar::Json => quote! { ::serde_json::to_string(value)? },
            _ => quote! { value.to_string() },
        }
    }

    /// The conversion of a parameter's text (server side): `call(arg)` applies it to an
    /// expression, `callable` is a function for `.map(...)`; `fallible` says both give a
    /// `Result` (an invalid value is 400 `M_INVALID_PARAM`).
    fn converter(&self, scalar: Scalar, wire: &str, ty: &TokenStream) -> Converter {
        let rt = &self.runtime;
        let (function, fallible) = match scalar {
            Scalar::String => (quote! { str::to_owned }, false),
            Scalar::Enum => (quote! { <#ty>::from }, false),
            Scalar::Formatted => (quote! { #rt::wire::parse_param::<#ty> }, true),
            Scalar::Integer => (quote! { #rt::wire::parse_i64 }, true),
            Scalar::Number => (quote! { #rt::wire::parse_f64 }, true),
            Scalar::Bool => (quote! { #rt::wire::parse_bool }, true),
            Scalar::Json => (quote! { #rt::wire::parse_json_param }, true),
        };
        let wire = wire.to_owned();
        Converter {
            function,
            fallible,
            wire,
        }
    }

    /// `impl Request`: to an `http::Request` (client) and from one (server).
    pub(super) fn request_conversions(&self, module: &ApiModule, op: &OperationIr) -> TokenStream {
        let rt = &self.runtime;
        let template = template_variables(&op.path);

        // Client side.
        let mut bindings = Vec::new();
        let mut path_values = Vec::new();
        // With a styled path parameter every value is encoded here and the template filled
        // as it is; otherwise `fill_path` encodes each value as one segment.
        let path_styled = op
            .request_fields
            .iter()
            .any(|f| f.source == FieldSource::Path && self.styled(f, module, op).is_some());
        for name in &template {
            if op.base_variables.iter().any(|v| &v.name == name) {
                path_values.push(if path_styled {
                    quote! { (#name, &*#rt::wire::encode_segment(#rt::wire::path_variable(path_variables, &METADATA, #name))) }
                } else {
                    quote! { (#name, #rt::wire::path_variable(path_variables, &METADATA, #name)) }
                });
                continue;
            }
            let Some(field) = op
                .request_fields
                .iter()
                .find(|f| f.source == FieldSource::Path && &f.wire == name)
            else {
                continue;
            };
            let field_name = ident(&field.ident);
            if path_styled {
                let binding = format_ident!("path_{}", unraw(&field.ident));
                let text = match self.styled(field, module, op) {
                    Some(styled) => {
                        let (style, explode) = (&styled.style, styled.explode);
                        quote! { #rt::wire::path_text(#name, &self.#field_name, #style, #explode)? }
                    }
                    None => {
                        quote! { #rt::wire::encode_segment(&self.#field_name.to_string()).into_owned() }
                    }
                };
                bindings.push(quote! { let #binding = #text; });
                path_values.push(quote! { (#name, #binding.as_str()) });
            } else if field.ty == RustType::String {
                path_values.push(quote! { (#name, self.#field_name.as_str()) });
            } else {
                let binding = format_ident!("path_{}", unraw(&field.ident));
                bindings.push(quote! { let #binding = self.#field_name.to_string(); });
                path_values.push(quote! { (#name, #binding.as_str()) });
            }
        }

        let mut query_pushes = Vec::new();
        let mut header_pushes = Vec::new();
        let mut styled_pushes = Vec::new();
        let mut has_content_type_header = false;
        for field in &op.request_fields {
            let target = match field.source {
                FieldSource::Query => &mut query_pushes,
                FieldSource::Header => {
                    has_content_type_header |= field.wire.eq_ignore_ascii_case("content-type");
                    &mut header_pushes
                }
                _ => continue,
            };
            let field_name = ident(&field.ident);
            let wire = &field.wire;
            if let Some(styled) = self.styled(field, module, op) {
                let explode = styled.explode;
                let write = if field.source == FieldSource::Query {
                    let style = &styled.style;
                    styled_pushes.push(if field.optional {
                        quote! { if let Some(value) = &self.#field_name { #rt::wire::push_query_styled(&mut request, #wire, value, #style, #explode)?; } }
                    } else {
                        quote! { #rt::wire::push_query_styled(&mut request, #wire, &self.#field_name, #style, #explode)?; }
                    });
                    continue;
                } else {
                    quote! { headers.push((#wire, #rt::wire::header_text(value, #explode)?)); }
                };
                target.push(if field.optional {
                    quote! { if let Some(value) = &self.#field_name { #write } }
                } else {
                    quote! { { let value = &self.#field_name; #write } }
                });
                continue;
            }
            let shape = self.shape(field, module, op);
            let format = self.format_value(shape.scalar);
            let list_name = match field.source {
                FieldSource::Query => quote! { query },
                _ => quote! { headers },
            };
            target.push(match (shape.list, field.optional) {
                (false, false) => quote! { { let value = &self.#field_name; #list_name.push((#wire, #format)); } },
                (false, true) => quote! { if let Some(value) = &self.#field_name { #list_name.push((#wire, #format)); } },
                (true, false) => quote! { for value in &self.#field_name { #list_name.push((#wire, #format)); } },
                (true, true) => quote! { for value in self.#field_name.iter().flatten() { #list_name.push((#wire, #format)); } },
            });
        }

        let (body, content_type) = match &op.request_body {
            RequestBody::None => (quote! { Vec::new() }, quote! { None }),
            RequestBody::Fields => (
                quote! { ::serde_json::to_vec(self)? },
                quote! { Some("application/json") },
            ),
            RequestBody::Whole(field) => {
                let field_name = ident(field);
                (
                    quote! { ::serde_json::to_vec(&self.#field_name)? },
                    quote! { Some("application/json") },
                )
            }
            RequestBody::Binary {
                field,
                content_type,
            } => {
                let field_name = ident(field);
                let content_type = if has_content_type_header {
                    quote! { None }
                } else {
                    quote! { Some(#content_type) }
                };
                (quote! { self.#field_name.clone() }, content_type)
            }
        };
        let query_decl = if query_pushes.is_empty() {
            quote! { let query: Vec<(&str, String)> = Vec::new(); }
        } else {
            quote! { let mut query: Vec<(&str, String)> = Vec::new(); }
        };
        let headers_decl = if header_pushes.is_empty() {
            quote! { let headers: Vec<(&str, String)> = Vec::new(); }
        } else {
            quote! { let mut headers: Vec<(&str, String)> = Vec::new(); }
        };
        let fill = if path_styled {
            quote! { fill_path_encoded }
        } else {
            quote! { fill_path }
        };
        let extras_name = ident(EXTRA_PARAMS);
        let uses_variables = !op.base_variables.is_empty();
        let variables_param = if uses_variables {
            quote! { path_variables }
        } else {
            quote! { _path_variables }
        };

        // Server side.
        let mut field_inits = Vec::new();
        let query_names: Vec<&str> = op
            .request_fields
            .iter()
            .filter(|f| f.source == FieldSource::Query)
            .map(|f| f.wire.as_str())
            .collect();
        let header_names: Vec<&str> = op
            .request_fields
            .iter()
            .filter(|f| f.source == FieldSource::Header)
            .map(|f| f.wire.as_str())
            .collect();
        let mut query_object = false;
        // The query and headers are always read: what no declared parameter claims is
        // `extra_params`.
        let mut uses_path_args = false;
        let mut uses_body = false;
        for field in &op.request_fields {
            let field_name = ident(&field.ident);
            let wire = field.wire.as_str();
            let value = match field.source {
                FieldSource::Body => {
                    uses_body = true;
                    match &op.request_body {
                        RequestBody::Fields => quote! { body.#field_name },
                        RequestBody::Binary { .. } => quote! { body.to_vec() },
                        _ => quote! { #rt::wire::request_json(body)? },
                    }
                }
                FieldSource::Path => {
                    uses_path_args = true;
                    let index = template
                        .iter()
                        .position(|t| t == wire)
                        .unwrap_or(usize::MAX);
                    let index = Literal::usize_unsuffixed(index);
                    if let Some(styled) = self.styled(field, module, op) {
                        let ty = self.rust_type(&field.ty, Scope::Operation);
                        let (style, explode) = (&styled.style, styled.explode);
                        let shape = styled.shape.tokens(rt);
                        field_inits.push(quote! {
                            #field_name: #rt::wire::path_styled::<#ty>(#rt::wire::path_arg(path_args, #index, #wire)?, #wire, #style, #explode, #shape)?,
                        });
                        continue;
                    }
                    let element = self.rust_type(&field.ty, Scope::Operation);
                    let converter =
                        self.converter(self.scalar_of(&field.ty, module, op), wire, &element);
                    converter.call(quote! { #rt::wire::path_arg(path_args, #index, #wire)? })
                }
                FieldSource::Query | FieldSource::Header => {
                    let is_query = field.source == FieldSource::Query;
                    if let Some(styled) = self.styled(field, module, op) {
                        let ty = self.rust_type(&field.ty, Scope::Operation);
                        let explode = styled.explode;
                        let shape = styled.shape.tokens(rt);
                        let read = if is_query {
                            let style = &styled.style;
                            query_object |= styled.shape == Shape::Object
                                && explode
                                && field.style.is_some_and(|s| s.style == ParamStyle::Form);
                            let others = query_names.iter().filter(|n| **n != wire);
                            quote! { #rt::wire::query_styled::<#ty>(&query, #wire, #style, #explode, #shape, &[#(#others),*])? }
                        } else {
                            quote! { #rt::wire::header_styled::<#ty>(&parts.headers, #wire, #explode, #shape)? }
                        };
                        let value = if field.optional {
                            read
                        } else {
                            quote! { #rt::wire::required(#read, #wire)? }
                        };
                        field_inits.push(quote! { #field_name: #value, });
                        continue;
                    }
                    let shape = self.shape(field, module, op);
                    let element_ty = match &field.ty {
                        RustType::Vec(inner) => self.rust_type(inner, Scope::Operation),
                        ty => self.rust_type(ty, Scope::Operation),
                    };
                    let converter = self.converter(shape.scalar, wire, &element_ty);
                    let single = |required: bool| match (is_query, required) {
                        (true, true) => quote! { #rt::wire::query_req(&query, #wire)? },
                        (true, false) => quote! { #rt::wire::query_opt(&query, #wire) },
                        (false, true) => quote! { #rt::wire::header_req(&parts.headers, #wire)? },
                        (false, false) => quote! { #rt::wire::header_opt(&parts.headers, #wire)? },
                    };
                    match (is_query && shape.list, field.optional) {
                        (false, false) => converter.call(single(true)),
                        (false, true) => converter.map_option(single(false)),
                        (true, optional) => {
                            let collect =
                                converter.collect(quote! { #rt::wire::query_all(&query, #wire) });
                            if optional {
                                quote! { { let values = #collect; if values.is_empty() { None } else { Some(values) } } }
                            } else {
                                collect
                            }
                        }
                    }
                }
            };
            field_inits.push(quote! { #field_name: #value, });
        }
        let has_params = op
            .request_fields
            .iter()
            .any(|f| f.source != FieldSource::Body);
        let query_parse = quote! { let query = #rt::wire::parse_query(&parts.uri); };
        let body_parse = match &op.request_body {
            RequestBody::Fields if has_params => {
                uses_body = true;
                quote! { let body: RequestBody = #rt::wire::request_json(body)?; }
            }
            _ => TokenStream::new(),
        };
        let extras_read = quote! {
            let #extras_name = #rt::wire::request_extras(&query, &parts.headers, &[#(#query_names),*], &[#(#header_names),*], #query_object);
        };
        let construct = if op.request_body == RequestBody::Fields && !has_params {
            uses_body = true;
            quote! { #extras_read Ok(Self { #extras_name, ..#rt::wire::request_json(body)? }) }
        } else {
            quote! { #extras_read Ok(Self { #(#field_inits)* #extras_name }) }
        };
        let parts_name = quote! { parts };
        let body_name = if uses_body {
            quote! { body }
        } else {
            quote! { _body }
        };
        let args_name = if uses_path_args {
            quote! { path_args }
        } else {
            quote! { _path_args }
        };

        quote! {
            impl Request {
                /// Builds the HTTP request, with the base path's variables at their defaults.
                /// An `access_token` given is always sent (`Authorization: Bearer`), also where
                /// the spec lists no `security`; `None` is refused where the spec requires one.
                pub fn try_into_http_request(
                    &self,
                    base_url: &str,
                    access_token: Option<&str>,
                ) -> Result<::http::Request<Vec<u8>>, #rt::IntoHttpError> {
                    self.try_into_http_request_with(base_url, access_token, &[])
                }

                /// Builds the HTTP request, choosing values for the base path's variables
                /// (e.g. `("client_major_version", "r0")`); the others keep their defaults.
                pub fn try_into_http_request_with(
                    &self,
                    base_url: &str,
                    access_token: Option<&str>,
                    #variables_param: &[(&str, &str)],
                ) -> Result<::http::Request<Vec<u8>>, #rt::IntoHttpError> {
                    #(#bindings)*
                    let path = #rt::wire::#fill(METADATA.path, &[#(#path_values),*])?;
                    #query_decl
                    #(#query_pushes)*
                    #headers_decl
                    #(#header_pushes)*
                    let body = #body;
                    let mut request = #rt::wire::build_request(&METADATA, base_url, &path, &query, &headers, access_token, #content_type, body)?;
                    #(#styled_pushes)*
                    #rt::wire::push_extras(&mut request, &self.#extras_name)?;
                    Ok(request)
                }

                /// Reads the request as a server receives it. `path_args` are the values of
                /// the path template's variables, in order, percent-decoded.
                pub fn try_from_http_request<B: AsRef<[u8]>>(
                    request: ::http::Request<B>,
                    path_args: &[String],
                ) -> Result<Self, #rt::MatrixError> {
                    let (parts, body) = request.into_parts();
                    Self::from_http_parts(&parts, body.as_ref(), path_args)
                }

                /// The non-generic part of [`Request::try_from_http_request`].
                pub fn from_http_parts(
                    #parts_name: &::http::request::Parts,
                    #body_name: &[u8],
                    #args_name: &[String],
                ) -> Result<Self, #rt::MatrixError> {
                    #query_parse
                    #body_parse
                    #construct
                }
            }
        }
    }

    /// `impl Response`: from an `http::Response` (client) and to one (server).
    pub(super) fn response_conversions(&self, op: &OperationIr) -> TokenStream {
        let rt = &self.runtime;
        let status = Literal::u16_unsuffixed(op.success_status);
        let extra_name = ident(EXTRA_HEADERS);
        let header_names: Vec<&str> = op
            .response_headers
            .iter()
            .map(|h| h.wire.as_str())
            .collect();
        let header_reads = op.response_headers.iter().map(|h| {
            let (name, wire) = (ident(&h.ident), &h.wire);
            quote! { #name: #rt::wire::response_header(&parts.headers, #wire), }
        });
        let header_writes = op.response_headers.iter().map(|h| {
            let (name, wire) = (ident(&h.ident), &h.wire);
            quote! { (#wire, self.#name.as_deref()) }
        });
        let own_reads = quote! {
            #(#header_reads)*
            #extra_name: #rt::wire::unclaimed_headers(&parts.headers, &[#(#header_names),*], #rt::wire::OWN_RESPONSE_HEADERS),
        };
        let (read, write) = match &op.response {
            ResponseIr::Binary { content_type, .. } => (
                quote! {
                    Ok(Self { content_type: #rt::wire::content_type(&parts.headers), body: body.to_vec(), #own_reads })
                },
                quote! {
                    #rt::wire::response(#status, Some(self.content_type.as_deref().unwrap_or(#content_type)), self.body.clone())?
                },
            ),
            _ => (
                quote! { Ok(Self { #own_reads ..#rt::wire::response_json(body)? }) },
                quote! { #rt::wire::response(#status, Some("application/json"), ::serde_json::to_vec(self)?)? },
            ),
        };
        let write = quote! {
            let mut response = #write;
            #rt::wire::set_response_headers(&mut response, &[#(#header_writes),*], &self.#extra_name)?;
            Ok(response)
        };
        quote! {
            impl Response {
                /// Reads the server's answer: this response on success, the server's Matrix
                /// error otherwise.
                pub fn try_from_http_response<B: AsRef<[u8]>>(
                    response: ::http::Response<B>,
                ) -> Result<Self, #rt::FromHttpResponseError> {
                    let (parts, body) = response.into_parts();
                    let body = #rt::wire::success_body(parts.status, body.as_ref())?;
                    #read
                }

                /// Writes the response as a server sends it.
                pub fn try_into_http_response(&self) -> Result<::http::Response<Vec<u8>>, #rt::IntoHttpError> {
                    #write
                }
            }
        }
    }

    /// The client traits' impls, so `Client::send` takes this operation's `Request`.
    pub(super) fn client_impls(&self) -> TokenStream {
        let rt = &self.runtime;
        let gate = gate_attr(&self.client);
        if matches!(self.client, Gate::Off) {
            return TokenStream::new();
        }
        quote! {
            #gate
            impl #rt::client::OutgoingRequest for Request {
                type Response = Response;
                const METADATA: &'static #rt::Metadata = &METADATA;

                fn to_http_request(
                    &self,
                    base_url: &str,
                    access_token: Option<&str>,
                    path_variables: &[(&str, &str)],
                ) -> Result<::http::Request<Vec<u8>>, #rt::IntoHttpError> {
                    self.try_into_http_request_with(base_url, access_token, path_variables)
                }
            }

            #gate
            impl #rt::client::IncomingResponse for Response {
                fn from_http_response(
                    response: ::http::Response<Vec<u8>>,
                ) -> Result<Self, #rt::FromHttpResponseError> {
                    Self::try_from_http_response(response)
                }
            }
        }
    }

    /// The API's server trait (one method per operation, each answering 404 `M_UNRECOGNIZED`
    /// until implemented) and its axum router.
    pub(super) fn server_module(&self, module: &ApiModule) -> TokenStream {
        if matches!(self.server, Gate::Off) {
            return TokenStream::new();
        }
        let rt = &self.runtime;
        let gate = gate_attr(&self.server);
        let mut methods = Vec::new();
        // axum path → (method → the operations there, first by operationId). Positional
        // parameter names never conflict, and two paths have one positional path exactly when
        // they have one `model::route`: operations with the same method and route share one
        // handler, which tries them in turn (`shared_handler`).
        let mut routes: BTreeMap<String, Vec<(String, Vec<&OperationIr>)>> = BTreeMap::new();
        for op in &module.operations {
            let methods_here = routes.entry(positional_path(&op.path)).or_default();
            let method = op.method.as_str().to_owned();
            match methods_here.iter_mut().find(|(m, _)| *m == method) {
                Some((_, ops)) => ops.push(op),
                None => methods_here.push((method, vec![op])),
            }
        }
        for (_, ops) in routes.values_mut().flatten() {
            ops.sort_by(|a, b| a.operation_id.cmp(&b.operation_id));
        }
        let mut shared_docs = Vec::new();
        for methods_here in routes.values() {
            for (method, ops) in methods_here {
                if ops.len() < 2 {
                    continue;
                }
                let names: Vec<String> = ops.iter().map(|o| format!("`{}`", o.ident)).collect();
                shared_docs.push(format!(
                    " - `{method} {}`: {}.",
                    ops[0].path,
                    names.join(", then ")
                ));
            }
        }
        for op in &module.operations {
            let method_name = ident(&op.ident);
            let op_module = ident(&op.ident);
            let summary = op
                .summary
                .as_deref()
                .unwrap_or("")
                .trim()
                .replace('\n', " ");
            let doc = format!(" `{} {}`: {summary}", op.method, op.path);
            let others: Vec<String> = routes
                .get(&positional_path(&op.path))
                .and_then(|m| m.iter().find(|(m, _)| m == op.method.as_str()))
                .map(|(_, ops)| {
                    ops.iter()
                        .filter(|o| o.operation_id != op.operation_id)
                        .map(|o| format!("`{}`", o.ident))
                        .collect()
                })
                .unwrap_or_default();
            let shared_doc = if others.is_empty() {
                TokenStream::new()
            } else {
                let text = format!(
                    " Shares its route with {}: the router calls the first of them, by operationId, whose request the HTTP request parses as and whose method does not answer 404 `M_UNRECOGNIZED` (see `router_with`).",
                    others.join(", ")
                );
                quote! { #[doc = ""] #[doc = #text] }
            };
            let (credential_param, _, credential_discard) = credentials(op, rt);
            methods.push(quote! {
                #[doc = #doc]
                #shared_doc
                fn #method_name(
                    &self,
                    #credential_param
                    request: super::#op_module::Request,
                ) -> impl ::std::future::Future<Output = Result<super::#op_module::Response, #rt::MatrixError>> + Send {
                    let _ = (#credential_discard request,);
                    async { Err(#rt::MatrixError::unrecognized()) }
                }
            });
        }
        let routes: BTreeMap<String, Vec<(String, TokenStream)>> = routes
            .iter()
            .map(|(path, methods_here)| {
                let handlers = methods_here
                    .iter()
                    .map(|(method, ops)| {
                        let handler = match ops.as_slice() {
                            [op] => self.single_handler(op),
                            ops => self.shared_handler(ops),
                        };
                        (method.clone(), handler)
                    })
                    .collect();
                (path.clone(), handlers)
            })
            .collect();
        let route_calls = routes.into_iter().map(|(path, handlers)| {
            let mut chain = TokenStream::new();
            for (i, (method, handler)) in handlers.into_iter().enumerate() {
                let filter = format_ident!("{}", method);
                chain = if i == 0 {
                    quote! { ::axum::routing::on(::axum::routing::MethodFilter::#filter, #handler) }
                } else {
                    quote! { #chain.on(::axum::routing::MethodFilter::#filter, #handler) }
                };
            }
            quote! { .route(#path, #chain) }
        });
        let shared_doc = if shared_docs.is_empty() {
            TokenStream::new()
        } else {
            let lines = [
                "",
                " Routes that several operations share (one method, paths equal but for parameter",
                " names) are mounted once, and a request is tried as each operation in operationId",
                " order:",
                "",
            ]
            .into_iter()
            .map(str::to_owned)
            .chain(shared_docs)
            .chain(
                [
                    "",
                    " A request that does not parse as an operation (400 `M_NOT_JSON`, `M_BAD_JSON`,",
                    " `M_MISSING_PARAM`, `M_INVALID_PARAM`) goes on to the next. The first operation it",
                    " parses as is called; if its method answers 404 `M_UNRECOGNIZED`, as an",
                    " unimplemented method does, the request goes on to the next operation it parses",
                    " as, otherwise that answer is the response. When no method answers, the response",
                    " is 404 `M_UNRECOGNIZED` if the request parsed as one of them, otherwise the parse",
                    " error of the last operation tried.",
                ]
                .into_iter()
                .map(str::to_owned),
            );
            quote! { #(#[doc = #lines])* }
        };
        let api_doc = format!(
            " The {} API as a service: implement the operations you support; the others answer\n 404 `M_UNRECOGNIZED`.",
            module.api_name
        );
        quote! {
            /// Serving this API: a trait with one method per operation, and an axum router.
            #gate
            pub mod server {
                #[doc = #api_doc]
                pub trait Api: Send + Sync + 'static {
                    #(#methods)*
                }

                /// A router for every operation, with default options.
                pub fn router<S: Api>(service: S) -> ::axum::Router {
                    router_with(service, #rt::server::ServerOptions::default())
                }

                /// A router for every operation. Unknown paths answer 404 and known paths with
                /// another method 405, both `M_UNRECOGNIZED`.
                #shared_doc
                pub fn router_with<S: Api>(service: S, options: #rt::server::ServerOptions) -> ::axum::Router {
                    let service = ::std::sync::Arc::new(service);
                    ::axum::Router::new()
                        #(#route_calls)*
                        .fallback(#rt::server::unrecognized)
                        .method_not_allowed_fallback(#rt::server::method_not_allowed)
                }
            }
        }
    }

    /// The handler of a route one operation has.
    fn single_handler(&self, op: &OperationIr) -> TokenStream {
        let rt = &self.runtime;
        let method_name = ident(&op.ident);
        let op_module = ident(&op.ident);
        let (_, credential_arg, _) = credentials(op, rt);
        let incoming_name = if matches!(op.auth, Auth::None) {
            quote! { _incoming }
        } else {
            quote! { incoming }
        };
        quote! {
            {
                let service = service.clone();
                move |request: ::axum::extract::Request| {
                    let service = service.clone();
                    async move {
                        #rt::server::handle(
                            request,
                            &super::#op_module::METADATA,
                            options,
                            super::#op_module::Request::from_http_parts,
                            super::#op_module::Response::try_into_http_response,
                            |request, #incoming_name| async move {
                                service.#method_name(#credential_arg request).await
                            },
                        )
                        .await
                    }
                }
            }
        }
    }

    /// The handler of a route several operations share (`ops`, in operationId order): see
    /// `runtime::server::SharedRoute` for the rule.
    fn shared_handler(&self, ops: &[&OperationIr]) -> TokenStream {
        let rt = &self.runtime;
        // The token is checked up front only when every operation needs one; otherwise each
        // operation that needs it checks it once the request parses as that operation.
        let gate_op = ops
            .iter()
            .find(|o| o.auth != Auth::AccessToken)
            .or(ops.first());
        let Some(gate_op) = gate_op else {
            return TokenStream::new();
        };
        let gate_module = ident(&gate_op.ident);
        let attempts = ops.iter().map(|op| {
            let method_name = ident(&op.ident);
            let op_module = ident(&op.ident);
            let call = match &op.auth {
                Auth::None => quote! { service.#method_name(request).await },
                Auth::AccessToken => quote! {
                    match #rt::server::required_token(&incoming) {
                        Ok(access_token) => service.#method_name(access_token, request).await,
                        Err(error) => Err(error),
                    }
                },
                Auth::OptionalAccessToken => quote! {
                    service.#method_name(incoming.access_token.clone(), request).await
                },
                Auth::Other(_) => quote! {
                    service.#method_name(incoming.authorization.clone(), request).await
                },
            };
            quote! {
                if let Some(request) = shared.parse(super::#op_module::Request::from_http_parts, &incoming) {
                    let result = #call;
                    if let Some(response) = shared.answer(result, super::#op_module::Response::try_into_http_response) {
                        return response;
                    }
                }
            }
        });
        quote! {
            {
                let service = service.clone();
                move |request: ::axum::extract::Request| {
                    let service = service.clone();
                    async move {
                        let incoming = match #rt::server::prepare(request, &super::#gate_module::METADATA, &options).await {
                            Ok(incoming) => incoming,
                            Err(error) => return #rt::server::error_response(&error),
                        };
                        let mut shared = #rt::server::SharedRoute::new();
                        #(#attempts)*
                        shared.finish()
                    }
                }
            }
        }
    }
}

/// How an operation's trait method takes its credential: (parameter, argument from
/// `incoming`, name in the default body).
fn credentials(op: &OperationIr, rt: &TokenStream) -> (TokenStream, TokenStream, TokenStream) {
    match &op.auth {
        Auth::None => (TokenStream::new(), TokenStream::new(), TokenStream::new()),
        Auth::AccessToken => (
            quote! { access_token: #rt::server::AccessToken, },
            quote! { #rt::server::required_token(&incoming)?, },
            quote! { access_token, },
        ),
        Auth::OptionalAccessToken => (
            quote! { access_token: Option<#rt::server::AccessToken>, },
            quote! { incoming.access_token.clone(), },
            quote! { access_token, },
        ),
        Auth::Other(_) => (
            quote! { authorization: Option<String>, },
            quote! { incoming.authorization.clone(), },
            quote! { authorization, },
        ),
    }
}

/// `/_matrix/client/{client_major_version}/rooms/{roomId}` → `/_matrix/client/{p0}/rooms/{p1}`.
fn positional_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    let mut index = 0;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&format!("{{p{index}}}"));
        index += 1;
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

fn gate_attr(gate: &Gate) -> TokenStream {
    match gate {
        Gate::Feature(feature) => quote! { #[cfg(feature = #feature)] },
        _ => TokenStream::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_paths_are_checked_without_syn() {
        use super::super::{rust_path, rust_type_path};
        for good in ["::matrix_api::runtime", "crate::runtime", "rt"] {
            assert!(rust_path(good).is_ok(), "{good}");
        }
        for bad in ["", "::", "a::", "a b", "a:b", "a::::b", "a::2", "a-b"] {
            assert!(rust_path(bad).is_err(), "{bad}");
        }
        assert!(rust_type_path("::rt::identifiers::OwnedUserId").is_ok());
        assert!(rust_type_path("std::vec::Vec<String>").is_ok());
        assert!(rust_type_path("Vec<").is_err());
    }

    #[test]
    fn paths_become_positional() {
        assert_eq!(
            positional_path(
                "/_matrix/client/{client_major_version}/rooms/{roomId}/state/{eventType}"
            ),
            "/_matrix/client/{p0}/rooms/{p1}/state/{p2}"
        );
        assert_eq!(
            positional_path("/_matrix/client/versions"),
            "/_matrix/client/versions"
        );
    }
}
