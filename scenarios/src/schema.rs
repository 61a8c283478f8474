//! The scenario file, field by field. `scenarios/README.md` documents the same
//! fields for people; `paklog schema` prints the JSON Schema derived from
//! these types for editors.
//!
//! Every table rejects unknown fields, so a typo is an error rather than a
//! silently ignored setting.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod associates;
mod demand;
mod disruptions;
mod operations;
mod site;
mod strategy;
mod values;

pub use associates::*;
pub use demand::*;
pub use disruptions::*;
pub use operations::*;
pub use site::*;
pub use strategy::*;
pub use values::*;

/// A whole scenario: one simulated stretch of a distribution centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name of the scenario, written into every report.
    pub name: String,
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Simulated hours from the start of day one (00:00).
    pub horizon_h: f64,
    /// The site's IANA time zone (`Europe/Berlin`): shifts, breaks and
    /// carrier cut-offs are its local wall times, across daylight-saving
    /// changes. Default `UTC` (live as in a run: `paklog serve` runs a
    /// site file without one on UTC).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The date of day one (`2026-03-28`). Default 1970-01-01 in a run;
    /// live, the day the site's store was created.
    #[serde(default)]
    pub start_date: Option<String>,
    /// Minutes at the start excluded from KPIs.
    #[serde(default)]
    pub warm_up_min: f64,
    /// The building (with `[site]`: its walking network only).
    pub layout: Layout,
    /// The site from files: locations, items and stock.
    #[serde(default)]
    pub site: Option<SiteFiles>,
    /// The assortment.
    pub skus: Skus,
    /// Stock at the start.
    pub inventory: Inventory,
    /// Where orders come from.
    pub demand: Demand,
    /// Who picks.
    pub associates: Associates,
    /// How work is planned and assigned.
    pub strategy: Strategy,
    /// Pack stations and cartons.
    pub packing: Packing,
    /// Things that go wrong during the run.
    #[serde(default)]
    pub disruptions: Vec<Disruption>,
    /// Workload planning: forecast, labour plan and the feedback loop.
    #[serde(default)]
    pub workload: Option<Workload>,
    /// Virtual RTLS: a tag on every associate.
    #[serde(default)]
    pub rtls: Option<Rtls>,
    /// Inbound receipts (supplier deliveries), put away by PUTAWAY tasks.
    #[serde(default)]
    pub inbound: Option<Inbound>,
    /// Conveyors from the pick zones to packing and from packing to the
    /// docks; without them pickers carry totes to the pack stations.
    #[serde(default)]
    pub conveyor: Option<Conveyor>,
    /// Live operation (`paklog serve`): who may use the API.
    #[serde(default)]
    pub live: Live,
}

impl Scenario {
    /// The content of the site's files, once `load` has read them.
    #[must_use]
    pub fn site_data(&self) -> Option<&crate::site_files::SiteData> {
        self.site.as_ref().and_then(|f| f.data.as_deref())
    }

    /// How many SKUs the site has: its item master's, or `skus.count`.
    #[must_use]
    pub fn sku_count(&self) -> u32 {
        self.site_data()
            .map_or(self.skus.count.unwrap_or(0), |d| d.items.len() as u32)
    }
}

/// Live operation (`paklog serve`); ignored by simulation runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Live {
    /// Bearer tokens: one per associate device, one per integration. With
    /// none, `paklog serve` refuses to start unless given `--open`.
    #[serde(default)]
    pub tokens: Vec<ApiToken>,
    /// The Kafka client of `paklog serve --kafka`.
    #[serde(default)]
    pub kafka: LiveKafka,
    /// How many of the latest events the service keeps in memory for
    /// subscribers that resume with `?from=SEQ` (at least 1 024). Older
    /// ones are forgotten once Kafka has them.
    #[serde(default = "default_retained_events")]
    pub retained_events: usize,
    /// How many hours orders, tasks and waves are kept in memory once
    /// finished (shipped or closed; completed or cancelled), at least 1.
    #[serde(default = "default_retained_finished_hours")]
    pub retained_finished_hours: u32,
}

fn default_retained_finished_hours() -> u32 {
    24
}

fn default_retained_events() -> usize {
    1 << 17
}

impl Default for Live {
    fn default() -> Self {
        Live {
            tokens: Vec::new(),
            kafka: LiveKafka::default(),
            retained_events: default_retained_events(),
            retained_finished_hours: default_retained_finished_hours(),
        }
    }
}

/// The Kafka client of `paklog serve --kafka`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LiveKafka {
    /// librdkafka properties set on every client, by name, for TLS and
    /// SASL: `"security.protocol" = "SASL_PLAINTEXT"`. A secret may come
    /// from the environment or a file instead of the site file:
    /// `"sasl.password" = { env = "KAFKA_PASSWORD" }` or
    /// `{ file = "kafka.password" }` (relative to the site file).
    #[serde(default)]
    pub properties: std::collections::BTreeMap<String, Property>,
}

/// A librdkafka property's value: written out, or read when `paklog
/// serve` starts from the environment or from a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum Property {
    /// The value itself.
    Text(String),
    /// The environment variable holding the value.
    Env {
        /// Its name.
        env: String,
    },
    /// A file holding the value (surrounding whitespace trimmed).
    File {
        /// Its path, relative to the site file.
        file: String,
    },
}

impl Property {
    /// The value: written out, or read from the environment or a file
    /// (relative to `dir`, the site file's folder).
    ///
    /// # Errors
    /// If the variable is not set or the file cannot be read: what and why.
    pub fn value(&self, dir: &std::path::Path) -> Result<String, String> {
        match self {
            Property::Text(v) => Ok(v.clone()),
            Property::Env { env } => secret_from_env(env).map_err(|e| format!("env {e}")),
            Property::File { file } => secret_from_file(dir, file).map_err(|e| format!("file {e}")),
        }
    }
}

