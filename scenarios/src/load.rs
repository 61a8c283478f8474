//! Reading and validating scenario files.
//!
//! Every problem is reported as a [`ScenarioError`] that names the file, the
//! line and column, the field path (`associates.shifts[1].headcount`) and what
//! is allowed. Syntax and type errors come from the TOML parser; the rules
//! that types cannot express (ranges, cross-field constraints) are checked in
//! [`validate`], and their field paths are located in the source afterwards.

use crate::schema::Scenario;
use paklog_domain::config::SkuSpec;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

pub use crate::error::{ScenarioError, ScenarioErrors};
pub use crate::validate::{Problem, validate};

/// A scenario read from a file, with what reports need to identify it.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The validated scenario.
    pub scenario: Scenario,
    /// The file it came from.
    pub file: PathBuf,
    /// The orders of `demand.trace`, if the scenario replays one.
    pub trace: Option<Vec<crate::demand::TracedOrder>>,
    /// A hash of the trace file's bytes.
    trace_hash: Option<u64>,
    /// The run hash, once asked for.
    hash: std::sync::OnceLock<String>,
}

impl LoadedScenario {
    /// A scenario as if loaded from `file`, with the orders of its trace (a
    /// trace given this way counts in [`LoadedScenario::hash`] by its
    /// name only).
    #[must_use]
    pub fn new(
        scenario: Scenario,
        file: PathBuf,
        trace: Option<Vec<crate::demand::TracedOrder>>,
    ) -> Self {
        LoadedScenario {
            scenario,
            file,
            trace,
            trace_hash: None,
            hash: std::sync::OnceLock::new(),
        }
    }

    /// A stable hash of what a run of the scenario is made of (16 hex
    /// digits, for report metadata): its settings, its site as `paklog site
    /// export` writes it, and its trace's bytes. Worked out the first time
    /// it is asked for (it builds the site and writes it out), so checking a
    /// scenario does not pay for it.
    pub fn hash(&self) -> &str {
        self.hash
            .get_or_init(|| format!("{:016x}", run_hash(&self.scenario, self.trace_hash)))
    }
}

/// Reads, parses and validates a scenario file.
///
/// # Errors
/// Every problem found, each with its place in the file.
pub fn load(file: &Path) -> Result<LoadedScenario, ScenarioErrors> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        ScenarioErrors(vec![ScenarioError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            path: String::new(),
            message: format!("cannot read the file: {e}"),
        }])
    })?;
    load_text(file, &text)
}

/// Parses and validates scenario `text` as if read from `file` (whose folder
/// holds the trace, if any), and reads its trace.
///
/// # Errors
/// Every problem found, each with its place in the text.
pub fn load_text(file: &Path, text: &str) -> Result<LoadedScenario, ScenarioErrors> {
    let scenario = parse(text, file)?;
    let mut trace_bytes = None;
    let trace = match &scenario.demand.trace {
        Some(name) => {
            let path = folder(file).join(name);
            let carriers: Vec<String> = scenario
                .demand
                .carriers
                .iter()
                .map(|c| c.name.clone())
                .collect();
            let orders = match scenario.site_data() {
                Some(site) => {
                    let codes: HashSet<&str> = site.items.iter().map(|i| i.code.as_str()).collect();
                    crate::demand::read_trace(
                        &path,
                        &|sku| codes.contains(sku),
                        "not in the site's items file",
                        &carriers,
                    )
                }
                None => {
                    let count = scenario.sku_count();
                    let hint = format!(
                        "this scenario has SKU00001 to {}",
                        crate::assortment::sku_code(count as usize - 1)
                    );
                    crate::demand::read_trace(
                        &path,
                        &|sku| {
                            sku.strip_prefix("SKU")
                                .and_then(|n| n.parse::<u32>().ok())
                                .is_some_and(|n| {
                                    n >= 1
                                        && n <= count
                                        && crate::assortment::sku_code(n as usize - 1) == sku
                                })
                        },
                        &hint,
                        &carriers,
                    )
                }
            }
            .map_err(ScenarioErrors)?;
            trace_bytes = std::fs::read(&path).ok();
            Some(orders)
        }
        None => None,
    };
    Ok(LoadedScenario {
        trace_hash: trace_bytes.as_deref().map(fnv1a),
        ..LoadedScenario::new(scenario, file.to_owned(), trace)
    })
}

