//! The tick loop: queues, messages, shocks and parallel stepping (`docs/model.md` "Time").
//!
//! The engine applies the rules of [`crate::model`]; it holds the state they read:
//!
//! | file | what it does |
//! |---|---|
//! | `mod.rs` | the tick's phases, arrivals, the work phase (one by one or in parallel chunks) |
//! | `step.rs` | an agent's step in the work phase: decide, refer or answer, within its capacity |
//! | `queues.rs` | every agent's queue, threaded through node pools by agent range; in a big org items are linked in range by range, in parallel |
//! | `outcome.rs` | what follows a finished task: a referral travels; a decision is learnt from, consulted on, drawn good or bad, sent down, executed and valued |
//! | `links.rs` | messages on links: delays, sending, delivery |
//! | `reroute.rs` | going around absent agents: leads and the acting top, moving frozen queues, queueing work around them |
//! | `schedule.rs` | shocks starting, rerouting and ending on their ticks |
//! | `in_flight.rs` | decisions in the arena, queue items, messages |
//! | `view.rs` | what the live dashboard reads (queues per agent), and ending a scheduled shock early |
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

mod arrive;
mod in_flight;
mod links;
mod outcome;
mod prefetch;
mod queues;
mod reroute;
mod resolve;
mod schedule;
mod step;
#[cfg(test)]
mod tests;
mod view;

use std::collections::{BTreeMap, VecDeque};

use rayon::prelude::*;

pub use in_flight::Stage;
use in_flight::{Consults, Decision, Item, Message};
pub(crate) use prefetch::prefetch;
use queues::Queues;
use schedule::Scheduled;
use step::{AgentState, Policy, Snapshot, StepOut};

use crate::metrics::{RunOutput, Tally, TickRecord};
use crate::model::pages;
use crate::model::rng::RunKeys;
use crate::model::rules;
use crate::model::structure::{NONE, Shape};
use crate::model::work_stream::{NewDecision, Surge, WorkStream};
use crate::scenario::{OrgSpec, Quality, Scenario, ShockSpec};

/// Agents with work from which one tick's work phase is split into parallel chunks.
const PARALLEL_MIN_AGENTS: usize = 4096;
/// Parallel chunks a work phase is split into (enough to balance two to eight cores).
const CHUNKS: usize = 16;

/// One org in one replicate, stepped tick by tick.
pub struct Engine {
    org: OrgSpec,
    quality: Quality,
    /// The value of an executed decision, its decay factors computed once.
    valuer: rules::Valuer,
    fidelity: rules::Fidelity,
    seed: u64,
    replicate: u32,
    /// The run's keyed draws, `(seed, replicate)` mixed once.
    keys: RunKeys,
    horizon: u32,
    now: u32,
    shape: Shape,
    stream: WorkStream,

    agents: Vec<AgentState>,
    /// The nodes of every agent's queue (in a big org, with the items pushed since the last
    /// [`Engine::flush`] still to be linked in).
    queues: Queues,
    competence: Vec<f64>,
    /// Current authority of each level: the design's, or a `delegation` shock's.
    authority: Vec<f64>,
    /// Per agent: how many active loss or absence shocks hold it away (0: present). An agent
    /// held away is not stepped; its queue is frozen.
    absent_for: Vec<u16>,
    /// Per agent: how many of the shocks counted in `absent_for` have passed their
    /// `reroute_after`, so work sent to the agent goes around it (0: it receives its own work).
    rerouted_for: Vec<u16>,
    /// Agents with `absent_for > 0`, and with `rerouted_for > 0`: while none is, a tick reads
    /// neither list (at a million agents each read is a cache miss).
    away: u32,
    rerouted: u32,
    acting_top: u32,
    lead: Vec<u32>,
    /// Teams whose members do not learn: each team's best neighbouring lead, chosen again with
    /// the leads ([`crate::model::routing::Routing::best_neighbour`]); empty otherwise.
    best_neighbour: Vec<u32>,
    /// Agents with work, as a bitmap by agent index: bit `a % 64` of word `a / 64` (set when
    /// work comes, cleared when a step or rerouting empties the queue, or by the scan while
    /// the agent is away).
    active: Vec<u64>,
    /// Bit `w % 64` of word `w / 64` is set when `active[w]` is not zero, so a tick scans only
    /// the words that hold agents with work.
    active_words: Vec<u64>,
    /// The agents stepped this tick, in index order (refilled from `active` every tick).
    stepping: Vec<u32>,
    /// The pieces of `stepping` when the bitmap is scanned in parallel (kept for reuse).
    stepping_parts: Vec<Vec<u32>>,

