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
    /// `127.0.0.1:PORT`: where clients connect (the broker, or the TLS
    /// proxy in front of it).
    pub address: String,
    /// Where the broker itself listens.
    listener: String,
    /// Whether clients must authenticate (SASL).
    authentication: bool,
    /// The TLS proxy's runtime, if there is one.
    _tls: Option<tokio::runtime::Runtime>,
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
        // Without waiting: the broker may be dropped in an async test.
        if let Some(tls) = self._tls.take() {
            tls.shutdown_background();
        }
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
        let child = broker_process(&address, &address, &storage, &dir, false);
        let broker = Broker {
            child,
            listener: address.clone(),
            address,
            authentication: false,
            _tls: None,
            storage,
            dir,
        };
        wait_for(&broker.address, "tansu");
        broker
    }

    /// Starts a broker as an operator deploys one: clients authenticate
    /// with SCRAM-SHA-256 as `user` with `password`, and reach it over TLS
    /// with a self-signed certificate for `127.0.0.1` (its PEM is returned:
    /// the CA a client must trust).
    ///
    /// tansu 0.6.0 takes `--cert` and `--key` but never wraps a connection
    /// in TLS, so TLS is ended by a proxy in front of it, as a load
    /// balancer would; the broker advertises the proxy, so every
    /// connection a client makes goes through it.
    pub fn start_secured(dir: &std::path::Path, user: &str, password: &str) -> (Broker, PathBuf) {
        let mut broker = Broker::start_persistent(dir);
        // Users are made while the broker still takes anyone.
        let made = Command::new(tansu())
            .args(["user", "create", "--mechanism", "scram256"])
            .args(["--broker", &format!("tcp://{}", broker.address)])
            .args([user, password])
            .output()
            .expect("tansu user create");
        assert!(made.status.success(), "tansu user create: {made:?}");
        broker.stop();

        let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
        let ca = dir.join("broker.pem");
        std::fs::write(&ca, key.cert.pem()).unwrap();
        let proxy = format!("127.0.0.1:{}", free_port());
        let runtime = tls_proxy(&proxy, &broker.listener, key);
        broker.address = proxy;
        broker.authentication = true;
        broker._tls = Some(runtime);
        broker.restart();
        (broker, ca)
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
        self.child = broker_process(
            &self.listener,
            &self.address,
            &self.storage,
            &self.dir,
            self.authentication,
        );
        wait_for(&self.listener, "tansu");
    }
}

/// A tansu broker process in `dir`, listening on `listener` and telling
/// clients to connect to `advertised`, keeping its data in `storage`.
fn broker_process(
    listener: &str,
    advertised: &str,
    storage: &str,
    dir: &std::path::Path,
    authentication: bool,
) -> Child {
    let bin = tansu();
    Command::new(&bin)
        .current_dir(dir)
        .args(["broker", "--listener-url", &format!("tcp://{listener}")])
        .args(["--advertised-listener-url", &format!("tcp://{advertised}")])
        .args(["--storage-engine", storage])
        .args(authentication.then_some("--authentication"))
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

/// Ends TLS on `address` with `key`'s certificate and passes the bytes on
/// to `to`; runs until the returned runtime is dropped.
fn tls_proxy(
    address: &str,
    to: &str,
    key: rcgen::CertifiedKey<rcgen::KeyPair>,
) -> tokio::runtime::Runtime {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![key.cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Bound here (this may run inside another runtime, where blocking on
    // this one is not allowed), served there.
    let listener = std::net::TcpListener::bind(address).expect("the TLS proxy's port");
    listener.set_nonblocking(true).unwrap();
    let to = to.to_owned();
    runtime.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        loop {
            // A failed accept (the client gone already) ends nothing.
            let Ok((client, _)) = listener.accept().await else {
                continue;
            };
            let (acceptor, to) = (acceptor.clone(), to.clone());
            tokio::spawn(async move {
                let Ok(mut client) = acceptor.accept(client).await else {
                    return;
                };
                let Ok(mut broker) = tokio::net::TcpStream::connect(&to).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut client, &mut broker).await;
            });
        }
    });
    runtime
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
