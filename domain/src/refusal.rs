//! Refusals: why a command was refused, which request field is at fault,
//! and what kind of refusal it is (so the HTTP layer maps kinds to
//! statuses without reading the text).
//!
//! A refused command changes nothing. Every variant answers [`CommandError::field`]
//! and [`CommandError::kind`] through an exhaustive match, so a new variant
//! must say both before the crate compiles.
//!
//! ```
//! use paklog_domain::{CommandError, RefusalKind};
//!
//! let e = CommandError::UnknownSku { line: 2, sku: "X".into() };
//! assert_eq!(e.field(), "lines[2].sku");
//! assert_eq!(e.kind(), RefusalKind::Invalid);
//! assert_eq!(e.to_string(), "lines[2].sku: unknown SKU \"X\"");
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{
    AssociateId, LocationId, OrderId, SegmentId, SkuId, StationId, TaskId, ToteId, WaveId,
};
use crate::location_master::LocationKind;
use crate::vocabulary::{OrderStatus, PlateKind, TaskStatus, WaveStatus};

/// What kind of refusal a [`CommandError`] is: what the caller should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalKind {
    /// An id or code names nothing: check it (HTTP 404).
    NotFound,
    /// The caller may not do this to that thing, e.g. another associate's
    /// task (HTTP 403).
    Forbidden,
    /// The thing is in a state that does not allow this now: read it again
    /// and retry when it changes (HTTP 409).
    Conflict,
    /// A value of the request is wrong: fix it (HTTP 422).
    Invalid,
}

