//! `paklog`: the command line of PakLog Twin.
//!
//! Run `paklog --help` for the list of commands.

mod calibrate;
mod compare;
mod floor;
mod replay;
mod route;
mod run;
mod serve;
mod site;
mod slot;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// PakLog Twin: a discrete-event digital twin of a warehouse that is also a
/// working WMS/WES. The same planning and execution code simulates what-if
/// days on a virtual clock and runs a real warehouse on the wall clock.
#[derive(Debug, Parser)]
#[command(name = "paklog", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Simulate a scenario and write its Parquet reports.
    Run(run::RunArgs),
    /// Compare variants of a scenario over replications (common random
    /// numbers), with confidence intervals and an HTML report.
    Compare(compare::CompareArgs),
    /// Run the site live on the wall clock behind the HTTP API.
    Serve(serve::ServeArgs),
    /// Turn a live command store into the Parquet reports of a run.
    Replay(replay::ReplayArgs),
    /// Check scenario files without running them.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of scenario files (for editors).
    Schema,
    /// Work with a scenario's site as files: `paklog site export`.
    #[command(subcommand)]
    Site(site::SiteCommand),
    /// Fit walking speed, pick and pack times and demand to a day's
    /// reports or a live store, into a scenario.
    Calibrate(calibrate::CalibrateArgs),
    /// Propose a re-slotting by velocity (fast movers nearest the depot, in
    /// the golden zone) and simulate before and after.
    Slot(slot::SlotArgs),
    /// Route pick lists from a CSV with a routing policy.
    Route(route::RouteArgs),
    /// Print the heuristic-vs-optimal route length gap by pick-list size.
    RouteGap(route::GapArgs),
}

/// Loads a scenario, or prints every problem in it and gives the exit code
/// for bad input.
fn load_scenario(path: &std::path::Path) -> Result<paklog_scenarios::LoadedScenario, ExitCode> {
    paklog_scenarios::load(path).map_err(|errors| {
        eprintln!("{errors}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Commands::Run(args) => run::run(&args),
        Commands::Compare(args) => compare::run(&args),
        Commands::Serve(args) => serve::run(&args),
        Commands::Replay(args) => replay::run(&args),
        Commands::Route(args) => route::run(&args),
        Commands::Site(command) => site::run(&command),
        Commands::Slot(args) => slot::run(&args),
        Commands::Calibrate(args) => calibrate::run(&args),
        Commands::RouteGap(args) => route::gap(&args),
        Commands::Validate { files } => {
            let mut failed = false;
            for file in files {
                match paklog_scenarios::load(&file) {
                    Ok(_) => println!("{}: ok", file.display()),
                    Err(errors) => {
                        eprintln!("{errors}");
                        failed = true;
                    }
                }
            }
            if failed {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Commands::Schema => {
            let schema = schemars::schema_for!(paklog_scenarios::Scenario);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).expect("a schema is JSON")
            );
            ExitCode::SUCCESS
        }
    }
}
