//! Ranges and consistency of a resolved scenario.
//!
//! Works on [`Scenario`] rather than on TOML so the same rules hold for a scenario built in code
//! and for every point of a sweep. Each problem names the path of the value at fault
//! (`org[0].capacity[2]`, `shock[1].at`) so the loader can point at it in the file.

use super::schema::closest;
use super::types::*;

/// A value that is out of range or inconsistent with another.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Path of the value at fault: `scenario.ticks`, `org[0].capacity[2]`, `shock[1].at`.
    pub path: String,
    /// What is wrong, in one line.
    pub message: String,
    /// What would be valid, if there is more to say than the message.
    pub help: Option<String>,
    /// Other values the problem depends on (a shock's `at` and `scenario.ticks`).
    pub involves: Vec<String>,
}

/// Every problem with a resolved scenario's values; empty when it can be run.
pub fn check(s: &Scenario) -> Vec<Problem> {
    let mut c = Checker { out: Vec::new() };
    c.meta(s);
    c.work(&s.work);
    c.quality(&s.quality);
    for (i, org) in s.orgs.iter().enumerate() {
        c.org(i, org, s);
    }
    for (i, shock) in s.shocks.iter().enumerate() {
        c.shock(i, shock, s);
    }
    c.recovery(s);
    c.out
}

struct Checker {
    out: Vec<Problem>,
}

/// Most decisions per tick (`work.rate`).
pub(crate) const MAX_RATE: f64 = 1e6;
/// Largest effort or stake a distribution may be centred on: sums over millions of decisions
/// stay far from overflow.
pub(crate) const MAX_AMOUNT: f64 = 1e12;
/// Range of a beta's alpha and beta.
const BETA_PARAMETER: (f64, f64) = (0.01, 1000.0);
/// Range of a gamma's shape.
const GAMMA_SHAPE: (f64, f64) = (0.01, 1e4);
/// Range of a lognormal's mu: e^50 ≈ 5e21 is the median.
const LOGNORMAL_MU: (f64, f64) = (-50.0, 50.0);
/// Range of a lognormal's sigma.
const LOGNORMAL_SIGMA: (f64, f64) = (0.0, 10.0);
/// Largest `link_delay` and outage `delay_factor`.
pub(crate) const MAX_DELAY: f64 = 1e6;
/// Most levels of a tree (a chain of `span = 1` managers included).
pub(crate) const MAX_LEVELS: u32 = 1000;
/// Largest surge `factor`.
const MAX_SURGE: f64 = 1000.0;

