//! Legacy iptables (x_tables) tables in iptables' own words.
//!
//! A table arrives as a list of entries ([`crate::xtables`]): each
//! built-in chain runs from its hook's first entry to its policy entry; a
//! user chain starts with an `ERROR` entry carrying its name and ends with
//! an unconditional `RETURN` that iptables does not show; a standard
//! target's positive verdict is the offset of the entry it jumps to. This
//! module rebuilds the chains from that and writes each rule as
//! `iptables-save` does (`-s 10.0.0.0/24 -p tcp -m tcp --dport 22 -j
//! ACCEPT`). A match or target it cannot put in words is shown in
//! brackets, `[match NAME rev N, K bytes]`, never left out.

use super::{Backend, Chain, Rule, Ruleset, Table};
use crate::xtables::{StdVerdict, XtEntry, XtExt, XtFamily, XtTable, cstr, iface, inv};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::IpAddr;

const HOOK_CHAINS: [&str; 5] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];
const HOOK_WORDS: [&str; 5] = ["prerouting", "input", "forward", "output", "postrouting"];

/// The backend-neutral ruleset of the legacy tables read (both families).
pub fn ruleset(tables: &[XtTable]) -> Ruleset {
    let mut tables: Vec<&XtTable> = tables.iter().collect();
    // The kernel lists tables newest first; show them in a fixed order.
    let rank = |t: &XtTable| {
        let order = ["filter", "nat", "mangle", "raw", "security"];
        (t.family == XtFamily::Ipv6, order.iter().position(|&n| n == t.name).unwrap_or(order.len()), t.name.clone())
    };
    tables.sort_by_key(|t| rank(t));
    Ruleset { backend: Backend::IptablesLegacy, tables: tables.into_iter().map(table).collect() }
}

/// One table's chains and rules.
pub fn table(t: &XtTable) -> Table {
    let fam = t.family;
    // Where each user chain's rules start (the entry after its head), so
    // that a jump's offset names the chain.
    let mut chain_at: HashMap<u32, String> = HashMap::new();
    for e in &t.entries {
        if let Some(n) = e.target.error_name() {
            chain_at.insert(e.offset + e.next_offset, n.clone());
            chain_at.insert(e.offset, n);
        }
    }
    let mut chains: Vec<Chain> = Vec::new();
    let mut user_tail = false;
    for (i, e) in t.entries.iter().enumerate() {
        if let Some(h) = (0..5).find(|&h| t.valid_hooks & (1 << h) != 0 && t.hook_entry[h] == e.offset) {
            chains.push(Chain {
                name: HOOK_CHAINS[h].to_string(),
                hook: Some(HOOK_WORDS[h].to_string()),
                prio: None,
                policy: None,
                kind: None,
                packets: None,
                bytes: None,
                rules: Vec::new(),
            });
            user_tail = false;
        }
        if let Some(name) = e.target.error_name() {
            if i + 1 == t.entries.len() {
                break; // the table's end marker
            }
            chains.push(Chain {
                name,
                hook: None,
                prio: None,
                policy: None,
                kind: None,
                packets: None,
                bytes: None,
                rules: Vec::new(),
            });
            user_tail = true;
            continue;
        }
        let Some(chain) = chains.last_mut() else { continue };
        // A built-in chain's last entry is its policy.
        if (0..5).any(|h| t.valid_hooks & (1 << h) != 0 && t.underflow[h] == e.offset) {
            chain.policy = e.target.standard_verdict().map(policy_word);
            chain.packets = Some(e.packets);
            chain.bytes = Some(e.bytes);
            continue;
        }
        // A user chain's last entry is its implicit RETURN.
        let next_is_head = t.entries.get(i + 1).is_some_and(|n| n.target.error_name().is_some());
        if user_tail && next_is_head && is_plain_return(fam, e) {
            continue;
        }
        chain.rules.push(rule(fam, e, &chain_at, &t.set_names));
    }
    Table { family: if fam == XtFamily::Ipv4 { "ip" } else { "ip6" }.to_string(), name: t.name.clone(), chains }
}

fn policy_word(v: StdVerdict) -> String {
    match v {
        StdVerdict::Accept => "accept".into(),
        StdVerdict::Drop => "drop".into(),
        StdVerdict::Queue => "queue".into(),
        StdVerdict::Return => "return".into(),
        StdVerdict::Jump(o) => format!("[jump to offset {o}]"),
        StdVerdict::Other(v) => format!("[verdict {v}]"),
    }
}

