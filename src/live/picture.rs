//! The picture of an organisation: a tree drawn as a tree, teams as their network.
//!
//! A picture is a list of nodes, each a contiguous range of agents drawn as one circle, laid
//! out in the unit square. An org small enough is drawn node by node; a larger one is drawn
//! with the agents of a crowded level (or neighbouring teams) merged, so a row never holds
//! more circles than a projector can show apart.

use serde::Serialize;

use crate::model::structure::Shape;

/// Most circles in one row of a tree picture.
pub const MAX_ROW: u32 = 40;
/// Most circles in a teams picture.
pub const MAX_TEAMS: u32 = 60;

/// One circle: agents `first .. first + count`, all at `level`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    pub first: u32,
    pub count: u32,
    pub level: u32,
    /// Index of the node drawn above it (a tree's manager), if any.
    pub parent: Option<u32>,
    /// Position in the unit square: x from the left, y from the top.
    pub x: f64,
    pub y: f64,
}

/// How a picture is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// A tree: the top in the first row, the frontline in the last.
    Rows,
    /// Teams on a circle, linked by their network.
    Ring,
}

/// The picture of one org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Picture {
    pub layout: Layout,
    pub levels: u32,
    pub nodes: Vec<Node>,
    /// Links drawn between nodes: manager to report, or team to neighbouring team.
    pub edges: Vec<[u32; 2]>,
    /// The node holding the top agent of a tree.
    pub top: Option<u32>,
    /// Agents per circle at each level (1: drawn node by node), frontline first.
    pub per_node: Vec<u32>,
}

impl Picture {
    /// The picture of an org of this shape.
    pub fn of(shape: &Shape) -> Picture {
        match shape.span {
            Some(span) => tree(shape, span.max(1)),
            None => teams(shape),
        }
    }

    /// For every node, the decisions queued at its agents and how many of them are away.
    pub fn state(&self, queued: &[u32], away: impl Fn(u32) -> bool) -> Vec<(u32, u32)> {
        self.nodes
            .iter()
            .map(|n| {
                let agents = n.first..n.first + n.count;
                let q = agents.clone().map(|a| queued[a as usize]).sum();
                let gone = agents.filter(|&a| away(a)).count() as u32;
                (q, gone)
            })
            .collect()
    }
}

fn tree(shape: &Shape, span: u32) -> Picture {
    let levels = shape.levels;
    let frontline = shape.frontline as f64;
    // Agents per circle at each level: the smallest power of the span that keeps a row short.
    let group: Vec<u32> = (0..levels)
        .map(|l| {
            let count = shape.level_agents(l).len() as u32;
            let mut g = 1u32;
            while count / g > MAX_ROW && span > 1 && g.saturating_mul(span) <= count {
                g *= span;
            }
            g
        })
        .collect();
    // Node index of the first circle of each level, built top level first.
    let mut first_node = vec![0u32; levels as usize];
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for l in (0..levels).rev() {
        first_node[l as usize] = nodes.len() as u32;
        let range = shape.level_agents(l);
        let count = range.len() as u32;
        let g = group[l as usize];
        let width = span.saturating_pow(l) as f64;
        let row = levels - 1 - l;
        let y = if levels == 1 {
            0.5
        } else {
            0.08 + 0.84 * row as f64 / (levels - 1) as f64
        };
        for i in 0..count.div_ceil(g) {
            let j = i * g;
            let n = g.min(count - j);
            let mid = (j as f64 + n as f64 / 2.0) * width;
            let parent = (l + 1 < levels).then(|| {
                let up = (j / span) / group[l as usize + 1];
                first_node[l as usize + 1] + up
            });
            let index = nodes.len() as u32;
            if let Some(p) = parent {
                edges.push([p, index]);
            }
            nodes.push(Node {
                first: range.start + j,
                count: n,
                level: l,
                parent,
                x: mid / frontline,
                y,
            });
        }
    }
    Picture {
        layout: Layout::Rows,
        levels,
        nodes,
        edges,
        top: Some(0),
        per_node: group,
    }
}

