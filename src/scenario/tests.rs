//! Loading scenarios end to end: defaults, and one test per kind of mistake, each checking the
//! message, the line and column it points at, and the help it gives.

use super::*;

const BUDGET: u64 = 16 << 30;
const DESIGN: &str = include_str!("../../tests/scenarios/design.toml");

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

fn ok(text: &str) -> Scenario {
    match validate(text, "x.toml", BUDGET) {
        Ok(s) => s,
        Err(e) => panic!("expected a valid scenario, got:\n{e}"),
    }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match validate(text, "x.toml", BUDGET) {
        Ok(_) => panic!("expected errors, got a valid scenario"),
        Err(e) => e.diagnostics().to_vec(),
    }
}

/// The single error of `text`, with its line and column.
fn one_error(text: &str) -> (String, usize, usize, Vec<String>) {
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    let e = &errs[0];
    let loc = e
        .location
        .clone()
        .unwrap_or_else(|| panic!("unlocated: {e:?}"));
    (e.message.clone(), loc.line, loc.column, e.help.clone())
}

/// `MINIMAL` with `line` inserted right after the line `after`.
fn with(after: &str, line: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for l in MINIMAL.lines() {
        out.push_str(l);
        out.push('\n');
        if !done && l == after {
            out.push_str(line);
            out.push('\n');
            done = true;
        }
    }
    assert!(done, "no line {after:?}");
    out
}

/// 1-based number of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

#[test]
fn design_example_loads_with_its_values() {
    let s = ok(DESIGN);
    assert_eq!(s.scenario.name, "Demand surge, then the top leader leaves");
    assert_eq!(
        (
            s.scenario.ticks,
            s.scenario.warmup,
            s.scenario.replications,
            s.scenario.seed
        ),
        (2000, 200, 20, 7)
    );
    assert_eq!(s.work.stake, Dist::Lognormal([0.0, 0.5]));
    assert_eq!(s.work.half_life, Some(48.0));
    assert_eq!(s.orgs.len(), 2);
    assert_eq!(s.orgs[0].structure, Structure::Tree { span: 6, levels: 4 });
    assert_eq!(
        s.orgs[0].capacity,
        PerLevel::Levels(vec![1.0, 3.0, 6.0, 10.0])
    );
    assert_eq!(s.orgs[0].cross_unit, CrossUnitMode::Escalate);
    assert_eq!(
        s.orgs[1].structure,
        Structure::Teams {
            teams: 216,
            team_size: 6,
            network: Network::SmallWorld {
                degree: 4,
                rewire: 0.1
            }
        }
    );
    assert_eq!(s.orgs[1].learning, 0.002);
    assert_eq!(s.shocks[0].name, "surge@600");
    assert_eq!(
        s.shocks[0].kind,
        ShockKind::Surge {
            factor: 3.0,
            region: None
        }
    );
    assert_eq!(s.shocks[1].name, "CEO leaves");
    assert_eq!(
        s.shocks[1].kind,
        ShockKind::Loss {
            target: LossTarget::Top,
            reroute_after: Some(48)
        }
    );
    assert_eq!(
        s.output.dir.as_deref(),
        Some(std::path::Path::new("results/surge-then-leader-loss"))
    );
    assert_eq!(s.sweep.axes.len(), 2);
    assert_eq!(s.sweep.axes[0].path, "work.rate");
    assert_eq!(s.sweep.axes[0].values.len(), 8);
    assert_eq!(s.sweep.axes[0].values[0], SweepValue::Int(10));
    assert_eq!(s.sweep.axes[0].values[7], SweepValue::Int(80));
    assert_eq!(s.sweep.axes[1].path, "org.Hierarchy.span");
}

#[test]
fn defaults_are_filled_in() {
    let s = ok(MINIMAL);
    let mut expected = Scenario::new("x", 1000, 40.0, vec![OrgSpec::tree("H", 4, 3)]);
    expected.scenario.name = "x".into();
    assert_eq!(s, expected);
}

#[test]
fn teams_default_to_consult_and_small_world() {
    let text = MINIMAL.replace(
        "structure = \"tree\"\nspan = 4\nlevels = 3",
        "structure = \"teams\"\nteams = 5\nteam_size = 3\ncapacity = [2.0]",
    );
    let s = ok(&text);
    assert_eq!(s.orgs[0], {
        let mut o = OrgSpec::teams("H", 5, 3, Network::default());
        o.capacity = PerLevel::All(2.0);
        o
    });
}

