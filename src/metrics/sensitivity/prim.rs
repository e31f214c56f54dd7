//! PRIM: the simplest boxes of parameter values where an outcome (one design wins) happens.
//!
//! The Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in high-dimensional
//! data", Statistics and Computing 9), as used for scenario discovery (Bryant & Lempert 2010; the
//! EMA Workbench). Each point of a sweep is a case; the cases of interest are those where the
//! outcome happens.
//!
//! - Peeling: starting from the whole sampled space, each step tries, for every parameter, to cut
//!   off the `peel_alpha` share of the box's points with the lowest values, or with the highest
//!   (a tied value is cut whole, so at least one value goes); it keeps the cut whose remaining box
//!   has the highest density, and stops when no cut raises the density or every cut would leave
//!   less than `min_mass` of all points. The boxes along the way are the peeling trajectory, from
//!   high coverage and low density to low coverage and high density.
//! - Choosing: [`Selection::Balanced`] (the default) takes the box with the highest harmonic mean
//!   of coverage and density, the point of the trade-off where neither is given up for a smaller
//!   gain in the other; [`Selection::MinCoverage`] takes the densest box that still covers a
//!   given share of the cases.
//! - Pasting (optional, on by default): the chosen box is then widened, one `paste_alpha` share
//!   of its points at a time (1% by default, finer than the peels, as in the `prim` R package),
//!   on whichever side keeps the density highest, while the density does not fall. This undoes
//!   peels that cut past an edge of the region, which coarse early peels do.
//! - Simplifying: a limit whose removal adds no point to the box is dropped, so only the
//!   parameters that matter are named.
//!
//! A limit sits halfway between the last value cut off and the first value kept, and a box is
//! `lower < x < upper` on each restricted parameter. Coverage = cases in the box / all cases;
//! density = cases in the box / points in the box; mass = points in the box / all points.

use super::SensitivityError;
use crate::sampling::Points;

/// How the box is found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimOptions {
    /// Share of the box's points each peeling step removes (0 < α < 1).
    pub peel_alpha: f64,
    /// Share of the box's points each pasting step adds (finer than peeling).
    pub paste_alpha: f64,
    /// Peeling stops before a box would hold less than this share of all points.
    pub min_mass: f64,
    /// Whether to paste the chosen box.
    pub paste: bool,
    /// Which box of the trajectory to choose.
    pub selection: Selection,
}

impl Default for PrimOptions {
    fn default() -> Self {
        PrimOptions {
            peel_alpha: 0.05,
            paste_alpha: 0.01,
            min_mass: 0.05,
            paste: true,
            selection: Selection::Balanced,
        }
    }
}

/// Which box of the peeling trajectory to choose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Selection {
    /// Highest harmonic mean of coverage and density (earliest box on ties).
    Balanced,
    /// Highest density among boxes covering at least this share of the cases.
    MinCoverage(f64),
}

/// A box's limit on one parameter: `lower < x < upper`, `None` where unbounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// The parameter's index (column of the points).
    pub param: usize,
    /// Lower limit, exclusive.
    pub lower: Option<f64>,
    /// Upper limit, exclusive.
    pub upper: Option<f64>,
}

/// A box of parameter values and how well it captures the cases.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Limits on the restricted parameters only, by parameter index.
    pub limits: Vec<Limit>,
    /// Share of all cases that fall in the box.
    pub coverage: f64,
    /// Share of the box's points that are cases.
    pub density: f64,
    /// Share of all points that fall in the box.
    pub mass: f64,
    /// Points in the box.
    pub points: usize,
    /// Cases in the box.
    pub cases: usize,
}

/// The peeling trajectory and the chosen (pasted, simplified) box.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimResult {
    /// Boxes from the whole space to the last peel.
    pub trajectory: Vec<PrimBox>,
    /// Which trajectory box was chosen.
    pub chosen_step: usize,
    /// The chosen box after pasting and simplifying.
    pub chosen: PrimBox,
}

/// Bounds on every parameter, `lower < x < upper`.
#[derive(Debug, Clone, PartialEq)]
struct Bounds(Vec<(f64, f64)>);

