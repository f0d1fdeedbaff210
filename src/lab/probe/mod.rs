//! The reachability probe engine: ICMP echo, TCP connect and UDP
//! request/answer probes from inside network namespaces, plus traceroute
//! style paths, all run at once.
//!
//! It needs no `ping`, `nc` or `traceroute` in the namespaces: it uses its
//! own sockets. A socket belongs to the namespace it was created in, so
//! [`run_all`] groups the probes by source namespace and, on one or two
//! short-lived threads, enters each namespace once and creates that
//! namespace's sockets there (one raw ICMP socket per address family, one
//! socket per TCP or UDP probe). The calling thread never changes
//! namespace. It then drives every socket of every probe from a single
//! `poll` loop, so a thousand probes cost about as much time as one: the
//! reachable ones finish as soon as their answers are in, the others all
//! wait for the same single timeout.
//!
//! ```no_run
//! use netns::lab::probe::{Opts, Probe, run_all};
//! use netns::lab::model::Proto;
//! let probes = [Probe::new("/run/netns/lab-h1", "10.0.3.10".parse().unwrap(), Proto::Icmp).with_path()];
//! for o in run_all(&probes, &Opts::default()) {
//!     println!("{} {:?} {:?} {}", o.reached, o.rtt_ms, o.hops, o.detail);
//! }
//! ```
//!
//! Needs `CAP_SYS_ADMIN` (to enter namespaces) and `CAP_NET_RAW` (raw ICMP
//! sockets).
//!
//! Limits worth knowing:
//! - Paths are traced with ICMP echoes whatever the probe's protocol, up to
//!   [`MAX_TTL`] hops; probes from one namespace to one destination share
//!   one trace.
//! - Routers rate-limit their ICMP errors per destination host (Linux: a
//!   burst of about six, then one a second; `unreachable` routes fewer).
//!   Many paths or unreachable answers from one host through one router
//!   can then lose hops or end as "timeout" instead of "host unreachable".
//!   Labs should set `net.ipv4.icmp_ratelimit = 0` and
//!   `net.ipv6.icmp.ratelimit = 0` in their routers.
//! - IPv6 link-local destinations (`fe80::/10`) need an interface and are
//!   not supported.

mod icmp;
mod path;
mod tcp;
mod udp;

pub use path::MAX_TTL;

use super::error::NsError;
use super::model::Proto;
use crate::namespace::NetNs;
use icmp::{Answer, Failure, Tag};
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sched::CloneFlags;
use nix::sys::socket::{
    self, AddressFamily, ControlMessageOwned, MsgFlags, SockFlag, SockProtocol, SockType, SockaddrIn, SockaddrIn6,
    SockaddrStorage, sockopt,
};
use nix::sys::time::TimeSpec;
use std::collections::HashMap;
use std::io::IoSliceMut;
use std::net::{IpAddr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

/// One reachability question: from a namespace, can `dst` be reached with
/// `proto`?
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The source namespace's file: `/run/netns/NAME`, `/proc/PID/ns/net`,
    /// or `/proc/self/fd/N` for a descriptor this process holds.
    pub src_ns: PathBuf,
    /// Destination address.
    pub dst: IpAddr,
    /// ICMP echo, TCP connect or UDP datagram.
    pub proto: Proto,
    /// Also trace the path (hop-limited ICMP echoes, whatever `proto` is).
    pub want_path: bool,
    /// Hop limit of the probe's packets ([`DEFAULT_TTL`] unless set).
    pub ttl: u8,
}

/// The hop limit of probe packets unless a probe sets one: the highest, so
/// that a long path is never mistaken for a broken one.
pub const DEFAULT_TTL: u8 = 255;

impl Probe {
    /// A probe from `src_ns` to `dst`, without path.
    pub fn new(src_ns: impl Into<PathBuf>, dst: IpAddr, proto: Proto) -> Probe {
        Probe { src_ns: src_ns.into(), dst, proto, want_path: false, ttl: DEFAULT_TTL }
    }

    /// The same probe, its packets sent with hop limit `ttl` (1 to 255).
    pub fn with_ttl(mut self, ttl: u8) -> Probe {
        self.ttl = ttl.max(1);
        self
    }

    /// The same probe, tracing the path too.
    pub fn with_path(mut self) -> Probe {
        self.want_path = true;
        self
    }
}

/// What one probe found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// ICMP: an echo reply came from the destination. TCP: the connection
    /// was established. UDP: a datagram came back.
    pub reached: bool,
    /// Best round trip of the answers, in milliseconds (ICMP: the fastest
    /// echo; TCP: the handshake; UDP: the answer).
    pub rtt_ms: Option<f64>,
    /// With [`Probe::want_path`]: the routers that answered "time exceeded"
    /// (and a router that answered "unreachable"), in hop order, without
    /// the destination. Silent routers are missing.
    pub hops: Vec<IpAddr>,
    /// In words: `reply from 10.0.0.2`, `timeout`, `connection refused`,
    /// `network unreachable`, `port unreachable (from 10.0.0.2)`, …
    pub detail: String,
    /// False when the probe could not be made at all (the namespace could
    /// not be opened or entered, no socket): `detail` says why, and
    /// `reached == false` then means nothing about the network.
    pub ran: bool,
    /// From the start of the run until the probe had its answer (or its
    /// definite failure); the whole run for a probe that timed out.
    pub took: Duration,
}

