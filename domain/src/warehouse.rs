//! The site: a bevy world holding one resource per service (its books),
//! the router that hands each command to its service's home module, and
//! the timers the services ask for (wave planning, carrier departures,
//! metrics, cycle counts).
//!
//! The services' command handling lives in their homes
//! (`wave_planning/handlers.rs`, `pick_execution/handlers.rs` …) as
//! `impl Site` blocks: [`Site`](crate::site::Site) borrows every service's
//! resource from the world for one command or timer. The read side
//! (`impl Warehouse`: `orders()`, `reconcile()` …) reads the resources
//! directly.

use std::collections::HashMap;

use bevy_ecs::prelude::World;
use bevy_ecs::resource::Resource;
use bevy_ecs::system::SystemState;
use paklog_sim::{RngStreams, Schedule, SimDuration, SimTime};

use crate::commands::{Command, CommandError, Reply};
use crate::config::{SiteConfig, WorkloadPolicy};
use crate::events::EventBus;
use crate::ids::{AssociateId, CarrierId, LocationId, SegmentId, SkuId};
use crate::inventory::Inventory;
use crate::location_master::{Location, LocationKind, LocationMaster};
use crate::material_handling::Conveyor;
use crate::orchestration;
use crate::order_management::{self, OrderBook};
use crate::pack_ship::{PackArea, PutWall, Station};
use crate::physical_tracking::{LicencePlates, Tracking};
use crate::pick_execution::Picking;
use crate::quality::Quality;
pub use crate::site::DomainTimer;
use crate::site::{Codes, Site, Timers};
use crate::task_execution::{AssociateState, TaskBoard};
use crate::wave_planning::WaveBook;
use crate::workload_planning::{self, HourPlan, METRICS_INTERVAL, Workload};

/// A site's configuration is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A slotting entry names a SKU or location that does not exist, a
    /// location that is not an active pick face, or one the SKU's
    /// restrictions forbid.
    #[error(
        "slotting[{0}]: unknown SKU, not an active pick location, or one its restrictions forbid"
    )]
    BadSlot(usize),
    /// Reserve stock of a SKU that does not exist, or not in a reserve
    /// location.
    #[error("reserve_stock: unknown SKU {0}, or not in a reserve location")]
    BadReserve(usize),
    /// Two SKUs share a code.
    #[error("skus[{0}].code: duplicate code")]
    DuplicateSku(usize),
    /// Some list that must not be empty is.
    #[error("{0}: must not be empty")]
    Empty(&'static str),
    /// The location master given was built from another layout.
    #[error("layout: the location master is not the one of this layout")]
    ForeignMaster,
}

/// The choreography of the seeds: each service registers its reactions to
/// the facts of others, as bevy observers named `on_<fact>`. Each fact has
/// one reacting service, so no reaction's order hangs on bevy's (which does
/// not promise registration order).
///
/// | fact | reacting service: observer → what follows |
/// |---|---|
/// | `WaveReleased` | orchestration: `on_wave_released` → workflow started, tasks created, dispatched |
/// | `StockPutAway` | order management: `on_stock_put_away` → backorders reserved |
/// | `MetricsUpdated` | workload planning: `on_metrics_updated` → capacity adjusted, workload rebalanced |
/// | `PickCompleted`, `OrderShipped` | workload planning: counted in the metrics interval |
/// | `PackingStarted`, `PackingCompleted` | workload planning: the pack rate learned |
fn choreography(world: &mut World) {
    orchestration::reactions(world);
    order_management::handlers::reactions(world);
    workload_planning::handlers::reactions(world);
}

/// The whole site: a bevy world holding one resource per service (the
/// books: orders, stock, waves, tasks …, and the licence plates, entities
/// of their own world) and the services' observers, read through one accessor per service (`orders()`, `tasks()` …)
/// and changed only by commands ([`execute`](Self::execute)) and timers
/// ([`on_timer`](Self::on_timer)).
///
/// Both fields are boxed: drivers hold the site as a resource of their own
/// world and move it out and back for every event (`resource_scope`).
#[derive(Resource)]
pub struct Warehouse {
    world: Box<World>,
    site: Box<SystemState<Site<'static, 'static>>>,
}

impl std::fmt::Debug for Warehouse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Warehouse")
            .field("site", &self.config().warehouse_id)
            .field("orders", &self.orders().kept())
            .field("events", &self.bus().len())
            .finish_non_exhaustive()
    }
}

