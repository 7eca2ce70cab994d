//! The sending side of the outbox: claiming due deliveries, recording attempts, the
//! deliveries page's reads and actions, retention.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{BigInt, Integer, Interval, Text, Timestamptz},
};

use super::DeliveryRow;
use crate::{
    db::schema::webhook_deliveries,
    domain::{DeliveryId, WebhookId},
};

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
/// the oldest pending one of their order at that endpoint (a later one waits for it), the
/// longest-waiting first. Each enabled endpoint's due rows are read in order from its part of
/// the due index (a disabled endpoint's backlog is not read at all). Rows another worker is
/// claiming are skipped (`SKIP LOCKED`), and a leased row is not due until its lease ends, so
/// no two workers send one delivery at the same time; a worker that dies leaves it to be sent
/// again when the lease ends (at least once).
pub fn claim_due(
    conn: &mut PgConnection,
    limit: i64,
    lease: std::time::Duration,
) -> QueryResult<Vec<Claimed>> {
    sql_query(
        "WITH due AS (
             SELECT d.id, d.next_attempt_at FROM webhook_endpoints e
             CROSS JOIN LATERAL (
                 SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
                 WHERE d.endpoint_id = e.id AND d.status = 'pending'
                   AND d.next_attempt_at <= now()
                   AND (d.order_key IS NULL OR NOT EXISTS (
                       SELECT 1 FROM webhook_deliveries p
                       WHERE p.endpoint_id = d.endpoint_id AND p.order_key = d.order_key
                         AND p.status = 'pending' AND p.id < d.id))
                 ORDER BY d.next_attempt_at, d.id
                 LIMIT $1
                 FOR UPDATE OF d SKIP LOCKED) d
             WHERE e.disabled_at IS NULL
             ORDER BY d.next_attempt_at, d.id
             LIMIT $1),
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

/// Deletes the delivered and given-up deliveries queued before `before`; returns how many.
pub fn prune_finished(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::status.ne("pending"))
            .filter(webhook_deliveries::queued_at.lt(before)),
    )
    .execute(conn)
}

/// Whether any delivery is still pending (read from the due index, not the table).
pub fn any_pending(conn: &mut PgConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        webhook_deliveries::table.filter(webhook_deliveries::status.eq("pending")),
    ))
    .get_result(conn)
}

/// How many deliveries were delivered, over every endpoint.
pub fn delivered_count(conn: &mut PgConnection) -> QueryResult<i64> {
    webhook_deliveries::table
        .filter(webhook_deliveries::status.eq("delivered"))
        .count()
        .get_result(conn)
}
