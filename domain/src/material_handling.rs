//! Material handling: the conveyor network that carries totes (licence
//! plates) from the pick zones to the pack stations, and parcels from
//! packing to the dock lanes.
//!
//! The network is built from five kinds of segment:
//!
//! ```text
//!  induct Z1 ─┐                          ┌─ spur PS0 → pack station 0
//!  induct Z2 ─┼─(merge)─ main ─(divert)──┼─ spur PS1 → pack station 1
//!  induct Z3 ─┘                          └─ …
//!  pack stations → takeaway ─(sorter divert)─┬─ lane D1 → dock 1
//!                                            └─ …
//! ```
//!
//! Each segment has a length, a speed and an accumulation capacity (totes
//! it holds when they queue nose to tail). The domain does not move totes:
//! it routes them (the divert decisions) and follows what the scanners
//! report. A scan says a tote entered a segment; a discharge says it reached
//! its destination. From those it keeps each segment's occupancy and its
//! statistics: utilisation, time full (a full segment blocks the one feeding
//! it) and time stopped. The same commands come from a real conveyor's
//! controller or from the virtual world.

#[cfg(test)]
mod rules;

mod control;

use std::collections::{BTreeMap, VecDeque};

use paklog_sim::SimTime;
use serde::{Deserialize, Serialize};

use crate::commands::CommandError;
pub use crate::config::{ConveyorSpec, SegmentSpec};
use crate::events::DomainEvent;
use crate::ids::{CarrierId, LocationId, OrderId, SegmentId, StationId, ToteId};

/// What a segment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SegmentKind {
    /// A pick zone's induct.
    Induct {
        /// The zone.
        zone: u16,
    },
    /// The main line.
    Main,
    /// A pack station's spur.
    Spur {
        /// The station.
        station: StationId,
    },
    /// The takeaway from packing.
    Takeaway,
    /// A dock lane.
    Lane {
        /// The dock door.
        dock: LocationId,
    },
}

impl SegmentKind {
    /// Upper-case name, as reports show it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SegmentKind::Induct { .. } => "INDUCT",
            SegmentKind::Main => "MAIN",
            SegmentKind::Spur { .. } => "SPUR",
            SegmentKind::Takeaway => "TAKEAWAY",
            SegmentKind::Lane { .. } => "LANE",
        }
    }
}

/// What a segment has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentStats {
    /// Totes that entered it.
    pub entered: u32,
    /// Totes that left it.
    pub left: u32,
    /// Time on it summed over the totes that left (ms).
    pub transit_ms: u64,
    /// Occupancy integrated over time (tote·ms).
    pub tote_ms: u64,
    /// Time it was full, refusing the segment or the people feeding it (ms).
    pub full_ms: u64,
    /// Time it was stopped (ms).
    pub stopped_ms: u64,
    /// Times it was stopped.
    pub stops: u32,
}

/// One segment and its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Its id.
    pub id: SegmentId,
    /// Its code (`induct-Z1`, `main`, `spur-PS3`, `takeaway`, `lane-D-1`).
    pub code: String,
    /// What it is for.
    pub kind: SegmentKind,
    /// Its physical constants.
    pub spec: SegmentSpec,
    /// Totes on it, first in first.
    pub totes: VecDeque<ToteId>,
    /// Whether the belt runs.
    pub running: bool,
    stats: SegmentStats,
    since: SimTime,
    full_since: Option<SimTime>,
    stopped_since: Option<SimTime>,
}

impl Segment {
    fn new(id: usize, code: String, kind: SegmentKind, spec: SegmentSpec) -> Self {
        Segment {
            id: SegmentId(id as u32),
            code,
            kind,
            spec,
            totes: VecDeque::new(),
            running: true,
            stats: SegmentStats::default(),
            since: SimTime::ZERO,
            full_since: None,
            stopped_since: None,
        }
    }

