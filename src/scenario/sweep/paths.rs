//! Dotted paths into a scenario and setting the value one names.
//!
//! A path names one scalar of the resolved scenario: `work.rate`, `quality.rework`,
//! `work.reach.exponential` (a parameter of a distribution), `org.<name>.<key>`,
//! `org.<name>.authority.0` (one level), `shock.<name>.<key>`. Orgs and shocks are named, not
//! numbered, so a sweep keeps meaning the same thing when the file's order changes; `*` in
//! place of a name sets the key of every org (or shock) that has it, so two orgs of one shape
//! can be swept in step.

use super::super::schema;
use super::super::types::*;
use std::sync::LazyLock;

/// A scalar a sweep can set.
enum Slot<'a> {
    Whole(&'a mut u32),
    OptWhole(&'a mut Option<u32>),
    Seed(&'a mut u64),
    Real(&'a mut f64),
    OptReal(&'a mut Option<f64>),
    /// Sets every level alike.
    Levels(&'a mut PerLevel),
    /// Sets one level of a tree with this many levels.
    Level(&'a mut PerLevel, usize, u32),
    Mode(&'a mut CrossUnitMode),
}

/// What kind of value a path takes, as a sampling design needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A whole number: a design's values are rounded.
    Whole,
    /// Any number.
    Real,
    /// One of a set of names: only a list of values can be swept.
    Name,
}

impl Slot<'_> {
    fn kind(&self) -> PathKind {
        match self {
            Slot::Whole(_) | Slot::OptWhole(_) | Slot::Seed(_) => PathKind::Whole,
            Slot::Mode(_) => PathKind::Name,
            _ => PathKind::Real,
        }
    }
}

/// Keys set per level with a `.N` suffix.
const PER_LEVEL: [&str; 3] = ["capacity", "competence", "authority"];

/// Whether `key` may follow `org.<name>.`: a sweepable key, or a per-level key and a level.
fn org_key(key: &str) -> bool {
    ORG_KEYS.iter().any(|k| k == key)
        || key
            .rsplit_once('.')
            .is_some_and(|(k, n)| PER_LEVEL.contains(&k) && level_index(n).is_some())
}

/// A level as written in a path: digits only, no leading zero.
fn level_index(n: &str) -> Option<usize> {
    let i: usize = n.parse().ok()?;
    (i.to_string() == n).then_some(i)
}

/// What may follow `org.<name>.`, tried against each org's name: the keys the schema marks
/// sweepable.
static ORG_KEYS: LazyLock<Vec<String>> =
    LazyLock::new(|| schema::sweepable(&[schema::TREE, schema::TEAMS, schema::ORG]));

/// What may follow `shock.<name>.`: the sweepable keys of every shock and of every kind.
static SHOCK_KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let kinds = schema::SHOCK_KINDS.iter().map(|(_, keys)| *keys);
    schema::sweepable(
        &std::iter::once(schema::SHOCK)
            .chain(kinds)
            .collect::<Vec<_>>(),
    )
});

/// Paths into the tables written once: `work.rate`, `recovery.band`.
static FIXED_PATHS: LazyLock<Vec<String>> = LazyLock::new(|| {
    schema::TABLES
        .iter()
        .flat_map(|(table, keys)| {
            schema::sweepable(&[keys])
                .into_iter()
                .map(move |k| format!("{table}.{k}"))
        })
        .collect()
});

fn org_slot<'a>(org: &'a mut OrgSpec, key: &str) -> Option<Slot<'a>> {
    if let Some((k, n)) = key.rsplit_once('.')
        && PER_LEVEL.contains(&k)
    {
        let i = level_index(n)?;
        let levels = org.levels();
        let value = match k {
            "capacity" => &mut org.capacity,
            "competence" => &mut org.competence,
            _ => &mut org.authority,
        };
        return Some(Slot::Level(value, i, levels));
    }
    Some(match (key, &mut org.structure) {
        ("span", Structure::Tree { span, .. }) => Slot::Whole(span),
        ("levels", Structure::Tree { levels, .. }) => Slot::Whole(levels),
        ("teams", Structure::Teams { teams, .. }) => Slot::Whole(teams),
        ("team_size", Structure::Teams { team_size, .. }) => Slot::Whole(team_size),
        (
            "network.degree",
            Structure::Teams {
                network: Network::SmallWorld { degree, .. },
                ..
            },
        ) => Slot::Whole(degree),
        (
            "network.rewire",
            Structure::Teams {
                network: Network::SmallWorld { rewire, .. },
                ..
            },
        ) => Slot::Real(rewire),
        ("capacity", _) => Slot::Levels(&mut org.capacity),
        ("competence", _) => Slot::Levels(&mut org.competence),
        ("authority", _) => Slot::Levels(&mut org.authority),
        ("link_delay", _) => Slot::Real(&mut org.link_delay),
        ("boundary", _) => Slot::Real(&mut org.boundary),
        ("referral_effort", _) => Slot::Real(&mut org.referral_effort),
        ("consult_effort", _) => Slot::Real(&mut org.consult_effort),
        ("patience", _) => Slot::Whole(&mut org.patience),
        ("learning", _) => Slot::Real(&mut org.learning),
        ("alignment", _) => Slot::Real(&mut org.alignment),
        ("cross_unit", _) => Slot::Mode(&mut org.cross_unit),
        _ => return None,
    })
}

fn shock_slot<'a>(shock: &'a mut ShockSpec, key: &str) -> Option<Slot<'a>> {
    Some(match (key, &mut shock.kind) {
        ("at", _) => Slot::Whole(&mut shock.at),
        ("duration", _) => Slot::OptWhole(&mut shock.duration),
        ("factor", ShockKind::Surge { factor, .. }) => Slot::Real(factor),
        ("reroute_after", ShockKind::Loss { reroute_after, .. })
        | ("reroute_after", ShockKind::Absence { reroute_after, .. }) => {
            Slot::OptWhole(reroute_after)
        }
        ("delay_factor", ShockKind::Outage { delay_factor, .. }) => Slot::Real(delay_factor),
        (
            "complexity_shift",
            ShockKind::Shift {
                complexity_shift, ..
            },
        ) => Slot::Real(complexity_shift),
        (
            "competence_drop",
            ShockKind::Shift {
                competence_drop, ..
            },
        ) => Slot::Real(competence_drop),
        ("fraction", ShockKind::Absence { fraction, .. }) => Slot::Real(fraction),
        ("authority", ShockKind::Delegation { authority, .. }) => Slot::Real(authority),
        ("level", ShockKind::Delegation { level, .. }) => Slot::Whole(level),
        (
            "target.level",
            ShockKind::Loss {
                target: LossTarget::Level(n),
                ..
            },
        ) => Slot::Whole(n),
        (
            "target.fraction",
            ShockKind::Loss {
                target: LossTarget::Fraction(f),
                ..
            },
        ) => Slot::Real(f),
        _ => return None,
    })
}

