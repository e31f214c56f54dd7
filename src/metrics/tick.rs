//! What one run (one org, one replicate) records.

/// The metrics of one org in one replicate at one tick: one row of `timeseries.csv`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TickRecord {
    /// New and rework decisions that appeared this tick.
    pub arrived: u64,
    /// Decisions taken this tick (for consulted decisions: when the last answer came in).
    pub decided: u64,
    /// Decisions executed at their frontline agent this tick.
    pub executed: u64,
    /// Decisions not yet executed, counted from the engine's state.
    pub backlog: u64,
    /// Part of the backlog sitting in the queues of absent or lost agents.
    pub frozen: u64,
    /// Mean latency of the decisions executed this tick; `None` if none was.
    pub latency_mean: Option<f64>,
    /// 95th percentile latency of the decisions executed this tick; `None` if none was.
    pub latency_p95: Option<f64>,
    /// Value of the decisions executed this tick.
    pub value: f64,
    /// Share of the decisions executed this tick that were good; `None` if none was.
    pub good_rate: Option<f64>,
    /// Effort spent by the highest level / its capacity.
    pub utilisation_top: f64,
    /// Mean age in ticks (`tick - arrived`) of the decisions not yet executed at the end of
    /// the tick; `None` if there are none. It rises while work is frozen, when latency (which
    /// counts only executed decisions) can fall.
    pub age_mean: Option<f64>,
}

/// Summary metrics by name, in a fixed order; `None` where a metric has no value.
pub type Metrics = Vec<(String, Option<f64>)>;

/// Everything one run produced: its time series, its summary metrics and its latencies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunOutput {
    /// Index of the org in the scenario.
    pub org: usize,
    pub replicate: u32,
    /// One record per tick, `0..ticks`.
    pub ticks: Vec<TickRecord>,
    /// Summary metrics of this replicate over the window `all`, `[warmup, ticks)`, in a fixed
    /// order; `None` where the metric has no value (no decision executed, shock not recovered
    /// from). The per-shock metrics (recovery) are here only.
    pub metrics: Vec<(String, Option<f64>)>,
    /// The same metrics (without the per-shock ones) for each other window, `steady` then one
    /// per shock: `(window, metrics)`.
    pub windows: Vec<(String, Metrics)>,
    /// `latency_counts[l]`: decisions executed in `[warmup, ticks)` with latency `l` ticks.
    pub latency_counts: Vec<u64>,
    /// `(t, queued)`: decisions queued at each level (frontline first) at the end of tick
    /// `t`, at the ticks the overload diagnosis compares (`overload::snapshot_ticks`).
    pub queued_by_level: Vec<(u32, Vec<u64>)>,
}

impl RunOutput {
    /// Every summary metric of the run as `(window, metric, value)`: window `all` first, then
    /// `steady` and each shock's.
    pub fn windowed(&self) -> impl Iterator<Item = (&str, &str, Option<f64>)> {
        let all = self
            .metrics
            .iter()
            .map(|(m, v)| (super::WINDOW_ALL, m.as_str(), *v));
        let rest = self.windows.iter().flat_map(|(w, metrics)| {
            metrics
                .iter()
                .map(move |(m, v)| (w.as_str(), m.as_str(), *v))
        });
        all.chain(rest)
    }
}
