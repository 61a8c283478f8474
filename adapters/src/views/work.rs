//! The work: orders, waves and tasks, with their codes and local times.

use paklog_domain::Warehouse;
use paklog_domain::order_management::Order;
use paklog_domain::task_execution::Task;
use paklog_domain::wave_planning::Wave;
use paklog_sim::SimTime;
use serde::Serialize;
use utoipa::ToSchema;

use super::{PointView, at, ms, name};

/// A line of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLineView {
    /// SKU id.
    pub sku: u32,
    /// The SKU's code.
    pub sku_code: String,
    /// Units ordered.
    pub quantity: u32,
    /// Units picked so far.
    pub picked: u32,
    /// Units found short.
    pub short: u32,
}

/// An order and where it is in its life.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderView {
    /// Its id.
    pub id: u32,
    /// The id its source gave it.
    pub external_id: String,
    /// Carrier id.
    pub carrier: u32,
    /// The carrier's name.
    pub carrier_name: String,
    /// `EXPRESS` or `STANDARD`.
    pub priority: String,
    /// Its lines.
    pub lines: Vec<OrderLineView>,
    /// `RESERVED`, `BACKORDERED`, `WAVED`, `PICKING`, `PICKED`,
    /// `READY_TO_SHIP`, `SHIPPED` or `CLOSED`.
    pub status: String,
    /// Received at (ms).
    pub created: u64,
    /// The carrier cut-off it must be packed by (ms).
    pub due: u64,
    /// Its wave, once waved.
    pub wave: Option<u32>,
    /// Its first pick task, once released.
    pub task: Option<u32>,
    /// Pick tasks of it not yet delivered.
    pub open_tasks: u32,
    /// The tote (licence plate number) carrying it.
    pub tote: Option<u32>,
    /// Its pack station.
    pub station: Option<u32>,
    /// Its carton (index in the carton set).
    pub carton: Option<u32>,
    /// Sampled for QC.
    pub qc: bool,
    /// Stock reserved at (ms).
    pub reserved_at: Option<u64>,
    /// Waved at (ms).
    pub waved_at: Option<u64>,
    /// Last line picked at (ms).
    pub picked_at: Option<u64>,
    /// Packed at (ms).
    pub packed_at: Option<u64>,
    /// Shipped at (ms).
    pub shipped_at: Option<u64>,
    /// The same instants as local times.
    pub times: OrderTimes,
}

/// An order's times, RFC 3339 on the site's calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderTimes {
    /// Received.
    pub created: String,
    /// The carrier cut-off it must be packed by.
    pub due: String,
    /// Stock reserved.
    pub reserved: Option<String>,
    /// Waved.
    pub waved: Option<String>,
    /// Last line picked.
    pub picked: Option<String>,
    /// Packed.
    pub packed: Option<String>,
    /// Shipped.
    pub shipped: Option<String>,
}

impl OrderView {
    /// The order with its codes and local times.
    #[must_use]
    pub fn new(wh: &Warehouse, o: &Order) -> Self {
        let config = wh.config();
        let at = |t: SimTime| at(wh, t);
        OrderView {
            id: o.id.0,
            external_id: o.external_id.clone(),
            carrier: o.carrier.0,
            carrier_name: config
                .carriers
                .get(o.carrier.index())
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            priority: name(&o.priority),
            lines: o
                .lines
                .iter()
                .map(|l| OrderLineView {
                    sku: l.sku.0,
                    sku_code: config
                        .skus
                        .get(l.sku.index())
                        .map(|s| s.code.clone())
                        .unwrap_or_default(),
                    quantity: l.quantity,
                    picked: l.picked,
                    short: l.short,
                })
                .collect(),
            status: name(&o.status),
            created: ms(o.created),
            due: ms(o.due),
            wave: o.wave.map(|w| w.0),
            task: o.task.map(|t| t.0),
            open_tasks: o.open_tasks,
            tote: o.tote.map(|t| t.0),
            station: o.station.map(|s| s.0),
            carton: o.carton,
            qc: o.qc,
            reserved_at: o.reserved_at.map(ms),
            waved_at: o.waved_at.map(ms),
            picked_at: o.picked_at.map(ms),
            packed_at: o.packed_at.map(ms),
            shipped_at: o.shipped_at.map(ms),
            times: OrderTimes {
                created: at(o.created),
                due: at(o.due),
                reserved: o.reserved_at.map(at),
                waved: o.waved_at.map(at),
                picked: o.picked_at.map(at),
                packed: o.packed_at.map(at),
                shipped: o.shipped_at.map(at),
            },
        }
    }
}

