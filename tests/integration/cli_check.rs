//! Broken scenarios through the real binary: one file per class of mistake a consultant makes.
//!
//! Each is given to both `orgsim check` and `orgsim run --out DIR`, and must fail with a
//! non-zero exit, point at the exact `file:line:col`, say what is wrong in words a consultant
//! recognises, and write nothing.

use std::fs;
use std::path::Path;

use crate::util::{entries, orgsim, tempdir, write};

/// A valid two-org scenario the broken ones are made from (line numbers below count from it).
const BASE: &str = r#"[scenario]
name = "Broken"
ticks = 1000
warmup = 100

[work]
rate = 20

[[org]]
name = "Hierarchy"
structure = "tree"
span = 4
levels = 3

[[org]]
name = "Teams"
structure = "teams"
teams = 8
team_size = 5
"#;

/// `BASE` with `from` replaced by `to`, which must occur.
fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "BASE has no {from:?}");
    BASE.replacen(from, to, 1)
}

/// Writes `text` as `file` in a fresh folder and asserts that `check` and `run` both refuse
/// it, pointing at `at` (`line:col`) and saying every one of `words`, and that `run` writes
/// nothing. Returns the text `check` printed on stderr for further assertions.
fn refused(file: &str, text: &str, at: &str, words: &[&str]) -> String {
    let tmp = tempdir();
    write(tmp.path(), file, text);
    let out = tmp.path().join("out");
    let mut shown = String::new();
    for run in [false, true] {
        let command = if run {
            orgsim().args(["run", file, "--quiet", "--out"]).arg(&out)
        } else {
            orgsim().args(["check", file])
        };
        let expected = words.iter().fold(command, |t, w| t.stderr_has(w));
        let stderr = expected
            .in_dir(tmp.path())
            .status(1)
            .stdout("")
            .stderr_has(format!("--> {file}:{at}\n"))
            .stderr_has(format!("in {file}; nothing was run"))
            .run()
            .stderr;
        assert!(!stderr.contains("panicked"), "{stderr}");
        let what = if run { "run" } else { "check" };
        assert!(!out.exists(), "{what} {file} wrote {}", out.display());
        shown = stderr;
    }
    let left: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left.len(),
        1,
        "only the scenario is in the folder: {left:?}"
    );
    shown
}

#[test]
fn toml_syntax_error() {
    refused(
        "syntax.toml",
        &edit("rate = 20", "rate = = 20"),
        "7:8",
        &["invalid TOML", "rate = = 20", "https://toml.io"],
    );
}

#[test]
fn unknown_key_with_did_you_mean() {
    refused(
        "unknown-key.toml",
        &edit("levels = 3\n", "levels = 3\ncapacty = 2.0\n"),
        "14:1",
        &[
            "unknown key `capacty` in [[org]] `Hierarchy`",
            "did you mean `capacity`?",
            "^^^^^^^",
        ],
    );
}

#[test]
fn misspelled_table() {
    refused(
        "misspelled-table.toml",
        &format!("{BASE}\n[recovry]\nwindow = 12\n"),
        "21:2",
        &["unknown table [recovry]", "did you mean `recovery`?"],
    );
}

#[test]
fn wrong_type() {
    refused(
        "wrong-type.toml",
        &edit("rate = 20", "rate = \"fast\""),
        "7:8",
        &["expected a number, found a string"],
    );
}

#[test]
fn a_float_where_a_whole_number_is_needed() {
    refused(
        "float-for-whole.toml",
        &edit("ticks = 1000", "ticks = 1000.0"),
        "3:9",
        &[
            "expected a whole number for `ticks`",
            "write it without a decimal point",
        ],
    );
}

#[test]
fn missing_required_key() {
    refused(
        "missing-key.toml",
        &edit("ticks = 1000\n", ""),
        "1:1",
        &["missing key `ticks` in [scenario]", "add `ticks = "],
    );
}

#[test]
fn no_org() {
    refused(
        "no-org.toml",
        "[scenario]\nticks = 1000\n\n[work]\nrate = 20\n",
        "1:1",
        &["no [[org]] in the scenario", "add at least one `[[org]]`"],
    );
}

#[test]
fn out_of_range_value() {
    refused(
        "out-of-range.toml",
        &edit("levels = 3\n", "levels = 3\nauthority = [0.2, 1.4, 1.0]\n"),
        "14:19",
        &["`authority` of org `Hierarchy` must be in [0, 1], found 1.4"],
    );
}

#[test]
fn per_level_list_of_the_wrong_length() {
    refused(
        "list-length.toml",
        &edit("levels = 3\n", "levels = 3\ncompetence = [0.3, 0.5]\n"),
        "14:14",
        &[
            "lists 2 values, but the tree has 3 levels",
            "one value per level",
        ],
    );
}

