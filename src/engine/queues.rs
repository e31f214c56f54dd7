//! Every agent's FIFO queue, threaded through pools of queue nodes: the agent's record holds
//! the indices of its first and last node, each node the index of the next.
//!
//! The agents are split into ranges of `2^shift` consecutive indices, each with a node pool
//! of its own. In an org of one range an item is linked into its queue as it is pushed. In a
//! bigger org, while the phases of a tick push many items, a push only notes the item in its
//! range's list of pending items; [`Queues::flush`] links them all in before anything reads
//! the queues again, range by range, in parallel. Each range's pending items keep the order
//! they were pushed in, and ranges share no agent, so every queue ends up holding the same
//! items in the same order however the ranges are linked: results do not depend on it. Only
//! the node indices differ, and nothing but the queues reads those.
//!
//! Noting and linking later costs a second pass over the items, which pays only when the
//! ranges are then linked in parallel. So each flush looks at how many items were pushed
//! since the one before: from as many as make a parallel flush, the pushes until the next
//! flush are noted; from fewer, they are linked in at once, as in a small org. Either way
//! the queues are the same.

use rayon::prelude::*;

use super::in_flight::Item;
use super::prefetch::{AHEAD, prefetch, prefetch_popped};
use super::step::AgentState;
use crate::model::structure::NONE;

/// Ranges an org's agents are split into, at most (enough to balance two to eight cores).
const RANGES: u32 = 16;
/// The fewest agents in a range (a power of two): an org this size or smaller links items as
/// they are pushed; its queues and agents fit in a core's caches anyway.
const MIN_RANGE_SHIFT: u32 = 12;

/// A queue entry: an item and the next entry of the same agent's queue (`NONE`: the last).
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub item: Item,
    pub next: u32,
}

/// One range's nodes. Slots of popped items are reused, so once a run is under way queueing
/// allocates nothing.
#[derive(Debug, Clone, Default)]
struct Pool {
    nodes: Vec<Node>,
    free: Vec<u32>,
}

impl Pool {
    /// Link `item` in at the back of `st`'s queue.
    #[inline]
    fn push(&mut self, st: &mut AgentState, item: Item) {
        let node = Node { item, next: NONE };
        let n = match self.free.pop() {
            Some(n) => {
                self.nodes[n as usize] = node;
                n
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        if st.tail == NONE {
            st.head = n;
        } else {
            self.nodes[st.tail as usize].next = n;
        }
        st.tail = n;
        if matches!(item, Item::Decision(_)) {
            st.decisions += 1;
        }
    }

    /// Link in a range's pending items, in order: `agents` and `active` are the range's
    /// records and words of the active bitmap, `base` its first agent. Loading ahead, each
    /// item's agent record is loaded `2 × AHEAD` items before it is linked, and the last node
    /// of its queue and the node it will take `AHEAD` before.
    fn link(
        &mut self,
        agents: &mut [AgentState],
        active: &mut [u64],
        base: u32,
        pending: &mut Vec<(u32, Item)>,
        load_ahead: bool,
    ) {
        for i in 0..pending.len() {
            if load_ahead {
                if let Some(&(to, _)) = pending.get(i + 2 * AHEAD) {
                    prefetch(agents, (to - base) as usize);
                }
                if let Some(&(to, _)) = pending.get(i + AHEAD) {
                    prefetch(&self.nodes, agents[(to - base) as usize].tail as usize);
                    prefetch_popped(&self.nodes, &self.free, AHEAD);
                }
            }
            let (to, item) = pending[i];
            let a = (to - base) as usize;
            self.push(&mut agents[a], item);
            active[a / 64] |= 1 << (a % 64);
        }
        pending.clear();
    }
}

/// One range's part of the queues, agents and active bitmap, with the range's index.
type RangeParts<'a> = (
    usize,
    (
        (&'a mut Pool, &'a mut Vec<(u32, Item)>),
        (&'a mut [AgentState], &'a mut [u64]),
    ),
);

/// The queue nodes of every agent, by range.
#[derive(Debug, Clone)]
pub struct Queues {
    pools: Vec<Pool>,
    /// Agent `a`'s nodes are in pool `a >> shift`.
    shift: u32,
    /// Per range, the items pushed but not yet linked in, with their agents, in push order
    /// (none in an org of one range).
    pending: Vec<Vec<(u32, Item)>>,
    /// Whether a push is noted in `pending` (until the next flush) rather than linked in.
    deferring: bool,
    /// Items pushed since the last flush, either way, and between the two flushes before.
    pushed: usize,
    pushed_before: usize,
}

impl Queues {
    /// The queues of `agents` agents, in at most [`RANGES`] ranges of at least `2^12`
    /// agents each.
    pub fn new(agents: usize) -> Queues {
        let bits = usize::BITS - agents.saturating_sub(1).leading_zeros();
        Queues::with_shift(
            agents,
            bits.saturating_sub(RANGES.ilog2()).max(MIN_RANGE_SHIFT),
        )
    }

