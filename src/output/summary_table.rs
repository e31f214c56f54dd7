//! What the report's results table shows: the summary rows grouped as a reader asks about them
//! (speed; quality and value; where decisions are taken; each shock), with the rows that carry
//! nothing left out — a metric zero in every org (competence gain when nobody learns), a
//! duplicate (decisions at level 0 are the decisions at the frontline), a metric no org has.
//!
//! The choice is made here, from the summary rows alone, so a test can pin it without a page.

use crate::metrics::{LevelMetric, Metric, OrgMetric, ShockMetric, SummaryRow, WINDOW_ALL};
use crate::scenario::Scenario;

/// A group of rows of the results table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Section {
    /// Latency, throughput, backlog.
    Speed,
    /// Value and the good-decision rate.
    Quality,
    /// Where decisions are taken, by whom, how busy each level is and who grows.
    Where,
    /// One shock (by name): how each org came through it.
    Shock(String),
    /// A metric the catalogue does not know.
    Other,
}

impl Section {
    /// The group's heading.
    pub(crate) fn title(&self) -> String {
        match self {
            Section::Speed => "Speed".into(),
            Section::Quality => "Quality and value".into(),
            Section::Where => "Where decisions are taken".into(),
            Section::Shock(name) => format!("Shock: {name}"),
            Section::Other => "Other metrics".into(),
        }
    }

    /// The group a metric belongs to.
    fn of(metric: Option<&Metric>, name: &str) -> Section {
        use OrgMetric as O;
        match metric {
            Some(Metric::Org(m)) => match m {
                O::LatencyMean
                | O::LatencyP50
                | O::LatencyP95
                | O::LatencyP99
                | O::Throughput
                | O::BacklogMean => Section::Speed,
                O::ValueTotal | O::GoodRate => Section::Quality,
                O::DecidedAtFrontline
                | O::DecidedAtOrigin
                | O::LeadershipGini
                | O::FrustratedShare => Section::Where,
            },
            Some(Metric::Level(..)) => Section::Where,
            Some(Metric::Shock(_, shock, _)) => Section::Shock(shock.clone()),
            // The age of waiting work is a speed figure whatever its exact name.
            None if name.starts_with("age") => Section::Speed,
            None => Section::Other,
        }
    }

    /// Order of the groups: the everyday figures first, then the shocks in the scenario's
    /// order, then anything else.
    fn rank(&self, scenario: &Scenario) -> usize {
        match self {
            Section::Speed => 0,
            Section::Quality => 1,
            Section::Where => 2,
            Section::Shock(name) => {
                3 + scenario
                    .shocks
                    .iter()
                    .position(|s| &s.name == name)
                    .unwrap_or(scenario.shocks.len())
            }
            Section::Other => usize::MAX,
        }
    }
}

/// One row of the table: a metric and each org's summary of it, in org order.
#[derive(Debug, Clone)]
pub(crate) struct TableRow<'a> {
    pub metric: &'a str,
    pub parsed: Option<Metric>,
    pub cells: Vec<Option<&'a SummaryRow>>,
}

impl TableRow<'_> {
    /// Whether the row is a recovery time (whose cells speak of absorbed and not recovered).
    pub(crate) fn is_recovery(&self) -> bool {
        matches!(self.parsed, Some(Metric::Shock(ShockMetric::Recovery, ..)))
    }

    /// Nothing to read in it: no org has a value, or every org's value is exactly zero with no
    /// spread. A recovery time of 0 is a finding (absorbed), so recovery rows always carry.
    fn carries_nothing(&self) -> bool {
        if self.is_recovery() {
            return self.cells.iter().all(|c| c.is_none());
        }
        self.cells.iter().all(|c| match c {
            None => true,
            Some(r) => match r.mean {
                None => true,
                Some(m) => {
                    m == 0.0 && r.ci_low.unwrap_or(0.0) == 0.0 && r.ci_high.unwrap_or(0.0) == 0.0
                }
            },
        })
    }
}

/// A group's heading and its rows, in summary order.
pub(crate) type Group<'a> = (Section, Vec<TableRow<'a>>);

/// The results table: the rows of `summary` for `orgs`, grouped and pruned. `recovered.*` rows
/// are not shown on their own: the report folds them into the recovery row ("in 3 of 5
/// replicates").
pub(crate) fn groups<'a>(
    summary: &'a [SummaryRow],
    orgs: &[&str],
    scenario: &Scenario,
) -> Vec<Group<'a>> {
    let mut rows: Vec<TableRow<'a>> = Vec::new();
    // The whole run's window: normal times and each shock's period have a table of their own.
    for m in summary.iter().filter(|m| m.window == WINDOW_ALL) {
        if rows.iter().any(|r| r.metric == m.metric) {
            continue;
        }
        let parsed = Metric::parse_in(&m.metric, scenario);
        if matches!(parsed, Some(Metric::Shock(ShockMetric::Recovered, ..))) {
            continue;
        }
        let cells = orgs
            .iter()
            .map(|org| {
                summary
                    .iter()
                    .find(|r| r.org == *org && r.window == WINDOW_ALL && r.metric == m.metric)
            })
            .collect();
        rows.push(TableRow {
            metric: &m.metric,
            parsed,
            cells,
        });
    }
    let frontline = rows
        .iter()
        .any(|r| r.parsed == Some(Metric::Org(OrgMetric::DecidedAtFrontline)));
    rows.retain(|r| {
        // Level 0 is the frontline: the same decisions, counted twice.
        let duplicate = frontline && r.parsed == Some(Metric::Level(LevelMetric::DecidedAt, 0));
        !duplicate && !r.carries_nothing()
    });
    let mut out: Vec<Group<'a>> = Vec::new();
    for row in rows {
        let section = Section::of(row.parsed.as_ref(), row.metric);
        match out.iter_mut().find(|(s, _)| *s == section) {
            Some((_, group)) => group.push(row),
            None => out.push((section, vec![row])),
        }
    }
    out.sort_by_key(|(s, _)| s.rank(scenario));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"
