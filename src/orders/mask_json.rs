//! Personal data masking inside a checkout form's JSON, for users who must not see buyer
//! personal data. The raw JSON, the revision diff and every section of the detail page are
//! built from the masked document, so nothing personal slips through a side door.
//!
//! Masked (anywhere in the document, string and number values, recursively):
//! [`PERSONAL_KEYS`], plus the buyer's `id`, a company's `name` and the values of its tax `ids`. Not masked: the
//! pickup point (a public parcel locker or shop, not a person), offers, amounts, ids, statuses.
//! Free text the buyer typed (`messageToSeller`, `note.text`) is kept: it is what the seller
//! needs to act on.

use serde_json::Value;

use super::mask::mask;
use crate::domain::Viewer;

/// Keys whose values are personal data wherever they appear.
pub const PERSONAL_KEYS: [&str; 17] = [
    "firstName",
    "lastName",
    "email",
    "phoneNumber",
    "street",
    "zipCode",
    "postCode",
    "city",
    "companyName",
    "login",
    "taxId",
    "personalIdentity",
    "waybill",
    // A customer return's parcel and the bank account the buyer wants a refund on.
    "transportingWaybill",
    "owner",
    "accountNumber",
    "iban",
];

/// What replaces a value hidden whole.
pub const HIDDEN: &str = "***";

/// Subtrees left as they are: public places, not people.
const PUBLIC_KEYS: [&str; 1] = ["pickupPoint"];

/// `raw` as `viewer` may see it: masked when they must not see personal data.
pub fn for_viewer(viewer: &Viewer, raw: &Value) -> Value {
    if viewer.hide_personal_data {
        mask_personal_data(raw)
    } else {
        raw.clone()
    }
}

/// A copy of `value` with personal data masked.
pub fn mask_personal_data(value: &Value) -> Value {
    let mut copy = value.clone();
    mask_in_place(&mut copy, None);
    copy
}

fn mask_in_place(value: &mut Value, parent_key: Option<&str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if PUBLIC_KEYS.contains(&key.as_str()) {
                    continue;
                }
                let personal = PERSONAL_KEYS.contains(&key.as_str())
                    || (parent_key == Some("company") && key == "name");
                // Allegro's buyer id names the same person across orders: hidden whole.
                let buyer_id = matches!(parent_key, Some("buyer" | "participant")) && key == "id";
                if buyer_id {
                    *child = Value::String(HIDDEN.to_owned());
                } else if personal {
                    mask_all(child);
                } else if parent_key == Some("company") && key == "ids" {
                    mask_tax_ids(child);
                } else {
                    mask_in_place(child, Some(key));
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                mask_in_place(item, parent_key);
            }
        }
        _ => {}
    }
}

/// Masks every string and number below `value`.
fn mask_all(value: &mut Value) {
    match value {
        Value::String(s) => *s = mask(s),
        Value::Number(n) => *value = Value::String(mask(&n.to_string())),
        Value::Object(map) => map.values_mut().for_each(mask_all),
        Value::Array(items) => items.iter_mut().for_each(mask_all),
        Value::Null | Value::Bool(_) => {}
    }
}

/// `ids: [{type, value}]`: the type stays readable, the number is masked.
fn mask_tax_ids(ids: &mut Value) {
    if let Value::Array(items) = ids {
        for item in items {
            if let Some(v) = item.get_mut("value") {
                mask_all(v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_values_are_masked_everywhere_and_the_rest_is_kept() {
        let order = json!({
            "buyer": {"id": "A1b2C3", "login": "jan_k", "email": "jan@example.pl", "firstName": "Jan",
                      "phoneNumber": 48600100200u64, "guest": false,
                      "address": {"street": "Solna 12", "city": "Poznań"}},
            "delivery": {"address": {"lastName": "Kowalski", "zipCode": "60-166"},
                         "method": {"name": "InPost"},
                         "pickupPoint": {"name": "POZ08A", "address": {"street": "Grunwaldzka 1"}}},
            "invoice": {"address": {"company": {"name": "Kowalex", "taxId": "7811234567",
                        "ids": [{"type": "PL_NIP", "value": "7811234567"}]}}},
            "lineItems": [{"offer": {"name": "Kubek"}}]
        });
        let masked = mask_personal_data(&order);
        assert_eq!(masked["buyer"]["id"], "***");
        assert_eq!(masked["buyer"]["login"], "j***");
        assert_eq!(masked["buyer"]["email"], "j***@***.pl");
        assert_eq!(masked["buyer"]["firstName"], "J***");
        assert_eq!(masked["buyer"]["phoneNumber"], "***");
        assert_eq!(masked["buyer"]["guest"], false);
        assert_eq!(masked["buyer"]["address"]["street"], "S*** ***");
        assert_eq!(masked["delivery"]["address"]["lastName"], "K***");
        assert_eq!(masked["delivery"]["method"]["name"], "InPost");
        assert_eq!(
            masked["delivery"]["pickupPoint"]["address"]["street"],
            "Grunwaldzka 1"
        );
        let company = &masked["invoice"]["address"]["company"];
        assert_eq!(company["name"], "K***");
        assert_eq!(company["taxId"], "***");
        assert_eq!(company["ids"][0]["type"], "PL_NIP");
        assert_eq!(company["ids"][0]["value"], "***");
        assert_eq!(masked["lineItems"][0]["offer"]["name"], "Kubek");
    }
}
