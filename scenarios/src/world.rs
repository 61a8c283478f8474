//! The virtual physical world around the WMS/WES: demand, associates who
//! walk and pick, pack stations as servers. It drives the domain only with
//! the commands a handheld, a scanner or an order feed would send, and
//! learns of new assignments from the event bus, as a handheld would from a
//! push.

use bevy_ecs::prelude::*;
use paklog_domain::commands::PackJob;
use paklog_domain::layout::{LocationKind, Point};
use paklog_domain::task::TaskKind;
use paklog_domain::{
    AssociateId, Command, DomainEvent, DomainTimer, LocationId, Reply, RtlsPing, SegmentId,
    StationId, TaskId, Warehouse,
};
use paklog_sim::{
    Progress, RngStreams, RunSummary, Scheduler, SimDuration, SimTime, Simulation, StreamRng,
    VirtualClock,
};
use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::belts::{Belts, Waiter};
use crate::build::{assortment, roster, site_config, workload_policy};
use crate::demand::{Generator, TracedOrder};
use crate::dist::Sampler;
use crate::load::LoadedScenario;
use crate::schema::Scenario;

const DAY: SimDuration = SimDuration::from_hours(24);

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
}

/// What a virtual associate is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Not at work.
    OffShift,
    /// Waiting for a task.
    Idle,
    /// On a break.
    OnBreak,
    /// Walking to a stop and picking it; done at the next event.
    Picking {
        /// The task.
        task: TaskId,
        /// The stop.
        line: u32,
    },
    /// Walking the full tote back to the pack area.
    Returning {
        /// The task.
        task: TaskId,
    },
}

/// A virtual associate.
#[derive(Debug, Clone)]
pub struct VirtualAssociate {
    /// Their id.
    pub id: AssociateId,
    /// Their shift (index in the scenario).
    pub shift: usize,
    /// Walking speed (m/s), drawn once.
    pub speed_mps: f64,
    /// What they are doing.
    pub activity: Activity,
    /// Where they are.
    pub position: Point,
    /// Metres walked.
    pub walked_m: f64,
    /// Time at work so far (ms).
    pub on_shift_ms: u64,
    /// Away (an absence) until then.
    away_until: Option<SimTime>,
    /// Times they have waited at a stop for its replenishment.
    waits: u32,
    /// Their tag's pings on the walk under way, sent on arrival.
    pings: Vec<RtlsPing>,
    rtls_rng: StreamRng,
    signed_on: bool,
    shift_end: SimTime,
    breaks: Vec<(SimTime, SimTime)>,
    shift_started: SimTime,
    rng: StreamRng,
    line_time: Sampler,
    unit_time: Sampler,
}

#[derive(Debug, Clone)]
struct VirtualStation {
    rng: StreamRng,
    job: Option<PackJob>,
}

/// A put-wall operator: sorts one bulk tote at a time, stop by stop.
#[derive(Debug, Clone)]
struct VirtualWall {
    rng: StreamRng,
    /// The bulk tote's task and the stop being put.
    job: Option<(TaskId, u32)>,
}

#[derive(Debug, Clone)]
enum Demand {
    Generator {
        generator: Box<Generator>,
        rng: StreamRng,
    },
    Trace(Vec<TracedOrder>),
}

/// The virtual world's state, an ECS resource beside the domain's
/// [`Warehouse`].
#[derive(Debug, Resource)]
pub struct VirtualWorld {
    scenario: Scenario,
    /// Every associate of the roster.
    pub associates: Vec<VirtualAssociate>,
    stations: Vec<VirtualStation>,
    walls: Vec<VirtualWall>,
    demand: Demand,
    pack_time: Sampler,
    put_time: Sampler,
    qc_time: Sampler,
    scale: Normal<f64>,
    horizon: SimTime,
    seen: usize,
    /// Commands the domain refused (a bug in the virtual world if not zero).
    pub refused: u64,
    /// Units physically on each location's shelf: the books' truth, which
    /// they differ from after an inventory discrepancy.
    pub shelf: Vec<u32>,
    /// Shelf losses the books were not told of: `(when, location, units)`.
    pub discrepancies: Vec<(SimTime, LocationId, u32)>,
    disruptions: StreamRng,
    /// Virtual RTLS: seconds between associates' pings and the noise per
    /// axis.
    rtls: Option<(f64, Normal<f64>)>,
    /// The conveyor's belts, if the site has one.
    pub belts: Option<Belts>,
    /// With RTLS: the tote (or parcel) of each order at a staging location
    /// or dock door, whose tag pings when it arrives and leaves.
    tagged: std::collections::BTreeMap<paklog_domain::OrderId, (paklog_domain::ToteId, LocationId)>,
    tote_rng: StreamRng,
}

/// How long a picker waits at an empty face for its replenishment before
/// confirming short, and how often they look.
const REPLENISH_WAIT: SimDuration = SimDuration::from_secs(30);
const MAX_WAITS: u32 = 20;

