//! The assortment: each SKU's code, its velocity class (A, B, C) and the
//! share of order lines it draws.

use paklog_domain::location_master::AbcClass;

use crate::schema::Scenario;

/// Velocity class of each SKU and the share of order lines it draws.
#[derive(Debug, Clone)]
pub struct Assortment {
    /// Class per SKU, by index.
    pub class: Vec<AbcClass>,
    /// Probability that a line is for each SKU.
    pub line_share: Vec<f64>,
}

/// Splits `count` SKUs into classes A, B, C (in that order of index) and
/// spreads each class's line share evenly over its SKUs.
#[must_use]
pub fn assortment(s: &Scenario) -> Assortment {
    let n = s.skus.count as usize;
    let a = ((s.skus.abc.a_skus * n as f64).round() as usize).min(n);
    let b = ((s.skus.abc.b_skus * n as f64).round() as usize).min(n - a);
    let c = n - a - b;
    let mut class = Vec::with_capacity(n);
    let mut line_share = Vec::with_capacity(n);
    let mut leftover = 0.0;
    for (size, share, cls) in [
        (a, s.skus.abc.a_lines, AbcClass::A),
        (b, s.skus.abc.b_lines, AbcClass::B),
        (
            c,
            1.0 - s.skus.abc.a_lines - s.skus.abc.b_lines,
            AbcClass::C,
        ),
    ] {
        let share = share + leftover;
        leftover = if size == 0 { share } else { 0.0 };
        for _ in 0..size {
            class.push(cls);
            line_share.push(share / size as f64);
        }
    }
    if leftover > 0.0 {
        // A class with lines but no SKUs hands its lines to the last SKUs.
        let each = leftover / n as f64;
        line_share.iter_mut().for_each(|p| *p += each);
    }
    Assortment { class, line_share }
}

/// The SKU code of SKU `i` (0-based): `SKU00001` …
#[must_use]
pub fn sku_code(i: usize) -> String {
    format!("SKU{:05}", i + 1)
}