#[test]
fn tree_key_on_teams() {
    refused(
        "tree-key-on-teams.toml",
        &edit("team_size = 5\n", "team_size = 5\nspan = 4\n"),
        "20:1",
        &[
            "key `span` does not apply here",
            "structure = \"tree\"",
            "this org is teams",
            "valid keys here: name, structure, teams",
        ],
    );
}

#[test]
fn duplicate_org_names() {
    refused(
        "duplicate-org.toml",
        &edit("name = \"Teams\"", "name = \"Hierarchy\""),
        "16:8",
        &[
            "two orgs are named `Hierarchy`",
            "give each [[org]] its own name",
        ],
    );
}

#[test]
fn compare_to_naming_no_org() {
    refused(
        "compare-to.toml",
        &edit(
            "warmup = 100\n",
            "warmup = 100\ncompare_to = \"Hierachy\"\n",
        ),
        "5:14",
        &[
            "`compare_to` names no org: `Hierachy`",
            "did you mean `Hierarchy`?",
            "orgs: Hierarchy, Teams",
        ],
    );
}

#[test]
fn escalate_on_teams() {
    refused(
        "escalate-on-teams.toml",
        &edit(
            "team_size = 5\n",
            "team_size = 5\ncross_unit = \"escalate\"\n",
        ),
        "20:14",
        &[
            "org `Teams` is teams",
            "needs a tree",
            "use `cross_unit = \"consult\"`",
        ],
    );
}

#[test]
fn loss_of_a_level_deeper_than_a_tree() {
    let text = BASE.replace(
        "name = \"Teams\"\nstructure = \"teams\"\nteams = 8\nteam_size = 5\n",
        "name = \"Flat\"\nstructure = \"tree\"\nspan = 40\nlevels = 2\n",
    );
    let text = format!(
        "{text}\n[[shock]]\nkind = \"loss\"\nname = \"Managers leave\"\nat = 500\ntarget = {{ level = 3 }}\n"
    );
    let shown = refused(
        "loss-too-deep.toml",
        &text,
        "25:10",
        &[
            "shock `Managers leave` targets level 3, but org `Hierarchy` has levels 0 to 2",
            "but org `Flat` has levels 0 to 1",
            "error: 2 errors in",
        ],
    );
    assert!(shown.contains("the top is level 1"), "{shown}");
}

#[test]
fn level_loss_in_teams_is_refused() {
    refused(
        "level-loss-teams.toml",
        &format!("{BASE}\n[[shock]]\nkind = \"loss\"\nat = 500\ntarget = {{ level = 1 }}\n"),
        "24:10",
        &[
            "targets level 1, but org `Teams` is teams and has no levels",
            "use `target = \"top\"`",
        ],
    );
}

#[test]
fn shock_at_or_after_the_horizon() {
    refused(
        "shock-after-horizon.toml",
        &format!("{BASE}\n[[shock]]\nkind = \"surge\"\nat = 1000\nduration = 50\nfactor = 2.0\n"),
        "23:6",
        &[
            "shock `surge@1000` starts at 1000, after the horizon ends (ticks = 1000)",
            "`at` must be in [100, 1000)",
        ],
    );
}

#[test]
fn shock_inside_the_warm_up() {
    refused(
        "shock-in-warmup.toml",
        &format!("{BASE}\n[[shock]]\nkind = \"surge\"\nat = 50\nfactor = 2.0\n"),
        "23:6",
        &["starts at 50, inside the warm-up (warmup = 100)"],
    );
}

#[test]
fn shock_leaving_no_room_for_the_recovery_baseline() {
    refused(
        "shock-no-baseline.toml",
        &format!("{BASE}\n[[shock]]\nkind = \"surge\"\nat = 150\nfactor = 2.0\n"),
        "23:6",
        &[
            "leaves 50 ticks of history after warm-up; recovery.baseline is 100",
            "start the shock at 200 or later",
        ],
    );
}

#[test]
fn shock_key_of_another_kind() {
    refused(
        "key-of-other-kind.toml",
        &format!("{BASE}\n[[shock]]\nkind = \"loss\"\nat = 500\ntarget = \"top\"\nfactor = 2.0\n"),
        "25:1",
        &[
            "key `factor` does not apply here: it belongs to `kind = \"surge\"`, and this shock is a loss",
        ],
    );
}

#[test]
fn unknown_recovery_metric() {
    refused(
        "recovery-metric.toml",
        &format!("{BASE}\n[recovery]\nmetrics = [\"latency_mean\", \"latency_p59\"]\n"),
        "22:28",
        &[
            "unknown recovery metric `latency_p59`",
            "did you mean `latency_p95`?",
            "valid metrics: latency_mean",
        ],
    );
}

#[test]
fn a_distribution_with_two_kinds() {
    refused(
        "distribution.toml",
        &edit(
            "rate = 20\n",
            "rate = 20\ncomplexity = { beta = [2.0, 5.0], fixed = 0.3 }\n",
        ),
        "8:14",
        &["`complexity` must have exactly one kind of distribution, found 2"],
    );
}

