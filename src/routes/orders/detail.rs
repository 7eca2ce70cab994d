//! The order detail page (`/orders/{checkout form id}`, every role): the backed-up checkout
//! form in readable sections, its customer returns, its events, revisions with a diff, the raw
//! JSON, and the team's internal notes and tags (see `notes`).
//!
//! The order is looked up through `db::models::order::visible`, so a user scoped to some
//! accounts gets the same 404 for another account's order as for an unknown id, and a user
//! who must not see personal data gets every section, the raw JSON and the diff masked.

use chrono::{DateTime, Utc};
use diesel::{PgConnection, QueryResult};
use serde::Deserialize;

use crate::db::models::settings::SettingsRow;
use crate::routes::prelude::*;
use crate::{
    auth::AnyUser,
    db::{
        self,
        models::{
            billing_entry, customer_return,
            invoice::{self, InvoiceRead},
            order::{
                OrderRow,
                detail::{self, RevisionHead},
            },
            order_event, payment_operation, refund, refund_claim, shipment,
        },
    },
    domain::{CheckoutFormId, Lang},
    error::see_other,
    i18n,
    orders::{
        Viewer,
        detail::{
            OrderSections,
            claims::{ClaimView, claim_views},
            invoices::{InvoicesPart, invoices_part},
            money::{CurrencyMoney, money_views},
            refunds::{RefundView, refund_views},
            returns::{ReturnView, return_views},
            sections,
            wallet::{OperationLine, operation_lines, payment_ids},
        },
        diff::{Change, diff},
        mask_json::{HIDDEN, for_viewer},
    },
};

use super::{
    lookup::{checkout_form_id, find_visible},
    notes::{self, TeamPartial, team},
};

/// What the page shows about our copy of the order.
pub struct RecordView {
    pub account_login: String,
    pub revision: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub merged_into: Option<String>,
    pub gone_since: Option<DateTime<Utc>>,
    /// Sum of unit price × quantity per currency (`59.80 PLN`).
    pub items_total: String,
}

pub struct EventView {
    pub id: String,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
}

/// A revision as the list and the pickers show it (`revision_label` in `macros.html`).
#[derive(Clone)]
pub struct RevisionView {
    pub id: i64,
    pub seen_at: DateTime<Utc>,
    pub revision: Option<String>,
}

pub struct ShipmentView {
    /// The tracking number, hidden from a user who must not see personal data (it opens the
    /// carrier's page with the recipient's name and town).
    pub waybill: String,
    pub carrier: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub removed_at: Option<DateTime<Utc>>,
}

/// The diff between two revisions, swapped alone by htmx when other revisions are picked.
#[derive(Template)]
#[template(path = "orders/detail_diff_partial.html")]
pub struct DiffPartial {
    pub loc: Locale,
    pub from: Option<RevisionView>,
    pub to: Option<RevisionView>,
    pub changes: Vec<Change>,
}

#[derive(Template)]
#[template(path = "orders/detail.html")]
pub struct OrderDetailPage {
    pub page: PageContext,
    pub id: CheckoutFormId,
    pub record: RecordView,
    pub s: OrderSections,
    pub masked: bool,
    pub raw_json: String,
    pub events: Vec<EventView>,
    pub revisions: Vec<RevisionView>,
    pub diff: DiffPartial,
    pub shipments: Vec<ShipmentView>,
    /// Without shipments: why there are none (yet).
    pub no_shipments: String,
    /// The order's customer returns.
    pub returns: Vec<ReturnView>,
    /// The refunds of the order's payment.
    pub refunds: Vec<RefundView>,
    /// The commission refund claims for its line items.
    pub claims: Vec<ClaimView>,
    /// The invoices attached to it.
    pub invoices: InvoicesPart,
    /// Paid, fees, refunds and net, per currency.
    pub money: Vec<CurrencyMoney>,
    pub operations: Vec<OperationLine>,
    pub team: TeamPartial,
}

/// `?from=<revision row id>&to=<revision row id>`, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DiffParams {
    from: Option<String>,
    to: Option<String>,
}

fn revision_param(name: &str, value: &Option<String>, lang: Lang) -> Result<Option<i64>, AppError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            AppError::BadRequest(
                i18n::Message::new(lang, "diff-bad-revision")
                    .arg("name", name)
                    .arg("value", v)
                    .to_string(),
            )
        }),
    }
}

