//! Scenario files: the TOML schema, defaults, validation with located errors.
//!
//! ```
//! let text = "[scenario]\nticks = 100\n[work]\nrate = 2\n[[org]]\nstructure = \"tree\"\nspan = 3\nlevels = 2\n";
//! let s = orgsim::scenario::parse_str(text, "demo.toml").unwrap();
//! assert_eq!(s.scenario.warmup, 10);
//! ```

mod check;
mod describe;
mod diagnostic;
mod memory;
mod read;
mod schema;
mod shipped;
mod sweep;
mod types;
pub mod wording;
mod write;

#[cfg(test)]
mod hardening_tests;
#[cfg(test)]
mod tests;

pub use check::{Problem, check};
pub use describe::{describe, level_load, level_utilisation, overload_warnings};
pub use diagnostic::{Diagnostic, Location, ScenarioError};
pub use memory::{
    MemoryCap, SIDE_BY_SIDE_AGENTS, backlog_cap, estimate_bytes, memory_limit, orgs_side_by_side,
    process_memory_cap,
};
pub use schema::known_keys;
pub use shipped::{
    Created, NewError, Shipped, create, find_shipped, list, new_path, new_text, shipped, write_new,
};
pub use sweep::{
    DesignProblem, MORRIS_LEVELS, PathKind, ShardOf, SweepPoints, apply, assign, path_kind,
    point_cost, point_count, rate_factor, shard_of_points, sweep_estimate_bytes, sweepable,
};
pub use types::*;
pub use write::to_toml;

use diagnostic::Pending;
use read::Spans;
use std::collections::BTreeSet;
use std::path::Path;

/// A fully commented scenario showing every key, its default and its range (`orgsim new`).
pub fn template() -> &'static str {
    include_str!("template.toml")
}

/// Reads and validates a scenario file, filling in every default.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_text(path)?;
    parse_str(&text, &path.display().to_string())
}

/// The text of a scenario file; a file that is not UTF-8 is refused at its first bad byte
/// (`file:line:col`), like any other mistake in it.
pub fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text_of(bytes, &path.display().to_string())
}

/// Validates a scenario file's bytes: [`parse_str`] once they are known to be UTF-8.
pub fn parse_bytes(bytes: &[u8], file_name: &str) -> Result<Scenario, ScenarioError> {
    parse_str(&text_of(bytes.to_vec(), file_name)?, file_name)
}

/// `bytes` as text, or an error located at the first byte that is not UTF-8. A leading
/// byte-order mark (some editors write one) is dropped.
pub(crate) fn text_of(bytes: Vec<u8>, file_name: &str) -> Result<String, ScenarioError> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes()[at];
            // Up to `at` the lossy text has the file's own bytes, so lines and columns match.
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Pending::new(
                format!("the file is not valid UTF-8: byte 0x{bad:02X} is not part of a character"),
                at..at + 1,
            )
            .label("not UTF-8")
            .help("save the scenario as UTF-8 text (most editors have an encoding option)")
            .locate(&text);
            Err(ScenarioError::Invalid {
                file: file_name.to_string(),
                diagnostics: vec![d],
            })
        }
    }
}

/// What `orgsim check` prints for a valid scenario file: what it describes, then `PATH: ok`.
pub fn check_file(path: &Path) -> Result<String, ScenarioError> {
    let s = load(path)?;
    Ok(format!("{}{}: ok\n", describe(&s), path.display()))
}

/// Validates scenario text; `file_name` is used in error locations and names the scenario when
/// `[scenario] name` is absent.
pub fn parse_str(text: &str, file_name: &str) -> Result<Scenario, ScenarioError> {
    validate(text, file_name, memory_limit())
}

/// [`parse_str`] with the memory budget given, so tests do not depend on the machine.
pub(crate) fn validate(
    text: &str,
    file_name: &str,
    budget: u64,
) -> Result<Scenario, ScenarioError> {
    let stem = Path::new(file_name).file_stem().map_or_else(
        || "scenario".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let fail = |errors: Vec<Pending>| {
        let mut errors = errors;
        errors.sort_by_key(|e| e.span.start);
        ScenarioError::Invalid {
            file: file_name.to_string(),
            diagnostics: errors.into_iter().map(|e| e.locate(text)).collect(),
        }
    };
    let read = read::read(text, &stem).map_err(fail)?;
    let mut errors = read.errors;
    let mut scenario = read.scenario;
    sweep::fill_grid_values(&mut scenario);
    let problems = check(&scenario);
    errors.extend(
        problems
            .iter()
            .filter(|p| !involves_bad(p, &read.bad))
            .map(|p| located(p, &read.spans)),
    );
    errors.extend(sweep::check_sweep(
        &scenario,
        &read.spans,
        &read.bad,
        &problems,
    ));
    if errors.is_empty()
        && let Some(e) = memory::refuse(&scenario, budget, &read.spans)
            .or_else(|| sweep::refuse_memory(&scenario, budget, &read.spans))
    {
        errors.push(e);
    }
    if errors.is_empty() {
        Ok(scenario)
    } else {
        Err(fail(errors))
    }
}

/// Whether two paths overlap: one is the other or lies inside it.
fn related(a: &str, b: &str) -> bool {
    let inside = |x: &str, y: &str| {
        x.strip_prefix(y)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    inside(a, b) || inside(b, a)
}

/// A range problem about a value that already has a type error would be noise.
fn involves_bad(p: &Problem, bad: &BTreeSet<String>) -> bool {
    std::iter::once(&p.path)
        .chain(&p.involves)
        .any(|x| bad.iter().any(|b| related(x, b)))
}

fn located(p: &Problem, spans: &Spans) -> Pending {
    let mut e = Pending::new(p.message.clone(), spans.value(&p.path));
    if let Some(help) = &p.help {
        e = e.help(help.clone());
    }
    e
}
