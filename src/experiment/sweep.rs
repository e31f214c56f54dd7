//! Running a sweep: points × orgs × replicates in parallel, each point committed to the journal
//! as its last run ends, then the result folder assembled from the journal in point order.
//!
//! Run `(point, org, replicate)` is the single run of the scenario at that point (the base
//! scenario with the point's values set, `work.rate` scaled as asked), so a sweep's point k is
//! bit for bit the run of that scenario on its own. A run is reduced to its summaries (and the
//! time series `[output] timeseries` keeps) as soon as it ends; memory holds the runs in flight
//! and the points waiting for their last run, never the sweep.
//!
//! The journal lives in `.<name>.sweep/` beside the result folder, so it survives the process.
//! `--resume` reads it, refuses a scenario that changed (naming what changed), and runs only
//! the points not yet committed. The result folder is assembled only from the journal, in
//! point order: an interrupted and resumed sweep writes the same bytes as an uninterrupted one.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use super::prepare::{Finished, Prepared, RunFileError};
use super::progress::Progress;
use super::shard::{SHARD_FILE, SHARD_FORMAT, ShardFile, shard_dir};
use super::{Guard, Job, Stop, interrupt, run_index};
use crate::metrics::{RunOutput, Summary, TickMetric, overload};
use crate::output::sweep::journal::{FORMAT, changes, checksum, identity};
use crate::output::sweep::{
    Journal, JournalError, JournalHeader, PointOverload, PointRecord, SweepTables,
};
use crate::output::{self, OutputError, sweep_report};
use crate::scenario::{self, Scenario, ShardOf, SweepPoints, Timeseries, shard_of_points};

/// Why a sweep was refused, stopped or failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// An earlier run of this sweep was interrupted and `--resume` was not given.
    #[error(
        "an interrupted run of this sweep is in {} ({done} of {total} points done): finish it with `{command}`, or remove that folder to start again",
        work.display()
    )]
    Unfinished {
        work: PathBuf,
        done: usize,
        total: usize,
        command: String,
    },
    /// `--resume` with no interrupted sweep to resume.
    #[error("nothing to resume: there is no interrupted sweep in {}; run without --resume to start it", work.display())]
    NothingToResume { work: PathBuf },
    /// `--resume` on a scenario that is not a sweep.
    #[error("--resume continues an interrupted sweep, and {} has no [sweep]", path.display())]
    NotASweep { path: PathBuf },
    /// `--shard` on a scenario that is not a sweep.
    #[error("--shard {shard} splits a sweep's points between machines, and {} has no [sweep]: run it without --shard", path.display())]
    ShardNotASweep { path: PathBuf, shard: ShardOf },
    /// The scenario changed since the sweep started.
    #[error(
        "the scenario changed since this sweep started, so its points cannot be resumed:\n  {}\nput it back as it was to resume, or remove {} to start again",
        changes.join("\n  "),
        work.display()
    )]
    Changed { work: PathBuf, changes: Vec<String> },
    /// The journal was written by another orgsim.
    #[error(
        "the interrupted sweep in {} was started by orgsim {found} (format {format}); this is orgsim {this}, which may give other results: remove that folder to start again",
        work.display()
    )]
    Version {
        work: PathBuf,
        found: String,
        format: u32,
        this: String,
    },
    /// Interrupted (Ctrl-C or SIGTERM): what is saved and how to finish.
    #[error(
        "interrupted: {done} of {total} points are saved in {}; run `{command}` to finish the rest",
        work.display()
    )]
    Interrupted {
        work: PathBuf,
        done: usize,
        total: usize,
        command: String,
    },
    /// The design's points could not be made (validation refuses this first).
    #[error("the sweep's points cannot be made: {0}")]
    Design(String),
    /// The journal could not be written or read.
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// What a finished sweep reports.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepDone {
    /// The report's headline sentences.
    pub headlines: Vec<String>,
    /// One line: runs, points, time, rate, resumed points.
    pub line: String,
    /// Whether this was one shard of the sweep (its folder is the shard's, not a result).
    pub shard: bool,
}

/// `.<name>.sweep` beside the result folder: where the journal of a sweep into `dest` lives.
pub fn work_dir(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!(".{name}.sweep"))
}