impl Warehouse {
    /// Builds the site from its configuration, with stock slotted and every
    /// associate signed off.
    ///
    /// # Errors
    /// If the configuration contradicts itself.
    pub fn new(config: SiteConfig) -> Result<Self, ConfigError> {
        let master = if config.locations.is_empty() {
            LocationMaster::new(
                config.layout.clone(),
                config.packing.stations,
                config.skus.len() as u32,
            )
        } else {
            LocationMaster::from_locations(config.layout.clone(), config.locations.clone())
        };
        Self::with_master(config, master)
    }

    /// [`Warehouse::new`] with the location master already built from the
    /// configuration's layout (by whoever slotted the site), so it is built
    /// once.
    ///
    /// # Errors
    /// If the configuration contradicts itself, or the master is not the
    /// one of its layout.
    pub fn with_master(config: SiteConfig, master: LocationMaster) -> Result<Self, ConfigError> {
        Self::build(config, master, choreography)
    }

    /// Builds the site with the services' reactions registered by
    /// `reactions`.
    fn build(
        config: SiteConfig,
        master: LocationMaster,
        reactions: fn(&mut World),
    ) -> Result<Self, ConfigError> {
        if master.spec != config.layout {
            return Err(ConfigError::ForeignMaster);
        }
        if config.carriers.is_empty() {
            return Err(ConfigError::Empty("carriers"));
        }
        if config.packing.cartons.is_empty() {
            return Err(ConfigError::Empty("packing.cartons"));
        }
        if config.packing.stations == 0 {
            return Err(ConfigError::Empty("packing.stations"));
        }
        let mut inventory = Inventory::new(master.locations.len(), config.skus.len());
        let mut master = master;
        for (i, &(sku, loc)) in config.slotting.iter().enumerate() {
            let ok = config.skus.get(sku.index()).is_some_and(|item| {
                master.locations.get(loc.index()).is_some_and(|l| {
                    l.kind == LocationKind::Pick
                        && l.sku.is_none()
                        && l.active
                        && l.permits(&item.restrictions)
                })
            });
            if !ok {
                return Err(ConfigError::BadSlot(i));
            }
            inventory.slot(sku, loc, config.face_units_at(i));
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
        for &(sku, location, units) in &config.reserve_stock {
            let ok = sku.index() < config.skus.len()
                && master
                    .locations
                    .get(location.index())
                    .is_some_and(|l| l.kind == LocationKind::Reserve);
            if !ok {
                return Err(ConfigError::BadReserve(sku.index()));
            }
            inventory.add_reserve(sku, units);
            inventory.set_reserve_home(sku, location);
        }
        // Every other SKU's reserve: a generated site has a reserve location
        // per SKU, in SKU order; a site from files, the first active one
        // that permits the SKU's restrictions.
        let reserves: Vec<&Location> = master
            .locations
            .iter()
            .filter(|l| l.kind == LocationKind::Reserve && l.active)
            .collect();
        for (i, item) in config.skus.iter().enumerate() {
            let home = if config.locations.is_empty() {
                reserves.get(i)
            } else {
                reserves.iter().find(|l| l.permits(&item.restrictions))
            };
            if let Some(l) = home {
                inventory.set_reserve_home(SkuId(i as u32), l.id);
            }
        }
        inventory.promise_reserve = config.replenishment.is_some();
        let tracking = Tracking::new(master.spots());
        let docks = &master.docks;
        let conveyor = config.conveyor.as_ref().map(|spec| {
            let doors: Vec<_> = docks
                .iter()
                .map(|&d| (d, master.get(d).code.clone()))
                .collect();
            Conveyor::new(spec, &master.zones, config.packing.stations, &doors)
        });
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
                    zone: a.zone,
                    current: None,
                    tasks_done: 0,
                    lines_done: 0,
                    busy_ms: 0,
                    idle_since: None,
                })
                .collect(),
        );
        let walls = match config.picking {
            Picking::PutWall { walls, .. } => walls.max(1) as usize,
            _ => 0,
        };
        let pack = PackArea {
            stations: vec![Station::default(); config.packing.stations as usize],
            put_walls: vec![PutWall::default(); walls],
            at_dock: vec![Vec::new(); config.carriers.len()],
        };
        let carrier_names = config
            .carriers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), CarrierId(i as u32)))
            .collect();
        let mut world = World::new();
        world.insert_resource(Quality {
            rng: RngStreams::new(config.seed).stream("qc-sampling"),
        });
        world.insert_resource(Codes::new(sku_codes, carrier_names));
        world.insert_resource(config);
        world.insert_resource(master);
        world.insert_resource(OrderBook::default());
        world.insert_resource(inventory);
        world.insert_resource(WaveBook::default());
        world.insert_resource(tasks);
        world.insert_resource(pack);
        world.insert_resource(EventBus::default());
        world.insert_resource(tracking);
        world.insert_resource(LicencePlates::default());
        if let Some(conveyor) = conveyor {
            world.insert_resource(conveyor);
        }
        world.insert_resource(Workload::default());
        world.insert_resource(Timers::default());
        reactions(&mut world);
        let site = Box::new(SystemState::new(&mut world));
        Ok(Warehouse {
            world: Box::new(world),
            site,
        })
    }

    /// One service's state, for the read side in its home.
    pub(crate) fn resource<R: Resource>(&self) -> &R {
        self.world.resource::<R>()
    }

    /// Runs `f` on every service's state, then lets the services react to
    /// the facts it published.
    fn run<R>(&mut self, f: impl FnOnce(&mut Site<'_, '_>) -> R) -> R {
        let mut site = self
            .site
            .get_mut(&mut self.world)
            .expect("every service's state is in the site's world");
        let r = f(&mut site);
        self.site.apply(&mut self.world);
        r
    }

    /// Starts the site's clocks at `now`: the first wave planning run, the
    /// carriers' departures and the metrics intervals.
    pub fn start(&mut self, now: SimTime) {
        self.run(|site| site.start(now));
    }

    // Read-only views of each service's state: other crates change the
    // site only through commands and timers.
    /// The site's configuration.
    #[must_use]
    pub fn config(&self) -> &SiteConfig {
        self.world.resource::<SiteConfig>()
    }

    /// Location master: the building's locations and their state.
    #[must_use]
    pub fn master(&self) -> &LocationMaster {
        self.world.resource::<LocationMaster>()
    }

    /// Order management: every order received.
    #[must_use]
    pub fn orders(&self) -> &OrderBook {
        self.world.resource::<OrderBook>()
    }

    /// Inventory: stock per location and SKU.
    #[must_use]
    pub fn inventory(&self) -> &Inventory {
        self.world.resource::<Inventory>()
    }

    /// Wave planning: every wave.
    #[must_use]
    pub fn waves(&self) -> &WaveBook {
        self.world.resource::<WaveBook>()
    }

    /// Task execution: every task and the associates.
    #[must_use]
    pub fn tasks(&self) -> &TaskBoard {
        self.world.resource::<TaskBoard>()
    }

    /// Pack & ship: stations, put walls and what waits at the docks.
    #[must_use]
    pub fn pack(&self) -> &PackArea {
        self.world.resource::<PackArea>()
    }

    /// The event bus: the run's log of every fact.
    #[must_use]
    pub fn bus(&self) -> &EventBus {
        self.world.resource::<EventBus>()
    }

    /// Forgets the events before sequence number `seq` (a live site, once
    /// every sink has them); nothing the domain decides reads them.
    pub fn forget_events_before(&mut self, seq: u64) {
        self.world.resource_mut::<EventBus>().forget_before(seq);
    }

    /// Forgets the orders, tasks and waves finished before `before` (a live
    /// site, so that its memory does not grow with its history): an order once shipped or
    /// closed, a task or wave once completed or cancelled and every order
    /// it served forgotten. Nothing the domain decides reads them again;
    /// their ids answer "not found"; an order's external id stays known. Returns how many of each went (orders, tasks, waves).
    pub fn forget_finished(&mut self, before: SimTime) -> (usize, usize, usize) {
        use bevy_ecs::world::Mut;
        let world = &mut self.world;
        let orders = world.resource_mut::<OrderBook>().forget_finished(before);
        let tasks = world.resource_scope(|world, mut tasks: Mut<TaskBoard>| {
            let book = world.resource::<OrderBook>();
            tasks.forget_finished(before, |t| book.all_forgotten(&t.orders))
        });
        let waves = world.resource_scope(|world, mut waves: Mut<WaveBook>| {
            let book = world.resource::<OrderBook>();
            waves.forget_finished(before, |w| book.all_forgotten(&w.orders))
        });
        (orders, tasks, waves)
    }

    /// Physical tracking: where the RTLS last saw each tag.
    #[must_use]
    pub fn tracking(&self) -> &Tracking {
        self.world.resource::<Tracking>()
    }

    /// Physical tracking: every licence plate, nested or not.
    #[must_use]
    pub fn plates(&self) -> &LicencePlates {
        self.world.resource::<LicencePlates>()
    }

    /// Material handling: the conveyor network, if the site has one.
    #[must_use]
    pub fn conveyor(&self) -> Option<&Conveyor> {
        self.world.get_resource::<Conveyor>()
    }

    /// Schedules the timers requested since the last call on the driver's
    /// calendar, each wrapped in the driver's own event (`wrap`). Every
    /// driver (the simulation, the live kernel, the equivalence test) drains
    /// timers through here; rule tests read them with `take_timers`.
    pub fn schedule_timers<E>(
        &mut self,
        on: &mut impl Schedule<E>,
        wrap: impl Fn(DomainTimer) -> E,
    ) {
        for (t, timer) in self.world.resource_mut::<Timers>().0.drain(..) {
            on.schedule_at(t, wrap(timer));
        }
    }

    /// Timers requested since the last call, for the driver to schedule.
    pub fn take_timers(&mut self) -> std::vec::Drain<'_, (SimTime, DomainTimer)> {
        self.world.resource_mut::<Timers>().into_inner().0.drain(..)
    }

    /// Looks up a SKU by code.
    #[must_use]
    pub fn sku_by_code(&self, code: &str) -> Option<SkuId> {
        self.world.resource::<Codes>().sku(code)
    }

    /// Looks up a carrier by name.
    #[must_use]
    pub fn carrier_by_name(&self, name: &str) -> Option<CarrierId> {
        self.world.resource::<Codes>().carrier(name)
    }

    /// Looks up a location by its id (`12`) or its code (`A01-B1-03-1L`).
    ///
    /// # Errors
    /// [`CommandError::UnknownLocationCode`] if neither names a location.
    pub fn location_by_key(&self, key: &str) -> Result<LocationId, CommandError> {
        key.parse::<usize>()
            .ok()
            .and_then(|i| self.master().locations.get(i))
            .or_else(|| self.master().by_code(key))
            .map(|l| l.id)
            .ok_or_else(|| CommandError::UnknownLocationCode(key.to_owned()))
    }

    /// Looks up a conveyor segment by its code (`main`, `spur-PS3` …).
    ///
    /// # Errors
    /// [`CommandError::NoConveyor`] on a site without one,
    /// [`CommandError::UnknownSegmentCode`] for a code it does not have.
    pub fn segment_by_code(&self, code: &str) -> Result<SegmentId, CommandError> {
        let conveyor = self.conveyor().ok_or(CommandError::NoConveyor)?;
        conveyor
            .by_code(code)
            .ok_or_else(|| CommandError::UnknownSegmentCode(code.to_owned()))
    }

    /// A conveyor segment's code.
    #[must_use]
    pub fn segment_code(&self, segment: SegmentId) -> Option<&str> {
        let conveyor = self.conveyor()?;
        conveyor.segment(segment).ok().map(|s| s.code.as_str())
    }

    /// Orders received and neither shipped nor closed.
    #[must_use]
    pub fn backlog(&self) -> u32 {
        self.orders().open
    }

    /// Handles one command at `now`.
    ///
    /// # Errors
    /// Why the command was refused; a refused command changes nothing.
    pub fn execute(&mut self, now: SimTime, command: Command) -> Result<Reply, CommandError> {
        self.run(|site| site.execute(now, command))
    }

    /// Orders shipped and lines picked so far in the running metrics
    /// interval (the next `MetricsUpdated` reports them).
    #[must_use]
    pub fn interval_counts(&self) -> (u32, u32) {
        let c = &self.world.resource::<Workload>().counters;
        (c.orders_shipped, c.lines_picked)
    }

    /// The labour plan of every hour so far.
    #[must_use]
    pub fn hour_plans(&self) -> &[HourPlan] {
        &self.resource::<Workload>().plan
    }

    /// Seconds a pack station takes per order: learned once
    /// `LEARN_AFTER_PACKED` orders are packed, the policy's prior before.
    #[must_use]
    pub fn pack_seconds_per_order(&self, policy: &WorkloadPolicy) -> f64 {
        self.resource::<Workload>().pack_seconds_per_order(policy)
    }

    /// Handles a timer the driver fired.
    pub fn on_timer(&mut self, now: SimTime, timer: DomainTimer) {
        self.run(|site| site.on_timer(now, timer));
    }
}

