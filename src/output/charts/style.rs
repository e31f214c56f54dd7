//! The look shared by every chart: the embedded font, the org palette, line styles and markers,
//! the header (title, subtitle, legend) and number formats.

/// `unit` in the plural, for axis titles: "hour" → "hours".
pub use crate::scenario::wording::plural;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use std::sync::OnceLock;

/// What a drawing function returns; any plotters error is boxed with its message.
pub type ChartResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Chart size in pixels: 16:9, crisp on a slide.
pub const WIDTH: u32 = 1600;
/// Chart height in pixels.
pub const HEIGHT: u32 = 900;

/// The only font the charts use, embedded so charts render on a machine with no fonts.
static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");

/// The family every chart text asks for. With plotters' `ab_glyph` backend (and no `ttf`
/// feature) a family resolves only to fonts registered here: never to a system font.
pub const FAMILY: &str = "sans-serif";

/// Registers the embedded font once per process.
pub fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS)
                .map_err(|_| "the embedded DejaVu Sans font could not be loaded".to_string())
        })
        .clone()
}

// Sizes in the chart's pixels: a 1600-pixel chart printed at the width of an A4 or Letter page
// shrinks about 2.3 times, so nothing a reader must read is smaller than 26 (about 7 points on
// paper), and the subtitle, which says how to read the chart, wraps rather than shrinks.
pub const TITLE_SIZE: f64 = 42.0;
pub const SUBTITLE_SIZE: f64 = 29.0;
pub const LEGEND_SIZE: f64 = 27.0;
pub const AXIS_DESC_SIZE: f64 = 28.0;
pub const TICK_LABEL_SIZE: f64 = 26.0;
pub const NOTE_SIZE: f64 = 24.0;

/// Text colour for body text and axes.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Text colour for secondary text (subtitles, notes).
pub const MUTED: RGBColor = RGBColor(96, 96, 96);
/// Fill of a shock's window in charts over time.
pub const SHOCK_FILL: RGBColor = RGBColor(234, 228, 214);
/// Fill of the warm-up period in charts over time.
pub const WARMUP_FILL: RGBColor = RGBColor(244, 244, 246);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(215, 215, 215);

/// Okabe–Ito: distinguishable with the common colour-vision deficiencies. Ordered so that the
/// first few orgs also differ in lightness; yellow (hard to see on white) comes last.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(240, 228, 66),  // yellow
];

/// A marker shape, so lines can be told apart in greyscale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Triangle,
    Square,
    Diamond,
}

/// How one org is drawn, the same in every chart and in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgStyle {
    pub colour: RGBColor,
    /// `(dash, gap)` in pixels; `None`: solid.
    pub dash: Option<(u32, u32)>,
    pub marker: Marker,
}

impl OrgStyle {
    /// The style of the org at `index` in scenario order.
    pub fn of(index: usize) -> OrgStyle {
        const DASHES: [Option<(u32, u32)>; 4] =
            [None, Some((22, 10)), Some((5, 7)), Some((40, 12))];
        const MARKERS: [Marker; 4] = [
            Marker::Circle,
            Marker::Triangle,
            Marker::Square,
            Marker::Diamond,
        ];
        OrgStyle {
            colour: PALETTE[index % PALETTE.len()],
            dash: DASHES[index % DASHES.len()],
            marker: MARKERS[index % MARKERS.len()],
        }
    }

    /// The colour as `#rrggbb`, for HTML and SVG checks.
    pub fn hex(&self) -> String {
        hex(self.colour)
    }
}

/// A colour as `#rrggbb`.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// A text style in the embedded font.
pub fn text(size: f64, colour: RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: (FAMILY, size).into_font(),
        color: colour.to_backend_color(),
        pos: Pos::new(HPos::Left, VPos::Top),
    }
}

