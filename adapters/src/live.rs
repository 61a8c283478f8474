//! The live driver: the domain on its own thread, paced by the wall clock,
//! taking commands from adapters over a channel.
//!
//! On start the store's commands are replayed, each at the place in the
//! kernel's event sequence where it first ran (domain timers fire in
//! between as they did), which rebuilds the site exactly. On a site with a
//! time zone the timers that fell due while the service was down then fire
//! on the virtual clock; then the wall clock takes over. A stored command
//! the domain refuses on replay stops the start: the store is not this
//! site's. An accepted command is appended to the store before its client
//! gets the reply; a refused one changes nothing and is not stored.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread::JoinHandle;

use bevy_ecs::prelude::*;
use paklog_domain::SiteCalendar;
use paklog_domain::config::SiteConfig;
use paklog_domain::task_execution::TaskStatus;
use paklog_domain::workload_planning::METRICS_INTERVAL;
use paklog_domain::{
    Command, CommandError, DomainTimer, OrderId, Recorded, Reply, Warehouse, WaveId,
};
use paklog_sim::{
    Clock, CommandSender, Scheduler, SimDuration, SimTime, Simulation, VirtualClock, Wake,
    WallClock,
};
use tokio::sync::{broadcast, oneshot};

use crate::cloudevents::Published;
use crate::store::{CommandStore, StoreError, Stored};
use crate::views::{TaskView, View};

mod query;

pub use query::{Found, Lookup, Query};
use query::{look_up, query};

/// What the kernel answers.
#[derive(Debug)]
pub enum Answer {
    /// The command's outcome.
    Executed(Result<Reply, CommandError>),
    /// The query's answer, or `None` when it names nothing.
    Found(Option<Box<View>>),
    /// The command was accepted by the domain but could not be stored: it
    /// is not acknowledged, and the service stops.
    NotStored(String),
    /// A handheld's next task.
    NextTask(NextTask),
    /// What a code names, or why it names nothing.
    Looked(Result<Found, CommandError>),
}

/// What a handheld asking for its next task gets.
#[derive(Debug)]
pub enum NextTask {
    /// The associate is not on the roster.
    UnknownAssociate,
    /// Nothing to do now.
    Nothing,
    /// The task in hand, started (as [`Query::Task`] shows it).
    Task(Box<TaskView>),
    /// A step was refused.
    Refused(CommandError),
}

/// A request from an adapter.
#[derive(Debug)]
pub enum Ask {
    /// Execute a command.
    Execute(Command),
    /// A handheld's next task, in one step: sign the associate on if signed
    /// off, assign the best pending task and start it. Polling with nothing
    /// to do changes and stores nothing.
    NextTask(paklog_domain::AssociateId),
    /// Answer a query.
    Query(Query),
    /// Resolve a code.
    Lookup(Lookup),
}

/// Sends `ask` to the kernel and waits for its answer; `None` when the
/// kernel has stopped.
pub async fn request(kernel: &CommandSender<Input>, ask: Ask) -> Option<Answer> {
    let (tx, rx) = oneshot::channel();
    kernel.send(Input::Request(ask, tx)).ok()?;
    rx.await.ok()
}

/// Subscribes to the site's events ([`Since`]); `None` when the kernel has
/// stopped.
pub async fn subscribe(
    kernel: &CommandSender<Input>,
    since: Since,
) -> Option<Result<Subscription, SubscribeError>> {
    let (tx, rx) = oneshot::channel();
    kernel.send(Input::Subscribe(since, tx)).ok()?;
    rx.await.ok()
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
    /// An adapter subscribes to the events.
    Subscribe(Since, oneshot::Sender<Result<Subscription, SubscribeError>>),
    /// A sink has every event before `upto` acknowledged (Kafka: by the
    /// broker); the store keeps the position for the sink's next start.
    Delivered {
        /// The sink (`kafka`).
        sink: &'static str,
        /// The first event not yet acknowledged.
        upto: u64,
    },
}

/// Where a subscription to the events starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// At this sequence number (a CloudEvent id's number).
    Seq(u64),
    /// After the last event the sink acknowledged (from the log's start
    /// for a sink never seen).
    Unacknowledged(&'static str),
    /// With the next event made.
    Now,
}

