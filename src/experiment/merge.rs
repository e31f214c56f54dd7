//! `orgsim merge`: the shard folders of a sweep (`orgsim run --shard K/N`) back into one
//! result, the same bytes a single machine writes.
//!
//! Every shard is checked before anything is written: each must be a shard of the same
//! scenario (its checksum), by this orgsim, with the same seed and the same N; every K from 1
//! to N must be there once, and finished. Every problem found is named, with its folder.
//!
//! The merge then streams: it holds each journal's index (where each point's record is), never
//! the records. Points are taken in order and each is read from the journal of the shard that
//! owns it (the shard assignment is recomputed from the scenario), so memory stays flat however
//! many shards and points there are, and files are opened one record at a time rather than all
//! at once (a thousand shards would exceed the usual limit of open files). The records then
//! go through the very writer a whole sweep uses (`sweep::write_result`), so every file a
//! sweep writes comes out of a merge the same.
//!
//! The merged `manifest.json` is the single run's but for how it was run: `command` (the merge
//! command), `started` (the earliest start of the runs that finished the shards), `finished`
//! and `wall_seconds` (to the end of the merge) and `threads` (the most any shard used).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::prepare::{Finished, RunFileError};
use super::shard::{ShardFile, shards_dir};
use super::sweep::{RecordSource, resume_command, shard_command, whole_result, write_result};
use crate::output::sweep::journal::{FORMAT, JOURNAL_FILE, changes};
use crate::output::sweep::{Journal, JournalError, PointRecord, RecordAt};
use crate::output::{RunFacts, report::shell_words};
use crate::scenario::{ShardOf, SweepPoints, shard_of_points};

/// What a user asked `orgsim merge` for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeRequest {
    /// Shard folders, or folders holding them (`<result>.shards`).
    pub dirs: Vec<PathBuf>,
    /// The result folder; `None`: beside the shards' `<result>.shards` folder.
    pub out: Option<PathBuf>,
    /// The command line, program name first, recorded in `manifest.json`.
    pub command: Vec<String>,
}

/// One thing wrong with the shards given to a merge.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShardProblem {
    /// The folder does not exist.
    #[error("{} does not exist", dir.display())]
    NoFolder { dir: PathBuf },
    /// The folder is neither a shard folder nor holds any.
    #[error(
        "{} is not a shard folder: it has no {JOURNAL_FILE} and no shard-K-of-N folders (a shard folder is what `orgsim run SCENARIO --shard K/N` writes, e.g. results/NAME.shards/shard-1-of-4)",
        dir.display()
    )]
    NotAShard { dir: PathBuf },
    /// The journal is of a whole sweep, not of a shard.
    #[error(
        "{} holds the journal of a whole sweep, not of a shard: finish it with `orgsim run SCENARIO --resume` instead",
        dir.display()
    )]
    WholeSweep { dir: PathBuf },
    /// Made by another orgsim (or another journal format).
    #[error(
        "{} in {} was made by orgsim {found} (journal format {format}); this is orgsim {this}, which may give other results: run that shard again with this orgsim",
        shard.words(),
        dir.display()
    )]
    Version {
        dir: PathBuf,
        shard: ShardOf,
        found: String,
        format: u32,
        this: String,
    },
    /// Another seed than the first shard's.
    #[error(
        "{} in {} was run with seed {seed}, {} in {} with seed {first_seed}: shards of one sweep share its seed",
        shard.words(),
        dir.display(),
        first.words(),
        first_dir.display()
    )]
    Seed {
        dir: PathBuf,
        shard: ShardOf,
        seed: u64,
        first_dir: PathBuf,
        first: ShardOf,
        first_seed: u64,
    },
    /// Another scenario than the first shard's.
    #[error(
        "{} in {} is of another scenario than {} in {} (checksum {checksum}, not {first_checksum}):\n      {}",
        shard.words(),
        dir.display(),
        first.words(),
        first_dir.display(),
        changes.join("\n      ")
    )]
    Scenario {
        dir: PathBuf,
        shard: ShardOf,
        checksum: String,
        first_dir: PathBuf,
        first: ShardOf,
        first_checksum: String,
        changes: Vec<String>,
    },
    /// One of another number of shards.
    #[error(
        "{} is {}, but {} is {}: a sweep split {} ways and one split {} ways cannot be merged",
        dir.display(),
        shard.words(),
        first_dir.display(),
        first.words(),
        first.n,
        shard.n
    )]
    Count {
        dir: PathBuf,
        shard: ShardOf,
        first_dir: PathBuf,
        first: ShardOf,
    },
    /// The same shard given twice.
    #[error(
        "{} is given twice: {} and {}; give each shard once",
        shard.words(),
        first.display(),
        second.display()
    )]
    Duplicate {
        shard: ShardOf,
        first: PathBuf,
        second: PathBuf,
    },
    /// Shards missing.
    #[error(
        "{} missing: run {}, then merge again (with the others, in {})",
        if missing.len() == 1 { format!("shard {}/{n} is", missing[0]) } else { format!("shards {} are", missing.iter().map(|k| format!("{k}/{n}")).collect::<Vec<_>>().join(", ")) },
        commands.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
        expected.display()
    )]
    Missing {
        missing: Vec<u32>,
        n: u32,
        expected: PathBuf,
        /// The command that runs each (the first few).
        commands: Vec<String>,
    },
    /// Not every point of the shard is committed, or its run did not finish.
    #[error(
        "{} in {} is unfinished ({done} of {total} points done): finish it with `{command}`, then merge again",
        shard.words(),
        dir.display()
    )]
    Unfinished {
        dir: PathBuf,
        shard: ShardOf,
        done: usize,
        total: usize,
        command: String,
    },
    /// The journal holds a point that is not the shard's.
    #[error(
        "{} in {} holds point {point}, which belongs to shard {owner}/{}: the folder was changed by hand; run that shard again",
        shard.words(),
        dir.display(),
        shard.n
    )]
    Stray {
        dir: PathBuf,
        shard: ShardOf,
        point: u64,
        owner: usize,
    },
    /// A journal or `shard.json` could not be read.
    #[error("{0}")]
    Unreadable(String),
}

