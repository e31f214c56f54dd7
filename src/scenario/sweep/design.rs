//! The points of a sweep: every combination of a grid's values, or the points a sampling design
//! draws from the scenario seed (`docs/sensitivity.md`), numbered in the design's own order.
//!
//! Point `k` of a grid takes the axes' values in row-major order, the last axis varying
//! fastest. Point `k` of a sampling design is row `k` of the design: a Latin hypercube's k-th
//! point, the k-th point of a Saltelli design (blocks of A, A_B^1 … A_B^d, B per base row, as
//! SALib orders them) or of a Morris design (trajectories of d + 1 points). The sensitivity
//! estimators read a sweep's per-point results in exactly this order.
//!
//! A coordinate u in [0, 1] becomes a value by the axis's range (`ParamRange`: linear or
//! logarithmic, whole numbers rounded so each gets its fair share), or, for a list, by picking
//! item `floor(u · n)`: each of the n items gets an equal share, which makes lists the way to
//! sweep a name (`cross_unit`) in any design.

use super::super::types::*;
use super::paths::{PathKind, apply, path_kind};
use crate::sampling::{self, ParamRange, SamplingError};

/// Morris levels per coordinate: the usual choice (`docs/sensitivity.md`).
pub const MORRIS_LEVELS: usize = 4;

/// Why a sweep's points cannot be made, and where the fault is.
#[derive(Debug, Clone, PartialEq)]
pub enum DesignProblem {
    /// `samples` is missing or unusable.
    Samples(String),
    /// Axis `i` cannot be used by the design.
    Axis(usize, String),
}

/// The points of a sweep, ready to be turned into scenarios one at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoints {
    paths: Vec<String>,
    points: Points,
}

#[derive(Debug, Clone, PartialEq)]
enum Points {
    /// One list of values per axis; point k is their k-th combination, last axis fastest.
    Grid(Vec<Vec<SweepValue>>),
    /// The drawn values, point by point, one per axis.
    Drawn(Vec<Vec<SweepValue>>),
}

impl SweepPoints {
    /// The points of `s`'s sweep (one point, the scenario itself, when it has none).
    pub fn new(s: &Scenario) -> Result<SweepPoints, DesignProblem> {
        let sweep = &s.sweep;
        let paths = sweep.axes.iter().map(|a| a.path.clone()).collect();
        let points = match sweep.design {
            Design::Grid => Points::Grid(sweep.axes.iter().map(|a| a.values.clone()).collect()),
            design => Points::Drawn(drawn(s, design)?),
        };
        Ok(SweepPoints { paths, points })
    }

    /// How many points (saturating: a grid too large to count is refused by validation).
    pub fn len(&self) -> usize {
        match &self.points {
            Points::Grid(axes) => axes
                .iter()
                .map(|v| v.len().max(1))
                .fold(1usize, |n, k| n.saturating_mul(k)),
            Points::Drawn(rows) => rows.len(),
        }
    }

    /// Whether there are no points (a sampling design always has some; a grid at least one).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The swept paths, one per axis, in file order.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// The values of point `k`, one per axis.
    pub fn values(&self, k: usize) -> Vec<SweepValue> {
        match &self.points {
            Points::Grid(axes) => {
                let mut rest = k;
                let mut out = Vec::with_capacity(axes.len());
                for values in axes.iter().rev() {
                    let n = values.len().max(1);
                    if let Some(v) = values.get(rest % n) {
                        out.push(v.clone());
                    }
                    rest /= n;
                }
                out.reverse();
                out
            }
            Points::Drawn(rows) => rows.get(k).cloned().unwrap_or_default(),
        }
    }

    /// The scenario at point `k`: `base` with the point's values set, `work.rate` scaled as
    /// `[sweep] scale_rate_with` asks, and no sweep. Fails when a value does not fit its path
    /// (validation has already refused such scenarios).
    pub fn scenario(&self, base: &Scenario, k: usize) -> Result<Scenario, String> {
        let mut out = base.without_sweep();
        for (path, value) in self.paths.iter().zip(self.values(k)) {
            apply(&mut out, path, &value).map_err(|e| format!("{path}: {e}"))?;
        }
        out.work.rate *= rate_factor(base, &out);
        Ok(out)
    }
}

/// The frontline headcount of the org `scale_rate_with` follows.
fn followed_frontline(base: &Scenario, s: &Scenario) -> Option<u64> {
    let Some(RateScale::Frontline(org)) = &base.sweep.scale_rate_with else {
        return None;
    };
    let name = match org {
        Some(name) => name.clone(),
        None => base.orgs.get(base.reference_org())?.name.clone(),
    };
    let org = s.orgs.iter().find(|o| o.name == name)?;
    org.level_sizes().first().copied()
}

