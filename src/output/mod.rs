//! output
pub mod charts;
pub mod results;