/// How probes are run.
///
/// A probe sends one echo (or datagram, or round of hop-limited echoes)
/// and is done as soon as it is answered. While it is not, it sends again
/// after `first_retry`, then at intervals that double up to `max_retry`,
/// until the timeout: a first echo lost while the neighbour (ARP/ND)
/// entry was being resolved does not fail a reachable target.
#[derive(Debug, Clone, PartialEq)]
pub struct Opts {
    /// How long the run waits for answers, from its start.
    pub timeout: Duration,
    /// Time between the first packet of a probe and its first resend.
    pub first_retry: Duration,
    /// Longest time between two resends.
    pub max_retry: Duration,
}

impl Default for Opts {
    fn default() -> Opts {
        Opts {
            timeout: Duration::from_secs(1),
            first_retry: Duration::from_millis(20),
            max_retry: Duration::from_millis(200),
        }
    }
}

impl Opts {
    /// The wait before resend number `n` (0: the first resend).
    fn retry_gap(&self, n: u32) -> Duration {
        self.first_retry.saturating_mul(1u32 << n.min(16)).min(self.max_retry.max(self.first_retry))
    }
}

/// Run every probe at once and return their outcomes, in the same order.
///
/// The whole run lasts at most `timeout`, plus the time to create the
/// sockets; it ends as soon as every probe has its answer. A source namespace that cannot be opened or entered fails its
/// probes with a detail that says why; it never stops the others.
///
/// Every probe's socket is open during the run. When they do not all fit
/// under the open-files limit, the source namespaces are taken in windows
/// that do, one run after the other.
pub fn run_all(probes: &[Probe], opts: &Opts) -> Vec<Outcome> {
    if probes.is_empty() {
        return Vec::new();
    }
    let groups = group_by_namespace(probes);
    // Sockets of one group: one raw ICMP socket per family, one per TCP or
    // UDP probe.
    let cost = |g: &Group| {
        let icmp4 = g.probes.iter().any(|&i| uses_icmp(&probes[i]) && probes[i].dst.is_ipv4());
        let icmp6 = g.probes.iter().any(|&i| uses_icmp(&probes[i]) && probes[i].dst.is_ipv6());
        usize::from(icmp4) + usize::from(icmp6) + g.probes.iter().filter(|&&i| probes[i].proto != Proto::Icmp).count()
    };
    let total: usize = groups.iter().map(cost).sum();
    raise_fd_limit(total + 64);
    let spare = crate::sys::spare_fds().max(8);
    if total <= spare {
        return run_window(probes, opts);
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; probes.len()];
    let mut window: Vec<usize> = Vec::new();
    let mut used = 0;
    let flush = |window: &mut Vec<usize>, outcomes: &mut Vec<Option<Outcome>>| {
        window.sort_unstable();
        let part: Vec<Probe> = window.iter().map(|&i| probes[i].clone()).collect();
        for (&i, o) in window.iter().zip(run_window(&part, opts)) {
            outcomes[i] = Some(o);
        }
        window.clear();
    };
    for g in &groups {
        let c = cost(g);
        if !window.is_empty() && used + c > spare {
            flush(&mut window, &mut outcomes);
            used = 0;
        }
        window.extend(&g.probes);
        used += c;
    }
    if !window.is_empty() {
        flush(&mut window, &mut outcomes);
    }
    outcomes.into_iter().map(|o| o.expect("every probe is in a window")).collect()
}

/// [`run_all`] for probes whose sockets fit under the open-files limit.
fn run_window(probes: &[Probe], opts: &Opts) -> Vec<Outcome> {
    let groups = group_by_namespace(probes);
    let made = open_sockets(probes, &groups);
    let mut engine = Engine::new(probes, opts, &groups, made);
    engine.run();
    engine.outcomes()
}

// ---- namespaces and sockets -------------------------------------------------

/// The probes that start from one namespace file.
struct Group {
    path: PathBuf,
    probes: Vec<usize>,
}

fn group_by_namespace(probes: &[Probe]) -> Vec<Group> {
    let mut index: HashMap<&PathBuf, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for (i, p) in probes.iter().enumerate() {
        let g = *index.entry(&p.src_ns).or_insert_with(|| {
            groups.push(Group { path: p.src_ns.clone(), probes: Vec::new() });
            groups.len() - 1
        });
        groups[g].probes.push(i);
    }
    groups
}

