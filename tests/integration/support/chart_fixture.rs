//! A synthetic but realistic result folder, written the way `orgsim run` writes one
//! (README "What a run writes"), so charts and the report can be built and tested without the engine.
//!
//! Three orgs face the same work: a demand surge and then the permanent loss of the top
//! leader. The numbers come from a fluid queue per org (backlog grows while work arrives
//! faster than the org can decide, latency follows Little's law) plus per-replicate noise, so
//! the curves have the shapes real runs have. The hierarchy never recovers from the surge
//! within the horizon, and the distributed org absorbs the loss: both special cases of the
//! recovery chart are exercised.

#![allow(dead_code)]

use orgsim::metrics::{Comparison, SummaryRow, Verdict};
use orgsim::output::{Manifest, SummaryFile};
use orgsim::scenario::{
    CrossUnitMode, LossTarget, Network, OrgSpec, PerLevel, Recovery, RecoveryMetric, Scenario,
    ShockKind, ShockSpec,
};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

pub const ORGS: [&str; 3] = ["Hierarchy", "Distributed", "Mission command"];
pub const TICKS: u32 = 1200;
pub const REPLICATES: u32 = 5;

/// The fixture's org names.
pub fn default_names() -> Vec<String> {
    ORGS.iter().map(|s| s.to_string()).collect()
}

/// The scenario behind the fixture.
pub fn scenario() -> Scenario {
    scenario_with(&default_names())
}

/// The scenario with these orgs: the `i`-th is a copy of the fixture's `i % 3`-th design.
pub fn scenario_with(names: &[String]) -> Scenario {
    let mut hierarchy = OrgSpec::tree(ORGS[0], 6, 4);
    hierarchy.capacity = PerLevel::Levels(vec![1.0, 3.0, 6.0, 10.0]);
    hierarchy.competence = PerLevel::Levels(vec![0.3, 0.5, 0.7, 0.9]);
    hierarchy.authority = PerLevel::Levels(vec![0.2, 0.4, 0.6, 1.0]);
    let mut distributed = OrgSpec::teams(
        ORGS[1],
        216,
        6,
        Network::SmallWorld {
            degree: 4,
            rewire: 0.1,
        },
    );
    distributed.capacity = PerLevel::All(1.3);
    distributed.competence = PerLevel::All(0.45);
    distributed.learning = 0.002;
    let mut mission = OrgSpec::tree(ORGS[2], 6, 4);
    mission.authority = PerLevel::Levels(vec![0.6, 0.8, 0.9, 1.0]);
    mission.competence = PerLevel::Levels(vec![0.45, 0.55, 0.7, 0.9]);
    mission.cross_unit = CrossUnitMode::Consult;

    let mut sc = Scenario::new(
        "Demand surge, then the top leader leaves",
        TICKS,
        40.0,
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut org = [&hierarchy, &distributed, &mission][i % 3].clone();
                org.name = name.clone();
                org
            })
            .collect(),
    );
    sc.scenario.description = "Three designs of the same 1,296-person firm face a tripling of \
                               demand for 100 hours, then lose their top leader for good."
        .into();
    sc.scenario.warmup = 120;
    sc.scenario.tick_unit = "hour".into();
    sc.scenario.replications = REPLICATES;
    sc.scenario.seed = 7;
    sc.work.half_life = Some(48.0);
    sc.work.cross_unit = 0.15;
    sc.shocks = vec![
        ShockSpec {
            name: "Demand surge".into(),
            at: 400,
            duration: Some(100),
            kind: ShockKind::Surge {
                factor: 3.0,
                region: None,
            },
        },
        ShockSpec {
            name: "CEO leaves".into(),
            at: 800,
            duration: None,
            kind: ShockKind::Loss {
                target: LossTarget::Top,
                reroute_after: Some(48),
            },
        },
    ];
    sc.recovery = Recovery {
        metrics: vec![RecoveryMetric::LatencyMean, RecoveryMetric::Throughput],
        ..Recovery::default()
    };
    sc
}

const SCENARIO_TEXT: &str = r#"[scenario]
name = "Demand surge, then the top leader leaves"
description = "Three designs of the same 1,296-person firm face a tripling of demand for 100 hours, then lose their top leader for good."
ticks = 1200
warmup = 120
tick_unit = "hour"
replications = 5
seed = 7

[work]
rate = 40.0
cross_unit = 0.15
half_life = 48

