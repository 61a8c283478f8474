//! What the API answers about the site's state: one typed view per
//! resource. Each view is built from the domain's state in the kernel
//! thread and documented as its own schema in the OpenAPI document. Ids
//! are the kernel's dense numbers, with the codes people use beside them
//! (SKU code, carrier name, location code, the associate's badge); times
//! are milliseconds of site time, and the same instants as RFC 3339 local
//! times on the site's calendar under `times` (a site on the virtual clock
//! counts from 1970-01-01 00:00 UTC); states and kinds are the names the
//! event catalog uses (upper case, but a wave's strategy in lower case).

use paklog_domain::Warehouse;
use paklog_sim::SimTime;
use serde::Serialize;

mod floor;
mod work;

pub use floor::{
    CapacityBody, ConveyorView, IntervalView, LocationMasterView, LocationView, MetricsView,
    PointView, ReconciliationView, SegmentStatsView, SegmentView, StockView, TagView, VarianceView,
};
pub use work::{
    InstructionView, LegView, NavigationView, NextTaskView, OrderLineView, OrderTimes, OrderView,
    PutInstructionView, PutWallSlotView, PutWallView, StopView, TaskTimes, TaskView, WaveTimes,
    WaveView,
};

/// The upper-case name an enum serializes to (`RESERVED`, `PICK` …).
fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn ms(t: SimTime) -> u64 {
    t.as_millis()
}

/// The RFC 3339 local time of `t` on the site's calendar.
fn at(wh: &Warehouse, t: SimTime) -> String {
    wh.config().calendar.rfc3339(t)
}

/// The query answers: the [`View`] enum, one variant per view, and each
/// view out of it (`TryFrom<View>`) for the handler that asked for it.
macro_rules! views {
    ($($(#[$doc:meta])* $variant:ident($ty:ty)),* $(,)?) => {
        /// A query's answer (serialized as the view it holds).
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum View {
            $($(#[$doc])* $variant($ty),)*
        }

        $(impl TryFrom<View> for $ty {
            type Error = View;

            fn try_from(view: View) -> Result<Self, View> {
                match view {
                    View::$variant(v) => Ok(v),
                    other => Err(other),
                }
            }
        })*
    };
}

views!(
    /// One order.
    Order(OrderView),
    /// One wave.
    Wave(WaveView),
    /// Waves.
    Waves(Vec<WaveView>),
    /// One task.
    Task(TaskView),
    /// Tasks.
    Tasks(Vec<TaskView>),
    /// One location.
    Location(LocationView),
    /// The metrics.
    Metrics(MetricsView),
    /// One tag.
    Tag(TagView),
    /// The reconciliation.
    Reconciliation(ReconciliationView),
    /// The conveyor.
    Conveyor(ConveyorView),
    /// A put wall.
    PutWall(PutWallView),
);