/// Draws a line through pixel points in the org's dash pattern.
pub fn draw_styled_path<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: Vec<(i32, i32)>,
    style: &OrgStyle,
    width: u32,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let shape = style.colour.stroke_width(width);
    match style.dash {
        None => area.draw(&PathElement::new(points, shape))?,
        Some((dash, gap)) => area.draw(&DashedPathElement::new(points, dash, gap, shape))?,
    }
    Ok(())
}

/// Draws the org's marker in its colour centred on a pixel, with a white rim so it stands out
/// on lines.
pub fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &OrgStyle,
    (x, y): (i32, i32),
    radius: i32,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    for (r, fill) in [(radius + 2, WHITE), (radius, style.colour)] {
        let rf = f64::from(r);
        let shape = fill.filled();
        match style.marker {
            Marker::Circle => area.draw(&Circle::new((x, y), r, shape))?,
            Marker::Square => {
                let h = (rf * 0.85).round() as i32;
                area.draw(&Rectangle::new([(x - h, y - h), (x + h, y + h)], shape))?
            }
            Marker::Triangle => {
                let (w, up, down) = ((rf * 1.1) as i32, (rf * 1.25) as i32, (rf * 0.8) as i32);
                area.draw(&Polygon::new(
                    vec![(x, y - up), (x + w, y + down), (x - w, y + down)],
                    shape,
                ))?
            }
            Marker::Diamond => {
                let d = (rf * 1.2) as i32;
                area.draw(&Polygon::new(
                    vec![(x, y - d), (x + d, y), (x, y + d), (x - d, y)],
                    shape,
                ))?
            }
        }
    }
    Ok(())
}

/// Draws a title and a subtitle at the top left, the subtitle wrapped at word boundaries to
/// the chart's width; returns where the legend row goes (its vertical centre).
pub fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<i32, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    root.draw(&Text::new(
        title.to_string(),
        (LEFT, 18),
        text(TITLE_SIZE, INK),
    ))?;
    let style = text(SUBTITLE_SIZE, MUTED);
    let width = root.dim_in_pixel().0 as i32 - 2 * LEFT;
    let mut lines: Vec<String> = Vec::new();
    for word in subtitle.split_whitespace() {
        let wider = match lines.last() {
            Some(line) => format!("{line} {word}"),
            None => word.to_string(),
        };
        let (w, _) = root.estimate_text_size(&wider, &style)?;
        match lines.last_mut() {
            Some(line) if w as i32 <= width => *line = wider,
            Some(_) => lines.push(word.to_string()),
            None => lines.push(wider),
        }
    }
    let mut y = SUBTITLE_Y;
    for line in &lines {
        root.draw(&Text::new(line.clone(), (LEFT, y), style.clone()))?;
        y += SUBTITLE_LINE;
    }
    Ok(LEGEND_Y + SUBTITLE_LINE * (lines.len() as i32 - 1).max(0))
}

/// Top of the subtitle's first line.
const SUBTITLE_Y: i32 = 70;
/// Distance between subtitle lines.
const SUBTITLE_LINE: i32 = 36;

/// Left edge of titles and legends.
pub const LEFT: i32 = 40;
/// Vertical centre of the legend row under the subtitle.
pub const LEGEND_Y: i32 = 134;
/// Top of the area charts draw their plot in, below the header and a one-row legend.
pub const BODY_TOP: u32 = 160;