/// The command that resumes: the one given, with `--resume` added.
pub(super) fn resume_command(command: &[String]) -> String {
    let mut args: Vec<String> = command.to_vec();
    if args.is_empty() {
        args = vec!["orgsim".into(), "run".into()];
    }
    if !args.iter().any(|a| a == "--resume") {
        args.push("--resume".into());
    }
    if let Some(first) = args.first_mut() {
        // Show the program as a user types it, not the path it was started by.
        if Path::new(first.as_str())
            .file_name()
            .is_some_and(|n| n == "orgsim")
        {
            *first = "orgsim".into();
        }
    }
    output::report::shell_words(&args)
}

/// The command that runs shard `k` afresh: `command` (a shard's) with its `--shard` set to
/// `k/n` and without `--resume`.
pub(super) fn shard_command(command: &[String], shard: ShardOf) -> String {
    let mut args: Vec<String> = Vec::new();
    let mut rest = command.iter();
    let mut found = false;
    while let Some(a) = rest.next() {
        if a == "--resume" {
            continue;
        }
        if a == "--shard" {
            rest.next();
        } else if !a.starts_with("--shard=") {
            args.push(a.clone());
            continue;
        }
        args.push("--shard".into());
        args.push(shard.to_string());
        found = true;
    }
    if args.len() < 2 {
        args = vec!["orgsim".into(), "run".into(), "SCENARIO".into()];
    }
    if !found {
        args.push("--shard".into());
        args.push(shard.to_string());
    }
    // Reuse the program-name cleanup, then drop the `--resume` it adds.
    let shown = resume_command(&args);
    shown
        .strip_suffix(" --resume")
        .unwrap_or(&shown)
        .to_string()
}

fn header(p: &Prepared, points: &SweepPoints, shard: Option<ShardOf>) -> JournalHeader {
    let s = &p.scenario;
    JournalHeader {
        orgsim_journal: FORMAT,
        orgsim_version: env!("CARGO_PKG_VERSION").to_string(),
        checksum: checksum(&identity(s)),
        points: points.len() as u64,
        orgs: s.orgs.iter().map(|o| o.name.clone()).collect(),
        replicates: s.scenario.replications,
        paths: points.paths().to_vec(),
        tick_metrics: TickMetric::ALL
            .iter()
            .map(|m| m.name().to_string())
            .collect(),
        timeseries: s.kept_timeseries(),
        scenario: s.clone(),
        shard,
        command: match shard {
            Some(_) => p.facts.command.clone(),
            None => Vec::new(),
        },
    }
}

/// Opens the journal to continue (`resume`) or starts a new one, refusing what would lose or
/// mix up work.
fn open_journal(
    p: &Prepared,
    wanted: JournalHeader,
    resume: bool,
    work: &Path,
    total: usize,
) -> Result<Journal, SweepError> {
    let s = &p.scenario;
    let exists = work.join(output::sweep::journal::JOURNAL_FILE).is_file();
    match (resume, exists) {
        (false, false) => {
            // A folder left by a crash before its first line was written holds nothing.
            if work.is_dir() {
                let _ = std::fs::remove_dir_all(work);
            }
            Ok(Journal::create(work, &wanted)?)
        }
        (false, true) => {
            let j = Journal::open(work)?;
            Err(SweepError::Unfinished {
                work: work.to_path_buf(),
                done: j.committed().iter().filter(|&&d| d).count(),
                total,
                command: resume_command(&p.facts.command),
            })
        }
        (true, false) => Err(SweepError::NothingToResume {
            work: work.to_path_buf(),
        }),
        (true, true) => {
            let j = Journal::open(work)?;
            let h = j.header();
            if h.orgsim_journal != FORMAT || h.orgsim_version != wanted.orgsim_version {
                return Err(SweepError::Version {
                    work: work.to_path_buf(),
                    found: h.orgsim_version.clone(),
                    format: h.orgsim_journal,
                    this: wanted.orgsim_version,
                });
            }
            if h.checksum != wanted.checksum {
                let mut listed = changes(&h.scenario, s);
                if listed.is_empty() {
                    listed.push("(the journal's checksum does not match its scenario)".into());
                }
                return Err(SweepError::Changed {
                    work: work.to_path_buf(),
                    changes: listed,
                });
            }
            if h.shard != wanted.shard {
                let what =
                    |x: Option<ShardOf>| x.map_or("the whole sweep".to_string(), |k| k.words());
                return Err(SweepError::Changed {
                    work: work.to_path_buf(),
                    changes: vec![format!("shard: {} → {}", what(h.shard), what(wanted.shard))],
                });
            }
            Ok(j)
        }
    }
}

