//! Whole simulated days of the small scenario with a conveyor: the belts'
//! timing against what follows exactly from their length, speed and
//! capacity, blocking, stops, and unit conservation.

use std::collections::BTreeMap;
use std::path::Path;

use paklog_domain::order_management::OrderStatus;
use paklog_domain::{DomainEvent, SegmentId, ToteId, Warehouse};
use paklog_scenarios::schema::{ClockTime, Conveyor, Disruption, Segment};
use paklog_scenarios::{LoadedScenario, ScenarioRun, load};
use paklog_sim::{SimDuration, SimTime};

fn belt(length_m: f64, capacity: u32) -> Segment {
    Segment {
        length_m,
        speed_mps: 0.5,
        capacity,
    }
}

/// The small scenario with a conveyor whose main line is `main` and with
/// `disruptions`.
fn conveyed(main: Segment, disruptions: Vec<Disruption>) -> LoadedScenario {
    let mut loaded =
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-dc.toml")).unwrap();
    let s = &mut loaded.scenario;
    s.conveyor = Some(Conveyor {
        induct: belt(10.0, 8),
        main,
        spur: belt(4.0, 4),
        takeaway: belt(30.0, 30),
        lane: belt(8.0, 8),
    });
    s.disruptions = disruptions;
    loaded
}

fn run(loaded: &LoadedScenario) -> ScenarioRun {
    let mut run = ScenarioRun::new(loaded, None);
    run.run(|_| {});
    assert_eq!(run.virtual_world().refused, 0, "no command refused");
    run
}

/// Units ordered against shipped + short + open.
fn conserved(wh: &Warehouse) -> bool {
    let (mut ordered, mut accounted) = (0u64, 0u64);
    for o in wh.orders().all() {
        ordered += u64::from(o.units());
        accounted += u64::from(o.short_units());
        accounted += match o.status {
            OrderStatus::Shipped => u64::from(o.picked_units()),
            OrderStatus::Closed => 0,
            _ => u64::from(o.units() - o.short_units()),
        };
    }
    ordered == accounted
}

/// Every scan: `(tote, segment, when)`, in order.
fn scans(wh: &Warehouse) -> Vec<(ToteId, SegmentId, SimTime)> {
    wh.bus()
        .log()
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::ToteConveyed { tote, segment, .. } => Some((tote, segment, r.at)),
            _ => None,
        })
        .collect()
}

fn segment(wh: &Warehouse, code: &str) -> SegmentId {
    wh.conveyor().unwrap().by_code(code).unwrap()
}

fn shipped(wh: &Warehouse) -> usize {
    wh.orders()
        .all()
        .filter(|o| o.status == OrderStatus::Shipped)
        .count()
}

#[test]
fn totes_take_exactly_their_belts_transit_when_free_and_never_beat_a_headway() {
    let cv = run(&conveyed(belt(40.0, 40), vec![]));
    let wh = cv.warehouse();
    assert!(conserved(wh));
    let conveyor = wh.conveyor().unwrap();
    let scans = scans(wh);
    assert!(scans.len() > 5000, "{} scans", scans.len());
    // Entries into each segment are at least a headway apart.
    let mut last: BTreeMap<SegmentId, SimTime> = BTreeMap::new();
    for &(_, s, at) in &scans {
        if let Some(&before) = last.get(&s) {
            let headway = conveyor.segments[s.index()].spec.headway();
            assert!(at.saturating_since(before) >= headway, "{s} at {at}");
        }
        last.insert(s, at);
    }
    // Each tote spends at least the transit on a segment, and the totes
    // nothing held up spend exactly that.
    let mut on: BTreeMap<ToteId, (SegmentId, SimTime)> = BTreeMap::new();
    let mut fastest: BTreeMap<SegmentId, SimDuration> = BTreeMap::new();
    for &(tote, s, at) in &scans {
        if let Some((before, since)) = on.insert(tote, (s, at)) {
            let took = at.saturating_since(since);
            assert!(took >= conveyor.segments[before.index()].spec.transit());
            let f = fastest.entry(before).or_insert(took);
            *f = (*f).min(took);
        }
    }
    for code in ["induct-A", "main", "takeaway"] {
        let s = segment(wh, code);
        assert_eq!(
            fastest[&s],
            conveyor.segments[s.index()].spec.transit(),
            "{code}"
        );
    }
    // From the induct to the station: 20 + 80 + 8 s for the fastest tote.
    let mut first_scan: BTreeMap<ToteId, SimTime> = BTreeMap::new();
    for &(tote, _, at) in &scans {
        first_scan.entry(tote).or_insert(at);
    }
    let stage = |l| wh.master().get(l).kind == paklog_domain::location_master::LocationKind::Stage;
    let trips: Vec<SimDuration> = wh
        .bus()
        .log()
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::LicensePlateMoved { tote, to, .. } if stage(to) => {
                Some(r.at.saturating_since(first_scan[&tote]))
            }
            _ => None,
        })
        .collect();
    assert_eq!(trips.iter().min(), Some(&SimDuration::from_secs(108)));
    // Every tote inducted an hour before the end has reached its station.
    let inducted_early = wh
        .bus()
        .log()
        .iter()
        .filter(|r| {
            r.at + SimDuration::from_hours(1) < cv.horizon
                && matches!(r.event, DomainEvent::ToteInducted { destination, .. } if stage(destination))
        })
        .count();
    assert!(trips.len() >= inducted_early);
    // It ships what carrying the totes by hand ships, within 2 %.
    let mut by_hand = conveyed(belt(40.0, 40), vec![]);
    by_hand.scenario.conveyor = None;
    let by_hand = run(&by_hand);
    let (with, without) = (shipped(wh), shipped(by_hand.warehouse()));
    eprintln!("shipped with conveyor {with}, by hand {without}");
    assert!(with * 100 >= without * 98);
}

