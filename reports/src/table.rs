//! A column-at-a-time builder for one Parquet file, and the writer that puts
//! every report file in the same shape: ZSTD-compressed, with the run's
//! identity as key-value metadata.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, UInt32Array, UInt64Array,
};
use arrow::datatypes::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::ReportError;

/// Columns of one report table, added one by one.
#[derive(Default)]
pub struct Table {
    fields: Vec<Field>,
    columns: Vec<ArrayRef>,
}

impl Table {
    fn push(
        &mut self,
        name: &str,
        data_type: DataType,
        nullable: bool,
        column: ArrayRef,
    ) -> &mut Self {
        self.fields.push(Field::new(name, data_type, nullable));
        self.columns.push(column);
        self
    }

    /// A non-null `Timestamp(ms, zone)` column: instants as Unix
    /// milliseconds, to be shown in `zone` (IANA).
    pub fn timestamp(
        &mut self,
        name: &str,
        zone: &str,
        values: impl IntoIterator<Item = i64>,
    ) -> &mut Self {
        let a = TimestampMillisecondArray::from_iter_values(values).with_timezone(zone);
        self.push(name, a.data_type().clone(), false, Arc::new(a))
    }

    /// A nullable `Timestamp(ms, zone)` column.
    pub fn opt_timestamp(
        &mut self,
        name: &str,
        zone: &str,
        values: impl IntoIterator<Item = Option<i64>>,
    ) -> &mut Self {
        let a: TimestampMillisecondArray = values.into_iter().collect();
        let a = a.with_timezone(zone);
        self.push(name, a.data_type().clone(), true, Arc::new(a))
    }

    /// A non-null `UInt64` column.
    pub fn u64(&mut self, name: &str, values: impl IntoIterator<Item = u64>) -> &mut Self {
        let a: UInt64Array = values.into_iter().collect();
        self.push(name, DataType::UInt64, false, Arc::new(a))
    }

    /// A nullable `UInt64` column.
    pub fn opt_u64(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = Option<u64>>,
    ) -> &mut Self {
        let a: UInt64Array = values.into_iter().collect();
        self.push(name, DataType::UInt64, true, Arc::new(a))
    }

    /// A non-null `Int64` column.
    pub fn i64(&mut self, name: &str, values: impl IntoIterator<Item = i64>) -> &mut Self {
        let a: Int64Array = values.into_iter().collect();
        self.push(name, DataType::Int64, false, Arc::new(a))
    }

    /// A non-null `UInt32` column.
    pub fn u32(&mut self, name: &str, values: impl IntoIterator<Item = u32>) -> &mut Self {
        let a: UInt32Array = values.into_iter().collect();
        self.push(name, DataType::UInt32, false, Arc::new(a))
    }

    /// A nullable `UInt32` column.
    pub fn opt_u32(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = Option<u32>>,
    ) -> &mut Self {
        let a: UInt32Array = values.into_iter().collect();
        self.push(name, DataType::UInt32, true, Arc::new(a))
    }

    /// A non-null `Float64` column.
    pub fn f64(&mut self, name: &str, values: impl IntoIterator<Item = f64>) -> &mut Self {
        let a: Float64Array = values.into_iter().collect();
        self.push(name, DataType::Float64, false, Arc::new(a))
    }

    /// A nullable `Float64` column.
    pub fn opt_f64(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = Option<f64>>,
    ) -> &mut Self {
        let a: Float64Array = values.into_iter().collect();
        self.push(name, DataType::Float64, true, Arc::new(a))
    }

    /// A non-null `Utf8` column.
    pub fn str<S: AsRef<str>>(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        let a: StringArray = values
            .into_iter()
            .map(|s| Some(s.as_ref().to_owned()))
            .collect();
        self.push(name, DataType::Utf8, false, Arc::new(a))
    }

    /// A nullable `Utf8` column.
    pub fn opt_str<S: AsRef<str>>(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = Option<S>>,
    ) -> &mut Self {
        let a: StringArray = values
            .into_iter()
            .map(|s| s.map(|s| s.as_ref().to_owned()))
            .collect();
        self.push(name, DataType::Utf8, true, Arc::new(a))
    }

    /// A non-null `Boolean` column.
    pub fn bool(&mut self, name: &str, values: impl IntoIterator<Item = bool>) -> &mut Self {
        let a: BooleanArray = values.into_iter().map(Some).collect();
        self.push(name, DataType::Boolean, false, Arc::new(a))
    }

    /// A nullable `Boolean` column.
    pub fn opt_bool(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = Option<bool>>,
    ) -> &mut Self {
        let a: BooleanArray = values.into_iter().collect();
        self.push(name, DataType::Boolean, true, Arc::new(a))
    }

    /// Writes the table to `path` as one ZSTD-compressed row group, with
    /// `metadata` as the file's key-value metadata.
    ///
    /// # Errors
    /// If the file cannot be written.
    pub fn write(self, path: &Path, metadata: &[(String, String)]) -> Result<(), ReportError> {
        let schema = Arc::new(Schema::new(self.fields));
        let batch = RecordBatch::try_new(schema.clone(), self.columns)
            .map_err(|e| ReportError::Arrow(path.to_owned(), e.to_string()))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(3).expect("valid level"),
            ))
            .set_key_value_metadata(Some(
                metadata
                    .iter()
                    .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
                    .collect(),
            ))
            .build();
        let file = File::create(path).map_err(|e| ReportError::Io(path.to_owned(), e))?;
        let mut writer = ArrowWriter::try_new(file, schema, Some(props))
            .map_err(|e| ReportError::Arrow(path.to_owned(), e.to_string()))?;
        writer
            .write(&batch)
            .map_err(|e| ReportError::Arrow(path.to_owned(), e.to_string()))?;
        writer
            .close()
            .map_err(|e| ReportError::Arrow(path.to_owned(), e.to_string()))?;
        Ok(())
    }
}
