//! Morris elementary effects: μ, μ* and σ per parameter from a Morris design's outputs.
//!
//! Each move of a trajectory changes one parameter i by ±Δ on the unit scale and gives one
//! elementary effect EE_i = (y(after) − y(before)) / (±Δ) (Morris 1991, "Factorial sampling plans
//! for preliminary computational experiments", Technometrics 33(2)). Over the r trajectories:
//!
//! - μ_i = mean EE_i (its sign says the direction; effects of both signs cancel in it),
//! - μ*_i = mean |EE_i| (Campolongo, Cariboni & Saltelli 2007, "An effective screening design
//!   for sensitivity analysis of large models", Environ. Model. Softw. 22): the overall
//!   importance, used to rank parameters,
//! - σ_i = standard deviation of EE_i (r − 1 in the denominator): non-linearity or interactions.
//!
//! Effects are per unit of the unit-scaled parameter (a move across the whole range is 1), so
//! μ* is comparable across parameters and is in the output's units. With replicates each
//! point's output is its replicate mean, and the seed noise W (mean within-point variance)
//! gives a noise floor: an effect-free parameter's EE is (e_after − e_before)/Δ with variance
//! 2W/(RΔ²), so its σ is about √(2W/R)/Δ and, for normal noise, its μ* about √(2/π) times
//! that. A measure is `detectable` when its interval lies above the floor (above 0 with one
//! replicate; for μ, when its interval excludes 0). Differences of outputs also carry rounding,
//! so every floor includes 64 ulps of the largest output over Δ: a linear effect's σ is not
//! "detected" from rounding alone.
//!
//! Intervals: percentile bootstrap over the r trajectories.

use super::{Bootstrap, Estimate, Outputs, SensitivityError};
use crate::sampling::MorrisDesign;

/// One parameter's Morris measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    /// Mean elementary effect.
    pub mu: Estimate,
    /// Mean absolute elementary effect: the importance.
    pub mu_star: Estimate,
    /// Standard deviation of the elementary effects: non-linearity or interactions.
    pub sigma: Estimate,
}

/// The μ* and σ that seed noise alone would give a parameter with no effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseFloor {
    /// √(2/π) · √(2W/R) / Δ.
    pub mu_star: f64,
    /// √(2W/R) / Δ.
    pub sigma: f64,
}

/// Morris measures of one output (an org, window and metric) over a Morris design.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    /// One entry per parameter, in the design's parameter order.
    pub params: Vec<MorrisIndex>,
    /// The seed-noise floor; `None` with one replicate.
    pub noise_floor: Option<NoiseFloor>,
}

impl MorrisIndices {
    /// Parameter indices from most to least important by μ* (ties keep the design's order).
    pub fn ranking(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.params.len()).collect();
        order.sort_by(|&a, &b| {
            self.params[b]
                .mu_star
                .value
                .total_cmp(&self.params[a].mu_star.value)
        });
        order
    }
}

/// (μ, μ*, σ) of one parameter's effects over the trajectories `picks`.
fn measures(effects: &[f64], picks: &[usize]) -> (f64, f64, f64) {
    let r = picks.len() as f64;
    let mu = picks.iter().map(|&t| effects[t]).sum::<f64>() / r;
    let mu_star = picks.iter().map(|&t| effects[t].abs()).sum::<f64>() / r;
    let var = picks
        .iter()
        .map(|&t| (effects[t] - mu).powi(2))
        .sum::<f64>()
        / (r - 1.0);
    (mu, mu_star, var.sqrt())
}

