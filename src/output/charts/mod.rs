//! Charts of a result folder, as PNG (1600×900) and SVG, drawn with plotters in the embedded
//! DejaVu Sans. Every chart gives each org the same colour, line style and marker
//! ([`OrgStyle::of`]), so a chart reads in greyscale too.

mod decided_at;
pub mod discovery;
mod frame;
pub mod heatmap;
pub mod indices;
mod latency_cdf;
mod over_time;
mod recovery;
mod series;
pub mod style;
pub mod sweep;

pub use recovery::{Outcome as RecoveryOutcome, outcome as recovery_outcome};
pub use style::{HEIGHT, OrgStyle, WIDTH, ensure_font};

use crate::output::results::ResultSet;
use crate::scenario::{Format, Timeseries};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;
use series::Quantity;
use std::path::{Path, PathBuf};
use style::ChartResult;

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[error("chart `{chart}`{}: {message}", .file.as_ref().map(|f| format!(" ({})", f.display())).unwrap_or_default())]
pub struct ChartError {
    pub chart: &'static str,
    pub file: Option<PathBuf>,
    pub message: String,
}

/// One of the charts orgsim draws; its file stem is [`Chart::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    Latency,
    Throughput,
    Backlog,
    Value,
    Recovery,
    LatencyCdf,
    DecidedAt,
}

impl Chart {
    /// Every chart, in the order the report shows them.
    pub const ALL: [Chart; 7] = [
        Chart::Latency,
        Chart::Throughput,
        Chart::Backlog,
        Chart::Recovery,
        Chart::LatencyCdf,
        Chart::DecidedAt,
        Chart::Value,
    ];

    /// The file stem: `latency` → `latency.png`, `latency.svg`.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Latency => "latency",
            Chart::Throughput => "throughput",
            Chart::Backlog => "backlog",
            Chart::Value => "value",
            Chart::Recovery => "recovery",
            Chart::LatencyCdf => "latency_cdf",
            Chart::DecidedAt => "decided_at",
        }
    }

    /// A one-line caption for the report.
    pub fn caption(self) -> &'static str {
        match self {
            Chart::Latency => "How long decisions take, from arrival to execution, over the run.",
            Chart::Throughput => "Decisions executed per time unit, against the work arriving.",
            Chart::Backlog => "Decisions in the system and not yet executed.",
            Chart::Value => "Value delivered per time unit, net of bad decisions.",
            Chart::Recovery => "Time to recover from each shock, by recovery metric.",
            Chart::LatencyCdf => "Share of decisions executed within a given latency.",
            Chart::DecidedAt => "Where decisions are taken, by level of the organisation.",
        }
    }

    /// Whether the run has anything for this chart to show: recovery needs a shock, and the
    /// charts over time a time series (none under `[output] timeseries = "none"`).
    pub fn applies(self, rs: &ResultSet) -> bool {
        match self {
            Chart::Recovery => {
                let sc = rs.scenario();
                !sc.shocks.is_empty() && !sc.recovery.metrics.is_empty()
            }
            Chart::Latency | Chart::Throughput | Chart::Backlog | Chart::Value => {
                rs.scenario().kept_timeseries() != Timeseries::Off
            }
            Chart::LatencyCdf | Chart::DecidedAt => true,
        }
    }

    fn draw<DB: DrawingBackend>(self, rs: &ResultSet, root: &DrawingArea<DB, Shift>) -> ChartResult
    where
        DB::ErrorType: 'static,
    {
        let window = rs.scenario().recovery.window;
        match self {
            Chart::Latency => over_time::draw(rs, Quantity::Latency { window }, root),
            Chart::Throughput => over_time::draw(rs, Quantity::Throughput { window }, root),
            Chart::Backlog => over_time::draw(rs, Quantity::Backlog, root),
            Chart::Value => over_time::draw(rs, Quantity::Value { window }, root),
            Chart::Recovery => recovery::draw(rs, root),
            Chart::LatencyCdf => latency_cdf::draw(rs, root),
            Chart::DecidedAt => decided_at::draw(rs, root),
        }
    }

    fn error(self, file: Option<&Path>, message: impl ToString) -> ChartError {
        ChartError {
            chart: self.name(),
            file: file.map(Path::to_path_buf),
            message: message.to_string(),
        }
    }

    /// Draws the chart into `path` as PNG or SVG, through a temporary file renamed into place
    /// ([`atomically`]), so a full disk or a kill never leaves a truncated chart.
    pub fn write(self, rs: &ResultSet, path: &Path, format: Format) -> Result<(), ChartError> {
        ensure_font().map_err(|e| self.error(Some(path), e))?;
        atomically(path, |tmp| self.write_to(rs, tmp, format))
            .map_err(|e| self.error(Some(path), e))
    }

    fn write_to(self, rs: &ResultSet, path: &Path, format: Format) -> Result<(), String> {
        let result = match format {
            Format::Png => return write_png(path, |root| self.draw(rs, root)),
            Format::Svg => {
                let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
                self.draw(rs, &root).and_then(|()| Ok(root.present()?))
            }
        };
        result.map_err(|e| e.to_string())
    }

    /// Draws the chart as an SVG document in memory (for the report).
    pub fn svg(self, rs: &ResultSet) -> Result<String, ChartError> {
        ensure_font().map_err(|e| self.error(None, e))?;
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
            self.draw(rs, &root)
                .and_then(|()| Ok(root.present()?))
                .map_err(|e| self.error(None, e))?;
        }
        Ok(out)
    }
}

