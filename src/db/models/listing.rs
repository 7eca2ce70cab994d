//! Where each time-windowed listing of an account stands (`windowed_listings`: the refunds, the
//! fees of each marketplace, the wallets, and the claims as one window): how far back the first
//! pass reaches and whether it completed, the high-water mark (`listed_through`: everything up to
//! it has been listed), and the listing in progress: the times it covers, the current window's end
//! and how far into that window the offset has come. Each move is written in the transaction that
//! stored the page.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::{db::schema::windowed_listings, domain::AccountId};

/// Which listing of an account: the key of its row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListingKey {
    /// Payment refunds.
    Refunds,
    /// The billing entries of one marketplace.
    Billing { marketplace: String },
    /// The payment operations of one wallet type (`AVAILABLE`, `WAITING`).
    PaymentOperations { wallet: &'static str },
    /// Commission refund claims: the whole list, one window (no time filter), by offset.
    RefundClaims,
}

impl ListingKey {
    /// The stored key (`windowed_listings.listing`).
    pub fn stored(&self) -> String {
        match self {
            Self::Refunds => "refunds".to_owned(),
            Self::Billing { marketplace } => format!("billing:{marketplace}"),
            Self::PaymentOperations { wallet } => format!("payment_operations:{wallet}"),
            Self::RefundClaims => "refund_claims".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = windowed_listings, check_for_backend(diesel::pg::Pg))]
pub struct ListingState {
    pub account_id: AccountId,
    /// `ListingKey::stored`.
    pub listing: String,
    /// The time the first pass reaches back to.
    pub first_pass_from: Option<DateTime<Utc>>,
    pub first_pass_completed_at: Option<DateTime<Utc>>,
    /// Everything up to this time has been listed.
    pub listed_through: Option<DateTime<Utc>>,
    pub listing_from: Option<DateTime<Utc>>,
    pub listing_to: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    pub window_offset: i32,
    pub updated_at: DateTime<Utc>,
}

/// A listing in progress: what happened in `[from, to]` is still to be listed; the current
/// window ends at `window_end` (when chosen) and `offset` of its entries are stored.
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

impl ListingState {
    /// The account's state, created empty on first use.
    pub fn get_or_create(
        conn: &mut PgConnection,
        account_id: AccountId,
        key: &ListingKey,
    ) -> QueryResult<Self> {
        diesel::insert_into(windowed_listings::table)
            .values((
                windowed_listings::account_id.eq(account_id),
                windowed_listings::listing.eq(key.stored()),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        windowed_listings::table
            .find((account_id, key.stored()))
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
        key: &ListingKey,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> QueryResult<Listing> {
        conn.transaction(|conn| {
            let row = || windowed_listings::table.find((account_id, key.stored()));
            diesel::update(row().filter(windowed_listings::first_pass_from.is_null()))
                .set(windowed_listings::first_pass_from.eq(from))
                .execute(conn)?;
            diesel::update(row().filter(windowed_listings::listing_from.is_null()))
                .set((
                    windowed_listings::listing_from.eq(from),
                    windowed_listings::listing_to.eq(to),
                    windowed_listings::window_end.eq(None::<DateTime<Utc>>),
                    windowed_listings::window_offset.eq(0),
                    windowed_listings::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
            let state = Self::get_or_create(conn, account_id, key)?;
            state.listing().ok_or(diesel::result::Error::NotFound)
        })
    }

    /// Moves the listing by `step` (after a page of it was stored); the listing that remains,
    /// or `None` when it is complete (then `listed_through` is its end and the first pass, if
    /// it was that, complete).
    pub fn advance(
        conn: &mut PgConnection,
        account_id: AccountId,
        key: &ListingKey,
        step: WindowStep,
    ) -> QueryResult<Option<Listing>> {
        let row = || windowed_listings::table.find((account_id, key.stored()));
        match step {
            WindowStep::Within { end, offset } => {
                diesel::update(row())
                    .set((
                        windowed_listings::window_end.eq(end),
                        windowed_listings::window_offset
                            .eq(i32::try_from(offset).unwrap_or(i32::MAX)),
                        windowed_listings::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?;
            }
            WindowStep::Done { end } => {
                // Times are kept to the millisecond: the next window starts just after.
                diesel::update(row())
                    .set((
                        windowed_listings::listing_from.eq(end + Duration::milliseconds(1)),
                        windowed_listings::window_end.eq(None::<DateTime<Utc>>),
                        windowed_listings::window_offset.eq(0),
                        windowed_listings::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?;
            }
        }
        let state = Self::get_or_create(conn, account_id, key)?;
        match state.listing() {
            Some(listing) if listing.from > listing.to => {
                diesel::update(row())
                    .set((
                        windowed_listings::listed_through.eq(listing.to),
                        windowed_listings::listing_from.eq(None::<DateTime<Utc>>),
                        windowed_listings::listing_to.eq(None::<DateTime<Utc>>),
                    ))
                    .execute(conn)?;
                diesel::update(row().filter(windowed_listings::first_pass_completed_at.is_null()))
                    .set(windowed_listings::first_pass_completed_at.eq(diesel::dsl::now))
                    .execute(conn)?;
                Ok(None)
            }
            other => Ok(other),
        }
    }
}
