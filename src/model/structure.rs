//! The static shape of an org (`docs/model.md` "The world and the work", "Agents and
//! structures"): agents, levels, units, places and, for teams, the network.
//!
//! Agents are numbered frontline first. In a tree, level `l` holds `span^(levels-1-l)` agents
//! and agent `j` of level `l` reports to agent `j / span` of level `l + 1`. In teams, agent
//! `t * team_size + m` is member `m` of team `t`; every agent is frontline.

use crate::model::rng::{self, Purpose};
use crate::scenario::{Network, OrgSpec, Structure};

/// Marks "no agent" in `u32` agent fields.
pub const NONE: u32 = u32::MAX;

/// The shape of an org and each agent's fixed attributes (structs of arrays, by agent index).
#[derive(Debug, Clone)]
pub struct Shape {
    /// Number of levels (1 for teams).
    pub levels: u32,
    /// First agent index of each level, plus the total at the end.
    pub level_start: Vec<u32>,
    /// Frontline agents (level 0): the places are split among them.
    pub frontline: u32,
    /// Frontline agents per unit (a tree's span, or the team size).
    pub unit_size: u32,
    /// Number of units.
    pub units: u32,
    /// `Some(span)` for a tree, `None` for teams.
    pub span: Option<u32>,
    /// Capacity, authority and starting competence of each level, frontline first: every agent
    /// of a level has the same, so the values are kept once per level, not per agent.
    pub level_capacity: Vec<f64>,
    pub level_authority: Vec<f64>,
    pub level_competence: Vec<f64>,
    pub level: Vec<u8>,
    /// For teams: the neighbouring teams of each team, ascending.
    pub neighbours: Neighbours,
}

/// The teams network as flat arrays (compressed rows): team `t`'s neighbours are
/// `targets[offsets[t]..offsets[t + 1]]`, ascending. One allocation for the whole network
/// instead of one per team, and a team's list next to the next team's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Neighbours {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Neighbours {
    /// The network from one list of neighbours per team.
    pub fn from_lists(lists: &[Vec<u32>]) -> Neighbours {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut targets = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        offsets.push(0);
        for list in lists {
            targets.extend_from_slice(list);
            offsets.push(targets.len() as u32);
        }
        Neighbours { offsets, targets }
    }

    /// The neighbouring teams of team `team`, ascending (empty for a team out of range).
    pub fn of(&self, team: u32) -> &[u32] {
        let t = team as usize;
        match (self.offsets.get(t), self.offsets.get(t + 1)) {
            (Some(&lo), Some(&hi)) => &self.targets[lo as usize..hi as usize],
            _ => &[],
        }
    }

    /// Every team's neighbours, team by team.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.teams() as u32).map(|t| self.of(t))
    }

    /// Number of teams in the network (0 for a tree).
    pub fn teams(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
}

impl Shape {
    /// Build the shape of `org`; `seed` and `replicate` key the small-world rewiring.
    pub fn build(org: &OrgSpec, seed: u64, replicate: u32) -> Shape {
        match org.structure {
            Structure::Tree { span, levels } => Self::tree(org, span.max(1), levels.max(1)),
            Structure::Teams {
                teams,
                team_size,
                network,
            } => Self::teams(
                org,
                teams.max(1),
                team_size.max(1),
                network,
                seed,
                replicate,
            ),
        }
    }

    fn tree(org: &OrgSpec, span: u32, levels: u32) -> Shape {
        let sizes: Vec<u32> = (0..levels).map(|l| span.pow(levels - 1 - l)).collect();
        let mut level_start = Vec::with_capacity(levels as usize + 1);
        let mut total = 0u32;
        for s in &sizes {
            level_start.push(total);
            total += s;
        }
        level_start.push(total);
        let n = total as usize;
        let mut shape = Shape {
            levels,
            level_start,
            frontline: sizes[0],
            unit_size: if levels >= 2 { span } else { 1 },
            units: if levels >= 2 { sizes[1] } else { 1 },
            span: Some(span),
            level_capacity: (0..levels).map(|l| org.capacity.at(l)).collect(),
            level_authority: (0..levels).map(|l| org.authority.at(l)).collect(),
            level_competence: (0..levels).map(|l| org.competence.at(l)).collect(),
            level: Vec::with_capacity(n),
            neighbours: Neighbours::default(),
        };
        for l in 0..levels {
            let size = sizes[l as usize] as usize;
            shape.level.extend(std::iter::repeat_n(l as u8, size));
        }
        shape
    }

