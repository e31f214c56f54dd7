//! Shards: a sweep run as three shards and merged is the single run byte for byte, every file;
//! a killed shard resumed still merges identically; merge refuses a missing shard, a duplicated
//! one, one of another scenario or seed, and an unfinished one, naming each; `--shard` is
//! refused where it cannot apply.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::sweeps::{SWEEP, committed_in, slow_sweep, spawn};
use crate::util::{merge_quietly as merge, orgsim, run_quietly as run, tempdir, write};

/// The sweeps' two orgs over 3 × 2 grid points (spans change the headcount, so points differ in
/// cost), every time series kept, with PNG charts too: shards must merge to the same bitmaps.
fn sweep() -> String {
    SWEEP.replace(r#"formats = ["svg"]"#, r#"formats = ["svg", "png"]"#)
}

fn shard(out: &Path, k: u32, n: u32) -> PathBuf {
    let name = out.file_name().unwrap().to_string_lossy();
    out.with_file_name(format!("{name}.shards"))
        .join(format!("shard-{k}-of-{n}"))
}

/// Every file of a result folder.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The manifest without what says how and when it was made.
fn manifest_but_run_facts(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let m = v.as_object_mut().unwrap();
    for key in ["command", "started", "finished", "wall_seconds", "threads"] {
        assert!(m.remove(key).is_some(), "the manifest has no {key}");
    }
    v
}

/// The report without the lines of its command and times.
fn report_but_run_facts(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let facts = ["<dt>Command</dt>", "<dt>Started</dt>", "<dt>Finished</dt>"];
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !facts.iter().any(|f| l.starts_with(f)))
        .collect();
    assert_eq!(text.lines().count() - kept.len(), 3, "one line per fact");
    kept.join("\n")
}

/// Asserts `merged` holds exactly the files of `whole`, the same bytes, but for the manifest's
/// and the report's lines of how and when each was made.
fn assert_same_result(whole: &Path, merged: &Path) {
    let (a, b) = (files(whole), files(merged));
    assert!(a.len() > 10, "{:?}", a.keys());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        match name.as_str() {
            "manifest.json" => assert_eq!(
                manifest_but_run_facts(bytes),
                manifest_but_run_facts(&b[name]),
                "the manifests differ in more than how and when"
            ),
            "report.html" => assert!(
                report_but_run_facts(bytes) == report_but_run_facts(&b[name]),
                "the reports differ in more than how and when"
            ),
            _ => assert!(bytes == &b[name], "{name} differs from the single run's"),
        }
    }
}

#[test]
fn three_shards_merged_are_the_whole_sweep_byte_for_byte() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "span.toml", &sweep());
    let whole = tmp.path().join("whole");
    run(&scenario, &whole, &["--threads", "2"]);

    let out = tmp.path().join("sharded");
    for (k, threads) in [(1, "1"), (2, "2"), (3, "1")] {
        run(
            &scenario,
            &out,
            &["--shard", &format!("{k}/3"), "--threads", threads],
        );
        assert!(shard(&out, k, 3).join("shard.json").is_file());
    }
    assert!(
        !out.exists(),
        "a shard writes its own folder, not the result"
    );
    // Balanced by cost, not count: span 4 (points 4, 5) runs 16/9 the work of span 3 (points
    // 2, 3) and span 2 (points 0, 1) 4/9, so each of the dearest points shares its shard with
    // a cheapest one, and the two middling points go together.
    let journal_points = |k: u32| {
        let text = fs::read_to_string(shard(&out, k, 3).join("journal.jsonl")).unwrap();
        let mut points: Vec<u64> = text
            .lines()
            .skip(1)
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["point"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        points.sort();
        points
    };
    assert_eq!([1, 2, 3].map(journal_points), [[0, 4], [1, 5], [2, 3]]);

    // Shards in any order, or their folder, merge to the same result.
    let shards: Vec<PathBuf> = [3, 1, 2].iter().map(|&k| shard(&out, k, 3)).collect();
    merge(&shards, &out);
    assert_same_result(&whole, &out);
    let by_folder = tmp.path().join("by-folder");
    merge(&[tmp.path().join("sharded.shards")], &by_folder);
    assert_eq!(files(&out)["sweep.csv"], files(&by_folder)["sweep.csv"]);
    // Without --out the result goes beside the shards' folder, named after it.
    fs::remove_dir_all(&out).unwrap();
    orgsim()
        .arg("merge")
        .arg(tmp.path().join("sharded.shards"))
        .stdout_has("merged 3 shards: 6 points, 36 runs")
        .stdout_has(format!("results in {}", out.display()))
        .run();
    assert_same_result(&whole, &out);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["command"][1], "merge");
}

