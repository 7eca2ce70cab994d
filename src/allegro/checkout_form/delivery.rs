//! `delivery` of a checkout form: the method, the pickup point and the cost.

use serde::Deserialize;

use crate::allegro::models::Money;

/// `delivery` (address fields stay in `raw` only).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[serde(default)]
    pub method: Option<DeliveryMethod>,
    #[serde(default)]
    pub pickup_point: Option<PickupPoint>,
    #[serde(default)]
    pub cost: Option<Money>,
}

/// `delivery.method`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeliveryMethod {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// `delivery.pickupPoint`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PickupPoint {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}
