//! # paklog-domain: the WMS and WES of PakLog Twin
//!
//! The services of the seed design, as state in one ECS resource
//! ([`Warehouse`]) and a command handler:
//!
//! - WMS: order management ([`order`]), inventory ([`inventory`]), wave
//!   planning ([`wave`]), the location master ([`layout`]);
//! - WES: orchestration of each released wave, task execution and
//!   assignment ([`task`]), pick execution with the short-pick flow, pack &
//!   ship ([`pack`]), physical tracking of totes as license plates.
//!
//! Commands ([`Command`]) come in through one port, [`Warehouse::execute`];
//! every fact ([`DomainEvent`]) goes out through one bus ([`EventBus`]). The
//! domain never reads a clock, spawns a task or touches a file: the caller
//! passes the time, and fires the timers it asks for
//! ([`Warehouse::take_timers`]). So the same code runs a simulated day and a
//! live site.
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
//! let types: Vec<_> = wh.bus.log().iter().map(|r| r.event.cloud_event_type()).collect();
//! assert_eq!(types, [
//!     "com.paklog.wms.order.received.v1",
//!     "com.paklog.wms.order.validated.v1",
//!     "com.paklog.wms.inventory.reserved.v1",
//! ]);
//! ```

pub mod commands;
pub mod config;
pub mod conveyor;
pub mod events;
pub mod forecast;
pub mod ids;
pub mod inventory;
pub mod layout;
pub mod order;
pub mod pack;
pub mod picking;
pub mod routing;
pub mod task;
pub mod testing;
pub mod tracking;
pub mod warehouse;
pub mod wave;

pub use commands::{Command, CommandError, NewOrder, NewOrderLine, PackJob, Reply, RtlsPing};
pub use config::SiteConfig;
pub use events::{CountReason, DomainEvent, EventBus, Priority, Recorded, WaveStrategy};
pub use ids::{
    AssociateId, CarrierId, LocationId, OrderId, SegmentId, SkuId, StationId, TaskId, ToteId,
    WaveId,
};
pub use warehouse::{ConfigError, DomainTimer, Variance, VarianceKind, Warehouse};
