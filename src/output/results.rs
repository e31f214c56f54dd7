//! Reading a result folder back: the manifest, the time series, the latency histogram and the
//! summary, exactly as `orgsim run` wrote them (README "What a run writes").
//!
//! Charts and the report are drawn from a [`ResultSet`] only, never from engine types, so that
//! `orgsim report DIR` can re-render an old result without re-running it. The JSON files are
//! read into the types that wrote them ([`Manifest`], [`SummaryFile`]) and the CSV columns are
//! looked up by the writer's own headers, so a field or column added on one side is not
//! forgotten on the other. `orgsim run` builds the same [`ResultSet`] from the runs in memory
//! ([`orgs_of_runs`], [`ResultSet::with_orgs`]) instead of reading the tables it has just written back.

use crate::metrics::{RunOutput, SummaryRow, TickMetric, TickRecord, WINDOW_ALL};
use crate::output::manifest::Manifest;
use crate::output::tables::{
    LATENCY_HEADER, MEAN_TIMESERIES_HEADER, SummaryFile, TIMESERIES_HEADER,
};
use crate::scenario::{Scenario, Timeseries};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why a result folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// A file the folder must hold is not there.
    #[error("{} is missing: is {} an orgsim result folder?", .path.display(), .dir.display())]
    Missing { path: PathBuf, dir: PathBuf },
    /// A file is there but could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    /// A file is there but its content is not what orgsim writes.
    #[error("{}: {message}", .path.display())]
    Invalid { path: PathBuf, message: String },
}

/// One row of `timeseries.csv`; `None` where the field was empty (no value that tick) or the
/// row is missing.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TickRow {
    pub arrived: Option<f64>,
    pub decided: Option<f64>,
    pub executed: Option<f64>,
    pub backlog: Option<f64>,
    pub frozen: Option<f64>,
    pub latency_mean: Option<f64>,
    pub latency_p95: Option<f64>,
    pub value: Option<f64>,
    pub good_rate: Option<f64>,
    pub utilisation_top: Option<f64>,
    pub age_mean: Option<f64>,
}

impl TickRow {
    /// The row `timeseries.csv` holds for `t`, as read back: a non-finite value is written
    /// empty, and every finite one reads back to the same bits (`Display` prints the
    /// shortest digits that do).
    pub fn of(t: &TickRecord) -> TickRow {
        let mut row = TickRow::default();
        for &metric in TickMetric::ALL {
            *row.field(metric) = metric.of(t).filter(|v| v.is_finite());
        }
        row
    }

    /// The row of tick metric values `values` (in catalogue order) as `timeseries.csv` holds
    /// it read back ([`TickRow::of`]).
    pub fn of_values(values: &[Option<f64>]) -> TickRow {
        let mut row = TickRow::default();
        for (&metric, v) in TickMetric::ALL.iter().zip(values) {
            *row.field(metric) = v.filter(|v| v.is_finite());
        }
        row
    }

    /// The field a tick metric is read into. A metric added to the catalogue (and so to the
    /// writer's header) fails to compile here until `TickRow` has a field for it.
    fn field(&mut self, metric: TickMetric) -> &mut Option<f64> {
        match metric {
            TickMetric::Arrived => &mut self.arrived,
            TickMetric::Decided => &mut self.decided,
            TickMetric::Executed => &mut self.executed,
            TickMetric::Backlog => &mut self.backlog,
            TickMetric::Frozen => &mut self.frozen,
            TickMetric::LatencyMean => &mut self.latency_mean,
            TickMetric::LatencyP95 => &mut self.latency_p95,
            TickMetric::Value => &mut self.value,
            TickMetric::GoodRate => &mut self.good_rate,
            TickMetric::UtilisationTop => &mut self.utilisation_top,
            TickMetric::AgeMean => &mut self.age_mean,
        }
    }
}

/// One replicate's time series: `ticks[t]` is tick `t`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicateSeries {
    pub replicate: u32,
    pub ticks: Vec<TickRow>,
}

/// The latency histogram of one org: `(latency in ticks, decisions)` by increasing latency,
/// pooled across replicates over the summary window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencyHistogram {
    pub counts: Vec<(u64, u64)>,
}

