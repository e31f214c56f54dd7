//! Test functions with known sensitivity indices, on inputs in [0, 1)^d.

use std::f64::consts::PI;

/// Ishigami & Homma (1990) with a = 7, b = 0.1, each input mapped onto [−π, π].
pub fn ishigami(u: &[f64]) -> f64 {
    let (a, b) = (7.0, 0.1);
    let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
    x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
}

/// The Ishigami function's analytic (S1, ST) for a = 7, b = 0.1 (e.g. Saltelli et al. 2008,
/// Global Sensitivity Analysis: The Primer, §4.9).
pub fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
    let (a, b) = (7.0f64, 0.1f64);
    let pi4 = PI.powi(4);
    let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = 8.0 * b * b * PI.powi(8) / 225.0;
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

/// Coefficients of Sobol's g-function: from very important (a = 0) to unimportant (a = 99).
pub const G_FUNCTION_A: [f64; 6] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];

/// Sobol's g-function, Π (|4 x_i − 2| + a_i) / (1 + a_i).
pub fn g_function(a: &[f64], x: &[f64]) -> f64 {
    a.iter()
        .zip(x)
        .map(|(a, x)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
        .product()
}

/// The g-function's analytic (S1, ST): with V_i = 1 / (3 (1 + a_i)²) and
/// V = Π (1 + V_i) − 1, S1_i = V_i / V and ST_i = V_i Π_{j≠i} (1 + V_j) / V.
pub fn g_function_indices(a: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let vi: Vec<f64> = a.iter().map(|a| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
    let v = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
    let s1 = vi.iter().map(|v_i| v_i / v).collect();
    let st = (0..a.len())
        .map(|i| {
            let others: f64 = (0..a.len())
                .filter(|&j| j != i)
                .map(|j| 1.0 + vi[j])
                .product();
            vi[i] * others / v
        })
        .collect();
    (s1, st)
}

/// Seed noise for a test: uniform with mean 0 and variance 1, keyed by point and replicate.
pub fn uniform_noise(point: usize, replicate: usize) -> f64 {
    use crate::model::rng::{mix, uniform};
    let u = uniform(mix(point as u64 ^ 0x6e6f_6973_6500_0000) ^ replicate as u64);
    12f64.sqrt() * (u - 0.5)
}

#[test]
fn the_analytic_ishigami_indices_are_the_published_ones() {
    let (s1, st) = ishigami_indices();
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    assert_eq!(s1.map(round), [0.314, 0.442, 0.0]);
    assert_eq!(st.map(round), [0.558, 0.442, 0.244]);
}
