//! From a resolved [`Scenario`] back to scenario TOML, every default written out.
//!
//! Reading what this writes gives the same scenario (`parse_str(&to_toml(&s)) == s`), so a
//! scenario changed in code — the live dashboard's session, with the shocks a facilitator
//! injected — can be saved and replayed by `orgsim run` to the same numbers. The layout follows
//! the shipped scenarios: one table per section, inline tables for distributions and targets.

use std::fmt::Write;

use super::types::*;

/// The scenario as TOML text that reads back to the same scenario.
pub fn to_toml(s: &Scenario) -> String {
    let mut w = Writer(String::new());
    w.meta(&s.scenario);
    w.work(&s.work);
    w.quality(&s.quality);
    for org in &s.orgs {
        w.org(org);
    }
    for shock in &s.shocks {
        w.shock(shock);
    }
    w.recovery(&s.recovery);
    w.output(&s.output);
    w.sweep(&s.sweep);
    w.0
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float that reads back to the same bits: Rust's shortest round-trip digits, always
/// with a decimal point or an exponent so TOML reads a float.
fn float(x: f64) -> String {
    format!("{x:?}")
}

fn floats(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|&x| float(x)).collect();
    format!("[{}]", items.join(", "))
}

fn dist(d: &Dist) -> String {
    match *d {
        Dist::Fixed(x) => format!("{{ fixed = {} }}", float(x)),
        Dist::Uniform(p) => format!("{{ uniform = {} }}", floats(&p)),
        Dist::Beta(p) => format!("{{ beta = {} }}", floats(&p)),
        Dist::Gamma(p) => format!("{{ gamma = {} }}", floats(&p)),
        Dist::Exponential(m) => format!("{{ exponential = {} }}", float(m)),
        Dist::Lognormal(p) => format!("{{ lognormal = {} }}", floats(&p)),
    }
}

fn per_level(v: &PerLevel) -> String {
    match v {
        PerLevel::All(x) => float(*x),
        PerLevel::Levels(v) => floats(v),
    }
}

struct Writer(String);

impl Writer {
    fn line(&mut self, key: &str, value: impl AsRef<str>) {
        let _ = writeln!(self.0, "{key} = {}", value.as_ref());
    }

    fn header(&mut self, h: &str) {
        if !self.0.is_empty() {
            self.0.push('\n');
        }
        let _ = writeln!(self.0, "{h}");
    }

    fn meta(&mut self, m: &Meta) {
        self.header("[scenario]");
        self.line("name", quoted(&m.name));
        if !m.description.is_empty() {
            self.line("description", quoted(&m.description));
        }
        self.line("ticks", m.ticks.to_string());
        self.line("warmup", m.warmup.to_string());
        self.line("tick_unit", quoted(&m.tick_unit));
        self.line("replications", m.replications.to_string());
        self.line("seed", m.seed.to_string());
        if let Some(c) = &m.compare_to {
            self.line("compare_to", quoted(c));
        }
    }

    fn work(&mut self, w: &Work) {
        self.header("[work]");
        self.line("rate", float(w.rate));
        self.line("complexity", dist(&w.complexity));
        self.line("effort", dist(&w.effort));
        self.line("cross_unit", float(w.cross_unit));
        self.line("reach", dist(&w.reach));
        self.line("stake", dist(&w.stake));
        if let Some(h) = w.half_life {
            self.line("half_life", float(h));
        }
    }

    fn quality(&mut self, q: &Quality) {
        self.header("[quality]");
        self.line("sharpness", float(q.sharpness));
        self.line("filter_loss", float(q.filter_loss));
        self.line("bad_penalty", float(q.bad_penalty));
        self.line("rework", float(q.rework));
    }

