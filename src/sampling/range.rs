//! From a design's coordinate in [0, 1] to a swept parameter's value.
//!
//! A `{ from, to }` range is covered uniformly, or uniformly in the logarithm with `log = true`.
//! A whole-number key (a span, a number of teams) is rounded, but not from `[from, to]`: plain
//! rounding would give the two end values half the chance of the others. The coordinate is mapped
//! onto `[from − ½, to + ½]` (linear or logarithmic) and rounded to the nearest whole number, so
//! each whole number gets the share of the range that rounds to it: equal shares on a linear
//! scale, log-uniform shares on a logarithmic one.

use super::SamplingError;

/// A swept parameter's range: `{ from, to }`, optionally logarithmic, optionally whole numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamRange {
    from: f64,
    to: f64,
    log: bool,
    whole: bool,
}

impl ParamRange {
    /// A range covered uniformly: `from + u · (to − from)`.
    pub fn new(from: f64, to: f64) -> Result<Self, SamplingError> {
        if !(from.is_finite() && to.is_finite() && from < to) {
            return Err(SamplingError::BadRange { from, to });
        }
        Ok(ParamRange {
            from,
            to,
            log: false,
            whole: false,
        })
    }

    /// A range covered uniformly in the logarithm (`log = true`): `from · (to / from)^u`.
    pub fn log(from: f64, to: f64) -> Result<Self, SamplingError> {
        let linear = Self::new(from, to)?;
        if from <= 0.0 {
            return Err(SamplingError::BadLogRange { from });
        }
        Ok(ParamRange {
            log: true,
            ..linear
        })
    }

    /// The same range for a whole-number key: `from` and `to` must be whole numbers (so on a log
    /// scale `from >= 1`, and `from − ½` is positive).
    pub fn whole_numbers(self) -> Result<Self, SamplingError> {
        if self.from.fract() != 0.0 || self.to.fract() != 0.0 {
            return Err(SamplingError::NotWholeRange {
                from: self.from,
                to: self.to,
            });
        }
        Ok(ParamRange {
            whole: true,
            ..self
        })
    }

    /// Lower end.
    pub fn from(&self) -> f64 {
        self.from
    }

    /// Upper end.
    pub fn to(&self) -> f64 {
        self.to
    }

    /// Whether the range is covered uniformly in the logarithm.
    pub fn is_log(&self) -> bool {
        self.log
    }

    /// Whether values are whole numbers.
    pub fn is_whole(&self) -> bool {
        self.whole
    }

    /// The value at coordinate `u` in [0, 1], always within `[from, to]`.
    pub fn value(&self, u: f64) -> f64 {
        let (lo, hi) = if self.whole {
            (self.from - 0.5, self.to + 0.5)
        } else {
            (self.from, self.to)
        };
        let v = if self.log {
            (lo.ln() + u * (hi.ln() - lo.ln())).exp()
        } else {
            lo + u * (hi - lo)
        };
        let v = if self.whole { (v + 0.5).floor() } else { v };
        v.clamp(self.from, self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_and_log_cover_the_range_from_end_to_end() {
        let r = ParamRange::new(10.0, 80.0).unwrap();
        assert_eq!(r.value(0.0), 10.0);
        assert_eq!(r.value(0.5), 45.0);
        assert_eq!(r.value(1.0), 80.0);
        let l = ParamRange::log(1.0, 100.0).unwrap();
        assert_eq!(l.value(0.0), 1.0);
        assert!((l.value(0.5) - 10.0).abs() < 1e-12);
        assert_eq!(l.value(1.0), 100.0);
    }

    #[test]
    fn whole_numbers_get_equal_shares_on_a_linear_scale() {
        let r = ParamRange::new(4.0, 8.0).unwrap().whole_numbers().unwrap();
        let n = 10_000;
        let mut counts = [0usize; 5];
        for i in 0..n {
            let v = r.value((i as f64 + 0.5) / n as f64);
            assert_eq!(v.fract(), 0.0);
            counts[(v - 4.0) as usize] += 1;
        }
        // Five values, so each takes exactly a fifth of evenly spread coordinates.
        assert_eq!(counts, [2000; 5]);
        assert_eq!(r.value(1.0), 8.0);
    }

    #[test]
    fn whole_numbers_on_a_log_scale_get_log_uniform_shares() {
        let r = ParamRange::log(1.0, 3.0).unwrap().whole_numbers().unwrap();
        let n = 100_000;
        let mut counts = [0usize; 3];
        for i in 0..n {
            counts[r.value((i as f64 + 0.5) / n as f64) as usize - 1] += 1;
        }
        // Whole number k takes ln((k + ½)/(k − ½)) / ln(3.5 / 0.5) of the range.
        for (k, &c) in counts.iter().enumerate() {
            let k = k as f64 + 1.0;
            let share = ((k + 0.5) / (k - 0.5)).ln() / 7f64.ln();
            assert!((c as f64 / n as f64 - share).abs() < 1e-4, "{k}: {c}");
        }
    }

    #[test]
    fn bad_ranges_are_refused_with_what_would_be_valid() {
        let e = ParamRange::new(5.0, 5.0).unwrap_err();
        assert!(e.to_string().contains("`from` < `to`"), "{e}");
        let e = ParamRange::log(0.0, 5.0).unwrap_err();
        assert!(e.to_string().contains("`from` > 0"), "{e}");
        let e = ParamRange::new(0.5, 5.0)
            .unwrap()
            .whole_numbers()
            .unwrap_err();
        assert!(e.to_string().contains("use from = 0, to = 5"), "{e}");
        assert!(ParamRange::new(f64::NAN, 5.0).is_err());
    }
}
