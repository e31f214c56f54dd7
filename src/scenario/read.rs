//! From TOML text to a [`Scenario`] with every default filled in.
//!
//! This step checks the file's *shape*: known keys, value types, names of kinds. Whether the
//! values make sense together (ranges, the horizon, per-level lists) is `check.rs`'s job, which
//! works on the resolved scenario so it can be re-run for every sweep point. Both report errors
//! as byte spans, recorded here by the path of the value (`org[0].capacity[2]`).

use super::diagnostic::Pending;
use super::schema::{self, closest};
use super::types::*;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

type Span = Range<usize>;

/// Most values one sweep range may expand to: a bigger grid is a typo, not a plan.
const MAX_STEPS: u64 = 100_000;
type Value<'i> = Spanned<DeValue<'i>>;

/// Byte spans of the values and keys read, by path (`scenario.ticks`, `org[1].capacity[0]`).
#[derive(Debug, Default)]
pub(crate) struct Spans {
    values: BTreeMap<String, Span>,
    keys: BTreeMap<String, Span>,
}

impl Spans {
    /// The span of the value at `path`, or of the nearest enclosing table that was written.
    pub fn value(&self, path: &str) -> Span {
        let mut p = path;
        loop {
            if let Some(s) = self.values.get(p) {
                return s.clone();
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return 0..0,
            }
        }
    }

    /// The span of the key written for `path`, else of its value.
    pub fn key(&self, path: &str) -> Span {
        self.keys
            .get(path)
            .cloned()
            .unwrap_or_else(|| self.value(path))
    }
}

/// What reading produced: the scenario (defaults filled in, placeholders where a value was
/// wrong), where each value was, the problems found, and the paths that had problems (so the
/// range checks do not pile a second error onto a placeholder).
pub(crate) struct Read {
    pub scenario: Scenario,
    pub spans: Spans,
    pub errors: Vec<Pending>,
    pub bad: BTreeSet<String>,
}

/// A table being read: its entries, its path, how to name it to a user, its header's span.
struct Tbl<'a, 'i> {
    map: &'a DeTable<'i>,
    path: String,
    what: String,
    span: Span,
}

impl<'a, 'i> Tbl<'a, 'i> {
    fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.map.get(key)
    }

    fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some()
    }

    fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

