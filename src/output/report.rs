//! `report.html`: one self-contained page a consultant can send as it is — the headlines, the
//! summary with intervals, the comparisons, the shock timeline, every chart (inline SVG), each
//! org's structure in numbers and what it takes to reproduce the run. No network reference of
//! any kind: no external fonts, scripts, styles or images.
//!
//! [`render`] draws the charts and the report from a [`ResultSet`]: at the end of `orgsim run`
//! the one built from the runs in memory, for `orgsim report DIR` ([`render_all`]) the one read
//! from the folder's files; both give the same bytes.

use crate::metrics::window::bounds as window_bounds;
use crate::metrics::{Metric, OrgMetric, SummaryRow, Unit, WINDOW_ALL, WINDOW_STEADY};
use crate::output::charts::style::{fmt_num, plural};
use crate::output::charts::{
    Chart, ChartError, OrgStyle, draw_svgs, extension, write_drawn_charts,
};
use crate::output::manifest::Manifest;
use crate::output::results::{ResultSet, ResultsError};
use crate::output::summary_table;
use crate::scenario::wording::{self, Voice};
use crate::scenario::{Format, OrgSpec, PerLevel, Structure, Timeseries};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// Why charts or the report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Results(#[from] ResultsError),
    #[error(transparent)]
    Chart(#[from] ChartError),
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Draws every chart (in the scenario's `[output] formats`) and `report.html` into `dir` from
/// the files already there; returns the files written.
pub fn render_all(dir: &Path) -> Result<Vec<PathBuf>, RenderError> {
    render_all_as(dir, None)
}

/// [`render_all`], drawing the charts in `formats` instead of the scenario's own when given.
pub fn render_all_as(dir: &Path, formats: Option<&[Format]>) -> Result<Vec<PathBuf>, RenderError> {
    let rs = ResultSet::load(dir)?;
    render(&rs, dir, formats)
}

/// Draws every chart of `rs` (in `formats`, else the scenario's `[output] formats`) and
/// `report.html` into `dir`; returns the files written. `orgsim run` calls it with the results
/// in memory, `orgsim report` with the results read back from `dir`: the same files.
pub fn render(
    rs: &ResultSet,
    dir: &Path,
    formats: Option<&[Format]>,
) -> Result<Vec<PathBuf>, RenderError> {
    let formats = formats.unwrap_or(&rs.scenario().output.formats).to_vec();
    // Each chart's SVG is drawn once, for its file and for the page; the other files and the
    // page are then written side by side.
    let svgs = draw_svgs(rs)?;
    let path = dir.join("report.html");
    let (charts, page) = rayon::join(
        || write_drawn_charts(rs, dir, &formats, &svgs),
        || write_page(&page_html(rs, &svgs), &path),
    );
    let mut written = charts?;
    page?;
    written.push(path);
    Ok(written)
}

/// Writes the report to `path` (through a temporary file, so a failed write leaves no half
/// page behind).
pub fn write_report(rs: &ResultSet, path: &Path) -> Result<(), RenderError> {
    write_page(&report_html(rs)?, path)
}

fn write_page(html: &str, path: &Path) -> Result<(), RenderError> {
    let tmp = path.with_extension("html.tmp");
    let fail = |source| RenderError::Write {
        path: path.to_path_buf(),
        source,
    };
    fs::write(&tmp, html).map_err(fail)?;
    fs::rename(&tmp, path).map_err(fail)
}

/// The report as one HTML document.
pub fn report_html(rs: &ResultSet) -> Result<String, ChartError> {
    Ok(page_html(rs, &draw_svgs(rs)?))
}

/// The report, with every chart that applies already drawn as SVG ([`draw_svgs`]).
fn page_html(rs: &ResultSet, svgs: &[(Chart, String)]) -> String {
    let sc = rs.scenario();
    let meta = &sc.scenario;
    let unit = rs.tick_unit();
    let units = plural(unit);
    let mut h = String::with_capacity(1 << 20);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"orgsim {}\">\n<title>{} — orgsim report</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&rs.manifest.orgsim_version),
        esc(&meta.name)
    );

    // Title block.
    let _ = write!(
        h,
        "<header>\n<p class=\"kicker\">orgsim report</p>\n<h1>{}</h1>\n",
        esc(&meta.name)
    );
    if !meta.description.trim().is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"description\">{}</p>",
            esc(meta.description.trim())
        );
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">{} organisation designs · {} {units} (the first {} are warm-up, left out \
         of the results) · {} replicates · seed {} · {} new {} per {unit} on average</p>",
        rs.orgs.len(),
        group(u64::from(meta.ticks)),
        group(u64::from(meta.warmup)),
        rs.manifest.replications,
        rs.manifest.seed,
        fmt_num(sc.work.rate),
        esc(&sc.scenario.nouns()),
    );
    h.push_str("<ul class=\"orgs\">");
    for (i, org) in rs.orgs.iter().enumerate() {
        let _ = write!(h, "<li>{}{}</li>", org_key(i), esc(&org.name));
    }
    h.push_str("</ul>\n</header>\n");

    // Headlines.
    h.push_str("<section class=\"headline\">\n<h2>In short</h2>\n");
    // An overloaded org first: its latency counts only executed decisions, so every figure
    // below understates its wait.
    for o in &rs.summary.overload {
        let nouns = sc.scenario.nouns();
        let _ = writeln!(
            h,
            "<p class=\"overload\">{}</p>",
            esc(&o.warning(unit, &nouns))
        );
    }
    let headlines: Vec<&str> = if rs.summary.headlines.is_empty() {
        rs.summary
            .comparisons
            .iter()
            .filter(|c| c.window == WINDOW_ALL)
            .map(|c| c.text.as_str())
            .filter(|t| !t.is_empty())
            .collect()
    } else {
        rs.summary.headlines.iter().map(String::as_str).collect()
    };
    if headlines.is_empty() {
        h.push_str("<p>No comparison to state: the scenario has a single organisation.</p>\n");
    } else {
        // One finding a line: normal times first, then each shock, as the headlines come.
        h.push_str("<ul>\n");
        for t in &headlines {
            let _ = writeln!(h, "<li>{}</li>", esc(t.trim()));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</section>\n");

    summary_table(&mut h, rs);
    windows_table(&mut h, rs);
    comparisons_table(&mut h, rs);
    shock_timeline(&mut h, rs);

    // Charts, inline as SVG so they print sharp and need no other file.
    h.push_str("<section class=\"charts\">\n<h2>Charts</h2>\n");
    if sc.kept_timeseries() == Timeseries::Off {
        h.push_str(
            "<p class=\"hint\">No charts over time: this run keeps no time series \
             (<code>[output] timeseries = \"none\"</code>).</p>\n",
        );
    }
    for (chart, svg) in svgs {
        let svg = inline_svg(svg);
        let files: Vec<String> = sc
            .output
            .formats
            .iter()
            .map(|&f| format!("{}.{}", chart.name(), extension(f)))
            .collect();
        figure(&mut h, chart.name(), &svg, chart.caption(), &files);
    }
    h.push_str("</section>\n");

    structures(&mut h, rs);
    footer(&mut h, rs);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// One chart of the page: the inline SVG, its caption and the files it was also saved as.
pub(crate) fn figure(h: &mut String, name: &str, svg: &str, caption: &str, files: &[String]) {
    let _ = write!(
        h,
        "<figure id=\"chart-{name}\" class=\"chart\">\n{svg}\n<figcaption>{}",
        esc(caption)
    );
    if !files.is_empty() {
        let _ = write!(
            h,
            " <span class=\"files\">Also saved as {}.</span>",
            esc(&files.join(", "))
        );
    }
    h.push_str("</figcaption>\n</figure>\n");
}

/// Escapes text for HTML, and breaks up `://` so that no text, however it reads, looks like a
/// network reference (a browser shows `&#58;` as `:`).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.replace("://", "&#58;//")
}

/// An SVG document made fit to sit inside the page: no XML namespace attribute (HTML puts
/// `<svg>` in the SVG namespace by itself) and no `://` anywhere.
pub(crate) fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..]
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replace("://", "&#58;//")
        .replacen("<svg ", "<svg role=\"img\" ", 1)
}

