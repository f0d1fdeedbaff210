//! The three commands of the early path, each the system calls the full
//! program makes for it, in its order.

use super::raw::{NAME_PATH_MAX, env_has, env_value, exit, join, scan, sys};
use super::{ETC_DIR, Failure, RUN_DIR, record};
use core::mem::MaybeUninit;
use core::ptr::{read_volatile, write_volatile};

/// Room for a command's path during the PATH search (glibc's limit too).
const CMD_PATH_MAX: usize = 4096;

/// A kernel `sigaction` for SIG_DFL (handler, flags, restorer, mask all
/// zero). `static`, so no code has to build it.
static SIG_DFL_ACTION: [usize; 4] = [0; 4];

/// `netns add NAME`: under the run directory's lock (as
/// `RunDir::add_with` holds it), the directory made shared, the O_EXCL
/// placeholder, a new namespace bound onto it. Exits 0; on failure removes
/// the placeholder, drops the lock and returns (the full program takes
/// the lock again: a descriptor left open would deadlock it).
///
/// # Safety
/// `name` is a C string of at most 255 bytes.
pub unsafe fn add(name: *const u8) {
    let mut buf = MaybeUninit::<[u8; NAME_PATH_MAX]>::uninit();
    // SAFETY: as the caller promises.
    let path = unsafe { join(&mut buf, RUN_DIR, name) } as usize;
    // SAFETY (every call below): the pointers passed are NUL-terminated
    // strings (literals, or `path`, which lives to the end of this function).
    unsafe {
        let dir = c"/run/netns".as_ptr() as usize;
        let open_dir = (libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) as usize;
        let Ok(fd) = sys(libc::SYS_openat, [libc::AT_FDCWD as usize, dir, open_dir, 0, 0]) else { return };
        let shared_flags = (libc::MS_SHARED | libc::MS_REC) as usize;
        let none = c"none".as_ptr() as usize;
        // Closing `fd` drops the lock, so every return closes it first.
        let shared = sys(libc::SYS_flock, [fd, libc::LOCK_EX as usize, 0, 0, 0]).is_ok()
            && sys(libc::SYS_mount, [c"".as_ptr() as usize, dir, none, shared_flags, 0]).is_ok();
        if !shared {
            let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
            return;
        }
        let create = (libc::O_RDONLY | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC) as usize;
        let Ok(placeholder) = sys(libc::SYS_openat, [libc::AT_FDCWD as usize, path, create, 0, 0]) else {
            let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
            return;
        };
        let _ = sys(libc::SYS_close, [placeholder, 0, 0, 0, 0]);
        let ns = c"/proc/thread-self/ns/net".as_ptr() as usize;
        let made = sys(libc::SYS_unshare, [libc::CLONE_NEWNET as usize, 0, 0, 0, 0]).is_ok()
            && sys(libc::SYS_mount, [ns, path, none, libc::MS_BIND as usize, 0]).is_ok();
        if made {
            exit(libc::EXIT_SUCCESS as usize);
        }
        // Nothing is mounted on the placeholder: removing it is the whole
        // undo. (The process may be in a new namespace; the full program
        // makes its own.)
        let _ = sys(libc::SYS_unlink, [path, 0, 0, 0, 0]);
        let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
    }
}

/// `netns delete NAME`: under the run directory's lock (as
/// `RunDir::delete` holds it, so no delete falls between an add's
/// placeholder and its mount), lazy unmount (its result ignored, as
/// iproute2 does), then unlink. Exits 0. Without the lock (no directory,
/// a failed flock), returns before any change. When unlink fails after nothing was
/// unmounted, returns and the full program repeats both steps and reports;
/// after an unmount, records the failure for `main` (a second unmount
/// would take off a mount stacked on the name, which iproute2 leaves).
///
/// # Safety
/// `name` is a C string of at most 255 bytes.
pub unsafe fn delete(name: *const u8) {
    let mut buf = MaybeUninit::<[u8; NAME_PATH_MAX]>::uninit();
    // SAFETY: as the caller promises.
    let path = unsafe { join(&mut buf, RUN_DIR, name) } as usize;
    let flags = (libc::MNT_DETACH | libc::UMOUNT_NOFOLLOW) as usize;
    // SAFETY: `path` and the directory are NUL-terminated strings that
    // outlive every call.
    let (unmounted, unlinked) = unsafe {
        let dir = c"/run/netns".as_ptr() as usize;
        let open_dir = (libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) as usize;
        let Ok(fd) = sys(libc::SYS_openat, [libc::AT_FDCWD as usize, dir, open_dir, 0, 0]) else { return };
        if sys(libc::SYS_flock, [fd, libc::LOCK_EX as usize, 0, 0, 0]).is_err() {
            let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
            return;
        }
        let unmounted = sys(libc::SYS_umount2, [path, flags, 0, 0, 0]).is_ok();
        let unlinked = sys(libc::SYS_unlink, [path, 0, 0, 0, 0]);
        // Closing drops the lock.
        let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
        (unmounted, unlinked)
    };
    match unlinked {
        Ok(_) => exit(libc::EXIT_SUCCESS as usize),
        Err(errno) if unmounted => record(Failure::Unlink, errno),
        Err(_) => {}
    }
}

