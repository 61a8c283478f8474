//! Kafka against a real Kafka-protocol broker (tansu, started here):
//! orders and RTLS pings consumed from their topics become commands (a bad
//! or repeated record is skipped), and every domain event is published as
//! a CloudEvent keyed by the warehouse on its seed topic.

mod support;

use std::time::{Duration, Instant};

use paklog_adapters::kafka::{KafkaBridge, KafkaClient};
use paklog_adapters::live::{Answer, Ask, Query, request};
use paklog_adapters::{Live, SqliteStore};
use paklog_domain::testing::tiny_site;
use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::{Value, json};

async fn metrics(live: &Live) -> Value {
    match request(&live.sender, Ask::Query(Query::Metrics)).await {
        Some(Answer::Found(Some(v))) => serde_json::to_value(v).unwrap(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_and_pings_come_in_and_events_go_out() {
    let broker = support::Broker::start();
    let path = std::env::temp_dir().join(format!("paklog-kafka-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let store = SqliteStore::open(&path).unwrap();
    let live = Live::start(tiny_site(), Some(Box::new(store)), 1.0, None).unwrap();
    // A property of the site file's reaches every client.
    let client = KafkaClient::new(
        &broker.address,
        vec![("socket.keepalive.enable".into(), "true".into())],
    )
    .unwrap();
    let bridge = KafkaBridge::start(&client, &live.warehouse, live.sender.clone())
        .await
        .unwrap();

    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .set("enable.idempotence", "true")
        .create()
        .unwrap();
    let order = json!({
        "external_id": "k-1", "carrier": "UPS",
        "lines": [{"sku": "SKU0001", "quantity": 2}]
    })
    .to_string();
    let ping = json!({"tag": "associate-1", "x_m": 2.0, "y_m": 3.5}).to_string();
    for (topic, payload) in [
        ("wms.order.intake", "not json"),
        ("wms.order.intake", order.as_str()),
        ("wms.order.intake", order.as_str()),
        ("wes.rtls.pings", ping.as_str()),
    ] {
        producer
            .send(
                FutureRecord::to(topic).key("tiny").payload(payload),
                Duration::from_secs(10),
            )
            .await
            .map_err(|(e, _)| e)
            .unwrap();
    }

    // The good order once (the repeat is refused: its id is used), the ping.
    let start = Instant::now();
    loop {
        let m = metrics(&live).await;
        if m["orders"] == 1 && m["rtls_pings"] == 1 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "not consumed: {m}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The events are on their topics, as CloudEvents keyed by warehouse.
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .set("group.id", "paklog-test-reader")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    consumer
        .subscribe(&["wms.order.events", "wms.inventory.events"])
        .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let msg = tokio::time::timeout(Duration::from_secs(30), consumer.recv())
            .await
            .expect("an event within 30 s")
            .unwrap();
        assert_eq!(msg.key(), Some(&b"tiny"[..]));
        let ce: Value = serde_json::from_slice(msg.payload().unwrap()).unwrap();
        assert_eq!(ce["specversion"], "1.0");
        assert_eq!(ce["source"], "/paklog/tiny");
        seen.push((
            msg.topic().to_owned(),
            ce["type"].as_str().unwrap().to_owned(),
            ce["id"].clone(),
        ));
    }
    seen.sort_by_key(|s| {
        s.2.as_str()
            .map(|id| id.trim_start_matches("tiny-").parse::<u64>().unwrap())
    });
    assert_eq!(
        seen.iter()
            .map(|s| (s.0.as_str(), s.1.as_str()))
            .collect::<Vec<_>>(),
        [
            ("wms.order.events", "com.paklog.wms.order.received.v1"),
            ("wms.order.events", "com.paklog.wms.order.validated.v1"),
            (
                "wms.inventory.events",
                "com.paklog.wms.inventory.reserved.v1"
            ),
        ]
    );
    bridge.shutdown().await;
    live.stop();
}

/// As operators deploy Kafka: the bridge reaches a broker that wants
/// SCRAM-SHA-256 over TLS with a self-signed certificate, through the
/// site file's librdkafka properties only; orders come in and events go
/// out. A wrong password or a client without TLS gets nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_speaks_tls_and_scram_to_a_secured_broker() {
    let dir = std::env::temp_dir().join(format!("paklog-kafka-secured-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (broker, ca) = support::Broker::start_secured(&dir, "paklog", "pick-pack-ship");
    let secured = |password: &str| -> Vec<(String, String)> {
        [
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "SCRAM-SHA-256"),
            ("sasl.username", "paklog"),
            ("sasl.password", password),
            ("ssl.ca.location", ca.to_str().unwrap()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    };
    let config = |properties: &[(String, String)]| {
        let mut c = ClientConfig::new();
        c.set("bootstrap.servers", &broker.address);
        for (k, v) in properties {
            c.set(k, v);
        }
        c
    };

    // Neither a wrong password nor plain TCP gets a topic made (refused
    // when the admin request times out, together).
    let wrong = [secured("guessed"), vec![]].map(|p| KafkaClient::new(&broker.address, p).unwrap());
    let tried =
        futures_util::future::join_all(wrong.iter().map(paklog_adapters::kafka::create_topics))
            .await;
    assert!(
        tried.iter().all(Result::is_err),
        "a broker that wants SCRAM over TLS took a client without them"
    );

    let live = Live::start(tiny_site(), None, 1.0, None).unwrap();
    let client = KafkaClient::new(&broker.address, secured("pick-pack-ship")).unwrap();
    let bridge = KafkaBridge::start(&client, &live.warehouse, live.sender.clone())
        .await
        .unwrap();
    let producer: FutureProducer = config(&secured("pick-pack-ship")).create().unwrap();
    let order = json!({
        "external_id": "tls-1", "carrier": "UPS",
        "lines": [{"sku": "SKU0001", "quantity": 1}]
    })
    .to_string();
    producer
        .send(
            FutureRecord::to("wms.order.intake")
                .key("tiny")
                .payload(&order),
            Duration::from_secs(30),
        )
        .await
        .map_err(|(e, _)| e)
        .unwrap();

    let consumer: StreamConsumer = config(&secured("pick-pack-ship"))
        .set("group.id", "paklog-test-secured-reader")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    consumer.subscribe(&["wms.order.events"]).unwrap();
    let mut types = Vec::new();
    while types.len() < 2 {
        let msg = tokio::time::timeout(Duration::from_secs(60), consumer.recv())
            .await
            .expect("an event within 60 s")
            .unwrap();
        let ce: Value = serde_json::from_slice(msg.payload().unwrap()).unwrap();
        types.push(ce["type"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        types,
        [
            "com.paklog.wms.order.received.v1",
            "com.paklog.wms.order.validated.v1"
        ]
    );
    assert_eq!(metrics(&live).await["orders"], 1);
    bridge.shutdown().await;
    live.stop();
    // The clients close while the broker is there to say goodbye to.
    drop((consumer, producer));
    drop(broker);
    let _ = std::fs::remove_dir_all(&dir);
}
