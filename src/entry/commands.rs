//! The four commands of the early path, each the system calls the full
//! program makes for it, in its order.

use super::raw::{NAME_PATH_MAX, env_has, env_value, exit, join, scan, sys};
use super::{ETC_DIR, Failure, RUN_DIR, record};
use core::cell::UnsafeCell;
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
        // Anything but a regular file is left to the full program.
        let Some(fd) = open_regular(path as *const u8) else { return };
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

/// Room for the run directory's entries as `getdents64` returns them: a
/// 14-byte name takes 40 bytes, so about 26 000 such names. A directory
/// that does not fit is left to the full program. In .bss: only the pages
/// `getdents64` writes are ever touched.
const DIRENTS_MAX: usize = 1 << 20;

/// The buffer for [`identify`]'s directory entries (8-aligned, as
/// `getdents64` writes 8-aligned records).
#[repr(C, align(8))]
struct Dirents(UnsafeCell<[u8; DIRENTS_MAX]>);

// SAFETY: only the early path uses it, on the one thread there is before
// libc starts.
unsafe impl Sync for Dirents {}

static DIRENTS: Dirents = Dirents(UnsafeCell::new([0; DIRENTS_MAX]));

/// Offsets in a `linux_dirent64`: inode, offset, record length, type, name.
const D_OFF: usize = 8;
const D_RECLEN: usize = 16;
const D_NAME: usize = 19;

/// Room for "/proc/" + a PID of at most 255 digits + "/ns/net" + NUL.
const PROC_PATH_MAX: usize = 6 + 255 + 7 + 1;

/// `netns identify [PID]` as the full program runs it: the namespace of
/// /proc/PID/ns/net (/proc/self/ns/net without PID) opened as
/// `namespace::open_ns_file` opens it (`O_PATH`, a regular file, reopened
/// through /proc/self/fd), the run directory's names read in readdir order
/// (`.` and `..` left out), then each name `fstatat`'d relative to the
/// directory (following symbolic links), from the last name back to the
/// first match, which is printed (`RunDir::last_with_id`); a line with
/// only a newline when none matches. Exits 0 after printing, whatever the
/// write gave (the full program ignores its flush's errors); before
/// printing, every failure, and a directory too big for the buffer,
/// returns, and the full program does it all again and prints its message.
///
/// # Safety
/// `pid` is a C string of 1 to 255 digits.
pub unsafe fn identify(pid: Option<*const u8>) {
    let mut buf = MaybeUninit::<[u8; PROC_PATH_MAX]>::uninit();
    let out = buf.as_mut_ptr() as *mut u8;
    static PROC: [u8; 6] = *b"/proc/";
    static NS_NET: [u8; 8] = *b"/ns/net\0";
    static SELF: [u8; 5] = *b"self\0";
    let digits = pid.unwrap_or(SELF.as_ptr());
    // SAFETY: "/proc/" + at most 255 bytes + "/ns/net" + NUL fit in
    // PROC_PATH_MAX; `digits` is a C string of at most 255 bytes.
    unsafe {
        for (i, &c) in PROC.iter().enumerate() {
            write_volatile(out.add(i), c);
        }
        let mut n = 0;
        loop {
            let c = read_volatile(digits.add(n));
            if c == 0 {
                break;
            }
            write_volatile(out.add(PROC.len() + n), c);
            n += 1;
        }
        for (i, &c) in NS_NET.iter().enumerate() {
            write_volatile(out.add(PROC.len() + n + i), c);
        }
    }
    // SAFETY: `out` holds a NUL-terminated path that lives to the end.
    let Some((dev, ino)) = (unsafe { namespace_id(out) }) else { return };
    let open_dir = (libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) as usize;
    // SAFETY: a NUL-terminated literal.
    let Ok(dir) =
        (unsafe { sys(libc::SYS_openat, [libc::AT_FDCWD as usize, RUN_DIR_C.as_ptr() as usize, open_dir, 0, 0]) })
    else {
        return;
    };
    let base = DIRENTS.0.get() as *mut u8;
    // SAFETY: the buffer is this path's alone, and `dir` is open.
    let found = unsafe { last_match(dir, base, dev, ino) };
    // SAFETY: closes what this function opened.
    let _ = unsafe { sys(libc::SYS_close, [dir, 0, 0, 0, 0]) };
    let Ok(found) = found else { return };
    static NEWLINE: [u8; 1] = *b"\n";
    let (line, len) = match found {
        // SAFETY: the name is a NUL-terminated string inside the record at
        // `at`, in the buffer; its NUL becomes the line's newline.
        Some(at) => unsafe {
            let name = base.add(at + D_NAME);
            let (n, _) = scan(name);
            write_volatile(name.add(n), b'\n');
            (name as *const u8, n + 1)
        },
        None => (NEWLINE.as_ptr(), 1),
    };
    // As `cli::main_with_args` does first thing: SIGPIPE's default action,
    // so that a reader gone away ends this process as it ends the full
    // program.
    // SAFETY: the static SIG_DFL_ACTION, 8 bytes of signal mask.
    let _ = unsafe { sys(libc::SYS_rt_sigaction, [libc::SIGPIPE as usize, SIG_DFL_ACTION.as_ptr() as usize, 0, 8, 0]) };
    let mut done = 0;
    while done < len {
        // SAFETY: `line` holds `len` bytes.
        match unsafe { sys(libc::SYS_write, [1, line as usize + done, len - done, 0, 0]) } {
            Ok(n) => done += n,
            Err(libc::EINTR) => {}
            // The full program's output is buffered and its flush's
            // errors are ignored (and std ignores a closed stdout).
            Err(_) => break,
        }
    }
    exit(libc::EXIT_SUCCESS as usize)
}

