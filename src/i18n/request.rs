//! The language of the request being handled. The request middleware (`web::request_context`)
//! opens the scope with the visitor's `Accept-Language` choice; signing in (`auth`) narrows it
//! to the user's own choice; pages, flash messages and the error page read it. Outside a
//! request (the CLI, jobs) it is English.

use std::cell::Cell;
use std::future::Future;

use crate::domain::Lang;

tokio::task_local! {
    static REQUEST_LANG: Cell<Lang>;
}

/// Runs `request` (a request's handling) with `lang` as its language.
pub async fn scope<F: Future>(lang: Lang, request: F) -> F::Output {
    REQUEST_LANG.scope(Cell::new(lang), request).await
}

/// The language of the request being handled (English outside one).
pub fn current_lang() -> Lang {
    REQUEST_LANG.try_with(Cell::get).unwrap_or_default()
}

/// Makes `lang` the language of the rest of the request being handled (the signed-in user's
/// own choice). Outside a request it does nothing.
pub fn use_lang(lang: Lang) {
    let _ = REQUEST_LANG.try_with(|current| current.set(lang));
}
