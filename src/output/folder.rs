//! Writing a result folder atomically (README "What a run writes"): everything goes into a temporary folder
//! beside the destination, which is renamed into place only when complete, so an interrupted
//! run never leaves a half-written result that looks whole.
//!
//! Files are not fsynced: the guarantee is against interrupted runs (Ctrl-C, a kill, an error),
//! not against power loss.

use std::borrow::Borrow;
use std::error::Error as StdError;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use crate::metrics::{RunOutput, Summary};
use crate::output::manifest::{Manifest, RunFacts};
use crate::output::results::{ResultSet, orgs_of_runs};
use crate::output::tables::{self, SummaryFile};
use crate::scenario::{Scenario, Timeseries};

/// An error from a hook that adds files to a result folder (charts, the report).
pub type HookError = Box<dyn StdError + Send + Sync>;

/// Names of the files orgsim writes into a result folder, besides `*.png` and `*.svg` charts.
pub const RESULT_FILES: [&str; 11] = [
    "manifest.json",
    "timeseries.csv",
    "replicates.csv",
    "summary.csv",
    "summary.json",
    "latency.csv",
    "sweep.csv",
    "points.csv",
    "comparisons.csv",
    "sensitivity.csv",
    "report.html",
];

/// Files a file browser drops into folders; replacing them loses nothing.
const BROWSER_FILES: [&str; 3] = [".DS_Store", "Thumbs.db", "desktop.ini"];

/// Why a result folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or folder could not be created, written, renamed or removed.
    #[error("could not write {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A CSV table could not be written.
    #[error("could not write {}", path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    /// A JSON file could not be written.
    #[error("could not write {}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// The destination is a file or a symbolic link.
    #[error("{} exists and is not a plain folder; choose another place for the results with --out", path.display())]
    NotAFolder { path: PathBuf },
    /// The destination holds something orgsim did not write.
    #[error(
        "{} already holds `{file}`, which orgsim did not write, so it will not be replaced; \
         choose another folder with --out, or move `{file}` away",
        dir.display()
    )]
    ForeignFile { dir: PathBuf, file: String },
    /// The destination has no last component to name the folder (`..`, `/`).
    #[error("{} does not name a folder; give the results folder a name with --out", path.display())]
    NoFolderName { path: PathBuf },
    /// The destination's parent cannot be written (read-only, no permission, not a folder).
    #[error("cannot write in {}, where the result {} would go; choose another place with --out", dir.display(), dest.display())]
    Unwritable {
        dir: PathBuf,
        dest: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Another orgsim process holds the destination's lock.
    #[error(
        "{} is being written by another orgsim run{}; wait for it to finish, or choose another folder with --out",
        dest.display(),
        pid.map_or_else(String::new, |p| format!(" (process {p})"))
    )]
    Locked { dest: PathBuf, pid: Option<u32> },
    /// The charts/report hook failed.
    #[error("could not add the charts or report to {}", path.display())]
    Hook {
        path: PathBuf,
        #[source]
        source: HookError,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where a result folder went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The result folder.
    pub path: PathBuf,
    /// Whether it replaced a previous result (a non-empty folder of orgsim files).
    pub replaced: bool,
    /// The previous result, moved aside, if deleting it failed: the caller may mention it.
    pub leftover: Option<PathBuf>,
}

/// Whether `name` is a file orgsim writes into a result folder.
pub fn is_result_file(name: &str) -> bool {
    RESULT_FILES.contains(&name)
        || BROWSER_FILES.contains(&name)
        || name == "report.html.tmp"
        || name.ends_with(".png")
        || name.ends_with(".svg")
}

/// Write a whole result folder at `dest`, atomically: the tables, `manifest.json`, then
/// whatever `extra` adds (charts, the report) into the temporary folder before the rename.
pub fn write_result(
    dest: &Path,
    scenario: &Scenario,
    runs: &[RunOutput],
    summary: &Summary,
    facts: &RunFacts,
    extra: &dyn Fn(&Path) -> Result<(), HookError>,
) -> Result<Written, OutputError> {
    write_atomically(dest, |dir| {
        write_tables(dir, scenario, runs, summary, facts)?;
        extra(dir).map_err(|source| OutputError::Hook {
            path: dest.to_path_buf(),
            source,
        })
    })
}