impl Bounds {
    fn contains(&self, x: &[f64]) -> bool {
        self.0.iter().zip(x).all(|(&(lo, hi), &v)| lo < v && v < hi)
    }

    /// Whether `x` is inside on every parameter but `skip`.
    fn contains_except(&self, x: &[f64], skip: usize) -> bool {
        self.0
            .iter()
            .zip(x)
            .enumerate()
            .all(|(k, (&(lo, hi), &v))| k == skip || (lo < v && v < hi))
    }
}

struct Data<'a> {
    points: &'a Points,
    cases: &'a [bool],
    total_cases: usize,
}

impl Data<'_> {
    /// (points, cases) inside `bounds`.
    fn count(&self, bounds: &Bounds) -> (usize, usize) {
        self.points
            .rows()
            .zip(self.cases)
            .filter(|(x, _)| bounds.contains(x))
            .fold((0, 0), |(n, c), (_, &case)| (n + 1, c + case as usize))
    }

    fn describe(&self, bounds: &Bounds) -> PrimBox {
        let (points, cases) = self.count(bounds);
        let limits = bounds
            .0
            .iter()
            .enumerate()
            .filter(|(_, (lo, hi))| lo.is_finite() || hi.is_finite())
            .map(|(param, &(lo, hi))| Limit {
                param,
                lower: lo.is_finite().then_some(lo),
                upper: hi.is_finite().then_some(hi),
            })
            .collect();
        PrimBox {
            limits,
            coverage: cases as f64 / self.total_cases as f64,
            density: if points > 0 {
                cases as f64 / points as f64
            } else {
                0.0
            },
            mass: points as f64 / self.points.len() as f64,
            points,
            cases,
        }
    }

    /// Values of parameter `k` (with each point's case flag) of the points inside `bounds` on
    /// every other parameter, sorted by value.
    fn column(&self, bounds: &Bounds, k: usize, inside_k: bool) -> Vec<(f64, bool)> {
        let (lo, hi) = bounds.0[k];
        let mut col: Vec<(f64, bool)> = self
            .points
            .rows()
            .zip(self.cases)
            .filter(|(x, _)| bounds.contains_except(x, k))
            .filter(|(x, _)| !inside_k || (lo < x[k] && x[k] < hi))
            .map(|(x, &c)| (x[k], c))
            .collect();
        col.sort_by(|a, b| a.0.total_cmp(&b.0));
        col
    }
}

/// A candidate change of one bound, and the box it gives.
struct Move {
    param: usize,
    low_side: bool,
    bound: f64,
    points: usize,
    cases: usize,
}

impl Move {
    fn density(&self) -> f64 {
        self.cases as f64 / self.points as f64
    }

    /// Higher density first; then more points; then the earlier parameter, low side first.
    fn better_than(&self, other: &Move) -> bool {
        let (a, b) = (self.density(), other.density());
        if a != b {
            return a > b;
        }
        if self.points != other.points {
            return self.points > other.points;
        }
        (self.param, !self.low_side) < (other.param, !other.low_side)
    }
}

fn midpoint(a: f64, b: f64) -> f64 {
    a + (b - a) / 2.0
}

/// The peels of parameter `k`: cutting the `alpha` share of the lowest values, and of the
/// highest (whole tied values; none if that would empty the box).
fn peels(col: &[(f64, bool)], k: usize, alpha: f64) -> Vec<Move> {
    let n = col.len();
    let (total_cases, mut moves) = (col.iter().filter(|c| c.1).count(), Vec::new());
    if n < 2 || col[0].0 == col[n - 1].0 {
        return moves;
    }
    let m = ((alpha * n as f64).floor() as usize).clamp(1, n - 1);
    // Low side: cut everything below the m-th value, or the whole lowest value if that is it.
    let mut cut = m;
    while cut > 0 && col[cut - 1].0 == col[cut].0 {
        cut -= 1;
    }
    if cut == 0 {
        cut = col.iter().position(|c| c.0 != col[0].0).unwrap_or(n);
    }
    let removed = col[..cut].iter().filter(|c| c.1).count();
    moves.push(Move {
        param: k,
        low_side: true,
        bound: midpoint(col[cut - 1].0, col[cut].0),
        points: n - cut,
        cases: total_cases - removed,
    });
    // High side, mirrored: keep col[..keep].
    let mut keep = n - m;
    while keep < n && col[keep - 1].0 == col[keep].0 {
        keep += 1;
    }
    if keep == n {
        keep = col
            .iter()
            .rposition(|c| c.0 != col[n - 1].0)
            .map_or(0, |p| p + 1);
    }
    let removed = col[keep..].iter().filter(|c| c.1).count();
    moves.push(Move {
        param: k,
        low_side: false,
        bound: midpoint(col[keep - 1].0, col[keep].0),
        points: keep,
        cases: total_cases - removed,
    });
    moves
}

