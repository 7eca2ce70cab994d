//! The role guard every protected handler declares: `RequireRole<Admin>`, `RequireRole<Operator>`
//! or `RequireRole<AnyUser>`. It signs the request in from the session, enforces the timeouts,
//! checks the user is still enabled, and checks the role — in one place.

use std::marker::PhantomData;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use chrono::Utc;
use futures_util::future::LocalBoxFuture;

use crate::{
    auth::TypedSession,
    db::{self, models::user::UserRow},
    domain::Role,
    error::AppError,
    state::AppState,
    web::page::PageContext,
};

/// The lowest role a route admits.
pub trait RoleRequirement {
    const MIN: Role;
}

/// Any signed-in user (viewers included).
pub struct AnyUser;
/// Operators and admins.
pub struct Operator;
/// Admins only.
pub struct Admin;

impl RoleRequirement for AnyUser {
    const MIN: Role = Role::Viewer;
}
impl RoleRequirement for Operator {
    const MIN: Role = Role::Operator;
}
impl RoleRequirement for Admin {
    const MIN: Role = Role::Admin;
}

/// The signed-in user.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// A request by a signed-in user whose role is at least `R::MIN`, with the page context for
/// rendering.
pub struct RequireRole<R> {
    pub user: CurrentUser,
    pub session: TypedSession,
    pub page: PageContext,
    _role: PhantomData<R>,
}

/// Paths a user who must change their password may still use.
const PASSWORD_CHANGE_PATHS: [&str; 2] = ["/account/password", "/logout"];

impl<R: RoleRequirement> FromRequest for RequireRole<R> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let session = TypedSession::extract(&req)
                .await
                .map_err(|e| AppError::unexpected(anyhow::anyhow!(e.to_string())))?;
            let user = authenticate(&req, &session).await?;
            tracing::Span::current().record("user_id", user.id);
            if !user.role.includes(R::MIN) {
                return Err(AppError::Forbidden);
            }
            let page = PageContext::for_session(&session, Some(&user))?;
            Ok(RequireRole {
                user,
                session,
                page,
                _role: PhantomData,
            })
        })
    }
}

/// Resolves the session's user, ending the session when it is too old or the user is gone or
/// disabled.
async fn authenticate(req: &HttpRequest, session: &TypedSession) -> Result<CurrentUser, AppError> {
    let login_required = || AppError::LoginRequired {
        next: local_target(req),
    };
    let Some(user_id) = session.user_id().ok().flatten() else {
        return Err(login_required());
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::unexpected(anyhow::anyhow!("AppState missing")))?;
    let absolute = state.settings.session.absolute_timeout.as_secs() as i64;
    let signed_in_at = session.authenticated_at().ok().flatten().unwrap_or(0);
    if Utc::now().timestamp() - signed_in_at > absolute {
        session.log_out();
        return Err(login_required());
    }
    let row = db::run(&state.pool, move |conn| {
        UserRow::find(conn, user_id).map_err(AppError::from)
    })
    .await?;
    let Some(row) = row.filter(|u| !u.disabled) else {
        session.log_out();
        return Err(login_required());
    };
    if row.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.path()) {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(CurrentUser {
        id: row.id,
        role: row.role(),
        email: row.email,
        display_name: row.display_name,
    })
}

/// Where to return after signing in: this page for GET requests, the home page otherwise.
fn local_target(req: &HttpRequest) -> String {
    if req.method() != actix_web::http::Method::GET {
        return "/".to_owned();
    }
    req.uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned())
}

/// A safe post-login destination: a local path, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/users?x=1")), "/users?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
