//! `sensitivity.csv`: Sobol or Morris indices of a sweep's charted metrics, per org, window and
//! metric, and of each compared org's ratio to the reference (`docs/sensitivity.md`).
//!
//! The indices are a pure function of the point records in point order: [`Sensitivity`] takes
//! the records as `SweepTables` writes them and computes everything at the end, single-threaded,
//! with bootstrap resamples keyed by the scenario seed. So the file is the same bytes however
//! the runs were threaded, interrupted or sharded.
//!
//! Rows, in this order: each org in scenario order, then each compared org's ratio to the
//! reference (org `A/B`: the natural logarithm of A's metric over B's, paired replicate by
//! replicate, so the variance decomposed is that of the log ratio, symmetric in the two orgs);
//! within each, the windows in the order the records give them, the metrics in `[sweep] metrics`
//! order, the parameters in file order (`S1` then `ST`, or `mu_star` then `sigma`), then the
//! seed row: parameter `(seed)`, index `seed_share` (Sobol: the share of a single run's
//! variance that is seed noise) or `mu_star` and `sigma` (Morris: what seed noise alone gives a
//! parameter with no effect, the floor an effect must clear). The last column, `detectable`,
//! says whether the interval clears zero (Sobol) or the noise floor (Morris).
//!
//! An output with no value at some run (a latency where nothing was executed, a ratio where one
//! side is not positive) gets no rows: the indices need a value at every run.

use std::collections::BTreeMap;
use std::io::Write;

use super::record::PointRecord;
use crate::metrics::sensitivity::{Bootstrap, Estimate, Outputs, morris_indices, sobol_indices};
use crate::output::tables::Fields;
use crate::sampling::{MorrisDesign, SaltelliDesign, morris, saltelli};
use crate::scenario::{Design, MORRIS_LEVELS, Scenario};

/// Header of `sensitivity.csv`.
pub const SENSITIVITY_COLUMNS: [&str; 9] = [
    "org",
    "window",
    "metric",
    "parameter",
    "index",
    "value",
    "ci_low",
    "ci_high",
    "detectable",
];
/// The `parameter` of the rows about seed noise.
pub const SEED_PARAMETER: &str = "(seed)";

/// The design a sweep's indices are computed over.
#[derive(Debug, Clone)]
enum Analysis {
    Sobol(SaltelliDesign),
    Morris(MorrisDesign),
}

/// The outputs of one org (or ratio), window and metric, point-major.
type Key = (usize, usize, usize);
/// One org's values at one point by (window, metric), one per replicate (`None` where missing).
type PointValues = BTreeMap<(usize, usize), Vec<Option<f64>>>;

/// Collects a sobol or morris sweep's outputs record by record; writes `sensitivity.csv`.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    analysis: Analysis,
    params: Vec<String>,
    /// Org names, then `A/B` for each compared pair.
    subjects: Vec<String>,
    /// (org, reference) of each ratio subject, after the orgs.
    pairs: Vec<(usize, usize)>,
    metrics: Vec<String>,
    windows: Vec<String>,
    replicates: usize,
    seed: u64,
    points_seen: usize,
    /// Whether the records came in point order, one per point.
    in_order: bool,
    outputs: BTreeMap<Key, Vec<Option<f64>>>,
}

/// The subject name of org `a`'s ratio to `b`.
pub fn ratio_subject(a: &str, b: &str) -> String {
    format!("{a}/{b}")
}