/// The parameter of a distribution a path names: `fixed`, `exponential`, or `<kind>.0` and
/// `<kind>.1` for the two-parameter kinds (`beta.0` is alpha).
fn dist_slot<'a>(d: &'a mut Dist, key: &str) -> Option<Slot<'a>> {
    let pair = |p: &'a mut [f64; 2], i: &str| match i {
        "0" => Some(Slot::Real(&mut p[0])),
        "1" => Some(Slot::Real(&mut p[1])),
        _ => None,
    };
    let (kind, i) = key.split_once('.').unwrap_or((key, ""));
    match (kind, i, d) {
        ("fixed", "", Dist::Fixed(x)) | ("exponential", "", Dist::Exponential(x)) => {
            Some(Slot::Real(x))
        }
        ("uniform", i, Dist::Uniform(p))
        | ("beta", i, Dist::Beta(p))
        | ("gamma", i, Dist::Gamma(p))
        | ("lognormal", i, Dist::Lognormal(p)) => pair(p, i),
        _ => None,
    }
}

/// Every scalar a path names: one, or one per org (or shock) for a `*` path; none when it names
/// nothing.
fn slots<'a>(s: &'a mut Scenario, path: &str) -> Vec<Slot<'a>> {
    if let Some(rest) = path.strip_prefix("org.") {
        if let Some(key) = rest.strip_prefix("*.") {
            return s.orgs.iter_mut().filter_map(|o| org_slot(o, key)).collect();
        }
        let names = s.orgs.iter().map(|o| o.name.as_str());
        let Some((i, key)) = named(rest, names, org_key) else {
            return Vec::new();
        };
        return org_slot(&mut s.orgs[i], key).into_iter().collect();
    }
    if let Some(rest) = path.strip_prefix("shock.") {
        let sweepable = |k: &str| SHOCK_KEYS.iter().any(|x| x == k);
        if let Some(key) = rest.strip_prefix("*.") {
            return s
                .shocks
                .iter_mut()
                .filter_map(|sh| shock_slot(sh, key))
                .collect();
        }
        let names = s.shocks.iter().map(|o| o.name.as_str());
        let Some((i, key)) = named(rest, names, sweepable) else {
            return Vec::new();
        };
        return shock_slot(&mut s.shocks[i], key).into_iter().collect();
    }
    for (prefix, dist) in [
        ("work.complexity.", &mut s.work.complexity),
        ("work.effort.", &mut s.work.effort),
        ("work.reach.", &mut s.work.reach),
        ("work.stake.", &mut s.work.stake),
    ] {
        if let Some(key) = path.strip_prefix(prefix) {
            return dist_slot(dist, key).into_iter().collect();
        }
    }
    let one = match path {
        "scenario.ticks" => Slot::Whole(&mut s.scenario.ticks),
        "scenario.warmup" => Slot::Whole(&mut s.scenario.warmup),
        "scenario.seed" => Slot::Seed(&mut s.scenario.seed),
        "work.rate" => Slot::Real(&mut s.work.rate),
        "work.cross_unit" => Slot::Real(&mut s.work.cross_unit),
        "work.half_life" => Slot::OptReal(&mut s.work.half_life),
        "quality.sharpness" => Slot::Real(&mut s.quality.sharpness),
        "quality.filter_loss" => Slot::Real(&mut s.quality.filter_loss),
        "quality.bad_penalty" => Slot::Real(&mut s.quality.bad_penalty),
        "quality.rework" => Slot::Real(&mut s.quality.rework),
        "recovery.window" => Slot::Whole(&mut s.recovery.window),
        "recovery.baseline" => Slot::Whole(&mut s.recovery.baseline),
        "recovery.band" => Slot::Real(&mut s.recovery.band),
        "recovery.floor" => Slot::Real(&mut s.recovery.floor),
        "recovery.hold" => Slot::Whole(&mut s.recovery.hold),
        _ => return Vec::new(),
    };
    vec![one]
}

