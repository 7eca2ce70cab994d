//! Personal API tokens as values: the scope a token grants, its validated name and how long it
//! lives. The token string itself (format, hashing) belongs to `auth::api_token`.

use std::{fmt, str::FromStr};

/// Longest token name, in characters (the table's CHECK says the same).
pub const API_TOKEN_NAME_MAX_CHARS: usize = 80;
/// Longest lifetime a token may be given, in days (ten years).
pub const API_TOKEN_MAX_DAYS: u32 = 3650;
/// The lifetime of a new token unless another is asked for: one year.
pub const API_TOKEN_DEFAULT_DAYS: u32 = 365;

/// What a token may do: `read` only reads; `write` may also change things (and, with the
/// operator role, start syncs). A token never exceeds its user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiTokenScope {
    Read,
    Write,
}

impl ApiTokenScope {
    pub const ALL: [ApiTokenScope; 2] = [ApiTokenScope::Read, ApiTokenScope::Write];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiTokenScope::Read => "read",
            ApiTokenScope::Write => "write",
        }
    }

    /// The message naming this scope in the UI (`locales/*/tokens.ftl`).
    pub fn message_key(self) -> &'static str {
        match self {
            ApiTokenScope::Read => "token-scope-read",
            ApiTokenScope::Write => "token-scope-write",
        }
    }

    /// True when a token of this scope may do what `required` needs.
    pub fn includes(self, required: ApiTokenScope) -> bool {
        self >= required
    }
}

impl FromStr for ApiTokenScope {
    type Err = ApiTokenError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "read" => Ok(ApiTokenScope::Read),
            "write" => Ok(ApiTokenScope::Write),
            _ => Err(ApiTokenError::UnknownScope),
        }
    }
}

impl fmt::Display for ApiTokenScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a token still opens the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiTokenStatus {
    Active,
    Expired,
    Revoked,
}

impl ApiTokenStatus {
    /// The status at `now` of a token revoked at `revoked_at` that expires at `expires_at`
    /// (`None`: never); a revoked token is revoked even once it would have expired.
    pub fn at(
        revoked_at: Option<chrono::DateTime<chrono::Utc>>,
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        if revoked_at.is_some() {
            ApiTokenStatus::Revoked
        } else if expires_at.is_some_and(|at| at <= now) {
            ApiTokenStatus::Expired
        } else {
            ApiTokenStatus::Active
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApiTokenStatus::Active => "active",
            ApiTokenStatus::Expired => "expired",
            ApiTokenStatus::Revoked => "revoked",
        }
    }

    /// The message naming this status in the UI.
    pub fn message_key(self) -> &'static str {
        match self {
            ApiTokenStatus::Active => "token-status-active",
            ApiTokenStatus::Expired => "token-status-expired",
            ApiTokenStatus::Revoked => "token-status-revoked",
        }
    }
}

/// Why a token's name, scope or lifetime was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApiTokenError {
    #[error("Give the token a name.")]
    EmptyName,
    #[error("A token name has at most {API_TOKEN_NAME_MAX_CHARS} characters.")]
    NameTooLong,
    #[error("A token name cannot contain control characters.")]
    NameControlCharacters,
    #[error("Choose the scope read or write.")]
    UnknownScope,
    #[error("The lifetime is a whole number of days from 1 to {API_TOKEN_MAX_DAYS}.")]
    BadLifetime,
}

impl super::Explain for ApiTokenError {
    fn message_key(&self) -> &'static str {
        match self {
            ApiTokenError::EmptyName => "token-name-empty",
            ApiTokenError::NameTooLong => "token-name-too-long",
            ApiTokenError::NameControlCharacters => "token-name-control",
            ApiTokenError::UnknownScope => "token-scope-unknown",
            ApiTokenError::BadLifetime => "token-lifetime-bad",
        }
    }

    fn message_count(&self) -> Option<i64> {
        match self {
            ApiTokenError::NameTooLong => Some(API_TOKEN_NAME_MAX_CHARS as i64),
            ApiTokenError::BadLifetime => Some(i64::from(API_TOKEN_MAX_DAYS)),
            _ => None,
        }
    }
}

