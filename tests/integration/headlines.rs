//! Headlines a client can read aloud: over every shipped scenario (through the shipped-scenario
//! run) and on an insurer's case whose normal-times ratio must not depend on the shock.

use std::fs;
use std::path::Path;

use crate::util::{orgsim, tempdir, write};

/// Below this a ratio is not a finding (the headlines say "the same" instead).
const TRIVIAL: f64 = 0.02;

/// The ratios claimed in `text`: the number before each `×` that is followed by a claim
/// ("faster", "slower", "the value") rather than given as a number in parentheses.
fn claimed_ratios(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('×') {
        let after = &text[i + '×'.len_utf8()..];
        if !(after.starts_with(" faster")
            || after.starts_with(" slower")
            || after.starts_with(" the value"))
        {
            continue;
        }
        let before = &text[..i];
        let start = before
            .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map_or(0, |k| k + 1);
        if let Ok(x) = before[start..].parse::<f64>() {
            out.push(x);
        }
    }
    out
}

/// What every result folder's headlines must be: no backticks, every ratio with its n, no
/// trivially small finding, normal times first when there are shocks, impacts in words.
pub fn check_headlines(dir: &Path, what: &str) {
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let headlines = crate::util::headlines(&json);
    let windows: Vec<&str> = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["window"].as_str().unwrap())
        .collect();
    let shocked = windows.iter().any(|w| *w != "all" && *w != "steady");
    assert!(!headlines.is_empty(), "{what}: no headline");
    if shocked {
        assert!(
            headlines[0].starts_with("In normal times "),
            "{what}: normal times come first: {headlines:#?}"
        );
    }
    for h in &headlines {
        assert!(!h.contains('`'), "{what}: a backtick in {h:?}");
        // A shock's cost is said in words ("decision-hours of extra waiting", "latency-hours"),
        // never as a product of units ("hours × hours"); a ratio has no space before its ×.
        assert!(
            !h.contains(" × "),
            "{what}: an impact read as a product of units in {h:?}"
        );
        // Every parenthetical holding a ratio says how many replicates it used.
        for part in h.split('(').skip(1) {
            let inside = part.split(')').next().unwrap_or("");
            if inside.contains('×') && inside.contains('–') {
                assert!(
                    inside.contains("n = "),
                    "{what}: a ratio without its n in {h:?}"
                );
            }
        }
        for r in claimed_ratios(h) {
            assert!(
                r >= 1.0 + TRIVIAL,
                "{what}: a trivial finding {r}× in {h:?}"
            );
        }
    }
    for c in json["comparisons"].as_array().unwrap() {
        let text = c["text"].as_str().unwrap();
        assert!(!text.contains('`'), "{what}: a backtick in {text:?}");
    }
}

#[test]
fn claimed_ratios_are_read_from_the_sentence() {
    assert_eq!(
        claimed_ratios("A answered 1.4× faster than B (1.3–1.5, n = 10); 2.0× the value (1.9–2.1)"),
        [1.4, 2.0]
    );
    assert_eq!(
        claimed_ratios("about the same (1.01×, 0.99–1.03, n = 5)"),
        Vec::<f64>::new()
    );
    assert_eq!(claimed_ratios("A created 1.001× the value B did"), [1.001]);
}

const INSURER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/scenarios/insurer-absence.toml"
);

fn latency_comparison(dir: &Path, window: &str) -> (f64, f64, f64) {
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let c = json["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["window"] == window && c["metric"] == "latency_mean")
        .unwrap_or_else(|| panic!("no latency comparison in window {window}"))
        .clone();
    let f = |k: &str| c[k].as_f64().unwrap();
    (f("ratio"), f("ci_low"), f("ci_high"))
}

#[test]
fn the_insurers_normal_times_ratio_matches_a_run_without_the_absence() {
    let tmp = tempdir();
    let text = fs::read_to_string(INSURER).unwrap();
    let cut = text.find("[[shock]]").unwrap();
    let calm = write(tmp.path(), "calm.toml", &text[..cut]);
    let (with, without) = (tmp.path().join("with"), tmp.path().join("without"));
    for (file, out) in [(Path::new(INSURER), &with), (calm.as_path(), &without)] {
        orgsim()
            .arg("run")
            .arg(file)
            .args(["--quiet", "--out"])
            .arg(out)
            .run();
    }
    check_headlines(&with, "insurer");
    let (steady, lo, hi) = latency_comparison(&with, "steady");
    let (calm_ratio, ..) = latency_comparison(&without, "all");
    assert!(
        lo <= calm_ratio && calm_ratio <= hi,
        "normal times {steady:.3} ({lo:.3}–{hi:.3}) vs a run without the absence {calm_ratio:.3}"
    );
    // The whole run, shock included, is not what normal days look like.
    let (whole, ..) = latency_comparison(&with, "all");
    assert!(
        whole < lo,
        "the whole-run ratio {whole:.3} is driven by the absence"
    );
    // The headline states the normal-times ratio, said as "faster".
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(with.join("summary.json")).unwrap()).unwrap();
    let first = json["headlines"][0].as_str().unwrap();
    let stated = format!("{:.1}× faster", 1.0 / steady);
    assert!(
        first.starts_with("In normal times Team leads decide answered") && first.contains(&stated),
        "{first}"
    );
}