/// A subscription: the events already out from its start, then every
/// later one as it goes out, with no gap and no repeat between the two.
#[derive(Debug)]
pub struct Subscription {
    /// The first event's sequence number.
    pub from: u64,
    /// The events already out, from `from` on, in order.
    pub backlog: Vec<Published>,
    /// The events after the backlog.
    pub live: broadcast::Receiver<Published>,
}

/// Why a subscription cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    /// It names an event not made yet.
    #[error("from: event {from} is not out yet (the next is {next})")]
    Ahead {
        /// What was asked for.
        from: u64,
        /// The next event's sequence number.
        next: u64,
    },
    /// The sink's position cannot be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The store's key for `sink`'s position.
fn sink_position(sink: &str) -> String {
    format!("sink:{sink}")
}

/// The store's key for how far the site's clock got, in site
/// milliseconds: a restart runs the timers up to it again, so that the
/// events they made (and sent out) get the same sequence numbers.
const REACHED: &str = "reached_ms";

/// How far the site's clock got in the service that last ran on `store`
/// (what [`rebuild`] runs the timers up to).
///
/// # Errors
/// If the store cannot be read.
pub fn reached(store: &mut dyn CommandStore) -> Result<Option<SimTime>, StoreError> {
    Ok(store.position(REACHED)?.map(SimTime::from_millis))
}

/// Answers held back until the commands before them are durable, at most.
const MAX_BATCH: usize = 512;

/// The kernel's own state besides the warehouse.
#[derive(Resource)]
struct Kernel {
    store: Option<Mutex<Box<dyn CommandStore>>>,
    /// The way in, to see whether anyone is waiting (group commit).
    inbox: Option<CommandSender<Input>>,
    /// Appends not yet committed.
    dirty: bool,
    /// Answers waiting for the commit.
    held: Vec<(oneshot::Sender<Answer>, Answer)>,
    /// Kernel events run so far (timers, replayed and live commands).
    processed: u64,
    /// The first stored command the domain refused on replay, if any.
    replay_failure: Option<String>,
    /// Where events go out (WebSocket, Kafka).
    outbox: broadcast::Sender<Published>,
    /// Events of the log already sent out.
    published: usize,
    /// Whether timers made events since the last stored command: only
    /// those need the clock's position stored to be made again.
    timer_events: bool,
    /// The catch-ups after downtime, oldest first: the timers due between
    /// `from` and `to` fired at `to`.
    catch_ups: Vec<(SimTime, SimTime)>,
}

impl Kernel {
    /// How late an event of site time `at` went out: by how much a
    /// catch-up fired it after it fell due.
    fn lateness(&self, at: SimTime) -> Option<SimDuration> {
        self.catch_ups
            .iter()
            .find(|&&(from, to)| from < at && at < to)
            .map(|&(_, to)| to - at)
    }

    /// `r` as it goes out.
    fn publish(&self, wh: &Warehouse, r: &Recorded) -> Published {
        Published::new(wh.config(), r, self.lateness(r.at))
    }
}

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
    /// The domain events, as CloudEvents, as they happen (after the
    /// commands that caused them are durable).
    pub events: broadcast::Sender<Published>,
    /// The site's warehouse id (CloudEvents source, Kafka key).
    pub warehouse: String,
    thread: Option<JoinHandle<()>>,
    /// Commands replayed from the store at start.
    pub replayed: usize,
}

/// A site rebuilt from a store.
pub struct Rebuilt {
    /// The warehouse as the service left it: after the last stored
    /// command and the timers after it whose events went out.
    pub warehouse: Warehouse,
    /// How far the site's clock got.
    pub end: SimTime,
    /// Kernel events run (timers and commands).
    pub events_run: u64,
    /// Commands replayed.
    pub replayed: usize,
}

