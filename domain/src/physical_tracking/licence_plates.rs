//! Licence plates (the seed's `LicensePlate` aggregate) as ECS entities.
//!
//! Each plate is an entity. Its [`Plate`] component holds its code and
//! kind, and its [`Place`] component holds the location where it was last
//! put. **Licence plates can be nested**: a tote or carton in a case, cases
//! on a pallet. Nesting is a bevy relationship. [`InsideOf`] on the child
//! points to its parent, and bevy keeps the parent's [`Contents`] list in
//! step. Moving a plate moves everything nested in it.
//!
//! The rules of nesting:
//! - A plate goes only into a plate of a larger kind: a pallet holds cases,
//!   cartons and totes; a case holds cartons and totes; cartons and totes
//!   hold items, not plates.
//! - A plate is in at most one other plate at a time. Nesting it elsewhere
//!   first takes it out.
//! - A plate that holds others cannot be nested in one of them. Since a
//!   plate only goes into a larger kind, no plate is ever inside itself.
//!
//! The entities live in a world of their own that the site owns. Every
//! query below resolves codes through an ordered index, so iteration order
//! never decides an outcome.

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ids::LocationId;
use crate::refusal::CommandError;

/// What a licence plate is on (the seed's `LicensePlateType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlateKind {
    /// A tote: what pickers pick into.
    Tote,
    /// A carton: a packed parcel.
    Carton,
    /// A case: holds totes and cartons.
    Case,
    /// A pallet: holds cases, cartons and totes.
    Pallet,
}

impl PlateKind {
    /// Whether a plate of this kind may hold one of `child`'s kind.
    #[must_use]
    pub fn holds(self, child: PlateKind) -> bool {
        match self {
            PlateKind::Pallet => child != PlateKind::Pallet,
            PlateKind::Case => matches!(child, PlateKind::Tote | PlateKind::Carton),
            PlateKind::Tote | PlateKind::Carton => false,
        }
    }
}

impl std::fmt::Display for PlateKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PlateKind::Tote => "TOTE",
            PlateKind::Carton => "CARTON",
            PlateKind::Case => "CASE",
            PlateKind::Pallet => "PALLET",
        })
    }
}

/// A licence plate: its code (`LP17`, `PAL-3` …) and kind.
#[derive(Debug, Clone, PartialEq, Eq, Component)]
pub struct Plate {
    /// The code on the label.
    pub code: String,
    /// What it is.
    pub kind: PlateKind,
}

/// Where a plate was last put, if anywhere yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Component)]
pub struct Place(pub Option<LocationId>);

/// The plate this one is nested in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Component)]
#[relationship(relationship_target = Contents)]
pub struct InsideOf(pub Entity);

/// The plates nested directly in this one, in the order they went in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Component)]
#[relationship_target(relationship = InsideOf)]
pub struct Contents(Vec<Entity>);

impl Contents {
    /// The plates directly inside, in the order they went in.
    #[must_use]
    pub fn plates(&self) -> &[Entity] {
        &self.0
    }
}

/// Every licence plate of the site.
#[derive(Debug, Default)]
pub struct LicencePlates {
    world: World,
    by_code: BTreeMap<String, Entity>,
}

impl LicencePlates {
    /// Opens a plate: a label applied to a tote, carton, case or pallet.
    /// Opening a plate that exists changes nothing and returns it.
    pub fn open(&mut self, code: &str, kind: PlateKind, at: Option<LocationId>) -> Entity {
        if let Some(&e) = self.by_code.get(code) {
            return e;
        }
        let e = self
            .world
            .spawn((
                Plate {
                    code: code.to_owned(),
                    kind,
                },
                Place(at),
            ))
            .id();
        self.by_code.insert(code.to_owned(), e);
        e
    }

    /// The plate with `code`.
    #[must_use]
    pub fn get(&self, code: &str) -> Option<Entity> {
        self.by_code.get(code).copied()
    }

    fn plate(&self, code: &str, field: &'static str) -> Result<Entity, CommandError> {
        self.get(code).ok_or_else(|| CommandError::UnknownPlate {
            field,
            code: code.to_owned(),
        })
    }

    /// A plate's code and kind.
    ///
    /// # Panics
    /// If `plate` is not one of these plates (entities come from here).
    #[must_use]
    pub fn label(&self, plate: Entity) -> &Plate {
        self.world.get::<Plate>(plate).expect("a plate entity")
    }

    /// Where a plate is: its own place, or where the plate it is nested in
    /// is.
    #[must_use]
    pub fn place(&self, code: &str) -> Option<LocationId> {
        let mut e = self.get(code)?;
        while let Some(parent) = self.world.get::<InsideOf>(e) {
            e = parent.0;
        }
        self.world.get::<Place>(e).and_then(|p| p.0)
    }

    /// The code of the plate `code` is nested in, if any.
    #[must_use]
    pub fn parent(&self, code: &str) -> Option<&str> {
        let e = self.get(code)?;
        let parent = self.world.get::<InsideOf>(e)?.0;
        Some(&self.label(parent).code)
    }

    /// The codes of the plates nested directly in `code`, in the order they
    /// went in.
    #[must_use]
    pub fn contents(&self, code: &str) -> Vec<&str> {
        let Some(e) = self.get(code) else {
            return Vec::new();
        };
        self.world
            .get::<Contents>(e)
            .map(|c| c.0.iter().map(|&p| self.label(p).code.as_str()).collect())
            .unwrap_or_default()
    }

