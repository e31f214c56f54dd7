//! Charts over time: latency, throughput, backlog and value per tick, each with a mean line
//! and a 95% band per org, and the warm-up and the shock windows shaded and named.

use super::frame::{Plot, axes, draw_frame, org_legend, plot_builder};
use super::series::{BandPoint, Quantity, band};
use super::style::*;
use crate::output::results::ResultSet;
use crate::scenario::wording::capitalise;
use crate::scenario::{Scenario, ShockKind, Timeseries};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// How many points a line has at most: more is invisible at 1600 px and bloats the SVG.
const MAX_POINTS: usize = 1500;
/// Markers per line, for telling lines apart in greyscale.
const MARKERS_PER_LINE: usize = 7;

/// Draws one chart over time.
pub fn draw<DB: DrawingBackend>(
    rs: &ResultSet,
    q: Quantity,
    root: &DrawingArea<DB, Shift>,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let sc = rs.scenario();
    let ticks = sc.scenario.ticks.max(1);
    let unit = rs.tick_unit().to_string();
    let units = plural(&unit);
    let stride = (ticks as usize).div_ceil(MAX_POINTS);
    let bands: Vec<Vec<Option<BandPoint>>> = rs.orgs.iter().map(|o| band(o, q, stride)).collect();
    let replicates = rs
        .orgs
        .iter()
        .map(|o| o.replicates.len())
        .max()
        .unwrap_or(0);

    // In the scenario's words: "Claims executed per hour".
    let (noun, nouns) = (sc.scenario.noun(), sc.scenario.nouns());
    let (title, y_desc, smoothing) = match q {
        Quantity::Latency { window } => (
            format!("{} latency over time", capitalise(&noun)),
            format!("latency, arrival to execution ({units})"),
            Some(window),
        ),
        Quantity::Throughput { window } => (
            format!("{} executed per {unit}", capitalise(&nouns)),
            format!("{nouns} executed per {unit}"),
            Some(window),
        ),
        Quantity::Backlog => (
            "Backlog over time".to_string(),
            format!("{nouns} not yet executed"),
            None,
        ),
        Quantity::Value { window } => (
            format!("Value delivered per {unit}"),
            format!("value per {unit} (stake units)"),
            Some(window),
        ),
    };
    // Under `timeseries = "summary"` the folder keeps only the mean of each tick: a line, no
    // band (and it is smoothed after the replicates are averaged, not before).
    let mut subtitle = if sc.kept_timeseries() == Timeseries::Summary {
        format!(
            "Line: mean of {} replicates (only the mean is kept: no band)",
            rs.manifest.replications
        )
    } else {
        format!("Line: mean of {replicates} replicates; band: 95% interval")
    };
    if let Some(w) = smoothing.filter(|&w| w > 1) {
        subtitle.push_str(&format!(
            "; smoothed: trailing mean over {w} {}",
            plural(&unit)
        ));
    }
    subtitle.push_str("; shaded: shock windows");

    let reference = match q {
        Quantity::Throughput { .. } => Some(expected_new_work(sc)),
        _ => None,
    };

    // y range from every mean and band edge (and the reference line).
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in bands.iter().flatten().flatten() {
        let (a, b) = p.interval.unwrap_or((p.mean, p.mean));
        lo = lo.min(a.min(p.mean));
        hi = hi.max(b.max(p.mean));
    }
    if let Some(r) = &reference {
        for &(_, v) in r {
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let y0 = if matches!(q, Quantity::Value { .. }) {
        lo.min(0.0)
    } else {
        0.0
    };
    let mut y1 = hi.max(y0);
    y1 += (y1 - y0).max(1e-9) * 0.06;
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    let clamp = |v: f64| v.clamp(y0, y1);

    let styles: Vec<OrgStyle> = (0..rs.orgs.len()).map(OrgStyle::of).collect();
    let mut legend = org_legend(&rs.orgs, true);
    if reference.is_some() {
        legend.push(LegendItem::Reference {
            name: "expected new work",
            colour: INK,
        });
    }
    let body = draw_frame(root, &title, &subtitle, &legend)?;
    let mut chart = plot_builder(&body)
        .margin_top(48)
        .margin_right(56)
        .build_cartesian_2d(0f64..f64::from(ticks), y0..y1)?;

    // Warm-up and shock windows first, so lines and bands are drawn over them.
    let warmup = sc.scenario.warmup.min(ticks);
    if warmup > 0 {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y0), (f64::from(warmup), y1)],
            WARMUP_FILL.filled(),
        )))?;
    }
    for shock in &sc.shocks {
        let (a, b) = shock_window(shock.at, shock.end(), ticks);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(f64::from(a), y0), (f64::from(b), y1)],
            SHOCK_FILL.filled(),
        )))?;
    }

    let fmt_x = |v: &f64| fmt_num(*v);
    let fmt_y = |v: &f64| fmt_num(*v);
    axes(&mut chart)
        .disable_x_mesh()
        .x_labels(10)
        .y_labels(8)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .x_desc(format!("time ({units})"))
        .y_desc(y_desc)
        .draw()?;

    // Bands under every line, then lines, then markers on top.
    for (points, style) in bands.iter().zip(&styles) {
        for run in runs(points, |p| p.interval.is_some()) {
            let mut poly: Vec<(f64, f64)> = run
                .iter()
                .filter_map(|p| p.interval.map(|(_, h)| (f64::from(p.tick), clamp(h))))
                .collect();
            poly.extend(
                run.iter()
                    .rev()
                    .filter_map(|p| p.interval.map(|(l, _)| (f64::from(p.tick), clamp(l)))),
            );
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                style.colour.mix(0.18).filled(),
            )))?;
        }
    }
    if let Some(reference) = &reference {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            reference.iter().copied(),
            3,
            5,
            INK.stroke_width(2),
        )))?;
    }
    for (points, style) in bands.iter().zip(&styles) {
        for run in runs(points, |_| true) {
            let pixels: Vec<(i32, i32)> = run
                .iter()
                .map(|p| chart.backend_coord(&(f64::from(p.tick), clamp(p.mean))))
                .collect();
            draw_styled_path(root, pixels, style, 3)?;
        }
    }
    let n = styles.len().max(1);
    for (i, (points, style)) in bands.iter().zip(&styles).enumerate() {
        for k in 0..MARKERS_PER_LINE {
            let at = (k as f64 + (i as f64 + 0.5) / n as f64) / MARKERS_PER_LINE as f64;
            let idx = ((at * points.len() as f64) as usize).min(points.len().saturating_sub(1));
            if let Some(Some(p)) = points.get(idx) {
                let px = chart.backend_coord(&(f64::from(p.tick), clamp(p.mean)));
                draw_marker(root, style, px, 8)?;
            }
        }
    }

    // Window names in the strip above the plot, never over the data.
    let mut labels: Vec<(u32, String, RGBColor)> = Vec::new();
    if warmup > 0 {
        labels.push((0, "warm-up".to_string(), MUTED));
    }
    for shock in &sc.shocks {
        let (a, _) = shock_window(shock.at, shock.end(), ticks);
        let name = if shock.duration.is_none() {
            format!("{} (permanent)", shock.name)
        } else {
            shock.name.clone()
        };
        labels.push((a, name, INK));
    }
    draw_window_labels(root, &chart, &labels, y1)?;
    Ok(())
}