impl LatencyHistogram {
    /// Decisions counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&(_, c)| c).sum()
    }

    /// The smallest latency at or below which at least share `q` of decisions were executed.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let want = q * total as f64;
        let mut seen = 0u64;
        for &(latency, count) in &self.counts {
            seen += count;
            if seen as f64 >= want {
                return Some(latency);
            }
        }
        self.counts.last().map(|&(l, _)| l)
    }
}

/// Everything in one org's part of the result folder.
#[derive(Debug, Clone)]
pub struct OrgResults {
    pub name: String,
    /// The time series the folder keeps: every replicate's, by increasing replicate number
    /// (`[output] timeseries = "all"`); one, replicate 0, holding the mean across replicates
    /// of each tick (`"summary"`); or none (`"none"`).
    pub replicates: Vec<ReplicateSeries>,
    pub latency: LatencyHistogram,
}

/// A result folder, read back.
#[derive(Debug, Clone)]
pub struct ResultSet {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub summary: SummaryFile,
    /// Orgs in scenario order.
    pub orgs: Vec<OrgResults>,
}

/// Every org's series and pooled latencies as a result folder of `runs` of `scenario` keeps
/// them (what [`ResultSet::load`] reads back from `timeseries.csv` and `latency.csv`), built
/// from the runs in memory.
pub fn orgs_of_runs(scenario: &Scenario, runs: &[RunOutput]) -> Vec<OrgResults> {
    let ticks = scenario.scenario.ticks as usize;
    let names: Vec<String> = scenario.orgs.iter().map(|o| o.name.clone()).collect();
    let latency = crate::output::tables::pooled_latency(names.len(), runs);
    let mut orgs: Vec<OrgResults> = names
        .into_iter()
        .zip(latency)
        .map(|(name, counts)| OrgResults {
            name,
            replicates: Vec::new(),
            latency: LatencyHistogram {
                counts: (0u64..).zip(counts).filter(|&(_, c)| c > 0).collect(),
            },
        })
        .collect();
    let kept = scenario.kept_timeseries();
    for group in crate::output::tables::runs_by_org(runs) {
        let Some(org) = orgs.get_mut(group[0].org) else {
            continue;
        };
        match kept {
            Timeseries::All => {
                for run in group {
                    let mut rows = vec![TickRow::default(); ticks];
                    for (row, t) in rows.iter_mut().zip(&run.ticks) {
                        *row = TickRow::of(t);
                    }
                    org.replicates.push(ReplicateSeries {
                        replicate: run.replicate,
                        ticks: rows,
                    });
                }
            }
            Timeseries::Summary => {
                let mut rows = vec![TickRow::default(); ticks];
                for (row, values) in rows
                    .iter_mut()
                    .zip(crate::output::tables::mean_series(&group))
                {
                    *row = TickRow::of_values(&values);
                }
                org.replicates.push(ReplicateSeries {
                    replicate: 0,
                    ticks: rows,
                });
            }
            Timeseries::Off => {}
        }
    }
    orgs
}

impl ResultSet {
    /// Read `manifest.json`, `summary.json`, `timeseries.csv` and `latency.csv` from `dir`.
    pub fn load(dir: &Path) -> Result<ResultSet, ResultsError> {
        let manifest: Manifest = read_json(dir, "manifest.json")?;
        let summary: SummaryFile = read_json(dir, "summary.json")?;
        let scenario = &manifest.scenario;
        // A manifest edited by hand is read with the rules a scenario file is.
        if let Some(p) = crate::scenario::check(scenario).first() {
            return Err(ResultsError::Invalid {
                path: dir.join("manifest.json"),
                message: format!("its scenario is not valid: {}: {}", p.path, p.message),
            });
        }
        let names: Vec<String> = scenario.orgs.iter().map(|o| o.name.clone()).collect();
        if names.is_empty() {
            return Err(ResultsError::Invalid {
                path: dir.join("manifest.json"),
                message: "the scenario has no [[org]]".into(),
            });
        }
        if let Some(extra) = summary.orgs.iter().find(|o| !names.contains(o)) {
            return Err(ResultsError::Invalid {
                path: dir.join("summary.json"),
                message: format!("org {extra:?} is not in the scenario of manifest.json"),
            });
        }
        let series = read_kept_timeseries(dir, &names, scenario)?;
        let mut latency = read_latency(dir, &names)?;
        let orgs = names
            .iter()
            .zip(series)
            .zip(latency.iter_mut())
            .map(|((name, replicates), latency)| OrgResults {
                name: name.clone(),
                replicates,
                latency: std::mem::take(latency),
            })
            .collect();
        Ok(ResultSet {
            dir: dir.to_path_buf(),
            manifest,
            summary,
            orgs,
        })
    }

