//! End-to-end tests: one binary, a module per topic. Each runs the programs
//! and examples the way a user does and checks what they print or write.

mod calibrate;
mod catalog;
mod compare;
mod delivery;
mod kernel;
mod run;
mod serve;
mod site;
#[path = "../../adapters/tests/support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

/// An example program built by `cargo test` alongside this binary.
pub fn example(name: &str) -> Command {
    let mut dir = std::env::current_exe().expect("test binary path");
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path: PathBuf = dir.join("examples").join(name);
    if !path.exists() {
        // `cargo test` builds the examples, `cargo test --test e2e` does not.
        let profile = if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        };
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--profile", profile, "--example", name])
            .status()
            .expect("run cargo");
        assert!(status.success(), "building example {name} failed");
    }
    Command::new(path)
}

/// Every row of a Parquet file as one batch.
pub fn read(path: &std::path::Path) -> arrow::array::RecordBatch {
    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap()
}

/// Runs `cmd`, failing the test with its stderr if it does not succeed.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?} failed with {}:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
