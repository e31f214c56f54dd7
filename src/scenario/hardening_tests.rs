//! Regression tests for scenarios that once crashed, hung or misled `check` and `run`, each
//! named after the defect it pins.

use super::*;

const BUDGET: u64 = 16 << 30;

const MINIMAL: &str = r#"[scenario]
ticks = 1000

[work]
rate = 40

[[org]]
name = "H"
structure = "tree"
span = 4
levels = 3
"#;

fn errors(text: &str) -> Vec<Diagnostic> {
    match validate(text, "x.toml", BUDGET) {
        Ok(_) => panic!("expected errors, got a valid scenario:\n{text}"),
        Err(e) => e.diagnostics().to_vec(),
    }
}

fn ok(text: &str) -> Scenario {
    match validate(text, "x.toml", BUDGET) {
        Ok(s) => s,
        Err(e) => panic!("expected a valid scenario, got:\n{e}"),
    }
}

/// `(line, column)` of a diagnostic, which must have a location.
fn at(d: &Diagnostic) -> (usize, usize) {
    let l = d
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("unlocated: {d:?}"));
    (l.line, l.column)
}

#[test]
fn one_level_tree_needs_no_span() {
    let s = ok(&MINIMAL.replace("span = 4\nlevels = 3\n", "levels = 1\n"));
    assert_eq!(s.orgs[0].headcount(), 1);
    // Two levels up, `span` is still required.
    let errs = errors(&MINIMAL.replace("span = 4\n", ""));
    assert_eq!(errs[0].message, "missing key `span` in [[org]] `H`");
}

#[test]
fn invalid_utf8_is_refused_at_its_line_and_column() {
    let mut bytes = MINIMAL.replace("rate = 40", "rate = 4X").into_bytes();
    let x = bytes.iter().position(|&b| b == b'X').unwrap_or(0);
    bytes[x] = 0xFF;
    let e = text_of(bytes, "x.toml").unwrap_err();
    let d = &e.diagnostics()[0];
    assert_eq!(at(d), (5, 9));
    assert!(d.message.contains("not valid UTF-8"), "{}", d.message);
    assert!(e.to_string().contains("--> x.toml:5:9"), "{e}");
}