/// The org's colour swatch with its line style, as in the charts.
pub(crate) fn org_key(index: usize) -> String {
    let style = OrgStyle::of(index);
    let line = match style.dash {
        None => "solid",
        Some((dash, _)) if dash < 10 => "dotted",
        Some(_) => "dashed",
    };
    format!(
        "<span class=\"key\" style=\"border-top: 5px {line} {}\"></span>",
        style.hex()
    )
}

/// Thousands grouped: `12345` → `12,345`.
fn group(n: u64) -> String {
    fmt_num(n as f64)
}

/// How a metric is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// In ticks: recovery and latency.
    Time,
    /// A share in [0, 1], shown as a percentage.
    Share,
    /// Anything else, shown as a number.
    Number,
}

/// A metric's label (as a row heading), unit and kind, in words a client reads; a metric the
/// catalogue does not know (`metric` is `None`) is shown by its `name`.
fn describe(metric: Option<&Metric>, name: &str, tick_unit: &str) -> (String, String, Kind) {
    let Some(m) = metric else {
        return (name.to_string(), String::new(), Kind::Number);
    };
    let unit = m.unit();
    let kind = match unit {
        Unit::Ticks => Kind::Time,
        Unit::Share(_) => Kind::Share,
        _ => Kind::Number,
    };
    (heading(&m.label()), unit.words(tick_unit), kind)
}