    /// Whether it holds as many totes as it can.
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.totes.len() >= self.spec.capacity as usize
    }

    /// Its statistics up to `now`, the running intervals included.
    #[must_use]
    pub fn stats(&self, now: SimTime) -> SegmentStats {
        let mut s = self.stats;
        let since = |t: Option<SimTime>| t.map_or(0, |t| now.saturating_since(t).as_millis());
        s.tote_ms += self.totes.len() as u64 * now.saturating_since(self.since).as_millis();
        s.full_ms += since(self.full_since);
        s.stopped_ms += since(self.stopped_since);
        s
    }

    /// Integrates the occupancy up to `now`.
    fn advance(&mut self, now: SimTime) {
        self.stats.tote_ms +=
            self.totes.len() as u64 * now.saturating_since(self.since).as_millis();
        self.since = now;
    }

    fn push(&mut self, now: SimTime, tote: ToteId, events: &mut Vec<DomainEvent>) {
        self.advance(now);
        self.totes.push_back(tote);
        self.stats.entered += 1;
        if self.is_full() && self.full_since.is_none() {
            self.full_since = Some(now);
            events.push(DomainEvent::ConveyorBlocked { segment: self.id });
        }
    }

    fn remove(
        &mut self,
        now: SimTime,
        tote: ToteId,
        entered: SimTime,
        events: &mut Vec<DomainEvent>,
    ) {
        self.advance(now);
        if let Some(i) = self.totes.iter().position(|&t| t == tote) {
            self.totes.remove(i);
        }
        self.stats.left += 1;
        self.stats.transit_ms += now.saturating_since(entered).as_millis();
        if !self.is_full()
            && let Some(t) = self.full_since.take()
        {
            let blocked_ms = now.saturating_since(t).as_millis();
            self.stats.full_ms += blocked_ms;
            events.push(DomainEvent::ConveyorCleared {
                segment: self.id,
                blocked_ms,
            });
        }
    }
}

/// Where a tote is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Destination {
    /// A pack station: the tote queues on its spur.
    Station(StationId),
    /// A carrier's dock door: the parcel leaves the lane there.
    Dock(CarrierId),
}

/// A tote's trip over the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transit {
    /// The order it carries.
    pub order: OrderId,
    /// The segments it passes, in order.
    pub route: Vec<SegmentId>,
    /// Index in `route` of the segment it is on (none before the induct).
    pub at: Option<usize>,
    /// When it entered that segment.
    pub entered: SimTime,
    /// Where it is going.
    pub to: Destination,
    /// Whether it has reached its destination (and waits at a station).
    pub arrived: bool,
}

/// The conveyor network and every tote on it.
#[derive(Debug, Clone, PartialEq, bevy_ecs::resource::Resource)]
pub struct Conveyor {
    /// The segments, indexed by [`SegmentId`].
    pub segments: Vec<Segment>,
    inducts: Vec<SegmentId>,
    main: SegmentId,
    spurs: Vec<SegmentId>,
    takeaway: SegmentId,
    lanes: Vec<(LocationId, SegmentId)>,
    transits: BTreeMap<ToteId, Transit>,
    /// Totes waiting on a spur, by the order they carry.
    at_station: BTreeMap<OrderId, ToteId>,
}

impl Conveyor {
    /// The network for `zones` pick zones (named), `stations` pack stations
    /// and the dock doors `docks` (id and code).
    #[must_use]
    pub fn new(
        spec: &ConveyorSpec,
        zones: &[String],
        stations: u32,
        docks: &[(LocationId, String)],
    ) -> Self {
        let mut segments = Vec::new();
        let mut add = |code: String, kind, spec| {
            let id = segments.len();
            segments.push(Segment::new(id, code, kind, spec));
            SegmentId(id as u32)
        };
        let inducts = zones
            .iter()
            .enumerate()
            .map(|(z, name)| {
                add(
                    format!("induct-{name}"),
                    SegmentKind::Induct { zone: z as u16 },
                    spec.induct,
                )
            })
            .collect();
        let main = add("main".into(), SegmentKind::Main, spec.main);
        let spurs = (0..stations)
            .map(|s| {
                let station = StationId(s);
                add(
                    format!("spur-{station}"),
                    SegmentKind::Spur { station },
                    spec.spur,
                )
            })
            .collect();
        let takeaway = add("takeaway".into(), SegmentKind::Takeaway, spec.takeaway);
        let lanes = docks
            .iter()
            .map(|(dock, code)| {
                let id = add(
                    format!("lane-{code}"),
                    SegmentKind::Lane { dock: *dock },
                    spec.lane,
                );
                (*dock, id)
            })
            .collect();
        Conveyor {
            segments,
            inducts,
            main,
            spurs,
            takeaway,
            lanes,
            transits: BTreeMap::new(),
            at_station: BTreeMap::new(),
        }
    }

