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

/// Value-level damage: what a careless edit or a script can put where a number or a list goes.
const DAMAGE: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "0",
    "0.0",
    "-1",
    "9223372036854775808",
    "4294967296",
    "4294967295",
    "1e308",
    "5e-324",
    "-1e308",
    "{ beta = [1.0, 1e308] }",
    "{ beta = [1e308, 1e308] }",
    "{ beta = [5e-324, 5e-324] }",
    "{ beta = [1e7, 1.0] }",
    "{ beta = [1000.0, 0.01] }",
    "{ lognormal = [1e3, 50.0] }",
    "{ lognormal = [50.0, 10.0] }",
    "{ gamma = [1e-300, 1e300] }",
    "{ gamma = [1e4, 1e8] }",
    "{ exponential = 1e300 }",
    "{ uniform = [0.0, inf] }",
    "{ fixed = 1e12 }",
    "[1.0, 2.0]",
    "[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]",
    "[]",
    "[nan, inf]",
    "\"Hierarchy\"",
    "\"Distributed\"",
    "\"\"",
    "{ kind = \"small_world\", degree = 4000000000, rewire = 0.1 }",
    "{ from = 0.0, to = 1e308, steps = 3 }",
];

/// One seeded mutation of `base`, as bytes: byte-level damage (truncation, random bytes,
/// invalid UTF-8, a BOM, CRLF, NUL, deep nesting, a long line) or value-level damage (a value
/// from [`DAMAGE`], a duplicated org).
fn mutate(base: &str, g: &mut rand_chacha::ChaCha8Rng) -> Vec<u8> {
    use rand::RngExt;
    let mut text = base.to_string();
    let edits = g.random_range(1..4);
    for _ in 0..edits {
        let lines: Vec<&str> = text.lines().collect();
        let n = lines.len().max(1);
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        match g.random_range(0..12) {
            // A value replaced with damage.
            0..=4 => {
                let valued: Vec<usize> = (0..out.len())
                    .filter(|&i| out[i].contains(" = ") && !out[i].trim_start().starts_with('#'))
                    .collect();
                if !valued.is_empty() {
                    let i = valued[g.random_range(0..valued.len())];
                    let key = out[i].split(" = ").next().unwrap_or("x").to_string();
                    out[i] = format!("{key} = {}", DAMAGE[g.random_range(0..DAMAGE.len())]);
                }
            }
            // A duplicated [[org]] block: the same name twice.
            5 => {
                if let Some(start) = out.iter().position(|l| l.trim() == "[[org]]") {
                    let end = out[start + 1..]
                        .iter()
                        .position(|l| l.starts_with('['))
                        .map_or(out.len(), |k| start + 1 + k);
                    let block: Vec<String> = out[start..end].to_vec();
                    out.extend(block);
                }
            }
            // Deep nesting.
            6 => {
                let depth = g.random_range(10..3000);
                out.insert(
                    g.random_range(0..n),
                    format!("x = {}{}", "[".repeat(depth), "]".repeat(depth)),
                );
            }
            // A long line.
            7 => {
                let len = g.random_range(1000..200_000);
                out.insert(g.random_range(0..n), format!("# {}", "x".repeat(len)));
            }
            // CRLF line ends.
            8 => {
                text = out.join("\r\n");
                continue;
            }
            _ => {}
        }
        text = out.join("\n");
        text.push('\n');
    }
    let mut bytes = text.into_bytes();
    // Byte-level damage on top, half the time.
    match g.random_range(0..10) {
        0 => {
            let cut = g.random_range(0..bytes.len().max(1));
            bytes.truncate(cut);
        }
        1 => {
            let at = g.random_range(0..bytes.len() + 1);
            bytes.insert(at, g.random::<u8>());
        }
        2 => {
            let at = g.random_range(0..bytes.len() + 1);
            bytes.insert(at, [0xFF, 0xC3, 0x80, 0xED][g.random_range(0..4)]);
        }
        3 => {
            let mut b = b"\xEF\xBB\xBF".to_vec();
            b.extend(bytes);
            bytes = b;
        }
        4 => {
            let at = g.random_range(0..bytes.len() + 1);
            bytes.insert(at, 0);
        }
        _ => {}
    }
    bytes
}

