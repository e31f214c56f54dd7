//! Who an agent refers to, and where work goes around an agent who is gone.
//!
//! Routing reads a snapshot (competences, who is gone, the acting top, team leads) that does
//! not change during a tick's work phase, so agents can be stepped in parallel.

use crate::model::structure::{NONE, Shape};

/// The routing state of an org at one moment.
pub struct Routing<'a> {
    pub shape: &'a Shape,
    pub competence: &'a [f64],
    /// Number of shocks for which each agent is away *and* its work has been rerouted.
    pub rerouted_for: &'a [u16],
    /// The agent acting as top while the top is gone (`NONE` otherwise).
    pub acting_top: u32,
    /// Teams: each team's lead, its most competent member who is not gone (`NONE` if all are).
    pub lead: &'a [u32],
}

/// A referral target and whether the hop uses a lateral link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub to: u32,
    pub lateral: bool,
}

impl Routing<'_> {
    fn is_gone(&self, a: u32) -> bool {
        self.rerouted_for[a as usize] > 0
    }

    /// The agent `a` refers to, or `None` when nobody is above it.
    pub fn superior(&self, a: u32) -> Option<Hop> {
        let s = self.shape;
        if s.is_tree() {
            if a == self.acting_top {
                return None;
            }
            self.available_above(s.parent[a as usize], a)
        } else {
            let lead = self.lead[s.team_of(a) as usize];
            if lead != NONE && lead != a {
                return Some(Hop {
                    to: lead,
                    lateral: false,
                });
            }
            // A lead refers to the most competent neighbouring lead, if more competent.
            let best = self.best_neighbour_lead(a)?;
            (self.competence[best as usize] > self.competence[a as usize]).then_some(Hop {
                to: best,
                lateral: true,
            })
        }
    }

    /// In a tree, the first manager from `p` upward who is not gone; a gone top hands over to
    /// the acting top. `from` is the agent asking (it never refers to itself).
    fn available_above(&self, mut p: u32, from: u32) -> Option<Hop> {
        let s = self.shape;
        while p != NONE {
            if !self.is_gone(p) {
                return (p != from).then_some(Hop {
                    to: p,
                    lateral: false,
                });
            }
            if p == s.top() {
                let acting = self.acting_top;
                return (acting != NONE && acting != from).then_some(Hop {
                    to: acting,
                    lateral: false,
                });
            }
            p = s.parent[p as usize];
        }
        None
    }

    /// Where work sent to `g`, who is gone, goes instead: in a tree the next manager up (a
    /// gone top's work goes to the acting top); in teams the team's lead, or if the whole team
    /// is gone the most competent neighbouring lead. `None`: nobody to take it, it waits.
    pub fn around(&self, g: u32) -> Option<Hop> {
        let s = self.shape;
        if s.is_tree() {
            if g == s.top() {
                let acting = self.acting_top;
                return (acting != NONE).then_some(Hop {
                    to: acting,
                    lateral: false,
                });
            }
            self.available_above(s.parent[g as usize], g)
        } else {
            let lead = self.lead[s.team_of(g) as usize];
            if lead != NONE && lead != g {
                return Some(Hop {
                    to: lead,
                    lateral: false,
                });
            }
            self.best_neighbour_lead(g)
                .map(|to| Hop { to, lateral: true })
        }
    }

    /// The most competent lead among the teams neighbouring `a`'s team (ties: lowest index).
    fn best_neighbour_lead(&self, a: u32) -> Option<u32> {
        let s = self.shape;
        let mut best: Option<u32> = None;
        for &n in &s.neighbours[s.team_of(a) as usize] {
            let l = self.lead[n as usize];
            if l == NONE {
                continue;
            }
            best = match best {
                Some(b) if self.competence[b as usize] >= self.competence[l as usize] => Some(b),
                _ => Some(l),
            };
        }
        best
    }
}

/// The most competent of `agents` that passes `eligible` (ties: the lowest index).
pub fn most_competent(
    agents: impl Iterator<Item = u32>,
    competence: &[f64],
    eligible: impl Fn(u32) -> bool,
) -> u32 {
    let mut best = NONE;
    for a in agents.filter(|&a| eligible(a)) {
        if best == NONE || competence[a as usize] > competence[best as usize] {
            best = a;
        }
    }
    best
}