    /// Checks that `plate` may go into `into`, and returns both entities.
    ///
    /// # Errors
    /// An unknown plate, or a nesting the rules refuse.
    pub fn check_nest(&self, plate: &str, into: &str) -> Result<(Entity, Entity), CommandError> {
        let child = self.plate(plate, "plate")?;
        let parent = self.plate(into, "into")?;
        let (ck, pk) = (self.label(child).kind, self.label(parent).kind);
        if !pk.holds(ck) {
            return Err(CommandError::PlateCannotHold {
                into: into.to_owned(),
                kind: pk,
                plate: plate.to_owned(),
                plate_kind: ck,
            });
        }
        Ok((child, parent))
    }

    /// Nests `plate` in `into` (taking it out of where it was): returns the
    /// plate it was in before, if any.
    ///
    /// # Errors
    /// An unknown plate, or a nesting the rules refuse; nothing changes.
    pub fn nest(&mut self, plate: &str, into: &str) -> Result<Option<String>, CommandError> {
        let (child, parent) = self.check_nest(plate, into)?;
        let before = self.parent(plate).map(str::to_owned);
        self.world.entity_mut(child).insert(InsideOf(parent));
        Ok(before)
    }

    /// Takes `plate` out of the plate it is in, leaving it where that plate
    /// is: returns the plate it was in.
    ///
    /// # Errors
    /// An unknown plate, or one that is not nested.
    pub fn unnest(&mut self, plate: &str) -> Result<String, CommandError> {
        let child = self.plate(plate, "plate")?;
        let Some(parent) = self.parent(plate).map(str::to_owned) else {
            return Err(CommandError::PlateNotNested(plate.to_owned()));
        };
        let here = self.place(plate);
        let mut e = self.world.entity_mut(child);
        e.remove::<InsideOf>();
        e.insert(Place(here));
        Ok(parent)
    }

    /// Puts `plate` at `to`, with everything nested in it. A nested plate
    /// moves only with the plate it is in.
    ///
    /// # Errors
    /// An unknown plate, or a nested one.
    pub fn move_to(&mut self, plate: &str, to: LocationId) -> Result<(), CommandError> {
        let e = self.plate(plate, "plate")?;
        if self.world.get::<InsideOf>(e).is_some() {
            return Err(CommandError::PlateNested {
                plate: plate.to_owned(),
                parent: self.parent(plate).unwrap_or_default().to_owned(),
            });
        }
        self.world.entity_mut(e).insert(Place(Some(to)));
        Ok(())
    }

    /// Records where a plate was put, as the flow of work reports it (a
    /// tote at its staging lane, a parcel at its dock door).
    pub(crate) fn put(&mut self, code: &str, to: LocationId) {
        if let Some(&e) = self.by_code.get(code) {
            self.world.entity_mut(e).insert(Place(Some(to)));
        }
    }

    /// Plates opened.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// Whether no plate was ever opened.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plates() -> LicencePlates {
        let mut lp = LicencePlates::default();
        lp.open("PAL-1", PlateKind::Pallet, Some(LocationId(40)));
        lp.open("CASE-1", PlateKind::Case, Some(LocationId(41)));
        lp.open("LP1", PlateKind::Tote, None);
        lp.open("LP2", PlateKind::Carton, None);
        lp
    }

    #[test]
    fn nested_plates_move_with_the_plate_they_are_in() {
        let mut lp = plates();
        assert_eq!(lp.nest("LP1", "CASE-1").unwrap(), None);
        assert_eq!(lp.nest("CASE-1", "PAL-1").unwrap(), None);
        assert_eq!(lp.nest("LP2", "PAL-1").unwrap(), None);
        assert_eq!(lp.contents("PAL-1"), ["CASE-1", "LP2"]);
        assert_eq!(lp.contents("CASE-1"), ["LP1"]);
        assert_eq!(lp.place("LP1"), Some(LocationId(40)));
        lp.move_to("PAL-1", LocationId(7)).unwrap();
        for code in ["PAL-1", "CASE-1", "LP1", "LP2"] {
            assert_eq!(lp.place(code), Some(LocationId(7)), "{code}");
        }
        // A nested plate moves only with its parent.
        assert!(matches!(
            lp.move_to("LP1", LocationId(8)),
            Err(CommandError::PlateNested { .. })
        ));
    }

    #[test]
    fn a_plate_goes_only_into_a_larger_kind() {
        let mut lp = plates();
        for (plate, into) in [
            ("PAL-1", "CASE-1"),
            ("CASE-1", "LP1"),
            ("LP1", "LP2"),
            ("PAL-1", "PAL-1"),
        ] {
            let e = lp.nest(plate, into).unwrap_err();
            assert!(
                matches!(e, CommandError::PlateCannotHold { .. }),
                "{plate} into {into}: {e}"
            );
        }
        assert!(lp.contents("CASE-1").is_empty());
        assert_eq!(
            lp.nest("LP9", "PAL-1").unwrap_err().to_string(),
            "plate: no licence plate \"LP9\""
        );
    }

    #[test]
    fn nesting_elsewhere_takes_a_plate_out_first_and_unnesting_leaves_it_there() {
        let mut lp = plates();
        lp.nest("LP1", "CASE-1").unwrap();
        assert_eq!(lp.nest("LP1", "PAL-1").unwrap().as_deref(), Some("CASE-1"));
        assert!(lp.contents("CASE-1").is_empty());
        assert_eq!(lp.contents("PAL-1"), ["LP1"]);
        assert_eq!(lp.unnest("LP1").unwrap(), "PAL-1");
        assert_eq!(lp.place("LP1"), Some(LocationId(40)), "left where it was");
        assert!(lp.contents("PAL-1").is_empty());
        assert!(matches!(
            lp.unnest("LP1"),
            Err(CommandError::PlateNotNested(_))
        ));
    }
}
