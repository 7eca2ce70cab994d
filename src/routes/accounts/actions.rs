//! The Accounts page: linked Allegro accounts, connecting new ones with the device-code flow
//! (htmx follows the background poll), and the actions on each account.

use serde::Deserialize;
use serde_json::json;

use crate::routes::prelude::*;
use crate::{
    accounts::{LinkError, RefreshReason},
    auth::{AnyUser, CurrentUser, Operator, session::FlashLevel},
    db::models::settings::SettingsRow,
    db::{
        self,
        models::{
            account::{AccountRow, AccountStatus},
            audit::{AuditAction, AuditEntry},
            device_authorization::DeviceAuthorizationRow,
            order,
            scope_gap::ScopeGap,
            sync::SyncRun,
        },
    },
    domain::{AccountId, Role, Viewer},
    error::see_other,
    i18n, settings,
};

use super::{
    super::actor,
    view::{AccountView, AccountsPage, ConnectPage, ConnectStatusPartial, LatestRun, qr_svg},
};

/// `GET /accounts`
pub async fn accounts_index(
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let scope = auth.viewer.scope.clone();
    let loc = page.loc();
    let scheduled = state.config.scheduler.interval.is_some()
        || settings::current(&state.pool, &state.config.sync)
            .await?
            .sync_interval()
            .is_some();
    let accounts = db::run(&state.pool, move |conn| {
        let mut views = vec![];
        for row in AccountRow::list(conn, &scope)? {
            let id = row.id;
            let mut view = AccountView::from(row);
            view.orders = order::count_for_account(conn, id)?;
            view.need_reconnect = ScopeGap::for_account(conn, id)?;
            view.latest = SyncRun::recent(conn, &scope, Some(id), 1)?
                .first()
                .map(|run| LatestRun::new(run, &loc));
            views.push(view);
        }
        Ok::<_, AppError>(views)
    })
    .await?;
    ok(&AccountsPage {
        can_manage: auth.user.role.includes(crate::domain::Role::Operator),
        can_connect: auth.viewer.may_connect_accounts(),
        page: page.at(Nav::Accounts),
        accounts,
        environment: state.accounts.environment.as_str(),
        scheduled,
    })
}

/// The message `key` in the request's language, to fill.
fn say(key: &'static str) -> i18n::Message {
    i18n::Message::new(i18n::current_lang(), key)
}

/// `POST /accounts/connect`: asks Allegro for a device code and shows it.
pub async fn account_connect_start(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if !auth.viewer.may_connect_accounts() {
        return Err(AppError::Refused(i18n::translate(
            i18n::current_lang(),
            "accounts-connect-refused",
        )));
    }
    let actor = actor(&auth.user, &req);
    let flow = state
        .accounts
        .start_link(actor.clone())
        .await
        .map_err(|e| match e {
            LinkError::Allegro(err) => AppError::Upstream(
                say("accounts-connect-upstream")
                    .arg("error", err)
                    .to_string(),
            ),
            LinkError::Db(err) => AppError::from(err),
        })?;
    let id = flow.id;
    state.accounts.spawn_poller(flow, actor);
    Ok(see_other(&format!("/accounts/connect/{id}")))
}

/// The flow `id` if `user` may see it: their own, or any for an admin (the code on it lets
/// whoever holds it approve an Allegro account in the starter's name); a flow that linked an
/// account outside the viewer's scope is not theirs to see either.
async fn load_flow(
    state: &AppState,
    user: &CurrentUser,
    viewer: &Viewer,
    id: i64,
) -> Result<ConnectStatusPartial, AppError> {
    let (user_id, is_admin) = (user.id, user.role == Role::Admin);
    let scope = viewer.scope.clone();
    let lang = i18n::current_lang();
    let (flow, account, zone) = db::run(&state.pool, move |conn| {
        let zone = SettingsRow::display_zone(conn)?;
        let flow = DeviceAuthorizationRow::find(conn, id)?
            .filter(|f| is_admin || f.started_by == Some(user_id))
            .ok_or(AppError::NotFound)?;
        let account = match flow.account_id {
            Some(account_id) => {
                Some(AccountRow::find_in(conn, &scope, account_id)?.ok_or(AppError::NotFound)?)
            }
            None => None,
        };
        Ok::<_, AppError>((flow, account, zone))
    })
    .await?;
    Ok(ConnectStatusPartial {
        loc: Locale::new(lang, zone),
        flow: flow.into(),
        login: account.map(|a| a.login),
    })
}

/// `GET /accounts/connect/{id}`: the code, the link, a QR code and the live status.
pub async fn account_connect_page(
    auth: RequireRole<Operator>,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let status = load_flow(&state, &auth.user, &auth.viewer, path.into_inner()).await?;
    ok(&ConnectPage {
        page: page.at(Nav::Accounts),
        qr_svg: qr_svg(&status.flow.verification_uri_complete),
        status,
    })
}

/// `GET /accounts/connect/{id}/status`: the status region, polled by htmx while pending.
pub async fn account_connect_status(
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ok(&load_flow(&state, &auth.user, &auth.viewer, path.into_inner()).await?)
}

/// The account `id` if the viewer may see it; 404 otherwise, as for an unknown id.
async fn find_account(
    state: &AppState,
    viewer: &Viewer,
    id: AccountId,
) -> Result<AccountRow, AppError> {
    let scope = viewer.scope.clone();
    db::run(&state.pool, move |conn| {
        AccountRow::find_in(conn, &scope, id)?.ok_or(AppError::NotFound)
    })
    .await
}

