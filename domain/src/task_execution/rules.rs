//! The rules of task execution, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use crate::commands::CommandError;
use crate::task_execution::TaskStatus;
use crate::testing::*;
use crate::*;

#[test]
fn idle_associates_get_new_tasks_by_score_and_express_goes_to_the_skilled() {
    let mut wh = given(tiny_site());
    for a in 0..2 {
        ok(
            &mut wh,
            at(8, 0),
            Command::SignOn {
                associate: AssociateId(a),
            },
        );
        assert_eq!(
            ok(
                &mut wh,
                at(8, 0),
                Command::RequestNextTask {
                    associate: AssociateId(a)
                }
            ),
            Reply::NextTask { task: None }
        );
    }
    let mut express = order("x1", &[("SKU0002", 1)]);
    if let Command::ReceiveOrder(o) = &mut express {
        o.priority = Priority::Express;
    }
    ok(&mut wh, at(8, 1), order("s1", &[("SKU0001", 1)]));
    ok(&mut wh, at(8, 2), express);
    let from = wh.bus().len();
    wh.on_timer(at(8, 30), DomainTimer::PlanWaves);
    let assigned: Vec<_> = wh
        .bus()
        .since(from)
        .iter()
        .filter_map(|r| match r.event {
            DomainEvent::TaskAssigned {
                task, associate, ..
            } => Some((wh.tasks().get(task).orders[0], associate)),
            _ => None,
        })
        .collect();
    // The express order is dispatched first, to ann (express skill).
    assert_eq!(
        assigned,
        vec![(OrderId(1), AssociateId(0)), (OrderId(0), AssociateId(1))]
    );
}

#[test]
fn the_task_lifecycle_is_enforced_and_tasks_are_private() {
    let mut wh = given(tiny_site());
    let task = released_and_assigned(&mut wh, &[order("o1", &[("SKU0001", 1)])]);
    let confirm = |associate: u32, quantity: u32| Command::ConfirmPick {
        associate: AssociateId(associate),
        task,
        line: 0,
        quantity,
        barcode: None,
    };
    let err = wh.execute(at(9, 0), confirm(0, 1)).unwrap_err();
    assert!(matches!(
        err,
        CommandError::WrongTaskState {
            status: TaskStatus::Assigned,
            ..
        }
    ));
    ok(
        &mut wh,
        at(9, 0),
        Command::SignOn {
            associate: AssociateId(1),
        },
    );
    let err = wh
        .execute(
            at(9, 0),
            Command::StartTask {
                associate: AssociateId(1),
                task,
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "task: T0 is not assigned to A1");
    ok(
        &mut wh,
        at(9, 0),
        Command::StartTask {
            associate: AssociateId(0),
            task,
        },
    );
    let err = wh.execute(at(9, 1), confirm(0, 2)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "quantity: at most 1 units are to be picked here, got 2"
    );
    let err = wh
        .execute(
            at(9, 1),
            Command::DeliverTote {
                associate: AssociateId(0),
                task,
            },
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "task: T0 still has 1 unconfirmed stops");
}
