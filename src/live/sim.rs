//! The simulation thread: one engine per org, stepped together tick by tick.
//!
//! The thread owns every engine and all session state; the server only sends it commands and
//! never waits on a tick. It publishes a frame (what changed) at most every [`FRAME`] on a
//! broadcast channel that every open page listens to, and builds the full `init` state for a
//! page that connects. Shocks and slider changes wait for the next tick and are applied to every
//! org just before it runs, so every org takes them at the same tick.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, oneshot};

use super::bins::Series;
use super::picture::Picture;
use super::protocol::*;
use super::save::{self, Fitted, SaveError};
use crate::engine::Engine;
use crate::metrics::TickRecord;
use crate::output::charts::style::{self, OrgStyle};
use crate::scenario::wording::{self, Voice};
use crate::scenario::{self, LossTarget, Scenario, ShockKind, ShockSpec, Structure};

/// Time between frames: 20 frames a second.
pub const FRAME: Duration = Duration::from_millis(50);
/// A live session stops here: enough for a day's workshop, and memory stays bounded.
pub const MAX_TICKS: u32 = 1_000_000;
/// Most ticks one `step` request runs.
pub const MAX_STEP: u32 = 10_000;
/// Ticks per second the speed control offers; `None`: as fast as it goes.
pub const SPEEDS: [Option<f64>; 12] = [
    Some(1.0),
    Some(2.0),
    Some(5.0),
    Some(10.0),
    Some(20.0),
    Some(50.0),
    Some(100.0),
    Some(200.0),
    Some(500.0),
    Some(1000.0),
    Some(2000.0),
    None,
];
/// The speed a session starts at.
pub const DEFAULT_SPEED: f64 = 50.0;
/// A speed that falls further behind than this forgets the ticks it missed.
const MAX_LAG: Duration = Duration::from_millis(250);

/// What the stream carries: a full state (after connecting or a reset) or a frame.
#[derive(Debug, Clone)]
pub enum Msg {
    Init(Arc<str>),
    Frame(Arc<str>),
}

/// A page's view of the session: the state now, and every message after it.
pub struct Subscription {
    pub init: Arc<str>,
    pub rx: broadcast::Receiver<Msg>,
}

/// Why a control request was refused; the message is for the facilitator.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// 409 when the request is fine but the session cannot do it now, else 422.
    pub conflict: bool,
    pub message: String,
}

impl Refusal {
    fn invalid(message: impl Into<String>) -> Refusal {
        Refusal {
            conflict: false,
            message: message.into(),
        }
    }
}

/// A scenario saved from the session.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub file_name: String,
    pub text: String,
}

/// A request to the simulation thread.
pub enum Command {
    Subscribe(oneshot::Sender<Subscription>),
    /// The full state as the `init` event would carry it.
    State(oneshot::Sender<Arc<str>>),
    Control(Control, oneshot::Sender<Result<Ack, Refusal>>),
    Save(oneshot::Sender<Result<Saved, Refusal>>),
    Stop,
}

/// What the controls ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    Start,
    Pause,
    /// Pause, then run this many ticks.
    Step(u32),
    /// Back to tick 0: the scenario as loaded, nothing injected.
    Reset,
    Speed(Option<f64>),
    Shock(ShockRequest),
    /// The work rate from the next tick; `None`: the scenario's.
    Rate(Option<f64>),
    /// Every org's frontline authority from the next tick; `None`: each org's own.
    Authority(Option<f64>),
}

use crate::scenario::wording::capitalise as capitalised;

/// A shock injected into every org, and where it came from.
#[derive(Debug, Clone)]
struct Injected {
    spec: ShockSpec,
    label: String,
    source: &'static str,
}

/// A change waiting for its tick.
#[derive(Debug, Clone)]
enum Pending {
    Shock(Injected),
    Rate(Option<f64>),
    Authority(Option<f64>),
}

/// The session.
pub struct Sim {
    scenario: Scenario,
    file: String,
    engines: Vec<Engine>,
    pictures: Vec<Picture>,
    series: Vec<Series>,
    totals: Vec<Totals>,
    /// Node states as last published, per org.
    shown: Vec<Vec<(u32, u32)>>,
    queued: Vec<u32>,
    now: u32,
    injected: Vec<Injected>,
    pending: Vec<(u32, Pending)>,
    /// The slider's surge in force, and the rate it set.
    rate_shock: Option<String>,
    rate: f64,
    authority_shock: Option<String>,
    authority: Option<f64>,
    timeline_changed: bool,
    running: bool,
    steps: u32,
    speed: Option<f64>,
    anchor: Option<(Instant, u32)>,
    note: Option<String>,
    frame: u64,
    last_status: Option<Status>,
    meter: VecDeque<(Instant, u32)>,
    tx: broadcast::Sender<Msg>,
    clients: Arc<AtomicUsize>,
}

