//! The sweep journal: completed points committed to disk as they finish, so an interrupted
//! sweep (Ctrl-C, a crash, a killed job) can be resumed without re-running them.
//!
//! `journal.jsonl` is append-only JSON Lines. Its first line is the [`JournalHeader`]: the
//! format version, the orgsim version, the resolved scenario and a checksum of what in it
//! decides the results. Every further line is one [`PointRecord`], written whole and fsynced
//! before the point counts as done (records that finish together share one fsync). Records are
//! in the order points finished, which depends on scheduling; [`Journal::records`] reads them
//! back in point order, which does not. A line cut short by a crash has no final newline: it is
//! ignored, and cut off before the journal is appended to again.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::record::PointRecord;
use crate::scenario::{Scenario, ShardOf, Timeseries};

/// The journal's file name inside its work folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// The journal format this orgsim writes.
pub const FORMAT: u32 = 1;

/// The first line of a journal: what sweep it is of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalHeader {
    /// The journal format.
    pub orgsim_journal: u32,
    /// The orgsim that started the sweep: another version may give other results.
    pub orgsim_version: String,
    /// FNV-1a (64 bits, hex) of [`identity`] of the scenario.
    pub checksum: String,
    /// Points in the sweep.
    pub points: u64,
    /// Org names, in scenario order (the `org` index of a record).
    pub orgs: Vec<String>,
    /// Replicates per org and point.
    pub replicates: u32,
    /// The swept paths (the order of a record's `values`).
    pub paths: Vec<String>,
    /// The tick metrics of a record's series, in order.
    pub tick_metrics: Vec<String>,
    /// Which time series the records keep.
    pub timeseries: Timeseries,
    /// The resolved scenario, to say what changed when a resume is refused.
    pub scenario: Scenario,
    /// The shard this journal is of (`orgsim run --shard K/N`); `None`: the whole sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardOf>,
    /// The command that started a shard, so a merge can say how to finish it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
}

/// Why a journal could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Reading or writing failed.
    #[error("could not use the sweep journal {}", path.display())]
    Io {
        /// The journal file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A line is not what orgsim writes.
    #[error("the sweep journal {} is damaged at line {line}: {message}", path.display())]
    Damaged {
        /// The journal file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// What of a scenario decides a sweep's records: everything but its name and description,
/// where the result goes, its chart formats and the metrics its charts show.
pub fn identity(s: &Scenario) -> Value {
    let mut s = s.clone();
    s.scenario.name.clear();
    s.scenario.description.clear();
    s.output.dir = None;
    s.output.formats.clear();
    s.sweep.metrics.clear();
    serde_json::to_value(&s).unwrap_or(Value::Null)
}

/// FNV-1a, 64 bits, of the canonical JSON of `v` (object keys sorted), in hex.
pub fn checksum(v: &Value) -> String {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// What differs between two scenarios' [`identity`], one line per value: `work.rate: 10 → 12`.
/// Orgs and shocks are named by name.
pub fn changes(old: &Scenario, new: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    diff("", &identity(old), &identity(new), &mut out);
    out
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let none = Value::Null;
                diff(
                    &join(k),
                    x.get(k).unwrap_or(&none),
                    y.get(k).unwrap_or(&none),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let name = p.get("name").and_then(Value::as_str).filter(|n| {
                    q.get("name").and_then(Value::as_str) == Some(n) && !n.contains('.')
                });
                let here = match name {
                    Some(n) => join(n),
                    None => format!("{path}[{i}]"),
                };
                diff(&here, p, q, out);
            }
        }
        _ if a != b => out.push(format!("{path}: {} → {}", shown(a), shown(b))),
        _ => {}
    }
}

/// Where one committed record is in its journal file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordAt {
    /// The record's point.
    pub point: u64,
    offset: u64,
    len: usize,
}

