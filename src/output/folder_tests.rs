use std::cell::Cell;
use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::metrics::{TickRecord, summarise_runs};
use crate::scenario::{Network, OrgSpec};

fn scenario() -> Scenario {
    Scenario::new(
        "Atomic",
        3,
        2.0,
        vec![
            OrgSpec::tree("Hierarchy", 2, 2),
            OrgSpec::teams("Teams", 2, 2, Network::Ring),
        ],
    )
}

fn runs() -> Vec<RunOutput> {
    let mut out = Vec::new();
    for org in [1, 0] {
        for replicate in 0..2u32 {
            let tick = |t: u64| TickRecord {
                arrived: 2,
                executed: t,
                latency_mean: (t > 0).then_some(1.0 + org as f64),
                value: 0.5 * t as f64,
                ..TickRecord::default()
            };
            out.push(RunOutput {
                org,
                replicate,
                ticks: (0..3).map(tick).collect(),
                metrics: vec![
                    (
                        "latency_mean".into(),
                        Some(1.0 + org as f64 + replicate as f64 * 0.1),
                    ),
                    ("throughput".into(), Some(2.0)),
                ],
                windows: vec![],
                latency_counts: vec![0, 3, org as u64],
                queued_by_level: Vec::new(),
            });
        }
    }
    out
}

fn facts() -> RunFacts {
    RunFacts {
        scenario_file: None,
        scenario_text: None,
        threads: 1,
        command: vec!["orgsim".into(), "run".into()],
        started: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        finished: UNIX_EPOCH + Duration::from_secs(1_700_000_003),
    }
}

fn no_extra(_: &Path) -> Result<(), HookError> {
    Ok(())
}

fn write(
    dest: &Path,
    extra: &dyn Fn(&Path) -> Result<(), HookError>,
) -> Result<Written, OutputError> {
    let (s, r) = (scenario(), runs());
    write_result(dest, &s, &r, &summarise_runs(&s, &r), &facts(), extra)
}

