//! `AccountApi`: the REST calls made on behalf of one seller account, with the tokens its
//! [`TokenSource`] supplies.

use std::{fmt, sync::Arc};

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::{
    checkout_form::{CheckoutForm, CheckoutFormQuery, CheckoutFormsPage, RejectedForm},
    client::{ALLEGRO_MEDIA_TYPE, AllegroClient, Auth, Reply, endpoint},
    error::{AllegroError, error_details, snippet},
    models::{EventQuery, EventStats, EventsPage, LatestEvent, Me, OrderEvent},
    rate_limit::AccountGate,
    shipment::{Shipment, ShipmentsPage},
    token_source::TokenSource,
};
use crate::domain::CheckoutFormId;

/// REST calls for one seller account, failing with `E`: its token source's error type. Cheap
/// to clone.
pub struct AccountApi<E = AllegroError> {
    client: AllegroClient,
    tokens: Arc<dyn TokenSource<Error = E>>,
    gate: Arc<AccountGate>,
    key: String,
}

impl<E> Clone for AccountApi<E> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            tokens: Arc::clone(&self.tokens),
            gate: Arc::clone(&self.gate),
            key: self.key.clone(),
        }
    }
}

impl<E> fmt::Debug for AccountApi<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountApi")
            .field("account", &self.key)
            .finish_non_exhaustive()
    }
}

