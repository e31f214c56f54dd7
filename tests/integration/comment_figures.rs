//! Every figure a shipped scenario's comments state is checked against a run of that scenario,
//! within the rounding it is written with, so a comment cannot drift from what the file does.
//!
//! A figure is stated on a `# measured:` line (grammar and rounding rule in
//! `docs/scenario-reference.md` "Stated figures"):
//!
//! ```text
//! # measured: [PATH VALUE, …] [WINDOW] ORG METRIC = FIGURE
//! # measured: [PATH VALUE, …] [WINDOW] ORG / ORG METRIC = FIGURE
//! # measured: [PATH VALUE, …] [WINDOW] ORG METRIC OUTCOME in K of N
//! ```
//!
//! After the streams change, re-state every figure in place, at the same rounding, with
//! `ORGSIM_RESTATE=1 cargo test --test integration comment_figures -- --nocapture`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use orgsim::experiment::{self, RunOptions};
use orgsim::metrics::{ReplicateValue, paired_ratio, replicate_values, summarise_runs};
use orgsim::scenario::{self, Scenario, SweepPoints, SweepValue};
use rayon::prelude::*;

const MARK: &str = "measured:";

/// A figure as written: its value and the place of its last significant digit.
#[derive(Debug, Clone, PartialEq)]
struct Figure {
    value: f64,
    /// The power of ten of the last significant digit: -2 for `0.72`, 2 for `57,200`.
    place: i32,
    /// Written with thousands separators.
    separators: bool,
}

impl Figure {
    /// Reads `text` as a figure: digits, optionally a leading `-`, thousands separators
    /// (groups of three) and a decimal point. After a decimal point every digit written is
    /// significant; without one, an integer's trailing zeros are not (`57,200` is stated to the
    /// hundred), except in zero itself (`0` is stated to the unit).
    fn parse(text: &str) -> Option<Figure> {
        let body = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let groups: Vec<&str> = int.split(',').collect();
        let grouped = groups.len() > 1;
        let groups_ok = !groups[0].is_empty()
            && groups[0].len() <= if grouped { 3 } else { usize::MAX }
            && groups[1..].iter().all(|g| g.len() == 3);
        let digits: String = groups.concat();
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !groups_ok || !all_digits(&digits) || frac.is_some_and(|f| !all_digits(f)) {
            return None;
        }
        let place = match frac {
            Some(f) => -(f.len() as i32),
            None if digits.bytes().all(|b| b == b'0') => 0,
            None => digits.bytes().rev().take_while(|&b| b == b'0').count() as i32,
        };
        let value: f64 = format!("{digits}.{}", frac.unwrap_or("0")).parse().ok()?;
        Some(Figure {
            value: if body.len() < text.len() {
                -value
            } else {
                value
            },
            place,
            separators: grouped,
        })
    }

    /// Half a unit in the place of the last significant digit.
    fn tolerance(&self) -> f64 {
        0.5 * 10f64.powi(self.place)
    }

    /// Whether `measured` rounds to this figure at its rounding (a hair of slack for the
    /// binary representation of a value that lies exactly on the boundary).
    fn holds(&self, measured: f64) -> bool {
        (measured - self.value).abs() <= self.tolerance() * (1.0 + 1e-9)
    }

    /// `measured` written at this figure's rounding. When the rounded value would read back
    /// more coarsely (an integer that now ends in zeros), it is written one place finer at a
    /// time until it reads back at least as precisely: a re-stated figure is never looser.
    fn restate(&self, measured: f64) -> String {
        let mut place = self.place;
        loop {
            let text = write_at(measured, place, self.separators);
            if Figure::parse(&text).is_some_and(|f| f.place <= self.place) {
                return text;
            }
            place -= 1;
        }
    }
}

/// `x` rounded to the power of ten `place`, with thousands separators if asked for or once the
/// integer part has five digits.
fn write_at(x: f64, place: i32, separators: bool) -> String {
    let unit = 10f64.powi(place);
    let rounded = (x / unit).round() * unit;
    let decimals = (-place).max(0) as usize;
    let mut text = format!("{:.*}", decimals, rounded.abs());
    let negative = rounded < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b));
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    if separators || int.len() >= 5 {
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        text = match frac {
            Some(f) => format!("{grouped}.{f}"),
            None => grouped,
        };
    }
    if negative { format!("-{text}") } else { text }
}

