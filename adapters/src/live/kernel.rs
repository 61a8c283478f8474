//! The kernel loop: each command or timer handled on the site, accepted
//! commands appended to the store and answered once durable (group
//! commit), and the events sent out after the commit.

use super::delivery::{
    Retention, forget_events, sink_position, stored_positions, subscription, sweep,
};
use super::restart::REACHED;
use super::*;

/// Answers held back until the commands before them are durable, at most.
const MAX_BATCH: usize = 512;

/// The kernel's own state besides the warehouse.
#[derive(Resource)]
pub(super) struct Kernel {
    pub(super) store: Option<Mutex<Box<dyn CommandStore>>>,
    /// The way in, to see whether anyone is waiting (group commit).
    pub(super) inbox: Option<CommandSender<Input>>,
    /// Appends not yet committed.
    pub(super) dirty: bool,
    /// Answers waiting for the commit.
    pub(super) held: Vec<(oneshot::Sender<Answer>, Answer)>,
    /// Kernel events run so far (timers, replayed and live commands).
    pub(super) processed: u64,
    /// The first stored command the domain refused on replay, if any.
    pub(super) replay_failure: Option<String>,
    /// Where events go out (WebSocket, Kafka).
    pub(super) outbox: broadcast::Sender<Published>,
    /// Events of the log already sent out.
    pub(super) published: usize,
    /// Whether timers made events since the last stored command: only
    /// those need the clock's position stored to be made again.
    pub(super) timer_events: bool,
    /// The catch-ups after downtime, oldest first: the timers due between
    /// `from` and `to` fired at `to`.
    pub(super) catch_ups: Vec<(SimTime, SimTime)>,
    /// What is kept in memory (see [`forget_events`] and [`sweep`]).
    pub(super) retention: Retention,
    /// The last sweep boundary.
    pub(super) swept: SimTime,
    /// Where each sink with a stored position is: no event is forgotten
    /// before it.
    pub(super) acknowledged: BTreeMap<&'static str, u64>,
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
    pub(super) fn publish(&self, wh: &Warehouse, r: &Recorded) -> Published {
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

pub(super) fn kernel(
    config: SiteConfig,
    started: SimTime,
    history: Vec<Stored>,
    mut store: Option<Box<dyn CommandStore>>,
    retention: Retention,
) -> Result<Simulation<Input>, LiveError> {
    let mut warehouse = Warehouse::new(config).map_err(|e| LiveError::Site(e.to_string()))?;
    warehouse.start(started);
    let catch_ups = match store.as_mut() {
        Some(s) => s
            .catch_ups()?
            .into_iter()
            .map(|(from, to)| (SimTime::from_millis(from), SimTime::from_millis(to)))
            .collect(),
        None => Vec::new(),
    };
    let acknowledged = stored_positions(store.as_mut(), retention.sinks)?;
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
        retention,
        swept: SimTime::ZERO,
        acknowledged,
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

pub(super) fn handle(world: &mut World, sched: &mut Scheduler<'_, Input>, event: Input) {
    let now = sched.now();
    world.resource_scope(|world, mut wh: Mut<Warehouse>| {
        let mut k = world.resource_mut::<Kernel>();
        sweep(&mut k, &mut wh, now);
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
                let sub = subscription(&wh, &k, since);
                if let (Since::Unacknowledged(sink), Ok(sub)) = (since, &sub) {
                    // Held from here on, even before its first
                    // acknowledgement (a sink new to this site).
                    k.acknowledged.entry(sink).or_insert(sub.from);
                }
                let _ = reply.send(sub);
                false
            }
            Input::Delivered { sink, upto } => {
                k.acknowledged.insert(sink, upto);
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
        forget_events(&k, &mut wh);
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
        Some(t) => Answer::NextTask(NextTask::Task(Box::new(NextTaskView::new(
            wh, t, associate,
        )))),
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
pub(super) fn flush(k: &mut Kernel, wh: &Warehouse, now: SimTime) -> Result<(), StoreError> {
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