async fn audit(
    state: &AppState,
    actor: crate::db::models::audit::Actor,
    action: AuditAction,
    account: &AccountRow,
    details: serde_json::Value,
) -> Result<(), AppError> {
    let (login, id) = (account.login.clone(), account.id);
    db::run(&state.pool, move |conn| {
        let mut details = details;
        details["account"] = json!(id);
        AuditEntry::record(conn, &actor, action, Some(&login), details).map_err(AppError::from)
    })
    .await
}

/// What an account action did: the details of its audit entry (`None`: it did nothing, so
/// nothing is recorded) and the message shown back on the list.
struct Done {
    audit: Option<serde_json::Value>,
    level: FlashLevel,
    message: String,
}

impl Done {
    fn new(details: serde_json::Value, level: FlashLevel, message: String) -> Self {
        Done {
            audit: Some(details),
            level,
            message,
        }
    }
}

/// Runs `act` on account `id` in the viewer's scope (404 outside it), records `action` in the
/// audit log and answers back on the list with the message (htmx follows the redirect).
async fn account_action(
    req: &HttpRequest,
    auth: &RequireRole<Operator>,
    state: &AppState,
    id: AccountId,
    action: AuditAction,
    act: impl AsyncFnOnce(&AccountRow) -> Result<Done, AppError>,
) -> Result<HttpResponse, AppError> {
    let account = find_account(state, &auth.viewer, id).await?;
    let done = act(&account).await?;
    if let Some(details) = done.audit {
        audit(state, actor(&auth.user, req), action, &account, details).await?;
    }
    auth.session.flash(done.level, done.message);
    Ok(see_other("/accounts"))
}

/// `POST /accounts/{id}/refresh`: refresh the tokens now.
pub async fn account_refresh(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<AccountId>,
) -> Result<HttpResponse, AppError> {
    let refresh = async |account: &AccountRow| {
        if account.status() == AccountStatus::Disconnected {
            return Err(AppError::BadRequest(
                say("accounts-disconnected-already").to_string(),
            ));
        }
        let result = state
            .accounts
            .refresh(account.id, RefreshReason::Forced)
            .await;
        let details = json!({ "ok": result.is_ok() });
        Ok(match result {
            Ok(_) => Done::new(
                details,
                FlashLevel::Success,
                say("accounts-refreshed")
                    .arg("login", &account.login)
                    .to_string(),
            ),
            Err(e) => Done::new(
                details,
                FlashLevel::Error,
                say("accounts-refresh-failed")
                    .arg("login", &account.login)
                    .arg("error", e)
                    .to_string(),
            ),
        })
    };
    let action = AuditAction::AccountRefreshed;
    account_action(&req, &auth, &state, path.into_inner(), action, refresh).await
}

/// `POST /accounts/{id}/validate`: ask Allegro who the token belongs to.
pub async fn account_validate(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<AccountId>,
) -> Result<HttpResponse, AppError> {
    let validate = async |account: &AccountRow| {
        let result = state.accounts.api(account.id).me().await;
        let details = json!({ "ok": result.is_ok() });
        Ok(match result {
            Ok(me) if me.id == account.allegro_user_id => Done::new(
                details,
                FlashLevel::Success,
                say("accounts-valid")
                    .arg("login", &account.login)
                    .to_string(),
            ),
            Ok(me) => Done::new(
                details,
                FlashLevel::Warning,
                say("accounts-other-user")
                    .arg("login", &account.login)
                    .arg("user", me.id)
                    .to_string(),
            ),
            Err(e) => Done::new(
                details,
                FlashLevel::Error,
                say("accounts-invalid")
                    .arg("login", &account.login)
                    .arg("error", e)
                    .to_string(),
            ),
        })
    };
    let action = AuditAction::AccountValidated;
    account_action(&req, &auth, &state, path.into_inner(), action, validate).await
}

/// `POST /accounts/{id}/disconnect`: delete the tokens, keep the account and its data.
pub async fn account_disconnect(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<AccountId>,
) -> Result<HttpResponse, AppError> {
    let disconnect = async |account: &AccountRow| {
        let id = account.id;
        db::run(&state.pool, move |conn| {
            AccountRow::disconnect(conn, id).map_err(AppError::from)
        })
        .await?;
        state.accounts.forget(id);
        Ok(Done::new(
            json!({}),
            FlashLevel::Success,
            say("accounts-disconnected")
                .arg("login", &account.login)
                .to_string(),
        ))
    };
    let action = AuditAction::AccountDisconnected;
    account_action(&req, &auth, &state, path.into_inner(), action, disconnect).await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm_login: String,
}

/// `POST /accounts/{id}/delete`: delete the account and its data, after typing its login.
pub async fn account_delete(
    req: HttpRequest,
    auth: RequireRole<Operator>,
    state: web::Data<AppState>,
    path: web::Path<AccountId>,
    form: web::Form<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let delete = async |account: &AccountRow| {
        if form.confirm_login.trim() != account.login {
            return Ok(Done {
                audit: None,
                level: FlashLevel::Error,
                message: say("accounts-delete-mismatch")
                    .arg("login", &account.login)
                    .to_string(),
            });
        }
        let id = account.id;
        db::run(&state.pool, move |conn| {
            AccountRow::delete(conn, id).map_err(AppError::from)
        })
        .await?;
        state.accounts.forget(id);
        Ok(Done::new(
            json!({}),
            FlashLevel::Success,
            say("accounts-deleted")
                .arg("login", &account.login)
                .to_string(),
        ))
    };
    let action = AuditAction::AccountDeleted;
    account_action(&req, &auth, &state, path.into_inner(), action, delete).await
}
