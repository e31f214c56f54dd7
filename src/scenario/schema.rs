//! The keys a scenario file may use, table by table, and which of them a sweep may set.
//!
//! One list per table, used to refuse unknown keys (with a "did you mean"), to derive the
//! paths a `[sweep]` may name, and to check that `docs/scenario-reference.md` documents every
//! key the loader accepts.

/// A key a table accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    /// The key as written in a scenario file.
    pub name: &'static str,
    /// Whether a `[sweep]` may set it.
    pub sweep: Sweep,
}

/// Whether a `[sweep]` may set a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sweep {
    /// No: a name, a kind, a distribution or a list.
    No,
    /// Yes, to one number (a per-level value: every level alike) or one name.
    Yes,
    /// Not the key itself, but these keys of its table (`network.degree`).
    Within(&'static [Key]),
}

const fn key(name: &'static str) -> Key {
    Key {
        name,
        sweep: Sweep::No,
    }
}

const fn swept(name: &'static str) -> Key {
    Key {
        name,
        sweep: Sweep::Yes,
    }
}

const fn within(name: &'static str, keys: &'static [Key]) -> Key {
    Key {
        name,
        sweep: Sweep::Within(keys),
    }
}

/// Top-level tables.
pub(crate) const TOP: &[&str] = &[
    "scenario", "work", "quality", "org", "shock", "recovery", "output", "sweep",
];

/// Keys of `[scenario]`.
pub(crate) const SCENARIO: &[Key] = &[
    key("name"),
    key("description"),
    swept("ticks"),
    swept("warmup"),
    key("tick_unit"),
    key("replications"),
    swept("seed"),
    key("compare_to"),
    key("decision_noun"),
    key("decision_noun_plural"),
];

/// Keys of `[work]`.
pub(crate) const WORK: &[Key] = &[
    swept("rate"),
    key("complexity"),
    key("effort"),
    swept("cross_unit"),
    key("reach"),
    key("stake"),
    swept("half_life"),
];

/// Keys of `[quality]`.
pub(crate) const QUALITY: &[Key] = &[
    swept("sharpness"),
    swept("filter_loss"),
    swept("bad_penalty"),
    swept("rework"),
];

/// Keys every `[[org]]` may use, whatever its structure.
pub(crate) const ORG: &[Key] = &[
    key("name"),
    key("structure"),
    swept("capacity"),
    swept("competence"),
    swept("authority"),
    swept("link_delay"),
    swept("boundary"),
    swept("referral_effort"),
    swept("consult_effort"),
    swept("patience"),
    swept("learning"),
    swept("alignment"),
    swept("cross_unit"),
    key("level_names"),
];

/// Keys only a `tree` org uses.
pub(crate) const TREE: &[Key] = &[swept("span"), swept("levels")];

/// Keys only a `teams` org uses.
pub(crate) const TEAMS: &[Key] = &[
    swept("teams"),
    swept("team_size"),
    within("network", NETWORK),
];

/// Keys of a teams org's `network`.
pub(crate) const NETWORK: &[Key] = &[key("kind"), swept("degree"), swept("rewire")];

/// Keys every `[[shock]]` may use.
pub(crate) const SHOCK: &[Key] = &[key("kind"), key("name"), swept("at"), swept("duration")];

/// Shock kinds and the keys each adds.
pub(crate) const SHOCK_KINDS: &[(&str, &[Key])] = &[
    ("surge", &[swept("factor"), key("region")]),
    ("loss", &[within("target", TARGETS), swept("reroute_after")]),
    ("outage", &[swept("delay_factor"), key("links")]),
    (
        "shift",
        &[swept("complexity_shift"), swept("competence_drop")],
    ),
    ("absence", &[swept("fraction"), swept("reroute_after")]),
    ("delegation", &[swept("authority"), swept("level")]),
];

/// Keys of `[recovery]`.
pub(crate) const RECOVERY: &[Key] = &[
    key("metrics"),
    swept("window"),
    swept("baseline"),
    swept("band"),
    swept("floor"),
    swept("hold"),
];

/// Keys of `[output]`.
pub(crate) const OUTPUT: &[Key] = &[key("dir"), key("formats"), key("timeseries")];

/// Keys of `[sweep]` that are not dotted paths: how the sweep is made. Every other key of
/// `[sweep]` is a path (paths always hold a dot, these never do).
pub(crate) const SWEEP: &[Key] = &[
    key("design"),
    key("samples"),
    key("scale_rate_with"),
    key("metrics"),
];