/// A wave.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaveView {
    /// Its id.
    pub id: u32,
    /// `time`, `carrier`, `zone` or `manual`.
    pub strategy: String,
    /// `STANDARD`, `HIGH` or `CRITICAL`.
    pub priority: String,
    /// `PLANNED`, `RELEASED`, `IN_PROGRESS`, `COMPLETED` or `CANCELLED`.
    pub status: String,
    /// Its orders.
    pub orders: Vec<u32>,
    /// Order lines in it.
    pub lines: u32,
    /// Units in it.
    pub units: u32,
    /// Orders of it not yet packed (or closed).
    pub open_orders: u32,
    /// Planned at (ms).
    pub planned_at: u64,
    /// Released at (ms).
    pub released_at: Option<u64>,
    /// Completed at (ms).
    pub completed_at: Option<u64>,
    /// The zone of a zone wave.
    pub zone: Option<u16>,
    /// The same instants as local times.
    pub times: WaveTimes,
}

/// A wave's times, RFC 3339 on the site's calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaveTimes {
    /// Planned.
    pub planned: String,
    /// Released.
    pub released: Option<String>,
    /// Completed.
    pub completed: Option<String>,
}

impl WaveView {
    /// The wave with its local times.
    #[must_use]
    pub fn new(wh: &Warehouse, w: &Wave) -> Self {
        let at = |t: SimTime| at(wh, t);
        WaveView {
            id: w.id.0,
            strategy: name(&w.strategy),
            priority: name(&w.priority),
            status: name(&w.status),
            orders: w.orders.iter().map(|o| o.0).collect(),
            lines: w.lines,
            units: w.units,
            open_orders: w.open_orders,
            planned_at: ms(w.planned_at),
            released_at: w.released_at.map(ms),
            completed_at: w.completed_at.map(ms),
            zone: w.zone,
            times: WaveTimes {
                planned: at(w.planned_at),
                released: w.released_at.map(at),
                completed: w.completed_at.map(at),
            },
        }
    }
}

/// A stop of a task.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StopView {
    /// Which of the task's orders (and totes) it serves.
    pub slot: u16,
    /// The order line it picks.
    pub order_line: u32,
    /// SKU id.
    pub sku: u32,
    /// The SKU's code: the barcode to scan.
    pub sku_code: Option<String>,
    /// Location id.
    pub location: u32,
    /// The location's code.
    pub location_code: String,
    /// Units to pick (or put, or count).
    pub quantity: u32,
    /// Units confirmed, once confirmed.
    pub picked: Option<u32>,
    /// Walk to it from the stop before (m).
    pub leg_m: f64,
}

/// A task: a pick trip, a replenishment, a count or a putaway.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskView {
    /// Its id.
    pub id: u32,
    /// `PICK`, `REPLENISH`, `COUNT`, `PUTAWAY` or `RESLOT`.
    pub kind: String,
    /// `PENDING`, `ASSIGNED`, `IN_PROGRESS`, `COMPLETED` or `CANCELLED`.
    pub status: String,
    /// Its wave.
    pub wave: Option<u32>,
    /// The orders it serves.
    pub orders: Vec<u32>,
    /// Their totes (licence plate numbers).
    pub totes: Vec<u32>,
    /// The picking strategy that made it.
    pub picking: String,
    /// Its zone, under zone picking.
    pub zone: Option<u16>,
    /// The aisle of the depot it starts and ends at.
    pub depot: u32,
    /// The next zone's task (pick-and-pass).
    pub next: Option<u32>,
    /// Whether its tote goes to a put wall.
    pub put_wall: bool,
    /// `EXPRESS` or `STANDARD`.
    pub priority: String,
    /// Due (ms).
    pub due: u64,
    /// Its stops, in walking order.
    pub lines: Vec<StopView>,
    /// Walk of the whole trip (m).
    pub distance_m: f64,
    /// Walk from the last stop back to the depot (m).
    pub home_m: f64,
    /// The routing policy.
    pub policy: String,
    /// Who has it.
    pub associate: Option<u32>,
    /// Their name or badge.
    pub associate_name: Option<String>,
    /// Created at (ms).
    pub created: u64,
    /// Assigned at (ms).
    pub assigned_at: Option<u64>,
    /// Started at (ms).
    pub started_at: Option<u64>,
    /// Completed at (ms).
    pub completed_at: Option<u64>,
    /// The walk the RTLS measured (m), once completed with RTLS.
    pub rtls_m: Option<f64>,
    /// The same instants as local times.
    pub times: TaskTimes,
}

