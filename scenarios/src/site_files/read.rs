//! Reading and checking a site's files.

use std::collections::hash_map::Entry;
use std::path::Path;

// Codes of a million locations are looked up: a fast hash, not SipHash.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use paklog_domain::config::SkuSpec;
use paklog_domain::location_master::{
    AbcClass, Capacity, LayoutSpec, Location, LocationKind, Passage, Point, Side,
};
use paklog_domain::{LocationId, SkuId};

use super::{LOCATION_COLUMNS, Person, STOCK_COLUMNS, SiteData, StockRow};
use crate::error::ScenarioError;
use crate::schema::{Shift, Skill};
use crate::table::{self, Columns, Problems, Reported, Row, Table};

/// Reads and checks a site's three files against the walking network of
/// `layout` (its blocks, aisles, aisle length and depot): every problem of
/// every file, each by file, line, column and field, up to
/// [`table::MAX_PROBLEMS_PER_FILE`] per file.
///
/// # Errors
/// Every problem found.
pub fn read(
    files: &Files<'_>,
    layout: &LayoutSpec,
    shifts: &[Shift],
) -> Result<SiteData, Vec<ScenarioError>> {
    let mut errors = Vec::new();
    let mut site = Site {
        shifts: shifts
            .iter()
            .map(|s| (s.name.clone(), s.skills.contains(&Skill::Express)))
            .collect(),
        ..Site::default()
    };
    let people = files.people.map(|p| (p, Site::people as Reader));
    for (path, read) in [
        (files.locations, Site::locations as Reader),
        (files.items, Site::items),
        (files.stock, Site::stock),
    ]
    .into_iter()
    .chain(people)
    {
        let mut problems = Problems::new(path);
        match Table::read(path) {
            Ok(table) => read(&mut site, &table, layout, &mut problems),
            Err(m) => problems.add(0, None, "", m),
        }
        errors.extend(problems.into_errors());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut reserve: Vec<(SkuId, LocationId, u32)> = site
        .reserve
        .into_iter()
        .map(|(k, (l, u))| (k, l, u))
        .collect();
    reserve.sort_unstable();
    Ok(SiteData {
        zones: site.zones,
        locations: site.locations,
        items: site.items,
        stock: site.stock,
        faces: site.faces,
        reserve,
        people: files.people.map(|_| site.people),
    })
}

/// The paths of a site's files.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    /// Locations.
    pub locations: &'a Path,
    /// The item master.
    pub items: &'a Path,
    /// Opening stock.
    pub stock: &'a Path,
    /// The roster, if given.
    pub people: Option<&'a Path>,
}

type Reader = fn(&mut Site, &Table, &LayoutSpec, &mut Problems);

/// What has been read so far. Codes of rows that had a problem are kept
/// too (with no id), so that a later file naming them is not told they do
/// not exist.
#[derive(Default)]
struct Site {
    zones: Vec<String>,
    locations: Vec<Location>,
    location_codes: HashMap<String, (usize, Option<LocationId>)>,
    items: Vec<SkuSpec>,
    item_codes: HashMap<String, (usize, Option<SkuId>)>,
    barcodes: HashMap<String, String>,
    stock: Vec<StockRow>,
    faces: Vec<(SkuId, LocationId, u32)>,
    face_of: HashMap<LocationId, usize>,
    reserve: HashMap<SkuId, (LocationId, u32)>,
    /// Units, litres and kilograms in each location so far.
    held: HashMap<LocationId, (u64, f64, f64)>,
    /// Each plate's line, location and parent.
    plates: HashMap<String, (usize, LocationId, Option<String>)>,
    /// Where each parent plate is: its first child's location, code and
    /// line.
    parents: HashMap<String, (LocationId, String, usize)>,
    /// The scenario's shifts: name, and whether its people pick express.
    shifts: Vec<(String, bool)>,
    people: Vec<Person>,
    person_lines: HashMap<String, usize>,
}