impl Site<'_, '_> {
    /// Starts the site's clocks at `now`: the first wave planning run, the
    /// carriers' departures and the metrics intervals.
    pub(crate) fn start(&mut self, now: SimTime) {
        self.timers
            .push((now + self.config.wave.interval, DomainTimer::PlanWaves));
        for (i, c) in self.config.carriers.iter().enumerate() {
            self.timers.push((
                self.config.calendar.next(now, c.cutoff_min),
                DomainTimer::CarrierDeparture(CarrierId(i as u32)),
            ));
        }
        self.timers
            .push((now + METRICS_INTERVAL, DomainTimer::MetricsTick));
        if let Some(every) = self.config.cycle_count_interval {
            self.timers.push((now + every, DomainTimer::CycleCount));
        }
        if let Some(policy) = self.config.workload.clone() {
            // The first hour's plan; the metrics ticks plan the others.
            self.plan_hour(now, &policy);
        }
    }

    /// Handles one command at `now`.
    ///
    /// # Errors
    /// Why the command was refused; a refused command changes nothing.
    pub(crate) fn execute(
        &mut self,
        now: SimTime,
        command: Command,
    ) -> Result<Reply, CommandError> {
        match command {
            Command::ReceiveOrder(order) => self.receive_order(now, order),
            Command::CreateWave {
                orders,
                strategy,
                priority,
            } => self.create_wave(now, &orders, strategy, priority),
            Command::CancelWave { wave } => self.cancel_wave(now, wave).map(|()| Reply::Done),
            Command::ReleaseWave { wave } => {
                self.authorise_release(now, wave).map(|()| Reply::Done)
            }
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
            Command::StartSort { wall } => self.start_sort(now, wall),
            Command::PutItem { wall, task, line } => self.put_item(now, wall, task, line),
            Command::ScanBulkTote { wall, tote } => self.scan_bulk_tote(wall, tote),
            Command::PutIntoSlot {
                wall,
                slot,
                sku,
                quantity,
            } => self.put_into_slot(now, wall, slot, sku, quantity),
            Command::CloseSlot { wall, slot } => self.close_slot(now, wall, slot),
            Command::StartPacking { station } => self.start_packing(now, station),
            Command::CompletePacking {
                station,
                order,
                weight_kg,
            } => self.complete_packing(now, station, order, weight_kg),
            Command::BlockLocation { location, reason } => {
                self.set_blocked(now, location, true, reason)
            }
            Command::ReceiveStock { sku, units } => self.receive_stock(now, &sku, units),
            Command::UnblockLocation { location } => {
                self.set_blocked(now, location, false, String::new())
            }
            Command::CreateLocation { location } => self.create_location(now, location),
            Command::ConfigureLocationCapacity { location, capacity } => {
                self.configure_capacity(now, location, capacity)
            }
            Command::AssignSlottingClass { location, class } => {
                self.assign_slotting_class(now, location, class)
            }
            Command::ReslotFaces { moves } => self.reslot_faces(now, &moves),
            Command::SetLocationActive {
                location,
                active,
                reason,
            } => self.set_active(now, location, active, reason),
            Command::ConveyTote { tote, segment } => self.convey_tote(now, tote, segment),
            Command::DivertTote { tote } => self.divert_tote(now, tote),
            Command::DischargeTote { tote } => self.discharge_tote(now, tote),
            Command::SetConveyor {
                segment,
                running,
                reason,
            } => self.set_conveyor(now, segment, running, reason),
            Command::RtlsPings { pings } => self.record_pings(now, &pings),
            Command::OpenLicensePlate {
                plate,
                kind,
                location,
            } => self.open_plate(now, plate, kind, location),
            Command::NestLicensePlate { plate, into } => self.nest_plate(now, plate, into),
            Command::UnnestLicensePlate { plate } => self.unnest_plate(now, plate),
        }
    }

