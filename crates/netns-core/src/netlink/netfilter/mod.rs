//! nf_tables over netlink (`NETLINK_NETFILTER`, subsystem
//! `NFNL_SUBSYS_NFTABLES`): the whole ruleset of a network namespace —
//! tables, chains, rules with their expressions, and the sets the rules
//! look up — read with dumps, without the `nft` program.
//!
//! The messages are decoded here, from their attributes: the nested
//! attributes of nf_tables are simple, all their numbers are big-endian,
//! and an expression this module does not know is kept as its name and
//! raw attributes ([`Expr::Other`]) instead of failing the rule.
//!
//! A socket is bound to the namespace it was opened in: [`NfSocket::open`]
//! opens one in the calling thread's namespace,
//! [`NetNs::nftables`](crate::NetNs::nftables) in another one (switch in,
//! open, switch back). Reading needs `CAP_NET_ADMIN` in the namespace;
//! without it the kernel answers `EPERM`.
//!
//! Every read is bounded: each dump stops with an error past
//! [`MAX_MESSAGES`] messages or [`MAX_BYTES`] bytes, and each wait for the
//! kernel past [`RECV_TIMEOUT`].

mod expr;
mod silence;

pub use expr::{Data, Expr, NatKind, Verdict};

use super::wire;
use netlink_packet_core::{NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_NETFILTER};
use std::io;
use std::time::Duration;

const NFNL_SUBSYS_NFTABLES: u16 = 10;
const NFT_MSG_NEWTABLE: u16 = 0;
const NFT_MSG_GETTABLE: u16 = 1;
const NFT_MSG_NEWCHAIN: u16 = 3;
const NFT_MSG_GETCHAIN: u16 = 4;
const NFT_MSG_NEWRULE: u16 = 6;
const NFT_MSG_GETRULE: u16 = 7;
const NFT_MSG_NEWSET: u16 = 9;
const NFT_MSG_GETSET: u16 = 10;
const NFT_MSG_NEWSETELEM: u16 = 12;
const NFT_MSG_GETSETELEM: u16 = 13;
const NFT_MSG_NEWGEN: u16 = 15;
const NFT_MSG_GETGEN: u16 = 16;

/// The most messages one dump may bring (a million rules is far past any
/// real ruleset).
pub const MAX_MESSAGES: usize = 1_000_000;
/// The most bytes one dump may bring.
pub const MAX_BYTES: usize = 512 << 20;
/// The longest wait for one datagram from the kernel.
pub const RECV_TIMEOUT: Duration = Duration::from_secs(10);
/// How many times a ruleset that changed while it was read is read again.
const RETRIES: usize = 10;
const RECV_BUF: usize = 64 * 1024;

/// `NFPROTO_*`: the address family of a table.
pub mod family {
    /// `inet`: IPv4 and IPv6.
    pub const INET: u8 = 1;
    /// `ip`.
    pub const IPV4: u8 = 2;
    /// `arp`.
    pub const ARP: u8 = 3;
    /// `netdev`.
    pub const NETDEV: u8 = 5;
    /// `bridge`.
    pub const BRIDGE: u8 = 7;
    /// `ip6`.
    pub const IPV6: u8 = 10;

    /// The family's word in nft (`ip`, `ip6`, `inet`, `arp`, `bridge`,
    /// `netdev`), or `None` for a number nft has no word for.
    pub fn word(family: u8) -> Option<&'static str> {
        Some(match family {
            INET => "inet",
            IPV4 => "ip",
            ARP => "arp",
            NETDEV => "netdev",
            BRIDGE => "bridge",
            IPV6 => "ip6",
            _ => return None,
        })
    }
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfTable {
    /// `NFPROTO_*` (see [`family`]).
    pub family: u8,
    /// Its name.
    pub name: String,
    /// Its handle.
    pub handle: u64,
    /// `NFT_TABLE_F_*` (1: dormant).
    pub flags: u32,
}

/// The hook of a base chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfHook {
    /// The hook number (`NF_INET_*`: 0 prerouting, 1 input, 2 forward,
    /// 3 output, 4 postrouting; 0 ingress for netdev).
    pub num: u32,
    /// The priority.
    pub priority: i32,
    /// The device of a netdev chain.
    pub device: Option<String>,
}

