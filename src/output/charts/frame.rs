//! The frame every chart is drawn in: a white page with the title, subtitle and legend above
//! the plot, the plot's margins, and its grid and axes. A chart sets only what is its own (the
//! top and right margins, tick counts, axis titles).

use super::style::*;
use crate::output::results::OrgResults;
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// A plot with numbers on both axes, as every chart draws one.
pub type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Fills the page white and draws the header and the legend; returns the area below them,
/// where the plot goes.
pub fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let legend_y = draw_header(root, title, subtitle)?;
    let body_top = draw_legend(root, legend, LEFT, legend_y)?;
    Ok(root.margin(body_top, 0, 0, 0))
}

/// One legend entry per org in scenario order, in its style: a line sample with its marker,
/// or (`line` false, for charts without lines) the marker alone.
pub fn org_legend(orgs: &[OrgResults], line: bool) -> Vec<LegendItem<'_>> {
    orgs.iter()
        .enumerate()
        .map(|(i, o)| LegendItem::Org {
            name: &o.name,
            style: OrgStyle::of(i),
            line,
        })
        .collect()
}

/// A plot builder on `body` with the margins and tick-label room most charts use; a chart sets
/// its top and right margins, and the label room where it needs another.
pub fn plot_builder<'a, 'b, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(body);
    builder
        .margin_left(16)
        .margin_bottom(12)
        .x_label_area_size(84)
        .y_label_area_size(116);
    builder
}

/// The grid and axes of every chart: major grid lines only, muted axes, tick labels and axis
/// titles in ink. A chart adds its tick counts, formatters and axis titles, then draws.
pub fn axes<'a, 'b, DB: DrawingBackend>(
    plot: &'b mut Plot<'a, DB>,
) -> MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, DB> {
    let mut mesh = plot.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(2))
        .label_style(text(TICK_LABEL_SIZE, INK))
        .axis_desc_style(text(AXIS_DESC_SIZE, INK));
    mesh
}