    /// The queues of `agents` agents in ranges of `2^shift` (at least 64, a word of the active
    /// bitmap, so ranges share no word of it).
    pub fn with_shift(agents: usize, shift: u32) -> Queues {
        let shift = shift.max(6);
        let ranges = agents.div_ceil(1 << shift).max(1);
        Queues {
            pools: vec![Pool::default(); ranges],
            shift,
            pending: vec![Vec::new(); if ranges > 1 { ranges } else { 0 }],
            deferring: false,
            pushed: 0,
            pushed_before: 0,
        }
    }

    /// Ranges the agents are split into.
    pub fn ranges(&self) -> usize {
        self.pools.len()
    }

    /// The range agent `a` is in.
    #[inline(always)]
    pub fn range_of(&self, a: u32) -> usize {
        (a >> self.shift) as usize
    }

    /// Whether a push now only notes its item, to be linked in by [`Queues::flush`].
    #[inline(always)]
    pub fn defers(&self) -> bool {
        self.deferring
    }

    /// The nodes agent `a`'s queue is threaded through.
    #[inline(always)]
    pub fn nodes_of(&self, a: u32) -> &[Node] {
        &self.pools[self.range_of(a)].nodes
    }

    /// Add `item` at the back of agent `to`'s queue (`st`, its record), now; only while
    /// pushes are not deferred.
    #[inline]
    pub fn push_now(&mut self, to: u32, st: &mut AgentState, item: Item) {
        debug_assert!(!self.defers());
        self.pushed += 1;
        let r = self.range_of(to);
        self.pools[r].push(st, item);
    }

    /// Note `item` for the back of agent `to`'s queue, to be linked in by the next flush;
    /// only while pushes are deferred.
    pub fn defer(&mut self, to: u32, item: Item) {
        debug_assert!(self.defers());
        self.pushed += 1;
        let r = self.range_of(to);
        self.pending[r].push((to, item));
    }

    /// Link every pending item into its queue and mark its agent in the `active` bitmap (the
    /// bitmap's summary words were marked at the push), range by range, in parallel chunks
    /// once `parallel_min` or more are pending. Until the next flush, pushes are deferred if
    /// `parallel_min` or more were pushed since the flush before the last one (in an org of
    /// several ranges).
    pub fn flush(
        &mut self,
        agents: &mut [AgentState],
        active: &mut [u64],
        parallel_min: usize,
        load_ahead: bool,
    ) {
        // The last two flushes' pushes: a tick's (it flushes before the work phase and at its
        // end, and the one phase may push all and the other none).
        let recent = self.pushed + std::mem::replace(&mut self.pushed_before, self.pushed);
        self.deferring = self.pending.len() > 1 && recent >= parallel_min;
        self.pushed = 0;
        let pending: usize = self.pending.iter().map(Vec::len).sum();
        if pending == 0 {
            return;
        }
        let span = 1usize << self.shift;
        let link = |(r, ((pool, pending), (agents, active))): RangeParts| {
            pool.link(agents, active, (r * span) as u32, pending, load_ahead)
        };
        if pending >= parallel_min {
            self.pools
                .par_iter_mut()
                .zip(self.pending.par_iter_mut())
                .zip(
                    agents
                        .par_chunks_mut(span)
                        .zip(active.par_chunks_mut(span / 64)),
                )
                .enumerate()
                .for_each(link);
        } else {
            self.pools
                .iter_mut()
                .zip(&mut self.pending)
                .zip(agents.chunks_mut(span).zip(active.chunks_mut(span / 64)))
                .enumerate()
                .for_each(link);
        }
    }

    /// Start loading the node the push `ahead` pushes from now will take, in an org of one
    /// range (with several, which pool that push takes from is not known yet).
    pub fn ahead_of_push(&self, ahead: usize) {
        if let [pool] = &self.pools[..] {
            prefetch_popped(&pool.nodes, &pool.free, ahead);
        }
    }

    /// Nodes popped by the work phase, free for reuse: `freed[r]` holds range `r`'s.
    pub fn release(&mut self, freed: &mut [Vec<u32>]) {
        for (pool, nodes) in self.pools.iter_mut().zip(freed) {
            pool.free.append(nodes);
        }
    }

