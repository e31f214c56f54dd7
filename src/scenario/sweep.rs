//! Sweeps: dotted paths into a scenario, the values they take, and the grid of points.
//!
//! A path names one scalar of the resolved scenario: `work.rate`, `quality.rework`,
//! `org.<name>.<key>`, `shock.<name>.<key>`. Orgs and shocks are named, not numbered, so a
//! sweep keeps meaning the same thing when the file's order changes.

use super::schema;
use super::types::*;
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
    Mode(&'a mut CrossUnitMode),
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

/// The scalar a path names, if any.
fn slot<'a>(s: &'a mut Scenario, path: &str) -> Option<Slot<'a>> {
    if let Some(rest) = path.strip_prefix("org.") {
        let (i, key) = named(rest, s.orgs.iter().map(|o| o.name.as_str()), &ORG_KEYS)?;
        return org_slot(&mut s.orgs[i], key);
    }
    if let Some(rest) = path.strip_prefix("shock.") {
        let (i, key) = named(rest, s.shocks.iter().map(|o| o.name.as_str()), &SHOCK_KEYS)?;
        return shock_slot(&mut s.shocks[i], key);
    }
    Some(match path {
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
        _ => return None,
    })
}

/// Which of `names` `rest` starts with, followed by `.` and one of `keys`: its position and
/// that key. Names may contain dots: the longest name that fits wins.
fn named<'p, 'n>(
    rest: &'p str,
    names: impl Iterator<Item = &'n str>,
    keys: &[String],
) -> Option<(usize, &'p str)> {
    names
        .enumerate()
        .filter_map(|(i, name)| {
            let key = rest.strip_prefix(name)?.strip_prefix('.')?;
            keys.iter()
                .any(|k| k == key)
                .then_some((i, name.len(), key))
        })
        .max_by_key(|&(_, len, _)| len)
        .map(|(i, _, key)| (i, key))
}

/// Every path a sweep may name in this scenario, in a stable order.
pub fn sweepable(s: &Scenario) -> Vec<String> {
    let mut candidates: Vec<String> = FIXED_PATHS.clone();
    for o in &s.orgs {
        candidates.extend(ORG_KEYS.iter().map(|k| format!("org.{}.{k}", o.name)));
    }
    for sh in &s.shocks {
        candidates.extend(SHOCK_KEYS.iter().map(|k| format!("shock.{}.{k}", sh.name)));
    }
    let mut probe = s.clone();
    candidates.retain(|p| slot(&mut probe, p).is_some());
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

/// Sets the scalar `path` names to `value`. Errors say why in words: the path names nothing, or
/// the value has the wrong type for it. Ranges are not checked here: run [`super::check`].
pub fn apply(s: &mut Scenario, path: &str, value: &SweepValue) -> Result<(), String> {
    let Some(slot) = slot(s, path) else {
        return Err(format!("sweep path `{path}` names nothing"));
    };
    let too_big =
        |x: u64| u32::try_from(x).map_err(|_| format!("expects at most {}, found {x}", u32::MAX));
    match slot {
        Slot::Whole(w) => *w = too_big(whole(value)?)?,
        Slot::OptWhole(w) => *w = Some(too_big(whole(value)?)?),
        Slot::Seed(seed) => *seed = whole(value)?,
        Slot::Real(r) => *r = real(value)?,
        Slot::OptReal(r) => *r = Some(real(value)?),
        Slot::Levels(l) => *l = PerLevel::All(real(value)?),
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

/// Number of points in the sweep grid (1 when there is no sweep).
pub fn point_count(s: &Scenario) -> usize {
    s.sweep
        .iter()
        .map(|a| a.values.len().max(1))
        .fold(1usize, |n, k| n.saturating_mul(k))
}

/// The values of sweep point `index` (last axis varying fastest), one per axis in file order.
pub fn point_values(s: &Scenario, index: usize) -> Vec<(String, SweepValue)> {
    let mut rest = index;
    let mut out: Vec<(String, SweepValue)> = Vec::with_capacity(s.sweep.len());
    for axis in s.sweep.iter().rev() {
        let n = axis.values.len().max(1);
        if let Some(v) = axis.values.get(rest % n) {
            out.push((axis.path.clone(), v.clone()));
        }
        rest /= n;
    }
    out.reverse();
    out
}

/// The scenario at sweep point `index`, its sweep cleared. Fails when a value does not fit its
/// path (loading has already refused such scenarios).
pub fn at_point(s: &Scenario, index: usize) -> Result<Scenario, String> {
    let mut out = s.clone();
    for (path, value) in point_values(s, index) {
        apply(&mut out, &path, &value).map_err(|e| format!("{path}: {e}"))?;
    }
    out.sweep.clear();
    Ok(out)
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
    fn grid_is_row_major_in_file_order() {
        let mut s = base();
        s.sweep = vec![
            SweepAxis {
                path: "work.rate".into(),
                values: vec![SweepValue::Int(1), SweepValue::Int(2)],
            },
            SweepAxis {
                path: "quality.rework".into(),
                values: vec![
                    SweepValue::Float(0.1),
                    SweepValue::Float(0.2),
                    SweepValue::Float(0.3),
                ],
            },
        ];
        assert_eq!(point_count(&s), 6);
        let p = at_point(&s, 4).unwrap();
        assert_eq!((p.work.rate, p.quality.rework), (2.0, 0.2));
        assert!(p.sweep.is_empty());
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
        let mut reached = |paths: Vec<String>| paths.iter().any(|p| slot(&mut probe, p).is_some());
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
