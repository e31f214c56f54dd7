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

fn share(run: &orgsim::metrics::RunOutput, name: &str) -> f64 {
    metric(run, name).unwrap_or_else(|| panic!("{name} has a value"))
}

#[test]
fn escalated_cross_unit_decisions_climb_to_their_common_manager() {
    let mut org = OrgSpec::tree("Tree", 4, 3);
    org.capacity = PerLevel::Levels(vec![1.0, 4.0, 8.0]);
    org.competence = PerLevel::All(1.0);
    let mut local = Scenario::new("local", 600, 4.0, vec![org]);
    local.quality.rework = 0.0;
    let mut reaching = local.clone();
    reaching.work.cross_unit = 1.0;
    // Wider than a unit (a quarter of the world): only the top holds every place touched.
    reaching.work.reach = Dist::Fixed(0.3);
    let (a, b) = (
        Engine::new(&local, 0, 0).run(),
        Engine::new(&reaching, 0, 0).run(),
    );
    assert_eq!(share(&a, "decided_at_frontline"), 1.0);
    assert_eq!(share(&b, "decided_at.level.2"), 1.0);
    assert!(
        share(&b, "frustrated_share") > 0.99,
        "able but obliged to pass it up"
    );
}

#[test]
fn consults_wait_at_most_patience_and_unheard_units_cost_quality() {
    let mut teams = OrgSpec::teams("Teams", 10, 4, orgsim::scenario::Network::Ring);
    teams.competence = PerLevel::All(0.9);
    teams.patience = 3;
    let mut s = Scenario::new("consult", 800, 4.0, vec![teams]);
    s.work.cross_unit = 1.0;
    s.work.reach = Dist::Fixed(0.25);
    s.quality.rework = 0.0;
    let heard = Engine::new(&s, 0, 0).run();
    // Slow every lateral link beyond patience: answers never arrive in time.
    s.orgs[0].link_delay = 5.0;
    let unheard = Engine::new(&s, 0, 0).run();
    // Heard: consult out and back on 1-tick links, so latency ≥ 2 for every decision.
    assert!(share(&heard, "latency_p50") >= 2.0);
    // Unheard: decided `patience` ticks after the consults went out, never later for waiting.
    // (The p99 can exceed it by a tick or two: every consult sent costs its lead effort, so a
    // lead's own decisions may queue behind consults.)
    assert_eq!(share(&unheard, "latency_p50"), 3.0);
    assert!(
        share(&unheard, "latency_p95") <= 3.0 + 1.0,
        "{}",
        share(&unheard, "latency_p95")
    );
    assert!(
        share(&unheard, "good_rate") < share(&heard, "good_rate") - 0.3,
        "missing answers cost fidelity: {} vs {}",
        share(&unheard, "good_rate"),
        share(&heard, "good_rate")
    );
}

#[test]
fn a_consult_costs_its_lead_even_when_nobody_waits_for_the_answer() {
    // Frontline agents decide everything; each decision reaches exactly one unit width, so it
    // touches exactly one other unit and sends exactly one consult to that unit's manager.
    let mut org = OrgSpec::tree("Mission", 4, 3);
    org.competence = PerLevel::All(1.0);
    org.authority = PerLevel::All(1.0);
    org.cross_unit = orgsim::scenario::CrossUnitMode::Consult;
    org.consult_effort = 0.2;
    org.patience = 0;
    let mut s = Scenario::new("consult cost", 3000, 4.0, vec![org]);
    s.work.cross_unit = 1.0;
    s.work.reach = Dist::Fixed(0.25);
    s.quality.rework = 0.0;
    let run = Engine::new(&s, 0, 0).run();
    // Managers do nothing but answer consults: 4 consults a tick × 0.2 effort over 4 managers
    // of capacity 1.
    let expected = 4.0 * 0.2 / 4.0;
    let got = share(&run, "utilisation.level.1");
    assert!(
        (got - expected).abs() < 0.05 * expected,
        "first-line managers spend {got:.3} of their capacity on consults, expected {expected}"
    );
    // With patience 0 nobody waits for the answers.
    assert_eq!(share(&run, "latency_p50"), 0.0);
}
