//! allegro-backup: a self-hosted dashboard that keeps a complete backup of Allegro.pl orders.

pub mod accounts;
pub mod alerts;
pub mod allegro;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod metrics;
pub mod orders;
pub mod routes;
pub mod settings;
pub mod shutdown;
pub mod simulator;
pub mod startup;
pub mod state;
pub mod sync;
pub mod telemetry;
pub mod web;
pub mod webhooks;