/// A secret from the environment variable `var`, surrounding whitespace
/// trimmed; the error names the variable.
fn secret_from_env(var: &str) -> Result<String, String> {
    std::env::var(var)
        .map(|v| v.trim().to_owned())
        .map_err(|e| format!("`{var}`: {e}"))
}

/// A secret from `file` (relative to `dir`), surrounding whitespace
/// trimmed; the error names the path.
fn secret_from_file(dir: &std::path::Path, file: &str) -> Result<String, String> {
    let path = dir.join(file);
    std::fs::read_to_string(&path)
        .map(|v| v.trim().to_owned())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// A bearer token and who holds it: an associate's handheld (which may
/// only fetch and confirm its own tasks) or an integration (orders, waves,
/// RTLS pings, the events stream and every read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiToken {
    /// The secret sent as `Authorization: Bearer …`; at least 16
    /// characters. Or keep it out of the file with `token_env` or
    /// `token_file`: exactly one of the three.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The environment variable holding the secret, read when `paklog
    /// serve` starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// A file holding the secret (surrounding whitespace trimmed), read
    /// when `paklog serve` starts; relative to the site file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_file: Option<String>,
    /// The associate whose device holds it (their number in the roster,
    /// from 0, shift by shift).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associate: Option<u32>,
    /// The integration's name (`erp`, `rtls` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
}

impl ApiToken {
    /// The field the secret comes from: `token_env`, `token_file` or
    /// `token`.
    #[must_use]
    pub fn source(&self) -> &'static str {
        match (&self.token_env, &self.token_file) {
            (Some(_), _) => "token_env",
            (None, Some(_)) => "token_file",
            (None, None) => "token",
        }
    }

    /// The secret: written in the file, or read from the environment or
    /// from a file (relative to `dir`, the site file's folder). The error
    /// names the field (`token_env`, `token_file`) and what is wrong.
    ///
    /// # Errors
    /// If the variable is not set or the file cannot be read, or none of
    /// the three is given.
    pub fn secret(&self, dir: &std::path::Path) -> Result<String, (&'static str, String)> {
        match (&self.token, &self.token_env, &self.token_file) {
            (Some(token), None, None) => Ok(token.clone()),
            (None, Some(var), None) => secret_from_env(var).map_err(|e| ("token_env", e)),
            (None, None, Some(file)) => secret_from_file(dir, file).map_err(|e| ("token_file", e)),
            _ => Err((
                "token",
                "give exactly one of `token`, `token_env` or `token_file`".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_comes_from_the_file_the_environment_or_a_secret_file() {
        let dir = std::env::temp_dir().join(format!("paklog-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("erp.token"), "from-a-file-0123456789\n").unwrap();
        // A variable every process has (the test may not set one).
        let var = "PATH".to_owned();
        let path = std::env::var(&var).unwrap();
        let token = |token: Option<&str>, env: Option<&str>, file: Option<&str>| ApiToken {
            token: token.map(str::to_owned),
            token_env: env.map(str::to_owned),
            token_file: file.map(str::to_owned),
            associate: None,
            integration: Some("erp".into()),
        };
        let secret = |t: ApiToken| t.secret(&dir);
        assert_eq!(
            secret(token(Some("inline-0123456789"), None, None)).unwrap(),
            "inline-0123456789"
        );
        assert_eq!(secret(token(None, Some(&var), None)).unwrap(), path.trim());
        assert_eq!(
            secret(token(None, None, Some("erp.token"))).unwrap(),
            "from-a-file-0123456789"
        );
        let (field, why) = secret(token(None, Some("PAKLOG_TEST_NOT_SET_X"), None)).unwrap_err();
        assert_eq!(field, "token_env");
        assert!(why.contains("PAKLOG_TEST_NOT_SET_X"), "{why}");
        let (field, why) = secret(token(None, None, Some("missing.token"))).unwrap_err();
        assert_eq!(field, "token_file");
        assert!(why.contains("missing.token"), "{why}");
        assert_eq!(
            secret(token(Some("a"), Some(&var), None)).unwrap_err().0,
            "token"
        );
        assert_eq!(secret(token(None, None, None)).unwrap_err().0, "token");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn clock_times_parse_and_print() {
        assert_eq!(ClockTime::parse("06:30"), Ok(ClockTime(390)));
        assert_eq!(ClockTime::parse("6:05"), Ok(ClockTime(365)));
        assert_eq!(ClockTime(1020).to_string(), "17:00");
        for bad in ["24:00", "12:60", "1230", "ab:cd", "", "12:5"] {
            assert!(ClockTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_kafka_property_is_written_out_or_read_from_the_environment_or_a_file() {
        let live: Live = toml::from_str(
            r#"
            [kafka.properties]
            "sasl.mechanism" = "PLAIN"
            "sasl.username" = { env = "PATH" }
            "sasl.password" = { file = "kafka.password" }
            "#,
        )
        .unwrap();
        let dir = std::env::temp_dir().join(format!("paklog-kafka-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("kafka.password"), "from-a-file\n").unwrap();
        let value = |key: &str| live.kafka.properties[key].value(&dir);
        assert_eq!(value("sasl.mechanism").unwrap(), "PLAIN");
        assert_eq!(
            value("sasl.username").unwrap(),
            std::env::var("PATH").unwrap().trim()
        );
        assert_eq!(value("sasl.password").unwrap(), "from-a-file");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            value("sasl.password")
                .unwrap_err()
                .contains("kafka.password")
        );
        let both: Result<Live, _> =
            toml::from_str("[kafka.properties]\n\"x\" = { env = \"A\", file = \"B\" }\n");
        assert!(both.is_err(), "{both:?}");
    }
}
