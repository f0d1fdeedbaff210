//! nf_tables rules back into nft's words.
//!
//! A rule reaches the kernel as a small program: loads put a packet field
//! in a register (`payload`, `meta`, `ct`), `bitwise` masks it, and `cmp`,
//! `range` or `lookup` test it; statements (`counter`, `log`, `nat`, a
//! verdict…) act. This module walks that program as nft does when it
//! lists a ruleset: it tracks what each register holds, names the field
//! from the protocol the rule matched before (`meta l4proto tcp` makes
//! transport offset 2 `tcp dport`), joins a load with its test into one
//! match (`ip saddr 10.0.0.0/24`, `tcp dport 1000-2000`, `ct state
//! established,related`), and leaves out the protocol matches nft adds
//! itself as dependencies. What it cannot name is shown raw, in brackets,
//! never left out.

use super::{Backend, Chain, Rule, Ruleset, Table};
use crate::netlink::netfilter::{Data, Expr, NatKind, NfRule, NfRuleset, NfSet, Verdict, family};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The backend-neutral ruleset of an nf_tables dump.
pub fn ruleset(nf: &NfRuleset) -> Ruleset {
    let tables = nf
        .tables
        .iter()
        .map(|t| Table {
            family: family::word(t.family).map_or_else(|| t.family.to_string(), str::to_string),
            name: t.name.clone(),
            chains: nf
                .chains
                .iter()
                .filter(|c| c.family == t.family && c.table == t.name)
                .map(|c| Chain {
                    name: c.name.clone(),
                    hook: c.hook.as_ref().map(|h| hook_word(t.family, h.num)),
                    prio: c.hook.as_ref().map(|h| h.priority),
                    policy: c.policy.map(|p| verdict_word(&Verdict { code: p as i32, chain: None })),
                    kind: c.kind.clone(),
                    packets: c.counters.map(|(p, _)| p),
                    bytes: c.counters.map(|(_, b)| b),
                    rules: nf
                        .rules
                        .iter()
                        .filter(|r| r.family == t.family && r.table == t.name && r.chain == c.name)
                        .map(|r| rule(nf, r))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ruleset { backend: Backend::Nftables, tables }
}

fn hook_word(fam: u8, num: u32) -> String {
    let words: &[&str] = match fam {
        family::ARP => &["input", "output", "forward"],
        family::NETDEV => &["ingress", "egress"],
        _ => &["prerouting", "input", "forward", "output", "postrouting", "ingress"],
    };
    words.get(num as usize).map_or_else(|| num.to_string(), |w| w.to_string())
}

fn verdict_word(v: &Verdict) -> String {
    match (v.code, &v.chain) {
        (0, _) => "drop".into(),
        (1, _) => "accept".into(),
        (2, _) => "stolen".into(),
        (3, _) => "queue".into(),
        (4, _) => "repeat".into(),
        (-1, _) => "continue".into(),
        (-2, _) => "break".into(),
        (-3, Some(c)) => format!("jump {c}"),
        (-4, Some(c)) => format!("goto {c}"),
        (-5, _) => "return".into(),
        (code, _) => format!("[verdict {code}]"),
    }
}

// ------------------------------------------------------------ fields

/// How a field's bytes are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A big-endian number.
    Dec,
    /// A host-order number, decimal.
    HostDec,
    /// A host-order 32-bit mark, `0x%08x`.
    Mark,
    Ipv4,
    Ipv6,
    Mac,
    /// An IP protocol number (`tcp`, `udp`…).
    Proto,
    /// An ethertype (`ip`, `ip6`…).
    EtherType,
    /// `ipv4`, `ipv6`.
    NfProto,
    /// An interface name, NUL padded (a wildcard when not terminated).
    Ifname,
    CtState,
    CtStatus,
    CtDir,
    TcpFlags,
    IcmpType,
    Icmp6Type,
    PktType,
}

impl Kind {
    fn is_address(self) -> bool {
        matches!(self, Kind::Ipv4 | Kind::Ipv6 | Kind::Mac)
    }

    fn is_flags(self) -> bool {
        matches!(self, Kind::CtState | Kind::CtStatus | Kind::TcpFlags)
    }
}

/// One named field: nft's words for it (`ip saddr`), its kind and length.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    name: String,
    kind: Kind,
    len: usize,
}

/// What the rule matched before: the network protocol (`NFPROTO_IPV4`
/// or `NFPROTO_IPV6`) and the transport protocol, each with the index of
/// the match that said so (a dependency nft leaves out when a later field
/// needs it).
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    l3: Option<(u8, Option<usize>)>,
    l4: Option<(u8, Option<usize>)>,
}

/// A packet header's fields: (offset, length, name, kind).
type Template = &'static [(usize, usize, &'static str, Kind)];

const IP: Template = &[
    (2, 2, "length", Kind::Dec),
    (4, 2, "id", Kind::Dec),
    (8, 1, "ttl", Kind::Dec),
    (9, 1, "protocol", Kind::Proto),
    (10, 2, "checksum", Kind::Dec),
    (12, 4, "saddr", Kind::Ipv4),
    (16, 4, "daddr", Kind::Ipv4),
];
const IP6: Template = &[
    (4, 2, "length", Kind::Dec),
    (6, 1, "nexthdr", Kind::Proto),
    (7, 1, "hoplimit", Kind::Dec),
    (8, 16, "saddr", Kind::Ipv6),
    (24, 16, "daddr", Kind::Ipv6),
];
const TCP: Template = &[
    (0, 2, "sport", Kind::Dec),
    (2, 2, "dport", Kind::Dec),
    (4, 4, "sequence", Kind::Dec),
    (8, 4, "ackseq", Kind::Dec),
    (13, 1, "flags", Kind::TcpFlags),
    (14, 2, "window", Kind::Dec),
];
const UDP: Template = &[
    (0, 2, "sport", Kind::Dec),
    (2, 2, "dport", Kind::Dec),
    (4, 2, "length", Kind::Dec),
    (6, 2, "checksum", Kind::Dec),
];
const PORTS: Template = &[(0, 2, "sport", Kind::Dec), (2, 2, "dport", Kind::Dec)];
const ICMP: Template = &[
    (0, 1, "type", Kind::IcmpType),
    (1, 1, "code", Kind::Dec),
    (4, 2, "id", Kind::Dec),
    (6, 2, "sequence", Kind::Dec),
];
const ICMP6: Template = &[(0, 1, "type", Kind::Icmp6Type), (1, 1, "code", Kind::Dec)];
const ETHER: Template = &[(0, 6, "daddr", Kind::Mac), (6, 6, "saddr", Kind::Mac), (12, 2, "type", Kind::EtherType)];

