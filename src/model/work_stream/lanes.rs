//! A block of arrivals' first draws made side by side.
//!
//! Each arrival's key, the start of its stream of draws, where it arises and (when the
//! complexity is an order statistic of at most 8 uniform numbers) its complexity and the
//! uniform number after it are integer
//! mixing rounds, compares and one exact conversion: the same for every arrival, with nothing
//! depending on another arrival. So a block of them is one loop the compiler turns into vector
//! instructions (eight arrivals at once with AVX-512, four with AVX2, whichever the processor
//! has; one by one as before on others), and the numbers are those the one-by-one draws give,
//! to the bit: integer arithmetic and a conversion of at most 53 bits are exact whatever the
//! instructions.

use crate::model::rng::{GAMMA, Purpose, RunKeys, SubjectKeys, mix, to_unit};

/// Arrivals drawn side by side at most.
pub(super) const BLOCK: usize = 64;

/// What a block's draws start from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Start {
    /// The keys of the arrivals' tick (or surge): arrival `i`'s key is `keys.key(1 + i)`.
    pub keys: SubjectKeys,
    /// The run's keys: the stream of a decision of key `k` starts at
    /// `run.about(k, Purpose::Attributes)`.
    pub run: RunKeys,
    /// The index in its tick of the block's first arrival.
    pub first: u64,
    /// How many arrivals the block has (at most [`BLOCK`]).
    pub len: usize,
}

/// A block's first draws, arrival `i` of the block in place `i`.
#[derive(Debug, Clone)]
pub(super) struct Lanes {
    pub key: [u64; BLOCK],
    /// The first uniform number of the arrival's stream (where it arises).
    pub unit: [f64; BLOCK],
    /// Its complexity as drawn, when the kernel draws it ([`Kernel::complexity`]).
    pub complexity: [f64; BLOCK],
    /// Its stream of draws after the ones made here.
    pub state: [u64; BLOCK],
    /// The uniform number the stream gives next, when the complexity is drawn here (`state`
    /// is not moved past it: a decision whose effort takes no draw uses it for whether it is
    /// cross-unit, the others draw on from `state`).
    pub next: [f64; BLOCK],
}

impl Lanes {
    pub fn new() -> Lanes {
        Lanes {
            key: [0; BLOCK],
            unit: [0.0; BLOCK],
            complexity: [0.0; BLOCK],
            state: [0; BLOCK],
            next: [0.0; BLOCK],
        }
    }
}

type Fill = fn(&Start, u64, &mut Lanes);

/// The vector instructions a block is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(super) enum Width {
    /// None: each arrival is drawn on its own ([`Kernel::fill`] is not called). Vectors of
    /// two 64-bit numbers (SSE2) have no 64-bit multiply and would be slower than that.
    OneByOne,
    /// AVX2: four arrivals at once, the 64-bit multiplies made of 32-bit ones.
    Avx2,
    /// AVX-512 (F, DQ and VL): eight arrivals at once.
    Avx512,
}

/// The environment variable that narrows the width blocks are drawn with, to compare widths:
/// `one` (one by one) or `avx2`; anything else, or nothing, leaves the widest. The results are
/// the same on any.
pub(super) const LANES_VAR: &str = "ORGSIM_LANES";

impl Width {
    /// The width a work stream draws with: the widest this processor has, or a narrower one
    /// if [`LANES_VAR`] asks for it (decided once a process).
    pub fn chosen() -> Width {
        static CHOSEN: std::sync::OnceLock<Width> = std::sync::OnceLock::new();
        *CHOSEN.get_or_init(|| match std::env::var(LANES_VAR).as_deref() {
            Ok("one") => Width::OneByOne,
            Ok("avx2") if Width::Avx2.available() => Width::Avx2,
            Ok("avx2") => Width::OneByOne,
            _ => Width::widest(),
        })
    }

    /// The widest this processor has.
    pub fn widest() -> Width {
        [Width::Avx512, Width::Avx2]
            .into_iter()
            .find(|w| w.available())
            .unwrap_or(Width::OneByOne)
    }