/// What kind of value `path` takes in `s`; `None` when it names nothing. A `*` path whose orgs
/// disagree (a whole number in one, a share in another) takes the broader kind.
pub fn path_kind(s: &Scenario, path: &str) -> Option<PathKind> {
    let mut probe = s.clone();
    let kinds: Vec<PathKind> = slots(&mut probe, path).iter().map(Slot::kind).collect();
    let first = *kinds.first()?;
    Some(if kinds.iter().all(|&k| k == first) {
        first
    } else if kinds.contains(&PathKind::Name) {
        PathKind::Name
    } else {
        PathKind::Real
    })
}

/// Which of `names` `rest` starts with, followed by `.` and one of `keys`: its position and
/// that key. Names may contain dots: the longest name that fits wins.
fn named<'p, 'n>(
    rest: &'p str,
    names: impl Iterator<Item = &'n str>,
    key_ok: impl Fn(&str) -> bool,
) -> Option<(usize, &'p str)> {
    names
        .enumerate()
        .filter_map(|(i, name)| {
            let key = rest.strip_prefix(name)?.strip_prefix('.')?;
            key_ok(key).then_some((i, name.len(), key))
        })
        .max_by_key(|&(_, len, _)| len)
        .map(|(i, _, key)| (i, key))
}

/// Every path a sweep may name in this scenario, in a stable order: the paths of its tables,
/// the parameters of its distributions, each org's and shock's keys (per level for trees), then
/// the `*` forms.
pub fn sweepable(s: &Scenario) -> Vec<String> {
    let mut candidates: Vec<String> = FIXED_PATHS.clone();
    for dist in ["complexity", "effort", "reach", "stake"] {
        for key in ["fixed", "exponential"] {
            candidates.push(format!("work.{dist}.{key}"));
        }
        for kind in ["uniform", "beta", "gamma", "lognormal"] {
            candidates.extend((0..2).map(|i| format!("work.{dist}.{kind}.{i}")));
        }
    }
    let mut org_keys: Vec<String> = ORG_KEYS.clone();
    // Bounded like `levels` itself, so a file with an absurd `levels` is refused, not allocated.
    let deepest = s
        .orgs
        .iter()
        .map(OrgSpec::levels)
        .max()
        .unwrap_or(1)
        .min(crate::scenario::check::MAX_LEVELS);
    for key in PER_LEVEL {
        org_keys.extend((0..deepest).map(|l| format!("{key}.{l}")));
    }
    for o in &s.orgs {
        candidates.extend(org_keys.iter().map(|k| format!("org.{}.{k}", o.name)));
    }
    for sh in &s.shocks {
        candidates.extend(SHOCK_KEYS.iter().map(|k| format!("shock.{}.{k}", sh.name)));
    }
    candidates.extend(org_keys.iter().map(|k| format!("org.*.{k}")));
    candidates.extend(SHOCK_KEYS.iter().map(|k| format!("shock.*.{k}")));
    let mut probe = s.clone();
    candidates.retain(|p| !slots(&mut probe, p).is_empty());
    candidates
}

