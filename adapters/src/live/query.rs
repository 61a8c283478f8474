//! Questions about the site's state, answered by the kernel: queries (as
//! JSON views) and look-ups of the codes people use (typed ids).

use super::*;

/// A question about the site's state (answered as JSON).
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// One order.
    Order(OrderId),
    /// One wave.
    Wave(WaveId),
    /// Tasks, optionally in one state.
    Tasks(Option<TaskStatus>),
    /// One task.
    Task(paklog_domain::TaskId),
    /// A location by id or code: master data and stock.
    Location(String),
    /// The KPIs of the running interval.
    Metrics,
    /// Where the RTLS last saw a tag.
    Tag(String),
    /// Every variance between master data, books and physical state.
    Reconciliation,
    /// The conveyor's segments: state, totes and statistics.
    Conveyor,
}

/// A code people and devices use, to resolve to the kernel's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// A location by id (`12`) or code (`A01-B1-03-1L`).
    Location(String),
    /// A conveyor segment by code (`main`, `spur-PS3`).
    Segment(String),
    /// A conveyor segment's code.
    SegmentCode(paklog_domain::SegmentId),
}

/// What a [`Lookup`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A location.
    Location(paklog_domain::LocationId),
    /// A conveyor segment.
    Segment(paklog_domain::SegmentId),
    /// A code.
    Code(String),
}

pub(crate) fn to<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A task as a handheld shows it: each stop with its location and SKU
/// codes (the SKU code is the barcode to scan).
pub(crate) fn task_view(wh: &Warehouse, task: &paklog_domain::task_execution::Task) -> Value {
    let mut v = to(task);
    if let Some(lines) = v.get_mut("lines").and_then(Value::as_array_mut) {
        for (line, pick) in lines.iter_mut().zip(&task.lines) {
            line["location_code"] = json!(wh.master().get(pick.location).code);
            line["sku_code"] = json!(wh.config().skus.get(pick.sku.index()).map(|s| &s.code));
        }
    }
    v
}

pub(crate) fn look_up(wh: &Warehouse, code: &Lookup) -> Result<Found, CommandError> {
    match code {
        Lookup::Location(key) => wh.location_by_key(key).map(Found::Location),
        Lookup::Segment(code) => wh.segment_by_code(code).map(Found::Segment),
        Lookup::SegmentCode(id) => wh
            .segment_code(*id)
            .map(|c| Found::Code(c.to_owned()))
            .ok_or(CommandError::UnknownSegment(*id)),
    }
}

pub(crate) fn query(wh: &Warehouse, now: SimTime, q: &Query) -> Option<Value> {
    match q {
        Query::Order(id) => wh.orders().find(*id).map(to),
        Query::Wave(id) => wh.waves().find(*id).map(to),
        Query::Task(id) => wh.tasks().find(*id).map(|t| task_view(wh, t)),
        Query::Tasks(status) => Some(Value::Array(
            wh.tasks()
                .all()
                .iter()
                .filter(|t| status.is_none_or(|s| t.status == s))
                .map(to)
                .collect(),
        )),
        Query::Location(key) => key
            .parse::<usize>()
            .ok()
            .and_then(|i| wh.master().locations.get(i))
            .or_else(|| wh.master().by_code(key))
            .map(|l| {
                json!({
                    "location": to(l),
                    "stock": to(wh.inventory().location(l.id)),
                })
            }),
        Query::Metrics => {
            let interval = METRICS_INTERVAL.as_millis();
            let start = now.as_millis() - now.as_millis() % interval;
            let (orders_shipped, lines_picked) = wh.interval_counts();
            let hours = (now.as_millis() - start) as f64 / 3_600_000.0;
            let signed_on = wh.tasks().associates.iter().filter(|a| a.signed_on).count();
            Some(json!({
                "now_ms": now.as_millis(),
                "interval": {
                    "start_ms": start,
                    "end_ms": start + interval,
                    "orders_shipped": orders_shipped,
                    "lines_picked": lines_picked,
                    "lines_per_hour": if hours > 0.0 { f64::from(lines_picked) / hours } else { 0.0 },
                },
                "open_orders": wh.backlog(),
                "pending_tasks": wh.tasks().pending_len(),
                "orders": wh.orders().all().len(),
                "waves": wh.waves().all().len(),
                "tasks": wh.tasks().all().len(),
                "associates_signed_on": signed_on,
                "rtls_tags": wh.tracking().tags(),
                "rtls_pings": wh.tracking().pings(),
                "events": wh.bus().len(),
            }))
        }
        Query::Tag(tag) => wh.tracking().tag(tag).map(to),
        Query::Reconciliation => Some(json!({ "variances": to(&wh.reconcile()) })),
        Query::Conveyor => wh.conveyor().map(|c| {
            let segments: Vec<Value> = c
                .segments
                .iter()
                .map(|s| {
                    json!({
                        "id": s.id,
                        "code": s.code,
                        "kind": s.kind.name(),
                        "running": s.running,
                        "capacity": s.spec.capacity,
                        "totes": s.totes,
                        "stats": to(&s.stats(now)),
                    })
                })
                .collect();
            json!({ "segments": segments, "totes": c.totes() })
        }),
    }
}
