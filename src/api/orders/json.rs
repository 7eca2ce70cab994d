//! Orders as the API writes them: the summary of the list's columns, and the detail's line
//! items, shipments, notes, tags, revisions and events. Buyer personal data is masked exactly
//! as on the dashboard for a user who must not see it.

use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use super::super::json::{MoneyJson, iso, iso_opt};
use crate::{
    db::models::{
        order::{LineItemRow, OrderBuyer, OrderColumns, list::OrderListRow},
        order_note::{NoteRow, TagRow},
        shipment::ShipmentRow,
    },
    orders::{mask::mask, mask_json::HIDDEN},
};

/// One order's summary; `checkout_form` is the complete stored document (left out with
/// `fields=summary`).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderJson {
    /// The checkout form id Allegro gave the order.
    #[schema(example = "29b2e1c0-8f2a-11ee-9d3b-5d1c1f5a4a10")]
    pub id: String,
    pub account_id: String,
    #[schema(example = "allegro-pl")]
    pub marketplace_id: Option<String>,
    /// Allegro's order status (`READY_FOR_PROCESSING`, `CANCELLED`, …).
    pub status: String,
    /// The seller's fulfillment status (`NEW`, `PROCESSING`, `SENT`, …).
    pub fulfillment_status: Option<String>,
    /// When the buyer bought (the latest line item's `boughtAt`).
    pub bought_at: Option<String>,
    /// Allegro's `updatedAt` of the stored document.
    pub updated_at: Option<String>,
    /// Allegro's revision of the stored document.
    pub revision: Option<String>,
    pub buyer: BuyerJson,
    /// `summary.totalToPay`.
    pub total: Option<MoneyJson>,
    /// What stays of the order's money in its currency: paid, plus its fees (negative) and
    /// commission credits, less the refunds paid out; `null` when no money moved.
    pub net: Option<MoneyJson>,
    pub currency: Option<String>,
    pub payment: PaymentJson,
    pub delivery: DeliveryJson,
    pub invoice_required: bool,
    pub line_item_count: i32,
    /// The checkout form this order was merged into, if Allegro merged it.
    pub merged_into: Option<String>,
    /// Since when Allegro no longer lists the order (the backup keeps it).
    pub gone_from_allegro_at: Option<String>,
    /// The complete checkout form as Allegro sent it (masked for users who must not see buyer
    /// personal data).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub checkout_form: Option<Box<RawValue>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerJson {
    /// Allegro's buyer id (`***` when personal data is hidden).
    pub id: String,
    pub login: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub guest: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentJson {
    /// `ONLINE`, `CASH_ON_DELIVERY`, …
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub provider: Option<String>,
    pub finished_at: Option<String>,
    pub paid: Option<MoneyJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryJson {
    pub method_id: Option<String>,
    pub method_name: Option<String>,
    pub pickup_point_id: Option<String>,
}

impl BuyerJson {
    fn new(id: String, buyer: OrderBuyer, hide_personal_data: bool) -> Self {
        let shown = |value: Option<String>| {
            if hide_personal_data {
                value.map(|v| mask(&v))
            } else {
                value
            }
        };
        BuyerJson {
            id: if hide_personal_data {
                HIDDEN.to_owned()
            } else {
                id
            },
            login: shown(buyer.login),
            email: shown(buyer.email),
            first_name: shown(buyer.first_name),
            last_name: shown(buyer.last_name),
            company_name: shown(buyer.company_name),
            guest: buyer.guest,
        }
    }
}

impl OrderJson {
    /// The summary of `row` with its document, if read.
    pub fn new(
        row: OrderListRow,
        checkout_form: Option<Box<RawValue>>,
        hide_personal_data: bool,
    ) -> Self {
        let OrderListRow {
            account_id,
            columns,
            merged_into,
            gone_from_allegro_at,
            net_amount,
            ..
        } = row;
        let OrderColumns {
            checkout_form_id,
            marketplace_id,
            status,
            fulfillment_status,
            buyer_id,
            buyer,
            total_amount,
            currency,
            payment_type,
            payment_provider,
            payment_finished_at,
            paid_amount,
            delivery_method_id,
            delivery_method_name,
            pickup_point_id,
            invoice_required,
            line_item_count,
            bought_at,
            updated_at,
            revision,
        } = columns;
        OrderJson {
            id: checkout_form_id.0,
            account_id: account_id.to_string(),
            marketplace_id,
            status,
            fulfillment_status,
            bought_at: iso_opt(bought_at),
            updated_at: iso_opt(updated_at),
            revision,
            buyer: BuyerJson::new(buyer_id, buyer, hide_personal_data),
            total: MoneyJson::of(total_amount, currency.clone()),
            net: MoneyJson::of(net_amount, currency.clone()),
            payment: PaymentJson {
                kind: payment_type,
                provider: payment_provider,
                finished_at: iso_opt(payment_finished_at),
                paid: MoneyJson::of(paid_amount, currency.clone()),
            },
            currency,
            delivery: DeliveryJson {
                method_id: delivery_method_id,
                method_name: delivery_method_name,
                pickup_point_id,
            },
            invoice_required,
            line_item_count,
            merged_into,
            gone_from_allegro_at: iso_opt(gone_from_allegro_at),
            checkout_form,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LineItemJson {
    pub id: String,
    pub offer_id: String,
    pub offer_name: Option<String>,
    pub external_id: Option<String>,
    pub quantity: i32,
    /// The unit price paid.
    pub price: MoneyJson,
    /// The unit price before a discount, if any.
    pub original_price: Option<MoneyJson>,
}

impl From<LineItemRow> for LineItemJson {
    fn from(item: LineItemRow) -> Self {
        let currency = Some(item.currency);
        LineItemJson {
            id: item.line_item_id,
            offer_id: item.offer_id,
            offer_name: item.offer_name,
            external_id: item.external_id,
            quantity: item.quantity,
            original_price: MoneyJson::of(item.original_price, currency.clone()),
            price: MoneyJson {
                amount: item.price,
                currency,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentJson {
    /// Allegro's shipment id.
    pub id: String,
    /// The tracking number (`***` when personal data is hidden).
    pub waybill: Option<String>,
    pub carrier_id: Option<String>,
    pub carrier_name: Option<String>,
    pub created_at: Option<String>,
    pub first_seen_at: String,
    /// Since when Allegro no longer lists the shipment.
    pub removed_at: Option<String>,
    /// The shipment as Allegro sent it (masked for users who must not see personal data).
    #[schema(value_type = Object)]
    pub document: Box<RawValue>,
}

impl ShipmentJson {
    pub fn new(row: ShipmentRow, document: Box<RawValue>, hide_personal_data: bool) -> Self {
        let s = row.shipment;
        ShipmentJson {
            id: s.shipment_id,
            waybill: s.waybill.map(|w| {
                if hide_personal_data {
                    HIDDEN.to_owned()
                } else {
                    w
                }
            }),
            carrier_id: s.carrier_id,
            carrier_name: s.carrier_name,
            created_at: iso_opt(s.created_at),
            first_seen_at: iso(row.first_seen_at),
            removed_at: iso_opt(row.removed_at),
            document,
        }
    }
}

/// A team note on the order (not from Allegro).
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteJson {
    pub id: String,
    pub body: String,
    pub created_at: String,
    /// Who wrote it (`null`: the user was deleted).
    pub author: Option<String>,
}

impl From<NoteRow> for NoteJson {
    fn from(note: NoteRow) -> Self {
        NoteJson {
            id: note.id.to_string(),
            body: note.body,
            created_at: iso(note.created_at),
            author: note.author,
        }
    }
}

/// A team tag on the order.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagJson {
    pub tag: String,
    pub created_at: String,
    pub author: Option<String>,
}

impl From<TagRow> for TagJson {
    fn from(tag: TagRow) -> Self {
        TagJson {
            tag: tag.tag,
            created_at: iso(tag.created_at),
            author: tag.author,
        }
    }
}

/// `GET /api/v1/orders/{id}`: the summary and document, and everything stored with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetailJson {
    #[serde(flatten)]
    pub order: OrderJson,
    pub line_items: Vec<LineItemJson>,
    pub shipments: Vec<ShipmentJson>,
    pub notes: Vec<NoteJson>,
    pub tags: Vec<TagJson>,
}

/// A page of orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderListJson {
    pub items: Vec<OrderJson>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// One stored version of the order.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionJson {
    /// When this backup first stored this version.
    pub seen_at: String,
    /// Allegro's revision string.
    pub revision: Option<String>,
    /// The document of this version as Allegro sent it (masked as above).
    #[schema(value_type = Object)]
    pub checkout_form: Box<RawValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionListJson {
    /// Newest first.
    pub items: Vec<RevisionJson>,
}

/// An event of Allegro's order event journal about this order.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    pub id: String,
    /// `BOUGHT`, `FILLED_IN`, `READY_FOR_PROCESSING`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub occurred_at: String,
    pub stored_at: String,
    /// The event as Allegro sent it (masked as above).
    #[schema(value_type = Object)]
    pub event: Box<RawValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventListJson {
    /// Oldest first, in the journal's order.
    pub items: Vec<EventJson>,
}
