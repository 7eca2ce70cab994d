use secrecy::{ExposeSecret, SecretString};

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A password someone chose, checked against the length policy (NIST 800-63B: long, any
/// characters, no composition rules).
#[derive(Debug)]
pub struct NewPassword(SecretString);

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Choose a password of at least {PASSWORD_MIN_CHARS} characters.")]
    TooShort,
    #[error("A password has at most {PASSWORD_MAX_CHARS} characters.")]
    TooLong,
    #[error("A password cannot be only spaces.")]
    Blank,
    #[error("The two passwords do not match.")]
    Mismatch,
}

impl super::Explain for PasswordError {
    fn message_key(&self) -> &'static str {
        match self {
            PasswordError::TooShort => "password-too-short",
            PasswordError::TooLong => "password-too-long",
            PasswordError::Blank => "password-blank",
            PasswordError::Mismatch => "password-mismatch",
        }
    }

    fn message_count(&self) -> Option<i64> {
        match self {
            PasswordError::TooShort => Some(PASSWORD_MIN_CHARS as i64),
            PasswordError::TooLong => Some(PASSWORD_MAX_CHARS as i64),
            PasswordError::Blank | PasswordError::Mismatch => None,
        }
    }
}

impl NewPassword {
    pub fn parse(password: &str, confirmation: &str) -> Result<Self, PasswordError> {
        let chars = password.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if password.trim().is_empty() {
            return Err(PasswordError::Blank);
        }
        if password != confirmation {
            return Err(PasswordError::Mismatch);
        }
        Ok(Self(SecretString::from(password.to_owned())))
    }

    /// A random password for a new account or a reset; the user changes it at first login.
    pub fn generate_temporary() -> Self {
        use rand::{Rng, distr::Alphanumeric};
        let password: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(20)
            .map(char::from)
            .collect();
        Self(SecretString::from(password))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_and_mismatched_passwords_are_rejected() {
        assert!(NewPassword::parse("short", "short").is_err());
        let long = "x".repeat(PASSWORD_MAX_CHARS + 1);
        assert!(NewPassword::parse(&long, &long).is_err());
        assert!(NewPassword::parse("correct horse battery", "correct horse battery!").is_err());
        assert!(NewPassword::parse("             ", "             ").is_err());
    }

    #[test]
    fn a_long_passphrase_is_accepted() {
        assert!(NewPassword::parse("zażółć gęślą jaźń", "zażółć gęślą jaźń").is_ok());
    }

    #[test]
    fn temporary_passwords_satisfy_the_policy() {
        let p = NewPassword::generate_temporary();
        assert!(NewPassword::parse(p.expose(), p.expose()).is_ok());
    }
}
