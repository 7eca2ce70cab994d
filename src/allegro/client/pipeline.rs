//! The request pipeline of [`AllegroClient::execute`], step by step: wait for the rate budgets
//! and the account's slot, sign (the token read last), send and count, then decide on the
//! answer: done, retry after a back-off, refresh the token, pause the client id, or give up.

use std::time::{Duration, Instant};

use reqwest::{RequestBuilder, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};

use super::{AllegroClient, Auth, MAX_REJECTIONS, Reply};
use crate::allegro::error::AllegroError;

/// One call through the pipeline: how it authenticates and how its log lines name it.
struct Call<'c, 'a, E> {
    auth: &'c Auth<'a, E>,
    /// The account's key, or `oauth` for the OAuth endpoints.
    account: &'c str,
    /// Names the call in logs (never a token).
    what: &'c str,
}

/// What one call has gone through so far.
#[derive(Default)]
struct Attempts {
    /// Transport failures and 5xx answers.
    failures: u32,
    /// 429 answers.
    rate_limited: u32,
    /// 401 answers.
    rejections: u32,
    /// The token the source handed back after a 401 of this call: Allegro refusing that one
    /// as well is final. A refused token that was merely old or replaced meanwhile is not.
    renewed: Option<SecretString>,
}

impl AllegroClient {
    /// Sends a request built by `build` until it succeeds, fails for good, or the retry budget
    /// is spent. `what` names the call in logs (never a token); `endpoint` is its path
    /// template, which labels the metrics (ids would make a series per order). The token
    /// source's own failures come back as they were.
    pub(crate) async fn execute<E: From<AllegroError> + Send + 'static>(
        &self,
        auth: Auth<'_, E>,
        what: &str,
        endpoint: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Reply, E> {
        let call = Call {
            auth: &auth,
            account: match &auth {
                Auth::Basic => "oauth",
                Auth::Account { key, .. } => key,
            },
            what,
        };
        let mut attempts = Attempts::default();
        loop {
            let (outcome, token) = self.attempt(&auth, endpoint, &build).await?;
            let reply = match outcome {
                Ok(reply) => reply,
                Err(error) => {
                    self.after_transport_failure(&call, &mut attempts, error)
                        .await?;
                    continue;
                }
            };
            if reply.status.is_success() {
                return Ok(reply);
            }
            if let Some(reply) = self
                .after_error_status(&call, &mut attempts, reply, token)
                .await?
            {
                return Ok(reply);
            }
        }
    }

    /// One exchange: waits for the client's budget and the account's slot, signs the request,
    /// sends it and counts it in the metrics. Also returns the token it was sent with.
    async fn attempt<E: From<AllegroError> + Send + 'static>(
        &self,
        auth: &Auth<'_, E>,
        endpoint: &str,
        build: &impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<(Result<Reply, AllegroError>, Option<SecretString>), E> {
        self.inner.gate.until_ready().await;
        let permit = match auth {
            Auth::Account { gate, .. } => gate.admit().await,
            Auth::Basic => None,
        };
        let request = build(&self.inner.http);
        let (request, token) = self.sign(auth, request).await?;
        let started = Instant::now();
        let outcome = send(request).await;
        drop(permit);
        if let Some(metrics) = &self.metrics {
            metrics.observe(
                endpoint,
                outcome.as_ref().map(|reply| reply.status),
                started.elapsed(),
            );
        }
        Ok((outcome, token))
    }

