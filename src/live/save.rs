//! "Save as scenario": the live session as a scenario file that `orgsim run` replays.
//!
//! The saved scenario is the loaded one with `ticks` = the ticks run so far, one replication
//! (the live session is replicate 0), the same seed, and every shock so far at its tick: the
//! scenario's own that started, then the shocks and slider changes injected, in the order the
//! engines received them (shocks of one tick are applied in list order, so order matters).
//! Its time series are then the session's, tick for tick.

use crate::scenario::{self, Scenario, ShockSpec};

/// Why a session cannot be saved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SaveError {
    #[error("nothing has run yet: start or step the simulation before saving it as a scenario")]
    NothingRun,
    #[error("the saved scenario would not be valid: {0}")]
    Invalid(String),
}

/// What was changed so that the saved scenario is valid, for its header comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fitted {
    /// The scenario's warm-up, if it was shortened.
    pub warmup: Option<u32>,
    /// The scenario's `recovery.baseline`, if it was shortened.
    pub baseline: Option<u32>,
    /// The tick of the first shock kept, which they were shortened to fit.
    pub first_shock: Option<u32>,
}

/// The scenario that replays a session of `base` that ran `ticks_run` ticks with `injected`
/// shocks (each `at` earlier than `ticks_run`, with the durations they ended up with).
///
/// Warm-up and recovery baseline affect only summaries, never a tick's numbers; where a shock
/// was injected earlier than they allow, they are shortened so the file passes validation.
pub fn saved_scenario(
    base: &Scenario,
    injected: &[ShockSpec],
    ticks_run: u32,
) -> Result<(Scenario, Fitted), SaveError> {
    if ticks_run == 0 {
        return Err(SaveError::NothingRun);
    }
    let mut s = base.clone();
    s.scenario.ticks = ticks_run;
    s.scenario.replications = 1;
    s.sweep = Default::default();
    // Results go to results/<saved file stem>, never over the original scenario's results.
    s.output.dir = None;
    s.shocks = base
        .shocks
        .iter()
        .chain(injected)
        .filter(|sh| sh.at < ticks_run)
        .cloned()
        .collect();
    let mut fitted = Fitted {
        first_shock: s.shocks.iter().map(|sh| sh.at).min(),
        ..Fitted::default()
    };
    let latest_warmup = match fitted.first_shock {
        Some(first) => first.saturating_sub(1).min(ticks_run - 1),
        None => ticks_run - 1,
    };
    if s.scenario.warmup > latest_warmup {
        fitted.warmup = Some(s.scenario.warmup);
        s.scenario.warmup = latest_warmup;
    }
    if let Some(first) = s.shocks.iter().map(|sh| sh.at).min() {
        let room = first.saturating_sub(s.scenario.warmup).max(1);
        if s.recovery.baseline > room {
            fitted.baseline = Some(s.recovery.baseline);
            s.recovery.baseline = room;
        }
    }
    let problems = scenario::check(&s);
    if let Some(p) = problems.first() {
        return Err(SaveError::Invalid(format!("{}: {}", p.path, p.message)));
    }
    Ok((s, fitted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{OrgSpec, ShockKind, parse_str, to_toml};

    fn surge(name: &str, at: u32) -> ShockSpec {
        ShockSpec {
            name: name.into(),
            at,
            duration: Some(10),
            kind: ShockKind::Surge {
                factor: 2.0,
                region: None,
            },
        }
    }

    fn base() -> Scenario {
        let mut s = Scenario::new("b", 1000, 5.0, vec![OrgSpec::tree("H", 3, 3)]);
        s.scenario.warmup = 100;
        s.shocks = vec![surge("planned early", 300), surge("planned late", 800)];
        s.sweep.axes = vec![crate::scenario::SweepAxis {
            path: "work.rate".into(),
            values: vec![crate::scenario::SweepValue::Float(2.0)],
            range: None,
        }];
        s
    }

    #[test]
    fn keeps_the_shocks_that_started_and_the_injected_in_order() {
        let (s, fitted) = saved_scenario(&base(), &[surge("button", 500)], 600).unwrap();
        let names: Vec<&str> = s.shocks.iter().map(|sh| sh.name.as_str()).collect();
        assert_eq!(names, ["planned early", "button"]);
        assert_eq!((s.scenario.ticks, s.scenario.replications), (600, 1));
        assert!(s.sweep.is_empty() && s.output.dir.is_none());
        assert_eq!((fitted.warmup, fitted.baseline), (None, None));
        let text = to_toml(&s);
        assert_eq!(parse_str(&text, "saved.toml").unwrap(), s);
    }

    #[test]
    fn shortens_warmup_and_baseline_to_fit_an_early_shock() {
        let (s, fitted) = saved_scenario(&base(), &[surge("button", 40)], 60).unwrap();
        assert_eq!(s.scenario.warmup, 39);
        assert_eq!(s.recovery.baseline, 1);
        assert_eq!(
            fitted,
            Fitted {
                warmup: Some(100),
                baseline: Some(100),
                first_shock: Some(40),
            }
        );
        assert!(crate::scenario::check(&s).is_empty());
        // No shock at all, fewer ticks than the warm-up.
        let mut quiet = base();
        quiet.shocks.clear();
        let (s, _) = saved_scenario(&quiet, &[], 5).unwrap();
        assert_eq!((s.scenario.ticks, s.scenario.warmup), (5, 4));
    }

    #[test]
    fn nothing_run_nothing_saved() {
        assert_eq!(
            saved_scenario(&base(), &[], 0).unwrap_err(),
            SaveError::NothingRun
        );
    }
}
