//! Clocks decide when the next due event may run.
//!
//! - [`VirtualClock`] jumps straight to it: a what-if day runs as fast as the
//!   machine can go.
//! - [`WallClock`] sleeps until it is due in real time (scaled by a speed
//!   factor), or until an adapter delivers a command through its
//!   [`CommandSender`], whichever comes first.
//!
//! The run loop only ever talks to the [`Clock`] trait, so no handler can tell
//! which clock drives it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crate::time::SimTime;

/// What a clock tells the run loop after waiting.
#[derive(Debug, PartialEq, Eq)]
pub enum Wake<E> {
    /// The deadline has been reached: run the events due at it.
    Due,
    /// An external command arrived at simulated time `at` (never before the
    /// current time, never after the deadline): run it now.
    Command {
        /// When the command arrived, in simulated time.
        at: SimTime,
        /// The command itself, as an event of the model.
        command: E,
    },
    /// Nothing is scheduled and no input can arrive any more.
    Idle,
    /// Someone asked the run to stop (see [`CommandSender::stop`]).
    Stop,
}

/// Paces a run. `E` is the model's event type: commands from outside arrive
/// as events.
pub trait Clock<E> {
    /// Waits until the simulation may advance from `now` to `deadline`, the
    /// time of the next scheduled event (or the horizon); `None` means there
    /// is nothing to wait for but outside input.
    fn synchronize(&mut self, now: SimTime, deadline: Option<SimTime>) -> Wake<E>;
}

/// Runs as fast as possible: every deadline is due at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct VirtualClock;

impl<E> Clock<E> for VirtualClock {
    #[inline]
    fn synchronize(&mut self, _now: SimTime, deadline: Option<SimTime>) -> Wake<E> {
        match deadline {
            Some(_) => Wake::Due,
            None => Wake::Idle,
        }
    }
}

enum Message<E> {
    Command(E),
    Stop,
}

/// The sending end of a [`WallClock`]: adapters (HTTP handlers, Kafka
/// consumers, RTLS listeners) push commands through it. Cheap to clone; safe
/// to use from any thread or async task, since sending never blocks.
pub struct CommandSender<E> {
    tx: Sender<Message<E>>,
    queued: Arc<AtomicUsize>,
}

impl<E> Clone for CommandSender<E> {
    fn clone(&self) -> Self {
        CommandSender {
            tx: self.tx.clone(),
            queued: Arc::clone(&self.queued),
        }
    }
}

impl<E> std::fmt::Debug for CommandSender<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CommandSender")
    }
}

/// The run loop has ended and takes no more commands; the command is handed
/// back so the caller can report it as not accepted.
#[derive(Debug, PartialEq, Eq)]
pub struct RunEnded<E>(pub E);

impl<E> CommandSender<E> {
    /// Delivers `command` to the run loop as soon as it is waiting.
    ///
    /// # Errors
    /// [`RunEnded`] if the run loop has gone; the command was not accepted.
    pub fn send(&self, command: E) -> Result<(), RunEnded<E>> {
        // Counted before it is in the channel, so the loop never sees a
        // command it has not been told about.
        self.queued.fetch_add(1, Ordering::SeqCst);
        self.tx.send(Message::Command(command)).map_err(|e| {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            match e.0 {
                Message::Command(c) => RunEnded(c),
                Message::Stop => unreachable!("we sent a command"),
            }
        })
    }

    /// Commands sent and not yet taken by the run loop. A handler that
    /// batches work (a group commit) flushes when this is 0: nobody is
    /// waiting behind it.
    #[must_use]
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }

    /// Asks the run loop to stop after the commands sent before this call.
    pub fn stop(&self) {
        // If the loop is already gone there is nothing left to stop.
        let _ = self.tx.send(Message::Stop);
    }
}

/// Paces a run by the wall clock, `speed` times faster than real time.
///
/// Simulated time `origin` corresponds to the instant the clock was created;
/// from then on simulated time advances `speed` milliseconds per wall-clock
/// millisecond (1.0 for a live warehouse, 10 or 60 for a demo).
#[derive(Debug)]
pub struct WallClock<E> {
    started: Instant,
    origin: SimTime,
    speed: f64,
    rx: Receiver<Message<E>>,
    queued: Arc<AtomicUsize>,
    senders_gone: bool,
}

/// A speed factor that is not a finite number above zero.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("speed must be a finite number greater than 0, got {0}")]
pub struct InvalidSpeed(pub f64);

impl<E> WallClock<E> {
    /// A wall clock whose simulated time starts at `origin` now, and the
    /// sender that delivers commands to it.
    ///
    /// # Errors
    /// [`InvalidSpeed`] unless `speed` is finite and positive.
    pub fn new(origin: SimTime, speed: f64) -> Result<(Self, CommandSender<E>), InvalidSpeed> {
        if !(speed.is_finite() && speed > 0.0) {
            return Err(InvalidSpeed(speed));
        }
        let (tx, rx) = mpsc::channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let clock = WallClock {
            started: Instant::now(),
            origin,
            speed,
            rx,
            queued: Arc::clone(&queued),
            senders_gone: false,
        };
        Ok((clock, CommandSender { tx, queued }))
    }

