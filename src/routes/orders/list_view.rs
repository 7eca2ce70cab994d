//! The orders list's templates and what they show of each order, the filter form and the
//! saved views bar (see `orders_list` for the handler).

use askama::Template;
use chrono::{DateTime, Utc};

use crate::{
    db::models::account::AccountRow,
    domain::{AccountId, CheckoutFormId},
    i18n::{self, Locale},
    orders::{
        OrderParams,
        filter::FilterError,
        mask::mask,
        page::{ListRequest, OrderListRow},
    },
    web::{
        filters::{self, DASH},
        page::PageContext,
    },
};

/// An order row as the table shows it.
pub struct OrderRowView {
    pub checkout_form_id: CheckoutFormId,
    pub short_id: String,
    pub bought_at: Option<DateTime<Utc>>,
    pub account: String,
    pub buyer_login: String,
    pub buyer_name: String,
    /// Allegro's codes: `badges` macros and `code_label` show them.
    pub status: String,
    pub fulfillment: Option<String>,
    pub payment: Option<String>,
    pub delivery: String,
    pub items: i32,
    /// The amount as stored (exact decimal text).
    pub total: Option<String>,
    /// What stays of the order's money in its currency after fees and refunds (exact
    /// decimal text); `None` when no money moved.
    pub net: Option<String>,
    pub currency: String,
    /// Sorted by total, the first row of a currency group: the currency it starts (a dash for
    /// orders without one), shown as a separator row above it.
    pub currency_break: Option<String>,
    pub invoice: bool,
    pub merged_into: Option<String>,
    pub gone: bool,
}

impl OrderRowView {
    pub fn new(row: OrderListRow, accounts: &[AccountRow], hide: bool) -> Self {
        let personal = |v: Option<String>| {
            let v = v.unwrap_or_default();
            if hide { mask(&v) } else { v }
        };
        let name = [row.columns.buyer.first_name, row.columns.buyer.last_name]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let name = match row.columns.buyer.company_name.filter(|c| !c.is_empty()) {
            Some(company) if name.is_empty() => company,
            Some(company) => format!("{name} ({company})"),
            None => name,
        };
        Self {
            short_id: row
                .columns
                .checkout_form_id
                .as_str()
                .chars()
                .take(8)
                .collect(),
            bought_at: row.columns.bought_at,
            account: accounts
                .iter()
                .find(|a| a.id == row.account_id)
                .map(|a| a.login.clone())
                .unwrap_or_default(),
            buyer_login: personal(row.columns.buyer.login),
            buyer_name: if hide { mask(&name) } else { name },
            status: row.columns.status,
            fulfillment: row.columns.fulfillment_status,
            payment: row.columns.payment_type,
            delivery: row.columns.delivery_method_name.unwrap_or_default(),
            items: row.columns.line_item_count,
            total: row.columns.total_amount,
            net: row.net_amount,
            currency: row.columns.currency.unwrap_or_default(),
            currency_break: None,
            invoice: row.columns.invoice_required,
            merged_into: row.merged_into,
            gone: row.gone_from_allegro_at.is_some(),
            checkout_form_id: row.columns.checkout_form_id,
        }
    }

