//! The scenario reference documents exactly the keys the loader accepts: a key added to the
//! code without documentation, or documented but not accepted, fails here.

use std::collections::BTreeSet;

fn documented() -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario-reference.md");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix("### `"))
        .filter_map(|l| l.strip_suffix('`'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_known_key_is_documented() {
    let documented = documented();
    let missing: Vec<String> = orgsim::scenario::known_keys()
        .into_iter()
        .filter(|k| !documented.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "keys without a `### `key`` heading in docs/scenario-reference.md: {missing:?}"
    );
}

#[test]
fn every_documented_key_is_known() {
    let known: BTreeSet<String> = orgsim::scenario::known_keys().into_iter().collect();
    let extra: Vec<String> = documented()
        .into_iter()
        .filter(|k| !known.contains(k))
        .collect();
    assert!(
        extra.is_empty(),
        "documented keys the loader does not accept: {extra:?}"
    );
}

#[test]
fn every_documented_example_parses_as_toml() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenario-reference.md");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut n = 0;
    for line in text.lines().filter(|l| l.contains("Example: `")) {
        let example = line
            .rsplit("Example: `")
            .next()
            .and_then(|e| e.strip_suffix('`'));
        let Some(example) = example else {
            panic!("unterminated example: {line}")
        };
        assert!(
            example.parse::<toml::Table>().is_ok(),
            "example is not valid TOML: {example}"
        );
        n += 1;
    }
    assert!(n >= 60, "only {n} examples found");
}