    decisions: Vec<Decision>,
    free: Vec<u32>,
    /// Consult state of the decisions waiting for answers, indexed by `Decision::consults`;
    /// slots are reused so a consult allocates nothing once the run is under way.
    consults: Vec<Consults>,
    consults_free: Vec<u32>,
    /// `transit[k]`: messages taking effect at the start of tick `now + 1 + k`.
    transit: VecDeque<Vec<Message>>,
    /// Messages with delays longer than `links::NEAR_TICKS`, by the tick they take effect.
    far: BTreeMap<u64, Vec<Message>>,
    /// Messages sent with delay 0, taking effect in this tick's delivery phase.
    immediate: Vec<Message>,
    /// Consult deadlines: `(tick, decision, generation)`, in the order they were set. The
    /// generation tells a deadline of a decision long executed from one for the decision now
    /// using its arena slot.
    deadlines: VecDeque<(u32, u32, u32)>,
    /// Rework decisions arriving next tick.
    rework: Vec<NewDecision>,
    /// Buffers reused from tick to tick, so a tick under way allocates nothing: the rework
    /// arriving now, emptied delivery buckets, the effects of the work phase (one buffer per
    /// parallel chunk) and the delay-0 messages being delivered.
    rework_due: Vec<NewDecision>,
    spare_buckets: Vec<Vec<Message>>,
    effects: Vec<StepOut>,
    immediate_due: Vec<Message>,
    /// The agents away now, in index order, each once (refreshed when a loss or an absence
    /// starts or ends).
    absent_now: Vec<u32>,

    queued: u64,
    in_transit: u64,
    waiting: u64,
    /// Sum of the arrival ticks of every decision not yet executed (for `age_mean`).
    pending_arrivals: u64,

    shocks: Vec<Scheduled>,
    surges: Vec<Surge>,
    complexity_shift: f64,
    delay_vertical: u32,
    delay_lateral: u32,

    parallel_min: usize,
    /// Whether the loops of a tick load ahead ([`prefetch`]): in orgs whose records outgrow
    /// the caches; in small ones every record is already there.
    load_ahead: bool,
    warmup: u32,
    /// Ticks at whose end the decisions queued per level are counted (overload diagnosis).
    snapshot_at: Vec<u32>,
    queued_by_level: Vec<(u32, Vec<u64>)>,
    tally: Tally,
    record: TickRecord,
    arrivals: Vec<NewDecision>,
    /// The arena slots and first agents of the arrivals being queued in parallel (reused).
    arrival_slots: Vec<u32>,
    arrival_to: Vec<u32>,
}

