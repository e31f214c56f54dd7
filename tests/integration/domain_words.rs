//! Domain words: an org names its levels (`level_names`) and a scenario its decisions
//! (`decision_noun`); the console, the headlines, the report, the charts and the overload
//! diagnosis use them, and a wrong list or an empty word is refused where it is written.

use std::fs;

use crate::util::{orgsim, tempdir, write};

const SPAN12: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/scenarios/insurer-span12.toml"
);

#[test]
fn claims_and_named_levels_are_what_the_results_speak_of() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let ran = orgsim().arg("run").arg(SPAN12).arg("--out").arg(&out).run();
    assert!(
        ran.stdout
            .contains("the team leads (level 1) cannot keep up"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("claims per hour"), "{}", ran.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let headlines = json["headlines"].to_string();
    assert!(headlines.contains("fewer bad claims than"), "{headlines}");
    assert!(!headlines.contains("decisions"), "{headlines}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(" new claims per hour on average"));
    // The results table and every comparison speak of claims too.
    assert!(html.contains("<h3>Where claims are taken</h3>"));
    assert!(html.contains("good-claim rate"));
    for c in json["comparisons"].as_array().unwrap() {
        let text = c["text"].as_str().unwrap();
        assert!(!text.contains("decision"), "{text}");
    }
    let over_time = fs::read_to_string(out.join("throughput.svg")).unwrap();
    assert!(over_time.contains("Claims executed per hour"));
    let chart = fs::read_to_string(out.join("decided_at.svg")).unwrap();
    for words in [
        "Where claims are taken",
        "level 0 (claim handler)",
        "level 1 (team lead)",
        "level 2 (claims director)",
        "share of claims taken",
    ] {
        assert!(chart.contains(words), "the chart lacks {words:?}");
    }
}

#[test]
fn unnamed_scenarios_keep_speaking_of_decisions_and_levels() {
    let tmp = tempdir();
    let text = fs::read_to_string(SPAN12).unwrap();
    let plain: String = text
        .lines()
        .filter(|l| !l.starts_with("level_names") && !l.starts_with("decision_noun"))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = write(tmp.path(), "plain.toml", &plain);
    let out = tmp.path().join("out");
    let ran = orgsim().arg("run").arg(&file).arg("--out").arg(&out).run();
    assert!(
        ran.stdout
            .contains("the first-line managers (level 1) cannot keep up")
    );
    assert!(ran.stdout.contains("decisions per hour"));
    let chart = fs::read_to_string(out.join("decided_at.svg")).unwrap();
    assert!(chart.contains("Where decisions are taken") && chart.contains("level 0 (frontline)"));
}

#[test]
fn wrong_level_names_and_empty_words_are_refused_where_written() {
    let tmp = tempdir();
    let text = fs::read_to_string(SPAN12).unwrap();
    let cases = [
        (
            text.replacen(
                "level_names = [\"claim handler\", \"team lead\", \"claims director\"]",
                "level_names = [\"claim handler\", \"team lead\"]",
                1,
            ),
            vec![
                "`level_names` lists 2 names, but the tree has 3 levels",
                "give one name per level, frontline first: `level_names = [\"agent\", \"level 1\", \"director\"]`",
            ],
        ),
        (
            text.replacen("\"team lead\"", "\"  \"", 1),
            vec!["name 1 of `level_names` is empty"],
        ),
        (
            text.replacen("\"team lead\"", "3", 1),
            vec!["a name (a string)"],
        ),
        (
            text.replace("decision_noun = \"claim\"", "decision_noun = \"\""),
            vec!["`decision_noun` is empty"],
        ),
        (
            text.replace(
                "decision_noun = \"claim\"",
                "decision_noun_plural = \"claims\"",
            ),
            vec!["`decision_noun_plural` without `decision_noun`"],
        ),
    ];
    for (k, (bad, words)) in cases.iter().enumerate() {
        let name = format!("bad{k}.toml");
        let file = write(tmp.path(), &name, bad);
        // The first three spoil the first org's `level_names`, the others `decision_noun`.
        let key = if k < 3 {
            "level_names"
        } else {
            "decision_noun"
        };
        let line = bad.lines().position(|l| l.starts_with(key)).unwrap() + 1;
        let mut check = orgsim()
            .arg("check")
            .arg(&file)
            .fails()
            .stderr_has(format!("{name}:{line}:"));
        for w in words {
            check = check.stderr_has(*w);
        }
        check.run();
    }
}