/// Why a command was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CommandError {
    /// `external_id` is empty.
    BadExternalId(String),
    /// `external_id` was already received: the order is in. A client that
    /// retries after a lost answer gets this instead of a second order.
    DuplicateExternalId(String),
    /// The carrier is not one of the site's. Use a configured carrier.
    UnknownCarrier(String),
    /// A receipt names an unknown SKU.
    UnknownReceiptSku(String),
    /// A receipt would take a SKU's stock past what the books count
    /// ([`MAX_SKU_UNITS`](crate::inventory::MAX_SKU_UNITS)).
    TooMuchStock {
        /// Units received.
        units: u32,
        /// Most the SKU could still take.
        room: u32,
    },
    /// A receipt that neither the SKU's pick face nor any reserve location
    /// can take (none permits its restrictions).
    NoReserveLocation {
        /// The SKU's code.
        sku: String,
        /// Units its pick face could take.
        room: u32,
    },
    /// A receipt of no units.
    NoUnits,
    /// The order has no lines.
    NoLines,
    /// A line names an unknown SKU.
    UnknownSku {
        /// Line index.
        line: usize,
        /// The code given.
        sku: String,
    },
    /// A line asks for more than
    /// [`MAX_LINE_UNITS`](crate::order_management::MAX_LINE_UNITS).
    TooLargeQuantity {
        /// Index of the line.
        line: usize,
        /// The quantity asked.
        quantity: u32,
    },
    /// An order with more lines than
    /// [`MAX_ORDER_LINES`](crate::order_management::MAX_ORDER_LINES).
    TooManyLines(usize),
    /// A line asks for no units.
    ZeroQuantity {
        /// Line index.
        line: usize,
    },
    /// No such associate on the roster.
    UnknownAssociate(AssociateId),
    /// The associate must sign on first.
    NotSignedOn(AssociateId),
    /// No such task.
    UnknownTask(TaskId),
    /// The task belongs to someone else.
    NotYourTask {
        /// The task.
        task: TaskId,
        /// Who asked.
        associate: AssociateId,
    },
    /// The task is not in a state that allows this.
    WrongTaskState {
        /// The task.
        task: TaskId,
        /// Its state.
        status: TaskStatus,
    },
    /// No such stop in the task.
    UnknownLine {
        /// The task.
        task: TaskId,
        /// The index given.
        line: u32,
    },
    /// The stop was already confirmed.
    LineConfirmed {
        /// The task.
        task: TaskId,
        /// The stop.
        line: u32,
    },
    /// More units than asked for.
    TooMany {
        /// Units asked for.
        max: u32,
        /// Units confirmed.
        got: u32,
    },
    /// The site requires a barcode and none was scanned.
    BarcodeRequired {
        /// The SKU code expected.
        expected: String,
    },
    /// The scanned barcode is not the SKU to pick. Scan the right item.
    WrongBarcode {
        /// The SKU code expected.
        expected: String,
        /// What was scanned.
        scanned: String,
    },
    /// Stops are still unconfirmed.
    StopsOpen {
        /// The task.
        task: TaskId,
        /// Stops left.
        open: usize,
    },
    /// No such wave.
    UnknownWave(WaveId),
    /// Only planned waves can be released.
    WaveNotPlanned {
        /// The wave.
        wave: WaveId,
        /// Its state.
        status: WaveStatus,
    },
    /// Only planned waves, and released ones no task of which has
    /// started, can be cancelled.
    WaveNotCancellable {
        /// The wave.
        wave: WaveId,
        /// Its state.
        status: WaveStatus,
    },
    /// Nothing of the wave can be allocated to a pick face now (the seed's
    /// `ensureInventoryAllocated`): releasing it would put no work on the
    /// floor.
    WaveNotAllocatable(WaveId),
    /// An order cannot go into a wave.
    OrderNotWaveable {
        /// Position in the request.
        index: usize,
        /// The order.
        order: OrderId,
        /// Its state.
        status: OrderStatus,
    },
    /// No such order.
    UnknownOrder {
        /// Position in the request.
        index: usize,
        /// The id.
        order: OrderId,
    },
    /// No orders were given.
    EmptyWave,
    /// No such put wall.
    UnknownPutWall(u16),
    /// The bulk tote is not waiting at this put wall.
    ToteNotAtPutWall {
        /// The wall.
        wall: u16,
        /// The tote scanned.
        tote: ToteId,
    },
    /// No bulk tote is being sorted at the wall: scan one first.
    NothingToSort(u16),
    /// The wall's current sort has no such slot.
    UnknownSlot {
        /// The wall.
        wall: u16,
        /// The slot.
        slot: u16,
    },
    /// The slot is complete (full, or closed): nothing more goes in.
    SlotComplete {
        /// The wall.
        wall: u16,
        /// The slot.
        slot: u16,
    },
    /// No SKU has this code or barcode.
    UnknownSkuCode(String),
    /// A put of no units.
    NothingPut,
    /// The slot's order got no such SKU from the tote being sorted.
    WrongSlotSku {
        /// The wall.
        wall: u16,
        /// The slot.
        slot: u16,
        /// The SKU scanned.
        sku: SkuId,
    },
    /// More units than the slot still expects of the SKU.
    TooManyForSlot {
        /// The wall.
        wall: u16,
        /// The slot.
        slot: u16,
        /// Units of the SKU it still expects.
        left: u32,
        /// Units put.
        got: u32,
    },
    /// The put wall is still sorting another bulk tote.
    PutWallBusy {
        /// The wall.
        wall: u16,
        /// The task being sorted.
        task: TaskId,
    },
    /// That task is not the one being sorted at that wall.
    NotAtPutWall {
        /// The wall.
        wall: u16,
        /// The task given.
        task: TaskId,
    },
    /// No such station.
    UnknownStation(StationId),
    /// The station is still packing another order.
    StationBusy {
        /// The station.
        station: StationId,
        /// The order on the bench.
        order: OrderId,
    },
    /// That order is not on that station's bench.
    NotOnBench {
        /// The station.
        station: StationId,
        /// The order given.
        order: OrderId,
    },
    /// The weight is not a number ≥ 0.
    BadWeight(f64),
    /// The location is not in the master.
    UnknownLocation(LocationId),
    /// No location has that id or code.
    UnknownLocationCode(String),
    /// A location with that code exists already.
    DuplicateLocationCode(String),
    /// The site has no zone of that name.
    UnknownZone(String),
    /// No aisle of the site has that place: the aisle (numbered from 1)
    /// or the depth along it is off the walking network.
    OffNetwork {
        /// The aisle, numbered from 1.
        aisle: u32,
        /// Metres along it.
        depth_m: f64,
    },
    /// Staging lanes and dock doors come with the site's pack stations and
    /// doors: a location added is a PICK or RESERVE one.
    FixedLocationKind(LocationKind),
    /// A capacity limit that is not a number ≥ 0.
    BadCapacity,
    /// A capacity below what the location holds now.
    CapacityBelowContents {
        /// Units it holds, on hand and on their way.
        units: u32,
    },
    /// A location taken out of use must be empty, with nothing on its way
    /// and nothing promised from it, and hold no SKU's reserve.
    LocationInUse {
        /// What it still has.
        what: String,
    },
    /// The site has no conveyor.
    NoConveyor,
    /// No conveyor segment has that code.
    UnknownSegmentCode(String),
    /// There is no such conveyor segment.
    UnknownSegment(SegmentId),
    /// The tote has no route on the conveyor.
    ToteNotRouted(ToteId),
    /// A scan on a segment the tote's route does not take next.
    OffRoute {
        /// The tote.
        tote: ToteId,
        /// The segment scanned.
        segment: SegmentId,
        /// The segment expected, if any is left.
        expected: Option<SegmentId>,
    },
    /// A stopped segment takes no tote.
    SegmentStopped(SegmentId),
    /// A full segment takes no tote.
    SegmentFull(SegmentId),
    /// A discharge of a tote not on its route's last segment.
    NotAtDestination(ToteId),
    /// An RTLS tag must be 1 to 64 characters.
    BadTag {
        /// Which ping of the batch.
        index: usize,
        /// The tag given (cut at 80 characters).
        tag: String,
    },
    /// The RTLS position is not on the site.
    OffSite {
        /// Which ping of the batch.
        index: usize,
        /// Across the aisles (m).
        x_m: f64,
        /// Along the aisles (m).
        y_m: f64,
    },
    /// No licence plate has that code.
    UnknownPlate {
        /// The request field that names it (`plate`, `into`).
        field: &'static str,
        /// The code given.
        code: String,
    },
    /// A plate goes only into a plate of a larger kind.
    PlateCannotHold {
        /// The plate it was to go into.
        into: String,
        /// That plate's kind.
        kind: PlateKind,
        /// The plate to nest.
        plate: String,
        /// Its kind.
        plate_kind: PlateKind,
    },
    /// The plate is not nested in another.
    PlateNotNested(String),
    /// A nested plate moves only with the plate it is in.
    PlateNested {
        /// The plate.
        plate: String,
        /// The plate it is in.
        parent: String,
    },
    /// A plate with that code is already open.
    PlateExists(String),
    /// A plate code must be 1 to 64 characters.
    BadPlateCode(String),
    /// `LP` and a number is the form of the site's own totes and parcels.
    ReservedPlateCode(String),
    /// A slotting of no moves.
    NoMoves,
    /// A move of a slotting that the site, as it stands, cannot make (what
    /// its locations hold, their state, capacity and restrictions).
    BadMove {
        /// Which move.
        index: usize,
        /// Its field at fault (`from`, `to`).
        field: &'static str,
        /// Why.
        why: String,
    },
    /// A location is already being moved by a RESLOT task or a queued
    /// move: wait for it.
    MoveInProgress {
        /// Which move.
        index: usize,
        /// Its field at fault (`from`, `to`).
        field: &'static str,
        /// The location's code.
        code: String,
    },
    /// A batch of pings is empty or too large.
    PingBatch {
        /// Pings sent.
        got: usize,
        /// Most taken at once.
        max: usize,
    },
}

