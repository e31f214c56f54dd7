//! A sweep's charts and `report.html`: each charted metric against each swept parameter per
//! org, each org's ratio to the reference against each parameter with the break-even line,
//! heatmaps over two parameters, the sensitivity indices of a sobol or morris design as bars,
//! where each design wins (PRIM boxes) as a scatter, and a headline in words ("Teams' mean latency is lower than
//! Hierarchy's up to span 7, then higher …"). Drawn from the folder's files alone
//! (`sweep::read`), so `orgsim report DIR` redraws a sweep without re-running it. The page uses
//! the single-run report's style and helpers.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use crate::metrics::{Better, Metric};
use crate::output::charts::heatmap::{self, Shade};
use crate::output::charts::style::{ChartResult, HEIGHT, WIDTH, ensure_font, fmt_num};
use crate::output::charts::sweep::{self as lines, Against, capitalise, groups, line};
use crate::output::charts::{ChartError, extension};
use crate::output::charts::{discovery, indices};
use crate::output::report::{CSS, RenderError, command_rows, esc, figure, inline_svg, org_key};
use crate::output::sweep::matters::{self, Discovery};
use crate::output::sweep::read::SweepResults;
use crate::output::sweep::record::{STATUS_OK, STATUS_OVERLOADED, STATUS_STOPPED};
use crate::scenario::{Design, Format};

/// One chart of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepChart {
    /// A metric (or its ratio) against parameter `param`.
    Against {
        metric: String,
        param: usize,
        what: Against,
    },
    /// A metric (or its ratio) of one org over the first two parameters of a grid.
    Heatmap {
        metric: String,
        org: usize,
        shade: Shade,
    },
    /// The sensitivity indices of one org (or `A/B` ratio) on a metric, as bars.
    Indices { metric: String, subject: String },
    /// The points on the two most important parameters, coloured by who does better on the
    /// discovery metric, with each side's PRIM box.
    Discovery,
}

impl SweepChart {
    /// Whether the chart belongs to the report's "Which settings matter" section.
    pub fn matters(&self) -> bool {
        matches!(self, SweepChart::Indices { .. } | SweepChart::Discovery)
    }
}

/// A name fit for a file: letters, digits and `_`, other runs of characters as one `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

impl SweepChart {
    /// The file stem.
    pub fn name(&self, sr: &SweepResults) -> String {
        let names = sr.org_names();
        match self {
            SweepChart::Against {
                metric,
                param,
                what,
            } => {
                let kind = match what {
                    Against::Metric => "sweep",
                    Against::Ratio => "ratio",
                };
                format!(
                    "{kind}-{}-by-{}",
                    slug(metric),
                    slug(&sr.parameters[*param].path)
                )
            }
            SweepChart::Heatmap { metric, org, shade } => {
                let kind = match shade {
                    Shade::Metric => "heatmap",
                    Shade::Ratio => "heatmap-ratio",
                };
                format!("{kind}-{}-{}", slug(metric), slug(&names[*org]))
            }
            SweepChart::Indices { metric, subject } => {
                format!("indices-{}-{}", slug(metric), slug(subject))
            }
            SweepChart::Discovery => {
                let metric = sr.scenario().sweep.metrics.first().cloned();
                format!("where-each-wins-{}", slug(&metric.unwrap_or_default()))
            }
        }
    }

