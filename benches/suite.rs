//! The named benchmark cases of `docs/performance.md`: each is one run of one org (or of a
//! scenario's orgs side by side, sharing each tick's arrivals, as `orgsim run` runs small orgs), reported
//! as decisions executed per second, agent-ticks (headcount × ticks) per second, nanoseconds
//! per decision and microseconds per tick (all of stepping the built org, one replicate on the
//! calling thread), runs per second (building the org included), and resident bytes per agent.
//!
//! `cargo bench --bench suite` prints the table; `cargo bench --bench suite -- NAME` runs only
//! the cases whose name contains NAME. Each case is timed as the fastest of a few runs (other
//! work on the machine only ever slows a run down). Resident memory is measured in a fresh
//! process of this benchmark per case (so no earlier case's freed memory is reused): the
//! growth of its resident set (`/proc/self/statm`) from before the engine is built to after
//! its last tick, with the engine still alive, divided by the headcount. Allocations are
//! counted by a counting global allocator over the second half of the ticks (the steady
//! state), per thousand ticks.
//!
//! The 2,000-run sweep of small orgs is `cargo bench --bench sweep` (a fresh `orgsim` process
//! per measurement).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use orgsim::engine::Engine;
use orgsim::scenario::{self, Dist, Network, OrgSpec, PerLevel, Scenario};

/// The quickstart scenario as shipped.
fn quickstart() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The quickstart's work (complexity, effort, cross-unit share, stake) at `rate` decisions a
/// tick through `org`, for `ticks` ticks, with no shocks. A cross-unit decision reaches one
/// unit's width on average, so it touches one or two units whatever the org's size: the same
/// work per decision in a 1,000-agent and a 1,000,000-agent org.
fn same_work(org: OrgSpec, units: u32, ticks: u32, rate: f64) -> Scenario {
    let base = quickstart();
    let mut s = Scenario::new(&org.name.clone(), ticks, rate, vec![org]);
    s.scenario.seed = base.scenario.seed;
    s.scenario.warmup = ticks / 10;
    s.work = base.work.clone();
    s.work.rate = rate;
    s.work.reach = Dist::Exponential(1.0 / f64::from(units));
    s
}

/// A tree of span 10: `levels` levels, competence rising with the level so that about one
/// decision in nine climbs one level and almost none reach the top; consults for cross-unit
/// decisions.
fn tree(levels: u32, ticks: u32) -> Scenario {
    busy_tree(levels, ticks, 100.0)
}

/// [`tree`] at `rate` decisions a tick.
fn busy_tree(levels: u32, ticks: u32, rate: f64) -> Scenario {
    let mut org = OrgSpec::tree(&format!("tree-{}", 10u64.pow(levels - 1)), 10, levels);
    let competence: Vec<f64> = (0..levels)
        .map(|l| match l {
            0 => 0.5,
            1 => 0.7,
            l => (0.8 + 0.05 * f64::from(l - 2)).min(1.0),
        })
        .collect();
    org.competence = PerLevel::Levels(competence);
    org.cross_unit = scenario::CrossUnitMode::Consult;
    let units = 10u32.pow(levels - 2);
    same_work(org, units, ticks, rate)
}

/// Teams of 10 on a small world of degree 4.
fn teams(teams: u32, ticks: u32) -> Scenario {
    let org = OrgSpec::teams(
        &format!("teams-{}", teams * 10),
        teams,
        10,
        Network::SmallWorld {
            degree: 4,
            rewire: 0.1,
        },
    );
    same_work(org, teams, ticks, 100.0)
}