/// The sockets made inside one namespace.
#[derive(Default)]
struct NsSockets {
    /// Raw ICMP socket, when a probe of the group needs one.
    icmp4: Option<Result<OwnedFd, Errno>>,
    /// Raw ICMPv6 socket, when a probe of the group needs one.
    icmp6: Option<Result<OwnedFd, Errno>>,
    /// (probe index, its TCP or UDP socket).
    conns: Vec<(usize, Result<OwnedFd, Errno>)>,
}

/// Does the probe send ICMP echoes (for itself or for its path)?
fn uses_icmp(p: &Probe) -> bool {
    p.proto == Proto::Icmp || p.want_path
}

/// Enter every group's namespace once, on at most two threads, and make its
/// sockets there. Errors are per group: the namespace file could not be
/// opened or entered.
fn open_sockets(probes: &[Probe], groups: &[Group]) -> Vec<Result<NsSockets, NsError>> {
    // A namespace's file is open only while its sockets are made.
    let open = |g: &Group| NetNs::open_path(&g.path).map_err(|source| NsError::Open { path: g.path.clone(), source });
    // Each thread moves from namespace to namespace and is never moved
    // back: it ends when its share is done (see super::parallel).
    crate::shared::parallel::run(crate::shared::parallel::shares(groups, 2), |share: &[Group]| {
        share
            .iter()
            .map(|g| match open(g) {
                Err(e) => Err(e),
                Ok(ns) => match nix::sched::setns(ns.as_fd(), CloneFlags::CLONE_NEWNET) {
                    Ok(()) => Ok(make_sockets(probes, g)),
                    Err(e) => Err(NsError::Enter { path: g.path.clone(), source: e.into() }),
                },
            })
            .collect()
    })
}

/// Make one group's sockets; the calling thread is inside its namespace.
fn make_sockets(probes: &[Probe], group: &Group) -> NsSockets {
    let mut s = NsSockets::default();
    for &i in &group.probes {
        let p = &probes[i];
        let v6 = p.dst.is_ipv6();
        if uses_icmp(p) {
            let slot = if v6 { &mut s.icmp6 } else { &mut s.icmp4 };
            if slot.is_none() {
                *slot = Some(icmp_socket(v6));
            }
        }
        match p.proto {
            Proto::Icmp => {}
            Proto::Tcp(_) => s.conns.push((i, tcp::socket(v6).and_then(|fd| set_ttl(&fd, v6, p.ttl).map(|()| fd)))),
            Proto::Udp(_) => s.conns.push((i, udp::socket(v6).and_then(|fd| set_ttl(&fd, v6, p.ttl).map(|()| fd)))),
        }
    }
    s
}

/// `setsockopt(SOL_RAW, ICMP_FILTER)`: a bit mask of ICMP types (< 32) the
/// socket does not want.
const ICMP_FILTER: libc::c_int = 1;
/// `setsockopt(IPPROTO_ICMPV6, ICMPV6_FILTER)`: 256 bits, one per type, set
/// for the types the socket does not want.
const ICMPV6_FILTER: libc::c_int = 1;
const SOL_RAW: libc::c_int = 255;

/// A raw ICMP or ICMPv6 socket in the calling thread's namespace, filtered
/// down to echo replies and the errors about echoes, with kernel receive
/// timestamps and a receive buffer large enough for a burst of a thousand
/// replies.
fn icmp_socket(v6: bool) -> Result<OwnedFd, Errno> {
    let (family, proto) =
        if v6 { (AddressFamily::Inet6, SockProtocol::IcmpV6) } else { (AddressFamily::Inet, SockProtocol::Icmp) };
    let fd = socket::socket(family, SockType::Raw, SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC, proto)?;
    // The filter only saves work: a socket without it still works, so a
    // failure to set it is not an error.
    if v6 {
        let mut blocked = [u32::MAX; 8];
        for t in icmp::WANTED_V6 {
            blocked[usize::from(t >> 5)] &= !(1u32 << (t & 31));
        }
        // SAFETY: a valid socket, a pointer to 32 readable bytes and their length.
        unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::IPPROTO_ICMPV6,
                ICMPV6_FILTER,
                blocked.as_ptr().cast(),
                std::mem::size_of_val(&blocked) as libc::socklen_t,
            )
        };
    } else {
        let blocked: u32 = !icmp::WANTED_V4.iter().fold(0u32, |m, t| m | 1 << t);
        // SAFETY: a valid socket, a pointer to a readable u32 and its length.
        unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                SOL_RAW,
                ICMP_FILTER,
                (&blocked as *const u32).cast(),
                std::mem::size_of::<u32>() as libc::socklen_t,
            )
        };
    }
    // 4 MiB: a thousand replies arriving while the loop is still sending.
    // FORCE needs CAP_NET_ADMIN; without it the plain option is capped.
    if socket::setsockopt(&fd, sockopt::RcvBufForce, &(4 << 20)).is_err() {
        let _ = socket::setsockopt(&fd, sockopt::RcvBuf, &(4 << 20));
    }
    let _ = socket::setsockopt(&fd, sockopt::ReceiveTimestampns, &true);
    set_ttl(&fd, v6, DEFAULT_TTL)?;
    Ok(fd)
}

