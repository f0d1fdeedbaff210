//! The binary's ELF entry point: `netns add NAME`, `netns delete NAME`,
//! `netns exec NAME CMD…` and `netns identify [PID]` without libc's start-up.
//!
//! Why: scripts run these commands once per namespace or per command,
//! thousands of times in a row (Neutron runs `ip netns exec` for every
//! iptables or dnsmasq call), and each run is short: about 1 ms, most of
//! it the kernel's. glibc's start-up alone costs about 0.3 ms of that on
//! this project's virtual machines, mostly in its CPU-feature and
//! cache-size detection, whose dozens of `cpuid` instructions each trap to
//! the hypervisor (`perf` shows `intel_check_word`/`handle_intel`; a static
//! C program that makes the add's system calls runs in two thirds of the
//! time without libc). iproute2 pays the same price in its dynamic loader.
//! docs/performance.md has the figures.
//!
//! How: with the `fast-start` feature, `build.rs` makes `netns_entry` the
//! program's entry point (only in the static x86_64 glibc release build
//! this code is written for, which scripts/release.sh makes). It reads the
//! arguments and environment where the kernel put them, on the stack. For
//! exactly `[netns] add NAME`, `[netns] delete NAME` or
//! `[--net-only] [netns] exec NAME CMD…` (with iproute2's abbreviations), a
//! plain name, the default run and etc directories and an ordinary
//! (not set-uid) start, it makes the system calls of
//! `RunDir::make_shared` + `RunDir::add_with`, `RunDir::delete` or
//! `switch::switch_to` + `execvp` ([`commands`]), and exits or becomes the
//! command. Add and delete hold the run directory's `flock` as the full
//! program does (every return drops it first: a descriptor left open
//! would deadlock the full program's own lock), and exec opens the name
//! only after `O_PATH` showed a regular file (a FIFO would block). Anything else (other options or commands, `NETNS_RUN_DIR` or
//! `NETNS_ETC_DIR` set, a name the full program would refuse, files under
//! /etc/netns/NAME to bind) returns before any change; a failing step
//! returns after leaving things where the full program, run next from
//! glibc's `_start`, gets the same result as from scratch (add removes its
//! placeholder; exec's switch can simply be made again) and prints
//! iproute2's message. Two failures cannot be handed over that way,
//! because their first step must not be repeated; they are recorded and
//! `main` reports them with the library's message ([`report_early_failure`]).
//!
//! Rules for code here, which runs before libc exists: no allocation, no
//! thread-locals, no panics, and no calls into libc. Its string functions
//! are IFUNCs that glibc relocates only in `_start`, so even a `memcpy` or
//! `memset` the compiler invents would crash: memory is read and written
//! with volatile accesses, and constant data is `static`, so the compiler
//! has nothing to turn into such calls. The binary is position-independent
//! and nothing is relocated yet either: code may take the address of data
//! (relative to the instruction), but must not read a pointer stored in
//! data, such as a `&str` kept in a `static`, whose value start-up has not
//! written yet. tests/binary/ checks all of this on the built binary:
//! everything reachable from `netns_entry` stays in this module, and none
//! of it touches a thread-local or a word still to be relocated.

mod commands;
mod raw;

use core::arch::global_asm;
use core::ptr::read_volatile;
use core::sync::atomic::{AtomicI32, AtomicU8, Ordering};
use raw::{env_has, is_prefix, pid_word, plain_name};

// The entry point. The kernel leaves the stack pointer on `argc`, with
// `argv`, `envp` and the auxiliary vector above it, and rdx holding a
// destructor for `_start` to register (0 from the kernel). r12 and r13 are
// callee-saved, so they carry both across the call; when the early path
// returns, `_start` gets the stack pointer and rdx it would have had.
global_asm!(
    ".globl netns_entry",
    ".type netns_entry, @function",
    "netns_entry:",
    "    mov r12, rsp",
    "    mov r13, rdx",
    "    mov rdi, rsp",
    "    and rsp, -16",
    "    call {early}",
    "    mov rsp, r12",
    "    mov rdx, r13",
    "    jmp _start",
    early = sym early_path,
);

