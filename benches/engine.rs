//! One run of each quickstart org, and one tick-heavy large org: decisions per second and
//! agent-ticks per second. Run with `cargo bench`.

use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use orgsim::engine::Engine;
use orgsim::scenario::{self, Dist, Network, OrgSpec, PerLevel, Scenario};

fn quickstart() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    match scenario::load(&path) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn executed(s: &Scenario, org: usize) -> u64 {
    Engine::new(s, org, 0)
        .run()
        .ticks
        .iter()
        .map(|t| t.executed)
        .sum()
}

/// Decisions executed per second, one run (one org, one replicate) at a time.
fn quickstart_decisions(c: &mut Criterion) {
    let s = quickstart();
    let mut group = c.benchmark_group("quickstart_decisions");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for (i, org) in s.orgs.iter().enumerate() {
        group.throughput(Throughput::Elements(executed(&s, i)));
        group.bench_with_input(BenchmarkId::from_parameter(&org.name), &i, |b, &i| {
            b.iter(|| Engine::new(&s, i, 0).run())
        });
    }
    group.finish();
}

/// Agent-ticks per second (headcount × ticks), the cost a tick-by-tick model would pay.
fn quickstart_agent_ticks(c: &mut Criterion) {
    let s = quickstart();
    let mut group = c.benchmark_group("quickstart_agent_ticks");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for (i, org) in s.orgs.iter().enumerate() {
        group.throughput(Throughput::Elements(
            org.headcount() * s.scenario.ticks as u64,
        ));
        group.bench_with_input(BenchmarkId::from_parameter(&org.name), &i, |b, &i| {
            b.iter(|| Engine::new(&s, i, 0).run())
        });
    }
    group.finish();
}

/// A 20,000-person org of teams under heavy load: the work phase is split into parallel
/// chunks. Compare one thread with two to see the within-run speed-up.
fn large_org(c: &mut Criterion) {
    let mut org = OrgSpec::teams(
        "Large",
        2000,
        10,
        Network::SmallWorld {
            degree: 4,
            rewire: 0.1,
        },
    );
    org.capacity = PerLevel::All(1.0);
    org.competence = PerLevel::All(0.6);
    let mut s = Scenario::new("large", 100, 14_000.0, vec![org]);
    s.work.cross_unit = 0.1;
    // A reach of about one team's width (1/2000 of the world), so a cross-unit decision consults
    // a neighbour or two rather than a hundred teams.
    s.work.reach = Dist::Exponential(0.0005);
    let decisions = executed(&s, 0);
    let mut group = c.benchmark_group("large_org_decisions");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Elements(decisions));
    for threads in [1usize, 2] {
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        group.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, _| {
            b.iter(|| pool.install(|| Engine::new(&s, 0, 0).run()))
        });
    }
    group.finish();
}

/// Idle agents cost nothing: the same light work (2 decisions a tick) through a 100-person and
/// a 100,000-person org of teams. Per tick the two should cost about the same; only building
/// the org grows with headcount (measured separately).
fn idle_agents(c: &mut Criterion) {
    let mut group = c.benchmark_group("light_work_2000_ticks");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    for teams in [10u32, 10_000] {
        let org = OrgSpec::teams("Teams", teams, 10, Network::Ring);
        let s = Scenario::new("idle", 2000, 2.0, vec![org]);
        let headcount = teams as u64 * 10;
        group.bench_with_input(BenchmarkId::new("run", headcount), &s, |b, s| {
            b.iter(|| Engine::new(s, 0, 0).run())
        });
        group.bench_with_input(BenchmarkId::new("build_only", headcount), &s, |b, s| {
            b.iter(|| Engine::new(s, 0, 0))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = quickstart_decisions, quickstart_agent_ticks, large_org, idle_agents
}
criterion_main!(benches);
