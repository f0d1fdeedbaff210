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

/// Global option table of `ip/ip.c` (iproute2 6.1), in matching order:
/// (name, exact-match-only, takes-a-value). `-color` is special-cased.
const IP_OPTIONS: &[(&str, bool, bool)] = &[
    ("-loops", false, true),
    ("-family", false, true),
    ("-4", true, false),
    ("-6", true, false),
    ("-0", true, false),
    ("-M", true, false),
    ("-B", true, false),
    ("-human", false, false),
    ("-human-readable", false, false),
    ("-iec", false, false),
    ("-stats", false, false),
    ("-statistics", false, false),
    ("-details", false, false),
    ("-resolve", false, false),
    ("-oneline", false, false),
    ("-timestamp", false, false),
    ("-tshort", false, false),
    ("-Version", false, false),
    ("-force", false, false),
    ("-batch", false, true),
    ("-brief", false, false),
    ("-json", false, false),
    ("-pretty", false, false),
    ("-rcvbuf", false, true),
    ("-color", false, false), // matches_color(): prefix before '=', value always/auto/never/empty
    ("-help", false, false),
    ("-netns", false, true),
    ("-Numeric", false, false),
    ("-all", false, false),
    ("-echo", true, false),
];

/// Does the (dash-folded) option word take the next word as its value?
/// Mirrors the first-match-wins `matches()` scan of `ip/ip.c`.
pub fn ip_option_takes_value(word: &str) -> bool {
    let opt = if word.len() > 1 && word.as_bytes()[1] == b'-' { &word[1..] } else { word };
    for &(name, exact, value) in IP_OPTIONS {
        let hit = if name == "-color" {
            let (head, val) = match opt.find('=') {
                Some(i) => (&opt[..i], &opt[i + 1..]),
                None => (opt, ""),
            };
            !head.is_empty() && name.starts_with(head) && ["", "always", "auto", "never"].contains(&val)
        } else if exact {
            opt == name
        } else {
            !opt.is_empty() && name.starts_with(opt)
        };
        if hit {
            return value;
        }
    }
    false // unknown option: ip exits there, nothing after it matters
}

/// Split a command line the way `ip` scans global options: returns
/// `(number of option words, dangling)` where `dangling` means the last
/// option wanted a value and there was none.
pub fn split_ip_options(words: &[String]) -> (usize, bool) {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            return (i + 1, false);
        }
        if !w.starts_with('-') {
            break;
        }
        i += 1;
        if ip_option_takes_value(w) {
            if i == words.len() {
                return (i, true);
            }
            i += 1;
        }
    }
    (i, false)
}

/// Text of the `ipwrap` wrapper: `ipwrap [OPTS] [ARGS]` runs
/// `/usr/sbin/ip [OPTS] netns [ARGS]`, splitting options exactly like
/// [`split_ip_options`] (and `ip/ip.c`). A dangling value-taking option is
/// passed on without the `netns` word, as `ip` would see it.
pub const IPWRAP: &str = r#"#!/bin/sh
# ipwrap: iproute2 with the command line of the netns binary.
#   ipwrap [GLOBAL-OPTIONS] [ARGS...]  ->  /usr/sbin/ip [GLOBAL-OPTIONS] netns [ARGS...]
# Global options are split off the way ip/ip.c (iproute2 6.1) scans them:
# up to the first word not starting with '-', or up to and including '--';
# a leading '--' is folded to '-'; first prefix match in ip's order wins;
# -loops, -family, -batch, -rcvbuf and -netns take the next word as value.
# POSIX sh (not bash) so that the environment passed on is left untouched.
takes_value() {
    case $1 in --*) o=${1#-} ;; *) o=$1 ;; esac
    for e in p:-loops:1 p:-family:1 x:-4:0 x:-6:0 x:-0:0 x:-M:0 x:-B:0 \
        p:-human:0 p:-human-readable:0 p:-iec:0 p:-stats:0 p:-statistics:0 \
        p:-details:0 p:-resolve:0 p:-oneline:0 p:-timestamp:0 p:-tshort:0 \
        p:-Version:0 p:-force:0 p:-batch:1 p:-brief:0 p:-json:0 p:-pretty:0 \
        p:-rcvbuf:1 c:-color:0 p:-help:0 p:-netns:1 p:-Numeric:0 p:-all:0 \
        x:-echo:0; do
        kind=${e%%:*}; val=${e##*:}; name=${e#*:}; name=${name%:*}
        case $kind in
        x) [ "$o" = "$name" ] || continue ;;
        p) case $name in "$o"*) ;; *) continue ;; esac ;;
        c)
            head=${o%%=*}
            case $o in *=*) arg=${o#*=} ;; *) arg= ;; esac
            [ -n "$head" ] || continue
            case $name in "$head"*) ;; *) continue ;; esac
            case $arg in "" | always | auto | never) ;; *) continue ;; esac
            ;;
        esac
        [ "$val" = 1 ]
        return
    done
    return 1
}
# Rotate "$@" into: OPTIONS netns ARGS (no netns after a dangling value option).
mode=opt
want=0
for a do
    shift
    if [ "$mode" = opt ]; then
        if [ "$want" = 1 ]; then
            want=0
            set -- "$@" "$a"
            continue
        fi
        if [ "$a" = -- ]; then
            set -- "$@" "$a" netns
            mode=arg
            continue
        fi
        case $a in
        -*)
            set -- "$@" "$a"
            if takes_value "$a"; then want=1; fi
            continue
            ;;
        esac
        set -- "$@" netns
        mode=arg
    fi
    set -- "$@" "$a"
