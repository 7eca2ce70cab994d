//! Personal API tokens: how one is made, issued and checked.
//!
//! A token reads `abk_<prefix>_<secret>`: `abk_` says what it is (secret scanners and people
//! recognise it), the prefix (12 hex characters) is public and finds the row, the secret (43
//! letters and digits, about 256 bits) is known only to its holder. The database keeps the
//! SHA-256 of the whole token: for a random secret of that size a slow password hash adds
//! nothing, and checking stays cheap on every request.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use rand::{Rng, distr::Alphanumeric};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use super::token_hash;
use crate::{
    db::models::{
        api_token::{ApiTokenRow, NewApiToken},
        audit::Actor,
        user::UserRow,
    },
    domain::{ApiTokenLifetime, ApiTokenName, ApiTokenScope, ApiTokenStatus, Viewer},
};

/// What every token starts with.
pub const TOKEN_MARK: &str = "abk_";
const PREFIX_HEX_CHARS: usize = 12;
const SECRET_CHARS: usize = 43;

/// How often a token's last use is written at most (a request in between changes nothing).
pub const LAST_USE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// A freshly made token: the whole token (shown once) and what the database keeps.
pub struct FreshToken {
    pub token: SecretString,
    pub prefix: String,
    pub hash: String,
}

impl FreshToken {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let prefix: String = (0..PREFIX_HEX_CHARS / 2)
            .map(|_| format!("{:02x}", rng.random::<u8>()))
            .collect();
        let secret: String = (&mut rng)
            .sample_iter(Alphanumeric)
            .take(SECRET_CHARS)
            .map(char::from)
            .collect();
        let token = format!("{TOKEN_MARK}{prefix}_{secret}");
        Self {
            hash: token_hash(&token),
            prefix,
            token: SecretString::from(token),
        }
    }
}

/// The public prefix of a presented token, if it has the token's shape.
pub fn prefix_of(presented: &str) -> Option<&str> {
    let rest = presented.strip_prefix(TOKEN_MARK)?;
    let (prefix, secret) = rest.split_once('_')?;
    let shaped = prefix.len() == PREFIX_HEX_CHARS
        && prefix.bytes().all(|b| b.is_ascii_hexdigit())
        && secret.len() == SECRET_CHARS
        && secret.bytes().all(|b| b.is_ascii_alphanumeric());
    shaped.then_some(prefix)
}

/// Creates a token for `owner` and records who did; the token comes back once and is not kept.
pub fn issue(
    conn: &mut PgConnection,
    owner: &UserRow,
    name: &ApiTokenName,
    scope: ApiTokenScope,
    lifetime: ApiTokenLifetime,
    actor: &Actor,
) -> diesel::QueryResult<(ApiTokenRow, SecretString)> {
    let fresh = FreshToken::generate();
    let row = ApiTokenRow::create(
        conn,
        &NewApiToken {
            user_id: owner.id,
            name: name.as_str(),
            scope: scope.as_str(),
            prefix: &fresh.prefix,
            secret_hash: &fresh.hash,
            expires_at: lifetime.expires_at(Utc::now()),
        },
        &owner.email,
        match lifetime {
            ApiTokenLifetime::Days(days) => days,
            ApiTokenLifetime::Never => 0,
        },
        actor,
    )?;
    Ok((row, fresh.token))
}

/// The outcome of checking a presented token.
#[derive(Debug)]
pub enum TokenCheck {
    /// Not a token of this installation (wrong shape, unknown prefix, wrong secret).
    Unknown,
    Revoked,
    Expired,
    /// The owner is disabled: their tokens stop with their sessions.
    UserDisabled,
    /// The token opens the API for its owner, seeing what the owner sees.
    Valid {
        token: Box<ApiTokenRow>,
        viewer: Viewer,
    },
}

/// Checks `presented` at `now` against the database (the secret compared in constant time),
/// and records its use from `ip` (at most once per [`LAST_USE_EVERY`]). The owner is read
/// afresh on every call, so disabling a user or changing their access applies at once.
pub fn check(
    conn: &mut PgConnection,
    presented: &SecretString,
    ip: &str,
    now: DateTime<Utc>,
) -> diesel::QueryResult<TokenCheck> {
    let presented = presented.expose_secret();
    let Some(prefix) = prefix_of(presented) else {
        return Ok(TokenCheck::Unknown);
    };
    let Some((token, owner)) = ApiTokenRow::find_by_prefix(conn, prefix)? else {
        return Ok(TokenCheck::Unknown);
    };
    let hash = token_hash(presented);
    if !bool::from(hash.as_bytes().ct_eq(token.secret_hash.as_bytes())) {
        return Ok(TokenCheck::Unknown);
    }
    match token.status(now) {
        ApiTokenStatus::Revoked => return Ok(TokenCheck::Revoked),
        ApiTokenStatus::Expired => return Ok(TokenCheck::Expired),
        ApiTokenStatus::Active => {}
    }
    if owner.disabled {
        return Ok(TokenCheck::UserDisabled);
    }
    let viewer = owner.viewer(conn)?;
    let recent = token.last_used_at.is_some_and(|at| {
        now.signed_duration_since(at).to_std().unwrap_or_default() < LAST_USE_EVERY
    });
    if !recent {
        ApiTokenRow::record_use(conn, token.id, ip, LAST_USE_EVERY)?;
    }
    Ok(TokenCheck::Valid {
        token: Box::new(token),
        viewer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_tokens_have_the_shape_their_prefix_is_read_from() {
        let fresh = FreshToken::generate();
        let token = fresh.token.expose_secret();
        assert!(token.starts_with("abk_"));
        assert_eq!(prefix_of(token), Some(fresh.prefix.as_str()));
        assert_eq!(fresh.hash, token_hash(token));
        assert_ne!(
            FreshToken::generate().token.expose_secret(),
            fresh.token.expose_secret()
        );
    }

    #[test]
    fn strings_of_another_shape_have_no_prefix() {
        assert_eq!(prefix_of(""), None);
        assert_eq!(prefix_of("abk_"), None);
        assert_eq!(prefix_of("abk_0123456789ab"), None);
        assert_eq!(prefix_of("abk_0123456789ab_short"), None);
        let secret = "a".repeat(43);
        assert_eq!(
            prefix_of(&format!("abk_0123456789ab_{secret}")),
            Some("0123456789ab")
        );
        assert_eq!(prefix_of(&format!("abk_0123456789zz_{secret}")), None);
        assert_eq!(prefix_of(&format!("xyz_0123456789ab_{secret}")), None);
    }
}
