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
use crate::metrics::{Metric, ShockMetric, TickMetric, WINDOW_ALL, WINDOW_STEADY};
use crate::scenario::RecoveryMetric;
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
    /// Orgs found overloaded: a claim about their speed says their latency understates the
    /// wait.
    pub overloaded: Vec<String>,
    /// What the scenario calls its decisions ("claims").
    pub nouns: String,
    /// What it calls one ("claim").
    pub noun: String,
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
            overloaded: Vec::new(),
            nouns: "decisions".to_string(),
            noun: "decision".to_string(),
        }
    }

    /// Sentences in the scenario's `tick_unit` that call decisions `(noun, nouns)`.
    pub fn with_nouns(tick_unit: &str, (noun, nouns): &(String, String)) -> Words {
        Words {
            noun: noun.clone(),
            nouns: nouns.clone(),
            ..Words::new(tick_unit)
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
        // The catalogue's words in the scenario's noun; a shock's label holds the user's shock
        // name, which is left as written.
        let label = match metric {
            Metric::Shock(..) => metric.label(),
            _ => self.in_nouns(metric.label()),
        };
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
                let head = format!("{org} recovered from {shock} ({label})");
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
                "{org} absorbed {shock} ({label}: no measurable departure in {} of {n} replicates)",
                o.absorbed
            )
        } else if o.not_recovered * 2 > n {
            format!(
                "{org} did not recover from {shock} ({label}) in {} of {n} replicates",
                o.not_recovered
            )
        } else if o.no_baseline * 2 > n {
            format!(
                "{org} had no baseline for {label} before {shock} in {} of {n} replicates",
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
                "{org} recovered from {shock} ({label}) in {} {} on average ({} of {n} replicates{rest})",
                num(o.mean_recovered.unwrap_or(f64::NAN)),
                self.tick_unit,
                o.recovered
            )
        } else {
            format!(
                "{org}: {shock} ({label}) absorbed in {}, not recovered in {}, no baseline in {} of {n} replicates",
                o.absorbed, o.not_recovered, o.no_baseline
            )
        }
    }

    /// Plain-English sentences on the run, to be read aloud: normal times first (window
    /// `steady`, or `all` without shocks), then what each shock cost and how each side
    /// recovered. Every ratio says how many paired replicates it used; a difference is claimed
    /// only when its interval excludes 1 and it is not trivially small (under 2%); replicates
    /// that absorbed a shock or did not recover are counted in words.
    pub fn headlines(
        &self,
        orgs: &[String],
        reference: usize,
        windows: &[(String, Vec<SummaryRow>, Vec<Comparison>)],
    ) -> Vec<String> {
        let window = |name: &str| windows.iter().find(|(w, ..)| w == name);
        let Some(all) = window(WINDOW_ALL).or(windows.first()) else {
            return Vec::new();
        };
        // Windows beyond `all` and `steady` are the shocks'.
        let shocked = windows.len() > 2;
        let normal = if shocked {
            window(WINDOW_STEADY).unwrap_or(all)
        } else {
            all
        };
        let lead = if shocked { "In normal times " } else { "" };
        let (_, normal_rows, normal_cmp) = normal;
        let (_, all_rows, all_cmp) = all;
        let mut out = Vec::new();
        if orgs.len() == 1 || reference >= orgs.len() {
            let o = &orgs[0];
            let mean = |metric: &str| {
                normal_rows
                    .iter()
                    .find(|r| r.org == *o && r.metric == metric)
                    .and_then(|r| r.mean)
            };
            let mut parts = Vec::new();
            if let Some(m) = mean(LatencyMean.name()) {
                parts.push(format!(
                    "answered in {} {} on average",
                    num(m),
                    self.tick_unit
                ));
            }
            if let Some(m) = mean(Throughput.name()) {
                let unit = self.tick_unit.strip_suffix('s').unwrap_or(&self.tick_unit);
                parts.push(format!("executed {} {} per {unit}", num(m), self.nouns));
            }
            if let Some(m) = mean(GoodRate.name()) {
                parts.push(format!("took {} of {} well", pct(m), self.nouns));
            }
            if !parts.is_empty() {
                let caveat = self.caveat(&[o]);
                out.push(sentence(&format!("{lead}{o} {}{caveat}", parts.join(", "))));
            }
            for (shock, metric) in self.shock_metrics(all_rows) {
                let row = |family| {
                    let name = Metric::shock(family, &shock, metric).name();
                    all_rows
                        .iter()
                        .find(|r| r.org == *o && r.metric == name)
                        .cloned()
                };
                if let Some(i) = row(ShockMetric::Impact).and_then(|r| r.mean) {
                    out.push(sentence(&format!(
                        "{shock} cost {o} {}",
                        self.impact_amount(metric, i)
                    )));
                }
            }
            return out;
        }
        let others: Vec<&String> = orgs
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != reference)
            .map(|(_, o)| o)
            .collect();
        let find = |cmp: &'_ [Comparison], org: &str, metric: &str| {
            cmp.iter()
                .find(|c| c.org == org && c.metric == metric)
                .cloned()
        };
        let mean_in = |rows: &'_ [SummaryRow], org: &str, metric: &str| {
            rows.iter()
                .find(|r| r.org == org && r.metric == metric)
                .and_then(|r| r.mean)
        };
        // Normal times: speed, then quality and value, one sentence per org.
        for org in &others {
            let mean = |o: &str, m: &str| mean_in(normal_rows, o, m);
            let mut parts = Vec::new();
            if let Some(c) = find(normal_cmp, org, LatencyMean.name()) {
                parts.push(format!(
                    "{}{}",
                    self.speed(&c, &mean),
                    self.caveat(&[&c.org, &c.reference])
                ));
            }
            let mut rest = Vec::new();
            if let Some(c) = find(normal_cmp, org, GoodRate.name()) {
                rest.push(self.quality(&c, &mean));
            }
            if let Some(c) = find(normal_cmp, org, ValueTotal.name()) {
                rest.push(self.value(&c));
            }
            if !parts.is_empty() {
                out.push(sentence(&format!("{lead}{}", parts.join("; "))));
            }
            if !rest.is_empty() {
                out.push(sentence(&rest.join("; ")));
            }
        }
        // Each shock: what it cost each side, then how each recovered.
        for (shock, metric) in self.shock_metrics(all_rows) {
            for org in &others {
                let impact = Metric::shock(ShockMetric::Impact, &shock, metric).name();
                let recovery = Metric::shock(ShockMetric::Recovery, &shock, metric).name();
                let mut parts = Vec::new();
                if let Some(c) = find(all_cmp, org, &impact) {
                    let mean = |o: &str, m: &str| mean_in(all_rows, o, m);
                    parts.push(self.impact(&c, &shock, metric, &mean));
                }
                if let Some(c) = find(all_cmp, org, &recovery) {
                    parts.push(self.recovery(&c, &shock));
                }
                if !parts.is_empty() {
                    out.push(sentence(&parts.join("; ")));
                }
            }
        }
        out
    }

    /// What to add to a claim about the speed of `orgs`: those overloaded have a latency that
    /// counts only executed decisions while their work piles up.
    fn caveat(&self, orgs: &[&str]) -> String {
        let over: Vec<&str> = orgs
            .iter()
            .copied()
            .filter(|o| self.overloaded.iter().any(|x| x == o))
            .collect();
        match over.as_slice() {
            [] => String::new(),
            [one] => format!(" — but {one} is overloaded, so its latency understates the wait"),
            _ => format!(
                " — but {} are overloaded, so their latency understates the wait",
                over.join(" and ")
            ),
        }
    }

    /// A unit in the scenario's words: "claim-hours" for "decision-hours".
    fn in_nouns(&self, unit: String) -> String {
        crate::scenario::wording::in_words(&unit, &self.noun, &self.nouns)
    }

    /// The singular tick unit.
    fn singular(&self) -> &str {
        self.tick_unit.strip_suffix('s').unwrap_or(&self.tick_unit)
    }

    /// An impact of `amount` on `metric` in words: "41,000 decision-hours of extra waiting" (in
    /// the scenario's noun: "claim-hours").
    fn impact_amount(&self, metric: RecoveryMetric, amount: f64) -> String {
        format!(
            "{} {}",
            whole(amount),
            self.in_nouns(what_is_lost(metric, &self.tick_unit, self.singular()))
        )
    }

    /// Per shock, the recovery metric its headline speaks of: the backlog if measured (what
    /// waiting cost), else the first one.
    fn shock_metrics(&self, rows: &[SummaryRow]) -> Vec<(String, RecoveryMetric)> {
        let mut by_shock: Vec<(String, Vec<RecoveryMetric>)> = Vec::new();
        for r in rows {
            if let Some(Metric::Shock(ShockMetric::Impact | ShockMetric::Recovery, shock, m)) =
                Metric::parse(&r.metric)
            {
                match by_shock.iter_mut().find(|(s, _)| *s == shock) {
                    Some((_, ms)) if !ms.contains(&m) => ms.push(m),
                    Some(_) => {}
                    None => by_shock.push((shock, vec![m])),
                }
            }
        }
        by_shock
            .into_iter()
            .map(|(shock, ms)| {
                let m = if ms.contains(&RecoveryMetric::Backlog) {
                    RecoveryMetric::Backlog
                } else {
                    ms[0]
                };
                (shock, m)
            })
            .collect()
    }

    fn speed(&self, c: &Comparison, mean: &dyn Fn(&str, &str) -> Option<f64>) -> String {
        let (o, r) = (&c.org, &c.reference);
        let latency = LatencyMean.name();
        let (mo, mr) = (mean(o, latency), mean(r, latency));
        let means = |first: Option<f64>, second: Option<f64>| match (first, second) {
            (Some(x), Some(y)) => {
                format!(": {} vs {} {} on average", num(x), num(y), self.tick_unit)
            }
            _ => String::new(),
        };
        let Some(ratio) = c.ratio else {
            return c.text.clone();
        };
        match claimed(c) {
            Verdict::Better => format!(
                "{o} answered {}× faster than {r} ({}, n = {}){}",
                times(1.0 / ratio),
                inverse_range_of(c),
                c.n,
                means(mo, mr)
            ),
            Verdict::Worse => format!(
                "{r} answered {}× faster than {o} ({}, n = {}){}",
                times(ratio),
                range_of(c),
                c.n,
                means(mr, mo)
            ),
            _ => format!(
                "{o} and {r} answered about as fast{} ({}×, {}, n = {})",
                means(mo, mr),
                times(ratio),
                range_of(c),
                c.n
            ),
        }
    }

    /// What a shock cost each side on `metric`, with the paired ratio.
    fn impact(
        &self,
        c: &Comparison,
        shock: &str,
        metric: RecoveryMetric,
        mean: &dyn Fn(&str, &str) -> Option<f64>,
    ) -> String {
        let (o, r) = (&c.org, &c.reference);
        let (Some(mo), Some(mr)) = (mean(o, &c.metric), mean(r, &c.metric)) else {
            return String::new();
        };
        let head = format!(
            "{shock} cost {r} {}, {o} {}",
            self.impact_amount(metric, mr),
            whole(mo)
        );
        match (c.ratio, claimed(c)) {
            (Some(ratio), Verdict::Better | Verdict::Worse) => {
                format!("{head} ({}×, {}, n = {})", times(ratio), range_of(c), c.n)
            }
            (Some(ratio), _) => format!(
                "{head}: about the same ({}×, {}, n = {})",
                times(ratio),
                range_of(c),
                c.n
            ),
            (None, _) => head,
        }
    }

    fn recovery(&self, c: &Comparison, shock: &str) -> String {
        let (o, r) = (&c.org, &c.reference);
        let (Some(a), Some(b)) = (&c.org_recovery, &c.reference_recovery) else {
            return c.text.clone();
        };
        let sides = format!(
            "{}, while {}",
            self.recovery_brief(o, Some(shock), a),
            self.recovery_brief(r, None, b)
        );
        match (c.ratio, claimed(c)) {
            (Some(ratio), Verdict::Better) => format!(
                "{sides}: {o} {}× faster ({}, n = {} pairs)",
                times(1.0 / ratio),
                inverse_range_of(c),
                c.n
            ),
            (Some(ratio), Verdict::Worse) => format!(
                "{sides}: {r} {}× faster ({}, n = {} pairs)",
                times(ratio),
                range_of(c),
                c.n
            ),
            (Some(ratio), _) => format!(
                "{sides}: about as fast ({}×, {}, n = {} pairs)",
                times(ratio),
                range_of(c),
                c.n
            ),
            (None, _) => sides,
        }
    }

    /// One side's outcome of a shock for a headline; `shock` is named only on first mention.
    /// A mean recovery time is over the replicates that departed and recovered, and says so.
    fn recovery_brief(&self, org: &str, shock: Option<&str>, o: &RecoveryCounts) -> String {
        let n = o.absorbed + o.recovered + o.not_recovered + o.no_baseline;
        let (from, it) = match shock {
            Some(s) => (format!(" from {s}"), s.to_string()),
            None => (String::new(), "it".to_string()),
        };
        let mut others = Vec::new();
        if o.absorbed > 0 {
            others.push(format!("absorbed it in {}", o.absorbed));
        }
        if o.not_recovered > 0 {
            others.push(format!("did not recover in {}", o.not_recovered));
        }
        if o.no_baseline > 0 {
            others.push(format!("had no baseline in {}", o.no_baseline));
        }
        if o.absorbed * 2 > n && o.absorbed < n {
            let rest = match o.mean_recovered {
                Some(t) => format!(
                    " (recovered in {} {} on average in {} of the others)",
                    num(t),
                    self.tick_unit,
                    o.recovered
                ),
                None => String::new(),
            };
            return format!(
                "{org} absorbed {it} in {} of {n} replicates{rest}",
                o.absorbed
            );
        }
        if o.not_recovered * 2 > n {
            return format!(
                "{org} did not recover{from} in {} of {n} replicates",
                o.not_recovered
            );
        }
        match o.mean_recovered {
            Some(t) => {
                let rest = if others.is_empty() {
                    String::new()
                } else {
                    format!("; {}", others.join(", "))
                };
                let which = if o.recovered == n {
                    format!("all {n} replicates")
                } else {
                    format!("the {} of {n} replicates that recovered", o.recovered)
                };
                format!(
                    "{org} recovered{from} in {} {} on average ({which}{rest})",
                    num(t),
                    self.tick_unit,
                )
            }
            None if o.absorbed == n => format!("{org} absorbed {it} in all {n} replicates"),
            None => format!("{org}{from}: {} of {n} replicates", others.join(", ")),
        }
    }

    fn quality(&self, c: &Comparison, mean: &dyn Fn(&str, &str) -> Option<f64>) -> String {
        let (o, r) = (&c.org, &c.reference);
        let rate = GoodRate.name();
        let (Some(go), Some(gr)) = (mean(o, rate), mean(r, rate)) else {
            return c.text.clone();
        };
        let Some(ratio) = c.ratio else {
            return c.text.clone();
        };
        // Said as bad decisions, with the bad shares themselves: "12% fewer" beside the good
        // rates rounded alike read as a contradiction.
        let fewer = |better: f64, worse: f64| {
            let (bb, bw) = (1.0 - better, 1.0 - worse);
            if bw > 0.0 {
                format!("{:.0}", (bw - bb) / bw * 100.0)
            } else {
                "0".to_string()
            }
        };
        match claimed(c) {
            Verdict::Better => format!(
                "{o} made {}% fewer bad {} than {r} ({} bad vs {}; good-{noun} rate {}×, {}, n = {})",
                fewer(go, gr),
                self.nouns,
                pct(1.0 - go),
                pct(1.0 - gr),
                times(ratio),
                range_of(c),
                c.n,
                noun = self.noun,
            ),
            Verdict::Worse => format!(
                "{r} made {}% fewer bad {} than {o} ({} bad vs {}; good-{noun} rate {}×, {}, n = {})",
                fewer(gr, go),
                self.nouns,
                pct(1.0 - gr),
                pct(1.0 - go),
                times(1.0 / ratio),
                inverse_range_of(c),
                c.n,
                noun = self.noun,
            ),
            _ => format!(
                "{o} and {r} took {} about equally well ({} vs {} good; {}×, {}, n = {})",
                self.nouns,
                pct(go),
                pct(gr),
                times(ratio),
                range_of(c),
                c.n
            ),
        }
    }

    fn value(&self, c: &Comparison) -> String {
        let (o, r) = (&c.org, &c.reference);
        let Some(ratio) = c.ratio else {
            return c.text.clone();
        };
        match claimed(c) {
            Verdict::Better => format!(
                "{o} created {}× the value {r} did ({}, n = {})",
                times(ratio),
                range_of(c),
                c.n
            ),
            Verdict::Worse => format!(
                "{r} created {}× the value {o} did ({}, n = {})",
                times(1.0 / ratio),
                inverse_range_of(c),
                c.n
            ),
            _ => format!(
                "{o} and {r} created the same value ({}×, {}, n = {})",
                times(ratio),
                range_of(c),
                c.n
            ),
        }
    }
}

