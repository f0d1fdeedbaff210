//! Differential tests: one command line runs twice, once through
//! iproute2's `/usr/sbin/ip … netns …` and once through the `netns` binary,
//! each time in a sandbox of its own (see [`super::sandbox`]), and stdout,
//! stderr, exit status and an optional follow-up command must agree byte
//! for byte.
//!
//! # What one run looks like
//!
//! After the sandbox's set-up (fresh tmpfs on `/run` and `/tmp`, the program
//! under test, `/usr/sbin/ip` or the tool, at `/tmp/.h/bin/<its file name>`;
//! both sides get the same treatment, so both fork the same processes and
//! pids stay comparable), `/bin/sh` runs a script that
//!
//! 1. writes the case's files (usually under `/tmp`);
//! 2. runs the case's `setup` (always with the real `/usr/sbin/ip`, `set -e`,
//!    stdin `/dev/null`, output to a log that is shown only if setup fails);
//! 3. runs the command under test (`ip OPTS netns ARGS` or `TOOL OPTS ARGS`,
//!    from `/tmp/.h/bin`), optionally as uid/gid 65534 via `setpriv`, with the
//!    case's stdin, and records its own exit status;
//! 4. runs the case's `post` command (stdout+stderr and status are compared
//!    too), kills the background processes setup started, and prints a
//!    framed report.
//!
//! The pid namespace makes pids deterministic. Nothing is created outside
//! the namespaces.
//!
//! # Tool under test
//!
//! By default the `netns` binary built by cargo. `NETNS_DIFF_TOOL=/path`
//! replaces it; it is meant for the `ipwrap` wrapper ([`write_ipwrap`];
//! `NETNS_DIFF_TOOL=ipwrap` writes it under cargo's target tmp dir and uses
//! it) that makes iproute2 play both roles (an A/A run that validates the harness and
//! the cases themselves), so with it set every case is compared exactly.
//! Without it, cases marked [`Case::diverges`] (deliberate differences listed
//! in `docs/compat.md`) must come out *different*.
//!
//! `NETNS_DIFF_VERBOSE=1` prints both outcomes of every case (use
//! `--nocapture`).
//!
//! # Normalisation
//!
//! iproute2 names itself in some messages; [`normalise`] rewrites
//! `ip [-all] netns` → `netns [-all]`, `ip netns` → `netns`,
//! `"ip -help"` → `"netns -help"` and `"ip help"` → `"netns help"`. It is
//! applied to the command's stdout and stderr of *both* sides (it is a no-op
//! on text that does not contain iproute2's program name), which is what lets
//! the A/A run pass. Nothing else is normalised, except pids started by the
//! setup helper `spawn_in` which are replaced by `<PID>` on both sides (they
//! are deterministic in a fresh pid namespace anyway).

mod compare;
mod ipwrap;

pub use compare::{compare, mask_pids, normalise};
pub use ipwrap::{ipwrap_path, split_ip_options, tool_under_test, write_ipwrap};

use super::sandbox::{Sandbox, program_inside};
use super::{IP, NOBODY, sh_quote};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long one side of one case may take before it is killed.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Who runs the command under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum User {
    #[default]
    Root,
    /// uid/gid 65534, no supplementary groups, no capabilities.
    Nobody,
}

/// How the two outcomes are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Check {
    /// stdout, stderr, exit status and post output byte for byte.
    #[default]
    Exact,
    /// Like `Exact`, except that stdout only has to be exactly one non-empty
    /// line on both sides (for `-V`, whose text necessarily differs).
    OneLineStdout,
}

/// One differential case. Build it with [`case`] and the builder methods.
#[derive(Clone, Debug, Default)]
pub struct Case {
    /// Test name (used in messages).
    pub name: String,
    /// Shell run before the command, as root, with `ip` = `/usr/sbin/ip`,
    /// under `set -e`. Helpers: `spawn_in NAME` (see [`PRELUDE`]); `$H` is
    /// the harness directory.
    pub setup: String,
    /// Files `(path, content)` written before setup.
    pub files: Vec<(String, String)>,
    /// Global options (before the `netns` object word for iproute2).
    pub opts: Vec<String>,
    /// Words after the object word. A word that is exactly `$NAME` (dollar
    /// and upper-case letters/digits/underscore) is expanded by the shell,
    /// e.g. `$P` for the pid recorded by `spawn_in`.
    pub args: Vec<String>,
    /// Standard input of the command; `/dev/null` when `None`.
    pub stdin: Option<String>,
    /// Shell run after the command (as root, real `ip`); its combined
    /// output and status are compared too.
    pub post: Option<String>,
    pub user: User,
    pub check: Check,
    /// Set when netns deliberately differs from iproute2 here (a fix listed
    /// in `docs/compat.md`): the text says which entry. Such a case must
    /// still agree with itself in the A/A run; against the netns binary it
    /// must *differ* from iproute2 (so a stale entry is noticed).
    pub divergence: Option<String>,
    /// The args start with another iproute2 object (`link`, `address`,
    /// `route`, `neighbour`): iproute2 runs `ip OPTS ARGS`, without the
    /// `netns` object word.
    pub object: bool,
}

