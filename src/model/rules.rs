//! The decision rules of `docs/model.md` ("Deciding or referring", "Decisions that reach
//! beyond one unit", "Quality", "Value", "Learning") as small pure functions; the engine
//! applies them.

use crate::model::structure::Shape;
use crate::scenario::CrossUnitMode;

/// What an agent does with a decision at the head of its queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Take the decision (after coordinating, if it reaches beyond the decider's units).
    Decide,
    /// Pass it up. `frustrated`: the agent judged itself able but lacked the authority
    /// ("capacity without authority").
    Refer { frustrated: bool },
}

/// Decide or refer: decide when allowed (`complexity <= authority`, and no escalation rule
/// forces it higher) and able (`complexity <= competence + boundary`); an agent with nobody
/// above it decides whatever its authority. `has_superior` is asked only when the agent is
/// not both allowed and able (looking up whom an agent refers to is the costlier part).
pub fn decide_or_refer(
    complexity: f64,
    competence: f64,
    authority: f64,
    boundary: f64,
    must_climb: bool,
    has_superior: impl FnOnce() -> bool,
) -> Choice {
    let able = complexity <= competence + boundary;
    let allowed = complexity <= authority && !must_climb;
    if (able && allowed) || !has_superior() {
        Choice::Decide
    } else {
        Choice::Refer {
            frustrated: able && !allowed,
        }
    }
}

/// Whether cross-unit decisions escalate: `cross_unit = "escalate"` applies to trees only.
pub fn escalates(mode: CrossUnitMode, shape: &Shape) -> bool {
    mode == CrossUnitMode::Escalate && shape.is_tree()
}

/// The lowest level allowed to take a decision at `locus` with `reach`: when decisions
/// escalate, the level of the lowest manager over every frontline agent it touches; else 0.
pub fn min_level(escalate: bool, shape: &Shape, locus: f64, reach: f64) -> u8 {
    if escalate {
        shape.lowest_common_level(locus, reach) as u8
    } else {
        0
    }
}

/// Whether escalation forces an agent at `level` to pass up a decision that must be taken at
/// `min_level` or above.
pub fn must_climb(escalate: bool, level: u8, min_level: u8) -> bool {
    escalate && level < min_level
}

/// In consult mode, the units a decision touches outside the decider's own, on the circle of
/// units from the first touched; none for a local decision or in escalate mode.
pub fn units_to_consult(
    mode: CrossUnitMode,
    shape: &Shape,
    decider: u32,
    locus: f64,
    reach: f64,
) -> Vec<u32> {
    let mut units = Vec::new();
    units_to_consult_into(mode, shape, decider, locus, reach, &mut units);
    units
}

/// [`units_to_consult`] into a list the caller keeps (emptied first), so the engine's
/// consults allocate nothing once its lists have grown.
pub fn units_to_consult_into(
    mode: CrossUnitMode,
    shape: &Shape,
    decider: u32,
    locus: f64,
    reach: f64,
    units: &mut Vec<u32>,
) {
    units.clear();
    if mode != CrossUnitMode::Consult || reach <= 0.0 {
        return;
    }
    let (first, count) = shape.touched_units(locus, reach);
    let own = shape.domain_units(decider);
    units.extend(
        (0..count)
            .map(|k| (first + k) % shape.units)
            .filter(|u| !own.contains(u)),
    );
}

/// The levels a decision climbed, for its fidelity and its way down: in a tree the decider's
/// level; in teams the hops it took (to leads, to neighbouring leads, around absent members).
pub fn levels_climbed(shape: &Shape, level: u8, hops_vertical: u16, hops_lateral: u16) -> u32 {
    if shape.is_tree() {
        level as u32
    } else {
        (hops_vertical + hops_lateral) as u32
    }
}

/// Whether the decider counts as the top, where alignment does not apply: a tree's top or its
/// acting top. Teams have no top.
pub fn at_top(shape: &Shape, decider: u32, level: u8, acting_top: u32) -> bool {
    shape.is_tree() && (level as u32 + 1 == shape.levels || decider == acting_top)
}