[[org]]
name = "Hierarchy"
structure = "tree"
span = 6
levels = 4
capacity = [1.0, 3.0, 6.0, 10.0]
competence = [0.3, 0.5, 0.7, 0.9]
authority = [0.2, 0.4, 0.6, 1.0]

[[org]]
name = "Distributed"
structure = "teams"
teams = 216
team_size = 6
capacity = 1.3
competence = 0.45
learning = 0.002

[[org]]
name = "Mission command"
structure = "tree"
span = 6
levels = 4
competence = [0.45, 0.55, 0.7, 0.9]
authority = [0.6, 0.8, 0.9, 1.0]
cross_unit = "consult"

[[shock]]
kind = "surge"
name = "Demand surge"
at = 400
duration = 100
factor = 3.0

[[shock]]
kind = "loss"
name = "CEO leaves"
at = 800
target = "top"
reroute_after = 48
"#;

/// A small deterministic generator: the fixture must be the same on every machine.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        // SplitMix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal, mean 0, sd 1.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.next()).sum::<f64>() - 6.0
    }
}

/// Per org: decision capacity per hour before and after the leader leaves, latency at rest.
const CAPACITY: [(f64, f64); 3] = [(46.0, 43.0), (60.0, 60.0), (52.0, 50.0)];
const BASE_LATENCY: [f64; 3] = [9.0, 2.5, 4.5];
const GOOD_RATE: [f64; 3] = [0.86, 0.78, 0.83];

/// Writes the fixture result folder into `dir` (which must exist).
pub fn write(dir: &Path) {
    write_with(dir, &default_names());
}

