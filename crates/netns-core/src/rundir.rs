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
//! netns also holds that `flock` for the whole of every add and delete
//! (iproute2 does not, and concurrent adds and deletes of one name can
//! leave two namespaces stacked on it), and every method that builds a
//! path from a name takes an [`NsName`], which cannot leave the directory.
//!
//! The directory is configurable (`NETNS_RUN_DIR`), which is what lets tests
//! run against a private tmpfs.
//!
//! ```no_run
//! use netns_core::{NsName, RunDir};
//! // A run directory of one's own: its names are invisible to `ip netns`,
//! // which looks in /run/netns.
//! let run = RunDir::new("/tmp/my-netns");
//! let scratch = NsName::new("scratch")?;
//! run.add(&scratch)?;
//! assert!(run.names()?.iter().any(|n| n == scratch.as_os_str()));
//! run.delete(&scratch)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::sys::Errno;
use nix::fcntl::{Flock, FlockArg, OFlag, open};
use nix::mount::{MntFlags, MsFlags, mount, umount2};
use nix::sched::{CloneFlags, setns, unshare};
use nix::sys::stat::Mode;
use std::cell::Cell;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
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
/// use netns_core::{NsName, RunDir};
/// // Tests point NETNS_RUN_DIR at a private tmpfs; production uses /run/netns.
/// let run = RunDir::from_env();
/// let blue = NsName::new("blue")?;
/// run.add(&blue)?;
/// for name in run.names()? {
///     println!("{}", name.to_string_lossy());
/// }
/// run.delete(&blue)?;
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
pub enum Source<'fd> {
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
    Prepared(BorrowedFd<'fd>),
}

/// The run directory's lock (see [`RunDir::lock`]), released on drop.
#[derive(Debug)]
pub struct RunDirLock {
    _held: Option<Flock<File>>,
}

/// What an entry of the run directory is (see [`RunDir::examine`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A network namespace mounted on the name. `mtime` is the nsfs
    /// file's, which the kernel sets when the namespace file is first
    /// instantiated: for a name made by `add`, when it was made.
    Namespace {
        /// The namespace's identity.
        id: crate::nsid::NsId,
        /// Seconds since the epoch.
        mtime: i64,
    },
    /// An empty regular file with nothing mounted on it: the placeholder of
    /// an add that did not finish, or of a name whose mount went away.
    Placeholder {
        /// st_dev of the file.
        dev: u64,
        /// st_ino of the file.
        ino: u64,
        /// Seconds since the epoch.
        mtime: i64,
    },
    /// Anything else: not a name `add` makes.
    Other {
        /// What it is, as a word for tools.
        kind: EntryKind,
        /// What it is, in words for a message ("a symbolic link").
        what: String,
    },
}

/// The kinds of [`Entry::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names say it
pub enum EntryKind {
    Symlink,
    Directory,
    Fifo,
    Socket,
    Device,
    /// A regular file that holds data.
    File,
    /// A file mounted onto the name from anywhere but nsfs.
    Mount,
    /// A namespace file of another type (a mount or pid namespace).
    OtherNamespace,
}

impl EntryKind {
    /// A lower-case word for tools (`symlink`, `directory`, …).
    pub fn word(self) -> &'static str {
        match self {
            EntryKind::Symlink => "symlink",
            EntryKind::Directory => "directory",
            EntryKind::Fifo => "fifo",
            EntryKind::Socket => "socket",
            EntryKind::Device => "device",
            EntryKind::File => "file",
            EntryKind::Mount => "mount",
            EntryKind::OtherNamespace => "nsfs",
        }
    }
}

impl Entry {
    /// What it is, in words.
    pub fn words(&self) -> String {
        match self {
            Entry::Namespace { .. } => "a network namespace".into(),
            Entry::Placeholder { .. } => "an empty file with no namespace mounted on it".into(),
            Entry::Other { what, .. } => what.clone(),
        }
    }
}

