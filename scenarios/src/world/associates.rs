//! Virtual associates through their shifts: signing on and off, breaks,
//! overtime, asking for work, walking from stop to stop and picking.
//!
//! Each associate is an entity of the crew's world, made of the parts the
//! simulation varies on its own: who they are ([`Associate`]), what they
//! are doing ([`Activity`]), how and where they walk ([`Walker`]), their
//! time at work ([`Rota`]), how they pick ([`Picker`]) and, on a site with
//! RTLS, the tag they wear ([`Tag`]). Loops over the crew go in id order
//! (the crew's index), never in storage order, so a run's bytes hang on
//! nothing bevy does not promise.

use bevy_ecs::component::Mutable;

use super::*;

/// Who an associate is.
#[derive(Debug, Clone, Copy, Component)]
pub struct Associate {
    /// Their id.
    pub id: AssociateId,
    /// Their shift (index in the scenario).
    pub shift: usize,
}

/// Where an associate is and how fast they walk.
#[derive(Debug, Clone, Component)]
pub struct Walker {
    /// Walking speed (m/s), drawn once.
    pub speed_mps: f64,
    /// Where they are.
    pub position: Point,
    /// Metres walked.
    pub walked_m: f64,
}

/// An associate's time at work.
#[derive(Debug, Clone, Default, Component)]
pub struct Rota {
    signed_on: bool,
    started: SimTime,
    end: SimTime,
    breaks: Vec<(SimTime, SimTime)>,
    /// Time at work in the shifts already ended (ms).
    on_shift_ms: u64,
    /// Away (an absence) until then.
    away_until: Option<SimTime>,
}

/// How an associate picks: time at the shelf, drawn from their own stream.
#[derive(Debug, Clone, Component)]
pub struct Picker {
    rng: StreamRng,
    line_time: Sampler,
    unit_time: Sampler,
    /// Times they have waited at a stop for its replenishment.
    waits: u32,
}

/// The RTLS tag an associate wears on a site with RTLS: its measurement
/// noise's stream and its pings on the walk under way, sent on arrival.
#[derive(Debug, Clone, Component)]
pub struct Tag {
    pub(super) rng: StreamRng,
    pub(super) pings: Vec<RtlsPing>,
}

/// Every associate of the roster, as entities of their own world, indexed
/// by their id.
#[derive(Debug, Default)]
pub struct Crew {
    world: Box<World>,
    ids: Vec<Entity>,
}

impl Crew {
    /// The roster of scenario `s`, all off shift at `depot`; with RTLS,
    /// each wears a tag.
    pub(super) fn hire(s: &Scenario, streams: &RngStreams, depot: Point) -> Self {
        let mut crew = Crew::default();
        for (i, r) in roster(s).into_iter().enumerate() {
            let sh = &s.associates.shifts[r.shift];
            let mut rng = streams.indexed("associate", i as u64);
            let speed_mps = Sampler::new(&sh.walking_speed_mps).draw(&mut rng).max(0.05);
            let mut e = crew.world.spawn((
                Associate {
                    id: AssociateId(i as u32),
                    shift: r.shift,
                },
                Activity::OffShift,
                Walker {
                    speed_mps,
                    position: depot,
                    walked_m: 0.0,
                },
                Rota::default(),
                Picker {
                    rng,
                    line_time: Sampler::new(&sh.pick_time_per_line_s),
                    unit_time: Sampler::new(&sh.pick_time_per_unit_s),
                    waits: 0,
                },
            ));
            if s.rtls.is_some() {
                e.insert(Tag {
                    rng: streams.indexed("rtls", i as u64),
                    pings: Vec::new(),
                });
            }
            crew.ids.push(e.id());
        }
        crew
    }

    /// How many associates there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the roster is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Every associate's id, in order.
    pub fn ids(&self) -> impl Iterator<Item = AssociateId> + use<> {
        (0..self.ids.len() as u32).map(AssociateId)
    }

    /// A part of associate `a`.
    ///
    /// # Panics
    /// If `a` is not on the roster or lacks the part (a bug).
    #[must_use]
    pub fn get<C: Component>(&self, a: AssociateId) -> &C {
        self.world
            .get::<C>(self.ids[a.index()])
            .expect("every associate has its parts")
    }

