//! Recovery time after a shock, exactly as `docs/model.md` "Recovery time" defines it.
//!
//! Choices the design leaves open, made here:
//! - A smoothed tick is *empty* when its whole trailing window has no value (for example no
//!   decision executed for `window` ticks, so no latency). Emptiness is judged against the
//!   baseline, like everything else: if every baseline tick had a value, an empty tick after the
//!   shock means work stopped flowing, so it is *not back* (it can be the departure and it breaks
//!   a hold). If the baseline itself had empty ticks, emptiness is normal for this org and an
//!   empty tick is neutral: it is not a departure and neither breaks nor counts toward a hold.
//! - `hold = 0` is treated as 1: the recovery tick itself must be back.
//! - A hold still running when the horizon ends is *not recovered*: we cannot say it stayed back.
//! - A `window` of 0 is treated as 1 (no smoothing).

use crate::metrics::{Better, Metric, ShockMetric, TickMetric, TickRecord};
use crate::scenario::{Recovery, RecoveryMetric, ShockSpec};

/// How one org came through one shock on one metric, in one replicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryOutcome {
    /// No departure before `at + duration + hold`: recovery time 0.
    Absorbed,
    /// Departed and came back: ticks from the shock's start to the first tick of the hold.
    Recovered(u32),
    /// Departed and had not come back for good when the horizon ended.
    NotRecovered,
    /// No value in the baseline window, so there is nothing to recover to.
    NoBaseline,
}

impl RecoveryOutcome {
    /// Recovery time in ticks for `recovery.<shock>.<metric>`: 0 when absorbed, `None` when not
    /// recovered or without a baseline (never averaged in as a number).
    pub fn value(&self) -> Option<f64> {
        match *self {
            RecoveryOutcome::Absorbed => Some(0.0),
            RecoveryOutcome::Recovered(t) => Some(t as f64),
            RecoveryOutcome::NotRecovered | RecoveryOutcome::NoBaseline => None,
        }
    }

    /// 1/0 for `recovered.<shock>.<metric>` (absorbing counts as recovering), so its mean across
    /// replicates is the share that recovered; `None` without a baseline.
    pub fn recovered_flag(&self) -> Option<f64> {
        match *self {
            RecoveryOutcome::Absorbed | RecoveryOutcome::Recovered(_) => Some(1.0),
            RecoveryOutcome::NotRecovered => Some(0.0),
            RecoveryOutcome::NoBaseline => None,
        }
    }
}

/// The raw per-tick series of `metric` from a run's records (index = tick; `None` = empty).
pub fn metric_series(metric: RecoveryMetric, ticks: &[TickRecord]) -> Vec<Option<f64>> {
    let column = TickMetric::from(metric);
    ticks.iter().map(|t| column.of(t)).collect()
}

/// Trailing mean over `window` ticks (this tick and the `window - 1` before it), skipping empty
/// ticks; a tick whose whole window is empty is empty.
pub fn smooth(series: &[Option<f64>], window: u32) -> Vec<Option<f64>> {
    let window = window.max(1) as usize;
    // Each window is summed directly rather than with a running sum: a running sum drifts by
    // rounding, and windows are tens of ticks, so the cost is negligible.
    (0..series.len())
        .map(|t| {
            let from = (t + 1).saturating_sub(window);
            let (sum, n) = series[from..=t]
                .iter()
                .flatten()
                .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            (n > 0).then(|| sum / n as f64)
        })
        .collect()
}

/// The baseline before tick `at` of a smoothed series: the mean of its values over the
/// `params.baseline` ticks before, and whether every one of those ticks had a value (then an
/// empty tick after the shock means work stopped flowing). `None` without any value.
fn baseline(smoothed: &[Option<f64>], at: usize, params: &Recovery) -> Option<(f64, bool)> {
    let before = &smoothed[at.saturating_sub(params.baseline as usize)..at];
    let present: Vec<f64> = before.iter().flatten().copied().collect();
    if present.is_empty() {
        return None;
    }
    let b = present.iter().sum::<f64>() / present.len() as f64;
    Some((b, present.len() == before.len()))
}

