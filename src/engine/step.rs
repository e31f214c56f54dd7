//! An agent's step in the work phase: it spends its capacity on the head of its queue.
//!
//! The step reads shared state only through a read-only snapshot and changes only its
//! own queue and progress; everything else it does is returned as [`Effect`]s, applied in
//! agent order afterwards. So stepping agents in parallel chunks gives the same results as
//! stepping them one by one.
//!
//! Every agent's FIFO is threaded through one pool of queue nodes ([`Queues`]): the agent
//! holds the indices of its first and last node, each node the index of the next. A step
//! only reads the pool; the nodes it pops are handed back after the work phase.

use crate::engine::in_flight::{Decision, Item};
use crate::model::routing::{Hop, Routing};
use crate::model::rules::{self, Choice};
use crate::model::structure::NONE;

/// Tolerance for comparing effort (capacities like 0.1 do not add up exactly in binary).
const EPS: f64 = 1e-9;

/// An agent's changing state, packed into one 32-byte record with its level, so that a step
/// finds everything it reads about the agent but its competence in one cache line (capacity
/// and authority are the same for a whole level, kept once per level).
#[derive(Debug, Clone, Copy)]
pub struct AgentState {
    /// First and last node of the queue in [`Queues`]; `NONE` when the queue is empty.
    head: u32,
    tail: u32,
    /// Decision items in the queue (consult items excluded).
    pub decisions: u32,
    /// The agent's level (0: frontline), fixed.
    pub level: u8,
    /// The task chosen for the head of the queue, once started, and its cost (kept apart so
    /// the record packs into 32 bytes).
    pub started: Option<Task>,
    pub cost: f64,
    /// Effort already spent on the started task.
    pub progress: f64,
}

impl AgentState {
    /// An agent at `level` with an empty queue.
    pub fn new(level: u8) -> AgentState {
        AgentState {
            head: NONE,
            tail: NONE,
            decisions: 0,
            level,
            started: None,
            cost: 0.0,
            progress: 0.0,
        }
    }

    /// The first node of the queue (`NONE` when it is empty).
    pub fn head(&self) -> u32 {
        self.head
    }

    /// Whether the queue is empty.
    pub fn is_idle(&self) -> bool {
        self.head == NONE
    }

    /// Take the head of the queue off: `freed` gets its node back for the pool.
    fn pop(&mut self, nodes: &[Node], freed: &mut Vec<u32>) {
        let node = self.head;
        let Node { item, next } = nodes[node as usize];
        if matches!(item, Item::Decision(_)) {
            self.decisions -= 1;
        }
        self.head = next;
        if next == NONE {
            self.tail = NONE;
        }
        freed.push(node);
        self.started = None;
        self.progress = 0.0;
    }
}

/// A queue entry: an item and the next entry of the same agent's queue (`NONE`: the last).
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub item: Item,
    pub next: u32,
}

/// The nodes of every agent's queue. Slots of popped items are reused, so once a run is under
/// way queueing allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct Queues {
    pub nodes: Vec<Node>,
    free: Vec<u32>,
}

impl Queues {
    /// Add `item` at the back of `st`'s queue.
    pub fn push(&mut self, st: &mut AgentState, item: Item) {
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

    /// Start loading the node the push `ahead` pushes from now will take.
    pub fn ahead_of_push(&self, ahead: usize) {
        super::prefetch::prefetch_popped(&self.nodes, &self.free, ahead);
    }

    /// Nodes popped by the work phase, free for reuse.
    pub fn release(&mut self, freed: &mut Vec<u32>) {
        self.free.append(freed);
    }

    /// The items of `st`'s queue, front first.
    pub fn items<'a>(&'a self, st: &AgentState) -> impl Iterator<Item = Item> + 'a {
        let mut n = st.head;
        std::iter::from_fn(move || {
            let node = self.nodes.get(n as usize)?;
            n = node.next;
            Some(node.item)
        })
    }

    /// Empty `st`'s queue (for rerouting), forgetting partial progress; its items, front first.
    pub fn drain(&mut self, st: &mut AgentState) -> Vec<Item> {
        let mut items = Vec::new();
        let mut n = st.head;
        while n != NONE {
            let node = self.nodes[n as usize];
            items.push(node.item);
            self.free.push(n);
            n = node.next;
        }
        *st = AgentState::new(st.level);
        items
    }
}

/// What an agent is doing with the item at the head of its queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Decide,
    Refer { frustrated: bool },
    Answer,
}

