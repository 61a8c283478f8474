//! The study report: one self-contained HTML file (inline CSS and SVG, no
//! JavaScript, nothing fetched) with the comparison in sentences and a
//! table, every KPI by variant with its 95 % interval, orders shipped over
//! the day per variant, and utilisation per variant. Charts are drawn in
//! Rust with plotters; text is measured with the DejaVu Sans font the
//! project ships, so no system font library is needed.

use std::fmt::Write;
use std::sync::Once;

use plotters::prelude::*;

use crate::compare::{Compared, KPIS, Line, num, sentences};

static FONT: Once = Once::new();

/// Registers the shipped font for plotters' text layout.
fn font() {
    FONT.call_once(|| {
        // The font is a valid TrueType file shipped with the crate.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../assets/DejaVuSans.ttf"),
        );
    });
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the report is about.
#[derive(Debug, Clone)]
pub struct StudyInfo {
    /// Scenario name.
    pub scenario: String,
    /// Replications per variant.
    pub replications: u32,
    /// Variant names, baseline first.
    pub variants: Vec<String>,
    /// What each variant sets, as text.
    pub settings: Vec<String>,
}

type Chart = Result<String, String>;

fn colour(i: usize) -> RGBColor {
    const C: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
    ];
    C[i % C.len()]
}