    /// A caption for the report.
    pub fn caption(&self, sr: &SweepResults) -> String {
        let names = sr.org_names();
        let reference = names
            .get(sr.scenario().reference_org())
            .cloned()
            .unwrap_or_default();
        match self {
            SweepChart::Against {
                metric,
                param,
                what: Against::Metric,
            } => format!(
                "{} of each organisation against {}.",
                capitalise(&label(sr, metric)),
                sr.parameters[*param].path
            ),
            SweepChart::Against { metric, param, .. } => format!(
                "{} of each organisation divided by {reference}'s, paired replicate by replicate, against {}; where the line crosses 1 the designs break even.",
                capitalise(&label(sr, metric)),
                sr.parameters[*param].path
            ),
            SweepChart::Heatmap {
                metric,
                org,
                shade: Shade::Metric,
            } => format!(
                "{} {} at every combination of the two swept parameters.",
                possessive(&names[*org]),
                label(sr, metric)
            ),
            SweepChart::Heatmap { metric, org, .. } => format!(
                "Where {} and {reference} each win on {}.",
                names[*org],
                label(sr, metric)
            ),
            SweepChart::Indices { metric, subject } => {
                let whose = if subject.contains('/') {
                    format!(
                        "the log ratio {}",
                        matters::subject_words(subject, sr)
                    )
                } else {
                    subject.clone()
                };
                let how = if sr.scenario().sweep.design == Design::Morris {
                    "Morris μ* and σ"
                } else {
                    "Sobol S1 and ST"
                };
                format!(
                    "{how} of {} for {whose}, per swept parameter, most important first; an index whose 95% interval reaches zero (or the seed-noise floor) is labelled \"no detectable effect\".",
                    label(sr, metric)
                )
            }
            SweepChart::Discovery => "Every sweep point on the two most important parameters, coloured by the design that does better there; each outline is that design's PRIM box on these two parameters (the box may also bound others, as the sentence above says).".to_string(),
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        sr: &SweepResults,
        root: &DrawingArea<DB, Shift>,
    ) -> ChartResult
    where
        DB::ErrorType: 'static,
    {
        match self {
            SweepChart::Against {
                metric,
                param,
                what,
            } => lines::draw(sr, metric, *param, *what, root),
            SweepChart::Heatmap { metric, org, shade } => {
                heatmap::draw(sr, metric, *org, *shade, root)
            }
            SweepChart::Indices { metric, subject } => indices::draw(sr, metric, subject, root),
            SweepChart::Discovery => {
                let d = matters::discover(sr).ok_or("nothing to discover")?;
                let axes = d.axes(sr).ok_or("fewer than two numeric parameters")?;
                discovery::draw(sr, &d, axes, root)
            }
        }
    }

    fn error(&self, sr: &SweepResults, file: Option<&Path>, message: impl ToString) -> ChartError {
        ChartError {
            chart: "sweep",
            file: file.map(Path::to_path_buf),
            message: format!("{}: {}", self.name(sr), message.to_string()),
        }
    }

    /// Draws the chart into `path`.
    pub fn write(&self, sr: &SweepResults, path: &Path, format: Format) -> Result<(), ChartError> {
        ensure_font().map_err(|e| self.error(sr, Some(path), e))?;
        // Through a temporary file: a full disk or a kill never leaves a truncated chart.
        crate::output::charts::atomically(path, |tmp| {
            let result = match format {
                Format::Png => {
                    return crate::output::charts::write_png(tmp, |root| self.draw(sr, root));
                }
                Format::Svg => {
                    let root = SVGBackend::new(tmp, (WIDTH, HEIGHT)).into_drawing_area();
                    self.draw(sr, &root).and_then(|()| Ok(root.present()?))
                }
            };
            result.map_err(|e| e.to_string())
        })
        .map_err(|e| self.error(sr, Some(path), e))
    }

    /// The chart as an SVG document in memory.
    pub fn svg(&self, sr: &SweepResults) -> Result<String, ChartError> {
        ensure_font().map_err(|e| self.error(sr, None, e))?;
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
            self.draw(sr, &root)
                .and_then(|()| Ok(root.present()?))
                .map_err(|e| self.error(sr, None, e))?;
        }
        Ok(out)
    }
}

/// `name's`, or `name'` for a name ending in s.
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

fn label(sr: &SweepResults, metric: &str) -> String {
    Metric::parse_in(metric, sr.scenario()).map_or(metric.to_string(), |m| m.label())
}

