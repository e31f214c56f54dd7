//! What `orgsim check` prints: each org's shape and an estimate of where its load falls, and
//! the shock timeline.
//!
//! The load estimate applies the engine's own decision rule (`model::rules::decide_or_refer`,
//! `docs/model.md` "Deciding or referring"): a decision of complexity `c` climbs from the
//! frontline to the first level whose authority ≥ c and competence + boundary ≥ c (the top
//! takes the rest), costing a referral at every level it passes and its effort where it is
//! decided. Cross-unit decisions count too: in `escalate` mode a decision of reach `r`
//! climbs at least to the lowest level whose blocks of frontline places it fits in (for a
//! uniform locus, a level whose blocks span `B` places holds it with probability
//! `max(0, 1 - r / B)`); in `consult` mode each other unit it touches costs its lead
//! `consult_effort`. It ignores rework, queueing and learning: it is a quick sanity check of
//! capacities, not a result.

use super::types::*;
use super::wording::{self, Voice};
use crate::model::rules::{Choice, decide_or_refer};
use std::fmt::Write;

/// Number of midpoint cells used to integrate over the complexity distribution.
const CELLS: usize = 1000;

/// Points of complexity and their probabilities.
fn complexity_masses(d: &Dist) -> Vec<(f64, f64)> {
    let point = |x: f64| vec![(x.clamp(0.0, 1.0), 1.0)];
    let cdf: Box<dyn Fn(f64) -> f64> = match *d {
        Dist::Fixed(x) => return point(x),
        Dist::Uniform([a, b]) if b > a => Box::new(move |x| ((x - a) / (b - a)).clamp(0.0, 1.0)),
        Dist::Beta([a, b]) if a > 0.0 && b > 0.0 => Box::new(move |x| {
            statrs::function::beta::checked_beta_reg(a, b, x.clamp(0.0, 1.0)).unwrap_or(0.0)
        }),
        // Other shapes are refused for complexity by validation; use the mean as a guard.
        _ => return point(d.mean()),
    };
    (0..CELLS)
        .map(|i| {
            let lo = i as f64 / CELLS as f64;
            let hi = (i + 1) as f64 / CELLS as f64;
            ((lo + hi) / 2.0, (cdf(hi) - cdf(lo)).max(0.0))
        })
        .collect()
}

