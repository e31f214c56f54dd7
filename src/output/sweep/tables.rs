//! A sweep's result files, written from its point records in point order: a pure function of
//! the ordered records, so the files are the same bytes however the records were made
//! (threads, interruptions, shards).
//!
//! - `points.csv`: `point`, one column per swept path (and `scaled_rate` with
//!   `scale_rate_with`), `status` (`ok`, `overloaded`, `stopped`) and `overloaded` (the orgs
//!   that could not keep up, `; `-separated).
//! - `sweep.csv`: `point`, the paths, `org`, `window`, `metric`, `mean`, `ci_low`, `ci_high`, `n`:
//!   each point's `summary.csv`.
//! - `comparisons.csv`: `point`, the paths, `org`, `reference`, `window`, `metric`, `ratio`,
//!   `ci_low`, `ci_high`, `n`, `verdict`: each point's paired ratios against the reference org.
//! - `replicates.csv`: `point`, the paths, `org`, `window`, `replicate`, `metric`, `value`.
//! - `sensitivity.csv` (sobol and morris designs): the indices of `sensitivity.rs`, computed
//!   when the last record is in.
//! - `timeseries.csv` (as `[output] timeseries` asks): `org`, `point`, `replicate`, `tick` and
//!   the tick metrics; for `"summary"`, without `replicate`: the mean across replicates.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::record::{Num, PointRecord};
use super::sensitivity::Sensitivity;
use crate::metrics::{ReplicateValue, TickMetric, Verdict, summarise};
use crate::output::OutputError;
use crate::output::tables::{Fields, summary_fields};
use crate::scenario::{Scenario, SweepValue, Timeseries};

type Csv = Fields<BufWriter<File>>;
/// One point's rows of one table, formatted.
type Rows = Fields<Vec<u8>>;

/// A sweep value as a CSV field writes it (a float with the shortest round-trip digits).
pub fn value_text(v: &SweepValue) -> String {
    match v {
        SweepValue::Int(i) => i.to_string(),
        SweepValue::Float(x) => x.to_string(),
        SweepValue::Text(t) => t.clone(),
    }
}

/// A verdict as the files write it.
pub fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        Verdict::AboutTheSame => "about_the_same",
        Verdict::NoInterval => "no_interval",
        Verdict::NoRatio => "no_ratio",
    }
}

/// Header of `sweep.csv` after the point and path columns.
pub const SWEEP_COLUMNS: [&str; 7] = ["org", "window", "metric", "mean", "ci_low", "ci_high", "n"];
/// Header of `comparisons.csv` after the point and path columns.
pub const COMPARISON_COLUMNS: [&str; 9] = [
    "org",
    "reference",
    "window",
    "metric",
    "ratio",
    "ci_low",
    "ci_high",
    "n",
    "verdict",
];
/// Header of a sweep's `replicates.csv` after the point and path columns.
pub const REPLICATE_COLUMNS: [&str; 5] = ["org", "window", "replicate", "metric", "value"];
/// Extra column of `points.csv` with `scale_rate_with`: the rate each point ran at.
pub const SCALED_RATE: &str = "scaled_rate";
/// The last columns of `points.csv`: whether every org kept up, and which did not.
pub const POINT_STATUS: [&str; 2] = ["status", "overloaded"];

/// The open result files of a sweep, taking point records in order.
pub struct SweepTables {
    dir: PathBuf,
    /// points.csv, sweep.csv, comparisons.csv, replicates.csv, then timeseries.csv if kept:
    /// headers written, rows appended as formatted bytes.
    files: Vec<BufWriter<File>>,
    sensitivity: Option<Sensitivity>,
    layout: Layout,
}

/// What a point's rows depend on beside the point itself: the same for every point, so the
/// rows of many points can be formatted at once, on any thread, and come out the same bytes.
struct Layout {
    kept: Timeseries,
    scaled: bool,
    orgs: Vec<String>,
    reference: usize,
    tick_unit: String,
}

/// The file names, in the order of [`SweepTables::files`] and of a point's formatted rows.
const FILES: [&str; 5] = [
    "points.csv",
    "sweep.csv",
    "comparisons.csv",
    "replicates.csv",
    "timeseries.csv",
];