    /// The segment with `code`.
    #[must_use]
    pub fn by_code(&self, code: &str) -> Option<SegmentId> {
        self.segments.iter().find(|s| s.code == code).map(|s| s.id)
    }

    /// A segment.
    ///
    /// # Errors
    /// If there is no such segment.
    pub fn segment(&self, id: SegmentId) -> Result<&Segment, CommandError> {
        self.segments
            .get(id.index())
            .ok_or(CommandError::UnknownSegment(id))
    }

    /// The segments whose totes go on to `id`: the inducts feed the main
    /// line, which feeds the spurs; the takeaway feeds the lanes.
    #[must_use]
    pub fn feeders(&self, id: SegmentId) -> Vec<SegmentId> {
        match self.segments[id.index()].kind {
            SegmentKind::Main => self.inducts.clone(),
            SegmentKind::Spur { .. } => vec![self.main],
            SegmentKind::Lane { .. } => vec![self.takeaway],
            SegmentKind::Induct { .. } | SegmentKind::Takeaway => Vec::new(),
        }
    }

    /// The induct of pick zone `zone`.
    #[must_use]
    pub fn induct(&self, zone: u16) -> SegmentId {
        self.inducts[usize::from(zone).min(self.inducts.len() - 1)]
    }

    /// The takeaway from packing.
    #[must_use]
    pub fn takeaway(&self) -> SegmentId {
        self.takeaway
    }

    /// A tote's trip, if it is on its way or waiting at a station.
    #[must_use]
    pub fn transit(&self, tote: ToteId) -> Option<&Transit> {
        self.transits.get(&tote)
    }

    /// Totes on their way or waiting at a station.
    #[must_use]
    pub fn totes(&self) -> usize {
        self.transits.len()
    }

    /// Routes a tote from zone `zone` to `station`: induct, main line, and
    /// the divert to the station's spur.
    pub(crate) fn route_to_station(
        &mut self,
        now: SimTime,
        tote: ToteId,
        order: OrderId,
        zone: u16,
        station: StationId,
    ) {
        let route = vec![self.induct(zone), self.main, self.spurs[station.index()]];
        self.plan(now, tote, order, route, Destination::Station(station));
    }

    /// Routes a parcel from packing to its carrier's dock door: takeaway,
    /// and the sorter's divert to the dock's lane.
    pub(crate) fn route_to_dock(
        &mut self,
        now: SimTime,
        tote: ToteId,
        order: OrderId,
        carrier: CarrierId,
        dock: LocationId,
    ) {
        let lane = self
            .lanes
            .iter()
            .find(|(d, _)| *d == dock)
            .map_or(self.lanes[0].1, |l| l.1);
        let route = vec![self.takeaway, lane];
        self.plan(now, tote, order, route, Destination::Dock(carrier));
    }

    fn plan(
        &mut self,
        now: SimTime,
        tote: ToteId,
        order: OrderId,
        route: Vec<SegmentId>,
        to: Destination,
    ) {
        self.transits.insert(
            tote,
            Transit {
                order,
                route,
                at: None,
                entered: now,
                to,
                arrived: false,
            },
        );
    }

    /// The spur of `station`.
    #[must_use]
    pub fn spur(&self, station: StationId) -> SegmentId {
        self.spurs[station.index()]
    }

    /// Sends a tote not yet on its spur to `station` instead.
    pub(crate) fn divert(&mut self, tote: ToteId, station: StationId) {
        let spur = self.spurs[station.index()];
        if let Some(t) = self.transits.get_mut(&tote)
            && let Some(last) = t.route.last_mut()
        {
            *last = spur;
            t.to = Destination::Station(station);
        }
    }

