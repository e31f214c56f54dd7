//! The effects of a work phase that ran in chunks, resolved chunk by chunk in parallel before
//! they are applied in agent order.
//!
//! A chunk's effects concern the decisions its agents popped from their queues, and a decision
//! is popped at most once a tick: no two effects of a tick, in any chunk, name the same
//! decision. So each chunk can do on its own what taking or referring a decision does to the
//! decision's record, to its agents' competences and to their counts in the tally, and count the
//! rest, integers only, apart; it then rewrites each effect into one applied without reading
//! the decision again ([`Effect::Down`], [`Effect::Executed`], [`Effect::Referred`],
//! [`Effect::Consulting`]). What depends on the order (floating-point sums, messages, reworks,
//! freed arena slots, consults) is left to the one-by-one application, in agent order as
//! before: the results are the same to the bit with the pass or without it.
//!
//! Teams whose members learn are resolved one by one: a decision taken there changes which
//! member leads the team, which the next effects of other chunks may read.

use rayon::prelude::*;

use super::Engine;
use super::in_flight::{Arena, Stage};
use super::outcome::{Verdicts, take};
use super::prefetch::{self, prefetch};
use super::step::{Effect, StepOut};
use crate::metrics::TakenRows;
use crate::model::rules;
use crate::model::structure::NONE;
use crate::scenario::CrossUnitMode;

/// What a chunk's pass reads.
struct Pass<'a> {
    verdicts: Verdicts<'a>,
    arena: Arena<'a>,
    learning: f64,
    /// Whether a decision taken consults the other units it reaches.
    consult: bool,
    levels: usize,
    load_ahead: bool,
}

impl Engine {
    /// Whether the effects of a work phase in chunks are resolved in parallel: everywhere but
    /// in teams whose members learn (their leads change with each decision taken).
    pub(super) fn resolves_in_parallel(&self) -> bool {
        !self.leads_follow_decisions()
    }

    /// Resolve the effects of the work phase's chunks in parallel (`chunks`: those it filled,
    /// in agent order, each with its agent range); the chunks' counts are then in their
    /// [`StepOut::counts`], and their reworks in [`StepOut::reworks`].
    pub(super) fn resolve(&mut self, chunks: &mut [StepOut]) {
        #[cfg(debug_assertions)]
        each_decision_once(chunks);
        let mut decisions = std::mem::take(&mut self.decisions);
        let mut competence = std::mem::take(&mut self.competence);
        let mut taken = self.tally.lend_taken();
        {
            let pass = Pass {
                verdicts: self.verdicts(),
                arena: Arena::new(&mut decisions),
                learning: self.org.learning,
                consult: self.org.cross_unit == CrossUnitMode::Consult,
                levels: self.shape.levels as usize,
                load_ahead: self.load_ahead,
            };
            // Each chunk's own agents' competences and tally counts.
            let mut jobs = Vec::with_capacity(chunks.len());
            let mut competences: &mut [f64] = &mut competence;
            let mut rows = self.tally.taken_rows(&mut taken);
            // The chunks' ranges follow one another from agent 0 (`step_all`).
            let mut base = 0;
            for chunk in chunks.iter_mut() {
                debug_assert_eq!(chunk.agents.start, base, "chunks' ranges one after another");
                let len = chunk.agents.len();
                let (own, rest) = std::mem::take(&mut competences).split_at_mut(len);
                competences = rest;
                let (own_rows, rest) = rows.split_at(len);
                rows = rest;
                base = chunk.agents.end;
                jobs.push((chunk, own, own_rows));
            }
            jobs.into_par_iter()
                .for_each(|(chunk, competence, rows)| pass.chunk(chunk, competence, rows));
        }
        self.tally.restore_taken(taken);
        self.competence = competence;
        self.decisions = decisions;
    }

