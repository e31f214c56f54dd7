//! First-order and total Sobol indices from a Saltelli design's outputs.
//!
//! With f_A, f_B and f_{A_B^i} the outputs at base row j's points (`sampling::saltelli`), N base
//! rows and V the variance of the outputs over the 2N points of A and B:
//!
//! - first order (Saltelli et al. 2010, "Variance based sensitivity analysis of model output",
//!   Comput. Phys. Commun. 181, table 2 (b)):
//!   S1_i = (1/N) Σ_j f_B(j) · (f_{A_B^i}(j) − f_A(j)) / V
//! - total (Jansen 1999, "Analysis of variance designs for model output", Comput. Phys. Commun.
//!   117; Saltelli et al. 2010 table 2 (f)):
//!   ST_i = (1/2N) Σ_j (f_A(j) − f_{A_B^i}(j))² / V
//!
//! Outputs are centred on their mean over A and B first, which leaves both estimators'
//! expectations unchanged and lowers the variance of the first-order one.
//!
//! With R ≥ 2 replicates per point the indices are computed on each point's replicate mean m,
//! and the seed noise is taken out (law of total variance, Var Y = Var E[Y|x] + E Var[Y|x]):
//! W, the mean over all points of the within-point variance, estimates E Var[Y|x]; the variance
//! of the means over A and B is Var E[Y|x] + W/R, so the parameters' variance is
//! V_p = V − W/R; the Jansen numerator of every parameter carries the noise of two means, W/R,
//! which is subtracted too (the first-order numerator is free of it, the noise being
//! independent between points). The indices are then shares of V_p: the Sobol indices of the
//! mean response E[Y|x]. The seed share W / (W + V_p) is the part of a single run's variance
//! that is seed noise; a parameter's share of a single run's variance is its index times one
//! minus the seed share.
//!
//! Intervals: percentile bootstrap over the N base rows (each resample draws N rows with
//! replacement and keeps their d + 2 points together). A sample whose parameter variance is
//! negligible (a constant output, or one that is noise alone) apportions nothing: its indices
//! are 0.

use super::{Bootstrap, Estimate, Outputs, SensitivityError, negligible};
use crate::sampling::{SaltelliDesign, SaltelliRow};

/// One parameter's Sobol indices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    /// First-order index S1: the share of variance the parameter explains alone.
    pub s1: Estimate,
    /// Total index ST: the share it explains with all its interactions.
    pub st: Estimate,
}

/// Sobol indices of one output (an org, window and metric) over a Saltelli design.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// One entry per parameter, in the design's parameter order.
    pub params: Vec<SobolIndex>,
    /// The variance the indices apportion: of the outputs over A and B, less the seed noise of
    /// the replicate means when there are replicates.
    pub variance: f64,
    /// The share of a single run's variance that is seed noise; `None` with one replicate.
    pub seed_share: Option<Estimate>,
}

/// What one sample of base rows gives.
struct Sample {
    s1: Vec<f64>,
    st: Vec<f64>,
    variance: f64,
    seed_share: Option<f64>,
}

/// Indices from the base rows `rows` (with repetition in a resample).
fn estimate(
    design: &SaltelliDesign,
    means: &[f64],
    noise: Option<(&[f64], usize)>,
    rows: &[usize],
) -> Sample {
    let (d, n) = (design.params(), rows.len() as f64);
    let at = |j: usize, w: SaltelliRow| means[design.index(j, w)];
    let centre = rows
        .iter()
        .map(|&j| at(j, SaltelliRow::A) + at(j, SaltelliRow::B))
        .sum::<f64>()
        / (2.0 * n);
    let variance = rows
        .iter()
        .map(|&j| {
            (at(j, SaltelliRow::A) - centre).powi(2) + (at(j, SaltelliRow::B) - centre).powi(2)
        })
        .sum::<f64>()
        / (2.0 * n);
    // W / R: the seed noise in one replicate mean.
    let (within, mean_noise) = match noise {
        Some((s2, r)) => {
            let block = design.block();
            let w = rows
                .iter()
                .map(|&j| s2[j * block..(j + 1) * block].iter().sum::<f64>())
                .sum::<f64>()
                / (n * block as f64);
            (Some(w), w / r as f64)
        }
        None => (None, 0.0),
    };
    let param_variance = variance - mean_noise;
    let seed_share = within.map(|w| {
        let total = w + param_variance.max(0.0);
        if total > 0.0 { w / total } else { 0.0 }
    });
    let nothing = param_variance <= 0.0 || negligible(param_variance, centre);
    let mut s1 = vec![0.0; d];
    let mut st = vec![0.0; d];
    if !nothing {
        for i in 0..d {
            let (mut first, mut total) = (0.0, 0.0);
            for &j in rows {
                let (a, b) = (
                    at(j, SaltelliRow::A) - centre,
                    at(j, SaltelliRow::B) - centre,
                );
                let ab = at(j, SaltelliRow::Mixed(i)) - centre;
                first += b * (ab - a);
                total += (a - ab) * (a - ab);
            }
            s1[i] = first / n / param_variance;
            st[i] = (total / (2.0 * n) - mean_noise) / param_variance;
        }
    }
    Sample {
        s1,
        st,
        variance: param_variance,
        seed_share,
    }
}

