//! Shared harness for the interop, bug-fix and robustness suites.
//!
//! Every test runs one bash script with [`Script::run`]:
//!
//! ```text
//! unshare --mount --net --pid --fork --kill-child --mount-proc --propagation private -- bash -c PRELUDE+BODY
//! ```
//!
//! The prelude mounts a fresh tmpfs on `/run` (so `/run/netns` starts
//! missing) and one on `/tmp`, and bind-mounts the `netns` binary built by
//! cargo to `/tmp/.h/bin/netns` (through a descriptor opened before `/tmp`
//! is replaced, so uid 65534 can run it wherever the target directory is).
//! Names, mounts and processes therefore never reach the host: the private
//! network namespace keeps nsid numbering deterministic, and the private pid
//! namespace guarantees that everything the script started dies with it
//! (scripts still kill their own background jobs: the prelude's EXIT trap).
//!
//! Inside the script:
//!
//! - `$NETNS` is the binary under test, `$IP` is `/usr/sbin/ip`, `$H` a
//!   scratch directory (`/tmp/.h`), `$NOBODY` the `setpriv` prefix that drops
//!   to uid/gid 65534 without capabilities;
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
//!   made (the prelude detaches the ones the sandbox inherited from the
//!   host, and this leaves out any it could not).
//!
//! Anything else the script prints goes to its stderr, which is shown when an
//! assertion fails.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const NETNS: &str = env!("CARGO_BIN_EXE_netns");
/// iproute2.
pub const IP: &str = "/usr/sbin/ip";

/// Default time limit of one script.
pub const TIMEOUT: Duration = Duration::from_secs(30);

const PRELUDE: &str = r#"
exec 3>&1 1>&2
H=/tmp/.h
exec 8<"$NETNS_SRC" || { echo "harness: cannot open $NETNS_SRC" >&2; exit 97; }
# The mounts copied from the host are not the test's: its /run subtree (its
# run directory's own mount, the names in it, a lab running there, a
# container runtime's namespaces) and any other nsfs mount. Detach them here
# (the mount namespace is private: the host keeps them), so that every
# mount under /run and every nsfs mount a test sees is one it made. A mount
# hidden under another one cannot be reached by its path: the id of an nsfs
# one is kept in _FOREIGN_NSFS, and nsfs_mounts leaves it out.
_nsfs_lines() { awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i+1) == "nsfs") print; break } }' /proc/self/mountinfo; }
_detach_foreign() {
    local pass raw p
    for pass in 1 2 3 4; do
        local -a points=()
        while read -r _ _ _ _ raw _; do
            printf -v p '%b' "${raw//\\/\\0}"
            points+=("$p")
        done < <(awk '$5 == "/run" || index($5, "/run/") == 1 { print; next }
            { for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i+1) == "nsfs") print; break } }' /proc/self/mountinfo)
        [ ${#points[@]} -eq 0 ] && return
        umount -n -l -- "${points[@]}" 2>/dev/null
    done
}
_detach_foreign
_FOREIGN_NSFS=" $(_nsfs_lines | awk '{ print $1 }' | tr '\n' ' ')"
mount -t tmpfs -o mode=755 tmpfs /run || { echo 'harness: cannot mount /run' >&2; exit 97; }
mount -t tmpfs -o mode=1777 tmpfs /tmp || { echo 'harness: cannot mount /tmp' >&2; exit 97; }
mkdir -m 755 "$H" "$H/bin" && mkdir -m 700 "$H/w" && : >"$H/bin/netns" \
    && mount --bind /proc/self/fd/8 "$H/bin/netns" && exec 8<&- \
    || { echo 'harness: cannot bind the binary' >&2; exit 97; }
NETNS=$H/bin/netns
IP=/usr/sbin/ip
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
export NETNS IP H NOBODY
unset NETNS_RUN_DIR NETNS_ETC_DIR
cd "$H/w"
if [ -n "${NETNS_TEST_INPUT:-}" ]; then cat >"$H/input"; fi
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

/// A script to run in private namespaces.
#[derive(Clone, Debug)]
pub struct Script {
    body: String,
    net: bool,
    input: Option<Vec<u8>>,
    timeout: Duration,
}

/// The text every script starts with (for a test that runs a script
/// inside another, to check the harness itself).
pub fn prelude() -> &'static str {
    PRELUDE
}

