//! The site as one ECS resource: every WMS and WES service's state, the
//! command handler that routes each command to its service, and the timers
//! the services ask for (wave planning, carrier departures, metrics).
//!
//! Services react to one another's facts the way the seed's choreography
//! describes (an order validated → stock reserved → waved → released →
//! tasks created → assigned …); because they share one resource the
//! reactions run synchronously, in the same order on every run.

use std::collections::HashMap;

use bevy_ecs::resource::Resource;
use paklog_sim::{RngStreams, SimDuration, SimTime, StreamRng};
use rand::RngExt;

use crate::commands::{Command, CommandError, NewOrder, PackJob, Reply};
use crate::config::SiteConfig;
use crate::events::{DomainEvent, EventBus, Priority, WaveStrategy};
use crate::ids::{
    AssociateId, CarrierId, LocationId, OrderId, SkuId, StationId, TaskId, ToteId, WaveId,
};
use crate::inventory::Inventory;
use crate::layout::{LocationKind, LocationMaster};
use crate::order::{Order, OrderBook, OrderLine, OrderStatus, due_time};
use crate::pack::{PackArea, Station, choose_carton, weight_ok};
use crate::task::{AssociateState, PickLine, Task, TaskBoard, TaskKind, TaskStatus};
use crate::wave::{WaveBook, WaveStatus};

/// Timers the domain asks its driver to fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainTimer {
    /// Run wave planning.
    PlanWaves,
    /// A carrier's truck leaves.
    CarrierDeparture(CarrierId),
    /// Close a metrics interval.
    MetricsTick,
}

/// Length of a metrics interval.
pub const METRICS_INTERVAL: SimDuration = SimDuration::from_mins(5);

/// Counters of the running metrics interval.
#[derive(Debug, Clone, Copy, Default)]
struct Counters {
    orders_shipped: u32,
    lines_picked: u32,
}

/// A site's configuration is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A slotting entry names a SKU or location that does not exist, or a
    /// location that is not a pick face.
    #[error("slotting[{0}]: unknown SKU or not a pick location")]
    BadSlot(usize),
    /// Two SKUs share a code.
    #[error("skus[{0}].code: duplicate code")]
    DuplicateSku(usize),
    /// Some list that must not be empty is.
    #[error("{0}: must not be empty")]
    Empty(&'static str),
}

/// The whole site: location master, orders, inventory, waves, tasks,
/// associates, pack area, and the event bus.
#[derive(Debug, Resource)]
pub struct Warehouse {
    /// Static configuration.
    pub config: SiteConfig,
    /// Location master.
    pub master: LocationMaster,
    /// Order management.
    pub orders: OrderBook,
    /// Inventory.
    pub inventory: Inventory,
    /// Wave planning.
    pub waves: WaveBook,
    /// Task execution and the associates.
    pub tasks: TaskBoard,
    /// Pack & ship.
    pub pack: PackArea,
    /// The event bus and the run's log.
    pub bus: EventBus,
    sku_codes: HashMap<String, SkuId>,
    carrier_names: HashMap<String, CarrierId>,
    stage: Vec<LocationId>,
    docks: Vec<LocationId>,
    timers: Vec<(SimTime, DomainTimer)>,
    qc: StreamRng,
    counters: Counters,
    /// Lines released to the floor and not yet picked.
    floor_lines: u32,
    open_orders: u32,
}

