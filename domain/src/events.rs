//! The event catalog and the bus every event goes through.
//!
//! Events are facts, named in the past tense, each with a stable CloudEvents
//! type (`com.paklog.wms.wave.released.v1` …). The [`EventBus`] keeps the
//! run's log in order: reports read it, live adapters forward it, the event
//! store persists what led to it.

mod bus;
mod cloudevents;

pub use bus::{EventBus, Recorded};
pub use cloudevents::{CATALOG, Subject, data_schema, time_fields};

use paklog_sim::SimTime;
use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::ids::{
    AssociateId, CarrierId, LocationId, OrderId, SegmentId, SkuId, StationId, TaskId, ToteId,
    WaveId,
};
use crate::location_master::{AbcClass, Capacity, LocationKind};
use crate::vocabulary::{PlateKind, TaskKind, WavePriority, WaveStatus};
pub use crate::vocabulary::{Priority, WaveStrategy};

/// A site instant as a CloudEvent's `data` gives it: RFC 3339 with the
/// site's offset. (The event log and `events.parquet` keep site time in
/// milliseconds; the CloudEvents encoder turns every field of this schema
/// into a date-time.)
pub struct EventTime;

impl JsonSchema for EventTime {
    fn schema_name() -> Cow<'static, str> {
        "EventTime".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// How a task went ([`DomainEvent::TaskCompleted`]'s `metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskMetrics {
    /// Planned route length (m).
    pub distance_m: f64,
    /// Stops.
    pub lines: u32,
    /// Units picked, put or counted.
    pub units: u32,
    /// From start to completion (ms).
    pub duration_ms: u64,
}

/// A picker moved from one zone to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZoneMove {
    /// Who.
    #[serde(rename = "associateId")]
    pub associate: AssociateId,
    /// From this zone (index in the location master's zones).
    pub from: u16,
    /// To this one.
    pub to: u16,
}

/// Why a location is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CountReason {
    /// A pick there came up short.
    ShortPick,
    /// The cycle-count plan.
    Cycle,
}