    /// A scanner saw `tote` enter `segment`: it leaves the segment it was
    /// on. Returns the events of segments that filled or cleared.
    ///
    /// # Errors
    /// If the tote is not routed, `segment` is not the next one of its
    /// route, or the segment is stopped or full; nothing changes then.
    pub(crate) fn enter(
        &mut self,
        now: SimTime,
        tote: ToteId,
        segment: SegmentId,
    ) -> Result<Vec<DomainEvent>, CommandError> {
        let s = self.segment(segment)?;
        let t = self
            .transits
            .get(&tote)
            .ok_or(CommandError::ToteNotRouted(tote))?;
        let next = t.at.map_or(0, |i| i + 1);
        let expected = t.route.get(next).copied();
        if t.arrived || expected != Some(segment) {
            return Err(CommandError::OffRoute {
                tote,
                segment,
                expected,
            });
        }
        if !s.running {
            return Err(CommandError::SegmentStopped(segment));
        }
        if s.is_full() {
            return Err(CommandError::SegmentFull(segment));
        }
        let mut events = Vec::new();
        let t = self.transits.get_mut(&tote).expect("checked");
        if let Some(i) = t.at {
            self.segments[t.route[i].index()].remove(now, tote, t.entered, &mut events);
        }
        t.at = Some(next);
        t.entered = now;
        let order = t.order;
        self.segments[segment.index()].push(now, tote, &mut events);
        events.insert(
            0,
            DomainEvent::ToteConveyed {
                tote,
                order,
                segment,
            },
        );
        Ok(events)
    }

    /// `tote` reached the end of its last segment. A tote for a station
    /// stays on the spur, in the station's queue, until the packer takes
    /// it ([`Conveyor::take`]); a parcel leaves the lane at the dock.
    ///
    /// # Errors
    /// If the tote is not on the last segment of its route.
    pub(crate) fn discharge(
        &mut self,
        now: SimTime,
        tote: ToteId,
    ) -> Result<(Transit, Vec<DomainEvent>), CommandError> {
        let t = self
            .transits
            .get(&tote)
            .ok_or(CommandError::ToteNotRouted(tote))?;
        if t.arrived || t.at != Some(t.route.len() - 1) {
            return Err(CommandError::NotAtDestination(tote));
        }
        let mut events = Vec::new();
        let done = match t.to {
            Destination::Station(_) => {
                let t = self.transits.get_mut(&tote).expect("checked");
                t.arrived = true;
                self.at_station.insert(t.order, tote);
                t.clone()
            }
            Destination::Dock(_) => {
                let t = self.transits.remove(&tote).expect("checked");
                let last = *t.route.last().expect("routes are not empty");
                self.segments[last.index()].remove(now, tote, t.entered, &mut events);
                t
            }
        };
        Ok((done, events))
    }

    /// The packer takes `order`'s tote off its station's spur (if it came
    /// by conveyor).
    pub(crate) fn take(&mut self, now: SimTime, order: OrderId) -> Vec<DomainEvent> {
        let mut events = Vec::new();
        if let Some(tote) = self.at_station.remove(&order)
            && let Some(t) = self.transits.remove(&tote)
            && let Some(i) = t.at
        {
            self.segments[t.route[i].index()].remove(now, tote, t.entered, &mut events);
        }
        events
    }

    /// The controller reports a segment stopped (a jam, an e-stop) or
    /// running again. Returns the event, or none if nothing changed.
    ///
    /// # Errors
    /// If there is no such segment.
    pub(crate) fn set_running(
        &mut self,
        now: SimTime,
        segment: SegmentId,
        running: bool,
        reason: String,
    ) -> Result<Option<DomainEvent>, CommandError> {
        self.segment(segment)?;
        let s = &mut self.segments[segment.index()];
        if s.running == running {
            return Ok(None);
        }
        s.running = running;
        Ok(Some(if running {
            let stopped_ms = s
                .stopped_since
                .take()
                .map_or(0, |t| now.saturating_since(t).as_millis());
            s.stats.stopped_ms += stopped_ms;
            DomainEvent::ConveyorRestarted {
                segment,
                stopped_ms,
            }
        } else {
            s.stopped_since = Some(now);
            s.stats.stops += 1;
            DomainEvent::ConveyorStopped { segment, reason }
        }))
    }
}

#[cfg(test)]
mod tests {
    use paklog_sim::SimDuration;

    use super::*;

    fn spec(length_m: f64, capacity: u32) -> SegmentSpec {
        SegmentSpec {
            length_m,
            speed_mps: 0.5,
            capacity,
        }
    }

