//! `manifest.json`: what was run, how, and when (README "What a run writes"), so a result can be reproduced.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;

/// Facts about a run that only the caller knows.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFacts {
    /// The scenario file, if the scenario came from one.
    pub scenario_file: Option<PathBuf>,
    /// The scenario file's text as read, so the exact input travels with the result.
    pub scenario_text: Option<String>,
    /// Worker threads used (results do not depend on it; recorded for timing comparisons).
    pub threads: usize,
    /// The command line, program name first.
    pub command: Vec<String>,
    pub started: SystemTime,
    pub finished: SystemTime,
}

/// The contents of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub orgsim_version: String,
    /// The scenario as resolved: defaults filled in, command-line overrides applied.
    pub scenario: Scenario,
    pub scenario_file: Option<String>,
    pub scenario_text: Option<String>,
    pub seed: u64,
    pub replications: u32,
    pub threads: usize,
    pub command: Vec<String>,
    /// UTC, RFC 3339, whole seconds.
    pub started: String,
    /// UTC, RFC 3339, whole seconds.
    pub finished: String,
    pub wall_seconds: f64,
}

impl Manifest {
    /// The manifest of a run of `scenario`.
    pub fn new(scenario: &Scenario, facts: &RunFacts) -> Self {
        let wall = facts
            .finished
            .duration_since(facts.started)
            .unwrap_or(Duration::ZERO);
        Manifest {
            orgsim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: scenario.clone(),
            scenario_file: facts
                .scenario_file
                .as_ref()
                .map(|p| p.display().to_string()),
            scenario_text: facts.scenario_text.clone(),
            seed: scenario.scenario.seed,
            replications: scenario.scenario.replications,
            threads: facts.threads,
            command: facts.command.clone(),
            started: rfc3339(facts.started),
            finished: rfc3339(facts.finished),
            wall_seconds: wall.as_secs_f64(),
        }
    }

    /// Write it pretty-printed with a final newline.
    pub fn write<W: Write>(&self, mut out: W) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(&mut out, self)?;
        out.write_all(b"\n").map_err(serde_json::Error::io)?;
        out.flush().map_err(serde_json::Error::io)
    }
}

/// `time` as UTC RFC 3339 with whole seconds, e.g. `2026-11-22T10:41:26Z`.
pub fn rfc3339(time: SystemTime) -> String {
    let secs: i64 = match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        // Before 1970: round towards the past so the seconds field stays in 0..60.
        Err(e) => {
            let d = e.duration();
            -(d.as_secs() as i64) - i64::from(d.subsec_nanos() > 0)
        }
    };
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, http://howardhinnant.github.io/date_algorithms.html).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::OrgSpec;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn rfc3339_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(at(1_709_251_199)), "2024-02-29T23:59:59Z");
        assert_eq!(rfc3339(at(4_102_444_800)), "2100-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(at(1_000_000_000) + Duration::from_millis(999)),
            "2001-09-09T01:46:40Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_secs(1)),
            "1969-12-31T23:59:59Z"
        );
    }

    #[test]
    fn manifest_records_the_resolved_scenario_and_the_run() {
        let mut scenario = Scenario::new("Demo", 100, 5.0, vec![OrgSpec::tree("H", 4, 3)]);
        scenario.scenario.seed = 42;
        scenario.scenario.replications = 3;
        let facts = RunFacts {
            scenario_file: Some("scenarios/demo.toml".into()),
            scenario_text: Some("[scenario]\n".into()),
            threads: 2,
            command: vec!["orgsim".into(), "run".into(), "scenarios/demo.toml".into()],
            started: at(1_700_000_000),
            finished: at(1_700_000_000) + Duration::from_millis(2500),
        };
        let m = Manifest::new(&scenario, &facts);
        let mut buf = Vec::new();
        m.write(&mut buf).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["orgsim_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(v["seed"], 42);
        assert_eq!(v["replications"], 3);
        assert_eq!(v["threads"], 2);
        assert_eq!(v["scenario_file"], "scenarios/demo.toml");
        assert_eq!(v["started"], "2023-11-14T22:13:20Z");
        assert_eq!(v["finished"], "2023-11-14T22:13:22Z");
        assert_eq!(v["wall_seconds"], 2.5);
        assert_eq!(v["scenario"]["scenario"]["name"], "Demo");
        let back: Manifest = serde_json::from_slice(&buf).unwrap();
        assert_eq!(back, m);
    }
}
