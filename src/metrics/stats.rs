//! Statistics across replicates and over latency histograms.
//!
//! Intervals are 95% Student-t intervals across replicates (`docs/model.md` "Choices in the statistics"; "Timing and
//! accounting"): replicates are independent, their number is small, and the t interval is what a
//! reader of a results table expects. Sums run in slice order so results are bit-identical
//! however the replicates were computed.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A mean across replicates with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Arithmetic mean of the values.
    pub mean: f64,
    /// Lower end of the 95% Student-t interval; `None` with a single value.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% Student-t interval; `None` with a single value.
    pub ci_high: Option<f64>,
    /// How many values contributed.
    pub n: usize,
}

/// A paired ratio between two orgs: geometric mean of per-replicate ratios, 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    /// Geometric mean of the per-replicate ratios.
    pub ratio: f64,
    /// Lower end of the 95% interval; `None` with a single pair.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% interval; `None` with a single pair.
    pub ci_high: Option<f64>,
    /// Pairs used: replicates where both sides are positive numbers.
    pub n: usize,
}

impl Ratio {
    /// Whether the interval lies wholly below 1 (`Some(true)`), wholly above (`Some(false)`), or
    /// straddles it or is missing (`None`): only then may a report claim a difference.
    pub fn below_one(&self) -> Option<bool> {
        match (self.ci_low, self.ci_high) {
            (_, Some(hi)) if hi < 1.0 => Some(true),
            (Some(lo), _) if lo > 1.0 => Some(false),
            _ => None,
        }
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom (`df >= 1`).
pub fn t_quantile_975(df: usize) -> f64 {
    // `StudentsT::new` only fails for a non-positive scale or freedom, excluded by `df >= 1`.
    StudentsT::new(0.0, 1.0, df.max(1) as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::NAN)
}

/// Mean, and half-width of the 95% t interval (`None` for a single value).
fn mean_half_width(values: &[f64]) -> Option<(f64, Option<f64>)> {
    let n = values.len();
    let first = *values.first()?;
    // Identical values must give a zero-width interval exactly, which summing and dividing
    // does not guarantee (0.1 + 0.1 + 0.1 != 0.3).
    if values.iter().all(|&v| v == first) {
        return Some((first, (n > 1).then_some(0.0)));
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Some((mean, None));
    }
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    let sd = (ss / (n - 1) as f64).sqrt();
    Some((mean, Some(t_quantile_975(n - 1) * sd / (n as f64).sqrt())))
}

/// Mean of `values` with a 95% Student-t interval; `None` when there are no values.
///
/// With one value there is no interval; when all values are equal the interval has zero width.
pub fn mean_ci(values: &[f64]) -> Option<Interval> {
    let (mean, half) = mean_half_width(values)?;
    Some(Interval {
        mean,
        ci_low: half.map(|h| mean - h),
        ci_high: half.map(|h| mean + h),
        n: values.len(),
    })
}

/// Paired ratio `num / den` across replicates (index `i` of each slice is replicate `i`).
///
/// Uses only the pairs where both sides are finite positive numbers: the geometric mean of their
/// ratios with a t interval on the logs, so `paired_ratio(a, b)` is exactly the reciprocal of
/// `paired_ratio(b, a)`. `None` when no pair qualifies.
pub fn paired_ratio(num: &[Option<f64>], den: &[Option<f64>]) -> Option<Ratio> {
    let positive = |v: &Option<f64>| v.filter(|x| x.is_finite() && *x > 0.0);
    let logs: Vec<f64> = num
        .iter()
        .zip(den)
        .filter_map(|(a, b)| Some(positive(a)?.ln() - positive(b)?.ln()))
        .collect();
    let (mean, half) = mean_half_width(&logs)?;
    Some(Ratio {
        ratio: mean.exp(),
        ci_low: half.map(|h| (mean - h).exp()),
        ci_high: half.map(|h| (mean + h).exp()),
        n: logs.len(),
    })
}

/// Gini coefficient of `counts`, one per agent, zeros included.
///
/// `G = Σ_i Σ_j |x_i - x_j| / (2 n² mean)`, computed from the sorted values as
/// `Σ_k (2k - n - 1) x_(k) / (n Σ x)`. 0 when all agents are equal or nobody decided anything;
/// `(n - 1) / n` when one agent decided everything.
pub fn gini(counts: &[u64]) -> f64 {
    let total: u128 = counts.iter().map(|&c| c as u128).sum();
    if total == 0 {
        return 0.0;
    }
    // Zeros sort first and add nothing: only the others are sorted, ranked after the zeros (in
    // a big org most agents never decide, so this sorts a fraction of the counts).
    let mut sorted: Vec<u64> = counts.iter().copied().filter(|&c| c > 0).collect();
    sorted.sort_unstable();
    let n = counts.len() as i128;
    let zeros = n - sorted.len() as i128;
    // Exact integer arithmetic: the answer does not depend on summation order or magnitude.
    let weighted: i128 = sorted
        .iter()
        .enumerate()
        .map(|(k, &x)| (2 * (zeros + k as i128 + 1) - n - 1) * x as i128)
        .sum();
    weighted as f64 / (n as f64 * total as f64)
}

/// Quantile `q` in `[0, 1]` of a histogram of whole-tick values (`counts[l]` values equal `l`).
///
/// Nearest-rank definition: the smallest `l` such that at least `ceil(q · N)` of the `N` values
/// are `<= l` (rank clamped to `1..=N`, so `q = 0` gives the minimum and `q = 1` the maximum).
/// It always returns an observed value, never an interpolation between ticks. `None` when the
/// histogram is empty or `q` is outside `[0, 1]`.
pub fn quantile_from_counts(counts: &[u64], q: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&q) {
        return None;
    }
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
    let mut seen = 0u64;
    for (l, &c) in counts.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(l as f64);
        }
    }
    None
}

