//! A tiny site for examples and tests: one block of two aisles, three SKUs
//! (the first in two pick faces), ten units per face, one carrier, two
//! associates and one pack station.

mod given;

pub use given::*;

use paklog_sim::SimDuration;

use crate::config::{
    AssignmentWeights, AssociateSpec, CarrierSpec, CartonSpec, LabourWindow, PackPolicy,
    SiteConfig, SkuSpec, WavePolicy,
};
use crate::events::WaveStrategy;
use crate::ids::{LocationId, SkuId};
use crate::location_master::{AbcClass, LayoutSpec};
use crate::vocabulary::WaveRelease;

/// A plain layout for tests and benches: `blocks` blocks of `aisles`
/// aisles, 10 bays a side, one level, 10 m aisles 3 m apart, the depot at
/// the front of the first aisle, one dock door. Change fields with struct
/// update syntax.
#[must_use]
pub fn layout(blocks: u32, aisles: u32) -> LayoutSpec {
    LayoutSpec {
        blocks,
        aisles,
        bays_per_aisle: 10,
        levels: 1,
        aisle_length_m: 10.0,
        aisle_pitch_m: 3.0,
        two_sided: true,
        depot_aisle: 0,
        extra_depots: vec![],
        zones: vec![],
        dock_doors: 1,
        passages: Vec::new(),
    }
}

/// The tiny site.
#[must_use]
pub fn tiny_site() -> SiteConfig {
    SiteConfig {
        warehouse_id: "tiny".into(),
        calendar: crate::calendar::SiteCalendar::default(),
        layout: LayoutSpec {
            bays_per_aisle: 5,
            ..layout(1, 2)
        },
        skus: (1..=3)
            .map(|i| SkuSpec::new(format!("SKU{i:04}"), 1.0, 0.5, AbcClass::A))
            .collect(),
        // Bins are numbered aisle by aisle, bay by bay, left then right.
        slotting: vec![
            (SkuId(0), LocationId(0)),
            (SkuId(1), LocationId(2)),
            (SkuId(2), LocationId(12)),
            (SkuId(0), LocationId(19)),
        ],
        face_units: Vec::new(),
        pick_face_units: 10,
        reserve_units: 0,
        reserve_stock: Vec::new(),
        locations: Vec::new(),
        carriers: vec![CarrierSpec {
            name: "UPS".into(),
            cutoff_min: 17 * 60,
        }],
        wave: WavePolicy {
            strategy: WaveStrategy::Time,
            interval: SimDuration::from_mins(30),
            max_orders: 50,
            cutoff_lead: SimDuration::from_hours(2),
            lines_per_head_hour: 100.0,
            release: WaveRelease::Auto,
        },
        labour: vec![LabourWindow {
            start_min: 0,
            end_min: 1440,
            heads: 2,
        }],
        assignment: AssignmentWeights {
            distance: 0.4,
            skill: 0.2,
            workload: 0.2,
            performance: 0.2,
            priority: 0.2,
        },
        routing: crate::routing::Policy::SShape,
        picking: crate::pick_execution::Picking::Discrete,
        associates: vec![
            AssociateSpec {
                name: "ann".into(),
                express: true,
                zone: None,
            },
            AssociateSpec {
                name: "bob".into(),
                express: false,
                zone: None,
            },
        ],
        packing: PackPolicy {
            stations: 1,
            qc_rate: 0.0,
            weight_tolerance: 0.05,
            cartons: vec![CartonSpec {
                name: "M".into(),
                volume_l: 20.0,
                max_weight_kg: 15.0,
            }],
        },
        seed: 1,
        replenishment: None,
        cycle_count_interval: None,
        conveyor: None,
        barcode_required: false,
        workload: None,
    }
}