/// A label as a row heading: its first letter capitalised.
fn heading(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value in a metric's kind: percentages for shares, sensible digits otherwise.
fn fmt_value(v: f64, kind: Kind) -> String {
    match kind {
        Kind::Share => {
            let p = v * 100.0;
            if p.abs() < 10.0 && p != 0.0 {
                format!("{p:.1}%")
            } else {
                format!("{p:.0}%")
            }
        }
        _ => {
            let a = v.abs();
            if a >= 100.0 {
                fmt_num(v.round())
            } else if a >= 10.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.2}")
            }
        }
    }
}

/// A value known exactly (no spread across replicates): a whole number without decimals, so
/// a median of 2 hours in every replicate reads "2", not "2.00 (2.00–2.00)".
fn fmt_exact(v: f64, kind: Kind) -> String {
    if kind != Kind::Share && v.fract() == 0.0 {
        fmt_num(v)
    } else {
        fmt_value(v, kind)
    }
}

/// One table cell: the mean and its interval, or what a recovery outcome means in words.
fn cell(rs: &ResultSet, m: Option<&SummaryRow>, kind: Kind, recovery: bool) -> String {
    let Some(m) = m else {
        return "<td class=\"na\">—</td>".into();
    };
    let replicates = (rs.manifest.replications as usize).max(m.n);
    let partial = if recovery && m.n < replicates && m.mean.is_some() {
        format!(
            "<span class=\"note\">in {} of {replicates} replicates</span>",
            m.n
        )
    } else {
        String::new()
    };
    match m.mean {
        None if recovery => "<td class=\"word\">not recovered</td>".into(),
        None => "<td class=\"na\">—</td>".into(),
        Some(v) if recovery && v <= 0.0 => {
            format!("<td class=\"word\">absorbed{partial}</td>")
        }
        Some(v) => {
            let ci = match (m.ci_low, m.ci_high) {
                // Every replicate gave the same value: an interval would only repeat it.
                (Some(lo), Some(hi)) if lo == v && hi == v => String::new(),
                // An interval narrower than the table shows ("0.00–0.00") says nothing.
                (Some(lo), Some(hi)) if fmt_value(lo, kind) == fmt_value(hi, kind) => String::new(),
                (Some(lo), Some(hi)) => {
                    format!(
                        "<span class=\"ci\">{}–{}</span>",
                        fmt_value(lo, kind),
                        fmt_value(hi, kind)
                    )
                }
                _ => String::new(),
            };
            // Replicates that differ below the table's precision still read as a measured mean.
            let differ =
                matches!((m.ci_low, m.ci_high), (Some(lo), Some(hi)) if lo != v || hi != v);
            let mean = if ci.is_empty() && !differ {
                fmt_exact(v, kind)
            } else {
                fmt_value(v, kind)
            };
            format!("<td><span class=\"mean\">{mean}</span>{ci}{partial}</td>")
        }
    }
}

