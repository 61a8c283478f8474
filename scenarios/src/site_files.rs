//! A site from files: its locations, item master and opening stock, read
//! from the CSV or Parquet a WMS or ERP exports, every bad row named by
//! file, line, column and field; and written back out (`export`).
//!
//! The files and their columns (`scenarios/README.md` documents them for
//! users):
//!
//! - **locations**: `code`, `type` (`PICK`, `RESERVE`, `STAGE`, `DOCK`),
//!   `zone`, `aisle` (from 1), `bay` and `level` (from 1), `side` (`L`,
//!   `R`), `depth_m` (metres along the aisle from the front cross aisle's
//!   centre line), `capacity_units`, `capacity_volume_l`,
//!   `capacity_weight_kg`, `restrictions` (the conditions it meets,
//!   `HAZMAT;FROZEN`), `active`. A location's block follows from its depth.
//!   `RESERVE`, `STAGE` and `DOCK` locations without an aisle stand at the
//!   depot.
//! - **items**: `code`, `barcodes` (`;`-separated), `description`,
//!   `length_cm`, `width_cm`, `height_cm`, `volume_l` (or the three
//!   dimensions), `weight_kg`, `units_per_case`, `restrictions` (the
//!   conditions it needs), `abc`.
//! - **stock**: `location`, `item`, `units`, `licence_plate`,
//!   `parent_plate`. Stock in a `PICK` location makes it the item's pick
//!   face; stock in `RESERVE` is the item's reserve.
//! - **people** (optional): `name`, `shift`, `skills` (`pick;express`),
//!   `zone`.

mod export;
mod read;
mod slotting;

use paklog_domain::config::SkuSpec;
use paklog_domain::location_master::Location;
use paklog_domain::{LocationId, SkuId};

pub use export::csv_text;
pub(crate) use export::tables;
pub use export::{export, exported_scenario};
pub use read::{Files, read};
pub use slotting::{SLOTTING_COLUMNS, SlotRow, read_slotting, slotting_csv};

/// The columns of the locations file, in the order export writes them; the
/// first three are required.
pub(crate) const LOCATION_COLUMNS: [&str; 16] = [
    "code",
    "type",
    "zone",
    "aisle",
    "bay",
    "level",
    "side",
    "depth_m",
    "capacity_units",
    "capacity_volume_l",
    "capacity_weight_kg",
    "restrictions",
    "active",
    "slotting_class",
    "x_m",
    "y_m",
];

/// The columns of the stock file, in the order export writes them; the
/// first three are required.
pub(crate) const STOCK_COLUMNS: [&str; 5] =
    ["location", "item", "units", "licence_plate", "parent_plate"];

/// The content of a site's files, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteData {
    /// Zone names, in the order they first appear; `Location::zone`
    /// indexes them.
    pub zones: Vec<String>,
    /// Every location, in file order (its id is its place).
    pub locations: Vec<Location>,
    /// The item master, in file order (its id is its place).
    pub items: Vec<SkuSpec>,
    /// The stock file's rows, in file order.
    pub stock: Vec<StockRow>,
    /// Pick faces: item, location and units (summed over its rows), in the
    /// order they first appear.
    pub faces: Vec<(SkuId, LocationId, u32)>,
    /// Reserve stock per item, summed over its rows, by item, with the
    /// location of its first row (where more of it is put away).
    pub reserve: Vec<(SkuId, LocationId, u32)>,
    /// The roster from the people file, if given, in file order.
    pub people: Option<Vec<Person>>,
}

/// An associate of the people file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Name or badge.
    pub name: String,
    /// Index of the shift in `[associates]`.
    pub shift: usize,
    /// Picks express orders with priority.
    pub express: bool,
    /// The zone they pick in under zone picking (index into the site's
    /// zones); none: as the planner spreads them.
    pub zone: Option<u16>,
}

/// A row of the stock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockRow {
    /// Where it is.
    pub location: LocationId,
    /// What it is.
    pub item: SkuId,
    /// How many.
    pub units: u32,
    /// The licence plate it is on or in, if any.
    pub plate: Option<String>,
    /// The plate that plate sits on or in (a case on a pallet).
    pub parent_plate: Option<String>,
}
