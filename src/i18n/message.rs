//! A message with arguments, rendered when displayed.

use std::{borrow::Cow, collections::HashMap, fmt};

use fluent_templates::{Loader, fluent_bundle::FluentValue};

use super::{LOCALES, format::group_digits, language_id};
use crate::domain::Lang;

/// A message key with its arguments in one language; `Display` renders it. Counts are passed
/// twice: as a number for Fluent's plural rules (`$count`) and as grouped text for display
/// (`$n`), because Fluent itself writes numbers without grouping.
#[derive(Debug, Clone)]
pub struct Message {
    lang: Lang,
    key: Cow<'static, str>,
    args: HashMap<Cow<'static, str>, FluentValue<'static>>,
}

impl Message {
    pub fn new(lang: Lang, key: impl Into<Cow<'static, str>>) -> Self {
        Message {
            lang,
            key: key.into(),
            args: HashMap::new(),
        }
    }

    /// Sets the argument `$name` to the number `n` (for a message that selects on it).
    pub fn number(mut self, name: impl Into<Cow<'static, str>>, n: i64) -> Self {
        self.args.insert(name.into(), FluentValue::from(n));
        self
    }

    /// Sets the argument `$name` (named at run time) to `value`.
    pub fn named_arg(mut self, name: impl Into<Cow<'static, str>>, value: String) -> Self {
        self.args.insert(name.into(), FluentValue::from(value));
        self
    }

    /// Sets the argument `$name` to `value` (text as it is).
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args
            .insert(Cow::Borrowed(name), FluentValue::from(value.to_string()));
        self
    }

    /// Sets `$count` (for plural rules) and `$n` (grouped for display) to `n`.
    pub fn count(mut self, n: impl Count) -> Self {
        let n = n.as_i64();
        self.args
            .insert(Cow::Borrowed("count"), FluentValue::from(n));
        self.args.insert(
            Cow::Borrowed("n"),
            FluentValue::from(group_digits(self.lang, n)),
        );
        self
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&LOCALES.lookup_with_args(language_id(self.lang), &self.key, &self.args))
    }
}

/// A whole number a message can count (templates hold `usize`, `i64`, `u32`, … and references).
pub trait Count {
    fn as_i64(&self) -> i64;
}

macro_rules! count_from {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn as_i64(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}

count_from!(i32, i64, u32, u64, usize);

impl<T: Count + ?Sized> Count for &T {
    fn as_i64(&self) -> i64 {
        (**self).as_i64()
    }
}
