//! Keyed randomness: every draw is a pure function of what it is about.
//!
//! `docs/model.md` "Randomness and fairness": no shared generator, so results never depend on
//! the order in which runs or agents are processed, and two orgs with identical settings get
//! identical draws. A key mixes the scenario seed, the replicate, a subject (a decision key, an
//! agent index, a tick) and a purpose tag.

/// What a draw is for; part of every key so that draws for different purposes never coincide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    Arrivals = 1,
    SurgeArrivals = 2,
    Quality = 3,
    Rework = 4,
    /// Where a decision arises and its attributes, drawn from its own key.
    Attributes = 5,
    Wiring = 6,
    LossTarget = 7,
    AbsenceTarget = 8,
    /// The key of the decision a rework creates.
    ReworkKey = 9,
}

impl Purpose {
    /// The purpose as a 64-bit salt for [`RunKeys::about`]: a distinct odd multiple of
    /// a large constant, so `subject ^ salt` differs for every purpose.
    #[inline]
    fn salt(self) -> u64 {
        (self as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)
    }
}

/// SplitMix64's finaliser: a bijection on u64 with good avalanche.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(GAMMA);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A key for one draw: `(seed, replicate, subject, purpose, extra)`.
#[inline]
pub fn key(seed: u64, replicate: u32, subject: u64, purpose: Purpose, extra: u64) -> u64 {
    RunKeys::new(seed, replicate).key(subject, purpose, extra)
}

/// The keys of one run, `(seed, replicate)` mixed once: `RunKeys::new(seed, replicate)
/// .key(subject, purpose, extra)` is [`key`]`(seed, replicate, subject, purpose, extra)`,
/// with two of its five mixing rounds done once per run instead of once per draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunKeys(u64);

impl RunKeys {
    #[inline]
    pub fn new(seed: u64, replicate: u32) -> RunKeys {
        RunKeys(mix(mix(seed ^ 0x6F72_6773_696D_0001) ^ replicate as u64))
    }

    /// The key of one draw of this run.
    #[inline]
    pub fn key(self, subject: u64, purpose: Purpose, extra: u64) -> u64 {
        self.subject(subject, purpose).key(extra)
    }

    /// The key of a draw about a decision: `mix(run ^ decision key ^ salt(purpose))`, one
    /// mixing round. Only for subjects that are themselves keys (a decision's key is a
    /// 64-bit hash, unique in a run), so that `subject ^ salt` never coincides between
    /// purposes; small-integer subjects (agents, ticks) take [`RunKeys::key`].
    #[inline]
    pub fn about(self, decision: u64, purpose: Purpose) -> u64 {
        mix(self.0 ^ decision ^ purpose.salt())
    }

    /// The keys of one subject and purpose (a tick's arrivals), told apart by `extra`.
    #[inline]
    pub fn subject(self, subject: u64, purpose: Purpose) -> SubjectKeys {
        SubjectKeys(mix(mix(self.0 ^ subject) ^ purpose as u64))
    }
}

/// The keys of one subject and purpose of a run: `key(extra)` costs one mixing round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubjectKeys(u64);

impl SubjectKeys {
    #[inline]
    pub fn key(self, extra: u64) -> u64 {
        mix(self.0 ^ extra)
    }
}

/// A uniform number in [0, 1) from a key (53 random bits).
#[inline]
pub fn uniform(key: u64) -> f64 {
    to_unit(mix(key) >> 11)
}

/// A draw that comes out true with probability `p`: `uniform(key) < p`.
#[inline]
pub fn chance(key: u64, p: f64) -> bool {
    uniform(key) < p
}

/// A counter-based stream of draws about one subject (a tick's number of arrivals, a
/// decision's locus and attributes): draw `i` (from 0) is `mix(key + i·γ)`, γ = `GAMMA`,
/// which is SplitMix64 seeded with the key. Making one costs nothing, so every subject has
/// its own.
#[derive(Debug)]
pub struct Draws {
    state: u64,
}

