//! From per-replicate metric values to the numbers of a summary: the summary table (mean and
//! interval, clipped to the metric's bounds), the paired comparisons against the reference org
//! (ratio, interval, verdict) and how each side came through a shock (`docs/model.md` "Metrics",
//! "Comparisons"; README "What a run writes"). The sentences the summary also carries — each
//! comparison's text and the headlines — are written from these numbers by `sentences.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metrics::OrgMetric::{LatencyMean, LatencyP50, LatencyP95, LatencyP99};
use crate::metrics::overload::{self, Overload};
use crate::metrics::sentences::{Pairing, Words};
use crate::metrics::stats::{mean_ci, mean_from_counts, paired_ratio, quantile_from_counts};
use crate::metrics::{Better, Metric, RunOutput, ShockMetric, WINDOW_ALL};
use crate::scenario::Scenario;

/// One summary metric of one org in one replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateValue {
    /// Index of the org in the scenario.
    pub org: usize,
    /// The summary window: `all`, `steady` or a shock's name.
    pub window: String,
    pub replicate: u32,
    pub metric: String,
    /// `None`: no value (nothing executed, shock not recovered from).
    pub value: Option<f64>,
}

/// One row of `summary.csv`: a metric of one org across replicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub org: String,
    /// The summary window: `all`, `steady` or a shock's name.
    #[serde(default = "window_all")]
    pub window: String,
    pub metric: String,
    /// Mean over the replicates with a value; `None` when none has one.
    pub mean: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Replicates that contributed a value.
    pub n: usize,
}

/// What a comparison lets a report claim, from the compared org's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The interval excludes 1 in the org's favour.
    Better,
    /// The interval excludes 1 in the reference's favour.
    Worse,
    /// The interval includes 1.
    AboutTheSame,
    /// A single pair: a ratio but no interval.
    NoInterval,
    /// Too few usable pairs for a ratio; `text` says why in words.
    NoRatio,
}

/// A paired comparison of one org against the reference on one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub org: String,
    pub reference: String,
    /// The summary window both sides are measured over.
    #[serde(default = "window_all")]
    pub window: String,
    pub metric: String,
    /// Geometric mean of per-replicate `org / reference` ratios.
    pub ratio: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Paired replicates used (both sides positive numbers); 0 without a ratio.
    pub n: usize,
    pub verdict: Verdict,
    /// The comparison as a sentence a person can read.
    pub text: String,
    /// For `recovery.*`: how the org came through the shock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_recovery: Option<RecoveryCounts>,
    /// For `recovery.*`: how the reference came through the shock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_recovery: Option<RecoveryCounts>,
}

fn window_all() -> String {
    WINDOW_ALL.to_string()
}

/// Summary rows, comparisons and headlines of a whole run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// By org (scenario order), then window (`all`, `steady`, each shock), then metric (the
    /// order the runs report them).
    pub rows: Vec<SummaryRow>,
    /// By org, then window, then metric.
    pub comparisons: Vec<Comparison>,
    /// One to four plain-English sentences.
    pub headlines: Vec<String>,
    /// Each org found overloaded after its run (`metrics::overload`); empty when none was,
    /// and always for a summary made from per-replicate values alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overload: Vec<Overload>,
}

/// The per-replicate summary metrics of `runs`, ordered by org, replicate, window (`all`,
/// `steady`, each shock), then the run's order: the rows of `replicates.csv`.
pub fn replicate_values(runs: &[RunOutput]) -> Vec<ReplicateValue> {
    let mut order: Vec<&RunOutput> = runs.iter().collect();
    order.sort_by_key(|r| (r.org, r.replicate));
    order
        .into_iter()
        .flat_map(|run| {
            run.windowed()
                .map(|(window, metric, value)| ReplicateValue {
                    org: run.org,
                    window: window.to_string(),
                    replicate: run.replicate,
                    metric: metric.to_string(),
                    value,
                })
        })
        .collect()
}