/// A simulation of a scenario, ready to run or already run.
pub struct ScenarioRun {
    /// The kernel with the world (the [`Warehouse`] and the
    /// [`VirtualWorld`] are resources in it).
    pub sim: Simulation<SimEvent>,
    /// Where the run stops.
    pub horizon: SimTime,
}

impl ScenarioRun {
    /// Builds the world of a loaded scenario, with its seed or `seed`.
    ///
    /// # Panics
    /// Only on a scenario that validation would have refused.
    #[must_use]
    pub fn new(loaded: &LoadedScenario, seed: Option<u64>) -> Self {
        let mut scenario = loaded.scenario.clone();
        if let Some(seed) = seed {
            scenario.seed = seed;
        }
        let s = &scenario;
        let streams = RngStreams::new(s.seed);
        let mut site = site_config(s, &streams);
        if let Some(trace) = &loaded.trace {
            site.workload = workload_policy(s, Some(trace));
        }
        let mut warehouse =
            Warehouse::new(site).expect("a validated scenario builds a consistent site");
        warehouse.start(SimTime::ZERO);
        let depot = warehouse.master.depot();
        let warehouse_walls = warehouse.pack.put_walls.len();
        let horizon = SimTime::ZERO + SimDuration::from_secs_f64(s.horizon_h * 3600.0);
        let associates = roster(s)
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let sh = &s.associates.shifts[r.shift];
                let mut rng = streams.indexed("associate", i as u64);
                let speed_mps = Sampler::new(&sh.walking_speed_mps).draw(&mut rng).max(0.05);
                VirtualAssociate {
                    id: AssociateId(i as u32),
                    shift: r.shift,
                    speed_mps,
                    activity: Activity::OffShift,
                    position: depot,
                    walked_m: 0.0,
                    on_shift_ms: 0,
                    away_until: None,
                    waits: 0,
                    pings: Vec::new(),
                    rtls_rng: streams.indexed("rtls", i as u64),
                    signed_on: false,
                    shift_end: SimTime::ZERO,
                    breaks: Vec::new(),
                    shift_started: SimTime::ZERO,
                    rng,
                    line_time: Sampler::new(&sh.pick_time_per_line_s),
                    unit_time: Sampler::new(&sh.pick_time_per_unit_s),
                }
            })
            .collect();
        let mut demand = match &loaded.trace {
            Some(trace) => Demand::Trace(trace.clone()),
            None => Demand::Generator {
                generator: Box::new(Generator::new(s, &assortment(s))),
                rng: streams.stream("demand"),
            },
        };
        let mut disruptions = streams.stream("disruptions");
        let mut occurrences: Vec<(SimTime, u32)> = Vec::new();
        for (i, d) in s.disruptions.iter().enumerate() {
            match d.when() {
                (Some(at), _) => occurrences.push((
                    SimTime::ZERO + SimDuration::from_mins(u64::from(at.minutes())),
                    i as u32,
                )),
                (None, Some(every)) => occurrences.extend(
                    recurring(every, &mut disruptions, horizon)
                        .into_iter()
                        .map(|t| (t, i as u32)),
                ),
                (None, None) => {}
            }
        }
        occurrences.sort_unstable();
        let receipts = s.inbound.as_ref().map_or_else(Vec::new, |inbound| {
            recurring(&inbound.every_h, &mut streams.stream("inbound"), horizon)
        });
        if let Demand::Generator { generator, .. } = &mut demand {
            for &(t, i) in &occurrences {
                if let crate::schema::Disruption::DemandSurge {
                    minutes, factor, ..
                } = &s.disruptions[i as usize]
                {
                    generator.add_surge(t, t + SimDuration::from_secs_f64(minutes * 60.0), *factor);
                }
            }
        }
        let first_order = match &mut demand {
            Demand::Trace(trace) => trace.first().map(|o| (o.at, SimEvent::TraceOrder(0))),
            Demand::Generator { generator, rng } => generator
                .next_arrival(SimTime::ZERO, rng)
                .map(|t| (t, SimEvent::OrderArrives)),
        };
        let shelf = (0..warehouse.master.locations.len())
            .map(|l| warehouse.inventory.location(LocationId(l as u32)).on_hand)
            .collect();
        let world_state = VirtualWorld {
            associates,
            stations: (0..s.packing.stations)
                .map(|i| VirtualStation {
                    rng: streams.indexed("pack-station", u64::from(i)),
                    job: None,
                })
                .collect(),
            walls: (0..warehouse_walls)
                .map(|i| VirtualWall {
                    rng: streams.indexed("put-wall", i as u64),
                    job: None,
                })
                .collect(),
            demand,
            pack_time: Sampler::new(&s.packing.pack_time_s),
            put_time: Sampler::new(&s.strategy.picking.put_time()),
            qc_time: Sampler::new(&s.packing.qc_time_s),
            scale: Normal::new(1.0, 0.01).expect("valid"),
            horizon,
            seen: 0,
            refused: 0,
            shelf,
            discrepancies: Vec::new(),
            disruptions,
            rtls: s.rtls.map(|r| {
                (
                    r.ping_interval_s,
                    Normal::new(0.0, r.noise_m).expect("validated noise"),
                )
            }),
            belts: Belts::new(&warehouse),
            tagged: std::collections::BTreeMap::new(),
            tote_rng: streams.stream("rtls-totes"),
            scenario: scenario.clone(),
        };
        let timers: Vec<_> = warehouse.take_timers().collect();
        let mut world = World::new();
        world.insert_resource(warehouse);
        let mut sim = Simulation::new(world);
        for (t, i) in occurrences {
            sim.schedule_at(t, SimEvent::Disruption(i));
        }
        for t in receipts {
            sim.schedule_at(t, SimEvent::Receipt);
        }
        for (t, timer) in timers {
            sim.schedule_at(t, SimEvent::Domain(timer));
        }
        // Shifts and breaks of every day of the horizon.
        let days = (horizon.as_millis() / DAY.as_millis()) + 1;
        for day in 0..days {
            let midnight = SimTime::ZERO + SimDuration::from_hours(24 * day);
            for (i, sh) in s.associates.shifts.iter().enumerate() {
                let start = midnight + SimDuration::from_mins(u64::from(sh.start.minutes()));
                if start >= horizon {
                    continue;
                }
                let length = sh.length_min();
                sim.schedule_at(start, SimEvent::ShiftStart(i as u32));
                sim.schedule_at(
                    start + SimDuration::from_mins(u64::from(length)),
                    SimEvent::ShiftEnd(i as u32),
                );
                for (b, brk) in sh.breaks.iter().enumerate() {
                    let offset = sh.offset_min(brk.start);
                    if offset < length {
                        sim.schedule_at(
                            start + SimDuration::from_mins(u64::from(offset)),
                            SimEvent::BreakStart {
                                shift: i as u32,
                                brk: b as u32,
                            },
                        );
                    }
                }
            }
        }
        if let Some((t, event)) = first_order.filter(|(t, _)| *t <= horizon) {
            sim.schedule_at(t, event);
        }
        sim.world_mut().insert_resource(world_state);
        ScenarioRun { sim, horizon }
    }

    /// Runs to the horizon, reporting progress.
    pub fn run(&mut self, progress: impl FnMut(Progress)) -> RunSummary {
        self.sim
            .run_with_progress(&mut VirtualClock, Some(self.horizon), handle, progress)
    }

    /// The domain's state.
    #[must_use]
    pub fn warehouse(&self) -> &Warehouse {
        self.sim.world().resource::<Warehouse>()
    }

    /// The virtual world's state.
    #[must_use]
    pub fn virtual_world(&self) -> &VirtualWorld {
        self.sim.world().resource::<VirtualWorld>()
    }
}

