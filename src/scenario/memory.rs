//! A lower bound on the memory a scenario needs, so a too-large org is refused with an estimate
//! instead of being run into an out-of-memory kill.

use super::diagnostic::Pending;
use super::read::Spans;
use super::sweep::apply;
use super::types::*;

/// Bytes per agent and concurrent run: its attributes, queue and counters, the network and
/// the per-agent tallies. Measured: 50–54 B per agent by the benchmark suite (the resident
/// growth of one run of a tree or teams of 10^6 agents), 57–60 B from the peak of two runs at
/// once (`docs/performance.md` "Memory"); the top of those.
pub(crate) const AGENT_BYTES: f64 = 58.0;
/// Bytes per decision in flight: its arena slot, its place in a queue or on a link, with the
/// growth slack of those vectors. Measured: ~104 B per queued decision of an overloaded org.
pub(crate) const DECISION_BYTES: f64 = 110.0;
/// Bytes per org, replicate and tick of kept time series: the record in memory while the runs
/// go on, then the same rows read back for the charts. Measured: ~316 B.
pub(crate) const SERIES_BYTES: f64 = 320.0;
/// What every run needs whatever its size: the binary, thread stacks, the report's fonts
/// (quickstart, 10 replications: 32 MB measured, of which 19 MB is its time series).
pub(crate) const BASE_BYTES: f64 = 12.0 * 1024.0 * 1024.0;

/// Agents and in-flight decisions of one run of `org`.
fn run_bytes(org: &OrgSpec, s: &Scenario) -> f64 {
    let peak = s
        .shocks
        .iter()
        .filter_map(|sh| match sh.kind {
            ShockKind::Surge { factor, .. } => Some(factor),
            _ => None,
        })
        .fold(1.0f64, f64::max);
    let outage = s
        .shocks
        .iter()
        .filter_map(|sh| match sh.kind {
            ShockKind::Outage { delay_factor, .. } => Some(delay_factor),
            _ => None,
        })
        .fold(1.0f64, f64::max);
    // Little's law with the shortest possible stay: up the tree and back down at the slowest
    // link delay, plus the wait for consults. No decision stays longer than the horizon, so
    // neither does the estimate: a long delay or patience on a short run costs the run's
    // arrivals at most. A lower bound for an overloaded org, whose backlog grows without one
    // (the run watches that as it goes: [`backlog_cap`]).
    let ticks = f64::from(s.scenario.ticks.max(1));
    let link = (org.link_delay * outage).max(1.0);
    let climb = org.levels().saturating_sub(1).max(1) as f64 * link;
    let consult = match org.cross_unit {
        CrossUnitMode::Consult => s.work.cross_unit * (f64::from(org.patience) + 2.0 * link),
        CrossUnitMode::Escalate => 0.0,
    };
    let stay = (1.0 + 2.0 * climb + consult).min(ticks);
    let in_flight = s.work.rate * peak * stay;
    org.headcount() as f64 * AGENT_BYTES + in_flight * DECISION_BYTES + network_bytes(org)
}

/// Bytes per link between two teams while the network is wired: both ends' entries and the
/// set that keeps the wiring free of duplicates.
const LINK_BYTES: f64 = 40.0;

/// The network of a teams org: a complete one grows with the square of the teams.
fn network_bytes(org: &OrgSpec) -> f64 {
    let Structure::Teams { teams, network, .. } = org.structure else {
        return 0.0;
    };
    let n = f64::from(teams);
    let per_team = match network {
        Network::Complete => n - 1.0,
        Network::Ring => 2.0,
        Network::SmallWorld { degree, .. } => f64::from(degree.saturating_add(1)).min(n - 1.0),
    };
    n * per_team.max(0.0) / 2.0 * LINK_BYTES
}

/// Bytes of the per-tick series kept for every org and replicate of `s`.
pub(crate) fn series_bytes(s: &Scenario) -> f64 {
    s.orgs.len() as f64
        * f64::from(s.scenario.replications)
        * f64::from(s.scenario.ticks)
        * SERIES_BYTES
}

/// Most agents in all the orgs of a scenario together for each replicate's orgs to run side by
/// side ([`orgs_side_by_side`]).
pub const SIDE_BY_SIDE_AGENTS: u64 = 100_000;

/// Whether a replicate's orgs may run side by side, in one job that draws each tick's arrivals
/// once for all of them, instead of one job per org and replicate: several orgs, small
/// enough together ([`SIDE_BY_SIDE_AGENTS`]) that holding them all at once costs little
/// memory and no parallelism within a run (which only an org of many busy agents has).
pub fn orgs_side_by_side(s: &Scenario) -> bool {
    s.orgs.len() > 1
        && s.orgs
            .iter()
            .fold(0u64, |n, o| n.saturating_add(o.headcount()))
            <= SIDE_BY_SIDE_AGENTS
}

/// The jobs of `s`, and the runs (org and replicate) each holds at once: a replicate's orgs
/// side by side, or one run each.
fn jobs(s: &Scenario) -> (usize, usize) {
    let reps = s.scenario.replications as usize;
    if orgs_side_by_side(s) {
        (reps.max(1), s.orgs.len())
    } else {
        ((s.orgs.len() * reps).max(1), 1)
    }
}