/// Summarise a scenario's runs: org names, reference org and tick unit come from the scenario.
/// Orgs whose backlog outgrew their capacity are diagnosed from the runs' records, and the
/// headlines say so before anything else.
pub fn summarise_runs(scenario: &Scenario, runs: &[RunOutput]) -> Summary {
    let orgs: Vec<String> = scenario.orgs.iter().map(|o| o.name.clone()).collect();
    let nouns = (scenario.scenario.noun(), scenario.scenario.nouns());
    summarise_with(
        &orgs,
        scenario.reference_org(),
        &scenario.scenario.tick_unit,
        &replicate_values(runs),
        &nouns,
        |rows| {
            let latency = |org: &str, window: &str| {
                rows.iter()
                    .find(|r| r.org == org && r.window == window && r.metric == LatencyMean.name())
                    .and_then(|r| r.mean)
            };
            overload::diagnose(scenario, runs, &latency)
        },
    )
}

/// The latency summary metrics of one run from its latency histogram, in the documented order:
/// `latency_mean`, `latency_p50`, `latency_p95`, `latency_p99` (nearest rank; `None` when no
/// decision was executed).
pub fn latency_metrics(counts: &[u64]) -> [(&'static str, Option<f64>); 4] {
    [
        (LatencyMean.name(), mean_from_counts(counts)),
        (LatencyP50.name(), quantile_from_counts(counts, 0.50)),
        (LatencyP95.name(), quantile_from_counts(counts, 0.95)),
        (LatencyP99.name(), quantile_from_counts(counts, 0.99)),
    ]
}

/// Values of one metric of one org, by replicate (non-finite values count as no value).
type ByReplicate = BTreeMap<u32, Option<f64>>;

/// Summary rows, comparisons against `orgs[reference]` and headlines from per-replicate values,
/// window by window (windows in the order the values first name them).
pub fn summarise(
    orgs: &[String],
    reference: usize,
    tick_unit: &str,
    values: &[ReplicateValue],
) -> Summary {
    let nouns = ("decision".to_string(), "decisions".to_string());
    summarise_with(orgs, reference, tick_unit, values, &nouns, |_| Vec::new())
}

/// [`summarise`], calling decisions `nouns`, with the orgs `overloaded` finds from the summary
/// rows: the headlines open on each and every speed claim about one says that its latency
/// understates the wait.
fn summarise_with(
    orgs: &[String],
    reference: usize,
    tick_unit: &str,
    values: &[ReplicateValue],
    nouns: &(String, String),
    overloaded: impl FnOnce(&[SummaryRow]) -> Vec<Overload>,
) -> Summary {
    let mut windows: Vec<&str> = Vec::new();
    for v in values {
        if !windows.contains(&v.window.as_str()) {
            windows.push(&v.window);
        }
    }
    let mut rows: Vec<(usize, SummaryRow)> = Vec::new();
    let mut comparisons: Vec<(usize, Comparison)> = Vec::new();
    let mut by_window = Vec::new();
    for (w, &window) in windows.iter().enumerate() {
        let of_window: Vec<&ReplicateValue> =
            values.iter().filter(|v| v.window == window).collect();
        let (r, c) = summarise_window(orgs, reference, (tick_unit, nouns), window, &of_window);
        rows.extend(r.iter().cloned().map(|row| (w, row)));
        comparisons.extend(c.iter().cloned().map(|c| (w, c)));
        by_window.push((window.to_string(), r, c));
    }
    let org_index = |name: &str| orgs.iter().position(|o| o == name).unwrap_or(usize::MAX);
    rows.sort_by_key(|(w, r)| (org_index(&r.org), *w));
    comparisons.sort_by_key(|(w, c)| (org_index(&c.org), *w));
    let rows: Vec<SummaryRow> = rows.into_iter().map(|(_, r)| r).collect();
    let overload = overloaded(&rows);
    let mut words = Words::with_nouns(tick_unit, nouns);
    // The headlines' speed claims are about normal times: only an overload then qualifies them.
    words.overloaded = overload
        .iter()
        .filter(|o| o.window == crate::metrics::WINDOW_STEADY)
        .map(|o| o.org.clone())
        .collect();
    // An overload in normal times leads; one that a shock caused follows the normal-times
    // sentences, with that shock's.
    let shocked = by_window.len() > 2;
    let (normal, since): (Vec<&Overload>, Vec<&Overload>) = overload
        .iter()
        .partition(|o| o.window == crate::metrics::WINDOW_STEADY);
    let say = |o: &&Overload| o.headline(tick_unit, &nouns.1, shocked);
    let mut headlines: Vec<String> = normal.iter().map(say).collect();
    headlines.extend(words.headlines(orgs, reference, &by_window));
    headlines.extend(since.iter().map(say));
    Summary {
        rows,
        comparisons: comparisons.into_iter().map(|(_, c)| c).collect(),
        headlines,
        overload,
    }
}

/// The summary rows and comparisons of one window.
fn summarise_window(
    orgs: &[String],
    reference: usize,
    (tick_unit, nouns): (&str, &(String, String)),
    window: &str,
    values: &[&ReplicateValue],
) -> (Vec<SummaryRow>, Vec<Comparison>) {
    let mut metrics: Vec<&str> = Vec::new();
    let mut table: BTreeMap<(usize, String), ByReplicate> = BTreeMap::new();
    for v in values {
        if !metrics.contains(&v.metric.as_str()) {
            metrics.push(&v.metric);
        }
        table
            .entry((v.org, v.metric.clone()))
            .or_default()
            .insert(v.replicate, v.value.filter(|x| x.is_finite()));
    }
    let empty = ByReplicate::new();
    let get = |org: usize, metric: &str| table.get(&(org, metric.to_string())).unwrap_or(&empty);

    let mut rows = Vec::new();
    for (o, name) in orgs.iter().enumerate() {
        for &metric in &metrics {
            let present: Vec<f64> = get(o, metric).values().flatten().copied().collect();
            let iv = mean_ci(&present);
            let (floor, ceiling) =
                Metric::parse(metric).map_or((None, None), |m| m.bounds().range());
            rows.push(SummaryRow {
                org: name.clone(),
                window: window.to_string(),
                metric: metric.to_string(),
                mean: iv.map(|i| i.mean),
                ci_low: iv
                    .and_then(|i| i.ci_low)
                    .map(|x| floor.map_or(x, |f| x.max(f))),
                ci_high: iv
                    .and_then(|i| i.ci_high)
                    .map(|x| ceiling.map_or(x, |c| x.min(c))),
                n: present.len(),
            });
        }
    }

    let words = Words::with_nouns(tick_unit, nouns);
    let mut comparisons = Vec::new();
    if orgs.len() >= 2 && reference < orgs.len() {
        for o in (0..orgs.len()).filter(|&o| o != reference) {
            for &name in &metrics {
                let Some(metric) = Metric::parse(name).filter(Metric::compared) else {
                    continue;
                };
                let sides = Sides {
                    org: &orgs[o],
                    reference: &orgs[reference],
                    a: get(o, name),
                    b: get(reference, name),
                    a_flags: flags(&get, o, &metric),
                    b_flags: flags(&get, reference, &metric),
                };
                let mut c = compare(&words, name, &metric, &sides);
                c.window = window.to_string();
                comparisons.push(c);
            }
        }
    }
    (rows, comparisons)
}

/// The `recovered.*` flags matching a `recovery.*` metric, to tell "not recovered" from "no
/// baseline" among missing recovery times.
fn flags<'t>(
    get: &impl Fn(usize, &str) -> &'t ByReplicate,
    org: usize,
    metric: &Metric,
) -> Option<&'t ByReplicate> {
    let Metric::Shock(ShockMetric::Recovery, shock, m) = metric else {
        return None;
    };
    let table = get(
        org,
        &Metric::shock(ShockMetric::Recovered, shock, *m).name(),
    );
    (!table.is_empty()).then_some(table)
}