impl Site {
    fn locations(&mut self, table: &Table, layout: &LayoutSpec, problems: &mut Problems) {
        let Some(columns) = Columns::find(
            table,
            &LOCATION_COLUMNS[..3],
            &LOCATION_COLUMNS[3..],
            problems,
        ) else {
            return;
        };
        let expected = Expected::of(layout);
        for row in columns.rows(table, problems) {
            let code = row.text("code");
            if code.is_empty() {
                row.fail(
                    problems,
                    "code",
                    "expected a location code, got nothing".into(),
                );
                continue;
            }
            match self.location_codes.entry(code.to_owned()) {
                Entry::Occupied(first) => {
                    row.fail(
                        problems,
                        "code",
                        format!(
                            "duplicate code \"{code}\": already on line {}",
                            first.get().0
                        ),
                    );
                    continue;
                }
                Entry::Vacant(v) => {
                    v.insert((row.line, None));
                }
            }
            if let Ok(location) = self.location(&row, layout, &expected, problems) {
                let id = LocationId(self.locations.len() as u32);
                self.location_codes
                    .insert(code.to_owned(), (row.line, Some(id)));
                self.locations.push(Location { id, ..location });
            }
        }
    }

    fn location(
        &mut self,
        row: &Row<'_>,
        layout: &LayoutSpec,
        expected: &Expected,
        problems: &mut Problems,
    ) -> Result<Location, Reported> {
        let depth = f64::from(layout.blocks) * layout.aisle_length_m;
        let kind = row.need(problems, "type", &expected.kind, |t| {
            LocationKind::ALL
                .into_iter()
                .find(|k| k.name().eq_ignore_ascii_case(t))
        });
        let zone = row.text("zone");
        if zone.is_empty() {
            row.fail(problems, "zone", "expected a zone name, got nothing".into());
        }
        let aisles = layout.aisles;
        let aisle = row.parse(problems, "aisle", &expected.aisle, |t| {
            t.parse::<u32>().ok().filter(|a| (1..=aisles).contains(a))
        });
        let bay = row.parse(problems, "bay", "a whole number ≥ 1", table::whole(1));
        let level = row.parse(problems, "level", "a whole number ≥ 1", table::whole(1));
        let side = row.parse(problems, "side", "L or R", |t| match t {
            "L" | "l" => Some(Side::L),
            "R" | "r" => Some(Side::R),
            _ => None,
        });
        let y = row.parse(problems, "depth_m", &expected.depth, |t| {
            table::non_negative(t).filter(|y| *y <= depth)
        });
        let units = row.parse(
            problems,
            "capacity_units",
            "a whole number ≥ 0",
            table::whole(0),
        );
        let volume = row.parse(
            problems,
            "capacity_volume_l",
            "litres ≥ 0",
            table::non_negative,
        );
        let weight = row.parse(
            problems,
            "capacity_weight_kg",
            "kilograms ≥ 0",
            table::non_negative,
        );
        let active = row.parse(problems, "active", "true or false", table::flag);
        let class = row.parse(problems, "slotting_class", "A, B or C", abc);
        let x_m = row.parse(problems, "x_m", "metres", table::finite);
        let y_m = row.parse(problems, "y_m", "metres", table::finite);
        let (kind, aisle, bay, level, side, y, units, volume, weight, active, class, x_m, y_m) = (
            kind?, aisle?, bay?, level?, side?, y?, units?, volume?, weight?, active?, class?,
            x_m?, y_m?,
        );
        if zone.is_empty() {
            return Err(Reported);
        }
        let off_grid = match (x_m, y_m) {
            (Some(x), Some(y)) => Some((x, y)),
            (None, None) => None,
            (x, _) => {
                let (absent, given) = if x.is_none() {
                    ("x_m", "y_m")
                } else {
                    ("y_m", "x_m")
                };
                row.fail(
                    problems,
                    absent,
                    format!(
                        "a place off the aisle grid needs both `x_m` and `y_m`, got only `{given}`"
                    ),
                );
                return Err(Reported);
            }
        };
        if off_grid.is_some() && (aisle.is_some() || y.is_some()) {
            let field = if aisle.is_some() { "aisle" } else { "depth_m" };
            row.fail(
                problems,
                field,
                "a place off the aisle grid (`x_m`, `y_m`) has no `aisle` nor `depth_m`".into(),
            );
            return Err(Reported);
        }
        let pick = kind == LocationKind::Pick;
        let mut missing = false;
        for (name, absent) in [
            ("aisle", aisle.is_none() && off_grid.is_none()),
            ("depth_m", y.is_none() && aisle.is_some()),
            ("bay", bay.is_none()),
            ("level", level.is_none()),
        ] {
            if pick && absent {
                let needs = if name == "aisle" {
                    "`aisle` and `depth_m`, or `x_m` and `y_m` off the aisle grid".to_owned()
                } else {
                    format!("`{name}`")
                };
                row.fail(
                    problems,
                    name,
                    format!("a PICK location needs {needs}, got nothing"),
                );
                missing = true;
            }
        }
        if missing {
            return Err(Reported);
        }
        let point = match (aisle, off_grid) {
            (_, Some((x, y))) => Point::off_grid(x, y),
            (Some(a), None) => Point::new(a - 1, y.unwrap_or(0.0)),
            (None, None) => Point::new(layout.depot_aisle, 0.0),
        };
        if pick && point.site.is_none() {
            let length = layout.aisle_length_m;
            let block = ((point.y / length) as u32).min(layout.blocks.saturating_sub(1));
            let on_junction = (point.y / length - (point.y / length).round()).abs() < 1e-9;
            if !on_junction
                && layout
                    .passages
                    .iter()
                    .any(|&(a, b, p)| (a, b, p) == (point.aisle, block, Passage::None))
            {
                row.fail(
                    problems,
                    "depth_m",
                    format!(
                        "aisle {} has no aisle in block {} (`layout.passages` says `open = \"none\"`)",
                        point.aisle + 1,
                        block + 1
                    ),
                );
                return Err(Reported);
            }
        }
        let block = ((point.y / layout.aisle_length_m) as u32).min(layout.blocks.saturating_sub(1));
        let zone = match self.zones.iter().position(|z| z == zone) {
            Some(z) => z,
            None => {
                self.zones.push(zone.to_owned());
                self.zones.len() - 1
            }
        } as u16;
        Ok(Location {
            id: LocationId(0),
            code: row.text("code").to_owned(),
            kind,
            zone,
            point,
            block,
            bay: bay.map_or(0, |b| b - 1),
            level: level.unwrap_or(0),
            abc: None,
            sku: None,
            side,
            capacity: Capacity {
                units,
                volume_l: volume,
                weight_kg: weight,
            },
            restrictions: restrictions(row.text("restrictions")),
            active: active.unwrap_or(true),
            slotting_class: class,
        })
    }

