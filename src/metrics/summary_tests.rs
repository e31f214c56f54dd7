use super::*;

/// Values of one metric for org `org`, replicate `r` = index.
fn metric(org: usize, name: &str, values: &[Option<f64>]) -> Vec<ReplicateValue> {
    values
        .iter()
        .enumerate()
        .map(|(r, &value)| ReplicateValue {
            org,
            window: "all".into(),
            replicate: r as u32,
            metric: name.into(),
            value,
        })
        .collect()
}

fn orgs() -> Vec<String> {
    vec!["Hierarchy".to_string(), "Distributed".to_string()]
}

/// Per-replicate values around `centre`, deterministic and slightly spread.
fn around(centre: f64, n: usize) -> Vec<Option<f64>> {
    (0..n)
        .map(|i| Some(centre * (1.0 + 0.02 * ((i % 5) as f64 - 2.0))))
        .collect()
}

fn comparison<'a>(s: &'a Summary, org: &str, metric: &str) -> &'a Comparison {
    s.comparisons
        .iter()
        .find(|c| c.org == org && c.metric == metric)
        .expect("comparison")
}

fn row<'a>(s: &'a Summary, org: &str, metric: &str) -> &'a SummaryRow {
    s.rows
        .iter()
        .find(|r| r.org == org && r.metric == metric)
        .expect("row")
}

#[test]
fn rows_follow_org_then_metric_order_and_skip_missing_values() {
    let mut v = Vec::new();
    for org in [1, 0] {
        v.extend(metric(org, "latency_mean", &[Some(2.0), Some(4.0)]));
        v.extend(metric(
            org,
            "recovery.surge@5.latency_mean",
            &[Some(30.0), None],
        ));
        v.extend(metric(
            org,
            "recovered.surge@5.latency_mean",
            &[Some(1.0), Some(0.0)],
        ));
    }
    let s = summarise(&orgs(), 0, "hour", &v);
    let keys: Vec<(&str, &str)> = s
        .rows
        .iter()
        .map(|r| (r.org.as_str(), r.metric.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("Hierarchy", "latency_mean"),
            ("Hierarchy", "recovery.surge@5.latency_mean"),
            ("Hierarchy", "recovered.surge@5.latency_mean"),
            ("Distributed", "latency_mean"),
            ("Distributed", "recovery.surge@5.latency_mean"),
            ("Distributed", "recovered.surge@5.latency_mean"),
        ]
    );
    let rec = row(&s, "Hierarchy", "recovery.surge@5.latency_mean");
    assert_eq!((rec.mean, rec.ci_low, rec.n), (Some(30.0), None, 1));
    assert_eq!(
        row(&s, "Hierarchy", "recovered.surge@5.latency_mean").mean,
        Some(0.5)
    );
    let lat = row(&s, "Distributed", "latency_mean");
    assert_eq!((lat.mean, lat.n), (Some(3.0), 2));
}

#[test]
fn a_metric_without_any_value_has_an_empty_row() {
    let v = metric(0, "latency_mean", &[None, Some(f64::NAN)]);
    let s = summarise(&orgs()[..1], 0, "tick", &v);
    let r = row(&s, "Hierarchy", "latency_mean");
    assert_eq!((r.mean, r.ci_low, r.ci_high, r.n), (None, None, None, 0));
}

