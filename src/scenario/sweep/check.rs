//! Refusing, before any run, a sweep that could not finish: a path that names nothing, a value
//! or range end that would make a point invalid, a design that cannot be drawn, metrics the
//! catalogue does not know, and combinations of values too large for memory. Every error points
//! at the value at fault.

use super::super::check::{Problem, check};
use super::super::diagnostic::Pending;
use super::super::memory::{SERIES_BYTES, estimate_bytes};
use super::super::read::Spans;
use super::super::schema;
use super::super::types::*;
use super::design::{DesignProblem, SweepPoints, samples_help};
use super::paths::{PathKind, apply, path_kind, sweepable};
use crate::metrics::Metric;
use std::collections::BTreeSet;

/// Bytes a sweep keeps per point besides its runs: the point's place in the journal's index.
const POINT_BYTES: f64 = 64.0;
/// Bytes per point, org and charted metric: the mean, interval and ratio the charts draw.
const CHARTED_BYTES: f64 = 96.0;

/// Whether `a` is `b` or lies inside it (`sweep[0].values[1]` inside `sweep[0]`).
fn inside(a: &str, b: &str) -> bool {
    a.strip_prefix(b)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Every problem with `s`'s sweep and `[output] timeseries`, located. `base` holds the
/// scenario's own problems, so a point is blamed only for what its values add.
pub(crate) fn check_sweep(
    s: &Scenario,
    spans: &Spans,
    bad: &BTreeSet<String>,
    base: &[Problem],
) -> Vec<Pending> {
    if s.sweep.is_empty() {
        return Vec::new();
    }
    let mut errors = Vec::new();
    let valid = sweepable(s);
    // Each value is tried on a copy of the scenario without its sweep, so the check grows
    // with the number of values, not with its square.
    let bare = s.without_sweep();
    let mut usable = true;
    for (i, axis) in s.sweep.axes.iter().enumerate() {
        let here = format!("sweep[{i}]");
        if bad.iter().any(|b| inside(b, &here) || inside(&here, b)) {
            usable = false;
            continue;
        }
        if !valid.contains(&axis.path) {
            errors.push(names_nothing(s, &axis.path, &valid, spans.key(&here)));
            usable = false;
            continue;
        }
        let kind = path_kind(s, &axis.path);
        match (s.sweep.design, axis.range) {
            (Design::Grid, Some(r)) if r.steps.is_none() => {
                errors.push(
                    Pending::new(
                        format!("the grid range of `{}` needs `steps`", axis.path),
                        spans.value(&here),
                    )
                    .help(format!(
                        "write `{{ from = {}, to = {}, steps = 5 }}`, or choose a sampling design: `design = \"latin_hypercube\"` with `samples`",
                        r.from, r.to
                    )),
                );
                usable = false;
                continue;
            }
            (Design::Grid, _) => {}
            (_, Some(r)) if kind != Some(PathKind::Name) && r.steps.is_none() => {
                // A sampled range: each end must make a valid point (every check is a bound).
                for (end, x) in [("from", r.from), ("to", r.to)] {
                    let value = if kind == Some(PathKind::Whole) && x.fract() == 0.0 {
                        SweepValue::Int(x as i64)
                    } else {
                        SweepValue::Float(x)
                    };
                    let at = spans.value(&format!("{here}.{end}"));
                    if let Some(e) = invalid_point(&bare, &axis.path, &value, base, at) {
                        errors.push(e);
                        usable = false;
                    }
                }
                continue;
            }
            _ => {}
        }
        for (j, value) in axis.values.iter().enumerate() {
            let at = spans.value(&format!("{here}.values[{j}]"));
            if let Some(e) = invalid_point(&bare, &axis.path, value, base, at) {
                errors.push(e);
                usable = false;
            }
        }
    }
    errors.extend(design_keys(s, spans));
    if usable {
        match SweepPoints::new(s) {
            Err(DesignProblem::Samples(why)) => {
                let at = spans.value("sweep.samples");
                let at = if at == (0..0) { spans.key("sweep") } else { at };
                errors.push(Pending::new(why, at).help(samples_help(s.sweep.design)));
            }
            Err(DesignProblem::Axis(i, why)) => {
                errors.push(Pending::new(why, spans.value(&format!("sweep[{i}]"))));
            }
            Ok(_) => {}
        }
    }
    errors
}

/// `samples` on a grid, `scale_rate_with` naming no org, unknown metrics.
fn design_keys(s: &Scenario, spans: &Spans) -> Vec<Pending> {
    let mut errors = Vec::new();
    let sweep = &s.sweep;
    if sweep.design == Design::Grid && sweep.samples.is_some() {
        errors.push(
            Pending::new(
                "`samples` applies to sampling designs; this sweep is a grid",
                spans.value("sweep.samples"),
            )
            .help("remove `samples`, or choose `design = \"latin_hypercube\"`, \"sobol\" or \"morris\""),
        );
    }
    if let Some(RateScale::Frontline(Some(name))) = &sweep.scale_rate_with
        && !s.orgs.iter().any(|o| &o.name == name)
    {
        let names: Vec<&str> = s.orgs.iter().map(|o| o.name.as_str()).collect();
        let mut e = Pending::new(
            format!("`scale_rate_with` names no org: `{name}`"),
            spans.value("sweep.scale_rate_with.frontline"),
        );
        e = match schema::closest(name, &names) {
            Some(near) => e.help(format!("did you mean `{near}`?")),
            None => e.help(format!("orgs: {}", names.join(", "))),
        };
        errors.push(e);
    }
    for (j, name) in sweep.metrics.iter().enumerate() {
        if Metric::parse_in(name, s).is_none() {
            let mut known: Vec<String> = crate::metrics::OrgMetric::ALL
                .iter()
                .map(|m| m.name().to_string())
                .collect();
            known.push("decided_at.level.N".into());
            known.push("recovery.<shock>.<metric>".into());
            let refs: Vec<&str> = known.iter().map(String::as_str).collect();
            let mut e = Pending::new(
                format!("`{name}` is not a summary metric of this scenario"),
                spans.value(&format!("sweep.metrics[{j}]")),
            );
            if let Some(near) = schema::closest(name, &refs) {
                e = e.help(format!("did you mean `{near}`?"));
            }
            errors.push(e.help(format!("summary metrics: {}", known.join(", "))));
        }
    }
    errors
}

/// The error of a path that names nothing: a near miss, or what could be named.
fn names_nothing(
    s: &Scenario,
    path: &str,
    valid: &[String],
    at: std::ops::Range<usize>,
) -> Pending {
    let refs: Vec<&str> = valid.iter().map(String::as_str).collect();
    let e = Pending::new(format!("sweep path `{path}` names nothing"), at);
    if path.starts_with("org.") && path.ends_with(".structure") {
        return e.help(
            "an org's structure cannot be swept: a tree and teams take different keys; compare them as two [[org]]s",
        );
    }
    match schema::closest(path, &refs) {
        Some(near) => e.help(format!("did you mean `{near}`?")),
        None => e.help(sweep_help(s, path)),
    }
}

/// A located error if setting `path` to `value` makes the scenario invalid in a new way.
fn invalid_point(
    s: &Scenario,
    path: &str,
    value: &SweepValue,
    base: &[Problem],
    at: std::ops::Range<usize>,
) -> Option<Pending> {
    let mut point = s.clone();
    if let Err(why) = apply(&mut point, path, value) {
        return Some(Pending::new(format!("sweep of `{path}` {why}"), at));
    }
    let new: Vec<Problem> = check(&point)
        .into_iter()
        .filter(|p| !base.iter().any(|b| b.message == p.message))
        .collect();
    let p = new.first()?;
    let shown = match value {
        SweepValue::Int(i) => i.to_string(),
        SweepValue::Float(x) => x.to_string(),
        SweepValue::Text(t) => format!("\"{t}\""),
    };
    let mut e = Pending::new(format!("with `{path}` = {shown}: {}", p.message), at);
    if let Some(help) = &p.help {
        e = e.help(help.clone());
    }
    Some(e)
}

/// What a sweep path can name, for a path that names nothing and is not a near miss.
pub(crate) fn sweep_help(s: &Scenario, path: &str) -> String {
    let names = |v: Vec<&str>| {
        v.iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if path.starts_with("org.") {
        format!(
            "write `org.<name>.<key>` or `org.*.<key>`; orgs: {}",
            names(s.orgs.iter().map(|o| o.name.as_str()).collect())
        )
    } else if path.starts_with("shock.") {
        if s.shocks.is_empty() {
            "this scenario has no [[shock]]".to_string()
        } else {
            format!(
                "write `shock.<name>.<key>`; shocks: {}",
                names(s.shocks.iter().map(|o| o.name.as_str()).collect())
            )
        }
    } else {
        "sweepable: scenario.ticks, scenario.warmup, scenario.seed, work.rate, work.cross_unit, work.half_life, work.<distribution>.<parameter> (e.g. work.reach.exponential), quality.*, recovery.*, org.<name>.<key>, shock.<name>.<key>".to_string()
    }
}

/// The candidate values of an axis for the memory estimate: its values, or a range's ends.
fn candidates(s: &Scenario, axis: &SweepAxis) -> Vec<SweepValue> {
    match axis.range {
        Some(r) if axis.values.is_empty() => {
            let whole = path_kind(s, &axis.path) == Some(PathKind::Whole);
            [r.from, r.to]
                .iter()
                .map(|&x| {
                    if whole {
                        SweepValue::Int(x.round() as i64)
                    } else {
                        SweepValue::Float(x)
                    }
                })
                .collect()
        }
        _ => axis.values.clone(),
    }
}

/// The sweep's most demanding point: each axis at the value that needs the most memory on its
/// own, all together. The estimate grows or shrinks with each value whatever the others are
/// (headcount with span and levels, work in flight with the rate), so no point needs more.
fn worst_point(s: &Scenario, threads: usize) -> (Scenario, Vec<(String, SweepValue)>) {
    let bare = s.without_sweep();
    let mut worst = bare.clone();
    let mut chosen = Vec::new();
    for axis in &s.sweep.axes {
        let best = candidates(s, axis)
            .into_iter()
            .filter_map(|v| {
                let mut p = bare.clone();
                apply(&mut p, &axis.path, &v).ok()?;
                Some((estimate_bytes(&p, threads), v))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, v)) = best
            && apply(&mut worst, &axis.path, &v).is_ok()
        {
            chosen.push((axis.path.clone(), v));
        }
    }
    worst.work.rate *= super::design::rate_factor(s, &worst);
    (worst, chosen)
}

/// Estimated bytes to run `s`'s sweep with `threads` runs at once: its most demanding point's
/// runs in flight (with that point's time series if kept), plus what is kept per point.
pub fn sweep_estimate_bytes(s: &Scenario, threads: usize) -> f64 {
    sweep_estimate(s, threads).0
}

fn sweep_estimate(s: &Scenario, threads: usize) -> (f64, usize, Vec<(String, SweepValue)>) {
    let points = SweepPoints::new(s).map_or(1, |p| p.len());
    let (worst, chosen) = worst_point(s, threads);
    let kept = s.kept_timeseries() != Timeseries::Off;
    let series = worst.orgs.len() as f64
        * f64::from(worst.scenario.replications)
        * f64::from(worst.scenario.ticks)
        * SERIES_BYTES;
    // Points waiting to be written hold their runs' series until the last run ends.
    let in_flight = if kept { series * threads as f64 } else { 0.0 };
    let per_point = POINT_BYTES + CHARTED_BYTES * (s.orgs.len() * s.sweep.metrics.len()) as f64;
    let bytes = estimate_bytes(&worst, threads) + in_flight + per_point * points as f64;
    (bytes, points, chosen)
}

/// An error when the sweep's most demanding combination of values, or its number of points,
/// would not fit in `budget` bytes.
pub(crate) fn refuse_memory(s: &Scenario, budget: u64, spans: &Spans) -> Option<Pending> {
    if s.sweep.is_empty() {
        return None;
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (bytes, points, chosen) = sweep_estimate(s, threads);
    let runs = (points as u128) * s.orgs.len() as u128 * u128::from(s.scenario.replications);
    if bytes <= budget as f64 && runs < u128::from(u64::MAX) && points < usize::MAX {
        return None;
    }
    let gib = |b: f64| b / f64::from(1u32 << 30);
    let combination = chosen
        .iter()
        .map(|(p, v)| match v {
            SweepValue::Int(i) => format!("{p} = {i}"),
            SweepValue::Float(x) => format!("{p} = {x}"),
            SweepValue::Text(t) => format!("{p} = \"{t}\""),
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some(
        Pending::new(
            format!(
                "this sweep needs about {:.1} GiB; this machine has {:.1} GiB",
                gib(bytes),
                gib(budget as f64 / 0.8)
            ),
            spans.key("sweep"),
        )
        .note(format!(
            "its most demanding point combines {combination}; it has {points} points"
        ))
        .note(format!(
            "the estimate assumes {threads} runs at once and counts 80% of memory as usable"
        ))
        .help("sweep smaller shapes or fewer points, or keep fewer time series (`[output] timeseries = \"none\"`)"),
    )
}