impl Sensitivity {
    /// The collector for `scenario`'s sweep, if its design gives indices (sobol, morris).
    pub fn new(scenario: &Scenario) -> Option<Sensitivity> {
        let sweep = &scenario.sweep;
        let (n, d, seed) = (
            sweep.samples? as usize,
            sweep.axes.len(),
            scenario.scenario.seed,
        );
        let analysis = match sweep.design {
            Design::Sobol => Analysis::Sobol(saltelli(n, d, seed).ok()?),
            Design::Morris => Analysis::Morris(morris(n, d, MORRIS_LEVELS, seed).ok()?),
            Design::Grid | Design::LatinHypercube => return None,
        };
        let names: Vec<String> = scenario.orgs.iter().map(|o| o.name.clone()).collect();
        let reference = scenario.reference_org();
        let pairs: Vec<(usize, usize)> = (0..names.len())
            .filter(|&o| o != reference)
            .map(|o| (o, reference))
            .collect();
        let mut subjects = names.clone();
        subjects.extend(
            pairs
                .iter()
                .map(|&(a, b)| ratio_subject(&names[a], &names[b])),
        );
        Some(Sensitivity {
            analysis,
            params: sweep.axes.iter().map(|a| a.path.clone()).collect(),
            subjects,
            pairs,
            metrics: sweep.metrics.clone(),
            windows: Vec::new(),
            replicates: scenario.scenario.replications as usize,
            seed,
            points_seen: 0,
            in_order: true,
            outputs: BTreeMap::new(),
        })
    }

    fn window(&mut self, name: &str) -> usize {
        match self.windows.iter().position(|w| w == name) {
            Some(i) => i,
            None => {
                self.windows.push(name.to_string());
                self.windows.len() - 1
            }
        }
    }

    /// Takes the next point's record (records must come in point order).
    pub fn add(&mut self, r: &PointRecord) {
        if r.point != self.points_seen as u64 {
            self.in_order = false;
        }
        self.points_seen += 1;
        let reps = self.replicates;
        let orgs = self.subjects.len() - self.pairs.len();
        let mut by_org: Vec<PointValues> = vec![BTreeMap::new(); orgs];
        for o in &r.orgs {
            let Some(slot) = by_org.get_mut(o.org) else {
                continue;
            };
            for (k, (w, m)) in o.metrics.iter().enumerate() {
                let Some(mi) = self.metrics.iter().position(|x| x == m) else {
                    continue;
                };
                let wi = self.window(w);
                let mut values = vec![None; reps];
                for run in &o.runs {
                    if let Some(v) = values.get_mut(run.replicate as usize) {
                        *v = run
                            .values
                            .get(k)
                            .and_then(|n| n.0)
                            .filter(|x| x.is_finite());
                    }
                }
                slot.insert((wi, mi), values);
            }
        }
        for (org, values) in by_org.iter().enumerate() {
            for (&(w, m), v) in values {
                self.outputs.entry((org, w, m)).or_default().extend(v);
            }
        }
        for (p, &(a, b)) in self.pairs.iter().enumerate() {
            for (&(w, m), va) in &by_org[a] {
                let Some(vb) = by_org[b].get(&(w, m)) else {
                    continue;
                };
                let logs = va.iter().zip(vb).map(|(x, y)| match (x, y) {
                    (Some(x), Some(y)) if *x > 0.0 && *y > 0.0 => Some((x / y).ln()),
                    _ => None,
                });
                self.outputs
                    .entry((orgs + p, w, m))
                    .or_default()
                    .extend(logs);
            }
        }
    }

