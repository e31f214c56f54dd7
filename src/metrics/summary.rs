//! From per-replicate metric values to the summary table, the paired comparisons against the
//! reference org, and headline sentences (`docs/model.md` "Metrics"; README "What a run writes").
//!
//! Words are generated from the numbers with one rule throughout: a difference is only claimed
//! when its 95% interval excludes 1, and whichever org wins a metric is named as the winner, the
//! reference included.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metrics::OrgMetric::{
    GoodRate, LatencyMean, LatencyP50, LatencyP95, LatencyP99, Throughput, ValueTotal,
};
use crate::metrics::stats::{Ratio, mean_ci, mean_from_counts, paired_ratio, quantile_from_counts};
use crate::metrics::{Better, Metric, RunOutput, ShockMetric, of_recovery};
use crate::scenario::wording::plural;
use crate::scenario::{RecoveryMetric, Scenario};

/// One summary metric of one org in one replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateValue {
    /// Index of the org in the scenario.
    pub org: usize,
    pub replicate: u32,
    pub metric: String,
    /// `None`: no value (nothing executed, shock not recovered from).
    pub value: Option<f64>,
}

/// One row of `summary.csv`: a metric of one org across replicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub org: String,
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

/// Summary rows, comparisons and headlines of a whole run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// By org (scenario order), then metric (the order the runs report them).
    pub rows: Vec<SummaryRow>,
    /// By org, then metric.
    pub comparisons: Vec<Comparison>,
    /// One to four plain-English sentences.
    pub headlines: Vec<String>,
}

/// Label and direction of a metric orgs are compared on; `None` for the others.
fn compared(metric: &str) -> Option<(String, bool)> {
    let m = Metric::parse(metric).filter(Metric::compared)?;
    Some((m.label(), m.better() == Better::Lower))
}

/// `(shock, recovery metric)` of a `recovery.<shock>.<metric>` name.
fn split_recovery(name: &str) -> Option<(String, RecoveryMetric)> {
    match Metric::parse(name)? {
        Metric::Shock(ShockMetric::Recovery, shock, metric) => Some((shock, metric)),
        _ => None,
    }
}

fn recovery_label(metric: RecoveryMetric) -> &'static str {
    of_recovery(metric).label()
}

/// The per-replicate summary metrics of `runs`, ordered by org, replicate, then the run's order.
pub fn replicate_values(runs: &[RunOutput]) -> Vec<ReplicateValue> {
    let mut order: Vec<&RunOutput> = runs.iter().collect();
    order.sort_by_key(|r| (r.org, r.replicate));
    order
        .into_iter()
        .flat_map(|run| {
            run.metrics.iter().map(|(metric, value)| ReplicateValue {
                org: run.org,
                replicate: run.replicate,
                metric: metric.clone(),
                value: *value,
            })
        })
        .collect()
}