    /// Handles a timer the driver fired.
    pub(crate) fn on_timer(&mut self, now: SimTime, timer: DomainTimer) {
        match timer {
            DomainTimer::PlanWaves => {
                self.plan_waves(now);
                self.timers
                    .push((now + self.config.wave.interval, DomainTimer::PlanWaves));
            }
            DomainTimer::CarrierDeparture(carrier) => {
                self.depart(now, carrier);
                self.timers.push((
                    // The next cut-off in local wall time: 24 hours
                    // later, or 23 or 25 across a daylight-saving change.
                    self.config.calendar.next(
                        now + SimDuration::from_millis(1),
                        self.config.carriers[carrier.index()].cutoff_min,
                    ),
                    DomainTimer::CarrierDeparture(carrier),
                ));
            }
            DomainTimer::MetricsTick => self.close_metrics_interval(now),
            DomainTimer::CycleCount => {
                if !self.counts_paused(now) {
                    self.cycle_count(now);
                }
                if let Some(every) = self.config.cycle_count_interval {
                    self.timers.push((now + every, DomainTimer::CycleCount));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bevy_ecs::observer::Observer;

    use super::*;
    use crate::commands::Command;
    use crate::ids::StationId;
    use crate::pick_execution::{BatchRule, Picking};
    use crate::testing::{at, ok, order, tiny_site, work_through};

    /// The choreography, registered backwards.
    fn backwards(world: &mut World) {
        workload_planning::handlers::reactions(world);
        order_management::handlers::reactions(world);
        orchestration::reactions(world);
    }

    /// A morning on the tiny site under `picking`: 30 orders, every timer
    /// fired in time order until noon, the floor worked after each, every
    /// parcel packed. Returns the log.
    fn a_morning(picking: Picking, reactions: fn(&mut World)) -> Vec<String> {
        let mut config = tiny_site();
        config.picking = picking;
        let master = LocationMaster::new(
            config.layout.clone(),
            config.packing.stations,
            config.skus.len() as u32,
        );
        let mut wh = Warehouse::build(config, master, reactions).unwrap();
        wh.start(at(8, 0));
        for i in 0..30u32 {
            let id = format!("web-{i}");
            let lines = [("SKU0001", 1 + i % 3), ("SKU0002", 1 + i % 2)];
            ok(
                &mut wh,
                at(8, u64::from(i)),
                order(&id, &lines[..1 + i as usize % 2]),
            );
        }
        let mut calendar = BTreeMap::new();
        let mut seq = 0u64;
        loop {
            for (t, timer) in wh.take_timers().collect::<Vec<_>>() {
                calendar.insert((t, seq), timer);
                seq += 1;
            }
            let Some(((now, _), timer)) = calendar.pop_first() else {
                break;
            };
            if now > at(12, 0) {
                break;
            }
            wh.on_timer(now, timer);
            let associate = AssociateId(0);
            ok(&mut wh, now, Command::SignOn { associate });
            while let Reply::NextTask { task: Some(task) } =
                ok(&mut wh, now, Command::RequestNextTask { associate })
            {
                work_through(&mut wh, now, 0, task);
            }
            let station = StationId(0);
            while let Reply::Packing { job: Some(job) } =
                ok(&mut wh, now, Command::StartPacking { station })
            {
                let done = Command::CompletePacking {
                    station,
                    order: job.order,
                    weight_kg: job.expected_weight_kg,
                };
                ok(&mut wh, now, done);
            }
        }
        wh.bus().log().iter().map(|r| format!("{r:?}")).collect()
    }

    #[test]
    fn each_fact_has_one_reacting_service() {
        let mut wh = Warehouse::new(tiny_site()).unwrap();
        let mut facts: Vec<_> = wh
            .world
            .query::<&Observer>()
            .iter(&wh.world)
            .flat_map(|o| o.descriptor().event_keys().to_vec())
            .collect();
        let observers = facts.len();
        facts.sort_unstable();
        facts.dedup();
        assert_eq!(observers, 7, "the choreography's observers");
        assert_eq!(facts.len(), observers, "a fact with two reactions");
    }

    #[test]
    fn the_log_hangs_neither_on_the_strategy_run_before_nor_on_registration_order() {
        let batch = Picking::Batch {
            rule: BatchRule::Seed,
            totes: 4,
        };
        let first = a_morning(Picking::Discrete, choreography);
        let swapped = a_morning(batch, choreography);
        let back = a_morning(Picking::Discrete, choreography);
        let backwards = a_morning(Picking::Discrete, backwards);
        assert!(
            first.len() > 200,
            "a morning's work: {} events",
            first.len()
        );
        assert!(first.iter().any(|e| e.contains("ShipmentReady")));
        assert_ne!(first, swapped, "the strategy shapes the day");
        assert_eq!(first, back);
        assert_eq!(first, backwards);
    }
}