/// The default run and etc directories (the full program's
/// `rundir::DEFAULT_RUN_DIR`/`DEFAULT_ETC_DIR`); with `NETNS_RUN_DIR` or
/// `NETNS_ETC_DIR` set this path is not taken.
const RUN_DIR: &[u8] = b"/run/netns";
const ETC_DIR: &[u8] = b"/etc/netns";

/// A command line this path takes.
enum Command {
    /// `add NAME`
    Add(*const u8),
    /// `delete NAME`
    Delete(*const u8),
    /// `[--net-only] exec NAME CMD…`: the name and the command's
    /// NULL-terminated argv (the tail of ours).
    Exec { name: *const u8, argv: *const *const u8, net_only: bool },
}

/// Run the command if the command line is one this path takes; return to
/// go on to the full program.
///
/// # Safety
/// `sp` is the stack pointer the kernel handed to the entry point.
unsafe extern "C" fn early_path(sp: *const usize) {
    // SAFETY: the kernel's initial stack is `argc`, then `argc` argument
    // pointers and a NULL, then the environment pointers and a NULL, then
    // the auxiliary vector.
    let (argc, argv) = unsafe { (*sp, sp.add(1) as *const *const u8) };
    // SAFETY: as above: the environment starts after argv's NULL.
    let envp = unsafe { argv.add(argc + 1) };
    // SAFETY: as above. A set-uid or set-capability start (AT_SECURE) is
    // left to glibc, which cleans the environment and standard descriptors
    // that a command we exec would inherit.
    if unsafe { env_has(envp, b"NETNS_RUN_DIR=") || secure_start(envp) } {
        return;
    }
    // SAFETY: as above. (`identify` runs inside parse: see there.)
    let Some(command) = (unsafe { parse(argc, argv) }) else { return };
    // SAFETY (all three): names are C strings of at most 255 bytes
    // (checked by parse); argv and envp as above.
    unsafe {
        match command {
            Command::Add(name) => commands::add(name),
            Command::Delete(name) => commands::delete(name),
            Command::Exec { name, argv, net_only } => commands::exec(name, argv, envp, net_only),
        }
    }
}

/// `[--net-only] [netns] add|delete NAME` with nothing after the name, or
/// `[--net-only] [netns] exec NAME CMD…`; `[netns] identify [PID]` is run
/// here, and returns None when it goes on to the full program.
///
/// # Safety
/// `argv` holds `argc` valid C strings and a NULL.
unsafe fn parse(argc: usize, argv: *const *const u8) -> Option<Command> {
    /// argv[i].
    ///
    /// # Safety
    /// i <= argc.
    unsafe fn word(argv: *const *const u8, i: usize) -> *const u8 {
        // SAFETY: as the caller promises.
        unsafe { read_volatile(argv.add(i)) }
    }
    let mut i = 1;
    let mut net_only = false;
    // SAFETY (every word read below): its index is checked against argc
    // first, and argv holds argc C strings.
    if i < argc && unsafe { is_prefix(word(argv, i), b"--net-only", 10) } {
        net_only = true;
        i += 1;
    }
    // The object word `ip` users may keep: net, netn, netns.
    if i < argc && unsafe { is_prefix(word(argv, i), b"netns", 3) } {
        i += 1;
    }
    // No subcommand before identify in the full program's table starts
    // with `i`. Its PID word passes the name check first (1 to 255 bytes),
    // then must be all digits.
    if !net_only && i < argc && unsafe { is_prefix(word(argv, i), b"identify", 1) } {
        // Run here rather than as a fourth `Command`: with four, the
        // compiler dispatches through a jump table, an indirect jump
        // tests/binary cannot follow. It returns only to go on to the full
        // program.
        let pid = match argc - i {
            1 => None,
            // SAFETY: i + 1 < argc.
            2 if unsafe { pid_word(word(argv, i + 1)) } => Some(unsafe { word(argv, i + 1) }),
            _ => return None,
        };
        // SAFETY: the PID word is a C string of 1 to 255 digits.
        unsafe { commands::identify(pid) };
        return None;
    }
    if argc < i + 2 || !unsafe { plain_name(word(argv, i + 1)) } {
        return None;
    }
    let (verb, name) = unsafe { (word(argv, i), word(argv, i + 1)) };
    // Prefix matching as the full program's lookup does: no subcommand
    // before add, delete or exec in its table starts with `a`, `d` or `e`.
    if unsafe { is_prefix(verb, b"exec", 1) } {
        // The command is argv[i + 2..], which must hold at least one word.
        // SAFETY: i + 2 < argc.
        return (argc > i + 2).then(|| Command::Exec { name, argv: unsafe { argv.add(i + 2) }, net_only });
    }
    if net_only || argc != i + 2 {
        return None;
    }
    if unsafe { is_prefix(verb, b"add", 1) } {
        Some(Command::Add(name))
    } else if unsafe { is_prefix(verb, b"delete", 1) } {
        Some(Command::Delete(name))
    } else {
        None
    }
}