#[test]
fn sweep_axes_keep_file_order_and_expand_ranges() {
    let text = format!(
        "{MINIMAL}\n[sweep]\n\"work.rate\" = {{ from = 0.5, to = 1.5, steps = 3 }}\n\"org.H.span\" = [2, 3]\n\"quality.rework\" = [0.1]\n"
    );
    let s = ok(&text);
    let paths: Vec<&str> = s.sweep.axes.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["work.rate", "org.H.span", "quality.rework"]);
    assert_eq!(
        s.sweep.axes[0].values,
        vec![
            SweepValue::Float(0.5),
            SweepValue::Int(1),
            SweepValue::Float(1.5)
        ]
    );
    assert_eq!(point_count(&s), 6);
}

#[test]
fn unknown_key_points_at_the_key_with_a_suggestion() {
    let text = with("levels = 3", "capacty = 3.0");
    let (msg, line, col, help) = one_error(&text);
    assert_eq!(msg, "unknown key `capacty` in [[org]] `H`");
    assert_eq!((line, col), (line_of(&text, "capacty"), 1));
    assert!(
        help[0].starts_with("did you mean `capacity`? valid keys here: name, structure"),
        "{help:?}"
    );
}

#[test]
fn rendered_error_matches_the_documented_shape() {
    let text = with("levels = 3", "capacty = 3.0");
    let Err(e) = validate(&text, "scenarios/x.toml", BUDGET) else {
        panic!("accepted")
    };
    let shown = e.to_string();
    assert!(shown.starts_with("error: unknown key `capacty` in [[org]] `H`\n  --> scenarios/x.toml:12:1\n   |\n12 | capacty = 3.0\n   | ^^^^^^^\n   = help: did you mean `capacity`?"), "{shown}");
    assert!(
        shown.ends_with("error: 1 error in scenarios/x.toml; nothing was run"),
        "{shown}"
    );
}

#[test]
fn wrong_type_says_what_was_expected_and_found() {
    let text = MINIMAL.replace("rate = 40", "rate = \"fast\"");
    let (msg, line, col, _) = one_error(&text);
    assert_eq!(msg, "expected a number, found a string");
    assert_eq!((line, col), (5, 8));
}

#[test]
fn every_error_in_the_file_is_reported_in_file_order() {
    let text = MINIMAL
        .replace("ticks = 1000", "ticks = 1000\ntickz = 3")
        .replace("rate = 40", "rate = -1")
        .replace("span = 4", "span = 0");
    let errs = errors(&text);
    let lines: Vec<usize> = errs
        .iter()
        .filter_map(|e| e.location.as_ref().map(|l| l.line))
        .collect();
    assert_eq!(lines, vec![3, 6, 11], "{errs:#?}");
    assert!(errs[1].message.contains("must not be negative"));
    assert!(
        errs[2]
            .message
            .contains("`span` of org `H` must be at least 1")
    );
}

#[test]
fn missing_required_keys_point_at_their_table() {
    let text = MINIMAL
        .replace("ticks = 1000\n", "")
        .replace("span = 4\n", "");
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert_eq!(errs[0].message, "missing key `ticks` in [scenario]");
    assert_eq!(errs[0].location.as_ref().map(|l| l.line), Some(1));
    assert_eq!(errs[1].message, "missing key `span` in [[org]] `H`");
    assert_eq!(
        errs[1].location.as_ref().map(|l| l.line),
        Some(line_of(&text, "[[org]]"))
    );
}

#[test]
fn no_org_is_an_error() {
    let text = "[scenario]\nticks = 10\n[work]\nrate = 1\n";
    let (msg, line, _, _) = one_error(text);
    assert_eq!((msg.as_str(), line), ("no [[org]] in the scenario", 1));
}

#[test]
fn syntax_errors_are_located() {
    let text = MINIMAL.replace("rate = 40", "rate = = 40");
    let errs = errors(&text);
    assert!(errs[0].message.starts_with("invalid TOML"), "{errs:#?}");
    assert_eq!(errs[0].location.as_ref().map(|l| l.line), Some(5));
}