    /// The items of agent `a`'s queue (`st`, its record), front first.
    pub fn items<'a>(&'a self, a: u32, st: &AgentState) -> impl Iterator<Item = Item> + 'a {
        let nodes = self.nodes_of(a);
        let mut n = st.head;
        std::iter::from_fn(move || {
            let node = nodes.get(n as usize)?;
            n = node.next;
            Some(node.item)
        })
    }

    /// Empty agent `a`'s queue (`st`, its record; for rerouting), forgetting partial progress;
    /// its items, front first. Nothing may be pending for `a` (items pending for others may:
    /// rerouting pushes one agent's items on before emptying the next's queue).
    pub fn drain(&mut self, a: u32, st: &mut AgentState) -> Vec<Item> {
        let r = self.range_of(a);
        debug_assert!(
            self.pending
                .get(r)
                .is_none_or(|p| p.iter().all(|&(to, _)| to != a)),
            "agent {a} has items pending"
        );
        let pool = &mut self.pools[r];
        let mut items = Vec::new();
        let mut n = st.head;
        while n != NONE {
            let node = pool.nodes[n as usize];
            items.push(node.item);
            pool.free.push(n);
            n = node.next;
        }
        *st = AgentState::new(st.level);
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(q: &Queues, a: u32, st: &AgentState) -> Vec<u32> {
        q.items(a, st)
            .map(|i| match i {
                Item::Decision(d) => d,
                Item::Consult { decision, .. } => 1000 + decision,
            })
            .collect()
    }

    #[test]
    fn ranges_grow_with_the_org_up_to_sixteen() {
        assert_eq!(Queues::new(1).ranges(), 1);
        assert_eq!(Queues::new(4096).ranges(), 1);
        assert_eq!(Queues::new(4097).ranges(), 2);
        assert_eq!(Queues::new(20_000).ranges(), 5);
        assert_eq!(Queues::new(65_536).ranges(), 16);
        assert_eq!(Queues::new(1_000_000).ranges(), 16);
        assert_eq!(Queues::new(11_111_111).ranges(), 11);
    }

    /// Push as the engine does: noted while deferring, else linked in and its agent marked.
    fn push(q: &mut Queues, agents: &mut [AgentState], active: &mut [u64], to: u32, item: Item) {
        if q.defers() {
            q.defer(to, item);
        } else {
            q.push_now(to, &mut agents[to as usize], item);
            active[to as usize / 64] |= 1 << (to % 64);
        }
    }

    /// Pushes deferred and flushed (one by one or in parallel), or linked in at once, leave
    /// every queue as pushing each item at once in one pool does: the same items in the same
    /// order, and the same agents active. A flush defers the pushes after it only when at
    /// least `parallel_min` came before it, and only in an org of several ranges.
    #[test]
    fn a_flush_links_what_was_pushed_in_push_order() {
        let n = 300u32;
        let pushes: Vec<(u32, Item)> = (0..3000u32)
            .map(|i| {
                let to = (i * 7919) % n;
                let item = if i % 5 == 0 {
                    Item::Consult {
                        decision: i,
                        slot: 0,
                        generation: 0,
                    }
                } else {
                    Item::Decision(i)
                };
                (to, item)
            })
            .collect();
        let mut now = Queues::with_shift(n as usize, 12);
        assert_eq!(now.ranges(), 1);
        let mut now_agents = vec![AgentState::new(0); n as usize];
        let mut now_active = vec![0u64; (n as usize).div_ceil(64)];
        for &(to, item) in &pushes {
            push(&mut now, &mut now_agents, &mut now_active, to, item);
            now.flush(&mut now_agents, &mut now_active, 1, false);
            assert!(!now.defers(), "one range never defers");
        }
        // Phases with as many pushes as each: linked in at once (the first), noted and linked
        // in parallel (the second: the two before it pushed 600 or more), noted and linked one
        // range after another (the third and fourth: fewer than 600 each), then at once again
        // (fewer than 600 in the two before).
        let phases = [1000, 700, 300, 200, 100, 700];
        let deferred = [false, true, true, true, false, false];
        let mut later = Queues::with_shift(n as usize, 6);
        assert_eq!(later.ranges(), 5);
        let mut agents = vec![AgentState::new(0); n as usize];
        let mut active = vec![0u64; (n as usize).div_ceil(64)];
        let mut rest = &pushes[..];
        for (len, deferred) in phases.into_iter().zip(deferred) {
            assert_eq!(later.defers(), deferred, "a phase of {len} pushes");
            let (phase, after) = rest.split_at(len);
            for &(to, item) in phase {
                push(&mut later, &mut agents, &mut active, to, item);
            }
            later.flush(&mut agents, &mut active, 600, true);
            rest = after;
        }
        assert!(rest.is_empty());
        for a in 0..n {
            let st = &agents[a as usize];
            assert_eq!(
                decisions(&later, a, st),
                decisions(&now, a, &now_agents[a as usize]),
                "agent {a}"
            );
            assert_eq!(st.decisions, now_agents[a as usize].decisions);
            let marked = active[a as usize / 64] >> (a % 64) & 1 == 1;
            assert_eq!(marked, !st.is_idle(), "agent {a}");
        }
    }
}
