//! Team notes and tags on an order (operators and admins; viewers see them): internal, kept
//! in our tables, never sent to Allegro, and audit-logged. Every change answers with the
//! notes and tags section for htmx, or a redirect back to the order with a flash.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono_tz::Tz;
use diesel::{PgConnection, QueryResult};
use serde::Deserialize;

use crate::db::models::settings::SettingsRow;
use crate::{
    auth::{CurrentUser, Operator, RequireRole, session::FlashLevel},
    db::{
        self,
        models::{
            order::OrderRow,
            order_note::{self, TeamChange},
        },
    },
    domain::Role,
    error::{AppError, see_other},
    settings::local_time,
    state::AppState,
    web::{htmx::is_htmx, ok},
};

use super::{
    actor,
    order_detail::{checkout_form_id, find_visible},
};

pub struct NoteView {
    pub body: String,
    pub author: String,
    pub at: String,
}

pub struct TagView {
    pub tag: String,
    pub title: String,
}

/// The notes and tags section, swapped alone by htmx after a change.
#[derive(Template)]
#[template(path = "orders/detail_team_partial.html")]
pub struct TeamPartial {
    pub order_id: String,
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
    zone: Tz,
) -> QueryResult<TeamPartial> {
    let notes = order_note::notes(conn, order.id)?
        .into_iter()
        .map(|n| NoteView {
            body: n.body,
            author: n.author.unwrap_or_else(|| "a deleted user".into()),
            at: local_time(n.created_at, zone),
        })
        .collect();
    let tags = order_note::tags(conn, order.id)?
        .into_iter()
        .map(|t| TagView {
            title: format!(
                "Added by {} on {}",
                t.author.as_deref().unwrap_or("a deleted user"),
                local_time(t.created_at, zone)
            ),
            tag: t.tag,
        })
        .collect();
    Ok(TeamPartial {
        order_id: order.checkout_form_id.clone(),
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

/// What the flash says after `change` (`applied`: false when there was nothing to do).
fn team_message(change: &TeamChange, applied: bool) -> &'static str {
    match (change, applied) {
        (TeamChange::Note(_), _) => "Note added.",
        (TeamChange::AddTag(_), true) => "Tag added.",
        (TeamChange::AddTag(_), false) => "The order already has this tag.",
        (TeamChange::RemoveTag(_), true) => "Tag removed.",
        (TeamChange::RemoveTag(_), false) => "The order did not have this tag.",
    }
}

/// Applies `change` to a visible order and answers with the notes and tags section (htmx) or
/// a redirect back to the page with a flash.
async fn change_team(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    id: String,
    change: TeamChange,
) -> Result<HttpResponse, AppError> {
    let id = checkout_form_id(&id)?;
    let (user, viewer, actor, csrf_token) = (
        auth.user.clone(),
        auth.viewer.clone(),
        actor(&auth.user, &req),
        auth.page.csrf_token.clone(),
    );
    let (message, partial) = db::run(&state.pool, move |conn| {
        let zone = SettingsRow::display_zone(conn)?;
        let order = find_visible(conn, &viewer, &id)?;
        let applied = change.apply(conn, order.id, &order.checkout_form_id, &actor)?;
        let message = team_message(&change, applied);
        Ok::<_, AppError>((message, team(conn, &order, &user, csrf_token, zone)?))
    })
    .await?;
    if is_htmx(&req) {
        return ok(&partial);
    }
    auth.session.flash(FlashLevel::Success, message);
    Ok(see_other(&format!("/orders/{}#team", partial.order_id)))
}

/// `POST /orders/{id}/notes`
pub async fn order_note_add(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let body = order_note::parse_note(&form.body).map_err(AppError::BadRequest)?;
    let change = TeamChange::Note(body.to_owned());
    change_team(req, auth, state, path.into_inner(), change).await
}

/// `POST /orders/{id}/tags`
pub async fn order_tag_add(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<TagForm>,
) -> Result<HttpResponse, AppError> {
    let tag = order_note::parse_tag(&form.tag).map_err(AppError::BadRequest)?;
    change_team(req, auth, state, path.into_inner(), TeamChange::AddTag(tag)).await
}

/// `POST /orders/{id}/tags/delete` (the tag in the form, so any tag text is safe in a URL).
pub async fn order_tag_remove(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<TagForm>,
) -> Result<HttpResponse, AppError> {
    let tag = order_note::parse_tag(&form.tag).map_err(AppError::BadRequest)?;
    change_team(
        req,
        auth,
        state,
        path.into_inner(),
        TeamChange::RemoveTag(tag),
    )
    .await
}

/// Forms up to this size (a 5000-character note of Polish letters is ~30 KB URL-encoded).
pub const FORM_LIMIT_BYTES: usize = 64 * 1024;
