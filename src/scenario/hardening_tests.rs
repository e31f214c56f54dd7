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

/// `MINIMAL` with `line` added to its `[work]` table.
fn with_work(line: &str) -> String {
    MINIMAL.replace("rate = 40\n", &format!("rate = 40\n{line}\n"))
}

#[test]
fn outage_delay_factor_is_bounded_and_the_estimate_by_the_horizon() {
    let outage = |factor: &str| {
        format!(
            "{MINIMAL}\n[[shock]]\nkind = \"outage\"\nat = 500\nduration = 10\ndelay_factor = {factor}\n"
        )
    };
    let errs = errors(&outage("1e9"));
    assert_eq!(
        errs[0].message,
        "`delay_factor` of shock `outage@500` must be at most 1000000, found 1000000000"
    );
    assert_eq!(at(&errs[0]), (17, 16));
    ok(&outage("1e6"));
    // Long delays and patience on a short run of 25 agents hold at most the run's arrivals.
    let text = "[scenario]\nticks = 200\n[work]\nrate = 40\ncross_unit = 0.5\n[[org]]\nname = \"T\"\nstructure = \"teams\"\nteams = 5\nteam_size = 5\nlink_delay = 1e6\npatience = 4000000000\n";
    let s = ok(text);
    let bytes = estimate_bytes(&s, 2);
    assert!(bytes < 64e6, "{bytes}");
}

#[test]
fn distribution_parameters_have_ranges_and_are_located() {
    for (pair, col) in [
        ("[1.0, 1e308]", 24),
        ("[1e308, 1e308]", 19),
        ("[5e-324, 5e-324]", 19),
        ("[1e7, 1.0]", 19),
    ] {
        let errs = errors(&with_work(&format!(
            "cross_unit = 0.5\nreach = {{ beta = {pair} }}"
        )));
        assert!(
            errs[0].message.starts_with("`reach`: beta's ")
                && errs[0].message.contains("must be in [0.01, 1000]"),
            "{pair}: {}",
            errs[0].message
        );
        assert_eq!(at(&errs[0]), (7, col), "{pair}");
    }
    // At the edges of the ranges, the load estimate is quick and finite.
    for pair in ["[1000.0, 0.01]", "[0.01, 1000.0]", "[1000.0, 1000.0]"] {
        let s = ok(&with_work(&format!(
            "cross_unit = 0.5\nreach = {{ beta = {pair} }}"
        )));
        let u = level_utilisation(&s.orgs[0], &s.work, s.work.rate);
        assert!(u.iter().all(|x| x.is_finite()), "{pair}: {u:?}");
    }
}

#[test]
fn stakes_that_would_overflow_are_refused() {
    for (stake, message) in [
        (
            "{ lognormal = [1000.0, 1.0] }",
            "`stake`: lognormal's mu must be in [-50, 50], found 1000",
        ),
        (
            "{ lognormal = [0.0, 300.0] }",
            "`stake`: lognormal's sigma must be in [0, 10], found 300",
        ),
        (
            "{ fixed = 1e300 }",
            "`stake` must be in [0, 1000000000000], found 1e300",
        ),
        (
            "{ gamma = [2.0, 1e300] }",
            "`stake`: gamma's scale must be in [0, 1000000000000], found 1e300",
        ),
        (
            "{ exponential = inf }",
            "expected a number, found `inf`, which is not a finite number",
        ),
    ] {
        let errs = errors(&with_work(&format!("stake = {stake}")));
        assert_eq!(errs[0].message, message, "{stake}");
        assert_eq!(at(&errs[0]).0, 6, "{stake}");
    }
}

#[test]
fn duplicated_recovery_metric_is_refused() {
    let text = format!(
        "{MINIMAL}[recovery]\nmetrics = [\"latency_mean\", \"throughput\", \"latency_mean\"]\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(
        errs[0].message,
        "`latency_mean` is listed twice in `metrics`"
    );
    assert_eq!(at(&errs[0]), (13, 42));
}

#[test]
fn slurm_memory_reads_megabytes_and_suffixes() {
    use super::memory::parse_slurm_mb;
    assert_eq!(parse_slurm_mb("2048"), Some(2048 << 20));
    assert_eq!(parse_slurm_mb("4G"), Some(4 << 30));
    assert_eq!(parse_slurm_mb("512M"), Some(512 << 20));
    assert_eq!(parse_slurm_mb("lots"), None);
}

#[test]
fn the_memory_cap_is_the_smallest_limit() {
    let cap = process_memory_cap();
    assert!(cap.bytes > 0);
    assert!(memory_limit() <= cap.bytes);
}

#[test]
fn an_accepted_scenario_is_never_stopped_short_of_its_estimate() {
    let s = ok(MINIMAL);
    // A budget that leaves nothing spare still allows the work in flight the estimate counts.
    let cap = backlog_cap(&s, 2, 0);
    assert!(cap as f64 >= 40.0 * 5.0, "{cap}");
    // A generous budget allows far more.
    assert!(backlog_cap(&s, 2, 8 << 30) > 10_000_000);
}
