//! The binary's ELF entry point: `netns add NAME`, `netns delete NAME` and
//! `netns exec NAME CMD…` without libc's start-up.
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
//! How: `build.rs` makes `netns_entry` the program's entry point. It reads
//! the arguments and environment where the kernel put them, on the stack.
//! For exactly `[netns] add NAME`, `[netns] delete NAME` or
//! `[--net-only] [netns] exec NAME CMD…` (with iproute2's abbreviations), a
//! plain name and the default run and etc directories, it makes the system
//! calls of `RunDir::make_shared` + `RunDir::add_with`, `RunDir::delete` or
//! `switch::switch_to` + `execvp`, and exits or becomes the command.
//! Anything else (other options or commands, `NETNS_RUN_DIR` or
//! `NETNS_ETC_DIR` set, a name the full program would refuse, files under
//! /etc/netns/NAME to bind) and any failing system call, after undoing what
//! this step did, jumps to glibc's `_start`: the full program then runs
//! from the start and prints iproute2's exact message. So this path only
//! ever takes the success path; errors are the full program's (one case, a
//! delete whose unmount worked and whose unlink did not, is reported by
//! `main` through the library's message, since the unmount must not be
//! repeated).
//!
//! Rules for code here, which runs before libc exists: no allocation, no
//! thread-locals, no panics, and no calls into libc. Its string functions
//! are IFUNCs that glibc relocates only in `_start`, so even a `memcpy` the
//! compiler invents would crash: memory is read and written with volatile
//! accesses, which the compiler cannot turn into such calls.

use core::arch::{asm, global_asm};
use core::mem::MaybeUninit;
use core::ptr::{read_volatile, write_volatile};
use core::sync::atomic::{AtomicI32, Ordering};

// The entry point. The kernel leaves the stack pointer on `argc`, with
// `argv`, `envp` and the auxiliary vector above it. r12 is callee-saved, so
// it carries that stack pointer across the call; when the fast path
// returns, `_start` gets the stack and registers as the kernel left them
// (rdx = 0: no dynamic loader's destructor to register).
global_asm!(
    ".globl netns_entry",
    ".type netns_entry, @function",
    "netns_entry:",
    "    mov r12, rsp",
    "    mov rdi, rsp",
    "    and rsp, -16",
    "    call {fast}",
    "    mov rsp, r12",
    "    xor edx, edx",
    "    xor r12d, r12d",
    "    jmp _start",
    fast = sym fast_path,
);

/// The default run and etc directories (the full program's
/// `rundir::DEFAULT_RUN_DIR`/`DEFAULT_ETC_DIR`); with `NETNS_RUN_DIR` or
/// `NETNS_ETC_DIR` set this path is not taken.
const RUN_DIR: &[u8] = b"/run/netns\0";
const ETC_DIR: &[u8] = b"/etc/netns";
const ENV_RUN_DIR: &[u8] = b"NETNS_RUN_DIR=";
const ENV_ETC_DIR: &[u8] = b"NETNS_ETC_DIR=";
/// Room for "/run/netns/" or "/etc/netns/" + a 255-byte name + NUL.
const NAME_PATH_MAX: usize = 11 + 255 + 1;
/// Room for a command's path during the PATH search (glibc's limit too).
const CMD_PATH_MAX: usize = 4096;

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
/// fall back to the full program.
///
/// # Safety
/// `sp` is the stack pointer the kernel handed to the entry point.
unsafe extern "C" fn fast_path(sp: *const usize) {
    // SAFETY: the kernel's initial stack is `argc`, then `argc` argument
    // pointers and a NULL, then the environment pointers and a NULL.
    let (argc, argv) = unsafe { (*sp, sp.add(1) as *const *const u8) };
    // SAFETY: as above: the environment starts after argv's NULL.
    let envp = unsafe { argv.add(argc + 1) };
    // SAFETY: argv holds argc valid C strings and a NULL; envp is
    // NULL-terminated.
    let Some(command) = (unsafe { parse(argc, argv) }) else { return };
    // SAFETY: as above.
    if unsafe { env_has(envp, ENV_RUN_DIR) } {
        return;
    }
    // Uninitialised: zeroing it could compile to a call to memset.
    let mut buf = MaybeUninit::<[u8; NAME_PATH_MAX]>::uninit();
    match command {
        // SAFETY (all three): names are C strings of at most 255 bytes
        // (checked by parse), argv and envp as above.
        Command::Add(name) => add(unsafe { join(&mut buf, &RUN_DIR[..RUN_DIR.len() - 1], name) }),
        Command::Delete(name) => delete(unsafe { join(&mut buf, &RUN_DIR[..RUN_DIR.len() - 1], name) }),
        Command::Exec { name, argv, net_only } => unsafe { exec(name, argv, envp, net_only) },
    }
}

