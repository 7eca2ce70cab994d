use std::fmt;

const MAX_CHARS: usize = 100;

/// Why a display name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Enter a name.")]
    Empty,
    #[error("A name has at most {MAX_CHARS} characters.")]
    TooLong,
    #[error("A name cannot contain control characters.")]
    ControlCharacters,
}

impl super::Explain for NameError {
    fn message_key(&self) -> &'static str {
        match self {
            NameError::Empty => "name-empty",
            NameError::TooLong => "name-too-long",
            NameError::ControlCharacters => "name-control-characters",
        }
    }

    fn message_count(&self) -> Option<i64> {
        matches!(self, NameError::TooLong).then_some(MAX_CHARS as i64)
    }
}

/// A person's display name: trimmed, not empty, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > MAX_CHARS {
            return Err(NameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(NameError::ControlCharacters);
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
