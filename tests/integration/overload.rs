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
    assert_eq!(o["level_name"], "the team leads (level 1)");
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
        warning.contains("the team leads (level 1) cannot keep up from about hour")
            && warning.contains("claims per hour")
            && warning.contains("counts only claims that were executed and understates the wait"),
        "{warning}"
    );
    assert!(
        !ran.stdout.contains("As-is is overloaded"),
        "{}",
        ran.stdout
    );

    // The headlines open on it, and the speed claim about the org says so.
    let headlines = crate::util::headlines(&json);
    assert!(
        headlines[0].starts_with("Team leads decide is overloaded: its backlog grows by ~")
            && headlines[0].contains(" claims per hour"),
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
    // Normal times were fine and come first, with no overload caveat; the overload the
    // surge caused is stated after them.
    let headlines = crate::util::headlines(&json);
    assert!(headlines[0].starts_with("In normal times"), "{headlines:?}");
    assert!(
        headlines
            .iter()
            .any(|h| h.starts_with("Since Storm claims As-is is overloaded")),
        "{headlines:?}"
    );
    for h in headlines {
        if h.starts_with("In normal times") {
            assert!(!h.contains("overloaded"), "{h}");
        }
    }
}

/// A sweep over span with the work per frontline agent held: at span 10 H's top cannot keep
/// up, and at span 50 its backlog outgrows the memory a small machine (80 MB) gives it.
const SPAN_SWEEP: &str = r#"[scenario]
name = "Span sweep whose widest spans overload the top"
ticks = 30000
warmup = 1000
replications = 2
[work]
rate = 1.0
[[org]]
name = "H"
structure = "tree"
span = 2
levels = 2
capacity = [1.0, 0.5]
authority = [0.5, 1.0]
[[org]]
name = "Wide"
structure = "tree"
span = 2
levels = 2
capacity = [1.0, 50.0]
authority = [0.5, 1.0]
[sweep]
scale_rate_with = "frontline"
"org.*.span" = [2, 3, 4, 10, 50]
"#;

/// Memory the sweep runs under: its estimate fits, H's backlog at span 50 does not.
const SMALL_MACHINE: (&str, &str) = ("SLURM_MEM_PER_NODE", "80");

fn sweep_run(scenario: &Path, out: &Path, extra: &[&str]) -> String {
    orgsim()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env(SMALL_MACHINE.0, SMALL_MACHINE.1)
        .run()
        .stdout
}

fn result_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = [
        "points.csv",
        "sweep.csv",
        "replicates.csv",
        "comparisons.csv",
    ]
    .iter()
    .map(|f| (f.to_string(), fs::read(dir.join(f)).unwrap()))
    .collect();
    out.sort();
    out
}

#[test]
fn a_sweep_point_that_overloads_is_recorded_and_the_sweep_goes_on() {
    let tmp = tempdir();
    let file = write(tmp.path(), "span.toml", SPAN_SWEEP);
    let whole = tmp.path().join("whole");
    let stdout = sweep_run(&file, &whole, &["--threads", "2"]);
    let points = fs::read_to_string(whole.join("points.csv")).unwrap();
    assert_eq!(
        points,
        "point,org.*.span,scaled_rate,status,overloaded\n\
         0,2,1,ok,\n1,3,1.5,ok,\n2,4,2,ok,\n3,10,5,overloaded,H\n4,50,25,stopped,H\n"
    );
    // The stopped point has its rows, every value empty, n = 0; the others have values.
    let sweep = fs::read_to_string(whole.join("sweep.csv")).unwrap();
    let of_point = |k: &str| -> Vec<&str> {
        sweep
            .lines()
            .filter(|l| l.starts_with(&format!("{k},")))
            .collect()
    };
    assert!(!of_point("4").is_empty());
    assert!(
        of_point("4").iter().all(|l| l.ends_with(",,,,0")),
        "{:?}",
        of_point("4")
    );
    assert!(
        of_point("3")
            .iter()
            .any(|l| l.contains(",H,all,latency_mean,") && !l.ends_with(",,,,0"))
    );
    // The console's closing line and the report say which points overloaded.
    assert!(
        stdout.contains("; 1 point overloaded (3), 1 point stopped with no values (4)"),
        "{stdout}"
    );
    assert!(
        stdout.starts_with("At 2 of 5 points an org could not keep up: point 3 (org.*.span = 10): the backlog of H kept growing"),
        "{stdout}"
    );
    let html = fs::read_to_string(whole.join("report.html")).unwrap();
    assert!(html.contains("point 4 (org.*.span = 50): stopped when the backlog of H outgrew its memory, so it has no values"));

    // Shards, each on its own thread count, merge to the same bytes.
    let sharded = tmp.path().join("sharded");
    for (k, threads) in [(1, "1"), (2, "2")] {
        sweep_run(
            &file,
            &sharded,
            &["--shard", &format!("{k}/2"), "--threads", threads],
        );
    }
    let shards = tmp.path().join("sharded.shards");
    orgsim()
        .arg("merge")
        .arg(&shards)
        .arg("--out")
        .arg(&sharded)
        .run();
    assert_eq!(result_files(&whole), result_files(&sharded));

    // Killed after its first point and resumed, it writes the same bytes too.
    let resumed = tmp.path().join("resumed");
    let journal = tmp.path().join(".resumed.sweep").join("journal.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&resumed)
        .args(["--quiet", "--threads", "1"])
        .env(SMALL_MACHINE.0, SMALL_MACHINE.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        let lines = fs::read(&journal)
            .map(|t| t.iter().filter(|&&b| b == b'\n').count())
            .unwrap_or(0);
        if lines >= 2 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before it was killed"
        );
        assert!(
            start.elapsed() < std::time::Duration::from_secs(120),
            "no progress"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    sweep_run(&file, &resumed, &["--resume", "--threads", "2"]);
    assert_eq!(result_files(&whole), result_files(&resumed));
}