/// Times from 0 to `horizon` with gaps of `gap` hours drawn from `rng` (at
/// least a minute apart).
fn recurring(gap: &crate::schema::Dist, rng: &mut StreamRng, horizon: SimTime) -> Vec<SimTime> {
    let gap = Sampler::new(gap);
    let mut times = Vec::new();
    let mut t = SimTime::ZERO;
    loop {
        let h = gap.draw(rng).max(1.0 / 60.0);
        t += SimDuration::from_secs_f64(h * 3600.0);
        if t > horizon {
            return times;
        }
        times.push(t);
    }
}

/// The handler of every simulated event.
pub fn handle(world: &mut World, sched: &mut Scheduler<'_, SimEvent>, event: SimEvent) {
    world.resource_scope(|world, mut wh: Mut<Warehouse>| {
        world.resource_scope(|_, mut vw: Mut<VirtualWorld>| {
            let wh = &mut *wh;
            let vw = &mut *vw;
            let now = sched.now();
            match event {
                SimEvent::Domain(timer) => wh.on_timer(now, timer),
                SimEvent::OrderArrives => {
                    if let Demand::Generator { generator, rng } = &mut vw.demand {
                        let order = generator.order(rng);
                        if let Some(next) = generator.next_arrival(now, rng)
                            && next <= vw.horizon
                        {
                            sched.schedule_at(next, SimEvent::OrderArrives);
                        }
                        vw.send(wh, now, Command::ReceiveOrder(order));
                    }
                }
                SimEvent::TraceOrder(i) => {
                    if let Demand::Trace(trace) = &vw.demand {
                        let order = trace[i as usize].order.clone();
                        if let Some(next) = trace.get(i as usize + 1) {
                            sched.schedule_at(next.at, SimEvent::TraceOrder(i + 1));
                        }
                        vw.send(wh, now, Command::ReceiveOrder(order));
                    }
                }
                SimEvent::ShiftStart(shift) => vw.shift_start(wh, sched, shift as usize),
                SimEvent::BreakStart { shift, brk } => {
                    vw.break_start(wh, sched, shift as usize, brk as usize)
                }
                SimEvent::ShiftEnd(shift) => vw.shift_end(wh, now, shift as usize),
                SimEvent::Associate(a) => vw.step(wh, sched, a),
                SimEvent::PackDone(station) => vw.pack_done(wh, sched, station),
                SimEvent::PutDone(wall) => vw.put_done(wh, sched, wall),
                SimEvent::Disruption(i) => vw.disrupt(wh, sched, i as usize),
                SimEvent::Unblock(location) => {
                    vw.send(wh, now, Command::UnblockLocation { location });
                }
                SimEvent::Receipt => vw.receive(wh, now),
                SimEvent::Conveyor(s) => {
                    let arrived = vw.belts.as_mut().map_or_else(Vec::new, |b| {
                        b.check(wh, sched, s);
                        b.take_arrivals()
                    });
                    for station in arrived {
                        vw.kick_station(wh, sched, station);
                    }
                }
                SimEvent::ConveyorRestart(s) => {
                    if let Some(b) = &mut vw.belts {
                        b.set_running(wh, sched, s, true, "");
                    }
                }
            }
            if let Some(b) = &mut vw.belts {
                vw.refused += std::mem::take(&mut b.refused);
            }
            for (t, timer) in wh.take_timers() {
                sched.schedule_at(t, SimEvent::Domain(timer));
            }
            vw.observe(wh, sched);
        });
    });
}

