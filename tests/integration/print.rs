//! The report as a printed document: headless Chromium prints the quickstart's `report.html`
//! to PDF (`--print-to-pdf`), on Letter (the page sets no size) and on A4; `pdftoppm` renders
//! the pages and `pdftotext -bbox-layout` gives each line's position. No page but the last may
//! be less than a third full, and no page may end on a heading. Runs where chromium and
//! poppler-utils are installed; CI sets `ORGSIM_BROWSER_TEST=1`, which makes their absence a
//! failure instead of a skip.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{on_path, orgsim, tempdir};

const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.toml");

/// The page margins `report.css` sets for print (`@page { margin: 14mm 14mm 15mm }`).
const MARGIN_TOP_MM: f64 = 14.0;
const MARGIN_BOTTOM_MM: f64 = 15.0;
/// Resolution the pages are rendered at.
const DPI: f64 = 30.0;

/// The tools, or `None` (and a skip notice) where they are not installed.
fn tools() -> Option<(PathBuf, PathBuf, PathBuf)> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(on_path);
    match (chromium, on_path("pdftoppm"), on_path("pdftotext")) {
        (Some(c), Some(r), Some(t)) => Some((c, r, t)),
        _ => {
            assert!(
                std::env::var("ORGSIM_BROWSER_TEST").as_deref() != Ok("1"),
                "ORGSIM_BROWSER_TEST=1 but chromium, pdftoppm or pdftotext is not on PATH: \
                 install chromium and poppler-utils"
            );
            eprintln!(
                "\n*** SKIPPED the printed-report test: chromium, pdftoppm or pdftotext is not \
                 on PATH (apt-get install chromium poppler-utils; CI sets ORGSIM_BROWSER_TEST=1) ***\n"
            );
            None
        }
    }
}

fn succeed(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("the program starts");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Prints `page` to `pdf` with headless Chromium.
fn print_to_pdf(chromium: &Path, page: &Path, pdf: &Path, profile: &Path) {
    succeed(
        Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", page.display())),
    );
    assert!(pdf.is_file(), "no PDF written");
}

/// A line of text on a printed page: its words and its top and bottom, in points.
#[derive(Debug)]
struct Line {
    text: String,
    top: f64,
    bottom: f64,
}

/// Each page's lines, with the page's height in points, from `pdftotext -bbox-layout`.
fn text_lines(pdftotext: &Path, pdf: &Path) -> Vec<(f64, Vec<Line>)> {
    let out = succeed(
        Command::new(pdftotext)
            .arg("-bbox-layout")
            .arg(pdf)
            .arg("-"),
    );
    let xhtml = String::from_utf8(out.stdout).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(&xhtml, options).expect("pdftotext writes XHTML");
    let num = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("page"))
        .map(|page| {
            let lines = page
                .descendants()
                .filter(|n| n.has_tag_name("line"))
                .map(|line| Line {
                    text: line
                        .children()
                        .filter(|w| w.has_tag_name("word"))
                        .filter_map(|w| w.text())
                        .collect::<Vec<_>>()
                        .join(" "),
                    top: num(line, "yMin"),
                    bottom: num(line, "yMax"),
                })
                .collect();
            (num(page, "height"), lines)
        })
        .collect()
}

/// The text of every `<h1>`–`<h3>` of the page, as a reader sees it.
fn headings(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        rest = &rest[at + 2..];
        let Some(level) = rest.chars().next().filter(|c| ('1'..='3').contains(c)) else {
            continue;
        };
        let open_end = rest.find('>').unwrap() + 1;
        let close = rest.find(&format!("</h{level}>")).unwrap();
        let inner = &rest[open_end..close];
        // Drop tags (the org keys), decode the few entities the report writes.
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#58;", ":");
        out.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        rest = &rest[close..];
    }
    out
}

/// The lowest row of each page (rendered by `pdftoppm`) that is not white, as a share of the
/// page's height.
fn inked_to(pdftoppm: &Path, pdf: &Path, dir: &Path) -> Vec<f64> {
    let prefix = dir.join("page");
    succeed(
        Command::new(pdftoppm)
            .args(["-r", &DPI.to_string(), "-png"])
            .arg(pdf)
            .arg(&prefix),
    );
    let mut pages: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    // pdftoppm numbers pages with as many digits as the last needs: names sort in page order.
    pages.sort();
    pages
        .iter()
        .map(|png| {
            let decoder = png::Decoder::new(fs::File::open(png).unwrap());
            let mut reader = decoder.read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size()];
            let info = reader.next_frame(&mut buf).unwrap();
            let channels = info.color_type.samples();
            let row = info.width as usize * channels;
            let lowest = buf[..info.buffer_size()]
                .chunks(row)
                .rposition(|r| r.iter().any(|&v| v < 235))
                .unwrap_or(0);
            (lowest + 1) as f64 / f64::from(info.height)
        })
        .collect()
}

#[test]
fn the_report_prints_on_letter_and_a4_without_near_empty_pages_or_stranded_headings() {
    let Some((chromium, pdftoppm, pdftotext)) = tools() else {
        return;
    };
    let tmp = tempdir();
    let out = tmp.path().join("r");
    orgsim()
        .args(["run", QUICKSTART, "--replications", "3", "--quiet", "--out"])
        .arg(&out)
        .stdout("")
        .run();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let heads = headings(&html);
    assert!(heads.len() > 10, "headings not found: {heads:?}");
    // The page sets no paper size (Chromium then prints Letter); A4 is the same page told so.
    let a4 = out.join("report-a4.html");
    fs::write(
        &a4,
        html.replacen("</style>", "@page { size: A4; }\n</style>", 1),
    )
    .unwrap();
    for (paper, page) in [("Letter", out.join("report.html")), ("A4", a4)] {
        let dir = tmp.path().join(paper);
        fs::create_dir(&dir).unwrap();
        let pdf = dir.join("report.pdf");
        print_to_pdf(&chromium, &page, &pdf, &tmp.path().join("profile"));
        let lines = text_lines(&pdftotext, &pdf);
        let inked = inked_to(&pdftoppm, &pdf, &dir);
        assert_eq!(inked.len(), lines.len(), "{paper}: one image per page");
        assert!(lines.len() >= 2, "{paper}: a report of one page?");
        let mut report = Vec::new();
        for (i, ((height, page_lines), ink)) in lines.iter().zip(&inked).enumerate() {
            let mm = height / 72.0 * 25.4;
            let body = mm - MARGIN_TOP_MM - MARGIN_BOTTOM_MM;
            let full = ((ink * mm) - MARGIN_TOP_MM) / body;
            report.push(format!("page {}: {:.0}% full", i + 1, full * 100.0));
            let last_page = i + 1 == lines.len();
            if !last_page {
                assert!(
                    full >= 1.0 / 3.0,
                    "{paper}: page {} is only {:.0}% full",
                    i + 1,
                    full * 100.0
                );
            }
            // The page's last line: everything level with its lowest line (a table row is
            // several lines side by side).
            let Some(lowest) = page_lines.iter().map(|l| l.top).reduce(f64::max) else {
                continue;
            };
            let last: Vec<&Line> = page_lines.iter().filter(|l| l.bottom >= lowest).collect();
            let text = last
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if !last_page {
                assert!(
                    !heads.iter().any(|h| *h == text
                        || (text.len() >= 4 && h.ends_with(&text) && last.len() == 1)),
                    "{paper}: page {} ends on the heading {text:?}",
                    i + 1
                );
            }
        }
        eprintln!("{paper}: {} pages; {}", lines.len(), report.join(", "));
    }
}
