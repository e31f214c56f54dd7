//! Mutated scenario files never panic the loader, and every error it reports points at a real
//! line of the file it was given.

use orgsim::scenario::{ScenarioError, parse_str, template};
use proptest::prelude::*;

const DESIGN: &str = include_str!("../scenarios/design.toml");

/// One edit to a scenario's text.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapValues(usize, usize),
    SetValue(usize, &'static str),
    InsertByte(usize, u8),
    DeleteByte(usize),
    ReplaceByte(usize, u8),
    Truncate(usize),
}

const VALUES: &[&str] = &[
    "-1",
    "0",
    "1",
    "0.5",
    "1e300",
    "-0.0",
    "nan",
    "inf",
    "99999999999999999999",
    "\"\"",
    "\"top\"",
    "\"teams\"",
    "[]",
    "[1.0]",
    "[1, 2, 3, 4, 5]",
    "{}",
    "{ fixed = 2 }",
    "{ level = 9 }",
    "{ beta = [0, 0] }",
    "{ from = 1, to = 0, steps = 0 }",
    "true",
    "1979-05-27",
    "[\"png\", 3]",
    "{ kind = \"ring\", degree = 2 }",
    "\"é\u{1F600}\"",
];
const BYTES: &[u8] = b"=[]{}\"'#,.\n\r\t -_0123456789abcxyz\\\x00\xff\xc3";

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapValues(a, b)),
        (any::<usize>(), prop::sample::select(VALUES)).prop_map(|(a, v)| Edit::SetValue(a, v)),
        (any::<usize>(), prop::sample::select(BYTES)).prop_map(|(a, b)| Edit::InsertByte(a, b)),
        any::<usize>().prop_map(Edit::DeleteByte),
        (any::<usize>(), prop::sample::select(BYTES)).prop_map(|(a, b)| Edit::ReplaceByte(a, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    let value_of = |l: &str| l.split_once(" = ").map(|(_, v)| v.to_string());
    match *edit {
        Edit::DeleteLine(i) if !lines.is_empty() => {
            lines.remove(i % n);
        }
        Edit::DuplicateLine(i) if !lines.is_empty() => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Edit::SwapValues(a, b) if !lines.is_empty() => {
            let (a, b) = (a % n, b % n);
            if let (Some(va), Some(vb)) = (value_of(&lines[a]), value_of(&lines[b])) {
                lines[a] = lines[a].replacen(&va, &vb, 1);
                lines[b] = lines[b].replacen(&vb, &va, 1);
            }
        }
        Edit::SetValue(a, v) if !lines.is_empty() => {
            let a = a % n;
            if let Some((k, _)) = lines[a].split_once(" = ") {
                lines[a] = format!("{k} = {v}");
            }
        }
        Edit::InsertByte(..) | Edit::DeleteByte(_) | Edit::ReplaceByte(..) | Edit::Truncate(_) => {
            let mut bytes = text.as_bytes().to_vec();
            let len = bytes.len().max(1);
            match *edit {
                Edit::InsertByte(i, b) => bytes.insert(i % (bytes.len() + 1), b),
                Edit::DeleteByte(i) if !bytes.is_empty() => {
                    bytes.remove(i % len);
                }
                Edit::ReplaceByte(i, b) if !bytes.is_empty() => bytes[i % len] = b,
                Edit::Truncate(i) => bytes.truncate(i % len),
                _ => {}
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        _ => {}
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn check_located(
    text: &str,
    result: Result<orgsim::scenario::Scenario, ScenarioError>,
) -> Result<(), TestCaseError> {
    let Err(e) = result else { return Ok(()) };
    let rendered = e.to_string();
    prop_assert!(
        !e.diagnostics().is_empty(),
        "an error with no diagnostics: {rendered}"
    );
    let lines: Vec<&str> = text.split('\n').collect();
    for d in e.diagnostics() {
        let Some(loc) = &d.location else {
            return Err(TestCaseError::fail(format!(
                "unlocated error: {}",
                d.message
            )));
        };
        prop_assert!(
            loc.line >= 1 && loc.line <= lines.len(),
            "line {} of {}",
            loc.line,
            lines.len()
        );
        let real = lines[loc.line - 1].trim_end_matches('\r');
        prop_assert_eq!(&loc.line_text, real);
        prop_assert!(
            loc.column >= 1 && loc.column <= real.chars().count() + 1,
            "column {} on {:?}",
            loc.column,
            real
        );
        let at = format!("fuzz.toml:{}:{}", loc.line, loc.column);
        prop_assert!(rendered.contains(&at), "{} not in\n{}", at, rendered);
    }
    prop_assert!(rendered.ends_with("nothing was run"));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_design_example_never_panics(edits in prop::collection::vec(edit(), 1..6)) {
        let mut text = DESIGN.to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        let result = parse_str(&text, "fuzz.toml");
        check_located(&text, result)?;
    }

    #[test]
    fn mutated_template_never_panics(edits in prop::collection::vec(edit(), 1..6)) {
        let mut text = template().to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        let result = parse_str(&text, "fuzz.toml");
        check_located(&text, result)?;
    }
}

#[test]
fn the_unmutated_files_are_valid() {
    assert!(parse_str(DESIGN, "design.toml").is_ok());
    assert!(parse_str(template(), "template.toml").is_ok());
}

#[test]
#[ignore = "prints a sample of errors for eyeballing"]
fn sample() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut ok, mut err, mut at_origin) = (0, 0, 0);
    for i in 0..2000 {
        let edits = prop::collection::vec(edit(), 1..4)
            .new_tree(&mut runner)
            .map(|t| t.current())
            .unwrap_or_default();
        let mut text = DESIGN.to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        match parse_str(&text, "fuzz.toml") {
            Ok(_) => ok += 1,
            Err(e) => {
                err += 1;
                for d in e.diagnostics() {
                    if d.location
                        .as_ref()
                        .is_some_and(|l| l.line == 1 && l.column == 1)
                    {
                        at_origin += 1;
                        println!("AT 1:1: {} {:?}", d.message, edits);
                    }
                }
                if i % 150 == 0 {
                    println!("{e}\n-----");
                }
            }
        }
    }
    println!("ok {ok} err {err} at 1:1 {at_origin}");
}