/// "a string", "an integer", ... for "expected X, found Y" messages.
fn kind_of(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn int_of(v: &DeValue<'_>) -> Option<i128> {
    match v {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// A number: integers are accepted where floats are expected (`rate = 40`).
fn number_of(v: &DeValue<'_>) -> Result<f64, String> {
    match v {
        DeValue::Integer(_) => int_of(v)
            .map(|i| i as f64)
            .ok_or("an integer too large".into()),
        DeValue::Float(f) => match f.as_str().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            Ok(x) => Err(format!("`{x}`, which is not a finite number")),
            Err(_) => Err("a malformed float".into()),
        },
        other => Err(kind_of(other).into()),
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// If a syntax error sits on a `[[org]]` or `[[shock]]` header while the file also has the
/// single-bracket `[org]` or `[shock]`, the name of that table: mixing the two is a common slip.
fn single_bracket_array(text: &str, span: &std::ops::Range<usize>) -> Option<&'static str> {
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    ["org", "shock"]
        .into_iter()
        .find(|t| line == format!("[[{t}]]") && text.lines().any(|l| l.trim() == format!("[{t}]")))
}

/// Reads a scenario from TOML text. `stem` names the scenario when `[scenario] name` is absent.
pub(crate) fn read(text: &str, stem: &str) -> Result<Read, Vec<Pending>> {
    let (root, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        let mut errors: Vec<Pending> = syntax
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                let message = format!("invalid TOML: {}", e.message().trim());
                match single_bracket_array(text, &span) {
                    Some(table) => Pending::new(message, span).help(format!(
                        "`[{table}]` with single brackets defines one table; write `[[{table}]]` for every {table} (one per {})",
                        if table == "org" { "organisation design" } else { "shock" }
                    )),
                    None => Pending::new(message, span).help("see https://toml.io for the file syntax"),
                }
            })
            .collect();
        errors.sort_by_key(|e| e.span.start);
        errors.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        return Err(errors);
    }
    let mut r = Reader {
        errors: Vec::new(),
        spans: Spans::default(),
        bad: BTreeSet::new(),
    };
    let root = Tbl {
        map: root.get_ref(),
        path: String::new(),
        what: "the file, outside any table".into(),
        span: 0..0,
    };
    let scenario = r.scenario(&root, stem);
    Ok(Read {
        scenario,
        spans: r.spans,
        errors: r.errors,
        bad: r.bad,
    })
}

struct Reader {
    errors: Vec<Pending>,
    spans: Spans,
    bad: BTreeSet<String>,
}

impl Reader {
    fn error(&mut self, path: &str, p: Pending) {
        self.bad.insert(path.to_string());
        self.errors.push(p);
    }

    /// Records where `key` and its value are, and returns the value.
    fn entry<'a, 'i>(&mut self, t: &Tbl<'a, 'i>, key: &str) -> Option<&'a Value<'i>> {
        let (k, v) = t.map.get_key_value(key)?;
        let path = t.child(key);
        self.spans.keys.insert(path.clone(), k.span());
        self.spans.values.insert(path, v.span());
        Some(v)
    }

    /// Refuses keys not in `valid`; `elsewhere` names keys that are valid in another variant
    /// of this table (a teams key on a tree), with the reason they do not apply here.
    fn check_keys(&mut self, t: &Tbl<'_, '_>, valid: &[&str], elsewhere: &[(&str, String)]) {
        let mut entries: Vec<_> = t.map.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (k, v) in entries {
            let key = k.get_ref().as_ref();
            if valid.contains(&key) {
                continue;
            }
            let path = t.child(key);
            if let Some((_, why)) = elsewhere.iter().find(|(e, _)| *e == key) {
                let p = Pending::new(format!("key `{key}` does not apply here: {why}"), k.span())
                    .help(format!("valid keys here: {}", valid.join(", ")));
                self.error(&path, p);
                continue;
            }
            let message = match v.get_ref() {
                DeValue::Table(_) if t.path.is_empty() => format!("unknown table [{key}]"),
                DeValue::Array(_) if t.path.is_empty() => format!("unknown table [[{key}]]"),
                _ => format!("unknown key `{key}` in {}", t.what),
            };
            let mut p = Pending::new(message, k.span());
            let homes = schema::tables_with(key);
            p = match closest(key, valid) {
                Some(near) => p.help(format!(
                    "did you mean `{near}`? valid keys here: {}",
                    valid.join(", ")
                )),
                None if !homes.is_empty() => p.help(format!(
                    "`{key}` is a key of {}: is a table header missing above this line?",
                    homes.join(" or ")
                )),
                None => p.help(format!("valid keys here: {}", valid.join(", "))),
            };
            self.error(&path, p);
        }
    }

    fn wrong_type(&mut self, path: &str, v: &Value<'_>, expected: &str, found: &str) {
        let p = Pending::new(format!("expected {expected}, found {found}"), v.span())
            .label(format!("expected {expected}"));
        self.error(path, p);
    }

    fn missing(&mut self, t: &Tbl<'_, '_>, key: &str, help: &str) {
        let p = Pending::new(format!("missing key `{key}` in {}", t.what), t.span.clone())
            .help(help.to_string());
        self.error(&t.child(key), p);
    }

    /// A sub-table, or `None` (with an error if present but not a table).
    fn table<'a, 'i>(&mut self, t: &Tbl<'a, 'i>, key: &str, what: &str) -> Option<Tbl<'a, 'i>> {
        let v = self.entry(t, key)?;
        match v.get_ref() {
            DeValue::Table(map) => Some(Tbl {
                map,
                path: t.child(key),
                what: what.to_string(),
                span: v.span(),
            }),
            other => {
                self.wrong_type(&t.child(key), v, &format!("a table {what}"), kind_of(other));
                None
            }
        }
    }

    fn float(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<f64> {
        let v = self.entry(t, key)?;
        match number_of(v.get_ref()) {
            Ok(x) => Some(x),
            Err(found) => {
                self.wrong_type(&t.child(key), v, "a number", &found);
                None
            }
        }
    }

    fn float_or(&mut self, t: &Tbl<'_, '_>, key: &str, default: f64) -> f64 {
        self.float(t, key).unwrap_or(default)
    }

    /// A whole number in `0..=max`.
    fn whole(&mut self, t: &Tbl<'_, '_>, key: &str, max: u64) -> Option<u64> {
        let v = self.entry(t, key)?;
        let path = t.child(key);
        match v.get_ref() {
            DeValue::Integer(_) => match int_of(v.get_ref()) {
                Some(i) if i >= 0 && i <= max as i128 => Some(i as u64),
                Some(i) if i < 0 => {
                    let p =
                        Pending::new(format!("`{key}` must not be negative, found {i}"), v.span())
                            .label("expected a whole number ≥ 0");
                    self.error(&path, p);
                    None
                }
                _ => {
                    let p = Pending::new(format!("`{key}` is too large (at most {max})"), v.span());
                    self.error(&path, p);
                    None
                }
            },
            DeValue::Float(f) => {
                let written = f.as_str().to_string();
                let p = Pending::new(
                    format!("expected a whole number for `{key}`, found the float {written}"),
                    v.span(),
                )
                .label("expected a whole number")
                .help("write it without a decimal point");
                self.error(&path, p);
                None
            }
            other => {
                self.wrong_type(&path, v, "a whole number", kind_of(other));
                None
            }
        }
    }

    fn uint(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<u32> {
        self.whole(t, key, u32::MAX as u64).map(|x| x as u32)
    }

    fn string(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<String> {
        let v = self.entry(t, key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.wrong_type(&t.child(key), v, "a string", kind_of(other));
                None
            }
        }
    }

    /// A string naming one of `choices`.
    fn choice(&mut self, t: &Tbl<'_, '_>, key: &str, choices: &[&str]) -> Option<usize> {
        let v = self.entry(t, key)?;
        let path = t.child(key);
        match v.get_ref() {
            DeValue::String(s) => match choices.iter().position(|c| c == s) {
                Some(i) => Some(i),
                None => {
                    let mut p = Pending::new(format!("`{s}` is not a valid `{key}`"), v.span())
                        .label(format!("expected one of {}", list(choices)));
                    if let Some(near) = closest(s, choices) {
                        p = p.help(format!("did you mean `{near}`?"));
                    }
                    self.error(&path, p);
                    None
                }
            },
            other => {
                let expected = format!("a string, one of {}", list(choices));
                self.wrong_type(&path, v, &expected, kind_of(other));
                None
            }
        }
    }

    /// A pair `[a, b]` of numbers; records each element's span.
    fn pair(&mut self, path: &str, v: &Value<'_>, what: &str) -> Option<[f64; 2]> {
        let found = match v.get_ref() {
            DeValue::Array(a) if a.len() == 2 => {
                let mut out = [0.0; 2];
                let mut ok = true;
                for (i, item) in a.iter().enumerate() {
                    let ip = format!("{path}[{i}]");
                    self.spans.values.insert(ip.clone(), item.span());
                    match number_of(item.get_ref()) {
                        Ok(x) => out[i] = x,
                        Err(found) => {
                            self.wrong_type(&ip, item, "a number", &found);
                            ok = false;
                        }
                    }
                }
                return ok.then_some(out);
            }
            DeValue::Array(a) => format!("an array of {} values", a.len()),
            other => kind_of(other).to_string(),
        };
        self.wrong_type(path, v, &format!("two numbers {what}"), &found);
        None
    }

    /// A distribution: an inline table with exactly one key naming its kind.
    fn dist(&mut self, t: &Tbl<'_, '_>, key: &str, allowed: &[&str], default: Dist) -> Dist {
        let Some(v) = self.entry(t, key) else {
            return default;
        };
        let path = t.child(key);
        let example = "a distribution such as `{ beta = [2.0, 5.0] }` or `{ fixed = 1.0 }`";
        let map = match v.get_ref() {
            DeValue::Table(map) if map.len() == 1 => map,
            DeValue::Table(map) => {
                let p = Pending::new(
                    format!(
                        "`{key}` must have exactly one kind of distribution, found {}",
                        map.len()
                    ),
                    v.span(),
                )
                .help(format!("one of {}", list(allowed)));
                self.error(&path, p);
                return default;
            }
            other => {
                let mut p = Pending::new(
                    format!("expected {example} for `{key}`, found {}", kind_of(other)),
                    v.span(),
                )
                .label("expected an inline table");
                if let Ok(x) = number_of(other) {
                    p = p.help(format!("for a constant, write `{key} = {{ fixed = {x} }}`"));
                }
                self.error(&path, p);
                return default;
            }
        };
        let Some((k, inner)) = map.iter().next() else {
            return default;
        };
        let kind = k.get_ref().as_ref();
        let inner_path = format!("{path}.{kind}");
        self.spans.values.insert(inner_path.clone(), inner.span());
        if !allowed.contains(&kind) {
            let mut p = Pending::new(
                format!("`{kind}` is not a valid distribution for `{key}`"),
                k.span(),
            )
            .label(format!("expected one of {}", list(allowed)));
            if let Some(near) = closest(kind, allowed) {
                p = p.help(format!("did you mean `{near}`?"));
            } else if schema::DISTS.contains(&kind) {
                p = p.note(format!(
                    "`{key}` is a share in [0, 1], so only {} fit",
                    list(allowed)
                ));
            }
            self.error(&path, p);
            return default;
        }
        let scalar = |r: &mut Self| match number_of(inner.get_ref()) {
            Ok(x) => Some(x),
            Err(found) => {
                r.wrong_type(&inner_path, inner, "a number", &found);
                None
            }
        };
        let parsed = match kind {
            "fixed" => scalar(self).map(Dist::Fixed),
            "exponential" => scalar(self).map(Dist::Exponential),
            "uniform" => self
                .pair(&inner_path, inner, "[low, high]")
                .map(Dist::Uniform),
            "beta" => self
                .pair(&inner_path, inner, "[alpha, beta]")
                .map(Dist::Beta),
            "gamma" => self
                .pair(&inner_path, inner, "[shape, scale]")
                .map(Dist::Gamma),
            _ => self
                .pair(&inner_path, inner, "[mu, sigma]")
                .map(Dist::Lognormal),
        };
        if parsed.is_none() {
            self.bad.insert(path);
        }
        parsed.unwrap_or(default)
    }

    /// A scalar for every agent or a list by level.
    fn per_level(&mut self, t: &Tbl<'_, '_>, key: &str, default: f64) -> PerLevel {
        let Some(v) = self.entry(t, key) else {
            return PerLevel::All(default);
        };
        let path = t.child(key);
        match v.get_ref() {
            DeValue::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for (i, item) in a.iter().enumerate() {
                    let ip = format!("{path}[{i}]");
                    self.spans.values.insert(ip.clone(), item.span());
                    match number_of(item.get_ref()) {
                        Ok(x) => out.push(x),
                        Err(found) => {
                            self.wrong_type(&ip, item, "a number", &found);
                            out.push(default);
                        }
                    }
                }
                PerLevel::Levels(out)
            }
            other => match number_of(other) {
                Ok(x) => PerLevel::All(x),
                Err(found) => {
                    self.wrong_type(&path, v, "a number or a list of numbers by level", &found);
                    PerLevel::All(default)
                }
            },
        }
    }

    fn scenario(&mut self, root: &Tbl<'_, '_>, stem: &str) -> Scenario {
        self.check_keys(root, schema::TOP, &[]);
        let meta = self.meta(root, stem);
        let work = self.work(root);
        let quality = self.quality(root);
        let orgs = self.orgs(root);
        let shocks = self.shocks(root);
        let recovery = self.recovery(root);
        let output = self.output(root);
        let sweep = self.sweep(root);
        Scenario {
            scenario: meta,
            work,
            quality,
            orgs,
            shocks,
            recovery,
            output,
            sweep,
        }
    }

    fn meta(&mut self, root: &Tbl<'_, '_>, stem: &str) -> Meta {
        let t = self.table(root, "scenario", "[scenario]");
        let Some(t) = t else {
            if !root.has("scenario") {
                let p = Pending::new("missing table [scenario]", 0..0)
                    .help("start the file with `[scenario]` and at least `ticks = 1000`");
                self.error("scenario.ticks", p);
            }
            let mut m = Scenario::new(stem, 1, 0.0, Vec::new()).scenario;
            m.warmup = 0;
            return m;
        };
        self.check_keys(&t, schema::SCENARIO, &[]);
        let name = self.string(&t, "name").unwrap_or_else(|| stem.to_string());
        let description = self.string(&t, "description").unwrap_or_default();
        let ticks = self.uint(&t, "ticks");
        if ticks.is_none() && !t.has("ticks") {
            self.missing(&t, "ticks", "add `ticks = 1000`: the horizon, in ticks");
        }
        let ticks = ticks.unwrap_or(1);
        let warmup = self.uint(&t, "warmup").unwrap_or(ticks / 10);
        let tick_unit = self
            .string(&t, "tick_unit")
            .unwrap_or_else(|| "tick".into());
        let replications = self.uint(&t, "replications").unwrap_or(10);
        let seed = self.whole(&t, "seed", i64::MAX as u64).unwrap_or(1);
        let compare_to = self.string(&t, "compare_to");
        Meta {
            name,
            description,
            ticks,
            warmup,
            tick_unit,
            replications,
            seed,
            compare_to,
        }
    }

    fn work(&mut self, root: &Tbl<'_, '_>) -> Work {
        let defaults = Scenario::new("", 1, 0.0, Vec::new()).work;
        let Some(t) = self.table(root, "work", "[work]") else {
            if !root.has("work") {
                let p = Pending::new("missing table [work]", 0..0)
                    .help("add `[work]` with at least `rate = 10.0`: decisions arriving per tick");
                self.error("work.rate", p);
            }
            return defaults;
        };
        self.check_keys(&t, schema::WORK, &[]);
        let rate = self.float(&t, "rate");
        if rate.is_none() && !t.has("rate") {
            self.missing(
                &t,
                "rate",
                "add `rate = 10.0`: decisions arriving per tick, whole org",
            );
        }
        let share = ["fixed", "uniform", "beta"];
        Work {
            rate: rate.unwrap_or(0.0),
            complexity: self.dist(&t, "complexity", &share, defaults.complexity),
            effort: self.dist(&t, "effort", schema::DISTS, defaults.effort),
            cross_unit: self.float_or(&t, "cross_unit", defaults.cross_unit),
            reach: self.dist(&t, "reach", schema::DISTS, defaults.reach),
            stake: self.dist(&t, "stake", schema::DISTS, defaults.stake),
            half_life: self.float(&t, "half_life"),
        }
    }

    fn quality(&mut self, root: &Tbl<'_, '_>) -> Quality {
        let d = Quality::default();
        let Some(t) = self.table(root, "quality", "[quality]") else {
            return d;
        };
        self.check_keys(&t, schema::QUALITY, &[]);
        Quality {
            sharpness: self.float_or(&t, "sharpness", d.sharpness),
            filter_loss: self.float_or(&t, "filter_loss", d.filter_loss),
            bad_penalty: self.float_or(&t, "bad_penalty", d.bad_penalty),
            rework: self.float_or(&t, "rework", d.rework),
        }
    }

    /// The entries of an array of tables (`[[org]]`, `[[shock]]`).
    fn tables<'a, 'i>(&mut self, root: &Tbl<'a, 'i>, key: &str) -> Vec<(Tbl<'a, 'i>, usize)> {
        let Some(v) = self.entry(root, key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            let p = Pending::new(
                format!("expected [[{key}]] tables, found {}", kind_of(v.get_ref())),
                v.span(),
            )
            .help(format!(
                "write each one under its own `[[{key}]]` header (double brackets)"
            ));
            self.error(key, p);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{key}[{i}]");
            self.spans.values.insert(path.clone(), item.span());
            match item.get_ref() {
                DeValue::Table(map) => out.push((
                    Tbl {
                        map,
                        path,
                        what: format!("[[{key}]]"),
                        span: item.span(),
                    },
                    i,
                )),
                other => {
                    self.wrong_type(&path, item, &format!("a [[{key}]] table"), kind_of(other))
                }
            }
        }
        out
    }

    fn orgs(&mut self, root: &Tbl<'_, '_>) -> Vec<OrgSpec> {
        let tables = self.tables(root, "org");
        if tables.is_empty() && !self.bad.contains("org") {
            let span = root.get("org").map_or(0..0, |v| v.span());
            let p = Pending::new("no [[org]] in the scenario", span)
                .help("add at least one `[[org]]` with `name`, `structure` and its shape");
            self.error("org", p);
        }
        tables.into_iter().map(|(t, i)| self.org(t, i)).collect()
    }

    fn org(&mut self, mut t: Tbl<'_, '_>, index: usize) -> OrgSpec {
        let name = self
            .string(&t, "name")
            .unwrap_or_else(|| format!("Org {}", index + 1));
        t.what = format!("[[org]] `{name}`");
        let structure = self.choice(&t, "structure", &["tree", "teams"]);
        if structure.is_none() && !t.has("structure") {
            self.missing(
                &t,
                "structure",
                "add `structure = \"tree\"` or `structure = \"teams\"`",
            );
        }
        let all: Vec<&str> = schema::ORG
            .iter()
            .chain(schema::TREE)
            .chain(schema::TEAMS)
            .copied()
            .collect();
        let structure = match structure {
            Some(0) => {
                let valid = org_keys(schema::TREE);
                let why =
                    "it belongs to `structure = \"teams\"`, and this org is a tree".to_string();
                let elsewhere: Vec<_> = schema::TEAMS.iter().map(|k| (*k, why.clone())).collect();
                self.check_keys(&t, &valid, &elsewhere);
                let span = self.required_uint(&t, "span", "add `span = 6`: reports per manager");
                let levels =
                    self.required_uint(&t, "levels", "add `levels = 4`: frontline is level 0");
                Some(Structure::Tree {
                    span: span.unwrap_or(1),
                    levels: levels.unwrap_or(1),
                })
            }
            Some(_) => {
                let valid = org_keys(schema::TEAMS);
                let why = "it belongs to `structure = \"tree\"`, and this org is teams".to_string();
                let elsewhere: Vec<_> = schema::TREE.iter().map(|k| (*k, why.clone())).collect();
                self.check_keys(&t, &valid, &elsewhere);
                let teams = self.required_uint(&t, "teams", "add `teams = 20`: how many teams");
                let size =
                    self.required_uint(&t, "team_size", "add `team_size = 6`: peers per team");
                let network = self.network(&t);
                Some(Structure::Teams {
                    teams: teams.unwrap_or(1),
                    team_size: size.unwrap_or(1),
                    network,
                })
            }
            None => {
                self.check_keys(&t, &all, &[]);
                None
            }
        };
        let structure = structure.unwrap_or(Structure::Tree { span: 1, levels: 1 });
        let default_mode = match structure {
            Structure::Tree { .. } => 0,
            Structure::Teams { .. } => 1,
        };
        let mode = self
            .choice(&t, "cross_unit", &["escalate", "consult"])
            .unwrap_or(default_mode);
        let mut org = OrgSpec {
            name,
            structure,
            capacity: self.per_level(&t, "capacity", 1.0),
            competence: self.per_level(&t, "competence", 0.5),
            authority: self.per_level(&t, "authority", 1.0),
            link_delay: self.float_or(&t, "link_delay", 1.0),
            boundary: self.float_or(&t, "boundary", 0.0),
            referral_effort: self.float_or(&t, "referral_effort", 0.1),
            consult_effort: self.float_or(&t, "consult_effort", 0.2),
            patience: self.uint(&t, "patience").unwrap_or(24),
            learning: self.float_or(&t, "learning", 0.0),
            alignment: self.float_or(&t, "alignment", 1.0),
            cross_unit: if mode == 0 {
                CrossUnitMode::Escalate
            } else {
                CrossUnitMode::Consult
            },
        };
        // Teams have one level: a one-element list means the same as its value.
        if matches!(org.structure, Structure::Teams { .. }) {
            for p in [&mut org.capacity, &mut org.competence, &mut org.authority] {
                if let PerLevel::Levels(v) = p
                    && v.len() == 1
                {
                    *p = PerLevel::All(v[0]);
                }
            }
        }
        org
    }

    fn required_uint(&mut self, t: &Tbl<'_, '_>, key: &str, help: &str) -> Option<u32> {
        let v = self.uint(t, key);
        if v.is_none() && !t.has(key) {
            self.missing(t, key, help);
        }
        v
    }

    fn network(&mut self, org: &Tbl<'_, '_>) -> Network {
        let what = format!("the network of {}", org.what);
        let Some(t) = self.table(org, "network", &what) else {
            return Network::default();
        };
        self.check_keys(&t, schema::NETWORK, &[]);
        let kind = self.choice(&t, "kind", schema::NETWORK_KINDS).unwrap_or(1);
        if kind != 1 {
            let kind_name = schema::NETWORK_KINDS[kind];
            for key in ["degree", "rewire"] {
                if let Some(v) = self.entry(&t, key) {
                    let p = Pending::new(
                        format!("`{key}` does not apply to a `{kind_name}` network"),
                        v.span(),
                    )
                    .help("only `kind = \"small_world\"` takes `degree` and `rewire`");
                    self.error(&t.child(key), p);
                }
            }
            return if kind == 0 {
                Network::Ring
            } else {
                Network::Complete
            };
        }
        Network::SmallWorld {
            degree: self.uint(&t, "degree").unwrap_or(4),
            rewire: self.float_or(&t, "rewire", 0.1),
        }
    }

    fn shocks(&mut self, root: &Tbl<'_, '_>) -> Vec<ShockSpec> {
        let kinds: Vec<&str> = schema::SHOCK_KINDS.iter().map(|(k, _)| *k).collect();
        let mut out = Vec::new();
        for (mut t, i) in self.tables(root, "shock") {
            // A shock of no valid kind is left out of the scenario; the paths of the others
            // must follow their place in it, not in the file.
            let kind = t.get("kind").and_then(|v| v.get_ref().as_str());
            t.path = match kind {
                Some(k) if kinds.contains(&k) => format!("shock[{}]", out.len()),
                _ => format!("shock(unread {i})"),
            };
            self.spans.values.insert(t.path.clone(), t.span.clone());
            out.extend(self.shock(t));
        }
        out
    }

    fn shock(&mut self, mut t: Tbl<'_, '_>) -> Option<ShockSpec> {
        let kinds: Vec<&str> = schema::SHOCK_KINDS.iter().map(|(k, _)| *k).collect();
        let kind = self.choice(&t, "kind", &kinds);
        if kind.is_none() && !t.has("kind") {
            self.missing(
                &t,
                "kind",
                &format!("add `kind = \"surge\"`; kinds: {}", kinds.join(", ")),
            );
        }
        let at = self.uint(&t, "at");
        if at.is_none() && !t.has("at") {
            self.missing(&t, "at", "add `at = 600`: the tick the shock starts");
        }
        let duration = self.uint(&t, "duration");
        let Some(kind) = kind else {
            let all: Vec<&str> = schema::SHOCK
                .iter()
                .chain(schema::SHOCK_KINDS.iter().flat_map(|(_, k)| k.iter()))
                .copied()
                .collect();
            self.check_keys(&t, &all, &[]);
            return None;
        };
        let (kind_name, own) = schema::SHOCK_KINDS[kind];
        let at = at.unwrap_or(0);
        let name = self
            .string(&t, "name")
            .unwrap_or_else(|| format!("{kind_name}@{at}"));
        t.what = format!("[[shock]] `{name}`");
        let valid: Vec<&str> = schema::SHOCK.iter().chain(own.iter()).copied().collect();
        let elsewhere: Vec<(&str, String)> = schema::SHOCK_KINDS
            .iter()
            .filter(|(k, _)| *k != kind_name)
            .flat_map(|(k, keys)| {
                keys.iter()
                    .filter(|key| !own.contains(key))
                    .map(move |key| {
                        (
                            *key,
                            format!(
                                "it belongs to `kind = \"{k}\"`, and this shock is a {kind_name}"
                            ),
                        )
                    })
            })
            .collect();
        self.check_keys(&t, &valid, &elsewhere);
        let kind = match kind_name {
            "surge" => {
                let factor = self.float(&t, "factor");
                if factor.is_none() && !t.has("factor") {
                    self.missing(
                        &t,
                        "factor",
                        "add `factor = 3.0`: the work rate is multiplied by it",
                    );
                }
                let region = self.entry(&t, "region").and_then(|v| {
                    self.pair(&t.child("region"), v, "[from, to) of the world's places")
                });
                ShockKind::Surge {
                    factor: factor.unwrap_or(1.0),
                    region,
                }
            }
            "loss" => {
                let target = self.target(&t);
                ShockKind::Loss {
                    target,
                    reroute_after: self.uint(&t, "reroute_after"),
                }
            }
            "outage" => {
                let f = self.float(&t, "delay_factor");
                if f.is_none() && !t.has("delay_factor") {
                    self.missing(
                        &t,
                        "delay_factor",
                        "add `delay_factor = 4.0`: link delays are multiplied by it",
                    );
                }
                let links = match self.choice(&t, "links", &["all", "vertical", "lateral"]) {
                    Some(1) => Links::Vertical,
                    Some(2) => Links::Lateral,
                    _ => Links::All,
                };
                ShockKind::Outage {
                    delay_factor: f.unwrap_or(1.0),
                    links,
                }
            }
            "shift" => {
                if !t.has("complexity_shift") && !t.has("competence_drop") {
                    let p = Pending::new(
                        format!(
                            "{} changes nothing: give `complexity_shift` or `competence_drop`",
                            t.what
                        ),
                        t.span.clone(),
                    )
                    .help("add e.g. `complexity_shift = 0.2` and `competence_drop = 0.1`");
                    self.error(&t.child("complexity_shift"), p);
                }
                ShockKind::Shift {
                    complexity_shift: self.float_or(&t, "complexity_shift", 0.0),
                    competence_drop: self.float_or(&t, "competence_drop", 0.0),
                }
            }
            _ => {
                let f = self.float(&t, "fraction");
                if f.is_none() && !t.has("fraction") {
                    self.missing(
                        &t,
                        "fraction",
                        "add `fraction = 0.2`: the share of agents away",
                    );
                }
                ShockKind::Absence {
                    fraction: f.unwrap_or(0.0),
                    reroute_after: self.uint(&t, "reroute_after"),
                }
            }
        };
        Some(ShockSpec {
            name,
            at,
            duration,
            kind,
        })
    }

    fn target(&mut self, t: &Tbl<'_, '_>) -> LossTarget {
        let help = "write `target = \"top\"`, `{ level = 1 }`, `{ fraction = 0.1 }` or `{ region = [0.0, 0.25] }`";
        let Some(v) = self.entry(t, "target") else {
            self.missing(t, "target", help);
            return LossTarget::Top;
        };
        let path = t.child("target");
        match v.get_ref() {
            DeValue::String(s) if s == "top" => LossTarget::Top,
            DeValue::Table(map) if map.len() == 1 => {
                let inner = Tbl {
                    map,
                    path: path.clone(),
                    what: "`target`".into(),
                    span: v.span(),
                };
                self.check_keys(&inner, schema::TARGETS, &[]);
                if inner.has("level") {
                    self.uint(&inner, "level")
                        .map_or(LossTarget::Top, LossTarget::Level)
                } else if inner.has("fraction") {
                    self.float(&inner, "fraction")
                        .map_or(LossTarget::Top, LossTarget::Fraction)
                } else if let Some(r) = self.entry(&inner, "region") {
                    self.pair(&inner.child("region"), r, "[a, b]")
                        .map_or(LossTarget::Top, LossTarget::Region)
                } else {
                    LossTarget::Top
                }
            }
            _ => {
                let p = Pending::new(
                    format!("invalid loss `target`: {}", describe_short(v.get_ref())),
                    v.span(),
                )
                .help(help);
                self.error(&path, p);
                LossTarget::Top
            }
        }
    }

    fn recovery(&mut self, root: &Tbl<'_, '_>) -> Recovery {
        let d = Recovery::default();
        let Some(t) = self.table(root, "recovery", "[recovery]") else {
            return d;
        };
        self.check_keys(&t, schema::RECOVERY, &[]);
        let names: Vec<&str> = RecoveryMetric::ALL.iter().map(|m| m.name()).collect();
        let metrics = match self.entry(&t, "metrics") {
            None => d.metrics.clone(),
            Some(v) => match v.get_ref() {
                DeValue::Array(items) => {
                    let mut out = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let ip = format!("recovery.metrics[{i}]");
                        self.spans.values.insert(ip.clone(), item.span());
                        match item.get_ref() {
                            DeValue::String(s) => match RecoveryMetric::from_name(s) {
                                Some(m) => out.push(m),
                                None => {
                                    let mut p = Pending::new(
                                        format!("unknown recovery metric `{s}`"),
                                        item.span(),
                                    )
                                    .help(format!("valid metrics: {}", names.join(", ")));
                                    if let Some(near) = closest(s, &names) {
                                        p = p.help(format!("did you mean `{near}`?"));
                                    }
                                    self.error(&ip, p);
                                }
                            },
                            other => self.wrong_type(&ip, item, "a metric name", kind_of(other)),
                        }
                    }
                    out
                }
                other => {
                    self.wrong_type(
                        "recovery.metrics",
                        v,
                        "a list of metric names",
                        kind_of(other),
                    );
                    d.metrics.clone()
                }
            },
        };
        Recovery {
            metrics,
            window: self.uint(&t, "window").unwrap_or(d.window),
            baseline: self.uint(&t, "baseline").unwrap_or(d.baseline),
            band: self.float_or(&t, "band", d.band),
            floor: self.float_or(&t, "floor", d.floor),
            hold: self.uint(&t, "hold").unwrap_or(d.hold),
        }
    }

    fn output(&mut self, root: &Tbl<'_, '_>) -> Output {
        let d = Output::default();
        let Some(t) = self.table(root, "output", "[output]") else {
            return d;
        };
        self.check_keys(&t, schema::OUTPUT, &[]);
        let dir = self.string(&t, "dir").map(Into::into);
        let formats = match self.entry(&t, "formats") {
            None => d.formats,
            Some(v) => match v.get_ref() {
                DeValue::Array(items) => {
                    let mut out = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let ip = format!("output.formats[{i}]");
                        self.spans.values.insert(ip.clone(), item.span());
                        match item.get_ref() {
                            DeValue::String(s) if s == "png" => out.push(Format::Png),
                            DeValue::String(s) if s == "svg" => out.push(Format::Svg),
                            DeValue::String(s) => {
                                let p = Pending::new(
                                    format!("unknown chart format `{s}`"),
                                    item.span(),
                                )
                                .help("valid formats: png, svg");
                                self.error(&ip, p);
                            }
                            other => self.wrong_type(&ip, item, "a format name", kind_of(other)),
                        }
                    }
                    out
                }
                other => {
                    self.wrong_type(
                        "output.formats",
                        v,
                        "a list such as [\"png\", \"svg\"]",
                        kind_of(other),
                    );
                    d.formats
                }
            },
        };
        Output { dir, formats }
    }

    fn sweep(&mut self, root: &Tbl<'_, '_>) -> Vec<SweepAxis> {
        let Some(t) = self.table(root, "sweep", "[sweep]") else {
            return Vec::new();
        };
        let mut entries: Vec<_> = t.map.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut axes = Vec::new();
        for (k, v) in entries {
            let i = axes.len();
            let path = format!("sweep[{i}]");
            self.spans.keys.insert(path.clone(), k.span());
            self.spans.values.insert(path.clone(), v.span());
            if let Some(values) = self.sweep_values(&path, v) {
                axes.push(SweepAxis {
                    path: k.get_ref().to_string(),
                    values,
                });
            } else {
                // Keep the axis so indices match spans; its path check is skipped as bad.
                axes.push(SweepAxis {
                    path: k.get_ref().to_string(),
                    values: Vec::new(),
                });
            }
        }
        axes
    }

    fn sweep_values(&mut self, path: &str, v: &Value<'_>) -> Option<Vec<SweepValue>> {
        match v.get_ref() {
            DeValue::Array(items) if !items.is_empty() => {
                let mut out = Vec::new();
                for (j, item) in items.iter().enumerate() {
                    let ip = format!("{path}.values[{j}]");
                    self.spans.values.insert(ip.clone(), item.span());
                    let value = match item.get_ref() {
                        DeValue::Integer(_) => int_of(item.get_ref())
                            .and_then(|i| i64::try_from(i).ok())
                            .map(SweepValue::Int),
                        DeValue::Float(_) => number_of(item.get_ref()).ok().map(SweepValue::Float),
                        DeValue::String(s) => Some(SweepValue::Text(s.to_string())),
                        _ => None,
                    };
                    match value {
                        Some(x) => out.push(x),
                        None => {
                            let found = kind_of(item.get_ref());
                            self.wrong_type(&ip, item, "a number or a string", found);
                            return None;
                        }
                    }
                }
                Some(out)
            }
            DeValue::Array(_) => {
                let p = Pending::new("a sweep axis needs at least one value", v.span());
                self.error(path, p);
                None
            }
            DeValue::Table(map) => {
                let t = Tbl {
                    map,
                    path: path.to_string(),
                    what: "a sweep range".into(),
                    span: v.span(),
                };
                self.check_keys(&t, &["from", "to", "steps"], &[]);
                let from = self.float(&t, "from");
                let to = self.float(&t, "to");
                let steps = self.whole(&t, "steps", MAX_STEPS);
                for (key, got) in [
                    ("from", from.is_some()),
                    ("to", to.is_some()),
                    ("steps", steps.is_some()),
                ] {
                    if !got && !t.has(key) {
                        self.missing(&t, key, "write `{ from = 10.0, to = 80.0, steps = 8 }`");
                    }
                }
                let (from, to, steps) = (from?, to?, steps?);
                if steps < 1 || (steps == 1 && from != to) {
                    let p = Pending::new(
                        format!(
                            "`steps` must be at least 2 to go from {from} to {to}, found {steps}"
                        ),
                        self.spans.value(&t.child("steps")),
                    );
                    self.error(path, p);
                    return None;
                }
                let values = (0..steps)
                    .map(|i| {
                        if steps == 1 {
                            from
                        } else {
                            from + (to - from) * i as f64 / (steps - 1) as f64
                        }
                    })
                    .map(|x| {
                        // Whole numbers stay integers so integer keys (`span`) can be swept.
                        if x.fract() == 0.0 && x.abs() < 9.0e15 {
                            SweepValue::Int(x as i64)
                        } else {
                            SweepValue::Float(x)
                        }
                    })
                    .collect();
                Some(values)
            }
            other => {
                let found = kind_of(other);
                self.wrong_type(path, v, "a list of values or `{ from, to, steps }`", found);
                None
            }
        }
    }
}

/// An org's valid keys in the order a reader expects: name, structure, its shape, the rest.
fn org_keys(shape: &[&'static str]) -> Vec<&'static str> {
    let (head, rest) = schema::ORG.split_at(2);
    head.iter().chain(shape).chain(rest).copied().collect()
}

/// A short description of a value for messages about values of the wrong form.
fn describe_short(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("the string \"{s}\""),
        DeValue::Table(m) => format!("a table with {} keys", m.len()),
        other => kind_of(other).to_string(),
    }
}