/// A point's run as [`reduce`] keeps it: the run, whether it was stopped, where it grows.
type Reduced = (RunOutput, bool, Vec<bool>);

/// A run of a sweep's point as its record keeps it: without the latency counts and queue
/// snapshots, with its series only if kept, whether it was stopped, and where it grows.
/// `None` when interrupted.
fn reduce(
    run: Result<RunOutput, Stop>,
    (org, replicate): (usize, u32),
    stretches: &[overload::Stretch],
    kept: Timeseries,
    progress: &Progress,
) -> Option<Reduced> {
    if matches!(run, Err(Stop::Interrupted)) {
        return None;
    }
    progress.tick();
    let Ok(mut out) = run else {
        // A stopped run has no values (and its recovery cannot be measured).
        let out = RunOutput {
            org,
            replicate,
            ..RunOutput::default()
        };
        return Some((out, true, Vec::new()));
    };
    let grows = overload::growing(stretches, &out);
    if kept == Timeseries::Off {
        out.ticks = Vec::new();
    }
    out.latency_counts = Vec::new();
    out.queued_by_level = Vec::new();
    Some((out, false, grows))
}

/// The runs of one point, reduced: series kept only as asked, and which orgs could not keep
/// up. A run whose decisions in flight pass `cap` is stopped (it would run out of memory);
/// then the whole point is recorded without values, as its orgs are no longer comparable.
/// `None` when interrupted.
fn run_point(
    pt: &Scenario,
    orgs: usize,
    kept: Timeseries,
    progress: &Progress,
    cap: u64,
) -> Option<(Vec<RunOutput>, Vec<PointOverload>)> {
    let stretches = overload::stretches(pt);
    let guard = Guard {
        backlog_cap: Some(cap),
        interruptible: true,
    };
    // The other points keep the threads busy: a replicate's orgs go side by side whenever
    // they may, whatever the replicates.
    let mut runs: Vec<(usize, Option<Reduced>)> = Job::all(pt, 0)
        .par_iter()
        .flat_map_iter(|&job| {
            if interrupt::requested() {
                return job
                    .runs(pt)
                    .into_iter()
                    .map(|run| (run_index(pt, run), None))
                    .collect();
            }
            job.run(pt, guard)
                .into_iter()
                .map(|(run, out)| {
                    let reduced = reduce(out, run, &stretches, kept, progress);
                    (run_index(pt, run), reduced)
                })
                .collect::<Vec<_>>()
        })
        .collect();
    runs.sort_unstable_by_key(|&(i, _)| i);
    let runs: Vec<Reduced> = runs.into_iter().map(|(_, r)| r).collect::<Option<_>>()?;
    let any_stopped = runs.iter().any(|(_, stopped, _)| *stopped);
    let mut marks = Vec::new();
    for org in 0..orgs {
        let mine: Vec<&(RunOutput, bool, Vec<bool>)> =
            runs.iter().filter(|(r, ..)| r.org == org).collect();
        let stopped = mine.iter().any(|(_, s, _)| *s);
        let flags: Vec<Vec<bool>> = mine.iter().map(|(.., g)| g.clone()).collect();
        if stopped || (!any_stopped && overload::overloaded(&flags)) {
            marks.push(PointOverload { org, stopped });
        }
    }
    let mut runs: Vec<RunOutput> = runs.into_iter().map(|(r, ..)| r).collect();
    if any_stopped {
        // Every value of the point is empty: a partial run is not a result.
        for run in &mut runs {
            for (_, v) in &mut run.metrics {
                *v = None;
            }
            for (_, metrics) in &mut run.windows {
                for (_, v) in metrics {
                    *v = None;
                }
            }
            run.ticks = Vec::new();
        }
    }
    Some((runs, marks))
}

