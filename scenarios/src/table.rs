//! Tables a user hands in as CSV or Parquet (order traces, a site's
//! locations, items and stock): rows as text, each with its line, and the
//! problems of a file named by file, line, column and field.

use std::path::{Path, PathBuf};

use csv::StringRecord;

use crate::error::ScenarioError;

/// Problems reported per file before the rest are only counted.
pub const MAX_PROBLEMS_PER_FILE: usize = 100;

/// A table read from a file: its header and its rows as text.
#[derive(Debug)]
pub struct Table {
    /// The file.
    pub path: PathBuf,
    /// Column names.
    pub headers: Vec<String>,
    /// Each row with its line (CSV, counting the header) or row (Parquet,
    /// from 1) number, or why it could not be read.
    pub rows: Rows,
}

/// Rows of a table: each with its line, or why it could not be read.
pub type Rows = Vec<(usize, Result<StringRecord, String>)>;

/// A problem that has been reported (to [`Problems`]), so the row it is in
/// goes no further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported;

impl Table {
    /// Reads a CSV file, or a Parquet file when its extension says so.
    ///
    /// # Errors
    /// The file cannot be read or parsed, as a message.
    pub fn read(path: &Path) -> Result<Table, String> {
        let parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        let (headers, rows) = if parquet {
            parquet_rows(path)?
        } else {
            csv_rows(path)?
        };
        Ok(Table {
            path: path.to_owned(),
            headers,
            rows,
        })
    }

    /// The index of column `name`.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

fn csv_rows(path: &Path) -> Result<(Vec<String>, Rows), String> {
    // Cells are trimmed when read (`Row::text`), not copied trimmed here.
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_path(path)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("bad header: {e}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            let line = r
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map_or(i + 2, |p| p.line() as usize);
            (line, r.map_err(|e| e.to_string()))
        })
        .collect();
    Ok((headers, rows))
}

fn parquet_rows(path: &Path) -> Result<(Vec<String>, Rows), String> {
    use arrow::array::{Array, AsArray, RecordBatchReader};
    use arrow::datatypes::DataType;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(ParquetRecordBatchReaderBuilder::build)
        .map_err(|e| format!("not a readable Parquet file: {e}"))?;
    let headers: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let columns: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| {
                arrow::compute::cast(c, &DataType::Utf8)
                    .map_err(|e| format!("a column cannot be read as text: {e}"))
            })
            .collect::<Result<_, _>>()?;
        for i in 0..batch.num_rows() {
            let mut record = StringRecord::with_capacity(64, columns.len());
            for c in &columns {
                let c = c.as_string::<i32>();
                record.push_field(if c.is_null(i) { "" } else { c.value(i) });
            }
            rows.push((rows.len() + 1, Ok(record)));
        }
    }
    Ok((headers, rows))
}

/// The problems found in one file, up to [`MAX_PROBLEMS_PER_FILE`]; the
/// rest are counted.
#[derive(Debug)]
pub struct Problems {
    file: PathBuf,
    found: Vec<ScenarioError>,
    more: usize,
}

impl Problems {
    /// No problems yet in `file`.
    #[must_use]
    pub fn new(file: &Path) -> Self {
        Problems {
            file: file.to_owned(),
            found: Vec::new(),
            more: 0,
        }
    }

    /// A problem at `line`, in column `column` (0-based index; `None` for
    /// the row as a whole) named `field`.
    pub fn add(&mut self, line: usize, column: Option<usize>, field: &str, message: String) {
        if self.found.len() == MAX_PROBLEMS_PER_FILE {
            self.more += 1;
            return;
        }
        self.found.push(ScenarioError {
            file: self.file.clone(),
            line,
            column: column.map_or(0, |c| c + 1),
            path: field.to_owned(),
            message,
        });
    }

    /// Whether nothing is wrong.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// Every problem, the count of those left out last.
    #[must_use]
    pub fn into_errors(mut self) -> Vec<ScenarioError> {
        if self.more > 0 {
            self.found.push(ScenarioError {
                file: self.file.clone(),
                line: 0,
                column: 0,
                path: String::new(),
                message: format!(
                    "and {} more problems in this file (the first {MAX_PROBLEMS_PER_FILE} are listed)",
                    self.more
                ),
            });
        }
        self.found
    }
}

/// One row's cells by column name, parsed into types with a problem
/// reported for each cell that does not parse.
pub struct Row<'a> {
    /// Its line.
    pub line: usize,
    record: &'a StringRecord,
    columns: &'a Columns,
}