impl VirtualWorld {
    /// Sends a command as a device would; a refusal is counted (and is a
    /// bug of the virtual world, which only sends what a correct device
    /// sends).
    fn send(&mut self, wh: &mut Warehouse, now: SimTime, command: Command) -> Option<Reply> {
        match wh.execute(now, command) {
            Ok(reply) => Some(reply),
            Err(e) => {
                debug_assert!(false, "the virtual world sent a refused command: {e}");
                self.refused += 1;
                None
            }
        }
    }

    /// Reacts to new events as devices would: an idle associate's handheld
    /// shows the task just assigned to them.
    fn observe(&mut self, wh: &mut Warehouse, sched: &mut Scheduler<'_, SimEvent>) {
        while self.seen < wh.bus.len() {
            let from = self.seen;
            self.seen = wh.bus.len();
            let mut assigned: Vec<(TaskId, AssociateId)> = Vec::new();
            let mut overtime = None;
            let mut moved = Vec::new();
            let mut tote_pings = Vec::new();
            for r in wh.bus.since(from) {
                match r.event {
                    DomainEvent::TaskAssigned {
                        task, associate, ..
                    } => assigned.push((task, associate)),
                    DomainEvent::CapacityAdjusted {
                        shift_end, until, ..
                    } => overtime = Some((shift_end, until)),
                    // A picker moved to another zone looks for work there.
                    DomainEvent::WorkloadRebalanced { ref moves, .. } => {
                        moved.extend(moves.iter().map(|m| m.associate));
                    }
                    DomainEvent::LicensePlateMoved { tote, order, to } if self.rtls.is_some() => {
                        self.tagged.insert(order, (tote, to));
                        tote_pings.push((tote, to, 0.0));
                    }
                    // The tote leaves its staging lane for the bench, the
                    // parcel its dock door for the truck.
                    DomainEvent::PackingStarted { order, .. }
                    | DomainEvent::OrderShipped { order, .. } => {
                        if let Some((tote, at)) = self.tagged.remove(&order) {
                            tote_pings.push((tote, at, -1.5));
                        }
                    }
                    // The conveyor controller puts the tote on the feed.
                    DomainEvent::ToteInducted { tote, segment, .. } => {
                        if let Some(b) = &mut self.belts {
                            b.inducted(sched, segment, tote);
                        }
                    }
                    _ => {}
                }
            }
            if self.rtls.is_some() {
                for (tote, at, dy) in tote_pings {
                    self.tote_ping(wh, sched.now(), tote, at, dy);
                }
            }
            if let Some((shift_end, until)) = overtime {
                self.stay_on(sched, shift_end, until);
            }
            for a in moved {
                if self.associates[a.index()].activity == Activity::Idle {
                    self.request_work(wh, sched, a);
                }
            }
            for (task, a) in assigned {
                if self.associates[a.index()].activity == Activity::Idle {
                    self.begin_task(wh, sched, a, task);
                }
            }
        }
    }

