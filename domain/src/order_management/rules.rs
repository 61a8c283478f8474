//! The rules of order management, as given / when / then over commands and events
//! on the tiny site of [`crate::testing`].

use crate::order_management::OrderStatus;
use crate::testing::*;
use crate::*;

#[test]
fn a_valid_order_is_validated_and_its_stock_reserved() {
    let mut wh = given(tiny_site());
    let reply = ok(
        &mut wh,
        at(8, 0),
        order("o1", &[("SKU0001", 3), ("SKU0002", 1)]),
    );
    assert_eq!(
        reply,
        Reply::OrderAccepted {
            order: OrderId(0),
            status: OrderStatus::Reserved
        }
    );
    assert_eq!(
        types_since(&wh, 0),
        [
            "com.paklog.wms.order.received.v1",
            "com.paklog.wms.order.validated.v1",
            "com.paklog.wms.inventory.reserved.v1"
        ]
    );
    assert_eq!(wh.inventory().available(SkuId(0)), 17);
    assert_eq!(wh.orders().get(OrderId(0)).due, at(17, 0));
}

#[test]
fn an_invalid_order_is_refused_and_changes_nothing() {
    let mut wh = given(tiny_site());
    ok(&mut wh, at(8, 0), order("o1", &[("SKU0001", 1)]));
    let before = wh.bus().len();
    let cases = [
        (
            order("o2", &[("SKU0001", 1), ("NOPE", 1)]),
            "lines[1].sku: unknown SKU \"NOPE\"",
        ),
        (
            order("o2", &[("SKU0001", 0)]),
            "lines[0].quantity: must be ≥ 1, got 0",
        ),
        (
            order("o1", &[("SKU0001", 1)]),
            "external_id: order \"o1\" was already received",
        ),
        (order("o2", &[]), "lines: an order needs at least one line"),
    ];
    for (cmd, message) in cases {
        let err = wh.execute(at(8, 1), cmd).unwrap_err();
        assert_eq!(err.to_string(), message);
    }
    assert_eq!(wh.bus().len(), before);
    assert_eq!(wh.orders().kept(), 1);
    assert_eq!(wh.inventory().available(SkuId(0)), 19);
}

#[test]
fn an_order_too_big_to_count_is_refused_by_its_field() {
    // Lines that together would take an order past what a count holds:
    // each line is at most 1 000 000 units, an order at most 1 000 lines.
    let mut wh = given(tiny_site());
    wh.when(at(8, 0), order("big", &[("SKU0001", 1_000_001)]))
        .then_refused("lines[0].quantity", RefusalKind::Invalid);
    let lines: Vec<(&str, u32)> = (0..1_001).map(|_| ("SKU0001", 4_294_967)).collect();
    wh.when(at(8, 0), order("many", &lines))
        .then_refused("lines", RefusalKind::Invalid);
    wh.when(at(8, 0), order("most", &[("SKU0001", 1_000_000)]))
        .then_types(&[
            "com.paklog.wms.order.received.v1",
            "com.paklog.wms.order.validated.v1",
            "com.paklog.wms.order.backordered.v1",
        ]);
}
