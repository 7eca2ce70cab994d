use std::{fmt, str::FromStr};

/// A syntactically valid email address, trimmed and lower-cased so comparisons ignore case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Longest address SMTP allows.
const MAX_LEN: usize = 254;

/// Why an email address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an email address.")]
    Empty,
    #[error("An email address has at most {MAX_LEN} characters.")]
    TooLong,
    #[error("“{0}” is not a valid email address.")]
    Invalid(String),
}

impl super::Explain for EmailError {
    fn message_key(&self) -> &'static str {
        match self {
            EmailError::Empty => "email-empty",
            EmailError::TooLong => "email-too-long",
            EmailError::Invalid(_) => "email-invalid",
        }
    }

    fn message_count(&self) -> Option<i64> {
        matches!(self, EmailError::TooLong).then_some(MAX_LEN as i64)
    }

    fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            EmailError::Invalid(value) => vec![("value", value.clone())],
            _ => vec![],
        }
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let normalized = raw.trim().to_lowercase();
        if normalized.is_empty() {
            return Err(EmailError::Empty);
        }
        if normalized.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let valid = email_address::EmailAddress::from_str(&normalized).is_ok()
            && normalized
                .split('@')
                .nth(1)
                .is_some_and(|d| d.contains('.') || d == "localhost");
        if !valid {
            return Err(EmailError::Invalid(raw.trim().chars().take(80).collect()));
        }
        Ok(Self(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Anna.Kowalska@Example.PL ").map(|e| e.to_string()),
            Ok("anna.kowalska@example.pl".to_owned())
        );
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "",
            "   ",
            "anna",
            "anna@",
            "@example.com",
            "a b@example.com",
            "anna@example",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }
}
