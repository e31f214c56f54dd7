//! The chart series of a live run, kept in a bounded number of bins.
//!
//! Every tick is added to the last bin; once there are more than [`MAX_BINS`] bins, pairs of
//! neighbours merge and each bin covers twice as many ticks. A chart never needs more points
//! than that, so a run that goes on for hours costs a page that opens late no more than one
//! that opens at once. A bin keeps sums, so merged bins and trailing means stay exact.

use serde::Serialize;

use crate::metrics::TickRecord;

/// Most bins a series keeps before merging pairs.
pub const MAX_BINS: usize = 2048;

/// The sums over the ticks of one bin.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bin {
    /// Ticks in the bin.
    pub ticks: u32,
    pub arrived: u64,
    pub executed: u64,
    /// Sum of the latencies of the decisions executed.
    pub latency: u64,
    pub backlog: u64,
    pub frozen: u64,
    /// Sum of `age_mean` over the ticks that had a backlog, and their number.
    pub age: f64,
    pub aged: u32,
    pub value: f64,
}

impl Bin {
    fn add(&mut self, r: &TickRecord) {
        self.ticks += 1;
        self.arrived += r.arrived;
        self.executed += r.executed;
        // The tick's mean times its count is the sum of whole-tick latencies.
        self.latency += r
            .latency_mean
            .map_or(0, |m| (m * r.executed as f64).round() as u64);
        self.backlog += r.backlog;
        self.frozen += r.frozen;
        if let Some(a) = r.age_mean {
            self.age += a;
            self.aged += 1;
        }
        self.value += r.value;
    }

    fn merge(&mut self, o: &Bin) {
        self.ticks += o.ticks;
        self.arrived += o.arrived;
        self.executed += o.executed;
        self.latency += o.latency;
        self.backlog += o.backlog;
        self.frozen += o.frozen;
        self.age += o.age;
        self.aged += o.aged;
        self.value += o.value;
    }
}

/// One org's series.
#[derive(Debug, Clone)]
pub struct Series {
    /// Ticks per full bin (a power of two).
    width: u32,
    bins: Vec<Bin>,
    /// First bin changed since the last [`Series::changes`].
    changed_from: usize,
}

impl Default for Series {
    fn default() -> Self {
        Series {
            width: 1,
            bins: Vec::new(),
            changed_from: 0,
        }
    }
}

/// Bins `from ..` of a series, in columns: what a page replaces its bins from `from` on with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Columns {
    pub from: usize,
    /// Ticks per full bin.
    pub width: u32,
    pub ticks: Vec<u32>,
    pub arrived: Vec<u64>,
    pub executed: Vec<u64>,
    pub latency: Vec<u64>,
    pub backlog: Vec<u64>,
    pub frozen: Vec<u64>,
    pub age: Vec<f64>,
    pub aged: Vec<u32>,
    pub value: Vec<f64>,
}

/// Rounds to two decimals: the page draws these, the exact totals travel separately.
fn short(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Series {
    /// Add the next tick.
    pub fn push(&mut self, r: &TickRecord) {
        if self.bins.last().is_none_or(|b| b.ticks >= self.width) {
            self.bins.push(Bin::default());
        }
        let last = self.bins.len() - 1;
        self.bins[last].add(r);
        self.changed_from = self.changed_from.min(last);
        if self.bins.len() > MAX_BINS {
            let merged: Vec<Bin> = self
                .bins
                .chunks(2)
                .map(|pair| {
                    let mut b = pair[0];
                    if let Some(second) = pair.get(1) {
                        b.merge(second);
                    }
                    b
                })
                .collect();
            self.bins = merged;
            self.width *= 2;
            self.changed_from = 0;
        }
    }

    /// The bins, in order.
    #[cfg(test)]
    pub fn bins(&self) -> &[Bin] {
        &self.bins
    }

    /// Ticks per full bin.
    #[cfg(test)]
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Every bin, in columns.
    pub fn all(&self) -> Columns {
        self.columns(0)
    }

    /// The bins changed since the last call, if any; the last bin, still filling, is sent
    /// again when it changes.
    pub fn changes(&mut self) -> Option<Columns> {
        if self.changed_from >= self.bins.len() {
            return None;
        }
        let c = self.columns(self.changed_from);
        self.changed_from = self.bins.len();
        Some(c)
    }

    fn columns(&self, from: usize) -> Columns {
        let b = &self.bins[from.min(self.bins.len())..];
        Columns {
            from,
            width: self.width,
            ticks: b.iter().map(|x| x.ticks).collect(),
            arrived: b.iter().map(|x| x.arrived).collect(),
            executed: b.iter().map(|x| x.executed).collect(),
            latency: b.iter().map(|x| x.latency).collect(),
            backlog: b.iter().map(|x| x.backlog).collect(),
            frozen: b.iter().map(|x| x.frozen).collect(),
            age: b.iter().map(|x| short(x.age)).collect(),
            aged: b.iter().map(|x| x.aged).collect(),
            value: b.iter().map(|x| short(x.value)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(executed: u64, latency: Option<f64>, backlog: u64) -> TickRecord {
        TickRecord {
            arrived: 2,
            executed,
            latency_mean: latency,
            backlog,
            age_mean: (backlog > 0).then_some(1.5),
            value: 0.25,
            ..TickRecord::default()
        }
    }

    #[test]
    fn bins_merge_in_pairs_and_keep_exact_sums() {
        let mut s = Series::default();
        let n = 3 * MAX_BINS as u32 / 2 + 5;
        for t in 0..n {
            s.push(&tick(3, Some(t as f64 % 7.0), t as u64 % 5));
        }
        assert!(s.bins().len() <= MAX_BINS);
        assert_eq!(s.width(), 2);
        assert_eq!(s.bins().iter().map(|b| b.ticks).sum::<u32>(), n);
        assert!(s.bins()[..s.bins().len() - 1].iter().all(|b| b.ticks == 2));
        let latency: u64 = (0..n).map(|t| 3 * (t as u64 % 7)).sum();
        assert_eq!(s.bins().iter().map(|b| b.latency).sum::<u64>(), latency);
        assert_eq!(
            s.bins().iter().map(|b| b.executed).sum::<u64>(),
            3 * n as u64
        );
        let aged: u32 = (0..n).filter(|t| t % 5 != 0).count() as u32;
        assert_eq!(s.bins().iter().map(|b| b.aged).sum::<u32>(), aged);
    }

    #[test]
    fn changes_cover_the_new_bins_and_the_one_still_filling() {
        let mut s = Series::default();
        assert_eq!(s.changes(), None);
        for _ in 0..3 {
            s.push(&tick(1, Some(2.0), 1));
        }
        let c = s.changes().unwrap();
        assert_eq!((c.from, c.executed.len()), (0, 3));
        assert_eq!(s.changes(), None, "nothing new");
        s.push(&tick(4, None, 0));
        let c = s.changes().unwrap();
        assert_eq!(
            (c.from, c.executed.clone(), c.latency),
            (3, vec![4], vec![0])
        );
        // Filling up to a merge: everything is sent again, at the new width.
        while s.width() == 1 {
            s.push(&tick(1, Some(1.0), 1));
        }
        let c = s.changes().unwrap();
        assert_eq!((c.from, c.width), (0, 2));
        assert_eq!(c.ticks.len(), s.bins().len());
    }
}
