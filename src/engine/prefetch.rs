//! Loading ahead: the tick's sequential loops (arrivals, delivery, applying the work phase's
//! effects) and the work phase touch records scattered over memory that is far larger than
//! the caches in a big org: an agent's record, a decision in the arena, a queue node. Each
//! loop asks the processor to start loading what the item a few places ahead will touch, so
//! those loads overlap instead of stalling one after another. A hint only: what is computed,
//! and in what order, is the same with or without it.

use super::Engine;
use super::in_flight::{Item, Message, Stage};
use super::step::{AgentState, Effect, Snapshot};
use crate::model::work_stream::NewDecision;

/// Orgs of this many agents or more load ahead: their agents' records alone (32 bytes each)
/// outgrow a core's second-level cache, and the decisions and queue nodes with them.
pub(super) const MIN_AGENTS: usize = 1 << 15;

/// How many items ahead a loop loads: far enough for a load from memory to finish before its
/// item comes up, near enough that it is not evicted again.
pub(super) const AHEAD: usize = 8;

/// Start loading the cache lines of `slice[i]` (nothing if `i` is out of range): its first
/// and, for an element wider than 8 bytes, its last (a decision is 88 bytes, so it spans two
/// lines or three; an agent's 32-byte record may straddle two).
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], i: usize) {
    if let Some(x) = slice.get(i) {
        prefetch_at(x as *const T);
    }
}

