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
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use serde_json::Value;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::cloudevents::{ORDER_INTAKE_TOPIC, Published, RTLS_TOPIC, TOPICS};
use crate::http::{OrderRequest, PingBatch, PingRequest};
use crate::live::{Answer, Ask, Input, request};

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

fn config(brokers: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", brokers)
        .set("client.id", "paklog-twin");
    c
}

/// Creates the topics the site publishes to and consumes from, where
/// missing (one partition each: every record is keyed by the warehouse).
///
/// # Errors
/// If the broker cannot be reached.
pub async fn create_topics(brokers: &str) -> Result<(), KafkaError> {
    let err = |message: String| KafkaError {
        brokers: brokers.to_owned(),
        message,
    };
    let admin: AdminClient<DefaultClientContext> =
        config(brokers).create().map_err(|e| err(e.to_string()))?;
    let names: Vec<&str> = TOPICS
        .iter()
        .copied()
        .chain([ORDER_INTAKE_TOPIC, RTLS_TOPIC])
        .collect();
    let topics: Vec<NewTopic<'_>> = names
        .iter()
        .map(|n| NewTopic::new(n, 1, TopicReplication::Fixed(1)))
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    let results = admin
        .create_topics(&topics, &options)
        .await
        .map_err(|e| err(e.to_string()))?;
    for r in results {
        if let Err((topic, code)) = r
            && code != rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists
        {
            return Err(err(format!("creating topic {topic}: {code}")));
        }
    }
    Ok(())
}

impl KafkaBridge {
    /// Connects to `brokers`, creates the topics if missing, and starts
    /// publishing `events` and consuming orders and pings into `kernel`.
    /// Call it inside a tokio runtime.
    ///
    /// # Errors
    /// If a client cannot be created or the broker cannot be reached.
    pub async fn start(
        brokers: &str,
        warehouse: &str,
        kernel: CommandSender<Input>,
        events: &broadcast::Sender<Published>,
    ) -> Result<KafkaBridge, KafkaError> {
        let err = |message: String| KafkaError {
            brokers: brokers.to_owned(),
            message,
        };
        create_topics(brokers).await?;
        let producer: FutureProducer = config(brokers)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "5")
            .set("message.timeout.ms", "60000")
            .create()
            .map_err(|e| err(e.to_string()))?;
        let consumer: StreamConsumer = config(brokers)
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
            producer,
            warehouse.to_owned(),
            events.subscribe(),
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

async fn publish(
    producer: FutureProducer,
    warehouse: String,
    mut events: broadcast::Receiver<Published>,
    mut stopped: watch::Receiver<bool>,
) {
    let send = |e: &Published| {
        let topic = e.topic();
        let record = FutureRecord::to(&topic)
            .key(warehouse.as_str())
            .payload(e.json.as_bytes());
        match producer.send_result(record) {
            Ok(delivery) => {
                let seq = e.seq;
                tokio::spawn(async move {
                    match delivery.await {
                        Ok(Ok(_)) => {}
                        Ok(Err((e, _))) => tracing::error!(seq, "kafka: event not delivered: {e}"),
                        Err(_) => tracing::error!(seq, "kafka: delivery cancelled"),
                    }
                });
            }
            Err((why, _)) => tracing::error!(seq = e.seq, "kafka: event not queued: {why}"),
        }
    };
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(e) => send(&e),
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    tracing::error!("kafka: {n} events missed (the producer fell behind)");
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
            _ = stopped.changed() => {
                while let Ok(e) = events.try_recv() {
                    send(&e);
                }
                break;
            }
        }
    }
    let _ = tokio::task::spawn_blocking(move || producer.flush(Duration::from_secs(10))).await;
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
