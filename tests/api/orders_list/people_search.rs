//! Search by what an operator has in hand: a city, a street or a postcode of the buyer's, the
//! recipient's or the invoice's address, a phone number in any spelling, a tax id, a tracking
//! number, the recipient's name, the invoice's company. None of it for a viewer who may not
//! see personal data.

use allegro_backup::{
    db::models::shipment::{self, NewShipment},
    domain::{AccountId, CheckoutFormId, Role},
};
use diesel::{PgConnection, RunQueryDsl, sql_query};
use serde_json::{Value, json};

use super::{encode, generated::insert_accounts, generated::quote, walk, world};

const BUYER_LODZ: &str = "11111111-0000-4000-8000-000000000001";
const DELIVERY_LODZ: &str = "22222222-0000-4000-8000-000000000002";
const INVOICE_LODZ: &str = "33333333-0000-4000-8000-000000000003";
const WARSAW: &str = "44444444-0000-4000-8000-000000000004";
const KRAKOW: &str = "55555555-0000-4000-8000-000000000005";

fn address(street: &str, post_code: &str, city: &str) -> Value {
    json!({"street": street, "city": city, "postCode": post_code, "countryCode": "PL"})
}

/// A delivery or invoice address (theirs have a `zipCode`).
fn zip_address(street: &str, zip: &str, city: &str) -> Value {
    json!({"street": street, "city": city, "zipCode": zip, "countryCode": "PL"})
}

/// Stores an order with this checkout form as a sync would (the search reads the form).
fn insert_form(conn: &mut PgConnection, account: AccountId, id: &str, age_days: i32, form: Value) {
    let mut form = form;
    form["id"] = json!(id);
    form["lineItems"] = json!([{"offer": {"id": "17412345678", "name": "Lampka nocna"}}]);
    let buyer = &form["buyer"];
    sql_query(format!(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, buyer_login, \
         buyer_email, buyer_first_name, buyer_last_name, content_hash, raw, bought_at) \
         VALUES ({account}, {id}, 'READY_FOR_PROCESSING', 'b', {login}, {email}, {first}, {last}, \
         'h', {raw}, now() - interval '{age_days} days')",
        id = quote(id),
        login = quote(buyer["login"].as_str().unwrap()),
        email = quote(buyer["email"].as_str().unwrap()),
        first = quote(buyer["firstName"].as_str().unwrap()),
        last = quote(buyer["lastName"].as_str().unwrap()),
        raw = quote(&form.to_string()),
    ))
    .execute(conn)
    .unwrap();
}

fn buyer(login: &str, last: &str, phone: Option<&str>, home: Value) -> Value {
    json!({"login": login, "email": format!("{login}@allegromail.pl"), "firstName": "Jan",
           "lastName": last, "phoneNumber": phone, "address": home})
}

/// Five orders: Łódź only in the buyer's, only in the recipient's, only in the invoice's
/// address; Warsaw with a postcode and two tracking numbers; Kraków.
fn seed(conn: &mut PgConnection) -> AccountId {
    let account = insert_accounts(conn, &["sklep_szukaj"])[0];
    let krakow = zip_address("Floriańska 3", "31-019", "Kraków");
    insert_form(
        conn,
        account,
        BUYER_LODZ,
        1,
        json!({
            "buyer": buyer("kupiec_a", "Nowak", Some("+48 600 100 200"),
                           address("Piotrkowska 12/4", "90-123", "Łódź")),
            "delivery": {"address": krakow},
        }),
    );
    let mut recipient = zip_address("Łąkowa 3", "93-100", "ŁÓDŹ");
    recipient["firstName"] = json!("Halina");
    recipient["lastName"] = json!("Wróbel");
    recipient["companyName"] = json!("Pracownia Źródło");
    recipient["phoneNumber"] = json!("600100200");
    insert_form(
        conn,
        account,
        DELIVERY_LODZ,
        2,
        json!({
            "buyer": buyer("kupiec_b", "Kowalski", Some("+48 512 000 111"),
                           address("Długa 5", "80-001", "Gdańsk")),
            "delivery": {"address": recipient},
        }),
    );
    let mut invoice = zip_address("Wólczańska 7", "90-001", "Łódź");
    invoice["company"] = json!({"name": "Kowalex Sp. z o.o.", "taxId": "781-123-45-67",
                                "ids": [{"type": "PL_NIP", "value": "7811234567"}]});
    insert_form(
        conn,
        account,
        INVOICE_LODZ,
        3,
        json!({
            "buyer": buyer("kupiec_c", "Zając", None, address("Półwiejska 2", "61-888", "Poznań")),
            "delivery": {"address": zip_address("Półwiejska 2", "61-888", "Poznań")},
            "invoice": {"required": true, "address": invoice},
        }),
    );
    insert_form(
        conn,
        account,
        WARSAW,
        4,
        json!({
            "buyer": buyer("kupiec_d", "Wiśniewska", Some("48 601 200 300"),
                           address("Marszałkowska 1", "00-950", "Warszawa")),
        }),
    );
    insert_form(
        conn,
        account,
        KRAKOW,
        5,
        json!({"buyer": buyer("kupiec_e", "Lis", None, address("Floriańska 3", "31-019", "Kraków"))}),
    );
    // Tracking numbers arrive with the shipments, as the sync stores them.
    let waybill = |id: &str, number: &str| NewShipment {
        account_id: account,
        checkout_form_id: CheckoutFormId::from(WARSAW.to_string()),
        shipment_id: id.to_string(),
        waybill: Some(number.to_string()),
        carrier_id: Some("INPOST".to_string()),
        carrier_name: None,
        created_at: None,
        raw: json!({"id": id, "waybill": number}),
    };
    shipment::record(
        conn,
        account,
        &CheckoutFormId::from(WARSAW.to_string()),
        None,
        &[
            waybill("s1", "6200 1234 5678 9012 3456 7890"),
            waybill("s2", "0000123456789U"),
        ],
    )
    .unwrap();
    account
}

