//! Rows written straight into the test database (fast, and with awkward values on purpose), and
//! counts read back from it.

use allegro_backup::{
    auth::password,
    db::models::{
        sync::SyncState,
        user::{NewUser, UserRow},
    },
    domain::{AccountId, DisplayName, Email, Role, UserId},
};
use diesel::{
    PgConnection, RunQueryDsl, sql_query,
    sql_types::{BigInt, Jsonb, Nullable, Text},
};
use secrecy::SecretString;
use serde_json::json;

use super::PASSWORD;

/// Takes `account`'s sync lease for `owner` for an hour, as another process would.
pub fn hold_lease(conn: &mut PgConnection, account: AccountId, owner: &str) {
    let until = chrono::Utc::now() + chrono::Duration::hours(1);
    assert!(SyncState::acquire_lease(conn, account, owner, until).unwrap());
}

/// The one `n` a counting query selects (`SELECT count(*) AS n …`).
#[derive(diesel::QueryableByName)]
pub struct Count {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The number `sql` selects as `n`.
pub fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    sql_query(sql).get_result::<Count>(conn).unwrap().n
}

/// The one text `t` a query selects.
#[derive(diesel::QueryableByName)]
struct OneText {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

/// The text `sql` selects as `t`.
pub fn text(conn: &mut PgConnection, sql: &str) -> String {
    sql_query(sql).get_result::<OneText>(conn).unwrap().t
}

/// Every text `t` a query selects.
pub fn texts(conn: &mut PgConnection, sql: &str) -> Vec<String> {
    sql_query(sql)
        .load::<OneText>(conn)
        .unwrap()
        .into_iter()
        .map(|row| row.t)
        .collect()
}

/// The id an `INSERT … RETURNING id` gives back.
#[derive(diesel::QueryableByName)]
pub struct Id {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
}

/// Inserts a user `email` with `role` and the password [`PASSWORD`]; returns the id.
pub async fn insert_user(
    conn: &mut PgConnection,
    email: &str,
    role: Role,
    must_change_password: bool,
) -> UserId {
    let hash = password::hash_async(SecretString::from(PASSWORD))
        .await
        .expect("hash");
    let email = Email::parse(email).expect("email");
    let name = DisplayName::from_email(&email);
    UserRow::insert(
        conn,
        &NewUser::new(&email, &name, role, &hash, must_change_password),
    )
    .expect("insert user")
    .id
}

/// An order inserted straight into the database.
pub struct Seed<'a> {
    pub account: AccountId,
    pub id: &'a str,
    pub status: &'a str,
    /// A PostgreSQL timestamptz literal.
    pub bought_at: &'a str,
    pub total: &'a str,
    pub currency: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    /// (offer name, quantity, unit price)
    pub items: &'a [(&'a str, i32, &'a str)],
    pub merged_into: Option<&'a str>,
}

impl Default for Seed<'_> {
    fn default() -> Self {
        Seed {
            account: AccountId(0),
            id: "",
            status: "READY_FOR_PROCESSING",
            bought_at: "2026-11-01 10:00:00+00",
            total: "100.00",
            currency: "PLN",
            first_name: "Jan",
            last_name: "Kowalski",
            email: "jan@example.com",
            items: &[("Kubek", 1, "100.00")],
            merged_into: None,
        }
    }
}

pub fn insert_account(conn: &mut PgConnection, login: &str) -> AccountId {
    sql_query(
        "INSERT INTO allegro_accounts (environment, allegro_user_id, login, status) \
         VALUES ('simulator', $1, $1, 'connected') RETURNING id",
    )
    .bind::<Text, _>(login)
    .get_result::<Id>(conn)
    .map(|row| AccountId(row.id))
    .unwrap()
}

/// Inserts account `login` and `orders` of it (their `account` is set to it); returns its id.
pub fn insert_account_with_orders(
    conn: &mut PgConnection,
    login: &str,
    orders: &[Seed],
) -> AccountId {
    let account = insert_account(conn, login);
    for order in orders {
        insert_order(conn, &Seed { account, ..*order });
    }
    account
}