/// How far `m` is on the worse side of baseline `b` (0 when not worse): above it for a metric
/// where lower is better, below it where higher is better, either way for one that should stay
/// near it (throughput).
fn worse_by(better: Better, m: f64, b: f64) -> f64 {
    match better {
        Better::Lower => (m - b).max(0.0),
        Better::Higher => (b - m).max(0.0),
        Better::Nearer | Better::Neither => (m - b).abs(),
    }
}

/// The impact of one shock on one metric (`docs/model.md` "Shock impact"): `(impact, peak)` =
/// the area between the smoothed metric and its baseline on the worse side, summed over the
/// ticks from the shock's start until the org is back (its recovery tick; for an absorbed shock
/// `at + duration + hold`; not recovered: the horizon), in the metric's units × ticks, and the
/// largest such deviation. Empty smoothed ticks add nothing. `None` without a baseline.
pub fn shock_impact(
    series: &[Option<f64>],
    metric: RecoveryMetric,
    shock: &ShockSpec,
    params: &Recovery,
    ticks: u32,
    outcome: RecoveryOutcome,
) -> Option<(f64, f64)> {
    let horizon = (ticks as usize).min(series.len());
    let smoothed = smooth(&series[..horizon], params.window);
    impact_of_smoothed(&smoothed, metric, shock, params, outcome)
}

/// [`shock_impact`] of the series `smoothed` over the horizon already.
fn impact_of_smoothed(
    smoothed: &[Option<f64>],
    metric: RecoveryMetric,
    shock: &ShockSpec,
    params: &Recovery,
    outcome: RecoveryOutcome,
) -> Option<(f64, f64)> {
    let horizon = smoothed.len();
    let at = shock.at as usize;
    if at == 0 || at >= horizon || params.baseline == 0 {
        return None;
    }
    let (b, _) = baseline(smoothed, at, params)?;
    let end = match outcome {
        RecoveryOutcome::NoBaseline => return None,
        RecoveryOutcome::Recovered(t) => at + t as usize,
        RecoveryOutcome::Absorbed => match shock.duration {
            Some(d) => at + d as usize + params.hold as usize,
            None => at + params.hold as usize,
        },
        RecoveryOutcome::NotRecovered => horizon,
    }
    .min(horizon);
    let better = TickMetric::from(metric).spec().better;
    let (mut area, mut peak) = (0.0, 0.0f64);
    for m in smoothed[at..end].iter().flatten() {
        let w = worse_by(better, *m, b);
        area += w;
        peak = peak.max(w);
    }
    Some((area, peak))
}

/// Recovery time of one org from one shock on one metric (`docs/model.md` "Recovery time").
///
/// `series` is the raw per-tick metric (index = tick, `None` where empty); `ticks` is the horizon
/// (only `series[..ticks]` is read).
pub fn recovery_time(
    series: &[Option<f64>],
    metric: RecoveryMetric,
    shock: &ShockSpec,
    params: &Recovery,
    ticks: u32,
) -> RecoveryOutcome {
    let horizon = (ticks as usize).min(series.len());
    let smoothed = smooth(&series[..horizon], params.window);
    recovery_of_smoothed(&smoothed, metric, shock, params)
}

