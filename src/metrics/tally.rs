//! Recording one run: the per-tick record and the accumulators behind its summary metrics.

use crate::metrics::LevelMetric::{CompetenceGain, DecidedAt, Utilisation};
use crate::metrics::OrgMetric::{
    BacklogMean, DecidedAtFrontline, DecidedAtOrigin, FrustratedShare, GoodRate, LeadershipGini,
    Throughput, ValueTotal,
};
use crate::metrics::stats::gini;
use crate::metrics::{Metric, RunOutput, TickRecord, latency_metrics, recovery_metrics};
use crate::model::structure::Shape;
use crate::scenario::{Recovery, Scenario, ShockSpec};

/// Accumulates what one run (one org, one replicate) measures.
#[derive(Debug, Clone)]
pub struct Tally {
    org: usize,
    replicate: u32,
    warmup: u32,
    ticks: u32,
    recovery: Recovery,
    now: u32,
    /// Capacity of each level, summed over its agents.
    level_capacity: Vec<f64>,
    level_size: Vec<u32>,
    level_of: Vec<u8>,

    // This tick.
    latencies: Vec<u32>,
    good: u64,
    spent: Vec<f64>,

    // The summary window `[warmup, ticks)`.
    latency_counts: Vec<u64>,
    executed: u64,
    good_total: u64,
    value_total: f64,
    backlog_total: f64,
    window_ticks: u64,
    decided_total: u64,
    decided_by_level: Vec<u64>,
    decided_at_origin: u64,
    taken: Vec<u64>,
    referrals: u64,
    frustrated: u64,
    effort_by_level: Vec<f64>,
    competence_at_warmup: Vec<f64>,

    series: Vec<TickRecord>,
}

impl Tally {
    /// A tally for org `org` of `scenario`, replicate `replicate`.
    pub fn new(org: usize, replicate: u32, scenario: &Scenario, shape: &Shape) -> Tally {
        let levels = shape.levels as usize;
        let mut level_capacity = vec![0.0; levels];
        let mut level_size = vec![0; levels];
        for (a, &l) in shape.level.iter().enumerate() {
            level_capacity[l as usize] += shape.capacity[a];
            level_size[l as usize] += 1;
        }
        let ticks = scenario.scenario.ticks;
        Tally {
            org,
            replicate,
            warmup: scenario.scenario.warmup.min(ticks),
            ticks,
            recovery: scenario.recovery.clone(),
            now: 0,
            level_capacity,
            level_size,
            level_of: shape.level.clone(),
            latencies: Vec::new(),
            good: 0,
            spent: vec![0.0; levels],
            latency_counts: Vec::new(),
            executed: 0,
            good_total: 0,
            value_total: 0.0,
            backlog_total: 0.0,
            window_ticks: 0,
            decided_total: 0,
            decided_by_level: vec![0; levels],
            decided_at_origin: 0,
            taken: vec![0; shape.agents()],
            referrals: 0,
            frustrated: 0,
            effort_by_level: vec![0.0; levels],
            competence_at_warmup: level_means(&shape.competence0, &shape.level, levels),
            series: Vec::with_capacity(ticks as usize),
        }
    }

    fn in_window(&self) -> bool {
        self.now >= self.warmup
    }

    /// Start tick `t`.
    pub fn begin_tick(&mut self, t: u32, competence: &[f64]) {
        self.now = t;
        self.latencies.clear();
        self.good = 0;
        self.spent.iter_mut().for_each(|s| *s = 0.0);
        if t == self.warmup {
            self.competence_at_warmup =
                level_means(competence, &self.level_of, self.level_size.len());
        }
    }

    /// An agent at `level` spent `effort` this tick.
    pub fn spent(&mut self, level: u8, effort: f64) {
        self.spent[level as usize] += effort;
    }

    /// A decision was referred; `frustrated` if the referrer was able but had no authority.
    pub fn referral(&mut self, frustrated: bool) {
        if self.in_window() {
            self.referrals += 1;
            self.frustrated += frustrated as u64;
        }
    }

    /// A decision was taken by `agent` at `level`.
    pub fn decided(&mut self, agent: u32, level: u32, at_origin: bool) {
        if self.in_window() {
            self.decided_total += 1;
            self.decided_by_level[level as usize] += 1;
            self.decided_at_origin += at_origin as u64;
            self.taken[agent as usize] += 1;
        }
    }

