//! Scripted tests: every test runs one bash script in a sandbox (see
//! [`super::sandbox`]) with [`Script::run`], and reads what it recorded.
//!
//! Inside the script:
//!
//! - `$NETNS` is the binary under test (at `/tmp/.h/bin/netns`), `$IP` is
//!   `/usr/sbin/ip`, `$H` a scratch directory (`/tmp/.h`), `$NOBODY` the
//!   `setpriv` prefix that drops to uid/gid 65534 without capabilities; the
//!   working directory is `$H/w` (mode 700), where [`Script::file`]s are;
//! - `r LABEL CMD…` runs a command (stdin `/dev/null`) and records its
//!   stdout, stderr and exit status under LABEL; the test reads them with
//!   [`Run::get`];
//! - `ri LABEL FILE CMD…` is `r` with stdin from FILE;
//! - `v LABEL TEXT` records a value (status 0, TEXT as stdout);
//! - `must CMD…` runs a setup step and ends the script (status 99) if it
//!   fails; `die MSG` ends it with a message;
//! - `wait_for CMD…` retries CMD every 10 ms for up to 5 s (dies if it never
//!   succeeds);
//! - `bg_in TOOL NAME` starts `sleep 100` in namespace NAME with
//!   `TOOL netns exec` (`TOOL` is `$IP` or `$NETNS`), waits until it has
//!   switched, and leaves its pid in `$P`;
//! - `nsfs_mounts` prints the mountinfo lines of the nsfs mounts the script
//!   made (the sandbox detaches the ones it inherited from the host, and
//!   this leaves out any it could not).
//!
//! Anything else the script prints goes to its stderr, which is shown when an
//! assertion fails. Background jobs of the script are killed when it ends.

use super::sandbox::{self, Sandbox};
use super::{NOBODY, netns};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// Default time limit of one script.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// What every script runs after the sandbox's set-up: records go to the
/// script's standard output (fd 3), everything else to its stderr.
const PRELUDE: &str = r#"
exec 3>&1 1>&2
mkdir -m 700 "$H/w" || { echo 'harness: cannot make the working directory' >&2; exit 97; }
NETNS=$H/bin/netns
IP=/usr/sbin/ip
export NETNS IP H NOBODY
unset NETNS_RUN_DIR NETNS_ETC_DIR
cd "$H/w"
if [ -n "${SANDBOX_INPUT:-}" ]; then cat >"$H/input"; fi
unset SANDBOX_INPUT
exec </dev/null
trap 'j=$(jobs -p); [ -n "$j" ] && kill -9 $j 2>/dev/null; wait 2>/dev/null' EXIT

_rec() { # label rc outfile errfile
    printf '%s\n%s\n%s\n%s\n' "$1" "$2" "$(stat -c %s "$3")" "$(stat -c %s "$4")" >&3
    cat "$3" "$4" >&3
}
r() {
    local label=$1; shift
    "$@" >"$H/w/.o" 2>"$H/w/.e" </dev/null 3>&-
    _rec "$label" $? "$H/w/.o" "$H/w/.e"
}
ri() {
    local label=$1 input=$2; shift 2
    "$@" >"$H/w/.o" 2>"$H/w/.e" <"$input" 3>&-
    _rec "$label" $? "$H/w/.o" "$H/w/.e"
}
v() {
    printf '%s' "$2" >"$H/w/.o"; : >"$H/w/.e"
    _rec "$1" 0 "$H/w/.o" "$H/w/.e"
}
die() { echo "script: $*" >&2; exit 99; }
must() { "$@" || die "setup step failed (status $?): $*"; }
wait_for() {
    local n=0
    until "$@" >/dev/null 2>&1; do
        n=$((n + 1))
        [ "$n" -gt 500 ] && die "timed out waiting for: $*"
        sleep 0.01
    done
}
_in_ns() { [ "$("$IP" netns identify "$1" 2>/dev/null)" = "$2" ]; }
bg_in() {
    "$1" netns exec "$2" sleep 100 </dev/null >/dev/null 2>&1 &
    P=$!
    wait_for _in_ns "$P" "$2"
}
nsfs_mounts() { _nsfs_lines | while IFS= read -r l; do case $_FOREIGN_NSFS in *" ${l%% *} "*) ;; *) printf '%s\n' "$l" ;; esac; done; }
"#;

