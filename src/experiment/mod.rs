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
use crate::scenario::{self, Scenario};

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
        if let Some(stop) = overloaded(scenario, org, r, &engine, tick, backlog, guard) {
            return Err(stop);
        }
        if interrupted(tick, guard) {
            return Err(Stop::Interrupted);
        }
    }
    Ok(engine.finish())
}

/// The runs of every org of replicate `r` side by side, each stopped early if `guard` says so
/// (the others go on): each tick's arrivals are drawn once, by the first org still running,
/// and handed to the others, which face the very same work (`docs/model.md` "Randomness and
/// fairness"). So each result is [`guarded_run`]'s for its org, with the work drawn once
/// instead of once per org. One result per org, in org order.
fn guarded_side_by_side(scenario: &Scenario, r: u32, guard: Guard) -> Vec<Result<RunOutput, Stop>> {
    let orgs = scenario.orgs.len();
    // Each org's engine while it runs, why it stopped once it has.
    let mut runs: Vec<Result<Engine, Stop>> = (0..orgs)
        .map(|org| Ok(Engine::new(scenario, org, r)))
        .collect();
    let mut backlogs: Vec<(usize, u64)> = Vec::with_capacity(orgs);
    while let Some(lead) = runs.iter().position(Result::is_ok) {
        let (drawn, rest) = runs.split_at_mut(lead + 1);
        let Ok(first) = &mut drawn[lead] else {
            break;
        };
        if first.finished() {
            break;
        }
        let tick = first.now();
        backlogs.push((lead, first.step().backlog));
        let arrivals = first.arrivals();
        for (i, run) in rest.iter_mut().enumerate() {
            if let Ok(engine) = run {
                backlogs.push((lead + 1 + i, engine.step_sharing(arrivals).backlog));
            }
        }
        for (org, backlog) in backlogs.drain(..) {
            let Ok(engine) = &runs[org] else {
                continue;
            };
            if let Some(why) = overloaded(scenario, org, r, engine, tick, backlog, guard) {
                runs[org] = Err(why);
            }
        }
        if interrupted(tick, guard) {
            for run in runs.iter_mut().filter(|run| run.is_ok()) {
                *run = Err(Stop::Interrupted);
            }
        }
    }
    runs.into_iter()
        .map(|run| run.map(Engine::finish))
        .collect()
}

/// Why `engine` (of `org` in replicate `r`) must stop after `tick`, if its `backlog` passed
/// the guard's cap: it would run out of memory.
fn overloaded(
    scenario: &Scenario,
    org: usize,
    r: u32,
    engine: &Engine,
    tick: u32,
    backlog: u64,
    guard: Guard,
) -> Option<Stop> {
    if guard.backlog_cap.is_none_or(|cap| backlog <= cap) {
        return None;
    }
    let spec = &scenario.orgs[org];
    // Named as the overload diagnosis of a finished run names it (with `level_names`).
    let where_ = crate::metrics::overload::level_words(spec, engine.busiest_level());
    Some(Stop::Overloaded(RunError::Overloaded {
        org: spec.name.clone(),
        where_,
        growth: backlog as f64 / f64::from(tick + 1),
        tick,
        replicate: r,
        backlog,
    }))
}

/// Whether Ctrl-C has stopped the runs, looked at every 64 ticks.
fn interrupted(tick: u32, guard: Guard) -> bool {
    guard.interruptible && tick.is_multiple_of(64) && interrupt::requested()
}

/// One job of runs: a run of one org, or every org of a replicate side by side.
#[derive(Debug, Clone, Copy)]
enum Job {
    Run { org: usize, replicate: u32 },
    SideBySide { replicate: u32 },
}

impl Job {
    /// The jobs of `scenario`, in (org, replicate) order of their first runs, to keep
    /// `threads` threads busy (0 when other work does, as a sweep's other points): a
    /// replicate's orgs side by side when [`scenario::orgs_side_by_side`] allows it and there
    /// are replicates enough (two per thread) that fewer, longer jobs still keep every thread
    /// busy to the end; else one job per run.
    fn all(scenario: &Scenario, threads: usize) -> Vec<Job> {
        let reps = scenario.scenario.replications;
        if scenario::orgs_side_by_side(scenario) && reps as usize >= 2 * threads {
            (0..reps)
                .map(|replicate| Job::SideBySide { replicate })
                .collect()
        } else {
            (0..scenario.orgs.len())
                .flat_map(|org| (0..reps).map(move |replicate| Job::Run { org, replicate }))
                .collect()
        }
    }

    /// The job's runs: each org and replicate, and its outcome.
    fn run(
        self,
        scenario: &Scenario,
        guard: Guard,
    ) -> Vec<((usize, u32), Result<RunOutput, Stop>)> {
        let outcomes = match self {
            Job::Run { org, replicate } => vec![guarded_run(scenario, org, replicate, guard)],
            Job::SideBySide { replicate } => guarded_side_by_side(scenario, replicate, guard),
        };
        self.runs(scenario).into_iter().zip(outcomes).collect()
    }

