//! Per-tick recording, per-replicate summaries, recovery time and statistics.

pub mod recovery;
pub mod stats;
mod tally;
mod tick;

pub use tally::{Tally, metric_series};
pub use tick::{RunOutput, TickRecord};
