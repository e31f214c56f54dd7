//! What follows when an agent finishes a task: referrals travel, decisions are taken (after
//! consulting other units if they reach beyond the decider's), drawn good or bad, sent back
//! down, executed and valued.

use super::Engine;
use super::in_flight::{Consults, Message, Stage};
use super::step::Effect;
use crate::model::rng::{self, Purpose};
use crate::model::rules;
use crate::model::structure::NONE;
use crate::scenario::CrossUnitMode;

impl Engine {
    pub(super) fn apply(&mut self, effect: Effect) {
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
                let d = &mut self.decisions[decision as usize];
                if lateral {
                    d.hops_lateral += 1
                } else {
                    d.hops_vertical += 1
                }
                d.stage = Stage::Referred;
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
        }
    }

    /// `by`, at `level`, has spent the effort to decide `d`: learn, then consult other units or
    /// finalise.
    pub(super) fn decide(&mut self, d: u32, by: u32, level: u8) {
        let c = self.competence[by as usize];
        {
            let dec = &mut self.decisions[d as usize];
            dec.decider = by;
            dec.decider_level = level;
            dec.competence = c;
        }
        if self.org.learning > 0.0 {
            self.competence[by as usize] = rules::learn(c, self.org.learning);
            if !self.shape.is_tree() {
                self.refresh_lead(self.shape.team_of(by));
            }
        }
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

    /// The decision is taken: draw its quality and send it down to where it arose.
    pub(super) fn finalise(&mut self, d: u32) {
        let shape = &self.shape;
        let dec = &self.decisions[d as usize];
        let was_waiting = dec.stage == Stage::Waiting;
        let by = dec.decider;
        let level = dec.decider_level;
        let climbed = rules::levels_climbed(shape, level, dec.hops_vertical, dec.hops_lateral);
        let unheard = self.consults.get(dec.consults as usize).map_or(0.0, |c| {
            rules::unheard_share(shape, &c.units, &c.heard, dec.locus, dec.reach)
        });
        let fidelity = rules::fidelity(self.quality.filter_loss, climbed, unheard);
        let at_top = rules::at_top(shape, by, level, self.acting_top);
        let p = rules::p_good(
            fidelity,
            dec.competence,
            dec.complexity,
            self.quality.sharpness,
            (!at_top).then_some(self.org.alignment),
        );
        let quality_key = self.keys.about(dec.key, Purpose::Quality);
        let good = rng::chance(quality_key, p);
        let down = rules::return_delay(
            shape,
            climbed,
            dec.hops_vertical,
            dec.hops_lateral,
            self.delay_vertical,
            self.delay_lateral,
        );
        self.record.decided += 1;
        self.tally.decided(by, level as u32, by == dec.origin);
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
    pub(super) fn execute(&mut self, d: u32) {
        let dec = &mut self.decisions[d as usize];
        dec.stage = Stage::Done;
        if dec.consults != NONE {
            self.consults_free.push(dec.consults);
            dec.consults = NONE;
        }
        let latency = self.now - dec.arrived;
        self.pending_arrivals -= dec.arrived as u64;
        let value = self.valuer.value(dec.good, dec.stake, latency);
        self.record.executed += 1;
        self.record.value += value;
        self.tally.executed(latency, dec.good, value);
        let rework_key = self.keys.about(dec.key, Purpose::Rework);
        if !dec.good && rng::chance(rework_key, self.quality.rework) {
            let again = self.stream.rework(dec.key, dec.locus);
            self.rework.push(again);
        }
        self.free.push(d);
    }
}
