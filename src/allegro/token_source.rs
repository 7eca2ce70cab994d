//! `TokenSource`: how the caller supplies (and refreshes) one account's tokens.

use futures_util::future::BoxFuture;
use secrecy::SecretString;

use super::error::AllegroError;

/// Supplies (and refreshes) the tokens of one account. Implemented by the caller, for example
/// over the database.
pub trait TokenSource: Send + Sync {
    /// Why no token could be supplied, and so what every call of the account's [`AccountApi`](super::AccountApi)
    /// fails with: Allegro's own errors convert into it, and the source adds its own failures
    /// (its store could not be read) next to them, so callers get those back as they were.
    type Error: From<AllegroError> + Send + 'static;
    /// Names the account for its rate budget and in logs (not a secret).
    fn account_key(&self) -> String;
    /// The access token to send now: read right before each attempt (after every wait), so a
    /// token close to its expiry should be refreshed here rather than handed out.
    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, Self::Error>>;
    /// Called after a 401 with the token that was rejected; returns a fresh token. Single-flight
    /// (and not refreshing again when another task already replaced `rejected` with a token
    /// that is still fresh) is the implementor's job. A 401 on the token returned here ends
    /// the call with [`AllegroError::Unauthorized`].
    fn refresh(&self, rejected: SecretString) -> BoxFuture<'_, Result<SecretString, Self::Error>>;
}
