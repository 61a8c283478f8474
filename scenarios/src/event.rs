//! The virtual world's events on the kernel's calendar.

use paklog_domain::{AssociateId, DomainTimer, LocationId, SegmentId, StationId};

/// Everything that can happen in a simulated run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimEvent {
    /// A timer the domain asked for.
    Domain(DomainTimer),
    /// The generator's next order arrives.
    OrderArrives,
    /// Order `i` of the trace arrives.
    TraceOrder(u32),
    /// A shift starts.
    ShiftStart(u32),
    /// A break of a shift starts.
    BreakStart {
        /// The shift.
        shift: u32,
        /// The break.
        brk: u32,
    },
    /// A shift ends.
    ShiftEnd(u32),
    /// An associate finishes what they were doing.
    Associate(AssociateId),
    /// A pack station finishes its order.
    PackDone(StationId),
    /// A put-wall operator has put the current stop's units.
    PutDone(u16),
    /// Disruption `i` of the scenario happens.
    Disruption(u32),
    /// A blocked location opens again.
    Unblock(LocationId),
    /// A supplier delivery arrives.
    Receipt,
    /// A conveyor belt moves what it can.
    Conveyor(SegmentId),
    /// A stopped belt restarts.
    ConveyorRestart(SegmentId),
    /// The virtual planner looks at the planned waves
    /// (`strategy.wave_release = "planner"`).
    PlannerReview,
}