[scenario]
name = "t"
ticks = 400
warmup = 40
[work]
rate = 5.0
[[org]]
name = "A"
structure = "tree"
levels = 2
span = 4
[[org]]
name = "B"
structure = "teams"
teams = 2
team_size = 3
[[shock]]
kind = "surge"
name = "Rush"
at = 200
duration = 20
factor = 2.0
"#;

    fn row(org: &str, metric: &str, mean: Option<f64>, ci: (f64, f64)) -> SummaryRow {
        SummaryRow {
            org: org.into(),
            window: WINDOW_ALL.into(),
            metric: metric.into(),
            mean,
            ci_low: mean.map(|_| ci.0),
            ci_high: mean.map(|_| ci.1),
            n: 5,
        }
    }

    fn table(rows: &[SummaryRow]) -> Vec<(String, Vec<String>)> {
        let sc = crate::scenario::parse_str(SCENARIO, "t.toml").unwrap();
        groups(rows, &["A", "B"], &sc)
            .into_iter()
            .map(|(s, rows)| {
                (
                    s.title(),
                    rows.iter().map(|r| r.metric.to_string()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn rows_that_carry_nothing_are_left_out_and_the_rest_grouped() {
        let rows = vec![
            row("A", "latency_mean", Some(3.0), (2.9, 3.1)),
            row("B", "latency_mean", Some(0.6), (0.5, 0.7)),
            row("A", "good_rate", Some(0.8), (0.79, 0.81)),
            row("B", "good_rate", Some(0.9), (0.89, 0.91)),
            row("A", "decided_at_frontline", Some(0.3), (0.29, 0.31)),
            row("B", "decided_at_frontline", Some(1.0), (1.0, 1.0)),
            // The frontline again under another name.
            row("A", "decided_at.level.0", Some(0.3), (0.29, 0.31)),
            row("B", "decided_at.level.0", Some(1.0), (1.0, 1.0)),
            row("A", "decided_at.level.1", Some(0.7), (0.69, 0.71)),
            // Nobody learns.
            row("A", "competence_gain.level.0", Some(0.0), (0.0, 0.0)),
            row("B", "competence_gain.level.0", Some(0.0), (0.0, 0.0)),
            // The shock's rows: absorbed everywhere is still a finding.
            row("A", "recovery.Rush.latency_mean", Some(0.0), (0.0, 0.0)),
            row("B", "recovery.Rush.latency_mean", Some(0.0), (0.0, 0.0)),
            row("A", "recovered.Rush.latency_mean", Some(1.0), (1.0, 1.0)),
            row("A", "backlog_mean", Some(12.0), (11.0, 13.0)),
            row("A", "something_new", Some(1.0), (1.0, 1.0)),
        ];
        assert_eq!(
            table(&rows),
            vec![
                (
                    "Speed".to_string(),
                    vec!["latency_mean".to_string(), "backlog_mean".to_string()]
                ),
                (
                    "Quality and value".to_string(),
                    vec!["good_rate".to_string()]
                ),
                (
                    "Where decisions are taken".to_string(),
                    vec![
                        "decided_at_frontline".to_string(),
                        "decided_at.level.1".to_string()
                    ]
                ),
                (
                    "Shock: Rush".to_string(),
                    vec!["recovery.Rush.latency_mean".to_string()]
                ),
                (
                    "Other metrics".to_string(),
                    vec!["something_new".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn a_zero_with_spread_or_in_one_org_only_is_kept() {
        let rows = vec![
            row("A", "competence_gain.level.0", Some(0.0), (-0.01, 0.01)),
            row("B", "competence_gain.level.0", Some(0.0), (0.0, 0.0)),
            row("A", "frustrated_share", Some(0.0), (0.0, 0.0)),
            row("B", "frustrated_share", Some(0.2), (0.1, 0.3)),
            row("A", "leadership_gini", None, (0.0, 0.0)),
            row("B", "leadership_gini", None, (0.0, 0.0)),
        ];
        assert_eq!(
            table(&rows),
            vec![(
                "Where decisions are taken".to_string(),
                vec![
                    "competence_gain.level.0".to_string(),
                    "frustrated_share".to_string()
                ]
            )]
        );
    }
}
