//! `paklog site export` and a site from files, as a user runs them: the
//! round trip to byte-identical reports, and bad rows named by file, line,
//! column and field.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run_ok;

fn paklog() -> Command {
    Command::new(env!("CARGO_BIN_EXE_paklog"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paklog-site-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/examples")
        .join(name)
}

fn export(scenario: &Path, dir: &Path) {
    let out = run_ok(
        paklog()
            .args(["site", "export"])
            .arg(scenario)
            .arg("--out")
            .arg(dir),
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    for f in ["locations.csv", "items.csv", "stock.csv", "scenario.toml"] {
        assert!(printed.contains(f), "{printed}");
    }
}

fn run(scenario: &Path, out: &Path) {
    run_ok(
        paklog()
            .arg("run")
            .arg(scenario)
            .arg("--out")
            .arg(out)
            .arg("-q"),
    );
}

/// The report files of a run folder, by name.
fn reports(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn an_exported_site_runs_to_byte_identical_reports() {
    let dir = scratch("round-trip");
    let files = dir.join("site");
    export(&example("small-dc.toml"), &files);
    let header = |f: &str| {
        fs::read_to_string(files.join(f))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        header("locations.csv"),
        "code,type,zone,aisle,bay,level,side,depth_m,capacity_units,capacity_volume_l,\
         capacity_weight_kg,restrictions,active,slotting_class"
    );
    assert_eq!(
        header("stock.csv"),
        "location,item,units,licence_plate,parent_plate"
    );
    let exported = fs::read_to_string(files.join("scenario.toml")).unwrap();
    assert!(exported.contains("[site]"), "{exported}");
    assert!(!exported.contains("bays_per_aisle"), "{exported}");

    run(&example("small-dc.toml"), &dir.join("from-scenario"));
    run(&files.join("scenario.toml"), &dir.join("from-files"));
    let (a, b) = (
        reports(&dir.join("from-scenario")),
        reports(&dir.join("from-files")),
    );
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(
        a.len() >= 10,
        "{:?}",
        a.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between the scenario and its export");
    }
    // Exporting the export writes the same files again.
    let again = dir.join("again");
    export(&files.join("scenario.toml"), &again);
    for f in ["locations.csv", "items.csv", "stock.csv", "scenario.toml"] {
        assert_eq!(
            fs::read(files.join(f)).unwrap(),
            fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
    fs::remove_dir_all(dir).unwrap();
}

/// Exports the small site into a scratch folder, edits one of its files
/// with `edit` (the file's text in, the new text out), and returns what
/// `paklog validate` printed, after checking it refused.
fn refused_after(name: &str, file: &str, edit: impl Fn(&str) -> String) -> String {
    let dir = scratch(name);
    export(&example("small-dc.toml"), &dir);
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, edit(&text)).unwrap();
    let out = paklog()
        .arg("validate")
        .arg(dir.join("scenario.toml"))
        .output()
        .unwrap();
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(2), "{name}");
    String::from_utf8(out.stderr).unwrap()
}

/// Replaces the `column`-th (0-based) field of line `line` (1-based).
fn set_field(text: &str, line: usize, column: usize, value: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                let mut f: Vec<&str> = l.split(',').collect();
                f[column] = value;
                f.join(",")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn bad_site_files_are_named_by_file_line_column_and_field() {
    // A bad number, every bad row of the file at once.
    let e = refused_after("capacity", "locations.csv", |t| {
        let t = set_field(t, 42, 8, "twelve");
        set_field(&t, 1042, 8, "-3")
    });
    assert!(
        e.contains(
            "locations.csv:42:9: `capacity_units`: expected a whole number ≥ 0, got \"twelve\""
        ),
        "{e}"
    );
    assert!(e.contains("locations.csv:1042:9: `capacity_units`"), "{e}");

    // A duplicate code names the line it first appeared on.
    let e = refused_after("duplicate", "items.csv", |t| set_field(t, 3, 0, "SKU00001"));
    assert!(
        e.contains("items.csv:3:1: `code`: duplicate code \"SKU00001\": already on line 2"),
        "{e}"
    );

    // Stock in a location that does not exist, of an item that does not.
    let e = refused_after("unknown", "stock.csv", |t| {
        let t = set_field(t, 2, 0, "A99-B9-99-9L");
        set_field(&t, 3, 1, "NOPE")
    });
    assert!(
        e.contains("stock.csv:2:1: `location`: unknown location \"A99-B9-99-9L\": not in the locations file"),
        "{e}"
    );
    assert!(
        e.contains("stock.csv:3:2: `item`: unknown item \"NOPE\": not in the items file"),
        "{e}"
    );

    // An item slotted where its restrictions forbid.
    let e = refused_after("hazmat", "items.csv", |t| set_field(t, 2, 9, "HAZMAT"));
    assert!(
        e.contains("`item`: item \"SKU00001\" needs HAZMAT, which location"),
        "{e}"
    );
    assert!(e.contains("stock.csv:"), "{e}");

    // An unknown location type and a missing column.
    let e = refused_after("type", "locations.csv", |t| set_field(t, 5, 1, "SHELF"));
    assert!(
        e.contains(
            "locations.csv:5:2: `type`: expected one of PICK, RESERVE, STAGE, DOCK, got \"SHELF\""
        ),
        "{e}"
    );
    let e = refused_after("column", "items.csv", |t| {
        t.replacen("weight_kg", "mass", 1)
    });
    assert!(
        e.contains("items.csv:1: `weight_kg`: the header has no `weight_kg` column"),
        "{e}"
    );

    // Past the limit, the rest are counted.
    let e = refused_after("many", "stock.csv", |t| {
        t.lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    l.to_owned()
                } else {
                    l.replacen(',', ",x", 1)
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    assert_eq!(e.matches("`item`: unknown item").count(), 100, "{e}");
    assert!(
        e.contains("more problems in this file (the first 100 are listed)"),
        "{e}"
    );

    // Plates that sit on each other, and a pallet in two places.
    let e = refused_after("plates", "stock.csv", |t| {
        let t = set_field(t, 2, 3, "P1");
        let t = set_field(&t, 2, 4, "P2");
        let t = set_field(&t, 3, 3, "P2");
        let t = set_field(&t, 3, 4, "P1");
        let t = set_field(&t, 4, 3, "C1");
        let t = set_field(&t, 4, 4, "PAL");
        let t = set_field(&t, 5, 3, "C2");
        set_field(&t, 5, 4, "PAL")
    });
    assert!(
        e.contains(
            "stock.csv:2:5: `parent_plate`: plate \"P1\" sits, through its parents, on itself"
        ),
        "{e}"
    );
    assert!(
        e.contains("stock.csv:3:5: `parent_plate`: plate \"P2\" sits"),
        "{e}"
    );
    assert!(
        e.contains("stock.csv:5:5: `parent_plate`: plate \"PAL\" is in one place: its plate \"C1\" (line 4) is elsewhere"),
        "{e}"
    );

    // The roster: a shift the scenario has not, and a headcount it
    // contradicts.
    let e = refused_after("people", "people.csv", |t| set_field(t, 2, 1, "night"));
    assert!(
        e.contains(
            "people.csv:2:2: `shift`: unknown shift \"night\": the scenario's shifts are day"
        ),
        "{e}"
    );
    let e = refused_after("headcount", "people.csv", |t| {
        t.lines().take(3).collect::<Vec<_>>().join("\n")
    });
    assert!(
        e.contains("`associates.shifts[0].headcount`: the people file has 2 associates on shift \"day\", but its headcount is 3"),
        "{e}"
    );

    // A pick face holds one item; a stage lane per pack station.
    let e = refused_after("two-items", "stock.csv", |t| {
        let first = t.lines().nth(1).unwrap().to_owned();
        set_field(t, 3, 0, first.split(',').next().unwrap())
    });
    assert!(
        e.contains("already holds item \"SKU00001\": a pick face holds one item"),
        "{e}"
    );
    let e = refused_after("stations", "locations.csv", |t| {
        t.lines()
            .filter(|l| !l.starts_with("STAGE-PS1,"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    assert!(
        e.contains("`packing.stations`: the site's locations file has"),
        "{e}"
    );
}

#[test]
fn the_shipped_site_from_files_runs_and_its_export_runs_the_same() {
    let riverside =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sites/riverside/riverside.toml");
    let dir = scratch("riverside");
    run(&riverside, &dir.join("run"));
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("run/summary.json")).unwrap()).unwrap();
    let n = |k: &str| summary[k].as_u64().unwrap();
    assert!(n("orders_shipped") > 1000, "{summary}");
    assert_eq!(
        n("units_ordered"),
        n("units_shipped") + n("units_short") + n("units_open"),
        "{summary}"
    );
    // Orders name the site's own item codes.
    let picks = crate::read(&dir.join("run/picks.parquet"));
    let skus = picks.column_by_name("sku").unwrap();
    let skus = arrow::array::AsArray::as_string::<i32>(skus);
    assert!(
        skus.iter()
            .flatten()
            .all(|s| s.len() == 8 && s.as_bytes()[3] == b'-')
    );

    export(&riverside, &dir.join("export"));
    run(&dir.join("export/scenario.toml"), &dir.join("again"));
    for ((name, x), (_, y)) in reports(&dir.join("run"))
        .iter()
        .zip(&reports(&dir.join("again")))
    {
        assert!(x == y, "{name} differs between the site and its export");
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_site_file_may_be_parquet_with_typed_columns() {
    use arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
    use std::sync::Arc;
    let dir = scratch("parquet");
    export(&example("small-dc.toml"), &dir);
    // The item master as Parquet, numbers typed as numbers.
    let text = fs::read_to_string(dir.join("items.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let strings = |i: usize| -> ArrayRef {
        Arc::new(StringArray::from(
            rows.iter().map(|r| r[i]).collect::<Vec<_>>(),
        ))
    };
    let floats = |i: usize| -> ArrayRef {
        Arc::new(Float64Array::from(
            rows.iter()
                .map(|r| r[i].parse::<f64>().unwrap())
                .collect::<Vec<_>>(),
        ))
    };
    let batch = RecordBatch::try_from_iter([
        ("code", strings(0)),
        ("volume_l", floats(6)),
        ("weight_kg", floats(7)),
        (
            "units_per_case",
            Arc::new(Int64Array::from(
                rows.iter()
                    .map(|r| r[8].parse::<i64>().unwrap())
                    .collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        ("abc", strings(10)),
    ])
    .unwrap();
    let file = fs::File::create(dir.join("items.parquet")).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    let toml = fs::read_to_string(dir.join("scenario.toml")).unwrap();
    fs::write(
        dir.join("parquet.toml"),
        toml.replace("items = \"items.csv\"", "items = \"items.parquet\""),
    )
    .unwrap();
    run(&dir.join("scenario.toml"), &dir.join("csv"));
    run(&dir.join("parquet.toml"), &dir.join("pq"));
    for ((name, x), (_, y)) in reports(&dir.join("csv"))
        .iter()
        .zip(&reports(&dir.join("pq")))
    {
        assert!(
            x == y,
            "{name} differs between the CSV and the Parquet item master"
        );
    }
    fs::remove_dir_all(dir).unwrap();
}

/// A CSV's rows (header left out) as maps from column name to cell.
fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

#[test]
fn slot_moves_fast_movers_forward_within_their_areas_and_measures_the_saving() {
    let riverside =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sites/riverside/riverside.toml");
    let dir = scratch("slot");
    let out = run_ok(
        paklog()
            .arg("slot")
            .arg(&riverside)
            .arg("--out")
            .arg(&dir)
            .args(["--replications", "3", "-q"]),
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed.contains("velocity from the scenario's demand model"),
        "{printed}"
    );
    // The static estimate falls.
    let walk = printed
        .lines()
        .find(|l| l.starts_with("walk from the nearest depot"))
        .unwrap();
    let metres: Vec<f64> = walk
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(metres[1] < metres[0], "{walk}");

    let locations: std::collections::HashMap<String, _> =
        csv_rows(&riverside.with_file_name("locations.csv"))
            .into_iter()
            .map(|r| (r["code"].clone(), r))
            .collect();
    let moves = csv_rows(&dir.join("moves.csv"));
    assert!(moves.len() > 50, "{} moves", moves.len());
    let needs: std::collections::HashMap<String, String> =
        csv_rows(&riverside.with_file_name("items.csv"))
            .into_iter()
            .map(|r| (r["code"].clone(), r["restrictions"].clone()))
            .collect();
    let list = |t: &str| -> Vec<String> {
        t.split(';')
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    };
    for m in &moves {
        let to = &locations[&m["to"]];
        let (need, has) = (list(&needs[&m["item"]]), list(&to["restrictions"]));
        // The item's needs are met, and no area apart is entered: only
        // HEAVY shelving (where ordinary items already sit) is shared.
        assert!(need.iter().all(|n| has.contains(n)), "{m:?}");
        assert!(
            has.iter().all(|r| need.contains(r) || r == "HEAVY"),
            "{m:?}"
        );
        assert_eq!(to["active"], "true", "{m:?}");
        assert_eq!(to["type"], "PICK", "{m:?}");
    }
    // The new slotting holds every face once.
    let slotting = csv_rows(&dir.join("slotting.csv"));
    let stock_faces = csv_rows(&riverside.with_file_name("stock.csv"))
        .into_iter()
        .filter(|r| locations[&r["location"]]["type"] == "PICK")
        .count();
    assert_eq!(slotting.len(), stock_faces);
    let taken: std::collections::HashSet<_> = slotting.iter().map(|r| &r["location"]).collect();
    assert_eq!(taken.len(), slotting.len());

    // Simulated with common random numbers: less walking per line.
    let comparison = crate::read(&dir.join("study/comparison.parquet"));
    let col = |name: &str| {
        let c = comparison.column_by_name(name).unwrap();
        let to = if name == "mean" {
            arrow::datatypes::DataType::Float64
        } else {
            arrow::datatypes::DataType::Utf8
        };
        arrow::compute::cast(c, &to).unwrap()
    };
    let (variant, kpi, mean) = (col("variant"), col("kpi"), col("mean"));
    let variant = arrow::array::AsArray::as_string::<i32>(&variant);
    let kpi = arrow::array::AsArray::as_string::<i32>(&kpi);
    let mean = arrow::array::AsArray::as_primitive::<arrow::datatypes::Float64Type>(&mean);
    let per_line = |v: &str| {
        (0..comparison.num_rows())
            .find(|&i| variant.value(i) == v && kpi.value(i) == "travel_per_line_m")
            .map(|i| mean.value(i))
            .unwrap()
    };
    assert!(
        per_line("slotted") < per_line("current"),
        "{} vs {}",
        per_line("slotted"),
        per_line("current")
    );

    // The slotted scenario exports and runs from files to the same reports.
    let slotted = dir.join("slotted.toml");
    let text = fs::read_to_string(&riverside).unwrap().replace(
        "abc = { a_skus",
        &format!(
            "slotting_file = {}\nabc = {{ a_skus",
            toml::Value::String(dir.join("slotting.csv").display().to_string())
        ),
    );
    for f in ["locations.csv", "items.csv", "stock.csv", "people.csv"] {
        fs::copy(riverside.with_file_name(f), dir.join(f)).unwrap();
    }
    fs::write(&slotted, text).unwrap();
    run(&slotted, &dir.join("slotted-run"));
    export(&slotted, &dir.join("export"));
    run(&dir.join("export/scenario.toml"), &dir.join("export-run"));
    for ((name, x), (_, y)) in reports(&dir.join("slotted-run"))
        .iter()
        .zip(&reports(&dir.join("export-run")))
    {
        assert!(
            x == y,
            "{name} differs between the slotted site and its export"
        );
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_bad_slotting_file_is_named_by_line_column_and_field() {
    let dir = scratch("bad-slotting");
    export(&example("small-dc.toml"), &dir);
    let toml = fs::read_to_string(dir.join("scenario.toml")).unwrap();
    fs::write(
        dir.join("scenario.toml"),
        toml.replacen("[skus]\n", "[skus]\nslotting_file = \"slotting.csv\"\n", 1),
    )
    .unwrap();
    fs::write(
        dir.join("slotting.csv"),
        "location,item,units\n\
         A01-B1-01-1L,SKU00001,10\n\
         A01-B1-01-1L,SKU00002,10\n\
         A99-B1-01-1L,SKU00003,10\n\
         A01-B1-01-1R,NOPE,10\n\
         STAGE-PS1,SKU00004,10\n\
         A01-B1-02-1L,SKU00005,ten\n",
    )
    .unwrap();
    let out = paklog()
        .arg("validate")
        .arg(dir.join("scenario.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    for expected in [
        "slotting.csv:3:1: `location`: location \"A01-B1-01-1L\" is already a pick face on line 2",
        "slotting.csv:4:1: `location`: unknown location \"A99-B1-01-1L\": not a location of the site",
        "slotting.csv:5:2: `item`: unknown item \"NOPE\": not an item of the site",
        "slotting.csv:6:1: `location`: a pick face must be a PICK location; \"STAGE-PS1\" is a STAGE",
        "slotting.csv:7:3: `units`: expected a whole number ≥ 1, got \"ten\"",
    ] {
        assert!(e.contains(expected), "{expected}\n---\n{e}");
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn slot_takes_velocity_from_an_order_history_with_the_sites_codes() {
    let riverside =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sites/riverside/riverside.toml");
    let dir = scratch("slot-history");
    fs::create_dir_all(&dir).unwrap();
    // A slow T-shirt (class C) became the fastest item of all.
    let mut history = String::from("order_id,created_s,sku,quantity,carrier\n");
    for i in 0..50 {
        history.push_str(&format!("H{i},{},100-0001,1,DPD\n", i * 60));
    }
    history.push_str("H99,4000,100-0002,1,DPD\n");
    fs::write(dir.join("history.csv"), &history).unwrap();
    let out = run_ok(
        paklog()
            .arg("slot")
            .arg(&riverside)
            .arg("--history")
            .arg(dir.join("history.csv"))
            .arg("--out")
            .arg(dir.join("out"))
            .args(["--replications", "0"]),
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("velocity from the history"), "{printed}");
    let moves = csv_rows(&dir.join("out/moves.csv"));
    // It leaves the third level of the first bay for the golden level.
    assert_eq!(moves[0]["item"], "100-0001", "{moves:?}");
    assert_eq!(moves[0]["from"], "01-001-CL");
    assert_eq!(moves[0]["to"], "01-001-BL");
    assert_eq!(moves[0]["class"], "A");

    // An item the site does not have is named by line and column.
    fs::write(
        dir.join("history.csv"),
        history.replace("H3,180,100-0001", "H3,180,999-9999"),
    )
    .unwrap();
    let out = paklog()
        .arg("slot")
        .arg(&riverside)
        .arg("--history")
        .arg(dir.join("history.csv"))
        .args(["--replications", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(e.contains("history.csv:5:3: `sku`"), "{e}");
    assert!(e.contains("999-9999"), "{e}");
    fs::remove_dir_all(dir).unwrap();
}

/// Copies the shipped riverside site into a scratch folder.
fn riverside_copy(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sites/riverside");
    let dir = scratch(name);
    fs::create_dir_all(&dir).unwrap();
    for f in fs::read_dir(&from).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// `paklog validate` on the riverside copy in `dir`: its refusal.
fn refused(dir: &Path) -> String {
    let out = paklog()
        .arg("validate")
        .arg(dir.join("riverside.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn an_irregular_site_is_walked_on_its_network_and_its_bad_places_are_named() {
    // Riverside's hazmat aisles 13 and 14 are a room entered from the front
    // cross aisle: both at 18.75 m is out and back each (2 × 41.6 m across
    // + 4 × 18.75 m), not over the middle cross aisle (143.2 m on a grid).
    // The cage behind aisle 11 opens onto the middle cross aisle (30 m up
    // aisle 1, 32 m across, 1.25 m in, and back). Reserve R01-01 stands off
    // the grid at (−5, 1.5), reached straight from the depot's junction.
    let dir = riverside_copy("irregular");
    let picks = dir.join("picks.csv");
    fs::write(
        &picks,
        "list_id,location_id\n1,13-008-AL\n1,14-008-AL\n2,CG-01-AL\n3,R01-01\n",
    )
    .unwrap();
    let out = run_ok(
        paklog()
            .arg("route")
            .arg(dir.join("riverside.toml"))
            .args(["--policy", "all", "--picks"])
            .arg(&picks),
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let reserve = format!("{:.3}", 2.0 * 5.0f64.hypot(1.5));
    for line in [
        "1,optimal,158.200".to_owned(),
        "2,optimal,126.500".to_owned(),
        format!("3,optimal,{reserve}"),
    ] {
        assert!(printed.contains(&line), "{line} in\n{printed}");
    }
    assert!(!printed.contains("s_shape"), "{printed}");
    let note = String::from_utf8(out.stderr).unwrap();
    assert!(note.contains("defined for the perfect grid"), "{note}");

    // A run says which routing ran and how far above a lower bound.
    run(&dir.join("riverside.toml"), &dir.join("run"));
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("run/summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["routing"],
        "held_karp up to 13 stops, nearest_neighbour + 2-opt beyond"
    );
    assert!(summary["routing_trips_sampled"].as_u64().unwrap() > 100);
    let gap = summary["routing_gap_pct"].as_f64().unwrap();
    assert!((0.0..5.0).contains(&gap), "{gap}");

    // A grid heuristic on it is refused, naming why.
    let scenario = dir.join("riverside.toml");
    let text = fs::read_to_string(&scenario).unwrap();
    fs::write(
        &scenario,
        text.replace("routing = \"optimal\"", "routing = \"s_shape\""),
    )
    .unwrap();
    let e = refused(&dir);
    assert!(
        e.contains("`strategy.routing`: \"s_shape\" is defined for the perfect grid of blocks, and aisle 11 is a dead end in block 2"),
        "{e}"
    );
    // A passage off the layout.
    fs::write(
        &scenario,
        text.replace("open = \"front\" },\n  { first_aisle = 12", "open = \"front\" },\n  { first_aisle = 12, block = 3, open = \"none\" },\n  { first_aisle = 12"),
    )
    .unwrap();
    let e = refused(&dir);
    assert!(
        e.contains("`layout.passages[1].block`: must be a block from 1 to 2, got 3"),
        "{e}"
    );
    fs::write(&scenario, &text).unwrap();

    // Places: x without y, an aisle and coordinates both, a pick face in a
    // block its aisle does not reach.
    let locations = dir.join("locations.csv");
    let rows = fs::read_to_string(&locations).unwrap();
    let line_of = |code: &str| rows.lines().position(|l| l.starts_with(code)).unwrap() + 1;
    let (reserve, pick, ambient) = (
        line_of("R01-01,"),
        line_of("01-001-AL,"),
        line_of("12-001-AL,"),
    );
    let t = set_field(&rows, reserve, 15, "");
    let t = set_field(&t, pick, 14, "3.5");
    let t = set_field(&t, pick, 15, "4");
    let t = set_field(&t, ambient, 7, "45");
    fs::write(&locations, t).unwrap();
    let e = refused(&dir);
    for expected in [
        format!(
            "locations.csv:{reserve}:16: `y_m`: a place off the aisle grid needs both `x_m` and `y_m`, got only `x_m`"
        ),
        format!(
            "locations.csv:{pick}:4: `aisle`: a place off the aisle grid (`x_m`, `y_m`) has no `aisle` nor `depth_m`"
        ),
        format!(
            "locations.csv:{ambient}:8: `depth_m`: aisle 12 has no aisle in block 2 (`layout.passages` says `open = \"none\"`)"
        ),
    ] {
        assert!(e.contains(&expected), "{expected}\nin\n{e}");
    }
    fs::remove_dir_all(dir).unwrap();
}
