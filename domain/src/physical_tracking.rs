//! Physical tracking (WES): what the RTLS says about where tags are, the
//! licence plates and their nesting ([`LicencePlates`]), and the
//! reconciliation of master data, books and physical state.
//!
//! Every ping comes in a [`Command::RtlsPings`](crate::Command::RtlsPings)
//! batch, whether a live RTLS feed sends it through the HTTP API or Kafka,
//! or the virtual world sends it in a simulation. Positions are kept in
//! whole millimetres so that replaying a stored ping gives exactly the same
//! state.
//!
//! This file holds the state and the facts; the command handling is in
//! `handlers.rs`.

pub(crate) mod handlers;

#[cfg(test)]
mod rules;

mod licence_plates;
mod reconciliation;

pub use crate::vocabulary::PlateKind;
pub use licence_plates::{Contents, InsideOf, LicencePlates, Place, Plate};

use std::collections::BTreeMap;

use paklog_sim::SimTime;
use serde::{Deserialize, Serialize};

use crate::commands::{CommandError, RtlsPing};
use crate::ids::{AssociateId, LocationId, SkuId};
use crate::location_master::{LayoutSpec, LocationMaster};

/// One disagreement between master data, the books and the physical state,
/// with the fact that explains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variance {
    /// What disagrees.
    pub kind: VarianceKind,
    /// The location.
    pub location: LocationId,
    /// The SKU, if any.
    pub sku: Option<SkuId>,
    /// Units concerned (signed: counted minus books for an adjustment).
    pub units: i64,
    /// Sequence number in the event log of the fact that explains it, if
    /// any: a variance without one is a fault to investigate.
    pub explained_by: Option<u64>,
}

/// Kinds of variance the reconciliation looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VarianceKind {
    /// Stock on the books in a blocked location: out of reach.
    BlockedStock,
    /// A count found a different quantity than the books held.
    CountAdjusted,
    /// A short pick put a location in doubt and no count has settled it.
    CountPending,
    /// The SKU a location holds on the books differs from the master's
    /// slotting.
    SlottingMismatch,
    /// A SKU's totals differ from the sum of its locations.
    BooksMismatch,
    /// Once RTLS follows totes: the totes it sees at a staging lane or dock
    /// door differ from those the WES has queued or waiting there (a tote
    /// put down at the wrong station, a parcel at the wrong door).
    OccupancyMismatch,
}

/// How far outside the racking (m) a tag may be and still be on site:
/// the depot, pack and dock areas lie in front of the aisles.
pub const SITE_MARGIN_M: f64 = 50.0;

/// Most pings taken in one command.
pub const MAX_PINGS: usize = 1000;

/// Longest tag name (characters).
pub const MAX_TAG_CHARS: usize = 64;

/// Where a ping may be (m): the racking, places off the aisle grid, and
/// [`SITE_MARGIN_M`] around them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SiteArea {
    /// Least `x_m`.
    pub x_min: f64,
    /// Greatest `x_m`.
    pub x_max: f64,
    /// Least `y_m`.
    pub y_min: f64,
    /// Greatest `y_m`.
    pub y_max: f64,
}

impl SiteArea {
    /// The area of a layout.
    #[must_use]
    pub fn of(spec: &LayoutSpec) -> Self {
        let width = f64::from(spec.aisles.saturating_sub(1)) * spec.aisle_pitch_m;
        let depth = f64::from(spec.blocks) * spec.aisle_length_m;
        SiteArea {
            x_min: -SITE_MARGIN_M,
            x_max: width + SITE_MARGIN_M,
            y_min: -SITE_MARGIN_M,
            y_max: depth + SITE_MARGIN_M,
        }
    }

    /// The area grown to take in places off the aisle grid (`x`, `y` in m)
    /// and [`SITE_MARGIN_M`] around each.
    #[must_use]
    pub fn with_places(mut self, places: impl IntoIterator<Item = [f64; 2]>) -> Self {
        for [x, y] in places {
            self.x_min = self.x_min.min(x - SITE_MARGIN_M);
            self.x_max = self.x_max.max(x + SITE_MARGIN_M);
            self.y_min = self.y_min.min(y - SITE_MARGIN_M);
            self.y_max = self.y_max.max(y + SITE_MARGIN_M);
        }
        self
    }

    /// Whether `(x, y)` is inside.
    #[must_use]
    pub fn contains(&self, x: f64, y: f64) -> bool {
        (self.x_min..=self.x_max).contains(&x) && (self.y_min..=self.y_max).contains(&y)
    }
}

