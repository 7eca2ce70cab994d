//! The query string of `GET /api/v1/orders`: the orders list's filters under the same names as
//! on `/orders`, plus `limit`, `cursor` and `fields`. Unknown parameters are refused (a typo
//! would otherwise widen the answer silently).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono_tz::Tz;

use super::super::{
    params::{limit, pairs, unknown_parameter},
    problem::ApiError,
};
use crate::orders::{OrderFilter, OrderParams};

/// The list's filter parameters the API takes (every [`OrderParams`] field but the web page's
/// own paging and sort: the API pages by id, see `db::models::order::by_id`).
pub const FILTERS: [(&str, &str); 18] = [
    (
        "q",
        "Search: order id, buyer login, name, email, phone, address, city, postcode, tax id, waybill, offer (accent-, case- and spacing-insensitive)",
    ),
    ("account", "Account id or login"),
    (
        "status",
        "Allegro's order status: BOUGHT, FILLED_IN, READY_FOR_PROCESSING, CANCELLED",
    ),
    (
        "fulfillment",
        "Fulfillment status: NEW, PROCESSING, READY_FOR_SHIPMENT, READY_FOR_PICKUP, SENT, PICKED_UP, CANCELLED, SUSPENDED, RETURNED",
    ),
    (
        "payment",
        "Payment type: ONLINE, CASH_ON_DELIVERY, SPLIT_PAYMENT, EXTENDED_TERM",
    ),
    ("delivery", "Delivery method id"),
    ("marketplace", "Marketplace id (allegro-pl, allegro-cz, …)"),
    ("currency", "Currency code (PLN, EUR, CZK, …)"),
    (
        "bought_from",
        "Bought on or after this day (YYYY-MM-DD, in the display time zone)",
    ),
    (
        "bought_to",
        "Bought on or before this day (YYYY-MM-DD, in the display time zone)",
    ),
    (
        "updated_from",
        "Updated at Allegro on or after this day (YYYY-MM-DD, display time zone)",
    ),
    (
        "updated_to",
        "Updated at Allegro on or before this day (YYYY-MM-DD, display time zone)",
    ),
    ("min_total", "Total to pay at least this amount (decimal)"),
    ("max_total", "Total to pay at most this amount (decimal)"),
    (
        "invoice",
        "yes: the buyer asked for an invoice; no: did not",
    ),
    (
        "has_return",
        "yes: orders with a customer return; no: without",
    ),
    (
        "refunded",
        "yes: orders with a payment refund paid out; no: without",
    ),
    (
        "merged",
        "1: include orders Allegro merged into another one (left out by default)",
    ),
];

/// The page size when `limit` is not given, and the largest one.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// `GET /api/v1/orders` as asked.
#[derive(Debug)]
pub struct OrdersQuery {
    pub params: OrderParams,
    pub limit: i64,
    /// The id of the last order of the previous page (0: from the start).
    pub after: i64,
    /// `fields=summary`: no documents.
    pub summary_only: bool,
}

impl OrdersQuery {
    pub fn parse(query: &str) -> Result<OrdersQuery, ApiError> {
        let pairs = pairs(query)?;
        let mut params = OrderParams::default();
        let (mut limit_text, mut cursor, mut fields) = (None, None, None);
        for (name, value) in pairs {
            match name.as_str() {
                "limit" => limit_text = Some(value),
                "cursor" => cursor = Some(value),
                "fields" => fields = Some(value),
                _ if FILTERS.iter().any(|(filter, _)| *filter == name) => {
                    set_filter(&mut params, &name, value)
                }
                _ => return Err(unknown_parameter(&name)),
            }
        }
        Ok(OrdersQuery {
            params,
            limit: limit(limit_text.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?,
            after: cursor
                .as_deref()
                .map(decode_cursor)
                .transpose()?
                .unwrap_or(0),
            summary_only: match fields.as_deref().map(str::trim) {
                None | Some("") | Some("all") => false,
                Some("summary") => true,
                Some(_) => {
                    return Err(ApiError::bad_request(
                        "fields",
                        "fields must be `summary` (no documents) or `all`.",
                    ));
                }
            },
        })
    }

    /// The validated filter; dates are days of the display time zone `zone`.
    pub fn filter(&self, zone: Tz) -> Result<OrderFilter, ApiError> {
        OrderFilter::parse(&self.params, zone)
            .map_err(|e| ApiError::bad_request(e.parameter, format!("{e}.")))
    }
}

fn set_filter(params: &mut OrderParams, name: &str, value: String) {
    let slot = match name {
        "q" => &mut params.q,
        "account" => &mut params.account,
        "status" => &mut params.status,
        "fulfillment" => &mut params.fulfillment,
        "payment" => &mut params.payment,
        "delivery" => &mut params.delivery,
        "marketplace" => &mut params.marketplace,
        "currency" => &mut params.currency,
        "bought_from" => &mut params.bought_from,
        "bought_to" => &mut params.bought_to,
        "updated_from" => &mut params.updated_from,
        "updated_to" => &mut params.updated_to,
        "min_total" => &mut params.min_total,
        "max_total" => &mut params.max_total,
        "invoice" => &mut params.invoice,
        "has_return" => &mut params.has_return,
        "refunded" => &mut params.refunded,
        _ => &mut params.merged,
    };
    *slot = Some(value);
}

const CURSOR_PREFIX: &str = "o1:";

/// The cursor of a page that starts after the order `id`.
pub fn encode_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{id}"))
}

