//! Walking a scenario's tables: the table being read, the errors and spans recorded, unknown
//! and missing keys, sub-tables and arrays of tables.

use super::super::diagnostic::Pending;
use super::super::schema::{self, closest};
use super::values::kind_of;
use super::{Span, Spans};
use std::collections::BTreeSet;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub(super) type Value<'i> = Spanned<DeValue<'i>>;

/// A table being read: its entries, its path, how to name it to a user, its header's span.
pub(super) struct Tbl<'a, 'i> {
    pub map: &'a DeTable<'i>,
    pub path: String,
    pub what: String,
    pub span: Span,
}

impl<'a, 'i> Tbl<'a, 'i> {
    /// The value of `key`, without recording it.
    pub(super) fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.map.get(key)
    }

    /// Whether `key` is written, whatever its value.
    pub(super) fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some()
    }

    /// The path of `key` in this table: `org[0].capacity`.
    pub(super) fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

/// What has been read so far: the errors, where each value was, and the paths with errors.
pub(super) struct Reader {
    pub errors: Vec<Pending>,
    pub spans: Spans,
    pub bad: BTreeSet<String>,
}

impl Reader {
    /// Records `p`, and `path` as a value with a problem.
    pub(super) fn error(&mut self, path: &str, p: Pending) {
        self.bad.insert(path.to_string());
        self.errors.push(p);
    }

    /// Records where `key` and its value are, and returns the value.
    pub(super) fn entry<'a, 'i>(&mut self, t: &Tbl<'a, 'i>, key: &str) -> Option<&'a Value<'i>> {
        let (k, v) = t.map.get_key_value(key)?;
        let path = t.child(key);
        self.spans.keys.insert(path.clone(), k.span());
        self.spans.values.insert(path, v.span());
        Some(v)
    }

    /// Refuses keys not in `valid`; `elsewhere` names keys that are valid in another variant
    /// of this table (a teams key on a tree), with the reason they do not apply here.
    pub(super) fn check_keys(
        &mut self,
        t: &Tbl<'_, '_>,
        valid: &[&str],
        elsewhere: &[(&str, String)],
    ) {
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

    /// "expected X, found Y" at the value `v` of `path`.
    pub(super) fn wrong_type(&mut self, path: &str, v: &Value<'_>, expected: &str, found: &str) {
        let p = Pending::new(format!("expected {expected}, found {found}"), v.span())
            .label(format!("expected {expected}"));
        self.error(path, p);
    }

    /// "missing key" at the header of `t`, with `help` saying what to add.
    pub(super) fn missing(&mut self, t: &Tbl<'_, '_>, key: &str, help: &str) {
        let p = Pending::new(format!("missing key `{key}` in {}", t.what), t.span.clone())
            .help(help.to_string());
        self.error(&t.child(key), p);
    }

    /// `read(key)`, with a "missing key" error (and `help` to add it) when the key is absent.
    pub(super) fn required<'a, 'i, T>(
        &mut self,
        t: &Tbl<'a, 'i>,
        key: &str,
        help: &str,
        read: impl FnOnce(&mut Self, &Tbl<'a, 'i>, &str) -> Option<T>,
    ) -> Option<T> {
        let value = read(self, t, key);
        if value.is_none() && !t.has(key) {
            self.missing(t, key, help);
        }
        value
    }

    /// A sub-table, or `None` (with an error if present but not a table).
    pub(super) fn table<'a, 'i>(
        &mut self,
        t: &Tbl<'a, 'i>,
        key: &str,
        what: &str,
    ) -> Option<Tbl<'a, 'i>> {
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

    /// The entries of an array of tables (`[[org]]`, `[[shock]]`).
    pub(super) fn tables<'a, 'i>(
        &mut self,
        root: &Tbl<'a, 'i>,
        key: &str,
    ) -> Vec<(Tbl<'a, 'i>, usize)> {
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
}
