//! `paklog replay STORE --out DIR`: a live store turned into the same
//! Parquet reports as a simulated run — the analysts' view of a real day.
//!
//! The site is rebuilt exactly as a restart rebuilds it (every stored
//! command at its place among the domain's timers), up to the last stored
//! command. Walking is the planned route length of each associate's
//! finished tasks; time on shift runs from each sign-on to its sign-off
//! (or the end).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use paklog_adapters::live::{rebuild, site_clock};
use paklog_adapters::store;
use paklog_domain::task_execution::TaskStatus;
use paklog_domain::{DomainEvent, Warehouse};
use paklog_reports::{AssociateFacts, RunMeta, write_run};
use paklog_scenarios::build::site_config;
use paklog_sim::{RngStreams, SimTime};

/// Arguments of `paklog replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// The command store: `sqlite:FILE` or `postgres://…` (the service must
    /// be stopped: a store is held by one process at a time).
    pub(crate) store: String,
    /// Folder for the reports.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// The site file, instead of the one recorded in the store.
    #[arg(long)]
    pub(crate) site: Option<PathBuf>,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

pub fn run(args: &ReplayArgs) -> ExitCode {
    let started = Instant::now();
    let mut store = match store::open(&args.store) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let (file, text) = match &args.site {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => (path.clone(), t),
            Err(e) => return fail(format!("--site {}: {e}", path.display())),
        },
        None => match store.site() {
            Ok(Some(t)) => (PathBuf::from(format!("{}#site", args.store)), t),
            Ok(None) => {
                return fail(format!(
                    "{}: no site file recorded in the store: pass --site FILE",
                    args.store
                ));
            }
            Err(e) => return fail(e),
        },
    };
    let loaded = match paklog_scenarios::load::load_text(&file, &text) {
        Ok(l) => l,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::from(2);
        }
    };
    let history = match store.history() {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    let seed = loaded.scenario.seed;
    let mut config = site_config(&loaded.scenario, &RngStreams::new(seed));
    // The calendar the store was started on, if it recorded one (replay
    // writes nothing).
    let recorded = match store.meta("started_ms") {
        Ok(r) => r.is_some(),
        Err(e) => return fail(e),
    };
    let site_started = if recorded {
        match site_clock(&mut config, Some(&mut *store), !history.is_empty(), 0) {
            Ok(t) => t,
            Err(e) => return fail(e),
        }
    } else {
        SimTime::ZERO
    };
    let reached = match paklog_adapters::live::reached(&mut *store) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    drop(store);
    let rebuilt = match rebuild(config, site_started, history, reached) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let facts = associate_facts(&rebuilt.warehouse, rebuilt.end);
    let meta = RunMeta {
        scenario: loaded.scenario.name.clone(),
        scenario_hash: loaded.hash().to_owned(),
        seed,
        end: rebuilt.end,
        warm_up_end: SimTime::ZERO,
        events_run: rebuilt.events_run,
    };
    let replayed_in = started.elapsed();
    let writing = Instant::now();
    match write_run(&args.out, &rebuilt.warehouse, &facts, &meta) {
        Ok(kpis) => {
            println!("replayed {} stored commands", rebuilt.replayed);
            let at_end = (&rebuilt.warehouse, rebuilt.end);
            crate::run::print_kpis(&kpis, at_end, replayed_in, writing.elapsed());
            println!("reports: {}", args.out.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// Each associate's walk (planned route of their finished tasks) and time
/// signed on, up to `end`.
fn associate_facts(wh: &Warehouse, end: SimTime) -> Vec<AssociateFacts> {
    let n = wh.tasks().associates.len();
    let mut facts: Vec<AssociateFacts> = (0..n)
        .map(|_| AssociateFacts {
            walked_m: 0.0,
            on_shift_ms: 0,
        })
        .collect();
    for t in wh.tasks().all() {
        if let (TaskStatus::Completed, Some(a)) = (t.status, t.associate)
            && let Some(f) = facts.get_mut(a.index())
        {
            f.walked_m += t.distance_m;
        }
    }
    let mut since: Vec<Option<SimTime>> = vec![None; n];
    for r in wh.bus().log() {
        match r.event {
            DomainEvent::AssociateSignedOn { associate } => {
                if let Some(s) = since.get_mut(associate.index()) {
                    *s = Some(r.at);
                }
            }
            DomainEvent::AssociateSignedOff { associate } => {
                if let (Some(s), Some(f)) = (
                    since.get_mut(associate.index()),
                    facts.get_mut(associate.index()),
                ) && let Some(on) = s.take()
                {
                    f.on_shift_ms += r.at.saturating_since(on).as_millis();
                }
            }
            _ => {}
        }
    }
    for (s, f) in since.iter().zip(&mut facts) {
        if let Some(on) = s {
            f.on_shift_ms += end.saturating_since(*on).as_millis();
        }
    }
    facts
}