/// A task's times, RFC 3339 on the site's calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskTimes {
    /// Due.
    pub due: String,
    /// Created.
    pub created: String,
    /// Assigned.
    pub assigned: Option<String>,
    /// Started.
    pub started: Option<String>,
    /// Completed.
    pub completed: Option<String>,
}

impl TaskView {
    /// The task with each stop's location and SKU codes, and local times.
    #[must_use]
    pub fn new(wh: &Warehouse, t: &Task) -> Self {
        let at = |t: SimTime| at(wh, t);
        TaskView {
            id: t.id.0,
            kind: name(&t.kind),
            status: name(&t.status),
            wave: t.wave.map(|w| w.0),
            orders: t.orders.iter().map(|o| o.0).collect(),
            totes: t.totes.iter().map(|o| o.0).collect(),
            picking: t.picking.to_owned(),
            zone: t.zone,
            depot: t.depot,
            next: t.next.map(|n| n.0),
            put_wall: t.put_wall,
            priority: name(&t.priority),
            due: ms(t.due),
            lines: t
                .lines
                .iter()
                .map(|l| StopView {
                    slot: l.slot,
                    order_line: l.order_line,
                    sku: l.sku.0,
                    sku_code: wh.config().skus.get(l.sku.index()).map(|s| s.code.clone()),
                    location: l.location.0,
                    location_code: wh.master().get(l.location).code.clone(),
                    quantity: l.quantity,
                    picked: l.picked,
                    leg_m: l.leg_m,
                })
                .collect(),
            distance_m: t.distance_m,
            home_m: t.home_m,
            policy: t.policy.to_owned(),
            associate: t.associate.map(|a| a.0),
            associate_name: t
                .associate
                .and_then(|a| wh.config().associates.get(a.index()))
                .map(|a| a.name.clone()),
            created: ms(t.created),
            assigned_at: t.assigned_at.map(ms),
            started_at: t.started_at.map(ms),
            completed_at: t.completed_at.map(ms),
            rtls_m: t.rtls_m,
            times: TaskTimes {
                due: at(t.due),
                created: at(t.created),
                assigned: t.assigned_at.map(at),
                started: t.started_at.map(at),
                completed: t.completed_at.map(at),
            },
        }
    }
}

/// A handheld's next task (the seed's mobile API): the whole task, the
/// instruction to do now and the walk to it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextTaskView {
    /// The whole task.
    #[serde(flatten)]
    pub task: TaskView,
    /// The stop to do now (none once every stop is confirmed).
    pub instruction: Option<InstructionView>,
    /// The walk to it from where the site last knew the associate (their
    /// last stop, or the depot).
    pub navigation: Option<NavigationView>,
}

/// The stop to do now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstructionView {
    /// What the confirmation names (`instructionId`): the stop's index.
    #[serde(rename = "instructionId")]
    pub instruction_id: u32,
    /// Where.
    pub location_code: String,
    /// What (the barcode to scan).
    pub sku_code: String,
    /// How many units.
    pub quantity: u32,
}

/// The walk to the stop: legs along aisles and cross aisles.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NavigationView {
    /// Where it starts.
    pub from: PointView,
    /// Where it ends: the stop's location.
    pub to: PointView,
    /// Its length (m), the sum of the legs.
    pub distance_m: f64,
    /// Its legs in order; none when the associate is already there.
    pub legs: Vec<LegView>,
}

/// One straight leg of a walk, in site metres (`x` across the aisles, `y`
/// along them from the front cross aisle).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LegView {
    /// `aisle 3` (walking along aisle 3) or `cross aisle at 20 m`.
    pub along: String,
    /// Start `[x, y]`.
    pub from: [f64; 2],
    /// End `[x, y]`.
    pub to: [f64; 2],
    /// Length (m).
    pub distance_m: f64,
}

