//! The resolved scenario: every default filled in, every value checked.
//!
//! These types are what the rest of orgsim works from. They serialise to the JSON stored in
//! `manifest.json` (and back, so `orgsim report` can re-render a result folder), in the same
//! shape and with the same names as the TOML scenario file (`docs/scenario-reference.md`).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A whole scenario: the world, the work, the organisation designs and the shocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// `[scenario]`: the horizon, replicates and seed.
    pub scenario: Meta,
    /// `[work]`: the decisions every org faces.
    pub work: Work,
    /// `[quality]`: how competence and information lost on the way make good decisions.
    pub quality: Quality,
    /// The `[[org]]` designs compared, in file order.
    #[serde(rename = "org")]
    pub orgs: Vec<OrgSpec>,
    /// The `[[shock]]`s every org goes through, in file order.
    #[serde(rename = "shock", default)]
    pub shocks: Vec<ShockSpec>,
    /// `[recovery]`: how recovery from a shock is measured.
    pub recovery: Recovery,
    /// `[output]`: where the result goes and which chart formats.
    pub output: Output,
    /// `[sweep]`: the design and its axes; no axes when the scenario has no `[sweep]`.
    #[serde(default)]
    pub sweep: Sweep,
}

/// The `[scenario]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The title used in reports and charts (default: the file name without `.toml`).
    pub name: String,
    /// Free text carried into the report.
    #[serde(default)]
    pub description: String,
    /// The horizon: ticks `0 .. ticks-1` are simulated.
    pub ticks: u32,
    /// Ticks at the start that no summary counts.
    pub warmup: u32,
    /// What one tick stands for; only labels axes and text.
    pub tick_unit: String,
    /// Independent replicates per org.
    pub replications: u32,
    /// The seed every random draw derives from.
    pub seed: u64,
    /// The org ratios are taken against; `None`: the first.
    pub compare_to: Option<String>,
    /// What the scenario's decisions are called in text ("claim"); `None`: "decision".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_noun: Option<String>,
    /// Its plural; `None`: the noun with an "s".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_noun_plural: Option<String>,
}

impl Meta {
    /// What one decision is called: `decision_noun`, else "decision".
    pub fn noun(&self) -> String {
        self.decision_noun
            .clone()
            .unwrap_or_else(|| "decision".to_string())
    }

    /// What decisions are called: `decision_noun_plural`, else the noun with an "s".
    pub fn nouns(&self) -> String {
        self.decision_noun_plural
            .clone()
            .unwrap_or_else(|| format!("{}s", self.noun()))
    }

    /// `text` with "decision" and "decisions" (also capitalised, also inside "decision-hours"
    /// or "good-decision rate") in the scenario's words: a label written once for every
    /// scenario, read in the client's terms.
    pub fn in_words(&self, text: &str) -> String {
        if self.decision_noun.is_none() {
            return text.to_string();
        }
        crate::scenario::wording::in_words(text, &self.noun(), &self.nouns())
    }
}

/// A probability distribution for one attribute of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// Uniform on `[low, high]`.
    Uniform([f64; 2]),
    /// Beta with shape parameters `[alpha, beta]`.
    Beta([f64; 2]),
    /// Gamma with `[shape, scale]`.
    Gamma([f64; 2]),
    /// Exponential with this mean.
    Exponential(f64),
    /// Log-normal: `exp` of a normal with `[mu, sigma]`.
    Lognormal([f64; 2]),
}

impl Dist {
    /// The distribution's mean (used by `orgsim check` to estimate utilisation).
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(x) => x,
            Dist::Uniform([a, b]) => (a + b) / 2.0,
            Dist::Beta([a, b]) => a / (a + b),
            Dist::Gamma([shape, scale]) => shape * scale,
            Dist::Exponential(mean) => mean,
            Dist::Lognormal([mu, sigma]) => (mu + sigma * sigma / 2.0).exp(),
        }
    }
}

/// The `[work]` table: the stream of decisions every org faces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Work {
    /// Poisson arrivals per tick, whole organisation.
    pub rate: f64,
    /// The capacity to hold complexity a decision needs to be decided well, in [0, 1].
    pub complexity: Dist,
    /// Effort units needed to decide a decision.
    pub effort: Dist,
    /// Probability that a decision reaches beyond its place (draws `reach`).
    pub cross_unit: f64,
    /// How far along the world's places `[0, 1)` a cross-unit decision reaches.
    pub reach: Dist,
    /// The value at stake in a decision.
    pub stake: Dist,
    /// Ticks for a good decision's value to halve; `None`: no decay.
    pub half_life: Option<f64>,
}