/// The system allocator, counting allocations and reallocations.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocations per 1,000 ticks over the second half of one run of `case`.
fn allocations_per_kilotick(case: &Case) -> f64 {
    let mut runs = Runs::new(case);
    let ticks = case.scenario.scenario.ticks;
    while runs.now() < ticks / 2 {
        runs.step();
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    while !runs.finished() {
        runs.step();
    }
    let n = ALLOCATIONS.load(Ordering::Relaxed) - before;
    n as f64 * 1000.0 / f64::from(ticks - ticks / 2)
}

/// Resident memory of this process in bytes.
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

struct Case {
    name: String,
    scenario: Scenario,
    /// The org run, or [`ALL_ORGS`]: every org of replicate 0 side by side, the arrivals of a
    /// tick drawn once for all of them (as `orgsim run` runs small orgs).
    org: usize,
    tries: usize,
    /// Worker threads the run's parallel phases may use (`None`: one per core).
    threads: Option<usize>,
}

impl Case {
    /// A case run with the default threads.
    fn new(name: &str, scenario: Scenario, org: usize, tries: usize) -> Case {
        Case {
            name: name.into(),
            scenario,
            org,
            tries,
            threads: None,
        }
    }
}

/// A [`Case::org`] that steps every org of the scenario side by side.
const ALL_ORGS: usize = usize::MAX;

/// The engines of one run of a case: its org, or every org side by side.
struct Runs(Vec<Engine>);

impl Runs {
    fn new(case: &Case) -> Runs {
        let s = &case.scenario;
        Runs(match case.org {
            ALL_ORGS => (0..s.orgs.len()).map(|o| Engine::new(s, o, 0)).collect(),
            org => vec![Engine::new(s, org, 0)],
        })
    }

    fn finished(&self) -> bool {
        self.0[0].finished()
    }

    fn now(&self) -> u32 {
        self.0[0].now()
    }

    /// One tick of every engine: the first draws the arrivals, the others take them.
    fn step(&mut self) {
        let (first, rest) = self.0.split_at_mut(1);
        first[0].step();
        for e in rest {
            e.step_sharing(first[0].arrivals());
        }
    }

    fn agents(&self) -> usize {
        self.0.iter().map(|e| e.shape().agents()).sum()
    }

    /// Decisions executed over the run, by every engine.
    fn finish(self) -> u64 {
        self.0
            .into_iter()
            .map(|e| e.finish().ticks.iter().map(|t| t.executed).sum::<u64>())
            .sum()
    }
}

/// Set in the child process that measures one case's resident memory.
const MEMORY_CASE: &str = "ORGSIM_SUITE_MEMORY_CASE";

/// Resident bytes per agent of one run of `case`, measured in this process.
fn bytes_per_agent(case: &Case) -> f64 {
    let before = resident();
    let mut runs = Runs::new(case);
    while !runs.finished() {
        runs.step();
    }
    let grown = resident().saturating_sub(before);
    grown as f64 / runs.agents() as f64
}

/// Resident bytes per agent of one run of the case named `name`, in a fresh process.
fn bytes_per_agent_fresh(name: &str) -> f64 {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = std::process::Command::new(exe)
        .env(MEMORY_CASE, name)
        .output()
        .expect("the benchmark runs itself");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(f64::NAN)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter keeps only the cases whose name contains it.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let q = quickstart();
    let mut cases = vec![
        Case::new("tree_1m_1k_ticks", tree(7, 1000), 0, 3),
        Case::new("teams_1m_1k_ticks", teams(100_000, 1000), 0, 3),
        Case::new("tree_1k_10k_ticks", tree(4, 10_000), 0, 5),
        Case::new("teams_1k_10k_ticks", teams(100, 10_000), 0, 5),
    ];
    // One busy 10^6-agent org on one thread and on two: the speed-up within a run.
    for threads in [1, 2] {
        cases.push(Case {
            threads: Some(threads),
            ..Case::new(
                &format!("tree_1m_busy_50_ticks/{threads}t"),
                busy_tree(7, 50, 100_000.0),
                0,
                2,
            )
        });
    }
    for (i, org) in q.orgs.iter().enumerate() {
        let name = format!("quickstart/{}", org.name.to_lowercase().replace(' ', "_"));
        cases.push(Case::new(&name, q.clone(), i, 10));
    }
    // The three side by side, as `orgsim run` runs them: the work of a tick drawn once.
    cases.push(Case::new(
        "quickstart/side_by_side",
        q.clone(),
        ALL_ORGS,
        10,
    ));
    if let Ok(name) = std::env::var(MEMORY_CASE) {
        if let Some(case) = cases.iter().find(|c| c.name == name) {
            println!("{}", bytes_per_agent(case));
        }
        return;
    }
    cases.retain(|c| filters.is_empty() || filters.iter().any(|f| c.name.contains(f.as_str())));
    if cases.is_empty() {
        return;
    }
    println!(
        "{:<28} {:>9} {:>7} {:>10} {:>9} {:>11} {:>13} {:>9} {:>8} {:>9} {:>9} {:>8} {:>11}",
        "case",
        "agents",
        "ticks",
        "decisions",
        "step s",
        "decisions/s",
        "agent-ticks/s",
        "runs/s",
        "ns/dec",
        "µs/tick",
        "B/agent",
        "build s",
        "allocs/kt"
    );
    for case in &cases {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(case.threads.unwrap_or(0))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        pool.install(|| measure(case));
    }
}

/// Time `case` and print its row.
fn measure(case: &Case) {
    let s = &case.scenario;
    let mut best = f64::INFINITY;
    let mut best_build = f64::INFINITY;
    let mut executed = 0u64;
    let mut agents = 0usize;
    for _ in 0..case.tries {
        let start = Instant::now();
        let mut runs = Runs::new(case);
        let built = start.elapsed().as_secs_f64();
        while !runs.finished() {
            runs.step();
        }
        let secs = start.elapsed().as_secs_f64() - built;
        agents = runs.agents();
        executed = runs.finish();
        best = best.min(secs);
        best_build = best_build.min(built);
    }
    let ticks = s.scenario.ticks as f64;
    println!(
        "{:<28} {:>9} {:>7} {:>10} {:>9.3} {:>11.3e} {:>13.3e} {:>9.2} {:>8.0} {:>9.1} {:>9.0} {:>8.3} {:>11.1}",
        case.name,
        agents,
        s.scenario.ticks,
        executed,
        best,
        executed as f64 / best,
        agents as f64 * ticks / best,
        1.0 / (best + best_build),
        best * 1e9 / executed.max(1) as f64,
        best * 1e6 / ticks,
        bytes_per_agent_fresh(&case.name),
        best_build,
        allocations_per_kilotick(case)
    );
}
