//! New decisions arriving: each takes an arena slot and joins the queue of the frontline agent
//! where it arises (or of whoever covers for that agent).
//!
//! A big batch is queued in three steps: the arena slots are handed out in order, the records
//! are written in parallel chunks (each slot is another decision's, so the chunks share the
//! arena as [`Arena`]), and the decisions join their queues in order. The records, the slots
//! and the order in the queues are those of queueing the batch one by one.

use rayon::prelude::*;

use super::in_flight::{Arena, Decision, Item, Stage};
use super::prefetch;
use super::{CHUNKS, Engine};
use crate::model::structure::NONE;
use crate::model::work_stream::NewDecision;
use crate::model::{rules, shocks};

/// Batches of this many arrivals or more are queued in parallel chunks (on more than one
/// thread).
const PARALLEL_ARRIVALS: usize = 2048;

impl Engine {
    /// Queue every decision of `batch`, in order.
    pub(super) fn arrive_all(&mut self, batch: &[NewDecision]) {
        if batch.len() < PARALLEL_ARRIVALS || rayon::current_num_threads() == 1 {
            for (i, nd) in batch.iter().enumerate() {
                if self.load_ahead
                    && let Some(next) = batch.get(i + prefetch::AHEAD)
                {
                    self.ahead_of_arrival(next, prefetch::AHEAD);
                }
                self.arrive(nd);
            }
            return;
        }
        let n = batch.len();
        // The slots, as one by one: popped off the free list, then new ones at the end.
        let mut slots = std::mem::take(&mut self.arrival_slots);
        slots.clear();
        let reused = n.min(self.free.len());
        slots.extend(self.free.drain(self.free.len() - reused..).rev());
        let end = self.decisions.len();
        slots.extend((end..end + n - reused).map(|d| d as u32));
        // A new slot's first occupant gets generation 0, as `vacant`'s plus one.
        self.decisions.resize(end + n - reused, Decision::vacant());
        let mut to = std::mem::take(&mut self.arrival_to);
        to.clear();
        to.resize(n, 0);
        let mut decisions = std::mem::take(&mut self.decisions);
        {
            let arena = Arena::new(&mut decisions);
            let this = &*self;
            let per = n.div_ceil(CHUNKS);
            batch
                .par_chunks(per)
                .zip(slots.par_chunks(per))
                .zip(to.par_chunks_mut(per))
                .for_each(|((batch, slots), to)| {
                    let routing = this.routing();
                    for (i, nd) in batch.iter().enumerate() {
                        if this.load_ahead
                            && let Some(&ahead) = slots.get(i + prefetch::AHEAD)
                        {
                            arena.ahead(ahead);
                        }
                        let mut record = this.record_of(nd);
                        let (first, hops) = routing.destination(record.origin);
                        record.hops_vertical = hops.vertical;
                        record.hops_lateral = hops.lateral;
                        // SAFETY: the slots of a batch are distinct, each in one chunk.
                        let slot = unsafe { arena.get(slots[i]) };
                        record.generation = slot.generation.wrapping_add(1);
                        *slot = record;
                        to[i] = first;
                    }
                });
        }
        self.decisions = decisions;
        self.record.arrived += n as u64;
        self.pending_arrivals += self.now as u64 * n as u64;
        self.queued += n as u64;
        for i in 0..n {
            if self.load_ahead
                && let Some(&ahead) = to.get(i + prefetch::AHEAD)
            {
                self.ahead_of_push_to(ahead);
                self.queues.ahead_of_push(prefetch::AHEAD);
            }
            self.push(to[i], Item::Decision(slots[i]));
        }
        self.arrival_slots = slots;
        self.arrival_to = to;
    }

    /// Queue `nd`: its record in a free arena slot (or a new one), itself at the back of the
    /// queue of the agent it arises at.
    fn arrive(&mut self, nd: &NewDecision) {
        let decision = self.record_of(nd);
        let origin = decision.origin;
        let d = match self.free.pop() {
            Some(slot) => {
                let generation = self.decisions[slot as usize].generation.wrapping_add(1);
                self.decisions[slot as usize] = Decision {
                    generation,
                    ..decision
                };
                slot
            }
            None => {
                self.decisions.push(decision);
                (self.decisions.len() - 1) as u32
            }
        };
        self.record.arrived += 1;
        self.pending_arrivals += self.now as u64;
        self.enqueue_decision(origin, d);
    }

    /// The record of `nd` arriving now (its first occupant's generation: 0).
    #[inline(always)]
    fn record_of(&self, nd: &NewDecision) -> Decision {
        Decision {
            key: nd.key,
            arrived: self.now,
            origin: self.shape.frontline_at(nd.locus),
            locus: nd.locus,
            complexity: shocks::shifted_complexity(nd.complexity, self.complexity_shift),
            effort: nd.effort,
            reach: nd.reach,
            stake: nd.stake,
            hops_vertical: 0,
            hops_lateral: 0,
            min_level: rules::min_level(self.escalates(), &self.shape, nd.locus, nd.reach),
            stage: Stage::Queued,
            decider: NONE,
            decider_level: 0,
            competence: 0.0,
            good: false,
            consults: NONE,
            generation: 0,
        }
    }
}
