//! Reading a sweep's result folder back for its charts and report: the manifest, `points.csv`,
//! and the rows of `sweep.csv` and `comparisons.csv` for the charted metrics in the window
//! `all`. Read from the files alone, so `orgsim report DIR` redraws a sweep without re-running.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::metrics::WINDOW_ALL;
use crate::output::manifest::Manifest;
use crate::output::results::ResultsError;
use crate::scenario::Scenario;

/// A swept parameter's values, point by point.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The dotted path.
    pub path: String,
    /// As written in `points.csv`.
    pub text: Vec<String>,
    /// As numbers; `None` for a name (`"consult"`).
    pub number: Vec<Option<f64>>,
}

impl Parameter {
    /// Whether every value is a number.
    pub fn numeric(&self) -> bool {
        self.number.iter().all(Option::is_some)
    }

    /// The distinct values, in order (numerically, or as first seen for names).
    pub fn levels(&self) -> Vec<String> {
        let mut seen: Vec<(Option<f64>, String)> = Vec::new();
        for (t, n) in self.text.iter().zip(&self.number) {
            if !seen.iter().any(|(_, s)| s == t) {
                seen.push((*n, t.clone()));
            }
        }
        if self.numeric() {
            seen.sort_by(|a, b| a.0.unwrap_or(0.0).total_cmp(&b.0.unwrap_or(0.0)));
        }
        seen.into_iter().map(|(_, t)| t).collect()
    }
}

/// One org's mean and interval of one metric at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The point.
    pub point: usize,
    /// The org's index in the scenario (for a ratio: the compared org).
    pub org: usize,
    /// The mean (for a ratio: the ratio).
    pub mean: Option<f64>,
    /// Lower end of the 95% interval.
    pub low: Option<f64>,
    /// Upper end of the 95% interval.
    pub high: Option<f64>,
    /// Replicates (pairs, for a ratio) that contributed.
    pub n: usize,
}

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRow {
    /// The org, or `A/B` for A's log ratio to B.
    pub org: String,
    /// The window.
    pub window: String,
    /// The metric.
    pub metric: String,
    /// The swept path, or `(seed)`.
    pub parameter: String,
    /// `S1`, `ST`, `seed_share`, `mu_star` or `sigma`.
    pub index: String,
    /// The estimate.
    pub value: f64,
    /// Lower end of its bootstrap interval.
    pub low: Option<f64>,
    /// Upper end of its bootstrap interval.
    pub high: Option<f64>,
    /// Whether the interval clears zero (or the Morris noise floor).
    pub detectable: bool,
}

/// A sweep result folder, read back.
#[derive(Debug, Clone)]
pub struct SweepResults {
    /// The folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The swept parameters, in file order.
    pub parameters: Vec<Parameter>,
    /// Points in the sweep.
    pub points: usize,
    /// Per charted metric: every org's cell at every point (window `all`).
    pub summaries: Vec<(String, Vec<Cell>)>,
    /// Per charted metric: every compared org's ratio to the reference at every point.
    pub ratios: Vec<(String, Vec<Cell>)>,
    /// The rows of `sensitivity.csv` (sobol and morris designs; empty otherwise).
    pub indices: Vec<IndexRow>,
    /// Per point, as `points.csv` gives it: `(status, overloaded orgs)` — `ok`, `overloaded`
    /// or `stopped` (`ok` and none for a folder written before these columns).
    pub status: Vec<(String, String)>,
}

fn invalid(path: &Path, message: impl Into<String>) -> ResultsError {
    ResultsError::Invalid {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn reader(dir: &Path, name: &str) -> Result<(PathBuf, csv::Reader<BufReader<File>>), ResultsError> {
    let path = dir.join(name);
    let file = File::open(&path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ResultsError::Missing {
                path: path.clone(),
                dir: dir.to_path_buf(),
            }
        } else {
            ResultsError::Io {
                path: path.clone(),
                source,
            }
        }
    })?;
    Ok((path, csv::Reader::from_reader(BufReader::new(file))))
}

fn column(path: &Path, headers: &csv::StringRecord, name: &str) -> Result<usize, ResultsError> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| invalid(path, format!("column `{name}` is missing")))
}

