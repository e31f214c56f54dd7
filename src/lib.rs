//! orgsim simulates how an organisation's structure and decision rights shape its response to
//! work and to shocks.
//!
//! The flow is scenario → model → engine → metrics → experiment → output; each module owns one
//! step (see `DESIGN.md` §5).

pub mod engine;
pub mod experiment;
pub mod metrics;
pub mod model;
pub mod output;
pub mod scenario;