/// Whose figure a line states.
#[derive(Debug, Clone, PartialEq)]
enum Subject {
    /// One org's summary mean.
    Org(String),
    /// The paired ratio of the first org to the second (geometric mean over replicates).
    Ratio(String, String),
}

/// A per-replicate property counted over the replicates.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// A recovery time above zero: departed from the baseline and came back.
    Recovered,
    /// A recovery time of zero: never measurably departed.
    Absorbed,
    /// Not absorbed: departed, whether or not it came back before the horizon.
    Departed,
    /// Departed and still not back when the horizon ended.
    NotRecovered,
    /// A value compared with a number.
    Compare(Op, f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Above,
    AtLeast,
    Below,
    AtMost,
}

/// What a line states.
#[derive(Debug, Clone, PartialEq)]
enum Stated {
    Figure(Figure),
    Count {
        outcome: Outcome,
        k: usize,
        n: usize,
    },
    /// A sweep's points at which the figure (a mean or a ratio) compares so with a number.
    Points {
        op: Op,
        x: f64,
        k: usize,
        n: usize,
    },
}

/// One `# measured:` line.
#[derive(Debug, Clone)]
struct Claim {
    /// `file:line`, for messages.
    at: String,
    /// Index of the line in the file.
    line: usize,
    /// `[PATH VALUE, …]`: a sweep's point, or settings changed from the file's.
    overrides: Vec<(String, SweepValue)>,
    window: String,
    subject: Subject,
    metric: String,
    stated: Stated,
    /// Byte range in the line of the text a re-statement replaces (the figure, or K).
    span: Range<usize>,
}

/// Reads a bracket value: a whole number, a number or a (quoted) name.
fn sweep_value(text: &str) -> SweepValue {
    if let Ok(i) = text.parse::<i64>() {
        SweepValue::Int(i)
    } else if let Ok(x) = text.parse::<f64>() {
        SweepValue::Float(x)
    } else {
        SweepValue::Text(text.trim_matches('"').to_string())
    }
}

/// The longest of `names` that `text` starts with, followed by a space.
fn name_at<'n>(text: &str, names: &'n [String]) -> Option<&'n str> {
    names
        .iter()
        .filter(|n| text.starts_with(n.as_str()) && text[n.len()..].starts_with(' '))
        .max_by_key(|n| n.len())
        .map(String::as_str)
}

/// The `# measured:` lines of `text`, read against the orgs and shocks of `s`; a malformed line
/// is an error that names `file:line` and what would be valid.
fn claims(file: &str, text: &str, s: &Scenario) -> Result<Vec<Claim>, String> {
    let orgs: Vec<String> = s.orgs.iter().map(|o| o.name.clone()).collect();
    let mut windows = vec!["all".to_string(), "steady".to_string()];
    windows.extend(s.shocks.iter().map(|k| k.name.clone()));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            continue;
        };
        let Some(body) = rest.trim_start().strip_prefix(MARK) else {
            continue;
        };
        let at = format!("{file}:{}", i + 1);
        let start = line.len() - body.len();
        out.push(claim(&at, i, line, start, s, &orgs, &windows)?);
    }
    Ok(out)
}