/// Start a case with no setup, options or arguments.
pub fn case() -> Case {
    Case::default()
}

impl Case {
    /// The args name another iproute2 object (see [`Case::object`]).
    pub fn object(mut self) -> Self {
        self.object = true;
        self
    }

    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }
    pub fn setup(mut self, shell: &str) -> Self {
        self.setup = shell.to_string();
        self
    }
    pub fn file(mut self, path: &str, content: &str) -> Self {
        self.files.push((path.to_string(), content.to_string()));
        self
    }
    pub fn opts(mut self, opts: &[&str]) -> Self {
        self.opts = opts.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn stdin(mut self, input: &str) -> Self {
        self.stdin = Some(input.to_string());
        self
    }
    pub fn post(mut self, shell: &str) -> Self {
        self.post = Some(shell.to_string());
        self
    }
    pub fn nobody(mut self) -> Self {
        self.user = User::Nobody;
        self
    }
    pub fn one_line_stdout(mut self) -> Self {
        self.check = Check::OneLineStdout;
        self
    }
    /// Mark a documented deliberate difference (see [`Case::divergence`]).
    pub fn diverges(mut self, why: &str) -> Self {
        self.divergence = Some(why.to_string());
        self
    }
}

/// Which program plays the command under test.
#[derive(Clone, Debug)]
pub enum Side {
    /// `/usr/sbin/ip OPTS netns ARGS`.
    Iproute2,
    /// `TOOL OPTS ARGS`.
    Tool(PathBuf),
}

/// What one side produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
    pub post: String,
    /// The shell command line that was run (for messages).
    pub command: String,
}

/// Shell helpers available to `setup` and `post`.
pub const PRELUDE: &str = r#"
# spawn_in NAME: start `sleep 100` inside netns NAME in the background,
# wait until it has switched, leave its pid in $P and record it for masking.
spawn_in() {
    ip netns exec "$1" sleep 100 </dev/null >/dev/null 2>&1 &
    P=$!
    echo "$P" >>"$H/pids"
    _n=0
    while [ "$(ip netns identify "$P" 2>/dev/null)" != "$1" ]; do
        _n=$((_n + 1))
        if [ "$_n" -gt 1000 ]; then echo "spawn_in $1: timed out" >&2; return 1; fi
        sleep 0.01
    done
}
"#;

