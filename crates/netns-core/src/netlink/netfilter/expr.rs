//! The expressions of an nf_tables rule (`NFTA_RULE_EXPRESSIONS`), each
//! decoded from its name and data attributes. A rule is a program over
//! registers: loads (`payload`, `meta`, `ct`) put a field in a register,
//! `bitwise`, `cmp`, `range` and `lookup` test it, statements act.
//! Reconstructing nft's words from such a sequence is the caller's work;
//! this module keeps each expression as the kernel said it.

use super::{be32, be64, string};
use crate::netlink::wire;

/// The value of an `immediate` expression or a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// Bytes, as the kernel stores them.
    Value(Vec<u8>),
    /// A verdict.
    Verdict(Verdict),
}

/// A verdict: `code` is `NF_DROP` (0), `NF_ACCEPT` (1), `NF_QUEUE` (3),
/// or `NFT_CONTINUE` (-1), `NFT_BREAK` (-2), `NFT_JUMP` (-3),
/// `NFT_GOTO` (-4), `NFT_RETURN` (-5); `chain` is the target of a jump or
/// goto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The verdict code.
    pub code: i32,
    /// The chain jumped to.
    pub chain: Option<String>,
}

/// `snat` or `dnat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatKind {
    /// Source NAT.
    Snat,
    /// Destination NAT.
    Dnat,
}

/// One expression. Registers are the kernel's numbers (`NFT_REG_1`… 1–4
/// of 16 bytes, `NFT_REG32_00`… 8–23 of 4 bytes; 0 is the verdict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Load `len` bytes at `offset` of header `base` (0 link layer,
    /// 1 network, 2 transport, 3 inner) into `dreg`.
    Payload {
        /// The header.
        base: u32,
        /// Byte offset in it.
        offset: u32,
        /// Bytes loaded.
        len: u32,
        /// Destination register.
        dreg: u32,
    },
    /// Load the packet's meta key (`NFT_META_*`) into `dreg`.
    Meta {
        /// `NFT_META_*`.
        key: u32,
        /// Destination register.
        dreg: u32,
    },
    /// Load a conntrack key (`NFT_CT_*`) into `dreg`.
    Ct {
        /// `NFT_CT_*`.
        key: u32,
        /// Destination register.
        dreg: u32,
        /// 0 original, 1 reply, when given.
        direction: Option<u8>,
    },
    /// Compare register `sreg` with `data` (`op`: 0 eq, 1 neq, 2 lt,
    /// 3 lte, 4 gt, 5 gte).
    Cmp {
        /// Source register.
        sreg: u32,
        /// `NFT_CMP_*`.
        op: u32,
        /// The bytes compared with.
        data: Vec<u8>,
    },
    /// `dreg = (sreg & mask) ^ xor` over `len` bytes (`op` 0), or a shift
    /// by `data` (`op` 1 left, 2 right).
    Bitwise {
        /// Source register.
        sreg: u32,
        /// Destination register.
        dreg: u32,
        /// Bytes.
        len: u32,
        /// `NFT_BITWISE_*`.
        op: u32,
        /// The mask.
        mask: Vec<u8>,
        /// The xor value.
        xor: Vec<u8>,
    },
    /// `sreg` inside (`op` 0) or outside (1) `from..=to`.
    Range {
        /// Source register.
        sreg: u32,
        /// `NFT_RANGE_*`.
        op: u32,
        /// Lower bound.
        from: Vec<u8>,
        /// Upper bound.
        to: Vec<u8>,
    },
    /// Look `sreg` up in set `set`; a map writes its value to `dreg`.
    Lookup {
        /// The set's name.
        set: String,
        /// Source register.
        sreg: u32,
        /// Destination register of a map (0: a verdict map).
        dreg: Option<u32>,
        /// 1: inverted (`!= @set`).
        flags: u32,
    },
    /// Load `data` into `dreg` (0: the verdict).
    Immediate {
        /// Destination register.
        dreg: u32,
        /// The value or verdict.
        data: Data,
    },
    /// A counter.
    Counter {
        /// Packets counted.
        packets: u64,
        /// Bytes counted.
        bytes: u64,
    },
    /// snat or dnat to the addresses and ports in registers.
    Nat {
        /// snat or dnat.
        kind: NatKind,
        /// `NFPROTO_IPV4` or `NFPROTO_IPV6`.
        family: u32,
        /// Register of the lowest address.
        addr_min: Option<u32>,
        /// Register of the highest address.
        addr_max: Option<u32>,
        /// Register of the lowest port.
        proto_min: Option<u32>,
        /// Register of the highest port.
        proto_max: Option<u32>,
        /// `NF_NAT_RANGE_*`.
        flags: u32,
    },
    /// masquerade (`redirect` when `redirect` is set), with optional ports.
    Masq {
        /// A `redir` expression rather than `masq`.
        redirect: bool,
        /// `NF_NAT_RANGE_*`.
        flags: u32,
        /// Register of the lowest port.
        proto_min: Option<u32>,
        /// Register of the highest port.
        proto_max: Option<u32>,
    },
    /// reject (`kind` 0 icmp, 1 tcp reset, 2 icmpx) with an ICMP code.
    Reject {
        /// `NFT_REJECT_*`.
        kind: u32,
        /// The ICMP (or icmpx) code.
        code: u8,
    },
    /// log.
    Log {
        /// Prefix.
        prefix: Option<String>,
        /// nflog group.
        group: Option<u16>,
        /// Bytes copied to nflog.
        snaplen: Option<u32>,
        /// nflog queue threshold.
        qthreshold: Option<u16>,
        /// Syslog level (`NFT_LOGLEVEL_*`).
        level: Option<u32>,
        /// `NF_LOG_*` flags.
        flags: Option<u32>,
    },
    /// limit.
    Limit {
        /// Packets or bytes per `unit`.
        rate: u64,
        /// Seconds.
        unit: u64,
        /// Burst.
        burst: u32,
        /// 0 packets, 1 bytes.
        kind: u32,
        /// 1: inverted (`over`).
        flags: u32,
    },
    /// Any other expression, or a known one in a form not decoded above
    /// (a payload or meta *set*, say): its name and raw attributes.
    Other {
        /// The expression's name.
        name: String,
        /// Its data attributes (type, value).
        attrs: Vec<(u16, Vec<u8>)>,
    },
}