/// Summarise a scenario's runs: org names, reference org and tick unit come from the scenario.
pub fn summarise_runs(scenario: &Scenario, runs: &[RunOutput]) -> Summary {
    let orgs: Vec<String> = scenario.orgs.iter().map(|o| o.name.clone()).collect();
    summarise(
        &orgs,
        scenario.reference_org(),
        &scenario.scenario.tick_unit,
        &replicate_values(runs),
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

/// Summary rows, comparisons against `orgs[reference]` and headlines from per-replicate values.
pub fn summarise(
    orgs: &[String],
    reference: usize,
    tick_unit: &str,
    values: &[ReplicateValue],
) -> Summary {
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

    let words = Words {
        tick_unit: plural(tick_unit),
    };
    let mut comparisons = Vec::new();
    if orgs.len() >= 2 && reference < orgs.len() {
        for o in (0..orgs.len()).filter(|&o| o != reference) {
            for &metric in &metrics {
                let Some((label, lower_better)) = compared(metric) else {
                    continue;
                };
                let sides = Sides {
                    org: &orgs[o],
                    reference: &orgs[reference],
                    a: get(o, metric),
                    b: get(reference, metric),
                    a_flags: flags(&get, o, metric),
                    b_flags: flags(&get, reference, metric),
                };
                comparisons.push(words.compare(metric, &label, lower_better, &sides));
            }
        }
    }

    let headlines = words.headlines(orgs, reference, &rows, &comparisons);
    Summary {
        rows,
        comparisons,
        headlines,
    }
}

/// The `recovered.*` flags matching a `recovery.*` metric, to tell "not recovered" from "no
/// baseline" among missing recovery times.
fn flags<'t>(
    get: &impl Fn(usize, &str) -> &'t ByReplicate,
    org: usize,
    metric: &str,
) -> Option<&'t ByReplicate> {
    let (shock, m) = split_recovery(metric)?;
    let table = get(
        org,
        &Metric::shock(ShockMetric::Recovered, &shock, m).name(),
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

/// Sentence generation, with the scenario's tick unit.
struct Words {
    /// Plural tick unit ("hours").
    tick_unit: String,
}

impl Words {
    fn compare(&self, metric: &str, label: &str, lower_better: bool, s: &Sides) -> Comparison {
        let replicates: Vec<u32> =
            s.a.keys()
                .filter(|r| s.b.contains_key(r))
                .copied()
                .collect();
        let col = |m: &ByReplicate| replicates.iter().map(|r| m[r]).collect::<Vec<_>>();
        let ratio = paired_ratio(&col(s.a), &col(s.b));
        let total = replicates.len();
        let recovery = split_recovery(metric);
        let (oa, ob) = (
            recovery_counts(s.a, s.a_flags, &replicates),
            recovery_counts(s.b, s.b_flags, &replicates),
        );

        let mut c = Comparison {
            org: s.org.to_string(),
            reference: s.reference.to_string(),
            metric: metric.to_string(),
            ratio: None,
            ci_low: None,
            ci_high: None,
            n: 0,
            verdict: Verdict::NoRatio,
            text: String::new(),
            org_recovery: recovery.as_ref().map(|_| oa),
            reference_recovery: recovery.as_ref().map(|_| ob),
        };
        // A ratio over a minority of replicates would describe the few that happened to pair,
        // not the org: below a majority we describe each side in words instead.
        let usable = ratio.filter(|r| r.n * 2 > total);
        let Some(r) = usable else {
            c.text = match &recovery {
                Some((shock, m)) => {
                    let label = recovery_label(*m);
                    format!(
                        "{}; {}",
                        self.recovery_side(s.org, shock, label, &oa, total),
                        self.recovery_side(s.reference, shock, label, &ob, total)
                    )
                }
                None => {
                    let mean = |m: &ByReplicate| {
                        mean_ci(&m.values().flatten().copied().collect::<Vec<_>>())
                            .map_or("none".to_string(), |i| num(i.mean))
                    };
                    format!(
                        "{}: no ratio for {label} against {}: both were positive numbers in {} of \
                         {total} replicates (means {} vs {})",
                        s.org,
                        s.reference,
                        ratio.map_or(0, |r| r.n),
                        mean(s.a),
                        mean(s.b)
                    )
                }
            };
            return c;
        };

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
        let paired = if r.n == 1 {
            "1 paired replicate, no interval".to_string()
        } else {
            format!("{} paired replicates", r.n)
        };
        c.text = match &recovery {
            Some((shock, m)) => {
                let head = format!(
                    "{} recovered from `{shock}` ({})",
                    s.org,
                    recovery_label(*m)
                );
                let mut t = match c.verdict {
                    Verdict::Better => format!(
                        "{head} {}× faster than {} ({}, {paired})",
                        times(1.0 / r.ratio),
                        s.reference,
                        inverse_range(&r)
                    ),
                    Verdict::Worse => format!(
                        "{head} {}× slower than {} ({}, {paired})",
                        times(r.ratio),
                        s.reference,
                        range(&r)
                    ),
                    Verdict::AboutTheSame => format!(
                        "{head} about as fast as {}: {}× ({}, {paired})",
                        s.reference,
                        times(r.ratio),
                        range(&r)
                    ),
                    _ => format!(
                        "{head} in {}× the time of {} ({paired})",
                        times(r.ratio),
                        s.reference
                    ),
                };
                let mut unpaired = Vec::new();
                for (name, o) in [(s.org, &oa), (s.reference, &ob)] {
                    for (k, what) in [
                        (o.absorbed, "absorbed it in"),
                        (o.not_recovered, "did not recover in"),
                        (o.no_baseline, "had no baseline in"),
                    ] {
                        if k > 0 {
                            unpaired.push(format!("{name} {what} {k}"));
                        }
                    }
                }
                if !unpaired.is_empty() {
                    t.push_str(&format!("; not paired: {}", unpaired.join(", ")));
                }
                t
            }
            None => match c.verdict {
                Verdict::AboutTheSame => format!(
                    "{}: {label} about the same as {}, {}× ({}, {paired})",
                    s.org,
                    s.reference,
                    times(r.ratio),
                    range(&r)
                ),
                Verdict::NoInterval => {
                    format!(
                        "{}: {label} {}× {} ({paired})",
                        s.org,
                        times(r.ratio),
                        s.reference
                    )
                }
                _ => format!(
                    "{}: {label} {}× {} ({}, {paired})",
                    s.org,
                    times(r.ratio),
                    s.reference,
                    range(&r)
                ),
            },
        };
        c
    }

    /// One side's outcome of a shock in words, by what happened in most replicates.
    fn recovery_side(
        &self,
        org: &str,
        shock: &str,
        label: &str,
        o: &RecoveryCounts,
        n: usize,
    ) -> String {
        if o.absorbed * 2 > n {
            format!(
                "{org} absorbed `{shock}` ({label}: no measurable departure in {} of {n} replicates)",
                o.absorbed
            )
        } else if o.not_recovered * 2 > n {
            format!(
                "{org} did not recover from `{shock}` ({label}) in {} of {n} replicates",
                o.not_recovered
            )
        } else if o.no_baseline * 2 > n {
            format!(
                "{org} had no baseline for {label} before `{shock}` in {} of {n} replicates",
                o.no_baseline
            )
        } else if o.recovered > 0 {
            let mut rest = Vec::new();
            if o.absorbed > 0 {
                rest.push(format!("absorbed in {}", o.absorbed));
            }
            if o.not_recovered > 0 {
                rest.push(format!("not recovered in {}", o.not_recovered));
            }
            let rest = if rest.is_empty() {
                String::new()
            } else {
                format!("; {}", rest.join(", "))
            };
            format!(
                "{org} recovered from `{shock}` ({label}) in {} {} on average ({} of {n} replicates{rest})",
                num(o.mean_recovered.unwrap_or(f64::NAN)),
                self.tick_unit,
                o.recovered
            )
        } else {
            format!(
                "{org}: `{shock}` ({label}) absorbed in {}, not recovered in {}, no baseline in {} of {n} replicates",
                o.absorbed, o.not_recovered, o.no_baseline
            )
        }
    }

    fn headlines(
        &self,
        orgs: &[String],
        reference: usize,
        rows: &[SummaryRow],
        comparisons: &[Comparison],
    ) -> Vec<String> {
        let mean = |org: &str, metric: &str| {
            rows.iter()
                .find(|r| r.org == org && r.metric == metric)
                .and_then(|r| r.mean)
        };
        if orgs.len() == 1 {
            let o = &orgs[0];
            let mut parts = Vec::new();
            if let Some(m) = mean(o, LatencyMean.name()) {
                parts.push(format!(
                    "answered in {} {} on average",
                    num(m),
                    self.tick_unit
                ));
            }
            if let Some(m) = mean(o, Throughput.name()) {
                let unit = self.tick_unit.strip_suffix('s').unwrap_or(&self.tick_unit);
                parts.push(format!("executed {} decisions per {unit}", num(m)));
            }
            if let Some(m) = mean(o, GoodRate.name()) {
                parts.push(format!("took {}% of decisions well", num(m * 100.0)));
            }
            return if parts.is_empty() {
                Vec::new()
            } else {
                vec![sentence(&format!("{o} {}", parts.join(", ")))]
            };
        }
        if reference >= orgs.len() {
            return Vec::new();
        }
        let others: Vec<&String> = orgs
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != reference)
            .map(|(_, o)| o)
            .collect();
        let find = |org: &str, metric: &str| {
            comparisons
                .iter()
                .find(|c| c.org == org && c.metric == metric)
        };
        let clauses = |org: &str| -> Vec<Vec<String>> {
            let speed = find(org, LatencyMean.name())
                .map(|c| self.speed(c, &mean))
                .into_iter();
            let mut shocks: Vec<String> = Vec::new();
            let mut recovery = Vec::new();
            for c in comparisons.iter().filter(|c| c.org == org) {
                if let Some((shock, _)) = split_recovery(&c.metric)
                    && !shocks.contains(&shock)
                {
                    recovery.push(self.recovery(c, &shock, &mean));
                    shocks.push(shock);
                }
            }
            let quality = find(org, GoodRate.name()).map(|c| self.quality(c, &mean));
            let value = find(org, ValueTotal.name()).map(|c| self.value(c));
            vec![
                speed.collect(),
                recovery,
                quality.into_iter().collect(),
                value.into_iter().collect(),
            ]
        };
        let mut out = Vec::new();
        if others.len() == 1 {
            for group in clauses(others[0]) {
                if !group.is_empty() {
                    out.push(sentence(&group.join("; ")));
                }
            }
        } else {
            for org in others.iter().take(4) {
                let c = clauses(org);
                let parts: Vec<String> = c[..3].iter().flatten().cloned().collect();
                if !parts.is_empty() {
                    out.push(sentence(&parts.join("; ")));
                }
            }
        }
        out.truncate(4);
        out
    }

    fn speed(&self, c: &Comparison, mean: &dyn Fn(&str, &str) -> Option<f64>) -> String {
        let (o, r) = (&c.org, &c.reference);
        let latency = LatencyMean.name();
        let (mo, mr) = (mean(o, latency), mean(r, latency));
        let means = |first: Option<f64>, second: Option<f64>| match (first, second) {
            (Some(x), Some(y)) => {
                format!("; {} vs {} {} on average", num(x), num(y), self.tick_unit)
            }
            _ => String::new(),
        };
        let Some(ratio) = c.ratio else {
            return c.text.clone();
        };
        match c.verdict {
            Verdict::Better => format!(
                "{o} answered {}× faster than {r} ({}{})",
                times(1.0 / ratio),
                inverse_range_of(c),
                means(mo, mr)
            ),
            Verdict::Worse => {
                format!(
                    "{r} answered {}× faster than {o} ({}{})",
                    times(ratio),
                    range_of(c),
                    means(mr, mo)
                )
            }
            Verdict::AboutTheSame => format!(
                "{o} and {r} answered about as fast ({}×, {}{})",
                times(ratio),
                range_of(c),
                means(mo, mr)
            ),
            _ => c.text.clone(),
        }
    }

    fn recovery(
        &self,
        c: &Comparison,
        shock: &str,
        mean: &dyn Fn(&str, &str) -> Option<f64>,
    ) -> String {
        let (o, r) = (&c.org, &c.reference);
        let unit = &self.tick_unit;
        let (Some(ratio), Some(mo), Some(mr)) = (c.ratio, mean(o, &c.metric), mean(r, &c.metric))
        else {
            return match (&c.org_recovery, &c.reference_recovery) {
                (Some(a), Some(b)) => format!(
                    "{}, while {}",
                    self.recovery_brief(o, Some(shock), a),
                    self.recovery_brief(r, None, b)
                ),
                _ => c.text.clone(),
            };
        };
        match c.verdict {
            Verdict::Better => format!(
                "{o} recovered from `{shock}` in {} vs {} {unit} ({}× faster, {})",
                num(mo),
                num(mr),
                times(1.0 / ratio),
                inverse_range_of(c)
            ),
            Verdict::Worse => format!(
                "{r} recovered from `{shock}` in {} vs {} {unit} ({}× faster, {})",
                num(mr),
                num(mo),
                times(ratio),
                range_of(c)
            ),
            Verdict::AboutTheSame => format!(
                "{o} and {r} recovered from `{shock}` in about the same time ({} vs {} {unit}; {}×, {})",
                num(mo),
                num(mr),
                times(ratio),
                range_of(c)
            ),
            _ => c.text.clone(),
        }
    }

    /// One side's outcome of a shock for a headline; `shock` is named only on first mention.
    fn recovery_brief(&self, org: &str, shock: Option<&str>, o: &RecoveryCounts) -> String {
        let n = o.absorbed + o.recovered + o.not_recovered + o.no_baseline;
        let (from, it) = match shock {
            Some(s) => (format!(" from `{s}`"), format!(" `{s}`")),
            None => (String::new(), " it".to_string()),
        };
        if o.absorbed * 2 > n {
            format!("{org} absorbed{it} in {} of {n} replicates", o.absorbed)
        } else if o.not_recovered * 2 > n {
            format!(
                "{org} did not recover{from} in {} of {n} replicates",
                o.not_recovered
            )
        } else if let Some(t) = o.mean_recovered {
            format!(
                "{org} recovered{from} in {} {} on average ({} of {n} replicates)",
                num(t),
                self.tick_unit,
                o.recovered
            )
        } else {
            format!("{org} had no measurable recovery{from} in {n} replicates")
        }
    }

    fn quality(&self, c: &Comparison, mean: &dyn Fn(&str, &str) -> Option<f64>) -> String {
        let (o, r) = (&c.org, &c.reference);
        let rate = GoodRate.name();
        let (Some(go), Some(gr)) = (mean(o, rate), mean(r, rate)) else {
            return c.text.clone();
        };
        let label = GoodRate.label();
        let fewer = |better: f64, worse: f64| {
            let (bb, bw) = (1.0 - better, 1.0 - worse);
            if bw > 0.0 {
                num((bw - bb) / bw * 100.0)
            } else {
                "0".to_string()
            }
        };
        match c.verdict {
            Verdict::Better => format!(
                "{o} made {}% fewer bad decisions than {r} ({label} {} vs {})",
                fewer(go, gr),
                num(go),
                num(gr)
            ),
            Verdict::Worse => format!(
                "{r} made {}% fewer bad decisions than {o} ({label} {} vs {})",
                fewer(gr, go),
                num(gr),
                num(go)
            ),
            Verdict::AboutTheSame => format!(
                "{o} and {r} made about as many bad decisions ({label} {} vs {}; {})",
                num(go),
                num(gr),
                range_of(c)
            ),
            _ => c.text.clone(),
        }
    }

    fn value(&self, c: &Comparison) -> String {
        let (o, r) = (&c.org, &c.reference);
        let Some(ratio) = c.ratio else {
            return c.text.clone();
        };
        match c.verdict {
            Verdict::Better => {
                format!(
                    "{o} created {}× the value {r} did ({})",
                    times(ratio),
                    range_of(c)
                )
            }
            Verdict::Worse => format!(
                "{r} created {}× the value {o} did ({})",
                times(1.0 / ratio),
                inverse_range_of(c)
            ),
            Verdict::AboutTheSame => {
                format!(
                    "{o} and {r} created about the same value ({}×, {})",
                    times(ratio),
                    range_of(c)
                )
            }
            _ => c.text.clone(),
        }
    }
}

/// A number for a sentence: about two significant figures, never an exponent.
fn num(x: f64) -> String {
    let a = x.abs();
    if a >= 10.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A ratio for a sentence. Near 1 it gets a third decimal, so a real but small difference is
/// not printed as "1.0× (1.0–1.0)".
fn times(x: f64) -> String {
    if near_one(x) {
        format!("{x:.3}")
    } else {
        num(x)
    }
}

fn near_one(x: f64) -> bool {
    x != 1.0 && (x - 1.0).abs() < 0.05
}

/// `lo–hi`, both ends printed alike.
fn span(lo: f64, hi: f64) -> String {
    if near_one(lo) || near_one(hi) {
        format!("{lo:.3}–{hi:.3}")
    } else {
        format!("{}–{}", num(lo), num(hi))
    }
}

/// `lo–hi` of a ratio's interval.
fn range(r: &Ratio) -> String {
    match (r.ci_low, r.ci_high) {
        (Some(lo), Some(hi)) => span(lo, hi),
        _ => "no interval".to_string(),
    }
}

/// `1/hi – 1/lo`: the interval of the inverted ratio ("2.4× faster").
fn inverse_range(r: &Ratio) -> String {
    match (r.ci_low, r.ci_high) {
        (Some(lo), Some(hi)) => span(1.0 / hi, 1.0 / lo),
        _ => "no interval".to_string(),
    }
}

fn as_ratio(c: &Comparison) -> Ratio {
    Ratio {
        ratio: c.ratio.unwrap_or(f64::NAN),
        ci_low: c.ci_low,
        ci_high: c.ci_high,
        n: c.n,
    }
}

fn range_of(c: &Comparison) -> String {
    range(&as_ratio(c))
}

fn inverse_range_of(c: &Comparison) -> String {
    inverse_range(&as_ratio(c))
}

/// Capitalise the first letter and end with a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