impl Warehouse {
    /// Builds the site from its configuration, with stock slotted and every
    /// associate signed off.
    ///
    /// # Errors
    /// If the configuration contradicts itself.
    pub fn new(config: SiteConfig) -> Result<Self, ConfigError> {
        if config.carriers.is_empty() {
            return Err(ConfigError::Empty("carriers"));
        }
        if config.packing.cartons.is_empty() {
            return Err(ConfigError::Empty("packing.cartons"));
        }
        if config.packing.stations == 0 {
            return Err(ConfigError::Empty("packing.stations"));
        }
        let master = LocationMaster::new(
            config.layout.clone(),
            config.packing.stations,
            config.skus.len() as u32,
        );
        let mut inventory = Inventory::new(master.locations.len(), config.skus.len());
        let mut master = master;
        for (i, &(sku, loc)) in config.slotting.iter().enumerate() {
            let ok = sku.index() < config.skus.len()
                && master
                    .locations
                    .get(loc.index())
                    .is_some_and(|l| l.kind == LocationKind::Pick && l.sku.is_none());
            if !ok {
                return Err(ConfigError::BadSlot(i));
            }
            inventory.slot(sku, loc, config.pick_face_units);
            let l = &mut master.locations[loc.index()];
            l.sku = Some(sku);
            l.abc = Some(config.skus[sku.index()].abc);
        }
        let mut sku_codes = HashMap::with_capacity(config.skus.len());
        for (i, s) in config.skus.iter().enumerate() {
            if sku_codes.insert(s.code.clone(), SkuId(i as u32)).is_some() {
                return Err(ConfigError::DuplicateSku(i));
            }
            inventory.set_reserve(SkuId(i as u32), config.reserve_units);
        }
        let of_kind = |kind| {
            master
                .locations
                .iter()
                .filter(|l| l.kind == kind)
                .map(|l| l.id)
                .collect::<Vec<_>>()
        };
        let stage = of_kind(LocationKind::Stage);
        let docks = of_kind(LocationKind::Dock);
        let depot = master.depot();
        let tasks = TaskBoard::new(
            config
                .associates
                .iter()
                .enumerate()
                .map(|(i, a)| AssociateState {
                    id: AssociateId(i as u32),
                    signed_on: false,
                    idle: false,
                    position: depot,
                    express: a.express,
                    current: None,
                    tasks_done: 0,
                    lines_done: 0,
                    busy_ms: 0,
                    idle_since: None,
                })
                .collect(),
        );
        let pack = PackArea {
            stations: vec![Station::default(); config.packing.stations as usize],
            at_dock: vec![Vec::new(); config.carriers.len()],
        };
        Ok(Warehouse {
            carrier_names: config
                .carriers
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), CarrierId(i as u32)))
                .collect(),
            qc: RngStreams::new(config.seed).stream("qc-sampling"),
            config,
            master,
            orders: OrderBook::default(),
            inventory,
            waves: WaveBook::default(),
            tasks,
            pack,
            bus: EventBus::default(),
            sku_codes,
            stage,
            docks,
            timers: Vec::new(),
            counters: Counters::default(),
            floor_lines: 0,
            open_orders: 0,
        })
    }

    /// Starts the site's clocks at `now`: the first wave planning run, the
    /// carriers' departures and the metrics intervals.
    pub fn start(&mut self, now: SimTime) {
        self.timers
            .push((now + self.config.wave.interval, DomainTimer::PlanWaves));
        for (i, c) in self.config.carriers.iter().enumerate() {
            self.timers.push((
                due_time(now, c.cutoff_min),
                DomainTimer::CarrierDeparture(CarrierId(i as u32)),
            ));
        }
        self.timers
            .push((now + METRICS_INTERVAL, DomainTimer::MetricsTick));
    }

    /// Timers requested since the last call, for the driver to schedule.
    pub fn take_timers(&mut self) -> std::vec::Drain<'_, (SimTime, DomainTimer)> {
        self.timers.drain(..)
    }

    /// Looks up a SKU by code.
    #[must_use]
    pub fn sku_by_code(&self, code: &str) -> Option<SkuId> {
        self.sku_codes.get(code).copied()
    }

    /// Looks up a carrier by name.
    #[must_use]
    pub fn carrier_by_name(&self, name: &str) -> Option<CarrierId> {
        self.carrier_names.get(name).copied()
    }

    /// Orders received and neither shipped nor closed.
    #[must_use]
    pub fn backlog(&self) -> u32 {
        self.open_orders
    }

    fn emit(&mut self, now: SimTime, event: DomainEvent) {
        self.bus.publish(now, event);
    }

    /// Handles one command at `now`.
    ///
    /// # Errors
    /// Why the command was refused; a refused command changes nothing.
    pub fn execute(&mut self, now: SimTime, command: Command) -> Result<Reply, CommandError> {
        match command {
            Command::ReceiveOrder(order) => self.receive_order(now, order),
            Command::CreateWave { orders } => self.create_wave(now, &orders),
            Command::ReleaseWave { wave } => self.release_wave(now, wave).map(|()| Reply::Done),
            Command::SignOn { associate } => self.sign_on(now, associate),
            Command::SignOff { associate } => self.sign_off(now, associate),
            Command::RequestNextTask { associate } => self.next_task(now, associate),
            Command::StartTask { associate, task } => self.start_task(now, associate, task),
            Command::ConfirmPick {
                associate,
                task,
                line,
                quantity,
                barcode,
            } => self.confirm_pick(now, associate, task, line, quantity, barcode.as_deref()),
            Command::DeliverTote { associate, task } => self.deliver_tote(now, associate, task),
            Command::StartPacking { station } => self.start_packing(now, station),
            Command::CompletePacking {
                station,
                order,
                weight_kg,
            } => self.complete_packing(now, station, order, weight_kg),
        }
    }

    /// Handles a timer the driver fired.
    pub fn on_timer(&mut self, now: SimTime, timer: DomainTimer) {
        match timer {
            DomainTimer::PlanWaves => {
                self.plan_waves(now);
                self.timers
                    .push((now + self.config.wave.interval, DomainTimer::PlanWaves));
            }
            DomainTimer::CarrierDeparture(carrier) => {
                self.depart(now, carrier);
                self.timers.push((
                    now + SimDuration::from_hours(24),
                    DomainTimer::CarrierDeparture(carrier),
                ));
            }
            DomainTimer::MetricsTick => {
                let c = std::mem::take(&mut self.counters);
                let backlog = self.backlog();
                self.emit(
                    now,
                    DomainEvent::MetricsUpdate {
                        orders_shipped: c.orders_shipped,
                        lines_picked: c.lines_picked,
                        backlog,
                    },
                );
                self.timers
                    .push((now + METRICS_INTERVAL, DomainTimer::MetricsTick));
            }
        }
    }

    // ---- order management and inventory -------------------------------

    fn receive_order(&mut self, now: SimTime, new: NewOrder) -> Result<Reply, CommandError> {
        if new.external_id.trim().is_empty() {
            return Err(CommandError::BadExternalId("must not be empty".into()));
        }
        if self.orders.by_external(&new.external_id).is_some() {
            return Err(CommandError::BadExternalId(format!(
                "order \"{}\" was already received",
                new.external_id
            )));
        }
        let carrier = self
            .carrier_by_name(&new.carrier)
            .ok_or_else(|| CommandError::UnknownCarrier(new.carrier.clone()))?;
        if new.lines.is_empty() {
            return Err(CommandError::NoLines);
        }
        let mut lines = Vec::with_capacity(new.lines.len());
        for (i, l) in new.lines.iter().enumerate() {
            let sku = self
                .sku_by_code(&l.sku)
                .ok_or_else(|| CommandError::UnknownSku {
                    line: i,
                    sku: l.sku.clone(),
                })?;
            if l.quantity == 0 {
                return Err(CommandError::ZeroQuantity { line: i });
            }
            lines.push(OrderLine {
                sku,
                quantity: l.quantity,
                picked: 0,
                short: 0,
            });
        }
        let id = self.orders.next_id();
        let due = due_time(now, self.config.carriers[carrier.index()].cutoff_min);
        let order = Order {
            id,
            external_id: new.external_id,
            carrier,
            priority: new.priority,
            status: OrderStatus::Backordered,
            created: now,
            due,
            wave: None,
            task: None,
            tote: None,
            station: None,
            carton: None,
            qc: false,
            reserved_at: None,
            waved_at: None,
            picked_at: None,
            packed_at: None,
            shipped_at: None,
            lines,
        };
        let units = order.units();
        let line_count = order.lines.len() as u32;
        let wanted: Vec<(SkuId, u32)> = order.lines.iter().map(|l| (l.sku, l.quantity)).collect();
        self.orders.insert(order);
        self.open_orders += 1;
        self.emit(
            now,
            DomainEvent::OrderReceived {
                order: id,
                carrier,
                priority: new.priority,
                lines: line_count,
                units,
            },
        );
        self.emit(now, DomainEvent::OrderValidated { order: id });
        let status = match self.inventory.reserve_all(&wanted) {
            Ok(units) => {
                let o = self.orders.get_mut(id);
                o.status = OrderStatus::Reserved;
                o.reserved_at = Some(now);
                self.waves.waiting.push_back(id);
                self.emit(now, DomainEvent::InventoryReserved { order: id, units });
                OrderStatus::Reserved
            }
            Err((sku, missing)) => {
                self.emit(
                    now,
                    DomainEvent::OrderBackordered {
                        order: id,
                        sku,
                        missing,
                    },
                );
                OrderStatus::Backordered
            }
        };
        Ok(Reply::OrderAccepted { order: id, status })
    }

    // ---- wave planning ------------------------------------------------------

    /// Lines the floor can still take this planning interval, by the labour
    /// plan, after what is already released and not yet picked.
    fn capacity_lines(&self, now: SimTime) -> u32 {
        let minute = ((now.as_millis() / 60_000) % 1440) as u32;
        let heads = f64::from(self.config.heads_at(minute));
        let hours = self.config.wave.interval.as_secs_f64() / 3600.0;
        let capacity = heads * hours * self.config.wave.lines_per_head_hour;
        (capacity as u32).saturating_sub(self.floor_lines)
    }

    fn plan_waves(&mut self, now: SimTime) {
        if self.waves.waiting.is_empty() {
            return;
        }
        let mut capacity = self.capacity_lines(now);
        let max = self.config.wave.max_orders as usize;
        // Most urgent first: express, then by cut-off, then first come.
        let mut waiting: Vec<OrderId> = self.waves.waiting.drain(..).collect();
        waiting.sort_by_key(|&o| {
            let o = self.orders.get(o);
            (u8::from(o.priority != Priority::Express), o.due, o.id)
        });
        let groups: Vec<(Option<u16>, Vec<OrderId>, bool)> = match self.config.wave.strategy {
            WaveStrategy::Time | WaveStrategy::Manual => vec![(None, waiting.clone(), false)],
            WaveStrategy::Carrier => {
                let mut by_carrier: Vec<Vec<OrderId>> =
                    vec![Vec::new(); self.config.carriers.len()];
                for &o in &waiting {
                    by_carrier[self.orders.get(o).carrier.index()].push(o);
                }
                let lead = self.config.wave.cutoff_lead;
                by_carrier
                    .into_iter()
                    .filter(|g| !g.is_empty())
                    .map(|g| {
                        let urgent = g
                            .iter()
                            .any(|&o| now.saturating_add(lead) >= self.orders.get(o).due);
                        (None, g, urgent)
                    })
                    .collect()
            }
            WaveStrategy::Zone => {
                let mut by_zone: Vec<Vec<OrderId>> = vec![Vec::new(); self.master.zones.len()];
                for &o in &waiting {
                    by_zone[self.dominant_zone(o) as usize].push(o);
                }
                by_zone
                    .into_iter()
                    .enumerate()
                    .filter(|(_, g)| !g.is_empty())
                    .map(|(z, g)| (Some(z as u16), g, false))
                    .collect()
            }
        };
        // Urgent groups first; a carrier group waits until it is full or
        // urgent.
        let mut groups = groups;
        groups.sort_by_key(|g| u8::from(!g.2));
        let mut planned: Vec<OrderId> = Vec::new();
        for (zone, group, urgent) in groups {
            if self.config.wave.strategy == WaveStrategy::Carrier && !urgent && group.len() < max {
                continue;
            }
            let mut wave_orders = Vec::new();
            let mut lines = 0u32;
            for o in group {
                if wave_orders.len() >= max {
                    break;
                }
                let n = self.orders.get(o).lines.len() as u32;
                if n > capacity && !urgent {
                    break;
                }
                capacity = capacity.saturating_sub(n);
                lines += n;
                wave_orders.push(o);
            }
            if wave_orders.is_empty() {
                continue;
            }
            planned.extend(&wave_orders);
            let wave = self.plan_wave(now, self.config.wave.strategy, wave_orders, lines, zone);
            self.release_wave(now, wave)
                .expect("a wave just planned can be released");
        }
        // Whatever was not planned waits for the next run, in its old order.
        planned.sort_unstable();
        self.waves.waiting = waiting
            .into_iter()
            .filter(|o| planned.binary_search(o).is_err())
            .collect();
        self.waves
            .waiting
            .make_contiguous()
            .sort_unstable_by_key(|&o| self.orders.get(o).reserved_at);
    }

    /// The zone holding most of an order's pick faces.
    fn dominant_zone(&self, order: OrderId) -> u16 {
        let mut counts = vec![0u32; self.master.zones.len()];
        for l in &self.orders.get(order).lines {
            if let Some(&face) = self.inventory.sku(l.sku).faces.first() {
                counts[self.master.get(face).zone as usize] += 1;
            }
        }
        counts
            .iter()
            .enumerate()
            .max_by_key(|&(z, c)| (*c, std::cmp::Reverse(z)))
            .map_or(0, |(z, _)| z as u16)
    }

    fn plan_wave(
        &mut self,
        now: SimTime,
        strategy: WaveStrategy,
        orders: Vec<OrderId>,
        lines: u32,
        zone: Option<u16>,
    ) -> WaveId {
        let units = orders.iter().map(|&o| self.orders.get(o).units()).sum();
        let count = orders.len() as u32;
        for &o in &orders {
            let order = self.orders.get_mut(o);
            order.status = OrderStatus::Waved;
            order.waved_at = Some(now);
        }
        let wave = self.waves.plan(strategy, orders, lines, units, now, zone);
        for &o in &self.waves.find(wave).expect("just planned").orders.clone() {
            self.orders.get_mut(o).wave = Some(wave);
        }
        self.emit(
            now,
            DomainEvent::WavePlanned {
                wave,
                strategy,
                orders: count,
                lines,
            },
        );
        wave
    }

    fn create_wave(&mut self, now: SimTime, orders: &[OrderId]) -> Result<Reply, CommandError> {
        if orders.is_empty() {
            return Err(CommandError::EmptyWave);
        }
        for (index, &order) in orders.iter().enumerate() {
            let o = self
                .orders
                .find(order)
                .ok_or(CommandError::UnknownOrder { index, order })?;
            if o.status != OrderStatus::Reserved || orders[..index].contains(&order) {
                return Err(CommandError::OrderNotWaveable {
                    index,
                    order,
                    status: o.status,
                });
            }
        }
        self.waves.waiting.retain(|o| !orders.contains(o));
        let lines = orders
            .iter()
            .map(|&o| self.orders.get(o).lines.len() as u32)
            .sum();
        let wave = self.plan_wave(now, WaveStrategy::Manual, orders.to_vec(), lines, None);
        Ok(Reply::WavePlanned { wave })
    }

    /// Releases a planned wave: allocates its stock to pick faces, starts its
    /// workflow and creates its tasks (one tote per order).
    fn release_wave(&mut self, now: SimTime, wave: WaveId) -> Result<(), CommandError> {
        let w = self
            .waves
            .find(wave)
            .ok_or(CommandError::UnknownWave(wave))?;
        if w.status != WaveStatus::Planned {
            return Err(CommandError::WaveNotPlanned {
                wave,
                status: w.status,
            });
        }
        let orders = w.orders.clone();
        let w = self.waves.get_mut(wave);
        w.status = WaveStatus::Released;
        w.released_at = Some(now);
        self.emit(
            now,
            DomainEvent::WaveReleased {
                wave,
                orders: orders.len() as u32,
            },
        );
        self.emit(now, DomainEvent::WorkflowStarted { wave });
        let first = self.tasks.next_id();
        for &o in &orders {
            self.create_pick_task(now, wave, o);
        }
        let count = self.tasks.next_id().0 - first.0;
        self.emit(now, DomainEvent::TasksCreated { wave, first, count });
        self.dispatch(now);
        Ok(())
    }

    fn create_pick_task(&mut self, now: SimTime, wave: WaveId, order: OrderId) {
        let mut lines = Vec::new();
        let order_lines: Vec<(u32, SkuId, u32)> = self
            .orders
            .get(order)
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i as u32, l.sku, l.quantity))
            .collect();
        for (i, sku, quantity) in order_lines {
            let split = self.inventory.allocate(sku, quantity);
            let covered: u32 = split.iter().map(|s| s.1).sum();
            for (location, q) in split {
                lines.push(PickLine {
                    order_line: i,
                    sku,
                    location,
                    quantity: q,
                    picked: None,
                });
            }
            if covered < quantity {
                self.record_shortage(now, order, i, quantity - covered);
            }
        }
        let stops: Vec<LocationId> = lines.iter().map(|l| l.location).collect();
        let (sequence, distance_m) = self.master.s_shape(&stops);
        // Put the lines in walking order (stable for repeated locations).
        let mut ordered = Vec::with_capacity(lines.len());
        for loc in sequence {
            if let Some(i) = lines.iter().position(|l| l.location == loc) {
                ordered.push(lines.swap_remove(i));
            }
        }
        let id = self.tasks.next_id();
        let tote = ToteId(id.0);
        self.floor_lines += ordered.len() as u32;
        let o = self.orders.get_mut(order);
        o.task = Some(id);
        o.tote = Some(tote);
        let (priority, due) = (o.priority, o.due);
        self.tasks.add(Task {
            id,
            kind: TaskKind::Pick,
            status: TaskStatus::Pending,
            wave,
            order,
            tote,
            priority,
            due,
            lines: ordered,
            distance_m,
            policy: "s_shape",
            associate: None,
            created: now,
            assigned_at: None,
            started_at: None,
            completed_at: None,
        });
    }

    fn record_shortage(&mut self, now: SimTime, order: OrderId, line: u32, units: u32) {
        let l = &mut self.orders.get_mut(order).lines[line as usize];
        l.short += units;
        let sku = l.sku;
        self.inventory.release_reservation(sku, units);
        self.emit(now, DomainEvent::ShortageRecorded { order, sku, units });
    }

    // ---- task execution -----------------------------------------------------

    fn dispatch(&mut self, now: SimTime) {
        let made = self
            .tasks
            .dispatch(&self.config.assignment, &self.master, now);
        for (task, associate, score) in made {
            self.emit(
                now,
                DomainEvent::TaskAssigned {
                    task,
                    associate,
                    score,
                },
            );
        }
    }

    fn associate(&self, id: AssociateId) -> Result<&AssociateState, CommandError> {
        let a = self
            .tasks
            .associates
            .get(id.index())
            .ok_or(CommandError::UnknownAssociate(id))?;
        if a.signed_on {
            Ok(a)
        } else {
            Err(CommandError::NotSignedOn(id))
        }
    }

    fn sign_on(&mut self, now: SimTime, associate: AssociateId) -> Result<Reply, CommandError> {
        let a = self
            .tasks
            .associates
            .get_mut(associate.index())
            .ok_or(CommandError::UnknownAssociate(associate))?;
        if !a.signed_on {
            a.signed_on = true;
            a.position = self.master.depot();
            self.emit(now, DomainEvent::AssociateSignedOn { associate });
        }
        Ok(Reply::Done)
    }

    fn sign_off(&mut self, now: SimTime, associate: AssociateId) -> Result<Reply, CommandError> {
        let a = self.associate(associate)?;
        if let Some(task) = a.current {
            // A task in hand but not started goes back to the pool.
            let t = self.tasks.get(task);
            if t.status == TaskStatus::InProgress {
                return Err(CommandError::WrongTaskState {
                    task,
                    status: t.status,
                });
            }
            self.tasks.unassign(task);
        }
        let a = &mut self.tasks.associates[associate.index()];
        a.signed_on = false;
        a.idle = false;
        a.current = None;
        self.emit(now, DomainEvent::AssociateSignedOff { associate });
        Ok(Reply::Done)
    }

    fn next_task(&mut self, now: SimTime, associate: AssociateId) -> Result<Reply, CommandError> {
        let a = self.associate(associate)?;
        if let Some(task) = a.current {
            return Ok(Reply::NextTask { task: Some(task) });
        }
        match self
            .tasks
            .best_task_for(associate, &self.config.assignment, &self.master, now)
        {
            Some((task, score)) => {
                self.tasks.assign(task, associate, now);
                self.emit(
                    now,
                    DomainEvent::TaskAssigned {
                        task,
                        associate,
                        score,
                    },
                );
                Ok(Reply::NextTask { task: Some(task) })
            }
            None => {
                let a = &mut self.tasks.associates[associate.index()];
                a.idle = true;
                a.idle_since.get_or_insert(now);
                Ok(Reply::NextTask { task: None })
            }
        }
    }

    fn owned_task(&self, associate: AssociateId, task: TaskId) -> Result<&Task, CommandError> {
        self.associate(associate)?;
        let t = self
            .tasks
            .find(task)
            .ok_or(CommandError::UnknownTask(task))?;
        if t.associate != Some(associate) {
            return Err(CommandError::NotYourTask { task, associate });
        }
        Ok(t)
    }

    fn start_task(
        &mut self,
        now: SimTime,
        associate: AssociateId,
        task: TaskId,
    ) -> Result<Reply, CommandError> {
        let t = self.owned_task(associate, task)?;
        if t.status != TaskStatus::Assigned {
            return Err(CommandError::WrongTaskState {
                task,
                status: t.status,
            });
        }
        let order = t.order;
        let t = self.tasks.get_mut(task);
        t.status = TaskStatus::InProgress;
        t.started_at = Some(now);
        self.orders.get_mut(order).status = OrderStatus::Picking;
        self.emit(now, DomainEvent::TaskStarted { task, associate });
        Ok(Reply::Done)
    }

    fn confirm_pick(
        &mut self,
        now: SimTime,
        associate: AssociateId,
        task: TaskId,
        line: u32,
        quantity: u32,
        barcode: Option<&str>,
    ) -> Result<Reply, CommandError> {
        let t = self.owned_task(associate, task)?;
        if t.status != TaskStatus::InProgress {
            return Err(CommandError::WrongTaskState {
                task,
                status: t.status,
            });
        }
        let stop = t
            .lines
            .get(line as usize)
            .ok_or(CommandError::UnknownLine { task, line })?;
        if stop.picked.is_some() {
            return Err(CommandError::LineConfirmed { task, line });
        }
        if quantity > stop.quantity {
            return Err(CommandError::TooMany {
                max: stop.quantity,
                got: quantity,
            });
        }
        let code = &self.config.skus[stop.sku.index()].code;
        if let Some(scanned) = barcode
            && scanned != code
        {
            return Err(CommandError::WrongBarcode {
                expected: code.clone(),
                scanned: scanned.to_owned(),
            });
        }
        let stop = stop.clone();
        let order = t.order;
        // Accepted: record the pick.
        self.tasks.get_mut(task).lines[line as usize].picked = Some(quantity);
        let left = self.inventory.pick(stop.location, stop.quantity, quantity);
        self.orders.get_mut(order).lines[stop.order_line as usize].picked += quantity;
        self.counters.lines_picked += 1;
        self.floor_lines = self.floor_lines.saturating_sub(1);
        self.emit(
            now,
            DomainEvent::PickCompleted {
                task,
                order,
                sku: stop.sku,
                location: stop.location,
                requested: stop.quantity,
                picked: quantity,
            },
        );
        if left == 0 {
            self.emit(
                now,
                DomainEvent::LocationStateChanged {
                    location: stop.location,
                    on_hand: 0,
                    occupied: false,
                },
            );
        }
        if quantity < stop.quantity {
            self.short_pick(now, task, order, &stop, stop.quantity - quantity);
        }
        let next_line = self.tasks.get(task).next_line().map(|i| i as u32);
        Ok(Reply::PickRecorded { next_line })
    }

    /// The short-pick flow: retry the missing units from other faces holding
    /// the SKU (appended to the task), and record what cannot be found as a
    /// shortage.
    fn short_pick(
        &mut self,
        now: SimTime,
        task: TaskId,
        order: OrderId,
        stop: &PickLine,
        missing: u32,
    ) {
        let split = self.inventory.allocate(stop.sku, missing);
        let covered: u32 = split.iter().map(|s| s.1).sum();
        self.emit(
            now,
            DomainEvent::PickShort {
                task,
                order,
                sku: stop.sku,
                location: stop.location,
                missing,
                retry_from: split.first().map(|s| s.0),
            },
        );
        let t = self.tasks.get_mut(task);
        for &(location, quantity) in &split {
            t.lines.push(PickLine {
                order_line: stop.order_line,
                sku: stop.sku,
                location,
                quantity,
                picked: None,
            });
        }
        self.floor_lines += split.len() as u32;
        if covered < missing {
            self.record_shortage(now, order, stop.order_line, missing - covered);
        }
    }

    fn deliver_tote(
        &mut self,
        now: SimTime,
        associate: AssociateId,
        task: TaskId,
    ) -> Result<Reply, CommandError> {
        let t = self.owned_task(associate, task)?;
        if t.status != TaskStatus::InProgress {
            return Err(CommandError::WrongTaskState {
                task,
                status: t.status,
            });
        }
        let open = t.lines.iter().filter(|l| l.picked.is_none()).count();
        if open > 0 {
            return Err(CommandError::StopsOpen { task, open });
        }
        let (order, tote, distance_m, lines, started) = (
            t.order,
            t.tote,
            t.distance_m,
            t.lines.len() as u32,
            t.started_at,
        );
        let t = self.tasks.get_mut(task);
        t.status = TaskStatus::Completed;
        t.completed_at = Some(now);
        let depot = self.master.depot();
        let a = &mut self.tasks.associates[associate.index()];
        a.current = None;
        a.tasks_done += 1;
        a.lines_done += lines;
        a.busy_ms += now.saturating_since(started.unwrap_or(now)).as_millis();
        a.position = depot;
        self.emit(
            now,
            DomainEvent::TaskCompleted {
                task,
                associate,
                distance_m,
            },
        );
        let o = self.orders.get_mut(order);
        o.picked_at = Some(now);
        o.status = OrderStatus::Picked;
        let nothing_picked = o.picked_units() == 0;
        self.emit(now, DomainEvent::PickingCompleted { order });
        let station = self.pack.least_loaded();
        if nothing_picked {
            // Every unit was short: there is nothing to pack or ship.
            self.close_order(now, order);
        } else {
            self.pack.stations[station.index()].queue.push_back(order);
            self.orders.get_mut(order).station = Some(station);
            let to = self.stage[station.index()];
            self.emit(now, DomainEvent::LicensePlateMoved { tote, order, to });
        }
        Ok(Reply::ToteDelivered { station })
    }

    // ---- pack & ship ----------------------------------------------------------

    fn start_packing(&mut self, now: SimTime, station: StationId) -> Result<Reply, CommandError> {
        let s = self
            .pack
            .stations
            .get(station.index())
            .ok_or(CommandError::UnknownStation(station))?;
        if let Some(order) = s.packing {
            return Err(CommandError::StationBusy { station, order });
        }
        let Some(order) = self.pack.stations[station.index()].queue.pop_front() else {
            return Ok(Reply::Packing { job: None });
        };
        self.pack.stations[station.index()].packing = Some(order);
        let (volume, weight) = self.order_volume_weight(order);
        let carton = choose_carton(&self.config.packing.cartons, volume, weight);
        let qc = self.qc.random::<f64>() < self.config.packing.qc_rate;
        let o = self.orders.get_mut(order);
        o.carton = Some(carton);
        o.qc = qc;
        let units = o.picked_units();
        self.emit(now, DomainEvent::PackingStarted { order, station });
        Ok(Reply::Packing {
            job: Some(PackJob {
                order,
                qc,
                carton,
                expected_weight_kg: weight,
                units,
            }),
        })
    }

    /// Volume (l) and weight (kg) of what was picked for an order.
    fn order_volume_weight(&self, order: OrderId) -> (f64, f64) {
        self.orders
            .get(order)
            .lines
            .iter()
            .fold((0.0, 0.0), |(v, w), l| {
                let s = &self.config.skus[l.sku.index()];
                (
                    v + s.volume_l * f64::from(l.picked),
                    w + s.weight_kg * f64::from(l.picked),
                )
            })
    }

    fn complete_packing(
        &mut self,
        now: SimTime,
        station: StationId,
        order: OrderId,
        weight_kg: f64,
    ) -> Result<Reply, CommandError> {
        let s = self
            .pack
            .stations
            .get(station.index())
            .ok_or(CommandError::UnknownStation(station))?;
        if s.packing != Some(order) {
            return Err(CommandError::NotOnBench { station, order });
        }
        if !(weight_kg.is_finite() && weight_kg >= 0.0) {
            return Err(CommandError::BadWeight(weight_kg));
        }
        let s = &mut self.pack.stations[station.index()];
        s.packing = None;
        s.packed += 1;
        let (_, expected) = self.order_volume_weight(order);
        let passed = weight_ok(expected, weight_kg, self.config.packing.weight_tolerance);
        let o = self.orders.get_mut(order);
        o.status = OrderStatus::ReadyToShip;
        o.packed_at = Some(now);
        let (qc, carrier, carton, wave) = (o.qc, o.carrier, o.carton.unwrap_or(0), o.wave);
        if qc || !passed {
            self.emit(now, DomainEvent::QualityInspected { order, passed });
        }
        self.emit(
            now,
            DomainEvent::PackingCompleted {
                order,
                station,
                carton,
                weight_kg,
            },
        );
        let dock = self.docks[carrier.index() % self.docks.len()];
        if let Some(tote) = self.orders.get(order).tote {
            // The parcel travels on under its tote's license plate.
            self.emit(
                now,
                DomainEvent::LicensePlateMoved {
                    tote,
                    order,
                    to: dock,
                },
            );
        }
        self.pack.at_dock[carrier.index()].push(order);
        self.emit(
            now,
            DomainEvent::ShipmentReady {
                order,
                carrier,
                dock,
            },
        );
        if let Some(wave) = wave {
            self.order_done_in_wave(now, wave);
        }
        Ok(Reply::Done)
    }

    fn order_done_in_wave(&mut self, now: SimTime, wave: WaveId) {
        let w = self.waves.get_mut(wave);
        w.open_orders = w.open_orders.saturating_sub(1);
        if w.open_orders == 0 && w.status == WaveStatus::Released {
            w.status = WaveStatus::Completed;
            w.completed_at = Some(now);
            self.emit(now, DomainEvent::WaveCompleted { wave });
            self.emit(now, DomainEvent::WorkflowCompleted { wave });
        }
    }

    /// An order with nothing left to ship.
    fn close_order(&mut self, now: SimTime, order: OrderId) {
        let o = self.orders.get_mut(order);
        o.status = OrderStatus::Closed;
        let wave = o.wave;
        self.open_orders = self.open_orders.saturating_sub(1);
        if let Some(wave) = wave {
            self.order_done_in_wave(now, wave);
        }
    }

    fn depart(&mut self, now: SimTime, carrier: CarrierId) {
        let leaving = std::mem::take(&mut self.pack.at_dock[carrier.index()]);
        for order in leaving {
            let o = self.orders.get_mut(order);
            o.status = OrderStatus::Shipped;
            o.shipped_at = Some(now);
            let on_time = now <= o.due;
            self.open_orders = self.open_orders.saturating_sub(1);
            self.counters.orders_shipped += 1;
            self.emit(
                now,
                DomainEvent::OrderShipped {
                    order,
                    carrier,
                    on_time,
                },
            );
        }
    }
}
