//! The keys a scenario file may use, table by table.
//!
//! One list per table, used both to refuse unknown keys (with a "did you mean") and to check
//! that `docs/scenario-reference.md` documents every key the loader accepts.

/// Top-level tables.
pub(crate) const TOP: &[&str] = &[
    "scenario", "work", "quality", "org", "shock", "recovery", "output", "sweep",
];

/// Keys of `[scenario]`.
pub(crate) const SCENARIO: &[&str] = &[
    "name",
    "description",
    "ticks",
    "warmup",
    "tick_unit",
    "replications",
    "seed",
    "compare_to",
];

/// Keys of `[work]`.
pub(crate) const WORK: &[&str] = &[
    "rate",
    "complexity",
    "effort",
    "cross_unit",
    "reach",
    "stake",
    "half_life",
];

/// Keys of `[quality]`.
pub(crate) const QUALITY: &[&str] = &["sharpness", "filter_loss", "bad_penalty", "rework"];

/// Keys every `[[org]]` may use, whatever its structure.
pub(crate) const ORG: &[&str] = &[
    "name",
    "structure",
    "capacity",
    "competence",
    "authority",
    "link_delay",
    "boundary",
    "referral_effort",
    "consult_effort",
    "patience",
    "learning",
    "alignment",
    "cross_unit",
];

/// Keys only a `tree` org uses.
pub(crate) const TREE: &[&str] = &["span", "levels"];

/// Keys only a `teams` org uses.
pub(crate) const TEAMS: &[&str] = &["teams", "team_size", "network"];

/// Keys of a teams org's `network`.
pub(crate) const NETWORK: &[&str] = &["kind", "degree", "rewire"];

/// Keys every `[[shock]]` may use.
pub(crate) const SHOCK: &[&str] = &["kind", "name", "at", "duration"];

/// Shock kinds and the keys each adds.
pub(crate) const SHOCK_KINDS: &[(&str, &[&str])] = &[
    ("surge", &["factor", "region"]),
    ("loss", &["target", "reroute_after"]),
    ("outage", &["delay_factor", "links"]),
    ("shift", &["complexity_shift", "competence_drop"]),
    ("absence", &["fraction", "reroute_after"]),
];

/// Keys of `[recovery]`.
pub(crate) const RECOVERY: &[&str] = &["metrics", "window", "baseline", "band", "floor", "hold"];

/// Keys of `[output]`.
pub(crate) const OUTPUT: &[&str] = &["dir", "formats"];

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
pub(crate) const TARGETS: &[&str] = &["level", "fraction", "region"];

/// Every key the loader accepts, as a dotted name: `scenario.ticks`, `org.capacity`,
/// `org.network.kind`, `shock.at` (keys every shock takes), `shock.loss.target` (keys of one kind).
pub fn known_keys() -> Vec<String> {
    fn dotted(prefix: &str, keys: &[&str], out: &mut Vec<String>) {
        out.extend(keys.iter().map(|k| format!("{prefix}.{k}")));
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
    out
}

/// The tables (as written in a file) where `key` is valid, for keys written under the wrong one.
pub(crate) fn tables_with(key: &str) -> Vec<&'static str> {
    let shock_keys = SHOCK_KINDS.iter().flat_map(|(_, k)| k.iter());
    let tables: [(&str, bool); 7] = [
        ("[scenario]", SCENARIO.contains(&key)),
        ("[work]", WORK.contains(&key)),
        ("[quality]", QUALITY.contains(&key)),
        (
            "[[org]]",
            ORG.iter().chain(TREE).chain(TEAMS).any(|k| *k == key),
        ),
        (
            "[[shock]]",
            SHOCK.iter().chain(shock_keys).any(|k| *k == key),
        ),
        ("[recovery]", RECOVERY.contains(&key)),
        ("[output]", OUTPUT.contains(&key)),
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
        assert_eq!(closest("capacty", ORG), Some("capacity"));
        assert_eq!(closest("Capacity", ORG), Some("capacity"));
        assert_eq!(closest("span", ORG), None);
        assert_eq!(closest("zzzzzz", ORG), None);
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