fn claim(
    at: &str,
    line: usize,
    text: &str,
    start: usize,
    s: &Scenario,
    orgs: &[String],
    windows: &[String],
) -> Result<Claim, String> {
    let fail = |what: String| Err(format!("{at}: {what}\n  {}", text.trim()));
    let mut pos = start + (text[start..].len() - text[start..].trim_start().len());
    let mut overrides = Vec::new();
    if text[pos..].starts_with('[') {
        let Some(close) = text[pos..].find(']') else {
            return fail("a `[` without its `]`".into());
        };
        // Org and shock names may hold commas: an entry ends where its path names a setting.
        let mut entry = String::new();
        for part in text[pos + 1..pos + close].split(',') {
            entry.push_str(part);
            let named = entry
                .trim()
                .rsplit_once(' ')
                .filter(|(path, _)| scenario::path_kind(s, path.trim()).is_some());
            if let Some((path, value)) = named {
                overrides.push((path.trim().to_string(), sweep_value(value.trim())));
                entry.clear();
            } else {
                entry.push(',');
            }
        }
        if !entry.is_empty() {
            return fail(format!(
                "`{}` in brackets is not `PATH VALUE` with a path that names a setting",
                entry.trim().trim_end_matches(',')
            ));
        }
        pos += close + 1;
        pos += text[pos..].len() - text[pos..].trim_start().len();
    }
    let orgs_list = orgs.join(", ");
    let mut rest = &text[pos..];
    let mut window = "all".to_string();
    if let Some(w) = name_at(rest, windows)
        && name_at(&rest[w.len() + 1..], orgs).is_some()
    {
        window = w.to_string();
        rest = &rest[w.len() + 1..];
    }
    let Some(org) = name_at(rest, orgs) else {
        return fail(format!(
            "expected an org ({orgs_list}), after an optional window ({}), at `{rest}`",
            windows.join(", ")
        ));
    };
    rest = &rest[org.len() + 1..];
    let subject = match rest.strip_prefix("/ ") {
        Some(after) => {
            let Some(other) = name_at(after, orgs) else {
                return fail(format!(
                    "expected the org to divide by ({orgs_list}) at `{after}`"
                ));
            };
            rest = &after[other.len() + 1..];
            Subject::Ratio(org.to_string(), other.to_string())
        }
        None => Subject::Org(org.to_string()),
    };
    let rest_at = text.len() - rest.len();
    if let Some(head) = rest.trim_end().strip_suffix(" points") {
        let Some((compared, counted)) = head.rsplit_once(" at ") else {
            return fail("expected `METRIC OP NUMBER at K of N points`".into());
        };
        let Some((k, n)) = counted.split_once(" of ") else {
            return fail(format!("`{counted}` is not `K of N`"));
        };
        let (Ok(kk), Ok(nn)) = (k.parse::<usize>(), n.parse::<usize>()) else {
            return fail(format!("`{counted}` is not `K of N` with whole numbers"));
        };
        let Some((metric, op, x)) = compared_with(compared) else {
            return fail(format!("`{compared}` is not `METRIC > < >= <= NUMBER`"));
        };
        let begin = rest_at + compared.len() + 4;
        return Ok(Claim {
            at: at.to_string(),
            line,
            overrides,
            window,
            subject,
            metric: metric.to_string(),
            stated: Stated::Points {
                op,
                x,
                k: kk,
                n: nn,
            },
            span: begin..begin + k.len(),
        });
    }
    if let Some((metric, figure)) = rest.rsplit_once(" = ") {
        let figure_text = figure.trim_end();
        let Some(f) = Figure::parse(figure_text) else {
            return fail(format!(
                "`{figure_text}` is not a figure such as 0.72 or 57,200"
            ));
        };
        let begin = rest_at + metric.len() + 3;
        return Ok(Claim {
            at: at.to_string(),
            line,
            overrides,
            window,
            subject,
            metric: metric.trim().to_string(),
            stated: Stated::Figure(f),
            span: begin..begin + figure_text.len(),
        });
    }
    let Some((head, counted)) = rest.rsplit_once(" in ") else {
        return fail("expected `METRIC = FIGURE` or `METRIC OUTCOME in K of N`".into());
    };
    let Some((k, n)) = counted.trim_end().split_once(" of ") else {
        return fail(format!("`{counted}` is not `K of N`"));
    };
    let (Ok(kk), Ok(nn)) = (k.parse::<usize>(), n.parse::<usize>()) else {
        return fail(format!("`{counted}` is not `K of N` with whole numbers"));
    };
    if matches!(subject, Subject::Ratio(..)) {
        return fail("a count is of one org's replicates, not of a ratio".into());
    }
    let words: [(&str, Outcome); 4] = [
        (" not recovered", Outcome::NotRecovered),
        (" recovered", Outcome::Recovered),
        (" absorbed", Outcome::Absorbed),
        (" departed", Outcome::Departed),
    ];
    let mut found = None;
    for (word, outcome) in words {
        if let Some(metric) = head.strip_suffix(word) {
            found = Some((metric, outcome));
            break;
        }
    }
    if found.is_none()
        && let Some((metric, op, x)) = compared_with(head)
    {
        found = Some((metric, Outcome::Compare(op, x)));
    }
    let Some((metric, outcome)) = found else {
        return fail(format!(
            "`{head}` does not end in an outcome: recovered, absorbed, departed, not recovered, \
             or > < >= <= a number"
        ));
    };
    let begin = rest_at + head.len() + 4;
    Ok(Claim {
        at: at.to_string(),
        line,
        overrides,
        window,
        subject,
        metric: metric.trim().to_string(),
        stated: Stated::Count {
            outcome,
            k: kk,
            n: nn,
        },
        span: begin..begin + k.len(),
    })
}

