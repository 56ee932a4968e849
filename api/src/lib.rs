//! The HTTP server and command-line tool: start-up, configuration, telemetry, routes, and the mapping of errors to
//! HTTP. The schema (`hrc-schema`) and the database (`hrc-db`) know nothing of HTTP.

pub mod caching;
pub mod cli;
pub mod config;
pub mod metrics;
pub mod rest;
pub mod routes;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
