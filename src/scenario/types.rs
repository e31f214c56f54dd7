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
    pub scenario: Meta,
    pub work: Work,
    pub quality: Quality,
    #[serde(rename = "org")]
    pub orgs: Vec<OrgSpec>,
    #[serde(rename = "shock", default)]
    pub shocks: Vec<ShockSpec>,
    pub recovery: Recovery,
    pub output: Output,
    /// Sweep axes in file order; empty when the scenario has no `[sweep]`.
    #[serde(default)]
    pub sweep: Vec<SweepAxis>,
}

/// The `[scenario]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub ticks: u32,
    pub warmup: u32,
    pub tick_unit: String,
    pub replications: u32,
    pub seed: u64,
    pub compare_to: Option<String>,
}

/// A probability distribution for one attribute of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dist {
    Fixed(f64),
    Uniform([f64; 2]),
    Beta([f64; 2]),
    Gamma([f64; 2]),
    Exponential(f64),
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
    pub complexity: Dist,
    pub effort: Dist,
    /// Probability that a decision reaches beyond its place (draws `reach`).
    pub cross_unit: f64,
    pub reach: Dist,
    pub stake: Dist,
    /// Ticks for a good decision's value to halve; `None`: no decay.
    pub half_life: Option<f64>,
}

/// The `[quality]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    pub sharpness: f64,
    pub filter_loss: f64,
    pub bad_penalty: f64,
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
    Tree {
        span: u32,
        levels: u32,
    },
    Teams {
        teams: u32,
        team_size: u32,
        network: Network,
    },
}

/// How teams are linked to each other.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Network {
    Ring,
    SmallWorld { degree: u32, rewire: f64 },
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
    All(f64),
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
    pub name: String,
    #[serde(flatten)]
    pub structure: Structure,
    pub capacity: PerLevel,
    pub competence: PerLevel,
    pub authority: PerLevel,
    pub link_delay: f64,
    pub boundary: f64,
    pub referral_effort: f64,
    pub consult_effort: f64,
    pub patience: u32,
    pub learning: f64,
    pub alignment: f64,
    pub cross_unit: CrossUnitMode,
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
        }
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

    /// Total headcount.
    pub fn headcount(&self) -> u64 {
        self.level_sizes().iter().sum()
    }
}

/// One `[[shock]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShockSpec {
    pub name: String,
    pub at: u32,
    /// `None`: permanent.
    pub duration: Option<u32>,
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
    Surge {
        factor: f64,
        region: Option<[f64; 2]>,
    },
    Loss {
        target: LossTarget,
        reroute_after: Option<u32>,
    },
    Outage {
        delay_factor: f64,
        links: Links,
    },
    Shift {
        complexity_shift: f64,
        competence_drop: f64,
    },
    Absence {
        fraction: f64,
        reroute_after: Option<u32>,
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
        }
    }
}

/// Who leaves in a `loss` shock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossTarget {
    Top,
    Level(u32),
    Fraction(f64),
    Region([f64; 2]),
}

/// Which links an outage slows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Links {
    All,
    Vertical,
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
    LatencyMean,
    LatencyP95,
    Backlog,
    Throughput,
    Value,
    GoodRate,
}

impl RecoveryMetric {
    /// Every metric, in the order they are documented.
    pub const ALL: [RecoveryMetric; 6] = [
        RecoveryMetric::LatencyMean,
        RecoveryMetric::LatencyP95,
        RecoveryMetric::Backlog,
        RecoveryMetric::Throughput,
        RecoveryMetric::Value,
        RecoveryMetric::GoodRate,
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
    pub metrics: Vec<RecoveryMetric>,
    pub window: u32,
    pub baseline: u32,
    pub band: f64,
    pub floor: f64,
    pub hold: u32,
}

impl Default for Recovery {
    fn default() -> Self {
        Recovery {
            metrics: vec![RecoveryMetric::LatencyMean, RecoveryMetric::Throughput],
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
    Png,
    Svg,
}

/// The `[output]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// Where results go; `None` means `results/<file stem>`.
    pub dir: Option<PathBuf>,
    pub formats: Vec<Format>,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            dir: None,
            formats: vec![Format::Png, Format::Svg],
        }
    }
}

/// One `[sweep]` axis: a dotted path and the values it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepAxis {
    pub path: String,
    pub values: Vec<SweepValue>,
}

/// A value a sweep sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SweepValue {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Scenario {
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
            sweep: Vec::new(),
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