/// A consequence of an agent's work, applied after the work phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    Refer {
        decision: u32,
        to: u32,
        lateral: bool,
        frustrated: bool,
    },
    Decided {
        decision: u32,
        by: u32,
        /// The decider's level.
        level: u8,
    },
    Answer {
        decision: u32,
        slot: u32,
        generation: u32,
    },
    /// Effort an agent at `level` spent this tick.
    Spent { level: u8, effort: f64 },
}

/// The org's decision-rights settings the work phase needs.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub boundary: f64,
    pub referral_effort: f64,
    pub consult_effort: f64,
    pub escalate: bool,
}

/// Everything an agent's step may read.
pub struct Snapshot<'a> {
    pub routing: Routing<'a>,
    /// The queue nodes (a step pops its own agent's, handing the nodes back through `freed`).
    pub nodes: &'a [Node],
    pub decisions: &'a [Decision],
    /// The current authority of each level: the design's, or a `delegation` shock's.
    pub authority: &'a [f64],
    pub policy: Policy,
}

/// What a step produces: effects to apply in agent order, and the queue nodes it popped.
#[derive(Debug, Default)]
pub struct StepOut {
    pub effects: Vec<Effect>,
    pub freed: Vec<u32>,
}

/// Step agent `a` for one tick, appending its effects to `out`.
pub fn step_agent(ctx: &Snapshot, a: u32, st: &mut AgentState, out: &mut StepOut) {
    let StepOut {
        effects: out,
        freed,
    } = out;
    let level = st.level;
    let mut budget = ctx.routing.shape.level_capacity[level as usize];
    let mut spent = 0.0;
    // Whom `a` refers to: the same all tick (routing changes only between work phases), so
    // looked up at most once.
    let mut above = None;
    let mut superior = || *above.get_or_insert_with(|| ctx.routing.superior(a));
    while budget > EPS {
        if st.head == NONE {
            break;
        }
        let item = ctx.nodes[st.head as usize].item;
        let (task, cost) = match st.started {
            Some(task) => (task, st.cost),
            None => {
                let chosen = choose(ctx, a, level, item, &mut superior);
                (st.started, st.cost) = (Some(chosen.0), chosen.1);
                st.progress = 0.0;
                chosen
            }
        };
        let remaining = (cost - st.progress).max(0.0);
        if remaining > budget + EPS {
            st.progress += budget;
            spent += budget;
            break;
        }
        budget -= remaining;
        spent += remaining;
        st.pop(ctx.nodes, freed);
        match (task, item) {
            (Task::Decide, Item::Decision(d)) => out.push(Effect::Decided {
                decision: d,
                by: a,
                level,
            }),
            (Task::Refer { frustrated }, Item::Decision(d)) => match superior() {
                Some(hop) => out.push(Effect::Refer {
                    decision: d,
                    to: hop.to,
                    lateral: hop.lateral,
                    frustrated,
                }),
                // Nobody above any more (routing changed since the task started): decide.
                None => out.push(Effect::Decided {
                    decision: d,
                    by: a,
                    level,
                }),
            },
            (
                Task::Answer,
                Item::Consult {
                    decision,
                    slot,
                    generation,
                },
            ) => out.push(Effect::Answer {
                decision,
                slot,
                generation,
            }),
            _ => unreachable!("a task is chosen for the kind of item it is"),
        }
    }
    if spent > 0.0 {
        out.push(Effect::Spent {
            level,
            effort: spent,
        });
    }
}

/// Choose what to do with `item` and what it costs.
fn choose(
    ctx: &Snapshot,
    a: u32,
    level: u8,
    item: Item,
    superior: &mut impl FnMut() -> Option<Hop>,
) -> (Task, f64) {
    let p = ctx.policy;
    match item {
        // A consult, once sent, is worked at its turn whatever became of its decision: no
        // message tells the lead it is no longer needed (a late answer is discarded on arrival).
        Item::Consult { .. } => (Task::Answer, p.consult_effort),
        Item::Decision(decision) => {
            let d = &ctx.decisions[decision as usize];
            let must_climb = rules::must_climb(p.escalate, level, d.min_level);
            let choice = rules::decide_or_refer(
                d.complexity,
                ctx.routing.competence[a as usize],
                ctx.authority[level as usize],
                p.boundary,
                must_climb,
                superior().is_some(),
            );
            match choice {
                Choice::Decide => (Task::Decide, d.effort),
                Choice::Refer { frustrated } => (Task::Refer { frustrated }, p.referral_effort),
            }
        }
    }
}