/// The ticks `[a, b)` a shock covers within the run; a permanent one runs to the end.
pub fn shock_window(at: u32, end: Option<u32>, ticks: u32) -> (u32, u32) {
    let a = at.min(ticks);
    (a, end.unwrap_or(ticks).clamp(a, ticks))
}

/// Names of shaded windows in one or two rows above the plot, each starting at its window.
fn draw_window_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plot<DB>,
    labels: &[(u32, String, RGBColor)],
    y_top: f64,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let (_, top) = chart.backend_coord(&(0.0, y_top));
    let mut row_end = [i32::MIN; 2];
    for (tick, name, colour) in labels {
        let style = text(NOTE_SIZE, *colour);
        let (w, _) = root.estimate_text_size(name, &style)?;
        let (x, _) = chart.backend_coord(&(f64::from(*tick), y_top));
        let x = x + 6;
        // The lower row first; the upper one when the lower is taken there.
        let row = if x > row_end[0] + 12 { 0 } else { 1 };
        let y = top - 14 - 24 * row as i32 - text_half_height(NOTE_SIZE);
        root.draw(&Text::new(name.clone(), (x, y), style))?;
        row_end[row] = row_end[row].max(x + w as i32);
        let (px, _) = chart.backend_coord(&(f64::from(*tick), y_top));
        root.draw(&PathElement::new(
            vec![(px, y + 4), (px, top)],
            colour.stroke_width(1),
        ))?;
    }
    Ok(())
}

/// Maximal runs of consecutive points that exist and satisfy `keep`.
fn runs(points: &[Option<BandPoint>], keep: impl Fn(&BandPoint) -> bool) -> Vec<Vec<BandPoint>> {
    let mut out = Vec::new();
    let mut current: Vec<BandPoint> = Vec::new();
    for p in points {
        match p {
            Some(p) if keep(p) => current.push(*p),
            _ => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The expected rate of new decisions per tick: `work.rate` times every surge running then
/// (a regional surge raises only its share of the places).
fn expected_new_work(sc: &Scenario) -> Vec<(f64, f64)> {
    let ticks = sc.scenario.ticks;
    let rate_at = |t: u32| {
        sc.shocks.iter().fold(sc.work.rate, |rate, s| {
            let (a, b) = shock_window(s.at, s.end(), ticks);
            match s.kind {
                ShockKind::Surge { factor, region } if t >= a && t < b => {
                    let share = region.map_or(1.0, |[from, to]| (to - from).clamp(0.0, 1.0));
                    rate * (1.0 + (factor - 1.0) * share)
                }
                _ => rate,
            }
        })
    };
    // A step line: one point where each rate starts and one where it ends.
    let mut changes: Vec<u32> = vec![0, ticks];
    for s in &sc.shocks {
        let (a, b) = shock_window(s.at, s.end(), ticks);
        changes.extend([a, b]);
    }
    changes.sort_unstable();
    changes.dedup();
    let mut points = Vec::new();
    for w in changes.windows(2) {
        let r = rate_at(w[0]);
        points.push((f64::from(w[0]), r));
        points.push((f64::from(w[1]), r));
    }
    points
}