done
if [ "$mode" = opt ] && [ "$want" = 0 ]; then set -- "$@" netns; fi
exec /usr/sbin/ip "$@"
"#;

/// Write the `ipwrap` wrapper to `path` (mode 0755).
pub fn write_ipwrap(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, IPWRAP)?;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&tmp, path)
}

/// Path of the `ipwrap` wrapper written by [`ipwrap_path`].
pub fn default_ipwrap_path() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("ipwrap")
}

/// Write `ipwrap` under cargo's target tmp dir (once per process) and
/// return its path.
pub fn ipwrap_path() -> PathBuf {
    static WRITTEN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    WRITTEN
        .get_or_init(|| {
            let p = default_ipwrap_path();
            write_ipwrap(&p).unwrap_or_else(|e| panic!("cannot write {}: {e}", p.display()));
            p
        })
        .clone()
}

/// The tool under test: `$NETNS_DIFF_TOOL` if set (the word `ipwrap` means
/// the wrapper of [`ipwrap_path`]), else `default`.
pub fn tool_under_test(default: &str) -> PathBuf {
    match std::env::var_os("NETNS_DIFF_TOOL") {
        Some(p) if p == "ipwrap" => ipwrap_path(),
        Some(p) if !p.is_empty() => {
            let p = PathBuf::from(p);
            std::fs::canonicalize(&p).unwrap_or(p)
        }
        _ => PathBuf::from(default),
    }
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

/// Rewrite iproute2's program name in its messages (see module docs).
pub fn normalise(s: &str) -> String {
    s.replace("ip [-all] netns", "netns [-all]")
        .replace("ip netns", "netns")
        .replace("\"ip -help\"", "\"netns -help\"")
        .replace("\"ip help\"", "\"netns help\"")
}

/// Replace every maximal run of digits equal to one of `pids` by `<PID>`.
pub fn mask_pids(s: &str, pids: &[&str]) -> String {
    if pids.is_empty() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if pids.contains(&digits.as_str()) {
            out.push_str("<PID>");
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
        } else {
            flush(&mut digits, &mut out);
            out.push(ch);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// Minimal line diff (LCS) for messages: ` ` common, `-` iproute2, `+` tool.
pub fn line_diff(a: &str, b: &str) -> String {
    let a: Vec<&str> = a.split_inclusive('\n').collect();
    let b: Vec<&str> = b.split_inclusive('\n').collect();
    let (n, m) = (a.len(), b.len());
    let mut l = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            l[i][j] = if a[i] == b[j] { l[i + 1][j + 1] + 1 } else { l[i + 1][j].max(l[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            let _ = writeln!(out, "  {:?}", a[i]);
            i += 1;
            j += 1;
        } else if j < m && (i == n || l[i][j + 1] >= l[i + 1][j]) {
            let _ = writeln!(out, "+ {:?}", b[j]);
            j += 1;
        } else {
            let _ = writeln!(out, "- {:?}", a[i]);
            i += 1;
        }
    }
    out
}

fn one_nonempty_line(s: &str) -> bool {
    s.len() > 1 && s.ends_with('\n') && !s[..s.len() - 1].contains('\n')
}

/// Compare two outcomes; `None` when they agree.
pub fn compare(case: &Case, reference: &Outcome, tool: &Outcome) -> Option<String> {
    let mut msg = String::new();
    let field = |msg: &mut String, what: &str, a: &str, b: &str| {
        let _ = write!(
            msg,
            "\n[{what}] differs\n  iproute2: {a:?}\n  netns:    {b:?}\n  diff (- iproute2, + netns):\n{}",
            line_diff(a, b)
        );
    };
    match case.check {
        Check::Exact => {
            if reference.stdout != tool.stdout {
                field(&mut msg, "stdout", &reference.stdout, &tool.stdout);
            }
        }
        Check::OneLineStdout => {
            if !one_nonempty_line(&reference.stdout) || !one_nonempty_line(&tool.stdout) {
                field(&mut msg, "stdout (one non-empty line expected)", &reference.stdout, &tool.stdout);
            }
        }
    }
    if reference.stderr != tool.stderr {
        field(&mut msg, "stderr", &reference.stderr, &tool.stderr);
    }
    if reference.status != tool.status {
        let _ = write!(msg, "\n[exit status] differs\n  iproute2: {}\n  netns:    {}\n", reference.status, tool.status);
    }
    if reference.post != tool.post {
        field(&mut msg, &format!("post: {}", case.post.as_deref().unwrap_or("")), &reference.post, &tool.post);
    }
    if msg.is_empty() {
        None
    } else {
        Some(format!(
            "case `{}` mismatch\n  setup:    {:?}\n  iproute2: {}\n  netns:    {}\n{msg}",
            case.name, case.setup, reference.command, tool.command
        ))
    }
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
                $crate::support::diff::check(&$case.named(stringify!($name)), $crate::support::NETNS);
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
