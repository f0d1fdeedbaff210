//! Walking `/proc`: which processes live in which network namespace.
//!
//! One `readlinkat` per process on `PID/ns/net` relative to an open
//! `/proc` directory. The link reads `net:[INODE]`; every namespace file
//! lives on the one nsfs superblock, so the inode (with that superblock's
//! device) is the same identity iproute2 gets from `stat`, at about half
//! the kernel cost: the link is formatted, not followed into nsfs.
//!
//! [`ProcScan::socket_owners`] goes one step further, as `ss -p` does: it
//! reads the `socket:[INODE]` links of the descriptors of the processes in
//! some namespaces, to name the processes that hold given sockets.
//!
//! ```
//! use netns_core::procscan::{ProcScan, comm};
//! // Every network namespace that has a process, with its processes' names.
//! for (ns, pids) in ProcScan::open()?.all_namespaces()? {
//!     let names: Vec<String> = pids.iter().filter_map(|&pid| comm(pid)).collect();
//!     println!("net:[{}] {}", ns.ino, names.join(" "));
//! }
//! # Ok::<(), std::io::Error>(())
//! ```

use crate::nsid::NsId;
use nix::fcntl::{AtFlags, OFlag, open};
use nix::sys::stat::{Mode, fstatat};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, Instant};

/// An open `/proc`, walked in readdir order (ascending pids).
///
/// ```
/// use netns_core::{namespace::NsId, procscan::ProcScan};
/// let mine = NsId::of_path("/proc/self/ns/net".as_ref())?;
/// let pids = ProcScan::open()?.pids_in(mine)?;
/// assert!(pids.contains(&std::process::id()));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct ProcScan {
    dir: OwnedFd,
    /// st_dev of nsfs, shared by every namespace file.
    nsfs_dev: u64,
}

fn is_pid(name: &[u8]) -> bool {
    // iproute2's is_pid() accepts the empty string too, but readdir never
    // yields one.
    name.iter().all(u8::is_ascii_digit)
}

impl ProcScan {
    /// Open `/proc`. `Err` carries the errno iproute2 reports as
    /// `Open of /proc failed: …`.
    pub fn open() -> io::Result<ProcScan> {
        let dir = open("/proc", OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())?;
        let nsfs_dev = fstatat(&dir, "self/ns/net", AtFlags::empty())?.st_dev;
        Ok(ProcScan { dir, nsfs_dev })
    }

    /// Visit every process (thread-group leader) whose network namespace
    /// could be read, with that namespace's identity.
    pub fn for_each(&self, mut f: impl FnMut(&OsStr, NsId)) -> io::Result<()> {
        let dup = nix::unistd::dup(self.dir.as_fd())?;
        let mut dir = nix::dir::Dir::from_fd(dup)?;
        for entry in dir.iter() {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name().to_bytes();
            if !is_pid(name) || name.is_empty() {
                continue;
            }
            let mut rel = Vec::with_capacity(name.len() + 7);
            rel.extend_from_slice(name);
            rel.extend_from_slice(b"/ns/net");
            // Processes that vanish or that we may not inspect are skipped
            // silently, as iproute2 does.
            if let Some(ino) = self.net_inode(&rel) {
                f(OsStr::from_bytes(name), NsId { dev: self.nsfs_dev, ino });
            }
        }
        Ok(())
    }

    /// The inode in the `net:[INODE]` link at `rel` (relative to /proc).
    fn net_inode(&self, rel: &[u8]) -> Option<u64> {
        let target = nix::fcntl::readlinkat(self.dir.as_fd(), OsStr::from_bytes(rel)).ok()?;
        net_inode_of(target.as_bytes())
    }

    /// Pids of the processes inside namespace `ns`, ascending.
    pub fn pids_in(&self, ns: NsId) -> io::Result<Vec<u32>> {
        let mut pids = Vec::new();
        self.for_each(|name, id| {
            if id == ns
                && let Some(pid) = name.to_str().and_then(|s| s.parse().ok())
            {
                pids.push(pid);
            }
        })?;
        Ok(pids)
    }

