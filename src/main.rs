//! The `orgsim` command line: parse arguments, call the library, print.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use orgsim::experiment::{self, RunFileError, RunRequest, SweepError};
use orgsim::output;
use orgsim::scenario::{self, Format, ScenarioError, ShardOf};

/// Simulate centralised versus distributed organisations under the same work and shocks.
#[derive(Parser)]
#[command(name = "orgsim", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and write its result folder.
    Run {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Result folder (default: the scenario's [output] dir, else results/<file stem>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replicates per org, overriding the scenario.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        replications: Option<u32>,
        /// Seed, overriding the scenario.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: one per core). Results do not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
        /// Continue an interrupted sweep from its journal, running only the points not yet done.
        #[arg(long)]
        resume: bool,
        /// Run only shard K of N of a sweep's points (1-based, balanced by estimated cost), into
        /// <result>.shards/shard-K-of-N; `orgsim merge` combines the shards.
        #[arg(long, value_name = "K/N")]
        shard: Option<ShardOf>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Merge the shards of a sweep (`orgsim run --shard K/N`) into one result folder, the same
    /// a single machine writes.
    Merge {
        /// Shard folders, or the folder that holds them (`<result>.shards`).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Result folder (default: <result> for shards in <result>.shards).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Validate a scenario and print what it describes.
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Redraw the charts and report.html of a result folder from its files, without re-running.
    Report {
        /// A result folder written by `orgsim run`.
        dir: PathBuf,
        /// Chart formats to draw, e.g. `png,svg` (default: the scenario's [output] formats).
        #[arg(long, value_delimiter = ',')]
        formats: Option<Vec<FormatArg>>,
    },
    /// The live workshop dashboard: every org side by side in a page on 127.0.0.1.
    Live {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// Port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = orgsim::live::DEFAULT_PORT)]
        port: u16,
        /// Do not open the default browser.
        #[arg(long)]
        no_open: bool,
    },
    /// Write a commented scenario to start from (NAME.toml in the current folder).
    New {
        /// The scenario's name; `.toml` is added unless it ends in it.
        name: String,
        /// Copy a shipped scenario instead of the template, e.g. `--from quickstart`.
        #[arg(long, value_name = "SHIPPED")]
        from: Option<String>,
    },
    /// The shipped scenarios, one a line: a name for `orgsim new --from` and what it is about.
    List,
}

/// A chart format on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Png,
    Svg,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Png => Format::Png,
            FormatArg::Svg => Format::Svg,
        }
    }
}

fn main() -> ExitCode {
    match dispatch(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => report_error(&err),
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run {
            scenario,
            out,
            replications,
            seed,
            threads,
            resume,
            shard,
            quiet,
        } => {
            let request = RunRequest {
                scenario,
                out,
                replications,
                seed,
                threads: threads.map(usize::from),
                progress: !quiet,
                resume,
                shard,
                command: std::env::args().collect(),
            };
            let prepared = experiment::prepare(&request)?;
            if !quiet {
                for note in &prepared.notes {
                    eprintln!("{note}");
                }
            }
            let finished = prepared.execute()?;
            if !quiet {
                print(&finished.message())?;
            }
        }
        Command::Merge { dirs, out, quiet } => {
            let request = experiment::MergeRequest {
                dirs,
                out,
                command: std::env::args().collect(),
            };
            let finished = experiment::merge(&request)?;
            if !quiet {
                print(&finished.message())?;
            }
        }
        Command::Check { scenario } => print(&scenario::check_file(&scenario)?)?,
        Command::Report { dir, formats } => {
            let formats: Option<Vec<Format>> =
                formats.map(|f| f.into_iter().map(Format::from).collect());
            let written = output::render_any(&dir, formats.as_deref())
                .with_context(|| format!("could not redraw the report in {}", dir.display()))?;
            let lines: String = written
                .iter()
                .map(|path| format!("wrote {}\n", path.display()))
                .collect();
            print(&lines)?;
        }
        Command::New { name, from } => {
            print(&scenario::create(&name, from.as_deref())?.message())?;
        }
        Command::List => print(&scenario::list())?,
        Command::Live {
            scenario,
            port,
            no_open,
        } => {
            let options = orgsim::live::Options::for_file(&scenario, port, !no_open);
            orgsim::live::serve(scenario::load(&scenario)?, &options)?;
        }
    }
    Ok(())
}

fn print(text: &str) -> std::io::Result<()> {
    std::io::stdout().lock().write_all(text.as_bytes())
}

/// Prints `err` for a person: a scenario's diagnostics as they are, anything else with the
/// chain of its causes.
fn report_error(err: &anyhow::Error) -> ExitCode {
    // A reader closing the pipe early (`orgsim check x | head`) is not an error.
    if err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return ExitCode::SUCCESS;
    }
    // Ctrl-C during a sweep: what is saved and how to finish, without calling it an error.
    if let Some(RunFileError::Sweep(stopped @ SweepError::Interrupted { .. })) =
        err.downcast_ref::<RunFileError>()
    {
        eprintln!("{stopped}");
        return ExitCode::from(130);
    }
    if let Some(RunFileError::Run(stopped @ experiment::RunError::Interrupted)) =
        err.downcast_ref::<RunFileError>()
    {
        eprintln!("{stopped}");
        return ExitCode::from(130);
    }
    if let Some(diagnostics) = err.chain().find_map(|e| e.downcast_ref::<ScenarioError>()) {
        eprintln!("{diagnostics}");
    } else {
        eprintln!("error: {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
    }
    ExitCode::FAILURE
}
