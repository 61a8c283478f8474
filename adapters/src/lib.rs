//! # paklog-adapters: the live side
//!
//! The same WMS/WES the simulation runs, on the wall clock: the domain on
//! its own kernel thread ([`live`]), commands from the HTTP API ([`http`]),
//! and every accepted command made durable in the event store ([`store`])
//! before its client hears back, so a restart replays the store and goes on
//! where it was.
//!
//! Still to come (the live-mode issue): bearer tokens, OpenAPI, the events
//! WebSocket, PostgreSQL, Kafka and RTLS ingest.

pub mod http;
pub mod live;
pub mod store;

pub use http::{AppState, app};
pub use live::Live;
pub use store::SqliteStore;
