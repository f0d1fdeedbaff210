//! The run directory (`/run/netns` by default): where named namespaces live
//! as nsfs bind mounts.
//!
//! The on-disk contract is iproute2's, so names made by `netns` and by
//! `ip netns` are interchangeable:
//! - the directory is made a mount point (recursive self-bind) and a shared
//!   mount, under an exclusive `flock`, so names propagate to peer mount
//!   namespaces and concurrent first-time setups cannot stack mounts;
//! - a name is an empty placeholder created with `O_EXCL` (mode 0) with the
//!   namespace file bind-mounted over it;
//! - deletion is a lazy unmount followed by `unlink`.
//!
//! The directory is configurable (`NETNS_RUN_DIR`), which is what lets tests
//! run against a private tmpfs.

use crate::sys::Errno;
use nix::fcntl::{OFlag, open};
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sched::{CloneFlags, setns, unshare};
use nix::sys::stat::Mode;
use std::cell::Cell;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::File;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Where iproute2 (as Debian builds it) keeps named namespaces.
pub const DEFAULT_RUN_DIR: &str = "/run/netns";
/// Where per-namespace `/etc` overrides live.
pub const DEFAULT_ETC_DIR: &str = "/etc/netns";
/// Environment variable that overrides the run directory.
pub const ENV_RUN_DIR: &str = "NETNS_RUN_DIR";
/// Environment variable that overrides the `/etc/netns` directory.
pub const ENV_ETC_DIR: &str = "NETNS_ETC_DIR";

/// A run directory and its companion `/etc/netns` directory.
///
/// ```no_run
/// use netns::RunDir;
/// // Tests point NETNS_RUN_DIR at a private tmpfs; production uses /run/netns.
/// let run = RunDir::from_env();
/// run.add("blue")?;
/// for name in run.names()? {
///     println!("{}", name.to_string_lossy());
/// }
/// run.delete("blue")?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RunDir {
    path: PathBuf,
    etc: PathBuf,
    /// Set once this process has made the directory a shared mount: later
    /// adds in the same process (batch files) skip the setup.
    shared: Cell<bool>,
}

/// Where a new name's namespace comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// A brand-new network namespace (`ip netns add`).
    New,
    /// Like `New`, but the calling thread is left inside the new namespace
    /// instead of switching back: for a process that exits right after
    /// (the `netns add` command), which saves two system calls.
    NewAndStay,
    /// The namespace of a running process (`ip netns attach NAME PID`).
    Pid(i32),
    /// A namespace created beforehand, held open by this descriptor (see
    /// [`fresh_namespace_on_this_thread`]). Errors read as for `New`.
    Prepared(RawFd),
}

/// A failure of a run-directory operation. `Display` gives iproute2's
/// message for it, with the configured paths. Every variant carries the
/// path or name involved and the errno.
#[derive(Debug)]
#[allow(missing_docs)] // the fields are the object and the errno, nothing more
pub enum RunDirError {
    /// `mkdir` of the run directory failed.
    Mkdir { dir: PathBuf, errno: Errno },
    /// The run directory could not be opened for locking.
    OpenDir { dir: PathBuf, errno: Errno },
    /// `mount --make-shared` failed.
    MakeShared { dir: PathBuf, errno: Errno },
    /// The self bind mount failed.
    BindSelf { dir: PathBuf, errno: Errno },
    /// The placeholder could not be created (e.g. the name exists).
    CreateFile { path: PathBuf, errno: Errno },
    /// `unshare(CLONE_NEWNET)` failed.
    Unshare { name: OsString, errno: Errno },
    /// Bind-mounting the namespace onto the placeholder failed.
    Bind { source: String, path: PathBuf, errno: Errno },
    /// Switching the thread back to its original namespace failed.
    Restore { errno: Errno },
    /// Removing a name failed.
    Remove { path: PathBuf, errno: Errno },
}

impl RunDirError {
    /// The errno behind the failure.
    pub fn errno(&self) -> Errno {
        match self {
            RunDirError::Mkdir { errno, .. }
            | RunDirError::OpenDir { errno, .. }
            | RunDirError::MakeShared { errno, .. }
            | RunDirError::BindSelf { errno, .. }
            | RunDirError::CreateFile { errno, .. }
            | RunDirError::Unshare { errno, .. }
            | RunDirError::Bind { errno, .. }
            | RunDirError::Restore { errno }
            | RunDirError::Remove { errno, .. } => *errno,
        }
    }
}