fn is_plain_return(fam: XtFamily, e: &XtEntry) -> bool {
    e.matches.is_empty()
        && e.proto == 0
        && e.iniface.is_empty()
        && e.outiface.is_empty()
        && e.invflags == 0
        && !e.is_fragment(fam)
        && e.src.1.is_unspecified()
        && e.dst.1.is_unspecified()
        && e.target.standard_verdict() == Some(StdVerdict::Return)
}

/// The prefix length of a contiguous mask; `None` for another mask.
fn prefix(mask: IpAddr) -> Option<u32> {
    let (ones, bits) = match mask {
        IpAddr::V4(m) => (u32::from(m).leading_ones(), u32::from(m).count_ones()),
        IpAddr::V6(m) => (u128::from(m).leading_ones(), u128::from(m).count_ones()),
    };
    (ones == bits).then_some(ones)
}

/// An address match as `-vnL` shows it (a host without `/32`); `None`:
/// any address.
fn addr_column((a, m): (IpAddr, IpAddr), negated: bool) -> Option<String> {
    if m.is_unspecified() && !negated {
        return None;
    }
    let full = if a.is_ipv4() { 32 } else { 128 };
    let body = match prefix(m) {
        Some(p) if p == full => a.to_string(),
        Some(p) => format!("{a}/{p}"),
        None => format!("{a}/{m}"),
    };
    Some(if negated { format!("!{body}") } else { body })
}

/// An address as iptables-save writes it (always with its prefix).
fn addr_save((a, m): (IpAddr, IpAddr)) -> String {
    match prefix(m) {
        Some(p) => format!("{a}/{p}"),
        None => format!("{a}/{m}"),
    }
}

fn proto_name(p: u16) -> String {
    match p {
        1 => "icmp".into(),
        2 => "igmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        41 => "ipv6".into(),
        47 => "gre".into(),
        50 => "esp".into(),
        51 => "ah".into(),
        58 => "ipv6-icmp".into(),
        112 => "vrrp".into(),
        132 => "sctp".into(),
        p => p.to_string(),
    }
}

fn quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:,+".contains(c)) {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn rule(fam: XtFamily, e: &XtEntry, chain_at: &HashMap<u32, String>, sets: &BTreeMap<u16, String>) -> Rule {
    let mut w: Vec<String> = Vec::new();
    let neg = |bit: u8| if e.invflags & bit != 0 { "! " } else { "" };
    if !e.src.1.is_unspecified() || e.invflags & inv::SRCIP != 0 {
        w.push(format!("{}-s {}", neg(inv::SRCIP), addr_save(e.src)));
    }
    if !e.dst.1.is_unspecified() || e.invflags & inv::DSTIP != 0 {
        w.push(format!("{}-d {}", neg(inv::DSTIP), addr_save(e.dst)));
    }
    if !e.iniface.is_empty() {
        w.push(format!("{}-i {}", neg(inv::VIA_IN), e.iniface));
    }
    if !e.outiface.is_empty() {
        w.push(format!("{}-o {}", neg(inv::VIA_OUT), e.outiface));
    }
    if e.proto != 0 {
        w.push(format!("{}-p {}", neg(inv::PROTO), proto_name(e.proto)));
    }
    if e.is_fragment(fam) {
        w.push(format!("{}-f", neg(inv::FRAG)));
    }
    let mut complete = true;
    let mut comment = None;
    for m in &e.matches {
        match match_words(fam, m, sets) {
            Some((name, s)) => {
                if m.name == "comment" {
                    comment = Some(cstr(&m.data));
                }
                w.push(format!("-m {name} {s}").trim_end().to_string());
            }
            None => {
                complete = false;
                w.push(format!("[match {} rev {}, {} bytes]", m.name, m.revision, m.data.len()));
            }
        }
    }
    let jump = if e.is_goto(fam) { "-g" } else { "-j" };
    let target = match e.target.standard_verdict() {
        Some(v) => {
            let t = match v {
                StdVerdict::Accept => Some("ACCEPT".to_string()),
                StdVerdict::Drop => Some("DROP".to_string()),
                StdVerdict::Queue => Some("QUEUE".to_string()),
                StdVerdict::Return => Some("RETURN".to_string()),
                StdVerdict::Jump(o) if o == e.offset + e.next_offset && !e.is_goto(fam) => None,
                StdVerdict::Jump(o) => Some(chain_at.get(&o).cloned().unwrap_or_else(|| {
                    complete = false;
                    format!("[jump to offset {o}]")
                })),
                StdVerdict::Other(v) => {
                    complete = false;
                    Some(format!("[verdict {v}]"))
                }
            };
            if let Some(t) = &t {
                w.push(format!("{jump} {t}"));
            }
            t
        }
        None => {
            let t = &e.target;
            match target_words(fam, t) {
                Some(s) => w.push(format!("-j {} {s}", t.name).trim_end().to_string()),
                None => {
                    complete = false;
                    w.push(format!("-j {} [target {} rev {}, {} bytes]", t.name, t.name, t.revision, t.data.len()));
                }
            }
            Some(t.name.clone())
        }
    };
    Rule {
        handle: None,
        packets: Some(e.packets),
        bytes: Some(e.bytes),
        target,
        prot: (e.proto != 0)
            .then(|| format!("{}{}", if e.invflags & inv::PROTO != 0 { "!" } else { "" }, proto_name(e.proto))),
        iif: (!e.iniface.is_empty())
            .then(|| format!("{}{}", if e.invflags & inv::VIA_IN != 0 { "!" } else { "" }, e.iniface)),
        out: (!e.outiface.is_empty())
            .then(|| format!("{}{}", if e.invflags & inv::VIA_OUT != 0 { "!" } else { "" }, e.outiface)),
        source: addr_column(e.src, e.invflags & inv::SRCIP != 0),
        destination: addr_column(e.dst, e.invflags & inv::DSTIP != 0),
        text: w.join(" "),
        comment,
        complete,
    }
}