/// One field of a load, and how much of it the load covers (all of it,
/// or its first bytes: a prefix).
#[derive(Debug, Clone)]
struct Part {
    field: Field,
    /// Bytes of the field loaded (less than `field.len` for a prefix).
    loaded: usize,
}

/// What a register holds.
#[derive(Debug, Clone)]
enum Reg {
    /// Fields loaded from the packet (one, or adjacent ones nft merged
    /// into one load), with the mask a `bitwise` applied.
    Fields {
        parts: Vec<Part>,
        mask: Option<Vec<u8>>,
        /// The loads as the kernel has them, for a raw rendering.
        raw: String,
        /// The dependency matches naming these fields relied on.
        deps: Vec<usize>,
        /// Bytes loaded (its slots in the register file).
        len: usize,
    },
    /// Something that could not be named (shown raw if it is used).
    Unknown { raw: String, len: usize },
    /// A constant (an `immediate`), for NAT.
    Imm(Vec<u8>),
}

impl Reg {
    fn raw(&self) -> String {
        match self {
            Reg::Fields { raw, .. } | Reg::Unknown { raw, .. } => raw.clone(),
            Reg::Imm(v) => format!("[immediate {}]", hex(v)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Reg::Fields { len, .. } | Reg::Unknown { len, .. } => *len,
            Reg::Imm(v) => v.len(),
        }
    }
}

/// The 4-byte slot a register number starts at (`NFT_REG_1`…`NFT_REG_4`
/// are 16 bytes each, `NFT_REG32_00`… 4 bytes).
fn slot(reg: u32) -> u32 {
    match reg {
        1..=4 => (reg - 1) * 4,
        r if r >= 8 => r - 8,
        r => 1000 + r,
    }
}

/// Name the payload at `offset`, `len` bytes, of header `base`.
fn payload_parts(ctx: &Context, base: u32, offset: usize, len: usize) -> Option<(Vec<Part>, Vec<usize>)> {
    let mut deps = Vec::new();
    let (proto, template): (&str, Template) = match base {
        0 => ("ether", ETHER),
        1 => {
            let (l3, dep) = ctx.l3?;
            deps.extend(dep);
            match l3 {
                family::IPV4 => ("ip", IP),
                family::IPV6 => ("ip6", IP6),
                _ => return None,
            }
        }
        2 => match ctx.l4 {
            Some((p, dep)) => {
                let named: Option<(&str, Template)> = match p {
                    6 => Some(("tcp", TCP)),
                    17 => Some(("udp", UDP)),
                    136 => Some(("udplite", PORTS)),
                    132 => Some(("sctp", PORTS)),
                    33 => Some(("dccp", PORTS)),
                    1 => Some(("icmp", ICMP)),
                    58 => Some(("icmpv6", ICMP6)),
                    _ => None,
                };
                match named {
                    Some(n) => {
                        deps.extend(dep);
                        // icmp and icmpv6 each imply their network protocol.
                        if matches!(p, 1 | 58) {
                            deps.extend(ctx.l3.and_then(|(_, d)| d));
                        }
                        n
                    }
                    None => ("th", PORTS),
                }
            }
            None => ("th", PORTS),
        },
        _ => return None,
    };
    let mut parts = Vec::new();
    let (mut pos, end) = (offset, offset + len);
    while pos < end {
        let &(o, l, name, kind) = template.iter().find(|f| f.0 == pos)?;
        let field = Field { name: format!("{proto} {name}"), kind, len: l };
        if o + l <= end {
            parts.push(Part { field, loaded: l });
            pos += l;
        } else if parts.is_empty() && kind.is_address() {
            parts.push(Part { field, loaded: end - pos });
            pos = end;
        } else {
            return None;
        }
    }
    Some((parts, deps))
}

fn meta_field(key: u32) -> Option<Field> {
    let (name, kind, len) = match key {
        0 => ("meta length", Kind::HostDec, 4),
        1 => ("meta protocol", Kind::EtherType, 2),
        2 => return None,
        3 => ("meta mark", Kind::Mark, 4),
        6 => ("iifname", Kind::Ifname, 16),
        7 => ("oifname", Kind::Ifname, 16),
        10 => ("meta skuid", Kind::HostDec, 4),
        11 => ("meta skgid", Kind::HostDec, 4),
        15 => ("meta nfproto", Kind::NfProto, 1),
        16 => ("meta l4proto", Kind::Proto, 1),
        19 => ("meta pkttype", Kind::PktType, 1),
        _ => return None,
    };
    Some(Field { name: name.into(), kind, len })
}

fn ct_field(key: u32, direction: Option<u8>) -> Option<Field> {
    if direction.is_some() {
        return None;
    }
    let (name, kind, len) = match key {
        0 => ("ct state", Kind::CtState, 4),
        1 => ("ct direction", Kind::CtDir, 1),
        2 => ("ct status", Kind::CtStatus, 4),
        3 => ("ct mark", Kind::Mark, 4),
        _ => return None,
    };
    Some(Field { name: name.into(), kind, len })
}

// ------------------------------------------------------------ values

fn hex(b: &[u8]) -> String {
    let mut s = String::from("0x");
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

fn be_number(b: &[u8]) -> u128 {
    b.iter().fold(0u128, |n, &x| (n << 8) | u128::from(x))
}

fn host_u32(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    for (i, x) in b.iter().take(4).enumerate() {
        a[i] = *x;
    }
    u32::from_ne_bytes(a)
}

fn proto_word(p: u8) -> String {
    match p {
        1 => "icmp",
        2 => "igmp",
        4 => "ipencap",
        6 => "tcp",
        17 => "udp",
        33 => "dccp",
        41 => "ipv6",
        47 => "gre",
        50 => "esp",
        51 => "ah",
        58 => "ipv6-icmp",
        89 => "ospf",
        103 => "pim",
        112 => "vrrp",
        132 => "sctp",
        136 => "udplite",
        _ => return p.to_string(),
    }
    .into()
}

fn flag_words(v: u32, names: &[(u32, &str)]) -> Option<String> {
    let mut words = Vec::new();
    let mut rest = v;
    for &(bit, name) in names {
        if v & bit != 0 {
            words.push(name);
            rest &= !bit;
        }
    }
    (rest == 0 && !words.is_empty()).then(|| words.join(","))
}

const CT_STATES: &[(u32, &str)] = &[(1, "invalid"), (2, "established"), (4, "related"), (8, "new"), (64, "untracked")];
const CT_STATUS: &[(u32, &str)] =
    &[(1, "expected"), (2, "seen-reply"), (4, "assured"), (8, "confirmed"), (16, "snat"), (32, "dnat"), (512, "dying")];
const TCP_FLAGS: &[(u32, &str)] =
    &[(1, "fin"), (2, "syn"), (4, "rst"), (8, "psh"), (16, "ack"), (32, "urg"), (64, "ecn"), (128, "cwr")];

fn flag_table(kind: Kind) -> &'static [(u32, &'static str)] {
    match kind {
        Kind::CtState => CT_STATES,
        Kind::CtStatus => CT_STATUS,
        _ => TCP_FLAGS,
    }
}

