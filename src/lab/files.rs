//! Files root writes and removes for labs, without ever following a
//! symlink it did not make.
//!
//! Every operation starts from an open directory ([`Dir`]) and names one
//! entry in it (`openat`, `mkdirat`, `unlinkat`, `renameat`, with
//! `O_NOFOLLOW`): a symlink planted where a file or directory is expected
//! is an error, never a detour into its target. The directories that hold
//! root's files (the lab directory, the etc directory, the run directory)
//! must be root's alone, as sshd's `StrictModes` demands of a home
//! directory: owned by root (or the caller), not writable by group or
//! others, and not a symlink. An ancestor may be world-writable only with
//! the sticky bit (like `/tmp`), so no one else can rename the directory
//! away.

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag, openat, renameat};
use nix::sys::stat::{FileStat, Mode, SFlag, fstat, fstatat, mkdirat};
use nix::unistd::{UnlinkatFlags, unlinkat};
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Component, Path, PathBuf};

/// An open directory and the path it was reached by (for messages).
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    path: PathBuf,
}

/// What an entry of a directory is, symlinks not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Nothing of that name.
    Absent,
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symlink.
    Symlink,
    /// A FIFO, socket or device.
    Other,
}

/// How [`Dir::rmdir`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rmdir {
    /// Removed.
    Removed,
    /// It was already gone.
    Absent,
    /// It still holds entries: left there.
    NotEmpty,
}

const DIR_FLAGS: OFlag = OFlag::O_RDONLY.union(OFlag::O_DIRECTORY).union(OFlag::O_NOFOLLOW).union(OFlag::O_CLOEXEC);

fn kind_of(st: &FileStat) -> Kind {
    match SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits()) {
        SFlag::S_IFREG => Kind::File,
        SFlag::S_IFDIR => Kind::Dir,
        SFlag::S_IFLNK => Kind::Symlink,
        _ => Kind::Other,
    }
}

/// The permission bits of a file.
fn mode_of(st: &FileStat) -> u32 {
    st.st_mode & 0o7777
}

/// Is a file of this owner root's or the caller's?
fn trusted_owner(st: &FileStat) -> bool {
    st.st_uid == 0 || st.st_uid == nix::unistd::geteuid().as_raw()
}

/// What a file operation was doing when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Opening a file or directory.
    Open,
    /// Creating a file or directory.
    Create,
    /// Reading a file.
    Read,
    /// Writing a file.
    Write,
    /// Removing an entry.
    Remove,
    /// Listing a directory.
    List,
    /// Looking at an entry's type, owner and mode (`stat`).
    Inspect,
    /// Taking a lock on a file.
    Lock,
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Op::Open => "open",
            Op::Create => "create",
            Op::Read => "read",
            Op::Write => "write",
            Op::Remove => "remove",
            Op::List => "list",
            Op::Inspect => "look at",
            Op::Lock => "lock",
        })
    }
}

/// Why a directory could be changed by someone other than root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// It belongs to this uid, neither root nor the caller.
    Owner(u32),
    /// Group or others may write it; its permission bits.
    Writable(u32),
}

/// What is wrong with a directory a setting (an environment variable)
/// names, or with an ancestor of it.
#[derive(Debug)]
pub enum Problem {
    /// Another user could change it.
    Untrusted(Trust),
    /// The directory itself is a symlink.
    Symlink,
    /// An ancestor is a symlink another user made in a directory others
    /// can write.
    ForeignSymlink,
    /// It is not a directory.
    NotDirectory,
    /// The setting names `/`.
    RootDir,
    /// The current directory, which a relative setting starts from, is
    /// unknown.
    Cwd(io::Error),
    /// An operation on the way failed.
    Io {
        /// The operation.
        op: Op,
        /// Why.
        source: io::Error,
    },
}