/// Start a script with this body.
pub fn script(body: &str) -> Script {
    Script { body: body.to_string(), net: true, input: None, timeout: TIMEOUT }
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
    pub fn host_net(mut self) -> Self {
        self.net = false;
        self
    }
    /// Bytes the prelude saves to `$H/input` before the body runs.
    pub fn input(mut self, bytes: &[u8]) -> Self {
        self.input = Some(bytes.to_vec());
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
        let mut cmd = Command::new("unshare");
        cmd.arg("--mount");
        if self.net {
            cmd.arg("--net");
        }
        cmd.args(["--pid", "--fork", "--kill-child", "--mount-proc", "--propagation", "private", "--", "bash", "-c"]);
        let text = format!("{PRELUDE}\n# ---- test body\n{}\n", self.body);
        cmd.arg(&text);
        // The caller's NETNS_* settings (run, etc and lab directories, the
        // nft binary) are not the test's: each script sets what it needs.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("NETNS_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("NETNS_SRC", NETNS);
        cmd.env("LC_ALL", "C");
        if self.input.is_some() {
            cmd.env("NETNS_TEST_INPUT", "1");
        } else {
            cmd.env_remove("NETNS_TEST_INPUT");
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd.spawn().expect("cannot start unshare (util-linux)");
        let mut stdin = child.stdin.take().expect("stdin");
        let input = self.input.clone();
        let feeder = std::thread::spawn(move || {
            if let Some(bytes) = input {
                let _ = stdin.write_all(&bytes);
            }
        });
        let mut out_pipe = child.stdout.take().expect("stdout");
        let mut err_pipe = child.stderr.take().expect("stderr");
        let out_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = out_pipe.read_to_end(&mut v);
            v
        });
        let err_reader = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = err_pipe.read_to_end(&mut v);
            v
        });
        let mut timed_out = false;
        let status = loop {
            if let Some(st) = child.try_wait().expect("wait") {
                break st;
            }
            if start.elapsed() > self.timeout {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("wait");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let elapsed = start.elapsed();
        let _ = feeder.join();
        let out = out_reader.join().unwrap_or_default();
        let mut log = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
        if timed_out {
            let _ = write!(log, "\n[harness: killed after {:?}]", self.timeout);
        }
        let (recs, parse_error) = parse_records(&out);
        if let Some(e) = parse_error {
            let _ = write!(log, "\n[harness: bad record stream: {e}]");
        }
        let mut index = BTreeMap::new();
        for (i, (label, _)) in recs.iter().enumerate() {
            if index.insert(label.clone(), i).is_some() {
                let _ = write!(log, "\n[harness: label {label:?} recorded twice]");
            }
        }
        let status = if timed_out { None } else { status.code() };
        Run { body: self.body.clone(), recs, index, log, status, elapsed }
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

/// One parsed `/proc/self/mountinfo` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountInfo {
    pub mount_point: String,
    pub root: String,
    /// Optional fields (`shared:N`, `master:N`, …).
    pub optional: Vec<String>,
    pub fstype: String,
    pub source: String,
}

/// Parse mountinfo text (octal escapes in paths are left as they are).
pub fn parse_mountinfo(text: &str) -> Vec<MountInfo> {
    let mut v = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let Some(dash) = f.iter().skip(6).position(|&x| x == "-").map(|p| p + 6) else { continue };
        if f.len() < dash + 3 || f.len() < 7 {
            continue;
        }
        v.push(MountInfo {
            root: f[3].to_string(),
            mount_point: f[4].to_string(),
            optional: f[6..dash].iter().map(|s| s.to_string()).collect(),
            fstype: f[dash + 1].to_string(),
            source: f[dash + 2].to_string(),
        });
    }
    v
}

/// Lines of `text`, as a sorted vector (for order-independent compares).
pub fn sorted_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(str::to_string).collect();
    v.sort();
    v
}

/// Script lines that write every `examples/*.toml` of the checkout into
/// `$H/ex/`, and set `EX` to it. The checkout itself may be out of sight
/// inside a script (a checkout under /tmp is hidden by the script's tmpfs),
/// so the files travel in the script's own text.
pub fn examples_prelude() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("examples/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    names.sort();
    let mut out = String::from("mkdir -p \"$H/ex\"\nEX=$H/ex\n");
    for p in names {
        let text = std::fs::read_to_string(&p).expect("an example is text");
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let _ = write!(out, "cat > \"$EX/{name}\" <<'NETNS_EXAMPLE_EOF'\n{text}NETNS_EXAMPLE_EOF\n");
    }
    out
}

/// The prelude of every lab script: private /etc/netns, and `leftovers`,
/// which prints anything of a lab still on the machine.
pub fn lab_script(body: &str) -> Script {
    let examples = examples_prelude();
    script(&format!(
        r#"
export NETNS_ETC_DIR=$H/etc
{examples}
leftovers() {{
    "$IP" netns list
    ls -A "$NETNS_ETC_DIR" 2>/dev/null
    ls -A /run/netns-lab 2>/dev/null
    nsfs_mounts
    "$IP" -o link show | grep -v ': lo:'
    ps -e -o comm= | grep -v -x -E 'bash|ps|grep|sort|cat'
}}
{body}
"#
    ))
    .timeout(std::time::Duration::from_secs(120))
}