fn flags_value(kind: Kind, b: &[u8]) -> u32 {
    if kind == Kind::TcpFlags { b.first().copied().map_or(0, u32::from) } else { host_u32(b) }
}

/// The value `b` of a field of kind `kind` in nft's words (`b` is the
/// whole field, or its loaded prefix padded with zeros).
fn value(kind: Kind, b: &[u8]) -> Option<String> {
    let first = || b.first().copied();
    Some(match kind {
        Kind::Dec => be_number(b).to_string(),
        Kind::HostDec => host_u32(b).to_string(),
        Kind::Mark => format!("0x{:08x}", host_u32(b)),
        Kind::Ipv4 => Ipv4Addr::from(<[u8; 4]>::try_from(b).ok()?).to_string(),
        Kind::Ipv6 => Ipv6Addr::from(<[u8; 16]>::try_from(b).ok()?).to_string(),
        Kind::Mac => b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(":"),
        Kind::Proto => proto_word(first()?),
        Kind::EtherType => match be_number(b) {
            0x0800 => "ip".into(),
            0x86dd => "ip6".into(),
            0x0806 => "arp".into(),
            0x8100 => "8021q".into(),
            0x88a8 => "8021ad".into(),
            n => format!("0x{n:04x}"),
        },
        Kind::NfProto => match first()? {
            2 => "ipv4".into(),
            10 => "ipv6".into(),
            n => n.to_string(),
        },
        Kind::Ifname => {
            let end = b.iter().position(|&c| c == 0);
            let name = String::from_utf8_lossy(&b[..end.unwrap_or(b.len())]).into_owned();
            if end.is_none() && b.len() < 16 { format!("\"{name}*\"") } else { format!("\"{name}\"") }
        }
        Kind::CtState | Kind::CtStatus | Kind::TcpFlags => flag_words(flags_value(kind, b), flag_table(kind))?,
        Kind::CtDir => match first()? {
            0 => "original".into(),
            1 => "reply".into(),
            n => n.to_string(),
        },
        Kind::IcmpType => {
            const T: &[&str] = &[
                "echo-reply",
                "",
                "",
                "destination-unreachable",
                "source-quench",
                "redirect",
                "",
                "",
                "echo-request",
                "router-advertisement",
                "router-solicitation",
                "time-exceeded",
                "parameter-problem",
                "timestamp-request",
                "timestamp-reply",
                "info-request",
                "info-reply",
                "address-mask-request",
                "address-mask-reply",
            ];
            let t = first()?;
            match T.get(usize::from(t)) {
                Some(w) if !w.is_empty() => w.to_string(),
                _ => t.to_string(),
            }
        }
        Kind::Icmp6Type => match first()? {
            1 => "destination-unreachable".into(),
            2 => "packet-too-big".into(),
            3 => "time-exceeded".into(),
            4 => "parameter-problem".into(),
            128 => "echo-request".into(),
            129 => "echo-reply".into(),
            130 => "mld-listener-query".into(),
            131 => "mld-listener-report".into(),
            132 => "mld-listener-done".into(),
            133 => "nd-router-solicit".into(),
            134 => "nd-router-advert".into(),
            135 => "nd-neighbor-solicit".into(),
            136 => "nd-neighbor-advert".into(),
            137 => "nd-redirect".into(),
            138 => "router-renumbering".into(),
            143 => "mld2-listener-report".into(),
            t => t.to_string(),
        },
        Kind::PktType => match first()? {
            0 => "host".into(),
            1 => "broadcast".into(),
            2 => "multicast".into(),
            3 => "other".into(),
            n => n.to_string(),
        },
    })
}

/// A prefix written as `ADDR/LEN`, `b` the loaded bytes.
fn prefix_value(field: &Field, b: &[u8], bits: usize) -> Option<String> {
    let mut full = b.to_vec();
    full.resize(field.len, 0);
    let v = value(field.kind, &full)?;
    Some(if bits == field.len * 8 { v } else { format!("{v}/{bits}") })
}

/// The number of leading one bits of `mask`, when its ones are contiguous.
fn prefix_len(mask: &[u8]) -> Option<usize> {
    let ones: usize = mask.iter().map(|b| b.count_ones() as usize).sum();
    let n = be_number(mask);
    let bits = mask.len() * 8;
    (ones == 0 || n >> (bits - ones) == (1u128 << ones) - 1 && n & ((1u128 << (bits - ones)) - 1) == 0).then_some(ones)
}

// ------------------------------------------------------------ a rule

/// One piece of a rule's text.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    /// A match on one field: (field name, operator, value).
    field: Option<(String, &'static str, String)>,
    /// A dependency match a later piece made redundant.
    implied: bool,
    raw: bool,
}

impl Piece {
    fn text(text: String) -> Piece {
        Piece { text, field: None, implied: false, raw: false }
    }

    fn raw(text: String) -> Piece {
        Piece { text, field: None, implied: false, raw: true }
    }
}