fn whole(v: &SweepValue) -> Result<u64, String> {
    match *v {
        SweepValue::Int(i) if i >= 0 => Ok(i as u64),
        SweepValue::Float(x) if x >= 0.0 && x.fract() == 0.0 && x < 1.8e19 => Ok(x as u64),
        SweepValue::Int(i) => Err(format!("expects a whole number ≥ 0, found {i}")),
        SweepValue::Float(x) => Err(format!("expects a whole number, found {x}")),
        SweepValue::Text(ref t) => Err(format!("expects a whole number, found the string \"{t}\"")),
    }
}

fn real(v: &SweepValue) -> Result<f64, String> {
    match *v {
        SweepValue::Int(i) => Ok(i as f64),
        SweepValue::Float(x) => Ok(x),
        SweepValue::Text(ref t) => Err(format!("expects a number, found the string \"{t}\"")),
    }
}

/// Sets the scalar `path` names (every one, for a `*` path) to `value`. Errors say why in
/// words: the path names nothing, or the value has the wrong type for it. Ranges are not
/// checked here: run [`super::super::check`].
pub fn apply(s: &mut Scenario, path: &str, value: &SweepValue) -> Result<(), String> {
    let found = slots(s, path);
    if found.is_empty() {
        return Err(format!("sweep path `{path}` names nothing"));
    }
    for slot in found {
        set(slot, value)?;
    }
    Ok(())
}

