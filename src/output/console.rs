//! The short human summary `orgsim run` prints when it finishes.

use std::fmt::Write;

use crate::metrics::OrgMetric::{BacklogMean, GoodRate, LatencyMean, Throughput, ValueTotal};
use crate::metrics::window::bounds;
use crate::metrics::{Metric, ShockMetric, Summary, WINDOW_ALL, WINDOW_STEADY};
use crate::scenario::Scenario;
use crate::scenario::wording::plural;

/// A few lines per org (latency, throughput, value, quality, recovery) and the headlines.
pub fn summary_text(scenario: &Scenario, summary: &Summary) -> String {
    let unit = &scenario.scenario.tick_unit;
    let units = plural(unit);
    let mut out = String::new();
    let find_in = |window: &str, org: &str, metric: &str| {
        summary
            .rows
            .iter()
            .find(|r| r.window == window && r.org == org && r.metric == metric)
    };
    let find = |org: &str, metric: &str| find_in(WINDOW_ALL, org, metric);
    let shown_in = |window: &str, org: &str, metric: &str, digits: usize| -> String {
        match find_in(window, org, metric) {
            Some(r) => match (r.mean, r.ci_low, r.ci_high) {
                (Some(m), Some(lo), Some(hi)) => {
                    format!("{m:.digits$} ({lo:.digits$}–{hi:.digits$})")
                }
                (Some(m), _, _) => format!("{m:.digits$}"),
                _ => "—".to_string(),
            },
            None => "—".to_string(),
        }
    };
    let shown = |org: &str, metric: &str, digits: usize| shown_in(WINDOW_ALL, org, metric, digits);
    let width = scenario
        .orgs
        .iter()
        .map(|o| o.name.chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "{}", scenario.scenario.name);
    let _ = writeln!(
        out,
        "{} replicates of {} {units} (summaries over {units} {}–{}), seed {}",
        scenario.scenario.replications,
        scenario.scenario.ticks,
        scenario.scenario.warmup,
        scenario.scenario.ticks.saturating_sub(1),
        scenario.scenario.seed
    );
    let _ = writeln!(out);
    let windows = window_spans(scenario);
    for org in &scenario.orgs {
        let o = org.name.as_str();
        let _ = writeln!(
            out,
            "  {o:<width$}  latency {} {units} · throughput {}/{unit} · value {} · good {}",
            shown(o, LatencyMean.name(), 2),
            shown(o, Throughput.name(), 1),
            shown(o, ValueTotal.name(), 0),
            shown(o, GoodRate.name(), 3),
        );
        // With shocks, normal times and each shock's period apart: the whole-run figures mix
        // them.
        for (window, label) in windows.iter().skip(1) {
            let _ = writeln!(
                out,
                "  {:<width$}    {label}: latency {} {units} · throughput {}/{unit} · backlog {}",
                "",
                shown_in(window, o, LatencyMean.name(), 2),
                shown_in(window, o, Throughput.name(), 1),
                shown_in(window, o, BacklogMean.name(), 0),
            );
        }
        for shock in &scenario.shocks {
            for &metric in &scenario.recovery.metrics {
                let recovery = Metric::shock(ShockMetric::Recovery, &shock.name, metric).name();
                let recovered = Metric::shock(ShockMetric::Recovered, &shock.name, metric).name();
                let share = find(o, &recovered).and_then(|r| r.mean);
                let time = find(o, &recovery);
                let text = match (share, time.and_then(|r| r.mean)) {
                    (Some(s), _) if s < 0.5 => {
                        format!("not recovered in {:.0}% of replicates", (1.0 - s) * 100.0)
                    }
                    (_, Some(0.0)) => "absorbed".to_string(),
                    (_, Some(_)) => format!("{} {units}", shown(o, &recovery, 0)),
                    _ => "—".to_string(),
                };
                let _ = writeln!(
                    out,
                    "  {:<width$}    recovery from {} ({}): {text}",
                    "",
                    shock.name,
                    metric.name()
                );
            }
        }
    }
    // An overloaded org's figures above understate its wait: say so before the headlines.
    for o in &summary.overload {
        let _ = writeln!(out);
        let nouns = scenario.scenario.nouns();
        let _ = writeln!(out, "warning: {}", o.warning(unit, &nouns));
    }
    if !summary.headlines.is_empty() {
        let _ = writeln!(out);
        for h in &summary.headlines {
            let _ = writeln!(out, "{h}");
        }
    }
    out
}

/// Each summary window of `scenario` (`all`, then with shocks `steady` and one per shock) and how
/// the console names it, with its ticks.
fn window_spans(scenario: &Scenario) -> Vec<(String, String)> {
    let units = plural(&scenario.scenario.tick_unit);
    let sc = &scenario.scenario;
    let starts: Vec<(String, u32)> = scenario
        .shocks
        .iter()
        .map(|s| (s.name.clone(), s.at))
        .collect();
    let spans = bounds(sc.warmup, sc.ticks, &starts);
    let mut out = vec![(WINDOW_ALL.to_string(), "whole run".to_string())];
    if starts.is_empty() {
        return out;
    }
    let names =
        std::iter::once(WINDOW_STEADY.to_string()).chain(starts.iter().map(|s| s.0.clone()));
    for (i, (name, &(from, to))) in names.zip(&spans[1..]).enumerate() {
        let what = if i == 0 {
            "normal times".to_string()
        } else {
            format!("from {name}")
        };
        let label = if from < to {
            format!("{what} ({units} {from}–{})", to - 1)
        } else {
            format!("{what} (no {units} measured)")
        };
        out.push((name, label));
    }
    out
}
