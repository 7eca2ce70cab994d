//! The Settings page (admins): the run-time settings of syncs, reconcile, retention and
//! alerts. A change is validated field by field, saved with an audit entry in one
//! transaction, and used by the next job without a restart.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use serde_json::json;

use crate::{
    auth::{Admin, RequireRole, session::FlashLevel},
    db::{self, models::settings::SettingsRow},
    error::{AppError, see_other},
    settings::{
        Bounded, DEFAULT_ZONE, HISTORY_MONTHS, RECONCILE_HOUR, RECONCILE_WINDOW, RUN_RETENTION,
        STALE_AFTER, SYNC_INTERVAL, SyncSettings,
        form::{DISPLAY_ZONE_FIELD, FIELD_NAMES, FieldError, SettingsForm},
    },
    state::AppState,
    web::{
        filters, ok,
        page::{Nav, Page, PageContext},
        render,
    },
};

use super::actor;

/// One input of the form.
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub value: String,
    /// The environment's default, shown next to the field.
    pub default: String,
    /// `number` (with `min`/`max`) or `date`.
    pub kind: &'static str,
    pub min: u32,
    pub max: u32,
    pub unit: &'static str,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "settings/index.html")]
pub struct SettingsPage {
    pub page: PageContext,
    pub fields: Vec<FieldView>,
    pub has_errors: bool,
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The display time zone field.
    pub zone_value: String,
    pub zone_error: Option<String>,
    pub zone_default: &'static str,
}

/// The form's fields in the order of `FIELD_NAMES`: label, hint and rule (`None`: a date).
const FIELDS: [(&str, &str, Option<Bounded>); 7] = [
    (
        "Sync every",
        "0 turns scheduled syncs off (syncs then run only by hand or from the CLI).",
        Some(SYNC_INTERVAL),
    ),
    (
        "Reconcile window",
        "The nightly reconcile re-lists orders bought in this many recent days.",
        Some(RECONCILE_WINDOW),
    ),
    (
        "Nightly reconcile at",
        "Hour of the day, in the server's local time.",
        Some(RECONCILE_HOUR),
    ),
    (
        "First backup reaches back",
        "Allegro serves about 12 months of orders.",
        Some(HISTORY_MONTHS),
    ),
    (
        "…or from this date",
        "Optional; when set it replaces the months above.",
        None,
    ),
    (
        "Keep sync history for",
        "Finished runs older than this are deleted; running ones never.",
        Some(RUN_RETENTION),
    ),
    (
        "Alert after no successful sync for",
        "Keep it well below Allegro's 60-day event journal, so someone acts before events are lost.",
        Some(STALE_AFTER),
    ),
];

fn fields(form: &SettingsForm, defaults: &SyncSettings, errors: &[FieldError]) -> Vec<FieldView> {
    let values = form.values();
    let defaults = SettingsForm::from_settings(defaults);
    let defaults = defaults.values();
    FIELD_NAMES
        .into_iter()
        .zip(FIELDS)
        .zip(values.into_iter().zip(defaults))
        .map(
            |((name, (label, hint, rule)), (value, default))| FieldView {
                name,
                label,
                hint,
                value: value.to_owned(),
                default: if default.is_empty() {
                    "none".to_owned()
                } else {
                    default.to_owned()
                },
                kind: if rule.is_some() { "number" } else { "date" },
                min: rule.map_or(0, |r| r.min),
                max: rule.map_or(0, |r| r.max),
                unit: rule.map_or("", |r| r.unit),
                error: errors
                    .iter()
                    .find(|e| e.field == name)
                    .map(|e| e.message.clone()),
            },
        )
        .collect()
}

async fn settings_page(
    state: &AppState,
    page: Page,
    form: Option<SettingsForm>,
    errors: Vec<FieldError>,
) -> Result<SettingsPage, AppError> {
    let defaults = state.config.sync.clone();
    let (in_force, row, zone) = {
        let defaults = defaults.clone();
        db::run(&state.pool, move |conn| {
            Ok::<_, AppError>((
                SettingsRow::in_force(conn, &defaults)?,
                SettingsRow::find(conn)?,
                SettingsRow::display_zone(conn)?,
            ))
        })
        .await?
    };
    let form = form.unwrap_or_else(|| SettingsForm::with_zone(&in_force, zone));
    Ok(SettingsPage {
        page: page.at(Nav::Settings),
        fields: fields(&form, &defaults, &errors),
        has_errors: !errors.is_empty(),
        updated_at: row.map(|r| r.updated_at),
        zone_error: errors
            .iter()
            .find(|e| e.field == DISPLAY_ZONE_FIELD)
            .map(|e| e.message.clone()),
        zone_value: form.display_time_zone,
        zone_default: DEFAULT_ZONE.name(),
    })
}

/// `GET /settings`
pub async fn settings_index(
    _admin: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ok(&settings_page(&state, page, None, vec![]).await?)
}

/// `POST /settings`: saves every setting, or shows the form again with a message per bad
/// field (400).
pub async fn settings_save(
    req: HttpRequest,
    auth: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (new, zone) = match (
        form.parse(chrono::Utc::now().date_naive()),
        form.parse_zone(),
    ) {
        (Ok(new), Ok(zone)) => (new, zone),
        (parsed, zone) => {
            let mut errors = parsed.err().unwrap_or_default();
            errors.extend(zone.err());
            let page = settings_page(&state, page, Some(form), errors).await?;
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    let (actor, user_id, defaults) = (
        actor(&auth.user, &req),
        auth.user.id,
        state.config.sync.clone(),
    );
    db::run(&state.pool, move |conn| {
        let describe = |old: &SyncSettings, old_zone| {
            let mut changes =
                SettingsForm::from_settings(old).changes_to(&SettingsForm::from_settings(&new));
            let new_zone = zone.unwrap_or(DEFAULT_ZONE);
            if new_zone != old_zone {
                changes.insert(
                    DISPLAY_ZONE_FIELD.to_owned(),
                    json!([old_zone.name(), new_zone.name()]),
                );
            }
            changes
        };
        SettingsRow::save_recorded(
            conn,
            &defaults,
            (&new, zone),
            Some(user_id),
            &actor,
            describe,
        )
        .map_err(AppError::from)
    })
    .await?;
    auth.session.flash(
        FlashLevel::Success,
        "Settings saved; the next jobs use them.",
    );
    Ok(see_other("/settings"))
}
