//! Each shock kind changes what it should, and nothing else.

use orgsim::engine::Engine;
use orgsim::metrics::TickRecord;
use orgsim::scenario::{Links, LossTarget, OrgSpec, PerLevel, Scenario, ShockKind, ShockSpec};

fn shock(name: &str, at: u32, duration: Option<u32>, kind: ShockKind) -> ShockSpec {
    ShockSpec {
        name: name.into(),
        at,
        duration,
        kind,
    }
}

fn series(s: &Scenario, org: usize, replicate: u32) -> Vec<TickRecord> {
    Engine::new(s, org, replicate).run().ticks
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = xs.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn mean_of(
    ticks: &[TickRecord],
    range: std::ops::Range<usize>,
    f: impl Fn(&TickRecord) -> Option<f64>,
) -> f64 {
    mean(ticks[range].iter().filter_map(f))
}

fn hierarchy() -> OrgSpec {
    let mut o = OrgSpec::tree("Hierarchy", 4, 3);
    o.capacity = PerLevel::Levels(vec![1.0, 3.0, 8.0]);
    o.competence = PerLevel::Levels(vec![0.4, 0.6, 0.8]);
    o.authority = PerLevel::Levels(vec![0.3, 0.5, 1.0]);
    o
}

#[test]
fn a_regional_surge_raises_arrivals_in_its_window_and_nowhere_else() {
    let mut base = Scenario::new("surge", 400, 6.0, vec![hierarchy()]);
    base.quality.rework = 0.0;
    let mut surged = base.clone();
    surged.shocks.push(shock(
        "surge",
        200,
        Some(100),
        ShockKind::Surge {
            factor: 3.0,
            region: Some([0.0, 0.5]),
        },
    ));
    let (a, b) = (series(&base, 0, 0), series(&surged, 0, 0));
    for t in (0..200).chain(300..400) {
        assert_eq!(
            a[t].arrived, b[t].arrived,
            "tick {t}: outside the surge the work is the same"
        );
    }
    let before: u64 = a[200..300].iter().map(|r| r.arrived).sum();
    let during: u64 = b[200..300].iter().map(|r| r.arrived).sum();
    // Expected: 6 * (1 + 2 * 0.5) = 12 per tick instead of 6; Poisson noise over 100 ticks is ~3%.
    let ratio = during as f64 / before as f64;
    assert!(
        (ratio - 2.0).abs() < 0.2,
        "arrivals during the surge rose {ratio}×"
    );
}

#[test]
fn losing_the_top_freezes_its_queue_then_reroutes_to_an_acting_top() {
    let mut s = Scenario::new("loss", 600, 4.0, vec![hierarchy()]);
    s.shocks.push(shock(
        "top leaves",
        200,
        Some(200),
        ShockKind::Loss {
            target: LossTarget::Top,
            reroute_after: Some(50),
        },
    ));
    let mut e = Engine::new(&s, 0, 0);
    let mut frozen = Vec::new();
    while !e.finished() {
        frozen.push(e.step().frozen);
    }
    assert_eq!(frozen[199], 0);
    assert!(
        frozen[249] > 5,
        "work waits for the lost top: {}",
        frozen[249]
    );
    assert!(
        frozen[201..249].windows(2).all(|w| w[1] >= w[0]),
        "nothing leaves a frozen queue"
    );
    assert_eq!(
        frozen[250], 0,
        "after reroute_after the queue moves to the acting top"
    );
    assert!(frozen[250..400].iter().all(|&f| f == 0));

    // Without reroute_after, the work waits until the leader returns.
    s.shocks[0].kind = ShockKind::Loss {
        target: LossTarget::Top,
        reroute_after: None,
    };
    let t = series(&s, 0, 0);
    assert!(t[399].frozen > t[249].frozen, "still frozen and growing");
    assert_eq!(t[400].frozen, 0, "the replacement works again");
}

#[test]
fn an_outage_lengthens_latency() {
    let mut s = Scenario::new("outage", 600, 4.0, vec![hierarchy()]);
    s.shocks.push(shock(
        "outage",
        300,
        Some(150),
        ShockKind::Outage {
            delay_factor: 4.0,
            links: Links::All,
        },
    ));
    let t = series(&s, 0, 0);
    let before = mean_of(&t, 150..300, |r| r.latency_mean);
    let during = mean_of(&t, 320..450, |r| r.latency_mean);
    let after = mean_of(&t, 500..600, |r| r.latency_mean);
    assert!(during > before * 1.5, "before {before}, during {during}");
    assert!(after < during, "after {after}, during {during}");
}

#[test]
fn a_shift_lowers_the_good_rate_and_learning_restores_it() {
    let mut o = OrgSpec::teams("Teams", 10, 5, Default::default());
    o.competence = PerLevel::All(0.6);
    o.learning = 0.01;
    let mut s = Scenario::new("shift", 3000, 10.0, vec![o]);
    s.shocks.push(shock(
        "shift",
        500,
        None,
        ShockKind::Shift {
            complexity_shift: 0.1,
            competence_drop: 0.3,
        },
    ));
    let t = series(&s, 0, 0);
    let before = mean_of(&t, 300..500, |r| r.good_rate);
    let right_after = mean_of(&t, 500..560, |r| r.good_rate);
    let late = mean_of(&t, 2700..3000, |r| r.good_rate);
    assert!(
        right_after < before - 0.1,
        "before {before}, right after {right_after}"
    );
    assert!(
        late > right_after + 0.1,
        "learning restores: late {late}, right after {right_after}"
    );
}

#[test]
fn an_absence_takes_away_exactly_its_fraction() {
    let mut s = Scenario::new(
        "absence",
        300,
        10.0,
        vec![OrgSpec::teams("Teams", 20, 10, Default::default())],
    );
    s.shocks.push(shock(
        "flu",
        100,
        Some(50),
        ShockKind::Absence {
            fraction: 0.25,
            reroute_after: None,
        },
    ));
    let mut e = Engine::new(&s, 0, 0);
    let away = |e: &Engine| (0..200u32).filter(|&a| e.is_away(a)).count();
    for _ in 0..100 {
        e.step();
    }
    assert_eq!(away(&e), 0);
    e.step();
    assert_eq!(away(&e), 50);
    while e.now() < 150 {
        e.step();
    }
    e.step();
    assert_eq!(away(&e), 0, "they come back when the absence ends");
}

#[test]
fn a_lateral_outage_leaves_an_escalating_tree_untouched_but_slows_consulting_teams() {
    let mut tree = hierarchy();
    tree.cross_unit = orgsim::scenario::CrossUnitMode::Escalate;
    let teams = OrgSpec::teams("Teams", 8, 6, Default::default());
    let mut base = Scenario::new("links", 600, 8.0, vec![tree, teams]);
    base.work.cross_unit = 0.4;
    let mut lateral = base.clone();
    lateral.shocks.push(shock(
        "lateral",
        300,
        Some(200),
        ShockKind::Outage {
            delay_factor: 5.0,
            links: Links::Lateral,
        },
    ));
    assert_eq!(
        series(&base, 0, 0),
        series(&lateral, 0, 0),
        "a tree that escalates uses no lateral link"
    );
    let (a, b) = (series(&base, 1, 0), series(&lateral, 1, 0));
    let before = mean_of(&a, 320..500, |r| r.latency_mean);
    let during = mean_of(&b, 320..500, |r| r.latency_mean);
    assert!(
        during > before * 1.2,
        "consults wait on lateral links: {before} → {during}"
    );
}

#[test]
fn losing_a_level_sends_its_work_to_the_level_above() {
    let mut s = Scenario::new("level", 400, 6.0, vec![hierarchy()]);
    s.shocks.push(shock(
        "middle managers leave",
        100,
        None,
        ShockKind::Loss {
            target: LossTarget::Level(1),
            reroute_after: Some(0),
        },
    ));
    let run = Engine::new(&s, 0, 0).run();
    let share = |name: &str| {
        run.metrics
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| *v)
            .unwrap()
    };
    // Warm-up is 40 ticks, so most of the summary window has no level 1 at all.
    assert!(
        share("decided_at.level.1") < 0.1,
        "{}",
        share("decided_at.level.1")
    );
    assert!(
        share("decided_at.level.2") > 0.2,
        "{}",
        share("decided_at.level.2")
    );
    assert_eq!(run.ticks[399].frozen, 0, "rerouted at once: nothing waits");
}

