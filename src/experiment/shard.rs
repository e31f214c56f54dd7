//! Shard folders: `orgsim run --shard K/N` runs its slice of a sweep's points
//! (`scenario::shard_of_points`) into `<result>.shards/shard-K-of-N/`, which `orgsim merge`
//! reads back.
//!
//! A shard folder holds the shard's journal (`journal.jsonl`, the sweep journal's format with
//! the shard in its header) and, once every point of the shard is committed, `shard.json`: the
//! facts of the run that finished it. A journal without `shard.json` is an unfinished shard.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::scenario::ShardOf;

/// The shard's completion file in its folder.
pub const SHARD_FILE: &str = "shard.json";
/// The format of `shard.json` this orgsim writes.
pub const SHARD_FORMAT: u32 = 1;

/// `<result>.shards`: the folder that holds the shard folders of a sweep into `dest`.
pub fn shards_dir(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
    let folder = format!("{name}.shards");
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(folder),
        _ => PathBuf::from(folder),
    }
}

/// Where shard `shard` of a sweep into `dest` goes: `<dest>.shards/shard-K-of-N`.
pub fn shard_dir(dest: &Path, shard: ShardOf) -> PathBuf {
    shards_dir(dest).join(shard.folder_name())
}

/// `shard.json`: written when every point of the shard is committed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    /// The format of this file.
    pub orgsim_shard: u32,
    /// The orgsim that finished the shard.
    pub orgsim_version: String,
    /// Which shard.
    pub shard: ShardOf,
    /// Points of the shard.
    pub points: u64,
    /// Points of the whole sweep.
    pub sweep_points: u64,
    /// The checksum of the scenario, as in the journal header.
    pub checksum: String,
    /// The scenario file, as given.
    pub scenario_file: Option<String>,
    /// The scenario file's text as read.
    pub scenario_text: Option<String>,
    /// Worker threads of the run that finished the shard.
    pub threads: usize,
    /// The command that finished the shard.
    pub command: Vec<String>,
    /// UTC, RFC 3339: when the run that finished the shard started.
    pub started: String,
    /// UTC, RFC 3339: when it finished.
    pub finished: String,
}

impl ShardFile {
    /// Reads `shard.json` in `dir`; `Ok(None)` when there is none.
    pub fn read(dir: &Path) -> Result<Option<ShardFile>, String> {
        let path = dir.join(SHARD_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| format!("{} is damaged: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Writes it into `dir` whole: to a temporary file, fsynced, then renamed into place.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let tmp = dir.join(format!(".{SHARD_FILE}.tmp"));
        let mut text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        text.push(b'\n');
        fs::write(&tmp, &text)?;
        fs::File::open(&tmp)?.sync_all()?;
        fs::rename(&tmp, dir.join(SHARD_FILE))?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shards_folder_sits_beside_the_result() {
        let dest = Path::new("results/span");
        assert_eq!(shards_dir(dest), Path::new("results/span.shards"));
        assert_eq!(
            shard_dir(dest, ShardOf { k: 1, n: 2 }),
            Path::new("results/span.shards/shard-1-of-2")
        );
        assert_eq!(shards_dir(Path::new("x")), Path::new("x.shards"));
    }
}