    fn get_mut<C: Component<Mutability = Mutable>>(&mut self, a: AssociateId) -> Mut<'_, C> {
        self.world
            .get_mut::<C>(self.ids[a.index()])
            .expect("every associate has its parts")
    }

    /// Associate `a`'s tag, on a site with RTLS.
    pub(super) fn tag_mut(&mut self, a: AssociateId) -> Option<Mut<'_, Tag>> {
        self.world.get_mut::<Tag>(self.ids[a.index()])
    }

    fn activity(&self, a: AssociateId) -> Activity {
        *self.get::<Activity>(a)
    }

    fn set_activity(&mut self, a: AssociateId, activity: Activity) {
        *self.get_mut::<Activity>(a) = activity;
    }

    /// The associates of `shift`, in id order.
    fn of_shift(&self, shift: usize) -> Vec<AssociateId> {
        self.ids()
            .filter(|&a| self.get::<Associate>(a).shift == shift)
            .collect()
    }

    /// Time each associate was at work, counting a shift still running at
    /// `now` up to `now`, in id order.
    #[must_use]
    pub fn on_shift_ms(&self, now: SimTime) -> Vec<u64> {
        self.ids()
            .map(|a| {
                let rota = self.get::<Rota>(a);
                let running = if self.activity(a) == Activity::OffShift {
                    0
                } else {
                    now.min(rota.end).saturating_since(rota.started).as_millis()
                };
                rota.on_shift_ms + running
            })
            .collect()
    }
}

impl VirtualWorld {
    pub(super) fn shift_start(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
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
        for a in self.crew.of_shift(shift) {
            {
                let mut rota = self.crew.get_mut::<Rota>(a);
                rota.end = now + length;
                rota.started = now;
                rota.breaks.clone_from(&breaks);
            }
            if self.crew.activity(a) == Activity::OffShift {
                self.sign_on(wh, now, a);
                self.request_work(wh, sched, a);
            }
        }
    }

    pub(super) fn sign_on(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        if !std::mem::replace(&mut self.crew.get_mut::<Rota>(a).signed_on, true) {
            self.send(wh, now, Command::SignOn { associate: a });
        }
    }

    pub(super) fn sign_off(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        if std::mem::replace(&mut self.crew.get_mut::<Rota>(a).signed_on, false) {
            self.send(wh, now, Command::SignOff { associate: a });
        }
    }

    pub(super) fn break_start(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
        shift: usize,
        brk: usize,
    ) {
        let now = sched.now();
        let minutes = self.scenario.associates.shifts[shift].breaks[brk].minutes;
        for a in self.crew.of_shift(shift) {
            if self.crew.activity(a) == Activity::Idle {
                self.sign_off(wh, now, a);
                self.crew.set_activity(a, Activity::OnBreak);
                sched.schedule_in(
                    SimDuration::from_mins(u64::from(minutes)),
                    SimEvent::Associate(a),
                );
            }
        }
    }

    /// The workload planner adjusted capacity: everyone at work whose shift
    /// ends at `shift_end` (or in overtime already granted past it) stays on
    /// until `until`.
    pub(super) fn stay_on(
        &mut self,
        sched: &mut Agenda<SimEvent>,
        shift_end: SimTime,
        until: SimTime,
    ) {
        let now = sched.now();
        let mut shifts = Vec::new();
        for a in self.crew.ids() {
            let at_work = self.crew.activity(a) != Activity::OffShift;
            let shift = self.crew.get::<Associate>(a).shift;
            let mut rota = self.crew.get_mut::<Rota>(a);
            if at_work && rota.end > now && (shift_end..until).contains(&rota.end) {
                rota.end = until;
                if !shifts.contains(&shift) {
                    shifts.push(shift);
                }
            }
        }
        for shift in shifts {
            sched.schedule_at(until, SimEvent::ShiftEnd(shift as u32));
        }
    }

    pub(super) fn shift_end(&mut self, wh: &mut Warehouse, now: SimTime, shift: usize) {
        for a in self.crew.of_shift(shift) {
            if now >= self.crew.get::<Rota>(a).end
                && matches!(self.crew.activity(a), Activity::Idle | Activity::OnBreak)
            {
                self.go_home(wh, now, a);
            }
        }
    }

    pub(super) fn go_home(&mut self, wh: &mut Warehouse, now: SimTime, a: AssociateId) {
        self.sign_off(wh, now, a);
        self.crew.set_activity(a, Activity::OffShift);
        let mut rota = self.crew.get_mut::<Rota>(a);
        rota.on_shift_ms += now.min(rota.end).saturating_since(rota.started).as_millis();
    }

    /// An associate between tasks: home, break, or the next task.
    pub(super) fn request_work(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
        a: AssociateId,
    ) {
        let now = sched.now();
        let rota = self.crew.get::<Rota>(a);
        if now >= rota.end {
            self.go_home(wh, now, a);
            return;
        }
        let back = rota
            .breaks
            .iter()
            .find(|(s, e)| (*s..*e).contains(&now))
            .map(|&(_, end)| end)
            .into_iter()
            .chain(rota.away_until.filter(|&t| t > now))
            .max();
        if let Some(back) = back {
            self.sign_off(wh, now, a);
            self.crew.set_activity(a, Activity::OnBreak);
            sched.schedule_at(back, SimEvent::Associate(a));
            return;
        }
        self.sign_on(wh, now, a);
        match self.send(wh, now, Command::RequestNextTask { associate: a }) {
            Some(Reply::NextTask { task: Some(task) }) => self.begin_task(wh, sched, a, task),
            _ => self.crew.set_activity(a, Activity::Idle),
        }
    }

