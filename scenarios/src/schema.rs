//! The scenario file, field by field. `scenarios/README.md` documents the same
//! fields for people; `paklog schema` prints the JSON Schema derived from
//! these types for editors.
//!
//! Every table rejects unknown fields, so a typo is an error rather than a
//! silently ignored setting.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod associates;
mod demand;
mod disruptions;
mod operations;
mod site;
mod strategy;
mod values;

pub use associates::*;
pub use demand::*;
pub use disruptions::*;
pub use operations::*;
pub use site::*;
pub use strategy::*;
pub use values::*;

/// A whole scenario: one simulated stretch of a distribution centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name of the scenario, written into every report.
    pub name: String,
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Simulated hours from the start of day one (00:00).
    pub horizon_h: f64,
    /// The site's IANA time zone (`Europe/Berlin`): shifts, breaks and
    /// carrier cut-offs are its local wall times, across daylight-saving
    /// changes. Default `UTC`.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The date of day one (`2026-03-28`). Default 1970-01-01.
    #[serde(default)]
    pub start_date: Option<String>,
    /// Minutes at the start excluded from KPIs.
    #[serde(default)]
    pub warm_up_min: f64,
    /// The building.
    pub layout: Layout,
    /// The assortment.
    pub skus: Skus,
    /// Stock at the start.
    pub inventory: Inventory,
    /// Where orders come from.
    pub demand: Demand,
    /// Who picks.
    pub associates: Associates,
    /// How work is planned and assigned.
    pub strategy: Strategy,
    /// Pack stations and cartons.
    pub packing: Packing,
    /// Things that go wrong during the run.
    #[serde(default)]
    pub disruptions: Vec<Disruption>,
    /// Workload planning: forecast, labour plan and the feedback loop.
    #[serde(default)]
    pub workload: Option<Workload>,
    /// Virtual RTLS: a tag on every associate.
    #[serde(default)]
    pub rtls: Option<Rtls>,
    /// Inbound receipts (supplier deliveries), put away by PUTAWAY tasks.
    #[serde(default)]
    pub inbound: Option<Inbound>,
    /// Conveyors from the pick zones to packing and from packing to the
    /// docks; without them pickers carry totes to the pack stations.
    #[serde(default)]
    pub conveyor: Option<Conveyor>,
    /// Live operation (`paklog serve`): who may use the API.
    #[serde(default)]
    pub live: Live,
}

/// Live operation (`paklog serve`); ignored by simulation runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Live {
    /// Bearer tokens: one per associate device, one per integration. With
    /// none, `paklog serve` refuses to start unless given `--open`.
    #[serde(default)]
    pub tokens: Vec<ApiToken>,
}

/// A bearer token and who holds it: an associate's handheld (which may
/// only fetch and confirm its own tasks) or an integration (orders, waves,
/// RTLS pings, the events stream and every read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiToken {
    /// The secret sent as `Authorization: Bearer …`; at least 16
    /// characters.
    pub token: String,
    /// The associate whose device holds it (their number in the roster,
    /// from 0, shift by shift).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associate: Option<u32>,
    /// The integration's name (`erp`, `rtls` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_parse_and_print() {
        assert_eq!(ClockTime::parse("06:30"), Ok(ClockTime(390)));
        assert_eq!(ClockTime::parse("6:05"), Ok(ClockTime(365)));
        assert_eq!(ClockTime(1020).to_string(), "17:00");
        for bad in ["24:00", "12:60", "1230", "ab:cd", "", "12:5"] {
            assert!(ClockTime::parse(bad).is_err(), "{bad}");
        }
    }
}
