//! The virtual physical world around the WMS/WES: demand, associates who
//! walk and pick, pack stations as servers. It drives the domain only with
//! the commands a handheld, a scanner or an order feed would send, and
//! learns of new assignments from the event bus, as a handheld would from a
//! push.

mod associates;
mod disruptions;
mod feed;
mod rtls;
mod stations;

pub use associates::{Associate, Crew, Picker, Rota, Tag, Walker};

use bevy_ecs::prelude::*;
use paklog_domain::commands::PackJob;
use paklog_domain::location_master::{LocationKind, Point};
use paklog_domain::task_execution::TaskKind;
use paklog_domain::wave_planning::WaveStatus;
use paklog_domain::{
    AssociateId, Command, CommandError, DomainEvent, LocationId, Reply, RtlsPing, StationId,
    TaskId, Warehouse, WaveId, WavePriority,
};
use paklog_sim::{
    Agenda, Progress, RngStreams, RunSummary, Scheduler, SimDuration, SimTime, Simulation,
    StreamRng, VirtualClock,
};
use rand::RngExt;
use rand_distr::{Distribution, Normal};

use crate::belts::{Belts, Waiter};
use crate::build::{assortment, roster, site, workload_policy};
use crate::demand::{Generator, TracedOrder};
use crate::dist::Sampler;
pub use crate::event::SimEvent;
use crate::load::LoadedScenario;
use crate::schema::Scenario;

/// What a virtual associate is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Component)]
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
    /// Boxed: the world is moved out of the driver's world and back for
    /// every event, and the file is most of its size.
    scenario: Box<Scenario>,
    /// Every associate of the roster, as entities.
    pub crew: Crew,
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
        let (mut site, master) = site(s, &streams);
        if let Some(trace) = &loaded.trace {
            site.workload = workload_policy(s, Some(trace));
        }
        let mut warehouse = Warehouse::with_master(site, master)
            .expect("a validated scenario builds a consistent site");
        warehouse.start(SimTime::ZERO);
        let depot = warehouse.master().depot();
        let warehouse_walls = warehouse.pack().put_walls.len();
        let horizon = SimTime::ZERO + SimDuration::from_secs_f64(s.horizon_h * 3600.0);
        let crew = Crew::hire(s, &streams, depot);
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
        let shelf = (0..warehouse.master().locations.len())
            .map(|l| warehouse.inventory().location(LocationId(l as u32)).on_hand)
            .collect();
        let world_state = VirtualWorld {
            crew,
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
            scenario: Box::new(scenario.clone()),
        };
        let mut sim = Simulation::new(World::new());
        for (t, i) in occurrences {
            sim.schedule_at(t, SimEvent::Disruption(i));
        }
        for t in receipts {
            sim.schedule_at(t, SimEvent::Receipt);
        }
        // Shifts and breaks of every local day of the horizon, at their
        // local wall times (a shift across a daylight-saving change is an
        // hour shorter or longer).
        let calendar = warehouse.config().calendar;
        warehouse.schedule_timers(&mut sim, SimEvent::Domain);
        sim.world_mut().insert_resource(warehouse);
        let mut day = 0;
        while calendar.at(day, 0) < horizon {
            for (i, sh) in s.associates.shifts.iter().enumerate() {
                let start = calendar.at(day, sh.start.minutes());
                if start >= horizon {
                    continue;
                }
                let length = sh.length_min();
                let end = if length == 0 {
                    start
                } else {
                    calendar.next(start + SimDuration::from_millis(1), sh.end.minutes())
                };
                sim.schedule_at(start, SimEvent::ShiftStart(i as u32));
                sim.schedule_at(end, SimEvent::ShiftEnd(i as u32));
                for (b, brk) in sh.breaks.iter().enumerate() {
                    if sh.offset_min(brk.start) < length {
                        sim.schedule_at(
                            calendar.next(start, brk.start.minutes()),
                            SimEvent::BreakStart {
                                shift: i as u32,
                                brk: b as u32,
                            },
                        );
                    }
                }
            }
            day += 1;
        }
        if let Some((t, event)) = first_order.filter(|(t, _)| *t <= horizon) {
            sim.schedule_at(t, event);
        }
        sim.world_mut().insert_resource(world_state);
        sim.world_mut()
            .insert_resource(Agenda::<SimEvent>::new(SimTime::ZERO));
        feed::subscribe(sim.world_mut());
        ScenarioRun { sim, horizon }
    }

    /// Runs to the horizon, reporting progress.
    pub fn run(&mut self, progress: impl FnMut(Progress)) -> RunSummary {
        self.sim
            .run_with_progress(&mut VirtualClock, Some(self.horizon), handle, progress)
    }

    /// Runs up to `until` (at most the horizon); the run goes on from
    /// there with the next call.
    pub fn run_until(&mut self, until: SimTime) -> RunSummary {
        self.sim
            .run(&mut VirtualClock, Some(until.min(self.horizon)), handle)
    }

    /// The horizon the run stops at.
    #[must_use]
    pub fn horizon(&self) -> SimTime {
        self.horizon
    }

    /// The domain's state, to make it forget what a long run no longer
    /// needs between two [`run_until`](Self::run_until)s (as a live site
    /// does; the reports need the whole run).
    pub fn warehouse_mut(&mut self) -> Mut<'_, Warehouse> {
        self.sim.world_mut().resource_mut::<Warehouse>()
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

