//! Processes of a lab: one-shot `exec` commands, managed `run` processes
//! and, on `down`, ending everything that still runs in a lab namespace.
//!
//! Commands run through `netns exec NS …` (this very binary), so they see
//! what a user's `ip netns exec` would: the namespace's `/sys` and its
//! `/etc/netns/NS/` files.

use super::error::io_cause;
use super::interrupt::Interrupted;
use super::state::{RunRecord, start_time};
use crate::namespace::{NetNs, NsId};
use crate::procscan::ProcScan;
use std::collections::BTreeSet;
use std::fs::File;
use std::io;
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn netns_exec(ns: &str) -> Command {
    let exe = std::env::current_exe().unwrap_or_else(|_| "/proc/self/exe".into());
    let mut cmd = Command::new(exe);
    cmd.arg("exec").arg(ns);
    cmd
}

/// Why a one-shot command (`exec`, `exec_down`) failed: the command, its
/// namespace and the cause.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A step of running it failed (`step`: "start", "wait for", …).
    #[error("cannot {step} `{command}` in {ns}: {}", io_cause(source))]
    Io {
        /// What netns was doing.
        step: &'static str,
        /// The command.
        command: String,
        /// The namespace.
        ns: String,
        /// Why.
        source: io::Error,
    },
    /// It ran longer than its bound and was killed.
    #[error("`{command}` in {ns} did not finish within {}: killed it and its process group", show_duration(*limit))]
    TimedOut {
        /// The command.
        command: String,
        /// The namespace.
        ns: String,
        /// The bound.
        limit: Duration,
    },
    /// A signal asked netns to stop while it ran; it was killed.
    #[error("`{command}` in {ns} was interrupted: killed it and its process group")]
    Interrupted {
        /// The command.
        command: String,
        /// The namespace.
        ns: String,
    },
    /// It ended with a failure status.
    #[error("`{command}` in {ns} failed ({status}){}{}", if stderr.is_empty() { "" } else { ": " }, stderr)]
    Failed {
        /// The command.
        command: String,
        /// The namespace.
        ns: String,
        /// How it ended.
        status: ExitStatus,
        /// What it printed on stderr (the first 64 KiB, trimmed).
        stderr: String,
    },
}

/// Why a managed (`run`) process could not be started or did not become
/// ready: the process, its node or namespace, and the cause.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// It could not be started.
    #[error("cannot start process {name} ({}) in {ns}: {}", argv.join(" "), io_cause(source))]
    Start {
        /// The process's name in the file.
        name: String,
        /// Its namespace.
        ns: String,
        /// Its command.
        argv: Vec<String>,
        /// Why.
        source: io::Error,
    },
    /// It was gone before its start time could be read.
    #[error("process {name} in {ns} exited at once; see {}", log.display())]
    Vanished {
        /// The process's name in the file.
        name: String,
        /// Its namespace.
        ns: String,
        /// Its log file.
        log: PathBuf,
    },
    /// It ended before it accepted connections on its `ready` address.
    #[error("process {name} of node {node} exited before {addr} was ready{}{tail}", if tail.is_empty() { "" } else { ":\n  " })]
    ExitedBeforeReady {
        /// The process's name in the file.
        name: String,
        /// Its node.
        node: String,
        /// The address waited for.
        addr: SocketAddr,
        /// The last lines of its log.
        tail: String,
    },
    /// It did not accept connections on its `ready` address in time.
    #[error("process {name} of node {node} was not ready on {addr} after {}", show_duration(*timeout))]
    NotReady {
        /// The process's name in the file.
        name: String,
        /// Its node.
        node: String,
        /// The address waited for.
        addr: SocketAddr,
        /// How long it was waited for.
        timeout: Duration,
    },
    /// A signal asked netns to stop while it waited.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
}

/// How long one `exec` or `exec_down` command may run before it is
/// killed, unless the command line says otherwise (`--exec-timeout`).
pub const DEFAULT_EXEC_TIMEOUT: Duration = Duration::from_secs(10);

/// The bound in force, in milliseconds (0: the default).
static EXEC_TIMEOUT_MS: AtomicU64 = AtomicU64::new(0);

/// Set the bound of every later `exec`/`exec_down` command of this process.
pub fn set_exec_timeout(t: Duration) {
    EXEC_TIMEOUT_MS.store(t.as_millis().clamp(1, u64::MAX as u128) as u64, Ordering::Relaxed);
}