/// Every chart of a sweep, in the order the report shows them: per metric, the metric and its
/// ratio against each parameter, then the heatmaps of a two-parameter grid.
pub fn charts(sr: &SweepResults) -> Vec<SweepChart> {
    let s = sr.scenario();
    let orgs = s.orgs.len();
    let reference = s.reference_org();
    let heat = s.sweep.design == Design::Grid && sr.parameters.len() == 2;
    let mut out = Vec::new();
    for metric in &s.sweep.metrics {
        for subject in matters::subjects(sr) {
            if !matters::indices_of(sr, &subject, metric).is_empty() {
                out.push(SweepChart::Indices {
                    metric: metric.clone(),
                    subject,
                });
            }
        }
    }
    if matters::discover(sr).is_some_and(|d| d.axes(sr).is_some()) {
        out.push(SweepChart::Discovery);
    }
    for metric in &s.sweep.metrics {
        for param in 0..sr.parameters.len() {
            out.push(SweepChart::Against {
                metric: metric.clone(),
                param,
                what: Against::Metric,
            });
            if orgs > 1 && !sr.ratio(metric).is_empty() {
                out.push(SweepChart::Against {
                    metric: metric.clone(),
                    param,
                    what: Against::Ratio,
                });
            }
        }
        if heat {
            for org in 0..orgs {
                out.push(SweepChart::Heatmap {
                    metric: metric.clone(),
                    org,
                    shade: Shade::Metric,
                });
            }
            if !sr.ratio(metric).is_empty() {
                for org in (0..orgs).filter(|&o| o != reference) {
                    out.push(SweepChart::Heatmap {
                        metric: metric.clone(),
                        org,
                        shade: Shade::Ratio,
                    });
                }
            }
        }
    }
    out
}

/// Draws every chart of the sweep in `dir` (in the scenario's formats, or `formats`) and its
/// `report.html`; returns the files written.
pub fn render_all_as(dir: &Path, formats: Option<&[Format]>) -> Result<Vec<PathBuf>, RenderError> {
    let sr = SweepResults::load(dir)?;
    render(&sr, dir, formats)
}

/// Draws the charts of `sr` (side by side: each is a file of its own, drawn from the same
/// read-only results, so the bytes do not depend on the threads) and the report into `dir`.
fn render(
    sr: &SweepResults,
    dir: &Path,
    formats: Option<&[Format]>,
) -> Result<Vec<PathBuf>, RenderError> {
    let formats = formats.unwrap_or(&sr.scenario().output.formats).to_vec();
    let jobs: Vec<(SweepChart, Format, PathBuf)> = charts(sr)
        .into_iter()
        .flat_map(|chart| {
            let name = chart.name(sr);
            formats.iter().map(move |&f| {
                let path = dir.join(format!("{name}.{}", extension(f)));
                (chart.clone(), f, path)
            })
        })
        .collect();
    let drawn: Vec<Result<PathBuf, ChartError>> = jobs
        .into_par_iter()
        .map(|(chart, f, path)| chart.write(sr, &path, f).map(|()| path))
        .collect();
    let mut written = drawn.into_iter().collect::<Result<Vec<_>, _>>()?;
    let path = dir.join("report.html");
    let html = report_html(sr)?;
    let tmp = path.with_extension("html.tmp");
    let fail = |source| RenderError::Write {
        path: path.clone(),
        source,
    };
    fs::write(&tmp, html).map_err(fail)?;
    fs::rename(&tmp, &path).map_err(fail)?;
    written.push(path);
    Ok(written)
}

/// [`render_all_as`] in the scenario's own formats.
pub fn render_all(dir: &Path) -> Result<Vec<PathBuf>, RenderError> {
    render_all_as(dir, None)
}

/// What the console says of a sweep once its result is written.
#[derive(Debug, Clone, Default)]
pub struct Said {
    /// The report's headline sentences.
    pub headlines: Vec<String>,
    /// The points overloaded or stopped, for the closing line ("1 point overloaded (3)").
    pub overload: Option<String>,
}

