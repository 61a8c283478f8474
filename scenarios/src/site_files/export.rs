//! Writing any scenario's site as files (`paklog site export`), and the
//! scenario that runs from them.

use std::path::{Path, PathBuf};

use paklog_domain::location_master::{LocationKind, LocationMaster};
use paklog_domain::{LocationId, SiteConfig, SkuId};
use paklog_sim::RngStreams;

use super::{LOCATION_COLUMNS, STOCK_COLUMNS};
use crate::load::LoadedScenario;
use crate::schema::{Scenario, SiteFiles};

/// The files `export` writes, by name, as CSV text.
pub(crate) fn tables(s: &Scenario) -> [(&'static str, String); 4] {
    let (config, master) = crate::build::site(s, &RngStreams::new(s.seed));
    [
        ("locations.csv", locations(&master)),
        ("items.csv", items(&config)),
        ("stock.csv", stock(s, &config, &master)),
        ("people.csv", people(s, &config, &master)),
    ]
}

/// Writes the scenario's site into `dir` as `locations.csv`, `items.csv`
/// and `stock.csv`, its order trace (if it replays one) as `orders.*`, and
/// `scenario.toml`, which runs the same day from those files. Returns the
/// files written.
///
/// # Errors
/// A file that cannot be written, as a message naming it.
pub fn export(loaded: &LoadedScenario, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let s = &loaded.scenario;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut written = Vec::new();
    let mut write = |name: &str, text: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
        Ok::<(), String>(())
    };
    for (name, text) in tables(s) {
        write(name, text.as_bytes())?;
    }
    let mut scenario = exported_scenario(s);
    if let Some(trace) = &s.demand.trace {
        let from = loaded.file.parent().unwrap_or(Path::new(".")).join(trace);
        let name = match Path::new(trace).extension() {
            Some(e) => format!("orders.{}", e.to_string_lossy()),
            None => "orders.csv".to_owned(),
        };
        let bytes = std::fs::read(&from).map_err(|e| format!("{}: {e}", from.display()))?;
        write(&name, &bytes)?;
        scenario.demand.trace = Some(name);
    }
    let toml = toml::to_string(&scenario).map_err(|e| format!("scenario.toml: {e}"))?;
    let text = format!(
        "# The scenario \"{}\" with its site as files (written by `paklog site export`):\n\
         # locations.csv, items.csv and stock.csv. `paklog run` on this file gives the\n\
         # same reports as the scenario it came from.\n\n{toml}",
        s.name
    );
    write("scenario.toml", text.as_bytes())?;
    Ok(written)
}

/// The scenario that runs `s`'s day from its exported files: the same but
/// for `[site]`, and with what generated the site left out.
#[must_use]
pub fn exported_scenario(s: &Scenario) -> Scenario {
    let mut out = s.clone();
    out.site = Some(SiteFiles {
        locations: "locations.csv".into(),
        items: "items.csv".into(),
        stock: "stock.csv".into(),
        people: Some("people.csv".into()),
        data: None,
    });
    out.layout.bays_per_aisle = None;
    out.layout.levels = None;
    out.layout.two_sided = true;
    out.layout.zones.clear();
    out.skus.count = None;
    out.skus.unit_volume_l = None;
    out.skus.unit_weight_kg = None;
    out.skus.slotting = crate::schema::Slotting::default();
    out.skus.slotting_file = None;
    out.skus.slotting_faces = None;
    out.inventory.pick_faces_per_sku = 1;
    out.inventory.pick_face_units = None;
    out.inventory.reserve_units = 0;
    out
}

/// The roster: each associate's shift and skills, and their zone when
/// the people file gave one.
fn people(s: &Scenario, config: &SiteConfig, master: &LocationMaster) -> String {
    let given = crate::build::people_by_shift(s)
        .map(|people| people.iter().map(|p| p.zone).collect::<Vec<_>>());
    csv_text(
        &["name", "shift", "skills", "zone"],
        crate::build::roster(s)
            .into_iter()
            .zip(&config.associates)
            .enumerate()
            .map(|(i, (r, a))| {
                let zone = given
                    .as_ref()
                    .and_then(|z| z[i])
                    .map(|z| master.zones[z as usize].clone());
                vec![
                    r.name,
                    s.associates.shifts[r.shift].name.clone(),
                    if a.express { "pick;express" } else { "pick" }.to_owned(),
                    zone.unwrap_or_default(),
                ]
            }),
    )
}

