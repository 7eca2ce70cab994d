//! Admin user management: list, create with a temporary password, change role, disable and
//! enable, reset password. Each change is audit-logged in the same transaction.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use diesel::PgConnection;
use secrecy::SecretString;
use serde::Deserialize;

use crate::routes::prelude::*;
use crate::{
    auth::{Admin, RequireRole, password, session::FlashLevel},
    db::{
        self,
        models::{
            audit::Actor,
            user::{CreateUserError, NewUser, UserRow},
        },
    },
    domain::{DisplayName, Email, Lang, NewPassword, Role, UserId, settings::DEFAULT_ZONE},
    error::see_other,
    i18n,
    web::{
        page::{Nav, Page},
        render,
    },
};

use super::{
    super::actor,
    view::{NewUserFields, Revealed, UserRowPartial, UserView, UsersPage},
};

async fn users_page(
    state: &AppState,
    auth: RequireRole<Admin>,
    page: Page,
    form: NewUserFields,
    errors: Vec<String>,
    revealed: Option<Revealed>,
) -> Result<UsersPage, AppError> {
    let rows = db::run(&state.pool, |conn| {
        UserRow::list(conn).map_err(AppError::from)
    })
    .await?;
    let me = auth.user.id;
    Ok(UsersPage {
        page: page.at(Nav::Users),
        users: rows.into_iter().map(|r| UserView::new(r, me)).collect(),
        form,
        errors,
        revealed,
        roles: Role::ALL,
    })
}

/// The users page showing a new temporary password once.
async fn reveal_password(
    state: &AppState,
    auth: RequireRole<Admin>,
    page: Page,
    email: String,
    temporary: &NewPassword,
    created: bool,
) -> Result<UsersPage, AppError> {
    let revealed = Revealed {
        email,
        password: temporary.expose().to_owned(),
        created,
    };
    users_page(
        state,
        auth,
        page,
        NewUserFields::default(),
        vec![],
        Some(revealed),
    )
    .await
}

/// A temporary password and its hash.
async fn temporary_password() -> Result<(NewPassword, String), AppError> {
    let temporary = NewPassword::generate_temporary();
    let hash = password::hash_async(SecretString::from(temporary.expose().to_owned()))
        .await
        .map_err(AppError::unexpected)?;
    Ok((temporary, hash))
}

