//! Per-tick series across replicates: the mean line and its 95% band.

use crate::output::results::{OrgResults, TickRow};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// What a chart over time shows, taken from each replicate's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Mean latency of decisions executed, trailing mean over `window` ticks.
    Latency { window: u32 },
    /// Decisions executed per tick, trailing mean over `window` ticks.
    Throughput { window: u32 },
    /// Decisions in the system, as recorded.
    Backlog,
    /// Value delivered per tick (net of bad decisions), trailing mean over `window` ticks: a
    /// cumulative line would bury a 10% difference between orgs under the common total.
    Value { window: u32 },
}

/// A replicate's series for `q`: one entry per tick, `None` where there is no value.
pub fn replicate_series(rows: &[TickRow], q: Quantity) -> Vec<Option<f64>> {
    match q {
        Quantity::Latency { window } => trailing_mean(rows.iter().map(|r| r.latency_mean), window),
        Quantity::Throughput { window } => trailing_mean(rows.iter().map(|r| r.executed), window),
        Quantity::Backlog => rows.iter().map(|r| r.backlog).collect(),
        Quantity::Value { window } => trailing_mean(rows.iter().map(|r| r.value), window),
    }
}

/// Trailing mean over `window` ticks, skipping ticks with no value (as recovery time does,
/// `docs/model.md` "Recovery time"); `None` where the window holds no value at all.
pub fn trailing_mean(values: impl Iterator<Item = Option<f64>>, window: u32) -> Vec<Option<f64>> {
    let values: Vec<Option<f64>> = values.collect();
    let window = window.max(1) as usize;
    let (mut sum, mut n) = (0.0, 0usize);
    let mut out = Vec::with_capacity(values.len());
    for t in 0..values.len() {
        if let Some(v) = values[t] {
            sum += v;
            n += 1;
        }
        if t >= window {
            if let Some(v) = values[t - window] {
                sum -= v;
                n -= 1;
            }
        }
        out.push(if n > 0 { Some(sum / n as f64) } else { None });
    }
    out
}

/// One point of a band: mean across the replicates with a value, and the 95% t interval when
/// at least two had one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandPoint {
    pub tick: u32,
    pub mean: f64,
    pub interval: Option<(f64, f64)>,
}

/// Mean and 95% interval across replicates at every `stride`-th tick; ticks where no
/// replicate has a value are left out (the line breaks there).
pub fn band(org: &OrgResults, q: Quantity, stride: usize) -> Vec<Option<BandPoint>> {
    let per_replicate: Vec<Vec<Option<f64>>> = org
        .replicates
        .iter()
        .map(|r| replicate_series(&r.ticks, q))
        .collect();
    let ticks = per_replicate.iter().map(Vec::len).max().unwrap_or(0);
    let mut t_quantiles = TQuantiles::default();
    (0..ticks)
        .step_by(stride.max(1))
        .map(|t| {
            let values: Vec<f64> = per_replicate
                .iter()
                .filter_map(|s| s.get(t).copied().flatten())
                .collect();
            let (mean, interval) = mean_interval(&values, &mut t_quantiles)?;
            Some(BandPoint {
                tick: t as u32,
                mean,
                interval,
            })
        })
        .collect()
}

/// Student-t 0.975 quantiles by degrees of freedom, computed once each.
#[derive(Default)]
pub struct TQuantiles {
    cache: Vec<Option<f64>>,
}

impl TQuantiles {
    /// The two-sided 95% multiplier for `df` degrees of freedom.
    pub fn get(&mut self, df: usize) -> Option<f64> {
        if df == 0 {
            return None;
        }
        if self.cache.len() <= df {
            self.cache.resize(df + 1, None);
        }
        if self.cache[df].is_none() {
            self.cache[df] = StudentsT::new(0.0, 1.0, df as f64)
                .ok()
                .map(|t| t.inverse_cdf(0.975));
        }
        self.cache[df]
    }
}

/// The mean of `values` and, with two or more, its 95% t interval.
pub fn mean_interval(values: &[f64], tq: &mut TQuantiles) -> Option<(f64, Option<(f64, f64)>)> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return Some((mean, None));
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half = tq.get(values.len() - 1)? * (var / n).sqrt();
    Some((mean, Some((mean - half, mean + half))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_mean_skips_empty_ticks() {
        let v = [Some(1.0), None, Some(3.0), Some(5.0), None, None, None];
        let m = trailing_mean(v.into_iter(), 2);
        assert_eq!(
            m,
            vec![
                Some(1.0),
                Some(1.0),
                Some(3.0),
                Some(4.0),
                Some(5.0),
                None,
                None
            ]
        );
    }

    #[test]
    fn interval_matches_a_hand_computed_t_interval() {
        let mut tq = TQuantiles::default();
        // n = 4, mean 5, sd = sqrt(20/3); t(0.975, 3) = 3.182446
        let (mean, iv) = mean_interval(&[2.0, 4.0, 6.0, 8.0], &mut tq).unwrap();
        assert_eq!(mean, 5.0);
        let (lo, hi) = iv.unwrap();
        let half = 3.182446 * (20.0f64 / 3.0).sqrt() / 2.0;
        assert!((lo - (5.0 - half)).abs() < 1e-4, "{lo}");
        assert!((hi - (5.0 + half)).abs() < 1e-4, "{hi}");
        assert_eq!(mean_interval(&[3.0], &mut tq), Some((3.0, None)));
        assert_eq!(mean_interval(&[], &mut tq), None);
    }
}