#[test]
fn merge_refuses_missing_duplicated_and_foreign_shards_naming_each() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "span.toml", &sweep());
    let out = tmp.path().join("r");
    for k in 1..=3 {
        run(&scenario, &out, &["--shard", &format!("{k}/3")]);
    }
    let (s1, s2, s3) = (shard(&out, 1, 3), shard(&out, 2, 3), shard(&out, 3, 3));
    let dest = tmp.path().join("merged");
    let refuse = |dirs: &[&Path]| {
        orgsim()
            .arg("merge")
            .args(dirs)
            .arg("--out")
            .arg(&dest)
            .fails()
            .stderr_has("error: cannot merge these shards")
    };

    refuse(&[&s1, &s3])
        .stderr_has(format!(
            "shard 2/3 is missing: run `orgsim run {} --out {} --quiet --shard 2/3`",
            scenario.display(),
            out.display()
        ))
        .run();

    let copy = tmp.path().join("copy-of-2");
    fs::create_dir(&copy).unwrap();
    for f in ["journal.jsonl", "shard.json"] {
        fs::copy(s2.join(f), copy.join(f)).unwrap();
    }
    refuse(&[&s1, &s2, &s3, &copy])
        .stderr_has(format!(
            "shard 2 of 3 is given twice: {} and {}",
            s2.display(),
            copy.display()
        ))
        .run();

    // The same shard of another scenario, and of another seed.
    let other = write(
        tmp.path(),
        "other.toml",
        &sweep().replace("rate = 4.0", "rate = 5.0"),
    );
    let elsewhere = tmp.path().join("o");
    run(&other, &elsewhere, &["--shard", "2/3"]);
    run(&scenario, &elsewhere, &["--shard", "3/3", "--seed", "12"]);
    refuse(&[&s1, &shard(&elsewhere, 2, 3), &shard(&elsewhere, 3, 3)])
        .stderr_has("(2 problems)")
        .stderr_has(format!(
            "shard 2 of 3 in {} is of another scenario than shard 1 of 3 in {}",
            shard(&elsewhere, 2, 3).display(),
            s1.display()
        ))
        .stderr_has("work.rate: 4.0 → 5.0")
        .stderr_has(format!(
            "shard 3 of 3 in {} was run with seed 12, shard 1 of 3 in {} with seed 11",
            shard(&elsewhere, 3, 3).display(),
            s1.display()
        ))
        .run();

    // A shard made by another orgsim.
    let journal = s3.join("journal.jsonl");
    let text = fs::read_to_string(&journal).unwrap();
    let this = format!("\"orgsim_version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.lines().next().unwrap().contains(&this));
    fs::write(
        &journal,
        text.replacen(&this, "\"orgsim_version\":\"0.0.1\"", 1),
    )
    .unwrap();
    refuse(&[&s1, &s2, &s3])
        .stderr_has(format!(
            "shard 3 of 3 in {} was made by orgsim 0.0.1 (journal format 1); this is orgsim {}",
            s3.display(),
            env!("CARGO_PKG_VERSION")
        ))
        .run();
    fs::write(&journal, text).unwrap();

    // A shard of a sweep split four ways, and a folder that is no shard at all.
    run(&scenario, &elsewhere, &["--shard", "1/4"]);
    let nowhere = tmp.path().join("nowhere");
    refuse(&[
        &s1,
        &s2,
        &s3,
        &shard(&elsewhere, 1, 4),
        tmp.path(),
        &nowhere,
    ])
    .stderr_has(format!(
        "{} is not a shard folder: it has no journal.jsonl",
        tmp.path().display()
    ))
    .stderr_has(format!("{} does not exist", nowhere.display()))
    .run();
    refuse(&[&s1, &s2, &s3, &shard(&elsewhere, 1, 4)])
        .stderr_has(format!(
            "{} is shard 1 of 4, but {} is shard 1 of 3",
            shard(&elsewhere, 1, 4).display(),
            s1.display()
        ))
        .run();
    assert!(!dest.exists(), "a refused merge writes nothing");
}

