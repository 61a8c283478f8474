//! PakLog Twin domain: the WMS and WES services, commands and the event catalog.
//!
//! This crate is being built up issue by issue; see the README for the map.
