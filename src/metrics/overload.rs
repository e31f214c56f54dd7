//! Overload diagnosis after a run (`docs/model.md` "Overload"): an org whose backlog keeps
//! growing through normal times (window `steady`), or through the stretch after its last shock
//! has ended, cannot keep up with its work. Latency counts only executed decisions, so such an
//! org's latency understates the wait; the diagnosis says so, names the level whose queues
//! hold the growth, the tick from which the backlog climbs, its growth per tick and how much
//! work still waits at the end.
//!
//! The test is a robust trend, per replicate: the least-squares slope of the backlog over the
//! window must be at least [`GROWTH_SHARE`] of the decisions arriving per tick *and* the rise
//! the slope implies over the window must exceed [`RISE_OVER_NOISE`] times the spread of the
//! backlog around its fitted line. A stable org's backlog fluctuates around a level: its slope
//! is near 0 and its rise is small against its own noise. An org is overloaded when more than
//! half of its replicates grow.

use serde::{Deserialize, Serialize};

use crate::metrics::sentences::{num, sentence, whole};
use crate::metrics::{RunOutput, WINDOW_STEADY};
use crate::scenario::wording::plural;
use crate::scenario::{OrgSpec, Scenario, ShockSpec, Structure};

/// A backlog growing by less than this share of the arriving work per tick is not overload
/// (1%: a hundredth of the work left over each tick).
pub const GROWTH_SHARE: f64 = 0.01;
/// The backlog's fitted rise over the window must exceed this many standard deviations of
/// its residuals around the fitted line.
pub const RISE_OVER_NOISE: f64 = 3.0;
/// Windows shorter than this many ticks are not diagnosed: too short to tell a trend.
pub const MIN_TICKS: u32 = 50;

/// An org that could not keep up: the `overload` entry of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overload {
    pub org: String,
    /// When the backlog was found growing: `steady` (normal times), or the name of the last
    /// shock (after it ended; a permanent one: since it started). The summary window its
    /// latency is quoted from.
    pub window: String,
    /// `[start, end)`: the ticks whose backlog trend was measured.
    pub window_start: u32,
    pub window_end: u32,
    /// The level whose queues hold most of the growth (0: frontline; 0 in teams).
    pub level: u32,
    /// That level in words ("the first-line managers (level 1)").
    pub level_name: String,
    /// The tick from which the backlog (mean across replicates) climbs.
    pub from_tick: u32,
    /// Mean least-squares growth of the backlog per tick over the window.
    pub growth_per_tick: f64,
    /// Mean decisions not yet executed at the end of the run.
    pub waiting_at_end: f64,
    /// Mean latency of the decisions executed in the window (what the summary reports).
    pub latency_mean: Option<f64>,
    /// Replicates whose backlog grew.
    pub replicates: usize,
    /// Replicates run.
    pub of: usize,
}

impl Overload {
    /// The warning printed after a run and shown in the report; `nouns` is what the
    /// scenario calls its decisions ("claims").
    pub fn warning(&self, tick_unit: &str, nouns: &str) -> String {
        let units = plural(tick_unit);
        let latency = match self.latency_mean {
            Some(l) => format!(" ({} {units})", num(l)),
            None => String::new(),
        };
        let when = if self.window == WINDOW_STEADY {
            "in normal times".to_string()
        } else {
            format!("since {}", self.window)
        };
        format!(
            "{} is overloaded {when}: {} cannot keep up from about {tick_unit} {}; its backlog \
             grows by ~{} {nouns} per {tick_unit} and {} wait at the end (it grew in {} of {} \
             replicates). \
             Its latency{latency} counts only {nouns} that were executed and understates the \
             wait.",
            self.org,
            self.level_name,
            self.from_tick,
            num(self.growth_per_tick),
            whole(self.waiting_at_end),
            self.replicates,
            self.of,
        )
    }