fn items_total(conn: &mut PgConnection, order_id: i64, loc: &Locale) -> QueryResult<String> {
    let totals = detail::items_totals(conn, order_id)?;
    Ok(if totals.is_empty() {
        crate::orders::detail::NONE.to_owned()
    } else {
        totals
            .iter()
            .map(|t| loc.money(&t.total, &t.currency))
            .collect::<Vec<_>>()
            .join(" + ")
    })
}

/// The order's revisions, newest first (without their JSON).
fn revisions(conn: &mut PgConnection, order_id: i64) -> QueryResult<Vec<RevisionView>> {
    Ok(detail::revisions(conn, order_id)?
        .into_iter()
        .map(
            |RevisionHead {
                 id,
                 revision,
                 seen_at,
             }| RevisionView {
                id,
                seen_at,
                revision,
            },
        )
        .collect())
}

/// The diff between the chosen revisions (default: the previous one against the latest).
fn revision_diff(
    conn: &mut PgConnection,
    viewer: &Viewer,
    order_id: i64,
    revisions: &[RevisionView],
    params: &DiffParams,
    loc: Locale,
) -> Result<DiffPartial, AppError> {
    let from = revision_param("from", &params.from, loc.lang)?.or(revisions.get(1).map(|r| r.id));
    let to = revision_param("to", &params.to, loc.lang)?.or(revisions.first().map(|r| r.id));
    let (Some(from), Some(to)) = (from, to) else {
        return Ok(DiffPartial {
            loc,
            from: None,
            to: None,
            changes: vec![],
        });
    };
    let view = |id: i64| {
        revisions
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or_else(|| {
                AppError::BadRequest(
                    i18n::Message::new(loc.lang, "diff-unknown-revision")
                        .arg("id", id)
                        .to_string(),
                )
            })
    };
    let (from_view, to_view) = (view(from)?, view(to)?);
    let before = detail::revision_document(conn, order_id, from)?;
    let after = detail::revision_document(conn, order_id, to)?;
    Ok(DiffPartial {
        loc,
        from: Some(from_view),
        to: Some(to_view),
        changes: diff(&for_viewer(viewer, &before), &for_viewer(viewer, &after)),
    })
}

fn record_view(conn: &mut PgConnection, order: &OrderRow, loc: &Locale) -> QueryResult<RecordView> {
    let account_login = detail::account_login(conn, order.account_id)?
        .unwrap_or_else(|| format!("account {}", order.account_id));
    Ok(RecordView {
        account_login,
        revision: order.columns.revision.clone(),
        first_seen: order.first_seen_at,
        last_seen: order.last_seen_at,
        merged_into: order.merged_into.clone(),
        gone_since: order.gone_from_allegro_at,
        items_total: items_total(conn, order.id, loc)?,
    })
}

fn shipments(
    conn: &mut PgConnection,
    viewer: &Viewer,
    order: &OrderRow,
) -> QueryResult<Vec<ShipmentView>> {
    let rows = shipment::for_order(conn, order.account_id, &order.columns.checkout_form_id)?;
    Ok(rows
        .into_iter()
        .map(|s| ShipmentView {
            waybill: match s.shipment.waybill {
                Some(_) if viewer.hide_personal_data => HIDDEN.into(),
                Some(waybill) => waybill,
                None => "—".into(),
            },
            carrier: s.shipment.carrier_name.or(s.shipment.carrier_id),
            created_at: s.shipment.created_at,
            removed_at: s.removed_at,
        })
        .collect())
}

/// The order's customer returns as `viewer` may see them.
fn returns(
    conn: &mut PgConnection,
    viewer: &Viewer,
    order: &OrderRow,
    loc: &Locale,
) -> QueryResult<Vec<ReturnView>> {
    let stored =
        customer_return::for_order(conn, order.account_id, &order.columns.checkout_form_id)?;
    Ok(return_views(&stored, viewer, loc))
}

/// The order's payment refunds as `viewer` may see them, its money per currency and its
/// wallet operations.
fn refunds_and_money(
    conn: &mut PgConnection,
    viewer: &Viewer,
    order: &OrderRow,
    loc: &Locale,
) -> QueryResult<MoneyPart> {
    let (account, id) = (order.account_id, &order.columns.checkout_form_id);
    let stored = refund::for_order(conn, account, id)?;
    let fees = billing_entry::fee_totals_for_order(conn, account, id)?;
    let operations = payment_operation::for_payments(conn, account, &payment_ids(&order.raw))?;
    Ok(MoneyPart {
        refunds: refund_views(&stored, &order.raw, viewer, loc),
        money: money_views(&order.raw, &fees, &stored, loc),
        operations: operation_lines(&operations, loc),
    })
}