/// A failure of a file operation of root's: the operation, the path it
/// was about, and the cause.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The system refused an operation on `path`.
    #[error("cannot {op} {}: {}", path.display(), crate::lab::error::io_cause(source))]
    Io {
        /// The operation.
        op: Op,
        /// The entry.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// `path` could not be renamed to `to` (a name in the same directory).
    #[error("cannot rename {} to {to}: {}", path.display(), crate::lab::error::io_cause(source))]
    Rename {
        /// The file renamed.
        path: PathBuf,
        /// Its new name.
        to: String,
        /// Why.
        source: io::Error,
    },
    /// A symlink stands where a file or directory is expected.
    #[error("{} is a symlink; netns does not follow it", path.display())]
    Symlink {
        /// The symlink.
        path: PathBuf,
    },
    /// A directory was expected.
    #[error("{} is not a directory", path.display())]
    NotDirectory {
        /// The entry.
        path: PathBuf,
    },
    /// A regular file was expected (not a directory, FIFO or device).
    #[error("{} is not a regular file", path.display())]
    NotRegular {
        /// The entry.
        path: PathBuf,
    },
    /// A file to be created exists.
    #[error("{} exists already; netns does not overwrite it", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// A file is larger than netns reads.
    #[error("{} is larger than {limit} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The most netns reads.
        limit: u64,
    },
    /// A directory disappeared while netns worked in it.
    #[error("{} vanished", path.display())]
    Vanished {
        /// The directory.
        path: PathBuf,
    },
    /// A name that cannot be one path component.
    #[error("\"{name}\" cannot be {what}")]
    BadName {
        /// The name.
        name: String,
        /// What it was to name ("a lab name").
        what: &'static str,
    },
    /// A directory root would write in that another user could change.
    #[error("{}", untrusted_text(path, *trust))]
    Untrusted {
        /// The directory.
        path: PathBuf,
        /// Why.
        trust: Trust,
    },
    /// The directory a setting names cannot hold root's files.
    #[error(transparent)]
    Setting(Box<SettingError>),
}

/// Why the directory an environment variable names cannot hold root's
/// files: the variable, the directory, the entry at fault and what is
/// wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{}", setting_text(var, dir, path, *ancestor, problem))]
pub struct SettingError {
    /// The environment variable.
    pub var: &'static str,
    /// Its value: the directory as given.
    pub dir: PathBuf,
    /// The entry at fault: the directory (absolute), or an ancestor.
    pub path: PathBuf,
    /// `path` is an ancestor of the directory.
    pub ancestor: bool,
    /// What is wrong.
    pub problem: Problem,
}

fn untrusted_text(path: &Path, trust: Trust) -> String {
    let p = path.display();
    match trust {
        Trust::Owner(uid) => format!("{p} belongs to uid {uid}; netns writes root's files only in directories of root"),
        Trust::Writable(mode) => format!(
            "{p} is writable by other users (mode {mode:04o}); netns writes root's files only where no one else can \
             write (chmod go-w {p})"
        ),
    }
}

fn setting_text(var: &str, dir: &Path, path: &Path, ancestor: bool, problem: &Problem) -> String {
    let (shown, p) = (dir.display(), path.display());
    // The directory is named once; an ancestor after it.
    let at = if ancestor { format!("{var} {shown}: {p}") } else { format!("{var} {shown}") };
    match problem {
        Problem::Untrusted(Trust::Owner(uid)) => format!(
            "{at} belongs to uid {uid}; netns keeps root's files only in directories of root \
             (chown root {p}, or pick another {var})"
        ),
        Problem::Untrusted(Trust::Writable(mode)) => {
            let fix = if ancestor {
                format!("chmod go-w {p} (or +t), or pick another {var}")
            } else {
                format!("chmod go-w {p}, or pick another {var}")
            };
            format!(
                "{at} is writable by other users (mode {mode:04o}); netns keeps root's files only \
                 where no one else can write ({fix})"
            )
        }
        Problem::Symlink => format!(
            "{at} is a symlink; netns keeps root's files only in a real directory (point {var} at the directory itself)"
        ),
        Problem::ForeignSymlink => {
            format!("{at} is a symlink another user made in a directory others can write; netns does not follow it")
        }
        Problem::NotDirectory => format!("{at} is not a directory"),
        Problem::RootDir => format!("{at} is the root directory; give it a directory of its own"),
        Problem::Cwd(e) => {
            format!("{var} {shown}: cannot tell the current directory: {}", crate::lab::error::io_cause(e))
        }
        Problem::Io { op, source } => {
            format!("{var} {shown}: cannot {op} {p}: {}", crate::lab::error::io_cause(source))
        }
    }
}

/// A failure of `op` on `path` with an errno.
fn fail(op: Op, path: PathBuf, e: Errno) -> FileError {
    FileError::Io { op, path, source: io::Error::from(e) }
}

