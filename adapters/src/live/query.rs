//! Questions about the site's state, answered by the kernel: queries (as
//! typed views) and look-ups of the codes people use (typed ids).

use super::*;
use crate::views::{
    ConveyorView, LocationView, MetricsView, OrderView, PutWallView, TagView, TaskView, View,
    WaveView,
};

/// A question about the site's state (answered with a typed [`View`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// One order.
    Order(OrderId),
    /// One wave.
    Wave(WaveId),
    /// Waves, optionally in one state, in planning order (by priority,
    /// then as planned).
    Waves(Option<paklog_domain::wave_planning::WaveStatus>),
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
    /// A put wall: totes waiting and the sort under way.
    PutWall(u16),
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
    /// A SKU by code (`SKU00042`).
    Sku(String),
}

/// What a [`Lookup`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A location.
    Location(paklog_domain::LocationId),
    /// A conveyor segment.
    Segment(paklog_domain::SegmentId),
    /// A SKU.
    Sku(paklog_domain::SkuId),
    /// A code.
    Code(String),
}

pub(crate) fn look_up(wh: &Warehouse, code: &Lookup) -> Result<Found, CommandError> {
    match code {
        Lookup::Location(key) => wh.location_by_key(key).map(Found::Location),
        Lookup::Segment(code) => wh.segment_by_code(code).map(Found::Segment),
        Lookup::SegmentCode(id) => wh
            .segment_code(*id)
            .map(|c| Found::Code(c.to_owned()))
            .ok_or(CommandError::UnknownSegment(*id)),
        Lookup::Sku(code) => wh
            .sku_by_code(code)
            .map(Found::Sku)
            .ok_or_else(|| CommandError::UnknownSkuCode(code.clone())),
    }
}

pub(crate) fn query(wh: &Warehouse, now: SimTime, q: &Query) -> Option<View> {
    match q {
        Query::Order(id) => wh
            .orders()
            .find(*id)
            .map(|o| View::Order(OrderView::new(wh, o))),
        Query::Wave(id) => wh
            .waves()
            .find(*id)
            .map(|w| View::Wave(WaveView::new(wh, w))),
        Query::Waves(status) => {
            let mut waves: Vec<_> = wh
                .waves()
                .all()
                .filter(|w| status.is_none_or(|s| w.status == s))
                .collect();
            waves.sort_by_key(|w| (std::cmp::Reverse(w.priority), w.planned_at, w.id));
            Some(View::Waves(
                waves.into_iter().map(|w| WaveView::new(wh, w)).collect(),
            ))
        }
        Query::Task(id) => wh
            .tasks()
            .find(*id)
            .map(|t| View::Task(TaskView::new(wh, t))),
        Query::Tasks(status) => Some(View::Tasks(
            wh.tasks()
                .all()
                .filter(|t| status.is_none_or(|s| t.status == s))
                .map(|t| TaskView::new(wh, t))
                .collect(),
        )),
        Query::Location(key) => wh
            .location_by_key(key)
            .ok()
            .map(|l| View::Location(LocationView::new(wh, wh.master().get(l)))),
        Query::Metrics => Some(View::Metrics(MetricsView::new(wh, now))),
        Query::Tag(tag) => wh
            .tracking()
            .tag(tag)
            .map(|t| View::Tag(TagView::new(wh, t))),
        Query::Reconciliation => Some(View::Reconciliation(wh.reconcile()[..].into())),
        Query::Conveyor => wh
            .conveyor()
            .map(|c| View::Conveyor(ConveyorView::new(wh, c, now))),
        Query::PutWall(wall) => PutWallView::new(wh, *wall).map(View::PutWall),
    }
}
