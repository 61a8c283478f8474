//! # paklog-domain: the WMS and WES of PakLog Twin
//!
//! One module per service of the seed design, each holding its state, its
//! command handling, the events it emits, its reactions to other services'
//! facts and its rule tests (`<service>/rules.rs`):
//!
//! - WMS: [`order_management`], [`inventory`], [`wave_planning`],
//!   [`location_master`], [`workload_planning`];
//! - WES: [`orchestration`], [`task_execution`], [`pick_execution`],
//!   [`pack_ship`], [`quality`], [`physical_tracking`],
//!   [`material_handling`].
//!
//! Commands ([`Command`]) come in through one port, [`Warehouse::execute`],
//! which routes each to its service; a refusal ([`CommandError`]) names its
//! request field and its [`RefusalKind`]. Every fact ([`DomainEvent`]) goes
//! out through one bus ([`EventBus`]). The domain never reads a clock,
//! spawns a task or touches a file: the caller passes the time, and fires
//! the timers it asks for ([`Warehouse::schedule_timers`]). So the same code
//! runs a simulated day and a live site.
//!
//! ```
//! use paklog_domain::testing::tiny_site;
//! use paklog_domain::{Command, NewOrder, NewOrderLine, Priority, Reply, Warehouse};
//! use paklog_sim::SimTime;
//!
//! let mut wh = Warehouse::new(tiny_site()).unwrap();
//! let reply = wh.execute(SimTime::ZERO, Command::ReceiveOrder(NewOrder {
//!     external_id: "web-1".into(),
//!     carrier: "UPS".into(),
//!     priority: Priority::Standard,
//!     lines: vec![NewOrderLine { sku: "SKU0001".into(), quantity: 2 }],
//! })).unwrap();
//! assert!(matches!(reply, Reply::OrderAccepted { .. }));
//! let types: Vec<_> = wh.bus().log().iter().map(|r| r.event.cloud_event_type()).collect();
//! assert_eq!(types, [
//!     "com.paklog.wms.order.received.v1",
//!     "com.paklog.wms.order.validated.v1",
//!     "com.paklog.wms.inventory.reserved.v1",
//! ]);
//! ```

pub mod calendar;
pub mod commands;
pub mod config;
pub mod events;
pub mod ids;
pub mod inventory;
pub mod ledger;
pub mod location_master;
pub mod material_handling;
pub mod orchestration;
pub mod order_management;
pub mod pack_ship;
pub mod physical_tracking;
pub mod pick_execution;
pub mod quality;
pub mod refusal;
pub mod routing;
mod site;
pub mod task_execution;
pub mod testing;
pub mod vocabulary;
pub mod warehouse;
pub mod wave_planning;
pub mod workload_planning;

pub use calendar::{CalendarError, SiteCalendar};
pub use commands::{Command, NewOrder, NewOrderLine, PackJob, Reply, RtlsPing};
pub use config::SiteConfig;
pub use events::{
    CountReason, DomainEvent, EventBus, EventTime, Priority, Recorded, TaskMetrics, WaveStrategy,
};
pub use ids::{
    AssociateId, CarrierId, LocationId, OrderId, SegmentId, SkuId, StationId, TaskId, ToteId,
    WaveId,
};
pub use physical_tracking::{SiteArea, Variance, VarianceKind};
pub use refusal::{CommandError, RefusalKind};
pub use site::DomainTimer;
pub use vocabulary::{WavePriority, WaveRelease};
pub use warehouse::{ConfigError, Warehouse};
