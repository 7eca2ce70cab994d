//! `webhook_deliveries`: the outbox of webhooks. A row is one message to one endpoint; it is
//! written in the transaction of what it reports ([`fan_out_changes`] for order changes, which
//! moves the endpoint's `last_seq` in the same transaction; [`enqueue_account_event`] inside the
//! transaction that records a failed run or an account's lost authorisation), then sent by the
//! worker ([`claim_due`] leases due rows with `FOR UPDATE SKIP LOCKED`, [`record_attempt`]
//! writes how it went).

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{BigInt, Nullable, Text, Timestamptz},
};

mod send;

pub use send::{
    Attempt, Claimed, Next, any_pending, claim_due, delivered_count, prune_finished, recent,
    record_attempt, resend,
};

use super::webhook::WebhookRow;
use crate::{
    db::schema::{allegro_accounts, webhook_deliveries, webhook_endpoints},
    domain::{
        AccountId, DeliveryId, RunId, WebhookId,
        webhook::{AccountEventData, OrderEventData, WebhookEvent, WebhookPayload, new_message_id},
    },
};

/// A row of `webhook_deliveries`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg))]
pub struct DeliveryRow {
    pub id: DeliveryId,
    pub endpoint_id: WebhookId,
    pub message_id: String,
    pub event_type: String,
    pub order_key: Option<String>,
    pub body: String,
    pub status: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub queued_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_duration_ms: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_deliveries)]
struct NewDelivery {
    endpoint_id: WebhookId,
    message_id: String,
    event_type: &'static str,
    order_key: Option<String>,
    body: String,
}

impl NewDelivery {
    fn new<D: serde::Serialize>(
        endpoint_id: WebhookId,
        event: WebhookEvent,
        at: DateTime<Utc>,
        order_key: Option<String>,
        data: D,
    ) -> Self {
        let message_id = new_message_id();
        let body = WebhookPayload::new(&message_id, event, at, data).to_body();
        Self {
            endpoint_id,
            event_type: event.as_str(),
            order_key,
            body,
            message_id,
        }
    }
}

#[derive(QueryableByName)]
struct ChangeRow {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Timestamptz)]
    changed_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    account_id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    revision: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    resource: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    checkout_form_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    login: Option<String>,
}

/// Endpoints whose `last_seq` is behind the changes feed's head.
pub fn endpoints_behind(conn: &mut PgConnection) -> QueryResult<Vec<WebhookId>> {
    use crate::db::schema::order_change_head;
    let head: i64 = order_change_head::table
        .select(order_change_head::last_seq)
        .first(conn)?;
    webhook_endpoints::table
        .filter(webhook_endpoints::last_seq.lt(head))
        .select(webhook_endpoints::id)
        .order(webhook_endpoints::id)
        .load(conn)
}

/// What one [`fan_out_changes`] did: changes read, deliveries queued from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FanOut {
    pub read: usize,
    pub queued: usize,
}

/// Turns up to `limit` order changes after endpoint `id`'s `last_seq` into its deliveries (the
/// ones it subscribes to, of the accounts it takes) and moves `last_seq` past them, in one
/// transaction holding the endpoint's row: each change becomes one delivery, whoever runs this
/// and whenever it stops. Another process already doing it for the endpoint: nothing read.
/// Changes commit in number order (see `order_change`), so whatever is visible has no holes.
pub fn fan_out_changes(conn: &mut PgConnection, id: WebhookId, limit: i64) -> QueryResult<FanOut> {
    conn.transaction(|conn| {
        let Some(endpoint) = webhook_endpoints::table
            .find(id)
            .select(WebhookRow::as_select())
            .for_update()
            .skip_locked()
            .first(conn)
            .optional()?
        else {
            return Ok(FanOut::default());
        };
        let changes: Vec<ChangeRow> = sql_query(
            "SELECT c.seq, c.changed_at, c.kind, c.account_id, c.revision, c.resource,
                    o.checkout_form_id, a.login
             FROM order_changes c
             LEFT JOIN orders o ON o.id = c.order_id
             LEFT JOIN allegro_accounts a ON a.id = c.account_id
             WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
        )
        .bind::<BigInt, _>(endpoint.last_seq)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
        let Some(last) = changes.last().map(|c| c.seq) else {
            return Ok(FanOut::default());
        };
        let rows: Vec<NewDelivery> = changes
            .iter()
            .filter(|c| endpoint.wants(&c.kind, Some(AccountId(c.account_id))))
            .filter_map(|c| order_delivery(id, c))
            .collect();
        diesel::insert_into(webhook_deliveries::table)
            .values(&rows)
            .execute(conn)?;
        diesel::update(webhook_endpoints::table.find(id))
            .set(webhook_endpoints::last_seq.eq(last))
            .execute(conn)?;
        Ok(FanOut {
            read: changes.len(),
            queued: rows.len(),
        })
    })
}

