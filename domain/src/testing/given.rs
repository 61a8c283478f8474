//! The given / when / then harness of the domain's rule tests, in the
//! spirit of cqrs-es: **given** a site (and what already happened on it),
//! **when** a command (or a timer), **then** these events, or this refusal
//! and no event at all.
//!
//! ```
//! use paklog_domain::testing::{at, given, order, tiny_site};
//! use paklog_domain::RefusalKind;
//!
//! let mut site = given(tiny_site());
//! site.when(at(8, 0), order("web-1", &[("SKU0001", 2)])).then_types(&[
//!     "com.paklog.wms.order.received.v1",
//!     "com.paklog.wms.order.validated.v1",
//!     "com.paklog.wms.inventory.reserved.v1",
//! ]);
//! site.when(at(8, 1), order("web-1", &[("SKU0001", 1)]))
//!     .then_refused("external_id", RefusalKind::Conflict);
//! ```

use std::ops::{Deref, DerefMut};

use paklog_sim::{SimDuration, SimTime};

use crate::commands::{Command, NewOrder, NewOrderLine, Reply};
use crate::config::SiteConfig;
use crate::events::{DomainEvent, Priority};
use crate::ids::{AssociateId, TaskId};
use crate::pick_execution::{Picking, ZoneMode};
use crate::refusal::{CommandError, RefusalKind};
use crate::site::DomainTimer;
use crate::testing::tiny_site;
use crate::warehouse::Warehouse;

/// A site under test. It derefs to its [`Warehouse`], so a test can read
/// any service's state or send commands directly.
#[derive(Debug)]
pub struct Given {
    /// The site.
    pub wh: Warehouse,
}

/// Given a site built from `config`, with nothing happened yet.
///
/// # Panics
/// If the configuration is inconsistent.
#[must_use]
pub fn given(config: SiteConfig) -> Given {
    Given {
        wh: Warehouse::new(config).expect("a consistent site"),
    }
}

impl Given {
    /// Given that `command` was accepted at `now`.
    ///
    /// # Panics
    /// If it is refused.
    #[must_use]
    pub fn with(mut self, now: SimTime, command: Command) -> Self {
        ok(&mut self.wh, now, command);
        self
    }

    /// When `command` is sent at `now`.
    #[must_use = "a `when` is checked by its `then`s"]
    pub fn when(&mut self, now: SimTime, command: Command) -> Then<'_> {
        let from = self.wh.bus().len();
        let result = self.wh.execute(now, command);
        Then {
            wh: &self.wh,
            from,
            result,
        }
    }

    /// When the driver fires `timer` at `now`.
    #[must_use = "a `when` is checked by its `then`s"]
    pub fn when_timer(&mut self, now: SimTime, timer: DomainTimer) -> Then<'_> {
        let from = self.wh.bus().len();
        self.wh.on_timer(now, timer);
        Then {
            wh: &self.wh,
            from,
            result: Ok(Reply::Done),
        }
    }
}

impl Deref for Given {
    type Target = Warehouse;

    fn deref(&self) -> &Warehouse {
        &self.wh
    }
}

impl DerefMut for Given {
    fn deref_mut(&mut self) -> &mut Warehouse {
        &mut self.wh
    }
}

/// What a command or timer did: its reply (or refusal) and the events it
/// emitted.
#[derive(Debug)]
pub struct Then<'a> {
    wh: &'a Warehouse,
    from: usize,
    result: Result<Reply, CommandError>,
}

impl Then<'_> {
    /// The events emitted, in order.
    #[must_use]
    pub fn events(&self) -> Vec<&DomainEvent> {
        self.wh
            .bus()
            .since(self.from)
            .iter()
            .map(|r| &r.event)
            .collect()
    }

    /// Then exactly these events, by CloudEvents type, were emitted.
    ///
    /// # Panics
    /// If the command was refused or other events were emitted.
    pub fn then_types(self, types: &[&str]) -> Self {
        assert!(self.result.is_ok(), "refused: {:?}", self.result);
        let got: Vec<_> = self.events().iter().map(|e| e.cloud_event_type()).collect();
        assert_eq!(got, types, "refusal: {:?}", self.result.as_ref().err());
        self
    }

    /// Then exactly these events were emitted.
    ///
    /// # Panics
    /// If the command was refused or other events were emitted.
    pub fn then_events(self, events: &[DomainEvent]) -> Self {
        assert!(self.result.is_ok(), "refused: {:?}", self.result);
        let got: Vec<_> = self.events().into_iter().cloned().collect();
        assert_eq!(got, events, "refusal: {:?}", self.result.as_ref().err());
        self
    }

    /// Then the command was refused for `field`, as `kind`, and nothing
    /// was emitted.
    ///
    /// # Panics
    /// If it was accepted, refused otherwise, or emitted an event.
    pub fn then_refused(self, field: &str, kind: RefusalKind) -> Self {
        match &self.result {
            Ok(reply) => panic!("accepted ({reply:?}), expected a refusal of {field}"),
            Err(e) => {
                assert_eq!((e.field().as_str(), e.kind()), (field, kind), "{e}");
            }
        }
        assert!(
            self.events().is_empty(),
            "a refusal emitted {:?}",
            self.events()
        );
        self
    }

    /// The reply.
    ///
    /// # Panics
    /// If the command was refused.
    #[must_use]
    pub fn reply(&self) -> &Reply {
        self.result
            .as_ref()
            .unwrap_or_else(|e| panic!("refused: {e}"))
    }
}