/// Is AT_SECURE set in the auxiliary vector that follows `envp`?
///
/// # Safety
/// `envp` is the kernel's NULL-terminated environment array, followed by
/// the auxiliary vector.
unsafe fn secure_start(envp: *const *const u8) -> bool {
    let mut i = 0;
    // SAFETY: the environment ends with a NULL.
    while !unsafe { read_volatile(envp.add(i)) }.is_null() {
        i += 1;
    }
    // SAFETY: (type, value) pairs follow the NULL, ending with AT_NULL.
    let mut aux = unsafe { envp.add(i + 1) } as *const usize;
    loop {
        // SAFETY: as above; reads stop at AT_NULL.
        let (kind, value) = unsafe { (read_volatile(aux), read_volatile(aux.add(1))) };
        match kind as libc::c_ulong {
            libc::AT_NULL => return false,
            libc::AT_SECURE => return value != 0,
            // SAFETY: the next pair is still inside the vector.
            _ => aux = unsafe { aux.add(2) },
        }
    }
}

/// A failure the early path could not hand over to the full program.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Failure {
    /// `delete`: unlink failed after the unmount worked (a second unmount
    /// would take off a mount stacked on the name, which iproute2 leaves).
    Unlink = 1,
    /// `exec`: mounting the namespace's /sys failed after the old one was
    /// unmounted (a retry would find no /sys to unmount and could stack a
    /// read-only one).
    Sysfs = 2,
}

/// The early path's failure (0: none) and its errno. Written before libc
/// starts, read by `main`.
static FAILURE: AtomicU8 = AtomicU8::new(0);
static FAILURE_ERRNO: AtomicI32 = AtomicI32::new(0);

fn record(failure: Failure, errno: i32) {
    FAILURE_ERRNO.store(errno, Ordering::Relaxed);
    FAILURE.store(failure as u8, Ordering::Relaxed);
}

/// Did the early path stop at a failure it could not hand over? Then this
/// reports it as the full program would (iproute2's message and exit
/// status) and returns the status. Called by `main`, with libc running.
pub fn report_early_failure() -> Option<i32> {
    let errno = netns::sys::Errno(FAILURE_ERRNO.load(Ordering::Relaxed));
    let (message, status) = match FAILURE.load(Ordering::Relaxed) {
        f if f == Failure::Unlink as u8 => {
            // The early path runs only with the default run directory and
            // with the name as the last argument.
            let name = netns::NsName::existing(std::env::args_os().last()?).ok()?;
            let path = netns::RunDir::from_env().entry(&name);
            (netns::rundir::RunDirError::Remove { path, errno }.message(), netns::cli::Code::FAILED)
        }
        f if f == Failure::Sysfs as u8 => {
            (netns::switch::SwitchError::Sysfs { errno }.message(), netns::cli::Exit::FAILURE.0)
        }
        _ => return None,
    };
    netns::cli::restore_default_sigpipe();
    netns::sys::eprint_line(&message);
    Some(status)
}