/// Names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn first_line(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn writes_every_table_with_the_documented_headers() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("results").join("demo");
    let written = write(&dest, &no_extra).unwrap();
    assert_eq!(
        written,
        Written {
            path: dest.clone(),
            replaced: false,
            leftover: None
        }
    );
    assert_eq!(
        listing(&dest),
        [
            "latency.csv",
            "manifest.json",
            "replicates.csv",
            "summary.csv",
            "summary.json",
            "timeseries.csv"
        ]
    );
    assert_eq!(
        first_line(&dest.join("timeseries.csv")),
        "org,replicate,tick,arrived,decided,executed,backlog,frozen,latency_mean,latency_p95,value,good_rate,utilisation_top,age_mean"
    );
    assert_eq!(
        first_line(&dest.join("replicates.csv")),
        "org,window,replicate,metric,value"
    );
    assert_eq!(
        first_line(&dest.join("summary.csv")),
        "org,window,metric,mean,ci_low,ci_high,n"
    );
    assert_eq!(first_line(&dest.join("latency.csv")), "org,latency,count");
    // Nothing else is left beside the result.
    assert_eq!(listing(&root.path().join("results")), ["demo"]);
    let timeseries = fs::read_to_string(dest.join("timeseries.csv")).unwrap();
    assert_eq!(
        timeseries.lines().nth(1).unwrap(),
        "Hierarchy,0,0,2,0,0,0,0,,,0,,0,"
    );
    assert_eq!(timeseries.lines().count(), 1 + 2 * 2 * 3);
    let latency = fs::read_to_string(dest.join("latency.csv")).unwrap();
    assert_eq!(
        latency,
        "org,latency,count\nHierarchy,1,6\nTeams,1,6\nTeams,2,2\n"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dest.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["reference"], "Hierarchy");
    assert_eq!(summary["comparisons"][0]["org"], "Teams");
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    write(&a, &no_extra).unwrap();
    write(&b, &no_extra).unwrap();
    for name in listing(&a) {
        assert_eq!(
            fs::read(a.join(&name)).unwrap(),
            fs::read(b.join(&name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn the_hook_adds_files_before_the_rename() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("demo");
    let seen = Cell::new(None);
    let extra = |dir: &Path| -> Result<(), HookError> {
        // The hook works in the temporary folder, which already holds the tables.
        seen.set(Some(dir.to_path_buf()));
        assert!(dir.join("summary.json").exists());
        assert!(!dest.exists());
        fs::write(dir.join("latency.svg"), "<svg/>")?;
        fs::write(dir.join("report.html"), "<html></html>")?;
        Ok(())
    };
    write(&dest, &extra).unwrap();
    let tmp = seen.take().unwrap();
    assert_eq!(
        tmp.file_name().unwrap().to_string_lossy(),
        format!(".demo.tmp-{}", std::process::id())
    );
    assert_eq!(tmp.parent(), Some(root.path()));
    assert!(dest.join("latency.svg").exists() && dest.join("report.html").exists());
    assert_eq!(listing(root.path()), ["demo"]);
}

#[test]
fn a_failing_hook_leaves_no_destination_and_no_temporary_folder() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("demo");
    let extra = |dir: &Path| -> Result<(), HookError> {
        fs::write(dir.join("half.png"), "not a whole chart")?;
        Err("the chart could not be drawn".into())
    };
    let err = write(&dest, &extra).unwrap_err();
    assert!(matches!(err, OutputError::Hook { .. }), "{err:?}");
    assert_eq!(
        err.source().unwrap().to_string(),
        "the chart could not be drawn"
    );
    assert!(!dest.exists());
    assert!(
        listing(root.path()).is_empty(),
        "{:?}",
        listing(root.path())
    );
}

#[test]
fn a_failing_hook_keeps_the_previous_result() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("demo");
    fs::create_dir(&dest).unwrap();
    fs::write(dest.join("summary.csv"), "previous").unwrap();
    let err = write(&dest, &|_: &Path| Err("boom".into())).unwrap_err();
    assert!(matches!(err, OutputError::Hook { .. }));
    assert_eq!(
        fs::read_to_string(dest.join("summary.csv")).unwrap(),
        "previous"
    );
    assert_eq!(listing(root.path()), ["demo"]);
}

#[test]
fn a_previous_result_is_replaced_and_reported() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("demo");
    fs::create_dir(&dest).unwrap();
    for name in [
        "summary.csv",
        "old-chart.png",
        "latency.svg",
        "report.html",
        ".DS_Store",
    ] {
        fs::write(dest.join(name), "previous").unwrap();
    }
    let written = write(&dest, &no_extra).unwrap();
    assert!(written.replaced);
    assert_eq!(written.leftover, None);
    // The old folder is gone entirely: stale charts do not survive into the new result.
    assert!(!dest.join("old-chart.png").exists());
    assert!(
        fs::read_to_string(dest.join("summary.csv"))
            .unwrap()
            .starts_with("org,window,metric")
    );
    assert_eq!(listing(root.path()), ["demo"]);
}

#[test]
fn an_empty_folder_is_used_without_claiming_a_replacement() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("demo");
    fs::create_dir(&dest).unwrap();
    assert!(!write(&dest, &no_extra).unwrap().replaced);
    assert!(dest.join("manifest.json").exists());
}

