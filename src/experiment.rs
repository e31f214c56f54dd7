//! Orgs × replicates: the parallel runner and its progress display.
//!
//! Every run is independent and keyed only by `(seed, replicate)` and the org's settings, so
//! runs can go in any order on any number of threads; results are collected in
//! (org, replicate) order, which makes the output identical whatever the thread count.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
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
    #[error("could not start {threads} worker threads: {source}")]
    Threads {
        threads: usize,
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

/// A progress bar that appears only on a terminal, and only once the work has taken a second.
struct Progress {
    bar: ProgressBar,
}

impl Progress {
    fn new(total: u64, wanted: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:40} {pos}/{len} runs, {elapsed} elapsed, about {eta} left",
        ) {
            bar.set_style(style);
        }
        if wanted && std::io::stderr().is_terminal() {
            // Reveal the bar after a second, even if no run has finished yet (one long run).
            let later = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(1));
                if !later.is_finished() {
                    later.set_draw_target(ProgressDrawTarget::stderr());
                    later.enable_steady_tick(Duration::from_millis(250));
                }
            });
        }
        Progress { bar }
    }

    fn tick(&self) {
        self.bar.inc(1);
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}
