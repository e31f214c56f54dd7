//! The decision rules of `docs/model.md` ("Deciding or referring", "Quality", "Value", "Learning") as small pure functions; the engine applies them.

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
/// above it decides whatever its authority.
pub fn decide_or_refer(
    complexity: f64,
    competence: f64,
    authority: f64,
    boundary: f64,
    must_climb: bool,
    has_superior: bool,
) -> Choice {
    let able = complexity <= competence + boundary;
    let allowed = complexity <= authority && !must_climb;
    if (able && allowed) || !has_superior {
        Choice::Decide
    } else {
        Choice::Refer {
            frustrated: able && !allowed,
        }
    }
}

/// Logistic function.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Information kept after climbing `levels` levels and missing `unheard` of the reach:
/// `(1 - filter_loss)^levels * (1 - unheard)`.
pub fn fidelity(filter_loss: f64, levels: u32, unheard: f64) -> f64 {
    (1.0 - filter_loss).powi(levels as i32) * (1.0 - unheard).clamp(0.0, 1.0)
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

/// Value of an executed decision: a good one is worth its stake, halving every `half_life`
/// ticks of latency; a bad one costs `stake * bad_penalty`.
pub fn value(
    good: bool,
    stake: f64,
    latency: u32,
    half_life: Option<f64>,
    bad_penalty: f64,
) -> f64 {
    if good {
        match half_life {
            Some(h) if h > 0.0 => stake * 0.5f64.powf(latency as f64 / h),
            _ => stake,
        }
    } else {
        -stake * bad_penalty
    }
}

/// Competence after deciding: it moves toward 1 by `learning * (1 - competence)`.
pub fn learn(competence: f64, learning: f64) -> f64 {
    competence + learning * (1.0 - competence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decides_when_allowed_and_able() {
        assert_eq!(
            decide_or_refer(0.3, 0.5, 0.4, 0.0, false, true),
            Choice::Decide
        );
    }

    #[test]
    fn refers_without_authority_and_is_frustrated_when_able() {
        assert_eq!(
            decide_or_refer(0.45, 0.5, 0.4, 0.0, false, true),
            Choice::Refer { frustrated: true }
        );
        assert_eq!(
            decide_or_refer(0.6, 0.5, 0.4, 0.0, false, true),
            Choice::Refer { frustrated: false }
        );
    }

    #[test]
    fn boundary_widens_what_an_agent_judges_itself_able_to_do() {
        assert_eq!(
            decide_or_refer(0.6, 0.5, 1.0, 0.0, false, true),
            Choice::Refer { frustrated: false }
        );
        assert_eq!(
            decide_or_refer(0.6, 0.5, 1.0, 0.15, false, true),
            Choice::Decide
        );
    }

    #[test]
    fn escalation_forces_a_referral_even_when_allowed() {
        assert_eq!(
            decide_or_refer(0.1, 0.9, 1.0, 0.0, true, true),
            Choice::Refer { frustrated: true }
        );
    }

    #[test]
    fn the_top_decides_whatever_its_authority() {
        assert_eq!(
            decide_or_refer(0.99, 0.1, 0.0, 0.0, true, false),
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
    fn learning_approaches_one() {
        let mut c = 0.5;
        for _ in 0..1000 {
            c = learn(c, 0.01);
        }
        assert!(c > 0.9999 && c <= 1.0);
    }
}