    fn shift_start(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        shift: usize,
    ) {
        let now = sched.now();
        let sh = &self.scenario.associates.shifts[shift];
        let length = SimDuration::from_mins(u64::from(sh.length_min()));
        let breaks: Vec<(SimTime, SimTime)> = sh
            .breaks
            .iter()
            .map(|b| {
                let offset = sh.offset_min(b.start);
                let start = now + SimDuration::from_mins(u64::from(offset));
                (start, start + SimDuration::from_mins(u64::from(b.minutes)))
            })
            .collect();
        for i in 0..self.associates.len() {
            if self.associates[i].shift != shift {
                continue;
            }
            let a = &mut self.associates[i];
            a.shift_end = now + length;
            a.shift_started = now;
            a.breaks.clone_from(&breaks);
            if a.activity == Activity::OffShift {
                let id = a.id;
                self.sign_on(wh, now, id);
                self.request_work(wh, sched, id);
            }
        }
    }

    fn sign_on(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        if !self.associates[a.index()].signed_on {
            self.associates[a.index()].signed_on = true;
            self.send(wh, now, Command::SignOn { associate: a });
        }
    }

    fn sign_off(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        if self.associates[a.index()].signed_on {
            self.associates[a.index()].signed_on = false;
            self.send(wh, now, Command::SignOff { associate: a });
        }
    }

    fn break_start(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        shift: usize,
        brk: usize,
    ) {
        let now = sched.now();
        let minutes = self.scenario.associates.shifts[shift].breaks[brk].minutes;
        for i in 0..self.associates.len() {
            let a = &self.associates[i];
            if a.shift == shift && a.activity == Activity::Idle {
                let id = a.id;
                self.sign_off(wh, now, id);
                self.associates[i].activity = Activity::OnBreak;
                sched.schedule_in(
                    SimDuration::from_mins(u64::from(minutes)),
                    SimEvent::Associate(id),
                );
            }
        }
    }

    /// The workload planner adjusted capacity: everyone at work whose shift
    /// ends at `shift_end` (or in overtime already granted past it) stays on
    /// until `until`.
    fn stay_on(&mut self, sched: &mut Scheduler<'_, SimEvent>, shift_end: SimTime, until: SimTime) {
        let now = sched.now();
        let mut shifts = Vec::new();
        for a in &mut self.associates {
            if a.activity != Activity::OffShift
                && a.shift_end > now
                && (shift_end..until).contains(&a.shift_end)
            {
                a.shift_end = until;
                if !shifts.contains(&a.shift) {
                    shifts.push(a.shift);
                }
            }
        }
        for shift in shifts {
            sched.schedule_at(until, SimEvent::ShiftEnd(shift as u32));
        }
    }

    fn shift_end(&mut self, wh: &mut Warehouse, now: SimTime, shift: usize) {
        for i in 0..self.associates.len() {
            let a = &self.associates[i];
            if a.shift == shift
                && now >= a.shift_end
                && matches!(a.activity, Activity::Idle | Activity::OnBreak)
            {
                let id = a.id;
                self.go_home(wh, now, id);
            }
        }
    }

    fn go_home(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        self.sign_off(wh, now, a);
        let va = &mut self.associates[a.index()];
        va.activity = Activity::OffShift;
        va.on_shift_ms += now
            .min(va.shift_end)
            .saturating_since(va.shift_started)
            .as_millis();
    }

    /// An associate between tasks: home, break, or the next task.
    fn request_work(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        a: AssociateId,
    ) {
        let now = sched.now();
        let va = &self.associates[a.index()];
        if now >= va.shift_end {
            self.go_home(wh, now, a);
            return;
        }
        let back = va
            .breaks
            .iter()
            .find(|(s, e)| (*s..*e).contains(&now))
            .map(|&(_, end)| end)
            .into_iter()
            .chain(va.away_until.filter(|&t| t > now))
            .max();
        if let Some(back) = back {
            self.sign_off(wh, now, a);
            self.associates[a.index()].activity = Activity::OnBreak;
            sched.schedule_at(back, SimEvent::Associate(a));
            return;
        }
        self.sign_on(wh, now, a);
        match self.send(wh, now, Command::RequestNextTask { associate: a }) {
            Some(Reply::NextTask { task: Some(task) }) => self.begin_task(wh, sched, a, task),
            _ => self.associates[a.index()].activity = Activity::Idle,
        }
    }

    fn begin_task(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        a: AssociateId,
        task: TaskId,
    ) {
        let now = sched.now();
        if self
            .send(wh, now, Command::StartTask { associate: a, task })
            .is_some()
        {
            self.walk_to_stop(wh, sched, a, task, 0);
        } else {
            self.associates[a.index()].activity = Activity::Idle;
        }
    }