/// `METRIC OP NUMBER` read into its parts.
fn compared_with(text: &str) -> Option<(&str, Op, f64)> {
    for (sign, op) in [
        (" >= ", Op::AtLeast),
        (" <= ", Op::AtMost),
        (" > ", Op::Above),
        (" < ", Op::Below),
    ] {
        if let Some((metric, x)) = text.rsplit_once(sign) {
            return Some((metric.trim(), op, x.trim().parse().ok()?));
        }
    }
    None
}

impl Op {
    fn holds(self, v: f64, x: f64) -> bool {
        match self {
            Op::Above => v > x,
            Op::AtLeast => v >= x,
            Op::Below => v < x,
            Op::AtMost => v <= x,
        }
    }
}

/// The scenario a claim's brackets name: a sweep's point (every swept path given), or the file
/// (or the point) with the other settings the brackets give changed.
fn variant(base: &Scenario, c: &Claim) -> Result<Scenario, String> {
    let same = |a: &SweepValue, b: &SweepValue| match (a, b) {
        (SweepValue::Text(x), SweepValue::Text(y)) => x == y,
        (SweepValue::Text(_), _) | (_, SweepValue::Text(_)) => false,
        (a, b) => {
            let num = |v: &SweepValue| match *v {
                SweepValue::Int(i) => i as f64,
                SweepValue::Float(x) => x,
                SweepValue::Text(_) => f64::NAN,
            };
            (num(a) - num(b)).abs() <= 1e-9 * num(a).abs().max(1.0)
        }
    };
    let mut s = if base.sweep.axes.is_empty() {
        base.clone()
    } else {
        let points = SweepPoints::new(base).map_err(|e| format!("{}: {e:?}", c.at))?;
        let paths = points.paths();
        let named = |p: &String| c.overrides.iter().any(|(q, _)| q == p);
        if !paths.iter().all(named) {
            return Err(format!(
                "{}: a sweep's figure names its point by every swept path ({}), in brackets",
                c.at,
                paths.join(", ")
            ));
        }
        let k = (0..points.len())
            .find(|&k| {
                paths
                    .iter()
                    .zip(points.values(k))
                    .all(|(p, v)| c.overrides.iter().any(|(q, w)| q == p && same(w, &v)))
            })
            .ok_or_else(|| format!("{}: the sweep has no point with these values", c.at))?;
        points
            .scenario(base, k)
            .map_err(|e| format!("{}: {e}", c.at))?
    };
    let swept: Vec<&str> = base.sweep.axes.iter().map(|a| a.path.as_str()).collect();
    for (path, value) in c
        .overrides
        .iter()
        .filter(|(p, _)| !swept.contains(&p.as_str()))
    {
        scenario::apply(&mut s, path, value).map_err(|e| format!("{}: {e}", c.at))?;
    }
    if let Some(p) = scenario::check(&s).first() {
        return Err(format!(
            "{}: with these settings {}: {}",
            c.at, p.path, p.message
        ));
    }
    Ok(s)
}