    /// The headline sentence on this overload; `shocked`: the run has shocks, so normal times
    /// are named as such.
    pub fn headline(&self, tick_unit: &str, nouns: &str, shocked: bool) -> String {
        let since = match (self.window == WINDOW_STEADY, shocked) {
            (true, false) => String::new(),
            (true, true) => "In normal times ".to_string(),
            (false, _) => format!("since {} ", self.window),
        };
        sentence(&format!(
            "{since}{} is overloaded: its backlog grows by ~{} {nouns} per {tick_unit} from about \
             {tick_unit} {} ({} wait at the end), so its latency understates the wait",
            self.org,
            num(self.growth_per_tick),
            self.from_tick,
            whole(self.waiting_at_end),
        ))
    }
}

/// A least-squares line through a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Growth per tick.
    pub slope: f64,
    /// Standard deviation of the residuals around the line.
    pub noise: f64,
    /// Points fitted.
    pub n: usize,
}

impl Trend {
    /// The least-squares line through `y` (at ticks 0, 1, …); `None` for fewer than 3 points.
    pub fn fit(y: &[f64]) -> Option<Trend> {
        let n = y.len();
        if n < 3 {
            return None;
        }
        let nf = n as f64;
        let tm = (nf - 1.0) / 2.0;
        let ym = y.iter().sum::<f64>() / nf;
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for (t, &v) in y.iter().enumerate() {
            let dt = t as f64 - tm;
            sxy += dt * (v - ym);
            sxx += dt * dt;
        }
        let slope = sxy / sxx;
        let sse: f64 = y
            .iter()
            .enumerate()
            .map(|(t, &v)| {
                let r = v - ym - slope * (t as f64 - tm);
                r * r
            })
            .sum();
        Some(Trend {
            slope,
            noise: (sse / (nf - 2.0)).sqrt(),
            n,
        })
    }

    /// The rise the line implies from the first point to the last.
    pub fn rise(&self) -> f64 {
        self.slope * (self.n as f64 - 1.0)
    }

    /// Whether this is a backlog that grows, with `arriving` decisions arriving per tick.
    pub fn grows(&self, arriving: f64) -> bool {
        self.n >= MIN_TICKS as usize
            && self.slope > 0.0
            && self.slope >= GROWTH_SHARE * arriving
            && self.rise() > RISE_OVER_NOISE * self.noise
    }
}

/// The index from which `y` climbs: the knee `k` of the best least-squares fit of "flat until
/// `k`, then a straight line up" (a hinge), searched over every `k` that leaves a few points
/// after it. Sums from the end make each candidate cost O(1).
pub fn onset(y: &[f64]) -> usize {
    let n = y.len();
    if n < 4 {
        return 0;
    }
    // Suffix sums over t >= k of 1, t, t², y, t·y; and totals of y, y².
    let mut c = vec![0.0; n + 1];
    let mut st = vec![0.0; n + 1];
    let mut st2 = vec![0.0; n + 1];
    let mut sy = vec![0.0; n + 1];
    let mut sty = vec![0.0; n + 1];
    for t in (0..n).rev() {
        let tf = t as f64;
        c[t] = c[t + 1] + 1.0;
        st[t] = st[t + 1] + tf;
        st2[t] = st2[t + 1] + tf * tf;
        sy[t] = sy[t + 1] + y[t];
        sty[t] = sty[t + 1] + tf * y[t];
    }
    let nf = n as f64;
    let (ty, tyy) = (sy[0], y.iter().map(|v| v * v).sum::<f64>());
    let mut best = (f64::INFINITY, 0usize);
    for k in 0..n - 3 {
        let kf = k as f64;
        // x_t = max(0, t - k): zero before the knee.
        let sx = st[k] - kf * c[k];
        let sxx = st2[k] - 2.0 * kf * st[k] + kf * kf * c[k];
        let sxy = sty[k] - kf * sy[k];
        let den = nf * sxx - sx * sx;
        if den <= 0.0 {
            continue;
        }
        let g = (nf * sxy - sx * ty) / den;
        if g <= 0.0 {
            continue;
        }
        let a = (ty - g * sx) / nf;
        let sse = tyy - a * ty - g * sxy;
        if sse < best.0 - 1e-9 * tyy.max(1.0) {
            best = (sse, k);
        }
    }
    best.1
}

