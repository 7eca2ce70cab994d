//! Refusals a person reads. A domain value that rejects input says why with an error type that
//! names a message (`locales/<lang>/*.ftl`) and its arguments; the UI writes the message in the
//! reader's language (`i18n::explain`), the CLI and the logs use the error's English `Display`.

/// An error a person is shown: the key of its message and what fills it.
pub trait Explain {
    /// The message's key.
    fn message_key(&self) -> &'static str;

    /// A number the message counts (`$n`, and `$count` for its plural form), if any.
    fn message_count(&self) -> Option<i64> {
        None
    }

    /// The message's text arguments (`$value`, …), if any.
    fn message_args(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}
