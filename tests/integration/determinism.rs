//! Results depend on the scenario and seed only: not on threads, chunking, or org names.

use orgsim::engine::Engine;
use orgsim::experiment::{RunOptions, run};
use orgsim::scenario::{
    CrossUnitMode, LossTarget, OrgSpec, PerLevel, Scenario, ShockKind, ShockSpec,
};

/// An absence of `fraction` of the org from tick 100 to 200, rerouted after 10 ticks, and the
/// loss of the top at `loss_at`, rerouted after 5.
fn absence_then_loss(fraction: f64, loss_at: u32) -> Vec<ShockSpec> {
    let shock = |name: &str, at, duration, kind| ShockSpec {
        name: name.into(),
        at,
        duration,
        kind,
    };
    vec![
        shock(
            "absence",
            100,
            Some(100),
            ShockKind::Absence {
                fraction,
                reroute_after: Some(10),
            },
        ),
        shock(
            "loss",
            loss_at,
            None,
            ShockKind::Loss {
                target: LossTarget::Top,
                reroute_after: Some(5),
            },
        ),
    ]
}

fn scenario() -> Scenario {
    let mut tree = OrgSpec::tree("Hierarchy", 5, 3);
    tree.capacity = PerLevel::Levels(vec![1.0, 2.5, 6.0]);
    tree.learning = 0.01;
    let mut teams = OrgSpec::teams("Teams", 10, 5, Default::default());
    teams.learning = 0.01;
    let mut s = Scenario::new("determinism", 400, 12.0, vec![tree, teams]);
    s.work.cross_unit = 0.3;
    s.scenario.replications = 4;
    s.shocks = absence_then_loss(0.2, 200);
    s
}

#[test]
fn thread_count_does_not_change_results() {
    let s = scenario();
    let one = run(
        &s,
        &RunOptions {
            threads: Some(1),
            progress: false,
        },
    )
    .unwrap();
    let two = run(
        &s,
        &RunOptions {
            threads: Some(2),
            progress: false,
        },
    )
    .unwrap();
    assert_eq!(one, two);
}

#[test]
fn stepping_agents_in_parallel_chunks_changes_nothing() {
    let s = scenario();
    for org in 0..2 {
        let sequential = Engine::new(&s, org, 1).run();
        let mut e = Engine::new(&s, org, 1);
        e.set_parallel_threshold(1);
        let chunked = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(|| e.run());
        assert_eq!(sequential, chunked, "org {org}");
    }
}

#[test]
fn loading_ahead_changes_nothing() {
    let s = scenario();
    for org in 0..2 {
        let plain = Engine::new(&s, org, 1).run();
        for parallel in [usize::MAX, 1] {
            let mut e = Engine::new(&s, org, 1);
            e.set_load_ahead(true);
            e.set_parallel_threshold(parallel);
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            assert_eq!(
                plain,
                pool.install(|| e.run()),
                "org {org}, chunks from {parallel}"
            );
        }
    }
}

/// Bigger orgs than `scenario`'s (several ranges of 64 agents), with two shocks rerouting in
/// the same tick: the second empties queues the first's rerouting pushed to.
fn ranged_scenario() -> Scenario {
    let mut tree = OrgSpec::tree("Hierarchy", 6, 4);
    tree.capacity = PerLevel::Levels(vec![1.0, 2.5, 6.0, 10.0]);
    tree.learning = 0.01;
    let mut teams = OrgSpec::teams("Teams", 40, 6, Default::default());
    teams.learning = 0.01;
    let mut s = Scenario::new("ranges", 300, 90.0, vec![tree, teams]);
    s.work.cross_unit = 0.3;
    s.shocks = absence_then_loss(0.3, 105);
    s
}

#[test]
fn linking_queued_items_range_by_range_changes_nothing() {
    let s = ranged_scenario();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for org in 0..2 {
        let plain = Engine::new(&s, org, 1).run();
        let executed: u64 = plain.ticks.iter().map(|t| t.executed).sum();
        assert!(executed > 10_000, "org {org} executed {executed}");
        // Never deferred; deferred and linked in parallel from the second phase on; deferred or
        // not as a tick's pushes go above or below 150 (about half the ticks each way).
        for parallel in [usize::MAX, 1, 150] {
            let mut e = Engine::new(&s, org, 1);
            e.split_queues(6);
            e.set_load_ahead(true);
            e.set_parallel_threshold(parallel);
            assert_eq!(
                plain,
                pool.install(|| e.run()),
                "org {org}, in parallel from {parallel}"
            );
        }
    }
}

/// Teams of 10,000 agents (three summary words of the active bitmap, 4,096 agents each),
/// with a tenth away from tick 100 to 200.
#[test]
fn scanning_the_active_agents_in_parallel_pieces_changes_nothing() {
    let mut teams = OrgSpec::teams("Teams", 1000, 10, Default::default());
    teams.learning = 0.01;
    let mut s = Scenario::new("pieces", 210, 400.0, vec![teams]);
    s.work.cross_unit = 0.3;
    s.shocks = absence_then_loss(0.1, 1000);
    let plain = Engine::new(&s, 0, 1).run();
    let executed: u64 = plain.ticks.iter().map(|t| t.executed).sum();
    assert!(executed > 50_000, "executed {executed}");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for load_ahead in [false, true] {
        let mut e = Engine::new(&s, 0, 1);
        e.set_parallel_threshold(1);
        e.set_load_ahead(load_ahead);
        assert_eq!(
            plain,
            pool.install(|| e.run()),
            "loading ahead: {load_ahead}"
        );
    }
}

