//! Saved views: a named filter set of the orders list, private to its owner or shared with
//! everyone (admins share).

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::saved_views;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saved_views, check_for_backend(diesel::pg::Pg))]
pub struct SavedView {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    /// The list's query string without cursor.
    pub query: String,
    pub shared: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = saved_views)]
pub struct NewSavedView<'a> {
    pub owner_id: i64,
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
    /// The user's own views and the shared ones, by name.
    pub fn visible_to(conn: &mut PgConnection, user_id: i64) -> QueryResult<Vec<SavedView>> {
        saved_views::table
            .filter(
                saved_views::owner_id
                    .eq(user_id)
                    .or(saved_views::shared.eq(true)),
            )
            .order((saved_views::name.asc(), saved_views::id.asc()))
            .limit(200)
            .select(SavedView::as_select())
            .load(conn)
    }

    /// The view when `user_id` may see it (own or shared).
    pub fn find_visible(
        conn: &mut PgConnection,
        id: i64,
        user_id: i64,
    ) -> QueryResult<Option<SavedView>> {
        saved_views::table
            .find(id)
            .filter(
                saved_views::owner_id
                    .eq(user_id)
                    .or(saved_views::shared.eq(true)),
            )
            .select(SavedView::as_select())
            .first(conn)
            .optional()
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
