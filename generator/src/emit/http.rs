//! The HTTP half of emission: per operation, the conversions between the typed `Request` /
//! `Response` and `http` messages (client and server side); per API, the server trait and
//! axum router, and the client trait impls. Everything shared lives in the hand-written
//! runtime; generated code only says which field goes where.

use matrix_codegen_text::code;
use matrix_codegen_text::code::{Code, Ident};

use super::{EXTRA_HEADERS, EXTRA_PARAMS, Emitter, Gate, ident, value_or_return};
use crate::HashMap;
use crate::ir::{
    ApiModule, FieldDef, FieldSource, OperationIr, RequestBody, ResponseIr, RustType, Scope,
    TypeDef, WireStyle,
};
use crate::model::{Auth, ParamStyle};

/// How a parameter's text becomes its value and back: `runtime::Kind`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scalar {
    /// A string, a generated string enum, or a string of a typed format (a value that does
    /// not parse is 400 `M_INVALID_PARAM`).
    Text,
    Integer,
    Number,
    Bool,
    /// Anything else travels as JSON text.
    Json,
}

impl Scalar {
    fn tokens(self, rt: &Code) -> Code {
        match self {
            Scalar::Text => code! { #rt::Kind::Text },
            Scalar::Integer => code! { #rt::Kind::Integer },
            Scalar::Number => code! { #rt::Kind::Number },
            Scalar::Bool => code! { #rt::Kind::Bool },
            Scalar::Json => code! { #rt::Kind::Json },
        }
    }
}

/// What a parameter's value is, for its style: `runtime::wire::ParamShape`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Primitive,
    Array,
    Object,
}

impl Shape {
    fn tokens(self, rt: &Code) -> Code {
        match self {
            Shape::Primitive => code! { #rt::wire::ParamShape::Primitive },
            Shape::Array => code! { #rt::wire::ParamShape::Array },
            Shape::Object => code! { #rt::wire::ParamShape::Object },
        }
    }
}

/// The most parameters the runtime's `Params::values` takes as one tuple (its `FromParams`
/// impls); an operation with more takes them one by one.
const MAX_PARAMS_TUPLE: usize = 16;

/// A parameter the plain rules do not write (an object, a non-exploded or delimited array,
/// a non-`simple` path value, an array or object header): the runtime's style functions take
/// it, with its style as data.
struct Styled {
    shape: Shape,
    /// `runtime::wire::QueryStyle::…` or `PathStyle::…` (unused for headers).
    style: Code,
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
                    ParamStyle::SpaceDelimited => code! { #rt::wire::QueryStyle::SpaceDelimited },
                    ParamStyle::PipeDelimited => code! { #rt::wire::QueryStyle::PipeDelimited },
                    ParamStyle::DeepObject => code! { #rt::wire::QueryStyle::DeepObject },
                    _ => code! { #rt::wire::QueryStyle::Form },
                };
                (!plain).then_some(Styled {
                    shape,
                    style,
                    explode,
                })
            }
            FieldSource::Path => {
                let (plain, style) = match style {
                    ParamStyle::Label => (false, code! { #rt::wire::PathStyle::Label }),
                    ParamStyle::Matrix => (false, code! { #rt::wire::PathStyle::Matrix }),
                    _ => (
                        shape == Shape::Primitive,
                        code! { #rt::wire::PathStyle::Simple },
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
                style: Code::new(),
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
            RustType::String => Scalar::Text,
            RustType::I64 => Scalar::Integer,
            RustType::F64 | RustType::Number => Scalar::Number,
            RustType::Bool => Scalar::Bool,
            RustType::Formatted(_) => Scalar::Text,
            RustType::Named { scope, name } => {
                let types = match scope {
                    Scope::Api => &module.types,
                    Scope::Operation => &op.types,
                };
                match types.iter().find(|t| t.name() == name) {
                    Some(TypeDef::StringEnum(_)) => Scalar::Text,
                    // A union of strings reads from and writes as its text.
                    Some(TypeDef::Union(u)) if self.is_text_union(u) => Scalar::Text,
                    _ => Scalar::Json,
                }
            }
            _ => Scalar::Json,
        }
    }

    /// The operation's path, query and header parameters (every `Request` field but the
    /// body's), in field order: the order of `Metadata::params` and of the values handed to
    /// the runtime.
    fn params<'a>(&self, op: &'a OperationIr) -> Vec<&'a FieldDef> {
        op.request_fields
            .iter()
            .filter(|f| f.source != FieldSource::Body)
            .collect()
    }

    /// `METADATA`'s `params`, the static table of the operation's parameters: one
    /// `runtime::Param` each (in the one const, not a second: each const item costs the
    /// compiler's checks of its own).
    pub(super) fn param_table(&self, module: &ApiModule, op: &OperationIr) -> Code {
        let rt = &self.runtime;
        let entries = self.params(op).into_iter().map(|field| {
            let wire = &field.wire;
            let place = match field.source {
                FieldSource::Path => code! { #rt::Place::Path },
                FieldSource::Query => code! { #rt::Place::Query },
                _ => code! { #rt::Place::Header },
            };
            let (list, element) = match &field.ty {
                RustType::Vec(inner) => (true, &**inner),
                ty => (false, ty),
            };
            let styled = self.styled(field, module, op);
            let scalar = if styled.is_some() {
                Scalar::Text
            } else {
                self.scalar_of(element, module, op)
            }
            .tokens(rt);
            // Path parameters are always required; `optional` is the field's `Option`.
            let required = !field.optional;
            let mut entry = code! { #rt::Param::new(#wire, #place, #scalar, #required) };
            match styled {
                Some(styled) => {
                    let (style, explode, shape) =
                        (&styled.style, styled.explode, styled.shape.tokens(rt));
                    entry = match field.source {
                        FieldSource::Query => {
                            code! { #entry.query_styled(#style, #explode, #shape) }
                        }
                        FieldSource::Path => {
                            code! { #entry.path_styled(#style, #explode, #shape) }
                        }
                        _ => code! { #entry.header_styled(#explode, #shape) },
                    };
                }
                None if list && field.source == FieldSource::Query => {
                    entry = code! { #entry.list() };
                }
                None => {}
            }
            entry
        });
        code! { &[#(#entries),*] }
    }

    /// `Request`'s impls of `OutgoingRequest` (client) and `IncomingRequest`
    /// (server): the values of its fields in table order one way, one typed read per field
    /// the other; the runtime does the rest.
    ///
    /// The conversions of requests and responses are `#[inline]`: like generic code, they are
    /// then compiled to machine code in the crate that calls them, for the operations it uses,
    /// not for all of them in every build of this crate.
    pub(super) fn request_conversions(&self, op: &OperationIr) -> Code {
        let rt = &self.runtime;
        let params = self.params(op);

        // Client side.
        let values = params.iter().map(|f| {
            let name = ident(&f.ident);
            code! { &self.#name }
        });
        let has_content_type_header = params.iter().any(|f| {
            f.source == FieldSource::Header && f.wire.eq_ignore_ascii_case("content-type")
        });
        // The body, or the error of serializing it: `write_request` returns that error, so
        // there is no early return here (see `value_or_return`).
        let body = match &op.request_body {
            RequestBody::None => code! { Ok(#rt::Body { bytes: Vec::new(), content_type: None }) },
            RequestBody::Fields => code! { #rt::json_body(self) },
            RequestBody::Whole(field) => {
                let field_name = ident(field);
                code! { #rt::json_body(&self.#field_name) }
            }
            RequestBody::Binary {
                field,
                content_type,
            } => {
                let field_name = ident(field);
                let content_type = if has_content_type_header {
                    code! { None }
                } else {
                    code! { Some(#content_type) }
                };
                code! { Ok(#rt::Body { bytes: self.#field_name.clone(), content_type: #content_type }) }
            }
        };
        let extras_name = ident(EXTRA_PARAMS);

        // Server side.
        let mut field_inits = Vec::new();
        let mut uses_body = false;
        let mut index = 0usize;
        let mut param_locals = Vec::new();
        for field in &op.request_fields {
            let field_name = ident(&field.ident);
            let value = match field.source {
                FieldSource::Body => {
                    uses_body = true;
                    match &op.request_body {
                        RequestBody::Fields => code! { body.#field_name },
                        RequestBody::Binary { .. } => code! { body.to_vec() },
                        _ => value_or_return(code! { #rt::wire::request_json(body) }),
                    }
                }
                _ if params.len() <= MAX_PARAMS_TUPLE => {
                    let local = Ident::new(&format!("p{index}"));
                    index += 1;
                    param_locals.push(local.clone());
                    code! { #local }
                }
                _ => {
                    let at = Code::unsuffixed(index as u64);
                    index += 1;
                    value_or_return(code! { params.take(#at) })
                }
            };
            field_inits.push(code! { #field_name: #value, });
        }
        // All parameters in one call when the runtime's tuples reach that far: one early
        // return instead of one per parameter (each drops what came before it).
        let take_params = if param_locals.is_empty() {
            Code::new()
        } else {
            let values = value_or_return(code! { params.values() });
            code! { let (#(#param_locals,)*) = #values; }
        };
        let uses_path_args = !params.is_empty();
        let body_parse = match &op.request_body {
            RequestBody::Fields if !params.is_empty() => {
                uses_body = true;
                let read = value_or_return(code! { #rt::wire::request_json(body) });
                code! { let body: RequestBody = #read; }
            }
            _ => Code::new(),
        };
        let construct = if params.is_empty() {
            if op.request_body == RequestBody::Fields {
                uses_body = true;
                // Assigned, not a struct update: a body without fields would leave the base
                // unused.
                code! {
                    match #rt::wire::request_json::<Self>(body) {
                        Ok(mut request) => {
                            request.#extras_name = #rt::request_extras(parts);
                            Ok(request)
                        }
                        Err(error) => Err(error),
                    }
                }
            } else {
                code! { Ok(Self { #(#field_inits)* #extras_name: #rt::request_extras(parts) }) }
            }
        } else {
            code! {
                let mut params = #rt::Params::read(parts, path_args, &METADATA);
                #take_params
                Ok(Self { #(#field_inits)* #extras_name: params.extras() })
            }
        };
        let body_name = if uses_body {
            code! { body }
        } else {
            code! { _body }
        };
        let args_name = if uses_path_args {
            code! { path_args }
        } else {
            code! { _path_args }
        };

        code! {
            impl #rt::OutgoingRequest for Request {
                type Response = Response;
                const METADATA: &'static #rt::Metadata = &METADATA;

                #[inline]
                fn try_into_http_request_with(
                    &self,
                    base_url: &str,
                    access_token: Option<&str>,
                    path_variables: &[(&str, &str)],
                ) -> Result<::http::Request<Vec<u8>>, #rt::IntoHttpError> {
                    #rt::write_request(&METADATA, &[#(#values),*], #body, base_url, access_token, path_variables, &self.#extras_name)
                }
            }

            impl #rt::IncomingRequest for Request {
                #[inline]
                fn from_http_parts(
                    parts: &::http::request::Parts,
                    #body_name: &[u8],
                    #args_name: &[String],
                ) -> Result<Self, #rt::MatrixError> {
                    #body_parse
                    #construct
                }
            }
        }
    }

    /// `Response`'s impls of `IncomingResponse` (client) and `OutgoingResponse` (server).
    pub(super) fn response_conversions(&self, op: &OperationIr) -> Code {
        let rt = &self.runtime;
        let status = Code::unsuffixed(op.success_status.into());
        let extra_name = ident(EXTRA_HEADERS);
        let header_names: Vec<&str> = op
            .response_headers
            .iter()
            .map(|h| h.wire.as_str())
            .collect();
        let header_reads = op.response_headers.iter().map(|h| {
            let (name, wire) = (ident(&h.ident), &h.wire);
            code! { #name: #rt::wire::response_header(&parts.headers, #wire), }
        });
        let header_writes = op.response_headers.iter().map(|h| {
            let (name, wire) = (ident(&h.ident), &h.wire);
            code! { (#wire, self.#name.as_deref()) }
        });
        let own_reads = code! {
            #(#header_reads)*
            #extra_name: #rt::wire::unclaimed_headers(&parts.headers, &[#(#header_names),*], #rt::wire::OWN_RESPONSE_HEADERS),
        };
        let (read, content_type, bytes) = match &op.response {
            ResponseIr::Binary { content_type, .. } => (
                code! {
                    Ok(Self { content_type: #rt::wire::content_type(&parts.headers), body: body.to_vec(), #own_reads })
                },
                code! { self.content_type.as_deref().unwrap_or(#content_type) },
                code! { Ok(self.body.clone()) },
            ),
            _ => (
                {
                    // Assigned, not a struct update: a response whose body has no field would
                    // leave the base unused.
                    let header_assigns = op.response_headers.iter().map(|h| {
                        let (name, wire) = (ident(&h.ident), &h.wire);
                        code! { response.#name = #rt::wire::response_header(&parts.headers, #wire); }
                    });
                    code! {
                        match #rt::wire::response_json::<Self>(body) {
                            Ok(mut response) => {
                                #(#header_assigns)*
                                response.#extra_name = #rt::wire::unclaimed_headers(&parts.headers, &[#(#header_names),*], #rt::wire::OWN_RESPONSE_HEADERS);
                                Ok(response)
                            }
                            Err(error) => Err(error),
                        }
                    }
                },
                code! { "application/json" },
                code! { ::serde_json::to_vec(self) },
            ),
        };
        code! {
            impl #rt::IncomingResponse for Response {
                #[inline]
                fn from_success_parts(
                    parts: &::http::response::Parts,
                    body: &[u8],
                ) -> Result<Self, #rt::FromHttpResponseError> {
                    #read
                }
            }

            impl #rt::OutgoingResponse for Response {
                #[inline]
                fn try_into_http_response(&self) -> Result<::http::Response<Vec<u8>>, #rt::IntoHttpError> {
                    #rt::wire::write_response(#status, #content_type, #bytes, &[#(#header_writes),*], &self.#extra_name)
                }
            }
        }
    }

    /// The API's server trait (one method per operation, each answering 404 `M_UNRECOGNIZED`
    /// until implemented) and its axum router.
    pub(super) fn server_module(&self, module: &ApiModule) -> Code {
        if matches!(self.server, Gate::Off) {
            return Code::new();
        }
        let rt = &self.runtime;
        let gate = gate_attr(&self.server);
        let mut methods = Vec::new();
        // axum path → (method → the operations there, first by operationId). Positional
        // parameter names never conflict, and two paths have one positional path exactly when
        // they have one `model::route`: operations with the same method and route share one
        // handler, which tries them in turn (`shared_handler`).
        let mut by_path: crate::IndexMap<String, Vec<MethodOps>> = crate::IndexMap::default();
        for op in &module.operations {
            let methods_here = by_path.entry(positional_path(&op.path)).or_default();
            let method = op.method.as_str().to_owned();
            match methods_here.iter_mut().find(|(m, _)| *m == method) {
                Some((_, ops)) => ops.push(op),
                None => methods_here.push((method, vec![op])),
            }
        }
        // By path, with the crate's shared sort (sorting the map would compile a sort of its own).
        let mut routes: Vec<(String, Vec<MethodOps>)> = by_path.into_iter().collect();
        crate::sort_stable_by(&mut routes, |a, b| a.0.cmp(&b.0));
        for (_, ops) in routes.iter_mut().flat_map(|(_, methods)| methods) {
            crate::sort_stable_by(ops, |a, b| a.operation_id.cmp(&b.operation_id));
        }
        let mut shared_docs = Vec::new();
        for (_, methods_here) in &routes {
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
            let path = positional_path(&op.path);
            let others: Vec<String> = routes
                .binary_search_by(|(p, _)| p.cmp(&path))
                .ok()
                .and_then(|r| routes[r].1.iter().find(|(m, _)| m == op.method.as_str()))
                .map(|(_, ops)| {
                    ops.iter()
                        .filter(|o| o.operation_id != op.operation_id)
                        .map(|o| format!("`{}`", o.ident))
                        .collect()
                })
                .unwrap_or_default();
            let shared_doc = if others.is_empty() {
                Code::new()
            } else {
                let text = format!(
                    " Shares its route with {}: the router calls the first of them, by operationId, whose request the HTTP request parses as and whose method does not answer 404 `M_UNRECOGNIZED` (see `router_with`).",
                    others.join(", ")
                );
                code! { #[doc = ""] #[doc = #text] }
            };
            let (credential_param, credential_arg) = credentials(op, rt);
            methods.push(code! {
                #[doc = #doc]
                #shared_doc
                fn #method_name(
                    &self,
                    #credential_param
                    request: super::#op_module::Request,
                ) -> impl ::std::future::Future<Output = Result<super::#op_module::Response, #rt::MatrixError>> + Send {
                    #rt::server::unsupported((#credential_arg request,))
                }
            });
        }
        // Per route, its entry in the router's table: a route of one operation calls the
        // trait's method from a closure in the table (a function of its own per operation
        // would cost `cargo check` an item each); a shared route has a handler fn.
        let mut handlers = Vec::new();
        let mut table = Vec::new();
        for (path, methods_here) in &routes {
            for (_, ops) in methods_here {
                let (handler, metadata_op) = match ops.as_slice() {
                    [op] => (self.single_handler(op), *op),
                    ops => match self.shared_handler(ops) {
                        Some((handler_fn, op)) => {
                            handlers.push(handler_fn);
                            let name = handler_name(op);
                            (code! { #name::<S> }, op)
                        }
                        None => continue,
                    },
                };
                let metadata_module = ident(&metadata_op.ident);
                table.push(code! {
                    #rt::server::Route {
                        path: #path,
                        metadata: &super::#metadata_module::METADATA,
                        handler: #handler,
                    }
                });
            }
        }
        let shared_doc = if shared_docs.is_empty() {
            Code::new()
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
            code! { #(#[doc = #lines])* }
        };
        let api_doc = format!(
            " The {} API as a service: implement the operations you support; the others answer\n 404 `M_UNRECOGNIZED`.",
            module.api_name
        );
        code! {
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
                    #rt::server::router(service, options, &[#(#table),*])
                }

                #(#handlers)*
            }
        }
    }

    /// The handler of a route one operation has, as a closure: one call to
    /// `runtime::server::handle` (or `handle_with` and the function that takes the operation's
    /// credential) with the trait's method.
    fn single_handler(&self, op: &OperationIr) -> Code {
        let rt = &self.runtime;
        let method_name = ident(&op.ident);
        let credential = match &op.auth {
            Auth::None => None,
            Auth::AccessToken => Some(code! { required_token }),
            Auth::OptionalAccessToken => Some(code! { presented_token }),
            Auth::Other(_) => Some(code! { presented_authorization }),
        };
        match credential {
            None => {
                code! { |service, incoming| #rt::server::handle(service, incoming, S::#method_name) }
            }
            Some(credential) => code! {
                |service, incoming| #rt::server::handle_with(service, incoming, #rt::server::#credential, S::#method_name)
            },
        }
    }

    /// The handler of a route several operations share (`ops`, in operationId order), and the
    /// operation whose metadata the route is prepared by: see `runtime::server::SharedRoute`
    /// for the rule. The handler is named after that operation.
    fn shared_handler<'a>(&self, ops: &[&'a OperationIr]) -> Option<(Code, &'a OperationIr)> {
        let rt = &self.runtime;
        // The token is checked up front only when every operation needs one; otherwise each
        // operation that needs it checks it once the request parses as that operation.
        let gate_op = ops
            .iter()
            .find(|o| o.auth != Auth::AccessToken)
            .or(ops.first())?;
        let name = handler_name(gate_op);
        let attempts = ops.iter().map(|op| {
            let method_name = ident(&op.ident);
            let op_module = ident(&op.ident);
            let call = match &op.auth {
                Auth::None => code! { service.#method_name(request).await },
                Auth::AccessToken => code! {
                    match #rt::server::required_token(&incoming) {
                        Ok(access_token) => service.#method_name(access_token, request).await,
                        Err(error) => Err(error),
                    }
                },
                Auth::OptionalAccessToken => code! {
                    service.#method_name(incoming.access_token.clone(), request).await
                },
                Auth::Other(_) => code! {
                    service.#method_name(incoming.authorization.clone(), request).await
                },
            };
            code! {
                if let Some(request) = shared.parse::<super::#op_module::Request>(&incoming) {
                    let result = #call;
                    if let Some(response) = shared.answer(result) {
                        return Ok(response);
                    }
                }
            }
        });
        let names: Vec<String> = ops.iter().map(|o| format!("`{}`", o.ident)).collect();
        let doc = format!(
            " `{} {}`: {}, the first that takes the request.",
            gate_op.method,
            gate_op.path,
            names.join(", then ")
        );
        let handler = code! {
            #[doc = #doc]
            fn #name<S: Api>(service: &S, incoming: #rt::server::Incoming) -> #rt::server::Reply<'_> {
                Box::pin(async move {
                    let mut shared = #rt::server::SharedRoute::new();
                    #(#attempts)*
                    Ok(shared.finish())
                })
            }
        };
        Some((handler, *gate_op))
    }
}

/// The router's handler fn of the route `op` has (or, shared, is prepared by).
fn handler_name(op: &OperationIr) -> Ident {
    Ident::new(&format!("serve_{}", op.ident))
}

/// How an operation's trait method takes its credential: (parameter, argument its default
/// body passes on).
fn credentials(op: &OperationIr, rt: &Code) -> (Code, Code) {
    match &op.auth {
        Auth::None => (Code::new(), Code::new()),
        Auth::AccessToken => (
            code! { access_token: #rt::server::AccessToken, },
            code! { access_token, },
        ),
        Auth::OptionalAccessToken => (
            code! { access_token: Option<#rt::server::AccessToken>, },
            code! { access_token, },
        ),
        Auth::Other(_) => (
            code! { authorization: Option<String>, },
            code! { authorization, },
        ),
    }
}

/// Whether `ty` names a type of the operation's own module.
fn names_operation_type(ty: &RustType) -> bool {
    match ty {
        RustType::Named { scope, .. } => *scope == Scope::Operation,
        RustType::Vec(inner) | RustType::Option(inner) | RustType::Boxed(inner) => {
            names_operation_type(inner)
        }
        RustType::Map { key, value } => names_operation_type(key) || names_operation_type(value),
        RustType::Tuple(items) => items.iter().any(names_operation_type),
        _ => false,
    }
}

/// An HTTP method and the operations that have it on one route.
type MethodOps<'a> = (String, Vec<&'a OperationIr>);

/// Operations whose success response has the shape of an earlier one's (same fields and
/// types, headers, status, content type; docs aside), by operationId → the module of the
/// first operation with that shape, which defines the one `Response` type the others
/// re-export. A response naming a type of its own operation's module is never shared:
/// two such types may have one name and different shapes.
pub(super) fn shared_responses(module: &ApiModule) -> HashMap<String, String> {
    let mut first_by_shape: HashMap<String, String> = HashMap::default();
    let mut shared = HashMap::default();
    for op in &module.operations {
        let own_types = match &op.response {
            ResponseIr::Fields(def) => def.fields.iter().any(|f| names_operation_type(&f.ty)),
            ResponseIr::Whole { ty, .. } => names_operation_type(ty),
            ResponseIr::Binary { .. } => false,
        } || op
            .response_headers
            .iter()
            .any(|f| names_operation_type(&f.ty));
        if own_types {
            continue;
        }
        let shape = response_shape(op);
        match first_by_shape.get(&shape) {
            Some(owner) => {
                shared.insert(op.operation_id.clone(), owner.clone());
            }
            None => {
                first_by_shape.insert(shape, op.ident.clone());
            }
        }
    }
    shared
}

/// Everything an operation's `Response` and its two conversions are emitted from
/// (`Emitter::response`, `Emitter::response_conversions`), docs aside, as text: two operations
/// with one shape emit the same items. Written from the IR rather than from the emitted items
/// with their docs stripped: that emitted each response a second time. The struct's own name is
/// left out (it is always `Response`); everything else is kept, so equal text can only mean
/// equal items.
fn response_shape(op: &OperationIr) -> String {
    let undocumented = |field: &FieldDef| FieldDef {
        doc: None,
        ..field.clone()
    };
    let response = match &op.response {
        ResponseIr::Fields(def) => ResponseIr::Fields(crate::ir::StructDef {
            name: String::new(),
            doc: None,
            fields: def.fields.iter().map(undocumented).collect(),
        }),
        ResponseIr::Whole { ty, .. } => ResponseIr::Whole {
            ty: ty.clone(),
            doc: None,
        },
        ResponseIr::Binary { content_type, .. } => ResponseIr::Binary {
            content_type: content_type.clone(),
            doc: None,
        },
    };
    let headers: Vec<FieldDef> = op.response_headers.iter().map(undocumented).collect();
    format!("{:?}", (response, headers, op.success_status))
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

fn gate_attr(gate: &Gate) -> Code {
    match gate {
        Gate::Feature(feature) => code! { #[cfg(feature = #feature)] },
        _ => Code::new(),
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