fn data_of(v: &[u8]) -> Option<Data> {
    for (k, d) in wire::attrs(v) {
        match k {
            1 => return Some(Data::Value(d.to_vec())),
            2 => {
                let mut verdict = Verdict { code: 0, chain: None };
                for (vk, vv) in wire::attrs(d) {
                    match vk {
                        1 => verdict.code = be32(vv)? as i32,
                        2 => verdict.chain = Some(string(vv)),
                        _ => {}
                    }
                }
                return Some(Data::Verdict(verdict));
            }
            _ => {}
        }
    }
    None
}

/// Decode one `NFTA_LIST_ELEM` of a rule's expressions.
pub(super) fn decode(elem: &[u8]) -> Expr {
    let mut name = String::new();
    let mut data: &[u8] = &[];
    for (k, v) in wire::attrs(elem) {
        match k {
            1 => name = string(v),
            2 => data = v,
            _ => {}
        }
    }
    let attrs = wire::attrs(data);
    known(&name, &attrs)
        .unwrap_or_else(|| Expr::Other { name, attrs: attrs.iter().map(|(k, v)| (*k, v.to_vec())).collect() })
}

/// The expression when its name is known and its attributes are the form
/// decoded here.
fn known(name: &str, attrs: &[(u16, &[u8])]) -> Option<Expr> {
    let get = |k: u16| attrs.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
    let u32_of = |k: u16| get(k).and_then(be32);
    let u64_of = |k: u16| get(k).and_then(be64);
    let bytes = |k: u16| get(k).map(data_of);
    Some(match name {
        "payload" => {
            if get(5).is_some() {
                return None; // NFTA_PAYLOAD_SREG: a payload write
            }
            Expr::Payload { dreg: u32_of(1)?, base: u32_of(2)?, offset: u32_of(3)?, len: u32_of(4)? }
        }
        "meta" => Expr::Meta { dreg: u32_of(1)?, key: u32_of(2)? },
        "ct" => Expr::Ct { dreg: u32_of(1)?, key: u32_of(2)?, direction: get(3).and_then(|v| v.first().copied()) },
        "cmp" => {
            let Some(Some(Data::Value(data))) = bytes(3) else { return None };
            Expr::Cmp { sreg: u32_of(1)?, op: u32_of(2)?, data }
        }
        "bitwise" => {
            let value = |k| match bytes(k) {
                Some(Some(Data::Value(v))) => v,
                _ => Vec::new(),
            };
            Expr::Bitwise {
                sreg: u32_of(1)?,
                dreg: u32_of(2)?,
                len: u32_of(3)?,
                op: u32_of(6).unwrap_or(0),
                mask: value(4),
                xor: value(5),
            }
        }
        "range" => {
            let (Some(Some(Data::Value(from))), Some(Some(Data::Value(to)))) = (bytes(3), bytes(4)) else {
                return None;
            };
            Expr::Range { sreg: u32_of(1)?, op: u32_of(2)?, from, to }
        }
        "lookup" => {
            Expr::Lookup { set: string(get(1)?), sreg: u32_of(2)?, dreg: u32_of(3), flags: u32_of(5).unwrap_or(0) }
        }
        "immediate" => Expr::Immediate { dreg: u32_of(1)?, data: bytes(2)?? },
        "counter" => Expr::Counter { bytes: u64_of(1).unwrap_or(0), packets: u64_of(2).unwrap_or(0) },
        "nat" => Expr::Nat {
            kind: match u32_of(1)? {
                0 => NatKind::Snat,
                1 => NatKind::Dnat,
                _ => return None,
            },
            family: u32_of(2)?,
            addr_min: u32_of(3),
            addr_max: u32_of(4),
            proto_min: u32_of(5),
            proto_max: u32_of(6),
            flags: u32_of(7).unwrap_or(0),
        },
        "masq" => {
            Expr::Masq { redirect: false, flags: u32_of(1).unwrap_or(0), proto_min: u32_of(2), proto_max: u32_of(3) }
        }
        "redir" => {
            Expr::Masq { redirect: true, proto_min: u32_of(1), proto_max: u32_of(2), flags: u32_of(3).unwrap_or(0) }
        }
        "reject" => Expr::Reject { kind: u32_of(1)?, code: get(2).and_then(|v| v.first().copied()).unwrap_or(0) },
        "log" => Expr::Log {
            group: get(1).and_then(|v| Some(u16::from_be_bytes(v.get(..2)?.try_into().ok()?))),
            prefix: get(2).map(string),
            snaplen: u32_of(3),
            qthreshold: get(4).and_then(|v| Some(u16::from_be_bytes(v.get(..2)?.try_into().ok()?))),
            level: u32_of(5),
            flags: u32_of(6),
        },
        "limit" => Expr::Limit {
            rate: u64_of(1)?,
            unit: u64_of(2)?,
            burst: u32_of(3).unwrap_or(0),
            kind: u32_of(4).unwrap_or(0),
            flags: u32_of(5).unwrap_or(0),
        },
        _ => return None,
    })
}
