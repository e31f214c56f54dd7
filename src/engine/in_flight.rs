//! What is in flight: decisions in the arena, items in agents' queues, and messages on links.

use std::marker::PhantomData;

use super::prefetch;
use crate::model::structure::NONE;

/// Where a decision is; every decision is in exactly one of these until executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// In an agent's queue (possibly a frozen one).
    Queued,
    /// A referral travelling to the next agent.
    Referred,
    /// Decided, waiting for answers from the units it consulted.
    Waiting,
    /// Decided, travelling back down to the frontline agent where it arose.
    Down,
    /// Executed; the arena slot is free.
    Done,
}

/// The consults a decision sent to other units (a slot of the engine's consult arena, whose
/// lists keep their capacity when the slot is reused).
#[derive(Debug, Clone, Default)]
pub struct Consults {
    /// Units consulted, by index.
    pub units: Vec<u32>,
    /// Whether each unit's answer arrived in time.
    pub heard: Vec<bool>,
    /// Answers still missing.
    pub pending: u32,
}

/// A decision in the arena.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Identity for keyed draws, the same in every org.
    pub key: u64,
    pub arrived: u32,
    /// The frontline agent where it arose (and where it is executed).
    pub origin: u32,
    pub locus: f64,
    pub complexity: f64,
    pub effort: f64,
    pub reach: f64,
    pub stake: f64,
    /// Hops climbed over vertical and lateral links.
    pub hops_vertical: u16,
    pub hops_lateral: u16,
    /// Escalate mode: the lowest level allowed to take it.
    pub min_level: u8,
    pub stage: Stage,
    pub decider: u32,
    /// The decider's level.
    pub decider_level: u8,
    /// The decider's competence when it decided.
    pub competence: f64,
    pub good: bool,
    /// Its slot in the engine's consult arena; `NONE` if it consulted nobody.
    pub consults: u32,
    /// Bumped each time the arena slot is reused, so a late consult or answer addressed to an
    /// earlier occupant is recognised and ignored.
    pub generation: u32,
}

impl Decision {
    /// A slot added to the arena before its first decision is written into it: executed, and
    /// of the generation before the first (so its first occupant's is 0).
    pub fn vacant() -> Decision {
        Decision {
            key: 0,
            arrived: 0,
            origin: NONE,
            locus: 0.0,
            complexity: 0.0,
            effort: 0.0,
            reach: 0.0,
            stake: 0.0,
            hops_vertical: 0,
            hops_lateral: 0,
            min_level: 0,
            stage: Stage::Done,
            decider: NONE,
            decider_level: 0,
            competence: 0.0,
            good: false,
            consults: NONE,
            generation: u32::MAX,
        }
    }

    /// This slot takes the new decision `record`, one generation on from its last occupant.
    #[inline]
    pub fn occupy(&mut self, record: Decision) {
        let generation = self.generation.wrapping_add(1);
        *self = Decision {
            generation,
            ..record
        };
    }

    /// The decision is referred over a lateral link or a vertical one.
    #[inline]
    pub fn referred(&mut self, lateral: bool) {
        if lateral {
            self.hops_lateral += 1
        } else {
            self.hops_vertical += 1
        }
        self.stage = Stage::Referred;
    }
}

/// An entry in an agent's FIFO queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// A decision to decide or refer.
    Decision(u32),
    /// A consult to answer for decision `decision`, slot `slot` of its consults.
    Consult {
        decision: u32,
        slot: u32,
        generation: u32,
    },
}

/// Something travelling on a link, taking effect at the start of its arrival tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    Referral {
        decision: u32,
        to: u32,
    },
    Consult {
        decision: u32,
        slot: u32,
        generation: u32,
        to: u32,
    },
    Answer {
        decision: u32,
        slot: u32,
        generation: u32,
    },
    Down {
        decision: u32,
    },
}

impl Message {
    /// Whether the message carries a decision (and so counts in the backlog as in transit).
    pub fn carries_decision(&self) -> bool {
        matches!(self, Message::Referral { .. } | Message::Down { .. })
    }
}

/// The decision arena, lent to the parallel chunks of one pass over a tick's arrivals or
/// effects, each chunk writing only decisions no other chunk touches.
pub(super) struct Arena<'a> {
    base: *mut Decision,
    len: usize,
    _lent: PhantomData<&'a mut [Decision]>,
}

// SAFETY: the chunks of a pass touch disjoint sets of decisions (see `Arena::get`), so sharing
// the pointer between the threads of the pass is sound.
unsafe impl Send for Arena<'_> {}
unsafe impl Sync for Arena<'_> {}

impl<'a> Arena<'a> {
    pub(super) fn new(decisions: &'a mut [Decision]) -> Arena<'a> {
        Arena {
            base: decisions.as_mut_ptr(),
            len: decisions.len(),
            _lent: PhantomData,
        }
    }

    /// Decision `d`.
    ///
    /// # Safety
    /// No other reference to decision `d` may be alive while the one returned is: within a
    /// pass, only the one chunk that owns `d` (an effect naming it, an arrival taking its
    /// slot) asks for it, once.
    #[allow(clippy::mut_from_ref)]
    pub(super) unsafe fn get(&self, d: u32) -> &mut Decision {
        assert!((d as usize) < self.len, "decision {d} is in the arena");
        // SAFETY: in bounds (above); unaliased by the caller's contract.
        unsafe { &mut *self.base.add(d as usize) }
    }

    /// Start loading decision `d`'s record.
    pub(super) fn ahead(&self, d: u32) {
        prefetch::prefetch_at(self.base.wrapping_add(d as usize));
    }
}
