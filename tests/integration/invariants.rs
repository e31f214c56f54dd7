//! Random organisations under random shocks: the engine never panics and never loses a
//! decision (every decision is queued, in transit, waiting on consults, or executed).

use orgsim::engine::Engine;
use orgsim::scenario::{
    CrossUnitMode, Dist, Links, LossTarget, Network, OrgSpec, PerLevel, Scenario, ShockKind,
    ShockSpec,
};
use proptest::prelude::*;

fn org() -> impl Strategy<Value = OrgSpec> {
    let tree = (1u32..5, 1u32..4, any::<bool>()).prop_map(|(span, levels, consult)| {
        let mut o = OrgSpec::tree("Tree", span, levels);
        o.cross_unit = if consult {
            CrossUnitMode::Consult
        } else {
            CrossUnitMode::Escalate
        };
        o
    });
    let network = prop_oneof![
        Just(Network::Ring),
        Just(Network::Complete),
        (1u32..6, 0.0..1.0f64).prop_map(|(degree, rewire)| Network::SmallWorld { degree, rewire }),
    ];
    let teams = (1u32..8, 1u32..6, network)
        .prop_map(|(teams, size, network)| OrgSpec::teams("Teams", teams, size, network));
    (
        prop_oneof![tree, teams],
        0.2..3.0f64,
        0.0..1.0f64,
        0.0..1.0f64,
        0.0..3.0f64,
        0u32..6,
        0.0..0.05f64,
    )
        .prop_map(
            |(mut o, capacity, competence, authority, delay, patience, learning)| {
                o.capacity = PerLevel::All(capacity);
                o.competence = PerLevel::All(competence);
                o.authority = PerLevel::All(authority);
                o.link_delay = delay;
                o.patience = patience;
                o.learning = learning;
                o.boundary = 0.05;
                o
            },
        )
}

fn shock() -> impl Strategy<Value = ShockSpec> {
    let target = prop_oneof![
        Just(LossTarget::Top),
        (0u32..3).prop_map(LossTarget::Level),
        (0.0..1.0f64).prop_map(LossTarget::Fraction),
        (0.0..0.5f64).prop_map(|a| LossTarget::Region([a, a + 0.3])),
    ];
    let reroute = prop::option::of(0u32..20);
    let kind = prop_oneof![
        (0.0..4.0f64, any::<bool>()).prop_map(|(factor, regional)| ShockKind::Surge {
            factor,
            region: regional.then_some([0.2, 0.6])
        }),
        (target, reroute.clone()).prop_map(|(target, reroute_after)| ShockKind::Loss {
            target,
            reroute_after
        }),
        (1.0..5.0f64, 0usize..3).prop_map(|(delay_factor, l)| ShockKind::Outage {
            delay_factor,
            links: [Links::All, Links::Vertical, Links::Lateral][l],
        }),
        (0.0..0.3f64, 0.0..0.3f64).prop_map(|(complexity_shift, competence_drop)| {
            ShockKind::Shift {
                complexity_shift,
                competence_drop,
            }
        }),
        (0.0..0.8f64, reroute).prop_map(|(fraction, reroute_after)| ShockKind::Absence {
            fraction,
            reroute_after
        }),
    ];
    (kind, 20u32..200, prop::option::of(1u32..100), 0u32..1000).prop_map(
        |(kind, at, duration, n)| ShockSpec {
            name: format!("shock{n}"),
            at,
            duration,
            kind,
        },
    )
}

/// Run `e` to the end, checking at every tick that every decision that arrived was executed or
/// is still in the backlog counted from the engine's state, and that the recorded backlog and
/// frozen counts are that census. Returns the decisions executed.
fn run_checking_conservation(mut e: Engine) -> Result<u64, String> {
    let (mut arrived, mut executed) = (0u64, 0u64);
    while !e.finished() {
        let r = e.step().clone();
        arrived += r.arrived;
        executed += r.executed;
        let census = e.census();
        let tick = e.now() - 1;
        if arrived != executed + census.backlog() {
            return Err(format!(
                "tick {tick}: {arrived} arrived, {executed} executed, {census:?}"
            ));
        }
        if (r.backlog, r.frozen) != (census.backlog(), census.frozen) {
            return Err(format!("tick {tick}: recorded {r:?}, counted {census:?}"));
        }
        if r.latency_mean.is_some_and(|l| l < 0.0) {
            return Err(format!("tick {tick}: negative latency"));
        }
    }
    Ok(executed)
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
        let executed = run_checking_conservation(Engine::new(&s, org, 0)).unwrap();
        assert!(executed > 10_000, "the run did real work: {executed}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn no_decision_is_ever_lost(
        o in org(),
        rate in 0.0..12.0f64,
        cross in 0.0..1.0f64,
        reach in 0.01..0.6f64,
        shocks in prop::collection::vec(shock(), 0..4),
    ) {
        let mut s = Scenario::new("invariants", 250, rate, vec![o]);
        s.work.cross_unit = cross;
        s.work.reach = Dist::Exponential(reach);
        s.shocks = shocks;
        let checked = run_checking_conservation(Engine::new(&s, 0, 0));
        prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
    }
}
