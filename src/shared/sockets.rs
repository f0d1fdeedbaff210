//! The listening sockets of a namespace and the processes that hold them,
//! as `ss -lntup` shows them, read over `NETLINK_SOCK_DIAG` and `/proc`
//! with nothing run inside: what `inspect` shows and `find :PORT` searches.
//!
//! Reading is two steps, so that many namespaces cost one walk of `/proc`:
//! [`read`] (or [`read_in`]) lists each namespace's sockets, then
//! [`name_owners`] names the processes holding them, for all namespaces
//! at once. [`listening`] does both for one namespace.

use crate::namespace::{NetNs, NsId};
use crate::netlink::sock_diag::{DEFAULT_LIMIT, InetSocket, Proto, SockDiag, SocketFilter, States, TcpState};
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
    /// TCP connections in `ESTABLISHED`.
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

/// Read the sockets of the namespace `diag` lives in: the listeners (TCP
/// `LISTEN`, unconnected UDP), IPv4 and IPv6, and a count of established
/// TCP connections. Errors name the protocol and the cause.
pub(crate) fn read(diag: &mut SockDiag) -> Result<Sockets, String> {
    let mut out = Sockets::default();
    let keep = |s: InetSocket, out: &mut Sockets| {
        if out.listeners.len() < DEFAULT_LIMIT {
            out.listeners.push(Listener::of(s));
        } else {
            out.omitted += 1;
        }
    };
    // One TCP dump gives the listeners and counts the connections.
    let tcp = SocketFilter::new(Proto::Tcp, States::of(&[TcpState::Listen, TcpState::Established]));
    diag.for_each(&tcp, |s| match s.state {
        TcpState::Listen => keep(s, &mut out),
        _ => out.established += 1,
    })
    .map_err(|e| format!("tcp: {e}"))?;
    diag.for_each(&SocketFilter::listening(Proto::Udp), |s| keep(s, &mut out)).map_err(|e| format!("udp: {e}"))?;
    out.listeners.sort_by_key(|l| (l.proto, l.local.port(), l.local.is_ipv6(), l.local.ip(), l.interface));
    Ok(out)
}

/// [`read`] the sockets of `ns`; `ns` may be the caller's own namespace,
/// which needs no privilege.
pub(crate) fn read_in(ns: &NetNs) -> Result<Sockets, String> {
    let mut diag = SockDiag::open_in(ns).map_err(|e| format!("cannot open sock_diag: {e}"))?;
    read(&mut diag)
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

/// The listening sockets of `ns` with the processes holding them, and how
/// complete that naming is: what `find :PORT` asks of each namespace.
/// (For many namespaces, [`read_in`] each and [`name_owners`] once.)
#[allow(dead_code)] // the entry point of `find :PORT`
pub(crate) fn listening(ns: &NetNs) -> Result<(Sockets, OwnerCoverage), String> {
    let mut sockets = read_in(ns)?;
    let id = ns.id().map_err(|e| format!("cannot identify {}: {}", ns.path().display(), crate::sys::io_text(&e)))?;
    let scan = ProcScan::open().ok();
    let coverage = name_owners(scan.as_ref(), &mut [(id, &mut sockets)]);
    Ok((sockets, coverage))
}

/// Does `l` answer the question `find PROTO:PORT` asks (`proto` `None`: either)?
#[allow(dead_code)] // used by `find :PORT`
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
    fn ports_match_with_or_without_a_protocol() {
        let l = listener("0.0.0.0:53", None, 0);
        assert!(matches_port(&l, None, 53) && matches_port(&l, Some(Proto::Udp), 53));
        assert!(!matches_port(&l, Some(Proto::Tcp), 53) && !matches_port(&l, None, 54));
    }
}
