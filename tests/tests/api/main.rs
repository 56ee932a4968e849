//! Integration tests: the real HTTP server over a real database, each test on SQLite and on PostgreSQL.

mod access;
mod auth;
mod communications;
mod complaints;
mod demo;
mod errors;
mod faults;
mod fund;
mod health;
mod keys;
mod limits;
mod mechanisms;
mod mutations;
mod national;
mod node;
mod ordering;
mod recommendations;
mod reference;
mod resolutions;
mod seed;
mod situations;
mod stats;
mod thesaurus;
mod visits;
mod websocket;
mod writes;
