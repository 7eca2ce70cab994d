//! Team notes and tags on an order (operators and admins; viewers see them): internal, kept
//! in our tables, never sent to Allegro, and audit-logged. Every change answers with the
//! notes and tags section for htmx, or a redirect back to the order with a flash.

use chrono::{DateTime, Utc};
use diesel::{PgConnection, QueryResult};
use serde::{Deserialize, de::DeserializeOwned};

use crate::db::models::settings::SettingsRow;
use crate::routes::prelude::*;
use crate::{
    auth::{CurrentUser, Operator, RequireRole, session::FlashLevel},
    db::{
        self,
        models::{
            order::OrderRow,
            order_note::{self, TeamChange},
        },
    },
    domain::{CheckoutFormId, Role},
    error::see_other,
    i18n,
    web::{filters, htmx::is_htmx, ok},
};

use super::{
    super::actor,
    lookup::{checkout_form_id, find_visible},
};

/// Shown for the author of a note or tag whose account was deleted.
const DELETED_USER: &str = "a deleted user";

pub struct NoteView {
    pub body: String,
    pub author: String,
    pub at: DateTime<Utc>,
}

pub struct TagView {
    pub tag: String,
    pub author: String,
    pub added_at: DateTime<Utc>,
}

/// The notes and tags section, swapped alone by htmx after a change.
#[derive(Template)]
#[template(path = "orders/detail_team_partial.html")]
pub struct TeamPartial {
    pub loc: Locale,
    pub order_id: CheckoutFormId,
    pub csrf_token: String,
    pub can_edit: bool,
    pub notes: Vec<NoteView>,
    pub tags: Vec<TagView>,
}

pub(super) fn team(
    conn: &mut PgConnection,
    order: &OrderRow,
    user: &CurrentUser,
    csrf_token: String,
    loc: Locale,
) -> QueryResult<TeamPartial> {
    let notes = order_note::notes(conn, order.id)?
        .into_iter()
        .map(|n| NoteView {
            body: n.body,
            author: n.author.unwrap_or_else(|| DELETED_USER.into()),
            at: n.created_at,
        })
        .collect();
    let tags = order_note::tags(conn, order.id)?
        .into_iter()
        .map(|t| TagView {
            author: t.author.unwrap_or_else(|| DELETED_USER.into()),
            added_at: t.created_at,
            tag: t.tag,
        })
        .collect();
    Ok(TeamPartial {
        loc,
        order_id: order.columns.checkout_form_id.clone(),
        csrf_token,
        can_edit: user.role.includes(Role::Operator),
        notes,
        tags,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    body: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TagForm {
    tag: String,
}

/// The message key of what the flash says after `change` (`applied`: false when there was
/// nothing to do).
fn team_message(change: &TeamChange, applied: bool) -> &'static str {
    match (change, applied) {
        (TeamChange::Note(_), _) => "team-note-added",
        (TeamChange::AddTag(_), true) => "team-tag-added-done",
        (TeamChange::AddTag(_), false) => "team-tag-already",
        (TeamChange::RemoveTag(_), true) => "team-tag-removed-done",
        (TeamChange::RemoveTag(_), false) => "team-tag-missing",
    }
}

/// A form that changes an order's notes or tags: the change it asks for, or why it cannot be
/// made.
trait TeamForm: DeserializeOwned + 'static {
    fn change(&self) -> Result<TeamChange, String>;
}

impl TeamForm for NoteForm {
    fn change(&self) -> Result<TeamChange, String> {
        order_note::parse_note(&self.body).map(|body| TeamChange::Note(body.to_owned()))
    }
}

impl TeamForm for TagForm {
    fn change(&self) -> Result<TeamChange, String> {
        order_note::parse_tag(&self.tag).map(TeamChange::AddTag)
    }
}

/// The tag to remove, in the form (so any tag text is safe in a URL).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TagRemovalForm {
    tag: String,
}

impl TeamForm for TagRemovalForm {
    fn change(&self) -> Result<TeamChange, String> {
        order_note::parse_tag(&self.tag).map(TeamChange::RemoveTag)
    }
}

/// `POST /orders/{id}/notes`, `/tags` and `/tags/delete`, one per form: applies the change to
/// a visible order and answers with the notes and tags section (htmx) or a redirect back to
/// the page with a flash.
async fn order_team_change<F: TeamForm>(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<F>,
) -> Result<HttpResponse, AppError> {
    let change = form.change().map_err(AppError::BadRequest)?;
    let id = checkout_form_id(&path)?;
    let (user, viewer, actor, csrf_token) = (
        auth.user.clone(),
        auth.viewer.clone(),
        actor(&auth.user, &req),
        auth.csrf_token()?,
    );
    let lang = i18n::current_lang();
    let (message, partial) = db::run(&state.pool, move |conn| {
        let loc = Locale::new(lang, SettingsRow::display_zone(conn)?);
        let order = find_visible(conn, &viewer, &id)?;
        let applied = change.apply(conn, order.id, &order.columns.checkout_form_id, &actor)?;
        let message = team_message(&change, applied);
        Ok::<_, AppError>((message, team(conn, &order, &user, csrf_token, loc)?))
    })
    .await?;
    if is_htmx(&req) {
        return ok(&partial);
    }
    auth.session
        .flash(FlashLevel::Success, i18n::translate(lang, message));
    Ok(see_other(&format!("/orders/{}#team", partial.order_id)))
}

/// The routes of the notes and tags, with room for long notes.
pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    let form = || crate::web::form_config(FORM_LIMIT_BYTES);
    cfg.service(
        web::resource("/orders/{id}/notes")
            .app_data(form())
            .route(web::post().to(order_team_change::<NoteForm>)),
    )
    .service(
        web::resource("/orders/{id}/tags")
            .app_data(form())
            .route(web::post().to(order_team_change::<TagForm>)),
    )
    .service(
        web::resource("/orders/{id}/tags/delete")
            .app_data(form())
            .route(web::post().to(order_team_change::<TagRemovalForm>)),
    );
}

/// Forms up to this size (a 5000-character note of Polish letters is ~30 KB URL-encoded).
const FORM_LIMIT_BYTES: usize = 64 * 1024;