impl Dir {
    /// Open the directory `path` that holds root's files, named by the
    /// environment variable `var` in messages, creating it (and missing
    /// parents, mode 0755) when `create` is set. `Ok(None)`: it does not
    /// exist and `create` is not set.
    ///
    /// Refused, with a message naming the directory and the fix: a path
    /// that is not a directory, a symlink, a directory owned by another
    /// user or writable by group or others (sticky or not), and an
    /// ancestor another user could replace it through.
    pub fn open_trusted(path: &Path, var: &'static str, create: bool) -> Result<Option<Dir>, FileError> {
        let refuse = |at: &Path, ancestor: bool, problem: Problem| {
            FileError::Setting(Box::new(SettingError {
                var,
                dir: path.to_path_buf(),
                path: at.to_path_buf(),
                ancestor,
                problem,
            }))
        };
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().map_err(|e| refuse(path, false, Problem::Cwd(e)))?.join(path)
        };
        let names: Vec<&OsStr> = abs
            .components()
            .filter_map(|c| match c {
                Component::Normal(n) => Some(n),
                Component::ParentDir => Some(OsStr::new("..")),
                _ => None,
            })
            .collect();
        let slash = Path::new("/");
        let io = |at: &Path, op: Op, e: Errno| refuse(at, true, Problem::Io { op, source: e.into() });
        let root = nix::fcntl::open(slash, DIR_FLAGS, Mode::empty()).map_err(|e| io(slash, Op::Open, e))?;
        let mut cur = Dir { fd: root, path: PathBuf::from("/") };
        if names.is_empty() {
            return Err(refuse(&abs, false, Problem::RootDir));
        }
        for (i, name) in names.iter().enumerate() {
            let last = i + 1 == names.len();
            let here = cur.path.join(name);
            let mut opened = openat(cur.fd.as_fd(), *name, DIR_FLAGS, Mode::empty());
            // O_DIRECTORY answers ENOTDIR for a symlink: tell the two apart.
            if matches!(opened, Err(Errno::ENOTDIR)) {
                let kind = match fstatat(cur.fd.as_fd(), *name, AtFlags::AT_SYMLINK_NOFOLLOW) {
                    Ok(st) => kind_of(&st),
                    Err(e) => return Err(io(&here, Op::Inspect, e)),
                };
                if kind == Kind::Symlink {
                    opened = Err(Errno::ELOOP);
                }
            }
            let opened = match opened {
                Ok(fd) => fd,
                Err(Errno::ENOENT) if create => {
                    match mkdirat(cur.fd.as_fd(), *name, Mode::from_bits_truncate(0o755)) {
                        Ok(()) | Err(Errno::EEXIST) => {}
                        Err(e) => return Err(io(&here, Op::Create, e)),
                    }
                    openat(cur.fd.as_fd(), *name, DIR_FLAGS, Mode::empty()).map_err(|e| io(&here, Op::Open, e))?
                }
                Err(Errno::ENOENT) => return Ok(None),
                Err(Errno::ELOOP) if last => return Err(refuse(&here, false, Problem::Symlink)),
                Err(Errno::ELOOP) => {
                    // A symlink on the way (/var/run → /run, say) is
                    // followed only when nobody else could have put it
                    // there: the directory holding it is root's alone, or
                    // the link itself is root's.
                    let link = fstatat(cur.fd.as_fd(), *name, AtFlags::AT_SYMLINK_NOFOLLOW)
                        .map_err(|e| io(&here, Op::Inspect, e))?;
                    let dir = fstat(cur.fd.as_fd()).map_err(|e| io(&cur.path, Op::Inspect, e))?;
                    if !(trusted_owner(&link) || (trusted_owner(&dir) && dir.st_mode & 0o022 == 0)) {
                        return Err(refuse(&here, true, Problem::ForeignSymlink));
                    }
                    let follow = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
                    openat(cur.fd.as_fd(), *name, follow, Mode::empty()).map_err(|e| io(&here, Op::Open, e))?
                }
                Err(Errno::ENOTDIR) => return Err(refuse(&here, !last, Problem::NotDirectory)),
                Err(e) => return Err(io(&here, Op::Open, e)),
            };
            let st = fstat(opened.as_fd()).map_err(|e| io(&here, Op::Inspect, e))?;
            if !trusted_owner(&st) {
                return Err(refuse(&here, !last, Problem::Untrusted(Trust::Owner(st.st_uid))));
            }
            let others_write = st.st_mode & 0o022 != 0;
            let sticky = st.st_mode & 0o1000 != 0;
            if others_write && (last || !sticky) {
                return Err(refuse(&here, !last, Problem::Untrusted(Trust::Writable(mode_of(&st)))));
            }
            cur = Dir { fd: opened, path: here };
        }
        Ok(Some(cur))
    }

    /// The path this directory was reached by.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The descriptor.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// What `name` is, not following a symlink.
    pub fn kind(&self, name: &str) -> Result<Kind, FileError> {
        match fstatat(self.fd.as_fd(), name, AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(kind_of(&st)),
            Err(Errno::ENOENT) => Ok(Kind::Absent),
            Err(e) => Err(fail(Op::Inspect, self.path.join(name), e)),
        }
    }

    /// Open the subdirectory `name`; `None` when absent. A symlink or a
    /// non-directory there is an error.
    pub fn sub(&self, name: &str) -> Result<Option<Dir>, FileError> {
        let path = self.path.join(name);
        match openat(self.fd.as_fd(), name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => Ok(Some(Dir { fd, path })),
            Err(Errno::ENOENT) => Ok(None),
            Err(Errno::ELOOP) => Err(FileError::Symlink { path }),
            Err(Errno::ENOTDIR) if self.kind(name)? == Kind::Symlink => Err(FileError::Symlink { path }),
            Err(Errno::ENOTDIR) => Err(FileError::NotDirectory { path }),
            Err(e) => Err(fail(Op::Open, path, e)),
        }
    }

    /// Walk `rel` ("a/b") down from here, one component at a time; `None`
    /// when a component is absent.
    pub fn walk(&self, rel: &str) -> Result<Option<Dir>, FileError> {
        let mut cur = self.sub(".")?.ok_or_else(|| FileError::Vanished { path: self.path.clone() })?;
        cur.path = self.path.clone();
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            match cur.sub(part)? {
                Some(d) => cur = d,
                None => return Ok(None),
            }
        }
        Ok(Some(cur))
    }

    /// The subdirectory `name`, which must be there (it was just made).
    pub fn sub_present(&self, name: &str) -> Result<Dir, FileError> {
        self.sub(name)?.ok_or_else(|| FileError::Vanished { path: self.path.join(name) })
    }

    /// Refuse a directory another user owns or can write: root writes no
    /// file there.
    pub fn check_private(&self) -> Result<(), FileError> {
        let st = fstat(self.fd.as_fd()).map_err(|e| fail(Op::Inspect, self.path.clone(), e))?;
        let trust = if !trusted_owner(&st) {
            Trust::Owner(st.st_uid)
        } else if st.st_mode & 0o022 != 0 {
            Trust::Writable(mode_of(&st))
        } else {
            return Ok(());
        };
        Err(FileError::Untrusted { path: self.path.clone(), trust })
    }

    /// Make the subdirectory `name` (mode 0755); false when it existed.
    pub fn mkdir(&self, name: &str) -> Result<bool, FileError> {
        match mkdirat(self.fd.as_fd(), name, Mode::from_bits_truncate(0o755)) {
            Ok(()) => Ok(true),
            Err(Errno::EEXIST) => Ok(false),
            Err(e) => Err(fail(Op::Create, self.path.join(name), e)),
        }
    }

    /// Open `name` for writing: a regular file, never a symlink, FIFO or
    /// device (opening those could follow or hang). `create` makes it
    /// with `O_EXCL` (it must not exist); otherwise it must exist.
    fn open_write(&self, name: &str, create: bool) -> Result<File, FileError> {
        let path = self.path.join(name);
        let mut flags = OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
        if create {
            flags |= OFlag::O_CREAT | OFlag::O_EXCL;
        }
        let fd = match openat(self.fd.as_fd(), name, flags, Mode::from_bits_truncate(0o644)) {
            Ok(fd) => fd,
            Err(Errno::ELOOP) => return Err(FileError::Symlink { path }),
            Err(Errno::EEXIST) => return Err(FileError::Exists { path }),
            Err(e) => return Err(fail(Op::Open, path, e)),
        };
        let st = match fstat(fd.as_fd()) {
            Ok(st) => st,
            Err(e) => return Err(fail(Op::Inspect, path, e)),
        };
        if kind_of(&st) != Kind::File {
            return Err(FileError::NotRegular { path });
        }
        // Back to blocking writes (O_NONBLOCK only guarded the open).
        if let Err(e) = nix::fcntl::fcntl(fd.as_fd(), nix::fcntl::FcntlArg::F_SETFL(OFlag::O_WRONLY)) {
            return Err(fail(Op::Open, path, e));
        }
        Ok(File::from(fd))
    }

    /// Create `name`, which must not exist, with `bytes`.
    pub fn create_new(&self, name: &str, bytes: &[u8]) -> Result<(), FileError> {
        let mut f = self.open_write(name, true)?;
        f.write_all(bytes).map_err(|source| FileError::Io { op: Op::Write, path: self.path.join(name), source })
    }

    /// Replace the content of the existing regular file `name`.
    pub fn rewrite(&self, name: &str, bytes: &[u8]) -> Result<(), FileError> {
        let mut f = self.open_write(name, false)?;
        f.set_len(0).and_then(|_| f.write_all(bytes)).map_err(|source| FileError::Io {
            op: Op::Write,
            path: self.path.join(name),
            source,
        })
    }

    /// Make `name` afresh for output: whatever non-directory has that name
    /// (an old file, or a symlink) is removed first, never followed.
    /// Only for names this directory's owner gave out.
    pub fn create_fresh(&self, name: &str) -> Result<File, FileError> {
        if self.kind(name)? != Kind::Dir {
            self.unlink(name)?;
        }
        self.open_write(name, true)
    }

    /// Replace `name` atomically: write `tmp` (made fresh with `O_EXCL`,
    /// after removing a leftover of that name), then rename it over
    /// `name`. A crash leaves the old file or the new one.
    pub fn replace(&self, tmp: &str, name: &str, bytes: &[u8]) -> Result<(), FileError> {
        self.unlink(tmp)?;
        self.create_new(tmp, bytes)?;
        renameat(self.fd.as_fd(), tmp, self.fd.as_fd(), name).map_err(|e| FileError::Rename {
            path: self.path.join(tmp),
            to: name.to_string(),
            source: e.into(),
        })
    }

    /// Read the regular file `name`, at most `limit` bytes; `None` when
    /// absent. A symlink, FIFO or device is an error, not read.
    pub fn read(&self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, FileError> {
        let path = self.path.join(name);
        let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
        let fd = match openat(self.fd.as_fd(), name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::ENOENT) => return Ok(None),
            Err(Errno::ELOOP) => return Err(FileError::Symlink { path }),
            Err(e) => return Err(fail(Op::Open, path, e)),
        };
        match fstat(fd.as_fd()) {
            Ok(st) if kind_of(&st) == Kind::File => {}
            Ok(_) => return Err(FileError::NotRegular { path }),
            Err(e) => return Err(fail(Op::Inspect, path, e)),
        }
        let mut out = Vec::new();
        if let Err(source) = File::from(fd).take(limit.saturating_add(1)).read_to_end(&mut out) {
            return Err(FileError::Io { op: Op::Read, path, source });
        }
        if out.len() as u64 > limit {
            return Err(FileError::TooLarge { path, limit });
        }
        Ok(Some(out))
    }

    /// Remove the entry `name` (not a directory; a symlink itself, never
    /// its target); false when it was already gone.
    pub fn unlink(&self, name: &str) -> Result<bool, FileError> {
        match unlinkat(self.fd.as_fd(), name, UnlinkatFlags::NoRemoveDir) {
            Ok(()) => Ok(true),
            Err(Errno::ENOENT) => Ok(false),
            Err(e) => Err(fail(Op::Remove, self.path.join(name), e)),
        }
    }

    /// Remove the subdirectory `name` if it is empty.
    pub fn rmdir(&self, name: &str) -> Result<Rmdir, FileError> {
        match unlinkat(self.fd.as_fd(), name, UnlinkatFlags::RemoveDir) {
            Ok(()) => Ok(Rmdir::Removed),
            Err(Errno::ENOENT) => Ok(Rmdir::Absent),
            Err(Errno::ENOTEMPTY) | Err(Errno::EEXIST) => Ok(Rmdir::NotEmpty),
            Err(e) => Err(fail(Op::Remove, self.path.join(name), e)),
        }
    }

    /// The names in this directory, sorted (`.` and `..` left out).
    pub fn names(&self) -> Result<Vec<String>, FileError> {
        let mut d = nix::dir::Dir::openat(self.fd.as_fd(), ".", DIR_FLAGS, Mode::empty())
            .map_err(|e| fail(Op::List, self.path.clone(), e))?;
        let mut out: Vec<String> = d
            .iter()
            .flatten()
            .map(|e| String::from_utf8_lossy(e.file_name().to_bytes()).into_owned())
            .filter(|n| n != "." && n != "..")
            .collect();
        out.sort();
        Ok(out)
    }

    /// Same device and inode as the file at `path` (symlinks there
    /// followed)?
    pub fn same_file(a: &Path, b: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
}

