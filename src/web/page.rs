//! What every page's layout needs: the signed-in user, the CSRF token, flash messages, the
//! alert banner and the navigation entry to highlight. The role guard (`auth::RequireRole`)
//! decides who may see a page; [`Page`] builds its layout.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;

use chrono_tz::Tz;

use crate::{
    auth::{CurrentUser, SignedIn, TypedSession, session::Flash, signed_in},
    db::{self, models::settings::SettingsRow},
    domain::{Role, settings::DEFAULT_ZONE},
    error::AppError,
    i18n::{self, Locale, Message},
    state::AppState,
    web::htmx::is_htmx,
};

/// Navigation entries of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Nav {
    #[default]
    None,
    Dashboard,
    Orders,
    Fees,
    Payments,
    Returns,
    Accounts,
    Sync,
    Users,
    Audit,
    Settings,
    System,
    Tokens,
    Webhooks,
    Profile,
}

impl Nav {
    pub fn name(self) -> &'static str {
        match self {
            Nav::None => "",
            Nav::Dashboard => "dashboard",
            Nav::Orders => "orders",
            Nav::Fees => "fees",
            Nav::Payments => "payments",
            Nav::Returns => "returns",
            Nav::Accounts => "accounts",
            Nav::Sync => "sync",
            Nav::Users => "users",
            Nav::Audit => "audit",
            Nav::Settings => "settings",
            Nav::System => "system",
            Nav::Tokens => "tokens",
            Nav::Webhooks => "webhooks",
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
    /// The reader's language and the display zone: every text, number and time of the page.
    pub loc: Locale,
}

impl PageContext {
    /// The layout of a full page seen by `user` in `session`: it shows (and so takes) the
    /// session's flash messages.
    fn for_user(session: &TypedSession, user: &CurrentUser, zone: Tz) -> Result<Self, AppError> {
        Ok(Self {
            flashes: session.take_flashes(),
            ..Self::for_partial(session, user, zone)?
        })
    }

    /// What an htmx partial of `user`'s page needs: no layout, so flash messages stay in the
    /// session for the next full page.
    fn for_partial(session: &TypedSession, user: &CurrentUser, zone: Tz) -> Result<Self, AppError> {
        Ok(Self {
            loc: Locale::new(i18n::current_lang(), zone),
            csrf_token: session.csrf_token().map_err(AppError::unexpected)?,
            user: Some(NavUser {
                name: user.display_name.clone(),
                email: user.email.clone(),
                role: user.role,
            }),
            ..Self::default()
        })
    }

    /// The context of a page seen by someone who may not be signed in (sign-in, setup): their
    /// forms carry the visitor token unless the session already has one, so a visit stores
    /// nothing (see `auth::csrf`).
    pub fn for_visitor(req: &HttpRequest, session: &TypedSession) -> Result<Self, AppError> {
        Ok(Self {
            csrf_token: crate::web::csrf::page_token(req, session)?,
            flashes: session.take_flashes(),
            ..Self::bare()
        })
    }

    /// The context of a page drawn without a session (the error page): the request's language,
    /// no user, no form token.
    pub fn bare() -> Self {
        Self {
            loc: Locale::new(i18n::current_lang(), DEFAULT_ZONE),
            ..Self::default()
        }
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

    /// The message `key` in the reader's language: `{{ page.t("nav-orders") }}`.
    pub fn t(&self, key: &str) -> String {
        self.loc.t(key)
    }

    /// The message `key` to fill: `{{ page.msg("orders-found").count(total) }}`.
    pub fn msg(&self, key: &'static str) -> Message {
        self.loc.msg(key)
    }

    /// The language code for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.loc.lang.code()
    }
}

/// Extractor for the layout of a signed-in user's page, declared next to the role guard (which
/// it does not replace: it checks no role). It shares the guard's user lookup, takes the
/// flash messages and loads the alert banner for full pages (not for htmx partials).
pub struct Page(PageContext);

impl Page {
    /// The reader's language and the display zone, for what the handler writes itself.
    pub fn loc(&self) -> Locale {
        self.0.loc
    }

    /// The layout with navigation entry `nav` highlighted.
    pub fn at(self, nav: Nav) -> PageContext {
        self.0.at(nav)
    }
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (session, SignedIn { user, viewer }) = signed_in(&req).await?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::unexpected(anyhow::anyhow!("AppState missing")))?;
            if is_htmx(&req) {
                let zone = db::run(&state.pool, |conn| {
                    SettingsRow::display_zone(conn).map_err(db::DbError::from)
                })
                .await?;
                return PageContext::for_partial(&session, &user, zone).map(Page);
            }
            let (alerts, zone) =
                crate::alerts::layout(&state.pool, &state.config.sync, &viewer.scope).await?;
            let page = PageContext::for_user(&session, &user, zone)?;
            Ok(Page(PageContext { alerts, ..page }))
        })
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
