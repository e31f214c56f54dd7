//! One very large org as a single run: a tree of span 10 and 8 levels (11,111,111 agents,
//! 10^7 at the frontline) taking 10^6 decisions a tick of the quickstart's work, a cross-unit
//! decision reaching one unit's width on average and consulting. `orgsim run` in a process of
//! its own on 2 threads, without chart files: wall seconds, seconds per tick, decisions per
//! second, peak resident memory (the child's maximum resident set, from `wait4`) and peak bytes
//! per agent.
//!
//! `cargo bench --bench huge` runs 50 ticks (about a minute); `cargo bench --bench huge --
//! 1000` runs the issue's 1,000 ticks (tens of minutes on the project's 2-core machine).

use std::process::Command;

#[path = "support/peak.rs"]
mod peak;

const AGENTS: f64 = 11_111_111.0;

fn scenario(ticks: u32) -> String {
    format!(
        r#"[scenario]
name = "Ten million agents"
ticks = {ticks}
warmup = {warmup}
replications = 1
seed = 7

[work]
rate = 1000000.0
complexity = {{ beta = [2.0, 5.0] }}
effort = {{ fixed = 1.0 }}
cross_unit = 0.15
reach = {{ exponential = 0.000001 }}
stake = {{ lognormal = [0.0, 0.5] }}
half_life = 48

[[org]]
name = "Tree"
structure = "tree"
span = 10
levels = 8
competence = [0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.0]
cross_unit = "consult"

[output]
formats = []
"#,
        warmup = ticks / 10
    )
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips this benchmark.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let ticks = match args.as_slice() {
        [] => 50,
        [a] if a == "huge" => 50,
        [a] => match a.parse::<u32>() {
            Ok(t) if t > 0 => t,
            _ => return,
        },
        _ => return,
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("huge.toml");
    std::fs::write(&file, scenario(ticks)).expect("the scenario is written");
    let out = dir.path().join("out");
    let mut run = Command::new(env!("CARGO_BIN_EXE_orgsim"));
    run.arg("run")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--threads", "2"]);
    let (secs, mib) = peak::wall_and_peak_mib(run);
    let series = std::fs::read_to_string(out.join("timeseries.csv")).expect("the time series");
    let header: Vec<&str> = series.lines().next().unwrap_or("").split(',').collect();
    let col = header
        .iter()
        .position(|&h| h == "executed")
        .expect("an executed column");
    let executed: f64 = series
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(col)?.parse::<f64>().ok())
        .sum();
    println!(
        "{:>9} {:>6} {:>12} {:>9} {:>9} {:>13} {:>9} {:>8}",
        "agents", "ticks", "executed", "wall s", "s/tick", "decisions/s", "peak MiB", "B/agent"
    );
    println!(
        "{:>9} {:>6} {:>12.0} {:>9.1} {:>9.3} {:>13.3e} {:>9.0} {:>8.0}",
        AGENTS,
        ticks,
        executed,
        secs,
        secs / f64::from(ticks),
        executed / secs,
        mib,
        mib * 1024.0 * 1024.0 / AGENTS
    );
}
