//! The tick loop: queues, messages, shocks and parallel stepping (DESIGN.md §1 "Time").
//!
//! ```
//! use orgsim::engine::Engine;
//! use orgsim::scenario::{OrgSpec, Scenario};
//!
//! let scenario = Scenario::new("demo", 100, 2.0, vec![OrgSpec::tree("Hierarchy", 4, 3)]);
//! let mut engine = Engine::new(&scenario, 0, 0);
//! while !engine.finished() {
//!     engine.step();
//! }
//! let run = engine.finish();
//! assert_eq!(run.ticks.len(), 100);
//! ```

mod decision;
mod routing;
mod shocks;
mod work;

use std::collections::VecDeque;

use rayon::prelude::*;

pub use decision::Stage;
use decision::{Consults, Decision, Item, Message};
use routing::{Hop, Routing, most_competent};
use shocks::Scheduled;
use work::{AgentState, Effect, Policy, Snapshot};

use crate::metrics::{RunOutput, Tally, TickRecord};
use crate::model::rng::{self, Purpose};
use crate::model::rules;
use crate::model::structure::{NONE, Shape};
use crate::model::work::{NewDecision, Surge, WorkStream};
use crate::scenario::{CrossUnitMode, OrgSpec, Quality, Scenario, ShockKind, ShockSpec};

/// Agents with work from which one tick's work phase is split into parallel chunks.
const PARALLEL_MIN_AGENTS: usize = 4096;
/// Parallel chunks a work phase is split into (enough to balance two to eight cores).
const CHUNKS: usize = 16;

/// One org in one replicate, stepped tick by tick.
pub struct Engine {
    org: OrgSpec,
    quality: Quality,
    half_life: Option<f64>,
    seed: u64,
    replicate: u32,
    horizon: u32,
    now: u32,
    shape: Shape,
    stream: WorkStream,

    agents: Vec<AgentState>,
    competence: Vec<f64>,
    /// Shocks holding each agent away.
    away: Vec<u16>,
    /// Shocks holding each agent away whose work has been rerouted.
    gone: Vec<u16>,
    acting_top: u32,
    lead: Vec<u32>,
    in_active: Vec<bool>,
    active: Vec<u32>,

    decisions: Vec<Decision>,
    free: Vec<u32>,
    /// `transit[k]`: messages taking effect at the start of tick `now + 1 + k`.
    transit: VecDeque<Vec<Message>>,
    /// Messages sent with delay 0, taking effect in this tick's delivery phase.
    immediate: Vec<Message>,
    /// Consult deadlines: `(tick, decision)`, in the order they were set.
    deadlines: VecDeque<(u32, u32)>,
    /// Rework decisions arriving next tick.
    rework: Vec<NewDecision>,

    queued: u64,
    in_transit: u64,
    waiting: u64,

    shocks: Vec<Scheduled>,
    surges: Vec<Surge>,
    complexity_shift: f64,
    delay_vertical: u32,
    delay_lateral: u32,

    parallel_min: usize,
    tally: Tally,
    record: TickRecord,
    arrivals: Vec<NewDecision>,
}

impl Engine {
    /// An engine for org `org` of `scenario` in replicate `replicate`, with the scenario's
    /// shocks scheduled.
    pub fn new(scenario: &Scenario, org: usize, replicate: u32) -> Engine {
        let spec = scenario.orgs[org].clone();
        let seed = scenario.scenario.seed;
        let shape = Shape::build(&spec, seed, replicate);
        let n = shape.agents();
        let competence = shape.competence0.clone();
        let mut engine = Engine {
            quality: scenario.quality.clone(),
            half_life: scenario.work.half_life,
            seed,
            replicate,
            horizon: scenario.scenario.ticks,
            now: 0,
            stream: WorkStream::new(&scenario.work, seed, replicate),
            agents: vec![AgentState::default(); n],
            away: vec![0; n],
            gone: vec![0; n],
            acting_top: NONE,
            lead: Vec::new(),
            in_active: vec![false; n],
            active: Vec::new(),
            decisions: Vec::new(),
            free: Vec::new(),
            transit: VecDeque::new(),
            immediate: Vec::new(),
            deadlines: VecDeque::new(),
            rework: Vec::new(),
            queued: 0,
            in_transit: 0,
            waiting: 0,
            shocks: scenario
                .shocks
                .iter()
                .cloned()
                .map(Scheduled::new)
                .collect(),
            surges: Vec::new(),
            complexity_shift: 0.0,
            delay_vertical: 0,
            delay_lateral: 0,
            parallel_min: PARALLEL_MIN_AGENTS,
            tally: Tally::new(org, replicate, scenario, &shape),
            record: TickRecord::default(),
            arrivals: Vec::new(),
            competence,
            shape,
            org: spec,
        };
        engine.refresh_routing();
        engine.refresh_delays();
        engine
    }