    /// Every network namespace that has at least one process, with its pids.
    pub fn all_namespaces(&self) -> io::Result<BTreeMap<NsId, Vec<u32>>> {
        let mut map: BTreeMap<NsId, Vec<u32>> = BTreeMap::new();
        self.for_each(|name, id| {
            if let Some(pid) = name.to_str().and_then(|s| s.parse().ok()) {
                map.entry(id).or_default().push(pid);
            }
        })?;
        Ok(map)
    }
}

/// Every way processes hold network namespaces, from one walk of `/proc`
/// (see [`ProcScan::holders`]).
#[derive(Debug, Default, Clone)]
pub struct Holders {
    /// Processes with at least one thread inside the namespace, ascending.
    pub inside: BTreeMap<NsId, Vec<u32>>,
    /// Processes with a descriptor open on the namespace's file, ascending.
    pub open: BTreeMap<NsId, Vec<u32>>,
    /// Processes whose threads or descriptors could not be read (not
    /// permitted: another user's, without `CAP_SYS_PTRACE`). What they
    /// hold is unknown.
    pub unreadable: Vec<u32>,
}

impl ProcScan {
    /// Who holds which network namespace: every thread's namespace
    /// (`PID/task/TID/ns/net`, so a thread that switched alone counts) and
    /// every open descriptor on a namespace file (`PID/fd/N`, stat'ed: a
    /// namespace opened through a bind mount reads as that mount's path,
    /// not as `net:[INODE]`). The descriptors of process `skip_fds_of` are not
    /// read (the caller's own, open on the namespaces it examines).
    /// Processes that end during the walk are skipped.
    pub fn holders(&self, skip_fds_of: u32) -> io::Result<Holders> {
        let mut found = Holders::default();
        let dup = nix::unistd::dup(self.dir.as_fd())?;
        let mut dir = nix::dir::Dir::from_fd(dup)?;
        for entry in dir.iter() {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name().to_bytes();
            if name.is_empty() || !is_pid(name) {
                continue;
            }
            let Some(pid) = std::str::from_utf8(name).ok().and_then(|s| s.parse::<u32>().ok()) else { continue };
            let mut denied = false;
            let mut inside = Vec::new();
            self.each_link(name, b"task", b"ns/net", &mut denied, |ino| inside.push(ino));
            let mut open = Vec::new();
            if pid != skip_fds_of {
                self.each_link(name, b"fd", b"", &mut denied, |ino| open.push(ino));
            }
            open.sort_unstable();
            open.dedup();
            for (list, map) in [(inside, &mut found.inside), (open, &mut found.open)] {
                for ino in list {
                    let pids = map.entry(NsId { dev: self.nsfs_dev, ino }).or_default();
                    if pids.last() != Some(&pid) {
                        pids.push(pid);
                    }
                }
            }
            if denied {
                found.unreadable.push(pid);
            }
        }
        Ok(found)
    }

