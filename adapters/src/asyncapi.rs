//! The event catalog for consumers: an AsyncAPI 3.0 document, served at
//! `/asyncapi.json`. Channels are the Kafka topics, messages the
//! CloudEvents types (one per event of the catalog), and each message's
//! payload the whole structured-mode CloudEvent with its `data` as the
//! domain's JSON Schema of that event (derived from the same types the
//! encoder serialises, so the two cannot drift apart).

use std::collections::BTreeMap;

use axum::Json;
use paklog_domain::events::{CATALOG, data_schema};
use serde_json::{Map, Value, json};

use crate::cloudevents::{ORDER_INTAKE_TOPIC, RTLS_TOPIC, topic_of};

/// The AsyncAPI 3.0 document of every event a site publishes.
#[must_use]
pub fn document() -> Value {
    let data = data_schema();
    let data = data.as_value();
    let mut schemas: Map<String, Value> = data
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let variants: Vec<&Value> = data
        .get("oneOf")
        .and_then(Value::as_array)
        .map(|v| v.iter().collect())
        .unwrap_or_default();
    let mut messages = Map::new();
    let mut by_topic: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for &(tag, kind) in CATALOG {
        let Some(variant) = variants.iter().find(|v| tag_of(v) == Some(tag)) else {
            continue;
        };
        let schema_name = format!("{tag}Data");
        schemas.insert(
            schema_name.clone(),
            json!({
                "allOf": [
                    variant,
                    {
                        "type": "object",
                        "properties": {
                            "warehouseId": {
                                "type": "string",
                                "description": "The site that published it (the seeds' warehouseId)"
                            }
                        },
                        "required": ["warehouseId"]
                    }
                ]
            }),
        );
        let summary = variant
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or(tag);
        messages.insert(
            tag.to_owned(),
            json!({
                "name": tag,
                "title": kind,
                "summary": summary,
                "contentType": "application/json",
                "payload": cloud_event(kind, &schema_name),
            }),
        );
        by_topic.entry(topic_of(kind)).or_default().push(tag);
    }
    let mut channels = Map::new();
    let mut operations = Map::new();
    for (topic, tags) in &by_topic {
        let refs: Map<String, Value> = tags
            .iter()
            .map(|t| {
                (
                    (*t).to_owned(),
                    json!({ "$ref": format!("#/components/messages/{t}") }),
                )
            })
            .collect();
        channels.insert(
            topic.clone(),
            json!({
                "address": topic,
                "description": format!("Kafka topic {topic}: one CloudEvent per record, keyed by its subject"),
                "messages": refs,
            }),
        );
        operations.insert(
            format!("publish.{topic}"),
            json!({
                "action": "send",
                "channel": { "$ref": format!("#/channels/{topic}") },
                "messages": tags
                    .iter()
                    .map(|t| json!({ "$ref": format!("#/channels/{topic}/messages/{t}") }))
                    .collect::<Vec<_>>(),
            }),
        );
    }
    let mut doc = json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "PakLog Twin events",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "The domain events of a PakLog site as CloudEvents 1.0 (structured mode, JSON), \
                 on Kafka topics named after the seeds (com.paklog.SYSTEM.ENTITY.… goes to \
                 SYSTEM.ENTITY.events) and on the events WebSocket (/api/v1/events). `id` is \
                 WAREHOUSE-SEQ, the event's place in the site's log: a restart re-sends an event \
                 under the same id. The site also consumes {ORDER_INTAKE_TOPIC} (orders) and \
                 {RTLS_TOPIC} (RTLS pings)."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": { "messages": messages, "schemas": schemas },
    });
    rewrite_refs(&mut doc);
    doc
}

/// The `event` tag a variant schema of the catalog gives its `data`.
fn tag_of(variant: &Value) -> Option<&str> {
    let direct = variant
        .pointer("/properties/event/const")
        .and_then(Value::as_str);
    direct.or_else(|| {
        variant
            .get("allOf")?
            .as_array()?
            .iter()
            .find_map(|v| v.pointer("/properties/event/const").and_then(Value::as_str))
    })
}

/// A structured-mode CloudEvent of type `kind` whose `data` is the schema
/// `data`.
fn cloud_event(kind: &str, data: &str) -> Value {
    json!({
        "type": "object",
        "required": ["specversion", "id", "source", "type", "datacontenttype", "paklogsimtime", "data"],
        "properties": {
            "specversion": { "const": "1.0" },
            "id": { "type": "string", "description": "WAREHOUSE-SEQ: the event's place in the site's log" },
            "source": { "type": "string", "description": "/paklog/WAREHOUSE" },
            "type": { "const": kind },
            "subject": { "type": "string", "description": "What it is about first: order/N, wave/N, task/N, associate/N or location/N" },
            "time": { "type": "string", "format": "date-time", "description": "When, with the site's offset" },
            "datacontenttype": { "const": "application/json" },
            "paklogsimtime": { "type": "integer", "minimum": 0, "description": "Site time (ms since the site's day one began)" },
            "pakloglatems": { "type": "integer", "minimum": 0, "description": "How late a timer's event was made, in the catch-up after a restart (ms)" },
            "data": { "$ref": format!("#/components/schemas/{data}") },
        },
    })
}

/// Points the schemas' `$ref`s (`#/$defs/X`) at the document's
/// components.
fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && let Some(name) = r.strip_prefix("#/$defs/")
            {
                *r = format!("#/components/schemas/{name}");
            }
            for v in map.values_mut() {
                rewrite_refs(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// The AsyncAPI document of the events.
#[utoipa::path(get, path = "/asyncapi.json", tag = "operations",
    responses((status = 200, description = "The AsyncAPI 3.0 document of the events this site publishes", body = Object)))]
pub(crate) async fn asyncapi_json() -> Json<Value> {
    Json(document())
}
