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
use std::io::{Read, Write};
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

fn mode_text(st: &FileStat) -> String {
    format!("{:04o}", st.st_mode & 0o7777)
}

/// Is a file of this owner root's or the caller's?
fn trusted_owner(st: &FileStat) -> bool {
    st.st_uid == 0 || st.st_uid == nix::unistd::geteuid().as_raw()
}

fn errno_text(e: Errno) -> String {
    std::io::Error::from(e).to_string()
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
    pub fn open_trusted(path: &Path, var: &str, create: bool) -> Result<Option<Dir>, String> {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().map_err(|e| format!("{var} {}: {e}", path.display()))?.join(path)
        };
        let names: Vec<&OsStr> = abs
            .components()
            .filter_map(|c| match c {
                Component::Normal(n) => Some(n),
                Component::ParentDir => Some(OsStr::new("..")),
                _ => None,
            })
            .collect();
        let shown = path.display();
        let root = nix::fcntl::open("/", DIR_FLAGS, Mode::empty()).map_err(|e| format!("cannot open /: {e}"))?;
        let mut cur = Dir { fd: root, path: PathBuf::from("/") };
        if names.is_empty() {
            return Err(format!("{var} {shown} is the root directory; give it a directory of its own"));
        }
        for (i, name) in names.iter().enumerate() {
            let last = i + 1 == names.len();
            let here = cur.path.join(name);
            let mut opened = openat(cur.fd.as_fd(), *name, DIR_FLAGS, Mode::empty());
            // O_DIRECTORY answers ENOTDIR for a symlink: tell the two apart.
            if matches!(opened, Err(Errno::ENOTDIR)) && cur.kind(&name.to_string_lossy())? == Kind::Symlink {
                opened = Err(Errno::ELOOP);
            }
            let opened = match opened {
                Ok(fd) => fd,
                Err(Errno::ENOENT) if create => {
                    match mkdirat(cur.fd.as_fd(), *name, Mode::from_bits_truncate(0o755)) {
                        Ok(()) | Err(Errno::EEXIST) => {}
                        Err(e) => return Err(format!("{var} {shown}: cannot create {}: {e}", here.display())),
                    }
                    openat(cur.fd.as_fd(), *name, DIR_FLAGS, Mode::empty())
                        .map_err(|e| format!("{var} {shown}: cannot open {}: {e}", here.display()))?
                }
                Err(Errno::ENOENT) => return Ok(None),
                Err(Errno::ELOOP) if last => {
                    return Err(format!(
                        "{var} {shown} is a symlink; netns keeps root's files only in a real directory \
                         (point {var} at the directory itself)"
                    ));
                }
                Err(Errno::ELOOP) => {
                    // A symlink on the way (/var/run → /run, say) is
                    // followed only when nobody else could have put it
                    // there: the directory holding it is root's alone, or
                    // the link itself is root's.
                    let link = fstatat(cur.fd.as_fd(), *name, AtFlags::AT_SYMLINK_NOFOLLOW)
                        .map_err(|e| format!("{var} {shown}: {}: {e}", here.display()))?;
                    let dir = fstat(cur.fd.as_fd()).map_err(|e| format!("{var} {shown}: {e}"))?;
                    if !(trusted_owner(&link) || (trusted_owner(&dir) && dir.st_mode & 0o022 == 0)) {
                        return Err(format!(
                            "{var} {shown}: {} is a symlink another user made in a directory others can write; \
                             netns does not follow it",
                            here.display()
                        ));
                    }
                    let follow = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
                    openat(cur.fd.as_fd(), *name, follow, Mode::empty())
                        .map_err(|e| format!("{var} {shown}: cannot open {}: {}", here.display(), errno_text(e)))?
                }
                Err(Errno::ENOTDIR) => {
                    let what = if last { shown.to_string() } else { format!("{shown}: {}", here.display()) };
                    return Err(format!("{var} {what} is not a directory"));
                }
                Err(e) => return Err(format!("{var} {shown}: cannot open {}: {}", here.display(), errno_text(e))),
            };
            let st = fstat(opened.as_fd()).map_err(|e| format!("{var} {shown}: {e}"))?;
            // The directory itself is named once; an ancestor after it.
            let at = if last { format!("{var} {shown}") } else { format!("{var} {shown}: {}", here.display()) };
            if !trusted_owner(&st) {
                return Err(format!(
                    "{at} belongs to uid {}; netns keeps root's files only in directories of root \
                     (chown root {}, or pick another {var})",
                    st.st_uid,
                    here.display()
                ));
            }
            let others_write = st.st_mode & 0o022 != 0;
            let sticky = st.st_mode & 0o1000 != 0;
            if others_write && (last || !sticky) {
                let fix = if last {
                    format!("chmod go-w {}, or pick another {var}", here.display())
                } else {
                    format!("chmod go-w {} (or +t), or pick another {var}", here.display())
                };
                return Err(format!(
                    "{at} is writable by other users (mode {}); netns keeps root's files only \
                     where no one else can write ({fix})",
                    mode_text(&st)
                ));
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
    pub fn kind(&self, name: &str) -> Result<Kind, String> {
        match fstatat(self.fd.as_fd(), name, AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(kind_of(&st)),
            Err(Errno::ENOENT) => Ok(Kind::Absent),
            Err(e) => Err(format!("cannot look at {}: {}", self.path.join(name).display(), errno_text(e))),
        }
    }

    /// Open the subdirectory `name`; `None` when absent. A symlink or a
    /// non-directory there is an error.
    pub fn sub(&self, name: &str) -> Result<Option<Dir>, String> {
        let path = self.path.join(name);
        match openat(self.fd.as_fd(), name, DIR_FLAGS, Mode::empty()) {
            Ok(fd) => Ok(Some(Dir { fd, path })),
            Err(Errno::ENOENT) => Ok(None),
            Err(Errno::ELOOP) => Err(format!("{} is a symlink; netns does not write through one", path.display())),
            Err(Errno::ENOTDIR) if self.kind(name)? == Kind::Symlink => {
                Err(format!("{} is a symlink; netns does not write through one", path.display()))
            }
            Err(Errno::ENOTDIR) => Err(format!("{} is not a directory", path.display())),
            Err(e) => Err(format!("cannot open {}: {}", path.display(), errno_text(e))),
        }
    }

    /// Walk `rel` ("a/b") down from here, one component at a time; `None`
    /// when a component is absent.
    pub fn walk(&self, rel: &str) -> Result<Option<Dir>, String> {
        let mut cur = self.sub(".")?.ok_or_else(|| format!("{} is gone", self.path.display()))?;
        cur.path = self.path.clone();
        for part in rel.split('/').filter(|p| !p.is_empty()) {
            match cur.sub(part)? {
                Some(d) => cur = d,
                None => return Ok(None),
            }
        }
        Ok(Some(cur))
    }

    /// Refuse a directory another user owns or can write: root writes no
    /// file there.
    pub fn check_private(&self) -> Result<(), String> {
        let st = fstat(self.fd.as_fd()).map_err(|e| format!("{}: {e}", self.path.display()))?;
        if !trusted_owner(&st) {
            return Err(format!(
                "{} belongs to uid {}; netns writes root's files only in directories of root",
                self.path.display(),
                st.st_uid
            ));
        }
        if st.st_mode & 0o022 != 0 {
            return Err(format!(
                "{} is writable by other users (mode {}); netns writes root's files only where no one else can \
                 write (chmod go-w {0})",
                self.path.display(),
                mode_text(&st)
            ));
        }
        Ok(())
    }

    /// Make the subdirectory `name` (mode 0755); false when it existed.
    pub fn mkdir(&self, name: &str) -> Result<bool, String> {
        match mkdirat(self.fd.as_fd(), name, Mode::from_bits_truncate(0o755)) {
            Ok(()) => Ok(true),
            Err(Errno::EEXIST) => Ok(false),
            Err(e) => Err(format!("cannot create {}: {}", self.path.join(name).display(), errno_text(e))),
        }
    }

    /// Open `name` for writing: a regular file, never a symlink, FIFO or
    /// device (opening those could follow or hang). `create` makes it
    /// with `O_EXCL` (it must not exist); otherwise it must exist.
    fn open_write(&self, name: &str, create: bool) -> Result<File, String> {
        let path = self.path.join(name);
        let mut flags = OFlag::O_WRONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
        if create {
            flags |= OFlag::O_CREAT | OFlag::O_EXCL;
        }
        let fd = openat(self.fd.as_fd(), name, flags, Mode::from_bits_truncate(0o644)).map_err(|e| match e {
            Errno::ELOOP => format!("{} is a symlink; netns does not write through one", path.display()),
            Errno::EEXIST => format!("{} exists already; netns does not overwrite it", path.display()),
            e => format!("cannot open {}: {}", path.display(), errno_text(e)),
        })?;
        let st = fstat(fd.as_fd()).map_err(|e| format!("{}: {e}", path.display()))?;
        if kind_of(&st) != Kind::File {
            return Err(format!("{} is not a regular file; netns does not write to it", path.display()));
        }
        // Back to blocking writes (O_NONBLOCK only guarded the open).
        nix::fcntl::fcntl(fd.as_fd(), nix::fcntl::FcntlArg::F_SETFL(OFlag::O_WRONLY))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(File::from(fd))
    }

    /// Create `name`, which must not exist, with `bytes`.
    pub fn create_new(&self, name: &str, bytes: &[u8]) -> Result<(), String> {
        let mut f = self.open_write(name, true)?;
        f.write_all(bytes).map_err(|e| format!("cannot write {}: {e}", self.path.join(name).display()))
    }

    /// Replace the content of the existing regular file `name`.
    pub fn rewrite(&self, name: &str, bytes: &[u8]) -> Result<(), String> {
        let mut f = self.open_write(name, false)?;
        let path = self.path.join(name);
        f.set_len(0).and_then(|_| f.write_all(bytes)).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Make `name` afresh for output: whatever non-directory has that name
    /// (an old file, or a symlink) is removed first, never followed.
    /// Only for names this directory's owner gave out.
    pub fn create_fresh(&self, name: &str) -> Result<File, String> {
        if self.kind(name)? != Kind::Dir {
            self.unlink(name)?;
        }
        self.open_write(name, true)
    }

    /// Replace `name` atomically: write `tmp` (made fresh with `O_EXCL`,
    /// after removing a leftover of that name), then rename it over
    /// `name`. A crash leaves the old file or the new one.
    pub fn replace(&self, tmp: &str, name: &str, bytes: &[u8]) -> Result<(), String> {
        self.unlink(tmp)?;
        self.create_new(tmp, bytes)?;
        renameat(self.fd.as_fd(), tmp, self.fd.as_fd(), name)
            .map_err(|e| format!("cannot rename {} to {name}: {}", self.path.join(tmp).display(), errno_text(e)))
    }

    /// Read the regular file `name`, at most `limit` bytes; `None` when
    /// absent. A symlink, FIFO or device is an error, not read.
    pub fn read(&self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
        let path = self.path.join(name);
        let flags = OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
        let fd = match openat(self.fd.as_fd(), name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::ENOENT) => return Ok(None),
            Err(Errno::ELOOP) => return Err(format!("{} is a symlink", path.display())),
            Err(e) => return Err(format!("cannot open {}: {}", path.display(), errno_text(e))),
        };
        let st = fstat(fd.as_fd()).map_err(|e| format!("{}: {e}", path.display()))?;
        if kind_of(&st) != Kind::File {
            return Err(format!("{} is not a regular file", path.display()));
        }
        let mut out = Vec::new();
        File::from(fd)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if out.len() as u64 > limit {
            return Err(format!("{} is larger than {limit} bytes", path.display()));
        }
        Ok(Some(out))
    }

    /// Remove the entry `name` (not a directory; a symlink itself, never
    /// its target); false when it was already gone.
    pub fn unlink(&self, name: &str) -> Result<bool, String> {
        match unlinkat(self.fd.as_fd(), name, UnlinkatFlags::NoRemoveDir) {
            Ok(()) => Ok(true),
            Err(Errno::ENOENT) => Ok(false),
            Err(e) => Err(format!("cannot remove {}: {}", self.path.join(name).display(), errno_text(e))),
        }
    }

    /// Remove the subdirectory `name` if it is empty.
    pub fn rmdir(&self, name: &str) -> Result<Rmdir, String> {
        match unlinkat(self.fd.as_fd(), name, UnlinkatFlags::RemoveDir) {
            Ok(()) => Ok(Rmdir::Removed),
            Err(Errno::ENOENT) => Ok(Rmdir::Absent),
            Err(Errno::ENOTEMPTY) | Err(Errno::EEXIST) => Ok(Rmdir::NotEmpty),
            Err(e) => Err(format!("cannot remove {}: {}", self.path.join(name).display(), errno_text(e))),
        }
    }

    /// The names in this directory, sorted (`.` and `..` left out).
    pub fn names(&self) -> Result<Vec<String>, String> {
        let mut d = nix::dir::Dir::openat(self.fd.as_fd(), ".", DIR_FLAGS, Mode::empty())
            .map_err(|e| format!("cannot list {}: {e}", self.path.display()))?;
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
pub fn check_trusted(path: &Path, var: &str) -> Result<(), String> {
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
    pub fn open_lock(&self, name: &str) -> Result<File, String> {
        let path = self.path.join(name);
        let flags = OFlag::O_RDWR | OFlag::O_CREAT | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_CLOEXEC;
        let fd = openat(self.fd.as_fd(), name, flags, Mode::from_bits_truncate(0o600)).map_err(|e| match e {
            Errno::ELOOP => format!("{} is a symlink; netns does not follow it", path.display()),
            e => format!("cannot open {}: {}", path.display(), errno_text(e)),
        })?;
        let st = fstat(fd.as_fd()).map_err(|e| format!("{}: {e}", path.display()))?;
        if kind_of(&st) != Kind::File {
            return Err(format!("{} is not a regular file", path.display()));
        }
        Ok(File::from(fd))
    }

    /// The inode of the entry `name` (not following a symlink).
    pub fn inode(&self, name: &str) -> Option<u64> {
        fstatat(self.fd.as_fd(), name, AtFlags::AT_SYMLINK_NOFOLLOW).ok().map(|st| st.st_ino)
    }
}

impl Dir {
    /// Open the directory `path` for reading only, with no ownership
    /// check (symlinks on the way followed); `None` when absent.
    pub fn open_any(path: &Path) -> Result<Option<Dir>, String> {
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        match nix::fcntl::open(path, flags, Mode::empty()) {
            Ok(fd) => Ok(Some(Dir { fd, path: path.to_path_buf() })),
            Err(Errno::ENOENT) => Ok(None),
            Err(e) => Err(format!("cannot open {}: {}", path.display(), errno_text(e))),
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
        let e = Dir::open_trusted(&open, "V", false).unwrap_err();
        assert!(e.contains("is writable by other users (mode 1777)"), "{e}");
        // Below a sticky world-writable directory: fine, as under /tmp.
        assert!(Dir::open_trusted(&open.join("x"), "V", true).unwrap().is_some());
        std::os::unix::fs::symlink(&ok, s.0.join("link")).unwrap();
        let e = Dir::open_trusted(&s.0.join("link"), "V", false).unwrap_err();
        assert!(e.contains("is a symlink"), "{e}");
        std::fs::write(s.0.join("file"), b"").unwrap();
        let e = Dir::open_trusted(&s.0.join("file"), "V", false).unwrap_err();
        assert_eq!(e, format!("V {} is not a directory", s.0.join("file").display()));
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
        assert!(d.rewrite("link", b"x").unwrap_err().contains("is a symlink"));
        assert!(d.create_new("link", b"x").is_err());
        assert!(d.read("link", 100).is_err());
        d.create_fresh("link").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"victim");
        assert_eq!(d.read("state", 100).unwrap().unwrap(), b"new");
        nix::unistd::mkfifo(&d.path().join("fifo"), Mode::from_bits_truncate(0o600)).unwrap();
        assert!(d.read("fifo", 100).unwrap_err().contains("not a regular file"));
        assert!(d.rewrite("fifo", b"x").is_err());
        assert_eq!(d.rmdir("nothing").unwrap(), Rmdir::Absent);
    }
}
