//! Recovery time per shock, recovery metric and org: bars with 95% intervals. An org that did
//! not recover is drawn as a hatched, labelled column up to the time the run had left after the
//! shock, marked "> N" (never a zero bar, never an arbitrary height); one that absorbed the
//! shock is labelled "absorbed".

use super::frame::{axes, draw_frame, org_legend, plot_builder};
use super::style::*;
use crate::metrics::{Metric, ShockMetric, TickMetric};
use crate::output::results::ResultSet;
use crate::scenario::RecoveryMetric;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;

/// What the summary says about one org's recovery from one shock on one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Recovered in `recovered` of `replicates` replicates, after `mean` ticks on average.
    Recovered {
        mean: f64,
        interval: Option<(f64, f64)>,
        recovered: usize,
        replicates: usize,
    },
    /// Never departed from its baseline: recovery time 0.
    Absorbed,
    /// Recovered in no replicate before the run ended.
    NotRecovered,
    /// The summary has nothing on it.
    NoData,
}

/// Reads the outcome from `recovery.<shock>.<metric>` and `recovered.<shock>.<metric>`;
/// `metric` is a recovery metric's name.
pub fn outcome(rs: &ResultSet, org: &str, shock: &str, metric: &str) -> Outcome {
    let Some(metric) = RecoveryMetric::from_name(metric) else {
        return Outcome::NoData;
    };
    let row = |family| rs.metric(org, &Metric::shock(family, shock, metric).name());
    let time = row(ShockMetric::Recovery);
    let share = row(ShockMetric::Recovered).and_then(|m| m.mean);
    let replicates = rs.manifest.replications as usize;
    match (time, share) {
        (None, None) => Outcome::NoData,
        (_, Some(s)) if s <= 0.0 => Outcome::NotRecovered,
        (None, Some(_)) => Outcome::NoData,
        (Some(t), _) => match t.mean {
            None => Outcome::NotRecovered,
            Some(_) if t.n == 0 => Outcome::NotRecovered,
            Some(m) if m <= 0.0 => Outcome::Absorbed,
            Some(mean) => Outcome::Recovered {
                mean,
                interval: t.ci_low.zip(t.ci_high),
                recovered: t.n,
                replicates: replicates.max(t.n),
            },
        },
    }
}