/// The folder a scenario file's relative paths start from.
fn folder(file: &Path) -> &Path {
    file.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A stable hash of what a run of the scenario is made of: its settings
/// and its site as `paklog site export` writes them, and its trace's
/// bytes. A scenario and its export hash the same; comments and layout of
/// the file do not count.
fn run_hash(s: &Scenario, trace: Option<u64>) -> u64 {
    let mut canonical = crate::site_files::exported_scenario(s);
    if let Some(h) = trace {
        canonical.demand.trace = Some(format!("{h:016x}"));
    }
    let mut bytes = serde_json::to_vec(&canonical).expect("a scenario serialises");
    for (name, text) in crate::site_files::tables(s) {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(text.as_bytes());
    }
    fnv1a(&bytes)
}

/// Parses and validates scenario text; `file` names it in messages, and its
/// folder holds the site's files if `[site]` names them (which are read
/// and checked too).
///
/// # Errors
/// Every problem found, each with its place in the text or in the site's
/// files.
pub fn parse(text: &str, file: &Path) -> Result<Scenario, ScenarioErrors> {
    let error_at = |span: Option<std::ops::Range<usize>>, path: String, message: String| {
        let (line, column) = span.map_or((0, 0), |s| line_column(text, s.start));
        ScenarioError {
            file: file.to_owned(),
            line,
            column,
            path,
            message,
        }
    };
    let deserializer = toml::Deserializer::parse(text).map_err(|e| {
        ScenarioErrors(vec![error_at(
            e.span(),
            String::new(),
            e.message().to_owned(),
        )])
    })?;
    let scenario: Scenario = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." { String::new() } else { path };
        ScenarioErrors(vec![error_at(
            inner.span(),
            path,
            inner.message().to_owned(),
        )])
    })?;
    let mut scenario = scenario;
    let mut problems = validate(&scenario);
    if problems.is_empty()
        && let Some(files) = &scenario.site
    {
        let dir = folder(file);
        let people = files.people.as_ref().map(|p| dir.join(p));
        let data = crate::site_files::read(
            &crate::site_files::Files {
                locations: &dir.join(&files.locations),
                items: &dir.join(&files.items),
                stock: &dir.join(&files.stock),
                people: people.as_deref(),
            },
            &crate::build::layout_spec(&scenario),
            &scenario.associates.shifts,
        )
        .map_err(ScenarioErrors)?;
        if let Some(files) = &mut scenario.site {
            files.data = Some(std::sync::Arc::new(data));
        }
        problems = validate(&scenario);
    }
    if problems.is_empty()
        && let Some(name) = &scenario.skus.slotting_file
    {
        let master = crate::build::master(&scenario);
        // A generated site's items have no restrictions, and its locations
        // no capacities.
        let items: Vec<SkuSpec> = match scenario.site_data() {
            Some(site) => site.items.clone(),
            None => {
                let a = crate::assortment::assortment(&scenario);
                a.codes
                    .into_iter()
                    .zip(a.class)
                    .map(|(code, class)| SkuSpec::new(code, 0.0, 0.0, class))
                    .collect()
            }
        };
        let faces = crate::site_files::read_slotting(&folder(file).join(name), &master, &items)
            .map_err(ScenarioErrors)?;
        scenario.skus.slotting_faces = Some(std::sync::Arc::new(faces));
    }
    if problems.is_empty() {
        return Ok(scenario);
    }
    let doc = DeTable::parse(text).ok();
    Err(ScenarioErrors(
        problems
            .into_iter()
            .map(|p| {
                let span = doc.as_ref().and_then(|d| locate(d.get_ref(), &p.path));
                error_at(span, p.path, p.message)
            })
            .collect(),
    ))
}