/// `netns exec NAME CMD…` as the full program runs it (`switch::switch_to`,
/// then `execvp`): enter the namespace; unless `--net-only`, a private
/// mount namespace that is a slave of ours, with the namespace's own /sys.
/// Returns before any change when `NETNS_ETC_DIR` is set or
/// /etc/netns/NAME exists (binding its files is the full program's job).
/// After a failed step or exec, returns with the switch part-made: the
/// full program's own switch from there ends as one from scratch (it
/// enters the namespace again, makes another private mount namespace and
/// replaces the /sys this one mounted), except after /sys was unmounted
/// and the new one could not be mounted, which is recorded for `main`.
///
/// # Safety
/// `name` is a plain name of at most 255 bytes; `argv` and `envp` are
/// NULL-terminated arrays of C strings, argv with at least one.
pub unsafe fn exec(name: *const u8, argv: *const *const u8, envp: *const *const u8, net_only: bool) {
    let mut buf = MaybeUninit::<[u8; NAME_PATH_MAX]>::uninit();
    let open_dir = (libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) as usize;
    // SAFETY (every call below): the pointers passed are NUL-terminated
    // strings (literals, `name`, or `buf`'s path, alive to the end of this
    // function) and the static SIG_DFL_ACTION; argv and envp as promised.
    unsafe {
        if !net_only {
            if env_has(envp, b"NETNS_ETC_DIR=") {
                return;
            }
            let etc = join(&mut buf, ETC_DIR, name) as usize;
            if let Ok(fd) = sys(libc::SYS_openat, [libc::AT_FDCWD as usize, etc, open_dir, 0, 0]) {
                let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
                return;
            }
        }
        let path = join(&mut buf, RUN_DIR, name) as usize;
        // The name is opened only if it is a regular file (as every
        // namespace file is): a FIFO would block the open, a device could
        // act on it. O_PATH opens neither; the check is on what it found,
        // and the real open goes through it (namespace::open_ns_file does
        // the same). Anything else is left to the full program.
        let Ok(probe) =
            sys(libc::SYS_openat, [libc::AT_FDCWD as usize, path, (libc::O_PATH | libc::O_CLOEXEC) as usize, 0, 0])
        else {
            return;
        };
        let mut st = MaybeUninit::<libc::stat>::uninit();
        let regular = sys(libc::SYS_fstat, [probe, st.as_mut_ptr() as usize, 0, 0, 0]).is_ok()
            && read_volatile(core::ptr::addr_of!((*st.as_ptr()).st_mode)) & libc::S_IFMT == libc::S_IFREG;
        let mut fd_buf = MaybeUninit::<[u8; FD_PATH_MAX]>::uninit();
        let again = fd_path(&mut fd_buf, probe) as usize;
        let open_ns = (libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY) as usize;
        let opened =
            if regular { sys(libc::SYS_openat, [libc::AT_FDCWD as usize, again, open_ns, 0, 0]) } else { Err(0) };
        let _ = sys(libc::SYS_close, [probe, 0, 0, 0, 0]);
        let Ok(fd) = opened else { return };
        let entered = sys(libc::SYS_setns, [fd, libc::CLONE_NEWNET as usize, 0, 0, 0]).is_ok();
        let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
        if !entered {
            return;
        }
        if !net_only {
            let (root, sys_dir) = (c"/".as_ptr() as usize, c"/sys".as_ptr() as usize);
            let slave = (libc::MS_SLAVE | libc::MS_REC) as usize;
            let unmounted = sys(libc::SYS_unshare, [libc::CLONE_NEWNS as usize, 0, 0, 0, 0]).is_ok()
                && sys(libc::SYS_mount, [c"".as_ptr() as usize, root, c"none".as_ptr() as usize, slave, 0]).is_ok()
                && sys(libc::SYS_umount2, [sys_dir, libc::MNT_DETACH as usize, 0, 0, 0]).is_ok();
            if !unmounted {
                return;
            }
            let sysfs = c"sysfs".as_ptr() as usize;
            if let Err(errno) = sys(libc::SYS_mount, [name as usize, sys_dir, sysfs, 0, 0]) {
                record(Failure::Sysfs, errno);
                return;
            }
        }
        // As `cli::main_with_args` does first thing: the command starts
        // with SIGPIPE's default action.
        let dfl = SIG_DFL_ACTION.as_ptr() as usize;
        let _ = sys(libc::SYS_rt_sigaction, [libc::SIGPIPE as usize, dfl, 0, 8, 0]);
        execvp(argv, envp);
    }
}

