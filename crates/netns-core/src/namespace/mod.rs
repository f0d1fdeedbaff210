//! [`NetNs`]: a handle on one network namespace, however it was found (a
//! name in the run directory, a path, a process).
//!
//! The handle is an open file descriptor, so the namespace cannot vanish
//! while it is held. Work inside the namespace is done either by
//! [`NetNs::run`], which uses a thread of its own that ends with the work
//! (so no thread is ever left in the wrong namespace, even on panic), or by
//! [`NetNs::netlink`], which opens a socket inside and returns at once: a
//! netlink socket stays bound to the namespace it was created in.
//!
//! ```no_run
//! use netns_core::NetNs;
//! // The namespace of some process (a container's, say).
//! let ns = NetNs::open_pid(4242)?;
//! // Its interfaces, through a socket made inside it: this thread stays put.
//! for link in ns.netlink()?.links()? {
//!     println!("{}: {}", link.index, link.name);
//! }
//! // A program that knows nothing of namespaces, started from a thread inside.
//! let out = ns.run(|| std::process::Command::new("ip").arg("address").output())??;
//! print!("{}", String::from_utf8_lossy(&out.stdout));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod guard;
mod held;

pub use crate::nsid::NsId;
pub use guard::{NsGuard, NsKind};
pub use held::Held;

use crate::netlink::{Netlink, NlError};
use crate::rundir::{NsName, RunDir};
use nix::sched::CloneFlags;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Open a file that should be a namespace (a run-directory name, a
/// `/proc/PID/ns/net` link) for reading, without ever blocking and without
/// opening a device: symbolic links are followed (as iproute2 does: a
/// link to `/proc/PID/ns/net` is a common way to name a container's
/// namespace), the target is opened with `O_PATH` and examined, and only a
/// regular file (every nsfs file is one) or a directory is opened for
/// real, through the descriptor, so it is the same file. Anything else (a
/// FIFO, whose open waits for a writer forever; a device, whose open can
/// act; a socket) is refused with `EINVAL`, the errno the kernel gives
/// for using a file that is not a namespace. [`not_a_namespace`] says
/// what it is instead.
pub fn open_ns_file(path: &Path) -> io::Result<File> {
    use nix::fcntl::{OFlag, open};
    use nix::sys::stat::{Mode, SFlag, fstat};
    let probe = open(path, OFlag::O_PATH | OFlag::O_CLOEXEC, Mode::empty())?;
    let st = fstat(&probe)?;
    match SFlag::from_bits_truncate(st.st_mode & libc::S_IFMT) {
        SFlag::S_IFREG | SFlag::S_IFDIR => {}
        _ => return Err(io::Error::from_raw_os_error(libc::EINVAL)),
    }
    // Reopening through /proc opens the very file the probe found, even
    // if the name was replaced since.
    let again = format!("/proc/self/fd/{}", probe.as_raw_fd());
    let flags = OFlag::O_RDONLY | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK | OFlag::O_NOCTTY;
    match open(again.as_str(), flags, Mode::empty()) {
        Ok(fd) => Ok(File::from(fd)),
        // No /proc: open the path (O_NONBLOCK: never waits) and make sure
        // it is still the file examined.
        Err(nix::errno::Errno::ENOENT) => {
            let fd = open(path, flags, Mode::empty())?;
            let now = fstat(&fd)?;
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino) {
                return Err(io::Error::from_raw_os_error(libc::EAGAIN));
            }
            Ok(File::from(fd))
        }
        Err(e) => Err(e.into()),
    }
}

/// What the file at `path` is when it is not a network namespace, in
/// words for a message ("a FIFO", "an empty file with no namespace mounted
/// on it", …); `None` when it is one, or cannot be examined (opening it
/// then tells why). Never opens anything but with `O_PATH`.
pub fn not_a_namespace(path: &Path) -> Option<String> {
    use nix::fcntl::{OFlag, open};
    use nix::sys::stat::{Mode, fstat};
    let probe = open(path, OFlag::O_PATH | OFlag::O_CLOEXEC, Mode::empty()).ok()?;
    let st = fstat(&probe).ok()?;
    let what = match st.st_mode & libc::S_IFMT {
        libc::S_IFDIR => "a directory".to_string(),
        libc::S_IFREG => {
            let nsfs = std::fs::metadata("/proc/self/ns/net").ok()?.dev();
            if st.st_dev == nsfs {
                let ns = open_ns_file(path).ok()?;
                // NS_GET_NSTYPE = _IO(0xb7, 0x3)
                // SAFETY: NS_GET_NSTYPE takes no argument and only reads the fd.
                let kind = unsafe { libc::ioctl(ns.as_raw_fd(), 0xb703 as _) };
                if kind == libc::CLONE_NEWNET {
                    return None;
                }
                "a namespace of another type".to_string()
            } else if st.st_size == 0 {
                "an empty file with no namespace mounted on it".to_string()
            } else {
                crate::sys::regular_file_words(st.st_size)
            }
        }
        _ => crate::sys::special_file_words(st.st_mode).unwrap_or("not a file").to_string(),
    };
    Some(what)
}