impl RunDirError {
    /// iproute2's message, as raw bytes (names need not be UTF-8).
    pub fn message(&self) -> Vec<u8> {
        use crate::msg;
        match self {
            RunDirError::Mkdir { dir, errno } => msg!("mkdir ", dir, " failed: ", errno),
            RunDirError::OpenDir { dir, errno } => msg!("Cannot open netns runtime directory \"", dir, "\": ", errno),
            RunDirError::MakeShared { dir, errno } => msg!("mount --make-shared ", dir, " failed: ", errno),
            RunDirError::BindSelf { dir, errno } => msg!("mount --bind ", dir, " ", dir, " failed: ", errno),
            RunDirError::CreateFile { path, errno } => msg!("Cannot create namespace file \"", path, "\": ", errno),
            RunDirError::Unshare { name, errno } => {
                msg!("Failed to create a new network namespace \"", name, "\": ", errno)
            }
            RunDirError::Bind { source, path, errno } => msg!("Bind ", source, " -> ", path, " failed: ", errno),
            RunDirError::Restore { errno } => msg!("setns: ", errno),
            RunDirError::Remove { path, errno } => msg!("Cannot remove namespace file \"", path, "\": ", errno),
        }
    }
}

impl fmt::Display for RunDirError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.message()))
    }
}

impl std::error::Error for RunDirError {}

impl Default for RunDir {
    fn default() -> Self {
        RunDir::from_env()
    }
}

impl RunDir {
    /// The run directory named by `NETNS_RUN_DIR` (default `/run/netns`)
    /// and the etc directory named by `NETNS_ETC_DIR` (default `/etc/netns`).
    pub fn from_env() -> RunDir {
        let pick = |var: &str, default: &str| match std::env::var_os(var) {
            Some(v) if !v.is_empty() => PathBuf::from(v),
            _ => PathBuf::from(default),
        };
        RunDir::with_paths(pick(ENV_RUN_DIR, DEFAULT_RUN_DIR), pick(ENV_ETC_DIR, DEFAULT_ETC_DIR))
    }

    /// A run directory at `path`, with the default etc directory.
    pub fn new(path: impl Into<PathBuf>) -> RunDir {
        RunDir::with_paths(path.into(), PathBuf::from(DEFAULT_ETC_DIR))
    }

    /// A run directory and etc directory at explicit paths.
    pub fn with_paths(path: PathBuf, etc: PathBuf) -> RunDir {
        RunDir { path, etc, shared: Cell::new(false) }
    }

    /// The run directory's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The `/etc/netns` directory's path.
    pub fn etc_dir(&self) -> &Path {
        &self.etc
    }