/// The two sides of one comparison.
struct Sides<'a> {
    org: &'a str,
    reference: &'a str,
    a: &'a ByReplicate,
    b: &'a ByReplicate,
    a_flags: Option<&'a ByReplicate>,
    b_flags: Option<&'a ByReplicate>,
}

/// How one org came through a shock on one metric, counted over the paired replicates.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RecoveryCounts {
    /// Replicates with recovery time 0: no measurable departure.
    pub absorbed: usize,
    /// Replicates that departed and recovered.
    pub recovered: usize,
    /// Replicates that departed and had not recovered when the horizon ended.
    pub not_recovered: usize,
    /// Replicates without a baseline before the shock.
    pub no_baseline: usize,
    /// Mean recovery time of the replicates that recovered (absorbed ones excluded), in ticks.
    pub mean_recovered: Option<f64>,
}

fn recovery_counts(
    values: &ByReplicate,
    flags: Option<&ByReplicate>,
    replicates: &[u32],
) -> RecoveryCounts {
    let mut out = RecoveryCounts::default();
    let mut sum = 0.0;
    for r in replicates {
        match values.get(r).copied().flatten() {
            Some(v) if v <= 0.0 => out.absorbed += 1,
            Some(v) => {
                out.recovered += 1;
                sum += v;
            }
            // Without flags a missing time can only be read as not recovered.
            None => match flags.and_then(|f| f.get(r).copied().flatten()) {
                None if flags.is_some() => out.no_baseline += 1,
                _ => out.not_recovered += 1,
            },
        }
    }
    out.mean_recovered = (out.recovered > 0).then(|| sum / out.recovered as f64);
    out
}

