//! The live dashboard's simulation thread on the quickstart: what one second of a session at
//! 100 ticks per second (every org stepped, 20 frames built and serialised) costs, and how
//! fast it goes flat out. Run with `cargo bench --bench live`.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use orgsim::live::sim::Sim;
use orgsim::scenario;

fn session() -> Sim {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    let s = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Sim::new(s, "quickstart.toml".into(), Arc::new(AtomicUsize::new(0)));
    // Past the warm-up, where the session is in its everyday state.
    for _ in 0..300 {
        sim.tick();
    }
    sim
}

fn live_quickstart(c: &mut Criterion) {
    let mut group = c.benchmark_group("live_quickstart");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    let mut sim = session();
    group.throughput(Throughput::Elements(100));
    group.bench_function("one_second_at_100_ticks_per_second", |b| {
        b.iter(|| {
            for i in 0..100 {
                sim.tick();
                if i % 5 == 4 {
                    sim.publish();
                }
            }
        })
    });
    let mut sim = session();
    group.throughput(Throughput::Elements(1));
    group.bench_function("tick_of_every_org", |b| b.iter(|| sim.tick()));
    group.finish();
}

criterion_group!(benches, live_quickstart);
criterion_main!(benches);
