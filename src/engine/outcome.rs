//! What follows when an agent finishes a task: referrals travel, decisions are taken (after
//! consulting other units if they reach beyond the decider's), drawn good or bad, sent back
//! down, executed and valued.

use super::Engine;
use super::in_flight::{Consults, Decision, Message, Stage};
use super::step::Effect;
use crate::model::rng::{self, Purpose, RunKeys};
use crate::model::rules::{self, Fidelity, Valuer};
use crate::model::structure::{NONE, Shape};
use crate::model::work_stream::{NewDecision, WorkStream};
use crate::scenario::{CrossUnitMode, Quality};

impl Engine {
    /// Apply `effect`; `reworks`: its chunk's reworks not yet applied (those of the effects
    /// [`super::resolve`] rewrote into [`Effect::Executed`]).
    pub(super) fn apply(&mut self, effect: Effect, reworks: &mut std::slice::Iter<NewDecision>) {
        match effect {
            Effect::Spent { level, effort } => {
                self.tally.spent(level, effort);
            }
            Effect::Refer {
                decision,
                to,
                lateral,
                frustrated,
            } => {
                self.queued -= 1;
                self.tally.referral(frustrated);
                self.decisions[decision as usize].referred(lateral);
                self.in_transit += 1;
                self.send(Message::Referral { decision, to }, self.delay(lateral));
            }
            Effect::Decided {
                decision,
                by,
                level,
            } => {
                self.queued -= 1;
                self.decide(decision, by, level);
            }
            Effect::Answer {
                decision,
                slot,
                generation,
            } => {
                self.send(
                    Message::Answer {
                        decision,
                        slot,
                        generation,
                    },
                    self.delay(true),
                );
            }
            Effect::Consulting { decision, by } => {
                self.queued -= 1;
                self.consult_or_finalise(decision, by);
            }
            Effect::Down { decision, ticks } => {
                self.queued -= 1;
                self.in_transit += 1;
                self.send(Message::Down { decision }, ticks);
            }
            Effect::Executed {
                decision,
                rework,
                value,
            } => {
                self.queued -= 1;
                self.record.value += value;
                self.tally.value(value);
                if rework {
                    let again = reworks.next().expect("a rework for every one drawn");
                    self.rework.push(*again);
                }
                self.free.push(decision);
            }
            Effect::Referred {
                decision,
                to,
                lateral,
            } => {
                self.queued -= 1;
                self.in_transit += 1;
                self.send(Message::Referral { decision, to }, self.delay(lateral));
            }
        }
    }

    /// `by`, at `level`, has spent the effort to decide `d`: learn, then consult other units or
    /// finalise.
    pub(super) fn decide(&mut self, d: u32, by: u32, level: u8) {
        let before = self.competence[by as usize];
        take(
            &mut self.decisions[d as usize],
            by,
            level,
            &mut self.competence[by as usize],
            self.org.learning,
        );
        if self.leads_follow_decisions() {
            self.lead_after_learning(by, before);
        }
        self.consult_or_finalise(d, by);
    }

    /// `d`, just taken by `by`, consults the other units it reaches, or is finalised when it
    /// reaches none.
    pub(super) fn consult_or_finalise(&mut self, d: u32, by: u32) {
        let dec = &self.decisions[d as usize];
        let (locus, reach) = (dec.locus, dec.reach);
        if self.org.cross_unit != CrossUnitMode::Consult || reach <= 0.0 {
            // Nobody to consult (the rule's own first test, without taking an arena slot).
            self.finalise(d);
            return;
        }
        let c = match self.consults_free.pop() {
            Some(c) => c,
            None => {
                self.consults.push(Consults::default());
                (self.consults.len() - 1) as u32
            }
        };
        let consults = &mut self.consults[c as usize];
        rules::units_to_consult_into(
            self.org.cross_unit,
            &self.shape,
            by,
            locus,
            reach,
            &mut consults.units,
        );
        let n = consults.units.len();
        if n == 0 {
            self.consults_free.push(c);
            self.finalise(d);
            return;
        }
        consults.heard.clear();
        consults.heard.resize(n, false);
        consults.pending = n as u32;
        self.decisions[d as usize].consults = c;
        self.decisions[d as usize].stage = Stage::Waiting;
        self.waiting += 1;
        let generation = self.decisions[d as usize].generation;
        for slot in 0..n {
            let to = self
                .routing()
                .consulted(self.consults[c as usize].units[slot]);
            let slot = slot as u32;
            self.send(
                Message::Consult {
                    decision: d,
                    slot,
                    generation,
                    to,
                },
                self.delay(true),
            );
        }
        // With patience 0 the consults still go out (and cost their leads), but nobody waits.
        if self.org.patience == 0 {
            self.finalise(d);
            return;
        }
        self.deadlines
            .push_back((self.now.saturating_add(self.org.patience), d, generation));
    }