struct Walk<'a> {
    nf: &'a NfRuleset,
    rule: &'a NfRule,
    /// What each register slot holds, and whether a test or statement
    /// used it (a load nothing used is shown raw).
    regs: HashMap<u32, (Reg, bool)>,
    ctx: Context,
    pieces: Vec<Piece>,
    packets: Option<u64>,
    bytes: Option<u64>,
    targets: Vec<String>,
}

fn op_word(op: u32) -> Option<&'static str> {
    Some(match op {
        0 => "",
        1 => "!=",
        2 => "<",
        3 => "<=",
        4 => ">",
        5 => ">=",
        _ => return None,
    })
}

fn op_debug(op: u32) -> &'static str {
    ["eq", "neq", "lt", "lte", "gt", "gte"].get(op as usize).copied().unwrap_or("?")
}

fn join(field: &str, op: &str, v: &str) -> String {
    if op.is_empty() { format!("{field} {v}") } else { format!("{field} {op} {v}") }
}

impl Walk<'_> {
    fn load(&mut self, dreg: u32, reg: Reg) {
        let s = slot(dreg);
        let width = reg.len().div_ceil(4).max(1) as u32;
        // A load replaces what overlapped its slots.
        let mut dropped: Vec<(u32, (Reg, bool))> = Vec::new();
        for (k, r) in std::mem::take(&mut self.regs) {
            if k + (r.0.len().div_ceil(4).max(1) as u32) <= s || k >= s + width {
                self.regs.insert(k, r);
            } else {
                dropped.push((k, r));
            }
        }
        self.show_unused(dropped);
        self.regs.insert(s, (reg, false));
    }

    /// What register `reg` holds, now marked used (a register keeps its
    /// value: `cmp gte` and `cmp lte` test the same load).
    fn take(&mut self, reg: u32) -> Option<Reg> {
        let (r, used) = self.regs.get_mut(&slot(reg))?;
        *used = true;
        Some(r.clone())
    }

    fn imm(&self, reg: Option<u32>) -> Option<Vec<u8>> {
        match self.regs.get(&slot(reg?)) {
            Some((Reg::Imm(v), _)) => Some(v.clone()),
            _ => None,
        }
    }

    /// Loads nothing used, shown raw so nothing is left out.
    fn show_unused(&mut self, mut left: Vec<(u32, (Reg, bool))>) {
        left.sort_by_key(|(k, _)| *k);
        for (_, (r, used)) in left {
            if !used && !matches!(r, Reg::Imm(_)) {
                self.pieces.push(Piece::raw(r.raw()));
            }
        }
    }

    /// Before a verdict, an unknown expression or the rule's end: every
    /// register's value is done with.
    fn flush(&mut self) {
        let left: Vec<(u32, (Reg, bool))> = self.regs.drain().collect();
        self.show_unused(left);
    }

    fn mark_deps(&mut self, deps: &[usize]) {
        for &d in deps {
            if let Some(p) = self.pieces.get_mut(d) {
                p.implied = true;
            }
        }
    }

    fn push_match(&mut self, field: &Field, op: &'static str, v: String, deps: &[usize]) {
        let text = join(&field.name, op, &v);
        self.mark_deps(deps);
        // A protocol match is the context later fields are named in.
        if op.is_empty() {
            let here = Some(self.pieces.len());
            match (field.name.as_str(), v.as_str()) {
                ("meta nfproto", "ipv4") | ("meta protocol", "ip") | ("ether type", "ip") => {
                    self.ctx.l3 = Some((family::IPV4, here))
                }
                ("meta nfproto", "ipv6") | ("meta protocol", "ip6") | ("ether type", "ip6") => {
                    self.ctx.l3 = Some((family::IPV6, here))
                }
                ("meta l4proto" | "ip protocol" | "ip6 nexthdr", _) => {
                    let p = proto_number(&v);
                    self.ctx.l4 = p.map(|p| (p, here));
                }
                _ => {}
            }
        }
        self.pieces.push(Piece { text, field: Some((field.name.clone(), op, v)), implied: false, raw: false });
    }

    fn cmp(&mut self, sreg: u32, op: u32, data: &[u8]) {
        let raw_cmp = format!("[cmp {} reg {sreg} {}]", op_debug(op), hex(data));
        let reg = self.take(sreg);
        if let (Some(Reg::Fields { parts, mask, deps, raw, .. }), Some(opw)) = (&reg, op_word(op))
            && let Some(done) = self.fields_cmp(parts, mask.as_deref(), opw, data, deps)
        {
            if !done {
                self.pieces.push(Piece::raw(format!("{raw} {raw_cmp}")));
            }
            return;
        }
        let before = reg.map(|r| r.raw() + " ").unwrap_or_default();
        self.pieces.push(Piece::raw(format!("{before}{raw_cmp}")));
    }

    /// A comparison of loaded fields with `data`: pushes the matches and
    /// returns `Some(true)`, or `None` when it cannot be put in words.
    fn fields_cmp(
        &mut self,
        parts: &[Part],
        mask: Option<&[u8]>,
        op: &'static str,
        data: &[u8],
        deps: &[usize],
    ) -> Option<bool> {
        if let [part] = parts {
            let f = &part.field;
            if f.kind.is_flags() {
                let v = |b: &[u8]| flags_value(f.kind, b);
                let text = match (mask, op, v(data)) {
                    (None, _, _) => value(f.kind, data)?,
                    (Some(m), "!=", 0) => value(f.kind, m)?,
                    (Some(m), "", x) if x != 0 && x & !v(m) == 0 => {
                        format!("{} / {}", value(f.kind, data)?, value(f.kind, m)?)
                    }
                    _ => return None,
                };
                let op = if mask.is_some() { "" } else { op };
                self.push_match(f, op, text, deps);
                return Some(true);
            }
            if f.kind.is_address() {
                let bits = match mask {
                    None => part.loaded * 8,
                    Some(m) => match prefix_len(m) {
                        Some(n) if n <= part.loaded * 8 => n,
                        _ => {
                            // `ip saddr & 0.0.255.0 == 0.0.1.0`
                            let pad = |b: &[u8]| {
                                let mut v = b.to_vec();
                                v.resize(f.len, 0);
                                v
                            };
                            let text = format!(
                                "{} & {} {} {}",
                                f.name,
                                value(f.kind, &pad(m))?,
                                if op.is_empty() { "==" } else { op },
                                value(f.kind, &pad(data))?
                            );
                            self.mark_deps(deps);
                            self.pieces.push(Piece::text(text));
                            return Some(true);
                        }
                    },
                };
                let v = prefix_value(f, data.get(..part.loaded)?, bits)?;
                self.push_match(f, op, v, deps);
                return Some(true);
            }
            // An interface name compared up to its NUL only (as
            // iptables-nft writes `-i NAME`), or a prefix (`NAME+`).
            if matches!(f.kind, Kind::Ifname) && mask.is_none() && part.loaded == f.len && data.len() < f.len {
                let v = value(f.kind, data)?;
                self.push_match(f, op, v, deps);
                return Some(true);
            }
            if mask.is_some() || part.loaded != f.len {
                return None;
            }
            let v = value(f.kind, data.get(..f.len)?)?;
            self.push_match(f, op, v, deps);
            return Some(true);
        }
        // Adjacent fields nft merged into one load: one match each.
        if mask.is_some() || !op.is_empty() || parts.iter().any(|p| p.loaded != p.field.len) {
            return None;
        }
        let mut at = 0;
        let mut texts = Vec::new();
        for p in parts {
            texts.push(value(p.field.kind, data.get(at..at + p.field.len)?)?);
            at += p.field.len;
        }
        for (p, v) in parts.iter().zip(texts) {
            self.push_match(&p.field, "", v, deps);
        }
        Some(true)
    }

    fn range(&mut self, sreg: u32, op: u32, from: &[u8], to: &[u8]) {
        let reg = self.take(sreg);
        if let Some(Reg::Fields { parts, mask: None, deps, .. }) = &reg
            && let [p] = &parts[..]
            && p.loaded == p.field.len
            && let (Some(a), Some(b)) = (value(p.field.kind, from), value(p.field.kind, to))
        {
            self.push_match(&p.field.clone(), if op == 1 { "!=" } else { "" }, format!("{a}-{b}"), &deps.clone());
            return;
        }
        let before = reg.map(|r| r.raw() + " ").unwrap_or_default();
        self.pieces.push(Piece::raw(format!(
            "{before}[range {} reg {sreg} {} {}]",
            if op == 1 { "neq" } else { "eq" },
            hex(from),
            hex(to)
        )));
    }

    /// `cmp gte` then `cmp lte` on the same field: a range, as nft
    /// writes `tcp dport 1000-2000`.
    fn merge_ranges(&mut self) {
        let n = self.pieces.len();
        if n < 2 {
            return;
        }
        let (a, b) = (&self.pieces[n - 2], &self.pieces[n - 1]);
        if let (Some((fa, ">=", va)), Some((fb, "<=", vb))) = (&a.field, &b.field)
            && fa == fb
        {
            let (f, v) = (fa.clone(), format!("{va}-{vb}"));
            self.pieces.pop();
            let last = self.pieces.last_mut().expect("two pieces");
            last.text = join(&f, "", &v);
            last.field = Some((f, "", v));
        }
    }

    fn lookup(&mut self, set_name: &str, sreg: u32, dreg: Option<u32>, flags: u32) {
        let set = self.nf.set(self.rule.family, &self.rule.table, set_name);
        let raw_lookup = format!("[lookup reg {sreg} set {set_name}{}]", if flags & 1 != 0 { " inverted" } else { "" });
        // The key: one register, or consecutive ones (a concatenation).
        let mut regs = Vec::new();
        let mut s = slot(sreg);
        let want = set.map_or(0, |s| s.key_len as usize);
        while let Some(r) = self.regs.get_mut(&s).map(|(r, used)| {
            *used = true;
            r.clone()
        }) {
            let len = r.len();
            regs.push(r);
            let have: usize = regs.iter().map(|r| r.len().div_ceil(4) * 4).sum();
            if have >= want {
                break;
            }
            s += len.div_ceil(4) as u32;
        }
        let mut fields = Vec::new();
        let mut deps = Vec::new();
        for r in &regs {
            match r {
                Reg::Fields { parts, mask: None, deps: d, .. }
                    if parts.len() == 1 && parts[0].loaded == parts[0].field.len =>
                {
                    fields.push(parts[0].field.clone());
                    deps.extend(d);
                }
                _ => fields.clear(),
            }
            if fields.is_empty() {
                break;
            }
        }
        let elements = match set {
            Some(set) if !fields.is_empty() && dreg.is_none() => set_text(set, &fields),
            _ => None,
        };
        let Some(elements) = elements else {
            let loads: Vec<String> = regs.iter().map(Reg::raw).collect();
            let mut text = loads.join(" ");
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&raw_lookup);
            self.pieces.push(Piece::raw(text));
            return;
        };
        let name = fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(" . ");
        let op = if flags & 1 != 0 { "!=" } else { "" };
        let field = Field { name, kind: fields[0].kind, len: fields[0].len };
        self.push_match(&field, op, elements, &deps);
    }

    fn nat(&mut self, e: &Expr) -> Option<String> {
        let Expr::Nat { kind, family: nat_family, addr_min, addr_max, proto_min, proto_max, flags } = e else {
            return None;
        };
        if flags & !(0x1 | 0x2 | 0x4 | 0x8 | 0x10) != 0 {
            return None;
        }
        let v6 = *nat_family == u32::from(family::IPV6);
        let addr = |r| -> Option<Option<String>> {
            let Some(r) = r else { return Some(None) };
            let b = self.imm(Some(r))?;
            Some(Some(if v6 {
                Ipv6Addr::from(<[u8; 16]>::try_from(b.get(..16)?).ok()?).to_string()
            } else {
                Ipv4Addr::from(<[u8; 4]>::try_from(b.get(..4)?).ok()?).to_string()
            }))
        };
        let (lo, hi) = (addr(*addr_min)?, addr(*addr_max)?);
        let mut to = String::new();
        if let Some(lo) = &lo {
            let range = match &hi {
                Some(hi) if hi != lo => format!("{lo}-{hi}"),
                _ => lo.clone(),
            };
            let ports = proto_min.is_some();
            to = if v6 && ports { format!("[{range}]") } else { range };
        }
        to.push_str(&self.ports(*proto_min, *proto_max)?);
        let mut text = match kind {
            NatKind::Snat => "snat".to_string(),
            NatKind::Dnat => "dnat".to_string(),
        };
        if self.rule.family == family::INET {
            text.push_str(if v6 { " ip6" } else { " ip" });
        }
        if !to.is_empty() {
            text.push_str(" to ");
            text.push_str(&to);
        }
        text.push_str(&nat_flags(*flags));
        self.targets.push(match kind {
            NatKind::Snat => "SNAT".into(),
            NatKind::Dnat => "DNAT".into(),
        });
        Some(text)
    }

    /// `:PORT` or `:LOW-HIGH` from the registers of a NAT statement.
    fn ports(&self, min: Option<u32>, max: Option<u32>) -> Option<String> {
        let Some(min) = min else { return Some(String::new()) };
        let port = |r| -> Option<u16> { Some(u16::from_be_bytes(self.imm(Some(r))?.get(..2)?.try_into().ok()?)) };
        let lo = port(min)?;
        let hi = match max {
            Some(m) => port(m)?,
            None => lo,
        };
        Some(if hi == lo { format!(":{lo}") } else { format!(":{lo}-{hi}") })
    }

    fn statement(&mut self, e: &Expr) {
        let text = match e {
            Expr::Counter { packets, bytes } => {
                self.packets = Some(self.packets.unwrap_or(0) + packets);
                self.bytes = Some(self.bytes.unwrap_or(0) + bytes);
                Some("counter".to_string())
            }
            Expr::Nat { .. } => self.nat(e),
            Expr::Masq { redirect, flags, proto_min, proto_max } => self.ports(*proto_min, *proto_max).map(|p| {
                self.targets.push(if *redirect { "REDIRECT" } else { "MASQUERADE" }.into());
                let mut t = if *redirect { "redirect".to_string() } else { "masquerade".to_string() };
                if !p.is_empty() {
                    t.push_str(" to ");
                    t.push_str(&p);
                }
                t + &nat_flags(*flags)
            }),
            Expr::Reject { kind, code } => {
                self.targets.push("REJECT".into());
                Some(self.reject(*kind, *code))
            }
            Expr::Log { prefix, group, snaplen, qthreshold, level, flags } => {
                self.targets.push("LOG".into());
                let mut t = String::from("log");
                if let Some(p) = prefix {
                    let _ = write!(t, " prefix \"{p}\"");
                }
                if let Some(g) = group {
                    let _ = write!(t, " group {g}");
                }
                if let Some(s) = snaplen.filter(|&s| s != 0) {
                    let _ = write!(t, " snaplen {s}");
                }
                if let Some(q) = qthreshold.filter(|&q| q != 0) {
                    let _ = write!(t, " queue-threshold {q}");
                }
                if group.is_none() {
                    let words = ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit"];
                    match level {
                        Some(4) | None => {}
                        Some(l) => {
                            let _ =
                                write!(t, " level {}", words.get(*l as usize).map_or(l.to_string(), |w| w.to_string()));
                        }
                    }
                    if let Some(f) = flags.filter(|&f| f != 0) {
                        let w = if f & 0x2f == 0x2f {
                            "all".to_string()
                        } else {
                            let mut w = Vec::new();
                            match f & 3 {
                                3 => w.push("tcp sequence,options"),
                                1 => w.push("tcp sequence"),
                                2 => w.push("tcp options"),
                                _ => {}
                            }
                            if f & 4 != 0 {
                                w.push("ip options");
                            }
                            if f & 8 != 0 {
                                w.push("skuid");
                            }
                            if f & 0x20 != 0 {
                                w.push("ether");
                            }
                            w.join(" ")
                        };
                        let _ = write!(t, " flags {w}");
                    }
                }
                Some(t)
            }
            Expr::Limit { rate, unit, burst, kind, flags } => {
                let per = match unit {
                    1 => "second",
                    60 => "minute",
                    3600 => "hour",
                    86400 => "day",
                    604800 => "week",
                    _ => return self.pieces.push(Piece::raw(other_text(e))),
                };
                let mut t = String::from("limit rate ");
                if flags & 1 != 0 {
                    t.push_str("over ");
                }
                if *kind == 1 {
                    let (r, u) = bytes_unit(*rate);
                    let _ = write!(t, "{r} {u}/{per}");
                    if *burst != 0 {
                        let (b, bu) = bytes_unit(u64::from(*burst));
                        let _ = write!(t, " burst {b} {bu}");
                    }
                } else {
                    let _ = write!(t, "{rate}/{per}");
                    if *burst != 5 {
                        let _ = write!(t, " burst {burst} packets");
                    }
                }
                Some(t)
            }
            _ => None,
        };
        match text {
            Some(t) => self.pieces.push(Piece::text(t)),
            None => self.pieces.push(Piece::raw(other_text(e))),
        }
    }

    fn reject(&mut self, kind: u32, code: u8) -> String {
        let fam = self.rule.family;
        let mark_dep = |w: &mut Walk, dep: Option<(u8, Option<usize>)>| {
            if let Some((_, Some(i))) = dep
                && let Some(p) = w.pieces.get_mut(i)
            {
                p.implied = true;
            }
        };
        match kind {
            1 => {
                if matches!(self.ctx.l4, Some((6, _))) {
                    mark_dep(self, self.ctx.l4);
                }
                "reject with tcp reset".into()
            }
            2 => {
                let w = ["no-route", "port-unreachable", "host-unreachable", "admin-prohibited"];
                match code {
                    1 => "reject".into(),
                    c => {
                        format!("reject with icmpx {}", w.get(usize::from(c)).map_or(c.to_string(), |w| w.to_string()))
                    }
                }
            }
            _ => {
                let l3 = match fam {
                    family::IPV4 | family::IPV6 => Some(fam),
                    _ => self.ctx.l3.map(|(f, _)| f),
                };
                if l3 == Some(family::IPV6) {
                    let w = [
                        "no-route",
                        "admin-prohibited",
                        "",
                        "addr-unreachable",
                        "port-unreachable",
                        "policy-fail",
                        "reject-route",
                    ];
                    if fam == family::IPV6 && code == 4 {
                        return "reject".into();
                    }
                    mark_dep(self, self.ctx.l3);
                    let name =
                        w.get(usize::from(code)).filter(|w| !w.is_empty()).map_or(code.to_string(), |w| w.to_string());
                    format!("reject with icmpv6 {name}")
                } else {
                    if fam == family::IPV4 && code == 3 {
                        return "reject".into();
                    }
                    mark_dep(self, self.ctx.l3);
                    let name = match code {
                        0 => "net-unreachable".into(),
                        1 => "host-unreachable".into(),
                        2 => "prot-unreachable".into(),
                        3 => "port-unreachable".into(),
                        9 => "net-prohibited".into(),
                        10 => "host-prohibited".into(),
                        13 => "admin-prohibited".into(),
                        c => c.to_string(),
                    };
                    format!("reject with icmp {name}")
                }
            }
        }
    }
}