    /// The next tick to run.
    pub fn now(&self) -> u32 {
        self.now
    }

    /// Whether every tick of the horizon has run.
    pub fn finished(&self) -> bool {
        self.now >= self.horizon
    }

    /// The org's fixed shape.
    pub fn shape(&self) -> &Shape {
        &self.shape
    }

    /// Current competence of each agent.
    pub fn competence(&self) -> &[f64] {
        &self.competence
    }

    /// Whether agent `a` is away (lost or absent) now.
    pub fn is_away(&self, a: u32) -> bool {
        self.away[a as usize] > 0
    }

    /// Step agents in parallel chunks once this many have work (default 4096). Results do
    /// not depend on it; tests use it to exercise the parallel path on small orgs.
    pub fn set_parallel_threshold(&mut self, agents: usize) {
        self.parallel_min = agents.max(1);
    }

    /// Schedule a shock from code (the live dashboard does this). It starts at `shock.at`, or
    /// at the next tick if that has passed.
    pub fn inject(&mut self, mut shock: ShockSpec) {
        shock.at = shock.at.max(self.now);
        self.shocks.push(Scheduled::new(shock));
    }

    /// Run one tick and return its record.
    pub fn step(&mut self) -> &TickRecord {
        let t = self.now;
        self.record = TickRecord::default();
        self.tally.begin_tick(t, &self.competence);

        // 1. Shocks start, reroute or end.
        self.apply_shocks(t);

        // Messages due this tick, in send order; then consult deadlines; then rework; then
        // new arrivals.
        let due = self.transit.pop_front().unwrap_or_default();
        for m in due {
            self.deliver(m);
        }
        while let Some(&(tick, d)) = self.deadlines.front() {
            if tick > t {
                break;
            }
            self.deadlines.pop_front();
            if self.decisions[d as usize].stage == Stage::Waiting {
                self.finalise(d);
            }
        }
        for nd in std::mem::take(&mut self.rework) {
            self.arrive(nd);
        }

        // 2. Arrivals.
        let mut arrivals = std::mem::take(&mut self.arrivals);
        arrivals.clear();
        self.stream.arrivals(t, &self.surges, &mut arrivals);
        for &nd in &arrivals {
            self.arrive(nd);
        }
        self.arrivals = arrivals;

        // 3. Work.
        let effects = self.work_phase();
        for e in effects {
            self.apply(e);
        }

        // 4. Delivery of messages sent with delay 0.
        while !self.immediate.is_empty() {
            for m in std::mem::take(&mut self.immediate) {
                self.deliver(m);
            }
        }

        // 5. Metrics.
        self.record.backlog = self.queued + self.in_transit + self.waiting;
        self.record.frozen = self.frozen();
        debug_assert_eq!(
            self.record.backlog,
            self.census().backlog(),
            "tick {t}: backlog"
        );
        self.tally.end_tick(t, &mut self.record);
        self.now += 1;
        &self.record
    }

    /// Run the remaining ticks and return the run's results.
    pub fn run(mut self) -> RunOutput {
        while !self.finished() {
            self.step();
        }
        self.finish()
    }

    /// The results so far (normally called once every tick has run).
    pub fn finish(self) -> RunOutput {
        let shocks: Vec<ShockSpec> = self.shocks.iter().map(|s| s.spec.clone()).collect();
        self.tally.finish(&self.competence, &shocks)
    }

    /// Count the backlog from scratch by walking every queue, link and waiting decision. The
    /// engine keeps running counts; tests (and debug builds, every tick) check they agree.
    pub fn census(&self) -> Census {
        let queued = self
            .agents
            .iter()
            .map(|a| {
                a.queue
                    .iter()
                    .filter(|i| matches!(i, Item::Decision(_)))
                    .count() as u64
            })
            .sum();
        let in_transit = self
            .transit
            .iter()
            .flatten()
            .chain(&self.immediate)
            .filter(|m| m.carries_decision())
            .count() as u64;
        let waiting = self
            .decisions
            .iter()
            .filter(|d| d.stage == Stage::Waiting)
            .count() as u64;
        let frozen = (0..self.agents.len())
            .filter(|&a| self.away[a] > 0)
            .map(|a| {
                self.agents[a]
                    .queue
                    .iter()
                    .filter(|i| matches!(i, Item::Decision(_)))
                    .count() as u64
            })
            .sum();
        Census {
            queued,
            in_transit,
            waiting,
            frozen,
        }
    }

