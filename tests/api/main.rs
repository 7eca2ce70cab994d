//! Integration tests: the real server over HTTP, each test with its own fresh database.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a failed expectation in a test should stop it loudly"
)]

mod access;
mod account;
mod accounts;
mod after_sale;
mod allegro_client;
mod anonymous;
mod api_v1;
mod audit;
mod billing;
mod browser;
mod changes;
mod cli;
mod client_simulator;
mod container;
mod coverage;
mod crash;
mod csrf;
mod dashboard;
mod export;
mod faults;
mod hardening;
mod health;
mod helpers;
mod i18n;
mod input;
mod layering;
mod logging;
mod login;
mod malformed;
mod metrics;
mod money_coverage;
mod ops;
mod order_detail;
mod orders_list;
mod payments;
mod pool;
mod quarantine;
mod reconcile;
mod refunds;
mod replicas;
mod returns;
mod saved_views;
mod schema;
mod scope;
mod settings;
mod setup;
mod shipments;
mod simulator;
mod storage;
mod stylesheet;
mod sync;
mod system;
mod token_lifetime;
mod tokens;
mod user_access;
mod users;
mod webhooks;