fn is_var_token(s: &str) -> bool {
    let mut it = s.bytes();
    it.next() == Some(b'$') && s.len() > 1 && it.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn quote_arg(s: &str) -> String {
    if is_var_token(s) { format!("\"{s}\"") } else { sh_quote(s) }
}

/// The command line under test for one side, as shell words.
pub fn command_line(case: &Case, side: &Side) -> String {
    let mut words: Vec<String> = Vec::new();
    if case.user == User::Nobody {
        words.extend(NOBODY.split(' ').map(str::to_string));
    }
    match side {
        Side::Iproute2 => {
            words.push(program_inside(Path::new(IP)));
            words.extend(case.opts.iter().map(|s| sh_quote(s)));
            let (_, dangling) = split_ip_options(&case.opts);
            if !dangling && !case.object {
                words.push("netns".to_string());
            }
        }
        Side::Tool(path) => {
            words.push(sh_quote(&program_inside(path)));
            words.extend(case.opts.iter().map(|s| sh_quote(s)));
        }
    }
    words.extend(case.args.iter().map(|s| quote_arg(s)));
    words.join(" ")
}

/// The `/bin/sh` script run in the sandbox for one side.
pub fn script(case: &Case, side: &Side) -> String {
    let mut s = String::new();
    s.push_str("export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C\nunset NETNS_RUN_DIR\n");
    s.push_str("H=/tmp/.h\n");
    s.push_str(": >\"$H/pids\" && cd / || exit 97\n");
    s.push_str(PRELUDE);
    for (path, content) in &case.files {
        let _ = writeln!(
            s,
            "mkdir -p \"$(dirname {p})\" && printf %s {c} >{p} || exit 97",
            p = sh_quote(path),
            c = sh_quote(content)
        );
    }
    s.push_str("trap 'echo \"netns-diff: setup failed, log:\" >&2; cat \"$H/setup.log\" >&2' EXIT\nset -e\n{\n");
    s.push_str(&case.setup);
    s.push_str("\n:\n} </dev/null >\"$H/setup.log\" 2>&1\nset +e\ntrap - EXIT\n");
    let stdin = if case.stdin.is_some() { "" } else { " </dev/null" };
    let _ = writeln!(s, "{} >\"$H/out\" 2>\"$H/err\"{stdin}\necho $? >\"$H/rc\"", command_line(case, side));
    match &case.post {
        Some(post) => {
            let _ = writeln!(s, "{{\n{post}\n}} </dev/null >\"$H/post\" 2>&1\necho \"[post exit $?]\" >>\"$H/post\"");
        }
        None => s.push_str(": >\"$H/post\"\n"),
    }
    s.push_str("for p in $(cat \"$H/pids\"); do kill \"$p\" 2>/dev/null; done\n");
    s.push_str(
        "printf 'NETNS-DIFF-FRAME %s %s %s %s %s\\n' \"$(cat \"$H/rc\")\" \
         $(wc -c <\"$H/out\") $(wc -c <\"$H/err\") $(wc -c <\"$H/post\") $(wc -c <\"$H/pids\")\n",
    );
    s.push_str("cat \"$H/out\" \"$H/err\" \"$H/post\" \"$H/pids\"\n");
    s
}

/// Run one side of a case in a sandbox of its own.
pub fn run_side(case: &Case, side: &Side) -> Result<Outcome, String> {
    check_oracle()?;
    let script = script(case, side);
    let program = match side {
        Side::Iproute2 => Path::new(IP),
        Side::Tool(p) => p.as_path(),
    };
    let sandbox = Sandbox {
        program,
        net: true,
        stdin: case.stdin.as_deref().map(str::as_bytes),
        env: vec![("SANDBOX_SH", &script)],
        timeout: TIMEOUT,
    };
    // The script is taken out of the environment before the command under
    // test sees it: only the tool's path differs between the two sides.
    let run = sandbox
        .run("_s=$SANDBOX_SH; unset SANDBOX_SH; exec /bin/sh -c \"$_s\"")
        .map_err(|e| format!("cannot spawn unshare: {e}"))?;
    if run.timed_out {
        return Err(format!("timed out after {TIMEOUT:?}"));
    }
    let (out, err, code) = (run.stdout, run.stderr, run.status.unwrap_or(-1));
    let frame_err = |why: &str| {
        format!(
            "{why} (unshare exit {code})\n--- harness stderr ---\n{}\n--- harness stdout ---\n{}\n--- script ---\n{script}",
            String::from_utf8_lossy(&err),
            String::from_utf8_lossy(&out)
        )
    };
    const TAG: &[u8] = b"NETNS-DIFF-FRAME ";
    if !out.starts_with(TAG) {
        return Err(frame_err("no report frame"));
    }
    let nl = out.iter().position(|&b| b == b'\n').ok_or_else(|| frame_err("bad frame"))?;
    let header = String::from_utf8_lossy(&out[TAG.len()..nl]).to_string();
    let nums: Vec<i64> = header
        .split_whitespace()
        .map(|w| w.parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| frame_err("bad frame header"))?;
    if nums.len() != 5 || nums[1..].iter().any(|&n| n < 0) {
        return Err(frame_err("bad frame header"));
    }
    let mut rest = &out[nl + 1..];
    let mut take = |n: i64| -> Result<String, String> {
        let n = n as usize;
        if rest.len() < n {
            return Err(frame_err("short frame"));
        }
        let (a, b) = rest.split_at(n);
        rest = b;
        Ok(String::from_utf8_lossy(a).into_owned())
    };
    let stdout = take(nums[1])?;
    let stderr = take(nums[2])?;
    let post = take(nums[3])?;
    let pids = take(nums[4])?;
    let pids: Vec<&str> = pids.split_whitespace().collect();
    Ok(Outcome {
        stdout: mask_pids(&normalise(&stdout), &pids),
        stderr: mask_pids(&normalise(&stderr), &pids),
        status: nums[0] as i32,
        post: mask_pids(&post, &pids),
        command: command_line(case, side),
    })
}

/// The oracle must be iproute2 6.1 (the version netns is compatible with).
fn check_oracle() -> Result<(), String> {
    static VERSION: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    VERSION
        .get_or_init(|| {
            let out = Command::new(IP).arg("-V").output().map_err(|e| format!("cannot run {IP}: {e}"))?;
            let v = String::from_utf8_lossy(&out.stdout);
            if v.starts_with("ip utility, iproute2-6.1.") {
                Ok(())
            } else {
                Err(format!("{IP} is not iproute2 6.1 (the version netns is compatible with): {v:?}"))
            }
        })
        .clone()
}

/// Check the case's options scan as options and nothing else, so that the
/// two command lines mean the same thing.
pub fn validate(case: &Case) -> Result<(), String> {
    let mut all = case.opts.clone();
    all.extend(case.args.iter().cloned());
    let (n, dangling) = split_ip_options(&all);
    if n != case.opts.len() || (dangling && !case.args.is_empty()) {
        return Err(format!(
            "case `{}`: options {:?} / args {:?} do not split at the same place for `ip` \
             (an argument starting with '-' needs a `--` option before it)",
            case.name, case.opts, case.args
        ));
    }
    Ok(())
}

/// Run a case on both sides with `tool` as the command under test and
/// compare. `Err` carries a readable report.
pub fn run_case_with(case: &Case, tool: &Path) -> Result<(), String> {
    let (reference, ours) = run_both(case, tool)?;
    match compare(case, &reference, &ours) {
        None => Ok(()),
        Some(m) => Err(m),
    }
}

/// Run a documented divergence against `tool`: the outcomes must differ.
pub fn run_divergent_case_with(case: &Case, tool: &Path) -> Result<(), String> {
    let (reference, ours) = run_both(case, tool)?;
    match compare(case, &reference, &ours) {
        Some(m) => {
            eprintln!("expected divergence ({}):\n{m}", case.divergence.as_deref().unwrap_or(""));
            Ok(())
        }
        None => Err(format!(
            "case `{}` is marked as a deliberate difference ({}) but netns now behaves exactly like \
             iproute2; update docs/compat.md and drop `.diverges(..)`\n  command: {}\n  outcome: {:?}",
            case.name,
            case.divergence.as_deref().unwrap_or(""),
            ours.command,
            (&ours.stdout, &ours.stderr, ours.status, &ours.post)
        )),
    }
}

/// Run both sides of a case; `(iproute2, tool)`.
pub fn run_both(case: &Case, tool: &Path) -> Result<(Outcome, Outcome), String> {
    validate(case)?;
    let reference = run_side(case, &Side::Iproute2).map_err(|e| format!("case `{}`: iproute2 side: {e}", case.name))?;
    let ours =
        run_side(case, &Side::Tool(tool.to_path_buf())).map_err(|e| format!("case `{}`: tool side: {e}", case.name))?;
    if std::env::var_os("NETNS_DIFF_VERBOSE").is_some() {
        eprintln!(
            "case `{}`\n  iproute2: {}\n  {:?}\n  netns:    {}\n  {:?}",
            case.name,
            reference.command,
            (&reference.stdout, &reference.stderr, reference.status, &reference.post),
            ours.command,
            (&ours.stdout, &ours.stderr, ours.status, &ours.post)
        );
    }
    Ok((reference, ours))
}

/// Run a case against the tool under test. With `$NETNS_DIFF_TOOL` set
/// (meant for an iproute2 wrapper such as `ipwrap`) every case is compared
/// exactly; against the netns binary (`default_tool`) cases marked with
/// [`Case::diverges`] must differ instead.
pub fn run_case(case: &Case, default_tool: &str) -> Result<(), String> {
    let overridden = std::env::var_os("NETNS_DIFF_TOOL").is_some_and(|v| !v.is_empty());
    let tool = tool_under_test(default_tool);
    if case.divergence.is_some() && !overridden {
        run_divergent_case_with(case, &tool)
    } else {
        run_case_with(case, &tool)
    }
}

/// Like [`run_case`], panicking with the report on mismatch.
pub fn check(case: &Case, default_tool: &str) {
    if let Err(m) = run_case(case, default_tool) {
        panic!("{m}");
    }
}

/// Run many cases with `jobs` threads; returns the failure reports.
pub fn run_all_with(cases: &[Case], tool: &Path, jobs: usize) -> Vec<String> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(c) = cases.get(i) else { break };
                    if let Err(m) = run_case_with(c, tool) {
                        failures.lock().unwrap().push(m);
                    }
                }
            });
        }
    });
    failures.into_inner().unwrap()
}

/// Declares the differential cases of a module: one `#[test]` per case,
/// named after it (so `cargo test NAME` runs one case), which checks it
/// against the netns binary ([`check`]) as root, and `all_cases()`, every case of
/// the module (for an A/A self-check).
///
/// ```text
/// cases! {
///     list_empty => case().setup("ip netns add x; ip netns del x");
/// }
/// ```
macro_rules! cases {
    ($($name:ident => $case:expr;)+) => {
        $(
            #[test]
            fn $name() {
                require_root!();
                $crate::support::diff::check(&$case.named(stringify!($name)), $crate::support::netns());
            }
        )+

        /// Every case of this module.
        #[allow(dead_code)]
        fn all_cases() -> Vec<$crate::support::diff::Case> {
            vec![$($case.named(stringify!($name))),+]
        }
    };
}
pub(crate) use cases;
