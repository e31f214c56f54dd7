//! The latency distribution per org as a cumulative share: how many decisions were executed
//! within a given time, with each org's median and 95th percentile marked. The time axis is
//! logarithmic (in `1 + latency`, so a latency of 0 has its place): most decisions take a few
//! ticks and a few take hundreds, and on a linear axis the first few ticks, where orgs differ,
//! would be squeezed against the left edge.

use super::frame::{axes, draw_frame, org_legend, plot_builder};
use super::style::*;
use crate::output::results::{LatencyHistogram, ResultSet};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// The quantile the x axis ends at, so one long tail does not squash every curve.
const X_END_QUANTILE: f64 = 0.995;

/// The cumulative share (in %) as a step line over `[0, x_end]`.
pub fn steps(h: &LatencyHistogram, x_end: f64) -> Vec<(f64, f64)> {
    let total = h.total();
    if total == 0 {
        return Vec::new();
    }
    let mut points = vec![(0.0, 0.0)];
    let mut seen = 0u64;
    for &(latency, count) in &h.counts {
        let x = latency as f64;
        if x > x_end {
            break;
        }
        let before = 100.0 * seen as f64 / total as f64;
        seen += count;
        let after = 100.0 * seen as f64 / total as f64;
        points.push((x, before));
        points.push((x, after));
    }
    let last = points.last().map_or(0.0, |p| p.1);
    points.push((x_end, last));
    points
}

/// Position of a latency on the axis.
pub fn axis_x(latency: f64) -> f64 {
    latency.max(0.0).ln_1p()
}

/// The latencies labelled on the axis up to `end`: 0, then 1, 2, 5 times each power of ten.
pub fn axis_ticks(end: f64) -> Vec<f64> {
    let mut ticks = vec![0.0];
    let mut decade = 1.0;
    while decade <= end {
        for step in [1.0, 2.0, 5.0] {
            let v = step * decade;
            if v <= end {
                ticks.push(v);
            }
        }
        decade *= 10.0;
    }
    ticks
}

pub fn draw<DB: DrawingBackend>(rs: &ResultSet, root: &DrawingArea<DB, Shift>) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let sc = rs.scenario();
    let unit = rs.tick_unit();
    let units = plural(unit);
    let x_end = rs
        .orgs
        .iter()
        .filter_map(|o| o.latency.quantile(X_END_QUANTILE))
        .max()
        .map_or(1.0, |l| (l as f64).max(1.0));

    let nouns = sc.scenario.nouns();
    let body = draw_frame(
        root,
        &format!("How quickly {nouns} are executed"),
        &format!(
            "All {} replicates, {nouns} executed after the {}-{unit} warm-up; markers: median and \
             95th percentile; time on a log scale, ending at the slowest org's 99.5th percentile",
            rs.manifest.replications, sc.scenario.warmup
        ),
        &org_legend(&rs.orgs, true),
    )?;
    let styles: Vec<OrgStyle> = (0..rs.orgs.len()).map(OrgStyle::of).collect();

    let mut chart = plot_builder(&body)
        .margin_top(24)
        .margin_right(150)
        .build_cartesian_2d(0f64..axis_x(x_end), 0f64..100f64)?;
    let fmt_y = |v: &f64| format!("{v:.0}%");
    // The mesh draws the shares; the log axis's grid lines and labels are drawn below.
    axes(&mut chart)
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&fmt_y)
        .x_desc(format!(
            "latency, arrival to execution ({units}, log scale)"
        ))
        .y_desc(format!("{nouns} executed within that time"))
        .draw()?;
    let labels = text(TICK_LABEL_SIZE, INK);
    for v in axis_ticks(x_end) {
        let (x, top) = chart.backend_coord(&(axis_x(v), 100.0));
        let (_, base) = chart.backend_coord(&(axis_x(v), 0.0));
        if v > 0.0 {
            root.draw(&PathElement::new(
                vec![(x, top), (x, base)],
                GRID.stroke_width(1),
            ))?;
        }
        root.draw(&PathElement::new(
            vec![(x, base), (x, base + 8)],
            MUTED.stroke_width(2),
        ))?;
        let words = fmt_num(v);
        let (w, _) = root.estimate_text_size(&words, &labels)?;
        root.draw(&Text::new(
            words,
            (x - w as i32 / 2, base + 14),
            labels.clone(),
        ))?;
    }

    // Reference lines for the median and the 95th percentile, named in the right margin.
    for (share, name) in [(50.0, "median"), (95.0, "95th pct")] {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, share), (axis_x(x_end), share)],
            6,
            6,
            MUTED.stroke_width(2),
        )))?;
        let (x, y) = chart.backend_coord(&(axis_x(x_end), share));
        draw_text_centred(root, name, (x + 12, y), text(NOTE_SIZE, MUTED))?;
    }
    for (org, style) in rs.orgs.iter().zip(&styles) {
        let pixels: Vec<(i32, i32)> = steps(&org.latency, x_end)
            .iter()
            .map(|&(x, y)| chart.backend_coord(&(axis_x(x), y)))
            .collect();
        draw_styled_path(root, pixels, style, 4)?;
    }
    for (org, style) in rs.orgs.iter().zip(&styles) {
        for share in [0.5, 0.95] {
            if let Some(l) = org.latency.quantile(share) {
                let at = chart.backend_coord(&(axis_x((l as f64).min(x_end)), share * 100.0));
                draw_marker(root, style, at, 9)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_rise_at_each_latency_and_end_at_the_axis_end() {
        let h = LatencyHistogram {
            counts: vec![(0, 1), (2, 3)],
        };
        assert_eq!(
            steps(&h, 5.0),
            vec![
                (0.0, 0.0),
                (0.0, 0.0),
                (0.0, 25.0),
                (2.0, 25.0),
                (2.0, 100.0),
                (5.0, 100.0)
            ]
        );
        assert!(steps(&LatencyHistogram::default(), 5.0).is_empty());
    }

    #[test]
    fn the_log_axis_places_zero_at_the_origin_and_labels_one_two_five() {
        assert_eq!(axis_x(0.0), 0.0);
        // Equal ratios of 1 + latency are equal distances.
        let d1 = axis_x(1.0) - axis_x(0.0);
        let d2 = axis_x(3.0) - axis_x(1.0);
        assert!((d1 - 2f64.ln()).abs() < 1e-12 && (d2 - 2f64.ln()).abs() < 1e-12);
        assert_eq!(
            axis_ticks(120.0),
            vec![0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        );
        assert_eq!(axis_ticks(1.0), vec![0.0, 1.0]);
    }
}
