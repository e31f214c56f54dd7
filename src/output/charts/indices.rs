//! A sweep's sensitivity indices for one org (or one org's ratio to the reference) and metric:
//! per swept parameter, S1 and ST (sobol) or μ* and σ (morris) as horizontal bars with their
//! 95% bootstrap intervals, most important first. An index whose interval reaches zero (for
//! Morris: the seed-noise floor) is not drawn as a bar but labelled "no detectable effect";
//! Sobol indices are shares of variance, so bars and intervals are clipped to [0, 1].

use super::frame::{axes, draw_frame, plot_builder};
use super::style::*;
use crate::metrics::Metric;
use crate::output::sweep::matters::{ParamIndices, indices_of, ranking, seed_rows, subject_words};
use crate::output::sweep::read::{IndexRow, SweepResults};
use crate::scenario::Design;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The colours of the first and second index.
const FIRST: RGBColor = PALETTE[0];
const SECOND: RGBColor = RGBColor(153, 199, 224);

/// Draws the indices of `subject` on `metric`.
pub fn draw<DB: DrawingBackend>(
    sr: &SweepResults,
    metric: &str,
    subject: &str,
    root: &DrawingArea<DB, Shift>,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let s = sr.scenario();
    let morris = s.sweep.design == Design::Morris;
    let label = Metric::parse_in(metric, s).map_or(metric.to_string(), |m| m.label());
    let indices = indices_of(sr, subject, metric);
    let order = ranking(sr, &indices);
    let rows: Vec<&ParamIndices<'_>> = order
        .iter()
        .filter_map(|&p| indices.iter().find(|x| x.param == p))
        .collect();
    let floor = seed_rows(sr, subject, metric);
    let floor_of = |index: &str| floor.iter().find(|r| r.index == index).map(|r| r.value);

    let whose = if subject.contains('/') {
        format!("{} (log ratio)", subject_words(subject, sr))
    } else {
        subject.to_string()
    };
    let title = format!("What moves {label}: {whose}");
    let subtitle = if morris {
        "Morris screening: bars μ* (importance) and σ (non-linearity, interactions), 95% bootstrap intervals; dashed: seed-noise floor".to_string()
    } else {
        let mut t =
            "Sobol indices: share of the variance across the sweep, 95% bootstrap intervals"
                .to_string();
        if let Some(share) = floor_of("seed_share") {
            t.push_str(&format!(
                "; seed noise: {:.0}% of a run's variance",
                100.0 * share.clamp(0.0, 1.0)
            ));
        }
        t
    };
    let (a, b) = if morris {
        ("μ*: mean absolute effect", "σ: spread of the effects")
    } else {
        ("S1: alone", "ST: with its interactions")
    };
    let legend = [
        LegendItem::Swatch {
            name: a,
            fill: FIRST,
        },
        LegendItem::Swatch {
            name: b,
            fill: SECOND,
        },
    ];
    let body = draw_frame(root, &title, &subtitle, &legend)?;

    let clip = |v: f64| {
        if morris {
            v.max(0.0)
        } else {
            v.clamp(0.0, 1.0)
        }
    };
    let top = |r: &IndexRow| clip(r.high.unwrap_or(r.value).max(r.value));
    let x1 = if morris {
        let hi = rows
            .iter()
            .flat_map(|p| [top(p.first), top(p.second)])
            .chain(floor.iter().map(|r| r.value))
            .fold(0.0f64, f64::max);
        if hi > 0.0 { hi * 1.08 } else { 1.0 }
    } else {
        1.0
    };
    let n = rows.len().max(1) as f64;
    let names: Vec<&str> = rows
        .iter()
        .map(|p| sr.parameters[p.param].path.as_str())
        .collect();
    let widest = names
        .iter()
        .map(|t| root.estimate_text_size(t, &text(TICK_LABEL_SIZE, INK)))
        .filter_map(Result::ok)
        .map(|(w, _)| w)
        .max()
        .unwrap_or(100);
    let mut chart = plot_builder(&body)
        .margin_top(24)
        .margin_right(72)
        .y_label_area_size(widest + 36)
        .build_cartesian_2d(0.0..x1, 0.0..n)?;
    let x_desc = if morris {
        let unit = Metric::parse_in(metric, s)
            .map(|m| m.unit().words(&s.scenario.tick_unit))
            .unwrap_or_default();
        if subject.contains('/') {
            "effect of moving across the whole range, in log ratio".to_string()
        } else if unit.is_empty() {
            "effect of moving across the whole range".to_string()
        } else {
            format!("effect of moving across the whole range ({unit})")
        }
    } else {
        "share of variance".to_string()
    };
    axes(&mut chart)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(11)
        .x_label_formatter(&|v| fmt_num(*v))
        .x_desc(x_desc)
        .draw()?;

    // Row i (most important first) spans [n − i − 1, n − i]; its first bar is the upper one.
    let note = text(NOTE_SIZE, MUTED).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (p, name)) in rows.iter().zip(&names).enumerate() {
        let y = n - i as f64;
        let (label_x, label_y) = chart.backend_coord(&(0.0, y - 0.5));
        root.draw(&Text::new(
            name.to_string(),
            (label_x - 14, label_y),
            text(TICK_LABEL_SIZE, INK).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        for (k, (row, colour)) in [(p.first, FIRST), (p.second, SECOND)].iter().enumerate() {
            let (y_hi, y_lo) = (y - 0.14 - 0.36 * k as f64, y - 0.46 - 0.36 * k as f64);
            let y_mid = (y_hi + y_lo) / 2.0;
            if !row.detectable {
                let (px, py) = chart.backend_coord(&(0.0, y_mid));
                root.draw(&Text::new(
                    "no detectable effect".to_string(),
                    (px + 10, py),
                    note.clone(),
                ))?;
                continue;
            }
            let v = clip(row.value);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y_lo), (v, y_hi)],
                colour.filled(),
            )))?;
            if let (Some(lo), Some(hi)) = (row.low, row.high) {
                let (lo, hi) = (clip(lo), clip(hi));
                let whisker = INK.stroke_width(2);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(lo, y_mid), (hi, y_mid)],
                    whisker,
                )))?;
                for x in [lo, hi] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x, y_mid - 0.08), (x, y_mid + 0.08)],
                        whisker,
                    )))?;
                }
            }
        }
    }
    if morris {
        for (index, colour) in [("mu_star", FIRST), ("sigma", SECOND)] {
            if let Some(f) = floor_of(index) {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    vec![(f, 0.0), (f, n)],
                    6,
                    6,
                    colour.stroke_width(2),
                )))?;
            }
        }
    }
    Ok(())
}