/// The site's calendar and the site time it started at, for a site whose
/// file names a time zone: what the store recorded when it was created,
/// or, for a new store (or none), the local day of `wall_now_ms` and that
/// instant rounded down to a metrics interval. A site file with no zone
/// keeps site time from 0 at the store's creation.
///
/// # Errors
/// If the store cannot be read or written, or holds a bad calendar.
pub fn site_clock(
    config: &mut SiteConfig,
    mut store: Option<&mut dyn CommandStore>,
    wall_now_ms: i64,
) -> Result<SimTime, LiveError> {
    let calendar = config.calendar;
    if calendar.is_default() {
        return Ok(SimTime::ZERO);
    }
    let bad = |e: paklog_domain::CalendarError| LiveError::Site(format!("{}: {e}", e.field()));
    let recorded = match store.as_deref_mut() {
        Some(s) => (
            s.meta("start_date")?,
            s.meta("started_ms")?,
            s.meta("time_zone")?,
        ),
        None => (None, None, None),
    };
    if let (Some(date), Some(started), zone) = recorded {
        // The store's zone wins: its commands ran on it.
        let zone = zone.unwrap_or_else(|| calendar.zone_name().to_owned());
        if zone != calendar.zone_name() {
            tracing::warn!(
                "time_zone: the site file says {}, the store was created in {zone}; \
                 the store's zone is used",
                calendar.zone_name()
            );
        }
        config.calendar = SiteCalendar::parse(&zone, &date).map_err(bad)?;
        let started = started.parse().map_err(|_| {
            LiveError::Site(format!("store: started_ms `{started}` is not a number"))
        })?;
        return Ok(SimTime::from_millis(started));
    }
    // A new site: day one is today, unless its file names the day.
    if calendar.start_date() == SiteCalendar::default().start_date() {
        config.calendar =
            SiteCalendar::from_day_of(calendar.zone_name(), wall_now_ms).map_err(bad)?;
    }
    let now = config.calendar.site_time(wall_now_ms).as_millis();
    let started = now - now % METRICS_INTERVAL.as_millis();
    if let Some(s) = store {
        let date = config.calendar.start_date().format("%Y-%m-%d").to_string();
        s.set_meta("time_zone", config.calendar.zone_name())?;
        s.set_meta("start_date", &date)?;
        s.set_meta("started_ms", &started.to_string())?;
    }
    Ok(SimTime::from_millis(started))
}

fn kernel(
    config: SiteConfig,
    started: SimTime,
    history: Vec<Stored>,
    store: Option<Box<dyn CommandStore>>,
) -> Result<Simulation<Input>, LiveError> {
    let mut warehouse = Warehouse::new(config).map_err(|e| LiveError::Site(e.to_string()))?;
    warehouse.start(started);
    let mut store = store;
    let catch_ups = match store.as_mut() {
        Some(s) => s
            .catch_ups()?
            .into_iter()
            .map(|(from, to)| (SimTime::from_millis(from), SimTime::from_millis(to)))
            .collect(),
        None => Vec::new(),
    };
    let mut world = World::new();
    world.insert_resource(Kernel {
        store: store.map(Mutex::new),
        inbox: None,
        dirty: false,
        held: Vec::new(),
        processed: 0,
        replay_failure: None,
        outbox: broadcast::channel(EVENT_BUFFER).0,
        published: 0,
        timer_events: false,
        catch_ups,
    });
    let mut sim = Simulation::new(world);
    warehouse.schedule_timers(&mut sim, Input::Timer);
    sim.world_mut().insert_resource(warehouse);
    sim.run(
        &mut ReplayClock {
            queue: history.into(),
            processed: 0,
        },
        None,
        handle,
    );
    if let Some(why) = sim
        .world_mut()
        .resource_mut::<Kernel>()
        .replay_failure
        .take()
    {
        return Err(LiveError::Replay(why));
    }
    Ok(sim)
}

/// Rebuilds a site from its stored commands, as a restart does, without
/// going live: what `paklog replay` turns into reports. The timers run up
/// to `reached` (see [`reached`]), as a restart runs them.
///
/// # Errors
/// If the site is inconsistent or a stored command is refused.
pub fn rebuild(
    config: SiteConfig,
    started: SimTime,
    history: Vec<Stored>,
    reached: Option<SimTime>,
) -> Result<Rebuilt, LiveError> {
    let replayed = history.len();
    let last = history.last().map_or(started, |s| s.at);
    let mut sim = kernel(config, started, history, None)?;
    // The timers that ran after the last stored command (their events went
    // out).
    if let Some(reached) = reached.filter(|&t| t > sim.now()) {
        sim.run(&mut VirtualClock, Some(reached), handle);
    }
    let end = sim.now().max(last);
    let events_run = sim.events_run();
    let warehouse = sim
        .world_mut()
        .remove_resource::<Warehouse>()
        .ok_or_else(|| LiveError::Site("no warehouse".into()))?;
    Ok(Rebuilt {
        warehouse,
        end,
        events_run,
        replayed,
    })
}

/// How many events a slow WebSocket or Kafka subscriber may fall behind
/// before it misses some.
pub const EVENT_BUFFER: usize = 1 << 16;