/// Estimated peak bytes to run `s` with `threads` jobs at once: every org's agents and work in
/// flight per concurrent run, plus the per-tick series kept for every org and replicate.
pub fn estimate_bytes(s: &Scenario, threads: usize) -> f64 {
    // Jobs at once are at most the jobs there are; assume the largest org in each run, or
    // every org in a job of orgs side by side.
    let runs = s.orgs.iter().map(|o| run_bytes(o, s));
    let (jobs, orgs) = jobs(s);
    let per_job = if orgs > 1 {
        runs.sum()
    } else {
        runs.fold(0.0, f64::max)
    };
    let at_once = threads.clamp(1, jobs) as f64;
    BASE_BYTES + per_job * at_once + series_bytes(s)
}

/// Most decisions one run may hold in flight before it is stopped as overloaded: its share of
/// what `budget` leaves once the estimate for `s` is counted, at [`DECISION_BYTES`] each with
/// room for the vectors holding them to double.
pub fn backlog_cap(s: &Scenario, threads: usize, budget: u64) -> u64 {
    let (jobs, orgs) = jobs(s);
    let at_once = (threads.clamp(1, jobs) * orgs) as f64;
    let spare = (budget as f64 - estimate_bytes(s, threads)).max(0.0);
    let cap = spare / at_once / (2.0 * DECISION_BYTES);
    // At least what the estimate itself allows for, so an accepted scenario is never stopped
    // short of the work in flight it was accepted with.
    let floor = s
        .orgs
        .iter()
        .map(|o| (run_bytes(o, s) - o.headcount() as f64 * AGENT_BYTES) / DECISION_BYTES)
        .fold(0.0f64, f64::max);
    cap.max(floor).max(1.0) as u64
}

/// The memory this process may use, and what sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryCap {
    /// Bytes the process may use in all.
    pub bytes: u64,
    /// What sets it: `"this machine"`, `"the cgroup's memory.max"`, `"RLIMIT_AS"`,
    /// `"SLURM_MEM_PER_NODE"`…
    pub source: &'static str,
}

/// The smallest of every limit on this process's memory: the machine's `MemTotal`, the
/// cgroup's limit (v2 `memory.max` of the process's cgroup and its parents, or v1
/// `memory.limit_in_bytes`: containers, systemd slices, most batch schedulers), `RLIMIT_AS` and
/// `RLIMIT_DATA` (`ulimit -v`, `prlimit`), and a Slurm job's `SLURM_MEM_PER_NODE` or
/// `SLURM_MEM_PER_CPU` × its CPUs (megabytes). 8 GiB when nothing can be read.
pub fn process_memory_cap() -> MemoryCap {
    let mut caps: Vec<MemoryCap> = Vec::new();
    let mut add = |bytes: Option<u64>, source: &'static str| {
        if let Some(bytes) = bytes.filter(|&b| b > 0) {
            caps.push(MemoryCap { bytes, source });
        }
    };
    add(mem_total(), "this machine");
    add(cgroup_v2_max(), "the cgroup's memory.max");
    add(
        read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
        "the cgroup's memory.limit_in_bytes",
    );
    add(rlimit(RlimitKind::As), "RLIMIT_AS");
    add(rlimit(RlimitKind::Data), "RLIMIT_DATA");
    let env = |k: &str| std::env::var(k).ok().and_then(|v| parse_slurm_mb(&v));
    add(env("SLURM_MEM_PER_NODE"), "SLURM_MEM_PER_NODE");
    let cpus = [
        "SLURM_CPUS_ON_NODE",
        "SLURM_CPUS_PER_TASK",
        "SLURM_JOB_CPUS_PER_NODE",
    ]
    .iter()
    .find_map(|k| {
        std::env::var(k)
            .ok()?
            .split(['(', ','])
            .next()?
            .trim()
            .parse::<u64>()
            .ok()
    })
    .unwrap_or(1);
    add(
        env("SLURM_MEM_PER_CPU").map(|b| b.saturating_mul(cpus.max(1))),
        "SLURM_MEM_PER_CPU",
    );
    caps.into_iter()
        .min_by_key(|c| c.bytes)
        .unwrap_or(MemoryCap {
            bytes: 8 << 30,
            source: "an assumed 8 GiB",
        })
}

/// 80% of [`process_memory_cap`]: what a run may plan to use.
pub fn memory_limit() -> u64 {
    process_memory_cap().bytes / 5 * 4
}

fn mem_total() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// A number in a file; `max` and unreadable files are `None` (no limit).
fn read_number(path: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let n: u64 = text.trim().parse().ok()?;
    // cgroup v1 writes "no limit" as a huge page-rounded number.
    (n < 1 << 60).then_some(n)
}

