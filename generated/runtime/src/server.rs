//! Serving generated operations with axum: the shared request handling behind every route of
//! the generated `router` functions.
//!
//! A generated `router_with` is one call of [`router`] with a table of [`Route`]s: the routing
//! (grouping by path, the axum handlers, reading the request, the credentials) is this
//! module's generic code, instantiated once per service type; per operation the generated code
//! is one small [`Handler`] that parses the request, calls the trait method and writes its
//! answer.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, MethodRouter};

use super::error::MatrixError;
use super::{Authentication, ErrorCode, IncomingRequest, Metadata, OutgoingResponse};

/// The caller's access token, from `Authorization: Bearer` or the `access_token` query
/// parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AccessToken(pub String);

impl AccessToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Settings of a generated router.
#[derive(Clone, Copy, Debug)]
pub struct ServerOptions {
    /// Larger request bodies are refused with 413 `M_TOO_LARGE`.
    pub max_body_bytes: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

/// A request as the generated code reads it.
pub struct Incoming {
    pub parts: http::request::Parts,
    pub body: axum::body::Bytes,
    /// Path arguments in template order, percent-decoded.
    pub path_args: Vec<String>,
    pub access_token: Option<AccessToken>,
    /// The raw `Authorization` header, for schemes other than access tokens.
    pub authorization: Option<String>,
}

/// Reads the path arguments, credentials and body of a request; refuses a missing token
/// where the operation needs one.
pub async fn prepare(
    request: axum::extract::Request,
    metadata: &Metadata,
    options: &ServerOptions,
) -> Result<Incoming, MatrixError> {
    let (mut parts, body) = request.into_parts();
    let path_args =
        match axum::extract::Path::<Vec<String>>::from_request_parts(&mut parts, &()).await {
            Ok(axum::extract::Path(args)) => args,
            Err(rejection) => {
                return Err(MatrixError::invalid_param("path", rejection.body_text()));
            }
        };
    let authorization = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let access_token = authorization
        .as_deref()
        .and_then(super::wire::bearer_token)
        .map(|t| AccessToken(t.to_owned()))
        .or_else(|| {
            let query = super::wire::parse_query(&parts.uri);
            super::wire::query_opt(&query, "access_token").map(|t| AccessToken(t.to_owned()))
        });
    if metadata.authentication == Authentication::AccessToken && access_token.is_none() {
        return Err(MatrixError::missing_token());
    }
    let body = axum::body::to_bytes(body, options.max_body_bytes)
        .await
        .map_err(|_| {
            MatrixError::new(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                format!(
                    "The request body is larger than {} bytes",
                    options.max_body_bytes
                ),
            )
        })?;
    Ok(Incoming {
        parts,
        body,
        path_args,
        access_token,
        authorization,
    })
}

/// What a [`Handler`] returns: the response, or the Matrix error that becomes it.
pub type Reply<'a> =
    Pin<Box<dyn Future<Output = Result<axum::response::Response, MatrixError>> + Send + 'a>>;

/// The generated code of one route: reads the [`prepare`]d request as its operation and calls
/// the service's method ([`handle`] and its variants), or, on a route several operations
/// share, tries each in turn ([`SharedRoute`]). A plain function pointer,
/// so that the router's generic code is instantiated once per service type, not once per
/// operation; and no async block of its own, so that type checking an operation's handler
/// costs little.
pub type Handler<S> = for<'a> fn(&'a S, Incoming) -> Reply<'a>;

/// One entry of a generated router's table.
pub struct Route<S> {
    /// The axum path: the operation's path template with its parameters renamed by position
    /// (`/_matrix/client/{p0}/rooms/{p1}`), so that operations whose templates differ only in
    /// parameter names share one path.
    pub path: &'static str,
    /// The operation's metadata: its method, and the credentials [`prepare`] asks for. On a
    /// shared route, that of an operation that needs the least (each operation that needs a
    /// token checks it once the request parses as that operation).
    pub metadata: &'static Metadata,
    pub handler: Handler<S>,
}

/// An axum router serving `routes` with `service`: each route's handler on its path and
/// method; unknown paths answer 404 and known paths with another method 405, both
/// `M_UNRECOGNIZED`. Every request is read by [`prepare`] first (body limit, required token),
/// and its credentials are what [`current_access_token`] and [`current_authorization`] see
/// while the handler runs.
///
/// # Panics
///
/// If two routes have the same method and path (as axum does); generated tables have each
/// once, routes several operations share being one entry.
pub fn router<S: Send + Sync + 'static>(
    service: S,
    options: ServerOptions,
    routes: &[Route<S>],
) -> axum::Router {
    let service = Arc::new(service);
    let mut paths: BTreeMap<&'static str, MethodRouter> = BTreeMap::new();
    for route in routes {
        // Metadata holds the methods OpenAPI allows, all of which axum filters on.
        let Ok(filter) = MethodFilter::try_from(route.metadata.method.clone()) else {
            continue;
        };
        let (metadata, handler, service) = (route.metadata, route.handler, service.clone());
        let endpoint = move |request: axum::extract::Request| {
            serve(request, metadata, options, handler, service.clone())
        };
        let methods = paths.remove(route.path).unwrap_or_default();
        paths.insert(route.path, methods.on(filter, endpoint));
    }
    paths
        .into_iter()
        .fold(axum::Router::new(), |router, (path, methods)| {
            router.route(path, methods)
        })
        .fallback(unrecognized)
        .method_not_allowed_fallback(method_not_allowed)
}