/// Below this relative difference a ratio is not a finding, even when its interval excludes 1:
/// "1.001× the value" is the same value.
const TRIVIAL: f64 = 0.02;

/// The verdict a headline may state: a better or worse verdict whose ratio is within
/// [`TRIVIAL`] of 1 is stated as about the same.
fn claimed(c: &Comparison) -> Verdict {
    match (c.verdict, c.ratio) {
        (Verdict::Better | Verdict::Worse, Some(r)) if (r - 1.0).abs() < TRIVIAL => {
            Verdict::AboutTheSame
        }
        (v, _) => v,
    }
}

/// A share as a percentage for a sentence: one decimal.
fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A large quantity for a sentence: whole, thousands grouped ("41,000").
pub(crate) fn whole(x: f64) -> String {
    let v = if x.abs() >= 1000.0 {
        (x / 100.0).round() * 100.0
    } else if x.abs() >= 10.0 {
        x.round()
    } else {
        return num(x);
    };
    let digits = format!("{}", v.abs() as u64);
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if v < 0.0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// What an impact on `metric` measures, in words, after the amount: "decision-hours of extra
/// waiting". An area in hours × hours reads as nothing aloud, so an impact on a time says what
/// was summed.
fn what_is_lost(metric: RecoveryMetric, tick_unit: &str, singular: &str) -> String {
    match metric {
        RecoveryMetric::Backlog => format!("decision-{tick_unit} of extra waiting"),
        RecoveryMetric::LatencyMean | RecoveryMetric::LatencyP95 => format!(
            "latency-{tick_unit} (the extra latency summed {singular} by {singular} until recovery)"
        ),
        RecoveryMetric::AgeMean => format!(
            "age-{tick_unit} (the extra age of waiting work summed {singular} by {singular} until recovery)"
        ),
        RecoveryMetric::Throughput => "decisions of throughput away from normal".to_string(),
        RecoveryMetric::Value => "stake units of lost value".to_string(),
        RecoveryMetric::GoodRate => format!(
            "share-{tick_unit} of lost decision quality (the shortfall in the good-decision rate summed {singular} by {singular})"
        ),
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

/// A ratio for a sentence. Within 10% of 1 it gets a third decimal, so a real but small difference is
/// not printed as "1.0× (1.0–1.0)".
fn times(x: f64) -> String {
    if near_one(x) {
        format!("{x:.3}")
    } else {
        num(x)
    }
}

fn near_one(x: f64) -> bool {
    x != 1.0 && (x - 1.0).abs() < 0.1
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