    /// The simulated time that corresponds to the present wall-clock instant.
    #[must_use]
    pub fn sim_now(&self) -> SimTime {
        let elapsed = self.started.elapsed().as_secs_f64() * self.speed;
        self.origin
            .saturating_add(crate::SimDuration::from_millis((elapsed * 1000.0) as u64))
    }

    /// The wall-clock instant at which simulated time `t` is due.
    fn wall_instant(&self, t: SimTime) -> Instant {
        let sim_ms = t.saturating_since(self.origin).as_millis() as f64;
        let wall = Duration::from_secs_f64((sim_ms / self.speed / 1000.0).min(1e9));
        self.started + wall
    }

    fn arrival(&self, command: E, now: SimTime, deadline: Option<SimTime>) -> Wake<E> {
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let mut at = self.sim_now().max(now);
        if let Some(d) = deadline {
            at = at.min(d);
        }
        Wake::Command { at, command }
    }
}

impl<E> Clock<E> for WallClock<E> {
    fn synchronize(&mut self, now: SimTime, deadline: Option<SimTime>) -> Wake<E> {
        let Some(deadline) = deadline else {
            return match self.rx.recv() {
                Ok(Message::Command(c)) => self.arrival(c, now, None),
                Ok(Message::Stop) => Wake::Stop,
                Err(_) => Wake::Idle,
            };
        };
        let due = self.wall_instant(deadline);
        loop {
            let wait = due.saturating_duration_since(Instant::now());
            if wait.is_zero() {
                // Commands that arrived while we were busy go first: they
                // happened before this deadline was reached.
                return match self.rx.try_recv() {
                    Ok(Message::Command(c)) => self.arrival(c, now, Some(deadline)),
                    Ok(Message::Stop) => Wake::Stop,
                    Err(_) => Wake::Due,
                };
            }
            if self.senders_gone {
                std::thread::sleep(wait);
                continue;
            }
            match self.rx.recv_timeout(wait) {
                Ok(Message::Command(c)) => return self.arrival(c, now, Some(deadline)),
                Ok(Message::Stop) => return Wake::Stop,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => self.senders_gone = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_clock_never_waits() {
        let mut c = VirtualClock;
        assert_eq!(
            Clock::<()>::synchronize(&mut c, SimTime::ZERO, Some(SimTime::MAX)),
            Wake::Due
        );
        assert_eq!(
            Clock::<()>::synchronize(&mut c, SimTime::ZERO, None),
            Wake::Idle
        );
    }

    #[test]
    fn wall_clock_rejects_bad_speeds() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(WallClock::<()>::new(SimTime::ZERO, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wall_clock_reports_closed_input_when_idle() {
        let (mut clock, tx) = WallClock::<u8>::new(SimTime::ZERO, 1.0).unwrap();
        tx.send(1).unwrap();
        drop(tx);
        assert!(matches!(
            clock.synchronize(SimTime::ZERO, None),
            Wake::Command { command: 1, .. }
        ));
        assert_eq!(clock.synchronize(SimTime::ZERO, None), Wake::Idle);
    }

    #[test]
    fn the_sender_counts_commands_not_yet_taken() {
        let (mut clock, tx) = WallClock::<u8>::new(SimTime::ZERO, 1.0).unwrap();
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        assert_eq!(tx.queued(), 2);
        let _ = clock.synchronize(SimTime::ZERO, None);
        assert_eq!(tx.queued(), 1);
        let _ = clock.synchronize(SimTime::ZERO, None);
        assert_eq!(tx.queued(), 0);
        drop(clock);
        assert!(tx.send(3).is_err());
        assert_eq!(tx.queued(), 0, "a refused send is not counted");
    }

    #[test]
    fn a_queued_command_beats_an_overdue_deadline() {
        let (mut clock, tx) = WallClock::<u8>::new(SimTime::ZERO, 1.0).unwrap();
        tx.send(9).unwrap();
        // The deadline is already past, but the command was there first.
        let wake = clock.synchronize(SimTime::ZERO, Some(SimTime::ZERO));
        assert_eq!(
            wake,
            Wake::Command {
                at: SimTime::ZERO,
                command: 9
            }
        );
        assert_eq!(
            clock.synchronize(SimTime::ZERO, Some(SimTime::ZERO)),
            Wake::Due
        );
    }

    #[test]
    fn stop_wakes_a_waiting_clock() {
        let (mut clock, tx) = WallClock::<u8>::new(SimTime::ZERO, 1.0).unwrap();
        let t = std::thread::spawn(move || tx.stop());
        assert_eq!(
            clock.synchronize(SimTime::ZERO, Some(SimTime::from_millis(60_000))),
            Wake::Stop
        );
        t.join().unwrap();
    }
}