    /// The rows of a page as the table shows them; `grouped_by_currency`: each currency group
    /// on the page (the first row's included) opens with a separator naming its currency.
    pub fn page(
        rows: Vec<OrderListRow>,
        grouped_by_currency: bool,
        accounts: &[AccountRow],
        hide: bool,
    ) -> Vec<Self> {
        let mut previous: Option<Option<String>> = None;
        rows.into_iter()
            .map(|row| {
                let currency = row.columns.currency.clone();
                let starts_group = grouped_by_currency && previous.as_ref() != Some(&currency);
                previous = Some(currency.clone());
                Self {
                    currency_break: starts_group
                        .then(|| currency.unwrap_or_else(|| DASH.to_owned())),
                    ..Self::new(row, accounts, hide)
                }
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "orders/results_partial.html")]
pub struct OrdersResultsPartial {
    pub loc: Locale,
    pub rows: Vec<OrderRowView>,
    /// How many orders match (see `Total::shown`).
    pub total: i64,
    /// The total is PostgreSQL's estimate, not a count.
    pub total_is_estimate: bool,
    pub next_href: Option<String>,
    pub prev_href: Option<String>,
    pub first_href: Option<String>,
    /// Which page this is (1 for the first).
    pub position: u32,
    /// The export links the viewer may use: `(message key, href)`.
    pub exports: Vec<(&'static str, String)>,
    /// The filters without cursor (saved views store it).
    pub view_query: String,
    /// htmx response: also update the save-view form's copy of `view_query` (out of band).
    pub oob: bool,
}

/// The label key of the filter field that sets `parameter`.
fn filter_label(parameter: &str) -> &'static str {
    match parameter {
        "q" => "filter-search",
        "account" => "filter-account",
        "status" => "filter-status",
        "fulfillment" => "filter-fulfillment",
        "payment" => "filter-payment",
        "delivery" => "filter-delivery",
        "marketplace" => "filter-marketplace",
        "currency" => "filter-currency",
        "bought_from" => "filter-bought-from",
        "bought_to" => "filter-bought-to",
        "updated_from" => "filter-updated-from",
        "updated_to" => "filter-updated-to",
        "min_total" => "filter-min-total",
        "max_total" => "filter-max-total",
        "invoice" => "filter-invoice",
        "has_return" => "filter-has-return",
        "refunded" => "filter-refunded",
        "merged" => "filter-merged",
        "sort" => "filter-sort",
        "page_size" => "filter-page-size",
        "format" => "export-format",
        "dialect" => "export-dialect",
        _ => "filter-cursor",
    }
}

/// A refused filter as a sentence naming its field: `Kupione od: to nie jest data…`.
pub fn filter_error_text(loc: &Locale, error: &FilterError) -> String {
    // The page was asked for by its address (a link, a bookmark): the parameter is named too.
    format!(
        "{} ({}): {}",
        loc.t(filter_label(error.parameter)),
        error.parameter,
        i18n::explain(loc.lang, error)
    )
}

/// What a refused filter leaves in the results (cleared, with a pointer to the field) and
/// next to its field (swapped out of band into `#error-<parameter>`).
#[derive(Template)]
#[template(path = "orders/filter_error_partial.html")]
pub struct FilterErrorPartial {
    pub loc: Locale,
    pub parameter: &'static str,
    pub label: String,
    pub message: String,
    /// The form has a field for the parameter (a page link or a hidden value has none: the
    /// message then stands in the results).
    pub has_field: bool,
}

impl FilterErrorPartial {
    pub fn new(loc: Locale, error: &FilterError) -> Self {
        Self {
            parameter: error.parameter,
            has_field: !matches!(
                error.parameter,
                "cursor" | "merged" | "updated_from" | "updated_to"
            ),
            label: loc.t(filter_label(error.parameter)),
            message: i18n::explain(loc.lang, error),
            loc,
        }
    }
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
    pub has_return: String,
    pub refunded: String,
    pub merged: bool,
    pub sort: String,
    pub page_size: String,
}

impl FormValues {
    pub fn new(params: &OrderParams, request: &ListRequest) -> Self {
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
            invoice: yes_no(request.filter.invoice_required),
            has_return: yes_no(request.filter.has_return),
            refunded: yes_no(request.filter.refunded),
            merged: request.filter.include_merged,
            sort: request.sort.name().to_string(),
            page_size: request.page_size.to_string(),
        }
    }
}

/// A yes/no filter as the form's select holds it.
fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
    .to_string()
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
    pub accounts: Vec<(AccountId, String)>,
    pub delivery_methods: Vec<(String, String)>,
    /// Allegro's codes offered in the selects.
    pub statuses: &'static [&'static str],
    pub fulfillments: &'static [&'static str],
    pub payments: &'static [&'static str],
    pub marketplaces: Vec<String>,
    pub currencies: Vec<String>,
    pub sorts: &'static [(&'static str, &'static str)],
    pub page_sizes: Vec<String>,
    pub views: Vec<ViewChip>,
    pub can_share: bool,
    pub results: OrdersResultsPartial,
}
