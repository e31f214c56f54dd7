//! Sweeps: a point's results are the single run of its scenario, byte for byte; thread counts
//! and interruptions (SIGKILL at several points, Ctrl-C) do not change a byte of the result;
//! a resumed sweep refuses a changed scenario; refused sweeps are located.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{orgsim, run_quietly as run_sweep, tempdir, write};

/// Two orgs of one tree shape swept in step (`org.*.span`), the work rate following the
/// hierarchy's frontline, and the share of cross-unit work.
pub(crate) const SWEEP: &str = r#"[scenario]
name = "Span sweep"
ticks = 300
warmup = 30
replications = 3
seed = 11

[work]
rate = 4.0
cross_unit = 0.2

[[org]]
name = "Hierarchy"
structure = "tree"
span = 3
levels = 3
capacity = [1.0, 3.0, 8.0]
authority = [0.2, 0.5, 1.0]

[[org]]
name = "Mission"
structure = "tree"
span = 3
levels = 3
capacity = [1.0, 3.0, 8.0]
authority = 0.6
cross_unit = "consult"

[output]
formats = ["svg"]
timeseries = "all"

[sweep]
scale_rate_with = "frontline"
metrics = ["latency_mean", "value_total"]
"org.*.span" = [2, 3, 4]
"work.cross_unit" = [0.1, 0.3]
"#;

/// Every file of a result folder but those that record when and how it was made.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "manifest.json" || name == "report.html" {
            continue;
        }
        out.insert(name, fs::read(e.path()).unwrap());
    }
    out
}

/// The rows of `file` in `dir` as maps from column to field.
fn rows(dir: &Path, file: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(dir.join(file)).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let body = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, body)
}

/// The rows of a sweep file for `point`, cut down to the columns of a single run's file.
fn point_rows(sweep: &Path, file: &str, point: &str, columns: &[String]) -> Vec<Vec<String>> {
    let (header, body) = rows(sweep, file);
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let p = at("point");
    body.into_iter()
        .filter(|r| r[p] == point)
        .map(|r| columns.iter().map(|c| r[at(c)].clone()).collect())
        .collect()
}

#[test]
fn a_sweep_point_is_byte_for_byte_the_single_run_of_its_scenario() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "span.toml", SWEEP);
    let out = tmp.path().join("sweep");
    run_sweep(&scenario, &out, &["--threads", "2"]);

    // Point 5 is span 4 with cross_unit 0.3: frontline 16 instead of 9, so the rate is 4 × 16/9.
    let (_, points) = rows(&out, "points.csv");
    assert_eq!(
        points[5],
        [
            "5",
            "4",
            "0.3",
            &(4.0f64 * 16.0 / 9.0).to_string(),
            "ok",
            ""
        ]
    );
    let single = SWEEP
        .split("[sweep]")
        .next()
        .unwrap()
        .replace("span = 3", "span = 4")
        .replace("cross_unit = 0.2", "cross_unit = 0.3")
        .replace("rate = 4.0", &format!("rate = {}", 4.0f64 * 16.0 / 9.0));
    let alone = write(tmp.path(), "alone.toml", &single);
    let one = tmp.path().join("one");
    run_sweep(&alone, &one, &[]);

    for (sweep_file, single_file) in [
        ("sweep.csv", "summary.csv"),
        ("replicates.csv", "replicates.csv"),
        ("timeseries.csv", "timeseries.csv"),
    ] {
        let (header, body) = rows(&one, single_file);
        let from_sweep = point_rows(&out, sweep_file, "5", &header);
        assert!(body.len() > 10, "{single_file} is nearly empty");
        assert_eq!(
            from_sweep, body,
            "{sweep_file} at point 5 differs from the single run's {single_file}"
        );
    }
}

#[test]
fn one_and_two_threads_write_identical_files() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "span.toml", SWEEP);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_sweep(&scenario, &a, &["--threads", "1"]);
    run_sweep(&scenario, &b, &["--threads", "2"]);
    let (fa, fb) = (files(&a), files(&b));
    assert!(fa.len() > 10, "{:?}", fa.keys());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between 1 and 2 threads");
    }
    let sweep = String::from_utf8(fa["sweep.csv"].clone()).unwrap();
    assert!(sweep.starts_with(
        "point,org.*.span,work.cross_unit,org,window,metric,mean,ci_low,ci_high,n\n0,2,0.1,Hierarchy,all,latency_mean,"
    ));
}

#[test]
fn a_design_that_wins_everywhere_is_said_so_in_words() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "span.toml", SWEEP);
    let out = tmp.path().join("out");
    run_sweep(&scenario, &out, &[]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    // Mission decides locally what the hierarchy escalates: faster at every point of the grid.
    assert!(
        html.contains("Mission has the lower mean latency at every one of the 6 points: nothing in the swept range turns it around."),
        "{html}"
    );
    assert!(html.contains("Hierarchy has the lower mean latency at none of the 6 points."));
    assert!(!html.contains(" at 0 of 6 points"));
}