/// The last known state of one tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagState {
    /// Across the aisles (mm): aisle `a`'s centre line is at `a × pitch`.
    pub x_mm: i64,
    /// Along the aisles (mm) from the front cross aisle.
    pub y_mm: i64,
    /// When it was last seen.
    pub at: SimTime,
    /// Pings received.
    pub pings: u64,
    /// Straight-line distance between successive pings (mm).
    pub travelled_mm: u64,
}

/// How close (m) a tote's tag must be to a staging location's or dock
/// door's spot to be there.
pub const PRESENCE_RADIUS_M: f64 = 1.0;

/// A tote's tag moved from one tracked location to another (either may be
/// none: it arrived from elsewhere, or left for somewhere untracked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// Where it was.
    pub from: Option<LocationId>,
    /// Where it is now.
    pub to: Option<LocationId>,
}

/// Every tag the RTLS has reported, and the totes it has seen at staging
/// locations and dock doors.
#[derive(Debug, Clone, Default, PartialEq, bevy_ecs::resource::Resource)]
pub struct Tracking {
    tags: BTreeMap<String, TagState>,
    pings: u64,
    spots: Vec<(LocationId, (f64, f64))>,
    tote_at: BTreeMap<String, LocationId>,
    occupancy: BTreeMap<LocationId, u32>,
    /// The facts the reconciliation cites, kept as they happen: a live
    /// site does not keep its whole log.
    explanations: Explanations,
}

/// The facts that explain variances, by sequence number in the log.
#[derive(Debug, Clone, Default, PartialEq)]
struct Explanations {
    /// The last time each location was blocked.
    blocked_by: BTreeMap<LocationId, u64>,
    /// The last short pick at each location (which asks for a count).
    doubted_by: BTreeMap<LocationId, u64>,
    /// Every count that found other than the books, in order.
    adjusted: Vec<Variance>,
}

impl Tracking {
    /// Location `location` was blocked by event `seq`.
    pub(crate) fn blocked(&mut self, location: LocationId, seq: u64) {
        self.explanations.blocked_by.insert(location, seq);
    }

    /// A short pick at `location` (event `seq`) put its stock in doubt.
    pub(crate) fn doubted(&mut self, location: LocationId, seq: u64) {
        self.explanations.doubted_by.insert(location, seq);
    }

    /// A count at `location` (event `seq`) found `counted` units of `sku`
    /// where the books held `books`.
    pub(crate) fn counted(
        &mut self,
        location: LocationId,
        sku: SkuId,
        books: u32,
        counted: u32,
        seq: u64,
    ) {
        if books != counted {
            self.explanations.adjusted.push(Variance {
                kind: VarianceKind::CountAdjusted,
                location,
                sku: Some(sku),
                units: i64::from(counted) - i64::from(books),
                explained_by: Some(seq),
            });
        }
    }

    /// Tracking of a site whose staging locations and dock doors stand at
    /// `spots` ([`LocationMaster::spots`]).
    #[must_use]
    pub fn new(spots: Vec<(LocationId, (f64, f64))>) -> Self {
        Tracking {
            spots,
            ..Tracking::default()
        }
    }

    /// Whether a tag is a tote's (a licence plate, `LP17`).
    #[must_use]
    pub fn is_tote_tag(tag: &str) -> bool {
        tag.strip_prefix("LP")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// Where a staging location or dock door stands (m).
    #[must_use]
    pub fn spot(&self, location: LocationId) -> Option<(f64, f64)> {
        self.spots
            .iter()
            .find(|(l, _)| *l == location)
            .map(|&(_, xy)| xy)
    }

    /// Whether the RTLS has reported any tote's tag.
    #[must_use]
    pub fn follows_totes(&self) -> bool {
        self.tags.keys().any(|t| Self::is_tote_tag(t))
    }

    /// Totes the RTLS sees at a staging location or dock door.
    #[must_use]
    pub fn totes_at(&self, location: LocationId) -> u32 {
        self.occupancy.get(&location).copied().unwrap_or(0)
    }

    /// The tracked location a tote's tag was last seen at.
    #[must_use]
    pub fn tote_location(&self, tag: &str) -> Option<LocationId> {
        self.tote_at.get(tag).copied()
    }

    /// Follows a tote's tag to the spot it is within reach of, if any, and
    /// returns the movement if it changed place.
    fn locate(&mut self, tag: &str, x_mm: i64, y_mm: i64) -> Option<Movement> {
        let (x, y) = (x_mm as f64 / 1000.0, y_mm as f64 / 1000.0);
        let to = self
            .spots
            .iter()
            .map(|&(l, (sx, sy))| (l, (sx - x).hypot(sy - y)))
            .filter(|&(_, d)| d <= PRESENCE_RADIUS_M)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(l, _)| l);
        let from = self.tote_at.get(tag).copied();
        if from == to {
            return None;
        }
        if let Some(f) = from {
            self.tote_at.remove(tag);
            if let Some(n) = self.occupancy.get_mut(&f) {
                *n = n.saturating_sub(1);
            }
        }
        if let Some(t) = to {
            self.tote_at.insert(tag.to_owned(), t);
            *self.occupancy.entry(t).or_insert(0) += 1;
        }
        Some(Movement { from, to })
    }

