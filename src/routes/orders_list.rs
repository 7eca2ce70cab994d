//! The orders list (`GET /orders`, every role): filters, search, sort, keyset paging, a capped
//! count, export links and the saved views bar. htmx requests get only the results partial.

use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{HeaderName, HeaderValue},
    web,
};
use askama::Template;
use chrono_tz::Tz;

use crate::db::models::settings::SettingsRow;
use crate::{
    auth::{AnyUser, RequireRole},
    db::{
        self,
        models::{
            account::AccountRow,
            delivery_method,
            order::{
                count::{self, Total},
                list::OrderListRow,
            },
            saved_view::SavedView,
        },
    },
    error::AppError,
    orders::{
        OrderParams, Viewer,
        export::ExportFormat,
        filter::{FULFILLMENT_STATUSES, ORDER_STATUSES, PAYMENT_TYPES},
        mask::mask,
        page::{self, ListRequest, PAGE_SIZES},
        sort::SORTS,
    },
    settings::local_time,
    state::AppState,
    web::{
        htmx::is_htmx,
        ok,
        page::{Nav, PageContext},
    },
};

const HX_PUSH_URL: HeaderName = HeaderName::from_static("hx-push-url");

/// Export formats offered under the list, as `(format, label)`.
/// Common marketplaces and currencies offered in the selects (any valid code still works).
const MARKETPLACES: [&str; 4] = ["allegro-pl", "allegro-cz", "allegro-sk", "allegro-hu"];
const CURRENCIES: [&str; 4] = ["PLN", "CZK", "EUR", "HUF"];

/// A badge: its text and its CSS class.
pub struct Badge {
    pub label: String,
    pub class: &'static str,
}

fn humanize(code: &str) -> String {
    let lower = code.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn status_badge(status: &str) -> Badge {
    let class = match status {
        "READY_FOR_PROCESSING" => "badge-ok",
        "CANCELLED" => "badge-muted",
        _ => "badge-warn",
    };
    Badge {
        label: humanize(status),
        class,
    }
}

fn fulfillment_badge(status: &str) -> Badge {
    let class = match status {
        "SENT" | "PICKED_UP" | "READY_FOR_PICKUP" => "badge-ok",
        "CANCELLED" | "RETURNED" | "SUSPENDED" => "badge-muted",
        _ => "badge-info",
    };
    Badge {
        label: humanize(status),
        class,
    }
}

/// An order row as the table shows it.
pub struct OrderRowView {
    pub checkout_form_id: String,
    pub short_id: String,
    pub bought_at: String,
    pub account: String,
    pub buyer_login: String,
    pub buyer_name: String,
    pub status: Badge,
    pub fulfillment: Option<Badge>,
    pub payment: String,
    pub delivery: String,
    pub items: i32,
    pub total: String,
    pub currency: String,
    pub invoice: bool,
    pub merged_into: Option<String>,
    pub gone: bool,
}

impl OrderRowView {
    fn new(row: OrderListRow, accounts: &[AccountRow], zone: Tz, hide: bool) -> Self {
        let personal = |v: Option<String>| {
            let v = v.unwrap_or_default();
            if hide { mask(&v) } else { v }
        };
        let name = [row.buyer.first_name, row.buyer.last_name]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let name = match row.buyer.company_name.filter(|c| !c.is_empty()) {
            Some(company) if name.is_empty() => company,
            Some(company) => format!("{name} ({company})"),
            None => name,
        };
        Self {
            short_id: row.checkout_form_id.chars().take(8).collect(),
            bought_at: row
                .bought_at
                .map(|t| local_time(t, zone))
                .unwrap_or_else(|| "—".to_string()),
            account: accounts
                .iter()
                .find(|a| a.id == row.account_id)
                .map(|a| a.login.clone())
                .unwrap_or_default(),
            buyer_login: personal(row.buyer.login),
            buyer_name: if hide { mask(&name) } else { name },
            status: status_badge(&row.status),
            fulfillment: row.fulfillment_status.as_deref().map(fulfillment_badge),
            payment: row
                .payment_type
                .as_deref()
                .map(humanize)
                .unwrap_or_default(),
            delivery: row.delivery_method_name.unwrap_or_default(),
            items: row.line_item_count,
            total: row.total.unwrap_or_else(|| "—".to_string()),
            currency: row.currency.unwrap_or_default(),
            invoice: row.invoice_required,
            merged_into: row.merged_into,
            gone: row.gone_from_allegro_at.is_some(),
            checkout_form_id: row.checkout_form_id,
        }
    }
}

/// `params` as a query string: blank values dropped, the cursor replaced by `cursor`.
pub fn query_string(params: &OrderParams, cursor: Option<&str>) -> String {
    let mut clean = normalized(params);
    clean.cursor = cursor.map(str::to_string);
    serde_urlencoded::to_string(&clean).unwrap_or_default()
}

/// `params` with blank values removed and values trimmed.
fn normalized(params: &OrderParams) -> OrderParams {
    let mut value = serde_json::to_value(params).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| v.as_str().is_some_and(|s| !s.trim().is_empty()));
        for v in map.values_mut() {
            if let Some(s) = v.as_str() {
                *v = serde_json::Value::String(s.trim().to_string());
            }
        }
    }
    serde_json::from_value(value).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "orders/results_partial.html")]