    /// For each entry E of `/proc/PID/SUB/`, the inode of the network
    /// namespace the link at `E/TAIL` names: read as `net:[INODE]` when
    /// `TAIL` is given (a task's `ns/net`), else (a descriptor) stat'ed
    /// through and kept when it is on nsfs (a namespace of another type has
    /// an inode of its own, so it never matches a network namespace).
    /// `denied` is set when the directory or a link could not be read for
    /// lack of permission.
    fn each_link(&self, pid: &[u8], sub: &[u8], tail: &[u8], denied: &mut bool, mut f: impl FnMut(u64)) {
        let mut rel = pid.to_vec();
        rel.push(b'/');
        rel.extend_from_slice(sub);
        let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC;
        let mut dir = match nix::dir::Dir::openat(self.dir.as_fd(), OsStr::from_bytes(&rel), flags, Mode::empty()) {
            Ok(d) => d,
            Err(e) => {
                *denied |= e == nix::errno::Errno::EACCES || e == nix::errno::Errno::EPERM;
                return;
            }
        };
        let fd = dir.as_fd().try_clone_to_owned();
        let Ok(fd) = fd else { return };
        for entry in dir.iter() {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name().to_bytes();
            if name.first() == Some(&b'.') {
                continue;
            }
            let found = if tail.is_empty() {
                fstatat(fd.as_fd(), OsStr::from_bytes(name), AtFlags::empty())
                    .map(|st| (st.st_dev == self.nsfs_dev).then_some(st.st_ino))
            } else {
                let mut link = name.to_vec();
                link.push(b'/');
                link.extend_from_slice(tail);
                nix::fcntl::readlinkat(fd.as_fd(), OsStr::from_bytes(&link)).map(|t| net_inode_of(t.as_bytes()))
            };
            match found {
                Ok(Some(ino)) => f(ino),
                Ok(None) => {}
                Err(e) => *denied |= e == nix::errno::Errno::EACCES || e == nix::errno::Errno::EPERM,
            }
        }
    }
}

/// The inode in a `net:[INODE]` link text.
fn net_inode_of(t: &[u8]) -> Option<u64> {
    let digits = t.strip_prefix(b"net:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Bounds on [`ProcScan::socket_owners`]: a host with many processes or
/// descriptors is scanned only so far, and the result says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnerScanLimits {
    /// Descriptors read at most.
    pub max_fds: usize,
    /// Time spent at most.
    pub time: Duration,
}

impl Default for OwnerScanLimits {
    /// 200 000 descriptors, 2 seconds: far more than a network node's
    /// namespaces hold, far less than an operator waits.
    fn default() -> OwnerScanLimits {
        OwnerScanLimits { max_fds: 200_000, time: Duration::from_secs(2) }
    }
}

/// Why a socket owner scan stopped before the last process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutShort {
    /// It had read this many descriptors, its limit.
    Descriptors(usize),
    /// It had run for its time limit.
    Time(Duration),
}

impl fmt::Display for CutShort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CutShort::Descriptors(n) => write!(f, "stopped after {n} descriptors"),
            CutShort::Time(t) => write!(f, "stopped after {} ms", t.as_millis()),
        }
    }
}

/// A descriptor that refers to a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketHolder {
    /// The process.
    pub pid: u32,
    /// Its descriptor number.
    pub fd: u32,
}

/// Which processes hold which sockets, as far as
/// [`ProcScan::socket_owners`] could see.
#[derive(Debug, Clone, Default)]
pub struct SocketOwners {
    holders: HashMap<u64, Vec<SocketHolder>>,
    /// Processes whose descriptors were read.
    pub processes: usize,
    /// Descriptors read.
    pub descriptors: usize,
    /// Processes that could not be examined for lack of permission
    /// (reading another user's descriptors takes root, or
    /// `CAP_SYS_PTRACE`): their sockets show no owner.
    pub denied: usize,
    /// Set when a limit stopped the scan: sockets of the processes not
    /// reached show no owner.
    pub cut_short: Option<CutShort>,
}

impl SocketOwners {
    /// The descriptors that hold socket `inode`, by ascending pid.
    pub fn holders(&self, inode: u64) -> &[SocketHolder] {
        self.holders.get(&inode).map_or(&[], Vec::as_slice)
    }

    /// Was every process of the namespaces examined?
    pub fn complete(&self) -> bool {
        self.denied == 0 && self.cut_short.is_none()
    }
}