/// A CSV file's text: `header`, then `rows`.
#[must_use]
pub fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn locations(master: &LocationMaster) -> String {
    // `x_m` and `y_m` only for a site with places off the aisle grid.
    let off_grid = master.locations.iter().any(|l| l.point.site.is_some());
    let columns = if off_grid {
        &LOCATION_COLUMNS[..]
    } else {
        &LOCATION_COLUMNS[..LOCATION_COLUMNS.len() - 2]
    };
    csv_text(
        columns,
        master.locations.iter().map(|l| {
            let placed = l.level > 0;
            let site = l.point.site;
            let on_grid = |v: String| if site.is_some() { String::new() } else { v };
            let mut row = vec![
                l.code.clone(),
                l.kind.name().to_owned(),
                master.zones[l.zone as usize].clone(),
                on_grid((l.point.aisle + 1).to_string()),
                opt(placed.then_some(l.bay + 1)),
                opt(placed.then_some(l.level)),
                opt(l.side.map(|s| format!("{s:?}"))),
                on_grid(l.point.y.to_string()),
                opt(l.capacity.units),
                opt(l.capacity.volume_l),
                opt(l.capacity.weight_kg),
                l.restrictions.join(";"),
                l.active.to_string(),
                opt(l.slotting_class.map(|c| format!("{c:?}"))),
            ];
            if off_grid {
                row.extend([opt(site.map(|s| s[0])), opt(site.map(|s| s[1]))]);
            }
            row
        }),
    )
}

fn items(config: &SiteConfig) -> String {
    csv_text(
        &[
            "code",
            "barcodes",
            "description",
            "length_cm",
            "width_cm",
            "height_cm",
            "volume_l",
            "weight_kg",
            "units_per_case",
            "restrictions",
            "abc",
        ],
        config.skus.iter().map(|k| {
            let d = |i: usize| opt(k.dims_cm.map(|d| d[i]));
            vec![
                k.code.clone(),
                k.barcodes.join(";"),
                k.description.clone(),
                d(0),
                d(1),
                d(2),
                k.volume_l.to_string(),
                k.weight_kg.to_string(),
                k.units_per_case.to_string(),
                k.restrictions.join(";"),
                format!("{:?}", k.abc),
            ]
        }),
    )
}

fn stock(s: &Scenario, config: &SiteConfig, master: &LocationMaster) -> String {
    let header = STOCK_COLUMNS;
    let code = |l: LocationId| master.get(l).code.clone();
    let item = |k: SkuId| config.skus[k.index()].code.clone();
    let faces = || {
        config.opening_faces().map(|(k, l, units)| {
            vec![
                code(l),
                item(k),
                units.to_string(),
                String::new(),
                String::new(),
            ]
        })
    };
    if let Some(data) = s.site.as_ref().and_then(|f| f.data.as_ref()) {
        // A slotting file's faces replace the stock file's.
        let slotted = s.skus.slotting_faces.is_some();
        let faces = faces().filter(|_| slotted);
        let rows = data
            .stock
            .iter()
            .filter(|r| !slotted || master.get(r.location).kind != LocationKind::Pick)
            .map(|r| {
                vec![
                    code(r.location),
                    item(r.item),
                    r.units.to_string(),
                    r.plate.clone().unwrap_or_default(),
                    r.parent_plate.clone().unwrap_or_default(),
                ]
            });
        return csv_text(&header, faces.chain(rows));
    }
    // A generated site: its faces, then each SKU's reserve in the reserve
    // location of the same number.
    let reserve: Vec<LocationId> = master
        .locations
        .iter()
        .filter(|l| l.kind == LocationKind::Reserve)
        .map(|l| l.id)
        .collect();
    let reserves = (0..config.skus.len())
        .filter(|_| config.reserve_units > 0)
        .map(|i| {
            vec![
                code(reserve[i % reserve.len().max(1)]),
                item(SkuId(i as u32)),
                config.reserve_units.to_string(),
                String::new(),
                String::new(),
            ]
        });
    csv_text(&header, faces().chain(reserves))
}
