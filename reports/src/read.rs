//! Reading reports back: what commands need from a run's Parquet files.

use std::collections::HashMap;
use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float64Type, UInt32Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// A pick trip as `picks.parquet` records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    /// Its task.
    pub task_id: u32,
    /// Its confirmed stops in confirmation order: (aisle numbered from 1
    /// block by block, metres from the aisle's front end in its block).
    pub stops: Vec<(u32, f64)>,
    /// Routing policy of the task.
    pub policy: String,
    /// Route length the task planned (m).
    pub distance_m: f64,
}

/// The trips of a run's `picks.parquet`, by task, in the order their tasks
/// first appear.
///
/// # Errors
/// A message naming what is wrong: the file cannot be read, is not Parquet,
/// or lacks a column of `picks.parquet`.
pub fn trips(path: &Path) -> Result<Vec<Trip>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(ParquetRecordBatchReaderBuilder::build)
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let mut trips: Vec<Trip> = Vec::new();
    let mut index: HashMap<u32, usize> = HashMap::new();
    for batch in reader {
        let batch = batch.map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let column = |name: &str, to: &DataType| {
            let c = batch
                .column_by_name(name)
                .ok_or_else(|| format!("no `{name}` column: is this a run's picks.parquet?"))?;
            if c.null_count() > 0 {
                return Err(format!("column `{name}` has nulls"));
            }
            arrow::compute::cast(c, to).map_err(|e| format!("column `{name}`: {e}"))
        };
        let task = column("task_id", &DataType::UInt32)?;
        let aisle = column("aisle", &DataType::UInt32)?;
        let position = column("position_m", &DataType::Float64)?;
        let policy = column("policy", &DataType::Utf8)?;
        let planned = column("trip_distance_m", &DataType::Float64)?;
        let (task, aisle, position) = (
            task.as_primitive::<UInt32Type>(),
            aisle.as_primitive::<UInt32Type>(),
            position.as_primitive::<Float64Type>(),
        );
        let (policy, planned) = (
            policy.as_string::<i32>(),
            planned.as_primitive::<Float64Type>(),
        );
        for i in 0..batch.num_rows() {
            let at = *index.entry(task.value(i)).or_insert_with(|| {
                trips.push(Trip {
                    task_id: task.value(i),
                    stops: Vec::new(),
                    policy: policy.value(i).to_owned(),
                    distance_m: planned.value(i),
                });
                trips.len() - 1
            });
            trips[at].stops.push((aisle.value(i), position.value(i)));
        }
    }
    Ok(trips)
}
