//! `[[shock]]`: what happens to every org at a given tick, kind by kind.

use super::super::diagnostic::Pending;
use super::super::schema;
use super::super::types::*;
use super::reader::{Reader, Tbl};
use super::values::describe_short;
use toml::de::DeValue;

impl Reader {
    pub(super) fn shocks(&mut self, root: &Tbl<'_, '_>) -> Vec<ShockSpec> {
        let kinds: Vec<&str> = schema::SHOCK_KINDS.iter().map(|(k, _)| *k).collect();
        let mut out = Vec::new();
        for (mut t, i) in self.tables(root, "shock") {
            // A shock of no valid kind is left out of the scenario; the paths of the others
            // must follow their place in it, not in the file.
            let kind = t.get("kind").and_then(|v| v.get_ref().as_str());
            t.path = match kind {
                Some(k) if kinds.contains(&k) => format!("shock[{}]", out.len()),
                _ => format!("shock(unread {i})"),
            };
            self.spans.values.insert(t.path.clone(), t.span.clone());
            out.extend(self.shock(t));
        }
        out
    }

    fn shock(&mut self, mut t: Tbl<'_, '_>) -> Option<ShockSpec> {
        let kinds: Vec<&str> = schema::SHOCK_KINDS.iter().map(|(k, _)| *k).collect();
        let kind = self.choice(&t, "kind", &kinds);
        if kind.is_none() && !t.has("kind") {
            self.missing(
                &t,
                "kind",
                &format!("add `kind = \"surge\"`; kinds: {}", kinds.join(", ")),
            );
        }
        let at = self.uint(&t, "at");
        if at.is_none() && !t.has("at") {
            self.missing(&t, "at", "add `at = 600`: the tick the shock starts");
        }
        let duration = self.uint(&t, "duration");
        let Some(kind) = kind else {
            let all: Vec<&str> = schema::SHOCK
                .iter()
                .chain(schema::SHOCK_KINDS.iter().flat_map(|(_, k)| k.iter()))
                .copied()
                .collect();
            self.check_keys(&t, &all, &[]);
            return None;
        };
        let (kind_name, own) = schema::SHOCK_KINDS[kind];
        let at = at.unwrap_or(0);
        let name = self
            .string(&t, "name")
            .unwrap_or_else(|| format!("{kind_name}@{at}"));
        t.what = format!("[[shock]] `{name}`");
        let valid: Vec<&str> = schema::SHOCK.iter().chain(own.iter()).copied().collect();
        let elsewhere: Vec<(&str, String)> = schema::SHOCK_KINDS
            .iter()
            .filter(|(k, _)| *k != kind_name)
            .flat_map(|(k, keys)| {
                keys.iter()
                    .filter(|key| !own.contains(key))
                    .map(move |key| {
                        (
                            *key,
                            format!(
                                "it belongs to `kind = \"{k}\"`, and this shock is a {kind_name}"
                            ),
                        )
                    })
            })
            .collect();
        self.check_keys(&t, &valid, &elsewhere);
        let kind = match kind_name {
            "surge" => {
                let factor = self.float(&t, "factor");
                if factor.is_none() && !t.has("factor") {
                    self.missing(
                        &t,
                        "factor",
                        "add `factor = 3.0`: the work rate is multiplied by it",
                    );
                }
                let region = self.entry(&t, "region").and_then(|v| {
                    self.pair(&t.child("region"), v, "[from, to) of the world's places")
                });
                ShockKind::Surge {
                    factor: factor.unwrap_or(1.0),
                    region,
                }
            }
            "loss" => {
                let target = self.target(&t);
                ShockKind::Loss {
                    target,
                    reroute_after: self.uint(&t, "reroute_after"),
                }
            }
            "outage" => {
                let f = self.float(&t, "delay_factor");
                if f.is_none() && !t.has("delay_factor") {
                    self.missing(
                        &t,
                        "delay_factor",
                        "add `delay_factor = 4.0`: link delays are multiplied by it",
                    );
                }
                let links = match self.choice(&t, "links", &["all", "vertical", "lateral"]) {
                    Some(1) => Links::Vertical,
                    Some(2) => Links::Lateral,
                    _ => Links::All,
                };
                ShockKind::Outage {
                    delay_factor: f.unwrap_or(1.0),
                    links,
                }
            }
            "shift" => {
                if !t.has("complexity_shift") && !t.has("competence_drop") {
                    let p = Pending::new(
                        format!(
                            "{} changes nothing: give `complexity_shift` or `competence_drop`",
                            t.what
                        ),
                        t.span.clone(),
                    )
                    .help("add e.g. `complexity_shift = 0.2` and `competence_drop = 0.1`");
                    self.error(&t.child("complexity_shift"), p);
                }
                ShockKind::Shift {
                    complexity_shift: self.float_or(&t, "complexity_shift", 0.0),
                    competence_drop: self.float_or(&t, "competence_drop", 0.0),
                }
            }
            _ => {
                let f = self.float(&t, "fraction");
                if f.is_none() && !t.has("fraction") {
                    self.missing(
                        &t,
                        "fraction",
                        "add `fraction = 0.2`: the share of agents away",
                    );
                }
                ShockKind::Absence {
                    fraction: f.unwrap_or(0.0),
                    reroute_after: self.uint(&t, "reroute_after"),
                }
            }
        };
        Some(ShockSpec {
            name,
            at,
            duration,
            kind,
        })
    }

    fn target(&mut self, t: &Tbl<'_, '_>) -> LossTarget {
        let help = "write `target = \"top\"`, `{ level = 1 }`, `{ fraction = 0.1 }` or `{ region = [0.0, 0.25] }`";
        let Some(v) = self.entry(t, "target") else {
            self.missing(t, "target", help);
            return LossTarget::Top;
        };
        let path = t.child("target");
        match v.get_ref() {
            DeValue::String(s) if s == "top" => LossTarget::Top,
            DeValue::Table(map) if map.len() == 1 => {
                let inner = Tbl {
                    map,
                    path: path.clone(),
                    what: "`target`".into(),
                    span: v.span(),
                };
                self.check_keys(&inner, schema::TARGETS, &[]);
                if inner.has("level") {
                    self.uint(&inner, "level")
                        .map_or(LossTarget::Top, LossTarget::Level)
                } else if inner.has("fraction") {
                    self.float(&inner, "fraction")
                        .map_or(LossTarget::Top, LossTarget::Fraction)
                } else if let Some(r) = self.entry(&inner, "region") {
                    self.pair(&inner.child("region"), r, "[a, b]")
                        .map_or(LossTarget::Top, LossTarget::Region)
                } else {
                    LossTarget::Top
                }
            }
            _ => {
                let p = Pending::new(
                    format!("invalid loss `target`: {}", describe_short(v.get_ref())),
                    v.span(),
                )
                .help(help);
                self.error(&path, p);
                LossTarget::Top
            }
        }
    }
}