    /// What drawing a decision's quality and valuing it read, besides the decision.
    #[inline(always)]
    pub(super) fn verdicts(&self) -> Verdicts<'_> {
        Verdicts {
            shape: &self.shape,
            quality: &self.quality,
            alignment: self.org.alignment,
            acting_top: self.acting_top,
            keys: self.keys,
            delay_vertical: self.delay_vertical,
            delay_lateral: self.delay_lateral,
            valuer: &self.valuer,
            fidelity: &self.fidelity,
            stream: &self.stream,
            now: self.now,
        }
    }

    /// The decision is taken: draw its quality and send it down to where it arose.
    #[inline(always)]
    pub(super) fn finalise(&mut self, d: u32) {
        let dec = &self.decisions[d as usize];
        let was_waiting = dec.stage == Stage::Waiting;
        let unheard = self.consults.get(dec.consults as usize).map_or(0.0, |c| {
            rules::unheard_share(&self.shape, &c.units, &c.heard, dec.locus, dec.reach)
        });
        let (good, down) = self.verdicts().verdict(dec, unheard);
        self.record.decided += 1;
        self.tally.decided(
            dec.decider,
            dec.decider_level as u32,
            dec.decider == dec.origin,
        );
        if was_waiting {
            self.waiting -= 1;
        }
        let dec = &mut self.decisions[d as usize];
        dec.good = good;
        if down == 0 {
            self.execute(d);
        } else {
            dec.stage = Stage::Down;
            self.in_transit += 1;
            self.send(Message::Down { decision: d }, down);
        }
    }

    /// The decision reaches the frontline agent where it arose and takes effect.
    #[inline(always)]
    pub(super) fn execute(&mut self, d: u32) {
        let (latency, value, rework) = self.verdicts().outcome(&self.decisions[d as usize]);
        let dec = &mut self.decisions[d as usize];
        dec.stage = Stage::Done;
        if dec.consults != NONE {
            self.consults_free.push(dec.consults);
            dec.consults = NONE;
        }
        self.pending_arrivals -= dec.arrived as u64;
        self.record.executed += 1;
        self.record.value += value;
        self.tally.executed(latency, dec.good, value);
        if rework {
            let again = self.stream.rework(dec.key, dec.locus);
            self.rework.push(again);
        }
        self.free.push(d);
    }
}

/// `by`, at `level`, takes `dec`: it is recorded with the decider's competence (`competence`),
/// which then grows by `learning`.
pub(super) fn take(dec: &mut Decision, by: u32, level: u8, competence: &mut f64, learning: f64) {
    dec.decider = by;
    dec.decider_level = level;
    dec.competence = *competence;
    if learning > 0.0 {
        *competence = rules::learn(*competence, learning);
    }
}

/// What drawing a decision's quality, and valuing it once executed, read besides the decision:
/// shared by the one-by-one application of effects and the parallel pass of [`super::resolve`].
pub(super) struct Verdicts<'a> {
    pub(super) shape: &'a Shape,
    quality: &'a Quality,
    alignment: f64,
    acting_top: u32,
    keys: RunKeys,
    delay_vertical: u32,
    delay_lateral: u32,
    valuer: &'a Valuer,
    fidelity: &'a Fidelity,
    pub(super) stream: &'a WorkStream,
    now: u32,
}

impl Verdicts<'_> {
    /// Whether the taken decision `dec` is good, and the ticks it takes to travel down to where
    /// it arose; `unheard`: the share of its reach whose answers did not come in time.
    #[inline(always)]
    pub(super) fn verdict(&self, dec: &Decision, unheard: f64) -> (bool, u32) {
        let shape = self.shape;
        let level = dec.decider_level;
        let climbed = rules::levels_climbed(shape, level, dec.hops_vertical, dec.hops_lateral);
        let fidelity = self.fidelity.of(climbed, unheard);
        let at_top = rules::at_top(shape, dec.decider, level, self.acting_top);
        let good = rules::is_good(
            rng::uniform(self.keys.about(dec.key, Purpose::Quality)),
            fidelity,
            dec.competence,
            dec.complexity,
            self.quality.sharpness,
            (!at_top).then_some(self.alignment),
        );
        let down = rules::return_delay(
            shape,
            climbed,
            dec.hops_vertical,
            dec.hops_lateral,
            self.delay_vertical,
            self.delay_lateral,
        );
        (good, down)
    }

    /// `dec` executed now: its latency, its value, and whether it comes back as rework.
    #[inline(always)]
    pub(super) fn outcome(&self, dec: &Decision) -> (u32, f64, bool) {
        let latency = self.now - dec.arrived;
        let value = self.valuer.value(dec.good, dec.stake, latency);
        let rework_key = self.keys.about(dec.key, Purpose::Rework);
        let rework = !dec.good && rng::chance(rework_key, self.quality.rework);
        (latency, value, rework)
    }
}
