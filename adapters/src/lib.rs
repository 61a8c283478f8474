//! # paklog-adapters: the live side
//!
//! The same WMS/WES the simulation runs, on the wall clock: the domain on
//! its own kernel thread ([`live`]), commands from the HTTP API ([`http`],
//! with bearer tokens from [`auth`]) and from Kafka ([`kafka`]), every
//! accepted command made durable in the command store ([`store`]: SQLite or
//! PostgreSQL) before its client hears back, and the domain events sent out
//! as CloudEvents ([`cloudevents`]) over a WebSocket and to Kafka.

pub mod asyncapi;
pub mod auth;
pub mod cloudevents;
pub mod http;
pub mod kafka;
pub mod live;
pub mod openapi;
pub mod problem;
pub mod routes;
pub mod store;
pub mod views;

pub use auth::{Principal, Tokens};
pub use http::AppState;
pub use live::Live;
pub use routes::app;
pub use store::{CommandStore, PgStore, SqliteStore};
