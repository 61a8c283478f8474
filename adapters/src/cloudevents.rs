//! Domain events as CloudEvents 1.0, structured-mode JSON: what the events
//! WebSocket sends and what Kafka carries.
//!
//! `id` is `WAREHOUSE-SEQ`, the event's position in the site's log, which a
//! restart rebuilds identically, so consumers can drop duplicates by id.
//! `time` (RFC 3339 with the site's offset) is set on a site on the
//! calendar (every site `paklog serve` runs, but for a store made before
//! sites had calendars). Every event also carries the
//! site time as the extension attribute `paklogsimtime` (milliseconds since
//! the site's day one began). An event a timer made late, in the catch-up
//! after the service was down, says by how much in `pakloglatems`
//! (milliseconds after `time` that it was made); the store keeps the
//! catch-ups, so every sending of it says the same.

use std::sync::Arc;

use paklog_domain::Recorded;
use paklog_domain::config::SiteConfig;
use paklog_sim::{SimDuration, SimTime};
use serde_json::{Value, json};

/// An event ready to send.
#[derive(Debug, Clone)]
pub struct Published {
    /// Position in the site's event log.
    pub seq: u64,
    /// The CloudEvents `type` (`com.paklog.wms.wave.released.v1`).
    pub kind: &'static str,
    /// The whole CloudEvent as JSON.
    pub json: Arc<str>,
}

impl Published {
    /// The event `r` of site `site` as a CloudEvent, made `late` after it
    /// fell due if it was.
    #[must_use]
    pub fn new(site: &SiteConfig, r: &Recorded, late: Option<SimDuration>) -> Self {
        let kind = r.event.cloud_event_type();
        let mut ce = cloud_event(site, r);
        if let Some(late) = late {
            ce["pakloglatems"] = late.as_millis().into();
        }
        Published {
            seq: r.seq,
            kind,
            json: ce.to_string().into(),
        }
    }

    /// The Kafka topic of its kind, as the seeds name them:
    /// `com.paklog.wms.wave.released.v1` goes to `wms.wave.events`.
    #[must_use]
    pub fn topic(&self) -> String {
        topic_of(self.kind)
    }
}

/// The topic of a CloudEvents type: `com.paklog.SYSTEM.ENTITY.…` →
/// `SYSTEM.ENTITY.events`.
#[must_use]
pub fn topic_of(kind: &str) -> String {
    let mut parts = kind.split('.').skip(2);
    match (parts.next(), parts.next()) {
        (Some(system), Some(entity)) => format!("{system}.{entity}.events"),
        _ => "paklog.events".to_owned(),
    }
}

/// Every topic a site publishes to (one per system and entity of the
/// event catalog).
pub const TOPICS: [&str; 20] = [
    "wes.associate.events",
    "wes.conveyor.events",
    "wes.license-plate.events",
    "wes.location.events",
    "wes.metrics.events",
    "wes.packing.events",
    "wes.pick.events",
    "wes.picking.events",
    "wes.putwall.events",
    "wes.quality.events",
    "wes.shipment.events",
    "wes.task.events",
    "wes.tote.events",
    "wes.workflow.events",
    "wes.workload.events",
    "wms.inventory.events",
    "wms.location.events",
    "wms.order.events",
    "wms.wave.events",
    "wms.workload.events",
];

/// The topic the order intake is consumed from (one `NewOrder` JSON per
/// record, or a CloudEvent whose `data` is one).
pub const ORDER_INTAKE_TOPIC: &str = "wms.order.intake";

/// The topic RTLS pings are consumed from (one ping JSON per record).
pub const RTLS_TOPIC: &str = "wes.rtls.pings";

/// The CloudEvent of `r`, an event of site `site`, as a JSON value.
#[must_use]
pub fn cloud_event(site: &SiteConfig, r: &Recorded) -> Value {
    let warehouse = &site.warehouse_id;
    let s = r.event.subject();
    let subject = [
        s.order.map(|o| format!("order/{}", o.0)),
        s.wave.map(|w| format!("wave/{}", w.0)),
        s.task.map(|t| format!("task/{}", t.0)),
        s.associate.map(|a| format!("associate/{}", a.0)),
        s.location.map(|l| format!("location/{}", l.0)),
    ]
    .into_iter()
    .flatten()
    .next();
    let mut ce = json!({
        "specversion": "1.0",
        "id": format!("{warehouse}-{}", r.seq),
        "source": format!("/paklog/{warehouse}"),
        "type": r.event.cloud_event_type(),
        "datacontenttype": "application/json",
        "paklogsimtime": r.at.as_millis(),
        "data": data(site, r),
    });
    if let Some(subject) = subject {
        ce["subject"] = Value::String(subject);
    }
    if !site.calendar.is_default() {
        ce["time"] = Value::String(site.calendar.rfc3339(r.at));
    }
    ce
}

/// The event's `data`: its fields in the catalog's camelCase, the site's
/// `warehouseId`, and every site instant as an RFC 3339 date-time on the
/// site's calendar (`releasedAt` …).
fn data(site: &SiteConfig, r: &Recorded) -> Value {
    let mut data = serde_json::to_value(&r.event).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut data {
        for key in paklog_domain::events::time_fields() {
            if let Some(ms) = map.get(key).and_then(Value::as_u64) {
                let at = site.calendar.rfc3339(SimTime::from_millis(ms));
                map.insert(key.clone(), Value::String(at));
            }
        }
        map.insert(
            "warehouseId".to_owned(),
            Value::String(site.warehouse_id.clone()),
        );
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_is_the_local_instant_on_a_site_with_a_time_zone() {
        use paklog_domain::testing::tiny_site;
        use paklog_domain::{DomainEvent, SiteCalendar, WaveId};
        let mut site = tiny_site();
        let calendar = SiteCalendar::parse("Europe/Berlin", "2026-06-10").unwrap();
        let r = Recorded {
            seq: 7,
            at: calendar.at(0, 16 * 60 + 50),
            event: DomainEvent::WaveCompleted { wave: WaveId(0) },
        };
        assert!(
            cloud_event(&site, &r).get("time").is_none(),
            "no calendar, no time"
        );
        site.calendar = calendar;
        let ce = cloud_event(&site, &r);
        assert_eq!(ce["time"], "2026-06-10T16:50:00.000+02:00");
        assert_eq!(ce["id"], "tiny-7");
        assert_eq!(ce["paklogsimtime"], r.at.as_millis());
    }

    #[test]
    fn topics_follow_the_seeds() {
        assert_eq!(
            topic_of("com.paklog.wms.wave.released.v1"),
            "wms.wave.events"
        );
        assert_eq!(
            topic_of("com.paklog.wes.task.created.v1"),
            "wes.task.events"
        );
        assert_eq!(topic_of("odd"), "paklog.events");
    }

    #[test]
    fn every_event_type_of_the_catalog_has_its_topic() {
        let catalog = include_str!("../../domain/src/events/cloudevents.rs");
        let kinds: Vec<&str> = catalog
            .split('"')
            .filter(|s| s.starts_with("com.paklog."))
            .collect();
        assert!(kinds.len() >= 29, "{kinds:?}");
        assert_eq!(kinds.len(), paklog_domain::events::CATALOG.len());
        for kind in kinds {
            assert!(TOPICS.contains(&topic_of(kind).as_str()), "{kind}");
        }
    }
}