/// The inode in a descriptor link that reads `socket:[INODE]`.
fn socket_inode(link: &[u8]) -> Option<u64> {
    let digits = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn is_denied(e: nix::errno::Errno) -> bool {
    matches!(e, nix::errno::Errno::EACCES | nix::errno::Errno::EPERM)
}

impl ProcScan {
    /// Find the processes of `namespaces` that hold the sockets `wanted`
    /// (by inode, as sock_diag reports them), reading the
    /// `/proc/PID/fd/*` links of each, within `limits`. Processes of other
    /// namespaces are not read.
    pub fn socket_owners(
        &self,
        namespaces: &[NsId],
        wanted: &HashSet<u64>,
        limits: OwnerScanLimits,
    ) -> io::Result<SocketOwners> {
        let mut owners = SocketOwners::default();
        if wanted.is_empty() || namespaces.is_empty() {
            return Ok(owners);
        }
        let started = Instant::now();
        let dup = nix::unistd::dup(self.dir.as_fd())?;
        let mut dir = nix::dir::Dir::from_fd(dup)?;
        for entry in dir.iter() {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name().to_bytes();
            let Some(pid) = std::str::from_utf8(name).ok().and_then(|n| n.parse::<u32>().ok()) else { continue };
            if started.elapsed() >= limits.time {
                owners.cut_short = Some(CutShort::Time(limits.time));
                break;
            }
            if owners.descriptors >= limits.max_fds {
                owners.cut_short = Some(CutShort::Descriptors(limits.max_fds));
                break;
            }
            let ns = match nix::fcntl::readlinkat(self.dir.as_fd(), format!("{pid}/ns/net").as_str()) {
                Ok(target) => target,
                Err(e) if is_denied(e) => {
                    owners.denied += 1;
                    continue;
                }
                Err(_) => continue, // it ended meanwhile
            };
            let ino = ns.as_bytes().strip_prefix(b"net:[").and_then(|t| t.strip_suffix(b"]"));
            let ino = ino.and_then(|d| std::str::from_utf8(d).ok()?.parse().ok());
            if !ino.is_some_and(|ino| namespaces.contains(&NsId { dev: self.nsfs_dev, ino })) {
                continue;
            }
            let fds = match nix::fcntl::openat(
                self.dir.as_fd(),
                format!("{pid}/fd").as_str(),
                OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
                Mode::empty(),
            ) {
                Ok(fd) => fd,
                Err(e) if is_denied(e) => {
                    owners.denied += 1;
                    continue;
                }
                Err(_) => continue,
            };
            let Ok(fd_dir_fd) = nix::unistd::dup(fds.as_fd()) else { continue };
            let Ok(mut fd_dir) = nix::dir::Dir::from_fd(fds) else { continue };
            owners.processes += 1;
            for fd in fd_dir.iter() {
                let Ok(fd) = fd else { continue };
                let fd_name = fd.file_name();
                let Some(fd_no) = fd_name.to_str().ok().and_then(|n| n.parse::<u32>().ok()) else { continue };
                if owners.descriptors >= limits.max_fds {
                    owners.cut_short = Some(CutShort::Descriptors(limits.max_fds));
                    break;
                }
                owners.descriptors += 1;
                let Ok(link) = nix::fcntl::readlinkat(fd_dir_fd.as_fd(), fd_name) else { continue };
                if let Some(inode) = socket_inode(link.as_bytes())
                    && wanted.contains(&inode)
                {
                    owners.holders.entry(inode).or_default().push(SocketHolder { pid, fd: fd_no });
                }
            }
            if owners.cut_short.is_some() {
                break;
            }
        }
        Ok(owners)
    }
}

/// The command name of a process (`/proc/PID/comm`), if readable, made
/// safe to print as `ps -o comm` does (see [`printable`]): any process can
/// name itself with terminal escape sequences.
pub fn comm(pid: u32) -> Option<String> {
    let raw = std::fs::read(format!("/proc/{pid}/comm")).ok()?;
    Some(printable(raw.strip_suffix(b"\n").unwrap_or(&raw)))
}

/// `bytes` with everything a terminal would act on replaced by `?`, as
/// procps's `ps` shows command names in a UTF-8 locale: control bytes
/// (C0, DEL and the C1 range), and bytes that are not valid UTF-8.
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            out.push(if c.is_control() { '?' } else { c });
        }
        for _ in chunk.invalid() {
            out.push('?');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn command_names_are_escaped_as_ps_does() {
        assert_eq!(printable(b"a\x1b[31mb\tc\x7fd"), "a?[31mb?c?d");
        assert_eq!(printable("sshd: é".as_bytes()), "sshd: é");
        assert_eq!(printable(b"x\xff\xc2\x85y"), "x??y");
    }

    #[test]
    fn holders_see_a_thread_inside_and_a_descriptor_open() {
        let scan = ProcScan::open().unwrap();
        let me = NsId::of_path(Path::new("/proc/self/ns/net")).unwrap();
        let _open = std::fs::File::open("/proc/self/ns/net").unwrap();
        let pid = std::process::id();
        let found = scan.holders(0).unwrap();
        assert!(found.inside.get(&me).is_some_and(|p| p.contains(&pid)));
        assert!(found.open.get(&me).is_some_and(|p| p.contains(&pid)));
        let skipped = scan.holders(pid).unwrap();
        assert!(!skipped.open.get(&me).is_some_and(|p| p.contains(&pid)));
        assert_eq!(net_inode_of(b"net:[4026531840]"), Some(4026531840));
        assert_eq!(net_inode_of(b"mnt:[4026531840]"), None);
    }

    #[test]
    fn socket_links_are_read_exactly() {
        assert_eq!(socket_inode(b"socket:[7863633]"), Some(7863633));
        assert_eq!(socket_inode(b"socket:[]"), None);
        assert_eq!(socket_inode(b"anon_inode:[eventfd]"), None);
        assert_eq!(socket_inode(b"/tmp/socket:[1]"), None);
    }

    #[test]
    fn finds_the_process_holding_a_socket_within_its_limits() {
        use std::os::fd::AsRawFd;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let link = std::fs::read_link(format!("/proc/self/fd/{}", listener.as_raw_fd())).unwrap();
        let inode = socket_inode(link.as_os_str().as_bytes()).unwrap();
        let scan = ProcScan::open().unwrap();
        let me = NsId::of_path(Path::new("/proc/self/ns/net")).unwrap();
        let wanted = HashSet::from([inode]);
        let owners = scan.socket_owners(&[me], &wanted, OwnerScanLimits::default()).unwrap();
        let mine = SocketHolder { pid: std::process::id(), fd: listener.as_raw_fd() as u32 };
        assert!(owners.holders(inode).contains(&mine), "{owners:?}");
        assert!(owners.cut_short.is_none() && owners.processes >= 1 && owners.descriptors >= 1);
        // Another namespace's processes are not read.
        let elsewhere = NsId { ino: me.ino + 1, ..me };
        let none = scan.socket_owners(&[elsewhere], &wanted, OwnerScanLimits::default()).unwrap();
        assert!(none.holders(inode).is_empty() && none.descriptors == 0);
        // A limit stops the scan and says so.
        let limits = OwnerScanLimits { max_fds: 0, ..OwnerScanLimits::default() };
        let cut = scan.socket_owners(&[me], &wanted, limits).unwrap();
        assert_eq!(cut.cut_short, Some(CutShort::Descriptors(0)));
        assert!(!cut.complete() && cut.holders(inode).is_empty());
        assert_eq!(cut.cut_short.unwrap().to_string(), "stopped after 0 descriptors");
        let limits = OwnerScanLimits { time: Duration::ZERO, ..OwnerScanLimits::default() };
        assert_eq!(scan.socket_owners(&[me], &wanted, limits).unwrap().cut_short, Some(CutShort::Time(Duration::ZERO)));
    }

    #[test]
    fn finds_itself() {
        let scan = ProcScan::open().unwrap();
        let me = NsId::of_path(Path::new("/proc/self/ns/net")).unwrap();
        let pids = scan.pids_in(me).unwrap();
        assert!(pids.contains(&std::process::id()));
        assert!(pids.windows(2).all(|w| w[0] < w[1]) || pids.len() < 2);
    }
}
