//! `paklog calibrate` as a user runs it: a day whose people are slower
//! than the twin believes, and the fit that finds out.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::run_ok;

fn paklog() -> Command {
    Command::new(env!("CARGO_BIN_EXE_paklog"))
}

/// The number after `name ` in a fit's description, e.g. `mean 1.188`.
fn param(line: &str, name: &str) -> f64 {
    let at = line
        .find(&format!("{name} "))
        .unwrap_or_else(|| panic!("{name} in {line}"));
    line[at + name.len() + 1..]
        .split([',', ')'])
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn calibration_recovers_the_people_and_the_demand_the_twin_was_not_told() {
    let riverside = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sites/riverside");
    let dir = std::env::temp_dir().join(format!("paklog-calibrate-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    // "Reality": two days of riverside with slower people than its file.
    let twin = fs::read_to_string(riverside.join("riverside.toml")).unwrap();
    let real = twin
        .replace("horizon_h = 24", "horizon_h = 48")
        .replace(
            "walking_speed_mps = { dist = \"normal\", mean = 1.2, sd = 0.1 }",
            "walking_speed_mps = { dist = \"normal\", mean = 0.95, sd = 0.08 }",
        )
        .replace(
            "pick_time_per_line_s = { dist = \"lognormal\", mean = 9.0, sd = 3.0 }",
            "pick_time_per_line_s = { dist = \"lognormal\", mean = 13.0, sd = 4.0 }",
        )
        .replace(
            "pack_time_s = { dist = \"lognormal\", mean = 50.0, sd = 15.0 }",
            "pack_time_s = { dist = \"lognormal\", mean = 70.0, sd = 20.0 }",
        );
    assert_ne!(real, twin);
    for f in ["locations.csv", "items.csv", "stock.csv", "people.csv"] {
        fs::copy(riverside.join(f), dir.join(f)).unwrap();
    }
    fs::write(dir.join("real.toml"), &real).unwrap();
    run_ok(
        paklog()
            .arg("run")
            .arg(dir.join("real.toml"))
            .arg("--out")
            .arg(dir.join("day"))
            .arg("-q"),
    );

    // Fitted into the twin's own file, written elsewhere.
    let out = run_ok(
        paklog()
            .arg("calibrate")
            .arg(dir.join("day"))
            .arg("--scenario")
            .arg(riverside.join("riverside.toml"))
            .arg("--out")
            .arg(dir.join("fitted.toml")),
    );
    let report = String::from_utf8(out.stdout).unwrap();
    let line = |what: &str| {
        report
            .lines()
            .find(|l| l.starts_with(what))
            .unwrap_or_else(|| panic!("{what} in\n{report}"))
            .to_owned()
    };
    let near = |got: f64, want: f64, share: f64, what: &str| {
        assert!(
            (got - want).abs() <= share * want,
            "{what}: fitted {got}, truth {want}\n{report}"
        );
    };
    let walk = line("walking speed");
    assert!(
        walk.contains("normal(") && walk.contains("from 11 associates"),
        "{walk}"
    );
    near(param(&walk, "mean"), 0.95, 0.03, "walking speed");
    near(
        param(&line("pick time per line"), "mean"),
        13.0,
        0.08,
        "line time",
    );
    near(
        param(&line("pick time per unit"), "mean"),
        2.5,
        0.2,
        "unit time",
    );
    let pack = line("pack time");
    near(param(&pack, "mean"), 70.0, 0.03, "pack time");
    near(param(&pack, "sd"), 20.0, 0.1, "pack time sd");
    near(
        param(&line("lines per order"), "mean"),
        2.1,
        0.05,
        "lines per order",
    );
    near(
        param(&line("units per line"), "mean"),
        1.4,
        0.05,
        "units per line",
    );
    assert!(line("orders per day").contains("over 2 day(s)"));

    // The fitted file says how each value was fitted, and runs.
    let fitted = fs::read_to_string(dir.join("fitted.toml")).unwrap();
    assert!(
        fitted.contains("# pick_time_per_line_s: fitted, lognormal(mean 1"),
        "{fitted}"
    );
    assert!(fitted.contains("task-time R²"), "{fitted}");
    assert!(
        fitted.contains("# pack_time_s: fitted, lognormal("),
        "{fitted}"
    );
    run_ok(
        paklog()
            .arg("run")
            .arg(dir.join("fitted.toml"))
            .arg("--out")
            .arg(dir.join("twin"))
            .arg("-q"),
    );

    // A report folder needs its scenario.
    let out = paklog()
        .arg("calibrate")
        .arg(dir.join("day"))
        .arg("--out")
        .arg(dir.join("x.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --scenario FILE"));
    fs::remove_dir_all(dir).unwrap();
}
