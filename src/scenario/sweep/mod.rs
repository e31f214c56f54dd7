//! Sweeps: dotted paths into a scenario, the points a design makes of its axes, and the checks
//! that refuse, before any run, a sweep that could not finish (`docs/scenario-reference.md`
//! `[sweep]`).
//!
//! - `paths.rs`: what a path names and setting it (`apply`).
//! - `design.rs`: the points of a grid or a sampling design, and the scenario at each point.
//! - `check.rs`: located refusals, the memory estimate of a whole sweep.
//! - `shard.rs`: which points shard K of N runs, balanced by estimated cost.

mod check;
mod design;
mod paths;
mod shard;

pub use check::sweep_estimate_bytes;
#[cfg(test)]
pub(crate) use check::sweep_help;
pub(crate) use check::{check_sweep, refuse_memory};
pub use design::{DesignProblem, MORRIS_LEVELS, SweepPoints, fill_grid_values, rate_factor};
pub use paths::{PathKind, apply, path_kind, sweepable};
pub use shard::{ShardOf, assign, point_cost, shard_of_points};

use super::types::Scenario;

/// Number of points of `s`'s sweep (1 when there is no sweep; 0 when its design cannot be
/// drawn, which validation refuses).
pub fn point_count(s: &Scenario) -> usize {
    SweepPoints::new(s).map_or(0, |p| p.len())
}