/// Start loading the cache lines of the element at `x`, as [`prefetch`] does.
#[inline(always)]
pub(super) fn prefetch_at<T>(x: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let first: *const i8 = x.cast();
        // SAFETY: a prefetch reads nothing the program sees and cannot fault, whatever the
        // address (the pointers are only computed, never dereferenced).
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(first);
            if size_of::<T>() > 8 {
                _mm_prefetch::<_MM_HINT_T0>(first.wrapping_add(size_of::<T>() - 1));
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Start loading the element of `slice` that the free-slot stack `free` will hand out
/// `ahead` pops from now (nothing if it holds fewer).
#[inline(always)]
pub(super) fn prefetch_popped<T>(slice: &[T], free: &[u32], ahead: usize) {
    if let Some(k) = free.len().checked_sub(ahead + 1) {
        prefetch(slice, free[k] as usize);
    }
}

/// The work phase's loads ahead of the step of agent `ids[i]`, in three stages so each reads
/// only what an earlier stage loaded: an agent's record and competence (and in teams its
/// team's lead and best neighbouring lead) `2 × AHEAD` places ahead, its queue's first node
/// `AHEAD` ahead, and the decision in that node (and in teams the best neighbouring lead's
/// competence) `AHEAD / 2` ahead. The first call of a tick (`i == 0`) also starts the first
/// stage for the agents before `2 × AHEAD`. `states[a - base]` is agent `a`'s record.
#[inline(always)]
pub(super) fn ahead_of_step(
    ctx: &Snapshot,
    ids: &[u32],
    i: usize,
    states: &[AgentState],
    base: usize,
) {
    let routing = &ctx.routing;
    let teams = !routing.lead.is_empty();
    let first = |a: u32| {
        prefetch(states, a as usize - base);
        prefetch(routing.competence, a as usize);
        if teams {
            // Whom the agent would refer to: its team's lead, and the lead's best neighbour.
            let team = routing.shape.team_of(a) as usize;
            prefetch(routing.lead, team);
            prefetch(routing.best_neighbour, team);
        }
    };
    if i == 0 {
        ids.iter().take(2 * AHEAD).for_each(|&a| first(a));
    }
    if let Some(&a) = ids.get(i + 2 * AHEAD) {
        first(a);
    }
    // An empty queue's head is `NONE`, out of range: nothing is loaded.
    if let Some(&a) = ids.get(i + AHEAD)
        && let Some(st) = states.get(a as usize - base)
    {
        prefetch(ctx.queues.nodes_of(a), st.head() as usize);
    }
    if let Some(&a) = ids.get(i + AHEAD / 2)
        && let Some(st) = states.get(a as usize - base)
        && let Some(node) = ctx.queues.nodes_of(a).get(st.head() as usize)
        && let Item::Decision(d) = node.item
    {
        prefetch(ctx.decisions, d as usize);
        if teams
            && let Some(&best) = routing
                .best_neighbour
                .get(routing.shape.team_of(a) as usize)
        {
            // A lead compares its competence with its best neighbour's (`NONE`: none, out of
            // range, nothing loaded).
            prefetch(routing.competence, best as usize);
        }
    }
}

impl Engine {
    /// Loads for a new decision's arrival: the frontline agent it arrives at, and the arena
    /// slot and queue node it will take (the free lists are stacks, popped `ahead` times
    /// before then).
    pub(super) fn ahead_of_arrival(&self, nd: &NewDecision, ahead: usize) {
        self.ahead_of_push_to(self.shape.frontline_at(nd.locus));
        prefetch_popped(&self.decisions, &self.free, ahead);
        self.queues.ahead_of_push(ahead);
    }

    /// Loads for applying `e`: its decision, and the decider's competence and tally count.
    pub(super) fn ahead_of_effect(&self, e: &Effect) {
        match *e {
            Effect::Decided { decision, by, .. } => {
                prefetch(&self.decisions, decision as usize);
                prefetch(&self.competence, by as usize);
                self.tally.ahead_of_decided(by);
            }
            Effect::Refer { decision, .. } | Effect::Consulting { decision, .. } => {
                prefetch(&self.decisions, decision as usize)
            }
            // Applied without the decision.
            Effect::Answer { .. }
            | Effect::Spent { .. }
            | Effect::Down { .. }
            | Effect::Executed { .. }
            | Effect::Referred { .. } => {}
        }
    }

    /// Loads for delivering `m`: its decision and the agent it goes to.
    pub(super) fn ahead_of_message(&self, m: &Message) {
        match *m {
            Message::Referral { decision, to } => {
                prefetch(&self.decisions, decision as usize);
                self.ahead_of_push_to(to);
            }
            Message::Down { decision } | Message::Answer { decision, .. } => {
                prefetch(&self.decisions, decision as usize)
            }
            Message::Consult { to, .. } => self.ahead_of_push_to(to),
        }
    }

    /// Loads for queueing an item to agent `a`: its record and its word of the active bitmap
    /// (nothing when the push is deferred: the flush loads ahead for itself).
    pub(super) fn ahead_of_push_to(&self, a: u32) {
        if !self.queues.defers() {
            prefetch(&self.agents, a as usize);
            prefetch(&self.active, a as usize / 64);
        }
    }

    /// Loads for delivering an answer that need its decision, loaded by
    /// [`Engine::ahead_of_message`] `AHEAD / 2` messages before: the decider's tally count and
    /// the decision's consult state, which the last answer finalises it with.
    fn ahead_of_answer(&self, m: &Message) {
        if let Message::Answer {
            decision,
            generation,
            ..
        } = *m
            && let Some(dec) = self.decisions.get(decision as usize)
            && dec.stage == Stage::Waiting
            && dec.generation == generation
        {
            self.tally.ahead_of_decided(dec.decider);
            prefetch(&self.consults, dec.consults as usize);
        }
    }

    /// Deliver `msgs` in order, loading ahead in a big org; `msgs` is left empty.
    pub(super) fn deliver_all(&mut self, msgs: &mut Vec<Message>) {
        for i in 0..msgs.len() {
            if self.load_ahead
                && let Some(next) = msgs.get(i + AHEAD)
            {
                self.ahead_of_message(next);
                if let Some(answer) = msgs.get(i + AHEAD / 2) {
                    self.ahead_of_answer(answer);
                }
            }
            self.deliver(msgs[i]);
        }
        msgs.clear();
    }
}
