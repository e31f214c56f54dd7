//! Every shipped scenario passes `orgsim check`, runs, and is embedded for `orgsim new --from`.

use std::fs;
use std::path::PathBuf;

use crate::sensitivity::reduced_what_matters;
use crate::util::{orgsim, tempdir};

/// Every `scenarios/*.toml`, sorted by name.
fn shipped_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"));
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 14, "the library is missing: {files:?}");
    files
}

fn stem(p: &std::path::Path) -> String {
    p.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_shipped_scenario_passes_check() {
    for f in shipped_files() {
        let out = orgsim().arg("check").arg(&f).run();
        assert!(out.stdout.ends_with(": ok\n"));
    }
}

#[test]
fn every_shipped_scenario_runs_with_two_replications() {
    let tmp = tempdir();
    for f in shipped_files() {
        let out = tmp.path().join(stem(&f));
        // The what-matters Sobol design takes minutes: run it at base sample 16 on half the
        // horizon, the same parameters and orgs (its full run is `cargo bench --bench sweep`).
        let f = if stem(&f) == "what-matters" {
            crate::util::write(tmp.path(), "what-matters.toml", &reduced_what_matters())
        } else {
            f
        };
        orgsim()
            .arg("run")
            .arg(&f)
            .args(["--replications", "2", "--quiet", "--out"])
            .arg(&out)
            .run();
        // A sweep's summaries are per point, after its point and parameter columns.
        let (file, header) = if out.join("points.csv").is_file() {
            ("sweep.csv", ",org,window,metric,mean,ci_low,ci_high,n\n")
        } else {
            ("summary.csv", "org,window,metric,mean,ci_low,ci_high,n\n")
        };
        let summary = fs::read_to_string(out.join(file)).unwrap();
        assert!(
            summary
                .lines()
                .next()
                .is_some_and(|h| format!("{h}\n").ends_with(header)),
            "{}",
            f.display()
        );
        assert!(
            summary.lines().count() > 10,
            "{} summary is nearly empty",
            f.display()
        );
        if file == "summary.csv" {
            crate::headlines::check_headlines(&out, &f.display().to_string());
        }
    }
}

#[test]
fn every_shipped_scenario_is_embedded_for_new_from() {
    let embedded: Vec<&str> = orgsim::scenario::shipped().iter().map(|s| s.name).collect();
    let on_disk: Vec<String> = shipped_files().iter().map(|f| stem(f)).collect();
    assert_eq!(
        embedded, on_disk,
        "add new scenarios to SHIPPED in src/scenario/shipped.rs"
    );
    for f in shipped_files() {
        let found = orgsim::scenario::find_shipped(&stem(&f)).unwrap();
        assert!(
            found.text == fs::read_to_string(&f).unwrap(),
            "{} is embedded out of date",
            f.display()
        );
    }
}

#[test]
fn every_shipped_scenario_explains_itself_and_names_no_real_organisation_as_data() {
    for f in shipped_files() {
        let text = fs::read_to_string(&f).unwrap();
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(
            header.len() >= 5,
            "{} needs a comment saying what it shows and why",
            f.display()
        );
        if ["buurtzorg", "haier", "gore-lattice", "morning-star"].contains(&stem(&f).as_str()) {
            let name_line = text.lines().find(|l| l.starts_with("name = ")).unwrap();
            assert!(
                name_line.contains("-style"),
                "{}: say \"-style\"",
                f.display()
            );
            assert!(
                text.contains("llustrative"),
                "{}: say the parameters are illustrative",
                f.display()
            );
        }
    }
}