impl Live {
    /// Starts the site from `config`, replaying `store` if given, paced by
    /// the wall clock at `speed`. `site_text` (the site file) is recorded
    /// in a new store so that `paklog replay` needs nothing else.
    ///
    /// Call it outside an async runtime when the store is PostgreSQL.
    ///
    /// # Errors
    /// If the store cannot be read, the site is inconsistent or the speed
    /// is not positive.
    pub fn start(
        config: SiteConfig,
        store: Option<Box<dyn CommandStore>>,
        speed: f64,
        site_text: Option<&str>,
    ) -> Result<Live, LiveError> {
        let wall_now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Self::start_at(config, store, speed, site_text, wall_now_ms)
    }

    /// [`start`](Self::start) as if the wall clock read `wall_now_ms` (Unix
    /// milliseconds) now. On a site with a time zone, every timer that fell
    /// due while the service was down (up to that instant) fires first, in
    /// order, before any new command is taken.
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub fn start_at(
        mut config: SiteConfig,
        mut store: Option<Box<dyn CommandStore>>,
        speed: f64,
        site_text: Option<&str>,
        wall_now_ms: i64,
    ) -> Result<Live, LiveError> {
        let mut history = Vec::new();
        if let Some(s) = store.as_mut() {
            history = s.history()?;
            if let Some(text) = site_text {
                match s.site()? {
                    None => s.set_site(text)?,
                    Some(old) if old != text => tracing::warn!(
                        "the site file differs from the one this store was created with; \
                         replay uses the stored commands as they are"
                    ),
                    Some(_) => {}
                }
            }
        }
        let started = site_clock(
            &mut config,
            store.as_mut().map(|s| &mut **s as &mut dyn CommandStore),
            wall_now_ms,
        )?;
        let calendar = (!config.calendar.is_default()).then_some(config.calendar);
        let warehouse = config.warehouse_id.clone();
        let replayed = history.len();
        let reached = match store.as_mut() {
            Some(s) => reached(&mut **s)?,
            None => None,
        };
        let mut sim = kernel(config, started, history, store)?;
        // The timers that ran after the last stored command, up to where
        // the clock got, run again: their events went out under the same
        // sequence numbers.
        if let Some(reached) = reached.filter(|&t| t > sim.now()) {
            sim.run(&mut VirtualClock, Some(reached), handle);
        }
        if let Some(calendar) = calendar {
            // Catch up: the timers that fell due while the service was down.
            let now = calendar.site_time(wall_now_ms);
            if now > sim.now() {
                let from = sim.now();
                let before = sim.world().resource::<Warehouse>().bus().len();
                let caught = sim.run(&mut VirtualClock, Some(now), handle);
                tracing::info!(
                    "site clock {}: {} timers due since {} fired on start",
                    calendar.rfc3339(now),
                    caught.events_run,
                    calendar.rfc3339(from),
                );
                if sim.world().resource::<Warehouse>().bus().len() > before {
                    caught_up(sim.world_mut().resource_mut::<Kernel>().as_mut(), from, now)?;
                }
            }
        }
        // The wall clock goes on from the site's present (after a catch-up),
        // or, on a site without a zone, from where the clock got.
        let (mut clock, sender) =
            WallClock::new(sim.now(), speed).map_err(|e| LiveError::Speed(e.to_string()))?;
        let events = {
            let wh_len = sim.world().resource::<Warehouse>().bus().len();
            let mut k = sim.world_mut().resource_mut::<Kernel>();
            k.inbox = Some(sender.clone());
            // What the replay re-made was sent out before.
            k.published = wh_len;
            k.outbox.clone()
        };
        let thread = std::thread::Builder::new()
            .name("paklog-kernel".into())
            .spawn(move || {
                sim.run(&mut clock, None, handle);
                // Answer whatever waits for a commit.
                let now = sim.now();
                sim.world_mut().resource_scope(|world, wh: Mut<Warehouse>| {
                    let mut k = world.resource_mut::<Kernel>();
                    let _ = flush(&mut k, &wh, now);
                });
            })
            .map_err(|e| LiveError::Site(e.to_string()))?;
        Ok(Live {
            sender,
            events,
            warehouse,
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
    world.resource_scope(|world, mut wh: Mut<Warehouse>| {
        let mut k = world.resource_mut::<Kernel>();
        // Timers and accepted commands count; queries and refusals change
        // nothing and are not replayed.
        let ordinal = k.processed;
        let counts = match event {
            Input::Timer(timer) => {
                let before = wh.bus().len();
                wh.on_timer(now, timer);
                k.timer_events |= wh.bus().len() > before;
                true
            }
            Input::Replay(command) => {
                // It was accepted when it first ran, at this place in the
                // event sequence; the domain is deterministic, so it is
                // accepted again, unless the store is another site's.
                if let Err(e) = wh.execute(now, command.clone()) {
                    if k.replay_failure.is_none() {
                        k.replay_failure =
                            Some(format!("event {ordinal}: {command:?} refused: {e}"));
                    }
                    sched.stop();
                }
                true
            }
            Input::Request(Ask::Execute(command), reply) => {
                let answer = match apply(&mut wh, &mut k, sched, command) {
                    Ok(r) => Answer::Executed(Ok(r)),
                    Err(a) => a,
                };
                answer_when_durable(&mut k, reply, answer);
                false
            }
            Input::Request(Ask::NextTask(associate), reply) => {
                let answer = next_task(&mut wh, &mut k, sched, associate);
                answer_when_durable(&mut k, reply, answer);
                false
            }
            Input::Request(Ask::Query(q), reply) => {
                let answer = Answer::Found(query(&wh, now, &q).map(Box::new));
                answer_when_durable(&mut k, reply, answer);
                false
            }
            Input::Request(Ask::Lookup(code), reply) => {
                answer_when_durable(&mut k, reply, Answer::Looked(look_up(&wh, &code)));
                false
            }
            Input::Subscribe(since, reply) => {
                let _ = reply.send(subscription(&wh, &k, since));
                false
            }
            Input::Delivered { sink, upto } => {
                if let Some(store) = &k.store {
                    let moved = store
                        .lock()
                        .expect("only the kernel thread writes")
                        .set_position(&sink_position(sink), upto);
                    match moved {
                        Ok(()) => k.dirty = true,
                        Err(e) => tracing::warn!("{sink}: position {upto} not stored: {e}"),
                    }
                }
                false
            }
        };
        if counts {
            k.processed += 1;
        }
        wh.schedule_timers(sched, Input::Timer);
        // Group commit: while others wait behind this request, their
        // commands join the same transaction; the last one commits.
        let waiting = k.inbox.as_ref().map_or(0, CommandSender::queued);
        if !(k.dirty && waiting > 0 && k.held.len() < MAX_BATCH) && flush(&mut k, &wh, now).is_err()
        {
            sched.stop();
        }
    });
}

/// Runs a live command: applied, appended to the store and counted in the
/// event sequence when accepted. A command the store cannot take is not
/// acknowledged and stops the kernel (the state is ahead of the store).
fn apply(
    wh: &mut Warehouse,
    k: &mut Kernel,
    sched: &mut Scheduler<'_, Input>,
    command: Command,
) -> Result<Reply, Answer> {
    let now = sched.now();
    let reply = wh
        .execute(now, command.clone())
        .map_err(|e| Answer::Executed(Err(e)))?;
    if let Err(e) = append(k, now, k.processed, &command) {
        sched.stop();
        return Err(Answer::NotStored(e.to_string()));
    }
    k.processed += 1;
    Ok(reply)
}

/// [`Ask::NextTask`]: every step in the kernel, at one instant.
fn next_task(
    wh: &mut Warehouse,
    k: &mut Kernel,
    sched: &mut Scheduler<'_, Input>,
    associate: paklog_domain::AssociateId,
) -> Answer {
    let refused = |a: Answer| match a {
        Answer::Executed(Err(e)) => Answer::NextTask(NextTask::Refused(e)),
        other => other,
    };
    let Some(me) = wh.tasks().associates.get(associate.index()) else {
        return Answer::NextTask(NextTask::UnknownAssociate);
    };
    if !me.signed_on {
        if let Err(a) = apply(wh, k, sched, Command::SignOn { associate }) {
            return refused(a);
        }
    } else if me.idle && me.current.is_none() && wh.tasks().pending_len() == 0 {
        return Answer::NextTask(NextTask::Nothing);
    }
    let task = match apply(wh, k, sched, Command::RequestNextTask { associate }) {
        Ok(Reply::NextTask { task: Some(task) }) => task,
        Ok(_) => return Answer::NextTask(NextTask::Nothing),
        Err(a) => return refused(a),
    };
    let assigned = wh
        .tasks()
        .find(task)
        .is_some_and(|t| t.status == TaskStatus::Assigned);
    if assigned && let Err(a) = apply(wh, k, sched, Command::StartTask { associate, task }) {
        return refused(a);
    }
    match wh.tasks().find(task) {
        Some(t) => Answer::NextTask(NextTask::Task(Box::new(TaskView::new(wh, t)))),
        None => Answer::NextTask(NextTask::Nothing),
    }
}

/// Sends `answer` now, or after the commit when uncommitted commands came
/// before it (no one sees state that is not yet durable).
fn answer_when_durable(k: &mut Kernel, reply: oneshot::Sender<Answer>, answer: Answer) {
    if k.dirty {
        k.held.push((reply, answer));
    } else {
        let _ = reply.send(answer);
    }
}

/// Commits what was appended, then answers everyone waiting and sends the
/// new events out. If the commit fails, no waiting command is
/// acknowledged. Live, events timers made after the last stored command
/// also move the store's clock position to `now` in the same commit, so
/// that no event goes out that a restart would make differently.
fn flush(k: &mut Kernel, wh: &Warehouse, now: SimTime) -> Result<(), StoreError> {
    let mut result = Ok(());
    if let Some(store) = &k.store
        && k.inbox.is_some()
        && k.timer_events
    {
        result = store
            .lock()
            .expect("only the kernel thread writes")
            .set_position(REACHED, now.as_millis());
        k.dirty = true;
        k.timer_events = false;
    }
    if k.dirty && result.is_ok() {
        k.dirty = false;
        if let Some(store) = &k.store {
            result = store
                .lock()
                .expect("only the kernel thread writes")
                .commit();
        }
    }
    let held = std::mem::take(&mut k.held);
    for (reply, answer) in held {
        let answer = match (&result, answer) {
            (Err(e), _) => Answer::NotStored(e.to_string()),
            (Ok(()), a) => a,
        };
        let _ = reply.send(answer);
    }
    if result.is_ok() {
        let new = wh.bus().since(k.published);
        if k.outbox.receiver_count() > 0 {
            for r in new {
                let _ = k.outbox.send(k.publish(wh, r));
            }
        }
        k.published += new.len();
    }
    result
}

/// A subscription from `since`: the events out so far from there, and the
/// channel the later ones go out on (subscribed here, on the kernel
/// thread, the only sender, so nothing falls between the two).
fn subscription(wh: &Warehouse, k: &Kernel, since: Since) -> Result<Subscription, SubscribeError> {
    let next = k.published as u64;
    let from = match since {
        Since::Seq(n) => n,
        Since::Now => next,
        Since::Unacknowledged(sink) => {
            let acknowledged = match &k.store {
                Some(store) => store
                    .lock()
                    .expect("only the kernel thread writes")
                    .position(&sink_position(sink))?
                    .unwrap_or(0),
                None => 0,
            };
            if acknowledged > next {
                tracing::warn!(
                    "{sink}: acknowledged up to event {acknowledged}, but the log rebuilt \
                     from the store ends at {next}; going on from there"
                );
            }
            acknowledged.min(next)
        }
    };
    if from > next {
        return Err(SubscribeError::Ahead { from, next });
    }
    let backlog = wh.bus().since(from as usize)[..(next - from) as usize]
        .iter()
        .map(|r| k.publish(wh, r))
        .collect();
    Ok(Subscription {
        from,
        backlog,
        live: k.outbox.subscribe(),
    })
}

/// Records that the timers due between `from` and `to` fired late, at
/// `to`, with the clock's position: durable before any of their events
/// goes out, so that every sending marks them alike.
fn caught_up(k: &mut Kernel, from: SimTime, to: SimTime) -> Result<(), StoreError> {
    if let Some(store) = &k.store {
        let mut store = store.lock().expect("only the kernel thread writes");
        store.add_catch_up(from.as_millis(), to.as_millis())?;
        store.set_position(REACHED, to.as_millis())?;
        store.commit()?;
    }
    k.catch_ups.push((from, to));
    Ok(())
}

fn append(k: &mut Kernel, now: SimTime, ordinal: u64, command: &Command) -> Result<(), StoreError> {
    let Some(store) = &k.store else {
        return Ok(());
    };
    store
        .lock()
        .expect("only the kernel thread writes")
        .append(now, ordinal, command)?;
    k.dirty = true;
    // Replay puts the command at its ordinal, after the timers before it.
    k.timer_events = false;
    Ok(())
}