/// The `[quality]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// Width of the sigmoid turning competence minus complexity into `P(good)`.
    pub sharpness: f64,
    /// Information lost per level a decision climbs.
    pub filter_loss: f64,
    /// A bad decision's value is `-stake × bad_penalty`.
    pub bad_penalty: f64,
    /// Probability that a bad decision comes back as new work at the same place.
    pub rework: f64,
}

impl Default for Quality {
    fn default() -> Self {
        Quality {
            sharpness: 0.1,
            filter_loss: 0.05,
            bad_penalty: 0.5,
            rework: 0.3,
        }
    }
}

/// How the org is wired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "structure", rename_all = "snake_case")]
pub enum Structure {
    /// A tree of managers with one agent at the top.
    Tree {
        /// Reports per manager.
        span: u32,
        /// Levels: frontline is level 0, the top `levels - 1`.
        levels: u32,
    },
    /// Teams of peers with no managers.
    Teams {
        /// How many teams.
        teams: u32,
        /// Peers per team.
        team_size: u32,
        /// How teams are linked.
        network: Network,
    },
}

/// How teams are linked to each other.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Network {
    /// Each team linked to its two neighbours.
    Ring,
    /// A ring lattice with some links rewired at random.
    SmallWorld {
        /// Neighbours per team.
        degree: u32,
        /// Share of lattice links rewired.
        rewire: f64,
    },
    /// Every team linked to every other.
    Complete,
}

impl Default for Network {
    fn default() -> Self {
        Network::SmallWorld {
            degree: 4,
            rewire: 0.1,
        }
    }
}

/// A value set for every agent alike, or per level of a tree (frontline first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PerLevel {
    /// One value for every agent.
    All(f64),
    /// One value per level, frontline first.
    Levels(Vec<f64>),
}

impl PerLevel {
    /// The value at `level` (0 = frontline). A list shorter than the tree repeats its last value;
    /// validation refuses such lists, so this is only a guard.
    pub fn at(&self, level: u32) -> f64 {
        match self {
            PerLevel::All(x) => *x,
            PerLevel::Levels(v) => v.get(level as usize).or(v.last()).copied().unwrap_or(0.0),
        }
    }
}

/// What happens to a decision that reaches beyond one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrossUnitMode {
    /// Climb to the lowest manager whose subtree holds every unit touched (trees only).
    Escalate,
    /// Decide, then consult the lead of every other unit touched.
    Consult,
}

/// One `[[org]]`: an organisation design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgSpec {
    /// How reports, `compare_to` and sweeps refer to the org.
    pub name: String,
    /// A tree or teams, and its shape.
    #[serde(flatten)]
    pub structure: Structure,
    /// Effort units each agent can spend per tick.
    pub capacity: PerLevel,
    /// The most complex decision an agent can decide well.
    pub competence: PerLevel,
    /// Decision rights: the most complex decision an agent may take.
    pub authority: PerLevel,
    /// Ticks a message takes per hop.
    pub link_delay: f64,
    /// How far beyond its competence an agent judges itself able.
    pub boundary: f64,
    /// Effort spent passing a decision up instead of deciding it.
    pub referral_effort: f64,
    /// Effort a unit's lead spends answering a consult.
    pub consult_effort: f64,
    /// Ticks a decider waits for consult answers.
    pub patience: u32,
    /// How fast competence grows toward 1 with each decision.
    pub learning: f64,
    /// Purpose clarity: multiplies `P(good)` below the top.
    pub alignment: f64,
    /// What happens to a decision reaching beyond one unit.
    pub cross_unit: CrossUnitMode,
    /// What each level is called, frontline first ("agent", "team lead", …); empty: unnamed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub level_names: Vec<String>,
}

impl OrgSpec {
    /// A tree with the documented defaults for everything but its shape.
    pub fn tree(name: &str, span: u32, levels: u32) -> Self {
        Self::with_structure(
            name,
            Structure::Tree { span, levels },
            CrossUnitMode::Escalate,
        )
    }

    /// Teams with the documented defaults for everything but their shape.
    pub fn teams(name: &str, teams: u32, team_size: u32, network: Network) -> Self {
        Self::with_structure(
            name,
            Structure::Teams {
                teams,
                team_size,
                network,
            },
            CrossUnitMode::Consult,
        )
    }