#[test]
fn a_folder_with_other_files_is_refused_and_untouched() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("thesis");
    fs::create_dir(&dest).unwrap();
    fs::write(dest.join("summary.csv"), "mine too").unwrap();
    fs::write(dest.join("chapter1.docx"), "precious").unwrap();
    let called = Cell::new(false);
    let extra = |_: &Path| -> Result<(), HookError> {
        called.set(true);
        Ok(())
    };
    let err = write(&dest, &extra).unwrap_err();
    match &err {
        OutputError::ForeignFile { dir, file } => {
            assert_eq!((dir, file.as_str()), (&dest, "chapter1.docx"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("chapter1.docx") && message.contains("--out"),
        "{message}"
    );
    assert!(
        !called.get(),
        "no work is done for a destination that will be refused"
    );
    assert_eq!(
        fs::read_to_string(dest.join("chapter1.docx")).unwrap(),
        "precious"
    );
    assert_eq!(
        fs::read_to_string(dest.join("summary.csv")).unwrap(),
        "mine too"
    );
    assert_eq!(listing(root.path()), ["thesis"]);
}

#[test]
fn a_subfolder_is_not_an_orgsim_file() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("demo");
    fs::create_dir_all(dest.join("charts.png")).unwrap();
    let err = write(&dest, &no_extra).unwrap_err();
    assert!(matches!(err, OutputError::ForeignFile { ref file, .. } if file == "charts.png"));
    assert!(dest.join("charts.png").is_dir());
}

#[test]
fn a_file_at_the_destination_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("demo");
    fs::write(&dest, "a file").unwrap();
    let err = write(&dest, &no_extra).unwrap_err();
    assert!(matches!(err, OutputError::NotAFolder { .. }), "{err:?}");
    assert_eq!(fs::read_to_string(&dest).unwrap(), "a file");
    assert_eq!(listing(root.path()), ["demo"]);
}

#[test]
fn a_destination_without_a_name_is_refused() {
    let err = write_atomically(Path::new(".."), |_| Ok(())).unwrap_err();
    assert!(matches!(err, OutputError::NoFolderName { .. }), "{err:?}");
}

#[test]
fn result_file_names() {
    for name in RESULT_FILES {
        assert!(is_result_file(name));
    }
    assert!(is_result_file("latency_cdf.png") && is_result_file("backlog.svg"));
    assert!(!is_result_file("notes.txt") && !is_result_file("summary.csv.bak"));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_at_the_destination_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let target = root.path().join("elsewhere");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("summary.csv"), "kept").unwrap();
    let dest = root.path().join("demo");
    std::os::unix::fs::symlink(&target, &dest).unwrap();
    let err = write(&dest, &no_extra).unwrap_err();
    assert!(matches!(err, OutputError::NotAFolder { .. }), "{err:?}");
    assert_eq!(
        fs::read_to_string(target.join("summary.csv")).unwrap(),
        "kept"
    );
    assert_eq!(listing(root.path()), ["demo", "elsewhere"]);
}

#[cfg(unix)]
static SEEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn seen(_: libc::c_int) {
    SEEN.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// A signal that comes while the destination's probe is made takes effect only once the probe
/// is gone, with the action it had before (SIGUSR1 here, so no other test's handlers move).
#[cfg(unix)]
#[test]
fn a_signal_during_the_probe_takes_effect_after_it() {
    use std::sync::atomic::Ordering;
    let handler = seen as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: `seen` only stores to an atomic.
    let default = unsafe { libc::signal(libc::SIGUSR1, handler) };
    let during = held_off(&[libc::SIGUSR1], || {
        // SAFETY: raising a signal whose action is set.
        unsafe { libc::raise(libc::SIGUSR1) };
        SEEN.load(Ordering::SeqCst)
    });
    let after = SEEN.load(Ordering::SeqCst);
    // The action is the one it had before: a second signal reaches it directly.
    SEEN.store(false, Ordering::SeqCst);
    // SAFETY: as above.
    unsafe { libc::raise(libc::SIGUSR1) };
    let again = SEEN.load(Ordering::SeqCst);
    // SAFETY: puts back the action the test found.
    unsafe { libc::signal(libc::SIGUSR1, default) };
    assert!(!during, "the signal was acted on while held off");
    assert!(after, "the signal held off was lost");
    assert!(again, "the action before was not put back");
}
