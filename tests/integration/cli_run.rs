//! `orgsim run` end to end: the files it writes, determinism across threads, safe writing.

use std::fs;
use std::path::Path;

use crate::util::{QUICKSTART, entries, orgsim, tempdir, write};
const TABLES: [&str; 5] = [
    "timeseries.csv",
    "replicates.csv",
    "summary.csv",
    "summary.json",
    "latency.csv",
];

fn run_quickstart(out: &Path, threads: &str) {
    orgsim()
        .args(["run", QUICKSTART, "--replications", "2", "--quiet"])
        .args(["--threads", threads, "--out"])
        .arg(out)
        .stdout("")
        .run();
}

#[test]
fn one_and_two_threads_write_identical_files() {
    let tmp = tempdir();
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
fn arrivals_drawn_side_by_side_or_one_by_one_write_identical_files() {
    // `ORGSIM_LANES` narrows the vector instructions a tick's arrivals are drawn with; on a
    // processor with AVX2 or AVX-512 the default draws them side by side, and every table
    // must be the same bytes as drawing them one at a time.
    let tmp = tempdir();
    let run = |name: &str, lanes: &str| {
        let out = tmp.path().join(name);
        orgsim()
            .args(["run", QUICKSTART, "--replications", "2", "--quiet", "--out"])
            .arg(&out)
            .env("ORGSIM_LANES", lanes)
            .stdout("")
            .run();
        out
    };
    let (wide, avx2, one) = (
        run("wide", "widest"),
        run("avx2", "avx2"),
        run("one", "one"),
    );
    for f in TABLES {
        let x = fs::read(one.join(f)).unwrap();
        assert!(!x.is_empty(), "{f} is empty");
        for other in [&wide, &avx2] {
            assert!(
                x == fs::read(other.join(f)).unwrap(),
                "{f} differs in {other:?}"
            );
        }
    }
}

#[test]
fn a_run_writes_every_table_with_the_documented_columns() {
    let tmp = tempdir();
    let out = tmp.path().join("r");
    run_quickstart(&out, "2");
    let ts = fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert_eq!(
        ts.lines().next().unwrap(),
        "org,replicate,tick,arrived,decided,executed,backlog,frozen,latency_mean,latency_p95,value,good_rate,utilisation_top,age_mean"
    );
    // 3 orgs × 2 replicates × 2000 ticks, plus the header.
    assert_eq!(ts.lines().count(), 3 * 2 * 2000 + 1);
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("org,window,metric,mean,ci_low,ci_high,n\n"));
    for metric in [
        "latency_mean",
        "throughput",
        "recovery.CEO leaves.latency_mean",
        "recovered.Demand surge.throughput",
    ] {
        assert!(
            summary.contains(&format!("Hierarchy,all,{metric},")),
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
    let tmp = tempdir();
    let out = tmp.path().join("r");
    orgsim()
        .args(["run", QUICKSTART, "--replications", "2", "--out"])
        .arg(&out)
        .stdout_has("Hierarchy")
        .stdout_has("Mission command")
        .stdout_has("recovery from CEO leaves")
        .stdout_has(out.display().to_string())
        .run();
}

#[test]
fn a_folder_holding_other_files_is_never_overwritten() {
    let tmp = tempdir();
    let out = tmp.path().join("mine");
    fs::create_dir(&out).unwrap();
    write(&out, "notes.txt", "client notes");
    orgsim()
        .args(["run", QUICKSTART, "--replications", "2", "--quiet", "--out"])
        .arg(&out)
        .fails()
        .stderr_has("notes.txt")
        .run();
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).unwrap(),
        "client notes"
    );
    assert_eq!(entries(&out), 1, "nothing was added");
    assert_eq!(entries(tmp.path()), 1, "no temporary folder left behind");
}

#[test]
fn a_second_run_replaces_the_previous_result_and_says_so() {
    let tmp = tempdir();
    let out = tmp.path().join("r");
    run_quickstart(&out, "2");
    orgsim()
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
        .stdout_has("replaced the previous result")
        .run();
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 8"));
}

#[test]
fn an_invalid_scenario_writes_nothing() {
    let tmp = tempdir();
    let bad = write(
        tmp.path(),
        "bad.toml",
        "[scenario]\nticks = 100\n[work]\nrate = -1.0\n[[org]]\nstructure = \"tree\"\nspan = 2\nlevels = 2\n",
    );
    let out = tmp.path().join("out");
    orgsim()
        .arg("run")
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .fails()
        .stderr_has("bad.toml:4:8")
        .run();
    assert!(!out.exists());
}

