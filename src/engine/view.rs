//! What the live dashboard reads from a running engine, and the one change it makes to a
//! scheduled shock (ending a work-rate change when the facilitator moves the slider again).

use super::Engine;

impl Engine {
    /// Decisions waiting in each agent's queue (consults excluded), by agent index.
    pub fn queued_decisions(&self) -> impl ExactSizeIterator<Item = u32> + '_ {
        self.agents.iter().map(|a| a.decisions)
    }

    /// End the scheduled shock named `name` at tick `at`, if it is still running or
    /// scheduled and `at` is after it starts: its `duration` becomes `at - shock.at`, exactly
    /// as if the scenario had said so. Returns whether a shock was changed.
    pub fn end_shock_at(&mut self, name: &str, at: u32) -> bool {
        let at = at.max(self.now);
        match self
            .shocks
            .iter_mut()
            .find(|s| s.spec.name == name && !s.ended)
        {
            Some(s) if at > s.spec.at && s.spec.end().is_none_or(|end| end > at) => {
                s.spec.duration = Some(at - s.spec.at);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Engine;
    use crate::scenario::{OrgSpec, Scenario, ShockKind, ShockSpec};

    fn surge(at: u32, duration: Option<u32>) -> ShockSpec {
        ShockSpec {
            name: "rate".into(),
            at,
            duration,
            kind: ShockKind::Surge {
                factor: 3.0,
                region: None,
            },
        }
    }

    #[test]
    fn ending_a_shock_early_matches_a_scenario_that_gave_its_duration() {
        let base = Scenario::new("v", 120, 4.0, vec![OrgSpec::tree("H", 3, 3)]);
        let mut planned = base.clone();
        planned.shocks.push(surge(20, Some(30)));
        let mut expected = Engine::new(&planned, 0, 0);
        let mut live = Engine::new(&base, 0, 0);
        for t in 0..120 {
            if t == 20 {
                live.inject(surge(20, None));
            }
            if t == 50 {
                assert!(live.end_shock_at("rate", 50));
                assert!(!live.end_shock_at("rate", 60), "already ends at 50");
            }
            assert_eq!(live.step(), expected.step(), "tick {t}");
        }
        let queued: u32 = live.queued_decisions().sum();
        assert_eq!(live.queued_decisions().len(), 13);
        assert_eq!(queued as u64, live.census().queued);
    }
}