    /// Checks a batch of pings against the site without recording any.
    ///
    /// # Errors
    /// If the batch is empty or too large, a tag is empty or too long, or a
    /// position is off the site.
    pub fn check(master: &LocationMaster, pings: &[RtlsPing]) -> Result<(), CommandError> {
        if pings.is_empty() || pings.len() > MAX_PINGS {
            return Err(CommandError::PingBatch {
                got: pings.len(),
                max: MAX_PINGS,
            });
        }
        let area = SiteArea::of(&master.spec)
            .with_places(master.locations.iter().filter_map(|l| l.point.site));
        for (index, p) in pings.iter().enumerate() {
            if p.tag.trim().is_empty() || p.tag.chars().count() > MAX_TAG_CHARS {
                return Err(CommandError::BadTag {
                    index,
                    tag: p.tag.chars().take(80).collect(),
                });
            }
            let (x, y) = (p.x_mm as f64 / 1000.0, p.y_mm as f64 / 1000.0);
            if !area.contains(x, y) {
                return Err(CommandError::OffSite {
                    index,
                    x_m: x,
                    y_m: y,
                });
            }
        }
        Ok(())
    }

    /// Records a checked ping; for a tote's tag, returns its movement if it
    /// changed place.
    pub fn record(&mut self, now: SimTime, tag: &str, x_mm: i64, y_mm: i64) -> Option<Movement> {
        self.pings += 1;
        let state = self.tags.entry(tag.to_owned()).or_insert(TagState {
            x_mm,
            y_mm,
            at: now,
            pings: 0,
            travelled_mm: 0,
        });
        let step = ((x_mm - state.x_mm) as f64).hypot((y_mm - state.y_mm) as f64);
        state.travelled_mm += step.round() as u64;
        state.x_mm = x_mm;
        state.y_mm = y_mm;
        state.at = now;
        state.pings += 1;
        if Self::is_tote_tag(tag) {
            self.locate(tag, x_mm, y_mm)
        } else {
            None
        }
    }

    /// The tag an associate wears: `associate-N`.
    #[must_use]
    pub fn associate_tag(associate: AssociateId) -> String {
        format!("associate-{}", associate.0)
    }

    /// Millimetres an associate's tag has travelled, if it has been seen.
    #[must_use]
    pub fn travelled_mm(&self, associate: AssociateId) -> Option<u64> {
        self.tags
            .get(&Self::associate_tag(associate))
            .map(|t| t.travelled_mm)
    }

    /// A tag's last known state.
    #[must_use]
    pub fn tag(&self, tag: &str) -> Option<&TagState> {
        self.tags.get(tag)
    }

    /// Tags seen so far.
    #[must_use]
    pub fn tags(&self) -> usize {
        self.tags.len()
    }

    /// Pings received so far.
    #[must_use]
    pub fn pings(&self) -> u64 {
        self.pings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tote_tag_within_reach_of_a_spot_occupies_it_until_it_moves_away() {
        let (stage, dock) = (LocationId(7), LocationId(9));
        let mut t = Tracking::new(vec![(stage, (10.0, -10.0)), (dock, (10.0, -30.0))]);
        let at = SimTime::ZERO;
        // An associate's tag never occupies anything.
        assert_eq!(t.record(at, "associate-1", 10_000, -10_000), None);
        assert_eq!(
            t.record(at, "LP3", 10_400, -10_300),
            Some(Movement {
                from: None,
                to: Some(stage)
            })
        );
        assert_eq!(t.record(at, "LP3", 10_000, -10_900), None, "still there");
        assert_eq!(
            t.record(at, "LP4", 9_500, -10_000).map(|m| m.to),
            Some(Some(stage))
        );
        assert_eq!(
            (t.totes_at(stage), t.tote_location("LP3")),
            (2, Some(stage))
        );
        assert_eq!(
            t.record(at, "LP3", 10_000, -30_500),
            Some(Movement {
                from: Some(stage),
                to: Some(dock)
            })
        );
        assert_eq!(
            t.record(at, "LP3", 10_000, -32_000),
            Some(Movement {
                from: Some(dock),
                to: None
            })
        );
        assert_eq!((t.totes_at(stage), t.totes_at(dock)), (1, 0));
        assert!(
            Tracking::is_tote_tag("LP12")
                && !Tracking::is_tote_tag("LP")
                && !Tracking::is_tote_tag("LPx")
        );
    }
}