/// The records a result is assembled from, in point order: a journal's, or the shards' of a
/// merge. Asked again for each pass a result file needs.
pub(super) trait RecordSource {
    /// Every point's record, in point order.
    fn records(&self) -> Box<dyn Iterator<Item = Result<PointRecord, JournalError>> + '_>;
}

impl RecordSource for Journal {
    fn records(&self) -> Box<dyn Iterator<Item = Result<PointRecord, JournalError>> + '_> {
        Box::new(Journal::records(self))
    }
}

/// Point records formatted into the result tables at a time.
const RECORD_BATCH: usize = 64;

/// Writes a sweep's result folder at `dest` from `source`: the tables, `manifest.json`, the
/// charts and the report. A whole sweep and a merge of its shards both write through here, so
/// they write the same files.
pub(super) fn write_result(
    dest: &Path,
    scenario: &Scenario,
    paths: &[String],
    source: &dyn RecordSource,
    facts: &output::RunFacts,
) -> Result<(output::Written, sweep_report::Said), RunFileError> {
    let mut said = sweep_report::Said::default();
    let fill = |dir: &Path| -> Result<(), OutputError> {
        let hook = |e: JournalError| OutputError::Hook {
            path: dir.to_path_buf(),
            source: Box::new(e),
        };
        let mut tables = SweepTables::create(dir, scenario, paths)?;
        // Records are read in batches, formatted in parallel and written in point order: at
        // most a batch of records is held at a time.
        let mut batch = Vec::with_capacity(RECORD_BATCH);
        for record in source.records() {
            batch.push(record.map_err(hook)?);
            if batch.len() == RECORD_BATCH {
                tables.add(&batch)?;
                batch.clear();
            }
        }
        tables.add(&batch)?;
        tables.finish()?;
        output::json_file(dir, "manifest.json", |w| {
            output::Manifest::new(scenario, facts).write(w)
        })?;
        said = sweep_report::render_all_and_say(dir).map_err(|e| OutputError::Hook {
            path: dir.to_path_buf(),
            source: Box::new(e),
        })?;
        Ok(())
    };
    let written = output::write_atomically(dest, fill).map_err(|source| RunFileError::Write {
        dest: dest.to_path_buf(),
        source,
    })?;
    Ok((written, said))
}

/// Runs the points `todo` of a sweep into `journal`'s folder `work`; `done` points of `total`
/// are committed already. Refuses to go on when interrupted, saying how to resume.
fn run_points(
    p: &Prepared,
    points: &SweepPoints,
    journal: &Journal,
    todo: &[usize],
    (done, total): (usize, usize),
    work: &Path,
) -> Result<(), RunFileError> {
    let s = &p.scenario;
    let (orgs, reps) = (s.orgs.len(), s.scenario.replications);
    let per_point = orgs as u64 * u64::from(reps);
    let progress = Progress::new(total as u64 * per_point, p.options.progress);
    progress.start_at(done as u64 * per_point);
    let writer = journal.append().map_err(SweepError::from)?;
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let kept = s.kept_timeseries();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The machine's memory limit, read once: it does not change from point to point.
    let limit = scenario::memory_limit();

    interrupt::install();
    let sweep = || {
        todo.par_iter().for_each(|&k| {
            if interrupt::requested() || writer.failed() {
                return;
            }
            let pt = match points.scenario(s, k) {
                Ok(pt) => pt,
                Err(e) => {
                    *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                    return;
                }
            };
            // The cap counts every core, not `--threads`, so a point stops or not alike
            // however the sweep is threaded or sharded on one machine.
            let cap = scenario::backlog_cap(&pt, cores, limit);
            let Some((runs, overload)) = run_point(&pt, orgs, kept, &progress, cap) else {
                return;
            };
            let mut record =
                PointRecord::new(k as u64, points.values(k), pt.work.rate, &runs, kept);
            record.overload = overload;
            drop(runs);
            match record.to_line() {
                Ok(line) => writer.commit(line),
                Err(e) => {
                    *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
                }
            }
        });
    };
    let ran = match p.options.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(|pool| pool.install(sweep))
            .map_err(|source| super::RunError::Threads { threads, source }),
        None => {
            sweep();
            Ok(())
        }
    };
    let committed = writer.finish();
    let interrupted = interrupt::requested();
    interrupt::uninstall();
    progress.done();
    ran?;
    let committed = committed.map_err(SweepError::from)? as usize;
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(SweepError::Design(e).into());
    }
    if interrupted || done + committed < total {
        return Err(SweepError::Interrupted {
            work: work.to_path_buf(),
            done: done + committed,
            total,
            command: resume_command(&p.facts.command),
        }
        .into());
    }
    Ok(())
}

