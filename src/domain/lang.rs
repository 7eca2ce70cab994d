//! The languages the dashboard speaks.

use std::{fmt, str::FromStr};

/// A language of the user interface. Polish is the marketplace's own; English is the fallback
/// for everyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    Pl,
    #[default]
    En,
}

impl Lang {
    /// Every language, Polish first (the order the language picker lists them in).
    pub const ALL: [Lang; 2] = [Lang::Pl, Lang::En];

    /// The BCP 47 code (`pl`, `en`), as `<html lang>`, the users table and the message
    /// directories (`locales/<code>/`) write it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, as a language picker shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Pl => "Polski",
            Lang::En => "English",
        }
    }

    /// The language of a BCP 47 tag's primary subtag (`pl-PL` → Polish), if it is one of ours.
    pub fn of_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// The language for a visitor whose preferences are `ranked` (best first, as an
    /// `Accept-Language` header ranks them): Polish when Polish is preferred over English,
    /// otherwise English.
    pub fn preferred<'a>(ranked: impl IntoIterator<Item = &'a str>) -> Lang {
        ranked
            .into_iter()
            .find_map(Lang::of_tag)
            .unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language “{0}”")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code() == code)
            .ok_or_else(|| UnknownLang(code.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_preferring_polish_gets_polish() {
        assert_eq!(Lang::preferred(["pl-PL", "en"]), Lang::Pl);
        assert_eq!(Lang::preferred(["de", "pl"]), Lang::Pl);
        assert_eq!(Lang::preferred(["en-GB", "pl"]), Lang::En);
        assert_eq!(Lang::preferred(["de", "fr"]), Lang::En);
        assert_eq!(Lang::preferred([]), Lang::En);
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(lang.code().parse::<Lang>(), Ok(lang));
        }
        assert!("de".parse::<Lang>().is_err());
    }
}