/// A located, well-formed refusal, or a scenario that runs a tiny horizon with decisions
/// conserved and every number finite.
fn refused_with_a_location_or_runs(bytes: &[u8]) -> Result<bool, String> {
    use orgsim::engine::Engine;
    let text =
        String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
    let mut s = match orgsim::scenario::parse_bytes(bytes, "fuzz.toml") {
        Err(e) => {
            return check_located(&text, Err(e))
                .map(|()| false)
                .map_err(|e| e.to_string());
        }
        Ok(s) => s,
    };
    let ticks = s.scenario.ticks.min(30);
    s.scenario.ticks = ticks;
    s.scenario.warmup = s.scenario.warmup.min(ticks - 1);
    s.shocks.retain(|sh| sh.at < ticks);
    for org in 0..s.orgs.len() {
        let mut engine = Engine::new(&s, org, 0);
        let (mut arrived, mut executed) = (0u64, 0u64);
        while !engine.finished() {
            let r = engine.step().clone();
            arrived += r.arrived;
            executed += r.executed;
            if arrived != executed + r.backlog {
                return Err(format!(
                    "org {org}: {arrived} arrived, {executed} executed, backlog {}",
                    r.backlog
                ));
            }
            let numbers = [
                Some(r.value),
                Some(r.utilisation_top),
                r.latency_mean,
                r.latency_p95,
                r.good_rate,
                r.age_mean,
            ];
            if numbers.iter().flatten().any(|x| !x.is_finite()) {
                return Err(format!("org {org}: a non-finite number in {r:?}"));
            }
        }
        drop(engine.finish());
    }
    Ok(true)
}

/// 20,000 seeded mutations of the DESIGN.md example, the template and the quickstart: none
/// panics or hangs, every refusal is located, every accepted file runs. A watchdog fails the
/// test if one case takes longer than the limit.
#[test]
fn twenty_thousand_mutated_files_are_refused_with_a_location_or_run() {
    use rand::SeedableRng;
    use std::sync::mpsc;
    use std::time::{Duration, Instant};
    const CASES: usize = 20_000;
    const LIMIT: Duration = Duration::from_secs(10);
    let quickstart = include_str!("../../scenarios/quickstart.toml");
    let bases: [&'static str; 3] = [DESIGN, template(), quickstart];
    let (tx, rx) = mpsc::channel::<Result<(usize, bool), String>>();
    let started = Instant::now();
    std::thread::spawn(move || {
        let mut g = rand_chacha::ChaCha8Rng::seed_from_u64(8);
        for case in 0..CASES {
            let bytes = mutate(bases[case % bases.len()], &mut g);
            let outcome = std::panic::catch_unwind(|| refused_with_a_location_or_runs(&bytes))
                .unwrap_or_else(|_| Err("panicked".to_string()))
                .map(|ran| (case, ran))
                .map_err(|e| {
                    format!(
                        "case {case}: {e}\n--- file ---\n{}",
                        String::from_utf8_lossy(&bytes)
                    )
                });
            if tx.send(outcome).is_err() {
                return;
            }
        }
    });
    let mut accepted = 0;
    for case in 0..CASES {
        match rx.recv_timeout(LIMIT) {
            Ok(Ok((_, ran))) => accepted += usize::from(ran),
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => panic!("case {case} took longer than {LIMIT:?}: a hang"),
        }
    }
    println!(
        "{CASES} mutated files, {accepted} accepted and run, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Damage is not so heavy that nothing gets through to the engine.
    assert!(accepted > CASES / 50, "only {accepted} files were accepted");
}
