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
    /// A run's backlog outgrew the memory it may use (`docs/model.md` "Overload").
    #[error(
        "{where_} of org `{org}` is overloaded: its backlog grows by ~{growth:.0} decisions per tick; \
         the run was stopped at tick {tick} (replicate {replicate}) with {backlog} decisions waiting, \
         before it ran out of memory; nothing was written"
    )]
    Overloaded {
        /// The org.
        org: String,
        /// Where the backlog piles up: "the top (level 2)", "the first-line managers (level 1)",
        /// "the teams".
        where_: String,
        /// Mean growth of the backlog per tick until the stop.
        growth: f64,
        /// The tick the run was stopped at.
        tick: u32,
        /// The replicate.
        replicate: u32,
        /// Decisions in flight when stopped.
        backlog: u64,
    },
    /// Ctrl-C or SIGTERM stopped the runs.
    #[error("interrupted: the runs were stopped and nothing was written")]
    Interrupted,
}

/// What a guarded run watches as it goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Guard {
    /// Stop a run whose decisions in flight exceed this (see `scenario::backlog_cap`).
    pub backlog_cap: Option<u64>,
    /// Stop every run when Ctrl-C or SIGTERM arrives (the handler must be installed).
    pub interruptible: bool,
}

/// Why a guarded run stopped early.
enum Stop {
    Overloaded(RunError),
    Interrupted,
}

/// One run of `org` in replicate `r`, stopped early if `guard` says so.
fn guarded_run(scenario: &Scenario, org: usize, r: u32, guard: Guard) -> Result<RunOutput, Stop> {
    let mut engine = Engine::new(scenario, org, r);
    while !engine.finished() {
        let tick = engine.now();
        let backlog = engine.step().backlog;
        if guard.backlog_cap.is_some_and(|cap| backlog > cap) {
            let spec = &scenario.orgs[org];
            // Named as the overload diagnosis of a finished run names it (with `level_names`).
            let where_ = crate::metrics::overload::level_words(spec, engine.busiest_level());
            return Err(Stop::Overloaded(RunError::Overloaded {
                org: spec.name.clone(),
                where_,
                growth: backlog as f64 / f64::from(tick + 1),
                tick,
                replicate: r,
                backlog,
            }));
        }
        if guard.interruptible && tick.is_multiple_of(64) && interrupt::requested() {
            return Err(Stop::Interrupted);
        }
    }
    Ok(engine.finish())
}

/// [`run`], watched by `guard`: a run whose backlog outgrows its memory is stopped with a
/// diagnosis instead of being killed for lack of memory, and Ctrl-C stops every run.
pub fn run_guarded(
    scenario: &Scenario,
    options: &RunOptions,
    guard: Guard,
) -> Result<Vec<RunOutput>, RunError> {
    run_guarded_each(scenario, options, guard, &|_, _| {})
}

/// [`run_guarded`], handing each run to `finished` as soon as it ends, with its index in
/// (org, replicate) order, on the thread that ran it.
pub fn run_guarded_each(
    scenario: &Scenario,
    options: &RunOptions,
    guard: Guard,
    finished: &(dyn Fn(usize, &RunOutput) + Sync),
) -> Result<Vec<RunOutput>, RunError> {
    let reps = scenario.scenario.replications;
    let jobs: Vec<(usize, u32)> = (0..scenario.orgs.len())
        .flat_map(|o| (0..reps).map(move |r| (o, r)))
        .collect();
    let progress = Progress::new(jobs.len() as u64, options.progress);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Every thread takes the next run not yet started, so runs finish about in order and
    // few wait for an earlier one to reach `finished`'s file.
    let work = || {
        rayon::broadcast(|_| {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&(org, r)) = jobs.get(i) else {
                    return done;
                };
                // Once one run has stopped the others are not worth starting.
                if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    done.push((i, Err(Stop::Interrupted)));
                    continue;
                }
                let out = guarded_run(scenario, org, r, guard);
                match &out {
                    Ok(run) => finished(i, run),
                    Err(_) => stopped.store(true, std::sync::atomic::Ordering::Relaxed),
                }
                progress.tick();
                done.push((i, out));
            }
        })
    };
    let by_thread = match options.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| RunError::Threads { threads, source })?
            .install(work),
        None => work(),
    };
    let mut outputs: Vec<(usize, Result<RunOutput, Stop>)> =
        by_thread.into_iter().flatten().collect();
    outputs.sort_unstable_by_key(|&(i, _)| i);
    let outputs = outputs.into_iter().map(|(_, out)| out);
    progress.done();
    let mut runs = Vec::with_capacity(outputs.len());
    let mut interrupted = false;
    let mut overload = None;
    for out in outputs {
        match out {
            Ok(run) => runs.push(run),
            // The first overloaded run in (org, replicate) order is the one reported.
            Err(Stop::Overloaded(e)) => {
                overload.get_or_insert(e);
            }
            Err(Stop::Interrupted) => interrupted = true,
        }
    }
    if let Some(e) = overload {
        return Err(e);
    }
    if interrupted {
        return Err(RunError::Interrupted);
    }
    Ok(runs)
}

/// Run every org of `scenario` in every replicate; results in (org, replicate) order.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Vec<RunOutput>, RunError> {
    run_guarded(scenario, options, Guard::default())
}