/// Set the hop limit of the unicast packets a socket sends.
fn set_ttl(fd: &OwnedFd, v6: bool, ttl: u8) -> Result<(), Errno> {
    let ttl = libc::c_int::from(ttl);
    if v6 { socket::setsockopt(fd, sockopt::Ipv6Ttl, &ttl) } else { socket::setsockopt(fd, sockopt::Ipv4Ttl, &ttl) }
}

/// A thousand TCP probes need a thousand descriptors: raise the soft limit
/// towards the hard one when `need` is above it.
fn raise_fd_limit(need: usize) {
    let need = need as libc::rlim_t;
    if crate::sys::nofile_limit().is_some_and(|lim| lim.rlim_cur < need) {
        crate::sys::raise_nofile(need.saturating_mul(2));
    }
}

// ---- the poll loop ----------------------------------------------------------

/// Sequence numbers of hop-limited (path) echoes have this bit set; the
/// low byte is the hop limit. Plain echoes are numbered from 0.
const PATH_SEQ: u16 = 0x8000;

/// When a packet left: the monotonic clock for the fallback, the real-time
/// clock to compare with the kernel's receive timestamp.
#[derive(Debug, Clone, Copy)]
struct Sent {
    mono: Instant,
    real: SystemTime,
}

impl Sent {
    fn now() -> Sent {
        Sent { mono: Instant::now(), real: SystemTime::now() }
    }

    /// Round trip to an answer received at `rx` (kernel timestamp), or now.
    fn rtt(&self, rx: Option<SystemTime>) -> Duration {
        rx.and_then(|rx| rx.duration_since(self.real).ok()).unwrap_or_else(|| self.mono.elapsed())
    }
}

/// A raw ICMP socket shared by the probes of one namespace and family.
struct RawIcmp {
    fd: OwnedFd,
    v6: bool,
}

/// The state of one probe.
#[derive(Default)]
struct Track {
    /// Index into `Engine::icmp` of the socket its echoes use.
    icmp: Option<usize>,
    /// Its TCP or UDP socket (closed as soon as it has its answer).
    conn: Option<OwnedFd>,
    /// Echo id: distinct per probe so conntrack sees distinct flows.
    id: u16,
    /// Plain echoes (or UDP datagrams) sent, `None` where a send failed.
    sent: Vec<Option<Sent>>,
    /// Which plain echoes were answered.
    answered: Vec<bool>,
    /// When the next plain echo or datagram is due.
    next: Option<Instant>,
    /// When the TCP connect started.
    started: Option<Sent>,
    /// Best round trip so far.
    best: Option<Duration>,
    reached: bool,
    /// The probe's answer in words, once it is definite.
    verdict: Option<String>,
    /// Path probes: the probe whose hop-limited echoes trace this one's
    /// path: itself, or an earlier probe from the same namespace to the
    /// same destination (routers limit the rate of their ICMP errors, so
    /// one path is traced once).
    path_by: Option<usize>,
    /// On the tracing probe: what its hop-limited echoes found.
    trace: Option<path::Trace>,
    /// On the tracing probe: rounds of hop-limited echoes sent so far.
    path_rounds: u32,
    /// On the tracing probe: when the next round is due.
    path_next: Option<Instant>,
    /// No path will come: the echoes could not be sent.
    trace_dead: bool,
    /// The probe could not be made (see [`Outcome::ran`]).
    broken: bool,
    /// When nothing more could change its outcome.
    done: Option<Instant>,
}

impl Track {
    fn note_rtt(&mut self, rtt: Duration) {
        self.best = Some(self.best.map_or(rtt, |b| b.min(rtt)));
    }
}

/// Which socket a poll entry is.
#[derive(Clone, Copy)]
enum Target {
    Icmp(usize),
    Conn(usize),
}

struct Engine<'a> {
    probes: &'a [Probe],
    opts: Opts,
    token: u64,
    icmp: Vec<RawIcmp>,
    tracks: Vec<Track>,
    begin: Instant,
    end: Instant,
    /// Sends since the ICMP sockets were last drained.
    burst: u32,
}

/// Drain the ICMP sockets after this many sends in a row, so replies to a
/// long burst are timed when they arrive, not when the burst ends.
const DRAIN_EVERY: u32 = 64;