/// The tables written once, by name, in file order.
pub(crate) const TABLES: &[(&str, &[Key])] = &[
    ("scenario", SCENARIO),
    ("work", WORK),
    ("quality", QUALITY),
    ("recovery", RECOVERY),
    ("output", OUTPUT),
];

/// Distribution kinds, the single key of a distribution's inline table.
pub(crate) const DISTS: &[&str] = &[
    "fixed",
    "uniform",
    "beta",
    "gamma",
    "exponential",
    "lognormal",
];

/// Forms of a loss shock's `target` table.
pub(crate) const TARGETS: &[Key] = &[swept("level"), swept("fraction"), key("region")];

/// The names of `keys`, in order.
pub(crate) fn names(keys: &[Key]) -> Vec<&'static str> {
    keys.iter().map(|k| k.name).collect()
}

/// The keys a sweep may set among `lists`, dotted below their table (`network.degree`), each
/// once, in order: a list's own keys, then those of its sub-tables.
pub(crate) fn sweepable(lists: &[&[Key]]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for keys in lists {
        let own = keys
            .iter()
            .filter(|k| k.sweep == Sweep::Yes)
            .map(|k| k.name.to_string());
        let nested = keys.iter().flat_map(|k| match k.sweep {
            Sweep::Within(sub) => sweepable(&[sub])
                .into_iter()
                .map(|s| format!("{}.{s}", k.name))
                .collect(),
            _ => Vec::new(),
        });
        for path in own.chain(nested) {
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// Every key the loader accepts, as a dotted name: `scenario.ticks`, `org.capacity`,
/// `org.network.kind`, `shock.at` (keys every shock takes), `shock.loss.target` (keys of one kind).
pub fn known_keys() -> Vec<String> {
    fn dotted(prefix: &str, keys: &[Key], out: &mut Vec<String>) {
        out.extend(keys.iter().map(|k| format!("{prefix}.{}", k.name)));
    }
    let mut out = Vec::new();
    dotted("scenario", SCENARIO, &mut out);
    dotted("work", WORK, &mut out);
    dotted("quality", QUALITY, &mut out);
    dotted("org", ORG, &mut out);
    dotted("org", TREE, &mut out);
    dotted("org", TEAMS, &mut out);
    dotted("org.network", NETWORK, &mut out);
    dotted("shock", SHOCK, &mut out);
    for (kind, keys) in SHOCK_KINDS {
        dotted(&format!("shock.{kind}"), keys, &mut out);
    }
    dotted("recovery", RECOVERY, &mut out);
    dotted("output", OUTPUT, &mut out);
    out.push("sweep".to_string());
    dotted("sweep", SWEEP, &mut out);
    out
}

/// The tables (as written in a file) where `key` is valid, for keys written under the wrong one.
pub(crate) fn tables_with(key: &str) -> Vec<&'static str> {
    let has = |keys: &[Key]| keys.iter().any(|k| k.name == key);
    let shock_keys = SHOCK_KINDS.iter().any(|(_, k)| has(k));
    let tables: [(&str, bool); 7] = [
        ("[scenario]", has(SCENARIO)),
        ("[work]", has(WORK)),
        ("[quality]", has(QUALITY)),
        ("[[org]]", has(ORG) || has(TREE) || has(TEAMS)),
        ("[[shock]]", has(SHOCK) || shock_keys),
        ("[recovery]", has(RECOVERY)),
        ("[output]", has(OUTPUT)),
    ];
    tables
        .iter()
        .filter(|(_, yes)| *yes)
        .map(|(t, _)| *t)
        .collect()
}

/// The valid key closest to `wrong` by edit distance, if it is close enough to be a typo.
pub(crate) fn closest<'a>(wrong: &str, valid: &[&'a str]) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    valid
        .iter()
        .map(|v| {
            (
                strsim::damerau_levenshtein(&wrong_lower, &v.to_lowercase()),
                *v,
            )
        })
        .filter(|(d, v)| *d <= (v.len().max(wrong.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_key_and_not_a_far_one() {
        let org = names(ORG);
        assert_eq!(closest("capacty", &org), Some("capacity"));
        assert_eq!(closest("Capacity", &org), Some("capacity"));
        assert_eq!(closest("span", &org), None);
        assert_eq!(closest("zzzzzz", &org), None);
    }

    #[test]
    fn known_keys_are_dotted_and_unique() {
        let keys = known_keys();
        for k in [
            "org.capacity",
            "shock.loss.target",
            "org.network.rewire",
            "scenario.ticks",
        ] {
            assert!(keys.iter().any(|x| x == k), "{k} missing");
        }
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len());
    }
}
