//! How an [`AppError`] reaches the browser: a redirect to sign in, or the error page with its
//! status, message and request id (htmx requests get the same message as a toast, see
//! `web::htmx`).

use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use askama::Template;

use crate::{
    error::{AppError, ErrorMessage, see_other},
    web::{page::PageContext, request_context},
};

#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    pub page: PageContext,
    pub status: u16,
    pub title: String,
    pub message: String,
    pub request_id: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        match self {
            AppError::LoginRequired { next } => {
                let location = if next.is_empty() || next == "/" {
                    "/login".to_owned()
                } else {
                    format!(
                        "/login?next={}",
                        url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                    )
                };
                return see_other(&location);
            }
            AppError::PasswordChangeRequired => return see_other("/account/password"),
            _ => {}
        }
        let status = self.status_code();
        let page = PageContext::bare();
        let message = self.message(page.loc.lang);
        let page = ErrorPage {
            status: status.as_u16(),
            title: self.title(page.loc.lang),
            message: message.clone(),
            page,
            request_id: request_context::current_request_id().unwrap_or_default(),
        };
        let mut response = HttpResponse::build(status);
        response.insert_header(header::ContentType::html());
        if let AppError::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let AppError::Unauthorized = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        let mut response = response.body(page.render().unwrap_or_else(|_| message.clone()));
        response.extensions_mut().insert(ErrorMessage(message));
        response
    }
}
