//! Sensitivity analysis built into sweeps: `sensitivity.csv` of a sobol or morris sweep (S1 and
//! ST that behave as shares of variance on the shipped what-matters scenario, the same bytes on
//! one and two threads), the report's "which settings matter" and "where each design wins".

use std::fs;
use std::path::Path;

use crate::util::{merge_quietly as merge, orgsim, run_quietly as run, tempdir, write};

/// A small Sobol sweep: a hierarchy and teams over three ranges.
const SOBOL: &str = r#"[scenario]
name = "Small Sobol sweep"
ticks = 300
warmup = 30
replications = 3
seed = 4

[work]
rate = 4.0
cross_unit = 0.2

[[org]]
name = "Hierarchy"
structure = "tree"
span = 3
levels = 3
capacity = [1.0, 3.0, 8.0]
authority = [0.2, 0.5, 1.0]

[[org]]
name = "Teams"
structure = "teams"
teams = 4
team_size = 3
competence = 0.45

[output]
formats = ["svg"]

[sweep]
design = "sobol"
samples = 16
metrics = ["latency_mean", "value_total"]
"work.rate" = { from = 2.0, to = 6.0 }
"work.cross_unit" = { from = 0.0, to = 0.5 }
"org.Teams.competence" = { from = 0.3, to = 0.7 }
"#;

/// A row of `sensitivity.csv`.
#[derive(Debug, Clone)]
struct Row {
    org: String,
    window: String,
    metric: String,
    parameter: String,
    index: String,
    value: f64,
    low: Option<f64>,
    high: Option<f64>,
    detectable: String,
}

fn sensitivity(dir: &Path) -> Vec<Row> {
    let mut r = csv::Reader::from_path(dir.join("sensitivity.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "org",
            "window",
            "metric",
            "parameter",
            "index",
            "value",
            "ci_low",
            "ci_high",
            "detectable"
        ]
    );
    r.records()
        .map(|x| {
            let x = x.unwrap();
            Row {
                org: x[0].to_string(),
                window: x[1].to_string(),
                metric: x[2].to_string(),
                parameter: x[3].to_string(),
                index: x[4].to_string(),
                value: x[5].parse().unwrap(),
                low: x[6].parse().ok(),
                high: x[7].parse().ok(),
                detectable: x[8].to_string(),
            }
        })
        .collect()
}

/// The shipped what-matters scenario cut down for a test: base sample 16 instead of 128 and
/// half the horizon (the same eight parameters, orgs and ranges).
pub fn reduced_what_matters() -> String {
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/what-matters.toml"
    ))
    .unwrap();
    assert!(text.contains("\nsamples = 128\n") && text.contains("\nticks = 1200\n"));
    text.replace("\nsamples = 128\n", "\nsamples = 16\n")
        .replace("\nticks = 1200\n", "\nticks = 600\n")
        .replace("\nformats = [\"png\"]\n", "\nformats = []\n")
}

#[test]
fn on_the_shipped_scenario_s1_sum_to_at_most_one_and_st_is_at_least_s1() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "what-matters.toml", &reduced_what_matters());
    let out = tmp.path().join("out");
    run(&scenario, &out, &["--replications", "2"]);
    let rows = sensitivity(&out);
    let mut outputs: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.org.clone(), r.window.clone(), r.metric.clone()))
        .collect();
    outputs.dedup();
    // Two orgs and their ratio on two metrics, in the windows `all` and `steady`.
    assert_eq!(outputs.len(), 12, "{outputs:?}");
    for (org, window, metric) in &outputs {
        let of = |index: &str| -> Vec<&Row> {
            rows.iter()
                .filter(|r| {
                    (&r.org, &r.window, &r.metric) == (org, window, metric)
                        && r.index == index
                        && r.parameter != "(seed)"
                })
                .collect()
        };
        let (s1, st) = (of("S1"), of("ST"));
        assert_eq!((s1.len(), st.len()), (8, 8));
        // The S1 add up to at most 1, within their intervals: the sum of their lower ends.
        let low_sum: f64 = s1.iter().map(|r| r.low.unwrap()).sum();
        assert!(
            low_sum <= 1.0,
            "{org} {metric}: S1 lower ends sum to {low_sum}"
        );
        for (a, t) in s1.iter().zip(&st) {
            assert_eq!(a.parameter, t.parameter);
            // ST ≥ S1 within their intervals: ST's upper end reaches S1's lower end.
            assert!(
                t.high.unwrap() >= a.low.unwrap(),
                "{org} {metric} {}: ST {:?} below S1 {:?}",
                a.parameter,
                (t.low, t.high),
                (a.low, a.high)
            );
        }
        let seed = rows
            .iter()
            .find(|r| (&r.org, &r.metric) == (org, metric) && r.parameter == "(seed)")
            .unwrap();
        assert_eq!(seed.index, "seed_share");
        assert!((0.0..=1.0).contains(&seed.value));
    }
    // An interval that reaches zero is never called an effect.
    for r in &rows {
        if let (Some(lo), Some(hi)) = (r.low, r.high) {
            assert!(lo <= hi, "{r:?}");
            assert_eq!(r.detectable == "true", lo > 0.0, "{r:?}");
        }
    }
    // Patience is a key of the teams alone: the hierarchy's results cannot depend on it.
    let patience = rows
        .iter()
        .find(|r| r.org == "Hierarchy" && r.parameter == "org.Distributed.patience")
        .unwrap();
    assert_eq!(patience.detectable, "false", "{patience:?}");
}

