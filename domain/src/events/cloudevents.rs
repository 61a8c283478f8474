//! Each event's CloudEvents type (stable across releases: consumers
//! subscribe by it) and the ids it is about.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde_json::Value;

use super::DomainEvent;
use crate::ids::{AssociateId, LocationId, OrderId, SkuId, TaskId, WaveId};

/// The JSON Schema of every event's `data` (a `oneOf` by its `event`
/// tag), as a CloudEvent carries it: site instants are date-times.
#[must_use]
pub fn data_schema() -> schemars::Schema {
    schemars::schema_for!(DomainEvent)
}

/// The fields of an event's `data` that hold a site instant
/// ([`EventTime`](super::EventTime)): the CloudEvents encoder writes them
/// as RFC 3339 date-times.
#[must_use]
pub fn time_fields() -> &'static BTreeSet<String> {
    static FIELDS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
        let mut fields = BTreeSet::new();
        collect_time_fields(data_schema().as_value(), &mut fields);
        fields
    });
    &FIELDS
}

fn collect_time_fields(schema: &Value, fields: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, prop) in props {
                    if prop.get("$ref").and_then(Value::as_str) == Some("#/$defs/EventTime") {
                        fields.insert(name.clone());
                    }
                }
            }
            for v in map.values() {
                collect_time_fields(v, fields);
            }
        }
        Value::Array(items) => {
            for v in items {
                collect_time_fields(v, fields);
            }
        }
        _ => {}
    }
}

/// A variant's `event` tag: its name, unless serde renames it.
macro_rules! tag {
    ($variant:ident) => {
        stringify!($variant)
    };
    ($variant:ident, $tag:literal) => {
        $tag
    };
}

/// Each variant of the catalog with its CloudEvents `type`: the one list
/// [`DomainEvent::cloud_event_type`] and [`CATALOG`] are made from.
macro_rules! catalog {
    ($($variant:ident $(as $tag:literal)? => $kind:literal,)*) => {
        /// Every event of the catalog: (its `event` tag in `data`, its
        /// CloudEvents `type`).
        pub const CATALOG: &[(&str, &str)] = &[$((tag!($variant $(, $tag)?), $kind),)*];

        impl DomainEvent {
            /// The CloudEvents `type` of this event.
            #[must_use]
            pub fn cloud_event_type(&self) -> &'static str {
                match self {
                    $(DomainEvent::$variant { .. } => $kind,)*
                }
            }
        }
    };
}

