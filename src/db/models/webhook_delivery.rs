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
    sql_types::{BigInt, Integer, Interval, Nullable, Text, Timestamptz},
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
            "SELECT c.seq, c.changed_at, c.kind, c.account_id, c.revision, o.checkout_form_id,
                    a.login
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

/// A delivery the worker holds: what to send, where, and the endpoint's sealed secret.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: DeliveryId,
    #[diesel(sql_type = BigInt)]
    pub endpoint_id: WebhookId,
    #[diesel(sql_type = Text)]
    pub message_id: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    /// When it was queued (retries stop some time after it).
    #[diesel(sql_type = Timestamptz)]
    pub queued_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub secret_encrypted: String,
}

/// Leases up to `limit` due deliveries for `lease`: pending, due, of an enabled endpoint, and
/// the oldest pending one of their order at that endpoint (a later one waits for it). Rows
/// another worker is claiming are skipped (`SKIP LOCKED`), and a leased row is not due until
/// its lease ends, so no two workers send one delivery at the same time; a worker that dies
/// leaves it to be sent again when the lease ends (at least once).
pub fn claim_due(
    conn: &mut PgConnection,
    limit: i64,
    lease: std::time::Duration,
) -> QueryResult<Vec<Claimed>> {
    sql_query(
        "WITH due AS (
             SELECT d.id FROM webhook_deliveries d
             JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.disabled_at IS NULL
             WHERE d.status = 'pending' AND d.next_attempt_at <= now()
               AND (d.order_key IS NULL OR NOT EXISTS (
                   SELECT 1 FROM webhook_deliveries p
                   WHERE p.endpoint_id = d.endpoint_id AND p.order_key = d.order_key
                     AND p.status = 'pending' AND p.id < d.id))
             ORDER BY d.next_attempt_at, d.id
             LIMIT $1
             FOR UPDATE OF d SKIP LOCKED),
         leased AS (
             UPDATE webhook_deliveries d
             SET next_attempt_at = now() + $2, attempts = d.attempts + 1,
                 last_attempt_at = now()
             FROM due WHERE d.id = due.id
             RETURNING d.id, d.endpoint_id, d.message_id, d.body, d.attempts, d.queued_at)
         SELECT l.*, e.url, e.secret_encrypted
         FROM leased l JOIN webhook_endpoints e ON e.id = l.endpoint_id
         ORDER BY l.id",
    )
    .bind::<BigInt, _>(limit)
    .bind::<Interval, _>(interval(lease))
    .load(conn)
}

fn interval(d: std::time::Duration) -> diesel::pg::data_types::PgInterval {
    diesel::pg::data_types::PgInterval::from_microseconds(
        i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
    )
}

/// How one attempt ended and what comes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<u16>,
    pub duration_ms: u32,
    /// Why it failed (an error, or the status), in English; `None` when delivered.
    pub error: Option<String>,
    pub next: Next,
}

/// What becomes of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    RetryAt(DateTime<Utc>),
    /// Retried for long enough: it is not sent again (unless resent by hand).
    GiveUp,
}

/// Writes how an attempt of delivery `id` went.
pub fn record_attempt(conn: &mut PgConnection, id: DeliveryId, a: &Attempt) -> QueryResult<()> {
    let (status, next_at, delivered_at) = match a.next {
        Next::Delivered => ("delivered", None, Some(Utc::now())),
        Next::RetryAt(at) => ("pending", Some(at), None),
        Next::GiveUp => ("failed", None, None),
    };
    let target = webhook_deliveries::table.find(id);
    diesel::update(target)
        .set((
            webhook_deliveries::status.eq(status),
            webhook_deliveries::last_status_code.eq(a.status_code.map(i32::from)),
            webhook_deliveries::last_duration_ms
                .eq(i32::try_from(a.duration_ms).unwrap_or(i32::MAX)),
            webhook_deliveries::last_error.eq(a.error.as_deref()),
            webhook_deliveries::delivered_at.eq(delivered_at),
        ))
        .execute(conn)?;
    if let Some(at) = next_at {
        diesel::update(target)
            .set(webhook_deliveries::next_attempt_at.eq(at))
            .execute(conn)?;
    }
    Ok(())
}

/// The newest `limit` deliveries of an endpoint.
pub fn recent(
    conn: &mut PgConnection,
    endpoint: WebhookId,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
}

/// Sends delivery `id` of `endpoint` again as soon as possible (same message id and body);
/// false when there is no such delivery.
pub fn resend(conn: &mut PgConnection, endpoint: WebhookId, id: DeliveryId) -> QueryResult<bool> {
    diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::endpoint_id.eq(endpoint)),
    )
    .set((
        webhook_deliveries::status.eq("pending"),
        webhook_deliveries::queued_at.eq(diesel::dsl::now),
        webhook_deliveries::next_attempt_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .map(|n| n > 0)
}
