//! Engine internals that the public API cannot reach.

use super::*;
use crate::scenario::{Dist, Network, OrgSpec, ShockKind, ShockSpec};

/// A teams scenario where every decision consults other teams and answers take a while.
fn consulting() -> Scenario {
    let mut o = OrgSpec::teams("Teams", 8, 3, Network::Ring);
    o.competence = crate::scenario::PerLevel::All(0.9);
    o.patience = 40;
    o.link_delay = 2.0;
    let mut s = Scenario::new("consulting", 300, 3.0, vec![o]);
    s.work.cross_unit = 1.0;
    s.work.reach = Dist::Fixed(0.3);
    s
}

#[test]
fn a_stale_deadline_does_not_finalise_the_next_decision_in_its_slot() {
    let s = consulting();
    let mut e = Engine::new(&s, 0, 0);
    while e.waiting == 0 {
        e.step();
    }
    let d = (0..e.decisions.len())
        .find(|&i| e.decisions[i].stage == Stage::Waiting)
        .expect("a waiting decision") as u32;
    let (generation, key) = (
        e.decisions[d as usize].generation,
        e.decisions[d as usize].key,
    );
    // A deadline left behind by the slot's previous occupant, due now.
    e.deadlines
        .push_front((e.now, d, generation.wrapping_sub(1)));
    e.step();
    let now = &e.decisions[d as usize];
    assert_eq!(
        (now.key, now.stage),
        (key, Stage::Waiting),
        "still waiting for its answers"
    );
}

#[test]
fn with_patience_to_spare_every_consulted_unit_is_heard() {
    let s = consulting();
    let mut e = Engine::new(&s, 0, 0);
    let mut finalised_unheard = 0;
    while !e.finished() {
        e.step();
        // Answers take 4 ticks (2 out, 2 back) plus queueing, far below patience 40: a decision
        // finalised with a missing answer would mean a deadline fired for the wrong decision.
        finalised_unheard += e
            .decisions
            .iter()
            .filter(|d| matches!(d.stage, Stage::Down | Stage::Done))
            .filter(|d| {
                e.consults
                    .get(d.consults as usize)
                    .is_some_and(|c| c.heard.iter().any(|h| !h))
            })
            .count();
    }
    assert_eq!(finalised_unheard, 0);
}

#[test]
fn an_agent_and_a_queued_item_stay_small() {
    // Resident bytes per agent are set by these records (docs/performance.md): an agent's
    // queue and progress in 32 bytes, a queued item with its link in 20.
    assert!(std::mem::size_of::<AgentState>() <= 32);
    assert!(std::mem::size_of::<queues::Node>() <= 20);
    // Loading a decision ahead loads its first and last lines (`prefetch`): all of it while it
    // spans at most two, as 88 bytes do unless they start in a line's last 16.
    assert!(std::mem::size_of::<in_flight::Decision>() <= 88);
}

/// A shock named `name` of `kind` from tick `at` for `duration` ticks (`None`: for good).
fn shock(name: &str, at: u32, duration: Option<u32>, kind: ShockKind) -> ShockSpec {
    ShockSpec {
        name: name.into(),
        at,
        duration,
        kind,
    }
}

#[test]
fn decisions_queued_per_level_count_the_frozen_queues_without_reading_every_agent() {
    use crate::scenario::LossTarget;
    let mut s = Scenario::new("frozen", 160, 6.0, vec![OrgSpec::tree("Hierarchy", 4, 3)]);
    // Two absences overlap (an agent held by both counts once); the top leaves and its queue
    // stays frozen until the end, never rerouted.
    s.shocks = vec![
        shock(
            "absence",
            20,
            Some(80),
            ShockKind::Absence {
                fraction: 0.3,
                reroute_after: None,
            },
        ),
        shock(
            "second absence",
            40,
            Some(40),
            ShockKind::Absence {
                fraction: 0.3,
                reroute_after: None,
            },
        ),
        shock(
            "loss",
            60,
            None,
            ShockKind::Loss {
                target: LossTarget::Top,
                reroute_after: None,
            },
        ),
    ];
    let mut e = Engine::new(&s, 0, 0);
    let mut frozen_ticks = 0;
    while !e.finished() {
        let frozen = e.step().frozen;
        frozen_ticks += u32::from(frozen > 0);
        assert_eq!(
            e.queued_per_level(),
            e.queued_per_level_by_scan(),
            "tick {}",
            e.now
        );
        let by_scan: u64 = (0..e.agents.len())
            .filter(|&a| e.absent_for[a] > 0)
            .map(|a| u64::from(e.agents[a].decisions))
            .sum();
        assert_eq!(frozen, by_scan, "tick {}: frozen decisions", e.now);
    }
    assert!(
        frozen_ticks > 50,
        "queues were frozen in {frozen_ticks} ticks"
    );
}

