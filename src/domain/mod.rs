//! Domain types that validate on construction. No HTTP or SQL knowledge here.

mod amount;
mod api_token;
pub mod customer_return;
mod document;
mod email;
mod explain;
mod ids;
pub mod invoice;
mod lang;
pub mod order_codes;
pub mod order_filter;
mod password;
pub mod refund;
pub mod refund_claim;
mod role;
mod run_report;
mod scope;
mod scoped_resource;
pub mod settings;
pub mod text;
mod user_name;
mod viewer;
pub mod wallet;
pub mod webhook;

pub use amount::{Amount, InvalidAmount, signed_cents};
pub use api_token::{
    API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, API_TOKEN_NAME_MAX_CHARS, ApiTokenError,
    ApiTokenLifetime, ApiTokenName, ApiTokenScope, ApiTokenStatus,
};
pub use document::{Document, canonical_json, content_hash};
pub use email::{Email, EmailError};
pub use explain::Explain;
pub use ids::{
    AccountId, ApiTokenId, BillingEntryId, CheckoutFormId, CustomerReturnId, DeliveryId, InvoiceId,
    RefundClaimId, RefundId, RunId, UserId, WebhookId,
};
pub use lang::{Lang, UnknownLang};
pub use order_filter::OrderFilter;
pub use password::{NewPassword, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, PasswordError};
pub use role::Role;
pub use run_report::{RunNote, RunPhase, RunProblem, RunReport};
pub use scope::AccountScope;
pub use scoped_resource::{ScopedResource, scope_granted};
pub use user_name::{DisplayName, NameError};
pub use viewer::{Viewer, Visibility};