/// A journal on disk: its header and where each committed point's record is.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    header: JournalHeader,
    /// `(point, byte offset, length)` of every complete record, in file order.
    index: Vec<(u64, u64, usize)>,
    /// Bytes up to the end of the last complete line.
    complete: u64,
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The point index a record line starts with: `{"point":123,`.
fn point_of(line: &[u8]) -> Option<u64> {
    let rest = line.strip_prefix(b"{\"point\":")?;
    let end = rest.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

impl Journal {
    /// Starts a new journal in `dir` (created if missing) with `header` as its first line.
    pub fn create(dir: &Path, header: &JournalHeader) -> Result<Journal, JournalError> {
        let path = dir.join(JOURNAL_FILE);
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let mut line = serde_json::to_vec(header).map_err(|e| JournalError::Io {
            path: path.clone(),
            source: e.into(),
        })?;
        line.push(b'\n');
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io_err(&path))?;
        f.write_all(&line).map_err(io_err(&path))?;
        f.sync_all().map_err(io_err(&path))?;
        // The folder's entry for the new file must survive a crash too.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(Journal {
            path,
            header: header.clone(),
            index: Vec::new(),
            complete: line.len() as u64,
        })
    }

    /// Reads the journal in `dir`: its header and the records committed so far.
    pub fn open(dir: &Path) -> Result<Journal, JournalError> {
        let path = dir.join(JOURNAL_FILE);
        let file = File::open(&path).map_err(io_err(&path))?;
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        let damaged = |line: usize, message: String| JournalError::Damaged {
            path: path.clone(),
            line,
            message,
        };
        let n = reader.read_until(b'\n', &mut line).map_err(io_err(&path))?;
        if n == 0 || line.last() != Some(&b'\n') {
            return Err(damaged(1, "the header line is incomplete".into()));
        }
        let header: JournalHeader =
            serde_json::from_slice(&line).map_err(|e| damaged(1, e.to_string()))?;
        let mut offset = n as u64;
        let mut index = Vec::new();
        let mut number = 1;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).map_err(io_err(&path))?;
            number += 1;
            if n == 0 || line.last() != Some(&b'\n') {
                // The end, or a record cut short by a crash: it was never committed.
                break;
            }
            let point = point_of(&line)
                .ok_or_else(|| damaged(number, "a record must start with its point".into()))?;
            if point >= header.points {
                return Err(damaged(
                    number,
                    format!("point {point} is beyond the sweep's {}", header.points),
                ));
            }
            index.push((point, offset, n));
            offset += n as u64;
        }
        Ok(Journal {
            path,
            header,
            index,
            complete: offset,
        })
    }

    /// The journal's header.
    pub fn header(&self) -> &JournalHeader {
        &self.header
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether each point is committed, by point index.
    pub fn committed(&self) -> Vec<bool> {
        let mut done = vec![false; self.header.points as usize];
        for &(p, _, _) in &self.index {
            done[p as usize] = true;
        }
        done
    }

    /// Where each committed point's record is, in point order (a point committed twice, which
    /// only a second writer could cause, is read once). Holds positions, not records.
    pub fn positions(&self) -> Vec<RecordAt> {
        let mut order: Vec<RecordAt> = self
            .index
            .iter()
            .map(|&(point, offset, len)| RecordAt { point, offset, len })
            .collect();
        order.sort_by_key(|r| (r.point, r.offset));
        order.dedup_by_key(|r| r.point);
        order
    }

    /// Reads the record at `at` through `reader` (a reader of this journal's file).
    pub fn read_at<R: Read + Seek>(
        &self,
        reader: &mut R,
        at: &RecordAt,
    ) -> Result<PointRecord, JournalError> {
        let mut buf = vec![0; at.len];
        reader
            .seek(SeekFrom::Start(at.offset))
            .and_then(|_| reader.read_exact(&mut buf))
            .map_err(io_err(&self.path))?;
        serde_json::from_slice(&buf).map_err(|e| JournalError::Damaged {
            path: self.path.clone(),
            line: 0,
            message: format!("the record of point {}: {e}", at.point),
        })
    }

    /// Opens this journal's file for [`Journal::read_at`].
    pub fn reader(&self) -> Result<BufReader<File>, JournalError> {
        File::open(&self.path)
            .map(BufReader::new)
            .map_err(io_err(&self.path))
    }

    /// The records, one per committed point, in point order (a point committed twice, which
    /// only a second writer could cause, is read once).
    pub fn records(&self) -> impl Iterator<Item = Result<PointRecord, JournalError>> + '_ {
        let mut reader: Option<BufReader<File>> = None;
        self.positions().into_iter().map(move |at| {
            if reader.is_none() {
                reader = Some(self.reader()?);
            }
            let r = reader.as_mut().expect("opened above");
            self.read_at(r, &at)
        })
    }

    /// A writer appending to this journal, after cutting off a record a crash left incomplete.
    pub fn append(&self) -> Result<JournalWriter, JournalError> {
        let file = OpenOptions::new()
            .write(true)
            .open(&self.path)
            .map_err(io_err(&self.path))?;
        file.set_len(self.complete).map_err(io_err(&self.path))?;
        let mut file = file;
        file.seek(SeekFrom::End(0)).map_err(io_err(&self.path))?;
        Ok(JournalWriter::start(self.path.clone(), file))
    }
}

/// Appends record lines on a thread of its own, fsyncing after each batch: a point counts as
/// committed once its line is on disk.
pub struct JournalWriter {
    tx: Option<SyncSender<Vec<u8>>>,
    handle: Option<JoinHandle<Result<(), JournalError>>>,
    committed: Arc<AtomicU64>,
    failed: Arc<AtomicBool>,
}

