//! What shocks do (`docs/model.md` "Shocks"): whom a loss or an absence takes away, when work
//! starts going around them, and what a shift and an outage change.

use crate::model::rng::{self, Purpose};
use crate::model::routing::most_competent;
use crate::model::structure::{NONE, Shape};
use crate::scenario::{Links, LossTarget, ShockKind, ShockSpec};

/// The agents a `loss` or `absence` shock takes away, ascending: a tree's top (in teams, the
/// most competent agent, ties to the lowest index), every agent of a tree level, a random
/// fraction of all agents, or everyone in a region. `id` keys the random draws.
pub fn targets(
    shape: &Shape,
    kind: &ShockKind,
    competence: &[f64],
    seed: u64,
    replicate: u32,
    id: u64,
) -> Vec<u32> {
    let n = shape.agents() as u32;
    let mut out: Vec<u32> = match *kind {
        ShockKind::Loss { target, .. } => match target {
            LossTarget::Top => {
                if shape.is_tree() {
                    vec![shape.top()]
                } else {
                    let best = most_competent(0..n, competence, |_| true);
                    if best == NONE { vec![] } else { vec![best] }
                }
            }
            LossTarget::Level(l) if shape.is_tree() && l < shape.levels => {
                shape.level_agents(l).collect()
            }
            LossTarget::Level(_) => Vec::new(),
            LossTarget::Fraction(f) => {
                random_fraction(n, f, seed, replicate, id, Purpose::LossTarget)
            }
            LossTarget::Region([a, b]) => region(shape, a, b),
        },
        ShockKind::Absence { fraction, .. } => {
            random_fraction(n, fraction, seed, replicate, id, Purpose::AbsenceTarget)
        }
        _ => Vec::new(),
    };
    out.sort_unstable();
    out
}

/// Exactly `round(fraction * n)` agents, chosen by keyed draws (the smallest draws win).
fn random_fraction(
    n: u32,
    fraction: f64,
    seed: u64,
    replicate: u32,
    id: u64,
    purpose: Purpose,
) -> Vec<u32> {
    let k = ((fraction.clamp(0.0, 1.0) * n as f64).round() as usize).min(n as usize);
    let mut drawn: Vec<(u64, u32)> = (0..n)
        .map(|a| (rng::key(seed, replicate, a as u64, purpose, id), a))
        .collect();
    drawn.sort_unstable();
    drawn.into_iter().take(k).map(|(_, a)| a).collect()
}

/// Frontline agents whose slices overlap `[a, b]`, and in a tree the managers whose whole
/// subtree does.
fn region(shape: &Shape, a: f64, b: f64) -> Vec<u32> {
    let f = shape.frontline as f64;
    let hit = |i: u32| (i as f64) / f <= b && ((i + 1) as f64) / f > a;
    let mut out: Vec<u32> = (0..shape.frontline).filter(|&i| hit(i)).collect();
    if shape.is_tree() {
        for l in 1..shape.levels {
            for m in shape.level_agents(l) {
                if shape.subtree_frontline(m).all(hit) {
                    out.push(m);
                }
            }
        }
    }
    out
}

/// The tick from which a loss's or an absence's work goes around the agents it took:
/// `at + reroute_after`. `None` for other kinds and when it never does.
pub fn reroute_tick(spec: &ShockSpec) -> Option<u32> {
    let after = match spec.kind {
        ShockKind::Loss { reroute_after, .. } | ShockKind::Absence { reroute_after, .. } => {
            reroute_after
        }
        _ => None,
    }?;
    Some(spec.at.saturating_add(after))
}

/// A new decision's complexity while shifts raise it by `shift` in all, kept in [0, 1].
pub fn shifted_complexity(complexity: f64, shift: f64) -> f64 {
    (complexity + shift).clamp(0.0, 1.0)
}

/// An agent's competence after a shift drops it by `drop`, never below 0.
pub fn dropped_competence(competence: f64, drop: f64) -> f64 {
    (competence - drop).max(0.0)
}

/// The vertical and lateral link delays in whole ticks under the outages in force, given as
/// `(delay_factor, links)` in schedule order: `ceil(link_delay × the factors covering the
/// kind of link)`.
pub fn link_delays(link_delay: f64, outages: impl IntoIterator<Item = (f64, Links)>) -> (u32, u32) {
    let (mut vertical, mut lateral) = (1.0f64, 1.0f64);
    for (factor, links) in outages {
        if links.covers(false) {
            vertical *= factor;
        }
        if links.covers(true) {
            lateral *= factor;
        }
    }
    let ticks = |factor: f64| (link_delay * factor).ceil().max(0.0) as u32;
    (ticks(vertical), ticks(lateral))
}

