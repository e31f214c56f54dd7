//! Ctrl-C (SIGINT) and SIGTERM during a sweep: the first asks the sweep to stop starting new
//! runs, so the points already complete are committed and the user is told how to resume; a
//! second one ends the process at once, as it would without orgsim's handler.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_signal(signal: libc::c_int) {
    REQUESTED.store(true, Ordering::SeqCst);
    // Only async-signal-safe calls here: put the default action back for the next signal.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
    }
}

/// Installs the handler (once per process is enough; installing again re-arms it).
pub fn install() {
    REQUESTED.store(false, Ordering::SeqCst);
    #[cfg(unix)]
    unsafe {
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// Whether an interrupt has been asked for since [`install`].
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Puts the default actions back once the sweep is over.
pub fn uninstall() {
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
    }
}