/// A sweep slow enough to be interrupted: 24 points of busy orgs on one thread.
/// The sweep made slow enough (2,500 ticks, 24 points) to be interrupted between points.
pub(crate) fn slow_sweep() -> String {
    SWEEP
        .replace("ticks = 300", "ticks = 2500")
        .replace("replications = 3", "replications = 2")
        .replace("timeseries = \"all\"", "timeseries = \"summary\"")
        .replace(
            "\"work.cross_unit\" = [0.1, 0.3]",
            "\"work.cross_unit\" = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]",
        )
}

fn journal(out: &Path) -> PathBuf {
    out.parent()
        .unwrap()
        .join(format!(
            ".{}.sweep",
            out.file_name().unwrap().to_string_lossy()
        ))
        .join("journal.jsonl")
}

/// Points committed to the journal of the sweep writing to `out`.
fn committed(out: &Path) -> usize {
    committed_in(&journal(out))
}

/// Points committed to a journal (complete lines after the header).
pub(crate) fn committed_in(journal: &Path) -> usize {
    let text = fs::read(journal).unwrap_or_default();
    text.iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(1)
}

/// Starts `orgsim run` on one thread without waiting; stderr is piped for what it says.
pub(crate) fn spawn(scenario: &Path, out: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--threads", "1"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orgsim starts")
}

/// Waits until `k` points are committed, then kills the run (SIGKILL). Fails if the run ends
/// first.
fn kill_after(child: &mut Child, out: &Path, k: usize) {
    let start = Instant::now();
    while committed(out) < k {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the sweep ended ({status}) before {k} points were committed");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_sweep_killed_at_several_points_and_resumed_writes_the_same_files() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "slow.toml", &slow_sweep());
    let whole = tmp.path().join("whole");
    run_sweep(&scenario, &whole, &["--threads", "2"]);

    let out = tmp.path().join("killed");
    let mut child = spawn(&scenario, &out, &[]);
    kill_after(&mut child, &out, 1);
    for k in [6, 15] {
        let mut child = spawn(&scenario, &out, &["--resume"]);
        kill_after(&mut child, &out, k);
        assert!(
            !out.exists(),
            "no result folder before the sweep is complete"
        );
    }
    // Starting again without --resume would throw the work away: refused, saying how to go on.
    orgsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .fails()
        .stderr_has("points done): finish it with `orgsim run")
        .stderr_has("--resume`")
        .run();
    run_sweep(&scenario, &out, &["--resume", "--threads", "2"]);
    assert!(
        !journal(&out).exists(),
        "the journal is removed once the result is in place"
    );

    let (a, b) = (files(&whole), files(&out));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs after kills and resumes");
    }
}

#[test]
fn ctrl_c_saves_the_points_done_and_says_how_to_resume() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "slow.toml", &slow_sweep());
    let out = tmp.path().join("stopped");
    let mut child = spawn(&scenario, &out, &[]);
    let start = Instant::now();
    while committed(&out) < 2 {
        assert!(child.try_wait().unwrap().is_none(), "ended too soon");
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.starts_with("interrupted: "), "{stderr}");
    assert!(stderr.contains(" of 24 points are saved in "), "{stderr}");
    assert!(stderr.contains("--resume` to finish the rest"), "{stderr}");

    // The scenario changed since: refused, naming what changed.
    let changed = slow_sweep().replace("rate = 4.0", "rate = 5.0");
    write(tmp.path(), "slow.toml", &changed);
    orgsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .arg("--resume")
        .fails()
        .stderr_has("the scenario changed since this sweep started")
        .stderr_has("work.rate: 4.0 → 5.0")
        .run();
    // Put back, it finishes.
    write(tmp.path(), "slow.toml", &slow_sweep());
    run_sweep(&scenario, &out, &["--resume"]);
    let (_, points) = rows(&out, "points.csv");
    assert_eq!(points.len(), 24);
}

#[test]
fn resume_needs_an_interrupted_sweep() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "span.toml", SWEEP);
    orgsim()
        .arg("run")
        .arg(&scenario)
        .args(["--resume", "--out"])
        .arg(tmp.path().join("x"))
        .fails()
        .stderr_has("nothing to resume: there is no interrupted sweep in")
        .run();
    let single = write(
        tmp.path(),
        "one.toml",
        SWEEP.split("[sweep]").next().unwrap(),
    );
    orgsim()
        .arg("run")
        .arg(&single)
        .args(["--resume", "--out"])
        .arg(tmp.path().join("y"))
        .fails()
        .stderr_has("--resume continues an interrupted sweep, and ")
        .run();
}