impl Sim {
    /// A session of `scenario` (from the file named `file`) at tick 0, paused.
    pub fn new(scenario: Scenario, file: String, clients: Arc<AtomicUsize>) -> Sim {
        let mut scenario = scenario;
        scenario.sweep = Default::default();
        let (tx, _) = broadcast::channel(64);
        let mut sim = Sim {
            rate: scenario.work.rate,
            scenario,
            file,
            engines: Vec::new(),
            pictures: Vec::new(),
            series: Vec::new(),
            totals: Vec::new(),
            shown: Vec::new(),
            queued: Vec::new(),
            now: 0,
            injected: Vec::new(),
            pending: Vec::new(),
            rate_shock: None,
            authority_shock: None,
            authority: None,
            timeline_changed: true,
            running: false,
            steps: 0,
            speed: Some(DEFAULT_SPEED),
            anchor: None,
            note: None,
            frame: 0,
            last_status: None,
            meter: VecDeque::new(),
            tx,
            clients,
        };
        sim.reset();
        sim
    }

    fn reset(&mut self) {
        let s = &self.scenario;
        self.engines = (0..s.orgs.len()).map(|o| Engine::new(s, o, 0)).collect();
        self.pictures = self
            .engines
            .iter()
            .map(|e| Picture::of(e.shape()))
            .collect();
        self.series = vec![Series::default(); s.orgs.len()];
        self.totals = vec![Totals::default(); s.orgs.len()];
        self.rate = s.work.rate;
        let orgs = s.orgs.len();
        self.shown = (0..orgs).map(|o| self.node_states(o)).collect();
        self.now = 0;
        self.injected.clear();
        self.pending.clear();
        self.rate_shock = None;
        self.authority_shock = None;
        self.authority = None;
        self.timeline_changed = true;
        self.running = false;
        self.steps = 0;
        self.anchor = None;
        self.note = None;
        self.meter.clear();
    }

    /// The next tick to run.
    pub fn now(&self) -> u32 {
        self.now
    }

    /// Every org's running totals.
    pub fn totals(&self) -> &[Totals] {
        &self.totals
    }

