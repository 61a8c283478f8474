//! Virtual RTLS tags: pings along an associate's walk, and tote tags where
//! totes are put down and taken.

use super::*;

impl VirtualWorld {
    /// A tote's tag pings at `dy` metres in front of the spot of `at` (a
    /// staging location or dock door), with the RTLS noise.
    pub(super) fn tote_ping(
        &mut self,
        wh: &mut Warehouse,
        now: SimTime,
        tote: paklog_domain::ToteId,
        at: LocationId,
        dy: f64,
    ) {
        let (Some((_, noise)), Some((x, y))) = (self.rtls, wh.tracking().spot(at)) else {
            return;
        };
        let mm = |v: f64| (v * 1000.0).round() as i64;
        let ping = RtlsPing {
            tag: tote.to_string(),
            x_mm: mm(x + noise.sample(&mut self.tote_rng)),
            y_mm: mm(y + dy + noise.sample(&mut self.tote_rng)),
        };
        self.send(wh, now, Command::RtlsPings { pings: vec![ping] });
    }

    /// The pings of associate `a`'s tag on a walk of `distance_m` (at their
    /// speed) from where they are to `to`: one every ping interval and one
    /// on arrival, along the shortest walk, with measurement noise.
    pub(super) fn walk_pings(
        &mut self,
        wh: &Warehouse,
        a: AssociateId,
        to: Point,
        distance_m: f64,
    ) {
        let Some((interval_s, noise)) = self.rtls else {
            return;
        };
        let (position, speed_mps) = {
            let walker = self.crew.get::<Walker>(a);
            (walker.position, walker.speed_mps)
        };
        let corners = wh.master().path(position, to);
        let length: f64 = corners
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
            .sum();
        let walk_s = distance_m / speed_mps;
        let tag = paklog_domain::physical_tracking::Tracking::associate_tag(a);
        let Some(mut worn) = self.crew.tag_mut(a) else {
            return;
        };
        let worn = &mut *worn;
        let mut k = 1.0;
        loop {
            let share = if walk_s > 0.0 {
                (k * interval_s / walk_s).min(1.0)
            } else {
                1.0
            };
            let (x, y) = along(&corners, share * length);
            let mm = |v: f64, e: f64| ((v + e) * 1000.0).round() as i64;
            let (ex, ey) = (noise.sample(&mut worn.rng), noise.sample(&mut worn.rng));
            worn.pings.push(RtlsPing {
                tag: tag.clone(),
                x_mm: mm(x, ex),
                y_mm: mm(y, ey),
            });
            if share >= 1.0 {
                return;
            }
            k += 1.0;
        }

        /// The point `at` metres along a polyline.
        fn along(corners: &[(f64, f64)], mut at: f64) -> (f64, f64) {
            for w in corners.windows(2) {
                let seg = (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1);
                if at <= seg && seg > 0.0 {
                    let f = at / seg;
                    return (
                        w[0].0 + f * (w[1].0 - w[0].0),
                        w[0].1 + f * (w[1].1 - w[0].1),
                    );
                }
                at -= seg;
            }
            corners[corners.len() - 1]
        }
    }
}