impl CommandError {
    /// The request field at fault, as a JSON path into the command
    /// (`lines[2].sku`, `segment`, `pings[0].tag` …).
    #[must_use]
    pub fn field(&self) -> String {
        use CommandError as E;
        match self {
            E::BadExternalId(_) | E::DuplicateExternalId(_) => "external_id".into(),
            E::UnknownCarrier(_) => "carrier".into(),
            E::UnknownReceiptSku(_) => "sku".into(),
            E::TooMuchStock { .. } => "units".into(),
            E::NoReserveLocation { .. } => "sku".into(),
            E::NoUnits => "units".into(),
            E::NoLines => "lines".into(),
            E::UnknownSku { line, .. } => format!("lines[{line}].sku"),
            E::ZeroQuantity { line } | E::TooLargeQuantity { line, .. } => {
                format!("lines[{line}].quantity")
            }
            E::TooManyLines(_) => "lines".into(),
            E::UnknownAssociate(_) | E::NotSignedOn(_) => "associate".into(),
            E::UnknownTask(_)
            | E::NotYourTask { .. }
            | E::WrongTaskState { .. }
            | E::StopsOpen { .. }
            | E::NotAtPutWall { .. } => "task".into(),
            E::UnknownLine { .. } | E::LineConfirmed { .. } => "line".into(),
            E::TooMany { .. } | E::TooManyForSlot { .. } | E::NothingPut => "quantity".into(),
            E::ToteNotAtPutWall { .. } => "tote".into(),
            E::NothingToSort(_) => "wall".into(),
            E::UnknownSlot { .. } | E::SlotComplete { .. } => "slot".into(),
            E::WrongSlotSku { .. } | E::UnknownSkuCode(_) => "sku".into(),
            E::WrongBarcode { .. } | E::BarcodeRequired { .. } => "barcode".into(),
            E::UnknownWave(_)
            | E::WaveNotPlanned { .. }
            | E::WaveNotCancellable { .. }
            | E::WaveNotAllocatable(_) => "wave".into(),
            E::OrderNotWaveable { index, .. } | E::UnknownOrder { index, .. } => {
                format!("orders[{index}]")
            }
            E::EmptyWave => "orders".into(),
            E::UnknownPutWall(_) | E::PutWallBusy { .. } => "wall".into(),
            E::UnknownStation(_) | E::StationBusy { .. } => "station".into(),
            E::NotOnBench { .. } => "order".into(),
            E::BadWeight(_) => "weight_kg".into(),
            E::UnknownLocation(_)
            | E::UnknownLocationCode(_)
            | E::CapacityBelowContents { .. }
            | E::LocationInUse { .. } => "location".into(),
            E::DuplicateLocationCode(_) => "code".into(),
            E::UnknownZone(_) => "zone".into(),
            E::OffNetwork { .. } => "aisle".into(),
            E::FixedLocationKind(_) => "type".into(),
            E::BadCapacity => "capacity".into(),
            E::NoConveyor
            | E::UnknownSegment(_)
            | E::UnknownSegmentCode(_)
            | E::OffRoute { .. }
            | E::SegmentStopped(_)
            | E::SegmentFull(_) => "segment".into(),
            E::ToteNotRouted(_) | E::NotAtDestination(_) => "tote".into(),
            E::BadTag { index, .. } => format!("pings[{index}].tag"),
            E::OffSite { index, .. } => format!("pings[{index}].x_m"),
            E::PingBatch { .. } => "pings".into(),
            E::NoMoves => "moves".into(),
            E::BadMove { index, field, .. } | E::MoveInProgress { index, field, .. } => {
                format!("moves[{index}].{field}")
            }
            E::UnknownPlate { field, .. } => (*field).into(),
            E::PlateCannotHold { .. } => "into".into(),
            E::PlateNotNested(_)
            | E::PlateNested { .. }
            | E::PlateExists(_)
            | E::BadPlateCode(_)
            | E::ReservedPlateCode(_) => "plate".into(),
        }
    }