/// The effects of a work phase in chunks are resolved chunk by chunk in parallel, in every
/// way a decision can go on from there: executed at once (links without delay), sent down,
/// consulting (in a tree and in teams whose members do not learn), referred, reworked, and
/// reworked in between decisions executed one by one.
#[test]
fn resolving_effects_chunk_by_chunk_changes_nothing() {
    let mut consulting_tree = OrgSpec::tree("Consulting tree", 6, 4);
    consulting_tree.cross_unit = CrossUnitMode::Consult;
    consulting_tree.capacity = PerLevel::Levels(vec![1.0, 2.5, 6.0, 10.0]);
    consulting_tree.learning = 0.01;
    consulting_tree.link_delay = 0.0;
    let mut tree = OrgSpec::tree("Escalating tree", 6, 4);
    tree.capacity = PerLevel::Levels(vec![1.0, 2.5, 6.0, 10.0]);
    tree.link_delay = 2.0;
    // Not waiting for answers on links without delay, the teams execute decisions that
    // consulted amid those the pass executed.
    let mut teams = OrgSpec::teams("Teams", 40, 6, Default::default());
    teams.patience = 0;
    teams.link_delay = 0.0;
    let mut s = Scenario::new("resolve", 300, 90.0, vec![consulting_tree, tree, teams]);
    s.work.cross_unit = 0.4;
    s.quality.rework = 0.6;
    s.shocks = absence_then_loss(0.3, 105);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for org in 0..3 {
        let plain = Engine::new(&s, org, 1).run();
        let executed: u64 = plain.ticks.iter().map(|t| t.executed).sum();
        assert!(executed > 10_000, "org {org} executed {executed}");
        let mut e = Engine::new(&s, org, 1);
        e.set_parallel_threshold(1);
        assert_eq!(plain, pool.install(|| e.run()), "org {org}");
    }
}

/// Batches of 2,048 arrivals or more are queued in parallel chunks on more than one thread:
/// an org of 11,111 agents at 2,500 decisions a tick, 30% of it away from tick 20 and its work
/// rerouted from tick 25 (so arrivals are routed around the absent), gives the same run on one
/// thread and on two.
#[test]
fn queueing_arrivals_in_parallel_chunks_changes_nothing() {
    let mut tree = OrgSpec::tree("Hierarchy", 10, 5);
    tree.capacity = PerLevel::Levels(vec![0.4, 3.0, 6.0, 10.0, 20.0]);
    // Answers often come after the decision was executed and its slot taken again: a slot's
    // new occupant must be told from the old one.
    tree.cross_unit = CrossUnitMode::Consult;
    tree.patience = 1;
    let mut s = Scenario::new("arrivals", 40, 2500.0, vec![tree]);
    s.work.cross_unit = 0.3;
    s.shocks = vec![ShockSpec {
        name: "absence".into(),
        at: 20,
        duration: None,
        kind: ShockKind::Absence {
            fraction: 0.3,
            reroute_after: Some(5),
        },
    }];
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| Engine::new(&s, 0, 1).run())
    };
    let one = on(1);
    let arrived: u64 = one.ticks.iter().map(|t| t.arrived).sum();
    assert!(arrived > 40 * 2048, "arrived {arrived}");
    assert_eq!(one, on(2));
}

#[test]
fn identically_configured_orgs_give_identical_rows() {
    let mut s = scenario();
    let mut twin = s.orgs[1].clone();
    twin.name = "Twin".into();
    s.orgs.push(twin);
    let out = run(&s, &RunOptions::default()).unwrap();
    let rows = |org: usize| -> Vec<_> {
        out.iter()
            .filter(|r| r.org == org)
            .map(|r| (r.ticks.clone(), r.metrics.clone()))
            .collect()
    };
    assert_eq!(rows(1), rows(2));
    assert_ne!(rows(0), rows(1), "different designs do differ");
}

/// Each replicate's orgs run side by side, the arrivals of each tick drawn once for all of
/// them, whenever they may (`scenario::orgs_side_by_side`): every org's results are those it
/// has run alone, through a surge, a lull that thins the work in one region, an absence and a
/// loss. (The debug build also checks every tick that the arrivals handed over are those the
/// org would have drawn.)
#[test]
fn orgs_run_side_by_side_give_each_org_its_results_alone() {
    let mut s = scenario();
    let mission = {
        let mut o = OrgSpec::tree("Mission command", 5, 3);
        o.authority = PerLevel::Levels(vec![0.6, 0.8, 1.0]);
        o.cross_unit = CrossUnitMode::Consult;
        o
    };
    s.orgs.push(mission);
    let surge = |name: &str, at, factor, region| ShockSpec {
        name: name.into(),
        at,
        duration: Some(60),
        kind: ShockKind::Surge { factor, region },
    };
    s.shocks.push(surge("surge", 50, 2.5, None));
    s.shocks.push(surge("lull", 250, 0.4, Some([0.2, 0.7])));
    assert!(orgsim::scenario::orgs_side_by_side(&s));
    for threads in [1, 2] {
        let options = RunOptions {
            threads: Some(threads),
            progress: false,
        };
        let together = run(&s, &options).unwrap();
        let reps = s.scenario.replications;
        let alone: Vec<_> = (0..s.orgs.len())
            .flat_map(|o| (0..reps).map(move |r| (o, r)))
            .map(|(o, r)| Engine::new(&s, o, r).run())
            .collect();
        assert_eq!(together.len(), alone.len());
        for (a, b) in together.iter().zip(&alone) {
            assert_eq!((a.org, a.replicate), (b.org, b.replicate));
            assert!(a == b, "org {} replicate {} differs", a.org, a.replicate);
        }
    }
}