/// The smallest `memory.max` of this process's cgroup (v2) and of the cgroups above it.
fn cgroup_v2_max() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let rel = text.lines().find_map(|l| l.strip_prefix("0::"))?.trim();
    let mut dir = std::path::PathBuf::from("/sys/fs/cgroup").join(rel.trim_start_matches('/'));
    let mut least: Option<u64> = None;
    loop {
        if let Some(n) = read_number(&dir.join("memory.max").to_string_lossy()) {
            least = Some(least.map_or(n, |l| l.min(n)));
        }
        if dir == std::path::Path::new("/sys/fs/cgroup") || !dir.pop() {
            break;
        }
    }
    least
}

/// Slurm memory: megabytes, or a number with a K, M, G or T suffix.
pub(crate) fn parse_slurm_mb(v: &str) -> Option<u64> {
    let v = v.trim();
    let (digits, unit) = match v.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&v[..i], v[i..].trim()),
        None => (v, "M"),
    };
    let n: u64 = digits.parse().ok()?;
    let shift = match unit.to_ascii_uppercase().as_str() {
        "K" => 10,
        "M" | "" => 20,
        "G" => 30,
        "T" => 40,
        _ => return None,
    };
    n.checked_mul(1 << shift)
}

enum RlimitKind {
    As,
    Data,
}

/// A soft resource limit, `None` when unlimited.
fn rlimit(kind: RlimitKind) -> Option<u64> {
    #[cfg(unix)]
    {
        let resource = match kind {
            RlimitKind::As => libc::RLIMIT_AS,
            RlimitKind::Data => libc::RLIMIT_DATA,
        };
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit only writes the struct it is given.
        let ok = unsafe { libc::getrlimit(resource, &mut r) } == 0;
        (ok && r.rlim_cur != libc::RLIM_INFINITY).then_some(r.rlim_cur)
    }
    #[cfg(not(unix))]
    {
        let _ = kind;
        None
    }
}

fn gib(bytes: f64) -> String {
    let g = bytes / f64::from(1u32 << 30);
    if g < 1.0 {
        format!("{:.0} MiB", bytes / f64::from(1u32 << 20))
    } else if g >= 10.0 {
        format!("{g:.0} GiB")
    } else {
        format!("{g:.1} GiB")
    }
}

/// An error when the scenario, or one of its sweep values, would not fit in `budget` bytes.
pub(crate) fn refuse(s: &Scenario, budget: u64, spans: &Spans) -> Option<Pending> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    // A sweep may grow an org: each value is tried on its own against the base scenario.
    // Values are tried on a copy without the sweep: linear in the number of values.
    let bare = s.without_sweep();
    let mut worst = (estimate_bytes(s, threads), bare.clone(), None);
    for (i, axis) in s.sweep.axes.iter().enumerate() {
        for (j, v) in axis.values.iter().enumerate() {
            let mut p = bare.clone();
            if apply(&mut p, &axis.path, v).is_ok() {
                let b = estimate_bytes(&p, threads);
                if b > worst.0 {
                    worst = (b, p, Some(format!("sweep[{i}].values[{j}]")));
                }
            }
        }
    }
    let (bytes, point, sweep_at) = worst;
    if bytes <= budget as f64 {
        return None;
    }
    let series = series_bytes(&point);
    let biggest = point
        .orgs
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.headcount().cmp(&b.1.headcount()));
    let machine = budget as f64 / 0.8;
    let cap = process_memory_cap();
    let has = if budget == memory_limit() && cap.source != "this machine" {
        format!("{} allows {}", cap.source, gib(machine))
    } else {
        format!("this machine has {}", gib(machine))
    };
    let mut e = match (&sweep_at, biggest) {
        (Some(at), _) => Pending::new("", spans.value(at)),
        (None, Some((i, org))) if series < bytes / 2.0 => {
            let key = match org.structure {
                Structure::Tree { .. } => "levels",
                Structure::Teams { .. } => "teams",
            };
            Pending::new("", spans.value(&format!("org[{i}].{key}"))).note(format!(
                "org `{}` has {} agents",
                org.name,
                org.headcount()
            ))
        }
        _ => Pending::new("", spans.value("scenario.ticks")).note(format!(
            "the time series alone take {} ({} orgs × {} replications × {} ticks)",
            gib(series),
            point.orgs.len(),
            point.scenario.replications,
            point.scenario.ticks
        )),
    };
    e.message = format!("this scenario needs about {}; {has}", gib(bytes));
    Some(
        e.help("use fewer levels, a smaller span or fewer teams, fewer ticks or replications")
            .note(format!(
                "the estimate assumes {threads} runs at once and counts 80% of memory as usable"
            )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_grows_with_headcount_and_series() {
        let small = Scenario::new("t", 1000, 10.0, vec![OrgSpec::tree("H", 4, 3)]);
        let big = Scenario::new("t", 1000, 10.0, vec![OrgSpec::tree("H", 10, 9)]);
        let a = estimate_bytes(&small, 2);
        let b = estimate_bytes(&big, 2);
        // 10^8 frontline agents alone take 2 × 6.5 GB.
        assert!(b > 2.0 * 1e8 * AGENT_BYTES, "{b}");
        assert!(a < 1e9, "{a}");
    }

    #[test]
    fn limit_is_positive() {
        assert!(memory_limit() > 0);
    }
}