/// [`render_all`], returning what the console says of the sweep, from the same reading of the
/// result.
pub fn render_all_and_say(dir: &Path) -> Result<Said, RenderError> {
    let sr = SweepResults::load(dir)?;
    render(&sr, dir, None)?;
    Ok(Said {
        headlines: headlines(&sr),
        overload: overload_tally(&sr),
    })
}

/// Points listed by name in a sentence before the rest are counted.
const LISTED_POINTS: usize = 8;

/// `3, 7 and 9`, or the first [`LISTED_POINTS`] and how many more.
fn point_list(points: &[usize]) -> String {
    let shown: Vec<String> = points
        .iter()
        .take(LISTED_POINTS)
        .map(ToString::to_string)
        .collect();
    let more = points.len().saturating_sub(LISTED_POINTS);
    match (shown.split_last(), more) {
        (None, _) => String::new(),
        (Some((last, [])), 0) => last.clone(),
        (Some((last, rest)), 0) => format!("{} and {last}", rest.join(", ")),
        (Some(_), more) => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The sweep's points with `status` (`overloaded` or `stopped`).
fn points_with(sr: &SweepResults, status: &str) -> Vec<usize> {
    (0..sr.status.len())
        .filter(|&k| sr.status[k].0 == status)
        .collect()
}

/// For the console's closing line: how many points overloaded and were stopped, and which;
/// `None` when every org kept up at every point.
pub fn overload_tally(sr: &SweepResults) -> Option<String> {
    let over = points_with(sr, STATUS_OVERLOADED);
    let stopped = points_with(sr, STATUS_STOPPED);
    let mut parts = Vec::new();
    if !over.is_empty() {
        parts.push(format!(
            "{} overloaded ({})",
            count(over.len(), "point"),
            point_list(&over)
        ));
    }
    if !stopped.is_empty() {
        parts.push(format!(
            "{} stopped with no values ({})",
            count(stopped.len(), "point"),
            point_list(&stopped)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The points at which an org could not keep up, in words, each with its values; `None` when
/// every org kept up at every point.
pub fn overload_sentence(sr: &SweepResults) -> Option<String> {
    let bad: Vec<usize> = (0..sr.status.len())
        .filter(|&k| sr.status[k].0 != STATUS_OK)
        .collect();
    if bad.is_empty() {
        return None;
    }
    let parts: Vec<String> = bad
        .iter()
        .take(LISTED_POINTS)
        .map(|&k| {
            let values: Vec<String> = sr
                .parameters
                .iter()
                .map(|p| format!("{} = {}", p.path, p.text.get(k).map_or("", String::as_str)))
                .collect();
            let (status, orgs) = &sr.status[k];
            let what = if status == STATUS_STOPPED {
                format!(
                    "stopped when the backlog of {orgs} outgrew its memory, so it has no values"
                )
            } else {
                format!("the backlog of {orgs} kept growing, so latency there understates the wait")
            };
            format!("point {k} ({}): {what}", values.join(", "))
        })
        .collect();
    let more = bad.len().saturating_sub(LISTED_POINTS);
    let tail = if more > 0 {
        format!("; and {more} more (points.csv, column status)")
    } else {
        String::new()
    };
    Some(format!(
        "At {} of {} points an org could not keep up: {}{tail}.",
        bad.len(),
        sr.points,
        parts.join("; ")
    ))
}

/// How one group along a parameter compares with the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Wins,
    Loses,
    Even,
}

/// The headline: for the first charted metric, where each org is best along each parameter and
/// where it wins or loses against the reference, in words.
pub fn headlines(sr: &SweepResults) -> Vec<String> {
    let s = sr.scenario();
    let Some(metric) = s.sweep.metrics.first() else {
        return Vec::new();
    };
    let names = sr.org_names();
    let reference = s.reference_org();
    let what = label(sr, metric);
    let better = Metric::parse_in(metric, s).map_or(Better::Neither, |m| m.better());
    let multi = sr.parameters.len() > 1;
    let over = if multi {
        " (averaged over the other swept parameters)"
    } else {
        ""
    };
    let mut out: Vec<String> = overload_sentence(sr).into_iter().collect();
    let (indices, wins) = matters_sentences(sr);
    out.extend(indices.into_iter().take(1));
    out.extend(wins);
    if s.sweep.design != Design::Grid {
        // A drawn design has other values at every point: there are no groups to compare
        // along one parameter, and the boxes above say where each side wins.
        return out;
    }
    if multi {
        out.extend(point_counts(sr, metric, better));
    }
    for p in &sr.parameters {
        let gs = groups(p);
        if gs.len() < 2 {
            continue;
        }
        // Where each org does best, and how far from there it stays within 10% of its best.
        if matches!(better, Better::Lower | Better::Higher) {
            for (o, name) in names.iter().enumerate() {
                let l = line(sr.summary(metric), o, &gs, false);
                if let Some(text) = best_sentence(&l, &gs, better) {
                    out.push(format!(
                        "{} {what} by {}{over}: {text}.",
                        possessive(name),
                        p.path
                    ));
                }
            }
        }
        for o in (0..names.len()).filter(|&o| o != reference) {
            let l = line(sr.ratio(metric), o, &gs, true);
            if l.is_empty() {
                continue;
            }
            let side = |r: f64, band: Option<(f64, f64)>| -> Side {
                let (lo, hi) = band.unwrap_or((r, r));
                let below = hi < 1.0 && r < 0.9;
                let above = lo > 1.0 && r > 1.1;
                match (better, below, above) {
                    (Better::Higher, _, true) | (Better::Lower, true, _) => Side::Wins,
                    (Better::Higher, true, _) | (Better::Lower, _, true) => Side::Loses,
                    _ => Side::Even,
                }
            };
            let sides: Vec<(Side, f64, String)> = l
                .iter()
                .filter_map(|sm| {
                    let g = gs.iter().find(|g| g.x == sm.x)?;
                    Some((side(sm.mean, sm.band), sm.mean, g.label.clone()))
                })
                .collect();
            let mut parts: Vec<String> = Vec::new();
            let mut i = 0;
            while i < sides.len() {
                let mut j = i;
                while j + 1 < sides.len() && sides[j + 1].0 == sides[i].0 {
                    j += 1;
                }
                let span = if i == j {
                    format!("at {}", sides[i].2)
                } else {
                    format!("from {} to {}", sides[i].2, sides[j].2)
                };
                let ratios = &sides[i..=j];
                let (lo, hi) = ratios.iter().fold((f64::INFINITY, 0.0f64), |(a, b), x| {
                    (a.min(x.1), b.max(x.1))
                });
                let range = if (hi - lo).abs() < 0.005 {
                    format!("{:.2}×", lo)
                } else {
                    format!("{:.2}× to {:.2}×", lo, hi)
                };
                let verb = match sides[i].0 {
                    Side::Wins => "better",
                    Side::Loses => "worse",
                    Side::Even => "within 10% or no clear difference",
                };
                parts.push(format!("{verb} {span} ({range})"));
                i = j + 1;
            }
            out.push(format!(
                "Against {}, {} {what} by {}{over}: {}.",
                names[reference],
                possessive(&names[o]),
                p.path,
                parts.join(", then ")
            ));
        }
    }
    out
}

/// Where a line is best, the run of groups around it within 10% of that best, and how far it
/// moves beyond them: "lowest at 3 (1.73); within 10% of that up to 8; 26.2 at 12".
fn best_sentence(l: &[lines::Summary], gs: &[lines::Group], better: Better) -> Option<String> {
    let lower = better == Better::Lower;
    let (i, best) = l.iter().enumerate().min_by(|a, b| {
        let (x, y) = if lower {
            (a.1.mean, b.1.mean)
        } else {
            (b.1.mean, a.1.mean)
        };
        x.total_cmp(&y)
    })?;
    let name = |k: usize| {
        gs.iter()
            .find(|g| g.x == l[k].x)
            .map_or_else(|| fmt_num(l[k].x), |g| g.label.clone())
    };
    let near = |k: usize| (l[k].mean - best.mean).abs() <= 0.1 * best.mean.abs();
    let (mut lo, mut hi) = (i, i);
    while lo > 0 && near(lo - 1) {
        lo -= 1;
    }
    while hi + 1 < l.len() && near(hi + 1) {
        hi += 1;
    }
    let word = if lower { "lowest" } else { "highest" };
    let mut text = format!("{word} at {} ({})", name(i), fmt_num(best.mean));
    if lo == 0 && hi + 1 == l.len() {
        text.push_str(", and within 10% of that across the whole range");
        return Some(text);
    }
    if (lo, hi) != (i, i) {
        text.push_str(&format!(
            ", within 10% of that from {} to {}",
            name(lo),
            name(hi)
        ));
    }
    let mut beyond = Vec::new();
    if lo > 0 {
        beyond.push(format!("{} at {}", fmt_num(l[0].mean), name(0)));
    }
    if hi + 1 < l.len() {
        let last = l.len() - 1;
        beyond.push(format!("{} at {}", fmt_num(l[last].mean), name(last)));
    }
    if !beyond.is_empty() {
        text.push_str(&format!(", and {}", beyond.join(" and ")));
    }
    Some(text)
}

/// For a sweep of several parameters: at how many points each compared org is better, worse
/// or not clearly different, and the ranges of the parameters where each side wins.
fn point_counts(sr: &SweepResults, metric: &str, better: Better) -> Vec<String> {
    let s = sr.scenario();
    let names = sr.org_names();
    let reference = s.reference_org();
    let what = label(sr, metric);
    let mut out = Vec::new();
    for o in (0..names.len()).filter(|&o| o != reference) {
        let cells: Vec<_> = sr.ratio(metric).iter().filter(|c| c.org == o).collect();
        if cells.is_empty() {
            continue;
        }
        let side = |c: &&crate::output::sweep::read::Cell| -> Side {
            let below = c.high.is_some_and(|h| h < 1.0);
            let above = c.low.is_some_and(|l| l > 1.0);
            match (better, below, above) {
                (Better::Higher, _, true) | (Better::Lower, true, _) => Side::Wins,
                (Better::Higher, true, _) | (Better::Lower, _, true) => Side::Loses,
                _ => Side::Even,
            }
        };
        let count = |want: Side| cells.iter().filter(|c| side(c) == want).count();
        let (w, l, e) = (count(Side::Wins), count(Side::Loses), count(Side::Even));
        let mut text = format!(
            "{} {what} is better than {} at {w} of {} points, worse at {l}, not clearly different at {e}",
            possessive(&names[o]),
            possessive(&names[reference]),
            cells.len()
        );
        let ranges = |want: Side| -> String {
            sr.parameters
                .iter()
                .map(|p| {
                    let mut vals: Vec<(f64, &str)> = cells
                        .iter()
                        .filter(|c| side(c) == want)
                        .map(|c| (p.number[c.point].unwrap_or(0.0), p.text[c.point].as_str()))
                        .collect();
                    vals.sort_by(|a, b| a.0.total_cmp(&b.0));
                    match (vals.first(), vals.last()) {
                        (Some(a), Some(b)) if a.1 == b.1 => format!("{} = {}", p.path, a.1),
                        (Some(a), Some(b)) => format!("{} {} to {}", p.path, a.1, b.1),
                        _ => String::new(),
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if w > 0 {
            text.push_str(&format!("; it wins within {}", ranges(Side::Wins)));
        }
        if l > 0 {
            text.push_str(&format!(
                "; {} wins within {}",
                names[reference],
                ranges(Side::Loses)
            ));
        }
        text.push('.');
        out.push(text);
    }
    out
}

fn chart_figure(h: &mut String, sr: &SweepResults, chart: &SweepChart) -> Result<(), ChartError> {
    let svg = inline_svg(&chart.svg(sr)?);
    let files: Vec<String> = sr
        .scenario()
        .output
        .formats
        .iter()
        .map(|&f| format!("{}.{}", chart.name(sr), extension(f)))
        .collect();
    figure(h, &chart.name(sr), &svg, &chart.caption(sr), &files);
    Ok(())
}

/// The sentences on which settings matter (sobol, morris) and where each design wins.
pub fn matters_sentences(sr: &SweepResults) -> (Vec<String>, Vec<String>) {
    let s = sr.scenario();
    let mut indices = Vec::new();
    for metric in &s.sweep.metrics {
        for subject in matters::subjects(sr) {
            indices.extend(matters::indices_sentence(sr, &subject, metric));
        }
    }
    let wins = matters::discover(sr).map_or_else(Vec::new, |d: Discovery| d.sentences(sr));
    (indices, wins)
}

/// "Which settings matter" (sobol and morris designs) and "Where each design wins".
fn matters_section(h: &mut String, sr: &SweepResults) -> Result<(), ChartError> {
    let s = sr.scenario();
    let (indices, wins) = matters_sentences(sr);
    let all = charts(sr);
    if !indices.is_empty() {
        h.push_str("<section class=\"matters\">\n<h2>Which settings matter</h2>\n");
        let how = if s.sweep.design == Design::Morris {
            "A Morris screening moves one setting at a time along random trajectories through the swept ranges. For each setting, μ* is the mean size of the change in the result when that setting moves across its whole range (how much it matters) and σ the spread of those changes (large when its effect depends on the other settings). Seed noise alone would give a setting with no effect the μ* and σ of the dashed lines; an effect below that is reported as no detectable effect."
        } else {
            "Sobol indices share out the variation of each result across the sweep among the swept settings: S1 is the share a setting explains on its own, ST the share it explains with all its interactions with the others. A setting with ST near zero can be fixed anywhere in its range without changing the result. Replicates separate the seed noise (the luck of one run) from the settings' effects. An index whose 95% interval reaches zero is reported as no detectable effect, never as a negative share."
        };
        let _ = writeln!(h, "<p>{}</p>", esc(how));
        h.push_str("<p class=\"hint\">For a comparison (\"A against B\"), the result is the logarithm of A's metric over B's, paired replicate by replicate: what decides the comparison, not either side alone. Every index is in <code>sensitivity.csv</code>.</p>\n<ul>\n");
        for line in &indices {
            let _ = writeln!(h, "<li>{}</li>", esc(line));
        }
        h.push_str("</ul>\n");
        for chart in all
            .iter()
            .filter(|c| matches!(c, SweepChart::Indices { .. }))
        {
            chart_figure(h, sr, chart)?;
        }
        h.push_str("</section>\n");
    }
    if !wins.is_empty() {
        h.push_str("<section class=\"wins\">\n<h2>Where each design wins</h2>\n");
        let _ = writeln!(
            h,
            "<p>{}</p>",
            esc(
                "At every point of the sweep one design does better than the other on the first charted metric (by the paired ratio of their results). PRIM (Friedman & Fisher 1999) looks for the simplest box of parameter values where one design does better: coverage is the share of that design's winning points inside the box, density the share of the box's points where it wins."
            )
        );
        for line in &wins {
            let _ = writeln!(h, "<p>{}</p>", esc(line));
        }
        for chart in all.iter().filter(|c| matches!(c, SweepChart::Discovery)) {
            chart_figure(h, sr, chart)?;
        }
        h.push_str("</section>\n");
    }
    Ok(())
}

/// The sweep's report as one HTML page.
pub fn report_html(sr: &SweepResults) -> Result<String, ChartError> {
    let s = sr.scenario();
    let m = &sr.manifest;
    let mut h = String::with_capacity(1 << 20);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"orgsim {}\">\n<title>{} — orgsim sweep report</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&m.orgsim_version),
        esc(&s.scenario.name)
    );
    let runs = sr.points * s.orgs.len() * s.scenario.replications as usize;
    let _ = write!(
        h,
        "<header>\n<p class=\"kicker\">orgsim sweep report</p>\n<h1>{}</h1>\n",
        esc(&s.scenario.name)
    );
    if !s.scenario.description.trim().is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"description\">{}</p>",
            esc(s.scenario.description.trim())
        );
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">{} design · {} points × {} organisation designs × {} replicates = {} runs · seed {}</p>",
        esc(s.sweep.design.name()),
        sr.points,
        s.orgs.len(),
        s.scenario.replications,
        runs,
        m.seed
    );
    h.push_str("<ul class=\"orgs\">");
    for (i, org) in s.orgs.iter().enumerate() {
        let _ = write!(h, "<li>{}{}</li>", org_key(i), esc(&org.name));
    }
    h.push_str("</ul>\n</header>\n");

    h.push_str("<section class=\"headline\">\n<h2>In short</h2>\n");
    let hl = headlines(sr);
    if hl.is_empty() {
        h.push_str("<p>Nothing to compare: the sweep has one organisation or one point.</p>\n");
    } else {
        for line in &hl {
            let _ = writeln!(h, "<p>{}</p>", esc(line));
        }
    }
    h.push_str("</section>\n");

    h.push_str("<section>\n<h2>What was swept</h2>\n<table class=\"summary\">\n<thead><tr><th>Parameter</th><th>Values</th></tr></thead>\n<tbody>\n");
    for p in &sr.parameters {
        let levels = p.levels();
        let shown = if levels.len() <= 12 {
            levels.join(", ")
        } else {
            format!(
                "{} values from {} to {}",
                levels.len(),
                levels.first().cloned().unwrap_or_default(),
                levels.last().cloned().unwrap_or_default()
            )
        };
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(&p.path),
            esc(&shown)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    if let Some(crate::scenario::RateScale::Frontline(org)) = &s.sweep.scale_rate_with {
        let name = org
            .clone()
            .or_else(|| s.orgs.get(s.reference_org()).map(|o| o.name.clone()))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<p class=\"hint\">The work rate follows {}'s frontline headcount (<code>scale_rate_with</code>), so its load per frontline agent is the same at every point; every organisation faces that same work, so the others' load per agent changes with it. <code>points.csv</code> gives the rate of each point.</p>",
            esc(&name)
        );
    }
    h.push_str("<p class=\"hint\">Every point's summary is in <code>sweep.csv</code>, its paired ratios in <code>comparisons.csv</code>, every run's metrics in <code>replicates.csv</code>.</p>\n</section>\n");

    matters_section(&mut h, sr)?;

    h.push_str("<section class=\"charts\">\n<h2>Charts</h2>\n");
    for chart in charts(sr).into_iter().filter(|c| !c.matters()) {
        chart_figure(&mut h, sr, &chart)?;
    }
    h.push_str("</section>\n");

    // One row a line: a merge of shards differs from the single run only in the lines of its
    // command and times.
    h.push_str("<footer>\n<h2>Reproducing this sweep</h2>\n<dl>\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), v);
    };
    row("orgsim version", esc(&m.orgsim_version));
    row("Seed", m.seed.to_string());
    command_rows(m, &mut row);
    row("Started", esc(&m.started));
    row("Finished", esc(&m.finished));
    h.push_str("</dl>\n<h3>The scenario</h3>\n<pre>");
    match m.scenario_text.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(text) => h.push_str(&esc(text)),
        None => h.push_str(&esc(
            &serde_json::to_string_pretty(&m.scenario).unwrap_or_default()
        )),
    }
    h.push_str("</pre>\n</footer>\n</main>\n</body>\n</html>\n");
    Ok(h)
}