/// A stretch of the run an overload is looked for in.
#[derive(Debug, Clone, PartialEq)]
pub struct Stretch {
    /// `steady`, or the name of the last shock to start.
    pub window: String,
    pub start: u32,
    pub end: u32,
    /// Where the onset search starts: 0 for normal times, the last shock's start after it.
    pub search_from: u32,
}

/// The stretches of `scenario` examined for overload: normal times `[warmup, first shock)`,
/// and, with shocks, the stretch after the last one has ended (a permanent shock: after it
/// started) to the horizon. Stretches shorter than [`MIN_TICKS`] are left out.
pub fn stretches(scenario: &Scenario) -> Vec<Stretch> {
    let sc = &scenario.scenario;
    stretches_of(sc.warmup, sc.ticks, &scenario.shocks)
}

/// [`stretches`] of a run with this warm-up, horizon and shocks.
pub fn stretches_of(warmup: u32, ticks: u32, shocks: &[ShockSpec]) -> Vec<Stretch> {
    let warmup = warmup.min(ticks);
    let first = shocks.iter().map(|s| s.at).min().unwrap_or(ticks);
    let mut out = vec![Stretch {
        window: WINDOW_STEADY.to_string(),
        start: warmup,
        end: first.clamp(warmup, ticks),
        search_from: 0,
    }];
    if !shocks.is_empty() {
        let over = shocks
            .iter()
            .map(|s| s.at.saturating_add(s.duration.unwrap_or(0)))
            .max()
            .unwrap_or(0);
        // The shock whose window the stretch lies in: the last to start (the first of those
        // starting together).
        let last_start = shocks.iter().map(|s| s.at).max().unwrap_or(0);
        let last = shocks
            .iter()
            .find(|s| s.at == last_start)
            .map_or_else(String::new, |s| s.name.clone());
        out.push(Stretch {
            window: last,
            start: over.clamp(warmup, ticks),
            end: ticks,
            search_from: last_start.min(ticks),
        });
    }
    out.retain(|s| s.end.saturating_sub(s.start) >= MIN_TICKS);
    out
}

/// The ticks at whose end the engine counts the decisions queued at each level: the first
/// tick before and the last tick of each stretch.
pub fn snapshot_ticks(stretches: &[Stretch]) -> Vec<u32> {
    let mut ticks: Vec<u32> = stretches
        .iter()
        .flat_map(|s| s.start.checked_sub(1).into_iter().chain([s.end - 1]))
        .collect();
    ticks.sort_unstable();
    ticks.dedup();
    ticks
}

/// The backlog trend of `run` over stretch `s`, and the decisions arriving per tick there;
/// `None` when the run did not record those ticks.
fn trend_in(run: &RunOutput, s: &Stretch) -> Option<(Trend, f64)> {
    let window = run.ticks.get(s.start as usize..s.end as usize)?;
    let backlog: Vec<f64> = window.iter().map(|t| t.backlog as f64).collect();
    let arriving = window.iter().map(|t| t.arrived as f64).sum::<f64>() / backlog.len() as f64;
    Some((Trend::fit(&backlog)?, arriving))
}

/// For each stretch, whether `run`'s backlog grows through it: what a sweep keeps of a run
/// whose time series it then drops.
pub fn growing(stretches: &[Stretch], run: &RunOutput) -> Vec<bool> {
    stretches
        .iter()
        .map(|s| trend_in(run, s).is_some_and(|(t, arriving)| t.grows(arriving)))
        .collect()
}

/// Whether an org is overloaded from its replicates' [`growing`] flags: more than half grow
/// in one stretch.
pub fn overloaded(flags: &[Vec<bool>]) -> bool {
    let stretches = flags.iter().map(Vec::len).max().unwrap_or(0);
    (0..stretches)
        .any(|k| 2 * flags.iter().filter(|f| f.get(k) == Some(&true)).count() > flags.len())
}

