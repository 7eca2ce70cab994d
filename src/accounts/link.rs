//! Connecting an Allegro account with the device-code flow: start it, poll in the background
//! until the person approves or denies, then store the account with its encrypted tokens.

use std::sync::Arc;

use chrono::Utc;
use futures_util::future::BoxFuture;
use secrecy::SecretString;
use serde_json::json;

use super::Accounts;
use crate::{
    allegro::{
        AllegroError, DeviceAuthorization, DeviceFlowError, TokenSet, TokenSource,
        wait_for_device_authorization,
    },
    db::{
        self, DbError,
        models::{
            account::{AccountRow, LinkedAccount},
            audit::{Actor, AuditAction, AuditEntry},
            device_authorization::{DeviceAuthorizationRow, FlowStatus, NewDeviceAuthorization},
        },
    },
    domain::AccountId,
};

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("Allegro did not start the connection: {0}")]
    Allegro(#[from] AllegroError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// How a finished flow ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowOutcome {
    Connected {
        account_id: AccountId,
        login: String,
        new: bool,
    },
    Denied,
    Expired,
    Failed(String),
}

fn device_context(environment: &str, user_code: &str) -> String {
    format!("device:{environment}:{user_code}")
}

impl Accounts {
    /// Asks Allegro for a device code and records the flow; the caller shows the code and
    /// starts `spawn_poller`.
    pub async fn start_link(&self, actor: Actor) -> Result<DeviceAuthorizationRow, LinkError> {
        let auth = self.client.start_device_flow().await?;
        for uri in [&auth.verification_uri, &auth.verification_uri_complete] {
            // The link goes into the page as a href: only web links, never `javascript:`.
            let scheme = url::Url::parse(uri)
                .map(|u| u.scheme().to_owned())
                .unwrap_or_default();
            if scheme != "https" && scheme != "http" {
                return Err(LinkError::Allegro(AllegroError::Unexpected(
                    anyhow::anyhow!("Allegro returned an unusable verification link"),
                )));
            }
        }
        let env = self.environment.as_str();
        let device_code_enc = self
            .cipher
            .encrypt(&auth.device_code, &device_context(env, &auth.user_code));
        let expires_at = Utc::now()
            + chrono::Duration::from_std(auth.expires_in)
                .unwrap_or_else(|_| chrono::Duration::hours(1));
        let interval_secs = i32::try_from(auth.interval.as_secs()).unwrap_or(5).max(1);
        let row = db::run(&self.pool, move |conn| {
            let row = DeviceAuthorizationRow::insert(
                conn,
                &NewDeviceAuthorization {
                    environment: env,
                    user_code: &auth.user_code,
                    verification_uri: &auth.verification_uri,
                    verification_uri_complete: &auth.verification_uri_complete,
                    device_code_enc: &device_code_enc,
                    interval_secs,
                    expires_at,
                    started_by: actor.user_id,
                },
            )?;
            AuditEntry::record(
                conn,
                &actor,
                AuditAction::AccountConnectStarted,
                None,
                json!({ "flow": row.id }),
            )?;
            Ok::<_, DbError>(row)
        })
        .await?;
        Ok(row)
    }

    /// Polls the flow in the background until it ends (also used to resume flows after a
    /// restart).
    pub fn spawn_poller(&self, flow: DeviceAuthorizationRow, actor: Actor) {
        let accounts = self.clone();
        tokio::spawn(async move {
            let id = flow.id;
            let outcome = accounts.poll_flow(&flow, &actor).await;
            tracing::info!(flow.id = id, outcome = ?outcome, "device flow finished");
        });
    }

    /// Resumes the flows still pending (after a restart).
    pub async fn resume_pending_flows(&self) -> Result<usize, DbError> {
        let pending = db::run(&self.pool, |conn| {
            DeviceAuthorizationRow::pending(conn).map_err(DbError::from)
        })
        .await?;
        let count = pending.len();
        for flow in pending {
            let actor = Actor {
                user_id: flow.started_by,
                email: None,
                ip: None,
            };
            self.spawn_poller(flow, actor);
        }
        Ok(count)
    }

    /// Polls until the person decides, then records the outcome.
    pub async fn poll_flow(&self, flow: &DeviceAuthorizationRow, actor: &Actor) -> FlowOutcome {
        let outcome = match self.device_authorization(flow) {
            Ok(auth) => {
                match wait_for_device_authorization(&self.client, &auth, tokio::time::sleep).await {
                    Ok(tokens) => self.link(tokens, actor).await,
                    Err(DeviceFlowError::Denied) => FlowOutcome::Denied,
                    Err(DeviceFlowError::Expired) => FlowOutcome::Expired,
                    Err(DeviceFlowError::Allegro(e)) => FlowOutcome::Failed(e.to_string()),
                }
            }
            Err(message) => FlowOutcome::Failed(message),
        };
        self.finish_flow(flow.id, &outcome, actor).await;
        outcome
    }

