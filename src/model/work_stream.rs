//! The work stream (`docs/model.md` "The world and the work"): the decisions that arrive,
//! identical for every org of a replicate.
//!
//! A tick's number of arrivals is drawn from a key of `(seed, replicate, tick)`; each arrival's
//! key from the same and its place in the tick (a rework's from the key of the decision it
//! reworks); and everything about a decision from a counter-based stream of draws
//! ([`rng::Draws`]) of its own key. So every org faces the very same work (common random
//! numbers) whatever its shape, and whatever order runs and decisions are computed in.
//!
//! The draws of one decision, in order: where it arises (an arrival's locus; a rework arises
//! where its decision did), complexity, effort, whether it is cross-unit, its reach (only when
//! it is cross-unit), its stake. A Beta distribution with whole-number
//! shapes `a`, `b` and `a + b - 1 <= 16` is drawn exactly as the `a`-th smallest of
//! `a + b - 1` uniform numbers; other shapes by Cheng's (1978) exact rejection methods.

use rand_distr::{Beta, Distribution, Exp, Gamma, LogNormal, Poisson};

use crate::model::rng::{self, Draws, Purpose, RunKeys, SubjectKeys};
use crate::scenario::{Dist, Work};

mod lanes;

use lanes::{BLOCK, Kernel, Lanes, Start, Width};

/// A distribution ready to sample (parameters were validated when the scenario was loaded).
#[derive(Debug, Clone)]
enum Sampler {
    Fixed(f64),
    Uniform(f64, f64),
    /// Beta(`k`, `n + 1 - k`): the `k`-th smallest of `n` uniform numbers.
    OrderStatistic(OrderStatistic),
    Beta(Beta<f64>),
    Gamma(Gamma<f64>),
    Exp(Exp<f64>),
    LogNormal(LogNormal<f64>),
}

impl Sampler {
    fn new(d: Dist) -> Sampler {
        // Invalid parameters are refused by validation; fall back to the mean so a value built
        // in code can never panic here.
        let fallback = Sampler::Fixed(d.mean());
        match d {
            Dist::Fixed(x) => Sampler::Fixed(x),
            Dist::Uniform([a, b]) => Sampler::Uniform(a, b),
            Dist::Beta([a, b]) => match order_statistic(a, b) {
                Some((k, n)) => Sampler::OrderStatistic(OrderStatistic::new(k, n)),
                None => Beta::new(a, b).map(Sampler::Beta).unwrap_or(fallback),
            },
            Dist::Gamma([k, s]) => Gamma::new(k, s).map(Sampler::Gamma).unwrap_or(fallback),
            Dist::Exponential(m) => Exp::new(1.0 / m).map(Sampler::Exp).unwrap_or(fallback),
            Dist::Lognormal([mu, s]) => LogNormal::new(mu, s)
                .map(Sampler::LogNormal)
                .unwrap_or(fallback),
        }
    }

    /// One draw. Inlined where a decision's attributes are drawn, so a fixed or uniform
    /// attribute costs no call and an order statistic one; each of the other distributions is
    /// drawn by a function of its own, which keeps its registers and code out of the others'.
    #[inline]
    fn sample(&self, g: &mut Draws) -> f64 {
        match self {
            Sampler::Fixed(x) => *x,
            Sampler::Uniform(a, b) => a + (b - a) * g.unit(),
            Sampler::OrderStatistic(o) => o.draw(g),
            Sampler::Beta(d) => apart(d, g),
            Sampler::Gamma(d) => apart(d, g),
            Sampler::Exp(d) => apart(d, g),
            Sampler::LogNormal(d) => apart(d, g),
        }
    }
}

/// A draw of `d`, in a function of its own for each distribution.
#[inline(never)]
fn apart(d: &impl Distribution<f64>, g: &mut Draws) -> f64 {
    d.sample(g)
}

/// Most uniform numbers a Beta draw takes as an order statistic.
const MAX_ORDER_SAMPLE: usize = 16;