#[test]
fn in_teams_the_top_is_the_most_competent_agent() {
    let mut o = OrgSpec::teams("Teams", 4, 5, Default::default());
    o.competence = PerLevel::All(0.5);
    let mut s = Scenario::new("teams top", 200, 4.0, vec![o]);
    s.shocks.push(shock(
        "star leaves",
        50,
        Some(20),
        ShockKind::Loss {
            target: LossTarget::Top,
            reroute_after: None,
        },
    ));
    let mut e = Engine::new(&s, 0, 0);
    for _ in 0..51 {
        e.step();
    }
    let away: Vec<u32> = (0..20).filter(|&a| e.is_away(a)).collect();
    assert_eq!(away.len(), 1);
    let best = (0..20u32).fold(0, |b, a| {
        if e.competence()[a as usize] > e.competence()[b as usize] {
            a
        } else {
            b
        }
    });
    assert_eq!(away[0], best, "ties go to the lowest index");
}

#[test]
fn a_shock_injected_from_code_acts_like_one_in_the_scenario() {
    let base = Scenario::new("inject", 500, 6.0, vec![hierarchy()]);
    let surge = shock(
        "surge",
        200,
        Some(50),
        ShockKind::Surge {
            factor: 2.0,
            region: None,
        },
    );
    let mut scheduled = base.clone();
    scheduled.shocks.push(surge.clone());
    let from_file = Engine::new(&scheduled, 0, 0).run();
    let mut live = Engine::new(&base, 0, 0);
    while live.now() < 150 {
        live.step();
    }
    live.inject(surge);
    assert_eq!(live.run(), from_file);
}