    /// The result set [`ResultSet::load`] reads from the folder `dir` that holds a run's
    /// tables, built from the runs themselves: `manifest` and `summary` are those of the
    /// folder's `manifest.json` and `summary.json`, `orgs` the series [`orgs_of_runs`] built
    /// from the runs (of the scenario the manifest holds: the same ticks, org names and
    /// series kept).
    pub fn with_orgs(
        dir: &Path,
        manifest: Manifest,
        summary: SummaryFile,
        orgs: Vec<OrgResults>,
    ) -> ResultSet {
        debug_assert!(
            orgs.iter()
                .map(|o| &o.name)
                .eq(manifest.scenario.orgs.iter().map(|o| &o.name)),
            "the orgs are the manifest's"
        );
        ResultSet {
            dir: dir.to_path_buf(),
            manifest,
            summary,
            orgs,
        }
    }

    /// The resolved scenario of the run.
    pub fn scenario(&self) -> &Scenario {
        &self.manifest.scenario
    }

    /// The summary of `metric` for `org` over the whole run (window `all`), if the run
    /// reported it.
    pub fn metric(&self, org: &str, metric: &str) -> Option<&SummaryRow> {
        self.metric_in(WINDOW_ALL, org, metric)
    }

    /// The summary of `metric` for `org` over `window` (`all`, `steady` or a shock's name).
    pub fn metric_in(&self, window: &str, org: &str, metric: &str) -> Option<&SummaryRow> {
        self.summary
            .metrics
            .iter()
            .find(|m| m.window == window && m.org == org && m.metric == metric)
    }

    /// The windows the summary holds, in file order (`all`, `steady`, each shock).
    pub fn windows(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in &self.summary.metrics {
            if !out.contains(&m.window.as_str()) {
                out.push(&m.window);
            }
        }
        out
    }

    /// The scenario's tick unit (`summary.json` wins, as it is what the tables say).
    pub fn tick_unit(&self) -> &str {
        if self.summary.tick_unit.is_empty() {
            &self.manifest.scenario.scenario.tick_unit
        } else {
            &self.summary.tick_unit
        }
    }
}

fn open(dir: &Path, file: &str) -> Result<(PathBuf, String), ResultsError> {
    let path = dir.join(file);
    match fs::read_to_string(&path) {
        Ok(text) => Ok((path, text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ResultsError::Missing {
            path,
            dir: dir.to_path_buf(),
        }),
        Err(source) => Err(ResultsError::Io { path, source }),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, file: &str) -> Result<T, ResultsError> {
    let (path, text) = open(dir, file)?;
    serde_json::from_str(&text).map_err(|e| ResultsError::Invalid {
        path,
        message: e.to_string(),
    })
}

/// A CSV file with its columns looked up by name, so column order does not matter.
struct Table {
    path: PathBuf,
    reader: csv::Reader<io::Cursor<String>>,
    columns: Vec<usize>,
    /// Bytes in the file: a bound on how many rows it can hold.
    len: usize,
}

impl Table {
    fn open(dir: &Path, file: &str, wanted: &[&str]) -> Result<Table, ResultsError> {
        let (path, text) = open(dir, file)?;
        let len = text.len();
        let mut reader = csv::Reader::from_reader(io::Cursor::new(text));
        let headers = reader
            .headers()
            .map_err(|e| ResultsError::Invalid {
                path: path.clone(),
                message: e.to_string(),
            })?
            .clone();
        if headers.iter().any(|h| h == "point") {
            return Err(ResultsError::Invalid {
                path,
                message: "this is a sweep result (it has a `point` column); charts and the \
                          report cover single-point runs only"
                    .into(),
            });
        }
        let mut columns = Vec::with_capacity(wanted.len());
        for name in wanted {
            match headers.iter().position(|h| h == *name) {
                Some(i) => columns.push(i),
                None => {
                    return Err(ResultsError::Invalid {
                        path,
                        message: format!(
                            "column `{name}` is missing (header: {})",
                            headers.iter().collect::<Vec<_>>().join(",")
                        ),
                    });
                }
            }
        }
        Ok(Table {
            path,
            reader,
            columns,
            len,
        })
    }

    /// Calls `row` with each record's wanted fields, in the order they were asked for.
    fn for_each(
        mut self,
        mut row: impl FnMut(&[&str]) -> Result<(), String>,
    ) -> Result<(), ResultsError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    return Err(ResultsError::Invalid {
                        path: self.path,
                        message: e.to_string(),
                    });
                }
            }
            let line = record.position().map_or(0, |p| p.line());
            let fields: Vec<&str> = self
                .columns
                .iter()
                .map(|&i| record.get(i).unwrap_or(""))
                .collect();
            row(&fields).map_err(|message| ResultsError::Invalid {
                path: self.path.clone(),
                message: format!("line {line}: {message}"),
            })?;
        }
    }
}

