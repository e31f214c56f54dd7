//! `orgsim run` from a user's request to a result folder.
//!
//! [`prepare`] reads the scenario, applies the command-line overrides, chooses the result
//! folder and refuses, before any work, what would only fail after it: a folder holding files
//! orgsim did not write, or a run that does not fit in memory. [`Prepared::execute`] then runs
//! every org and replicate and writes the result folder with its charts and report.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::interrupt;
use super::{Guard, RunError, RunOptions, run_guarded_each};
use crate::metrics::{Summary, summarise_runs};
use crate::output::{self, DestinationLock, OutputError, RunFacts, Written, console, report};
use crate::scenario::{self, Scenario, ScenarioError, ShardOf, Timeseries};

/// What a user asked `orgsim run` for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunRequest {
    /// The scenario file.
    pub scenario: PathBuf,
    /// The result folder; `None`: the scenario's `[output] dir`, else `results/<file stem>`.
    pub out: Option<PathBuf>,
    /// Replicates per org, overriding the scenario's.
    pub replications: Option<u32>,
    /// The seed, overriding the scenario's.
    pub seed: Option<u64>,
    /// Worker threads; `None`: one per core.
    pub threads: Option<usize>,
    /// Show a progress bar on a terminal for runs longer than a second.
    pub progress: bool,
    /// Continue an interrupted sweep from its journal.
    pub resume: bool,
    /// Run only this shard of the sweep's points, into its own folder.
    pub shard: Option<ShardOf>,
    /// The command line, program name first, recorded in `manifest.json`.
    pub command: Vec<String>,
}

/// Why `orgsim run` refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum RunFileError {
    /// The scenario file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file named.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The scenario is not valid; its diagnostics say where and why.
    #[error("{0}")]
    Invalid(#[from] ScenarioError),
    /// A sweep was refused, interrupted or failed.
    #[error(transparent)]
    Sweep(#[from] super::sweep::SweepError),
    /// The run, with the overrides applied, would not fit in memory.
    #[error(
        "this run needs about {:.1} GiB ({replications} replications of {orgs} orgs over {ticks} ticks); {limited_by} allows {:.1} GiB: use fewer replications or ticks",
        gib(.need),
        gib(.limit)
    )]
    Memory {
        /// What sets the limit: "this machine", "the cgroup's memory.max", "RLIMIT_AS"…
        limited_by: &'static str,
        /// Estimated bytes needed.
        need: f64,
        /// Bytes this machine allows.
        limit: f64,
        /// Replicates per org.
        replications: u32,
        /// Orgs in the scenario.
        orgs: usize,
        /// Ticks per run.
        ticks: u32,
    },
    /// The runs could not be started.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The result folder is not one orgsim may write, or writing it failed.
    #[error("could not write the result to {}", dest.display())]
    Write {
        /// The result folder.
        dest: PathBuf,
        /// What went wrong.
        #[source]
        source: OutputError,
    },
}

/// Why filling the result folder stopped: the runs, or the writing.
enum Failed {
    Run(RunError),
    Write(OutputError),
}

impl From<OutputError> for Failed {
    fn from(e: OutputError) -> Self {
        Failed::Write(e)
    }
}

fn gib(bytes: &f64) -> f64 {
    bytes / f64::from(1u32 << 30)
}

/// A run that has passed every check and can start.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The scenario with the command-line overrides applied.
    pub scenario: Scenario,
    /// The result folder.
    pub dest: PathBuf,
    /// Threads and progress display.
    pub options: RunOptions,
    /// The scenario file and its text, the threads and the command line, for `manifest.json`
    /// (`finished` is set when the run ends).
    pub facts: RunFacts,
    /// Continue an interrupted sweep.
    pub resume: bool,
    /// Run only this shard of the sweep.
    pub shard: Option<ShardOf>,
    /// The lock on the result folder, held until the run is done.
    pub lock: Option<std::sync::Arc<DestinationLock>>,
    /// What to tell the user before the run starts: overload warnings, what was tidied up.
    pub notes: Vec<String>,
}