#[test]
fn sweep_path_naming_nothing() {
    refused(
        "sweep-path.toml",
        &format!("{BASE}\n[sweep]\n\"org.Hierarchy.spam\" = [2, 3]\n"),
        "22:1",
        &[
            "sweep path `org.Hierarchy.spam` names nothing",
            "did you mean `org.Hierarchy.span`?",
        ],
    );
}

#[test]
fn an_oversized_org_is_refused_with_a_memory_estimate() {
    // 10^11 agents: more than any machine this runs on.
    refused(
        "oversized.toml",
        &edit("span = 4\nlevels = 3", "span = 10\nlevels = 12"),
        "13:10",
        &[
            "this scenario needs about ",
            " GiB; this machine has ",
            "org `Hierarchy` has 111111111111 agents",
            "use fewer levels",
        ],
    );
}

#[test]
fn several_errors_are_reported_together_with_a_count() {
    let text = edit("ticks = 1000\n", "ticks = 1000\ntickz = 3\n")
        .replacen("rate = 20", "rate = -1", 1)
        .replacen("span = 4", "span = 0", 1);
    let shown = refused(
        "several.toml",
        &text,
        "4:1",
        &[
            "unknown key `tickz` in [scenario]",
            "--> several.toml:8:8\n",
            "`rate` must not be negative, found -1",
            "--> several.toml:13:8\n",
            "`span` of org `Hierarchy` must be at least 1, found 0",
        ],
    );
    assert!(
        shown
            .trim_end()
            .ends_with("error: 3 errors in several.toml; nothing was run"),
        "{shown}"
    );
    let order: Vec<usize> = ["tickz", "`rate`", "`span`"]
        .iter()
        .map(|w| shown.find(w).unwrap())
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "errors are in file order:\n{shown}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let tmp = tempdir();
    for args in [
        &["check", "nope.toml"][..],
        &["run", "nope.toml", "--out", "out"],
    ] {
        orgsim()
            .in_dir(tmp.path())
            .args(args)
            .status(1)
            .stderr_has("nope.toml")
            .run();
    }
    assert_eq!(entries(tmp.path()), 0);
}

fn check_ok(dir: &Path, file: &str, text: &str) -> String {
    write(dir, file, text);
    orgsim().in_dir(dir).args(["check", file]).run().stdout
}

#[test]
fn check_prints_what_the_scenario_describes() {
    let tmp = tempdir();
    let calm = edit("levels = 3\n", "levels = 3\ncompetence = [0.5, 0.7, 0.9]\n").replacen(
        "rate = 20",
        "rate = 8",
        1,
    );
    let text = format!(
        "{calm}\n[[shock]]\nkind = \"surge\"\nname = \"Rush\"\nat = 500\nduration = 50\nfactor = 2.0\n"
    );
    let shown = check_ok(tmp.path(), "fine.toml", &text);
    for part in [
        "Scenario \"Broken\"",
        "1000 ticks (warm-up 100), 10 replications, seed 1",
        "work: 8 decisions per tick",
        "Org `Hierarchy` (tree, span 4, 3 levels) (ratios are taken against this org)",
        "headcount 21, frontline 16, levels 3",
        "Org `Teams` (8 teams of 5",
        "Shocks:",
        "Rush",
        "fine.toml: ok",
    ] {
        assert!(shown.contains(part), "expected {part:?} in:\n{shown}");
    }
    assert!(
        !shown.contains("warning"),
        "nothing is overloaded here:\n{shown}"
    );
    assert!(!tmp.path().join("results").exists(), "check writes nothing");
}

#[test]
fn check_warns_when_the_top_will_be_overloaded() {
    let tmp = tempdir();
    // Frontline and middle may decide almost nothing: most of 20 decisions a tick climb to a
    // top that can decide 2.
    let text = edit(
        "levels = 3\n",
        "levels = 3\ncapacity = [1.0, 2.0, 2.0]\nauthority = [0.05, 0.1, 1.0]\n",
    );
    let shown = check_ok(tmp.path(), "overloaded.toml", &text);
    assert!(
        shown.contains("warning: the top will be overloaded"),
        "{shown}"
    );
    assert!(shown.contains("the backlog will grow"), "{shown}");
    assert!(
        shown.contains("overloaded.toml: ok"),
        "a warning is not an error:\n{shown}"
    );
}

#[test]
fn a_shock_named_like_a_summary_window() {
    refused(
        "shock-named-steady.toml",
        &format!(
            "{BASE}\n[[shock]]\nkind = \"surge\"\nname = \"steady\"\nat = 500\nfactor = 2.0\n"
        ),
        "23:8",
        &[
            "a shock cannot be called `steady`: that is the name of a summary window",
            "choose another name",
        ],
    );
}