/// [`recovery_time`] of the series `smoothed` over the horizon already.
fn recovery_of_smoothed(
    smoothed: &[Option<f64>],
    metric: RecoveryMetric,
    shock: &ShockSpec,
    params: &Recovery,
) -> RecoveryOutcome {
    let horizon = smoothed.len();
    let at = shock.at as usize;
    if at == 0 || at >= horizon || params.baseline == 0 {
        return RecoveryOutcome::NoBaseline;
    }
    let Some((b, empty_is_departure)) = baseline(smoothed, at, params) else {
        return RecoveryOutcome::NoBaseline;
    };
    let d = (params.band * b.abs()).max(params.floor);
    let better = TickMetric::from(metric).spec().better;

    // Some(true): back; Some(false): not back; None: neutral (an empty tick where emptiness
    // was normal before the shock).
    let back = |t: usize| -> Option<bool> {
        match smoothed[t] {
            Some(m) => Some(match better {
                Better::Lower => m <= b + d,
                Better::Higher => m >= b - d,
                // A metric that does not rank is back when it is near its baseline.
                Better::Nearer | Better::Neither => (m - b).abs() <= d,
            }),
            None if empty_is_departure => Some(false),
            None => None,
        }
    };

    let hold = params.hold.max(1) as usize;
    let absorb_until = match shock.duration {
        Some(dur) => at + dur as usize + params.hold as usize,
        None => at + params.hold as usize,
    };
    let departure = match (at..horizon).find(|&t| back(t) == Some(false)) {
        Some(t) if t < absorb_until => t,
        _ => return RecoveryOutcome::Absorbed,
    };

    // Scan for the first run of `hold` back ticks (neutral ticks inside a run neither break it
    // nor count) that starts after the departure.
    let mut start: Option<usize> = None;
    let mut count = 0usize;
    for t in departure + 1..horizon {
        match back(t) {
            Some(true) => {
                let s = *start.get_or_insert(t);
                count += 1;
                if count == hold {
                    return RecoveryOutcome::Recovered((s - at) as u32);
                }
            }
            Some(false) => {
                start = None;
                count = 0;
            }
            None => {}
        }
    }
    RecoveryOutcome::NotRecovered
}

