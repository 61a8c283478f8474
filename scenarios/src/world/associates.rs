//! Virtual associates through their shifts: signing on and off, breaks,
//! overtime, asking for work, walking from stop to stop and picking.

use super::*;

impl VirtualWorld {
    pub(super) fn shift_start(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        shift: usize,
    ) {
        let now = sched.now();
        let sh = &self.scenario.associates.shifts[shift];
        let length = SimDuration::from_mins(u64::from(sh.length_min()));
        let breaks: Vec<(SimTime, SimTime)> = sh
            .breaks
            .iter()
            .map(|b| {
                let offset = sh.offset_min(b.start);
                let start = now + SimDuration::from_mins(u64::from(offset));
                (start, start + SimDuration::from_mins(u64::from(b.minutes)))
            })
            .collect();
        for i in 0..self.associates.len() {
            if self.associates[i].shift != shift {
                continue;
            }
            let a = &mut self.associates[i];
            a.shift_end = now + length;
            a.shift_started = now;
            a.breaks.clone_from(&breaks);
            if a.activity == Activity::OffShift {
                let id = a.id;
                self.sign_on(wh, now, id);
                self.request_work(wh, sched, id);
            }
        }
    }

    pub(super) fn sign_on(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        if !self.associates[a.index()].signed_on {
            self.associates[a.index()].signed_on = true;
            self.send(wh, now, Command::SignOn { associate: a });
        }
    }

    pub(super) fn sign_off(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        if self.associates[a.index()].signed_on {
            self.associates[a.index()].signed_on = false;
            self.send(wh, now, Command::SignOff { associate: a });
        }
    }

    pub(super) fn break_start(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        shift: usize,
        brk: usize,
    ) {
        let now = sched.now();
        let minutes = self.scenario.associates.shifts[shift].breaks[brk].minutes;
        for i in 0..self.associates.len() {
            let a = &self.associates[i];
            if a.shift == shift && a.activity == Activity::Idle {
                let id = a.id;
                self.sign_off(wh, now, id);
                self.associates[i].activity = Activity::OnBreak;
                sched.schedule_in(
                    SimDuration::from_mins(u64::from(minutes)),
                    SimEvent::Associate(id),
                );
            }
        }
    }

    /// The workload planner adjusted capacity: everyone at work whose shift
    /// ends at `shift_end` (or in overtime already granted past it) stays on
    /// until `until`.
    pub(super) fn stay_on(
        &mut self,
        sched: &mut Scheduler<'_, SimEvent>,
        shift_end: SimTime,
        until: SimTime,
    ) {
        let now = sched.now();
        let mut shifts = Vec::new();
        for a in &mut self.associates {
            if a.activity != Activity::OffShift
                && a.shift_end > now
                && (shift_end..until).contains(&a.shift_end)
            {
                a.shift_end = until;
                if !shifts.contains(&a.shift) {
                    shifts.push(a.shift);
                }
            }
        }
        for shift in shifts {
            sched.schedule_at(until, SimEvent::ShiftEnd(shift as u32));
        }
    }

    pub(super) fn shift_end(&mut self, wh: &mut Warehouse, now: SimTime, shift: usize) {
        for i in 0..self.associates.len() {
            let a = &self.associates[i];
            if a.shift == shift
                && now >= a.shift_end
                && matches!(a.activity, Activity::Idle | Activity::OnBreak)
            {
                let id = a.id;
                self.go_home(wh, now, id);
            }
        }
    }

    pub(super) fn go_home(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        self.sign_off(wh, now, a);
        let va = &mut self.associates[a.index()];
        va.activity = Activity::OffShift;
        va.on_shift_ms += now
            .min(va.shift_end)
            .saturating_since(va.shift_started)
            .as_millis();
    }

    /// An associate between tasks: home, break, or the next task.
    pub(super) fn request_work(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        a: AssociateId,
    ) {
        let now = sched.now();
        let va = &self.associates[a.index()];
        if now >= va.shift_end {
            self.go_home(wh, now, a);
            return;
        }
        let back = va
            .breaks
            .iter()
            .find(|(s, e)| (*s..*e).contains(&now))
            .map(|&(_, end)| end)
            .into_iter()
            .chain(va.away_until.filter(|&t| t > now))
            .max();
        if let Some(back) = back {
            self.sign_off(wh, now, a);
            self.associates[a.index()].activity = Activity::OnBreak;
            sched.schedule_at(back, SimEvent::Associate(a));
            return;
        }
        self.sign_on(wh, now, a);
        match self.send(wh, now, Command::RequestNextTask { associate: a }) {
            Some(Reply::NextTask { task: Some(task) }) => self.begin_task(wh, sched, a, task),
            _ => self.associates[a.index()].activity = Activity::Idle,
        }
    }