/// Sobol S1 and ST per parameter, with bootstrap intervals, from the outputs at a Saltelli
/// design's points (and the seed share of the variance when there are replicates).
pub fn sobol_indices(
    design: &SaltelliDesign,
    outputs: &Outputs<'_>,
    bootstrap: &Bootstrap,
) -> Result<SobolIndices, SensitivityError> {
    bootstrap.check()?;
    outputs.expect_points(design.points().len())?;
    let (means, noise) = outputs.means_and_noise();
    let noise = noise.as_deref().map(|s2| (s2, outputs.replicates()));
    let n = design.base_rows();
    let all: Vec<usize> = (0..n).collect();
    let full = estimate(design, &means, noise, &all);

    let d = design.params();
    let b_count = bootstrap.resamples;
    let mut s1 = vec![Vec::with_capacity(b_count); d];
    let mut st = vec![Vec::with_capacity(b_count); d];
    let mut seed = Vec::with_capacity(b_count);
    let mut rows = vec![0; n];
    for b in 0..b_count {
        for (k, row) in rows.iter_mut().enumerate() {
            *row = bootstrap.pick(b, k, n);
        }
        let sample = estimate(design, &means, noise, &rows);
        for i in 0..d {
            s1[i].push(sample.s1[i]);
            st[i].push(sample.st[i]);
        }
        seed.extend(sample.seed_share);
    }
    let params = (0..d)
        .map(|i| SobolIndex {
            s1: Estimate::new(full.s1[i], bootstrap.interval(&mut s1[i]), 0.0),
            st: Estimate::new(full.st[i], bootstrap.interval(&mut st[i]), 0.0),
        })
        .collect();
    let seed_share = full
        .seed_share
        .map(|v| Estimate::new(v, bootstrap.interval(&mut seed), 0.0));
    Ok(SobolIndices {
        params,
        variance: full.variance,
        seed_share,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_functions::*;
    use super::*;
    use crate::sampling::saltelli;

    fn run(n: usize, d: usize, f: impl Fn(&[f64]) -> f64) -> (SaltelliDesign, Vec<f64>) {
        let design = saltelli(n, d, 2024).unwrap();
        let y = design.points().rows().map(f).collect();
        (design, y)
    }

    fn check(name: &str, got: &Estimate, analytic: f64) {
        check_within(name, got, analytic, 0.02);
    }

    fn check_within(name: &str, got: &Estimate, analytic: f64, tolerance: f64) {
        assert!(
            (got.value - analytic).abs() < tolerance,
            "{name}: {} vs analytic {analytic}",
            got.value
        );
        assert!(
            got.ci_low <= analytic && analytic <= got.ci_high,
            "{name}: analytic {analytic} outside [{}, {}]",
            got.ci_low,
            got.ci_high
        );
        assert!(
            got.ci_low <= got.value && got.value <= got.ci_high,
            "{name}"
        );
    }

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let (design, y) = run(4096, 3, ishigami);
        let out = Outputs::new(&y, 1).unwrap();
        let got = sobol_indices(&design, &out, &Bootstrap::default()).unwrap();
        let (s1, st) = ishigami_indices();
        for i in 0..3 {
            check(&format!("S1_{}", i + 1), &got.params[i].s1, s1[i]);
            check(&format!("ST_{}", i + 1), &got.params[i].st, st[i]);
        }
        // x3 acts only through its interaction with x1.
        assert!(!got.params[2].s1.detectable);
        assert!(got.params[2].st.detectable && got.params[0].s1.detectable);
        assert!(got.seed_share.is_none());
    }

    #[test]
    fn g_function_indices_match_the_analytic_values() {
        let a = G_FUNCTION_A;
        let (design, y) = run(4096, a.len(), |x| g_function(&a, x));
        let out = Outputs::new(&y, 1).unwrap();
        let got = sobol_indices(&design, &out, &Bootstrap::default()).unwrap();
        let (s1, st) = g_function_indices(&a);
        for i in 0..a.len() {
            check(&format!("S1_{}", i + 1), &got.params[i].s1, s1[i]);
            check(&format!("ST_{}", i + 1), &got.params[i].st, st[i]);
        }
    }

    #[test]
    fn replicates_separate_seed_noise_from_parameter_effects() {
        // y = x1 + 2 x2 + noise: Var E[Y|x] = 1/12 + 4/12, noise variance the same, so the seed
        // share is 1/2, and the mean response has S1 = ST = 1/5 and 4/5.
        let (n, r) = (4096, 4);
        let design = saltelli(n, 2, 7).unwrap();
        let noise_sd = (5.0f64 / 12.0).sqrt();
        let mut y = Vec::with_capacity(design.points().len() * r);
        for (p, x) in design.points().rows().enumerate() {
            for k in 0..r {
                y.push(x[0] + 2.0 * x[1] + noise_sd * uniform_noise(p, k));
            }
        }
        let out = Outputs::new(&y, r).unwrap();
        // Seed noise is not smoothed by the Sobol points, so here the bootstrap interval is an
        // honest 95% interval rather than a conservative one: check against 99% intervals.
        let boot = Bootstrap {
            confidence: 0.99,
            ..Bootstrap::default()
        };
        let got = sobol_indices(&design, &out, &boot).unwrap();
        let share = got.seed_share.unwrap();
        check("seed share", &share, 0.5);
        // The noise of the means makes the total-index estimator noisier than without
        // replicates (its standard error is ~0.02 here).
        for (i, want) in [0.2, 0.8].into_iter().enumerate() {
            check(&format!("S1_{}", i + 1), &got.params[i].s1, want);
            check_within(&format!("ST_{}", i + 1), &got.params[i].st, want, 0.05);
        }
        // Without taking the noise of the means out, ST_1 would be (1/12 + W/R) / (5/12 + W/R)
        // = 1/3: the interval excludes it.
        assert!(
            got.params[0].st.ci_high < 1.0 / 3.0,
            "{:?}",
            got.params[0].st
        );
        assert!((got.variance - 5.0 / 12.0).abs() < 0.02, "{}", got.variance);
    }

    #[test]
    fn noise_alone_and_constant_outputs_show_no_detectable_effect() {
        let (n, r) = (256, 3);
        let design = saltelli(n, 2, 7).unwrap();
        let points = design.points().len();
        let noise: Vec<f64> = (0..points * r)
            .map(|i| uniform_noise(i / r, i % r))
            .collect();
        let got = sobol_indices(
            &design,
            &Outputs::new(&noise, r).unwrap(),
            &Bootstrap::default(),
        )
        .unwrap();
        assert!(
            got.params
                .iter()
                .all(|p| !p.s1.detectable && !p.st.detectable),
            "{got:?}"
        );
        assert!(got.seed_share.unwrap().ci_high > 0.9);
        let flat = vec![3.25; points];
        let got = sobol_indices(
            &design,
            &Outputs::new(&flat, 1).unwrap(),
            &Bootstrap::default(),
        )
        .unwrap();
        for p in &got.params {
            assert_eq!((p.s1.value, p.st.value, p.s1.detectable), (0.0, 0.0, false));
        }
    }

    #[test]
    fn the_bootstrap_seed_gives_identical_bits() {
        let (design, y) = run(512, 3, ishigami);
        let out = Outputs::new(&y, 1).unwrap();
        let boot = Bootstrap {
            resamples: 200,
            ..Bootstrap::default()
        };
        let bits = |s: &SobolIndices| -> Vec<u64> {
            s.params
                .iter()
                .flat_map(|p| [p.s1, p.st])
                .flat_map(|e| [e.value, e.ci_low, e.ci_high])
                .map(f64::to_bits)
                .collect()
        };
        let a = sobol_indices(&design, &out, &boot).unwrap();
        assert_eq!(
            bits(&a),
            bits(&sobol_indices(&design, &out, &boot).unwrap())
        );
        let other = sobol_indices(&design, &out, &Bootstrap { seed: 9, ..boot }).unwrap();
        assert_ne!(bits(&a), bits(&other));
        assert_eq!(a.params[0].s1.value, other.params[0].s1.value);
    }

    #[test]
    fn mismatched_outputs_are_refused() {
        let (design, y) = run(8, 2, |x| x[0]);
        let e = sobol_indices(
            &design,
            &Outputs::new(&y[1..], 1).unwrap(),
            &Bootstrap::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the design has 32 points but outputs were given for 31"
        );
        let bad = Bootstrap {
            resamples: 1,
            ..Bootstrap::default()
        };
        assert!(sobol_indices(&design, &Outputs::new(&y, 1).unwrap(), &bad).is_err());
    }
}
