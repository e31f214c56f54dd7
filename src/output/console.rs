//! The short human summary `orgsim run` prints when it finishes.

use std::fmt::Write;

use crate::metrics::OrgMetric::{GoodRate, LatencyMean, Throughput, ValueTotal};
use crate::metrics::{Metric, ShockMetric, Summary};
use crate::scenario::Scenario;
use crate::scenario::wording::plural;

/// A few lines per org (latency, throughput, value, quality, recovery) and the headlines.
pub fn summary_text(scenario: &Scenario, summary: &Summary) -> String {
    let unit = &scenario.scenario.tick_unit;
    let units = plural(unit);
    let mut out = String::new();
    let find = |org: &str, metric: &str| {
        summary
            .rows
            .iter()
            .find(|r| r.org == org && r.metric == metric)
    };
    let shown = |org: &str, metric: &str, digits: usize| -> String {
        match find(org, metric) {
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
    if !summary.headlines.is_empty() {
        let _ = writeln!(out);
        for h in &summary.headlines {
            let _ = writeln!(out, "{h}");
        }
    }
    out
}