    /// Walks to stop `line` along the task's route and picks it; the pick is
    /// confirmed when the associate's next event fires.
    fn walk_to_stop(
        &mut self,
        wh: &Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        a: AssociateId,
        task: TaskId,
        line: u32,
    ) {
        let stop = &wh.tasks.get(task).lines[line as usize];
        let to = wh.master.get(stop.location).point;
        self.walk_pings(wh, a, to, stop.leg_m);
        let va = &mut self.associates[a.index()];
        // Along the task's route, as its policy planned it.
        let distance = stop.leg_m;
        let at_shelf = va.line_time.draw(&mut va.rng)
            + f64::from(stop.quantity) * va.unit_time.draw(&mut va.rng);
        va.walked_m += distance;
        va.position = to;
        va.activity = Activity::Picking { task, line };
        sched.schedule_in(
            SimDuration::from_secs_f64(distance / va.speed_mps + at_shelf),
            SimEvent::Associate(a),
        );
    }

    fn step(&mut self, wh: &mut Warehouse, sched: &mut Scheduler<'_, SimEvent>, a: AssociateId) {
        let now = sched.now();
        // The tag reports the walk that has just ended.
        let pings = std::mem::take(&mut self.associates[a.index()].pings);
        for batch in pings.chunks(paklog_domain::tracking::MAX_PINGS) {
            self.send(
                wh,
                now,
                Command::RtlsPings {
                    pings: batch.to_vec(),
                },
            );
        }
        match self.associates[a.index()].activity {
            Activity::Picking { task, line } => {
                let t = wh.tasks.get(task);
                let stop = &t.lines[line as usize];
                let (kind, location, asked) = (t.kind, stop.location, stop.quantity);
                let l = location.index();
                let stock = wh.inventory.location(location);
                let quantity = if stock.blocked {
                    // Out of reach: nothing is taken, the handheld reports it.
                    0
                } else {
                    match kind {
                        TaskKind::Pick => {
                            let va = &mut self.associates[a.index()];
                            if self.shelf[l] < asked && stock.incoming > 0 && va.waits < MAX_WAITS {
                                // The face's replenishment is on its way: wait for it.
                                va.waits += 1;
                                sched.schedule_in(REPLENISH_WAIT, SimEvent::Associate(a));
                                return;
                            }
                            va.waits = 0;
                            let found = asked.min(self.shelf[l]);
                            self.shelf[l] -= found;
                            found
                        }
                        TaskKind::Replenish | TaskKind::Putaway => {
                            // Reserve is kept per SKU, not per location.
                            if wh.master.get(location).kind == LocationKind::Pick {
                                self.shelf[l] += asked;
                            }
                            asked
                        }
                        TaskKind::Count => self.shelf[l],
                    }
                };
                let confirm = Command::ConfirmPick {
                    associate: a,
                    task,
                    line,
                    quantity,
                    barcode: None,
                };
                match self.send(wh, now, confirm) {
                    Some(Reply::PickRecorded {
                        next_line: Some(next),
                    }) => self.walk_to_stop(wh, sched, a, task, next),
                    _ => {
                        let t = wh.tasks.get(task);
                        let (distance, home) = (t.home_m, t.depot_point());
                        self.walk_pings(wh, a, home, distance);
                        let va = &mut self.associates[a.index()];
                        va.walked_m += distance;
                        va.position = home;
                        va.activity = Activity::Returning { task };
                        sched.schedule_in(
                            SimDuration::from_secs_f64(distance / va.speed_mps),
                            SimEvent::Associate(a),
                        );
                    }
                }
            }
            Activity::Returning { task } => {
                if let (Some(belts), Some(induct)) = (&mut self.belts, wh.induct_of(task))
                    && !belts.can_feed(induct)
                {
                    // The induct is full or stopped: wait with the cart.
                    belts.wait(induct, Waiter::Associate(a));
                    return;
                }
                if let Some(Reply::ToteDelivered { stations, put_wall }) =
                    self.send(wh, now, Command::DeliverTote { associate: a, task })
                {
                    for station in stations {
                        self.kick_station(wh, sched, station);
                    }
                    if let Some(wall) = put_wall {
                        self.kick_wall(wh, sched, wall);
                    }
                }
                self.request_work(wh, sched, a);
            }
            Activity::OnBreak => self.request_work(wh, sched, a),
            Activity::Idle | Activity::OffShift => {}
        }
    }

    fn kick_station(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        station: StationId,
    ) {
        if self.stations[station.index()].job.is_some() {
            return;
        }
        if let Some(Reply::Packing { job: Some(job) }) =
            self.send(wh, sched.now(), Command::StartPacking { station })
        {
            if let Some(b) = &mut self.belts {
                b.taken(sched, job.order);
            }
            let s = &mut self.stations[station.index()];
            let mut secs = self.pack_time.draw(&mut s.rng);
            if job.qc {
                secs += self.qc_time.draw(&mut s.rng);
            }
            s.job = Some(job);
            sched.schedule_in(
                SimDuration::from_secs_f64(secs),
                SimEvent::PackDone(station),
            );
        }
    }