#[test]
fn paired_ratio_against_the_reference_with_text() {
    // Distributed's latency is exactly a third of Hierarchy's in every replicate.
    let h = around(9.0, 20);
    let d: Vec<Option<f64>> = h.iter().map(|x| x.map(|x| x / 3.0)).collect();
    let mut v = metric(0, "latency_mean", &h);
    v.extend(metric(1, "latency_mean", &d));
    let s = summarise(&orgs(), 0, "hour", &v);
    assert_eq!(s.comparisons.len(), 1);
    let c = comparison(&s, "Distributed", "latency_mean");
    assert!((c.ratio.unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert!((c.ci_low.unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!((c.n, c.verdict), (20, Verdict::Better));
    assert_eq!(
        c.text,
        "Distributed: mean latency 0.33× Hierarchy (0.33–0.33, 20 paired replicates)"
    );
    assert_eq!(
        s.headlines[0],
        "Distributed answered 3.0× faster than Hierarchy (3.0–3.0; 3.0 vs 9.0 hours on average)."
    );
}

#[test]
fn compare_to_another_org_and_only_compared_metrics() {
    let mut v = Vec::new();
    for (org, lat) in [(0, 4.0), (1, 2.0)] {
        v.extend(metric(org, "latency_mean", &around(lat, 5)));
        v.extend(metric(org, "leadership_gini", &around(0.5, 5)));
    }
    let s = summarise(&orgs(), 1, "day", &v);
    assert_eq!(s.comparisons.len(), 1);
    let c = &s.comparisons[0];
    assert_eq!(
        (c.org.as_str(), c.reference.as_str()),
        ("Hierarchy", "Distributed")
    );
    assert_eq!(c.verdict, Verdict::Worse);
    // The headline names the winner, which here is the reference.
    assert!(
        s.headlines[0].starts_with("Distributed answered 2.0× faster than Hierarchy ("),
        "{}",
        s.headlines[0]
    );
    assert!(s.headlines[0].ends_with("2.0 vs 4.0 days on average)."));
}

#[test]
fn no_difference_is_claimed_when_the_interval_includes_one() {
    let h = vec![Some(1.0), Some(2.0), Some(1.5), Some(1.2)];
    let d = vec![Some(1.1), Some(1.8), Some(1.6), Some(1.1)];
    let mut v = metric(0, "latency_mean", &h);
    v.extend(metric(1, "latency_mean", &d));
    let s = summarise(&orgs(), 0, "hour", &v);
    let c = comparison(&s, "Distributed", "latency_mean");
    assert_eq!(c.verdict, Verdict::AboutTheSame);
    assert!(c.text.contains("about the same as Hierarchy"), "{}", c.text);
    assert!(
        s.headlines[0].starts_with("Distributed and Hierarchy answered about as fast"),
        "{}",
        s.headlines[0]
    );
}

#[test]
fn a_single_pair_gives_a_ratio_without_interval() {
    let mut v = metric(0, "throughput", &[Some(40.0)]);
    v.extend(metric(1, "throughput", &[Some(20.0)]));
    let s = summarise(&orgs(), 0, "hour", &v);
    let c = comparison(&s, "Distributed", "throughput");
    assert!((c.ratio.unwrap() - 0.5).abs() < 1e-12);
    assert_eq!((c.ci_low, c.n, c.verdict), (None, 1, Verdict::NoInterval));
    assert_eq!(
        c.text,
        "Distributed: throughput 0.50× Hierarchy (1 paired replicate, no interval)"
    );
}

#[test]
fn negative_values_leave_too_few_pairs_for_a_ratio() {
    let mut v = metric(0, "value_total", &[Some(5.0), Some(-1.0), Some(-2.0)]);
    v.extend(metric(1, "value_total", &[Some(6.0), Some(3.0), Some(4.0)]));
    let s = summarise(&orgs(), 0, "hour", &v);
    let c = comparison(&s, "Distributed", "value_total");
    assert_eq!((c.ratio, c.n, c.verdict), (None, 0, Verdict::NoRatio));
    assert_eq!(
        c.text,
        "Distributed: no ratio for total value against Hierarchy: both were positive numbers in 1 of 3 replicates (means 4.3 vs 0.67)"
    );
}

fn recovery_values(org: usize, shock: &str, times: &[Option<f64>]) -> Vec<ReplicateValue> {
    let flags: Vec<Option<f64>> = times
        .iter()
        .map(|t| Some(if t.is_some() { 1.0 } else { 0.0 }))
        .collect();
    let mut v = metric(org, &format!("recovery.{shock}.latency_mean"), times);
    v.extend(metric(
        org,
        &format!("recovered.{shock}.latency_mean"),
        &flags,
    ));
    v
}

#[test]
fn absorbing_in_most_replicates_is_said_in_words() {
    let mut d = vec![Some(0.0); 18];
    d.extend([Some(20.0), Some(30.0)]);
    let mut v = recovery_values(0, "surge@600", &around(180.0, 20));
    v.extend(recovery_values(1, "surge@600", &d));
    let s = summarise(&orgs(), 0, "hour", &v);
    let c = comparison(&s, "Distributed", "recovery.surge@600.latency_mean");
    assert_eq!((c.ratio, c.verdict), (None, Verdict::NoRatio));
    assert_eq!(
        c.text,
        "Distributed absorbed `surge@600` (mean latency: no measurable departure in 18 of 20 replicates); \
         Hierarchy recovered from `surge@600` (mean latency) in 180 hours on average (20 of 20 replicates)"
    );
    // recovered.* are shares, not compared.
    assert!(
        s.comparisons
            .iter()
            .all(|c| !c.metric.starts_with("recovered."))
    );
    assert_eq!(
        s.headlines[0],
        "Distributed absorbed `surge@600` in 18 of 20 replicates, while Hierarchy recovered in 180 hours on average (20 of 20 replicates)."
    );
    let counts = c.org_recovery.unwrap();
    assert_eq!(
        (counts.absorbed, counts.recovered, counts.not_recovered),
        (18, 2, 0)
    );
    assert_eq!(counts.mean_recovered, Some(25.0));
}

#[test]
fn not_recovering_in_most_replicates_is_said_in_words() {
    let mut h = vec![None; 15];
    h.extend(around(300.0, 5));
    let mut v = recovery_values(0, "CEO leaves", &h);
    v.extend(recovery_values(1, "CEO leaves", &around(40.0, 20)));
    let s = summarise(&orgs(), 0, "hour", &v);
    let c = comparison(&s, "Distributed", "recovery.CEO leaves.latency_mean");
    assert_eq!(c.verdict, Verdict::NoRatio);
    assert!(
        c.text.ends_with(
            "Hierarchy did not recover from `CEO leaves` (mean latency) in 15 of 20 replicates"
        ),
        "{}",
        c.text
    );
    // The summary row averages only the replicates that recovered, and says how many.
    let r = row(&s, "Hierarchy", "recovery.CEO leaves.latency_mean");
    assert_eq!(r.n, 5);
    assert_eq!(
        row(&s, "Hierarchy", "recovered.CEO leaves.latency_mean").mean,
        Some(0.25)
    );
}

#[test]
fn recovery_ratio_says_faster_and_notes_unpaired_replicates() {
    // Distributed recovers in 42, Hierarchy in 168 (4× slower); one Hierarchy replicate never does.
    let mut h = vec![Some(168.0); 9];
    h.push(None);
    let d = vec![Some(42.0); 10];
    let mut v = recovery_values(0, "surge@600", &h);
    v.extend(recovery_values(1, "surge@600", &d));
    let s = summarise(&orgs(), 0, "hour", &v);
    let c = comparison(&s, "Distributed", "recovery.surge@600.latency_mean");
    assert!((c.ratio.unwrap() - 0.25).abs() < 1e-12);
    assert_eq!((c.n, c.verdict), (9, Verdict::Better));
    assert_eq!(
        c.text,
        "Distributed recovered from `surge@600` (mean latency) 4.0× faster than Hierarchy (4.0–4.0, 9 paired replicates); not paired: Hierarchy did not recover in 1"
    );
    assert_eq!(
        s.headlines[0],
        "Distributed recovered from `surge@600` in 42 vs 168 hours (4.0× faster, 4.0–4.0)."
    );
}

#[test]
fn a_shock_dot_in_its_name_is_kept_whole() {
    let mut v = recovery_values(0, "v1.2 launch", &around(100.0, 4));
    v.extend(recovery_values(1, "v1.2 launch", &around(50.0, 4)));
    let s = summarise(&orgs(), 0, "hour", &v);
    let c = comparison(&s, "Distributed", "recovery.v1.2 launch.latency_mean");
    assert!(
        c.text
            .starts_with("Distributed recovered from `v1.2 launch` (mean latency) 2.0× faster"),
        "{}",
        c.text
    );
}

#[test]
fn headlines_are_honest_both_ways() {
    let mut v = Vec::new();
    for (org, lat, good, value) in [(0, 9.0, 0.9, 100.0), (1, 3.0, 0.8, 100.0)] {
        v.extend(metric(org, "latency_mean", &around(lat, 10)));
        v.extend(metric(org, "good_rate", &around(good, 10)));
        let values: Vec<Option<f64>> = (0..10).map(|i| Some(value + (i % 3) as f64)).collect();
        v.extend(metric(org, "value_total", &values));
    }
    let s = summarise(&orgs(), 0, "hour", &v);
    assert_eq!(s.headlines.len(), 3, "{:#?}", s.headlines);
    assert!(s.headlines[0].starts_with("Distributed answered 3.0× faster than Hierarchy"));
    // Bad decisions 0.1 vs 0.2: the hierarchy made 50% fewer.
    assert_eq!(
        s.headlines[1],
        "Hierarchy made 50% fewer bad decisions than Distributed (good-decision rate 0.90 vs 0.80)."
    );
    assert!(
        s.headlines[2].starts_with("Distributed and Hierarchy created about the same value (1.0×"),
        "{}",
        s.headlines[2]
    );
}

#[test]
fn several_orgs_get_one_headline_each() {
    let names: Vec<String> = ["A", "B", "C", "D", "E", "F"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut v = Vec::new();
    for org in 0..names.len() {
        v.extend(metric(org, "latency_mean", &around(1.0 + org as f64, 5)));
    }
    let s = summarise(&names, 0, "tick", &v);
    assert_eq!(s.comparisons.len(), 5);
    assert_eq!(s.headlines.len(), 4);
    assert!(
        s.headlines[0].starts_with("A answered 2.0× faster than B"),
        "{}",
        s.headlines[0]
    );
}

#[test]
fn one_org_gets_a_descriptive_headline() {
    let mut v = metric(0, "latency_mean", &[Some(2.0), Some(3.0)]);
    v.extend(metric(0, "throughput", &[Some(39.0), Some(41.0)]));
    let s = summarise(&orgs()[..1], 0, "hour", &v);
    assert!(s.comparisons.is_empty());
    assert_eq!(
        s.headlines,
        ["Hierarchy answered in 2.5 hours on average, executed 40 decisions per hour."]
    );
}

#[test]
fn replicate_values_are_ordered_by_org_and_replicate() {
    let run = |org, replicate| RunOutput {
        org,
        replicate,
        metrics: vec![("a".into(), Some(replicate as f64)), ("b".into(), None)],
        ..RunOutput::default()
    };
    let v = replicate_values(&[run(1, 0), run(0, 1), run(0, 0)]);
    let keys: Vec<(usize, u32, &str)> = v
        .iter()
        .map(|x| (x.org, x.replicate, x.metric.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            (0, 0, "a"),
            (0, 0, "b"),
            (0, 1, "a"),
            (0, 1, "b"),
            (1, 0, "a"),
            (1, 0, "b")
        ]
    );
}

#[test]
fn sentences_and_units() {
    assert_eq!(plural("hour"), "hours");
    assert_eq!(plural("days"), "days");
    assert_eq!(sentence("distributed won"), "Distributed won.");
    assert_eq!(num(0.3049), "0.30");
    assert_eq!(num(3.04), "3.0");
    assert_eq!(num(42.4), "42");
}

#[test]
fn latency_metrics_from_a_histogram() {
    let m = latency_metrics(&[1, 2, 0, 1]);
    assert_eq!(
        m,
        [
            ("latency_mean", Some(1.25)),
            ("latency_p50", Some(1.0)),
            ("latency_p95", Some(3.0)),
            ("latency_p99", Some(3.0)),
        ]
    );
    assert!(latency_metrics(&[]).iter().all(|(_, v)| v.is_none()));
}

#[test]
fn small_real_differences_are_printed_with_enough_digits() {
    let h: Vec<Option<f64>> = (0..10).map(|i| Some(40.0 + i as f64 * 0.01)).collect();
    let d: Vec<Option<f64>> = h.iter().map(|x| x.map(|x| x * 1.01)).collect();
    let mut v = metric(0, "throughput", &h);
    v.extend(metric(1, "throughput", &d));
    let s = summarise(&orgs(), 0, "hour", &v);
    let c = comparison(&s, "Distributed", "throughput");
    assert_eq!(c.verdict, Verdict::Better);
    assert_eq!(
        c.text,
        "Distributed: throughput 1.010× Hierarchy (1.010–1.010, 10 paired replicates)"
    );
}

#[test]
fn intervals_are_clipped_to_what_a_metric_can_take() {
    let orgs = vec!["A".to_string()];
    let values: Vec<ReplicateValue> = [0.0, 0.0, 90.0]
        .iter()
        .enumerate()
        .flat_map(|(r, &x)| {
            [
                ReplicateValue {
                    org: 0,
                    window: "all".into(),
                    replicate: r as u32,
                    metric: "recovery.s.throughput".into(),
                    value: Some(x),
                },
                ReplicateValue {
                    org: 0,
                    window: "all".into(),
                    replicate: r as u32,
                    metric: "good_rate".into(),
                    value: Some(1.0 - x / 1000.0),
                },
            ]
        })
        .collect();
    let s = summarise(&orgs, 0, "hour", &values);
    let row = |m: &str| s.rows.iter().find(|r| r.metric == m).unwrap().clone();
    assert_eq!(
        row("recovery.s.throughput").ci_low,
        Some(0.0),
        "no negative recovery time"
    );
    assert!(row("recovery.s.throughput").ci_high.unwrap() > 90.0);
    assert_eq!(row("good_rate").ci_high, Some(1.0), "no share above 1");
}