#[test]
fn a_sampled_sweep_writes_its_points_in_design_order_and_redraws_from_its_files() {
    let tmp = tempdir();
    let text = SWEEP
        .replace("timeseries = \"all\"", "timeseries = \"none\"")
        .replace(
            "\"org.*.span\" = [2, 3, 4]\n\"work.cross_unit\" = [0.1, 0.3]",
            "design = \"latin_hypercube\"\nsamples = 12\n\"org.*.span\" = { from = 2, to = 5 }\n\"work.cross_unit\" = { from = 0.0, to = 0.4 }\n\"org.Mission.cross_unit\" = [\"consult\", \"escalate\"]",
        );
    let scenario = write(tmp.path(), "lhs.toml", &text);
    let out = tmp.path().join("lhs");
    run_sweep(&scenario, &out, &[]);
    let (header, points) = rows(&out, "points.csv");
    assert_eq!(
        header,
        [
            "point",
            "org.*.span",
            "work.cross_unit",
            "org.Mission.cross_unit",
            "scaled_rate",
            "status",
            "overloaded"
        ]
    );
    assert_eq!(points.len(), 12);
    // Each of 12 equal slices of cross_unit's range holds one point.
    let mut slices: Vec<usize> = points
        .iter()
        .map(|p| (p[2].parse::<f64>().unwrap() / 0.4 * 12.0) as usize)
        .collect();
    slices.sort_unstable();
    assert_eq!(slices, (0..12).collect::<Vec<_>>());
    assert!(
        points
            .iter()
            .all(|p| ["2", "3", "4", "5"].contains(&p[1].as_str()))
    );
    assert!(!out.join("timeseries.csv").exists());
    let before = files(&out);
    for f in fs::read_dir(&out).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "svg") {
            fs::remove_file(p).unwrap();
        }
    }
    orgsim().arg("report").arg(&out).run();
    assert_eq!(files(&out), before, "orgsim report redraws the same charts");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("orgsim sweep report") && html.contains("<svg"));
}

#[test]
fn refused_sweeps_point_at_the_value_at_fault() {
    let tmp = tempdir();
    let base = SWEEP.split("[sweep]").next().unwrap();
    let cases: [(&str, &str, &str); 6] = [
        (
            "design = \"latin_hypercube\"\nsamples = 8\n\"work.rate\" = { from = 1, to = 9, steps = 3 }\n",
            "`steps` makes grid values; design `latin_hypercube` draws values from `{ from, to }`",
            "\"work.rate\" = { from = 1",
        ),
        (
            "design = \"sobol\"\nsamples = 100\n\"work.rate\" = { from = 1, to = 9 }\n",
            "got 100; use 64 or 128",
            "samples = 100",
        ),
        (
            "design = \"latin_hypercube\"\nsamples = 8\n\"org.*.span\" = { from = 0, to = 9 }\n",
            "with `org.*.span` = 0: `span` of org `Hierarchy` must be at least 1",
            "\"org.*.span\" = { from = 0",
        ),
        (
            "\"org.*.span\" = [3, 60]\n\"org.*.levels\" = [3, 7]\n",
            "this sweep needs about",
            "[sweep]",
        ),
        (
            "\"org.Hierarchy.structure\" = [\"tree\", \"teams\"]\n",
            "sweep path `org.Hierarchy.structure` names nothing",
            "\"org.Hierarchy.structure\"",
        ),
        (
            "metrics = [\"latency_man\"]\n\"work.rate\" = [1, 2]\n",
            "`latency_man` is not a summary metric of this scenario",
            "metrics = [\"latency_man\"]",
        ),
    ];
    // Per-level lists would not fit other level counts: scalars, so only memory is at fault.
    let scalars = base
        .replace("capacity = [1.0, 3.0, 8.0]", "capacity = 2.0")
        .replace("authority = [0.2, 0.5, 1.0]", "authority = 0.5");
    for (i, (sweep, message, line)) in cases.iter().enumerate() {
        let text = format!("{scalars}[sweep]\n{sweep}");
        let line_no = text.lines().position(|l| l.starts_with(line)).unwrap() + 1;
        let file = write(tmp.path(), &format!("bad{i}.toml"), &text);
        orgsim()
            .arg("check")
            .arg(&file)
            .fails()
            .stderr_has(message)
            .stderr_has(format!("bad{i}.toml:{line_no}:"))
            .run();
    }
    // Without a [sweep], `timeseries = "summary"` is a single run's mean per tick
    // (`cli_run::a_run_keeps_the_time_series_it_is_asked_to`), not an error.
    let single = base.replace("timeseries = \"all\"", "timeseries = \"summary\"");
    assert_ne!(single, base);
    let file = write(tmp.path(), "single.toml", &single);
    orgsim().arg("check").arg(&file).run();
}