/// Draws a chart with `draw` on a canvas in memory and writes it to `path` as a PNG.
///
/// The encoder is set for speed: fast compression, and the Paeth filter on every row instead
/// of trying each filter on each row. On a chart (flat colour, lines and text) the files are
/// 5% larger than with the adaptive filter, and written in half the time (`docs/performance.md`,
/// "Output").
pub(crate) fn write_png(
    path: &Path,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> ChartResult,
) -> Result<(), String> {
    let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root)
            .and_then(|()| Ok(root.present()?))
            .map_err(|e| e.to_string())?;
    }
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut png = png::Encoder::new(std::io::BufWriter::new(file), WIDTH, HEIGHT);
    png.set_color(png::ColorType::Rgb);
    png.set_depth(png::BitDepth::Eight);
    png.set_compression(png::Compression::Fast);
    png.set_filter(png::FilterType::Paeth);
    png.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut writer = png.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())
}

/// Writes a file by `write`-ing a temporary sibling `.<stem>.tmp-<pid>.<ext>` (the extension
/// kept: the image encoder chooses the format by it) and renaming it over `path` once whole.
/// On failure the temporary file is removed and `path` is as it was.
pub(crate) fn atomically(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
    let stem = path
        .file_stem()
        .map_or_else(|| "chart".into(), |s| s.to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    let tmp = path.with_file_name(format!(".{stem}.tmp-{}{ext}", std::process::id()));
    let done = write(&tmp).and_then(|()| std::fs::rename(&tmp, path).map_err(|e| e.to_string()));
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

/// Removes temporary files (`.<stem>.tmp-<pid>.<ext>`, `report.html.tmp`) that a killed
/// `orgsim report` of a process no longer running left in `dir`.
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix('.')
            .and_then(|rest| rest.split_once(".tmp-"))
            .and_then(|(_, tail)| tail.split('.').next()?.parse::<u32>().ok());
        let stale = match pid {
            Some(pid) => pid != me && !crate::output::folder::alive(pid),
            None => name == "report.html.tmp",
        };
        if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// File extension of a chart format.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Png => "png",
        Format::Svg => "svg",
    }
}

/// Writes every chart that applies in every format into `dir`; returns the files written.
pub fn render_charts(
    rs: &ResultSet,
    dir: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, ChartError> {
    let jobs: Vec<(Chart, Format, PathBuf)> = Chart::ALL
        .into_iter()
        .filter(|c| c.applies(rs))
        .flat_map(|chart| {
            formats.iter().map(move |&format| {
                let path = dir.join(format!("{}.{}", chart.name(), extension(format)));
                (chart, format, path)
            })
        })
        .collect();
    // Each chart is a file of its own, drawn from the same read-only results: drawn side by
    // side, the bytes are the same; the first failure in chart order is the one reported.
    jobs.into_par_iter()
        .map(|(chart, format, path)| chart.write(rs, &path, format).map(|()| path))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Every chart that applies to `rs`, in report order, drawn as an SVG document: the same
/// document goes into the chart's `.svg` file and, inline, into the report.
pub fn draw_svgs(rs: &ResultSet) -> Result<Vec<(Chart, String)>, ChartError> {
    let charts: Vec<Chart> = Chart::ALL.into_iter().filter(|c| c.applies(rs)).collect();
    charts
        .into_par_iter()
        .map(|chart| chart.svg(rs).map(|svg| (chart, svg)))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// [`render_charts`], with each chart's SVG already drawn ([`draw_svgs`]): an `.svg` file is
/// that document, written as it is (SVGBackend writes the same text to a file as to a string).
pub fn write_drawn_charts(
    rs: &ResultSet,
    dir: &Path,
    formats: &[Format],
    svgs: &[(Chart, String)],
) -> Result<Vec<PathBuf>, ChartError> {
    let jobs: Vec<(Chart, Format, PathBuf, Option<&str>)> = svgs
        .iter()
        .flat_map(|(chart, svg)| {
            formats.iter().map(move |&format| {
                let path = dir.join(format!("{}.{}", chart.name(), extension(format)));
                (*chart, format, path, Some(svg.as_str()))
            })
        })
        .collect();
    jobs.into_par_iter()
        .map(|(chart, format, path, svg)| match (format, svg) {
            (Format::Svg, Some(svg)) => atomically(&path, |tmp| {
                std::fs::write(tmp, svg).map_err(|e| e.to_string())
            })
            .map_err(|e| chart.error(Some(&path), e))
            .map(|()| path),
            _ => chart.write(rs, &path, format).map(|()| path),
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}
