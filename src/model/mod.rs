//! Structures, agents, decisions and decision rules: data and pure rules.

pub mod rng;
pub mod rules;
pub mod structure;
pub mod work;