    /// Writes `sensitivity.csv` to `out`.
    pub fn write<W: Write>(&self, out: W) -> csv::Result<()> {
        let mut f = Fields::new(out, &SENSITIVITY_COLUMNS)?;
        let points = match &self.analysis {
            Analysis::Sobol(d) => d.points().len(),
            Analysis::Morris(d) => d.points().len(),
        };
        let complete = self.in_order && self.points_seen == points;
        let bootstrap = Bootstrap {
            seed: self.seed,
            ..Bootstrap::default()
        };
        for (&(s, w, m), values) in &self.outputs {
            let Some(values) = values.iter().copied().collect::<Option<Vec<f64>>>() else {
                continue;
            };
            if !complete || values.len() != points * self.replicates {
                continue;
            }
            let Ok(outputs) = Outputs::new(&values, self.replicates) else {
                continue;
            };
            let mut row = |parameter: &str, index: &str, e: Option<&Estimate>, value: f64| {
                f.text(&self.subjects[s])?;
                f.text(&self.windows[w])?;
                f.text(&self.metrics[m])?;
                f.text(parameter)?;
                f.text(index)?;
                f.float(value)?;
                f.opt(e.map(|e| e.ci_low))?;
                f.opt(e.map(|e| e.ci_high))?;
                match e {
                    Some(e) => f.text(if e.detectable { "true" } else { "false" })?,
                    None => f.text("")?,
                }
                f.end_row()
            };
            match &self.analysis {
                Analysis::Sobol(design) => {
                    let Ok(ix) = sobol_indices(design, &outputs, &bootstrap) else {
                        continue;
                    };
                    for (name, p) in self.params.iter().zip(&ix.params) {
                        row(name, "S1", Some(&p.s1), p.s1.value)?;
                        row(name, "ST", Some(&p.st), p.st.value)?;
                    }
                    if let Some(e) = &ix.seed_share {
                        row(SEED_PARAMETER, "seed_share", Some(e), e.value)?;
                    }
                }
                Analysis::Morris(design) => {
                    let Ok(ix) = morris_indices(design, &outputs, &bootstrap) else {
                        continue;
                    };
                    for (name, p) in self.params.iter().zip(&ix.params) {
                        row(name, "mu_star", Some(&p.mu_star), p.mu_star.value)?;
                        row(name, "sigma", Some(&p.sigma), p.sigma.value)?;
                    }
                    if let Some(floor) = &ix.noise_floor {
                        row(SEED_PARAMETER, "mu_star", None, floor.mu_star)?;
                        row(SEED_PARAMETER, "sigma", None, floor.sigma)?;
                    }
                }
            }
        }
        f.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sweep::{Num, OrgRecord, RunRecord};
    use crate::scenario::{Network, OrgSpec, SweepAxis, SweepRange};

    /// A two-org sobol sweep over two unit ranges, with `replicates` replicates.
    fn scenario(design: Design, samples: u32, replicates: u32) -> Scenario {
        let mut s = Scenario::new(
            "t",
            100,
            1.0,
            vec![
                OrgSpec::tree("H", 2, 2),
                OrgSpec::teams("T", 2, 2, Network::Ring),
            ],
        );
        s.scenario.replications = replicates;
        s.scenario.seed = 9;
        s.sweep.design = design;
        s.sweep.samples = Some(samples);
        s.sweep.metrics = vec!["latency_mean".into()];
        let axis = |path: &str| SweepAxis {
            path: path.into(),
            values: vec![],
            range: Some(SweepRange {
                from: 0.0,
                to: 1.0,
                steps: None,
                log: false,
            }),
        };
        s.sweep.axes = vec![axis("work.rate"), axis("work.cross_unit")];
        s
    }

    /// The records of a sweep whose org H has output `h(u)` and org T `t(u)` at unit point u,
    /// plus a small noise per replicate.
    fn records(
        s: &Scenario,
        h: impl Fn(&[f64]) -> f64,
        t: impl Fn(&[f64]) -> f64,
    ) -> Vec<PointRecord> {
        let points = match &Sensitivity::new(s).unwrap().analysis {
            Analysis::Sobol(d) => d.points().clone(),
            Analysis::Morris(d) => d.points().clone(),
        };
        let reps = s.scenario.replications;
        points
            .rows()
            .enumerate()
            .map(|(k, u)| {
                let org = |org: usize, y: f64| OrgRecord {
                    org,
                    metrics: vec![
                        ("all".into(), "throughput".into()),
                        ("all".into(), "latency_mean".into()),
                    ],
                    runs: (0..reps)
                        .map(|r| {
                            let noise = 0.01 * (((k * 7 + r as usize * 3) % 5) as f64 - 2.0);
                            RunRecord {
                                replicate: r,
                                values: vec![Num(Some(1.0)), Num(Some(y + noise))],
                                series: None,
                            }
                        })
                        .collect(),
                    mean_series: None,
                };
                PointRecord {
                    point: k as u64,
                    values: vec![],
                    rate: 1.0,
                    orgs: vec![org(0, h(u)), org(1, t(u))],
                    overload: vec![],
                }
            })
            .collect()
    }

    fn table(s: &Scenario, records: &[PointRecord]) -> Vec<Vec<String>> {
        let mut sens = Sensitivity::new(s).unwrap();
        for r in records {
            sens.add(r);
        }
        let mut out = Vec::new();
        sens.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(SENSITIVITY_COLUMNS.join(",").as_str()));
        lines
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    }

