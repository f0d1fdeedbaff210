//! The TCP and UDP sockets of a namespace, read over `NETLINK_SOCK_DIAG`
//! (inet_diag) as `ss -tuna` reads them, with no program run inside.
//!
//! [`SockDiag`] is a socket bound to one namespace, like [`Netlink`]: open
//! it inside ([`SockDiag::open_in`]), and every dump it makes lists that
//! namespace's sockets. Each dump asks the kernel for one protocol, one
//! family and a set of states, and the kernel filters: a listener list
//! costs nothing per established connection.
//!
//! Replies are bounded like the engine's: one receive buffer of
//! `RECV_BUF`, and [`SockDiag::inet_sockets`] keeps at most
//! [`SocketFilter::limit`] sockets (those past it are only counted).
//!
//! [`Netlink`]: super::Netlink

use super::engine::{RECV_BUF, parse_error};
use super::error::NlError;
use super::wire;
use crate::namespace::{NetNs, NsId};
use netlink_packet_core::{Emitable, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, Parseable};
use netlink_packet_sock_diag::SOCK_DIAG_BY_FAMILY;
use netlink_packet_sock_diag::inet::{ExtensionFlags, InetRequest, InetResponseHeader, SocketId, StateFlags};
use netlink_sys::{Socket, SocketAddr as NlAddr, protocols::NETLINK_SOCK_DIAG};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;

/// `sizeof(struct inet_diag_msg)`: the fixed part of every reply.
const INET_DIAG_MSG_LEN: usize = 72;
/// `INET_DIAG_SKV6ONLY`: a u8 the kernel adds to every AF_INET6 reply.
const INET_DIAG_SKV6ONLY: u16 = 11;
/// How many sockets [`SocketFilter::limit`] keeps unless told otherwise.
pub const DEFAULT_LIMIT: usize = 65_536;

/// A transport protocol inet_diag lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proto {
    /// TCP (`IPPROTO_TCP`).
    Tcp,
    /// UDP (`IPPROTO_UDP`).
    Udp,
}

impl Proto {
    /// The name `ss` shows in its Netid column: `tcp`, `udp`.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }

    fn number(self) -> u8 {
        match self {
            Proto::Tcp => libc::IPPROTO_TCP as u8,
            Proto::Udp => libc::IPPROTO_UDP as u8,
        }
    }
}

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// IPv4 (`AF_INET`).
    V4,
    /// IPv6 (`AF_INET6`).
    V6,
}

impl Family {
    fn number(self) -> u8 {
        match self {
            Family::V4 => libc::AF_INET as u8,
            Family::V6 => libc::AF_INET6 as u8,
        }
    }
}

/// A socket's state, in the kernel's TCP state numbering, which UDP
/// sockets use too: an unconnected (bound or listening) UDP socket is
/// [`Close`](TcpState::Close), a connected one
/// [`Established`](TcpState::Established).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TcpState {
    /// `TCP_ESTABLISHED` (1).
    Established,
    /// `TCP_SYN_SENT` (2).
    SynSent,
    /// `TCP_SYN_RECV` (3).
    SynRecv,
    /// `TCP_FIN_WAIT1` (4).
    FinWait1,
    /// `TCP_FIN_WAIT2` (5).
    FinWait2,
    /// `TCP_TIME_WAIT` (6).
    TimeWait,
    /// `TCP_CLOSE` (7).
    Close,
    /// `TCP_CLOSE_WAIT` (8).
    CloseWait,
    /// `TCP_LAST_ACK` (9).
    LastAck,
    /// `TCP_LISTEN` (10).
    Listen,
    /// `TCP_CLOSING` (11).
    Closing,
    /// `TCP_NEW_SYN_RECV` (12): a request socket.
    NewSynRecv,
    /// A state number this crate does not name.
    Other(u8),
}

impl TcpState {
    /// The state from its kernel number.
    pub fn from_code(code: u8) -> TcpState {
        use TcpState::*;
        match code {
            1 => Established,
            2 => SynSent,
            3 => SynRecv,
            4 => FinWait1,
            5 => FinWait2,
            6 => TimeWait,
            7 => Close,
            8 => CloseWait,
            9 => LastAck,
            10 => Listen,
            11 => Closing,
            12 => NewSynRecv,
            n => Other(n),
        }
    }

