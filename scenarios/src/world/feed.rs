//! What the virtual devices hear. The virtual world subscribes to the
//! site's event bus as real handhelds, tags and the conveyor controller
//! do: [`relay`] reads each new record once and triggers those a device
//! cares about as a typed push in the driver's world, where the device
//! reacts in an observer named `on_<push>`. The pushes are triggered in the
//! bus's order, one at a time, so what a reaction sends is heard before the
//! next record.
//!
//! | push (bus record) | who reacts: observer → what follows |
//! |---|---|
//! | `TaskAssigned` | the associate's handheld: `on_task_assigned` → an idle associate starts the task |
//! | `CapacityAdjusted` | the shift lead: `on_capacity_adjusted` → those at work stay on in overtime |
//! | `WorkloadRebalanced` | moved pickers' handhelds: `on_workload_rebalanced` → an idle picker asks for work in the new zone |
//! | `LicensePlateMoved` | the tote's RTLS tag: `on_license_plate_moved` → it pings at its staging lane or door |
//! | `PackingStarted`, `OrderShipped` | the tote's RTLS tag: `on_tote_taken` → it pings as it leaves |
//! | `ToteInducted` | the conveyor controller: `on_tote_inducted` → the tote goes on the feed belt |
//! | `WavePlanned` | the planner, on a site where waves wait for one: `on_wave_planned` → a review of the planned waves once the planner has looked |

use bevy_ecs::system::SystemParam;
use paklog_domain::{OrderId, SegmentId, ToteId};

use super::*;

/// A task was assigned to an associate.
#[derive(Debug, Clone, Copy, Event)]
pub struct TaskAssigned {
    task: TaskId,
    associate: AssociateId,
}

/// Those at work whose labour window ends at `shift_end` stay until `until`.
#[derive(Debug, Clone, Copy, Event)]
pub struct CapacityAdjusted {
    shift_end: SimTime,
    until: SimTime,
}

/// Pickers were moved to other zones.
#[derive(Debug, Clone, Event)]
pub struct WorkloadRebalanced {
    moved: Vec<AssociateId>,
}

/// An order's tote was put down at a staging location or dock door.
#[derive(Debug, Clone, Copy, Event)]
pub struct LicensePlateMoved {
    tote: ToteId,
    order: OrderId,
    to: LocationId,
}

/// An order's tote was taken from where it was put down: to the bench
/// (packing started) or onto the truck (shipped).
#[derive(Debug, Clone, Copy, Event)]
pub struct ToteTaken {
    order: OrderId,
}

/// The conveyor took a tote at its induct.
#[derive(Debug, Clone, Copy, Event)]
pub struct ToteInducted {
    tote: ToteId,
    segment: SegmentId,
}

/// A wave was planned.
#[derive(Debug, Clone, Copy, Event)]
pub struct WavePlanned;

/// What a device's reaction reaches: the site (to send commands), the
/// virtual world, and the agenda its next events go on.
#[derive(SystemParam)]
pub(super) struct Devices<'w> {
    wh: ResMut<'w, Warehouse>,
    vw: ResMut<'w, VirtualWorld>,
    agenda: ResMut<'w, Agenda<SimEvent>>,
}

/// Registers the devices' observers in the driver's world.
pub(super) fn subscribe(world: &mut World) {
    world.add_observer(on_task_assigned);
    world.add_observer(on_capacity_adjusted);
    world.add_observer(on_workload_rebalanced);
    world.add_observer(on_license_plate_moved);
    world.add_observer(on_tote_taken);
    world.add_observer(on_tote_inducted);
    world.add_observer(on_wave_planned);
}

/// Triggers every record the bus holds that the devices have not heard
/// yet, in order, including those their own reactions add; then hands
/// what the reactions asked for to the scheduler.
pub(super) fn relay(world: &mut World, sched: &mut Scheduler<'_, SimEvent>) {
    world
        .resource_mut::<Agenda<SimEvent>>()
        .restart(sched.now());
    loop {
        let (heard, push) = {
            let seen = world.resource::<VirtualWorld>().seen;
            let bus = world.resource::<Warehouse>().bus().since(seen);
            match bus
                .iter()
                .enumerate()
                .find_map(|(i, r)| Some((i, Push::of(&r.event)?)))
            {
                Some((i, push)) => (seen + i + 1, Some(push)),
                None => (seen + bus.len(), None),
            }
        };
        world.resource_mut::<VirtualWorld>().seen = heard;
        match push {
            Some(Push::Assigned(e)) => world.trigger(e),
            Some(Push::Overtime(e)) => world.trigger(e),
            Some(Push::Rebalanced(e)) => world.trigger(e),
            Some(Push::Staged(e)) => world.trigger(e),
            Some(Push::Taken(e)) => world.trigger(e),
            Some(Push::Inducted(e)) => world.trigger(e),
            Some(Push::Planned(e)) => world.trigger(e),
            None => break,
        }
    }
    world.resource_mut::<Agenda<SimEvent>>().hand_to(sched);
}

/// A record as the push it makes.
enum Push {
    Assigned(TaskAssigned),
    Overtime(CapacityAdjusted),
    Rebalanced(WorkloadRebalanced),
    Staged(LicensePlateMoved),
    Taken(ToteTaken),
    Inducted(ToteInducted),
    Planned(WavePlanned),
}

