//! `orgsim new`: a file to start from that `orgsim check` accepts, never an overwrite.

use std::fs;
use std::path::Path;

use crate::util::{Test, entries, orgsim, tempdir};

const QUICKSTART: &str = include_str!("../../scenarios/quickstart.toml");

fn new_in(dir: &Path, args: &[&str]) -> Test {
    orgsim().in_dir(dir).arg("new").args(args)
}

fn check_in(dir: &Path, file: &str) -> Test {
    orgsim().in_dir(dir).args(["check", file])
}

#[test]
fn new_writes_a_commented_template_that_check_accepts() {
    let tmp = tempdir();
    new_in(tmp.path(), &["my-case"])
        .stdout_has("wrote my-case.toml")
        .stdout_has("orgsim check my-case.toml")
        .run();
    let text = fs::read_to_string(tmp.path().join("my-case.toml")).unwrap();
    assert!(
        text.contains("name = \"my-case\""),
        "the scenario is named after the file:\n{text}"
    );
    assert!(text.contains("# default"), "the template is commented");
    check_in(tmp.path(), "my-case.toml")
        .stdout_has("Scenario \"my-case\"")
        .stdout_has("my-case.toml: ok")
        .run();
    assert_eq!(
        entries(tmp.path()),
        1,
        "nothing but the scenario was written"
    );
}

#[test]
fn a_name_ending_in_toml_is_used_as_it_is() {
    let tmp = tempdir();
    new_in(tmp.path(), &["client.toml"]).run();
    assert!(tmp.path().join("client.toml").is_file());
    assert!(!tmp.path().join("client.toml.toml").exists());
}

#[test]
fn new_never_overwrites_and_leaves_the_file_byte_identical() {
    let tmp = tempdir();
    let path = tmp.path().join("mine.toml");
    let original = b"# my careful work\n[scenario]\nticks = 10\n\xff not even utf-8\n";
    fs::write(&path, original).unwrap();
    for args in [
        &["mine"][..],
        &["mine.toml"],
        &["mine", "--from", "quickstart"],
    ] {
        new_in(tmp.path(), args)
            .fails()
            .stdout("")
            .stderr_has("mine.toml already exists")
            .stderr_has("never overwrites")
            .run();
        assert_eq!(fs::read(&path).unwrap(), original);
    }
    assert_eq!(entries(tmp.path()), 1);
}

#[test]
fn a_folder_of_that_name_is_not_replaced() {
    let tmp = tempdir();
    fs::create_dir(tmp.path().join("case.toml")).unwrap();
    new_in(tmp.path(), &["case"])
        .fails()
        .stderr_has("already exists")
        .run();
    assert!(tmp.path().join("case.toml").is_dir());
}

#[test]
fn from_a_shipped_scenario_gives_its_text() {
    let tmp = tempdir();
    new_in(tmp.path(), &["start", "--from", "quickstart"])
        .stdout_has("wrote start.toml from the shipped scenario `quickstart`")
        .run();
    assert_eq!(
        fs::read_to_string(tmp.path().join("start.toml")).unwrap(),
        QUICKSTART
    );
    check_in(tmp.path(), "start.toml").run();
}

#[test]
fn from_accepts_the_file_name_too() {
    let tmp = tempdir();
    new_in(tmp.path(), &["a", "--from", "scenarios/quickstart.toml"]).run();
    assert_eq!(
        fs::read_to_string(tmp.path().join("a.toml")).unwrap(),
        QUICKSTART
    );
}

#[test]
fn an_unknown_shipped_scenario_lists_the_names_with_a_suggestion() {
    let tmp = tempdir();
    new_in(tmp.path(), &["x", "--from", "quikstart"])
        .fails()
        .stderr_has("no shipped scenario is called `quikstart`")
        .stderr_has("did you mean `quickstart`?")
        .stderr_has("shipped scenarios: ")
        .stderr_has("buurtzorg")
        .stderr_has("hierarchy-wins")
        .run();
    assert_eq!(entries(tmp.path()), 0, "nothing was written");
}

#[test]
fn a_fragment_of_a_name_suggests_every_scenario_it_is_part_of() {
    let tmp = tempdir();
    new_in(tmp.path(), &["x", "--from", "claim"])
        .fails()
        .stderr_has("did you mean one of `claim-")
        .stderr_has("`claim-speed`")
        .run();
}

#[test]
fn an_empty_name_is_refused() {
    let tmp = tempdir();
    new_in(tmp.path(), &[""])
        .fails()
        .stderr_has("not a usable scenario name")
        .run();
    assert_eq!(entries(tmp.path()), 0);
}

#[test]
fn list_prints_every_shipped_scenario_on_one_line_with_what_it_is_about() {
    let ran = orgsim().arg("list").run();
    let stdout = ran.stdout;
    let mut files: Vec<String> = fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let lines: Vec<&str> = stdout.lines().take_while(|l| !l.is_empty()).collect();
    let names: Vec<&str> = lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, files, "one line per file in scenarios/, in order");
    for line in &lines {
        let (name, about) = line.split_once(' ').unwrap();
        assert!(
            about.trim().len() > 10,
            "{name}: nothing said about it: {line:?}"
        );
    }
    // The quickstart's line is the first line of its description.
    assert!(stdout.contains(
        "quickstart                  Three designs of a 259-person organisation under a demand \
         surge and the loss of the top leader."
    ));
    // Every name is one `orgsim new --from` takes.
    let tmp = tempdir();
    new_in(tmp.path(), &["copy", "--from", names[0]]).run();
    assert!(tmp.path().join("copy.toml").exists());
    assert!(stdout.contains("orgsim new my-case --from quickstart"));
}

#[test]
fn the_template_points_only_at_what_an_installed_binary_has() {
    let tmp = tempdir();
    new_in(tmp.path(), &["mine"]).run();
    let text = fs::read_to_string(tmp.path().join("mine.toml")).unwrap();
    let comments: String = text
        .lines()
        .filter_map(|l| l.split_once('#').map(|(_, c)| c.trim()))
        .collect::<Vec<_>>()
        .join(" ");
    // After `cargo install` there is no docs/ or scenarios/ folder beside the binary: a file of
    // the source tree is named only as such.
    for sentence in comments.split(". ") {
        if sentence.contains(".md") || sentence.contains("scenarios/") {
            assert!(
                sentence.contains("orgsim's source"),
                "the template sends a user to a file the binary lacks: {sentence:?}"
            );
        }
    }
    // What it offers instead is there.
    assert!(comments.contains("`orgsim list`"));
    orgsim().arg("list").stdout_has("quickstart").run();
}