    /// The kernel's number for the state.
    pub fn code(self) -> u8 {
        use TcpState::*;
        match self {
            Established => 1,
            SynSent => 2,
            SynRecv => 3,
            FinWait1 => 4,
            FinWait2 => 5,
            TimeWait => 6,
            Close => 7,
            CloseWait => 8,
            LastAck => 9,
            Listen => 10,
            Closing => 11,
            NewSynRecv => 12,
            Other(n) => n,
        }
    }

    /// The word `ss` prints in its State column (`LISTEN`, `UNCONN`, `ESTAB`, …).
    pub fn ss_name(self) -> &'static str {
        use TcpState::*;
        match self {
            Established => "ESTAB",
            SynSent => "SYN-SENT",
            SynRecv | NewSynRecv => "SYN-RECV",
            FinWait1 => "FIN-WAIT-1",
            FinWait2 => "FIN-WAIT-2",
            TimeWait => "TIME-WAIT",
            Close => "UNCONN",
            CloseWait => "CLOSE-WAIT",
            LastAck => "LAST-ACK",
            Listen => "LISTEN",
            Closing => "CLOSING",
            Other(_) => "UNKNOWN",
        }
    }
}

/// A set of socket states, the filter the kernel applies to a dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct States(u32);

impl States {
    /// Every state.
    pub const ALL: States = States(u32::MAX);

    /// Exactly these states.
    pub fn of(states: &[TcpState]) -> States {
        States(states.iter().fold(0, |bits, s| bits | 1u32.checked_shl(u32::from(s.code())).unwrap_or(0)))
    }

    /// Does the set hold `state`?
    pub fn contains(self, state: TcpState) -> bool {
        1u32.checked_shl(u32::from(state.code())).is_some_and(|bit| self.0 & bit != 0)
    }
}

/// Which sockets a dump lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketFilter {
    /// The protocol.
    pub proto: Proto,
    /// One family, or `None` for both (two dumps).
    pub family: Option<Family>,
    /// The states to list.
    pub states: States,
    /// [`SockDiag::inet_sockets`] keeps at most this many sockets and
    /// counts the rest in [`SocketList::omitted`].
    pub limit: usize,
}

impl SocketFilter {
    /// Sockets of `proto` in `states`, both families, up to [`DEFAULT_LIMIT`].
    pub fn new(proto: Proto, states: States) -> SocketFilter {
        SocketFilter { proto, family: None, states, limit: DEFAULT_LIMIT }
    }

    /// The sockets `ss -l` lists for `proto`: TCP sockets in `LISTEN`,
    /// UDP sockets that are bound and not connected (`UNCONN`).
    pub fn listening(proto: Proto) -> SocketFilter {
        let state = match proto {
            Proto::Tcp => TcpState::Listen,
            Proto::Udp => TcpState::Close,
        };
        SocketFilter::new(proto, States::of(&[state]))
    }
}

/// One TCP or UDP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InetSocket {
    /// Its protocol.
    pub proto: Proto,
    /// Its state.
    pub state: TcpState,
    /// The local address and port (the unspecified address when it is
    /// bound to every address).
    pub local: SocketAddr,
    /// The remote address and port (unspecified, port 0, when unconnected).
    pub remote: SocketAddr,
    /// The index of the interface the socket is bound to
    /// (`SO_BINDTODEVICE`, or an IPv6 link-local address's scope); 0 for none.
    pub interface: u32,
    /// Its inode (the number in the `socket:[INODE]` link of a process's
    /// descriptor); 0 for sockets no descriptor holds (TIME-WAIT, requests).
    pub inode: u64,
    /// The user id that created it.
    pub uid: u32,
    /// Bytes waiting to be read (for a listener: connections waiting to be accepted).
    pub recv_queue: u32,
    /// Bytes waiting to be sent (for a listener: its backlog).
    pub send_queue: u32,
    /// For an IPv6 socket, whether it takes IPv6 only (`IPV6_V6ONLY`);
    /// `None` for IPv4, or when the kernel did not say.
    pub v6only: Option<bool>,
}

impl InetSocket {
    /// The socket's address family.
    pub fn family(&self) -> Family {
        if self.local.is_ipv4() { Family::V4 } else { Family::V6 }
    }