fn u16_ne(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u16_be(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_ne(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

fn ports(lo: u16, hi: u16) -> String {
    if lo == hi { lo.to_string() } else { format!("{lo}:{hi}") }
}

/// `--sport`/`--dport` of tcp and udp: nothing for the full range.
fn port_words(out: &mut Vec<String>, d: &[u8], invflags: u8) -> Option<()> {
    for (i, (at, word)) in [(0, "--sport"), (4, "--dport")].into_iter().enumerate() {
        let (lo, hi) = (u16_ne(d, at)?, u16_ne(d, at + 2)?);
        if lo != 0 || hi != 0xffff || invflags & (1 << i) != 0 {
            let n = if invflags & (1 << i) != 0 { "! " } else { "" };
            out.push(format!("{n}{word} {}", ports(lo, hi)));
        }
    }
    Some(())
}

/// conntrack state bits in iptables' order.
fn state_words(mask: u32, conntrack: bool) -> String {
    let mut names: Vec<(u32, &str)> = vec![(1, "INVALID"), (8, "NEW"), (4, "RELATED"), (2, "ESTABLISHED")];
    if conntrack {
        names.extend([(1 << 8, "UNTRACKED"), (1 << 6, "SNAT"), (1 << 7, "DNAT")]);
    } else {
        names.push((1 << 6, "UNTRACKED"));
    }
    let mut seen = 0;
    let mut parts: Vec<String> = Vec::new();
    for (b, n) in names {
        if mask & b != 0 {
            parts.push(n.to_string());
            seen |= b;
        }
    }
    if mask & !seen != 0 {
        parts.push(format!("{:#x}", mask & !seen));
    }
    parts.join(",")
}

/// A match's name and options in iptables-save's words; `None`: not
/// known.
fn match_words<'a>(fam: XtFamily, m: &'a XtExt, sets: &BTreeMap<u16, String>) -> Option<(&'a str, String)> {
    let d = &m.data;
    let mut name = m.name.as_str();
    let mut o: Vec<String> = Vec::new();
    match (m.name.as_str(), m.revision) {
        ("tcp", 0) => {
            let invf = *d.get(11)?;
            port_words(&mut o, d, invf)?;
            let (mask, cmp) = (*d.get(9)?, *d.get(10)?);
            if mask != 0 {
                let f = |v: u8| {
                    let names = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"];
                    let s: Vec<&str> = (0..6).filter(|b| v & (1 << b) != 0).map(|b| names[b]).collect();
                    if s.is_empty() { "NONE".to_string() } else { s.join(",") }
                };
                let n = if invf & 0x04 != 0 { "! " } else { "" };
                o.push(format!("{n}--tcp-flags {} {}", f(mask), f(cmp)));
            }
            if *d.get(8)? != 0 {
                let n = if invf & 0x08 != 0 { "! " } else { "" };
                o.push(format!("{n}--tcp-option {}", d[8]));
            }
        }
        ("udp", 0) => port_words(&mut o, d, *d.get(8)?)?,
        ("icmp", 0) | ("icmp6", 0) => {
            let (t, lo, hi, invf) = (*d.first()?, *d.get(1)?, *d.get(2)?, *d.get(3)?);
            let n = if invf & 1 != 0 { "! " } else { "" };
            let word = if fam == XtFamily::Ipv4 { "--icmp-type" } else { "--icmpv6-type" };
            let v = if t == 0xff && lo == 0 && hi == 0xff {
                "any".to_string()
            } else if lo == 0 && hi == 0xff {
                t.to_string()
            } else {
                format!("{t}/{lo}")
            };
            o.push(format!("{n}{word} {v}"));
        }
        ("state", 0) => o.push(format!("--state {}", state_words(u32_ne(d, 0)?, false))),
        ("conntrack", 1..=3) => {
            let flags = u16_ne(d, 146)?;
            let invert = u16_ne(d, 148)?;
            let state = if m.revision == 1 { u32::from(*d.get(150)?) } else { u32::from(u16_ne(d, 150)?) };
            // Only the state test is put in words; any other one is not.
            // `-m state` is this match with the alias flag.
            if flags & !STATE_ALIAS != 1 {
                return None;
            }
            let n = if invert & 1 != 0 { "! " } else { "" };
            if flags & STATE_ALIAS != 0 {
                name = "state";
                o.push(format!("{n}--state {}", state_words(state, true)));
            } else {
                o.push(format!("{n}--ctstate {}", state_words(state, true)));
            }
        }
        ("comment", 0) => o.push(format!("--comment {}", quote(&cstr(d)))),
        ("mark", 1) => {
            let (mark, mask, invert) = (u32_ne(d, 0)?, u32_ne(d, 4)?, *d.get(8)?);
            let n = if invert != 0 { "! " } else { "" };
            let mask = if mask == u32::MAX { String::new() } else { format!("/{mask:#x}") };
            o.push(format!("{n}--mark {mark:#x}{mask}"));
        }
        ("multiport", 1) => {
            let (flags, count) = (*d.first()?, usize::from(*d.get(1)?));
            if count > 15 {
                return None;
            }
            let mut list = Vec::new();
            let mut i = 0;
            while i < count {
                let p = u16_ne(d, 2 + 2 * i)?;
                if *d.get(32 + i)? != 0 && i + 1 < count {
                    list.push(format!("{p}:{}", u16_ne(d, 2 + 2 * (i + 1))?));
                    i += 2;
                } else {
                    list.push(p.to_string());
                    i += 1;
                }
            }
            let word = match flags {
                0 => "--sports",
                1 => "--dports",
                2 => "--ports",
                _ => return None,
            };
            let n = if *d.get(47)? != 0 { "! " } else { "" };
            o.push(format!("{n}{word} {}", list.join(",")));
        }
        ("set", 1..=4) => {
            // struct xt_set_info: index, dimensions, flags (bit 0 inverts,
            // bit i: dimension i is the source).
            let (index, dim, flags) = (u16_ne(d, 0)?, *d.get(2)?, *d.get(3)?);
            // Counter tests and update options (revisions 3 and 4) are not
            // put in words.
            if m.revision >= 3 && d.get(4..)?.iter().any(|&b| b != 0) {
                return None;
            }
            let dirs: Vec<&str> = (1..=dim.min(6)).map(|i| if flags & (1 << i) != 0 { "src" } else { "dst" }).collect();
            let n = if flags & 1 != 0 { "! " } else { "" };
            // The rule holds the set's index; its name is asked of ipset.
            let set = sets.get(&index).map_or_else(|| format!("[set #{index}]"), |s| quote(s));
            o.push(format!("{n}--match-set {set} {}", dirs.join(",")));
        }
        ("physdev", 0) => {
            let (invert, bits) = (*d.get(64)?, *d.get(65)?);
            let n = |b: u8| if invert & b != 0 { "! " } else { "" };
            if bits & 1 != 0 {
                o.push(format!("{}--physdev-in {}", n(1), iface(d.get(0..16)?, d.get(16..32)?)));
            }
            if bits & 2 != 0 {
                o.push(format!("{}--physdev-out {}", n(2), iface(d.get(32..48)?, d.get(48..64)?)));
            }
            for (b, w) in [(8u8, "--physdev-is-in"), (16, "--physdev-is-out"), (4, "--physdev-is-bridged")] {
                if bits & b != 0 {
                    o.push(format!("{}{w}", n(b)));
                }
            }
        }
        _ => return None,
    }
    Some((name, o.join(" ")))
}

/// The conntrack match's flag for a rule written as `-m state`.
const STATE_ALIAS: u16 = 1 << 13;

/// A NAT range: `ADDR[-ADDR][:PORT[-PORT]]` and its flags' words.
fn nat_range(fam: XtFamily, flags: u32, min: IpAddr, max: IpAddr, pmin: u16, pmax: u16) -> (String, Vec<&'static str>) {
    let mut s = String::new();
    if flags & 1 != 0 {
        let a = |x: IpAddr| if fam == XtFamily::Ipv6 && flags & 2 != 0 { format!("[{x}]") } else { x.to_string() };
        s.push_str(&a(min));
        if max != min {
            let _ = write!(s, "-{}", a(max));
        }
    }
    if flags & 2 != 0 {
        let _ = write!(s, ":{pmin}");
        if pmax != pmin {
            let _ = write!(s, "-{pmax}");
        }
    }
    let mut extra = Vec::new();
    for (b, w) in [(4u32, "--random"), (8, "--persistent"), (16, "--random-fully")] {
        if flags & b != 0 {
            extra.push(w);
        }
    }
    (s, extra)
}

fn ip_at(fam: XtFamily, d: &[u8], at: usize) -> Option<IpAddr> {
    Some(match fam {
        XtFamily::Ipv4 => IpAddr::from(<[u8; 4]>::try_from(d.get(at..at + 4)?).ok()?),
        XtFamily::Ipv6 => IpAddr::from(<[u8; 16]>::try_from(d.get(at..at + 16)?).ok()?),
    })
}

/// The NAT range of SNAT, DNAT or MASQUERADE: the IPv4 compat layout
/// (revision 0) or `nf_nat_range` (1, 2; IPv6 MASQUERADE's 0).
fn nat_target(fam: XtFamily, t: &XtExt) -> Option<(u32, String, Vec<&'static str>)> {
    let d = &t.data;
    if fam == XtFamily::Ipv4 && t.revision == 0 {
        if u32_ne(d, 0)? != 1 {
            return None;
        }
        let flags = u32_ne(d, 4)?;
        let (s, e) = nat_range(fam, flags, ip_at(fam, d, 8)?, ip_at(fam, d, 12)?, u16_be(d, 16)?, u16_be(d, 18)?);
        return Some((flags, s, e));
    }
    let flags = u32_ne(d, 0)?;
    let (min, max) = match fam {
        XtFamily::Ipv4 => (ip_at(fam, d, 4)?, ip_at(fam, d, 20)?),
        XtFamily::Ipv6 => (ip_at(fam, d, 4)?, ip_at(fam, d, 20)?),
    };
    let (s, e) = nat_range(fam, flags, min, max, u16_be(d, 36)?, u16_be(d, 38)?);
    Some((flags, s, e))
}

/// A target's options in iptables-save's words; `None`: not known.
fn target_words(fam: XtFamily, t: &XtExt) -> Option<String> {
    let d = &t.data;
    let mut o: Vec<String> = Vec::new();
    match t.name.as_str() {
        "SNAT" | "DNAT" => {
            let (flags, range, extra) = nat_target(fam, t)?;
            let word = if t.name == "SNAT" { "--to-source" } else { "--to-destination" };
            if flags & 3 != 0 {
                o.push(format!("{word} {range}"));
            }
            o.extend(extra.into_iter().map(str::to_string));
        }
        "MASQUERADE" | "REDIRECT" => {
            let (flags, _, extra) = nat_target(fam, t)?;
            if flags & 2 != 0 {
                let (lo, hi) = if fam == XtFamily::Ipv4 && t.revision == 0 {
                    (u16_be(d, 16)?, u16_be(d, 18)?)
                } else {
                    (u16_be(d, 36)?, u16_be(d, 38)?)
                };
                o.push(format!("--to-ports {}", if lo == hi { lo.to_string() } else { format!("{lo}-{hi}") }));
            }
            o.extend(extra.into_iter().map(str::to_string));
        }
        "REJECT" => {
            let with = u32_ne(d, 0)?;
            let names: &[&str] = match fam {
                XtFamily::Ipv4 => &[
                    "icmp-net-unreachable",
                    "icmp-host-unreachable",
                    "icmp-proto-unreachable",
                    "icmp-port-unreachable",
                    "icmp-echo-reply",
                    "icmp-net-prohibited",
                    "icmp-host-prohibited",
                    "tcp-reset",
                    "icmp-admin-prohibited",
                ],
                XtFamily::Ipv6 => &[
                    "icmp6-no-route",
                    "icmp6-adm-prohibited",
                    "icmp6-not-neighbour",
                    "icmp6-addr-unreachable",
                    "icmp6-port-unreachable",
                    "icmp6-echo-reply",
                    "tcp-reset",
                    "icmp6-policy-fail",
                    "icmp6-reject-route",
                ],
            };
            o.push(format!("--reject-with {}", names.get(with as usize)?));
        }
        "LOG" => {
            let (level, flags) = (*d.first()?, *d.get(1)?);
            let prefix = cstr(d.get(2..32)?);
            if !prefix.is_empty() {
                o.push(format!("--log-prefix {}", quote(&prefix)));
            }
            if level != 4 {
                o.push(format!("--log-level {level}"));
            }
            for (b, w) in [
                (1u8, "--log-tcp-sequence"),
                (2, "--log-tcp-options"),
                (4, "--log-ip-options"),
                (8, "--log-uid"),
                (0x20, "--log-macdecode"),
            ] {
                if flags & b != 0 {
                    o.push(w.to_string());
                }
            }
        }
        "MARK" if t.revision == 2 => {
            o.push(format!("--set-xmark {:#x}/{:#x}", u32_ne(d, 0)?, u32_ne(d, 4)?));
        }
        "CT" => {
            // Only --notrack: the flag alone, everything else zero (the
            // kernel's pointer at the end excepted).
            let flags = u16_ne(d, 0)?;
            let rest_zero = d.get(2..d.len().saturating_sub(8))?.iter().all(|&b| b == 0);
            if flags != 1 || !rest_zero {
                return None;
            }
            o.push("--notrack".into());
        }
        _ if d.iter().all(|&b| b == 0) && d.len() <= 8 => {}
        _ => return None,
    }
    Some(o.join(" "))
}

/// An x_tables match or target that an nf_tables rule carries (the
/// `match` and `target` expressions `iptables-nft` writes for what it has
/// no native expression for), in iptables-save's words: `-m NAME OPTS` or
/// `-j NAME OPTS`; `None` when not known. `name`, `revision` and `info`
/// are the expression's; the info is the extension's own bytes, as in a
/// legacy table.
pub(super) fn compat_words(ipv6: bool, target: bool, name: &str, revision: u8, info: &[u8]) -> Option<String> {
    let fam = if ipv6 { XtFamily::Ipv6 } else { XtFamily::Ipv4 };
    let ext = XtExt { name: name.to_string(), revision, data: info.to_vec() };
    if target {
        let s = target_words(fam, &ext)?;
        Some(format!("-j {name} {s}").trim_end().to_string())
    } else {
        let (shown, s) = match_words(fam, &ext, &BTreeMap::new())?;
        Some(format!("-m {shown} {s}").trim_end().to_string())
    }
}

/// Read both families' legacy tables through `socks`.
pub fn read(socks: &[crate::xtables::XtSocket]) -> std::io::Result<Ruleset> {
    let mut tables = Vec::new();
    for s in socks {
        tables.extend(s.tables()?);
    }
    Ok(ruleset(&tables))
}

#[cfg(test)]
mod tests;