/// Every point of a sweep, for a line that counts points (it names none in brackets).
fn every_point_of(base: &Scenario, c: &Claim) -> Result<Vec<Scenario>, String> {
    if base.sweep.axes.is_empty() || !c.overrides.is_empty() {
        return Err(format!(
            "{}: only a sweep's figures count points, over all of them (no brackets)",
            c.at
        ));
    }
    let points = SweepPoints::new(base).map_err(|e| format!("{}: {e:?}", c.at))?;
    (0..points.len())
        .map(|k| {
            points
                .scenario(base, k)
                .map_err(|e| format!("{}: {e}", c.at))
        })
        .collect()
}

/// One run's per-replicate values and summary means, by (org, window, metric).
struct Measured {
    replicates: u32,
    /// Per replicate, in replicate order.
    values: BTreeMap<(String, String, String), Vec<Option<f64>>>,
    means: BTreeMap<(String, String, String), Option<f64>>,
}

fn measure(s: &Scenario) -> Result<Measured, String> {
    let runs = experiment::run(s, &RunOptions::default()).map_err(|e| e.to_string())?;
    let reps = s.scenario.replications;
    let mut values: BTreeMap<(String, String, String), Vec<Option<f64>>> = BTreeMap::new();
    for ReplicateValue {
        org,
        window,
        replicate,
        metric,
        value,
    } in replicate_values(&runs)
    {
        let slot = values
            .entry((s.orgs[org].name.clone(), window, metric))
            .or_insert_with(|| vec![None; reps as usize]);
        slot[replicate as usize] = value.filter(|x| x.is_finite());
    }
    let means = summarise_runs(s, &runs)
        .rows
        .into_iter()
        .map(|r| ((r.org, r.window, r.metric), r.mean))
        .collect();
    Ok(Measured {
        replicates: reps,
        values,
        means,
    })
}

/// What a run gives for a claim: the figure, or the count K.
fn measured_value(c: &Claim, m: &Measured) -> Result<f64, String> {
    let key = |org: &str, metric: &str| (org.to_string(), c.window.clone(), metric.to_string());
    let unknown = |org: &str| {
        let known: Vec<&str> = m
            .means
            .keys()
            .filter(|(o, w, _)| o == org && *w == c.window)
            .map(|(_, _, metric)| metric.as_str())
            .collect();
        format!(
            "{}: no metric `{}` for {org} in window `{}`; summary.csv has {}",
            c.at,
            c.metric,
            c.window,
            known.join(", ")
        )
    };
    let series = |org: &str| {
        m.values
            .get(&key(org, &c.metric))
            .ok_or_else(|| unknown(org))
    };
    let no_value = || format!("{}: `{}` has no value in this run", c.at, c.metric);
    match (&c.subject, &c.stated) {
        (Subject::Org(org), Stated::Figure(_) | Stated::Points { .. }) => m
            .means
            .get(&key(org, &c.metric))
            .ok_or_else(|| unknown(org))?
            .ok_or_else(no_value),
        (Subject::Ratio(a, b), Stated::Figure(_) | Stated::Points { .. }) => {
            paired_ratio(series(a)?, series(b)?)
                .map(|r| r.ratio)
                .ok_or_else(no_value)
        }
        (Subject::Org(org), Stated::Count { outcome, n, .. }) => {
            if *n != m.replicates as usize {
                return Err(format!(
                    "{}: counts {n} replicates, but the run has {}",
                    c.at, m.replicates
                ));
            }
            let values = series(org)?;
            let recovery_flags = || {
                let flag = c
                    .metric
                    .strip_prefix("recovery.")
                    .map(|r| format!("recovered.{r}"));
                flag.and_then(|f| m.values.get(&key(org, &f)))
                    .ok_or_else(|| {
                        format!(
                            "{}: `{}` is not a recovery time (recovery.SHOCK.METRIC)",
                            c.at, c.metric
                        )
                    })
            };
            let count = match outcome {
                Outcome::Compare(op, x) => values
                    .iter()
                    .flatten()
                    .filter(|&&v| op.holds(v, *x))
                    .count(),
                Outcome::Recovered => {
                    recovery_flags()?;
                    values.iter().flatten().filter(|&&v| v > 0.0).count()
                }
                Outcome::Absorbed => {
                    recovery_flags()?;
                    values.iter().flatten().filter(|&&v| v == 0.0).count()
                }
                Outcome::NotRecovered | Outcome::Departed => {
                    let flags = recovery_flags()?;
                    values
                        .iter()
                        .zip(flags)
                        .filter(|(v, flag)| match (v, outcome) {
                            (Some(v), Outcome::Departed) => *v > 0.0,
                            (None, _) => **flag == Some(0.0),
                            _ => false,
                        })
                        .count()
                }
            };
            Ok(count as f64)
        }
        (Subject::Ratio(..), Stated::Count { .. }) => unreachable!("refused when read"),
    }
}

