//! The live workshop dashboard (`orgsim live`): every org of a scenario side by side, facing
//! the same work and the shocks a facilitator injects, in a page served on 127.0.0.1.
//!
//! Two threads: the simulation thread ([`sim`]) owns one engine per org (replicate 0) and
//! steps them together; a small current-thread tokio runtime runs the axum server
//! ([`server`]), which streams frames to every open page over server-sent events and turns
//! the page's buttons into commands. Neither waits on the other: a slow page only misses
//! frames (and is sent the whole state again), a slow tick only delays frames.
//!
//! The session may run past the scenario's `ticks` (a workshop goes on), up to
//! [`sim::MAX_TICKS`]; "save as scenario" writes `ticks` = the ticks run so far.

mod bins;
mod picture;
pub mod protocol;
mod save;
mod server;
pub mod sim;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

pub use picture::{Layout, Node, Picture};
pub use save::{SaveError, saved_scenario};

use crate::scenario::Scenario;

/// The port `orgsim live` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8321;

/// How to serve the dashboard.
#[derive(Debug, Clone)]
pub struct Options {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Open the default browser on the page.
    pub open_browser: bool,
    /// The scenario file's name, shown on the page and used to name saved scenarios.
    pub file_name: String,
}

impl Options {
    /// Options for the scenario file at `path`.
    pub fn for_file(path: &std::path::Path, port: u16, open_browser: bool) -> Options {
        let file_name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Options {
            port,
            open_browser,
            file_name,
        }
    }
}

/// Why the dashboard could not be served.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(
        "port {port} on 127.0.0.1 is already in use (another orgsim live, or another server){}",
        suggestion.map_or_else(|| "; try `--port 0` for any free port".to_string(),
            |p| format!("; try `--port {p}`, which is free, or `--port 0` for any free port"))
    )]
    PortInUse { port: u16, suggestion: Option<u16> },
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
    #[error("the server failed: {0}")]
    Serve(std::io::Error),
    #[error("the simulation thread could not start: {0}")]
    Thread(std::io::Error),
}

/// Listen on 127.0.0.1 only: the dashboard is for the laptop it runs on.
fn bind(port: u16) -> Result<TcpListener, LiveError> {
    let local = |p| SocketAddr::from((Ipv4Addr::LOCALHOST, p));
    TcpListener::bind(local(port)).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            let suggestion = (1..=50)
                .filter_map(|k| port.checked_add(k))
                .find(|&p| TcpListener::bind(local(p)).is_ok());
            LiveError::PortInUse { port, suggestion }
        } else {
            LiveError::Bind { port, source }
        }
    })
}

/// Serve the dashboard for `scenario` until Ctrl-C, printing its address.
pub fn serve(scenario: Scenario, options: &Options) -> Result<(), LiveError> {
    let listener = bind(options.port)?;
    let addr = listener.local_addr().map_err(LiveError::Runtime)?;
    listener.set_nonblocking(true).map_err(LiveError::Runtime)?;
    let url = format!("http://{addr}/");

    let clients = Arc::new(AtomicUsize::new(0));
    let (commands, rx) = std::sync::mpsc::channel();
    let orgs = scenario.orgs.len();
    let ignored_sweep = !scenario.sweep.is_empty();
    let sim = sim::Sim::new(scenario, options.file_name.clone(), clients.clone());
    let thread = std::thread::Builder::new()
        .name("orgsim-live-sim".into())
        .spawn(move || sim.run(rx))
        .map_err(LiveError::Thread)?;
    let stop_sim = commands.clone();
    let state = server::AppState {
        commands: commands.clone(),
        clients,
        port: addr.port(),
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(LiveError::Runtime)?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(LiveError::Runtime)?;
        let interrupted = interrupted().map_err(LiveError::Runtime)?;
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "orgsim live: {} ({orgs} orgs side by side) at {url}",
                options.file_name
            );
            if ignored_sweep {
                let _ = writeln!(out, "note: the scenario's [sweep] is ignored; the dashboard runs its base scenario");
            }
            let _ = writeln!(out, "press Ctrl-C to stop");
        }
        if options.open_browser {
            open_browser(&url);
        }
        let stopping = Arc::new(tokio::sync::Notify::new());
        let notify = stopping.clone();
        let shutdown = async move {
            interrupted.await;
            // Stopping the simulation ends every event stream, so open pages let go.
            let _ = stop_sim.send(sim::Command::Stop);
            notify.notify_one();
        };
        let app = server::router(state).into_make_service();
        let server = axum::serve(listener, app).with_graceful_shutdown(shutdown);
        tokio::select! {
            r = server => r.map_err(LiveError::Serve),
            // A connection that will not close does not keep the process alive.
            _ = async { stopping.notified().await; tokio::time::sleep(Duration::from_secs(3)).await } => Ok(()),
        }
    });
    let _ = commands.send(sim::Command::Stop);
    drop(commands);
    let _ = thread.join();
    if result.is_ok() {
        println!("orgsim live stopped");
    }
    result
}

/// Ctrl-C, or a polite termination request. The handlers are in place when this returns, so
/// a signal that arrives once the address is printed is never the default abrupt exit.
fn interrupted() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut int = signal(SignalKind::interrupt())?;
        let mut term = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// Open the page in the default browser; if that fails the printed address is enough.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg(url);
        c
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", "", url]);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(url);
        c
    };
    let opened = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok();
    if !opened {
        println!("could not open a browser: open {url} yourself");
    }
}