/// Refuse a directory root would keep files in when another user can
/// write it (see [`Dir::open_trusted`]); a missing one is fine.
pub fn check_trusted(path: &Path, var: &'static str) -> Result<(), FileError> {
    Dir::open_trusted(path, var, false).map(|_| ())
}

/// Write `bytes` to `path` atomically: a fresh temporary file next to it
/// (`O_EXCL`), renamed over it. A symlink at `path` is replaced, never
/// followed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().ok_or_else(|| std::io::Error::other("not a file name"))?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = File::open(parent)?;
    let mut n = 0u32;
    loop {
        let mut tmp = std::ffi::OsString::from(".");
        tmp.push(name);
        tmp.push(format!(".{}.{n}.tmp", std::process::id()));
        let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        match openat(dir.as_fd(), tmp.as_os_str(), flags, Mode::from_bits_truncate(0o644)) {
            Ok(fd) => {
                let done = File::from(fd).write_all(bytes).and_then(|_| {
                    renameat(dir.as_fd(), tmp.as_os_str(), dir.as_fd(), name).map_err(std::io::Error::from)
                });
                if done.is_err() {
                    let _ = unlinkat(dir.as_fd(), tmp.as_os_str(), UnlinkatFlags::NoRemoveDir);
                }
                return done;
            }
            Err(Errno::EEXIST) if n < 100 => n += 1,
            Err(e) => return Err(e.into()),
        }
    }
}