fn csv_err(dir: &Path, name: &str) -> impl FnOnce(csv::Error) -> OutputError {
    let path = dir.join(name);
    move |source| OutputError::Csv { path, source }
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Creates `name` in `dir` with its header line.
fn open(dir: &Path, name: &str, header: &[&str]) -> Result<BufWriter<File>, OutputError> {
    let path = dir.join(name);
    let file = File::create(&path).map_err(|source| OutputError::Io {
        path: path.clone(),
        source,
    })?;
    Csv::new(BufWriter::new(file), header)
        .and_then(Csv::into_inner)
        .map_err(csv_err(dir, name))
}

impl SweepTables {
    /// Creates the files in `dir` for `scenario`'s sweep over `paths`.
    pub fn create(dir: &Path, scenario: &Scenario, paths: &[String]) -> Result<Self, OutputError> {
        let kept = scenario.kept_timeseries();
        let scaled = scenario.sweep.scale_rate_with.is_some();
        let with = |cols: &[&str]| -> Vec<String> {
            std::iter::once("point".to_string())
                .chain(paths.iter().cloned())
                .chain(cols.iter().map(|c| c.to_string()))
                .collect()
        };
        let mut points_cols: Vec<&str> = if scaled { vec![SCALED_RATE] } else { vec![] };
        points_cols.extend(POINT_STATUS);
        let (points_h, sweep_h) = (with(&points_cols), with(&SWEEP_COLUMNS));
        let (comparisons_h, replicates_h) = (with(&COMPARISON_COLUMNS), with(&REPLICATE_COLUMNS));
        let series = match kept {
            Timeseries::Off => None,
            k => {
                let mut h = vec!["org", "point"];
                if k == Timeseries::All {
                    h.push("replicate");
                }
                h.push("tick");
                h.extend(TickMetric::ALL.iter().map(|m| m.name()));
                Some(open(dir, "timeseries.csv", &h)?)
            }
        };
        let mut files = vec![
            open(dir, FILES[0], &strs(&points_h))?,
            open(dir, FILES[1], &strs(&sweep_h))?,
            open(dir, FILES[2], &strs(&comparisons_h))?,
            open(dir, FILES[3], &strs(&replicates_h))?,
        ];
        files.extend(series);
        Ok(SweepTables {
            dir: dir.to_path_buf(),
            files,
            sensitivity: Sensitivity::new(scenario),
            layout: Layout {
                kept,
                scaled,
                orgs: scenario.orgs.iter().map(|o| o.name.clone()).collect(),
                reference: scenario.reference_org(),
                tick_unit: scenario.scenario.tick_unit.clone(),
            },
        })
    }

    /// Writes the rows of `records`, which must follow the points written so far in order.
    /// The rows are formatted in parallel (summaries, intervals and comparisons are most of a
    /// sweep's time after its runs) and written in point order, so the bytes do not depend on
    /// the threads.
    pub fn add(&mut self, records: &[PointRecord]) -> Result<(), OutputError> {
        let formatted: Vec<csv::Result<Vec<Vec<u8>>>> =
            records.par_iter().map(|r| self.layout.rows(r)).collect();
        for (r, rows) in records.iter().zip(formatted) {
            let rows = rows.map_err(csv_err(&self.dir, FILES[1]))?;
            for ((file, bytes), name) in self.files.iter_mut().zip(&rows).zip(FILES) {
                file.write_all(bytes).map_err(|source| OutputError::Io {
                    path: self.dir.join(name),
                    source,
                })?;
            }
            if let Some(s) = self.sensitivity.as_mut() {
                s.add(r);
            }
        }
        Ok(())
    }

    /// Flushes every file.
    pub fn finish(self) -> Result<(), OutputError> {
        let dir = self.dir;
        for (mut file, name) in self.files.into_iter().zip(FILES) {
            file.flush().map_err(|source| OutputError::Io {
                path: dir.join(name),
                source,
            })?;
        }
        if let Some(s) = self.sensitivity {
            let name = "sensitivity.csv";
            let path = dir.join(name);
            let file = File::create(&path).map_err(|source| OutputError::Io {
                path: path.clone(),
                source,
            })?;
            s.write(BufWriter::new(file)).map_err(csv_err(&dir, name))?;
        }
        Ok(())
    }
}

impl Layout {
    /// One point's rows of each file, in the order of [`FILES`] (none of `timeseries.csv`
    /// when no series is kept).
    fn rows(&self, r: &PointRecord) -> csv::Result<Vec<Vec<u8>>> {
        let mut points = Rows::headless(Vec::new());
        let mut sweep = Rows::headless(Vec::new());
        let mut comparisons = Rows::headless(Vec::new());
        let mut replicates = Rows::headless(Vec::new());
        self.points_row(&mut points, r)?;
        self.summary_rows(&mut sweep, &mut comparisons, r)?;
        self.replicate_rows(&mut replicates, r)?;
        let mut out = vec![
            points.into_inner()?,
            sweep.into_inner()?,
            comparisons.into_inner()?,
            replicates.into_inner()?,
        ];
        if self.kept != Timeseries::Off {
            let mut series = Rows::headless(Vec::new());
            self.series_rows(&mut series, r)?;
            out.push(series.into_inner()?);
        }
        Ok(out)
    }

    fn points_row(&self, f: &mut Rows, r: &PointRecord) -> csv::Result<()> {
        lead(f, r)?;
        if self.scaled {
            f.float(r.rate)?;
        }
        f.text(r.status())?;
        let names: Vec<String> = r.overload.iter().map(|o| self.org_name(o.org)).collect();
        f.text(&names.join("; "))?;
        f.end_row()
    }

    fn org_name(&self, org: usize) -> String {
        self.orgs
            .get(org)
            .cloned()
            .unwrap_or_else(|| org.to_string())
    }

    /// `sweep.csv` and `comparisons.csv`: the point's summary, window by window.
    fn summary_rows(
        &self,
        sweep: &mut Rows,
        comparisons: &mut Rows,
        r: &PointRecord,
    ) -> csv::Result<()> {
        let mut values = Vec::new();
        for o in &r.orgs {
            for run in &o.runs {
                for ((window, metric), v) in o.metrics.iter().zip(&run.values) {
                    values.push(ReplicateValue {
                        org: o.org,
                        window: window.clone(),
                        replicate: run.replicate,
                        metric: metric.clone(),
                        value: v.0,
                    });
                }
            }
        }
        // The org record lists each run's values window by window; summarise keeps the windows
        // in that order, by org.
        let summary = summarise(&self.orgs, self.reference, &self.tick_unit, &values);
        for row in &summary.rows {
            lead(sweep, r)?;
            sweep.text(&row.org)?;
            sweep.text(&row.window)?;
            summary_fields(sweep, row)?;
        }
        for c in &summary.comparisons {
            let f = &mut *comparisons;
            lead(f, r)?;
            f.text(&c.org)?;
            f.text(&c.reference)?;
            f.text(&c.window)?;
            f.text(&c.metric)?;
            f.opt(c.ratio)?;
            f.opt(c.ci_low)?;
            f.opt(c.ci_high)?;
            f.int(c.n)?;
            f.text(verdict_name(c.verdict))?;
            f.end_row()?;
        }
        Ok(())
    }

    fn replicate_rows(&self, f: &mut Rows, r: &PointRecord) -> csv::Result<()> {
        for o in &r.orgs {
            let org = self.org_name(o.org);
            for run in &o.runs {
                for ((window, metric), v) in o.metrics.iter().zip(&run.values) {
                    lead(f, r)?;
                    f.text(&org)?;
                    f.text(window)?;
                    f.int(run.replicate)?;
                    f.text(metric)?;
                    f.opt(v.0)?;
                    f.end_row()?;
                }
            }
        }
        Ok(())
    }

    fn series_rows(&self, f: &mut Rows, r: &PointRecord) -> csv::Result<()> {
        let names: Vec<String> = r.orgs.iter().map(|o| self.org_name(o.org)).collect();
        let mut row = |org: &str, replicate: Option<u32>, tick: usize, values: &[Num]| {
            f.text(org)?;
            f.int(r.point)?;
            if let Some(rep) = replicate {
                f.int(rep)?;
            }
            f.int(tick)?;
            for v in values {
                f.opt(v.0)?;
            }
            f.end_row()
        };
        for (o, org) in r.orgs.iter().zip(&names) {
            match self.kept {
                Timeseries::All => {
                    for run in &o.runs {
                        for (t, values) in run.series.iter().flatten().enumerate() {
                            row(org, Some(run.replicate), t, values)?;
                        }
                    }
                }
                Timeseries::Summary => {
                    for (t, values) in o.mean_series.iter().flatten().enumerate() {
                        row(org, None, t, values)?;
                    }
                }
                Timeseries::Off => {}
            }
        }
        Ok(())
    }
}

/// The point and its values, the columns every sweep table starts with.
fn lead<W: Write>(f: &mut Fields<W>, r: &PointRecord) -> csv::Result<()> {
    f.int(r.point)?;
    for v in &r.values {
        f.text(&value_text(v))?;
    }
    Ok(())
}
