//! Morris (1991) one-at-a-time trajectories for elementary effects.
//!
//! Plain Morris sampling (not Campolongo et al.'s 2007 selection of the most spread-out
//! trajectories; their μ* is what the estimator reports). Each coordinate lives on p levels
//! {0, 1/(p−1), …, 1}, p even, and moves by Δ = p / (2(p−1)), which makes every level equally
//! likely. A trajectory starts at a random grid point from which every coordinate can move by Δ
//! in its randomly chosen direction (up from a level in the lower half, down from the one Δ
//! above it), then moves one coordinate at a time, in a random order, until each has moved once:
//! d + 1 points, r·(d + 1) for r trajectories.
//!
//! Order of the points: trajectory t owns the d + 1 consecutive points `t·(d+1) .. (t+1)·(d+1)`;
//! point `t·(d+1) + k + 1` differs from point `t·(d+1) + k` in coordinate
//! `steps()[t·d + k].param` only, by `steps()[t·d + k].delta` (±Δ).

use super::{Points, SamplingError, below, draw, permutation};

const DESIGN: u64 = 3;

/// One move along a trajectory: which coordinate changed and by how much (±Δ).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisStep {
    /// The parameter that moved.
    pub param: usize,
    /// Its change on the unit scale, +Δ or −Δ.
    pub delta: f64,
}

/// A Morris design: r trajectories of d + 1 points each, in the order documented above.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    trajectories: usize,
    params: usize,
    levels: usize,
    points: Points,
    steps: Vec<MorrisStep>,
}

impl MorrisDesign {
    /// r, the number of trajectories.
    pub fn trajectories(&self) -> usize {
        self.trajectories
    }

    /// d, the number of parameters.
    pub fn params(&self) -> usize {
        self.params
    }

    /// p, the number of levels per coordinate.
    pub fn levels(&self) -> usize {
        self.levels
    }

    /// Δ = p / (2(p − 1)), the size of every move on the unit scale.
    pub fn delta(&self) -> f64 {
        delta(self.levels)
    }

    /// All r·(d + 1) points, in order; coordinates are on the grid {0, 1/(p−1), …, 1}.
    pub fn points(&self) -> &Points {
        &self.points
    }

    /// The r·d moves, trajectory by trajectory.
    pub fn steps(&self) -> &[MorrisStep] {
        &self.steps
    }
}

fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// `trajectories` Morris trajectories for `params` parameters on `levels` levels, from `seed`.
pub fn morris(
    trajectories: usize,
    params: usize,
    levels: usize,
    seed: u64,
) -> Result<MorrisDesign, SamplingError> {
    if trajectories == 0 || params == 0 {
        return Err(SamplingError::Empty {
            points: trajectories,
            dims: params,
        });
    }
    if levels < 2 || !levels.is_multiple_of(2) {
        return Err(SamplingError::BadLevels { levels });
    }
    let (d, jump, top) = (params, levels / 2, (levels - 1) as f64);
    let step = delta(levels);
    let mut values = Vec::with_capacity(trajectories * (d + 1) * d);
    let mut steps = Vec::with_capacity(trajectories * d);
    for t in 0..trajectories as u64 {
        // Level of each coordinate, and whether it moves up.
        let mut level = Vec::with_capacity(d);
        let mut up = Vec::with_capacity(d);
        for i in 0..d as u64 {
            let base = below(draw(seed, DESIGN, t, 2 * i), jump);
            let rising = draw(seed, DESIGN, t, 2 * i + 1) >> 63 == 0;
            level.push(if rising { base } else { base + jump });
            up.push(rising);
        }
        values.extend(level.iter().map(|&l| l as f64 / top));
        for param in permutation(d, seed, DESIGN, (1 << 32) | t) {
            if up[param] {
                level[param] += jump;
            } else {
                level[param] -= jump;
            }
            values.extend(level.iter().map(|&l| l as f64 / top));
            let delta = if up[param] { step } else { -step };
            steps.push(MorrisStep { param, delta });
        }
    }
    Ok(MorrisDesign {
        trajectories,
        params,
        levels,
        points: Points::from_rows(d, values),
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_moves_one_coordinate_by_delta_and_each_coordinate_moves_once() {
        let (r, d, p) = (20, 5, 4);
        let m = morris(r, d, p, 3).unwrap();
        assert_eq!(m.points().len(), r * (d + 1));
        assert_eq!(m.steps().len(), r * d);
        assert_eq!(m.delta(), 4.0 / 6.0);
        for t in 0..r {
            let mut moved = vec![false; d];
            for k in 0..d {
                let (before, after) = (
                    m.points().row(t * (d + 1) + k),
                    m.points().row(t * (d + 1) + k + 1),
                );
                let s = m.steps()[t * d + k];
                assert!(!moved[s.param]);
                moved[s.param] = true;
                for i in 0..d {
                    if i == s.param {
                        assert!((after[i] - before[i] - s.delta).abs() < 1e-12);
                    } else {
                        assert_eq!(after[i], before[i]);
                    }
                }
            }
            assert!(moved.iter().all(|&m| m));
        }
    }

    #[test]
    fn points_are_on_the_grid_and_every_level_is_equally_likely() {
        let (r, d, p) = (400, 3, 6);
        let m = morris(r, d, p, 8).unwrap();
        let mut counts = vec![0usize; p];
        for v in m.points().as_slice() {
            let l = v * (p - 1) as f64;
            assert!((l - l.round()).abs() < 1e-9 && (0.0..=1.0).contains(v));
            counts[l.round() as usize] += 1;
        }
        // 4800 coordinates over 6 levels: ~800 each; a trajectory repeats its values, so allow
        // five times the Poisson spread.
        let n = (r * (d + 1) * d) as f64 / p as f64;
        for c in counts {
            assert!((c as f64 - n).abs() < 5.0 * n.sqrt(), "{c} vs {n}");
        }
    }

    #[test]
    fn the_seed_decides_the_trajectories() {
        let a = morris(10, 4, 4, 1).unwrap();
        assert_eq!(a, morris(10, 4, 4, 1).unwrap());
        assert_ne!(a, morris(10, 4, 4, 2).unwrap());
    }

    #[test]
    fn odd_or_too_few_levels_are_refused() {
        let e = morris(10, 3, 5, 1).unwrap_err();
        assert!(e.to_string().contains("got 5; use 4 or 6"), "{e}");
        assert!(
            morris(10, 3, 1, 1)
                .unwrap_err()
                .to_string()
                .contains("use 2 or 4")
        );
        assert!(morris(0, 3, 4, 1).is_err());
        let two = morris(5, 2, 2, 1).unwrap();
        assert!(
            two.points()
                .as_slice()
                .iter()
                .all(|&v| v == 0.0 || v == 1.0)
        );
    }
}
