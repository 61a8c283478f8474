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
        let err = |e: rusqlite::Error| StoreError {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS commands (
                 seq     INTEGER PRIMARY KEY,
                 at_ms   INTEGER NOT NULL,
                 command TEXT    NOT NULL
             );",
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

    /// Appends an accepted command; it is durable when this returns.
    ///
    /// # Errors
    /// If it cannot be written (the command must then not be acknowledged).
    pub fn append(&mut self, at: SimTime, command: &Command) -> Result<(), StoreError> {
        let json = serde_json::to_string(command).map_err(|e| self.error(e))?;
        self.conn
            .execute(
                "INSERT INTO commands (at_ms, command) VALUES (?1, ?2)",
                params![at.as_millis() as i64, json],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Every stored command in order, with its time.
    ///
    /// # Errors
    /// If the store cannot be read or holds something that is not a command.
    pub fn history(&self) -> Result<Vec<(SimTime, Command)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at_ms, command FROM commands ORDER BY seq")
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.error(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, at, json) = row.map_err(|e| self.error(e))?;
            let command: Command = serde_json::from_str(&json)
                .map_err(|e| self.error(format!("command {seq}: {e}")))?;
            out.push((SimTime::from_millis(at.max(0) as u64), command));
        }
        Ok(out)
    }
}