/// A change's delivery; none when its order or account is gone (deleted since).
fn order_delivery(endpoint: WebhookId, c: &ChangeRow) -> Option<NewDelivery> {
    let event = c.kind.parse::<WebhookEvent>().ok()?;
    let (order_id, login) = (c.checkout_form_id.as_deref()?, c.login.as_deref()?);
    let data = OrderEventData {
        order_id,
        account_id: c.account_id.to_string(),
        account_login: login,
        revision: c.revision.as_deref(),
        resource: c.resource.as_deref(),
        seq: c.seq,
    };
    Some(NewDelivery::new(
        endpoint,
        event,
        c.changed_at,
        Some(format!("{}:{order_id}", c.account_id)),
        data,
    ))
}

/// Records `event` (`sync.failed`, `account.needs_reauth`) of `account` as a delivery to every
/// endpoint that takes it. Call it inside the transaction that stores what it reports.
pub fn enqueue_account_event(
    conn: &mut PgConnection,
    event: WebhookEvent,
    account: AccountId,
    run: Option<RunId>,
    reason: &str,
) -> QueryResult<usize> {
    let endpoints: Vec<WebhookId> = WebhookRow::all(conn)?
        .into_iter()
        .filter(|e| e.wants(event.as_str(), Some(account)))
        .map(|e| e.id)
        .collect();
    if endpoints.is_empty() {
        return Ok(0);
    }
    let login: String = allegro_accounts::table
        .find(account)
        .select(allegro_accounts::login)
        .first(conn)?;
    let now = Utc::now();
    let rows: Vec<NewDelivery> = endpoints
        .into_iter()
        .map(|endpoint| {
            let data = AccountEventData {
                account_id: account.to_string(),
                account_login: &login,
                run_id: run.map(|r| r.to_string()),
                reason,
            };
            NewDelivery::new(endpoint, event, now, None, data)
        })
        .collect();
    diesel::insert_into(webhook_deliveries::table)
        .values(&rows)
        .execute(conn)
}

/// Queues `sync.failed` for a run that ended with `status` failed (nothing otherwise).
pub fn on_run_finished(
    conn: &mut PgConnection,
    run: RunId,
    account: AccountId,
    status: &str,
    error: Option<&str>,
) -> QueryResult<()> {
    if status == "failed" {
        let reason = error.unwrap_or("the sync failed");
        enqueue_account_event(conn, WebhookEvent::SyncFailed, account, Some(run), reason)?;
    }
    Ok(())
}

/// Queues a `webhook.test` delivery to `endpoint`.
pub fn enqueue_test(conn: &mut PgConnection, endpoint: WebhookId) -> QueryResult<DeliveryId> {
    let data = serde_json::json!({ "message": "A test event from allegro-backup." });
    diesel::insert_into(webhook_deliveries::table)
        .values(NewDelivery::new(
            endpoint,
            WebhookEvent::Test,
            Utc::now(),
            None,
            data,
        ))
        .returning(webhook_deliveries::id)
        .get_result(conn)
}