/// `GET /users`
pub async fn users_index(
    auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ok(&users_page(&state, auth, page, NewUserFields::default(), vec![], None).await?)
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

/// `POST /users`: creates a user with a temporary password, shown once.
pub async fn user_create(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let fields = NewUserFields {
        email: form.email.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
    };
    let lang = i18n::current_lang();
    let email = Email::parse(&form.email).map_err(|e| i18n::explain(lang, &e));
    let name = if form.name.trim().is_empty() {
        email
            .as_ref()
            .map(DisplayName::from_email)
            .map_err(|_| String::new())
    } else {
        DisplayName::parse(&form.name).map_err(|e| i18n::explain(lang, &e))
    };
    let role = form
        .role
        .parse::<Role>()
        .map_err(|_| i18n::translate(lang, "users-role-invalid"));
    let (Ok(email), Ok(name), Ok(role)) = (&email, &name, &role) else {
        let errors = [email.err(), name.err(), role.err()]
            .into_iter()
            .flatten()
            .filter(|e| !e.is_empty())
            .collect();
        let page = users_page(&state, auth, page, fields, errors, None).await?;
        return render(StatusCode::BAD_REQUEST, &page);
    };
    let (temporary, hash) = temporary_password().await?;
    let actor = actor(&auth.user, &req);
    let (email, name, role) = (email.clone(), name.clone(), *role);
    // Outer error: the request failed; inner error: a message for the form.
    let created = db::run(&state.pool, move |conn| {
        let new = NewUser::new(&email, &name, role, &hash, true);
        match UserRow::create(conn, &new, &actor) {
            Ok(user) => Ok(Ok(user)),
            Err(e @ CreateUserError::EmailTaken) => Ok(Err(e.to_string())),
            Err(CreateUserError::Query(q)) => Err(AppError::from(q)),
        }
    })
    .await?;
    match created {
        Ok(user) => {
            let page = reveal_password(&state, auth, page, user.email, &temporary, true).await?;
            render(StatusCode::CREATED, &page)
        }
        Err(message) => {
            let page = users_page(&state, auth, page, fields, vec![message], None).await?;
            render(StatusCode::BAD_REQUEST, &page)
        }
    }
}

/// A rule a user change would break, shown to the admin.
fn refuse(lang: Lang, key: &str) -> AppError {
    AppError::BadRequest(i18n::translate(lang, key))
}

/// A row action's message about the user `email`, in the request's language.
fn about(key: &'static str, email: &str) -> String {
    i18n::Message::new(i18n::current_lang(), key)
        .arg("email", email)
        .to_string()
}

/// Loads the target user and applies `change` with its audit entry in one transaction.
async fn change_user<F>(
    state: &AppState,
    actor: Actor,
    id: UserId,
    change: F,
) -> Result<UserRow, AppError>
where
    F: FnOnce(&mut PgConnection, &UserRow, &Actor) -> Result<(), AppError> + Send + 'static,
{
    db::run(&state.pool, move |conn| {
        let changed = UserRow::change(conn, id, |conn, target| change(conn, target, &actor))?;
        changed.map(|((), user)| user).ok_or(AppError::NotFound)
    })
    .await
}

/// Answers a row action: the updated row for htmx, a redirect with a flash otherwise.
fn row_response(
    auth: RequireRole<Admin>,
    req: &HttpRequest,
    user: UserRow,
    message: String,
) -> Result<HttpResponse, AppError> {
    if is_htmx(req) {
        return ok(&UserRowPartial {
            loc: Locale::new(i18n::current_lang(), DEFAULT_ZONE),
            user: UserView::new(user, auth.user.id),
            csrf_token: auth.csrf_token()?,
            roles: Role::ALL,
        });
    }
    auth.session.flash(FlashLevel::Success, message);
    Ok(see_other("/users"))
}

/// A change to one row of the users list: applies `change` to user `id` and answers with the
/// updated row (htmx) or a flash saying `message`.
async fn change_row<F>(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    state: &AppState,
    id: UserId,
    change: F,
    message: impl FnOnce(&str) -> String,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut PgConnection, &UserRow, &Actor) -> Result<(), AppError> + Send + 'static,
{
    let user = change_user(state, actor(&auth.user, &req), id, change).await?;
    let message = message(&user.email);
    row_response(auth, &req, user, message)
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /users/{id}/role`
pub async fn user_change_role(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let lang = i18n::current_lang();
    let role: Role = form
        .role
        .parse()
        .map_err(|_| refuse(lang, "users-role-invalid"))?;
    let change = move |conn: &mut PgConnection, target: &UserRow, actor: &Actor| {
        if target.role() == role {
            return Ok(());
        }
        if role != Role::Admin && target.is_last_active_admin(conn)? {
            return Err(refuse(lang, "users-last-admin-role"));
        }
        Ok(UserRow::change_role(conn, target, role, actor)?)
    };
    let message = move |email: &str| {
        i18n::Message::new(lang, "users-role-changed")
            .arg("email", email)
            .arg("role", i18n::translate(lang, role.message_key()))
            .to_string()
    };
    change_row(req, auth, &state, path.into_inner(), change, message).await
}

/// `POST /users/{id}/disable`: also ends all of the user's sessions at once.
pub async fn user_disable(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
) -> Result<HttpResponse, AppError> {
    let me = auth.user.id;
    let lang = i18n::current_lang();
    let change = move |conn: &mut PgConnection, target: &UserRow, actor: &Actor| {
        if target.id == me {
            return Err(refuse(lang, "users-disable-self"));
        }
        if target.is_last_active_admin(conn)? {
            return Err(refuse(lang, "users-disable-last-admin"));
        }
        UserRow::disable(conn, target, actor)?;
        Ok(())
    };
    let message = |email: &str| about("users-disabled-done", email);
    change_row(req, auth, &state, path.into_inner(), change, message).await
}

/// `POST /users/{id}/enable`
pub async fn user_enable(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
) -> Result<HttpResponse, AppError> {
    let change = |conn: &mut PgConnection, target: &UserRow, actor: &Actor| {
        Ok(UserRow::enable(conn, target, actor)?)
    };
    let message = |email: &str| about("users-enabled-done", email);
    change_row(req, auth, &state, path.into_inner(), change, message).await
}

/// `POST /users/{id}/reset-password`: a new temporary password, shown once; the user's
/// sessions end and they choose a new password at their next sign-in.
pub async fn user_reset_password(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
) -> Result<HttpResponse, AppError> {
    let (temporary, hash) = temporary_password().await?;
    let me = auth.user.id;
    let lang = i18n::current_lang();
    let user = change_user(
        &state,
        actor(&auth.user, &req),
        path.into_inner(),
        move |conn, target, actor| {
            if target.id == me {
                return Err(refuse(lang, "users-reset-self"));
            }
            Ok(UserRow::reset_password(conn, target, &hash, actor)?)
        },
    )
    .await?;
    ok(&reveal_password(&state, auth, page, user.email, &temporary, false).await?)
}