/// `h:m` on the first day.
pub fn at(h: u64, m: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_hours(h) + SimDuration::from_mins(m)
}

/// An order for UPS, standard priority, of `(SKU code, units)` lines.
pub fn order(id: &str, lines: &[(&str, u32)]) -> Command {
    Command::ReceiveOrder(NewOrder {
        external_id: id.into(),
        carrier: "UPS".into(),
        priority: Priority::Standard,
        lines: lines
            .iter()
            .map(|&(sku, quantity)| NewOrderLine {
                sku: sku.into(),
                quantity,
            })
            .collect(),
    })
}

/// CloudEvents types of the events recorded since `from`.
pub fn types_since(wh: &Warehouse, from: usize) -> Vec<&'static str> {
    wh.bus()
        .since(from)
        .iter()
        .map(|r| r.event.cloud_event_type())
        .collect()
}

/// Executes a command that must be accepted; panics with the refusal.
pub fn ok(wh: &mut Warehouse, now: SimTime, cmd: Command) -> Reply {
    wh.execute(now, cmd)
        .unwrap_or_else(|e| panic!("refused: {e}"))
}

/// Receives the orders, signs associate 0 on and plans waves: returns the
/// task assigned to associate 0.
pub fn released_and_assigned(wh: &mut Warehouse, orders: &[Command]) -> TaskId {
    for (i, o) in orders.iter().enumerate() {
        ok(wh, at(8, i as u64), o.clone());
    }
    ok(
        wh,
        at(8, 10),
        Command::SignOn {
            associate: AssociateId(0),
        },
    );
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    match ok(
        wh,
        at(8, 30),
        Command::RequestNextTask {
            associate: AssociateId(0),
        },
    ) {
        Reply::NextTask { task: Some(t) } => t,
        other => panic!("no task: {other:?}"),
    }
}

/// [`released_and_assigned`], and associate 0 starts the task at 09:00.
pub fn released_and_started(wh: &mut Warehouse, orders: &[Command]) -> TaskId {
    let task = released_and_assigned(wh, orders);
    let associate = AssociateId(0);
    ok(wh, at(9, 0), Command::StartTask { associate, task });
    task
}

/// Associate `a` signs on (if need be), takes `task`, picks every stop in
/// full and delivers: returns the delivery's reply.
pub fn work_through(wh: &mut Warehouse, now: SimTime, a: u32, task: TaskId) -> Reply {
    let associate = AssociateId(a);
    ok(wh, now, Command::SignOn { associate });
    if wh.tasks().get(task).associate.is_none() {
        match ok(wh, now, Command::RequestNextTask { associate }) {
            Reply::NextTask { task: Some(t) } => assert_eq!(t, task),
            other => panic!("{associate} got {other:?}, not {task}"),
        }
    }
    ok(wh, now, Command::StartTask { associate, task });
    for line in 0..wh.tasks().get(task).lines.len() as u32 {
        let quantity = wh.tasks().get(task).lines[line as usize].quantity;
        let confirm = Command::ConfirmPick {
            associate,
            task,
            line,
            quantity,
            barcode: None,
        };
        ok(wh, now, confirm);
    }
    ok(wh, now, Command::DeliverTote { associate, task })
}

/// The tiny site split into a front zone (aisle 1) and a back zone
/// (aisle 2), ann picking in the front and bob in the back.
pub fn zoned(mode: ZoneMode) -> SiteConfig {
    let mut config = tiny_site();
    config.picking = Picking::Zone { mode };
    config.layout.zones = vec![("front".into(), 0, 0), ("back".into(), 1, 1)];
    config.associates[0].zone = Some(0);
    config.associates[1].zone = Some(1);
    config
}

/// Signs `associate` on and starts the task the pool gives them.
pub fn next_started(wh: &mut Warehouse, now: SimTime, associate: AssociateId) -> TaskId {
    ok(wh, now, Command::SignOn { associate });
    let Reply::NextTask { task: Some(task) } = ok(wh, now, Command::RequestNextTask { associate })
    else {
        panic!("no task for {associate:?}");
    };
    ok(wh, now, Command::StartTask { associate, task });
    task
}

/// Confirms `quantity` units at stop `line` of `task`, with no barcode.
pub fn confirm(
    wh: &mut Warehouse,
    now: SimTime,
    associate: AssociateId,
    task: TaskId,
    line: u32,
    quantity: u32,
) -> Reply {
    ok(
        wh,
        now,
        Command::ConfirmPick {
            associate,
            task,
            line,
            quantity,
            barcode: None,
        },
    )
}

/// The tiny site with a conveyor: 10 m belts at 0.5 m/s, spurs holding one
/// tote.
pub fn conveyed() -> SiteConfig {
    use crate::material_handling::{ConveyorSpec, SegmentSpec};
    let belt = |capacity| SegmentSpec {
        length_m: 10.0,
        speed_mps: 0.5,
        capacity,
    };
    let mut config = tiny_site();
    config.conveyor = Some(ConveyorSpec {
        induct: belt(4),
        main: belt(10),
        spur: belt(1),
        takeaway: belt(10),
        lane: belt(4),
    });
    config
}
