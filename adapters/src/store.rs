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

/// A PostgreSQL command store.
pub struct PgStore {
    name: String,
    client: postgres::Client,
    insert: postgres::Statement,
    in_transaction: bool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("name", &self.name).finish()
    }
}

/// The advisory lock a service holds on its PostgreSQL store.
const PG_LOCK: i64 = 0x7061_6b6c_6f67; // "paklog"

impl PgStore {
    /// Connects to `url` (`postgres://USER@HOST:PORT/DATABASE`) and creates
    /// the tables if they are missing.
    ///
    /// Call it outside an async runtime (the client runs its own).
    ///
    /// # Errors
    /// If the server cannot be reached, or another service holds the store.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        // Never echo a password.
        let name = match url.split_once('@') {
            Some((scheme_user, host)) => match scheme_user.rsplit_once(':') {
                Some((user, _)) if user.contains("//") && !user.ends_with('/') => {
                    format!("{user}:***@{host}")
                }
                _ => url.to_owned(),
            },
            None => url.to_owned(),
        };
        let err = |e: postgres::Error| StoreError::new(&name, e);
        let mut config: postgres::Config = url.parse().map_err(err)?;
        // As libpq: a password not in the address comes from PGPASSWORD.
        if config.get_password().is_none()
            && let Ok(password) = std::env::var("PGPASSWORD")
        {
            config.password(password);
        }
        let mut client = config.connect(postgres::NoTls).map_err(err)?;
        let locked: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&PG_LOCK])
            .map_err(err)?
            .get(0);
        if !locked {
            return Err(StoreError::new(
                &name,
                "another service is using this store (advisory lock held)",
            ));
        }
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS paklog_commands (
                     seq     BIGSERIAL PRIMARY KEY,
                     at_ms   BIGINT NOT NULL,
                     ordinal BIGINT NOT NULL,
                     command TEXT   NOT NULL
                 );
                 CREATE TABLE IF NOT EXISTS paklog_meta (
                     key   TEXT PRIMARY KEY,
                     value TEXT NOT NULL
                 );
                 CREATE TABLE IF NOT EXISTS paklog_positions (
                     name  TEXT PRIMARY KEY,
                     value BIGINT NOT NULL
                 );
                 CREATE TABLE IF NOT EXISTS paklog_catch_ups (
                     seq     BIGSERIAL PRIMARY KEY,
                     from_ms BIGINT NOT NULL,
                     to_ms   BIGINT NOT NULL
                 );",
            )
            .map_err(err)?;
        let insert = client
            .prepare("INSERT INTO paklog_commands (at_ms, ordinal, command) VALUES ($1, $2, $3)")
            .map_err(err)?;
        Ok(PgStore {
            name,
            client,
            insert,
            in_transaction: false,
        })
    }

    fn error(&self, message: impl ToString) -> StoreError {
        StoreError::new(&self.name, message)
    }

    /// Opens the transaction that appends join, unless one is open.
    fn begin(&mut self) -> Result<(), StoreError> {
        if !self.in_transaction {
            self.client
                .batch_execute("BEGIN")
                .map_err(|e| self.error(e))?;
            self.in_transaction = true;
        }
        Ok(())
    }
}

impl CommandStore for PgStore {
    fn history(&mut self) -> Result<Vec<Stored>, StoreError> {
        let rows = self
            .client
            .query(
                "SELECT seq, at_ms, ordinal, command FROM paklog_commands ORDER BY seq",
                &[],
            )
            .map_err(|e| self.error(e))?;
        rows.iter()
            .map(|r| decode(&self.name, r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect()
    }

    fn append(&mut self, at: SimTime, ordinal: u64, command: &Command) -> Result<(), StoreError> {
        let json = serde_json::to_string(command).map_err(|e| self.error(e))?;
        self.begin()?;
        self.client
            .execute(
                &self.insert,
                &[&(at.as_millis() as i64), &(ordinal as i64), &json],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        if self.in_transaction {
            self.in_transaction = false;
            self.client
                .batch_execute("COMMIT")
                .map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .client
            .query_opt("SELECT value FROM paklog_meta WHERE key = $1", &[&key])
            .map_err(|e| self.error(e))?;
        Ok(row.map(|r| r.get(0)))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.client
            .execute(
                "INSERT INTO paklog_meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&key, &value],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn position(&mut self, name: &str) -> Result<Option<u64>, StoreError> {
        let row = self
            .client
            .query_opt(
                "SELECT value FROM paklog_positions WHERE name = $1",
                &[&name],
            )
            .map_err(|e| self.error(e))?;
        Ok(row.map(|r| r.get::<_, i64>(0) as u64))
    }

    fn set_position(&mut self, name: &str, value: u64) -> Result<(), StoreError> {
        self.begin()?;
        self.client
            .execute(
                "INSERT INTO paklog_positions (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE
                 SET value = GREATEST(paklog_positions.value, EXCLUDED.value)",
                &[&name, &(value as i64)],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn catch_ups(&mut self) -> Result<Vec<(u64, u64)>, StoreError> {
        let rows = self
            .client
            .query(
                "SELECT from_ms, to_ms FROM paklog_catch_ups ORDER BY seq",
                &[],
            )
            .map_err(|e| self.error(e))?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, i64>(1) as u64))
            .collect())
    }

    fn add_catch_up(&mut self, from: u64, to: u64) -> Result<(), StoreError> {
        self.begin()?;
        self.client
            .execute(
                "INSERT INTO paklog_catch_ups (from_ms, to_ms) VALUES ($1, $2)",
                &[&(from as i64), &(to as i64)],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
