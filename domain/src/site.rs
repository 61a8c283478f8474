//! The site as the services see it: [`Site`] borrows every service's state
//! from the site's world for one command, timer or reaction. Each service's
//! command handlers (`<service>/handlers.rs`) are `impl Site` blocks; its
//! state (the books in `<service>.rs`) knows nothing of the site, so the
//! services' homes sit below this module and their handlers above it.

use std::collections::HashMap;

use bevy_ecs::event::Event;
use bevy_ecs::prelude::{Commands, Res, ResMut};
use bevy_ecs::resource::Resource;
use bevy_ecs::system::SystemParam;
use paklog_sim::SimTime;

use crate::config::SiteConfig;
use crate::events::{DomainEvent, EventBus};
use crate::ids::{CarrierId, SkuId};
use crate::inventory::Inventory;
use crate::location_master::LocationMaster;
use crate::material_handling::Conveyor;
use crate::order_management::OrderBook;
use crate::pack_ship::PackArea;
use crate::physical_tracking::{LicencePlates, Tracking};
use crate::quality::Quality;
use crate::task_execution::TaskBoard;
use crate::wave_planning::WaveBook;
use crate::workload_planning::Workload;

/// Timers the domain asks its driver to fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainTimer {
    /// Run wave planning.
    PlanWaves,
    /// A carrier's truck leaves.
    CarrierDeparture(CarrierId),
    /// Close a metrics interval.
    MetricsTick,
    /// Open the next cycle count.
    CycleCount,
}

/// Wave planning, carrier departure, metrics and cycle-count timers the
/// services asked for since the driver last drained them.
#[derive(Debug, Default, Resource)]
pub(crate) struct Timers(pub(crate) Vec<(SimTime, DomainTimer)>);

impl Timers {
    pub(crate) fn push(&mut self, timer: (SimTime, DomainTimer)) {
        self.0.push(timer);
    }
}

/// The site's codes: SKUs and carriers by the names the outside world
/// gives them.
#[derive(Debug, Default, Resource)]
pub(crate) struct Codes {
    skus: HashMap<String, SkuId>,
    carriers: HashMap<String, CarrierId>,
}

impl Codes {
    pub(crate) fn new(skus: HashMap<String, SkuId>, carriers: HashMap<String, CarrierId>) -> Self {
        Codes { skus, carriers }
    }

    pub(crate) fn sku(&self, code: &str) -> Option<SkuId> {
        self.skus.get(code).copied()
    }

    pub(crate) fn carrier(&self, name: &str) -> Option<CarrierId> {
        self.carriers.get(name).copied()
    }
}

/// Every service's state, borrowed from the site's world for one command,
/// timer or reaction. The services' code is written against it
/// (`impl Site` in each service's home); each field is that service's own
/// resource.
#[derive(SystemParam)]
pub(crate) struct Site<'w, 's> {
    /// Static configuration.
    pub(crate) config: Res<'w, SiteConfig>,
    /// SKU and carrier codes.
    pub(crate) codes: Res<'w, Codes>,
    /// Location master.
    pub(crate) master: ResMut<'w, LocationMaster>,
    /// Order management.
    pub(crate) orders: ResMut<'w, OrderBook>,
    /// Inventory.
    pub(crate) inventory: ResMut<'w, Inventory>,
    /// Wave planning.
    pub(crate) waves: ResMut<'w, WaveBook>,
    /// Task execution and the associates.
    pub(crate) tasks: ResMut<'w, TaskBoard>,
    /// Pack & ship.
    pub(crate) pack: ResMut<'w, PackArea>,
    /// Quality.
    pub(crate) quality: ResMut<'w, Quality>,
    /// The event bus and the run's log.
    pub(crate) bus: ResMut<'w, EventBus>,
    /// Physical tracking: where the RTLS last saw each tag.
    pub(crate) tracking: ResMut<'w, Tracking>,
    /// Physical tracking: every licence plate.
    pub(crate) plates: ResMut<'w, LicencePlates>,
    /// Material handling: the conveyor network, if the site has one.
    pub(crate) conveyor: Option<ResMut<'w, Conveyor>>,
    /// Workload planning.
    pub(crate) workload: ResMut<'w, Workload>,
    /// Timers asked for.
    pub(crate) timers: ResMut<'w, Timers>,
    /// The facts other services react to, triggered once the command (or
    /// the reaction) that made them is done.
    facts: Commands<'w, 's>,
}

impl Site<'_, '_> {
    /// Records `event` at `now` on the bus; its sequence number.
    pub(crate) fn emit(&mut self, now: SimTime, event: DomainEvent) -> u64 {
        let seq = self.bus.len() as u64;
        self.bus.publish(now, event);
        seq
    }

    /// Hands `fact` to the services that react to it. They run once this
    /// command (or reaction) is done, each fact's reactions before the
    /// next fact's, and each reaction's own facts before its siblings'.
    pub(crate) fn trigger<'a>(&mut self, fact: impl Event<Trigger<'a>: Default>) {
        self.facts.trigger(fact);
    }
}
