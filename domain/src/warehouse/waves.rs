//! Wave planning: forming waves by strategy under the labour plan, and
//! releasing them (allocation, workflow start, task creation).

use super::*;

/// Tasks done on the floor before wave planning trusts the measured pick
/// rate over the configured estimate.
const LEARN_AFTER_TASKS: u32 = 50;

impl Warehouse {
    /// Lines the floor can still take this planning interval, by the labour
    /// plan, after what is already released and not yet picked.
    pub(super) fn capacity_lines(&self, now: SimTime) -> u32 {
        let minute = ((now.as_millis() / 60_000) % 1440) as u32;
        let heads = f64::from(self.config.heads_at(minute) + self.adjusted_heads(now));
        let hours = self.config.wave.interval.as_secs_f64() / 3600.0;
        let capacity = heads * hours * self.lines_per_head_hour();
        (capacity as u32).saturating_sub(self.floor_lines)
    }

    /// Lines an associate picks per hour at work: measured on the floor once
    /// enough tasks are done (so it follows the picking strategy and the
    /// routing), the configured estimate until then.
    pub(super) fn lines_per_head_hour(&self) -> f64 {
        let (mut lines, mut busy_ms, mut tasks) = (0u64, 0u64, 0u32);
        for a in &self.tasks.associates {
            lines += u64::from(a.lines_done);
            busy_ms += a.busy_ms;
            tasks += a.tasks_done;
        }
        if tasks < LEARN_AFTER_TASKS || busy_ms == 0 {
            self.config.wave.lines_per_head_hour
        } else {
            lines as f64 * 3_600_000.0 / busy_ms as f64
        }
    }

