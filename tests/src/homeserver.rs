//! A tiny homeserver on the generated router: versions, login, whoami, logout and the six
//! `requestToken` endpoints. It keeps accounts and tokens in memory; everything it does not
//! implement answers 404 `M_UNRECOGNIZED` through the trait's defaults.

use std::collections::HashMap;
use std::sync::Mutex;

use matrix_api::client_server::{self, server::Api};
use matrix_api::runtime::identifiers::OwnedUserId;
use matrix_api::runtime::server::AccessToken;
use matrix_api::runtime::{ErrorCode, MatrixError};

/// The one password every account of the tiny homeserver has.
pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Default)]
pub struct TinyHomeserver {
    server_name: String,
    /// access token → user ID
    tokens: Mutex<HashMap<String, OwnedUserId>>,
    /// requestToken sessions handed out so far
    sessions: Mutex<u64>,
    /// user ID → display name
    display_names: Mutex<HashMap<OwnedUserId, String>>,
}

impl TinyHomeserver {
    pub fn new(server_name: impl Into<String>) -> Self {
        TinyHomeserver {
            server_name: server_name.into(),
            ..TinyHomeserver::default()
        }
    }

    fn user_of(&self, token: &AccessToken) -> Result<OwnedUserId, MatrixError> {
        let tokens = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        tokens.get(token.as_str()).cloned().ok_or_else(|| {
            MatrixError::new(
                http::StatusCode::UNAUTHORIZED,
                ErrorCode::UnknownToken,
                "Unknown access token",
            )
        })
    }

    fn new_session(&self) -> String {
        let mut sessions = self
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *sessions += 1;
        format!("session{}", *sessions)
    }
}