    /// Serve commands until told to stop or every sender is gone.
    pub fn run(mut self, rx: mpsc::Receiver<Command>) {
        let mut next_frame = Instant::now();
        loop {
            loop {
                match rx.try_recv() {
                    Ok(c) => {
                        if !self.handle(c) {
                            return;
                        }
                    }
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => return,
                }
            }
            let now = Instant::now();
            if now >= next_frame {
                self.publish();
                next_frame = now + FRAME;
            }
            if self.steps > 0 {
                self.steps -= 1;
                self.tick();
                continue;
            }
            let wake = if self.running {
                match self.tick_due(now) {
                    None => {
                        self.tick();
                        continue;
                    }
                    Some(at) => at.min(next_frame),
                }
            } else {
                next_frame
            };
            match rx.recv_timeout(wake.saturating_duration_since(Instant::now())) {
                Ok(c) => {
                    if !self.handle(c) {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// `None` if the next tick is due now, else when it will be.
    fn tick_due(&mut self, now: Instant) -> Option<Instant> {
        let tps = self.speed?;
        let (t0, k0) = *self.anchor.get_or_insert((now, self.now));
        let due = t0 + Duration::from_secs_f64((self.now - k0) as f64 / tps);
        if due > now {
            return Some(due);
        }
        if now - due > MAX_LAG {
            self.anchor = Some((now, self.now));
        }
        None
    }

    /// Handle one command; `false` to stop.
    pub fn handle(&mut self, c: Command) -> bool {
        match c {
            Command::Subscribe(reply) => {
                // Publish first, so the state sent is the one the next frame is relative to.
                self.publish();
                let rx = self.tx.subscribe();
                let _ = reply.send(Subscription {
                    init: self.init_json(),
                    rx,
                });
            }
            Command::State(reply) => {
                self.publish();
                let _ = reply.send(self.init_json());
            }
            Command::Control(control, reply) => {
                let _ = reply.send(self.control(control));
            }
            Command::Save(reply) => {
                let _ = reply.send(self.save());
            }
            Command::Stop => return false,
        }
        true
    }

    /// Apply a control.
    pub fn control(&mut self, c: Control) -> Result<Ack, Refusal> {
        let mut shock = None;
        match c {
            Control::Start => {
                if self.now >= MAX_TICKS {
                    return Err(self.at_limit());
                }
                self.running = true;
                self.anchor = None;
            }
            Control::Pause => {
                self.running = false;
                self.steps = 0;
            }
            Control::Step(n) => {
                if self.now >= MAX_TICKS {
                    return Err(self.at_limit());
                }
                if n == 0 || n > MAX_STEP {
                    return Err(Refusal::invalid(format!(
                        "`ticks` must be in [1, {MAX_STEP}], found {n}"
                    )));
                }
                self.running = false;
                self.steps = n;
            }
            Control::Reset => {
                self.reset();
                self.broadcast_init();
            }
            Control::Speed(tps) => {
                if let Some(t) = tps
                    && !(t.is_finite() && t > 0.0 && t <= 1.0e6)
                {
                    return Err(Refusal::invalid(format!(
                        "`ticks_per_second` must be in (0, 1000000], or null for as fast as it goes; found {t}"
                    )));
                }
                self.speed = tps;
                self.anchor = None;
            }
            Control::Shock(request) => {
                let injected = self.shock_from(&request)?;
                shock = Some(injected.spec.name.clone());
                self.pending
                    .push((self.next_change_tick(), Pending::Shock(injected)));
            }
            Control::Rate(rate) => {
                let base = self.scenario.work.rate;
                if base <= 0.0 {
                    return Err(Refusal {
                        conflict: true,
                        message: "the scenario's work rate is 0, so a rate cannot be set as a multiple of it".into(),
                    });
                }
                if let Some(r) = rate
                    && !(r.is_finite() && r >= 0.0 && r <= base * 100.0)
                {
                    return Err(Refusal::invalid(format!(
                        "`rate` must be in [0, {}] (100 times the scenario's), found {r}",
                        base * 100.0
                    )));
                }
                self.pending.retain(|(_, p)| !matches!(p, Pending::Rate(_)));
                self.pending
                    .push((self.next_change_tick(), Pending::Rate(rate)));
            }
            Control::Authority(a) => {
                if let Some(x) = a
                    && !(0.0..=1.0).contains(&x)
                {
                    return Err(Refusal::invalid(format!(
                        "`authority` must be in [0, 1], found {x}"
                    )));
                }
                self.pending
                    .retain(|(_, p)| !matches!(p, Pending::Authority(_)));
                self.pending
                    .push((self.next_change_tick(), Pending::Authority(a)));
            }
        }
        self.last_status = None;
        Ok(Ack {
            tick: self.now,
            shock,
        })
    }

    fn at_limit(&self) -> Refusal {
        Refusal {
            conflict: true,
            message: format!(
                "the session has reached {MAX_TICKS} ticks, the live limit: save it, then reset"
            ),
        }
    }

    /// Changes take effect at the next tick, and never at tick 0: a scenario's shocks need a
    /// tick of history before them.
    fn next_change_tick(&self) -> u32 {
        self.now.max(1)
    }

    /// A name no shock of this session has: `kind@tick`, numbered if taken.
    fn fresh_name(&self, stem: &str, at: u32) -> String {
        let taken = |n: &str| {
            self.scenario.shocks.iter().any(|s| s.name == n)
                || self.injected.iter().any(|s| s.spec.name == n)
                || self.pending.iter().any(|(_, p)| match p {
                    Pending::Shock(s) => s.spec.name == n,
                    _ => false,
                })
        };
        let mut name = format!("{stem}@{at}");
        let mut k = 2;
        while taken(&name) {
            name = format!("{stem}@{at} #{k}");
            k += 1;
        }
        name
    }

    fn shock_from(&self, r: &ShockRequest) -> Result<Injected, Refusal> {
        let at = self.next_change_tick();
        let (kind, duration) = match *r {
            ShockRequest::Surge { factor, duration } => (
                ShockKind::Surge {
                    factor,
                    region: None,
                },
                duration,
            ),
            ShockRequest::Loss {
                duration,
                reroute_after,
            } => (
                ShockKind::Loss {
                    target: LossTarget::Top,
                    reroute_after,
                },
                duration,
            ),
            ShockRequest::Outage {
                delay_factor,
                duration,
            } => (
                ShockKind::Outage {
                    delay_factor,
                    links: scenario::Links::All,
                },
                duration,
            ),
            ShockRequest::Shift {
                complexity_shift,
                competence_drop,
                duration,
            } => (
                ShockKind::Shift {
                    complexity_shift,
                    competence_drop,
                },
                duration,
            ),
            ShockRequest::Absence {
                fraction,
                duration,
                reroute_after,
            } => (
                ShockKind::Absence {
                    fraction,
                    reroute_after,
                },
                duration,
            ),
        };
        let name = self.fresh_name(kind.name(), at);
        let label = format!("{}: {}", capitalised(kind.name()), self.words(&kind));
        let spec = ShockSpec {
            name,
            at,
            duration,
            kind,
        };
        self.validate(&spec)?;
        Ok(Injected {
            spec,
            label,
            source: "button",
        })
    }

    /// The scenario's own rules for a shock, whatever its tick.
    fn validate(&self, spec: &ShockSpec) -> Result<(), Refusal> {
        let mut probe = self.scenario.clone();
        probe.scenario.ticks = 2;
        probe.scenario.warmup = 0;
        probe.recovery.baseline = 1;
        probe.shocks = vec![ShockSpec {
            at: 1,
            ..spec.clone()
        }];
        match scenario::check(&probe)
            .into_iter()
            .find(|p| p.path.starts_with("shock[0]"))
        {
            Some(p) => Err(Refusal::invalid(
                p.message.replace(&spec.name, spec.kind_name()),
            )),
            None => Ok(()),
        }
    }

    /// Inject the changes due at this tick into every org, in the order they were asked for.
    fn apply_pending(&mut self) {
        let t = self.now;
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|(at, _)| *at <= t);
        self.pending = later;
        for (_, p) in due {
            match p {
                Pending::Shock(inj) => self.inject(inj),
                Pending::Rate(rate) => {
                    let previous = self.rate_shock.take();
                    self.end_slider(previous, t);
                    let base = self.scenario.work.rate;
                    self.rate = rate.unwrap_or(base);
                    if let Some(r) = rate.filter(|&r| r != base) {
                        let name = self.fresh_name("work rate", t);
                        self.rate_shock = Some(name.clone());
                        let per = self.scenario.scenario.tick_unit.clone();
                        self.inject(Injected {
                            spec: ShockSpec {
                                name,
                                at: t,
                                duration: None,
                                kind: ShockKind::Surge {
                                    factor: r / base,
                                    region: None,
                                },
                            },
                            label: format!("Work rate → {r} per {per}"),
                            source: "slider",
                        });
                    }
                }
                Pending::Authority(a) => {
                    let previous = self.authority_shock.take();
                    self.end_slider(previous, t);
                    self.authority = a;
                    if let Some(x) = a {
                        let name = self.fresh_name("frontline authority", t);
                        self.authority_shock = Some(name.clone());
                        self.inject(Injected {
                            spec: ShockSpec {
                                name,
                                at: t,
                                duration: None,
                                kind: ShockKind::Delegation {
                                    authority: x,
                                    level: 0,
                                },
                            },
                            label: format!("Frontline authority → {x}"),
                            source: "slider",
                        });
                    }
                }
            }
        }
    }

    fn inject(&mut self, inj: Injected) {
        for e in &mut self.engines {
            e.inject(inj.spec.clone());
        }
        self.injected.push(inj);
        self.timeline_changed = true;
    }

    /// End the slider's previous change at tick `t`, in every engine and in the record.
    fn end_slider(&mut self, name: Option<String>, t: u32) {
        let Some(name) = name else { return };
        for e in &mut self.engines {
            e.end_shock_at(&name, t);
        }
        if let Some(inj) = self.injected.iter_mut().find(|i| i.spec.name == name) {
            inj.spec.duration = Some(t - inj.spec.at);
        }
        self.timeline_changed = true;
    }

    /// Run one tick of every org.
    pub fn tick(&mut self) {
        if self.now >= MAX_TICKS {
            self.running = false;
            self.steps = 0;
            self.note = Some(self.at_limit().message);
            return;
        }
        self.apply_pending();
        // Every org faces the same work and the same shocks: the first draws the tick's
        // arrivals and the others take them.
        for o in 0..self.engines.len() {
            let (before, rest) = self.engines.split_at_mut(o);
            let e = &mut rest[0];
            let r: &TickRecord = match before.first() {
                Some(first) => e.step_sharing(first.arrivals()),
                None => e.step(),
            };
            self.series[o].push(r);
            let t = &mut self.totals[o];
            t.arrived += r.arrived;
            t.executed += r.executed;
            t.value += r.value;
            t.backlog = r.backlog;
            t.frozen = r.frozen;
        }
        if self.scenario.shocks.iter().any(|s| s.at == self.now) {
            self.timeline_changed = true;
        }
        self.now += 1;
    }

    fn node_states(&mut self, o: usize) -> Vec<(u32, u32)> {
        let e = &self.engines[o];
        self.queued.clear();
        self.queued.extend(e.queued_decisions());
        self.pictures[o].state(&self.queued, |a| e.is_away(a))
    }

    fn status(&mut self) -> Status {
        let now = Instant::now();
        self.meter.push_back((now, self.now));
        while self.meter.len() > 2 && now - self.meter[1].0 >= Duration::from_secs(1) {
            self.meter.pop_front();
        }
        let (t0, k0) = self.meter[0];
        let dt = (now - t0).as_secs_f64();
        let measured = if dt > 0.2 && (self.running || self.steps > 0) {
            ((self.now - k0) as f64 / dt * 10.0).round() / 10.0
        } else {
            0.0
        };
        let per = &self.scenario.scenario.tick_unit;
        Status {
            tick: self.now,
            running: self.running || self.steps > 0,
            speed: self.speed,
            measured,
            rate: self.rate,
            authority: self.authority,
            clients: self.clients.load(Ordering::Relaxed),
            pending: self
                .pending
                .iter()
                .map(|(_, p)| match p {
                    Pending::Shock(s) => s.label.clone(),
                    Pending::Rate(Some(r)) => format!("Work rate → {r} per {per}"),
                    Pending::Rate(None) => "Work rate back to the scenario's".into(),
                    Pending::Authority(Some(a)) => format!("Frontline authority → {a}"),
                    Pending::Authority(None) => "Frontline authority back to each design's".into(),
                })
                .collect(),
            note: self.note.clone(),
        }
    }

    fn timeline(&self) -> Vec<Event> {
        let started = self
            .scenario
            .shocks
            .iter()
            .filter(|s| s.at < self.now)
            .map(|s| self.planned_event(s));
        let injected = self.injected.iter().map(|i| Event {
            name: i.spec.name.clone(),
            kind: i.spec.kind_name(),
            at: i.spec.at,
            end: i.spec.end(),
            label: i.label.clone(),
            source: i.source,
        });
        let mut all: Vec<Event> = started.chain(injected).collect();
        all.sort_by_key(|e| e.at);
        all
    }

    fn planned_event(&self, s: &ShockSpec) -> Event {
        Event {
            name: s.name.clone(),
            kind: s.kind_name(),
            at: s.at,
            end: s.end(),
            label: format!("{}: {}", s.name, self.words(&s.kind)),
            source: "scenario",
        }
    }

    /// A shock's effect in words, as the HTML report says it.
    fn words(&self, kind: &ShockKind) -> String {
        let voice = Voice::Prose {
            number: |x| format!("{x}"),
            tick_unit: &self.scenario.scenario.tick_unit,
        };
        wording::shock(kind, voice)
    }

    /// The frame of what changed since the last one; `None` if nothing did.
    fn delta(&mut self) -> Option<Frame> {
        let status = self.status();
        let series: Vec<_> = self.series.iter_mut().map(|s| s.changes()).collect();
        let mut nodes = Vec::with_capacity(self.engines.len());
        for o in 0..self.engines.len() {
            let now = self.node_states(o);
            let mut changed = Vec::new();
            for (i, (&(q, a), old)) in now.iter().zip(&self.shown[o]).enumerate() {
                if (q, a) != *old {
                    changed.extend([i as u32, q, a]);
                }
            }
            self.shown[o] = now;
            nodes.push(changed);
        }
        let timeline = std::mem::take(&mut self.timeline_changed).then(|| self.timeline());
        let same_status = self.last_status.as_ref().is_some_and(|s| {
            Status {
                measured: s.measured,
                ..status.clone()
            } == *s
                && (s.measured == status.measured || !status.running)
        });
        if series.iter().all(Option::is_none)
            && nodes.iter().all(Vec::is_empty)
            && timeline.is_none()
            && same_status
        {
            return None;
        }
        self.last_status = Some(status.clone());
        self.frame += 1;
        Some(Frame {
            frame: self.frame,
            full: false,
            status,
            totals: self.totals.clone(),
            series,
            nodes,
            timeline,
        })
    }

    /// Send the frame of what changed to every page, if anything did.
    pub fn publish(&mut self) {
        if let Some(f) = self.delta() {
            let json = serde_json::to_string(&f).unwrap_or_default();
            // No page listening is not an error: the session runs on.
            let _ = self.tx.send(Msg::Frame(json.into()));
        }
    }

    fn broadcast_init(&mut self) {
        let init = self.init_json();
        let _ = self.tx.send(Msg::Init(init));
    }

    /// Everything a page needs, as of the last frame published.
    pub fn init(&mut self) -> Init {
        let s = &self.scenario;
        let orgs = s
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let st = OrgStyle::of(i);
                OrgInfo {
                    name: o.name.clone(),
                    colour: st.hex(),
                    dash: st.dash.map_or(Vec::new(), |(a, b)| vec![a, b]),
                    structure: match o.structure {
                        Structure::Tree { .. } => "tree",
                        Structure::Teams { .. } => "teams",
                    },
                    headcount: o.headcount(),
                    units: self.engines[i].shape().units,
                    unit_size: self.engines[i].shape().unit_size,
                    frontline_authority: o.authority.at(0),
                    picture: self.pictures[i].clone(),
                }
            })
            .collect();
        let planned = s.shocks.iter().map(|sh| self.planned_event(sh)).collect();
        let state = Frame {
            frame: self.frame,
            full: true,
            status: self.status(),
            totals: self.totals.clone(),
            series: self.series.iter().map(|x| Some(x.all())).collect(),
            nodes: self
                .shown
                .iter()
                .map(|n| {
                    n.iter()
                        .enumerate()
                        .flat_map(|(i, &(q, a))| [i as u32, q, a])
                        .collect()
                })
                .collect(),
            timeline: Some(self.timeline()),
        };
        let s = &self.scenario;
        Init {
            version: env!("CARGO_PKG_VERSION"),
            scenario: ScenarioInfo {
                name: s.scenario.name.clone(),
                description: s.scenario.description.clone(),
                file: self.file.clone(),
                tick_unit: s.scenario.tick_unit.clone(),
                tick_units: crate::scenario::wording::plural(&s.scenario.tick_unit),
                nouns: s.scenario.nouns(),
                horizon: s.scenario.ticks,
                window: s.recovery.window,
                base_rate: s.work.rate,
                max_ticks: MAX_TICKS,
                speeds: SPEEDS.to_vec(),
            },
            palette: Palette {
                ink: style::hex(style::INK),
                muted: style::hex(style::MUTED),
                grid: style::hex(style::GRID),
                shock: style::hex(style::SHOCK_FILL),
                warmup: style::hex(style::WARMUP_FILL),
            },
            orgs,
            planned,
            state,
        }
    }

    fn init_json(&mut self) -> Arc<str> {
        serde_json::to_string(&self.init())
            .unwrap_or_default()
            .into()
    }

    /// The session as a scenario file.
    pub fn save(&self) -> Result<Saved, Refusal> {
        let injected: Vec<ShockSpec> = self.injected.iter().map(|i| i.spec.clone()).collect();
        let (s, fitted) =
            save::saved_scenario(&self.scenario, &injected, self.now).map_err(|e| Refusal {
                conflict: matches!(e, SaveError::NothingRun),
                message: e.to_string(),
            })?;
        let stem = std::path::Path::new(&self.file)
            .file_stem()
            .map_or_else(|| "scenario".into(), |x| x.to_string_lossy().into_owned());
        let unit = self
            .scenario
            .scenario
            .tick_unit
            .replace(|c: char| !c.is_alphanumeric(), "-");
        Ok(Saved {
            file_name: format!("{stem}-live-{unit}-{}.toml", self.now),
            text: self.header(&fitted) + &scenario::to_toml(&s),
        })
    }

    fn header(&self, fitted: &Fitted) -> String {
        let s = &self.scenario.scenario;
        let mut h = format!(
            "# Saved from `orgsim live` at {} {} of \"{}\" ({}).\n\
             # `orgsim run` on this file replays the session: the same work (seed {}, replicate 0)\n\
             # and every shock and slider change so far at its {}. Its timeseries.csv sums to the\n\
             # totals the dashboard showed:\n",
            s.tick_unit,
            self.now,
            s.name.replace('\n', " "),
            self.file,
            s.seed,
            s.tick_unit,
        );
        for (o, t) in self.scenario.orgs.iter().zip(&self.totals) {
            h += &format!(
                "#   {}: {} {} executed, value {}\n",
                o.name.replace('\n', " "),
                t.executed,
                s.nouns(),
                t.value
            );
        }
        let why = match fitted.first_shock {
            Some(at) => format!("the first shock, at {} {at}", s.tick_unit),
            None => format!("the {} ticks run", self.now),
        };
        if let Some(w) = fitted.warmup {
            h += &format!(
                "# warmup shortened from {w} to fit {why} (summaries only; every tick is the same).\n"
            );
        }
        if let Some(b) = fitted.baseline {
            h += &format!("# recovery.baseline shortened from {b} to fit {why}.\n");
        }
        h + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Network, OrgSpec, parse_str};

    fn scenario() -> Scenario {
        let mut tree = OrgSpec::tree("Hierarchy", 3, 3);
        tree.authority = crate::scenario::PerLevel::Levels(vec![0.2, 0.5, 1.0]);
        let teams = OrgSpec::teams("Teams", 4, 3, Network::Ring);
        let mut s = Scenario::new("live test", 400, 6.0, vec![tree, teams]);
        s.scenario.tick_unit = "hour".into();
        s.shocks.push(ShockSpec {
            name: "planned".into(),
            at: 150,
            duration: Some(20),
            kind: ShockKind::Surge {
                factor: 2.0,
                region: None,
            },
        });
        s
    }

    fn sim() -> Sim {
        Sim::new(
            scenario(),
            "test.toml".into(),
            Arc::new(AtomicUsize::new(0)),
        )
    }

    fn ticks(sim: &mut Sim, n: u32) {
        for _ in 0..n {
            sim.tick();
        }
    }

    #[test]
    fn a_saved_session_replays_to_the_same_ticks() {
        let mut live = sim();
        ticks(&mut live, 30);
        live.control(Control::Rate(Some(9.0))).unwrap();
        live.control(Control::Shock(ShockRequest::Loss {
            duration: Some(40),
            reroute_after: Some(10),
        }))
        .unwrap();
        ticks(&mut live, 25);
        live.control(Control::Authority(Some(0.9))).unwrap();
        live.control(Control::Rate(Some(3.0))).unwrap();
        ticks(&mut live, 150);
        live.control(Control::Rate(None)).unwrap();
        live.control(Control::Authority(None)).unwrap();
        live.control(Control::Shock(ShockRequest::Shift {
            complexity_shift: 0.1,
            competence_drop: 0.1,
            duration: None,
        }))
        .unwrap();
        ticks(&mut live, 20);
        let saved = live.save().unwrap();
        assert_eq!(saved.file_name, "test-live-hour-225.toml");
        let s = parse_str(&saved.text, &saved.file_name).unwrap();
        let names: Vec<&str> = s.shocks.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "planned",
                "work rate@30",
                "loss@30",
                "frontline authority@55",
                "work rate@55",
                "shift@205"
            ]
        );
        for o in 0..2 {
            let run = Engine::new(&s, o, 0).run();
            assert_eq!(run.ticks.len(), 225);
            let executed: u64 = run.ticks.iter().map(|t| t.executed).sum();
            let value: f64 = run.ticks.iter().map(|t| t.value).sum();
            assert_eq!(executed, live.totals[o].executed, "org {o}");
            assert_eq!(value.to_bits(), live.totals[o].value.to_bits(), "org {o}");
            assert_eq!(run.ticks.last().unwrap().backlog, live.totals[o].backlog);
        }
    }

