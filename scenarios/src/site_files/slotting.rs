//! A slotting file (`skus.slotting_file`): every pick face of the site as
//! `location`, `item` and optionally `units`, as `paklog slot` writes it.

use std::collections::HashMap;
use std::path::Path;

use paklog_domain::config::SkuSpec;
use paklog_domain::location_master::slotting::Face;
use paklog_domain::location_master::{LocationKind, LocationMaster};
use paklog_domain::{LocationId, SkuId};

use crate::error::ScenarioError;
use crate::table::{self, Columns, Problems, Table};

/// The columns of a slotting file; the first two are required.
pub const SLOTTING_COLUMNS: [&str; 3] = ["location", "item", "units"];

/// A pick face of a slotting file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRow {
    /// The item.
    pub sku: SkuId,
    /// Its pick location.
    pub location: LocationId,
    /// Units in it, if the file says.
    pub units: Option<u32>,
}

/// Reads and checks a slotting file against the site's locations and its
/// items (their codes, restrictions, unit volumes and weights): every
/// problem, by line and column.
///
/// # Errors
/// Every problem found, up to [`table::MAX_PROBLEMS_PER_FILE`].
pub fn read_slotting(
    path: &Path,
    master: &LocationMaster,
    items: &[SkuSpec],
) -> Result<Vec<SlotRow>, Vec<ScenarioError>> {
    let mut problems = Problems::new(path);
    let mut faces = Vec::new();
    match Table::read(path) {
        Err(m) => problems.add(0, None, "", m),
        Ok(table) => {
            let codes: HashMap<&str, usize> = items
                .iter()
                .enumerate()
                .map(|(i, k)| (k.code.as_str(), i))
                .collect();
            if let Some(columns) = Columns::find(
                &table,
                &SLOTTING_COLUMNS[..2],
                &SLOTTING_COLUMNS[2..],
                &mut problems,
            ) {
                let mut taken: HashMap<LocationId, usize> = HashMap::new();
                for row in columns.rows(&table, &mut problems) {
                    let units = row.parse(
                        &mut problems,
                        "units",
                        "a whole number ≥ 1",
                        table::whole(1),
                    );
                    let code = row.text("location");
                    let Some(l) = master.by_code(code) else {
                        row.fail(
                            &mut problems,
                            "location",
                            format!("unknown location \"{code}\": not a location of the site"),
                        );
                        continue;
                    };
                    let item = row.text("item");
                    let Some(&sku) = codes.get(item) else {
                        row.fail(
                            &mut problems,
                            "item",
                            format!("unknown item \"{item}\": not an item of the site"),
                        );
                        continue;
                    };
                    let Ok(units) = units else { continue };
                    let problem = if l.kind != LocationKind::Pick {
                        Some((
                            "location",
                            format!(
                                "a pick face must be a PICK location; \"{code}\" is a {}",
                                l.kind.name()
                            ),
                        ))
                    } else if !l.active {
                        Some((
                            "location",
                            format!("location \"{code}\" is inactive (`active` false)"),
                        ))
                    } else if let Some(need) = items[sku]
                        .restrictions
                        .iter()
                        .find(|n| !l.restrictions.contains(n))
                    {
                        Some((
                            "item",
                            format!(
                                "item \"{item}\" needs {need}, which location \"{code}\" does not permit"
                            ),
                        ))
                    } else if let Some(first) = taken.get(&l.id) {
                        Some((
                            "location",
                            format!("location \"{code}\" is already a pick face on line {first}"),
                        ))
                    } else if let Some(u) = units
                        && u > l
                            .capacity
                            .most_units(items[sku].volume_l, items[sku].weight_kg)
                    {
                        Some((
                            "units",
                            format!(
                                "{u} units of item \"{item}\" do not fit location \"{code}\" (it holds {} of them)",
                                l.capacity
                                    .most_units(items[sku].volume_l, items[sku].weight_kg)
                            ),
                        ))
                    } else {
                        None
                    };
                    if let Some((field, message)) = problem {
                        row.fail(&mut problems, field, message);
                        continue;
                    }
                    taken.insert(l.id, row.line);
                    faces.push(SlotRow {
                        sku: SkuId(sku as u32),
                        location: l.id,
                        units,
                    });
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(faces)
    } else {
        Err(problems.into_errors())
    }
}

/// A slotting file's text: one row per face, with its units.
#[must_use]
pub fn slotting_csv(master: &LocationMaster, codes: &[String], faces: &[Face]) -> String {
    super::csv_text(
        &SLOTTING_COLUMNS,
        faces.iter().map(|f| {
            vec![
                master.get(f.location).code.clone(),
                codes[f.sku.index()].clone(),
                f.units.to_string(),
            ]
        }),
    )
}