#[test]
fn age_mean_rises_during_a_freeze_while_latency_falls() {
    // The top leaves for good and its work is never rerouted: whatever climbs to it waits.
    let mut s = Scenario::new("freeze", 600, 4.0, vec![hierarchy()]);
    s.quality.rework = 0.0;
    s.shocks.push(shock(
        "top leaves",
        300,
        None,
        ShockKind::Loss {
            target: LossTarget::Top,
            reroute_after: None,
        },
    ));
    let ticks = series(&s, 0, 0);
    let before = 200..300;
    let during = 400..600;
    let (age0, age1) = (
        mean_of(&ticks, before.clone(), |r| r.age_mean),
        mean_of(&ticks, during.clone(), |r| r.age_mean),
    );
    let (lat0, lat1) = (
        mean_of(&ticks, before, |r| r.latency_mean),
        mean_of(&ticks, during, |r| r.latency_mean),
    );
    assert!(
        age1 > 3.0 * age0,
        "the waiting work ages: {age0:.2} → {age1:.2} ticks"
    );
    assert!(
        lat1 < lat0,
        "only decisions that need not reach the top execute: latency {lat0:.2} → {lat1:.2}"
    );
    // age_mean is the mean of (tick - arrived) over the backlog: a frozen decision that
    // arrived before the shock is at least as old as the time since the shock.
    let t = 599;
    assert!(ticks[t].age_mean.unwrap() <= t as f64);
}

#[test]
fn the_default_recovery_metrics_catch_a_freeze_that_latency_misses() {
    // The top leaves for good, never rerouted: latency dips (only decisions that need not reach
    // the top execute) and reads "absorbed", while the waiting work piles up and ages.
    let mut s = Scenario::new("freeze", 600, 4.0, vec![hierarchy()]);
    s.quality.rework = 0.0;
    s.recovery
        .metrics
        .push(orgsim::scenario::RecoveryMetric::AgeMean);
    s.shocks.push(shock(
        "top leaves",
        300,
        None,
        ShockKind::Loss {
            target: LossTarget::Top,
            reroute_after: None,
        },
    ));
    let run = Engine::new(&s, 0, 0).run();
    let value = |name: &str| {
        run.metrics
            .iter()
            .find(|(m, _)| m == name)
            .unwrap_or_else(|| panic!("no metric {name} in {:?}", run.metrics))
            .1
    };
    assert_eq!(value("recovery.top leaves.latency_mean"), Some(0.0));
    for caught in ["backlog", "age_mean"] {
        assert_eq!(
            value(&format!("recovery.top leaves.{caught}")),
            None,
            "{caught} must show the freeze as not recovered"
        );
        assert_eq!(value(&format!("recovered.top leaves.{caught}")), Some(0.0));
    }
}

