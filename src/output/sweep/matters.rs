//! Which settings matter and where each design wins, read from a sweep's files: the indices of
//! `sensitivity.csv` in words, and PRIM boxes of where one org does better than another
//! (`docs/sensitivity.md`).
//!
//! Scenario discovery compares the first org that is not the reference with the reference
//! (`compare_to`, else the first org) on the first of `[sweep] metrics`, using each point's
//! paired ratio from `comparisons.csv` (window `all`): a point is a win for the org whose side
//! of 1 the ratio is on (below 1 for a metric where lower is better). Points without a ratio
//! are left out; only numeric parameters can bound a box.

use super::read::{IndexRow, SweepResults};
use super::sensitivity::{SEED_PARAMETER, ratio_subject};
use crate::metrics::WINDOW_ALL;
use crate::metrics::sensitivity::{Limit, PrimBox, PrimOptions, prim};
use crate::metrics::{Better, Metric};
use crate::sampling::Points;
use crate::scenario::Design;

/// One parameter's pair of indices: S1 and ST (sobol), or μ* and σ (morris).
#[derive(Debug, Clone, Copy)]
pub struct ParamIndices<'a> {
    /// The parameter (index into `SweepResults::parameters`).
    pub param: usize,
    /// S1, or μ*.
    pub first: &'a IndexRow,
    /// ST, or σ.
    pub second: &'a IndexRow,
}

/// The names of the two indices a design gives.
pub fn index_names(design: Design) -> (&'static str, &'static str) {
    match design {
        Design::Morris => ("mu_star", "sigma"),
        _ => ("S1", "ST"),
    }
}

/// The indices of `subject` (an org or `A/B`) on `metric` in window `all`, in parameter order.
pub fn indices_of<'a>(sr: &'a SweepResults, subject: &str, metric: &str) -> Vec<ParamIndices<'a>> {
    let (a, b) = index_names(sr.scenario().sweep.design);
    let find = |param: &str, index: &str| {
        sr.indices.iter().find(|r| {
            r.org == subject
                && r.window == WINDOW_ALL
                && r.metric == metric
                && r.parameter == param
                && r.index == index
        })
    };
    sr.parameters
        .iter()
        .enumerate()
        .filter_map(|(param, p)| {
            Some(ParamIndices {
                param,
                first: find(&p.path, a)?,
                second: find(&p.path, b)?,
            })
        })
        .collect()
}

/// The seed rows of `subject` on `metric` in window `all`.
pub fn seed_rows<'a>(sr: &'a SweepResults, subject: &str, metric: &str) -> Vec<&'a IndexRow> {
    sr.indices
        .iter()
        .filter(|r| {
            r.org == subject
                && r.window == WINDOW_ALL
                && r.metric == metric
                && r.parameter == SEED_PARAMETER
        })
        .collect()
}

/// The parameters of `indices` from most to least important: by ST (sobol) or μ* (morris),
/// the detectable ones first.
pub fn ranking(sr: &SweepResults, indices: &[ParamIndices<'_>]) -> Vec<usize> {
    let morris = sr.scenario().sweep.design == Design::Morris;
    fn key<'a>(p: &ParamIndices<'a>, morris: bool) -> &'a IndexRow {
        if morris { p.first } else { p.second }
    }
    let mut order: Vec<&ParamIndices<'_>> = indices.iter().collect();
    order.sort_by(|x, y| {
        let (a, b) = (key(x, morris), key(y, morris));
        b.detectable
            .cmp(&a.detectable)
            .then(b.value.total_cmp(&a.value))
    });
    order.iter().map(|p| p.param).collect()
}

/// The subjects of `sensitivity.csv` in the order the report shows them: the compared pairs'
/// ratios first (they say what decides the comparison), then each org.
pub fn subjects(sr: &SweepResults) -> Vec<String> {
    let names = sr.org_names();
    let reference = sr.scenario().reference_org();
    let mut out: Vec<String> = (0..names.len())
        .filter(|&o| o != reference)
        .map(|o| ratio_subject(&names[o], &names[reference]))
        .collect();
    out.extend(names);
    out
}