fn proto_number(word: &str) -> Option<u8> {
    (0..=255u8).find(|&p| proto_word(p) == word)
}

fn bytes_unit(n: u64) -> (u64, &'static str) {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        (n >> 20, "mbytes")
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        (n >> 10, "kbytes")
    } else {
        (n, "bytes")
    }
}

fn nat_flags(flags: u32) -> String {
    let words: Vec<&str> = [(0x4, "random"), (0x10, "fully-random"), (0x8, "persistent")]
        .iter()
        .filter(|(b, _)| flags & b != 0)
        .map(|&(_, w)| w)
        .collect();
    if words.is_empty() { String::new() } else { format!(" {}", words.join(",")) }
}

/// An x_tables match or target in an IPv4 or IPv6 table (what
/// `iptables-nft` writes for extensions it cannot express natively:
/// `comment`, `conntrack`, `multiport`, `SNAT`, `LOG`, `REJECT`, …) in
/// iptables-save's words, with the target's name for the target column;
/// `None` for anything else or what is not known.
fn compat(family: u8, name: &str, attrs: &[(u16, Vec<u8>)]) -> Option<(String, Option<String>)> {
    // NFTA_MATCH_NAME / _REV / _INFO, the same numbers as NFTA_TARGET_*.
    const NAME: u16 = 1;
    const REV: u16 = 2;
    const INFO: u16 = 3;
    let target = match name {
        "match" => false,
        "target" => true,
        _ => return None,
    };
    let ipv6 = match family {
        family::IPV4 => false,
        family::IPV6 => true,
        _ => return None,
    };
    let get = |k: u16| attrs.iter().find(|(a, _)| *a == k).map(|(_, v)| v.as_slice());
    let ext = String::from_utf8(get(NAME)?.split(|&b| b == 0).next()?.to_vec()).ok()?;
    let rev = u8::try_from(u32::from_be_bytes(get(REV)?.try_into().ok()?)).ok()?;
    let words = super::legacy::compat_words(ipv6, target, &ext, rev, get(INFO)?)?;
    Some((words, target.then_some(ext)))
}