/// A level of `org` in words, for a sentence: its `level_names` name (plural but at the top,
/// which is one agent), else what the level is.
pub fn level_words(org: &OrgSpec, level: u32) -> String {
    let levels = org.levels();
    if let Some(name) = org.level_names.get(level as usize) {
        return match org.structure {
            Structure::Teams { .. } => format!("the {name}s"),
            _ if levels > 1 && level + 1 == levels => format!("the {name} (level {level})"),
            _ => format!("the {name}s (level {level})"),
        };
    }
    match org.structure {
        Structure::Teams { .. } => "the teams".to_string(),
        _ if levels <= 1 => "the single agent".to_string(),
        _ if level + 1 == levels => format!("the top (level {level})"),
        _ if level == 0 => "the frontline (level 0)".to_string(),
        _ if level == 1 => "the first-line managers (level 1)".to_string(),
        _ => format!("level {level}"),
    }
}

/// Decisions queued at each level at the end of tick `t` in `run`, if it was counted then
/// (before tick 0: none).
fn queued_at(run: &RunOutput, t: Option<u32>, levels: usize) -> Option<Vec<u64>> {
    match t {
        None => Some(vec![0; levels]),
        Some(t) => run
            .queued_by_level
            .iter()
            .find(|(at, _)| *at == t)
            .map(|(_, q)| q.clone()),
    }
}

/// Each org of `scenario` that could not keep up in `runs`, in scenario order; the first
/// stretch (normal times, then after the shocks) in which it was found growing.
/// `latency_mean(org, window)` gives the summary's mean latency for the sentence.
pub fn diagnose(
    scenario: &Scenario,
    runs: &[RunOutput],
    latency_mean: &dyn Fn(&str, &str) -> Option<f64>,
) -> Vec<Overload> {
    let stretches = stretches(scenario);
    let mut out = Vec::new();
    for (o, org) in scenario.orgs.iter().enumerate() {
        let mut mine: Vec<&RunOutput> = runs.iter().filter(|r| r.org == o).collect();
        mine.sort_by_key(|r| r.replicate);
        if mine.is_empty() {
            continue;
        }
        for s in &stretches {
            if let Some(found) = diagnose_org(org, &mine, s, latency_mean) {
                out.push(found);
                break;
            }
        }
    }
    out
}