/// What `work.rate` is multiplied by at `point` (a point of `base`'s sweep with its values
/// set): the followed org's frontline at the point over its frontline in the file, so that
/// org's load per frontline agent stays what the file gives. 1 without `scale_rate_with`.
pub fn rate_factor(base: &Scenario, point: &Scenario) -> f64 {
    match (
        followed_frontline(base, base),
        followed_frontline(base, point),
    ) {
        (Some(from), Some(to)) if from > 0 => to as f64 / from as f64,
        _ => 1.0,
    }
}

/// The points a sampling design draws, mapped onto the axes' values.
fn drawn(s: &Scenario, design: Design) -> Result<Vec<Vec<SweepValue>>, DesignProblem> {
    let axes = &s.sweep.axes;
    let samples = s.sweep.samples.ok_or_else(|| {
        DesignProblem::Samples(format!(
            "design `{}` needs `samples`: {}",
            design.name(),
            samples_help(design)
        ))
    })? as usize;
    let maps: Vec<AxisMap> = axes
        .iter()
        .enumerate()
        .map(|(i, a)| axis_map(s, design, a).map_err(|why| DesignProblem::Axis(i, why)))
        .collect::<Result<_, _>>()?;
    let d = maps.len();
    let seed = s.scenario.seed;
    let bad = |e: SamplingError| DesignProblem::Samples(e.to_string());
    let unit = match design {
        Design::LatinHypercube => sampling::latin_hypercube(samples, d, seed).map_err(bad)?,
        Design::Sobol => sampling::saltelli(samples, d, seed)
            .map_err(bad)?
            .points()
            .clone(),
        Design::Morris => sampling::morris(samples, d, MORRIS_LEVELS, seed)
            .map_err(bad)?
            .points()
            .clone(),
        Design::Grid => return Ok(Vec::new()),
    };
    Ok(unit
        .rows()
        .map(|row| row.iter().zip(&maps).map(|(&u, m)| m.value(u)).collect())
        .collect())
}

/// What `samples` means for a design.
pub fn samples_help(design: Design) -> &'static str {
    match design {
        Design::Grid => "a grid takes every combination of its axes' values and no `samples`",
        Design::LatinHypercube => "the number of points, e.g. `samples = 64`",
        Design::Sobol => {
            "the base sample size N, a power of two (N · (axes + 2) points), e.g. `samples = 256`"
        }
        Design::Morris => {
            "the number of trajectories (trajectories · (axes + 1) points), e.g. `samples = 20`"
        }
    }
}

/// How a coordinate becomes an axis's value.
enum AxisMap {
    Range(ParamRange),
    List(Vec<SweepValue>),
}

impl AxisMap {
    fn value(&self, u: f64) -> SweepValue {
        match self {
            AxisMap::Range(r) if r.is_whole() => SweepValue::Int(r.value(u) as i64),
            AxisMap::Range(r) => SweepValue::Float(r.value(u)),
            AxisMap::List(values) => {
                let n = values.len();
                let i = ((u * n as f64) as usize).min(n.saturating_sub(1));
                values[i].clone()
            }
        }
    }
}

fn axis_map(s: &Scenario, design: Design, axis: &SweepAxis) -> Result<AxisMap, String> {
    let Some(range) = axis.range else {
        return Ok(AxisMap::List(axis.values.clone()));
    };
    let kind = path_kind(s, &axis.path).ok_or_else(|| format!("`{}` names nothing", axis.path))?;
    if range.steps.is_some() {
        return Err(format!(
            "`steps` makes grid values; design `{}` draws values from `{{ from, to }}`: remove `steps`",
            design.name()
        ));
    }
    if kind == PathKind::Name {
        return Err(format!(
            "`{}` takes a name: list the names to sweep, e.g. [\"escalate\", \"consult\"]",
            axis.path
        ));
    }
    let r = if range.log {
        ParamRange::log(range.from, range.to)
    } else {
        ParamRange::new(range.from, range.to)
    };
    let r = r.map_err(|e| e.to_string())?;
    let r = if kind == PathKind::Whole {
        r.whole_numbers().map_err(|e| e.to_string())?
    } else {
        r
    };
    Ok(AxisMap::Range(r))
}

