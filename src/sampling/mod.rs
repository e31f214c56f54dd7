//! Sampling designs on the unit hypercube for sweeps and sensitivity analysis.
//!
//! Every design is a pure function of its sizes and a `u64` seed (the scenario seed in a sweep),
//! so a sweep's points are as reproducible as its runs (`docs/sensitivity.md`). A design returns
//! [`Points`] in [0, 1)^d (Morris levels include 1); [`ParamRange`] maps a coordinate onto a
//! swept parameter's `{ from, to }`, linear or logarithmic, rounded for whole-number keys.
//!
//! - [`latin_hypercube`]: n points, each dimension's n equal strata hit exactly once.
//! - [`sobol_points`]: Owen-scrambled Sobol points (Burley 2020, via `sobol_burley`).
//! - [`saltelli`]: the A, B and A_B^i matrices of Saltelli et al. (2010) for Sobol indices.
//! - [`morris`]: Morris (1991) one-at-a-time trajectories for elementary effects.
//!
//! ```
//! use orgsim::sampling::{ParamRange, latin_hypercube};
//!
//! let points = latin_hypercube(8, 2, 1).expect("a valid design");
//! let rate = ParamRange::new(10.0, 80.0).expect("a valid range");
//! let first = rate.value(points.row(0)[0]);
//! assert!((10.0..80.0).contains(&first));
//! ```

mod latin;
mod morris;
mod range;
mod saltelli;
mod sobol;

pub use latin::{MAX_LATIN_POINTS, latin_hypercube};
pub use morris::{MorrisDesign, MorrisStep, morris};
pub use range::ParamRange;
pub use saltelli::{SaltelliDesign, SaltelliRow, saltelli};
pub use sobol::{MAX_SOBOL_DIMENSIONS, MAX_SOBOL_POINTS, sobol_points};

use crate::model::rng::mix;

/// Points of a design, row by row: point `i` is `row(i)`, with one coordinate per dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    dims: usize,
    values: Vec<f64>,
}

impl Points {
    /// Points from a row-major buffer of `values.len() / dims` rows (for example a design's
    /// points mapped onto parameter values); `None` when `dims` is 0 or does not divide the
    /// buffer.
    pub fn new(dims: usize, values: Vec<f64>) -> Option<Self> {
        (dims > 0 && values.len().is_multiple_of(dims)).then_some(Points { dims, values })
    }

    fn from_rows(dims: usize, values: Vec<f64>) -> Self {
        debug_assert!(dims > 0 && values.len().is_multiple_of(dims));
        Points { dims, values }
    }

    /// How many points.
    pub fn len(&self) -> usize {
        self.values.len() / self.dims
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Coordinates per point.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Point `i`'s coordinates.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.dims..(i + 1) * self.dims]
    }

    /// The points in order.
    pub fn rows(&self) -> std::slice::ChunksExact<'_, f64> {
        self.values.chunks_exact(self.dims)
    }

    /// Every coordinate, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.values
    }
}

/// Why a design cannot be built; each message says what would be valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SamplingError {
    /// No points or no dimensions.
    #[error(
        "a design needs at least one point and one dimension (got {points} points in {dims} dimensions)"
    )]
    Empty { points: usize, dims: usize },
    /// A Saltelli base size that is not a power of two, with the nearest powers.
    #[error(
        "a Sobol sensitivity design needs a base sample size that is a power of two, got {n}; use {}",
        suggest_powers(*below, *above)
    )]
    NotPowerOfTwo {
        n: usize,
        below: usize,
        above: usize,
    },
    /// Fewer points than the design can use.
    #[error("{design} needs at least {min} points, got {n}")]
    TooFewPoints {
        design: &'static str,
        n: usize,
        min: usize,
    },
    /// More points than the design supports.
    #[error("{design} supports at most {max} points, got {n}")]
    TooManyPoints {
        design: &'static str,
        n: usize,
        max: usize,
    },
    /// More dimensions than the design supports.
    #[error("{design} supports at most {max} swept parameters, got {dims}; sweep fewer parameters")]
    TooManyDimensions {
        design: &'static str,
        dims: usize,
        max: usize,
    },
    /// A Morris level count that is odd or below 2.
    #[error("Morris sampling needs an even number of levels of at least 2, got {levels}; use {}", suggest_levels(*levels))]
    BadLevels { levels: usize },
    /// A range whose ends are not finite with `from` < `to`.
    #[error("a swept range needs finite `from` < `to`, got from = {from}, to = {to}")]
    BadRange { from: f64, to: f64 },
    /// A whole-number key whose range has fractional ends.
    #[error(
        "a whole-number key's range needs whole-number ends, got from = {from}, to = {to}; use from = {}, to = {}",
        from.floor(), to.ceil()
    )]
    NotWholeRange { from: f64, to: f64 },
    /// A logarithmic range that does not stay above zero.
    #[error("a logarithmic range needs `from` > 0, got from = {from}")]
    BadLogRange { from: f64 },
}

fn suggest_powers(below: usize, above: usize) -> String {
    if below == above {
        below.to_string()
    } else {
        format!("{below} or {above}")
    }
}

fn suggest_levels(levels: usize) -> String {
    match levels {
        0..=2 => "2 or 4".to_string(),
        _ => format!("{} or {}", levels - 1, levels + 1),
    }
}

/// A 64-bit draw for `(seed, design, a, b)`: designs never share draws with each other or with
/// the model, whose keys use a different prefix (`model::rng::key`).
fn draw(seed: u64, design: u64, a: u64, b: u64) -> u64 {
    let mut h = mix(seed ^ 0x7361_6d70_6c65_0000 ^ design);
    h = mix(h ^ a);
    mix(h ^ b)
}

/// A whole number in `0..n` from a 64-bit draw (multiply-shift; bias below n / 2^64).
fn below(bits: u64, n: usize) -> usize {
    ((bits as u128 * n as u128) >> 64) as usize
}

/// Fisher–Yates shuffle of `0..n`, each swap keyed by `(seed, design, stream, position)`.
fn permutation(n: usize, seed: u64, design: u64, stream: u64) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = below(draw(seed, design, stream, i as u64), i + 1);
        p.swap(i, j);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_are_permutations_and_depend_on_the_seed() {
        let mut p = permutation(100, 3, 1, 0);
        assert_ne!(p, permutation(100, 4, 1, 0));
        assert_eq!(p, permutation(100, 3, 1, 0));
        p.sort_unstable();
        assert_eq!(p, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn below_stays_in_range() {
        for k in 0..1000u64 {
            let v = below(mix(k), 7);
            assert!(v < 7);
        }
        assert_eq!(below(u64::MAX, 7), 6);
        assert_eq!(below(0, 7), 0);
    }
}
