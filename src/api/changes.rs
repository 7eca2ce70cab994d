//! `GET /api/v1/changes`: the changes feed. Every stored change of an order the token's user
//! may see, numbered in the order the changes were committed (`db::models::order_change`), so
//! a consumer that stores `next_after` and asks again never misses a change and never sees
//! one twice.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    caller::ApiCaller,
    json::iso,
    params::{limit, pairs, unknown_parameter},
    problem::ApiError,
};
use crate::{
    db::{
        self,
        models::order_change::{self, Change},
    },
    state::AppState,
};

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// One change of an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeJson {
    /// The change's number in the feed (increasing, without gaps in what one reader sees
    /// across accounts it may see).
    pub seq: String,
    /// `order.created`, `order.updated`, `order.gone` (Allegro no longer lists the order;
    /// the backup keeps it) or `order.documents_changed` (one of the order's returns, refunds,
    /// commission refund claims, fees, wallet operations or invoices was stored anew or
    /// changed: read them at `/api/v1/orders/{id}/money`).
    #[serde(rename = "type")]
    #[schema(example = "order.updated")]
    pub kind: &'static str,
    pub changed_at: String,
    /// The checkout form id.
    pub order_id: String,
    pub account_id: String,
    /// The revision stored by this change (`order.created` and `order.updated`).
    pub revision: Option<String>,
    /// Which of the order's documents changed (`order.documents_changed`): `returns`,
    /// `refunds`, `refund-claims`, `billing-entries`, `payment-operations` or `invoices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "billing-entries")]
    pub resource: Option<String>,
}

impl From<Change> for ChangeJson {
    fn from(change: Change) -> Self {
        ChangeJson {
            seq: change.seq.to_string(),
            kind: change.kind.as_str(),
            changed_at: iso(change.changed_at),
            order_id: change.checkout_form_id.0,
            account_id: change.account_id.to_string(),
            revision: change.revision,
            resource: change.resource,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesJson {
    /// Oldest first.
    pub items: Vec<ChangeJson>,
    /// Pass as `after` next time (also when `items` is empty: it may move past changes of
    /// accounts this token does not see).
    pub next_after: String,
}

/// `after` and `limit`, nothing else.
fn parse(query: &str) -> Result<(i64, i64), ApiError> {
    let (mut after, mut limit_text) = (0, None);
    for (name, value) in pairs(query)? {
        match name.as_str() {
            "after" => {
                after = value
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "after",
                            "after must be a change number (0 or the `next_after` you were given).",
                        )
                    })?
            }
            "limit" => limit_text = Some(value),
            _ => return Err(unknown_parameter(&name)),
        }
    }
    Ok((
        after,
        limit(limit_text.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?,
    ))
}

/// `GET /api/v1/changes`
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    tag = "changes",
    summary = "Changes feed",
    description = "Every stored change of the orders the token's user may see, after the \
        change number `after`. Store `next_after` and ask again: no change is missed or seen \
        twice, also while several syncs commit at once. Changes are kept for \
        CHANGES_RETENTION_DAYS (default 90); an older `after` is answered 410: list the orders \
        again, then continue from the problem's `oldest_after`.",
    params(
        ("after" = Option<String>, Query, description = "The `next_after` of the previous answer (default 0: from the oldest change kept)"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "Changes per page, 1 to 1000 (default 100)"),
    ),
    responses(
        (status = 200, description = "A page of changes", body = ChangesJson),
        (status = 400, response = super::openapi::Problem),
        (status = 410, response = super::openapi::Problem),
    )
)]
pub async fn changes_list(
    caller: ApiCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = parse(req.query_string())?;
    let scope = caller.viewer.scope;
    let page = db::run(&state.pool, move |conn| {
        order_change::page_after(conn, &scope, after, limit).map_err(ApiError::from)
    })
    .await?
    .map_err(|gone| ApiError::CursorGone {
        oldest_after: gone.oldest_after,
    })?;
    Ok(HttpResponse::Ok().json(ChangesJson {
        next_after: page.next_after.to_string(),
        items: page.changes.into_iter().map(ChangeJson::from).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_and_limit_are_checked_by_name() {
        assert_eq!(parse("").unwrap(), (0, DEFAULT_LIMIT));
        assert_eq!(parse("after=17&limit=1000").unwrap(), (17, 1000));
        for (query, named) in [
            ("after=-1", "after"),
            ("after=x", "after"),
            ("limit=1001", "limit"),
            ("since=3", "since"),
        ] {
            let err = parse(query).unwrap_err();
            assert!(
                matches!(err, ApiError::BadRequest { parameter: Some(ref p), .. } if p == named),
                "{query}: {err:?}"
            );
        }
    }
}