fn opt(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

impl SweepResults {
    /// Whether `dir` holds a sweep's result (it has `points.csv`).
    pub fn is_sweep(dir: &Path) -> bool {
        dir.join("points.csv").is_file()
    }

    /// Reads the sweep result in `dir`.
    pub fn load(dir: &Path) -> Result<SweepResults, ResultsError> {
        let mpath = dir.join("manifest.json");
        let text = std::fs::read_to_string(&mpath).map_err(|source| ResultsError::Io {
            path: mpath.clone(),
            source,
        })?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|e| invalid(&mpath, e.to_string()))?;
        let s = &manifest.scenario;
        let paths: Vec<String> = s.sweep.axes.iter().map(|a| a.path.clone()).collect();
        let mut parameters: Vec<Parameter> = paths
            .iter()
            .map(|p| Parameter {
                path: p.clone(),
                text: Vec::new(),
                number: Vec::new(),
            })
            .collect();
        let (ppath, mut points) = reader(dir, "points.csv")?;
        let headers = points
            .headers()
            .map_err(|e| invalid(&ppath, e.to_string()))?
            .clone();
        let cols: Vec<usize> = paths
            .iter()
            .map(|p| column(&ppath, &headers, p))
            .collect::<Result<_, _>>()?;
        let status_cols = (
            headers.iter().position(|h| h == "status"),
            headers.iter().position(|h| h == "overloaded"),
        );
        let mut status = Vec::new();
        let mut count = 0;
        for row in points.records() {
            let row = row.map_err(|e| invalid(&ppath, e.to_string()))?;
            for (param, &c) in parameters.iter_mut().zip(&cols) {
                let t = row.get(c).unwrap_or("").to_string();
                param.number.push(opt(&t));
                param.text.push(t);
            }
            let field = |c: Option<usize>| c.and_then(|c| row.get(c)).unwrap_or("").to_string();
            let st = field(status_cols.0);
            status.push((
                if st.is_empty() { "ok".to_string() } else { st },
                field(status_cols.1),
            ));
            count += 1;
        }
        let metrics = &s.sweep.metrics;
        let summaries = cells(dir, "sweep.csv", s, metrics, "mean")?;
        let ratios = cells(dir, "comparisons.csv", s, metrics, "ratio")?;
        let indices = if dir.join("sensitivity.csv").is_file() {
            index_rows(dir)?
        } else {
            Vec::new()
        };
        Ok(SweepResults {
            dir: dir.to_path_buf(),
            manifest,
            parameters,
            points: count,
            summaries,
            ratios,
            indices,
            status,
        })
    }

    /// The resolved scenario of the sweep.
    pub fn scenario(&self) -> &Scenario {
        &self.manifest.scenario
    }

    /// The org names, in scenario order.
    pub fn org_names(&self) -> Vec<String> {
        self.scenario()
            .orgs
            .iter()
            .map(|o| o.name.clone())
            .collect()
    }

    /// The cells of `metric`, if charted.
    pub fn summary(&self, metric: &str) -> &[Cell] {
        find(&self.summaries, metric)
    }

    /// The ratio cells of `metric`, if charted and compared.
    pub fn ratio(&self, metric: &str) -> &[Cell] {
        find(&self.ratios, metric)
    }
}

/// The rows of `sensitivity.csv`, in file order.
fn index_rows(dir: &Path) -> Result<Vec<IndexRow>, ResultsError> {
    let (path, mut r) = reader(dir, "sensitivity.csv")?;
    let headers = r
        .headers()
        .map_err(|e| invalid(&path, e.to_string()))?
        .clone();
    let col = |n: &str| column(&path, &headers, n);
    let cols = [
        col("org")?,
        col("window")?,
        col("metric")?,
        col("parameter")?,
        col("index")?,
        col("value")?,
        col("ci_low")?,
        col("ci_high")?,
        col("detectable")?,
    ];
    let mut out = Vec::new();
    for (line, row) in r.records().enumerate() {
        let row = row.map_err(|e| invalid(&path, e.to_string()))?;
        let get = |i: usize| row.get(cols[i]).unwrap_or("").to_string();
        let value = opt(&get(5)).ok_or_else(|| {
            invalid(
                &path,
                format!("line {}: `value` should be a number", line + 2),
            )
        })?;
        out.push(IndexRow {
            org: get(0),
            window: get(1),
            metric: get(2),
            parameter: get(3),
            index: get(4),
            value,
            low: opt(&get(6)),
            high: opt(&get(7)),
            detectable: get(8) == "true",
        });
    }
    Ok(out)
}

fn find<'a>(list: &'a [(String, Vec<Cell>)], metric: &str) -> &'a [Cell] {
    list.iter()
        .find(|(m, _)| m == metric)
        .map_or(&[], |(_, c)| c.as_slice())
}

/// The rows of `name` for `metrics` in window `all`, by metric.
fn cells(
    dir: &Path,
    name: &str,
    s: &Scenario,
    metrics: &[String],
    value: &str,
) -> Result<Vec<(String, Vec<Cell>)>, ResultsError> {
    let (path, mut r) = reader(dir, name)?;
    let headers = r
        .headers()
        .map_err(|e| invalid(&path, e.to_string()))?
        .clone();
    let col = |n: &str| column(&path, &headers, n);
    let (point, org, window, metric) = (col("point")?, col("org")?, col("window")?, col("metric")?);
    let (mean, low, high, n) = (col(value)?, col("ci_low")?, col("ci_high")?, col("n")?);
    let mut out: Vec<(String, Vec<Cell>)> =
        metrics.iter().map(|m| (m.clone(), Vec::new())).collect();
    for row in r.records() {
        let row = row.map_err(|e| invalid(&path, e.to_string()))?;
        if row.get(window) != Some(WINDOW_ALL) {
            continue;
        }
        let Some(slot) = out
            .iter_mut()
            .find(|(m, _)| Some(m.as_str()) == row.get(metric))
        else {
            continue;
        };
        let org_name = row.get(org).unwrap_or("");
        let Some(o) = s.orgs.iter().position(|x| x.name == org_name) else {
            return Err(invalid(
                &path,
                format!("org {org_name:?} is not in the scenario"),
            ));
        };
        let p: usize = row
            .get(point)
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| invalid(&path, "`point` should be a whole number"))?;
        slot.1.push(Cell {
            point: p,
            org: o,
            mean: row.get(mean).and_then(opt),
            low: row.get(low).and_then(opt),
            high: row.get(high).and_then(opt),
            n: row.get(n).and_then(|t| t.parse().ok()).unwrap_or(0),
        });
    }
    Ok(out)
}