/// The authority of each level under the `delegation` shocks in force, given as
/// `(at, level, authority)` in schedule order: of several for one level, the one that started
/// last wins (at the same tick, the later in the schedule); `None` where none is in force, so
/// the design's authority holds.
pub fn delegated_authority(
    levels: u32,
    delegations: impl IntoIterator<Item = (u32, u32, f64)>,
) -> Vec<Option<f64>> {
    let mut latest: Vec<Option<(u32, f64)>> = vec![None; levels as usize];
    for (at, level, authority) in delegations {
        if let Some(slot) = latest.get_mut(level as usize)
            && slot.is_none_or(|(started, _)| at >= started)
        {
            *slot = Some((at, authority));
        }
    }
    latest.into_iter().map(|s| s.map(|(_, a)| a)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::OrgSpec;

    #[test]
    fn the_latest_delegation_of_a_level_wins() {
        assert_eq!(delegated_authority(3, []), vec![None, None, None]);
        let d = delegated_authority(
            3,
            [(100, 0, 1.0), (150, 0, 0.2), (120, 2, 0.5), (90, 0, 0.7)],
        );
        assert_eq!(d, vec![Some(0.2), None, Some(0.5)]);
        // At the same tick the later in the schedule wins; a level the org lacks is ignored.
        assert_eq!(
            delegated_authority(1, [(5, 0, 0.3), (5, 0, 0.9), (5, 4, 0.1)]),
            vec![Some(0.9)]
        );
    }

    fn loss(target: LossTarget) -> ShockKind {
        ShockKind::Loss {
            target,
            reroute_after: None,
        }
    }

    #[test]
    fn fraction_takes_exactly_the_share() {
        let shape = Shape::build(&OrgSpec::teams("t", 20, 5, Default::default()), 1, 0);
        let kind = ShockKind::Absence {
            fraction: 0.3,
            reroute_after: None,
        };
        let t = targets(&shape, &kind, &shape.competence0(), 1, 0, 5);
        assert_eq!(t.len(), 30);
        assert_ne!(
            t,
            targets(&shape, &kind, &shape.competence0(), 1, 1, 5),
            "replicates differ"
        );
    }

    #[test]
    fn region_takes_frontline_and_whole_subtrees() {
        let shape = Shape::build(&OrgSpec::tree("t", 2, 3), 1, 0);
        // Frontline 0..4 with slices of 0.25; [0.0, 0.49] overlaps agents 0 and 1, whose
        // manager (agent 4) has its whole subtree inside.
        let kind = ShockKind::Loss {
            target: LossTarget::Region([0.0, 0.49]),
            reroute_after: None,
        };
        assert_eq!(
            targets(&shape, &kind, &shape.competence0(), 1, 0, 0),
            vec![0, 1, 4]
        );
    }

    #[test]
    fn the_top_of_teams_is_the_most_competent_agent_ties_to_the_lowest_index() {
        let shape = Shape::build(&OrgSpec::teams("t", 3, 2, Default::default()), 1, 0);
        let mut c = vec![0.5; 6];
        c[3] = 0.8;
        c[5] = 0.8;
        assert_eq!(
            targets(&shape, &loss(LossTarget::Top), &c, 1, 0, 0),
            vec![3]
        );
        let tree = Shape::build(&OrgSpec::tree("t", 2, 3), 1, 0);
        let c = vec![0.9; 7];
        assert_eq!(targets(&tree, &loss(LossTarget::Top), &c, 1, 0, 0), vec![6]);
    }

    #[test]
    fn a_level_loss_takes_the_whole_level_of_a_tree_only() {
        let tree = Shape::build(&OrgSpec::tree("t", 2, 3), 1, 0);
        let c = tree.competence0();
        assert_eq!(
            targets(&tree, &loss(LossTarget::Level(1)), &c, 1, 0, 0),
            vec![4, 5]
        );
        assert!(targets(&tree, &loss(LossTarget::Level(3)), &c, 1, 0, 0).is_empty());
        let teams = Shape::build(&OrgSpec::teams("t", 3, 2, Default::default()), 1, 0);
        let c = teams.competence0();
        assert!(targets(&teams, &loss(LossTarget::Level(0)), &c, 1, 0, 0).is_empty());
    }

    #[test]
    fn work_is_rerouted_reroute_after_ticks_after_the_start() {
        let spec = |kind| ShockSpec {
            name: "s".into(),
            at: 100,
            duration: Some(50),
            kind,
        };
        let lost = ShockKind::Loss {
            target: LossTarget::Top,
            reroute_after: Some(12),
        };
        assert_eq!(reroute_tick(&spec(lost)), Some(112));
        assert_eq!(reroute_tick(&spec(loss(LossTarget::Top))), None);
        let outage = ShockKind::Outage {
            delay_factor: 2.0,
            links: Links::All,
        };
        assert_eq!(reroute_tick(&spec(outage)), None);
    }

    #[test]
    fn a_shift_keeps_complexity_and_competence_in_range() {
        assert_eq!(shifted_complexity(0.5, 0.25), 0.75);
        assert_eq!(shifted_complexity(0.9, 0.25), 1.0);
        assert_eq!(shifted_complexity(0.1, -0.25), 0.0);
        assert_eq!(dropped_competence(0.5, 0.25), 0.25);
        assert_eq!(dropped_competence(0.1, 0.25), 0.0);
    }

    #[test]
    fn outages_multiply_the_delay_of_the_links_they_cover_rounded_up() {
        assert_eq!(link_delays(1.0, []), (1, 1));
        assert_eq!(link_delays(1.5, []), (2, 2));
        assert_eq!(link_delays(1.0, [(3.0, Links::Vertical)]), (3, 1));
        assert_eq!(
            link_delays(1.0, [(2.0, Links::All), (1.5, Links::Lateral)]),
            (2, 3)
        );
        assert_eq!(link_delays(0.0, [(4.0, Links::All)]), (0, 0));
    }
}
