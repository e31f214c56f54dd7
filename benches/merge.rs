//! Merging shards as a cluster user does: a 2,000-run sweep (1,000 points × 2 orgs × 1
//! replicate) run as N shards (`orgsim run --shard K/N`, one process each), then
//! `orgsim merge` timed in a fresh process with its peak memory (the child's maximum resident
//! set, from `wait4`), for 10 and 1,000 shards; the merged `sweep.csv` must be the one-machine
//! run's. The merge streams, so its memory must not grow with the shards. Run with
//! `cargo bench --bench merge`; prints a table.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[path = "support/peak.rs"]
mod peak;

const SCENARIO: &str = r#"[scenario]
name = "Merge benchmark"
ticks = 100
warmup = 10
replications = 1
seed = 5

[work]
rate = 2.0

[[org]]
name = "Hierarchy"
structure = "tree"
span = 3
levels = 3

[[org]]
name = "Teams"
structure = "teams"
teams = 3
team_size = 4

[output]
formats = []
timeseries = "none"

[sweep]
design = "latin_hypercube"
samples = 1000
metrics = ["latency_mean"]
"work.rate" = { from = 1.0, to = 4.0 }
"work.cross_unit" = { from = 0.0, to = 0.4 }
"#;

fn orgsim(args: &[&str], dir: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(args)
        .current_dir(dir)
        .status()
        .expect("orgsim starts");
    assert!(status.success(), "orgsim {args:?} failed");
}

/// `orgsim merge` of `<name>.shards` in a new process: wall seconds and peak MiB.
fn measure_merge(dir: &Path, name: &str) -> (f64, f64) {
    let mut merge = Command::new(env!("CARGO_BIN_EXE_orgsim"));
    merge
        .args(["merge", &format!("{name}.shards"), "--quiet"])
        .current_dir(dir);
    peak::wall_and_peak_mib(merge)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips this benchmark.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.iter().any(|a| !"merge".contains(a.as_str())) {
        return;
    }
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path();
    std::fs::write(dir.join("sweep.toml"), SCENARIO).expect("a scenario file");
    orgsim(&["run", "sweep.toml", "--out", "whole", "--quiet"], dir);
    let whole = std::fs::read(dir.join("whole/sweep.csv")).expect("sweep.csv");
    println!("merge benchmark: 2,000 runs (1,000 points × 2 orgs × 1 replicate)");
    println!(
        "{:>8} {:>14} {:>14} {:>10}",
        "shards", "shards (s)", "merge (s)", "peak MiB"
    );
    for n in [10usize, 1000] {
        let name = format!("s{n}");
        let start = Instant::now();
        for k in 1..=n {
            let shard = format!("{k}/{n}");
            orgsim(
                &[
                    "run",
                    "sweep.toml",
                    "--out",
                    &name,
                    "--shard",
                    &shard,
                    "--quiet",
                    "--threads",
                    "1",
                ],
                dir,
            );
        }
        let sharding = start.elapsed().as_secs_f64();
        let (secs, mib) = measure_merge(dir, &name);
        let merged = std::fs::read(dir.join(&name).join("sweep.csv")).expect("merged sweep.csv");
        assert!(
            merged == whole,
            "the merge of {n} shards differs from the whole sweep"
        );
        println!("{n:>8} {sharding:>14.1} {secs:>14.2} {mib:>10.1}");
    }
}