/// A token's name, for people to tell their tokens apart: trimmed, not empty, no control
/// characters, at most [`API_TOKEN_NAME_MAX_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenName(String);

impl ApiTokenName {
    pub fn parse(raw: &str) -> Result<Self, ApiTokenError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(ApiTokenError::EmptyName);
        }
        if name.chars().count() > API_TOKEN_NAME_MAX_CHARS {
            return Err(ApiTokenError::NameTooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(ApiTokenError::NameControlCharacters);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApiTokenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How long a new token lives: some days, or until revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiTokenLifetime {
    Days(u32),
    Never,
}

impl ApiTokenLifetime {
    /// `days` from 1 to [`API_TOKEN_MAX_DAYS`].
    pub fn days(days: u32) -> Result<Self, ApiTokenError> {
        if (1..=API_TOKEN_MAX_DAYS).contains(&days) {
            Ok(Self::Days(days))
        } else {
            Err(ApiTokenError::BadLifetime)
        }
    }

    /// A form's or command line's text: empty for the default (a year), `never`/`none`/`0`
    /// for no expiry, otherwise a number of days.
    pub fn parse(raw: &str) -> Result<Self, ApiTokenError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "" => Ok(Self::Days(API_TOKEN_DEFAULT_DAYS)),
            "never" | "none" | "0" => Ok(Self::Never),
            days => days
                .parse::<u32>()
                .map_err(|_| ApiTokenError::BadLifetime)
                .and_then(Self::days),
        }
    }

    /// When a token created at `now` expires (`None`: never).
    pub fn expires_at(
        self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            Self::Days(days) => Some(now + chrono::Duration::days(i64::from(days))),
            Self::Never => None,
        }
    }
}

impl Default for ApiTokenLifetime {
    fn default() -> Self {
        Self::Days(API_TOKEN_DEFAULT_DAYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(ApiTokenName::parse("  ERP ").unwrap().as_str(), "ERP");
        assert_eq!(ApiTokenName::parse(" "), Err(ApiTokenError::EmptyName));
        assert_eq!(
            ApiTokenName::parse(&"ł".repeat(81)),
            Err(ApiTokenError::NameTooLong)
        );
        assert_eq!(
            ApiTokenName::parse("a\nb"),
            Err(ApiTokenError::NameControlCharacters)
        );
    }

    #[test]
    fn scopes_parse_and_write_includes_read() {
        assert_eq!("Write".parse(), Ok(ApiTokenScope::Write));
        assert_eq!("read".parse(), Ok(ApiTokenScope::Read));
        assert!("admin".parse::<ApiTokenScope>().is_err());
        assert!(ApiTokenScope::Write.includes(ApiTokenScope::Read));
        assert!(!ApiTokenScope::Read.includes(ApiTokenScope::Write));
    }

    #[test]
    fn revoked_wins_over_expired() {
        let now = chrono::Utc::now();
        let past = Some(now - chrono::Duration::seconds(1));
        assert_eq!(ApiTokenStatus::at(None, None, now), ApiTokenStatus::Active);
        assert_eq!(ApiTokenStatus::at(None, past, now), ApiTokenStatus::Expired);
        assert_eq!(ApiTokenStatus::at(past, past, now), ApiTokenStatus::Revoked);
    }

    #[test]
    fn lifetimes_default_to_a_year_and_may_be_endless() {
        assert_eq!(ApiTokenLifetime::parse(""), Ok(ApiTokenLifetime::Days(365)));
        assert_eq!(
            ApiTokenLifetime::parse("never"),
            Ok(ApiTokenLifetime::Never)
        );
        assert_eq!(
            ApiTokenLifetime::parse("30"),
            Ok(ApiTokenLifetime::Days(30))
        );
        assert!(ApiTokenLifetime::parse("-1").is_err());
        assert!(ApiTokenLifetime::parse("99999").is_err());
    }
}
