//! orgsim simulates how an organisation's structure and decision rights shape its response to
//! work and to shocks.
//!
//! The flow is scenario → model → engine → metrics → experiment → output; each module owns one
//! step (see `docs/architecture.md`).
//!
//! ```
//! use orgsim::{experiment, metrics, scenario};
//!
//! let text = r#"
//! [scenario]
//! ticks = 300
//! replications = 3
//! [work]
//! rate = 8
//! [[org]]
//! name = "Hierarchy"
//! structure = "tree"
//! span = 4
//! levels = 3
//! capacity = [1.0, 2.0, 4.0]
//! authority = [0.2, 0.5, 1.0]
//! [[org]]
//! name = "Teams"
//! structure = "teams"
//! teams = 4
//! team_size = 5
//! "#;
//! let s = scenario::parse_str(text, "example.toml").expect("a valid scenario");
//! let runs = experiment::run(&s, &experiment::RunOptions::default()).expect("runs");
//! let summary = metrics::summarise_runs(&s, &runs);
//! let latency = summary.rows.iter().find(|r| r.org == "Teams" && r.metric == "latency_mean");
//! assert!(latency.and_then(|r| r.mean).is_some());
//! ```

pub mod engine;
pub mod experiment;
pub mod live;
pub mod metrics;
pub mod model;
pub mod output;
pub mod sampling;
pub mod scenario;