/// Write the tables and `manifest.json` of a result into the existing folder `dir`; returns
/// the results the charts and the report are drawn from: the runs in memory, with the JSON
/// files as [`ResultSet::load`] would read them back.
pub fn write_tables(
    dir: &Path,
    scenario: &Scenario,
    runs: &[RunOutput],
    summary: &Summary,
    facts: &RunFacts,
) -> Result<ResultSet, OutputError> {
    write_kept_timeseries(dir, scenario, runs)?;
    write_tables_but_timeseries(dir, scenario, runs, facts, || summary).map(|(_, rs)| rs)
}

/// Write a single run's `timeseries.csv` into `dir` as `[output] timeseries` asks: every run's
/// rows (`"all"`), their mean per org and tick (`"summary"`), or no file (`"none"`).
pub fn write_kept_timeseries(
    dir: &Path,
    scenario: &Scenario,
    runs: &[RunOutput],
) -> Result<(), OutputError> {
    let orgs: Vec<String> = scenario.orgs.iter().map(|o| o.name.clone()).collect();
    match scenario.kept_timeseries() {
        Timeseries::All => csv_file(dir, "timeseries.csv", |w| {
            tables::write_timeseries(w, &orgs, runs)
        }),
        Timeseries::Summary => csv_file(dir, "timeseries.csv", |w| {
            tables::write_mean_timeseries(w, &orgs, runs)
        }),
        Timeseries::Off => Ok(()),
    }
}

/// [`write_tables`] for a folder whose `timeseries.csv` was written as the runs finished
/// ([`SeriesWriter`](crate::output::SeriesWriter)), with the summary the tables hold made by
/// `summarise` (returned beside the results): the summary is made and the tables written on
/// one thread while the charts' series are built from the runs on another.
pub fn write_tables_but_timeseries<S: Borrow<Summary> + Send>(
    dir: &Path,
    scenario: &Scenario,
    runs: &[RunOutput],
    facts: &RunFacts,
    summarise: impl FnOnce() -> S + Send,
) -> Result<(S, ResultSet), OutputError> {
    let (orgs, tables) = rayon::join(
        || orgs_of_runs(scenario, runs),
        || {
            let summary = summarise();
            write_result_tables(dir, scenario, runs, summary.borrow(), facts)
                .map(|files| (summary, files))
        },
    );
    let (summary, (manifest, summary_file)) = tables?;
    Ok((
        summary,
        ResultSet::with_orgs(dir, manifest, summary_file, orgs),
    ))
}

/// Writes `replicates.csv`, `summary.csv`, `latency.csv`, `summary.json` and `manifest.json`
/// into `dir`; returns the two JSON files as [`ResultSet::load`] would read them back.
fn write_result_tables(
    dir: &Path,
    scenario: &Scenario,
    runs: &[RunOutput],
    summary: &Summary,
    facts: &RunFacts,
) -> Result<(Manifest, SummaryFile), OutputError> {
    let orgs: Vec<String> = scenario.orgs.iter().map(|o| o.name.clone()).collect();
    csv_file(dir, "replicates.csv", |w| {
        tables::write_replicates(w, &orgs, runs)
    })?;
    csv_file(dir, "summary.csv", |w| {
        tables::write_summary_csv(w, summary)
    })?;
    csv_file(dir, "latency.csv", |w| {
        tables::write_latency(w, &orgs, runs)
    })?;
    // The two JSON files are read back from the bytes written, as `orgsim report` reads them:
    // whatever the scenario or summary holds that JSON does not carry, the charts do not see.
    let summary_file: SummaryFile = json_bytes(dir, "summary.json", |w| {
        tables::write_summary_json(w, scenario, summary)
    })?;
    let manifest: Manifest = json_bytes(dir, "manifest.json", |w| {
        Manifest::new(scenario, facts).write(w)
    })?;
    Ok((manifest, summary_file))
}