/// A script to run in a sandbox.
#[derive(Clone, Debug)]
pub struct Script {
    body: String,
    net: bool,
    input: Option<Vec<u8>>,
    files: Vec<(String, String)>,
    timeout: Duration,
}

/// The text every script starts with, the sandbox's set-up included (for a
/// test that runs a script inside another, to check the harness itself).
/// It binds the program named by `$SANDBOX_PROGRAM`, and wants `$NOBODY`.
pub fn prelude() -> String {
    format!("{}{PRELUDE}", sandbox::SETUP)
}

/// Start a script with this body.
pub fn script(body: &str) -> Script {
    Script { body: body.to_string(), net: true, input: None, files: Vec::new(), timeout: TIMEOUT }
}

/// One `r`/`v` record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rec {
    pub rc: i32,
    pub out: Vec<u8>,
    pub err: Vec<u8>,
}

impl Rec {
    /// stdout as text (lossy).
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.out).into_owned()
    }
    /// stderr as text (lossy).
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.err).into_owned()
    }
}

/// What a script left behind.
#[derive(Debug)]
pub struct Run {
    pub body: String,
    /// Records in the order the script made them.
    pub recs: Vec<(String, Rec)>,
    pub index: BTreeMap<String, usize>,
    /// The script's own stderr (everything it printed outside `r`).
    pub log: String,
    /// The script's exit status (`None`: killed by a signal).
    pub status: Option<i32>,
    pub elapsed: Duration,
}

impl Script {
    /// Run without a private network namespace (the host's network
    /// namespace; names and mounts stay private all the same).
    #[allow(dead_code)] // for a test of the host's own network; none needs it today
    pub fn host_net(mut self) -> Self {
        self.net = false;
        self
    }
    /// Bytes the prelude saves to `$H/input` before the body runs.
    pub fn input(mut self, bytes: &[u8]) -> Self {
        self.input = Some(bytes.to_vec());
        self
    }
    /// A file the prelude writes to the working directory (`$H/w`, mode
    /// 644) before the body runs.
    pub fn file(mut self, name: &str, text: &str) -> Self {
        self.files.push((name.to_string(), text.to_string()));
        self
    }
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Run the script; panics (with everything it printed) if it did not
    /// exit with status 0 or took longer than its time limit.
    pub fn run(&self) -> Run {
        let run = self.run_raw();
        if run.status != Some(0) {
            panic!("script did not end with status 0\n{}", run.dump());
        }
        run
    }

    /// Run the script and return whatever happened.
    pub fn run_raw(&self) -> Run {
        let mut text = String::from(PRELUDE);
        for (name, content) in &self.files {
            let (name, content) = (super::sh_quote(name), super::sh_quote(content));
            let _ = writeln!(text, "printf %s {content} >{name} || die 'cannot write '{name}");
        }
        let _ = write!(text, "# ---- test body\n{}", self.body);
        let mut env = vec![("NOBODY", NOBODY)];
        if self.input.is_some() {
            env.push(("SANDBOX_INPUT", "1"));
        }
        let sandbox = Sandbox {
            program: Path::new(netns()),
            net: self.net,
            stdin: self.input.as_deref(),
            env,
            timeout: self.timeout,
        };
        let done = sandbox.run(&text).expect("cannot start unshare (util-linux)");
        let mut log = String::from_utf8_lossy(&done.stderr).into_owned();
        if done.timed_out {
            let _ = write!(log, "\n[harness: killed after {:?}]", self.timeout);
        }
        let (recs, parse_error) = parse_records(&done.stdout);
        if let Some(e) = parse_error {
            let _ = write!(log, "\n[harness: bad record stream: {e}]");
        }
        let mut index = BTreeMap::new();
        for (i, (label, _)) in recs.iter().enumerate() {
            if index.insert(label.clone(), i).is_some() {
                let _ = write!(log, "\n[harness: label {label:?} recorded twice]");
            }
        }
        Run { body: self.body.clone(), recs, index, log, status: done.status, elapsed: done.elapsed }
    }
}

