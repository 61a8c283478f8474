//! `paklog slot`: propose a re-slotting by velocity, and estimate what it
//! saves by simulating the scenario before and after with common random
//! numbers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use paklog_domain::location_master::slotting::{Face, demand_distance, propose};
use paklog_scenarios::build;
use paklog_scenarios::site_files::{csv_text, slotting_csv};
use paklog_sim::RngStreams;

/// Arguments of `paklog slot`.
#[derive(Debug, clap::Args)]
pub struct SlotArgs {
    /// The scenario.
    scenario: PathBuf,
    /// An order history (the trace format: CSV or Parquet with `order_id`,
    /// `created_s`, `sku`, `quantity`, `carrier`) whose lines give each
    /// item's velocity [default: the scenario's trace, else its demand
    /// model].
    #[arg(long)]
    history: Option<PathBuf>,
    /// Folder to write into [default: out/slot-NAME].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replications of the simulation before and after (0: propose only).
    #[arg(long, default_value_t = 10)]
    replications: u32,
    /// Runs at once [default: the number of cores].
    #[arg(long)]
    jobs: Option<usize>,
    /// No progress bars.
    #[arg(long, short)]
    quiet: bool,
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

pub fn run(args: &SlotArgs) -> ExitCode {
    let loaded = match crate::load_scenario(&args.scenario) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let s = &loaded.scenario;
    let (config, master) = build::site(s, &RngStreams::new(s.seed));
    let codes: Vec<String> = config.skus.iter().map(|k| k.code.clone()).collect();
    let (lines, source) = match velocity(args, &loaded, &codes) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let faces: Vec<Face> = config
        .opening_faces()
        .map(|(sku, location, units)| Face {
            sku,
            location,
            units,
        })
        .collect();
    let proposed = propose(&master, &faces, &lines, &config.skus);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("slot-{}", s.name)));
    if let Err(e) = std::fs::create_dir_all(&out) {
        return fail(format!("{}: {e}", out.display()));
    }
    let out = out.canonicalize().unwrap_or(out);
    let class = classes(&lines, s.skus.abc.a_lines, s.skus.abc.b_lines);
    let mut moves: Vec<(&Face, &Face)> = faces
        .iter()
        .zip(&proposed)
        .filter(|(a, b)| a.location != b.location)
        .collect();
    moves.sort_by(|a, b| {
        lines[b.0.sku.index()]
            .total_cmp(&lines[a.0.sku.index()])
            .then(a.0.sku.cmp(&b.0.sku))
    });
    let moves_csv = csv_text(
        &["item", "from", "to", "units", "line_share", "class"],
        moves.iter().map(|(a, b)| {
            vec![
                codes[a.sku.index()].clone(),
                master.get(a.location).code.clone(),
                master.get(b.location).code.clone(),
                a.units.to_string(),
                format!("{:.6}", lines[a.sku.index()]),
                class[a.sku.index()].to_owned(),
            ]
        }),
    );
    let scenario_path = loaded.file.canonicalize().unwrap_or(loaded.file.clone());
    let slotting_path = out.join("slotting.csv");
    let study = format!(
        "# The scenario before and after the re-slotting `paklog slot` proposed\n\
         # (written by it): `paklog compare` on this file runs the comparison again.\n\
         scenario = {}\n\
         replications = {}\n\n\
         [[variant]]\nname = \"current\"\n\n\
         [[variant]]\nname = \"slotted\"\nset = {{ \"skus.slotting_file\" = {} }}\n",
        toml::Value::String(scenario_path.display().to_string()),
        args.replications.max(1),
        toml::Value::String(slotting_path.display().to_string()),
    );
    for (name, bytes) in [
        (
            "slotting.csv",
            slotting_csv(&master, &codes, &proposed).into_bytes(),
        ),
        ("moves.csv", moves_csv.into_bytes()),
        ("study.toml", study.into_bytes()),
    ] {
        let path = out.join(name);
        if let Err(e) = std::fs::write(&path, bytes) {
            return fail(format!("{}: {e}", path.display()));
        }
    }
    let (before, after) = (
        demand_distance(&master, &faces, &lines),
        demand_distance(&master, &proposed, &lines),
    );
    println!(
        "velocity from {source}; {} of {} pick faces move (moves.csv)",
        moves.len(),
        faces.len()
    );
    println!(
        "walk from the nearest depot to a line's face: {before:.1} m before, {after:.1} m after ({:+.1} %)",
        if before > 0.0 {
            (after - before) / before * 100.0
        } else {
            0.0
        }
    );
    println!("new slotting: {}", slotting_path.display());
    if args.replications == 0 {
        return ExitCode::SUCCESS;
    }
    println!(
        "\nsimulating before and after, {} replications each (common random numbers):\n",
        args.replications
    );
    crate::compare::run(&crate::compare::CompareArgs {
        file: out.join("study.toml"),
        vary: Vec::new(),
        replications: Some(args.replications),
        baseline: None,
        out: Some(out.join("study")),
        shard: None,
        jobs: args.jobs,
        independent_seeds: false,
        report_only: false,
        quiet: args.quiet,
    })
}

/// Each item's share of order lines, and where it came from.
fn velocity(
    args: &SlotArgs,
    loaded: &paklog_scenarios::LoadedScenario,
    codes: &[String],
) -> Result<(Vec<f64>, String), ExitCode> {
    let s = &loaded.scenario;
    let index: HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let count = |orders: &[paklog_scenarios::demand::TracedOrder]| {
        let mut lines = vec![0.0; codes.len()];
        for o in orders {
            for l in &o.order.lines {
                if let Some(&i) = index.get(l.sku.as_str()) {
                    lines[i] += 1.0;
                }
            }
        }
        lines
    };
    let (lines, source) = if let Some(path) = &args.history {
        let carriers: Vec<String> = s.demand.carriers.iter().map(|c| c.name.clone()).collect();
        let orders = paklog_scenarios::demand::read_trace(
            path,
            &|sku| index.contains_key(sku),
            "not an item of the site",
            &carriers,
        )
        .map_err(|errors| {
            for e in errors {
                eprintln!("{e}");
            }
            ExitCode::from(2)
        })?;
        (count(&orders), format!("the history {}", path.display()))
    } else if let Some(orders) = &loaded.trace {
        (count(orders), "the scenario's trace".to_owned())
    } else {
        (
            build::assortment(s).line_share,
            "the scenario's demand model".to_owned(),
        )
    };
    let total: f64 = lines.iter().sum();
    if total <= 0.0 {
        return Err(fail(format!(
            "{source}: no order line for an item of the site"
        )));
    }
    Ok((lines.iter().map(|l| l / total).collect(), source))
}

/// Velocity classes by line share: the fastest items that make up
/// `a_lines` of the lines are A, the next `b_lines` B, the rest C.
fn classes(shares: &[f64], a_lines: f64, b_lines: f64) -> Vec<&'static str> {
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| shares[b].total_cmp(&shares[a]).then(a.cmp(&b)));
    let mut class = vec!["C"; shares.len()];
    let mut before = 0.0;
    for i in order {
        class[i] = if before < a_lines {
            "A"
        } else if before < a_lines + b_lines {
            "B"
        } else {
            "C"
        };
        before += shares[i];
    }
    class
}

#[cfg(test)]
mod tests {
    #[test]
    fn classes_follow_the_cumulative_line_share() {
        let shares = [0.05, 0.5, 0.3, 0.1, 0.05];
        assert_eq!(
            super::classes(&shares, 0.75, 0.2),
            ["B", "A", "A", "B", "C"]
        );
    }
}