    fn device_authorization(
        &self,
        flow: &DeviceAuthorizationRow,
    ) -> Result<DeviceAuthorization, String> {
        let device_code = self
            .cipher
            .decrypt(
                &flow.device_code_enc,
                &device_context(&flow.environment, &flow.user_code),
            )
            .map_err(|e| e.to_string())?;
        let remaining = (flow.expires_at - Utc::now()).to_std().unwrap_or_default();
        Ok(DeviceAuthorization {
            device_code,
            user_code: flow.user_code.clone(),
            verification_uri: flow.verification_uri.clone(),
            verification_uri_complete: flow.verification_uri_complete.clone(),
            expires_in: remaining,
            interval: std::time::Duration::from_secs(
                u64::try_from(flow.interval_secs).unwrap_or(5),
            ),
        })
    }

    /// Reads `/me` with the fresh tokens and stores the account (a known account only gets
    /// its tokens replaced).
    async fn link(&self, tokens: TokenSet, actor: &Actor) -> FlowOutcome {
        let api = self
            .client
            .account(Arc::new(FreshTokens(tokens.access_token.clone())));
        let me = match api.me().await {
            Ok(me) => me,
            Err(e) => {
                return FlowOutcome::Failed(format!(
                    "Allegro did not tell who the account is: {e}"
                ));
            }
        };
        let sealed = self.seal(&me.id, &tokens);
        let env = self.environment.as_str();
        let actor = actor.clone();
        let login = if me.login.is_empty() {
            me.id.clone()
        } else {
            me.login.clone()
        };
        let stored = db::run(&self.pool, move |conn| {
            let (row, new) = AccountRow::upsert_linked(
                conn,
                &LinkedAccount {
                    environment: env,
                    allegro_user_id: &me.id,
                    login: &login,
                    tokens: &sealed,
                    connected_by: actor.user_id,
                },
            )?;
            let action = if new {
                AuditAction::AccountConnected
            } else {
                AuditAction::AccountReconnected
            };
            AuditEntry::record(
                conn,
                &actor,
                action,
                Some(&row.login),
                json!({ "account": row.id, "environment": env }),
            )?;
            Ok::<_, DbError>((row, new))
        })
        .await;
        match stored {
            Ok((row, new)) => {
                // A re-linked account's cached token is the replaced one.
                self.forget(row.id);
                FlowOutcome::Connected {
                    account_id: row.id,
                    login: row.login,
                    new,
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "could not store a connected Allegro account");
                FlowOutcome::Failed("the account could not be saved; try again".to_owned())
            }
        }
    }

    async fn finish_flow(&self, id: i64, outcome: &FlowOutcome, actor: &Actor) {
        let (status, account_id, error) = match outcome {
            FlowOutcome::Connected { account_id, .. } => {
                (FlowStatus::Connected, Some(*account_id), None)
            }
            FlowOutcome::Denied => (FlowStatus::Denied, None, None),
            FlowOutcome::Expired => (FlowStatus::Expired, None, None),
            FlowOutcome::Failed(message) => (FlowStatus::Failed, None, Some(message.clone())),
        };
        let actor = actor.clone();
        let result = db::run(&self.pool, move |conn| {
            let finished =
                DeviceAuthorizationRow::finish(conn, id, status, account_id, error.as_deref())?;
            if finished && status != FlowStatus::Connected {
                // Connected accounts are audited when stored; the other endings here.
                AuditEntry::record(
                    conn,
                    &actor,
                    AuditAction::AccountConnectEnded,
                    None,
                    json!({ "flow": id, "outcome": status.as_str(), "error": error }),
                )?;
            }
            Ok::<_, DbError>(())
        })
        .await;
        if let Err(err) = result {
            tracing::error!(flow.id = id, error = %err, "could not record the end of a device flow");
        }
    }
}

/// The just-issued access token, used once to read `/me` before the account exists.
struct FreshTokens(SecretString);

impl TokenSource for FreshTokens {
    type Error = AllegroError;

    fn account_key(&self) -> String {
        "linking".to_owned()
    }

    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, AllegroError>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }

    fn refresh(
        &self,
        _rejected: SecretString,
    ) -> BoxFuture<'_, Result<SecretString, AllegroError>> {
        Box::pin(async move { Err(AllegroError::InvalidGrant) })
    }
}