/// A sweep slow enough to kill a shard in the middle: 24 points on one thread.

#[test]
fn a_killed_shard_resumed_merges_to_the_same_result() {
    let tmp = tempdir();
    let scenario = write(tmp.path(), "slow.toml", &slow_sweep());
    let whole = tmp.path().join("whole");
    run(&scenario, &whole, &["--threads", "2"]);

    let out = tmp.path().join("slow");
    let first = shard(&out, 1, 2);
    let mut child = spawn(&scenario, &out, &["--shard", "1/2"]);
    let start = Instant::now();
    while committed_in(&first.join("journal.jsonl")) < 2 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the shard ended ({status}) before 2 points were committed");
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    run(&scenario, &out, &["--shard", "2/2"]);

    // The killed shard is unfinished: the merge says so and how to finish it.
    orgsim()
        .arg("merge")
        .arg(tmp.path().join("slow.shards"))
        .fails()
        .stderr_has(format!(
            "shard 1 of 2 in {} is unfinished (",
            first.display()
        ))
        .stderr_has(" of 12 points done): finish it with `orgsim run ")
        .stderr_has("--shard 1/2 --resume`")
        .run();
    assert!(!out.exists());
    // Running it again without --resume would throw its points away: refused.
    orgsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--shard", "1/2"])
        .fails()
        .stderr_has(" of 12 points done): finish it with `orgsim run")
        .run();
    run(
        &scenario,
        &out,
        &["--shard", "1/2", "--resume", "--threads", "2"],
    );
    // Resuming a finished shard again runs nothing, and says so.
    orgsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--shard", "1/2", "--resume"])
        .stdout_has("shard 1 of 2 was already complete (12 of 24 points): nothing to run")
        .run();
    merge(&[tmp.path().join("slow.shards")], &out);
    assert_same_result(&whole, &out);
}

#[test]
fn shard_is_refused_where_it_cannot_apply() {
    let tmp = tempdir();
    let single = write(
        tmp.path(),
        "one.toml",
        SWEEP.split("[sweep]").next().unwrap(),
    );
    orgsim()
        .arg("run")
        .arg(&single)
        .args(["--shard", "1/2"])
        .fails()
        .stderr_has(format!(
            "--shard 1/2 splits a sweep's points between machines, and {} has no [sweep]",
            single.display()
        ))
        .run();
    let scenario = write(tmp.path(), "span.toml", &sweep());
    for (arg, says) in [
        ("4/3", "shard 4 of 3 does not exist: K goes from 1 to 3"),
        ("0/3", "the first shard is 1/3"),
        ("2", "`2` is not K/N"),
    ] {
        orgsim()
            .arg("run")
            .arg(&scenario)
            .args(["--shard", arg])
            .status(2)
            .stderr_has(format!("invalid value '{arg}' for '--shard <K/N>'"))
            .stderr_has(says)
            .run();
    }
    // A shard folder holding a user's file is never cleared.
    let out = tmp.path().join("r");
    let folder = shard(&out, 1, 2);
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("notes.txt"), "mine").unwrap();
    orgsim()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--shard", "1/2"])
        .fails()
        .stderr_has("notes.txt")
        .run();
    assert_eq!(
        fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_morris_sweep_in_more_shards_than_points_merges_with_its_sensitivity() {
    let tmp = tempdir();
    let text = SWEEP
        .replace("timeseries = \"all\"", "timeseries = \"none\"")
        .replace("formats = [\"svg\", \"png\"]", "formats = [\"svg\"]")
        .replace(
            "\"org.*.span\" = [2, 3, 4]\n\"work.cross_unit\" = [0.1, 0.3]",
            "design = \"morris\"\nsamples = 4\n\"org.*.span\" = { from = 2, to = 5 }\n\"work.cross_unit\" = { from = 0.0, to = 0.4 }",
        );
    let scenario = write(tmp.path(), "morris.toml", &text);
    let whole = tmp.path().join("whole");
    run(&scenario, &whole, &[]);
    assert!(whole.join("sensitivity.csv").is_file());

    // 4 trajectories of 3 points: 12 points in 16 shards, so 4 shards run nothing.
    let out = tmp.path().join("m");
    for k in 1..=16 {
        run(&scenario, &out, &["--shard", &format!("{k}/16")]);
    }
    merge(&[tmp.path().join("m.shards")], &out);
    assert_same_result(&whole, &out);
}
