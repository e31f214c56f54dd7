//! A sweep's charts against one swept parameter: each charted metric per org with its 95% band,
//! and each org's ratio to the reference org with the break-even line, so "where does each
//! design win?" is one picture.
//!
//! With one swept parameter every point is drawn. With more, each value of the parameter (or,
//! for a parameter drawn from a range, each tenth of its points) is one group: the line is the
//! mean over the other parameters' values at that group, the band the mean of the points' 95%
//! intervals, and every point is a faint dot, so the spread the other parameters cause shows.
//! Ratios are averaged geometrically.

use super::frame::{axes, draw_frame, plot_builder};
use super::style::*;
use crate::metrics::{Better, Metric};
use crate::output::sweep::read::{Cell, Parameter, SweepResults};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// A parameter with more distinct values than this is grouped into [`BINS`] bins.
const MAX_LEVELS: usize = 24;
/// Bins of a parameter drawn from a range.
const BINS: usize = 10;

/// One group of points along a parameter: its position and the points in it.
#[derive(Debug, Clone)]
pub struct Group {
    /// Where it sits on the x axis (the value, or its index for names).
    pub x: f64,
    /// How its tick is labelled.
    pub label: String,
    /// The points in it.
    pub points: Vec<usize>,
}

/// The groups of points along `p`: one per value, or [`BINS`] equal-count bins of a parameter
/// with many values.
pub fn groups(p: &Parameter) -> Vec<Group> {
    let levels = p.levels();
    if levels.len() <= MAX_LEVELS || !p.numeric() {
        return levels
            .iter()
            .enumerate()
            .map(|(i, level)| {
                let points: Vec<usize> =
                    (0..p.text.len()).filter(|&k| &p.text[k] == level).collect();
                let x = if p.numeric() {
                    p.number[points[0]].unwrap_or(i as f64)
                } else {
                    i as f64
                };
                Group {
                    x,
                    label: level.clone(),
                    points,
                }
            })
            .collect();
    }
    let mut order: Vec<usize> = (0..p.text.len()).collect();
    order.sort_by(|&a, &b| {
        p.number[a]
            .unwrap_or(0.0)
            .total_cmp(&p.number[b].unwrap_or(0.0))
    });
    order
        .chunks(order.len().div_ceil(BINS).max(1))
        .map(|chunk| {
            let xs: Vec<f64> = chunk.iter().filter_map(|&k| p.number[k]).collect();
            let x = xs.iter().sum::<f64>() / xs.len().max(1) as f64;
            Group {
                x,
                label: fmt_num(x),
                points: chunk.to_vec(),
            }
        })
        .collect()
}

/// The mean, band and per-point values of one org over one group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub x: f64,
    pub mean: f64,
    pub band: Option<(f64, f64)>,
}

/// `org`'s line along `groups`: arithmetic means (or geometric, for ratios) of its cells.
pub fn line(cells: &[Cell], org: usize, groups: &[Group], geometric: bool) -> Vec<Summary> {
    let by_point = |k: usize| cells.iter().find(|c| c.org == org && c.point == k);
    let avg = |v: &[f64]| -> Option<f64> {
        if v.is_empty() {
            return None;
        }
        if geometric {
            (v.iter().all(|&x| x > 0.0))
                .then(|| (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp())
        } else {
            Some(v.iter().sum::<f64>() / v.len() as f64)
        }
    };
    groups
        .iter()
        .filter_map(|g| {
            let cells: Vec<&Cell> = g.points.iter().filter_map(|&k| by_point(k)).collect();
            let means: Vec<f64> = cells.iter().filter_map(|c| c.mean).collect();
            let mean = avg(&means)?;
            let lows: Vec<f64> = cells.iter().filter_map(|c| c.low).collect();
            let highs: Vec<f64> = cells.iter().filter_map(|c| c.high).collect();
            let band = match (avg(&lows), avg(&highs)) {
                (Some(l), Some(h)) if lows.len() == means.len() => Some((l, h)),
                _ => None,
            };
            Some(Summary { x: g.x, mean, band })
        })
        .collect()
}

/// What a sweep chart against one parameter shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The metric's mean per org.
    Metric,
    /// Each org's ratio to the reference.
    Ratio,
}