/// Writes the JSON file `name` with `write` and returns it read back.
fn json_bytes<T: serde::de::DeserializeOwned>(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> Result<T, OutputError> {
    let path = dir.join(name);
    let json_error = |source| OutputError::Json {
        path: path.clone(),
        source,
    };
    let mut bytes = Vec::new();
    write(&mut bytes).map_err(json_error)?;
    fs::write(&path, &bytes).map_err(io_error(&path))?;
    serde_json::from_slice(&bytes).map_err(json_error)
}

fn create(path: &Path) -> Result<BufWriter<File>, OutputError> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(io_error(path))
}

pub(crate) fn csv_file(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut BufWriter<File>) -> csv::Result<()>,
) -> Result<(), OutputError> {
    let path = dir.join(name);
    let mut out = create(&path)?;
    write(&mut out).map_err(|source| OutputError::Csv {
        path: path.clone(),
        source,
    })
}

pub(crate) fn json_file(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut BufWriter<File>) -> serde_json::Result<()>,
) -> Result<(), OutputError> {
    let path = dir.join(name);
    let mut out = create(&path)?;
    write(&mut out).map_err(|source| OutputError::Json {
        path: path.clone(),
        source,
    })
}

/// Removes the temporary folder unless the result was moved into place, so no error or panic
/// leaves it behind.
struct TempFolder {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// What is at the destination now.
enum Existing {
    Nothing,
    /// An empty folder, or one holding only orgsim's files (`true` if it holds any).
    Result(bool),
}

/// Check, before a long run, that a result could be written to `dest`: nothing there, or a
/// folder holding only orgsim's files. [`write_atomically`] checks again before it writes.
pub fn check_destination(dest: &Path) -> Result<(), OutputError> {
    inspect(dest).map(drop)
}

/// Check the destination: refuse anything orgsim would not have written.
fn inspect(dest: &Path) -> Result<Existing, OutputError> {
    let meta = match fs::symlink_metadata(dest) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(io_error(dest)(e)),
    };
    // A symbolic link is never replaced: renaming over it would silently drop what it points to.
    if !meta.is_dir() {
        return Err(OutputError::NotAFolder {
            path: dest.to_path_buf(),
        });
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dest).map_err(io_error(dest))? {
        let entry = entry.map_err(io_error(dest))?;
        let is_file = entry.file_type().map_err(io_error(dest))?.is_file();
        names.push((entry.file_name().to_string_lossy().into_owned(), is_file));
    }
    // Sorted so the error names the same file every time.
    names.sort();
    if let Some((file, _)) = names
        .iter()
        .find(|(n, is_file)| !is_file || !is_result_file(n))
    {
        return Err(OutputError::ForeignFile {
            dir: dest.to_path_buf(),
            file: file.clone(),
        });
    }
    Ok(Existing::Result(!names.is_empty()))
}

/// The name and parent folder of a destination.
fn name_and_parent(dest: &Path) -> Result<(String, PathBuf), OutputError> {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| OutputError::NoFolderName {
            path: dest.to_path_buf(),
        })?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((name, parent))
}

/// An exclusive lock on a destination, held from before the run until its result is in place:
/// the file `.<name>.lock` beside it, locked with `flock`, holding the owner's process id. The
/// kernel releases it when the process ends, however it ends. The file is removed when the
/// lock is dropped; one a killed run left is simply locked again by the next.
#[derive(Debug)]
pub struct DestinationLock {
    file: File,
    path: PathBuf,
    /// What was found and tidied up when the lock was taken, one sentence each.
    pub notes: Vec<String>,
}

impl Drop for DestinationLock {
    /// Removes the lock file while still holding the lock; a run that opened it meanwhile
    /// finds, once it has the lock, that the name no longer leads to its file, and starts over.
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        let _ = &self.file;
    }
}