/// The pastes of parameter `k`: widening each finite bound to take in the `alpha` share (of the
/// box's points) of the nearest outside points (whole tied values).
fn pastes(col: &[(f64, bool)], bounds: &Bounds, k: usize, chunk: usize) -> Vec<Move> {
    let (lo, hi) = bounds.0[k];
    let inside: Vec<&(f64, bool)> = col.iter().filter(|c| lo < c.0 && c.0 < hi).collect();
    let (n_in, c_in) = (inside.len(), inside.iter().filter(|c| c.1).count());
    let mut moves = Vec::new();
    for low_side in [true, false] {
        let (limit, far) = if low_side {
            (lo, f64::NEG_INFINITY)
        } else {
            (hi, f64::INFINITY)
        };
        if !limit.is_finite() {
            continue;
        }
        // The points beyond this limit, nearest first.
        let outside: Vec<(f64, bool)> = if low_side {
            col.iter().rev().filter(|c| c.0 <= lo).copied().collect()
        } else {
            col.iter().filter(|c| c.0 >= hi).copied().collect()
        };
        if outside.is_empty() {
            continue;
        }
        // Take the nearest `chunk`, and whole tied values.
        let mut take = chunk.min(outside.len());
        while take < outside.len() && outside[take - 1].0 == outside[take].0 {
            take += 1;
        }
        moves.push(Move {
            param: k,
            low_side,
            bound: outside
                .get(take)
                .map_or(far, |next| midpoint(outside[take - 1].0, next.0)),
            points: n_in + take,
            cases: c_in + outside[..take].iter().filter(|c| c.1).count(),
        });
    }
    moves
}

fn apply(bounds: &mut Bounds, m: &Move) {
    if m.low_side {
        bounds.0[m.param].0 = m.bound;
    } else {
        bounds.0[m.param].1 = m.bound;
    }
}

fn check(points: &Points, cases: &[bool], o: &PrimOptions) -> Result<usize, SensitivityError> {
    let bad = |what: String| Err(SensitivityError::BadPrimOptions(what));
    if points.len() != cases.len() {
        return bad(format!(
            "PRIM needs one outcome per point, got {} points and {} outcomes",
            points.len(),
            cases.len()
        ));
    }
    if let Some(i) = points.as_slice().iter().position(|v| !v.is_finite()) {
        return bad(format!(
            "point {} has a value that is not a finite number",
            i / points.dims()
        ));
    }
    for (name, v) in [
        ("peel_alpha", o.peel_alpha),
        ("paste_alpha", o.paste_alpha),
        ("min_mass", o.min_mass),
    ] {
        if !(v > 0.0 && v < 1.0) {
            return bad(format!(
                "PRIM's {name} must be between 0 and 1 (exclusive), got {v}"
            ));
        }
    }
    if let Selection::MinCoverage(c) = o.selection
        && !(0.0..=1.0).contains(&c)
    {
        return bad(format!(
            "PRIM's minimum coverage must be between 0 and 1, got {c}"
        ));
    }
    match cases.iter().filter(|&&c| c).count() {
        0 => Err(SensitivityError::NoCases),
        n => Ok(n),
    }
}

