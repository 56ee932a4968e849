//! The HTTP server and command-line tool: start-up, configuration, telemetry, routes, and the mapping of errors to
//! HTTP. The schema (`hrc-schema`) and the database (`hrc-db`) know nothing of HTTP.

// The futures of the schema's resolvers nest deeply (a count awaits the count cache, which awaits the database), and
// the release build lays out their types past the compiler's default query depth of 128.
#![recursion_limit = "256"]

pub mod caching;
pub mod cli;
pub mod config;
pub mod metrics;
pub mod request;
pub mod rest;
pub mod routes;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