#[test]
fn age_mean_is_empty_exactly_when_nothing_waits() {
    let s = Scenario::new("quiet", 200, 0.2, vec![hierarchy()]);
    for (t, r) in series(&s, 0, 0).iter().enumerate() {
        assert_eq!(r.age_mean.is_none(), r.backlog == 0, "tick {t}");
        if let Some(a) = r.age_mean {
            assert!((0.0..=t as f64).contains(&a), "tick {t}: age {a}");
        }
    }
}

fn delegation(name: &str, at: u32, duration: Option<u32>, authority: f64) -> ShockSpec {
    shock(
        name,
        at,
        duration,
        ShockKind::Delegation {
            authority,
            level: 0,
        },
    )
}

#[test]
fn a_delegation_lets_the_frontline_decide_more_from_its_tick_on() {
    // Frontline authority 0.3 of a hierarchy, then 1.0 from tick 300: before it the runs are
    // the same tick for tick; after it the frontline takes most decisions and latency falls.
    let mut base = Scenario::new("delegation", 600, 6.0, vec![hierarchy()]);
    base.scenario.warmup = 300;
    let mut delegated = base.clone();
    delegated
        .shocks
        .push(delegation("frontline decides", 300, None, 1.0));
    let (a, b) = (
        Engine::new(&base, 0, 0).run(),
        Engine::new(&delegated, 0, 0).run(),
    );
    assert_eq!(
        a.ticks[..300],
        b.ticks[..300],
        "nothing changes before `at`"
    );
    let share = |r: &orgsim::metrics::RunOutput| {
        r.metrics
            .iter()
            .find(|(m, _)| m == "decided_at_frontline")
            .and_then(|(_, v)| *v)
            .unwrap()
    };
    // The frontline (competence 0.4) decides what it may and judges itself able for: below
    // its authority 0.3, then below its competence 0.4. For beta(2, 5) complexity,
    // P(c < x) = 1 - (1 - x)^5 (1 + 5x): 0.580 at 0.3, 0.767 at 0.4.
    let p = |x: f64| 1.0 - (1.0f64 - x).powi(5) * (1.0 + 5.0 * x);
    for (run, x) in [(&a, 0.3), (&b, 0.4)] {
        assert!(
            (share(run) - p(x)).abs() < 0.04,
            "decided at the frontline {} (expected {})",
            share(run),
            p(x)
        );
    }
    let latency = |r: &orgsim::metrics::RunOutput| mean_of(&r.ticks, 320..600, |t| t.latency_mean);
    assert!(
        latency(&b) < latency(&a),
        "{} → {}",
        latency(&a),
        latency(&b)
    );
}

#[test]
fn the_latest_delegation_wins_and_the_design_returns_when_all_end() {
    // Overlapping: 1.0 over [100, 300) with 0.0 over [150, 200) on top of it acts exactly like
    // three delegations one after the other.
    let base = Scenario::new("delegations", 400, 6.0, vec![hierarchy()]);
    let mut overlapping = base.clone();
    overlapping.shocks = vec![
        delegation("wide", 100, Some(200), 1.0),
        delegation("narrow", 150, Some(50), 0.0),
    ];
    let mut sequential = base.clone();
    sequential.shocks = vec![
        delegation("a", 100, Some(50), 1.0),
        delegation("b", 150, Some(50), 0.0),
        delegation("c", 200, Some(100), 1.0),
    ];
    assert_eq!(series(&overlapping, 0, 0), series(&sequential, 0, 0));
    // A delegation to the design's own authority changes nothing at all.
    let mut same = base.clone();
    same.shocks = vec![delegation("same", 100, Some(100), 0.3)];
    assert_eq!(series(&same, 0, 0), series(&base, 0, 0));
    // After it ends the design's authority is back: a short one differs from a permanent one.
    let (mut short, mut long) = (base.clone(), base.clone());
    short.shocks = vec![delegation("d", 100, Some(50), 1.0)];
    long.shocks = vec![delegation("d", 100, None, 1.0)];
    let (s, l) = (series(&short, 0, 0), series(&long, 0, 0));
    assert_eq!(s[..150], l[..150]);
    assert_ne!(s[150..], l[150..]);
}