/// PRIM boxes of the parameter values (`points`, one row per sweep point, in any units) where
/// `cases` (the outcome of interest, e.g. "Teams wins") is true.
pub fn prim(
    points: &Points,
    cases: &[bool],
    options: &PrimOptions,
) -> Result<PrimResult, SensitivityError> {
    let total_cases = check(points, cases, options)?;
    let data = Data {
        points,
        cases,
        total_cases,
    };
    let dims = points.dims();
    let min_points = options.min_mass * points.len() as f64;
    let mut bounds = Bounds(vec![(f64::NEG_INFINITY, f64::INFINITY); dims]);
    let mut trajectory = vec![data.describe(&bounds)];
    let mut steps = vec![bounds.clone()];
    loop {
        let current = trajectory.last().expect("the whole space is the first box");
        let mut best: Option<Move> = None;
        for k in 0..dims {
            let col = data.column(&bounds, k, true);
            for m in peels(&col, k, options.peel_alpha) {
                if (m.points as f64) < min_points {
                    continue;
                }
                if best.as_ref().is_none_or(|b| m.better_than(b)) {
                    best = Some(m);
                }
            }
        }
        match best {
            Some(m) if m.density() > current.density => {
                apply(&mut bounds, &m);
                trajectory.push(data.describe(&bounds));
                steps.push(bounds.clone());
            }
            _ => break,
        }
    }

    let chosen_step = choose(&trajectory, options.selection);
    let mut bounds = steps[chosen_step].clone();
    if options.paste {
        paste(&data, &mut bounds, options.paste_alpha);
    }
    simplify(&data, &mut bounds);
    Ok(PrimResult {
        chosen: data.describe(&bounds),
        trajectory,
        chosen_step,
    })
}

fn choose(trajectory: &[PrimBox], selection: Selection) -> usize {
    let score = |b: &PrimBox| match selection {
        Selection::Balanced if b.coverage + b.density > 0.0 => {
            2.0 * b.coverage * b.density / (b.coverage + b.density)
        }
        Selection::Balanced => 0.0,
        Selection::MinCoverage(c) if b.coverage >= c => b.density,
        Selection::MinCoverage(_) => f64::NEG_INFINITY,
    };
    let mut best = 0;
    for (i, b) in trajectory.iter().enumerate() {
        if score(b) > score(&trajectory[best]) {
            best = i;
        }
    }
    best
}

fn paste(data: &Data<'_>, bounds: &mut Bounds, alpha: f64) {
    loop {
        let (points, cases) = data.count(bounds);
        if points == 0 {
            return;
        }
        let density = cases as f64 / points as f64;
        let chunk = ((alpha * points as f64).floor() as usize).max(1);
        let mut best: Option<Move> = None;
        for k in 0..bounds.0.len() {
            let col = data.column(bounds, k, false);
            for m in pastes(&col, bounds, k, chunk) {
                if best.as_ref().is_none_or(|b| m.better_than(b)) {
                    best = Some(m);
                }
            }
        }
        match best {
            Some(m) if m.density() >= density => apply(bounds, &m),
            _ => return,
        }
    }
}

/// Drops limits whose removal lets no further point into the box.
fn simplify(data: &Data<'_>, bounds: &mut Bounds) {
    let (points, _) = data.count(bounds);
    for k in 0..bounds.0.len() {
        for low_side in [true, false] {
            let kept = bounds.0[k];
            if low_side {
                bounds.0[k].0 = f64::NEG_INFINITY;
            } else {
                bounds.0[k].1 = f64::INFINITY;
            }
            if bounds.0[k] != kept && data.count(bounds).0 != points {
                bounds.0[k] = kept;
            }
        }
    }
}