impl Push {
    /// The push `event` makes, if a device cares about it.
    fn of(event: &DomainEvent) -> Option<Push> {
        Some(match event {
            DomainEvent::TaskAssigned {
                task, associate, ..
            } => Push::Assigned(TaskAssigned {
                task: *task,
                associate: *associate,
            }),
            DomainEvent::CapacityAdjusted {
                shift_end, until, ..
            } => Push::Overtime(CapacityAdjusted {
                shift_end: *shift_end,
                until: *until,
            }),
            DomainEvent::WorkloadRebalanced { moves, .. } => Push::Rebalanced(WorkloadRebalanced {
                moved: moves.iter().map(|m| m.associate).collect(),
            }),
            DomainEvent::LicensePlateMoved { tote, order, to } => Push::Staged(LicensePlateMoved {
                tote: *tote,
                order: *order,
                to: *to,
            }),
            DomainEvent::PackingStarted { order, .. } | DomainEvent::OrderShipped { order, .. } => {
                Push::Taken(ToteTaken { order: *order })
            }
            DomainEvent::ToteInducted { tote, segment, .. } => Push::Inducted(ToteInducted {
                tote: *tote,
                segment: *segment,
            }),
            DomainEvent::WavePlanned { .. } => Push::Planned(WavePlanned),
            _ => return None,
        })
    }
}

/// On a site where planned waves wait for a planner, the virtual planner
/// looks at the new wave and reviews the planned ones once done.
fn on_wave_planned(_: On<WavePlanned>, mut d: Devices) {
    let Devices { vw, agenda, .. } = &mut d;
    if vw.planner_releases() {
        let at = agenda.now().saturating_add(vw.planner_review_time());
        agenda.schedule_at(at, SimEvent::PlannerReview);
    }
}

/// An idle associate's handheld shows the task just assigned to them.
fn on_task_assigned(push: On<TaskAssigned>, mut d: Devices) {
    let Devices { wh, vw, agenda } = &mut d;
    let (a, task) = (push.associate, push.task);
    if vw.crew.get::<Activity>(a) == &Activity::Idle {
        vw.begin_task(wh, agenda, a, task);
    }
}

/// The shift lead keeps those at work on, as the workload planner asked.
fn on_capacity_adjusted(push: On<CapacityAdjusted>, mut d: Devices) {
    let Devices { vw, agenda, .. } = &mut d;
    vw.stay_on(agenda, push.shift_end, push.until);
}

/// A picker moved to another zone looks for work there.
fn on_workload_rebalanced(push: On<WorkloadRebalanced>, mut d: Devices) {
    let Devices { wh, vw, agenda } = &mut d;
    for &a in &push.moved {
        if vw.crew.get::<Activity>(a) == &Activity::Idle {
            vw.request_work(wh, agenda, a);
        }
    }
}

/// With RTLS, a tote's tag pings where the tote is put down.
fn on_license_plate_moved(push: On<LicensePlateMoved>, mut d: Devices) {
    let Devices { wh, vw, agenda } = &mut d;
    if vw.rtls.is_some() {
        vw.tagged.insert(push.order, (push.tote, push.to));
        vw.tote_ping(wh, agenda.now(), push.tote, push.to, 0.0);
    }
}

/// The tote leaves its staging lane for the bench, the parcel its dock
/// door for the truck: its tag pings in front of the spot.
fn on_tote_taken(push: On<ToteTaken>, mut d: Devices) {
    let Devices { wh, vw, agenda } = &mut d;
    if let Some((tote, at)) = vw.tagged.remove(&push.order) {
        vw.tote_ping(wh, agenda.now(), tote, at, -1.5);
    }
}

/// The conveyor controller puts the tote on the feed.
fn on_tote_inducted(push: On<ToteInducted>, mut d: Devices) {
    let Devices { vw, agenda, .. } = &mut d;
    if let Some(b) = &mut vw.belts {
        b.inducted(agenda, push.segment, push.tote);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use bevy_ecs::observer::Observer;
    use paklog_domain::task_execution::TaskStatus;

    use super::*;
    use crate::load;
    use crate::schema::Rtls;

    fn small_with_rtls() -> ScenarioRun {
        let mut loaded =
            load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-dc.toml")).unwrap();
        loaded.scenario.rtls = Some(Rtls {
            ping_interval_s: 5.0,
            noise_m: 0.3,
        });
        ScenarioRun::new(&loaded, None)
    }

    #[test]
    fn each_push_has_one_device_reacting() {
        let mut run = small_with_rtls();
        let world = run.sim.world_mut();
        let mut pushes: Vec<_> = world
            .query::<&Observer>()
            .iter(world)
            .flat_map(|o| o.descriptor().event_keys().to_vec())
            .collect();
        let observers = pushes.len();
        pushes.sort_unstable();
        pushes.dedup();
        assert_eq!(observers, 7, "the devices' observers");
        assert_eq!(pushes.len(), observers, "a push with two reactions");
    }

    #[test]
    fn no_idle_associate_is_left_holding_a_task_they_were_pushed() {
        // Dropping a push would leave a task assigned to a picker who waits
        // for work: every few minutes of the shift, the two never meet.
        let mut run = small_with_rtls();
        let mut waiting = 0;
        for minute in (6 * 60..20 * 60).step_by(7) {
            let t = SimTime::ZERO + SimDuration::from_mins(minute);
            run.sim.run(&mut VirtualClock, Some(t), handle);
            let (wh, vw) = (run.warehouse(), run.virtual_world());
            for t in wh.tasks().all() {
                if t.status == TaskStatus::Assigned
                    && let Some(a) = t.associate
                {
                    let activity = *vw.crew.get::<Activity>(a);
                    assert_ne!(activity, Activity::Idle, "{a:?} idle with {:?}", t.id);
                }
            }
            waiting += vw
                .crew
                .ids()
                .filter(|&a| *vw.crew.get::<Activity>(a) == Activity::Idle)
                .count();
        }
        assert!(waiting > 0, "pickers waited for work at times");
        assert_eq!(run.virtual_world().refused, 0);
    }
}