    fn pack_done(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        station: StationId,
    ) {
        if let (Some(belts), Some(takeaway)) =
            (&mut self.belts, wh.conveyor.as_ref().map(|c| c.takeaway()))
            && self.stations[station.index()].job.is_some()
            && !belts.can_feed(takeaway)
        {
            // The takeaway is full or stopped: the parcel waits on the bench.
            belts.wait(takeaway, Waiter::Station(station));
            return;
        }
        let s = &mut self.stations[station.index()];
        if let Some(job) = s.job.take() {
            let weight_kg = job.expected_weight_kg * self.scale.sample(&mut s.rng).max(0.0);
            self.send(
                wh,
                sched.now(),
                Command::CompletePacking {
                    station,
                    order: job.order,
                    weight_kg,
                },
            );
        }
        self.kick_station(wh, sched, station);
    }

    /// An idle put-wall operator takes the next bulk tote.
    fn kick_wall(&mut self, wh: &mut Warehouse, sched: &mut Scheduler<'_, SimEvent>, wall: u16) {
        if self.walls[wall as usize].job.is_some() {
            return;
        }
        if let Some(Reply::Sorting { task: Some(task) }) =
            self.send(wh, sched.now(), Command::StartSort { wall })
        {
            self.put_next(wh, sched, wall, task, 0);
        }
    }

    /// Puts stop `line` of the bulk tote: each unit takes a draw of the put
    /// time.
    fn put_next(
        &mut self,
        wh: &Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        wall: u16,
        task: TaskId,
        line: u32,
    ) {
        let units = wh.tasks.get(task).lines[line as usize].picked.unwrap_or(0);
        let w = &mut self.walls[wall as usize];
        let secs: f64 = (0..units).map(|_| self.put_time.draw(&mut w.rng)).sum();
        w.job = Some((task, line));
        sched.schedule_in(SimDuration::from_secs_f64(secs), SimEvent::PutDone(wall));
    }

    fn put_done(&mut self, wh: &mut Warehouse, sched: &mut Scheduler<'_, SimEvent>, wall: u16) {
        let Some((task, line)) = self.walls[wall as usize].job.take() else {
            return;
        };
        let reply = self.send(wh, sched.now(), Command::PutItem { wall, task, line });
        if let Some(Reply::Put { station, left }) = reply {
            if let Some(station) = station {
                self.kick_station(wh, sched, station);
            }
            if left > 0 {
                self.put_next(wh, sched, wall, task, line + 1);
                return;
            }
        }
        self.kick_wall(wh, sched, wall);
    }

    /// A tote's tag pings at `dy` metres in front of the spot of `at` (a
    /// staging location or dock door), with the RTLS noise.
    fn tote_ping(
        &mut self,
        wh: &mut Warehouse,
        now: SimTime,
        tote: paklog_domain::ToteId,
        at: LocationId,
        dy: f64,
    ) {
        let (Some((_, noise)), Some((x, y))) = (self.rtls, wh.tracking.spot(at)) else {
            return;
        };
        let mm = |v: f64| (v * 1000.0).round() as i64;
        let ping = RtlsPing {
            tag: tote.to_string(),
            x_mm: mm(x + noise.sample(&mut self.tote_rng)),
            y_mm: mm(y + dy + noise.sample(&mut self.tote_rng)),
        };
        self.send(wh, now, Command::RtlsPings { pings: vec![ping] });
    }

    /// The pings of associate `a`'s tag on a walk of `distance_m` (at their
    /// speed) from where they are to `to`: one every ping interval and one
    /// on arrival, along the shortest walk, with measurement noise.
    fn walk_pings(&mut self, wh: &Warehouse, a: AssociateId, to: Point, distance_m: f64) {
        let Some((interval_s, noise)) = self.rtls else {
            return;
        };
        let va = &mut self.associates[a.index()];
        let corners = wh.master.path(va.position, to);
        let length: f64 = corners
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
            .sum();
        let walk_s = distance_m / va.speed_mps;
        let tag = paklog_domain::tracking::Tracking::associate_tag(a);
        let mut k = 1.0;
        loop {
            let share = if walk_s > 0.0 {
                (k * interval_s / walk_s).min(1.0)
            } else {
                1.0
            };
            let (x, y) = along(&corners, share * length);
            let mm = |v: f64, e: f64| ((v + e) * 1000.0).round() as i64;
            let (ex, ey) = (
                noise.sample(&mut va.rtls_rng),
                noise.sample(&mut va.rtls_rng),
            );
            va.pings.push(RtlsPing {
                tag: tag.clone(),
                x_mm: mm(x, ex),
                y_mm: mm(y, ey),
            });
            if share >= 1.0 {
                return;
            }
            k += 1.0;
        }

        /// The point `at` metres along a polyline.
        fn along(corners: &[(f64, f64)], mut at: f64) -> (f64, f64) {
            for w in corners.windows(2) {
                let seg = (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1);
                if at <= seg && seg > 0.0 {
                    let f = at / seg;
                    return (
                        w[0].0 + f * (w[1].0 - w[0].0),
                        w[0].1 + f * (w[1].1 - w[0].1),
                    );
                }
                at -= seg;
            }
            corners[corners.len() - 1]
        }
    }