/// Formats a number as written by a person (`3`, `0.25`).
fn num(x: f64) -> String {
    // Very large or small numbers as written in a file (`1e300`), not 300 digits.
    if x.is_finite() && x != 0.0 && !(1e-6..1e16).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

impl Checker {
    fn push(&mut self, path: String, message: String, help: Option<String>, involves: &[&str]) {
        let involves = involves.iter().map(|s| s.to_string()).collect();
        self.out.push(Problem {
            path,
            message,
            help,
            involves,
        });
    }

    fn at_least(&mut self, path: &str, what: &str, x: f64, min: f64) {
        if x == f64::INFINITY {
            self.push(
                path.into(),
                format!("{what} must be a finite number, found {}", num(x)),
                None,
                &[],
            );
        } else if x.is_nan() || x < min {
            self.push(
                path.into(),
                format!("{what} must be at least {}, found {}", num(min), num(x)),
                None,
                &[],
            );
        }
    }

    /// Only the upper bound: [`Checker::at_least`] reports the rest.
    fn at_most(&mut self, path: &str, what: &str, x: f64, max: f64) {
        if x > max && x.is_finite() {
            self.push(
                path.into(),
                format!("{what} must be at most {}, found {}", num(max), num(x)),
                None,
                &[],
            );
        }
    }

    fn positive(&mut self, path: &str, what: &str, x: f64) {
        if x == f64::INFINITY {
            self.push(
                path.into(),
                format!("{what} must be a finite number, found {}", num(x)),
                None,
                &[],
            );
        } else if x.is_nan() || x <= 0.0 {
            self.push(
                path.into(),
                format!("{what} must be greater than 0, found {}", num(x)),
                None,
                &[],
            );
        }
    }

    fn within(&mut self, path: &str, what: &str, x: f64, lo: f64, hi: f64) {
        if !(lo..=hi).contains(&x) {
            let msg = format!(
                "{what} must be in [{}, {}], found {}",
                num(lo),
                num(hi),
                num(x)
            );
            self.push(path.into(), msg, None, &[]);
        }
    }

    fn probability(&mut self, path: &str, what: &str, x: f64) {
        if !(0.0..=1.0).contains(&x) {
            let msg = format!("{what} must be a probability in [0, 1], found {}", num(x));
            self.push(path.into(), msg, None, &[]);
        }
    }

    /// A distribution parameter in its validated range (`docs/scenario-reference.md`
    /// "Distributions"): beyond it draws overflow, lose all precision, or take the estimate
    /// longer than the run.
    fn parameter(&mut self, path: &str, what: &str, name: &str, x: f64, lo: f64, hi: f64) {
        if !(lo..=hi).contains(&x) {
            let msg = format!(
                "{what}: {name} must be in [{}, {}], found {}",
                num(lo),
                num(hi),
                num(x)
            );
            let help = "wider parameters overflow or give draws no better than a fixed value";
            self.push(path.into(), msg, Some(help.into()), &[]);
        }
    }

    fn whole_at_least(&mut self, path: &str, what: &str, x: u32, min: u32) {
        if x < min {
            self.push(
                path.into(),
                format!("{what} must be at least {min}, found {x}"),
                None,
                &[],
            );
        }
    }

    fn meta(&mut self, s: &Scenario) {
        let m = &s.scenario;
        self.whole_at_least("scenario.ticks", "`ticks`", m.ticks, 1);
        if m.ticks >= 1 && m.warmup >= m.ticks {
            self.push(
                "scenario.warmup".into(),
                format!(
                    "`warmup` ({}) must be less than `ticks` ({})",
                    m.warmup, m.ticks
                ),
                Some("the warm-up is discarded from every summary; leave ticks after it".into()),
                &["scenario.ticks"],
            );
        }
        self.whole_at_least("scenario.replications", "`replications`", m.replications, 1);
        if m.tick_unit.trim().is_empty() {
            self.push(
                "scenario.tick_unit".into(),
                "`tick_unit` must not be empty".into(),
                Some("e.g. \"hour\" or \"day\"".into()),
                &[],
            );
        }
        if let Some(name) = &m.compare_to
            && !s.orgs.iter().any(|o| &o.name == name)
        {
            let names: Vec<&str> = s.orgs.iter().map(|o| o.name.as_str()).collect();
            let help = match closest(name, &names) {
                Some(near) => format!("did you mean `{near}`? orgs: {}", names.join(", ")),
                None => format!("orgs in this scenario: {}", names.join(", ")),
            };
            self.push(
                "scenario.compare_to".into(),
                format!("`compare_to` names no org: `{name}`"),
                Some(help),
                &["org"],
            );
        }
    }

    fn work(&mut self, w: &Work) {
        if w.rate.is_nan() || w.rate < 0.0 {
            self.push(
                "work.rate".into(),
                format!("`rate` must not be negative, found {}", num(w.rate)),
                None,
                &[],
            );
        } else if w.rate > MAX_RATE {
            self.push(
                "work.rate".into(),
                format!(
                    "`rate` must be at most {}, found {}",
                    num(MAX_RATE),
                    num(w.rate)
                ),
                Some(
                    "decisions per tick for the whole organisation; use a longer tick for more"
                        .into(),
                ),
                &[],
            );
        }
        self.dist(
            "work.complexity",
            "`complexity`",
            &w.complexity,
            Support::Share,
        );
        self.dist("work.effort", "`effort`", &w.effort, Support::Positive);
        self.probability("work.cross_unit", "`cross_unit`", w.cross_unit);
        self.dist("work.reach", "`reach`", &w.reach, Support::Share);
        self.dist("work.stake", "`stake`", &w.stake, Support::Positive);
        if let Some(h) = w.half_life {
            self.positive("work.half_life", "`half_life`", h);
        }
    }

    /// A distribution's parameters, and that its values fit what it draws.
    fn dist(&mut self, path: &str, what: &str, d: &Dist, support: Support) {
        let share = matches!(support, Support::Share);
        match *d {
            Dist::Fixed(x) => {
                let p = format!("{path}.fixed");
                if share {
                    self.within(&p, what, x, 0.0, 1.0);
                } else if x > MAX_AMOUNT && x.is_finite() {
                    self.within(&p, what, x, 0.0, MAX_AMOUNT);
                } else {
                    self.positive(&p, what, x);
                }
            }
            Dist::Uniform([a, b]) => {
                let p = format!("{path}.uniform");
                if a.is_infinite() || b.is_infinite() {
                    let msg = format!(
                        "{what}: uniform bounds must be finite numbers, found [{}, {}]",
                        num(a),
                        num(b)
                    );
                    self.push(p.clone(), msg, None, &[]);
                } else if a.is_nan() || b.is_nan() || a > b {
                    let msg = format!(
                        "{what}: uniform needs low ≤ high, found [{}, {}]",
                        num(a),
                        num(b)
                    );
                    self.push(p.clone(), msg, None, &[]);
                } else if share && !(a >= 0.0 && b <= 1.0) {
                    let msg = format!(
                        "{what}: uniform bounds must be in [0, 1], found [{}, {}]",
                        num(a),
                        num(b)
                    );
                    self.push(p, msg, None, &[]);
                } else if !share && b > MAX_AMOUNT && b.is_finite() {
                    let msg = format!(
                        "{what}: uniform bounds must be at most {}, found [{}, {}]",
                        num(MAX_AMOUNT),
                        num(a),
                        num(b)
                    );
                    self.push(p, msg, None, &[]);
                } else if !share && (a < 0.0 || b <= 0.0) {
                    let msg = format!(
                        "{what} must be positive: uniform bounds must be ≥ 0 with high > 0, found [{}, {}]",
                        num(a),
                        num(b)
                    );
                    self.push(p, msg, None, &[]);
                }
            }
            Dist::Beta([a, b]) => {
                let (lo, hi) = BETA_PARAMETER;
                self.parameter(&format!("{path}.beta[0]"), what, "beta's alpha", a, lo, hi);
                self.parameter(&format!("{path}.beta[1]"), what, "beta's beta", b, lo, hi);
            }
            Dist::Gamma([k, theta]) => {
                let (lo, hi) = GAMMA_SHAPE;
                self.parameter(
                    &format!("{path}.gamma[0]"),
                    what,
                    "gamma's shape",
                    k,
                    lo,
                    hi,
                );
                let p = format!("{path}.gamma[1]");
                if theta > MAX_AMOUNT && theta.is_finite() {
                    self.parameter(&p, what, "gamma's scale", theta, 0.0, MAX_AMOUNT);
                } else {
                    self.positive(&p, &format!("{what}: gamma's scale"), theta);
                }
            }
            Dist::Exponential(mean) => {
                let p = format!("{path}.exponential");
                if mean > MAX_AMOUNT && mean.is_finite() {
                    self.parameter(&p, what, "exponential's mean", mean, 0.0, MAX_AMOUNT);
                } else {
                    self.positive(&p, &format!("{what}: exponential's mean"), mean);
                }
            }
            Dist::Lognormal([mu, sigma]) => {
                let (lo, hi) = LOGNORMAL_MU;
                self.parameter(
                    &format!("{path}.lognormal[0]"),
                    what,
                    "lognormal's mu",
                    mu,
                    lo,
                    hi,
                );
                let (lo, hi) = LOGNORMAL_SIGMA;
                self.parameter(
                    &format!("{path}.lognormal[1]"),
                    what,
                    "lognormal's sigma",
                    sigma,
                    lo,
                    hi,
                );
            }
        }
    }

    fn quality(&mut self, q: &Quality) {
        self.positive("quality.sharpness", "`sharpness`", q.sharpness);
        self.probability("quality.filter_loss", "`filter_loss`", q.filter_loss);
        self.within(
            "quality.bad_penalty",
            "`bad_penalty`",
            q.bad_penalty,
            0.0,
            1000.0,
        );
        self.probability("quality.rework", "`rework`", q.rework);
    }

    fn org(&mut self, i: usize, org: &OrgSpec, s: &Scenario) {
        let p = |key: &str| format!("org[{i}].{key}");
        let who = format!("org `{}`", org.name);
        if s.orgs[..i].iter().any(|o| o.name == org.name) {
            self.push(
                p("name"),
                format!("two orgs are named `{}`", org.name),
                Some(
                    "give each [[org]] its own name: sweeps and reports refer to orgs by name"
                        .into(),
                ),
                &[],
            );
        }
        let teams = match org.structure {
            Structure::Tree { span, levels } => {
                self.whole_at_least(&p("span"), &format!("`span` of {who}"), span, 1);
                self.whole_at_least(&p("levels"), &format!("`levels` of {who}"), levels, 1);
                if levels > MAX_LEVELS {
                    self.push(
                        p("levels"),
                        format!("`levels` of {who} must be at most {MAX_LEVELS}, found {levels}"),
                        None,
                        &[],
                    );
                }
                false
            }
            Structure::Teams {
                teams,
                team_size,
                network,
            } => {
                self.whole_at_least(&p("teams"), &format!("`teams` of {who}"), teams, 1);
                self.whole_at_least(
                    &p("team_size"),
                    &format!("`team_size` of {who}"),
                    team_size,
                    1,
                );
                if let Network::SmallWorld { degree, rewire } = network {
                    self.whole_at_least(
                        &p("network.degree"),
                        &format!("network `degree` of {who}"),
                        degree,
                        1,
                    );
                    self.probability(
                        &p("network.rewire"),
                        &format!("network `rewire` of {who}"),
                        rewire,
                    );
                }
                true
            }
        };
        let levels = org.levels();
        let lists = [
            ("capacity", &org.capacity),
            ("competence", &org.competence),
            ("authority", &org.authority),
        ];
        for (key, value) in lists {
            let what = format!("`{key}` of {who}");
            match value {
                PerLevel::Levels(v) if teams && v.len() != 1 => {
                    self.push(
                        p(key),
                        format!(
                            "{what} is a list of {} values, but teams have no levels",
                            v.len()
                        ),
                        Some(format!(
                            "write one number for every member, e.g. `{key} = {}`",
                            num(v.first().copied().unwrap_or(1.0))
                        )),
                        &[],
                    );
                }
                PerLevel::Levels(v) if !teams && v.len() != levels as usize => {
                    self.push(p(key), format!("{what} lists {} values, but the tree has {levels} levels", v.len()), Some(format!("give one value per level, frontline first ({levels} values), or one number for all")), &[&p("levels")]);
                }
                _ => {}
            }
            let values: Vec<f64> = match value {
                PerLevel::All(x) => vec![*x],
                PerLevel::Levels(v) => v.clone(),
            };
            for (j, x) in values.iter().enumerate() {
                let path = match value {
                    PerLevel::All(_) => p(key),
                    PerLevel::Levels(_) => format!("{}[{j}]", p(key)),
                };
                match key {
                    "capacity" => self.positive(&path, &what, *x),
                    _ => self.within(&path, &what, *x, 0.0, 1.0),
                }
            }
        }
        let what = format!("`link_delay` of {who}");
        self.at_least(&p("link_delay"), &what, org.link_delay, 0.0);
        self.at_most(&p("link_delay"), &what, org.link_delay, MAX_DELAY);
        self.within(
            &p("boundary"),
            &format!("`boundary` of {who}"),
            org.boundary,
            -1.0,
            1.0,
        );
        self.at_least(
            &p("referral_effort"),
            &format!("`referral_effort` of {who}"),
            org.referral_effort,
            0.0,
        );
        self.at_least(
            &p("consult_effort"),
            &format!("`consult_effort` of {who}"),
            org.consult_effort,
            0.0,
        );
        self.probability(
            &p("learning"),
            &format!("`learning` of {who}"),
            org.learning,
        );
        self.probability(
            &p("alignment"),
            &format!("`alignment` of {who}"),
            org.alignment,
        );
        if teams && org.cross_unit == CrossUnitMode::Escalate {
            self.push(
                p("cross_unit"),
                format!("{who} is teams, and `cross_unit = \"escalate\"` needs a tree"),
                Some(
                    "teams have no common manager to escalate to: use `cross_unit = \"consult\"`"
                        .into(),
                ),
                &[],
            );
        }
    }

    fn shock(&mut self, i: usize, shock: &ShockSpec, s: &Scenario) {
        let p = |key: &str| format!("shock[{i}].{key}");
        let who = format!("shock `{}`", shock.name);
        let m = &s.scenario;
        if s.shocks[..i].iter().any(|o| o.name == shock.name) {
            self.push(p("name"), format!("two shocks are named `{}`", shock.name), Some("give each [[shock]] its own `name`: recovery metrics and sweeps refer to shocks by name".into()), &[]);
        }
        if m.warmup >= m.ticks {
            // Reported once, as a problem with `warmup`; no shock start could be valid.
        } else if shock.at >= m.ticks {
            self.push(
                p("at"),
                format!(
                    "{who} starts at {}, after the horizon ends (ticks = {})",
                    shock.at, m.ticks
                ),
                Some(format!("`at` must be in [{}, {})", m.warmup, m.ticks)),
                &["scenario.ticks"],
            );
        } else if shock.at < m.warmup {
            self.push(
                p("at"),
                format!(
                    "{who} starts at {}, inside the warm-up (warmup = {})",
                    shock.at, m.warmup
                ),
                Some(format!(
                    "`at` must be in [{}, {}): summaries ignore the warm-up",
                    m.warmup, m.ticks
                )),
                &["scenario.warmup", "scenario.ticks"],
            );
        } else if shock.at - m.warmup < s.recovery.baseline {
            self.push(
                p("at"),
                format!(
                    "{who} at {} leaves {} ticks of history after warm-up; recovery.baseline is {}",
                    shock.at,
                    shock.at - m.warmup,
                    s.recovery.baseline
                ),
                Some(format!(
                    "start the shock at {} or later, or shorten `recovery.baseline` or `warmup`",
                    m.warmup.saturating_add(s.recovery.baseline)
                )),
                &["scenario.warmup", "scenario.ticks", "recovery.baseline"],
            );
        }
        if let Some(d) = shock.duration {
            self.whole_at_least(&p("duration"), &format!("`duration` of {who}"), d, 1);
        }
        match &shock.kind {
            ShockKind::Surge { factor, region } => {
                self.within(
                    &p("factor"),
                    &format!("`factor` of {who}"),
                    *factor,
                    0.0,
                    MAX_SURGE,
                );
                if let Some(r) = region {
                    self.region(&p("region"), &who, *r);
                }
            }
            ShockKind::Loss { target, .. } => match *target {
                LossTarget::Top => {}
                LossTarget::Level(n) => {
                    for org in &s.orgs {
                        match org.structure {
                            Structure::Teams { .. } => self.push(p("target"), format!("{who} targets level {n}, but org `{}` is teams and has no levels", org.name), Some("use `target = \"top\"`, `{ fraction = F }` or `{ region = [a, b] }`, which apply to every org".into()), &["org"]),
                            Structure::Tree { levels, .. } if n >= levels => self.push(p("target"), format!("{who} targets level {n}, but org `{}` has levels 0 to {}", org.name, levels.saturating_sub(1)), Some(format!("frontline is level 0 and the top is level {}", levels.saturating_sub(1))), &["org"]),
                            Structure::Tree { .. } => {}
                        }
                    }
                }
                LossTarget::Fraction(f) => {
                    if !(f > 0.0 && f <= 1.0) {
                        self.push(
                            p("target"),
                            format!(
                                "`target` fraction of {who} must be in (0, 1], found {}",
                                num(f)
                            ),
                            None,
                            &[],
                        );
                    }
                }
                LossTarget::Region(r) => self.region(&p("target"), &who, r),
            },
            ShockKind::Outage { delay_factor, .. } => {
                let what = format!("`delay_factor` of {who}");
                self.at_least(&p("delay_factor"), &what, *delay_factor, 1.0);
                self.at_most(&p("delay_factor"), &what, *delay_factor, MAX_DELAY);
            }
            ShockKind::Shift {
                complexity_shift,
                competence_drop,
            } => {
                self.within(
                    &p("complexity_shift"),
                    &format!("`complexity_shift` of {who}"),
                    *complexity_shift,
                    -1.0,
                    1.0,
                );
                self.probability(
                    &p("competence_drop"),
                    &format!("`competence_drop` of {who}"),
                    *competence_drop,
                );
            }
            ShockKind::Delegation { authority, level } => {
                self.within(
                    &p("authority"),
                    &format!("`authority` of {who}"),
                    *authority,
                    0.0,
                    1.0,
                );
                for org in &s.orgs {
                    match org.structure {
                        Structure::Teams { .. } if *level > 0 => self.push(
                            p("level"),
                            format!("{who} changes level {level}, but org `{}` is teams and has only level 0", org.name),
                            Some("in teams every member is frontline: use `level = 0` (the default)".into()),
                            &["org"],
                        ),
                        Structure::Tree { levels, .. } if *level >= levels => self.push(
                            p("level"),
                            format!("{who} changes level {level}, but org `{}` has levels 0 to {}", org.name, levels.saturating_sub(1)),
                            Some(format!("frontline is level 0 and the top is level {}", levels.saturating_sub(1))),
                            &["org"],
                        ),
                        _ => {}
                    }
                }
            }
            ShockKind::Absence { fraction, .. } => {
                if !(*fraction > 0.0 && *fraction <= 1.0) {
                    self.push(
                        p("fraction"),
                        format!(
                            "`fraction` of {who} must be in (0, 1], found {}",
                            num(*fraction)
                        ),
                        None,
                        &[],
                    );
                }
            }
        }
    }

    fn region(&mut self, path: &str, who: &str, [a, b]: [f64; 2]) {
        if !(0.0 <= a && a < b && b <= 1.0) {
            self.push(
                path.into(),
                format!(
                    "region of {who} must satisfy 0 ≤ a < b ≤ 1, found [{}, {}]",
                    num(a),
                    num(b)
                ),
                Some("places are the interval [0, 1)".into()),
                &[],
            );
        }
    }

    fn recovery(&mut self, s: &Scenario) {
        let r = &s.recovery;
        self.whole_at_least("recovery.window", "`recovery.window`", r.window, 1);
        self.whole_at_least("recovery.baseline", "`recovery.baseline`", r.baseline, 1);
        self.whole_at_least("recovery.hold", "`recovery.hold`", r.hold, 1);
        self.at_least("recovery.band", "`recovery.band`", r.band, 0.0);
        self.at_least("recovery.floor", "`recovery.floor`", r.floor, 0.0);
        if let Some(dir) = &s.output.dir
            && dir.as_os_str().is_empty()
        {
            self.push(
                "output.dir".into(),
                "`output.dir` must not be empty".into(),
                Some("leave it out for results/<file stem>".into()),
                &[],
            );
        }
    }
}

/// What values a distribution may take.
#[derive(Clone, Copy)]
enum Support {
    /// A share in [0, 1] (complexity, reach).
    Share,
    /// A positive amount (effort, stake).
    Positive,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        Scenario::new(
            "t",
            1000,
            10.0,
            vec![
                OrgSpec::tree("H", 4, 3),
                OrgSpec::teams("D", 4, 4, Network::Ring),
            ],
        )
    }

    fn paths(s: &Scenario) -> Vec<String> {
        check(s).into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn a_default_scenario_has_no_problems() {
        assert_eq!(check(&base()), vec![]);
    }

    #[test]
    fn per_level_list_must_match_levels() {
        let mut s = base();
        s.orgs[0].capacity = PerLevel::Levels(vec![1.0, 2.0]);
        assert_eq!(paths(&s), vec!["org[0].capacity"]);
        s.orgs[0].capacity = PerLevel::Levels(vec![1.0, 2.0, 3.0]);
        assert_eq!(paths(&s), Vec::<String>::new());
        s.orgs[1].competence = PerLevel::Levels(vec![0.5, 0.5]);
        assert_eq!(paths(&s), vec!["org[1].competence"]);
    }

    #[test]
    fn out_of_range_element_is_named_by_index() {
        let mut s = base();
        s.orgs[0].authority = PerLevel::Levels(vec![0.2, 1.5, 1.0]);
        assert_eq!(paths(&s), vec!["org[0].authority[1]"]);
    }

    #[test]
    fn escalate_on_teams_is_refused() {
        let mut s = base();
        s.orgs[1].cross_unit = CrossUnitMode::Escalate;
        let problems = check(&s);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("needs a tree"));
    }

    #[test]
    fn level_target_checks_every_org() {
        let mut s = base();
        s.shocks.push(ShockSpec {
            name: "l".into(),
            at: 500,
            duration: None,
            kind: ShockKind::Loss {
                target: LossTarget::Level(3),
                reroute_after: None,
            },
        });
        let messages: Vec<String> = check(&s).into_iter().map(|p| p.message).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("org `H` has levels 0 to 2"));
        assert!(messages[1].contains("org `D` is teams"));
    }

    #[test]
    fn shock_timing_against_horizon_warmup_and_baseline() {
        let mut s = base();
        let surge = |at| ShockSpec {
            name: format!("s{at}"),
            at,
            duration: Some(10),
            kind: ShockKind::Surge {
                factor: 2.0,
                region: None,
            },
        };
        s.shocks = vec![surge(1000), surge(50), surge(150), surge(200)];
        let messages: Vec<String> = check(&s).into_iter().map(|p| p.message).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("after the horizon ends"));
        assert!(messages[1].contains("inside the warm-up"));
        assert_eq!(
            messages[2],
            "shock `s150` at 150 leaves 50 ticks of history after warm-up; recovery.baseline is 100"
        );
    }
}