pub fn insert_order(conn: &mut PgConnection, seed: &Seed) -> i64 {
    let raw = json!({
        "id": seed.id,
        "status": seed.status,
        "buyer": {
            "id": "b1", "email": seed.email, "login": "buyer_1",
            "firstName": seed.first_name, "lastName": seed.last_name,
            "address": {"street": "Solna 12/4", "city": "Poznań"}
        },
        "summary": {"totalToPay": {"amount": seed.total, "currency": seed.currency}},
        "lineItems": seed.items.iter().enumerate().map(|(i, (name, qty, price))| json!({
            "id": format!("{}-li-{i}", seed.id),
            "offer": {"id": format!("offer-{i}"), "name": name},
            "quantity": qty,
            "price": {"amount": price, "currency": seed.currency}
        })).collect::<Vec<_>>(),
    });
    let id = sql_query(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, buyer_login, \
         buyer_email, buyer_first_name, buyer_last_name, total_amount, currency, line_item_count, \
         bought_at, content_hash, raw, merged_into) \
         VALUES ($1, $2, $3, 'b1', 'buyer_1', $4, $5, $6, $7::numeric, $8, $9::int, \
         $10::timestamptz, 'h', $11, $12) RETURNING id",
    )
    .bind::<BigInt, _>(seed.account)
    .bind::<Text, _>(seed.id)
    .bind::<Text, _>(seed.status)
    .bind::<Text, _>(seed.email)
    .bind::<Text, _>(seed.first_name)
    .bind::<Text, _>(seed.last_name)
    .bind::<Text, _>(seed.total)
    .bind::<Text, _>(seed.currency)
    .bind::<Text, _>(seed.items.len().to_string())
    .bind::<Text, _>(seed.bought_at)
    .bind::<Jsonb, _>(raw)
    .bind::<Nullable<Text>, _>(seed.merged_into)
    .get_result::<Id>(conn)
    .unwrap()
    .id;
    for (i, (name, qty, price)) in seed.items.iter().enumerate() {
        sql_query(
            "INSERT INTO order_line_items (order_id, line_item_id, offer_id, offer_name, quantity, \
             price, currency) VALUES ($1, $2, $3, $4, $5::int, $6::numeric, $7)",
        )
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(format!("{}-li-{i}", seed.id))
        .bind::<Text, _>(format!("offer-{i}"))
        .bind::<Text, _>(*name)
        .bind::<Text, _>(qty.to_string())
        .bind::<Text, _>(*price)
        .bind::<Text, _>(seed.currency)
        .execute(conn)
        .unwrap();
    }
    id
}

/// Sets a user's account scope and masking by email.
pub fn restrict_user(
    conn: &mut PgConnection,
    email: &str,
    accounts: Option<&[AccountId]>,
    hide_personal_data: bool,
) {
    sql_query("DELETE FROM user_accounts WHERE user_id = (SELECT id FROM users WHERE email = $1)")
        .bind::<Text, _>(email)
        .execute(conn)
        .unwrap();
    sql_query("UPDATE users SET all_accounts = $2, hide_personal_data = $3 WHERE email = $1")
        .bind::<Text, _>(email)
        .bind::<diesel::sql_types::Bool, _>(accounts.is_none())
        .bind::<diesel::sql_types::Bool, _>(hide_personal_data)
        .execute(conn)
        .unwrap();
    for account in accounts.unwrap_or_default() {
        sql_query(
            "INSERT INTO user_accounts (user_id, account_id) \
             SELECT id, $2 FROM users WHERE email = $1",
        )
        .bind::<Text, _>(email)
        .bind::<BigInt, _>(*account)
        .execute(conn)
        .unwrap();
    }
}

impl super::TestApp {
    /// A client signed in as a new user `email` with `role`, limited to `accounts` (every
    /// account when `None`) and with personal data hidden or not.
    pub async fn restricted_client(
        &self,
        email: &str,
        role: Role,
        accounts: Option<&[AccountId]>,
        hide_personal_data: bool,
    ) -> reqwest::Client {
        let client = self.signed_in_client(email, role).await;
        restrict_user(&mut self.db.connect(), email, accounts, hide_personal_data);
        client
    }

    /// The number `sql` selects as `n` from the app's database.
    pub fn count(&self, sql: &str) -> i64 {
        count(&mut self.db.connect(), sql)
    }
}