/// The paired comparison of `s.a` against `s.b` on `metric` (named `name` in the files), with
/// its sentence.
fn compare(words: &Words, name: &str, metric: &Metric, s: &Sides) -> Comparison {
    let replicates: Vec<u32> =
        s.a.keys()
            .filter(|r| s.b.contains_key(r))
            .copied()
            .collect();
    let col = |m: &ByReplicate| replicates.iter().map(|r| m[r]).collect::<Vec<_>>();
    let ratio = paired_ratio(&col(s.a), &col(s.b));
    let total = replicates.len();
    let recovery = matches!(metric, Metric::Shock(ShockMetric::Recovery, ..));
    let counts = |values, flags| recovery.then(|| recovery_counts(values, flags, &replicates));

    let mut c = Comparison {
        org: s.org.to_string(),
        reference: s.reference.to_string(),
        window: WINDOW_ALL.to_string(),
        metric: name.to_string(),
        ratio: None,
        ci_low: None,
        ci_high: None,
        n: 0,
        verdict: Verdict::NoRatio,
        text: String::new(),
        org_recovery: counts(s.a, s.a_flags),
        reference_recovery: counts(s.b, s.b_flags),
    };
    // A ratio over a minority of replicates would describe the few that happened to pair, not
    // the org: below a majority each side is described in words instead.
    if let Some(r) = ratio.filter(|r| r.n * 2 > total) {
        let lower_better = metric.better() == Better::Lower;
        c.ratio = Some(r.ratio);
        c.ci_low = r.ci_low;
        c.ci_high = r.ci_high;
        c.n = r.n;
        c.verdict = match (r.n, r.below_one()) {
            (1, _) => Verdict::NoInterval,
            (_, None) => Verdict::AboutTheSame,
            (_, Some(below)) if below == lower_better => Verdict::Better,
            (_, Some(_)) => Verdict::Worse,
        };
    }
    let mean = |m: &ByReplicate| {
        mean_ci(&m.values().flatten().copied().collect::<Vec<_>>()).map(|i| i.mean)
    };
    let pairing = Pairing {
        replicates: total,
        positive: ratio.map_or(0, |r| r.n),
        means: (mean(s.a), mean(s.b)),
    };
    c.text = words.comparison(&c, metric, &pairing);
    c
}

// The tests read the sentence helpers through this module, as they were written before the
// sentences had a module of their own.
#[cfg(test)]
use crate::metrics::sentences::{num, sentence};
#[cfg(test)]
use crate::scenario::wording::plural;

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
