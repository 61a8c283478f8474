//! Real servers for the adapter tests: a Kafka-protocol broker (tansu) and
//! a PostgreSQL database, started or found by the test itself.

#![allow(dead_code, reason = "each test file uses part of the support")]

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A tansu broker on a free loopback port, stopped when dropped.
pub struct Broker {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// Where it keeps topics and records (`memory://tansu/`, or a SQLite
    /// file that outlives the process).
    storage: String,
    /// The folder it runs in (tansu takes a SQLite path as relative).
    dir: PathBuf,
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where the tansu binary is: `$PAKLOG_TANSU`, the tool cache `scripts/test`
/// builds it into, or the PATH.
fn tansu() -> PathBuf {
    if let Some(p) = std::env::var_os("PAKLOG_TANSU") {
        return PathBuf::from(p);
    }
    let cache = std::env::var_os("PAKLOG_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/paklog-twin")))
        .unwrap_or_default()
        .join("tools/bin/tansu");
    if cache.exists() {
        return cache;
    }
    PathBuf::from("tansu")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_for(address: &str, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(address).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} did not listen on {address} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Broker {
    /// Starts a broker that keeps everything in memory.
    pub fn start() -> Broker {
        Broker::spawn(free_port(), "memory://tansu/".into(), std::env::temp_dir())
    }

    /// Starts a broker that keeps everything in `tansu.db` in `dir`, so
    /// that it can be stopped and started again with nothing lost.
    pub fn start_persistent(dir: &std::path::Path) -> Broker {
        Broker::spawn(free_port(), "sqlite://tansu.db".into(), dir.to_owned())
    }

    fn spawn(port: u16, storage: String, dir: PathBuf) -> Broker {
        let address = format!("127.0.0.1:{port}");
        let child = broker_process(&address, &storage, &dir);
        let broker = Broker {
            child,
            address,
            storage,
            dir,
        };
        wait_for(&broker.address, "tansu");
        broker
    }

    /// Stops the broker (SIGTERM) and waits for it to exit.
    pub fn stop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }

    /// Starts the broker again (after [`stop`](Self::stop)) on the same
    /// port and storage.
    pub fn restart(&mut self) {
        self.child = broker_process(&self.address, &self.storage, &self.dir);
        wait_for(&self.address, "tansu");
    }
}

/// A tansu broker process in `dir`, listening on `address`, keeping its
/// data in `storage`.
fn broker_process(address: &str, storage: &str, dir: &std::path::Path) -> Child {
    let url = format!("tcp://{address}");
    let bin = tansu();
    Command::new(&bin)
        .current_dir(dir)
        .args(["broker", "--listener-url", &url, "--advertised-listener-url", &url])
        .args(["--storage-engine", storage])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start the Kafka-protocol broker {}: {e}. Run scripts/test, which builds tansu into the tool cache, or set PAKLOG_TANSU",
                bin.display()
            )
        })
}

/// The PostgreSQL server for tests: `$PAKLOG_TEST_POSTGRES`, or the local
/// one (started with `pg_ctlcluster` if it is down).
pub fn postgres_server() -> String {
    if let Ok(url) = std::env::var("PAKLOG_TEST_POSTGRES") {
        return url;
    }
    if TcpStream::connect("127.0.0.1:5432").is_err() {
        // The machine's cluster, as its setup starts it.
        let versions = std::fs::read_dir("/etc/postgresql")
            .map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
            .unwrap_or_default();
        for v in versions {
            let _ = Command::new("pg_ctlcluster")
                .arg("--skip-systemctl-redirect")
                .arg(&v)
                .args(["main", "start"])
                .status();
        }
        wait_for("127.0.0.1:5432", "PostgreSQL");
    }
    "postgres://postgres@127.0.0.1:5432".to_owned()
}