fn org_index(names: &[String], org: &str) -> Result<usize, String> {
    names
        .iter()
        .position(|n| n == org)
        .ok_or_else(|| format!("org {org:?} is not in the scenario of manifest.json"))
}

fn parse_int(column: &str, text: &str) -> Result<u64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("`{column}` should be a whole number, found {text:?}"))
}

fn parse_opt(column: &str, text: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Ok(None),
        Err(_) => Err(format!(
            "`{column}` should be a number or empty, found {text:?}"
        )),
    }
}

/// The series `timeseries.csv` holds, by org, as the scenario's `[output] timeseries` kept
/// them: every replicate's (`"all"`), one series of the per-tick means (`"summary"`, read as
/// replicate 0), or none (`"none"`: the file is not read, and may be absent).
fn read_kept_timeseries(
    dir: &Path,
    names: &[String],
    scenario: &Scenario,
) -> Result<Vec<Vec<ReplicateSeries>>, ResultsError> {
    let ticks = scenario.scenario.ticks;
    match scenario.kept_timeseries() {
        Timeseries::All => read_timeseries(dir, names, ticks, true),
        Timeseries::Summary => read_timeseries(dir, names, ticks, false),
        Timeseries::Off => Ok(vec![Vec::new(); names.len()]),
    }
}

/// `timeseries.csv` by org: with a `replicate` column, a series per replicate; without (the
/// per-tick means of `timeseries = "summary"`), one series, replicate 0, each tick once.
fn read_timeseries(
    dir: &Path,
    names: &[String],
    ticks: u32,
    by_replicate: bool,
) -> Result<Vec<Vec<ReplicateSeries>>, ResultsError> {
    let header: &[&str] = if by_replicate {
        &TIMESERIES_HEADER
    } else {
        &MEAN_TIMESERIES_HEADER
    };
    let table = Table::open(dir, "timeseries.csv", header)?;
    // The key columns before the metrics.
    let keys = header.len() - TickMetric::ALL.len();
    let mut by_org: Vec<BTreeMap<u32, Vec<TickRow>>> = vec![BTreeMap::new(); names.len()];
    // A file of means has one row per org and tick: a second is a file of another kind.
    let mut seen: Vec<Vec<bool>> = Vec::new();
    // Every series has a row of several bytes per tick: a file too short for the ticks the
    // manifest claims was edited, and is refused before memory is set aside for them.
    let room = table.len;
    let mut series_count = 0usize;
    table.for_each(|f| {
        let org = org_index(names, f[0])?;
        let replicate = if by_replicate {
            u32::try_from(parse_int("replicate", f[1])?)
                .map_err(|_| format!("replicate {} is out of range", f[1]))?
        } else {
            0
        };
        let tick = parse_int("tick", f[keys - 1])?;
        if tick >= u64::from(ticks) {
            return Err(format!(
                "tick {tick} is beyond the scenario's {ticks} ticks"
            ));
        }
        let mut row = TickRow::default();
        for (&metric, text) in TickMetric::ALL.iter().zip(&f[keys..]) {
            *row.field(metric) = parse_opt(metric.name(), text)?;
        }
        if !by_replicate {
            if seen.is_empty() {
                seen = vec![vec![false; ticks as usize]; names.len()];
            }
            if std::mem::replace(&mut seen[org][tick as usize], true) {
                return Err(format!(
                    "a second row for org {:?} at tick {tick}: manifest.json's scenario keeps \
                     the mean across replicates (`timeseries = \"summary\"`), one row per org \
                     and tick",
                    names[org]
                ));
            }
        }
        if !by_org[org].contains_key(&replicate) {
            series_count += 1;
            if series_count.saturating_mul(ticks as usize) > room {
                return Err(format!(
                    "the file is too short for {series_count} series of {ticks} ticks: \
                     does manifest.json's `ticks` belong to this result?"
                ));
            }
        }
        let series = by_org[org]
            .entry(replicate)
            .or_insert_with(|| vec![TickRow::default(); ticks as usize]);
        series[tick as usize] = row;
        Ok(())
    })?;
    if let Some(i) = by_org.iter().position(BTreeMap::is_empty) {
        return Err(ResultsError::Invalid {
            path: dir.join("timeseries.csv"),
            message: format!("no rows for org {:?}", names[i]),
        });
    }
    Ok(by_org
        .into_iter()
        .map(|reps| {
            reps.into_iter()
                .map(|(replicate, ticks)| ReplicateSeries { replicate, ticks })
                .collect()
        })
        .collect())
}