/// `(k, n)` when Beta(`a`, `b`) is the `k`-th smallest of `n` uniform numbers with
/// `n <= MAX_ORDER_SAMPLE`: whole-number shapes with `a + b - 1 <= MAX_ORDER_SAMPLE`.
fn order_statistic(a: f64, b: f64) -> Option<(usize, usize)> {
    let whole = |x: f64| x >= 1.0 && x.fract() == 0.0 && x <= MAX_ORDER_SAMPLE as f64;
    if !whole(a) || !whole(b) {
        return None;
    }
    let (k, n) = (a as usize, (a + b) as usize - 1);
    (n <= MAX_ORDER_SAMPLE).then_some((k, n))
}

/// The `k`-th smallest of `n` uniform numbers (`1 <= k <= n <= MAX_ORDER_SAMPLE`), which is
/// Beta(`k`, `n + 1 - k`) distributed.
///
/// It is also the `(n + 1 - k)`-th largest, so only the `min(k, n + 1 - k)` (at most 8) most
/// extreme numbers on the nearer side are kept, in order. The largest are kept as the smallest
/// of the complements `M - x`, and the answer turned back exactly. Which side, and the
/// function that keeps that many (its loop unrolled when `n <= 8`), are chosen once, when the
/// sampler is built.
#[derive(Debug, Clone, Copy)]
struct OrderStatistic {
    n: usize,
    /// How many of the most extreme numbers are kept: `min(k, n + 1 - k)`.
    rank: usize,
    flip: u64,
    least: fn(&mut Draws, usize, u64) -> u64,
}

impl OrderStatistic {
    fn new(k: usize, n: usize) -> OrderStatistic {
        const M: u64 = (1 << 53) - 1;
        let from_top = n + 1 - k;
        let (flip, rank) = if from_top < k { (M, from_top) } else { (0, k) };
        let least = least_for(rank, n);
        OrderStatistic {
            n,
            rank,
            flip,
            least,
        }
    }

    #[inline]
    fn draw(&self, g: &mut Draws) -> f64 {
        rng::to_unit((self.least)(g, self.n, self.flip) ^ self.flip)
    }
}

/// The `R`-th smallest of `n` numbers `(bits >> 11) ^ flip`: the `R` smallest so far are kept
/// in order, and each new number is passed down them by compare-and-swap, with no branch to
/// mispredict. `N`, when not 0, is `n` known when compiling, so the loop is unrolled.
#[inline(never)]
fn least<const R: usize, const N: usize>(g: &mut Draws, n: usize, flip: u64) -> u64 {
    let n = if N == 0 { n } else { N };
    let mut kept = [u64::MAX; R];
    for _ in 0..n {
        let mut x = (g.bits() >> 11) ^ flip;
        for slot in &mut kept {
            let low = (*slot).min(x);
            x = (*slot).max(x);
            *slot = low;
        }
    }
    kept[R - 1]
}

/// The function keeping the `rank` smallest of `n` numbers: unrolled for each `n` up to 8
/// (whose `rank` is at most 4), a loop over `n` beyond.
fn least_for(rank: usize, n: usize) -> fn(&mut Draws, usize, u64) -> u64 {
    match (rank, n) {
        (1, 1) => least::<1, 1>,
        (1, 2) => least::<1, 2>,
        (1, 3) => least::<1, 3>,
        (2, 3) => least::<2, 3>,
        (1, 4) => least::<1, 4>,
        (2, 4) => least::<2, 4>,
        (1, 5) => least::<1, 5>,
        (2, 5) => least::<2, 5>,
        (3, 5) => least::<3, 5>,
        (1, 6) => least::<1, 6>,
        (2, 6) => least::<2, 6>,
        (3, 6) => least::<3, 6>,
        (1, 7) => least::<1, 7>,
        (2, 7) => least::<2, 7>,
        (3, 7) => least::<3, 7>,
        (4, 7) => least::<4, 7>,
        (1, 8) => least::<1, 8>,
        (2, 8) => least::<2, 8>,
        (3, 8) => least::<3, 8>,
        (4, 8) => least::<4, 8>,
        (1, _) => least::<1, 0>,
        (2, _) => least::<2, 0>,
        (3, _) => least::<3, 0>,
        (4, _) => least::<4, 0>,
        (5, _) => least::<5, 0>,
        (6, _) => least::<6, 0>,
        (7, _) => least::<7, 0>,
        _ => least::<8, 0>,
    }
}

