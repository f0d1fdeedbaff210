//! Reading and writing a namespace's `net.*` sysctls through `/proc/sys`.
//!
//! `/proc/sys/net` shows the network namespace of the task that *opens*
//! the file (unlike `/proc/net`, which follows the process's main thread),
//! so every open happens on a thread that has entered the namespace
//! ([`NetNs::run`]) and the root namespace is never touched.
//!
//! Only `net.*` keys are accepted: other sysctls are not per network
//! namespace, and writing them from a lab would change the whole machine.
//!
//! Keys to paths: dots become `/`, except inside an interface name. In
//! `net.ipv4.conf.<ifname>.<leaf>`, `net.ipv6.conf.<ifname>.<leaf>`,
//! `net.ipv4.neigh.<ifname>.<leaf>` and `net.ipv6.neigh.<ifname>.<leaf>`
//! the interface name is everything between the prefix and the *last* dot
//! (leaf names never contain one), so `net.ipv4.conf.eth0.10.rp_filter` is
//! `/proc/sys/net/ipv4/conf/eth0.10/rp_filter`. sysctl(8)'s spelling with
//! `/` for the dots of a name (`net.ipv4.conf.eth0/10.rp_filter`) means
//! the same.

use super::error::NsError;
use crate::namespace::NetNs;
use std::io;
use std::path::PathBuf;

/// Why a sysctl could not be read or set, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum SysctlError {
    /// Not a `net.*` key.
    #[error(
        "sysctl {key} is not per network namespace: a lab can only set net.* keys (it would change the whole machine)"
    )]
    NotPerNamespace {
        /// The key.
        key: String,
    },
    /// A key that names no path below `/proc/sys/net`.
    #[error("sysctl key {key:?} is malformed")]
    Malformed {
        /// The key.
        key: String,
    },
    /// This kernel has no such sysctl.
    #[error("sysctl {key} does not exist in this kernel")]
    Missing {
        /// The key.
        key: String,
    },
    /// Reading the value failed.
    #[error("cannot read sysctl {key}: {}", super::error::io_cause(source))]
    Read {
        /// The key.
        key: String,
        /// Why.
        source: io::Error,
    },
    /// Writing the value failed.
    #[error("cannot set sysctl {key} to {value:?}: {}", super::error::io_cause(source))]
    Write {
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// Why.
        source: io::Error,
    },
    /// The namespace could not be entered.
    #[error(transparent)]
    Ns(#[from] NsError),
}

/// Prefixes whose next component, up to the last dot, is an interface name.
const IFACE_PREFIXES: [&str; 4] = ["net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.", "net.ipv6.neigh."];

/// The `/proc/sys` path of a dotted `net.*` key (see the module comment).
pub fn path_of(key: &str) -> Result<PathBuf, SysctlError> {
    if !key.starts_with("net.") {
        return Err(SysctlError::NotPerNamespace { key: key.to_string() });
    }
    let bad = || SysctlError::Malformed { key: key.to_string() };
    if key.contains("..") || key.ends_with('.') || key.contains('\0') || key.contains("/..") || key.contains("../") {
        return Err(bad());
    }
    let rel = if key.contains('/') {
        // sysctl(8): '/' in a dotted key stands for a '.' in a name.
        key.chars()
            .map(|c| match c {
                '.' => '/',
                '/' => '.',
                c => c,
            })
            .collect::<String>()
    } else if let Some(prefix) = IFACE_PREFIXES.iter().find(|p| key.starts_with(*p)) {
        let rest = &key[prefix.len()..];
        let Some((ifname, leaf)) = rest.rsplit_once('.') else { return Err(bad()) };
        if ifname.is_empty() || leaf.is_empty() {
            return Err(bad());
        }
        format!("{}/{ifname}/{leaf}", prefix.trim_end_matches('.').replace('.', "/"))
    } else {
        key.replace('.', "/")
    };
    if rel.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        return Err(bad());
    }
    Ok(PathBuf::from("/proc/sys").join(rel))
}