    fn network() -> Conveyor {
        let s = ConveyorSpec {
            induct: spec(5.0, 2),
            main: spec(20.0, 10),
            spur: spec(2.0, 2),
            takeaway: spec(10.0, 5),
            lane: spec(4.0, 2),
        };
        Conveyor::new(&s, &["Z1".into()], 2, &[(LocationId(90), "D-1".into())])
    }

    #[test]
    fn transit_and_headway_follow_from_length_speed_and_capacity() {
        let s = spec(20.0, 10);
        assert_eq!(s.transit(), SimDuration::from_secs(40));
        assert_eq!(s.headway(), SimDuration::from_secs(4));
    }

    #[test]
    fn a_tote_follows_its_route_and_a_full_segment_refuses_the_next() {
        let mut c = network();
        let t0 = SimTime::ZERO;
        let (induct, main) = (c.induct(0), c.main);
        for tote in 0..3 {
            c.route_to_station(t0, ToteId(tote), OrderId(tote), 0, StationId(1));
        }
        // Skipping the induct is off the route.
        assert_eq!(
            c.enter(t0, ToteId(0), main),
            Err(CommandError::OffRoute {
                tote: ToteId(0),
                segment: main,
                expected: Some(induct)
            })
        );
        c.enter(t0, ToteId(0), induct).unwrap();
        let events = c.enter(t0, ToteId(1), induct).unwrap();
        assert!(events.contains(&DomainEvent::ConveyorBlocked { segment: induct }));
        assert_eq!(
            c.enter(t0, ToteId(2), induct),
            Err(CommandError::SegmentFull(induct))
        );
        let ten = t0 + SimDuration::from_secs(10);
        let events = c.enter(ten, ToteId(0), main).unwrap();
        assert!(events.contains(&DomainEvent::ConveyorCleared {
            segment: induct,
            blocked_ms: 10_000
        }));
        let s = c.segments[induct.index()].stats(ten);
        assert_eq!(
            (s.entered, s.left, s.transit_ms, s.full_ms),
            (2, 1, 10_000, 10_000)
        );
        // Two totes for 10 s: 20 tote·s.
        assert_eq!(s.tote_ms, 20_000);
    }

    #[test]
    fn a_station_tote_waits_on_its_spur_until_the_packer_takes_it() {
        let mut c = network();
        let t0 = SimTime::ZERO;
        c.route_to_station(t0, ToteId(7), OrderId(7), 0, StationId(0));
        let spur = c.spurs[0];
        for s in [c.induct(0), c.main, spur] {
            c.enter(t0, ToteId(7), s).unwrap();
        }
        let (trip, _) = c.discharge(t0, ToteId(7)).unwrap();
        assert_eq!(trip.to, Destination::Station(StationId(0)));
        assert_eq!(c.segments[spur.index()].totes.len(), 1);
        assert_eq!(
            c.discharge(t0, ToteId(7)).map(|_| ()),
            Err(CommandError::NotAtDestination(ToteId(7)))
        );
        c.take(t0 + SimDuration::from_secs(1), OrderId(7));
        assert!(c.segments[spur.index()].totes.is_empty());
        assert_eq!(c.totes(), 0);
    }

    #[test]
    fn a_stopped_segment_counts_its_stopped_time_and_refuses_totes() {
        let mut c = network();
        let main = c.main;
        let t0 = SimTime::ZERO;
        let stop = c.set_running(t0, main, false, "jam".into()).unwrap();
        assert_eq!(
            stop,
            Some(DomainEvent::ConveyorStopped {
                segment: main,
                reason: "jam".into()
            })
        );
        assert_eq!(c.set_running(t0, main, false, "again".into()), Ok(None));
        c.route_to_station(t0, ToteId(1), OrderId(1), 0, StationId(0));
        c.enter(t0, ToteId(1), c.induct(0)).unwrap();
        assert_eq!(
            c.enter(t0, ToteId(1), main),
            Err(CommandError::SegmentStopped(main))
        );
        let later = t0 + SimDuration::from_mins(10);
        assert_eq!(
            c.set_running(later, main, true, String::new()),
            Ok(Some(DomainEvent::ConveyorRestarted {
                segment: main,
                stopped_ms: 600_000
            }))
        );
        let s = c.segments[main.index()].stats(later);
        assert_eq!((s.stops, s.stopped_ms), (1, 600_000));
    }
}