/// The share of a decision's reach `[locus, locus + reach)` lying in the consulted `units`
/// whose answer was not `heard` in time.
pub fn unheard_share(shape: &Shape, units: &[u32], heard: &[bool], locus: f64, reach: f64) -> f64 {
    units
        .iter()
        .zip(heard)
        .filter(|(_, heard)| !**heard)
        .map(|(&u, _)| shape.unit_share_of_reach(u, locus, reach))
        .sum()
}

/// Ticks a decision takes back down to where it arose: in a tree one vertical delay per level
/// climbed; in teams one delay per hop taken, of the hop's kind.
pub fn return_delay(
    shape: &Shape,
    climbed: u32,
    hops_vertical: u16,
    hops_lateral: u16,
    delay_vertical: u32,
    delay_lateral: u32,
) -> u32 {
    if shape.is_tree() {
        climbed * delay_vertical
    } else {
        hops_vertical as u32 * delay_vertical + hops_lateral as u32 * delay_lateral
    }
}

/// Logistic function.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Information kept after climbing `levels` levels and missing `unheard` of the reach:
/// `(1 - filter_loss)^levels * (1 - unheard)`.
pub fn fidelity(filter_loss: f64, levels: u32, unheard: f64) -> f64 {
    (1.0 - filter_loss).powi(levels as i32) * heard(unheard)
}

/// The share of a decision's reach heard from, `unheard` missing: `(1 - unheard)` within [0, 1].
#[inline]
fn heard(unheard: f64) -> f64 {
    (1.0 - unheard).clamp(0.0, 1.0)
}

/// Levels climbed whose `(1 - filter_loss)^levels` a [`Fidelity`] keeps (longer climbs, only
/// in teams, are computed).
const KEPT_LEVELS: u32 = 64;

/// [`fidelity`] with `(1 - filter_loss)^levels` computed once for the climbs a run meets: the
/// same numbers, bit for bit, without a `powi` per decision taken.
#[derive(Debug, Clone)]
pub struct Fidelity {
    filter_loss: f64,
    /// `kept[l]` is `(1 - filter_loss)^l`.
    kept: Vec<f64>,
}

impl Fidelity {
    pub fn new(filter_loss: f64) -> Fidelity {
        Fidelity {
            filter_loss,
            kept: (0..KEPT_LEVELS)
                .map(|l| (1.0 - filter_loss).powi(l as i32))
                .collect(),
        }
    }

    /// [`fidelity`]`(filter_loss, levels, unheard)`.
    #[inline]
    pub fn of(&self, levels: u32, unheard: f64) -> f64 {
        match self.kept.get(levels as usize) {
            Some(&kept) => kept * heard(unheard),
            None => fidelity(self.filter_loss, levels, unheard),
        }
    }
}

/// Probability that a decision is good:
/// `fidelity * sigmoid((competence - complexity) / sharpness)`, times `alignment` when taken
/// below the top.
pub fn p_good(
    fidelity: f64,
    competence: f64,
    complexity: f64,
    sharpness: f64,
    alignment: Option<f64>,
) -> f64 {
    let judgement = if sharpness > 0.0 {
        sigmoid((competence - complexity) / sharpness)
    } else if competence >= complexity {
        1.0
    } else {
        0.0
    };
    fidelity * judgement * alignment.unwrap_or(1.0)
}

