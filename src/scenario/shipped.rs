//! The scenarios shipped in `scenarios/`, embedded in the binary so that `orgsim new --from`
//! works after `cargo install`, and the text `orgsim new` writes.

use std::io::Write;
use std::path::{Path, PathBuf};

/// One shipped scenario: its file stem (what `--from` takes) and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shipped {
    /// The file stem in `scenarios/`, e.g. `quickstart`.
    pub name: &'static str,
    /// The file's text, byte for byte.
    pub text: &'static str,
}

macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(Shipped {
            name: $name,
            text: include_str!(concat!("../../scenarios/", $name, ".toml")),
        }),*]
    };
}

/// Every file in `scenarios/`, sorted by name. A test checks that none is missing.
const SHIPPED: &[Shipped] = shipped![
    "buurtzorg",
    "claim-clarity-of-purpose",
    "claim-frustrated-potential",
    "claim-quality",
    "claim-resilience",
    "claim-scalability",
    "claim-speed",
    "community-response",
    "gore-lattice",
    "haier",
    "hierarchy-wins",
    "mission-command",
    "morning-star",
    "quickstart",
    "sweep-interdependence",
    "sweep-span",
    "what-matters",
];

/// Every shipped scenario, sorted by name.
pub fn shipped() -> &'static [Shipped] {
    SHIPPED
}

impl Shipped {
    /// What the scenario is about, in one line: the first line of its `[scenario] description`,
    /// or its `[scenario] name` when it has none.
    pub fn summary(&self) -> String {
        let table: toml::Table = toml::from_str(self.text).unwrap_or_default();
        let scenario = table.get("scenario").and_then(|s| s.as_table());
        let field = |key: &str| {
            scenario
                .and_then(|s| s.get(key))
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|t| !t.is_empty())
        };
        field("description")
            .or_else(|| field("name"))
            .and_then(|t| t.lines().next())
            .unwrap_or("")
            .trim()
            .to_string()
    }
}

/// `orgsim list`: every shipped scenario, one a line, its name (what `orgsim new --from`
/// takes) and what it is about, then how to start from one.
pub fn list() -> String {
    let width = SHIPPED.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in SHIPPED {
        out.push_str(&format!("{:width$}  {}\n", s.name, s.summary()));
    }
    out.push_str(
        "\nStart from one: orgsim new my-case --from quickstart (writes my-case.toml to edit)\n",
    );
    out
}

/// Why `orgsim new` could not write a scenario.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// `--from` names no shipped scenario.
    #[error("no shipped scenario is called `{name}`{}\n  shipped scenarios: {}", suggestion_text(.suggestions), .names.join(", "))]
    UnknownShipped {
        /// What was asked for.
        name: String,
        /// Near misses, best first.
        suggestions: Vec<&'static str>,
        /// Every valid name.
        names: Vec<&'static str>,
    },
    /// The name is empty or names a folder.
    #[error("`{0}` is not a usable scenario name: give a file name such as `my-case`")]
    BadName(String),
    /// The file is there already; it is never overwritten.
    #[error("{} already exists; orgsim new never overwrites a file: choose another name or delete it first", .0.display())]
    Exists(PathBuf),
    /// The file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file we tried to write.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

fn suggestion_text(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean `{one}`?"),
        many => format!(
            "; did you mean one of {}?",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The shipped scenario `name` (a file stem; `quickstart.toml` and `scenarios/quickstart.toml`
/// are accepted too), or an error listing the valid names with the nearest ones first.
pub fn find_shipped(name: &str) -> Result<&'static Shipped, NewError> {
    let stem = Path::new(name)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_suffix(".toml").unwrap_or(&stem);
    if let Some(s) = SHIPPED.iter().find(|s| s.name.eq_ignore_ascii_case(stem)) {
        return Ok(s);
    }
    let names: Vec<&'static str> = SHIPPED.iter().map(|s| s.name).collect();
    let lower = stem.to_lowercase();
    let suggestions: Vec<&'static str> = match super::schema::closest(stem, &names) {
        Some(near) => vec![near],
        // A fragment such as `claim` or `gore` names every scenario it is part of.
        None if !lower.is_empty() => names
            .iter()
            .copied()
            .filter(|n| n.contains(lower.as_str()))
            .collect(),
        None => Vec::new(),
    };
    Err(NewError::UnknownShipped {
        name: name.to_string(),
        suggestions,
        names,
    })
}

/// Where `orgsim new NAME` writes: `NAME.toml`, or `NAME` itself if it already ends in `.toml`.
pub fn new_path(name: &str) -> Result<PathBuf, NewError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.ends_with(['/', '\\']) || trimmed == "." || trimmed == ".." {
        return Err(NewError::BadName(name.to_string()));
    }
    if trimmed.to_ascii_lowercase().ends_with(".toml") {
        Ok(PathBuf::from(trimmed))
    } else {
        Ok(PathBuf::from(format!("{trimmed}.toml")))
    }
}

/// The text `orgsim new` writes to `path`: the shipped scenario `from`, unchanged, or the
/// commented template with its scenario name set to the file's stem.
pub fn new_text(path: &Path, from: Option<&str>) -> Result<String, NewError> {
    if let Some(from) = from {
        return Ok(find_shipped(from)?.text.to_string());
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "My scenario".to_string());
    Ok(named_template(&stem))
}