    #[test]
    fn changes_wait_for_the_next_tick_and_start_no_earlier_than_tick_1() {
        let mut live = sim();
        let ack = live
            .control(Control::Shock(ShockRequest::Surge {
                factor: 2.0,
                duration: Some(5),
            }))
            .unwrap();
        assert_eq!(ack.shock.as_deref(), Some("surge@1"));
        live.control(Control::Rate(Some(12.0))).unwrap();
        live.control(Control::Rate(Some(3.0))).unwrap();
        assert_eq!(
            live.status().pending.len(),
            2,
            "the second rate replaced the first"
        );
        live.tick();
        assert!(live.injected.is_empty(), "nothing at tick 0");
        live.tick();
        let names: Vec<&str> = live.injected.iter().map(|i| i.spec.name.as_str()).collect();
        assert_eq!(names, ["surge@1", "work rate@1"]);
        assert_eq!(live.rate, 3.0);
        // The same kind at the same tick gets its own name.
        let second = live
            .control(Control::Shock(ShockRequest::Surge {
                factor: 2.0,
                duration: Some(5),
            }))
            .unwrap();
        let third = live
            .control(Control::Shock(ShockRequest::Surge {
                factor: 2.0,
                duration: Some(5),
            }))
            .unwrap();
        assert_eq!(second.shock.as_deref(), Some("surge@2"));
        assert_eq!(third.shock.as_deref(), Some("surge@2 #2"));
    }

