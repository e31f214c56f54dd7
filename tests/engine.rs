//! Engine properties: analytic queueing values, conservation, shocks.

use orgsim::engine::Engine;
use orgsim::metrics::stats::mean_ci;
use orgsim::scenario::{Dist, OrgSpec, PerLevel, Scenario};

fn metric(run: &orgsim::metrics::RunOutput, name: &str) -> Option<f64> {
    run.metrics
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| *v)
}

/// Mean latency across replicates with its 95% interval.
fn latency_interval(s: &Scenario, org: usize) -> (f64, f64, f64) {
    let values: Vec<f64> = (0..s.scenario.replications)
        .map(|r| metric(&Engine::new(s, org, r).run(), "latency_mean").expect("decisions executed"))
        .collect();
    let i = mean_ci(&values).expect("replicates");
    (i.mean, i.ci_low.unwrap(), i.ci_high.unwrap())
}

#[test]
fn single_agent_has_the_slotted_md1_wait() {
    let mut org = OrgSpec::tree("Solo", 1, 1);
    org.capacity = PerLevel::All(1.0);
    let mut s = Scenario::new("md1", 20_000, 0.7, vec![org]);
    s.work.effort = Dist::Fixed(1.0);
    s.scenario.replications = 12;
    s.quality.rework = 0.0;
    s.scenario.warmup = 1000;
    let (mean, lo, hi) = latency_interval(&s, 0);
    let expected = 0.7 / (2.0 * 0.3);
    assert!(
        lo <= expected && expected <= hi,
        "mean {mean} ({lo}–{hi}), expected {expected}"
    );
}

#[test]
fn a_three_level_tree_escalating_everything_adds_the_trip_up_and_down() {
    let mut org = OrgSpec::tree("Tree", 3, 3);
    org.capacity = PerLevel::All(1.0);
    // Nobody below the top may decide anything.
    org.authority = PerLevel::Levels(vec![-1.0, -1.0, 1.0]);
    org.competence = PerLevel::All(1.0);
    let mut s = Scenario::new("tree", 20_000, 0.8, vec![org]);
    s.scenario.replications = 12;
    s.quality.rework = 0.0;
    s.scenario.warmup = 1000;
    let (mean, lo, hi) = latency_interval(&s, 0);
    // Two ticks of M/D/1 wait at the top (0.8 / (2 * 0.2)) plus two links up and two down.
    let expected = 2.0 + 2.0 * 2.0;
    assert!(
        lo <= expected && expected <= hi,
        "mean {mean} ({lo}–{hi}), expected {expected}"
    );
}

#[test]
fn conservation_holds_at_every_tick() {
    let mut s = Scenario::new(
        "conservation",
        600,
        30.0,
        vec![
            OrgSpec::tree("Hierarchy", 4, 4),
            OrgSpec::teams("Teams", 16, 6, Default::default()),
        ],
    );
    s.work.cross_unit = 0.3;
    for org in 0..2 {
        let mut e = Engine::new(&s, org, 0);
        let (mut arrived, mut executed) = (0u64, 0u64);
        while !e.finished() {
            let r = e.step().clone();
            arrived += r.arrived;
            executed += r.executed;
            let census = e.census();
            assert_eq!(arrived, executed + census.backlog(), "tick {}", e.now() - 1);
            assert_eq!(r.backlog, census.backlog());
        }
        assert!(executed > 10_000, "the run did real work: {executed}");
    }
}
