//! `[[org]]`: an organisation design, its structure and its network.

use super::super::diagnostic::Pending;
use super::super::schema::{self, Key};
use super::super::types::*;
use super::reader::{Reader, Tbl};

impl Reader {
    /// Every `[[org]]`; at least one is required.
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

    /// One `[[org]]`; `index` names it when it has no `name`.
    fn org(&mut self, mut t: Tbl<'_, '_>, index: usize) -> OrgSpec {
        let name = self
            .string(&t, "name")
            .unwrap_or_else(|| format!("Org {}", index + 1));
        t.what = format!("[[org]] `{name}`");
        let shapes = [("tree", Self::tree as ReadShape), ("teams", Self::teams)];
        let shape = self.required(
            &t,
            "structure",
            "add `structure = \"tree\"` or `structure = \"teams\"`",
            |r, t, key| r.choice(t, key, &shapes),
        );
        let structure = match shape {
            Some(read_shape) => read_shape(self, &t),
            None => {
                let all: Vec<Key> = [schema::ORG, schema::TREE, schema::TEAMS].concat();
                let all = schema::names(&all);
                self.check_keys(&t, &all, &[]);
                Structure::Tree { span: 1, levels: 1 }
            }
        };
        let default_mode = match structure {
            Structure::Tree { .. } => CrossUnitMode::Escalate,
            Structure::Teams { .. } => CrossUnitMode::Consult,
        };
        let modes = [
            ("escalate", CrossUnitMode::Escalate),
            ("consult", CrossUnitMode::Consult),
        ];
        let cross_unit = self
            .choice(&t, "cross_unit", &modes)
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
            cross_unit,
            level_names: Vec::new(),
        };
        if let Some(names) = self.words(&t, "level_names") {
            let levels = org.levels() as usize;
            if names.len() != levels
                && let Some(v) = t.get("level_names")
            {
                let example: Vec<String> = (0..levels)
                    .map(|l| match l {
                        0 => "\"agent\"".to_string(),
                        l if l + 1 == levels => "\"director\"".to_string(),
                        _ => format!("\"level {l}\""),
                    })
                    .collect();
                let has = match org.structure {
                    Structure::Teams { .. } => "teams have 1 level".to_string(),
                    Structure::Tree { .. } => format!("the tree has {levels} levels"),
                };
                let p = Pending::new(
                    format!("`level_names` lists {} names, but {has}", names.len()),
                    v.span(),
                )
                .help(format!(
                    "give one name per level, frontline first: `level_names = [{}]`",
                    example.join(", ")
                ));
                self.error(&t.child("level_names"), p);
            } else {
                org.level_names = names;
            }
        }
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

    /// `structure = "tree"`: its span and levels.
    fn tree(&mut self, t: &Tbl<'_, '_>) -> Structure {
        let why = "it belongs to `structure = \"teams\"`, and this org is a tree";
        self.shape_keys(t, schema::TREE, schema::TEAMS, why);
        let levels = self.required(
            t,
            "levels",
            "add `levels = 4`: frontline is level 0",
            Self::uint,
        );
        // A one-level tree is a single agent with no reports: `span` means nothing there.
        let span = if levels == Some(1) {
            Self::uint(self, t, "span")
        } else {
            self.required(t, "span", "add `span = 6`: reports per manager", Self::uint)
        };
        Structure::Tree {
            span: span.unwrap_or(1),
            levels: levels.unwrap_or(1),
        }
    }

    /// `structure = "teams"`: how many, how large, how linked.
    fn teams(&mut self, t: &Tbl<'_, '_>) -> Structure {
        let why = "it belongs to `structure = \"tree\"`, and this org is teams";
        self.shape_keys(t, schema::TEAMS, schema::TREE, why);
        let teams = self.required(t, "teams", "add `teams = 20`: how many teams", Self::uint);
        let size = self.required(
            t,
            "team_size",
            "add `team_size = 6`: peers per team",
            Self::uint,
        );
        let network = self.network(t);
        Structure::Teams {
            teams: teams.unwrap_or(1),
            team_size: size.unwrap_or(1),
            network,
        }
    }

    /// Refuses keys of no org, and keys of the `other` structure saying `why`.
    fn shape_keys(&mut self, t: &Tbl<'_, '_>, own: &[Key], other: &[Key], why: &str) {
        let (head, rest) = schema::ORG.split_at(2);
        // In the order a reader expects: name, structure, the shape's keys, the rest.
        let valid = schema::names(&[head, own, rest].concat());
        let elsewhere: Vec<_> = other.iter().map(|k| (k.name, why.to_string())).collect();
        self.check_keys(t, &valid, &elsewhere);
    }

    /// A teams org's `network`: its kind, and a small world's degree and rewiring.
    fn network(&mut self, org: &Tbl<'_, '_>) -> Network {
        let what = format!("the network of {}", org.what);
        let Some(t) = self.table(org, "network", &what) else {
            return Network::default();
        };
        self.check_keys(&t, &schema::names(schema::NETWORK), &[]);
        let kinds = [
            ("ring", Network::Ring),
            ("small_world", Network::default()),
            ("complete", Network::Complete),
        ];
        let network = self.choice(&t, "kind", &kinds).unwrap_or_default();
        if let Network::SmallWorld { .. } = network {
            return Network::SmallWorld {
                degree: self.uint(&t, "degree").unwrap_or(4),
                rewire: self.float_or(&t, "rewire", 0.1),
            };
        }
        // A ring or a complete network was read, so `kind` is a string naming it.
        let kind = t
            .get("kind")
            .and_then(|v| v.get_ref().as_str())
            .unwrap_or_default();
        for key in ["degree", "rewire"] {
            if let Some(v) = self.entry(&t, key) {
                let p = Pending::new(
                    format!("`{key}` does not apply to a `{kind}` network"),
                    v.span(),
                )
                .help("only `kind = \"small_world\"` takes `degree` and `rewire`");
                self.error(&t.child(key), p);
            }
        }
        network
    }
}

/// Reads the keys of one structure.
type ReadShape = fn(&mut Reader, &Tbl<'_, '_>) -> Structure;