    /// A decision was executed.
    pub fn executed(&mut self, latency: u32, good: bool, value: f64) {
        self.latencies.push(latency);
        self.good += good as u64;
        if self.in_window() {
            let l = latency as usize;
            if self.latency_counts.len() <= l {
                self.latency_counts.resize(l + 1, 0);
            }
            self.latency_counts[l] += 1;
            self.executed += 1;
            self.good_total += good as u64;
            self.value_total += value;
        }
    }

    /// Fill in the tick's derived columns and keep the record.
    pub fn end_tick(&mut self, record: &mut TickRecord) {
        let n = self.latencies.len();
        if n > 0 {
            self.latencies.sort_unstable();
            let sum: u64 = self.latencies.iter().map(|&l| l as u64).sum();
            record.latency_mean = Some(sum as f64 / n as f64);
            // Nearest rank, as for the summary percentiles.
            let rank = ((0.95 * n as f64).ceil() as usize).clamp(1, n);
            record.latency_p95 = Some(self.latencies[rank - 1] as f64);
            record.good_rate = Some(self.good as f64 / n as f64);
        }
        let top = self.level_capacity.len() - 1;
        record.utilisation_top = if self.level_capacity[top] > 0.0 {
            self.spent[top] / self.level_capacity[top]
        } else {
            0.0
        };
        if self.in_window() {
            self.window_ticks += 1;
            self.backlog_total += record.backlog as f64;
            for (total, s) in self.effort_by_level.iter_mut().zip(&self.spent) {
                *total += s;
            }
        }
        self.series.push(record.clone());
    }

    /// The run's output: its series and its summary metrics.
    pub fn finish(self, competence: &[f64], shocks: &[ShockSpec]) -> RunOutput {
        let counts = &self.latency_counts;
        let mut m: Vec<(String, Option<f64>)> = latency_metrics(counts)
            .iter()
            .map(|&(name, v)| (name.to_string(), v))
            .collect();
        let mut put = |metric: Metric, v: Option<f64>| m.push((metric.name(), v));
        let n: u64 = counts.iter().sum();
        let ratio = |a: f64, b: f64| (b > 0.0).then(|| a / b);
        let w = self.window_ticks as f64;
        put(Throughput.into(), ratio(n as f64, w));
        put(BacklogMean.into(), ratio(self.backlog_total, w));
        put(ValueTotal.into(), Some(self.value_total));
        put(GoodRate.into(), ratio(self.good_total as f64, n as f64));
        let decided = self.decided_total as f64;
        put(
            DecidedAtFrontline.into(),
            ratio(self.decided_by_level[0] as f64, decided),
        );
        put(
            DecidedAtOrigin.into(),
            ratio(self.decided_at_origin as f64, decided),
        );
        for (l, &k) in (0..).zip(&self.decided_by_level) {
            put(Metric::Level(DecidedAt, l), ratio(k as f64, decided));
        }
        put(LeadershipGini.into(), Some(gini(&self.taken)));
        let levels = self.level_size.len();
        let now = level_means(competence, &self.level_of, levels);
        for (l, (end, start)) in (0..).zip(now.iter().zip(&self.competence_at_warmup)) {
            put(Metric::Level(CompetenceGain, l), Some(end - start));
        }
        put(
            FrustratedShare.into(),
            ratio(self.frustrated as f64, self.referrals as f64),
        );
        for (l, (effort, capacity)) in
            (0..).zip(self.effort_by_level.iter().zip(&self.level_capacity))
        {
            put(Metric::Level(Utilisation, l), ratio(*effort, capacity * w));
        }
        // Recovery covers the scenario's shocks and any injected from code.
        m.extend(recovery_metrics(
            &self.recovery,
            shocks,
            self.ticks,
            &self.series,
        ));
        RunOutput {
            org: self.org,
            replicate: self.replicate,
            ticks: self.series,
            metrics: m,
            latency_counts: self.latency_counts,
        }
    }
}

fn level_means(values: &[f64], level_of: &[u8], levels: usize) -> Vec<f64> {
    let mut sum = vec![0.0; levels];
    let mut n = vec![0u64; levels];
    for (v, &l) in values.iter().zip(level_of) {
        sum[l as usize] += v;
        n[l as usize] += 1;
    }
    sum.iter()
        .zip(&n)
        .map(|(s, &k)| if k > 0 { s / k as f64 } else { 0.0 })
        .collect()
}
