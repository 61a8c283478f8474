//! The command ports: what a handheld, a scanner, an order feed or a
//! planner asks of the domain, the replies, and the reasons for refusal.
//!
//! Simulated and live drivers send exactly these commands. A refused command
//! changes nothing.

use serde::{Deserialize, Serialize};

use crate::events::Priority;
use crate::ids::{AssociateId, LocationId, OrderId, SegmentId, StationId, TaskId, ToteId, WaveId};
use crate::order::OrderStatus;
use crate::task::TaskStatus;
use crate::wave::WaveStatus;

/// A line of an incoming order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrderLine {
    /// SKU code.
    pub sku: String,
    /// Units.
    pub quantity: u32,
}

/// An incoming order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrder {
    /// The id the source gives it; must be new.
    pub external_id: String,
    /// Carrier name.
    pub carrier: String,
    /// Priority.
    pub priority: Priority,
    /// Lines.
    pub lines: Vec<NewOrderLine>,
}

/// Something asked of the domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command")]
pub enum Command {
    /// Take in an order: validate it and reserve its stock.
    ReceiveOrder(NewOrder),
    /// Plan a wave by hand from reserved orders.
    CreateWave {
        /// The orders.
        orders: Vec<OrderId>,
    },
    /// Release a planned wave.
    ReleaseWave {
        /// The wave.
        wave: WaveId,
    },
    /// An associate logs on to a handheld.
    SignOn {
        /// Who.
        associate: AssociateId,
    },
    /// An associate logs off.
    SignOff {
        /// Who.
        associate: AssociateId,
    },
    /// A handheld asks for the associate's next task.
    RequestNextTask {
        /// Who.
        associate: AssociateId,
    },
    /// The associate starts the task in hand.
    StartTask {
        /// Who.
        associate: AssociateId,
        /// The task.
        task: TaskId,
    },
    /// The location master blocks a location (rack damage, a spill …):
    /// nothing more is allocated there, and the next pick there raises a
    /// location exception that re-slots its SKU and re-routes open tasks.
    BlockLocation {
        /// The location.
        location: LocationId,
        /// Why.
        reason: String,
    },
    /// Goods for a SKU are received at the dock: a PUTAWAY task takes them
    /// to its pick face while it has room, the rest to reserve.
    ReceiveStock {
        /// SKU code.
        sku: String,
        /// Units received.
        units: u32,
    },
    /// The location master opens a blocked location again.
    UnblockLocation {
        /// The location.
        location: LocationId,
    },
    /// A stop is confirmed: for a PICK task, the units picked; for a
    /// REPLENISH task, the units put in the face; for a COUNT task, the
    /// units counted (which may be more than the books expect). At a
    /// blocked location nothing is picked, whatever `quantity` says: the
    /// stop is re-routed and the reply names the next stop.
    ConfirmPick {
        /// Who.
        associate: AssociateId,
        /// The task.
        task: TaskId,
        /// Index of the stop in the task.
        line: u32,
        /// Units picked (fewer than asked starts the short-pick flow).
        quantity: u32,
        /// The barcode scanned, if the device scans (must be the SKU's code).
        barcode: Option<String>,
    },
    /// The associate drops the full tote(s) at the end of the trip: at the
    /// pack area, at a put wall (bulk), or on the conveyor to the next zone
    /// (pick-and-pass).
    DeliverTote {
        /// Who.
        associate: AssociateId,
        /// The task whose tote it is.
        task: TaskId,
    },
    /// A put-wall operator takes the next bulk tote to sort.
    StartSort {
        /// The put wall.
        wall: u16,
    },
    /// A put-wall operator puts one stop's units into its order's slot.
    PutItem {
        /// The put wall.
        wall: u16,
        /// The bulk tote's task being sorted.
        task: TaskId,
        /// The stop of that task whose units are put.
        line: u32,
    },
    /// A packer takes the next tote at a station.
    StartPacking {
        /// The station.
        station: StationId,
    },
    /// A packer closes the carton on the scale.
    CompletePacking {
        /// The station.
        station: StationId,
        /// The order packed.
        order: OrderId,
        /// What the scale shows (kg).
        weight_kg: f64,
    },
    /// A conveyor scanner saw a tote enter a segment (the next one of the
    /// route the tote was given at induction).
    ConveyTote {
        /// The tote (licence plate).
        tote: ToteId,
        /// The segment.
        segment: SegmentId,
    },
    /// A scanner before the diverts to the pack stations reads a tote: the
    /// WES keeps its station, or sends it to another whose spur has room.
    DivertTote {
        /// The tote (licence plate).
        tote: ToteId,
    },
    /// A tote reached the end of its route: a pack station's queue, or a
    /// parcel its dock door.
    DischargeTote {
        /// The tote (licence plate).
        tote: ToteId,
    },
    /// The conveyor controller or an operator stops a segment or starts it
    /// again.
    SetConveyor {
        /// The segment.
        segment: SegmentId,
        /// Whether it runs.
        running: bool,
        /// Why it stops (required to stop).
        reason: String,
    },
    /// A real-time location system reports where tags (associates' badges,
    /// totes) are; all or none of the pings are taken.
    RtlsPings {
        /// The pings, in the order they were measured.
        pings: Vec<RtlsPing>,
    },
}