/// Draws `metric` (or its ratio) against parameter `param` of the sweep.
pub fn draw<DB: DrawingBackend>(
    sr: &SweepResults,
    metric: &str,
    param: usize,
    what: Against,
    root: &DrawingArea<DB, Shift>,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let s = sr.scenario();
    let p = &sr.parameters[param];
    let gs = groups(p);
    let parsed = Metric::parse_in(metric, s);
    let label = parsed.as_ref().map_or(metric.to_string(), Metric::label);
    let unit = parsed
        .as_ref()
        .map_or(String::new(), |m| m.unit().words(&s.scenario.tick_unit));
    let names = sr.org_names();
    let reference = s.reference_org();
    let (cells, orgs): (&[Cell], Vec<usize>) = match what {
        Against::Metric => (sr.summary(metric), (0..names.len()).collect()),
        Against::Ratio => (
            sr.ratio(metric),
            (0..names.len()).filter(|&o| o != reference).collect(),
        ),
    };
    let geometric = what == Against::Ratio;
    let lines: Vec<(usize, Vec<Summary>)> = orgs
        .iter()
        .map(|&o| (o, line(cells, o, &gs, geometric)))
        .collect();
    let multi = sr.parameters.len() > 1;

    let title = match what {
        Against::Metric => format!("{} by {}", capitalise(&label), p.path),
        Against::Ratio => format!(
            "{} against {}, by {}",
            capitalise(&label),
            names.get(reference).cloned().unwrap_or_default(),
            p.path
        ),
    };
    let mut subtitle = match what {
        Against::Metric => "Line: mean across replicates; band: 95% interval".to_string(),
        Against::Ratio => {
            let better = match parsed.as_ref().map(Metric::better) {
                Some(Better::Lower) => "; below 1: lower than the reference",
                Some(Better::Higher) => "; above 1: higher than the reference",
                _ => "",
            };
            format!("Paired ratio (geometric mean), 95% band; dashed: break-even at 1{better}")
        }
    };
    if multi {
        subtitle.push_str("; averaged over the other swept parameters, dots: single points");
    }

    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for (_, l) in &lines {
        for sm in l {
            let (a, b) = sm.band.unwrap_or((sm.mean, sm.mean));
            lo = lo.min(a.min(sm.mean));
            hi = hi.max(b.max(sm.mean));
        }
    }
    let group_x = |k: usize| gs.iter().find(|g| g.points.contains(&k)).map(|g| g.x);
    let dots: Vec<(usize, f64, f64)> = if multi {
        cells
            .iter()
            .filter(|c| orgs.contains(&c.org))
            .filter_map(|c| Some((c.org, group_x(c.point)?, c.mean?)))
            .collect()
    } else {
        Vec::new()
    };
    for &(_, _, y) in &dots {
        lo = lo.min(y);
        hi = hi.max(y);
    }
    if what == Against::Ratio {
        lo = lo.min(1.0);
        hi = hi.max(1.0);
    }
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let (y0, mut y1) = if what == Against::Ratio || lo < 0.0 {
        let pad = (hi - lo).max(1e-9) * 0.08;
        (lo - pad, hi + pad)
    } else {
        (0.0, hi)
    };
    y1 += (y1 - y0).max(1e-9) * 0.06;
    let (x0, x1) = match (gs.first(), gs.last()) {
        (Some(a), Some(b)) if b.x > a.x => {
            let pad = (b.x - a.x) * 0.04;
            (a.x - pad, b.x + pad)
        }
        (Some(a), _) => (a.x - 1.0, a.x + 1.0),
        _ => (0.0, 1.0),
    };

    let mut legend: Vec<LegendItem> = orgs
        .iter()
        .map(|&o| LegendItem::Org {
            name: &names[o],
            style: OrgStyle::of(o),
            line: true,
        })
        .collect();
    if what == Against::Ratio {
        legend.push(LegendItem::Reference {
            name: "break-even",
            colour: INK,
        });
    }
    let body = draw_frame(root, &title, &subtitle, &legend)?;
    let mut chart = plot_builder(&body)
        .margin_top(36)
        .margin_right(56)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let labels: Vec<(f64, String)> = gs.iter().map(|g| (g.x, g.label.clone())).collect();
    let numeric = p.numeric();
    let fmt_x = |v: &f64| {
        if numeric {
            fmt_num(*v)
        } else {
            labels
                .iter()
                .find(|(x, _)| (x - v).abs() < 1e-9)
                .map(|(_, l)| l.clone())
                .unwrap_or_default()
        }
    };
    let fmt_y = |v: &f64| {
        if what == Against::Ratio {
            format!("{}×", fmt_num(*v))
        } else {
            fmt_num(*v)
        }
    };
    let y_desc = match what {
        Against::Metric if unit.is_empty() => label.clone(),
        Against::Metric => format!("{label} ({unit})"),
        Against::Ratio => "ratio to the reference".to_string(),
    };
    axes(&mut chart)
        .disable_x_mesh()
        .x_labels(if numeric { 10 } else { gs.len().max(2) })
        .y_labels(8)
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .x_desc(p.path.clone())
        .y_desc(y_desc)
        .draw()?;

    for &(o, x, y) in &dots {
        chart.draw_series(std::iter::once(Circle::new(
            (x, y),
            4,
            OrgStyle::of(o).colour.mix(0.35).filled(),
        )))?;
    }
    for (o, l) in &lines {
        let style = OrgStyle::of(*o);
        let band: Vec<(f64, f64, f64)> = l
            .iter()
            .filter_map(|sm| sm.band.map(|(a, b)| (sm.x, a, b)))
            .collect();
        if band.len() >= 2 {
            let mut poly: Vec<(f64, f64)> = band.iter().map(|&(x, _, h)| (x, h)).collect();
            poly.extend(band.iter().rev().map(|&(x, l, _)| (x, l)));
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                style.colour.mix(0.18).filled(),
            )))?;
        } else {
            for &(x, a, b) in &band {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, a), (x, b)],
                    style.colour.stroke_width(3),
                )))?;
            }
        }
    }
    if what == Against::Ratio {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x0, 1.0), (x1, 1.0)],
            6,
            6,
            INK.stroke_width(2),
        )))?;
    }
    for (o, l) in &lines {
        let style = OrgStyle::of(*o);
        let pixels: Vec<(i32, i32)> = l
            .iter()
            .map(|sm| chart.backend_coord(&(sm.x, sm.mean)))
            .collect();
        draw_styled_path(root, pixels.clone(), &style, 3)?;
        for px in pixels {
            draw_marker(root, &style, px, 7)?;
        }
    }
    Ok(())
}

pub use crate::scenario::wording::capitalise;
