//! Integration tests, one binary with a module per feature: the engine's analytic values and
//! invariants, shocks, determinism, the regimes the model can show, the command line, scenario
//! validation, the shipped scenarios, and the charts and report.

mod charts;
mod cli_check;
mod cli_new;
mod cli_run;
mod comment_figures;
mod determinism;
mod domain_words;
mod engine;
mod headlines;
mod invariants;
mod live;
mod overload;
mod pinned;
mod print;
mod regimes;
mod robustness;
mod scenario_fuzz;
mod scenario_reference;
mod sensitivity;
mod shards;
mod shipped_scenarios;
mod shocks;
mod sweeps;
mod util;