    fn org(&mut self, o: &OrgSpec) {
        self.header("[[org]]");
        self.line("name", quoted(&o.name));
        match &o.structure {
            Structure::Tree { span, levels } => {
                self.line("structure", quoted("tree"));
                self.line("span", span.to_string());
                self.line("levels", levels.to_string());
            }
            Structure::Teams {
                teams,
                team_size,
                network,
            } => {
                self.line("structure", quoted("teams"));
                self.line("teams", teams.to_string());
                self.line("team_size", team_size.to_string());
                let n = match network {
                    Network::Ring => "{ kind = \"ring\" }".to_string(),
                    Network::Complete => "{ kind = \"complete\" }".to_string(),
                    Network::SmallWorld { degree, rewire } => format!(
                        "{{ kind = \"small_world\", degree = {degree}, rewire = {} }}",
                        float(*rewire)
                    ),
                };
                self.line("network", n);
            }
        }
        self.line("capacity", per_level(&o.capacity));
        self.line("competence", per_level(&o.competence));
        self.line("authority", per_level(&o.authority));
        self.line("link_delay", float(o.link_delay));
        self.line("boundary", float(o.boundary));
        self.line("referral_effort", float(o.referral_effort));
        self.line("consult_effort", float(o.consult_effort));
        self.line("patience", o.patience.to_string());
        self.line("learning", float(o.learning));
        self.line("alignment", float(o.alignment));
        let mode = match o.cross_unit {
            CrossUnitMode::Escalate => "escalate",
            CrossUnitMode::Consult => "consult",
        };
        self.line("cross_unit", quoted(mode));
    }

    fn shock(&mut self, s: &ShockSpec) {
        self.header("[[shock]]");
        self.line("kind", quoted(s.kind_name()));
        self.line("name", quoted(&s.name));
        self.line("at", s.at.to_string());
        if let Some(d) = s.duration {
            self.line("duration", d.to_string());
        }
        match &s.kind {
            ShockKind::Surge { factor, region } => {
                self.line("factor", float(*factor));
                if let Some(r) = region {
                    self.line("region", floats(r));
                }
            }
            ShockKind::Loss {
                target,
                reroute_after,
            } => {
                let t = match target {
                    LossTarget::Top => quoted("top"),
                    LossTarget::Level(l) => format!("{{ level = {l} }}"),
                    LossTarget::Fraction(f) => format!("{{ fraction = {} }}", float(*f)),
                    LossTarget::Region(r) => format!("{{ region = {} }}", floats(r)),
                };
                self.line("target", t);
                if let Some(r) = reroute_after {
                    self.line("reroute_after", r.to_string());
                }
            }
            ShockKind::Outage {
                delay_factor,
                links,
            } => {
                self.line("delay_factor", float(*delay_factor));
                let l = match links {
                    Links::All => "all",
                    Links::Vertical => "vertical",
                    Links::Lateral => "lateral",
                };
                self.line("links", quoted(l));
            }
            ShockKind::Shift {
                complexity_shift,
                competence_drop,
            } => {
                self.line("complexity_shift", float(*complexity_shift));
                self.line("competence_drop", float(*competence_drop));
            }
            ShockKind::Absence {
                fraction,
                reroute_after,
            } => {
                self.line("fraction", float(*fraction));
                if let Some(r) = reroute_after {
                    self.line("reroute_after", r.to_string());
                }
            }
            ShockKind::Delegation { authority, level } => {
                self.line("authority", float(*authority));
                self.line("level", level.to_string());
            }
        }
    }

    fn recovery(&mut self, r: &Recovery) {
        self.header("[recovery]");
        let metrics: Vec<String> = r.metrics.iter().map(|m| quoted(m.name())).collect();
        self.line("metrics", format!("[{}]", metrics.join(", ")));
        self.line("window", r.window.to_string());
        self.line("baseline", r.baseline.to_string());
        self.line("band", float(r.band));
        self.line("floor", float(r.floor));
        self.line("hold", r.hold.to_string());
    }

    fn output(&mut self, o: &Output) {
        self.header("[output]");
        if let Some(dir) = &o.dir {
            self.line("dir", quoted(&dir.to_string_lossy()));
        }
        let formats: Vec<String> = o
            .formats
            .iter()
            .map(|f| {
                quoted(match f {
                    Format::Png => "png",
                    Format::Svg => "svg",
                })
            })
            .collect();
        self.line("formats", format!("[{}]", formats.join(", ")));
        if let Some(kept) = o.timeseries {
            let name = match kept {
                Timeseries::All => "all",
                Timeseries::Summary => "summary",
                Timeseries::Off => "none",
            };
            self.line("timeseries", quoted(name));
        }
    }