async fn found(app: &crate::helpers::TestApp, client: &reqwest::Client, q: &str) -> Vec<String> {
    let path = format!("/orders?{}", encode(&[("q".into(), q.into())]));
    let (mut ids, _) = walk(app, client, &path).await;
    ids.sort();
    ids
}

#[tokio::test]
async fn lodz_finds_lodz_in_the_buyers_the_recipients_and_the_invoices_address() {
    let (app, admin, _, _) = world(0, 1).await;
    seed(&mut app.db.connect());
    for q in ["lodz", "Łódź", "ŁÓDŹ", " LODZ "] {
        assert_eq!(
            found(&app, &admin, q).await,
            [BUYER_LODZ, DELIVERY_LODZ, INVOICE_LODZ],
            "{q}"
        );
    }
    for (q, expected) in [
        ("krakow", vec![BUYER_LODZ, KRAKOW]),
        ("Piotrkowska 12", vec![BUYER_LODZ]),
        ("piotrkowska 13", vec![]),
        ("bielsko", vec![]),
        ("Wólczańska", vec![INVOICE_LODZ]),
        ("lakowa 3", vec![DELIVERY_LODZ]),
    ] {
        assert_eq!(found(&app, &admin, q).await, expected, "{q}");
    }
}

#[tokio::test]
async fn a_phone_number_is_found_in_any_spelling_with_or_without_the_country_code() {
    let (app, admin, _, _) = world(0, 2).await;
    seed(&mut app.db.connect());
    // The buyer of one order wrote "+48 600 100 200", the recipient of another "600100200".
    for q in [
        "+48 600 100 200",
        "600-100-200",
        "600100200",
        "0048600100200",
        "(600) 100 200",
    ] {
        assert_eq!(
            found(&app, &admin, q).await,
            [BUYER_LODZ, DELIVERY_LODZ],
            "{q}"
        );
    }
    // Stored as "48 601 200 300", without the plus.
    for q in ["601 200 300", "+48 601-200-300", "48601200300"] {
        assert_eq!(found(&app, &admin, q).await, [WARSAW], "{q}");
    }
    assert!(found(&app, &admin, "600 100 201").await.is_empty());
}

#[tokio::test]
async fn tax_ids_postcodes_and_tracking_numbers_are_found_however_they_are_written() {
    let (app, admin, _, _) = world(0, 3).await;
    seed(&mut app.db.connect());
    for (q, expected) in [
        ("7811234567", vec![INVOICE_LODZ]),
        ("781-123-45-67", vec![INVOICE_LODZ]),
        ("PL 781-123-45-67", vec![INVOICE_LODZ]),
        ("pl7811234567", vec![INVOICE_LODZ]),
        ("7811234568", vec![]),
        ("00-950", vec![WARSAW]),
        ("00950", vec![WARSAW]),
        ("90-123", vec![BUYER_LODZ]),
        ("93100", vec![DELIVERY_LODZ]),
        ("620012345678901234567890", vec![WARSAW]),
        ("6200 1234 5678 9012 3456 7890", vec![WARSAW]),
        ("0000123456789u", vec![WARSAW]),
        ("0000-1234-5678-9U", vec![WARSAW]),
        ("0000123456780U", vec![]),
    ] {
        assert_eq!(found(&app, &admin, q).await, expected, "{q}");
    }
}

#[tokio::test]
async fn recipients_and_invoice_companies_are_found_by_name() {
    let (app, admin, _, _) = world(0, 4).await;
    seed(&mut app.db.connect());
    for (q, expected) in [
        ("Halina Wróbel", vec![DELIVERY_LODZ]),
        ("wrobel", vec![DELIVERY_LODZ]),
        ("pracownia zrodlo", vec![DELIVERY_LODZ]),
        ("Kowalex", vec![INVOICE_LODZ]),
        ("kowalex sp. z o.o.", vec![INVOICE_LODZ]),
        // The buyer's names, as before: any fragment.
        ("kowalsk", vec![DELIVERY_LODZ]),
    ] {
        assert_eq!(found(&app, &admin, q).await, expected, "{q}");
    }
}

#[tokio::test]
async fn a_viewer_without_personal_data_finds_nothing_by_it_but_still_by_order_id_and_offer() {
    let (app, admin, _, _) = world(0, 5).await;
    seed(&mut app.db.connect());
    let masked = app
        .restricted_client("masked@example.com", Role::Viewer, None, true)
        .await;
    for q in [
        "lodz",
        "600100200",
        "+48 600 100 200",
        "7811234567",
        "00-950",
        "6200 1234 5678 9012 3456 7890",
        "wrobel",
        "Kowalex",
        "Piotrkowska",
    ] {
        assert!(!found(&app, &admin, q).await.is_empty(), "{q}: admin");
        assert!(
            found(&app, &masked, q).await.is_empty(),
            "{q} found while masked"
        );
    }
    assert_eq!(found(&app, &masked, "44444444").await, [WARSAW]);
    assert_eq!(found(&app, &masked, "lampka nocna").await.len(), 5);
}