pub fn draw<DB: DrawingBackend>(rs: &ResultSet, root: &DrawingArea<DB, Shift>) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let sc = rs.scenario();
    let units = plural(rs.tick_unit());
    let groups: Vec<(&str, RecoveryMetric)> = sc
        .shocks
        .iter()
        .flat_map(|s| {
            sc.recovery
                .metrics
                .iter()
                .map(move |&m| (s.name.as_str(), m))
        })
        .collect();
    let outcomes: Vec<Vec<Outcome>> = groups
        .iter()
        .map(|(shock, metric)| {
            rs.orgs
                .iter()
                .map(|o| outcome(rs, &o.name, shock, metric.name()))
                .collect()
        })
        .collect();

    // A replicate that never recovered took longer than the run had left after the shock: its
    // bar is drawn to that time, labelled "> N", not to an arbitrary height.
    let horizon = |shock: &str| {
        let at = sc
            .shocks
            .iter()
            .find(|s| s.name == shock)
            .map_or(0, |s| s.at);
        f64::from(sc.scenario.ticks.saturating_sub(at))
    };
    let mut top = 0.0f64;
    for ((shock, _), row) in groups.iter().zip(&outcomes) {
        for o in row {
            match o {
                Outcome::Recovered { mean, interval, .. } => {
                    top = top.max(*mean).max(interval.map_or(0.0, |(_, h)| h));
                }
                Outcome::NotRecovered => top = top.max(horizon(shock)),
                _ => {}
            }
        }
    }
    let y1 = if top > 0.0 {
        top * 1.22
    } else {
        f64::from(sc.scenario.ticks.max(1)) / 4.0
    };

    let body = draw_frame(
        root,
        "Time to recover from each shock",
        "Bar: mean over the replicates that recovered (n/m: in n of m replicates); \
         whisker: 95% interval; hatched: not recovered before the run ended, drawn to the time \
         the run had left after the shock (> N)",
        &org_legend(&rs.orgs, false),
    )?;
    let styles: Vec<OrgStyle> = (0..rs.orgs.len()).map(OrgStyle::of).collect();

    let n_groups = groups.len().max(1);
    let mut chart = plot_builder(&body)
        .margin_top(24)
        .margin_right(56)
        .x_label_area_size(96)
        .build_cartesian_2d(0f64..n_groups as f64, 0f64..y1)?;
    let fmt_y = |v: &f64| fmt_num(*v);
    axes(&mut chart)
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(8)
        .y_label_formatter(&fmt_y)
        .y_desc(format!("recovery time ({units} after the shock starts)"))
        .draw()?;

    let n_orgs = styles.len().max(1) as f64;
    let slot = 0.8 / n_orgs;
    let (_, base) = chart.backend_coord(&(0.0, 0.0));
    let (_, ceiling) = chart.backend_coord(&(0.0, y1));
    let label = text(NOTE_SIZE, INK);
    for (g, ((shock, metric), row)) in groups.iter().zip(&outcomes).enumerate() {
        let gx = g as f64;
        if g > 0 && groups[g - 1].0 != *shock {
            // A thin rule between shocks.
            let (x, _) = chart.backend_coord(&(gx, 0.0));
            root.draw(&PathElement::new(
                vec![(x, ceiling), (x, base + 90)],
                GRID.stroke_width(2),
            ))?;
        }
        for (i, (o, style)) in row.iter().zip(&styles).enumerate() {
            let x0 = gx + 0.1 + slot * (i as f64 + 0.1);
            let x1 = x0 + slot * 0.8;
            let (px0, _) = chart.backend_coord(&(x0, 0.0));
            let (px1, _) = chart.backend_coord(&(x1, 0.0));
            let pxc = (px0 + px1) / 2;
            match *o {
                Outcome::Recovered {
                    mean,
                    interval,
                    recovered,
                    replicates,
                } => {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(x0, 0.0), (x1, mean)],
                        style.colour.filled(),
                    )))?;
                    let mut head = chart.backend_coord(&(x0, mean)).1;
                    if let Some((lo, hi)) = interval {
                        let (_, plo) = chart.backend_coord(&(x0, lo.max(0.0)));
                        let (_, phi) = chart.backend_coord(&(x0, hi.min(y1)));
                        let cap = ((px1 - px0) / 4).clamp(6, 18);
                        let ink = INK.stroke_width(2);
                        root.draw(&PathElement::new(vec![(pxc, plo), (pxc, phi)], ink))?;
                        root.draw(&PathElement::new(
                            vec![(pxc - cap, phi), (pxc + cap, phi)],
                            ink,
                        ))?;
                        root.draw(&PathElement::new(
                            vec![(pxc - cap, plo), (pxc + cap, plo)],
                            ink,
                        ))?;
                        head = head.min(phi);
                    }
                    draw_marker(root, style, (pxc, head - 18), 9)?;
                    if recovered < replicates {
                        let note = format!("{recovered}/{replicates}");
                        let (w, _) = root.estimate_text_size(&note, &label)?;
                        root.draw(&Text::new(
                            note,
                            (pxc - w as i32 / 2, head - 56),
                            label.clone(),
                        ))?;
                    }
                }
                Outcome::Absorbed => {
                    draw_marker(root, style, (pxc, base - 14), 9)?;
                    vertical_label(root, "absorbed", pxc, base - 34, INK, false)?;
                }
                Outcome::NotRecovered => {
                    // To the time the run had left: recovery, if it came, took longer.
                    let left = horizon(shock);
                    let (_, top_px) = chart.backend_coord(&(x0, left));
                    hatch(root, (px0, top_px), (px1, base), style.colour)?;
                    // An open top: the time is more than the bar shows.
                    root.draw(&PathElement::new(
                        vec![(px0, top_px), (px1, top_px)],
                        style.colour.stroke_width(4),
                    ))?;
                    let note = format!("> {}", fmt_num(left));
                    let (w, _) = root.estimate_text_size(&note, &label)?;
                    root.draw(&Text::new(
                        note,
                        (pxc - w as i32 / 2, top_px - 34),
                        label.clone(),
                    ))?;
                    draw_marker(root, style, (pxc, top_px - 52), 9)?;
                    vertical_label(root, "not recovered", pxc, (top_px + base) / 2, INK, true)?;
                }
                Outcome::NoData => {
                    vertical_label(root, "no data", pxc, base - 10, MUTED, false)?;
                }
            }
        }
        // Group names under the axis: the shock, then the metric.
        let (cx, _) = chart.backend_coord(&(gx + 0.5, 0.0));
        let words = [(*shock, INK), (TickMetric::from(*metric).label(), MUTED)];
        for (k, (words, colour)) in words.into_iter().enumerate() {
            let style = text(if k == 0 { AXIS_DESC_SIZE } else { NOTE_SIZE }, colour);
            let (w, _) = root.estimate_text_size(words, &style)?;
            root.draw(&Text::new(
                words.to_string(),
                (cx - w as i32 / 2, base + 18 + 32 * k as i32),
                style,
            ))?;
        }
    }
    Ok(())
}

/// Text running upwards: starting at `y` (`centred`: centred on `y`), centred on column `x`.
fn vertical_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    words: &str,
    x: i32,
    y: i32,
    colour: RGBColor,
    boxed: bool,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let style = text(NOTE_SIZE, colour);
    let (w, h) = root.estimate_text_size(words, &style)?;
    let (w, h) = (w as i32, h as i32);
    let bottom = if boxed { y + w / 2 } else { y };
    if boxed {
        root.draw(&Rectangle::new(
            [(x - h / 2 - 6, bottom - w - 8), (x + h / 2 + 6, bottom + 8)],
            WHITE.filled(),
        ))?;
    }
    root.draw(&Text::new(
        words.to_string(),
        (x - h / 2, bottom),
        style.transform(FontTransform::Rotate270),
    ))?;
    Ok(())
}

/// A box outlined and hatched with diagonal lines in `colour`.
fn hatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    colour: RGBColor,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let (w, h) = (x1 - x0, y1 - y0);
    let line = colour.mix(0.45).stroke_width(2);
    let mut d = -h;
    while d < w {
        // The line x = x0 + d + t, y = y1 - t, clipped to the box.
        let t0 = (-d).max(0);
        let t1 = h.min(w - d);
        if t0 < t1 {
            root.draw(&PathElement::new(
                vec![(x0 + d + t0, y1 - t0), (x0 + d + t1, y1 - t1)],
                line,
            ))?;
        }
        d += 16;
    }
    root.draw(&Rectangle::new(
        [(x0, y0), (x1, y1)],
        colour.stroke_width(3),
    ))?;
    Ok(())
}
