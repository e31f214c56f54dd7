//! The record of one sweep point: every run of it reduced to its summaries (and its time
//! series, as `[output] timeseries` asks), as one line of the sweep's journal.
//!
//! A record describes itself: its point index, the point's values (one per swept path, in the
//! journal header's order), the work rate the point ran at, and per org the names of the
//! metrics its runs report, each run by its org and replicate index. Records of one sweep can be
//! combined in point order from any number of journals (interrupted runs, shards), and every
//! final file is a pure function of the records in point order (`tables.rs`).
//!
//! Numbers are written with the shortest digits that read back to the same bits (`serde_json`
//! with `float_roundtrip`), so a resumed sweep writes exactly what an uninterrupted one does; a
//! value that is not finite is written as a string (`"NaN"`, `"inf"`), no value as `null`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::metrics::{RunOutput, TickMetric};
use crate::scenario::{SweepValue, Timeseries};

/// A metric value in a record; `None`: no value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Num(pub Option<f64>);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            None => s.serialize_none(),
            Some(x) if x.is_finite() => s.serialize_f64(x),
            Some(x) => s.serialize_str(&x.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        Ok(Num(match Option::<Raw>::deserialize(d)? {
            None => None,
            Some(Raw::Number(x)) => Some(x),
            Some(Raw::Text(t)) => Some(t.parse().map_err(serde::de::Error::custom)?),
        }))
    }
}

/// One run's values, in its org's metric order, and its per-tick series if kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The replicate index.
    pub replicate: u32,
    /// One value per `(window, metric)` of its org record.
    pub values: Vec<Num>,
    /// Per tick, one value per tick metric of the journal header (`timeseries = "all"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Vec<Vec<Num>>>,
}

/// The runs of one org at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgRecord {
    /// The org's index in the scenario.
    pub org: usize,
    /// `(window, metric)` of each value, in the order the runs report them.
    pub metrics: Vec<(String, String)>,
    /// Its runs, by replicate.
    pub runs: Vec<RunRecord>,
    /// Per tick, the mean across replicates of each tick metric (`timeseries = "summary"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_series: Option<Vec<Vec<Num>>>,
}

/// An org that could not keep up at a point (`docs/model.md` "Overload").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointOverload {
    /// The org's index in the scenario.
    pub org: usize,
    /// `true`: a run's backlog outgrew its share of memory and was stopped, so the point has
    /// no values; `false`: the runs finished but the backlog kept growing.
    pub stopped: bool,
}

/// A point's `status` in `points.csv`.
pub const STATUS_OK: &str = "ok";
/// The runs finished, but an org's backlog kept growing: its latency understates the wait.
pub const STATUS_OVERLOADED: &str = "overloaded";
/// A run's backlog outgrew its memory and was stopped: the point's metrics are empty.
pub const STATUS_STOPPED: &str = "stopped";

/// Every run of one sweep point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointRecord {
    /// The point's index in design order.
    pub point: u64,
    /// One value per swept path.
    pub values: Vec<SweepValue>,
    /// The work rate the point ran at (after `scale_rate_with`).
    pub rate: f64,
    /// Its orgs, in scenario order.
    pub orgs: Vec<OrgRecord>,
    /// The orgs that could not keep up, in scenario order; empty when all did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overload: Vec<PointOverload>,
}

/// The `(window, metric, value)` of one run: `all`, `steady` and one window per shock.
fn windowed(run: &RunOutput) -> impl Iterator<Item = (&str, &str, Option<f64>)> {
    run.windowed()
}

fn series_of(run: &RunOutput) -> Vec<Vec<Num>> {
    run.ticks
        .iter()
        .map(|t| TickMetric::ALL.iter().map(|m| Num(m.of(t))).collect())
        .collect()
}

/// The per-tick mean across `runs` of each tick metric, as a single run's
/// `timeseries = "summary"` keeps it.
fn mean_series(runs: &[&RunOutput]) -> Vec<Vec<Num>> {
    crate::output::tables::mean_series(runs)
        .into_iter()
        .map(|row| row.into_iter().map(Num).collect())
        .collect()
}