/// One chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfChain {
    /// Its table's family.
    pub family: u8,
    /// Its table's name.
    pub table: String,
    /// Its name.
    pub name: String,
    /// Its handle.
    pub handle: u64,
    /// The hook, for a base chain.
    pub hook: Option<NfHook>,
    /// The policy of a base chain (`NF_DROP` 0, `NF_ACCEPT` 1).
    pub policy: Option<u32>,
    /// The type of a base chain (`filter`, `nat`, `route`).
    pub kind: Option<String>,
    /// The chain's own counters (packets, bytes), when it keeps them
    /// (iptables-nft's base chains do: the policy's counters).
    pub counters: Option<(u64, u64)>,
    /// `NFT_CHAIN_*` flags.
    pub flags: u32,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfRule {
    /// Its table's family.
    pub family: u8,
    /// Its table's name.
    pub table: String,
    /// Its chain's name.
    pub chain: String,
    /// Its handle.
    pub handle: u64,
    /// Its expressions, in order.
    pub exprs: Vec<Expr>,
    /// `NFTA_RULE_USERDATA` (nft keeps the comment there).
    pub userdata: Vec<u8>,
}

impl NfRule {
    /// The comment nft stored with the rule, if any (`NFTNL_UDATA_RULE_COMMENT`
    /// in the user data's type-length-value list).
    pub fn comment(&self) -> Option<String> {
        let mut b = &self.userdata[..];
        while b.len() >= 2 {
            let (kind, len) = (b[0], usize::from(b[1]));
            let value = b.get(2..2 + len)?;
            if kind == 0 {
                let text = value.split(|&c| c == 0).next().unwrap_or_default();
                return Some(String::from_utf8_lossy(text).into_owned());
            }
            b = &b[2 + len..];
        }
        None
    }
}

/// One set element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfSetElem {
    /// The key's bytes.
    pub key: Vec<u8>,
    /// The end of a range, for sets of concatenated ranges.
    pub key_end: Option<Vec<u8>>,
    /// `NFT_SET_ELEM_*` (1: the end of an interval).
    pub flags: u32,
}

/// One set, with its elements when they were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfSet {
    /// Its table's family.
    pub family: u8,
    /// Its table's name.
    pub table: String,
    /// Its name (`__set0`, … for the anonymous sets nft makes for `{ … }`).
    pub name: String,
    /// `NFT_SET_*` flags (1 anonymous, 2 constant, 4 interval, 8 map, …).
    pub flags: u32,
    /// The key's length in bytes.
    pub key_len: u32,
    /// The elements, read for anonymous sets only (the others are shown
    /// by name).
    pub elements: Vec<NfSetElem>,
}

impl NfSet {
    /// `NFT_SET_ANONYMOUS`.
    pub fn is_anonymous(&self) -> bool {
        self.flags & 1 != 0
    }

    /// `NFT_SET_INTERVAL`.
    pub fn is_interval(&self) -> bool {
        self.flags & 4 != 0
    }
}

/// A namespace's whole nf_tables ruleset, as one consistent generation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NfRuleset {
    /// The ruleset's generation id.
    pub generation: u32,
    /// Tables, in the kernel's order.
    pub tables: Vec<NfTable>,
    /// Chains, in the kernel's order (grouped by table).
    pub chains: Vec<NfChain>,
    /// Rules, in each chain's order.
    pub rules: Vec<NfRule>,
    /// Sets.
    pub sets: Vec<NfSet>,
}

impl NfRuleset {
    /// Decode the messages of a dump, each as its type (`NFT_MSG_NEWTABLE`
    /// 0, `NEWCHAIN` 3, `NEWRULE` 6, `NEWSET` 9, `NEWSETELEM` 12, without
    /// the subsystem byte) and its payload (from `nfgenmsg` on). Elements
    /// go to the set their message names, which must come before them.
    /// Other message types are ignored.
    pub fn from_messages<'a>(messages: impl IntoIterator<Item = (u16, &'a [u8])>) -> NfRuleset {
        let mut r = NfRuleset::default();
        for (kind, m) in messages {
            match kind {
                NFT_MSG_NEWTABLE => r.tables.push(decode_table(m)),
                NFT_MSG_NEWCHAIN => r.chains.push(decode_chain(m)),
                NFT_MSG_NEWRULE => r.rules.push(decode_rule(m)),
                NFT_MSG_NEWSET => r.sets.push(decode_set(m)),
                NFT_MSG_NEWSETELEM => {
                    let a = attrs_of(m);
                    let name = |k: u16| a.iter().find(|(t, _)| *t == k).map(|(_, v)| string(v));
                    let (table, set) = (name(1).unwrap_or_default(), name(2).unwrap_or_default());
                    let family = family_of(m);
                    if let Some(s) = r.sets.iter_mut().find(|s| s.family == family && s.table == table && s.name == set)
                    {
                        s.elements.extend(decode_elements(m));
                    }
                }
                _ => {}
            }
        }
        r
    }

    /// The set `name` of table `table` (family `family`).
    pub fn set(&self, family: u8, table: &str, name: &str) -> Option<&NfSet> {
        self.sets.iter().find(|s| s.family == family && s.table == table && s.name == name)
    }
}

