//! `Shipment`: a tracking number of an order (`GET /order/checkout-forms/{id}/shipments`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{models::from_raw, time};

/// One parcel of an order; `raw` keeps the whole object as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Shipment {
    pub id: String,
    pub waybill: Option<String>,
    pub carrier_id: Option<String>,
    pub carrier_name: Option<String>,
    /// Ids of the line items in the parcel.
    pub line_item_ids: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub raw: Value,
}

impl<'de> Deserialize<'de> for Shipment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: String,
            waybill: Option<String>,
            carrier_id: Option<String>,
            carrier_name: Option<String>,
            #[serde(default)]
            line_items: Option<Vec<ItemRef>>,
            #[serde(default, deserialize_with = "time::optional")]
            created_at: Option<DateTime<Utc>>,
        }
        #[derive(Deserialize)]
        struct ItemRef {
            id: String,
        }
        let raw = Value::deserialize(d)?;
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        Ok(Self {
            id: f.id,
            waybill: f.waybill,
            carrier_id: f.carrier_id,
            carrier_name: f.carrier_name,
            line_item_ids: f
                .line_items
                .unwrap_or_default()
                .into_iter()
                .map(|i| i.id)
                .collect(),
            created_at: f.created_at,
            raw,
        })
    }
}

/// The endpoint's body.
#[derive(Debug, Deserialize)]
pub(crate) struct ShipmentsPage {
    #[serde(default)]
    pub shipments: Vec<Shipment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_documented_shipment_and_keeps_it_raw() {
        let raw = serde_json::json!({
            "id": "a1b2", "waybill": "AB123", "carrierId": "INPOST", "carrierName": "InPost",
            "lineItems": [{"id": "li-1"}], "createdAt": "2026-11-20T10:00:00.000Z", "extra": 1
        });
        let s: Shipment = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(s.waybill.as_deref(), Some("AB123"));
        assert_eq!(s.line_item_ids, vec!["li-1".to_owned()]);
        assert!(s.created_at.is_some());
        assert_eq!(s.raw, raw);
    }
}
