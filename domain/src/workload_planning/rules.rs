//! The rules of workload planning, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use paklog_sim::SimDuration;

use crate::testing::*;
use crate::*;

#[test]
fn open_work_beyond_the_rest_of_the_shift_adjusts_capacity_and_pauses_counts() {
    let mut config = tiny_site();
    config.labour = vec![config::LabourWindow {
        start_min: 8 * 60,
        end_min: 12 * 60,
        heads: 1,
    }];
    config.wave.lines_per_head_hour = 20.0;
    config.cycle_count_interval = Some(SimDuration::from_mins(5));
    config.workload = Some(config::WorkloadPolicy {
        prior_orders_per_hour: vec![0.0; 24],
        lines_per_order: 1.0,
        max_overtime: SimDuration::from_hours(2),
        pack_seconds_per_order: 0.0,
    });
    let mut wh = given(config);
    // Given 30 one-line orders at 11:00, with one head until 12:00 at 20
    // lines an hour,
    for i in 0..30 {
        let sku = if i < 20 { "SKU0001" } else { "SKU0002" };
        ok(&mut wh, at(11, 0), order(&format!("o{i}"), &[(sku, 1)]));
    }
    // when the 11:30 metrics interval closes,
    let from = wh.bus().len();
    wh.on_timer(at(11, 30), DomainTimer::MetricsTick);
    // then 30 lines against 10 the head can pick by 12:00 take an hour of
    // overtime, and task execution pauses cycle counts until then.
    let events: Vec<_> = wh
        .bus()
        .since(from)
        .iter()
        .map(|r| r.event.clone())
        .collect();
    assert_eq!(
        events[1..],
        [
            DomainEvent::CapacityAdjusted {
                heads: 1,
                shift_end: at(12, 0),
                until: at(13, 0),
                open_lines: 30,
                capacity_lines: 10,
            },
            DomainEvent::WorkloadRebalanced {
                counts_paused_until: at(13, 0),
                moves: vec![],
            },
        ]
    );
    // Five minutes on, with nothing picked, counts still wait and the plan
    // asks for another quarter of an hour.
    let from = wh.bus().len();
    wh.on_timer(at(11, 35), DomainTimer::CycleCount);
    wh.on_timer(at(11, 35), DomainTimer::MetricsTick);
    let adjusted: Vec<_> = wh
        .bus()
        .since(from)
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::CapacityAdjusted { until, .. } => Some(until),
            DomainEvent::CountRequested { .. } => panic!("counts are paused"),
            _ => None,
        })
        .collect();
    assert_eq!(adjusted, [at(13, 15)]);
    // Wave planning counts the head kept on after 12:00.
    wh.on_timer(at(12, 30), DomainTimer::PlanWaves);
    assert!(
        wh.bus()
            .since(from)
            .iter()
            .any(|r| matches!(r.event, DomainEvent::WaveReleased { .. })),
        "a wave is released in the overtime"
    );
}

#[test]
fn the_labour_window_of_a_minute_ends_where_the_plan_says() {
    let mut config = tiny_site();
    config.labour = vec![
        config::LabourWindow {
            start_min: 360,
            end_min: 840,
            heads: 2,
        },
        config::LabourWindow {
            start_min: 840,
            end_min: 60,
            heads: 1,
        },
    ];
    assert_eq!(config.window_end(600), Some(840));
    assert_eq!(config.window_end(1000), Some(60), "across midnight");
    assert_eq!(config.window_end(120), None);
}

#[test]
fn with_zone_picking_a_capacity_adjustment_moves_a_picker_to_where_the_work_is() {
    let mut config = zoned(pick_execution::ZoneMode::Parallel);
    config.associates.push(config::AssociateSpec {
        name: "cat".into(),
        express: false,
        zone: Some(0),
    });
    config.labour = vec![config::LabourWindow {
        start_min: 8 * 60,
        end_min: 12 * 60,
        heads: 3,
    }];
    config.wave.lines_per_head_hour = 1.0;
    config.workload = Some(config::WorkloadPolicy {
        prior_orders_per_hour: vec![0.0; 24],
        lines_per_order: 1.0,
        max_overtime: SimDuration::from_hours(2),
        pack_seconds_per_order: 0.0,
    });
    let mut wh = given(config);
    // Given two pickers in the front zone, one in the back, and work only
    // in the back (SKU0003 sits in aisle 2),
    for associate in [AssociateId(0), AssociateId(1), AssociateId(2)] {
        ok(&mut wh, at(8, 0), Command::SignOn { associate });
    }
    for i in 0..8 {
        ok(
            &mut wh,
            at(8, 0),
            order(&format!("o{i}"), &[("SKU0003", 1)]),
        );
    }
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    // when the plan falls behind,
    let from = wh.bus().len();
    wh.on_timer(at(11, 30), DomainTimer::MetricsTick);
    // then task execution moves a front-zone picker to the back.
    let moves: Vec<_> = wh
        .bus()
        .since(from)
        .iter()
        .filter_map(|r| match &r.event {
            DomainEvent::WorkloadRebalanced { moves, .. } => Some(moves.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        moves,
        [vec![events::ZoneMove {
            associate: AssociateId(0),
            from: 0,
            to: 1
        }]]
    );
    assert_eq!(wh.tasks().associates[0].zone, Some(1));
}
