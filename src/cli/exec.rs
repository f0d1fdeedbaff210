//! `netns exec NAME CMD…` and `netns -all exec CMD…`.
//!
//! The ordinary form does not fork: this process switches namespaces and
//! becomes the command, so the command keeps our pid, and its exit status
//! and signals are its own. Batch lines and `-all` fork one child per
//! command, as iproute2 does.

use super::netns_cmd::{c_args, switch_for_exec};
use super::{Code, Ctx, Exit, Status};
use crate::rundir::NsName;
use crate::sys::Errno;
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, execvp, fork};
use std::ffi::{OsStr, OsString};
use std::io::{Read, Seek};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

/// Replace this process with `cmd`; returns only on failure, after printing
/// iproute2's message.
fn exec_command(cmd: &[OsString]) {
    let args = c_args(cmd);
    let Err(e) = execvp(&args[0], &args);
    crate::errln!("exec of \"", cmd[0], "\" failed: ", Errno(e as i32));
}

/// In a forked child: switch, exec, or end the child. A failed switch ends
/// the child (iproute2 before 6.9 let it carry on with the parent's loop).
fn child(ctx: &Ctx, name: &OsStr, cmd: &[OsString]) -> ! {
    if switch_for_exec(ctx, name) {
        exec_command(cmd);
    }
    // SAFETY: _exit is always safe; it skips atexit handlers and stdio
    // flushing, which belong to the parent.
    unsafe { libc::_exit(Exit::ERROR.0) }
}

/// Fork, run `cmd` in `name` in the child, wait. `Ok(status)` when the
/// child exited; a child killed by a signal ends the whole run with 1.
fn fork_and_wait(
    ctx: &mut Ctx,
    name: &OsStr,
    cmd: &[OsString],
    redirect: Option<(&OwnedFd, &OwnedFd)>,
) -> Result<i32, WaitStatus> {
    ctx.flush();
    // SAFETY: the process is single-threaded here (batch helper threads are
    // joined before any exec line runs), so the child may allocate.
    match unsafe { fork() } {
        Err(e) => {
            eprintln!("fork: {}", Errno(e as i32));
            std::process::exit(Exit::ERROR.0);
        }
        Ok(ForkResult::Child) => {
            if let Some((out, err)) = redirect {
                // SAFETY: dup2 on descriptors we own; no memory is touched.
                unsafe {
                    libc::dup2(out.as_raw_fd(), 1);
                    libc::dup2(err.as_raw_fd(), 2);
                }
            }
            child(ctx, name, cmd)
        }
        Ok(ForkResult::Parent { child }) => loop {
            match waitpid(child, None) {
                Ok(WaitStatus::Exited(_, code)) => return Ok(code),
                Ok(other @ WaitStatus::Signaled(..)) => return Err(other),
                Ok(_) => continue,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => {
                    eprintln!("waitpid: {}", Errno(e as i32));
                    std::process::exit(Exit::ERROR.0);
                }
            }
        },
    }
}

/// `exec` with iproute2's argument checks and exit statuses.
pub fn exec(ctx: &mut Ctx, args: &[OsString]) -> Status {
    let all = ctx.opts.all;
    if args.is_empty() && !all {
        eprintln!("No netns name specified");
        return Ok(Code::FAILED);
    }
    if (args.len() < 2 && !all) || (args.is_empty() && all) {
        eprintln!("No command specified");
        return Ok(Code::FAILED);
    }
    if all {
        return exec_all(ctx, args);
    }
    let mapped;
    let args = match lab_node(ctx, args) {
        Ok(Some(a)) => {
            mapped = a;
            &mapped[..]
        }
        Ok(None) => args,
        Err(status) => return status,
    };
    let (name, cmd) = (&args[0], &args[1..]);
    if ctx.batch {
        return match fork_and_wait(ctx, name, cmd, None) {
            Ok(code) => Ok(code),
            Err(_) => Err(Exit::ERROR),
        };
    }
    ctx.flush();
    if !switch_for_exec(ctx, name) {
        return Err(Exit::FAILURE);
    }
    exec_command(cmd);
    Err(Exit::ERROR)
}