    /// The path of a name: `RUN_DIR/NAME`. The name is used as one path
    /// component; callers validate it first (see [`crate::cli`]).
    pub fn entry(&self, name: impl AsRef<OsStr>) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push("/");
        p.push(name.as_ref());
        PathBuf::from(p)
    }

    /// Every entry of the directory in readdir order (iproute2 does not
    /// sort), `.` and `..` excluded. `Err` when it cannot be opened.
    pub fn names(&self) -> std::io::Result<Vec<OsString>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.path)? {
            names.push(entry?.file_name());
        }
        Ok(names)
    }

    /// The identity of every name's file (`stat`, following symlinks as
    /// iproute2 does), in `names` order; `None` where it cannot be stat'ed.
    ///
    /// Lookups are relative to the open directory, and a long list is
    /// split between two threads: `stat` of an nsfs mount point is most of
    /// what `identify` costs with thousands of names.
    pub fn ids(&self, names: &[OsString]) -> std::io::Result<Vec<Option<crate::namespace::NsId>>> {
        const PER_THREAD_MIN: usize = 256;
        let dir = open(&self.path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())?;
        let stat_one = |name: &OsString| {
            nix::sys::stat::fstatat(&dir, name.as_os_str(), nix::fcntl::AtFlags::empty())
                .ok()
                .map(|st| crate::namespace::NsId { dev: st.st_dev, ino: st.st_ino })
        };
        if names.len() < 2 * PER_THREAD_MIN {
            return Ok(names.iter().map(stat_one).collect());
        }
        let (first, second) = names.split_at(names.len() / 2);
        Ok(std::thread::scope(|s| {
            let other = s.spawn(|| second.iter().map(stat_one).collect::<Vec<_>>());
            let mut ids: Vec<_> = first.iter().map(stat_one).collect();
            ids.extend(other.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            ids
        }))
    }

    /// `mkdir RUN_DIR` (0755), tolerating an existing directory.
    pub fn create_dir(&self) -> Result<(), RunDirError> {
        match nix::unistd::mkdir(&self.path, Mode::from_bits_truncate(0o755)) {
            Ok(()) | Err(nix::errno::Errno::EEXIST) => Ok(()),
            Err(e) => Err(RunDirError::Mkdir { dir: self.path.clone(), errno: e.into() }),
        }
    }

    /// Make the directory a shared mount point, as iproute2 does before
    /// every add: under an exclusive flock (a failed lock only warns), make
    /// it rshared; if it is not a mount point yet, self-bind it recursively
    /// first. `warn` receives non-fatal warnings.
    pub fn make_shared(&self, warn: &mut dyn FnMut(&[u8])) -> Result<(), RunDirError> {
        if self.shared.get() {
            return Ok(());
        }
        let dir = &self.path;
        let open_dir = || open(dir, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty());
        // Opening first and creating only when missing saves the mkdir of
        // every add but the first; the messages are iproute2's either way.
        let lock = match open_dir() {
            Err(nix::errno::Errno::ENOENT) => {
                self.create_dir()?;
                open_dir()
            }
            other => other,
        }
        .map_err(|e| RunDirError::OpenDir { dir: dir.clone(), errno: e.into() })?;
        let lock = File::from(lock);
        let _guard = match nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusive) {
            Ok(g) => Some(g),
            Err((_, e)) => {
                warn(&crate::msg!("Warning: could not flock netns runtime directory \"", dir, "\": ", Errno::from(e)));
                None
            }
        };
        let mut made_mount = false;
        loop {
            match mount(Some(""), dir, Some("none"), MsFlags::MS_SHARED | MsFlags::MS_REC, None::<&str>) {
                Ok(()) => break,
                Err(nix::errno::Errno::EINVAL) if !made_mount => {
                    mount(Some(dir.as_path()), dir, Some("none"), MsFlags::MS_BIND | MsFlags::MS_REC, None::<&str>)
                        .map_err(|e| RunDirError::BindSelf { dir: dir.clone(), errno: e.into() })?;
                    made_mount = true;
                }
                Err(e) => return Err(RunDirError::MakeShared { dir: dir.clone(), errno: e.into() }),
            }
        }
        self.shared.set(true);
        Ok(())
    }

    /// Create the placeholder file for `name` (`O_CREAT|O_EXCL`, mode 0).
    /// `O_EXCL` also refuses to follow a symlink planted under the name.
    fn create_placeholder(&self, path: &Path) -> Result<(), RunDirError> {
        open(path, OFlag::O_RDONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_CLOEXEC, Mode::empty())
            .map(drop)
            .map_err(|e| RunDirError::CreateFile { path: path.to_path_buf(), errno: e.into() })
    }

    /// `ip netns add NAME`: a new network namespace, pinned under `NAME`.
    pub fn add(&self, name: impl AsRef<OsStr>) -> Result<(), RunDirError> {
        self.add_with(name.as_ref(), Source::New, &mut |_| {})
    }

    /// `ip netns attach NAME PID`: pin the namespace of `pid` under `NAME`.
    pub fn attach(&self, name: impl AsRef<OsStr>, pid: i32) -> Result<(), RunDirError> {
        self.add_with(name.as_ref(), Source::Pid(pid), &mut |_| {})
    }

    /// Add or attach, reporting warnings to `warn`. Every step iproute2 takes,
    /// in its order; on failure after the placeholder exists, only that one
    /// name is removed again.
    ///
    /// Creating switches the *calling thread* into the new namespace for the
    /// duration of the bind mount and back; it is safe from any thread.
    pub fn add_with(&self, name: &OsStr, source: Source, warn: &mut dyn FnMut(&[u8])) -> Result<(), RunDirError> {
        let path = self.entry(name);
        self.make_shared(warn)?;
        self.create_placeholder(&path)?;
        let result = match source {
            Source::New => self.bind_new(name, &path, true),
            Source::NewAndStay => self.bind_new(name, &path, false),
            Source::Pid(pid) => {
                let src = format!("/proc/{pid}/ns/net");
                bind(&src, &src, &path)
            }
            Source::Prepared(fd) => bind("/proc/self/ns/net", &format!("/proc/self/fd/{fd}"), &path),
        };
        if let Err(e) = result {
            if matches!(e, RunDirError::Restore { .. }) {
                return Err(e);
            }
            match source {
                Source::New | Source::NewAndStay | Source::Prepared(_) => {
                    let _ = self.remove_path(&path);
                }
                Source::Pid(_) => {
                    if let Err(e2) = nix::unistd::unlink(&path) {
                        warn(&RunDirError::Remove { path: path.clone(), errno: e2.into() }.message());
                    }
                }
            }
            return Err(e);
        }
        Ok(())
    }

    /// unshare a new netns on this thread, bind it, switch back.
    /// unshare a new netns on this thread, bind it, and (with `restore`)
    /// switch back.
    fn bind_new(&self, name: &OsStr, path: &Path, restore: bool) -> Result<(), RunDirError> {
        let saved: Option<OwnedFd> = if restore {
            let fd = open("/proc/thread-self/ns/net", OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
                .map_err(|e| RunDirError::Unshare { name: name.to_owned(), errno: e.into() })?;
            Some(fd)
        } else {
            None
        };
        if let Err(e) = unshare(CloneFlags::CLONE_NEWNET) {
            return Err(RunDirError::Unshare { name: name.to_owned(), errno: e.into() });
        }
        // iproute2's message names /proc/self/ns/net; on a thread other than
        // the main one that path is the wrong namespace, so bind thread-self.
        let bound = bind("/proc/self/ns/net", "/proc/thread-self/ns/net", path);
        if let Some(saved) = saved {
            if let Err(e) = setns(saved.as_fd(), CloneFlags::CLONE_NEWNET) {
                return Err(RunDirError::Restore { errno: e.into() });
            }
        }
        bound
    }

    /// `ip netns delete NAME`: lazy unmount (result ignored, as iproute2
    /// does, since a stale placeholder has nothing mounted), then unlink.
    pub fn delete(&self, name: impl AsRef<OsStr>) -> Result<(), RunDirError> {
        self.remove_path(&self.entry(name))
    }

    fn remove_path(&self, path: &Path) -> Result<(), RunDirError> {
        // UMOUNT_NOFOLLOW: a symlink planted in the run directory must never
        // make us unmount whatever it points to.
        let _ = umount2(path, MntFlags::MNT_DETACH | MntFlags::UMOUNT_NOFOLLOW);
        nix::unistd::unlink(path).map_err(|e| RunDirError::Remove { path: path.to_path_buf(), errno: e.into() })
    }
}

