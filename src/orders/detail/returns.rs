//! The "Returns" section of the order detail page: each customer return of the order with its
//! items, parcels, rejection and the status history its stored versions make. Read leniently
//! from the return as last stored (Allegro's shape), masked first for a user who must not see
//! personal data (buyer login and email, waybills, the sender's phone, the refund account).

use serde_json::Value;

use super::{
    NONE,
    history::{StatusStep, status_history},
    read::{array, get, money, text, time},
};
use crate::{
    db::models::versioned::{VersionHead, WithHistory},
    domain::{CustomerReturnId, Viewer},
    i18n::Locale,
    orders::mask_json::for_viewer,
};

/// One return as the section shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnView {
    pub id: String,
    /// The number the buyer sees (`4821/Z07A`).
    pub reference: String,
    /// The current status, as Allegro's code.
    pub status: String,
    pub created: String,
    /// The buyer's login and email.
    pub buyer: String,
    /// Where the buyer wants the money (cash on delivery, bank transfers).
    pub refund_account: Option<String>,
    pub items: Vec<ReturnItemView>,
    pub parcels: Vec<ReturnParcelView>,
    pub rejection: Option<RejectionView>,
    /// Each status the backup saw, with when it first saw it, oldest first.
    pub history: Vec<StatusStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnItemView {
    pub name: String,
    pub offer_id: String,
    pub quantity: String,
    pub price: String,
    /// Allegro's reason code.
    pub reason: String,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnParcelView {
    pub waybill: String,
    pub carrier: String,
    /// The carrier moving the parcel and its number, when another carrier does.
    pub moved_by: Option<String>,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionView {
    /// Allegro's rejection code.
    pub code: String,
    pub reason: String,
    pub at: String,
}

/// The returns as `viewer` may see them.
pub fn return_views(
    returns: &[WithHistory<CustomerReturnId>],
    viewer: &Viewer,
    loc: &Locale,
) -> Vec<ReturnView> {
    returns
        .iter()
        .map(|r| view(&for_viewer(viewer, &r.raw), &r.versions, loc))
        .collect()
}

fn view(raw: &Value, versions: &[VersionHead], loc: &Locale) -> ReturnView {
    let buyer: Vec<String> = ["/buyer/login", "/buyer/email"]
        .iter()
        .filter_map(|p| get(raw, p))
        .collect();
    ReturnView {
        id: text(raw, "/id"),
        reference: text(raw, "/referenceNumber"),
        status: text(raw, "/status"),
        created: time(raw, "/createdAt", loc),
        buyer: if buyer.is_empty() {
            NONE.into()
        } else {
            buyer.join(" · ")
        },
        refund_account: refund_account(raw),
        items: array(raw, "/items")
            .iter()
            .map(|item| ReturnItemView {
                name: text(item, "/name"),
                offer_id: text(item, "/offerId"),
                quantity: text(item, "/quantity"),
                price: money(item, "/price", loc),
                reason: text(item, "/reason/type"),
                comment: get(item, "/reason/userComment"),
            })
            .collect(),
        parcels: array(raw, "/parcels")
            .iter()
            .map(|p| ReturnParcelView {
                waybill: text(p, "/waybill"),
                carrier: text(p, "/carrierId"),
                moved_by: get(p, "/transportingCarrierId").map(|carrier| {
                    match get(p, "/transportingWaybill") {
                        Some(number) => format!("{carrier} · {number}"),
                        None => carrier,
                    }
                }),
                created: time(p, "/createdAt", loc),
            })
            .collect(),
        rejection: raw
            .pointer("/rejection")
            .filter(|r| r.is_object())
            .map(|r| RejectionView {
                code: text(r, "/code"),
                reason: text(r, "/reason"),
                at: time(r, "/createdAt", loc),
            }),
        history: status_history(versions),
    }
}

/// The bank account and its owner (masked along with the rest when it has to be).
fn refund_account(raw: &Value) -> Option<String> {
    let account = raw
        .pointer("/refund/bankAccount")
        .filter(|a| a.is_object())?;
    let number = get(account, "/iban").or_else(|| get(account, "/accountNumber"))?;
    Some(match get(account, "/owner") {
        Some(owner) => format!("{number} · {owner}"),
        None => number,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    use super::*;
    use crate::domain::{Role, UserId};

    fn stored() -> WithHistory<CustomerReturnId> {
        let at = |h| Utc.with_ymd_and_hms(2026, 7, 20, h, 0, 0).unwrap();
        let version = |status: &str, h| VersionHead {
            status: Some(status.into()),
            seen_at: at(h),
        };
        WithHistory {
            id: CustomerReturnId::from("r-1"),
            raw: json!({
                "id": "r-1", "referenceNumber": "4821/Z07A", "status": "DELIVERED",
                "buyer": {"email": "jan@allegromail.pl", "login": "Jan_K"},
                "items": [{"offerId": "174", "name": "Kubek", "quantity": 1,
                           "price": {"amount": "29.99", "currency": "PLN"},
                           "reason": {"type": "DAMAGED", "userComment": "Ucho odklejone"}}],
                "parcels": [{"waybill": "AD00R28X72", "carrierId": "ALLEGRO",
                             "transportingCarrierId": "ORLEN", "transportingWaybill": "2171143568953",
                             "sender": {"phoneNumber": "+48600100200"}}],
                "refund": {"bankAccount": {"owner": "Jan Kowalski", "iban": "PL61109010140000071219812874"}},
                "rejection": null
            }),
            first_seen_at: at(8),
            versions: vec![
                version("CREATED", 8),
                version("DISPATCHED", 9),
                version("DISPATCHED", 10),
                version("DELIVERED", 11),
            ],
        }
    }

    fn viewer(hide: bool) -> Viewer {
        Viewer {
            hide_personal_data: hide,
            ..Viewer::unrestricted(UserId(1), Role::Viewer)
        }
    }

    #[test]
    fn a_return_shows_its_items_parcels_and_one_step_per_status() {
        let views = return_views(&[stored()], &viewer(false), &Locale::default());
        let r = &views[0];
        assert_eq!(r.reference, "4821/Z07A");
        assert_eq!(r.buyer, "Jan_K · jan@allegromail.pl");
        assert_eq!(r.items[0].reason, "DAMAGED");
        assert_eq!(r.items[0].comment.as_deref(), Some("Ucho odklejone"));
        assert_eq!(r.parcels[0].waybill, "AD00R28X72");
        assert_eq!(
            r.parcels[0].moved_by.as_deref(),
            Some("ORLEN · 2171143568953")
        );
        assert!(r.rejection.is_none());
        let statuses: Vec<&str> = r.history.iter().map(|s| s.status.as_str()).collect();
        assert_eq!(statuses, ["CREATED", "DISPATCHED", "DELIVERED"]);
        assert!(
            r.refund_account
                .as_deref()
                .is_some_and(|a| a.contains("Jan Kowalski"))
        );
    }

    #[test]
    fn a_masked_viewer_sees_no_buyer_waybill_or_bank_account() {
        let views = return_views(&[stored()], &viewer(true), &Locale::default());
        let r = &views[0];
        let shown = format!("{r:?}");
        for secret in [
            "Jan_K",
            "jan@allegromail.pl",
            "AD00R28X72",
            "2171143568953",
            "Kowalski",
            "PL6110",
        ] {
            assert!(!shown.contains(secret), "{secret} shown: {shown}");
        }
        assert_eq!(r.items[0].name, "Kubek");
    }
}
