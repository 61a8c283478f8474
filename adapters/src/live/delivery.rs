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