    /// Associate `a` is away until `until` (an absence): if idle, they
    /// leave at once.
    pub(super) fn away(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
        a: AssociateId,
        until: SimTime,
    ) {
        let mut rota = self.crew.get_mut::<Rota>(a);
        rota.away_until = Some(rota.away_until.map_or(until, |t| t.max(until)));
        if self.crew.activity(a) == Activity::Idle {
            self.request_work(wh, sched, a);
        }
    }

    pub(super) fn begin_task(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
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
            self.crew.set_activity(a, Activity::Idle);
        }
    }

    /// Walks to stop `line` along the task's route and picks it; the pick is
    /// confirmed when the associate's next event fires.
    pub(super) fn walk_to_stop(
        &mut self,
        wh: &Warehouse,
        sched: &mut Agenda<SimEvent>,
        a: AssociateId,
        task: TaskId,
        line: u32,
    ) {
        let stop = &wh.tasks().get(task).lines[line as usize];
        let to = wh.master().get(stop.location).point;
        self.walk_pings(wh, a, to, stop.leg_m);
        let at_shelf = {
            let mut picker = self.crew.get_mut::<Picker>(a);
            let p = &mut *picker;
            p.line_time.draw(&mut p.rng) + f64::from(stop.quantity) * p.unit_time.draw(&mut p.rng)
        };
        // Along the task's route, as its policy planned it.
        let distance = stop.leg_m;
        let speed = self.walk(a, to, distance);
        self.crew.set_activity(a, Activity::Picking { task, line });
        sched.schedule_in(
            SimDuration::from_secs_f64(distance / speed + at_shelf),
            SimEvent::Associate(a),
        );
    }

    /// Associate `a` walks `distance` metres to `to`; returns their speed.
    fn walk(&mut self, a: AssociateId, to: Point, distance: f64) -> f64 {
        let mut walker = self.crew.get_mut::<Walker>(a);
        walker.walked_m += distance;
        walker.position = to;
        walker.speed_mps
    }

    pub(super) fn step(
        &mut self,
        wh: &mut Warehouse,
        sched: &mut Agenda<SimEvent>,
        a: AssociateId,
    ) {
        let now = sched.now();
        // The tag reports the walk that has just ended.
        let pings = self
            .crew
            .tag_mut(a)
            .map(|mut tag| std::mem::take(&mut tag.pings))
            .unwrap_or_default();
        for batch in pings.chunks(paklog_domain::physical_tracking::MAX_PINGS) {
            self.send(
                wh,
                now,
                Command::RtlsPings {
                    pings: batch.to_vec(),
                },
            );
        }
        match self.crew.activity(a) {
            Activity::Picking { task, line } => {
                let t = wh.tasks().get(task);
                let stop = &t.lines[line as usize];
                let (kind, location, asked) = (t.kind, stop.location, stop.quantity);
                let stop_sku = stop.sku;
                let l = location.index();
                let stock = wh.inventory().location(location);
                let quantity = if stock.blocked {
                    // Out of reach: nothing is taken, the handheld reports it.
                    0
                } else {
                    match kind {
                        TaskKind::Pick => {
                            let mut picker = self.crew.get_mut::<Picker>(a);
                            if self.shelf[l] < asked
                                && stock.incoming > 0
                                && picker.waits < MAX_WAITS
                            {
                                // The face's replenishment is on its way: wait for it.
                                picker.waits += 1;
                                sched.schedule_in(REPLENISH_WAIT, SimEvent::Associate(a));
                                return;
                            }
                            picker.waits = 0;
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
                        // Re-slotting: everything on the old face comes
                        // out, and goes into the new one.
                        // (the first half of its stops take out).
                        TaskKind::Reslot if (line as usize) < t.lines.len() / 2 => {
                            std::mem::take(&mut self.shelf[l])
                        }
                        TaskKind::Reslot => {
                            self.shelf[l] += asked;
                            asked
                        }
                    }
                };
                // Scanned where the site asks for it (a pick's item).
                let barcode = (kind == TaskKind::Pick && wh.config().barcode_required)
                    .then(|| wh.config().skus[stop_sku.index()].code.clone());
                let confirm = Command::ConfirmPick {
                    associate: a,
                    task,
                    line,
                    quantity,
                    barcode,
                };
                match self.send(wh, now, confirm) {
                    Some(Reply::PickRecorded {
                        next_line: Some(next),
                    }) => self.walk_to_stop(wh, sched, a, task, next),
                    _ => {
                        let t = wh.tasks().get(task);
                        let (distance, home) = (t.home_m, t.depot_point());
                        self.walk_pings(wh, a, home, distance);
                        let speed = self.walk(a, home, distance);
                        self.crew.set_activity(a, Activity::Returning { task });
                        sched.schedule_in(
                            SimDuration::from_secs_f64(distance / speed),
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
