//! Studies: named variants of a scenario, each a set of overrides of its
//! fields by path (`strategy.wave = "carrier"`), run over replications.
//!
//! A study comes from `--vary PATH=V1,V2` arguments (every combination of
//! the values becomes a variant) or from a study file:
//!
//! ```toml
//! scenario = "small-dc.toml"      # relative to the study file
//! replications = 10
//! baseline = "time"               # default: the first variant
//!
//! [[variant]]
//! name = "time"
//! set = { "strategy.wave" = "time" }
//!
//! [[variant]]
//! name = "carrier"
//! set = { "strategy.wave" = "carrier", "strategy.cutoff_lead_min" = 90 }
//! ```
//!
//! A path that names no field of the scenario schema is refused with the
//! fields that would fit; a value that does not fit the field is refused by
//! the scenario's own validation, naming the variant and the field.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::load::{LoadedScenario, ScenarioError, ScenarioErrors};

/// A variant: a name and the fields it sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Its name (a Hive partition value: no `/`, `=` or spaces).
    pub name: String,
    /// `(field path, value)` pairs, applied in order.
    pub set: Vec<(String, toml::Value)>,
}

/// A study: a scenario file, its variants and how many replications each.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The variants, baseline first.
    pub variants: Vec<Variant>,
    /// Replications per variant.
    pub replications: u32,
}

/// A study or override is not usable; the message names the argument, file
/// or path at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StudyError(pub String);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StudyFile {
    scenario: PathBuf,
    replications: Option<u32>,
    baseline: Option<String>,
    variant: Vec<VariantFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantFile {
    name: String,
    #[serde(default)]
    set: toml::Table,
}

/// Whether a TOML file is a study file (it has `[[variant]]` tables) rather
/// than a scenario.
#[must_use]
pub fn is_study(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("variant"))
}

/// Reads a study file. `replications` and `baseline`, when given, override
/// the file's.
///
/// # Errors
/// The file cannot be read or parsed, names a field that does not exist,
/// or lists variants badly (none, duplicate or unusable names, an unknown
/// baseline).
pub fn read_study(
    file: &Path,
    replications: Option<u32>,
    baseline: Option<&str>,
) -> Result<Study, StudyError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| StudyError(format!("{}: cannot read: {e}", file.display())))?;
    let parsed: StudyFile = toml::from_str(&text)
        .map_err(|e| StudyError(format!("{}: {}", file.display(), e.message())))?;
    let variants = parsed
        .variant
        .into_iter()
        .map(|v| Variant {
            name: v.name,
            set: v.set.into_iter().collect(),
        })
        .collect();
    let scenario = file
        .parent()
        .unwrap_or(Path::new("."))
        .join(parsed.scenario);
    study(
        scenario,
        variants,
        replications.or(parsed.replications).unwrap_or(10),
        baseline.or(parsed.baseline.as_deref()),
    )
}

/// A study of `scenario` over every combination of `--vary PATH=V1,V2,…`
/// arguments; a variant is named by its values joined with `+`.
///
/// # Errors
/// A malformed argument, a path that names no field, or no variant.
pub fn from_varies(
    scenario: PathBuf,
    varies: &[String],
    replications: u32,
    baseline: Option<&str>,
) -> Result<Study, StudyError> {
    let mut variants = vec![Variant {
        name: String::new(),
        set: Vec::new(),
    }];
    for arg in varies {
        let (path, values) = parse_vary(arg)?;
        let (path, values) = (&path, &values);
        variants = variants
            .into_iter()
            .flat_map(|v| {
                values.iter().map(move |(_, value)| {
                    let mut v = v.clone();
                    if !v.name.is_empty() {
                        v.name.push('+');
                    }
                    v.name.push_str(&partition_value(value));
                    v.set.push((path.clone(), value.clone()));
                    v
                })
            })
            .collect();
    }
    if varies.is_empty() {
        variants[0].name = "scenario".into();
    }
    study(scenario, variants, replications, baseline)
}

