//! The listening sockets of a namespace and the processes that hold them,
//! as `ss -lntup` shows them, read over `NETLINK_SOCK_DIAG` and `/proc`
//! with nothing run inside: what `inspect` shows and `find :PORT` searches.
//!
//! Reading is two steps, so that many namespaces cost one walk of `/proc`:
//! [`read_here`], on a thread inside each namespace, lists its sockets,
//! then [`name_owners`] names the processes holding them, for all
//! namespaces at once.

use crate::namespace::NsId;
use crate::netlink::sock_diag::{DEFAULT_LIMIT, Family, InetSocket, Proto, SockDiag, SocketFilter, TcpState};
use crate::procscan::{CutShort, OwnerScanLimits, ProcScan, comm};
use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};

/// A process holding a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    /// Its pid.
    pub pid: u32,
    /// Its command name, made safe to print.
    pub comm: String,
}

/// A socket `ss -l` lists: a TCP listener or an unconnected UDP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listener {
    /// TCP or UDP.
    pub proto: Proto,
    /// The state: `Listen` for TCP, `Close` (ss's `UNCONN`) for UDP.
    pub state: TcpState,
    /// Address and port it is bound to.
    pub local: SocketAddr,
    /// Index of the interface it is bound to; 0 for none.
    pub interface: u32,
    /// For IPv6: whether it takes IPv6 only.
    pub v6only: Option<bool>,
    /// Its socket inode.
    pub inode: u64,
    /// The user id that created it.
    pub uid: u32,
    /// The processes holding it, by ascending pid (filled by [`name_owners`]).
    pub owners: Vec<Owner>,
}

impl Listener {
    fn of(s: InetSocket) -> Listener {
        Listener {
            proto: s.proto,
            state: s.state,
            local: s.local,
            interface: s.interface,
            v6only: s.v6only,
            inode: s.inode,
            uid: s.uid,
            owners: Vec::new(),
        }
    }

    /// The local end as `ss -n` prints it: `0.0.0.0:53`, `[::1]:53`,
    /// `*:53` for an IPv6 socket on every address that takes IPv4 too, and
    /// `%DEV` after the address of a socket bound to an interface (`dev`
    /// names it from its index).
    pub fn local_text(&self, dev: impl Fn(u32) -> Option<String>) -> String {
        let ip = self.local.ip();
        let mut addr = match ip {
            IpAddr::V6(v6) if v6.is_unspecified() && self.v6only == Some(false) => "*".to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
            IpAddr::V4(v4) => v4.to_string(),
        };
        if self.interface != 0 {
            let name = dev(self.interface).unwrap_or_else(|| format!("if{}", self.interface));
            addr = match addr.strip_suffix(']') {
                Some(inner) => format!("{inner}%{name}]"),
                None => format!("{addr}%{name}"),
            };
        }
        format!("{addr}:{}", self.local.port())
    }
}

/// One namespace's sockets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Sockets {
    /// Listening sockets, ordered by protocol, port, address; at most
    /// [`DEFAULT_LIMIT`].
    pub listeners: Vec<Listener>,
    /// Listening sockets past the limit, counted only.
    pub omitted: u64,
    /// Established TCP connections (`tcpCurrEstab`: `ESTABLISHED` or `CLOSE-WAIT`).
    pub established: u64,
}

/// How far the processes holding sockets could be named, for the sockets
/// of every namespace one [`name_owners`] call covered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct OwnerCoverage {
    /// Processes that could not be examined for lack of permission.
    pub denied: usize,
    /// netns runs without root: only the user's own processes can be read.
    pub not_root: bool,
    /// The walk of `/proc` stopped at a limit.
    pub cut_short: Option<CutShort>,
    /// `/proc` could not be read at all (the reason).
    pub unreadable: Option<&'static str>,
}

impl OwnerCoverage {
    /// Every process of the namespaces was examined.
    pub fn complete(&self) -> bool {
        self.denied == 0 && self.cut_short.is_none() && self.unreadable.is_none()
    }

