//! PakLog Twin scenarios: the scenario file schema and the virtual physical world.
//!
//! This crate is being built up issue by issue; see the README for the map.