    fn sweep(&mut self, sweep: &Sweep) {
        if sweep.is_empty() {
            return;
        }
        self.header("[sweep]");
        self.line("design", quoted(sweep.design.name()));
        if let Some(n) = sweep.samples {
            self.line("samples", n.to_string());
        }
        match &sweep.scale_rate_with {
            Some(RateScale::Frontline(None)) => self.line("scale_rate_with", quoted("frontline")),
            Some(RateScale::Frontline(Some(org))) => self.line(
                "scale_rate_with",
                format!("{{ frontline = {} }}", quoted(org)),
            ),
            None => {}
        }
        let metrics: Vec<String> = sweep.metrics.iter().map(|m| quoted(m)).collect();
        self.line("metrics", format!("[{}]", metrics.join(", ")));
        for axis in &sweep.axes {
            let value = match &axis.range {
                Some(r) => {
                    let mut parts = vec![
                        format!("from = {}", float(r.from)),
                        format!("to = {}", float(r.to)),
                    ];
                    if let Some(steps) = r.steps {
                        parts.push(format!("steps = {steps}"));
                    }
                    if r.log {
                        parts.push("log = true".into());
                    }
                    format!("{{ {} }}", parts.join(", "))
                }
                None => {
                    let values: Vec<String> = axis
                        .values
                        .iter()
                        .map(|v| match v {
                            SweepValue::Int(i) => i.to_string(),
                            SweepValue::Float(x) => float(*x),
                            SweepValue::Text(t) => quoted(t),
                        })
                        .collect();
                    format!("[{}]", values.join(", "))
                }
            };
            self.line(&quoted(&axis.path), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{parse_str, shipped};

    #[test]
    fn every_shipped_scenario_reads_back_the_same() {
        for s in shipped() {
            let scenario = parse_str(s.text, &format!("{}.toml", s.name)).unwrap();
            let text = to_toml(&scenario);
            let again = parse_str(&text, "written.toml")
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", s.name));
            assert_eq!(again, scenario, "{}", s.name);
        }
    }

    #[test]
    fn every_kind_of_value_reads_back_the_same() {
        let text = r#"
[scenario]
name = "Quotes \" and \\ backslashes\tand tabs"
description = "line one\nline two"
ticks = 3000
warmup = 100
compare_to = "Teams"
seed = 9007199254740993
[work]
rate = 12.5
complexity = { uniform = [0.1, 0.9] }
effort = { gamma = [2.0, 0.5] }
reach = { fixed = 0.1 }
stake = { exponential = 2.0 }
cross_unit = 0.3
[[org]]
name = "Tree"
structure = "tree"
span = 3
levels = 3
capacity = [1.0, 2.5, 4.0]
authority = 0.7
[[org]]
name = "Teams"
structure = "teams"
teams = 5
team_size = 2
network = { kind = "ring" }
[[org]]
name = "All"
structure = "teams"
teams = 4
team_size = 2
network = { kind = "complete" }
[[shock]]
kind = "surge"
at = 400
factor = 0.1
region = [0.25, 0.5]
[[shock]]
kind = "loss"
at = 500
target = { region = [0.0, 0.3] }
[[shock]]
kind = "loss"
name = "fraction"
at = 500
target = { fraction = 0.25 }
reroute_after = 3
[[shock]]
kind = "outage"
at = 600
duration = 5
delay_factor = 2.5
links = "lateral"
[[shock]]
kind = "shift"
at = 700
complexity_shift = -0.1
[[shock]]
kind = "absence"
at = 800
fraction = 0.3
[[shock]]
kind = "delegation"
at = 900
duration = 50
authority = 0.75
level = 0
[recovery]
metrics = ["backlog", "good_rate"]
floor = 1e-7
[output]
dir = "results/x y"
formats = ["svg"]
[sweep]
"work.rate" = { from = 1.0, to = 2.0, steps = 3 }
"org.Tree.span" = [2, 4]
"org.Tree.cross_unit" = ["consult", "escalate"]
"#;
        let s = parse_str(text, "all.toml").unwrap();
        let again = parse_str(&to_toml(&s), "all.toml").unwrap();
        assert_eq!(again, s);
    }
}
