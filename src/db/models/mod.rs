//! One module per table: a row struct, insert/update structs and the queries on them.

pub mod account;
pub mod account_summary;
pub mod api_token;
pub mod audit;
pub mod coverage;
pub mod customer_return;
pub mod delivery_method;
pub mod device_authorization;
pub mod login_failure;
pub mod order;
pub mod order_change;
pub mod order_event;
pub mod order_note;
pub mod quarantine;
pub mod saved_view;
pub mod scheduled_job;
pub mod session;
pub mod settings;
pub mod setup_token;
pub mod shipment;
pub mod sync;
pub mod user;
pub mod user_access;
pub mod webhook;
pub mod webhook_delivery;