catalog! {
    OrderReceived => "com.paklog.wms.order.received.v1",
    OrderValidated => "com.paklog.wms.order.validated.v1",
    InventoryReserved => "com.paklog.wms.inventory.reserved.v1",
    OrderBackordered => "com.paklog.wms.order.backordered.v1",
    WavePlanned => "com.paklog.wms.wave.planned.v1",
    WaveReleased => "com.paklog.wms.wave.released.v1",
    OrderWaved => "com.paklog.wms.order.waved.v1",
    WorkflowStarted => "com.paklog.wes.workflow.started.v1",
    InventoryAllocated => "com.paklog.wms.inventory.allocated.v1",
    LocationsReserved => "com.paklog.wes.location.reserved.v1",
    TaskCreated => "com.paklog.wes.task.created.v1",
    TasksCreated => "com.paklog.wes.task.batch-created.v1",
    ExecutionStarted => "com.paklog.wes.workflow.execution-started.v1",
    PickingStarted => "com.paklog.wes.picking.started.v1",
    TaskCancelled => "com.paklog.wes.task.cancelled.v1",
    InventoryDeallocated => "com.paklog.wms.inventory.deallocated.v1",
    TaskAssigned => "com.paklog.wes.task.assigned.v1",
    TaskStarted => "com.paklog.wes.task.started.v1",
    PickCompleted => "com.paklog.wes.pick.completed.v1",
    ShortPicked as "PickShort" => "com.paklog.wes.pick.short.v1",
    ShortageRecorded => "com.paklog.wms.inventory.shortage-recorded.v1",
    LocationStateChanged => "com.paklog.wes.location.state-changed.v1",
    TaskCompleted => "com.paklog.wes.task.completed.v1",
    TotePassed => "com.paklog.wes.tote.passed.v1",
    PutWallOrderCompleted => "com.paklog.wes.putwall.order-completed.v1",
    PickingCompleted => "com.paklog.wes.picking.completed.v1",
    LicensePlateMoved => "com.paklog.wes.license-plate.moved.v1",
    LicensePlateOpened => "com.paklog.wes.license-plate.opened.v1",
    LicensePlateNested => "com.paklog.wes.license-plate.nested.v1",
    LicensePlateUnnested => "com.paklog.wes.license-plate.unnested.v1",
    PackingStarted => "com.paklog.wes.packing.started.v1",
    QualityInspected => "com.paklog.wes.quality.inspected.v1",
    PackingCompleted => "com.paklog.wes.packing.completed.v1",
    ShipmentReady => "com.paklog.wes.shipment.ready.v1",
    OrderShipped => "com.paklog.wms.order.shipped.v1",
    WaveCompleted => "com.paklog.wms.wave.completed.v1",
    WaveCancelled => "com.paklog.wms.wave.cancelled.v1",
    WorkflowCompleted => "com.paklog.wes.workflow.completed.v1",
    AssociateSignedOn => "com.paklog.wes.associate.signed-on.v1",
    AssociateSignedOff => "com.paklog.wes.associate.signed-off.v1",
    MetricsUpdated as "MetricsUpdate" => "com.paklog.wes.metrics.updated.v1",
    LocationConfigChanged => "com.paklog.wms.location.config-changed.v1",
    LocationCreated => "com.paklog.wms.location.created.v1",
    LocationCapacityConfigured => "com.paklog.wms.location.capacity-configured.v1",
    LocationSlottingChanged => "com.paklog.wms.location.slotting-changed.v1",
    LocationDeactivated => "com.paklog.wms.location.deactivated.v1",
    LocationActivated => "com.paklog.wms.location.activated.v1",
    LocationCapacityExceeded => "com.paklog.wes.location.capacity-exceeded.v1",
    LocationException => "com.paklog.wes.location.exception.v1",
    ReslottingRequired => "com.paklog.wms.location.reslotting-required.v1",
    ItemReslotted => "com.paklog.wms.location.item-reslotted.v1",
    TaskRerouted => "com.paklog.wes.task.rerouted.v1",
    ReplenishmentRequested => "com.paklog.wms.inventory.replenishment-requested.v1",
    StockReplenished => "com.paklog.wms.inventory.replenished.v1",
    CountRequested => "com.paklog.wms.inventory.count-requested.v1",
    StockReceived => "com.paklog.wms.inventory.received.v1",
    StockPutAway => "com.paklog.wms.inventory.put-away.v1",
    InventoryAdjusted => "com.paklog.wms.inventory.adjusted.v1",
    WorkloadPlanned => "com.paklog.wms.workload.planned.v1",
    CapacityAdjusted => "com.paklog.wms.workload.capacity-adjusted.v1",
    WorkloadRebalanced => "com.paklog.wes.workload.rebalanced.v1",
    ModelUpdated => "com.paklog.wms.workload.model-updated.v1",
    ToteInducted => "com.paklog.wes.conveyor.tote-inducted.v1",
    ToteConveyed => "com.paklog.wes.conveyor.tote-conveyed.v1",
    ToteDiverted => "com.paklog.wes.conveyor.tote-diverted.v1",
    ConveyorBlocked => "com.paklog.wes.conveyor.blocked.v1",
    ConveyorCleared => "com.paklog.wes.conveyor.cleared.v1",
    ConveyorStopped => "com.paklog.wes.conveyor.stopped.v1",
    ConveyorRestarted => "com.paklog.wes.conveyor.restarted.v1",
}