fn forbidden(message: &str) -> MatrixError {
    MatrixError::new(http::StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
}

impl Api for TinyHomeserver {
    async fn get_versions(
        &self,
        _access_token: Option<AccessToken>,
        _request: client_server::get_versions::Request,
    ) -> Result<client_server::get_versions::Response, MatrixError> {
        Ok(client_server::get_versions::Response::new(vec![
            "r0.5.0".into(),
            "v1.1".into(),
        ]))
    }

    async fn get_login_flows(
        &self,
        _request: client_server::get_login_flows::Request,
    ) -> Result<client_server::get_login_flows::Response, MatrixError> {
        let flow = client_server::get_login_flows::LoginFlow::new("m.login.password".into());
        Ok({
            let mut built = client_server::get_login_flows::Response::default();
            built.flows = Some(vec![flow]);
            built
        })
    }

    async fn login(
        &self,
        request: client_server::login::Request,
    ) -> Result<client_server::login::Response, MatrixError> {
        if request.r#type != "m.login.password" {
            return Err(MatrixError::new(
                http::StatusCode::BAD_REQUEST,
                ErrorCode::Unknown,
                format!("Login type {} is not supported", request.r#type),
            ));
        }
        // Old clients still send the deprecated top-level `user`; a homeserver accepts it.
        #[allow(deprecated)]
        let legacy_user = request.user.as_deref();
        let localpart = request
            .identifier
            .as_ref()
            .and_then(|id| id.extra.get("user"))
            .and_then(|user| user.as_str())
            .or(legacy_user)
            .ok_or_else(|| MatrixError::missing_param("identifier.user"))?;
        if request.password.as_deref() != Some(PASSWORD) {
            return Err(forbidden("Invalid password"));
        }
        let user_id = if localpart.starts_with('@') {
            localpart.to_owned()
        } else {
            format!("@{localpart}:{}", self.server_name)
        };
        let user_id = OwnedUserId::try_from(user_id)
            .map_err(|e| MatrixError::invalid_param("identifier.user", e))?;
        let token = format!("token_{}", self.new_session());
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(token.clone(), user_id.clone());
        Ok(client_server::login::Response::new(
            user_id,
            token,
            request.device_id.unwrap_or_else(|| "TINYDEVICE".into()),
        ))
    }

    async fn get_token_owner(
        &self,
        access_token: AccessToken,
        _request: client_server::get_token_owner::Request,
    ) -> Result<client_server::get_token_owner::Response, MatrixError> {
        Ok(client_server::get_token_owner::Response::new(
            self.user_of(&access_token)?,
        ))
    }

    async fn logout(
        &self,
        access_token: AccessToken,
        _request: client_server::logout::Request,
    ) -> Result<client_server::logout::Response, MatrixError> {
        self.user_of(&access_token)?;
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(access_token.as_str());
        Ok(client_server::logout::Response::default())
    }

    async fn get_display_name(
        &self,
        request: client_server::get_display_name::Request,
    ) -> Result<client_server::get_display_name::Response, MatrixError> {
        let names = self
            .display_names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match names.get(&request.user_id) {
            Some(name) => Ok({
                let mut built = client_server::get_display_name::Response::default();
                built.displayname = Some(name.clone());
                built
            }),
            None => Err(MatrixError::new(
                http::StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("No display name for {}", request.user_id),
            )),
        }
    }

    async fn set_display_name(
        &self,
        access_token: AccessToken,
        request: client_server::set_display_name::Request,
    ) -> Result<client_server::set_display_name::Response, MatrixError> {
        self.user_of(&access_token)?;
        let name = request.displayname.unwrap_or_default();
        self.display_names
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(request.user_id, name);
        Ok(client_server::set_display_name::Response::default())
    }

    async fn request_token_to_register_email(
        &self,
        _request: client_server::request_token_to_register_email::Request,
    ) -> Result<client_server::request_token_to_register_email::Response, MatrixError> {
        Ok(client_server::request_token_to_register_email::Response::new(self.new_session()))
    }

    async fn request_token_to_register_msisdn(
        &self,
        _request: client_server::request_token_to_register_msisdn::Request,
    ) -> Result<client_server::request_token_to_register_msisdn::Response, MatrixError> {
        Ok({
            let mut built =
                client_server::request_token_to_register_msisdn::Response::new(self.new_session());
            built.submit_url = Some(format!("https://{}/submit_token", self.server_name));
            built
        })
    }

    async fn request_token_to_3pid_email(
        &self,
        _request: client_server::request_token_to_3pid_email::Request,
    ) -> Result<client_server::request_token_to_3pid_email::Response, MatrixError> {
        Ok(client_server::request_token_to_3pid_email::Response::new(
            self.new_session(),
        ))
    }

    async fn request_token_to_3pid_msisdn(
        &self,
        _request: client_server::request_token_to_3pid_msisdn::Request,
    ) -> Result<client_server::request_token_to_3pid_msisdn::Response, MatrixError> {
        Ok({
            let mut built =
                client_server::request_token_to_3pid_msisdn::Response::new(self.new_session());
            built.submit_url = Some(format!("https://{}/submit_token", self.server_name));
            built
        })
    }

    async fn request_token_to_reset_password_email(
        &self,
        _request: client_server::request_token_to_reset_password_email::Request,
    ) -> Result<client_server::request_token_to_reset_password_email::Response, MatrixError> {
        Ok(client_server::request_token_to_reset_password_email::Response::new(self.new_session()))
    }

    async fn request_token_to_reset_password_msisdn(
        &self,
        _request: client_server::request_token_to_reset_password_msisdn::Request,
    ) -> Result<client_server::request_token_to_reset_password_msisdn::Response, MatrixError> {
        Ok({
            let mut built = client_server::request_token_to_reset_password_msisdn::Response::new(
                self.new_session(),
            );
            built.submit_url = Some(format!("https://{}/submit_token", self.server_name));
            built
        })
    }
}

/// Serves the tiny homeserver on `listener` until the task is dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    homeserver: TinyHomeserver,
) -> std::io::Result<()> {
    axum::serve(listener, client_server::server::router(homeserver)).await
}