/// Whether `file` is still the file at `path` (not removed or replaced since it was opened).
fn still_at(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Take the lock on `dest` before any work: this proves the place can be written (creating the
/// parent folder if needed), refuses a destination another run is writing, and tidies up what
/// interrupted runs left beside it — temporary folders of processes that no longer exist are
/// removed, and a previous result left moved aside (`.<name>.old-<pid>`) is put back if the
/// destination is missing.
pub fn lock_destination(dest: &Path) -> Result<DestinationLock, OutputError> {
    let (name, parent) = name_and_parent(dest)?;
    let unwritable = |source: io::Error| OutputError::Unwritable {
        dir: parent.clone(),
        dest: dest.to_path_buf(),
        source,
    };
    fs::create_dir_all(&parent).map_err(unwritable)?;
    let path = parent.join(format!(".{name}.lock"));
    let mut tries = 0;
    let mut file = loop {
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(unwritable)?;
        if !try_flock(&file).map_err(unwritable)? {
            let mut text = String::new();
            let _ = io::Read::read_to_string(&mut file, &mut text);
            return Err(OutputError::Locked {
                dest: dest.to_path_buf(),
                pid: text.trim().parse().ok(),
            });
        }
        tries += 1;
        if still_at(&file, &path) || tries >= 5 {
            break file;
        }
    };
    let _ = file.set_len(0);
    let _ = io::Write::write_all(&mut file, format!("{}\n", std::process::id()).as_bytes());
    // A probe: the parent may accept a lock file yet refuse a folder (a quota, a full disk).
    let probe = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if !probe.exists() {
        signals_held(|| {
            fs::create_dir(&probe)?;
            let _ = fs::remove_dir(&probe);
            Ok(())
        })
        .map_err(unwritable)?;
    }
    let notes = tidy(dest, &name, &parent);
    Ok(DestinationLock { file, path, notes })
}

/// The signals that came while [`held_off`] held them off, a bit per signal number.
#[cfg(unix)]
static HELD: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(unix)]
extern "C" fn hold(signal: libc::c_int) {
    HELD.fetch_or(1 << signal, std::sync::atomic::Ordering::SeqCst);
}

/// Runs `f` with Ctrl-C (SIGINT) and SIGTERM held off: one that comes meanwhile takes effect
/// once `f` is done, as it would have without orgsim. The destination's probe is made and
/// removed this way, so a Ctrl-C as orgsim starts never leaves the probe's empty folder
/// behind.
fn signals_held<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(unix)]
    return held_off(&[libc::SIGINT, libc::SIGTERM], f);
    #[cfg(not(unix))]
    f()
}

/// Runs `f` with `signals` caught and noted instead of acted on, then puts their actions back
/// and raises each one that came. The actions are the process's, not one
/// thread's mask, so no thread is exempt.
#[cfg(unix)]
fn held_off<T>(signals: &[libc::c_int], f: impl FnOnce() -> T) -> T {
    use std::sync::atomic::Ordering;
    let mask = signals.iter().fold(0u64, |m, &s| m | 1 << s);
    HELD.fetch_and(!mask, Ordering::SeqCst);
    let handler = hold as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: `hold` only updates an atomic, which is async-signal-safe; the actions it
    // replaces are put back below.
    let before: Vec<libc::sighandler_t> = signals
        .iter()
        .map(|&s| unsafe { libc::signal(s, handler) })
        .collect();
    let out = f();
    for (&s, &action) in signals.iter().zip(&before) {
        // SAFETY: puts back an action `signal` returned above.
        unsafe { libc::signal(s, action) };
    }
    let came = HELD.fetch_and(!mask, Ordering::SeqCst) & mask;
    for &s in signals {
        if came & 1 << s != 0 {
            // SAFETY: raises the signal with the action it had before `f`, as if it came now.
            unsafe { libc::raise(s) };
        }
    }
    out
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when another process holds it.
fn try_flock(file: &File) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a file descriptor this function borrows; no memory is touched.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::WouldBlock {
            Ok(false)
        } else {
            Err(e)
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(true)
    }
}

