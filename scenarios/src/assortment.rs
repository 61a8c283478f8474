//! The assortment: each SKU's code, its velocity class (A, B, C) and the
//! share of order lines it draws.

use paklog_domain::location_master::AbcClass;

use crate::schema::Scenario;

/// Velocity class of each SKU, the share of order lines it draws, and its
/// code.
#[derive(Debug, Clone)]
pub struct Assortment {
    /// Class per SKU, by index.
    pub class: Vec<AbcClass>,
    /// Probability that a line is for each SKU.
    pub line_share: Vec<f64>,
    /// Code per SKU, by index.
    pub codes: Vec<String>,
}

/// The scenario's SKUs with their classes: a site's item master, or
/// `skus.count` SKUs split into classes A, B, C in that order of index.
/// Each class's line share is spread evenly over its SKUs.
#[must_use]
pub fn assortment(s: &Scenario) -> Assortment {
    let (class, codes): (Vec<AbcClass>, Vec<String>) = match s.site_data() {
        Some(site) => site.items.iter().map(|i| (i.abc, i.code.clone())).unzip(),
        None => {
            let n = s.skus.count.unwrap_or(0) as usize;
            let a = ((s.skus.abc.a_skus * n as f64).round() as usize).min(n);
            let b = ((s.skus.abc.b_skus * n as f64).round() as usize).min(n - a);
            let class = (0..n)
                .map(|i| match i {
                    i if i < a => AbcClass::A,
                    i if i < a + b => AbcClass::B,
                    _ => AbcClass::C,
                })
                .collect();
            (class, (0..n).map(sku_code).collect())
        }
    };
    let n = class.len();
    let size = |c: AbcClass| class.iter().filter(|&&k| k == c).count();
    let mut each = [0.0; 3];
    let mut leftover = 0.0;
    for (i, (cls, share)) in [
        (AbcClass::A, s.skus.abc.a_lines),
        (AbcClass::B, s.skus.abc.b_lines),
        (AbcClass::C, 1.0 - s.skus.abc.a_lines - s.skus.abc.b_lines),
    ]
    .into_iter()
    .enumerate()
    {
        let size = size(cls);
        let share = share + leftover;
        leftover = if size == 0 { share } else { 0.0 };
        each[i] = share / size as f64;
    }
    let mut line_share: Vec<f64> = class.iter().map(|&c| each[c as usize]).collect();
    if leftover > 0.0 {
        // A class with lines but no SKUs hands its lines to the last SKUs.
        let each = leftover / n as f64;
        line_share.iter_mut().for_each(|p| *p += each);
    }
    Assortment {
        class,
        line_share,
        codes,
    }
}

/// The SKU code of SKU `i` (0-based): `SKU00001` …
#[must_use]
pub fn sku_code(i: usize) -> String {
    format!("SKU{:05}", i + 1)
}
