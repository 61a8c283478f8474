//! The durable command store: every accepted command, in order, with the
//! simulated time it ran at and its place in the kernel's event sequence.
//! Replaying it rebuilds the site, because the domain is deterministic.
//!
//! Two stores, one contract ([`CommandStore`]):
//! - SQLite (embedded default) in WAL mode with `synchronous = FULL`;
//! - PostgreSQL (`postgres://…`), tables `paklog_commands` and `paklog_meta`.
//!
//! Appends go into an open transaction; [`CommandStore::commit`] makes them
//! durable. The kernel commits before it answers anyone (group commit: one
//! fsync for every command that arrived meanwhile), so no client hears of
//! a command that is not on disk. Each store is held by one service at a
//! time: SQLite by an exclusive lock, PostgreSQL by an advisory lock.

use std::path::Path;

use paklog_domain::Command;
use paklog_sim::SimTime;

mod pg;
mod sqlite;
mod tls;

pub use pg::PgStore;
pub use sqlite::SqliteStore;

/// The store cannot be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[error("command store {store}: {message}")]
pub struct StoreError {
    /// Which store (file or URL without password).
    pub store: String,
    /// What went wrong.
    pub message: String,
}

impl StoreError {
    /// An error of the store named `store`.
    fn new(store: &str, message: impl ToString) -> Self {
        StoreError {
            store: store.to_owned(),
            message: message.to_string(),
        }
    }
}

/// A stored command.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// How many kernel events ran before it (timers included): replay puts
    /// it back at exactly that place.
    pub ordinal: u64,
    /// When it ran.
    pub at: SimTime,
    /// The command.
    pub command: Command,
}

/// Where accepted commands are kept.
pub trait CommandStore: Send {
    /// Every stored command in order.
    ///
    /// # Errors
    /// If the store cannot be read or holds something that is not a command.
    fn history(&mut self) -> Result<Vec<Stored>, StoreError>;

    /// Adds an accepted command that ran at `at` as the kernel's
    /// `ordinal`-th event to the open transaction (durable after
    /// [`commit`](Self::commit)).
    ///
    /// # Errors
    /// If it cannot be written (the command must then not be acknowledged).
    fn append(&mut self, at: SimTime, ordinal: u64, command: &Command) -> Result<(), StoreError>;

    /// Makes every append so far durable.
    ///
    /// # Errors
    /// If the commit fails (nothing since the last commit may be
    /// acknowledged).
    fn commit(&mut self) -> Result<(), StoreError>;

    /// The value recorded under `key` (`site`, `start_date` …), if any.
    ///
    /// # Errors
    /// If the store cannot be read.
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError>;

    /// Records `value` under `key`, unless something is recorded there
    /// already: what a store was created with stays.
    ///
    /// # Errors
    /// If it cannot be written.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;

    /// The position recorded under `name`, if any: how far a sink has
    /// acknowledged the event log (`sink:kafka`), how far the site's clock
    /// got (`reached_ms`).
    ///
    /// # Errors
    /// If the store cannot be read.
    fn position(&mut self, name: &str) -> Result<Option<u64>, StoreError>;

    /// Moves position `name` forward to `value` (never back) in the open
    /// transaction, durable after [`commit`](Self::commit).
    ///
    /// # Errors
    /// If it cannot be written.
    fn set_position(&mut self, name: &str, value: u64) -> Result<(), StoreError>;

    /// Every catch-up so far, oldest first: `(from, to)` in site
    /// milliseconds, the timers due between the two having fired late, at
    /// `to`, when the service came back.
    ///
    /// # Errors
    /// If the store cannot be read.
    fn catch_ups(&mut self) -> Result<Vec<(u64, u64)>, StoreError>;

    /// Records a catch-up from `from` to `to` in the open transaction,
    /// durable after [`commit`](Self::commit).
    ///
    /// # Errors
    /// If it cannot be written.
    fn add_catch_up(&mut self, from: u64, to: u64) -> Result<(), StoreError>;

    /// The site file the store was created for, if it was recorded.
    ///
    /// # Errors
    /// If the store cannot be read.
    fn site(&mut self) -> Result<Option<String>, StoreError> {
        self.meta("site")
    }

    /// Records the site file (once, when the store is new).
    ///
    /// # Errors
    /// If it cannot be written.
    fn set_site(&mut self, text: &str) -> Result<(), StoreError> {
        self.set_meta("site", text)
    }
}

/// Opens a store from its command-line form: `sqlite:FILE` or
/// `postgres://…`.
///
/// # Errors
/// If the form is neither, or the store cannot be opened.
pub fn open(spec: &str) -> Result<Box<dyn CommandStore>, StoreError> {
    if let Some(file) = spec.strip_prefix("sqlite:") {
        Ok(Box::new(SqliteStore::open(Path::new(file))?))
    } else if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        Ok(Box::new(PgStore::open(spec)?))
    } else {
        Err(StoreError::new(
            spec,
            "expected sqlite:FILE or postgres://USER@HOST/DATABASE",
        ))
    }
}

fn decode(store: &str, seq: i64, at: i64, ordinal: i64, json: &str) -> Result<Stored, StoreError> {
    let command: Command = serde_json::from_str(json)
        .map_err(|e| StoreError::new(store, format!("command {seq}: {e}")))?;
    Ok(Stored {
        ordinal: ordinal.max(0) as u64,
        at: SimTime::from_millis(at.max(0) as u64),
        command,
    })
}

/// What every store must do with positions; run against each kind.
#[doc(hidden)]
pub mod contract {
    use super::*;

    /// Positions start unset, move only forward, and last only once
    /// committed. `reopen` drops the store it is given (rolling back what
    /// was not committed) and opens it again.
    ///
    /// # Panics
    /// Where the store breaks the contract.
    pub fn positions(
        mut store: Box<dyn CommandStore>,
        reopen: impl Fn(Box<dyn CommandStore>) -> Box<dyn CommandStore>,
    ) {
        assert_eq!(store.position("sink:kafka").unwrap(), None);
        store.set_position("sink:kafka", 5).unwrap();
        store.commit().unwrap();
        assert_eq!(store.position("sink:kafka").unwrap(), Some(5));
        store.set_position("sink:kafka", 3).unwrap();
        store.set_position("reached_ms", 60_000).unwrap();
        store.commit().unwrap();
        assert_eq!(store.position("sink:kafka").unwrap(), Some(5), "never back");
        let mut store = reopen(store);
        assert_eq!(store.position("reached_ms").unwrap(), Some(60_000));
        store.set_position("sink:kafka", 9).unwrap();
        let mut store = reopen(store);
        assert_eq!(
            store.position("sink:kafka").unwrap(),
            Some(5),
            "an uncommitted move is lost with the process"
        );
        // Catch-ups are kept in the order they happened.
        assert_eq!(store.catch_ups().unwrap(), []);
        store.add_catch_up(60_000, 120_000).unwrap();
        store.add_catch_up(120_000, 90_000_000).unwrap();
        store.commit().unwrap();
        store.add_catch_up(90_000_000, 99_000_000).unwrap();
        let mut store = reopen(store);
        assert_eq!(
            store.catch_ups().unwrap(),
            [(60_000, 120_000), (120_000, 90_000_000)],
            "committed ones, in order"
        );
    }
}