/// A fact of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "event", rename_all_fields = "camelCase")]
pub enum DomainEvent {
    /// An order came in.
    OrderReceived {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// Its carrier.
        #[serde(rename = "carrierId")]
        carrier: CarrierId,
        /// Its priority.
        priority: Priority,
        /// Lines ordered.
        lines: u32,
        /// Units ordered.
        units: u32,
    },
    /// An order passed validation.
    OrderValidated {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
    },
    /// Stock for every line of an order is reserved.
    InventoryReserved {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// Units reserved.
        units: u32,
    },
    /// Stock is short for a line: the order waits for stock.
    OrderBackordered {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The SKU that is short.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// Units missing.
        missing: u32,
    },
    /// Orders grouped into a wave, which the labour plan can carry (the
    /// seed's `WavePlannedEvent`).
    WavePlanned {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
        /// How it was formed.
        strategy: WaveStrategy,
        /// Its priority.
        priority: WavePriority,
        /// Its orders, most urgent first.
        #[serde(rename = "orderIds")]
        orders: Vec<OrderId>,
        /// Lines in it.
        lines: u32,
    },
    /// An order went into a planned wave (diagram 2's `OrderWaved`).
    OrderWaved {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
    },
    /// A planned wave was released to the floor (the seed's
    /// `WaveReleasedEvent`, Appendix C): orchestration allocates its stock
    /// and makes its tasks next.
    WaveReleased {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
        /// Its orders, most urgent first.
        #[serde(rename = "orderIds")]
        orders: Vec<OrderId>,
        /// Its priority.
        priority: WavePriority,
        /// The zone of a zone wave.
        zone: Option<u16>,
        /// When (site time, ms; a date-time in the CloudEvent).
        #[schemars(with = "EventTime")]
        released_at: SimTime,
    },
    /// The orchestration workflow of a planned wave has started (diagram 1:
    /// on `WavePlanned`); it runs when the wave is released.
    WorkflowStarted {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
    },
    /// Stock of an order of a released wave was allocated to pick faces
    /// (the release saga's first step).
    InventoryAllocated {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
        /// Pick lines allocated (a line split over faces counts per face).
        lines: u32,
        /// Units allocated.
        units: u32,
    },
    /// A released wave's pick faces hold its units (diagram 2's
    /// `LocationsReserved`): the allocation step of the release is done.
    LocationsReserved {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
        /// Distinct pick faces allocated.
        locations: u32,
        /// Units allocated over them.
        units: u32,
    },
    /// A task was made (a pick trip of a released wave, or stock work).
    TaskCreated {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// What kind of work (`PICK`, `REPLENISH`, `COUNT`, `PUTAWAY`).
        task_type: TaskKind,
        /// The wave it picks for.
        #[serde(rename = "waveId")]
        wave: Option<WaveId>,
        /// Stops.
        lines: u32,
        /// Planned route length (m).
        distance_m: f64,
    },
    /// Every task of a released wave is made (the release saga's second
    /// step; diagram 1's `TasksCreated`).
    TasksCreated {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
        /// First task id of the batch (ids are consecutive).
        first: TaskId,
        /// Number of tasks.
        count: u32,
    },
    /// A released wave's tasks are offered to the floor (diagram 1's
    /// `ExecutionStarted`): the release saga is done.
    ExecutionStarted {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
        /// Its tasks.
        tasks: u32,
        /// Of them, given to an associate at once.
        assigned: u32,
    },
    /// The first pick of an order started (diagram 2's `PickingStarted`).
    PickingStarted {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The task that started.
        #[serde(rename = "taskId")]
        task: TaskId,
    },
    /// A task was given to an associate.
    TaskAssigned {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The associate.
        #[serde(rename = "associateId")]
        associate: AssociateId,
        /// The assignment score that won.
        score: f64,
    },
    /// An associate started a task.
    TaskStarted {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The associate.
        #[serde(rename = "associateId")]
        associate: AssociateId,
    },
    /// A pick line was confirmed.
    PickCompleted {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The order the units are for.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// Where from.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Units asked for.
        requested: u32,
        /// Units picked.
        picked: u32,
    },
    /// Fewer units were found than expected at a location: the line was
    /// short-picked. (`PickShort` in the event's data, as before.)
    #[serde(rename = "PickShort")]
    ShortPicked {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// Where the shortage was found.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Units missing there.
        missing: u32,
        /// Alternative location the rest will be picked from, if any.
        retry_from: Option<LocationId>,
    },
    /// Units that could not be picked anywhere: the order ships without them.
    ShortageRecorded {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// Units that will not ship.
        units: u32,
    },
    /// A location's occupancy changed (emptied or filled): by a pick, a
    /// replenishment or a count, or a tote RTLS saw arrive at or leave a
    /// staging lane or dock door.
    LocationStateChanged {
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Units now on hand (totes, at a staging lane or dock door).
        on_hand: u32,
        /// Whether it holds anything.
        occupied: bool,
    },
    /// A task is done (the seed's `TaskCompletedEvent`, Appendix C).
    TaskCompleted {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// What kind of work it was.
        task_type: TaskKind,
        /// Who did it.
        #[serde(rename = "completedBy")]
        associate: AssociateId,
        /// When (site time, ms; a date-time in the CloudEvent).
        #[schemars(with = "EventTime")]
        completed_at: SimTime,
        /// How it went.
        metrics: TaskMetrics,
    },
    /// A task was called off before anyone started it (a released wave
    /// cancelled: the release saga's compensation).
    TaskCancelled {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The wave it picked for.
        #[serde(rename = "waveId")]
        wave: Option<WaveId>,
    },
    /// Every line of an order has been picked (or found short).
    PickingCompleted {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
    },
    /// Pick-and-pass: a zone handed its tote on to the next zone's task.
    TotePassed {
        /// The task that finished its zone.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The next zone's task, now open.
        next: TaskId,
        /// The tote.
        #[serde(rename = "toteId")]
        tote: ToteId,
        /// The order it carries.
        #[serde(rename = "orderId")]
        order: OrderId,
    },
    /// Every expected item of an order is in its put-wall slot (the seed's
    /// `PutWallOrderCompleteEvent`); the order goes on to packing.
    PutWallOrderCompleted {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The put wall.
        wall: u16,
        /// The slot.
        slot: u16,
    },
    /// A tote (license plate) moved.
    LicensePlateMoved {
        /// The tote.
        #[serde(rename = "toteId")]
        tote: ToteId,
        /// The order it carries.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// Where to.
        to: LocationId,
    },
    /// A licence plate was opened (a label applied).
    LicensePlateOpened(Box<PlateOpened>),
    /// A licence plate was nested in another.
    LicensePlateNested(Box<PlateNested>),
    /// A licence plate was taken out of the plate it was in.
    LicensePlateUnnested(Box<PlateUnnested>),
    /// A packer started on an order.
    PackingStarted {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The station.
        #[serde(rename = "stationId")]
        station: StationId,
    },
    /// A sampled order went through quality control.
    QualityInspected {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// Whether the weight matched.
        passed: bool,
    },
    /// The order is packed in a carton.
    PackingCompleted {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The station.
        #[serde(rename = "stationId")]
        station: StationId,
        /// Index of the carton in the carton set.
        carton: u32,
        /// Weight on the scale (kg).
        weight_kg: f64,
    },
    /// The parcel is at the dock for its carrier.
    ShipmentReady {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The carrier.
        #[serde(rename = "carrierId")]
        carrier: CarrierId,
        /// The dock location.
        dock: LocationId,
    },
    /// The carrier left with the parcel.
    OrderShipped {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The carrier.
        #[serde(rename = "carrierId")]
        carrier: CarrierId,
        /// Whether it left by the order's cut-off.
        on_time: bool,
    },
    /// Allocated stock of an order of a cancelled wave went back to its
    /// faces (the release saga's compensation).
    InventoryDeallocated {
        /// The order.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
        /// Units given back.
        units: u32,
    },
    /// A planned or released wave was cancelled; its open orders wait for
    /// another. A released one's tasks are cancelled and its allocations
    /// given back first (`TaskCancelled`, `InventoryDeallocated`).
    WaveCancelled {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
        /// Orders that went back to wait for a wave.
        orders: u32,
        /// Its status when cancelled (`PLANNED` or `RELEASED`).
        was: WaveStatus,
    },
    /// Every order of a wave is packed (or cancelled).
    WaveCompleted {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
    },
    /// The orchestration workflow of a wave has finished.
    WorkflowCompleted {
        /// The wave.
        #[serde(rename = "waveId")]
        wave: WaveId,
    },
    /// An associate logged on to a handheld.
    AssociateSignedOn {
        /// Who.
        #[serde(rename = "associateId")]
        associate: AssociateId,
    },
    /// An associate logged off.
    AssociateSignedOff {
        /// Who.
        #[serde(rename = "associateId")]
        associate: AssociateId,
    },
    /// The location master changed a location's constraints: it is blocked
    /// (out of reach: nothing is allocated there) or open again.
    LocationConfigChanged {
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Blocked from now on, or open again.
        blocked: bool,
        /// Why, as reported.
        reason: String,
    },
    /// The location master added a location.
    LocationCreated {
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// The code on its label.
        code: String,
        /// What it is for.
        #[serde(rename = "locationType")]
        kind: LocationKind,
        /// Its zone.
        zone: String,
    },
    /// The location master set what a location holds at most; a limit
    /// left out is not checked.
    LocationCapacityConfigured {
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// The capacity.
        capacity: Capacity,
    },
    /// The location master set a location's slotting class: the velocity
    /// class of the items it is meant for (none: any).
    LocationSlottingChanged {
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// The class.
        slotting_class: Option<AbcClass>,
    },
    /// The location master took a location out of use: it is never slotted
    /// nor picked from.
    LocationDeactivated {
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Why, as reported.
        reason: String,
    },
    /// The location master put a location back into use.
    LocationActivated {
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Why, as reported.
        reason: String,
    },
    /// A putaway or replenishment would have taken a location past its
    /// capacity: only `room` units go there (the rest stays in, or goes
    /// to, reserve).
    LocationCapacityExceeded {
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// Units that were to go there.
        units: u32,
        /// Units it could take.
        room: u32,
    },
    /// Pick execution found a stop's location blocked.
    LocationException {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The blocked location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// The SKU that was to be picked there.
        #[serde(rename = "skuId")]
        sku: SkuId,
    },
    /// The location master moved a SKU to a new pick face because its face
    /// is blocked; the new face is filled from reserve.
    ReslottingRequired {
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// The blocked face.
        from: LocationId,
        /// The new face, if any pick location was free.
        to: Option<LocationId>,
    },
    /// Re-slotting: a pick face's item moved to a new face; its units are
    /// on their way there, and open pick lines follow them.
    ItemReslotted {
        /// The RESLOT task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The item.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// The face it left.
        from: LocationId,
        /// Its new face.
        to: LocationId,
        /// Units taken out of the old face.
        units: u32,
    },
    /// An open task's stops were moved away from a blocked location.
    TaskRerouted {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The blocked location.
        from: LocationId,
        /// Stops moved.
        stops: u32,
        /// Units no face could cover (recorded as short).
        short: u32,
    },
    /// A REPLENISH task will bring units from reserve to a pick face.
    ReplenishmentRequested {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// The face.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Units taken from reserve.
        units: u32,
    },
    /// Units from reserve are in a pick face.
    StockReplenished {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// The face.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Units put.
        units: u32,
    },
    /// Goods were received at the dock; a PUTAWAY task will put them away.
    StockReceived {
        /// The PUTAWAY task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// Units received.
        units: u32,
    },
    /// Received units are in their location (a pick face or reserve).
    StockPutAway {
        /// The PUTAWAY task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// Where.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Units put.
        units: u32,
    },
    /// A COUNT task will count a location.
    CountRequested {
        /// The task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// Why: a pick came up short there, or the cycle-count plan.
        reason: CountReason,
    },
    /// A count set the books of a location to what is on the shelf.
    InventoryAdjusted {
        /// The COUNT task.
        #[serde(rename = "taskId")]
        task: TaskId,
        /// The location.
        #[serde(rename = "locationId")]
        location: LocationId,
        /// The SKU.
        #[serde(rename = "skuId")]
        sku: SkuId,
        /// Units the books held.
        books: u32,
        /// Units counted.
        counted: u32,
    },
    /// The labour plan of the hour starting now (workload planning).
    WorkloadPlanned {
        /// Orders forecast for the hour.
        forecast_orders: f64,
        /// Heads the forecast needs at the learned pick rate.
        planned_heads: u32,
        /// Heads the labour plan has.
        rostered_heads: u32,
        /// Pack stations the forecast needs at the learned packing time.
        planned_packers: u32,
        /// Pack stations the site has.
        pack_stations: u32,
    },
    /// Plan against actual: the open work will not fit in what is left of
    /// the labour window, so the heads on the floor stay on.
    CapacityAdjusted {
        /// Heads asked to stay on.
        heads: u32,
        /// The end of the labour window they stay on past.
        #[schemars(with = "EventTime")]
        shift_end: SimTime,
        /// Until then.
        #[schemars(with = "EventTime")]
        until: SimTime,
        /// Lines open now plus those forecast to arrive before the window
        /// ends.
        open_lines: u32,
        /// Lines the heads can pick before the window ends.
        capacity_lines: u32,
    },
    /// Task execution's answer to a capacity adjustment: cycle counts give
    /// way to picking, and (zone picking) a picker moves from the zone with
    /// the least pending work per head to the one with the most.
    WorkloadRebalanced {
        /// Counts wait until then.
        #[schemars(with = "EventTime")]
        counts_paused_until: SimTime,
        /// Pickers moved between zones.
        moves: Vec<ZoneMove>,
    },
    /// The demand forecast was refitted on the order history.
    ModelUpdated {
        /// Hourly observations it was fitted on.
        observations: u32,
        /// One-step-ahead root mean squared error (orders per hour).
        rmse: f64,
        /// Level smoothing.
        alpha: f64,
        /// Trend smoothing.
        beta: f64,
        /// Seasonal smoothing.
        gamma: f64,
    },
    /// A tote (or a packed parcel under its licence plate) is handed to
    /// the conveyor, routed to `destination`.
    ToteInducted {
        /// The tote.
        #[serde(rename = "toteId")]
        tote: ToteId,
        /// The order it carries.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The first segment of its route.
        #[serde(rename = "segmentId")]
        segment: SegmentId,
        /// A pack station's staging location or a dock door.
        destination: LocationId,
    },
    /// A scanner saw a tote enter a segment (past a merge or a divert).
    ToteConveyed {
        /// The tote.
        #[serde(rename = "toteId")]
        tote: ToteId,
        /// The order it carries.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The segment.
        #[serde(rename = "segmentId")]
        segment: SegmentId,
    },
    /// At the diverts, a tote is sent to another pack station than the one
    /// planned at induction, because that one's spur is full or stopped.
    ToteDiverted {
        /// The tote.
        #[serde(rename = "toteId")]
        tote: ToteId,
        /// The order it carries.
        #[serde(rename = "orderId")]
        order: OrderId,
        /// The spur it now takes.
        #[serde(rename = "segmentId")]
        segment: SegmentId,
        /// The new station's staging location.
        destination: LocationId,
    },
    /// A segment is full: it takes no more totes until one leaves.
    ConveyorBlocked {
        /// The segment.
        #[serde(rename = "segmentId")]
        segment: SegmentId,
    },
    /// A full segment has room again.
    ConveyorCleared {
        /// The segment.
        #[serde(rename = "segmentId")]
        segment: SegmentId,
        /// How long it was full (ms).
        blocked_ms: u64,
    },
    /// A segment stopped (a jam, an emergency stop, maintenance).
    ConveyorStopped {
        /// The segment.
        #[serde(rename = "segmentId")]
        segment: SegmentId,
        /// Why, as the controller or operator said.
        reason: String,
    },
    /// A stopped segment runs again.
    ConveyorRestarted {
        /// The segment.
        #[serde(rename = "segmentId")]
        segment: SegmentId,
        /// How long it was stopped (ms).
        stopped_ms: u64,
    },
    /// Counters of the last metrics interval were reported.
    /// (`MetricsUpdate` in the event's data, as before.)
    #[serde(rename = "MetricsUpdate")]
    MetricsUpdated {
        /// Orders shipped in the interval.
        orders_shipped: u32,
        /// Lines picked in the interval.
        lines_picked: u32,
        /// Orders received and not yet shipped.
        backlog: u32,
    },
}

/// What [`DomainEvent::LicensePlateOpened`] says (boxed: plate events are
/// rare, and every event of the log is as large as the largest variant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlateOpened {
    /// Its code.
    pub plate: String,
    /// What it is on.
    pub kind: PlateKind,
    /// Where it is, if known.
    #[serde(rename = "locationId")]
    pub location: Option<LocationId>,
}

/// What [`DomainEvent::LicensePlateNested`] says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlateNested {
    /// The plate.
    pub plate: String,
    /// The plate it went into.
    pub into: String,
    /// The plate it came out of, if it was in one.
    pub from: Option<String>,
}

/// What [`DomainEvent::LicensePlateUnnested`] says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlateUnnested {
    /// The plate.
    pub plate: String,
    /// The plate it came out of.
    pub from: String,
}