fn parse_records(mut s: &[u8]) -> (Vec<(String, Rec)>, Option<String>) {
    fn line<'a>(s: &mut &'a [u8]) -> Option<&'a [u8]> {
        let i = s.iter().position(|&b| b == b'\n')?;
        let l = &s[..i];
        *s = &s[i + 1..];
        Some(l)
    }
    fn num(s: &mut &[u8]) -> Option<usize> {
        std::str::from_utf8(line(s)?).ok()?.parse().ok()
    }
    let mut recs = Vec::new();
    while !s.is_empty() {
        let Some(label) = line(&mut s) else { return (recs, Some("truncated label".into())) };
        let label = String::from_utf8_lossy(label).into_owned();
        let Some(rc) = line(&mut s).and_then(|l| std::str::from_utf8(l).ok()?.parse::<i32>().ok()) else {
            return (recs, Some(format!("bad status for {label}")));
        };
        let (Some(no), Some(ne)) = (num(&mut s), num(&mut s)) else {
            return (recs, Some(format!("bad sizes for {label}")));
        };
        if s.len() < no + ne {
            return (recs, Some(format!("truncated output for {label}")));
        }
        let out = s[..no].to_vec();
        let err = s[no..no + ne].to_vec();
        s = &s[no + ne..];
        recs.push((label, Rec { rc, out, err }));
    }
    (recs, None)
}

impl Run {
    /// The record LABEL; panics (with the whole run) if there is none.
    pub fn get(&self, label: &str) -> &Rec {
        match self.index.get(label) {
            Some(&i) => &self.recs[i].1,
            None => panic!("no record {label:?}\n{}", self.dump()),
        }
    }

    /// Is there a record LABEL?
    #[allow(dead_code)] // for a test whose script records a label only sometimes
    pub fn has(&self, label: &str) -> bool {
        self.index.contains_key(label)
    }

    /// Everything, for failure messages.
    pub fn dump(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "---- script status {:?} after {:?}", self.status, self.elapsed);
        let _ = writeln!(s, "---- script body:\n{}", self.body.trim_end());
        for (label, rec) in &self.recs {
            let _ = writeln!(s, "---- [{label}] status {}", rec.rc);
            let _ = writeln!(s, "  stdout: {}", clip(&rec.out));
            let _ = writeln!(s, "  stderr: {}", clip(&rec.err));
        }
        let _ = writeln!(s, "---- script stderr:\n{}", self.log);
        s
    }

    /// Panic with `msg` and the whole run unless `cond`.
    #[track_caller]
    pub fn check(&self, cond: bool, msg: impl AsRef<str>) {
        if !cond {
            panic!("{}\n{}", msg.as_ref(), self.dump());
        }
    }

    /// The record LABEL must have exactly this status, stdout and stderr.
    #[track_caller]
    pub fn expect(&self, label: &str, rc: i32, out: &str, err: &str) {
        let r = self.get(label);
        self.check(
            r.rc == rc && r.out == out.as_bytes() && r.err == err.as_bytes(),
            format!(
                "[{label}] expected status {rc}, stdout {out:?}, stderr {err:?}\n  got status {}, stdout {}, stderr {}",
                r.rc,
                clip(&r.out),
                clip(&r.err)
            ),
        );
    }

    /// The record LABEL must have this status.
    #[track_caller]
    pub fn expect_rc(&self, label: &str, rc: i32) {
        let r = self.get(label);
        self.check(r.rc == rc, format!("[{label}] expected status {rc}, got {}", r.rc));
    }

    /// Two records must be identical (status, stdout, stderr).
    #[track_caller]
    pub fn expect_same(&self, a: &str, b: &str) {
        let (x, y) = (self.get(a), self.get(b));
        self.check(x == y, format!("[{a}] and [{b}] differ"));
    }
}

/// Bytes for a failure message: text as a quoted string, anything that is
/// not UTF-8 as an escaped byte string; long values clipped.
fn clip(b: &[u8]) -> String {
    let (b, more) = if b.len() > 2000 { (&b[..2000], format!("… ({} bytes)", b.len())) } else { (b, String::new()) };
    match std::str::from_utf8(b) {
        Ok(s) => format!("{s:?}{more}"),
        Err(_) => format!("b\"{}\"{more}", b.escape_ascii()),
    }
}
