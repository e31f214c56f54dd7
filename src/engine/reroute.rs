//! Going around absent agents (`docs/model.md` "Shocks"): the engine's side of the routing
//! rules in [`crate::model::routing`].
//!
//! Once a loss or absence passes its `reroute_after`, the agents it holds away count in
//! `rerouted_for`; the leads and the acting top are chosen again, the agents' frozen queues move
//! at once, and from then on work sent to them goes to [`Routing::destination`].

use super::Engine;
use super::in_flight::{Item, Stage};
use crate::model::routing::{self, Hops, Routing};
use crate::model::structure::NONE;

impl Engine {
    /// The routing state now, for the rules of [`crate::model::routing`].
    pub(super) fn routing(&self) -> Routing<'_> {
        Routing {
            shape: &self.shape,
            competence: &self.competence,
            // Empty while nobody's work is rerouted, so routing reads no per-agent count.
            rerouted_for: if self.rerouted == 0 {
                &[]
            } else {
                &self.rerouted_for
            },
            acting_top: self.acting_top,
            lead: &self.lead,
            best_neighbour: &self.best_neighbour,
        }
    }

    /// Choose the acting top (a tree) or every team's lead (teams) again, after whose work is
    /// rerouted or competences changed; in teams whose members do not learn, each team's best
    /// neighbouring lead too (it then changes only here).
    pub(super) fn refresh_routing(&mut self) {
        let (shape, competence, rerouted_for) = (&self.shape, &self.competence, &self.rerouted_for);
        if shape.is_tree() {
            self.acting_top = routing::acting_top(shape, competence, rerouted_for);
        } else {
            self.lead = (0..shape.units)
                .map(|t| routing::team_lead(shape.team_members(t), competence, rerouted_for))
                .collect();
            if !self.leads_follow_decisions() {
                self.best_neighbour = routing::best_neighbour_leads(shape, &self.lead, competence);
            }
        }
    }

    /// Teams whose members learn: each decision taken changes a member's competence, so the
    /// team's lead is chosen again after it ([`Engine::lead_after_learning`]), and no best
    /// neighbouring lead is kept.
    pub(super) fn leads_follow_decisions(&self) -> bool {
        !self.shape.is_tree() && self.org.learning > 0.0
    }

    /// Team member `by` has learnt, its competence risen from `before`: its team's lead is
    /// chosen again. Only `by` changed, so the lead is the old lead or `by`, whichever ranks
    /// higher; the team is scanned again only if the competence fell or the team had no lead.
    pub(super) fn lead_after_learning(&mut self, by: u32, before: f64) {
        let team = self.shape.team_of(by);
        let lead = self.lead[team as usize];
        let eligible = self.rerouted_for[by as usize] == 0;
        let scan = || {
            routing::team_lead(
                self.shape.team_members(team),
                &self.competence,
                &self.rerouted_for,
            )
        };
        let chosen = if self.competence[by as usize] < before || (lead == NONE && eligible) {
            scan()
        } else if eligible && lead != by && routing::ranks_above(&self.competence, by, lead) {
            by
        } else {
            lead
        };
        debug_assert_eq!(chosen, scan(), "the lead a scan of the team picks");
        self.lead[team as usize] = chosen;
    }

    /// Shock `i` reaches its `reroute_after`: work sent to the agents it holds away goes around
    /// them from now on, and their frozen queues move at once, in agent order, with no delay.
    pub(super) fn reroute(&mut self, i: usize) {
        self.shocks[i].rerouted = true;
        let who: Vec<u32> = self.shocks[i].absent.iter().map(|&(a, _)| a).collect();
        for &a in &who {
            self.rerouted_for[a as usize] += 1;
            self.rerouted += u32::from(self.rerouted_for[a as usize] == 1);
        }
        self.refresh_routing();
        // Work pushed to them before now (by an earlier shock's rerouting this tick) is in
        // their queues before they are emptied.
        self.flush();
        for &a in &who {
            let items = self.queues.drain(a, &mut self.agents[a as usize]);
            self.deactivate(a);
            for item in items {
                match item {
                    Item::Decision(d) => {
                        self.queued -= 1;
                        self.enqueue_decision(a, d);
                    }
                    consult @ Item::Consult { .. } => {
                        let (to, _) = self.destination(a);
                        self.push(to, consult);
                    }
                }
            }
        }
    }

    /// [`Routing::destination`] of `to`: `to` itself, with no hops, while nobody's work is
    /// rerouted (the routing is then not put together at all).
    #[inline(always)]
    pub(super) fn destination(&self, to: u32) -> (u32, Hops) {
        if self.rerouted == 0 {
            (to, Hops::default())
        } else {
            self.routing().destination(to)
        }
    }

    /// Put decision `d` in `to`'s queue, or in the queue of whoever takes `to`'s rerouted work;
    /// the hops around count for the way down.
    #[inline(always)]
    pub(super) fn enqueue_decision(&mut self, to: u32, d: u32) {
        let (to, hops) = self.destination(to);
        let dec = &mut self.decisions[d as usize];
        dec.hops_vertical += hops.vertical;
        dec.hops_lateral += hops.lateral;
        dec.stage = Stage::Queued;
        self.queued += 1;
        self.push(to, Item::Decision(d));
    }
}