    /// Disruption `i` of the scenario happens now.
    fn disrupt(&mut self, wh: &mut Warehouse, sched: &mut Scheduler<'_, SimEvent>, i: usize) {
        use crate::schema::Disruption as D;
        let now = sched.now();
        match self.scenario.disruptions[i].clone() {
            D::BlockedLocation {
                location, minutes, ..
            } => {
                let Some(location) = self.pick_face(wh, location.as_deref()) else {
                    return;
                };
                if wh.inventory.location(location).blocked {
                    return;
                }
                self.send(
                    wh,
                    now,
                    Command::BlockLocation {
                        location,
                        reason: format!("disruptions[{i}]"),
                    },
                );
                if let Some(m) = minutes {
                    sched.schedule_in(
                        SimDuration::from_secs_f64(m * 60.0),
                        SimEvent::Unblock(location),
                    );
                }
            }
            D::InventoryDiscrepancy {
                location, units, ..
            } => {
                let Some(location) = self.pick_face(wh, location.as_deref()) else {
                    return;
                };
                let lost = units.min(self.shelf[location.index()]);
                self.shelf[location.index()] -= lost;
                if lost > 0 {
                    self.discrepancies.push((now, location, lost));
                }
            }
            D::Absence {
                associate, minutes, ..
            } => {
                let a = match associate {
                    Some(a) => a as usize,
                    None => self.disruptions.random_range(0..self.associates.len()),
                };
                let until = now + SimDuration::from_secs_f64(minutes * 60.0);
                let va = &mut self.associates[a];
                va.away_until = Some(va.away_until.map_or(until, |t| t.max(until)));
                if va.activity == Activity::Idle {
                    let id = va.id;
                    self.request_work(wh, sched, id);
                }
            }
            // Built into the demand generator's rate.
            D::DemandSurge { .. } => {}
            D::ConveyorStop {
                segment, minutes, ..
            } => {
                let code = segment.as_deref().unwrap_or("main");
                let (Some(belts), Some(s)) = (
                    &mut self.belts,
                    wh.conveyor.as_ref().and_then(|c| c.by_code(code)),
                ) else {
                    return;
                };
                belts.set_running(wh, sched, s, false, &format!("disruptions[{i}]"));
                sched.schedule_in(
                    SimDuration::from_secs_f64(minutes * 60.0),
                    SimEvent::ConveyorRestart(s),
                );
            }
        }
    }

    /// A supplier delivery: the SKU with the least stock on the books.
    fn receive(&mut self, wh: &mut Warehouse, now: SimTime) {
        let Some(units) = self.scenario.inbound.as_ref().map(|i| i.units) else {
            return;
        };
        let stock = |i: usize| {
            let s = wh.inventory.sku(paklog_domain::SkuId(i as u32));
            u64::from(s.on_hand)
                + u64::from(s.reserve)
                + u64::from(s.incoming)
                + u64::from(s.inbound)
        };
        let Some(sku) = (0..wh.inventory.sku_count()).min_by_key(|&i| (stock(i), i)) else {
            return;
        };
        let sku = wh.config.skus[sku].code.clone();
        self.send(wh, now, Command::ReceiveStock { sku, units });
    }

    /// The pick face a disruption names, or one drawn among the slotted
    /// faces.
    fn pick_face(&mut self, wh: &Warehouse, code: Option<&str>) -> Option<LocationId> {
        match code {
            Some(code) => wh.master.by_code(code).map(|l| l.id),
            None => {
                let slots = &wh.config.slotting;
                (!slots.is_empty()).then(|| slots[self.disruptions.random_range(0..slots.len())].1)
            }
        }
    }

    /// Locations whose shelf differs from the books: `(location, books,
    /// shelf)`.
    #[must_use]
    pub fn shelf_variances(&self, wh: &Warehouse) -> Vec<(LocationId, u32, u32)> {
        self.shelf
            .iter()
            .enumerate()
            .filter_map(|(l, &shelf)| {
                let id = LocationId(l as u32);
                let books = wh.inventory.location(id).on_hand;
                (books != shelf).then_some((id, books, shelf))
            })
            .collect()
    }

    /// Time each associate was on shift, counting a shift still running at
    /// `now` up to `now`.
    #[must_use]
    pub fn on_shift_ms(&self, now: SimTime) -> Vec<u64> {
        self.associates
            .iter()
            .map(|a| {
                let running = if a.activity == Activity::OffShift {
                    0
                } else {
                    now.min(a.shift_end)
                        .saturating_since(a.shift_started)
                        .as_millis()
                };
                a.on_shift_ms + running
            })
            .collect()
    }
}
