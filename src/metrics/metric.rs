//! The metric catalogue: every metric orgsim reports, with its name as files write it, its
//! label as a reader says it, its unit, which way is better and the range it cannot leave.
//!
//! Two kinds of metric (`docs/model.md` "Metrics"):
//! - [`TickMetric`]: one value per org, replicate and tick, a column of `timeseries.csv`; the
//!   recovery metrics of `[recovery] metrics` are tick metrics (`TickMetric::from`).
//! - [`Metric`]: one value per org and replicate (`replicates.csv`), summarised across
//!   replicates (`summary.csv`). It is of the whole org ([`OrgMetric`]: `latency_mean`), of one
//!   level ([`LevelMetric`]: `decided_at.level.2`), or of one shock measured on one recovery
//!   metric ([`ShockMetric`]: `recovery.<shock>.<metric>`).
//!
//! The tally and `recovery.rs` name what they record from here; the summary, comparisons,
//! headlines, console, charts and report read names, labels, units, directions and bounds from
//! here. Adding a metric is a row in one of the tables below plus its computation. A per-shock
//! metric such as an impact area is a row of [`ShockMetric`]; a new per-tick column is a row of
//! [`TickMetric`] (and a field of `output::results::TickRow`, which the compiler asks for).

use std::fmt;

use crate::metrics::TickRecord;
use crate::scenario::wording::plural;
use crate::scenario::{RecoveryMetric, Scenario};

/// Which way is better for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Less is better: latency, backlog, recovery time.
    Lower,
    /// More is better: value, the good-decision rate.
    Higher,
    /// Nearest its baseline: throughput above the work rate means a backlog is still being
    /// worked off, so neither a dip nor a rise is "back".
    Nearer,
    /// Neither: the metric describes (where decisions are taken), it does not rank.
    Neither,
}

/// The unit a metric is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Ticks of the scenario's `tick_unit`.
    Ticks,
    /// Decisions per tick.
    DecisionsPerTick,
    /// Decisions.
    Decisions,
    /// Units of stake: value.
    Stake,
    /// A share from 0 to 1, of what the words say ("share of referrals").
    Share(&'static str),
    /// A number on a scale of its own, which the words describe ("competence").
    Scale(&'static str),
    /// An area: the unit given × ticks (an impact: decision-hours of extra waiting).
    Area(&'static Unit),
}

impl Unit {
    /// The unit in words, with the scenario's tick unit ("hours", "decisions per hour").
    pub fn words(self, tick_unit: &str) -> String {
        match self {
            Unit::Ticks => plural(tick_unit),
            Unit::DecisionsPerTick => format!("decisions per {tick_unit}"),
            Unit::Decisions => "decisions".to_string(),
            Unit::Stake => "stake units".to_string(),
            Unit::Share(words) | Unit::Scale(words) => words.to_string(),
            Unit::Area(Unit::Decisions) => format!("decision-{}", plural(tick_unit)),
            // Decisions per tick × ticks.
            Unit::Area(Unit::DecisionsPerTick) => "decisions".to_string(),
            // Value per tick × ticks: value.
            Unit::Area(Unit::Stake) => "stake units".to_string(),
            Unit::Area(inner) => format!("{} × {}", inner.words(tick_unit), plural(tick_unit)),
        }
    }

    /// Whether values are shares, best read as percentages.
    pub fn is_share(self) -> bool {
        matches!(self, Unit::Share(_))
    }
}

/// The range a metric cannot leave, to clip a symmetric t interval to: a recovery time of
/// "-18 hours" or a share above 1 is an artefact of the interval, not a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounds {
    /// From 0 to 1.
    ZeroToOne,
    /// 0 or more: a time, a count, a rate.
    NonNegative,
    /// Any number: value and competence gain can be negative.
    Any,
}

impl Bounds {
    /// `(floor, ceiling)`.
    pub fn range(self) -> (Option<f64>, Option<f64>) {
        match self {
            Bounds::ZeroToOne => (Some(0.0), Some(1.0)),
            Bounds::NonNegative => (Some(0.0), None),
            Bounds::Any => (None, None),
        }
    }
}

/// What the catalogue says of one metric, or of one family of per-level or per-shock metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// As files write it; for a family, the stem before `.level.N` or `.<shock>.<metric>`.
    /// Never contains a dot, so a name parses back unambiguously.
    pub name: &'static str,
    /// How a reader says it, in lower case; `{level}`, `{shock}` and `{metric}` stand for the
    /// level, the shock's name and the recovery metric's label.
    pub label: &'static str,
    pub unit: Unit,
    pub better: Better,
    pub bounds: Bounds,
    /// Whether orgs are compared on it: a paired ratio against the reference org.
    pub compared: bool,
}

