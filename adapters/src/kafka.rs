//! Kafka: every domain event out as a CloudEvents 1.0 structured-mode JSON
//! record on its seed topic (`wms.wave.events`, `wes.task.events` …),
//! keyed by the warehouse id, from an idempotent producer; orders and RTLS
//! pings in from `wms.order.intake` and `wes.rtls.pings`.
//!
//! A consumed record's offset is committed once the kernel has answered:
//! after its command is durable, or after it was refused (a bad record is
//! logged and skipped, never retried forever). A record redelivered after
//! a crash is harmless: an order's `external_id` must be new, so the
//! repeat is refused.

use std::time::Duration;

use paklog_domain::{Command, NewOrder};
use paklog_sim::CommandSender;
use rdkafka::ClientConfig;
use rdkafka::Message;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::error::{KafkaError as KafkaClientError, RDKafkaErrorCode};
use rdkafka::producer::{BaseProducer, DeliveryFuture, FutureProducer, FutureRecord, Producer};
use serde_json::Value;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

use crate::cloudevents::{ORDER_INTAKE_TOPIC, Published, RTLS_TOPIC, TOPICS};
use crate::http::{OrderRequest, PingBatch, PingRequest};
use crate::live::{Answer, Ask, Input, Since, Subscription, request, subscribe};

/// Kafka could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("--kafka {brokers}: {message}")]
pub struct KafkaError {
    /// The bootstrap servers.
    pub brokers: String,
    /// What went wrong.
    pub message: String,
}

/// The running bridge between the kernel and Kafka.
pub struct KafkaBridge {
    stop: watch::Sender<bool>,
    publisher: JoinHandle<()>,
    consumer: JoinHandle<()>,
}

/// Properties the bridge sets itself: the brokers come from `--kafka`,
/// the rest keep its delivery and consumption guarantees.
const OWN_PROPERTIES: [&str; 9] = [
    "bootstrap.servers",
    "client.id",
    "enable.idempotence",
    "acks",
    "linger.ms",
    "message.timeout.ms",
    "group.id",
    "enable.auto.commit",
    "auto.offset.reset",
];

/// How to reach Kafka: the bootstrap servers (`--kafka`) and the
/// librdkafka properties of the site file (`[live.kafka.properties]`:
/// TLS, SASL …), set on every client the bridge makes.
#[derive(Clone)]
pub struct KafkaClient {
    brokers: String,
    properties: Vec<(String, String)>,
}

impl std::fmt::Debug for KafkaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The values may be secrets (`sasl.password`).
        let names: Vec<_> = self.properties.iter().map(|(k, _)| k).collect();
        f.debug_struct("KafkaClient")
            .field("brokers", &self.brokers)
            .field("properties", &names)
            .finish()
    }
}

impl KafkaClient {
    /// The client for `brokers` with `properties`: each checked by
    /// librdkafka on its own, then all together by making a client (no
    /// connection is made).
    ///
    /// # Errors
    /// The first property the bridge sets itself or librdkafka refuses
    /// (unknown, or a bad value), with why; or, with no property named,
    /// why librdkafka cannot make a client of them together (a SASL
    /// mechanism or TLS this build lacks).
    pub fn new(
        brokers: &str,
        properties: Vec<(String, String)>,
    ) -> Result<Self, (Option<String>, String)> {
        for (key, value) in &properties {
            if OWN_PROPERTIES.contains(&key.as_str()) {
                return Err((
                    Some(key.clone()),
                    "is set by paklog itself (from --kafka, or for its delivery guarantees)".into(),
                ));
            }
            ClientConfig::new()
                .set(key, value)
                .create_native_config()
                .map_err(|e| (Some(key.clone()), e.to_string()))?;
        }
        // Without the brokers: the check must not try to connect.
        with_properties(&properties)
            .create::<BaseProducer>()
            .map_err(|e| (None, e.to_string()))?;
        Ok(KafkaClient {
            brokers: brokers.to_owned(),
            properties,
        })
    }

    fn config(&self) -> ClientConfig {
        let mut c = with_properties(&self.properties);
        c.set("bootstrap.servers", &self.brokers)
            .set("client.id", "paklog-twin");
        c
    }

    /// The idempotent producer events go out on.
    fn producer(&self) -> Result<FutureProducer, KafkaClientError> {
        self.config()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "5")
            // Retried until the broker takes it, however long it is away.
            .set("message.timeout.ms", "0")
            .create()
    }

    fn error(&self, message: impl ToString) -> KafkaError {
        KafkaError {
            brokers: self.brokers.clone(),
            message: message.to_string(),
        }
    }
}

