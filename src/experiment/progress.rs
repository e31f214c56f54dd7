//! A progress bar for long runs: on a terminal only, and only once the work has taken a second.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar that appears only on a terminal, and only once the work has taken a second.
pub(super) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub(super) fn new(total: u64, wanted: bool) -> Progress {
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

    /// Starts the bar at `done` runs (a resumed sweep), so its rate and time left count only
    /// the runs made now.
    pub(super) fn start_at(&self, done: u64) {
        self.bar.set_position(done);
        self.bar.reset_eta();
    }

    pub(super) fn tick(&self) {
        self.bar.inc(1);
    }

    pub(super) fn done(&self) {
        self.bar.finish_and_clear();
    }
}
