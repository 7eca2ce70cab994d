//! Saved views: a named filter set of the orders list, private to its owner or shared with
//! everyone (admins share).

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::{models::account::AccountRow, schema::saved_views},
    domain::UserId,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saved_views, check_for_backend(diesel::pg::Pg))]
pub struct SavedView {
    pub id: i64,
    pub owner_id: UserId,
    pub name: String,
    /// The list's query string without cursor.
    pub query: String,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = saved_views)]
pub struct NewSavedView<'a> {
    pub owner_id: UserId,
    pub name: &'a str,
    pub query: &'a str,
    pub shared: bool,
}

/// Why a view could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveViewError {
    #[error("You already have a view named “{0}”.")]
    NameTaken(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl SavedView {
    /// The user's own views and the shared ones, by name; a shared view filtering on an
    /// account outside `accounts` (the ones the user may see) is left out: its name and query
    /// would tell of that account.
    pub fn visible_to(
        conn: &mut PgConnection,
        user_id: UserId,
        accounts: &[AccountRow],
    ) -> QueryResult<Vec<SavedView>> {
        let views: Vec<SavedView> = saved_views::table
            .filter(
                saved_views::owner_id
                    .eq(user_id)
                    .or(saved_views::shared.eq(true)),
            )
            .order((saved_views::name.asc(), saved_views::id.asc()))
            .limit(200)
            .select(SavedView::as_select())
            .load(conn)?;
        Ok(views
            .into_iter()
            .filter(|v| v.owner_id == user_id || v.accounts_within(accounts))
            .collect())
    }

    /// Whether every `account` the view filters on (an id or a login) is one of `accounts`.
    fn accounts_within(&self, accounts: &[AccountRow]) -> bool {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&self.query)
            .unwrap_or_default()
            .iter()
            .filter(|(key, value)| key == "account" && !value.trim().is_empty())
            .all(|(_, value)| {
                let value = value.trim();
                accounts
                    .iter()
                    .any(|a| a.login == value || a.id.to_string() == value)
            })
    }

    /// The view when `user_id` may see it (own, or shared within `accounts`, as in
    /// [`SavedView::visible_to`]).
    pub fn find_visible(
        conn: &mut PgConnection,
        id: i64,
        user_id: UserId,
        accounts: &[AccountRow],
    ) -> QueryResult<Option<SavedView>> {
        let view: Option<SavedView> = saved_views::table
            .find(id)
            .filter(
                saved_views::owner_id
                    .eq(user_id)
                    .or(saved_views::shared.eq(true)),
            )
            .select(SavedView::as_select())
            .first(conn)
            .optional()?;
        Ok(view.filter(|v| v.owner_id == user_id || v.accounts_within(accounts)))
    }

    pub fn insert(
        conn: &mut PgConnection,
        new: &NewSavedView<'_>,
    ) -> Result<SavedView, SaveViewError> {
        diesel::insert_into(saved_views::table)
            .values(new)
            .returning(SavedView::as_returning())
            .get_result(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => SaveViewError::NameTaken(new.name.to_string()),
                other => SaveViewError::Db(other),
            })
    }

    pub fn delete(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
        diesel::delete(saved_views::table.find(id)).execute(conn)
    }
}
