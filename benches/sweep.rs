//! Sweeps as a researcher runs them: `orgsim run` on a sweep of small runs, timed on 1 and 2
//! threads (runs per second), and its peak memory (the child's maximum resident set, from
//! `wait4`) for 2,000 and 10,000 runs with `timeseries = "none"`, which must not grow with the
//! number of runs. Each measurement is a fresh process, so peaks do not mix. Run with
//! `cargo bench --bench sweep`; prints a table. `cargo bench --bench sweep what-matters` runs
//! the shipped Sobol scenario `scenarios/what-matters.toml` whole (7,680 runs, its indices,
//! charts and report) on 2 threads: its wall time and runs per second.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[path = "support/peak.rs"]
mod peak;

/// A sweep of `points` Latin-hypercube points × 2 orgs × `reps` replicates of 300 ticks.
fn scenario(points: usize, reps: usize) -> String {
    format!(
        r#"[scenario]
name = "Sweep benchmark"
ticks = 300
warmup = 30
replications = {reps}
seed = 5

[work]
rate = 4.0
cross_unit = 0.1

[[org]]
name = "Hierarchy"
structure = "tree"
span = 4
levels = 3
capacity = [1.0, 3.0, 6.0]
authority = [0.3, 0.6, 1.0]

[[org]]
name = "Teams"
structure = "teams"
teams = 4
team_size = 5

[output]
formats = []
timeseries = "none"

[sweep]
design = "latin_hypercube"
samples = {points}
metrics = ["latency_mean"]
"work.rate" = {{ from = 2.0, to = 8.0 }}
"work.cross_unit" = {{ from = 0.0, to = 0.4 }}
"#
    )
}

/// Runs the sweep in a new process; wall seconds and peak resident memory in MiB.
fn measure(dir: &Path, points: usize, reps: usize, threads: usize) -> (f64, f64) {
    let file = dir.join(format!("sweep-{points}-{reps}.toml"));
    std::fs::write(&file, scenario(points, reps)).expect("a scenario file");
    let out = dir.join(format!("out-{points}-{reps}-{threads}"));
    let _ = std::fs::remove_dir_all(&out);
    let mut run = Command::new(env!("CARGO_BIN_EXE_orgsim"));
    run.arg("run").arg(&file).arg("--out").arg(&out).args([
        "--quiet",
        "--threads",
        &threads.to_string(),
    ]);
    peak::wall_and_peak_mib(run)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips this benchmark.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.iter().any(|a| a == "what-matters") {
        what_matters();
        return;
    }
    if args.iter().any(|a| !"sweep".contains(a.as_str())) {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    println!("sweep benchmark: 2 orgs, 300 ticks a run, no chart files");
    println!(
        "{:>8} {:>8} {:>6} {:>8} {:>10} {:>10} {:>10}",
        "runs", "points", "reps", "threads", "seconds", "runs/s", "peak MiB"
    );
    let row = |points: usize, reps: usize, threads: usize, tries: usize| -> f64 {
        // The fastest of a few tries: other work on the machine only ever slows a run down.
        let (secs, mib) = (0..tries)
            .map(|_| measure(dir.path(), points, reps, threads))
            .fold((f64::INFINITY, 0.0f64), |(s, m), (a, b)| {
                (s.min(a), m.max(b))
            });
        let runs = points * 2 * reps;
        let rate = runs as f64 / secs;
        println!(
            "{runs:>8} {points:>8} {reps:>6} {threads:>8} {secs:>10.2} {rate:>10.0} {mib:>10.1}"
        );
        rate
    };
    let one = row(500, 2, 1, 3);
    let two = row(500, 2, 2, 3);
    println!("speed-up on 2 threads: {:.2}x", two / one);
    // More runs per point: memory must not grow with the runs.
    row(500, 10, 2, 1);
    // More points: what grows is the per-point summaries the charts and report read.
    row(2500, 2, 2, 1);
}

/// The shipped Sobol scenario, whole, as a user runs it: wall time and runs per second.
fn what_matters() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/what-matters.toml");
    let out = dir.path().join("what-matters");
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .arg("run")
        .arg(file)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--threads", "2"])
        .status()
        .expect("orgsim starts");
    let secs = start.elapsed().as_secs_f64();
    assert!(status.success(), "orgsim failed ({status})");
    // 128 base rows × (8 parameters + 2) points × 2 orgs × 3 replicates.
    let runs = 128 * 10 * 2 * 3;
    let rows = std::fs::read_to_string(out.join("sensitivity.csv"))
        .expect("sensitivity.csv")
        .lines()
        .count()
        - 1;
    println!(
        "what-matters: {runs} runs on 2 threads in {secs:.1} s ({:.0} runs per second, charts and report included); sensitivity.csv has {rows} rows",
        runs as f64 / secs
    );
}