    fn teams(
        org: &OrgSpec,
        teams: u32,
        team_size: u32,
        network: Network,
        seed: u64,
        replicate: u32,
    ) -> Shape {
        let n = (teams * team_size) as usize;
        Shape {
            levels: 1,
            level_start: vec![0, n as u32],
            frontline: n as u32,
            unit_size: team_size,
            units: teams,
            span: None,
            level_capacity: vec![org.capacity.at(0)],
            level_authority: vec![org.authority.at(0)],
            level_competence: vec![org.competence.at(0)],
            level: vec![0; n],
            neighbours: Neighbours::from_lists(&wire(teams, network, seed, replicate)),
        }
    }

    /// Agent `a`'s manager in a tree (`NONE` for the top, and in teams): the `j`-th agent of
    /// level `l` reports to the `j / span`-th of level `l + 1`. Worked out from the level
    /// bounds rather than kept per agent: in a big org a table of managers is one more read
    /// from memory for every decision referred up.
    #[inline]
    pub fn parent(&self, a: u32) -> u32 {
        self.parent_at(a, self.level_of(a))
    }

    /// [`Shape::parent`] of `a`, whose level `level` the caller knows: without looking it up
    /// in the level bounds.
    #[inline]
    pub fn parent_at(&self, a: u32, level: u32) -> u32 {
        debug_assert!(self.span.is_none() || level == self.level_of(a));
        let Some(span) = self.span else {
            return NONE;
        };
        let l = level as usize;
        if l + 1 >= self.levels as usize {
            return NONE;
        }
        self.level_start[l + 1] + (a - self.level_start[l]) / span
    }

    /// Agent `a`'s level (0: frontline), from the level bounds: as `level[a]`, without reading
    /// a per-agent table (in a big org, a read from memory).
    #[inline]
    pub fn level_of(&self, a: u32) -> u32 {
        // `level_start` ends with the headcount: the levels ending at or before `a` are the
        // ones below it.
        self.level_start[1..].partition_point(|&end| end <= a) as u32
    }

    /// Total number of agents.
    pub fn agents(&self) -> usize {
        self.level.len()
    }

    /// Agent `a`'s capacity: effort it can spend a tick.
    pub fn capacity(&self, a: u32) -> f64 {
        self.level_capacity[self.level[a as usize] as usize]
    }

    /// The competence each agent starts with, by agent index.
    pub fn competence0(&self) -> Vec<f64> {
        crate::model::pages::per_agent(self.level.len(), |a| {
            self.level_competence[self.level[a] as usize]
        })
    }

    /// Whether this is a tree.
    pub fn is_tree(&self) -> bool {
        self.span.is_some()
    }

    /// The top agent of a tree.
    pub fn top(&self) -> u32 {
        self.level_start[self.levels as usize - 1]
    }

    /// The agents at `level`.
    pub fn level_agents(&self, level: u32) -> std::ops::Range<u32> {
        self.level_start[level as usize]..self.level_start[level as usize + 1]
    }

    /// The frontline agent whose slice of the world holds `place`.
    pub fn frontline_at(&self, place: f64) -> u32 {
        ((place * self.frontline as f64) as u32).min(self.frontline - 1)
    }

    /// The unit a frontline agent belongs to.
    pub fn unit_of_frontline(&self, agent: u32) -> u32 {
        agent / self.unit_size
    }

    /// The unit of any agent in teams (its team).
    pub fn team_of(&self, agent: u32) -> u32 {
        agent / self.unit_size
    }