    fn items(&mut self, table: &Table, _: &LayoutSpec, problems: &mut Problems) {
        let Some(columns) = Columns::find(
            table,
            &["code", "weight_kg"],
            &[
                "barcodes",
                "description",
                "length_cm",
                "width_cm",
                "height_cm",
                "volume_l",
                "units_per_case",
                "restrictions",
                "abc",
            ],
            problems,
        ) else {
            return;
        };
        for row in columns.rows(table, problems) {
            let code = row.text("code");
            if code.is_empty() {
                row.fail(
                    problems,
                    "code",
                    "expected an item code, got nothing".into(),
                );
                continue;
            }
            match self.item_codes.entry(code.to_owned()) {
                Entry::Occupied(first) => {
                    row.fail(
                        problems,
                        "code",
                        format!(
                            "duplicate code \"{code}\": already on line {}",
                            first.get().0
                        ),
                    );
                    continue;
                }
                Entry::Vacant(v) => {
                    v.insert((row.line, None));
                }
            }
            let Ok(item) = self.item(&row, problems) else {
                continue;
            };
            let id = SkuId(self.items.len() as u32);
            self.item_codes
                .insert(code.to_owned(), (row.line, Some(id)));
            self.items.push(item);
        }
    }

    fn item(&mut self, row: &Row<'_>, problems: &mut Problems) -> Result<SkuSpec, Reported> {
        let dims = ["length_cm", "width_cm", "height_cm"]
            .map(|d| row.parse(problems, d, "centimetres > 0", table::positive));
        let volume = row.parse(problems, "volume_l", "litres > 0", table::positive);
        let weight = row.need(problems, "weight_kg", "kilograms > 0", table::positive);
        let per_case = row.parse(
            problems,
            "units_per_case",
            "a whole number ≥ 1",
            table::whole(1),
        );
        let abc = row.parse(problems, "abc", "A, B or C", abc);
        let [l, w, h] = dims;
        let (l, w, h, volume, weight, per_case, abc) =
            (l?, w?, h?, volume?, weight?, per_case?, abc?);
        let dims_cm = match (l, w, h) {
            (Some(l), Some(w), Some(h)) => Some([l, w, h]),
            (None, None, None) => None,
            _ => {
                row.fail(
                    problems,
                    "length_cm",
                    "give all three of length_cm, width_cm and height_cm, or none".into(),
                );
                return Err(Reported);
            }
        };
        let Some(volume_l) = volume.or(dims_cm.map(|[l, w, h]| l * w * h / 1000.0)) else {
            row.fail(
                problems,
                "volume_l",
                "expected litres > 0 (or the three dimensions), got nothing".into(),
            );
            return Err(Reported);
        };
        let code = row.text("code");
        let barcodes = table::list(row.text("barcodes"));
        for b in &barcodes {
            let owner = self.barcodes.get(b).cloned().or_else(|| {
                self.item_codes
                    .get(b)
                    .filter(|_| b != code)
                    .map(|_| b.clone())
            });
            if let Some(owner) = owner {
                row.fail(
                    problems,
                    "barcodes",
                    format!("barcode \"{b}\" already identifies item \"{owner}\""),
                );
                return Err(Reported);
            }
        }
        for b in &barcodes {
            self.barcodes.insert(b.clone(), code.to_owned());
        }
        Ok(SkuSpec {
            barcodes,
            description: row.text("description").to_owned(),
            dims_cm,
            units_per_case: per_case.unwrap_or(1),
            restrictions: restrictions(row.text("restrictions")),
            ..SkuSpec::new(
                code.to_owned(),
                volume_l,
                weight,
                abc.unwrap_or(AbcClass::C),
            )
        })
    }

