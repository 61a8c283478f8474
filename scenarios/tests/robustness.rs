//! No input makes loading or running a scenario panic: hundreds of mutated
//! copies of the small scenario are parsed, and the ones that pass
//! validation are run for two simulated hours.

use std::path::{Path, PathBuf};

use paklog_scenarios::load::parse;
use paklog_scenarios::{LoadedScenario, ScenarioRun};
use paklog_sim::RngStreams;
use rand::RngExt;

const SMALL: &str = include_str!("../examples/small-dc.toml");
const VALUES: [&str; 12] = [
    "0", "-1", "1", "0.5", "2.5", "1e9", "99999", "\"x\"", "true", "nan", "inf", "[]",
];

fn mutate(rng: &mut paklog_sim::StreamRng) -> String {
    let mut lines: Vec<String> = SMALL.lines().map(str::to_owned).collect();
    for _ in 0..rng.random_range(1..=3) {
        let i = rng.random_range(0..lines.len());
        match rng.random_range(0..4) {
            0 => {
                lines.remove(i);
            }
            1 => lines.insert(i, lines[i].clone()),
            _ => {
                // Replace the first number on the line.
                let line = &lines[i];
                if let Some(start) = line.find(|c: char| c.is_ascii_digit()) {
                    let end = line[start..]
                        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                        .map_or(line.len(), |e| start + e);
                    let value = VALUES[rng.random_range(0..VALUES.len())];
                    lines[i] = format!("{}{value}{}", &line[..start], &line[end..]);
                }
            }
        }
    }
    lines.join("\n")
}

#[test]
fn mutated_scenarios_are_refused_or_run_but_never_panic() {
    let mut rng = RngStreams::new(99).stream("mutations");
    let (mut refused, mut ran) = (0, 0);
    for _ in 0..300 {
        let text = mutate(&mut rng);
        match parse(&text, Path::new("m.toml")) {
            Err(errors) => {
                assert!(!errors.0.is_empty());
                assert!(errors.to_string().starts_with("m.toml"), "{errors}");
                refused += 1;
            }
            Ok(mut scenario) => {
                let big = scenario.demand.orders_per_day.unwrap_or(0.0) > 100_000.0
                    || scenario.sku_count() > 100_000
                    || scenario
                        .associates
                        .shifts
                        .iter()
                        .map(|s| s.headcount)
                        .sum::<u32>()
                        > 2_000
                    || scenario
                        .layout
                        .aisles
                        .saturating_mul(scenario.layout.bays_per_aisle.unwrap_or(0))
                        > 100_000;
                if big {
                    continue;
                }
                scenario.horizon_h = scenario.horizon_h.min(2.0);
                let loaded = LoadedScenario::new(scenario, PathBuf::from("m.toml"), None);
                let mut run = ScenarioRun::new(&loaded, None);
                run.run(|_| {});
                assert_eq!(run.virtual_world().refused, 0);
                ran += 1;
            }
        }
    }
    eprintln!("refused {refused}, ran {ran}");
    assert!(refused > 50 && ran > 50, "refused {refused}, ran {ran}");
}