/// A decision as it arrives, before any org touches it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NewDecision {
    /// Identity for keyed draws: the same decision has the same key in every org.
    pub key: u64,
    pub locus: f64,
    /// Complexity as drawn, before any `shift` shock is added.
    pub complexity: f64,
    pub effort: f64,
    pub reach: f64,
    pub stake: f64,
}

/// An active demand surge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Surge {
    /// Keys the surge's extra arrivals (derived from the shock's name).
    pub id: u64,
    pub factor: f64,
    pub region: Option<[f64; 2]>,
}

/// Draws the work of one replicate.
#[derive(Debug, Clone)]
pub struct WorkStream {
    keys: RunKeys,
    rate: f64,
    cross_unit: f64,
    complexity: Sampler,
    effort: Sampler,
    reach: Sampler,
    stake: Sampler,
    /// How a block of arrivals' first draws is made.
    kernel: Kernel,
}

/// Largest reach: a decision touches at most the whole world once.
const MAX_REACH: f64 = 1.0 - 1e-9;

impl WorkStream {
    /// The work stream of replicate `replicate`.
    pub fn new(work: &Work, seed: u64, replicate: u32) -> WorkStream {
        WorkStream::drawn_with(work, seed, replicate, Width::chosen())
    }

    /// The work stream of replicate `replicate`, its blocks of arrivals drawn on `width`
    /// (the same draws on any).
    fn drawn_with(work: &Work, seed: u64, replicate: u32, width: Width) -> WorkStream {
        let complexity = Sampler::new(work.complexity);
        let order = match &complexity {
            Sampler::OrderStatistic(o) => Some((o.rank, o.n, o.flip)),
            _ => None,
        };
        WorkStream {
            keys: RunKeys::new(seed, replicate),
            rate: work.rate,
            cross_unit: work.cross_unit,
            complexity,
            effort: Sampler::new(work.effort),
            reach: Sampler::new(work.reach),
            stake: Sampler::new(work.stake),
            kernel: Kernel::new(order, width),
        }
    }

    /// Append the decisions arriving in `tick` under the given surges to `out`, in a fixed order.
    ///
    /// Each decision is drawn from its own key, so a tick's decisions are independent of one
    /// another: a tick of many is drawn in parallel, with the same result in the same order.
    pub fn arrivals(&self, tick: u32, surges: &[Surge], out: &mut Vec<NewDecision>) {
        let tick_keys = self.keys.subject(tick as u64, Purpose::Arrivals);
        let n = poisson(&mut Draws::new(tick_keys.key(0)), self.rate);
        // A surge with factor < 1 thins the base stream in its region.
        let kept = |key: u64, locus: f64| {
            surges.iter().all(|s| {
                s.factor >= 1.0
                    || !in_region(locus, s.region)
                    || rng::chance(self.keys.key(key, Purpose::SurgeArrivals, s.id), s.factor)
            })
        };
        let thins = surges.iter().any(|s| s.factor < 1.0);
        self.extend(out, tick_keys, n, |u| u, thins.then_some(&kept));
        for s in surges.iter().filter(|s| s.factor > 1.0) {
            let [lo, hi] = s.region.unwrap_or([0.0, 1.0]);
            let width = (hi - lo).clamp(0.0, 1.0);
            let sub = self.keys.key(tick as u64, Purpose::SurgeArrivals, s.id);
            let n = poisson(&mut Draws::new(sub), self.rate * (s.factor - 1.0) * width);
            let sub_keys = self.keys.subject(sub, Purpose::SurgeArrivals);
            let place = |u: f64| (lo + width * u).min(MAX_REACH);
            self.extend(out, sub_keys, n, place, None::<&fn(u64, f64) -> bool>);
        }
    }