    /// Whether this processor has it.
    pub fn available(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            use std::is_x86_feature_detected as has;
            match self {
                Width::OneByOne => true,
                Width::Avx2 => has!("avx2"),
                Width::Avx512 => has!("avx512f") && has!("avx512dq") && has!("avx512vl"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self == Width::OneByOne
        }
    }
}

/// How a work stream's blocks are drawn, chosen once: with or without the complexity, which
/// order statistic, and on which instructions.
#[derive(Debug, Clone, Copy)]
pub(super) struct Kernel {
    /// `None`: one by one.
    fill: Option<Fill>,
    /// Whether [`Lanes::complexity`] is drawn (else the complexity is the stream's next draw).
    pub complexity: bool,
    flip: u64,
}

impl Kernel {
    /// The kernel for a complexity that is the `rank`-th smallest of `n` numbers
    /// `(bits >> 11) ^ flip` (`Some((rank, n, flip))`, as [`super::OrderStatistic`] draws it),
    /// or drawn after the block (`None`, or `n` above 8), on `width` if this processor has it
    /// ([`Width::available`]; one by one if not).
    pub fn new(order: Option<(usize, usize, u64)>, width: Width) -> Kernel {
        // A width the processor lacks is never run.
        let width = if width.available() {
            width
        } else {
            Width::OneByOne
        };
        let (rank, n, flip) = order.unwrap_or((0, 0, 0));
        if width == Width::OneByOne {
            return Kernel {
                fill: None,
                complexity: false,
                flip: 0,
            };
        }
        let eight = width == Width::Avx512;
        match by_shape(rank, n, eight) {
            Some(fill) => Kernel {
                fill: Some(fill),
                complexity: true,
                flip,
            },
            None => Kernel {
                fill: Some(if eight { avx512::<1, 0> } else { avx2::<1, 0> }),
                complexity: false,
                flip: 0,
            },
        }
    }

    /// Whether blocks are drawn side by side (else each arrival on its own).
    #[inline]
    pub fn side_by_side(&self) -> bool {
        self.fill.is_some()
    }

    /// Draw the block `start` into `out` (only if [`Kernel::side_by_side`]).
    #[inline]
    pub fn fill(&self, start: &Start, out: &mut Lanes) {
        if let Some(fill) = self.fill {
            fill(start, self.flip, out)
        }
    }
}

/// The block's draws: `N` (when not 0) uniform numbers after the first, of which the `R`-th
/// smallest is kept, as [`super::least`] keeps it, and the uniform number after them.
#[inline(always)]
fn body<const R: usize, const N: usize>(s: &Start, flip: u64, out: &mut Lanes) {
    let len = s.len.min(BLOCK);
    for i in 0..len {
        let key = s.keys.key(s.first + 1 + i as u64);
        let mut st = s.run.about(key, Purpose::Attributes);
        out.key[i] = key;
        out.unit[i] = to_unit(mix(st) >> 11);
        st = st.wrapping_add(GAMMA);
        if N > 0 {
            let mut kept = [u64::MAX; R];
            for _ in 0..N {
                let mut x = (mix(st) >> 11) ^ flip;
                st = st.wrapping_add(GAMMA);
                for slot in &mut kept {
                    let low = (*slot).min(x);
                    x = (*slot).max(x);
                    *slot = low;
                }
            }
            out.complexity[i] = to_unit(kept[R - 1] ^ flip);
            out.next[i] = to_unit(mix(st) >> 11);
        }
        out.state[i] = st;
    }
}

/// [`body`] compiled for AVX-512 and for AVX2, behind plain function pointers. Elsewhere
/// than on x86-64 no kernel takes them ([`Width::widest`] is one by one), and they are
/// [`body`] compiled as it is.
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::{Lanes, Start, body};

    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    fn avx512_body<const R: usize, const N: usize>(s: &Start, flip: u64, out: &mut Lanes) {
        body::<R, N>(s, flip, out)
    }

    #[target_feature(enable = "avx2")]
    fn avx2_body<const R: usize, const N: usize>(s: &Start, flip: u64, out: &mut Lanes) {
        body::<R, N>(s, flip, out)
    }

    pub(super) fn avx512<const R: usize, const N: usize>(s: &Start, flip: u64, out: &mut Lanes) {
        // SAFETY: a kernel takes this function only where `Width::available` found AVX-512F,
        // DQ and VL.
        unsafe { avx512_body::<R, N>(s, flip, out) }
    }

    pub(super) fn avx2<const R: usize, const N: usize>(s: &Start, flip: u64, out: &mut Lanes) {
        // SAFETY: a kernel takes this function only where `Width::available` found AVX2.
        unsafe { avx2_body::<R, N>(s, flip, out) }
    }
}

#[cfg(target_arch = "x86_64")]
use wide::{avx2, avx512};

#[cfg(not(target_arch = "x86_64"))]
use self::{body as avx2, body as avx512};

/// The fill keeping the `rank` smallest of `n` numbers, for `n` up to 8, on AVX-512 if
/// `eight` (else AVX2).
fn by_shape(rank: usize, n: usize, eight: bool) -> Option<Fill> {
    macro_rules! shapes {
        ($(($r:literal, $n:literal)),*) => {
            match (rank, n) {
                $(($r, $n) => Some(if eight { avx512::<$r, $n> } else { avx2::<$r, $n> }),)*
                _ => None,
            }
        };
    }
    shapes!(
        (1, 1),
        (1, 2),
        (1, 3),
        (2, 3),
        (1, 4),
        (2, 4),
        (1, 5),
        (2, 5),
        (3, 5),
        (1, 6),
        (2, 6),
        (3, 6),
        (1, 7),
        (2, 7),
        (3, 7),
        (4, 7),
        (1, 8),
        (2, 8),
        (3, 8),
        (4, 8)
    )
}
