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
//! and the seed noise is taken out, so that they are the Sobol indices of the mean response
//! E[Y|x]. Each term is corrected by the spread of paired per-replicate differences within its
//! base row, which is unbiased whether the noise at two points is independent or correlated (in
//! an orgsim sweep replicate r runs on the same work stream at every point: common random
//! numbers, so the noise of two points is correlated, and identical where a parameter has no
//! effect on an org):
//!
//! - V_p = V − mean_j s²(y_A − y_B) / 2R, the variance of E[Y|x] (A_j and B_j are independent
//!   points, so their paired difference carries the noise between any two points);
//! - the Jansen term (m_A − m_{A_B^i})² less s²(y_A − y_{A_B^i}) / R, since
//!   E[d̄²] = (E d̄)² + Var d / R for the per-replicate differences d;
//! - the first-order term m_B (m_{A_B^i} − m_A) less cov(y_B, y_{A_B^i} − y_A) / R.
//!
//! With independent noise of variance W these subtract, in expectation, W/R, W/R and 0 (the law
//! of total variance, Var Y = Var E[Y|x] + E Var[Y|x]); a parameter without any effect has
//! identical paired outputs under common random numbers, and gets exactly 0. The indices are
//! shares of V_p. The seed share W / (W + V_p), with W the mean within-point variance, is the
//! part of a single run's variance that is seed noise; a parameter's share of a single run's
//! variance is its index times one minus the seed share.
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

/// The seed noise in one base row's replicate means, from the spread of paired per-replicate
/// differences, so that it is right whether the noise of two points is independent or, as with
/// common random numbers, correlated.
struct RowNoise {
    /// Within-point variance summed over the row's d + 2 points (for W).
    within: f64,
    /// s²(y_A − y_B) / 2R: the noise in the variance over A and B.
    variance: f64,
    /// s²(y_A − y_{A_B^i}) / R per parameter: the noise in (m_A − m_{A_B^i})².
    total: Vec<f64>,
    /// cov(y_B, y_{A_B^i} − y_A) / R per parameter: the noise in m_B (m_{A_B^i} − m_A).
    first: Vec<f64>,
}

/// Sample covariance (R − 1 in the denominator) of two equally long series.
fn covariance(x: &[f64], y: &[f64]) -> f64 {
    let r = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / r, y.iter().sum::<f64>() / r);
    x.iter()
        .zip(y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>()
        / (r - 1.0)
}

fn row_noise(design: &SaltelliDesign, outputs: &Outputs<'_>, j: usize) -> RowNoise {
    let r = outputs.replicates();
    let rf = r as f64;
    let at = |w: SaltelliRow| outputs.point(design.index(j, w));
    let (a, b) = (at(SaltelliRow::A), at(SaltelliRow::B));
    let diff = |x: &[f64], y: &[f64]| -> Vec<f64> { x.iter().zip(y).map(|(p, q)| p - q).collect() };
    let spread = |x: &[f64]| covariance(x, x);
    let base = design.index(j, SaltelliRow::A);
    let within = (base..base + design.block())
        .map(|p| spread(outputs.point(p)))
        .sum();
    let (mut total, mut first) = (Vec::new(), Vec::new());
    for i in 0..design.params() {
        let ab = at(SaltelliRow::Mixed(i));
        total.push(spread(&diff(a, ab)) / rf);
        first.push(covariance(b, &diff(ab, a)) / rf);
    }
    RowNoise {
        within,
        variance: spread(&diff(a, b)) / (2.0 * rf),
        total,
        first,
    }
}

/// Indices from the base rows `rows` (with repetition in a resample).
fn estimate(
    design: &SaltelliDesign,
    means: &[f64],
    noise: Option<&[RowNoise]>,
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
    let mean_of = |f: &dyn Fn(&RowNoise) -> f64| -> f64 {
        noise.map_or(0.0, |rn| rows.iter().map(|&j| f(&rn[j])).sum::<f64>() / n)
    };
    // W, the seed noise of a single run, and the noise the replicate means carry into V.
    let within = noise.map(|_| mean_of(&|r| r.within) / design.block() as f64);
    let param_variance = variance - mean_of(&|r| r.variance);
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
            let first = first / n - mean_of(&|r| r.first[i]);
            let total = total / (2.0 * n) - mean_of(&|r| r.total[i]) / 2.0;
            s1[i] = first / param_variance;
            st[i] = total / param_variance;
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
    let (means, _) = outputs.means_and_noise();
    let n = design.base_rows();
    let noise: Option<Vec<RowNoise>> =
        (outputs.replicates() > 1).then(|| (0..n).map(|j| row_noise(design, outputs, j)).collect());
    let noise = noise.as_deref();
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
    fn with_common_random_numbers_a_parameter_without_effect_gets_exactly_zero() {
        // Replicate k's noise is a function of the parameters that matter and of k alone, as
        // in a sweep, where replicate k runs on one work stream at every point: part of it is
        // shared by every point and grows with x1. x3 has no effect at all.
        let (n, r) = (1024, 3);
        let design = saltelli(n, 3, 7).unwrap();
        let mut y = Vec::with_capacity(design.points().len() * r);
        for x in design.points().rows() {
            let key = ((x[0] * 1e6) as usize) << 20 ^ (x[1] * 1e6) as usize;
            for k in 0..r {
                let common = uniform_noise(0, k) * (1.0 + x[0]);
                y.push(x[0] + 2.0 * x[1] + 0.3 * common + 0.1 * uniform_noise(key, k));
            }
        }
        let got = sobol_indices(
            &design,
            &Outputs::new(&y, r).unwrap(),
            &Bootstrap::default(),
        )
        .unwrap();
        let none = &got.params[2];
        assert_eq!((none.s1.value, none.st.value), (0.0, 0.0), "{none:?}");
        assert!(!none.s1.detectable && !none.st.detectable);
        assert!(got.params[1].st.value > got.params[0].st.value);
        for p in &got.params[..2] {
            assert!(p.st.detectable && p.st.ci_high >= p.s1.ci_low, "{p:?}");
        }
        assert!(got.seed_share.unwrap().value > 0.0);
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
