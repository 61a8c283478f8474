//! The hold model: N events pending; pop the next one and schedule one at a
//! random later time, again and again. It measures the event calendar alone
//! and the whole run loop (handler over the ECS world, `World::flush` after
//! every event) at N = 1 000, 100 000 and 1 000 000.
//!
//! ```text
//! cargo bench --bench kernel
//! ```
//! Criterion prints throughput in elements (events) per second.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use paklog_sim::{
    Calendar, RngStreams, SimDuration, SimTime, Simulation, StreamRng, VirtualClock, World,
};
use rand::Rng;

/// Events per measured iteration.
const HOLDS: u64 = 100_000;
const SIZES: [u64; 3] = [1_000, 100_000, 1_000_000];

/// A random increment, uniform on 1..=2n ms (mean ≈ n), so the pending set
/// stays spread out. Multiply-shift instead of `%` keeps a 64-bit division
/// out of the measurement.
#[inline]
fn increment(rng: &mut StreamRng, n: u64) -> SimDuration {
    let draw = (u128::from(rng.next_u64()) * u128::from(2 * n)) >> 64;
    SimDuration::from_millis(draw as u64 + 1)
}

fn calendar_hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold/calendar");
    group.throughput(Throughput::Elements(HOLDS));
    for n in SIZES {
        let mut rng = RngStreams::new(1).stream("hold");
        let mut cal = Calendar::with_capacity(n as usize);
        for i in 0..n {
            cal.schedule(SimTime::ZERO + increment(&mut rng, n), i);
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                for _ in 0..HOLDS {
                    let (now, e) = cal.pop().expect("never empties");
                    cal.schedule(now + increment(&mut rng, n), black_box(e));
                }
            });
        });
    }
    group.finish();
}

/// The floor: a bare `std` binary heap of packed `u128` keys, no payloads,
/// no FIFO bookkeeping, no cancellation. What the calendar adds on top of it
/// is the price of those features.
fn bare_heap_hold(c: &mut Criterion) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut group = c.benchmark_group("hold/bare_binary_heap");
    group.throughput(Throughput::Elements(HOLDS));
    for n in SIZES {
        let mut rng = RngStreams::new(1).stream("hold");
        let mut heap = BinaryHeap::with_capacity(n as usize);
        let mut seq = 0u128;
        for _ in 0..n {
            seq += 1;
            heap.push(Reverse(
                (u128::from(increment(&mut rng, n).as_millis()) << 64) | seq,
            ));
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                for _ in 0..HOLDS {
                    let Reverse(key) = heap.pop().expect("never empties");
                    seq += 1;
                    let time = (key >> 64) + u128::from(increment(&mut rng, n).as_millis());
                    heap.push(Reverse(black_box((time << 64) | seq)));
                }
            });
        });
    }
    group.finish();
}

fn run_loop_hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("hold/run_loop");
    group.throughput(Throughput::Elements(HOLDS));
    for n in SIZES {
        let mut rng = RngStreams::new(1).stream("hold");
        let mut sim = Simulation::new(World::new());
        for i in 0..n {
            sim.schedule_at(SimTime::ZERO + increment(&mut rng, n), i);
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                let mut left = HOLDS;
                sim.run(&mut VirtualClock, None, |_, sched, e| {
                    sched.schedule_in(increment(&mut rng, n), black_box(e));
                    left -= 1;
                    if left == 0 {
                        sched.stop();
                    }
                });
            });
        });
    }
    group.finish();
}

criterion_group!(benches, calendar_hold, bare_heap_hold, run_loop_hold);
criterion_main!(benches);