    #[test]
    fn bad_parameters_are_refused_with_the_scenario_rules() {
        let mut live = sim();
        let e = live
            .control(Control::Shock(ShockRequest::Outage {
                delay_factor: 0.5,
                duration: None,
            }))
            .unwrap_err();
        assert!(
            e.message
                .contains("`delay_factor` of shock `outage` must be at least 1"),
            "{}",
            e.message
        );
        assert!(live.control(Control::Authority(Some(1.5))).is_err());
        assert!(live.control(Control::Rate(Some(-1.0))).is_err());
        assert!(live.control(Control::Speed(Some(0.0))).is_err());
        assert!(live.control(Control::Step(0)).is_err());
        assert!(live.save().unwrap_err().conflict, "nothing run yet");
        assert!(live.pending.is_empty());
    }

    #[test]
    fn frames_carry_only_what_changed() {
        let mut live = sim();
        let mut rx = live.tx.subscribe();
        live.publish();
        let _first = rx.try_recv().unwrap();
        live.publish();
        assert!(rx.try_recv().is_err(), "nothing changed, nothing sent");
        ticks(&mut live, 3);
        let f = live.delta().unwrap();
        let c = f.series[0].as_ref().unwrap();
        assert_eq!((c.from, c.ticks.len()), (0, 3));
        ticks(&mut live, 2);
        let f = live.delta().unwrap();
        assert_eq!(f.series[0].as_ref().unwrap().from, 3);
        assert!(f.timeline.is_none());
        // Losing the top greys the tree's top node, and only changed nodes travel.
        live.control(Control::Shock(ShockRequest::Loss {
            duration: None,
            reroute_after: None,
        }))
        .unwrap();
        live.tick();
        let f = live.delta().unwrap();
        let top = live.pictures[0].top.unwrap();
        let triples: Vec<&[u32]> = f.nodes[0].chunks(3).collect();
        assert!(
            triples.iter().any(|t| t[0] == top && t[2] == 1),
            "{triples:?}"
        );
        assert!(f.nodes[0].len() / 3 < live.pictures[0].nodes.len());
        assert!(f.timeline.unwrap().iter().any(|e| e.name == "loss@5"));
    }

