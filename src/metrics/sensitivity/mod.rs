//! Sensitivity analysis of a sweep's outputs: Sobol indices, Morris elementary effects, and PRIM
//! boxes of where one design wins (`docs/sensitivity.md`).
//!
//! Each estimator takes a sampling design from [`crate::sampling`] and the outputs of the runs at
//! its points, in the design's point order, with any number of replicates per point
//! ([`Outputs`]). Intervals are percentile bootstrap intervals whose resamples are keyed by a seed
//! ([`Bootstrap`]): everything here is single-threaded and a pure function of its inputs, so the
//! results are bit-identical however the runs were threaded or sharded.
//!
//! ```
//! use orgsim::metrics::sensitivity::{Bootstrap, Outputs, sobol_indices};
//! use orgsim::sampling::saltelli;
//!
//! let design = saltelli(256, 2, 1).expect("a valid design");
//! let y: Vec<f64> = design.points().rows().map(|x| x[0] + 0.1 * x[1]).collect();
//! let outputs = Outputs::new(&y, 1).expect("one output per point");
//! let indices = sobol_indices(&design, &outputs, &Bootstrap::default()).expect("indices");
//! assert!(indices.params[0].s1.value > indices.params[1].s1.value);
//! ```

mod morris;
mod prim;
mod sobol;
#[cfg(test)]
mod test_functions;

pub use morris::{MorrisIndex, MorrisIndices, NoiseFloor, morris_indices};
pub use prim::{Limit, PrimBox, PrimOptions, PrimResult, Selection, prim};
pub use sobol::{SobolIndex, SobolIndices, sobol_indices};

use crate::model::rng::mix;

/// An estimate with its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate from all the data.
    pub value: f64,
    /// Lower end of the percentile bootstrap interval.
    pub ci_low: f64,
    /// Upper end of the percentile bootstrap interval.
    pub ci_high: f64,
    /// Whether the interval lies above zero (above the seed-noise floor for Morris measures):
    /// only then does a report claim an effect.
    pub detectable: bool,
}

/// A Sobol index as a report shows it: an interval spanning zero is "no detectable effect", and
/// an index is never shown below 0 or above 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    /// The interval reaches zero or below.
    NoDetectableEffect,
    /// A detectable index, each number clipped to [0, 1].
    Index {
        value: f64,
        ci_low: f64,
        ci_high: f64,
    },
}

impl Estimate {
    fn new(value: f64, ci: (f64, f64), floor: f64) -> Self {
        Estimate {
            value,
            ci_low: ci.0,
            ci_high: ci.1,
            detectable: ci.0 > floor,
        }
    }

    /// How a report shows this estimate as a Sobol index (a share of variance, in [0, 1]).
    pub fn shown(&self) -> Shown {
        if !self.detectable {
            return Shown::NoDetectableEffect;
        }
        let clip = |v: f64| v.clamp(0.0, 1.0);
        Shown::Index {
            value: clip(self.value),
            ci_low: clip(self.ci_low),
            ci_high: clip(self.ci_high),
        }
    }
}

/// How the bootstrap intervals are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrap {
    /// Number of resamples (B).
    pub resamples: usize,
    /// Coverage of the intervals, e.g. 0.95.
    pub confidence: f64,
    /// Keys the resamples: the same seed gives the same intervals, bit for bit.
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 1000,
            confidence: 0.95,
            seed: 1,
        }
    }
}

impl Bootstrap {
    /// The row that draw `k` of resample `b` takes, of `n` rows (with replacement).
    fn pick(&self, b: usize, k: usize, n: usize) -> usize {
        let mut h = mix(self.seed ^ 0x626f_6f74_7374_7261);
        h = mix(h ^ b as u64);
        let bits = mix(h ^ k as u64);
        ((bits as u128 * n as u128) >> 64) as usize
    }

    /// The percentile interval of `values` (sorted in place).
    fn interval(&self, values: &mut [f64]) -> (f64, f64) {
        values.sort_by(f64::total_cmp);
        let tail = (1.0 - self.confidence) / 2.0;
        (quantile(values, tail), quantile(values, 1.0 - tail))
    }

    fn check(&self) -> Result<(), SensitivityError> {
        if self.resamples < 2 || !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(SensitivityError::BadBootstrap {
                resamples: self.resamples,
                confidence: self.confidence,
            });
        }
        Ok(())
    }
}

/// Quantile `q` of sorted `values`, interpolating linearly between order statistics (Hyndman &
/// Fan's type 7, the default of R and numpy).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, frac) = (h.floor() as usize, h - h.floor());
    match sorted.get(lo + 1) {
        Some(&next) => sorted[lo] + frac * (next - sorted[lo]),
        None => sorted[lo],
    }
}

/// The outputs of a design's runs: one value per point and replicate, point-major
/// (`values[point * replicates + replicate]`), points in the design's order.
#[derive(Debug, Clone, Copy)]
pub struct Outputs<'a> {
    values: &'a [f64],
    replicates: usize,
}

