//! Shocks: when they start, reroute and end, and whom they hit.

use super::Engine;
use crate::model::rng::{self, Purpose};
use crate::model::routing::most_competent;
use crate::model::structure::{NONE, Shape};
use crate::model::work_stream::Surge;
use crate::scenario::{LossTarget, ShockKind, ShockSpec};

/// A shock scheduled in an engine, with its progress.
#[derive(Debug, Clone)]
pub struct Scheduled {
    pub spec: ShockSpec,
    /// Keys the shock's random draws; derived from its name.
    pub id: u64,
    pub started: bool,
    pub rerouted: bool,
    pub ended: bool,
    /// Agents this shock holds away while it is in force, with the competence each left with.
    pub absent: Vec<(u32, f64)>,
}

impl Scheduled {
    /// Schedule a shock.
    pub fn new(spec: ShockSpec) -> Scheduled {
        Scheduled {
            id: name_id(&spec.name),
            spec,
            started: false,
            rerouted: false,
            ended: false,
            absent: Vec::new(),
        }
    }

    /// Whether the shock is in force.
    pub fn active(&self) -> bool {
        self.started && !self.ended
    }

    /// The tick at which its work goes around the absent, if it ever does.
    pub fn reroute_tick(&self) -> Option<u32> {
        let after = match self.spec.kind {
            ShockKind::Loss { reroute_after, .. } | ShockKind::Absence { reroute_after, .. } => {
                reroute_after
            }
            _ => None,
        }?;
        Some(self.spec.at.saturating_add(after))
    }
}

/// A stable 64-bit identity for a shock name (FNV-1a), so draws do not depend on file order.
pub fn name_id(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The agents a `loss` or `absence` shock takes away, ascending.
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

impl Engine {
    pub(super) fn apply_shocks(&mut self, t: u32) {
        let mut changed = false;
        for i in 0..self.shocks.len() {
            if !self.shocks[i].started && self.shocks[i].spec.at <= t {
                self.start_shock(i);
                changed = true;
            }
            if self.shocks[i].active()
                && !self.shocks[i].rerouted
                && self.shocks[i].reroute_tick().is_some_and(|r| r <= t)
            {
                self.reroute(i);
                changed = true;
            }
            if self.shocks[i].active() && self.shocks[i].spec.end().is_some_and(|e| e <= t) {
                self.end_shock(i);
                changed = true;
            }
        }
        if changed {
            self.surges = self
                .shocks
                .iter()
                .filter(|s| s.active())
                .filter_map(|s| match s.spec.kind {
                    ShockKind::Surge { factor, region } => Some(Surge {
                        id: s.id,
                        factor,
                        region,
                    }),
                    _ => None,
                })
                .collect();
            self.refresh_delays();
        }
    }

    pub(super) fn start_shock(&mut self, i: usize) {
        self.shocks[i].started = true;
        let kind = self.shocks[i].spec.kind.clone();
        match kind {
            ShockKind::Shift {
                complexity_shift,
                competence_drop,
            } => {
                self.complexity_shift += complexity_shift;
                for c in &mut self.competence {
                    *c = (*c - competence_drop).max(0.0);
                }
                self.refresh_routing();
            }
            ShockKind::Loss { .. } | ShockKind::Absence { .. } => {
                let who = targets(
                    &self.shape,
                    &kind,
                    &self.competence,
                    self.seed,
                    self.replicate,
                    self.shocks[i].id,
                );
                for &a in &who {
                    self.absent_for[a as usize] += 1;
                }
                self.shocks[i].absent = who
                    .iter()
                    .map(|&a| (a, self.competence[a as usize]))
                    .collect();
            }
            ShockKind::Surge { .. } | ShockKind::Outage { .. } => {}
        }
    }

    pub(super) fn end_shock(&mut self, i: usize) {
        self.shocks[i].ended = true;
        let kind = self.shocks[i].spec.kind.clone();
        match kind {
            ShockKind::Shift {
                complexity_shift, ..
            } => {
                self.complexity_shift -= complexity_shift;
            }
            ShockKind::Loss { .. } | ShockKind::Absence { .. } => {
                let rerouted = self.shocks[i].rerouted;
                for (a, c) in std::mem::take(&mut self.shocks[i].absent) {
                    self.absent_for[a as usize] -= 1;
                    if rerouted {
                        self.rerouted_for[a as usize] -= 1;
                    }
                    // A replacement arrives with the competence the agent left with.
                    self.competence[a as usize] = c;
                    if !self.agents[a as usize].queue.is_empty() && !self.in_active[a as usize] {
                        self.in_active[a as usize] = true;
                        self.active.push(a);
                    }
                }
                self.refresh_routing();
            }
            ShockKind::Surge { .. } | ShockKind::Outage { .. } => {}
        }
    }

    pub(super) fn refresh_delays(&mut self) {
        let (mut vertical, mut lateral) = (1.0f64, 1.0f64);
        for s in self.shocks.iter().filter(|s| s.active()) {
            if let ShockKind::Outage {
                delay_factor,
                links,
            } = s.spec.kind
            {
                if links.covers(false) {
                    vertical *= delay_factor;
                }
                if links.covers(true) {
                    lateral *= delay_factor;
                }
            }
        }
        let ld = self.org.link_delay;
        self.delay_vertical = (ld * vertical).ceil().max(0.0) as u32;
        self.delay_lateral = (ld * lateral).ceil().max(0.0) as u32;
    }

    /// Decisions sitting in the queues of agents who are away.
    pub(super) fn frozen(&self) -> u64 {
        let mut away: Vec<u32> = self
            .shocks
            .iter()
            .filter(|s| s.active())
            .flat_map(|s| s.absent.iter().map(|&(a, _)| a))
            .collect();
        away.sort_unstable();
        away.dedup();
        away.iter()
            .map(|&a| self.agents[a as usize].decisions as u64)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::OrgSpec;

    #[test]
    fn fraction_takes_exactly_the_share() {
        let shape = Shape::build(&OrgSpec::teams("t", 20, 5, Default::default()), 1, 0);
        let kind = ShockKind::Absence {
            fraction: 0.3,
            reroute_after: None,
        };
        let t = targets(&shape, &kind, &shape.competence0, 1, 0, 5);
        assert_eq!(t.len(), 30);
        assert_ne!(
            t,
            targets(&shape, &kind, &shape.competence0, 1, 1, 5),
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
            targets(&shape, &kind, &shape.competence0, 1, 0, 0),
            vec![0, 1, 4]
        );
    }
}