    fn value(rows: &[Vec<String>], org: &str, param: &str, index: &str) -> (f64, bool) {
        let row = rows
            .iter()
            .find(|r| r[0] == org && r[3] == param && r[4] == index)
            .unwrap_or_else(|| panic!("no row {org} {param} {index}"));
        (row[5].parse().unwrap(), row[8] == "true")
    }

    #[test]
    fn sobol_rows_give_each_org_and_the_log_ratio_their_analytic_indices() {
        let s = scenario(Design::Sobol, 512, 2);
        // H: 4·u0 + u1, variances 16/12 and 1/12: S1 = ST = 16/17 and 1/17.
        // T: H · e^(u1), so ln(T/H) = u1: the ratio depends on u1 alone.
        let h = |u: &[f64]| 10.0 + 4.0 * u[0] + u[1];
        let rows = table(&s, &records(&s, h, |u| h(u) * u[1].exp()));
        // Per subject: 2 parameters × (S1, ST) and the seed share; H, T and T/H.
        assert_eq!(rows.len(), 3 * 5);
        assert!(rows.iter().all(|r| r[1] == "all" && r[2] == "latency_mean"));
        let (s1, seen) = value(&rows, "H", "work.rate", "S1");
        assert!((s1 - 16.0 / 17.0).abs() < 0.03 && seen, "{s1}");
        let (st, _) = value(&rows, "H", "work.cross_unit", "ST");
        assert!((st - 1.0 / 17.0).abs() < 0.01, "{st}");
        let (s1, seen) = value(&rows, "T/H", "work.cross_unit", "S1");
        assert!((s1 - 1.0).abs() < 0.03 && seen, "{s1}");
        let (st, seen) = value(&rows, "T/H", "work.rate", "ST");
        assert!(st.abs() < 0.01 && !seen, "{st} {seen}");
        let (share, _) = value(&rows, "H", SEED_PARAMETER, "seed_share");
        assert!(share > 0.0 && share < 0.01, "{share}");
    }

    #[test]
    fn morris_rows_rank_the_parameters_and_give_the_noise_floor() {
        let s = scenario(Design::Morris, 20, 2);
        let rows = table(&s, &records(&s, |u| 3.0 * u[0], |u| 3.0 + 0.0 * u[1]));
        let (mu_rate, seen) = value(&rows, "H", "work.rate", "mu_star");
        assert!((mu_rate - 3.0).abs() < 0.05 && seen, "{mu_rate}");
        let (mu_cross, seen) = value(&rows, "H", "work.cross_unit", "mu_star");
        assert!(mu_cross < 0.05 && !seen, "{mu_cross}");
        let floor = rows
            .iter()
            .find(|r| r[0] == "H" && r[3] == SEED_PARAMETER && r[4] == "sigma")
            .unwrap();
        assert!(floor[5].parse::<f64>().unwrap() > 0.0);
        assert_eq!((floor[6].as_str(), floor[8].as_str()), ("", ""));
    }

    #[test]
    fn an_output_missing_at_some_run_or_records_out_of_order_give_no_rows() {
        let s = scenario(Design::Sobol, 16, 2);
        let mut recs = records(&s, |u| u[0], |u| 1.0 + u[1]);
        recs[3].orgs[0].runs[1].values[1] = Num(None);
        let rows = table(&s, &recs);
        // H has a gap, and so has the ratio T/H; T keeps its rows.
        assert!(rows.iter().all(|r| r[0] == "T"), "{rows:?}");
        assert!(!rows.is_empty());
        let mut shuffled = records(&s, |u| u[0], |u| 1.0 + u[1]);
        shuffled.swap(0, 1);
        assert!(table(&s, &shuffled).is_empty());
    }
}
