//! Reading one value: a number, a whole number, a string, one of a set of names, a pair, a
//! distribution, a value per level. Each getter records the value's span and, for a value of
//! the wrong form, a located error saying what was expected; it returns `None` (or the default)
//! so reading goes on and every mistake in the file is reported at once.

use super::super::diagnostic::Pending;
use super::super::schema::{self, closest};
use super::super::types::{Dist, PerLevel};
use super::reader::{Reader, Tbl, Value};
use toml::de::DeValue;

/// "a string", "an integer", ... for "expected X, found Y" messages.
pub(super) fn kind_of(v: &DeValue<'_>) -> &'static str {
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

/// An integer as written, in any radix; `None` for anything else.
pub(super) fn int_of(v: &DeValue<'_>) -> Option<i128> {
    match v {
        DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// A number: integers are accepted where floats are expected (`rate = 40`).
pub(super) fn number_of(v: &DeValue<'_>) -> Result<f64, String> {
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

/// Names quoted for a message: "`a`, `b`, `c`".
fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How [`Reader::names`] speaks of one kind of name list.
pub(super) struct NameList {
    /// One name, in "unknown X `y`": `recovery metric`.
    pub noun: &'static str,
    /// Many, in "valid X: ...": `metrics`.
    pub plural: &'static str,
    /// What an item should be: `a metric name`.
    pub item: &'static str,
    /// What the whole value should be: `a list of metric names`.
    pub expected: &'static str,
    /// Whether an unknown name gets a "did you mean".
    pub suggest: bool,
}

/// A short description of a value for messages about values of the wrong form.
pub(super) fn describe_short(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("the string \"{s}\""),
        DeValue::Table(m) => format!("a table with {} keys", m.len()),
        other => kind_of(other).to_string(),
    }
}

impl Reader {
    /// A number; integers are accepted.
    pub(super) fn float(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<f64> {
        let v = self.entry(t, key)?;
        match number_of(v.get_ref()) {
            Ok(x) => Some(x),
            Err(found) => {
                self.wrong_type(&t.child(key), v, "a number", &found);
                None
            }
        }
    }

    /// A number, or `default` when absent or wrong.
    pub(super) fn float_or(&mut self, t: &Tbl<'_, '_>, key: &str, default: f64) -> f64 {
        self.float(t, key).unwrap_or(default)
    }

    /// A whole number in `0..=max`.
    pub(super) fn whole(&mut self, t: &Tbl<'_, '_>, key: &str, max: u64) -> Option<u64> {
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

    /// A whole number that fits in 32 bits.
    pub(super) fn uint(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<u32> {
        self.whole(t, key, u32::MAX as u64).map(|x| x as u32)
    }

    /// A string.
    pub(super) fn string(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<String> {
        let v = self.entry(t, key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.wrong_type(&t.child(key), v, "a string", kind_of(other));
                None
            }
        }
    }

    /// A word for text (a decision noun, a level name): a string that is not blank.
    pub(super) fn word(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<String> {
        let s = self.string(t, key)?;
        if s.trim().is_empty() {
            let v = self.entry(t, key)?;
            let p = Pending::new(format!("`{key}` is empty"), v.span()).help(format!(
                "write a word, e.g. `{key} = \"claim\"`, or remove `{key}`"
            ));
            self.error(&t.child(key), p);
            return None;
        }
        Some(s.trim().to_string())
    }

    /// A list of words that are not blank, one error per item that is not; `None` when
    /// absent, not a list, or any item is not a word.
    pub(super) fn words(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<Vec<String>> {
        let v = self.entry(t, key)?;
        let path = t.child(key);
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(&path, v, "a list of names", kind_of(v.get_ref()));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let ip = format!("{path}[{i}]");
            self.spans.values.insert(ip.clone(), item.span());
            match item.get_ref() {
                DeValue::String(s) if s.trim().is_empty() => {
                    let p = Pending::new(format!("name {i} of `{key}` is empty"), item.span())
                        .help("give every level a name, e.g. \"team lead\"");
                    self.error(&ip, p);
                    ok = false;
                }
                DeValue::String(s) => out.push(s.trim().to_string()),
                other => {
                    self.wrong_type(&ip, item, "a name (a string)", kind_of(other));
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// A string naming one of `choices`: the value paired with the name written.
    pub(super) fn choice<T: Copy>(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        choices: &[(&'static str, T)],
    ) -> Option<T> {
        let v = self.entry(t, key)?;
        let path = t.child(key);
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        match v.get_ref() {
            DeValue::String(s) => match choices.iter().find(|(name, _)| name == s) {
                Some(&(_, value)) => Some(value),
                None => {
                    let mut p = Pending::new(format!("`{s}` is not a valid `{key}`"), v.span())
                        .label(format!("expected one of {}", list(&names)));
                    if let Some(near) = closest(s, &names) {
                        p = p.help(format!("did you mean `{near}`?"));
                    }
                    self.error(&path, p);
                    None
                }
            },
            other => {
                let expected = format!("a string, one of {}", list(&names));
                self.wrong_type(&path, v, &expected, kind_of(other));
                None
            }
        }
    }

    /// A list of names, each one of `choices`, for `[recovery] metrics` and `[output] formats`:
    /// `None` when absent or not a list (with an error), else the values of the names that are
    /// valid (with an error for each that is not).
    pub(super) fn names<T: Copy>(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        choices: &[(&'static str, T)],
        words: &NameList,
    ) -> Option<Vec<T>> {
        let v = self.entry(t, key)?;
        let path = t.child(key);
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(&path, v, words.expected, kind_of(v.get_ref()));
            return None;
        };
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        let mut out = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = format!("{path}[{i}]");
            self.spans.values.insert(ip.clone(), item.span());
            match item.get_ref() {
                // The same name twice would give the same rows twice.
                DeValue::String(s) if seen.contains(&s.as_ref()) => {
                    let p = Pending::new(format!("`{s}` is listed twice in `{key}`"), item.span())
                        .help("list each name once");
                    self.error(&ip, p);
                }
                DeValue::String(s) => match choices.iter().find(|(name, _)| name == s) {
                    Some(&(name, value)) => {
                        seen.push(name);
                        out.push(value)
                    }
                    None => {
                        let mut p =
                            Pending::new(format!("unknown {} `{s}`", words.noun), item.span())
                                .help(format!("valid {}: {}", words.plural, names.join(", ")));
                        if let Some(near) = closest(s, &names).filter(|_| words.suggest) {
                            p = p.help(format!("did you mean `{near}`?"));
                        }
                        self.error(&ip, p);
                    }
                },
                other => self.wrong_type(&ip, item, words.item, kind_of(other)),
            }
        }
        Some(out)
    }

    /// A pair `[a, b]` of numbers; records each element's span.
    pub(super) fn pair(&mut self, path: &str, v: &Value<'_>, what: &str) -> Option<[f64; 2]> {
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
    pub(super) fn dist(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        allowed: &[&str],
        default: Dist,
    ) -> Dist {
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
    pub(super) fn per_level(&mut self, t: &Tbl<'_, '_>, key: &str, default: f64) -> PerLevel {
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
}