    /// Add what the resolved `chunks` counted to the tally and the tick's record.
    pub(super) fn add_counts(&mut self, chunks: &[StepOut]) {
        for chunk in chunks {
            let c = &chunk.counts;
            self.tally.add(c);
            self.record.decided += c.decided_total();
            self.record.executed += c.executed_total();
            self.pending_arrivals -= c.arrived_total();
        }
    }
}

impl Pass<'_> {
    /// Resolve `out`'s effects: `competence` and `rows` are those of its agents.
    fn chunk(&self, out: &mut StepOut, competence: &mut [f64], mut rows: TakenRows) {
        let StepOut {
            effects,
            agents,
            reworks,
            counts,
            units,
            ..
        } = out;
        let base = agents.start;
        counts.clear(self.levels);
        reworks.clear();
        for i in 0..effects.len() {
            if self.load_ahead
                && let Some(next) = effects.get(i + prefetch::AHEAD)
            {
                self.ahead(next, base, competence, &rows);
            }
            match effects[i] {
                Effect::Decided {
                    decision,
                    by,
                    level,
                } => {
                    // SAFETY: this effect is the only one of the tick naming `decision`.
                    let dec = unsafe { self.arena.get(decision) };
                    let own = (by - base) as usize;
                    take(dec, by, level, &mut competence[own], self.learning);
                    if self.consult && dec.reach > 0.0 {
                        rules::units_to_consult_into(
                            CrossUnitMode::Consult,
                            self.verdicts.shape,
                            by,
                            dec.locus,
                            dec.reach,
                            units,
                        );
                        if !units.is_empty() {
                            effects[i] = Effect::Consulting { decision, by };
                            continue;
                        }
                    }
                    debug_assert_eq!(dec.consults, NONE);
                    let (good, down) = self.verdicts.verdict(dec, 0.0);
                    counts.decided(level, by == dec.origin);
                    rows.count(own);
                    dec.good = good;
                    effects[i] = if down > 0 {
                        dec.stage = Stage::Down;
                        Effect::Down {
                            decision,
                            ticks: down,
                        }
                    } else {
                        dec.stage = Stage::Done;
                        let (latency, value, rework) = self.verdicts.outcome(dec);
                        counts.executed(latency, good, dec.arrived);
                        if rework {
                            reworks.push(self.verdicts.stream.rework(dec.key, dec.locus));
                        }
                        Effect::Executed {
                            decision,
                            rework,
                            value,
                        }
                    };
                }
                Effect::Refer {
                    decision,
                    to,
                    lateral,
                    frustrated,
                } => {
                    // SAFETY: this effect is the only one of the tick naming `decision`.
                    unsafe { self.arena.get(decision) }.referred(lateral);
                    counts.referral(frustrated);
                    effects[i] = Effect::Referred {
                        decision,
                        to,
                        lateral,
                    };
                }
                _ => {}
            }
        }
    }

    /// Start loading what resolving `e` reads: its decision, and for a decision taken its
    /// decider's competence and tally count.
    fn ahead(&self, e: &Effect, base: u32, competence: &[f64], rows: &TakenRows) {
        match *e {
            Effect::Decided { decision, by, .. } => {
                self.arena.ahead(decision);
                let own = (by - base) as usize;
                prefetch(competence, own);
                rows.ahead(own);
            }
            Effect::Refer { decision, .. } => self.arena.ahead(decision),
            _ => {}
        }
    }
}

/// Check the pass's premise: no two effects of the tick name the same decision.
#[cfg(debug_assertions)]
fn each_decision_once(chunks: &[StepOut]) {
    let mut named: Vec<u32> = chunks
        .iter()
        .flat_map(|c| &c.effects)
        .filter_map(|e| match *e {
            Effect::Decided { decision, .. } | Effect::Refer { decision, .. } => Some(decision),
            _ => None,
        })
        .collect();
    let n = named.len();
    named.sort_unstable();
    named.dedup();
    assert_eq!(named.len(), n, "a decision in two effects of one tick");
}
