//! Per-agent arrays of a big org on huge pages.
//!
//! A step reads an agent's record, its competence and its count of decisions taken at places
//! scattered over arrays of tens of megabytes in an org of 10^6 agents. With the kernel's
//! 4 KiB pages nearly every such read also misses the processor's table of page translations,
//! and the page walk stalls the loads ahead. On Linux, [`per_agent`] asks the kernel to back
//! an array of 4 MiB or more with 2 MiB pages (`madvise(MADV_HUGEPAGE)`, which the kernel's
//! default `madvise` setting of transparent huge pages honours) before the array is written.
//! A hint only: the contents, and so every result, are the same whether the kernel takes it
//! or not.

/// Arrays this large or larger ask for huge pages: two huge pages at least, so the rounding
/// to whole huge pages adds little.
const MIN_BYTES: usize = 4 << 20;

/// The `n` values `f(0), f(1), ...` in a vector whose memory the kernel is asked to back with
/// huge pages when it is large (on Linux).
pub fn per_agent<T>(n: usize, f: impl FnMut(usize) -> T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    advise(v.as_ptr(), n * size_of::<T>());
    v.extend((0..n).map(f));
    v
}

/// Ask for huge pages for the whole 4 KiB pages within `len` bytes from `start`, if `len` is
/// at least [`MIN_BYTES`].
fn advise<T>(start: *const T, len: usize) {
    if len < MIN_BYTES {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let from = (start as usize).next_multiple_of(PAGE);
        let to = (start as usize + len) / PAGE * PAGE;
        if to > from {
            // SAFETY: madvise only changes how the kernel backs pages of this process's own
            // allocation (the range lies inside it); MADV_HUGEPAGE never changes their
            // contents. A refusal (an older kernel, huge pages off) leaves 4 KiB pages.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = start;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_per_agent_array_holds_what_it_is_made_of_small_or_large() {
        for n in [0, 1, 1000, MIN_BYTES / 8 + 1] {
            let v = per_agent(n, |i| i as u64 * 3);
            assert_eq!(v.len(), n);
            assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64 * 3));
        }
    }
}