/// Mean of a histogram of whole-tick values; `None` when it is empty.
pub fn mean_from_counts(counts: &[u64]) -> Option<f64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let sum: u128 = counts
        .iter()
        .enumerate()
        .map(|(l, &c)| l as u128 * c as u128)
        .sum();
    Some(sum as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn t_quantile_matches_tables() {
        assert!(close(t_quantile_975(4), 2.776_445_105, 1e-6));
        assert!(close(t_quantile_975(1), 12.706_204_736, 1e-5));
        assert!(close(t_quantile_975(19), 2.093_024_054, 1e-6));
    }

    #[test]
    fn mean_ci_of_five_values_uses_t_with_four_df() {
        // mean 3, sample sd sqrt(2.5), half width 2.776 * sqrt(2.5) / sqrt(5).
        let iv = mean_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        let half = 2.776_445_105 * (2.5f64).sqrt() / 5f64.sqrt();
        assert_eq!(iv.mean, 3.0);
        assert_eq!(iv.n, 5);
        assert!(close(iv.ci_low.unwrap(), 3.0 - half, 1e-6));
        assert!(close(iv.ci_high.unwrap(), 3.0 + half, 1e-6));
    }

    #[test]
    fn mean_ci_edge_cases() {
        assert_eq!(mean_ci(&[]), None);
        assert_eq!(
            mean_ci(&[7.5]),
            Some(Interval {
                mean: 7.5,
                ci_low: None,
                ci_high: None,
                n: 1
            })
        );
        let iv = mean_ci(&[0.1, 0.1, 0.1]).unwrap();
        assert_eq!(
            (iv.mean, iv.ci_low, iv.ci_high),
            (0.1, Some(0.1), Some(0.1))
        );
    }

    #[test]
    fn paired_ratio_is_a_geometric_mean_with_log_t_interval() {
        // Ratios 2 and 8: logs ln2 and ln8 have mean ln4 (ratio 4) and sample sd ln2 * sqrt(2),
        // so the half-width on the log scale is t(1 df) * ln2 * sqrt(2) / sqrt(2) = t * ln2.
        let r = paired_ratio(&[Some(2.0), Some(8.0)], &[Some(1.0), Some(1.0)]).unwrap();
        assert!(close(r.ratio, 4.0, 1e-12));
        assert_eq!(r.n, 2);
        let half = 12.706_204_736 * 2f64.ln();
        assert!(close(r.ci_low.unwrap().ln(), 4f64.ln() - half, 1e-5));
        assert!(close(r.ci_high.unwrap().ln(), 4f64.ln() + half, 1e-5));
    }

    #[test]
    fn paired_ratio_skips_pairs_that_are_not_both_positive() {
        let num = [
            Some(3.0),
            None,
            Some(0.0),
            Some(-1.0),
            Some(12.0),
            Some(5.0),
        ];
        let den = [Some(1.0), Some(1.0), Some(2.0), Some(2.0), Some(4.0), None];
        let r = paired_ratio(&num, &den).unwrap();
        assert_eq!(r.n, 2);
        assert!(close(r.ratio, 3.0, 1e-12));
        assert_eq!(r.ci_low, Some(r.ratio));
        assert_eq!(paired_ratio(&[Some(0.0)], &[Some(1.0)]), None);
        let one = paired_ratio(&[Some(1.0)], &[Some(4.0)]).unwrap();
        assert_eq!((one.ratio, one.ci_low, one.n), (0.25, None, 1));
    }

    #[test]
    fn paired_ratio_is_symmetric() {
        let a = [Some(1.0), Some(2.0), Some(5.0)];
        let b = [Some(3.0), Some(3.0), Some(4.0)];
        let ab = paired_ratio(&a, &b).unwrap();
        let ba = paired_ratio(&b, &a).unwrap();
        assert!(close(ab.ratio * ba.ratio, 1.0, 1e-12));
        assert!(close(ab.ci_low.unwrap() * ba.ci_high.unwrap(), 1.0, 1e-12));
    }

    #[test]
    fn below_one_needs_an_interval_excluding_one() {
        let r = |lo, hi| Ratio {
            ratio: 1.0,
            ci_low: lo,
            ci_high: hi,
            n: 3,
        };
        assert_eq!(r(Some(0.5), Some(0.9)).below_one(), Some(true));
        assert_eq!(r(Some(1.1), Some(1.9)).below_one(), Some(false));
        assert_eq!(r(Some(0.9), Some(1.1)).below_one(), None);
        assert_eq!(r(None, None).below_one(), None);
    }

    #[test]
    fn gini_known_values() {
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[0, 0, 0]), 0.0);
        assert_eq!(gini(&[5, 5, 5, 5]), 0.0);
        // One of four agents takes every decision: (n - 1) / n.
        assert_eq!(gini(&[0, 0, 9, 0]), 0.75);
        // {1, 2, 3, 4}: Σ|xi - xj| over ordered pairs = 20, 2 n² mean = 2 * 16 * 2.5 = 80.
        assert_eq!(gini(&[4, 1, 3, 2]), 0.25);
    }

    #[test]
    fn nearest_rank_quantiles() {
        // Values: 0, 1, 1, 3 (counts[2] = 0).
        let counts = [1, 2, 0, 1];
        assert_eq!(quantile_from_counts(&counts, 0.0), Some(0.0));
        assert_eq!(quantile_from_counts(&counts, 0.25), Some(0.0));
        assert_eq!(quantile_from_counts(&counts, 0.26), Some(1.0));
        assert_eq!(quantile_from_counts(&counts, 0.5), Some(1.0));
        assert_eq!(quantile_from_counts(&counts, 0.75), Some(1.0));
        assert_eq!(quantile_from_counts(&counts, 0.95), Some(3.0));
        assert_eq!(quantile_from_counts(&counts, 1.0), Some(3.0));
        assert_eq!(quantile_from_counts(&counts, 1.5), None);
        assert_eq!(quantile_from_counts(&[0, 0], 0.5), None);
        // 100 values 1..=100 (as latencies): p95 is the 95th value.
        let mut h = vec![0u64; 101];
        h[1..].iter_mut().for_each(|c| *c = 1);
        assert_eq!(quantile_from_counts(&h, 0.95), Some(95.0));
        assert_eq!(quantile_from_counts(&h, 0.99), Some(99.0));
    }

    #[test]
    fn histogram_mean() {
        assert_eq!(mean_from_counts(&[1, 2, 0, 1]), Some(1.25));
        assert_eq!(mean_from_counts(&[]), None);
        assert_eq!(mean_from_counts(&[0, 0]), None);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn gini_is_between_zero_and_its_maximum(counts in prop::collection::vec(0u64..1000, 1..50)) {
                let g = gini(&counts);
                let n = counts.len() as f64;
                prop_assert!(g >= 0.0 && g <= (n - 1.0) / n + 1e-12, "{g}");
            }

            #[test]
            fn gini_is_the_mean_absolute_difference_bit_for_bit(
                counts in prop::collection::vec(prop_oneof![3 => Just(0u64), 1 => 0u64..50], 0..60),
            ) {
                // Σ_i Σ_j |x_i - x_j| / (2 n Σ x), in integers until the one division: with zeros
                // mostly, as in a big org where most agents never decide.
                let total: i128 = counts.iter().map(|&c| c as i128).sum();
                let pairs: i128 = counts
                    .iter()
                    .flat_map(|&a| counts.iter().map(move |&b| (a as i128 - b as i128).abs()))
                    .sum();
                let want = if total == 0 {
                    0.0
                } else {
                    (pairs / 2) as f64 / (counts.len() as f64 * total as f64)
                };
                prop_assert_eq!(gini(&counts).to_bits(), want.to_bits());
            }

            #[test]
            fn quantiles_are_observed_and_monotone(
                counts in prop::collection::vec(0u64..20, 1..30),
                a in 0.0f64..=1.0,
                b in 0.0f64..=1.0,
            ) {
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                match (quantile_from_counts(&counts, lo), quantile_from_counts(&counts, hi)) {
                    (Some(x), Some(y)) => {
                        prop_assert!(x <= y);
                        prop_assert!(counts[x as usize] > 0 && counts[y as usize] > 0);
                    }
                    (None, None) => prop_assert!(counts.iter().all(|&c| c == 0)),
                    other => prop_assert!(false, "{other:?}"),
                }
            }

            #[test]
            fn the_interval_holds_the_mean(values in prop::collection::vec(-1e6f64..1e6, 2..40)) {
                let iv = mean_ci(&values).unwrap();
                prop_assert!(iv.ci_low.unwrap() <= iv.mean && iv.mean <= iv.ci_high.unwrap());
            }
        }
    }
}