    /// Members of team `t`.
    pub fn team_members(&self, team: u32) -> std::ops::Range<u32> {
        team * self.unit_size..(team + 1) * self.unit_size
    }

    /// In a tree, the first-line manager leading unit `u` (the agent itself in a one-level tree).
    pub fn unit_manager(&self, unit: u32) -> u32 {
        if self.levels >= 2 {
            self.level_start[1] + unit
        } else {
            0
        }
    }

    /// In a tree, the frontline agents under `agent`, as a range of frontline indices.
    pub fn subtree_frontline(&self, agent: u32) -> std::ops::Range<u32> {
        let l = self.level_of(agent);
        let j = agent - self.level_start[l as usize];
        let width = self.span.unwrap_or(1).pow(l);
        j * width..(j + 1) * width
    }

    /// The units a decider is responsible for, as a range of unit indices: a tree agent's
    /// subtree (a frontline agent: its own unit), or a team member's team.
    pub fn domain_units(&self, agent: u32) -> std::ops::Range<u32> {
        match self.span {
            None => {
                let t = self.team_of(agent);
                t..t + 1
            }
            Some(_) => {
                let fl = self.subtree_frontline(agent);
                let first = fl.start / self.unit_size;
                let last = (fl.end - 1) / self.unit_size;
                first..last + 1
            }
        }
    }

    /// Frontline agents touched by a decision at `locus` with `reach`: `(first, count)` on the
    /// circle of frontline agents (it may wrap past the last one to the first).
    pub fn touched_frontline(&self, locus: f64, reach: f64) -> (u32, u32) {
        let f = self.frontline;
        let first = self.frontline_at(locus);
        if reach <= 0.0 {
            return (first, 1);
        }
        // The last place touched is just below locus + reach; slices are half-open.
        let end = (locus + reach) * f as f64;
        let last_abs = (end.ceil() as i64 - 1).max(first as i64) as u64;
        let count = (last_abs - first as u64 + 1).min(f as u64) as u32;
        (first, count)
    }

    /// Units touched by a decision: `(first, count)` on the circle of units.
    pub fn touched_units(&self, locus: f64, reach: f64) -> (u32, u32) {
        let (first, count) = self.touched_frontline(locus, reach);
        let k = self.unit_size;
        let first_u = first / k;
        let last_abs = (first + count - 1) / k;
        let count_u = (last_abs - first_u + 1).min(self.units);
        (first_u, count_u)
    }

    /// In a tree, the lowest level whose single agent holds every touched frontline agent.
    pub fn lowest_common_level(&self, locus: f64, reach: f64) -> u32 {
        let Some(span) = self.span else { return 0 };
        let (first, count) = self.touched_frontline(locus, reach);
        let (lo, hi) = if first as u64 + count as u64 > self.frontline as u64 {
            (0, self.frontline - 1)
        } else {
            (first, first + count - 1)
        };
        let mut level = 0;
        let (mut a, mut b) = (lo, hi);
        while a != b && level + 1 < self.levels {
            a /= span;
            b /= span;
            level += 1;
        }
        level
    }

    /// The share of a decision's reach `[locus, locus + reach)` that lies in unit `u`.
    pub fn unit_share_of_reach(&self, unit: u32, locus: f64, reach: f64) -> f64 {
        if reach <= 0.0 {
            return 0.0;
        }
        let width = self.unit_size as f64 / self.frontline as f64;
        let (u0, u1) = (unit as f64 * width, (unit + 1) as f64 * width);
        let mut overlap = 0.0;
        // The reach may wrap once past 1; look at both copies of the unit on the circle.
        for shift in [0.0, 1.0] {
            let lo = (u0 + shift).max(locus);
            let hi = (u1 + shift).min(locus + reach);
            if hi > lo {
                overlap += hi - lo;
            }
        }
        (overlap / reach).min(1.0)
    }
}

/// The links made so far while wiring, hashed by SplitMix64 (a link is already a well-spread
/// pair of team indices; the default hasher's DoS resistance is not needed here).
type LinkSet = std::collections::HashSet<u64, std::hash::BuildHasherDefault<MixHasher>>;

