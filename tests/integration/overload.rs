//! Overload diagnosis after a run: an org whose backlog outgrows its capacity is named, with
//! the level that saturates, the tick its backlog starts to climb and its growth, in the
//! console, the report and `summary.json`; a stable org is not.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{orgsim, tempdir, write};

/// Span 12: As-is is stable, Team leads decide's first-line managers cannot keep up.
const SPAN12: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/scenarios/insurer-span12.toml"
);

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

/// Mean backlog across replicates at `tick`, from `timeseries.csv`.
fn backlog_at(dir: &Path, org: &str, tick: u32) -> f64 {
    let text = fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (o, t, b) = (col("org"), col("tick"), col("backlog"));
    let values: Vec<f64> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[o] == org && f[t] == tick.to_string())
        .map(|f| f[b].parse().unwrap())
        .collect();
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn an_overloaded_org_is_diagnosed_in_the_console_the_report_and_summary_json() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let ran = orgsim().arg("run").arg(SPAN12).arg("--out").arg(&out).run();
    let json = summary(&out);
    let overload = json["overload"].as_array().expect("an overload entry");
    assert_eq!(overload.len(), 1, "only Team leads decide: {overload:?}");
    let o = &overload[0];
    assert_eq!(o["org"], "Team leads decide");
    assert_eq!(o["window"], "steady");
    assert_eq!(o["level"], 1, "the team leads hold the growth");
    assert_eq!(o["level_name"], "the first-line managers (level 1)");
    // Their queues fill from the start: the backlog climbs from the first hours.
    let from = o["from_tick"].as_u64().unwrap();
    assert!(from <= 60, "climbs from about hour {from}");
    // The growth per tick is what the backlog did between the window's ends, within 15%.
    let (a, b) = (150, 1499);
    let seen = (backlog_at(&out, "Team leads decide", b)
        - backlog_at(&out, "Team leads decide", a))
        / f64::from(b - a);
    let growth = o["growth_per_tick"].as_f64().unwrap();
    assert!(
        (growth - seen).abs() <= 0.15 * seen,
        "growth {growth} vs {seen} seen in the time series"
    );
    let waiting = o["waiting_at_end"].as_f64().unwrap();
    assert_eq!(waiting, backlog_at(&out, "Team leads decide", 1499));
    assert_eq!(o["replicates"], 4);

    // The console warns with the same facts, before the headlines.
    let warning = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("warning: Team leads decide is overloaded in normal times"))
        .unwrap_or_else(|| panic!("no overload warning in\n{}", ran.stdout));
    assert!(
        warning.contains("the first-line managers (level 1) cannot keep up from about hour")
            && warning.contains("understates the wait"),
        "{warning}"
    );
    assert!(
        !ran.stdout.contains("As-is is overloaded"),
        "{}",
        ran.stdout
    );

    // The headlines open on it, and the speed claim about the org says so.
    let headlines: Vec<&str> = json["headlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert!(
        headlines[0].starts_with("Team leads decide is overloaded: its backlog grows by ~"),
        "{headlines:?}"
    );
    for h in headlines.iter().filter(|h| h.contains("faster")) {
        assert!(
            h.contains("Team leads decide is overloaded, so its latency understates the wait"),
            "{h}"
        );
    }

    // The report shows the warning near the top, before the tables.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let at = html
        .find("<p class=\"overload\">Team leads decide is overloaded in normal times")
        .expect("the report's overload warning");
    assert!(at < html.find("<table").unwrap());
}

#[test]
fn a_stable_org_is_not_diagnosed_and_summary_json_has_no_overload_key() {
    let tmp = tempdir();
    let text = fs::read_to_string(SPAN12).unwrap();
    // With the team leads' capacity of As-is, both designs keep up.
    let calm = text.replace("capacity = [1.0, 1.0, 10.0]", "capacity = [1.0, 3.0, 10.0]");
    assert_ne!(calm, text);
    let file = write(tmp.path(), "calm.toml", &calm);
    let out = tmp.path().join("out");
    let ran = orgsim().arg("run").arg(&file).arg("--out").arg(&out).run();
    assert!(summary(&out).get("overload").is_none());
    assert!(!ran.stdout.contains("overloaded"), "{}", ran.stdout);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("class=\"overload\""));
}

#[test]
fn an_overload_a_permanent_surge_causes_is_dated_from_the_surge_at_the_right_level() {
    let tmp = tempdir();
    let text = fs::read_to_string(SPAN12).unwrap();
    // Stable in normal times; a permanent surge doubling the work overloads As-is's claims
    // director and Team leads decide's team leads.
    let mut surged = text.replace("capacity = [1.0, 1.0, 10.0]", "capacity = [1.0, 1.5, 10.0]");
    surged.push_str(
        "\n[[shock]]\nkind = \"surge\"\nname = \"Storm claims\"\nat = 700\nfactor = 2.0\n",
    );
    let file = write(tmp.path(), "storm.toml", &surged);
    let out = tmp.path().join("out");
    orgsim().arg("run").arg(&file).arg("--out").arg(&out).run();
    let json = summary(&out);
    let overload = json["overload"].as_array().unwrap();
    let found: Vec<(&str, &str, u64)> = overload
        .iter()
        .map(|o| {
            (
                o["org"].as_str().unwrap(),
                o["window"].as_str().unwrap(),
                o["level"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("As-is", "Storm claims", 2),
            ("Team leads decide", "Storm claims", 1)
        ]
    );
    for o in overload {
        let from = o["from_tick"].as_u64().unwrap();
        assert!((700..=740).contains(&from), "{}: from {from}", o["org"]);
    }
    // Normal times were fine: the normal-times speed claim carries no overload caveat.
    let headlines = json["headlines"].as_array().unwrap();
    assert!(
        headlines[0]
            .as_str()
            .unwrap()
            .starts_with("Since Storm claims As-is is overloaded")
    );
    for h in headlines.iter().filter_map(|h| h.as_str()) {
        if h.starts_with("In normal times") {
            assert!(!h.contains("overloaded"), "{h}");
        }
    }
}
