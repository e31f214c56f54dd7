//! Located errors, rendered the way rustc and cargo render theirs.
//!
//! A consultant who mistypes a key should see the file, the line, a caret under the mistake and
//! what would be valid, for every mistake in the file at once, not one per run.

use std::ops::Range;
use std::path::PathBuf;

/// Where in the file a diagnostic points: 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The text of that line, without its line break.
    pub line_text: String,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
}

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// What is wrong, in one line.
    pub message: String,
    /// Where it is; every diagnostic made from a file has one.
    pub location: Option<Location>,
    /// A short label printed after the caret.
    pub label: String,
    /// What would be valid (`= help:` lines).
    pub help: Vec<String>,
    /// Context that explains the message (`= note:` lines).
    pub notes: Vec<String>,
}

/// A diagnostic before it is located: a byte span in the file text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pending {
    pub message: String,
    pub span: Range<usize>,
    pub label: String,
    pub help: Vec<String>,
    pub notes: Vec<String>,
}

impl Pending {
    /// A diagnostic at `span` with no label, help or notes yet.
    pub fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        Pending {
            message: message.into(),
            span,
            label: String::new(),
            help: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds the text printed after the caret.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a `= help:` line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// Adds a `= note:` line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Turns the byte span into a line and column of `text`.
    pub fn locate(self, text: &str) -> Diagnostic {
        Diagnostic {
            message: self.message,
            location: Some(locate(text, &self.span)),
            label: self.label,
            help: self.help,
            notes: self.notes,
        }
    }
}

/// The line, column and underline width of a byte span. Spans past the end of the text point
/// at its end; spans inside a multi-byte character are moved to its start.
fn locate(text: &str, span: &Range<usize>) -> Location {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_text = text[line_start..line_end].trim_end_matches('\r');
    let line = text[..line_start].matches('\n').count() + 1;
    // A span at the line break of a line ending in "\r\n" points just past the text shown, not
    // past the invisible carriage return.
    let column = (text[line_start..start].chars().count() + 1).min(line_text.chars().count() + 1);
    let mut end = span.end.clamp(start, line_end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let width = text[start..end].chars().count().max(1);
    Location {
        line,
        column,
        line_text: line_text.to_string(),
        width,
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("error: cannot read `{}`: {source}", path.display())]
    Read {
        /// The file we tried to read.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file was read but is not a valid scenario.
    #[error("{}", render(file, diagnostics))]
    Invalid {
        /// The file name as given, used in every location.
        file: String,
        /// Every problem found, in file order.
        diagnostics: Vec<Diagnostic>,
    },
}

impl ScenarioError {
    /// Every problem found (empty when the file could not be read).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ScenarioError::Read { .. } => &[],
            ScenarioError::Invalid { diagnostics, .. } => diagnostics,
        }
    }
}

/// Renders diagnostics rustc-style, then a closing count line.
fn render(file: &str, diagnostics: &[Diagnostic]) -> String {
    let width = diagnostics
        .iter()
        .filter_map(|d| d.location.as_ref())
        .map(|l| l.line.to_string().len())
        .max()
        .unwrap_or(1);
    let pad = " ".repeat(width);
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!("error: {}\n", d.message));
        if let Some(loc) = &d.location {
            out.push_str(&format!("{pad}--> {file}:{}:{}\n", loc.line, loc.column));
            out.push_str(&format!("{pad} |\n"));
            // Tabs would shift the caret; one space per tab keeps columns aligned.
            let shown: String = loc
                .line_text
                .chars()
                .map(|c| if c == '\t' || c.is_control() { ' ' } else { c })
                .collect();
            out.push_str(&format!("{:>width$} | {}\n", loc.line, shown.trim_end()));
            let label = if d.label.is_empty() {
                String::new()
            } else {
                format!(" {}", d.label)
            };
            out.push_str(&format!(
                "{pad} | {}{}{}\n",
                " ".repeat(loc.column - 1),
                "^".repeat(loc.width),
                label
            ));
        }
        for help in &d.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        for note in &d.notes {
            out.push_str(&format!("{pad} = note: {note}\n"));
        }
        out.push('\n');
    }
    let n = diagnostics.len();
    let noun = if n == 1 { "error" } else { "errors" };
    out.push_str(&format!("error: {n} {noun} in {file}; nothing was run"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_at_a_crlf_line_break_points_just_past_the_text() {
        let text = "a = 1\r\nb = 2\n";
        let at_break = text.find('\n').unwrap_or(0);
        let loc = locate(text, &(at_break..at_break + 1));
        assert_eq!(
            (loc.line, loc.column, loc.line_text.as_str()),
            (1, 6, "a = 1")
        );
    }

    #[test]
    fn locates_line_and_column_in_characters() {
        let text = "a = 1\n# é\nbé = 2\n";
        let start = text.find("= 2").unwrap_or(0);
        let loc = locate(text, &(start..start + 3));
        assert_eq!((loc.line, loc.column, loc.width), (3, 4, 3));
        assert_eq!(loc.line_text, "bé = 2");
    }

    #[test]
    fn span_past_the_end_points_at_the_last_line() {
        let loc = locate("a = 1\nb", &(100..120));
        assert_eq!((loc.line, loc.column, loc.width), (2, 2, 1));
    }

    #[test]
    fn multi_line_span_underlines_to_the_end_of_its_first_line() {
        let loc = locate("x = [\n 1]\n", &(4..9));
        assert_eq!((loc.line, loc.column, loc.width), (1, 5, 1));
    }

    #[test]
    fn renders_like_rustc() {
        let text = "[[org]]\ncapacty = 3.0\n";
        let d = Pending::new("unknown key `capacty` in [[org]]", 8..15)
            .help("did you mean `capacity`?")
            .locate(text);
        let e = ScenarioError::Invalid {
            file: "x.toml".into(),
            diagnostics: vec![d],
        };
        let shown = e.to_string();
        let expected = "error: unknown key `capacty` in [[org]]\n --> x.toml:2:1\n  |\n2 | capacty = 3.0\n  | ^^^^^^^\n  = help: did you mean `capacity`?\n\nerror: 1 error in x.toml; nothing was run";
        assert_eq!(shown, expected);
    }
}