/// `runs (points × orgs × replicates) in s, N runs per second`.
fn timing(points: usize, ran_points: usize, s: &Scenario, secs: f64) -> String {
    let (orgs, reps) = (s.orgs.len(), s.scenario.replications);
    let per_point = orgs as u64 * u64::from(reps);
    let mut line = format!(
        "{} runs ({points} points × {orgs} orgs × {reps} replicates) in {secs:.1} s",
        points as u64 * per_point
    );
    let ran_now = ran_points as u64 * per_point;
    if secs > 0.0 && ran_now > 0 {
        line.push_str(&format!(", {:.0} runs per second", ran_now as f64 / secs));
    }
    line
}

/// Runs a prepared sweep to its result folder, or its shard to the shard's folder.
pub(super) fn execute(p: Prepared, resume: bool) -> Result<Finished, RunFileError> {
    let points = SweepPoints::new(&p.scenario).map_err(|e| SweepError::Design(format!("{e:?}")))?;
    if let Some(shard) = p.shard {
        return execute_shard(p, points, shard, resume);
    }
    let started = Instant::now();
    let work = work_dir(&p.dest);
    let journal = open_journal(&p, header(&p, &points, None), resume, &work, points.len())?;
    let done = journal.committed();
    let resumed = done.iter().filter(|&&d| d).count();
    let remaining: Vec<usize> = (0..points.len()).filter(|&k| !done[k]).collect();
    run_points(
        &p,
        &points,
        &journal,
        &remaining,
        (resumed, points.len()),
        &work,
    )?;

    let journal = Journal::open(&work).map_err(SweepError::from)?;
    let mut facts = p.facts.clone();
    facts.finished = SystemTime::now();
    let scenario = p.scenario.clone();
    let written = write_result(&p.dest, &scenario, points.paths(), &journal, &facts)?;
    // The result is in place: the journal has done its job.
    let _ = std::fs::remove_dir_all(&work);

    let secs = started.elapsed().as_secs_f64();
    let mut line = format!(
        "sweep: {}",
        timing(points.len(), points.len() - resumed, &scenario, secs)
    );
    if resumed > 0 {
        line.push_str(&format!("; {resumed} points were resumed from the journal"));
    }
    Ok(whole_result(scenario, written, line))
}

/// A whole sweep's result, written (by a run or a merge of its shards): its report's headlines
/// and `line` to say on the console.
pub(super) fn whole_result(
    scenario: Scenario,
    (written, said): (output::Written, sweep_report::Said),
    mut line: String,
) -> Finished {
    let sweep_report::Said {
        headlines,
        overload,
    } = said;
    if let Some(tally) = overload {
        line.push_str(&format!("; {tally}"));
    }
    Finished {
        scenario,
        summary: Summary::default(),
        written,
        sweep: Some(SweepDone {
            headlines,
            line,
            shard: false,
        }),
    }
}

/// Files a shard folder may hold: anything else is a user's and is never removed.
fn check_shard_folder(dir: &Path) -> Result<(), RunFileError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n != output::sweep::journal::JOURNAL_FILE
                && n != SHARD_FILE
                && n != &format!(".{SHARD_FILE}.tmp")
        })
        .collect();
    names.sort();
    match names.into_iter().next() {
        None => Ok(()),
        Some(file) => Err(RunFileError::Write {
            dest: dir.to_path_buf(),
            source: OutputError::ForeignFile {
                dir: dir.to_path_buf(),
                file,
            },
        }),
    }
}

