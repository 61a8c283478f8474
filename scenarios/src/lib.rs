//! # paklog-scenarios: scenario files and the virtual physical world
//!
//! A scenario file (TOML) describes a distribution centre and a stretch of
//! its life: the layout, the assortment, stock, demand, associates,
//! strategies and packing. This crate reads and validates it ([`load`]),
//! builds the warehouse from it, and simulates the physical world around the
//! WMS/WES: the demand generator, virtual associates who walk and pick, and
//! pack stations, and conveyors. The virtual world talks to the domain only through the
//! commands a handheld or an order feed would send live.
//!
//! ```
//! use paklog_scenarios::load::parse;
//! use std::path::Path;
//!
//! let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/small-dc.toml")).unwrap();
//! let scenario = parse(&text, Path::new("small-dc.toml")).unwrap();
//! assert_eq!(scenario.name, "small-dc");
//!
//! let broken = text.replace("headcount = 3", "headcount = 0");
//! let errors = parse(&broken, Path::new("small-dc.toml")).unwrap_err();
//! assert!(errors.to_string().contains("`associates.shifts[0].headcount`: must be ≥ 1, got 0"));
//! ```

pub mod assortment;
pub mod belts;
pub mod build;
pub mod calibrate;
pub mod demand;
pub mod dist;
pub mod error;
pub mod event;
pub mod load;
pub mod schema;
pub mod site_files;
pub mod study;
pub mod table;
pub mod validate;
pub mod world;

pub use load::{LoadedScenario, ScenarioError, ScenarioErrors, load};
pub use schema::Scenario;
pub use world::{ScenarioRun, SimEvent, VirtualWorld};