    fn stock(&mut self, table: &Table, _: &LayoutSpec, problems: &mut Problems) {
        let Some(columns) =
            Columns::find(table, &STOCK_COLUMNS[..3], &STOCK_COLUMNS[3..], problems)
        else {
            return;
        };
        for row in columns.rows(table, problems) {
            let _ = self.stock_row(&row, problems);
        }
        // A plate's parents must end: no plate sits (at any depth) on
        // itself. Each plate is walked once: a walk stops at a plate whose
        // end is known.
        let mut ends: HashMap<&str, bool> = HashMap::new();
        let mut looped: Vec<(usize, String)> = Vec::new();
        let mut codes: Vec<&String> = self.plates.keys().collect();
        codes.sort();
        for start in codes {
            let mut path: Vec<&str> = Vec::new();
            let mut on_path: HashSet<&str> = HashSet::new();
            let mut at = start.as_str();
            let end = loop {
                if let Some(&end) = ends.get(at) {
                    break end;
                }
                if on_path.contains(at)
                    && let Some(i) = path.iter().position(|p| *p == at)
                {
                    for p in &path[i..] {
                        looped.push((self.plates[*p].0, (*p).to_owned()));
                    }
                    break false;
                }
                path.push(at);
                on_path.insert(at);
                match self.plates.get(at).and_then(|p| p.2.as_deref()) {
                    Some(parent) => at = parent,
                    None => break true,
                }
            };
            for p in path {
                ends.insert(p, end);
            }
        }
        looped.sort();
        for (line, plate) in looped {
            problems.add(
                line,
                table.column("parent_plate"),
                "parent_plate",
                format!("plate \"{plate}\" sits, through its parents, on itself"),
            );
        }
    }

