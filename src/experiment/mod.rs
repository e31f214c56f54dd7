//! Orgs × replicates: preparing a run from a user's request, the parallel runner and its
//! progress display.
//!
//! Every run is independent and keyed only by `(seed, replicate)` and the org's settings, so
//! runs can go in any order on any number of threads; results are collected in
//! (org, replicate) order, which makes the output identical whatever the thread count.

mod interrupt;
mod merge;
mod prepare;
mod progress;
mod shard;
mod sweep;

pub use merge::{MergeError, MergeRequest, ShardProblem, merge, merge_command};
pub use prepare::{Finished, Prepared, RunFileError, RunRequest, prepare};
pub use shard::{SHARD_FILE, ShardFile, shard_dir, shards_dir};
pub use sweep::{SweepDone, SweepError, work_dir};

use progress::Progress;
use rayon::prelude::*;

use crate::engine::Engine;
use crate::metrics::RunOutput;
use crate::scenario::Scenario;

/// How to run a scenario.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads; `None`: one per core.
    pub threads: Option<usize>,
    /// Show a progress bar on a terminal for runs longer than a second.
    pub progress: bool,
}

/// Errors from running a scenario.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The thread pool could not be built.
    #[error("could not start {threads} worker threads: {source}")]
    Threads {
        /// How many threads were asked for.
        threads: usize,
        /// What rayon said.
        source: rayon::ThreadPoolBuildError,
    },
}

/// Run every org of `scenario` in every replicate; results in (org, replicate) order.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Vec<RunOutput>, RunError> {
    let reps = scenario.scenario.replications;
    let jobs: Vec<(usize, u32)> = (0..scenario.orgs.len())
        .flat_map(|o| (0..reps).map(move |r| (o, r)))
        .collect();
    let progress = Progress::new(jobs.len() as u64, options.progress);
    let work = || {
        jobs.par_iter()
            .map(|&(org, r)| {
                let out = Engine::new(scenario, org, r).run();
                progress.tick();
                out
            })
            .collect::<Vec<_>>()
    };
    let outputs = match options.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| RunError::Threads { threads, source })?
            .install(work),
        None => work(),
    };
    progress.done();
    Ok(outputs)
}