/// Why a merge was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The shards cannot be merged; every problem found.
    #[error(
        "cannot merge {}:\n  - {}",
        if problems.len() == 1 { "these shards".to_string() } else { format!("these shards ({} problems)", problems.len()) },
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  - ")
    )]
    Refused { problems: Vec<ShardProblem> },
    /// No folder was given.
    #[error("no shard folders given: `orgsim merge results/NAME.shards --out results/NAME`")]
    Nothing,
    /// No `--out`, and the shards are not in a `<result>.shards` folder to name it.
    #[error(
        "say where the merged result goes with --out: the shards are not all in one `NAME.shards` folder (the first is in {})",
        first.display()
    )]
    NoOut { first: PathBuf },
    /// The sweep's points could not be made.
    #[error("the sweep's points cannot be made: {0}")]
    Design(String),
    /// Reading a journal while merging failed.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// Writing the result failed.
    #[error(transparent)]
    Write(#[from] RunFileError),
}

/// One shard folder, opened.
struct Shard {
    dir: PathBuf,
    journal: Journal,
    file: Option<ShardFile>,
}

impl Shard {
    fn of(&self) -> ShardOf {
        self.journal
            .header()
            .shard
            .unwrap_or(ShardOf { k: 1, n: 1 })
    }
}

/// The shard folders `dirs` name: each given shard folder, and the `shard-K-of-N` folders in
/// each folder that holds them, in name order.
fn shard_folders(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<ShardProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        if dir.join(JOURNAL_FILE).is_file() {
            out.push(dir.clone());
            continue;
        }
        if !dir.exists() {
            problems.push(ShardProblem::NoFolder { dir: dir.clone() });
            continue;
        }
        let mut inside: Vec<(ShardOf, PathBuf)> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| {
                let shard = ShardOf::from_folder_name(&e.file_name().to_string_lossy())?;
                e.path().is_dir().then(|| (shard, e.path()))
            })
            .collect();
        inside.sort_by_key(|(s, _)| (s.n, s.k));
        if inside.is_empty() {
            problems.push(ShardProblem::NotAShard { dir: dir.clone() });
        }
        out.extend(inside.into_iter().map(|(_, p)| p));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The default result folder: `<result>` for shards in `<result>.shards/`.
fn default_out(shards: &[Shard]) -> Option<PathBuf> {
    let parent = |s: &Shard| s.dir.parent().map(Path::to_path_buf);
    let first = parent(shards.first()?)?;
    if shards.iter().any(|s| parent(s).as_ref() != Some(&first)) {
        return None;
    }
    let name = first.file_name()?.to_string_lossy().into_owned();
    let stem = name.strip_suffix(".shards").filter(|s| !s.is_empty())?;
    Some(first.with_file_name(stem))
}

