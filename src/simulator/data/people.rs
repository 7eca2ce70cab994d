//! People on a generated form: the buyer (a person, sometimes a company or a guest) and, now
//! and then, another recipient of the parcel.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{
    market::Market,
    values::{alnum, digits, maybe_drop_null, pick},
};
use crate::simulator::names::{
    CITIES, COMPANY_SUFFIXES, FIRST_NAMES, LAST_NAMES, STREETS, ascii_fold,
};

pub(super) struct Person {
    pub first: &'static str,
    pub last: &'static str,
    pub street: String,
    pub city: &'static str,
    pub post_code: String,
    pub pickup_prefix: &'static str,
    pub phone: String,
}

pub(super) fn person(rng: &mut ChaCha8Rng) -> Person {
    let (city, prefix, pickup_prefix) = *pick(rng, CITIES);
    Person {
        first: pick::<&str>(rng, FIRST_NAMES),
        last: pick::<&str>(rng, LAST_NAMES),
        street: format!(
            "{} {}/{}",
            pick(rng, STREETS),
            rng.random_range(1..150),
            rng.random_range(1..40)
        ),
        city,
        post_code: format!(
            "{prefix}{}-{:03}",
            rng.random_range(0..10),
            rng.random_range(0..1000)
        ),
        pickup_prefix,
        phone: format!(
            "+48 {} {:03} {:03}",
            rng.random_range(500..900),
            rng.random_range(0..1000),
            rng.random_range(0..1000)
        ),
    }
}

/// The buyer of a form: the person, whether they buy as a company, and the form's `buyer`.
pub(super) struct Buyer {
    pub person: Person,
    pub company: bool,
    /// The company's name (drawn for every buyer, used only when `company`).
    pub company_name: String,
    pub json: Value,
}

impl Buyer {
    /// `companyName` of an address: the company's name, or null for a private buyer.
    pub fn company_name_or_null(&self) -> Value {
        company_name_or_null(self.company, &self.company_name)
    }
}

fn company_name_or_null(company: bool, name: &str) -> Value {
    if company { json!(name) } else { Value::Null }
}

pub(super) fn buyer(rng: &mut ChaCha8Rng, market: &Market) -> Buyer {
    let person = person(rng);
    let guest = rng.random_bool(0.05);
    let company = !guest && rng.random_bool(0.12);
    let login = if guest {
        format!("Gość_{}", digits(rng, 6))
    } else {
        format!(
            "{}_{}{}",
            ascii_fold(person.first),
            ascii_fold(person.last),
            rng.random_range(1..100)
        )
    };
    let company_name = format!("{} {}", person.last, pick(rng, COMPANY_SUFFIXES));
    let mut json = json!({
        "id": digits(rng, 8),
        "email": format!("{}+{:08x}@allegromail.pl", alnum(rng, 9), rng.random::<u32>()),
        "login": login,
        "firstName": person.first,
        "lastName": person.last,
        "companyName": company_name_or_null(company, &company_name),
        "guest": guest,
        "personalIdentity": null,
        "phoneNumber": person.phone,
        "preferences": {"language": market.language},
        "address": {"street": person.street, "city": person.city,
                    "postCode": person.post_code, "countryCode": market.country},
    });
    if let Some(obj) = json.as_object_mut() {
        maybe_drop_null(rng, obj, "personalIdentity");
        maybe_drop_null(rng, obj, "companyName");
    }
    Buyer {
        person,
        company,
        company_name,
        json,
    }
}
