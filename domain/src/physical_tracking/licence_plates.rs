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
//! The entities live in a world of their own that the site owns. The
//! plates the flow of work makes (a tote per order, a parcel's carton) are
//! numbered `LP{n}` and kept as a few bytes each until a command names one:
//! then it becomes an entity like any other. Codes resolve through an
//! ordered index, so iteration order never decides an outcome.

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;

use crate::ids::LocationId;
use crate::refusal::CommandError;
use crate::vocabulary::PlateKind;

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

/// A plate the flow of work made (a tote, a parcel's carton), numbered
/// `LP{n}` in the order it was made. It becomes an entity only when a
/// command names it, so the flow pays a few bytes per tote, not an entity.
#[derive(Debug, Clone, Copy)]
struct FlowPlate {
    kind: PlateKind,
    place: Option<LocationId>,
    entity: Option<Entity>,
}

/// The number of a flow plate's code (`LP17` → 17), written as
/// [`ToteId`](crate::ToteId) writes it.
fn flow_number(code: &str) -> Option<u32> {
    let digits = code.strip_prefix("LP")?;
    let canonical =
        digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

/// Every licence plate of the site.
#[derive(Debug, Default, bevy_ecs::resource::Resource)]
pub struct LicencePlates {
    world: Box<World>,
    by_code: BTreeMap<String, Entity>,
    flow: Vec<FlowPlate>,
    /// The number the flow's next plate (`LP{n}`) takes.
    pub(crate) next_tote: u32,
}

impl LicencePlates {
    /// Opens a plate: a label applied to a tote, carton, case or pallet.
    /// Opening a plate that exists (or that the flow made) changes nothing
    /// and returns it.
    pub fn open(&mut self, code: &str, kind: PlateKind, at: Option<LocationId>) -> Entity {
        match self.resolve(code) {
            Some(e) => e,
            None => self.spawn(code, kind, at),
        }
    }

    /// Whether `code` has the form of the flow's own plates (`LP` and a
    /// number, as [`ToteId`](crate::ToteId) shows them): such codes are
    /// the site's to give, not a label's.
    #[must_use]
    pub fn is_flow_code(code: &str) -> bool {
        flow_number(code).is_some()
    }

    fn spawn(&mut self, code: &str, kind: PlateKind, at: Option<LocationId>) -> Entity {
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

    /// Records plate `LP{n}` that the flow of work made; `n` is the next
    /// number.
    pub(crate) fn made(&mut self, n: u32, kind: PlateKind) {
        debug_assert_eq!(n as usize, self.flow.len(), "plates are made in order");
        self.flow.push(FlowPlate {
            kind,
            place: None,
            entity: None,
        });
    }

    /// The flow's plate a code names (`LP17`), if the flow made it.
    fn flow_index(&self, code: &str) -> Option<usize> {
        let n = flow_number(code)? as usize;
        (n < self.flow.len()).then_some(n)
    }

    /// The entity of a plate, if it is one yet.
    fn entity(&self, code: &str) -> Option<Entity> {
        self.by_code.get(code).copied()
    }

    /// Whether a plate has that code.
    #[must_use]
    pub fn contains(&self, code: &str) -> bool {
        self.by_code.contains_key(code) || self.flow_index(code).is_some()
    }

    /// The plate's entity, made from the flow's record the first time a
    /// command names it.
    fn resolve(&mut self, code: &str) -> Option<Entity> {
        if let Some(e) = self.entity(code) {
            return Some(e);
        }
        let n = self.flow_index(code)?;
        let FlowPlate { kind, place, .. } = self.flow[n];
        let e = self.spawn(code, kind, place);
        self.flow[n].entity = Some(e);
        Some(e)
    }

    /// [`resolve`](Self::resolve), or a refusal naming the request field.
    fn plate(&mut self, code: &str, field: &'static str) -> Result<Entity, CommandError> {
        self.resolve(code)
            .ok_or_else(|| CommandError::UnknownPlate {
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
        let Some(mut e) = self.entity(code) else {
            return self.flow_index(code).and_then(|n| self.flow[n].place);
        };
        while let Some(parent) = self.world.get::<InsideOf>(e) {
            e = parent.0;
        }
        self.world.get::<Place>(e).and_then(|p| p.0)
    }

    /// The code of the plate `code` is nested in, if any.
    #[must_use]
    pub fn parent(&self, code: &str) -> Option<&str> {
        let e = self.entity(code)?;
        let parent = self.world.get::<InsideOf>(e)?.0;
        Some(&self.label(parent).code)
    }

    /// The codes of the plates nested directly in `code`, in the order they
    /// went in.
    #[must_use]
    pub fn contents(&self, code: &str) -> Vec<&str> {
        let Some(e) = self.entity(code) else {
            return Vec::new();
        };
        self.world
            .get::<Contents>(e)
            .map(|c| c.0.iter().map(|&p| self.label(p).code.as_str()).collect())
            .unwrap_or_default()
    }

    /// Nests `plate` in `into` (taking it out of where it was): returns the
    /// plate it was in before, if any.
    ///
    /// # Errors
    /// An unknown plate, or a nesting the rules refuse; nothing changes.
    pub fn nest(&mut self, plate: &str, into: &str) -> Result<Option<String>, CommandError> {
        let (child, parent) = (self.plate(plate, "plate")?, self.plate(into, "into")?);
        let (ck, pk) = (self.label(child).kind, self.label(parent).kind);
        if !pk.holds(ck) {
            return Err(CommandError::PlateCannotHold {
                into: into.to_owned(),
                kind: pk,
                plate: plate.to_owned(),
                plate_kind: ck,
            });
        }
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

    /// Records where the flow put plate `LP{n}` (a tote at its staging
    /// lane, a parcel at its dock door).
    pub(crate) fn put(&mut self, n: u32, to: LocationId) {
        let Some(p) = self.flow.get_mut(n as usize) else {
            return;
        };
        p.place = Some(to);
        if let Some(e) = p.entity {
            self.world.entity_mut(e).insert(Place(Some(to)));
        }
    }

    /// Plates there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_code.len() + self.flow.iter().filter(|p| p.entity.is_none()).count()
    }

    /// Whether there is no plate.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plates() -> LicencePlates {
        let mut lp = LicencePlates::default();
        lp.open("PAL-1", PlateKind::Pallet, Some(LocationId(40)));
        lp.open("CASE-1", PlateKind::Case, Some(LocationId(41)));
        lp.open("T-1", PlateKind::Tote, None);
        lp.open("C-2", PlateKind::Carton, None);
        lp
    }

    #[test]
    fn nested_plates_move_with_the_plate_they_are_in() {
        let mut lp = plates();
        assert_eq!(lp.nest("T-1", "CASE-1").unwrap(), None);
        assert_eq!(lp.nest("CASE-1", "PAL-1").unwrap(), None);
        assert_eq!(lp.nest("C-2", "PAL-1").unwrap(), None);
        assert_eq!(lp.contents("PAL-1"), ["CASE-1", "C-2"]);
        assert_eq!(lp.contents("CASE-1"), ["T-1"]);
        assert_eq!(lp.place("T-1"), Some(LocationId(40)));
        lp.move_to("PAL-1", LocationId(7)).unwrap();
        for code in ["PAL-1", "CASE-1", "T-1", "C-2"] {
            assert_eq!(lp.place(code), Some(LocationId(7)), "{code}");
        }
        // A nested plate moves only with its parent.
        assert!(matches!(
            lp.move_to("T-1", LocationId(8)),
            Err(CommandError::PlateNested { .. })
        ));
    }

    #[test]
    fn a_plate_goes_only_into_a_larger_kind() {
        let mut lp = plates();
        for (plate, into) in [
            ("PAL-1", "CASE-1"),
            ("CASE-1", "T-1"),
            ("T-1", "C-2"),
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
            lp.nest("T-9", "PAL-1").unwrap_err().to_string(),
            "plate: no licence plate \"T-9\""
        );
    }

    #[test]
    fn nesting_elsewhere_takes_a_plate_out_first_and_unnesting_leaves_it_there() {
        let mut lp = plates();
        lp.nest("T-1", "CASE-1").unwrap();
        assert_eq!(lp.nest("T-1", "PAL-1").unwrap().as_deref(), Some("CASE-1"));
        assert!(lp.contents("CASE-1").is_empty());
        assert_eq!(lp.contents("PAL-1"), ["T-1"]);
        assert_eq!(lp.unnest("T-1").unwrap(), "PAL-1");
        assert_eq!(lp.place("T-1"), Some(LocationId(40)), "left where it was");
        assert!(lp.contents("PAL-1").is_empty());
        assert!(matches!(
            lp.unnest("T-1"),
            Err(CommandError::PlateNotNested(_))
        ));
    }
}