/// The result of checking one file.
struct Checked {
    /// One line per figure a run does not support.
    failures: Vec<String>,
    /// The file with every figure re-stated.
    restated: String,
    figures: usize,
}

/// Checks every `# measured:` line of `text` (the scenario file `file`) against runs: one run
/// of the file or of each sweep point or variant its lines name.
fn check_file(file: &str, text: &str) -> Result<Checked, String> {
    let base = scenario::parse_str(text, file).map_err(|e| format!("{file}: {e}"))?;
    let claims = claims(file, text, &base)?;
    // The runs each line needs (its variant or sweep point, or every point of the sweep), each
    // distinct scenario run once, all of them side by side.
    let mut needs: Vec<Vec<usize>> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut scenarios: Vec<Scenario> = Vec::new();
    for c in &claims {
        let wanted = match c.stated {
            Stated::Points { .. } => every_point_of(&base, c)?,
            _ => vec![variant(&base, c)?],
        };
        let mut indices = Vec::new();
        for s in wanted {
            let key = format!("{s:?}");
            let i = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                keys.push(key);
                scenarios.push(s);
                scenarios.len() - 1
            });
            indices.push(i);
        }
        needs.push(indices);
    }
    let measured: Vec<Result<Measured, String>> = scenarios.par_iter().map(measure).collect();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut failures = Vec::new();
    for (c, indices) in claims.iter().zip(&needs) {
        let mut runs = Vec::new();
        for &i in indices {
            runs.push(measured[i].as_ref().map_err(|e| format!("{}: {e}", c.at))?);
        }
        let got = match c.stated {
            Stated::Points { op, x, n, .. } => {
                if n != runs.len() {
                    return Err(format!(
                        "{}: counts {n} points, but the sweep has {}",
                        c.at,
                        runs.len()
                    ));
                }
                let mut k = 0;
                for m in &runs {
                    k += usize::from(op.holds(measured_value(c, m)?, x));
                }
                k as f64
            }
            _ => measured_value(c, runs[0])?,
        };
        let line = &mut lines[c.line];
        let (holds, stated, new) = match &c.stated {
            Stated::Figure(f) => (
                f.holds(got),
                format!("{} (±{})", &line[c.span.clone()], f.tolerance()),
                f.restate(got),
            ),
            Stated::Count { k, .. } | Stated::Points { k, .. } => {
                (*k as f64 == got, k.to_string(), format!("{}", got as usize))
            }
        };
        if !holds {
            failures.push(format!("{}: stated {stated}, measured {got}", c.at));
        }
        line.replace_range(c.span.clone(), &new);
    }
    let mut restated = lines.join("\n");
    if text.ends_with('\n') {
        restated.push('\n');
    }
    Ok(Checked {
        failures,
        restated,
        figures: claims.len(),
    })
}

