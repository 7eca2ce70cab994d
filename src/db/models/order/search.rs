//! The search box: what a typed text matches in an order. An order id (full or prefix), the
//! buyer's login / email / names / company (`buyer_search_text`) and the offers' ids, names and
//! external ids (`items_search_text`) by any fragment, case- and accent-insensitive, on trigram
//! indexes; and, among the order's personal terms (`personal_terms`, migration 18: the words of
//! the buyer's, the recipient's and the invoice's addresses, the recipient's names and company,
//! the invoice's company; phone numbers, tax id and postcodes as digits; tracking numbers), the
//! typed words (all of them) or the typed code, whole, on a GIN array index.
//!
//! Written as one `OR` over columns of `orders` so that PostgreSQL can choose per search
//! between combining the indexes (rare text) and walking the sort order while filtering
//! (common text). Personal fields are left out for viewers who may not see personal data: a
//! hit would confirm what they searched for.

use diesel::{
    dsl::sql,
    pg::Pg,
    prelude::*,
    sql_types::{Array, Bool, Text},
};

use crate::db::{models::audit::escape_like, schema::orders};

/// The condition the search box adds for `text` (trimmed, not empty).
pub(super) fn search(
    text: &str,
    personal_data: bool,
) -> Box<dyn BoxableExpression<orders::table, Pg, SqlType = Bool>> {
    let pattern = format!("%{}%", escape_like(text));
    let prefix = format!("{}%", escape_like(&text.to_lowercase()));
    let own_columns = sql::<Bool>("(orders.checkout_form_id LIKE ")
        .bind::<Text, _>(prefix)
        .sql(" OR orders.items_search_text LIKE fold_text(")
        .bind::<Text, _>(pattern.clone())
        .sql(")");
    if !personal_data {
        return Box::new(own_columns.sql(")"));
    }
    Box::new(
        own_columns
            .sql(" OR orders.buyer_search_text LIKE fold_text(")
            .bind::<Text, _>(pattern)
            .sql(") OR orders.personal_terms @> search_query_words(")
            .bind::<Text, _>(text.to_string())
            .sql(") OR orders.personal_terms && (ARRAY[search_compact(")
            .bind::<Text, _>(text.to_string())
            .sql(")] || ")
            .bind::<Array<Text>, _>(number_codes(text))
            .sql("))"),
    )
}

/// The characters a number is written with besides its digits.
const NUMBER_PUNCTUATION: &[char] = &[' ', '-', '+', '(', ')', '.', '/'];

/// Digits of a Polish phone number without its country code.
const PL_PHONE_DIGITS: usize = 9;

/// The codes a typed number may stand for among the stored terms (see migration 18's
/// `search_phone`, `search_digits` and `search_postcode`): its digits, without a leading
/// two-letter country prefix of a tax id ("PL 781-123-45-67" → 7811234567) and, for a phone
/// number, without Poland's +48 / 0048; a 9-digit number also with 48 in front, as a number
/// written without the plus is stored. Empty when the text is not a number.
pub fn number_codes(text: &str) -> Vec<String> {
    let text = text.trim();
    let unprefixed = match text.char_indices().nth(2) {
        Some((at, _))
            if text[..at].chars().all(|c| c.is_ascii_alphabetic())
                && text[at..].starts_with(|c: char| c.is_ascii_digit() || c == ' ') =>
        {
            &text[at..]
        }
        _ => text,
    };
    let is_number = unprefixed
        .chars()
        .all(|c| c.is_ascii_digit() || NUMBER_PUNCTUATION.contains(&c));
    let digits: String = unprefixed.chars().filter(char::is_ascii_digit).collect();
    if !is_number || digits.is_empty() {
        return Vec::new();
    }
    let compact: String = unprefixed.chars().filter(|c| *c != ' ').collect();
    let national = ["+48", "0048"]
        .iter()
        .find_map(|code| compact.strip_prefix(code))
        .map(|rest| {
            rest.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        });
    let mut codes = vec![digits.clone()];
    match national {
        Some(national) if !national.is_empty() => {
            codes.push(format!("48{national}"));
            codes.insert(0, national);
        }
        _ if digits.len() == PL_PHONE_DIGITS => codes.push(format!("48{digits}")),
        _ if digits.len() == PL_PHONE_DIGITS + 2 && digits.starts_with("48") => {
            codes.push(digits[2..].to_string())
        }
        _ => {}
    }
    codes.dedup();
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_in_any_spelling_give_the_same_codes() {
        for typed in [
            "+48 600 100 200",
            "+48600100200",
            "0048 600 100 200",
            "600-100-200",
            "600 100 200",
            "(600) 100 200",
            "48600100200",
        ] {
            let codes = number_codes(typed);
            assert!(
                codes.contains(&"600100200".to_string()),
                "{typed}: {codes:?}"
            );
            assert!(
                codes.contains(&"48600100200".to_string()),
                "{typed}: {codes:?}"
            );
        }
    }

    #[test]
    fn tax_ids_postcodes_and_waybills_are_read_as_their_digits() {
        assert_eq!(number_codes("PL 781-123-45-67"), ["7811234567"]);
        assert_eq!(number_codes("pl7811234567"), ["7811234567"]);
        assert_eq!(number_codes("781-123-45-67"), ["7811234567"]);
        assert_eq!(number_codes("00-950"), ["00950"]);
        assert_eq!(number_codes(" 00950 "), ["00950"]);
        assert_eq!(
            number_codes("6200 1234 5678 9012 3456 7890"),
            ["620012345678901234567890"]
        );
    }

    #[test]
    fn words_are_not_numbers() {
        for typed in [
            "lodz",
            "Piotrkowska 12",
            "PX 1234567890X",
            "12 kg",
            "-",
            "+",
            "",
        ] {
            assert!(number_codes(typed).is_empty(), "{typed}");
        }
    }
}