/// One RTLS position report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RtlsPing {
    /// The tag (`associate-3`, a licence plate …).
    pub tag: String,
    /// Across the aisles (mm): aisle `a`'s centre line is at `a × pitch`.
    pub x_mm: i64,
    /// Along the aisles (mm) from the front cross aisle.
    pub y_mm: i64,
}

/// What the packer needs to know about the order on the bench.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackJob {
    /// The order.
    pub order: OrderId,
    /// Whether it is sampled for QC.
    pub qc: bool,
    /// Carton to use (index in the carton set).
    pub carton: u32,
    /// Expected weight (kg).
    pub expected_weight_kg: f64,
    /// Units to pack.
    pub units: u32,
}

/// The answer to an accepted command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply")]
pub enum Reply {
    /// Accepted, nothing to report.
    Done,
    /// The order was taken in.
    OrderAccepted {
        /// Its id.
        order: OrderId,
        /// Reserved or backordered.
        status: OrderStatus,
    },
    /// A wave was planned.
    WavePlanned {
        /// Its id.
        wave: WaveId,
    },
    /// The task the associate should do next, if any.
    NextTask {
        /// The task.
        task: Option<TaskId>,
    },
    /// The pick is recorded.
    PickRecorded {
        /// The next stop to visit, if any is left.
        next_line: Option<u32>,
    },
    /// The trip's totes are delivered.
    ToteDelivered {
        /// Stations at which orders of the trip now queue for packing.
        stations: Vec<StationId>,
        /// The put wall where the bulk tote waits to be sorted, if any.
        put_wall: Option<u16>,
    },
    /// The next bulk tote a put-wall operator sorts, if any is waiting.
    Sorting {
        /// Its task.
        task: Option<TaskId>,
    },
    /// Units are in their slot.
    Put {
        /// If the slot completed: the station its order now queues at.
        station: Option<StationId>,
        /// Stops of the bulk tote still to put.
        left: u32,
    },
    /// Where a tote goes from the diverts.
    Diverted {
        /// The segment it takes next.
        segment: SegmentId,
    },
    /// The packer's next order, if any tote is waiting.
    Packing {
        /// The job.
        job: Option<PackJob>,
    },
}