/// The run directory as a C string.
static RUN_DIR_C: [u8; 11] = *b"/run/netns\0";
const _: () = assert!(RUN_DIR_C.len() == RUN_DIR.len() + 1);

/// Open `path` for reading if it is a regular file (as every namespace
/// file is): a FIFO would block the open, a device could act on it.
/// O_PATH opens neither; the check is on what it found, and the real open
/// goes through it (namespace::open_ns_file does the same).
///
/// # Safety
/// `path` is a NUL-terminated string.
unsafe fn open_regular(path: *const u8) -> Option<usize> {
    // SAFETY (every call): `path` as promised; `st` and `fd_buf` live to
    // the end of this function; the probe descriptor is closed.
    unsafe {
        let o_path = (libc::O_PATH | libc::O_CLOEXEC) as usize;
        let probe = sys(libc::SYS_openat, [libc::AT_FDCWD as usize, path as usize, o_path, 0, 0]).ok()?;
        let mut st = MaybeUninit::<libc::stat>::uninit();
        let regular = sys(libc::SYS_fstat, [probe, st.as_mut_ptr() as usize, 0, 0, 0]).is_ok()
            && read_volatile(core::ptr::addr_of!((*st.as_ptr()).st_mode)) & libc::S_IFMT == libc::S_IFREG;
        let mut fd_buf = MaybeUninit::<[u8; FD_PATH_MAX]>::uninit();
        let again = fd_path(&mut fd_buf, probe) as usize;
        let open_ns = (libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY) as usize;
        let opened =
            if regular { sys(libc::SYS_openat, [libc::AT_FDCWD as usize, again, open_ns, 0, 0]) } else { Err(0) };
        let _ = sys(libc::SYS_close, [probe, 0, 0, 0, 0]);
        opened.ok()
    }
}

/// The (dev, inode) of the namespace file at `path`, opened as
/// `namespace::open_ns_file` opens it; `None` on any failure or when it is
/// not a regular file (the full program accepts a directory too, and says
/// what failed).
///
/// # Safety
/// `path` is a NUL-terminated string.
unsafe fn namespace_id(path: *const u8) -> Option<(u64, u64)> {
    // SAFETY (every call): `path` as promised, `st` lives to the end of
    // this function; the descriptor opened is closed.
    unsafe {
        let fd = open_regular(path)?;
        let mut st = MaybeUninit::<libc::stat>::uninit();
        // The reopened file's identity, as the full program takes it.
        let stated = sys(libc::SYS_fstat, [fd, st.as_mut_ptr() as usize, 0, 0, 0]).is_ok();
        let _ = sys(libc::SYS_close, [fd, 0, 0, 0, 0]);
        stated.then(|| {
            let p = st.as_ptr();
            (read_volatile(core::ptr::addr_of!((*p).st_dev)), read_volatile(core::ptr::addr_of!((*p).st_ino)))
        })
    }
}

/// Read every entry of the directory `dir` into `base` (DIRENTS_MAX
/// bytes), then `fstatat` the names from the last one back, stopping at
/// the first whose file is (`dev`, `ino`): `Ok(Some(its record's offset))`,
/// `Ok(None)` when none is; `Err` when the directory cannot be read whole
/// (an error, or more than fits).
///
/// # Safety
/// `base` points to DIRENTS_MAX writable bytes, 8-aligned, nobody else's.
unsafe fn last_match(dir: usize, base: *mut u8, dev: u64, ino: u64) -> Result<Option<usize>, ()> {
    let mut used = 0;
    loop {
        // SAFETY: the kernel writes at most the room left.
        match unsafe { sys(libc::SYS_getdents64, [dir, base as usize + used, DIRENTS_MAX - used, 0, 0]) } {
            Ok(0) => break,
            Ok(n) => used += n,
            Err(_) => return Err(()),
        }
    }
    // Each record's d_off (which nothing here needs) is overwritten with
    // the previous name's record offset + 1 (0: none), so that the names
    // can be walked from the end.
    let mut at = 0;
    let mut last = 0;
    while at < used {
        // SAFETY: every record the kernel wrote lies inside `used` bytes,
        // 8-aligned, its header and NUL-terminated name inside its length
        // (at least 24 bytes: header, one byte of name, NUL, padding).
        unsafe {
            let rec = base.add(at);
            let len = read_volatile(rec.add(D_RECLEN) as *const u16) as usize;
            if len < D_NAME + 5 || at + len > used {
                return Err(());
            }
            let name = rec.add(D_NAME);
            let (a, b, c) = (read_volatile(name), read_volatile(name.add(1)), read_volatile(name.add(2)));
            let dots = a == b'.' && (b == 0 || (b == b'.' && c == 0));
            if !dots {
                write_volatile(rec.add(D_OFF) as *mut u64, last as u64);
                last = at + 1;
            }
            at += len;
        }
    }
    let mut st = MaybeUninit::<libc::stat>::uninit();
    while last != 0 {
        let at = last - 1;
        // SAFETY: `at` is a record found above; its name is a C string;
        // `st` is room for a stat.
        unsafe {
            let rec = base.add(at);
            let name = rec.add(D_NAME) as usize;
            if sys(libc::SYS_newfstatat, [dir, name, st.as_mut_ptr() as usize, 0, 0]).is_ok() {
                let p = st.as_ptr();
                let id =
                    (read_volatile(core::ptr::addr_of!((*p).st_dev)), read_volatile(core::ptr::addr_of!((*p).st_ino)));
                if id == (dev, ino) {
                    return Ok(Some(at));
                }
            }
            last = read_volatile(rec.add(D_OFF) as *const u64) as usize;
        }
    }
    Ok(None)
}
