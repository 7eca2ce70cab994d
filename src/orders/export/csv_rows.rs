//! The CSV encoders: one chunk of rows (or of their line items) into bytes, masked for viewers
//! who may not see buyer data.

use std::{borrow::Cow, collections::HashMap};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{
    Dialect,
    columns::{ITEM_COLUMNS, ORDER_COLUMNS},
    csv_cell::SafeCsvWriter,
};
use crate::{
    db::models::order::{
        LineItemRow,
        export::{ExportDetails, ExportRow},
    },
    domain::{AccountId, Lang},
    orders::mask::mask,
};

/// UTF-8 byte order mark: spreadsheets then read Polish letters right.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the encoders need besides the rows.
pub(super) struct Context {
    pub zone: Tz,
    pub dialect: Dialect,
    /// The language of an excel file's headers and yes/no cells.
    pub lang: Lang,
    /// How a yes/no cell reads ([`Dialect::yes_no`]).
    pub yes_no: [String; 2],
    pub masked: bool,
    pub logins: HashMap<AccountId, String>,
}

impl Context {
    fn yes_no(&self, value: bool) -> &str {
        &self.yes_no[usize::from(!value)]
    }

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

    /// A `*_local` time: the display zone's `yyyy-mm-dd HH:MM` in every dialect.
    fn local(&self, at: Option<DateTime<Utc>>) -> String {
        at.map(|t| crate::settings::local_time(t, self.zone))
            .unwrap_or_default()
    }

    /// A `*_utc` time, as the dialect writes it.
    fn time(&self, at: Option<DateTime<Utc>>) -> String {
        self.dialect.time(at, self.zone)
    }

    /// An amount, as the dialect writes it.
    fn amount<'a>(&self, value: &'a Option<String>) -> Cow<'a, str> {
        self.dialect.amount(text(value))
    }

    /// The cells of the recipient, (when given) the pickup point id and the last columns, in
    /// the order of both CSVs' tails (see `columns`); personal ones masked as the buyer's.
    fn details(&self, d: &ExportDetails, pickup_point_id: Option<&Option<String>>) -> Vec<String> {
        let mut cells = vec![
            self.personal(&d.recipient_name),
            self.personal(&d.recipient_company),
            self.personal(&d.recipient_street),
            self.personal(&d.recipient_postcode),
            text(&d.recipient_city).to_owned(),
            text(&d.recipient_country).to_owned(),
            self.personal(&d.recipient_phone),
        ];
        cells.extend(pickup_point_id.map(|id| text(id).to_owned()));
        cells.extend([
            text(&d.pickup_point_name).to_owned(),
            self.personal(&d.invoice_company),
            self.hidden(text(&d.invoice_tax_id)).to_owned(),
            self.hidden(text(&d.tracking_numbers)).to_owned(),
            text(&d.carriers).to_owned(),
        ]);
        cells
    }
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// A CSV writer into memory in `dialect`, formula cells neutralised; the first chunk starts
/// with the BOM and the header.
pub(super) fn csv_writer(
    first: bool,
    header: &[&str],
    dialect: Dialect,
    lang: Lang,
) -> Result<SafeCsvWriter<Vec<u8>>, csv::Error> {
    let start = if first { BOM.to_vec() } else { Vec::new() };
    let writer = csv::WriterBuilder::new()
        .delimiter(dialect.delimiter())
        .terminator(dialect.terminator())
        .from_writer(start);
    let mut writer = SafeCsvWriter::new(writer, dialect.decimal_separator());
    if first {
        let names: Vec<Cow<'_, str>> = header
            .iter()
            .map(|name| dialect.header(name, lang))
            .collect();
        writer.write_record(names.iter().map(AsRef::as_ref))?;
    }
    Ok(writer)
}

pub(super) fn finish(writer: SafeCsvWriter<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    writer.into_inner()
}

