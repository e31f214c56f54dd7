//! The quickstart's tables, pinned byte for byte.
//!
//! A refactoring must not change a single number. When a change is *meant* to change results
//! (a model ruling, a new random stream), re-pin with
//! `ORGSIM_REPIN=1 cargo test pinned` and say so in the commit message.

use std::fs;
use std::path::Path;

use crate::util::{QUICKSTART, orgsim, tempdir};
const PINNED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pinned");
/// FNV-1a 64 of the quickstart's `timeseries.csv` (5.6 MB, too large to keep in the repository).
const TIMESERIES_FNV: &str = "9506a0b68f07fc3e";

fn fnv1a(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}")
}

fn repin() -> bool {
    std::env::var_os("ORGSIM_REPIN").is_some()
}

fn same_as_pinned(out: &Path, file: &str) {
    let got = fs::read(out.join(file)).unwrap();
    let pinned = Path::new(PINNED).join(format!("quickstart-{file}"));
    if repin() {
        fs::write(&pinned, &got).unwrap();
        return;
    }
    let want = fs::read(&pinned).unwrap();
    if got != want {
        let (g, w) = (
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
        );
        let line = g
            .lines()
            .zip(w.lines())
            .position(|(a, b)| a != b)
            .map_or(g.lines().count().min(w.lines().count()), |i| i);
        panic!(
            "{file} differs from {} first at line {}:\n  got:    {}\n  pinned: {}",
            pinned.display(),
            line + 1,
            g.lines().nth(line).unwrap_or("<end>"),
            w.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

#[test]
fn quickstart_tables_are_byte_identical_to_the_pinned_ones() {
    let tmp = tempdir();
    let out = tmp.path().join("quickstart");
    orgsim()
        .args(["run", QUICKSTART, "--quiet", "--out"])
        .arg(&out)
        .run();
    same_as_pinned(&out, "summary.csv");
    same_as_pinned(&out, "replicates.csv");
    let ts = fnv1a(&fs::read(out.join("timeseries.csv")).unwrap());
    if repin() {
        eprintln!("timeseries.csv FNV-1a: {ts} (put it in TIMESERIES_FNV)");
    } else {
        assert_eq!(ts, TIMESERIES_FNV, "timeseries.csv changed");
    }
}
