//! Routing one pick list of 10, 30, 50 and 100 stops, by policy: in a
//! single-block layout of 20 aisles (group `route`), and in a layout of
//! three blocks of 20 aisles (group `route-3-blocks`, the policies that
//! apply there).
//!
//! ```text
//! cargo bench --bench routing
//! ```
//! Criterion prints the time per route and throughput in routes per second.
//! Goal: optimal single-block routing of 50 picks under 50 µs.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use paklog_domain::location_master::{LayoutSpec, LocationMaster, Point};
use paklog_domain::routing::{Policy, route};
use paklog_sim::RngStreams;
use rand::RngExt;

fn layout(blocks: u32) -> LocationMaster {
    LocationMaster::new(
        LayoutSpec {
            bays_per_aisle: 30,
            levels: 4,
            aisle_length_m: 30.0,
            ..paklog_domain::testing::layout(blocks, 20)
        },
        1,
        0,
    )
}

fn routing(c: &mut Criterion) {
    for (blocks, name) in [(1, "route"), (3, "route-3-blocks")] {
        let master = layout(blocks);
        let mut rng = RngStreams::new(1).stream("routing-bench");
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(1));
        for n in [10usize, 30, 50, 100] {
            let stops: Vec<Point> = (0..n)
                .map(|_| {
                    Point::new(
                        rng.random_range(0..20),
                        rng.random::<f64>() * 30.0 * f64::from(blocks),
                    )
                })
                .collect();
            for policy in Policy::ALL {
                if route(&master, policy, &stops).is_err() {
                    continue; // a single-block heuristic
                }
                group.bench_with_input(BenchmarkId::new(policy.name(), n), &stops, |b, stops| {
                    b.iter(|| route(&master, policy, black_box(stops)).expect("applies"));
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, routing);
criterion_main!(benches);