/// The shards, checked against each other; every problem found.
fn check(shards: &[Shard]) -> Vec<ShardProblem> {
    let mut problems = Vec::new();
    let this = env!("CARGO_PKG_VERSION");
    let Some(first) = shards.first() else {
        return problems;
    };
    let fh = first.journal.header();
    for s in shards {
        let h = s.journal.header();
        if h.shard.is_none() {
            problems.push(ShardProblem::WholeSweep { dir: s.dir.clone() });
            continue;
        }
        if h.orgsim_journal != FORMAT || h.orgsim_version != this {
            problems.push(ShardProblem::Version {
                dir: s.dir.clone(),
                shard: s.of(),
                found: h.orgsim_version.clone(),
                format: h.orgsim_journal,
                this: this.to_string(),
            });
        }
        if s.of().n != first.of().n {
            problems.push(ShardProblem::Count {
                dir: s.dir.clone(),
                shard: s.of(),
                first_dir: first.dir.clone(),
                first: first.of(),
            });
        }
        if h.scenario.scenario.seed != fh.scenario.scenario.seed {
            problems.push(ShardProblem::Seed {
                dir: s.dir.clone(),
                shard: s.of(),
                seed: h.scenario.scenario.seed,
                first_dir: first.dir.clone(),
                first: first.of(),
                first_seed: fh.scenario.scenario.seed,
            });
        } else if h.checksum != fh.checksum {
            let mut listed = changes(&fh.scenario, &h.scenario);
            if listed.is_empty() {
                listed.push("(the checksums differ, the scenarios do not)".into());
            }
            problems.push(ShardProblem::Scenario {
                dir: s.dir.clone(),
                shard: s.of(),
                checksum: h.checksum.clone(),
                first_dir: first.dir.clone(),
                first: first.of(),
                first_checksum: fh.checksum.clone(),
                changes: listed,
            });
        }
    }
    for (i, a) in shards.iter().enumerate() {
        if let Some(b) = shards[..i].iter().find(|b| b.of() == a.of()) {
            problems.push(ShardProblem::Duplicate {
                shard: a.of(),
                first: b.dir.clone(),
                second: a.dir.clone(),
            });
        }
    }
    let n = first.of().n;
    if shards.iter().all(|s| s.of().n == n) {
        let missing: Vec<u32> = (1..=n)
            .filter(|&k| !shards.iter().any(|s| s.of().k == k))
            .collect();
        if !missing.is_empty() {
            let expected = first
                .dir
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let commands = missing
                .iter()
                .take(3)
                .map(|&k| shard_command(&fh.command, ShardOf { k, n }))
                .chain((missing.len() > 3).then(|| "…".to_string()))
                .collect();
            problems.push(ShardProblem::Missing {
                missing,
                n,
                expected,
                commands,
            });
        }
    }
    problems
}

/// Every shard's points: unfinished shards and stray points are problems.
fn check_points(shards: &[Shard], owners: &[usize]) -> Vec<ShardProblem> {
    let mut problems = Vec::new();
    for s in shards {
        let k = s.of().k as usize;
        let done = s.journal.committed();
        if let Some(point) =
            (0..owners.len()).find(|&p| done.get(p) == Some(&true) && owners[p] + 1 != k)
        {
            problems.push(ShardProblem::Stray {
                dir: s.dir.clone(),
                shard: s.of(),
                point: point as u64,
                owner: owners[point] + 1,
            });
            continue;
        }
        let total = owners.iter().filter(|&&o| o + 1 == k).count();
        let have = (0..owners.len())
            .filter(|&p| owners[p] + 1 == k && done.get(p) == Some(&true))
            .count();
        if have < total || s.file.is_none() {
            problems.push(ShardProblem::Unfinished {
                dir: s.dir.clone(),
                shard: s.of(),
                done: have,
                total,
                command: resume_command(&s.journal.header().command),
            });
        }
    }
    problems
}

/// The shards' records in point order, each read from the journal of the shard that owns it.
struct Merged {
    shards: Vec<Shard>,
    /// Per point, the index in `shards` of the shard that holds it.
    owner: Vec<usize>,
}

impl RecordSource for Merged {
    fn records(&self) -> Box<dyn Iterator<Item = Result<PointRecord, JournalError>> + '_> {
        let positions: Vec<Vec<RecordAt>> =
            self.shards.iter().map(|s| s.journal.positions()).collect();
        let mut cursor = vec![0usize; self.shards.len()];
        Box::new((0..self.owner.len()).map(move |p| {
            let i = self.owner[p];
            let journal = &self.shards[i].journal;
            let Some(at) = positions[i].get(cursor[i]).copied() else {
                return Err(JournalError::Damaged {
                    path: journal.path().to_path_buf(),
                    line: 0,
                    message: format!("the record of point {p} is missing"),
                });
            };
            cursor[i] += 1;
            if at.point != p as u64 {
                return Err(JournalError::Damaged {
                    path: journal.path().to_path_buf(),
                    line: 0,
                    message: format!("point {} where point {p} was expected", at.point),
                });
            }
            let mut file = File::open(journal.path()).map_err(|source| JournalError::Io {
                path: journal.path().to_path_buf(),
                source,
            })?;
            journal.read_at(&mut file, &at)
        }))
    }
}