/// A subject as the report names it: "Distributed against Hierarchy", or the org.
pub fn subject_words(subject: &str, sr: &SweepResults) -> String {
    let names = sr.org_names();
    for a in &names {
        for b in &names {
            if subject == ratio_subject(a, b) {
                return format!("{a} against {b}");
            }
        }
    }
    subject.to_string()
}

/// A share as a percentage, never below 0 or above 100.
fn pct(v: f64) -> String {
    let v = v.clamp(0.0, 1.0);
    if v > 0.0 && v < 0.005 {
        "under 1%".to_string()
    } else {
        format!("{:.0}%", 100.0 * v)
    }
}

fn num(v: f64) -> String {
    crate::output::charts::style::fmt_num(v)
}

/// What the indices of `subject` on `metric` say, in one sentence; `None` without indices.
pub fn indices_sentence(sr: &SweepResults, subject: &str, metric: &str) -> Option<String> {
    let indices = indices_of(sr, subject, metric);
    if indices.is_empty() {
        return None;
    }
    let morris = sr.scenario().sweep.design == Design::Morris;
    let label = Metric::parse_in(metric, sr.scenario()).map_or(metric.to_string(), |m| m.label());
    let what = if subject.contains('/') {
        format!("{label}, {} (log ratio)", subject_words(subject, sr))
    } else {
        format!("{subject}'s {label}")
    };
    let order = ranking(sr, &indices);
    let by_param = |p: usize| indices.iter().find(|x| x.param == p).expect("ranked");
    let path = |p: usize| sr.parameters[p].path.as_str();
    let mut found = Vec::new();
    let mut small = Vec::new();
    let mut none = Vec::new();
    let top = order
        .first()
        .map_or(0.0, |&p| by_param(p).first.value.max(0.0));
    for &p in &order {
        let ix = by_param(p);
        let shows = if morris {
            ix.first.detectable
        } else {
            ix.second.detectable
        };
        if !shows {
            none.push(path(p).to_string());
            continue;
        }
        // Detail what matters: ST of 5% or more, or μ* a tenth of the largest or more.
        let minor = if morris {
            ix.first.value < 0.1 * top
        } else {
            ix.second.value < 0.05
        };
        if minor {
            small.push(path(p).to_string());
            continue;
        }
        found.push(if morris {
            let sigma = if ix.second.detectable {
                format!("σ {}", num(ix.second.value))
            } else {
                "σ at the noise floor".to_string()
            };
            format!("{} (μ* {}, {sigma})", path(p), num(ix.first.value))
        } else {
            let alone = if ix.first.detectable {
                format!(", {} alone", pct(ix.first.value))
            } else {
                String::new()
            };
            format!(
                "{} ({} with its interactions{alone})",
                path(p),
                pct(ix.second.value)
            )
        });
    }
    let mut text = if found.is_empty() && small.is_empty() {
        format!(
            "{}: no swept setting has a detectable effect",
            capital(&what)
        )
    } else if found.is_empty() {
        format!("{}: every detectable effect is small", capital(&what))
    } else if morris {
        format!(
            "{}: ranked by mean absolute effect μ*, {}",
            capital(&what),
            found.join(", ")
        )
    } else {
        format!(
            "{}: the variance across the sweep comes from {}",
            capital(&what),
            found.join(", ")
        )
    };
    if !small.is_empty() {
        let what = if morris {
            "; smaller but detectable"
        } else {
            "; under 5% each but detectable"
        };
        text.push_str(&format!("{what}: {}", small.join(", ")));
    }
    let any = !found.is_empty() || !small.is_empty();
    if !none.is_empty() && any {
        text.push_str(&format!("; no detectable effect: {}", none.join(", ")));
    }
    let seeds = seed_rows(sr, subject, metric);
    if let Some(share) = seeds.iter().find(|r| r.index == "seed_share") {
        text.push_str(&format!(
            ". Seed noise is {} of a single run's variance",
            pct(share.value)
        ));
    } else if let Some(floor) = seeds.iter().find(|r| r.index == "mu_star") {
        text.push_str(&format!(
            ". Seed noise alone would give μ* {}",
            num(floor.value)
        ));
    }
    text.push('.');
    Some(text)
}