#[test]
fn report_redraws_charts_and_page_from_the_files_with_an_edited_title() {
    let tmp = tempdir();
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
    orgsim()
        .arg("report")
        .arg(&out)
        .args(["--formats", "png"])
        .stdout_has("latency.png")
        .stdout_has("report.html")
        .run();
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

/// The charts and report of a folder: `(file name, bytes)`, by name.
fn drawn(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png") || n.ends_with(".svg") || n == "report.html")
        .map(|n| (n.clone(), fs::read(dir.join(&n)).unwrap()))
        .collect();
    files.sort();
    files
}

/// `orgsim run` draws its charts and report from the runs in memory, `orgsim report` from
/// the files: every chart and the page must come out the same, byte for byte, or the tables
/// would be losing something the charts show.
#[test]
fn report_redraws_exactly_the_charts_and_page_the_run_drew() {
    let tmp = tempdir();
    let out = tmp.path().join("r");
    run_quickstart(&out, "2");
    let from_run = drawn(&out);
    let names: Vec<&str> = from_run.iter().map(|(n, _)| n.as_str()).collect();
    // Seven charts (the quickstart has shocks: recovery is one) in two formats, and the page.
    assert_eq!(names.len(), 15, "{names:?}");
    assert!(names.contains(&"recovery.png") && names.contains(&"report.html"));
    orgsim().arg("report").arg(&out).run();
    let from_files = drawn(&out);
    for ((name, run), (again, report)) in from_run.iter().zip(&from_files) {
        assert_eq!(name, again);
        assert!(run == report, "{name} differs between `run` and `report`");
    }
    assert_eq!(from_run.len(), from_files.len());
}

/// The numbers of a `timeseries.csv` row after its `keys` leading columns (`None`: empty).
fn series_values(row: &csv::StringRecord, keys: usize) -> Vec<Option<f64>> {
    row.iter()
        .skip(keys)
        .map(|v| (!v.is_empty()).then(|| v.parse::<f64>().unwrap()))
        .collect()
}

/// A single run keeps the time series `[output] timeseries` asks for. `"summary"`: one row
/// per org and tick holding, for every tick metric, exactly the mean across replicates of the
/// rows `"all"` keeps; `"none"`: no `timeseries.csv`, and no chart over time. The other
/// tables are the same whatever is kept, and `orgsim report` redraws what the run drew.
#[test]
fn a_run_keeps_the_time_series_it_is_asked_to() {
    let tmp = tempdir();
    let quickstart = fs::read_to_string(QUICKSTART).unwrap();
    let run = |kept: &str| {
        let text = format!("{quickstart}\n[output]\ntimeseries = \"{kept}\"\n");
        let file = write(tmp.path(), &format!("{kept}.toml"), &text);
        let out = tmp.path().join(kept);
        orgsim()
            .arg("run")
            .arg(&file)
            .args(["--replications", "3", "--quiet", "--out"])
            .arg(&out)
            .stdout("")
            .run();
        out
    };
    let (all, summary, none) = (run("all"), run("summary"), run("none"));
    for f in &TABLES[1..] {
        let kept = fs::read(all.join(f)).unwrap();
        assert!(
            kept == fs::read(summary.join(f)).unwrap(),
            "{f}: all vs summary"
        );
        assert!(kept == fs::read(none.join(f)).unwrap(), "{f}: all vs none");
    }

    // The mean of each org's replicates at each tick, summed in replicate order.
    // Keyed by (org in the file's order, tick).
    let mut orgs: Vec<String> = Vec::new();
    let mut sums: std::collections::BTreeMap<(usize, u64), Vec<(f64, u32)>> = Default::default();
    let mut every = csv::Reader::from_path(all.join("timeseries.csv")).unwrap();
    for row in every.records().map(Result::unwrap) {
        let org = orgs.iter().position(|o| o == &row[0]).unwrap_or_else(|| {
            orgs.push(row[0].to_string());
            orgs.len() - 1
        });
        let slot = sums.entry((org, row[2].parse().unwrap())).or_default();
        let values = series_values(&row, 3);
        slot.resize(values.len(), (0.0, 0));
        for (s, v) in slot.iter_mut().zip(values) {
            if let Some(v) = v {
                *s = (s.0 + v, s.1 + 1);
            }
        }
    }
    let mut means = csv::Reader::from_path(summary.join("timeseries.csv")).unwrap();
    let header: Vec<String> = means.headers().unwrap().iter().map(Into::into).collect();
    let mut wanted = vec!["org".to_string(), "tick".to_string()];
    wanted.extend(every.headers().unwrap().iter().skip(3).map(String::from));
    assert_eq!(header, wanted);
    let rows: Vec<csv::StringRecord> = means.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3 * 2000, "one row per org and tick");
    for (row, ((org, tick), sum)) in rows.iter().zip(&sums) {
        let org = &orgs[*org];
        assert_eq!(
            (&row[0], row[1].parse::<u64>().unwrap()),
            (org.as_str(), *tick)
        );
        let mean: Vec<Option<f64>> = sum
            .iter()
            .map(|&(s, n)| (n > 0).then(|| s / f64::from(n)))
            .collect();
        assert_eq!(series_values(row, 2), mean, "{org} at tick {tick}");
    }
    let svg = fs::read_to_string(summary.join("latency.svg")).unwrap();
    assert!(svg.contains("mean of 3 replicates (only the mean is kept: no band)"));

    assert!(!none.join("timeseries.csv").exists());
    let charts: Vec<String> = drawn(&none).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        charts,
        [
            "decided_at.png",
            "decided_at.svg",
            "latency_cdf.png",
            "latency_cdf.svg",
            "recovery.png",
            "recovery.svg",
            "report.html"
        ]
    );
    let page = fs::read_to_string(none.join("report.html")).unwrap();
    assert!(page.contains("No charts over time: this run keeps no time series"));

    for out in [&summary, &none] {
        let from_run = drawn(out);
        orgsim().arg("report").arg(out).run();
        assert!(
            from_run == drawn(out),
            "{} redrawn differently",
            out.display()
        );
    }
    // A file of means holds each org and tick once: a second row is not taken for another
    // replicate.
    let path = summary.join("timeseries.csv");
    let text = fs::read_to_string(&path).unwrap();
    let second = text.lines().nth(2).unwrap();
    fs::write(&path, format!("{text}{second}\n")).unwrap();
    orgsim()
        .arg("report")
        .arg(&summary)
        .fails()
        .stderr_has("line 6002: a second row for org \"Hierarchy\" at tick 1")
        .run();
}

