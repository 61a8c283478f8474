//! `paklog calibrate SOURCE --out fitted.toml`: fit a scenario's walking
//! speed, pick and pack times and demand to what a day recorded — a run's
//! reports, or a live store (replayed into reports first).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use paklog_scenarios::calibrate::{calibrate, fitted_scenario, report};

/// Arguments of `paklog calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// A run's report folder, or a live command store (`sqlite:FILE` or
    /// `postgres://…`, the service stopped), which is replayed into
    /// reports first.
    source: String,
    /// The scenario the fitted values go into [default: for a store, the
    /// site file it recorded; a report folder needs one].
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// The fitted scenario to write.
    #[arg(long)]
    out: PathBuf,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

pub fn run(args: &CalibrateArgs) -> ExitCode {
    let is_dir = Path::new(&args.source).is_dir();
    let base = match &args.scenario {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => return fail(format!("--scenario {}: {e}", path.display())),
        },
        None if is_dir => {
            return fail(format!(
                "{}: a report folder does not hold its scenario: pass --scenario FILE",
                args.source
            ));
        }
        None => match paklog_adapters::store::open(&args.source).and_then(|mut s| s.site()) {
            Ok(Some(text)) => text,
            Ok(None) => {
                return fail(format!(
                    "{}: no site file recorded in the store: pass --scenario FILE",
                    args.source
                ));
            }
            Err(e) => return fail(e),
        },
    };
    let replayed = (!is_dir)
        .then(|| std::env::temp_dir().join(format!("paklog-calibrate-{}", std::process::id())));
    let dir = match &replayed {
        None => PathBuf::from(&args.source),
        Some(tmp) => {
            let code = crate::replay::run(&crate::replay::ReplayArgs {
                store: args.source.clone(),
                out: tmp.clone(),
                // The site the store ran, not the one being fitted.
                site: None,
            });
            if code != ExitCode::SUCCESS {
                return code;
            }
            tmp.clone()
        }
    };
    let fitted = calibrate(&dir);
    if let Some(tmp) = &replayed {
        let _ = std::fs::remove_dir_all(tmp);
    }
    let fitted = match fitted {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    // The base's relative paths, from the folder the fitted file goes to.
    let from = args
        .scenario
        .as_deref()
        .and_then(Path::parent)
        .map(|p| std::path::absolute(p).unwrap_or(p.to_owned()));
    let to = args
        .out
        .parent()
        .map(|p| std::path::absolute(p).unwrap_or(p.to_owned()));
    let rebase = |path: &str| match (&from, &to) {
        (Some(from), Some(to)) if from != to && Path::new(path).is_relative() => {
            from.join(path).display().to_string()
        }
        _ => path.to_owned(),
    };
    let text = match fitted_scenario(&base, &fitted, &args.source, &rebase) {
        Ok(t) => t,
        Err(e) => return fail(format!("the scenario: {e}")),
    };
    if let Err(e) = std::fs::write(&args.out, &text) {
        return fail(format!("{}: {e}", args.out.display()));
    }
    print!("{}", report(&fitted));
    println!("\nwrote {}", args.out.display());
    // The fitted scenario must load.
    if let Err(errors) = paklog_scenarios::load(&args.out) {
        eprintln!("{errors}");
        eprintln!("the fitted scenario does not load as written");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
