//! PakLog Twin reports: Parquet writers, run summaries and comparisons.
//!
//! This crate is being built up issue by issue; see the README for the map.