/// A hasher for one `u64` at a time: SplitMix64's finaliser.
#[derive(Default)]
struct MixHasher(u64);

impl std::hash::Hasher for MixHasher {
    fn finish(&self) -> u64 {
        rng::mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b) ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

/// Wire `teams` teams into a network. Small-world: a ring lattice where each team links to
/// `degree / 2` neighbours on each side, then each link is rewired with probability `rewire`
/// (Watts–Strogatz), keyed by team so it is the same for every org with the same settings.
pub fn wire(teams: u32, network: Network, seed: u64, replicate: u32) -> Vec<Vec<u32>> {
    let n = teams as usize;
    let (half, rewire) = match network {
        Network::Complete => (n as u32, 0.0),
        Network::Ring => (1, 0.0),
        Network::SmallWorld { degree, rewire } => (degree.div_ceil(2).max(1), rewire),
    };
    // Each team makes `half` links and takes as many from others, give or take a rewiring:
    // room for them from the start, instead of growing every list and the set.
    let per_team = (2 * half as usize).min(n.saturating_sub(1));
    let mut adj: Vec<Vec<u32>> = (0..n).map(|_| Vec::with_capacity(per_team)).collect();
    // Links made so far, for constant-time duplicate checks (a linear scan of a team's list
    // made wiring a dense network cubic in the teams). Only looked up, never iterated, and the
    // lists are sorted at the end, so the network is the same as with the scan.
    let mut made = LinkSet::with_capacity_and_hasher(n * per_team / 2, Default::default());
    let edge = |a: u32, b: u32| (u64::from(a.min(b)) << 32) | u64::from(a.max(b));
    let link = |adj: &mut Vec<Vec<u32>>, made: &mut LinkSet, a: u32, b: u32| {
        if a != b && made.insert(edge(a, b)) {
            adj[a as usize].push(b);
            adj[b as usize].push(a);
        }
    };
    if n > 1 && (half as usize * 2 >= n - 1) {
        // A degree of teams - 1 or more links every team to every other.
        for a in 0..teams {
            for b in a + 1..teams {
                link(&mut adj, &mut made, a, b);
            }
        }
    } else if n > 1 {
        for a in 0..teams {
            for k in 1..=half {
                let b = (a + k) % teams;
                let draw = rng::uniform(rng::key(
                    seed,
                    replicate,
                    a as u64,
                    Purpose::Wiring,
                    k as u64,
                ));
                if draw < rewire {
                    // Rewire to a team chosen by a second keyed draw; skip self and duplicates
                    // by probing forward, which keeps the choice deterministic.
                    let pick = rng::uniform(rng::key(
                        seed,
                        replicate,
                        a as u64,
                        Purpose::Wiring,
                        1_000_000 + k as u64,
                    ));
                    let mut c = (pick * teams as f64) as u32 % teams;
                    let mut tries = 0;
                    while (c == a || made.contains(&edge(a, c))) && tries < teams {
                        c = (c + 1) % teams;
                        tries += 1;
                    }
                    if tries < teams {
                        link(&mut adj, &mut made, a, c);
                        continue;
                    }
                }
                link(&mut adj, &mut made, a, b);
            }
        }
    }
    for list in &mut adj {
        list.sort_unstable();
    }
    adj
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::OrgSpec;

    #[test]
    fn every_manager_has_span_reports_in_index_order_one_level_up() {
        for (span, levels) in [(2, 1), (2, 2), (3, 4), (5, 3), (10, 4)] {
            let s = Shape::build(&OrgSpec::tree("t", span, levels), 1, 0);
            let mut reports = vec![Vec::new(); s.agents()];
            for a in 0..s.agents() as u32 {
                let p = s.parent(a);
                let l = s.level[a as usize];
                assert_eq!(s.level_of(a), u32::from(l), "span {span}: {a}'s level");
                if u32::from(l) + 1 == levels {
                    assert_eq!(p, NONE, "span {span}, levels {levels}: the top {a}");
                } else {
                    assert_eq!(s.level[p as usize], l + 1, "span {span}: {a}'s manager {p}");
                    reports[p as usize].push(a);
                }
            }
            for (m, r) in reports.iter().enumerate() {
                if s.level[m] > 0 {
                    assert_eq!(r.len(), span as usize, "span {span}: manager {m}");
                    assert!(r.windows(2).all(|w| w[1] == w[0] + 1), "manager {m}: {r:?}");
                }
            }
        }
        let teams = Shape::build(&OrgSpec::teams("x", 3, 4, Default::default()), 1, 0);
        assert!((0..12).all(|a| teams.parent(a) == NONE && teams.level_of(a) == 0));
    }

    #[test]
    fn tree_levels_and_parents() {
        let s = Shape::build(&OrgSpec::tree("t", 3, 3), 1, 0);
        assert_eq!(s.agents(), 9 + 3 + 1);
        assert_eq!(s.frontline, 9);
        assert_eq!(s.top(), 12);
        assert_eq!(s.parent(0), 9);
        assert_eq!(s.parent(8), 11);
        assert_eq!(s.parent(11), 12);
        assert_eq!(s.parent(12), NONE);
        assert_eq!(s.units, 3);
        assert_eq!(s.subtree_frontline(10), 3..6);
        assert_eq!(s.domain_units(12), 0..3);
        assert_eq!(s.domain_units(4), 1..2);
    }

    #[test]
    fn touched_and_common_level() {
        let s = Shape::build(&OrgSpec::tree("t", 3, 3), 1, 0);
        // One agent's slice is 1/9 wide.
        assert_eq!(s.touched_frontline(0.05, 0.0), (0, 1));
        assert_eq!(s.touched_frontline(0.05, 0.05), (0, 1));
        assert_eq!(s.touched_frontline(0.05, 0.1), (0, 2));
        assert_eq!(s.lowest_common_level(0.05, 0.0), 0);
        assert_eq!(s.lowest_common_level(0.05, 0.1), 1);
        assert_eq!(s.lowest_common_level(0.30, 0.1), 2);
        // Wrapping past 1 touches the last and the first agent: only the top holds both.
        assert_eq!(s.touched_frontline(0.95, 0.1), (8, 2));
        assert_eq!(s.lowest_common_level(0.95, 0.1), 2);
        assert_eq!(s.touched_units(0.95, 0.1), (2, 2));
    }

    #[test]
    fn unit_shares_sum_to_one() {
        let s = Shape::build(&OrgSpec::tree("t", 3, 3), 1, 0);
        let (locus, reach) = (0.9, 0.4);
        let total: f64 = (0..3).map(|u| s.unit_share_of_reach(u, locus, reach)).sum();
        assert!((total - 1.0).abs() < 1e-12, "{total}");
    }

    #[test]
    fn networks_have_expected_degree() {
        let ring = wire(10, Network::Ring, 1, 0);
        assert!(ring.iter().all(|n| n.len() == 2));
        let complete = wire(6, Network::Complete, 1, 0);
        assert!(complete.iter().all(|n| n.len() == 5));
        let lattice = wire(
            20,
            Network::SmallWorld {
                degree: 4,
                rewire: 0.0,
            },
            1,
            0,
        );
        assert!(lattice.iter().all(|n| n.len() == 4));
        let sw = wire(
            200,
            Network::SmallWorld {
                degree: 4,
                rewire: 0.2,
            },
            1,
            0,
        );
        let links: usize = sw.iter().map(|n| n.len()).sum();
        // Rewiring can land on an existing link (then it is dropped), so allow a little loss.
        assert!((200 * 4 * 95 / 100..=200 * 4).contains(&links), "{links}");
        assert_eq!(
            sw,
            wire(
                200,
                Network::SmallWorld {
                    degree: 4,
                    rewire: 0.2
                },
                1,
                0
            )
        );
    }
}
