//! The PostgreSQL store: tables `paklog_commands`, `paklog_meta`,
//! `paklog_positions` and `paklog_catch_ups`, held by one service through
//! an advisory lock.

use paklog_domain::Command;
use paklog_sim::SimTime;

use super::{CommandStore, StoreError, Stored, decode};

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
    /// Connects to `url` (`postgres://USER@HOST:PORT/DATABASE`, with
    /// libpq's `sslmode` and `sslrootcert` if wanted: see
    /// [`tls`](super::tls)) and creates the tables if they are missing.
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
        let err = |e: postgres::Error| StoreError::new(&name, with_causes(&e));
        let security = super::tls::security(url).map_err(|e| StoreError::new(&name, e))?;
        let mut config: postgres::Config = security.address.parse().map_err(err)?;
        config.ssl_mode(security.mode);
        // As libpq: a password not in the address comes from PGPASSWORD.
        if config.get_password().is_none()
            && let Ok(password) = std::env::var("PGPASSWORD")
        {
            config.password(password);
        }
        let mut client = config.connect(security.tls).map_err(err)?;
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

/// `e` and every error under it: the driver says only "error performing
/// TLS handshake" at the top, and the certificate's fault below.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