    /// What kind of refusal this is.
    #[must_use]
    pub fn kind(&self) -> RefusalKind {
        use CommandError as E;
        use RefusalKind as K;
        match self {
            // What the request names is not there (an id or a code of
            // something on the floor: a task, a wave, an order, a tote, a
            // station, a wall, a slot, a segment, an associate).
            E::UnknownTask(_)
            | E::UnknownWave(_)
            | E::UnknownStation(_)
            | E::UnknownLocation(_)
            | E::UnknownLocationCode(_)
            | E::UnknownZone(_)
            | E::OffNetwork { .. }
            | E::UnknownSegment(_)
            | E::UnknownSegmentCode(_)
            | E::NoConveyor
            | E::ToteNotRouted(_)
            | E::UnknownPlate { .. }
            | E::UnknownAssociate(_)
            | E::UnknownLine { .. }
            | E::UnknownOrder { .. }
            | E::UnknownPutWall(_)
            | E::UnknownSlot { .. } => K::NotFound,
            E::NotYourTask { .. } => K::Forbidden,
            // Well formed, but the state of what it names does not allow
            // it now.
            E::WrongTaskState { .. }
            | E::DuplicateExternalId(_)
            | E::TooMuchStock { .. }
            | E::NoReserveLocation { .. }
            | E::DuplicateLocationCode(_)
            | E::FixedLocationKind(_)
            | E::CapacityBelowContents { .. }
            | E::LocationInUse { .. }
            | E::WaveNotPlanned { .. }
            | E::WaveNotCancellable { .. }
            | E::WaveNotAllocatable(_)
            | E::OrderNotWaveable { .. }
            | E::ToteNotAtPutWall { .. }
            | E::NothingToSort(_)
            | E::SlotComplete { .. }
            | E::WrongSlotSku { .. }
            | E::TooManyForSlot { .. }
            | E::LineConfirmed { .. }
            | E::TooMany { .. }
            | E::WrongBarcode { .. }
            | E::StopsOpen { .. }
            | E::StationBusy { .. }
            | E::PutWallBusy { .. }
            | E::NotAtPutWall { .. }
            | E::NotOnBench { .. }
            | E::OffRoute { .. }
            | E::SegmentStopped(_)
            | E::SegmentFull(_)
            | E::NotAtDestination(_)
            | E::NotSignedOn(_)
            | E::PlateNotNested(_)
            | E::PlateNested { .. }
            | E::PlateExists(_)
            | E::MoveInProgress { .. }
            | E::BadMove { .. } => K::Conflict,
            // Against what the request itself must be: the site's codes
            // (SKUs, carriers), ranges, lengths, required fields. The
            // OpenAPI document of a site says each.
            E::BadExternalId(_)
            | E::UnknownCarrier(_)
            | E::UnknownReceiptSku(_)
            | E::NoUnits
            | E::NoLines
            | E::UnknownSku { .. }
            | E::ZeroQuantity { .. }
            | E::TooLargeQuantity { .. }
            | E::TooManyLines(_)
            | E::UnknownSkuCode(_)
            | E::NothingPut
            | E::BarcodeRequired { .. }
            | E::EmptyWave
            | E::BadWeight(_)
            | E::BadCapacity
            | E::BadTag { .. }
            | E::OffSite { .. }
            | E::PingBatch { .. }
            | E::PlateCannotHold { .. }
            | E::BadPlateCode(_)
            | E::ReservedPlateCode(_)
            | E::NoMoves => K::Invalid,
        }
    }