#[test]
fn per_level_list_must_match_levels() {
    let text = with("levels = 3", "competence = [0.3, 0.5]");
    let (msg, line, col, help) = one_error(&text);
    assert_eq!(
        msg,
        "`competence` of org `H` lists 2 values, but the tree has 3 levels"
    );
    assert_eq!((line, col), (12, 14));
    assert!(help[0].contains("one value per level"));
}

#[test]
fn out_of_range_list_element_is_pointed_at() {
    let text = with("levels = 3", "authority = [0.2, 1.4, 1.0]");
    let (msg, line, col, _) = one_error(&text);
    assert_eq!(msg, "`authority` of org `H` must be in [0, 1], found 1.4");
    assert_eq!((line, col), (12, 19));
}

#[test]
fn shock_timing_is_checked_against_horizon_and_baseline() {
    let text = format!("{MINIMAL}\n[[shock]]\nkind = \"surge\"\nat = 150\nfactor = 2\n");
    let (msg, line, col, _) = one_error(&text);
    assert_eq!(
        msg,
        "shock `surge@150` at 150 leaves 50 ticks of history after warm-up; recovery.baseline is 100"
    );
    assert_eq!((line, col), (line_of(&text, "at = 150"), 6));
    let text = format!("{MINIMAL}\n[[shock]]\nkind = \"surge\"\nat = 1000\nfactor = 2\n");
    assert!(one_error(&text).0.contains("after the horizon ends"));
}

#[test]
fn sweep_path_naming_nothing_is_refused_with_a_suggestion() {
    let text = format!("{MINIMAL}\n[sweep]\n\"org.H.spam\" = [2, 3]\n");
    let (msg, line, col, help) = one_error(&text);
    assert_eq!(msg, "sweep path `org.H.spam` names nothing");
    assert_eq!((line, col), (line_of(&text, "spam"), 1));
    assert_eq!(help, vec!["did you mean `org.H.span`?"]);
}

#[test]
fn the_sweep_help_names_every_path_of_the_tables_written_once() {
    let help = sweep::sweep_help(&ok(MINIMAL), "nowhere");
    let fixed = sweepable(&Scenario::new("t", 100, 1.0, Vec::new()));
    assert!(fixed.len() > 10, "{fixed:?}");
    for path in fixed {
        let table = path.split('.').next().unwrap_or_default();
        let dist = path.starts_with("work.") && path.matches('.').count() >= 2;
        assert!(
            help.contains(&format!("{path},"))
                || help.contains(&format!("{table}.*"))
                || (dist && help.contains("work.<distribution>.<parameter>")),
            "{path} is sweepable but not in: {help}"
        );
    }
}

#[test]
fn sweep_value_out_of_range_is_refused_at_the_value() {
    let text = format!("{MINIMAL}\n[sweep]\n\"org.H.span\" = [2, 0]\n");
    let (msg, _, col, _) = one_error(&text);
    assert_eq!(
        msg,
        "with `org.H.span` = 0: `span` of org `H` must be at least 1, found 0"
    );
    assert_eq!(col, 20);
}

#[test]
fn too_big_an_org_is_refused_with_an_estimate() {
    let text = MINIMAL.replace("span = 4\nlevels = 3", "span = 10\nlevels = 12");
    let (msg, line, _, _) = one_error(&text);
    assert!(msg.starts_with("this scenario needs about "), "{msg}");
    assert!(msg.contains("GiB; this machine has 20 GiB"), "{msg}");
    assert_eq!(line, line_of(&text, "levels = 12"));
}

#[test]
fn template_parses_and_shows_every_key() {
    let s = ok(template());
    assert_eq!(s.orgs.len(), 2);
    assert_eq!(s.shocks.len(), 2);
    for key in known_keys() {
        let leaf = key.rsplit('.').next().unwrap_or(&key);
        let shown = template().lines().any(|l| {
            let l = l.trim_start_matches(['#', ' ']);
            l.starts_with(&format!("{leaf} ="))
                || l.starts_with(&format!("[{leaf}]"))
                || l.contains(&format!("{{ {leaf} ="))
                || l.contains(&format!(", {leaf} ="))
        });
        assert!(shown, "template does not show `{key}`");
    }
}

