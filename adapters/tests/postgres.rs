//! The PostgreSQL command store against a real server: commands are durable
//! before they are acknowledged, a restart replays them to the same state,
//! and a second service on the same store is refused.

mod support;

use paklog_adapters::live::{Answer, Ask, Query, request};
use paklog_adapters::store::CommandStore;
use paklog_adapters::{Live, PgStore};
use paklog_domain::testing::tiny_site;
use paklog_domain::{Command, NewOrder, NewOrderLine, OrderId, Priority, WaveId};
use serde_json::Value;

/// A fresh database on the test server, dropped at the end.
struct Database {
    server: String,
    name: String,
}

impl Database {
    fn new(tag: &str) -> Database {
        let server = support::postgres_server();
        let name = format!("paklog_test_{}_{tag}", std::process::id());
        let mut admin = postgres::Client::connect(&format!("{server}/postgres"), postgres::NoTls)
            .expect("the test PostgreSQL server");
        // One statement at a time: neither may run in a transaction block.
        admin
            .simple_query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        admin
            .simple_query(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Database { server, name }
    }

    fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut admin) =
            postgres::Client::connect(&format!("{}/postgres", self.server), postgres::NoTls)
        {
            let _ = admin.simple_query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn run(live: &Live, ask: Ask) -> Answer {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(request(&live.sender, ask))
        .expect("the kernel answers")
}

fn order_view(live: &Live) -> Value {
    match run(live, Ask::Query(Query::Order(OrderId(0)))) {
        Answer::Found(Some(v)) => serde_json::to_value(v).unwrap(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn commands_survive_a_restart_in_postgresql() {
    let db = Database::new("restart");
    let store: Box<dyn CommandStore> = Box::new(PgStore::open(&db.url()).unwrap());
    let live = Live::start(tiny_site(), Some(store), 1.0, Some("name = \"tiny\"")).unwrap();
    let order = Command::ReceiveOrder(NewOrder {
        external_id: "pg-1".into(),
        carrier: "UPS".into(),
        priority: Priority::Express,
        lines: vec![NewOrderLine {
            sku: "SKU0002".into(),
            quantity: 3,
        }],
    });
    for command in [
        order.clone(),
        Command::wave_of(vec![OrderId(0)]),
        Command::ReleaseWave { wave: WaveId(0) },
    ] {
        assert!(matches!(
            run(&live, Ask::Execute(command)),
            Answer::Executed(Ok(_))
        ));
    }
    // A repeat is refused and not stored.
    assert!(matches!(
        run(&live, Ask::Execute(order)),
        Answer::Executed(Err(_))
    ));
    // One service per store.
    let second = PgStore::open(&db.url()).unwrap_err();
    assert!(second.to_string().contains("another service"), "{second}");
    let before = order_view(&live);
    assert_eq!(before["status"], "WAVED", "{before}");
    live.stop();

    let mut store = PgStore::open(&db.url()).unwrap();
    assert_eq!(store.site().unwrap().as_deref(), Some("name = \"tiny\""));
    assert_eq!(store.history().unwrap().len(), 3);
    let live = Live::start(tiny_site(), Some(Box::new(store)), 1.0, None).unwrap();
    assert_eq!(live.replayed, 3);
    assert_eq!(order_view(&live), before);
    live.stop();
}

#[test]
fn positions_move_forward_and_last_once_committed_in_postgresql() {
    let db = Database::new("positions");
    let url = db.url();
    // The server lets go of the closed session's lock a moment later.
    let open = |url: &str| {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match PgStore::open(url) {
                Ok(store) => return Box::new(store) as Box<dyn CommandStore>,
                Err(e) if std::time::Instant::now() < until => {
                    assert!(e.to_string().contains("another service"), "{e}");
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => panic!("{e}"),
            }
        }
    };
    paklog_adapters::store::contract::positions(open(&url), |store| {
        drop(store);
        open(&url)
    });
}

/// The store takes libpq's `sslmode`: `require` encrypts (taking the
/// server's certificate unchecked, as libpq does), `disable` does not,
/// `verify-ca` checks the certificate's chain, `verify-full` also the host
/// name, and a mode the store does not support is refused by name.
#[test]
fn the_store_is_encrypted_as_sslmode_says() {
    let db = Database::new("tls");
    let server = support::postgres_server();
    let mut admin = postgres::Client::connect(&format!("{server}/postgres"), postgres::NoTls)
        .expect("the test PostgreSQL server");
    let app = format!("paklog-tls-{}", std::process::id());
    let open = |mode: &str| PgStore::open(&format!("{}?{mode}&application_name={app}", db.url()));
    let offers_tls = admin
        .query_one("SHOW ssl", &[])
        .unwrap()
        .get::<_, String>(0)
        == "on";
    if !offers_tls {
        let e = open("sslmode=require").unwrap_err();
        assert!(e.to_string().contains("TLS"), "{e}");
        return;
    }
    let encrypted = |admin: &mut postgres::Client| -> bool {
        admin
            .query_one(
                "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
                 WHERE a.application_name = $1",
                &[&app],
            )
            .unwrap()
            .get(0)
    };
    let store = open("sslmode=require").unwrap();
    assert!(encrypted(&mut admin));
    drop(store);
    let store = open("sslmode=disable").unwrap();
    assert!(!encrypted(&mut admin));
    drop(store);

    // The machine's server has a self-signed certificate for localhost:
    // taken as the root, it holds for that name and for no other.
    let cert: String = admin.query_one("SHOW ssl_cert_file", &[]).unwrap().get(0);
    if server.contains("@127.0.0.1") && std::fs::read(&cert).is_ok() {
        let verified = format!("sslmode=verify-full&sslrootcert={cert}");
        let e = open(&verified).unwrap_err();
        assert!(
            e.to_string()
                .contains("certificate not valid for name \"127.0.0.1\""),
            "{e}"
        );
        // verify-ca trusts the chain whatever name the address uses.
        let store = open(&format!("sslmode=verify-ca&sslrootcert={cert}")).unwrap();
        assert!(encrypted(&mut admin));
        drop(store);
        let by_name = db.url().replacen("@127.0.0.1", "@localhost", 1);
        let store = PgStore::open(&format!("{by_name}?{verified}&application_name={app}")).unwrap();
        assert!(encrypted(&mut admin));
        drop(store);
    }
    let e = open("sslmode=verify-full&sslrootcert=/nonexistent.pem").unwrap_err();
    assert!(e.to_string().contains("sslrootcert"), "{e}");
    let e = open("sslmode=allow").unwrap_err();
    assert!(e.to_string().contains("sslmode"), "{e}");
    let e = open("sslmode=verify-ca").unwrap_err();
    assert!(e.to_string().contains("sslrootcert"), "{e}");
    // The public roots did not sign the server's certificate: refused.
    let public = "/etc/ssl/certs/ca-certificates.crt";
    if std::fs::read(public).is_ok() {
        let e = open(&format!("sslmode=verify-ca&sslrootcert={public}")).unwrap_err();
        assert!(e.to_string().contains("UnknownIssuer"), "{e}");
    }
}