/// A `NETLINK_NETFILTER` socket bound to the namespace it was opened in.
pub struct NfSocket {
    sock: Socket,
    seq: u32,
    buf: Vec<u8>,
}

impl NfSocket {
    /// Open a socket in the calling thread's current network namespace.
    /// `Err` with `EPROTONOSUPPORT` where the kernel has no nfnetlink.
    pub fn open() -> io::Result<NfSocket> {
        let mut sock = Socket::new(NETLINK_NETFILTER)?;
        sock.bind_auto()?;
        sock.connect(&SocketAddr::new(0, 0))?;
        let tv = libc::timeval { tv_sec: RECV_TIMEOUT.as_secs() as libc::time_t, tv_usec: 0 };
        nix::sys::socket::setsockopt(&sock, nix::sys::socket::sockopt::ReceiveTimeout, &tv.into())
            .map_err(io::Error::from)?;
        Ok(NfSocket { sock, seq: std::process::id().wrapping_mul(7919), buf: Vec::with_capacity(RECV_BUF) })
    }

    /// Send one nf_tables request: `msg` (`NFT_MSG_*`), the family for
    /// `nfgenmsg`, flags and attributes.
    fn send(&mut self, msg: u16, family: u8, flags: u16, attrs: &[u8]) -> io::Result<u32> {
        self.seq = self.seq.wrapping_add(1);
        let mut payload = vec![family, 0, 0, 0]; // nfgenmsg: family, version 0, res_id 0
        payload.extend_from_slice(attrs);
        let kind = (NFNL_SUBSYS_NFTABLES << 8) | msg;
        self.sock.send(&wire::message(kind, NLM_F_REQUEST | flags, self.seq, &payload), 0)?;
        Ok(self.seq)
    }