#[test]
fn template_commented_shocks_and_sweep_parse_when_uncommented() {
    let text: String = template()
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            // Uncomment `key = value` lines and table headers, not prose.
            Some(rest) if rest.starts_with('[') || rest.split_whitespace().nth(1) == Some("=") => {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let s = ok(&text);
    assert_eq!(s.shocks.len(), 6, "{text}");
    assert_eq!(s.sweep.axes.len(), 3);
    assert_eq!(s.scenario.compare_to.as_deref(), Some("Hierarchy"));
}

#[test]
fn describe_shows_the_design_example() {
    let text = describe(&ok(DESIGN));
    assert!(
        text.contains("Org `Hierarchy` (tree, span 6, 4 levels)"),
        "{text}"
    );
    assert!(
        text.contains("headcount 259, frontline 216, levels 4"),
        "{text}"
    );
    assert!(
        text.contains("Org `Distributed` (216 teams of 6, small world, degree 4, rewire 0.1)"),
        "{text}"
    );
    assert!(text.contains("CEO leaves"), "{text}");
    assert!(text.contains("estimate"), "{text}");
}

#[test]
fn float_where_a_whole_number_is_expected() {
    let text = MINIMAL.replace("ticks = 1000", "ticks = 1000.0");
    let (msg, line, col, help) = one_error(&text);
    assert_eq!(
        msg,
        "expected a whole number for `ticks`, found the float 1000.0"
    );
    assert_eq!((line, col), (2, 9));
    assert_eq!(help, vec!["write it without a decimal point"]);
}

#[test]
fn negative_whole_number_is_refused() {
    let text = MINIMAL.replace(
        "ticks = 1000",
        "ticks = 1000
replications = -3",
    );
    let (msg, line, _, _) = one_error(&text);
    assert_eq!(
        (msg.as_str(), line),
        ("`replications` must not be negative, found -3", 3)
    );
}

#[test]
fn single_bracket_org_is_explained() {
    let text = MINIMAL.replace("[[org]]", "[org]");
    let (msg, line, _, help) = one_error(&text);
    assert_eq!(msg, "expected [[org]] tables, found a table");
    assert_eq!(line, line_of(&text, "[org]"));
    assert!(help[0].contains("double brackets"));
}

#[test]
fn duplicate_key_is_a_located_syntax_error() {
    let text = MINIMAL.replace(
        "rate = 40",
        "rate = 40
rate = 50",
    );
    let errs = errors(&text);
    assert!(errs[0].message.starts_with("invalid TOML"), "{errs:#?}");
    assert_eq!(errs[0].location.as_ref().map(|l| l.line), Some(6));
}

#[test]
fn duplicate_org_names_and_unknown_compare_to() {
    let org = "[[org]]\nname = \"H\"\nstructure = \"tree\"\nspan = 2\nlevels = 2\n";
    let text = format!(
        "{}\n{org}",
        MINIMAL.replace("ticks = 1000", "ticks = 1000\ncompare_to = \"Hx\"")
    );
    let errs = errors(&text);
    let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["`compare_to` names no org: `Hx`", "two orgs are named `H`"]
    );
    assert_eq!(errs[0].help, vec!["did you mean `H`? orgs: H, H"]);
    assert_eq!(
        errs[1].location.as_ref().map(|l| l.line),
        Some(line_of(&text, "name = \"H\"") + 6)
    );
}

#[test]
fn escalate_on_teams_points_at_cross_unit() {
    let text = MINIMAL.replace(
        "structure = \"tree\"\nspan = 4\nlevels = 3",
        "structure = \"teams\"\nteams = 5\nteam_size = 3\ncross_unit = \"escalate\"",
    );
    let (msg, line, col, _) = one_error(&text);
    assert_eq!(
        msg,
        "org `H` is teams, and `cross_unit = \"escalate\"` needs a tree"
    );
    assert_eq!((line, col), (line_of(&text, "escalate"), 14));
}

#[test]
fn list_on_teams_is_refused_unless_of_length_one() {
    let text = MINIMAL.replace(
        "structure = \"tree\"\nspan = 4\nlevels = 3",
        "structure = \"teams\"\nteams = 5\nteam_size = 3\ncapacity = [1.0, 2.0]",
    );
    let (msg, ..) = one_error(&text);
    assert_eq!(
        msg,
        "`capacity` of org `H` is a list of 2 values, but teams have no levels"
    );
}

