//! output
pub mod charts;
pub mod report;
pub mod results;
