//! `orgsim run` end to end: the files it writes, determinism across threads, safe writing.

use std::fs;
use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.toml");
const TABLES: [&str; 5] = [
    "timeseries.csv",
    "replicates.csv",
    "summary.csv",
    "summary.json",
    "latency.csv",
];

fn run_quickstart(out: &Path, threads: &str) {
    cargo_bin_cmd!("orgsim")
        .args([
            "run",
            QUICKSTART,
            "--replications",
            "2",
            "--quiet",
            "--threads",
            threads,
            "--out",
        ])
        .arg(out)
        .assert()
        .success()
        .stdout("");
}

#[test]
fn one_and_two_threads_write_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("one"), tmp.path().join("two"));
    run_quickstart(&a, "1");
    run_quickstart(&b, "2");
    for f in TABLES {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(!x.is_empty(), "{f} is empty");
        assert!(x == y, "{f} differs between 1 and 2 threads");
    }
}

#[test]
fn a_run_writes_every_table_with_the_documented_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run_quickstart(&out, "2");
    let ts = fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert_eq!(
        ts.lines().next().unwrap(),
        "org,replicate,tick,arrived,decided,executed,backlog,frozen,latency_mean,latency_p95,value,good_rate,utilisation_top"
    );
    // 3 orgs × 2 replicates × 2000 ticks, plus the header.
    assert_eq!(ts.lines().count(), 3 * 2 * 2000 + 1);
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("org,metric,mean,ci_low,ci_high,n\n"));
    for metric in [
        "latency_mean",
        "throughput",
        "recovery.CEO leaves.latency_mean",
        "recovered.Demand surge.throughput",
    ] {
        assert!(
            summary.contains(&format!("Hierarchy,{metric},")),
            "summary lacks {metric}"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["scenario"]["scenario"]["replications"], 2,
        "the override is recorded"
    );
    assert_eq!(manifest["seed"], 7);
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["reference"], "Hierarchy");
    assert!(!json["headlines"].as_array().unwrap().is_empty());
}

#[test]
fn the_console_summary_names_every_org_and_the_result_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    cargo_bin_cmd!("orgsim")
        .args(["run", QUICKSTART, "--replications", "2", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Hierarchy")
                .and(predicate::str::contains("Mission command"))
                .and(predicate::str::contains("recovery from CEO leaves"))
                .and(predicate::str::contains(out.display().to_string())),
        );
}

#[test]
fn a_folder_holding_other_files_is_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mine");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "client notes").unwrap();
    cargo_bin_cmd!("orgsim")
        .args(["run", QUICKSTART, "--replications", "2", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("notes.txt"));
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).unwrap(),
        "client notes"
    );
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1, "nothing was added");
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "no temporary folder left behind"
    );
}

#[test]
fn a_second_run_replaces_the_previous_result_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run_quickstart(&out, "2");
    cargo_bin_cmd!("orgsim")
        .args([
            "run",
            QUICKSTART,
            "--replications",
            "2",
            "--seed",
            "8",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("replaced the previous result"));
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 8"));
}

#[test]
fn an_invalid_scenario_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    fs::write(&bad, "[scenario]\nticks = 100\n[work]\nrate = -1.0\n[[org]]\nstructure = \"tree\"\nspan = 2\nlevels = 2\n").unwrap();
    let out = tmp.path().join("out");
    cargo_bin_cmd!("orgsim")
        .args(["run"])
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad.toml:4:8"));
    assert!(!out.exists());
}

#[test]
fn report_redraws_charts_and_page_from_the_files_with_an_edited_title() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run_quickstart(&out, "2");
    for f in ["report.html", "latency.png", "latency.svg"] {
        fs::remove_file(out.join(f)).unwrap();
    }
    let manifest = out.join("manifest.json");
    let edited = fs::read_to_string(&manifest).unwrap().replace(
        "Quickstart: hierarchy, distributed teams and mission command",
        "Client workshop, March",
    );
    fs::write(&manifest, edited).unwrap();
    let before = fs::read(out.join("timeseries.csv")).unwrap();
    cargo_bin_cmd!("orgsim")
        .arg("report")
        .arg(&out)
        .args(["--formats", "png"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("latency.png").and(predicate::str::contains("report.html")),
        );
    assert!(out.join("latency.png").exists());
    assert!(
        !out.join("latency.svg").exists(),
        "only the formats asked for"
    );
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("Client workshop, March"));
    assert_eq!(
        fs::read(out.join("timeseries.csv")).unwrap(),
        before,
        "nothing is re-run"
    );
}

#[test]
fn report_on_a_folder_that_is_not_a_result_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    cargo_bin_cmd!("orgsim")
        .arg("report")
        .arg(tmp.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("manifest.json is missing"));
}

#[test]
fn replications_that_would_not_fit_in_memory_are_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    cargo_bin_cmd!("orgsim")
        .args([
            "run",
            QUICKSTART,
            "--quiet",
            "--replications",
            "4000000000",
            "--out",
        ])
        .arg(&out)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("GiB").and(predicate::str::contains("fewer replications")),
        );
    assert!(!out.exists());
}
