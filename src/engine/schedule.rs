//! The shocks scheduled in a run (`docs/model.md` "Shocks"): each starts, reroutes and ends on
//! its tick; whom it hits and what it changes are the rules of [`crate::model::shocks`].

use super::Engine;
use crate::model::rng;
use crate::model::shocks;
use crate::model::work_stream::Surge;
use crate::scenario::{ShockKind, ShockSpec};

/// A shock scheduled in an engine, with its progress.
#[derive(Debug, Clone)]
pub struct Scheduled {
    pub spec: ShockSpec,
    /// Keys the shock's random draws; derived from its name.
    pub id: u64,
    /// Whether it has started.
    pub started: bool,
    /// Whether work sent to the agents it holds away goes around them yet.
    pub rerouted: bool,
    /// Whether it has ended.
    pub ended: bool,
    /// Agents this shock holds away while it is in force, with the competence each left with.
    pub absent: Vec<(u32, f64)>,
}

impl Scheduled {
    /// Schedule a shock.
    pub fn new(spec: ShockSpec) -> Scheduled {
        Scheduled {
            id: rng::name_id(&spec.name),
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
}

impl Engine {
    /// Phase 1 of tick `t`: start, reroute and end the shocks due, then fix the surges and the
    /// link delays in force.
    pub(super) fn apply_shocks(&mut self, t: u32) {
        let mut changed = false;
        for i in 0..self.shocks.len() {
            if !self.shocks[i].started && self.shocks[i].spec.at <= t {
                self.start_shock(i);
                changed = true;
            }
            if self.shocks[i].active()
                && !self.shocks[i].rerouted
                && shocks::reroute_tick(&self.shocks[i].spec).is_some_and(|r| r <= t)
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

    /// Shock `i` starts: a shift changes complexity and competence, a loss or an absence takes
    /// its targets away (surges and outages act through `apply_shocks`).
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
                    *c = shocks::dropped_competence(*c, competence_drop);
                }
                self.tally.competence_changed();
                self.refresh_routing();
            }
            ShockKind::Loss { .. } | ShockKind::Absence { .. } => {
                let who = shocks::targets(
                    &self.shape,
                    &kind,
                    &self.competence,
                    self.seed,
                    self.replicate,
                    self.shocks[i].id,
                );
                for &a in &who {
                    self.absent_for[a as usize] += 1;
                    self.away += u32::from(self.absent_for[a as usize] == 1);
                }
                self.shocks[i].absent = who
                    .iter()
                    .map(|&a| (a, self.competence[a as usize]))
                    .collect();
                self.refresh_absent();
            }
            ShockKind::Delegation { .. } => self.refresh_authority(),
            ShockKind::Surge { .. } | ShockKind::Outage { .. } => {}
        }
    }

    /// Each agent's authority: the design's, or that of the `delegation` in force for its level.
    pub(super) fn refresh_authority(&mut self) {
        let in_force =
            self.shocks
                .iter()
                .filter(|s| s.active())
                .filter_map(|s| match s.spec.kind {
                    ShockKind::Delegation { authority, level } => {
                        Some((s.spec.at, level, authority))
                    }
                    _ => None,
                });
        let by_level = shocks::delegated_authority(self.shape.levels, in_force);
        self.authority.copy_from_slice(&self.shape.level_authority);
        for (level, set) in by_level.into_iter().enumerate() {
            if let Some(a) = set {
                self.authority[level] = a;
            }
        }
    }

    /// Shock `i` ends: a shift's complexity rise is undone; the agents a loss or an absence took
    /// come back (or are replaced) with the competence they left with.
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
                    self.away -= u32::from(self.absent_for[a as usize] == 0);
                    if rerouted {
                        self.rerouted_for[a as usize] -= 1;
                        self.rerouted -= u32::from(self.rerouted_for[a as usize] == 0);
                    }
                    // A replacement arrives with the competence the agent left with.
                    self.competence[a as usize] = c;
                    self.tally.competence_changed();
                    if !self.agents[a as usize].is_idle() {
                        self.activate(a);
                    }
                }
                self.refresh_absent();
                self.refresh_routing();
            }
            ShockKind::Delegation { .. } => self.refresh_authority(),
            ShockKind::Surge { .. } | ShockKind::Outage { .. } => {}
        }
    }

    /// Fix the link delays for the outages now in force.
    pub(super) fn refresh_delays(&mut self) {
        let outages = self
            .shocks
            .iter()
            .filter(|s| s.active())
            .filter_map(|s| match s.spec.kind {
                ShockKind::Outage {
                    delay_factor,
                    links,
                } => Some((delay_factor, links)),
                _ => None,
            });
        (self.delay_vertical, self.delay_lateral) =
            shocks::link_delays(self.org.link_delay, outages);
    }

    /// List the agents away now in `absent_now`, in index order, each once however many
    /// shocks hold it: when a loss or an absence starts or ends (the list is a buffer kept for
    /// the run).
    pub(super) fn refresh_absent(&mut self) {
        let mut absent = std::mem::take(&mut self.absent_now);
        absent.clear();
        absent.extend(
            self.shocks
                .iter()
                .filter(|s| s.active())
                .flat_map(|s| s.absent.iter().map(|&(a, _)| a)),
        );
        absent.sort_unstable();
        absent.dedup();
        self.absent_now = absent;
    }

    /// Decisions sitting in the queues of agents who are away.
    pub(super) fn frozen(&self) -> u64 {
        self.absent_now
            .iter()
            .map(|&a| self.agents[a as usize].decisions as u64)
            .sum()
    }
}
