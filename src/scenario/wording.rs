//! A scenario's entities in words — what a shock does, how an org is built, the tick unit — for
//! the two places that describe a scenario to a person: the HTML report ([`Voice::Prose`],
//! sentences a client reads) and `orgsim check` ([`Voice::Terse`], one console line each, with
//! the values as the scenario file writes them). One case analysis per entity; where the two
//! readers phrase a case differently, both phrasings stand side by side in its arm.

use super::types::{CrossUnitMode, Links, LossTarget, Network, ShockKind, Structure};

/// How a description is phrased.
#[derive(Debug, Clone, Copy)]
pub enum Voice<'a> {
    /// Sentences for a client: numbers written by `number`, times in the scenario's
    /// `tick_unit`, shares as percentages.
    Prose {
        /// Writes a number for a reader.
        number: fn(f64) -> String,
        /// What one tick stands for (`hour`).
        tick_unit: &'a str,
    },
    /// A terse console line: numbers and keywords as the scenario file writes them.
    Terse,
}

impl Voice<'_> {
    fn number(self, x: f64) -> String {
        match self {
            Voice::Prose { number, .. } => number(x),
            Voice::Terse => x.to_string(),
        }
    }
}

/// `text` with the whole words "decision" and "decisions" (also capitalised, also in
/// "decision-hours" or "good-decision rate") said as `noun` and `nouns`.
pub fn in_words(text: &str, noun: &str, nouns: &str) -> String {
    let capital = capitalise;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['d', 'D']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let word_start = out.chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let found = [
            ("decisions", nouns.to_string()),
            ("Decisions", capital(nouns)),
            ("decision", noun.to_string()),
            ("Decision", capital(noun)),
        ]
        .into_iter()
        .find(|(w, _)| {
            from.starts_with(w)
                && from[w.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        });
        match found {
            Some((w, said)) if word_start => {
                out.push_str(&said);
                rest = &from[w.len()..];
            }
            _ => {
                out.push_str(&from[..1]);
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` with its first letter in upper case: "Claims executed per hour".
pub fn capitalise(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The tick unit in the plural: "hour" → "hours"; a unit already ending in `s` stays.
pub fn plural(unit: &str) -> String {
    if unit.is_empty() {
        "ticks".to_string()
    } else if unit.ends_with('s') {
        unit.to_string()
    } else {
        format!("{unit}s")
    }
}

/// What a shock does to the organisations: "work arrives 3× as fast" (prose), "work × 3"
/// (terse).
pub fn shock(kind: &ShockKind, voice: Voice) -> String {
    let n = |x: f64| voice.number(x);
    let reroute = |after: Option<u32>| match (voice, after) {
        (Voice::Prose { tick_unit, .. }, Some(t)) => {
            format!("; their work is rerouted after {t} {}", plural(tick_unit))
        }
        (Voice::Prose { .. }, None) => "; their work waits for their return".to_string(),
        (Voice::Terse, Some(t)) => format!(", reroute after {t}"),
        (Voice::Terse, None) => ", no rerouting".to_string(),
    };
    let prose = matches!(voice, Voice::Prose { .. });
    match kind {
        ShockKind::Surge { factor, region } => {
            let f = n(*factor);
            match region {
                None if prose => format!("work arrives {f}× as fast"),
                None => format!("work × {f}"),
                Some([a, b]) if prose => {
                    format!("work arrives {f}× as fast in places {}–{}", n(*a), n(*b))
                }
                Some([a, b]) => format!("work × {f} in [{}, {})", n(*a), n(*b)),
            }
        }
        ShockKind::Loss {
            target,
            reroute_after,
        } => {
            let rest = reroute(*reroute_after);
            match (target, prose) {
                (LossTarget::Top, true) => format!("the top leader leaves{rest}"),
                (LossTarget::Top, false) => format!("loses the top{rest}"),
                (LossTarget::Level(l), true) => format!("everyone at level {l} leaves{rest}"),
                (LossTarget::Level(l), false) => format!("loses level {l}{rest}"),
                (LossTarget::Fraction(f), true) => {
                    format!("{}% of agents, drawn at random, leave{rest}", n(f * 100.0))
                }
                (LossTarget::Fraction(f), false) => {
                    format!("loses a random {} of agents{rest}", n(*f))
                }
                (LossTarget::Region([a, b]), true) => {
                    format!("the agents covering places {}–{} leave{rest}", n(*a), n(*b))
                }
                (LossTarget::Region([a, b]), false) => {
                    format!("loses agents in [{}, {}){rest}", n(*a), n(*b))
                }
            }
        }
        ShockKind::Outage {
            delay_factor,
            links,
        } => {
            let which = match links {
                Links::All => "all",
                Links::Vertical => "vertical",
                Links::Lateral => "lateral",
            };
            let f = n(*delay_factor);
            if prose {
                format!("messages take {f}× as long on {which} links")
            } else {
                format!("{which} link delays × {f}")
            }
        }
        ShockKind::Shift {
            complexity_shift,
            competence_drop,
        } => {
            let (c, d) = (n(*complexity_shift), n(*competence_drop));
            if prose {
                format!("new work is {c} more complex and competence drops by {d}")
            } else {
                format!("complexity +{c}, competence −{d}")
            }
        }
        ShockKind::Absence {
            fraction,
            reroute_after,
        } => {
            let rest = reroute(*reroute_after);
            if prose {
                format!("{}% of agents are away{rest}", n(fraction * 100.0))
            } else {
                format!("{} of agents away{rest}", n(*fraction))
            }
        }
        ShockKind::Delegation { authority, level } => {
            let a = n(*authority);
            if prose {
                format!("the authority of everyone at level {level} becomes {a}")
            } else {
                format!("authority at level {level} becomes {a}")
            }
        }
    }
}

/// How an org is built: "hierarchy of 4 levels, 6 reports per manager" (prose), "tree, span 6,
/// 4 levels" (terse).
pub fn structure(structure: &Structure, voice: Voice) -> String {
    let prose = matches!(voice, Voice::Prose { .. });
    match structure {
        Structure::Tree { span, levels } if prose => {
            format!("hierarchy of {levels} levels, {span} reports per manager")
        }
        Structure::Tree { span, levels } => format!("tree, span {span}, {levels} levels"),
        Structure::Teams {
            teams,
            team_size,
            network,
        } => {
            let net = match network {
                Network::Ring if prose => "a ring".to_string(),
                Network::Ring => "ring".to_string(),
                Network::Complete if prose => "every team to every other".to_string(),
                Network::Complete => "complete network".to_string(),
                Network::SmallWorld { degree, rewire } if prose => format!(
                    "a small world (degree {degree}, rewiring {})",
                    voice.number(*rewire)
                ),
                Network::SmallWorld { degree, rewire } => {
                    format!("small world, degree {degree}, rewire {rewire}")
                }
            };
            if prose {
                format!("{teams} teams of {team_size}, no managers, linked as {net}")
            } else {
                format!("{teams} teams of {team_size}, {net}")
            }
        }
    }
}

/// What an org does with a decision that reaches other units: "escalated to a common manager"
/// (prose), "escalate" (terse).
pub fn cross_unit(mode: CrossUnitMode, voice: Voice) -> &'static str {
    match (mode, voice) {
        (CrossUnitMode::Escalate, Voice::Prose { .. }) => "escalated to a common manager",
        (CrossUnitMode::Consult, Voice::Prose { .. }) => "decided, then other units consulted",
        (CrossUnitMode::Escalate, Voice::Terse) => "escalate",
        (CrossUnitMode::Consult, Voice::Terse) => "consult",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose() -> Voice<'static> {
        Voice::Prose {
            number: |x| format!("{x:.1}"),
            tick_unit: "hour",
        }
    }

    #[test]
    fn a_shock_reads_as_a_sentence_or_as_its_values() {
        let loss = ShockKind::Loss {
            target: LossTarget::Fraction(0.25),
            reroute_after: Some(48),
        };
        assert_eq!(
            shock(&loss, prose()),
            "25.0% of agents, drawn at random, leave; their work is rerouted after 48 hours"
        );
        assert_eq!(
            shock(&loss, Voice::Terse),
            "loses a random 0.25 of agents, reroute after 48"
        );
        let surge = ShockKind::Surge {
            factor: 2.5,
            region: Some([0.1, 0.6]),
        };
        assert_eq!(
            shock(&surge, prose()),
            "work arrives 2.5× as fast in places 0.1–0.6"
        );
        assert_eq!(shock(&surge, Voice::Terse), "work × 2.5 in [0.1, 0.6)");
    }

    #[test]
    fn a_structure_reads_as_a_sentence_or_as_its_values() {
        let teams = Structure::Teams {
            teams: 4,
            team_size: 6,
            network: Network::SmallWorld {
                degree: 2,
                rewire: 0.3,
            },
        };
        assert_eq!(
            structure(&teams, prose()),
            "4 teams of 6, no managers, linked as a small world (degree 2, rewiring 0.3)"
        );
        assert_eq!(
            structure(&teams, Voice::Terse),
            "4 teams of 6, small world, degree 2, rewire 0.3"
        );
    }
}
