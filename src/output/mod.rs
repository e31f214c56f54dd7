//! Result files: the CSV tables, `summary.json`, `manifest.json`, charts and the HTML report,
//! and writing a result folder atomically (README "What a run writes"). Charts and the report are rendered
//! from a [`results::ResultSet`]: `orgsim run` builds it from the runs in memory, `orgsim report
//! DIR` reads it from the folder's own files, and both draw the same bytes.

pub mod charts;
pub mod console;
mod folder;
pub mod manifest;
mod number;
pub mod report;
pub mod results;
mod series_writer;
mod summary_table;
pub mod sweep;
pub mod sweep_report;
pub mod tables;

pub use folder::{
    DestinationLock, HookError, OutputError, RESULT_FILES, Written, check_destination,
    is_result_file, lock_destination, write_atomically, write_kept_timeseries, write_result,
    write_tables, write_tables_but_timeseries,
};
pub(crate) use folder::{alive, json_file};
pub use manifest::{Manifest, RunFacts, rfc3339};
pub use series_writer::SeriesWriter;
pub use tables::SummaryFile;

/// Redraws the charts and report of the result folder `dir`, a single run's or a sweep's.
pub fn render_any(
    dir: &std::path::Path,
    formats: Option<&[crate::scenario::Format]>,
) -> Result<Vec<std::path::PathBuf>, report::RenderError> {
    charts::remove_stale_temporaries(dir);
    if sweep::read::SweepResults::is_sweep(dir) {
        sweep_report::render_all_as(dir, formats)
    } else {
        report::render_all_as(dir, formats)
    }
}
