//! A walk along aisle and cross-aisle centre lines: where the picker is,
//! and the distance walked to each stop, in the order the stops are
//! reached.

use super::Plan;

/// A walk along aisle and cross-aisle centre lines, recording the distance
/// to each stop.
pub(crate) struct Walk {
    depot: u32,
    pitch: f64,
    aisle: u32,
    y: f64,
    since_stop: f64,
    order: Vec<usize>,
    legs: Vec<f64>,
}

impl Walk {
    pub(crate) fn new(depot: u32, pitch: f64) -> Self {
        Walk {
            depot,
            pitch,
            aisle: depot,
            y: 0.0,
            since_stop: 0.0,
            order: Vec::new(),
            legs: Vec::new(),
        }
    }

    /// Moves to a point: along the current aisle, or (from a cross aisle)
    /// along the cross aisle to another aisle at the same end.
    pub(crate) fn to(&mut self, aisle: u32, y: f64) {
        if aisle != self.aisle {
            debug_assert_eq!(self.y, y, "aisle changes happen on a cross aisle");
            self.since_stop += f64::from(self.aisle.abs_diff(aisle)) * self.pitch;
            self.aisle = aisle;
        }
        self.since_stop += (self.y - y).abs();
        self.y = y;
    }

    /// The aisle the walk is in.
    pub(crate) fn aisle(&self) -> u32 {
        self.aisle
    }

    pub(crate) fn stop(&mut self, aisle: u32, y: f64, index: usize) {
        self.to(aisle, y);
        self.legs.push(self.since_stop);
        self.order.push(index);
        self.since_stop = 0.0;
    }

    pub(crate) fn home(mut self) -> Plan {
        let depot = self.depot;
        self.to(self.aisle, 0.0);
        self.to(depot, 0.0);
        Plan {
            order: self.order,
            legs: self.legs,
            home_m: self.since_stop,
            exact: false,
        }
    }
}