/// A relative path of a lab's `etc` entry, split into its directories
/// and its file name.
pub fn split_rel(rel: &str) -> (Vec<&str>, &str) {
    let mut parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    let file = parts.pop().unwrap_or("");
    (parts, file)
}

/// `name` is one plain path component (no `/`, not `.` or `..`, no NUL).
pub fn plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.as_bytes().iter().any(|&b| b == b'/' || b == 0)
}

impl Dir {
    /// Open (creating, mode 0600) the lock file `name`: a regular file,
    /// never through a symlink.
    pub fn open_lock(&self, name: &str) -> Result<File, FileError> {
        let path = self.path.join(name);
        let flags = OFlag::O_RDWR | OFlag::O_CREAT | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
        let fd = match openat(self.fd.as_fd(), name, flags, Mode::from_bits_truncate(0o600)) {
            Ok(fd) => fd,
            Err(Errno::ELOOP) => return Err(FileError::Symlink { path }),
            Err(e) => return Err(fail(Op::Open, path, e)),
        };
        match fstat(fd.as_fd()) {
            Ok(st) if kind_of(&st) == Kind::File => Ok(File::from(fd)),
            Ok(_) => Err(FileError::NotRegular { path }),
            Err(e) => Err(fail(Op::Inspect, path, e)),
        }
    }