/// A client configuration holding `properties` and nothing else.
fn with_properties(properties: &[(String, String)]) -> ClientConfig {
    let mut c = ClientConfig::new();
    for (key, value) in properties {
        c.set(key, value);
    }
    c
}

/// Creates the topics the site publishes to and consumes from, where
/// missing (one partition each: every record is keyed by the warehouse).
///
/// # Errors
/// If the broker cannot be reached.
pub async fn create_topics(client: &KafkaClient) -> Result<(), KafkaError> {
    let err = |message: String| client.error(message);
    let admin: AdminClient<DefaultClientContext> =
        client.config().create().map_err(|e| err(e.to_string()))?;
    let names: Vec<&str> = TOPICS
        .iter()
        .copied()
        .chain([ORDER_INTAKE_TOPIC, RTLS_TOPIC])
        .collect();
    let topics: Vec<NewTopic<'_>> = names
        .iter()
        .map(|n| NewTopic::new(n, 1, TopicReplication::Fixed(1)))
        .collect();
    // A broker that cannot be reached, or refuses the client (TLS, SASL),
    // stops the start within 15 s instead of librdkafka's 60.
    let options = AdminOptions::new()
        .operation_timeout(Some(Duration::from_secs(10)))
        .request_timeout(Some(Duration::from_secs(15)));
    let results = admin
        .create_topics(&topics, &options)
        .await
        .map_err(|e| err(e.to_string()))?;
    for r in results {
        if let Err((topic, code)) = r
            && code != RDKafkaErrorCode::TopicAlreadyExists
        {
            return Err(err(format!("creating topic {topic}: {code}")));
        }
    }
    Ok(())
}

impl KafkaBridge {
    /// Connects to Kafka, creates the topics if missing, and starts
    /// publishing the events `kernel` makes (from the first the broker has
    /// not acknowledged) and consuming orders and pings into it.
    /// Call it inside a tokio runtime.
    ///
    /// # Errors
    /// If a client cannot be created or the broker cannot be reached.
    pub async fn start(
        client: &KafkaClient,
        warehouse: &str,
        kernel: CommandSender<Input>,
    ) -> Result<KafkaBridge, KafkaError> {
        let err = |message: String| client.error(message);
        create_topics(client).await?;
        let producer = client.producer().map_err(|e| err(e.to_string()))?;
        let consumer: StreamConsumer = client
            .config()
            .set("group.id", format!("paklog-{warehouse}"))
            .set("enable.auto.commit", "false")
            .set("auto.offset.reset", "earliest")
            .create()
            .map_err(|e| err(e.to_string()))?;
        consumer
            .subscribe(&[ORDER_INTAKE_TOPIC, RTLS_TOPIC])
            .map_err(|e| err(e.to_string()))?;
        let (stop, stopped) = watch::channel(false);
        let publisher = tokio::spawn(publish(
            client.clone(),
            producer,
            warehouse.to_owned(),
            kernel.clone(),
            stopped.clone(),
        ));
        let consumer = tokio::spawn(consume(consumer, kernel, stopped));
        Ok(KafkaBridge {
            stop,
            publisher,
            consumer,
        })
    }

    /// Stops consuming, sends the events already out of the kernel, and
    /// waits for the broker to acknowledge them.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.consumer.await;
        let _ = self.publisher.await;
    }
}

/// The sink's name for its position in the store.
const SINK: &str = crate::live::KAFKA_SINK;

/// How many acknowledged events at most go unrecorded in the store while
/// events stream: after a crash, about these are sent again (with the
/// same ids). Each record is a commit of the store.
const RECORD_EVERY: u64 = 1024;

/// How long the broker is quiet before the last acknowledgements are
/// recorded.
const RECORD_QUIET: Duration = Duration::from_millis(200);