/// A catalogue row.
const fn row(
    name: &'static str,
    label: &'static str,
    unit: Unit,
    better: Better,
    bounds: Bounds,
) -> Spec {
    Spec {
        name,
        label,
        unit,
        better,
        bounds,
        compared: false,
    }
}

impl Spec {
    /// The row, compared between orgs.
    const fn compared(self) -> Spec {
        Spec {
            compared: true,
            ..self
        }
    }
}

/// A fieldless enum whose every variant is a catalogue row: the enum, its `ALL` in row order
/// and its `spec` come from one table, so a row cannot be left out of either.
macro_rules! catalogue {
    (
        $(#[$doc:meta])*
        pub enum $name:ident {
            $($(#[$vdoc:meta])* $variant:ident => $spec:expr,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every one, in the order of the table.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// What the catalogue says of it.
            pub const fn spec(self) -> Spec {
                match self {
                    $($name::$variant => $spec,)*
                }
            }

            /// Its name (or stem) as files write it.
            pub const fn name(self) -> &'static str {
                self.spec().name
            }

            /// The one named `name` (a stem, for a family) in files.
            pub fn from_name(name: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|m| m.name() == name)
            }
        }
    };
}

use Better::{Higher, Lower, Nearer, Neither};
use Bounds::{Any, NonNegative, ZeroToOne};
use Unit::{Area, Decisions, DecisionsPerTick, Scale, Share, Stake, Ticks};

catalogue! {
    /// A summary metric of the whole org, over `[warmup, ticks)`.
    pub enum OrgMetric {
        LatencyMean => row("latency_mean", "mean latency", Ticks, Lower, NonNegative).compared(),
        LatencyP50 => row("latency_p50", "median latency", Ticks, Lower, NonNegative),
        LatencyP95 => row("latency_p95", "95th-percentile latency", Ticks, Lower, NonNegative)
            .compared(),
        LatencyP99 => row("latency_p99", "99th-percentile latency", Ticks, Lower, NonNegative),
        /// Decisions executed per tick.
        Throughput => row("throughput", "throughput", DecisionsPerTick, Higher, NonNegative)
            .compared(),
        BacklogMean => row("backlog_mean", "mean backlog", Decisions, Lower, NonNegative)
            .compared(),
        ValueTotal => row("value_total", "total value", Stake, Higher, Any).compared(),
        GoodRate => row("good_rate", "good-decision rate", Share("share"), Higher, ZeroToOne)
            .compared(),
        DecidedAtFrontline => row(
            "decided_at_frontline",
            "decided at the frontline",
            Share("share"),
            Neither,
            ZeroToOne,
        ),
        /// Taken by the agent where it arose: comparable across trees and teams.
        DecidedAtOrigin => row(
            "decided_at_origin",
            "decided where it arose",
            Share("share"),
            Neither,
            ZeroToOne,
        ),
        /// Gini of decisions taken per agent: the leadership activity distribution.
        LeadershipGini => row(
            "leadership_gini",
            "concentration of decisions (Gini)",
            Scale("0 = everyone decides alike"),
            Neither,
            ZeroToOne,
        ),
        /// Referred decisions the referrer was competent for but had no authority.
        FrustratedShare => row(
            "frustrated_share",
            "capable but not allowed to decide",
            Share("share of referrals"),
            Lower,
            ZeroToOne,
        ),
    }
}

catalogue! {
    /// A summary metric of one level of an org: `<stem>.level.<N>`, level 0 the frontline.
    pub enum LevelMetric {
        /// Share of decisions taken at the level.
        DecidedAt => row(
            "decided_at",
            "decided at level {level}",
            Share("share"),
            Neither,
            ZeroToOne,
        ),
        /// Mean competence at the end minus at warm-up.
        CompetenceGain => row(
            "competence_gain",
            "competence gain, level {level}",
            Scale("competence"),
            Higher,
            Any,
        ),
        /// Effort spent over the level's capacity.
        Utilisation => row(
            "utilisation",
            "utilisation, level {level}",
            Share("share of capacity"),
            Neither,
            NonNegative,
        ),
    }
}

catalogue! {
    /// A summary metric of one shock measured on one recovery metric:
    /// `<stem>.<shock>.<metric>`. Every family here is reported for each shock and each
    /// `[recovery] metrics` entry; one whose unit depends on the metric measured (the area of an
    /// impact, in the metric's units × ticks) adds a [`Unit`] for it.
    pub enum ShockMetric {
        /// Ticks from the shock's start until the metric is back for good (0: absorbed; no
        /// value: not recovered).
        Recovery => row(
            "recovery",
            "recovery from {shock} ({metric})",
            Ticks,
            Lower,
            NonNegative,
        )
        .compared(),
        /// 1 if the replicate recovered (or absorbed the shock), 0 if not: its mean is the
        /// share that recovered.
        Recovered => row(
            "recovered",
            "recovered from {shock} ({metric})",
            Share("share of replicates"),
            Higher,
            ZeroToOne,
        ),
        /// Area between the smoothed metric and its baseline on the worse side, from the
        /// shock's start until recovery (or the horizon): the resilience triangle. Its unit is
        /// the metric's × ticks ([`Metric::unit`]).
        Impact => row(
            "impact",
            "impact of {shock} ({metric})",
            Area(&Ticks),
            Lower,
            NonNegative,
        )
        .compared(),
        /// The worst smoothed deviation from the baseline over the same ticks, in the metric's
        /// unit ([`Metric::unit`]).
        Peak => row(
            "peak",
            "worst deviation in {shock} ({metric})",
            Ticks,
            Lower,
            NonNegative,
        ),
    }
}

catalogue! {
    /// A metric of one org, replicate and tick: a column of `timeseries.csv`, in column order.
    pub enum TickMetric {
        /// New and rework decisions that appeared.
        Arrived => row("arrived", "arrivals", DecisionsPerTick, Neither, NonNegative),
        Decided => row("decided", "decisions taken", DecisionsPerTick, Neither, NonNegative),
        /// Decisions executed: the org's throughput that tick.
        Executed => row("executed", "throughput", DecisionsPerTick, Nearer, NonNegative),
        Backlog => row("backlog", "backlog", Decisions, Lower, NonNegative),
        /// Part of the backlog frozen with absent or lost agents.
        Frozen => row("frozen", "frozen backlog", Decisions, Lower, NonNegative),
        LatencyMean => row("latency_mean", "mean latency", Ticks, Lower, NonNegative),
        LatencyP95 => row("latency_p95", "95th-percentile latency", Ticks, Lower, NonNegative),
        Value => row("value", "value", Stake, Higher, Any),
        GoodRate => row("good_rate", "good-decision rate", Share("share"), Higher, ZeroToOne),
        UtilisationTop => row(
            "utilisation_top",
            "utilisation of the top level",
            Share("share of capacity"),
            Neither,
            NonNegative,
        ),
        /// Mean age of the decisions not yet executed: rises while work is frozen, when latency
        /// (of executed decisions only) can fall.
        AgeMean => row("age_mean", "mean age of waiting work", Ticks, Lower, NonNegative),
    }
}

impl OrgMetric {
    /// How a reader says it.
    pub fn label(self) -> &'static str {
        self.spec().label
    }
}

