//! The model can say both things: regimes where the hierarchy wins, and where it loses.

use orgsim::experiment::{RunOptions, run};
use orgsim::metrics::stats::mean_ci;
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

/// Value of Distributed minus value of Hierarchy, paired per replicate (common random numbers
/// make the pairing meaningful): the mean difference and its 95% interval. A difference, not a
/// ratio, because value can be negative when most decisions are bad.
fn value_difference(s: &Scenario) -> (f64, f64, f64) {
    let out = run(s, &RunOptions::default()).expect("runs");
    let value = |org: usize| -> Vec<f64> {
        out.iter()
            .filter(|r| r.org == org)
            .map(|r| {
                r.metrics
                    .iter()
                    .find(|(n, _)| n == "value_total")
                    .and_then(|(_, v)| *v)
                    .expect("value")
            })
            .collect()
    };
    let diffs: Vec<f64> = value(1).iter().zip(value(0)).map(|(d, h)| d - h).collect();
    let i = mean_ci(&diffs).expect("replicates");
    (
        i.mean,
        i.ci_low.expect("interval"),
        i.ci_high.expect("interval"),
    )
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
    let (diff, lo, hi) = value_difference(&s);
    assert!(hi < 0.0, "distributed − hierarchy value {diff} ({lo}–{hi})");
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
    let (diff, lo, hi) = value_difference(&s);
    assert!(lo > 0.0, "distributed − hierarchy value {diff} ({lo}–{hi})");
}