    #[test]
    fn reset_goes_back_to_the_scenario_as_loaded() {
        let mut live = sim();
        ticks(&mut live, 10);
        live.control(Control::Rate(Some(1.0))).unwrap();
        ticks(&mut live, 10);
        let before = live.totals.clone();
        live.control(Control::Reset).unwrap();
        assert_eq!(live.now(), 0);
        assert!(live.injected.is_empty());
        ticks(&mut live, 10);
        let mut fresh = sim();
        ticks(&mut fresh, 10);
        assert_eq!(live.totals, fresh.totals);
        assert_ne!(before, live.totals);
    }

    /// The page's captions and the saved scenario's header speak of the scenario's decisions
    /// and ticks in its own words.
    #[test]
    fn the_page_and_the_saved_header_use_the_scenarios_words() {
        let mut s = scenario();
        s.scenario.tick_unit = "day".into();
        s.scenario.decision_noun = Some("claim".into());
        let mut live = Sim::new(s, "claims.toml".into(), Arc::new(AtomicUsize::new(0)));
        ticks(&mut live, 5);
        let init = live.init();
        assert_eq!(
            (
                init.scenario.nouns.as_str(),
                init.scenario.tick_units.as_str()
            ),
            ("claims", "days")
        );
        let saved = live.save().unwrap();
        let executed = saved.text.lines().find(|l| l.contains("executed")).unwrap();
        assert!(executed.contains(" claims executed, value "), "{executed}");
        let mut plain = sim();
        assert_eq!(plain.init().scenario.nouns, "decisions");
        assert_eq!(plain.init().scenario.tick_units, "hours");
    }
}
