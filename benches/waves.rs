//! Wave planning and release with 100 000 open orders waiting for a wave
//! (the seed's success metric: planning under 500 ms; ours: p95 under
//! 50 ms).
//!
//! - `waves/plan_run`: one wave planning run (the `PlanWaves` timer of a
//!   time strategy: sort what waits by urgency, plan the next wave of
//!   `max_wave_orders`, release it: allocation, pick trips routed, tasks).
//! - `waves/planner`: what a planner does through the API: a wave of 50
//!   orders created by hand, then released.
//!
//! After each measured step as many new orders come in as left the queue,
//! so every step sees 100 000 open orders.
//!
//! ```text
//! cargo bench --bench waves
//! ```
//! Criterion prints the mean; the bench also prints p50 and p95 of its own
//! samples.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use paklog_domain::{
    Command, DomainTimer, NewOrder, NewOrderLine, OrderId, Priority, Reply, Warehouse, WaveId,
};
use paklog_scenarios::build::site;
use paklog_sim::{RngStreams, SimDuration, SimTime};

const OPEN: u32 = 100_000;
const WAVE: u32 = 50;

/// The small site with stock for every order the bench makes, room on the
/// floor for every wave, and `OPEN` orders waiting.
struct Bench {
    wh: Warehouse,
    now: SimTime,
    next_order: u32,
    skus: u32,
}

impl Bench {
    fn new() -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small-dc.toml");
        let mut loaded = paklog_scenarios::load(&path).expect("the small-dc scenario");
        loaded.scenario.strategy.max_wave_orders = WAVE;
        let (mut config, master) = site(&loaded.scenario, &RngStreams::new(loaded.scenario.seed));
        config.pick_face_units = 50_000_000;
        config.wave.lines_per_head_hour = 1e12;
        let skus = loaded.scenario.sku_count();
        let mut b = Bench {
            wh: Warehouse::with_master(config, master).expect("the site"),
            now: SimTime::ZERO + SimDuration::from_hours(6),
            next_order: 0,
            skus,
        };
        b.receive(OPEN);
        b
    }

    /// `n` more orders of one to three lines.
    fn receive(&mut self, n: u32) {
        for _ in 0..n {
            let i = self.next_order;
            self.next_order += 1;
            let lines = (0..1 + i % 3)
                .map(|k| NewOrderLine {
                    sku: format!("SKU{:05}", (i * 7 + k * 131) % self.skus + 1),
                    quantity: 1 + k,
                })
                .collect();
            let order = NewOrder {
                external_id: format!("bench-{i}"),
                carrier: "UPS".into(),
                priority: Priority::Standard,
                lines,
            };
            self.now += SimDuration::from_millis(1);
            self.wh
                .execute(self.now, Command::ReceiveOrder(order))
                .expect("an order the site takes");
        }
    }

    fn step(&mut self, planner: bool) -> Duration {
        self.now += SimDuration::from_secs(1);
        let before = self.wh.waves().waiting.len();
        let t = Instant::now();
        if planner {
            let orders: Vec<OrderId> = self
                .wh
                .waves()
                .waiting
                .iter()
                .take(WAVE as usize)
                .copied()
                .collect();
            let Ok(Reply::WavePlanned { wave }) =
                self.wh.execute(self.now, Command::wave_of(orders))
            else {
                panic!("a wave of waiting orders")
            };
            let wave: WaveId = wave;
            self.wh
                .execute(self.now, Command::ReleaseWave { wave })
                .expect("a release");
        } else {
            self.wh.on_timer(self.now, DomainTimer::PlanWaves);
        }
        let took = t.elapsed();
        let left = before - self.wh.waves().waiting.len();
        assert!(left > 0, "a wave was planned");
        // Timers the run asked for are not the bench's business.
        let _ = self.wh.take_timers().count();
        self.receive(left as u32);
        took
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn waves(c: &mut Criterion) {
    let mut group = c.benchmark_group("waves");
    group.sample_size(20);
    for (name, planner) in [("plan_run", false), ("planner", true)] {
        let mut bench = Bench::new();
        let mut samples = Vec::new();
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let took = bench.step(planner);
                    samples.push(took);
                    total += took;
                }
                total
            });
        });
        samples.sort_unstable();
        println!(
            "waves/{name} with {OPEN} open orders, {} steps: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            samples.len(),
            percentile(&samples, 0.5).as_secs_f64() * 1e3,
            percentile(&samples, 0.95).as_secs_f64() * 1e3,
            percentile(&samples, 1.0).as_secs_f64() * 1e3,
        );
    }
    group.finish();
}

criterion_group!(benches, waves);
criterion_main!(benches);
