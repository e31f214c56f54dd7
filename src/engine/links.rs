//! Messages on links: delays, sending, and delivery at the start of the arrival tick.

use super::Engine;
use super::in_flight::{Item, Message, Stage};

/// Delays up to this many ticks go into per-tick buckets; longer ones into `Engine::far`.
pub(super) const NEAR_TICKS: usize = 1024;

impl Engine {
    pub(super) fn delay(&self, lateral: bool) -> u32 {
        if lateral {
            self.delay_lateral
        } else {
            self.delay_vertical
        }
    }

    #[inline(always)]
    pub(super) fn send(&mut self, m: Message, delay: u32) {
        if delay == 0 {
            self.immediate.push(m);
            return;
        }
        let k = delay as usize - 1;
        if k >= NEAR_TICKS {
            // A long delay (a large `link_delay`, a severe outage) is kept by due tick, so
            // memory grows with the messages in flight and never with the delay itself.
            let due = u64::from(self.now) + u64::from(delay);
            self.far.entry(due).or_default().push(m);
            return;
        }
        while self.transit.len() <= k {
            let bucket = self.spare_buckets.pop().unwrap_or_default();
            self.transit.push_back(bucket);
        }
        self.transit[k].push(m);
    }

    pub(super) fn deliver(&mut self, m: Message) {
        match m {
            Message::Referral { decision, to } => {
                self.in_transit -= 1;
                self.enqueue_decision(to, decision);
            }
            Message::Down { decision } => {
                self.in_transit -= 1;
                self.execute(decision);
            }
            Message::Consult {
                decision,
                slot,
                generation,
                to,
            } => {
                let (to, _) = self.destination(to);
                self.push(
                    to,
                    Item::Consult {
                        decision,
                        slot,
                        generation,
                    },
                );
            }
            Message::Answer {
                decision,
                slot,
                generation,
            } => {
                let dec = &mut self.decisions[decision as usize];
                if dec.stage != Stage::Waiting || dec.generation != generation {
                    return;
                }
                let Some(c) = self.consults.get_mut(dec.consults as usize) else {
                    return;
                };
                if !c.heard[slot as usize] {
                    c.heard[slot as usize] = true;
                    c.pending -= 1;
                    if c.pending == 0 {
                        self.finalise(decision);
                    }
                }
            }
        }
    }
}