    // ----- arrivals and queues -------------------------------------------------------------

    fn arrive(&mut self, nd: NewDecision) {
        let origin = self.shape.frontline_at(nd.locus);
        let complexity = (nd.complexity + self.complexity_shift).clamp(0.0, 1.0);
        let min_level = if self.org.cross_unit == CrossUnitMode::Escalate && self.shape.is_tree() {
            self.shape.lowest_common_level(nd.locus, nd.reach) as u8
        } else {
            0
        };
        let decision = Decision {
            key: nd.key,
            arrived: self.now,
            origin,
            locus: nd.locus,
            complexity,
            effort: nd.effort,
            reach: nd.reach,
            stake: nd.stake,
            hops_vertical: 0,
            hops_lateral: 0,
            min_level,
            stage: Stage::Queued,
            decider: NONE,
            competence: 0.0,
            good: false,
            consults: None,
            generation: 0,
        };
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
        self.enqueue_decision(origin, d);
    }

    /// Put decision `d` in `to`'s queue, or around `to` if `to` is gone.
    fn enqueue_decision(&mut self, to: u32, d: u32) {
        let (to, hops) = self.route_around(to);
        let dec = &mut self.decisions[d as usize];
        dec.hops_vertical += hops.0;
        dec.hops_lateral += hops.1;
        dec.stage = Stage::Queued;
        self.queued += 1;
        self.push(to, Item::Decision(d));
    }

    /// Follow reroutes from `to` while it is gone: the agent who gets the work, and the
    /// vertical and lateral hops taken to reach it.
    fn route_around(&self, mut to: u32) -> (u32, (u16, u16)) {
        let mut hops = (0u16, 0u16);
        let mut guard = 0;
        while self.gone[to as usize] > 0 && guard < 64 {
            match self.routing().around(to) {
                Some(Hop { to: next, lateral }) => {
                    if lateral {
                        hops.1 += 1
                    } else {
                        hops.0 += 1
                    }
                    to = next;
                }
                None => break,
            }
            guard += 1;
        }
        (to, hops)
    }

    fn push(&mut self, to: u32, item: Item) {
        self.agents[to as usize].push(item);
        if !self.in_active[to as usize] {
            self.in_active[to as usize] = true;
            self.active.push(to);
        }
    }