impl JournalWriter {
    fn start(path: PathBuf, file: File) -> JournalWriter {
        // A small queue: points finishing faster than the disk takes them wait, so memory
        // holds a few records, not the sweep.
        let (tx, rx) = sync_channel::<Vec<u8>>(16);
        let committed = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicBool::new(false));
        let (c, f) = (committed.clone(), failed.clone());
        let handle = std::thread::spawn(move || write_loop(path, file, rx, &c, &f));
        JournalWriter {
            tx: Some(tx),
            handle: Some(handle),
            committed,
            failed,
        }
    }

    /// Queues one record line (from [`PointRecord::to_line`]) to be committed.
    pub fn commit(&self, line: Vec<u8>) {
        if let Some(tx) = &self.tx {
            // A closed channel means the writer failed; `finish` reports why.
            let _ = tx.send(line);
        }
    }

    /// Records committed (on disk) so far by this writer.
    pub fn committed(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    /// Whether writing has failed, so the sweep should stop.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    /// Waits for every queued record to be committed; the first write error, if any.
    pub fn finish(mut self) -> Result<u64, JournalError> {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            match h.join() {
                Ok(r) => r?,
                Err(_) => {
                    return Err(JournalError::Damaged {
                        path: PathBuf::new(),
                        line: 0,
                        message: "the journal writer stopped".into(),
                    });
                }
            }
        }
        Ok(self.committed())
    }
}

impl Drop for JournalWriter {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn write_loop(
    path: PathBuf,
    mut file: File,
    rx: Receiver<Vec<u8>>,
    committed: &AtomicU64,
    failed: &AtomicBool,
) -> Result<(), JournalError> {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        let written = batch
            .iter()
            .try_for_each(|line| file.write_all(line))
            .and_then(|()| file.sync_data());
        if let Err(source) = written {
            failed.store(true, Ordering::Release);
            return Err(JournalError::Io { path, source });
        }
        committed.fetch_add(batch.len() as u64, Ordering::AcqRel);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::RunOutput;
    use crate::scenario::{OrgSpec, SweepValue};

    fn header(points: u64) -> JournalHeader {
        let s = Scenario::new("t", 100, 2.0, vec![OrgSpec::tree("H", 3, 2)]);
        JournalHeader {
            orgsim_journal: FORMAT,
            orgsim_version: "test".into(),
            checksum: checksum(&identity(&s)),
            points,
            orgs: vec!["H".into()],
            replicates: 1,
            paths: vec!["work.rate".into()],
            tick_metrics: vec![],
            timeseries: Timeseries::Off,
            scenario: s,
            shard: None,
            command: Vec::new(),
        }
    }

    fn record(point: u64) -> PointRecord {
        let run = RunOutput {
            metrics: vec![("latency_mean".into(), Some(point as f64 / 3.0))],
            ..RunOutput::default()
        };
        PointRecord::new(
            point,
            vec![SweepValue::Int(point as i64)],
            2.0,
            &[run],
            Timeseries::Off,
        )
    }

    #[test]
    fn records_come_back_in_point_order_and_a_torn_line_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::create(dir.path(), &header(5)).unwrap();
        let w = j.append().unwrap();
        for p in [3, 0, 4] {
            w.commit(record(p).to_line().unwrap());
        }
        assert_eq!(w.finish().unwrap(), 3);
        // A crash in the middle of a line.
        let path = dir.path().join(JOURNAL_FILE);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        let line = record(1).to_line().unwrap();
        f.write_all(&line[..line.len() / 2]).unwrap();
        drop(f);

        let j = Journal::open(dir.path()).unwrap();
        assert_eq!(j.committed(), vec![true, false, false, true, true]);
        let points: Vec<u64> = j.records().map(|r| r.unwrap().point).collect();
        assert_eq!(points, [0, 3, 4]);
        assert_eq!(j.records().next().unwrap().unwrap(), record(0));

        let w = j.append().unwrap();
        w.commit(record(1).to_line().unwrap());
        w.finish().unwrap();
        let j = Journal::open(dir.path()).unwrap();
        let points: Vec<u64> = j.records().map(|r| r.unwrap().point).collect();
        assert_eq!(points, [0, 1, 3, 4]);
    }

    #[test]
    fn changes_name_orgs_by_name_and_ignore_presentation() {
        let a = header(1).scenario;
        let mut b = a.clone();
        b.scenario.name = "renamed".into();
        b.output.formats.clear();
        assert_eq!(changes(&a, &b), Vec::<String>::new());
        assert_eq!(checksum(&identity(&a)), checksum(&identity(&b)));
        b.work.rate = 3.0;
        b.orgs[0].learning = 0.01;
        assert_eq!(
            changes(&a, &b),
            ["org.H.learning: 0.0 → 0.01", "work.rate: 2.0 → 3.0"]
        );
        assert_ne!(checksum(&identity(&a)), checksum(&identity(&b)));
    }
}
