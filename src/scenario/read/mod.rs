//! From TOML text to a [`Scenario`] with every default filled in.
//!
//! This step checks the file's *shape*: known keys, value types, names of kinds. Whether the
//! values make sense together (ranges, the horizon, per-level lists) is `check.rs`'s job, which
//! works on the resolved scenario so it can be re-run for every sweep point. Both report errors
//! as byte spans, recorded here by the path of the value (`org[0].capacity[2]`).

mod org;
mod reader;
mod shock;
mod tables;
mod values;

use super::diagnostic::Pending;
use reader::{Reader, Tbl};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::de::DeTable;

use super::types::Scenario;

type Span = Range<usize>;

/// Byte spans of the values and keys read, by path (`scenario.ticks`, `org[1].capacity[0]`).
#[derive(Debug, Default)]
pub(crate) struct Spans {
    values: BTreeMap<String, Span>,
    keys: BTreeMap<String, Span>,
}

impl Spans {
    /// The span of the value at `path`, or of the nearest enclosing table that was written.
    pub fn value(&self, path: &str) -> Span {
        let mut p = path;
        loop {
            if let Some(s) = self.values.get(p) {
                return s.clone();
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return 0..0,
            }
        }
    }

    /// The span of the key written for `path`, else of its value.
    pub fn key(&self, path: &str) -> Span {
        self.keys
            .get(path)
            .cloned()
            .unwrap_or_else(|| self.value(path))
    }
}

/// What reading produced: the scenario (defaults filled in, placeholders where a value was
/// wrong), where each value was, the problems found, and the paths that had problems (so the
/// range checks do not pile a second error onto a placeholder).
pub(crate) struct Read {
    pub scenario: Scenario,
    pub spans: Spans,
    pub errors: Vec<Pending>,
    pub bad: BTreeSet<String>,
}

/// If a syntax error sits on a `[[org]]` or `[[shock]]` header while the file also has the
/// single-bracket `[org]` or `[shock]`, the name of that table: mixing the two is a common slip.
fn single_bracket_array(text: &str, span: &std::ops::Range<usize>) -> Option<&'static str> {
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    ["org", "shock"]
        .into_iter()
        .find(|t| line == format!("[[{t}]]") && text.lines().any(|l| l.trim() == format!("[{t}]")))
}

/// Reads a scenario from TOML text. `stem` names the scenario when `[scenario] name` is absent.
pub(crate) fn read(text: &str, stem: &str) -> Result<Read, Vec<Pending>> {
    let (root, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        let mut errors: Vec<Pending> = syntax
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                let message = format!("invalid TOML: {}", e.message().trim());
                match single_bracket_array(text, &span) {
                    Some(table) => Pending::new(message, span).help(format!(
                        "`[{table}]` with single brackets defines one table; write `[[{table}]]` for every {table} (one per {})",
                        if table == "org" { "organisation design" } else { "shock" }
                    )),
                    None => Pending::new(message, span).help("see https://toml.io for the file syntax"),
                }
            })
            .collect();
        errors.sort_by_key(|e| e.span.start);
        errors.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        return Err(errors);
    }
    let mut r = Reader {
        errors: Vec::new(),
        spans: Spans::default(),
        bad: BTreeSet::new(),
    };
    let root = Tbl {
        map: root.get_ref(),
        path: String::new(),
        what: "the file, outside any table".into(),
        span: 0..0,
    };
    let scenario = r.scenario(&root, stem);
    Ok(Read {
        scenario,
        spans: r.spans,
        errors: r.errors,
        bad: r.bad,
    })
}