fn set(slot: Slot<'_>, value: &SweepValue) -> Result<(), String> {
    let too_big =
        |x: u64| u32::try_from(x).map_err(|_| format!("expects at most {}, found {x}", u32::MAX));
    match slot {
        Slot::Whole(w) => *w = too_big(whole(value)?)?,
        Slot::OptWhole(w) => *w = Some(too_big(whole(value)?)?),
        Slot::Seed(seed) => *seed = whole(value)?,
        Slot::Real(r) => *r = real(value)?,
        Slot::OptReal(r) => *r = Some(real(value)?),
        Slot::Levels(l) => *l = PerLevel::All(real(value)?),
        Slot::Level(l, i, levels) => {
            if i >= levels as usize {
                return Err(format!(
                    "names level {i}, but the org has levels 0 to {}",
                    levels.saturating_sub(1)
                ));
            }
            let x = real(value)?;
            if let PerLevel::All(all) = *l {
                *l = PerLevel::Levels(vec![all; levels as usize]);
            }
            if let PerLevel::Levels(v) = l {
                if v.len() <= i {
                    let last = v.last().copied().unwrap_or(x);
                    v.resize(levels as usize, last);
                }
                v[i] = x;
            }
        }
        Slot::Mode(m) => {
            *m = match value {
                SweepValue::Text(t) if t == "escalate" => CrossUnitMode::Escalate,
                SweepValue::Text(t) if t == "consult" => CrossUnitMode::Consult,
                other => {
                    return Err(format!(
                        "expects \"escalate\" or \"consult\", found {other:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        let mut s = Scenario::new("t", 1000, 10.0, vec![OrgSpec::tree("Hier.archy", 4, 3)]);
        s.shocks.push(ShockSpec {
            name: "surge@600".into(),
            at: 600,
            duration: Some(10),
            kind: ShockKind::Surge {
                factor: 2.0,
                region: None,
            },
        });
        s
    }

    #[test]
    fn paths_reach_dotted_org_names_and_shocks() {
        let mut s = base();
        apply(&mut s, "org.Hier.archy.span", &SweepValue::Int(8)).unwrap();
        apply(&mut s, "shock.surge@600.factor", &SweepValue::Float(4.0)).unwrap();
        apply(&mut s, "org.Hier.archy.capacity", &SweepValue::Int(2)).unwrap();
        assert_eq!(s.orgs[0].structure, Structure::Tree { span: 8, levels: 3 });
        assert_eq!(s.orgs[0].capacity, PerLevel::All(2.0));
        assert!(matches!(
            s.shocks[0].kind,
            ShockKind::Surge { factor: 4.0, .. }
        ));
    }

    #[test]
    fn paths_that_name_nothing_or_wrong_types_are_refused() {
        let mut s = base();
        assert!(apply(&mut s, "org.Hier.archy.teams", &SweepValue::Int(3)).is_err());
        assert!(apply(&mut s, "org.Nobody.span", &SweepValue::Int(3)).is_err());
        assert!(apply(&mut s, "shock.surge@600.fraction", &SweepValue::Float(0.1)).is_err());
        assert!(apply(&mut s, "org.Hier.archy.span", &SweepValue::Float(2.5)).is_err());
        assert!(apply(&mut s, "work.rate", &SweepValue::Text("x".into())).is_err());
        assert!(sweepable(&s).contains(&"org.Hier.archy.levels".to_string()));
    }

    #[test]
    fn stars_levels_and_distributions_are_reached() {
        let mut s = base();
        s.orgs.push(OrgSpec::tree("Other", 3, 3));
        apply(&mut s, "org.*.span", &SweepValue::Int(7)).unwrap();
        assert!(
            s.orgs
                .iter()
                .all(|o| matches!(o.structure, Structure::Tree { span: 7, .. }))
        );
        apply(&mut s, "org.Other.authority.1", &SweepValue::Float(0.4)).unwrap();
        assert_eq!(s.orgs[1].authority, PerLevel::Levels(vec![1.0, 0.4, 1.0]));
        assert!(apply(&mut s, "org.Other.authority.3", &SweepValue::Float(0.4)).is_err());
        apply(&mut s, "work.reach.exponential", &SweepValue::Float(0.2)).unwrap();
        assert_eq!(s.work.reach, Dist::Exponential(0.2));
        apply(&mut s, "work.complexity.beta.1", &SweepValue::Int(3)).unwrap();
        assert_eq!(s.work.complexity, Dist::Beta([2.0, 3.0]));
        assert!(apply(&mut s, "work.reach.fixed", &SweepValue::Float(0.2)).is_err());
        assert_eq!(path_kind(&s, "org.*.span"), Some(PathKind::Whole));
        assert_eq!(path_kind(&s, "org.*.cross_unit"), Some(PathKind::Name));
        assert_eq!(path_kind(&s, "work.rate"), Some(PathKind::Real));
        assert_eq!(path_kind(&s, "org.*.teams"), None);
        let all = sweepable(&s);
        for p in ["org.*.span", "org.Other.competence.2", "work.stake.fixed"] {
            assert!(all.iter().any(|x| x == p), "{p}");
        }
    }

    /// Every key of `lists` as a sweep path would name it, sweepable or not.
    fn every_key(lists: &[&[schema::Key]]) -> Vec<String> {
        let mut out = Vec::new();
        for k in lists.iter().flat_map(|keys| keys.iter()) {
            out.push(k.name.to_string());
            if let schema::Sweep::Within(sub) = k.sweep {
                out.extend(sub.iter().map(|s| format!("{}.{}", k.name, s.name)));
            }
        }
        out
    }

    #[test]
    fn a_sweep_reaches_exactly_the_keys_the_schema_marks_sweepable() {
        let mut s = Scenario::new(
            "t",
            1000,
            10.0,
            vec![
                OrgSpec::tree("Tree", 4, 3),
                OrgSpec::teams("Teams", 4, 5, Network::default()),
            ],
        );
        let shock = |name: &str, kind| ShockSpec {
            name: name.into(),
            at: 500,
            duration: Some(10),
            kind,
        };
        s.shocks = vec![
            shock(
                "surge",
                ShockKind::Surge {
                    factor: 2.0,
                    region: None,
                },
            ),
            shock(
                "by level",
                ShockKind::Loss {
                    target: LossTarget::Level(1),
                    reroute_after: None,
                },
            ),
            shock(
                "by share",
                ShockKind::Loss {
                    target: LossTarget::Fraction(0.1),
                    reroute_after: None,
                },
            ),
            shock(
                "outage",
                ShockKind::Outage {
                    delay_factor: 2.0,
                    links: Links::All,
                },
            ),
            shock(
                "shift",
                ShockKind::Shift {
                    complexity_shift: 0.1,
                    competence_drop: 0.1,
                },
            ),
            shock(
                "absence",
                ShockKind::Absence {
                    fraction: 0.1,
                    reroute_after: None,
                },
            ),
            shock(
                "delegation",
                ShockKind::Delegation {
                    authority: 0.5,
                    level: 0,
                },
            ),
        ];
        let mut probe = s.clone();
        let mut reached =
            |paths: Vec<String>| paths.iter().any(|p| !slots(&mut probe, p).is_empty());
        for (table, keys) in schema::TABLES {
            for k in every_key(&[keys]) {
                let path = format!("{table}.{k}");
                assert_eq!(
                    reached(vec![path.clone()]),
                    FIXED_PATHS.contains(&path),
                    "{path}"
                );
            }
        }
        for k in every_key(&[schema::TREE, schema::TEAMS, schema::ORG]) {
            let paths = s
                .orgs
                .iter()
                .map(|o| format!("org.{}.{k}", o.name))
                .collect();
            assert_eq!(reached(paths), ORG_KEYS.contains(&k), "org key {k}");
        }
        let kinds: Vec<_> = schema::SHOCK_KINDS.iter().map(|(_, keys)| *keys).collect();
        for k in every_key(&[&[schema::SHOCK], &kinds[..]].concat()) {
            let paths = s
                .shocks
                .iter()
                .map(|o| format!("shock.{}.{k}", o.name))
                .collect();
            assert_eq!(reached(paths), SHOCK_KEYS.contains(&k), "shock key {k}");
        }
    }
}