    /// What is wrong with the field, for a person (the message without the
    /// field's name).
    #[must_use]
    pub fn detail(&self) -> String {
        Detail(self).to_string()
    }
}

/// The message of a refusal after its field's name.
struct Detail<'a>(&'a CommandError);

impl fmt::Display for Detail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CommandError as E;
        match self.0 {
            E::BadExternalId(why) => write!(f, "{why}"),
            E::DuplicateExternalId(id) => write!(f, "order \"{id}\" was already received"),
            E::UnknownCarrier(c) => write!(f, "unknown carrier \"{c}\""),
            E::UnknownReceiptSku(s) => write!(f, "unknown SKU \"{s}\""),
            E::TooMuchStock { units, room } => write!(
                f,
                "{units} units would take the SKU past what its books count: it has room for {room} more"
            ),
            E::NoReserveLocation { sku, room } => write!(
                f,
                "no reserve location can take SKU \"{sku}\" (none permits its restrictions), and its pick face has room for {room}"
            ),
            E::NoUnits => write!(f, "must be at least 1"),
            E::NoLines => write!(f, "an order needs at least one line"),
            E::UnknownSku { sku, .. } => write!(f, "unknown SKU \"{sku}\""),
            E::ZeroQuantity { .. } => write!(f, "must be ≥ 1, got 0"),
            E::TooLargeQuantity { quantity, .. } => write!(
                f,
                "must be at most {}, got {quantity}",
                crate::order_management::MAX_LINE_UNITS
            ),
            E::TooManyLines(n) => write!(
                f,
                "an order has at most {} lines, got {n}",
                crate::order_management::MAX_ORDER_LINES
            ),
            E::UnknownAssociate(a) => write!(f, "unknown associate {a}"),
            E::NotSignedOn(a) => write!(f, "{a} is not signed on"),
            E::UnknownTask(t) => write!(f, "unknown task {t}"),
            E::NotYourTask { task, associate } => {
                write!(f, "{task} is not assigned to {associate}")
            }
            E::WrongTaskState { task, status } => {
                write!(f, "{task} is {status:?}, which does not allow this")
            }
            E::UnknownLine { task, line } => write!(f, "task {task} has no stop {line}"),
            E::LineConfirmed { task, line } => {
                write!(f, "stop {line} of task {task} is already confirmed")
            }
            E::TooMany { max, got } => {
                write!(f, "at most {max} units are to be picked here, got {got}")
            }
            E::WrongBarcode { expected, scanned } => {
                write!(f, "expected {expected}, scanned {scanned}")
            }
            E::BarcodeRequired { expected } => {
                write!(f, "this site confirms picks by scan: scan {expected}")
            }
            E::StopsOpen { task, open } => write!(f, "{task} still has {open} unconfirmed stops"),
            E::UnknownWave(w) => write!(f, "unknown wave {w}"),
            E::WaveNotPlanned { wave, status } => {
                write!(
                    f,
                    "{wave} is {status:?}; only a PLANNED wave can be released"
                )
            }
            E::WaveNotCancellable { wave, status } => write!(
                f,
                "{wave} is {status:?}; only a PLANNED wave, or a RELEASED one none of \
                 whose tasks has started, can be cancelled"
            ),
            E::WaveNotAllocatable(w) => write!(
                f,
                "nothing of {w} can be allocated to a pick face now: its stock is \
                 at blocked faces or faces that hold less than the books (cancel it, \
                 or release it once stock is there)"
            ),
            E::OrderNotWaveable { order, status, .. } => write!(
                f,
                "order {order} is {status:?}; only RESERVED orders not yet in a wave can be waved"
            ),
            E::UnknownOrder { order, .. } => write!(f, "unknown order {order}"),
            E::EmptyWave => write!(f, "a wave needs at least one order"),
            E::UnknownPutWall(w) => write!(f, "unknown put wall {w}"),
            E::ToteNotAtPutWall { wall, tote } => {
                write!(
                    f,
                    "tote {tote} is not waiting to be sorted at put wall {wall}"
                )
            }
            E::UnknownSkuCode(code) => write!(f, "no SKU {code}"),
            E::NothingPut => write!(f, "must be at least 1, got 0"),
            E::NothingToSort(w) => {
                write!(f, "put wall {w} is not sorting a bulk tote: scan one first")
            }
            E::UnknownSlot { wall, slot } => {
                write!(
                    f,
                    "put wall {wall} has no slot {slot} in the sort under way"
                )
            }
            E::SlotComplete { wall, slot } => {
                write!(
                    f,
                    "slot {slot} of put wall {wall} is complete: nothing more goes in"
                )
            }
            E::WrongSlotSku { wall, slot, sku } => write!(
                f,
                "slot {slot} of put wall {wall} expects no {sku} from this tote"
            ),
            E::TooManyForSlot {
                wall,
                slot,
                left,
                got,
            } => write!(
                f,
                "slot {slot} of put wall {wall} expects {left} more of this SKU, got {got}"
            ),
            E::PutWallBusy { wall, task } => {
                write!(f, "put wall {wall} is still sorting task {task}")
            }
            E::NotAtPutWall { wall, task } => {
                write!(f, "{task} is not being sorted at put wall {wall}")
            }
            E::UnknownStation(s) => write!(f, "unknown station {s}"),
            E::StationBusy { station, order } => {
                write!(f, "{station} is still packing order {order}")
            }
            E::NotOnBench { station, order } => {
                write!(f, "{order} is not being packed at {station}")
            }
            E::BadWeight(w) => write!(f, "must be a number ≥ 0, got {w}"),
            E::UnknownLocation(l) => write!(f, "unknown location {l}"),
            E::UnknownLocationCode(key) => write!(f, "no location {key}"),
            E::DuplicateLocationCode(code) => {
                write!(f, "a location with the code \"{code}\" exists already")
            }
            E::UnknownZone(zone) => write!(f, "the site has no zone \"{zone}\""),
            E::OffNetwork { aisle, depth_m } => write!(
                f,
                "no aisle of the site reaches aisle {aisle} at {depth_m} m"
            ),
            E::FixedLocationKind(kind) => write!(
                f,
                "a {} location comes with the site's pack stations and doors: add a PICK or RESERVE one",
                kind.name()
            ),
            E::BadCapacity => write!(f, "each limit must be a number ≥ 0"),
            E::CapacityBelowContents { units } => {
                write!(
                    f,
                    "the location holds {units} units, more than that capacity"
                )
            }
            E::LocationInUse { what } => {
                write!(
                    f,
                    "a location taken out of use must be empty; it has {what}"
                )
            }
            E::NoConveyor => write!(f, "this site has no conveyor"),
            E::UnknownSegmentCode(code) => {
                write!(f, "no conveyor segment has the code \"{code}\"")
            }
            E::UnknownSegment(s) => write!(f, "unknown conveyor segment {s}"),
            E::ToteNotRouted(t) => write!(f, "{t} is not on the conveyor"),
            E::OffRoute {
                tote,
                segment,
                expected,
            } => match expected {
                Some(next) => write!(f, "{tote} is routed to {next} next, not {segment}"),
                None => write!(f, "{tote} is routed to its destination next, not {segment}"),
            },
            E::SegmentStopped(s) => write!(f, "{s} is stopped"),
            E::SegmentFull(s) => write!(f, "{s} is full"),
            E::NotAtDestination(t) => write!(f, "{t} is not on the last segment of its route"),
            E::BadTag { tag, .. } => write!(f, "must be 1 to 64 characters, got \"{tag}\""),
            E::OffSite { x_m, y_m, .. } => write!(f, "({x_m} m, {y_m} m) is off the site"),
            E::PingBatch { got, max } => {
                write!(f, "send 1 to {max} pings at a time, got {got}")
            }
            E::NoMoves => write!(f, "give at least one move"),
            E::BadMove { why, .. } => f.write_str(why),
            E::MoveInProgress { code, .. } => {
                write!(
                    f,
                    "{code} is already being moved: wait for its move to finish"
                )
            }
            E::UnknownPlate { code, .. } => write!(f, "no licence plate \"{code}\""),
            E::PlateCannotHold {
                into,
                kind,
                plate,
                plate_kind,
            } => write!(
                f,
                "{into} is a {kind} and cannot hold {plate}, a {plate_kind}"
            ),
            E::PlateNotNested(plate) => write!(f, "{plate} is not in another plate"),
            E::PlateNested { plate, parent } => {
                write!(f, "{plate} is in {parent}: move {parent} instead")
            }
            E::PlateExists(plate) => write!(f, "{plate} is already open"),
            E::BadPlateCode(plate) => write!(f, "must be 1 to 64 characters, got \"{plate}\""),
            E::ReservedPlateCode(plate) => write!(
                f,
                "\"{plate}\" has the form of the site's own totes and parcels (LP and a number)"
            ),
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field(), Detail(self))
    }
}

impl std::error::Error for CommandError {}
