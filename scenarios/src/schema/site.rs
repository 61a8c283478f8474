//! The site: its layout, zones and docks, its SKUs and how they are slotted,
//! and the stock it starts with.

use super::*;
pub use paklog_domain::location_master::Passage;

/// Blocks of parallel aisles between cross aisles, a depot, zones and docks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Blocks of aisles, front to back; there is a cross aisle in front of,
    /// between and behind them.
    #[serde(default = "one")]
    pub blocks: u32,
    /// Aisles per block.
    pub aisles: u32,
    /// Bays along each side of an aisle in one block (a generated site;
    /// left out when `[site]` names the site's files).
    #[serde(default)]
    pub bays_per_aisle: Option<u32>,
    /// Storage levels per bay (a generated site).
    #[serde(default)]
    pub levels: Option<u32>,
    /// Length of an aisle in one block, between the centre lines of the
    /// cross aisles at its ends (m).
    pub aisle_length_m: f64,
    /// Distance between the centre lines of neighbouring aisles (m).
    pub aisle_pitch_m: f64,
    /// Racks on both sides of each aisle (true) or one side only.
    #[serde(default = "yes")]
    pub two_sided: bool,
    /// Aisle (numbered from 1) at whose front end the depot stands.
    #[serde(default = "one")]
    pub depot_aisle: u32,
    /// Further depots: aisles (numbered from 1) at whose front ends pick
    /// trips may also start and end; each trip (but a zone's) uses the
    /// depot that makes its route shortest.
    #[serde(default)]
    pub more_depots: Vec<u32>,
    /// Named zones as ranges of aisles; default one zone over all aisles.
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// Dock doors for outbound trucks.
    #[serde(default = "one")]
    pub dock_doors: u32,
    /// Aisles that are not open end to end in a block: dead ends, and
    /// blocks an aisle does not reach. Default: the perfect grid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passages: Vec<AislePassage>,
}

/// Aisles `first_aisle..=last_aisle` (numbered from 1) in block `block`
/// (numbered from 1, front to back), and the ends they are open at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AislePassage {
    /// First aisle.
    pub first_aisle: u32,
    /// Last aisle (inclusive); default `first_aisle`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_aisle: Option<u32>,
    /// The block.
    pub block: u32,
    /// `front` or `back`: a dead end entered from that cross aisle only;
    /// `none`: no aisle there (nothing stands in it and no one walks it);
    /// `open`: the grid.
    pub open: Passage,
}

impl AislePassage {
    /// Its aisles, numbered from 1.
    #[must_use]
    pub fn aisles(&self) -> std::ops::RangeInclusive<u32> {
        self.first_aisle..=self.last_aisle.unwrap_or(self.first_aisle)
    }
}

/// A zone: aisles `first_aisle..=last_aisle` (numbered from 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Zone name, e.g. "A".
    pub name: String,
    /// First aisle of the zone.
    pub first_aisle: u32,
    /// Last aisle of the zone.
    pub last_aisle: u32,
}

/// The assortment and its velocity profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skus {
    /// Number of SKUs (a generated site; left out when `[site]` names the
    /// site's files, whose item master gives the SKUs).
    #[serde(default)]
    pub count: Option<u32>,
    /// ABC velocity profile: class A and B shares of SKUs and of order lines;
    /// class C takes the rest.
    pub abc: Abc,
    /// Volume of one unit (litres; a generated site).
    #[serde(default)]
    pub unit_volume_l: Option<Dist>,
    /// Weight of one unit (kg; a generated site).
    #[serde(default)]
    pub unit_weight_kg: Option<Dist>,
    /// How SKUs are assigned to pick faces.
    #[serde(default)]
    pub slotting: Slotting,
    /// Every pick face from a file, as `paklog slot` writes it (`location`,
    /// `item`, optionally `units`), named relative to the scenario file; it
    /// replaces the faces `slotting` or the stock file give. An item it
    /// does not list has no pick face.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slotting_file: Option<String>,
    /// The slotting file's faces, once read (by `load`).
    #[serde(skip)]
    #[schemars(skip)]
    pub slotting_faces: Option<std::sync::Arc<Vec<crate::site_files::SlotRow>>>,
}

/// Shares of SKUs and of order lines for classes A and B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Abc {
    /// Share of SKUs in class A, e.g. 0.2.
    pub a_skus: f64,
    /// Share of order lines on class A, e.g. 0.8.
    pub a_lines: f64,
    /// Share of SKUs in class B.
    pub b_skus: f64,
    /// Share of order lines on class B.
    pub b_lines: f64,
}

/// Slotting policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Slotting {
    /// Fast movers in the bins closest to the depot.
    #[default]
    Abc,
    /// SKUs spread over the bins at random.
    Random,
}

/// Stock at the start of the run, per SKU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Pick faces per SKU (each a bin of its own).
    #[serde(default = "one")]
    pub pick_faces_per_sku: u32,
    /// Units in each pick face (a generated site; with `[site]` the stock
    /// file gives each face's units).
    #[serde(default)]
    pub pick_face_units: Option<u32>,
    /// Units per SKU in the reserve area (not picked from directly).
    #[serde(default)]
    pub reserve_units: u32,
    /// Min/max replenishment of pick faces from reserve, in units per face,
    /// e.g. `{ min = 10, max = 60 }`. Without it faces are never refilled
    /// (except a re-slotted face) and reserve stock is not promised to
    /// orders.
    #[serde(default)]
    pub replenishment: Option<Replenishment>,
    /// Minutes between cycle counts: one slotted pick face is counted each
    /// time, in turn. Without it, locations are counted only after a short
    /// pick.
    #[serde(default)]
    pub cycle_count_interval_min: Option<u32>,
}

/// The site from files, as a WMS or ERP exports them (CSV, or Parquet by
/// the extension), named relative to the scenario file. With it the
/// locations, the item master and the opening stock come from the files,
/// and `[layout]` describes only the walking network (blocks, aisles, their
/// length and pitch, depots, dock doors). `paklog site export` writes any
/// scenario's site in this form.
#[derive(Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFiles {
    /// Locations: `code`, `type`, `zone`, `aisle`, `bay`, `level`, `side`,
    /// `depth_m`, capacities, `restrictions`, `active`.
    pub locations: String,
    /// The item master: `code`, `barcodes`, `description`, dimensions,
    /// `volume_l`, `weight_kg`, `units_per_case`, `restrictions`, `abc`.
    pub items: String,
    /// Opening stock: `location`, `item`, `units`, `licence_plate`,
    /// `parent_plate`.
    pub stock: String,
    /// The roster, if the site has one: `name`, `shift` (a shift of
    /// `[associates]`), `skills`, `zone`. Each shift's headcount is then the
    /// number of its people.
    #[serde(default)]
    pub people: Option<String>,
    /// The files' content, once read (by `load`).
    #[serde(skip)]
    #[schemars(skip)]
    pub data: Option<std::sync::Arc<crate::site_files::SiteData>>,
}

impl PartialEq for SiteFiles {
    fn eq(&self, other: &Self) -> bool {
        self.locations == other.locations
            && self.items == other.items
            && self.stock == other.stock
            && self.people == other.people
            && match (&self.data, &other.data) {
                (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b) || a == b,
                (a, b) => a.is_none() && b.is_none(),
            }
    }
}

impl fmt::Debug for SiteFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SiteFiles")
            .field("locations", &self.locations)
            .field("items", &self.items)
            .field("stock", &self.stock)
            .field("people", &self.people)
            .field("read", &self.data.is_some())
            .finish()
    }
}