fn decode_cursor(cursor: &str) -> Result<i64, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX)?.parse::<i64>().ok())
        .filter(|id| *id >= 0)
        .ok_or_else(|| {
            ApiError::bad_request(
                "cursor",
                "The cursor is not one this API gave; pass `next_cursor` as it came.",
            )
        })
}

/// The OpenAPI description of the query parameters: the filters and the paging.
pub struct OrdersQueryDoc;

impl utoipa::IntoParams for OrdersQueryDoc {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::{
            ObjectBuilder, Required, Type,
            path::{ParameterBuilder, ParameterIn},
        };
        let param = |name: &str, description: String, schema: ObjectBuilder| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        };
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let mut params = vec![
            param(
                "limit",
                format!("Orders per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})"),
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(MAX_LIMIT)),
            ),
            param(
                "cursor",
                "The `next_cursor` of the previous page".into(),
                text(),
            ),
            param(
                "fields",
                "`summary` leaves out each order's `checkout_form`".into(),
                text().enum_values(Some(["summary", "all"])),
            ),
        ];
        params.extend(
            FILTERS
                .iter()
                .map(|(name, description)| param(name, (*description).to_owned(), text())),
        );
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_are_the_lists_parameters_but_its_paging() {
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(OrderParams::default())
        else {
            panic!("OrderParams serializes as an object");
        };
        let list: Vec<&str> = fields
            .keys()
            .map(String::as_str)
            .filter(|name| !["sort", "page_size", "cursor", "page"].contains(name))
            .collect();
        let mut ours: Vec<&str> = FILTERS.iter().map(|(name, _)| *name).collect();
        let mut list = list;
        list.sort_unstable();
        ours.sort_unstable();
        assert_eq!(ours, list);
        for (name, _) in FILTERS {
            let mut params = OrderParams::default();
            set_filter(&mut params, name, "x".into());
            let set = serde_json::to_value(&params).unwrap();
            assert_eq!(set[name], "x", "{name} lands in its own field");
        }
    }

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let q = OrdersQuery::parse(&format!("cursor={}", encode_cursor(42))).unwrap();
        assert_eq!(q.after, 42);
        for bad in ["42", "bzE6LTE", "!!", "eDox"] {
            let err = OrdersQuery::parse(&format!("cursor={bad}")).unwrap_err();
            assert!(
                matches!(err, ApiError::BadRequest { parameter: Some(ref p), .. } if p == "cursor"),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_and_web_only_parameters_are_refused_by_name() {
        for (query, named) in [
            ("stauts=SENT", "stauts"),
            ("sort=total", "sort"),
            ("page_size=50", "page_size"),
            ("fields=everything", "fields"),
            ("limit=0", "limit"),
        ] {
            let err = OrdersQuery::parse(query).unwrap_err();
            assert!(
                matches!(err, ApiError::BadRequest { parameter: Some(ref p), .. } if p == named),
                "{query}: {err:?}"
            );
        }
        let q = OrdersQuery::parse("status=SENT&limit=5&fields=summary").unwrap();
        assert_eq!(q.params.status.as_deref(), Some("SENT"));
        assert_eq!((q.limit, q.summary_only, q.after), (5, true, 0));
    }
}
