//! Entering a named namespace the way `ip netns exec` and `ip -n` do, so
//! that programs that are not namespace-aware see a consistent world:
//!
//! 1. `setns` into the network namespace;
//! 2. `unshare(CLONE_NEWNS)`: a private mount namespace, so nothing below
//!    leaks out;
//! 3. `mount --make-rslave /`: mounts from outside still propagate in;
//! 4. replace `/sys` with a sysfs instance of the new network namespace
//!    (`/sys/class/net` then lists its interfaces);
//! 5. bind every `/etc/netns/NAME/FILE` over `/etc/FILE`.
//!
//! This changes the calling thread and, through the mount namespace, must
//! run while the process is single-threaded (the kernel refuses
//! `unshare(CLONE_NEWNS)` to a thread sharing its filesystem context).
//!
//! ```no_run
//! use netns_core::switch::{SwitchMode, switch_to};
//! use netns_core::{NsName, RunDir};
//! // Like `ip netns exec blue ip link` without the exec: from here on this
//! // thread is in blue, and /sys/class/net lists blue's interfaces.
//! let mut warn = |line: &[u8]| eprintln!("{}", String::from_utf8_lossy(line));
//! switch_to(&RunDir::from_env(), &NsName::new("blue")?, SwitchMode::Full, &mut warn)?;
//! for entry in std::fs::read_dir("/sys/class/net")? {
//!     println!("{}", entry?.file_name().to_string_lossy());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::rundir::{NsName, RunDir};
use crate::sys::Errno;
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sched::{CloneFlags, setns, unshare};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;

/// How much of the environment to set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SwitchMode {
    /// Everything iproute2 does (the default).
    #[default]
    Full,
    /// Only the network namespace: no private mount namespace, no `/sys`,
    /// no `/etc/netns`. Enough for netlink and sockets, and much cheaper;
    /// [`switch_mounts`] adds the rest later if it turns out to be needed.
    NetOnly,
}

/// A failed step. `Display` gives iproute2's message for it. Variants
/// carry the namespace name where the message shows it, and the errno.
#[derive(Debug)]
pub enum SwitchError {
    /// The namespace file could not be opened.
    Open {
        /// The namespace, as it was named.
        name: OsString,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// The run directory itself is unusable (not a directory, …).
    RunDir {
        /// The run directory.
        dir: std::path::PathBuf,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// `setns` refused it (not a namespace, no permission).
    Setns {
        /// The namespace, as it was named.
        name: OsString,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// `unshare(CLONE_NEWNS)` failed.
    Unshare {
        /// Why the kernel refused.
        errno: Errno,
    },
    /// `mount --make-rslave /` failed.
    MakeSlave {
        /// Why the kernel refused.
        errno: Errno,
    },
    /// Mounting the new sysfs failed.
    Sysfs {
        /// Why the kernel refused.
        errno: Errno,
    },
}

impl SwitchError {
    /// iproute2's message, as raw bytes (names need not be UTF-8).
    pub fn message(&self) -> Vec<u8> {
        use crate::sys::msg;
        match self {
            SwitchError::Open { name, errno } => msg!("Cannot open network namespace \"", name, "\": ", errno),
            SwitchError::RunDir { dir, errno } => msg!("Cannot open netns runtime directory \"", dir, "\": ", errno),
            SwitchError::Setns { name, errno } => msg!("setting the network namespace \"", name, "\" failed: ", errno),
            SwitchError::Unshare { errno } => msg!("unshare failed: ", errno),
            SwitchError::MakeSlave { errno } => msg!("\"mount --make-rslave /\" failed: ", errno),
            SwitchError::Sysfs { errno } => msg!("mount of /sys failed: ", errno),
        }
    }
}

impl fmt::Display for SwitchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.message()))
    }
}

impl std::error::Error for SwitchError {}

/// Switch the calling thread (and, for [`SwitchMode::Full`], the process's
/// view of the file system) into the namespace `name` of `run`.
/// Non-fatal `/etc/netns` bind failures go to `warn`.
///
/// ```no_run
/// use netns_core::{RunDir, switch::{switch_to, SwitchMode}};
/// use std::os::unix::process::CommandExt;
/// let blue = netns_core::NsName::new("blue").expect("a valid name");
/// let mut warn = |line: &[u8]| eprintln!("{}", String::from_utf8_lossy(line));
/// switch_to(&RunDir::from_env(), &blue, SwitchMode::Full, &mut warn)?;
/// // Now inside: /sys and /etc are blue's. Become a shell there.
/// let err = std::process::Command::new("sh").exec();
/// # Ok::<(), netns_core::Error>(())
/// ```
///
/// Opening the name never blocks (a FIFO or a device under the name is
/// refused with `EINVAL`, see [`crate::namespace::open_ns_file`]).
pub fn switch_to(
    run: &RunDir,
    name: &NsName,
    mode: SwitchMode,
    warn: &mut dyn FnMut(&[u8]),
) -> Result<(), SwitchError> {
    switch_to_path(run, &run.entry(name), name.as_os_str(), mode, warn)
}

