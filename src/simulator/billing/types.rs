//! The billing types the simulator knows (`GET /billing/billing-types`), with their Polish and
//! English names, and the language a request asks for (allegro-api-money.md §1.1, §5.3).

use actix_web::{HttpRequest, http::header};
use serde_json::{Value, json};

use crate::simulator::reply::header_str;

/// One billing type: its three-character id, its group and its names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BillingType {
    pub id: &'static str,
    /// UNCONFIRMED: Allegro publishes no `type.group` values (§5.2); these are illustrative.
    pub group: &'static str,
    pub polish: &'static str,
    pub english: &'static str,
}

/// The language of the names in an answer: Polish unless the request asks for English (§1.1:
/// the spec says English by default, every payload quoted in the tracker is Polish).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    Polish,
    English,
}

impl Language {
    /// The first language of the request's `Accept-Language`; the simulator speaks only Polish
    /// and English, so any other gets Polish.
    pub(crate) fn of(req: &HttpRequest) -> Self {
        let first = header_str(req, header::ACCEPT_LANGUAGE)
            .and_then(|v| v.split([',', ';']).next())
            .map(|tag| tag.trim().to_ascii_lowercase());
        match first {
            Some(tag) if tag == "en" || tag.starts_with("en-") => Self::English,
            _ => Self::Polish,
        }
    }
}

impl BillingType {
    pub(crate) fn name(&self, language: Language) -> &'static str {
        match language {
            Language::Polish => self.polish,
            Language::English => self.english,
        }
    }

    /// `type` of an entry.
    pub(crate) fn json(&self, language: Language) -> Value {
        json!({"id": self.id, "name": self.name(language), "group": self.group})
    }
}

const fn billing_type(
    id: &'static str,
    group: &'static str,
    polish: &'static str,
    english: &'static str,
) -> BillingType {
    BillingType {
        id,
        group,
        polish,
        english,
    }
}

/// Sale commission.
pub(crate) static SUC: BillingType = billing_type(
    "SUC",
    "COMMISSIONS",
    "Prowizja od sprzedaży",
    "Sales commission",
);
/// Listing fee (of an offer, not of an order).
pub(crate) static LIS: BillingType =
    billing_type("LIS", "LISTING", "Opłata za wystawienie", "Listing fee");
/// Refund of costs: commission given back after a return or a cancellation (a credit).
pub(crate) static REF: BillingType =
    billing_type("REF", "REFUNDS", "Zwrot kosztów", "Refund of costs");
/// DPD's delivery fee.
pub(crate) static HB1: BillingType = billing_type(
    "HB1",
    "DELIVERY",
    "Opłata za dostawę DPD",
    "DPD delivery fee",
);
static HB4: BillingType = billing_type(
    "HB4",
    "DELIVERY",
    "Opłata za dostawę InPost",
    "InPost delivery fee",
);
static HB8: BillingType = billing_type(
    "HB8",
    "DELIVERY",
    "Opłata za dostawę DHL",
    "DHL delivery fee",
);
static H12: BillingType = billing_type(
    "H12",
    "DELIVERY",
    "Opłata za dostawę ORLEN Paczka",
    "ORLEN Paczka delivery fee",
);
// UNCONFIRMED: HB3 and HB7 are the simulator's own ids for carriers the tracker shows no id of.
static HB3: BillingType = billing_type(
    "HB3",
    "DELIVERY",
    "Opłata za dostawę Pocztex",
    "Pocztex delivery fee",
);
static HB7: BillingType = billing_type(
    "HB7",
    "DELIVERY",
    "Opłata za dostawę Allegro One",
    "Allegro One delivery fee",
);

/// Sale commission of a featured offer.
pub(crate) static FSF: BillingType = billing_type(
    "FSF",
    "COMMISSIONS",
    "Prowizja od sprzedaży oferty wyróżnionej",
    "Featured offer sales commission",
);
/// The fee for offering Allegro Pay, on an order paid with it.
pub(crate) static APF: BillingType = billing_type(
    "APF",
    "PAYMENTS",
    "Opłata za udostępnienie Allegro Pay",
    "Allegro Pay fee",
);
/// DPD's surcharge on a parcel.
pub(crate) static DTR: BillingType = billing_type(
    "DTR",
    "DELIVERY",
    "Dopłata do przesyłki DPD",
    "DPD delivery surcharge",
);

/// Every type `GET /billing/billing-types` lists: those the simulator charges and a few more.
pub(crate) static TYPES: [&BillingType; 14] = [
    &SUC,
    &FSF,
    &LIS,
    &HB1,
    &HB3,
    &HB4,
    &HB7,
    &HB8,
    &H12,
    &APF,
    &billing_type(
        "PS1",
        "COMPENSATIONS",
        "Rekompensata Allegro Ceny",
        "Allegro Prices compensation",
    ),
    &REF,
    &billing_type("VAT", "CORRECTIONS", "Korekta VAT", "VAT correction"),
    &DTR,
];

/// The delivery fee of a delivery method (by its name, as the simulator's orders carry it);
/// `None` for a method the seller pays no fee for (personal pickup).
pub(crate) fn delivery_fee_type(method_name: &str) -> Option<&'static BillingType> {
    match method_name {
        "Allegro Paczkomaty InPost" | "Allegro Kurier24 InPost" => Some(&HB4),
        "Allegro Kurier DPD" => Some(&HB1),
        "Allegro Pocztex Kurier 48" | "Allegro Odbiór w Punkcie Poczta Polska" => Some(&HB3),
        "Allegro One Box, One Kurier" => Some(&HB7),
        _ => None,
    }
}

/// `GET /billing/billing-types`: a bare array of `{id, description}`.
pub(crate) fn types_json(language: Language) -> Value {
    TYPES
        .iter()
        .map(|t| json!({"id": t.id, "description": t.name(language)}))
        .collect()
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;
    use crate::simulator::names::DELIVERY_METHODS;

    #[test]
    fn every_paid_delivery_method_has_a_carrier_fee_and_ids_are_unique() {
        for (_, name, cost, _) in DELIVERY_METHODS {
            assert_eq!(delivery_fee_type(name).is_some(), *cost > 0, "{name}");
        }
        let mut ids: Vec<&str> = TYPES.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), TYPES.len());
        assert!(ids.iter().all(|id| id.len() == 3));
    }

    #[test]
    fn names_are_polish_unless_english_is_asked_for_first() {
        let language = |value: Option<&str>| {
            let req = value
                .map_or_else(TestRequest::default, |v| {
                    TestRequest::default().insert_header((header::ACCEPT_LANGUAGE, v))
                })
                .to_http_request();
            Language::of(&req)
        };
        assert_eq!(language(None), Language::Polish);
        assert_eq!(language(Some("pl-PL")), Language::Polish);
        assert_eq!(language(Some("cs-CZ")), Language::Polish);
        assert_eq!(language(Some("en-US")), Language::English);
        assert_eq!(language(Some("en-US,pl;q=0.5")), Language::English);
        assert_eq!(language(Some("pl-PL, en-US;q=0.8")), Language::Polish);
        assert_eq!(SUC.json(Language::English)["name"], "Sales commission");
        assert_eq!(
            types_json(Language::Polish)[0]["description"],
            "Prowizja od sprzedaży"
        );
    }
}
