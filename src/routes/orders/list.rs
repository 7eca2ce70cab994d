//! The orders list (`GET /orders`, every role): filters, search, sort, keyset paging, a capped
//! count, export links and the saved views bar. htmx requests get only the results partial.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{
        StatusCode,
        header::{HeaderName, HeaderValue},
    },
    web,
};
use chrono_tz::Tz;

use crate::routes::prelude::*;
use crate::{
    auth::AnyUser,
    db::{
        self,
        models::{
            account::AccountRow,
            delivery_method,
            order::count::{self, Total},
            saved_view::SavedView,
        },
    },
    domain::order_codes::currency_order,
    i18n,
    orders::{
        OrderParams, Viewer,
        export::ExportKind,
        filter::{FULFILLMENT_STATUSES, ORDER_STATUSES, PAYMENT_TYPES},
        page::{self, ListRequest, PAGE_SIZES},
        sort::SORTS,
    },
    web::{
        page::{self as layout, Nav},
        render,
    },
};

use super::list_view::{
    FilterErrorPartial, FormValues, OrderRowView, OrdersPage, OrdersResultsPartial, ViewChip,
    filter_error_text,
};

const HX_PUSH_URL: HeaderName = HeaderName::from_static("hx-push-url");

/// Common marketplaces and currencies offered in the selects (any valid code still works).
const MARKETPLACES: [&str; 4] = ["allegro-pl", "allegro-cz", "allegro-sk", "allegro-hu"];
const CURRENCIES: [&str; 4] = ["PLN", "CZK", "EUR", "HUF"];

/// The currency filter's options: the common ones and the one asked for, PLN first, then
/// alphabetically (as every list of currencies).
fn currency_options(current: &str) -> Vec<String> {
    let mut values = with_current(&CURRENCIES, current);
    values.sort_by(|a, b| currency_order(a, b));
    values
}

/// `params` as a query string: blank values dropped, the cursor replaced by `cursor`.
pub fn query_string(params: &OrderParams, cursor: Option<&str>) -> String {
    paged_query_string(params, cursor, None)
}

/// [`query_string`] of the page at `position` (the pager's links).
fn paged_query_string(params: &OrderParams, cursor: Option<&str>, position: Option<u32>) -> String {
    let mut clean = normalized(params);
    clean.cursor = cursor.map(str::to_string);
    clean.page = position.filter(|p| *p > 1).map(|p| p.to_string());
    serde_urlencoded::to_string(&clean).unwrap_or_default()
}

/// The page's position as its `page` parameter says (1 without it or when it is not a number).
fn position(params: &OrderParams) -> u32 {
    params
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1)
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
    layout: layout::Page,
    state: web::Data<AppState>,
    query: web::Query<OrderParams>,
) -> Result<HttpResponse, AppError> {
    let params = query.into_inner();
    let viewer = auth.viewer.clone();
    let full_page = !is_htmx(&req);
    let loc = layout.loc();
    let request = match ListRequest::parse(&params, loc.zone) {
        Ok(request) => request,
        // Typed into the form: said next to the field, the old results cleared.
        Err(e) if !full_page => {
            return render(StatusCode::BAD_REQUEST, &FilterErrorPartial::new(loc, &e));
        }
        Err(e) => return Err(AppError::BadRequest(filter_error_text(&loc, &e))),
    };
    let zone = loc.zone;
    let loaded = db::run(&state.pool, move |conn| {
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
    let results = results_partial(
        &loaded.params,
        loaded.zone,
        &loaded.viewer,
        loaded.page,
        loaded.total,
        &loaded.data.accounts,
    );
    if !full_page {
        return results_response(&loaded.params, results);
    }
    ok(&orders_page(
        auth,
        layout,
        &loaded.params,
        &loaded.request,
        loaded.data,
        results,
    ))
}

/// The results alone, for htmx; the address bar shows the filters without the blanks a form
/// submits.
fn results_response(
    params: &OrderParams,
    results: OrdersResultsPartial,
) -> Result<HttpResponse, AppError> {
    let query = query_string(params, params.cursor.as_deref());
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
    Ok(response)
}

/// The whole page: the saved views bar, the filter form and the results.
fn orders_page(
    auth: RequireRole<AnyUser>,
    layout: layout::Page,
    params: &OrderParams,
    request: &ListRequest,
    data: PageData,
    results: OrdersResultsPartial,
) -> OrdersPage {
    let form = FormValues::new(params, request);
    let is_admin = auth.is_admin();
    let views = data
        .views
        .into_iter()
        .map(|v| ViewChip {
            deletable: v.owner_id == auth.user.id || (is_admin && v.shared),
            active: v.query == results.view_query,
            href: format!("/orders?{}", v.query),
            id: v.id,
            name: v.name,
            shared: v.shared,
        })
        .collect();
    OrdersPage {
        page: layout.at(Nav::Orders),
        marketplaces: with_current(&MARKETPLACES, &form.marketplace),
        currencies: currency_options(&form.currency),
        form,
        accounts: data
            .accounts
            .iter()
            .map(|a| (a.id, a.login.clone()))
            .collect(),
        delivery_methods: data.delivery_methods,
        statuses: &ORDER_STATUSES,
        fulfillments: &FULFILLMENT_STATUSES,
        payments: &PAYMENT_TYPES,
        sorts: &SORTS,
        page_sizes: PAGE_SIZES.iter().map(|n| n.to_string()).collect(),
        views,
        can_share: is_admin,
        results,
    }
}

fn results_partial(
    params: &OrderParams,
    zone: Tz,
    viewer: &Viewer,
    page: page::Page,
    total: Total,
    accounts: &[AccountRow],
) -> OrdersResultsPartial {
    let here = if params
        .cursor
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty())
    {
        position(params).max(2)
    } else {
        1
    };
    let href = |cursor: &str, at: u32| {
        format!(
            "/orders?{}",
            paged_query_string(params, Some(cursor), Some(at))
        )
    };
    let view_query = query_string(params, None);
    let mut export_params = normalized(params);
    export_params.page_size = None;
    export_params.page = None;
    let export_query = query_string(&export_params, None);
    // Only the kinds the viewer may have are offered.
    let exports = ExportKind::ALL
        .into_iter()
        .filter(|kind| kind.available_to(viewer))
        .map(|kind| {
            let sep = if export_query.is_empty() { "" } else { "&" };
            (
                kind.message_key(),
                format!("/orders/export?{}{sep}{export_query}", kind.query()),
            )
        })
        .collect();
    OrdersResultsPartial {
        next_href: page.next.as_deref().map(|c| href(c, here + 1)),
        prev_href: page
            .prev
            .as_deref()
            .map(|c| href(c, here.saturating_sub(1).max(1))),
        position: here,
        first_href: params
            .cursor
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|_| format!("/orders?{view_query}")),
        rows: OrderRowView::page(
            page.rows,
            page.grouped_by_currency,
            accounts,
            viewer.hide_personal_data,
        ),
        total: total.shown(),
        total_is_estimate: total.is_estimate(),
        loc: Locale::new(i18n::current_lang(), zone),
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
}