    fn stock_row(&mut self, row: &Row<'_>, problems: &mut Problems) -> Result<(), Reported> {
        let units = row.need(problems, "units", "a whole number ≥ 1", table::whole(1));
        let location = known(row, problems, "location", "locations", &self.location_codes);
        let item = known(row, problems, "item", "items", &self.item_codes);
        let (units, location, item) = (units?, location?, item?);
        let (Some(loc), Some(sku)) = (location, item) else {
            // Named a row of the other files that had its own problem.
            return Err(Reported);
        };
        let l = &self.locations[loc.index()];
        let it = &self.items[sku.index()];
        let fail = |problems: &mut Problems, name, message| {
            row.fail(problems, name, message);
            Err(Reported)
        };
        if !matches!(l.kind, LocationKind::Pick | LocationKind::Reserve) {
            return fail(
                problems,
                "location",
                format!(
                    "stock can be only in a PICK or RESERVE location; \"{}\" is a {}",
                    l.code,
                    l.kind.name()
                ),
            );
        }
        if !l.active {
            return fail(
                problems,
                "location",
                format!("location \"{}\" is inactive (`active` false)", l.code),
            );
        }
        if let Some(need) = it.restrictions.iter().find(|r| !l.restrictions.contains(r)) {
            return fail(
                problems,
                "item",
                format!(
                    "item \"{}\" needs {need}, which location \"{}\" does not permit (it permits: {})",
                    it.code,
                    l.code,
                    if l.restrictions.is_empty() {
                        "nothing special".to_owned()
                    } else {
                        l.restrictions.join(", ")
                    }
                ),
            );
        }
        if l.kind == LocationKind::Pick
            && let Some(&f) = self.face_of.get(&loc)
            && self.faces[f].0 != sku
        {
            let other = &self.items[self.faces[f].0.index()].code;
            return fail(
                problems,
                "item",
                format!(
                    "pick location \"{}\" already holds item \"{other}\": a pick face holds one item",
                    l.code
                ),
            );
        }
        let held = self.held.get(&loc).copied().unwrap_or_default();
        let after = (
            held.0 + u64::from(units),
            held.1 + f64::from(units) * it.volume_l,
            held.2 + f64::from(units) * it.weight_kg,
        );
        let c = l.capacity;
        // Said only when over: formatting for every row costs.
        let over = if c.units.is_some_and(|u| after.0 > u64::from(u)) {
            Some(format!("{} units", after.0))
        } else if c.volume_l.is_some_and(|v| after.1 > v + 1e-9) {
            Some(format!("{:.3} l", after.1))
        } else if c.weight_kg.is_some_and(|w| after.2 > w + 1e-9) {
            Some(format!("{:.3} kg", after.2))
        } else {
            None
        };
        if let Some(what) = over {
            return fail(
                problems,
                "units",
                format!(
                    "location \"{}\" would hold {what}, past its capacity ({})",
                    l.code,
                    capacity_text(&c)
                ),
            );
        }
        let plate = Some(row.text("licence_plate")).filter(|p| !p.is_empty());
        let parent = Some(row.text("parent_plate")).filter(|p| !p.is_empty());
        if let Some(parent) = parent {
            if plate.is_none() {
                return fail(
                    problems,
                    "parent_plate",
                    "a parent plate needs the row's own `licence_plate`".into(),
                );
            }
            if plate == Some(parent) {
                return fail(
                    problems,
                    "parent_plate",
                    format!("plate \"{parent}\" cannot sit on itself"),
                );
            }
            let elsewhere = self.parents.get(parent).filter(|(at, _, _)| *at != loc);
            if let Some((_, sibling, line)) = elsewhere {
                return fail(
                    problems,
                    "parent_plate",
                    format!(
                        "plate \"{parent}\" is in one place: its plate \"{sibling}\" (line {line}) is elsewhere"
                    ),
                );
            }
        }
        if let Some(plate) = plate {
            if let Some((first, _, _)) = self.plates.get(plate) {
                return fail(
                    problems,
                    "licence_plate",
                    format!("plate \"{plate}\" is already on line {first}"),
                );
            }
            self.plates
                .insert(plate.to_owned(), (row.line, loc, parent.map(str::to_owned)));
            if let Some(parent) = parent {
                self.parents
                    .entry(parent.to_owned())
                    .or_insert_with(|| (loc, plate.to_owned(), row.line));
            }
        }
        self.held.insert(loc, after);
        if l.kind == LocationKind::Pick {
            match self.face_of.get(&loc) {
                Some(&f) => self.faces[f].2 = self.faces[f].2.saturating_add(units),
                None => {
                    self.face_of.insert(loc, self.faces.len());
                    self.faces.push((sku, loc, units));
                }
            }
        } else {
            let r = self.reserve.entry(sku).or_insert((loc, 0));
            r.1 = r.1.saturating_add(units);
        }
        self.stock.push(StockRow {
            location: loc,
            item: sku,
            units,
            plate: plate.map(str::to_owned),
            parent_plate: parent.map(str::to_owned),
        });
        Ok(())
    }
}

