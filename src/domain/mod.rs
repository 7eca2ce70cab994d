//! Domain types that validate on construction. No HTTP or SQL knowledge here.

mod amount;
mod document;
mod email;
mod ids;
pub mod order_codes;
pub mod order_filter;
mod password;
mod role;
mod scope;
pub mod settings;
pub mod text;
mod user_name;
mod viewer;

pub use amount::{Amount, InvalidAmount};
pub use document::{Document, canonical_json, content_hash};
pub use email::Email;
pub use ids::{AccountId, CheckoutFormId, RunId, UserId};
pub use order_filter::OrderFilter;
pub use password::{NewPassword, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};
pub use role::Role;
pub use scope::AccountScope;
pub use user_name::DisplayName;
pub use viewer::{Viewer, Visibility};