/// One entry of a legend.
pub enum LegendItem<'a> {
    /// An org: its line sample with marker, or just its marker when `line` is false.
    Org {
        name: &'a str,
        style: OrgStyle,
        line: bool,
    },
    /// A filled swatch.
    Swatch { name: &'a str, fill: RGBColor },
    /// A thin reference line.
    Reference { name: &'a str, colour: RGBColor },
}

/// Draws a legend in rows starting at `x`, the first vertically centred on `y`, wrapping
/// before the right edge: outside the plot, so it never covers data. Returns where the plot
/// may start (below the last row).
pub fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    x: i32,
    y: i32,
) -> Result<u32, Box<dyn std::error::Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let label = text(LEGEND_SIZE, INK);
    let right = root.dim_in_pixel().0 as i32 - LEFT;
    let (x0, mut x, mut y) = (x, x, y);
    for item in items {
        let (name, sample) = match item {
            LegendItem::Org {
                name, line: true, ..
            } => (name, 64),
            LegendItem::Org {
                name, line: false, ..
            } => (name, 20),
            LegendItem::Swatch { name, .. } => (name, 36),
            LegendItem::Reference { name, .. } => (name, 48),
        };
        let (w, _) = root.estimate_text_size(name, &label)?;
        let width = sample + 12 + w as i32;
        if x > x0 && x + width > right {
            x = x0;
            y += LEGEND_ROW;
        }
        match item {
            LegendItem::Org {
                style, line: true, ..
            } => {
                draw_styled_path(root, vec![(x, y), (x + 64, y)], style, 4)?;
                draw_marker(root, style, (x + 32, y), 8)?;
            }
            LegendItem::Org {
                style, line: false, ..
            } => {
                draw_marker(root, style, (x + 10, y), 9)?;
            }
            LegendItem::Swatch { fill, .. } => {
                root.draw(&Rectangle::new(
                    [(x, y - 12), (x + 36, y + 12)],
                    fill.filled(),
                ))?;
                root.draw(&Rectangle::new(
                    [(x, y - 12), (x + 36, y + 12)],
                    GRID.stroke_width(1),
                ))?;
            }
            LegendItem::Reference { colour, .. } => {
                root.draw(&DashedPathElement::new(
                    vec![(x, y), (x + 48, y)],
                    3,
                    5,
                    colour.stroke_width(2),
                ))?;
            }
        }
        draw_text_centred(root, name, (x + sample + 12, y), label.clone())?;
        x += width + 40;
    }
    Ok(BODY_TOP + (y - LEGEND_Y).max(0) as u32)
}

/// Distance between legend rows.
const LEGEND_ROW: i32 = 40;

/// Half the drawn height of a line of text, to centre text on a point.
pub fn text_half_height(size: f64) -> i32 {
    (size * 0.4).round() as i32
}

/// Draws `words` starting at `x`, vertically centred on `y`.
pub fn draw_text_centred<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    words: &str,
    (x, y): (i32, i32),
    style: TextStyle,
) -> ChartResult
where
    DB::ErrorType: 'static,
{
    let y = y - text_half_height(style.font.get_size());
    area.draw(&Text::new(words, (x, y), style))?;
    Ok(())
}

/// A number for an axis or a label: no trailing zeros, thousands without decimals.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let a = v.abs();
    let text = if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 1.0 || a == 0.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" {
        return "0".to_string();
    }
    if a >= 10_000.0 {
        group_thousands(&text)
    } else {
        text
    }
}

/// `12345` → `12,345`.
fn group_thousands(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well_on_axes() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(10.0), "10");
        assert_eq!(fmt_num(1234.4), "1234");
        assert_eq!(fmt_num(25000.0), "25,000");
        assert_eq!(fmt_num(-1234567.0), "-1,234,567");
        assert_eq!(fmt_num(0.125), "0.125");
        assert_eq!(fmt_num(-0.0001), "0");
    }

    #[test]
    fn units_in_the_plural() {
        assert_eq!(plural("hour"), "hours");
        assert_eq!(plural("days"), "days");
        assert_eq!(plural(""), "ticks");
    }

    #[test]
    fn orgs_differ_in_colour_line_and_marker() {
        for i in 0..3 {
            for j in 0..i {
                let (a, b) = (OrgStyle::of(i), OrgStyle::of(j));
                assert_ne!(a.colour, b.colour);
                assert_ne!(a.dash, b.dash);
                assert_ne!(a.marker, b.marker);
            }
        }
    }
}
