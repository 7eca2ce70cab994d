//! actix-session store backed by PostgreSQL: sessions live on the server, so disabling a user
//! or "log out everywhere" ends their sessions at once, on every replica.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use chrono::Utc;
use serde_json::Value;

use crate::{
    auth::{random_token, token_hash},
    db::{
        self, DbError, PgPool,
        models::session::{NewSession, SessionRow},
    },
    domain::UserId,
};

/// Session-state key holding the signed-in user's id (JSON-encoded, as actix-session stores
/// every value).
pub const USER_ID_KEY: &str = "user_id";
/// Session-state key holding the Unix time of the login (for the absolute timeout).
pub const AUTH_AT_KEY: &str = "auth_at";

type State = HashMap<String, String>;

#[derive(Clone)]
pub struct PgSessionStore {
    pool: PgPool,
}

impl PgSessionStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

/// Anonymous sessions (a visitor on the login page) live at most this long, so drive-by
/// visits cannot pile up rows for the full idle timeout.
const ANONYMOUS_TTL_SECS: i64 = 30 * 60;

fn expiry(ttl: &Duration, user_id: Option<UserId>) -> chrono::DateTime<Utc> {
    let seconds = match user_id {
        Some(_) => ttl.whole_seconds(),
        None => ttl.whole_seconds().min(ANONYMOUS_TTL_SECS),
    };
    Utc::now() + chrono::Duration::seconds(seconds)
}

fn user_id_of(state: &State) -> Option<UserId> {
    state
        .get(USER_ID_KEY)
        .and_then(|v| serde_json::from_str::<UserId>(v).ok())
}

fn to_json(state: &State) -> Result<Value, serde_json::Error> {
    serde_json::to_value(state)
}

fn new_key() -> Result<SessionKey, anyhow::Error> {
    SessionKey::try_from(random_token(32)).map_err(anyhow::Error::from)
}

async fn insert(pool: &PgPool, state: &State, ttl: &Duration) -> Result<SessionKey, anyhow::Error> {
    let key = new_key()?;
    let key_hash = token_hash(key.as_ref());
    let user_id = user_id_of(state);
    let json = to_json(state)?;
    let expires_at = expiry(ttl, user_id);
    db::run(pool, move |conn| {
        SessionRow::insert(
            conn,
            &NewSession {
                key_hash: &key_hash,
                user_id,
                state: &json,
                expires_at,
            },
        )
        .map_err(DbError::from)
    })
    .await?;
    Ok(key)
}

impl SessionStore for PgSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let key_hash = token_hash(session_key.as_ref());
        let state = db::run(&self.pool, move |conn| {
            SessionRow::load_state(conn, &key_hash).map_err(DbError::from)
        })
        .await
        .map_err(|e| LoadError::Other(e.into()))?;
        state
            .map(serde_json::from_value::<State>)
            .transpose()
            .map_err(|e| LoadError::Deserialization(e.into()))
    }

    /// Stores a new session, if it is someone's: a session holding nothing but a signed-out
    /// visitor's state is not written (its key points nowhere and loads as a fresh session),
    /// so anonymous traffic cannot add rows. Pages for visitors keep their state in cookies
    /// (see `auth::csrf`).
    async fn save(&self, session_state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        if user_id_of(&session_state).is_none() {
            return new_key().map_err(SaveError::Other);
        }
        insert(&self.pool, &session_state, ttl)
            .await
            .map_err(SaveError::Other)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let key_hash = token_hash(session_key.as_ref());
        let user_id = user_id_of(&session_state);
        let json = to_json(&session_state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let expires_at = expiry(ttl, user_id);
        let updated = db::run(&self.pool, move |conn| {
            SessionRow::update_state(conn, &key_hash, user_id, &json, expires_at)
                .map_err(DbError::from)
        })
        .await
        .map_err(|e| UpdateError::Other(e.into()))?;
        if updated {
            Ok(session_key)
        } else {
            // The session was revoked or expired meanwhile: never resurrect it, and never carry
            // its login over into the replacement.
            let mut anonymous = session_state;
            anonymous.remove(USER_ID_KEY);
            anonymous.remove(AUTH_AT_KEY);
            insert(&self.pool, &anonymous, ttl)
                .await
                .map_err(UpdateError::Other)
        }
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &Duration,
    ) -> Result<(), anyhow::Error> {
        let key_hash = token_hash(session_key.as_ref());
        // Extends signed-in sessions to the full idle timeout; anonymous ones stay capped.
        let expires_at = expiry(ttl, Some(UserId(0)));
        let anonymous_expires_at = expiry(ttl, None);
        db::run(&self.pool, move |conn| {
            SessionRow::extend(conn, &key_hash, expires_at, anonymous_expires_at)
                .map_err(DbError::from)
        })
        .await
        .map_err(Into::into)
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let key_hash = token_hash(session_key.as_ref());
        db::run(&self.pool, move |conn| {
            SessionRow::delete(conn, &key_hash).map_err(DbError::from)
        })
        .await
        .map_err(Into::into)
    }
}