impl<'a> Outputs<'a> {
    /// Outputs with `replicates` values per point; every value must be finite.
    pub fn new(values: &'a [f64], replicates: usize) -> Result<Self, SensitivityError> {
        if replicates == 0 || !values.len().is_multiple_of(replicates) {
            return Err(SensitivityError::Shape {
                values: values.len(),
                replicates,
            });
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(SensitivityError::NotFinite {
                point: i / replicates,
                replicate: i % replicates,
            });
        }
        Ok(Outputs { values, replicates })
    }

    /// Number of points.
    pub fn points(&self) -> usize {
        self.values.len() / self.replicates
    }

    /// Replicates per point.
    pub fn replicates(&self) -> usize {
        self.replicates
    }

    /// Point `p`'s replicate values.
    pub fn point(&self, p: usize) -> &'a [f64] {
        &self.values[p * self.replicates..(p + 1) * self.replicates]
    }

    /// Each point's mean over its replicates, and the mean over points of the within-point
    /// (seed) variance (unbiased, `None` with one replicate).
    fn means_and_noise(&self) -> (Vec<f64>, Option<Vec<f64>>) {
        let r = self.replicates;
        let means: Vec<f64> = (0..self.points())
            .map(|p| self.point(p).iter().sum::<f64>() / r as f64)
            .collect();
        let noise = (r > 1).then(|| {
            means
                .iter()
                .enumerate()
                .map(|(p, m)| {
                    self.point(p).iter().map(|v| (v - m).powi(2)).sum::<f64>() / (r - 1) as f64
                })
                .collect()
        });
        (means, noise)
    }

    fn expect_points(&self, expected: usize) -> Result<(), SensitivityError> {
        if self.points() != expected {
            return Err(SensitivityError::WrongPoints {
                expected,
                got: self.points(),
            });
        }
        Ok(())
    }
}

/// Why an analysis cannot be made; each message says what would be valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    /// The values do not split into whole points.
    #[error("{values} output values do not split into points of {replicates} replicates each")]
    Shape { values: usize, replicates: usize },
    /// A value is NaN or infinite.
    #[error(
        "the output of point {point}, replicate {replicate} is not a finite number; sensitivity needs a value for every run"
    )]
    NotFinite { point: usize, replicate: usize },
    /// The outputs do not match the design's points.
    #[error("the design has {expected} points but outputs were given for {got}")]
    WrongPoints { expected: usize, got: usize },
    /// Too few rows or trajectories for a spread or an interval.
    #[error("{what} needs at least {min}, got {got}")]
    TooFew {
        what: &'static str,
        min: usize,
        got: usize,
    },
    /// The bootstrap settings cannot give an interval.
    #[error(
        "a bootstrap needs at least 2 resamples and a confidence between 0 and 1, got {resamples} resamples at {confidence}"
    )]
    BadBootstrap { resamples: usize, confidence: f64 },
    /// PRIM's settings are out of range.
    #[error("{0}")]
    BadPrimOptions(String),
    /// PRIM has no point where the outcome of interest happens.
    #[error("no point has the outcome of interest, so there is no box to find")]
    NoCases,
}

/// Whether a variance is too small against the mean's size to divide by: a constant output
/// (up to rounding) has nothing to apportion.
fn negligible(variance: f64, mean: f64) -> bool {
    variance <= 64.0 * f64::EPSILON * mean * mean || variance <= f64::MIN_POSITIVE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert_eq!(quantile(&v, 0.125), 1.5);
    }

    #[test]
    fn intervals_spanning_zero_show_no_detectable_effect_and_shown_values_are_clipped() {
        let spans = Estimate::new(-0.01, (-0.03, 0.02), 0.0);
        assert!(!spans.detectable);
        assert_eq!(spans.shown(), Shown::NoDetectableEffect);
        let clear = Estimate::new(1.01, (0.96, 1.05), 0.0);
        assert!(clear.detectable);
        assert_eq!(
            clear.shown(),
            Shown::Index {
                value: 1.0,
                ci_low: 0.96,
                ci_high: 1.0
            }
        );
    }

    #[test]
    fn outputs_refuse_ragged_or_missing_values() {
        let v = [1.0, 2.0, 3.0];
        assert!(matches!(
            Outputs::new(&v, 2),
            Err(SensitivityError::Shape { .. })
        ));
        let e = Outputs::new(&[1.0, f64::NAN, 3.0, 4.0], 2).unwrap_err();
        assert_eq!(
            e,
            SensitivityError::NotFinite {
                point: 0,
                replicate: 1
            }
        );
        let o = Outputs::new(&[1.0, 3.0, 5.0, 5.0], 2).unwrap();
        let (means, noise) = o.means_and_noise();
        assert_eq!(means, vec![2.0, 5.0]);
        assert_eq!(noise, Some(vec![2.0, 0.0]));
    }

    #[test]
    fn resamples_are_keyed_by_the_seed() {
        let b = Bootstrap::default();
        let draws: Vec<usize> = (0..100).map(|k| b.pick(3, k, 10)).collect();
        assert!(draws.iter().all(|&j| j < 10));
        assert_eq!(
            draws,
            (0..100).map(|k| b.pick(3, k, 10)).collect::<Vec<_>>()
        );
        let other = Bootstrap { seed: 2, ..b };
        assert_ne!(
            draws,
            (0..100).map(|k| other.pick(3, k, 10)).collect::<Vec<_>>()
        );
    }
}
