//! Polish and English: every message exists in both languages, templates carry no literal
//! text, and each request is answered in the language it should be.

mod keys;
mod language;
mod literal_text;
