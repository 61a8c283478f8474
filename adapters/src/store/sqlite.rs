//! The SQLite store: one file in WAL mode with `synchronous = FULL`, held
//! by one service through SQLite's exclusive locking mode.

use std::path::Path;

use paklog_domain::Command;
use paklog_sim::SimTime;

use super::{CommandStore, StoreError, Stored, decode};

/// A SQLite command store.
#[derive(Debug)]
pub struct SqliteStore {
    name: String,
    conn: rusqlite::Connection,
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`.
    ///
    /// # Errors
    /// If the file cannot be opened as a SQLite database, or another
    /// service holds it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let name = path.display().to_string();
        let err = |e: rusqlite::Error| {
            let busy = matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            );
            if busy {
                StoreError::new(&name, format!("{e} (is another service using this store?)"))
            } else {
                StoreError::new(&name, e)
            }
        };
        let conn = rusqlite::Connection::open(path).map_err(err)?;
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
             CREATE TABLE IF NOT EXISTS meta (
                 key   TEXT PRIMARY KEY,
                 value TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS positions (
                 name  TEXT PRIMARY KEY,
                 value INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS catch_ups (
                 seq     INTEGER PRIMARY KEY,
                 from_ms INTEGER NOT NULL,
                 to_ms   INTEGER NOT NULL
             );
             COMMIT;",
        )
        .map_err(err)?;
        Ok(SqliteStore { name, conn })
    }

    fn error(&self, message: impl ToString) -> StoreError {
        StoreError::new(&self.name, message)
    }

    /// Opens the transaction that appends join, unless one is open.
    fn begin(&mut self) -> Result<(), StoreError> {
        if self.conn.is_autocommit() {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| self.error(e))?;
        }
        Ok(())
    }
}

impl CommandStore for SqliteStore {
    fn history(&mut self) -> Result<Vec<Stored>, StoreError> {
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
            out.push(decode(&self.name, seq, at, ordinal, &json)?);
        }
        Ok(out)
    }

    fn append(&mut self, at: SimTime, ordinal: u64, command: &Command) -> Result<(), StoreError> {
        let json = serde_json::to_string(command).map_err(|e| self.error(e))?;
        self.begin()?;
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO commands (at_ms, ordinal, command) VALUES (?1, ?2, ?3)")
            .map_err(|e| self.error(e))?;
        insert
            .execute(rusqlite::params![
                at.as_millis() as i64,
                ordinal as i64,
                json
            ])
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn
                .execute_batch("COMMIT")
                .map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.error(e))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
                [key, value],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn position(&mut self, name: &str) -> Result<Option<u64>, StoreError> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT value FROM positions WHERE name = ?1", [name], |r| {
                r.get::<_, i64>(0)
            })
            .optional()
            .map(|v| v.map(|v| v as u64))
            .map_err(|e| self.error(e))
    }

    fn set_position(&mut self, name: &str, value: u64) -> Result<(), StoreError> {
        self.begin()?;
        self.conn
            .prepare_cached(
                "INSERT INTO positions (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            )
            .and_then(|mut upsert| upsert.execute(rusqlite::params![name, value as i64]))
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn catch_ups(&mut self) -> Result<Vec<(u64, u64)>, StoreError> {
        let mut query = self
            .conn
            .prepare("SELECT from_ms, to_ms FROM catch_ups ORDER BY seq")
            .map_err(|e| self.error(e))?;
        query
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
            })
            .and_then(Iterator::collect)
            .map_err(|e| StoreError::new(&self.name, e))
    }

    fn add_catch_up(&mut self, from: u64, to: u64) -> Result<(), StoreError> {
        self.begin()?;
        self.conn
            .execute(
                "INSERT INTO catch_ups (from_ms, to_ms) VALUES (?1, ?2)",
                [from as i64, to as i64],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::contract;

    #[test]
    fn sqlite_positions_keep_the_contract() {
        let path =
            std::env::temp_dir().join(format!("paklog-positions-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let open = |p: &Path| Box::new(SqliteStore::open(p).unwrap()) as Box<dyn CommandStore>;
        contract::positions(open(&path), |store| {
            drop(store);
            open(&path)
        });
        let _ = std::fs::remove_file(&path);
    }
}