fn study(
    scenario: PathBuf,
    mut variants: Vec<Variant>,
    replications: u32,
    baseline: Option<&str>,
) -> Result<Study, StudyError> {
    if variants.is_empty() {
        return Err(StudyError("a study needs at least one variant".into()));
    }
    if replications == 0 {
        return Err(StudyError("replications: must be ≥ 1, got 0".into()));
    }
    for (i, v) in variants.iter().enumerate() {
        if v.name.is_empty()
            || v.name.len() > 100
            || v.name.contains(['/', '\\', '=', ' ', '\t', '\n'])
            || v.name.starts_with('.')
        {
            return Err(StudyError(format!(
                "variant[{i}].name: \"{}\" cannot name a folder `variant=NAME`: use 1–100 characters without /, \\, =, spaces or a leading dot",
                v.name
            )));
        }
        if variants[..i].iter().any(|o| o.name == v.name) {
            return Err(StudyError(format!(
                "variant[{i}].name: \"{}\" is used twice",
                v.name
            )));
        }
        for (path, _) in &v.set {
            check_path(path).map_err(|e| StudyError(format!("variant {}: {e}", v.name)))?;
        }
    }
    if let Some(b) = baseline {
        let Some(at) = variants.iter().position(|v| v.name == b) else {
            let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
            return Err(StudyError(format!(
                "baseline: no variant is named \"{b}\"; the variants are {}",
                names.join(", ")
            )));
        };
        let base = variants.remove(at);
        variants.insert(0, base);
    }
    Ok(Study {
        scenario,
        variants,
        replications,
    })
}

/// `PATH=V1,V2,…` into the path and each value with its text. Values are
/// TOML (`90`, `true`, `"x"`, `{ kind = "batch" }`); a bare word is a
/// string. Commas inside quotes, brackets or braces do not split.
///
/// # Errors
/// No `=`, an empty path or value, or a path that names no field.
pub fn parse_vary(arg: &str) -> Result<(String, Vec<(String, toml::Value)>), StudyError> {
    let bad = |why: &str| StudyError(format!("--vary {arg}: {why}"));
    let (path, list) = arg
        .split_once('=')
        .ok_or_else(|| bad("expected PATH=VALUE,VALUE,… (e.g. strategy.wave=time,carrier)"))?;
    let path = path.trim().to_owned();
    check_path(&path).map_err(|e| bad(&e))?;
    let mut values = Vec::new();
    for text in split_top_level(list) {
        let text = text.trim();
        if text.is_empty() {
            return Err(bad("an empty value"));
        }
        let value = toml::from_str::<toml::Table>(&format!("v = {text}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(text.to_owned()));
        values.push((text.to_owned(), value));
    }
    Ok((path, values))
}

fn split_top_level(list: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0i32, None::<char>, 0);
    let mut parts = Vec::new();
    for (i, c) in list.char_indices() {
        match (quoted, c) {
            (Some(q), c) if c == q => quoted = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quoted = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
}

/// A value as part of a variant name: a string as it is, a table or list by
/// its values joined with `-`; characters unsafe in a folder name replaced.
fn partition_value(value: &toml::Value) -> String {
    fn text(v: &toml::Value) -> String {
        match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Table(t) => t.values().map(text).collect::<Vec<_>>().join("-"),
            toml::Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join("-"),
            other => other.to_string(),
        }
    }
    text(value)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Checks that `path` names a field of the scenario schema.
///
/// # Errors
/// Which segment names no field, and the fields that would fit there.
pub fn check_path(path: &str) -> Result<(), String> {
    let schema = schemars::schema_for!(crate::Scenario);
    let root = schema.as_value();
    let mut at = root;
    let mut walked = String::new();
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((n, rest)) => (n, Some(rest.trim_end_matches(']'))),
            None => (segment, None),
        };
        let fields = properties(root, at);
        let Some(next) = fields.iter().find(|(k, _)| k == name).map(|(_, v)| *v) else {
            let mut names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            let place = if walked.is_empty() {
                "a scenario".to_owned()
            } else {
                format!("`{walked}`")
            };
            return Err(if names.is_empty() {
                format!("`{path}`: `{walked}` has no fields to set inside")
            } else {
                format!(
                    "`{path}`: {place} has no field `{name}`; it has {}",
                    names.join(", ")
                )
            });
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        at = match index {
            Some(_) => items(root, next),
            None => next,
        };
    }
    Ok(())
}

/// Follows `$ref`s (and `allOf`/`anyOf` wrappers) to a schema with content.
fn resolve<'a>(
    root: &'a serde_json::Value,
    mut s: &'a serde_json::Value,
) -> Vec<&'a serde_json::Value> {
    for _ in 0..16 {
        if let Some(r) = s.get("$ref").and_then(|r| r.as_str()) {
            let name = r.rsplit('/').next().unwrap_or_default();
            match root.get("$defs").and_then(|d| d.get(name)) {
                Some(t) => {
                    s = t;
                    continue;
                }
                None => return Vec::new(),
            }
        }
        break;
    }
    let mut out = vec![s];
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = s.get(key).and_then(|l| l.as_array()) {
            for sub in list {
                out.extend(resolve(root, sub));
            }
        }
    }
    out
}