    pub(super) fn begin_task(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        a: AssociateId,
        task: TaskId,
    ) {
        let now = sched.now();
        if self
            .send(wh, now, Command::StartTask { associate: a, task })
            .is_some()
        {
            self.walk_to_stop(wh, sched, a, task, 0);
        } else {
            self.associates[a.index()].activity = Activity::Idle;
        }
    }

    /// Walks to stop `line` along the task's route and picks it; the pick is
    /// confirmed when the associate's next event fires.
    pub(super) fn walk_to_stop(
        &mut self,
        wh: &Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        a: AssociateId,
        task: TaskId,
        line: u32,
    ) {
        let stop = &wh.tasks().get(task).lines[line as usize];
        let to = wh.master().get(stop.location).point;
        self.walk_pings(wh, a, to, stop.leg_m);
        let va = &mut self.associates[a.index()];
        // Along the task's route, as its policy planned it.
        let distance = stop.leg_m;
        let at_shelf = va.line_time.draw(&mut va.rng)
            + f64::from(stop.quantity) * va.unit_time.draw(&mut va.rng);
        va.walked_m += distance;
        va.position = to;
        va.activity = Activity::Picking { task, line };
        sched.schedule_in(
            SimDuration::from_secs_f64(distance / va.speed_mps + at_shelf),
            SimEvent::Associate(a),
        );
    }

    pub(super) fn step(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Scheduler<'_, SimEvent>,
        a: AssociateId,
    ) {
        let now = sched.now();
        // The tag reports the walk that has just ended.
        let pings = std::mem::take(&mut self.associates[a.index()].pings);
        for batch in pings.chunks(paklog_domain::physical_tracking::MAX_PINGS) {
            self.send(
                wh,
                now,
                Command::RtlsPings {
                    pings: batch.to_vec(),
                },
            );
        }
        match self.associates[a.index()].activity {
            Activity::Picking { task, line } => {
                let t = wh.tasks().get(task);
                let stop = &t.lines[line as usize];
                let (kind, location, asked) = (t.kind, stop.location, stop.quantity);
                let l = location.index();
                let stock = wh.inventory().location(location);
                let quantity = if stock.blocked {
                    // Out of reach: nothing is taken, the handheld reports it.
                    0
                } else {
                    match kind {
                        TaskKind::Pick => {
                            let va = &mut self.associates[a.index()];
                            if self.shelf[l] < asked && stock.incoming > 0 && va.waits < MAX_WAITS {
                                // The face's replenishment is on its way: wait for it.
                                va.waits += 1;
                                sched.schedule_in(REPLENISH_WAIT, SimEvent::Associate(a));
                                return;
                            }
                            va.waits = 0;
                            let found = asked.min(self.shelf[l]);
                            self.shelf[l] -= found;
                            found
                        }
                        TaskKind::Replenish | TaskKind::Putaway => {
                            // Reserve is kept per SKU, not per location.
                            if wh.master().get(location).kind == LocationKind::Pick {
                                self.shelf[l] += asked;
                            }
                            asked
                        }
                        TaskKind::Count => self.shelf[l],
                    }
                };
                let confirm = Command::ConfirmPick {
                    associate: a,
                    task,
                    line,
                    quantity,
                    barcode: None,
                };
                match self.send(wh, now, confirm) {
                    Some(Reply::PickRecorded {
                        next_line: Some(next),
                    }) => self.walk_to_stop(wh, sched, a, task, next),
                    _ => {
                        let t = wh.tasks().get(task);
                        let (distance, home) = (t.home_m, t.depot_point());
                        self.walk_pings(wh, a, home, distance);
                        let va = &mut self.associates[a.index()];
                        va.walked_m += distance;
                        va.position = home;
                        va.activity = Activity::Returning { task };
                        sched.schedule_in(
                            SimDuration::from_secs_f64(distance / va.speed_mps),
                            SimEvent::Associate(a),
                        );
                    }
                }
            }
            Activity::Returning { task } => {
                if let (Some(belts), Some(induct)) = (&mut self.belts, wh.induct_of(task))
                    && !belts.can_feed(induct)
                {
                    // The induct is full or stopped: wait with the cart.
                    belts.wait(induct, Waiter::Associate(a));
                    return;
                }
                if let Some(Reply::ToteDelivered { stations, put_wall }) =
                    self.send(wh, now, Command::DeliverTote { associate: a, task })
                {
                    for station in stations {
                        self.kick_station(wh, sched, station);
                    }
                    if let Some(wall) = put_wall {
                        self.kick_wall(wh, sched, wall);
                    }
                }
                self.request_work(wh, sched, a);
            }
            Activity::OnBreak => self.request_work(wh, sched, a),
            Activity::Idle | Activity::OffShift => {}
        }
    }
}