/// The label of a category axis at `v`: the name at a whole position.
fn category(names: &[String], v: f64) -> String {
    let i = v.round();
    if (v - i).abs() < 1e-6 && i >= 0.0 {
        names.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// A mean's 95 % interval at category position `at`, with caps `cap`
/// wide either side; `point(along, at)` places a value along the interval
/// axis and a position on the category axis in the chart.
fn whisker(
    r: &Compared,
    at: f64,
    cap: f64,
    point: impl Fn(f64, f64) -> (f64, f64),
    colour: RGBColor,
) -> [PathElement<(f64, f64)>; 3] {
    let (a, b) = (r.mean - r.half_width, r.mean + r.half_width);
    let style = colour.stroke_width(2);
    [
        PathElement::new(vec![point(a, at), point(b, at)], style),
        PathElement::new(vec![point(a, at - cap), point(a, at + cap)], style),
        PathElement::new(vec![point(b, at - cap), point(b, at + cap)], style),
    ]
}

/// Means with their intervals, one row per variant, as dots and whiskers.
fn interval_chart(title: &str, rows: &[&Compared]) -> Chart {
    font();
    let mut svg = String::new();
    {
        let height = 70 + 28 * rows.len() as u32;
        let root = SVGBackend::with_string(&mut svg, (560, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
        let lo = rows
            .iter()
            .map(|r| r.mean - finite(r.half_width))
            .fold(f64::INFINITY, f64::min);
        let hi = rows
            .iter()
            .map(|r| r.mean + finite(r.half_width))
            .fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(hi.abs() * 0.01).max(1e-6);
        let names: Vec<String> = rows.iter().map(|r| r.variant.clone()).collect();
        let n = rows.len() as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 15))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(130)
            .build_cartesian_2d((lo - pad)..(hi + pad), -0.5..(n - 0.5))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows.len())
            .y_label_formatter(&|y| category(&names, *y))
            .x_label_formatter(&|x| num(*x))
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, r) in rows.iter().enumerate() {
            let y = i as f64;
            let c = colour(i);
            if r.half_width.is_finite() {
                chart
                    .draw_series(whisker(r, y, 0.15, |along, at| (along, at), c))
                    .map_err(|e| e.to_string())?;
            }
            chart
                .draw_series([Circle::new((r.mean, y), 5, c.filled())])
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Cumulative orders shipped over the day, one line per variant.
fn shipped_chart(series: &[Line]) -> Chart {
    font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let x_max = series
            .iter()
            .flat_map(|(_, s)| s.iter().map(|p| p.0))
            .fold(1.0, f64::max);
        let y_max = series
            .iter()
            .flat_map(|(_, s)| s.iter().map(|p| p.1))
            .fold(1.0, f64::max);
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "Orders shipped since the start (mean over replications)",
                ("sans-serif", 15),
            )
            .margin(10)
            .x_label_area_size(32)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..x_max, 0.0..(y_max * 1.05))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("hour of the run")
            .y_desc("orders")
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (name, points)) in series.iter().enumerate() {
            let c = colour(i);
            chart
                .draw_series(LineSeries::new(points.iter().copied(), c.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Utilisation per variant: bars with their intervals.
fn utilisation_chart(rows: &[&Compared]) -> Chart {
    font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (560, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let top = rows
            .iter()
            .map(|r| {
                r.mean
                    + if r.half_width.is_finite() {
                        r.half_width
                    } else {
                        0.0
                    }
            })
            .fold(1.0, f64::max);
        let names: Vec<String> = rows.iter().map(|r| r.variant.clone()).collect();
        let n = rows.len() as f64;
        let mut chart = ChartBuilder::on(&root)
            .caption("Utilisation (% of shift time in tasks)", ("sans-serif", 15))
            .margin(10)
            .x_label_area_size(32)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.5..(n - 0.5), 0.0..(top * 1.1))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(rows.len())
            .x_label_formatter(&|x| category(&names, *x))
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, r) in rows.iter().enumerate() {
            let x = i as f64;
            let c = colour(i);
            chart
                .draw_series([Rectangle::new(
                    [(x - 0.3, 0.0), (x + 0.3, r.mean)],
                    c.mix(0.7).filled(),
                )])
                .map_err(|e| e.to_string())?;
            if r.half_width.is_finite() {
                chart
                    .draw_series(whisker(r, x, 0.1, |along, at| (at, along), BLACK))
                    .map_err(|e| e.to_string())?;
            }
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The report as one HTML document.
///
/// # Errors
/// If a chart cannot be drawn (a bug).
pub fn report(info: &StudyInfo, rows: &[Compared], shipped: &[Line]) -> Result<String, String> {
    let mut h = String::new();
    let baseline = info.variants.first().cloned().unwrap_or_default();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>PakLog study: {}</title>\n<style>\
         body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}\
         table{{border-collapse:collapse;margin:1em 0}}\
         td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}\
         th:first-child,td:first-child{{text-align:left}}\
         .sig{{font-weight:bold}} .charts{{display:flex;flex-wrap:wrap;gap:8px}}\
         li{{margin:0.3em 0}}</style></head><body>\n",
        esc(&info.scenario)
    );
    let _ = write!(
        h,
        "<h1>Study of {}</h1>\n<p>{} variants × {} replications with common random numbers \
         (replication <i>k</i> of every variant has the same seed). Baseline: <b>{}</b>. \
         Intervals are 95 % Student-t intervals over the replications; differences are \
         paired by replication.</p>\n<ul>",
        esc(&info.scenario),
        info.variants.len(),
        info.replications,
        esc(&baseline)
    );
    for (v, s) in info.variants.iter().zip(&info.settings) {
        let _ = write!(h, "<li><b>{}</b>: {}</li>", esc(v), esc(s));
    }
    h.push_str("</ul>\n<h2>In short</h2>\n<ul class=\"sentences\">\n");
    for s in sentences(rows) {
        let _ = writeln!(h, "<li>{}</li>", esc(&s));
    }
    h.push_str("</ul>\n<h2>KPIs by variant</h2>\n<table class=\"comparison\">\n<tr><th>KPI</th>");
    for v in &info.variants {
        let _ = write!(h, "<th>{}</th>", esc(v));
    }
    h.push_str("</tr>\n");
    for (k, kpi) in KPIS.iter().enumerate() {
        let _ = write!(h, "<tr><td>{} ({})</td>", esc(kpi.label), esc(kpi.name));
        for name in &info.variants {
            let Some(r) = rows.iter().find(|r| r.kpi == k && &r.variant == name) else {
                h.push_str("<td>–</td>");
                continue;
            };
            let diff = if r.variant_index == 0 {
                "baseline".to_owned()
            } else {
                format!("Δ {} ± {}", num(r.diff), num(r.diff_half_width))
            };
            let _ = write!(
                h,
                "<td data-variant=\"{}\" data-kpi=\"{}\" data-mean=\"{}\" data-half-width=\"{}\" \
                 data-diff=\"{}\" data-diff-half-width=\"{}\"{}>{} ± {}<br><small>{}</small></td>",
                esc(&r.variant),
                kpi.name,
                r.mean,
                r.half_width,
                r.diff,
                r.diff_half_width,
                if r.significant() {
                    " class=\"sig\""
                } else {
                    ""
                },
                num(r.mean),
                num(r.half_width),
                diff
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
    h.push_str(&shipped_chart(shipped)?);
    let util = KPIS
        .iter()
        .position(|k| k.name == "utilisation_pct")
        .expect("utilisation is a KPI");
    let of = |k: usize| -> Vec<&Compared> { rows.iter().filter(|r| r.kpi == k).collect() };
    h.push_str(&utilisation_chart(&of(util))?);
    for (k, kpi) in KPIS.iter().enumerate() {
        h.push_str(&interval_chart(
            &format!("{} ({}), mean and 95 % interval", kpi.label, kpi.unit),
            &of(k),
        )?);
    }
    h.push_str("</div>\n</body></html>\n");
    Ok(h)
}
