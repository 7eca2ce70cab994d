//! What every page's layout needs: the signed-in user, the CSRF token, flash messages and the
//! navigation entry to highlight.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};

use crate::{
    auth::{CurrentUser, TypedSession, session::Flash},
    domain::Role,
    error::AppError,
};

/// Navigation entries of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Nav {
    #[default]
    None,
    Dashboard,
    Orders,
    Accounts,
    Sync,
    Users,
    Audit,
    Settings,
    System,
    Profile,
}

impl Nav {
    pub fn name(self) -> &'static str {
        match self {
            Nav::None => "",
            Nav::Dashboard => "dashboard",
            Nav::Orders => "orders",
            Nav::Accounts => "accounts",
            Nav::Sync => "sync",
            Nav::Users => "users",
            Nav::Audit => "audit",
            Nav::Settings => "settings",
            Nav::System => "system",
            Nav::Profile => "profile",
        }
    }
}

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl NavUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Layout data carried by every page template as its `page` field.
#[derive(Debug, Clone, Default)]
pub struct PageContext {
    pub csrf_token: String,
    pub user: Option<NavUser>,
    pub flashes: Vec<Flash>,
    pub nav: Nav,
    /// Backup alerts the layout shows as a banner (see `crate::alerts`).
    pub alerts: crate::alerts::Alerts,
}

impl PageContext {
    /// The context of a page seen by `user` in `session`.
    pub fn for_session(
        session: &TypedSession,
        user: Option<&CurrentUser>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            csrf_token: session.csrf_token().map_err(AppError::unexpected)?,
            user: user.map(|u| NavUser {
                name: u.display_name.clone(),
                email: u.email.clone(),
                role: u.role,
            }),
            flashes: session.take_flashes(),
            nav: Nav::None,
            alerts: Default::default(),
        })
    }

    /// The context of a page seen by someone who may not be signed in (sign-in, setup): their
    /// forms carry the visitor token unless the session already has one, so a visit stores
    /// nothing (see `auth::csrf`).
    pub fn for_visitor(req: &HttpRequest, session: &TypedSession) -> Result<Self, AppError> {
        Ok(Self {
            csrf_token: crate::web::csrf::page_token(req, session)?,
            flashes: session.take_flashes(),
            ..Self::default()
        })
    }

    /// Marks the navigation entry this page belongs to.
    pub fn at(mut self, nav: Nav) -> Self {
        self.nav = nav;
        self
    }

    /// `aria-current` value for a navigation link named `name` (see `Nav::name`).
    pub fn current(&self, name: &str) -> &'static str {
        if self.nav.name() == name {
            "page"
        } else {
            "false"
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(NavUser::is_admin)
    }
}

/// Extractor for pages anyone may see (login, setup).
pub struct AnonymousPage(pub PageContext);

impl FromRequest for AnonymousPage {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = match TypedSession::from_request(req, payload).into_inner() {
            Ok(session) => session,
            Err(e) => return ready(Err(AppError::unexpected(anyhow::anyhow!(e.to_string())))),
        };
        ready(PageContext::for_visitor(req, &session).map(AnonymousPage))
    }
}
