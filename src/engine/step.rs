//! An agent's step in the work phase: it spends its capacity on the head of its queue.
//!
//! The step reads shared state only through a read-only snapshot and changes only its
//! own queue and progress; everything else it does is returned as [`Effect`]s, applied in
//! agent order afterwards. So stepping agents in parallel chunks gives the same results as
//! stepping them one by one.
//!
//! Every agent's FIFO is threaded through pools of queue nodes ([`Queues`]). A step only reads
//! the pools; the nodes it pops are handed back after the work phase.

use std::ops::Range;

use crate::engine::in_flight::{Decision, Item};
use crate::engine::queues::{Node, Queues};
use crate::metrics::Counted;
use crate::model::routing::{Hop, Routing};
use crate::model::rules::{self, Choice};
use crate::model::structure::NONE;
use crate::model::work_stream::NewDecision;

/// Tolerance for comparing effort (capacities like 0.1 do not add up exactly in binary).
const EPS: f64 = 1e-9;

/// An agent's changing state, packed into one 32-byte record with its level, so that a step
/// finds everything it reads about the agent but its competence in one cache line (capacity
/// and authority are the same for a whole level, kept once per level).
#[derive(Debug, Clone, Copy)]
pub struct AgentState {
    /// First and last node of the queue in its range's pool of [`Queues`]; `NONE` when the
    /// queue is empty.
    pub(super) head: u32,
    pub(super) tail: u32,
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
    // What the parallel pass of [`super::resolve`] rewrites `Decided` and `Refer` into, once it
    // has done their work on the decision: applied without reading the decision again.
    /// Taken by `by` (recorded, and the decider learnt): it consults other units.
    Consulting { decision: u32, by: u32 },
    /// Taken and its quality drawn: it travels down for `ticks`.
    Down { decision: u32, ticks: u32 },
    /// Taken, its quality drawn, executed and counted, worth `value`; if `rework`, it comes
    /// back as the next of its chunk's reworks ([`StepOut::reworks`]).
    Executed {
        decision: u32,
        rework: bool,
        value: f64,
    },
    /// Its hop and the referral counted: the referral to send.
    Referred {
        decision: u32,
        to: u32,
        lateral: bool,
    },
}

// The effects of a busy tick are millions of bytes: keep each in two words.
const _: () = assert!(std::mem::size_of::<Effect>() == 16);

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
    pub queues: &'a Queues,
    pub decisions: &'a [Decision],
    /// The current authority of each level: the design's, or a `delegation` shock's.
    pub authority: &'a [f64],
    pub policy: Policy,
}

/// What a chunk of the work phase produces: effects to apply in agent order, and the queue
/// nodes it popped (`freed[r]`: those of range `r`'s pool); and what the parallel pass of
/// [`super::resolve`] makes of the effects.
#[derive(Debug)]
pub struct StepOut {
    pub effects: Vec<Effect>,
    pub freed: Vec<Vec<u32>>,
    /// The agents the chunk stepped lie in this range (set when the phase runs in chunks).
    pub agents: Range<u32>,
    /// The chunk's reworks, in the order of their [`Effect::Executed`].
    pub reworks: Vec<NewDecision>,
    /// What the chunk's resolved effects add to the tally.
    pub counts: Counted,
    /// The units a decision reaches (scratch).
    pub units: Vec<u32>,
    /// The agents whose queue the chunk's steps emptied, in agent order (unmarked in the
    /// active bitmap once the work phase ends).
    pub idle: Vec<u32>,
}

impl StepOut {
    /// Empty buffers for a work phase over `queues`' ranges.
    pub fn for_ranges(queues: &Queues) -> StepOut {
        StepOut {
            effects: Vec::new(),
            freed: vec![Vec::new(); queues.ranges()],
            agents: 0..0,
            reworks: Vec::new(),
            counts: Counted::default(),
            units: Vec::new(),
            idle: Vec::new(),
        }
    }
}

/// Step agent `a` for one tick, appending its effects to `out`.
pub fn step_agent(ctx: &Snapshot, a: u32, st: &mut AgentState, out: &mut StepOut) {
    let StepOut {
        effects: out,
        freed,
        ..
    } = out;
    let freed = &mut freed[ctx.queues.range_of(a)];
    let nodes = ctx.queues.nodes_of(a);
    let level = st.level;
    let mut budget = ctx.routing.shape.level_capacity[level as usize];
    let mut spent = 0.0;
    // Whom `a` refers to: the same all tick (routing changes only between work phases), so
    // looked up at most once.
    let mut above = None;
    let mut superior = || *above.get_or_insert_with(|| ctx.routing.superior_at(a, level.into()));
    while budget > EPS {
        if st.head == NONE {
            break;
        }
        let item = nodes[st.head as usize].item;
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
        st.pop(nodes, freed);
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
                || superior().is_some(),
            );
            match choice {
                Choice::Decide => (Task::Decide, d.effort),
                Choice::Refer { frustrated } => (Task::Refer { frustrated }, p.referral_effort),
            }
        }
    }
}