/// The values of a grid range: `steps` evenly spaced values (in the logarithm with `log`),
/// ends included; whole numbers for a whole-number path, rounded, each once.
pub fn grid_values(range: &SweepRange, kind: Option<PathKind>) -> Vec<SweepValue> {
    let Some(steps) = range.steps else {
        return Vec::new();
    };
    let (from, to) = (range.from, range.to);
    let at = |i: u64| -> f64 {
        if steps == 1 || i == 0 {
            from
        } else if i == steps - 1 {
            to
        } else {
            let t = i as f64 / (steps - 1) as f64;
            if range.log {
                (from.ln() + t * (to.ln() - from.ln())).exp()
            } else {
                from + (to - from) * t
            }
        }
    };
    let mut out: Vec<SweepValue> = Vec::new();
    for x in (0..steps).map(at) {
        let v = if kind == Some(PathKind::Whole) {
            SweepValue::Int(x.round() as i64)
        } else if x.fract() == 0.0 && x.abs() < 9.0e15 {
            // Whole numbers stay integers, as a list would write them.
            SweepValue::Int(x as i64)
        } else {
            SweepValue::Float(x)
        };
        // The values are monotone, so a repeat (two steps rounding to one whole number) is
        // the last value: checking only it keeps filling a range linear in its steps.
        if out.last() != Some(&v) {
            out.push(v);
        }
    }
    out
}