    fn with_structure(name: &str, structure: Structure, cross_unit: CrossUnitMode) -> Self {
        OrgSpec {
            name: name.to_string(),
            structure,
            capacity: PerLevel::All(1.0),
            competence: PerLevel::All(0.5),
            authority: PerLevel::All(1.0),
            link_delay: 1.0,
            boundary: 0.0,
            referral_effort: 0.1,
            consult_effort: 0.2,
            patience: 24,
            learning: 0.0,
            alignment: 1.0,
            cross_unit,
            level_names: Vec::new(),
        }
    }

    /// Level `level` in words: its name, else "level N".
    pub fn level_label(&self, level: u32) -> String {
        self.level_names
            .get(level as usize)
            .cloned()
            .unwrap_or_else(|| format!("level {level}"))
    }

    /// Number of levels: a tree's `levels`, 1 for teams.
    pub fn levels(&self) -> u32 {
        match self.structure {
            Structure::Tree { levels, .. } => levels,
            Structure::Teams { .. } => 1,
        }
    }

    /// Agents at each level, frontline first.
    pub fn level_sizes(&self) -> Vec<u64> {
        match self.structure {
            Structure::Tree { span, levels } => (0..levels)
                .map(|l| (span as u64).saturating_pow(levels - 1 - l))
                .collect(),
            Structure::Teams {
                teams, team_size, ..
            } => vec![teams as u64 * team_size as u64],
        }
    }

    /// Total headcount (saturating: a shape too large to count is refused by validation).
    pub fn headcount(&self) -> u64 {
        self.level_sizes()
            .iter()
            .fold(0u64, |n, &k| n.saturating_add(k))
    }
}

/// One `[[shock]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShockSpec {
    /// How reports, recovery metrics and sweeps refer to the shock.
    pub name: String,
    /// The tick the shock starts.
    pub at: u32,
    /// `None`: permanent.
    pub duration: Option<u32>,
    /// What the shock does.
    #[serde(flatten)]
    pub kind: ShockKind,
}

impl ShockSpec {
    /// The first tick after the shock, or `None` for a permanent shock.
    pub fn end(&self) -> Option<u32> {
        self.duration.map(|d| self.at.saturating_add(d))
    }

    /// The shock's kind as written in a scenario (`surge`, `loss`, ...).
    pub fn kind_name(&self) -> &'static str {
        self.kind.name()
    }
}

/// What a shock does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShockKind {
    /// More work arrives.
    Surge {
        /// The work rate is multiplied by it.
        factor: f64,
        /// Only places in `[from, to)` see more work; `None`: the whole world.
        region: Option<[f64; 2]>,
    },
    /// Agents leave.
    Loss {
        /// Who leaves.
        target: LossTarget,
        /// Ticks after which work goes around them; `None`: it waits for their return.
        reroute_after: Option<u32>,
    },
    /// Links slow down.
    Outage {
        /// Every affected link delay is multiplied by it.
        delay_factor: f64,
        /// Which links slow down.
        links: Links,
    },
    /// The work changes under the org's feet.
    Shift {
        /// Added to the complexity of new work.
        complexity_shift: f64,
        /// Every agent's competence drops by it.
        competence_drop: f64,
    },
    /// A random share of agents is away.
    Absence {
        /// The share of all agents away.
        fraction: f64,
        /// Ticks after which work goes around absent agents; `None`: it waits.
        reroute_after: Option<u32>,
    },
    /// Decision rights change: the agents at `level` get authority `authority` while it lasts.
    Delegation {
        /// The authority the level's agents have while it lasts, in [0, 1].
        authority: f64,
        /// The level it applies to (0 = frontline).
        level: u32,
    },
}

impl ShockKind {
    /// The kind as written in a scenario.
    pub fn name(&self) -> &'static str {
        match self {
            ShockKind::Surge { .. } => "surge",
            ShockKind::Loss { .. } => "loss",
            ShockKind::Outage { .. } => "outage",
            ShockKind::Shift { .. } => "shift",
            ShockKind::Absence { .. } => "absence",
            ShockKind::Delegation { .. } => "delegation",
        }
    }
}

/// Who leaves in a `loss` shock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossTarget {
    /// The top of a tree; the most competent agent of teams.
    Top,
    /// A whole level of every tree.
    Level(u32),
    /// This share of all agents, drawn at random.
    Fraction(f64),
    /// The frontline agents whose places overlap `[a, b]`, and managers whose whole subtree does.
    Region([f64; 2]),
}

/// Which links an outage slows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Links {
    /// Every link.
    All,
    /// Referrals and decisions going down (member to lead in teams).
    Vertical,
    /// Consults and referrals between teams.
    Lateral,
}