    /// What a reader must know about the processes shown, in words, or
    /// `None` when they are complete.
    pub fn note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.denied > 0 {
            parts.push(if self.not_root {
                "only yours (not root)".to_string()
            } else {
                let n = self.denied;
                format!("{n} on this host could not be examined (permission denied)")
            });
        }
        if let Some(cut) = self.cut_short {
            parts.push(format!("the walk of /proc {cut}: some are not shown"));
        }
        if let Some(why) = self.unreadable {
            parts.push(format!("/proc could not be read: {why}"));
        }
        if parts.is_empty() { None } else { Some(format!("processes: {}", parts.join("; "))) }
    }
}

/// How many sockets of each protocol and family the calling thread's
/// namespace has in its tables (`/proc/thread-self/net/sockstat` and
/// `sockstat6`, `inuse`): listeners and connections, not sockets only
/// bound (TCP) nor in TIME-WAIT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct InUse {
    tcp4: u64,
    tcp6: u64,
    udp4: u64,
    udp6: u64,
}

impl InUse {
    /// Read them; `None` when `sockstat` cannot be read. A kernel
    /// without IPv6 has no `sockstat6`, and no IPv6 sockets.
    fn read(net: &NetDir) -> Option<InUse> {
        let v4 = net.read("sockstat").ok()?;
        let v6 = net.read("sockstat6").unwrap_or_default();
        Some(InUse {
            tcp4: inuse(&v4, "TCP:")?,
            udp4: inuse(&v4, "UDP:")?,
            tcp6: inuse(&v6, "TCP6:").unwrap_or(0),
            udp6: inuse(&v6, "UDP6:").unwrap_or(0),
        })
    }

    fn of(&self, proto: Proto, family: Family) -> u64 {
        match (proto, family) {
            (Proto::Tcp, Family::V4) => self.tcp4,
            (Proto::Tcp, Family::V6) => self.tcp6,
            (Proto::Udp, Family::V4) => self.udp4,
            (Proto::Udp, Family::V6) => self.udp6,
        }
    }
}

/// `/proc/thread-self/net`, open: the calling thread's namespace's files,
/// each opened from it (the directory is looked up once).
struct NetDir(Option<std::os::fd::OwnedFd>);

impl NetDir {
    const PATH: &str = "/proc/thread-self/net";