/// Where each named column is in a table.
#[derive(Debug)]
pub struct Columns {
    names: Vec<(&'static str, Option<usize>)>,
}

impl Columns {
    /// Finds `required` and `optional` columns in `table`'s header; a
    /// missing required one is a problem on line 1. `None` if any is
    /// missing.
    #[must_use]
    pub fn find(
        table: &Table,
        required: &[&'static str],
        optional: &[&'static str],
        problems: &mut Problems,
    ) -> Option<Columns> {
        let mut names = Vec::new();
        let mut complete = true;
        for &name in required {
            let c = table.column(name);
            if c.is_none() {
                problems.add(1, None, name, format!("the header has no `{name}` column"));
                complete = false;
            }
            names.push((name, c));
        }
        for &name in optional {
            names.push((name, table.column(name)));
        }
        complete.then_some(Columns { names })
    }

    /// The rows of `table` that could be read, each with these columns;
    /// each row that could not is a problem.
    #[must_use]
    pub fn rows<'a>(&'a self, table: &'a Table, problems: &mut Problems) -> Vec<Row<'a>> {
        let mut rows = Vec::with_capacity(table.rows.len());
        for (line, record) in &table.rows {
            match record {
                Ok(r) => rows.push(self.row(*line, r)),
                Err(e) => problems.add(*line, None, "", format!("unreadable row: {e}")),
            }
        }
        rows
    }

    /// A row of the table with these columns.
    #[must_use]
    pub fn row<'a>(&'a self, line: usize, record: &'a StringRecord) -> Row<'a> {
        Row {
            line,
            record,
            columns: self,
        }
    }

    fn index(&self, name: &str) -> Option<usize> {
        // Callers name columns by the same literals the lists hold, so the
        // address usually says it before the bytes have to.
        let same = |n: &str| std::ptr::eq(n, name) || n == name;
        self.names
            .iter()
            .find(|(n, _)| same(n))
            .and_then(|(_, c)| *c)
    }
}

impl Row<'_> {
    /// The text of column `name`, trimmed (empty when the column is
    /// absent).
    #[must_use]
    pub fn text(&self, name: &str) -> &str {
        self.columns
            .index(name)
            .and_then(|c| self.record.get(c))
            .map_or("", str::trim)
    }

    /// The 0-based index of column `name`, for problems.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.index(name)
    }

    /// Reports a problem with column `name` of this row.
    pub fn fail(&self, problems: &mut Problems, name: &str, message: String) {
        problems.add(self.line, self.column(name), name, message);
    }

    /// A cell parsed by `parse`, which says what it expected; `None` (and a
    /// problem) when it does not parse. An empty cell is `Ok(None)`.
    pub fn parse<T>(
        &self,
        problems: &mut Problems,
        name: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, Reported> {
        let text = self.text(name);
        if text.is_empty() {
            return Ok(None);
        }
        match parse(text) {
            Some(v) => Ok(Some(v)),
            None => {
                self.fail(
                    problems,
                    name,
                    format!("expected {expected}, got \"{text}\""),
                );
                Err(Reported)
            }
        }
    }

    /// A required cell: an empty one is a problem too.
    pub fn need<T>(
        &self,
        problems: &mut Problems,
        name: &str,
        expected: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, Reported> {
        match self.parse(problems, name, expected, parse)? {
            Some(v) => Ok(v),
            None => {
                self.fail(problems, name, format!("expected {expected}, got nothing"));
                Err(Reported)
            }
        }
    }
}

/// A whole number ≥ `min`.
pub fn whole(min: u32) -> impl Fn(&str) -> Option<u32> {
    move |t| t.parse::<u32>().ok().filter(|v| *v >= min)
}

/// A finite number ≥ 0.
pub fn non_negative(t: &str) -> Option<f64> {
    t.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

/// A finite number.
pub fn finite(t: &str) -> Option<f64> {
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A finite number > 0.
pub fn positive(t: &str) -> Option<f64> {
    t.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0)
}

/// `true`/`false` (also `yes`/`no`, `y`/`n`, `1`/`0`), any case.
pub fn flag(t: &str) -> Option<bool> {
    match t.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// A list separated by `;` or `|`, each item trimmed, empty items dropped.
#[must_use]
pub fn list(t: &str) -> Vec<String> {
    t.split([';', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
