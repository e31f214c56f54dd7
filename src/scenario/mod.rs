//! Scenario files: the TOML schema, defaults, validation with located errors.

mod types;

pub use types::*;