/// The summary metrics `recovery.<shock>.<metric>` (ticks; `None` when not recovered),
/// `recovered.<shock>.<metric>` (1 or 0), `impact.<shock>.<metric>` and `peak.<shock>.<metric>`
/// of one run, for every shock in scenario order and every recovery metric in `[recovery]`
/// order, the four side by side.
pub fn recovery_metrics(
    params: &Recovery,
    shocks: &[ShockSpec],
    horizon: u32,
    ticks: &[TickRecord],
) -> Vec<(String, Option<f64>)> {
    // Each metric smoothed once over the horizon, for every shock.
    let smoothed: Vec<Vec<Option<f64>>> = params
        .metrics
        .iter()
        .map(|&m| {
            let series = metric_series(m, ticks);
            smooth(
                &series[..(horizon as usize).min(series.len())],
                params.window,
            )
        })
        .collect();
    let mut out = Vec::with_capacity(2 * shocks.len() * params.metrics.len());
    for shock in shocks {
        for (&metric, smoothed) in params.metrics.iter().zip(&smoothed) {
            let outcome = recovery_of_smoothed(smoothed, metric, shock, params);
            let impact = impact_of_smoothed(smoothed, metric, shock, params, outcome);
            let name = |family| Metric::shock(family, &shock.name, metric).name();
            out.push((name(ShockMetric::Recovery), outcome.value()));
            out.push((name(ShockMetric::Recovered), outcome.recovered_flag()));
            out.push((name(ShockMetric::Impact), impact.map(|(area, _)| area)));
            out.push((name(ShockMetric::Peak), impact.map(|(_, peak)| peak)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ShockKind;

    fn surge(at: u32, duration: Option<u32>) -> ShockSpec {
        ShockSpec {
            name: format!("surge@{at}"),
            at,
            duration,
            kind: ShockKind::Surge {
                factor: 3.0,
                region: None,
            },
        }
    }

    fn params(window: u32, baseline: u32, band: f64, floor: f64, hold: u32) -> Recovery {
        Recovery {
            metrics: vec![],
            window,
            baseline,
            band,
            floor,
            hold,
        }
    }

    /// A series of `len` ticks at `base`, with `bumps` overriding ranges of ticks.
    fn series(len: usize, base: f64, bumps: &[(usize, usize, f64)]) -> Vec<Option<f64>> {
        let mut s = vec![Some(base); len];
        for &(from, to, v) in bumps {
            s[from..to].iter_mut().for_each(|x| *x = Some(v));
        }
        s
    }

    const LAT: RecoveryMetric = RecoveryMetric::LatencyMean;

    #[test]
    fn outcome_values() {
        assert_eq!(RecoveryOutcome::Absorbed.value(), Some(0.0));
        assert_eq!(RecoveryOutcome::Recovered(7).value(), Some(7.0));
        assert_eq!(RecoveryOutcome::NotRecovered.value(), None);
        assert_eq!(RecoveryOutcome::NoBaseline.value(), None);
        assert_eq!(RecoveryOutcome::Absorbed.recovered_flag(), Some(1.0));
        assert_eq!(RecoveryOutcome::NotRecovered.recovered_flag(), Some(0.0));
    }

    #[test]
    fn smoothing_is_a_trailing_mean_skipping_empty_ticks() {
        let s = [Some(1.0), None, Some(3.0), None, None, None];
        assert_eq!(
            smooth(&s, 3),
            vec![Some(1.0), Some(1.0), Some(2.0), Some(3.0), Some(3.0), None]
        );
        assert_eq!(smooth(&s, 0), s.to_vec());
    }

    #[test]
    fn a_shock_within_the_band_is_absorbed() {
        // Baseline 10, band 10% -> d = 1; a bump to 10.9 stays back.
        let s = series(300, 10.0, &[(100, 150, 10.9)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        assert_eq!(
            recovery_time(&s, LAT, &surge(100, Some(50)), &p, 300),
            RecoveryOutcome::Absorbed
        );
    }

    #[test]
    fn recovers_at_the_exact_tick_the_hold_starts() {
        // Latency 10 before, 20 during [100, 130), back to 10 from 130: recovery time 30.
        let s = series(300, 10.0, &[(100, 130, 20.0)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::Recovered(30)
        );
    }

    #[test]
    fn impact_is_the_hand_computed_area_above_the_baseline_until_recovery() {
        // Backlog 10 before; at 100 it climbs by 4 a tick for 10 ticks (14, 18, .. 50), then
        // falls back by 4 a tick (46, .. 14) and is 10 again from 120. No smoothing.
        let mut s = series(400, 10.0, &[]);
        for k in 0..10 {
            s[100 + k] = Some(10.0 + 4.0 * (k + 1) as f64);
            s[110 + k] = Some(10.0 + 4.0 * (9 - k) as f64);
        }
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(10));
        let m = RecoveryMetric::Backlog;
        let outcome = recovery_time(&s, m, &shock, &p, 400);
        // Back (within 1 of 10) from tick 119, where it is 10 + 4 × 0 = 10.
        assert_eq!(outcome, RecoveryOutcome::Recovered(19));
        // The triangle above 10: 4 × (1 + .. + 10) on the way up, 4 × (9 + .. + 1) on the way
        // down (tick 119 is the recovery tick, not counted).
        let area = 4.0 * 55.0 + 4.0 * 45.0;
        assert_eq!(
            shock_impact(&s, m, &shock, &p, 400, outcome),
            Some((area, 40.0))
        );
        // Throughput is judged either way: a dip and a rise both count.
        let mut t = series(400, 10.0, &[(100, 105, 7.0), (105, 110, 12.0)]);
        t[399] = Some(10.0);
        let out = recovery_time(&t, RecoveryMetric::Throughput, &shock, &p, 400);
        assert_eq!(
            shock_impact(&t, RecoveryMetric::Throughput, &shock, &p, 400, out),
            Some((5.0 * 3.0 + 5.0 * 2.0, 3.0))
        );
        // Not recovered: the area runs to the horizon.
        let stuck = series(400, 10.0, &[(100, 400, 30.0)]);
        let out = recovery_time(&stuck, m, &shock, &p, 400);
        assert_eq!(out, RecoveryOutcome::NotRecovered);
        assert_eq!(
            shock_impact(&stuck, m, &shock, &p, 400, out),
            Some((20.0 * 300.0, 20.0))
        );
        // Better than before is no impact.
        let calm = series(400, 10.0, &[(100, 200, 4.0)]);
        let out = recovery_time(&calm, m, &shock, &p, 400);
        assert_eq!(
            shock_impact(&calm, m, &shock, &p, 400, out),
            Some((0.0, 0.0))
        );
    }

    #[test]
    fn smoothing_delays_recovery_by_the_window() {
        // With window 5 the smoothed series is above 11 until the window holds at most ... ticks
        // of 20: mean of k twenties and (5-k) tens <= 11 needs k = 0, i.e. tick 134.
        let s = series(300, 10.0, &[(100, 130, 20.0)]);
        let p = params(5, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::Recovered(34)
        );
    }

    #[test]
    fn never_back_before_the_horizon_is_not_recovered() {
        let s = series(300, 10.0, &[(100, 300, 20.0)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        assert_eq!(
            recovery_time(&s, LAT, &surge(100, Some(30)), &p, 300),
            RecoveryOutcome::NotRecovered
        );
    }

    #[test]
    fn a_hold_cut_short_by_the_horizon_is_not_recovered() {
        // Back from 295 but the horizon ends after 5 of the 10 held ticks.
        let s = series(300, 10.0, &[(100, 295, 20.0)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::NotRecovered
        );
        // The same series read with a longer horizon recovers.
        let longer = series(400, 10.0, &[(100, 295, 20.0)]);
        assert_eq!(
            recovery_time(&longer, LAT, &shock, &p, 400),
            RecoveryOutcome::Recovered(195)
        );
    }

    #[test]
    fn a_relapse_breaks_the_hold() {
        // Back at 130 for 5 ticks, out again at 135, back for good at 140.
        let s = series(300, 10.0, &[(100, 130, 20.0), (135, 140, 20.0)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::Recovered(40)
        );
    }

    #[test]
    fn ending_better_than_before_counts_as_recovered() {
        let s = series(300, 10.0, &[(100, 120, 20.0), (120, 300, 2.0)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::Recovered(20)
        );
        // Higher is better for value: a drop departs, a rise above baseline is back.
        let v = series(300, 10.0, &[(100, 120, 2.0), (120, 300, 30.0)]);
        let out = recovery_time(&v, RecoveryMetric::Value, &shock, &p, 300);
        assert_eq!(out, RecoveryOutcome::Recovered(20));
    }

    #[test]
    fn throughput_is_two_sided() {
        // Throughput drops during the shock, then overshoots (backlog worked off) until 160.
        let s = series(300, 40.0, &[(100, 130, 20.0), (130, 160, 60.0)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        let out = recovery_time(&s, RecoveryMetric::Throughput, &shock, &p, 300);
        assert_eq!(out, RecoveryOutcome::Recovered(60));
        // Read as "higher is better" the overshoot would have counted as back at 130.
        let v = recovery_time(&s, RecoveryMetric::Value, &shock, &p, 300);
        assert_eq!(v, RecoveryOutcome::Recovered(30));
    }

    #[test]
    fn an_org_can_recover_before_a_long_shock_ends() {
        // A 500-tick loss; latency is back from 150 on.
        let s = series(1000, 10.0, &[(100, 150, 30.0)]);
        let p = params(1, 50, 0.1, 0.5, 20);
        let shock = surge(100, Some(500));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 1000),
            RecoveryOutcome::Recovered(50)
        );
    }

    #[test]
    fn a_late_departure_after_the_absorption_window_is_still_absorbed() {
        let s = series(300, 10.0, &[(200, 220, 30.0)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        // Absorption window ends at 100 + 30 + 10 = 140; the bump at 200 is not this shock's.
        let shock = surge(100, Some(30));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::Absorbed
        );
        // A permanent shock's window ends at at + hold = 110.
        let s2 = series(300, 10.0, &[(120, 130, 30.0)]);
        assert_eq!(
            recovery_time(&s2, LAT, &surge(100, None), &p, 300),
            RecoveryOutcome::Absorbed
        );
        let s3 = series(300, 10.0, &[(105, 130, 30.0)]);
        let out = recovery_time(&s3, LAT, &surge(100, None), &p, 300);
        assert_eq!(out, RecoveryOutcome::Recovered(30));
    }

    #[test]
    fn the_floor_dominates_a_near_zero_baseline() {
        // Backlog about 0.01: 10% band is 0.001, so without the floor 0.3 would be a departure.
        let s = series(300, 0.01, &[(100, 130, 0.3)]);
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        let m = RecoveryMetric::Backlog;
        assert_eq!(
            recovery_time(&s, m, &shock, &p, 300),
            RecoveryOutcome::Absorbed
        );
        let s = series(300, 0.01, &[(100, 130, 0.6)]);
        assert_eq!(
            recovery_time(&s, m, &shock, &p, 300),
            RecoveryOutcome::Recovered(30)
        );
    }

    #[test]
    fn empty_ticks_after_a_steady_baseline_are_a_departure() {
        // Nothing executed in [100, 140): no latency. The baseline always had one.
        let mut s = series(300, 10.0, &[]);
        s[100..140].iter_mut().for_each(|x| *x = None);
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::Recovered(40)
        );
        // Stopped for good: not recovered, never "absorbed".
        let mut dead = series(300, 10.0, &[]);
        dead[100..].iter_mut().for_each(|x| *x = None);
        assert_eq!(
            recovery_time(&dead, LAT, &shock, &p, 300),
            RecoveryOutcome::NotRecovered
        );
    }

    #[test]
    fn empty_ticks_are_neutral_where_the_baseline_had_them() {
        // A low-rate org: latency only on even ticks, window 1, so half the ticks are empty.
        let s: Vec<Option<f64>> = (0..300)
            .map(|t| {
                let v = if (100..130).contains(&t) { 20.0 } else { 10.0 };
                (t % 2 == 0).then_some(v)
            })
            .collect();
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        // Back from 130; the 10 held ticks are the even ticks 130..=148; odd ticks are skipped.
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::Recovered(30)
        );
        // An all-empty post-shock stretch is then not a departure.
        let mut quiet = s.clone();
        quiet[100..140].iter_mut().for_each(|x| *x = None);
        assert_eq!(
            recovery_time(&quiet, LAT, &shock, &p, 300),
            RecoveryOutcome::Absorbed
        );
    }

    #[test]
    fn no_baseline_without_values_before_the_shock() {
        let mut s = series(300, 10.0, &[]);
        s[..100].iter_mut().for_each(|x| *x = None);
        let p = params(1, 50, 0.1, 0.5, 10);
        let shock = surge(100, Some(30));
        assert_eq!(
            recovery_time(&s, LAT, &shock, &p, 300),
            RecoveryOutcome::NoBaseline
        );
        assert_eq!(
            recovery_time(&s, LAT, &surge(0, Some(5)), &p, 300),
            RecoveryOutcome::NoBaseline
        );
    }

    #[test]
    fn metric_series_reads_the_right_fields() {
        let rec = TickRecord {
            executed: 4,
            backlog: 9,
            latency_mean: Some(2.5),
            value: -1.0,
            ..TickRecord::default()
        };
        let one = |m| metric_series(m, std::slice::from_ref(&rec))[0];
        assert_eq!(one(RecoveryMetric::Throughput), Some(4.0));
        assert_eq!(one(RecoveryMetric::Backlog), Some(9.0));
        assert_eq!(one(RecoveryMetric::LatencyMean), Some(2.5));
        assert_eq!(one(RecoveryMetric::LatencyP95), None);
        assert_eq!(one(RecoveryMetric::Value), Some(-1.0));
        assert_eq!(one(RecoveryMetric::GoodRate), None);
    }

    #[test]
    fn recovery_metrics_names_and_order() {
        use crate::scenario::OrgSpec;
        let mut scenario =
            crate::scenario::Scenario::new("r", 300, 1.0, vec![OrgSpec::tree("H", 2, 2)]);
        scenario.shocks = vec![surge(100, Some(30)), surge(200, Some(10))];
        scenario.recovery = params(1, 50, 0.1, 0.5, 10);
        scenario.recovery.metrics = vec![RecoveryMetric::LatencyMean, RecoveryMetric::Throughput];
        let ticks: Vec<TickRecord> = (0..300)
            .map(|t| TickRecord {
                executed: 5,
                latency_mean: Some(if (100..130).contains(&t) { 20.0 } else { 10.0 }),
                ..TickRecord::default()
            })
            .collect();
        let m = recovery_metrics(
            &scenario.recovery,
            &scenario.shocks,
            scenario.scenario.ticks,
            &ticks,
        );
        let expected: Vec<(String, Option<f64>)> = [
            // 30 ticks 10 above the baseline: 300 tick-hours of extra latency.
            ("recovery.surge@100.latency_mean", Some(30.0)),
            ("recovered.surge@100.latency_mean", Some(1.0)),
            ("impact.surge@100.latency_mean", Some(300.0)),
            ("peak.surge@100.latency_mean", Some(10.0)),
            ("recovery.surge@100.throughput", Some(0.0)),
            ("recovered.surge@100.throughput", Some(1.0)),
            ("impact.surge@100.throughput", Some(0.0)),
            ("peak.surge@100.throughput", Some(0.0)),
            ("recovery.surge@200.latency_mean", Some(0.0)),
            ("recovered.surge@200.latency_mean", Some(1.0)),
            ("impact.surge@200.latency_mean", Some(0.0)),
            ("peak.surge@200.latency_mean", Some(0.0)),
            ("recovery.surge@200.throughput", Some(0.0)),
            ("recovered.surge@200.throughput", Some(1.0)),
            ("impact.surge@200.throughput", Some(0.0)),
            ("peak.surge@200.throughput", Some(0.0)),
        ]
        .iter()
        .map(|&(n, v)| (n.to_string(), v))
        .collect();
        assert_eq!(m, expected);
    }

    /// A run's recovery metrics smooth each metric once for every shock: the same values as
    /// [`recovery_time`] and [`shock_impact`] give from the raw series, shock by shock, with a
    /// window of several ticks, empty ticks, and records past the horizon.
    #[test]
    fn smoothing_once_per_metric_gives_each_shocks_own_values() {
        let ticks: Vec<TickRecord> = (0..420u32)
            .map(|t| TickRecord {
                executed: u64::from(5 + (t * 7919) % 11),
                latency_mean: (t % 13 != 0).then(|| {
                    10.0 + f64::from((t * 104_729) % 17) / 3.0
                        + if (150..190).contains(&t) { 25.0 } else { 0.0 }
                }),
                ..TickRecord::default()
            })
            .collect();
        let mut p = params(9, 60, 0.1, 0.5, 12);
        p.metrics = vec![RecoveryMetric::LatencyMean, RecoveryMetric::Throughput];
        let shocks = [surge(150, Some(40)), surge(300, None), surge(80, Some(5))];
        let horizon = 400;
        let got = recovery_metrics(&p, &shocks, horizon, &ticks);
        let mut want = Vec::new();
        for shock in &shocks {
            for &metric in &p.metrics {
                let series = metric_series(metric, &ticks);
                let outcome = recovery_time(&series, metric, shock, &p, horizon);
                let impact = shock_impact(&series, metric, shock, &p, horizon, outcome);
                want.extend([
                    outcome.value(),
                    outcome.recovered_flag(),
                    impact.map(|(area, _)| area),
                    impact.map(|(_, peak)| peak),
                ]);
            }
        }
        let got: Vec<Option<f64>> = got.into_iter().map(|(_, v)| v).collect();
        assert_eq!(got, want);
        assert!(
            got[0].is_some_and(|t| t > 0.0),
            "the first surge is recovered from: {got:?}"
        );
    }
}
