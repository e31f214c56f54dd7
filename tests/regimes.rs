//! The model can say both things: regimes where the hierarchy wins, and where it loses.

use orgsim::experiment::{RunOptions, run};
use orgsim::metrics::stats::paired_ratio;
use orgsim::scenario::{CrossUnitMode, Dist, Network, OrgSpec, PerLevel, Scenario};

fn hierarchy(frontline_competence: f64) -> OrgSpec {
    let mut o = OrgSpec::tree("Hierarchy", 6, 3);
    o.capacity = PerLevel::Levels(vec![1.0, 2.0, 3.0]);
    o.competence = PerLevel::Levels(vec![frontline_competence, 0.7, 0.9]);
    o.authority = PerLevel::Levels(vec![0.25, 0.5, 1.0]);
    o.cross_unit = CrossUnitMode::Escalate;
    o
}

fn distributed(competence: f64) -> OrgSpec {
    let mut o = OrgSpec::teams("Distributed", 6, 6, Network::Ring);
    o.capacity = PerLevel::All(1.0);
    o.competence = PerLevel::All(competence);
    o.authority = PerLevel::All(1.0);
    o.cross_unit = CrossUnitMode::Consult;
    o.patience = 12;
    o
}

/// Value ratio Distributed / Hierarchy, paired per replicate, with its interval.
fn value_ratio(s: &Scenario) -> (f64, f64, f64) {
    let out = run(s, &RunOptions::default()).expect("runs");
    let value = |org: usize| -> Vec<Option<f64>> {
        out.iter()
            .filter(|r| r.org == org)
            .map(|r| {
                r.metrics
                    .iter()
                    .find(|(n, _)| n == "value_total")
                    .and_then(|(_, v)| *v)
            })
            .collect()
    };
    let (h, d) = (value(0), value(1));
    // Value can be negative; compare the mean difference where a ratio is undefined.
    let r = paired_ratio(&d, &h);
    match r {
        Some(r) => (
            r.ratio,
            r.ci_low.unwrap_or(f64::NAN),
            r.ci_high.unwrap_or(f64::NAN),
        ),
        None => {
            let mean = |v: &[Option<f64>]| v.iter().flatten().sum::<f64>() / v.len() as f64;
            (mean(&d) / mean(&h), f64::NAN, f64::NAN)
        }
    }
}

#[test]
fn the_hierarchy_wins_with_interdependent_work_low_load_and_weak_frontline() {
    let mut s = Scenario::new(
        "hierarchy wins",
        1500,
        3.0,
        vec![hierarchy(0.2), distributed(0.2)],
    );
    s.work.cross_unit = 0.6;
    s.work.reach = Dist::Uniform([0.1, 0.4]);
    s.work.half_life = Some(200.0);
    s.scenario.replications = 8;
    let (ratio, lo, hi) = value_ratio(&s);
    assert!(
        ratio < 1.0 && !(hi >= 1.0),
        "distributed/hierarchy value {ratio} ({lo}–{hi})"
    );
}

#[test]
fn the_hierarchy_loses_under_load_with_a_capable_frontline() {
    let mut s = Scenario::new(
        "hierarchy loses",
        1500,
        30.0,
        vec![hierarchy(0.6), distributed(0.6)],
    );
    s.work.cross_unit = 0.05;
    s.work.half_life = Some(12.0);
    s.scenario.replications = 8;
    let (ratio, lo, hi) = value_ratio(&s);
    assert!(
        ratio > 1.0 && !(lo <= 1.0),
        "distributed/hierarchy value {ratio} ({lo}–{hi})"
    );
}