/// The fields a schema allows (over every alternative it has).
fn properties<'a>(
    root: &'a serde_json::Value,
    s: &'a serde_json::Value,
) -> Vec<(String, &'a serde_json::Value)> {
    resolve(root, s)
        .into_iter()
        .filter_map(|t| t.get("properties").and_then(|p| p.as_object()))
        .flat_map(|p| p.iter().map(|(k, v)| (k.clone(), v)))
        .collect()
}

/// The item schema of an array schema.
fn items<'a>(root: &'a serde_json::Value, s: &'a serde_json::Value) -> &'a serde_json::Value {
    resolve(root, s)
        .into_iter()
        .find_map(|t| t.get("items"))
        .unwrap_or(s)
}

/// Sets `path` to `value` in a parsed TOML document, creating tables on the
/// way; `name[i]` indexes an array.
fn set(doc: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut table = doc;
    for (k, segment) in segments.iter().enumerate() {
        let last = k + 1 == segments.len();
        let (name, index) = match segment.split_once('[') {
            Some((n, rest)) => (
                n,
                Some(
                    rest.trim_end_matches(']')
                        .parse::<usize>()
                        .map_err(|_| format!("`{path}`: `{segment}` needs a number in [ ]"))?,
                ),
            ),
            None => (*segment, None),
        };
        match index {
            None if last => {
                table.insert(name.to_owned(), value);
                return Ok(());
            }
            None => {
                let next = table
                    .entry(name.to_owned())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                table = next
                    .as_table_mut()
                    .ok_or_else(|| format!("`{path}`: `{name}` is not a table"))?;
            }
            Some(i) => {
                let list = table
                    .get_mut(name)
                    .and_then(toml::Value::as_array_mut)
                    .ok_or_else(|| format!("`{path}`: the scenario has no list `{name}`"))?;
                let len = list.len();
                let item = list.get_mut(i).ok_or_else(|| {
                    format!("`{path}`: `{name}` has {len} entries, numbered from 0")
                })?;
                if last {
                    *item = value;
                    return Ok(());
                }
                table = item
                    .as_table_mut()
                    .ok_or_else(|| format!("`{path}`: `{name}[{i}]` is not a table"))?;
            }
        }
    }
    Ok(())
}

