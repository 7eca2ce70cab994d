//! The names nearly every page handler uses, imported at once with `use super::prelude::*`
//! (or `crate::routes::prelude::*` from a folder): the request and response, the template
//! derive and the `filters` its templates call, the role guard, the page and its context, the
//! application state and the error every handler returns.

pub use actix_web::{HttpRequest, HttpResponse, web};
pub use askama::Template;

pub use crate::{
    auth::RequireRole,
    error::AppError,
    i18n::Locale,
    state::AppState,
    web::{
        filters,
        htmx::is_htmx,
        ok,
        page::{Nav, Page, PageContext},
    },
};