impl PointRecord {
    /// The record of point `point` from its runs, each org's runs in replicate order.
    pub fn new(
        point: u64,
        values: Vec<SweepValue>,
        rate: f64,
        runs: &[RunOutput],
        kept: Timeseries,
    ) -> PointRecord {
        let mut orgs: Vec<OrgRecord> = Vec::new();
        let mut order: Vec<&RunOutput> = runs.iter().collect();
        order.sort_by_key(|r| (r.org, r.replicate));
        for group in order.chunk_by(|a, b| a.org == b.org) {
            // A run stopped as overloaded reports nothing: the names come from one that did.
            let named = group
                .iter()
                .find(|r| !r.metrics.is_empty())
                .unwrap_or(&group[0]);
            let names: Vec<(String, String)> = windowed(named)
                .map(|(w, m, _)| (w.to_string(), m.to_string()))
                .collect();
            let runs = group
                .iter()
                .map(|run| RunRecord {
                    replicate: run.replicate,
                    values: align(&names, run),
                    series: (kept == Timeseries::All).then(|| series_of(run)),
                })
                .collect();
            orgs.push(OrgRecord {
                org: group[0].org,
                metrics: names,
                runs,
                mean_series: (kept == Timeseries::Summary).then(|| mean_series(group)),
            });
        }
        PointRecord {
            point,
            values,
            rate,
            orgs,
            overload: Vec::new(),
        }
    }

    /// The point's `status`: stopped, overloaded or ok.
    pub fn status(&self) -> &'static str {
        if self.overload.iter().any(|o| o.stopped) {
            STATUS_STOPPED
        } else if self.overload.is_empty() {
            STATUS_OK
        } else {
            STATUS_OVERLOADED
        }
    }

    /// The record as one journal line, newline included.
    pub fn to_line(&self) -> serde_json::Result<Vec<u8>> {
        let mut line = serde_json::to_vec(self)?;
        line.push(b'\n');
        Ok(line)
    }
}

/// A run's values in the order of its org's names (every replicate of an org reports the same
/// metrics; a name a run lacks has no value).
fn align(names: &[(String, String)], run: &RunOutput) -> Vec<Num> {
    let mine: Vec<(&str, &str, Option<f64>)> = windowed(run).collect();
    if mine.len() == names.len()
        && mine
            .iter()
            .zip(names)
            .all(|(a, b)| a.0 == b.0 && a.1 == b.1)
    {
        return mine.iter().map(|m| Num(m.2)).collect();
    }
    names
        .iter()
        .map(|(w, n)| Num(mine.iter().find(|m| m.0 == w && m.1 == n).and_then(|m| m.2)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::TickRecord;

    #[test]
    fn every_value_reads_back_to_the_same_bits() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut values: Vec<Num> = (0..2000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                Num(Some(f64::from_bits(x)))
            })
            .collect();
        values.extend([
            Num(None),
            Num(Some(0.1 + 0.2)),
            Num(Some(-0.0)),
            Num(Some(f64::INFINITY)),
            Num(Some(5e-324)),
        ]);
        let text = serde_json::to_string(&values).unwrap();
        let back: Vec<Num> = serde_json::from_str(&text).unwrap();
        for (a, b) in values.iter().zip(&back) {
            match (a.0, b.0) {
                (Some(a), Some(b)) if a.is_nan() => assert!(b.is_nan()),
                (Some(a), Some(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{a}"),
                (a, b) => assert_eq!(a, b),
            }
        }
    }

    fn run(org: usize, replicate: u32, latency: f64) -> RunOutput {
        RunOutput {
            org,
            replicate,
            ticks: vec![
                TickRecord {
                    executed: 2,
                    latency_mean: Some(latency),
                    ..TickRecord::default()
                },
                TickRecord::default(),
            ],
            metrics: vec![("latency_mean".into(), Some(latency))],
            windows: vec![],
            latency_counts: vec![],
            queued_by_level: Vec::new(),
        }
    }

    #[test]
    fn a_record_groups_runs_by_org_in_replicate_order_and_keeps_what_is_asked() {
        let runs = [run(1, 1, 4.0), run(0, 0, 1.0), run(1, 0, 2.0)];
        let r = PointRecord::new(3, vec![SweepValue::Int(5)], 10.0, &runs, Timeseries::Off);
        assert_eq!(r.orgs.len(), 2);
        assert_eq!(r.orgs[1].runs[1].replicate, 1);
        assert_eq!(r.orgs[1].runs[1].values, vec![Num(Some(4.0))]);
        assert!(r.orgs[0].runs[0].series.is_none() && r.orgs[0].mean_series.is_none());
        let s = PointRecord::new(3, vec![], 10.0, &runs, Timeseries::Summary);
        let latency = TickMetric::ALL
            .iter()
            .position(|&m| m == TickMetric::LatencyMean)
            .unwrap();
        let mean = s.orgs[1].mean_series.as_ref().unwrap();
        assert_eq!(mean[0][latency], Num(Some(3.0)));
        assert_eq!(mean[1][latency], Num(None));
        let line = s.to_line().unwrap();
        assert!(line.starts_with(b"{\"point\":3,") && line.ends_with(b"}\n"));
        let back: PointRecord = serde_json::from_slice(&line).unwrap();
        assert_eq!(back, s);
    }
}