impl PrimBox {
    /// The box's conditions in words, e.g. "x1 > 0.42 and x3 < 0.35", with `names` indexed by
    /// parameter; "anywhere in the sampled space" when nothing is restricted.
    pub fn conditions(&self, names: &[&str]) -> String {
        if self.limits.is_empty() {
            return "anywhere in the sampled space".to_string();
        }
        let name = |p: usize| names.get(p).copied().unwrap_or("?");
        self.limits
            .iter()
            .map(|l| match (l.lower, l.upper) {
                (Some(lo), Some(hi)) => {
                    format!("{} < {} < {}", number(lo), name(l.param), number(hi))
                }
                (Some(lo), None) => format!("{} > {}", name(l.param), number(lo)),
                (None, Some(hi)) => format!("{} < {}", name(l.param), number(hi)),
                (None, None) => unreachable!("a limit bounds at least one side"),
            })
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// The box as a sentence about an outcome, e.g. with `outcome` = "Teams wins": "x1 > 0.42
    /// (covers 81% of the points where Teams wins; Teams wins in 92% of the points in the
    /// box)".
    pub fn sentence(&self, names: &[&str], outcome: &str) -> String {
        format!(
            "{} (covers {:.0}% of the points where {outcome}; {outcome} in {:.0}% of the points in the box)",
            self.conditions(names),
            100.0 * self.coverage,
            100.0 * self.density
        )
    }
}

/// A limit to three significant figures, without trailing zeros.
fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let decimals = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::{mix, uniform};

    /// A grid of step 0.05 on [0, 1]^3 where the outcome happens in [0.2, 0.6] x [0.5, 1.0]
    /// (any x3), with `noise` of the labels flipped.
    fn grid_case(noise: f64) -> (Points, Vec<bool>) {
        let mut values = Vec::new();
        let mut cases = Vec::new();
        let steps = 21;
        for i in 0..steps {
            for j in 0..steps {
                for k in 0..steps {
                    let x = [i as f64 * 0.05, j as f64 * 0.05, k as f64 * 0.05];
                    let inside = (0.2 - 1e-9..=0.6 + 1e-9).contains(&x[0]) && x[1] >= 0.5 - 1e-9;
                    let flip = uniform(mix(((i * steps + j) * steps + k) as u64)) < noise;
                    values.extend_from_slice(&x);
                    cases.push(inside != flip);
                }
            }
        }
        (Points::new(3, values).unwrap(), cases)
    }

    fn limit(b: &PrimBox, param: usize) -> Option<Limit> {
        b.limits.iter().copied().find(|l| l.param == param)
    }

    #[test]
    fn prim_recovers_a_known_box_within_one_grid_step() {
        let (points, cases) = grid_case(0.03);
        let found = prim(&points, &cases, &PrimOptions::default()).unwrap();
        let b = &found.chosen;
        let x1 = limit(b, 0).expect("x1 is restricted");
        let x2 = limit(b, 1).expect("x2 is restricted");
        let near = |got: Option<f64>, want: f64| got.is_some_and(|g| (g - want).abs() <= 0.05);
        assert!(near(x1.lower, 0.2) && near(x1.upper, 0.6), "{x1:?}");
        assert!(near(x2.lower, 0.5), "{x2:?}");
        assert!(
            x2.upper.is_none(),
            "x2 reaches the top of its range: {x2:?}"
        );
        assert!(limit(b, 2).is_none(), "x3 is irrelevant: {b:?}");
        assert!(b.coverage > 0.85 && b.density > 0.9, "{b:?}");
        // The trajectory runs from the whole space towards denser, smaller boxes.
        assert_eq!(found.trajectory[0].mass, 1.0);
        assert!(
            found
                .trajectory
                .windows(2)
                .all(|w| w[1].density > w[0].density)
        );
        assert!(found.trajectory.windows(2).all(|w| w[1].mass < w[0].mass));
    }

    #[test]
    fn prim_recovers_the_box_from_scattered_points_too() {
        let n = 3000;
        let values: Vec<f64> = (0..3 * n as u64).map(|i| uniform(mix(i ^ 0xabc))).collect();
        let points = Points::new(3, values).unwrap();
        let cases: Vec<bool> = points.rows().map(|x| x[0] > 0.3 && x[2] < 0.7).collect();
        let found = prim(&points, &cases, &PrimOptions::default()).unwrap();
        let b = &found.chosen;
        assert_eq!(b.limits.len(), 2, "{b:?}");
        let (x1, x3) = (limit(b, 0).unwrap(), limit(b, 2).unwrap());
        assert!(
            (x1.lower.unwrap() - 0.3).abs() < 0.02 && x1.upper.is_none(),
            "{x1:?}"
        );
        assert!(
            (x3.upper.unwrap() - 0.7).abs() < 0.02 && x3.lower.is_none(),
            "{x3:?}"
        );
        assert!(b.density > 0.97 && b.coverage > 0.97, "{b:?}");
    }