    /// `request` with its credentials, and the access token when it carries one.
    async fn sign<E: From<AllegroError> + Send + 'static>(
        &self,
        auth: &Auth<'_, E>,
        request: RequestBuilder,
    ) -> Result<(RequestBuilder, Option<SecretString>), E> {
        match auth {
            // The client secret only ever goes to the OAuth host.
            Auth::Basic => Ok((
                request.basic_auth(
                    &self.inner.client_id,
                    Some(self.inner.client_secret.expose_secret()),
                ),
                None,
            )),
            Auth::Account { tokens, accept, .. } => {
                // The token is read last, after every wait (a 429 pause lasts a minute,
                // longer than a short-lived token), so what is sent is fresh: the source
                // refreshes a token close to its expiry.
                self.inner.gate.wait_for_pause().await;
                let token = tokens.access_token().await?;
                let request = request
                    .bearer_auth(token.expose_secret())
                    .header(header::ACCEPT, *accept);
                Ok((request, Some(token)))
            }
        }
    }

    /// After a timeout or a connection error: backs off, or gives up once the attempts are
    /// spent.
    async fn after_transport_failure<E: From<AllegroError> + Send + 'static>(
        &self,
        call: &Call<'_, '_, E>,
        attempts: &mut Attempts,
        error: AllegroError,
    ) -> Result<(), E> {
        attempts.failures += 1;
        tracing::warn!(account = call.account, call = call.what, attempt = attempts.failures, error = %error, "Allegro request failed in transit");
        if attempts.failures >= self.retry.max_attempts {
            return Err(error.into());
        }
        tokio::time::sleep(self.retry.backoff(attempts.failures)).await;
        Ok(())
    }

    /// After an answer that is not a success: `Some` when it is final as it is (a 4xx the
    /// pipeline does not handle), `None` to try again, an error to give up.
    async fn after_error_status<E: From<AllegroError> + Send + 'static>(
        &self,
        call: &Call<'_, '_, E>,
        attempts: &mut Attempts,
        reply: Reply,
        token: Option<SecretString>,
    ) -> Result<Option<Reply>, E> {
        match (reply.status, call.auth) {
            (StatusCode::UNAUTHORIZED, Auth::Account { tokens, .. }) => {
                attempts.rejections += 1;
                let rejected = token.unwrap_or_else(|| SecretString::from(""));
                let after_refresh = attempts
                    .renewed
                    .as_ref()
                    .is_some_and(|t| t.expose_secret() == rejected.expose_secret());
                log_rejection(call, attempts, &reply, after_refresh);
                if after_refresh || attempts.rejections >= MAX_REJECTIONS {
                    return Err(AllegroError::Unauthorized.into());
                }
                // Refreshes unless another task already replaced the token with one that
                // is still fresh; the next attempt reads the current token.
                attempts.renewed = Some(tokens.refresh(rejected).await?);
            }
            (StatusCode::TOO_MANY_REQUESTS, Auth::Account { .. }) => {
                self.after_rate_limit(call, attempts, &reply).await?;
            }
            (StatusCode::TOO_MANY_REQUESTS, Auth::Basic) => {
                // Token minting has its own per-user limit: no reason to stop every account.
                let retry_after = retry_after(&reply).unwrap_or(self.retry.rate_limit_pause);
                tracing::warn!(
                    call = call.what,
                    trace_id = reply.trace_id.as_str(),
                    status = 429,
                    "Allegro OAuth rate limit hit"
                );
                return Err(AllegroError::RateLimited { retry_after }.into());
            }
            (s, _) if s.is_server_error() => {
                self.after_server_error(call, attempts, &reply).await?
            }
            _ => return Ok(Some(reply)),
        }
        Ok(None)
    }

    /// After a 429 of an account's call: pauses the whole client id (for `Retry-After`, at
    /// least the policy's pause) and waits it out, or gives up once the attempts are spent.
    async fn after_rate_limit<E: From<AllegroError> + Send + 'static>(
        &self,
        call: &Call<'_, '_, E>,
        attempts: &mut Attempts,
        reply: &Reply,
    ) -> Result<(), E> {
        let gate = &self.inner.gate;
        attempts.rate_limited += 1;
        let pause = retry_after(reply)
            .unwrap_or_default()
            .max(self.retry.rate_limit_pause);
        gate.pause(pause);
        tracing::warn!(
            account = call.account,
            call = call.what,
            trace_id = reply.trace_id.as_str(),
            status = 429,
            attempt = attempts.rate_limited,
            pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
            "Allegro rate limit hit; pausing the client id"
        );
        if attempts.rate_limited >= self.retry.rate_limited_attempts {
            return Err(AllegroError::RateLimited { retry_after: pause }.into());
        }
        gate.wait_for_pause().await;
        tokio::time::sleep(self.retry.backoff(attempts.rate_limited)).await;
        Ok(())
    }

    /// After a 5xx: backs off, or gives up once the attempts are spent.
    async fn after_server_error<E: From<AllegroError> + Send + 'static>(
        &self,
        call: &Call<'_, '_, E>,
        attempts: &mut Attempts,
        reply: &Reply,
    ) -> Result<(), E> {
        let status = reply.status.as_u16();
        attempts.failures += 1;
        tracing::warn!(
            account = call.account,
            call = call.what,
            trace_id = reply.trace_id.as_str(),
            status,
            attempt = attempts.failures,
            "Allegro server error"
        );
        if attempts.failures >= self.retry.max_attempts {
            return Err(AllegroError::Server { status }.into());
        }
        tokio::time::sleep(self.retry.backoff(attempts.failures)).await;
        Ok(())
    }
}

/// The warning for a 401 (`after_refresh`: on the token a refresh of this call just gave).
fn log_rejection<E>(
    call: &Call<'_, '_, E>,
    attempts: &Attempts,
    reply: &Reply,
    after_refresh: bool,
) {
    tracing::warn!(
        account = call.account,
        call = call.what,
        trace_id = reply.trace_id.as_str(),
        status = reply.status.as_u16(),
        attempt = attempts.rejections,
        after_refresh,
        "Allegro rejected the access token"
    );
}

/// One HTTP exchange, body included; transport failures mapped to `Timeout` / `Network`.
async fn send(request: RequestBuilder) -> Result<Reply, AllegroError> {
    let transport = |e: reqwest::Error| {
        if e.is_timeout() {
            AllegroError::Timeout
        } else {
            AllegroError::Network(e)
        }
    };
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(transport)?;
    let trace_id = headers
        .get("trace-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let retry_after = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok(Reply {
        status,
        trace_id,
        retry_after,
        body: body.to_vec(),
    })
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(reply: &Reply) -> Option<Duration> {
    let value = reply.retry_after.as_deref()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .ok()
}
