//! Every event delivered: subscriptions that start at a sequence number,
//! or after the last event a sink acknowledged, and go on with no gap and
//! no repeat.

use super::*;

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

/// Where a subscription to the events starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// At this sequence number (a CloudEvent id's number).
    Seq(u64),
    /// After the last event the sink acknowledged (from the oldest event
    /// kept for a sink never seen).
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
    /// It names an event this site no longer keeps in memory.
    #[error(
        "from: event {from} is no longer kept (the oldest kept is {first}; \
         a subscriber that fell this far behind starts again from there)"
    )]
    Forgotten {
        /// What was asked for.
        from: u64,
        /// The oldest event kept.
        first: u64,
    },
    /// The sink's position cannot be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The sinks whose positions are stored: no event is forgotten before
/// each of them has it.
pub const SINKS: [&str; 1] = [KAFKA_SINK];

/// The Kafka publisher's sink name.
pub const KAFKA_SINK: &str = "kafka";

/// What a live site keeps in memory, so that it does not grow with all
/// the site has done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// How many of the latest events are kept for subscribers that resume
    /// (`?from=SEQ`), at least; older ones are forgotten once every sink
    /// with a stored position has them.
    pub events: usize,
    /// How long orders, tasks and waves are kept once finished (none:
    /// for ever).
    pub finished: Option<SimDuration>,
    /// The sinks whose stored positions hold events from the start (those
    /// this service will publish to: a stored position of a sink no longer
    /// used would hold them for ever). A sink that subscribes holds its
    /// place from then on in any case.
    pub sinks: &'static [&'static str],
}

impl Retention {
    /// Everything, for ever: what a rebuild for reports needs.
    pub const EVERYTHING: Retention = Retention {
        events: usize::MAX,
        finished: None,
        sinks: &SINKS,
    };
}

impl Default for Retention {
    /// The latest 131 072 events (about two hours at 100 000 orders a
    /// day), and what finished in the last 24 hours.
    fn default() -> Self {
        Retention {
            events: 1 << 17,
            finished: Some(SimDuration::from_hours(24)),
            sinks: &SINKS,
        }
    }
}

/// How often (in site time) finished orders, tasks and waves are swept:
/// each sweep looks at every old record still open, a few milliseconds on
/// a busy site.
pub const SWEEP_EVERY: SimDuration = SimDuration::from_mins(10);

/// The stored positions of `sinks` that have one.
pub(super) fn stored_positions(
    store: Option<&mut Box<dyn CommandStore>>,
    sinks: &[&'static str],
) -> Result<BTreeMap<&'static str, u64>, StoreError> {
    let mut out = BTreeMap::new();
    if let Some(store) = store {
        for &sink in sinks {
            if let Some(at) = store.position(&sink_position(sink))? {
                out.insert(sink, at);
            }
        }
    }
    Ok(out)
}

/// Forgets the oldest events once twice `k.retention.events` are kept:
/// all but the latest, and never one not yet out or not yet acknowledged
/// by a sink with a stored position. Nothing the domain decides reads
/// them, so this may run whenever.
pub(super) fn forget_events(k: &Kernel, wh: &mut Warehouse) {
    let keep = k.retention.events;
    if wh.bus().log().len() < keep.max(1).saturating_mul(2) {
        return;
    }
    let floor = [k.published as u64, (wh.bus().len() - keep) as u64]
        .into_iter()
        .chain(k.acknowledged.values().copied())
        .min()
        .expect("not empty");
    wh.forget_events_before(floor);
}

/// Forgets the orders, tasks and waves finished `k.retention.finished`
/// before the last sweep boundary (every [`SWEEP_EVERY`] of site time).
/// It runs before each input, so that what is forgotten when a command
/// runs depends only on the command's site time: a replay forgets the
/// same, and a stored command is never refused for an order forgotten.
pub(super) fn sweep(k: &mut Kernel, wh: &mut Warehouse, now: SimTime) {
    let Some(keep) = k.retention.finished else {
        return;
    };
    let every = SWEEP_EVERY.as_millis();
    let boundary = SimTime::from_millis(now.as_millis() / every * every);
    if boundary <= k.swept {
        return;
    }
    k.swept = boundary;
    if let Some(before) = boundary.as_millis().checked_sub(keep.as_millis()) {
        wh.forget_finished(SimTime::from_millis(before));
    }
}

/// The store's key for `sink`'s position.
pub(super) fn sink_position(sink: &str) -> String {
    format!("sink:{sink}")
}

/// A subscription from `since`: the events out so far from there, and the
/// channel the later ones go out on (subscribed here, on the kernel
/// thread, the only sender, so nothing falls between the two).
pub(super) fn subscription(
    wh: &Warehouse,
    k: &Kernel,
    since: Since,
) -> Result<Subscription, SubscribeError> {
    let next = k.published as u64;
    let first = wh.bus().first_kept();
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
            if acknowledged < first {
                // Only a sink with no stored position (new to this site).
                tracing::warn!(
                    "{sink}: no position stored; starting from event {first}, the oldest kept"
                );
            }
            acknowledged.clamp(first, next)
        }
    };
    if from > next {
        return Err(SubscribeError::Ahead { from, next });
    }
    if from < first {
        return Err(SubscribeError::Forgotten { from, first });
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