    /// Append to `out`, in order, the `n` decisions of `keys` (decision `i`'s key is
    /// `keys.key(1 + i)`) arising at `place(u)` of their streams' first uniform number `u`,
    /// those that `keep` refuses left out; in parallel when `n` is large (each decision is
    /// drawn from its own key, so the result is the same).
    fn extend<P, K>(
        &self,
        out: &mut Vec<NewDecision>,
        keys: SubjectKeys,
        n: u64,
        place: P,
        keep: Option<&K>,
    ) where
        P: Fn(f64) -> f64 + Sync,
        K: Fn(u64, f64) -> bool + Sync,
    {
        let start = |b: u64| Start {
            keys,
            run: self.keys,
            first: b * BLOCK as u64,
            len: (n - b * BLOCK as u64).min(BLOCK as u64) as usize,
        };
        let blocks = n.div_ceil(BLOCK as u64);
        if n < PARALLEL_ARRIVALS {
            out.reserve(n as usize);
            let mut lanes = Lanes::new();
            for b in 0..blocks {
                self.block(&start(b), &mut lanes, &place, keep, |_, d| out.push(d));
            }
            return;
        }
        use rayon::prelude::*;
        match keep {
            // Every decision kept: each block written in its place.
            None => {
                let from = out.len();
                out.resize(from + n as usize, NewDecision::default());
                out[from..]
                    .par_chunks_mut(BLOCK)
                    .enumerate()
                    .for_each(|(b, chunk)| {
                        let mut lanes = Lanes::new();
                        let s = start(b as u64);
                        self.block(&s, &mut lanes, &place, keep, |i, d| chunk[i] = d);
                    });
            }
            Some(_) => out.par_extend((0..blocks).into_par_iter().flat_map_iter(|b| {
                let mut lanes = Lanes::new();
                let mut kept = Vec::with_capacity(BLOCK);
                self.block(&start(b), &mut lanes, &place, keep, |_, d| kept.push(d));
                kept
            })),
        }
    }

    /// Draw the block `start` and hand each decision kept to `emit` with its place in the
    /// block.
    #[inline(always)]
    fn block<P, K>(
        &self,
        start: &Start,
        lanes: &mut Lanes,
        place: &P,
        keep: Option<&K>,
        mut emit: impl FnMut(usize, NewDecision),
    ) where
        P: Fn(f64) -> f64,
        K: Fn(u64, f64) -> bool,
    {
        if !self.kernel.side_by_side() {
            for i in 0..start.len {
                let key = start.keys.key(start.first + 1 + i as u64);
                let mut g = self.draws(key);
                let locus = place(g.unit());
                if keep.is_some_and(|keep| !keep(key, locus)) {
                    continue;
                }
                emit(i, self.attributes(&mut g, key, locus));
            }
            return;
        }
        self.kernel.fill(start, lanes);
        for i in 0..start.len {
            let (key, locus) = (lanes.key[i], place(lanes.unit[i]));
            if keep.is_some_and(|keep| !keep(key, locus)) {
                continue;
            }
            let mut g = Draws::new(lanes.state[i]);
            let decision = match (self.kernel.complexity, &self.effort) {
                // The effort takes no draw: the next is whether it is cross-unit.
                (true, &Sampler::Fixed(effort)) => {
                    let mut g = Draws::new(lanes.state[i].wrapping_add(rng::GAMMA));
                    let (complexity, cross) = (lanes.complexity[i], lanes.next[i]);
                    self.after_cross(&mut g, key, locus, complexity, effort, cross)
                }
                (true, _) => self.after_complexity(&mut g, key, locus, lanes.complexity[i]),
                (false, _) => self.attributes(&mut g, key, locus),
            };
            emit(i, decision);
        }
    }

    /// The decision that arrives again when decision `parent_key` at `locus` was bad.
    pub fn rework(&self, parent_key: u64, locus: f64) -> NewDecision {
        let key = self.keys.about(parent_key, Purpose::ReworkKey);
        self.attributes(&mut self.draws(key), key, locus)
    }

    /// The stream of a decision's own draws: where it arises (for an arrival) and its
    /// attributes.
    fn draws(&self, key: u64) -> Draws {
        Draws::new(self.keys.about(key, Purpose::Attributes))
    }

    fn attributes(&self, g: &mut Draws, key: u64, locus: f64) -> NewDecision {
        let complexity = self.complexity.sample(g);
        self.after_complexity(g, key, locus, complexity)
    }

    /// A decision's attributes once its complexity is drawn.
    #[inline(always)]
    fn after_complexity(
        &self,
        g: &mut Draws,
        key: u64,
        locus: f64,
        complexity: f64,
    ) -> NewDecision {
        let effort = self.effort.sample(g);
        let cross = g.unit();
        self.after_cross(g, key, locus, complexity, effort, cross)
    }

