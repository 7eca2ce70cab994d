//! Internal team notes (`order_notes`) and tags (`order_tags`) on an order: kept in our
//! tables only, never sent to Allegro.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::audit::{Actor, AuditAction, AuditEntry};
use crate::{
    db::schema::{order_notes, order_tags, users},
    domain::{CheckoutFormId, UserId},
};

/// The longest note body, in characters (the table checks it too).
pub const NOTE_MAX_CHARS: usize = 5000;
/// The longest tag, in characters (the table checks it too).
pub const TAG_MAX_CHARS: usize = 40;

/// A note with its author's display name (`None`: the author was deleted).
#[derive(Debug, Clone, Queryable)]
pub struct NoteRow {
    pub id: i64,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub author: Option<String>,
}

/// A tag with the display name of who added it.
#[derive(Debug, Clone, Queryable)]
pub struct TagRow {
    pub tag: String,
    pub created_at: DateTime<Utc>,
    pub author: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = order_notes)]
pub struct NewNote<'a> {
    pub order_id: i64,
    pub author_id: Option<UserId>,
    pub body: &'a str,
}

/// A note body as typed: 1–5000 characters after trimming surrounding blank lines and spaces.
pub fn parse_note(body: &str) -> Result<&str, String> {
    let body = body.trim();
    match body.chars().count() {
        0 => Err("Write something in the note.".into()),
        n if n > NOTE_MAX_CHARS => Err(format!(
            "A note holds at most {NOTE_MAX_CHARS} characters; this one has {n}."
        )),
        _ => Ok(body),
    }
}

/// A tag as typed, normalised: trimmed, lower case, inner whitespace collapsed to one space, so
/// "Urgent " and "urgent" are one tag; 1–40 characters, no control characters.
pub fn parse_tag(tag: &str) -> Result<String, String> {
    let tag = tag
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    match tag.chars().count() {
        0 => Err("Type a tag.".into()),
        n if n > TAG_MAX_CHARS => Err(format!(
            "A tag holds at most {TAG_MAX_CHARS} characters; this one has {n}."
        )),
        _ if tag.chars().any(char::is_control) => {
            Err("A tag cannot hold control characters.".into())
        }
        _ => Ok(tag),
    }
}

/// Notes of an order, oldest first.
pub fn notes(conn: &mut PgConnection, order_id: i64) -> QueryResult<Vec<NoteRow>> {
    order_notes::table
        .left_join(users::table)
        .filter(order_notes::order_id.eq(order_id))
        .order((order_notes::created_at.asc(), order_notes::id.asc()))
        .select((
            order_notes::id,
            order_notes::body,
            order_notes::created_at,
            users::display_name.nullable(),
        ))
        .load(conn)
}

/// Tags of an order, alphabetically.
pub fn tags(conn: &mut PgConnection, order_id: i64) -> QueryResult<Vec<TagRow>> {
    order_tags::table
        .left_join(users::table)
        .filter(order_tags::order_id.eq(order_id))
        .order(order_tags::tag.asc())
        .select((
            order_tags::tag,
            order_tags::created_at,
            users::display_name.nullable(),
        ))
        .load(conn)
}

/// Adds a note; returns its id.
pub fn add_note(conn: &mut PgConnection, note: &NewNote<'_>) -> QueryResult<i64> {
    diesel::insert_into(order_notes::table)
        .values(note)
        .returning(order_notes::id)
        .get_result(conn)
}

/// Adds a tag; false when the order already had it.
pub fn add_tag(
    conn: &mut PgConnection,
    order_id: i64,
    tag: &str,
    by_user: Option<UserId>,
) -> QueryResult<bool> {
    diesel::insert_into(order_tags::table)
        .values((
            order_tags::order_id.eq(order_id),
            order_tags::tag.eq(tag),
            order_tags::created_by.eq(by_user),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n > 0)
}

/// Removes a tag; false when the order did not have it.
pub fn remove_tag(conn: &mut PgConnection, order_id: i64, tag: &str) -> QueryResult<bool> {
    diesel::delete(
        order_tags::table
            .filter(order_tags::order_id.eq(order_id))
            .filter(order_tags::tag.eq(tag)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// A change to an order's notes and tags.
#[derive(Debug, Clone)]
pub enum TeamChange {
    Note(String),
    AddTag(String),
    RemoveTag(String),
}

impl TeamChange {
    /// Applies the change to the order and records it in the audit log, in one transaction.
    /// False when there was nothing to do (the order already had the tag, or did not have
    /// it); then nothing is recorded.
    pub fn apply(
        &self,
        conn: &mut PgConnection,
        order_id: i64,
        checkout_form_id: &CheckoutFormId,
        actor: &Actor,
    ) -> QueryResult<bool> {
        conn.transaction(|conn| {
            let (action, details) = match self {
                TeamChange::Note(body) => {
                    let note = NewNote {
                        order_id,
                        author_id: actor.user_id,
                        body,
                    };
                    let note_id = add_note(conn, &note)?;
                    // The body stays out of the audit log: it may quote the buyer.
                    let details = json!({ "note_id": note_id, "chars": body.chars().count() });
                    (AuditAction::OrderNoteAdded, details)
                }
                TeamChange::AddTag(tag) => {
                    if !add_tag(conn, order_id, tag, actor.user_id)? {
                        return Ok(false);
                    }
                    (AuditAction::OrderTagAdded, json!({ "tag": tag }))
                }
                TeamChange::RemoveTag(tag) => {
                    if !remove_tag(conn, order_id, tag)? {
                        return Ok(false);
                    }
                    (AuditAction::OrderTagRemoved, json!({ "tag": tag }))
                }
            };
            AuditEntry::record(
                conn,
                actor,
                action,
                Some(checkout_form_id.as_str()),
                details,
            )?;
            Ok(true)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_bounded() {
        assert_eq!(parse_tag("  Do  Zwrotu ").as_deref(), Ok("do zwrotu"));
        assert_eq!(parse_tag("ŁÓDŹ").as_deref(), Ok("łódź"));
        assert!(parse_tag("   ").is_err());
        assert!(parse_tag(&"x".repeat(41)).is_err());
        assert!(parse_tag(&"ł".repeat(40)).is_ok());
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(parse_note("  call the buyer \n"), Ok("call the buyer"));
        assert!(parse_note(" \n ").is_err());
        assert!(parse_note(&"ż".repeat(5000)).is_ok());
        assert!(parse_note(&"a".repeat(5001)).is_err());
    }
}