impl TickMetric {
    /// The value in a tick's record; `None` where the tick has none (no decision executed).
    pub fn of(self, t: &TickRecord) -> Option<f64> {
        match self {
            TickMetric::Arrived => Some(t.arrived as f64),
            TickMetric::Decided => Some(t.decided as f64),
            TickMetric::Executed => Some(t.executed as f64),
            TickMetric::Backlog => Some(t.backlog as f64),
            TickMetric::Frozen => Some(t.frozen as f64),
            TickMetric::LatencyMean => t.latency_mean,
            TickMetric::LatencyP95 => t.latency_p95,
            TickMetric::Value => Some(t.value),
            TickMetric::GoodRate => t.good_rate,
            TickMetric::UtilisationTop => Some(t.utilisation_top),
            TickMetric::AgeMean => t.age_mean,
        }
    }

    /// How a reader says it.
    pub fn label(self) -> &'static str {
        self.spec().label
    }
}

/// The tick metric a recovery metric is measured on (`recovery.metrics = ["throughput"]` reads
/// the `executed` column).
impl From<RecoveryMetric> for TickMetric {
    fn from(metric: RecoveryMetric) -> TickMetric {
        match metric {
            RecoveryMetric::LatencyMean => TickMetric::LatencyMean,
            RecoveryMetric::LatencyP95 => TickMetric::LatencyP95,
            RecoveryMetric::Backlog => TickMetric::Backlog,
            RecoveryMetric::Throughput => TickMetric::Executed,
            RecoveryMetric::Value => TickMetric::Value,
            RecoveryMetric::GoodRate => TickMetric::GoodRate,
            RecoveryMetric::AgeMean => TickMetric::AgeMean,
        }
    }
}