/// SplitMix64's increment (the golden ratio in 64 bits); [`mix`] adds it before mixing.
pub const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl Draws {
    #[inline]
    pub fn new(key: u64) -> Draws {
        Draws { state: key }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn bits(&mut self) -> u64 {
        let z = mix(self.state);
        self.state = self.state.wrapping_add(GAMMA);
        z
    }

    /// The next uniform number in [0, 1) (53 random bits).
    #[inline]
    pub fn unit(&mut self) -> f64 {
        to_unit(self.bits() >> 11)
    }
}

/// `bits` (at most 53 of them) as a number in [0, 1).
#[inline]
pub fn to_unit(bits: u64) -> f64 {
    bits as f64 * (1.0 / (1u64 << 53) as f64)
}

impl rand::TryRng for Draws {
    type Error = std::convert::Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.bits() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.bits())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.bits().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// A stable 64-bit identity for a shock name (FNV-1a), so a shock's draws depend on its name,
/// not on its place in the file.
pub fn name_id(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_is_in_unit_interval_and_spread() {
        let n = 100_000;
        let mut sum = 0.0;
        for i in 0..n {
            let u = uniform(key(7, 0, i, Purpose::Quality, 0));
            assert!((0.0..1.0).contains(&u));
            sum += u;
        }
        let mean = sum / n as f64;
        // Standard error of the mean of U(0,1) over 1e5 draws is ~0.0009.
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
    }

    #[test]
    fn a_run_s_keys_are_the_keys_of_its_seed_and_replicate() {
        // The same five rounds as the documented key, two of them done once per run.
        let reference = |seed: u64, replicate: u32, subject: u64, purpose: Purpose, extra: u64| {
            let mut h = mix(seed ^ 0x6F72_6773_696D_0001);
            h = mix(h ^ replicate as u64);
            h = mix(h ^ subject);
            h = mix(h ^ purpose as u64);
            mix(h ^ extra)
        };
        for i in 0..1000u64 {
            let (seed, rep, subject, extra) = (mix(i), i as u32 % 7, mix(i + 1), i % 13);
            let expected = reference(seed, rep, subject, Purpose::Arrivals, extra);
            assert_eq!(key(seed, rep, subject, Purpose::Arrivals, extra), expected);
            let run = RunKeys::new(seed, rep);
            assert_eq!(run.key(subject, Purpose::Arrivals, extra), expected);
            assert_eq!(run.subject(subject, Purpose::Arrivals).key(extra), expected);
        }
    }

    #[test]
    fn draws_are_splitmix64_seeded_with_the_key() {
        // SplitMix64's published outputs for seed 1234567 (Steele, Lea and Flood 2014).
        let mut g = Draws::new(1_234_567);
        assert_eq!(g.bits(), 6_457_827_717_110_365_317);
        assert_eq!(g.bits(), 3_203_168_211_198_807_973);
        assert_eq!(g.bits(), 0x883e_bce5_a3f2_7c77);
        // Draw i of a key is mix(key + i·γ): the first is the keyed uniform of the key.
        assert_eq!(Draws::new(99).unit(), uniform(99));
    }

    #[test]
    fn a_decision_s_draws_differ_by_purpose_and_run() {
        let run = RunKeys::new(7, 0);
        let d = key(7, 0, 1, Purpose::Arrivals, 5);
        let all = [
            Purpose::Quality,
            Purpose::Rework,
            Purpose::Attributes,
            Purpose::ReworkKey,
        ]
        .map(|p| run.about(d, p));
        for i in 0..all.len() {
            for j in 0..i {
                assert_ne!(all[i], all[j]);
            }
        }
        assert_ne!(
            run.about(d, Purpose::Quality),
            RunKeys::new(7, 1).about(d, Purpose::Quality)
        );
        assert_ne!(
            run.about(d, Purpose::Quality),
            RunKeys::new(8, 0).about(d, Purpose::Quality)
        );
    }

    #[test]
    fn keys_differ_by_every_component() {
        let base = key(1, 2, 3, Purpose::Quality, 4);
        assert_ne!(base, key(2, 2, 3, Purpose::Quality, 4));
        assert_ne!(base, key(1, 3, 3, Purpose::Quality, 4));
        assert_ne!(base, key(1, 2, 4, Purpose::Quality, 4));
        assert_ne!(base, key(1, 2, 3, Purpose::Rework, 4));
        assert_ne!(base, key(1, 2, 3, Purpose::Quality, 5));
    }

    #[test]
    fn a_chance_of_zero_never_happens_and_of_one_always_does() {
        for i in 0..1000 {
            let k = key(3, 0, i, Purpose::Rework, 0);
            assert!(!chance(k, 0.0) && chance(k, 1.0));
            assert_eq!(chance(k, 0.3), uniform(k) < 0.3);
        }
    }

    #[test]
    fn a_shock_name_keys_the_same_draws_in_every_build() {
        // FNV-1a 64 of "a": pinned, so renaming nothing never changes a shock's draws.
        assert_eq!(name_id("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(name_id(""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(name_id("storm"), name_id("strom"));
    }
}
