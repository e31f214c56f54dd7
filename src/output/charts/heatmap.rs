//! A sweep's heatmaps over two swept parameters: one org's metric at every combination (one
//! colour scale shared by every org, so maps can be compared), and one org's ratio to the
//! reference, coloured by who wins: the org's colour where its interval clears 1 in its favour,
//! the reference's where it clears 1 the other way, grey where the interval holds 1.

use super::frame::draw_frame;
use super::style::*;
use crate::metrics::{Better, Metric};
use crate::output::sweep::read::{Cell, SweepResults};
use plotters::coord::Shift;
use plotters::prelude::*;

/// What a heatmap colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    /// The metric's mean.
    Metric,
    /// The ratio to the reference org.
    Ratio,
}

fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Draws `metric` (or its ratio) for `org` over the sweep's first two parameters.
pub fn draw<DB: DrawingBackend>(
    sr: &SweepResults,
    metric: &str,
    org: usize,
    shade: Shade,
    root: &DrawingArea<DB, Shift>,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let s = sr.scenario();
    let (px, py) = (&sr.parameters[0], &sr.parameters[1]);
    let (xs, ys) = (px.levels(), py.levels());
    let names = sr.org_names();
    let reference = s.reference_org();
    let parsed = Metric::parse_in(metric, s);
    let label = parsed.as_ref().map_or(metric.to_string(), Metric::label);
    let better = parsed.as_ref().map_or(Better::Neither, Metric::better);
    let cells: &[Cell] = match shade {
        Shade::Metric => sr.summary(metric),
        Shade::Ratio => sr.ratio(metric),
    };
    let at = |i: usize, j: usize| -> Option<&Cell> {
        (0..sr.points)
            .find(|&k| px.text[k] == xs[i] && py.text[k] == ys[j])
            .and_then(|k| cells.iter().find(|c| c.point == k && c.org == org))
    };
    // One scale for every org's map of this metric.
    let all: Vec<f64> = cells.iter().filter_map(|c| c.mean).collect();
    let (lo, hi) = all
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let spread = all
        .iter()
        .filter(|&&v| v > 0.0)
        .map(|v| v.ln().abs())
        .fold(0.0f64, f64::max)
        .max(1e-9);

    let org_name = names.get(org).cloned().unwrap_or_default();
    let ref_name = names.get(reference).cloned().unwrap_or_default();
    let (title, subtitle) = match shade {
        Shade::Metric => (
            format!("{org_name}: {label}"),
            format!(
                "Mean across replicates at each point; darker: higher (one scale for every org, {} to {})",
                fmt_num(lo),
                fmt_num(hi)
            ),
        ),
        Shade::Ratio => (
            format!("{org_name} against {ref_name}: {label}"),
            format!(
                "Paired ratio; coloured by who is {} where the 95% interval clears 1; grey: no clear difference",
                match better {
                    Better::Higher => "higher",
                    _ => "lower",
                }
            ),
        ),
    };
    let legend = match shade {
        Shade::Metric => vec![LegendItem::Swatch {
            name: &org_name,
            fill: OrgStyle::of(org).colour,
        }],
        Shade::Ratio => vec![
            LegendItem::Swatch {
                name: &org_name,
                fill: OrgStyle::of(org).colour,
            },
            LegendItem::Swatch {
                name: &ref_name,
                fill: OrgStyle::of(reference).colour,
            },
            LegendItem::Swatch {
                name: "no clear difference",
                fill: GRID,
            },
        ],
    };
    let body = draw_frame(root, &title, &subtitle, &legend)?;
    let (nx, ny) = (xs.len().max(1), ys.len().max(1));
    let mut chart = ChartBuilder::on(&body)
        .margin_left(16)
        .margin_bottom(12)
        .margin_top(24)
        .margin_right(56)
        .x_label_area_size(84)
        .y_label_area_size(150)
        .build_cartesian_2d(0f64..nx as f64, 0f64..ny as f64)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .axis_style(MUTED.stroke_width(2))
        .axis_desc_style(text(AXIS_DESC_SIZE, INK))
        .x_desc(px.path.clone())
        .y_desc(py.path.clone())
        .draw()?;
    let own = OrgStyle::of(org).colour;
    let theirs = OrgStyle::of(reference).colour;
    for i in 0..nx {
        for j in 0..ny {
            let Some(c) = xs.get(i).and(ys.get(j)).and_then(|_| at(i, j)) else {
                continue;
            };
            let Some(v) = c.mean else { continue };
            let (fill, words) = match shade {
                Shade::Metric => {
                    let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                    (blend(WHITE, own, 0.12 + 0.78 * t), fmt_num(v))
                }
                Shade::Ratio => {
                    let below = c.high.is_some_and(|h| h < 1.0);
                    let above = c.low.is_some_and(|l| l > 1.0);
                    let wins = match better {
                        Better::Higher => above,
                        _ => below,
                    };
                    let loses = match better {
                        Better::Higher => below,
                        _ => above,
                    };
                    let t = 0.25 + 0.65 * (v.max(1e-12).ln().abs() / spread);
                    let fill = if wins {
                        blend(WHITE, own, t)
                    } else if loses {
                        blend(WHITE, theirs, t)
                    } else {
                        GRID
                    };
                    (fill, format!("{}×", fmt_num(v)))
                }
            };
            let (x, y) = (i as f64, j as f64);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x, y), (x + 1.0, y + 1.0)],
                fill.filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x, y), (x + 1.0, y + 1.0)],
                WHITE.stroke_width(2),
            )))?;
            let dark =
                (f64::from(fill.0) * 0.3 + f64::from(fill.1) * 0.59 + f64::from(fill.2) * 0.11)
                    < 120.0;
            let style = text(NOTE_SIZE, if dark { WHITE } else { INK });
            let (w, _) = root.estimate_text_size(&words, &style)?;
            let (cx, cy) = chart.backend_coord(&(x + 0.5, y + 0.5));
            draw_text_centred(root, &words, (cx - w as i32 / 2, cy), style)?;
        }
    }
    let tick = text(TICK_LABEL_SIZE, INK);
    for (i, name) in xs.iter().enumerate() {
        let (cx, by) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        let (w, _) = root.estimate_text_size(name, &tick)?;
        root.draw(&Text::new(
            name.clone(),
            (cx - w as i32 / 2, by + 10),
            tick.clone(),
        ))?;
    }
    for (j, name) in ys.iter().enumerate() {
        let (lx, cy) = chart.backend_coord(&(0.0, j as f64 + 0.5));
        let (w, _) = root.estimate_text_size(name, &tick)?;
        draw_text_centred(root, name, (lx - 12 - w as i32, cy), tick.clone())?;
    }
    Ok(())
}