impl Engine {
    /// An engine for org `org` of `scenario` in replicate `replicate`, with the scenario's
    /// shocks scheduled.
    pub fn new(scenario: &Scenario, org: usize, replicate: u32) -> Engine {
        let spec = scenario.orgs[org].clone();
        let seed = scenario.scenario.seed;
        let shape = Shape::build(&spec, seed, replicate);
        let n = shape.agents();
        let competence = shape.competence0();
        let authority = shape.level_authority.clone();
        let mut engine = Engine {
            quality: scenario.quality.clone(),
            valuer: rules::Valuer::new(
                scenario.work.half_life,
                scenario.quality.bad_penalty,
                scenario.scenario.ticks,
            ),
            fidelity: rules::Fidelity::new(scenario.quality.filter_loss),
            seed,
            replicate,
            keys: RunKeys::new(seed, replicate),
            horizon: scenario.scenario.ticks,
            now: 0,
            stream: WorkStream::new(&scenario.work, seed, replicate),
            agents: pages::per_agent(n, |a| AgentState::new(shape.level[a])),
            queues: Queues::new(n),
            absent_for: vec![0; n],
            rerouted_for: vec![0; n],
            away: 0,
            rerouted: 0,
            acting_top: NONE,
            lead: Vec::new(),
            best_neighbour: Vec::new(),
            active: vec![0; n.div_ceil(64)],
            active_words: vec![0; n.div_ceil(64).div_ceil(64)],
            stepping: Vec::new(),
            stepping_parts: Vec::new(),
            decisions: Vec::new(),
            free: Vec::new(),
            consults: Vec::new(),
            consults_free: Vec::new(),
            transit: VecDeque::new(),
            far: BTreeMap::new(),
            immediate: Vec::new(),
            deadlines: VecDeque::new(),
            rework: Vec::new(),
            rework_due: Vec::new(),
            spare_buckets: Vec::new(),
            effects: Vec::new(),
            immediate_due: Vec::new(),
            absent_now: Vec::new(),
            queued: 0,
            in_transit: 0,
            waiting: 0,
            pending_arrivals: 0,
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
            load_ahead: n >= prefetch::MIN_AGENTS,
            warmup: scenario.scenario.warmup,
            snapshot_at: crate::metrics::overload::snapshot_ticks(
                &crate::metrics::overload::stretches(scenario),
            ),
            queued_by_level: Vec::new(),
            tally: Tally::new(org, replicate, scenario, &shape, &competence),
            record: TickRecord::default(),
            arrivals: Vec::new(),
            arrival_slots: Vec::new(),
            arrival_to: Vec::new(),
            competence,
            authority,
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
        self.absent_for[a as usize] > 0
    }

    /// Step agents in parallel chunks once this many have work (default 4096). Results do
    /// not depend on it; tests use it to exercise the parallel path on small orgs.
    pub fn set_parallel_threshold(&mut self, agents: usize) {
        self.parallel_min = agents.max(1);
    }

    /// Load ahead in the tick's loops (on by default from 32,768 agents). A hint to the
    /// processor only: results do not depend on it; tests use it to exercise that path on
    /// small orgs.
    pub fn set_load_ahead(&mut self, on: bool) {
        self.load_ahead = on;
    }

    /// Split the agents' queues into ranges of `2^shift` agents (at least 64), each linked in
    /// on its own (by default ranges of at least 4,096 agents, at most 16 of them). Results do
    /// not depend on it; tests use it to exercise linking range by range in small orgs. Only
    /// before the first tick, when every queue is empty (later calls change nothing).
    pub fn split_queues(&mut self, shift: u32) {
        if self.now == 0 {
            self.queues = Queues::with_shift(self.agents.len(), shift);
        }
    }

    /// Schedule a shock from code (the live dashboard does this). It starts at `shock.at`, or
    /// at the next tick if that has passed.
    pub fn inject(&mut self, mut shock: ShockSpec) {
        shock.at = shock.at.max(self.now);
        self.tally.shock_scheduled(&shock, &self.competence);
        self.shocks.push(Scheduled::new(shock));
        // The stretches the overload diagnosis compares move with the shocks; the shock has
        // not started, so no tick it adds has passed.
        let specs: Vec<ShockSpec> = self.shocks.iter().map(|s| s.spec.clone()).collect();
        self.snapshot_at = crate::metrics::overload::snapshot_ticks(
            &crate::metrics::overload::stretches_of(self.warmup, self.horizon, &specs),
        );
    }

    /// Run one tick and return its record.
    pub fn step(&mut self) -> &TickRecord {
        self.step_with(None)
    }

    /// [`Engine::step`], with the tick's arrivals as another org's engine of the same replicate
    /// drew them in the same tick ([`Engine::arrivals`]) instead of drawing them again: every
    /// org of a replicate faces the very same work (`docs/model.md` "Randomness and
    /// fairness"), so the results are those of [`Engine::step`].
    pub fn step_sharing(&mut self, arrivals: &[NewDecision]) -> &TickRecord {
        self.step_with(Some(arrivals))
    }

    /// The decisions that arrived in the last tick this engine drew itself ([`Engine::step`]).
    pub fn arrivals(&self) -> &[NewDecision] {
        &self.arrivals
    }

    fn step_with(&mut self, shared: Option<&[NewDecision]>) -> &TickRecord {
        let t = self.now;
        self.record = TickRecord::default();
        self.tally.begin_tick(t, &self.competence);

        // 1. Shocks start, reroute or end.
        self.apply_shocks(t);

        // Messages due this tick, in send order; then consult deadlines; then rework; then
        // new arrivals.
        // A far message due now was sent before any near one due now (its delay was longer).
        let far = match self.far.first_key_value() {
            Some((&due, _)) if due <= u64::from(t) => self.far.pop_first().map(|(_, m)| m),
            _ => None,
        };
        let mut due = self.transit.pop_front().unwrap_or_default();
        if let Some(mut far) = far {
            self.deliver_all(&mut far);
        }
        self.deliver_all(&mut due);
        self.spare_buckets.push(due);
        while let Some(&(tick, d, generation)) = self.deadlines.front() {
            if tick > t {
                break;
            }
            self.deadlines.pop_front();
            let dec = &self.decisions[d as usize];
            if dec.stage == Stage::Waiting && dec.generation == generation {
                self.finalise(d);
            }
        }
        let mut rework = std::mem::take(&mut self.rework_due);
        std::mem::swap(&mut rework, &mut self.rework);
        self.arrive_all(&rework);
        rework.clear();
        self.rework_due = rework;

        // 2. Arrivals.
        if let Some(shared) = shared {
            debug_assert!(
                {
                    let mut own = Vec::new();
                    self.stream.arrivals(t, &self.surges, &mut own);
                    own == shared
                },
                "tick {t}: the arrivals shared are those this org would draw"
            );
            self.arrive_all(shared);
        } else {
            let mut arrivals = std::mem::take(&mut self.arrivals);
            arrivals.clear();
            self.stream.arrivals(t, &self.surges, &mut arrivals);
            self.arrive_all(&arrivals);
            self.arrivals = arrivals;
        }

        // 3. Work.
        self.flush();
        let mut effects = std::mem::take(&mut self.effects);
        let chunks = self.work_phase(&mut effects);
        for chunk in &mut effects {
            self.queues.release(&mut chunk.freed);
        }
        // On one thread the pass would only add a loop: the same results either way.
        let resolved =
            chunks > 1 && rayon::current_num_threads() > 1 && self.resolves_in_parallel();
        if resolved {
            self.resolve(&mut effects[..chunks]);
        }
        for chunk in &mut effects[..chunks] {
            let mut reworks = chunk.reworks.iter();
            for i in 0..chunk.effects.len() {
                if self.load_ahead
                    && let Some(next) = chunk.effects.get(i + prefetch::AHEAD)
                {
                    self.ahead_of_effect(next);
                }
                self.apply(chunk.effects[i], &mut reworks);
            }
            debug_assert!(reworks.next().is_none(), "every rework applied");
            chunk.effects.clear();
            chunk.reworks.clear();
        }
        if resolved {
            self.add_counts(&effects[..chunks]);
        }
        self.effects = effects;

        // 4. Delivery of messages sent with delay 0.
        while !self.immediate.is_empty() {
            let mut due = std::mem::take(&mut self.immediate_due);
            std::mem::swap(&mut due, &mut self.immediate);
            self.deliver_all(&mut due);
            self.immediate_due = due;
        }
        self.flush();

        // 5. Metrics.
        self.record.backlog = self.queued + self.in_transit + self.waiting;
        self.record.frozen = self.frozen();
        debug_assert_eq!(
            self.pending_arrivals,
            self.decisions
                .iter()
                .filter(|d| d.stage != Stage::Done)
                .map(|d| d.arrived as u64)
                .sum::<u64>(),
            "tick {t}: arrival ticks of the backlog"
        );
        // Age at the end of tick t is t - arrived: the latency it would have if executed now.
        self.record.age_mean = (self.record.backlog > 0)
            .then(|| t as f64 - self.pending_arrivals as f64 / self.record.backlog as f64);
        debug_assert_eq!(
            self.record.backlog,
            self.census().backlog(),
            "tick {t}: backlog"
        );
        self.tally.end_tick(&mut self.record);
        if self.org.learning > 0.0 {
            // Every decision taken this tick may have taught its decider.
            self.tally.competence_changed();
        }
        if self.snapshot_at.binary_search(&t).is_ok() {
            let queued = self.queued_per_level();
            self.queued_by_level.push((t, queued));
        }
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
        let mut out = self.tally.finish(&self.competence, &shocks);
        out.queued_by_level = self.queued_by_level;
        out
    }

    /// Decisions in the queues of each level now, frontline first (one level in teams).
    ///
    /// Only agents that can hold decisions are read: those marked in the active bitmap (a
    /// present agent with a queue always is, once pushes are linked in) and those away (whose
    /// frozen queues the bitmap drops), not the whole org.
    pub fn queued_per_level(&self) -> Vec<u64> {
        let mut by_level = vec![0u64; self.shape.levels.max(1) as usize];
        let mut add = |agent: &AgentState| {
            if let Some(n) = by_level.get_mut(agent.level as usize) {
                *n += u64::from(agent.decisions);
            }
        };
        for (i, &summary) in self.active_words.iter().enumerate() {
            let mut s = summary;
            while s != 0 {
                let w = i * 64 + s.trailing_zeros() as usize;
                s &= s - 1;
                let mut bits = self.active[w];
                while bits != 0 {
                    add(&self.agents[w * 64 + bits.trailing_zeros() as usize]);
                    bits &= bits - 1;
                }
            }
        }
        for &a in &self.absent_now {
            if self.active[a as usize / 64] & (1 << (a % 64)) == 0 {
                add(&self.agents[a as usize]);
            }
        }
        debug_assert_eq!(
            by_level,
            self.queued_per_level_by_scan(),
            "tick {}: decisions queued per level",
            self.now
        );
        by_level
    }

    /// [`Engine::queued_per_level`] by reading every agent (debug builds check they agree).
    fn queued_per_level_by_scan(&self) -> Vec<u64> {
        let mut by_level = vec![0u64; self.shape.levels.max(1) as usize];
        for agent in &self.agents {
            if let Some(n) = by_level.get_mut(agent.level as usize) {
                *n += u64::from(agent.decisions);
            }
        }
        by_level
    }

    /// The level whose queues hold the most decisions now (0 in teams): where an overloaded
    /// org's backlog piles up.
    pub fn busiest_level(&self) -> u32 {
        self.queued_per_level()
            .iter()
            .enumerate()
            .max_by_key(|&(l, &n)| (n, l))
            .map_or(0, |(l, _)| l as u32)
    }

    /// Count the backlog from scratch by walking every queue, link and waiting decision. The
    /// engine keeps running counts; tests (and debug builds, every tick) check they agree.
    pub fn census(&self) -> Census {
        let decisions_in = |a: u32| {
            self.queues
                .items(a, &self.agents[a as usize])
                .filter(|i| matches!(i, Item::Decision(_)))
                .count() as u64
        };
        let queued = (0..self.agents.len() as u32).map(decisions_in).sum();
        let in_transit = self
            .transit
            .iter()
            .flatten()
            .chain(self.far.values().flatten())
            .chain(&self.immediate)
            .filter(|m| m.carries_decision())
            .count() as u64;
        let waiting = self
            .decisions
            .iter()
            .filter(|d| d.stage == Stage::Waiting)
            .count() as u64;
        let frozen = (0..self.agents.len())
            .filter(|&a| self.absent_for[a] > 0)
            .map(|a| decisions_in(a as u32))
            .sum();
        Census {
            queued,
            in_transit,
            waiting,
            frozen,
        }
    }

    // ----- arrivals and queues -------------------------------------------------------------

    /// Whether cross-unit decisions escalate in this org.
    fn escalates(&self) -> bool {
        rules::escalates(self.org.cross_unit, &self.shape)
    }

    /// Add `item` to the back of `to`'s queue; in a big org, at the next [`Engine::flush`].
    #[inline(always)]
    fn push(&mut self, to: u32, item: Item) {
        if self.queues.defers() {
            self.queues.defer(to, item);
            // The bitmap's word is marked when the item is linked in; its summary word now.
            self.mark_word(to as usize / 64);
        } else {
            self.queues
                .push_now(to, &mut self.agents[to as usize], item);
            self.activate(to);
        }
    }

    /// Link the items pushed since the last flush into their queues (in parallel chunks of
    /// agents once there are many): before anything reads the queues.
    fn flush(&mut self) {
        self.queues.flush(
            &mut self.agents,
            &mut self.active,
            self.parallel_min,
            self.load_ahead,
        );
    }

    /// Mark agent `a` as having work (it is stepped unless away).
    fn activate(&mut self, a: u32) {
        let w = a as usize / 64;
        self.active[w] |= 1 << (a % 64);
        self.mark_word(w);
    }

    /// Unmark agent `a`, whose queue is empty (and its word in the summary if it empties).
    fn deactivate(&mut self, a: u32) {
        let w = a as usize / 64;
        self.active[w] &= !(1 << (a % 64));
        if self.active[w] == 0 {
            self.active_words[w / 64] &= !(1 << (w % 64));
        }
    }

    /// Mark word `w` of the active bitmap in its summary word (scanned by the work phase).
    fn mark_word(&mut self, w: usize) {
        self.active_words[w / 64] |= 1 << (w % 64);
    }

    // ----- the work phase --------------------------------------------------------------------

    /// Fill `stepping` with the agents to step this tick, in index order: those marked active
    /// (whose queues hold work) who are present. The absent are unmarked until they come
    /// back. When the last tick stepped many agents, the bitmap is scanned in
    /// parallel pieces of whole summary words (each its own agents, bitmap words and list),
    /// the lists joined in piece order: the same list either way.
    fn collect_stepping(&mut self) {
        let absent = (self.away > 0).then_some(&self.absent_for[..]);
        if self.stepping.len() < self.parallel_min || self.active_words.len() < 2 {
            self.stepping.clear();
            collect_words(
                &mut self.active_words,
                &mut self.active,
                &self.agents,
                absent,
                &mut self.stepping,
            );
            return;
        }
        // Pieces of `per` summary words: `per * 64` bitmap words, `per * 4096` agents.
        let per = self.active_words.len().div_ceil(CHUNKS);
        let agents = per * 64 * 64;
        let pieces = self.active_words.len().div_ceil(per);
        self.stepping_parts.resize_with(pieces, Vec::new);
        self.active_words
            .par_chunks_mut(per)
            .zip(self.active.par_chunks_mut(per * 64))
            .zip(self.agents.par_chunks(agents))
            .zip(self.stepping_parts.par_iter_mut())
            .enumerate()
            .for_each(|(k, (((summaries, active), states), out))| {
                let absent = absent.map(|a| &a[k * agents..]);
                out.clear();
                collect_words(summaries, active, states, absent, out);
                let base = (k * agents) as u32;
                out.iter_mut().for_each(|a| *a += base);
            });
        self.stepping.clear();
        for part in &self.stepping_parts[..pieces] {
            self.stepping.extend_from_slice(part);
        }
    }

    /// Step every agent with work, appending their effects and the queue nodes they popped to
    /// `effects` (one buffer per parallel chunk, in agent order); returns how many buffers it
    /// filled (the others are empty).
    fn work_phase(&mut self, effects: &mut Vec<StepOut>) -> usize {
        // Agents are stepped, and their effects applied, in index order whatever the threads.
        self.collect_stepping();
        // The agents' states are stepped in place while everything else is read as a snapshot.
        let mut agents = std::mem::take(&mut self.agents);
        let snapshot = Snapshot {
            routing: self.routing(),
            queues: &self.queues,
            decisions: &self.decisions,
            authority: &self.authority,
            policy: Policy {
                boundary: self.org.boundary,
                referral_effort: self.org.referral_effort,
                consult_effort: self.org.consult_effort,
                escalate: self.escalates(),
            },
        };
        let chunks = step_all(
            &snapshot,
            &self.stepping,
            &mut agents,
            (self.parallel_min, self.load_ahead),
            effects,
        );
        self.agents = agents;
        // Unmark the agents left with nothing to do, before any effect gives them work again:
        // every agent marked then has work, and the next tick's scan reads no agent's record.
        for out in &mut effects[..chunks] {
            for &a in &out.idle {
                self.deactivate(a);
            }
            out.idle.clear();
        }
        chunks
    }
}

/// Append to `out` the agents marked in `active` (summarised by `summaries`, the first
/// agent's index 0) who are present (`absent`: whether each is held away, when any is), in
/// index order; unmark the others, and clear a summary bit whose word empties. An agent
/// stays marked only while its queue holds work (work comes with a mark, and the work phase
/// and rerouting unmark the agents whose queues they empty), so the scan reads no agent's
/// record.
fn collect_words(
    summaries: &mut [u64],
    active: &mut [u64],
    agents: &[AgentState],
    absent: Option<&[u16]>,
    out: &mut Vec<u32>,
) {
    for (i, summary) in summaries.iter_mut().enumerate() {
        let mut s = *summary;
        while s != 0 {
            let w = i * 64 + s.trailing_zeros() as usize;
            s &= s - 1;
            let mut bits = active[w];
            let mut keep = 0u64;
            while bits != 0 {
                let b = bits.trailing_zeros();
                bits &= bits - 1;
                let a = w * 64 + b as usize;
                debug_assert!(!agents[a].is_idle(), "agent {a} marked with nothing to do");
                if absent.is_none_or(|away| away[a] == 0) {
                    keep |= 1 << b;
                    out.push(a as u32);
                }
            }
            active[w] = keep;
            if keep == 0 {
                *summary &= !(1 << (w % 64));
            }
        }
    }
}

/// Step the `active` agents (sorted), one by one or in parallel chunks once there are
/// `parallel_min` of them, loading ahead if `load_ahead`; their effects are appended to
/// `effects` in agent order either way (the buffers are empty when called, and kept for the
/// next tick). Returns how many buffers it filled: 1 one by one, each chunk's with the range
/// of agents it stepped in parallel.
fn step_all(
    snapshot: &Snapshot,
    active: &[u32],
    agents: &mut [AgentState],
    (parallel_min, load_ahead): (usize, bool),
    effects: &mut Vec<StepOut>,
) -> usize {
    if active.len() < parallel_min {
        if effects.is_empty() {
            effects.push(StepOut::for_ranges(snapshot.queues));
        }
        let out = &mut effects[0];
        for (i, &a) in active.iter().enumerate() {
            if load_ahead {
                prefetch::ahead_of_step(snapshot, active, i, agents, 0);
            }
            let st = &mut agents[a as usize];
            step::step_agent(snapshot, a, st, out);
            if st.is_idle() {
                out.idle.push(a);
            }
        }
        return 1;
    }
    // Split the agents into disjoint slices, one per chunk of active agents, so each chunk
    // steps its own agents in place.
    let chunk = active.len().div_ceil(CHUNKS).max(1);
    let mut jobs = Vec::with_capacity(CHUNKS);
    let mut rest: &mut [AgentState] = agents;
    let mut base = 0usize;
    for ids in active.chunks(chunk) {
        let end = ids[ids.len() - 1] as usize + 1;
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(end - base);
        jobs.push((ids, head, base));
        rest = tail;
        base = end;
    }
    let chunks = jobs.len();
    if effects.len() < chunks {
        effects.resize_with(chunks, || StepOut::for_ranges(snapshot.queues));
    }
    jobs.into_par_iter()
        .zip(effects.par_iter_mut())
        .for_each(|((ids, states, base), out)| {
            out.agents = base as u32..(base + states.len()) as u32;
            for (i, &a) in ids.iter().enumerate() {
                if load_ahead {
                    prefetch::ahead_of_step(snapshot, ids, i, states, base);
                }
                let st = &mut states[a as usize - base];
                step::step_agent(snapshot, a, st, out);
                if st.is_idle() {
                    out.idle.push(a);
                }
            }
        });
    chunks
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