/// Whether a decision whose quality draw is `u` is good: `u < p_good(...)` of the same
/// arguments, the same answer bit for bit, but without the logistic's `exp` whenever bounds on
/// it settle the comparison (most decisions).
///
/// With `y = |x|` and `t = 1 + y + y²/2 + y³/6 <= e^y`, the judgement `1 / (1 + e^-x)` is at
/// least `t / (t + 1)` when `x >= 0` and at most `1 / (1 + t)` when `x < 0`. A bound settles the
/// draw only clear of it by a relative `1e-9`, far beyond the rounding of either side (a few
/// units in the last place). Past `fidelity × alignment`, the most `p_good` can round to, a
/// draw is bad whatever the judgement.
#[inline]
pub fn is_good(
    u: f64,
    fidelity: f64,
    competence: f64,
    complexity: f64,
    sharpness: f64,
    alignment: Option<f64>,
) -> bool {
    settled_by_bounds(u, fidelity, competence, complexity, sharpness, alignment)
        .unwrap_or_else(|| u < p_good(fidelity, competence, complexity, sharpness, alignment))
}

/// [`is_good`]'s answer when its bounds settle it without `exp`; `None` when the draw lies too
/// near the probability (or there is no logistic: `sharpness <= 0`).
#[inline]
fn settled_by_bounds(
    u: f64,
    fidelity: f64,
    competence: f64,
    complexity: f64,
    sharpness: f64,
    alignment: Option<f64>,
) -> Option<bool> {
    const CLEAR: f64 = 1e-9;
    if sharpness <= 0.0 {
        return None;
    }
    let x = (competence - complexity) / sharpness;
    let a = alignment.unwrap_or(1.0);
    // The judgement rounds to at most 1, and products keep their order when rounded.
    if u >= fidelity * a {
        return Some(false);
    }
    let y = x.abs();
    let t = 1.0 + y * (1.0 + y * (0.5 + y * (1.0 / 6.0)));
    // The bounds compared multiplied through by `t + 1 > 0`, without a division's wait: the
    // roundings differ by a few units in the last place, far inside `CLEAR`.
    let scaled = u * (t + 1.0);
    if x >= 0.0 {
        (scaled < fidelity * t * a * (1.0 - CLEAR)).then_some(true)
    } else {
        (scaled >= fidelity * a * (1.0 + CLEAR)).then_some(false)
    }
}

/// Value of an executed decision: a good one is worth its stake, halving every `half_life`
/// ticks of latency; a bad one costs `stake * bad_penalty`.
pub fn value(
    good: bool,
    stake: f64,
    latency: u32,
    half_life: Option<f64>,
    bad_penalty: f64,
) -> f64 {
    worth(good, stake, decay_factor(half_life, latency), bad_penalty)
}

/// A good decision's stake times the decay `factor` it kept; a bad one's `-stake * bad_penalty`.
#[inline]
fn worth(good: bool, stake: f64, factor: f64, bad_penalty: f64) -> f64 {
    if good {
        stake * factor
    } else {
        -stake * bad_penalty
    }
}

/// What a good decision keeps of its stake after `latency` ticks: `0.5^(latency / half_life)`,
/// or all of it without a half-life.
fn decay_factor(half_life: Option<f64>, latency: u32) -> f64 {
    match half_life {
        Some(h) if h > 0.0 => 0.5f64.powf(latency as f64 / h),
        _ => 1.0,
    }
}

/// [`value`] with the decay factors of the latencies a run meets most computed once: the
/// same numbers, bit for bit, without a `powf` per executed decision.
#[derive(Debug, Clone)]
pub struct Valuer {
    half_life: Option<f64>,
    bad_penalty: f64,
    /// `factors[l]` is `decay_factor(half_life, l)`.
    factors: Vec<f64>,
}

/// Latencies whose decay factor a [`Valuer`] keeps (8 bytes each; longer ones are computed).
const KEPT_FACTORS: u32 = 1 << 13;

impl Valuer {
    /// The valuer of a run of `horizon` ticks (no latency exceeds the horizon).
    pub fn new(half_life: Option<f64>, bad_penalty: f64, horizon: u32) -> Valuer {
        let kept = if half_life.is_some_and(|h| h > 0.0) {
            horizon.saturating_add(1).min(KEPT_FACTORS)
        } else {
            0
        };
        Valuer {
            half_life,
            bad_penalty,
            factors: (0..kept).map(|l| decay_factor(half_life, l)).collect(),
        }
    }