/// The order page's money: refunds, sums per currency, wallet operations.
struct MoneyPart {
    refunds: Vec<RefundView>,
    money: Vec<CurrencyMoney>,
    operations: Vec<OperationLine>,
}

/// Why an order shows no shipments: nothing sent yet, sent but not read yet (the first
/// backup reads shipments after every order), or read and Allegro lists none.
fn no_shipments_note(
    conn: &mut PgConnection,
    order: &OrderRow,
    loc: &Locale,
) -> QueryResult<String> {
    let sent = order
        .raw
        .pointer("/fulfillment/shipmentSummary/lineItemsSent")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|sent| sent == "SOME" || sent == "ALL");
    if !sent {
        return Ok(loc.t("od-no-shipments-not-sent"));
    }
    Ok(match shipment::last_read(conn, order.id)? {
        (Some(at), revision) if revision == order.columns.revision => loc
            .msg("od-no-shipments-none-listed")
            .arg("at", loc.time(at))
            .to_string(),
        _ => loc.t("od-no-shipments-to-read"),
    })
}

/// `GET /orders/{id}`: the whole page; `?from=&to=` picks the revisions to compare.
pub async fn order_show(
    auth: RequireRole<AnyUser>,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
    params: web::Query<DiffParams>,
) -> Result<HttpResponse, AppError> {
    let id = checkout_form_id(&path.into_inner())?;
    let (user, viewer, csrf_token) = (auth.user.clone(), auth.viewer.clone(), auth.csrf_token()?);
    let loc = page.loc();
    let detail = db::run(&state.pool, move |conn| {
        let order = find_visible(conn, &viewer, &id)?;
        let raw = for_viewer(&viewer, &order.raw);
        let revisions = revisions(conn, order.id)?;
        let diff = revision_diff(conn, &viewer, order.id, &revisions, &params, loc)?;
        let events = order_event::for_checkout_form(
            conn,
            order.account_id,
            &order.columns.checkout_form_id,
        )?
        .into_iter()
        .map(|e| EventView {
            id: e.event_id,
            kind: e.event_type,
            occurred_at: e.occurred_at,
        })
        .collect();
        let MoneyPart {
            refunds,
            money,
            operations,
        } = refunds_and_money(conn, &viewer, &order, &loc)?;
        Ok::<_, AppError>(OrderDetailPage {
            page: PageContext::default(),
            record: record_view(conn, &order, &loc)?,
            s: sections(&raw, &loc),
            masked: viewer.hide_personal_data,
            raw_json: serde_json::to_string_pretty(&raw).map_err(AppError::unexpected)?,
            events,
            revisions,
            diff,
            shipments: shipments(conn, &viewer, &order)?,
            no_shipments: no_shipments_note(conn, &order, &loc)?,
            returns: returns(conn, &viewer, &order, &loc)?,
            refunds,
            claims: claim_views(
                &refund_claim::for_order(conn, order.account_id, &order.columns.checkout_form_id)?,
                &order.raw,
                &loc,
            ),
            invoices: invoices_part(
                &invoice::for_order(conn, order.account_id, &order.columns.checkout_form_id)?,
                InvoiceRead::last(conn, order.account_id, &order.columns.checkout_form_id)?,
                &loc,
            ),
            money,
            operations,
            team: team(conn, &order, &user, csrf_token, loc)?,
            id,
        })
    })
    .await?;
    ok(&OrderDetailPage {
        page: page.at(Nav::Orders),
        ..detail
    })
}

/// `GET /orders/{id}/diff?from=&to=`: the diff partial for htmx; a plain request is sent to
/// the page with the same choice.
pub async fn order_diff(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    params: web::Query<DiffParams>,
) -> Result<HttpResponse, AppError> {
    let id = checkout_form_id(&path.into_inner())?;
    let (viewer, target) = (auth.viewer, id.clone());
    let lang = i18n::current_lang();
    let partial = db::run(&state.pool, move |conn| {
        let loc = Locale::new(lang, SettingsRow::display_zone(conn)?);
        let order = find_visible(conn, &viewer, &target)?;
        let revisions = revisions(conn, order.id)?;
        revision_diff(conn, &viewer, order.id, &revisions, &params, loc)
    })
    .await?;
    if !is_htmx(&req) {
        let query = req.query_string();
        return Ok(see_other(&format!("/orders/{id}?{query}#revisions")));
    }
    ok(&partial)
}

/// The routes of this page. Register after `/orders/export`: `{id}` would match "export".
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/orders/{id}", web::get().to(order_show))
        .route("/orders/{id}/diff", web::get().to(order_diff))
        .configure(notes::configure);
}