/// Why a command was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CommandError {
    /// `external_id` is empty or already used. Send a new id.
    #[error("external_id: {0}")]
    BadExternalId(String),
    /// The carrier is not one of the site's. Use a configured carrier.
    #[error("carrier: unknown carrier \"{0}\"")]
    UnknownCarrier(String),
    /// A receipt names an unknown SKU.
    #[error("sku: unknown SKU \"{0}\"")]
    UnknownReceiptSku(String),
    /// A receipt of no units.
    #[error("units: must be at least 1")]
    NoUnits,
    /// The order has no lines.
    #[error("lines: an order needs at least one line")]
    NoLines,
    /// A line names an unknown SKU.
    #[error("lines[{line}].sku: unknown SKU \"{sku}\"")]
    UnknownSku {
        /// Line index.
        line: usize,
        /// The code given.
        sku: String,
    },
    /// A line asks for no units.
    #[error("lines[{line}].quantity: must be ≥ 1, got 0")]
    ZeroQuantity {
        /// Line index.
        line: usize,
    },
    /// No such associate on the roster.
    #[error("associate: unknown associate {0}")]
    UnknownAssociate(AssociateId),
    /// The associate must sign on first.
    #[error("associate: {0} is not signed on")]
    NotSignedOn(AssociateId),
    /// No such task.
    #[error("task: unknown task {0}")]
    UnknownTask(TaskId),
    /// The task belongs to someone else.
    #[error("task: {task} is not assigned to {associate}")]
    NotYourTask {
        /// The task.
        task: TaskId,
        /// Who asked.
        associate: AssociateId,
    },
    /// The task is not in a state that allows this.
    #[error("task: {task} is {status:?}, which does not allow this")]
    WrongTaskState {
        /// The task.
        task: TaskId,
        /// Its state.
        status: TaskStatus,
    },
    /// No such stop in the task.
    #[error("line: task {task} has no stop {line}")]
    UnknownLine {
        /// The task.
        task: TaskId,
        /// The index given.
        line: u32,
    },
    /// The stop was already confirmed.
    #[error("line: stop {line} of task {task} is already confirmed")]
    LineConfirmed {
        /// The task.
        task: TaskId,
        /// The stop.
        line: u32,
    },
    /// More units than asked for.
    #[error("quantity: at most {max} units are to be picked here, got {got}")]
    TooMany {
        /// Units asked for.
        max: u32,
        /// Units confirmed.
        got: u32,
    },
    /// The scanned barcode is not the SKU to pick. Scan the right item.
    #[error("barcode: expected {expected}, scanned {scanned}")]
    WrongBarcode {
        /// The SKU code expected.
        expected: String,
        /// What was scanned.
        scanned: String,
    },
    /// Stops are still unconfirmed.
    #[error("task: {task} still has {open} unconfirmed stops")]
    StopsOpen {
        /// The task.
        task: TaskId,
        /// Stops left.
        open: usize,
    },
    /// No such wave.
    #[error("wave: unknown wave {0}")]
    UnknownWave(WaveId),
    /// Only planned waves can be released.
    #[error("wave: {wave} is {status:?}; only a PLANNED wave can be released")]
    WaveNotPlanned {
        /// The wave.
        wave: WaveId,
        /// Its state.
        status: WaveStatus,
    },
    /// An order cannot go into a wave.
    #[error(
        "orders[{index}]: order {order} is {status:?}; only RESERVED orders not yet in a wave can be waved"
    )]
    OrderNotWaveable {
        /// Position in the request.
        index: usize,
        /// The order.
        order: OrderId,
        /// Its state.
        status: OrderStatus,
    },
    /// No such order.
    #[error("orders[{index}]: unknown order {order}")]
    UnknownOrder {
        /// Position in the request.
        index: usize,
        /// The id.
        order: OrderId,
    },
    /// No orders were given.
    #[error("orders: a wave needs at least one order")]
    EmptyWave,
    /// No such put wall.
    #[error("wall: unknown put wall {0}")]
    UnknownPutWall(u16),
    /// The put wall is still sorting another bulk tote.
    #[error("wall: put wall {wall} is still sorting task {task}")]
    PutWallBusy {
        /// The wall.
        wall: u16,
        /// The task being sorted.
        task: TaskId,
    },
    /// That task is not the one being sorted at that wall.
    #[error("task: {task} is not being sorted at put wall {wall}")]
    NotAtPutWall {
        /// The wall.
        wall: u16,
        /// The task given.
        task: TaskId,
    },
    /// No such station.
    #[error("station: unknown station {0}")]
    UnknownStation(StationId),
    /// The station is still packing another order.
    #[error("station: {station} is still packing order {order}")]
    StationBusy {
        /// The station.
        station: StationId,
        /// The order on the bench.
        order: OrderId,
    },
    /// That order is not on that station's bench.
    #[error("order: {order} is not being packed at {station}")]
    NotOnBench {
        /// The station.
        station: StationId,
        /// The order given.
        order: OrderId,
    },
    /// The weight is not a number ≥ 0.
    #[error("weight_kg: must be a number ≥ 0, got {0}")]
    BadWeight(f64),
    /// The location is not in the master.
    #[error("location: unknown location {0}")]
    UnknownLocation(LocationId),
    /// The site has no conveyor.
    #[error("segment: this site has no conveyor")]
    NoConveyor,
    /// There is no such conveyor segment.
    #[error("segment: unknown conveyor segment {0}")]
    UnknownSegment(SegmentId),
    /// The tote has no route on the conveyor.
    #[error("tote: {0} is not on the conveyor")]
    ToteNotRouted(ToteId),
    /// A scan on a segment the tote's route does not take next.
    #[error("segment: {tote} is routed to {} next, not {segment}", expected.map_or_else(|| "its destination".to_owned(), |s| s.to_string()))]
    OffRoute {
        /// The tote.
        tote: ToteId,
        /// The segment scanned.
        segment: SegmentId,
        /// The segment expected, if any is left.
        expected: Option<SegmentId>,
    },
    /// A stopped segment takes no tote.
    #[error("segment: {0} is stopped")]
    SegmentStopped(SegmentId),
    /// A full segment takes no tote.
    #[error("segment: {0} is full")]
    SegmentFull(SegmentId),
    /// A discharge of a tote not on its route's last segment.
    #[error("tote: {0} is not on the last segment of its route")]
    NotAtDestination(ToteId),
    /// An RTLS tag must be 1 to 64 characters.
    #[error("pings[{index}].tag: must be 1 to 64 characters, got \"{tag}\"")]
    BadTag {
        /// Which ping of the batch.
        index: usize,
        /// The tag given (cut at 80 characters).
        tag: String,
    },
    /// The RTLS position is not on the site.
    #[error("pings[{index}].x_m: ({x_m} m, {y_m} m) is off the site")]
    OffSite {
        /// Which ping of the batch.
        index: usize,
        /// Across the aisles (m).
        x_m: f64,
        /// Along the aisles (m).
        y_m: f64,
    },
    /// A batch of pings is empty or too large.
    #[error("pings: send 1 to {max} pings at a time, got {got}")]
    PingBatch {
        /// Pings sent.
        got: usize,
        /// Most taken at once.
        max: usize,
    },
}