/// One request on one route: prepared, then handed to the route's handler with its
/// credentials in scope.
async fn serve<S>(
    request: axum::extract::Request,
    metadata: &'static Metadata,
    options: ServerOptions,
    handler: Handler<S>,
    service: Arc<S>,
) -> axum::response::Response {
    let incoming = match prepare(request, metadata, &options).await {
        Ok(incoming) => incoming,
        Err(error) => return error_response(&error),
    };
    let credentials = Credentials {
        access_token: incoming.access_token.clone(),
        authorization: incoming.authorization.clone(),
    };
    match CREDENTIALS
        .scope(credentials, handler(&service, incoming))
        .await
    {
        Ok(response) => response,
        Err(error) => error_response(&error),
    }
}

/// Reads the request as the operation `Req`: what a [`Handler`] of one operation starts with.
pub fn parse<Req: IncomingRequest>(incoming: &Incoming) -> Result<Req, MatrixError> {
    Req::from_http_parts(&incoming.parts, &incoming.body, &incoming.path_args)
}

/// The reply of a [`Handler`] of one operation whose method takes only the request: the
/// request read as `Req`, then passed to `method` (the trait's method, `S::name`), or
/// refused. The generated handler is this one call, so that type checking it costs little.
pub fn handle<'a, S, Req, Resp, Answer>(
    service: &'a S,
    incoming: Incoming,
    method: impl FnOnce(&'a S, Req) -> Answer,
) -> Reply<'a>
where
    Req: IncomingRequest,
    Resp: OutgoingResponse,
    Answer: Future<Output = Result<Resp, MatrixError>> + Send + 'a,
{
    handle_with(
        service,
        incoming,
        |_| Ok(()),
        |service, (), request| method(service, request),
    )
}

/// [`handle`] for an operation whose method also takes a credential: the request is read
/// first (so its errors come first), then `credential` takes what the method needs from it
/// ([`required_token`], [`presented_token`] or [`presented_authorization`]).
pub fn handle_with<'a, S, Credential, Req, Resp, Answer>(
    service: &'a S,
    incoming: Incoming,
    credential: impl FnOnce(&Incoming) -> Result<Credential, MatrixError>,
    method: impl FnOnce(&'a S, Credential, Req) -> Answer,
) -> Reply<'a>
where
    Req: IncomingRequest,
    Resp: OutgoingResponse,
    Answer: Future<Output = Result<Resp, MatrixError>> + Send + 'a,
{
    let read = parse::<Req>(&incoming).and_then(|request| Ok((credential(&incoming)?, request)));
    match read {
        Ok((credential, request)) => call(method(service, credential, request)),
        Err(error) => refuse(error),
    }
}

/// The reply of a [`Handler`] that called its method: what the method answers, as a
/// response.
pub fn call<'a, Resp: OutgoingResponse>(
    answer: impl Future<Output = Result<Resp, MatrixError>> + Send + 'a,
) -> Reply<'a> {
    Box::pin(async move { respond(answer.await?) })
}

/// The reply of a [`Handler`] that refuses the request (it does not parse).
pub fn refuse<'a>(error: MatrixError) -> Reply<'a> {
    Box::pin(std::future::ready(Err(error)))
}

/// A method's successful answer as an axum response; one that cannot be written is 500
/// `M_UNKNOWN`.
pub fn respond<Resp: OutgoingResponse>(
    response: Resp,
) -> Result<axum::response::Response, MatrixError> {
    match response.try_into_http_response() {
        Ok(response) => Ok(response.map(axum::body::Body::from).into_response()),
        Err(error) => Err(MatrixError::new(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Unknown,
            error.to_string(),
        )),
    }
}

/// What the request being handled presented, for [`current_access_token`].
#[derive(Clone)]
struct Credentials {
    access_token: Option<AccessToken>,
    authorization: Option<String>,
}

tokio::task_local! {
    static CREDENTIALS: Credentials;
}

/// The access token of the request being handled (from `Authorization: Bearer` or the
/// `access_token` query parameter), if it carried one.
///
/// Trait methods of operations whose spec lists no `security` take no token parameter, yet a
/// server may still want to know who calls (Synapse asks for a token on `GET /publicRooms`
/// unless configured otherwise, and clients send theirs everywhere): such a method calls this.
/// It also works in methods that do take a token. It is `None` outside a generated router's
/// handler, and in tasks the handler spawns (only the handler's own task sees it).
pub fn current_access_token() -> Option<AccessToken> {
    CREDENTIALS
        .try_with(|credentials| credentials.access_token.clone())
        .ok()
        .flatten()
}

/// The raw `Authorization` header of the request being handled; see [`current_access_token`].
pub fn current_authorization() -> Option<String> {
    CREDENTIALS
        .try_with(|credentials| credentials.authorization.clone())
        .ok()
        .flatten()
}

