//! The tables of a result folder: `timeseries.csv`, `replicates.csv`, `summary.csv`,
//! `latency.csv` and `summary.json` (README "What a run writes").
//!
//! Every writer orders its rows by org (scenario order), then replicate, then tick or metric,
//! whatever order the runs arrive in, and prints floats with Rust's `Display` (the shortest
//! digits that read back to the same bits, no exponent), which does not depend on locale or
//! platform: the same results always give the same bytes.

use std::fmt::Write as _;
use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::metrics::{Comparison, Overload, RunOutput, Summary, SummaryRow, TickMetric};
use crate::output::number;
use crate::scenario::Scenario;

/// The columns of `timeseries.csv` that say whose row it is; a [`TickMetric`] per column follows.
pub const TIMESERIES_KEYS: [&str; 3] = ["org", "replicate", "tick"];
/// Header of `timeseries.csv`: the keys, then every tick metric in catalogue order.
pub const TIMESERIES_HEADER: [&str; TIMESERIES_KEYS.len() + TickMetric::ALL.len()] =
    keyed_header(&TIMESERIES_KEYS);
/// Header of a single run's `timeseries.csv` under `[output] timeseries = "summary"`: the org
/// and the tick, then the mean across replicates of every tick metric.
pub const MEAN_TIMESERIES_HEADER: [&str; 2 + TickMetric::ALL.len()] =
    keyed_header(&["org", "tick"]);

/// A time series header: `keys`, then every tick metric in catalogue order (`N` is their
/// number together).
const fn keyed_header<const N: usize>(keys: &[&'static str]) -> [&'static str; N] {
    let mut header = [""; N];
    let mut i = 0;
    while i < N {
        header[i] = if i < keys.len() {
            keys[i]
        } else {
            TickMetric::ALL[i - keys.len()].name()
        };
        i += 1;
    }
    header
}
/// Header of `replicates.csv`.
pub const REPLICATES_HEADER: [&str; 5] = ["org", "window", "replicate", "metric", "value"];
/// Header of `summary.csv`.
pub const SUMMARY_HEADER: [&str; 7] = ["org", "window", "metric", "mean", "ci_low", "ci_high", "n"];
/// Header of `latency.csv`.
pub const LATENCY_HEADER: [&str; 3] = ["org", "latency", "count"];

/// A CSV field buffer: numbers are formatted into it instead of allocating a string per field.
pub(crate) struct Fields<W: Write> {
    csv: csv::Writer<W>,
    buf: String,
}

impl<W: Write> Fields<W> {
    pub(crate) fn new(out: W, header: &[&str]) -> csv::Result<Self> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(header)?;
        Ok(Fields {
            csv,
            buf: String::new(),
        })
    }

    /// Rows without a header: a part of a table whose header another writer wrote.
    pub(crate) fn headless(out: W) -> Self {
        Fields {
            csv: csv::Writer::from_writer(out),
            buf: String::new(),
        }
    }

    /// The writer, flushed.
    pub(crate) fn into_inner(self) -> csv::Result<W> {
        self.csv
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }

    pub(crate) fn text(&mut self, s: &str) -> csv::Result<()> {
        self.csv.write_field(s)
    }

    pub(crate) fn int(&mut self, x: impl std::fmt::Display) -> csv::Result<()> {
        self.buf.clear();
        let _ = write!(self.buf, "{x}");
        self.csv.write_field(&self.buf)
    }

    /// A non-finite value (validation keeps them out of every result) is written as empty, like
    /// a missing one, so no `inf` or `NaN` ever reaches a table.
    pub(crate) fn float(&mut self, x: f64) -> csv::Result<()> {
        if x.is_finite() {
            self.buf.clear();
            number::push_float(&mut self.buf, x);
            self.csv.write_field(&self.buf)
        } else {
            self.csv.write_field("")
        }
    }

    pub(crate) fn opt(&mut self, x: Option<f64>) -> csv::Result<()> {
        match x {
            Some(x) => self.float(x),
            None => self.csv.write_field(""),
        }
    }

    pub(crate) fn end_row(&mut self) -> csv::Result<()> {
        self.csv.write_record(None::<&[u8]>)
    }

    /// Flush explicitly: a failed write on drop would be silently lost.
    pub(crate) fn finish(mut self) -> csv::Result<()> {
        self.csv.flush()?;
        Ok(())
    }
}

/// A float as written in every orgsim table: shortest round-trip digits, no exponent.
/// A non-finite value is written as empty.
pub fn format_float(x: f64) -> String {
    let mut text = String::new();
    if x.is_finite() {
        number::push_float(&mut text, x);
    }
    text
}

/// `runs` in output order: by org, then replicate.
fn ordered(runs: &[RunOutput]) -> Vec<&RunOutput> {
    let mut order: Vec<&RunOutput> = runs.iter().collect();
    order.sort_by_key(|r| (r.org, r.replicate));
    order
}