    /// A decision's attributes once its complexity, effort and the uniform number deciding
    /// whether it is cross-unit are drawn.
    #[inline(always)]
    fn after_cross(
        &self,
        g: &mut Draws,
        key: u64,
        locus: f64,
        complexity: f64,
        effort: f64,
        cross: f64,
    ) -> NewDecision {
        let complexity = complexity.clamp(0.0, 1.0);
        let effort = effort.max(1e-9);
        let cross = cross < self.cross_unit;
        let reach = if cross {
            self.reach.sample(g).clamp(0.0, MAX_REACH)
        } else {
            0.0
        };
        let stake = self.stake.sample(g).max(0.0);
        NewDecision {
            key,
            locus,
            complexity,
            effort,
            reach,
            stake,
        }
    }
}

/// Arrivals in one tick from which they are drawn in parallel.
const PARALLEL_ARRIVALS: u64 = 2048;

fn in_region(locus: f64, region: Option<[f64; 2]>) -> bool {
    region.is_none_or(|[a, b]| locus >= a && locus < b)
}

fn poisson(g: &mut Draws, mean: f64) -> u64 {
    if mean <= 0.0 || !mean.is_finite() {
        return 0;
    }
    Poisson::new(mean).map(|p| p.sample(g) as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn stream(rate: f64) -> WorkStream {
        let s = Scenario::new("t", 10, rate, vec![]);
        WorkStream::new(&s.work, 3, 0)
    }

    #[test]
    fn arrivals_are_poisson_with_the_rate() {
        let w = stream(5.0);
        let mut out = Vec::new();
        for t in 0..4000 {
            w.arrivals(t, &[], &mut out);
        }
        let mean = out.len() as f64 / 4000.0;
        // Standard error: sqrt(5 / 4000) ≈ 0.035.
        assert!((mean - 5.0).abs() < 0.15, "{mean}");
    }

    #[test]
    fn same_key_same_work() {
        let w = stream(5.0);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        w.arrivals(17, &[], &mut a);
        w.arrivals(17, &[], &mut b);
        assert_eq!(a, b);
        assert_eq!(w.rework(42, 0.3), w.rework(42, 0.3));
        assert_ne!(w.rework(42, 0.3).key, w.rework(43, 0.3).key);
    }

    /// Kolmogorov–Smirnov distance between `draws` and the CDF `cdf`.
    fn ks_distance(mut draws: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
        draws.sort_by(f64::total_cmp);
        let n = draws.len() as f64;
        draws
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = cdf(x);
                (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn an_order_statistic_is_the_kth_of_the_same_numbers_sorted() {
        // Whichever side it keeps, the draw is exactly the k-th of the n numbers taken from
        // the stream, in the stream's order of use: nothing about a Beta draw depends on how
        // the order statistic is found.
        for n in 1..=MAX_ORDER_SAMPLE {
            for k in 1..=n {
                for key in 0..40u64 {
                    let key = rng::mix(key * 977 + (n * 31 + k) as u64);
                    let mut sorted: Vec<u64> = {
                        let mut g = Draws::new(key);
                        (0..n).map(|_| g.bits() >> 11).collect()
                    };
                    sorted.sort_unstable();
                    let mut g = Draws::new(key);
                    let x = OrderStatistic::new(k, n).draw(&mut g);
                    assert_eq!(x, rng::to_unit(sorted[k - 1]), "k = {k}, n = {n}");
                    // It used exactly n draws of the stream.
                    let mut after = Draws::new(key);
                    (0..n).for_each(|_| {
                        after.bits();
                    });
                    assert_eq!(g.bits(), after.bits(), "k = {k}, n = {n}");
                }
            }
        }
    }

    #[test]
    fn beta_draws_follow_the_beta_distribution_by_either_method() {
        use statrs::distribution::{Beta as BetaCdf, ContinuousCDF};
        // Whole shapes by order statistics, fractional shapes and a long sample by Cheng.
        for (a, b, exact_order) in [
            (2.0, 5.0, true),
            (1.0, 1.0, true),
            (5.0, 2.0, true),
            (3.0, 14.0, true),
            (2.5, 5.0, false),
            (0.5, 0.5, false),
            (9.0, 9.0, false),
        ] {
            let sampler = Sampler::new(Dist::Beta([a, b]));
            assert_eq!(
                matches!(sampler, Sampler::OrderStatistic(_)),
                exact_order,
                "Beta({a}, {b})"
            );
            let n = 20_000;
            let draws: Vec<f64> = (0..n)
                .map(|i| sampler.sample(&mut Draws::new(rng::mix(i))))
                .collect();
            let cdf = BetaCdf::new(a, b).unwrap();
            let d = ks_distance(draws, |x| cdf.cdf(x));
            // The 1% critical value of the KS distance for 20,000 draws: 1.63 / sqrt(n).
            assert!(
                d < 1.63 / (n as f64).sqrt(),
                "Beta({a}, {b}): KS distance {d}"
            );
        }
    }

    #[test]
    fn only_cross_unit_decisions_have_a_reach() {
        let mut s = Scenario::new("t", 10, 20.0, vec![]);
        s.work.cross_unit = 0.15;
        s.work.reach = Dist::Uniform([0.1, 0.4]);
        let w = WorkStream::new(&s.work, 3, 0);
        let mut out = Vec::new();
        for t in 0..1000 {
            w.arrivals(t, &[], &mut out);
        }
        let cross = out.iter().filter(|d| d.reach > 0.0).count() as f64 / out.len() as f64;
        // About 20,000 decisions: the share's standard error is ~0.0025.
        assert!((cross - 0.15).abs() < 0.01, "{cross}");
        assert!(
            out.iter()
                .all(|d| d.reach == 0.0 || (0.1..0.4).contains(&d.reach))
        );
    }

    #[test]
    fn a_regional_surge_adds_work_in_its_region_only() {
        let w = stream(10.0);
        let surge = Surge {
            id: 9,
            factor: 3.0,
            region: Some([0.2, 0.4]),
        };
        let (mut base, mut surged) = (Vec::new(), Vec::new());
        for t in 0..2000 {
            w.arrivals(t, &[], &mut base);
            w.arrivals(t, &[surge], &mut surged);
        }
        let inside =
            |v: &Vec<NewDecision>| v.iter().filter(|d| d.locus >= 0.2 && d.locus < 0.4).count();
        let outside = |v: &Vec<NewDecision>| v.len() - inside(v);
        assert_eq!(
            outside(&base),
            outside(&surged),
            "nothing changes outside the region"
        );
        let ratio = inside(&surged) as f64 / inside(&base) as f64;
        assert!((ratio - 3.0).abs() < 0.15, "{ratio}");
    }

    /// A tick's decisions as the documented scheme draws them, one at a time: arrival `i`'s
    /// key from the tick's keys, its stream from its key, where it arises first, a thinning
    /// surge's chance on its own key, then its attributes; then each growing surge's extra
    /// arrivals the same way from the surge's keys.
    fn one_at_a_time(w: &WorkStream, tick: u32, surges: &[Surge]) -> Vec<NewDecision> {
        let mut out = Vec::new();
        let tick_keys = w.keys.subject(tick as u64, Purpose::Arrivals);
        for i in 0..poisson(&mut Draws::new(tick_keys.key(0)), w.rate) {
            let key = tick_keys.key(1 + i);
            let mut g = Draws::new(w.keys.about(key, Purpose::Attributes));
            let locus = g.unit();
            let thinned = surges.iter().any(|s| {
                let chance = rng::uniform(w.keys.key(key, Purpose::SurgeArrivals, s.id));
                s.factor < 1.0 && in_region(locus, s.region) && chance >= s.factor
            });
            if !thinned {
                out.push(w.attributes(&mut g, key, locus));
            }
        }
        for s in surges.iter().filter(|s| s.factor > 1.0) {
            let [lo, hi] = s.region.unwrap_or([0.0, 1.0]);
            let sub = w.keys.key(tick as u64, Purpose::SurgeArrivals, s.id);
            let extra = w.rate * (s.factor - 1.0) * (hi - lo);
            for i in 0..poisson(&mut Draws::new(sub), extra) {
                let key = w.keys.subject(sub, Purpose::SurgeArrivals).key(1 + i);
                let mut g = Draws::new(w.keys.about(key, Purpose::Attributes));
                let locus = (lo + (hi - lo) * g.unit()).min(MAX_REACH);
                out.push(w.attributes(&mut g, key, locus));
            }
        }
        out
    }

    #[test]
    fn a_tick_s_arrivals_are_the_same_drawn_in_blocks_on_any_width_and_threads() {
        let thin = Surge {
            id: 4,
            factor: 0.5,
            region: Some([0.2, 0.6]),
        };
        let grow = Surge {
            id: 7,
            factor: 2.5,
            region: Some([0.1, 0.3]),
        };
        let widths: Vec<Width> = [Width::OneByOne, Width::Avx2, Width::Avx512]
            .into_iter()
            .filter(|w| w.available())
            .collect();
        let pools = [1, 3].map(|threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
        });
        // Order statistics of 1, 6, 6 from the top, 8 and 16 numbers (beyond the kernels'
        // 8), Cheng's Beta, a uniform and a fixed complexity; a fixed effort (no draw before
        // the cross-unit one, which the block then makes), and a uniform and a lognormal one
        // (one draw and a varying count of draws between them).
        let complexities = [
            Dist::Beta([2.0, 5.0]),
            Dist::Beta([1.0, 1.0]),
            Dist::Beta([5.0, 2.0]),
            Dist::Beta([4.0, 5.0]),
            Dist::Beta([3.0, 14.0]),
            Dist::Beta([2.5, 5.0]),
            Dist::Uniform([0.2, 0.7]),
            Dist::Fixed(0.3),
        ];
        for (c, complexity) in complexities.into_iter().enumerate() {
            let mut s = Scenario::new("t", 10, 37.0, vec![]);
            s.work.complexity = complexity;
            s.work.cross_unit = 0.3;
            // A lognormal stake, drawn after the reach's varying count of draws, but in one.
            s.work.stake = match c {
                3 => Dist::Fixed(1.0),
                _ => Dist::Lognormal([0.1, 0.6]),
            };
            s.work.effort = match c {
                0 => Dist::Uniform([0.5, 2.0]),
                2 => Dist::Lognormal([0.0, 0.4]),
                _ => Dist::Fixed(1.5),
            };
            // A partial block, exactly one block, and (for two of them) a tick drawn in
            // parallel.
            let mut rates = vec![37.0, 64.0];
            if c < 2 {
                rates.push(3.0 * PARALLEL_ARRIVALS as f64);
            }
            for rate in rates {
                s.work.rate = rate;
                for surges in [&[][..], &[thin], &[grow], &[thin, grow]] {
                    for tick in [0, 5] {
                        let expected = one_at_a_time(&WorkStream::new(&s.work, 9, 2), tick, surges);
                        for &width in &widths {
                            let w = WorkStream::drawn_with(&s.work, 9, 2, width);
                            for pool in &pools {
                                let mut out = vec![NewDecision::default()];
                                pool.install(|| w.arrivals(tick, surges, &mut out));
                                assert_eq!(
                                    out[1..],
                                    expected[..],
                                    "{complexity:?}, rate {rate}, {width:?}, {surges:?}, \
                                     {} threads",
                                    pool.current_num_threads()
                                );
                            }
                        }
                    }
                }
            }
        }
        // Where the processor has AVX2, an order statistic of up to 8 numbers is drawn in the
        // blocks.
        let order = Some((2, 6, 0));
        assert_eq!(
            Kernel::new(order, Width::widest()).complexity,
            Width::widest() != Width::OneByOne
        );
    }

    #[test]
    fn a_surge_below_one_thins_the_stream() {
        let w = stream(10.0);
        let lull = Surge {
            id: 1,
            factor: 0.5,
            region: None,
        };
        let (mut base, mut thin) = (Vec::new(), Vec::new());
        for t in 0..2000 {
            w.arrivals(t, &[], &mut base);
            w.arrivals(t, &[lull], &mut thin);
        }
        let ratio = thin.len() as f64 / base.len() as f64;
        assert!((ratio - 0.5).abs() < 0.03, "{ratio}");
    }
}