/// An expression shown as the kernel holds it: `[expr NAME TYPE:VALUE …]`.
fn other_text(e: &Expr) -> String {
    match e {
        Expr::Other { name, attrs } => {
            let mut t = format!("[expr {name}");
            for (k, v) in attrs {
                let _ = write!(t, " {k}:{}", &hex(v)[2..]);
            }
            t.push(']');
            t
        }
        e => format!("[expr {e:?}]"),
    }
}

/// The elements of anonymous set `set` in nft's words (`{ 22, 443 }`),
/// keyed by `fields`; `@NAME` for a named set.
fn set_text(set: &NfSet, fields: &[Field]) -> Option<String> {
    if !set.is_anonymous() {
        return Some(format!("@{}", set.name));
    }
    let one = |key: &[u8]| -> Option<String> {
        if let [f] = fields {
            return value(f.kind, key.get(..f.len)?);
        }
        let mut at = 0;
        let mut words = Vec::new();
        for f in fields {
            words.push(value(f.kind, key.get(at..at + f.len)?)?);
            at += f.len.div_ceil(4) * 4;
        }
        Some(words.join(" . "))
    };
    let mut items: Vec<(u128, String)> = Vec::new();
    if set.is_interval() && fields.len() == 1 {
        let f = &fields[0];
        let mut starts: Vec<u128> = Vec::new();
        let mut ends: Vec<u128> = Vec::new();
        for e in &set.elements {
            let n = be_number(e.key.get(..f.len)?);
            if e.flags & 1 != 0 { ends.push(n) } else { starts.push(n) }
        }
        starts.sort_unstable();
        ends.sort_unstable();
        let bytes = |n: u128| -> Vec<u8> { (0..f.len).rev().map(|i| (n >> (8 * i)) as u8).collect() };
        let max = if f.len >= 16 { u128::MAX } else { (1u128 << (8 * f.len)) - 1 };
        for s in starts {
            let last = ends.iter().find(|&&e| e > s).map_or(max, |e| e - 1);
            let text = if last == s {
                value(f.kind, &bytes(s))?
            } else if f.kind.is_address() && (last - s + 1).is_power_of_two() && s % (last - s + 1) == 0 {
                let bits = f.len * 8 - (last - s + 1).trailing_zeros() as usize;
                prefix_value(f, &bytes(s), bits)?
            } else {
                format!("{}-{}", value(f.kind, &bytes(s))?, value(f.kind, &bytes(last))?)
            };
            items.push((s, text));
        }
    } else if set.is_interval() {
        return None;
    } else {
        for e in &set.elements {
            items.push((be_number(e.key.get(..fields[0].len.min(e.key.len()))?), one(&e.key)?));
        }
    }
    items.sort();
    Some(format!("{{ {} }}", items.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(", ")))
}