impl<'a> Engine<'a> {
    fn new(probes: &'a [Probe], opts: &Opts, groups: &[Group], made: Vec<Result<NsSockets, NsError>>) -> Engine<'a> {
        let token = random_u64();
        let base = (token >> 48) as u16;
        let mut tracks: Vec<Track> =
            (0..probes.len()).map(|i| Track { id: base.wrapping_add(i as u16), ..Track::default() }).collect();
        let mut icmp = Vec::new();
        for (g, made) in groups.iter().zip(made) {
            let mut s = match made {
                Ok(s) => s,
                Err(e) => {
                    let verdict = e.to_string();
                    for &i in &g.probes {
                        tracks[i].verdict = Some(verdict.clone());
                        tracks[i].broken = true;
                        tracks[i].trace_dead = true;
                    }
                    continue;
                }
            };
            let mut slots = [None, None];
            for (v6, sock) in [(false, s.icmp4.take()), (true, s.icmp6.take())] {
                match sock {
                    Some(Ok(fd)) => {
                        icmp.push(RawIcmp { fd, v6 });
                        slots[usize::from(v6)] = Some(Ok(icmp.len() - 1));
                    }
                    Some(Err(e)) => slots[usize::from(v6)] = Some(Err(e)),
                    None => {}
                }
            }
            for &i in &g.probes {
                let p = &probes[i];
                if uses_icmp(p) {
                    match slots[usize::from(p.dst.is_ipv6())] {
                        Some(Ok(k)) => tracks[i].icmp = Some(k),
                        Some(Err(e)) => {
                            tracks[i].trace_dead = true;
                            if p.proto == Proto::Icmp {
                                tracks[i].verdict = Some(format!("cannot open a raw ICMP socket: {}", e.desc()));
                                tracks[i].broken = true;
                            }
                        }
                        None => unreachable!("make_sockets opens one for every probe that uses ICMP"),
                    }
                }
            }
            for (i, fd) in s.conns {
                match fd {
                    Ok(fd) => tracks[i].conn = Some(fd),
                    Err(e) => {
                        tracks[i].verdict = Some(format!("cannot open a socket: {}", e.desc()));
                        tracks[i].broken = true;
                    }
                }
            }
        }
        let mut tracers: HashMap<(usize, IpAddr), usize> = HashMap::new();
        for (i, p) in probes.iter().enumerate() {
            if let Some(k) = tracks[i].icmp
                && p.want_path
                && !tracks[i].trace_dead
            {
                let by = *tracers.entry((k, p.dst)).or_insert(i);
                tracks[i].path_by = Some(by);
                if by == i {
                    tracks[i].trace = Some(path::Trace::default());
                }
            }
        }
        let begin = Instant::now();
        let end = begin + opts.timeout;
        Engine { probes, opts: opts.clone(), token, icmp, tracks, begin, end, burst: 0 }
    }

    fn run(&mut self) {
        self.start();
        // Plain echoes first, then the hop-limited ones: a router that
        // refuses a destination answers each of those with an error, and
        // may use up its error budget before our plain echo arrives.
        self.send_due(Instant::now());
        let now = Instant::now();
        for t in &mut self.tracks {
            if t.trace.is_some() {
                t.path_next = Some(now);
            }
        }
        let mut left = self.tracks.len();
        loop {
            let now = Instant::now();
            self.send_due(now);
            for i in 0..self.tracks.len() {
                if self.tracks[i].done.is_none() && self.finished(i) {
                    self.tracks[i].done = Some(now);
                    left -= 1;
                }
            }
            if now >= self.end || left == 0 {
                return;
            }
            let wake = self.tracks.iter().flat_map(|t| [t.next, t.path_next]).flatten().fold(self.end, Instant::min);
            let wait = wake.saturating_duration_since(Instant::now());
            // Round up: waking a little early would only spin.
            let ms = wait.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
            self.poll_once(PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX));
        }
    }

    /// Every probe starts: TCP connects, UDP sockets connect, hop-limited
    /// echoes leave, plain echoes and datagrams are due now.
    fn start(&mut self) {
        let now = Instant::now();
        for i in 0..self.tracks.len() {
            let p = &self.probes[i];
            if self.tracks[i].verdict.is_some() {
                continue;
            }
            match p.proto {
                Proto::Icmp => self.tracks[i].next = self.tracks[i].icmp.map(|_| now),
                Proto::Tcp(port) => {
                    let t = &mut self.tracks[i];
                    let fd = t.conn.as_ref().expect("a TCP probe without verdict has its socket");
                    t.started = Some(Sent::now());
                    match tcp::start(fd, SocketAddr::new(p.dst, port)) {
                        Ok(false) => {}
                        Ok(true) => self.connected(i),
                        Err(e) => self.conn_failed(i, e),
                    }
                }
                Proto::Udp(port) => {
                    let t = &mut self.tracks[i];
                    let fd = t.conn.as_ref().expect("a UDP probe without verdict has its socket");
                    match udp::start(fd, SocketAddr::new(p.dst, port)) {
                        Ok(()) => t.next = Some(now),
                        Err(e) => self.conn_failed(i, e),
                    }
                }
            }
        }
    }