/// Create a new network namespace on the calling thread and return a
/// descriptor that keeps it alive. The thread *stays* in the new namespace:
/// call this only on a thread dedicated to the job (batch adds use it to
/// create namespaces ahead of time, in parallel).
pub fn fresh_namespace_on_this_thread() -> std::io::Result<OwnedFd> {
    unshare(CloneFlags::CLONE_NEWNET)?;
    Ok(open("/proc/thread-self/ns/net", OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())?)
}

fn bind(shown: &str, source: &str, path: &Path) -> Result<(), RunDirError> {
    mount(Some(source), path, Some("none"), MsFlags::MS_BIND, None::<&str>).map_err(|e| RunDirError::Bind {
        source: shown.to_string(),
        path: path.to_path_buf(),
        errno: e.into(),
    })
}

/// Is `name` acceptable to iproute2 (`invalid_name()` in ipnetns.c)? Empty,
/// longer than NAME_MAX, containing `/`, `.` and `..` are not.
pub fn is_valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.len() <= 255 && !name.contains(&b'/') && name != b"." && name != b".."
}

/// Does `name` contain bytes that would make listings and logs lie
/// (newline, other control characters)? netns refuses to create such names.
pub fn has_control_bytes(name: &[u8]) -> bool {
    name.iter().any(|&c| c < 0x20 || c == 0x7f)
}

/// Render a name for an error message with control bytes escaped.
pub fn escape_name(name: &OsStr) -> String {
    let mut out = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules_match_iproute2() {
        assert!(is_valid_name(b"a"));
        assert!(is_valid_name(b"-dash"));
        assert!(is_valid_name(b"..."));
        assert!(is_valid_name(&[b'x'; 255]));
        assert!(!is_valid_name(&[b'x'; 256]));
        assert!(!is_valid_name(b""));
        assert!(!is_valid_name(b"."));
        assert!(!is_valid_name(b".."));
        assert!(!is_valid_name(b"a/b"));
    }

    #[test]
    fn control_bytes_are_escaped() {
        assert!(has_control_bytes(b"a\nb"));
        assert!(!has_control_bytes("é x".as_bytes()));
        assert_eq!(escape_name(OsStr::new("a\nb\t\x01")), "a\\nb\\t\\x01");
    }

    #[test]
    fn messages_name_the_configured_directory() {
        let e = RunDirError::CreateFile { path: "/tmp/r/x".into(), errno: Errno(libc::EEXIST) };
        assert_eq!(e.to_string(), "Cannot create namespace file \"/tmp/r/x\": File exists");
        let e = RunDirError::BindSelf { dir: "/tmp/r".into(), errno: Errno(libc::EPERM) };
        assert_eq!(e.to_string(), "mount --bind /tmp/r /tmp/r failed: Operation not permitted");
    }
}
