//! `[[shock]]`: what happens to every org at a given tick, kind by kind.

use super::super::diagnostic::Pending;
use super::super::schema;
use super::super::types::*;
use super::reader::{Reader, Tbl};
use super::values::describe_short;
use crate::metrics::{WINDOW_ALL, WINDOW_STEADY};
use toml::de::DeValue;

impl Reader {
    /// Every `[[shock]]` of a valid kind, in file order.
    pub(super) fn shocks(&mut self, root: &Tbl<'_, '_>) -> Vec<ShockSpec> {
        let mut out = Vec::new();
        for (mut t, i) in self.tables(root, "shock") {
            // A shock of no valid kind is left out of the scenario; the paths of the others
            // must follow their place in it, not in the file.
            let kind = t.get("kind").and_then(|v| v.get_ref().as_str());
            t.path = match kind {
                Some(k) if schema::SHOCK_KINDS.iter().any(|(name, _)| *name == k) => {
                    format!("shock[{}]", out.len())
                }
                _ => format!("shock(unread {i})"),
            };
            self.spans.values.insert(t.path.clone(), t.span.clone());
            out.extend(self.shock(t));
        }
        out
    }

    /// One `[[shock]]`; `None` when its kind is missing or unknown.
    fn shock(&mut self, mut t: Tbl<'_, '_>) -> Option<ShockSpec> {
        let kinds: Vec<_> = schema::SHOCK_KINDS.iter().map(|k| (k.0, k)).collect();
        let names: Vec<&str> = kinds.iter().map(|(name, _)| *name).collect();
        let help = format!("add `kind = \"surge\"`; kinds: {}", names.join(", "));
        let kind = self.required(&t, "kind", &help, |r, t, key| r.choice(t, key, &kinds));
        let at = self.required(
            &t,
            "at",
            "add `at = 600`: the tick the shock starts",
            Self::uint,
        );
        let duration = self.uint(&t, "duration");
        let Some(&(kind_name, own)) = kind else {
            let all: Vec<&str> = schema::SHOCK
                .iter()
                .chain(schema::SHOCK_KINDS.iter().flat_map(|(_, k)| k.iter()))
                .map(|k| k.name)
                .collect();
            self.check_keys(&t, &all, &[]);
            return None;
        };
        let at = at.unwrap_or(0);
        let name = self
            .string(&t, "name")
            .unwrap_or_else(|| format!("{kind_name}@{at}"));
        t.what = format!("[[shock]] `{name}`");
        // A shock's name is also the name of its summary window, beside `all` and `steady`.
        if let Some(v) = t.get("name")
            && [WINDOW_ALL, WINDOW_STEADY].contains(&name.as_str())
        {
            let p = Pending::new(
                format!("a shock cannot be called `{name}`: that is the name of a summary window"),
                v.span(),
            )
            .help(format!(
                "choose another name, e.g. `name = \"{name} shock\"`; `all` and `steady` name \
                 the whole run and normal times in summary.csv"
            ));
            self.error(&t.child("name"), p);
        }
        let valid = schema::names(&[schema::SHOCK, own].concat());
        let elsewhere: Vec<(&str, String)> = schema::SHOCK_KINDS
            .iter()
            .filter(|(k, _)| *k != kind_name)
            .flat_map(|(k, keys)| {
                keys.iter()
                    .filter(|key| !own.iter().any(|o| o.name == key.name))
                    .map(move |key| {
                        (
                            key.name,
                            format!(
                                "it belongs to `kind = \"{k}\"`, and this shock is a {kind_name}"
                            ),
                        )
                    })
            })
            .collect();
        self.check_keys(&t, &valid, &elsewhere);
        let kind = match kind_name {
            "surge" => ShockKind::Surge {
                factor: self
                    .required(
                        &t,
                        "factor",
                        "add `factor = 3.0`: the work rate is multiplied by it",
                        Self::float,
                    )
                    .unwrap_or(1.0),
                region: self.entry(&t, "region").and_then(|v| {
                    self.pair(&t.child("region"), v, "[from, to) of the world's places")
                }),
            },
            "loss" => ShockKind::Loss {
                target: self.target(&t),
                reroute_after: self.uint(&t, "reroute_after"),
            },
            "outage" => {
                let links = [
                    ("all", Links::All),
                    ("vertical", Links::Vertical),
                    ("lateral", Links::Lateral),
                ];
                ShockKind::Outage {
                    delay_factor: self
                        .required(
                            &t,
                            "delay_factor",
                            "add `delay_factor = 4.0`: link delays are multiplied by it",
                            Self::float,
                        )
                        .unwrap_or(1.0),
                    links: self.choice(&t, "links", &links).unwrap_or(Links::All),
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
            "delegation" => ShockKind::Delegation {
                authority: self
                    .required(
                        &t,
                        "authority",
                        "add `authority = 0.6`: the new authority of the agents at `level`",
                        Self::float,
                    )
                    .unwrap_or(0.0),
                level: self.uint(&t, "level").unwrap_or(0),
            },
            _ => ShockKind::Absence {
                fraction: self
                    .required(
                        &t,
                        "fraction",
                        "add `fraction = 0.2`: the share of agents away",
                        Self::float,
                    )
                    .unwrap_or(0.0),
                reroute_after: self.uint(&t, "reroute_after"),
            },
        };
        Some(ShockSpec {
            name,
            at,
            duration,
            kind,
        })
    }

    /// A loss shock's `target`: `"top"`, or a table naming a level, a share or a region.
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
                self.check_keys(&inner, &schema::names(schema::TARGETS), &[]);
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