/// A run that has written its result folder.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The scenario that was run.
    pub scenario: Scenario,
    /// Every metric's mean and interval.
    pub summary: Summary,
    /// Where the result folder went.
    pub written: Written,
    /// For a sweep: its headlines and one-line summary (`summary` is then empty).
    pub sweep: Option<super::sweep::SweepDone>,
}

/// Reads and checks everything `request` names, and refuses a run that could not finish.
pub fn prepare(request: &RunRequest) -> Result<Prepared, RunFileError> {
    let started = SystemTime::now();
    let path = &request.scenario;
    let text = scenario::read_text(path).map_err(|e| match e {
        ScenarioError::Read { path, source } => RunFileError::Read { path, source },
        invalid => RunFileError::Invalid(invalid),
    })?;
    let mut s = scenario::parse_str(&text, &path.display().to_string())?;
    if request.resume && s.sweep.is_empty() {
        return Err(super::sweep::SweepError::NotASweep { path: path.clone() }.into());
    }
    if let (Some(shard), true) = (request.shard, s.sweep.is_empty()) {
        return Err(super::sweep::SweepError::ShardNotASweep {
            path: path.clone(),
            shard,
        }
        .into());
    }
    if let Some(r) = request.replications {
        s.scenario.replications = r;
    }
    if let Some(seed) = request.seed {
        s.scenario.seed = seed;
    }
    let dest = destination(path, request.out.as_deref(), &s);
    let write_error = |source| RunFileError::Write {
        dest: dest.clone(),
        source,
    };
    // Before any work: the place can be written, no other run is writing it, and what
    // interrupted runs left there is tidied up. A shard writes its own folder (checked when it
    // starts), not the result, and shards of one sweep may run side by side: no lock.
    let mut notes: Vec<String> = Vec::new();
    let lock = if request.shard.is_none() {
        let lock = output::lock_destination(&dest).map_err(write_error)?;
        output::check_destination(&dest).map_err(write_error)?;
        notes.extend(lock.notes.iter().map(|n| format!("note: {n}")));
        Some(std::sync::Arc::new(lock))
    } else {
        None
    };
    notes.extend(
        scenario::overload_warnings(&s)
            .into_iter()
            .map(|w| format!("warning: {w}")),
    );
    let threads = request.threads.unwrap_or_else(rayon::current_num_threads);
    // The scenario was checked against memory when it was loaded; the overrides may have
    // grown it since.
    let need = if s.sweep.is_empty() {
        scenario::estimate_bytes(&s, threads)
    } else {
        scenario::sweep_estimate_bytes(&s, threads)
    };
    let limit = scenario::memory_limit() as f64;
    if need > limit {
        return Err(RunFileError::Memory {
            limited_by: scenario::process_memory_cap().source,
            need,
            limit,
            replications: s.scenario.replications,
            orgs: s.orgs.len(),
            ticks: s.scenario.ticks,
        });
    }
    Ok(Prepared {
        scenario: s,
        dest,
        options: RunOptions {
            threads: request.threads,
            progress: request.progress,
        },
        facts: RunFacts {
            scenario_file: Some(path.clone()),
            scenario_text: Some(text),
            threads,
            command: request.command.clone(),
            started,
            finished: started,
        },
        resume: request.resume,
        shard: request.shard,
        lock,
        notes,
    })
}

/// Where the result goes: `--out`, else the scenario's `[output] dir`, else
/// `results/<file stem>`.
fn destination(scenario_file: &Path, out: Option<&Path>, s: &Scenario) -> PathBuf {
    out.map(Path::to_path_buf)
        .or_else(|| s.output.dir.clone())
        .unwrap_or_else(|| {
            let stem = scenario_file
                .file_stem()
                .map_or_else(|| "scenario".into(), |s| s.to_os_string());
            Path::new("results").join(stem)
        })
}