impl<E: From<AllegroError> + Send + 'static> AccountApi<E> {
    pub(crate) fn new(client: AllegroClient, tokens: Arc<dyn TokenSource<Error = E>>) -> Self {
        let key = tokens.account_key();
        let gate = client.inner.gate.account(&key);
        Self {
            client,
            tokens,
            gate,
            key,
        }
    }

    /// The account key given by the token source.
    pub fn account_key(&self) -> &str {
        &self.key
    }

    /// `GET /me`: who the token belongs to.
    pub async fn me(&self) -> Result<Me, E> {
        self.get("/me", "", &[]).await
    }

    /// `GET /order/checkout-forms`: one page of orders.
    pub async fn checkout_forms(&self, query: &CheckoutFormQuery) -> Result<CheckoutFormsPage, E> {
        self.get("/order/checkout-forms", "", &query.to_pairs())
            .await
    }

    /// `GET /order/checkout-forms/{id}`; [`AllegroError::NotFound`] for an unknown, too old or
    /// merged-away id.
    pub async fn checkout_form(&self, id: &CheckoutFormId) -> Result<CheckoutForm, E> {
        self.get("/order/checkout-forms/{id}", id.as_str(), &[])
            .await
    }

    /// [`Self::checkout_form`], with a form this version cannot read returned raw instead of
    /// failing the call (the backup quarantines it).
    pub async fn checkout_form_or_rejected(
        &self,
        id: &CheckoutFormId,
    ) -> Result<Result<CheckoutForm, RejectedForm>, E> {
        let raw: serde_json::Value = self
            .get("/order/checkout-forms/{id}", id.as_str(), &[])
            .await?;
        Ok(RejectedForm::parse(raw))
    }

    /// `GET /order/checkout-forms/{id}/shipments`: the order's tracking numbers (Allegro allows
    /// this endpoint 50 requests per second; pacing is the caller's job).
    pub async fn shipments(&self, id: &CheckoutFormId) -> Result<Vec<Shipment>, E> {
        let page: ShipmentsPage = self
            .get("/order/checkout-forms/{id}/shipments", id.as_str(), &[])
            .await?;
        Ok(page.shipments)
    }

    /// `GET /order/events`: events strictly after `query.from`, oldest first.
    pub async fn events(&self, query: &EventQuery) -> Result<Vec<OrderEvent>, E> {
        let page: EventsPage = self.get("/order/events", "", &query.to_pairs()).await?;
        Ok(page.events)
    }

    /// `GET /order/event-stats`: the newest event, where reading the journal "now" starts;
    /// `None` when the account has no events.
    pub async fn event_stats(&self) -> Result<Option<LatestEvent>, E> {
        let stats: EventStats = self.get("/order/event-stats", "", &[]).await?;
        Ok(stats.latest_event)
    }

    /// `GET` of `template` with `{id}` replaced by `id`, in the public media type.
    async fn get<T: DeserializeOwned>(
        &self,
        template: &str,
        id: &str,
        query: &[(&'static str, String)],
    ) -> Result<T, E> {
        self.get_as(template, id, query, ALLEGRO_MEDIA_TYPE).await
    }

    /// `GET` of `template` with `{id}` replaced by `id`, asking for the media type `accept`:
    /// the template labels the metrics, the actual path names the call in logs.
    pub(super) async fn get_as<T: DeserializeOwned>(
        &self,
        template: &str,
        id: &str,
        query: &[(&'static str, String)],
        accept: &'static str,
    ) -> Result<T, E> {
        Ok(self.exchange(template, id, query, accept).await??)
    }

    /// [`Self::get_as`] of a resource that may be gone: its 404
    /// ([`AllegroError::NotFound`]) is `None`, every other failure an error.
    pub(super) async fn get_found_as<T: DeserializeOwned>(
        &self,
        template: &str,
        id: &str,
        query: &[(&'static str, String)],
        accept: &'static str,
    ) -> Result<Option<T>, E> {
        match self.exchange(template, id, query, accept).await? {
            Err(AllegroError::NotFound) => Ok(None),
            answer => Ok(Some(answer?)),
        }
    }

    /// The call of [`Self::get_as`]: the pipeline's own failure (retries spent, the token
    /// source's error) outside, the final answer read as `T` or as the error it stands for
    /// inside.
    async fn exchange<T: DeserializeOwned>(
        &self,
        template: &str,
        id: &str,
        query: &[(&'static str, String)],
        accept: &'static str,
    ) -> Result<Result<T, AllegroError>, E> {
        let path: Vec<&str> = template
            .trim_start_matches('/')
            .split('/')
            .map(|segment| if segment == "{id}" { id } else { segment })
            .collect();
        let url = endpoint(&self.client.inner.api_base, &path);
        let what = format!("GET /{}", path.join("/"));
        let auth = Auth::Account {
            tokens: self.tokens.as_ref(),
            gate: &self.gate,
            key: &self.key,
            accept,
        };
        let reply = self
            .client
            .execute(auth, &what, template, |http| {
                http.get(url.clone()).query(query)
            })
            .await?;
        Ok(decode(reply, &self.key, &what))
    }
}

/// A final reply as `T`, or the error it stands for (logged with Allegro's trace id).
fn decode<T: DeserializeOwned>(reply: Reply, account: &str, what: &str) -> Result<T, AllegroError> {
    let status = reply.status.as_u16();
    let trace_id = reply.trace_id.as_str();
    if reply.status.is_success() {
        return serde_json::from_slice(&reply.body).map_err(|e| {
            tracing::warn!(account, call = what, trace_id, status, error = %e, "unreadable Allegro response");
            AllegroError::invalid_response(status, &reply.body)
        });
    }
    let error = match reply.status {
        StatusCode::NOT_FOUND => AllegroError::NotFound,
        StatusCode::UNAUTHORIZED => AllegroError::Unauthorized,
        _ => match error_details(&reply.body) {
            Some((code, message)) => AllegroError::Client {
                status,
                code,
                message,
            },
            None => AllegroError::Client {
                status,
                code: None,
                message: snippet(&reply.body),
            },
        },
    };
    if error.is_routine() {
        tracing::debug!(account, call = what, trace_id, status, error = %error, "Allegro API call answered no");
    } else {
        tracing::warn!(account, call = what, trace_id, status, error = %error, "Allegro API call failed");
    }
    Err(error)
}

impl AllegroClient {
    /// API calls on behalf of the seller account whose tokens `tokens` supplies; they fail
    /// with the source's error type.
    pub fn account<S: TokenSource + 'static>(&self, tokens: Arc<S>) -> AccountApi<S::Error> {
        AccountApi::new(self.clone(), tokens)
    }
}