/// Writes a result folder with these orgs (see [`scenario_with`]); comparisons and headlines
/// only for the fixture's own three.
pub fn write_with(dir: &Path, names: &[String]) {
    let sc = scenario_with(names);
    let manifest = Manifest {
        orgsim_version: "0.1.0".into(),
        scenario: sc.clone(),
        scenario_file: Some("scenarios/surge-then-leader-loss.toml".into()),
        scenario_text: Some(SCENARIO_TEXT.into()),
        seed: 7,
        replications: REPLICATES,
        threads: 2,
        command: [
            "orgsim",
            "run",
            "scenarios/surge-then-leader-loss.toml",
            "--replications",
            "5",
        ]
        .map(String::from)
        .to_vec(),
        started: "2025-06-01T09:30:00Z".into(),
        finished: "2025-06-01T09:30:04Z".into(),
        wall_seconds: 4.2,
    };
    fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();

    let mut ts = String::from(
        "org,replicate,tick,arrived,decided,executed,backlog,frozen,latency_mean,latency_p95,value,good_rate,utilisation_top,age_mean\n",
    );
    let mut latency = String::from("org,latency,count\n");
    for (i, name) in names.iter().enumerate() {
        let o = i % 3;
        let name = csv_field(name);
        let mut hist = vec![0u64; 4000];
        for r in 0..REPLICATES {
            let mut noise = Noise(7 + 1000 * i as u64 + r as u64);
            let rep_speed = 1.0 + 0.03 * noise.normal();
            let mut backlog = 40.0 * BASE_LATENCY[o];
            for t in 0..TICKS {
                let surge = if (400..500).contains(&t) { 3.0 } else { 1.0 };
                let arrived = (40.0 * surge + 6.0 * noise.normal()).max(0.0).round();
                let (before, after) = CAPACITY[o];
                let capacity = if t >= 800 { after } else { before } * rep_speed;
                // The leaderless hierarchy stalls until work is rerouted around the top.
                let capacity = if o == 0 && (800..848).contains(&t) {
                    capacity * 0.7
                } else {
                    capacity
                };
                let in_system = backlog + arrived;
                let executed = in_system
                    .min(capacity * (0.97 + 0.03 * noise.next()))
                    .round();
                backlog = (in_system - executed).max(0.0);
                let at_rest = 40.0 * BASE_LATENCY[o];
                let latency = BASE_LATENCY[o] + (backlog - at_rest).max(0.0) / capacity;
                let latency_tick = (latency * (1.0 + 0.15 * noise.normal())).max(0.0);
                let good = (GOOD_RATE[o] + 0.03 * noise.normal()).clamp(0.0, 1.0);
                let decay = 0.5f64.powf(latency_tick / 48.0);
                let value = executed * (good * decay - (1.0 - good) * 0.5);
                let frozen = if o == 0 && (800..848).contains(&t) {
                    30.0
                } else {
                    0.0
                };
                let (lat, p95, gr) = if executed > 0.0 {
                    (
                        format!("{latency_tick:.3}"),
                        format!("{:.1}", latency_tick * 2.2),
                        format!("{good:.4}"),
                    )
                } else {
                    (String::new(), String::new(), String::new())
                };
                // Work waiting ages by about the time it takes to clear the backlog.
                let age = if backlog > 0.0 {
                    format!("{:.3}", backlog / capacity)
                } else {
                    String::new()
                };
                writeln!(
                    ts,
                    "{name},{r},{t},{arrived},{executed},{executed},{backlog:.0},{frozen},{lat},{p95},{value:.3},{gr},{:.3},{age}",
                    (executed / capacity).min(1.0)
                )
                .unwrap();
                if t >= 120 {
                    // Latencies of this tick's decisions: exponential around the tick's mean.
                    for _ in 0..(executed as usize / 8) {
                        let l = -latency_tick * (1.0 - noise.next()).ln();
                        let last = hist.len() - 1;
                        hist[(l.round() as usize).min(last)] += 8;
                    }
                }
            }
        }
        for (l, c) in hist.iter().enumerate().filter(|(_, c)| **c > 0) {
            writeln!(latency, "{name},{l},{c}").unwrap();
        }
    }
    fs::write(dir.join("timeseries.csv"), ts).unwrap();
    fs::write(dir.join("latency.csv"), latency).unwrap();

    let metrics = summary_metrics(names);
    let own = names == default_names().as_slice();
    let mut summary_csv = String::from("org,window,metric,mean,ci_low,ci_high,n\n");
    let mut replicates_csv = String::from("org,window,replicate,metric,value\n");
    let opt = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    for m in &metrics {
        writeln!(
            summary_csv,
            "{},all,{},{},{},{},{}",
            csv_field(&m.0),
            m.1,
            opt(m.2),
            opt(m.3),
            opt(m.4),
            m.5
        )
        .unwrap();
        for r in 0..REPLICATES {
            let v = if r < m.5 { m.2 } else { None };
            writeln!(
                replicates_csv,
                "{},all,{r},{},{}",
                csv_field(&m.0),
                csv_field(&m.1),
                opt(v)
            )
            .unwrap();
        }
    }
    fs::write(dir.join("summary.csv"), summary_csv).unwrap();
    fs::write(dir.join("replicates.csv"), replicates_csv).unwrap();

    // summary.json through the writer's own types, so the fixture has every field it writes.
    let comparison =
        |org: &str, metric: &str, ratio: Option<[f64; 3]>, verdict, text: &str| Comparison {
            org: org.into(),
            reference: "Hierarchy".into(),
            window: "all".into(),
            metric: metric.into(),
            ratio: ratio.map(|r| r[0]),
            ci_low: ratio.map(|r| r[1]),
            ci_high: ratio.map(|r| r[2]),
            n: if ratio.is_some() { 5 } else { 0 },
            verdict,
            text: text.into(),
            org_recovery: None,
            reference_recovery: None,
        };
    let summary = SummaryFile {
        scenario: sc.scenario.name.clone(),
        tick_unit: "hour".into(),
        reference: "Hierarchy".into(),
        orgs: names.to_vec(),
        metrics: metrics
            .iter()
            .map(|m| SummaryRow {
                org: m.0.clone(),
                window: "all".into(),
                metric: m.1.clone(),
                mean: m.2,
                ci_low: m.3,
                ci_high: m.4,
                n: m.5 as usize,
            })
            .collect(),
        comparisons: if !own {
            vec![]
        } else {
            vec![
                comparison(
                    "Distributed",
                    "latency_mean",
                    Some([0.31, 0.28, 0.35]),
                    Verdict::Better,
                    "Distributed: latency 0.31x (0.28–0.35)",
                ),
                comparison(
                    "Mission command",
                    "latency_mean",
                    Some([0.55, 0.5, 0.61]),
                    Verdict::Better,
                    "Mission command: latency 0.55x (0.50–0.61)",
                ),
                comparison(
                    "Distributed",
                    "good_rate",
                    Some([0.91, 0.88, 0.94]),
                    Verdict::Worse,
                    "Distributed: good decisions 0.91x (0.88–0.94)",
                ),
                comparison(
                    "Distributed",
                    "recovery.Demand surge.latency_mean",
                    None,
                    Verdict::NoRatio,
                    "Hierarchy did not recover from Demand surge (latency_mean) in any replicate; Distributed did in 5 of 5, after 310 hours",
                ),
            ]
        },
        headlines: if !own {
            vec![]
        } else {
            vec![
            "Distributed answered 3.2× faster than Hierarchy (2.9–3.6) and recovered from the Demand surge in 310 hours; Hierarchy did not recover before the run ended.".into(),
            "Hierarchy made 9% fewer bad decisions than Distributed (6–12%).".into(),
            "Distributed absorbed the loss of its top leader; Hierarchy took 150 hours to recover.".into(),
        ]
        },
        overload: vec![],
    };
    fs::write(
        dir.join("summary.json"),
        serde_json::to_string_pretty(&summary).unwrap(),
    )
    .unwrap();
}