    /// Send a round of hop-limited echoes of tracing probe `i`: every hop
    /// limit that has no answer yet (all of 1..=MAX_TTL the first time).
    fn send_path(&mut self, i: usize) {
        let Some(k) = self.tracks[i].icmp else { return };
        let Some(trace) = &self.tracks[i].trace else { return };
        let missing = trace.missing();
        let dst = self.probes[i].dst;
        let fd = &self.icmp[k].fd;
        let v6 = self.icmp[k].v6;
        let mut any = false;
        for ttl in missing {
            let hop = libc::c_int::from(ttl);
            let set = if v6 {
                socket::setsockopt(fd, sockopt::Ipv6Ttl, &hop)
            } else {
                socket::setsockopt(fd, sockopt::Ipv4Ttl, &hop)
            };
            if set.is_err() {
                break;
            }
            let tag = Tag { token: self.token, probe: i as u32, seq: PATH_SEQ | u16::from(ttl) };
            any |= send_echo(fd, v6, self.tracks[i].id, tag, dst).is_ok();
        }
        // Back to the socket's hop limit for plain echoes.
        let _ = set_ttl(fd, v6, DEFAULT_TTL);
        let gap = self.opts.retry_gap(self.tracks[i].path_rounds);
        let t = &mut self.tracks[i];
        t.path_rounds += 1;
        if !any && t.path_rounds == 1 {
            t.trace_dead = true;
        }
        t.path_next = (!t.trace_dead).then(|| Instant::now() + gap);
        self.bump_burst();
    }

    /// Send the plain echoes, UDP datagrams and rounds of hop-limited
    /// echoes that are due.
    fn send_due(&mut self, now: Instant) {
        for i in 0..self.tracks.len() {
            let t = &self.tracks[i];
            if t.path_next.is_some_and(|n| n <= now) {
                if t.trace.as_ref().is_some_and(|tr| !tr.complete()) {
                    self.send_path(i);
                } else {
                    // Nothing left to trace; a stale due time would make
                    // the loop poll without waiting.
                    self.tracks[i].path_next = None;
                }
            }
            let t = &mut self.tracks[i];
            if t.verdict.is_some() || t.reached {
                t.next = None;
            }
            let due = t.next.is_some_and(|n| n <= now);
            if !due {
                continue;
            }
            let seq = self.tracks[i].sent.len() as u32;
            let result = match self.probes[i].proto {
                Proto::Icmp => {
                    let k = self.tracks[i].icmp.expect("an ICMP probe is only due with its socket");
                    // Sequence numbers of plain echoes stay below PATH_SEQ.
                    let tag = Tag { token: self.token, probe: i as u32, seq: (seq as u16) & !PATH_SEQ };
                    let (fd, v6, ttl) = (&self.icmp[k].fd, self.icmp[k].v6, self.probes[i].ttl);
                    if ttl != DEFAULT_TTL {
                        let _ = set_ttl(fd, v6, ttl);
                    }
                    let at = Sent::now();
                    let r = send_echo(fd, v6, self.tracks[i].id, tag, self.probes[i].dst).map(|()| at);
                    if ttl != DEFAULT_TTL {
                        let _ = set_ttl(fd, v6, DEFAULT_TTL);
                    }
                    r
                }
                _ => {
                    let at = Sent::now();
                    udp::send(self.tracks[i].conn.as_ref().expect("a due UDP probe has its socket")).map(|()| at)
                }
            };
            let t = &mut self.tracks[i];
            match result {
                Ok(at) => t.sent.push(Some(at)),
                // The queue is full for now: this echo is lost, the next may pass.
                Err(Errno::EAGAIN | Errno::ENOBUFS) => t.sent.push(None),
                Err(e) => {
                    t.sent.push(None);
                    if !t.reached {
                        t.verdict = Some(errno_text(e, self.probes[i].proto));
                    }
                }
            }
            t.answered.push(false);
            let gap = self.opts.retry_gap(seq);
            let t = &mut self.tracks[i];
            t.next = t.verdict.is_none().then(|| now + gap);
            self.bump_burst();
        }
    }

    fn bump_burst(&mut self) {
        self.burst += 1;
        if self.burst >= DRAIN_EVERY {
            for k in 0..self.icmp.len() {
                self.drain(k);
            }
        }
    }

    /// Is probe `i` done (nothing more can change its outcome but time)?
    fn finished(&self, i: usize) -> bool {
        let t = &self.tracks[i];
        let main = match self.probes[i].proto {
            Proto::Icmp => t.verdict.is_some() || t.reached,
            _ => t.verdict.is_some(),
        };
        let path = match t.path_by {
            None => true,
            Some(by) => {
                let by = &self.tracks[by];
                by.trace_dead || by.trace.as_ref().is_some_and(|tr| tr.complete())
            }
        };
        main && path
    }

