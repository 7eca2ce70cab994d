//! Masks of buyer personal data for users who must not see it. A mask has a fixed length
//! whatever it hides ("Jan Kowalski" and "Janina Kowalska-Nowak" both become "J*** K***"), so
//! it gives away no more than an initial: the length of a name, a street or a number could
//! otherwise tell one buyer from another.

/// The mask of one value: the initials of its first two words when they are letters, else
/// stars; an email keeps its local part's initial and its top-level domain.
pub fn mask(value: &str) -> String {
    if let Some((local, domain)) = value.split_once('@') {
        let tld = domain.rsplit_once('.').map_or("", |(_, tld)| tld);
        return format!("{}@***.{tld}", mask_word(local));
    }
    value
        .split_whitespace()
        .take(2)
        .map(mask_word)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A word's initial (when it is a letter) and three stars.
fn mask_word(word: &str) -> String {
    match word.chars().next() {
        Some(c) if c.is_alphabetic() => format!("{c}***"),
        _ => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_have_a_fixed_length() {
        assert_eq!(mask("Jan Kowalski"), "J*** K***");
        assert_eq!(mask("Janina Maria Kowalska-Nowak"), "J*** M***");
        assert_eq!(mask("anna.nowak@example.pl"), "a***@***.pl");
        assert_eq!(mask("x@localhost"), "x***@***.");
        assert_eq!(mask("Łucja"), "Ł***");
        assert_eq!(mask("+48 600 100 200"), "*** ***");
        assert_eq!(mask("60-166"), "***");
        assert_eq!(mask(""), "");
    }
}
