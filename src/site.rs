//! `paklog site`: a scenario's site as files.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

/// What to do with a site.
#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Write a scenario's site (locations, items, stock) as CSV files, with
    /// a scenario.toml that runs the same day from them.
    Export {
        /// The scenario.
        scenario: PathBuf,
        /// The folder to write into (made if missing).
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(command: &SiteCommand) -> ExitCode {
    match command {
        SiteCommand::Export { scenario, out } => {
            let loaded = match crate::load_scenario(scenario) {
                Ok(l) => l,
                Err(code) => return code,
            };
            match paklog_scenarios::site_files::export(&loaded, out) {
                Ok(files) => {
                    for f in files {
                        println!("wrote {}", f.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