    /// The org and replicate of each of the job's runs, in org order.
    fn runs(self, scenario: &Scenario) -> Vec<(usize, u32)> {
        match self {
            Job::Run { org, replicate } => vec![(org, replicate)],
            Job::SideBySide { replicate } => (0..scenario.orgs.len())
                .map(|org| (org, replicate))
                .collect(),
        }
    }
}

/// The index of the run of `org` in `replicate` in (org, replicate) order.
fn run_index(scenario: &Scenario, (org, replicate): (usize, u32)) -> usize {
    org * scenario.scenario.replications as usize + replicate as usize
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
    let threads = options.threads.unwrap_or_else(rayon::current_num_threads);
    let jobs = Job::all(scenario, threads);
    let runs = scenario.orgs.len() * scenario.scenario.replications as usize;
    let progress = Progress::new(runs as u64, options.progress);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Every thread takes the next job not yet started, so runs finish about in order and
    // few wait for an earlier one to reach `finished`'s file.
    let work = || {
        rayon::broadcast(|_| {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&job) = jobs.get(i) else {
                    return done;
                };
                // Once one run has stopped the others are not worth starting.
                if stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    done.extend(
                        job.runs(scenario)
                            .into_iter()
                            .map(|run| (run_index(scenario, run), Err(Stop::Interrupted))),
                    );
                    continue;
                }
                for (run, out) in job.run(scenario, guard) {
                    let i = run_index(scenario, run);
                    match &out {
                        Ok(run) => finished(i, run),
                        Err(_) => stopped.store(true, std::sync::atomic::Ordering::Relaxed),
                    }
                    progress.tick();
                    done.push((i, out));
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{OrgSpec, PerLevel};

    /// A tree that keeps up with 8 decisions a tick and one whose top decides everything at
    /// one a tick, side by side, under a cap on the decisions in flight.
    fn one_keeps_up_one_does_not() -> Scenario {
        let mut fine = OrgSpec::tree("Keeps up", 4, 2);
        fine.capacity = PerLevel::Levels(vec![4.0, 8.0]);
        let mut jammed = OrgSpec::tree("Jammed", 4, 2);
        jammed.authority = PerLevel::Levels(vec![0.0, 1.0]);
        jammed.capacity = PerLevel::Levels(vec![5.0, 1.0]);
        let mut s = Scenario::new("overload", 300, 8.0, vec![jammed, fine]);
        s.scenario.replications = 2;
        s
    }

    #[test]
    fn an_org_stopped_side_by_side_stops_where_it_would_alone_and_the_others_go_on() {
        let s = one_keeps_up_one_does_not();
        assert!(scenario::orgs_side_by_side(&s));
        let guard = Guard {
            backlog_cap: Some(200),
            interruptible: false,
        };
        for r in 0..2 {
            let together = guarded_side_by_side(&s, r, guard);
            let stopped_at = |out: &Result<RunOutput, Stop>| match out {
                Err(Stop::Overloaded(RunError::Overloaded { tick, backlog, .. })) => {
                    Some((*tick, *backlog))
                }
                _ => None,
            };
            let alone = guarded_run(&s, 0, r, guard);
            let at = stopped_at(&alone).expect("the jammed org alone is stopped");
            assert_eq!(stopped_at(&together[0]), Some(at));
            // The org that keeps up ran to the end, with the results it has alone.
            let (Ok(a), Ok(b)) = (&together[1], guarded_run(&s, 1, r, guard)) else {
                panic!("the org that keeps up is not stopped");
            };
            assert_eq!(a.ticks.len(), 300);
            assert!(*a == b);
        }
    }

    #[test]
    fn replicates_go_side_by_side_only_when_they_keep_every_thread_busy() {
        let mut s = one_keeps_up_one_does_not();
        let kinds = |s: &Scenario, threads| -> Vec<bool> {
            Job::all(s, threads)
                .iter()
                .map(|j| matches!(j, Job::SideBySide { .. }))
                .collect()
        };
        s.scenario.replications = 4;
        assert_eq!(kinds(&s, 2), vec![true; 4]);
        // Three replicates cannot keep two threads busy as long jobs: one job per run.
        s.scenario.replications = 3;
        assert_eq!(kinds(&s, 2), vec![false; 6]);
        // A sweep's other points keep the threads busy.
        assert_eq!(kinds(&s, 0), vec![true; 3]);
        // One org has nothing to share.
        s.orgs.truncate(1);
        assert_eq!(kinds(&s, 0), vec![false; 3]);
        // Orgs too big to hold together run one by one.
        s.orgs = vec![OrgSpec::tree("A", 10, 6), OrgSpec::tree("B", 10, 6)];
        assert!(!scenario::orgs_side_by_side(&s));
        let indices: Vec<usize> = Job::all(&s, 0)
            .iter()
            .flat_map(|j| j.runs(&s))
            .map(|run| run_index(&s, run))
            .collect();
        assert_eq!(indices, (0..6).collect::<Vec<_>>());
    }
}