/// Loads the study's scenario as `variant` sets it, validated.
///
/// # Errors
/// The scenario file's own problems, or the variant's, each naming the
/// variant and the field.
pub fn load_variant(study: &Study, variant: &Variant) -> Result<LoadedScenario, ScenarioErrors> {
    let file = &study.scenario;
    let fail = |message: String| {
        ScenarioErrors(vec![ScenarioError {
            file: file.clone(),
            line: 0,
            column: 0,
            path: String::new(),
            message,
        }])
    };
    if variant.set.is_empty() {
        return crate::load(file);
    }
    let text =
        std::fs::read_to_string(file).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    // The file's own problems first, with their places.
    crate::load::parse(&text, file)?;
    let mut doc: toml::Table = toml::from_str(&text).map_err(|e| fail(e.to_string()))?;
    for (path, value) in &variant.set {
        set(&mut doc, path, value.clone())
            .map_err(|e| fail(format!("variant {}: {e}", variant.name)))?;
    }
    let edited = toml::to_string(&doc).map_err(|e| fail(e.to_string()))?;
    let label = PathBuf::from(format!("{} (variant {})", file.display(), variant.name));
    crate::load::load_text(file, &edited).map_err(|ScenarioErrors(errors)| {
        ScenarioErrors(
            errors
                .into_iter()
                .map(|e| ScenarioError {
                    file: label.clone(),
                    line: 0,
                    column: 0,
                    ..e
                })
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/small-dc.toml")
    }

    #[test]
    fn every_combination_of_the_varied_values_is_a_variant() {
        let s = from_varies(
            small(),
            &[
                "strategy.wave=time,carrier".into(),
                "strategy.picking={ kind = \"batch\", totes = 4 },{ kind = \"discrete\" }".into(),
            ],
            3,
            None,
        )
        .unwrap();
        let names: Vec<&str> = s.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names.len(), 4);
        assert_eq!(
            names,
            [
                "time+batch-4",
                "time+discrete",
                "carrier+batch-4",
                "carrier+discrete"
            ]
        );
        let loaded = load_variant(&s, &s.variants[0]).unwrap();
        assert_eq!(
            loaded.scenario.strategy.picking.kind,
            crate::schema::PickingKind::Batch
        );
        assert_eq!(loaded.scenario.strategy.picking.totes, Some(4));
    }

    #[test]
    fn a_path_that_names_no_field_is_refused_with_the_fields_that_fit() {
        let e = from_varies(small(), &["strategy.wav=time".into()], 2, None).unwrap_err();
        assert!(
            e.0.starts_with("--vary strategy.wav=time: `strategy.wav`: `strategy` has no field `wav`; it has assignment, barcode_required, cutoff_lead_min, lines_per_head_hour, max_wave_orders, picking, planner_review_min, routing, wave, wave_interval_min, wave_release"),
            "{e}"
        );
        assert!(check_path("associates.shifts[0].headcount").is_ok());
        assert!(check_path("packing.pack_time_s.mean").is_ok());
        assert!(check_path("layout.zones[0].colour").is_err());
    }

    #[test]
    fn a_value_that_does_not_fit_names_the_variant_and_the_field() {
        let s = from_varies(small(), &["strategy.wave=time,hourly".into()], 2, None).unwrap();
        let e = load_variant(&s, &s.variants[1]).unwrap_err().to_string();
        assert!(e.contains("(variant hourly): `strategy.wave`"), "{e}");
        let s = from_varies(
            small(),
            &["associates.shifts[3].headcount=4".into()],
            2,
            None,
        )
        .unwrap();
        let e = load_variant(&s, &s.variants[0]).unwrap_err().to_string();
        assert!(e.contains("`shifts` has 1 entries"), "{e}");
    }

    #[test]
    fn a_baseline_must_be_a_variant_and_goes_first() {
        let s = from_varies(
            small(),
            &["strategy.wave=time,carrier".into()],
            2,
            Some("carrier"),
        )
        .unwrap();
        assert_eq!(s.variants[0].name, "carrier");
        let e = from_varies(small(), &["strategy.wave=time".into()], 2, Some("zone")).unwrap_err();
        assert_eq!(
            e.0,
            "baseline: no variant is named \"zone\"; the variants are time"
        );
    }
}
