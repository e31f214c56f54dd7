//! Latin hypercube sampling (McKay, Beckman & Conover 1979).
//!
//! Each dimension is cut into n equal strata and each stratum holds exactly one point: the
//! strata are assigned to points by an independent random permutation per dimension, and the
//! point sits at a random place inside its stratum.

use super::{Points, SamplingError, draw, permutation};

/// The most points a Latin hypercube takes: below this, `(stratum + jitter) / n` stays inside
/// its stratum after rounding.
pub const MAX_LATIN_POINTS: usize = 1 << 20;

const DESIGN: u64 = 1;

/// `n` points in [0, 1)^`dims`, each dimension's n strata `[k/n, (k+1)/n)` hit exactly once.
pub fn latin_hypercube(n: usize, dims: usize, seed: u64) -> Result<Points, SamplingError> {
    if n == 0 || dims == 0 {
        return Err(SamplingError::Empty { points: n, dims });
    }
    if n > MAX_LATIN_POINTS {
        return Err(SamplingError::TooManyPoints {
            design: "latin_hypercube",
            n,
            max: MAX_LATIN_POINTS,
        });
    }
    let strata: Vec<Vec<usize>> = (0..dims)
        .map(|d| permutation(n, seed, DESIGN, d as u64))
        .collect();
    let mut values = Vec::with_capacity(n * dims);
    for i in 0..n {
        for (d, stratum) in strata.iter().enumerate() {
            // 32 bits of jitter, kept half a step away from both stratum edges: exact in
            // `stratum + jitter` for n <= 2^20, so rounding never crosses into the next stratum.
            let bits = draw(seed, DESIGN, (1 << 32) | d as u64, i as u64) >> 32;
            let jitter = (bits as f64 + 0.5) / (1u64 << 32) as f64;
            values.push((stratum[i] as f64 + jitter) / n as f64);
        }
    }
    Ok(Points::from_rows(dims, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each dimension's strata, in point order.
    fn strata(p: &Points, d: usize) -> Vec<usize> {
        let n = p.len() as f64;
        p.rows().map(|r| (r[d] * n).floor() as usize).collect()
    }

    #[test]
    fn every_stratum_of_every_dimension_is_hit_exactly_once() {
        for &(n, dims) in &[(1, 1), (7, 3), (100, 5), (1000, 2)] {
            let p = latin_hypercube(n, dims, 42).unwrap();
            assert_eq!((p.len(), p.dims()), (n, dims));
            for d in 0..dims {
                let mut s = strata(&p, d);
                s.sort_unstable();
                assert_eq!(s, (0..n).collect::<Vec<_>>(), "n {n}, dimension {d}");
            }
            assert!(p.as_slice().iter().all(|v| (0.0..1.0).contains(v)));
        }
    }

    #[test]
    fn dimensions_are_shuffled_independently() {
        let p = latin_hypercube(200, 2, 9).unwrap();
        assert_ne!(strata(&p, 0), strata(&p, 1));
        // Independent permutations: the rank correlation of two dimensions is near zero
        // (its standard deviation is 1/sqrt(n - 1) ~ 0.07).
        let (a, b) = (strata(&p, 0), strata(&p, 1));
        let n = 200.0;
        let d2: f64 = a
            .iter()
            .zip(&b)
            .map(|(&x, &y)| (x as f64 - y as f64).powi(2))
            .sum();
        let rho = 1.0 - 6.0 * d2 / (n * (n * n - 1.0));
        assert!(rho.abs() < 0.25, "rank correlation {rho}");
    }

    #[test]
    fn the_seed_decides_the_points() {
        let a = latin_hypercube(50, 3, 1).unwrap();
        assert_eq!(a, latin_hypercube(50, 3, 1).unwrap());
        assert_ne!(a, latin_hypercube(50, 3, 2).unwrap());
    }

    #[test]
    fn empty_and_oversized_designs_are_refused() {
        assert!(matches!(
            latin_hypercube(0, 2, 1),
            Err(SamplingError::Empty { .. })
        ));
        assert!(matches!(
            latin_hypercube(3, 0, 1),
            Err(SamplingError::Empty { .. })
        ));
        let e = latin_hypercube(MAX_LATIN_POINTS + 1, 1, 1).unwrap_err();
        assert!(e.to_string().contains("at most 1048576 points"), "{e}");
    }
}
