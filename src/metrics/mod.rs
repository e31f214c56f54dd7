//! Per-tick recording, per-replicate summaries, recovery time and statistics.

mod tick;

pub use tick::{RunOutput, TickRecord};
