//! Per-tick recording, per-replicate summaries, recovery time and statistics.

pub mod metric;
pub mod overload;
pub mod recovery;
pub mod sensitivity;
mod sentences;
pub mod stats;
pub mod summary;
mod tally;
mod tick;
pub mod window;

pub use metric::{
    Better, Bounds, LevelMetric, Metric, OrgMetric, ShockMetric, Spec, TickMetric, Unit,
};
pub use overload::Overload;
pub use recovery::{RecoveryOutcome, metric_series, recovery_metrics, recovery_time};
pub use stats::{
    Interval, Ratio, gini, mean_ci, mean_from_counts, paired_ratio, quantile_from_counts,
};
pub use summary::{
    Comparison, RecoveryCounts, ReplicateValue, Summary, SummaryRow, Verdict, latency_metrics,
    replicate_values, summarise, summarise_runs,
};
pub use tally::{Counted, TakenRows, Tally};
pub use tick::{RunOutput, TickRecord};
pub use window::{WINDOW_ALL, WINDOW_STEADY};