fn rule(nf: &NfRuleset, r: &NfRule) -> Rule {
    let mut w = Walk {
        nf,
        rule: r,
        regs: HashMap::new(),
        ctx: Context::default(),
        pieces: Vec::new(),
        packets: None,
        bytes: None,
        targets: Vec::new(),
    };
    if matches!(r.family, family::IPV4 | family::IPV6) {
        w.ctx.l3 = Some((r.family, None));
    }
    for e in &r.exprs {
        match e {
            Expr::Payload { base, offset, len, dreg } => {
                let raw = format!(
                    "[payload load {len}b @ {} header + {offset} => reg {dreg}]",
                    ["link", "network", "transport", "inner"].get(*base as usize).unwrap_or(&"?")
                );
                let reg = match payload_parts(&w.ctx, *base, *offset as usize, *len as usize) {
                    Some((parts, deps)) => Reg::Fields { parts, mask: None, raw, deps, len: *len as usize },
                    None => Reg::Unknown { raw, len: *len as usize },
                };
                w.load(*dreg, reg);
            }
            Expr::Meta { key, dreg } => {
                const KEYS: &[&str] = &[
                    "len",
                    "protocol",
                    "priority",
                    "mark",
                    "iif",
                    "oif",
                    "iifname",
                    "oifname",
                    "iiftype",
                    "oiftype",
                    "skuid",
                    "skgid",
                    "nftrace",
                    "rtclassid",
                    "secmark",
                    "nfproto",
                    "l4proto",
                    "bri_iifname",
                    "bri_oifname",
                    "pkttype",
                    "cpu",
                    "iifgroup",
                    "oifgroup",
                    "cgroup",
                    "prandom",
                    "secpath",
                    "iifkind",
                    "oifkind",
                ];
                let name = KEYS.get(*key as usize).map_or_else(|| key.to_string(), |k| k.to_string());
                let raw = format!("[meta load {name} => reg {dreg}]");
                let reg = match meta_field(*key) {
                    Some(f) => {
                        let len = f.len;
                        Reg::Fields { parts: vec![Part { loaded: len, field: f }], mask: None, raw, deps: vec![], len }
                    }
                    None => Reg::Unknown { raw, len: 4 },
                };
                w.load(*dreg, reg);
            }
            Expr::Ct { key, dreg, direction } => {
                let raw = format!("[ct load {key} => reg {dreg}]");
                let reg = match ct_field(*key, *direction) {
                    Some(f) => {
                        let len = f.len;
                        Reg::Fields { parts: vec![Part { loaded: len, field: f }], mask: None, raw, deps: vec![], len }
                    }
                    None => Reg::Unknown { raw, len: 16 },
                };
                w.load(*dreg, reg);
            }
            Expr::Bitwise { sreg, dreg, len, op, mask, xor } => {
                let raw_b = format!("[bitwise reg {dreg} = (reg {sreg} & {}) ^ {}]", hex(mask), hex(xor));
                let reg = w.take(*sreg);
                let next = match reg {
                    Some(Reg::Fields { parts, mask: None, raw, deps, len: l })
                        if *op == 0 && xor.iter().all(|&b| b == 0) && mask.len() == *len as usize =>
                    {
                        Reg::Fields { parts, mask: Some(mask.clone()), raw: format!("{raw} {raw_b}"), deps, len: l }
                    }
                    other => Reg::Unknown {
                        raw: format!("{}{raw_b}", other.map(|r| r.raw() + " ").unwrap_or_default()),
                        len: *len as usize,
                    },
                };
                w.load(*dreg, next);
            }
            Expr::Cmp { sreg, op, data } => {
                w.cmp(*sreg, *op, data);
                w.merge_ranges();
            }
            Expr::Range { sreg, op, from, to } => w.range(*sreg, *op, from, to),
            Expr::Lookup { set, sreg, dreg, flags } => w.lookup(set, *sreg, *dreg, *flags),
            Expr::Immediate { dreg: 0, data: Data::Verdict(v) } => {
                w.flush();
                let word = verdict_word(v);
                w.targets.push(match (v.code, &v.chain) {
                    (-3 | -4, Some(c)) => c.clone(),
                    (-1, _) => String::new(),
                    _ => word.to_uppercase(),
                });
                w.pieces.push(Piece::text(word));
            }
            Expr::Immediate { dreg, data: Data::Value(v) } => w.load(*dreg, Reg::Imm(v.clone())),
            Expr::Immediate { dreg, data: Data::Verdict(v) } => {
                w.pieces.push(Piece::raw(format!("[immediate reg {dreg} {}]", verdict_word(v))));
            }
            Expr::Other { name, attrs } => {
                w.flush();
                match compat(r.family, name, attrs) {
                    Some((words, target)) => {
                        w.targets.extend(target);
                        w.pieces.push(Piece::text(words));
                    }
                    None => w.pieces.push(Piece::raw(other_text(e))),
                }
            }
            _ => w.statement(e),
        }
    }
    w.flush();
    let comment = r.comment();
    let kept: Vec<&Piece> = w.pieces.iter().filter(|p| !p.implied).collect();
    let mut text = kept.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(" ");
    if let Some(c) = &comment {
        if !text.is_empty() {
            text.push(' ');
        }
        let _ = write!(text, "comment \"{c}\"");
    }
    // The iptables columns, from the matches (dependencies included: they
    // say the protocol).
    let find = |names: &[&str]| -> Option<String> {
        w.pieces.iter().find_map(|p| match &p.field {
            Some((f, op, v)) if names.contains(&f.as_str()) => {
                let v = v.trim_matches('"');
                Some(if op.is_empty() { v.to_string() } else { format!("!{v}") })
            }
            _ => None,
        })
    };
    let prot = find(&["meta l4proto", "ip protocol", "ip6 nexthdr"]).or_else(|| {
        w.pieces.iter().find_map(|p| {
            let f = &p.field.as_ref()?.0;
            let proto = f.split(' ').next()?;
            ["tcp", "udp", "icmp", "icmpv6", "sctp", "udplite", "dccp"].contains(&proto).then(|| proto.to_string())
        })
    });
    Rule {
        handle: Some(r.handle),
        packets: w.packets,
        bytes: w.bytes,
        target: w
            .targets
            .iter()
            .rev()
            .find(|t| t.as_str() != "LOG" && !t.is_empty())
            .or(w.targets.last())
            .cloned()
            .filter(|t| !t.is_empty()),
        prot,
        iif: find(&["iifname"]),
        out: find(&["oifname"]),
        source: find(&["ip saddr", "ip6 saddr"]),
        destination: find(&["ip daddr", "ip6 daddr"]),
        complete: !w.pieces.iter().any(|p| p.raw),
        text,
        comment,
    }
}

#[cfg(test)]
mod tests;
