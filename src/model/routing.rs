//! Who leads, whom an agent refers to, and where work goes around an agent whose work is
//! rerouted (`docs/model.md` "Agents and structures", "Deciding or referring", "Shocks").
//!
//! Every rule reads plain slices indexed by agent (or by team) and changes nothing, so the
//! engine can apply them from a snapshot while agents are stepped in parallel.

use std::ops::Range;

use crate::model::structure::{NONE, Shape};

/// Whether `a` ranks above `b` to lead: more competent, or as competent and lower-numbered.
pub fn ranks_above(competence: &[f64], a: u32, b: u32) -> bool {
    let (ca, cb) = (competence[a as usize], competence[b as usize]);
    ca > cb || (ca == cb && a < b)
}

/// The most competent of `candidates` that passes `eligible`, ties to the lowest index
/// (whatever the order of `candidates`); `NONE` when none is eligible.
pub fn most_competent(
    candidates: impl IntoIterator<Item = u32>,
    competence: &[f64],
    eligible: impl Fn(u32) -> bool,
) -> u32 {
    let mut best = NONE;
    for a in candidates {
        if eligible(a) && (best == NONE || ranks_above(competence, a, best)) {
            best = a;
        }
    }
    best
}

/// A team's lead: its most competent member whose work is not rerouted (ties: lowest index);
/// `NONE` when every member's work is. The same rule picks the leads when an org is built,
/// after a shock and after a member learns.
pub fn team_lead(members: Range<u32>, competence: &[f64], rerouted_for: &[u16]) -> u32 {
    most_competent(members, competence, |a| rerouted_for[a as usize] == 0)
}

/// The acting top of a tree: while the top's work is rerouted, the most competent manager one
/// level down whose work is not (ties: lowest index). `NONE` while the top is in place, in a
/// one-level tree, and in teams.
pub fn acting_top(shape: &Shape, competence: &[f64], rerouted_for: &[u16]) -> u32 {
    if !shape.is_tree() || shape.levels < 2 || rerouted_for[shape.top() as usize] == 0 {
        return NONE;
    }
    let below = shape.level_agents(shape.levels - 2);
    most_competent(below, competence, |a| rerouted_for[a as usize] == 0)
}

/// The most competent lead among the teams in `neighbours` (ties: lowest index); `None` when
/// none of them has a lead.
pub fn best_neighbour_lead(neighbours: &[u32], lead: &[u32], competence: &[f64]) -> Option<u32> {
    let best = most_competent(
        neighbours.iter().map(|&n| lead[n as usize]),
        competence,
        |l| l != NONE,
    );
    (best != NONE).then_some(best)
}

/// Every team's [`best_neighbour_lead`] (`NONE` for none), in team order, for
/// [`Routing::best_neighbour`].
pub fn best_neighbour_leads(shape: &Shape, lead: &[u32], competence: &[f64]) -> Vec<u32> {
    (0..shape.units)
        .map(|t| best_neighbour_lead(shape.neighbours.of(t), lead, competence).unwrap_or(NONE))
        .collect()
}

/// Whether a team's lead refers up to `other`, the best neighbouring lead: only if `other` is
/// strictly more competent (a lead as competent as the neighbour keeps the decision).
pub fn lead_refers_to(competence: &[f64], lead: u32, other: u32) -> bool {
    competence[other as usize] > competence[lead as usize]
}

/// A referral target and whether the hop uses a lateral link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub to: u32,
    pub lateral: bool,
}

/// Hops taken over vertical and lateral links.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hops {
    pub vertical: u16,
    pub lateral: u16,
}

/// How far [`Routing::destination`] follows reroutes before giving up (a cycle guard; real
/// chains are at most a tree's depth or one lateral hop).
const MAX_REROUTES: u32 = 64;