#[test]
fn every_window_s_competence_gain_is_from_the_agents_competence_at_its_ends() {
    use crate::metrics::{LevelMetric, Metric};
    // Competence changes by learning, by a shift, and when absent agents come back with the
    // competence they left with (undoing the shift's drop for them). The means by level a
    // window starts and ends with are worked out again only after such a change, and must be
    // those of that tick.
    for learning in [0.0, 0.02] {
        let mut o = OrgSpec::tree("Hierarchy", 3, 3);
        o.learning = learning;
        let mut s = Scenario::new("gain", 120, 3.0, vec![o]);
        s.scenario.warmup = 20;
        let absence = ShockKind::Absence {
            fraction: 0.4,
            reroute_after: None,
        };
        let shift = ShockKind::Shift {
            complexity_shift: 0.0,
            competence_drop: 0.2,
        };
        s.shocks = vec![
            shock("absence", 30, Some(40), absence),
            shock("shift", 50, None, shift),
        ];
        // Surges cut windows at 60, after the shift, at 80, after the return, and in the last
        // tick, whose learning comes after the window starts.
        for (name, at) in [("busy", 60), ("busier", 80), ("last", 119)] {
            let surge = ShockKind::Surge {
                factor: 1.5,
                region: None,
            };
            s.shocks.push(shock(name, at, Some(5), surge));
        }
        let mut e = Engine::new(&s, 0, 0);
        let levels = e.shape.levels as usize;
        let means = |e: &Engine| {
            let mut sum = vec![0.0; levels];
            let mut n = vec![0.0; levels];
            for (c, &l) in e.competence.iter().zip(&e.shape.level) {
                sum[l as usize] += c;
                n[l as usize] += 1.0;
            }
            sum.iter().zip(&n).map(|(s, n)| s / n).collect::<Vec<f64>>()
        };
        // The means as each tick begins, and at the horizon.
        let mut at = vec![];
        while !e.finished() {
            at.push(means(&e));
            e.step();
        }
        at.push(means(&e));
        let out = e.finish();
        let windows = [
            ("all", 20, 120),
            ("absence", 30, 50),
            ("shift", 50, 60),
            ("busy", 60, 80),
            ("busier", 80, 119),
            ("last", 119, 120),
        ];
        for (name, start, end) in windows {
            let metrics = if name == "all" {
                &out.metrics
            } else {
                &out.windows.iter().find(|(w, _)| w == name).expect(name).1
            };
            for (l, (at_end, at_start)) in at[end].iter().zip(&at[start]).enumerate() {
                let metric = Metric::Level(LevelMetric::CompetenceGain, l as u32).name();
                let got = metrics.iter().find(|(m, _)| *m == metric).and_then(|m| m.1);
                let want = at_end - at_start;
                assert_eq!(got, Some(want), "learning {learning}, {name}, level {l}");
            }
        }
        // The shift (at 50) and the return (at 70) moved the frontline's mean, seen as the next
        // tick begins.
        assert_ne!(at[71][0], at[70][0], "learning {learning}");
        assert_ne!(at[51][0], at[50][0], "learning {learning}");
    }
}

/// Twelve teams of four on a ring, all as competent, learning at `learning`, through an
/// absence, a loss, a shift and a second absence, each rerouted.
fn shocked_teams(learning: f64) -> Scenario {
    use crate::scenario::LossTarget;
    let mut o = OrgSpec::teams("Teams", 12, 4, Network::Ring);
    o.competence = crate::scenario::PerLevel::All(0.6);
    o.learning = learning;
    let mut s = Scenario::new("neighbours", 200, 6.0, vec![o]);
    s.work.cross_unit = 0.3;
    s.work.reach = Dist::Fixed(0.2);
    let away = |fraction| ShockKind::Absence {
        fraction,
        reroute_after: Some(3),
    };
    let loss = ShockKind::Loss {
        target: LossTarget::Fraction(0.2),
        reroute_after: Some(5),
    };
    let shift = ShockKind::Shift {
        complexity_shift: 0.5,
        competence_drop: 0.3,
    };
    s.shocks = vec![
        shock("absence", 30, Some(50), away(0.3)),
        shock("loss", 60, Some(60), loss),
        shock("shift", 100, None, shift),
        shock("second absence", 140, Some(30), away(0.5)),
    ];
    s
}