    fn poll_once(&mut self, timeout: PollTimeout) {
        let mut targets = Vec::new();
        let mut fds = Vec::new();
        for (k, s) in self.icmp.iter().enumerate() {
            targets.push(Target::Icmp(k));
            fds.push(PollFd::new(s.fd.as_fd(), PollFlags::POLLIN));
        }
        for (i, t) in self.tracks.iter().enumerate() {
            if let Some(fd) = &t.conn
                && t.verdict.is_none()
            {
                let ev = match self.probes[i].proto {
                    Proto::Tcp(_) => PollFlags::POLLOUT,
                    _ => PollFlags::POLLIN,
                };
                targets.push(Target::Conn(i));
                fds.push(PollFd::new(fd.as_fd(), ev));
            }
        }
        match nix::poll::poll(&mut fds, timeout) {
            Ok(0) | Err(Errno::EINTR) => return,
            Ok(_) => {}
            Err(e) => {
                // Cannot happen with valid descriptors; do not spin on it.
                for t in self.tracks.iter_mut().filter(|t| t.verdict.is_none() && !t.reached) {
                    t.verdict = Some(format!("poll failed: {}", e.desc()));
                    t.broken = true;
                }
                self.end = Instant::now();
                return;
            }
        }
        let ready: Vec<Target> = targets
            .into_iter()
            .zip(&fds)
            .filter(|(_, f)| f.revents().is_some_and(|r| !r.is_empty()))
            .map(|(t, _)| t)
            .collect();
        drop(fds);
        for t in ready {
            match t {
                Target::Icmp(k) => self.drain(k),
                Target::Conn(i) => self.conn_event(i),
            }
        }
    }

    /// Read everything waiting on ICMP socket `k` and hand each answer to
    /// its probe.
    fn drain(&mut self, k: usize) {
        self.burst = 0;
        let mut buf = [0u8; 2048];
        loop {
            let mut cmsg = nix::cmsg_space!(TimeSpec);
            let (len, from, rx) = {
                let mut iov = [IoSliceMut::new(&mut buf)];
                let msg = match socket::recvmsg::<SockaddrStorage>(
                    self.icmp[k].fd.as_raw_fd(),
                    &mut iov,
                    Some(&mut cmsg),
                    MsgFlags::MSG_DONTWAIT,
                ) {
                    Ok(m) => m,
                    Err(Errno::EINTR) => continue,
                    Err(_) => return,
                };
                let rx = msg.cmsgs().ok().and_then(|mut c| {
                    c.find_map(|c| match c {
                        ControlMessageOwned::ScmTimestampns(ts) => {
                            Some(SystemTime::UNIX_EPOCH + Duration::new(ts.tv_sec() as u64, ts.tv_nsec() as u32))
                        }
                        _ => None,
                    })
                });
                let from = msg.address.and_then(|a| a.as_sockaddr_in6().map(|a| a.ip()));
                (msg.bytes, from, rx)
            };
            let answer = if self.icmp[k].v6 {
                from.and_then(|f| icmp::parse_v6(&buf[..len], f, self.token))
            } else {
                icmp::parse_v4(&buf[..len], self.token)
            };
            if let Some(a) = answer {
                self.answer(k, a, rx);
            }
        }
    }

    /// One of our echoes was answered on socket `k`.
    fn answer(&mut self, k: usize, a: Answer, rx: Option<SystemTime>) {
        let (tag, from) = match &a {
            Answer::Reply { tag, from } | Answer::Error { tag, from, .. } => (*tag, *from),
        };
        let i = tag.probe as usize;
        let Some(t) = self.tracks.get_mut(i) else { return };
        let p = &self.probes[i];
        let about = match &a {
            Answer::Reply { from, .. } => *from,
            Answer::Error { to, .. } => *to,
        };
        if t.icmp != Some(k) || about != p.dst {
            return;
        }
        if tag.seq & PATH_SEQ != 0 {
            let ttl = (tag.seq & 0xff) as u8;
            let Some(trace) = t.trace.as_mut() else { return };
            match &a {
                // Round trips come from the plain echoes only: a hop-limited
                // echo may have been sent in any round.
                Answer::Reply { .. } => trace.stopped(ttl, from),
                Answer::Error { why: Failure::TimeExceeded, .. } => trace.time_exceeded(ttl, from),
                Answer::Error { why: Failure::Unreachable(_), .. } => trace.stopped(ttl, from),
            }
            return;
        }
        if p.proto != Proto::Icmp {
            return;
        }
        let n = usize::from(tag.seq);
        let Some(Some(at)) = t.sent.get(n).copied() else { return };
        let ttl = p.ttl;
        match a {
            Answer::Reply { .. } => {
                if !t.answered[n] {
                    t.answered[n] = true;
                    t.reached = true;
                    t.note_rtt(at.rtt(rx));
                }
            }
            Answer::Error { why, .. } if !t.reached && t.verdict.is_none() => {
                t.verdict = Some(match why {
                    Failure::TimeExceeded => time_exceeded_text(from, ttl),
                    Failure::Unreachable(what) => format!("{what} (from {from})"),
                });
                t.next = None;
            }
            Answer::Error { .. } => {}
        }
    }

