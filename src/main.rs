//! `paklog`: the command line of PakLog Twin.
//!
//! Run `paklog --help` for the list of commands.

use std::process::ExitCode;

use clap::Parser;

/// PakLog Twin: a discrete-event digital twin of a warehouse that is also a
/// working WMS/WES. The same planning and execution code simulates what-if
/// days on a virtual clock and runs a real warehouse on the wall clock.
#[derive(Debug, Parser)]
#[command(name = "paklog", version, about, long_about = None)]
struct Cli {}

fn main() -> ExitCode {
    let _cli = Cli::parse();
    ExitCode::SUCCESS
}
