//! Guaranteed delivery: `paklog serve --kafka` killed (`kill -9`) while
//! orders stream in, between the store's commits and the broker's
//! acknowledgements, then restarted: every event of every acknowledged
//! order reaches Kafka, in order, repeated only under the same id.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer};

use crate::serve::{free_port, fresh_store, http, serve_with, terminate};
use crate::support::Broker;

/// One record of `wms.order.events`.
struct Record {
    seq: u64,
    kind: String,
    subject: String,
    json: String,
}

/// Reads `topic` from its start until `done` holds of what was read (or a
/// minute passes).
fn read(broker: &str, topic: &str, done: impl Fn(&[Record]) -> bool) -> Vec<Record> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", broker)
        .set("group.id", format!("e2e-{}", std::process::id()))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    consumer.subscribe(&[topic]).unwrap();
    let mut records = Vec::new();
    let until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < until && !done(&records) {
        let Some(message) = consumer.poll(Duration::from_millis(200)) else {
            continue;
        };
        let message = message.unwrap();
        let json = String::from_utf8(message.payload().unwrap().to_vec()).unwrap();
        let ce: serde_json::Value = serde_json::from_str(&json).unwrap();
        let id = ce["id"].as_str().unwrap();
        records.push(Record {
            seq: id.rsplit('-').next().unwrap().parse().unwrap(),
            kind: ce["type"].as_str().unwrap().to_owned(),
            subject: ce["subject"].as_str().unwrap_or_default().to_owned(),
            json,
        });
    }
    records
}

#[test]
fn a_crash_before_the_brokers_acknowledgement_loses_no_event_of_an_acknowledged_order() {
    let broker = Broker::start();
    let store = fresh_store("delivery");
    let kafka = ["--kafka", broker.address.as_str()];
    let port = free_port();
    let mut server = serve_with(port, &store, &kafka);
    // Four clients post orders; the server is killed while they do.
    let clients: Vec<_> = (0..4)
        .map(|c| {
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for i in 0..100_000 {
                    let order = format!(
                        r#"{{"external_id":"c{c}-{i}","carrier":"UPS","priority":"STANDARD","lines":[{{"sku":"SKU00001","quantity":1}}]}}"#
                    );
                    match http(port, "POST", "/api/v1/orders", &order) {
                        Ok((201, body)) => match serde_json::from_str::<serde_json::Value>(&body) {
                            Ok(v) => acknowledged.push(v["orderId"].as_u64().unwrap()),
                            Err(_) => break,
                        },
                        Ok((0, _)) | Err(_) => break,
                        Ok((status, body)) => panic!("order c{c}-{i}: {status} {body}"),
                    }
                }
                acknowledged
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let acknowledged: BTreeSet<u64> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    assert!(
        acknowledged.len() > 50,
        "the stream was running: {}",
        acknowledged.len()
    );

    // Restarted, the server sends what the broker had not acknowledged.
    let port = free_port();
    let server = serve_with(port, &store, &kafka);
    let validated = |records: &[Record]| -> BTreeSet<u64> {
        records
            .iter()
            .filter(|r| r.kind == "com.paklog.wms.order.validated.v1")
            .filter_map(|r| r.subject.strip_prefix("order/")?.parse().ok())
            .collect()
    };
    let records = read(&broker.address, "wms.order.events", |records| {
        acknowledged.is_subset(&validated(records))
    });
    terminate(server);

    let found = validated(&records);
    let missing: Vec<_> = acknowledged.difference(&found).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged orders have no OrderValidated in Kafka, e.g. {:?}",
        missing.len(),
        acknowledged.len(),
        &missing[..missing.len().min(5)]
    );
    // A repeat is the same event under the same id; first sendings are
    // in the log's order.
    let mut first: BTreeMap<u64, &str> = BTreeMap::new();
    let mut last_new = None;
    let mut repeats = 0;
    for r in &records {
        match first.get(&r.seq) {
            Some(json) => {
                assert_eq!(*json, r.json, "event {} sent twice, differently", r.seq);
                repeats += 1;
            }
            None => {
                assert!(last_new < Some(r.seq), "event {} after {last_new:?}", r.seq);
                last_new = Some(r.seq);
                first.insert(r.seq, &r.json);
            }
        }
    }
    eprintln!(
        "{} orders acknowledged before the kill; {} order events in Kafka, {repeats} of them repeats",
        acknowledged.len(),
        records.len()
    );
}
