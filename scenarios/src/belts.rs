//! The virtual conveyor: the physics behind the domain's conveyor network.
//!
//! Each belt carries its totes first in, first out. A tote that enters at
//! `t` reaches the far end at `t + length / speed`, and no sooner than one
//! headway (`length / (capacity × speed)`) after the tote ahead of it left:
//! totes accumulate nose to tail. A tote at the end moves on when the next
//! belt of its route runs, has room, and took its last tote at least one
//! headway ago; otherwise it waits, and so does everything behind it. A
//! stopped belt freezes: on restart every tote still travelling has the
//! same distance left to go.
//!
//! Pickers put their totes on an induct and packers their parcels on the
//! takeaway through a feed: they wait while the feed holds totes or the
//! belt is full or stopped. Like a real conveyor controller, the belts
//! report to the domain only what scanners see: [`Command::ConveyTote`]
//! when a tote enters a belt, [`Command::DischargeTote`] at its
//! destination, and [`Command::SetConveyor`] on stops and restarts.

use std::collections::{BTreeMap, VecDeque};

use paklog_domain::material_handling::{Destination, SegmentKind};
use paklog_domain::{AssociateId, Command, OrderId, SegmentId, StationId, ToteId, Warehouse};
use paklog_sim::{Agenda, SimDuration, SimTime};

use crate::event::SimEvent;

/// Someone waiting to put a tote on a belt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiter {
    /// A picker with a full cart at the induct.
    Associate(AssociateId),
    /// A packer with a closed parcel.
    Station(StationId),
}

#[derive(Debug, Clone, Copy)]
struct OnBelt {
    tote: ToteId,
    /// When it reaches the end, if nothing holds it up.
    ready: SimTime,
    /// At its station, waiting for the packer.
    discharged: bool,
}

#[derive(Debug, Clone)]
struct Belt {
    transit: SimDuration,
    headway: SimDuration,
    capacity: usize,
    /// Its end is the divert to the pack stations' spurs.
    divert: bool,
    feeders: Vec<SegmentId>,
    on: VecDeque<OnBelt>,
    last_in: Option<SimTime>,
    last_out: Option<SimTime>,
    /// Stops in force, and since when the belt stands.
    stops: u32,
    stopped_since: Option<SimTime>,
    /// Totes handed over at the induct, waiting to get on.
    feed: VecDeque<ToteId>,
    waiting: VecDeque<Waiter>,
    /// The earliest check of this belt already scheduled.
    check_at: Option<SimTime>,
}

impl Belt {
    fn running(&self) -> bool {
        self.stops == 0
    }

    fn room(&self) -> bool {
        self.on.len() < self.capacity
    }

    /// When it can take its next tote, if it runs and has room.
    fn open_at(&self) -> Option<SimTime> {
        (self.running() && self.room())
            .then(|| self.last_in.map_or(SimTime::ZERO, |t| t + self.headway))
    }
}

/// Every belt of the site.
#[derive(Debug, Clone)]
pub struct Belts {
    belts: Vec<Belt>,
    /// Totes waiting at stations, by the order they carry.
    at_station: BTreeMap<OrderId, (SegmentId, ToteId)>,
    /// Stations a tote has just reached, for their packers to look at.
    arrived: Vec<StationId>,
    /// Commands the domain refused (a bug if not zero).
    pub refused: u64,
}

impl Belts {
    /// The belts of the domain's conveyor network, if the site has one.
    #[must_use]
    pub fn new(wh: &Warehouse) -> Option<Self> {
        let conveyor = wh.conveyor()?;
        let belts = conveyor
            .segments
            .iter()
            .map(|s| Belt {
                transit: s.spec.transit(),
                headway: s.spec.headway(),
                capacity: s.spec.capacity as usize,
                divert: s.kind == SegmentKind::Main,
                feeders: conveyor.feeders(s.id),
                on: VecDeque::new(),
                last_in: None,
                last_out: None,
                stops: 0,
                stopped_since: None,
                feed: VecDeque::new(),
                waiting: VecDeque::new(),
                check_at: None,
            })
            .collect();
        Some(Belts {
            belts,
            at_station: BTreeMap::new(),
            arrived: Vec::new(),
            refused: 0,
        })
    }