#[test]
fn a_learning_team_s_lead_is_the_one_a_scan_of_the_team_picks() {
    use crate::model::routing::team_lead;
    // The lead is chosen again after each decision from the old lead and the member who
    // learnt, not by scanning the team: it must be the member the scan picks (the most
    // competent not rerouted, ties to the lowest index) at every tick, through shocks.
    let s = shocked_teams(0.02);
    let mut e = Engine::new(&s, 0, 0);
    let mut changed = 0;
    let mut last = e.lead.clone();
    while !e.finished() {
        e.step();
        let scanned: Vec<u32> = (0..e.shape.units)
            .map(|t| team_lead(e.shape.team_members(t), &e.competence, &e.rerouted_for))
            .collect();
        assert_eq!(e.lead, scanned, "tick {}", e.now);
        changed += e.lead.iter().zip(&last).filter(|(a, b)| a != b).count();
        last.clone_from(&e.lead);
    }
    assert!(
        changed > 12,
        "leads change as members learn ({changed} changes)"
    );
}

#[test]
fn a_team_s_kept_best_neighbouring_lead_is_the_one_worked_out_through_shocks() {
    use crate::model::routing::best_neighbour_leads;
    // Teams whose members do not learn keep each team's best neighbouring lead, chosen again
    // only with the leads: when work is rerouted around absent agents, when they come back and
    // when a shift lowers competence. Teams that learn keep none.
    for learning in [0.0, 0.01] {
        let s = shocked_teams(learning);
        let mut e = Engine::new(&s, 0, 0);
        let mut lateral = 0;
        while !e.finished() {
            e.step();
            if learning > 0.0 {
                assert!(e.best_neighbour.is_empty(), "tick {}", e.now);
                continue;
            }
            let worked_out = best_neighbour_leads(&e.shape, &e.lead, &e.competence);
            assert_eq!(e.best_neighbour, worked_out, "tick {}", e.now);
            let r = e.routing();
            lateral += (0..e.shape.agents() as u32)
                .filter(|&a| r.superior(a).is_some_and(|h| h.lateral))
                .count();
        }
        if learning == 0.0 {
            assert!(lateral > 0, "some lead refers sideways");
        }
    }
}

#[test]
fn an_agent_is_marked_active_exactly_while_it_has_work_and_is_present() {
    use crate::scenario::LossTarget;
    // The work phase's scan reads only the bitmap: an agent marked must have work, and one
    // with work who is present must be marked (or it would never be stepped). Absences and a
    // loss reroute work around agents, emptying their queues, and bring them back. Checked as
    // each tick ends; within a tick, the scan's debug assertion checks every agent it meets
    // (an absence rerouted from its first tick empties queues just before the scan).
    let mut s = ranged();
    s.shocks = vec![
        shock(
            "absence",
            40,
            Some(60),
            ShockKind::Absence {
                fraction: 0.3,
                reroute_after: Some(10),
            },
        ),
        shock(
            "rerouted at once",
            60,
            Some(20),
            ShockKind::Absence {
                fraction: 0.2,
                reroute_after: Some(0),
            },
        ),
        shock(
            "frozen",
            70,
            Some(30),
            ShockKind::Absence {
                fraction: 0.2,
                reroute_after: None,
            },
        ),
        shock(
            "loss",
            120,
            None,
            ShockKind::Loss {
                target: LossTarget::Top,
                reroute_after: Some(5),
            },
        ),
    ];
    for org in 0..s.orgs.len() {
        for parallel in [usize::MAX, 1] {
            let mut e = Engine::new(&s, org, 0);
            e.set_parallel_threshold(parallel);
            e.set_load_ahead(parallel == 1);
            let mut away_with_work = 0;
            while !e.finished() {
                e.step();
                for a in 0..e.agents.len() {
                    let marked = e.active[a / 64] & (1 << (a % 64)) != 0;
                    let work = !e.agents[a].is_idle();
                    let present = e.absent_for[a] == 0;
                    assert!(!marked || work, "tick {}: agent {a} marked idle", e.now);
                    assert!(!work || !present || marked, "tick {}: agent {a}", e.now);
                    away_with_work += usize::from(work && !present);
                }
                for (w, &bits) in e.active.iter().enumerate() {
                    let summary = e.active_words[w / 64] & (1 << (w % 64)) != 0;
                    assert_eq!(summary, bits != 0, "tick {}: word {w}", e.now);
                }
            }
            assert!(away_with_work > 0, "org {org}: some frozen queue");
        }
    }
}

/// A tree and teams big enough for several words of the active bitmap, busy enough that
/// agents go idle and get work again every tick.
fn ranged() -> Scenario {
    let tree = OrgSpec::tree("Hierarchy", 6, 4);
    let teams = OrgSpec::teams("Teams", 40, 6, Network::Ring);
    let mut s = Scenario::new("ranged", 200, 60.0, vec![tree, teams]);
    s.work.cross_unit = 0.3;
    s
}