use crate::scenario::wording::capitalise as capital;

/// One side's box: where `org` does better.
#[derive(Debug, Clone)]
pub struct Side {
    /// The org (scenario index).
    pub org: usize,
    /// Points (of those with a ratio) where it does better.
    pub wins: usize,
    /// Its PRIM box; `None` when it never does better.
    pub found: Option<PrimBox>,
}

/// Where each of two orgs does better on one metric.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The metric.
    pub metric: String,
    /// The compared org.
    pub org: usize,
    /// The reference org.
    pub reference: usize,
    /// The numeric parameters (indices into `SweepResults::parameters`), the boxes' columns.
    pub params: Vec<usize>,
    /// The points with a ratio, in point order, and who does better at each (`None`: a tie).
    pub points: Vec<(usize, Option<usize>)>,
    /// The compared org's side, then the reference's.
    pub sides: [Side; 2],
}

/// PRIM boxes of where the compared org and the reference each do better; `None` when the
/// sweep has one org, no numeric parameter, no ratios, or a metric that does not rank.
pub fn discover(sr: &SweepResults) -> Option<Discovery> {
    let s = sr.scenario();
    let metric = s.sweep.metrics.first()?.clone();
    let reference = s.reference_org();
    let org = (0..s.orgs.len()).find(|&o| o != reference)?;
    let better = Metric::parse_in(&metric, s)?.better();
    let params: Vec<usize> = (0..sr.parameters.len())
        .filter(|&p| sr.parameters[p].numeric())
        .collect();
    if params.is_empty() || !matches!(better, Better::Lower | Better::Higher) {
        return None;
    }
    let mut points = Vec::new();
    for c in sr.ratio(&metric).iter().filter(|c| c.org == org) {
        let Some(r) = c.mean else { continue };
        let winner = if r == 1.0 {
            None
        } else if (r < 1.0) == (better == Better::Lower) {
            Some(org)
        } else {
            Some(reference)
        };
        points.push((c.point, winner));
    }
    if points.is_empty() {
        return None;
    }
    let values: Vec<f64> = points
        .iter()
        .flat_map(|&(k, _)| {
            params
                .iter()
                .map(move |&p| sr.parameters[p].number[k].unwrap_or(0.0))
        })
        .collect();
    let grid = Points::new(params.len(), values)?;
    let side = |who: usize| {
        let cases: Vec<bool> = points.iter().map(|&(_, w)| w == Some(who)).collect();
        let wins = cases.iter().filter(|&&c| c).count();
        Side {
            org: who,
            wins,
            found: reported_box(&grid, &cases),
        }
    };
    Some(Discovery {
        sides: [side(org), side(reference)],
        metric,
        org,
        reference,
        params,
        points,
    })
}

/// How much of the balance (harmonic mean of coverage and density) a stated box may give up
/// to name fewer parameters: a limit that trims a few points off the edge of a range is not
/// worth a clause.
const SIMPLER: f64 = 0.02;

/// The box a report states for `cases`: PRIM's balanced box (the highest harmonic mean of
/// coverage and density, pasted), then without the limits it can do without: limits are
/// dropped while the balance stays within [`SIMPLER`] of PRIM's box, so the sentence names
/// only what matters.
fn reported_box(grid: &Points, cases: &[bool]) -> Option<PrimBox> {
    let chosen = prim(grid, cases, &PrimOptions::default()).ok()?.chosen;
    Some(fewer_limits(grid, cases, chosen))
}

/// Coverage, density, mass and counts of the box with `limits`.
fn measure(grid: &Points, cases: &[bool], limits: Vec<Limit>) -> PrimBox {
    let inside = |x: &[f64]| {
        limits.iter().all(|l| {
            let v = x[l.param];
            l.lower.is_none_or(|lo| v > lo) && l.upper.is_none_or(|hi| v < hi)
        })
    };
    let (mut points, mut hits) = (0, 0);
    for (x, &c) in grid.rows().zip(cases) {
        if inside(x) {
            points += 1;
            hits += usize::from(c);
        }
    }
    let total = cases.iter().filter(|&&c| c).count().max(1);
    PrimBox {
        limits,
        coverage: hits as f64 / total as f64,
        density: if points > 0 {
            hits as f64 / points as f64
        } else {
            0.0
        },
        mass: points as f64 / grid.len().max(1) as f64,
        points,
        cases: hits,
    }
}