impl Site {
    fn people(&mut self, table: &Table, _: &LayoutSpec, problems: &mut Problems) {
        let Some(columns) = Columns::find(table, &["name", "shift"], &["skills", "zone"], problems)
        else {
            return;
        };
        for row in columns.rows(table, problems) {
            let name = row.text("name");
            if name.is_empty() {
                row.fail(problems, "name", "expected a name, got nothing".into());
                continue;
            }
            if let Some(first) = self.person_lines.get(name) {
                row.fail(
                    problems,
                    "name",
                    format!("duplicate name \"{name}\": already on line {first}"),
                );
                continue;
            }
            self.person_lines.insert(name.to_owned(), row.line);
            let shift_name = row.text("shift");
            let Some(shift) = self.shifts.iter().position(|(s, _)| s == shift_name) else {
                let names: Vec<_> = self.shifts.iter().map(|(s, _)| s.as_str()).collect();
                row.fail(
                    problems,
                    "shift",
                    format!(
                        "unknown shift \"{shift_name}\": the scenario's shifts are {}",
                        names.join(", ")
                    ),
                );
                continue;
            };
            let skills = row.text("skills");
            let express = if skills.is_empty() {
                self.shifts[shift].1
            } else {
                let mut express = false;
                let mut bad = None;
                for s in table::list(skills) {
                    match s.to_ascii_lowercase().as_str() {
                        "pick" => {}
                        "express" => express = true,
                        _ => bad = Some(s),
                    }
                }
                if let Some(s) = bad {
                    row.fail(
                        problems,
                        "skills",
                        format!("expected pick or express, got \"{s}\""),
                    );
                    continue;
                }
                express
            };
            let zone = row.text("zone");
            let zone = if zone.is_empty() {
                None
            } else if let Some(z) = self.zones.iter().position(|z| z == zone) {
                Some(z as u16)
            } else {
                row.fail(
                    problems,
                    "zone",
                    format!("unknown zone \"{zone}\": not a zone of the locations file"),
                );
                continue;
            };
            self.people.push(Person {
                name: name.to_owned(),
                shift,
                express,
                zone,
            });
        }
    }
}

/// The id of the code in column `name` of a stock row: `Ok(None)` if it
/// names a row of the `file` file that had a problem of its own.
fn known<T: Copy>(
    row: &Row<'_>,
    problems: &mut Problems,
    name: &str,
    file: &str,
    codes: &HashMap<String, (usize, Option<T>)>,
) -> Result<Option<T>, Reported> {
    let code = row.text(name);
    match codes.get(code) {
        Some(&(_, id)) => Ok(id),
        None => {
            row.fail(
                problems,
                name,
                if code.is_empty() {
                    format!("expected a code of the {file} file, got nothing")
                } else {
                    format!("unknown {name} \"{code}\": not in the {file} file")
                },
            );
            Err(Reported)
        }
    }
}

/// A velocity class.
fn abc(t: &str) -> Option<AbcClass> {
    match t {
        "A" | "a" => Some(AbcClass::A),
        "B" | "b" => Some(AbcClass::B),
        "C" | "c" => Some(AbcClass::C),
        _ => None,
    }
}

/// What a locations file's cells must be, said once for every row.
struct Expected {
    kind: String,
    aisle: String,
    depth: String,
}

impl Expected {
    fn of(layout: &LayoutSpec) -> Self {
        let kinds: Vec<_> = LocationKind::ALL.iter().map(|k| k.name()).collect();
        let depth = f64::from(layout.blocks) * layout.aisle_length_m;
        Expected {
            kind: format!("one of {}", kinds.join(", ")),
            aisle: format!("an aisle from 1 to {} (layout.aisles)", layout.aisles),
            depth: format!("metres from 0 to {depth} (layout.blocks × layout.aisle_length_m)"),
        }
    }
}

/// Restriction names, upper case.
fn restrictions(text: &str) -> Vec<String> {
    table::list(text)
        .into_iter()
        .map(|r| r.to_ascii_uppercase())
        .collect()
}

fn capacity_text(c: &Capacity) -> String {
    let mut parts = Vec::new();
    if let Some(u) = c.units {
        parts.push(format!("{u} units"));
    }
    if let Some(v) = c.volume_l {
        parts.push(format!("{v} l"));
    }
    if let Some(w) = c.weight_kg {
        parts.push(format!("{w} kg"));
    }
    parts.join(", ")
}
