//! The user interface's languages: every text a person reads comes from the Fluent message
//! files in `locales/<lang>/*.ftl` (compiled into the binary), and every number, amount and
//! time is written by [`Locale`], so a page reads the same way from its first word to its last.
//!
//! Templates call `page.t("key")` or `page.msg("key").arg("name", value)` (see
//! `web::page::PageContext`); Rust code that composes a sentence (a flash message, an error)
//! calls [`Locale::t`] / [`Locale::msg`] with the request's locale.

mod format;
mod message;
mod request;

pub use format::{code_as_words, group_digits, local_amount};
pub use message::{Count, Message};
pub use request::{current_lang, scope, use_lang};

use chrono_tz::Tz;
use fluent_templates::{
    LanguageIdentifier, Loader, fluent_bundle::FluentValue, langid, static_loader,
};

pub use crate::domain::Lang;
use crate::domain::settings::DEFAULT_ZONE;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: the pages are left-to-right only and
        // the marks would end up in titles, CSV headers and tests.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static PL: LanguageIdentifier = langid!("pl");
static EN: LanguageIdentifier = langid!("en");

fn language_id(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Pl => &PL,
        Lang::En => &EN,
    }
}

/// How a person reads the pages: their language and the display time zone (Settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    pub lang: Lang,
    pub zone: Tz,
}

impl Default for Locale {
    fn default() -> Self {
        Locale {
            lang: Lang::default(),
            zone: DEFAULT_ZONE,
        }
    }
}

impl Locale {
    pub fn new(lang: Lang, zone: Tz) -> Self {
        Locale { lang, zone }
    }

    /// The message `key` (without arguments) in this language.
    pub fn t(&self, key: &str) -> String {
        translate(self.lang, key)
    }

    /// The message `key` to fill with arguments: `loc.msg("orders-found").count(n)`.
    pub fn msg(&self, key: &'static str) -> Message {
        Message::new(self.lang, key)
    }

    /// [`Locale::msg`] for a key made at run time (`audit-detail-<action>`).
    pub fn msg_owned(&self, key: String) -> Message {
        Message::new(self.lang, key)
    }
}

/// The message `key` in `lang`; a key missing from `lang` falls back to English, and a key
/// missing everywhere shows itself (the key-parity test keeps both from happening).
pub fn translate(lang: Lang, key: &str) -> String {
    LOCALES.lookup(language_id(lang), key)
}

/// Whether `key` exists in `lang` itself (no fallback); a message that needs arguments
/// exists too, though it cannot be written without them.
pub fn has_key(lang: Lang, key: &str) -> bool {
    // fluent-templates keeps its error type private: a missing message is told apart from a
    // message that wants arguments by the error's text (the unit tests below pin it).
    match LOCALES.lookup_single_language::<&str>(language_id(lang), key, None) {
        Ok(_) => true,
        Err(e) => !e.to_string().starts_with("Couldn't retrieve message"),
    }
}

/// The message `key` written in `lang` itself with `args` (numbers), or Fluent's complaint:
/// for the test that writes every message of both languages.
pub fn render_strictly(lang: Lang, key: &str, args: &[(String, i64)]) -> Result<String, String> {
    let args: std::collections::HashMap<String, FluentValue> = args
        .iter()
        .map(|(name, n)| (name.clone(), FluentValue::from(*n)))
        .collect();
    LOCALES
        .lookup_single_language(language_id(lang), key, Some(&args))
        .map_err(|e| e.to_string())
}

/// A refusal (see `domain::Explain`) in `lang`.
pub fn explain(lang: Lang, problem: &impl crate::domain::Explain) -> String {
    let mut message = Message::new(lang, problem.message_key());
    if let Some(n) = problem.message_count() {
        message = message.count(n);
    }
    for (name, value) in problem.message_args() {
        message = message.arg(name, value);
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_exists_with_or_without_its_arguments() {
        assert!(has_key(Lang::Pl, "nav-orders"));
        assert!(has_key(Lang::Pl, "orders-found"));
        assert!(!has_key(Lang::Pl, "no-such-key"));
        assert_eq!(
            Message::new(Lang::Pl, "orders-found").count(3).to_string(),
            "3 zamówienia"
        );
        assert_eq!(
            Message::new(Lang::Pl, "orders-found")
                .count(1234)
                .to_string(),
            "1\u{a0}234 zamówienia"
        );
    }
}
