//! Shards of a sweep: which points shard K of N runs (`orgsim run --shard K/N`), so N machines
//! or N tasks of a job array share one sweep and `orgsim merge` puts it back together.
//!
//! The slice is a pure function of the resolved scenario and N: every point's cost is estimated
//! (`point_cost`), points are taken longest first (ties by point index) and each goes to the
//! shard with the least cost so far (ties to the lowest shard): greedy longest-processing-time
//! scheduling, which keeps the longest shard within 4/3 of the best possible split. Every shard
//! and the merge recompute it and get the same answer.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::super::types::Scenario;
use super::design::SweepPoints;

/// Shard `k` of `n` (1-based), as `--shard K/N` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ShardOf {
    /// Which shard, 1 ..= n.
    pub k: u32,
    /// How many shards.
    pub n: u32,
}

impl fmt::Display for ShardOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl FromStr for ShardOf {
    type Err = String;

    fn from_str(text: &str) -> Result<ShardOf, String> {
        let help = "give K/N with 1 <= K <= N, e.g. --shard 2/8 for the second of eight shards";
        let Some((k, n)) = text.split_once('/') else {
            return Err(format!("`{text}` is not K/N: {help}"));
        };
        let whole = |t: &str, what: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("{what} `{t}` is not a whole number: {help}"))
        };
        let (k, n) = (whole(k, "K")?, whole(n, "N")?);
        if n == 0 {
            return Err(format!(
                "N is 0, and a sweep needs at least one shard: {help}"
            ));
        }
        if k == 0 || k > n {
            return Err(format!(
                "shard {k} of {n} does not exist: K goes from 1 to {n} (the first shard is 1/{n})"
            ));
        }
        Ok(ShardOf { k, n })
    }
}

impl ShardOf {
    /// `shard-K-of-N`: the shard's folder name.
    pub fn folder_name(&self) -> String {
        format!("shard-{}-of-{}", self.k, self.n)
    }

    /// Reads `shard-K-of-N`.
    pub fn from_folder_name(name: &str) -> Option<ShardOf> {
        let rest = name.strip_prefix("shard-")?;
        let (k, n) = rest.split_once("-of-")?;
        format!("{k}/{n}").parse().ok()
    }

    /// Words for messages: `shard 2 of 8`.
    pub fn words(&self) -> String {
        format!("shard {} of {}", self.k, self.n)
    }
}

/// The estimated cost of running one point, in units of about one decision's work.
///
/// The engine visits only agents with work (`docs/performance.md`): a run costs about its
/// decisions (`rate × ticks`, each worked at least once) plus a little per tick, plus building
/// the org (about a twentieth of a decision per agent: 100,000 agents take 3.7 ms to build,
/// 1.4 million decisions a second are decided). Headcount × ticks would overstate large, lightly
/// loaded orgs a thousandfold.
pub fn point_cost(point: &Scenario) -> f64 {
    let ticks = f64::from(point.scenario.ticks);
    let reps = f64::from(point.scenario.replications);
    let per_org: f64 = point
        .orgs
        .iter()
        .map(|o| ticks * (point.work.rate.max(0.0) + 1.0) + o.headcount() as f64 / 20.0)
        .sum();
    reps * per_org
}

/// Greedy longest-first assignment of items with `costs` to `n` bins: the bin (0-based) of
/// each item. Deterministic: ties go to the lower item, then the lower bin.
pub fn assign(costs: &[f64], n: usize) -> Vec<usize> {
    let n = n.max(1);
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by(|&a, &b| costs[b].total_cmp(&costs[a]).then(a.cmp(&b)));
    let mut load = vec![0.0f64; n];
    let mut bin = vec![0usize; costs.len()];
    for item in order {
        let mut best = 0;
        for (i, &l) in load.iter().enumerate() {
            if l < load[best] {
                best = i;
            }
        }
        load[best] += costs[item].max(0.0);
        bin[item] = best;
    }
    bin
}

/// The shard (0-based) of every point of `s`'s sweep split `n` ways.
pub fn shard_of_points(s: &Scenario, points: &SweepPoints, n: u32) -> Result<Vec<usize>, String> {
    let costs = (0..points.len())
        .map(|k| points.scenario(s, k).map(|pt| point_cost(&pt)))
        .collect::<Result<Vec<f64>, String>>()?;
    Ok(assign(&costs, n as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_k_of_n_is_read_with_refusals_that_say_what_would_do() {
        assert_eq!("2/8".parse::<ShardOf>(), Ok(ShardOf { k: 2, n: 8 }));
        assert_eq!("1/1".parse::<ShardOf>(), Ok(ShardOf { k: 1, n: 1 }));
        let e = "9/8".parse::<ShardOf>().unwrap_err();
        assert!(
            e.contains("shard 9 of 8 does not exist: K goes from 1 to 8"),
            "{e}"
        );
        let e = "0/3".parse::<ShardOf>().unwrap_err();
        assert!(e.contains("the first shard is 1/3"), "{e}");
        assert!("3".parse::<ShardOf>().unwrap_err().contains("not K/N"));
        assert!("a/3".parse::<ShardOf>().unwrap_err().contains("K `a`"));
        assert!("1/0".parse::<ShardOf>().unwrap_err().contains("N is 0"));
        let s = ShardOf { k: 3, n: 12 };
        assert_eq!(ShardOf::from_folder_name(&s.folder_name()), Some(s));
        assert_eq!(ShardOf::from_folder_name("shard-4-of-3"), None);
    }

    #[test]
    fn longest_first_balances_cost_not_count_and_covers_every_item_once() {
        // One expensive item and many cheap ones: the expensive one gets a shard to itself.
        let costs = [1.0, 1.0, 10.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let bins = assign(&costs, 2);
        let load = |b: usize| -> f64 {
            (0..costs.len())
                .filter(|&i| bins[i] == b)
                .map(|i| costs[i])
                .sum()
        };
        assert_eq!(bins[2], 0);
        assert_eq!((load(0), load(1)), (10.0, 10.0));
        assert_eq!(bins.iter().filter(|&&b| b == 0).count(), 1);
        // Deterministic, and more shards than items leaves some empty.
        assert_eq!(assign(&costs, 2), bins);
        let many = assign(&[3.0, 2.0], 4);
        assert_eq!(many, [0, 1]);
        // The makespan stays within 4/3 of the lower bound on a spread of costs.
        let costs: Vec<f64> = (0..97).map(|i| 1.0 + f64::from((i * 37) % 23)).collect();
        let bins = assign(&costs, 7);
        let mut loads = [0.0; 7];
        for (i, &b) in bins.iter().enumerate() {
            loads[b] += costs[i];
        }
        let total: f64 = costs.iter().sum();
        let max = loads.iter().cloned().fold(0.0, f64::max);
        assert!(max <= total / 7.0 * 4.0 / 3.0, "{loads:?}");
    }
}