    /// [`value`]`(good, stake, latency, half_life, bad_penalty)`.
    #[inline]
    pub fn value(&self, good: bool, stake: f64, latency: u32) -> f64 {
        let factor = match self.factors.get(latency as usize) {
            Some(&f) => f,
            None if good => decay_factor(self.half_life, latency),
            // A bad decision's cost does not decay.
            None => 1.0,
        };
        worth(good, stake, factor, self.bad_penalty)
    }
}

/// Competence after deciding: it moves toward 1 by `learning * (1 - competence)`.
pub fn learn(competence: f64, learning: f64) -> f64 {
    competence + learning * (1.0 - competence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::structure::NONE;
    use crate::scenario::{Network, OrgSpec};

    #[test]
    fn fidelity_kept_by_levels_is_the_computed_one_bit_for_bit() {
        let mut g = crate::model::rng::Draws::new(9);
        for filter_loss in [0.0, 0.05, 0.3, g.unit(), g.unit(), 1.0] {
            let kept = Fidelity::new(filter_loss);
            // Kept climbs and longer ones, nothing unheard, some, all and more than all.
            for levels in (0..KEPT_LEVELS + 5).chain([200, 60_000]) {
                for unheard in [0.0, g.unit(), 1.0, 1.5] {
                    let want = fidelity(filter_loss, levels, unheard);
                    let got = kept.of(levels, unheard);
                    assert_eq!(
                        got.to_bits(),
                        want.to_bits(),
                        "filter loss {filter_loss}, {levels} levels, unheard {unheard}"
                    );
                }
            }
        }
    }

    #[test]
    fn is_good_answers_as_the_draw_against_p_good_bit_for_bit() {
        // Draws at, just below and just above the probability, and anywhere; judgements from
        // certain to hopeless; fidelity and alignment from none to whole.
        let mut g = crate::model::rng::Draws::new(5);
        let mut settled_without_exp = 0;
        let cases = 200_000;
        for i in 0..cases {
            let competence = g.unit();
            let complexity = g.unit();
            let sharpness = [0.0, 1e-3, 0.05, 0.1, 0.3, 1.0, 1e300][i % 7];
            let fidelity = [1.0, g.unit(), 0.0][i % 3];
            let alignment = [None, Some(g.unit()), Some(1.0), Some(0.0)][i % 4];
            let p = p_good(fidelity, competence, complexity, sharpness, alignment);
            let u = match i % 5 {
                0 => p,
                1 => p.next_down().max(0.0),
                2 => p.next_up(),
                _ => g.unit(),
            };
            let want = u < p;
            let got = is_good(u, fidelity, competence, complexity, sharpness, alignment);
            assert_eq!(
                got, want,
                "u {u:e}, fidelity {fidelity}, competence {competence}, complexity \
                 {complexity}, sharpness {sharpness}, alignment {alignment:?}: p {p:e}"
            );
            let settled =
                settled_by_bounds(u, fidelity, competence, complexity, sharpness, alignment);
            if let Some(answer) = settled {
                assert_eq!(answer, want, "settled by the bounds: u {u:e}, p {p:e}");
            }
            settled_without_exp += usize::from(settled.is_some());
        }
        // The bounds are what makes it cheap: most draws are settled by them.
        assert!(
            settled_without_exp > cases / 2,
            "{settled_without_exp} of {cases}"
        );
    }

    /// Span 3, three levels: frontline 0..9 (units of three), managers 9..12, top 12.
    fn tree() -> Shape {
        Shape::build(&OrgSpec::tree("t", 3, 3), 1, 0)
    }

    /// Four teams of three.
    fn teams() -> Shape {
        Shape::build(&OrgSpec::teams("t", 4, 3, Network::Ring), 1, 0)
    }

    #[test]
    fn only_trees_escalate() {
        assert!(escalates(CrossUnitMode::Escalate, &tree()));
        assert!(!escalates(CrossUnitMode::Escalate, &teams()));
        assert!(!escalates(CrossUnitMode::Consult, &tree()));
    }

    #[test]
    fn an_escalated_decision_climbs_to_the_lowest_common_manager_and_no_further() {
        let s = tree();
        // [0.05, 0.15) touches frontline agents 0 and 1, both under manager 9 (level 1).
        assert_eq!(min_level(true, &s, 0.05, 0.1), 1);
        assert_eq!(min_level(false, &s, 0.05, 0.1), 0);
        assert!(must_climb(true, 0, 1));
        assert!(
            !must_climb(true, 1, 1),
            "the common manager itself may decide"
        );
        assert!(!must_climb(false, 0, 2));
    }

    #[test]
    fn consults_go_to_the_touched_units_outside_the_deciders_own() {
        let s = tree();
        let consult = CrossUnitMode::Consult;
        // [0.05, 0.55) touches frontline 0..=4: units 0 and 1.
        assert_eq!(units_to_consult(consult, &s, 0, 0.05, 0.5), vec![1]);
        assert_eq!(units_to_consult(consult, &s, 4, 0.05, 0.5), vec![0]);
        assert!(
            units_to_consult(consult, &s, 12, 0.05, 0.5).is_empty(),
            "the top owns all"
        );
        // [0.9, 1.2) wraps: frontline 8, 0, 1, so units 2 then 0.
        assert_eq!(units_to_consult(consult, &s, 8, 0.9, 0.3), vec![0]);
        assert_eq!(units_to_consult(consult, &s, 10, 0.9, 0.3), vec![2, 0]);
        assert!(
            units_to_consult(consult, &s, 0, 0.05, 0.0).is_empty(),
            "a local decision"
        );
        assert!(units_to_consult(CrossUnitMode::Escalate, &s, 0, 0.05, 0.5).is_empty());
        let t = teams();
        // Team 1 owns [0.25, 0.5); [0.3, 0.6) reaches into team 2.
        assert_eq!(units_to_consult(consult, &t, 4, 0.3, 0.3), vec![2]);
    }

    #[test]
    fn a_tree_climbs_by_level_and_teams_by_hops() {
        assert_eq!(levels_climbed(&tree(), tree().level[12], 0, 0), 2);
        assert_eq!(
            levels_climbed(&tree(), tree().level[9], 5, 5),
            1,
            "hops around count nothing in a tree"
        );
        assert_eq!(levels_climbed(&teams(), 0, 1, 2), 3);
        assert_eq!(levels_climbed(&teams(), 0, 0, 0), 0);
    }

    #[test]
    fn the_top_and_the_acting_top_count_as_the_top_and_teams_have_none() {
        let s = tree();
        let at = |a: u32, acting: u32| at_top(&s, a, s.level[a as usize], acting);
        assert!(at(12, NONE));
        assert!(!at(9, NONE));
        assert!(at(9, 9), "the acting top");
        assert!(!at(10, 9));
        assert!(!at_top(&teams(), 0, 0, NONE));
    }

    #[test]
    fn unheard_share_is_the_reach_in_units_not_heard() {
        let s = tree();
        let (locus, reach) = (0.2, 0.6);
        let all = [0, 1, 2];
        assert_eq!(unheard_share(&s, &all, &[true; 3], locus, reach), 0.0);
        let total = unheard_share(&s, &all, &[false; 3], locus, reach);
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        // Unit 1 is [1/3, 2/3): a third of the world, 1/0.6 of the reach.
        let one = unheard_share(&s, &all, &[true, false, true], locus, reach);
        assert!((one - (1.0 / 3.0) / 0.6).abs() < 1e-12, "{one}");
    }

    #[test]
    fn the_way_down_takes_a_delay_per_level_or_per_hop_of_its_kind() {
        assert_eq!(return_delay(&tree(), 2, 7, 7, 3, 5), 6);
        assert_eq!(return_delay(&teams(), 3, 1, 2, 3, 5), 13);
        assert_eq!(return_delay(&teams(), 0, 0, 0, 3, 5), 0);
    }

    #[test]
    fn decides_when_allowed_and_able() {
        assert_eq!(
            decide_or_refer(0.3, 0.5, 0.4, 0.0, false, || true),
            Choice::Decide
        );
    }

    #[test]
    fn refers_without_authority_and_is_frustrated_when_able() {
        assert_eq!(
            decide_or_refer(0.45, 0.5, 0.4, 0.0, false, || true),
            Choice::Refer { frustrated: true }
        );
        assert_eq!(
            decide_or_refer(0.6, 0.5, 0.4, 0.0, false, || true),
            Choice::Refer { frustrated: false }
        );
    }

    #[test]
    fn boundary_widens_what_an_agent_judges_itself_able_to_do() {
        assert_eq!(
            decide_or_refer(0.6, 0.5, 1.0, 0.0, false, || true),
            Choice::Refer { frustrated: false }
        );
        assert_eq!(
            decide_or_refer(0.6, 0.5, 1.0, 0.15, false, || true),
            Choice::Decide
        );
    }

    #[test]
    fn escalation_forces_a_referral_even_when_allowed() {
        assert_eq!(
            decide_or_refer(0.1, 0.9, 1.0, 0.0, true, || true),
            Choice::Refer { frustrated: true }
        );
    }

    #[test]
    fn whom_an_agent_refers_to_is_not_looked_up_when_it_may_decide() {
        let asked = std::cell::Cell::new(0);
        let has_superior = || {
            asked.set(asked.get() + 1);
            true
        };
        assert_eq!(
            decide_or_refer(0.3, 0.5, 0.4, 0.0, false, has_superior),
            Choice::Decide
        );
        assert_eq!(asked.get(), 0, "allowed and able: nobody above is needed");
        assert!(matches!(
            decide_or_refer(0.45, 0.5, 0.4, 0.0, false, has_superior),
            Choice::Refer { frustrated: true }
        ));
        assert_eq!(asked.get(), 1);
    }

    #[test]
    fn the_top_decides_whatever_its_authority() {
        assert_eq!(
            decide_or_refer(0.99, 0.1, 0.0, 0.0, true, || false),
            Choice::Decide
        );
    }

    #[test]
    fn quality_formula() {
        let f = fidelity(0.05, 2, 0.0);
        assert!((f - 0.9025).abs() < 1e-12);
        let p = p_good(f, 0.5, 0.5, 0.1, Some(0.8));
        assert!((p - 0.9025 * 0.5 * 0.8).abs() < 1e-12);
        assert!((fidelity(0.0, 0, 0.25) - 0.75).abs() < 1e-12);
    }

    #[test]
    fn value_halves_every_half_life() {
        assert!((value(true, 2.0, 48, Some(48.0), 0.5) - 1.0).abs() < 1e-12);
        assert_eq!(value(true, 2.0, 1000, None, 0.5), 2.0);
        assert_eq!(value(false, 2.0, 0, Some(48.0), 0.5), -1.0);
    }

    #[test]
    fn a_valuer_gives_the_values_bit_for_bit() {
        for half_life in [None, Some(0.0), Some(48.0), Some(7.3)] {
            let valuer = Valuer::new(half_life, 0.5, 20_000);
            for latency in (0..20_000).step_by(37).chain([8191, 8192, 8193, 20_000]) {
                for (good, stake) in [(true, 1.7), (false, 1.7), (true, 0.0)] {
                    let expected = value(good, stake, latency, half_life, 0.5);
                    let got = valuer.value(good, stake, latency);
                    assert_eq!(got.to_bits(), expected.to_bits(), "{half_life:?} {latency}");
                }
            }
        }
    }

    #[test]
    fn learning_approaches_one() {
        let mut c = 0.5;
        for _ in 0..1000 {
            c = learn(c, 0.01);
        }
        assert!(c > 0.9999 && c <= 1.0);
    }
}