fn read_latency(dir: &Path, names: &[String]) -> Result<Vec<LatencyHistogram>, ResultsError> {
    let table = Table::open(dir, "latency.csv", &LATENCY_HEADER)?;
    let mut by_org: Vec<BTreeMap<u64, u64>> = vec![BTreeMap::new(); names.len()];
    table.for_each(|f| {
        let org = org_index(names, f[0])?;
        let latency = parse_int("latency", f[1])?;
        let count = parse_int("count", f[2])?;
        *by_org[org].entry(latency).or_insert(0) += count;
        Ok(())
    })?;
    Ok(by_org
        .into_iter()
        .map(|m| LatencyHistogram {
            counts: m.into_iter().collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_histogram() {
        let h = LatencyHistogram {
            counts: vec![(0, 50), (2, 40), (10, 10)],
        };
        assert_eq!(h.total(), 100);
        assert_eq!(h.quantile(0.5), Some(0));
        assert_eq!(h.quantile(0.51), Some(2));
        assert_eq!(h.quantile(0.95), Some(10));
        assert_eq!(LatencyHistogram::default().quantile(0.5), None);
    }

    #[test]
    fn every_column_the_writer_writes_is_read_into_its_own_field() {
        use crate::metrics::{RunOutput, TickRecord};
        // A distinct value per column, so a column read into the wrong field shows.
        let record = TickRecord {
            arrived: 1,
            decided: 2,
            executed: 3,
            backlog: 4,
            frozen: 5,
            latency_mean: Some(6.5),
            latency_p95: Some(7.5),
            value: 8.5,
            good_rate: Some(0.9),
            utilisation_top: 0.1,
            age_mean: Some(11.5),
        };
        let run = RunOutput {
            org: 0,
            replicate: 3,
            ticks: vec![record, TickRecord::default()],
            metrics: vec![],
            windows: vec![],
            latency_counts: vec![],
            queued_by_level: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();
        let names = vec!["Hierarchy".to_string()];
        let file = fs::File::create(dir.path().join("timeseries.csv")).unwrap();
        crate::output::tables::write_timeseries(file, &names, &[run]).unwrap();

        let series = read_timeseries(dir.path(), &names, 2, true).unwrap();
        assert_eq!(series[0][0].replicate, 3);
        assert_eq!(
            series[0][0].ticks[0],
            TickRow {
                arrived: Some(1.0),
                decided: Some(2.0),
                executed: Some(3.0),
                backlog: Some(4.0),
                frozen: Some(5.0),
                latency_mean: Some(6.5),
                latency_p95: Some(7.5),
                value: Some(8.5),
                good_rate: Some(0.9),
                utilisation_top: Some(0.1),
                age_mean: Some(11.5),
            }
        );
        assert_eq!(series[0][0].ticks[1].latency_mean, None);
    }

    #[test]
    fn a_missing_folder_names_the_file() {
        let err = ResultSet::load(Path::new("/nonexistent/orgsim-results")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("manifest.json"), "{text}");
        assert!(text.contains("is missing"), "{text}");
    }
}
