//! Sentences from the numbers: each comparison's text and a run's headlines (`docs/model.md`
//! "Comparisons").
//!
//! One rule throughout: a difference is only claimed when its 95% interval excludes 1, and
//! whichever org wins a metric is named as the winner, the reference included. The numbers
//! themselves (ratios, verdicts, recovery counts) come from `summary.rs`; nothing here decides
//! a verdict.

use crate::metrics::OrgMetric::{GoodRate, LatencyMean, Throughput, ValueTotal};
use crate::metrics::stats::Ratio;
use crate::metrics::summary::{Comparison, RecoveryCounts, SummaryRow, Verdict};
use crate::metrics::{Metric, ShockMetric, TickMetric, WINDOW_ALL};
use crate::scenario::wording::plural;

/// What a comparison's sentence tells beyond the comparison's own numbers.
pub(crate) struct Pairing {
    /// Replicates both orgs ran.
    pub replicates: usize,
    /// Of those, the pairs where both sides were positive numbers.
    pub positive: usize,
    /// Each side's mean over its replicates with a value: org, reference.
    pub means: (Option<f64>, Option<f64>),
}

/// Sentence generation, with the scenario's tick unit.
pub(crate) struct Words {
    /// Plural tick unit ("hours").
    tick_unit: String,
}

/// `(shock, recovery metric label)` of a `recovery.<shock>.<metric>` metric.
fn recovery_of(metric: &Metric) -> Option<(&str, &'static str)> {
    match metric {
        Metric::Shock(ShockMetric::Recovery, shock, m) => {
            Some((shock, TickMetric::from(*m).label()))
        }
        _ => None,
    }
}

impl Words {
    /// Sentences in the scenario's `tick_unit`.
    pub fn new(tick_unit: &str) -> Words {
        Words {
            tick_unit: plural(tick_unit),
        }
    }

    /// The comparison `c` of `metric` as a sentence a person can read.
    pub fn comparison(&self, c: &Comparison, metric: &Metric, p: &Pairing) -> String {
        let (org, reference) = (c.org.as_str(), c.reference.as_str());
        let total = p.replicates;
        let recovery = recovery_of(metric);
        let (oa, ob) = (
            c.org_recovery.unwrap_or_default(),
            c.reference_recovery.unwrap_or_default(),
        );
        let label = metric.label();
        if c.ratio.is_none() {
            return match recovery {
                Some((shock, label)) => format!(
                    "{}; {}",
                    self.recovery_side(org, shock, label, &oa, total),
                    self.recovery_side(reference, shock, label, &ob, total)
                ),
                None => {
                    let mean = |m: Option<f64>| m.map_or("none".to_string(), num);
                    format!(
                        "{org}: no ratio for {label} against {reference}: both were positive \
                         numbers in {} of {total} replicates (means {} vs {})",
                        p.positive,
                        mean(p.means.0),
                        mean(p.means.1)
                    )
                }
            };
        }
        let r = as_ratio(c);
        let paired = if r.n == 1 {
            "1 paired replicate, no interval".to_string()
        } else {
            format!("{} paired replicates", r.n)
        };
        match recovery {
            Some((shock, label)) => {
                let head = format!("{org} recovered from `{shock}` ({label})");
                let mut t = match c.verdict {
                    Verdict::Better => format!(
                        "{head} {}× faster than {reference} ({}, {paired})",
                        times(1.0 / r.ratio),
                        inverse_range(&r)
                    ),
                    Verdict::Worse => format!(
                        "{head} {}× slower than {reference} ({}, {paired})",
                        times(r.ratio),
                        range(&r)
                    ),
                    Verdict::AboutTheSame => format!(
                        "{head} about as fast as {reference}: {}× ({}, {paired})",
                        times(r.ratio),
                        range(&r)
                    ),
                    _ => format!(
                        "{head} in {}× the time of {reference} ({paired})",
                        times(r.ratio)
                    ),
                };
                let mut unpaired = Vec::new();
                for (name, o) in [(org, &oa), (reference, &ob)] {
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
                    "{org}: {label} about the same as {reference}, {}× ({}, {paired})",
                    times(r.ratio),
                    range(&r)
                ),
                Verdict::NoInterval => {
                    format!("{org}: {label} {}× {reference} ({paired})", times(r.ratio))
                }
                _ => format!(
                    "{org}: {label} {}× {reference} ({}, {paired})",
                    times(r.ratio),
                    range(&r)
                ),
            },
        }
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

    /// One to four plain-English sentences on the run.
    pub fn headlines(
        &self,
        orgs: &[String],
        reference: usize,
        windows: &[(String, Vec<SummaryRow>, Vec<Comparison>)],
    ) -> Vec<String> {
        let Some((_, rows, comparisons)) = windows
            .iter()
            .find(|(w, ..)| w == WINDOW_ALL)
            .or(windows.first())
        else {
            return Vec::new();
        };
        self.window_headlines(orgs, reference, rows, comparisons)
    }

    fn window_headlines(
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
                let metric = Metric::parse(&c.metric);
                if let Some((shock, _)) = metric.as_ref().and_then(recovery_of)
                    && !shocks.iter().any(|s| s == shock)
                {
                    recovery.push(self.recovery(c, shock, &mean));
                    shocks.push(shock.to_string());
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
pub(crate) fn num(x: f64) -> String {
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
pub(crate) fn sentence(text: &str) -> String {
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