impl Prepared {
    /// Runs every org in every replicate, then writes the result folder, charts and report.
    pub fn execute(self) -> Result<Finished, RunFileError> {
        if !self.scenario.sweep.is_empty() {
            let resume = self.resume;
            return super::sweep::execute(self, resume);
        }
        let Prepared {
            scenario,
            dest,
            options,
            mut facts,
            resume: _,
            shard: _,
            lock: _lock,
            notes: _,
        } = self;
        let threads = options.threads.unwrap_or_else(rayon::current_num_threads);
        let guard = Guard {
            backlog_cap: Some(scenario::backlog_cap(
                &scenario,
                threads,
                scenario::memory_limit(),
            )),
            interruptible: true,
        };
        // Ctrl-C stops the runs, or the writing before the result is renamed into place; the
        // temporary folder is removed and the destination is left as it was.
        interrupt::install();
        let result = (|| -> Result<(Summary, Written), RunFileError> {
            let mut summary = None;
            // The result folder is filled as the runs go: each run's time series reaches
            // `timeseries.csv` as it ends (their mean per tick, under `timeseries =
            // "summary"`, once all have); the other tables, the charts and the report, drawn
            // from the runs in memory, follow the last.
            let written = output::write_atomically(&dest, |dir| -> Result<(), Failed> {
                let kept = scenario.kept_timeseries();
                let orgs = scenario.orgs.iter().map(|o| o.name.clone()).collect();
                let series = (kept == Timeseries::All)
                    .then(|| output::SeriesWriter::create(dir, orgs))
                    .transpose()?;
                let runs = run_guarded_each(&scenario, &options, guard, &|i, run| {
                    if let Some(series) = &series {
                        series.add(i, run);
                    }
                })
                .map_err(Failed::Run)?;
                match series {
                    Some(series) => series.finish(runs.len())?,
                    None => output::write_kept_timeseries(dir, &scenario, &runs)?,
                }
                facts.finished = SystemTime::now();
                let (s, rs) =
                    output::write_tables_but_timeseries(dir, &scenario, &runs, &facts, || {
                        summarise_runs(&scenario, &runs)
                    })?;
                drop(runs);
                report::render(&rs, dir, None).map_err(|e| OutputError::Hook {
                    path: dest.clone(),
                    source: e.into(),
                })?;
                if interrupt::requested() {
                    return Err(Failed::Run(RunError::Interrupted));
                }
                summary = Some(s);
                Ok(())
            })
            .map_err(|failed| match failed {
                Failed::Run(e) => RunFileError::Run(e),
                Failed::Write(_) if interrupt::requested() => {
                    RunFileError::Run(RunError::Interrupted)
                }
                Failed::Write(source) => RunFileError::Write {
                    dest: dest.clone(),
                    source,
                },
            })?;
            Ok((summary.unwrap_or_default(), written))
        })();
        interrupt::uninstall();
        let (summary, written) = result?;
        Ok(Finished {
            scenario,
            summary,
            written,
            sweep: None,
        })
    }
}