/// Merges the shard folders of `request` into one result folder.
pub fn merge(request: &MergeRequest) -> Result<Finished, MergeError> {
    let started = std::time::Instant::now();
    if request.dirs.is_empty() {
        return Err(MergeError::Nothing);
    }
    let folders =
        shard_folders(&request.dirs).map_err(|problems| MergeError::Refused { problems })?;
    let mut shards = Vec::new();
    let mut problems = Vec::new();
    // The same folder named twice (a folder and its `.shards` parent) is one shard.
    let mut seen = Vec::new();
    let folders: Vec<PathBuf> = folders
        .into_iter()
        .filter(|d| {
            let key = std::fs::canonicalize(d).unwrap_or_else(|_| d.clone());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        })
        .collect();
    for dir in folders {
        let journal = match Journal::open(&dir) {
            Ok(j) => j,
            Err(e) => {
                problems.push(ShardProblem::Unreadable(error_chain(&e)));
                continue;
            }
        };
        match ShardFile::read(&dir) {
            Ok(file) => shards.push(Shard { dir, journal, file }),
            Err(e) => problems.push(ShardProblem::Unreadable(e)),
        }
    }
    if shards.is_empty() && problems.is_empty() {
        return Err(MergeError::Nothing);
    }
    shards.sort_by_key(|s| s.of());
    problems.extend(check(&shards));
    if !problems.is_empty() {
        return Err(MergeError::Refused { problems });
    }
    let first = &shards[0];
    let scenario = first.journal.header().scenario.clone();
    let n = first.of().n;
    let points = SweepPoints::new(&scenario).map_err(|e| MergeError::Design(format!("{e:?}")))?;
    let owners = shard_of_points(&scenario, &points, n).map_err(MergeError::Design)?;
    let problems = check_points(&shards, &owners);
    if !problems.is_empty() {
        return Err(MergeError::Refused { problems });
    }
    let dest = match &request.out {
        Some(out) => out.clone(),
        None => default_out(&shards).ok_or_else(|| MergeError::NoOut {
            first: shards[0].dir.clone(),
        })?,
    };

    let files: Vec<&ShardFile> = shards.iter().filter_map(|s| s.file.as_ref()).collect();
    let one = files[0];
    let earliest = files
        .iter()
        .filter_map(|f| parse_rfc3339(&f.started))
        .min()
        .unwrap_or_else(SystemTime::now);
    let facts = RunFacts {
        scenario_file: one.scenario_file.as_ref().map(PathBuf::from),
        scenario_text: one.scenario_text.clone(),
        threads: files.iter().map(|f| f.threads).max().unwrap_or(1),
        command: request.command.clone(),
        started: earliest,
        finished: SystemTime::now(),
    };
    // Shards are sorted and each K is there once, so shard K is `shards[K - 1]`.
    let merged = Merged {
        shards,
        owner: owners,
    };
    let written = write_result(&dest, &scenario, points.paths(), &merged, &facts)?;
    let line = format!(
        "merged {n} shards: {} points, {} runs, in {:.1} s",
        points.len(),
        points.len() as u64
            * scenario.orgs.len() as u64
            * u64::from(scenario.scenario.replications),
        started.elapsed().as_secs_f64()
    );
    Ok(whole_result(scenario, written, line))
}

/// An error and its causes on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// Reads `2026-11-22T10:41:26Z` (what [`crate::output::rfc3339`] writes).
fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Howard Hinnant's days_from_civil, the inverse of the manifest's civil_from_days.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    let secs = u64::try_from(secs).ok()?;
    Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

/// The words of the command that merges the shards of a sweep into `dest`.
pub fn merge_command(dest: &Path) -> String {
    shell_words(&[
        "orgsim".to_string(),
        "merge".to_string(),
        shards_dir(dest).display().to_string(),
        "--out".to_string(),
        dest.display().to_string(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::rfc3339;

    #[test]
    fn times_read_back_as_the_manifest_writes_them() {
        for secs in [0u64, 951_782_400, 1_709_251_199, 4_102_444_800] {
            let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t), "{secs}");
        }
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