/// A CSV field, quoted when it must be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

type Row = (String, String, Option<f64>, Option<f64>, Option<f64>, u32);

fn summary_metrics(names: &[String]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut add = |org: &str, metric: &str, mean: Option<f64>, spread: f64, n: u32| {
        let (lo, hi) = match mean {
            Some(m) if n >= 2 && m == 0.0 => (Some(0.0), Some(0.0)),
            Some(m) if n >= 2 => (Some(m - spread), Some(m + spread)),
            _ => (None, None),
        };
        rows.push((org.to_string(), metric.to_string(), mean, lo, hi, n));
    };
    let n = REPLICATES;
    for (i, org) in names.iter().enumerate() {
        let o = i % 3;
        let l = [31.0, 9.8, 17.5][o];
        add(org, "latency_mean", Some(l), l * 0.06, n);
        add(org, "latency_p50", Some(l * 0.7), l * 0.05, n);
        add(org, "latency_p95", Some(l * 3.0), l * 0.2, n);
        add(org, "latency_p99", Some(l * 4.6), l * 0.3, n);
        add(org, "throughput", Some(40.4), 0.3, n);
        add(org, "backlog_mean", Some(l * 40.0), l * 3.0, n);
        add(
            org,
            "value_total",
            Some([16200.0, 21900.0, 19800.0][o]),
            400.0,
            n,
        );
        add(org, "good_rate", Some(GOOD_RATE[o]), 0.01, n);
        add(
            org,
            "decided_at_frontline",
            Some([0.35, 0.82, 0.64][o]),
            0.02,
            n,
        );
        add(
            org,
            "decided_at_origin",
            Some([0.35, 0.71, 0.64][o]),
            0.02,
            n,
        );
        let levels: &[f64] = match o {
            0 => &[0.35, 0.30, 0.20, 0.15],
            1 => &[0.82, 0.18],
            _ => &[0.64, 0.22, 0.10, 0.04],
        };
        for (lv, share) in levels.iter().enumerate() {
            add(
                org,
                &format!("decided_at.level.{lv}"),
                Some(*share),
                0.015,
                n,
            );
        }
        add(org, "leadership_gini", Some([0.62, 0.21, 0.38][o]), 0.02, n);
        add(org, "frustrated_share", Some([0.27, 0.0, 0.06][o]), 0.01, n);
        add(
            org,
            "utilisation.level.0",
            Some([0.41, 0.62, 0.5][o]),
            0.02,
            n,
        );
        // Recovery: (latency, throughput) per shock; None with share 0 = not recovered.
        let surge: [(Option<f64>, u32); 2] = match o {
            0 => [(None, 0), (Some(420.0), 3)],
            1 => [(Some(310.0), n), (Some(140.0), n)],
            _ => [(Some(560.0), 2), (Some(260.0), n)],
        };
        let loss: [(Option<f64>, u32); 2] = match o {
            0 => [(Some(150.0), n), (Some(96.0), n)],
            1 => [(Some(0.0), n), (Some(0.0), n)],
            _ => [(Some(60.0), n), (Some(0.0), n)],
        };
        for (shock, results) in [("Demand surge", surge), ("CEO leaves", loss)] {
            for (metric, (mean, k)) in ["latency_mean", "throughput"].iter().zip(results) {
                add(org, &format!("recovery.{shock}.{metric}"), mean, 25.0, k);
                add(
                    org,
                    &format!("recovered.{shock}.{metric}"),
                    Some(f64::from(k) / f64::from(n)),
                    0.0,
                    n,
                );
            }
        }
    }
    rows
}
