//! Placeholder until the recovery module lands (replaced at merge).
use crate::scenario::{Recovery, RecoveryMetric, ShockSpec};

/// Outcome of a recovery measurement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RecoveryOutcome {
    Absorbed,
    Recovered(u32),
    NotRecovered,
    NoBaseline,
}

impl RecoveryOutcome {
    /// Recovery time in ticks.
    pub fn value(&self) -> Option<f64> {
        match self {
            RecoveryOutcome::Absorbed => Some(0.0),
            RecoveryOutcome::Recovered(t) => Some(*t as f64),
            _ => None,
        }
    }
}

/// Recovery time of one series.
pub fn recovery_time(
    _series: &[Option<f64>],
    _metric: RecoveryMetric,
    _shock: &ShockSpec,
    _params: &Recovery,
    _ticks: u32,
) -> RecoveryOutcome {
    RecoveryOutcome::NoBaseline
}