/// The routing state of an org at one moment, as plain slices.
#[derive(Clone, Copy)]
pub struct Routing<'a> {
    pub shape: &'a Shape,
    /// Current competence of each agent.
    pub competence: &'a [f64],
    /// Per agent: how many shocks reroute its work (0: it receives its own work). Empty when
    /// nobody's work is rerouted.
    pub rerouted_for: &'a [u16],
    /// The agent acting as top while the top's work is rerouted ([`acting_top`]; `NONE`
    /// otherwise).
    pub acting_top: u32,
    /// Teams: each team's lead ([`team_lead`]). Empty for a tree.
    pub lead: &'a [u32],
    /// Teams whose members do not learn: each team's [`best_neighbour_lead`] (`NONE` for
    /// none), worked out when the leads are chosen ([`best_neighbour_leads`]). Empty when not
    /// kept: a tree, or teams whose leads change with every decision taken.
    pub best_neighbour: &'a [u32],
}

impl Routing<'_> {
    fn is_rerouted(&self, a: u32) -> bool {
        self.rerouted_for.get(a as usize).is_some_and(|&r| r > 0)
    }

    /// The agent `a` refers to, or `None` when nobody is above it: in a tree the first manager
    /// up whose work is not rerouted (the acting top has nobody above); in teams the team's
    /// lead, and from the lead the best neighbouring lead if strictly more competent.
    pub fn superior(&self, a: u32) -> Option<Hop> {
        self.superior_at(a, self.shape.level_of(a))
    }

    /// [`Routing::superior`] of `a`, whose level `level` the caller knows (in a tree its
    /// manager is then found without looking the level up).
    pub fn superior_at(&self, a: u32, level: u32) -> Option<Hop> {
        let s = self.shape;
        if s.is_tree() {
            if a == self.acting_top {
                return None;
            }
            let parent = s.parent_at(a, level);
            if self.rerouted_for.is_empty() {
                // Nobody's work is rerouted: the manager, if there is one.
                return (parent != NONE).then_some(Hop {
                    to: parent,
                    lateral: false,
                });
            }
            return self.available_above(parent, a);
        }
        if let Some(hop) = self.own_lead(a) {
            return Some(hop);
        }
        let best = self.neighbour_lead(a)?;
        lead_refers_to(self.competence, a, best).then_some(Hop {
            to: best,
            lateral: true,
        })
    }

    /// Where work sent to `g`, whose work is rerouted, goes instead: in a tree the next manager
    /// up (the top's work goes to the acting top); in teams the team's lead, or if the whole
    /// team is rerouted the best neighbouring lead. `None`: nobody can take it, it waits.
    pub fn around(&self, g: u32) -> Option<Hop> {
        let s = self.shape;
        if s.is_tree() {
            if g == s.top() {
                return self.hand_to_acting_top(NONE);
            }
            return self.available_above(s.parent(g), g);
        }
        self.own_lead(g)
            .or_else(|| self.neighbour_lead(g).map(|to| Hop { to, lateral: true }))
    }

    /// The agent who receives work sent to `to`, following [`Routing::around`] while the
    /// receiver's work is rerouted, and the hops taken to reach it.
    pub fn destination(&self, mut to: u32) -> (u32, Hops) {
        let mut hops = Hops::default();
        let mut guard = 0;
        while self.is_rerouted(to) && guard < MAX_REROUTES {
            let Some(hop) = self.around(to) else { break };
            if hop.lateral {
                hops.lateral += 1;
            } else {
                hops.vertical += 1;
            }
            to = hop.to;
            guard += 1;
        }
        (to, hops)
    }

    /// The agent a consult for unit `u` is sent to: a tree unit's first-line manager, a team's
    /// lead (its first member while the whole team's work is rerouted).
    pub fn consulted(&self, u: u32) -> u32 {
        let s = self.shape;
        if s.is_tree() {
            return s.unit_manager(u);
        }
        match self.lead[u as usize] {
            NONE => s.team_members(u).start,
            lead => lead,
        }
    }

    /// Teams: `a`'s team lead, when there is one and it is not `a`.
    fn own_lead(&self, a: u32) -> Option<Hop> {
        let lead = self.lead[self.shape.team_of(a) as usize];
        (lead != NONE && lead != a).then_some(Hop {
            to: lead,
            lateral: false,
        })
    }

    /// Teams: the best lead among the teams neighbouring `a`'s, kept or worked out.
    fn neighbour_lead(&self, a: u32) -> Option<u32> {
        let s = self.shape;
        let team = s.team_of(a);
        let worked_out = || best_neighbour_lead(s.neighbours.of(team), self.lead, self.competence);
        match self.best_neighbour.get(team as usize) {
            Some(&best) => {
                let kept = (best != NONE).then_some(best);
                debug_assert_eq!(
                    kept,
                    worked_out(),
                    "team {team}'s kept best neighbouring lead"
                );
                kept
            }
            None => worked_out(),
        }
    }

    /// The acting top, unless there is none or it is `from`.
    fn hand_to_acting_top(&self, from: u32) -> Option<Hop> {
        let acting = self.acting_top;
        (acting != NONE && acting != from).then_some(Hop {
            to: acting,
            lateral: false,
        })
    }

    /// In a tree, the first manager from `p` upward whose work is not rerouted; past a rerouted
    /// top, the acting top. `from` is the agent asking (it never refers to itself).
    fn available_above(&self, mut p: u32, from: u32) -> Option<Hop> {
        let s = self.shape;
        while p != NONE {
            if !self.is_rerouted(p) {
                return (p != from).then_some(Hop {
                    to: p,
                    lateral: false,
                });
            }
            if p == s.top() {
                return self.hand_to_acting_top(from);
            }
            p = s.parent(p);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Network, OrgSpec};

    /// Span 2, three levels: frontline 0..4, managers 4 (over 0, 1) and 5 (over 2, 3), top 6.
    fn tree() -> Shape {
        Shape::build(&OrgSpec::tree("t", 2, 3), 1, 0)
    }

    /// Four teams of three on a ring: team t is agents 3t..3t+3, neighbours t±1.
    fn ring() -> Shape {
        Shape::build(&OrgSpec::teams("t", 4, 3, Network::Ring), 1, 0)
    }

    fn leads(shape: &Shape, competence: &[f64], rerouted_for: &[u16]) -> Vec<u32> {
        (0..shape.units)
            .map(|t| team_lead(shape.team_members(t), competence, rerouted_for))
            .collect()
    }

    #[test]
    fn ranking_prefers_competence_then_the_lower_index() {
        let c = [0.5, 0.7, 0.7];
        assert!(ranks_above(&c, 1, 0));
        assert!(!ranks_above(&c, 0, 1));
        assert!(ranks_above(&c, 1, 2), "a tie goes to the lower index");
        assert!(!ranks_above(&c, 2, 1), "a tie goes to the lower index");
        assert!(!ranks_above(&c, 1, 1), "nobody ranks above itself");
    }

    #[test]
    fn most_competent_breaks_ties_to_the_lowest_index_in_any_order() {
        let c = [0.5, 0.8, 0.8, 0.2];
        assert_eq!(most_competent(0..4, &c, |_| true), 1);
        assert_eq!(most_competent([3, 2, 1, 0], &c, |_| true), 1);
        assert_eq!(most_competent(0..4, &c, |a| a != 1), 2);
        assert_eq!(most_competent(0..4, &c, |_| false), NONE);
    }

    #[test]
    fn a_team_lead_is_its_most_competent_member_not_rerouted() {
        let shape = ring();
        let mut c = vec![0.5; 12];
        c[4] = 0.9;
        c[5] = 0.9;
        let mut rerouted = vec![0u16; 12];
        assert_eq!(leads(&shape, &c, &rerouted), vec![0, 4, 6, 9]);
        rerouted[4] = 1;
        assert_eq!(team_lead(3..6, &c, &rerouted), 5);
        rerouted[3] = 1;
        rerouted[5] = 2;
        assert_eq!(team_lead(3..6, &c, &rerouted), NONE);
    }

    #[test]
    fn a_learner_who_draws_level_with_the_lead_leads_only_if_lower_numbered() {
        let mut c = vec![0.5; 12];
        let rerouted = vec![0u16; 12];
        c[4] = 0.8;
        c[5] = 0.8;
        assert_eq!(team_lead(3..6, &c, &rerouted), 4);
        c[3] = 0.8;
        assert_eq!(team_lead(3..6, &c, &rerouted), 3);
    }

    #[test]
    fn the_acting_top_is_the_best_manager_below_a_rerouted_top() {
        let shape = tree();
        let mut c = vec![0.5; 7];
        let mut rerouted = vec![0u16; 7];
        assert_eq!(
            acting_top(&shape, &c, &rerouted),
            NONE,
            "the top is in place"
        );
        rerouted[6] = 1;
        assert_eq!(
            acting_top(&shape, &c, &rerouted),
            4,
            "a tie: the lower index"
        );
        c[5] = 0.6;
        assert_eq!(acting_top(&shape, &c, &rerouted), 5);
        rerouted[5] = 1;
        assert_eq!(acting_top(&shape, &c, &rerouted), 4);
        assert_eq!(
            acting_top(&ring(), &[0.5; 12], &[1; 12]),
            NONE,
            "teams have no top"
        );
    }

    #[test]
    fn the_best_neighbouring_lead_breaks_ties_to_the_lowest_index() {
        let c = [0.5, 0.9, 0.9, 0.7];
        assert_eq!(best_neighbour_lead(&[0, 1, 2], &[0, 1, 2], &c), Some(1));
        assert_eq!(
            best_neighbour_lead(&[0, 1, 2, 3], &[3, 2, 1, 0], &c),
            Some(1)
        );
        assert_eq!(best_neighbour_lead(&[0, 1], &[NONE, 3], &c), Some(3));
        assert_eq!(best_neighbour_lead(&[0, 1], &[NONE, NONE], &c), None);
        assert_eq!(best_neighbour_lead(&[], &[], &c), None);
    }

    #[test]
    fn a_lead_refers_to_a_neighbouring_lead_only_if_strictly_more_competent() {
        let shape = ring();
        let mut c = vec![0.5; 12];
        let rerouted = vec![0u16; 12];
        let lead = leads(&shape, &c, &rerouted);
        let r = |c: &[f64], a| {
            Routing {
                shape: &shape,
                competence: c,
                rerouted_for: &rerouted,
                acting_top: NONE,
                lead: &lead,
                best_neighbour: &[],
            }
            .superior(a)
        };
        assert_eq!(
            r(&c, 4),
            Some(Hop {
                to: 3,
                lateral: false
            }),
            "a member refers to its lead"
        );
        assert_eq!(r(&c, 3), None, "neighbours as competent: the lead decides");
        c[0] = 0.6;
        assert_eq!(
            r(&c, 3),
            Some(Hop {
                to: 0,
                lateral: true
            })
        );
        c[3] = 0.6;
        assert_eq!(
            r(&c, 3),
            None,
            "a tie, although the neighbour is lower-numbered"
        );
        assert!(!lead_refers_to(&c, 3, 0) && !lead_refers_to(&c, 0, 3));
    }

    #[test]
    fn in_a_tree_an_agent_refers_to_the_first_manager_in_place() {
        let shape = tree();
        let c = vec![0.5; 7];
        let mut rerouted = vec![0u16; 7];
        let view = |rerouted: &[u16], acting_top| {
            let r = Routing {
                shape: &shape,
                competence: &c,
                rerouted_for: rerouted,
                acting_top,
                lead: &[],
                best_neighbour: &[],
            };
            (r.superior(0), r.superior(4), r.superior(6))
        };
        let up = |to| Some(Hop { to, lateral: false });
        assert_eq!(view(&rerouted, NONE), (up(4), up(6), None));
        rerouted[4] = 1;
        assert_eq!(view(&rerouted, NONE).0, up(6), "past a rerouted manager");
        rerouted[6] = 1;
        assert_eq!(
            view(&rerouted, 5).0,
            up(5),
            "past a rerouted top: the acting top"
        );
        assert_eq!(view(&rerouted, 5).1, up(5));
        let r = Routing {
            shape: &shape,
            competence: &c,
            rerouted_for: &rerouted,
            acting_top: 5,
            lead: &[],
            best_neighbour: &[],
        };
        assert_eq!(r.superior(5), None, "the acting top has nobody above");
        assert_eq!(r.superior(2), up(5), "it takes its own unit's referrals");
    }

    #[test]
    fn with_nobody_rerouted_a_tree_agent_refers_to_its_manager_either_way() {
        // The engine passes no rerouting counts while nobody's work is rerouted, and a tree
        // agent's superior is then found without walking up: the same as with every count 0.
        for shape in [tree(), Shape::build(&OrgSpec::tree("t", 3, 4), 1, 0)] {
            let n = shape.agents();
            let c = vec![0.5; n];
            let zeros = vec![0u16; n];
            let with = |rerouted_for: &[u16]| {
                let r = Routing {
                    shape: &shape,
                    competence: &c,
                    rerouted_for,
                    acting_top: NONE,
                    lead: &[],
                    best_neighbour: &[],
                };
                (0..n as u32)
                    .map(|a| r.superior_at(a, shape.level_of(a)))
                    .collect::<Vec<_>>()
            };
            let superiors = with(&[]);
            assert_eq!(superiors, with(&zeros));
            for a in 0..n as u32 {
                let manager = shape.parent(a);
                assert_eq!(
                    superiors[a as usize].map(|h| h.to),
                    (manager != NONE).then_some(manager)
                );
            }
        }
    }

    #[test]
    fn work_goes_around_a_rerouted_agent() {
        let shape = tree();
        let c = vec![0.5; 7];
        let mut rerouted = vec![0u16; 7];
        rerouted[0] = 1;
        rerouted[4] = 1;
        let r = Routing {
            shape: &shape,
            competence: &c,
            rerouted_for: &rerouted,
            acting_top: NONE,
            lead: &[],
            best_neighbour: &[],
        };
        let up = |to| Some(Hop { to, lateral: false });
        assert_eq!(r.around(0), up(6));
        assert_eq!(r.around(6), None, "the top in place: nobody to go to");
        assert_eq!(
            r.destination(0),
            (
                6,
                Hops {
                    vertical: 1,
                    lateral: 0
                }
            )
        );
        assert_eq!(r.destination(1), (1, Hops::default()), "not rerouted");
        let mut top_too = rerouted.clone();
        top_too[6] = 1;
        let r = Routing {
            rerouted_for: &top_too,
            acting_top: 5,
            ..r
        };
        assert_eq!(r.around(6), up(5), "the top's work goes to the acting top");
        assert_eq!(r.destination(0).0, 5);
    }

    #[test]
    fn in_teams_work_goes_to_the_lead_then_to_the_best_neighbouring_lead() {
        let shape = ring();
        let mut c = vec![0.5; 12];
        c[7] = 0.6;
        c[10] = 0.6;
        let mut rerouted = vec![0u16; 12];
        rerouted[3] = 1;
        let lead = leads(&shape, &c, &rerouted);
        let r = Routing {
            shape: &shape,
            competence: &c,
            rerouted_for: &rerouted,
            acting_top: NONE,
            lead: &lead,
            best_neighbour: &[],
        };
        assert_eq!(
            r.around(3),
            Some(Hop {
                to: 4,
                lateral: false
            }),
            "the next most competent member leads"
        );
        let whole_team: Vec<u16> = (0..12).map(|a| (3..6).contains(&a) as u16).collect();
        let lead = leads(&shape, &c, &whole_team);
        let r = Routing {
            rerouted_for: &whole_team,
            lead: &lead,
            ..r
        };
        // Team 1's neighbours are teams 0 (lead 0, 0.5) and 2 (lead 7, 0.6).
        assert_eq!(
            r.destination(4),
            (
                7,
                Hops {
                    vertical: 0,
                    lateral: 1
                }
            )
        );
        assert_eq!(r.consulted(1), 3, "a team with no lead: its first member");
        assert_eq!(r.consulted(2), 7);
    }

    #[test]
    fn consults_go_to_a_tree_unit_first_line_manager() {
        let shape = tree();
        let r = Routing {
            shape: &shape,
            competence: &[0.5; 7],
            rerouted_for: &[0; 7],
            acting_top: NONE,
            lead: &[],
            best_neighbour: &[],
        };
        assert_eq!((r.consulted(0), r.consulted(1)), (4, 5));
    }
}
