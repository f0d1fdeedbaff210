//! Processes of a lab: one-shot `exec` commands, managed `run` processes
//! and, on `down`, ending everything that still runs in a lab namespace.
//!
//! Commands run through `netns exec NS …` (this very binary), so they see
//! what a user's `ip netns exec` would: the namespace's `/sys` and its
//! `/etc/netns/NS/` files.

use super::state::{RunRecord, start_time};
use crate::namespace::{NetNs, NsId};
use crate::procscan::ProcScan;
use std::collections::BTreeSet;
use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn netns_exec(ns: &str) -> Command {
    let exe = std::env::current_exe().unwrap_or_else(|_| "/proc/self/exe".into());
    let mut cmd = Command::new(exe);
    cmd.arg("exec").arg(ns);
    cmd
}

/// Run `sh -c CMD` inside `ns` and wait for it: Ok on status 0, else a
/// message with the status and what the command printed on stderr. Its
/// output goes to /dev/null and a memory file, not to pipes: a command
/// that leaves something running in the background (`daemon &`) must not
/// hold `up` until that exits.
pub fn exec_shell(ns: &str, command: &str) -> Result<(), String> {
    use std::io::{Read, Seek};
    let err_file = nix::sys::memfd::memfd_create("netns-exec-stderr", nix::sys::memfd::MFdFlags::MFD_CLOEXEC)
        .map(File::from)
        .map_err(|e| format!("cannot run `{command}` in {ns}: memfd_create: {e}"))?;
    let child_err = err_file.try_clone().map_err(|e| format!("cannot run `{command}` in {ns}: {e}"))?;
    let status = netns_exec(ns)
        .args(["sh", "-c", command])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(child_err)
        .status()
        .map_err(|e| format!("cannot start `{command}` in {ns}: {e}"))?;
    if status.success() {
        return Ok(());
    }
    let mut err = String::new();
    let mut f = err_file;
    let _ = f.rewind().and_then(|_| f.take(64 * 1024).read_to_string(&mut err));
    Err(format!("`{command}` in {ns} failed ({status}){}{}", if err.trim().is_empty() { "" } else { ": " }, err.trim()))
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
pub fn start(ns: &str, node: &str, name: &str, argv: &[String], out: File, log: &Path) -> Result<RunRecord, String> {
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut cmd = netns_exec(ns);
    cmd.args(argv).stdin(Stdio::null()).stdout(out).stderr(err);
    // SAFETY: setsid is async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let child = cmd.spawn().map_err(|e| format!("cannot start process {name} ({}) in {ns}: {e}", argv.join(" ")))?;
    let pid = child.id() as i32;
    // Not waited for: it belongs to the lab, and is reaped by init once
    // `up` exits. The start time tells it apart from a recycled pid.
    std::mem::forget(child);
    let start =
        start_time(pid).ok_or_else(|| format!("process {name} in {ns} exited at once; see {}", log.display()))?;
    Ok(RunRecord { node: node.to_string(), name: name.to_string(), pid, start, cmd: argv.to_vec() })
}

/// End one managed process and its process group (it leads its own
/// session: see [`start`]): SIGTERM, then SIGKILL after `grace`. A process
/// already gone is fine.
pub fn stop(rec: &RunRecord, grace: Duration) {
    if !super::state::is_alive(rec) {
        return;
    }
    // SAFETY: kill(2) of a process group with a signal number; no memory.
    unsafe { libc::kill(-rec.pid, libc::SIGTERM) };
    let deadline = Instant::now() + grace;
    while super::state::is_alive(rec) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if super::state::is_alive(rec) {
        // SAFETY: as above.
        unsafe { libc::kill(-rec.pid, libc::SIGKILL) };
    }
}

/// Wait until `addr` accepts TCP connections from inside `ns`, or the
/// process dies, or `timeout` passes.
pub fn wait_ready(
    ns: &NetNs,
    rec: &RunRecord,
    addr: std::net::SocketAddr,
    timeout: Duration,
    log: &Path,
) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    loop {
        let ok =
            ns.run(|| std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()).unwrap_or(false);
        if ok {
            return Ok(());
        }
        if start_time(rec.pid) != Some(rec.start) {
            let tail = std::fs::read_to_string(log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(5).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(format!(
                "process {} of node {} exited before {addr} was ready{}{}",
                rec.name,
                rec.node,
                if tail.is_empty() { "" } else { ":\n  " },
                tail.join("\n  ")
            ));
        }
        if Instant::now() >= deadline {
            return Err(format!("process {} of node {} was not ready on {addr} after {timeout:?}", rec.name, rec.node));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// End every process inside the namespaces `ids` (SIGTERM, then SIGKILL
/// after `grace`). Returns how many there were.
pub fn kill_all_in(ids: &BTreeSet<NsId>, grace: Duration) -> usize {
    if ids.is_empty() {
        return 0;
    }
    let Ok(scan) = ProcScan::open() else { return 0 };
    let Ok(all) = scan.all_namespaces() else { return 0 };
    let me = std::process::id();
    let pids: Vec<(i32, Option<u64>)> = all
        .iter()
        .filter(|(id, _)| ids.contains(id))
        .flat_map(|(_, p)| p.iter().copied())
        .filter(|&p| p != me)
        .map(|p| (p as i32, start_time(p as i32)))
        .collect();
    for (pid, _) in &pids {
        // SAFETY: kill(2) with a pid and a signal number; no memory involved.
        unsafe { libc::kill(*pid, libc::SIGTERM) };
    }
    let deadline = Instant::now() + grace;
    let alive = |pids: &[(i32, Option<u64>)]| pids.iter().filter(|(p, s)| s.is_some() && start_time(*p) == *s).count();
    while alive(&pids) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    for (pid, s) in &pids {
        if s.is_some() && start_time(*pid) == *s {
            // SAFETY: as above.
            unsafe { libc::kill(*pid, libc::SIGKILL) };
        }
    }
    pids.len()
}