    fn send(&mut self, wh: &mut Warehouse, now: SimTime, command: Command) -> bool {
        match wh.execute(now, command) {
            Ok(_) => true,
            Err(e) => {
                debug_assert!(false, "the virtual conveyor sent a refused command: {e}");
                self.refused += 1;
                false
            }
        }
    }

    fn want(&mut self, sched: &mut Agenda<SimEvent>, s: SegmentId, at: SimTime) {
        let at = at.max(sched.now());
        let b = &mut self.belts[s.index()];
        if b.check_at.is_none_or(|c| c > at) {
            b.check_at = Some(at);
            sched.schedule_at(at, SimEvent::Conveyor(s));
        }
    }

    /// Whether someone arriving at belt `s` with totes may put them on now.
    #[must_use]
    pub fn can_feed(&self, s: SegmentId) -> bool {
        let b = &self.belts[s.index()];
        b.feed.is_empty() && b.running() && b.room()
    }

    /// `who` waits at belt `s` until it can take their totes.
    pub fn wait(&mut self, s: SegmentId, who: Waiter) {
        self.belts[s.index()].waiting.push_back(who);
    }

    /// The domain inducted `tote` at belt `s`: it joins the feed.
    pub fn inducted(&mut self, sched: &mut Agenda<SimEvent>, s: SegmentId, tote: ToteId) {
        self.belts[s.index()].feed.push_back(tote);
        self.want(sched, s, sched.now());
    }

    /// A packer took `order`'s tote off its spur.
    pub fn taken(&mut self, sched: &mut Agenda<SimEvent>, order: OrderId) {
        if let Some((s, tote)) = self.at_station.remove(&order) {
            let b = &mut self.belts[s.index()];
            if let Some(i) = b.on.iter().position(|t| t.tote == tote) {
                b.on.remove(i);
            }
            self.freed(sched, s);
        }
    }

    /// Belt `s` has room again: what feeds it may move.
    fn freed(&mut self, sched: &mut Agenda<SimEvent>, s: SegmentId) {
        let now = sched.now();
        self.want(sched, s, now);
        for k in 0..self.belts[s.index()].feeders.len() {
            let f = self.belts[s.index()].feeders[k];
            self.want(sched, f, now);
        }
    }

    /// A stop of belt `s` begins (`running` false) or ends.
    pub fn set_running(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
        s: SegmentId,
        running: bool,
        reason: &str,
    ) {
        let now = sched.now();
        let b = &mut self.belts[s.index()];
        if !running {
            b.stops += 1;
            if b.stops == 1 {
                b.stopped_since = Some(now);
                let command = Command::SetConveyor {
                    segment: s,
                    running: false,
                    reason: reason.to_owned(),
                };
                self.send(wh, now, command);
            }
            return;
        }
        if b.stops == 0 {
            return;
        }
        b.stops -= 1;
        if b.stops > 0 {
            return;
        }
        // Every tote still travelling has the same distance left to go.
        let since = b.stopped_since.take().unwrap_or(now);
        for t in b.on.iter_mut().filter(|t| !t.discharged) {
            t.ready = now + t.ready.saturating_since(since);
        }
        let command = Command::SetConveyor {
            segment: s,
            running: true,
            reason: String::new(),
        };
        self.send(wh, now, command);
        self.freed(sched, s);
    }

