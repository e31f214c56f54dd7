//! Saltelli sampling for first-order and total Sobol indices (Saltelli et al. 2010).
//!
//! Two independent designs A and B of N points each in [0, 1)^d are the two halves of one
//! 2d-dimensional scrambled Sobol sequence (A takes dimensions 0..d, B takes d..2d). For each
//! parameter i, A_B^i is A with column i taken from B. The model runs on every row of A, B and
//! each A_B^i: N·(d + 2) points.
//!
//! Order of the points: base row j (0 ≤ j < N) owns the block of d + 2 consecutive points
//! `j·(d+2) .. (j+1)·(d+2)`, in the order A_j, A_B^1_j, …, A_B^d_j, B_j (the order SALib uses).
//! Keeping a base row's points together means a prefix of a sweep holds whole rows, and the
//! bootstrap resamples blocks.
//!
//! N must be a power of two: only then are the first N Sobol points balanced (each of the N equal
//! intervals of every dimension holds one point). Other sizes are refused with the two nearest
//! powers of two.

use super::{MAX_SOBOL_DIMENSIONS, MAX_SOBOL_POINTS, Points, SamplingError, sobol_points};

/// Which matrix a point of a Saltelli design comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaltelliRow {
    /// The A design.
    A,
    /// A with parameter `i`'s column taken from B.
    Mixed(usize),
    /// The B design.
    B,
}

/// A Saltelli design: N base rows of d + 2 points each, in the order documented above.
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    base: usize,
    params: usize,
    points: Points,
}

impl SaltelliDesign {
    /// N, the number of base rows (a power of two).
    pub fn base_rows(&self) -> usize {
        self.base
    }

    /// d, the number of parameters.
    pub fn params(&self) -> usize {
        self.params
    }

    /// Points per base row: d + 2.
    pub fn block(&self) -> usize {
        self.params + 2
    }

    /// All N·(d + 2) points, in order.
    pub fn points(&self) -> &Points {
        &self.points
    }

    /// The index, among all points, of base row `j`'s point from `which`.
    pub fn index(&self, j: usize, which: SaltelliRow) -> usize {
        let k = match which {
            SaltelliRow::A => 0,
            SaltelliRow::Mixed(i) => {
                debug_assert!(i < self.params);
                1 + i
            }
            SaltelliRow::B => self.params + 1,
        };
        j * self.block() + k
    }

    /// Which matrix point `index` comes from, and its base row.
    pub fn which(&self, index: usize) -> (usize, SaltelliRow) {
        let (j, k) = (index / self.block(), index % self.block());
        let which = match k {
            0 => SaltelliRow::A,
            k if k == self.params + 1 => SaltelliRow::B,
            k => SaltelliRow::Mixed(k - 1),
        };
        (j, which)
    }
}

/// The Saltelli design for `params` parameters with `n` base rows (a power of two), from `seed`.
pub fn saltelli(n: usize, params: usize, seed: u64) -> Result<SaltelliDesign, SamplingError> {
    if params == 0 {
        return Err(SamplingError::Empty { points: n, dims: 0 });
    }
    if n < 2 {
        return Err(SamplingError::TooFewPoints {
            design: "a Sobol sensitivity design",
            n,
            min: 2,
        });
    }
    if n > MAX_SOBOL_POINTS {
        return Err(SamplingError::TooManyPoints {
            design: "a Sobol sensitivity design",
            n,
            max: MAX_SOBOL_POINTS,
        });
    }
    if !n.is_power_of_two() {
        let above = n.next_power_of_two();
        return Err(SamplingError::NotPowerOfTwo {
            n,
            below: above / 2,
            above,
        });
    }
    if 2 * params > MAX_SOBOL_DIMENSIONS {
        return Err(SamplingError::TooManyDimensions {
            design: "a Sobol sensitivity design",
            dims: params,
            max: MAX_SOBOL_DIMENSIONS / 2,
        });
    }
    let base = sobol_points(n, 2 * params, seed)?;
    let mut values = Vec::with_capacity(n * (params + 2) * params);
    for row in base.rows() {
        let (a, b) = row.split_at(params);
        values.extend_from_slice(a);
        for i in 0..params {
            values.extend_from_slice(&a[..i]);
            values.push(b[i]);
            values.extend_from_slice(&a[i + 1..]);
        }
        values.extend_from_slice(b);
    }
    Ok(SaltelliDesign {
        base: n,
        params,
        points: Points::from_rows(params, values),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_that_are_not_powers_of_two_are_refused_with_the_nearest_powers() {
        let e = saltelli(1000, 3, 1).unwrap_err();
        assert_eq!(
            e,
            SamplingError::NotPowerOfTwo {
                n: 1000,
                below: 512,
                above: 1024
            }
        );
        assert!(e.to_string().contains("got 1000; use 512 or 1024"), "{e}");
        assert!(
            saltelli(3, 3, 1)
                .unwrap_err()
                .to_string()
                .contains("use 2 or 4")
        );
        assert!(
            saltelli(1, 3, 1)
                .unwrap_err()
                .to_string()
                .contains("at least 2")
        );
        assert!(
            saltelli(1 << 17, 3, 1)
                .unwrap_err()
                .to_string()
                .contains("at most 65536")
        );
        let e = saltelli(64, 129, 1).unwrap_err();
        assert!(
            e.to_string().contains("at most 128 swept parameters"),
            "{e}"
        );
        assert!(saltelli(64, 128, 1).is_ok());
    }

    #[test]
    fn mixed_rows_are_a_with_one_column_from_b() {
        let (n, d) = (64, 4);
        let s = saltelli(n, d, 5).unwrap();
        assert_eq!(s.points().len(), n * (d + 2));
        assert_eq!(s.points().dims(), d);
        let p = s.points();
        for j in 0..n {
            let a = p.row(s.index(j, SaltelliRow::A));
            let b = p.row(s.index(j, SaltelliRow::B));
            assert!(
                a.iter().zip(b).all(|(x, y)| x != y),
                "A and B share a coordinate"
            );
            for i in 0..d {
                let ab = p.row(s.index(j, SaltelliRow::Mixed(i)));
                for k in 0..d {
                    assert_eq!(
                        ab[k],
                        if k == i { b[k] } else { a[k] },
                        "row {j}, AB_{i}[{k}]"
                    );
                }
            }
        }
    }

    #[test]
    fn a_and_b_are_the_two_halves_of_one_sobol_sequence() {
        let (n, d) = (32, 3);
        let s = saltelli(n, d, 9).unwrap();
        let sobol = sobol_points(n, 2 * d, 9).unwrap();
        for j in 0..n {
            assert_eq!(
                s.points().row(s.index(j, SaltelliRow::A)),
                &sobol.row(j)[..d]
            );
            assert_eq!(
                s.points().row(s.index(j, SaltelliRow::B)),
                &sobol.row(j)[d..]
            );
        }
    }

    #[test]
    fn index_and_which_agree() {
        let s = saltelli(8, 3, 1).unwrap();
        for idx in 0..s.points().len() {
            let (j, w) = s.which(idx);
            assert_eq!(s.index(j, w), idx);
        }
        assert_eq!(s.which(4), (0, SaltelliRow::B));
        assert_eq!(s.which(5), (1, SaltelliRow::A));
        assert_eq!(s.which(7), (1, SaltelliRow::Mixed(1)));
    }
}