/// A user runs a sensitivity sweep again into the folder it wrote: every file of it, its
/// `sensitivity.csv` included, is one orgsim wrote, so the folder is replaced, not refused.
#[test]
fn a_sensitivity_sweep_run_again_into_its_own_folder_replaces_it() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "sobol.toml", SOBOL);
    let out = tmp.path().join("out");
    run(&scenario, &out, &[]);
    let first = fs::read(out.join("sensitivity.csv")).unwrap();
    orgsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .stdout_has("replaced the previous result in")
        .run();
    assert!(fs::read(out.join("sensitivity.csv")).unwrap() == first);
}

#[test]
fn sensitivity_is_the_same_bytes_on_one_and_two_threads() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "sobol.toml", SOBOL);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(&scenario, &a, &["--threads", "1"]);
    run(&scenario, &b, &["--threads", "2"]);
    let (fa, fb) = (
        fs::read(a.join("sensitivity.csv")).unwrap(),
        fs::read(b.join("sensitivity.csv")).unwrap(),
    );
    assert!(fa == fb, "sensitivity.csv differs between 1 and 2 threads");
    // Three subjects (two orgs, one ratio) × two windows × two metrics × (3 parameters × 2 +
    // seed).
    assert_eq!(sensitivity(&a).len(), 3 * 2 * 2 * 7);
}

#[test]
fn two_shards_merged_give_the_same_sensitivity_bytes_as_the_whole_sweep() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "sobol.toml", SOBOL);
    let whole = tmp.path().join("whole");
    run(&scenario, &whole, &["--threads", "2"]);
    let out = tmp.path().join("sharded");
    for k in 1..=2 {
        run(&scenario, &out, &["--shard", &format!("{k}/2")]);
    }
    let merged = tmp.path().join("merged");
    merge(&[tmp.path().join("sharded.shards")], &merged);
    let (a, b) = (
        fs::read(whole.join("sensitivity.csv")).unwrap(),
        fs::read(merged.join("sensitivity.csv")).unwrap(),
    );
    assert!(a.len() > 500);
    assert!(
        a == b,
        "sensitivity.csv differs between the whole sweep and its merged shards"
    );
}

#[test]
fn the_report_says_which_settings_matter_and_where_each_design_wins() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "sobol.toml", SOBOL);
    let out = tmp.path().join("out");
    run(&scenario, &out, &[]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>Which settings matter</h2>"));
    assert!(html.contains("Mean latency, Teams against Hierarchy (log ratio): "));
    assert!(html.contains("<h2>Where each design wins</h2>"));
    // The teams are faster almost everywhere; the hierarchy where load is high and the teams'
    // competence low.
    assert!(html.contains("Hierarchy has the lower mean latency at "));
    assert!(html.contains(" of the points where Hierarchy does better; Hierarchy does better in "));
    assert!(html.contains("org.Teams.competence &lt; "));
    for name in [
        "indices-latency_mean-teams-hierarchy.svg",
        "indices-value_total-hierarchy.svg",
        "where-each-wins-latency_mean.svg",
    ] {
        let svg = fs::read_to_string(out.join(name)).unwrap();
        assert!(
            svg.contains("<svg") && html.contains(&format!("chart-{}", &name[..name.len() - 4]))
        );
    }
    // Shares are never shown below zero in the words.
    let words = &html[html.find("<section class=\"matters\">").unwrap()..];
    let words = &words[..words.find("<figure").unwrap()];
    assert!(words.contains("% with its interactions"));
    assert!(
        !words.contains("-0") && !words.contains("(-"),
        "a negative share: {words}"
    );
}

#[test]
fn a_morris_sweep_gives_mu_star_and_sigma_above_the_seed_noise_floor() {
    let tmp = tempdir();
    let text = SOBOL
        .replace("design = \"sobol\"", "design = \"morris\"")
        .replace("samples = 16", "samples = 10");
    let scenario = write(tmp.path(), "morris.toml", &text);
    let out = tmp.path().join("out");
    run(&scenario, &out, &[]);
    let rows = sensitivity(&out);
    let floor = rows
        .iter()
        .find(|r| {
            r.org == "Hierarchy"
                && r.metric == "value_total"
                && r.parameter == "(seed)"
                && r.index == "mu_star"
        })
        .unwrap();
    let rate = rows
        .iter()
        .find(|r| {
            r.org == "Hierarchy"
                && r.metric == "value_total"
                && r.parameter == "work.rate"
                && r.index == "mu_star"
        })
        .unwrap();
    // More work is more value: the rate's effect stands well clear of the noise.
    assert!(
        rate.detectable == "true" && rate.low.unwrap() > floor.value,
        "{rate:?} {floor:?}"
    );
    let competence = rows
        .iter()
        .find(|r| {
            r.org == "Hierarchy" && r.parameter == "org.Teams.competence" && r.index == "mu_star"
        })
        .unwrap();
    assert_eq!(competence.detectable, "false", "{competence:?}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("ranked by mean absolute effect μ*"));
}

#[test]
fn a_sobol_base_sample_that_is_not_a_power_of_two_is_refused_with_the_nearest() {
    let tmp = tempdir();
    let scenario = write(
        tmp.path(),
        "bad.toml",
        &SOBOL.replace("samples = 16", "samples = 100"),
    );
    orgsim()
        .arg("check")
        .arg(&scenario)
        .fails()
        .stderr_has("bad.toml:")
        .stderr_has("use 64 or 128")
        .run();
}