/// Fills in the values of every grid range of `s`'s sweep, now that each path's kind is known.
pub fn fill_grid_values(s: &mut Scenario) {
    if s.sweep.design != Design::Grid {
        return;
    }
    let kinds: Vec<Option<PathKind>> = s.sweep.axes.iter().map(|a| path_kind(s, &a.path)).collect();
    for (axis, kind) in s.sweep.axes.iter_mut().zip(kinds) {
        if let Some(range) = &axis.range {
            axis.values = grid_values(range, kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        let mut s = Scenario::new(
            "t",
            1000,
            10.0,
            vec![
                OrgSpec::tree("H", 4, 3),
                OrgSpec::teams("T", 4, 4, Network::Ring),
            ],
        );
        s.sweep.axes = vec![
            SweepAxis {
                path: "work.rate".into(),
                values: vec![SweepValue::Int(1), SweepValue::Int(2)],
                range: None,
            },
            SweepAxis {
                path: "quality.rework".into(),
                values: vec![
                    SweepValue::Float(0.1),
                    SweepValue::Float(0.2),
                    SweepValue::Float(0.3),
                ],
                range: None,
            },
        ];
        s
    }

    #[test]
    fn a_grid_is_row_major_in_file_order() {
        let s = base();
        let p = SweepPoints::new(&s).unwrap();
        assert_eq!(p.len(), 6);
        let at = p.scenario(&s, 4).unwrap();
        assert_eq!((at.work.rate, at.quality.rework), (2.0, 0.2));
        assert!(at.sweep.is_empty());
    }

    #[test]
    fn grid_ranges_round_whole_keys_and_space_logs_evenly() {
        let r = SweepRange {
            from: 3.0,
            to: 10.0,
            steps: Some(4),
            log: false,
        };
        let ints = |v: Vec<SweepValue>| -> Vec<i64> {
            v.into_iter()
                .map(|x| match x {
                    SweepValue::Int(i) => i,
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        assert_eq!(ints(grid_values(&r, Some(PathKind::Whole))), [3, 5, 8, 10]);
        let many = SweepRange {
            steps: Some(20),
            ..r
        };
        assert_eq!(
            ints(grid_values(&many, Some(PathKind::Whole))),
            (3..=10).collect::<Vec<_>>()
        );
        let log = SweepRange {
            from: 1.0,
            to: 100.0,
            steps: Some(3),
            log: true,
        };
        let v = grid_values(&log, Some(PathKind::Real));
        assert_eq!(v[0], SweepValue::Int(1));
        assert_eq!(v[2], SweepValue::Int(100));
        match v[1] {
            SweepValue::Float(x) => assert!((x - 10.0).abs() < 1e-12),
            SweepValue::Int(x) => assert_eq!(x, 10),
            _ => panic!(),
        }
    }

    #[test]
    fn scaling_the_rate_follows_the_reference_orgs_frontline() {
        let mut s = base();
        s.sweep.axes = vec![SweepAxis {
            path: "org.H.span".into(),
            values: vec![SweepValue::Int(2), SweepValue::Int(8)],
            range: None,
        }];
        s.sweep.scale_rate_with = Some(RateScale::Frontline(None));
        let p = SweepPoints::new(&s).unwrap();
        // Frontline 16 in the file: 4 at span 2, 64 at span 8.
        assert_eq!(p.scenario(&s, 0).unwrap().work.rate, 10.0 * 4.0 / 16.0);
        assert_eq!(p.scenario(&s, 1).unwrap().work.rate, 10.0 * 64.0 / 16.0);
        s.sweep.scale_rate_with = Some(RateScale::Frontline(Some("T".into())));
        let p = SweepPoints::new(&s).unwrap();
        assert_eq!(p.scenario(&s, 1).unwrap().work.rate, 10.0);
    }

    /// The unit coordinate each drawn value came from, recovered from a linear range.
    fn strata(values: &[f64], from: f64, to: f64, n: usize) -> Vec<usize> {
        let mut s: Vec<usize> = values
            .iter()
            .map(|v| (((v - from) / (to - from)) * n as f64).floor() as usize)
            .collect();
        s.sort_unstable();
        s
    }

    fn reals(p: &SweepPoints, axis: usize) -> Vec<f64> {
        (0..p.len())
            .map(|k| match p.values(k)[axis] {
                SweepValue::Float(x) => x,
                SweepValue::Int(i) => i as f64,
                ref other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_latin_hypercube_puts_one_point_in_every_stratum_of_every_range() {
        let mut s = base();
        s.sweep.design = Design::LatinHypercube;
        s.sweep.samples = Some(40);
        s.sweep.axes = vec![
            SweepAxis {
                path: "work.rate".into(),
                values: vec![],
                range: Some(SweepRange {
                    from: 5.0,
                    to: 25.0,
                    steps: None,
                    log: false,
                }),
            },
            SweepAxis {
                path: "quality.rework".into(),
                values: vec![],
                range: Some(SweepRange {
                    from: 0.0,
                    to: 0.5,
                    steps: None,
                    log: false,
                }),
            },
            SweepAxis {
                path: "org.*.cross_unit".into(),
                values: vec![SweepValue::Text("consult".into())],
                range: None,
            },
        ];
        let p = SweepPoints::new(&s).unwrap();
        assert_eq!(p.len(), 40);
        assert_eq!(
            strata(&reals(&p, 0), 5.0, 25.0, 40),
            (0..40).collect::<Vec<_>>()
        );
        assert_eq!(
            strata(&reals(&p, 1), 0.0, 0.5, 40),
            (0..40).collect::<Vec<_>>()
        );
        // A different seed draws different points.
        let mut other = s.clone();
        other.scenario.seed = 2;
        assert_ne!(SweepPoints::new(&other).unwrap(), p);
    }

    #[test]
    fn sobol_points_are_saltelli_blocks_balanced_in_every_range() {
        let mut s = base();
        s.sweep.design = Design::Sobol;
        s.sweep.samples = Some(64);
        let range = |from, to| SweepRange {
            from,
            to,
            steps: None,
            log: false,
        };
        s.sweep.axes = vec![
            SweepAxis {
                path: "work.rate".into(),
                values: vec![],
                range: Some(range(5.0, 25.0)),
            },
            SweepAxis {
                path: "quality.rework".into(),
                values: vec![],
                range: Some(range(0.0, 0.5)),
            },
        ];
        let p = SweepPoints::new(&s).unwrap();
        // N · (d + 2) points, A first in each block of 4 and B last.
        assert_eq!(p.len(), 64 * 4);
        let rate = reals(&p, 0);
        let a: Vec<f64> = (0..64).map(|j| rate[j * 4]).collect();
        let b: Vec<f64> = (0..64).map(|j| rate[j * 4 + 3]).collect();
        // The first 2^k scrambled Sobol points fill each of 2^k equal intervals once.
        assert_eq!(strata(&a, 5.0, 25.0, 64), (0..64).collect::<Vec<_>>());
        assert_eq!(strata(&b, 5.0, 25.0, 64), (0..64).collect::<Vec<_>>());
        // A_B^1 takes rate from B and rework from A.
        let rework = reals(&p, 1);
        for j in 0..64 {
            assert_eq!(rate[j * 4 + 1], rate[j * 4 + 3]);
            assert_eq!(rework[j * 4 + 1], rework[j * 4]);
        }
        s.sweep.samples = Some(100);
        let e = SweepPoints::new(&s).unwrap_err();
        assert!(
            matches!(&e, DesignProblem::Samples(m) if m.contains("use 64 or 128")),
            "{e:?}"
        );
    }

    #[test]
    fn a_design_refuses_grid_steps_and_ranges_of_names() {
        let mut s = base();
        s.sweep.design = Design::LatinHypercube;
        s.sweep.samples = Some(8);
        s.sweep.axes[0].range = Some(SweepRange {
            from: 1.0,
            to: 4.0,
            steps: Some(4),
            log: false,
        });
        assert!(matches!(
            SweepPoints::new(&s),
            Err(DesignProblem::Axis(0, m)) if m.contains("remove `steps`")
        ));
        s.sweep.samples = None;
        assert!(matches!(
            SweepPoints::new(&s),
            Err(DesignProblem::Samples(_))
        ));
    }
}