/// The span of the value at a dotted path such as `a.b[2].c`, or of the
/// nearest enclosing value that exists.
fn locate(root: &DeTable<'_>, path: &str) -> Option<std::ops::Range<usize>> {
    let mut table = root;
    let mut best = None;
    for segment in path.split('.') {
        let (key, indices) = segment.split_at(segment.find('[').unwrap_or(segment.len()));
        let Some((_, value)) = table.get_key_value(key) else {
            return best;
        };
        best = Some(value.span());
        let mut value = value.get_ref();
        for index in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            let item = match (value, index.parse::<usize>()) {
                (DeValue::Array(items), Ok(i)) => items.get(i),
                _ => None,
            };
            let Some(item) = item else {
                return best;
            };
            best = Some(item.span());
            value = item.get_ref();
        }
        match value {
            DeValue::Table(t) => table = t,
            _ => return best,
        }
    }
    best
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Reads a scenario from TOML text without validating it (for tools that
/// patch a scenario before checking it, such as studies).
///
/// # Errors
/// The TOML parser's message.
pub fn parse_unchecked(text: &str) -> Result<Scenario, toml::de::Error> {
    Scenario::deserialize(toml::Deserializer::parse(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = include_str!("../examples/small-dc.toml");

    fn errors(text: &str) -> Vec<String> {
        parse(text, Path::new("s.toml"))
            .expect_err("should be rejected")
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines()
            .position(|l| l.contains(needle))
            .expect("needle")
            + 1
    }

    #[test]
    fn the_shipped_small_scenario_is_valid() {
        let s = parse(SMALL, Path::new("small-dc.toml")).unwrap();
        assert_eq!(s.associates.shifts[0].headcount, 3);
    }

    #[test]
    fn bad_api_tokens_are_named() {
        let text = SMALL
            .replace(
                "{ associate = 2, token = \"small-dc-device-2-example-token\" }",
                "{ associate = 3, token = \"small-dc-device-2-example-token\" }",
            )
            .replace(
                "{ associate = 1, token = \"small-dc-device-1-example-token\" }",
                "{ associate = 1, integration = \"x\", token = \"short\" }",
            )
            .replace(
                "{ associate = 0, token = \"small-dc-device-0-example-token\" }",
                "{ associate = 0, token = \"small-dc-erp-example-token\" }",
            );
        let e = errors(&text);
        let says = |path: &str, what: &str| {
            assert!(
                e.iter()
                    .any(|m| m.contains(&format!("`{path}`")) && m.contains(what)),
                "{path}: {what} not in {e:?}"
            );
        };
        says("live.tokens[1].token", "given twice");
        says("live.tokens[2].token", "at least 16");
        says("live.tokens[2]", "not both");
        says("live.tokens[3].associate", "0 to 2");
        let text = SMALL.replace(
            "{ associate = 0, token = \"small-dc-device-0-example-token\" }",
            "{ associate = 0, token_env = \"X\", token_file = \"y\" }",
        );
        let e = errors(&text);
        assert!(
            e.iter()
                .any(|m| m.contains("`live.tokens[1]`") && m.contains("exactly one of")),
            "{e:?}"
        );
    }

    #[test]
    fn retention_too_small_to_resume_from_is_named() {
        let text = SMALL.replace(
            "[live]\n",
            "[live]\nretained_events = 100\nretained_finished_hours = 0\n",
        );
        let e = errors(&text);
        for (path, what) in [
            ("live.retained_events", "at least 1024, got 100"),
            ("live.retained_finished_hours", "at least 1"),
        ] {
            assert!(
                e.iter()
                    .any(|m| m.contains(&format!("`{path}`")) && m.contains(what)),
                "{path}: {what} not in {e:?}"
            );
        }
    }

    #[test]
    fn a_missing_field_is_named_with_its_table() {
        let text = SMALL.replace("bays_per_aisle = 20\n", "");
        let e = errors(&text);
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("s.toml:"), "{e:?}");
        assert!(
            e[0].contains("`layout.bays_per_aisle`: missing: required unless `[site]`"),
            "{e:?}"
        );
        let missing = SMALL.replace("aisle_pitch_m = 3.0\n", "");
        let e = errors(&missing);
        assert!(
            e[0].contains("`layout`") && e[0].contains("missing field `aisle_pitch_m`"),
            "{e:?}"
        );
    }

    #[test]
    fn a_bad_time_zone_or_start_date_is_named_with_its_line() {
        let text = SMALL.replace(
            "horizon_h = 24\n",
            "horizon_h = 24\ntime_zone = \"Mars/Olympus\"\nstart_date = \"2026-02-30\"\n",
        );
        let e = errors(&text);
        let zone = line_of(&text, "time_zone = ");
        let date = line_of(&text, "start_date = ");
        assert!(
            e.iter().any(|m| m.starts_with(&format!("s.toml:{zone}:"))
                && m.contains("`time_zone`")
                && m.contains("Mars/Olympus")),
            "{e:?}"
        );
        let fixed = text.replace("Mars/Olympus", "Europe/Berlin");
        let e = errors(&fixed);
        assert!(
            e.iter().any(|m| m.starts_with(&format!("s.toml:{date}:"))
                && m.contains("`start_date`")
                && m.contains("2026-02-30")),
            "{e:?}"
        );
        let fine = fixed.replace("2026-02-30", "2026-03-28");
        assert!(parse(&fine, Path::new("s.toml")).is_ok());
    }

    #[test]
    fn a_wrong_type_names_file_line_column_and_path() {
        let text = SMALL.replace("levels = 4", "levels = \"four\"");
        let e = errors(&text);
        let line = line_of(&text, "levels = \"four\"");
        assert!(
            e[0].starts_with(&format!("s.toml:{line}:10: `layout.levels`: invalid type")),
            "{e:?}"
        );
    }

    #[test]
    fn an_unknown_field_is_an_error() {
        let text = SMALL.replace(
            "aisle_pitch_m = 3.0",
            "aisle_pitch_m = 3.0\naisle_pich = 3.0",
        );
        let e = errors(&text);
        assert!(e[0].contains("unknown field `aisle_pich`"), "{e:?}");
        assert!(
            e[0].starts_with(&format!("s.toml:{}:", line_of(&text, "aisle_pich"))),
            "{e:?}"
        );
    }

    #[test]
    fn an_unknown_strategy_lists_the_allowed_ones() {
        let text = SMALL.replace("wave = \"time\"", "wave = \"fastest\"");
        let e = errors(&text);
        assert!(e[0].contains("`strategy.wave`"), "{e:?}");
        assert!(
            e[0].contains("unknown variant `fastest`, expected one of `time`, `carrier`, `zone`"),
            "{e:?}"
        );
    }

    #[test]
    fn a_negative_speed_is_located_in_its_shift() {
        let text = SMALL.replace(
            "walking_speed_mps = { dist = \"normal\", mean = 1.2, sd = 0.1 }",
            "walking_speed_mps = { dist = \"constant\", value = -1.2 }",
        );
        let e = errors(&text);
        let line = line_of(&text, "value = -1.2");
        assert_eq!(
            e,
            vec![format!(
                "s.toml:{line}:50: `associates.shifts[0].walking_speed_mps.value`: must be > 0, got -1.2"
            )]
        );
    }

    /// The small scenario without its `[live]` tokens (which name
    /// associates a smaller roster lacks).
    fn without_tokens(text: &str) -> String {
        text.split("\n[live]").next().expect("text").to_owned()
    }

    #[test]
    fn a_zero_headcount_says_what_is_allowed() {
        let text = without_tokens(SMALL).replace("headcount = 3", "headcount = 0");
        let e = errors(&text);
        let line = line_of(&text, "headcount = 0");
        assert_eq!(
            e,
            vec![format!(
                "s.toml:{line}:13: `associates.shifts[0].headcount`: must be ≥ 1, got 0"
            )]
        );
    }

    #[test]
    fn a_single_block_routing_policy_is_refused_on_a_multi_block_layout() {
        let text = SMALL.replace("blocks = 1", "blocks = 2").replace(
            "cutoff_lead_min = 120",
            "cutoff_lead_min = 120\nrouting = \"midpoint\"",
        );
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].ends_with("`strategy.routing`: \"midpoint\" is defined for single-block layouts and this one has 2 blocks: use s_shape, largest_gap, combined, combined_plus, nearest_neighbour or optimal"),
            "{e:?}"
        );
    }

    /// The small scenario with a `[strategy.picking]` table instead of its
    /// inline `picking`.
    fn with_picking(table: &str) -> String {
        let text = without_tokens(SMALL).replace("picking = { kind = \"discrete\" }\n", "");
        assert_ne!(text, without_tokens(SMALL));
        format!("{text}\n[strategy.picking]\n{table}\n")
    }

    #[test]
    fn every_picking_strategy_of_the_docs_is_accepted() {
        for table in [
            "kind = \"discrete\"",
            "kind = \"batch\"\nrule = \"savings\"\ntotes = 8\nrouting = \"optimal\"",
            "kind = \"cluster\"\ntotes = 4",
            "kind = \"zone\"\nmode = \"parallel\"",
            "kind = \"put_wall\"\nslots = 24\nwalls = 2\nput_time_per_unit_s = { dist = \"constant\", value = 2.5 }",
        ] {
            let parsed = parse(&with_picking(table), Path::new("s.toml"));
            assert!(parsed.is_ok(), "{table}: {:?}", parsed.err());
        }
    }

    #[test]
    fn a_picking_field_of_another_kind_is_refused_by_name() {
        let text = with_picking("kind = \"cluster\"\nrule = \"seed\"");
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].ends_with("`strategy.picking.rule`: applies to kind = \"batch\" only"),
            "{e:?}"
        );
        let e = errors(&with_picking("kind = \"batch\"\ntotes = 0"));
        assert!(
            e[0].ends_with("`strategy.picking.totes`: must be between 1 and 64, got 0"),
            "{e:?}"
        );
        let e = errors(&with_picking("kind = \"batch\"\nrule = \"greedy\""));
        assert!(e[0].contains("greedy"), "{e:?}");
    }

    #[test]
    fn zone_picking_needs_zones_and_a_picker_for_each() {
        let text = with_picking("kind = \"zone\"").replace("headcount = 3", "headcount = 1");
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].ends_with("`associates.shifts[0].headcount`: zone picking spreads each shift over the 2 zones: needs at least 2 associates, got 1"),
            "{e:?}"
        );
    }

    #[test]
    fn a_picking_routing_policy_must_fit_the_layout() {
        let text = with_picking("kind = \"batch\"\nrouting = \"return\"")
            .replace("blocks = 1", "blocks = 2");
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains(
                "`strategy.picking.routing`: \"return\" is defined for single-block layouts"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn further_depots_must_be_distinct_aisles_of_the_layout() {
        let text = SMALL.replace(
            "depot_aisle = 1",
            "depot_aisle = 1\nmore_depots = [6, 11, 1]",
        );
        let e = errors(&text);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].ends_with("`layout.more_depots[1]`: must be an aisle from 1 to 10, got 11"),
            "{e:?}"
        );
        assert!(
            e[1].ends_with("`layout.more_depots[2]`: aisle 1 already has a depot"),
            "{e:?}"
        );
    }

    #[test]
    fn several_problems_are_all_reported() {
        let text = SMALL
            .replace("stations = 3", "stations = 0")
            .replace("share = 0.4", "share = 0.5")
            .replace("last_aisle = 10", "last_aisle = 11");
        let e = errors(&text).join("\n");
        assert!(e.contains("`packing.stations`: must be ≥ 1, got 0"), "{e}");
        assert!(
            e.contains("`demand.carriers`: carrier shares must sum to 1"),
            "{e}"
        );
        assert!(e.contains("`layout.zones[1].last_aisle`"), "{e}");
    }

    #[test]
    fn conveyor_segments_and_stops_are_checked_by_name() {
        let stop = |segment: &str| {
            format!(
                "\n[[disruptions]]\nkind = \"conveyor_stop\"\nat = \"11:00\"\nminutes = 10\n{segment}\n"
            )
        };
        let e = errors(&format!("{SMALL}{}", stop(""))).join("\n");
        assert!(
            e.contains("`disruptions[0]`: a conveyor stop needs a [conveyor] section"),
            "{e}"
        );
        let conveyor = "\n[conveyor]\ninduct = { length_m = 10.0, speed_mps = 0.5, capacity = 8 }\n\
            main = { length_m = 40.0, speed_mps = 0.0, capacity = 40 }\n\
            spur = { length_m = 4.0, speed_mps = 0.5, capacity = 0 }\n\
            takeaway = { length_m = 30.0, speed_mps = 0.5, capacity = 30 }\n\
            lane = { length_m = 8.0, speed_mps = 0.5, capacity = 8 }\n";
        let text = format!("{SMALL}{conveyor}{}", stop("segment = \"mian\""));
        let e = errors(&text).join("\n");
        assert!(
            e.contains("`conveyor.main.speed_mps`: must be a number > 0, got 0"),
            "{e}"
        );
        assert!(
            e.contains("`conveyor.spur.capacity`: must be ≥ 1, got 0"),
            "{e}"
        );
        assert!(
            e.contains("`disruptions[0].segment`: no conveyor segment has the code \"mian\"; this site has induct-A, induct-B, main, spur-PS0"),
            "{e}"
        );
        let text = text
            .replace("speed_mps = 0.0", "speed_mps = 0.5")
            .replace("capacity = 0", "capacity = 4")
            .replace("\"mian\"", "\"lane-DOCK-02\"");
        let s = parse(&text, Path::new("s.toml")).map_err(|e| e.to_string());
        assert!(s.is_ok(), "{s:?}");
    }

    #[test]
    fn syntax_errors_and_garbage_never_panic() {
        for text in [
            "",
            "name = ",
            "[layout",
            "\u{0}\u{1}",
            "seed = 1e400",
            "a.b.c = [1, {",
        ] {
            let e = errors(text);
            assert!(!e.is_empty());
        }
        let text = SMALL.replace("horizon_h = 24", "horizon_h = 24\nhorizon_h = 25");
        assert!(
            errors(&text)[0].contains("duplicate key"),
            "{:?}",
            errors(&text)
        );
    }
}
