//! `[[org]]`: an organisation design, its structure and its network.

use super::super::diagnostic::Pending;
use super::super::schema;
use super::super::types::*;
use super::reader::{Reader, Tbl};

impl Reader {
    pub(super) fn orgs(&mut self, root: &Tbl<'_, '_>) -> Vec<OrgSpec> {
        let tables = self.tables(root, "org");
        if tables.is_empty() && !self.bad.contains("org") {
            let span = root.get("org").map_or(0..0, |v| v.span());
            let p = Pending::new("no [[org]] in the scenario", span)
                .help("add at least one `[[org]]` with `name`, `structure` and its shape");
            self.error("org", p);
        }
        tables.into_iter().map(|(t, i)| self.org(t, i)).collect()
    }

    fn org(&mut self, mut t: Tbl<'_, '_>, index: usize) -> OrgSpec {
        let name = self
            .string(&t, "name")
            .unwrap_or_else(|| format!("Org {}", index + 1));
        t.what = format!("[[org]] `{name}`");
        let structure = self.choice(&t, "structure", &["tree", "teams"]);
        if structure.is_none() && !t.has("structure") {
            self.missing(
                &t,
                "structure",
                "add `structure = \"tree\"` or `structure = \"teams\"`",
            );
        }
        let all: Vec<&str> = schema::ORG
            .iter()
            .chain(schema::TREE)
            .chain(schema::TEAMS)
            .copied()
            .collect();
        let structure = match structure {
            Some(0) => {
                let valid = org_keys(schema::TREE);
                let why =
                    "it belongs to `structure = \"teams\"`, and this org is a tree".to_string();
                let elsewhere: Vec<_> = schema::TEAMS.iter().map(|k| (*k, why.clone())).collect();
                self.check_keys(&t, &valid, &elsewhere);
                let span = self.required_uint(&t, "span", "add `span = 6`: reports per manager");
                let levels =
                    self.required_uint(&t, "levels", "add `levels = 4`: frontline is level 0");
                Some(Structure::Tree {
                    span: span.unwrap_or(1),
                    levels: levels.unwrap_or(1),
                })
            }
            Some(_) => {
                let valid = org_keys(schema::TEAMS);
                let why = "it belongs to `structure = \"tree\"`, and this org is teams".to_string();
                let elsewhere: Vec<_> = schema::TREE.iter().map(|k| (*k, why.clone())).collect();
                self.check_keys(&t, &valid, &elsewhere);
                let teams = self.required_uint(&t, "teams", "add `teams = 20`: how many teams");
                let size =
                    self.required_uint(&t, "team_size", "add `team_size = 6`: peers per team");
                let network = self.network(&t);
                Some(Structure::Teams {
                    teams: teams.unwrap_or(1),
                    team_size: size.unwrap_or(1),
                    network,
                })
            }
            None => {
                self.check_keys(&t, &all, &[]);
                None
            }
        };
        let structure = structure.unwrap_or(Structure::Tree { span: 1, levels: 1 });
        let default_mode = match structure {
            Structure::Tree { .. } => 0,
            Structure::Teams { .. } => 1,
        };
        let mode = self
            .choice(&t, "cross_unit", &["escalate", "consult"])
            .unwrap_or(default_mode);
        let mut org = OrgSpec {
            name,
            structure,
            capacity: self.per_level(&t, "capacity", 1.0),
            competence: self.per_level(&t, "competence", 0.5),
            authority: self.per_level(&t, "authority", 1.0),
            link_delay: self.float_or(&t, "link_delay", 1.0),
            boundary: self.float_or(&t, "boundary", 0.0),
            referral_effort: self.float_or(&t, "referral_effort", 0.1),
            consult_effort: self.float_or(&t, "consult_effort", 0.2),
            patience: self.uint(&t, "patience").unwrap_or(24),
            learning: self.float_or(&t, "learning", 0.0),
            alignment: self.float_or(&t, "alignment", 1.0),
            cross_unit: if mode == 0 {
                CrossUnitMode::Escalate
            } else {
                CrossUnitMode::Consult
            },
        };
        // Teams have one level: a one-element list means the same as its value.
        if matches!(org.structure, Structure::Teams { .. }) {
            for p in [&mut org.capacity, &mut org.competence, &mut org.authority] {
                if let PerLevel::Levels(v) = p
                    && v.len() == 1
                {
                    *p = PerLevel::All(v[0]);
                }
            }
        }
        org
    }

    fn network(&mut self, org: &Tbl<'_, '_>) -> Network {
        let what = format!("the network of {}", org.what);
        let Some(t) = self.table(org, "network", &what) else {
            return Network::default();
        };
        self.check_keys(&t, schema::NETWORK, &[]);
        let kind = self.choice(&t, "kind", schema::NETWORK_KINDS).unwrap_or(1);
        if kind != 1 {
            let kind_name = schema::NETWORK_KINDS[kind];
            for key in ["degree", "rewire"] {
                if let Some(v) = self.entry(&t, key) {
                    let p = Pending::new(
                        format!("`{key}` does not apply to a `{kind_name}` network"),
                        v.span(),
                    )
                    .help("only `kind = \"small_world\"` takes `degree` and `rewire`");
                    self.error(&t.child(key), p);
                }
            }
            return if kind == 0 {
                Network::Ring
            } else {
                Network::Complete
            };
        }
        Network::SmallWorld {
            degree: self.uint(&t, "degree").unwrap_or(4),
            rewire: self.float_or(&t, "rewire", 0.1),
        }
    }
}

/// An org's valid keys in the order a reader expects: name, structure, its shape, the rest.
fn org_keys(shape: &[&'static str]) -> Vec<&'static str> {
    let (head, rest) = schema::ORG.split_at(2);
    head.iter().chain(shape).chain(rest).copied().collect()
}