/// The template with `[scenario] name` set to `name`, comment column kept where it fits.
fn named_template(name: &str) -> String {
    const PLACEHOLDER: &str = "name = \"My scenario\"";
    let quoted = toml::Value::String(name.to_string()).to_string();
    let line = format!("name = {quoted}");
    let padded = format!("{line:<width$}", width = PLACEHOLDER.len());
    // `replacen` on the first occurrence: the placeholder is the [scenario] name, not an org's.
    super::template().replacen(PLACEHOLDER, &padded, 1)
}

/// A scenario file `orgsim new` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The file written.
    pub path: PathBuf,
    /// The shipped scenario it copies; `None`: the commented template.
    pub from: Option<&'static str>,
}

impl Created {
    /// What `orgsim new` prints: what was written, and what to do next.
    pub fn message(&self) -> String {
        let source = match self.from {
            Some(name) => format!("the shipped scenario `{name}`"),
            None => "the commented template".to_string(),
        };
        let shown = self.path.display();
        format!(
            "wrote {shown} from {source}\nnext: edit it, then `orgsim check {shown}` and `orgsim run {shown}`\n"
        )
    }
}

/// `orgsim new NAME [--from SHIPPED]`: writes the template, or a shipped scenario, to
/// `NAME.toml`, never over an existing file.
pub fn create(name: &str, from: Option<&str>) -> Result<Created, NewError> {
    let path = new_path(name)?;
    let text = new_text(&path, from)?;
    write_new(&path, &text)?;
    let from = from.map(find_shipped).transpose()?.map(|s| s.name);
    Ok(Created { path, from })
}

/// Writes `text` to `path`, refusing if anything is already there (checked atomically by the
/// file system, so a file created a moment earlier is not clobbered either).
pub fn write_new(path: &Path, text: &str) -> Result<(), NewError> {
    if path.exists() {
        return Err(NewError::Exists(path.to_path_buf()));
    }
    let fail = |source| NewError::Write {
        path: path.to_path_buf(),
        source,
    };
    // Written whole beside `path` first, so a full disk or a kill never leaves a truncated or
    // empty file that would block the next try.
    let name = path
        .file_name()
        .map_or_else(|| "scenario".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    remove_stale(path, &name);
    let written = std::fs::File::create(&tmp).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    // A hard link never replaces an existing file, so a file made meanwhile is kept; where
    // links are not supported, a rename after the check above.
    let placed = match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(&tmp);
            return Err(NewError::Exists(path.to_path_buf()));
        }
        Err(_) => std::fs::rename(&tmp, path),
    };
    let _ = std::fs::remove_file(&tmp);
    placed.map_err(fail)
}

/// Removes `.<name>.tmp-<pid>` files beside `path` that a killed `orgsim new` of a process
/// no longer running left.
fn remove_stale(path: &Path, name: &str) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.tmp-");
    for entry in entries.filter_map(Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        let pid = file
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !crate::output::alive(p)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_the_first_line_of_the_description_or_else_the_name() {
        let with = Shipped {
            name: "a",
            text: "[scenario]\nname = \"Title\"\ndescription = \"\"\"\nFirst line.\nSecond.\"\"\"\n",
        };
        assert_eq!(with.summary(), "First line.");
        let without = Shipped {
            name: "b",
            text: "# comment\n[scenario]\nname = \"Title\"\nticks = 10\n",
        };
        assert_eq!(without.summary(), "Title");
    }

    #[test]
    fn shipped_names_are_sorted_and_unique() {
        let names: Vec<&str> = shipped().iter().map(|s| s.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }

    #[test]
    fn every_shipped_scenario_is_valid() {
        for s in shipped() {
            if let Err(e) = super::super::parse_str(s.text, &format!("{}.toml", s.name)) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn names_become_toml_files() {
        let p = |n: &str| new_path(n).ok();
        assert_eq!(p("my-case"), Some(PathBuf::from("my-case.toml")));
        assert_eq!(p("my-case.toml"), Some(PathBuf::from("my-case.toml")));
        assert_eq!(p("case.v2"), Some(PathBuf::from("case.v2.toml")));
        assert_eq!(p("dir/case"), Some(PathBuf::from("dir/case.toml")));
        assert!(p("").is_none() && p("  ").is_none() && p("dir/").is_none());
    }

    #[test]
    fn the_template_takes_the_file_name_and_stays_valid() {
        for name in ["my-case", "Client \"X\" \\ Q3", "é"] {
            let text = named_template(name);
            let s = super::super::parse_str(&text, "x.toml").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.scenario.name, name);
            assert_eq!(s.orgs[0].name, "Hierarchy");
        }
    }

    #[test]
    fn a_shipped_scenario_is_found_by_stem_or_file_name() {
        for name in [
            "quickstart",
            "quickstart.toml",
            "scenarios/quickstart.toml",
            "QuickStart",
        ] {
            assert_eq!(find_shipped(name).map(|s| s.name).ok(), Some("quickstart"));
        }
        let Err(NewError::UnknownShipped { suggestions, .. }) = find_shipped("quikstart") else {
            panic!("accepted a misspelling");
        };
        assert_eq!(suggestions, ["quickstart"]);
    }
}