/// A Matrix error as an axum response.
pub fn error_response(error: &MatrixError) -> axum::response::Response {
    error
        .to_http_response()
        .map(axum::body::Body::from)
        .into_response()
}

/// The token an operation that needs one was called with (checked by [`prepare`]).
pub fn required_token(incoming: &Incoming) -> Result<AccessToken, MatrixError> {
    incoming
        .access_token
        .clone()
        .ok_or_else(MatrixError::missing_token)
}

/// The answer of a trait method the service does not implement (its default body, which
/// takes the method's arguments): 404 `M_UNRECOGNIZED`, as for a path no operation has.
pub fn unsupported<Arguments, Resp>(
    arguments: Arguments,
) -> std::future::Ready<Result<Resp, MatrixError>> {
    drop(arguments);
    std::future::ready(Err(MatrixError::unrecognized()))
}

/// The access token the request presented, if any: the credential of an operation whose
/// token is optional.
pub fn presented_token(incoming: &Incoming) -> Result<Option<AccessToken>, MatrixError> {
    Ok(incoming.access_token.clone())
}

/// The raw `Authorization` header, if any: the credential of an operation authenticated by
/// another scheme.
pub fn presented_authorization(incoming: &Incoming) -> Result<Option<String>, MatrixError> {
    Ok(incoming.authorization.clone())
}

/// 404 `M_UNRECOGNIZED`, for paths no operation has.
pub async fn unrecognized() -> axum::response::Response {
    error_response(&MatrixError::no_such_endpoint())
}

/// 405 `M_UNRECOGNIZED`, for a known path with another method.
pub async fn method_not_allowed() -> axum::response::Response {
    error_response(&MatrixError::new(
        http::StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::Unrecognized,
        "Unrecognized request",
    ))
}

/// The search through the operations of a route several of them share (the same method, and
/// a path equal but for parameter names: `POST /rooms/{roomId}/invite` is `inviteBy3PID` and
/// `inviteUser`). The generated handler tries each operation in operationId order:
///
/// 1. [`SharedRoute::parse`] reads the request as that operation. A request that does not fit
///    it (400 `M_NOT_JSON`, `M_BAD_JSON`, `M_MISSING_PARAM`, `M_INVALID_PARAM`) goes on to the
///    next operation.
/// 2. The first operation it fits is called; [`SharedRoute::answer`] makes its result the
///    response, unless the method answered 404 `M_UNRECOGNIZED` (what an unimplemented method
///    does): then the request goes on to the next operation it fits.
/// 3. [`SharedRoute::finish`], when no operation answered: 404 `M_UNRECOGNIZED` if the request
///    fit one of them, otherwise the parse error of the last one tried.
#[derive(Debug, Default)]
pub struct SharedRoute {
    /// The parse error of the last operation the request did not fit.
    not_parsed: Option<MatrixError>,
    /// The answer of the last method that declined (404 `M_UNRECOGNIZED`).
    declined: Option<MatrixError>,
    /// A failure to read the request that is no parse error: it ends the search.
    failed: Option<MatrixError>,
}

impl SharedRoute {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the request as the next operation: `None` if it does not fit (or the search has
    /// ended).
    pub fn parse<Req: IncomingRequest>(&mut self, incoming: &Incoming) -> Option<Req> {
        if self.failed.is_some() {
            return None;
        }
        match Req::from_http_parts(&incoming.parts, &incoming.body, &incoming.path_args) {
            Ok(request) => Some(request),
            Err(error) if is_parse_error(&error) => {
                self.not_parsed = Some(error);
                None
            }
            Err(error) => {
                self.failed = Some(error);
                None
            }
        }
    }

    /// The response to what the operation's method answered; `None` if it declined with 404
    /// `M_UNRECOGNIZED`, so the next operation the request fits is tried.
    pub fn answer<Resp: OutgoingResponse>(
        &mut self,
        result: Result<Resp, MatrixError>,
    ) -> Option<axum::response::Response> {
        match result {
            Err(error) if declines(&error) => {
                self.declined = Some(error);
                None
            }
            Err(error) => Some(error_response(&error)),
            Ok(response) => Some(respond(response).unwrap_or_else(|error| error_response(&error))),
        }
    }

    /// The response when no operation answered.
    pub fn finish(self) -> axum::response::Response {
        let error = self
            .failed
            .or(self.declined)
            .or(self.not_parsed)
            .unwrap_or_else(MatrixError::unrecognized);
        error_response(&error)
    }
}

/// A request that does not fit an operation: the next one of a shared route may take it.
fn is_parse_error(error: &MatrixError) -> bool {
    error.status == http::StatusCode::BAD_REQUEST
        && matches!(
            error.errcode,
            ErrorCode::NotJson
                | ErrorCode::BadJson
                | ErrorCode::MissingParam
                | ErrorCode::InvalidParam
        )
}

/// A method that does not serve this request (the default of every generated method).
fn declines(error: &MatrixError) -> bool {
    error.status == http::StatusCode::NOT_FOUND && error.errcode == ErrorCode::Unrecognized
}