    /// Poll reported the TCP or UDP socket of probe `i`.
    fn conn_event(&mut self, i: usize) {
        let Some(fd) = self.tracks[i].conn.as_ref() else { return };
        match self.probes[i].proto {
            Proto::Tcp(_) => match tcp::result(fd) {
                Ok(()) => self.connected(i),
                Err(e) => self.conn_failed(i, e),
            },
            Proto::Udp(port) => match udp::receive(fd) {
                Ok(false) => {}
                Ok(true) => {
                    let t = &mut self.tracks[i];
                    if let Some(Some(at)) = t.sent.iter().rev().find(|s| s.is_some()) {
                        let rtt = at.mono.elapsed();
                        t.note_rtt(rtt);
                    }
                    t.reached = true;
                    t.verdict = Some(format!("answer from {}", SocketAddr::new(self.probes[i].dst, port)));
                    t.next = None;
                    t.conn = None;
                }
                Err(e) => self.conn_failed(i, e),
            },
            Proto::Icmp => {}
        }
    }

    /// The TCP handshake of probe `i` completed; close at once (an
    /// orderly close, so the server sees a normal connection).
    fn connected(&mut self, i: usize) {
        let Proto::Tcp(port) = self.probes[i].proto else { return };
        let t = &mut self.tracks[i];
        if let Some(at) = t.started {
            let rtt = at.mono.elapsed();
            t.note_rtt(rtt);
        }
        t.reached = true;
        t.verdict = Some(format!("connected to {}", SocketAddr::new(self.probes[i].dst, port)));
        t.conn = None;
    }

    fn conn_failed(&mut self, i: usize, e: Errno) {
        let t = &mut self.tracks[i];
        t.verdict = Some(errno_text(e, self.probes[i].proto));
        t.next = None;
        t.conn = None;
    }

    fn outcomes(self) -> Vec<Outcome> {
        let tracks = &self.tracks;
        let end = Instant::now();
        tracks
            .iter()
            .zip(self.probes)
            .map(|(t, p)| {
                let detail = match (&t.verdict, p.proto) {
                    (Some(v), _) if !(t.reached && p.proto == Proto::Icmp) => v.clone(),
                    (_, Proto::Icmp) if t.reached => format!("reply from {}", p.dst),
                    (_, Proto::Udp(_)) => "no answer".to_string(),
                    _ => "timeout".to_string(),
                };
                Outcome {
                    ran: !t.broken,
                    reached: t.reached,
                    rtt_ms: t.best.map(|d| d.as_secs_f64() * 1000.0),
                    hops: t
                        .path_by
                        .and_then(|by| tracks[by].trace.as_ref())
                        .map(|tr| tr.hops(p.dst))
                        .unwrap_or_default(),
                    detail,
                    took: t.done.unwrap_or(end).saturating_duration_since(self.begin),
                }
            })
            .collect()
    }
}

/// Send one echo request to `dst` on a raw ICMP socket.
fn send_echo(fd: &OwnedFd, v6: bool, id: u16, tag: Tag, dst: IpAddr) -> Result<(), Errno> {
    let pkt = icmp::echo_request(v6, id, tag);
    let r = match dst {
        IpAddr::V4(a) => {
            socket::sendto(fd.as_raw_fd(), &pkt, &SockaddrIn::from(SocketAddrV4::new(a, 0)), MsgFlags::empty())
        }
        IpAddr::V6(a) => {
            socket::sendto(fd.as_raw_fd(), &pkt, &SockaddrIn6::from(SocketAddrV6::new(a, 0, 0, 0)), MsgFlags::empty())
        }
    };
    r.map(|_| ())
}

/// An echo sent with hop limit `ttl` expired at router `from`: what was
/// observed, and a routing loop suggested only when even the highest hop
/// limit ran out.
fn time_exceeded_text(from: IpAddr, ttl: u8) -> String {
    if ttl == u8::MAX {
        format!("time exceeded from {from} after {ttl} hops (no lab path is that long: a routing loop?)")
    } else {
        format!("time exceeded from {from} after {ttl} hops (the path is longer than `ttl` = {ttl})")
    }
}

/// A failed send or connect, in the words of [`Outcome::detail`].
fn errno_text(e: Errno, proto: Proto) -> String {
    match e {
        Errno::ECONNREFUSED if matches!(proto, Proto::Udp(_)) => "port unreachable".into(),
        Errno::ECONNREFUSED => "connection refused".into(),
        Errno::ENETUNREACH => "network unreachable".into(),
        Errno::EHOSTUNREACH => "host unreachable".into(),
        Errno::ETIMEDOUT => "timeout".into(),
        Errno::EPERM => "operation not permitted (a firewall in the source namespace?)".into(),
        Errno::EACCES => "permission denied (a broadcast address?)".into(),
        e => {
            let d = e.desc();
            let mut c = d.chars();
            c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
        }
    }
}

/// A random 64-bit number (the run's token), from the standard library's
/// randomly seeded hasher: no extra dependency, no file to read.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos());
    h.write_u32(std::process::id());
    h.finish()
}

#[cfg(test)]
mod tests;