impl Links {
    /// Whether an outage on these links slows a link of the given kind.
    pub fn covers(self, lateral: bool) -> bool {
        match self {
            Links::All => true,
            Links::Vertical => !lateral,
            Links::Lateral => lateral,
        }
    }
}

/// A metric recovery time can be measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryMetric {
    /// Mean latency of the decisions executed in a tick.
    LatencyMean,
    /// 95th percentile of that latency.
    LatencyP95,
    /// Decisions not yet executed.
    Backlog,
    /// Decisions executed per tick.
    Throughput,
    /// Value realised per tick.
    Value,
    /// Share of the decisions executed that were good.
    GoodRate,
    /// Mean age of the decisions not yet executed: catches a freeze latency misses.
    AgeMean,
}

impl RecoveryMetric {
    /// Every metric, in the order they are documented.
    pub const ALL: [RecoveryMetric; 7] = [
        RecoveryMetric::LatencyMean,
        RecoveryMetric::LatencyP95,
        RecoveryMetric::Backlog,
        RecoveryMetric::Throughput,
        RecoveryMetric::Value,
        RecoveryMetric::GoodRate,
        RecoveryMetric::AgeMean,
    ];

    /// The name used in scenario files and metric names.
    pub fn name(self) -> &'static str {
        match self {
            RecoveryMetric::LatencyMean => "latency_mean",
            RecoveryMetric::LatencyP95 => "latency_p95",
            RecoveryMetric::Backlog => "backlog",
            RecoveryMetric::Throughput => "throughput",
            RecoveryMetric::Value => "value",
            RecoveryMetric::GoodRate => "good_rate",
            RecoveryMetric::AgeMean => "age_mean",
        }
    }

    /// Parse a name used in scenario files.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The `[recovery]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    /// Metrics whose recovery from every shock is measured.
    pub metrics: Vec<RecoveryMetric>,
    /// Ticks of the trailing mean that smooths each metric.
    pub window: u32,
    /// Ticks before a shock whose mean is the level to return to.
    pub baseline: u32,
    /// Tolerance as a share of the baseline.
    pub band: f64,
    /// Smallest tolerance, in the metric's own units.
    pub floor: f64,
    /// Ticks a metric must stay back before the org counts as recovered.
    pub hold: u32,
}

impl Default for Recovery {
    fn default() -> Self {
        Recovery {
            // Latency counts only executed decisions, so it can fall while work is frozen; the
            // backlog catches a freeze as it happens (docs/model.md "Recovery time").
            metrics: vec![
                RecoveryMetric::LatencyMean,
                RecoveryMetric::Throughput,
                RecoveryMetric::Backlog,
            ],
            window: 24,
            baseline: 100,
            band: 0.1,
            floor: 0.5,
            hold: 48,
        }
    }
}

/// A chart file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// PNG bitmaps.
    Png,
    /// SVG vector drawings.
    Svg,
}

/// Which per-tick series a result keeps (`[output] timeseries`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeseries {
    /// Every org, replicate (and sweep point) and tick.
    All,
    /// The per-tick mean across replicates, per org (and sweep point).
    Summary,
    /// No time series.
    #[serde(rename = "none")]
    Off,
}

/// The `[output]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// Where results go; `None` means `results/<file stem>`.
    pub dir: Option<PathBuf>,
    /// Chart file formats.
    pub formats: Vec<Format>,
    /// Which time series to keep; `None`: all for a single run, none for a sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeseries: Option<Timeseries>,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            dir: None,
            formats: vec![Format::Png, Format::Svg],
            timeseries: None,
        }
    }
}

/// How a sweep chooses its points (`[sweep] design`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Every combination of the axes' values.
    #[default]
    Grid,
    /// `samples` points, each range's `samples` equal strata hit once.
    LatinHypercube,
    /// A Saltelli design on scrambled Sobol points: `samples` · (axes + 2) points.
    Sobol,
    /// Morris trajectories: `samples` · (axes + 1) points.
    Morris,
}

impl Design {
    /// The name written in a scenario file.
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::LatinHypercube => "latin_hypercube",
            Design::Sobol => "sobol",
            Design::Morris => "morris",
        }
    }
}

/// What a sweep holds fixed when a point changes an org's shape (`[sweep] scale_rate_with`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateScale {
    /// `work.rate` follows the frontline headcount of this org (`None`: the reference org), so
    /// the load per frontline agent of that org stays what the file gives.
    Frontline(Option<String>),
}