    fn open() -> NetDir {
        use nix::fcntl::{OFlag, open};
        NetDir(
            open(NetDir::PATH, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
                .ok(),
        )
    }

    /// The file `name`; errors name it and the cause.
    fn read(&self, name: &str) -> Result<String, String> {
        use nix::fcntl::{OFlag, openat};
        use std::io::Read;
        let path = format!("{}/{name}", NetDir::PATH);
        let fail = |e: std::io::Error| format!("{path}: {}", crate::sys::io_text(&e));
        let Some(dir) = &self.0 else {
            return Err(fail(std::io::Error::from_raw_os_error(libc::ENOENT)));
        };
        let fd = openat(dir, name, OFlag::O_RDONLY | OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
            .map_err(|e| fail(e.into()))?;
        let mut text = String::new();
        std::fs::File::from(fd).read_to_string(&mut text).map_err(fail)?;
        Ok(text)
    }
}

/// The number after `inuse` on the line of `sockstat` that starts with `label`.
fn inuse(sockstat: &str, label: &str) -> Option<u64> {
    let line = sockstat.lines().find_map(|l| l.strip_prefix(label))?;
    let mut words = line.split_whitespace();
    words.find(|&w| w == "inuse")?;
    words.next()?.parse().ok()
}

/// Read the sockets of the calling thread's network namespace: the
/// listeners (TCP `LISTEN`, unconnected UDP), IPv4 and IPv6, over
/// sock_diag, and the count of established TCP connections. Errors name
/// the protocol or the file and the cause.
///
/// The kernel's socket tables are shared by every namespace, and a dump
/// walks them whole: tens of microseconds for the listening and UDP
/// tables, milliseconds for the connections. So the namespace's own
/// counters are read first, and a protocol and family with no socket in
/// use is not dumped (most namespaces of a node have none); connections
/// are counted, not dumped: the kernel's `tcpCurrEstab` (RFC 1213: sockets
/// in `ESTABLISHED` or `CLOSE-WAIT`), as `netstat -s` shows it.
pub(crate) fn read_here() -> Result<Sockets, String> {
    let net = NetDir::open();
    let in_use = InUse::read(&net);
    let wanted = |proto, family| in_use.is_none_or(|u| u.of(proto, family) > 0);
    let mut out = Sockets::default();
    let mut diag = None;
    for proto in [Proto::Tcp, Proto::Udp] {
        for family in [Family::V4, Family::V6] {
            if !wanted(proto, family) {
                continue;
            }
            let diag = match &mut diag {
                Some(d) => d,
                None => diag.insert(
                    SockDiag::open().map_err(|e| format!("cannot open sock_diag: {}", crate::sys::io_text(&e)))?,
                ),
            };
            let filter = SocketFilter { family: Some(family), ..SocketFilter::listening(proto) };
            diag.for_each(&filter, |s| {
                if out.listeners.len() < DEFAULT_LIMIT {
                    out.listeners.push(Listener::of(s));
                } else {
                    out.omitted += 1;
                }
            })
            .map_err(|e| format!("{}: {e}", proto.name()))?;
        }
    }
    out.listeners.sort_by_key(|l| (l.proto, l.local.port(), l.local.is_ipv6(), l.local.ip(), l.interface));
    if wanted(Proto::Tcp, Family::V4) || wanted(Proto::Tcp, Family::V6) {
        out.established = established(&net)?;
    }
    Ok(out)
}

/// `tcpCurrEstab` of the namespace of `net`.
fn established(net: &NetDir) -> Result<u64, String> {
    let text = net.read("snmp")?;
    curr_estab(&text).ok_or_else(|| format!("{}/snmp: no Tcp CurrEstab counter", NetDir::PATH))
}

/// `CurrEstab` of the `Tcp:` lines of `/proc/net/snmp` (a line of names,
/// then a line of values).
fn curr_estab(snmp: &str) -> Option<u64> {
    let mut tcp = snmp.lines().filter_map(|l| l.strip_prefix("Tcp:"));
    let (names, values) = (tcp.next()?, tcp.next()?);
    let at = names.split_whitespace().position(|n| n == "CurrEstab")?;
    values.split_whitespace().nth(at)?.parse().ok()
}

/// Name the processes that hold the listeners of every `(namespace,
/// sockets)` pair, with one bounded walk of `/proc`; only processes of
/// those namespaces are read.
pub(crate) fn name_owners(scan: Option<&ProcScan>, items: &mut [(NsId, &mut Sockets)]) -> OwnerCoverage {
    let not_root = !nix::unistd::geteuid().is_root();
    let wanted: HashSet<u64> =
        items.iter().flat_map(|(_, s)| s.listeners.iter().map(|l| l.inode)).filter(|&i| i != 0).collect();
    if wanted.is_empty() {
        return OwnerCoverage { not_root, ..OwnerCoverage::default() };
    }
    let Some(scan) = scan else {
        return OwnerCoverage { not_root, unreadable: Some("it cannot be opened"), ..OwnerCoverage::default() };
    };
    let namespaces: Vec<NsId> = items.iter().map(|(id, _)| *id).collect();
    let owners = match scan.socket_owners(&namespaces, &wanted, OwnerScanLimits::default()) {
        Ok(o) => o,
        Err(_) => {
            return OwnerCoverage { not_root, unreadable: Some("it cannot be listed"), ..OwnerCoverage::default() };
        }
    };
    for (_, sockets) in items.iter_mut() {
        for l in &mut sockets.listeners {
            let mut pids: Vec<u32> = owners.holders(l.inode).iter().map(|h| h.pid).collect();
            pids.dedup();
            l.owners = pids.into_iter().map(|pid| Owner { pid, comm: comm(pid).unwrap_or_default() }).collect();
        }
    }
    OwnerCoverage { denied: owners.denied, not_root, cut_short: owners.cut_short, unreadable: None }
}

/// Does `l` answer the question `find PROTO:PORT` asks (`proto` `None`: either)?
pub(crate) fn matches_port(l: &Listener, proto: Option<Proto>, port: u16) -> bool {
    l.local.port() == port && proto.is_none_or(|p| p == l.proto)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listener(local: &str, v6only: Option<bool>, interface: u32) -> Listener {
        Listener {
            proto: Proto::Udp,
            state: TcpState::Close,
            local: local.parse().unwrap(),
            interface,
            v6only,
            inode: 1,
            uid: 0,
            owners: Vec::new(),
        }
    }

    #[test]
    fn local_ends_read_as_ss_prints_them() {
        let dev = |i: u32| (i == 1).then(|| "lo".to_string());
        assert_eq!(listener("0.0.0.0:53", None, 0).local_text(dev), "0.0.0.0:53");
        assert_eq!(listener("[::]:53", Some(true), 0).local_text(dev), "[::]:53");
        assert_eq!(listener("[::]:53", Some(false), 0).local_text(dev), "*:53");
        assert_eq!(listener("127.0.0.53:53", None, 1).local_text(dev), "127.0.0.53%lo:53");
        assert_eq!(listener("[fe80::1]:547", Some(true), 1).local_text(dev), "[fe80::1%lo]:547");
        assert_eq!(listener("10.0.0.1:67", None, 9).local_text(dev), "10.0.0.1%if9:67");
    }

    #[test]
    fn the_note_says_what_is_missing() {
        assert_eq!(OwnerCoverage::default().note(), None);
        let mine = OwnerCoverage { denied: 3, not_root: true, ..OwnerCoverage::default() };
        assert_eq!(mine.note().as_deref(), Some("processes: only yours (not root)"));
        assert!(!mine.complete());
        let cut = OwnerCoverage { cut_short: Some(CutShort::Descriptors(5)), ..OwnerCoverage::default() };
        assert_eq!(
            cut.note().as_deref(),
            Some("processes: the walk of /proc stopped after 5 descriptors: some are not shown")
        );
    }

    #[test]
    fn curr_estab_is_read_by_its_name() {
        let snmp = "Ip: Forwarding DefaultTTL\nIp: 2 64\n\
            Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs\n\
            Tcp: 1 200 120000 -1 4 2 0 0 3 77\nUdp: InDatagrams\nUdp: 5\n";
        assert_eq!(curr_estab(snmp), Some(3));
        assert_eq!(curr_estab("Tcp: RtoAlgorithm\nTcp: 1\n"), None);
        assert_eq!(curr_estab(""), None);
    }

    #[test]
    fn sockets_in_use_are_read_by_label() {
        let v4 = "sockets: used 7\nTCP: inuse 3 orphan 0 tw 1 alloc 5 mem 1\nUDP: inuse 2 mem 0\nUDPLITE: inuse 9\n";
        assert_eq!((inuse(v4, "TCP:"), inuse(v4, "UDP:"), inuse(v4, "RAW:")), (Some(3), Some(2), None));
        assert_eq!(inuse("TCP6: inuse 4\nUDP6: inuse 0\n", "UDP6:"), Some(0));
        // This namespace's own counters read, and a listener of ours is counted.
        let _l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let net = NetDir::open();
        assert!(InUse::read(&net).expect("sockstat").tcp4 >= 1);
        assert!(established(&net).is_ok());
        assert_eq!(
            net.read("nonexistent").unwrap_err(),
            "/proc/thread-self/net/nonexistent: No such file or directory"
        );
    }

    #[test]
    fn ports_match_with_or_without_a_protocol() {
        let l = listener("0.0.0.0:53", None, 0);
        assert!(matches_port(&l, None, 53) && matches_port(&l, Some(Proto::Udp), 53));
        assert!(!matches_port(&l, Some(Proto::Tcp), 53) && !matches_port(&l, None, 54));
    }
}