/// Drops, one at a time, the limit whose removal keeps the balance of coverage and density
/// highest, while that balance stays within [`SIMPLER`] of the box PRIM found.
fn fewer_limits(grid: &Points, cases: &[bool], mut b: PrimBox) -> PrimBox {
    let balance = |b: &PrimBox| {
        let s = b.coverage + b.density;
        if s > 0.0 {
            2.0 * b.coverage * b.density / s
        } else {
            0.0
        }
    };
    let floor = balance(&b) - SIMPLER;
    while !b.limits.is_empty() {
        let best = (0..b.limits.len())
            .map(|k| {
                let mut limits = b.limits.clone();
                limits.remove(k);
                measure(grid, cases, limits)
            })
            .max_by(|x, y| balance(x).total_cmp(&balance(y)));
        match best {
            Some(next) if balance(&next) >= floor => b = next,
            _ => break,
        }
    }
    b
}

impl Discovery {
    /// The parameter names of the boxes' columns.
    pub fn names<'a>(&self, sr: &'a SweepResults) -> Vec<&'a str> {
        self.params
            .iter()
            .map(|&p| sr.parameters[p].path.as_str())
            .collect()
    }

    /// Each side in words: "Distributed has the lower mean latency at 412 of 1280 points,
    /// mostly where work.cross_unit < 0.21 (covers 81% of the points where Distributed does
    /// better; Distributed does better in 92% of the points in the box)."
    pub fn sentences(&self, sr: &SweepResults) -> Vec<String> {
        let names = sr.org_names();
        let s = sr.scenario();
        let m = Metric::parse_in(&self.metric, s);
        let label = m.as_ref().map_or(self.metric.clone(), |m| m.label());
        let word = match m.map(|m| m.better()) {
            Some(Better::Lower) => "lower",
            _ => "higher",
        };
        let columns = self.names(sr);
        let total = self.points.len();
        self.sides
            .iter()
            .map(|side| {
                let who = &names[side.org];
                if side.wins == 0 {
                    return format!("{who} has the {word} {label} at none of the {total} points.");
                }
                if side.wins == total {
                    return format!(
                        "{who} has the {word} {label} at every one of the {total} points: nothing in the swept range turns it around."
                    );
                }
                let head = format!(
                    "{who} has the {word} {label} at {} of {total} points",
                    side.wins
                );
                match &side.found {
                    None => format!("{head}."),
                    Some(b) if b.limits.is_empty() => format!(
                        "{head}, spread over the whole swept space: no box of parameter values sets them apart."
                    ),
                    Some(b) => format!(
                        "{head}, mostly where {}.",
                        b.sentence(&columns, &format!("{who} does better"))
                    ),
                }
            })
            .collect()
    }

    /// The two parameters (indices into `SweepResults::parameters`) the scatter shows: the two
    /// most important for the ratio by the sweep's indices, else those the boxes bound first.
    pub fn axes(&self, sr: &SweepResults) -> Option<(usize, usize)> {
        let names = sr.org_names();
        let subject = ratio_subject(&names[self.org], &names[self.reference]);
        let mut order: Vec<usize> = ranking(sr, &indices_of(sr, &subject, &self.metric))
            .into_iter()
            .filter(|p| self.params.contains(p))
            .collect();
        if order.len() < 2 {
            order.clear();
            for side in &self.sides {
                for l in side.found.iter().flat_map(|b| &b.limits) {
                    let p = self.params[l.param];
                    if !order.contains(&p) {
                        order.push(p);
                    }
                }
            }
            for &p in &self.params {
                if !order.contains(&p) {
                    order.push(p);
                }
            }
        }
        match order[..] {
            [a, b, ..] => Some((a, b)),
            _ => None,
        }
    }
}