/// `[--net-only] [netns] add|delete NAME` with nothing after the name, or
/// `[--net-only] [netns] exec NAME CMD…`.
///
/// # Safety
/// `argv` holds `argc` valid C strings and a NULL.
unsafe fn parse(argc: usize, argv: *const *const u8) -> Option<Command> {
    // SAFETY: every index read is at most argc (argv[argc] is the NULL).
    let word = |i: usize| unsafe { read_volatile(argv.add(i)) };
    let mut i = 1;
    let mut net_only = false;
    // SAFETY (the reads below): each word read has an index below argc.
    if i < argc && unsafe { is_prefix(word(i), b"--net-only", 10) } {
        net_only = true;
        i += 1;
    }
    // The object word `ip` users may keep: net, netn, netns.
    if i < argc && unsafe { is_prefix(word(i), b"netns", 3) } {
        i += 1;
    }
    if argc < i + 2 || !unsafe { plain_name(word(i + 1)) } {
        return None;
    }
    let (verb, name) = (word(i), word(i + 1));
    // Prefix matching as the full program's lookup does: no subcommand
    // before add, delete or exec in its table starts with `a`, `d` or `e`.
    if unsafe { is_prefix(verb, b"exec", 1) } {
        // SAFETY: i + 2 <= argc: the command's argv, NULL-terminated.
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

/// Is the C string `s` a prefix of `full` at least `min` bytes long?
///
/// # Safety
/// `s` is a valid C string.
unsafe fn is_prefix(s: *const u8, full: &[u8], min: usize) -> bool {
    let mut n = 0;
    loop {
        // SAFETY: reads stop at the NUL.
        let c = unsafe { read_volatile(s.add(n)) };
        if c == 0 {
            return n >= min;
        }
        if n >= full.len() || c != full[n] {
            return false;
        }
        n += 1;
    }
}

/// A name the full program would add or delete as is
/// (`rundir::is_valid_name` and no control bytes): 1 to 255 bytes, no `/`,
/// not `.` or `..`, nothing below 0x20 and no DEL.
///
/// # Safety
/// `s` is a valid C string.
unsafe fn plain_name(s: *const u8) -> bool {
    let mut n = 0;
    let mut dots = 0;
    loop {
        // SAFETY: reads stop at the NUL.
        let c = unsafe { read_volatile(s.add(n)) };
        match c {
            0 => break,
            b'/' | 0x01..=0x1f | 0x7f => return false,
            b'.' => dots += 1,
            _ => {}
        }
        n += 1;
        if n > 255 {
            return false;
        }
    }
    n > 0 && !(dots == n && n <= 2)
}

/// Does the NULL-terminated environment hold a variable starting with `key`?
///
/// # Safety
/// `envp` is a NULL-terminated array of C strings.
unsafe fn env_has(envp: *const *const u8, key: &[u8]) -> bool {
    // SAFETY: as the caller promises.
    unsafe { env_value(envp, key) }.is_some()
}

/// `dir` + "/" + `name` + NUL in `buf`; returns the C string.
///
/// # Safety
/// `dir` has 10 bytes and `name` is a C string of at most 255 bytes.
unsafe fn join(buf: &mut MaybeUninit<[u8; NAME_PATH_MAX]>, dir: &[u8], name: *const u8) -> *const u8 {
    let out = buf.as_mut_ptr() as *mut u8;
    for (i, &c) in dir.iter().enumerate() {
        // SAFETY: i < 10 < NAME_PATH_MAX.
        unsafe { write_volatile(out.add(i), c) };
    }
    // SAFETY: dir.len() < NAME_PATH_MAX.
    unsafe { write_volatile(out.add(dir.len()), b'/') };
    let mut n = 0;
    loop {
        // SAFETY: the name has at most 255 bytes before its NUL, so every
        // write (NUL included) lands below 11 + 256 = NAME_PATH_MAX.
        unsafe {
            let c = read_volatile(name.add(n));
            write_volatile(out.add(dir.len() + 1 + n), c);
            if c == 0 {
                return out;
            }
        }
        n += 1;
    }
}

/// `netns add`: run directory shared under its lock, O_EXCL placeholder,
/// a new namespace bound onto it. Exits 0, or undoes and returns.
fn add(path: *const u8) {
    let dir = RUN_DIR.as_ptr();
    let Ok(fd) = sys(
        libc::SYS_openat,
        [libc::AT_FDCWD as usize, dir as usize, (libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) as usize, 0, 0],
    ) else {
        return;
    };
    let shared = sys(libc::SYS_flock, [fd, libc::LOCK_EX as usize, 0, 0, 0]).is_ok()
        && sys(
            libc::SYS_mount,
            [
                c"".as_ptr() as usize,
                dir as usize,
                c"none".as_ptr() as usize,
                (libc::MS_SHARED | libc::MS_REC) as usize,
                0,
            ],
        )
        .is_ok();
    // Closing drops the lock.
    let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
    if !shared {
        return;
    }
    let flags = libc::O_RDONLY | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC;
    let Ok(placeholder) = sys(libc::SYS_openat, [libc::AT_FDCWD as usize, path as usize, flags as usize, 0, 0]) else {
        return;
    };
    let _ = sys(libc::SYS_close, [placeholder, 0, 0, 0, 0]);
    let made = sys(libc::SYS_unshare, [libc::CLONE_NEWNET as usize, 0, 0, 0, 0]).is_ok()
        && sys(
            libc::SYS_mount,
            [
                c"/proc/thread-self/ns/net".as_ptr() as usize,
                path as usize,
                c"none".as_ptr() as usize,
                libc::MS_BIND as usize,
                0,
            ],
        )
        .is_ok();
    if made {
        exit(0);
    }
    // Nothing is mounted on the placeholder: removing it is the whole undo.
    let _ = sys(libc::SYS_unlink, [path as usize, 0, 0, 0, 0]);
}

/// `netns delete`: lazy unmount (its result ignored, as iproute2 does),
/// then unlink. Exits 0. When unlink fails, returns: if nothing was
/// unmounted, the full program repeats both steps and reports; if
/// something was, repeating the unmount would remove a second mount stacked
/// on the name, which iproute2 leaves, so the errno is kept for `main` to
/// report ([`failed_delete`]).
fn delete(path: *const u8) {
    let flags = libc::MNT_DETACH | libc::UMOUNT_NOFOLLOW;
    let unmounted = sys(libc::SYS_umount2, [path as usize, flags as usize, 0, 0, 0]).is_ok();
    match sys(libc::SYS_unlink, [path as usize, 0, 0, 0, 0]) {
        Ok(_) => exit(0),
        Err(errno) if unmounted => UNLINK_ERRNO.store(errno, Ordering::Relaxed),
        Err(_) => {}
    }
}

/// The errno of a `delete` whose unlink failed after its unmount worked
/// (0: none). Written before libc starts, read by `main`.
static UNLINK_ERRNO: AtomicI32 = AtomicI32::new(0);

/// Did the early `delete NAME` unmount the name and then fail to unlink
/// it? Then this reports it as the full program would (iproute2's message,
/// status 1) and returns the status.
pub fn failed_delete() -> Option<i32> {
    let errno = UNLINK_ERRNO.load(Ordering::Relaxed);
    if errno == 0 {
        return None;
    }
    // The early path runs only with the default run directory and with
    // the name as the last argument.
    let name = std::env::args_os().last()?;
    let path = netns::RunDir::from_env().entry(name);
    let err = netns::rundir::RunDirError::Remove { path, errno: netns::sys::Errno(errno) };
    netns::sys::eprint_line(&err.message());
    Some(1)
}

/// `netns exec NAME CMD…` as the full program runs it (`switch::switch_to`,
/// then `execvp`): enter the namespace; unless `--net-only`, a private
/// mount namespace that is a slave of ours, with the namespace's own /sys.
/// Returns (to fall back) when /etc/netns/NAME exists (binding its files is
/// the full program's job), when /sys cannot simply be replaced, or when
/// any step or the command's exec fails: the full program repeats the
/// switch, which is the same from where this one stopped, and reports.
///
/// # Safety
/// `name` is a plain name of at most 255 bytes; `argv` and `envp` are
/// NULL-terminated arrays of C strings.
unsafe fn exec(name: *const u8, argv: *const *const u8, envp: *const *const u8, net_only: bool) {
    let mut buf = MaybeUninit::<[u8; NAME_PATH_MAX]>::uninit();
    if !net_only {
        // SAFETY: as the caller promises.
        if unsafe { env_has(envp, ENV_ETC_DIR) } {
            return;
        }
        // SAFETY: as the caller promises.
        let etc = unsafe { join(&mut buf, ETC_DIR, name) };
        let dir = (libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) as usize;
        if let Ok(fd) = sys(libc::SYS_openat, [libc::AT_FDCWD as usize, etc as usize, dir, 0, 0]) {
            let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
            return;
        }
    }
    // SAFETY: as the caller promises.
    let path = unsafe { join(&mut buf, &RUN_DIR[..RUN_DIR.len() - 1], name) };
    let flags = (libc::O_RDONLY | libc::O_CLOEXEC) as usize;
    let Ok(fd) = sys(libc::SYS_openat, [libc::AT_FDCWD as usize, path as usize, flags, 0, 0]) else { return };
    let entered = sys(libc::SYS_setns, [fd, libc::CLONE_NEWNET as usize, 0, 0, 0]).is_ok();
    let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
    if !entered {
        return;
    }
    if !net_only {
        let switched = sys(libc::SYS_unshare, [libc::CLONE_NEWNS as usize, 0, 0, 0, 0]).is_ok()
            && sys(
                libc::SYS_mount,
                [
                    c"".as_ptr() as usize,
                    c"/".as_ptr() as usize,
                    c"none".as_ptr() as usize,
                    (libc::MS_SLAVE | libc::MS_REC) as usize,
                    0,
                ],
            )
            .is_ok()
            && sys(libc::SYS_umount2, [c"/sys".as_ptr() as usize, libc::MNT_DETACH as usize, 0, 0, 0]).is_ok()
            && sys(libc::SYS_mount, [name as usize, c"/sys".as_ptr() as usize, c"sysfs".as_ptr() as usize, 0, 0])
                .is_ok();
        if !switched {
            return;
        }
    }
    // As `cli::main_with_args` does first thing: the command starts with
    // SIGPIPE's default action. (A kernel sigaction: handler, flags,
    // restorer, mask; all zero is SIG_DFL.)
    let dfl = [0usize; 4];
    let _ = sys(libc::SYS_rt_sigaction, [libc::SIGPIPE as usize, dfl.as_ptr() as usize, 0, 8, 0]);
    // SAFETY: as the caller promises.
    unsafe { execvp(argv, envp) }
}

/// glibc's `execvp` search, returning on every failure: a command with a
/// `/` is run as is; otherwise each `PATH` entry is tried in turn (an
/// empty one is the current directory), going on past ENOENT-like errors
/// and EACCES. Without `PATH`, and for a script without `#!` (ENOEXEC,
/// which glibc hands to /bin/sh), it returns so the full program decides.
///
/// # Safety
/// `argv` and `envp` are NULL-terminated arrays of C strings, argv[0] non-NULL.
unsafe fn execvp(argv: *const *const u8, envp: *const *const u8) {
    // SAFETY: argv[0] is the command.
    let file = unsafe { read_volatile(argv) };
    // SAFETY: a C string.
    let (file_len, has_slash) = unsafe { scan(file) };
    if has_slash {
        let _ = sys(libc::SYS_execve, [file as usize, argv as usize, envp as usize, 0, 0]);
        return;
    }
    // SAFETY: envp as promised.
    let Some(path) = (unsafe { env_value(envp, b"PATH=") }) else { return };
    if file_len == 0 {
        return;
    }
    let mut buf = MaybeUninit::<[u8; CMD_PATH_MAX]>::uninit();
    let out = buf.as_mut_ptr() as *mut u8;
    let mut start = 0;
    loop {
        let mut end = start;
        // SAFETY: reads stop at the NUL that ends PATH.
        while !matches!(unsafe { read_volatile(path.add(end)) }, 0 | b':') {
            end += 1;
        }
        let dir_len = end - start;
        let slash = usize::from(dir_len > 0);
        if dir_len + slash + file_len < CMD_PATH_MAX {
            // SAFETY: dir_len + slash + file_len + 1 <= CMD_PATH_MAX bytes
            // are written; the reads stay inside PATH and the file name.
            unsafe {
                for k in 0..dir_len {
                    write_volatile(out.add(k), read_volatile(path.add(start + k)));
                }
                if slash == 1 {
                    write_volatile(out.add(dir_len), b'/');
                }
                for k in 0..=file_len {
                    write_volatile(out.add(dir_len + slash + k), read_volatile(file.add(k)));
                }
            }
            match sys(libc::SYS_execve, [out as usize, argv as usize, envp as usize, 0, 0]) {
                Err(libc::EACCES | libc::ENOENT | libc::ESTALE | libc::ENOTDIR | libc::ENODEV)
                | Err(libc::EHOSTUNREACH | libc::ETIMEDOUT) => {}
                _ => return,
            }
        }
        // SAFETY: `end` is at a ':' or at PATH's NUL.
        if unsafe { read_volatile(path.add(end)) } == 0 {
            return;
        }
        start = end + 1;
    }
}

/// The length of the C string `s` and whether it holds a `/`.
///
/// # Safety
/// `s` is a valid C string.
unsafe fn scan(s: *const u8) -> (usize, bool) {
    let (mut n, mut slash) = (0, false);
    loop {
        // SAFETY: reads stop at the NUL.
        match unsafe { read_volatile(s.add(n)) } {
            0 => return (n, slash),
            b'/' => slash = true,
            _ => {}
        }
        n += 1;
    }
}

/// The value of the environment variable `key` (given as `NAME=`).
///
/// # Safety
/// `envp` is a NULL-terminated array of C strings.
unsafe fn env_value(envp: *const *const u8, key: &[u8]) -> Option<*const u8> {
    let mut i = 0;
    loop {
        // SAFETY: reads stop at the NULL.
        let var = unsafe { read_volatile(envp.add(i)) };
        if var.is_null() {
            return None;
        }
        let mut n = 0;
        // SAFETY: a C string is read only up to its NUL (a mismatch ends the loop there).
        while n < key.len() && unsafe { read_volatile(var.add(n)) } == key[n] {
            n += 1;
        }
        if n == key.len() {
            // SAFETY: the value follows the key inside the same string.
            return Some(unsafe { var.add(n) });
        }
        i += 1;
    }
}

fn exit(code: usize) -> ! {
    // SAFETY: exit_group ends the process; nothing here needs cleaning up.
    unsafe { asm!("syscall", in("rax") libc::SYS_exit_group, in("rdi") code, options(noreturn, nostack)) }
}

/// A raw system call with up to five arguments: the result, or the errno.
fn sys(number: libc::c_long, a: [usize; 5]) -> Result<usize, i32> {
    let ret: isize;
    // SAFETY: the callers pass valid pointers (NUL-terminated paths that
    // outlive the call) and no call here touches memory Rust owns
    // otherwise; the kernel clobbers only rcx and r11.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") number as isize => ret,
            in("rdi") a[0],
            in("rsi") a[1],
            in("rdx") a[2],
            in("r10") a[3],
            in("r8") a[4],
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    if (-4095..0).contains(&ret) { Err(-ret as i32) } else { Ok(ret as usize) }
}