/// A summary metric: one value per org and replicate, summarised across replicates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Of the whole org: `latency_mean`.
    Org(OrgMetric),
    /// Of one level (0 = frontline): `decided_at.level.2`.
    Level(LevelMetric, u32),
    /// Of one shock (by name), measured on one recovery metric: `recovery.CEO leaves.backlog`.
    Shock(ShockMetric, String, RecoveryMetric),
}

/// The unit of a recovery metric, as a `'static` for [`Unit::Area`].
fn area_of(metric: RecoveryMetric) -> &'static Unit {
    match TickMetric::from(metric).spec().unit {
        Unit::Ticks => &Unit::Ticks,
        Unit::DecisionsPerTick => &Unit::DecisionsPerTick,
        Unit::Decisions => &Unit::Decisions,
        Unit::Stake => &Unit::Stake,
        Unit::Share(_) => &Unit::Share("share"),
        _ => &Unit::Scale("its unit"),
    }
}

impl From<OrgMetric> for Metric {
    fn from(m: OrgMetric) -> Metric {
        Metric::Org(m)
    }
}

impl Metric {
    /// `<family>.<shock>.<metric>`.
    pub fn shock(family: ShockMetric, shock: &str, metric: RecoveryMetric) -> Metric {
        Metric::Shock(family, shock.to_string(), metric)
    }

    /// What the catalogue says of it (of its family, for per-level and per-shock metrics).
    pub fn spec(&self) -> Spec {
        match self {
            Metric::Org(m) => m.spec(),
            Metric::Level(m, _) => m.spec(),
            Metric::Shock(m, _, _) => m.spec(),
        }
    }

    /// Its name as files write it (also its `Display`).
    pub fn name(&self) -> String {
        self.to_string()
    }