    pub(super) fn plan_waves(&mut self, now: SimTime) {
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
        // (zone, orders, urgent) per group the strategy forms.
        let mut groups: Vec<(Option<u16>, Vec<OrderId>, bool)> = match self.config.wave.strategy {
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
                // An order bigger than what the floor can take goes alone
                // once the floor is empty, so it cannot block the queue.
                let alone = wave_orders.is_empty() && self.floor_lines == 0;
                if n > capacity && !urgent && !alone {
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
        // Whatever was not planned waits for the next run, first reserved
        // first.
        planned.sort_unstable();
        self.waves.waiting = waiting
            .into_iter()
            .filter(|o| planned.binary_search(o).is_err())
            .collect();
        self.waves
            .waiting
            .make_contiguous()
            .sort_unstable_by_key(|&o| (self.orders.get(o).reserved_at, o));
    }

    /// The zone holding most of an order's pick faces.
    pub(super) fn dominant_zone(&self, order: OrderId) -> u16 {
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

    pub(super) fn plan_wave(
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

    pub(super) fn create_wave(
        &mut self,
        now: SimTime,
        orders: &[OrderId],
    ) -> Result<Reply, CommandError> {
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
    pub(super) fn release_wave(&mut self, now: SimTime, wave: WaveId) -> Result<(), CommandError> {
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
        self.create_pick_tasks(now, wave, &orders);
        let count = self.tasks.next_id().0 - first.0;
        self.emit(now, DomainEvent::TasksCreated { wave, first, count });
        self.dispatch(now);
        Ok(())
    }

    /// Allocates an order's lines to pick faces, recording as short what no
    /// face holds. The lines are not yet placed in a trip.
    fn allocate_order(&mut self, now: SimTime, order: OrderId) -> Vec<PickLine> {
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
            let mut split = self.inventory.allocate(sku, quantity);
            let mut covered: u32 = split.iter().map(|s| s.1).sum();
            // Every face of the SKU blocked: re-slot it (filled from reserve).
            let refill = if covered < quantity {
                self.reslot_if_blocked(now, sku)
            } else {
                None
            };
            if covered < quantity && (refill.is_some() || self.top_up(now, sku, quantity - covered))
            {
                // Picked from the face the replenishment is filling.
                for (face, units) in self.inventory.allocate(sku, quantity - covered) {
                    covered += units;
                    match split.iter_mut().find(|s| s.0 == face) {
                        Some(s) => s.1 += units,
                        None => split.push((face, units)),
                    }
                }
            }
            let faces: Vec<LocationId> = split.iter().map(|s| s.0).collect();
            for (location, q) in split {
                lines.push(PickLine {
                    slot: 0,
                    order_line: i,
                    sku,
                    location,
                    quantity: q,
                    picked: None,
                    leg_m: 0.0,
                });
            }
            if covered < quantity {
                self.record_shortage(now, order, i, quantity - covered);
            }
            if let Some((face, units)) = refill {
                self.open_replenishment(now, face, units);
            }
            for face in faces {
                self.check_min(now, face);
            }
        }
        lines
    }

    /// Turns the orders of a released wave (most urgent first) into pick
    /// trips by the site's picking strategy.
    fn create_pick_tasks(&mut self, now: SimTime, wave: WaveId, orders: &[OrderId]) {
        let mut allocated = Vec::with_capacity(orders.len());
        for &o in orders {
            let lines = self.allocate_order(now, o);
            if lines.is_empty() {
                // Nothing of it can be picked: it will not ship.
                self.emit(now, DomainEvent::PickingCompleted { order: o });
                self.close_order(now, o);
            } else {
                allocated.push((o, lines));
            }
        }
        let picking = self.config.picking;
        match picking {
            Picking::Discrete => {
                for order in allocated {
                    let tote = self.new_tote();
                    self.add_trip(now, wave, Trip::totes(vec![order], vec![tote]));
                }
            }
            Picking::Zone { mode } => {
                for (order, lines) in allocated {
                    let mut by_zone: Vec<(u16, Vec<PickLine>)> = Vec::new();
                    for l in lines {
                        let zone = self.master.get(l.location).zone;
                        match by_zone.iter_mut().find(|(z, _)| *z == zone) {
                            Some((_, ls)) => ls.push(l),
                            None => by_zone.push((zone, vec![l])),
                        }
                    }
                    by_zone.sort_by_key(|(z, _)| *z);
                    let zones = by_zone.len();
                    let shared = self.new_tote();
                    for (k, (zone, lines)) in by_zone.into_iter().enumerate() {
                        let tote = match (mode, k) {
                            (ZoneMode::Parallel, 1..) => self.new_tote(),
                            _ => shared,
                        };
                        let mut trip = Trip::totes(vec![(order, lines)], vec![tote]);
                        trip.zone = Some(zone);
                        if mode == ZoneMode::PickAndPass {
                            trip.held = k > 0;
                            trip.next = (k + 1 < zones).then(|| TaskId(self.tasks.next_id().0 + 1));
                        }
                        self.add_trip(now, wave, trip);
                    }
                }
            }
            Picking::Batch { .. } | Picking::Cluster { .. } | Picking::PutWall { .. } => {
                let (rule, capacity) = picking.batching().expect("a batching strategy");
                let stops: Vec<Vec<Point>> = allocated
                    .iter()
                    .map(|(_, lines)| {
                        lines
                            .iter()
                            .map(|l| self.master.get(l.location).point)
                            .collect()
                    })
                    .collect();
                let batches = crate::picking::batch(&self.master, rule, capacity, &stops);
                let mut left: Vec<Option<(OrderId, Vec<PickLine>)>> =
                    allocated.into_iter().map(Some).collect();
                let put_wall = matches!(picking, Picking::PutWall { .. });
                for b in batches {
                    let orders: Vec<(OrderId, Vec<PickLine>)> = b
                        .iter()
                        .map(|&i| left[i].take().expect("batched once"))
                        .collect();
                    let totes = if put_wall { 1 } else { orders.len() };
                    let totes = (0..totes).map(|_| self.new_tote()).collect();
                    let mut trip = Trip::totes(orders, totes);
                    trip.put_wall = put_wall;
                    self.add_trip(now, wave, trip);
                }
            }
        }
    }

    /// The depot from which `policy` routes `stops` shortest (the main one
    /// on ties, or if the site has no other).
    fn nearest_depot(&self, policy: crate::routing::Policy, stops: &[Point]) -> u32 {
        let spec = &self.master.spec;
        let length = |depot| {
            crate::routing::route_from(&self.master, policy, depot, stops)
                .map_or(f64::INFINITY, |r| r.distance_m)
        };
        let mut best = (spec.depot_aisle, f64::INFINITY);
        if spec.extra_depots.is_empty() {
            return best.0;
        }
        best.1 = length(spec.depot_aisle);
        for &d in &spec.extra_depots {
            let l = length(d);
            if l < best.1 - 1e-9 {
                best = (d, l);
            }
        }
        best.0
    }

    pub(super) fn new_tote(&mut self) -> ToteId {
        self.next_tote += 1;
        ToteId(self.next_tote - 1)
    }

    /// Adds one pick trip: its orders' lines in the walking order of the
    /// site's routing policy, from the site's depot or its zone's hand-over
    /// point.
    fn add_trip(&mut self, now: SimTime, wave: WaveId, trip: Trip) -> TaskId {
        let id = self.tasks.next_id();
        let mut lines = Vec::new();
        let mut order_ids = Vec::with_capacity(trip.orders.len());
        let (mut priority, mut due) = (Priority::Standard, SimTime::MAX);
        for (slot, (order, order_lines)) in trip.orders.into_iter().enumerate() {
            lines.extend(order_lines.into_iter().map(|l| PickLine {
                slot: slot as u16,
                ..l
            }));
            let tote = trip.totes[slot.min(trip.totes.len() - 1)];
            let o = self.orders.get_mut(order);
            o.task.get_or_insert(id);
            o.tote.get_or_insert(tote);
            o.open_tasks += 1;
            if o.priority == Priority::Express {
                priority = Priority::Express;
            }
            due = due.min(o.due);
            order_ids.push(order);
        }
        let stops: Vec<Point> = lines
            .iter()
            .map(|l| self.master.get(l.location).point)
            .collect();
        let policy = self.config.routing;
        let depot = match trip.zone {
            Some(z) => self.master.zone_depot(z),
            None => self.nearest_depot(policy, &stops),
        };
        let plan = crate::routing::plan_from(&self.master, policy, depot, &stops)
            .expect("the site's routing policy fits its layout (checked when the site is built)");
        let distance_m = plan.distance_m();
        // Put the lines in walking order, each with its leg.
        let mut slots: Vec<Option<PickLine>> = lines.into_iter().map(Some).collect();
        let ordered: Vec<PickLine> = plan
            .order
            .iter()
            .zip(&plan.legs)
            .map(|(&i, &leg_m)| PickLine {
                leg_m,
                ..slots[i].take().expect("a plan visits each stop once")
            })
            .collect();
        self.floor_lines += ordered.len() as u32;
        let task = Task {
            id,
            kind: TaskKind::Pick,
            status: TaskStatus::Pending,
            wave: Some(wave),
            orders: order_ids,
            totes: trip.totes,
            picking: self.config.picking.name(),
            zone: trip.zone,
            depot,
            next: trip.next,
            put_wall: trip.put_wall,
            priority,
            due,
            lines: ordered,
            distance_m,
            home_m: plan.home_m,
            policy: policy.name(),
            associate: None,
            created: now,
            assigned_at: None,
            started_at: None,
            completed_at: None,
            rtls_m: None,
            rtls_from_mm: None,
        };
        if trip.held {
            self.tasks.add_held(task);
        } else {
            self.tasks.add(task);
        }
        id
    }

    pub(super) fn record_shortage(&mut self, now: SimTime, order: OrderId, line: u32, units: u32) {
        let l = &mut self.orders.get_mut(order).lines[line as usize];
        l.short += units;
        let sku = l.sku;
        self.inventory.release_reservation(sku, units);
        self.emit(now, DomainEvent::ShortageRecorded { order, sku, units });
    }
}

/// A pick trip about to become a task.
struct Trip {
    /// Its orders with their allocated lines, most urgent first.
    orders: Vec<(OrderId, Vec<PickLine>)>,
    /// One tote per order, or one bulk tote.
    totes: Vec<ToteId>,
    zone: Option<u16>,
    put_wall: bool,
    /// Waits for the previous zone's task (pick-and-pass).
    held: bool,
    next: Option<TaskId>,
}

impl Trip {
    fn totes(orders: Vec<(OrderId, Vec<PickLine>)>, totes: Vec<ToteId>) -> Self {
        Trip {
            orders,
            totes,
            zone: None,
            put_wall: false,
            held: false,
            next: None,
        }
    }
}