    fn routing(&self) -> Routing<'_> {
        Routing {
            shape: &self.shape,
            competence: &self.competence,
            gone: &self.gone,
            acting_top: self.acting_top,
            lead: &self.lead,
        }
    }

    // ----- the work phase --------------------------------------------------------------------

    fn work_phase(&mut self) -> Vec<Effect> {
        let (agents, away, in_active) = (&self.agents, &self.away, &mut self.in_active);
        self.active.retain(|&a| {
            let keep = !agents[a as usize].queue.is_empty() && away[a as usize] == 0;
            if !keep {
                in_active[a as usize] = false;
            }
            keep
        });
        // Agents are stepped, and their effects applied, in index order whatever the threads.
        self.active.sort_unstable();
        let mut batch: Vec<(u32, AgentState)> = self
            .active
            .iter()
            .map(|&a| (a, std::mem::take(&mut self.agents[a as usize])))
            .collect();
        let snapshot = Snapshot {
            routing: self.routing(),
            decisions: &self.decisions,
            policy: Policy {
                boundary: self.org.boundary,
                referral_effort: self.org.referral_effort,
                consult_effort: self.org.consult_effort,
                escalate: self.org.cross_unit == CrossUnitMode::Escalate && self.shape.is_tree(),
            },
        };
        let step_chunk = |chunk: &mut [(u32, AgentState)]| {
            let mut out = Vec::new();
            for (a, st) in chunk.iter_mut() {
                work::step_agent(&snapshot, *a, st, &mut out);
            }
            out
        };
        let chunk = batch.len().div_ceil(CHUNKS).max(1);
        let effects = if batch.len() >= self.parallel_min {
            batch
                .par_chunks_mut(chunk)
                .map(step_chunk)
                .collect::<Vec<_>>()
                .concat()
        } else {
            step_chunk(&mut batch)
        };
        for (a, st) in batch {
            self.agents[a as usize] = st;
        }
        effects
    }

    fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Spent { agent, effort } => {
                self.tally.spent(self.shape.level[agent as usize], effort);
            }
            Effect::Refer {
                decision,
                from: _,
                to,
                lateral,
                frustrated,
            } => {
                self.queued -= 1;
                self.tally.referral(frustrated);
                let d = &mut self.decisions[decision as usize];
                if lateral {
                    d.hops_lateral += 1
                } else {
                    d.hops_vertical += 1
                }
                d.stage = Stage::Referred;
                self.in_transit += 1;
                self.send(Message::Referral { decision, to }, self.delay(lateral));
            }
            Effect::Decided { decision, by } => {
                self.queued -= 1;
                self.decide(decision, by);
            }
            Effect::Answer {
                decision,
                slot,
                generation,
            } => {
                self.send(
                    Message::Answer {
                        decision,
                        slot,
                        generation,
                    },
                    self.delay(true),
                );
            }
        }
    }

    /// `by` has spent the effort to decide `d`: learn, then consult other units or finalise.
    fn decide(&mut self, d: u32, by: u32) {
        let c = self.competence[by as usize];
        {
            let dec = &mut self.decisions[d as usize];
            dec.decider = by;
            dec.competence = c;
        }
        if self.org.learning > 0.0 {
            self.competence[by as usize] = rules::learn(c, self.org.learning);
            if !self.shape.is_tree() {
                let team = self.shape.team_of(by) as usize;
                let lead = self.lead[team];
                if lead == NONE
                    || (self.gone[by as usize] == 0
                        && (self.competence[by as usize] > self.competence[lead as usize]
                            || (self.competence[by as usize] == self.competence[lead as usize]
                                && by < lead)))
                {
                    self.lead[team] = by;
                }
            }
        }
        let units = self.units_to_consult(d, by);
        if units.is_empty() {
            self.finalise(d);
            return;
        }
        let n = units.len();
        self.decisions[d as usize].consults = Some(Box::new(Consults {
            heard: vec![false; n],
            pending: n as u32,
            units: units.clone(),
        }));
        self.decisions[d as usize].stage = Stage::Waiting;
        self.waiting += 1;
        if self.org.patience == 0 {
            self.finalise(d);
            return;
        }
        let generation = self.decisions[d as usize].generation;
        for (slot, &u) in units.iter().enumerate() {
            let to = self.unit_lead(u);
            let slot = slot as u32;
            self.send(
                Message::Consult {
                    decision: d,
                    slot,
                    generation,
                    to,
                },
                self.delay(true),
            );
        }
        self.deadlines.push_back((self.now + self.org.patience, d));
    }

    /// In consult mode, the units a decision touches outside the decider's own.
    fn units_to_consult(&self, d: u32, by: u32) -> Vec<u32> {
        let dec = &self.decisions[d as usize];
        if self.org.cross_unit != CrossUnitMode::Consult || dec.reach <= 0.0 {
            return Vec::new();
        }
        let (first, count) = self.shape.touched_units(dec.locus, dec.reach);
        let domain = self.shape.domain_units(by);
        (0..count)
            .map(|k| (first + k) % self.shape.units)
            .filter(|u| !domain.contains(u))
            .collect()
    }

    /// The agent who answers consults for unit `u`: a tree unit's first-line manager, a team's lead.
    fn unit_lead(&self, u: u32) -> u32 {
        if self.shape.is_tree() {
            self.shape.unit_manager(u)
        } else {
            let lead = self.lead[u as usize];
            if lead == NONE {
                self.shape.team_members(u).start
            } else {
                lead
            }
        }
    }

    /// The decision is taken: draw its quality and send it down to where it arose.
    fn finalise(&mut self, d: u32) {
        let shape = &self.shape;
        let dec = &self.decisions[d as usize];
        let was_waiting = dec.stage == Stage::Waiting;
        let by = dec.decider;
        let level = shape.level[by as usize] as u32;
        let climbed = if shape.is_tree() {
            level
        } else {
            (dec.hops_vertical + dec.hops_lateral) as u32
        };
        let unheard: f64 = dec.consults.as_ref().map_or(0.0, |c| {
            c.units
                .iter()
                .zip(&c.heard)
                .filter(|(_, heard)| !**heard)
                .map(|(&u, _)| shape.unit_share_of_reach(u, dec.locus, dec.reach))
                .sum()
        });
        let fidelity = rules::fidelity(self.quality.filter_loss, climbed, unheard);
        let at_top = shape.is_tree() && (level + 1 == shape.levels || by == self.acting_top);
        let p = rules::p_good(
            fidelity,
            dec.competence,
            dec.complexity,
            self.quality.sharpness,
            (!at_top).then_some(self.org.alignment),
        );
        let good = rng::uniform(rng::key(
            self.seed,
            self.replicate,
            dec.key,
            Purpose::Quality,
            0,
        )) < p;
        let down = if shape.is_tree() {
            climbed * self.delay_vertical
        } else {
            dec.hops_vertical as u32 * self.delay_vertical
                + dec.hops_lateral as u32 * self.delay_lateral
        };
        self.record.decided += 1;
        self.tally.decided(by, level, by == dec.origin);
        if was_waiting {
            self.waiting -= 1;
        }
        let dec = &mut self.decisions[d as usize];
        dec.good = good;
        if down == 0 {
            self.execute(d);
        } else {
            dec.stage = Stage::Down;
            self.in_transit += 1;
            self.send(Message::Down { decision: d }, down);
        }
    }

    /// The decision reaches the frontline agent where it arose and takes effect.
    fn execute(&mut self, d: u32) {
        let dec = &mut self.decisions[d as usize];
        dec.stage = Stage::Done;
        dec.consults = None;
        let latency = self.now - dec.arrived;
        let value = rules::value(
            dec.good,
            dec.stake,
            latency,
            self.half_life,
            self.quality.bad_penalty,
        );
        self.record.executed += 1;
        self.record.value += value;
        self.tally.executed(latency, dec.good, value);
        if !dec.good
            && rng::uniform(rng::key(
                self.seed,
                self.replicate,
                dec.key,
                Purpose::Rework,
                0,
            )) < self.quality.rework
        {
            let again = self.stream.rework(dec.key, dec.locus);
            self.rework.push(again);
        }
        self.free.push(d);
    }

    // ----- links -----------------------------------------------------------------------------

    fn delay(&self, lateral: bool) -> u32 {
        if lateral {
            self.delay_lateral
        } else {
            self.delay_vertical
        }
    }

    fn send(&mut self, m: Message, delay: u32) {
        if delay == 0 {
            self.immediate.push(m);
            return;
        }
        let k = delay as usize - 1;
        if self.transit.len() <= k {
            self.transit.resize_with(k + 1, Vec::new);
        }
        self.transit[k].push(m);
    }

    fn deliver(&mut self, m: Message) {
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
                let (to, _) = self.route_around(to);
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
                let Some(c) = dec.consults.as_mut() else {
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

    // ----- shocks ----------------------------------------------------------------------------

    fn apply_shocks(&mut self, t: u32) {
        let mut changed = false;
        for i in 0..self.shocks.len() {
            if !self.shocks[i].started && self.shocks[i].spec.at <= t {
                self.start_shock(i);
                changed = true;
            }
            if self.shocks[i].active()
                && !self.shocks[i].rerouted
                && self.shocks[i].reroute_tick().is_some_and(|r| r <= t)
            {
                self.reroute_shock(i);
                changed = true;
            }
            if self.shocks[i].active() && self.shocks[i].spec.end().is_some_and(|e| e <= t) {
                self.end_shock(i);
                changed = true;
            }
        }
        if changed {
            self.surges = self
                .shocks
                .iter()
                .filter(|s| s.active())
                .filter_map(|s| match s.spec.kind {
                    ShockKind::Surge { factor, region } => Some(Surge {
                        id: s.id,
                        factor,
                        region,
                    }),
                    _ => None,
                })
                .collect();
            self.refresh_delays();
        }
    }

    fn start_shock(&mut self, i: usize) {
        self.shocks[i].started = true;
        let kind = self.shocks[i].spec.kind.clone();
        match kind {
            ShockKind::Shift {
                complexity_shift,
                competence_drop,
            } => {
                self.complexity_shift += complexity_shift;
                for c in &mut self.competence {
                    *c = (*c - competence_drop).max(0.0);
                }
                self.refresh_routing();
            }
            ShockKind::Loss { .. } | ShockKind::Absence { .. } => {
                let who = shocks::targets(
                    &self.shape,
                    &kind,
                    &self.competence,
                    self.seed,
                    self.replicate,
                    self.shocks[i].id,
                );
                for &a in &who {
                    self.away[a as usize] += 1;
                }
                self.shocks[i].away = who
                    .iter()
                    .map(|&a| (a, self.competence[a as usize]))
                    .collect();
            }
            ShockKind::Surge { .. } | ShockKind::Outage { .. } => {}
        }
    }

    fn reroute_shock(&mut self, i: usize) {
        self.shocks[i].rerouted = true;
        let who: Vec<u32> = self.shocks[i].away.iter().map(|&(a, _)| a).collect();
        for &a in &who {
            self.gone[a as usize] += 1;
        }
        self.refresh_routing();
        // Their frozen queues move at once, in agent order, with no delay.
        for &a in &who {
            let items = self.agents[a as usize].drain();
            for item in items {
                match item {
                    Item::Decision(d) => {
                        self.queued -= 1;
                        self.enqueue_decision(a, d);
                    }
                    consult @ Item::Consult { .. } => {
                        let (to, _) = self.route_around(a);
                        self.push(to, consult);
                    }
                }
            }
        }
    }

    fn end_shock(&mut self, i: usize) {
        self.shocks[i].ended = true;
        let kind = self.shocks[i].spec.kind.clone();
        match kind {
            ShockKind::Shift {
                complexity_shift, ..
            } => {
                self.complexity_shift -= complexity_shift;
            }
            ShockKind::Loss { .. } | ShockKind::Absence { .. } => {
                let rerouted = self.shocks[i].rerouted;
                for (a, c) in std::mem::take(&mut self.shocks[i].away) {
                    self.away[a as usize] -= 1;
                    if rerouted {
                        self.gone[a as usize] -= 1;
                    }
                    // A replacement arrives with the competence the agent left with.
                    self.competence[a as usize] = c;
                    if !self.agents[a as usize].queue.is_empty() && !self.in_active[a as usize] {
                        self.in_active[a as usize] = true;
                        self.active.push(a);
                    }
                }
                self.refresh_routing();
            }
            ShockKind::Surge { .. } | ShockKind::Outage { .. } => {}
        }
    }

    /// Recompute the acting top and team leads after who-is-gone or competences changed.
    fn refresh_routing(&mut self) {
        let gone = &self.gone;
        if self.shape.is_tree() {
            let top = self.shape.top();
            self.acting_top = if gone[top as usize] > 0 && self.shape.levels >= 2 {
                let below = self.shape.level_agents(self.shape.levels - 2);
                most_competent(below, &self.competence, |a| gone[a as usize] == 0)
            } else {
                NONE
            };
        } else {
            self.lead = (0..self.shape.units)
                .map(|t| {
                    most_competent(self.shape.team_members(t), &self.competence, |a| {
                        gone[a as usize] == 0
                    })
                })
                .collect();
        }
    }

    fn refresh_delays(&mut self) {
        let (mut vertical, mut lateral) = (1.0f64, 1.0f64);
        for s in self.shocks.iter().filter(|s| s.active()) {
            if let ShockKind::Outage {
                delay_factor,
                links,
            } = s.spec.kind
            {
                if links.covers(false) {
                    vertical *= delay_factor;
                }
                if links.covers(true) {
                    lateral *= delay_factor;
                }
            }
        }
        let ld = self.org.link_delay;
        self.delay_vertical = (ld * vertical).ceil().max(0.0) as u32;
        self.delay_lateral = (ld * lateral).ceil().max(0.0) as u32;
    }

    /// Decisions sitting in the queues of agents who are away.
    fn frozen(&self) -> u64 {
        let mut away: Vec<u32> = self
            .shocks
            .iter()
            .filter(|s| s.active())
            .flat_map(|s| s.away.iter().map(|&(a, _)| a))
            .collect();
        away.sort_unstable();
        away.dedup();
        away.iter()
            .map(|&a| self.agents[a as usize].decisions as u64)
            .sum()
    }
}

/// The backlog counted from the engine's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Census {
    /// Decisions in agents' queues.
    pub queued: u64,
    /// Decisions on links: referrals, and decisions travelling down.
    pub in_transit: u64,
    /// Decisions waiting for consult answers.
    pub waiting: u64,
    /// Decisions in the queues of agents who are away (included in `queued`).
    pub frozen: u64,
}

impl Census {
    /// Every decision not yet executed.
    pub fn backlog(&self) -> u64 {
        self.queued + self.in_transit + self.waiting
    }
}
