//! The single tables: `[scenario]`, `[work]`, `[quality]`, `[recovery]`, `[output]` and
//! `[sweep]`, and the file as a whole.

use super::super::diagnostic::Pending;
use super::super::schema;
use super::super::types::*;
use super::reader::{Reader, Tbl, Value};
use super::values::{NameList, int_of, kind_of, number_of};
use toml::de::DeValue;

/// Most values one sweep range may expand to: a bigger grid is a typo, not a plan.
const MAX_STEPS: u64 = 100_000;
/// Most `samples` of a sampling design.
const MAX_SAMPLES: u64 = 100_000;

impl Reader {
    /// The whole file; `stem` names the scenario when `[scenario] name` is absent.
    pub(super) fn scenario(&mut self, root: &Tbl<'_, '_>, stem: &str) -> Scenario {
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

    /// `[scenario]`, which is required.
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
        self.check_keys(&t, &schema::names(schema::SCENARIO), &[]);
        let name = self.string(&t, "name").unwrap_or_else(|| stem.to_string());
        let description = self.string(&t, "description").unwrap_or_default();
        let ticks = self
            .required(
                &t,
                "ticks",
                "add `ticks = 1000`: the horizon, in ticks",
                Self::uint,
            )
            .unwrap_or(1);
        let warmup = self.uint(&t, "warmup").unwrap_or(ticks / 10);
        let tick_unit = self
            .string(&t, "tick_unit")
            .unwrap_or_else(|| "tick".into());
        let replications = self.uint(&t, "replications").unwrap_or(10);
        let seed = self.whole(&t, "seed", i64::MAX as u64).unwrap_or(1);
        let compare_to = self.string(&t, "compare_to");
        let decision_noun = self.word(&t, "decision_noun");
        let decision_noun_plural = self.word(&t, "decision_noun_plural");
        if decision_noun.is_none()
            && decision_noun_plural.is_some()
            && let Some(v) = t.get("decision_noun_plural")
        {
            let p = Pending::new("`decision_noun_plural` without `decision_noun`", v.span())
                .help("add `decision_noun = \"claim\"` (its singular), or remove the plural");
            self.error(&t.child("decision_noun_plural"), p);
        }
        Meta {
            name,
            description,
            ticks,
            warmup,
            tick_unit,
            replications,
            seed,
            compare_to,
            decision_noun,
            decision_noun_plural,
        }
    }

    /// `[work]`, which is required.
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
        self.check_keys(&t, &schema::names(schema::WORK), &[]);
        let help = "add `rate = 10.0`: decisions arriving per tick, whole org";
        let rate = self.required(&t, "rate", help, Self::float);
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

    /// `[quality]`.
    fn quality(&mut self, root: &Tbl<'_, '_>) -> Quality {
        let d = Quality::default();
        let Some(t) = self.table(root, "quality", "[quality]") else {
            return d;
        };
        self.check_keys(&t, &schema::names(schema::QUALITY), &[]);
        Quality {
            sharpness: self.float_or(&t, "sharpness", d.sharpness),
            filter_loss: self.float_or(&t, "filter_loss", d.filter_loss),
            bad_penalty: self.float_or(&t, "bad_penalty", d.bad_penalty),
            rework: self.float_or(&t, "rework", d.rework),
        }
    }

    /// `[recovery]`.
    fn recovery(&mut self, root: &Tbl<'_, '_>) -> Recovery {
        let d = Recovery::default();
        let Some(t) = self.table(root, "recovery", "[recovery]") else {
            return d;
        };
        self.check_keys(&t, &schema::names(schema::RECOVERY), &[]);
        let metrics = RecoveryMetric::ALL.map(|m| (m.name(), m));
        let words = NameList {
            noun: "recovery metric",
            plural: "metrics",
            item: "a metric name",
            expected: "a list of metric names",
            suggest: true,
        };
        Recovery {
            metrics: self
                .names(&t, "metrics", &metrics, &words)
                .unwrap_or(d.metrics),
            window: self.uint(&t, "window").unwrap_or(d.window),
            baseline: self.uint(&t, "baseline").unwrap_or(d.baseline),
            band: self.float_or(&t, "band", d.band),
            floor: self.float_or(&t, "floor", d.floor),
            hold: self.uint(&t, "hold").unwrap_or(d.hold),
        }
    }

    /// `[output]`.
    fn output(&mut self, root: &Tbl<'_, '_>) -> Output {
        let d = Output::default();
        let Some(t) = self.table(root, "output", "[output]") else {
            return d;
        };
        self.check_keys(&t, &schema::names(schema::OUTPUT), &[]);
        let formats = [("png", Format::Png), ("svg", Format::Svg)];
        let words = NameList {
            noun: "chart format",
            plural: "formats",
            item: "a format name",
            expected: "a list such as [\"png\", \"svg\"]",
            suggest: false,
        };
        let kept = [
            ("all", Timeseries::All),
            ("summary", Timeseries::Summary),
            ("none", Timeseries::Off),
        ];
        Output {
            dir: self.string(&t, "dir").map(Into::into),
            formats: self
                .names(&t, "formats", &formats, &words)
                .unwrap_or(d.formats),
            timeseries: self.choice(&t, "timeseries", &kept),
        }
    }