#[test]
fn report_on_a_folder_that_is_not_a_result_says_so() {
    let tmp = tempdir();
    orgsim()
        .arg("report")
        .arg(tmp.path())
        .fails()
        .stderr_has("manifest.json is missing")
        .run();
}

#[test]
fn replications_that_would_not_fit_in_memory_are_refused_before_running() {
    let tmp = tempdir();
    let out = tmp.path().join("r");
    orgsim()
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
        .fails()
        .stderr_has("GiB")
        .stderr_has("fewer replications")
        .run();
    assert!(!out.exists());
}

#[test]
fn an_error_and_its_cause_are_printed_one_a_line() {
    let tmp = tempdir();
    let scenario = write(
        tmp.path(),
        "q.toml",
        &fs::read_to_string(QUICKSTART).unwrap(),
    );
    fs::create_dir(tmp.path().join("mine")).unwrap();
    write(&tmp.path().join("mine"), "notes.txt", "client notes");
    orgsim()
        .in_dir(tmp.path())
        .arg("run")
        .arg(&scenario)
        .args(["--quiet", "--out", "mine"])
        .status(1)
        .stdout("")
        .stderr(
            "error: could not write the result to mine\n  caused by: mine already holds \
             `notes.txt`, which orgsim did not write, so it will not be replaced; choose \
             another folder with --out, or move `notes.txt` away\n",
        )
        .run();
}

#[test]
fn run_sweeps_a_scenario_and_sums_the_sweep_up_in_one_line() {
    let tmp = tempdir();
    let text = format!(
        "{}\n[sweep]\n\"work.rate\" = [10, 20]\n",
        fs::read_to_string(QUICKSTART)
            .unwrap()
            .replace("replications = 10", "replications = 2")
    );
    write(tmp.path(), "swept.toml", &text);
    let out = orgsim()
        .in_dir(tmp.path())
        .args(["run", "swept.toml"])
        .stdout_has("sweep: 12 runs (2 points × 3 orgs × 2 replicates) in ")
        .run();
    assert!(
        out.stdout.ends_with("results in results/swept\n"),
        "{}",
        out.stdout
    );
    let folder = tmp.path().join("results/swept");
    for f in [
        "points.csv",
        "sweep.csv",
        "comparisons.csv",
        "replicates.csv",
        "report.html",
    ] {
        assert!(folder.join(f).is_file(), "{f} missing");
    }
    assert!(
        !folder.join("timeseries.csv").exists(),
        "a sweep keeps no series by default"
    );
    assert_eq!(
        entries(&tmp.path().join("results")),
        1,
        "no journal left behind"
    );
}

#[test]
fn report_results_are_grouped_and_hold_no_row_or_cell_that_says_nothing() {
    let tmp = tempdir();
    let out = tmp.path().join("r");
    run_quickstart(&out, "2");
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    let results = &page[page.find("<h2>Results</h2>").unwrap()..];
    let results = &results[..results.find("</section>").unwrap()];
    // Grouped as a reader asks: speed, quality and value, where decisions are taken, each shock.
    let mut at = 0;
    for heading in [
        "<h3>Speed</h3>",
        "<h3>Quality and value</h3>",
        "<h3>Where decisions are taken</h3>",
        "<h3>Shock: Demand surge</h3>",
        "<h3>Shock: CEO leaves</h3>",
    ] {
        let found = results[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} missing or out of order"));
        at += found + heading.len();
    }
    // Level 0 is the frontline: shown once.
    assert!(results.contains("<th>Decided at the frontline</th>"));
    assert!(!results.contains("Decided at level 0"), "duplicate row");
    // A median that is the same in every replicate reads as one number.
    assert!(!results.contains("0.00–0.00"), "an interval of no width");
    // Comparisons without a ratio say what happened in words, not "—" with n = 0.
    let comparisons = &page[page.find("<h2>Compared with").unwrap()..];
    let comparisons = &comparisons[..comparisons.find("</section>").unwrap()];
    assert!(!comparisons.contains("<td>—</td>"), "a dash for a ratio");
    assert!(!comparisons.contains("<td>0</td>"), "a ratio of no pairs");
}