/// `exec LAB NODE [--] CMD…`: when the first word names no namespace but
/// a lab that is up, the second names one of its nodes. iproute2's form
/// (`exec NAME CMD…`) always wins when NAME exists.
fn lab_node(ctx: &Ctx, args: &[OsString]) -> Result<Option<Vec<OsString>>, Status> {
    if args.len() < 2 || NsName::existing(&args[0]).is_ok_and(|n| ctx.run.entry(&n).exists()) {
        return Ok(None);
    }
    let Some(lab) = args[0].to_str() else { return Ok(None) };
    let Some(state) = crate::lab::state::LabDir::from_env().read(lab) else { return Ok(None) };
    let node = args[1].to_string_lossy();
    let Some(rec) = state.namespaces.iter().find(|r| r.node == node) else {
        let nodes: Vec<&str> = state.namespaces.iter().map(|r| r.node.as_str()).collect();
        eprintln!("netns exec: lab {lab} has no node {node} (its nodes: {})", nodes.join(" "));
        return Err(Ok(super::lab::LabCode::FAILED));
    };
    let rest = match args.get(2) {
        Some(dd) if dd == "--" => &args[3..],
        _ => &args[2..],
    };
    if rest.is_empty() {
        eprintln!("No command specified");
        return Err(Ok(Code::FAILED));
    }
    let mut out = vec![OsString::from(&rec.ns)];
    out.extend(rest.iter().cloned());
    Ok(Some(out))
}

fn exec_all(ctx: &mut Ctx, cmd: &[OsString]) -> Status {
    let names = match super::netns_cmd::names_for_walk(ctx, true) {
        Ok(n) => n,
        Err(status) => return Ok(status),
    };
    if ctx.opts.json {
        return exec_all_json(ctx, &names, cmd);
    }
    for name in names {
        let mut header = b"\nnetns: ".to_vec();
        header.extend_from_slice(name.as_bytes());
        header.push(b'\n');
        ctx.write(&header);
        if fork_and_wait(ctx, &name, cmd, None).is_err() {
            return Err(Exit::ERROR);
        }
    }
    Ok(Code::SUCCESS)
}

fn capture_file(label: &str) -> std::io::Result<std::fs::File> {
    let fd = nix::sys::memfd::memfd_create(label, nix::sys::memfd::MFdFlags::MFD_CLOEXEC)?;
    Ok(std::fs::File::from(fd))
}

fn read_back(mut f: std::fs::File) -> Vec<u8> {
    let mut buf = Vec::new();
    let _ = f.rewind().and_then(|_| f.read_to_end(&mut buf));
    buf
}

/// `-j -all exec`: run the command in every namespace with its output
/// captured, then print one JSON array of results.
fn exec_all_json(ctx: &mut Ctx, names: &[OsString], cmd: &[OsString]) -> Status {
    let mut w = crate::output::JsonWriter::new(ctx.opts.pretty);
    w.start_array();
    for name in names {
        let (out, err) = match (capture_file("netns-stdout"), capture_file("netns-stderr")) {
            (Ok(o), Ok(e)) => (o, e),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("memfd_create: {}", Errno::of(&e));
                return Ok(Code::FAILED);
            }
        };
        let (out_fd, err_fd): (OwnedFd, OwnedFd) =
            (out.try_clone().map_err(|_| Exit::ERROR)?.into(), err.try_clone().map_err(|_| Exit::ERROR)?.into());
        let result = fork_and_wait(ctx, name, cmd, Some((&out_fd, &err_fd)));
        w.start_object();
        w.string_field("name", name.as_bytes());
        match result {
            Ok(code) => w.int_field("status", code.into()),
            Err(WaitStatus::Signaled(_, sig, _)) => w.int_field("signal", sig as i64),
            Err(_) => {}
        }
        w.string_field("stdout", &read_back(out));
        w.string_field("stderr", &read_back(err));
        w.end_object();
    }
    w.end_array();
    ctx.write(&w.finish());
    Ok(Code::SUCCESS)
}
