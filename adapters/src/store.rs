//! The durable event store: every accepted command, in order, with the
//! simulated time it ran at. Replaying it rebuilds the site, because the
//! domain is deterministic.
//!
//! Embedded default: SQLite in WAL mode with `synchronous = FULL`, so a
//! command is on disk before its client hears it was accepted.

use std::path::{Path, PathBuf};

use paklog_domain::Command;
use paklog_sim::SimTime;
use rusqlite::{Connection, params};

/// The store cannot be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[error("event store {path}: {message}")]
pub struct StoreError {
    /// The store's file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
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

/// A SQLite event store.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Connection,
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`.
    ///
    /// # Errors
    /// If the file cannot be opened as a SQLite database.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let err = |e: rusqlite::Error| {
            let busy = matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            );
            StoreError {
                path: path.to_owned(),
                message: if busy {
                    format!("{e} (is another service using this store?)")
                } else {
                    e.to_string()
                },
            }
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_millis(200))
            .map_err(err)?;
        // One service per store: the first to open it holds it.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.execute_batch(
            "BEGIN EXCLUSIVE;
             CREATE TABLE IF NOT EXISTS commands (
                 seq     INTEGER PRIMARY KEY,
                 at_ms   INTEGER NOT NULL,
                 ordinal INTEGER NOT NULL,
                 command TEXT    NOT NULL
             );
             COMMIT;",
        )
        .map_err(err)?;
        Ok(SqliteStore {
            path: path.to_owned(),
            conn,
        })
    }

    fn error(&self, message: impl ToString) -> StoreError {
        StoreError {
            path: self.path.clone(),
            message: message.to_string(),
        }
    }

    /// Appends an accepted command that ran at `at` as the kernel's
    /// `ordinal`-th event; it is durable when this returns.
    ///
    /// # Errors
    /// If it cannot be written (the command must then not be acknowledged).
    pub fn append(
        &mut self,
        at: SimTime,
        ordinal: u64,
        command: &Command,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(command).map_err(|e| self.error(e))?;
        self.conn
            .execute(
                "INSERT INTO commands (at_ms, ordinal, command) VALUES (?1, ?2, ?3)",
                params![at.as_millis() as i64, ordinal as i64, json],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Every stored command in order: its kernel ordinal, time and itself.
    ///
    /// # Errors
    /// If the store cannot be read or holds something that is not a command.
    pub fn history(&self) -> Result<Vec<Stored>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at_ms, ordinal, command FROM commands ORDER BY seq")
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.error(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, at, ordinal, json) = row.map_err(|e| self.error(e))?;
            let command: Command = serde_json::from_str(&json)
                .map_err(|e| self.error(format!("command {seq}: {e}")))?;
            out.push(Stored {
                ordinal: ordinal.max(0) as u64,
                at: SimTime::from_millis(at.max(0) as u64),
                command,
            });
        }
        Ok(out)
    }
}
