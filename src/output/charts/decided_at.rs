//! Where decisions are taken: per org, the share decided at each level, as a stacked bar.

use super::frame::{axes, draw_frame, plot_builder};
use super::style::*;
use crate::metrics::{LevelMetric, Metric, OrgMetric, WINDOW_ALL};
use crate::output::results::ResultSet;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Level colours, light (frontline) to dark (top): a sequential scale (viridis) that stays in
/// order in greyscale. Kept apart from the org palette: here colour means level, not org.
const LEVELS: [RGBColor; 5] = [
    RGBColor(253, 231, 37),
    RGBColor(94, 201, 98),
    RGBColor(33, 145, 140),
    RGBColor(59, 82, 139),
    RGBColor(68, 1, 84),
];

/// The colour of `level` when there are `levels` levels.
fn level_colour(level: usize, levels: usize) -> RGBColor {
    if levels <= 1 {
        return LEVELS[0];
    }
    let i = (level * (LEVELS.len() - 1) + (levels - 1) / 2) / (levels - 1);
    LEVELS[i.min(LEVELS.len() - 1)]
}

/// Whether text on this level's colour should be white.
fn dark(level: usize, levels: usize) -> bool {
    let c = level_colour(level, levels);
    0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2) < 128.0
}

/// The org's share of decisions taken at each level, from `decided_at.level.N`.
pub fn shares(rs: &ResultSet, org: &str) -> Vec<f64> {
    let mut by_level: Vec<(usize, f64)> = rs
        .summary
        .metrics
        .iter()
        .filter(|m| m.org == org && m.window == WINDOW_ALL)
        .filter_map(|m| {
            let Some(Metric::Level(LevelMetric::DecidedAt, level)) = Metric::parse(&m.metric)
            else {
                return None;
            };
            Some((level as usize, m.mean.unwrap_or(0.0)))
        })
        .collect();
    by_level.sort_by_key(|&(l, _)| l);
    let levels = by_level.last().map_or(0, |&(l, _)| l + 1);
    let mut out = vec![0.0; levels];
    for (l, s) in by_level {
        out[l] = s.max(0.0);
    }
    out
}

pub fn draw<DB: DrawingBackend>(rs: &ResultSet, root: &DrawingArea<DB, Shift>) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let all: Vec<Vec<f64>> = rs.orgs.iter().map(|o| shares(rs, &o.name)).collect();
    let levels = all.iter().map(Vec::len).max().unwrap_or(0);

    // A level is called what the orgs that name it call it (`level_names`), each distinct
    // name once.
    let sc = rs.scenario();
    let nouns = sc.scenario.nouns();
    let names: Vec<String> = (0..levels)
        .map(|l| {
            let mut called: Vec<&str> = Vec::new();
            for org in &sc.orgs {
                if let Some(n) = org.level_names.get(l)
                    && !called.contains(&n.as_str())
                {
                    called.push(n);
                }
            }
            match (l, called.is_empty()) {
                (0, true) => "level 0 (frontline)".to_string(),
                (l, true) => format!("level {l}"),
                (l, false) => format!("level {l} ({})", called.join(" / ")),
            }
        })
        .collect();
    let legend: Vec<LegendItem> = names
        .iter()
        .enumerate()
        .map(|(l, name)| LegendItem::Swatch {
            name,
            fill: level_colour(l, levels),
        })
        .collect();
    let title = format!("Where {nouns} are taken");
    let subtitle = format!(
        "Share of {nouns} taken at each level (level 0 = frontline), mean over replicates; \
         right: share taken where the {} arose",
        sc.scenario.noun()
    );
    let body = draw_frame(root, &title, &subtitle, &legend)?;

    let n = rs.orgs.len().max(1);
    let label_width = rs
        .orgs
        .iter()
        .map(|o| {
            root.estimate_text_size(&o.name, &text(AXIS_DESC_SIZE, INK))
                .map(|(w, _)| w)
        })
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max()
        .unwrap_or(100)
        + 70;
    let mut chart = plot_builder(&body)
        .margin_top(24)
        .margin_right(230)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0f64..100f64, 0f64..n as f64)?;
    let fmt_x = |v: &f64| format!("{v:.0}%");
    axes(&mut chart)
        .disable_y_mesh()
        .x_labels(11)
        .y_labels(0)
        .x_label_formatter(&fmt_x)
        .x_desc(format!("share of {nouns} taken"))
        .draw()?;

    let name_style = text(AXIS_DESC_SIZE, INK);
    let bar = 0.56;
    for (i, (org, shares)) in rs.orgs.iter().zip(&all).enumerate() {
        let style = OrgStyle::of(i);
        let centre = (n - i) as f64 - 0.5;
        let (y_lo, y_hi) = (centre - bar / 2.0, centre + bar / 2.0);
        let total: f64 = shares.iter().sum();
        // Shares that do not add to 1 (rounding) are drawn as they are, not rescaled.
        let mut x = 0.0;
        for (l, s) in shares.iter().enumerate() {
            let w = (s * 100.0).min(100.0 - x);
            if w <= 0.0 {
                continue;
            }
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x, y_lo), (x + w, y_hi)],
                level_colour(l, levels).filled(),
            )))?;
            let (px0, py) = chart.backend_coord(&(x, centre));
            let (px1, _) = chart.backend_coord(&(x + w, centre));
            let words = format!("{:.0}%", s * 100.0);
            let ink = if dark(l, levels) { WHITE } else { INK };
            let st = text(NOTE_SIZE, ink);
            let (tw, _) = root.estimate_text_size(&words, &st)?;
            if px1 - px0 > tw as i32 + 12 {
                draw_text_centred(root, &words, ((px0 + px1 - tw as i32) / 2, py), st)?;
            }
            x += w;
        }
        if total <= 0.0 {
            let (px, py) = chart.backend_coord(&(0.0, centre));
            draw_text_centred(root, "no data", (px + 10, py), text(NOTE_SIZE, MUTED))?;
        }
        // The org's name (with its marker) left of its bar, right-aligned to the axis.
        let (ax, py) = chart.backend_coord(&(0.0, centre));
        let (tw, _) = root.estimate_text_size(&org.name, &name_style)?;
        let tx = ax - 16 - tw as i32;
        draw_text_centred(root, &org.name, (tx, py), name_style.clone())?;
        draw_marker(root, &style, (tx - 22, py), 9)?;
        // Right: decided where it arose.
        if let Some(origin) = rs
            .metric(&org.name, OrgMetric::DecidedAtOrigin.name())
            .and_then(|m| m.mean)
        {
            let (rx, _) = chart.backend_coord(&(100.0, centre));
            let words = format!("{:.0}% at origin", origin * 100.0);
            draw_text_centred(root, &words, (rx + 20, py), text(NOTE_SIZE, INK))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_colours_run_from_light_frontline_to_dark_top() {
        assert_eq!(level_colour(0, 4), LEVELS[0]);
        assert_eq!(level_colour(3, 4), LEVELS[4]);
        assert_eq!(level_colour(0, 1), LEVELS[0]);
        assert!(!dark(0, 4));
        assert!(dark(3, 4));
    }
}
