//! Guaranteed delivery, while orders stream in: `paklog serve --kafka`
//! killed (`kill -9`) between the store's commits and the broker's
//! acknowledgements, then restarted; or the broker stopped for seconds and
//! started again. Either way every event of every acknowledged order
//! reaches Kafka, in order, repeated only under the same id.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

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
    // Assigned, not subscribed: no consumer group to join, which a broker
    // just back may not yet serve.
    let mut partitions = TopicPartitionList::new();
    partitions
        .add_partition_offset(topic, 0, Offset::Beginning)
        .unwrap();
    consumer.assign(&partitions).unwrap();
    let mut records = Vec::new();
    let until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < until && !done(&records) {
        let Some(message) = consumer.poll(Duration::from_millis(200)) else {
            continue;
        };
        // A broker just back may answer "all brokers down" for a moment.
        let Ok(message) = message else {
            continue;
        };
        let json = String::from_utf8(message.payload().unwrap().to_vec()).unwrap();
        let ce: serde_json::Value = serde_json::from_str(&json).unwrap();
        // Every event has its instant on the calendar (the tests' clock
        // starts at midnight UTC and runs a few seconds).
        let time = ce["time"].as_str().unwrap_or_default();
        assert!(time.starts_with("2026-03-02T00:"), "{json}");
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
    let clients = stream_orders(port, "k", Duration::ZERO, Arc::new(AtomicBool::new(false)));
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let acknowledged: BTreeSet<u64> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .map(|(id, _)| id)
        .collect();
    assert!(
        acknowledged.len() > 50,
        "the stream was running: {}",
        acknowledged.len()
    );

    // Restarted, the server sends what the broker had not acknowledged.
    let port = free_port();
    let server = serve_with(port, &store, &kafka);
    let records = read(&broker.address, "wms.order.events", |records| {
        acknowledged.is_subset(&validated(records))
    });
    terminate(server);

    let repeats = every_acknowledged_order_is_in_kafka(&acknowledged, &records);
    eprintln!(
        "{} orders acknowledged before the kill; {} order events in Kafka, {repeats} of them repeats",
        acknowledged.len(),
        records.len()
    );
}

/// Four clients posting orders (`external_id` `{tag}c{c}-{i}`), each
/// waiting `pace` between two, to the server on `port` until `stop` is set
/// or the server is gone; each returns the ids of the orders acknowledged
/// (201) and when.
fn stream_orders(
    port: u16,
    tag: &str,
    pace: Duration,
    stop: Arc<AtomicBool>,
) -> Vec<JoinHandle<Vec<(u64, Instant)>>> {
    (0..4)
        .map(|c| {
            let (tag, stop) = (tag.to_owned(), stop.clone());
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for i in 0..1_000_000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    std::thread::sleep(pace);
                    let order = format!(
                        r#"{{"external_id":"{tag}c{c}-{i}","carrier":"UPS","priority":"STANDARD","lines":[{{"sku":"SKU00001","quantity":1}}]}}"#
                    );
                    match http(port, "POST", "/api/v1/orders", &order) {
                        Ok((201, body)) => match serde_json::from_str::<serde_json::Value>(&body) {
                            Ok(v) => acknowledged.push((v["orderId"].as_u64().unwrap(), Instant::now())),
                            Err(_) => break,
                        },
                        Ok((0, _)) | Err(_) => break,
                        Ok((status, body)) => panic!("order {tag}c{c}-{i}: {status} {body}"),
                    }
                }
                acknowledged
            })
        })
        .collect()
}

/// The order ids of the OrderValidated events among `records`.
fn validated(records: &[Record]) -> BTreeSet<u64> {
    records
        .iter()
        .filter(|r| r.kind == "com.paklog.wms.order.validated.v1")
        .filter_map(|r| r.subject.strip_prefix("order/")?.parse().ok())
        .collect()
}

/// Checks that every acknowledged order has its OrderValidated among
/// `records`, that a repeat is the same event under the same id, and that
/// first sendings are in the log's order; returns the repeats.
fn every_acknowledged_order_is_in_kafka(acknowledged: &BTreeSet<u64>, records: &[Record]) -> usize {
    let found = validated(records);
    let missing: Vec<_> = acknowledged.difference(&found).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged orders have no OrderValidated in Kafka, e.g. {:?}",
        missing.len(),
        acknowledged.len(),
        &missing[..missing.len().min(5)]
    );
    let mut first: BTreeMap<u64, &str> = BTreeMap::new();
    let mut last_new = None;
    let mut repeats = 0;
    for r in records {
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
    repeats
}

#[test]
fn a_broker_away_for_seconds_loses_no_event_and_the_api_goes_on_taking_orders() {
    let dir = std::env::temp_dir().join(format!("paklog-outage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut broker = Broker::start_persistent(&dir);
    let store = fresh_store("outage");
    let kafka = ["--kafka", broker.address.as_str()];
    let port = free_port();
    let server = serve_with(port, &store, &kafka);
    let stop = Arc::new(AtomicBool::new(false));
    // About 200 orders a second: what tansu's SQLite storage keeps up with.
    let clients = stream_orders(port, "o", Duration::from_millis(20), stop.clone());
    std::thread::sleep(Duration::from_millis(1000));
    broker.stop();
    let away = Instant::now();
    std::thread::sleep(Duration::from_secs(4));
    broker.restart();
    let back = Instant::now();
    std::thread::sleep(Duration::from_millis(1000));
    stop.store(true, Ordering::Relaxed);
    let acknowledged: Vec<(u64, Instant)> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    let during = acknowledged
        .iter()
        .filter(|&&(_, at)| away < at && at < back)
        .count();
    assert!(
        during > 50,
        "the API went on taking orders while the broker was away: {during}"
    );
    let acknowledged: BTreeSet<u64> = acknowledged.into_iter().map(|(id, _)| id).collect();
    let records = read(&broker.address, "wms.order.events", |records| {
        acknowledged.is_subset(&validated(records))
    });
    terminate(server);
    let repeats = every_acknowledged_order_is_in_kafka(&acknowledged, &records);
    eprintln!(
        "{} orders acknowledged, {during} of them while the broker was away; {} order events in Kafka, {repeats} of them repeats",
        acknowledged.len(),
        records.len()
    );
    drop(broker);
    let _ = std::fs::remove_dir_all(&dir);
}
