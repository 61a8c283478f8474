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

use std::collections::{BTreeMap, VecDeque};
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
use crate::views::{NextTaskView, View};

mod delivery;
mod kernel;
mod query;
mod restart;

pub use delivery::{
    KAFKA_SINK, Retention, SINKS, SWEEP_EVERY, Since, SubscribeError, Subscription, subscribe,
};
pub use query::{Found, Lookup, Query};
pub use restart::{Rebuilt, reached, rebuild, site_clock};

use kernel::{Kernel, flush, handle, kernel};
use query::{look_up, query};
use restart::caught_up;

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
    /// The task in hand, started (as [`Query::Task`] shows it), with the
    /// stop to do now and the walk to it.
    Task(Box<NextTaskView>),
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
    /// The OpenAPI document of this site's API.
    pub openapi: std::sync::Arc<serde_json::Value>,
}

/// The wall clock now, in Unix milliseconds (what a start reads).
#[must_use]
pub fn wall_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// How many events a slow WebSocket or Kafka subscriber may fall behind
/// before it misses some.
pub const EVENT_BUFFER: usize = 1 << 16;

impl Live {
    /// Starts the site from `config`, replaying `store` if given, paced by
    /// the wall clock at `speed`. `site_text` (the site file) is recorded
    /// in a new store so that `paklog replay` needs nothing else.
    ///
    /// A site whose calendar is not the default one runs on local time
    /// (see [`site_clock`]); one on the default calendar runs on the
    /// virtual clock, site time from 0 when its store was made (`paklog
    /// serve` gives a site file that names no zone UTC instead).
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
        Self::start_at(config, store, speed, site_text, wall_now_ms())
    }

    /// [`start`](Self::start) as if the wall clock read `wall_now_ms` (Unix
    /// milliseconds) now. On a site with a time zone, every timer that fell
    /// due while the service was down (up to that instant) fires first, in
    /// order, before any new command is taken.
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub fn start_at(
        config: SiteConfig,
        store: Option<Box<dyn CommandStore>>,
        speed: f64,
        site_text: Option<&str>,
        wall_now_ms: i64,
    ) -> Result<Live, LiveError> {
        Self::start_with(
            config,
            store,
            speed,
            site_text,
            wall_now_ms,
            Retention::default(),
        )
    }

    /// [`start_at`](Self::start_at), keeping in memory what `retention`
    /// says.
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub fn start_with(
        mut config: SiteConfig,
        mut store: Option<Box<dyn CommandStore>>,
        speed: f64,
        site_text: Option<&str>,
        wall_now_ms: i64,
        retention: Retention,
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
            !history.is_empty(),
            wall_now_ms,
        )?;
        let calendar = (!config.calendar.is_default()).then_some(config.calendar);
        let warehouse = config.warehouse_id.clone();
        let openapi = std::sync::Arc::new(crate::openapi::document(
            &crate::openapi::SiteFacts::of(&config),
        ));
        let replayed = history.len();
        let reached = match store.as_mut() {
            Some(s) => reached(&mut **s)?,
            None => None,
        };
        let mut sim = kernel(config, started, history, store, retention)?;
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
            openapi,
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