/// `ip -n NAME`: iproute2 joins any word to the run directory there, so
/// `-n ../../proc/1/ns/net` enters PID 1's namespace; the drop-in keeps
/// that (entering is read-only). Everything else takes an [`NsName`].
pub fn switch_to_word(
    run: &RunDir,
    word: &OsStr,
    mode: SwitchMode,
    warn: &mut dyn FnMut(&[u8]),
) -> Result<(), SwitchError> {
    let mut path = run.path().as_os_str().to_owned();
    path.push("/");
    path.push(word);
    switch_to_path(run, std::path::Path::new(&path), word, mode, warn)
}

fn switch_to_path(
    run: &RunDir,
    path: &std::path::Path,
    name: &OsStr,
    mode: SwitchMode,
    warn: &mut dyn FnMut(&[u8]),
) -> Result<(), SwitchError> {
    let fd = crate::namespace::open_ns_file(path).map_err(|e| match run.dir_problem() {
        // "Not a directory" for a name means the run directory is not one.
        Some(errno) if e.raw_os_error() == Some(libc::ENOTDIR) => {
            SwitchError::RunDir { dir: run.path().to_path_buf(), errno }
        }
        _ => SwitchError::Open { name: name.to_owned(), errno: Errno::of(&e) },
    })?;
    setns(&fd, CloneFlags::CLONE_NEWNET)
        .map_err(|e| SwitchError::Setns { name: name.to_owned(), errno: Errno::nix(e) })?;
    drop(fd);
    if mode == SwitchMode::NetOnly {
        return Ok(());
    }
    switch_mounts(run, name, warn)
}

/// The mount half of [`switch_to`] (steps 2–5), for a thread already in
/// the network namespace `name` (switched with [`SwitchMode::NetOnly`]):
/// for a program that learns only later that it needs `/sys` or
/// `/etc/netns` to match. `name` names the `/etc/netns` directory and the
/// new sysfs mount, as in [`switch_to_word`].
pub fn switch_mounts(run: &RunDir, name: &OsStr, warn: &mut dyn FnMut(&[u8])) -> Result<(), SwitchError> {
    unshare(CloneFlags::CLONE_NEWNS).map_err(|e| SwitchError::Unshare { errno: Errno::nix(e) })?;
    mount(Some(""), "/", Some("none"), MsFlags::MS_SLAVE | MsFlags::MS_REC, None::<&str>)
        .map_err(|e| SwitchError::MakeSlave { errno: Errno::nix(e) })?;
    let mut flags = MsFlags::empty();
    if umount2("/sys", MntFlags::MNT_DETACH).is_err() {
        // Could not remove the old sysfs: stack the new one on it. A
        // read-write sysfs cannot be stacked on a read-only one.
        if let Ok(st) = nix::sys::statvfs::statvfs("/sys")
            && st.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY)
        {
            flags = MsFlags::MS_RDONLY;
        }
    }
    // The mount source is the namespace name, as with iproute2 (it shows up
    // in mountinfo and tells which namespace a /sys belongs to).
    mount(Some(name), "/sys", Some("sysfs"), flags, None::<&str>)
        .map_err(|e| SwitchError::Sysfs { errno: Errno::nix(e) })?;
    bind_etc(run, name, warn);
    Ok(())
}

/// Bind `ETC_DIR/NAME/*` over `/etc/*`. Failures are reported, not fatal.
fn bind_etc(run: &RunDir, name: &OsStr, warn: &mut dyn FnMut(&[u8])) {
    if name.as_bytes().len() >= 255 {
        return;
    }
    let mut dir = run.etc_dir().as_os_str().to_owned();
    dir.push("/");
    dir.push(name);
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let mut src = dir.clone();
        src.push("/");
        src.push(&file);
        let mut dst = OsString::from("/etc/");
        dst.push(&file);
        if let Err(e) = mount(Some(src.as_os_str()), dst.as_os_str(), Some("none"), MsFlags::MS_BIND, None::<&str>) {
            warn(&crate::sys::msg!("Bind ", src, " -> ", dst, " failed: ", Errno::nix(e)));
        }
    }
}