/// Runs shard `shard` of a prepared sweep into its folder.
fn execute_shard(
    p: Prepared,
    points: SweepPoints,
    shard: ShardOf,
    resume: bool,
) -> Result<Finished, RunFileError> {
    let started = Instant::now();
    let s = &p.scenario;
    let work = shard_dir(&p.dest, shard);
    check_shard_folder(&work)?;
    let owners = shard_of_points(s, &points, shard.n).map_err(SweepError::Design)?;
    let mine: Vec<usize> = (0..points.len())
        .filter(|&k| owners[k] + 1 == shard.k as usize)
        .collect();
    let complete = ShardFile::read(&work)
        .map_err(|message| {
            SweepError::from(JournalError::Damaged {
                path: work.join(SHARD_FILE),
                line: 0,
                message,
            })
        })?
        .is_some();
    let mut replaced = false;
    if complete && !resume {
        // A finished shard run again starts afresh, as a run replaces its previous result.
        std::fs::remove_dir_all(&work).map_err(|source| RunFileError::Write {
            dest: work.clone(),
            source: OutputError::Io {
                path: work.clone(),
                source,
            },
        })?;
        replaced = true;
    }
    let journal = open_journal(
        &p,
        header(&p, &points, Some(shard)),
        resume,
        &work,
        mine.len(),
    )?;
    let done = journal.committed();
    if let Some(&stray) = (0..points.len())
        .filter(|&k| done[k] && owners[k] + 1 != shard.k as usize)
        .collect::<Vec<_>>()
        .first()
    {
        return Err(SweepError::from(JournalError::Damaged {
            path: journal.path().to_path_buf(),
            line: 0,
            message: format!(
                "it holds point {stray}, which is not one of {}",
                shard.words()
            ),
        })
        .into());
    }
    let resumed = mine.iter().filter(|&&k| done[k]).count();
    let todo: Vec<usize> = mine.iter().copied().filter(|&k| !done[k]).collect();
    let merge = super::merge::merge_command(&p.dest);
    let written = output::Written {
        path: work.clone(),
        replaced,
        leftover: None,
    };
    if complete && resume {
        return Ok(Finished {
            scenario: p.scenario.clone(),
            summary: Summary::default(),
            written,
            sweep: Some(SweepDone {
                headlines: Vec::new(),
                shard: true,
                line: format!(
                    "{} was already complete ({} of {} points): nothing to run; once every shard is done, merge them with `{merge}`",
                    shard.words(),
                    mine.len(),
                    points.len()
                ),
            }),
        });
    }
    run_points(&p, &points, &journal, &todo, (resumed, mine.len()), &work)?;

    let finished = SystemTime::now();
    let file = ShardFile {
        orgsim_shard: SHARD_FORMAT,
        orgsim_version: env!("CARGO_PKG_VERSION").to_string(),
        shard,
        points: mine.len() as u64,
        sweep_points: points.len() as u64,
        checksum: journal.header().checksum.clone(),
        scenario_file: p
            .facts
            .scenario_file
            .as_ref()
            .map(|f| f.display().to_string()),
        scenario_text: p.facts.scenario_text.clone(),
        threads: p.facts.threads,
        command: p.facts.command.clone(),
        started: output::rfc3339(p.facts.started),
        finished: output::rfc3339(finished),
    };
    file.write(&work).map_err(|source| RunFileError::Write {
        dest: work.clone(),
        source: OutputError::Io {
            path: work.join(SHARD_FILE),
            source,
        },
    })?;
    let secs = started.elapsed().as_secs_f64();
    let mut line = format!(
        "{}: {} of the sweep's {} points, {}",
        shard.words(),
        mine.len(),
        points.len(),
        timing(mine.len(), todo.len(), s, secs)
    );
    if resumed > 0 {
        line.push_str(&format!("; {resumed} points were resumed from the journal"));
    }
    line.push_str(&format!(
        "\nonce all {} shards are done, merge them with `{merge}`",
        shard.n
    ));
    Ok(Finished {
        scenario: p.scenario.clone(),
        summary: Summary::default(),
        written,
        sweep: Some(SweepDone {
            headlines: Vec::new(),
            line,
            shard: true,
        }),
    })
}
