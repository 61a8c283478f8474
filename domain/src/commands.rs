//! The command ports: what a handheld, a scanner, an order feed or a
//! planner asks of the domain, the replies, and the reasons for refusal.
//!
//! Simulated and live drivers send exactly these commands. A refused command
//! changes nothing.

use serde::{Deserialize, Serialize};

use crate::ids::{
    AssociateId, LocationId, OrderId, SegmentId, SkuId, StationId, TaskId, ToteId, WaveId,
};
use crate::location_master::{AbcClass, Capacity, LocationKind, Point, Side};
pub use crate::refusal::{CommandError, RefusalKind};
use crate::vocabulary::{OrderStatus, PlateKind, Priority, WavePriority, WaveStrategy};

/// Whether a wave's priority is the default one (left out when stored, so a
/// stored wave reads as before priorities).
fn is_standard(p: &WavePriority) -> bool {
    *p == WavePriority::Standard
}

/// A line of an incoming order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrderLine {
    /// SKU code.
    pub sku: String,
    /// Units.
    pub quantity: u32,
}

/// A location the location master adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewLocation {
    /// The code on its label (unique).
    pub code: String,
    /// What it is for: `PICK` or `RESERVE` (staging lanes and dock doors
    /// come with the site's pack stations and doors).
    pub kind: LocationKind,
    /// Its zone, one of the site's.
    pub zone: String,
    /// Where a picker stands to reach it; none: at the depot.
    pub point: Option<Point>,
    /// Its bay and level, as the site numbers them (0: none).
    pub bay: u32,
    /// Its level (0: none).
    pub level: u32,
    /// Rack side.
    pub side: Option<Side>,
    /// What it holds at most.
    pub capacity: Capacity,
    /// The conditions it meets (`HAZMAT` …).
    pub restrictions: Vec<String>,
    /// The velocity class of the items it is meant for.
    pub slotting_class: Option<AbcClass>,
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
        /// How the planner formed it (manual when not said).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        strategy: Option<WaveStrategy>,
        /// Its priority.
        #[serde(default, skip_serializing_if = "is_standard")]
        priority: WavePriority,
    },
    /// Cancel a planned wave: its orders go back to wait for a wave.
    CancelWave {
        /// The wave.
        wave: WaveId,
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
    /// The location master adds a location.
    CreateLocation {
        /// The location.
        location: NewLocation,
    },
    /// The location master sets what a location holds at most.
    ConfigureLocationCapacity {
        /// The location.
        location: LocationId,
        /// Its capacity; a limit left out is not checked.
        capacity: Capacity,
    },
    /// The location master sets the velocity class of the items a location
    /// is meant for (none: any).
    AssignSlottingClass {
        /// The location.
        location: LocationId,
        /// The class.
        class: Option<AbcClass>,
    },
    /// Applies a slotting: each move's item goes from its face to its new
    /// location by a RESLOT task, in an order that can run (targets freed
    /// first; a cycle passes through a free face, or runs as swaps).
    ReslotFaces {
        /// The moves.
        moves: Vec<crate::location_master::FaceMove>,
    },
    /// The location master takes a location out of use (it must be empty:
    /// an empty pick face is unslotted) or puts it back into use.
    SetLocationActive {
        /// The location.
        location: LocationId,
        /// In use from now on, or not.
        active: bool,
        /// Why.
        reason: String,
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
    /// A put-wall operator scans a bulk tote waiting at the wall and sorts
    /// it next.
    ScanBulkTote {
        /// The put wall.
        wall: u16,
        /// The bulk tote.
        tote: ToteId,
    },
    /// A put-wall operator puts units of a SKU into a slot (the seed's
    /// `PutWallSlot.addItem`).
    PutIntoSlot {
        /// The put wall.
        wall: u16,
        /// The slot (its order's place in the sort).
        slot: u16,
        /// The SKU scanned.
        sku: SkuId,
        /// Units put.
        quantity: u32,
    },
    /// A put-wall operator closes a slot short: what it still expects is
    /// recorded short and its order goes to packing.
    CloseSlot {
        /// The put wall.
        wall: u16,
        /// The slot.
        slot: u16,
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
    /// A label is applied to a tote, carton, case or pallet: a new licence
    /// plate, optionally at a location.
    OpenLicensePlate {
        /// Its code (1 to 64 characters, new).
        plate: String,
        /// What it is on.
        kind: PlateKind,
        /// Where it is.
        location: Option<LocationId>,
    },
    /// A plate is put into (onto) another: a tote in a case, a case on a
    /// pallet. It comes out of the plate it was in.
    NestLicensePlate {
        /// The plate.
        plate: String,
        /// The plate it goes into.
        into: String,
    },
    /// A plate is taken out of the plate it is in, and left where that is.
    UnnestLicensePlate {
        /// The plate.
        plate: String,
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

impl Command {
    /// A wave planned by hand from `orders`, with no strategy named and
    /// the standard priority.
    #[must_use]
    pub fn wave_of(orders: Vec<OrderId>) -> Command {
        Command::CreateWave {
            orders,
            strategy: None,
            priority: WavePriority::Standard,
        }
    }
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
    /// A slotting's moves are queued as RESLOT tasks.
    Reslotting {
        /// Moves asked for.
        moves: u32,
        /// Moves added to pass an item of a cycle through a free face (a
        /// cycle with none runs as swaps).
        hops: u32,
        /// Tasks opened now (the rest open as their targets free up).
        started: u32,
    },
    /// The packer's next order, if any tote is waiting.
    Packing {
        /// The job.
        job: Option<PackJob>,
    },
}