    /// The inode of the entry `name` (not following a symlink).
    pub fn inode(&self, name: &str) -> Option<u64> {
        fstatat(self.fd.as_fd(), name, AtFlags::AT_SYMLINK_NOFOLLOW).ok().map(|st| st.st_ino)
    }
}

impl Dir {
    /// Open the directory `path` for reading only, with no ownership
    /// check (symlinks on the way followed); `None` when absent.
    pub fn open_any(path: &Path) -> Result<Option<Dir>, FileError> {
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        match nix::fcntl::open(path, flags, Mode::empty()) {
            Ok(fd) => Ok(Some(Dir { fd, path: path.to_path_buf() })),
            Err(Errno::ENOENT) => Ok(None),
            Err(e) => Err(fail(Op::Open, path.to_path_buf(), e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A private scratch directory (0700), removed at the end.
    struct Scratch(PathBuf);
    impl Scratch {
        fn new(tag: &str) -> Scratch {
            let p = std::env::temp_dir().join(format!("netns-files-{tag}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir(&p).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).unwrap();
            Scratch(p)
        }
    }
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn trusted_directories_are_root_s_alone_and_never_symlinks() {
        let s = Scratch::new("trust");
        let ok = s.0.join("ok");
        assert!(Dir::open_trusted(&ok, "V", false).unwrap().is_none());
        assert!(Dir::open_trusted(&ok.join("a/b"), "V", true).unwrap().is_some());
        let open = s.0.join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let e = Dir::open_trusted(&open, "V", false).unwrap_err().to_string();
        assert!(e.starts_with(&format!("V {} is writable by other users (mode 1777)", open.display())), "{e}");
        // Below a sticky world-writable directory: fine, as under /tmp.
        assert!(Dir::open_trusted(&open.join("x"), "V", true).unwrap().is_some());
        std::os::unix::fs::symlink(&ok, s.0.join("link")).unwrap();
        let e = Dir::open_trusted(&s.0.join("link"), "V", false).unwrap_err().to_string();
        assert!(e.contains("is a symlink"), "{e}");
        std::fs::write(s.0.join("file"), b"").unwrap();
        let e = Dir::open_trusted(&s.0.join("file"), "V", false).unwrap_err();
        assert_eq!(e.to_string(), format!("V {} is not a directory", s.0.join("file").display()));
        // Below a file: the ancestor is named after the setting.
        let below = s.0.join("file/x");
        let e = Dir::open_trusted(&below, "V", false).unwrap_err();
        assert_eq!(e.to_string(), format!("V {}: {} is not a directory", below.display(), s.0.join("file").display()));
    }

    #[test]
    fn writes_and_reads_never_follow_a_symlink_or_hang_on_a_fifo() {
        let s = Scratch::new("nofollow");
        let victim = s.0.join("victim");
        std::fs::write(&victim, b"victim").unwrap();
        let d = Dir::open_trusted(&s.0.join("d"), "V", true).unwrap().unwrap();
        std::os::unix::fs::symlink(&victim, d.path().join("tmp")).unwrap();
        std::os::unix::fs::symlink(&victim, d.path().join("link")).unwrap();
        d.replace("tmp", "state", b"new").unwrap();
        assert!(matches!(d.rewrite("link", b"x"), Err(FileError::Symlink { path }) if path == d.path().join("link")));
        assert!(d.create_new("link", b"x").is_err());
        assert!(d.read("link", 100).is_err());
        d.create_fresh("link").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"victim");
        assert_eq!(d.read("state", 100).unwrap().unwrap(), b"new");
        nix::unistd::mkfifo(&d.path().join("fifo"), Mode::from_bits_truncate(0o600)).unwrap();
        assert!(d.read("fifo", 100).unwrap_err().to_string().contains("not a regular file"));
        assert!(d.rewrite("fifo", b"x").is_err());
        assert_eq!(d.rmdir("nothing").unwrap(), Rmdir::Absent);
    }

    /// Every failure names the path it is about, whole, and the cause.
    #[test]
    fn errors_name_the_path_and_the_cause() {
        let s = Scratch::new("names");
        let d = Dir::open_trusted(&s.0.join("d"), "V", true).unwrap().unwrap();
        d.create_new("a", b"1").unwrap();
        let e = d.create_new("a", b"2").unwrap_err();
        assert_eq!(e.to_string(), format!("{}/a exists already; netns does not overwrite it", d.path().display()));
        let e = d.read("a", 0).unwrap_err();
        assert_eq!(e.to_string(), format!("{}/a is larger than 0 bytes", d.path().display()));
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("sub/x"), b"").unwrap();
        // unlink(2) of a directory: the operation, the path and strerror.
        let e = d.unlink("sub").unwrap_err();
        assert!(matches!(&e, FileError::Io { op: Op::Remove, .. }), "{e:?}");
        assert_eq!(e.to_string(), format!("cannot remove {}/sub: Is a directory", d.path().display()));
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = d.check_private().unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{0} is writable by other users (mode 0777); netns writes root's files only where no one else can \
                 write (chmod go-w {0})",
                d.path().display()
            )
        );
    }
}