/// The handler of every simulated event: the world moves (with what it
/// asks of the future on an agenda), the site's timers are scheduled, then
/// the devices hear what the bus said ([`feed`]).
pub fn handle(world: &mut World, sched: &mut Scheduler<'_, SimEvent>, event: SimEvent) {
    let unheard = world.resource_scope(|world, mut wh: Mut<Warehouse>| {
        world.resource_scope(|_, mut vw: Mut<VirtualWorld>| {
            let mut agenda = Agenda::new(sched.now());
            vw.on(&mut wh, &mut agenda, event);
            agenda.hand_to(sched);
            wh.schedule_timers(sched, SimEvent::Domain);
            vw.seen < wh.bus().len()
        })
    });
    if unheard {
        feed::relay(world, sched);
    }
}

impl VirtualWorld {
    /// What `event` does to the world.
    fn on(&mut self, wh: &mut Warehouse, sched: &mut Agenda<SimEvent>, event: SimEvent) {
        let now = sched.now();
        match event {
            SimEvent::Domain(timer) => wh.on_timer(now, timer),
            SimEvent::OrderArrives => {
                if let Demand::Generator { generator, rng } = &mut self.demand {
                    let order = generator.order(rng);
                    if let Some(next) = generator.next_arrival(now, rng)
                        && next <= self.horizon
                    {
                        sched.schedule_at(next, SimEvent::OrderArrives);
                    }
                    self.send(wh, now, Command::ReceiveOrder(order));
                }
            }
            SimEvent::TraceOrder(i) => {
                if let Demand::Trace(trace) = &self.demand {
                    let order = trace[i as usize].order.clone();
                    if let Some(next) = trace.get(i as usize + 1) {
                        sched.schedule_at(next.at, SimEvent::TraceOrder(i + 1));
                    }
                    self.send(wh, now, Command::ReceiveOrder(order));
                }
            }
            SimEvent::ShiftStart(shift) => self.shift_start(wh, sched, shift as usize),
            SimEvent::BreakStart { shift, brk } => {
                self.break_start(wh, sched, shift as usize, brk as usize);
            }
            SimEvent::ShiftEnd(shift) => self.shift_end(wh, now, shift as usize),
            SimEvent::Associate(a) => self.step(wh, sched, a),
            SimEvent::PackDone(station) => self.pack_done(wh, sched, station),
            SimEvent::PutDone(wall) => self.put_done(wh, sched, wall),
            SimEvent::Disruption(i) => self.disrupt(wh, sched, i as usize),
            SimEvent::Unblock(location) => {
                self.send(wh, now, Command::UnblockLocation { location });
            }
            SimEvent::Receipt => self.receive(wh, now),
            SimEvent::Conveyor(s) => {
                let arrived = self.belts.as_mut().map_or_else(Vec::new, |b| {
                    b.check(wh, sched, s);
                    b.take_arrivals()
                });
                for station in arrived {
                    self.kick_station(wh, sched, station);
                }
            }
            SimEvent::ConveyorRestart(s) => {
                if let Some(b) = &mut self.belts {
                    b.set_running(wh, sched, s, true, "");
                }
            }
            SimEvent::PlannerReview => self.planner_review(wh, now),
        }
        if let Some(b) = &mut self.belts {
            self.refused += std::mem::take(&mut b.refused);
        }
    }

    /// The virtual planner (`strategy.wave_release = "planner"`) releases
    /// the waves planned at least `planner_review_min` ago, most urgent
    /// first (by priority, then first planned). A wave nothing of which
    /// can be allocated is refused; the planner cancels it, and its orders
    /// wait for the next wave.
    fn planner_review(&mut self, wh: &mut Warehouse, now: SimTime) {
        let review = self.planner_review_time();
        let mut due: Vec<(std::cmp::Reverse<WavePriority>, WaveId)> = wh
            .waves()
            .all()
            .filter(|w| {
                w.status == WaveStatus::Planned && w.planned_at.saturating_add(review) <= now
            })
            .map(|w| (std::cmp::Reverse(w.priority), w.id))
            .collect();
        due.sort_unstable();
        for (_, wave) in due {
            match wh.execute(now, Command::ReleaseWave { wave }) {
                Ok(_) => {}
                Err(CommandError::WaveNotAllocatable(_)) => {
                    self.send(wh, now, Command::CancelWave { wave });
                }
                Err(_) => self.refused += 1,
            }
        }
    }

    /// How long the virtual planner looks at a planned wave.
    pub(crate) fn planner_review_time(&self) -> SimDuration {
        SimDuration::from_mins(u64::from(self.scenario.strategy.planner_review_min))
    }

    /// Whether planned waves wait for a planner.
    pub(crate) fn planner_releases(&self) -> bool {
        self.scenario.strategy.wave_release == crate::schema::WaveRelease::Planner
    }

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

    /// Locations whose shelf differs from the books: `(location, books,
    /// shelf)`.
    #[must_use]
    pub fn shelf_variances(&self, wh: &Warehouse) -> Vec<(LocationId, u32, u32)> {
        self.shelf
            .iter()
            .enumerate()
            .filter_map(|(l, &shelf)| {
                let id = LocationId(l as u32);
                let books = wh.inventory().location(id).on_hand;
                (books != shelf).then_some((id, books, shelf))
            })
            .collect()
    }

    /// Time each associate was on shift, counting a shift still running at
    /// `now` up to `now`.
    #[must_use]
    pub fn on_shift_ms(&self, now: SimTime) -> Vec<u64> {
        self.crew.on_shift_ms(now)
    }
}
