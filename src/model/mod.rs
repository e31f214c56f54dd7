//! Structures, agents, decisions and decision rules: data and pure rules. The engine applies
//! these rules; it does not contain any. `docs/model.md` explains each rule in plain words.
//!
//! | rule | function |
//! |---|---|
//! | decisions arrive as a Poisson stream, the same for every org | [`work_stream::WorkStream::arrivals`] |
//! | a demand surge adds (or thins) work in its region | [`work_stream::WorkStream::arrivals`] with [`work_stream::Surge`] |
//! | a bad decision may come back as rework | [`work_stream::WorkStream::rework`], drawn with [`rng::chance`] |
//! | a tree's levels and managers, teams and their network | [`structure::Shape::build`], [`structure::wire`] |
//! | the frontline agent who receives a decision | [`structure::Shape::frontline_at`] |
//! | the units a decision touches | [`structure::Shape::touched_units`] |
//! | cross-unit decisions escalate in trees only | [`rules::escalates`] |
//! | an escalated decision climbs to its lowest common manager | [`rules::min_level`], [`rules::must_climb`] |
//! | decide or refer (allowed and able; the top always decides) | [`rules::decide_or_refer`] |
//! | whom an agent refers to | [`routing::Routing::superior`] |
//! | ranking to lead: more competent, ties to the lower index | [`routing::ranks_above`] |
//! | the most competent of a group (ties: lowest index) | [`routing::most_competent`] |
//! | a team's lead (at the start, after a shock, after learning) | [`routing::team_lead`] |
//! | a lead refers to the best neighbouring lead only if strictly more competent | [`routing::best_neighbour_lead`], [`routing::lead_refers_to`] |
//! | the acting top while the top is away | [`routing::acting_top`] |
//! | where work goes around an agent whose work is rerouted | [`routing::Routing::around`], [`routing::Routing::destination`] |
//! | who answers a consult for a unit | [`routing::Routing::consulted`] |
//! | the units a decision consults ("other" units) | [`rules::units_to_consult`] |
//! | levels climbed (trees) or hops taken (teams) | [`rules::levels_climbed`] |
//! | the share of the reach not heard from | [`rules::unheard_share`] |
//! | fidelity: `(1 − filter_loss)^h × (1 − unheard)` | [`rules::fidelity`] |
//! | who counts as the top (alignment does not apply there) | [`rules::at_top`] |
//! | the probability that a decision is good | [`rules::p_good`] |
//! | whether it is: its quality draw below that probability | [`rules::is_good`] |
//! | the way down: a link delay per level or per hop | [`rules::return_delay`] |
//! | the value of an executed decision | [`rules::value`] |
//! | learning: competence moves toward 1 | [`rules::learn`] |
//! | whom a loss or an absence takes (top, level, fraction, region) | [`shocks::targets`] |
//! | when work starts going around the absent | [`shocks::reroute_tick`] |
//! | a shift raises complexity and drops competence | [`shocks::shifted_complexity`], [`shocks::dropped_competence`] |
//! | an outage multiplies link delays, rounded up to whole ticks | [`shocks::link_delays`] |
//! | a delegation sets a level's authority; the latest in force wins | [`shocks::delegated_authority`] |
//! | every draw is keyed by what it is about | [`rng::key`], [`rng::uniform`], [`rng::chance`], [`rng::name_id`] |

pub mod pages;
pub mod rng;
pub mod routing;
pub mod rules;
pub mod shocks;
pub mod structure;
pub mod work_stream;

/// The work stream's earlier path, kept so `orgsim::model::work::{NewDecision, Surge,
/// WorkStream}` still resolves.
pub use work_stream as work;
