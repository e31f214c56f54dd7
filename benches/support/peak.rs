//! Running `orgsim` in a process of its own and measuring it: wall seconds and peak resident
//! memory, as the benchmarks that quote memory figures report them.

use std::process::Command;
use std::time::Instant;

/// Runs `command` to its end; wall seconds and peak resident memory in MiB. Panics if it fails.
pub fn wall_and_peak_mib(mut command: Command) -> (f64, f64) {
    let start = Instant::now();
    // Reaped by `wait4` below, which also gives its resource usage.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("orgsim starts");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let secs = start.elapsed().as_secs_f64();
    assert!(pid > 0 && status == 0, "{command:?} failed ({status})");
    // Linux reports ru_maxrss in KiB.
    (secs, usage.ru_maxrss as f64 / 1024.0)
}
