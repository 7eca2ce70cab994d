//! The role guard every protected handler declares: `RequireRole<Admin>`, `RequireRole<Operator>`
//! or `RequireRole<AnyUser>`. It signs the request in from the session, enforces the timeouts,
//! checks the user is still enabled, and checks the role — in one place.

use std::{marker::PhantomData, rc::Rc};

use actix_session::SessionExt;
use actix_web::{
    FromRequest, HttpMessage, HttpRequest,
    body::{EitherBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};
use chrono::Utc;
use futures_util::future::LocalBoxFuture;
use tokio::sync::OnceCell;

use crate::{
    auth::TypedSession,
    db::{self, models::user::UserRow},
    domain::{Lang, Role, UserId, Viewer},
    error::AppError,
    state::AppState,
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
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The language the user picked on their profile page (`None`: the browser's).
    pub lang: Option<Lang>,
}

/// A request by a signed-in user whose role is at least `R::MIN`, with what they may see
/// ([`Viewer`]: account scope and masking, loaded with the user). A page's layout (navigation,
/// flashes, the alert banner) is a separate extractor, `web::page::Page`.
pub struct RequireRole<R> {
    pub user: CurrentUser,
    pub viewer: Viewer,
    pub session: TypedSession,
    _role: PhantomData<R>,
}

impl<R> RequireRole<R> {
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// The session's CSRF token, for forms in htmx partials (pages have it in their layout).
    pub fn csrf_token(&self) -> Result<String, AppError> {
        self.session.csrf_token().map_err(AppError::unexpected)
    }
}

/// Who signed in: the user and what they may see.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: CurrentUser,
    pub viewer: Viewer,
}

/// Paths a user who must change their password may still use.
const PASSWORD_CHANGE_PATHS: [&str; 3] =
    ["/account/password", "/account/logout-everywhere", "/logout"];

impl<R: RoleRequirement> FromRequest for RequireRole<R> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (session, SignedIn { user, viewer }) = signed_in(&req).await?;
            tracing::Span::current().record("user_id", user.id.0);
            if !user.role.includes(R::MIN) {
                return Err(AppError::Forbidden);
            }
            Ok(RequireRole {
                user,
                viewer,
                session,
                _role: PhantomData,
            })
        })
    }
}

/// The request's session and signed-in user, loaded once per request however many extractors
/// ask (the guard and the page layout are extracted together; the first to ask loads, the others
/// wait for it).
pub async fn signed_in(req: &HttpRequest) -> Result<(TypedSession, SignedIn), AppError> {
    let session = TypedSession::extract(req)
        .await
        .map_err(|e| AppError::unexpected(anyhow::anyhow!(e.to_string())))?;
    let cell = {
        let mut extensions = req.extensions_mut();
        match extensions.get::<Rc<OnceCell<SignedIn>>>() {
            Some(cell) => Rc::clone(cell),
            None => {
                let cell = Rc::new(OnceCell::new());
                extensions.insert(Rc::clone(&cell));
                cell
            }
        }
    };
    let signed_in = cell
        .get_or_try_init(|| authenticate(req, &session))
        .await?
        .clone();
    Ok((session, signed_in))
}

/// Resolves the session's user and what they may see, ending the session when it is too old or
/// the user is gone or disabled.
async fn authenticate(req: &HttpRequest, session: &TypedSession) -> Result<SignedIn, AppError> {
    let login_required = || AppError::LoginRequired {
        next: local_target(req),
    };
    let Some(user_id) = session.user_id().ok().flatten() else {
        return Err(login_required());
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::unexpected(anyhow::anyhow!("AppState missing")))?;
    let absolute = state.config.session.absolute_timeout.as_secs() as i64;
    let signed_in_at = session.authenticated_at().ok().flatten().unwrap_or(0);
    if Utc::now().timestamp() - signed_in_at > absolute {
        session.log_out();
        return Err(login_required());
    }
    let found = db::run(&state.pool, move |conn| {
        let Some(row) = UserRow::find(conn, user_id)?.filter(|u| !u.disabled) else {
            return Ok(None);
        };
        let viewer = row.viewer(conn)?;
        Ok::<_, AppError>(Some((row, viewer)))
    })
    .await?;
    let Some((row, viewer)) = found else {
        session.log_out();
        return Err(login_required());
    };
    if row.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.path()) {
        return Err(AppError::PasswordChangeRequired);
    }
    if let Some(lang) = row.lang() {
        crate::i18n::use_lang(lang);
    }
    let user = CurrentUser {
        lang: row.lang(),
        id: row.id,
        role: row.role(),
        email: row.email,
        display_name: row.display_name,
    };
    Ok(SignedIn { user, viewer })
}

/// Paths of the page scope that anyone may reach; every other page needs a signed-in user.
pub const PUBLIC_PATHS: [&str; 3] = ["/login", "/logout", "/setup"];

/// Middleware, default-deny: requests without a signed-in session go to the login page unless
/// their path is public. The role guard in each handler then checks the user and the role;
/// this layer makes a handler that forgets the guard fail closed.
pub async fn require_login(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let signed_in = TypedSession::from_session(req.get_session())
        .user_id()
        .ok()
        .flatten()
        .is_some();
    if signed_in || PUBLIC_PATHS.contains(&req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let login = AppError::LoginRequired {
        next: local_target(req.request()),
    };
    Ok(req.error_response(login).map_into_right_body())
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
        Some(n) if is_local_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A path on this site: starts with one `/`, and has no backslash, whitespace or control
/// character (browsers drop tabs and newlines, which would turn `/\t/evil` into `//evil`).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 2048
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
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
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\r\nSet-Cookie: x=y")), "/");
        assert_eq!(safe_next(Some("/a\u{0}")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