/// Publishes every event the broker has not acknowledged: from the
/// position the store keeps for this sink, the backlog first, then each
/// event as it goes out. Acknowledgements are awaited in order, and the
/// position moves with them. A subscription that falls behind, or a
/// record the broker refuses, starts over from the last acknowledged
/// event.
async fn publish(
    client: KafkaClient,
    mut producer: FutureProducer,
    warehouse: String,
    kernel: CommandSender<Input>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut since = Since::Unacknowledged(SINK);
    let mut acker = None;
    loop {
        let sub = match subscribe(&kernel, since).await {
            Some(Ok(sub)) => sub,
            Some(Err(e)) => {
                tracing::error!("kafka: cannot subscribe to the events: {e}");
                return;
            }
            None => return,
        };
        let from = sub.from;
        let (acks, pending) = mpsc::channel(4096);
        let handle = acker.insert(tokio::spawn(acknowledge(pending, kernel.clone(), from)));
        let ended = feed(&producer, &warehouse, sub, &acks, &mut stopped).await;
        drop(acks);
        if ended == Ended::Stopped || *stopped.borrow() {
            break;
        }
        // Start over once what is queued is acknowledged, after a pause
        // (a record the broker keeps refusing is not retried in a spin).
        since = Since::Seq(tokio::select! {
            acked = handle => acked.unwrap_or(from),
            _ = stopped.changed() => break,
        });
        acker = None;
        // A new producer starts over: an idempotent producer whose
        // sequence a broker lost (one that came back after a stop) is
        // refused record after record, fatal or not; a new one gets a new
        // producer id. What the old one still held is sent again.
        match client.producer() {
            Ok(p) => producer = p,
            Err(e) => tracing::error!("kafka: no new producer, keeping the old one: {e}"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stopped.changed() => break,
        }
    }
    // What is queued gets ten seconds to reach the broker; the rest is sent
    // again after the restart.
    let _ = tokio::task::spawn_blocking(move || producer.flush(Duration::from_secs(10))).await;
    // The acknowledger records how far the broker got.
    if let Some(acker) = acker {
        let _ = tokio::time::timeout(Duration::from_secs(1), acker).await;
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// The service stops.
    Stopped,
    /// The subscription fell behind, or a record was refused: start again.
    Again,
}

/// Queues a subscription's events on the producer, handing each delivery
/// to the acknowledger, until the service stops or something is missed.
async fn feed(
    producer: &FutureProducer,
    warehouse: &str,
    mut sub: Subscription,
    acks: &mpsc::Sender<(u64, DeliveryFuture)>,
    stopped: &mut watch::Receiver<bool>,
) -> Ended {
    let halt = stopped.clone();
    let send = async |e: &Published| -> bool {
        let topic = e.topic();
        let mut record = FutureRecord::to(&topic)
            .key(warehouse)
            .payload(e.json.as_bytes());
        // The producer's queue is full while the broker is away: wait.
        let delivery = loop {
            match producer.send_result(record) {
                Ok(delivery) => break delivery,
                Err((KafkaClientError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    if *halt.borrow() {
                        return false;
                    }
                    record = r;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err((why, _)) => {
                    tracing::error!(seq = e.seq, "kafka: event not queued: {why}");
                    return false;
                }
            }
        };
        acks.send((e.seq, delivery)).await.is_ok()
    };
    for e in std::mem::take(&mut sub.backlog) {
        if !send(&e).await {
            return Ended::Again;
        }
    }
    loop {
        tokio::select! {
            event = sub.live.recv() => match event {
                Ok(e) => {
                    if !send(&e).await {
                        return Ended::Again;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!("kafka: fell {n} events behind; resuming from the last acknowledged");
                    return Ended::Again;
                }
                Err(broadcast::error::RecvError::Closed) => return Ended::Stopped,
            },
            _ = stopped.changed() => {
                while let Ok(e) = sub.live.try_recv() {
                    if !send(&e).await {
                        break;
                    }
                }
                return Ended::Stopped;
            }
        }
    }
}

/// Awaits deliveries in order and tells the kernel how far the broker has
/// acknowledged: every [`RECORD_EVERY`] events, and after [`RECORD_QUIET`]
/// with nothing new.
/// Returns the first event not acknowledged; stops at a refused record
/// (the feed then starts over from there).
async fn acknowledge(
    mut pending: mpsc::Receiver<(u64, DeliveryFuture)>,
    kernel: CommandSender<Input>,
    from: u64,
) -> u64 {
    let (mut acked, mut recorded) = (from, from);
    let record = |upto| {
        let _ = kernel.send(Input::Delivered { sink: SINK, upto });
    };
    loop {
        // A position not yet recorded is recorded once the broker has
        // been quiet for a moment.
        let next = if acked > recorded {
            match tokio::time::timeout(RECORD_QUIET, pending.recv()).await {
                Ok(next) => next,
                Err(_) => {
                    record(acked);
                    recorded = acked;
                    continue;
                }
            }
        } else {
            pending.recv().await
        };
        let Some((seq, delivery)) = next else { break };
        match delivery.await {
            Ok(Ok(_)) => acked = seq + 1,
            Ok(Err((e, _))) => {
                tracing::error!(seq, "kafka: event not delivered: {e}; sending again");
                break;
            }
            Err(_) => {
                tracing::error!(seq, "kafka: delivery cancelled; sending again");
                break;
            }
        }
        if acked - recorded >= RECORD_EVERY {
            record(acked);
            recorded = acked;
        }
    }
    if acked > recorded {
        record(acked);
    }
    acked
}

/// What a consumed record asks, or why it cannot be read.
fn command_of(topic: &str, payload: &[u8]) -> Result<Command, String> {
    let value: Value = serde_json::from_slice(payload).map_err(|e| format!("not JSON: {e}"))?;
    // A CloudEvent carries the request in `data`.
    let body = match value.get("specversion") {
        Some(_) => value.get("data").cloned().unwrap_or(Value::Null),
        None => value,
    };
    if topic == ORDER_INTAKE_TOPIC {
        let order: OrderRequest = serde_json::from_value(body).map_err(|e| e.to_string())?;
        Ok(Command::ReceiveOrder(NewOrder::from(order)))
    } else {
        let pings: Vec<PingRequest> = match body.get("pings") {
            Some(_) => {
                serde_json::from_value::<PingBatch>(body)
                    .map_err(|e| e.to_string())?
                    .pings
            }
            None => vec![serde_json::from_value(body).map_err(|e| e.to_string())?],
        };
        if let Some(bad) = pings
            .iter()
            .find(|p| !(p.x_m.is_finite() && p.y_m.is_finite()))
        {
            return Err(format!("tag {}: position must be finite", bad.tag));
        }
        Ok(Command::RtlsPings {
            pings: pings.iter().map(PingRequest::to_ping).collect(),
        })
    }
}

async fn consume(
    consumer: StreamConsumer,
    kernel: CommandSender<Input>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let message = tokio::select! {
            m = consumer.recv() => m,
            _ = stopped.changed() => return,
        };
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!("kafka: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let topic = message.topic().to_owned();
        let at = format!("{topic}[{}]@{}", message.partition(), message.offset());
        match command_of(&topic, message.payload().unwrap_or_default()) {
            Err(why) => tracing::warn!("kafka: {at} skipped: {why}"),
            Ok(command) => match request(&kernel, Ask::Execute(command)).await {
                Some(Answer::Executed(Ok(_))) => tracing::debug!("kafka: {at} accepted"),
                Some(Answer::Executed(Err(e))) => tracing::warn!("kafka: {at} refused: {e}"),
                // Not durable or the kernel is gone: leave the offset, so
                // the record is read again after a restart.
                Some(Answer::NotStored(why)) => {
                    tracing::error!("kafka: {at} not stored: {why}");
                    return;
                }
                _ => return,
            },
        }
        if let Err(e) = consumer.commit_message(&message, CommitMode::Async) {
            tracing::warn!("kafka: committing {at}: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(properties: &[(&str, &str)]) -> Result<KafkaClient, (Option<String>, String)> {
        let properties = properties
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        KafkaClient::new("127.0.0.1:9092", properties)
    }

    #[test]
    fn properties_are_checked_one_by_one_and_a_refusal_names_the_property() {
        let sasl = client(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "PLAIN"),
            ("sasl.username", "paklog"),
            ("sasl.password", "secret"),
        ])
        .unwrap();
        assert!(!format!("{sasl:?}").contains("secret"), "{sasl:?}");
        assert_eq!(sasl.config().get("sasl.mechanism"), Some("PLAIN"));
        let (key, why) =
            client(&[("socket.timeout.ms", "5000"), ("no.such.thing", "1")]).unwrap_err();
        assert_eq!(key.as_deref(), Some("no.such.thing"), "{why}");
        let (key, why) = client(&[("socket.timeout.ms", "soon")]).unwrap_err();
        assert_eq!(key.as_deref(), Some("socket.timeout.ms"), "{why}");
        let (key, why) = client(&[("acks", "1")]).unwrap_err();
        assert_eq!(key.as_deref(), Some("acks"));
        assert!(why.contains("paklog itself"), "{why}");
        // This build has TLS and SCRAM (librdkafka with OpenSSL) …
        for mechanism in ["SCRAM-SHA-256", "SCRAM-SHA-512"] {
            client(&[
                ("security.protocol", "SASL_SSL"),
                ("sasl.mechanism", mechanism),
                ("sasl.username", "paklog"),
                ("sasl.password", "secret"),
            ])
            .unwrap();
        }
        // … but not Kerberos: each is fine alone, together they ask for
        // what this build lacks.
        let (key, why) = client(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "GSSAPI"),
        ])
        .unwrap_err();
        assert_eq!(key, None, "{why}");
        assert!(why.contains("GSSAPI"), "{why}");
    }
}
