use std::fmt;

const MAX_CHARS: usize = 100;

/// A person's display name: trimmed, not empty, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter a name.".to_owned());
        }
        if name.chars().count() > MAX_CHARS {
            return Err(format!("A name has at most {MAX_CHARS} characters."));
        }
        if name.chars().any(char::is_control) {
            return Err("A name cannot contain control characters.".to_owned());
        }
        Ok(Self(name.to_owned()))
    }

    /// The part of an email before the `@`, for users created without a name.
    pub fn from_email(email: &crate::domain::Email) -> Self {
        let local = email.as_str().split('@').next().unwrap_or_default();
        Self(local.chars().take(MAX_CHARS).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::DisplayName;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(
            DisplayName::parse("  Anna  ").map(|n| n.to_string()),
            Ok("Anna".into())
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
        assert!(DisplayName::parse(&"ł".repeat(101)).is_err());
    }
}