#[test]
fn a_main_line_at_its_capacity_carries_one_tote_a_headway_and_backs_up_to_the_pickers() {
    // One tote a minute at most: 30 m at 0.5 m/s holding one tote.
    let cv = run(&conveyed(belt(30.0, 1), vec![]));
    let wh = cv.warehouse();
    assert!(conserved(wh));
    let main = segment(wh, "main");
    let induct = segment(wh, "induct-A");
    let mut per_hour = [0u32; 24];
    for (_, s, at) in scans(wh) {
        if s == main {
            per_hour[(at.as_millis() / 3_600_000) as usize % 24] += 1;
        }
    }
    eprintln!("totes onto the main line per hour: {per_hour:?}");
    let busiest = per_hour.iter().max().copied().unwrap();
    // Entries a minute apart: at most 60 starts in an hour (61 if the hour
    // starts and ends on one), and the peak hours are saturated.
    assert!(busiest <= 61);
    assert!(busiest >= 59, "the peak saturates the main line");
    let stats = wh.conveyor().unwrap().segments[induct.index()].stats(cv.horizon);
    assert!(stats.full_ms > 3_600_000, "the induct is full for hours");
    assert!(
        wh.bus()
            .log()
            .iter()
            .any(|r| r.event == DomainEvent::ConveyorBlocked { segment: induct })
    );
}

#[test]
fn a_stopped_main_line_holds_its_totes_and_the_flow_recovers_after_it() {
    let stop = Disruption::ConveyorStop {
        at: Some(ClockTime::parse("11:00").unwrap()),
        every_h: None,
        segment: None,
        minutes: 30.0,
    };
    let cv = run(&conveyed(belt(40.0, 40), vec![stop]));
    let wh = cv.warehouse();
    assert!(conserved(wh));
    let main = segment(wh, "main");
    let (from, to) = (
        SimTime::ZERO + SimDuration::from_hours(11),
        SimTime::ZERO + SimDuration::from_mins(11 * 60 + 30),
    );
    // Nothing enters or leaves the main line while it stands.
    for (_, s, at) in scans(wh) {
        let off_main = wh.conveyor().unwrap().feeders(s).contains(&main);
        assert!(
            !((s == main || off_main) && (from..to).contains(&at)),
            "{s} at {at}"
        );
    }
    let stats = wh.conveyor().unwrap().segments[main.index()].stats(cv.horizon);
    assert_eq!((stats.stops, stats.stopped_ms), (1, 1_800_000));
    assert!(wh.bus().log().iter().any(|r| r.at == to
        && r.event
            == DomainEvent::ConveyorRestarted {
                segment: main,
                stopped_ms: 1_800_000
            }));
    // The induct backs up during the stop.
    let induct = segment(wh, "induct-A");
    assert!(wh.bus().log().iter().any(|r| (from..to).contains(&r.at)
        && r.event == DomainEvent::ConveyorBlocked { segment: induct }));
    // And the day ships within 2 % of the day without the stop.
    let calm = run(&conveyed(belt(40.0, 40), vec![]));
    let (with, without) = (shipped(wh), shipped(calm.warehouse()));
    eprintln!("shipped with the stop {with}, without {without}");
    assert!(with * 100 >= without * 98);
}
