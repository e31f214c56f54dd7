//! The latency distribution per org as a cumulative share: how many decisions were executed
//! within a given time, with each org's median and 95th percentile marked.

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

    let body = draw_frame(
        root,
        "How quickly decisions are executed",
        &format!(
            "All {} replicates, decisions executed after the {}-{unit} warm-up; markers: median and \
             95th percentile; axis ends at the slowest org's 99.5th percentile",
            rs.manifest.replications, sc.scenario.warmup
        ),
        &org_legend(&rs.orgs, true),
    )?;
    let styles: Vec<OrgStyle> = (0..rs.orgs.len()).map(OrgStyle::of).collect();

    let mut chart = plot_builder(&body)
        .margin_top(24)
        .margin_right(150)
        .build_cartesian_2d(0f64..x_end, 0f64..100f64)?;
    let fmt_x = |v: &f64| fmt_num(*v);
    let fmt_y = |v: &f64| format!("{v:.0}%");
    axes(&mut chart)
        .x_labels(10)
        .y_labels(6)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .x_desc(format!("latency, arrival to execution ({units})"))
        .y_desc("decisions executed within that time")
        .draw()?;

    // Reference lines for the median and the 95th percentile, named in the right margin.
    for (share, name) in [(50.0, "median"), (95.0, "95th pct")] {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, share), (x_end, share)],
            6,
            6,
            MUTED.stroke_width(2),
        )))?;
        let (x, y) = chart.backend_coord(&(x_end, share));
        draw_text_centred(root, name, (x + 12, y), text(NOTE_SIZE, MUTED))?;
    }
    for (org, style) in rs.orgs.iter().zip(&styles) {
        let pixels: Vec<(i32, i32)> = steps(&org.latency, x_end)
            .iter()
            .map(|p| chart.backend_coord(p))
            .collect();
        draw_styled_path(root, pixels, style, 4)?;
    }
    for (org, style) in rs.orgs.iter().zip(&styles) {
        for share in [0.5, 0.95] {
            if let Some(l) = org.latency.quantile(share) {
                let at = chart.backend_coord(&((l as f64).min(x_end), share * 100.0));
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
}
