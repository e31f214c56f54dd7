//! Result files: the CSV tables, `summary.json`, `manifest.json`, and writing a result folder
//! atomically (DESIGN.md §3). Charts and the HTML report add their files through the hook that
//! [`write_result`] takes.

pub mod console;
mod folder;
pub mod manifest;
pub mod tables;

pub use folder::{
    HookError, OutputError, RESULT_FILES, Written, is_result_file, write_atomically, write_result,
    write_tables,
};
pub use manifest::{Manifest, RunFacts, rfc3339};
pub use tables::SummaryFile;