fn teams(shape: &Shape) -> Picture {
    let teams = shape.units;
    let g = teams.div_ceil(MAX_TEAMS).max(1);
    let circles = teams.div_ceil(g);
    let size = shape.unit_size;
    let nodes: Vec<Node> = (0..circles)
        .map(|i| {
            let first_team = i * g;
            let n = g.min(teams - first_team);
            let angle =
                std::f64::consts::TAU * i as f64 / circles as f64 - std::f64::consts::FRAC_PI_2;
            let r = if circles == 1 { 0.0 } else { 0.42 };
            Node {
                first: first_team * size,
                count: n * size,
                level: 0,
                parent: None,
                x: 0.5 + r * angle.cos(),
                y: 0.5 + r * angle.sin(),
            }
        })
        .collect();
    let mut edges: Vec<[u32; 2]> = shape
        .neighbours
        .iter()
        .enumerate()
        .flat_map(|(t, ns)| {
            let a = t as u32 / g;
            ns.iter().map(move |&b| (a, b / g))
        })
        .filter(|&(a, b)| a < b)
        .map(|(a, b)| [a, b])
        .collect();
    edges.sort_unstable();
    edges.dedup();
    Picture {
        layout: Layout::Ring,
        levels: 1,
        nodes,
        edges,
        top: None,
        per_node: vec![g * size],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Network, OrgSpec};

    #[test]
    fn a_small_tree_is_drawn_agent_by_agent() {
        let shape = Shape::build(&OrgSpec::tree("t", 3, 3), 1, 0);
        let p = Picture::of(&shape);
        assert_eq!(p.nodes.len(), 13);
        assert_eq!(p.per_node, vec![1, 1, 1]);
        // The top comes first, on the first row, above the middle of the frontline.
        assert_eq!((p.nodes[0].first, p.nodes[0].level), (shape.top(), 2));
        assert!((p.nodes[0].x - 0.5).abs() < 1e-12);
        assert!(p.nodes[0].y < p.nodes[1].y && p.nodes[1].y < p.nodes[12].y);
        // Every node's parent holds the manager of its first agent.
        for n in &p.nodes[1..] {
            let parent = &p.nodes[n.parent.unwrap() as usize];
            let manager = shape.parent(n.first);
            assert!((parent.first..parent.first + parent.count).contains(&manager));
        }
        assert_eq!(p.edges.len(), 12);
    }

    #[test]
    fn a_crowded_frontline_is_drawn_by_unit() {
        // The quickstart's tree: 216 frontline agents under 36 first-line managers.
        let shape = Shape::build(&OrgSpec::tree("t", 6, 4), 1, 0);
        let p = Picture::of(&shape);
        assert_eq!(p.per_node, vec![6, 1, 1, 1]);
        assert_eq!(p.nodes.len(), 36 + 36 + 6 + 1);
        let frontline: Vec<&Node> = p.nodes.iter().filter(|n| n.level == 0).collect();
        assert_eq!(frontline.iter().map(|n| n.count).sum::<u32>(), 216);
        // Each frontline circle sits under its own manager.
        for n in &frontline {
            let parent = &p.nodes[n.parent.unwrap() as usize];
            assert_eq!(parent.count, 1);
            assert_eq!(parent.first, shape.parent(n.first));
            assert!((parent.x - n.x).abs() < 1e-12);
        }
    }

    #[test]
    fn every_agent_is_in_exactly_one_node() {
        for org in [
            OrgSpec::tree("a", 7, 5),
            OrgSpec::tree("b", 1, 3),
            OrgSpec::tree("c", 4, 1),
            OrgSpec::teams("d", 43, 6, Network::default()),
            OrgSpec::teams("e", 500, 4, Network::Ring),
        ] {
            let shape = Shape::build(&org, 1, 0);
            let p = Picture::of(&shape);
            let mut covered = vec![0u8; shape.agents()];
            for n in &p.nodes {
                for a in n.first..n.first + n.count {
                    covered[a as usize] += 1;
                }
            }
            assert!(covered.iter().all(|&c| c == 1), "{}", org.name);
            let row_max = (0..p.levels)
                .map(|l| p.nodes.iter().filter(|n| n.level == l).count())
                .max()
                .unwrap();
            assert!(row_max as u32 <= MAX_ROW.max(MAX_TEAMS), "{}", org.name);
        }
    }

    #[test]
    fn teams_are_a_ring_linked_by_their_network() {
        let shape = Shape::build(&OrgSpec::teams("d", 10, 3, Network::Ring), 1, 0);
        let p = Picture::of(&shape);
        assert_eq!(p.layout, Layout::Ring);
        assert_eq!(p.nodes.len(), 10);
        assert_eq!(p.edges.len(), 10, "a ring of ten teams has ten links");
        let merged = Picture::of(&Shape::build(
            &OrgSpec::teams("e", 500, 4, Network::Ring),
            1,
            0,
        ));
        assert_eq!(merged.per_node, vec![9 * 4]);
        assert_eq!(merged.nodes.len(), 56);
        assert!(merged.edges.iter().all(|[a, b]| a < b));
    }

    #[test]
    fn state_sums_queues_and_counts_the_away() {
        let shape = Shape::build(&OrgSpec::tree("t", 6, 4), 1, 0);
        let p = Picture::of(&shape);
        let mut queued = vec![0u32; shape.agents()];
        queued[0] = 2;
        queued[5] = 3;
        queued[shape.top() as usize] = 7;
        let top = shape.top();
        let s = p.state(&queued, |a| a == top || a == 1);
        assert_eq!(s[0], (7, 1), "the top node");
        let unit0 = p.nodes.iter().position(|n| n.level == 0).unwrap();
        assert_eq!(s[unit0], (5, 1), "the first unit: agents 0 to 5");
    }
}