    /// Is it what `ss -l` lists: a TCP listener or an unconnected UDP socket?
    pub fn is_listening(&self) -> bool {
        matches!((self.proto, self.state), (Proto::Tcp, TcpState::Listen) | (Proto::Udp, TcpState::Close))
    }
}

/// The sockets a dump kept, and how many it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SocketList {
    /// The sockets, at most the filter's limit, in the kernel's order.
    pub sockets: Vec<InetSocket>,
    /// How many more matched past the limit.
    pub omitted: u64,
}

/// A `NETLINK_SOCK_DIAG` socket bound to the network namespace that was
/// current on the calling thread when it was opened.
///
/// ```no_run
/// use netns_core::netlink::sock_diag::{Proto, SockDiag, SocketFilter};
/// let mut diag = SockDiag::open()?;
/// for s in diag.inet_sockets(&SocketFilter::listening(Proto::Tcp))?.sockets {
///     println!("{} {} (inode {})", s.proto.name(), s.local, s.inode);
/// }
/// # Ok::<(), netns_core::netlink::NlError>(())
/// ```
pub struct SockDiag {
    sock: Socket,
    seq: u32,
    buf: Vec<u8>,
}

impl SockDiag {
    /// Open a socket in the calling thread's current network namespace.
    /// Listing sockets needs no privilege.
    pub fn open() -> io::Result<SockDiag> {
        let mut sock = Socket::new(NETLINK_SOCK_DIAG)?;
        sock.bind_auto()?;
        sock.connect(&NlAddr::new(0, 0))?;
        Ok(SockDiag { sock, seq: std::process::id().wrapping_mul(7919), buf: Vec::new() })
    }

    /// Open a socket that lives in `ns`: the calling thread is switched in
    /// for the `socket()` call only (as [`NetNs::netlink`] does). When `ns`
    /// is the thread's own namespace there is no switch, so a user without
    /// `CAP_SYS_ADMIN` can read the namespace they are in.
    pub fn open_in(ns: &NetNs) -> Result<SockDiag, NlError> {
        if NsId::of_path(Path::new("/proc/thread-self/ns/net")).ok() == Some(ns.id()?) {
            return Ok(SockDiag::open()?);
        }
        let _inside = ns.enter()?;
        Ok(SockDiag::open()?)
    }

    /// Call `f` with every socket that `filter` matches (its
    /// [`limit`](SocketFilter::limit) is not applied here), IPv4 first.
    pub fn for_each(&mut self, filter: &SocketFilter, mut f: impl FnMut(InetSocket)) -> Result<(), NlError> {
        let families = match filter.family {
            Some(family) => vec![family],
            None => vec![Family::V4, Family::V6],
        };
        for family in families {
            self.dump(family, filter, &mut f)?;
        }
        Ok(())
    }

    /// The sockets `filter` matches, at most its limit; past it they are
    /// only counted.
    pub fn inet_sockets(&mut self, filter: &SocketFilter) -> Result<SocketList, NlError> {
        let mut list = SocketList::default();
        self.for_each(filter, |s| {
            if list.sockets.len() < filter.limit {
                list.sockets.push(s);
            } else {
                list.omitted += 1;
            }
        })?;
        Ok(list)
    }

    /// How many sockets `filter` matches, without keeping any.
    pub fn count(&mut self, filter: &SocketFilter) -> Result<u64, NlError> {
        let mut n = 0;
        self.for_each(filter, |_| n += 1)?;
        Ok(n)
    }