    /// How a reader says it, in lower case: "mean latency", "decided at level 2", "recovery
    /// from CEO leaves (mean latency)".
    pub fn label(&self) -> String {
        let label = self.spec().label;
        match self {
            Metric::Org(_) => label.to_string(),
            Metric::Level(_, level) => label.replace("{level}", &level.to_string()),
            // The recovery metric first: a shock's name is the user's text and may hold
            // anything, braces included.
            Metric::Shock(_, shock, metric) => label
                .replace("{metric}", TickMetric::from(*metric).label())
                .replace("{shock}", shock),
        }
    }

    /// The unit it is measured in: for an impact, the measured metric's unit × ticks; for a
    /// peak, the measured metric's unit.
    pub fn unit(&self) -> Unit {
        match self {
            Metric::Shock(ShockMetric::Impact, _, m) => Unit::Area(area_of(*m)),
            Metric::Shock(ShockMetric::Peak, _, m) => TickMetric::from(*m).spec().unit,
            _ => self.spec().unit,
        }
    }

    /// Which way is better.
    pub fn better(&self) -> Better {
        self.spec().better
    }

    /// The range it cannot leave.
    pub fn bounds(&self) -> Bounds {
        self.spec().bounds
    }

    /// Whether orgs are compared on it.
    pub fn compared(&self) -> bool {
        self.spec().compared
    }

    /// The metric a file names. Unambiguous whatever a shock is called: no stem and no recovery
    /// metric name contains a dot, so a per-shock name is its stem up to the first dot, the
    /// recovery metric after the last, and the shock's name, dots and all, in between. `None`
    /// for a name the catalogue does not know.
    pub fn parse(name: &str) -> Option<Metric> {
        if let Some(m) = OrgMetric::from_name(name) {
            return Some(Metric::Org(m));
        }
        if let Some((stem, level)) = name.split_once(".level.")
            && let Some(family) = LevelMetric::from_name(stem)
        {
            // Only the digits `to_string` writes: `01` or `+1` is not a level.
            let n: u32 = level.parse().ok()?;
            return (n.to_string() == level).then_some(Metric::Level(family, n));
        }
        let (stem, rest) = name.split_once('.')?;
        let family = ShockMetric::from_name(stem)?;
        RecoveryMetric::ALL.iter().find_map(|&metric| {
            let shock = rest.strip_suffix(metric.name())?.strip_suffix('.')?;
            Some(Metric::shock(family, shock, metric))
        })
    }

