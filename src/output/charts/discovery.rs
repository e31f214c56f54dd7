//! Where each design wins: every sweep point on the two most important parameters, coloured by
//! the org that does better there on the discovery metric, with each org's PRIM box drawn in
//! its colour (an edge the box does not bound runs to the edge of the sampled range).

use super::frame::{axes, draw_frame, plot_builder};
use super::style::*;
use crate::metrics::Metric;
use crate::output::sweep::matters::Discovery;
use crate::output::sweep::read::SweepResults;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The lowest and highest value of parameter `p` over the discovery's points.
fn span(sr: &SweepResults, d: &Discovery, p: usize) -> (f64, f64) {
    d.points
        .iter()
        .filter_map(|&(k, _)| sr.parameters[p].number[k])
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

/// Draws the points and boxes of `d` over parameters `x` and `y`.
pub fn draw<DB: DrawingBackend>(
    sr: &SweepResults,
    d: &Discovery,
    (x, y): (usize, usize),
    root: &DrawingArea<DB, Shift>,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let names = sr.org_names();
    let label = Metric::parse_in(&d.metric, sr.scenario()).map_or(d.metric.clone(), |m| m.label());
    let title = format!(
        "Where each design does better on {label}: {} or {}",
        names[d.org], names[d.reference]
    );
    let subtitle = "Each dot a sweep point, coloured by who does better (paired ratio); outlines: each one's PRIM box on these two parameters";
    let wins: Vec<String> = d
        .sides
        .iter()
        .map(|s| format!("{} does better", names[s.org]))
        .collect();
    let mut legend: Vec<LegendItem> = d
        .sides
        .iter()
        .zip(&wins)
        .map(|(s, w)| LegendItem::Org {
            name: w,
            style: OrgStyle::of(s.org),
            line: false,
        })
        .collect();
    if d.points.iter().any(|(_, w)| w.is_none()) {
        legend.push(LegendItem::Swatch {
            name: "tie",
            fill: GRID,
        });
    }
    let body = draw_frame(root, &title, subtitle, &legend)?;
    let pad = |(lo, hi): (f64, f64)| {
        let w = (hi - lo).max(1e-9);
        (lo - 0.04 * w, hi + 0.04 * w)
    };
    let ((x0, x1), (y0, y1)) = (pad(span(sr, d, x)), pad(span(sr, d, y)));
    let mut chart = plot_builder(&body)
        .margin_top(24)
        .margin_right(56)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    axes(&mut chart)
        .x_labels(10)
        .y_labels(8)
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_num(*v))
        .x_desc(sr.parameters[x].path.clone())
        .y_desc(sr.parameters[y].path.clone())
        .draw()?;
    for &(k, winner) in &d.points {
        let (Some(px), Some(py)) = (sr.parameters[x].number[k], sr.parameters[y].number[k]) else {
            continue;
        };
        let at = chart.backend_coord(&(px, py));
        match winner {
            Some(o) => draw_marker(root, &OrgStyle::of(o), at, 6)?,
            None => root.draw(&Circle::new(at, 5, GRID.filled()))?,
        }
    }
    for side in &d.sides {
        let Some(b) = &side.found else { continue };
        if b.limits.is_empty() {
            continue;
        }
        // An edge the box does not bound runs to the edge of the plot.
        let (mut bx, mut by) = ((x0, x1), (y0, y1));
        for l in &b.limits {
            let target = match d.params[l.param] {
                p if p == x => &mut bx,
                p if p == y => &mut by,
                _ => continue,
            };
            if let Some(lo) = l.lower {
                target.0 = lo;
            }
            if let Some(hi) = l.upper {
                target.1 = hi;
            }
        }
        let colour = OrgStyle::of(side.org).colour;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(bx.0, by.0), (bx.1, by.1)],
            colour.stroke_width(4),
        )))?;
    }
    Ok(())
}
