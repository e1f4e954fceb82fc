//! A small async client on reqwest that sends any generated request and reads its response.

use super::error::{FromHttpResponseError, IntoHttpError};
pub use super::operation::{IncomingResponse, OutgoingRequest};

/// Sending failed.
#[derive(Debug)]
pub enum ClientError {
    /// The request could not be built.
    Request(IntoHttpError),
    /// The connection failed.
    Transport(reqwest::Error),
    /// The server answered with an error, or with a body the spec does not allow.
    Response(FromHttpResponseError),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Request(e) => write!(f, "cannot build the request: {e}"),
            ClientError::Transport(e) => write!(f, "transport: {e}"),
            ClientError::Response(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ClientError {}

impl ClientError {
    /// The Matrix error the server answered with, if that is what happened.
    pub fn matrix_error(&self) -> Option<&super::MatrixError> {
        match self {
            ClientError::Response(FromHttpResponseError::Server(e)) => Some(e),
            _ => None,
        }
    }
}

/// A homeserver (or other Matrix server) at a base URL, with an optional access token.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    access_token: Option<String>,
    path_variables: Vec<(String, String)>,
}

impl Client {
    pub fn new(base_url: impl Into<String>) -> Self {
        Client::with_http_client(reqwest::Client::new(), base_url)
    }

    pub fn with_http_client(http: reqwest::Client, base_url: impl Into<String>) -> Self {
        Client {
            http,
            base_url: base_url.into(),
            access_token: None,
            path_variables: Vec::new(),
        }
    }

    /// Sends this token with every request, as `Authorization: Bearer`: also to operations
    /// whose spec lists no `security`, since servers may still ask for one (Synapse does on
    /// `GET /publicRooms` by default). `None` sends no token; operations that require one then
    /// fail with `IntoHttpError::NeedsAuthentication` before anything is sent.
    pub fn set_access_token(&mut self, token: Option<String>) {
        self.access_token = token;
    }

    pub fn access_token(&self) -> Option<&str> {
        self.access_token.as_deref()
    }

    /// Sets a base-path variable for every request, e.g. `client_major_version` to `r0`.
    pub fn set_path_variable(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        self.path_variables.retain(|(n, _)| *n != name);
        self.path_variables.push((name, value.into()));
    }

    /// Sends a request and reads its typed response, or the server's Matrix error.
    pub async fn send<R: OutgoingRequest>(&self, request: &R) -> Result<R::Response, ClientError> {
        let variables: Vec<(&str, &str)> = self
            .path_variables
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let http_request = request
            .try_into_http_request_with(&self.base_url, self.access_token.as_deref(), &variables)
            .map_err(ClientError::Request)?;
        let http_response = self.execute(http_request).await?;
        R::Response::try_from_http_response(http_response).map_err(ClientError::Response)
    }

    /// Sends a built request: the non-generic part of [`Client::send`].
    pub async fn execute(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, ClientError> {
        let request = reqwest::Request::try_from(request).map_err(ClientError::Transport)?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(ClientError::Transport)?;
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = response.bytes().await.map_err(ClientError::Transport)?;
        builder
            .body(body.to_vec())
            .map_err(|e| ClientError::Request(IntoHttpError::Http(e)))
    }
}