#[test]
fn tree_key_on_teams_and_shock_key_of_another_kind() {
    let text = format!(
        "{}\n[[shock]]\nkind = \"loss\"\nat = 500\ntarget = \"top\"\nfactor = 2\n",
        MINIMAL.replace("levels = 3", "levels = 3\nteam_size = 4")
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs[0]
            .message
            .starts_with("key `team_size` does not apply here")
    );
    assert!(
        errs[1]
            .message
            .starts_with("key `factor` does not apply here: it belongs to `kind = \"surge\"`")
    );
}

#[test]
fn level_target_beyond_the_tree_names_the_org() {
    let text =
        format!("{MINIMAL}\n[[shock]]\nkind = \"loss\"\nat = 500\ntarget = {{ level = 3 }}\n");
    let (msg, line, col, _) = one_error(&text);
    assert_eq!(
        msg,
        "shock `loss@500` targets level 3, but org `H` has levels 0 to 2"
    );
    assert_eq!((line, col), (line_of(&text, "target"), 10));
}

#[test]
fn a_shock_of_unknown_kind_does_not_shift_the_others_locations() {
    let text = format!(
        "{MINIMAL}\n[[shock]]\nkind = \"surje\"\nat = 500\n\n[[shock]]\nkind = \"surge\"\nat = 5000\nfactor = 2\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert_eq!(errs[0].help, vec!["did you mean `surge`?"]);
    assert!(errs[1].message.contains("after the horizon ends"));
    assert_eq!(
        errs[1].location.as_ref().map(|l| l.line),
        Some(line_of(&text, "at = 5000"))
    );
}

#[test]
fn unknown_recovery_metric_and_format_are_listed() {
    let text = format!(
        "{MINIMAL}\n[recovery]\nmetrics = [\"latency_p59\"]\n[output]\nformats = [\"pdf\"]\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2);
    assert!(
        errs[0]
            .help
            .iter()
            .any(|h| h == "did you mean `latency_p95`?"),
        "{:?}",
        errs[0].help
    );
    assert_eq!(errs[1].help, vec!["valid formats: png, svg"]);
}

#[test]
fn distribution_errors() {
    let text = MINIMAL.replace("rate = 40", "rate = 40\ncomplexity = 0.3\neffort = { gama = [2, 1] }\nstake = { fixed = 1, uniform = [0, 1] }\nreach = { uniform = [0.5, 0.2] }");
    let errs = errors(&text);
    let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(messages[0].contains("for `complexity`, found a float"));
    assert_eq!(
        errs[0].help,
        vec!["for a constant, write `complexity = { fixed = 0.3 }`"]
    );
    assert_eq!(
        messages[1],
        "`gama` is not a valid distribution for `effort`"
    );
    assert_eq!(errs[1].help, vec!["did you mean `gamma`?"]);
    assert_eq!(
        messages[2],
        "`stake` must have exactly one kind of distribution, found 2"
    );
    assert_eq!(
        messages[3],
        "`reach`: uniform needs low ≤ high, found [0.5, 0.2]"
    );
}

#[test]
fn gamma_complexity_is_refused_as_not_a_share() {
    let text = MINIMAL.replace("rate = 40", "rate = 40\ncomplexity = { gamma = [2, 1] }");
    let errs = errors(&text);
    assert_eq!(
        errs[0].message,
        "`gamma` is not a valid distribution for `complexity`"
    );
    assert!(errs[0].notes[0].contains("share in [0, 1]"));
}

#[test]
fn shock_defaults_and_region_target() {
    let text = format!(
        "{MINIMAL}\n[[shock]]\nkind = \"loss\"\nat = 500\ntarget = {{ region = [0.0, 0.25] }}\n[[shock]]\nkind = \"outage\"\nat = 600\nduration = 10\ndelay_factor = 3\n"
    );
    let s = ok(&text);
    assert_eq!(
        s.shocks[0],
        ShockSpec {
            name: "loss@500".into(),
            at: 500,
            duration: None,
            kind: ShockKind::Loss {
                target: LossTarget::Region([0.0, 0.25]),
                reroute_after: None
            }
        }
    );
    assert_eq!(
        s.shocks[1].kind,
        ShockKind::Outage {
            delay_factor: 3.0,
            links: Links::All
        }
    );
}

#[test]
fn sweep_range_needs_enough_steps_and_rounds_whole_keys() {
    let text = format!("{MINIMAL}\n[sweep]\n\"org.H.span\" = {{ from = 2, to = 5, steps = 3 }}\n");
    let s = ok(&text);
    assert_eq!(
        s.sweep.axes[0].values,
        [2, 4, 5].map(SweepValue::Int).to_vec()
    );
    let text = format!("{MINIMAL}\n[sweep]\n\"work.rate\" = {{ from = 2, to = 5, steps = 1 }}\n");
    assert!(one_error(&text).0.starts_with("`steps` must be at least 2"));
}

#[test]
fn sweep_moving_a_shock_past_the_horizon_is_refused() {
    let text = format!(
        "{MINIMAL}\n[[shock]]\nkind = \"surge\"\nname = \"rush\"\nat = 500\nfactor = 2\n[sweep]\n\"shock.rush.at\" = [500, 2000]\n"
    );
    let (msg, line, _, _) = one_error(&text);
    assert_eq!(
        msg,
        "with `shock.rush.at` = 2000: shock `rush` starts at 2000, after the horizon ends (ticks = 1000)"
    );
    assert_eq!(line, line_of(&text, "shock.rush.at"));
}

#[test]
fn load_reads_a_file_and_names_a_missing_one() {
    let dir = std::env::temp_dir().join(format!("orgsim-load-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("my-scenario.toml");
    let _ = std::fs::write(&path, MINIMAL);
    let s = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.scenario.name, "my-scenario");
    let missing = dir.join("nope.toml");
    let err = load(&missing)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.starts_with("error: cannot read `") && err.contains("nope.toml"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn key_under_the_wrong_table_suggests_a_missing_header() {
    let text = MINIMAL.replace("[work]\n", "");
    let errs = errors(&text);
    let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["missing table [work]", "unknown key `rate` in [scenario]"]
    );
    assert_eq!(
        errs[1].help,
        vec!["`rate` is a key of [work]: is a table header missing above this line?"]
    );
    assert_eq!(errs[1].location.as_ref().map(|l| l.line), Some(4));
}

#[test]
fn key_outside_any_table() {
    let text = format!("name = \"x\"\n{MINIMAL}");
    let (msg, line, col, help) = one_error(&text);
    assert_eq!(
        (msg.as_str(), line, col),
        ("unknown key `name` in the file, outside any table", 1, 1)
    );
    assert!(
        help[0].contains("[scenario] or [[org]] or [[shock]]"),
        "{help:?}"
    );
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    for open in ["[", "{ a = "] {
        let text = format!("[scenario]\nticks = {}\n", open.repeat(20_000));
        let errs = errors(&text);
        assert!(
            errs[0].location.as_ref().is_some_and(|l| l.line == 2),
            "{errs:#?}"
        );
    }
}

#[test]
fn misspelled_table_is_named_as_a_table() {
    let text = format!("{MINIMAL}[recovry]\nwindow = 3\n");
    let (msg, line, col, help) = one_error(&text);
    assert_eq!(
        (msg.as_str(), line, col),
        ("unknown table [recovry]", 12, 2)
    );
    assert!(help[0].starts_with("did you mean `recovery`?"), "{help:?}");
}

#[test]
#[ignore = "prints for eyeballing"]
fn show() {
    println!("{}", describe(&ok(DESIGN)));
    let bad = "[scenario]\nticks = 100\nwarmup = 100\n[work]\nrate = 1\ncomplexity = 0.3\n[[org]]\nname = \"D\"\nstructure = \"teams\"\nteams = 3\nspan = 2\ncross_unit = \"escalate\"\n[[shock]]\nkind = \"los\"\nat = 5\n[[shock]]\nkind = \"loss\"\nat = 50\nfactor = 2\ntarget = { level = 1 }\n[recovery]\nmetrics = [\"latency\"]\n[output]\nformats = [\"pdf\"]\n[sweep]\n\"org.X.span\" = [1]\n";
    if let Err(e) = validate(bad, "bad.toml", BUDGET) {
        println!("{e}");
    }
}

#[test]
fn mixing_single_and_double_bracket_orgs_says_what_to_write() {
    let text = "[scenario]\nticks = 100\n[work]\nrate = 2\n[org]\nname = \"A\"\nstructure = \"tree\"\nspan = 2\nlevels = 2\n[[org]]\nname = \"B\"\nstructure = \"teams\"\nteams = 2\nteam_size = 2\n";
    let err = parse_str(text, "mixed.toml").expect_err("invalid");
    let d = &err.diagnostics()[0];
    assert_eq!(d.location.as_ref().map(|l| l.line), Some(10));
    assert!(
        d.help.iter().any(|h| h.contains("write `[[org]]`")),
        "{d:#?}"
    );
}

#[test]
fn delegation_reads_its_authority_and_defaults_to_the_frontline() {
    let text = format!(
        "{MINIMAL}\n[[shock]]\nkind = \"delegation\"\nat = 500\nduration = 200\nauthority = 0.6\n[[shock]]\nkind = \"delegation\"\nname = \"managers\"\nat = 600\nauthority = 1\nlevel = 2\n"
    );
    let s = ok(&text);
    assert_eq!(
        s.shocks[0],
        ShockSpec {
            name: "delegation@500".into(),
            at: 500,
            duration: Some(200),
            kind: ShockKind::Delegation {
                authority: 0.6,
                level: 0
            }
        }
    );
    assert_eq!(
        s.shocks[1].kind,
        ShockKind::Delegation {
            authority: 1.0,
            level: 2
        }
    );
}

#[test]
fn delegation_errors_point_at_the_value() {
    let shock =
        |body: &str| format!("{MINIMAL}\n[[shock]]\nkind = \"delegation\"\nat = 500\n{body}\n");
    let text = shock("authority = 1.5");
    let (msg, line, col, _) = one_error(&text);
    assert_eq!(
        msg,
        "`authority` of shock `delegation@500` must be in [0, 1], found 1.5"
    );
    assert_eq!((line, col), (line_of(&text, "authority"), 13));

    let text = shock("authority = 0.5\nlevel = 3");
    let (msg, line, _, help) = one_error(&text);
    assert_eq!(
        msg,
        "shock `delegation@500` changes level 3, but org `H` has levels 0 to 2"
    );
    assert_eq!(line, line_of(&text, "level = 3"));
    assert_eq!(help, ["frontline is level 0 and the top is level 2"]);

    let text = shock("level = 1");
    let (msg, _, _, help) = one_error(&text);
    assert_eq!(msg, "missing key `authority` in [[shock]] `delegation@500`");
    assert!(help[0].contains("authority = 0.6"), "{help:?}");

    let text = shock("authority = 0.5\nfraction = 0.2");
    let (msg, _, _, _) = one_error(&text);
    assert_eq!(
        msg,
        "key `fraction` does not apply here: it belongs to `kind = \"absence\"`, and this shock is a delegation"
    );

    let teams = format!(
        "{MINIMAL}\n[[org]]\nname = \"T\"\nstructure = \"teams\"\nteams = 4\nteam_size = 3\n[[shock]]\nkind = \"delegation\"\nat = 500\nauthority = 0.5\nlevel = 1\n"
    );
    let (msg, _, _, help) = one_error(&teams);
    assert_eq!(
        msg,
        "shock `delegation@500` changes level 1, but org `T` is teams and has only level 0"
    );
    assert!(help[0].contains("use `level = 0`"), "{help:?}");
}

#[test]
fn decision_words_are_said_in_the_scenarios_noun_as_whole_words() {
    let mut s = Scenario::new("t", 10, 1.0, vec![OrgSpec::tree("H", 2, 2)]);
    let meta = &mut s.scenario;
    let label =
        "Decisions per hour · decision-hours · good-decision rate · undecisioned · indecision";
    assert_eq!(meta.in_words(label), label, "no noun: the text as written");
    meta.decision_noun = Some("claim".to_string());
    assert_eq!(
        meta.in_words(label),
        "Claims per hour · claim-hours · good-claim rate · undecisioned · indecision"
    );
    meta.decision_noun_plural = Some("cases of fraud".to_string());
    assert_eq!(
        meta.in_words("Where decisions are taken"),
        "Where cases of fraud are taken"
    );
}
