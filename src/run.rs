//! `paklog run`: simulate a scenario, write its reports, print its KPIs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use paklog_domain::Warehouse;
use paklog_domain::material_handling::SegmentKind;
use paklog_reports::{AssociateFacts, RunMeta, Summary, write_run};
use paklog_scenarios::ScenarioRun;
use paklog_scenarios::world::Walker;
use paklog_sim::{SimDuration, SimTime};

/// Arguments of `paklog run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario file.
    scenario: PathBuf,
    /// Folder for the reports [default: out/NAME-seedSEED].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Seed of the run, instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: &RunArgs) -> ExitCode {
    let loaded = match crate::load_scenario(&args.scenario) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let seed = args.seed.unwrap_or(loaded.scenario.seed);
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("out").join(format!("{}-seed{seed}", loaded.scenario.name))
    });
    let started = Instant::now();
    let mut sim = ScenarioRun::new(&loaded, Some(seed));
    let horizon_ms = sim.horizon.as_millis();
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(horizon_ms), ProgressDrawTarget::stderr_with_hz(10))
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:40}] {msg} ETA {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let summary = sim.run(|p| {
        bar.set_position(p.now.as_millis().min(horizon_ms));
        bar.set_prefix(p.now.to_string());
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!(
            "{:.1} M events/s",
            p.events_run as f64 / secs / 1e6
        ));
    });
    bar.finish_and_clear();
    let simulated_in = started.elapsed();
    let (facts, meta) = report_inputs(&loaded, &sim, &summary, seed);
    let writing = Instant::now();
    match write_run(&out, sim.warehouse(), &facts, &meta) {
        Ok(kpis) => {
            let wh = sim.warehouse();
            print_kpis(&kpis, (wh, sim.horizon), simulated_in, writing.elapsed());
            println!("reports: {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the run's KPIs, with a line on the conveyor of the site `wh` as
/// it was at `end` if it has one.
pub fn print_kpis(
    k: &Summary,
    (wh, end): (&Warehouse, SimTime),
    simulation: Duration,
    reports: Duration,
) {
    let mut rows: Vec<(&str, String)> = vec![
        ("scenario", format!("{} (seed {})", k.scenario, k.seed)),
        ("simulated", format!("{:.1} h", k.simulated_h)),
        ("orders received", k.orders_received.to_string()),
        ("orders shipped", k.orders_shipped.to_string()),
        ("on time vs cut-off", format!("{:.1} %", k.on_time_pct)),
        (
            "order cycle time, mean",
            format!("{:.1} min", k.cycle_time_mean_min),
        ),
        (
            "order cycle time, p95",
            format!("{:.1} min", k.cycle_time_p95_min),
        ),
        (
            "lines per labour hour",
            format!("{:.1}", k.lines_per_labour_hour),
        ),
        (
            "units per labour hour",
            format!("{:.1}", k.units_per_labour_hour),
        ),
        ("travel", format!("{:.1} km", k.travel_km)),
        ("utilisation", format!("{:.1} %", k.utilisation_pct)),
        ("short picks", k.short_picks.to_string()),
        (
            "routing",
            format!(
                "{}; {:.1} % over a lower bound on the shortest trip ({} trips sampled)",
                k.routing, k.routing_gap_pct, k.routing_trips_sampled
            ),
        ),
        (
            "units ordered / shipped / short / open",
            format!(
                "{} / {} / {} / {}",
                k.units_ordered, k.units_shipped, k.units_short, k.units_open
            ),
        ),
    ];
    if let Some(c) = wh.conveyor() {
        // The segment that held up the flow longest, and the main line.
        let hours = |ms: u64| ms as f64 / 3_600_000.0;
        let full = c
            .segments
            .iter()
            .max_by_key(|s| (s.stats(end).full_ms, std::cmp::Reverse(s.id)));
        let main = c.segments.iter().find(|s| s.kind == SegmentKind::Main);
        if let (Some(full), Some(main)) = (full, main) {
            let m = main.stats(end);
            let used =
                m.tote_ms as f64 / (end.as_millis().max(1) as f64 * f64::from(main.spec.capacity));
            rows.push((
                "conveyor",
                format!(
                    "main line {:.1} % used, {:.1} h stopped; longest full: {} ({:.1} h)",
                    100.0 * used,
                    hours(m.stopped_ms),
                    full.code,
                    hours(full.stats(end).full_ms)
                ),
            ));
        }
    }
    rows.extend([
        ("events run", k.events_run.to_string()),
        (
            "wall time",
            format!(
                "{:.2} s simulation ({:.2} M events/s) + {:.2} s reports",
                simulation.as_secs_f64(),
                k.events_run as f64 / simulation.as_secs_f64().max(1e-9) / 1e6,
                reports.as_secs_f64()
            ),
        ),
    ]);
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in rows {
        println!("{key:<width$}  {value}");
    }
}

/// What the reports of a finished run need besides the domain: each
/// associate's walk and time on shift, and the run's identity.
pub fn report_inputs(
    loaded: &paklog_scenarios::LoadedScenario,
    sim: &ScenarioRun,
    summary: &paklog_sim::RunSummary,
    seed: u64,
) -> (Vec<AssociateFacts>, RunMeta) {
    let world = sim.virtual_world();
    let facts = world
        .on_shift_ms(summary.now)
        .into_iter()
        .zip(world.crew.ids())
        .map(|(on_shift_ms, a)| AssociateFacts {
            walked_m: world.crew.get::<Walker>(a).walked_m,
            on_shift_ms,
        })
        .collect();
    let meta = RunMeta {
        scenario: loaded.scenario.name.clone(),
        scenario_hash: loaded.hash().to_owned(),
        seed,
        end: summary.now,
        warm_up_end: SimTime::ZERO + SimDuration::from_secs_f64(loaded.scenario.warm_up_min * 60.0),
        events_run: summary.events_run,
    };
    (facts, meta)
}
