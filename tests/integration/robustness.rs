//! No crash, hang or lost work from any input or interruption: one regression test per defect
//! found by trying orgsim as a new user would, the interruption tests (SIGINT and SIGKILL at
//! several points of `run` and `report`) and the overload test under a memory cap.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{QUICKSTART, orgsim, tempdir, write};

/// A run of a fraction of a second.
const SMALL: &str = "[scenario]\nticks = 300\nreplications = 2\n[work]\nrate = 3\n[[org]]\nname = \"H\"\nstructure = \"tree\"\nspan = 3\nlevels = 2\n";

/// Work arriving at 100 per tick into three agents who can decide 3 per tick between them.
/// Frontline agents may decide nothing, so every decision climbs to the top.
const OVERLOAD: &str = "[scenario]\nticks = 200000\nreplications = 1\n[work]\nrate = 100\n[[org]]\nname = \"H\"\nstructure = \"tree\"\nspan = 2\nlevels = 2\ncapacity = [200.0, 1.0]\nauthority = [0.0, 1.0]\n";

const BIN: &str = env!("CARGO_BIN_EXE_orgsim");

/// The id of a process that has ended (and so cannot be running).
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("`true` runs");
    let pid = child.id();
    let _ = child.wait();
    pid
}

/// Names in `dir` that start with `.` and are not a lock file: what an interrupted run leaves.
fn strays(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && !n.ends_with(".lock"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Whether `dir` is a complete single-run result.
fn complete(dir: &Path) -> bool {
    [
        "manifest.json",
        "timeseries.csv",
        "replicates.csv",
        "summary.csv",
        "summary.json",
        "latency.csv",
        "report.html",
    ]
    .iter()
    .all(|f| dir.join(f).is_file())
}

/// The bytes of every file in `dir`, by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("a result folder")
        .filter_map(Result::ok)
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: kill sends a signal to a child this test started and has not yet waited for.
    unsafe {
        libc::kill(child.id() as libc::pid_t, sig);
    }
}

fn spawn(args: &[&str], dir: &Path) -> Child {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orgsim starts")
}

/// Waits until `ready` holds or the child ends; true if `ready` held.
fn wait_for(child: &mut Child, limit: Duration, ready: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ready() {
            return true;
        }
        if child.try_wait().ok().flatten().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

// ----- 1. outage delay_factor ---------------------------------------------------------------

#[test]
fn outage_with_a_huge_delay_factor_is_refused_and_the_largest_runs_in_bounded_memory() {
    let tmp = tempdir();
    let outage = |f: &str| {
        format!(
            "{SMALL}[[shock]]\nkind = \"outage\"\nat = 200\nduration = 50\ndelay_factor = {f}\n[recovery]\nbaseline = 50\n"
        )
    };
    let bad = write(tmp.path(), "bad.toml", &outage("1e9"));
    orgsim()
        .arg("check")
        .arg(&bad)
        .status(1)
        .stderr_has(
            "`delay_factor` of shock `outage@200` must be at most 1000000, found 1000000000",
        )
        .stderr_has("bad.toml:15:16")
        .run();
    // The largest factor allowed: messages sent during the outage arrive long after the
    // horizon, and are held by arrival tick, not in a million empty buckets.
    let good = write(tmp.path(), "good.toml", &outage("1e6"));
    let out = tmp.path().join("out");
    orgsim()
        .arg("run")
        .arg(&good)
        .arg("--out")
        .arg(&out)
        .timeout(Duration::from_secs(30))
        .run();
    assert!(complete(&out));
}

// ----- 2. overload --------------------------------------------------------------------------

#[test]
fn overload_warns_before_the_run_and_stops_with_a_diagnosis_under_a_memory_cap() {
    let tmp = tempdir();
    let file = write(tmp.path(), "overload.toml", OVERLOAD);
    let out = tmp.path().join("out");
    // 200 MB of address space: enough for the accepted estimate (its time series), far too
    // little for a backlog growing by 99 decisions a tick for 200,000 ticks (2 GB).
    let started = Instant::now();
    let output = Command::new("prlimit")
        .arg("--as=200000000")
        .arg(BIN)
        .args(["run", "--threads", "1"])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("prlimit runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!(
        "overload under a 200 MB cap: exit {:?} after {:.1} s\n{stderr}",
        output.status.code(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("warning: org `H`: the top will be overloaded"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: the top (level 1) of org `H` is overloaded: its backlog grows by ~99 decisions per tick; the run was stopped at tick "),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
    assert_eq!(strays(tmp.path()), Vec::<String>::new());
}

// ----- 3. memory estimate and the process's real limit --------------------------------------

#[test]
fn time_series_too_big_for_memory_are_refused_and_the_slurm_limit_is_respected() {
    let tmp = tempdir();
    let big = write(
        tmp.path(),
        "big.toml",
        &SMALL.replace(
            "ticks = 300\nreplications = 2",
            "ticks = 10000000\nreplications = 16",
        ),
    );
    orgsim()
        .arg("check")
        .arg(&big)
        .status(1)
        .stderr_has("this scenario needs about 48 GiB")
        .stderr_has("the time series alone take 48 GiB (1 orgs × 16 replications × 10000000 ticks)")
        .run();
    // A Slurm job's memory is the limit, not the machine's.
    orgsim()
        .args(["check", QUICKSTART])
        .env("SLURM_MEM_PER_NODE", "30")
        .status(1)
        .stderr_has("SLURM_MEM_PER_NODE allows 30 MiB")
        .run();
    orgsim()
        .args(["check", QUICKSTART])
        .env("SLURM_MEM_PER_NODE", "4G")
        .run();
}

// ----- 4. distribution parameters in check --------------------------------------------------

#[test]
fn extreme_beta_reach_is_refused_quickly_with_its_location() {
    let tmp = tempdir();
    for pair in [
        "[1.0, 1e308]",
        "[1e308, 1e308]",
        "[5e-324, 5e-324]",
        "[1e7, 1.0]",
    ] {
        let text = SMALL.replace(
            "rate = 3\n",
            &format!("rate = 3\ncross_unit = 0.5\nreach = {{ beta = {pair} }}\n"),
        );
        let file = write(tmp.path(), "reach.toml", &text);
        orgsim()
            .arg("check")
            .arg(&file)
            .timeout(Duration::from_secs(10))
            .status(1)
            .stderr_has("must be in [0.01, 1000]")
            .stderr_has("reach.toml:7:")
            .run();
    }
}

// ----- 5. non-finite numbers ----------------------------------------------------------------

#[test]
fn the_largest_stakes_allowed_write_only_finite_numbers() {
    let tmp = tempdir();
    let text = SMALL.replace(
        "rate = 3\n",
        "rate = 3\nstake = { lognormal = [50.0, 10.0] }\n",
    );
    let file = write(tmp.path(), "stake.toml", &text);
    let out = tmp.path().join("out");
    orgsim().arg("run").arg(&file).arg("--out").arg(&out).run();
    for table in ["timeseries.csv", "replicates.csv", "summary.csv"] {
        let csv = std::fs::read_to_string(out.join(table)).expect("a table");
        for word in ["inf", "NaN", "nan"] {
            assert!(!csv.contains(word), "{table} holds {word}");
        }
    }
    let huge = write(
        tmp.path(),
        "huge.toml",
        &SMALL.replace(
            "rate = 3\n",
            "rate = 3\nstake = { lognormal = [1e3, 50.0] }\n",
        ),
    );
    orgsim()
        .arg("check")
        .arg(&huge)
        .status(1)
        .stderr_has("`stake`: lognormal's mu must be in [-50, 50], found 1000")
        .stderr_has("huge.toml:6:")
        .run();
}

// ----- 6. invalid UTF-8 ---------------------------------------------------------------------

#[test]
fn invalid_utf8_is_refused_at_file_line_and_column() {
    let tmp = tempdir();
    let mut bytes = SMALL.as_bytes().to_vec();
    let at = SMALL.find("\"H\"").unwrap_or(0) + 1;
    bytes[at] = 0xFF;
    let file = tmp.path().join("latin1.toml");
    std::fs::write(&file, bytes).expect("a file");
    for cmd in ["check", "run"] {
        orgsim()
            .arg(cmd)
            .arg(&file)
            .status(1)
            .stderr_has("error: the file is not valid UTF-8: byte 0xFF is not part of a character")
            .stderr_has("latin1.toml:7:9")
            .run();
    }
}

// ----- 7. interruptions ---------------------------------------------------------------------

#[test]
fn stale_temporary_folders_are_removed_and_an_orphaned_result_restored() {
    let tmp = tempdir();
    let file = write(tmp.path(), "small.toml", SMALL);
    let out = tmp.path().join("out");
    orgsim().arg("run").arg(&file).arg("--out").arg(&out).run();
    let dead = dead_pid();
    // A kill between the two renames: the result moved aside, the destination missing.
    let old = tmp.path().join(format!(".out.old-{dead}"));
    std::fs::rename(&out, &old).expect("moved aside");
    // A kill while the result was being written.
    let tmp_dir = tmp.path().join(format!(".out.tmp-{}", dead_pid()));
    std::fs::create_dir(&tmp_dir).expect("a stale temporary folder");
    std::fs::write(tmp_dir.join("timeseries.csv"), "org,replicate").expect("a file");
    orgsim()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .stderr_has(format!(
            "note: restored the previous result to {} from {}",
            out.display(),
            old.display()
        ))
        .stderr_has(format!(
            "note: removed {}, an unfinished result left by an interrupted run",
            tmp_dir.display()
        ))
        .stdout_has("replaced the previous result in")
        .run();
    assert!(complete(&out));
    assert_eq!(strays(tmp.path()), Vec::<String>::new());
}

/// Interrupts `orgsim run` of a few seconds with `sig` once `when` says, over an older
/// complete result; the destination must then be that result, untouched, or a new complete
/// one, and a rerun must leave no stray folder.
fn interrupt_run(sig: libc::c_int, when: &str) {
    let tmp = tempdir();
    let scenario = write(
        tmp.path(),
        "q.toml",
        &std::fs::read_to_string(QUICKSTART).unwrap_or_default(),
    );
    let out = tmp.path().join("out");
    orgsim()
        .args(["run", "--replications", "2"])
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .run();
    let before = snapshot(&out);
    let mut child = spawn(
        &[
            "run",
            "q.toml",
            "--out",
            "out",
            "--replications",
            "30",
            "--quiet",
        ],
        tmp.path(),
    );
    let pid = child.id();
    let writing = tmp.path().join(format!(".out.tmp-{pid}"));
    let reached = match when {
        "start" => true,
        "running" => {
            std::thread::sleep(Duration::from_millis(700));
            true
        }
        // The result is being written once its temporary folder holds a file: the same name,
        // empty, is first the probe that the destination can be written (before any work).
        _ => wait_for(&mut child, Duration::from_secs(60), || {
            std::fs::read_dir(&writing).is_ok_and(|mut d| d.next().is_some())
        }),
    };
    signal(&child, sig);
    let status = child.wait().expect("orgsim ends");
    let after_complete = complete(&out);
    let same = after_complete && snapshot(&out) == before;
    println!("signal {sig} at {when} (reached: {reached}): {status:?}, old result kept: {same}");
    assert!(
        after_complete,
        "the destination is the old or a new complete result"
    );
    if sig == libc::SIGINT {
        use std::os::unix::process::ExitStatusExt;
        // Before the runs start (while the scenario is read) Ctrl-C ends orgsim at once:
        // nothing has been written then.
        assert!(
            status.code() == Some(130) || status.success() || status.signal() == Some(sig),
            "Ctrl-C ends cleanly: {status:?}"
        );
        assert_eq!(
            strays(tmp.path()),
            Vec::<String>::new(),
            "Ctrl-C leaves nothing behind"
        );
    }
    if !status.success() {
        assert!(same, "an interrupted run leaves the old result as it was");
    }
    // The rerun tidies up whatever a kill left.
    orgsim()
        .args(["run", "--replications", "2"])
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .run();
    assert!(complete(&out));
    assert_eq!(strays(tmp.path()), Vec::<String>::new());
}

#[test]
fn ctrl_c_at_the_start_of_a_run_leaves_the_old_result() {
    interrupt_run(libc::SIGINT, "start");
}

#[test]
fn ctrl_c_while_running_leaves_the_old_result() {
    interrupt_run(libc::SIGINT, "running");
}

#[test]
fn ctrl_c_while_writing_removes_the_temporary_folder() {
    interrupt_run(libc::SIGINT, "writing");
}

#[test]
fn a_kill_while_running_leaves_the_old_result() {
    interrupt_run(libc::SIGKILL, "running");
}

#[test]
fn a_kill_while_writing_leaves_the_old_result_and_the_rerun_tidies_up() {
    interrupt_run(libc::SIGKILL, "writing");
}

/// Interrupts `orgsim report` once it has started writing charts; every file of the folder
/// must be as it was (a redraw gives the same bytes) and a rerun leaves no temporary file.
fn interrupt_report(sig: libc::c_int) {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    orgsim()
        .args(["run", QUICKSTART, "--replications", "4", "--out"])
        .arg(&out)
        .run();
    let before = snapshot(&out);
    for delay in [0, 100, 250, 450] {
        let mut child = spawn(&["report", "out", "--formats", "png,svg"], tmp.path());
        std::thread::sleep(Duration::from_millis(delay));
        signal(&child, sig);
        let _ = child.wait();
        let now: Vec<(String, Vec<u8>)> = snapshot(&out)
            .into_iter()
            .filter(|(n, _)| !n.starts_with('.') && n != "report.html.tmp")
            .collect();
        let old: Vec<&(String, Vec<u8>)> = before.iter().collect();
        for (name, bytes) in &now {
            if let Some((_, was)) = old.iter().find(|(n, _)| n == name) {
                assert!(
                    bytes == was,
                    "{name} changed after signal {sig} at {delay} ms"
                );
            } else {
                // A chart in a format not drawn before is whole when it exists.
                assert!(name.ends_with(".svg") || name.ends_with(".png"), "{name}");
            }
        }
    }
    orgsim().args(["report", "out"]).in_dir(tmp.path()).run();
    assert_eq!(strays(&out), Vec::<String>::new());
}

#[test]
fn ctrl_c_during_report_leaves_every_file_whole() {
    interrupt_report(libc::SIGINT);
}

#[test]
fn a_kill_during_report_leaves_every_file_whole() {
    interrupt_report(libc::SIGKILL);
}

// ----- 8. unwritable destination ------------------------------------------------------------

#[test]
fn an_unwritable_destination_is_refused_before_any_work() {
    let tmp = tempdir();
    let blocker = write(tmp.path(), "a-file", "not a folder");
    let out = blocker.join("out");
    let ran = orgsim()
        .args(["run", QUICKSTART, "--replications", "40", "--out"])
        .arg(&out)
        .timeout(Duration::from_secs(5))
        .status(1)
        .stderr_has(format!("cannot write in {}", blocker.display()))
        .run();
    assert!(
        ran.stderr.contains("choose another place with --out"),
        "{}",
        ran.stderr
    );
}

// ----- 9. two runs on one destination -------------------------------------------------------

#[test]
fn a_second_run_on_a_locked_destination_is_refused() {
    use std::os::unix::io::AsRawFd;
    let tmp = tempdir();
    let file = write(tmp.path(), "small.toml", SMALL);
    let lock = std::fs::File::create(tmp.path().join(".out.lock")).expect("a lock file");
    std::fs::write(tmp.path().join(".out.lock"), "4242\n").expect("a pid");
    // SAFETY: flock on a file this test owns.
    let held = unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    assert_eq!(held, 0);
    orgsim()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .status(1)
        .stderr_has("is being written by another orgsim run (process 4242); wait for it to finish, or choose another folder with --out")
        .run();
    drop(lock);
    orgsim()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .run();
}

// ----- 10. full disk and tampered manifests -------------------------------------------------

#[test]
fn new_on_a_full_disk_leaves_no_file_that_blocks_a_retry() {
    let tmp = tempdir();
    // RLIMIT_FSIZE makes the write fail part way, as a full disk does.
    let status = Command::new("prlimit")
        .arg("--fsize=100")
        .arg(BIN)
        .args(["new", "client"])
        .current_dir(tmp.path())
        .stderr(Stdio::null())
        .status()
        .expect("prlimit runs");
    assert!(!status.success());
    assert!(
        !tmp.path().join("client.toml").exists(),
        "no truncated file"
    );
    orgsim()
        .args(["new", "client"])
        .in_dir(tmp.path())
        .stdout_has("client.toml")
        .run();
    let text = std::fs::read_to_string(tmp.path().join("client.toml")).unwrap_or_default();
    assert!(orgsim::scenario::parse_str(&text, "client.toml").is_ok());
    assert_eq!(
        strays(tmp.path()),
        Vec::<String>::new(),
        "the killed try's file is gone"
    );
}

#[test]
fn report_on_a_full_disk_keeps_the_charts_whole() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    orgsim()
        .args(["run", QUICKSTART, "--replications", "2", "--out"])
        .arg(&out)
        .run();
    let before = snapshot(&out);
    let status = Command::new("prlimit")
        .arg("--fsize=20000")
        .arg(BIN)
        .arg("report")
        .arg(&out)
        .stderr(Stdio::null())
        .status()
        .expect("prlimit runs");
    assert!(!status.success());
    let now: Vec<(String, Vec<u8>)> = snapshot(&out)
        .into_iter()
        .filter(|(n, _)| !n.starts_with('.') && n != "report.html.tmp")
        .collect();
    assert_eq!(now, before, "every chart and the report as they were");
    orgsim().arg("report").arg(&out).run();
    assert_eq!(strays(&out), Vec::<String>::new());
}

#[test]
fn report_refuses_a_tampered_manifest_naming_the_file() {
    let tmp = tempdir();
    let file = write(tmp.path(), "small.toml", SMALL);
    let out = tmp.path().join("out");
    orgsim().arg("run").arg(&file).arg("--out").arg(&out).run();
    let manifest = out.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap_or_default();
    let tampered = text.replacen("\"ticks\": 300", "\"ticks\": 1000000000", 1);
    assert_ne!(text, tampered, "the manifest records ticks");
    std::fs::write(&manifest, tampered).expect("tampered");
    orgsim()
        .arg("report")
        .arg(&out)
        .timeout(Duration::from_secs(10))
        .status(1)
        .stderr_has("timeseries.csv")
        .stderr_has("does manifest.json's `ticks` belong to this result?")
        .run();
    let negative = text.replacen("\"replications\": 2", "\"replications\": 0", 1);
    std::fs::write(&manifest, negative).expect("tampered");
    orgsim()
        .arg("report")
        .arg(&out)
        .status(1)
        .stderr_has("manifest.json: its scenario is not valid: scenario.replications")
        .run();
}

// ----- 11. duplicates and linear validation -------------------------------------------------

#[test]
fn duplicated_recovery_metric_is_refused_at_the_second_mention() {
    let tmp = tempdir();
    let text = format!("{SMALL}[recovery]\nmetrics = [\"throughput\", \"throughput\"]\n");
    let file = write(tmp.path(), "dup.toml", &text);
    orgsim()
        .arg("check")
        .arg(&file)
        .status(1)
        .stderr_has("`throughput` is listed twice in `metrics`")
        .stderr_has("dup.toml:12:26")
        .run();
}

#[test]
fn check_of_a_hundred_thousand_step_sweep_and_two_thousand_orgs_returns() {
    let tmp = tempdir();
    let sweep = format!(
        "{SMALL}[sweep]\n\"work.rate\" = {{ from = 1.0, to = 3.0, steps = 100000 }}\n[output]\ntimeseries = \"none\"\n"
    );
    let file = write(tmp.path(), "sweep.toml", &sweep);
    orgsim()
        .arg("check")
        .arg(&file)
        .timeout(Duration::from_secs(30))
        .run();
    let mut orgs = String::from(
        "[scenario]\nticks = 100\nreplications = 1\n[work]\nrate = 3\ncross_unit = 0.2\n",
    );
    for i in 0..2000 {
        orgs.push_str(&format!(
            "[[org]]\nname = \"O{i}\"\nstructure = \"tree\"\nspan = 3\nlevels = 3\ncross_unit = \"escalate\"\n"
        ));
    }
    let file = write(tmp.path(), "orgs.toml", &orgs);
    orgsim()
        .arg("check")
        .arg(&file)
        .timeout(Duration::from_secs(30))
        .run();
}

// ----- the memory estimate against measured peaks -------------------------------------------

/// Peak resident memory of `orgsim run` on `text`, in bytes, by GNU time.
fn peak_rss(text: &str, dir: &Path, name: &str) -> f64 {
    let file = write(dir, &format!("{name}.toml"), text);
    let out: PathBuf = dir.join(name);
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(BIN)
        .args(["run", "--quiet", "--threads", "2"])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("GNU time runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let kib: f64 = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(f64::NAN);
    kib * 1024.0
}

#[test]
#[ignore = "prints the memory-estimate table of docs/performance.md; needs /usr/bin/time and ~1 GB"]
fn memory_estimate_table() {
    let tmp = tempdir();
    let sizes: [(&str, String); 5] = [
        (
            "quickstart, 10 replications",
            std::fs::read_to_string(QUICKSTART).unwrap_or_default(),
        ),
        (
            "3 agents, 10^6 ticks × 2 replications",
            "[scenario]\nticks = 1000000\nreplications = 2\n[work]\nrate = 1\n[[org]]\nname = \"H\"\nstructure = \"tree\"\nspan = 2\nlevels = 2\ncapacity = 3\n".to_string(),
        ),
        (
            "teams of 10^6 agents × 2 replications",
            "[scenario]\nticks = 20\nwarmup = 2\nreplications = 2\n[work]\nrate = 10\n[[org]]\nname = \"T\"\nstructure = \"teams\"\nteams = 100000\nteam_size = 10\n".to_string(),
        ),
        (
            "tree of 1.1 × 10^6 agents × 2 replications",
            "[scenario]\nticks = 20\nwarmup = 2\nreplications = 2\n[work]\nrate = 10\n[[org]]\nname = \"T\"\nstructure = \"tree\"\nspan = 10\nlevels = 7\n".to_string(),
        ),
        (
            "quickstart, 40 replications",
            std::fs::read_to_string(QUICKSTART)
                .unwrap_or_default()
                .replace("replications = 10", "replications = 40"),
        ),
    ];
    println!("| scenario | estimate (MB) | measured peak RSS (MB) | estimate / measured |");
    println!("|---|---:|---:|---:|");
    let mut worst: f64 = 0.0;
    for (i, (what, text)) in sizes.iter().enumerate() {
        let s = orgsim::scenario::parse_str(text, "size.toml").expect("a valid size");
        let estimate = orgsim::scenario::estimate_bytes(&s, 2);
        let measured = peak_rss(text, tmp.path(), &format!("size{i}"));
        let ratio = estimate / measured;
        worst = worst.max((ratio - 1.0).abs());
        println!(
            "| {what} | {:.0} | {:.0} | {ratio:.2} |",
            estimate / 1e6,
            measured / 1e6
        );
    }
    assert!(worst <= 0.3, "an estimate is off by {:.0}%", worst * 100.0);
}
