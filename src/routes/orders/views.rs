//! Saved views of the orders list: save the current filters under a name (every role, for
//! themselves; admins may share with everyone), list them (page and navigation menu), delete.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::routes::prelude::*;
use crate::{
    auth::{AnyUser, RequireRole, session::FlashLevel},
    db::{
        self,
        models::{
            account::AccountRow,
            saved_view::{NewSavedView, SaveViewError, SavedView},
        },
    },
    domain::UserId,
    error::see_other,
    i18n,
    orders::{OrderParams, page::ListRequest},
    settings::DEFAULT_ZONE,
};

use super::list::query_string;

/// The longest view name.
const NAME_MAX_CHARS: usize = 80;
/// The longest stored query string.
const QUERY_MAX_CHARS: usize = 2000;

/// A view as the menu and the page list it.
pub struct ViewItem {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub shared: bool,
    pub own: bool,
    pub deletable: bool,
}

fn items(views: Vec<SavedView>, user_id: UserId, is_admin: bool) -> Vec<ViewItem> {
    views
        .into_iter()
        .map(|v| ViewItem {
            own: v.owner_id == user_id,
            deletable: v.owner_id == user_id || (is_admin && v.shared),
            href: format!("/orders?{}", v.query),
            id: v.id,
            name: v.name,
            shared: v.shared,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "views/index.html")]
pub struct ViewsPage {
    pub page: PageContext,
    pub views: Vec<ViewItem>,
}

/// The message `key` in the request's language, to fill.
fn say(key: &'static str) -> i18n::Message {
    i18n::Message::new(i18n::current_lang(), key)
}

#[derive(Template)]
#[template(path = "views/menu_partial.html")]
pub struct ViewsMenuPartial {
    pub loc: Locale,
    pub views: Vec<ViewItem>,
}

async fn load(auth: &RequireRole<AnyUser>, pool: &db::PgPool) -> Result<Vec<ViewItem>, AppError> {
    let (user_id, scope) = (auth.user.id, auth.viewer.scope.clone());
    let views = db::run(pool, move |conn| {
        let accounts = AccountRow::list(conn, &scope)?;
        SavedView::visible_to(conn, user_id, &accounts).map_err(AppError::from)
    })
    .await?;
    Ok(items(views, user_id, auth.is_admin()))
}

/// `GET /views`: the saved views (the navigation's target without JavaScript).
pub async fn views_index(
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<crate::state::AppState>,
) -> Result<HttpResponse, AppError> {
    let views = load(&auth, &state.pool).await?;
    ok(&ViewsPage {
        page: page.at(Nav::Orders),
        views,
    })
}

/// `GET /views/menu`: the navigation's dropdown (loaded by htmx when opened).
pub async fn views_menu(
    auth: RequireRole<AnyUser>,
    state: web::Data<crate::state::AppState>,
) -> Result<HttpResponse, AppError> {
    let views = load(&auth, &state.pool).await?;
    ok(&ViewsMenuPartial {
        loc: Locale::new(i18n::current_lang(), DEFAULT_ZONE),
        views,
    })
}

#[derive(Deserialize)]
pub struct SaveViewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    shared: Option<String>,
}

/// The view's query string, validated as list filters and stored without cursor.
fn clean_query(query: &str) -> Result<String, AppError> {
    let query = query.trim().trim_start_matches('?');
    if query.len() > QUERY_MAX_CHARS {
        return Err(AppError::BadRequest(say("views-too-long").to_string()));
    }
    let params: OrderParams = serde_urlencoded::from_str(query)
        .map_err(|_| AppError::BadRequest(say("views-unreadable").to_string()))?;
    // Dates are only checked for form here; they mean days of the zone in force when used.
    ListRequest::parse(
        &OrderParams {
            cursor: None,
            ..params.clone()
        },
        DEFAULT_ZONE,
    )
    .map_err(|e| AppError::BadRequest(format!("Invalid filter — {e}")))?;
    Ok(query_string(&params, None))
}

/// `POST /views`
pub async fn view_create(
    auth: RequireRole<AnyUser>,
    state: web::Data<crate::state::AppState>,
    form: web::Form<SaveViewForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let name = form.name.trim().to_string();
    let count = name.chars().count();
    if count == 0 || count > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            say("views-name-length").count(NAME_MAX_CHARS).to_string(),
        ));
    }
    let shared = form.shared.is_some_and(|s| !s.is_empty());
    if shared && !auth.is_admin() {
        return Err(AppError::Forbidden);
    }
    let query = clean_query(&form.query)?;
    let owner_id = auth.user.id;
    let saved = {
        let (name, query) = (name.clone(), query.clone());
        db::run(&state.pool, move |conn| {
            Ok::<_, AppError>(SavedView::insert(
                conn,
                &NewSavedView {
                    owner_id,
                    name: &name,
                    query: &query,
                    shared,
                },
            ))
        })
        .await?
    };
    match saved {
        Ok(_) => {
            auth.session.flash(
                FlashLevel::Success,
                say(if shared {
                    "views-saved-shared"
                } else {
                    "views-saved"
                })
                .arg("name", &name)
                .to_string(),
            );
            Ok(see_other(&format!("/orders?{query}")))
        }
        Err(SaveViewError::NameTaken(name)) => Err(AppError::BadRequest(
            say("views-name-taken").arg("name", name).to_string(),
        )),
        Err(SaveViewError::Db(e)) => Err(e.into()),
    }
}

/// `POST /views/{id}/delete`: owners delete their views; admins also delete shared ones.
pub async fn view_delete(
    auth: RequireRole<AnyUser>,
    state: web::Data<crate::state::AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let is_admin = auth.is_admin();
    let scope = auth.viewer.scope.clone();
    let name = db::run(&state.pool, move |conn| {
        // Others' private views do not exist as far as this user can tell.
        let accounts = AccountRow::list(conn, &scope)?;
        let view =
            SavedView::find_visible(conn, id, user_id, &accounts)?.ok_or(AppError::NotFound)?;
        if view.owner_id != user_id && !(is_admin && view.shared) {
            return Err(AppError::Forbidden);
        }
        SavedView::delete(conn, id)?;
        Ok(view.name)
    })
    .await?;
    auth.session.flash(
        FlashLevel::Success,
        say("views-deleted").arg("name", name).to_string(),
    );
    Ok(see_other("/views"))
}
