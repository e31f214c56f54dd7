//! Owen-scrambled Sobol points.
//!
//! The points come from `sobol_burley` (Burley 2020, "Practical Hash-based Owen Scrambling",
//! JCGT 9(4); Joe & Kuo direction numbers): a Sobol sequence whose index is shuffled and whose
//! digits are Owen-scrambled, both keyed by a seed. Scrambling keeps the Sobol stratification
//! (the first 2^k points put exactly one point in each of the 2^k equal intervals of every
//! dimension) and makes the estimates unbiased, with the seed giving independent replicates of
//! the design.
//!
//! Limits of the crate, refused with a clear error: at most 2^16 points and 256 dimensions (so a
//! Saltelli design, which takes two dimensions per parameter, sweeps at most 128 parameters).
//! Coordinates have 23 bits (they are `f32` in the crate), plenty for a parameter value.

use super::{Points, SamplingError, draw};

/// The most points a Sobol design takes (the crate's sequence length).
pub const MAX_SOBOL_POINTS: usize = 1 << 16;

/// The most dimensions a Sobol design takes (the crate's direction numbers).
pub const MAX_SOBOL_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

const DESIGN: u64 = 2;

/// The first `n` points of an Owen-scrambled Sobol sequence in [0, 1)^`dims`, scrambled by `seed`.
pub fn sobol_points(n: usize, dims: usize, seed: u64) -> Result<Points, SamplingError> {
    if n == 0 || dims == 0 {
        return Err(SamplingError::Empty { points: n, dims });
    }
    if n > MAX_SOBOL_POINTS {
        return Err(SamplingError::TooManyPoints {
            design: "sobol",
            n,
            max: MAX_SOBOL_POINTS,
        });
    }
    if dims > MAX_SOBOL_DIMENSIONS {
        return Err(SamplingError::TooManyDimensions {
            design: "sobol",
            dims,
            max: MAX_SOBOL_DIMENSIONS,
        });
    }
    let scramble = (draw(seed, DESIGN, 0, 0) >> 32) as u32;
    let mut values = Vec::with_capacity(n * dims);
    for i in 0..n as u32 {
        for d in 0..dims as u32 {
            values.push(f64::from(sobol_burley::sample(i, d, scramble)));
        }
    }
    Ok(Points::from_rows(dims, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dimension_of_the_first_2k_points_fills_every_interval_once() {
        let p = sobol_points(1 << 10, 12, 7).unwrap();
        for k in 0..=10 {
            let m = 1usize << k;
            for d in 0..12 {
                let mut cells: Vec<usize> =
                    (0..m).map(|i| (p.row(i)[d] * m as f64) as usize).collect();
                cells.sort_unstable();
                assert_eq!(
                    cells,
                    (0..m).collect::<Vec<_>>(),
                    "2^{k} points, dimension {d}"
                );
            }
        }
    }

    #[test]
    fn the_first_two_dimensions_form_a_net() {
        // Dimensions 0 and 1 are a (0, 2)-sequence: among the first 2^k points, every box
        // [a/2^i, (a+1)/2^i) x [b/2^j, (b+1)/2^j) with i + j = k holds exactly one point.
        let k = 10;
        let m = 1usize << k;
        let p = sobol_points(m, 2, 3).unwrap();
        for i in 0..=k {
            let j = k - i;
            let mut cells: Vec<usize> = p
                .rows()
                .map(|r| {
                    let a = (r[0] * (1usize << i) as f64) as usize;
                    let b = (r[1] * (1usize << j) as f64) as usize;
                    (a << j) | b
                })
                .collect();
            cells.sort_unstable();
            assert_eq!(cells, (0..m).collect::<Vec<_>>(), "boxes 2^-{i} x 2^-{j}");
        }
    }

    /// Largest gap between the share of points in [0, t1) x [0, t2) and its area, over a grid of
    /// corners: a lower bound on the star discrepancy.
    fn corner_discrepancy(p: &Points) -> f64 {
        let mut worst: f64 = 0.0;
        for a in 1..=64 {
            for b in 1..=64 {
                let (t1, t2) = (a as f64 / 64.0, b as f64 / 64.0);
                let inside = p.rows().filter(|r| r[0] < t1 && r[1] < t2).count();
                worst = worst.max((inside as f64 / p.len() as f64 - t1 * t2).abs());
            }
        }
        worst
    }

    #[test]
    fn sobol_points_are_far_more_even_than_random_points() {
        let n = 1024;
        let sobol = sobol_points(n, 2, 11).unwrap();
        let random: Vec<f64> = (0..2 * n as u64)
            .map(|i| crate::model::rng::uniform(draw(11, 99, i, 0)))
            .collect();
        let random = Points::from_rows(2, random);
        let (ds, dr) = (corner_discrepancy(&sobol), corner_discrepancy(&random));
        // Random points sit near 1/sqrt(n) ~ 0.03; Sobol points near log(n)^2 / n.
        assert!(ds < 0.01 && ds * 3.0 < dr, "sobol {ds}, random {dr}");
    }

    #[test]
    fn the_seed_decides_the_scramble() {
        let a = sobol_points(64, 4, 1).unwrap();
        assert_eq!(a, sobol_points(64, 4, 1).unwrap());
        let b = sobol_points(64, 4, 2).unwrap();
        assert_ne!(a, b);
        assert!(a.as_slice().iter().all(|v| (0.0..1.0).contains(v)));
    }

    #[test]
    fn the_crate_limits_are_refused_not_hit() {
        let e = sobol_points(MAX_SOBOL_POINTS + 1, 2, 1).unwrap_err();
        assert!(e.to_string().contains("at most 65536 points"), "{e}");
        let e = sobol_points(4, MAX_SOBOL_DIMENSIONS + 1, 1).unwrap_err();
        assert!(
            e.to_string().contains("at most 256 swept parameters"),
            "{e}"
        );
        assert!(sobol_points(MAX_SOBOL_POINTS, 1, 1).is_ok());
    }
}
