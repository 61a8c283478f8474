//! # paklog-reports: what a run leaves behind for analysts
//!
//! One folder per run with a Parquet file per subject (events, orders,
//! tasks, picks, waves, associates, KPI intervals), each ZSTD-compressed and
//! carrying the scenario name, its hash, the seed and the program version as
//! key-value metadata, plus `summary.json` with the run's KPIs. The columns
//! are documented for analysts in `reports/SCHEMA.md`.
//!
//! ```
//! use paklog_domain::{testing::tiny_site, Warehouse};
//! use paklog_reports::{RunMeta, write_run};
//! use paklog_sim::SimTime;
//!
//! let wh = Warehouse::new(tiny_site()).unwrap();
//! let dir = std::env::temp_dir().join(format!("paklog-doc-{}", std::process::id()));
//! let meta = RunMeta {
//!     scenario: "tiny".into(),
//!     scenario_hash: "0".into(),
//!     seed: 1,
//!     end: SimTime::from_millis(3_600_000),
//!     warm_up_end: SimTime::ZERO,
//!     events_run: 0,
//! };
//! let summary = write_run(&dir, &wh, &[], &meta).unwrap();
//! assert_eq!(summary.orders_received, 0);
//! assert!(dir.join("orders.parquet").exists());
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::path::PathBuf;

pub mod compare;
pub mod html;
pub mod read;
pub mod run;
pub mod table;

pub use run::{AssociateFacts, RunMeta, Summary, summarize, write_run};

/// A report could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The file or folder could not be created or written: check the path
    /// and the disk.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// Arrow or Parquet refused the data (a bug: please report it).
    #[error("{0}: {1}")]
    Arrow(PathBuf, String),
}
