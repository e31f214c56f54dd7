//! The `orgsim` command line: parse arguments, call the library, print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use orgsim::experiment::{self, RunOptions};
use orgsim::metrics::summarise_runs;
use orgsim::output::{self, RunFacts, console, report};
use orgsim::scenario::{self, Format, ScenarioError};

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
    /// Write a commented scenario to start from (NAME.toml in the current folder).
    New {
        /// The scenario's name; `.toml` is added unless it ends in it.
        name: String,
        /// Copy a shipped scenario instead of the template, e.g. `--from quickstart`.
        #[arg(long, value_name = "SHIPPED")]
        from: Option<String>,
    },
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
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A reader closing the pipe early (`orgsim check x | head`) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            if let Some(diagnostics) = err.downcast_ref::<ScenarioError>() {
                eprintln!("{diagnostics}");
            } else {
                eprintln!("error: {err}");
                for cause in err.chain().skip(1) {
                    eprintln!("  caused by: {cause}");
                }
            }
            ExitCode::FAILURE
        }
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
            quiet,
        } => run(
            &scenario,
            out,
            replications,
            seed,
            threads.map(usize::from),
            quiet,
        ),
        Command::Check { scenario } => check(&scenario),
        Command::Report { dir, formats } => {
            let formats: Option<Vec<Format>> =
                formats.map(|f| f.into_iter().map(Format::from).collect());
            let written = report::render_all_as(&dir, formats.as_deref())
                .with_context(|| format!("could not redraw the report in {}", dir.display()))?;
            let mut stdout = std::io::stdout().lock();
            for path in written {
                writeln!(stdout, "wrote {}", path.display())?;
            }
            Ok(())
        }
        Command::New { name, from } => new(&name, from.as_deref()),
    }
}

fn run(
    path: &Path,
    out: Option<PathBuf>,
    replications: Option<u32>,
    seed: Option<u64>,
    threads: Option<usize>,
    quiet: bool,
) -> Result<()> {
    let started = SystemTime::now();
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut s = scenario::parse_str(&text, &path.display().to_string())?;
    if !s.sweep.is_empty() {
        bail!(
            "{} has a [sweep] table; `orgsim run` does not run sweeps yet. Remove [sweep] to run the base scenario.",
            path.display()
        );
    }
    if let Some(r) = replications {
        s.scenario.replications = r;
    }
    if let Some(seed) = seed {
        s.scenario.seed = seed;
    }
    let dest = out.or_else(|| s.output.dir.clone()).unwrap_or_else(|| {
        let stem = path
            .file_stem()
            .map_or_else(|| "scenario".into(), |s| s.to_os_string());
        Path::new("results").join(stem)
    });
    // Refuse before the work, not after it: a folder that is not ours, or overrides that no
    // longer fit in memory.
    output::check_destination(&dest)
        .with_context(|| format!("could not write the result to {}", dest.display()))?;
    let workers = threads.unwrap_or_else(rayon::current_num_threads);
    let (need, limit) = (
        scenario::estimate_bytes(&s, workers),
        scenario::memory_limit() as f64,
    );
    if need > limit {
        bail!(
            "this run needs about {:.1} GiB ({} replications of {} orgs over {} ticks); this machine allows {:.1} GiB: use fewer replications or ticks",
            need / f64::from(1u32 << 30),
            s.scenario.replications,
            s.orgs.len(),
            s.scenario.ticks,
            limit / f64::from(1u32 << 30)
        );
    }
    let options = RunOptions {
        threads,
        progress: !quiet,
    };
    let runs = experiment::run(&s, &options)?;
    let summary = summarise_runs(&s, &runs);
    let facts = RunFacts {
        scenario_file: Some(path.to_path_buf()),
        scenario_text: Some(text),
        threads: workers,
        command: std::env::args().collect(),
        started,
        finished: SystemTime::now(),
    };
    let charts = |dir: &Path| report::render_all(dir).map(drop).map_err(Into::into);
    let written = output::write_result(&dest, &s, &runs, &summary, &facts, &charts)
        .with_context(|| format!("could not write the result to {}", dest.display()))?;
    if !quiet {
        let mut stdout = std::io::stdout().lock();
        write!(stdout, "{}", console::summary_text(&s, &summary))?;
        let verb = if written.replaced {
            "replaced the previous result in"
        } else {
            "results in"
        };
        writeln!(stdout, "\n{verb} {}", written.path.display())?;
        if let Some(old) = written.leftover {
            writeln!(
                stdout,
                "note: could not remove the previous result at {}",
                old.display()
            )?;
        }
    }
    Ok(())
}

fn check(path: &Path) -> Result<()> {
    let s = scenario::load(path)?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", scenario::describe(&s))?;
    writeln!(stdout, "{}: ok", path.display())?;
    Ok(())
}

fn new(name: &str, from: Option<&str>) -> Result<()> {
    let path = scenario::new_path(name)?;
    let text = scenario::new_text(&path, from)?;
    scenario::write_new(&path, &text)?;
    let source = match from {
        Some(f) => format!("the shipped scenario `{}`", scenario::find_shipped(f)?.name),
        None => "the commented template".to_string(),
    };
    let shown = path.display();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "wrote {shown} from {source}")?;
    writeln!(
        stdout,
        "next: edit it, then `orgsim check {shown}` and `orgsim run {shown}`"
    )?;
    Ok(())
}
