//! Floats in the text every orgsim table uses: exactly what Rust's `Display` prints (the
//! shortest digits that read back to the same bits, never an exponent), made faster.
//!
//! A run's tables hold hundreds of thousands of floats, and `Display` (Grisu with a Dragon4
//! fallback, through the formatting machinery) was the largest cost of writing them. Half of
//! them are whole numbers (counts, a p95 latency, a good rate of 1), printed here as the
//! integer they are; the rest go through Ryū, which finds the same shortest, closest digits,
//! laid out as `Display` lays them out. The tests check the text against `Display` over
//! random bit patterns, the values a run writes, and the edge cases.

/// 2^53: below it every whole float is an exact integer, and `Display` prints its digits.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// Appends `x` to `out` as `format!("{x}")` would; `x` must be finite.
pub(crate) fn push_float(out: &mut String, x: f64) {
    debug_assert!(x.is_finite(), "{x} is not finite");
    if x == x.trunc() && x.abs() < EXACT_INTEGERS {
        if x == 0.0 && x.is_sign_negative() {
            out.push_str("-0");
        } else {
            // Exact: |x| < 2^53 is whole.
            out.push_str(itoa::Buffer::new().format(x as i64));
        }
        return;
    }
    let mut ryu = ryu::Buffer::new();
    let text = ryu.format_finite(x);
    // A number with a fraction whose text has no exponent is laid out by Ryū as `Display`
    // lays it out (`12.34`, `0.001234`), and with the same digits unless two shortest
    // candidates are equally close: pushed as it is, without taking its digits apart.
    if x.abs() < EXACT_INTEGERS && !text.contains('e') && !maybe_halfway(x) {
        out.push_str(text);
        return;
    }
    let (mut digits, exponent) = decimal(text);
    // Two shortest digit strings can be equally close to `x` (`3330204.57861328125` lies
    // halfway between `…812` and `…813`): Ryū takes the even one, `Display` the one above.
    if halfway_above(x, digits, exponent) {
        digits += 1;
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    push_plain(out, itoa::Buffer::new().format(digits), exponent);
}

/// The digits and power of ten of Ryū's text (`-1.25e-7`, `0.001`, `12.5`): `125, -9`,
/// `1, -3`, `125, -1`, sign dropped, trailing zeros kept only where the text has them.
fn decimal(text: &str) -> (u64, i32) {
    let text = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, mut exponent) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let mut digits = 0u64;
    let mut seen_point = false;
    for b in mantissa.bytes() {
        match b {
            b'.' => seen_point = true,
            b'0'..=b'9' => {
                digits = digits * 10 + u64::from(b - b'0');
                if seen_point {
                    exponent -= 1;
                }
            }
            _ => {}
        }
    }
    while digits != 0 && digits.is_multiple_of(10) {
        digits /= 10;
        exponent += 1;
    }
    (digits, exponent)
}

/// Whether `x` (not zero) might lie halfway between two shortest candidates: only a number
/// with at most 25 binary digits after the point can ([`halfway_above`]).
fn maybe_halfway(x: f64) -> bool {
    let (_, e) = odd_binary(x);
    (-25..0).contains(&e)
}

/// `|x|` as `f × 2^e` with `f` odd (`(0, -1074)` for zero).
fn odd_binary(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (f, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    if f == 0 {
        return (0, e);
    }
    let zeros = f.trailing_zeros();
    (f >> zeros, e + zeros as i32)
}

/// Whether `|x|` is exactly `(digits + 1/2) × 10^exponent`.
fn halfway_above(x: f64, digits: u64, exponent: i32) -> bool {
    let (f, e) = odd_binary(x);
    if f == 0 {
        return false;
    }
    // |x| = f × 2^e with f odd. A whole number is never halfway between two shortest
    // candidates; and with f odd, |x| = f × 5^k / 10^k has as many significant digits as
    // f × 5^k, over 18 (more than a halfway point after 17 digits has) once k > 25.
    if !(-25..0).contains(&e) {
        return false;
    }
    let k = (-e) as u32;
    exponent == 1 - k as i32 && u128::from(f) * 5u128.pow(k) == u128::from(digits) * 10 + 5
}

/// Appends `digits × 10^exponent` without an exponent: `15, -8` → `0.00000015`,
/// `125, 18` → `125000000000000000000`.
fn push_plain(out: &mut String, digits: &str, exponent: i32) {
    let n = digits.len() as i64;
    // Where the decimal point goes, counted in digits from the first one.
    let point = n + i64::from(exponent);
    if point <= 0 {
        out.push_str("0.");
        for _ in 0..-point {
            out.push('0');
        }
        out.push_str(digits);
    } else if point >= n {
        out.push_str(digits);
        for _ in n..point {
            out.push('0');
        }
    } else {
        let (int, frac) = digits.split_at(point as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fast(x: f64) -> String {
        let mut s = String::new();
        push_float(&mut s, x);
        s
    }

    fn same_as_display(x: f64) {
        if x.is_finite() {
            assert_eq!(fast(x), format!("{x}"), "bits {:#018x}", x.to_bits());
        }
    }

    #[test]
    fn edge_cases_print_as_display_does() {
        let mut cases = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.1 + 0.2,
            1e-7,
            1.5e-5,
            1e-5,
            1e-4,
            0.001,
            123_456.789,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            5e-324,
            -5e-324,
            2.225_073_858_507_201e-308,
            EXACT_INTEGERS,
            EXACT_INTEGERS - 1.0,
            EXACT_INTEGERS + 2.0,
            -EXACT_INTEGERS,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            1e23,
            1e23f64.next_down(),
            std::f64::consts::PI,
            2.0f64.powi(63),
            2.0f64.powi(64),
            -(2.0f64.powi(63)),
            // Halfway between two shortest digit strings, which Ryū and Display round apart.
            f64::from_bits(0x4149_684e_4a10_0000), // 3330204.57861328125
            -6_760_992_514_991_861.0 / 4.0,
            f64::from_bits(14_057_988_458_429_112_661),
            6_170_261.0 / 32_768.0,
        ];
        // Powers of ten and of two, and the floats either side of each.
        for e in -325..=308 {
            cases.push(10f64.powi(e));
        }
        for e in -1074..=1023 {
            cases.push(2f64.powi(e));
        }
        for x in cases.clone() {
            cases.push(x.next_up());
            cases.push(x.next_down());
            cases.push(-x);
        }
        for x in cases {
            same_as_display(x);
        }
    }

    #[test]
    fn whole_numbers_and_small_fractions_print_as_display_does() {
        for i in -100_000i64..=100_000 {
            same_as_display(i as f64);
            same_as_display(i as f64 / 8.0);
            same_as_display(i as f64 / 10.0);
            same_as_display(i as f64 / 1000.0);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200_000, ..ProptestConfig::default() })]

        #[test]
        fn any_bit_pattern_prints_as_display_does(bits in any::<u64>()) {
            same_as_display(f64::from_bits(bits));
        }

        #[test]
        fn the_values_a_run_writes_print_as_display_does(
            sum in 0u64..10_000_000,
            n in 1u64..100_000,
            scale in -3i32..6,
        ) {
            // Means of counts, shares and sums of stakes: a sum over a count, at any scale.
            same_as_display(sum as f64 / n as f64);
            same_as_display(sum as f64 / n as f64 * 10f64.powi(scale));
            same_as_display(n as f64 / (sum + n) as f64);
        }

        #[test]
        fn any_value_in_a_table_range_prints_as_display_does(x in -1e7f64..1e7) {
            same_as_display(x);
        }
    }
}
