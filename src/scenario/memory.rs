//! A lower bound on the memory a scenario needs, so a too-large org is refused with an estimate
//! instead of being run into an out-of-memory kill.

use super::diagnostic::Pending;
use super::read::Spans;
use super::sweep::apply;
use super::types::*;

/// Bytes per agent: its attributes, queue head and counters in struct-of-arrays form.
const AGENT_BYTES: f64 = 160.0;
/// Bytes per decision in flight: attributes, routing state, its slot in a queue.
const DECISION_BYTES: f64 = 96.0;
/// Bytes per org, replicate and tick of kept time series (13 columns and overhead).
pub(crate) const SERIES_BYTES: f64 = 120.0;

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
    // Little's law with the shortest possible stay: up the tree and back down, plus the wait
    // for consults. A lower bound: an overloaded org's backlog grows without one.
    let climb = org.levels().saturating_sub(1) as f64 * org.link_delay.max(1.0);
    let consult = match org.cross_unit {
        CrossUnitMode::Consult => s.work.cross_unit * f64::from(org.patience),
        CrossUnitMode::Escalate => 0.0,
    };
    let in_flight = s.work.rate * peak * (1.0 + 2.0 * climb + consult);
    org.headcount() as f64 * AGENT_BYTES + in_flight * DECISION_BYTES
}

/// Estimated bytes to run `s` with `threads` runs at once: every org's agents and work in
/// flight per concurrent run, plus the per-tick series kept for every org and replicate.
pub fn estimate_bytes(s: &Scenario, threads: usize) -> f64 {
    let runs: f64 = s.orgs.iter().map(|o| run_bytes(o, s)).sum();
    let series = s.orgs.len() as f64
        * f64::from(s.scenario.replications)
        * f64::from(s.scenario.ticks)
        * SERIES_BYTES;
    runs * threads as f64 + series
}

/// 80% of this machine's memory (`MemTotal` in /proc/meminfo), or of 8 GiB if unreadable.
pub fn memory_limit() -> u64 {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            kib.checked_mul(1024)
        })
        .unwrap_or(8 << 30);
    total / 5 * 4
}

fn gib(bytes: f64) -> String {
    let g = bytes / f64::from(1u32 << 30);
    if g >= 10.0 {
        format!("{g:.0} GiB")
    } else {
        format!("{g:.1} GiB")
    }
}

/// An error when the scenario, or one of its sweep values, would not fit in `budget` bytes.
pub(crate) fn refuse(s: &Scenario, budget: u64, spans: &Spans) -> Option<Pending> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    // A sweep may grow an org: each value is tried on its own against the base scenario.
    let mut worst = (estimate_bytes(s, threads), s.clone(), None);
    for (i, axis) in s.sweep.axes.iter().enumerate() {
        for (j, v) in axis.values.iter().enumerate() {
            let mut p = s.clone();
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
    let series = point.orgs.len() as f64
        * f64::from(point.scenario.replications)
        * f64::from(point.scenario.ticks)
        * SERIES_BYTES;
    let biggest = point
        .orgs
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.headcount().cmp(&b.1.headcount()));
    let machine = budget as f64 / 0.8;
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
    e.message = format!(
        "this scenario needs about {}; this machine has {}",
        gib(bytes),
        gib(machine)
    );
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
        // 10^8 frontline agents alone take 2 × 16 GB.
        assert!(b > 2.0 * 1e8 * AGENT_BYTES, "{b}");
        assert!(a < 1e9, "{a}");
    }

    #[test]
    fn limit_is_positive() {
        assert!(memory_limit() > 0);
    }
}