pub struct OrdersResultsPartial {
    pub rows: Vec<OrderRowView>,
    pub total: String,
    pub total_is_one: bool,
    /// The total is PostgreSQL's estimate, not a count.
    pub total_is_estimate: bool,
    pub zone: String,
    pub next_href: Option<String>,
    pub prev_href: Option<String>,
    pub first_href: Option<String>,
    pub exports: Vec<(&'static str, String)>,
    /// The filters without cursor (saved views store it).
    pub view_query: String,
    /// htmx response: also update the save-view form's copy of `view_query` (out of band).
    pub oob: bool,
}

/// The filter form's current values, as typed.
pub struct FormValues {
    pub q: String,
    pub account: String,
    pub status: String,
    pub fulfillment: String,
    pub payment: String,
    pub delivery: String,
    pub marketplace: String,
    pub currency: String,
    pub bought_from: String,
    pub bought_to: String,
    pub min_total: String,
    pub max_total: String,
    pub invoice: String,
    pub merged: bool,
    pub sort: String,
    pub page_size: String,
}

impl FormValues {
    fn new(params: &OrderParams, request: &ListRequest) -> Self {
        let v = |s: &Option<String>| s.as_deref().unwrap_or_default().trim().to_string();
        Self {
            q: v(&params.q),
            account: v(&params.account),
            status: request.filter.status.unwrap_or_default().to_string(),
            fulfillment: request.filter.fulfillment.unwrap_or_default().to_string(),
            payment: request.filter.payment.unwrap_or_default().to_string(),
            delivery: v(&params.delivery),
            marketplace: v(&params.marketplace),
            currency: request.filter.currency.clone().unwrap_or_default(),
            bought_from: v(&params.bought_from),
            bought_to: v(&params.bought_to),
            min_total: v(&params.min_total),
            max_total: v(&params.max_total),
            invoice: match request.filter.invoice_required {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_string(),
            merged: request.filter.include_merged,
            sort: request.sort.name().to_string(),
            page_size: request.page_size.to_string(),
        }
    }
}

/// A saved view in the bar above the filters.
pub struct ViewChip {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub shared: bool,
    pub deletable: bool,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "orders/list.html")]
pub struct OrdersPage {
    pub page: PageContext,
    pub form: FormValues,
    pub accounts: Vec<(i64, String)>,
    pub delivery_methods: Vec<(String, String)>,
    pub statuses: Vec<(&'static str, String)>,
    pub fulfillments: Vec<(&'static str, String)>,
    pub payments: Vec<(&'static str, String)>,
    pub marketplaces: Vec<String>,
    pub currencies: Vec<String>,
    pub sorts: &'static [(&'static str, &'static str)],
    pub page_sizes: Vec<String>,
    pub views: Vec<ViewChip>,
    pub can_share: bool,
    pub results: OrdersResultsPartial,
}

/// Everything the handler reads from the database in one go.
struct Loaded {
    zone: Tz,
    params: OrderParams,
    request: ListRequest,
    viewer: Viewer,
    page: page::Page,
    total: Total,
    data: PageData,
}

/// What the full page needs beyond the results.
struct PageData {
    accounts: Vec<AccountRow>,
    delivery_methods: Vec<(String, String)>,
    views: Vec<SavedView>,
}

fn options(codes: &[&'static str]) -> Vec<(&'static str, String)> {
    codes.iter().map(|c| (*c, humanize(c))).collect()
}

/// Adds `current` to `known` when it is a value the select does not offer.
fn with_current(known: &[&str], current: &str) -> Vec<String> {
    let mut values: Vec<String> = known.iter().map(|s| s.to_string()).collect();
    if !current.is_empty() && !values.iter().any(|v| v == current) {
        values.push(current.to_string());
    }
    values
}

/// `GET /orders`
pub async fn orders_index(
    req: HttpRequest,
    auth: RequireRole<AnyUser>,
    state: web::Data<AppState>,
    query: web::Query<OrderParams>,
) -> Result<HttpResponse, AppError> {
    let params = query.into_inner();
    let viewer = auth.viewer.clone();
    let full_page = !is_htmx(&req);
    let loaded = db::run(&state.pool, move |conn| {
        let zone = SettingsRow::display_zone(conn)?;
        let request = ListRequest::parse(&params, zone)
            .map_err(|e| AppError::BadRequest(format!("Invalid filter — {e}")))?;
        let page = page::fetch_page(conn, &viewer, &request)?;
        // A first page with nothing after it holds every match: no need to count them again.
        let total = if request.cursor.is_none() && page.next.is_none() {
            Total::Exact(page.rows.len() as i64)
        } else {
            count::count(conn, viewer.visibility(), &request.filter)?
        };
        let accounts = AccountRow::list(conn, &viewer.scope)?;
        let data = PageData {
            delivery_methods: if full_page {
                delivery_method::in_scope(conn, &viewer.scope)?
            } else {
                Vec::new()
            },
            views: if full_page {
                SavedView::visible_to(conn, viewer.user_id, &accounts)?
            } else {
                Vec::new()
            },
            accounts,
        };
        Ok::<_, AppError>(Loaded {
            zone,
            params,
            request,
            viewer,
            page,
            total,
            data,
        })
    })
    .await?;
    let Loaded {
        zone,
        params,
        request,
        viewer,
        page,
        total,
        data,
    } = loaded;
    let results = results_partial(&params, zone, &viewer, page, total, &data.accounts);
    if !full_page {
        // The address bar shows the filters without the blanks a form submits.
        let query = query_string(&params, params.cursor.as_deref());
        let url = if query.is_empty() {
            "/orders".to_string()
        } else {
            format!("/orders?{query}")
        };
        let mut response = ok(&OrdersResultsPartial {
            oob: true,
            ..results
        })?;
        if let Ok(value) = HeaderValue::from_str(&url) {
            response.headers_mut().insert(HX_PUSH_URL, value);
        }
        return Ok(response);
    }
    let view_query = results.view_query.clone();
    let form = FormValues::new(&params, &request);
    let is_admin = auth.page.is_admin();
    let views = data
        .views
        .into_iter()
        .map(|v| ViewChip {
            deletable: v.owner_id == auth.user.id || (is_admin && v.shared),
            active: v.query == view_query,
            href: format!("/orders?{}", v.query),
            id: v.id,
            name: v.name,
            shared: v.shared,
        })
        .collect();
    ok(&OrdersPage {
        page: auth.page.at(Nav::Orders),
        marketplaces: with_current(&MARKETPLACES, &form.marketplace),
        currencies: with_current(&CURRENCIES, &form.currency),
        form,
        accounts: data
            .accounts
            .iter()
            .map(|a| (a.id, a.login.clone()))
            .collect(),
        delivery_methods: data.delivery_methods,
        statuses: options(&ORDER_STATUSES),
        fulfillments: options(&FULFILLMENT_STATUSES),
        payments: options(&PAYMENT_TYPES),
        sorts: &SORTS,
        page_sizes: PAGE_SIZES.iter().map(|n| n.to_string()).collect(),
        views,
        can_share: is_admin,
        results,
    })
}

fn results_partial(
    params: &OrderParams,
    zone: Tz,
    viewer: &Viewer,
    page: page::Page,
    total: Total,
    accounts: &[AccountRow],
) -> OrdersResultsPartial {
    let href = |cursor: &str| format!("/orders?{}", query_string(params, Some(cursor)));
    let view_query = query_string(params, None);
    let mut export_params = normalized(params);
    export_params.page_size = None;
    let export_query = query_string(&export_params, None);
    // Only the formats the viewer may have are offered.
    let exports = ExportFormat::ALL
        .into_iter()
        .filter(|format| format.available_to(viewer))
        .map(|format| {
            let sep = if export_query.is_empty() { "" } else { "&" };
            (
                format.label(),
                format!(
                    "/orders/export?format={}{sep}{export_query}",
                    format.as_str()
                ),
            )
        })
        .collect();
    OrdersResultsPartial {
        next_href: page.next.as_deref().map(href),
        prev_href: page.prev.as_deref().map(href),
        first_href: params
            .cursor
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|_| format!("/orders?{view_query}")),
        rows: page
            .rows
            .into_iter()
            .map(|r| OrderRowView::new(r, accounts, zone, viewer.hide_personal_data))
            .collect(),
        total: total.label(),
        total_is_one: total.is_one(),
        total_is_estimate: total.is_estimate(),
        zone: zone.name().to_string(),
        exports,
        view_query,
        oob: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_drop_blanks_and_replace_the_cursor() {
        let params: OrderParams =
            serde_urlencoded::from_str("q=%C5%81%C3%B3d%C5%BA&status=&cursor=abc&page_size=25")
                .unwrap();
        assert_eq!(
            query_string(&params, None),
            "q=%C5%81%C3%B3d%C5%BA&page_size=25"
        );
        assert_eq!(
            query_string(&params, Some("xyz")),
            "q=%C5%81%C3%B3d%C5%BA&page_size=25&cursor=xyz"
        );
    }

    #[test]
    fn codes_read_as_words() {
        assert_eq!(humanize("READY_FOR_PROCESSING"), "Ready for processing");
        assert_eq!(humanize(""), "");
    }
}