/// Morris μ, μ* and σ per parameter, with bootstrap intervals over trajectories, from the
/// outputs at a Morris design's points.
pub fn morris_indices(
    design: &MorrisDesign,
    outputs: &Outputs<'_>,
    bootstrap: &Bootstrap,
) -> Result<MorrisIndices, SensitivityError> {
    bootstrap.check()?;
    outputs.expect_points(design.points().len())?;
    let (r, d) = (design.trajectories(), design.params());
    if r < 2 {
        return Err(SensitivityError::TooFew {
            what: "Morris screening (for σ and intervals) trajectories",
            min: 2,
            got: r,
        });
    }
    let (means, noise) = outputs.means_and_noise();
    // effects[i][t]: parameter i's elementary effect in trajectory t.
    let mut effects = vec![vec![0.0; r]; d];
    for (s, step) in design.steps().iter().enumerate() {
        let (t, k) = (s / d, s % d);
        let before = t * (d + 1) + k;
        effects[step.param][t] = (means[before + 1] - means[before]) / step.delta;
    }
    let noise_floor = noise.map(|s2| {
        let w = s2.iter().sum::<f64>() / s2.len() as f64;
        let sigma = (2.0 * w / outputs.replicates() as f64).sqrt() / design.delta();
        NoiseFloor {
            mu_star: (2.0 / std::f64::consts::PI).sqrt() * sigma,
            sigma,
        }
    });
    // Differences of outputs carry rounding of a few ulps of the largest output: effects below
    // that are no effects.
    let largest = means.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let rounding = 64.0 * f64::EPSILON * largest / design.delta();
    let floor = noise_floor.unwrap_or(NoiseFloor {
        mu_star: 0.0,
        sigma: 0.0,
    });
    // Seed noise has mean zero, so μ needs no noise floor: its interval is enough.
    let (mu_floor, mu_star_floor, sigma_floor) =
        (rounding, rounding + floor.mu_star, rounding + floor.sigma);

    let all: Vec<usize> = (0..r).collect();
    let b_count = bootstrap.resamples;
    let mut resampled = vec![[const { Vec::new() }; 3]; d];
    let mut picks = vec![0; r];
    for b in 0..b_count {
        for (k, pick) in picks.iter_mut().enumerate() {
            *pick = bootstrap.pick(b, k, r);
        }
        for (i, e) in effects.iter().enumerate() {
            let (mu, mu_star, sigma) = measures(e, &picks);
            resampled[i][0].push(mu);
            resampled[i][1].push(mu_star);
            resampled[i][2].push(sigma);
        }
    }
    let params = effects
        .iter()
        .zip(resampled.iter_mut())
        .map(|(e, [mu_b, mu_star_b, sigma_b])| {
            let (mu, mu_star, sigma) = measures(e, &all);
            let mut mu = Estimate::new(mu, bootstrap.interval(mu_b), mu_floor);
            mu.detectable = mu.ci_low > mu_floor || mu.ci_high < -mu_floor;
            MorrisIndex {
                mu,
                mu_star: Estimate::new(mu_star, bootstrap.interval(mu_star_b), mu_star_floor),
                sigma: Estimate::new(sigma, bootstrap.interval(sigma_b), sigma_floor),
            }
        })
        .collect();
    Ok(MorrisIndices {
        params,
        noise_floor,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_functions::*;
    use super::*;
    use crate::sampling::morris;

    #[test]
    fn morris_ranks_the_g_function_parameters_in_their_known_order() {
        let a = G_FUNCTION_A;
        let design = morris(50, a.len(), 4, 11).unwrap();
        let y: Vec<f64> = design.points().rows().map(|x| g_function(&a, x)).collect();
        let got = morris_indices(
            &design,
            &Outputs::new(&y, 1).unwrap(),
            &Bootstrap::default(),
        )
        .unwrap();
        // a = 0, 1, 4.5, 9 are ranked in that order, ahead of the two a = 99.
        assert_eq!(&got.ranking()[..4], &[0, 1, 2, 3]);
        let m: Vec<&Estimate> = got.params.iter().map(|p| &p.mu_star).collect();
        // The intervals separate each of the first four from the next.
        for i in 0..4 {
            assert!(
                m[i].ci_low > m[i + 1].ci_high,
                "{i}: {:?} vs {:?}",
                m[i],
                m[i + 1]
            );
        }
        assert!(
            m.iter()
                .all(|e| e.ci_low <= e.value && e.value <= e.ci_high)
        );
        // The g-function is symmetric about x = ½, so effects of both signs cancel in μ
        // while μ* stays large.
        assert!(got.params[0].mu.value.abs() < 0.5 * got.params[0].mu_star.value);
    }

    #[test]
    fn a_linear_function_gives_its_slopes_with_no_spread() {
        let design = morris(10, 3, 4, 5).unwrap();
        let y: Vec<f64> = design
            .points()
            .rows()
            .map(|x| 3.0 * x[0] - 2.0 * x[1])
            .collect();
        let got = morris_indices(
            &design,
            &Outputs::new(&y, 1).unwrap(),
            &Bootstrap::default(),
        )
        .unwrap();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(got.params[0].mu.value, 3.0) && close(got.params[1].mu.value, -2.0));
        assert!(close(got.params[1].mu_star.value, 2.0) && close(got.params[1].sigma.value, 0.0));
        assert!(got.params[1].mu.detectable && !got.params[1].sigma.detectable);
        assert!(!got.params[2].mu_star.detectable);
    }

    #[test]
    fn seed_noise_sets_a_floor_that_effect_free_parameters_stay_under() {
        let (r, reps) = (60, 4);
        let design = morris(r, 2, 4, 3).unwrap();
        let mut y = Vec::new();
        for (p, x) in design.points().rows().enumerate() {
            for k in 0..reps {
                y.push(5.0 * x[0] + 0.5 * uniform_noise(p, k));
            }
        }
        let got = morris_indices(
            &design,
            &Outputs::new(&y, reps).unwrap(),
            &Bootstrap::default(),
        )
        .unwrap();
        let floor = got.noise_floor.unwrap();
        // Noise of variance 1/4, four replicates, Δ = 2/3: σ floor = √(2 · 0.25 / 4) · 1.5.
        assert!(
            (floor.sigma - (0.125f64).sqrt() * 1.5).abs() < 0.05,
            "{floor:?}"
        );
        assert!(got.params[0].mu_star.detectable);
        assert!(!got.params[1].mu_star.detectable, "{:?}", got.params[1]);
        assert!(got.params[1].mu_star.value > 0.0);
    }

    #[test]
    fn one_trajectory_is_refused() {
        let design = morris(1, 2, 4, 3).unwrap();
        let y = vec![0.0; 3];
        let e = morris_indices(
            &design,
            &Outputs::new(&y, 1).unwrap(),
            &Bootstrap::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("at least 2, got 1"), "{e}");
    }
}