/// Room for "/proc/self/fd/" + a descriptor's digits + NUL.
const FD_PATH_MAX: usize = 14 + 20 + 1;

/// "/proc/self/fd/FD" + NUL in `buf`; returns the C string.
fn fd_path(buf: &mut MaybeUninit<[u8; FD_PATH_MAX]>, fd: usize) -> *const u8 {
    static PREFIX: [u8; 14] = *b"/proc/self/fd/";
    let out = buf.as_mut_ptr() as *mut u8;
    let mut digits = 1;
    let mut rest = fd / 10;
    while rest > 0 {
        digits += 1;
        rest /= 10;
    }
    // SAFETY: 14 + at most 20 digits + NUL fit in FD_PATH_MAX bytes.
    unsafe {
        for (i, &c) in PREFIX.iter().enumerate() {
            write_volatile(out.add(i), c);
        }
        let mut v = fd;
        for k in (0..digits).rev() {
            write_volatile(out.add(PREFIX.len() + k), b'0' + (v % 10) as u8);
            v /= 10;
        }
        write_volatile(out.add(PREFIX.len() + digits), 0);
    }
    out
}

/// glibc's `execvp` search, as far as it can be done here; returns on every
/// failure, and the full program's `execvp` then decides. A command with a
/// `/` is run as is; otherwise each `PATH` entry is tried in turn (an empty
/// one is the current directory), going on past the errors glibc goes on
/// past (EACCES, ENOENT, ESTALE, ENOTDIR, ENODEV, ETIMEDOUT). Without
/// `PATH`, at an entry too long for the buffer, and for a script without
/// `#!` (ENOEXEC, which glibc hands to /bin/sh), it returns at once.
///
/// # Safety
/// `argv` and `envp` are NULL-terminated arrays of C strings, argv with at
/// least one.
unsafe fn execvp(argv: *const *const u8, envp: *const *const u8) {
    // SAFETY: argv[0] is the command, a C string.
    let file = unsafe { read_volatile(argv) };
    // SAFETY: as above.
    let (file_len, has_slash) = unsafe { scan(file) };
    if has_slash {
        // SAFETY: file, argv and envp as promised.
        let _ = unsafe { sys(libc::SYS_execve, [file as usize, argv as usize, envp as usize, 0, 0]) };
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
        if dir_len + slash + file_len >= CMD_PATH_MAX {
            return;
        }
        // SAFETY: dir_len + slash + file_len + 1 <= CMD_PATH_MAX bytes are
        // written; the reads stay inside PATH and the file name; the
        // execve arguments are that string and argv/envp as promised.
        let result = unsafe {
            for k in 0..dir_len {
                write_volatile(out.add(k), read_volatile(path.add(start + k)));
            }
            if slash == 1 {
                write_volatile(out.add(dir_len), b'/');
            }
            for k in 0..=file_len {
                write_volatile(out.add(dir_len + slash + k), read_volatile(file.add(k)));
            }
            sys(libc::SYS_execve, [out as usize, argv as usize, envp as usize, 0, 0])
        };
        if !matches!(
            result,
            Err(libc::EACCES | libc::ENOENT | libc::ESTALE | libc::ENOTDIR | libc::ENODEV | libc::ETIMEDOUT)
        ) {
            return;
        }
        // SAFETY: `end` is at a ':' or at PATH's NUL.
        if unsafe { read_volatile(path.add(end)) } == 0 {
            return;
        }
        start = end + 1;
    }
}
