//! Typed client of Allegro's OAuth and REST API.
//!
//! One [`AllegroClient`] per client id holds the HTTP pool, the client-wide rate budget and the
//! 429 pause; [`AllegroClient::account`] gives the [`AccountApi`] of one seller account, whose
//! tokens come from a caller-supplied [`TokenSource`]. Retries, refresh-on-401 and rate limits
//! live in one place (the pipeline in `client/pipeline.rs`), never at call sites. Base URLs come
//! from [`AllegroConfig`](crate::config::AllegroConfig), so the same code talks to production,
//! the sandbox, the simulator or a test double.

mod account;
mod billing;
mod checkout_form;
mod client;
mod customer_return;
mod error;
mod invoice;
mod listed;
#[cfg(test)]
mod malformed;
mod metrics;
mod models;
mod oauth;
mod payment_operation;
mod rate_limit;
mod refund;
mod refund_claim;
mod shipment;
pub mod time;
mod token_source;

pub use account::AccountApi;
pub use billing::{
    BILLING_OFFSET_MAX, BILLING_PAGE_MAX, BILLING_SCOPE, BillingEntriesPage, BillingEntry,
    BillingQuery, HOME_MARKETPLACE,
};
pub use checkout_form::{
    Buyer, CheckoutForm, CheckoutFormQuery, CheckoutFormSort, CheckoutFormsPage, Delivery,
    DeliveryMethod, LineItem, Offer, OfferExternal, Payment, PickupPoint, RejectedForm,
};
pub use client::{ALLEGRO_BETA_MEDIA_TYPE, ALLEGRO_MEDIA_TYPE, AllegroClient, RetryPolicy};
pub use customer_return::{
    CustomerReturn, CustomerReturnQuery, CustomerReturnsPage, RETURNS_PAGE_MAX, RETURNS_PER_SECOND,
    RETURNS_SCOPE, ReturnBuyer, ReturnItem, ReturnParcel, ReturnReason, ReturnRejection,
};
pub use error::{AllegroError, SNIPPET_MAX_CHARS};
pub use invoice::{FileCheck, INVOICES_SCOPE, Invoice, InvoiceFile, InvoiceLink, OrderInvoices};
pub use listed::Listed;
pub use metrics::ApiMetrics;
pub use models::{
    Amount, EventId, EventQuery, InvalidAmount, InvalidEventId, LatestEvent, Me, Money, OrderEvent,
};
pub use oauth::{
    DeviceAuthorization, DeviceFlowError, DevicePoll, SCOPES, TokenSet,
    wait_for_device_authorization,
};
pub use payment_operation::{
    PAYMENT_OPERATIONS_PAGE_MAX, PAYMENT_OPERATIONS_QUERY_MAX, PAYMENT_OPERATIONS_SCOPE,
    PaymentOperation, PaymentOperationQuery, PaymentOperationsPage, TOO_MANY_OPERATIONS, Wallet,
    WalletType,
};
pub use rate_limit::RateLimitPauses;
pub use refund::{
    REFUNDS_PAGE_MAX, REFUNDS_QUERY_MAX, REFUNDS_SCOPE, Refund, RefundLineItem, RefundQuery,
    RefundsPage,
};
pub use refund_claim::{
    REFUND_CLAIMS_PAGE_MAX, REFUND_CLAIMS_SCOPE, RefundClaim, RefundClaimQuery, RefundClaimsPage,
};
pub use shipment::Shipment;
pub use token_source::TokenSource;