/// An open network namespace: a descriptor on its nsfs file, so the
/// namespace lives at least as long as the handle.
///
/// ```no_run
/// use netns_core::{NetNs, NsName, RunDir};
/// let run = RunDir::from_env();
/// let blue = NetNs::open_name(&run, &NsName::new("blue")?)?;
/// assert!(blue.is_network_namespace());
/// // Two handles on one namespace have the same id.
/// let mine = NetNs::current()?;
/// println!("blue is {}the namespace of this thread", if blue.id()? == mine.id()? { "" } else { "not " });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct NetNs {
    file: File,
    path: PathBuf,
}

impl NetNs {
    /// Wrap a descriptor already open on a network namespace (for example
    /// one made by [`fresh_namespace_on_this_thread`](crate::rundir::fresh_namespace_on_this_thread));
    /// `path` is what messages show for it.
    pub fn from_fd(fd: OwnedFd, path: impl Into<PathBuf>) -> NetNs {
        NetNs { file: File::from(fd), path: path.into() }
    }

    /// Open the namespace pinned as `name` in the run directory, without
    /// ever blocking (see [`open_ns_file`]).
    pub fn open_name(run: &RunDir, name: &NsName) -> io::Result<NetNs> {
        NetNs::open_path(run.entry(name))
    }

    /// Create a new network namespace, name it `name` in the run directory
    /// (exactly as `ip netns add` does) and open it.
    ///
    /// ```no_run
    /// use netns_core::{NetNs, NsName, RunDir};
    /// let run = RunDir::from_env();
    /// let name = NsName::new("lab-a").expect("a valid name");
    /// let ns = NetNs::create(&run, &name)?;
    /// let mut nl = netns_core::netlink::Netlink::open()?;
    /// ns.set_nsid(&mut nl, None)?;              // like `ip netns set lab-a auto`
    /// println!("lab-a is nsid {:?}", ns.nsid(&mut nl)?);
    /// NetNs::delete(&run, &name)?;
    /// # Ok::<(), netns_core::Error>(())
    /// ```
    pub fn create(run: &RunDir, name: &NsName) -> Result<NetNs, crate::Error> {
        run.add(name)?;
        Ok(NetNs::open_name(run, name)?)
    }

    /// Name the namespace of process `pid` (`ip netns attach`) and open it.
    pub fn attach(run: &RunDir, name: &NsName, pid: i32) -> Result<NetNs, crate::Error> {
        run.attach(name, pid)?;
        Ok(NetNs::open_name(run, name)?)
    }

    /// Remove the name `name` (`ip netns delete`). The namespace itself
    /// lives on while processes or open handles still use it.
    pub fn delete(run: &RunDir, name: &NsName) -> Result<(), crate::Error> {
        Ok(run.delete(name)?)
    }

    /// Open a namespace file by path (`/run/netns/x`, `/proc/1/ns/net`, …),
    /// without ever blocking (see [`open_ns_file`]). A regular file that is
    /// not a namespace (a stale placeholder) still opens: ask
    /// [`is_network_namespace`](Self::is_network_namespace), or let the
    /// kernel refuse it when it is used.
    pub fn open_path(path: impl AsRef<Path>) -> io::Result<NetNs> {
        let path = path.as_ref().to_path_buf();
        let file = open_ns_file(&path)?;
        Ok(NetNs { file, path })
    }

    /// Open the namespace of process `pid`.
    pub fn open_pid(pid: i32) -> io::Result<NetNs> {
        NetNs::open_path(format!("/proc/{pid}/ns/net"))
    }

    /// Open the calling thread's current namespace.
    pub fn current() -> io::Result<NetNs> {
        NetNs::open_path("/proc/thread-self/ns/net")
    }

    /// The path this handle was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The identity (dev, inode) of the namespace.
    pub fn id(&self) -> io::Result<NsId> {
        let m = self.file.metadata()?;
        Ok(NsId { dev: m.dev(), ino: m.ino() })
    }