pub(super) fn encode_orders(
    rows: &[ExportRow],
    cx: &Context,
    first: bool,
) -> Result<(Vec<u8>, u64), csv::Error> {
    let mut writer = csv_writer(first, &ORDER_COLUMNS, cx.dialect, cx.lang)?;
    for row in rows {
        let r = &row.order;
        let c = &r.columns;
        let details = cx.details(&row.details, None);
        writer.write_record(
            [
                c.checkout_form_id.as_str(),
                &cx.login(r.account_id),
                &c.status,
                text(&c.fulfillment_status),
                &cx.time(c.bought_at),
                &cx.local(c.bought_at),
                &cx.time(c.updated_at),
                cx.hidden(&c.buyer_id),
                &cx.personal(&c.buyer.login),
                &cx.personal(&c.buyer.email),
                &cx.personal(&c.buyer.first_name),
                &cx.personal(&c.buyer.last_name),
                &cx.personal(&c.buyer.company_name),
                cx.yes_no(c.buyer.guest),
                &cx.amount(&c.total_amount),
                text(&c.currency),
                &cx.amount(&c.paid_amount),
                text(&c.payment_type),
                text(&c.payment_provider),
                &cx.time(c.payment_finished_at),
                text(&c.delivery_method_name),
                text(&c.pickup_point_id),
                cx.yes_no(c.invoice_required),
                &c.line_item_count.to_string(),
                text(&c.marketplace_id),
                text(&r.merged_into),
                text(&c.revision),
            ]
            .into_iter()
            .chain(details.iter().map(String::as_str)),
        )?;
    }
    Ok((finish(writer)?, rows.len() as u64))
}

/// The line items of `rows`, one row each, in the order of `rows` (`items` come by order id).
pub(super) fn encode_items(
    rows: &[ExportRow],
    items: &[LineItemRow],
    cx: &Context,
    first: bool,
) -> Result<(Vec<u8>, u64), csv::Error> {
    let mut by_order: HashMap<i64, Vec<&LineItemRow>> = HashMap::new();
    for item in items {
        by_order.entry(item.order_id).or_default().push(item);
    }
    let mut writer = csv_writer(first, &ITEM_COLUMNS, cx.dialect, cx.lang)?;
    let mut written = 0;
    for row in rows {
        let Some(order_items) = by_order.get(&row.order.id) else {
            continue;
        };
        let r = &row.order;
        let c = &r.columns;
        let details = cx.details(&row.details, Some(&c.pickup_point_id));
        let (login, bought_at, bought_local) = (
            cx.login(r.account_id),
            cx.time(c.bought_at),
            cx.local(c.bought_at),
        );
        let (buyer_login, buyer_email) = (cx.personal(&c.buyer.login), cx.personal(&c.buyer.email));
        let total = cx.amount(&c.total_amount);
        for item in order_items {
            writer.write_record(
                [
                    c.checkout_form_id.as_str(),
                    &login,
                    &c.status,
                    &bought_at,
                    &bought_local,
                    &buyer_login,
                    &buyer_email,
                    &total,
                    text(&c.currency),
                    &item.line_item_id,
                    &item.offer_id,
                    text(&item.offer_name),
                    text(&item.external_id),
                    &item.quantity.to_string(),
                    &cx.dialect.amount(&item.price),
                    &cx.amount(&item.original_price),
                    &item.currency,
                ]
                .into_iter()
                .chain(details.iter().map(String::as_str)),
            )?;
            written += 1;
        }
    }
    Ok((finish(writer)?, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut writer = csv_writer(true, &["a", "b"], Dialect::Plain, Lang::Pl).unwrap();
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

    #[test]
    fn excel_files_use_semicolons_crlf_and_decimal_commas() {
        let mut writer = csv_writer(
            true,
            &["total_amount", "bought_at_utc"],
            Dialect::Excel,
            Lang::En,
        )
        .unwrap();
        // A negative amount with a decimal comma is a number, not a formula; a `;` is quoted.
        writer.write_record(["-12,50", "a;b"]).unwrap();
        let bytes = finish(writer).unwrap();
        assert!(bytes.starts_with(BOM));
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "Order total;Bought at\r\n-12,50;\"a;b\"\r\n"
        );
    }
}
