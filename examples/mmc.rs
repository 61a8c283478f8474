//! An M/M/c queue on the PakLog kernel, to check it against queueing theory.
//!
//! Customers arrive as a Poisson stream (`--arrival-rate`, per second), wait
//! in one FIFO queue for the first of `--servers` servers, and are served for
//! an exponential time (`--service-rate`, per server and second). The first
//! 10 % of customers warm the system up and are not measured. The program
//! prints one JSON line with the mean wait in queue beside the Erlang C value.
//!
//! ```text
//! cargo run --release --example mmc -- --arrival-rate 0.9 --service-rate 1 --servers 1 --customers 1000000 --seed 1
//! ```

use std::collections::VecDeque;
use std::process::ExitCode;

use clap::Parser;
use paklog_sim::{RngStreams, SimDuration, SimTime, Simulation, StreamRng, VirtualClock, World};
use rand_distr::{Distribution, Exp};

/// Command line of the example.
#[derive(Debug, Parser)]
#[command(
    about = "Runs an M/M/c queue on the PakLog kernel and prints its mean wait in queue as JSON"
)]
struct Args {
    /// Arrivals per second (λ).
    #[arg(long)]
    arrival_rate: f64,
    /// Services per second per server (μ).
    #[arg(long)]
    service_rate: f64,
    /// Number of servers (c).
    #[arg(long)]
    servers: u32,
    /// Customers to simulate; the first 10 % are warm-up.
    #[arg(long)]
    customers: u64,
    /// Seed of the random streams.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, Clone, Copy)]
enum Ev {
    Arrival,
    Departure,
}

/// The whole state of the model. It is small and private to one handler, so
/// the handler owns it; models with many kinds of state (the warehouse) keep
/// them in the ECS world instead.
struct Queue {
    interarrival: Exp<f64>,
    service: Exp<f64>,
    arrivals: StreamRng,
    services: StreamRng,
    servers: u32,
    busy: u32,
    waiting: VecDeque<(u64, SimTime)>,
    arrived: u64,
    customers: u64,
    warm_up: u64,
    measured: u64,
    total_wait: SimDuration,
}

impl Queue {
    fn interarrival_time(&mut self) -> SimDuration {
        SimDuration::from_secs_f64(self.interarrival.sample(&mut self.arrivals))
    }

    fn service_time(&mut self) -> SimDuration {
        SimDuration::from_secs_f64(self.service.sample(&mut self.services))
    }

    fn record_wait(&mut self, customer: u64, wait: SimDuration) {
        if customer >= self.warm_up {
            self.measured += 1;
            self.total_wait = self.total_wait + wait;
        }
    }
}

/// P(wait > 0) and the mean wait in queue of an M/M/c queue (Erlang C).
fn erlang_c_mean_wait(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    // Σ_{k<c} a^k/k!, and a^c/c!, computed term by term.
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let tail = term / (1.0 - rho);
    let p_wait = tail / (sum + tail);
    p_wait / (f64::from(c) * mu - lambda)
}

fn check(args: &Args) -> Result<(), String> {
    let rate_ok = |r: f64| r.is_finite() && r > 0.0 && r <= 100.0;
    if !rate_ok(args.arrival_rate) {
        return Err(format!(
            "--arrival-rate must be above 0 and at most 100 per second (the kernel counts milliseconds), got {}",
            args.arrival_rate
        ));
    }
    if !rate_ok(args.service_rate) {
        return Err(format!(
            "--service-rate must be above 0 and at most 100 per second (the kernel counts milliseconds), got {}",
            args.service_rate
        ));
    }
    if args.servers == 0 {
        return Err("--servers must be at least 1".into());
    }
    if args.customers < 10 {
        return Err(format!(
            "--customers must be at least 10, got {}",
            args.customers
        ));
    }
    let rho = args.arrival_rate / (args.service_rate * f64::from(args.servers));
    if rho >= 1.0 {
        return Err(format!(
            "utilisation λ/(cμ) = {rho:.3} is not below 1: the queue grows without bound and has no steady-state wait"
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(message) = check(&args) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }

    let streams = RngStreams::new(args.seed);
    let mut q = Queue {
        interarrival: Exp::new(args.arrival_rate).expect("checked rate"),
        service: Exp::new(args.service_rate).expect("checked rate"),
        arrivals: streams.stream("arrivals"),
        services: streams.stream("services"),
        servers: args.servers,
        busy: 0,
        waiting: VecDeque::new(),
        arrived: 0,
        customers: args.customers,
        warm_up: args.customers / 10,
        measured: 0,
        total_wait: SimDuration::ZERO,
    };
    let mut sim = Simulation::new(World::new());
    sim.schedule_at(SimTime::ZERO, Ev::Arrival);

    let summary = sim.run(&mut VirtualClock, None, |_world, sched, ev| match ev {
        Ev::Arrival => {
            let customer = q.arrived;
            q.arrived += 1;
            if q.arrived < q.customers {
                let gap = q.interarrival_time();
                sched.schedule_in(gap, Ev::Arrival);
            }
            if q.busy < q.servers {
                q.busy += 1;
                q.record_wait(customer, SimDuration::ZERO);
                let service = q.service_time();
                sched.schedule_in(service, Ev::Departure);
            } else {
                q.waiting.push_back((customer, sched.now()));
            }
        }
        Ev::Departure => {
            if let Some((customer, since)) = q.waiting.pop_front() {
                q.record_wait(customer, sched.now() - since);
                let service = q.service_time();
                sched.schedule_in(service, Ev::Departure);
            } else {
                q.busy -= 1;
            }
        }
    });

    let mean_wait = q.total_wait.as_secs_f64() / q.measured as f64;
    let line = serde_json::json!({
        "mean_wait": mean_wait,
        "customers": args.customers,
        "measured": q.measured,
        "erlang_c_mean_wait": erlang_c_mean_wait(args.arrival_rate, args.service_rate, args.servers),
        "utilisation": args.arrival_rate / (args.service_rate * f64::from(args.servers)),
        "servers": args.servers,
        "seed": args.seed,
        "events": summary.events_run,
        "sim_secs": summary.now.as_secs_f64(),
        "wall_secs": summary.wall_secs,
    });
    println!("{line}");
    ExitCode::SUCCESS
}