    /// [`Metric::parse`], and a per-shock metric only for one of `scenario`'s shocks and
    /// recovery metrics: what a result folder's files may name.
    pub fn parse_in(name: &str, scenario: &Scenario) -> Option<Metric> {
        let m = Metric::parse(name)?;
        match &m {
            Metric::Shock(_, shock, metric) => {
                let known = scenario.shocks.iter().any(|s| &s.name == shock)
                    && scenario.recovery.metrics.contains(metric);
                known.then_some(m)
            }
            _ => Some(m),
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stem = self.spec().name;
        match self {
            Metric::Org(_) => f.write_str(stem),
            Metric::Level(_, level) => write!(f, "{stem}.level.{level}"),
            Metric::Shock(_, shock, metric) => write!(f, "{stem}.{shock}.{}", metric.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of every kind of metric, with shock names that try to confuse a parser.
    fn examples() -> Vec<Metric> {
        let mut all: Vec<Metric> = OrgMetric::ALL.iter().map(|&m| m.into()).collect();
        for &family in LevelMetric::ALL {
            all.extend([0, 3, 12].map(|l| Metric::Level(family, l)));
        }
        for &family in ShockMetric::ALL {
            for shock in [
                "surge@600",
                "v1.2 launch",
                "x.latency_mean",
                "recovery.a",
                "",
            ] {
                for &metric in &RecoveryMetric::ALL {
                    all.push(Metric::shock(family, shock, metric));
                }
            }
        }
        all
    }

    #[test]
    fn every_name_parses_back_to_its_metric() {
        for m in examples() {
            assert_eq!(Metric::parse(&m.name()), Some(m.clone()), "{m}");
        }
    }

    #[test]
    fn names_are_the_documented_ones() {
        let names: Vec<String> = [
            Metric::Org(OrgMetric::LatencyP95),
            Metric::Level(LevelMetric::CompetenceGain, 2),
            Metric::shock(
                ShockMetric::Recovered,
                "CEO leaves",
                RecoveryMetric::Throughput,
            ),
        ]
        .iter()
        .map(Metric::name)
        .collect();
        assert_eq!(
            names,
            [
                "latency_p95",
                "competence_gain.level.2",
                "recovered.CEO leaves.throughput"
            ]
        );
        let columns: Vec<&str> = TickMetric::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(
            columns.join(","),
            "arrived,decided,executed,backlog,frozen,latency_mean,latency_p95,value,good_rate,\
             utilisation_top,age_mean"
        );
    }

    #[test]
    fn no_stem_or_recovery_metric_name_has_a_dot() {
        let stems = OrgMetric::ALL.iter().map(|m| m.name());
        let stems = stems.chain(LevelMetric::ALL.iter().map(|m| m.name()));
        let stems = stems.chain(ShockMetric::ALL.iter().map(|m| m.name()));
        for name in stems.chain(RecoveryMetric::ALL.iter().map(|m| m.name())) {
            assert!(!name.contains('.'), "{name}");
        }
    }

    #[test]
    fn names_the_catalogue_does_not_know_do_not_parse() {
        for name in [
            "latency_p59",
            "decided_at.level.",
            "decided_at.level.01",
            "decided_at.level.x",
            "frontline.level.1",
            "recovery.surge",
            "recovery.surge.latency_p59",
            "impact.surge.latency_p59",
            "recoverysurge.latency_mean",
        ] {
            assert_eq!(Metric::parse(name), None, "{name}");
        }
    }

    #[test]
    fn a_files_per_shock_names_must_be_the_scenarios() {
        let mut s = Scenario::new("t", 100, 1.0, vec![]);
        s.shocks.push(crate::scenario::ShockSpec {
            name: "v1.2 launch".into(),
            at: 50,
            duration: None,
            kind: crate::scenario::ShockKind::Surge {
                factor: 2.0,
                region: None,
            },
        });
        let ok = "recovery.v1.2 launch.latency_mean";
        assert!(Metric::parse_in(ok, &s).is_some());
        assert_eq!(Metric::parse_in("recovery.v1.2.latency_mean", &s), None);
        assert_eq!(Metric::parse_in("recovery.v1.2 launch.good_rate", &s), None);
        assert!(Metric::parse_in("latency_mean", &s).is_some());
    }

    #[test]
    fn labels_fill_in_the_level_and_the_shock() {
        assert_eq!(
            Metric::Level(LevelMetric::Utilisation, 3).label(),
            "utilisation, level 3"
        );
        let m = Metric::shock(ShockMetric::Recovery, "{metric}", RecoveryMetric::GoodRate);
        assert_eq!(m.label(), "recovery from {metric} (good-decision rate)");
    }

    #[test]
    fn recovery_metrics_read_their_tick_metric() {
        let t = TickRecord {
            executed: 4,
            backlog: 9,
            value: -1.5,
            ..TickRecord::default()
        };
        let read = |m: RecoveryMetric| TickMetric::from(m).of(&t);
        assert_eq!(read(RecoveryMetric::Throughput), Some(4.0));
        assert_eq!(read(RecoveryMetric::Backlog), Some(9.0));
        assert_eq!(read(RecoveryMetric::Value), Some(-1.5));
        assert_eq!(read(RecoveryMetric::LatencyMean), None);
        assert_eq!(
            TickMetric::from(RecoveryMetric::Throughput).spec().better,
            Nearer
        );
    }
}