/// The bound of one `exec`/`exec_down` command.
pub fn exec_timeout() -> Duration {
    match EXEC_TIMEOUT_MS.load(Ordering::Relaxed) {
        0 => DEFAULT_EXEC_TIMEOUT,
        ms => Duration::from_millis(ms),
    }
}

/// `10 s`, `1.5 s`, `200 ms`: a bound as messages show it.
pub fn show_duration(d: Duration) -> String {
    if d.as_millis().is_multiple_of(1000) {
        format!("{} s", d.as_secs())
    } else if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Run `sh -c CMD` inside `ns` and wait for it, at most [`exec_timeout`]:
/// Ok on status 0, else a message with the status and what the command
/// printed on stderr. Its output goes to /dev/null and a memory file, not
/// to pipes: a command that leaves something running in the background
/// (`daemon &`) must not hold `up` until that exits.
pub fn exec_shell(ns: &str, command: &str) -> Result<(), ExecError> {
    exec_shell_with(ns, command, exec_timeout(), false)
}

/// [`exec_shell`] with its bound. The command leads a process group of
/// its own: when it outlives `timeout` (or, if `interruptible`, when
/// Ctrl-C or SIGTERM asks netns to stop), the whole group is killed, so
/// nothing it started in the foreground keeps running.
pub fn exec_shell_with(ns: &str, command: &str, timeout: Duration, interruptible: bool) -> Result<(), ExecError> {
    use std::io::{Read, Seek};
    let io = |step: &'static str| {
        move |source: io::Error| ExecError::Io { step, command: command.to_string(), ns: ns.to_string(), source }
    };
    let err_file = nix::sys::memfd::memfd_create("netns-exec-stderr", nix::sys::memfd::MFdFlags::MFD_CLOEXEC)
        .map(File::from)
        .map_err(|e| io("make a file for the stderr of")(e.into()))?;
    let child_err = err_file.try_clone().map_err(io("make a file for the stderr of"))?;
    let mut child = netns_exec(ns)
        .args(["sh", "-c", command])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(child_err)
        .process_group(0)
        .spawn()
        .map_err(io("start"))?;
    let deadline = Instant::now() + timeout.min(Duration::from_secs(24 * 3600));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(io("wait for")(e)),
        }
        let (command, ns) = (command.to_string(), ns.to_string());
        let why = if Instant::now() >= deadline {
            Some(ExecError::TimedOut { command, ns, limit: timeout })
        } else if interruptible && super::interrupt::requested().is_some() {
            Some(ExecError::Interrupted { command, ns })
        } else {
            None
        };
        if let Some(why) = why {
            // SAFETY: kill(2) of the process group the child leads; no memory.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            return Err(why);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    if status.success() {
        return Ok(());
    }
    let mut err = String::new();
    let mut f = err_file;
    let _ = f.rewind().and_then(|_| f.take(64 * 1024).read_to_string(&mut err));
    Err(ExecError::Failed { command: command.to_string(), ns: ns.to_string(), status, stderr: err.trim().to_string() })
}

/// Is `cmd` a program that exists (a path, or a name found on PATH)? Asked
/// before anything changes, so a lab whose `run` names a program this
/// machine lacks is refused instead of "starting" a process that dies.
pub fn find_program(cmd: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    if cmd.contains('/') {
        return executable(Path::new(cmd));
    }
    std::env::var_os("PATH").map(|p| std::env::split_paths(&p).any(|d| executable(&d.join(cmd)))).unwrap_or(false)
}

/// Start a managed process in `ns`, detached (own session, stdin from
/// /dev/null, output to `out`, the file opened at `log`). It outlives `up`.
pub fn start(ns: &str, node: &str, name: &str, argv: &[String], out: File, log: &Path) -> Result<RunRecord, RunError> {
    let failed =
        |source: io::Error| RunError::Start { name: name.to_string(), ns: ns.to_string(), argv: argv.to_vec(), source };
    let err = out.try_clone().map_err(failed)?;
    let mut cmd = netns_exec(ns);
    cmd.args(argv).stdin(Stdio::null()).stdout(out).stderr(err);
    // SAFETY: setsid is async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let child = cmd.spawn().map_err(failed)?;
    let pid = child.id() as i32;
    // Not waited for: it belongs to the lab, and is reaped by init once
    // `up` exits. The start time tells it apart from a recycled pid.
    std::mem::forget(child);
    let start = start_time(pid).ok_or_else(|| RunError::Vanished {
        name: name.to_string(),
        ns: ns.to_string(),
        log: log.to_path_buf(),
    })?;
    Ok(RunRecord { node: node.to_string(), name: name.to_string(), pid, start, cmd: argv.to_vec() })
}

