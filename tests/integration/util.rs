//! What the command-line tests share: [`orgsim`], a run of the real binary that reads like a
//! sentence — `orgsim().args(["check", file]).status(1).stderr_has("line 3").run()` — and
//! folders and files to run it on.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;

/// The shipped quickstart scenario.
pub const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.toml");

/// A run of `orgsim` to make, and what it must print and return.
#[must_use = "nothing runs until .run()"]
pub struct Test {
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    dir: Option<PathBuf>,
    timeout: Option<Duration>,
    status: Status,
    stdout: Vec<Expect>,
    stderr: Vec<Expect>,
}

enum Status {
    Success,
    Failure,
    Code(i32),
}

enum Expect {
    Is(String),
    Has(String),
}

/// What a run printed and returned.
pub struct Ran {
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
}

/// A run of the `orgsim` binary, expected to succeed unless told otherwise.
pub fn orgsim() -> Test {
    Test {
        args: Vec::new(),
        envs: Vec::new(),
        dir: None,
        timeout: None,
        status: Status::Success,
        stdout: Vec::new(),
        stderr: Vec::new(),
    }
}

impl Test {
    /// Adds one argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Adds arguments.
    pub fn args<A: Into<OsString>>(mut self, args: impl IntoIterator<Item = A>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the run.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Runs in `dir` rather than in the crate's folder.
    pub fn in_dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_path_buf());
        self
    }

    /// Kills the run, and fails the test, after `limit`.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Expects a non-zero exit.
    pub fn fails(mut self) -> Self {
        self.status = Status::Failure;
        self
    }

    /// Expects exactly this exit code.
    pub fn status(mut self, code: i32) -> Self {
        self.status = Status::Code(code);
        self
    }

    /// Expects exactly this on standard output.
    pub fn stdout(mut self, text: &str) -> Self {
        self.stdout.push(Expect::Is(text.to_string()));
        self
    }

    /// Expects standard output to contain `part`.
    pub fn stdout_has(mut self, part: impl AsRef<str>) -> Self {
        self.stdout.push(Expect::Has(part.as_ref().to_string()));
        self
    }

    /// Expects exactly this on standard error.
    pub fn stderr(mut self, text: &str) -> Self {
        self.stderr.push(Expect::Is(text.to_string()));
        self
    }

    /// Expects standard error to contain `part`.
    pub fn stderr_has(mut self, part: impl AsRef<str>) -> Self {
        self.stderr.push(Expect::Has(part.as_ref().to_string()));
        self
    }

    /// Runs `orgsim`, checks every expectation and returns what it printed; a failed
    /// expectation is reported at the test that set it.
    #[track_caller]
    pub fn run(self) -> Ran {
        let mut cmd = cargo_bin_cmd!("orgsim");
        cmd.args(&self.args);
        cmd.envs(self.envs.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.dir {
            cmd.current_dir(dir);
        }
        if let Some(limit) = self.timeout {
            cmd.timeout(limit);
        }
        let output = cmd.output().expect("orgsim could not be started");
        let ran = Ran {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        let code = output.status.code();
        let shown: Vec<_> = self.args.iter().map(|a| a.to_string_lossy()).collect();
        let context = format!(
            "orgsim {}\nexit: {code:?}\nstdout:\n{}\nstderr:\n{}",
            shown.join(" "),
            ran.stdout,
            ran.stderr
        );
        let status_ok = match self.status {
            Status::Success => output.status.success(),
            Status::Failure => !output.status.success(),
            Status::Code(want) => code == Some(want),
        };
        assert!(status_ok, "unexpected exit status of {context}");
        for (stream, expects, got) in [
            ("stdout", &self.stdout, &ran.stdout),
            ("stderr", &self.stderr, &ran.stderr),
        ] {
            for expect in expects {
                match expect {
                    Expect::Is(want) => {
                        assert!(got == want, "{stream} is not {want:?} in {context}")
                    }
                    Expect::Has(part) => {
                        assert!(got.contains(part), "{stream} lacks {part:?} in {context}")
                    }
                }
            }
        }
        ran
    }
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Writes `text` to `dir/name` and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("a file in a temporary folder");
    path
}

/// `orgsim run SCENARIO --out OUT --quiet EXTRA…`, which must succeed within five minutes: a
/// sweep, a shard of one, or a single run.
pub fn run_quietly(scenario: &Path, out: &Path, extra: &[&str]) {
    orgsim()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .timeout(Duration::from_secs(300))
        .run();
}

/// `orgsim merge DIRS… --out OUT --quiet`, which must succeed within five minutes.
pub fn merge_quietly(dirs: &[PathBuf], out: &Path) {
    orgsim()
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .timeout(Duration::from_secs(300))
        .run();
}

/// How many entries `dir` holds.
pub fn entries(dir: &Path) -> usize {
    std::fs::read_dir(dir).expect("a folder").count()
}

/// `program` on the `PATH`, if installed.
pub fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

/// The headline sentences of a result's `summary.json`.
pub fn headlines(summary: &serde_json::Value) -> Vec<&str> {
    summary["headlines"]
        .as_array()
        .expect("summary.json has headlines")
        .iter()
        .map(|h| h.as_str().expect("a headline is a string"))
        .collect()
}
