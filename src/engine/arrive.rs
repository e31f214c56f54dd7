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
        // The slots, in the order one by one takes them.
        let mut slots = std::mem::take(&mut self.arrival_slots);
        slots.clear();
        slots.extend((0..n).map(|_| self.take_slot()));
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
                    for (i, nd) in batch.iter().enumerate() {
                        if this.load_ahead
                            && let Some(&ahead) = slots.get(i + prefetch::AHEAD)
                        {
                            arena.ahead(ahead);
                        }
                        let mut record = this.record_of(nd);
                        let (first, hops) = this.destination(record.origin);
                        record.hops_vertical = hops.vertical;
                        record.hops_lateral = hops.lateral;
                        // SAFETY: the slots of a batch are distinct, each in one chunk.
                        unsafe { arena.get(slots[i]) }.occupy(record);
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
        let record = self.record_of(nd);
        let origin = record.origin;
        let d = self.take_slot();
        self.decisions[d as usize].occupy(record);
        self.record.arrived += 1;
        self.pending_arrivals += self.now as u64;
        self.enqueue_decision(origin, d);
    }

    /// The arena slot the next arrival takes: the last one freed, else a new one.
    fn take_slot(&mut self) -> u32 {
        self.free.pop().unwrap_or_else(|| {
            self.decisions.push(Decision::vacant());
            (self.decisions.len() - 1) as u32
        })
    }

    /// The record of `nd` arriving now (its generation is set by [`Decision::occupy`]).
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