    /// One dump: one family, one protocol. inet_diag never marks its dumps
    /// interrupted: a socket list is a snapshot taken while sockets come
    /// and go, as `ss`'s is.
    fn dump(&mut self, family: Family, filter: &SocketFilter, f: &mut dyn FnMut(InetSocket)) -> Result<(), NlError> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let request = request(family, filter.proto, filter.states);
        self.sock.send(&wire::message(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, seq, &request), 0)?;
        loop {
            self.buf.clear();
            self.buf.reserve(RECV_BUF);
            let capacity = self.buf.capacity();
            let n = loop {
                // Receives into the Vec's spare capacity (BufMut), no zeroing.
                match self.sock.recv(&mut self.buf, libc::MSG_TRUNC) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(NlError::Io(e)),
                }
            };
            if n > capacity {
                return Err(NlError::Truncated("sock_diag datagram larger than the receive buffer"));
            }
            for m in wire::messages(&self.buf[..n]) {
                let m = m.map_err(|wire::Truncated| NlError::Truncated("sock_diag message"))?;
                if m.seq != seq {
                    continue; // a late answer to an earlier dump
                }
                match m.kind {
                    NLMSG_DONE | NLMSG_ERROR => {
                        return match parse_error(m.flags, m.payload, m.kind == NLMSG_DONE)? {
                            None => Ok(()),
                            Some(e) => Err(NlError::Kernel(e)),
                        };
                    }
                    SOCK_DIAG_BY_FAMILY => f(decode(filter.proto, m.payload)?),
                    _ => {}
                }
            }
        }
    }
}

/// The payload of a dump request (`struct inet_diag_req_v2`).
fn request(family: Family, proto: Proto, states: States) -> Vec<u8> {
    let request = InetRequest {
        family: family.number(),
        protocol: proto.number(),
        extensions: ExtensionFlags::empty(),
        states: StateFlags::from_bits_retain(states.0),
        socket_id: match family {
            Family::V4 => SocketId::new_v4(),
            Family::V6 => SocketId::new_v6(),
        },
    };
    let mut out = vec![0; request.buffer_len()];
    request.emit(&mut out);
    out
}