/// Values compare by their words: the kernel prints multi-value sysctls
/// (`tcp_rmem`) with tabs, a lab file writes them with spaces.
/// Do two sysctl values say the same (the kernel separates the fields of
/// multi-value keys with tabs; files write spaces)?
pub fn same(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

fn read_one(key: &str, path: &std::path::Path) -> Result<String, SysctlError> {
    let read = private_proc::open(path, false).and_then(|f| {
        let mut v = String::new();
        io::Read::read_to_string(&mut &f, &mut v).map(|_| v)
    });
    match read {
        Ok(v) => Ok(v.trim_end_matches('\n').to_string()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(SysctlError::Missing { key: key.to_string() }),
        Err(source) => Err(SysctlError::Read { key: key.to_string(), source }),
    }
}

/// Write `value` to the sysctl `key` at `path`.
fn write_one(key: &str, path: &std::path::Path, value: &str) -> Result<(), SysctlError> {
    private_proc::open(path, true).and_then(|f| io::Write::write_all(&mut &f, format!("{value}\n").as_bytes())).map_err(
        |source| match source.kind() {
            io::ErrorKind::NotFound => SysctlError::Missing { key: key.to_string() },
            _ => SysctlError::Write { key: key.to_string(), value: value.to_string(), source },
        },
    )
}

/// Sysctl files are opened through a procfs instance of this thread's own,
/// not through `/proc`.
///
/// Every network namespace has its own `/proc/sys/net/ipv4` and
/// `/proc/sys/net/ipv6` directories under the one shared `net`, and the
/// kernel keeps the directory entry of each namespace where it was looked up
/// in one hash chain: a path lookup in a new namespace walks the entries of
/// every namespace looked up before it (taking the sysctl lock for each).
/// Setting a sysctl in each of N namespaces through `/proc` therefore costs
/// N² steps: minutes at 10,000 namespaces. A procfs mounted for the
/// purpose (`fsopen`/`fsmount`: a detached mount, attached nowhere, so
/// nothing on the machine sees it) has directory entries of its own, which
/// go when it is closed; a thread replaces its instance every
/// [`REUSE`](private_proc::REUSE) files, so no chain grows longer than
/// that. Where the kernel has no mount API (or it is denied), `/proc` is
/// used as before.
mod private_proc {
    use std::cell::RefCell;
    use std::ffi::CString;
    use std::fs::File;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Files opened through one instance before it is replaced.
    pub const REUSE: u32 = 32;

    /// The mount API failed once: `/proc` from then on.
    static UNAVAILABLE: AtomicBool = AtomicBool::new(false);

    thread_local! {
        /// This thread's instance and how many files were opened through it.
        static ROOT: RefCell<Option<(OwnedFd, u32)>> = const { RefCell::new(None) };
    }

    /// A new procfs instance as a detached mount.
    fn mount() -> io::Result<OwnedFd> {
        // SAFETY: fsopen reads the NUL-terminated name; the result is a new
        // descriptor (or -1), owned from here on.
        let fs = unsafe { libc::syscall(libc::SYS_fsopen, c"proc".as_ptr(), libc::c_uint::from(1u8)) };
        if fs < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fs is a descriptor fsopen just returned, owned by nobody else.
        let fs = unsafe { OwnedFd::from_raw_fd(fs as i32) };
        // FSCONFIG_CMD_CREATE (6) takes no key or value.
        // SAFETY: null key and value are what this command expects.
        let r = unsafe {
            libc::syscall(
                libc::SYS_fsconfig,
                fs.as_raw_fd(),
                6 as libc::c_uint,
                std::ptr::null::<u8>(),
                std::ptr::null::<u8>(),
                0,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        // FSMOUNT_CLOEXEC (1); no mount attributes.
        // SAFETY: fsmount on the configured context; the result is a new
        // descriptor (or -1), owned from here on.
        let m = unsafe { libc::syscall(libc::SYS_fsmount, fs.as_raw_fd(), 1 as libc::c_uint, 0 as libc::c_uint) };
        if m < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: m is a descriptor fsmount just returned, owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(m as i32) })
    }

    /// Open the file at `path` (under `/proc`) through this thread's
    /// instance, read-only or write-only.
    pub fn open(path: &Path, write: bool) -> io::Result<File> {
        let plain = || if write { File::options().write(true).open(path) } else { File::open(path) };
        let Ok(rel) = path.strip_prefix("/proc") else { return plain() };
        if UNAVAILABLE.load(Ordering::Relaxed) {
            return plain();
        }
        let rel = CString::new(rel.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
        ROOT.with_borrow_mut(|root| {
            if root.as_ref().is_none_or(|(_, used)| *used >= REUSE) {
                *root = None;
                match mount() {
                    Ok(fd) => *root = Some((fd, 0)),
                    Err(_) => {
                        UNAVAILABLE.store(true, Ordering::Relaxed);
                        return plain();
                    }
                }
            }
            let (dir, used) = root.as_mut().expect("mounted above");
            *used += 1;
            let flags = libc::O_CLOEXEC | libc::O_NOFOLLOW | if write { libc::O_WRONLY } else { libc::O_RDONLY };
            // SAFETY: openat with a directory descriptor we own and a
            // NUL-terminated relative path; the result is a new descriptor.
            let fd = unsafe { libc::openat(dir.as_raw_fd(), rel.as_ptr(), flags) };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: fd was just returned by openat and is owned by nobody else.
            Ok(File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
        })
    }
}

/// Set `settings` (dotted key, value) inside `ns`, in order, skipping the
/// ones that already have the value. Returns what changed as (key, old,
/// new) with new as read back. Stops at the first failure; keys before it
/// stay set.
pub fn apply(ns: &NetNs, settings: &[(String, String)]) -> Result<Vec<(String, String, String)>, SysctlError> {
    let paths = settings.iter().map(|(k, _)| path_of(k)).collect::<Result<Vec<_>, _>>()?;
    ns.run(|| {
        let mut changed = Vec::new();
        for ((key, value), path) in settings.iter().zip(&paths) {
            let old = read_one(key, path)?;
            if same(&old, value) {
                continue;
            }
            write_one(key, path, value)?;
            let new = read_one(key, path)?;
            changed.push((key.clone(), old, new));
        }
        Ok(changed)
    })
    .map_err(|source| NsError::Enter { path: ns.path().to_path_buf(), source })?
}

/// Set `settings` from a thread that is already inside the target
/// namespace (the thread that just created it), stopping at the first
/// failure.
pub fn write_here(settings: &[(String, String)]) -> Result<(), SysctlError> {
    for (key, value) in settings {
        write_one(key, &path_of(key)?, value)?;
    }
    Ok(())
}

/// Read `keys` inside `ns`: `None` for a key this kernel does not have.
pub fn read(ns: &NetNs, keys: &[String]) -> Result<Vec<Option<String>>, SysctlError> {
    ns.run(|| read_here(keys)).map_err(|source| NsError::Enter { path: ns.path().to_path_buf(), source })?
}

/// [`read`] from a thread that is already inside the namespace (a worker
/// that switched in itself).
pub fn read_here(keys: &[String]) -> Result<Vec<Option<String>>, SysctlError> {
    let paths = keys.iter().map(|k| path_of(k)).collect::<Result<Vec<_>, _>>()?;
    keys.iter()
        .zip(&paths)
        .map(|(key, path)| match read_one(key, path) {
            Ok(v) => Ok(Some(v)),
            Err(SysctlError::Missing { .. }) => Ok(None),
            Err(e) => Err(e),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_to_path() {
        let p = |k: &str| path_of(k).map(|p| p.display().to_string());
        assert_eq!(p("net.ipv4.ip_forward").unwrap(), "/proc/sys/net/ipv4/ip_forward");
        assert_eq!(p("net.ipv4.conf.all.rp_filter").unwrap(), "/proc/sys/net/ipv4/conf/all/rp_filter");
        assert_eq!(p("net.ipv4.conf.eth0.10.proxy_arp").unwrap(), "/proc/sys/net/ipv4/conf/eth0.10/proxy_arp");
        assert_eq!(p("net.ipv6.conf.eth0.10.forwarding").unwrap(), "/proc/sys/net/ipv6/conf/eth0.10/forwarding");
        assert_eq!(p("net.ipv4.neigh.a.b.c.gc_stale_time").unwrap(), "/proc/sys/net/ipv4/neigh/a.b.c/gc_stale_time");
        assert_eq!(p("net.ipv4.conf.eth0/10.rp_filter").unwrap(), "/proc/sys/net/ipv4/conf/eth0.10/rp_filter");
        assert_eq!(p("net.core.somaxconn").unwrap(), "/proc/sys/net/core/somaxconn");
        assert!(p("kernel.hostname").unwrap_err().to_string().contains("not per network namespace"));
        assert!(p("vm.swappiness").is_err());
        for bad in ["net.ipv4..x", "net.ipv4.", "net.ipv4.conf.x", "net.ipv4.conf..rp_filter", "net/../../x"] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    /// A handle on a fresh namespace that lives as long as the calling
    /// scratch thread.
    fn scratch<T: Send>(f: impl FnOnce(&NetNs) -> T + Send) -> T {
        std::thread::scope(|s| {
            s.spawn(|| {
                let _ns = crate::rundir::fresh_namespace_on_this_thread().expect("unshare(CLONE_NEWNET): run as root");
                let ns = NetNs::open_path(format!("/proc/self/task/{}/ns/net", nix::unistd::gettid())).unwrap();
                f(&ns)
            })
            .join()
            .unwrap()
        })
    }

    #[test]
    fn writes_stay_in_the_namespace() {
        require_root!();
        let root_before = std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward").unwrap();
        let want = if root_before.trim() == "1" { "0" } else { "1" };
        let changed = scratch(|ns| {
            // First the root's value, then the other one: the second write
            // is always a change, and it would show in the root if it leaked.
            let first = apply(
                ns,
                &[
                    ("net.ipv4.ip_forward".into(), root_before.trim().into()),
                    ("net.ipv4.ip_forward".into(), want.into()),
                ],
            )
            .unwrap();
            let again = apply(ns, &[("net.ipv4.ip_forward".into(), want.into())]).unwrap();
            assert!(again.is_empty(), "unchanged value reported as changed: {again:?}");
            assert_eq!(read(ns, &["net.ipv4.ip_forward".into()]).unwrap(), vec![Some(want.to_string())]);
            first
        });
        let root_after = std::fs::read_to_string("/proc/sys/net/ipv4/ip_forward").unwrap();
        assert_eq!(root_before, root_after, "the root namespace's ip_forward changed");
        let (k, _, new) = changed.last().expect("the second write is a change");
        assert_eq!((k.as_str(), new.as_str()), ("net.ipv4.ip_forward", want));
    }

    #[test]
    fn many_files_on_one_thread_still_read_this_namespace() {
        require_root!();
        // More files than one private procfs instance serves: the thread
        // replaces its instance and keeps reading its own namespace.
        let n = private_proc::REUSE as usize * 3 + 1;
        let root_before = std::fs::read_to_string("/proc/sys/net/ipv4/icmp_ratelimit").unwrap();
        scratch(|ns| {
            apply(ns, &[("net.ipv4.icmp_ratelimit".into(), "400".into())]).unwrap();
            ns.run(|| {
                for _ in 0..n {
                    assert_eq!(read_here(&["net.ipv4.icmp_ratelimit".into()]).unwrap(), vec![Some("400".to_string())]);
                }
            })
            .unwrap();
        });
        let root_after = std::fs::read_to_string("/proc/sys/net/ipv4/icmp_ratelimit").unwrap();
        assert_eq!(root_before, root_after, "the root namespace's icmp_ratelimit changed");
    }

    #[test]
    fn interface_names_with_dots_and_unknown_keys() {
        require_root!();
        scratch(|ns| {
            let ip = std::process::Command::new("/usr/sbin/ip")
                .args(["link", "add", "eth0.10", "type", "veth", "peer", "name", "p0"])
                .status()
                .unwrap();
            assert!(ip.success());
            let key = "net.ipv4.conf.eth0.10.proxy_arp".to_string();
            let changed = apply(ns, &[(key.clone(), "1".into())]).unwrap();
            assert_eq!(changed, vec![(key.clone(), "0".into(), "1".into())]);
            assert_eq!(read(ns, std::slice::from_ref(&key)).unwrap(), vec![Some("1".into())]);
            let e = apply(ns, &[("net.ipv4.foo".into(), "1".into())]).unwrap_err();
            assert_eq!(e.to_string(), "sysctl net.ipv4.foo does not exist in this kernel");
            assert_eq!(read(ns, &["net.ipv4.foo".into()]).unwrap(), vec![None]);
            // Multi-value sysctls compare by words, so tabs vs spaces is no change.
            let rmem = read(ns, &["net.ipv4.tcp_rmem".into()]).unwrap()[0].clone().unwrap();
            let spaced = rmem.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(apply(ns, &[("net.ipv4.tcp_rmem".into(), spaced)]).unwrap().is_empty());
        });
    }
}