/// Points of reach (the width of world a cross-unit decision affects) and their probabilities:
/// the distribution's mass on each cell of [0, 1], and the mass above 1 at 1 (reach is clipped
/// there). The cells are at most 1/200 wide and, from 10^-12 up, at most 7% of their own
/// position wide, so a reach of a millionth of the world (a unit of a 10^7-agent tree) is
/// placed within a few percent, not at the middle of the first 1/200. Computed from
/// closed-form or series CDFs, never from an iterative quantile, so extreme but valid
/// parameters cannot hang or panic the estimate.
fn reach_masses(d: &Dist) -> Vec<(f64, f64)> {
    use statrs::distribution::{ContinuousCDF, Gamma, LogNormal};
    const N: usize = 200;
    // Cells from 10^-12 to 1 whose ends differ by a factor 10^(12/400), about 1.07.
    const GEOMETRIC: usize = 400;
    let cdf: Box<dyn Fn(f64) -> f64> = match *d {
        Dist::Fixed(x) => return vec![(x.clamp(0.0, 1.0), 1.0)],
        Dist::Uniform([a, b]) if b > a => Box::new(move |x| ((x - a) / (b - a)).clamp(0.0, 1.0)),
        Dist::Exponential(m) if m > 0.0 => Box::new(move |x| 1.0 - (-x / m).exp()),
        Dist::Beta([a, b]) if a > 0.0 && b > 0.0 => Box::new(move |x| {
            statrs::function::beta::checked_beta_reg(a, b, x.clamp(0.0, 1.0)).unwrap_or(0.0)
        }),
        Dist::Gamma([k, scale]) => match Gamma::new(k, 1.0 / scale) {
            Ok(dist) => Box::new(move |x| dist.cdf(x)),
            Err(_) => return vec![(d.mean().clamp(0.0, 1.0), 1.0)],
        },
        Dist::Lognormal([mu, sigma]) => match LogNormal::new(mu, sigma) {
            Ok(dist) => Box::new(move |x| dist.cdf(x)),
            Err(_) => return vec![(d.mean().clamp(0.0, 1.0), 1.0)],
        },
        _ => return vec![(d.mean().clamp(0.0, 1.0), 1.0)],
    };
    let at = |x: f64| {
        let p = cdf(x);
        if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let mut edges: Vec<f64> = (0..=N).map(|i| i as f64 / N as f64).collect();
    edges.extend((0..GEOMETRIC).map(|k| 10f64.powf(-12.0 * (1.0 - k as f64 / GEOMETRIC as f64))));
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    let mut out: Vec<(f64, f64)> = edges
        .windows(2)
        .map(|e| ((e[0] + e[1]) / 2.0, (at(e[1]) - at(e[0])).max(0.0)))
        .collect();
    out.push((1.0, (1.0 - at(1.0)).max(0.0)));
    out
}

/// Effort per tick arriving at each level of `org` at `rate` decisions per tick.
pub fn level_load(org: &OrgSpec, work: &Work, rate: f64) -> Vec<f64> {
    let levels = org.levels().max(1) as usize;
    let effort = work.effort.mean();
    let mut load = vec![0.0; levels];
    let frontline = org.level_sizes().first().copied().unwrap_or(1).max(1) as f64;
    let reaches = if work.cross_unit > 0.0 {
        reach_masses(&work.reach)
    } else {
        Vec::new()
    };
    // Consults: each other unit a cross-unit decision touches costs that unit's lead.
    let (unit_places, lead_level) = match org.structure {
        Structure::Tree { span, levels } => (
            if levels >= 2 { span as f64 } else { frontline },
            1.min(levels as usize - 1),
        ),
        Structure::Teams { team_size, .. } => (team_size as f64, 0),
    };
    if org.cross_unit == CrossUnitMode::Consult {
        let other_units: f64 = reaches
            .iter()
            .map(|&(r, m)| m * r * frontline / unit_places)
            .sum();
        load[lead_level] += rate * work.cross_unit * other_units * org.consult_effort;
    }
    let Structure::Tree { span, .. } = org.structure else {
        load[0] += rate * effort;
        return load;
    };
    // The lowest level that decides a decision of complexity `c` by the engine's own rule; the
    // reach of cross-unit work is accounted for separately, by `fits`.
    let decider = |c: f64| -> usize {
        (0..levels)
            .position(|l| {
                let at = l as u32;
                let choice = decide_or_refer(
                    c,
                    org.competence.at(at),
                    org.authority.at(at),
                    org.boundary,
                    false,
                    || l + 1 < levels,
                );
                choice == Choice::Decide
            })
            .unwrap_or(levels - 1)
    };
    // P(the lowest level allowed to take it is <= l) for a decision of reach r.
    let fits = |r: f64, l: usize| -> f64 {
        if l + 1 >= levels || r <= 0.0 {
            return 1.0;
        }
        let block = (span as f64).powi(l as i32);
        (1.0 - r * frontline / block).max(0.0)
    };
    let escalate = org.cross_unit == CrossUnitMode::Escalate;
    let mut reach_cases: Vec<(f64, f64)> =
        vec![(0.0, 1.0 - if escalate { work.cross_unit } else { 0.0 })];
    if escalate {
        reach_cases.extend(reaches.iter().map(|&(r, m)| (r, m * work.cross_unit)));
    }
    // Complexity matters only through the level that would decide it: pool the cells by that
    // level first, so the cost is cells + levels × reach cases, not their product.
    let mut by_decider = vec![0.0; levels];
    for (c, mass) in complexity_masses(&work.complexity) {
        by_decider[decider(c)] += mass;
    }
    for (by_complexity, &mass) in by_decider.iter().enumerate() {
        if mass <= 0.0 {
            continue;
        }
        for &(r, reach_mass) in &reach_cases {
            let mut below = 0.0;
            for level in by_complexity..levels {
                // Probability that the decider is exactly this level.
                let p = fits(r, level) - below;
                below = fits(r, level);
                if p <= 0.0 {
                    continue;
                }
                let m = rate * mass * reach_mass * p;
                for slot in load.iter_mut().take(level) {
                    *slot += m * org.referral_effort;
                }
                load[level] += m * effort;
            }
        }
    }
    load
}

/// Utilisation of each level: load over the level's total capacity.
pub fn level_utilisation(org: &OrgSpec, work: &Work, rate: f64) -> Vec<f64> {
    let sizes = org.level_sizes();
    level_load(org, work, rate)
        .iter()
        .enumerate()
        .map(|(l, load)| {
            let capacity = sizes.get(l).copied().unwrap_or(0) as f64 * org.capacity.at(l as u32);
            if capacity > 0.0 {
                load / capacity
            } else {
                f64::INFINITY
            }
        })
        .collect()
}

fn dist(d: &Dist) -> String {
    match *d {
        Dist::Fixed(x) => format!("fixed {x}"),
        Dist::Uniform([a, b]) => format!("uniform [{a}, {b}]"),
        Dist::Beta([a, b]) => format!("beta({a}, {b})"),
        Dist::Gamma([k, t]) => format!("gamma(shape {k}, scale {t})"),
        Dist::Exponential(m) => format!("exponential, mean {m}"),
        Dist::Lognormal([m, s]) => format!("lognormal(mu {m}, sigma {s})"),
    }
}

/// One line per org whose estimated load exceeds a level's capacity in normal times, as
/// `check` warns: `run` prints them before it starts.
pub fn overload_warnings(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for org in &s.orgs {
        let util = level_utilisation(org, &s.work, s.work.rate);
        let levels = util.len();
        let Some((l, u)) = util
            .into_iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
        else {
            continue;
        };
        if u >= 1.0 {
            let which = match org.structure {
                Structure::Teams { .. } => "its members".to_string(),
                _ if levels > 1 && l + 1 == levels => "the top".to_string(),
                _ if levels == 1 => "its single agent".to_string(),
                _ => format!("level {l}"),
            };
            out.push(format!(
                "org `{}`: {which} will be overloaded ({u:.2} of capacity): work arrives faster than it can be decided, and the backlog will grow",
                org.name
            ));
        }
    }
    out
}

/// A human summary of a valid scenario: orgs, estimated load by level, shocks.
pub fn describe(s: &Scenario) -> String {
    let m = &s.scenario;
    let unit = &m.tick_unit;
    let mut out = String::new();
    let _ = writeln!(out, "Scenario \"{}\"", m.name);
    if !m.description.is_empty() {
        let _ = writeln!(out, "  {}", m.description);
    }
    let _ = writeln!(
        out,
        "  {} {} (warm-up {}), {} replications, seed {}",
        m.ticks,
        if m.ticks == 1 {
            unit.clone()
        } else {
            wording::plural(unit)
        },
        m.warmup,
        m.replications,
        m.seed
    );
    let w = &s.work;
    let _ = writeln!(
        out,
        "  work: {} decisions per {unit}; complexity {} (mean {:.2}); effort {} (mean {:.2}); cross-unit share {}",
        w.rate,
        dist(&w.complexity),
        w.complexity.mean(),
        dist(&w.effort),
        w.effort.mean(),
        w.cross_unit
    );
    for (i, org) in s.orgs.iter().enumerate() {
        out.push('\n');
        describe_org(&mut out, org, s, i == s.reference_org() && s.orgs.len() > 1);
    }
    out.push('\n');
    if s.shocks.is_empty() {
        let _ = writeln!(out, "Shocks: none");
    } else {
        let _ = writeln!(out, "Shocks:");
        for sh in &s.shocks {
            let end = sh
                .end()
                .map_or("permanent".to_string(), |e| format!("until {e}"));
            let _ = writeln!(
                out,
                "  {:<20} {:<8} at {:<6} {:<14} {}",
                sh.name,
                sh.kind_name(),
                sh.at,
                end,
                wording::shock(&sh.kind, Voice::Terse)
            );
        }
    }
    if !s.sweep.is_empty() {
        describe_sweep(&mut out, s);
    }
    let _ = writeln!(
        out,
        "\nUtilisation is an estimate at the base rate of {} per {unit}: it counts escalations and consults of cross-unit work but ignores rework, queueing and learning.",
        w.rate
    );
    if let Some(warning) = floor_warning(&s.recovery) {
        let _ = writeln!(out, "\nwarning: {warning}");
    }
    out
}

/// `recovery.floor` is one tolerance in every metric's own units: the default 0.5 decisions or
/// hours is sensible for latency and backlog, but half the whole range of `good_rate`, so a
/// good rate that falls from 0.9 to 0.5 would still count as "back".
fn floor_warning(r: &Recovery) -> Option<String> {
    (r.metrics.contains(&RecoveryMetric::GoodRate) && r.floor >= 0.1).then(|| {
        format!(
            "recovery.floor is {} in each metric's own units, so good_rate counts as recovered whenever it is within {} of its baseline (a share between 0 and 1); for good_rate set a floor such as 0.02, or measure its recovery in a separate run",
            r.floor, r.floor
        )
    })
}

fn describe_org(out: &mut String, org: &OrgSpec, s: &Scenario, reference: bool) {
    let sizes = org.level_sizes();
    let shape = wording::structure(&org.structure, Voice::Terse);
    let tag = if reference {
        " (ratios are taken against this org)"
    } else {
        ""
    };
    let _ = writeln!(out, "Org `{}` ({shape}){tag}", org.name);
    let frontline = sizes.first().copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "  headcount {}, frontline {}, levels {}, cross-unit: {}",
        org.headcount(),
        frontline,
        org.levels(),
        wording::cross_unit(org.cross_unit, Voice::Terse)
    );
    let util = level_utilisation(org, &s.work, s.work.rate);
    let _ = writeln!(
        out,
        "  {:>5} {:>10} {:>14} {:>12}",
        "level", "agents", "capacity/tick", "utilisation"
    );
    for (l, size) in sizes.iter().enumerate() {
        let cap = *size as f64 * org.capacity.at(l as u32);
        let _ = writeln!(
            out,
            "  {:>5} {:>10} {:>14.1} {:>12.2}",
            l,
            size,
            cap,
            util.get(l).copied().unwrap_or(0.0)
        );
    }
    if let Some((l, u)) = util
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))
    {
        let top = l + 1 == sizes.len();
        let which = if sizes.len() == 1 {
            "every member".to_string()
        } else {
            format!("level {l}")
        };
        let _ = writeln!(out, "  most loaded: {which} at {u:.2} of capacity");
        if u >= 1.0 {
            let what = if top && sizes.len() > 1 {
                "the top will be overloaded"
            } else {
                "this level will be overloaded"
            };
            let _ = writeln!(
                out,
                "  warning: {what}: work arrives faster than it can be decided, and the backlog will grow"
            );
        }
    }
    for sh in &s.shocks {
        if let ShockKind::Surge { factor, region } = sh.kind {
            // A regional surge multiplies only its region's share of the work.
            let width = region.map_or(1.0, |[a, b]| (b - a).clamp(0.0, 1.0));
            let rate = s.work.rate * (1.0 + (factor - 1.0) * width);
            let peak = level_utilisation(org, &s.work, rate)
                .into_iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((l, u)) = peak {
                let flag = if u >= 1.0 {
                    ": overloaded while it lasts"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  during `{}` ({rate:.1} per {}): level {l} at {u:.2}{flag}",
                    sh.name, s.scenario.tick_unit
                );
            }
        }
    }
    if matches!(org.structure, Structure::Teams { .. }) {
        let _ = writeln!(
            out,
            "  note: referrals to team leads are not counted in this estimate"
        );
    }
}