/// One reply's payload (`struct inet_diag_msg` and its attributes) as a
/// socket of `proto` (the message does not say which: the request did).
fn decode(proto: Proto, payload: &[u8]) -> Result<InetSocket, NlError> {
    let h = InetResponseHeader::parse(payload).map_err(|_| NlError::Truncated("inet_diag_msg"))?;
    let id = &h.socket_id;
    let v6only = match id.source_address {
        IpAddr::V4(_) => None,
        IpAddr::V6(_) => wire::attrs(payload.get(INET_DIAG_MSG_LEN..).unwrap_or_default())
            .into_iter()
            .find(|&(kind, _)| kind == INET_DIAG_SKV6ONLY)
            .and_then(|(_, v)| v.first().map(|&b| b != 0)),
    };
    Ok(InetSocket {
        proto,
        state: TcpState::from_code(h.state),
        local: SocketAddr::new(id.source_address, id.source_port),
        remote: SocketAddr::new(id.destination_address, id.destination_port),
        interface: id.interface_id,
        inode: u64::from(h.inode),
        uid: h.uid,
        recv_queue: h.recv_queue,
        send_queue: h.send_queue,
        v6only,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// A dump of the TCP listeners of a namespace holding one, on
    /// 127.0.0.1:8080 (inode 7863633, backlog 128), as Linux 6.18 sent it: one
    /// SOCK_DIAG_BY_FAMILY message, then NLMSG_DONE.
    const TCP4_LISTEN: &str = "7c000000140002000100000088450000020a00001f9000007f00000100000000000000000000000000000000000000000000\
        0000000000000000000010100000000000000000000000000000800000000000000051fd7700050008000000000008000f00\
        000000000c001500010000000000000006001600520000001400000003000200010000008845000000000000";

    /// A dump of the unconnected UDP sockets: one IPv6-only socket bound
    /// to [::]:5353 (inode 7863634).
    const UDP6_UNCONN: &str = "840000001400020001000000884500000a07000014e900000000000000000000000000000000000000000000000000000000\
        0000000000000000000011100000000000000000000000000000000000000000000052fd7700050008000000000005000b00\
        0100000008000f00000000000c00150001000000000000000600160010000000140000000300020001000000884500000000\
        0000";

    fn messages(bytes: &[u8]) -> Vec<(u16, Vec<u8>)> {
        wire::messages(bytes).map(|m| m.ok().map(|m| (m.kind, m.payload.to_vec())).unwrap()).collect()
    }

    #[test]
    fn a_captured_tcp_listener_is_decoded() {
        let msgs = messages(&hex(TCP4_LISTEN));
        assert_eq!(msgs.iter().map(|m| m.0).collect::<Vec<_>>(), [SOCK_DIAG_BY_FAMILY, NLMSG_DONE]);
        let s = decode(Proto::Tcp, &msgs[0].1).unwrap();
        assert_eq!(
            s,
            InetSocket {
                proto: Proto::Tcp,
                state: TcpState::Listen,
                local: "127.0.0.1:8080".parse().unwrap(),
                remote: SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0),
                interface: 0,
                inode: 7863633,
                uid: 0,
                recv_queue: 0,
                send_queue: 128,
                v6only: None,
            }
        );
        assert!(s.is_listening());
        assert_eq!(s.family(), Family::V4);
        assert_eq!(parse_error(0, &msgs[1].1, true).unwrap(), None);
    }

    #[test]
    fn a_captured_ipv6_only_udp_socket_is_decoded() {
        let msgs = messages(&hex(UDP6_UNCONN));
        let s = decode(Proto::Udp, &msgs[0].1).unwrap();
        assert_eq!(s.local, SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), 5353));
        assert_eq!((s.state, s.state.ss_name(), s.inode, s.v6only), (TcpState::Close, "UNCONN", 7863634, Some(true)));
        assert!(s.is_listening());
        assert_eq!(s.family(), Family::V6);
        // The same message read as TCP is a closed TCP socket, not a listener.
        assert!(!decode(Proto::Tcp, &msgs[0].1).unwrap().is_listening());
    }

    #[test]
    fn a_short_reply_is_an_error_naming_it() {
        let msgs = messages(&hex(TCP4_LISTEN));
        let e = decode(Proto::Tcp, &msgs[0].1[..40]).unwrap_err();
        assert_eq!(e.to_string(), "netlink: truncated inet_diag_msg");
        // Attributes cut short lose only the attribute.
        let msgs = messages(&hex(UDP6_UNCONN));
        assert_eq!(decode(Proto::Udp, &msgs[0].1[..INET_DIAG_MSG_LEN + 2]).unwrap().v6only, None);
    }

    #[test]
    fn requests_are_inet_diag_req_v2() {
        let r = request(Family::V6, Proto::Udp, States::of(&[TcpState::Close]));
        assert_eq!(r.len(), 56);
        assert_eq!(&r[..8], &[10, 17, 0, 0, 0x80, 0, 0, 0]);
        assert!(r[8..].iter().all(|&b| b == 0));
        let r = request(Family::V4, Proto::Tcp, States::of(&[TcpState::Listen, TcpState::Established]));
        assert_eq!(&r[..8], &[2, 6, 0, 0, 0x02, 0x04, 0, 0]);
    }

    #[test]
    fn states_round_trip() {
        for code in 0..=40u8 {
            assert_eq!(TcpState::from_code(code).code(), code);
        }
        let set = States::of(&[TcpState::Listen, TcpState::Other(200)]);
        assert!(set.contains(TcpState::Listen) && !set.contains(TcpState::Close));
        assert!(!set.contains(TcpState::Other(200)) && States::ALL.contains(TcpState::Close));
    }

    #[test]
    fn lists_its_own_listener() {
        // No privilege needed: a listener of this process, in the test's
        // own namespace, is listed with the inode its descriptor shows.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let inode = {
            use std::os::fd::AsRawFd;
            let link = std::fs::read_link(format!("/proc/self/fd/{}", listener.as_raw_fd())).unwrap();
            let link = link.to_string_lossy().into_owned();
            link.strip_prefix("socket:[").and_then(|l| l.strip_suffix(']')).unwrap().parse::<u64>().unwrap()
        };
        let mut diag = SockDiag::open().unwrap();
        let mut filter = SocketFilter::listening(Proto::Tcp);
        filter.family = Some(Family::V4);
        let list = diag.inet_sockets(&filter).unwrap();
        let mine = list.sockets.iter().find(|s| s.local.port() == port).expect("the listener is listed");
        assert_eq!((mine.inode, mine.state, mine.uid), (inode, TcpState::Listen, nix::unistd::geteuid().as_raw()));
        // A limit keeps that many and counts the rest.
        filter.limit = 0;
        let none = diag.inet_sockets(&filter).unwrap();
        assert!(none.sockets.is_empty() && none.omitted >= 1, "{none:?}");
        assert!(diag.count(&filter).unwrap() >= 1);
    }
}
