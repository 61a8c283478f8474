//! Physical tracking: what the RTLS says about where tags are.
//!
//! Every ping is a [`Command::RtlsPing`](crate::Command::RtlsPing), whether a
//! live RTLS feed sends it through the HTTP API or Kafka, or the virtual
//! world sends it in a simulation. Positions are kept in whole millimetres so
//! that replaying a stored ping gives exactly the same state.

use std::collections::BTreeMap;

use paklog_sim::SimTime;
use serde::{Deserialize, Serialize};

use crate::commands::{CommandError, RtlsPing};
use crate::ids::AssociateId;
use crate::layout::LocationMaster;

/// How far outside the racking (m) a tag may be and still be on site:
/// the depot, pack and dock areas lie in front of the aisles.
pub const SITE_MARGIN_M: f64 = 50.0;

/// Most pings taken in one command.
pub const MAX_PINGS: usize = 1000;

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

/// Every tag the RTLS has reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tracking {
    tags: BTreeMap<String, TagState>,
    pings: u64,
}

impl Tracking {
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
        let spec = &master.spec;
        let width = f64::from(spec.aisles.saturating_sub(1)) * spec.aisle_pitch_m;
        let depth = f64::from(spec.blocks) * spec.aisle_length_m;
        let inside = |v: f64, hi: f64| (-SITE_MARGIN_M..=hi + SITE_MARGIN_M).contains(&v);
        for (index, p) in pings.iter().enumerate() {
            if p.tag.trim().is_empty() || p.tag.len() > 64 {
                return Err(CommandError::BadTag {
                    index,
                    tag: p.tag.chars().take(80).collect(),
                });
            }
            let (x, y) = (p.x_mm as f64 / 1000.0, p.y_mm as f64 / 1000.0);
            if !(inside(x, width) && inside(y, depth)) {
                return Err(CommandError::OffSite {
                    index,
                    x_m: x,
                    y_m: y,
                });
            }
        }
        Ok(())
    }

    /// Records a checked ping.
    pub fn record(&mut self, now: SimTime, tag: &str, x_mm: i64, y_mm: i64) {
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