impl Finished {
    /// What `orgsim run` prints: the summary, then where the result folder is.
    pub fn message(&self) -> String {
        let mut text = match &self.sweep {
            Some(done) => {
                let mut t: String = done.headlines.iter().map(|h| format!("{h}\n")).collect();
                t.push_str(&done.line);
                t.push('\n');
                t
            }
            None => console::summary_text(&self.scenario, &self.summary),
        };
        let shard = self.sweep.as_ref().is_some_and(|d| d.shard);
        let verb = if shard {
            if self.written.replaced {
                "replaced the previous shard in"
            } else {
                "shard in"
            }
        } else if self.written.replaced {
            "replaced the previous result in"
        } else {
            "results in"
        };
        text.push_str(&format!("\n{verb} {}\n", self.written.path.display()));
        if let Some(old) = &self.written.leftover {
            text.push_str(&format!(
                "note: could not remove the previous result at {}\n",
                old.display()
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "[scenario]\nticks = 200\nreplications = 2\n[work]\nrate = 3\n[[org]]\nname = \"H\"\nstructure = \"tree\"\nspan = 3\nlevels = 2\n";

    /// A request for `text` written as `small.toml` in a fresh folder, results in `out`.
    fn request(text: &str) -> (tempfile::TempDir, RunRequest) {
        let tmp = tempfile::tempdir().unwrap();
        let scenario = tmp.path().join("small.toml");
        std::fs::write(&scenario, text).unwrap();
        let out = Some(tmp.path().join("out"));
        let command = vec!["orgsim".to_string(), "run".to_string()];
        let request = RunRequest {
            scenario,
            out,
            threads: Some(2),
            command,
            ..RunRequest::default()
        };
        (tmp, request)
    }

    #[test]
    fn the_result_goes_to_out_else_the_output_dir_else_results_and_the_file_stem() {
        let mut s = Scenario::new("t", 100, 1.0, Vec::new());
        let file = Path::new("cases/client-x.toml");
        assert_eq!(destination(file, None, &s), Path::new("results/client-x"));
        s.output.dir = Some("mine".into());
        assert_eq!(destination(file, None, &s), Path::new("mine"));
        let out = Path::new("there");
        assert_eq!(destination(file, Some(out), &s), out);
    }

    #[test]
    fn overrides_are_applied_and_the_facts_recorded_before_anything_is_written() {
        let (tmp, mut req) = request(SMALL);
        req.replications = Some(3);
        req.seed = Some(9);
        let p = prepare(&req).unwrap();
        assert_eq!(
            (p.scenario.scenario.replications, p.scenario.scenario.seed),
            (3, 9)
        );
        assert_eq!(p.dest, tmp.path().join("out"));
        assert_eq!(p.facts.threads, 2);
        assert_eq!(p.facts.scenario_text.as_deref(), Some(SMALL));
        assert_eq!(p.facts.command, req.command);
        assert!(!p.dest.exists(), "preparing writes nothing");
    }

    #[test]
    fn a_run_writes_its_folder_and_says_where() {
        let (tmp, req) = request(SMALL);
        let done = prepare(&req).unwrap().execute().unwrap();
        let out = tmp.path().join("out");
        assert!(out.join("summary.csv").is_file() && out.join("report.html").is_file());
        let message = done.message();
        assert!(
            message.ends_with(&format!("\nresults in {}\n", out.display())),
            "{message}"
        );
        let again = prepare(&req).unwrap().execute().unwrap().message();
        assert!(again.contains("replaced the previous result in"), "{again}");
    }

    #[test]
    fn what_cannot_run_is_refused_in_words() {
        let (_tmp, mut req) = request(SMALL);
        req.resume = true;
        let e = prepare(&req).unwrap_err().to_string();
        assert!(e.ends_with("small.toml has no [sweep]"), "{e}");

        let (_tmp, mut req) = request(SMALL);
        req.replications = Some(4_000_000_000);
        let e = prepare(&req).unwrap_err();
        assert!(matches!(e, RunFileError::Memory { .. }), "{e:?}");
        assert!(
            e.to_string()
                .contains("(4000000000 replications of 1 orgs over 200 ticks)"),
            "{e}"
        );

        let (_tmp, req) = request(&SMALL.replace("rate = 3", "rate = -3"));
        let e = prepare(&req).unwrap_err();
        assert!(matches!(e, RunFileError::Invalid(_)), "{e:?}");
        assert!(e.to_string().contains("small.toml:5:8"), "{e}");

        let (tmp, mut req) = request(SMALL);
        req.scenario = tmp.path().join("nope.toml");
        let e = prepare(&req).unwrap_err();
        assert!(
            e.to_string().starts_with("cannot read ") && e.to_string().ends_with("nope.toml"),
            "{e}"
        );
    }

    #[test]
    fn a_folder_holding_other_files_is_refused_before_the_run() {
        let (tmp, req) = request(SMALL);
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let e = prepare(&req).unwrap_err();
        assert!(matches!(e, RunFileError::Write { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!("could not write the result to {}", out.display())
        );
    }
}
