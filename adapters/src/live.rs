//! The live driver: the domain on its own thread, paced by the wall clock,
//! taking commands from adapters over a channel.
//!
//! On start the store's commands are replayed, each at the place in the
//! kernel's event sequence where it first ran (domain timers fire in
//! between as they did), which rebuilds the site exactly; then the wall
//! clock takes over from the last stored time. A stored command the domain
//! refuses on replay stops the start: the store is not this site's. An accepted command is appended to the store before its
//! client gets the reply; a refused one changes nothing and is not stored.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread::JoinHandle;

use bevy_ecs::prelude::*;
use paklog_domain::config::SiteConfig;
use paklog_domain::task::TaskStatus;
use paklog_domain::{Command, CommandError, DomainTimer, OrderId, Reply, Warehouse, WaveId};
use paklog_sim::{Clock, CommandSender, Scheduler, SimTime, Simulation, Wake, WallClock};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::store::{SqliteStore, StoreError, Stored};

/// A question about the site's state (answered as JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// One order.
    Order(OrderId),
    /// One wave.
    Wave(WaveId),
    /// Tasks, optionally in one state.
    Tasks(Option<TaskStatus>),
    /// One task.
    Task(paklog_domain::TaskId),
    /// A location by id or code: master data and stock.
    Location(String),
    /// What the floor knows about an associate.
    Associate(paklog_domain::AssociateId),
    /// The KPIs of the running interval.
    Metrics,
}

/// What the kernel answers.
#[derive(Debug)]
pub enum Answer {
    /// The command's outcome.
    Executed(Result<Reply, CommandError>),
    /// The query's answer, or `None` when it names nothing.
    Found(Option<Value>),
    /// The command was accepted by the domain but could not be stored: it
    /// is not acknowledged, and the service stops.
    NotStored(String),
}

/// A request from an adapter.
#[derive(Debug)]
pub enum Ask {
    /// Execute a command.
    Execute(Command),
    /// Answer a query.
    Query(Query),
}

/// The live kernel's events.
#[derive(Debug)]
pub enum Input {
    /// A domain timer.
    Timer(DomainTimer),
    /// A stored command being replayed.
    Replay(Command),
    /// A request from an adapter, with where to send the answer.
    Request(Ask, oneshot::Sender<Answer>),
}

#[derive(Resource)]
struct Store(Option<Mutex<SqliteStore>>);

/// Kernel events run so far (timers, replayed and live commands).
#[derive(Resource, Default)]
struct Processed(u64);

/// The first stored command the domain refused on replay, if any.
#[derive(Resource, Default)]
struct ReplayFailure(Option<String>);

/// Replays stored commands each at the place in the kernel's event sequence
/// where it first ran, timers running in between as they did; stops after
/// the last.
struct ReplayClock {
    queue: VecDeque<Stored>,
    processed: u64,
}

impl Clock<Input> for ReplayClock {
    fn synchronize(&mut self, now: SimTime, deadline: Option<SimTime>) -> Wake<Input> {
        let Some(next) = self.queue.front() else {
            return Wake::Stop;
        };
        if next.ordinal <= self.processed || deadline.is_none() {
            let s = self.queue.pop_front().expect("peeked");
            self.processed += 1;
            return Wake::Command {
                at: s.at.max(now),
                command: Input::Replay(s.command),
            };
        }
        self.processed += 1;
        Wake::Due
    }
}

/// The service could not start.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The site configuration is inconsistent.
    #[error("site: {0}")]
    Site(String),
    /// The speed is not a positive number.
    #[error("--speed: {0}")]
    Speed(String),
    /// A stored command was refused on replay: the store does not belong to
    /// this site (or this version).
    #[error("replay: {0}")]
    Replay(String),
}

/// A running live kernel.
pub struct Live {
    /// Where adapters send their requests.
    pub sender: CommandSender<Input>,
    thread: Option<JoinHandle<()>>,
    /// Commands replayed from the store at start.
    pub replayed: usize,
}

