//! `timeseries.csv` written as the runs finish, instead of after the last one: each run's rows
//! are formatted on the thread that ran it, and the file takes them in (org, replicate) order,
//! whatever order the runs finish in, so its bytes are those [`write_timeseries`] writes.
//!
//! [`write_timeseries`]: crate::output::tables::write_timeseries

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::metrics::RunOutput;
use crate::output::OutputError;
use crate::output::tables::{Fields, TIMESERIES_HEADER, org_name, timeseries_rows};

/// `timeseries.csv` of a result folder being filled, taking runs as they finish.
#[derive(Debug)]
pub struct SeriesWriter {
    path: PathBuf,
    orgs: Vec<String>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    out: BufWriter<File>,
    /// The index (in (org, replicate) order) of the next run the file takes.
    next: usize,
    /// Runs finished before an earlier one, formatted, waiting for their turn. Runs of one
    /// org each are started in order, so these are the few that overtook a run still going;
    /// when each replicate's orgs run side by side, the later orgs' runs wait for the first
    /// org's last replicate (held as formatted rows: about a third of the runs' records).
    waiting: BTreeMap<usize, Vec<u8>>,
    /// The first failure to write; later runs are then only counted.
    failed: Option<std::io::Error>,
}

impl SeriesWriter {
    /// Creates `dir/timeseries.csv` with its header, for the orgs named `orgs`.
    pub fn create(dir: &Path, orgs: Vec<String>) -> Result<SeriesWriter, OutputError> {
        let path = dir.join("timeseries.csv");
        let io = |source| OutputError::Io {
            path: path.clone(),
            source,
        };
        let mut out = BufWriter::with_capacity(1 << 16, File::create(&path).map_err(io)?);
        let header = Fields::new(Vec::new(), &TIMESERIES_HEADER)
            .and_then(Fields::into_inner)
            .map_err(|source| OutputError::Csv {
                path: path.clone(),
                source,
            })?;
        out.write_all(&header).map_err(io)?;
        Ok(SeriesWriter {
            path,
            orgs,
            state: Mutex::new(State {
                out,
                next: 0,
                waiting: BTreeMap::new(),
                failed: None,
            }),
        })
    }

    /// Takes run number `index` in (org, replicate) order; called once for each, from any
    /// thread, in any order.
    pub fn add(&self, index: usize, run: &RunOutput) {
        // Formatting fails only on a field the CSV writer refuses, which an org name never is.
        let rows = timeseries_rows(&org_name(&self.orgs, run.org), run).map(String::into_bytes);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => {
                state.failed.get_or_insert(std::io::Error::other(e));
                Vec::new()
            }
        };
        state.waiting.insert(index, rows);
        while let Some(rows) = {
            let next = state.next;
            state.waiting.remove(&next)
        } {
            state.next += 1;
            if state.failed.is_none()
                && let Err(e) = state.out.write_all(&rows)
            {
                state.failed = Some(e);
            }
        }
    }

    /// Flushes the file once every one of `runs` runs has been added.
    pub fn finish(self, runs: usize) -> Result<(), OutputError> {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let io = |source| OutputError::Io {
            path: self.path.clone(),
            source,
        };
        if let Some(e) = state.failed {
            return Err(io(e));
        }
        if state.next != runs || !state.waiting.is_empty() {
            return Err(io(std::io::Error::other(format!(
                "{} of {runs} runs reached the file",
                state.next
            ))));
        }
        let mut out = state.out;
        out.flush().map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::TickRecord;

    fn run(org: usize, replicate: u32) -> RunOutput {
        RunOutput {
            org,
            replicate,
            ticks: (0..3)
                .map(|t| TickRecord {
                    arrived: t + u64::from(replicate),
                    value: 0.1 * (t as f64 + org as f64),
                    latency_mean: (t > 0).then_some(1.0 / 3.0),
                    ..TickRecord::default()
                })
                .collect(),
            metrics: vec![],
            windows: vec![],
            latency_counts: vec![],
            queued_by_level: Vec::new(),
        }
    }

    #[test]
    fn runs_finishing_in_any_order_give_the_bytes_of_the_whole_table() {
        let orgs = vec!["Hierarchy".to_string(), "Teams, of six".to_string()];
        let runs: Vec<RunOutput> = (0..2)
            .flat_map(|o| (0..3).map(move |r| run(o, r)))
            .collect();
        let mut whole = Vec::new();
        crate::output::tables::write_timeseries(&mut whole, &orgs, &runs).unwrap();
        for order in [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 0, 1, 5, 3, 4]] {
            let dir = tempfile::tempdir().unwrap();
            let w = SeriesWriter::create(dir.path(), orgs.clone()).unwrap();
            for i in order {
                w.add(i, &runs[i]);
            }
            w.finish(runs.len()).unwrap();
            let written = std::fs::read(dir.path().join("timeseries.csv")).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(whole.clone()).unwrap(),
                "order {order:?}"
            );
        }
    }

    #[test]
    fn a_missing_run_is_an_error_not_a_short_file() {
        let dir = tempfile::tempdir().unwrap();
        let w = SeriesWriter::create(dir.path(), vec!["H".into()]).unwrap();
        w.add(1, &run(0, 1));
        let e = w.finish(2).unwrap_err().to_string();
        assert!(e.contains("timeseries.csv"), "{e}");
    }
}
