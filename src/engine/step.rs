//! An agent's step in the work phase: it spends its capacity on the head of its queue.
//!
//! The step reads shared state only through a read-only snapshot and changes only its
//! own queue and progress; everything else it does is returned as [`Effect`]s, applied in
//! agent order afterwards. So stepping agents in parallel chunks gives the same results as
//! stepping them one by one.

use std::collections::VecDeque;

use crate::engine::in_flight::{Decision, Item};
use crate::model::routing::Routing;
use crate::model::rules::{self, Choice};

/// Tolerance for comparing effort (capacities like 0.1 do not add up exactly in binary).
const EPS: f64 = 1e-9;

/// An agent's changing state.
#[derive(Debug, Default, Clone)]
pub struct AgentState {
    pub queue: VecDeque<Item>,
    /// Decision items in the queue (consult items excluded).
    pub decisions: u32,
    /// The task chosen for the head of the queue and its cost, once started.
    pub started: Option<(Task, f64)>,
    /// Effort already spent on the started task.
    pub progress: f64,
}

impl AgentState {
    /// Add an item at the back of the queue.
    pub fn push(&mut self, item: Item) {
        if matches!(item, Item::Decision(_)) {
            self.decisions += 1;
        }
        self.queue.push_back(item);
    }

    fn pop(&mut self) {
        if let Some(Item::Decision(_)) = self.queue.pop_front() {
            self.decisions -= 1;
        }
        self.started = None;
        self.progress = 0.0;
    }

    /// Empty the queue (for rerouting), forgetting partial progress.
    pub fn drain(&mut self) -> VecDeque<Item> {
        self.decisions = 0;
        self.started = None;
        self.progress = 0.0;
        std::mem::take(&mut self.queue)
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
    },
    Answer {
        decision: u32,
        slot: u32,
        generation: u32,
    },
    /// Effort an agent spent this tick.
    Spent {
        agent: u32,
        effort: f64,
    },
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
    pub decisions: &'a [Decision],
    /// Each agent's current authority.
    pub authority: &'a [f64],
    pub policy: Policy,
}

/// Step agent `a` for one tick, appending its effects to `out`.
pub fn step_agent(ctx: &Snapshot, a: u32, st: &mut AgentState, out: &mut Vec<Effect>) {
    let shape = ctx.routing.shape;
    let mut budget = shape.capacity[a as usize];
    let mut spent = 0.0;
    while budget > EPS {
        let Some(&item) = st.queue.front() else { break };
        let (task, cost) = match st.started {
            Some(started) => started,
            None => {
                let chosen = choose(ctx, a, item);
                st.started = Some(chosen);
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
        st.pop();
        match (task, item) {
            (Task::Decide, Item::Decision(d)) => out.push(Effect::Decided { decision: d, by: a }),
            (Task::Refer { frustrated }, Item::Decision(d)) => match ctx.routing.superior(a) {
                Some(hop) => out.push(Effect::Refer {
                    decision: d,
                    to: hop.to,
                    lateral: hop.lateral,
                    frustrated,
                }),
                // Nobody above any more (routing changed since the task started): decide.
                None => out.push(Effect::Decided { decision: d, by: a }),
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
            agent: a,
            effort: spent,
        });
    }
}

/// Choose what to do with `item` and what it costs.
fn choose(ctx: &Snapshot, a: u32, item: Item) -> (Task, f64) {
    let p = ctx.policy;
    match item {
        // A consult, once sent, is worked at its turn whatever became of its decision: no
        // message tells the lead it is no longer needed (a late answer is discarded on arrival).
        Item::Consult { .. } => (Task::Answer, p.consult_effort),
        Item::Decision(decision) => {
            let d = &ctx.decisions[decision as usize];
            let shape = ctx.routing.shape;
            let must_climb = rules::must_climb(p.escalate, shape.level[a as usize], d.min_level);
            let choice = rules::decide_or_refer(
                d.complexity,
                ctx.routing.competence[a as usize],
                ctx.authority[a as usize],
                p.boundary,
                must_climb,
                ctx.routing.superior(a).is_some(),
            );
            match choice {
                Choice::Decide => (Task::Decide, d.effort),
                Choice::Refer { frustrated } => (Task::Refer { frustrated }, p.referral_effort),
            }
        }
    }
}
