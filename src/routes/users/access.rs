//! Admin page for a user's access to orders: which Allegro accounts they see and whether buyer
//! personal data is masked for them (privacy by role, enforced in `orders::Viewer`).

use crate::routes::prelude::*;
use crate::{
    auth::{Admin, RequireRole, session::FlashLevel},
    db::{
        self,
        models::{account::AccountRow, user::UserRow, user_access::UserAccess},
    },
    domain::{AccountId, AccountScope, Role, UserId},
    error::see_other,
    i18n,
};

use super::super::actor;

/// An account as a checkbox of the form.
pub struct AccountChoice {
    pub id: AccountId,
    pub login: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "users/access.html")]
pub struct AccessPage {
    pub page: PageContext,
    pub user_id: UserId,
    pub email: String,
    pub is_admin: bool,
    pub access: UserAccess,
    pub accounts: Vec<AccountChoice>,
}

async fn load_user(
    state: &AppState,
    user_id: UserId,
) -> Result<(UserRow, UserAccess, Vec<AccountRow>), AppError> {
    db::run(&state.pool, move |conn| {
        let user = UserRow::find(conn, user_id)?.ok_or(AppError::NotFound)?;
        let access = UserAccess::load(conn, user_id)?;
        let accounts = AccountRow::list(conn, &AccountScope::All)?;
        Ok((user, access, accounts))
    })
    .await
}

/// `GET /users/{id}/access`
pub async fn access_form(
    _admin: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
) -> Result<HttpResponse, AppError> {
    let (user, access, accounts) = load_user(&state, path.into_inner()).await?;
    let accounts = accounts
        .into_iter()
        .map(|a| AccountChoice {
            checked: access.accounts.contains(&a.id),
            id: a.id,
            login: a.login,
        })
        .collect();
    ok(&AccessPage {
        page: page.at(Nav::Users),
        user_id: user.id,
        is_admin: user.role() == Role::Admin,
        email: user.email,
        access,
        accounts,
    })
}

/// The submitted form: `scope=all|some`, repeated `account=<id>`, `hide_personal_data=on`.
/// Parsed by hand because the account checkboxes repeat one key.
fn parse_access(body: &[u8], known: &[AccountId]) -> Result<UserAccess, AppError> {
    let bad = |key| AppError::BadRequest(i18n::translate(i18n::current_lang(), key));
    let mut access = UserAccess {
        all_accounts: true,
        accounts: Vec::new(),
        hide_personal_data: false,
    };
    for (key, value) in url::form_urlencoded::parse(body) {
        match key.as_ref() {
            "scope" => {
                access.all_accounts = match value.as_ref() {
                    "all" => true,
                    "some" => false,
                    _ => return Err(bad("access-scope-invalid")),
                }
            }
            "account" => {
                let id = value
                    .parse::<AccountId>()
                    .ok()
                    .filter(|id| known.contains(id))
                    .ok_or_else(|| bad("access-account-unknown"))?;
                access.accounts.push(id);
            }
            "hide_personal_data" => access.hide_personal_data = true,
            _ => {}
        }
    }
    access.accounts.sort_unstable();
    access.accounts.dedup();
    if access.all_accounts {
        access.accounts.clear();
    }
    Ok(access)
}

/// `POST /users/{id}/access`
pub async fn access_save(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (user, _, accounts) = load_user(&state, path.into_inner()).await?;
    let known: Vec<AccountId> = accounts.iter().map(|a| a.id).collect();
    let access = parse_access(&body, &known)?;
    let actor = actor(&auth.user, &req);
    let (user_id, email) = (user.id, user.email.clone());
    let saved = access.clone();
    db::run(&state.pool, move |conn| {
        saved
            .save_recorded(conn, user_id, &email, &actor)
            .map_err(AppError::from)
    })
    .await?;
    auth.session
        .flash(FlashLevel::Success, access_message(&user.email, &access));
    Ok(see_other("/users"))
}

/// "… now sees: …" in the request's language.
fn access_message(email: &str, access: &UserAccess) -> String {
    let lang = i18n::current_lang();
    let mut sees = if access.all_accounts {
        i18n::translate(lang, "filter-all-accounts")
    } else {
        i18n::Message::new(lang, "access-accounts-count")
            .count(access.accounts.len())
            .to_string()
    };
    if access.hide_personal_data {
        sees = format!("{sees}, {}", i18n::translate(lang, "users-sees-masked"));
    }
    i18n::Message::new(lang, "access-saved")
        .arg("email", email)
        .arg("sees", sees)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn some_accounts_with_masking() {
        let access = parse_access(
            b"scope=some&account=2&account=1&account=2&hide_personal_data=on",
            &[AccountId(1), AccountId(2), AccountId(3)],
        )
        .unwrap();
        assert_eq!(
            access,
            UserAccess {
                all_accounts: false,
                accounts: vec![AccountId(1), AccountId(2)],
                hide_personal_data: true
            }
        );
    }

    #[test]
    fn all_accounts_ignores_ticked_boxes() {
        let access = parse_access(b"scope=all&account=2", &[AccountId(2)]).unwrap();
        assert!(access.all_accounts && access.accounts.is_empty() && !access.hide_personal_data);
    }

    #[test]
    fn unknown_accounts_and_scopes_are_refused() {
        assert!(parse_access(b"scope=some&account=9", &[AccountId(1)]).is_err());
        assert!(parse_access(b"scope=some&account=x", &[AccountId(1)]).is_err());
        assert!(parse_access(b"scope=everything", &[AccountId(1)]).is_err());
    }
}
