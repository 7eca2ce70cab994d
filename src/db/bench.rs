//! The database side of `allegro-backup bench`: realistic orders generated server-side
//! (`INSERT … SELECT generate_series`), the backends to measure, the throw-away database.

use diesel::{
    prelude::*,
    sql_query,
    sql_types::{Array, BigInt, Integer, Text},
};

use crate::domain::AccountId;

/// One batch: orders `$1..=$2` spread over the accounts `$3`, ids prefixed with `$4`.
const SEED_SQL: &str = r#"
WITH src AS (
    SELECT g,
        ($3::bigint[])[1 + (g / 3) % cardinality($3::bigint[])] AS account_id,
        $4 || '-' || lpad(to_hex(g), 8, '0') || '-' || substr(md5(g::text), 1, 12) AS form_id,
        (ARRAY['Jan','Anna','Łukasz','Zofia','Małgorzata','Paweł','Agnieszka','Wojciech',
               'Katarzyna','Grzegorz','Jürgen','Żaneta'])[1 + g % 12] AS first_name,
        (ARRAY['Kowalski','Nowak','Wiśniewska','Wójcik','Kamińska','Lewandowski','Zieliński',
               'Szymańska','Woźniak','Dąbrowski','Kozłowska','Jabłoński'])[1 + (g / 12) % 12] AS last_name,
        (ARRAY['READY_FOR_PROCESSING','READY_FOR_PROCESSING','READY_FOR_PROCESSING',
               'READY_FOR_PROCESSING','READY_FOR_PROCESSING','READY_FOR_PROCESSING',
               'BOUGHT','FILLED_IN','CANCELLED','READY_FOR_PROCESSING'])[1 + (g * 7) % 10] AS status,
        (ARRAY['SENT','SENT','SENT','PICKED_UP','NEW','PROCESSING','READY_FOR_SHIPMENT',
               'SENT','CANCELLED','RETURNED'])[1 + (g * 3) % 10] AS fulfillment,
        (ARRAY['ONLINE','ONLINE','ONLINE','CASH_ON_DELIVERY','WIRE_TRANSFER','SPLIT_PAYMENT',
               'ONLINE','EXTENDED_TERM'])[1 + (g * 5) % 8] AS payment,
        (ARRAY['P24','PAYU','P24','AF'])[1 + g % 4] AS provider,
        CASE WHEN g % 25 = 0 THEN 'EUR' WHEN g % 40 = 1 THEN 'CZK' ELSE 'PLN' END AS currency,
        CASE WHEN g % 40 = 1 THEN 'allegro-cz' ELSE 'allegro-pl' END AS marketplace,
        1 + g % 5 AS delivery_n,
        (ARRAY['Allegro Paczkomaty InPost','Allegro Kurier DPD','Allegro One Box',
               'Poczta Polska Pocztex','Odbiór osobisty'])[1 + g % 5] AS delivery,
        now() - ((g::bigint * 7919) % 31536000) * interval '1 second' AS bought_at,
        1 + (g * 13) % 3 AS n_items,
        g % 9 = 0 AS invoice,
        -- Where the buyer lives (1 in 15 in Łódź) and where the parcel goes: to the buyer,
        -- or (1 in 5) to someone else elsewhere.
        1 + (g * 17) % 15 AS home,
        1 + (g * 23 + 5) % 15 AS away,
        g % 5 = 0 AS other_recipient,
        -- A mobile number of 9 digits (one in 400 million), written four ways.
        (500000000 + (g::bigint * 48271) % 399999999)::text AS phone_digits
    FROM generate_series($1::bigint, $2::bigint) g
), people AS (
    SELECT s.*,
        (ARRAY['Łódź','Kraków','Gdańsk','Poznań','Wrocław','Warszawa','Szczecin','Bydgoszcz',
               'Lublin','Białystok','Katowice','Częstochowa','Zielona Góra','Bielsko-Biała',
               'Świnoujście'])[s.home] AS city,
        (ARRAY['9','3','8','6','5','0','7','8','2','1','4','4','6','4','7'])[s.home]
            || (s.g % 10)::text || '-' || lpad(((s.g * 7) % 1000)::text, 3, '0') AS post_code,
        (ARRAY['Piotrkowska','Solna','Grunwaldzka','Długa','Świętokrzyska','Marszałkowska',
               'Żeromskiego','Kościuszki','Mickiewicza','Słowackiego','Ogrodowa','Źródlana',
               'Polna','Łąkowa','Krótka','Wrzosowa','Jagiellońska','Ułańska','Zielona',
               'Leśna'])[1 + (s.g * 11) % 20] || ' ' || (1 + s.g % 149)::text
            || CASE WHEN s.g % 3 = 0 THEN '/' || (1 + s.g % 39)::text ELSE '' END AS street,
        CASE s.g % 4
            WHEN 0 THEN '+48 ' || substr(s.phone_digits, 1, 3) || ' ' || substr(s.phone_digits, 4, 3)
                        || ' ' || substr(s.phone_digits, 7, 3)
            WHEN 1 THEN '+48' || s.phone_digits
            WHEN 2 THEN substr(s.phone_digits, 1, 3) || '-' || substr(s.phone_digits, 4, 3)
                        || '-' || substr(s.phone_digits, 7, 3)
            ELSE substr(s.phone_digits, 1, 3) || ' ' || substr(s.phone_digits, 4, 3)
                 || ' ' || substr(s.phone_digits, 7, 3)
        END AS phone,
        (ARRAY['Łódź','Kraków','Gdańsk','Poznań','Wrocław','Warszawa','Szczecin','Bydgoszcz',
               'Lublin','Białystok','Katowice','Częstochowa','Zielona Góra','Bielsko-Biała',
               'Świnoujście'])[s.away] AS away_city,
        (ARRAY['9','3','8','6','5','0','7','8','2','1','4','4','6','4','7'])[s.away]
            || ((s.g / 10) % 10)::text || '-' || lpad(((s.g * 13) % 1000)::text, 3, '0') AS away_post_code,
        (ARRAY['Ogrodowa','Leśna','Kwiatowa','Wolności','Wiejska','Lipowa'])[1 + s.g % 6]
            || ' ' || (1 + (s.g * 3) % 99)::text AS away_street,
        (ARRAY['Ewa','Tomasz','Bożena','Jędrzej','Halina','Mikołaj'])[1 + (s.g / 5) % 6] AS away_first,
        (ARRAY['Mazur','Król','Wróbel','Sikora','Bąk','Górski'])[1 + (s.g / 30) % 6] AS away_last,
        -- A NIP: 10 digits, now and then written with dashes.
        (1000000000 + (s.g::bigint * 104729) % 8999999999)::text AS nip_digits,
        -- A tracking number per carrier, for orders that went out.
        CASE WHEN s.fulfillment IN ('SENT', 'PICKED_UP', 'RETURNED') THEN
            CASE s.delivery_n
                WHEN 1 THEN '6' || lpad(((s.g::bigint * 7919) % 100000000000)::text, 11, '0')
                            || lpad(s.g::text, 12, '0')
                WHEN 2 THEN '0000' || lpad(((s.g::bigint * 15485863) % 10000000000)::text, 10, '0') || 'U'
                WHEN 3 THEN 'A' || upper(substr(md5('w' || s.g), 1, 11))
                WHEN 4 THEN 'PX' || lpad(((s.g::bigint * 104723) % 10000000000)::text, 10, '0')
            END
        END AS waybill
    FROM src s
), items AS (
    SELECT s.g, k,
        (ARRAY['Kubek ceramiczny 330 ml','Ręcznik bawełniany 70×140','Łyżka drewniana',
               'Żarówka LED E27 9 W','Śrubokręt krzyżakowy PH2','Książka „Pan Tadeusz”',
               'Słuchawki bezprzewodowe','Koszulka męska, rozmiar L','Świeca zapachowa „Las”',
               'Herbata zielona 100 g'])[1 + (s.g + k * 7) % 10] AS name,
        1 + (s.g + k) % 3 AS qty,
        round((100 + (s.g::bigint * 7919 + k * 104729) % 49900) / 100.0, 2) AS price
    FROM src s, generate_series(1, s.n_items) k
), agg AS (
    SELECT i.g, sum(i.qty * i.price) AS total,
        jsonb_agg(jsonb_build_object(
            'id', s.form_id || '-li-' || i.k,
            'offer', jsonb_build_object('id', (7400000000 + (i.g * 31 + i.k) % 900000)::text,
                                        'name', i.name,
                                        'external', jsonb_build_object('id', 'SKU-' || (i.g + i.k) % 500)),
            'quantity', i.qty,
            'originalPrice', jsonb_build_object('amount', i.price::text, 'currency', s.currency),
            'price', jsonb_build_object('amount', i.price::text, 'currency', s.currency),
            'boughtAt', to_char(s.bought_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
            ORDER BY i.k) AS line_items
    FROM items i JOIN src s USING (g)
    GROUP BY i.g
), doc AS (
    SELECT p.*, a.total, jsonb_build_object(
        'id', p.form_id,
        'messageToSeller', CASE WHEN p.g % 7 = 0 THEN 'Proszę o staranne zapakowanie, "kruche"!' END,
        'buyer', jsonb_build_object(
            'id', (30000000 + p.g)::text,
            'email', lower(translate(p.first_name || '.' || p.last_name, 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻü', 'acelnoszzACELNOSZZu'))
                     || p.g || '@allegromail.pl',
            'login', translate(p.first_name || '_' || p.last_name, 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻü', 'acelnoszzACELNOSZZu') || '_' || p.g % 1000,
            'firstName', p.first_name, 'lastName', p.last_name, 'companyName', NULL,
            'guest', p.g % 17 = 0, 'phoneNumber', p.phone,
            'address', jsonb_build_object('street', p.street, 'city', p.city,
                'postCode', p.post_code, 'countryCode', 'PL')),
        'payment', jsonb_build_object('id', md5('p' || p.g), 'type', p.payment, 'provider', p.provider,
            'finishedAt', to_char(p.bought_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'paidAmount', jsonb_build_object('amount', a.total::text, 'currency', p.currency)),
        'status', p.status,
        'fulfillment', jsonb_build_object('status', p.fulfillment),
        'delivery', jsonb_build_object('method', jsonb_build_object('id', md5(p.delivery), 'name', p.delivery),
            'address', CASE WHEN p.other_recipient THEN
                jsonb_build_object('firstName', p.away_first, 'lastName', p.away_last,
                    'street', p.away_street, 'city', p.away_city, 'zipCode', p.away_post_code,
                    'countryCode', 'PL', 'companyName', NULL,
                    'phoneNumber', '+48 ' || (700 + p.g % 100)::text || ' ' || substr(p.phone_digits, 4, 3)
                                   || ' ' || substr(p.phone_digits, 7, 3), 'modifiedAt', NULL)
            ELSE
                jsonb_build_object('firstName', p.first_name, 'lastName', p.last_name,
                    'street', p.street, 'city', p.city, 'zipCode', p.post_code,
                    'countryCode', 'PL', 'companyName', NULL, 'phoneNumber', p.phone,
                    'modifiedAt', NULL)
            END,
            'cost', jsonb_build_object('amount', '12.99', 'currency', p.currency)),
        'invoice', CASE WHEN p.invoice THEN jsonb_build_object('required', true,
            'address', jsonb_build_object('street', p.street, 'city', p.city, 'zipCode', p.post_code,
                'countryCode', 'PL',
                'company', jsonb_build_object(
                    'name', p.last_name || ' ' || (ARRAY['Sp. z o.o.','S.A.','s.c.','Sp.j.'])[1 + p.g % 4],
                    'ids', jsonb_build_array(jsonb_build_object('type', 'PL_NIP', 'value', p.nip_digits)),
                    'vatPayerStatus', 'ACTIVE',
                    'taxId', CASE WHEN p.g % 18 = 0 THEN substr(p.nip_digits, 1, 3) || '-'
                        || substr(p.nip_digits, 4, 3) || '-' || substr(p.nip_digits, 7, 2) || '-'
                        || substr(p.nip_digits, 9, 2) ELSE p.nip_digits END),
                'naturalPerson', NULL))
            ELSE jsonb_build_object('required', false) END,
        'lineItems', a.line_items,
        'summary', jsonb_build_object('totalToPay', jsonb_build_object('amount', a.total::text, 'currency', p.currency)),
        'marketplace', jsonb_build_object('id', p.marketplace),
        'updatedAt', to_char(p.bought_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'revision', substr(md5('r' || p.g), 1, 8)) AS raw
    FROM people p JOIN agg a USING (g)
), ins AS (
    INSERT INTO orders (account_id, checkout_form_id, marketplace_id, status, fulfillment_status,
        buyer_id, buyer_login, buyer_email, buyer_first_name, buyer_last_name, buyer_guest,
        total_amount, currency, payment_type, payment_provider, payment_finished_at, paid_amount,
        delivery_method_id, delivery_method_name, invoice_required, line_item_count, bought_at,
        updated_at, revision, content_hash, raw, waybills)
    SELECT account_id, form_id, marketplace, status, fulfillment,
        raw->'buyer'->>'id', raw->'buyer'->>'login', raw->'buyer'->>'email', first_name, last_name,
        (raw->'buyer'->>'guest')::boolean, total, currency, payment, provider, bought_at, total,
        md5(delivery), delivery, invoice, n_items, bought_at, bought_at, raw->>'revision',
        md5(raw::text), raw,
        CASE WHEN waybill IS NOT NULL THEN ARRAY[search_compact(waybill)] END
    FROM doc
    RETURNING id, checkout_form_id, account_id, currency, bought_at
), shipped AS (
    INSERT INTO order_shipments (account_id, checkout_form_id, shipment_id, waybill, carrier_id,
        carrier_name, created_at, raw)
    SELECT ins.account_id, ins.checkout_form_id, md5('s' || p.g), p.waybill,
        (ARRAY['INPOST','DPD','ALLEGRO','POCZTA_POLSKA'])[p.delivery_n],
        (ARRAY['InPost','DPD','Allegro One Kurier','Poczta Polska'])[p.delivery_n],
        ins.bought_at + interval '1 day',
        jsonb_build_object('id', md5('s' || p.g), 'waybill', p.waybill)
    FROM ins JOIN people p ON p.form_id = ins.checkout_form_id
    WHERE p.waybill IS NOT NULL
)
INSERT INTO order_line_items (order_id, line_item_id, offer_id, offer_name, external_id, quantity,
    price, original_price, currency, bought_at)
SELECT ins.id, ins.checkout_form_id || '-li-' || i.k, (7400000000 + (i.g * 31 + i.k) % 900000)::text,
    i.name, 'SKU-' || (i.g + i.k) % 500, i.qty, i.price, i.price, ins.currency, ins.bought_at
FROM ins JOIN src s ON s.form_id = ins.checkout_form_id JOIN items i ON i.g = s.g
"#;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Backend {
    #[diesel(sql_type = Integer)]
    pid: i32,
}

/// The bench account with this login (created, or found again on a second seeding).
pub fn seed_account(conn: &mut PgConnection, login: &str) -> QueryResult<AccountId> {
    let row: Id = sql_query(
        "INSERT INTO allegro_accounts (environment, allegro_user_id, login, status) \
         VALUES ('bench', $1, $1, 'disconnected') \
         ON CONFLICT (environment, allegro_user_id) DO UPDATE SET login = EXCLUDED.login \
         RETURNING id",
    )
    .bind::<Text, _>(login)
    .get_result(conn)?;
    Ok(AccountId(row.id))
}

/// Generates the orders numbered `first..=last` (with their line items) spread over
/// `accounts`, checkout form ids starting with `prefix`.
pub fn seed_orders(
    conn: &mut PgConnection,
    (first, last): (i64, i64),
    accounts: &[AccountId],
    prefix: &str,
) -> QueryResult<usize> {
    sql_query(SEED_SQL)
        .bind::<BigInt, _>(first)
        .bind::<BigInt, _>(last)
        .bind::<Array<BigInt>, _>(accounts)
        .bind::<Text, _>(prefix)
        .execute(conn)
}

/// Refreshes the planner's statistics of the orders and their line items.
pub fn analyze_orders(conn: &mut PgConnection) -> QueryResult<()> {
    sql_query("ANALYZE orders").execute(conn)?;
    sql_query("ANALYZE order_line_items").execute(conn)?;
    Ok(())
}

/// The process ids of the PostgreSQL backends connected to this database.
pub fn backend_pids(conn: &mut PgConnection) -> QueryResult<Vec<i32>> {
    let backends: Vec<Backend> =
        sql_query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            .load(conn)?;
    Ok(backends.into_iter().map(|b| b.pid).collect())
}

/// Drops the database `name` (its sessions ended), connecting to the server at `admin_url`;
/// best effort.
pub fn drop_database(admin_url: &str, name: &str) {
    if let Ok(mut conn) = PgConnection::establish(admin_url) {
        let sql = format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            super::quote_ident(name)
        );
        let _ = sql_query(sql).execute(&mut conn);
    }
}
