//! PakLog Twin live adapters: wall-clock driver, HTTP API, Kafka, RTLS and the event store.
//!
//! This crate is being built up issue by issue; see the README for the map.