    #[test]
    fn pasting_widens_a_box_peeled_past_the_edges_of_the_region() {
        let n = 2000;
        let values: Vec<f64> = (0..3 * n as u64)
            .map(|i| uniform(mix(i ^ 0x5a5a)))
            .collect();
        let points = Points::new(3, values).unwrap();
        let cases: Vec<bool> = points
            .rows()
            .map(|x| x[0] > 0.2 && x[1] > 0.2 && x[2] < 0.9)
            .collect();
        let dense = PrimOptions {
            selection: Selection::MinCoverage(0.3),
            paste: false,
            ..PrimOptions::default()
        };
        let peeled = prim(&points, &cases, &dense).unwrap().chosen;
        let pasted = prim(
            &points,
            &cases,
            &PrimOptions {
                paste: true,
                ..dense
            },
        )
        .unwrap()
        .chosen;
        assert_eq!((peeled.density, pasted.density), (1.0, 1.0));
        assert!(
            pasted.coverage > peeled.coverage + 0.05,
            "{peeled:?} {pasted:?}"
        );
        let x3 = limit(&pasted, 2).unwrap().upper.unwrap();
        assert!(
            (x3 - 0.9).abs() < 0.015
                && (limit(&peeled, 2).unwrap().upper.unwrap() - 0.9).abs() > 0.03
        );
    }

    #[test]
    fn a_minimum_coverage_trades_coverage_for_density() {
        let (points, cases) = grid_case(0.03);
        let options = PrimOptions {
            selection: Selection::MinCoverage(0.5),
            paste: false,
            ..PrimOptions::default()
        };
        let narrow = prim(&points, &cases, &options).unwrap();
        let balanced = prim(&points, &cases, &PrimOptions::default()).unwrap();
        assert!(narrow.chosen.coverage >= 0.5);
        assert!(narrow.chosen.density >= balanced.trajectory[balanced.chosen_step].density);
        assert!(narrow.chosen_step >= balanced.chosen_step);
    }

    #[test]
    fn boxes_read_as_sentences() {
        let b = PrimBox {
            limits: vec![
                Limit {
                    param: 0,
                    lower: Some(0.4213),
                    upper: None,
                },
                Limit {
                    param: 2,
                    lower: Some(12.0),
                    upper: Some(35.26),
                },
            ],
            coverage: 0.814,
            density: 0.918,
            mass: 0.2,
            points: 100,
            cases: 92,
        };
        assert_eq!(
            b.sentence(&["x1", "x2", "work.rate"], "Teams wins"),
            "x1 > 0.421 and 12 < work.rate < 35.3 (covers 81% of the points where Teams wins; \
             Teams wins in 92% of the points in the box)"
        );
        let everywhere = PrimBox {
            limits: vec![],
            ..b
        };
        assert_eq!(everywhere.conditions(&[]), "anywhere in the sampled space");
    }

    #[test]
    fn prim_refuses_what_it_cannot_use() {
        let (points, cases) = grid_case(0.0);
        let none = vec![false; cases.len()];
        assert_eq!(
            prim(&points, &none, &PrimOptions::default()),
            Err(SensitivityError::NoCases)
        );
        let e = prim(&points, &cases[1..], &PrimOptions::default()).unwrap_err();
        assert!(e.to_string().contains("one outcome per point"), "{e}");
        let bad = PrimOptions {
            peel_alpha: 0.0,
            ..PrimOptions::default()
        };
        assert!(
            prim(&points, &cases, &bad)
                .unwrap_err()
                .to_string()
                .contains("peel_alpha")
        );
    }

    #[test]
    fn prim_is_deterministic() {
        let (points, cases) = grid_case(0.05);
        let a = prim(&points, &cases, &PrimOptions::default()).unwrap();
        assert_eq!(a, prim(&points, &cases, &PrimOptions::default()).unwrap());
    }
}