/// The `[sweep]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Sweep {
    /// How points are chosen.
    pub design: Design,
    /// Points (latin_hypercube), base rows N (sobol) or trajectories (morris).
    pub samples: Option<u32>,
    /// What `work.rate` follows when a point changes an org's shape; `None`: nothing.
    pub scale_rate_with: Option<RateScale>,
    /// The summary metrics the sweep's charts and report show.
    pub metrics: Vec<String>,
    /// The axes, in file order; empty when the scenario has no `[sweep]`.
    pub axes: Vec<SweepAxis>,
}

/// The metrics a sweep charts when `[sweep] metrics` is not given.
pub const SWEEP_METRICS: [&str; 3] = ["latency_mean", "backlog_mean", "value_total"];

impl Sweep {
    /// Whether the scenario sweeps anything.
    pub fn is_empty(&self) -> bool {
        self.axes.is_empty()
    }
}

/// Older result folders store the sweep as its list of axes.
impl<'de> Deserialize<'de> for Sweep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Full {
            #[serde(default)]
            design: Design,
            #[serde(default)]
            samples: Option<u32>,
            #[serde(default)]
            scale_rate_with: Option<RateScale>,
            #[serde(default)]
            metrics: Vec<String>,
            #[serde(default)]
            axes: Vec<SweepAxis>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Axes(Vec<SweepAxis>),
            Full(Full),
        }
        Ok(match Either::deserialize(d)? {
            Either::Axes(axes) => Sweep {
                axes,
                ..Sweep::default()
            },
            Either::Full(f) => Sweep {
                design: f.design,
                samples: f.samples,
                scale_rate_with: f.scale_rate_with,
                metrics: f.metrics,
                axes: f.axes,
            },
        })
    }
}

/// A `{ from, to [, steps] [, log] }` range of a sweep axis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SweepRange {
    /// One end.
    pub from: f64,
    /// The other end.
    pub to: f64,
    /// Evenly spaced values, ends included (grids only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<u64>,
    /// Spaced (grid) or drawn (sampling designs) evenly in the logarithm.
    #[serde(default)]
    pub log: bool,
}

/// One `[sweep]` axis: a dotted path and the values it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepAxis {
    /// The dotted path of the value set: `work.rate`, `org.<name>.span`.
    pub path: String,
    /// The values it takes, in order: a list as written, or a grid range's values. Empty for
    /// a range of a sampling design, whose values are drawn.
    pub values: Vec<SweepValue>,
    /// The range as written, if the axis is a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<SweepRange>,
}

/// A value a sweep sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SweepValue {
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// A name, such as a cross-unit mode.
    Text(String),
}

impl Scenario {
    /// The time series a result of this scenario keeps: `[output] timeseries`, else every
    /// run's in a single run and none in a sweep.
    pub fn kept_timeseries(&self) -> Timeseries {
        self.output.timeseries.unwrap_or(if self.sweep.is_empty() {
            Timeseries::All
        } else {
            Timeseries::Off
        })
    }

    /// A copy without the `[sweep]`, made without copying the sweep's values: trying each of a
    /// sweep's values on it costs the number of values, not its square.
    pub fn without_sweep(&self) -> Scenario {
        Scenario {
            scenario: self.scenario.clone(),
            work: self.work.clone(),
            quality: self.quality.clone(),
            orgs: self.orgs.clone(),
            shocks: self.shocks.clone(),
            recovery: self.recovery.clone(),
            output: self.output.clone(),
            sweep: Sweep::default(),
        }
    }

    /// A minimal scenario with every default, for tests and for building scenarios in code.
    pub fn new(name: &str, ticks: u32, rate: f64, orgs: Vec<OrgSpec>) -> Self {
        Scenario {
            scenario: Meta {
                name: name.to_string(),
                description: String::new(),
                ticks,
                warmup: ticks / 10,
                tick_unit: "tick".to_string(),
                replications: 10,
                seed: 1,
                compare_to: None,
                decision_noun: None,
                decision_noun_plural: None,
            },
            work: Work {
                rate,
                complexity: Dist::Beta([2.0, 5.0]),
                effort: Dist::Fixed(1.0),
                cross_unit: 0.0,
                reach: Dist::Exponential(0.05),
                stake: Dist::Fixed(1.0),
                half_life: None,
            },
            quality: Quality::default(),
            orgs,
            shocks: Vec::new(),
            recovery: Recovery::default(),
            output: Output::default(),
            sweep: Sweep::default(),
        }
    }

    /// Index of the org ratios are taken against: `compare_to`, else the first.
    pub fn reference_org(&self) -> usize {
        self.scenario
            .compare_to
            .as_ref()
            .and_then(|n| self.orgs.iter().position(|o| &o.name == n))
            .unwrap_or(0)
    }
}