/// Is the file behind `fd` the root of a mount (statx's
/// `STATX_ATTR_MOUNT_ROOT`)? A kernel that does not report the attribute
/// (before 5.8) is answered with `true`: nothing is taken for a plain file
/// that cannot be shown to be one.
fn is_mount_root(fd: &OwnedFd) -> std::io::Result<bool> {
    // SAFETY: statx writes one `struct statx` into memory we own; all-zero
    // bytes are a valid value of that plain C struct.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: a valid descriptor, an empty NUL-terminated path with
    // AT_EMPTY_PATH, and a pointer to the struct above.
    let rc = unsafe {
        libc::statx(
            fd.as_raw_fd(),
            c"".as_ptr(),
            libc::AT_EMPTY_PATH | libc::AT_SYMLINK_NOFOLLOW,
            libc::STATX_BASIC_STATS,
            &mut stx,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let bit = libc::STATX_ATTR_MOUNT_ROOT as u64;
    Ok(stx.stx_attributes_mask & bit == 0 || stx.stx_attributes & bit != 0)
}

/// A failure of a run-directory operation. `Display` gives iproute2's
/// message for it, with the configured paths. Every variant carries the
/// path or name involved and the errno.
#[derive(Debug)]
pub enum RunDirError {
    /// `mkdir` of the run directory failed.
    Mkdir {
        /// The run directory.
        dir: PathBuf,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// The run directory could not be opened for locking.
    OpenDir {
        /// The run directory.
        dir: PathBuf,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// `mount --make-shared` failed.
    MakeShared {
        /// The run directory.
        dir: PathBuf,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// The self bind mount failed.
    BindSelf {
        /// The run directory.
        dir: PathBuf,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// The placeholder could not be created (e.g. the name exists).
    CreateFile {
        /// The name's path in the run directory.
        path: PathBuf,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// `unshare(CLONE_NEWNET)` failed.
    Unshare {
        /// The name the new namespace was for.
        name: OsString,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// Bind-mounting the namespace onto the placeholder failed.
    Bind {
        /// The namespace file, as the message shows it (`/proc/PID/ns/net`, …).
        source: String,
        /// The name's path in the run directory.
        path: PathBuf,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// Switching the thread back to its original namespace failed.
    Restore {
        /// Why the kernel refused.
        errno: Errno,
    },
    /// Removing a name failed.
    Remove {
        /// The name's path in the run directory.
        path: PathBuf,
        /// Why the kernel refused.
        errno: Errno,
    },
    /// A name that may not be created (see [`NsName::new`]).
    Name(InvalidName),
    /// [`RunDir::delete_examined`]: the name is no longer the file that was
    /// examined (it was removed, replaced or mounted over since), or it is
    /// no namespace or placeholder at all; nothing was removed.
    Changed {
        /// The name's path.
        path: PathBuf,
        /// What the name is now, in words for the message.
        now: String,
    },
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
            RunDirError::Name(_) => Errno(libc::EINVAL),
            RunDirError::Changed { .. } => Errno(libc::ESTALE),
        }
    }
}

impl RunDirError {
    /// iproute2's message, as raw bytes (names need not be UTF-8).
    pub fn message(&self) -> Vec<u8> {
        use crate::sys::msg;
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
            RunDirError::Name(e) => e.message(),
            RunDirError::Changed { path, now } => {
                msg!("Not removing \"", path, "\": it changed since it was examined (now ", now.as_str(), ")")
            }
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

    /// The path of a name: `RUN_DIR/NAME`. [`NsName`] guarantees the name
    /// is one path component, so the path is inside the run directory.
    pub fn entry(&self, name: &NsName) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push("/");
        p.push(name.as_os_str());
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
    /// Lookups are relative to the open directory, on the calling thread:
    /// `stat` of an nsfs mount point is most of what `identify` costs with
    /// thousands of names, and two threads stat-ing names of one directory
    /// contend in the kernel (on the directory's file and mount) enough
    /// to use 60 % more CPU for 20 % less time on an idle machine, and
    /// more time on a busy one.
    pub fn ids(&self, names: &[OsString]) -> std::io::Result<Vec<Option<crate::nsid::NsId>>> {
        let dir = open(&self.path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())?;
        Ok(names
            .iter()
            .map(|name| {
                nix::sys::stat::fstatat(&dir, name.as_os_str(), nix::fcntl::AtFlags::empty())
                    .ok()
                    .map(|st| crate::nsid::NsId { dev: st.st_dev, ino: st.st_ino })
            })
            .collect())
    }

    /// The index of the last of `names` (in their order) whose file is the
    /// namespace `id`, as `ip netns identify` prints it: the names are
    /// stat'ed from the end and the search stops at the first match, so a
    /// namespace named late in the list costs few lookups (none is saved
    /// when no name matches).
    pub fn last_with_id(&self, names: &[OsString], id: crate::nsid::NsId) -> std::io::Result<Option<usize>> {
        let dir = open(&self.path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())?;
        Ok(names.iter().rposition(|name| {
            nix::sys::stat::fstatat(&dir, name.as_os_str(), nix::fcntl::AtFlags::empty())
                .is_ok_and(|st| (crate::nsid::NsId { dev: st.st_dev, ino: st.st_ino }) == id)
        }))
    }

    /// What is wrong with the run directory itself, when it exists but
    /// cannot be opened as a directory (a file, `/dev/null`, no
    /// permission): the errno, for a message that names the directory
    /// rather than a name inside it. `None` when it opens or is missing.
    pub fn dir_problem(&self) -> Option<Errno> {
        match self.open_dir() {
            Ok(_) | Err(nix::errno::Errno::ENOENT) => None,
            Err(e) => Some(Errno::nix(e)),
        }
    }

    /// `mkdir RUN_DIR` (0755), tolerating an existing directory.
    pub fn create_dir(&self) -> Result<(), RunDirError> {
        match nix::unistd::mkdir(&self.path, Mode::from_bits_truncate(0o755)) {
            Ok(()) | Err(nix::errno::Errno::EEXIST) => Ok(()),
            Err(e) => Err(RunDirError::Mkdir { dir: self.path.clone(), errno: Errno::nix(e) }),
        }
    }

    fn open_dir(&self) -> nix::Result<OwnedFd> {
        open(&self.path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
    }

    /// Open the run directory (creating it when missing) and take its
    /// exclusive `flock`: the lock iproute2 takes around the mount setup,
    /// which netns also holds for the whole of every add and delete, so
    /// that an add and a delete of one name never interleave (an add's
    /// bind landing on the placeholder of a later add stacks two
    /// namespaces on the name). A lock that cannot be taken only warns,
    /// as in iproute2. `None`: no lock held.
    fn lock_creating(&self, warn: &mut dyn FnMut(&[u8])) -> Result<Option<Flock<File>>, RunDirError> {
        let dir = &self.path;
        // Opening first and creating only when missing saves the mkdir of
        // every add but the first; the messages are iproute2's either way.
        let fd = match self.open_dir() {
            Err(nix::errno::Errno::ENOENT) => {
                self.create_dir()?;
                self.open_dir()
            }
            other => other,
        }
        .map_err(|e| RunDirError::OpenDir { dir: dir.clone(), errno: Errno::nix(e) })?;
        match Flock::lock(File::from(fd), FlockArg::LockExclusive) {
            Ok(g) => Ok(Some(g)),
            Err((_, e)) => {
                warn(&crate::sys::msg!(
                    "Warning: could not flock netns runtime directory \"",
                    dir,
                    "\": ",
                    Errno::nix(e)
                ));
                Ok(None)
            }
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
        let _lock = self.lock_creating(warn)?;
        self.make_shared_locked()
    }

    /// [`make_shared`](Self::make_shared) with the lock already held.
    fn make_shared_locked(&self) -> Result<(), RunDirError> {
        if self.shared.get() {
            return Ok(());
        }
        let dir = &self.path;
        let mut made_mount = false;
        loop {
            match mount(Some(""), dir, Some("none"), MsFlags::MS_SHARED | MsFlags::MS_REC, None::<&str>) {
                Ok(()) => break,
                Err(nix::errno::Errno::EINVAL) if !made_mount => {
                    mount(Some(dir.as_path()), dir, Some("none"), MsFlags::MS_BIND | MsFlags::MS_REC, None::<&str>)
                        .map_err(|e| RunDirError::BindSelf { dir: dir.clone(), errno: Errno::nix(e) })?;
                    made_mount = true;
                }
                Err(e) => return Err(RunDirError::MakeShared { dir: dir.clone(), errno: Errno::nix(e) }),
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
            .map_err(|e| RunDirError::CreateFile { path: path.to_path_buf(), errno: Errno::nix(e) })
    }

    /// `ip netns add NAME`: a new network namespace, pinned under `NAME`.
    pub fn add(&self, name: &NsName) -> Result<(), RunDirError> {
        self.add_with(name, Source::New, &mut |_| {})
    }

    /// `ip netns attach NAME PID`: pin the namespace of `pid` under `NAME`.
    pub fn attach(&self, name: &NsName, pid: i32) -> Result<(), RunDirError> {
        self.add_with(name, Source::Pid(pid), &mut |_| {})
    }

    /// Add or attach, reporting warnings to `warn`. Every step iproute2 takes,
    /// in its order, all under the run directory's lock (see
    /// [`delete`](Self::delete)); on failure after the placeholder exists,
    /// only that one name is removed again. A name with control bytes is
    /// refused before anything changes.
    ///
    /// Creating switches the *calling thread* into the new namespace for the
    /// duration of the bind mount and back; it is safe from any thread.
    pub fn add_with(&self, name: &NsName, source: Source<'_>, warn: &mut dyn FnMut(&[u8])) -> Result<(), RunDirError> {
        if name.has_control_bytes() {
            return Err(InvalidName { name: name.as_os_str().to_owned(), problem: NameProblem::ControlBytes }.into());
        }
        let name_os = name.as_os_str();
        let path = self.entry(name);
        let _lock = self.lock_creating(warn)?;
        self.make_shared_locked()?;
        self.create_placeholder(&path)?;
        let result = match source {
            Source::New => self.bind_new(name_os, &path, true),
            Source::NewAndStay => self.bind_new(name_os, &path, false),
            Source::Pid(pid) => {
                let src = format!("/proc/{pid}/ns/net");
                bind(&src, &src, &path)
            }
            Source::Prepared(fd) => bind("/proc/self/ns/net", &format!("/proc/self/fd/{}", fd.as_raw_fd()), &path),
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
                        warn(&RunDirError::Remove { path: path.clone(), errno: Errno::nix(e2) }.message());
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
                .map_err(|e| RunDirError::Unshare { name: name.to_owned(), errno: Errno::nix(e) })?;
            Some(fd)
        } else {
            None
        };
        if let Err(e) = unshare(CloneFlags::CLONE_NEWNET) {
            return Err(RunDirError::Unshare { name: name.to_owned(), errno: Errno::nix(e) });
        }
        // iproute2's message names /proc/self/ns/net; on a thread other than
        // the main one that path is the wrong namespace, so bind thread-self.
        let bound = bind("/proc/self/ns/net", "/proc/thread-self/ns/net", path);
        if let Some(saved) = saved
            && let Err(e) = setns(saved.as_fd(), CloneFlags::CLONE_NEWNET)
        {
            return Err(RunDirError::Restore { errno: Errno::nix(e) });
        }
        bound
    }

    /// `ip netns delete NAME`: lazy unmount (result ignored, as iproute2
    /// does, since a stale placeholder has nothing mounted), then unlink,
    /// under the run directory's lock, which every add holds too: a delete
    /// never runs between an add's placeholder and its mount. A run
    /// directory that cannot be opened is reported as such (its absence is
    /// left to the unlink's message, as iproute2 words it).
    pub fn delete(&self, name: &NsName) -> Result<(), RunDirError> {
        let _lock = match self.open_dir() {
            Ok(fd) => Flock::lock(File::from(fd), FlockArg::LockExclusive).ok(),
            Err(nix::errno::Errno::ENOENT) => None,
            Err(e) => return Err(RunDirError::OpenDir { dir: self.path.clone(), errno: Errno::nix(e) }),
        };
        self.remove_path(&self.entry(name))
    }

    /// [`delete`](Self::delete) under the run directory's lock the caller
    /// already holds (see [`lock`](Self::lock)): many names removed by one
    /// hold, from several threads, instead of one lock per name, which
    /// would make the threads take turns.
    pub fn delete_locked(&self, _lock: &RunDirLock, name: &NsName) -> Result<(), RunDirError> {
        self.remove_path(&self.entry(name))
    }

    /// Why `-all delete` must leave this entry alone, if it must: anything
    /// but a namespace, an empty placeholder, a symbolic link or a
    /// directory (whose removal fails with iproute2's message) is not a
    /// name someone made with `add`, and removing it would lose data.
    /// `None` also when the entry cannot be examined (the delete says why).
    pub fn not_a_name(&self, name: &NsName) -> Option<String> {
        let st = nix::sys::stat::lstat(&self.entry(name)).ok()?;
        let what = match st.st_mode & libc::S_IFMT {
            libc::S_IFREG if st.st_size > 0 => crate::sys::regular_file_words(st.st_size),
            _ => crate::sys::special_file_words(st.st_mode)?.to_string(),
        };
        Some(format!("{what}, not a namespace or an empty placeholder"))
    }

    /// Take the run directory's lock, as [`delete`](Self::delete) does,
    /// and hold it until the returned value is dropped: adds and deletes
    /// by netns wait meanwhile. A directory that does not exist is not
    /// locked (there is nothing in it to protect).
    pub fn lock(&self) -> Result<RunDirLock, RunDirError> {
        let held = match self.open_dir() {
            Ok(fd) => Flock::lock(File::from(fd), FlockArg::LockExclusive).ok(),
            Err(nix::errno::Errno::ENOENT) => None,
            Err(e) => return Err(RunDirError::OpenDir { dir: self.path.clone(), errno: Errno::nix(e) }),
        };
        Ok(RunDirLock { _held: held })
    }

    /// What the entry `name` is, seen without following it: the entry is
    /// opened `O_PATH | O_NOFOLLOW` (a symbolic link is reported, never
    /// followed; a FIFO or device is never opened for reading), then
    /// examined through that descriptor. `Err` when it cannot be opened
    /// (gone, or the directory cannot be searched).
    pub fn examine(&self, name: &NsName) -> std::io::Result<Entry> {
        use nix::sys::stat::fstat;
        let path = self.entry(name);
        let probe = open(&path, OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty())?;
        let st = fstat(&probe)?;
        let other = |kind: EntryKind, what: String| Ok(Entry::Other { kind, what });
        match st.st_mode & libc::S_IFMT {
            libc::S_IFLNK => return other(EntryKind::Symlink, "a symbolic link".into()),
            libc::S_IFDIR => return other(EntryKind::Directory, "a directory".into()),
            libc::S_IFREG => {}
            mode => {
                let what = crate::sys::special_file_words(mode).unwrap_or("not a file").to_string();
                let kind = if mode == libc::S_IFIFO {
                    EntryKind::Fifo
                } else if mode == libc::S_IFSOCK {
                    EntryKind::Socket
                } else {
                    EntryKind::Device
                };
                return other(kind, what);
            }
        }
        let nsfs = nix::sys::stat::stat("/proc/self/ns/net")?.st_dev;
        if st.st_dev == nsfs {
            // A regular file on nsfs: opening it for real cannot block or
            // act. Through the probe, so it is the file examined.
            let again = format!("/proc/self/fd/{}", probe.as_raw_fd());
            let fd = open(again.as_str(), OFlag::O_RDONLY | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK, Mode::empty())?;
            // NS_GET_NSTYPE = _IO(0xb7, 0x3)
            // SAFETY: NS_GET_NSTYPE takes no argument and only reads the fd.
            let kind = unsafe { libc::ioctl(fd.as_raw_fd(), 0xb703 as _) };
            if kind != libc::CLONE_NEWNET {
                return other(EntryKind::OtherNamespace, "a namespace of another type".into());
            }
            let id = crate::nsid::NsId { dev: st.st_dev, ino: st.st_ino };
            return Ok(Entry::Namespace { id, mtime: st.st_mtime });
        }
        if is_mount_root(&probe)? {
            return other(EntryKind::Mount, "a file mounted from elsewhere, not a namespace".into());
        }
        if st.st_size > 0 {
            return other(EntryKind::File, crate::sys::regular_file_words(st.st_size));
        }
        Ok(Entry::Placeholder { dev: st.st_dev, ino: st.st_ino, mtime: st.st_mtime })
    }

    /// Remove `name` if it is still the namespace or placeholder `seen`
    /// (from [`examine`](Self::examine)), with the run directory's lock
    /// held by the caller: the caller can check whatever it needs under
    /// the same lock first.
    ///
    /// The entry is examined again, and removed only when it is the same
    /// file (device and inode; a symbolic link never is). A namespace is
    /// removed as [`delete`](Self::delete) removes it (lazy unmount with
    /// `UMOUNT_NOFOLLOW`, then unlink); a placeholder is only unlinked, so
    /// that a namespace mounted onto it meanwhile makes the unlink fail
    /// (`EBUSY`) instead of being unmounted. What remains racy: a tool
    /// that does not take the lock (iproute2) replacing the name between
    /// this check and the unmount, a window of two system calls.
    pub fn delete_examined(&self, _lock: &RunDirLock, name: &NsName, seen: &Entry) -> Result<(), RunDirError> {
        let path = self.entry(name);
        let now = self.examine(name).map_err(|e| RunDirError::Remove { path: path.clone(), errno: Errno::of(&e) })?;
        let same = match (seen, &now) {
            (Entry::Namespace { id: a, .. }, Entry::Namespace { id: b, .. }) => a == b,
            (Entry::Placeholder { dev: d1, ino: i1, .. }, Entry::Placeholder { dev: d2, ino: i2, .. }) => {
                (d1, i1) == (d2, i2)
            }
            _ => false,
        };
        if !same {
            return Err(RunDirError::Changed { path, now: now.words() });
        }
        match seen {
            Entry::Namespace { .. } => self.remove_path(&path),
            _ => nix::unistd::unlink(&path).map_err(|e| RunDirError::Remove { path, errno: Errno::nix(e) }),
        }
    }

    fn remove_path(&self, path: &Path) -> Result<(), RunDirError> {
        // UMOUNT_NOFOLLOW: a symlink planted in the run directory must never
        // make us unmount whatever it points to.
        let _ = umount2(path, MntFlags::MNT_DETACH | MntFlags::UMOUNT_NOFOLLOW);
        nix::unistd::unlink(path).map_err(|e| RunDirError::Remove { path: path.to_path_buf(), errno: Errno::nix(e) })
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
        errno: Errno::nix(e),
    })
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

/// A namespace name checked to be one path component of the run
/// directory, so that nothing done with it can reach outside: not empty,
/// at most 255 bytes (NAME_MAX), no `/`, not `.` or `..` (iproute2's
/// rules). [`RunDir`]'s methods that build a path from a name take only
/// this type.
///
/// [`NsName::new`] also refuses newlines and other control bytes, which
/// make listings and logs lie: that is the rule for names netns creates.
/// [`NsName::existing`] accepts them, to refer to a name some other tool
/// (iproute2) created, so that it can still be opened and deleted.
///
/// ```
/// use netns_core::NsName;
/// assert!(NsName::new("blue").is_ok());
/// assert!(NsName::new("../../etc/x").is_err());
/// assert!(NsName::new("a\nb").is_err());
/// assert!(NsName::existing("a\nb").is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NsName(OsString);

/// Why a string is not an acceptable [`NsName`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// The empty string.
    Empty,
    /// Longer than 255 bytes.
    TooLong,
    /// Contains `/`.
    Slash,
    /// `.` or `..`.
    Dot,
    /// Contains a newline or another control byte (only for new names).
    ControlBytes,
}

/// A name refused by [`NsName::new`] or [`NsName::existing`].
/// [`message`](Self::message) is the `netns add` message for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidName {
    /// The name as given.
    pub name: OsString,
    /// What is wrong with it.
    pub problem: NameProblem,
}

impl InvalidName {
    /// The command line's message, as raw bytes: iproute2's `Invalid netns
    /// name "NAME"` for the path rules (the name as given), and for control
    /// bytes netns's own message, with the name escaped.
    pub fn message(&self) -> Vec<u8> {
        match self.problem {
            NameProblem::ControlBytes => format!(
                "Invalid netns name \"{}\": a name cannot contain newlines or other control characters",
                escape_name(&self.name)
            )
            .into_bytes(),
            _ => crate::sys::msg!("Invalid netns name \"", self.name, "\""),
        }
    }
}

impl fmt::Display for InvalidName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always escaped here: Display ends up in logs and panics.
        let why = match self.problem {
            NameProblem::Empty => "a name cannot be empty",
            NameProblem::TooLong => "a name is at most 255 bytes",
            NameProblem::Slash => "a name cannot contain '/'",
            NameProblem::Dot => "a name cannot be '.' or '..'",
            NameProblem::ControlBytes => "a name cannot contain newlines or other control characters",
        };
        write!(f, "Invalid netns name \"{}\": {why}", escape_name(&self.name))
    }
}

impl std::error::Error for InvalidName {}

impl From<InvalidName> for RunDirError {
    fn from(e: InvalidName) -> RunDirError {
        RunDirError::Name(e)
    }
}

impl NsName {
    /// A name netns may create: the path rules and no control bytes.
    pub fn new(name: impl AsRef<OsStr>) -> Result<NsName, InvalidName> {
        let name = NsName::existing(name)?;
        if has_control_bytes(name.0.as_bytes()) {
            return Err(InvalidName { name: name.0, problem: NameProblem::ControlBytes });
        }
        Ok(name)
    }

    /// A name that may already exist in the run directory: the path rules
    /// only (every entry `readdir` returns passes them).
    pub fn existing(name: impl AsRef<OsStr>) -> Result<NsName, InvalidName> {
        let name = name.as_ref();
        let b = name.as_bytes();
        let problem = if b.is_empty() {
            NameProblem::Empty
        } else if b.len() > 255 {
            NameProblem::TooLong
        } else if b.contains(&b'/') {
            NameProblem::Slash
        } else if b == b"." || b == b".." {
            NameProblem::Dot
        } else {
            return Ok(NsName(name.to_owned()));
        };
        Err(InvalidName { name: name.to_owned(), problem })
    }

    /// The name.
    pub fn as_os_str(&self) -> &OsStr {
        &self.0
    }

    /// The name as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Does it hold control bytes (possible only through [`existing`](Self::existing))?
    pub fn has_control_bytes(&self) -> bool {
        has_control_bytes(self.0.as_bytes())
    }
}

impl AsRef<OsStr> for NsName {
    fn as_ref(&self) -> &OsStr {
        &self.0
    }
}

impl fmt::Display for NsName {
    /// The name with control bytes escaped (see [`escape_name`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape_name(&self.0))
    }
}

impl std::str::FromStr for NsName {
    type Err = InvalidName;
    fn from_str(s: &str) -> Result<NsName, InvalidName> {
        NsName::new(s)
    }
}

impl TryFrom<&str> for NsName {
    type Error = InvalidName;
    fn try_from(s: &str) -> Result<NsName, InvalidName> {
        NsName::new(s)
    }
}

impl TryFrom<String> for NsName {
    type Error = InvalidName;
    fn try_from(s: String) -> Result<NsName, InvalidName> {
        NsName::new(s)
    }
}

impl TryFrom<&OsStr> for NsName {
    type Error = InvalidName;
    fn try_from(s: &OsStr) -> Result<NsName, InvalidName> {
        NsName::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules_match_iproute2() {
        // iproute2's invalid_name(): empty, longer than NAME_MAX, a `/`,
        // `.` and `..` are refused; anything else goes.
        let ok = |n: &[u8]| NsName::existing(OsStr::from_bytes(n)).is_ok();
        assert!(ok(b"a") && ok(b"-dash") && ok(b"...") && ok(&[b'x'; 255]));
        assert!(!ok(&[b'x'; 256]) && !ok(b"") && !ok(b".") && !ok(b"..") && !ok(b"a/b"));
    }

    #[test]
    fn control_bytes_are_escaped() {
        assert!(has_control_bytes(b"a\nb"));
        assert!(!has_control_bytes("é x".as_bytes()));
        assert_eq!(escape_name(OsStr::new("a\nb\t\x01")), "a\\nb\\t\\x01");
    }

    #[test]
    fn ns_name_refuses_what_would_leave_the_run_directory() {
        for bad in ["../../etc/x", "..", ".", "", "a/b", "/etc"] {
            assert!(NsName::new(bad).is_err(), "{bad:?}");
            assert!(NsName::existing(bad).is_err(), "{bad:?}");
        }
        assert!(NsName::new("x".repeat(256)).is_err());
        assert_eq!(NsName::new("x".repeat(255)).unwrap().as_bytes().len(), 255);
        assert_eq!(NsName::new("../../etc/x").unwrap_err().problem, NameProblem::Slash);
        assert_eq!(NsName::new("..").unwrap_err().problem, NameProblem::Dot);
        for good in ["a", "...", "-dash", "é x", ".hidden"] {
            assert_eq!(NsName::new(good).unwrap().as_os_str(), good);
        }
        let run = RunDir::new("/tmp/r");
        assert_eq!(run.entry(&NsName::new("a").unwrap()), Path::new("/tmp/r/a"));
    }

    #[test]
    fn ns_name_control_bytes_only_for_existing_names() {
        let e = NsName::new("a\nb").unwrap_err();
        assert_eq!(e.problem, NameProblem::ControlBytes);
        assert_eq!(
            String::from_utf8(e.message()).unwrap(),
            "Invalid netns name \"a\\nb\": a name cannot contain newlines or other control characters"
        );
        let n = NsName::existing("a\nb").unwrap();
        assert!(n.has_control_bytes());
        assert_eq!(n.to_string(), "a\\nb");
        let e = NsName::new("a/b").unwrap_err();
        assert_eq!(e.message(), b"Invalid netns name \"a/b\"");
        assert!("x".parse::<NsName>().is_ok());
        assert!(NsName::try_from("../x").is_err());
    }

    #[test]
    fn adding_a_name_with_control_bytes_is_refused_before_any_change() {
        // The run directory does not exist: a refusal must come first.
        let run = RunDir::new("/nonexistent/netns-test");
        let e = run.add(&NsName::existing("a\nb").unwrap()).unwrap_err();
        assert!(matches!(e, RunDirError::Name(_)), "{e}");
    }

    #[test]
    fn examine_tells_entries_apart_without_following_them() {
        let dir = std::env::temp_dir().join(format!("netns-examine-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let target = dir.join("target");
        std::fs::write(&target, b"").unwrap();
        std::fs::write(dir.join("data"), b"12345").unwrap();
        std::fs::write(dir.join("stale"), b"").unwrap();
        std::os::unix::fs::symlink(&target, dir.join("link")).unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        nix::unistd::mkfifo(&dir.join("fifo"), Mode::from_bits_truncate(0o600)).unwrap();
        let run = RunDir::new(&dir);
        let n = |s: &str| NsName::new(s).unwrap();
        let kind = |s: &str| match run.examine(&n(s)).unwrap() {
            Entry::Other { kind, .. } => Some(kind),
            _ => None,
        };
        assert_eq!(kind("link"), Some(EntryKind::Symlink));
        assert_eq!(kind("sub"), Some(EntryKind::Directory));
        assert_eq!(kind("fifo"), Some(EntryKind::Fifo));
        assert_eq!(kind("data"), Some(EntryKind::File));
        assert_eq!(run.examine(&n("data")).unwrap().words(), "a regular file of 5 bytes");
        let stale = run.examine(&n("stale")).unwrap();
        assert!(matches!(stale, Entry::Placeholder { .. }), "{stale:?}");
        assert!(run.examine(&n("absent")).is_err());

        let lock = run.lock().unwrap();
        // A symbolic link is never removed, and its target stays.
        let link = run.examine(&n("link")).unwrap();
        assert!(matches!(run.delete_examined(&lock, &n("link"), &link), Err(RunDirError::Changed { .. })));
        assert!(dir.join("link").symlink_metadata().is_ok() && target.exists());
        // A placeholder replaced since it was examined is left.
        std::fs::write(dir.join("other"), b"").unwrap();
        std::fs::rename(dir.join("other"), dir.join("stale")).unwrap();
        let e = run.delete_examined(&lock, &n("stale"), &stale).unwrap_err();
        assert!(e.to_string().contains("changed since it was examined"), "{e}");
        assert!(dir.join("stale").exists());
        let again = run.examine(&n("stale")).unwrap();
        run.delete_examined(&lock, &n("stale"), &again).unwrap();
        assert!(!dir.join("stale").exists());
        drop(lock);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn messages_name_the_configured_directory() {
        let e = RunDirError::CreateFile { path: "/tmp/r/x".into(), errno: Errno(libc::EEXIST) };
        assert_eq!(e.to_string(), "Cannot create namespace file \"/tmp/r/x\": File exists");
        let e = RunDirError::BindSelf { dir: "/tmp/r".into(), errno: Errno(libc::EPERM) };
        assert_eq!(e.to_string(), "mount --bind /tmp/r /tmp/r failed: Operation not permitted");
    }
}