    /// Receive the answer to request `seq`: the payloads (after
    /// `nfgenmsg`'s 4 bytes kept) of its messages of type `reply`, and
    /// whether the kernel marked the dump interrupted. Bounded by
    /// [`MAX_MESSAGES`] and [`MAX_BYTES`].
    fn collect(&mut self, seq: u32, reply: u16, dump: bool) -> io::Result<(Vec<Vec<u8>>, bool)> {
        let want = (NFNL_SUBSYS_NFTABLES << 8) | reply;
        let (mut out, mut bytes, mut intr) = (Vec::new(), 0usize, false);
        loop {
            self.buf.clear();
            let n = loop {
                match self.sock.recv(&mut self.buf, libc::MSG_TRUNC) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                        return Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            format!("nf_tables did not answer within {} s", RECV_TIMEOUT.as_secs()),
                        ));
                    }
                    Err(e) => return Err(e),
                }
            };
            if n > self.buf.capacity() {
                return Err(io::Error::other("nf_tables reply larger than the receive buffer"));
            }
            bytes += n;
            if bytes > MAX_BYTES {
                return Err(io::Error::other(format!("nf_tables reply over {} MiB: not read", MAX_BYTES >> 20)));
            }
            for m in wire::messages(&self.buf[..n]) {
                let m = m.map_err(|wire::Truncated| io::Error::other("truncated nf_tables reply"))?;
                if m.seq != seq {
                    continue;
                }
                intr |= m.flags & NLM_F_DUMP_INTR != 0;
                match m.kind {
                    NLMSG_DONE => return Ok((out, intr)),
                    NLMSG_ERROR => {
                        let code = error_code(m.payload)?;
                        return if code == 0 {
                            Ok((out, intr))
                        } else {
                            Err(io::Error::from_raw_os_error(code.saturating_neg()))
                        };
                    }
                    NLMSG_NOOP => {}
                    k if k == want => {
                        if out.len() >= MAX_MESSAGES {
                            return Err(io::Error::other(format!("nf_tables dump over {MAX_MESSAGES} messages")));
                        }
                        out.push(m.payload.to_vec());
                        if !dump {
                            return Ok((out, intr));
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn dump(&mut self, msg: u16, reply: u16, family: u8, attrs: &[u8]) -> io::Result<(Vec<Vec<u8>>, bool)> {
        let seq = self.send(msg, family, NLM_F_DUMP, attrs)?;
        self.collect(seq, reply, true)
    }

    /// The ruleset's generation id: it changes with every committed change.
    pub fn generation(&mut self) -> io::Result<u32> {
        let seq = self.send(NFT_MSG_GETGEN, 0, 0, &[])?;
        let (msgs, _) = self.collect(seq, NFT_MSG_NEWGEN, false)?;
        let m = msgs.first().ok_or_else(|| io::Error::other("nf_tables sent no generation"))?;
        Ok(attrs_of(m).iter().find(|(k, _)| *k == 1).and_then(|(_, v)| be32(v)).unwrap_or(0))
    }

    /// How many tables the namespace has (one dump).
    pub fn table_count(&mut self) -> io::Result<usize> {
        Ok(self.dump(NFT_MSG_GETTABLE, NFT_MSG_NEWTABLE, 0, &[])?.0.len())
    }

    /// Read the whole ruleset (tables, chains, rules, sets, and the
    /// elements of anonymous sets) as one generation: when the
    /// generation changed while it was read, or a dump was interrupted,
    /// it is read again, up to 10 times.
    pub fn ruleset(&mut self) -> io::Result<NfRuleset> {
        for _ in 0..RETRIES {
            let before = self.generation()?;
            let (r, intr) = self.ruleset_once()?;
            if !intr && self.generation()? == before {
                return Ok(NfRuleset { generation: before, ..r });
            }
        }
        Err(io::Error::other("the nf_tables ruleset kept changing while it was read"))
    }

    fn ruleset_once(&mut self) -> io::Result<(NfRuleset, bool)> {
        let (tables, i1) = self.dump(NFT_MSG_GETTABLE, NFT_MSG_NEWTABLE, 0, &[])?;
        if tables.is_empty() {
            return Ok((NfRuleset::default(), i1));
        }
        let (chains, i2) = self.dump(NFT_MSG_GETCHAIN, NFT_MSG_NEWCHAIN, 0, &[])?;
        let (rules, i3) = self.dump(NFT_MSG_GETRULE, NFT_MSG_NEWRULE, 0, &[])?;
        let (sets, i4) = self.dump(NFT_MSG_GETSET, NFT_MSG_NEWSET, 0, &[])?;
        let mut intr = i1 | i2 | i3 | i4;
        let mut elements = Vec::new();
        for m in &sets {
            let set = decode_set(m);
            if !set.is_anonymous() {
                continue;
            }
            let mut attrs = wire::nla(1, &cstr(&set.table)); // NFTA_SET_ELEM_LIST_TABLE
            attrs.extend(wire::nla(2, &cstr(&set.name))); // NFTA_SET_ELEM_LIST_SET
            let (msgs, i) = self.dump(NFT_MSG_GETSETELEM, NFT_MSG_NEWSETELEM, set.family, &attrs)?;
            intr |= i;
            elements.extend(msgs);
        }
        let messages = (tables.iter().map(|m| (NFT_MSG_NEWTABLE, m)))
            .chain(chains.iter().map(|m| (NFT_MSG_NEWCHAIN, m)))
            .chain(rules.iter().map(|m| (NFT_MSG_NEWRULE, m)))
            .chain(sets.iter().map(|m| (NFT_MSG_NEWSET, m)))
            .chain(elements.iter().map(|m| (NFT_MSG_NEWSETELEM, m)));
        let r = NfRuleset::from_messages(messages.map(|(k, m)| (k, &m[..])));
        Ok((r, intr))
    }
}

/// How many nftables tables (any family) the calling thread's current
/// network namespace has. `Err` with EPROTONOSUPPORT where the kernel has no
/// nf_tables.
pub fn nft_table_count() -> io::Result<usize> {
    NfSocket::open()?.table_count()
}

/// The attributes of a message payload, after `nfgenmsg`.
fn attrs_of(payload: &[u8]) -> Vec<(u16, &[u8])> {
    wire::attrs(payload.get(4..).unwrap_or_default())
}

fn family_of(payload: &[u8]) -> u8 {
    payload.first().copied().unwrap_or(0)
}

pub(crate) fn be32(v: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(v.get(..4)?.try_into().ok()?))
}

pub(crate) fn be64(v: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(v.get(..8)?.try_into().ok()?))
}

/// A netlink string: up to its first NUL.
pub(crate) fn string(v: &[u8]) -> String {
    String::from_utf8_lossy(v.split(|&c| c == 0).next().unwrap_or_default()).into_owned()
}

/// The error code of an `NLMSG_ERROR` message's payload (0: an
/// acknowledgement, else a negative errno).
fn error_code(payload: &[u8]) -> io::Result<i32> {
    let code = payload.get(..4).ok_or_else(|| io::Error::other("truncated nf_tables error"))?;
    Ok(i32::from_ne_bytes([code[0], code[1], code[2], code[3]]))
}

fn cstr(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

fn decode_table(m: &[u8]) -> NfTable {
    let mut t = NfTable { family: family_of(m), name: String::new(), handle: 0, flags: 0 };
    for (k, v) in attrs_of(m) {
        match k {
            1 => t.name = string(v),
            2 => t.flags = be32(v).unwrap_or(0),
            4 => t.handle = be64(v).unwrap_or(0),
            _ => {}
        }
    }
    t
}

fn decode_chain(m: &[u8]) -> NfChain {
    let mut c = NfChain {
        family: family_of(m),
        table: String::new(),
        name: String::new(),
        handle: 0,
        hook: None,
        policy: None,
        kind: None,
        counters: None,
        flags: 0,
    };
    for (k, v) in attrs_of(m) {
        match k {
            1 => c.table = string(v),
            2 => c.handle = be64(v).unwrap_or(0),
            3 => c.name = string(v),
            4 => {
                let mut h = NfHook { num: 0, priority: 0, device: None };
                for (hk, hv) in wire::attrs(v) {
                    match hk {
                        1 => h.num = be32(hv).unwrap_or(0),
                        2 => h.priority = be32(hv).unwrap_or(0) as i32,
                        3 => h.device = Some(string(hv)),
                        _ => {}
                    }
                }
                c.hook = Some(h);
            }
            5 => c.policy = be32(v),
            7 => c.kind = Some(string(v)),
            8 => {
                let (mut bytes, mut packets) = (0, 0);
                for (ck, cv) in wire::attrs(v) {
                    match ck {
                        1 => bytes = be64(cv).unwrap_or(0),
                        2 => packets = be64(cv).unwrap_or(0),
                        _ => {}
                    }
                }
                c.counters = Some((packets, bytes));
            }
            10 => c.flags = be32(v).unwrap_or(0),
            _ => {}
        }
    }
    c
}

fn decode_rule(m: &[u8]) -> NfRule {
    let mut r = NfRule {
        family: family_of(m),
        table: String::new(),
        chain: String::new(),
        handle: 0,
        exprs: Vec::new(),
        userdata: Vec::new(),
    };
    for (k, v) in attrs_of(m) {
        match k {
            1 => r.table = string(v),
            2 => r.chain = string(v),
            3 => r.handle = be64(v).unwrap_or(0),
            4 => r.exprs = wire::attrs(v).into_iter().filter(|(k, _)| *k == 1).map(|(_, e)| expr::decode(e)).collect(),
            7 => r.userdata = v.to_vec(),
            _ => {}
        }
    }
    r
}

fn decode_set(m: &[u8]) -> NfSet {
    let mut s = NfSet {
        family: family_of(m),
        table: String::new(),
        name: String::new(),
        flags: 0,
        key_len: 0,
        elements: Vec::new(),
    };
    for (k, v) in attrs_of(m) {
        match k {
            1 => s.table = string(v),
            2 => s.name = string(v),
            3 => s.flags = be32(v).unwrap_or(0),
            5 => s.key_len = be32(v).unwrap_or(0),
            _ => {}
        }
    }
    s
}

/// The value inside an `nft_data` nest (`NFTA_DATA_VALUE`).
fn data_value(v: &[u8]) -> Vec<u8> {
    wire::attrs(v).into_iter().find(|(k, _)| *k == 1).map(|(_, d)| d.to_vec()).unwrap_or_default()
}

fn decode_elements(m: &[u8]) -> Vec<NfSetElem> {
    let mut out = Vec::new();
    for (k, v) in attrs_of(m) {
        if k != 3 {
            continue; // NFTA_SET_ELEM_LIST_ELEMENTS
        }
        for (_, elem) in wire::attrs(v) {
            let mut e = NfSetElem { key: Vec::new(), key_end: None, flags: 0 };
            for (ek, ev) in wire::attrs(elem) {
                match ek {
                    1 => e.key = data_value(ev),
                    3 => e.flags = be32(ev).unwrap_or(0),
                    10 => e.key_end = Some(data_value(ev)),
                    _ => {}
                }
            }
            out.push(e);
        }
    }
    out
}

#[cfg(test)]
mod tests;