fn describe_sweep(out: &mut String, s: &Scenario) {
    let points = super::sweep::point_count(s);
    let runs = points as u128 * s.orgs.len() as u128 * u128::from(s.scenario.replications);
    let _ = writeln!(
        out,
        "\nSweep: {} design, {points} points × {} orgs × {} replicates = {runs} runs",
        s.sweep.design.name(),
        s.orgs.len(),
        s.scenario.replications
    );
    for axis in &s.sweep.axes {
        let shown = |v: &SweepValue| match v {
            SweepValue::Int(i) => i.to_string(),
            SweepValue::Float(x) => x.to_string(),
            SweepValue::Text(t) => format!("\"{t}\""),
        };
        let what = match (&axis.range, axis.values.is_empty()) {
            (Some(r), true) => format!(
                "drawn from {} to {}{}",
                r.from,
                r.to,
                if r.log { " (log scale)" } else { "" }
            ),
            _ if axis.values.len() <= 8 => {
                axis.values.iter().map(shown).collect::<Vec<_>>().join(", ")
            }
            _ => format!(
                "{} values, {} to {}",
                axis.values.len(),
                axis.values.first().map(shown).unwrap_or_default(),
                axis.values.last().map(shown).unwrap_or_default()
            ),
        };
        let _ = writeln!(out, "  {}: {what}", axis.path);
    }
    if let Some(RateScale::Frontline(org)) = &s.sweep.scale_rate_with {
        let name = org
            .clone()
            .or_else(|| s.orgs.get(s.reference_org()).map(|o| o.name.clone()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  work.rate follows the frontline of `{name}`: its load per frontline agent stays {} per {}",
            s.orgs
                .iter()
                .find(|o| o.name == name)
                .and_then(|o| o.level_sizes().first().copied())
                .map_or_else(String::new, |f| format!(
                    "{:.3}",
                    s.work.rate / f.max(1) as f64
                )),
            s.scenario.tick_unit
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(complexity: Dist) -> Work {
        let mut w = Scenario::new("t", 100, 10.0, vec![]).work;
        w.complexity = complexity;
        w
    }

    #[test]
    fn uniform_complexity_splits_by_authority() {
        // Frontline decides c ≤ 0.25 (a quarter), the manager the rest.
        let mut org = OrgSpec::tree("H", 4, 2);
        org.authority = PerLevel::Levels(vec![0.25, 1.0]);
        org.competence = PerLevel::All(1.0);
        let load = level_load(&org, &work(Dist::Uniform([0.0, 1.0])), 10.0);
        assert!((load[0] - (2.5 + 7.5 * 0.1)).abs() < 1e-9, "{load:?}");
        assert!((load[1] - 7.5).abs() < 1e-9, "{load:?}");
        let util = level_utilisation(&org, &work(Dist::Uniform([0.0, 1.0])), 10.0);
        assert!((util[1] - 7.5).abs() < 1e-9);
    }

    #[test]
    fn beta_complexity_uses_the_regularised_incomplete_beta() {
        // beta(2, 5) has P(c ≤ 0.5) = 0.890625.
        let mut org = OrgSpec::tree("H", 2, 2);
        org.authority = PerLevel::Levels(vec![0.5, 1.0]);
        org.competence = PerLevel::All(1.0);
        org.referral_effort = 0.0;
        let load = level_load(&org, &work(Dist::Beta([2.0, 5.0])), 1.0);
        assert!((load[0] - 0.890625).abs() < 1e-3, "{load:?}");
        assert!((load[1] - 0.109375).abs() < 1e-3, "{load:?}");
    }

    #[test]
    fn a_floor_too_wide_for_good_rate_is_warned_about() {
        let mut s = Scenario::new("t", 100, 1.0, vec![OrgSpec::tree("H", 2, 2)]);
        s.recovery.metrics = vec![RecoveryMetric::LatencyMean, RecoveryMetric::GoodRate];
        assert!(describe(&s).contains("warning: recovery.floor is 0.5"));
        s.recovery.floor = 0.02;
        assert!(!describe(&s).contains("warning: recovery.floor"));
        s.recovery.floor = 0.5;
        s.recovery.metrics = vec![RecoveryMetric::LatencyMean];
        assert!(!describe(&s).contains("warning: recovery.floor"));
    }

    #[test]
    fn escalated_cross_unit_work_reaches_the_top() {
        // Every decision is cross-unit with a reach of half the world: in a 2-level tree of span
        // 4 (4 frontline places, blocks of 1), none fits below the top.
        let mut org = OrgSpec::tree("H", 4, 2);
        org.authority = PerLevel::All(1.0);
        org.competence = PerLevel::All(1.0);
        org.referral_effort = 0.0;
        let mut w = work(Dist::Uniform([0.0, 1.0]));
        w.cross_unit = 1.0;
        w.reach = Dist::Fixed(0.5);
        let load = level_load(&org, &w, 10.0);
        assert!(
            load[0].abs() < 1e-9 && (load[1] - 10.0).abs() < 1e-9,
            "{load:?}"
        );
        // A reach of a tenth of a place mostly fits: 90% stay at the frontline.
        w.reach = Dist::Fixed(0.025);
        let load = level_load(&org, &w, 10.0);
        assert!((load[0] - 9.0).abs() < 1e-6, "{load:?}");
    }

    #[test]
    fn a_tiny_reach_in_a_huge_org_touches_a_unit_or_two() {
        // A tree of 10^7 frontline agents in units of 10: a unit is 10^-6 of the world. A reach
        // of mean 10^-6 touches one other unit on average, so consults cost the level-1 leads
        // cross_unit × rate × 1 × consult_effort; escalated, most such decisions fit a unit or
        // its parent's block and stay low.
        let mut org = OrgSpec::tree("H", 10, 8);
        org.competence = PerLevel::All(1.0);
        org.consult_effort = 1.0;
        let mut w = work(Dist::Fixed(0.1));
        w.cross_unit = 0.15;
        w.reach = Dist::Exponential(1e-6);
        let rate = 1e6;
        org.cross_unit = CrossUnitMode::Consult;
        let consults = level_load(&org, &w, rate)[1];
        let expected = rate * 0.15 * (1.0 - (-1e6f64).exp()) * 1e-6 * 1e7 / 10.0;
        assert!(
            (consults / expected - 1.0).abs() < 0.05,
            "{consults} against {expected}"
        );
        // Escalated, a reach r fits the block of 10^l frontline places under a level-l agent
        // with probability (1 - 10^(7-l) r)+. For r exponential of mean 10^-6 that is
        // E[(1 - X/a)+] = 1 - (1 - e^-a)/a with a = 10^(l-1) (X exponential of mean 1): about
        // 0.048 of cross-unit decisions fit at the frontline, 0.368 by level 1 and 0.9 by
        // level 2, and the rest go beyond.
        org.cross_unit = CrossUnitMode::Escalate;
        org.referral_effort = 0.0;
        w.effort = Dist::Fixed(1.0);
        let load = level_load(&org, &w, rate);
        let fits = |a: f64| 1.0 - (1.0 - (-a).exp()) / a;
        let cross = rate * 0.15;
        let shares = [
            (load[0] - rate * 0.85) / cross,
            load[1] / cross,
            load[2] / cross,
            load[3..].iter().sum::<f64>() / cross,
        ];
        let expected = [
            fits(0.1),
            fits(1.0) - fits(0.1),
            fits(10.0) - fits(1.0),
            1.0 - fits(10.0),
        ];
        for (got, want) in shares.iter().zip(expected) {
            assert!((got - want).abs() < 0.01, "{shares:?} against {expected:?}");
        }
    }

    #[test]
    fn consults_load_the_unit_leads() {
        let mut org = OrgSpec::teams("T", 10, 5, Network::Ring);
        org.consult_effort = 0.5;
        let mut w = work(Dist::Uniform([0.0, 1.0]));
        w.cross_unit = 1.0;
        w.reach = Dist::Fixed(0.2);
        // A reach of 0.2 spans 2 teams' worth of places: 2 other units, 0.5 effort each.
        let load = level_load(&org, &w, 10.0);
        assert!(
            (load[0] - (10.0 + 10.0 * 2.0 * 0.5)).abs() < 1e-9,
            "{load:?}"
        );
    }

    #[test]
    fn overloaded_top_is_warned_about() {
        let mut org = OrgSpec::tree("H", 6, 3);
        org.authority = PerLevel::Levels(vec![0.0, 0.0, 1.0]);
        let s = Scenario::new("t", 100, 40.0, vec![org]);
        let text = describe(&s);
        assert!(
            text.contains("warning: the top will be overloaded"),
            "{text}"
        );
        let mut calm = s.clone();
        calm.work.rate = 0.5;
        assert!(!describe(&calm).contains("warning"));
    }

    #[test]
    fn shock_timeline_lists_end_or_permanent() {
        let mut s = Scenario::new(
            "t",
            1000,
            4.0,
            vec![OrgSpec::teams("D", 4, 4, Network::Ring)],
        );
        s.shocks.push(ShockSpec {
            name: "surge@600".into(),
            at: 600,
            duration: Some(100),
            kind: ShockKind::Surge {
                factor: 3.0,
                region: None,
            },
        });
        s.shocks.push(ShockSpec {
            name: "CEO leaves".into(),
            at: 700,
            duration: None,
            kind: ShockKind::Loss {
                target: LossTarget::Top,
                reroute_after: Some(48),
            },
        });
        let text = describe(&s);
        assert!(text.contains("until 700"), "{text}");
        assert!(text.contains("permanent"), "{text}");
        assert!(text.contains("reroute after 48"), "{text}");
        assert!(
            text.contains("headcount 16, frontline 16, levels 1"),
            "{text}"
        );
        // 4 per tick × 3 on 16 members of capacity 1 with effort 1.
        assert!(
            text.contains("during `surge@600` (12.0 per tick): level 0 at 0.75"),
            "{text}"
        );
    }
}
