//! The CSV encoders: one chunk of rows (or of their line items) into bytes, masked for viewers
//! who may not see buyer data.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::{
    columns::{ITEM_COLUMNS, ORDER_COLUMNS},
    csv_cell::SafeCsvWriter,
};
use crate::{
    db::models::order::{LineItemRow, list::OrderListRow},
    domain::AccountId,
    orders::mask::mask,
};

/// UTF-8 byte order mark: spreadsheets then read Polish letters right.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the encoders need besides the rows.
pub(super) struct Context {
    pub zone: Tz,
    pub masked: bool,
    pub logins: HashMap<AccountId, String>,
}

impl Context {
    fn login(&self, account_id: AccountId) -> String {
        self.logins
            .get(&account_id)
            .cloned()
            .unwrap_or_else(|| format!("#{account_id}"))
    }

    fn personal(&self, value: &Option<String>) -> String {
        match value {
            Some(v) if self.masked => mask(v),
            Some(v) => v.clone(),
            None => String::new(),
        }
    }

    /// A value hidden whole from a masked viewer (an identifier: any part of it identifies).
    fn hidden<'a>(&self, value: &'a str) -> &'a str {
        if self.masked { "" } else { value }
    }

    fn local(&self, at: Option<DateTime<Utc>>) -> String {
        at.map(|t| crate::settings::local_time(t, self.zone))
            .unwrap_or_default()
    }
}

fn utc(at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_default()
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// A CSV writer into memory, formula cells neutralised; the first chunk starts with the BOM
/// and the header.
fn csv_writer(first: bool, header: &[&str]) -> Result<SafeCsvWriter<Vec<u8>>, csv::Error> {
    let mut writer = SafeCsvWriter::new(csv::Writer::from_writer(if first {
        BOM.to_vec()
    } else {
        Vec::new()
    }));
    if first {
        writer.write_record(header.iter().copied())?;
    }
    Ok(writer)
}

fn finish(writer: SafeCsvWriter<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    writer.into_inner()
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

pub(super) fn encode_orders(
    rows: &[OrderListRow],
    cx: &Context,
    first: bool,
) -> Result<(Vec<u8>, u64), csv::Error> {
    let mut writer = csv_writer(first, &ORDER_COLUMNS)?;
    for r in rows {
        let c = &r.columns;
        writer.write_record([
            c.checkout_form_id.as_str(),
            &cx.login(r.account_id),
            &c.status,
            text(&c.fulfillment_status),
            &utc(c.bought_at),
            &cx.local(c.bought_at),
            &utc(c.updated_at),
            cx.hidden(&c.buyer_id),
            &cx.personal(&c.buyer.login),
            &cx.personal(&c.buyer.email),
            &cx.personal(&c.buyer.first_name),
            &cx.personal(&c.buyer.last_name),
            &cx.personal(&c.buyer.company_name),
            yes_no(c.buyer.guest),
            text(&c.total_amount),
            text(&c.currency),
            text(&c.paid_amount),
            text(&c.payment_type),
            text(&c.payment_provider),
            &utc(c.payment_finished_at),
            text(&c.delivery_method_name),
            text(&c.pickup_point_id),
            yes_no(c.invoice_required),
            &c.line_item_count.to_string(),
            text(&c.marketplace_id),
            text(&r.merged_into),
            text(&c.revision),
        ])?;
    }
    Ok((finish(writer)?, rows.len() as u64))
}

pub(super) fn encode_items(
    rows: &[OrderListRow],
    items: &[LineItemRow],
    cx: &Context,
    first: bool,
) -> Result<(Vec<u8>, u64), csv::Error> {
    let by_id: HashMap<i64, &OrderListRow> = rows.iter().map(|r| (r.id, r)).collect();
    let mut writer = csv_writer(first, &ITEM_COLUMNS)?;
    let mut written = 0;
    for item in items {
        let Some(r) = by_id.get(&item.order_id) else {
            continue;
        };
        let c = &r.columns;
        writer.write_record([
            c.checkout_form_id.as_str(),
            &cx.login(r.account_id),
            &c.status,
            &utc(c.bought_at),
            &cx.local(c.bought_at),
            &cx.personal(&c.buyer.login),
            &cx.personal(&c.buyer.email),
            text(&c.total_amount),
            text(&c.currency),
            &item.line_item_id,
            &item.offer_id,
            text(&item.offer_name),
            text(&item.external_id),
            &item.quantity.to_string(),
            &item.price,
            text(&item.original_price),
            &item.currency,
        ])?;
        written += 1;
    }
    Ok((finish(writer)?, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut writer = csv_writer(true, &["a", "b"]).unwrap();
        writer
            .write_record(["Zażółć, \"gęślą\"", "line\nbreak"])
            .unwrap();
        let bytes = finish(writer).unwrap();
        assert!(bytes.starts_with(BOM));
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "a,b\n\"Zażółć, \"\"gęślą\"\"\",\"line\nbreak\"\n"
        );
    }
}