fn diagnose_org(
    org: &OrgSpec,
    runs: &[&RunOutput],
    s: &Stretch,
    latency_mean: &dyn Fn(&str, &str) -> Option<f64>,
) -> Option<Overload> {
    let b = s.end as usize;
    let mut slopes = Vec::with_capacity(runs.len());
    let mut growing = 0;
    for run in runs {
        let (trend, arriving) = trend_in(run, s)?;
        if trend.grows(arriving) {
            growing += 1;
        }
        slopes.push(trend.slope);
    }
    if 2 * growing <= runs.len() {
        return None;
    }
    let reps = runs.len() as f64;
    let growth = slopes.iter().sum::<f64>() / reps;
    let from = s.search_from as usize;
    let mean_backlog: Vec<f64> = (from..b)
        .map(|t| runs.iter().map(|r| r.ticks[t].backlog as f64).sum::<f64>() / reps)
        .collect();
    let from_tick = (from + onset(&mean_backlog)) as u32;
    let waiting_at_end = runs
        .iter()
        .map(|r| r.ticks.last().map_or(0.0, |t| t.backlog as f64))
        .sum::<f64>()
        / reps;
    // The level whose queues grew most over the window, mean across replicates.
    let levels = org.levels().max(1) as usize;
    let mut grew = vec![0.0; levels];
    for run in runs {
        let before = queued_at(run, s.start.checked_sub(1), levels);
        let after = queued_at(run, Some(s.end - 1), levels);
        if let (Some(before), Some(after)) = (before, after) {
            for (l, g) in grew.iter_mut().enumerate() {
                let (x, y) = (before.get(l).copied(), after.get(l).copied());
                *g += y.unwrap_or(0) as f64 - x.unwrap_or(0) as f64;
            }
        }
    }
    let level = grew
        .iter()
        .enumerate()
        .max_by(|x, y| x.1.total_cmp(y.1).then(x.0.cmp(&y.0)))
        .map_or(0, |(l, _)| l as u32);
    Some(Overload {
        org: org.name.clone(),
        window: s.window.clone(),
        window_start: s.start,
        window_end: s.end,
        level,
        level_name: level_words(org, level),
        from_tick,
        growth_per_tick: growth,
        waiting_at_end,
        latency_mean: latency_mean(&org.name, &s.window),
        replicates: growing,
        of: runs.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic wobble: a stable backlog's ups and downs, amplitude `amp`.
    fn wobble(t: usize, amp: f64) -> f64 {
        let x =
            (t as f64 * 0.37).sin() + 0.6 * (t as f64 * 1.91).cos() + 0.3 * (t as f64 * 0.05).sin();
        amp * x
    }

    #[test]
    fn a_stable_backlog_does_not_grow_and_a_growing_one_does() {
        // A stable org: backlog 50 ± 15, 40 decisions arriving per tick, over 400 ticks.
        let stable: Vec<f64> = (0..400).map(|t| 50.0 + wobble(t, 15.0)).collect();
        let trend = Trend::fit(&stable).unwrap();
        assert!(!trend.grows(40.0), "{trend:?}");
        // Growth just below 1% of the arrivals is not overload; at 2% it is.
        let slow: Vec<f64> = (0..400)
            .map(|t| 50.0 + 0.3 * t as f64 + wobble(t, 15.0))
            .collect();
        assert!(!Trend::fit(&slow).unwrap().grows(40.0));
        let fast: Vec<f64> = (0..400)
            .map(|t| 50.0 + 0.8 * t as f64 + wobble(t, 15.0))
            .collect();
        let trend = Trend::fit(&fast).unwrap();
        assert!(trend.grows(40.0), "{trend:?}");
        assert!((trend.slope - 0.8).abs() < 0.05, "{trend:?}");
        // A steep but noisy drift is not told from noise when its rise is under 3 sigma.
        let noisy: Vec<f64> = (0..60)
            .map(|t| 50.0 + 1.0 * t as f64 + wobble(t, 60.0))
            .collect();
        assert!(!Trend::fit(&noisy).unwrap().grows(40.0));
        // Too short to tell.
        assert!(!Trend::fit(&fast[..40]).unwrap().grows(40.0));
    }

    #[test]
    fn the_onset_is_where_the_backlog_starts_to_climb() {
        for knee in [0usize, 30, 120, 300] {
            let y: Vec<f64> = (0..400)
                .map(|t: usize| 40.0 + 19.0 * t.saturating_sub(knee) as f64 + wobble(t, 5.0))
                .collect();
            let k = onset(&y);
            assert!(k.abs_diff(knee) <= 3, "knee {knee}: found {k}");
        }
    }

    #[test]
    fn stretches_are_normal_times_and_after_the_last_shock() {
        let mut s = Scenario::new("t", 2000, 1.0, vec![OrgSpec::tree("T", 2, 2)]);
        s.scenario.warmup = 200;
        let w = stretches(&s);
        assert_eq!((w.len(), w[0].start, w[0].end), (1, 200, 2000));
        s.shocks.push(crate::scenario::ShockSpec {
            name: "surge".into(),
            at: 800,
            duration: Some(100),
            kind: crate::scenario::ShockKind::Surge {
                factor: 2.0,
                region: None,
            },
        });
        let w = stretches(&s);
        assert_eq!((w[0].start, w[0].end), (200, 800));
        assert_eq!(
            (w[1].window.as_str(), w[1].start, w[1].end, w[1].search_from),
            ("surge", 900, 2000, 800)
        );
        assert_eq!(snapshot_ticks(&w), vec![199, 799, 899, 1999]);
    }
}