impl DomainEvent {
    /// The ids an event is about, for indexing and report columns.
    #[must_use]
    pub fn subject(&self) -> Subject {
        use DomainEvent as E;
        let mut s = Subject::default();
        match *self {
            E::OrderReceived { order, .. }
            | E::OrderValidated { order }
            | E::InventoryReserved { order, .. }
            | E::PickingCompleted { order }
            | E::OrderWaved { order, .. }
            | E::InventoryAllocated { order, .. }
            | E::InventoryDeallocated { order, .. }
            | E::PutWallOrderCompleted { order, .. }
            | E::QualityInspected { order, .. }
            | E::ShipmentReady { order, .. }
            | E::OrderShipped { order, .. } => s.order = Some(order),
            E::OrderBackordered { order, sku, .. } | E::ShortageRecorded { order, sku, .. } => {
                s.order = Some(order);
                s.sku = Some(sku);
            }
            E::WavePlanned { wave, .. }
            | E::WaveReleased { wave, .. }
            | E::WorkflowStarted { wave }
            | E::LocationsReserved { wave, .. }
            | E::TasksCreated { wave, .. }
            | E::ExecutionStarted { wave, .. }
            | E::WaveCompleted { wave }
            | E::WaveCancelled { wave, .. }
            | E::WorkflowCompleted { wave } => s.wave = Some(wave),
            E::TaskAssigned {
                task, associate, ..
            }
            | E::TaskStarted { task, associate }
            | E::TaskCompleted {
                task, associate, ..
            } => {
                s.task = Some(task);
                s.associate = Some(associate);
            }
            E::PickCompleted {
                task,
                order,
                sku,
                location,
                ..
            }
            | E::ShortPicked {
                task,
                order,
                sku,
                location,
                ..
            } => {
                s.task = Some(task);
                s.order = Some(order);
                s.sku = Some(sku);
                s.location = Some(location);
            }
            E::TaskCreated { task, wave, .. } | E::TaskCancelled { task, wave } => {
                s.task = Some(task);
                s.wave = wave;
            }
            E::TotePassed { task, order, .. } | E::PickingStarted { order, task } => {
                s.task = Some(task);
                s.order = Some(order);
            }
            E::LocationStateChanged { location, .. }
            | E::LocationConfigChanged { location, .. }
            | E::LocationCreated { location, .. }
            | E::LocationCapacityConfigured { location, .. }
            | E::LocationSlottingChanged { location, .. }
            | E::LocationDeactivated { location, .. }
            | E::LocationActivated { location, .. } => s.location = Some(location),
            E::LocationCapacityExceeded { location, sku, .. } => {
                s.location = Some(location);
                s.sku = Some(sku);
            }
            E::LocationException {
                task,
                location,
                sku,
            }
            | E::ReplenishmentRequested {
                task,
                sku,
                location,
                ..
            }
            | E::StockReplenished {
                task,
                sku,
                location,
                ..
            }
            | E::StockPutAway {
                task,
                sku,
                location,
                ..
            }
            | E::InventoryAdjusted {
                task,
                location,
                sku,
                ..
            } => {
                s.task = Some(task);
                s.location = Some(location);
                s.sku = Some(sku);
            }
            E::StockReceived { task, sku, .. } => {
                s.task = Some(task);
                s.sku = Some(sku);
            }
            E::ReslottingRequired { sku, from, .. } => {
                s.sku = Some(sku);
                s.location = Some(from);
            }
            E::ItemReslotted { task, sku, to, .. } => {
                s.task = Some(task);
                s.sku = Some(sku);
                s.location = Some(to);
            }
            E::TaskRerouted { task, from, .. } => {
                s.task = Some(task);
                s.location = Some(from);
            }
            E::CountRequested { task, location, .. } => {
                s.task = Some(task);
                s.location = Some(location);
            }
            E::LicensePlateMoved { order, to, .. }
            | E::ToteInducted {
                order,
                destination: to,
                ..
            }
            | E::ToteDiverted {
                order,
                destination: to,
                ..
            } => {
                s.order = Some(order);
                s.location = Some(to);
            }
            E::ToteConveyed { order, .. } => s.order = Some(order),
            E::LicensePlateOpened(ref p) => s.location = p.location,
            E::LicensePlateNested(_) | E::LicensePlateUnnested(_) => {}
            E::PackingStarted { order, .. } | E::PackingCompleted { order, .. } => {
                s.order = Some(order)
            }
            E::AssociateSignedOn { associate } | E::AssociateSignedOff { associate } => {
                s.associate = Some(associate);
            }
            E::MetricsUpdated { .. }
            | E::WorkloadPlanned { .. }
            | E::CapacityAdjusted { .. }
            | E::WorkloadRebalanced { .. }
            | E::ModelUpdated { .. }
            | E::ConveyorBlocked { .. }
            | E::ConveyorCleared { .. }
            | E::ConveyorStopped { .. }
            | E::ConveyorRestarted { .. } => {}
        }
        s
    }
}

/// The ids an event is about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Subject {
    /// Order.
    pub order: Option<OrderId>,
    /// Wave.
    pub wave: Option<WaveId>,
    /// Task.
    pub task: Option<TaskId>,
    /// Associate.
    pub associate: Option<AssociateId>,
    /// Location.
    pub location: Option<LocationId>,
    /// SKU.
    pub sku: Option<SkuId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every entry of the catalog names a variant of the data schema by its
    /// `event` tag, and every variant has an entry.
    #[test]
    fn the_catalog_and_the_schema_name_the_same_events() {
        let schema = data_schema();
        let tags: BTreeSet<String> = schema.as_value()["oneOf"]
            .as_array()
            .expect("a oneOf of variants")
            .iter()
            .filter_map(|v| {
                v.pointer("/properties/event/const")
                    .or_else(|| {
                        v["allOf"]
                            .as_array()?
                            .iter()
                            .find_map(|a| a.pointer("/properties/event/const"))
                    })
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect();
        let catalog: BTreeSet<String> = CATALOG.iter().map(|(t, _)| (*t).to_owned()).collect();
        assert_eq!(tags, catalog);
        assert!(time_fields().contains("releasedAt"), "{:?}", time_fields());
        assert!(time_fields().contains("completedAt"));
    }
}
