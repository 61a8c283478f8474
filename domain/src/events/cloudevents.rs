//! Each event's CloudEvents type (stable across releases: consumers
//! subscribe by it) and the ids it is about.

use super::DomainEvent;
use crate::ids::{AssociateId, LocationId, OrderId, SkuId, TaskId, WaveId};

impl DomainEvent {
    /// The CloudEvents `type` of this event.
    #[must_use]
    pub fn cloud_event_type(&self) -> &'static str {
        use DomainEvent as E;
        match self {
            E::OrderReceived { .. } => "com.paklog.wms.order.received.v1",
            E::OrderValidated { .. } => "com.paklog.wms.order.validated.v1",
            E::InventoryReserved { .. } => "com.paklog.wms.inventory.reserved.v1",
            E::OrderBackordered { .. } => "com.paklog.wms.order.backordered.v1",
            E::WavePlanned { .. } => "com.paklog.wms.wave.planned.v1",
            E::WaveReleased { .. } => "com.paklog.wms.wave.released.v1",
            E::WorkflowStarted { .. } => "com.paklog.wes.workflow.started.v1",
            E::TasksCreated { .. } => "com.paklog.wes.task.created.v1",
            E::TaskAssigned { .. } => "com.paklog.wes.task.assigned.v1",
            E::TaskStarted { .. } => "com.paklog.wes.task.started.v1",
            E::PickCompleted { .. } => "com.paklog.wes.pick.completed.v1",
            E::ShortPicked { .. } => "com.paklog.wes.pick.short.v1",
            E::ShortageRecorded { .. } => "com.paklog.wms.inventory.shortage-recorded.v1",
            E::LocationStateChanged { .. } => "com.paklog.wes.location.state-changed.v1",
            E::TaskCompleted { .. } => "com.paklog.wes.task.completed.v1",
            E::TotePassed { .. } => "com.paklog.wes.tote.passed.v1",
            E::PutWallOrderCompleted { .. } => "com.paklog.wes.putwall.order-completed.v1",
            E::PickingCompleted { .. } => "com.paklog.wes.picking.completed.v1",
            E::LicensePlateMoved { .. } => "com.paklog.wes.license-plate.moved.v1",
            E::LicensePlateOpened(_) => "com.paklog.wes.license-plate.opened.v1",
            E::LicensePlateNested(_) => "com.paklog.wes.license-plate.nested.v1",
            E::LicensePlateUnnested(_) => "com.paklog.wes.license-plate.unnested.v1",
            E::PackingStarted { .. } => "com.paklog.wes.packing.started.v1",
            E::QualityInspected { .. } => "com.paklog.wes.quality.inspected.v1",
            E::PackingCompleted { .. } => "com.paklog.wes.packing.completed.v1",
            E::ShipmentReady { .. } => "com.paklog.wes.shipment.ready.v1",
            E::OrderShipped { .. } => "com.paklog.wms.order.shipped.v1",
            E::WaveCompleted { .. } => "com.paklog.wms.wave.completed.v1",
            E::WaveCancelled { .. } => "com.paklog.wms.wave.cancelled.v1",
            E::WorkflowCompleted { .. } => "com.paklog.wes.workflow.completed.v1",
            E::AssociateSignedOn { .. } => "com.paklog.wes.associate.signed-on.v1",
            E::AssociateSignedOff { .. } => "com.paklog.wes.associate.signed-off.v1",
            E::MetricsUpdated { .. } => "com.paklog.wes.metrics.updated.v1",
            E::LocationConfigChanged { .. } => "com.paklog.wms.location.config-changed.v1",
            E::LocationException { .. } => "com.paklog.wes.location.exception.v1",
            E::ReslottingRequired { .. } => "com.paklog.wms.location.reslotting-required.v1",
            E::TaskRerouted { .. } => "com.paklog.wes.task.rerouted.v1",
            E::ReplenishmentRequested { .. } => {
                "com.paklog.wms.inventory.replenishment-requested.v1"
            }
            E::StockReplenished { .. } => "com.paklog.wms.inventory.replenished.v1",
            E::CountRequested { .. } => "com.paklog.wms.inventory.count-requested.v1",
            E::StockReceived { .. } => "com.paklog.wms.inventory.received.v1",
            E::StockPutAway { .. } => "com.paklog.wms.inventory.put-away.v1",
            E::InventoryAdjusted { .. } => "com.paklog.wms.inventory.adjusted.v1",
            E::WorkloadPlanned { .. } => "com.paklog.wms.workload.planned.v1",
            E::CapacityAdjusted { .. } => "com.paklog.wms.workload.capacity-adjusted.v1",
            E::WorkloadRebalanced { .. } => "com.paklog.wes.workload.rebalanced.v1",
            E::ModelUpdated { .. } => "com.paklog.wms.workload.model-updated.v1",
            E::ToteInducted { .. } => "com.paklog.wes.conveyor.tote-inducted.v1",
            E::ToteConveyed { .. } => "com.paklog.wes.conveyor.tote-conveyed.v1",
            E::ToteDiverted { .. } => "com.paklog.wes.conveyor.tote-diverted.v1",
            E::ConveyorBlocked { .. } => "com.paklog.wes.conveyor.blocked.v1",
            E::ConveyorCleared { .. } => "com.paklog.wes.conveyor.cleared.v1",
            E::ConveyorStopped { .. } => "com.paklog.wes.conveyor.stopped.v1",
            E::ConveyorRestarted { .. } => "com.paklog.wes.conveyor.restarted.v1",
        }
    }

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
            | E::TasksCreated { wave, .. }
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
            E::TotePassed { task, order, .. } => {
                s.task = Some(task);
                s.order = Some(order);
            }
            E::LocationStateChanged { location, .. }
            | E::LocationConfigChanged { location, .. } => s.location = Some(location),
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