fn summary_table(h: &mut String, rs: &ResultSet) {
    let unit = rs.tick_unit();
    let names: Vec<&str> = rs.orgs.iter().map(|o| o.name.as_str()).collect();
    h.push_str(
        "<section class=\"results\">\n<h2>Results</h2>\n<p class=\"hint\">Mean across replicates \
         after warm-up, with its 95% confidence interval below (none where every replicate gave \
         the same value). Recovery times are averaged over the replicates that recovered; \
         <em>absorbed</em>: the shock never moved the metric out of its normal band. Rows with \
         nothing to read (zero in every organisation) are left out.</p>\n",
    );
    let words = &rs.scenario().scenario;
    for (section, rows) in summary_table::groups(&rs.summary.metrics, &names, rs.scenario()) {
        let _ = write!(
            h,
            "<div class=\"group\">\n<h3>{}</h3>\n<table class=\"summary\">\n<thead><tr>\
             <th>Metric</th><th>Unit</th>",
            esc(&words.in_words(&section.title()))
        );
        for (i, org) in rs.orgs.iter().enumerate() {
            let _ = write!(h, "<th class=\"org\">{}{}</th>", org_key(i), esc(&org.name));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for row in &rows {
            let (label, unit_words, kind) = describe(row.parsed.as_ref(), row.metric, unit);
            let (label, unit_words) = (words.in_words(&label), words.in_words(&unit_words));
            let _ = write!(
                h,
                "<tr><th>{}</th><td class=\"unit\">{}</td>",
                esc(&label),
                esc(&unit_words)
            );
            for c in &row.cells {
                h.push_str(&cell(rs, *c, kind, row.is_recovery()));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n</div>\n");
    }
    h.push_str("</section>\n");
}

/// The headline metrics window by window: normal times apart from each shock's period, so a
/// difference driven by one shock's aftermath is not read as the everyday one.
fn windows_table(h: &mut String, rs: &ResultSet) {
    let sc = rs.scenario();
    if sc.shocks.is_empty() {
        return;
    }
    let unit = rs.tick_unit();
    let units = plural(unit);
    let starts: Vec<(String, u32)> = sc.shocks.iter().map(|s| (s.name.clone(), s.at)).collect();
    let spans = window_bounds(sc.scenario.warmup, sc.scenario.ticks, &starts);
    let mut windows = vec![(
        WINDOW_STEADY.to_string(),
        "Normal times".to_string(),
        spans[1],
    )];
    for ((name, _), &span) in starts.iter().zip(&spans[2..]) {
        windows.push((name.clone(), format!("From {name}"), span));
    }
    let shown = [
        OrgMetric::LatencyMean,
        OrgMetric::LatencyP95,
        OrgMetric::Throughput,
        OrgMetric::BacklogMean,
        OrgMetric::GoodRate,
        OrgMetric::ValueTotal,
    ];
    h.push_str(
        "<section>\n<h2>Normal times and each shock</h2>\n<p class=\"hint\">The same metrics over \
         normal times (after warm-up, before the first shock) and over each shock's period (from \
         its start to the next shock's, or the end of the run).</p>\n<table class=\"summary \
         windows\">\n<thead><tr><th>Metric</th><th>Unit</th>",
    );
    for (i, org) in rs.orgs.iter().enumerate() {
        let _ = write!(h, "<th class=\"org\">{}{}</th>", org_key(i), esc(&org.name));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (window, title, (from, to)) in &windows {
        let span = if from < to {
            format!("{units} {from}–{}", to - 1)
        } else {
            format!("no {units} measured")
        };
        let _ = writeln!(
            h,
            "<tr class=\"window\"><th colspan=\"{}\">{} <span class=\"note\">{}</span></th></tr>",
            rs.orgs.len() + 2,
            esc(title),
            esc(&span)
        );
        for m in shown {
            let metric = Metric::Org(m);
            let (label, unit_words, kind) = describe(Some(&metric), m.name(), unit);
            let words = &rs.scenario().scenario;
            let (label, unit_words) = (words.in_words(&label), words.in_words(&unit_words));
            let _ = write!(
                h,
                "<tr><th>{}</th><td class=\"unit\">{}</td>",
                esc(&label),
                esc(&unit_words)
            );
            for org in &rs.orgs {
                h.push_str(&cell(
                    rs,
                    rs.metric_in(window, &org.name, m.name()),
                    kind,
                    false,
                ));
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn comparisons_table(h: &mut String, rs: &ResultSet) {
    if rs.summary.comparisons.is_empty() {
        return;
    }
    let reference = &rs.summary.reference;
    let _ = write!(
        h,
        "<section>\n<h2>Compared with {}</h2>\n<p class=\"hint\">Ratios paired replicate by \
         replicate on identical work (geometric mean, 95% interval); below 1 means less than \
         {}.</p>\n<table class=\"comparisons\">\n<thead><tr><th>Organisation</th><th>Metric</th>\
         <th>Ratio</th><th>n</th><th>In words</th></tr></thead>\n<tbody>\n",
        esc(reference),
        esc(reference)
    );
    for c in rs
        .summary
        .comparisons
        .iter()
        .filter(|c| c.window == WINDOW_ALL)
    {
        if c.ratio.is_none() && c.text.trim().is_empty() {
            continue;
        }
        let key = rs
            .orgs
            .iter()
            .position(|o| o.name == c.org)
            .map(org_key)
            .unwrap_or_default();
        let metric = Metric::parse_in(&c.metric, rs.scenario());
        let (label, _, _) = describe(metric.as_ref(), &c.metric, rs.tick_unit());
        let label = rs.scenario().scenario.in_words(&label);
        let ratio = match (c.ratio, c.ci_low, c.ci_high) {
            (Some(r), Some(lo), Some(hi)) => {
                format!("{r:.2}× <span class=\"ci\">{lo:.2}–{hi:.2}</span>")
            }
            (Some(r), _, _) => format!("{r:.2}×"),
            _ => String::new(),
        };
        let _ = write!(
            h,
            "<tr><th class=\"org\">{key}{}</th><td>{}</td>",
            esc(&c.org),
            esc(&label)
        );
        if ratio.is_empty() {
            // No pair of replicates to take a ratio of (one side absorbed the shock or never
            // recovered): the words say what happened instead of a dash and an n of 0.
            let _ = writeln!(
                h,
                "<td colspan=\"3\" class=\"words\">{}</td></tr>",
                esc(&c.text)
            );
        } else {
            let _ = writeln!(
                h,
                "<td>{ratio}</td><td>{}</td><td>{}</td></tr>",
                c.n,
                esc(&c.text)
            );
        }
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn shock_timeline(h: &mut String, rs: &ResultSet) {
    let sc = rs.scenario();
    let ticks = sc.scenario.ticks.max(1);
    let unit = rs.tick_unit();
    let units = plural(unit);
    let pct = |t: u32| 100.0 * f64::from(t.min(ticks)) / f64::from(ticks);
    h.push_str("<section>\n<h2>Shocks</h2>\n");
    if sc.shocks.is_empty() {
        h.push_str("<p>No shock: the organisations face steady work throughout.</p>\n</section>\n");
        return;
    }
    h.push_str("<div class=\"timeline\">\n");
    let warm = sc.scenario.warmup.min(ticks);
    let _ = writeln!(
        h,
        "<div class=\"lane\"><span class=\"name\">warm-up</span><div class=\"track\">\
         <div class=\"bar warm\" style=\"left:0%;width:{:.2}%\"></div></div></div>",
        pct(warm)
    );
    for s in &sc.shocks {
        let end = s.end().unwrap_or(ticks).min(ticks);
        let _ = writeln!(
            h,
            "<div class=\"lane\"><span class=\"name\">{}</span><div class=\"track\">\
             <div class=\"bar\" style=\"left:{:.2}%;width:{:.2}%\"></div></div></div>",
            esc(&s.name),
            pct(s.at),
            (pct(end) - pct(s.at)).max(0.4)
        );
    }
    let _ = writeln!(
        h,
        "<div class=\"lane axis\"><span class=\"name\"></span><div class=\"track\">\
         <span style=\"left:0%\">0</span><span style=\"left:50%\">{}</span>\
         <span style=\"left:100%\">{} {units}</span></div></div>\n</div>",
        group(u64::from(ticks / 2)),
        group(u64::from(ticks))
    );
    h.push_str(
        "<table class=\"shocks\">\n<thead><tr><th>Shock</th><th>Kind</th><th>From</th><th>Until</th>\
         <th>What happens</th></tr></thead>\n<tbody>\n",
    );
    for s in &sc.shocks {
        let until = match s.end() {
            Some(e) => format!("{} {units}", group(u64::from(e))),
            None => "the end (permanent)".into(),
        };
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td>{}</td><td>{} {units}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.name),
            esc(s.kind_name()),
            group(u64::from(s.at)),
            esc(&until),
            esc(&wording::shock(&s.kind, prose(unit)))
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn per_level(v: &PerLevel, level: u32) -> String {
    fmt_num(v.at(level))
}

/// One fact about an org's design, as HTML.
type OrgField<'a> = dyn Fn(&OrgSpec) -> String + 'a;

fn structures(h: &mut String, rs: &ResultSet) {
    let sc = rs.scenario();
    let unit = rs.tick_unit();
    // The design side by side, one column per org, as in the results table.
    h.push_str(
        "<section class=\"structures\">\n<h2>The organisations</h2>\n<table class=\"design\">\n\
         <thead><tr><th></th>",
    );
    for (i, org) in sc.orgs.iter().enumerate() {
        let _ = write!(h, "<th class=\"org\">{}{}</th>", org_key(i), esc(&org.name));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let rows: [(&str, &OrgField); 9] = [
        ("Structure", &|o| {
            esc(&wording::structure(&o.structure, prose(unit)))
        }),
        ("Headcount", &|o| group(o.headcount())),
        ("Decisions reaching other units", &|o| {
            wording::cross_unit(o.cross_unit, prose(unit)).to_string()
        }),
        ("Link delay", &|o| esc(&count_of(o.link_delay, unit))),
        ("Learning per decision", &|o| fmt_num(o.learning)),
        ("Alignment (purpose clarity)", &|o| fmt_num(o.alignment)),
        ("Boundary (confidence margin)", &|o| fmt_num(o.boundary)),
        ("Referral / consult effort", &|o| {
            format!(
                "{} / {}",
                fmt_num(o.referral_effort),
                fmt_num(o.consult_effort)
            )
        }),
        ("Patience for consults", &|o| {
            esc(&count_of(f64::from(o.patience), unit))
        }),
    ];
    for (label, value) in rows {
        let _ = write!(h, "<tr><th>{}</th>", esc(label));
        for org in &sc.orgs {
            let _ = write!(h, "<td>{}</td>", value(org));
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</tbody>\n</table>\n<h3>By level</h3>\n<table class=\"levels\"><thead><tr>\
         <th>Organisation</th><th>Level</th><th>Agents</th><th>Capacity</th><th>Competence</th>\
         <th>Authority</th></tr></thead>\n",
    );
    for (i, org) in sc.orgs.iter().enumerate() {
        let sizes = org.level_sizes();
        let top = sizes.len().saturating_sub(1);
        h.push_str("<tbody>");
        // Top first, as an organisation chart is drawn.
        for (k, (level, size)) in sizes.iter().enumerate().rev().enumerate() {
            if k == 0 {
                let _ = write!(
                    h,
                    "<tr><th class=\"org\" rowspan=\"{}\">{}{}</th>",
                    sizes.len(),
                    org_key(i),
                    esc(&org.name)
                );
            } else {
                h.push_str("<tr>");
            }
            let name = match (&org.structure, level) {
                (Structure::Teams { .. }, _) => "everyone".to_string(),
                (_, 0) => "0 (frontline)".to_string(),
                (_, l) if l == top => format!("{l} (top)"),
                (_, l) => l.to_string(),
            };
            let l = level as u32;
            let _ = write!(
                h,
                "<td>{name}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                group(*size),
                per_level(&org.capacity, l),
                per_level(&org.competence, l),
                per_level(&org.authority, l)
            );
        }
        h.push_str("</tbody>\n");
    }
    h.push_str("</table>\n");
    h.push_str("<p class=\"hint\">Capacity: effort units per agent per ");
    h.push_str(&esc(unit));
    h.push_str(
        "; competence: the most complex decision an agent can take well; authority: the most \
         complex decision it is allowed to take (both from 0 to 1).</p>\n</section>\n",
    );
}

/// The report's voice: numbers as the charts write them, times in the scenario's unit.
fn prose(tick_unit: &str) -> Voice<'_> {
    Voice::Prose {
        number: fmt_num,
        tick_unit,
    }
}

/// A quantity of time units: `1 hour`, `2.5 hours`.
fn count_of(n: f64, unit: &str) -> String {
    if n == 1.0 {
        format!("1 {unit}")
    } else {
        format!("{} {}", fmt_num(n), plural(unit))
    }
}

/// A command line as a shell would take it back.
pub(crate) fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows of a report's footer that say how the result was made: the command line and the
/// scenario file, each when known. A run's report and a sweep's share them.
pub(crate) fn command_rows(m: &Manifest, row: &mut impl FnMut(&str, String)) {
    if !m.command.is_empty() {
        row(
            "Command",
            format!("<code>{}</code>", esc(&shell_words(&m.command))),
        );
    }
    if let Some(f) = &m.scenario_file {
        row("Scenario file", format!("<code>{}</code>", esc(f)));
    }
}

fn footer(h: &mut String, rs: &ResultSet) {
    let m = &rs.manifest;
    h.push_str("<footer>\n<h2>Reproducing this run</h2>\n<dl>");
    let mut row = |k: &str, v: String| {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), v);
    };
    row("orgsim version", esc(&m.orgsim_version));
    row("Seed", m.seed.to_string());
    row("Replicates", m.replications.to_string());
    row(
        "Threads",
        format!("{} (results do not depend on it)", m.threads),
    );
    command_rows(m, &mut row);
    if !m.started.is_empty() {
        row("Started", esc(&m.started));
    }
    if !m.finished.is_empty() {
        row("Finished", esc(&m.finished));
    }
    row("Wall time", format!("{:.1} s", m.wall_seconds));
    // The scenario itself, folded away: a reader who wants to re-run it opens it; printed, it
    // stays one line instead of pages of TOML.
    let (text, what) = match m.scenario_text.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(text) => (text.to_string(), "The scenario file"),
        None => (
            // No text stored: the resolved scenario reproduces the run just as well.
            serde_json::to_string_pretty(&m.scenario).unwrap_or_default(),
            "The scenario as resolved",
        ),
    };
    let _ = write!(
        h,
        "</dl>\n<details class=\"scenario\">\n<summary>{what} ({} lines): open to read or copy \
         it</summary>\n<pre>{}</pre>\n</details>\n</footer>\n",
        text.lines().count(),
        esc(&text)
    );
}

/// The page's style: readable on screen, and printed with colours kept and no chart split
/// across pages.
pub(crate) const CSS: &str = include_str!("report.css");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::ShockMetric;
    use crate::output::charts::style::PALETTE;

    #[test]
    fn escaping_covers_markup_and_network_looking_text() {
        assert_eq!(
            esc("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            esc("see https://example.org"),
            "see https&#58;//example.org"
        );
    }

    #[test]
    fn inline_svg_drops_the_namespace_url() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" \
                   xmlns=\"http://www.w3.org/2000/svg\">\n<text>a://b</text></svg>";
        let inline = inline_svg(svg);
        assert!(!inline.contains("http"), "{inline}");
        assert!(inline.starts_with("<svg role=\"img\" width"), "{inline}");
        assert!(inline.contains("a&#58;//b"));
    }

    #[test]
    fn shares_read_as_percentages_and_times_with_sensible_digits() {
        assert_eq!(fmt_value(0.8612, Kind::Share), "86%");
        assert_eq!(fmt_value(0.054, Kind::Share), "5.4%");
        assert_eq!(fmt_value(31.04, Kind::Time), "31.0");
        assert_eq!(fmt_value(2.514, Kind::Time), "2.51");
        assert_eq!(fmt_value(21900.0, Kind::Number), "21,900");
    }

    #[test]
    fn metrics_are_described_from_the_catalogue() {
        use crate::metrics::{LevelMetric, OrgMetric};
        use crate::scenario::RecoveryMetric;
        let p95 = Metric::Org(OrgMetric::LatencyP95);
        assert_eq!(
            describe(Some(&p95), "latency_p95", "hour"),
            ("95th-percentile latency".into(), "hours".into(), Kind::Time)
        );
        let level = Metric::Level(LevelMetric::Utilisation, 2);
        assert_eq!(
            describe(Some(&level), "utilisation.level.2", "day"),
            (
                "Utilisation, level 2".into(),
                "share of capacity".into(),
                Kind::Share
            )
        );
        let recovery = Metric::shock(
            ShockMetric::Recovery,
            "CEO leaves",
            RecoveryMetric::GoodRate,
        );
        assert_eq!(
            describe(Some(&recovery), "", "hour").0,
            "Recovery from CEO leaves (good-decision rate)"
        );
        assert_eq!(
            describe(None, "something_new", "hour"),
            ("something_new".into(), String::new(), Kind::Number)
        );
    }

    #[test]
    fn commands_are_quoted_for_a_shell() {
        let args = ["orgsim", "run", "my scenario.toml", "--seed", "7"].map(String::from);
        assert_eq!(shell_words(&args), "orgsim run 'my scenario.toml' --seed 7");
    }

    #[test]
    fn every_org_gets_its_own_key_colour() {
        let keys: Vec<String> = (0..PALETTE.len()).map(org_key).collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(k.contains(&OrgStyle::of(i).hex()));
        }
    }
}
