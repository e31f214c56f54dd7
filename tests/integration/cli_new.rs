//! `orgsim new`: a file to start from that `orgsim check` accepts, never an overwrite.

use std::fs;
use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

const QUICKSTART: &str = include_str!("../../scenarios/quickstart.toml");

fn new_in(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("orgsim")
        .current_dir(dir)
        .arg("new")
        .args(args)
        .assert()
}

fn check_in(dir: &Path, file: &str) -> assert_cmd::assert::Assert {
    cargo_bin_cmd!("orgsim")
        .current_dir(dir)
        .args(["check", file])
        .assert()
}

#[test]
fn new_writes_a_commented_template_that_check_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    new_in(tmp.path(), &["my-case"]).success().stdout(
        predicate::str::contains("wrote my-case.toml")
            .and(predicate::str::contains("orgsim check my-case.toml")),
    );
    let text = fs::read_to_string(tmp.path().join("my-case.toml")).unwrap();
    assert!(
        text.contains("name = \"my-case\""),
        "the scenario is named after the file:\n{text}"
    );
    assert!(text.contains("# default"), "the template is commented");
    check_in(tmp.path(), "my-case.toml").success().stdout(
        predicate::str::contains("Scenario \"my-case\"")
            .and(predicate::str::contains("my-case.toml: ok")),
    );
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "nothing but the scenario was written"
    );
}

#[test]
fn a_name_ending_in_toml_is_used_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    new_in(tmp.path(), &["client.toml"]).success();
    assert!(tmp.path().join("client.toml").is_file());
    assert!(!tmp.path().join("client.toml.toml").exists());
}

#[test]
fn new_never_overwrites_and_leaves_the_file_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("mine.toml");
    let original = b"# my careful work\n[scenario]\nticks = 10\n\xff not even utf-8\n";
    fs::write(&path, original).unwrap();
    for args in [
        &["mine"][..],
        &["mine.toml"],
        &["mine", "--from", "quickstart"],
    ] {
        new_in(tmp.path(), args).failure().stdout("").stderr(
            predicate::str::contains("mine.toml already exists")
                .and(predicate::str::contains("never overwrites")),
        );
        assert_eq!(fs::read(&path).unwrap(), original);
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn a_folder_of_that_name_is_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("case.toml")).unwrap();
    new_in(tmp.path(), &["case"])
        .failure()
        .stderr(predicate::str::contains("already exists"));
    assert!(tmp.path().join("case.toml").is_dir());
}

#[test]
fn from_a_shipped_scenario_gives_its_text() {
    let tmp = tempfile::tempdir().unwrap();
    new_in(tmp.path(), &["start", "--from", "quickstart"])
        .success()
        .stdout(predicate::str::contains(
            "wrote start.toml from the shipped scenario `quickstart`",
        ));
    assert_eq!(
        fs::read_to_string(tmp.path().join("start.toml")).unwrap(),
        QUICKSTART
    );
    check_in(tmp.path(), "start.toml").success();
}

#[test]
fn from_accepts_the_file_name_too() {
    let tmp = tempfile::tempdir().unwrap();
    new_in(tmp.path(), &["a", "--from", "scenarios/quickstart.toml"]).success();
    assert_eq!(
        fs::read_to_string(tmp.path().join("a.toml")).unwrap(),
        QUICKSTART
    );
}

#[test]
fn an_unknown_shipped_scenario_lists_the_names_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    new_in(tmp.path(), &["x", "--from", "quikstart"])
        .failure()
        .stderr(
            predicate::str::contains("no shipped scenario is called `quikstart`")
                .and(predicate::str::contains("did you mean `quickstart`?"))
                .and(predicate::str::contains("shipped scenarios: "))
                .and(predicate::str::contains("buurtzorg"))
                .and(predicate::str::contains("hierarchy-wins")),
        );
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "nothing was written"
    );
}

#[test]
fn a_fragment_of_a_name_suggests_every_scenario_it_is_part_of() {
    let tmp = tempfile::tempdir().unwrap();
    new_in(tmp.path(), &["x", "--from", "claim"])
        .failure()
        .stderr(
            predicate::str::contains("did you mean one of `claim-")
                .and(predicate::str::contains("`claim-speed`")),
        );
}

#[test]
fn an_empty_name_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    new_in(tmp.path(), &[""])
        .failure()
        .stderr(predicate::str::contains("not a usable scenario name"));
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}
