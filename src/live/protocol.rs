//! What the page and the server say to each other.
//!
//! The server streams two kinds of server-sent event, both JSON on one line:
//! - `init`: everything a page needs to draw from nothing — the scenario, each org's colour and
//!   picture, the scenario's planned shocks, and the full state ([`Frame`] with `full: true`).
//!   Sent when a page connects, and to every page after a reset.
//! - `frame`: what changed since the previous frame, at most 20 times a second: the status,
//!   the running totals, the chart bins that changed, the picture nodes whose queue or absence
//!   changed, and the timeline when it changed.
//!
//! The page acts through small JSON `POST`s under `/api/` (see `server.rs`).

use serde::{Deserialize, Serialize};

use super::bins::Columns;
use super::picture::Picture;

/// The scenario as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub description: String,
    /// The scenario file's name, for the saved scenario's file name.
    pub file: String,
    pub tick_unit: String,
    /// Its plural, as the report writes it ("hours").
    pub tick_units: String,
    /// What the scenario calls decisions (`decision_noun_plural`, or `decision_noun` with an
    /// "s"; "decisions" by default), for the page's captions.
    pub nouns: String,
    /// The scenario's `ticks`; a live session may go on past it.
    pub horizon: u32,
    /// Ticks of the trailing mean the charts draw (`recovery.window`).
    pub window: u32,
    pub base_rate: f64,
    /// The tick at which a live session stops.
    pub max_ticks: u32,
    /// Ticks per second the speed control steps through (`null`: as fast as it goes).
    pub speeds: Vec<Option<f64>>,
}

/// The colours the page shares with the charts (`output::charts::style`).
#[derive(Debug, Clone, Serialize)]
pub struct Palette {
    pub ink: String,
    pub muted: String,
    pub grid: String,
    pub shock: String,
    pub warmup: String,
}

/// One org as the page draws it.
#[derive(Debug, Clone, Serialize)]
pub struct OrgInfo {
    pub name: String,
    /// Its colour in every chart, `#rrggbb`.
    pub colour: String,
    /// Its line's dash pattern in chart pixels at 1600 wide (empty: solid).
    pub dash: Vec<u32>,
    pub structure: &'static str,
    pub headcount: u64,
    /// Units (teams, or subtrees of first-line managers) and frontline agents in each.
    pub units: u32,
    pub unit_size: u32,
    /// The design's authority at the frontline.
    pub frontline_authority: f64,
    pub picture: Picture,
}

/// A shock on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub name: String,
    pub kind: &'static str,
    pub at: u32,
    /// First tick after it; `None`: it goes on.
    pub end: Option<u32>,
    /// What it does, in words (without its time).
    pub label: String,
    /// `scenario`, `button` or `slider`.
    pub source: &'static str,
}

/// The state of the session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// The next tick to run (= ticks run so far).
    pub tick: u32,
    pub running: bool,
    /// Ticks per second asked for; `None`: as fast as it goes.
    pub speed: Option<f64>,
    /// Ticks per second over the last second.
    pub measured: f64,
    /// The work rate now (the scenario's, or the slider's).
    pub rate: f64,
    /// The frontline authority the slider set for every org; `None`: each org's own.
    pub authority: Option<f64>,
    /// Pages connected.
    pub clients: usize,
    /// Shocks and slider changes waiting for the next tick.
    pub pending: Vec<String>,
    /// Something the facilitator should know (the live limit reached).
    pub note: Option<String>,
}

/// Running totals of one org since tick 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Totals {
    pub arrived: u64,
    pub executed: u64,
    /// Exact: the sum over every tick, in tick order, as `timeseries.csv` would give it.
    pub value: f64,
    /// Decisions waiting now.
    pub backlog: u64,
    /// Of which frozen with absent agents.
    pub frozen: u64,
}

/// A frame: what changed since the previous one, or (`full`) everything.
#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    pub frame: u64,
    pub full: bool,
    pub status: Status,
    pub totals: Vec<Totals>,
    /// Per org: the chart bins from `from` on, or `None` if none changed.
    pub series: Vec<Option<Columns>>,
    /// Per org: `[node, queued, away, node, queued, away, ...]` for the nodes that changed.
    pub nodes: Vec<Vec<u32>>,
    /// The whole timeline, when it changed.
    pub timeline: Option<Vec<Event>>,
}

/// The `init` event.
#[derive(Debug, Clone, Serialize)]
pub struct Init {
    pub version: &'static str,
    pub scenario: ScenarioInfo,
    pub palette: Palette,
    pub orgs: Vec<OrgInfo>,
    /// The scenario's own shocks, started or not.
    pub planned: Vec<Event>,
    pub state: Frame,
}

/// A request body that carries nothing (`{}`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// `POST /api/step`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    #[serde(default = "one")]
    pub ticks: u32,
}

fn one() -> u32 {
    1
}

/// `POST /api/speed`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeedRequest {
    /// `null`: as fast as it goes.
    pub ticks_per_second: Option<f64>,
}

/// `POST /api/rate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    /// `null`: back to the scenario's rate.
    pub rate: Option<f64>,
}

/// `POST /api/authority`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorityRequest {
    /// `null`: back to each org's own.
    pub authority: Option<f64>,
}

/// `POST /api/shock`: a shock to inject into every org from the next tick.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ShockRequest {
    /// Work arrives `factor` times as fast.
    Surge { factor: f64, duration: Option<u32> },
    /// The top leader leaves (in teams, the most competent member).
    Loss {
        duration: Option<u32>,
        reroute_after: Option<u32>,
    },
    /// Every link is `delay_factor` times slower.
    Outage {
        delay_factor: f64,
        duration: Option<u32>,
    },
    /// New work is more complex and everyone's knowledge goes stale.
    Shift {
        complexity_shift: f64,
        competence_drop: f64,
        duration: Option<u32>,
    },
    /// A share of everyone is away.
    Absence {
        fraction: f64,
        duration: Option<u32>,
        reroute_after: Option<u32>,
    },
}

/// What a control request did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ack {
    /// The next tick to run.
    pub tick: u32,
    /// The shock scheduled, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shock: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shock_requests_read_their_kind_and_refuse_unknown_fields() {
        let r: ShockRequest = serde_json::from_str(r#"{"kind":"surge","factor":2.5}"#).unwrap();
        assert_eq!(
            r,
            ShockRequest::Surge {
                factor: 2.5,
                duration: None
            }
        );
        let r: ShockRequest =
            serde_json::from_str(r#"{"kind":"loss","duration":300,"reroute_after":48}"#).unwrap();
        assert!(matches!(r, ShockRequest::Loss { .. }));
        for bad in [
            r#"{"kind":"surge","factor":2.5,"colour":1}"#,
            r#"{"kind":"quake"}"#,
            r#"{"factor":2.5}"#,
            r#"{"kind":"surge","factor":"big"}"#,
        ] {
            assert!(serde_json::from_str::<ShockRequest>(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Empty>(r#"{"x":1}"#).is_err());
        assert_eq!(serde_json::from_str::<StepRequest>("{}").unwrap().ticks, 1);
    }
}
