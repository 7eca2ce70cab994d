//! The Settings page (admins): the run-time settings of syncs, reconcile, retention and
//! alerts. A change is validated field by field, saved with an audit entry in one
//! transaction, and used by the next job without a restart.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use serde_json::json;

use super::prelude::*;
use crate::{
    auth::{Admin, RequireRole, session::FlashLevel},
    db::{self, models::settings::SettingsRow},
    error::see_other,
    i18n,
    settings::{
        Bounded, DEFAULT_ZONE, HISTORY_MONTHS, RECONCILE_HOUR, RECONCILE_WINDOW, RUN_RETENTION,
        STALE_AFTER, SYNC_INTERVAL, SyncSettings,
        form::{DISPLAY_ZONE_FIELD, FIELD_NAMES, FieldError, SettingsForm},
    },
    web::{filters, ok, render},
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
    pub unit: String,
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

/// The form's fields in the order of `FIELD_NAMES`: the message keys of the label and the
/// hint, and the rule (`None`: a date). Each unit's message is `settings-unit-<unit>`.
const FIELDS: [(&str, &str, Option<Bounded>); 7] = [
    (
        "settings-sync-every",
        "settings-sync-every-hint",
        Some(SYNC_INTERVAL),
    ),
    (
        "settings-reconcile-window",
        "settings-reconcile-window-hint",
        Some(RECONCILE_WINDOW),
    ),
    (
        "settings-reconcile-hour",
        "settings-reconcile-hour-hint",
        Some(RECONCILE_HOUR),
    ),
    (
        "settings-history-months",
        "settings-history-months-hint",
        Some(HISTORY_MONTHS),
    ),
    (
        "settings-history-start",
        "settings-history-start-hint",
        None,
    ),
    (
        "settings-retention",
        "settings-retention-hint",
        Some(RUN_RETENTION),
    ),
    (
        "settings-stale-after",
        "settings-stale-after-hint",
        Some(STALE_AFTER),
    ),
];

/// What a refused field says, in `loc`'s language: the range and unit of a number, or what a
/// date must be.
fn field_error(loc: &Locale, rule: Option<Bounded>, value: &str) -> String {
    match rule {
        Some(rule) => loc
            .msg("settings-error-range")
            .arg("min", rule.min)
            .arg("max", rule.max)
            .arg(
                "unit",
                loc.t(&format!("settings-unit-{}", unit_key(rule.unit))),
            )
            .to_string(),
        None if chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").is_ok() => {
            loc.t("settings-error-date-future")
        }
        None => loc.t("settings-error-date"),
    }
}

/// A unit as a message key part (`o'clock` → `oclock`).
fn unit_key(unit: &str) -> String {
    unit.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn fields(
    form: &SettingsForm,
    defaults: &SyncSettings,
    errors: &[FieldError],
    loc: &Locale,
) -> Vec<FieldView> {
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
                    loc.t("settings-default-none")
                } else {
                    default.to_owned()
                },
                kind: if rule.is_some() { "number" } else { "date" },
                min: rule.map_or(0, |r| r.min),
                max: rule.map_or(0, |r| r.max),
                unit: rule.map_or(String::new(), |r| {
                    loc.t(&format!("settings-unit-{}", unit_key(r.unit)))
                }),
                error: errors
                    .iter()
                    .any(|e| e.field == name)
                    .then(|| field_error(loc, rule, value)),
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
    let loc = page.loc();
    Ok(SettingsPage {
        page: page.at(Nav::Settings),
        fields: fields(&form, &defaults, &errors, &loc),
        has_errors: !errors.is_empty(),
        updated_at: row.map(|r| r.updated_at),
        zone_error: errors
            .iter()
            .any(|e| e.field == DISPLAY_ZONE_FIELD)
            .then(|| {
                loc.msg("settings-error-zone")
                    .arg("value", form.display_time_zone.trim())
                    .to_string()
            }),
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
        i18n::translate(i18n::current_lang(), "settings-saved"),
    );
    Ok(see_other("/settings"))
}
