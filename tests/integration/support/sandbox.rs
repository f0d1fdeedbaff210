//! The sandbox every integration test runs its commands in:
//!
//! ```text
//! unshare --mount [--net] --pid --fork --kill-child --mount-proc --propagation private -- bash -c SETUP+BODY
//! ```
//!
//! [`SETUP`] makes the mount namespace the test's own: it detaches every
//! mount under `/run` and every nsfs mount copied from the host (the host
//! keeps them: the namespace is private), mounts a fresh tmpfs on `/run` (so
//! `/run/netns` starts missing) and one on `/tmp`, and bind-mounts the
//! program under test to `/tmp/.h/bin/<its file name>` through a descriptor
//! opened before `/tmp` was replaced, so a binary under `/tmp` or under a
//! directory uid 65534 cannot enter still runs, under its own name.
//!
//! Names, mounts and processes therefore never reach the host. The private
//! network namespace keeps nsid numbering deterministic, and the private pid
//! namespace guarantees that everything started inside dies with the
//! sandbox, also when the test fails or the sandbox is killed on a timeout
//! (`--kill-child`). The caller's `NETNS_*` settings (run, etc and lab
//! directories, the nft binary) are not the test's: they are dropped.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The scratch directory inside every sandbox.
pub const H: &str = "/tmp/.h";

/// What every sandbox runs first (bash). The program to bind comes in
/// `$SANDBOX_PROGRAM`; it ends with `$H` set, `$H/bin/` holding the
/// program, and the umask at 022.
pub const SETUP: &str = r#"
H=/tmp/.h
umask 022
exec 8<"$SANDBOX_PROGRAM" || { echo "sandbox: cannot open $SANDBOX_PROGRAM" >&2; exit 97; }
# The mounts copied from the host are not the test's: its /run subtree (its
# run directory's own mount, the names in it, a lab running there, a
# container runtime's namespaces) and any other nsfs mount. Detach them
# here, so that every mount under /run and every nsfs mount a test sees is
# one it made. A mount hidden under another one cannot be reached by its
# path: the id of an nsfs one is kept in _FOREIGN_NSFS for `nsfs_mounts`.
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
mount -t tmpfs -o mode=755 tmpfs /run || { echo 'sandbox: cannot mount /run' >&2; exit 97; }
mount -t tmpfs -o mode=1777 tmpfs /tmp || { echo 'sandbox: cannot mount /tmp' >&2; exit 97; }
_bin=$H/bin/${SANDBOX_PROGRAM##*/}
mkdir -m 755 "$H" "$H/bin" && : >"$_bin" && mount --bind /proc/self/fd/8 "$_bin" && exec 8<&- \
    || { echo 'sandbox: cannot bind the program under test' >&2; exit 97; }
unset _bin SANDBOX_PROGRAM
"#;

/// Where `program` is inside the sandbox (see [`SETUP`]).
pub fn program_inside(program: &Path) -> String {
    let name = program.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "program".into());
    format!("{H}/bin/{name}")
}

/// One run of a sandbox.
pub struct Sandbox<'a> {
    /// Bound at [`program_inside`].
    pub program: &'a Path,
    /// A private network namespace too (else the host's; names and mounts
    /// stay private all the same).
    pub net: bool,
    /// Standard input of the script (`/dev/null` when `None`).
    pub stdin: Option<&'a [u8]>,
    /// Environment variables set for the script, after the `NETNS_*` ones
    /// were dropped.
    pub env: Vec<(&'a str, &'a str)>,
    /// The sandbox is killed, and everything in it, after this long.
    pub timeout: Duration,
}

/// What a sandbox left.
#[derive(Debug)]
pub struct Finished {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit status; `None` when it was killed (on its timeout, or by a
    /// signal).
    pub status: Option<i32>,
    pub timed_out: bool,
    pub elapsed: Duration,
}

impl Sandbox<'_> {
    /// Run `body` (bash) after [`SETUP`] and wait for it, at most
    /// `self.timeout`. Errs only when `unshare` cannot be started.
    pub fn run(&self, body: &str) -> std::io::Result<Finished> {
        let mut cmd = Command::new("unshare");
        cmd.arg("--mount");
        if self.net {
            cmd.arg("--net");
        }
        cmd.args(["--pid", "--fork", "--kill-child", "--mount-proc", "--propagation", "private", "--", "bash", "-c"]);
        cmd.arg(format!("{SETUP}\n{body}\n"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("NETNS_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("LC_ALL", "C").env("SANDBOX_PROGRAM", self.program).current_dir("/");
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd.stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd.spawn()?;
        let feeder = child.stdin.take().map(|mut pipe| {
            let bytes = self.stdin.unwrap_or_default().to_vec();
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            })
        });
        let stdout = drain(child.stdout.take().expect("stdout is piped"));
        let stderr = drain(child.stderr.take().expect("stderr is piped"));
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if start.elapsed() > self.timeout {
                // --kill-child takes the whole pid namespace down with unshare.
                timed_out = true;
                let _ = child.kill();
                break child.wait()?;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let elapsed = start.elapsed();
        if let Some(feeder) = feeder {
            let _ = feeder.join();
        }
        Ok(Finished {
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
            status: if timed_out { None } else { status.code() },
            timed_out,
            elapsed,
        })
    }
}

/// Read a pipe to its end on a thread of its own (the other pipe must not
/// fill up meanwhile).
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}
