//! Wave planning's command handlers and timers, written against the
//! [`Site`]: planning, creating and releasing waves.

use paklog_sim::SimTime;

use crate::commands::{CommandError, Reply};
use crate::events::{DomainEvent, Priority, WaveStrategy};
use crate::ids::{OrderId, WaveId};
use crate::order_management::OrderStatus;
use crate::site::Site;
use crate::vocabulary::{WavePriority, WaveRelease};

use super::{LEARN_AFTER_TASKS, WaveReleased, WaveStatus};

impl Site<'_, '_> {
    /// Lines the floor can still take this planning interval, by the labour
    /// plan, after what is already released and not yet picked and what
    /// waits in planned waves for a planner's release.
    pub(crate) fn capacity_lines(&self, now: SimTime) -> u32 {
        let minute = self.config.calendar.minute_of_day(now);
        let heads = f64::from(self.config.heads_at(minute) + self.adjusted_heads(now));
        let hours = self.config.wave.interval.as_secs_f64() / 3600.0;
        let capacity = heads * hours * self.lines_per_head_hour();
        (capacity as u32).saturating_sub(self.waves.floor_lines + self.waves.held_lines)
    }

    /// Lines an associate picks per hour at work: measured on the floor once
    /// enough tasks are done (so it follows the picking strategy and the
    /// routing), the configured estimate until then.
    pub(crate) fn lines_per_head_hour(&self) -> f64 {
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

    pub(crate) fn plan_waves(&mut self, now: SimTime) {
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
        // Orchestration puts a released wave's lines on the floor once this
        // run is done: until then, a wave released in it counts as on the
        // floor.
        let mut released = false;
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
                // once the floor is empty (and no planned wave waits), so
                // it cannot block the queue.
                let alone = wave_orders.is_empty()
                    && self.waves.floor_lines == 0
                    && self.waves.held_lines == 0
                    && !released;
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
            let strategy = self.config.wave.strategy;
            let wave = self.plan_wave(
                now,
                strategy,
                WavePriority::Standard,
                wave_orders,
                lines,
                zone,
            );
            if self.config.wave.release == WaveRelease::Auto {
                self.release_wave(now, wave)
                    .expect("a wave just planned can be released");
                released = true;
            }
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
    pub(crate) fn dominant_zone(&self, order: OrderId) -> u16 {
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

    /// Plans a wave: its orders are WAVED (`OrderWaved` each), its lines
    /// held until it is released, and orchestration's workflow for it
    /// starts (diagram 1: `WorkflowStarted` on `WavePlanned`).
    pub(crate) fn plan_wave(
        &mut self,
        now: SimTime,
        strategy: WaveStrategy,
        priority: WavePriority,
        orders: Vec<OrderId>,
        lines: u32,
        zone: Option<u16>,
    ) -> WaveId {
        let units = orders.iter().map(|&o| self.orders.get(o).units()).sum();
        let wave = self.waves.next_id();
        for &o in &orders {
            let order = self.orders.get_mut(o);
            order.status = OrderStatus::Waved;
            order.waved_at = Some(now);
            order.wave = Some(wave);
        }
        self.emit(
            now,
            DomainEvent::WavePlanned {
                wave,
                strategy,
                priority,
                orders: orders.clone(),
                lines,
            },
        );
        for &order in &orders {
            self.emit(now, DomainEvent::OrderWaved { order, wave });
        }
        let planned = self.waves.plan(strategy, orders, lines, units, now, zone);
        debug_assert_eq!(planned, wave);
        self.waves.get_mut(wave).priority = priority;
        self.waves.held_lines += lines;
        self.emit(now, DomainEvent::WorkflowStarted { wave });
        wave
    }

    /// Plans a wave by hand (the planner's `CreateWaveCommand`), formed as
    /// `strategy` says (manual when it says nothing).
    pub(crate) fn create_wave(
        &mut self,
        now: SimTime,
        orders: &[OrderId],
        strategy: Option<WaveStrategy>,
        priority: WavePriority,
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
        let strategy = strategy.unwrap_or(WaveStrategy::Manual);
        let wave = self.plan_wave(now, strategy, priority, orders.to_vec(), lines, None);
        Ok(Reply::WavePlanned { wave })
    }

    /// The orders of wave `wave`, if it is PLANNED; else why not (unknown,
    /// or the refusal `not_planned` makes of its state).
    fn planned_orders(
        &self,
        wave: WaveId,
        not_planned: impl FnOnce(WaveId, WaveStatus) -> CommandError,
    ) -> Result<Vec<OrderId>, CommandError> {
        let w = self
            .waves
            .find(wave)
            .ok_or(CommandError::UnknownWave(wave))?;
        if w.status != WaveStatus::Planned {
            return Err(not_planned(wave, w.status));
        }
        Ok(w.orders.clone())
    }

    /// Cancels a wave (the planner's `CancelWaveCommand`).
    ///
    /// - **A PLANNED wave**: its orders go back to RESERVED (their stock
    ///   stays reserved) and wait for the next wave in the order they were
    ///   reserved.
    /// - **A RELEASED wave none of whose tasks has started** is compensated
    ///   first (the release saga undone): its tasks are cancelled
    ///   (`TaskCancelled`; an associate who had one is free again), the
    ///   stock allocated to its faces goes back (`InventoryDeallocated`,
    ///   still reserved for the order), and its open orders wait as above.
    ///   What the release did that is a fact of the floor stays: lines
    ///   found short stay short (their stock was let go), orders closed
    ///   short stay closed, replenishments it opened go on.
    /// - **Refused** ([`CommandError::WaveNotCancellable`]) once a task of
    ///   it has started (IN_PROGRESS), or when it is done.
    pub(crate) fn cancel_wave(&mut self, now: SimTime, wave: WaveId) -> Result<(), CommandError> {
        let w = self
            .waves
            .find(wave)
            .ok_or(CommandError::UnknownWave(wave))?;
        let was = w.status;
        if !matches!(was, WaveStatus::Planned | WaveStatus::Released) {
            return Err(CommandError::WaveNotCancellable { wave, status: was });
        }
        let (orders, lines) = (w.orders.clone(), w.lines);
        if was == WaveStatus::Released {
            self.compensate_release(now, wave);
        } else {
            self.waves.held_lines = self.waves.held_lines.saturating_sub(lines);
        }
        let w = self.waves.get_mut(wave);
        w.status = WaveStatus::Cancelled;
        w.open_orders = 0;
        w.completed_at = Some(now);
        let mut back = 0;
        for &o in &orders {
            let order = self.orders.get_mut(o);
            if order.status != OrderStatus::Waved {
                continue;
            }
            order.status = OrderStatus::Reserved;
            order.wave = None;
            order.waved_at = None;
            order.task = None;
            order.tote = None;
            order.open_tasks = 0;
            self.waves.waiting.push_back(o);
            back += 1;
        }
        self.waves
            .waiting
            .make_contiguous()
            .sort_unstable_by_key(|&o| (self.orders.get(o).reserved_at, o));
        self.emit(
            now,
            DomainEvent::WaveCancelled {
                wave,
                orders: back,
                was,
            },
        );
        Ok(())
    }

    /// A planner releases a wave (`ReleaseWave`): refused while nothing of
    /// it can be allocated ([`CommandError::WaveNotAllocatable`], the
    /// seed's `ensureInventoryAllocated`), so a planner never puts an empty
    /// wave on the floor; then [`Site::release_wave`].
    pub(crate) fn authorise_release(
        &mut self,
        now: SimTime,
        wave: WaveId,
    ) -> Result<(), CommandError> {
        let orders = self.planned_orders(wave, |wave, status| CommandError::WaveNotPlanned {
            wave,
            status,
        })?;
        if !orders.iter().any(|&o| self.allocatable(o)) {
            return Err(CommandError::WaveNotAllocatable(wave));
        }
        self.release_wave(now, wave)
    }

    /// Whether some line of `order` can be allocated now: a usable face of
    /// its SKU has units not yet allocated, or (on a site that
    /// replenishes) the SKU has reserve stock a replenishment can bring.
    fn allocatable(&self, order: OrderId) -> bool {
        let replenishes = self.config.replenishment.is_some();
        self.orders.get(order).lines.iter().any(|l| {
            l.quantity > l.short && {
                let s = self.inventory.sku(l.sku);
                (replenishes && s.reserve > 0)
                    || s.faces.iter().any(|&f| {
                        let loc = self.inventory.location(f);
                        loc.usable() && loc.on_hand + loc.incoming > loc.allocated
                    })
            }
        })
    }

    /// Releases a wave. **A wave may only be released when PLANNED**: any
    /// other state is refused ([`CommandError::WaveNotPlanned`]).
    /// Orchestration reacts to the release
    /// ([`on_wave_released`](crate::orchestration::on_wave_released)): the
    /// release saga allocates the wave's stock (`InventoryAllocated`,
    /// `LocationsReserved`), makes its tasks (`TaskCreated`,
    /// `TasksCreated`) and offers them (`ExecutionStarted`); cancelling
    /// the wave before a task starts compensates it.
    pub(crate) fn release_wave(&mut self, now: SimTime, wave: WaveId) -> Result<(), CommandError> {
        let orders = self.planned_orders(wave, |wave, status| CommandError::WaveNotPlanned {
            wave,
            status,
        })?;
        let w = self.waves.get_mut(wave);
        w.status = WaveStatus::Released;
        w.released_at = Some(now);
        let (priority, zone, lines) = (w.priority, w.zone, w.lines);
        self.waves.held_lines = self.waves.held_lines.saturating_sub(lines);
        self.emit(
            now,
            DomainEvent::WaveReleased {
                wave,
                orders: orders.clone(),
                priority,
                zone,
                released_at: now,
            },
        );
        self.trigger(WaveReleased {
            at: now,
            wave,
            orders,
        });
        Ok(())
    }

    /// The first of a released wave's tasks started: the wave is
    /// IN_PROGRESS (and can no longer be cancelled).
    pub(crate) fn wave_started(&mut self, wave: WaveId) {
        let w = self.waves.get_mut(wave);
        if w.status == WaveStatus::Released {
            w.status = WaveStatus::InProgress;
        }
    }

    pub(crate) fn order_done_in_wave(&mut self, now: SimTime, wave: WaveId) {
        let w = self.waves.get_mut(wave);
        w.open_orders = w.open_orders.saturating_sub(1);
        // Completed from IN_PROGRESS, or from RELEASED when no task of it
        // ever started (every order closed short).
        if w.open_orders == 0 && matches!(w.status, WaveStatus::Released | WaveStatus::InProgress) {
            w.status = WaveStatus::Completed;
            w.completed_at = Some(now);
            self.emit(now, DomainEvent::WaveCompleted { wave });
            self.emit(now, DomainEvent::WorkflowCompleted { wave });
        }
    }
}