impl NextTaskView {
    /// Task `t` as associate `associate`'s handheld gets it.
    #[must_use]
    pub fn new(wh: &Warehouse, t: &Task, associate: paklog_domain::AssociateId) -> Self {
        let master = wh.master();
        let next = t.next_line();
        let instruction = next.map(|i| {
            let stop = &t.lines[i];
            InstructionView {
                instruction_id: i as u32,
                location_code: master.get(stop.location).code.clone(),
                sku_code: wh.config().skus[stop.sku.index()].code.clone(),
                quantity: stop.quantity,
            }
        });
        let navigation = next.map(|i| {
            let from = wh
                .tasks()
                .associates
                .get(associate.index())
                .map_or_else(|| t.depot_point(), |a| a.position);
            let to = master.get(t.lines[i].location).point;
            let pitch = master.spec.aisle_pitch_m;
            let legs: Vec<LegView> = master
                .path(from, to)
                .windows(2)
                .filter(|w| (w[0].0 - w[1].0).abs() + (w[0].1 - w[1].1).abs() > 1e-9)
                .map(|w| {
                    let along = if (w[0].0 - w[1].0).abs() < 1e-9 {
                        format!("aisle {}", (w[0].0 / pitch).round() as u32 + 1)
                    } else {
                        format!("cross aisle at {} m", w[0].1)
                    };
                    LegView {
                        along,
                        from: [w[0].0, w[0].1],
                        to: [w[1].0, w[1].1],
                        distance_m: (w[0].0 - w[1].0).abs() + (w[0].1 - w[1].1).abs(),
                    }
                })
                .collect();
            NavigationView {
                from: PointView {
                    aisle: from.aisle,
                    y: from.y,
                },
                to: PointView {
                    aisle: to.aisle,
                    y: to.y,
                },
                distance_m: legs.iter().map(|l| l.distance_m).sum(),
                legs,
            }
        });
        NextTaskView {
            task: TaskView::new(wh, t),
            instruction,
            navigation,
        }
    }
}

/// A put wall: the bulk totes waiting, and the sort under way.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PutWallView {
    /// The wall (from 0).
    pub wall: u16,
    /// Bulk totes waiting to be scanned, first in line first.
    pub waiting_totes: Vec<u32>,
    /// The bulk tote being sorted, if any.
    pub sorting_tote: Option<u32>,
    /// Its task.
    pub sorting_task: Option<u32>,
    /// Its slots, one per order (the seed's `PutWallSlot`).
    pub slots: Vec<PutWallSlotView>,
    /// What is still in the bulk tote, by slot and SKU: the operator's
    /// instructions.
    pub to_put: Vec<PutInstructionView>,
    /// Orders sorted so far.
    pub sorted: u32,
}

/// Units of a SKU still to put into a slot.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PutInstructionView {
    /// The slot.
    pub slot: u16,
    /// The SKU's id.
    pub sku: u32,
    /// Its code (what the handheld scans).
    pub sku_code: Option<String>,
    /// Units.
    pub quantity: u32,
}

/// A slot of the sort under way.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PutWallSlotView {
    /// Its number at the wall (from 0).
    pub slot: u16,
    /// The order assigned to it.
    pub order_id: u32,
    /// Units expected (what was picked for the order).
    pub expected_item_count: u32,
    /// Units in it.
    pub current_item_count: u32,
    /// `OPEN` or `COMPLETE`.
    pub status: String,
}

impl PutWallView {
    /// Wall `wall` of the site, if it has one.
    #[must_use]
    pub fn new(wh: &Warehouse, wall: u16) -> Option<Self> {
        let w = wh.pack().put_walls.get(wall as usize)?;
        let tote = |task: paklog_domain::TaskId| wh.tasks().get(task).totes[0].0;
        let sorting = w.sorting.as_ref().map(|(task, _)| *task);
        let mut to_put: Vec<PutInstructionView> = Vec::new();
        if let Some((task, put)) = &w.sorting {
            for (l, &done) in wh.tasks().get(*task).lines.iter().zip(put) {
                let left = l.picked.unwrap_or(0).saturating_sub(done);
                if left == 0 {
                    continue;
                }
                match to_put
                    .iter_mut()
                    .find(|p| p.slot == l.slot && p.sku == l.sku.0)
                {
                    Some(p) => p.quantity += left,
                    None => to_put.push(PutInstructionView {
                        slot: l.slot,
                        sku: l.sku.0,
                        sku_code: wh.config().skus.get(l.sku.index()).map(|s| s.code.clone()),
                        quantity: left,
                    }),
                }
            }
        }
        Some(PutWallView {
            wall,
            waiting_totes: w.queue.iter().map(|&t| tote(t)).collect(),
            sorting_tote: sorting.map(tote),
            sorting_task: sorting.map(|t| t.0),
            slots: if sorting.is_some() {
                w.slots
                    .iter()
                    .enumerate()
                    .map(|(i, s)| PutWallSlotView {
                        slot: i as u16,
                        order_id: s.order.0,
                        expected_item_count: s.expected,
                        current_item_count: s.current,
                        status: if s.complete { "COMPLETE" } else { "OPEN" }.to_owned(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            to_put,
            sorted: w.sorted,
        })
    }
}
