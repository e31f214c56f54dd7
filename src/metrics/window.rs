//! Summary windows (`docs/model.md` "Windows"): every summary metric is given for `all` =
//! `[warmup, ticks)`, for `steady` = `[warmup, first shock's at)` (normal times), and for each
//! shock, named after it, from its `at` to the next later shock's `at` (or the horizon), so a
//! result driven by one shock's aftermath is never reported as the everyday difference.

/// The window of the whole measured run, `[warmup, ticks)`.
pub const WINDOW_ALL: &str = "all";
/// Normal times: `[warmup, first shock's at)`; the whole of `all` when there is no shock.
pub const WINDOW_STEADY: &str = "steady";

/// `[start, end)` of `all`, `steady`, then of each shock in the order given, from the warm-up,
/// the horizon and each shock's `(name, at)`.
///
/// A shock window ends where the next *later* shock starts: shocks that start in the same tick
/// share their period, each under its own name. Windows are clipped to `[warmup, ticks)`; one
/// that falls wholly outside (a shock in the warm-up followed by another) is empty, `start ==
/// end`, and its metrics have no value.
pub fn bounds(warmup: u32, ticks: u32, shocks: &[(String, u32)]) -> Vec<(u32, u32)> {
    let warmup = warmup.min(ticks);
    let clip = |t: u32| t.clamp(warmup, ticks);
    let first = shocks.iter().map(|&(_, at)| at).min().unwrap_or(ticks);
    let mut out = vec![(warmup, ticks), (warmup, clip(first))];
    for &(_, at) in shocks {
        let next = shocks
            .iter()
            .map(|&(_, b)| b)
            .filter(|&b| b > at)
            .min()
            .unwrap_or(ticks);
        out.push((clip(at), clip(next)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(list: &[u32]) -> Vec<(String, u32)> {
        list.iter().map(|&a| (format!("s{a}"), a)).collect()
    }

    #[test]
    fn normal_times_end_at_the_first_shock_and_each_shock_runs_to_the_next() {
        assert_eq!(
            bounds(200, 2000, &at(&[1200, 600])),
            [(200, 2000), (200, 600), (1200, 2000), (600, 1200)]
        );
    }

    #[test]
    fn without_shocks_normal_times_are_the_whole_run() {
        assert_eq!(bounds(100, 500, &[]), [(100, 500), (100, 500)]);
    }

    #[test]
    fn shocks_starting_together_share_their_period() {
        assert_eq!(
            bounds(0, 100, &at(&[40, 40, 70])),
            [(0, 100), (0, 40), (40, 70), (40, 70), (70, 100)]
        );
    }

    #[test]
    fn windows_are_clipped_to_the_measured_run() {
        // A shock in the warm-up: normal times are empty, the shock's window starts at warm-up.
        assert_eq!(
            bounds(100, 500, &at(&[50, 80])),
            [(100, 500), (100, 100), (100, 100), (100, 500)]
        );
    }
}
