//! Structures, agents, decisions and decision rules: data and pure rules.

pub mod rng;
pub mod routing;
pub mod rules;
pub mod shocks;
pub mod structure;
pub mod work_stream;

/// The work stream's earlier path, kept so `orgsim::model::work::{NewDecision, Surge,
/// WorkStream}` still resolves.
pub use work_stream as work;