impl Live {
    /// Starts the site from `config`, replaying `store` if given, paced by
    /// the wall clock at `speed`.
    ///
    /// # Errors
    /// If the store cannot be read, the site is inconsistent or the speed
    /// is not positive.
    pub fn start(
        config: SiteConfig,
        store: Option<SqliteStore>,
        speed: f64,
    ) -> Result<Live, LiveError> {
        let history = match &store {
            Some(s) => s.history()?,
            None => Vec::new(),
        };
        let mut warehouse = Warehouse::new(config).map_err(|e| LiveError::Site(e.to_string()))?;
        warehouse.start(SimTime::ZERO);
        let replayed = history.len();
        let mut world = World::new();
        let timers: Vec<_> = warehouse.take_timers().collect();
        world.insert_resource(warehouse);
        world.insert_resource(Store(store.map(Mutex::new)));
        world.insert_resource(Processed::default());
        world.insert_resource(ReplayFailure::default());
        let mut sim = Simulation::new(world);
        for (t, timer) in timers {
            sim.schedule_at(t, Input::Timer(timer));
        }
        sim.run(
            &mut ReplayClock {
                queue: history.into(),
                processed: 0,
            },
            None,
            handle,
        );
        if let Some(why) = sim.world_mut().resource_mut::<ReplayFailure>().0.take() {
            return Err(LiveError::Replay(why));
        }
        // The wall clock goes on from where the store ended.
        let (mut clock, sender) =
            WallClock::new(sim.now(), speed).map_err(|e| LiveError::Speed(e.to_string()))?;
        let thread = std::thread::Builder::new()
            .name("paklog-kernel".into())
            .spawn(move || {
                sim.run(&mut clock, None, handle);
            })
            .map_err(|e| LiveError::Site(e.to_string()))?;
        Ok(Live {
            sender,
            thread: Some(thread),
            replayed,
        })
    }

    /// Stops the kernel after the requests already sent, and waits for it
    /// (as dropping it does).
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.sender.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn handle(world: &mut World, sched: &mut Scheduler<'_, Input>, event: Input) {
    let now = sched.now();
    // Timers and accepted commands count; queries and refusals change
    // nothing and are not replayed.
    let ordinal = world.resource::<Processed>().0;
    world.resource_scope(|world, mut wh: Mut<Warehouse>| {
        let counts = match event {
            Input::Timer(timer) => {
                wh.on_timer(now, timer);
                true
            }
            Input::Replay(command) => {
                // It was accepted when it first ran, at this place in the
                // event sequence; the domain is deterministic, so it is
                // accepted again, unless the store is another site's.
                if let Err(e) = wh.execute(now, command.clone()) {
                    let failure = &mut world.resource_mut::<ReplayFailure>().0;
                    if failure.is_none() {
                        *failure = Some(format!("event {ordinal}: {command:?} refused: {e}"));
                    }
                    sched.stop();
                }
                true
            }
            Input::Request(Ask::Execute(command), reply) => {
                let result = wh.execute(now, command.clone());
                let answer = match result {
                    Ok(r) => match append(world, now, ordinal, &command) {
                        Ok(()) => Answer::Executed(Ok(r)),
                        Err(e) => {
                            // Not durable: not acknowledged, and nothing more
                            // is taken (the state is ahead of the store).
                            sched.stop();
                            Answer::NotStored(e.to_string())
                        }
                    },
                    Err(e) => Answer::Executed(Err(e)),
                };
                let accepted = matches!(answer, Answer::Executed(Ok(_)));
                let _ = reply.send(answer);
                accepted
            }
            Input::Request(Ask::Query(q), reply) => {
                let _ = reply.send(Answer::Found(query(&wh, &q)));
                false
            }
        };
        if counts {
            world.resource_mut::<Processed>().0 += 1;
        }
        for (t, timer) in wh.take_timers() {
            sched.schedule_at(t, Input::Timer(timer));
        }
    });
}

fn append(
    world: &mut World,
    now: SimTime,
    ordinal: u64,
    command: &Command,
) -> Result<(), StoreError> {
    match &world.resource::<Store>().0 {
        Some(store) => store
            .lock()
            .expect("only the kernel thread writes")
            .append(now, ordinal, command),
        None => Ok(()),
    }
}

fn to<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn query(wh: &Warehouse, q: &Query) -> Option<Value> {
    match q {
        Query::Order(id) => wh.orders.find(*id).map(to),
        Query::Wave(id) => wh.waves.find(*id).map(to),
        Query::Task(id) => wh.tasks.find(*id).map(to),
        Query::Tasks(status) => Some(Value::Array(
            wh.tasks
                .all()
                .iter()
                .filter(|t| status.is_none_or(|s| t.status == s))
                .map(to)
                .collect(),
        )),
        Query::Associate(id) => wh.tasks.associates.get(id.index()).map(to),
        Query::Location(key) => key
            .parse::<usize>()
            .ok()
            .and_then(|i| wh.master.locations.get(i))
            .or_else(|| wh.master.by_code(key))
            .map(|l| {
                json!({
                    "location": to(l),
                    "stock": to(wh.inventory.location(l.id)),
                })
            }),
        Query::Metrics => Some(json!({
            "open_orders": wh.backlog(),
            "pending_tasks": wh.tasks.pending_len(),
            "orders": wh.orders.all().len(),
            "waves": wh.waves.all().len(),
            "tasks": wh.tasks.all().len(),
            "associates_signed_on": wh.tasks.associates.iter().filter(|a| a.signed_on).count(),
            "events": wh.bus.len(),
        })),
    }
}