    /// Moves what can move on belt `s` now. If it can take totes from
    /// the first one waiting at its induct, they try again now, and the
    /// belt is checked once more after them (for the next one, should they
    /// bring nothing).
    pub fn check(&mut self, wh: &mut Warehouse, sched: &mut Agenda<SimEvent>, s: SegmentId) {
        let now = sched.now();
        if self.belts[s.index()].check_at == Some(now) {
            self.belts[s.index()].check_at = None;
        }
        self.move_heads(wh, sched, s);
        self.feed(wh, sched, s);
        let b = &mut self.belts[s.index()];
        if !(b.feed.is_empty() && b.running() && b.room()) {
            return;
        }
        if let Some(w) = b.waiting.pop_front() {
            sched.schedule_at(
                now,
                match w {
                    Waiter::Associate(a) => SimEvent::Associate(a),
                    Waiter::Station(st) => SimEvent::PackDone(st),
                },
            );
            self.want(sched, s, now);
        }
    }

    /// Totes at the end of belt `s` move on or are discharged.
    fn move_heads(&mut self, wh: &mut Warehouse, sched: &mut Agenda<SimEvent>, s: SegmentId) {
        let now = sched.now();
        loop {
            let b = &self.belts[s.index()];
            if !b.running() {
                return;
            }
            let Some(i) = b.on.iter().position(|t| !t.discharged) else {
                return;
            };
            let head = b.on[i];
            let ready = b
                .last_out
                .map_or(head.ready, |t| head.ready.max(t + b.headway));
            if ready > now {
                self.want(sched, s, ready);
                return;
            }
            if b.divert {
                // The scanner before the diverts asks where the tote goes.
                self.send(wh, now, Command::DivertTote { tote: head.tote });
            }
            let Some(trip) = wh.conveyor().and_then(|c| c.transit(head.tote)) else {
                // Not the domain's (a refused scan): it leaves the belt.
                self.belts[s.index()].on.remove(i);
                continue;
            };
            let next = trip.at.and_then(|at| trip.route.get(at + 1)).copied();
            let (order, to) = (trip.order, trip.to);
            match next {
                None => {
                    self.send(wh, now, Command::DischargeTote { tote: head.tote });
                    let b = &mut self.belts[s.index()];
                    b.last_out = Some(now);
                    match to {
                        Destination::Station(station) => {
                            b.on[i].discharged = true;
                            self.at_station.insert(order, (s, head.tote));
                            self.arrived.push(station);
                        }
                        Destination::Dock(_) => {
                            b.on.remove(i);
                            self.freed(sched, s);
                        }
                    }
                }
                Some(n) => {
                    let Some(open) = self.belts[n.index()].open_at() else {
                        // Full or stopped: it wakes this belt when it frees.
                        return;
                    };
                    if open > now {
                        self.want(sched, s, open);
                        return;
                    }
                    let command = Command::ConveyTote {
                        tote: head.tote,
                        segment: n,
                    };
                    if !self.send(wh, now, command) {
                        return;
                    }
                    self.belts[s.index()].on.remove(i);
                    self.belts[s.index()].last_out = Some(now);
                    self.put_on(sched, n, head.tote);
                    self.freed(sched, s);
                }
            }
        }
    }

    fn put_on(&mut self, sched: &mut Agenda<SimEvent>, n: SegmentId, tote: ToteId) {
        let now = sched.now();
        let b = &mut self.belts[n.index()];
        let ready = now + b.transit;
        b.on.push_back(OnBelt {
            tote,
            ready,
            discharged: false,
        });
        b.last_in = Some(now);
        self.want(sched, n, ready);
    }

    /// Totes waiting at the induct of belt `s` get on, a headway apart.
    fn feed(&mut self, wh: &mut Warehouse, sched: &mut Agenda<SimEvent>, s: SegmentId) {
        let now = sched.now();
        loop {
            let b = &self.belts[s.index()];
            let Some(&tote) = b.feed.front() else {
                return;
            };
            let Some(open) = b.open_at() else {
                return;
            };
            if open > now {
                self.want(sched, s, open);
                return;
            }
            self.belts[s.index()].feed.pop_front();
            let command = Command::ConveyTote { tote, segment: s };
            if self.send(wh, now, command) {
                self.put_on(sched, s, tote);
            }
        }
    }

    /// Stations totes have reached since the last call.
    pub fn take_arrivals(&mut self) -> Vec<StationId> {
        std::mem::take(&mut self.arrived)
    }
}