    /// Is this really a network namespace file (and not a stale placeholder
    /// left behind when a mount was lost)? Asks the kernel for its type.
    pub fn is_network_namespace(&self) -> bool {
        // NS_GET_NSTYPE = _IO(0xb7, 0x3)
        const NS_GET_NSTYPE: libc::c_ulong = 0xb703;
        // SAFETY: NS_GET_NSTYPE takes no argument and only reads the fd.
        let rc = unsafe { libc::ioctl(self.file.as_raw_fd(), NS_GET_NSTYPE as _) };
        rc == libc::CLONE_NEWNET
    }

    /// Switch the calling thread into this namespace until the returned
    /// guard is dropped. Prefer [`run`](Self::run) or
    /// [`netlink`](Self::netlink); this is for code that must stay on the
    /// current thread (it is what `netlink` uses).
    pub fn enter(&self) -> io::Result<NsGuard> {
        NsGuard::enter(self.as_fd(), NsKind::Net)
    }

    /// Run `f` inside the namespace on a thread of its own. The thread ends
    /// when `f` returns or panics, so it can never be reused in the wrong
    /// namespace. A panic in `f` is propagated to the caller.
    ///
    /// ```no_run
    /// # let ns = netns_core::namespace::NetNs::current()?;
    /// let hostname_seen_inside = ns.run(|| std::fs::read_to_string("/proc/net/dev"))??;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn run<T: Send, F: FnOnce() -> T + Send>(&self, f: F) -> io::Result<T> {
        let fd = self.as_fd();
        std::thread::scope(|s| {
            let worker = s.spawn(move || -> io::Result<T> {
                nix::sched::setns(fd, CloneFlags::CLONE_NEWNET).map_err(io::Error::from)?;
                Ok(f())
            });
            match worker.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Open a netlink socket that lives in this namespace. The calling
    /// thread is switched in for the `socket()` call only.
    pub fn netlink(&self) -> Result<Netlink, NlError> {
        let _inside = self.enter().map_err(NlError::Io)?;
        Ok(Netlink::open()?)
    }

    /// Open an nf_tables (`NETLINK_NETFILTER`) socket that lives in this
    /// namespace, for reading its firewall. The calling thread is switched
    /// in for the `socket()` call only.
    pub fn nftables(&self) -> io::Result<crate::netlink::netfilter::NfSocket> {
        let _inside = self.enter()?;
        crate::netlink::netfilter::NfSocket::open()
    }

    /// Open a raw socket that lives in this namespace, for reading its
    /// legacy iptables (x_tables) of `family`; the tables it holds are
    /// listed while inside. The calling thread is switched in for that
    /// only.
    pub fn xtables(&self, family: crate::xtables::XtFamily) -> io::Result<crate::xtables::XtSocket> {
        let _inside = self.enter()?;
        crate::xtables::XtSocket::open(family)
    }

    /// The id the namespace of `nl` uses for this namespace, if assigned.
    pub fn nsid(&self, nl: &mut Netlink) -> Result<Option<i32>, NlError> {
        nl.nsid_of_fd(self.as_fd())
    }

    /// Assign the id the namespace of `nl` uses for this one (`None`: the
    /// kernel picks). Ids can never be changed once assigned.
    pub fn set_nsid(&self, nl: &mut Netlink, nsid: Option<i32>) -> Result<(), NlError> {
        nl.set_nsid(self.as_fd(), nsid)
    }
}

/// The handle's descriptor, which keeps the namespace alive (handed to a
/// [`Held`], say).
impl From<NetNs> for OwnedFd {
    fn from(ns: NetNs) -> OwnedFd {
        ns.file.into()
    }
}

impl AsFd for NetNs {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_namespace_is_a_network_namespace() {
        let ns = NetNs::current().unwrap();
        assert!(ns.is_network_namespace());
        assert_eq!(ns.id().unwrap(), NsId::of_path(Path::new("/proc/self/ns/net")).unwrap());
    }

    #[test]
    fn a_plain_file_is_not_a_namespace() {
        let ns = NetNs::open_path("/proc/self/status").unwrap();
        assert!(!ns.is_network_namespace());
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("netns-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("f");
        let _ = std::fs::remove_file(&fifo);
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let e = NetNs::open_path(&fifo).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
        assert_eq!(not_a_namespace(&fifo).as_deref(), Some("a FIFO"));
        assert_eq!(not_a_namespace(Path::new("/proc/self/ns/net")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn run_propagates_panics_and_returns_values() {
        require_root!();
        let ns = NetNs::current().unwrap();
        assert_eq!(ns.run(|| 7).unwrap(), 7);
        let caught = std::panic::catch_unwind(|| ns.run(|| panic!("inside")));
        assert!(caught.is_err());
        // The calling thread never moved.
        assert_eq!(NetNs::current().unwrap().id().unwrap(), ns.id().unwrap());
    }
}