/// How a process was ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It was already gone.
    Gone,
    /// It ended on SIGTERM.
    Terminated,
    /// It ignored SIGTERM for the grace time and was killed (SIGKILL).
    Killed,
    /// It still exists after SIGKILL (stuck in the kernel).
    Stuck,
}

/// After SIGKILL: how long to wait for a process to disappear.
const KILL_WAIT: Duration = Duration::from_secs(2);

/// End one managed process and its process group (it leads its own
/// session: see [`start`]): SIGTERM, then SIGKILL after `grace`. A process
/// already gone is fine.
pub fn stop(rec: &RunRecord, grace: Duration) -> Ended {
    if !super::state::is_alive(rec) {
        return Ended::Gone;
    }
    // SAFETY: kill(2) of a process group with a signal number; no memory.
    unsafe { libc::kill(-rec.pid, libc::SIGTERM) };
    let wait = |until: Instant| {
        while super::state::is_alive(rec) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
        !super::state::is_alive(rec)
    };
    if wait(Instant::now() + grace) {
        return Ended::Terminated;
    }
    // SAFETY: as above.
    unsafe { libc::kill(-rec.pid, libc::SIGKILL) };
    if wait(Instant::now() + KILL_WAIT) { Ended::Killed } else { Ended::Stuck }
}

/// Wait until `addr` accepts TCP connections from inside `ns`, or the
/// process dies, or `timeout` passes.
pub fn wait_ready(
    ns: &NetNs,
    rec: &RunRecord,
    addr: SocketAddr,
    timeout: Duration,
    log: &Path,
) -> Result<(), RunError> {
    let deadline = Instant::now() + timeout.min(Duration::from_secs(3600));
    loop {
        let ok =
            ns.run(|| std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()).unwrap_or(false);
        if ok {
            return Ok(());
        }
        let (name, node) = (rec.name.clone(), rec.node.clone());
        if start_time(rec.pid) != Some(rec.start) {
            let tail = std::fs::read_to_string(log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(RunError::ExitedBeforeReady { name, node, addr, tail: tail.join("\n  ") });
        }
        if Instant::now() >= deadline {
            return Err(RunError::NotReady { name, node, addr, timeout });
        }
        super::interrupt::check()?;
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What ending the processes of some namespaces did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndedAll {
    /// Processes found (and ended).
    pub total: usize,
    /// Of those, how many ignored SIGTERM and were killed.
    pub killed: usize,
    /// Pids still there after SIGKILL.
    pub stuck: Vec<i32>,
}

/// End every process inside the namespaces `ids` (SIGTERM, then SIGKILL
/// after `grace`). Returns how many there were.
pub fn kill_all_in(ids: &BTreeSet<NsId>, grace: Duration) -> usize {
    end_all_in(ids, grace).total
}

/// [`kill_all_in`], telling which processes needed SIGKILL.
pub fn end_all_in(ids: &BTreeSet<NsId>, grace: Duration) -> EndedAll {
    let mut report = EndedAll::default();
    if ids.is_empty() {
        return report;
    }
    let Ok(scan) = ProcScan::open() else { return report };
    let Ok(all) = scan.all_namespaces() else { return report };
    let me = std::process::id();
    let pids: Vec<(i32, Option<u64>)> = all
        .iter()
        .filter(|(id, _)| ids.contains(id))
        .flat_map(|(_, p)| p.iter().copied())
        .filter(|&p| p != me)
        .map(|p| (p as i32, start_time(p as i32)))
        .collect();
    report.total = pids.len();
    for (pid, _) in &pids {
        // SAFETY: kill(2) with a pid and a signal number; no memory involved.
        unsafe { libc::kill(*pid, libc::SIGTERM) };
    }
    let living = |pids: &[(i32, Option<u64>)]| -> Vec<i32> {
        pids.iter().filter(|(p, s)| s.is_some() && start_time(*p) == *s).map(|(p, _)| *p).collect()
    };
    let settle = |until: Instant| loop {
        let left = living(&pids);
        if left.is_empty() || Instant::now() >= until {
            return left;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let left = settle(Instant::now() + grace);
    report.killed = left.len();
    for pid in &left {
        // SAFETY: as above.
        unsafe { libc::kill(*pid, libc::SIGKILL) };
    }
    if !left.is_empty() {
        report.stuck = settle(Instant::now() + KILL_WAIT);
    }
    report
}