/// The name of org `index`, or its index if the scenario has no such org.
pub(crate) fn org_name(orgs: &[String], index: usize) -> String {
    orgs.get(index)
        .cloned()
        .unwrap_or_else(|| index.to_string())
}

/// Write `timeseries.csv`: one row per org, replicate and tick.
pub fn write_timeseries<W: Write>(
    mut out: W,
    orgs: &[String],
    runs: &[RunOutput],
) -> csv::Result<()> {
    Fields::new(&mut out, &TIMESERIES_HEADER)?.finish()?;
    for run in ordered(runs) {
        out.write_all(timeseries_rows(&org_name(orgs, run.org), run)?.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// The rows of `timeseries.csv` for one run of the org named `org`, as the CSV writer writes
/// them. They are formatted straight into text, several times faster than field by field
/// through the writer: a number never needs quoting, and the org's field is quoted once, by
/// the writer.
pub(crate) fn timeseries_rows(org: &str, run: &RunOutput) -> csv::Result<String> {
    let org = csv_field(org)?;
    let mut ints = itoa::Buffer::new();
    let replicate = ints.format(run.replicate).to_string();
    let mut out = String::with_capacity(run.ticks.len() * (org.len() + 112));
    for (tick, t) in run.ticks.iter().enumerate() {
        out.push_str(&org);
        out.push(',');
        out.push_str(&replicate);
        out.push(',');
        out.push_str(ints.format(tick));
        // Counts are written as floats: an integral float prints as the integer does.
        for metric in TickMetric::ALL {
            out.push(',');
            // A non-finite value is written empty, as `Fields::float` writes it.
            if let Some(v) = metric.of(t).filter(|v| v.is_finite()) {
                number::push_float(&mut out, v);
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// `text` as the CSV writer writes it as the first field of a row: quoted if it must be.
fn csv_field(text: &str) -> csv::Result<String> {
    // A quoted field is closed by the delimiter after it: the field and the delimiter are
    // written, then the delimiter dropped.
    let mut f = Fields::headless(Vec::new());
    f.text(text)?;
    f.text("")?;
    let mut field = f.into_inner()?;
    field.pop();
    Ok(String::from_utf8_lossy(&field).into_owned())
}

/// Per tick, the mean across `runs` (one org's, in replicate order) of each tick metric, in
/// catalogue order: over the runs with a value that tick, summed in replicate order; `None`
/// where no run has one. The rows `[output] timeseries = "summary"` keeps.
pub(crate) fn mean_series(runs: &[&RunOutput]) -> Vec<Vec<Option<f64>>> {
    let ticks = runs.iter().map(|r| r.ticks.len()).max().unwrap_or(0);
    (0..ticks)
        .map(|t| {
            TickMetric::ALL
                .iter()
                .map(|m| {
                    let (mut sum, mut n) = (0.0, 0u32);
                    for v in runs
                        .iter()
                        .filter_map(|r| r.ticks.get(t).and_then(|x| m.of(x)))
                    {
                        sum += v;
                        n += 1;
                    }
                    (n > 0).then(|| sum / f64::from(n))
                })
                .collect()
        })
        .collect()
}

/// Each org's runs in replicate order, orgs in scenario order (an org without runs is left
/// out).
pub(crate) fn runs_by_org(runs: &[RunOutput]) -> Vec<Vec<&RunOutput>> {
    ordered(runs)
        .chunk_by(|a, b| a.org == b.org)
        .map(<[&RunOutput]>::to_vec)
        .collect()
}

/// Write a single run's `timeseries.csv` as `[output] timeseries = "summary"` keeps it: one
/// row per org and tick, the mean across replicates of each tick metric ([`mean_series`]).
pub fn write_mean_timeseries<W: Write>(
    out: W,
    orgs: &[String],
    runs: &[RunOutput],
) -> csv::Result<()> {
    let mut f = Fields::new(out, &MEAN_TIMESERIES_HEADER)?;
    for group in runs_by_org(runs) {
        let org = org_name(orgs, group[0].org);
        for (tick, values) in mean_series(&group).iter().enumerate() {
            f.text(&org)?;
            f.int(tick)?;
            for &v in values {
                f.opt(v)?;
            }
            f.end_row()?;
        }
    }
    f.finish()
}

/// Write `replicates.csv`: every summary metric of every run, window by window (`all`,
/// `steady`, each shock), in the run's metric order.
pub fn write_replicates<W: Write>(out: W, orgs: &[String], runs: &[RunOutput]) -> csv::Result<()> {
    let mut f = Fields::new(out, &REPLICATES_HEADER)?;
    for run in ordered(runs) {
        let org = org_name(orgs, run.org);
        for (window, metric, value) in run.windowed() {
            f.text(&org)?;
            f.text(window)?;
            f.int(run.replicate)?;
            f.text(metric)?;
            f.opt(value)?;
            f.end_row()?;
        }
    }
    f.finish()
}

/// Write `summary.csv` from the summary rows, in their order.
pub fn write_summary_csv<W: Write>(out: W, summary: &Summary) -> csv::Result<()> {
    let mut f = Fields::new(out, &SUMMARY_HEADER)?;
    for row in &summary.rows {
        f.text(&row.org)?;
        f.text(&row.window)?;
        summary_fields(&mut f, row)?;
    }
    f.finish()
}

/// A summary row after its org (and window): `metric,mean,ci_low,ci_high,n`, ending the row.
pub(crate) fn summary_fields<W: Write>(f: &mut Fields<W>, row: &SummaryRow) -> csv::Result<()> {
    f.text(&row.metric)?;
    f.opt(row.mean)?;
    f.opt(row.ci_low)?;
    f.opt(row.ci_high)?;
    f.int(row.n)?;
    f.end_row()
}

/// Latency counts per org, pooled over replicates: `result[org][l]` decisions with latency `l`.
pub fn pooled_latency(org_count: usize, runs: &[RunOutput]) -> Vec<Vec<u64>> {
    let mut pooled = vec![Vec::new(); org_count];
    for run in ordered(runs) {
        let Some(counts) = pooled.get_mut(run.org) else {
            continue;
        };
        if counts.len() < run.latency_counts.len() {
            counts.resize(run.latency_counts.len(), 0);
        }
        for (total, &c) in counts.iter_mut().zip(&run.latency_counts) {
            *total += c;
        }
    }
    pooled
}

/// Write `latency.csv`: the pooled latency histogram of each org, non-zero counts only.
pub fn write_latency<W: Write>(out: W, orgs: &[String], runs: &[RunOutput]) -> csv::Result<()> {
    let mut f = Fields::new(out, &LATENCY_HEADER)?;
    for (o, counts) in pooled_latency(orgs.len(), runs).iter().enumerate() {
        for (latency, &count) in counts.iter().enumerate().filter(|&(_, &c)| c > 0) {
            f.text(&orgs[o])?;
            f.int(latency)?;
            f.int(count)?;
            f.end_row()?;
        }
    }
    f.finish()
}

/// The contents of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryFile {
    /// The scenario's name.
    pub scenario: String,
    pub tick_unit: String,
    /// Name of the org the comparisons are against.
    pub reference: String,
    /// Org names in scenario order.
    pub orgs: Vec<String>,
    /// The rows of `summary.csv`.
    pub metrics: Vec<SummaryRow>,
    pub comparisons: Vec<Comparison>,
    pub headlines: Vec<String>,
    /// Each org found overloaded (`docs/model.md` "Overload"); absent when none was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overload: Vec<Overload>,
}

impl SummaryFile {
    /// The `summary.json` of a scenario's summary.
    pub fn new(scenario: &Scenario, summary: &Summary) -> Self {
        let orgs: Vec<String> = scenario.orgs.iter().map(|o| o.name.clone()).collect();
        SummaryFile {
            scenario: scenario.scenario.name.clone(),
            tick_unit: scenario.scenario.tick_unit.clone(),
            reference: orgs
                .get(scenario.reference_org())
                .cloned()
                .unwrap_or_default(),
            orgs,
            metrics: summary.rows.clone(),
            comparisons: summary.comparisons.clone(),
            headlines: summary.headlines.clone(),
            overload: summary.overload.clone(),
        }
    }
}

/// Write `summary.json`, pretty-printed with a final newline.
pub fn write_summary_json<W: Write>(
    mut out: W,
    scenario: &Scenario,
    summary: &Summary,
) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(&mut out, &SummaryFile::new(scenario, summary))?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    out.flush().map_err(serde_json::Error::io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{TickRecord, Verdict};

    fn names() -> Vec<String> {
        vec!["Hierarchy".into(), "Dist, ributed".into()]
    }

    fn run(org: usize, replicate: u32) -> RunOutput {
        RunOutput {
            org,
            replicate,
            ticks: vec![
                TickRecord {
                    arrived: 3,
                    decided: 2,
                    executed: 1,
                    backlog: 2,
                    frozen: 0,
                    latency_mean: Some(1.5),
                    latency_p95: Some(2.0),
                    value: 0.1 + 0.2,
                    good_rate: Some(1.0),
                    utilisation_top: 1e-7,
                    age_mean: Some(0.5),
                },
                TickRecord::default(),
            ],
            metrics: vec![
                ("latency_mean".into(), Some(1.25)),
                ("recovery.s.x".into(), None),
            ],
            windows: vec![("steady".into(), vec![("latency_mean".into(), Some(2.0))])],
            latency_counts: vec![0, 2, 0, org as u64 + 1],
            queued_by_level: Vec::new(),
        }
    }

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut buf = Vec::new();
        f(&mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn an_org_name_is_quoted_in_the_series_as_the_csv_writer_quotes_it() {
        for name in [
            "Plain",
            "Dist, ributed",
            "Say \"hi\"",
            "two\nlines",
            " lead",
            "",
        ] {
            let mut f = Fields::headless(Vec::new());
            f.text(name).unwrap();
            f.text("0").unwrap();
            f.end_row().unwrap();
            let row = String::from_utf8(f.into_inner().unwrap()).unwrap();
            assert_eq!(format!("{},0\n", csv_field(name).unwrap()), row, "{name:?}");
        }
    }

    #[test]
    fn timeseries_rows_are_ordered_and_formatted_deterministically() {
        let runs = [run(1, 0), run(0, 1), run(0, 0)];
        let csv = text(|b| write_timeseries(b, &names(), &runs).unwrap());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "org,replicate,tick,arrived,decided,executed,backlog,frozen,latency_mean,latency_p95,value,good_rate,utilisation_top,age_mean"
        );
        assert_eq!(
            lines[1],
            "Hierarchy,0,0,3,2,1,2,0,1.5,2,0.30000000000000004,1,0.0000001,0.5"
        );
        assert_eq!(lines[2], "Hierarchy,0,1,0,0,0,0,0,,,0,,0,");
        assert_eq!(
            lines[3],
            "Hierarchy,1,0,3,2,1,2,0,1.5,2,0.30000000000000004,1,0.0000001,0.5"
        );
        assert!(lines[5].starts_with("\"Dist, ributed\",0,0,"));
        assert_eq!(lines.len(), 7);
    }

    #[test]
    fn replicates_summary_and_latency_tables() {
        let runs = [run(1, 0), run(0, 0)];
        let csv = text(|b| write_replicates(b, &names(), &runs).unwrap());
        assert_eq!(
            csv,
            "org,window,replicate,metric,value\nHierarchy,all,0,latency_mean,1.25\n\
             Hierarchy,all,0,recovery.s.x,\nHierarchy,steady,0,latency_mean,2\n\
             \"Dist, ributed\",all,0,latency_mean,1.25\n\"Dist, ributed\",all,0,recovery.s.x,\n\
             \"Dist, ributed\",steady,0,latency_mean,2\n"
        );
        let lat = text(|b| write_latency(b, &names(), &[run(1, 0), run(0, 0), run(0, 1)]).unwrap());
        assert_eq!(
            lat,
            "org,latency,count\nHierarchy,1,4\nHierarchy,3,2\n\"Dist, ributed\",1,2\n\"Dist, ributed\",3,2\n"
        );
        let summary = Summary {
            rows: vec![SummaryRow {
                org: "Hierarchy".into(),
                window: "steady".into(),
                metric: "throughput".into(),
                mean: Some(40.0),
                ci_low: None,
                ci_high: None,
                n: 1,
            }],
            ..Summary::default()
        };
        let csv = text(|b| write_summary_csv(b, &summary).unwrap());
        assert_eq!(
            csv,
            "org,window,metric,mean,ci_low,ci_high,n\nHierarchy,steady,throughput,40,,,1\n"
        );
    }

    #[test]
    fn summary_json_has_the_documented_keys() {
        use crate::scenario::{Network, OrgSpec};
        let mut scenario = Scenario::new(
            "Demo",
            100,
            5.0,
            vec![
                OrgSpec::tree("Hierarchy", 4, 3),
                OrgSpec::teams("Teams", 4, 4, Network::Ring),
            ],
        );
        scenario.scenario.tick_unit = "hour".into();
        scenario.scenario.compare_to = Some("Teams".into());
        let summary = Summary {
            rows: vec![],
            comparisons: vec![Comparison {
                org: "Hierarchy".into(),
                reference: "Teams".into(),
                window: "all".into(),
                metric: "latency_mean".into(),
                ratio: Some(2.0),
                ci_low: Some(1.5),
                ci_high: Some(2.5),
                n: 10,
                verdict: Verdict::Worse,
                text: "t".into(),
                org_recovery: None,
                reference_recovery: None,
            }],
            headlines: vec!["h.".into()],
            overload: vec![],
        };
        let json = text(|b| write_summary_json(b, &scenario, &summary).unwrap());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "comparisons",
                "headlines",
                "metrics",
                "orgs",
                "reference",
                "scenario",
                "tick_unit"
            ]
        );
        assert_eq!(v["reference"], "Teams");
        assert_eq!(v["orgs"], serde_json::json!(["Hierarchy", "Teams"]));
        assert_eq!(v["comparisons"][0]["verdict"], "worse");
        let back: SummaryFile = serde_json::from_str(&json).unwrap();
        assert_eq!(back.comparisons, summary.comparisons);
    }
}