/// Whether process `pid` exists (on other systems: assume it does, and touch nothing).
pub(crate) fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Remove what interrupted runs of dead processes left beside `dest`; put back a previous
/// result a run moved aside and did not replace. Returns what it did, for the user.
fn tidy(dest: &Path, name: &str, parent: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    let Ok(entries) = fs::read_dir(parent) else {
        return notes;
    };
    let me = std::process::id();
    let mut left: Vec<(String, &'static str, u32)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let rest = file.strip_prefix(&format!(".{name}."))?;
            let (kind, pid) = rest
                .strip_prefix("tmp-")
                .map(|p| ("tmp", p))
                .or_else(|| rest.strip_prefix("old-").map(|p| ("old", p)))?;
            let pid: u32 = pid.parse().ok()?;
            (pid != me && !alive(pid)).then_some((file, kind, pid))
        })
        .collect();
    // Oldest-named first, so the same folder is restored every time.
    left.sort();
    for (file, kind, pid) in left {
        let path = parent.join(&file);
        if kind == "old" && fs::symlink_metadata(dest).is_err() && fs::rename(&path, dest).is_ok() {
            notes.push(format!(
                "restored the previous result to {} from {} (process {pid} was stopped while replacing it)",
                dest.display(),
                path.display()
            ));
        } else if fs::remove_dir_all(&path).is_ok() {
            let what = if kind == "old" {
                "a previous result already replaced"
            } else {
                "an unfinished result"
            };
            notes.push(format!(
                "removed {}, {what} left by an interrupted run (process {pid})",
                path.display()
            ));
        }
    }
    notes
}

/// Fill a temporary folder beside `dest` with `fill`, then move it to `dest`.
///
/// The temporary folder is `.<name>.tmp-<pid>` in `dest`'s parent (created if missing), so the
/// final rename stays on one file system. An existing `dest` holding only orgsim's files is
/// replaced (moved aside to `.<name>.old-<pid>`, the new folder renamed in, the old one
/// deleted); anything else there is refused before any work. On error the temporary folder is
/// removed and `dest` is as it was.
pub fn write_atomically<E: From<OutputError>>(
    dest: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<Written, E> {
    let (name, parent) = name_and_parent(dest)?;
    inspect(dest)?;
    fs::create_dir_all(&parent).map_err(io_error(&parent))?;

    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    // Only a crashed earlier run with the same process id can have left this behind.
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_error(&tmp))?;
    }
    fs::create_dir(&tmp).map_err(io_error(&tmp))?;
    let mut guard = TempFolder {
        path: tmp.clone(),
        keep: false,
    };

    fill(&tmp)?;

    // Look again: the destination may have changed while the folder was being filled.
    let written = match inspect(dest)? {
        Existing::Nothing => {
            fs::rename(&tmp, dest).map_err(io_error(dest))?;
            Written {
                path: dest.to_path_buf(),
                replaced: false,
                leftover: None,
            }
        }
        Existing::Result(had_files) => {
            let old = parent.join(format!(".{name}.old-{pid}"));
            if old.exists() {
                fs::remove_dir_all(&old).map_err(io_error(&old))?;
            }
            fs::rename(dest, &old).map_err(io_error(dest))?;
            if let Err(e) = fs::rename(&tmp, dest) {
                // Put the previous result back: better the old result than none.
                let _ = fs::rename(&old, dest);
                return Err(io_error(dest)(e).into());
            }
            let leftover = fs::remove_dir_all(&old).err().map(|_| old);
            Written {
                path: dest.to_path_buf(),
                replaced: had_files,
                leftover,
            }
        }
    };
    guard.keep = true;
    Ok(written)
}

#[cfg(test)]
#[path = "folder_tests.rs"]
mod tests;
