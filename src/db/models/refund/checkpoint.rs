//! Where the refunds pass of an account stands (`payment_refund_sync`): how far back the first
//! pass reaches and whether it completed, the high-water mark (`listed_through`: every refund
//! created up to it has been listed), and the listing in progress: the creation times it
//! covers, the current window's end and how far into that window the offset has come. Each
//! move is written in the transaction that stored the page.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::{db::schema::payment_refund_sync, domain::AccountId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_refund_sync, check_for_backend(diesel::pg::Pg))]
pub struct RefundSyncState {
    pub account_id: AccountId,
    /// The creation time the first pass reaches back to.
    pub first_pass_from: Option<DateTime<Utc>>,
    pub first_pass_completed_at: Option<DateTime<Utc>>,
    /// Every refund created up to this time has been listed.
    pub listed_through: Option<DateTime<Utc>>,
    pub listing_from: Option<DateTime<Utc>>,
    pub listing_to: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    pub window_offset: i32,
    pub updated_at: DateTime<Utc>,
}

/// A listing in progress: refunds created in `[from, to]` are still to be listed; the current
/// window ends at `window_end` (when chosen) and `offset` of its refunds are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub window_end: Option<DateTime<Utc>>,
    pub offset: u32,
}

/// Where a stored page leaves its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowStep {
    /// More of the window `..=end` follows from `offset`.
    Within { end: DateTime<Utc>, offset: u32 },
    /// The window `..=end` is complete: the listing goes on after it (or ends).
    Done { end: DateTime<Utc> },
}

impl RefundSyncState {
    /// The account's state, created empty on first use.
    pub fn get_or_create(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<Self> {
        diesel::insert_into(payment_refund_sync::table)
            .values(payment_refund_sync::account_id.eq(account_id))
            .on_conflict_do_nothing()
            .execute(conn)?;
        payment_refund_sync::table
            .find(account_id)
            .select(Self::as_select())
            .first(conn)
    }

    /// The listing in progress, if any.
    pub fn listing(&self) -> Option<Listing> {
        Some(Listing {
            from: self.listing_from?,
            to: self.listing_to?,
            window_end: self.window_end,
            offset: u32::try_from(self.window_offset).unwrap_or(0),
        })
    }

    /// Starts listing `[from, to]` unless a listing is in progress (a resumed run goes on
    /// with it); the first listing also fixes how far back the first pass reaches. Returns
    /// the listing to follow.
    pub fn begin_listing(
        conn: &mut PgConnection,
        account_id: AccountId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> QueryResult<Listing> {
        conn.transaction(|conn| {
            let row = || payment_refund_sync::table.find(account_id);
            diesel::update(row().filter(payment_refund_sync::first_pass_from.is_null()))
                .set(payment_refund_sync::first_pass_from.eq(from))
                .execute(conn)?;
            diesel::update(row().filter(payment_refund_sync::listing_from.is_null()))
                .set((
                    payment_refund_sync::listing_from.eq(from),
                    payment_refund_sync::listing_to.eq(to),
                    payment_refund_sync::window_end.eq(None::<DateTime<Utc>>),
                    payment_refund_sync::window_offset.eq(0),
                    payment_refund_sync::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
            let state = Self::get_or_create(conn, account_id)?;
            state.listing().ok_or(diesel::result::Error::NotFound)
        })
    }

    /// Moves the listing by `step` (after a page of it was stored); the listing that remains,
    /// or `None` when it is complete (then `listed_through` is its end and the first pass, if
    /// it was that, complete).
    pub fn advance(
        conn: &mut PgConnection,
        account_id: AccountId,
        step: WindowStep,
    ) -> QueryResult<Option<Listing>> {
        let row = || payment_refund_sync::table.find(account_id);
        match step {
            WindowStep::Within { end, offset } => {
                diesel::update(row())
                    .set((
                        payment_refund_sync::window_end.eq(end),
                        payment_refund_sync::window_offset
                            .eq(i32::try_from(offset).unwrap_or(i32::MAX)),
                        payment_refund_sync::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?;
            }
            WindowStep::Done { end } => {
                // Creation times are kept to the millisecond: the next window starts just after.
                diesel::update(row())
                    .set((
                        payment_refund_sync::listing_from.eq(end + Duration::milliseconds(1)),
                        payment_refund_sync::window_end.eq(None::<DateTime<Utc>>),
                        payment_refund_sync::window_offset.eq(0),
                        payment_refund_sync::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?;
            }
        }
        let state = Self::get_or_create(conn, account_id)?;
        match state.listing() {
            Some(listing) if listing.from > listing.to => {
                diesel::update(row())
                    .set((
                        payment_refund_sync::listed_through.eq(listing.to),
                        payment_refund_sync::listing_from.eq(None::<DateTime<Utc>>),
                        payment_refund_sync::listing_to.eq(None::<DateTime<Utc>>),
                    ))
                    .execute(conn)?;
                diesel::update(
                    row().filter(payment_refund_sync::first_pass_completed_at.is_null()),
                )
                .set(payment_refund_sync::first_pass_completed_at.eq(diesel::dsl::now))
                .execute(conn)?;
                Ok(None)
            }
            other => Ok(other),
        }
    }
}