fn shipped_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_figure_a_shipped_scenario_states_is_what_a_run_gives() {
    let restate = std::env::var_os("ORGSIM_RESTATE").is_some();
    let started = std::time::Instant::now();
    let checked: Vec<(PathBuf, String, Checked)> = shipped_files()
        .into_par_iter()
        .map(|path| {
            let name = format!("scenarios/{}", path.file_name().unwrap().to_string_lossy());
            let text = fs::read_to_string(&path).unwrap();
            let checked = check_file(&name, &text).unwrap_or_else(|e| panic!("{e}"));
            (path, text, checked)
        })
        .collect();
    let mut failures = Vec::new();
    let mut figures = 0;
    for (path, text, checked) in checked {
        figures += checked.figures;
        if restate {
            if checked.restated != text {
                fs::write(&path, &checked.restated).unwrap();
                for f in &checked.failures {
                    eprintln!("re-stated {f}");
                }
            }
        } else {
            failures.extend(checked.failures);
        }
    }
    eprintln!(
        "{figures} stated figures checked in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {figures} stated figures are not what a run gives (re-state them with \
         ORGSIM_RESTATE=1 cargo test --test integration comment_figures -- --nocapture):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_figure_is_stated_to_the_place_of_its_last_significant_digit() {
    let f = |t: &str| Figure::parse(t).unwrap_or_else(|| panic!("{t} is a figure"));
    assert_eq!(f("0.72").tolerance(), 0.005);
    assert_eq!(f("0.90").tolerance(), 0.005);
    assert_eq!(f("186").tolerance(), 0.5);
    assert_eq!(f("57,200").tolerance(), 50.0);
    assert_eq!(f("1,280").tolerance(), 5.0);
    assert_eq!(f("0").tolerance(), 0.5);
    assert_eq!(f("-0.5").value, -0.5);
    for bad in ["", "1,00", "12,3456", ",123", "0.7x", "1.2.3", "abc"] {
        assert_eq!(Figure::parse(bad), None, "{bad:?} is not a figure");
    }
    assert!(f("0.72").holds(0.7249) && f("0.72").holds(0.7151));
    assert!(!f("0.72").holds(0.7251) && !f("0.72").holds(0.7149));
    assert!(f("57,200").holds(57_240.0) && !f("57,200").holds(57_260.0));
    assert!(!f("7").holds(7.6));
}

#[test]
fn a_restated_figure_keeps_its_rounding_and_never_reads_looser() {
    let f = |t: &str| Figure::parse(t).unwrap();
    assert_eq!(f("0.72").restate(0.7349), "0.73");
    assert_eq!(f("0.90").restate(0.8951), "0.90");
    assert_eq!(f("23,400").restate(23_551.0), "23,600");
    assert_eq!(f("57,200").restate(123_449.0), "123,400");
    assert_eq!(f("186").restate(201.2), "201");
    // 190 would read as stated to the ten: one place finer.
    assert_eq!(f("186").restate(189.7), "189.7");
    assert_eq!(f("23,400").restate(23_049.0), "23,050");
    assert_eq!(f("1.9").restate(12.04), "12.0");
    assert_eq!(f("0.02").restate(-0.0001), "0.00");
    for (t, x) in [("0.72", 0.7349), ("186", 189.7), ("23,400", 23_049.0)] {
        let again = f(&f(t).restate(x));
        assert!(again.holds(x) && again.place <= f(t).place, "{t} → {x}");
    }
}

const TINY: &str = r#"[scenario]
name = "Two designs"
ticks = 300
warmup = 30
replications = 3
seed = 5

[work]
rate = 4.0
cross_unit = 0.1

[[org]]
name = "Hierarchy"
structure = "tree"
span = 3
levels = 3
capacity = [1.0, 3.0, 6.0]
authority = [0.2, 0.5, 1.0]

[[org]]
name = "Teams"
structure = "teams"
teams = 4
team_size = 3

[[shock]]
kind = "surge"
name = "Rush"
at = 150
duration = 30
factor = 3.0
"#;

/// The tiny scenario with `lines` as its comment.
fn tiny(lines: &[&str]) -> String {
    let mut text = String::new();
    for l in lines {
        writeln!(text, "# {l}").unwrap();
    }
    text + TINY
}

#[test]
fn a_malformed_measured_line_is_an_error_at_its_line() {
    for (line, says) in [
        (
            "measured: Hierarchyy latency_mean = 1.0",
            "expected an org (Hierarchy, Teams)",
        ),
        (
            "measured: stedy Hierarchy latency_mean = 1.0",
            "after an optional window (all, steady, Rush)",
        ),
        (
            "measured: Hierarchy latency_men = 1.0",
            "no metric `latency_men` for Hierarchy in window `all`",
        ),
        (
            "measured: Rush Teams lateny_mean = 1.0",
            "no metric `lateny_mean` for Teams in window `Rush`",
        ),
        (
            "measured: Hierarchy latency_mean = about 1",
            "`about 1` is not a figure",
        ),
        (
            "measured: Hierarchy recovery.Rush.latency_mean recovered in 2 of 5",
            "counts 5 replicates, but the run has 3",
        ),
        (
            "measured: Hierarchy latency_mean recovered in 1 of 3",
            "is not a recovery time",
        ),
        (
            "measured: Teams latency_mean > 1 at 1 of 2 points",
            "only a sweep's figures count points",
        ),
        (
            "measured: [org.Hierarchy.spam 4] Hierarchy latency_mean = 1.0",
            "`org.Hierarchy.spam 4` in brackets is not `PATH VALUE`",
        ),
    ] {
        let text = tiny(&["A comment.", line]);
        let err = match check_file("tiny.toml", &text) {
            Err(e) => e,
            Ok(c) => panic!("{line:?} was read, with failures {:?}", c.failures),
        };
        assert!(err.starts_with("tiny.toml:2: "), "{err}");
        assert!(err.contains(says), "{line:?}: {err}");
    }
}

#[test]
fn a_figure_a_run_does_not_give_fails_naming_its_line_and_both_values_and_is_restated() {
    let text = tiny(&[
        "measured: Hierarchy good_rate = 0.00",
        "measured: Hierarchy / Teams latency_mean = 1.0",
        "measured: Rush Teams latency_mean = 0",
        "measured: Teams throughput > 0 in 0 of 3",
        "measured: Hierarchy recovery.Rush.latency_mean departed in 0 of 3",
    ]);
    let checked = check_file("tiny.toml", &text).unwrap();
    assert_eq!(checked.figures, 5);
    let line = |n: usize| {
        checked
            .failures
            .iter()
            .find(|f| f.starts_with(&format!("tiny.toml:{n}: stated ")))
            .unwrap_or_else(|| panic!("no failure at line {n}: {:?}", checked.failures))
    };
    assert!(
        line(1).contains("stated 0.00 (±0.005), measured 0."),
        "{}",
        line(1)
    );
    assert!(line(4).contains("stated 0, measured 3"), "{}", line(4));
    // Re-stated, every line holds, and nothing but the figures changed.
    let again = check_file("tiny.toml", &checked.restated).unwrap();
    assert!(again.failures.is_empty(), "{:?}", again.failures);
    assert_eq!(again.restated, checked.restated);
    for (old, new) in text.lines().zip(checked.restated.lines()) {
        let cut = |l: &str| {
            l.rsplit_once(" = ")
                .map_or(l.to_string(), |(h, _)| h.to_string())
        };
        let head = |l: &str| l.rsplit_once(" in ").map_or(cut(l), |(h, _)| h.to_string());
        assert_eq!(head(old), head(new));
    }
    assert_eq!(text.lines().count(), checked.restated.lines().count());
}

#[test]
fn the_readme_shows_what_the_quickstart_prints() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("```\nQuickstart: ")
        .expect("the README shows what the quickstart prints")
        + 4;
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let s = scenario::load(Path::new(crate::util::QUICKSTART)).unwrap();
    let runs = experiment::run(&s, &RunOptions::default()).unwrap();
    let printed = orgsim::output::console::summary_text(&s, &summarise_runs(&s, &runs));
    let lines: Vec<&str> = printed.lines().map(str::trim_end).collect();
    for line in block.lines().filter(|l| !l.is_empty() && *l != "...") {
        assert!(
            lines.contains(&line.trim_end()),
            "the README shows a line the quickstart does not print:\n{line}\nit prints:\n{printed}"
        );
    }
}