    /// `[sweep]`: the design keys, then one axis per other key, in file order.
    fn sweep(&mut self, root: &Tbl<'_, '_>) -> Sweep {
        let Some(t) = self.table(root, "sweep", "[sweep]") else {
            return Sweep::default();
        };
        let designs = [
            ("grid", Design::Grid),
            ("latin_hypercube", Design::LatinHypercube),
            ("sobol", Design::Sobol),
            ("morris", Design::Morris),
        ];
        let design = self.choice(&t, "design", &designs).unwrap_or_default();
        // Points are drawn while the file is checked: a bound keeps `check` quick and small.
        let samples = self.whole(&t, "samples", MAX_SAMPLES).map(|n| n as u32);
        let scale_rate_with = self.rate_scale(&t);
        let metrics = self.metric_names(&t);
        let mut entries: Vec<_> = t
            .map
            .iter()
            .filter(|(k, _)| !schema::names(schema::SWEEP).contains(&k.get_ref().as_ref()))
            .collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut axes = Vec::new();
        for (k, v) in entries {
            let i = axes.len();
            let path = format!("sweep[{i}]");
            self.spans.keys.insert(path.clone(), k.span());
            self.spans.values.insert(path.clone(), v.span());
            // A bad axis is kept with no values so indices match spans; its checks are skipped.
            let (values, range) = self.sweep_values(&path, v).unwrap_or_default();
            axes.push(SweepAxis {
                path: k.get_ref().to_string(),
                values,
                range,
            });
        }
        Sweep {
            design,
            samples,
            scale_rate_with,
            metrics,
            axes,
        }
    }

    /// A boolean.
    fn boolean(&mut self, t: &Tbl<'_, '_>, key: &str) -> Option<bool> {
        let v = self.entry(t, key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.wrong_type(&t.child(key), v, "true or false", kind_of(other));
                None
            }
        }
    }

    /// `scale_rate_with = "frontline"` or `{ frontline = "<org>" }`.
    fn rate_scale(&mut self, t: &Tbl<'_, '_>) -> Option<RateScale> {
        let v = self.entry(t, "scale_rate_with")?;
        let path = t.child("scale_rate_with");
        let expected = "\"frontline\" or { frontline = \"<org name>\" }";
        match v.get_ref() {
            DeValue::String(s) if s == "frontline" => Some(RateScale::Frontline(None)),
            DeValue::Table(map) => {
                let sub = Tbl {
                    map,
                    path: path.clone(),
                    what: "`scale_rate_with`".into(),
                    span: v.span(),
                };
                self.check_keys(&sub, &["frontline"], &[]);
                let help = "write `scale_rate_with = { frontline = \"Hierarchy\" }`";
                self.required(&sub, "frontline", help, Self::string)
                    .map(|org| RateScale::Frontline(Some(org)))
            }
            DeValue::String(s) => {
                let p = Pending::new(format!("`{s}` is not a valid `scale_rate_with`"), v.span())
                    .label(format!("expected {expected}"))
                    .help("\"frontline\" holds the load per frontline agent of the reference org constant");
                self.error(&path, p);
                None
            }
            other => {
                let found = kind_of(other);
                self.wrong_type(&path, v, expected, found);
                None
            }
        }
    }

    /// `[sweep] metrics`: summary metric names, checked against the catalogue later (the
    /// names of per-shock metrics depend on the shocks).
    fn metric_names(&mut self, t: &Tbl<'_, '_>) -> Vec<String> {
        let default = || SWEEP_METRICS.iter().map(|m| m.to_string()).collect();
        let Some(v) = self.entry(t, "metrics") else {
            return default();
        };
        let path = t.child("metrics");
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(&path, v, "a list of metric names", kind_of(v.get_ref()));
            return default();
        };
        let mut out = Vec::new();
        for (j, item) in items.iter().enumerate() {
            let ip = format!("{path}[{j}]");
            self.spans.values.insert(ip.clone(), item.span());
            match item.get_ref() {
                DeValue::String(s) if out.iter().any(|o: &String| o == s) => {
                    let p =
                        Pending::new(format!("`{s}` is listed twice in `metrics`"), item.span())
                            .help("list each metric once");
                    self.error(&ip, p);
                }
                DeValue::String(s) => out.push(s.to_string()),
                other => self.wrong_type(&ip, item, "a metric name", kind_of(other)),
            }
        }
        out
    }

    /// The values of one axis: a list, or a range `{ from, to [, steps] [, log] }` (whose
    /// values a grid fills in once the path's type is known).
    fn sweep_values(
        &mut self,
        path: &str,
        v: &Value<'_>,
    ) -> Option<(Vec<SweepValue>, Option<SweepRange>)> {
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
                Some((out, None))
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
                self.check_keys(&t, &["from", "to", "steps", "log"], &[]);
                let help = "write `{ from = 10.0, to = 80.0, steps = 8 }`";
                let from = self.required(&t, "from", help, Self::float);
                let to = self.required(&t, "to", help, Self::float);
                let steps = self.whole(&t, "steps", MAX_STEPS);
                let log = self.boolean(&t, "log").unwrap_or(false);
                let (from, to) = (from?, to?);
                if let Some(steps) = steps
                    && (steps < 1 || (steps == 1 && from != to))
                {
                    let p = Pending::new(
                        format!(
                            "`steps` must be at least 2 to go from {from} to {to}, found {steps}"
                        ),
                        self.spans.value(&t.child("steps")),
                    );
                    self.error(path, p);
                    return None;
                }
                if log && !(from > 0.0 && to > 0.0) {
                    let p = Pending::new(
                        format!("a `log` range needs ends above 0, found from = {from}, to = {to}"),
                        v.span(),
                    )
                    .help("values are spread evenly in the logarithm, which needs positive ends");
                    self.error(path, p);
                    return None;
                }
                let range = SweepRange {
                    from,
                    to,
                    steps,
                    log,
                };
                Some((Vec::new(), Some(range)))
            }
            other => {
                let found = kind_of(other);
                self.wrong_type(path, v, "a list of values or `{ from, to, steps }`", found);
                None
            }
        }
    }
}
