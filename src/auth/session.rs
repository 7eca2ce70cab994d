//! A typed view of the actix session: who is signed in, since when, and the CSRF token.

use actix_session::{Session, SessionExt, SessionGetError, SessionInsertError};
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use chrono::Utc;
use std::future::{Ready, ready};

use crate::{
    auth::{
        random_token,
        store::{AUTH_AT_KEY, USER_ID_KEY},
    },
    domain::UserId,
};

const CSRF_KEY: &str = "csrf";

pub struct TypedSession(Session);

impl TypedSession {
    pub fn from_session(session: Session) -> Self {
        Self(session)
    }

    /// Signs `user_id` in: a new session id (against fixation), a fresh CSRF token.
    pub fn log_in(&self, user_id: UserId) -> Result<(), SessionInsertError> {
        self.0.renew();
        self.0.insert(USER_ID_KEY, user_id)?;
        self.0.insert(AUTH_AT_KEY, Utc::now().timestamp())?;
        self.0.insert(CSRF_KEY, random_token(32))
    }

    /// Issues a new session id keeping the login (after a password change).
    pub fn renew(&self) {
        self.0.renew();
    }

    pub fn user_id(&self) -> Result<Option<UserId>, SessionGetError> {
        self.0.get(USER_ID_KEY)
    }

    /// Unix time of the login, if signed in.
    pub fn authenticated_at(&self) -> Result<Option<i64>, SessionGetError> {
        self.0.get(AUTH_AT_KEY)
    }

    /// The session's CSRF token, created on first use.
    pub fn csrf_token(&self) -> Result<String, SessionInsertError> {
        if let Ok(Some(token)) = self.0.get::<String>(CSRF_KEY) {
            return Ok(token);
        }
        let token = random_token(32);
        self.0.insert(CSRF_KEY, &token)?;
        Ok(token)
    }

    /// The CSRF token if one was issued, without creating one.
    pub fn existing_csrf_token(&self) -> Option<String> {
        self.0.get::<String>(CSRF_KEY).ok().flatten()
    }

    /// Ends the session: the store deletes it and the cookie is removed.
    pub fn log_out(&self) {
        self.0.purge();
    }
}

impl FromRequest for TypedSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Ok(TypedSession(req.get_session())))
    }
}

/// How a flash message looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlashLevel {
    Success,
    Info,
    Warning,
    Error,
}

/// A one-time message shown on the next page the user sees (kept in the server-side session).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Flash {
    pub level: FlashLevel,
    pub message: String,
}

impl Flash {
    /// CSS class suffix for the level.
    pub fn css(&self) -> &'static str {
        match self.level {
            FlashLevel::Success => "success",
            FlashLevel::Info => "info",
            FlashLevel::Warning => "warning",
            FlashLevel::Error => "error",
        }
    }
}

const FLASH_KEY: &str = "flash";

impl TypedSession {
    /// Queues a message for the next rendered page.
    pub fn flash(&self, level: FlashLevel, message: impl Into<String>) {
        let mut queued = self
            .0
            .get::<Vec<Flash>>(FLASH_KEY)
            .ok()
            .flatten()
            .unwrap_or_default();
        queued.push(Flash {
            level,
            message: message.into(),
        });
        if let Err(err) = self.0.insert(FLASH_KEY, queued) {
            tracing::warn!(error = %err, "could not queue a flash message");
        }
    }

    /// Takes the queued messages (they are shown once).
    pub fn take_flashes(&self) -> Vec<Flash> {
        self.0
            .remove_as::<Vec<Flash>>(FLASH_KEY)
            .and_then(Result::ok)
            .unwrap_or_default()
    }
}
