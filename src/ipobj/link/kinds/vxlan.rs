//! vxlan: iproute2's `vxlan_parse_opt` and `vxlan_print_opt`.

use super::{LinkUtil, u};
use crate::ipobj::args::{Args, duparg2, invarg};
use crate::ipobj::grammar::matches;
use crate::ipobj::inet;
use crate::ipobj::link::Modify;
use crate::ipobj::link::format::hex0x;
use crate::ipobj::link::linkinfo::Env;
use crate::ipobj::link::write::{Held, P, Stop, index_of};
use crate::ipobj::out::Out;
use crate::ipobj::{Code, Ctx, Exit};
use crate::netlink::link::{KindData, LinkKindInfo};
use crate::netlink::link_ops::{LinkKind, VxlanOpt};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

const USAGE: &str = "Usage: ... vxlan id VNI
\t\t[ { group | remote } IP_ADDRESS ]
\t\t[ local ADDR ]
\t\t[ ttl TTL ]
\t\t[ tos TOS ]
\t\t[ df DF ]
\t\t[ flowlabel LABEL ]
\t\t[ dev PHYS_DEV ]
\t\t[ dstport PORT ]
\t\t[ srcport MIN MAX ]
\t\t[ [no]learning ]
\t\t[ [no]proxy ]
\t\t[ [no]rsc ]
\t\t[ [no]l2miss ]
\t\t[ [no]l3miss ]
\t\t[ ageing SECONDS ]
\t\t[ maxaddress NUMBER ]
\t\t[ [no]udpcsum ]
\t\t[ [no]udp6zerocsumtx ]
\t\t[ [no]udp6zerocsumrx ]
\t\t[ [no]remcsumtx ] [ [no]remcsumrx ]
\t\t[ [no]external ] [ gbp ] [ gpe ]
\t\t[ [no]vnifilter ]

Where:\tVNI\t:= 0-16777215
\tADDR\t:= { IP_ADDRESS | any }
\tTOS\t:= { NUMBER | inherit }
\tTTL\t:= { 1..255 | auto | inherit }
\tDF\t:= { unset | set | inherit }
\tLABEL := 0-1048575
";

pub(super) const VXLAN: LinkUtil = LinkUtil {
    parse: Some(parse_vxlan),
    print: Some(print_vxlan),
    ..LinkUtil::generic("vxlan", Some(USAGE), Some(("vxlan", "CONFIG_VXLAN")))
};

/// Which IFLA_VXLAN_* keys were given (iproute2's `check_duparg` bits).
#[derive(Default)]
struct Seen(u64);

impl Seen {
    fn mark(&mut self, bit: u32, key: &str, v: &OsStr) -> P<()> {
        if self.0 & (1 << bit) != 0 {
            return Err(duparg2(key, v).into());
        }
        self.0 |= 1 << bit;
        Ok(())
    }
    fn has(&self, bit: u32) -> bool {
        self.0 & (1 << bit) != 0
    }
}

// IFLA_VXLAN_* numbers, used as duplicate-check bits.
const VX_ID: u32 = 1;
const VX_GROUP: u32 = 2;
const VX_LINK: u32 = 3;
const VX_LOCAL: u32 = 4;
const VX_TTL: u32 = 5;
const VX_TOS: u32 = 6;
const VX_LEARNING: u32 = 7;
const VX_AGEING: u32 = 8;
const VX_LIMIT: u32 = 9;
const VX_PORT_RANGE: u32 = 10;
const VX_PROXY: u32 = 11;
const VX_RSC: u32 = 12;
const VX_L2MISS: u32 = 13;
const VX_L3MISS: u32 = 14;
const VX_PORT: u32 = 15;
const VX_UDP_CSUM: u32 = 18;
const VX_ZCSUM6_TX: u32 = 19;
const VX_ZCSUM6_RX: u32 = 20;
const VX_REMCSUM_TX: u32 = 21;
const VX_REMCSUM_RX: u32 = 22;
const VX_GBP: u32 = 23;
const VX_COLLECT_METADATA: u32 = 25;
const VX_LABEL: u32 = 26;
const VX_GPE: u32 = 27;
const VX_DF: u32 = 29;
const VX_VNIFILTER: u32 = 30;

fn vxlan_fail(msg: &str) -> Stop {
    eprintln!("{msg}");
    Stop::Ret(Code::FAILED)
}

/// iproute2's `vxlan_parse_opt`.
fn parse_vxlan<'h>(ctx: &mut Ctx, what: Modify, words: &[OsString], _: &'h Held) -> P<LinkKind<'h>> {
    if words.is_empty() {
        // iproute2 parses options only when there are some.
        return Ok(LinkKind::Vxlan(Vec::new()));
    }
    let set_op = what == Modify::Set;
    let mut a = Args::new(words);
    let mut opts = Vec::new();
    let mut seen = Seen::default();
    let mut vni = 0u32;
    let mut learning = true;
    let mut dstport = 0u16;
    let mut metadata = false;
    let mut vnifilter = false;
    let mut local: Option<inet::Inet> = None;
    let mut remote: Option<inet::Inet> = None;
    let fam = |p: &Option<inet::Inet>| p.as_ref().map_or(0, |p| p.family);
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        let flag = |seen: &mut Seen, bit: u32| seen.mark(bit, &w.to_string_lossy(), w);
        if matches(wb, "id") || matches(wb, "vni") {
            let v = a.value()?;
            seen.mark(VX_ID, "id", v)?;
            vni = inet::get_unsigned(v.as_bytes()).filter(|&n| n < 1 << 24).ok_or_else(|| invarg("invalid id", v))?;
        } else if matches(wb, "group") || matches(wb, "remote") {
            let group = matches(wb, "group");
            let conflict = remote.as_ref().is_some_and(|r| r.is_multicast() != group && !r.wildcard);
            if conflict {
                eprintln!("vxlan: both group and remote cannot be specified");
                return Err(Stop::Ret(Code::FAILED));
            }
            let v = a.value()?;
            seen.mark(VX_GROUP, if group { "group" } else { "remote" }, v)?;
            let addr = inet::get_addr(v, fam(&local))?;
            if addr.wildcard || addr.is_multicast() != group {
                return Err(invarg(if group { "invalid group address" } else { "invalid remote address" }, v).into());
            }
            remote = Some(addr);
        } else if matches(wb, "local") {
            let v = a.value()?;
            seen.mark(VX_LOCAL, "local", v)?;
            let addr = inet::get_addr(v, fam(&remote))?;
            if addr.wildcard || addr.is_multicast() {
                return Err(invarg("invalid local address", v).into());
            }
            local = Some(addr);
        } else if matches(wb, "dev") {
            let v = a.value()?;
            seen.mark(VX_LINK, "dev", v)?;
            let Some(i) = index_of(ctx, v)? else {
                crate::errln!("Cannot find device \"", v, "\"");
                return Err(Stop::Exit(Exit::FAILURE));
            };
            opts.push(VxlanOpt::Link(i));
        } else if matches(wb, "ttl") || matches(wb, "hoplimit") {
            let v = a.value()?;
            seen.mark(VX_TTL, "ttl", v)?;
            match v.as_bytes() {
                b"inherit" => opts.push(VxlanOpt::TtlInherit),
                b"auto" => opts.push(VxlanOpt::Ttl(0)),
                b => {
                    let n = inet::get_unsigned(b).ok_or_else(|| invarg("invalid TTL", v))?;
                    if n > 255 {
                        return Err(invarg("TTL must be <= 255", v).into());
                    }
                    opts.push(VxlanOpt::Ttl(n as u8));
                }
            }
        } else if matches(wb, "tos") || matches(wb, "dsfield") {
            let v = a.value()?;
            seen.mark(VX_TOS, "tos", v)?;
            let tos = if v.as_bytes() == b"inherit" {
                1
            } else {
                dsfield(v.as_bytes()).ok_or_else(|| invarg("bad TOS value", v))?
            };
            opts.push(VxlanOpt::Tos(tos));
        } else if matches(wb, "df") {
            let v = a.value()?;
            seen.mark(VX_DF, "df", v)?;
            let df = match v.as_bytes() {
                b"unset" => 0,
                b"set" => 1,
                b"inherit" => 2,
                _ => return Err(invarg("DF must be 'unset', 'set' or 'inherit'", v).into()),
            };
            opts.push(VxlanOpt::Df(df));
        } else if matches(wb, "label") || matches(wb, "flowlabel") {
            let v = a.value()?;
            seen.mark(VX_LABEL, "flowlabel", v)?;
            let l = inet::get_unsigned(v.as_bytes())
                .filter(|&l| l & !0xfffff == 0)
                .ok_or_else(|| invarg("invalid flowlabel", v))?;
            opts.push(VxlanOpt::Label(l));
        } else if matches(wb, "ageing") {
            let v = a.value()?;
            seen.mark(VX_AGEING, "ageing", v)?;
            let n = if v.as_bytes() == b"none" {
                0
            } else {
                inet::get_unsigned(v.as_bytes()).ok_or_else(|| invarg("ageing timer", v))?
            };
            opts.push(VxlanOpt::Ageing(n));
        } else if matches(wb, "maxaddress") {
            let v = a.value()?;
            seen.mark(VX_LIMIT, "maxaddress", v)?;
            let n = if v.as_bytes() == b"unlimited" {
                0
            } else {
                inet::get_unsigned(v.as_bytes()).ok_or_else(|| invarg("max addresses", v))?
            };
            opts.push(VxlanOpt::Limit(n));
        } else if matches(wb, "port") || matches(wb, "srcport") {
            let v = a.value()?;
            seen.mark(VX_PORT_RANGE, "srcport", v)?;
            let lo = inet::get_u16(v.as_bytes()).ok_or_else(|| invarg("min port", v))?;
            let v = a.value()?;
            let hi = inet::get_u16(v.as_bytes()).ok_or_else(|| invarg("max port", v))?;
            if lo != 0 || hi != 0 {
                opts.push(VxlanOpt::PortRange(lo, hi));
            }
        } else if matches(wb, "dstport") {
            let v = a.value()?;
            seen.mark(VX_PORT, "dstport", v)?;
            dstport = inet::get_u16(v.as_bytes()).ok_or_else(|| invarg("dst port", v))?;
        } else if matches(wb, "nolearning") {
            flag(&mut seen, VX_LEARNING)?;
            learning = false;
        } else if matches(wb, "learning") {
            flag(&mut seen, VX_LEARNING)?;
            learning = true;
        } else if let Some((bit, make, on)) = vxlan_switch(wb) {
            flag(&mut seen, bit)?;
            opts.push(make(on));
        } else if matches(wb, "external") {
            flag(&mut seen, VX_COLLECT_METADATA)?;
            metadata = true;
            learning = false;
            opts.push(VxlanOpt::CollectMetadata(true));
        } else if matches(wb, "noexternal") {
            flag(&mut seen, VX_COLLECT_METADATA)?;
            metadata = false;
            opts.push(VxlanOpt::CollectMetadata(false));
        } else if matches(wb, "gbp") {
            flag(&mut seen, VX_GBP)?;
            opts.push(VxlanOpt::Gbp);
        } else if matches(wb, "gpe") {
            flag(&mut seen, VX_GPE)?;
            opts.push(VxlanOpt::Gpe);
        } else if wb == b"vnifilter" || wb == b"novnifilter" {
            flag(&mut seen, VX_VNIFILTER)?;
            vnifilter = wb == b"vnifilter";
            opts.push(VxlanOpt::Vnifilter(vnifilter));
        } else if matches(wb, "help") {
            eprint!("{USAGE}");
            return Err(Stop::Ret(Code::FAILED));
        } else {
            crate::errln!("vxlan: unknown command \"", w, "\"?");
            eprint!("{USAGE}");
            return Err(Stop::Ret(Code::FAILED));
        }
    }
    if !metadata && vnifilter {
        return Err(vxlan_fail("vxlan: vnifilter is valid only when 'external' is set"));
    }
    if metadata && seen.has(VX_ID) {
        return Err(vxlan_fail("vxlan: both 'external' and vni cannot be specified"));
    }
    if !metadata && !vnifilter && !seen.has(VX_ID) && !set_op {
        return Err(vxlan_fail("vxlan: missing virtual network identifier"));
    }
    if remote.as_ref().is_some_and(|r| r.is_multicast()) && !seen.has(VX_LINK) {
        return Err(vxlan_fail("vxlan: 'group' requires 'dev' to be specified"));
    }
    if !seen.has(VX_PORT) && seen.has(VX_GPE) {
        dstport = 4790;
    } else if !seen.has(VX_PORT) && !set_op {
        eprint!(
            "vxlan: destination port not specified\nWill use Linux kernel default (non-standard value)\n\
             Use 'dstport 4789' to get the IANA assigned value\nUse 'dstport 0' to get default and quiet this message\n"
        );
    }
    if seen.has(VX_ID) {
        opts.push(VxlanOpt::Id(vni));
    }
    let mut selected = false;
    if let Some(addr) = local.and_then(|l| l.addr) {
        opts.push(VxlanOpt::Local(addr));
        selected = true;
    }
    if let Some(addr) = remote.and_then(|r| r.addr) {
        opts.push(VxlanOpt::Group(addr));
        selected = true;
    }
    if !selected {
        match ctx.opts.family {
            crate::ipobj::Family::Inet => opts.push(VxlanOpt::Group(std::net::Ipv4Addr::UNSPECIFIED.into())),
            crate::ipobj::Family::Inet6 => opts.push(VxlanOpt::Group(std::net::Ipv6Addr::UNSPECIFIED.into())),
            _ => {}
        }
    }
    if !set_op || seen.has(VX_LEARNING) {
        opts.push(VxlanOpt::Learning(learning));
    }
    if dstport != 0 {
        opts.push(VxlanOpt::Port(dstport));
    }
    Ok(LinkKind::Vxlan(opts))
}

type Switch = (u32, fn(bool) -> VxlanOpt, bool);
type SwitchRow = (&'static str, u32, fn(bool) -> VxlanOpt, bool);

/// The `[no]KEY` boolean options of vxlan, in iproute2's matching order.
fn vxlan_switch(w: &[u8]) -> Option<Switch> {
    let table: &[SwitchRow] = &[
        ("noproxy", VX_PROXY, VxlanOpt::Proxy, false),
        ("proxy", VX_PROXY, VxlanOpt::Proxy, true),
        ("norsc", VX_RSC, VxlanOpt::Rsc, false),
        ("rsc", VX_RSC, VxlanOpt::Rsc, true),
        ("nol2miss", VX_L2MISS, VxlanOpt::L2Miss, false),
        ("l2miss", VX_L2MISS, VxlanOpt::L2Miss, true),
        ("nol3miss", VX_L3MISS, VxlanOpt::L3Miss, false),
        ("l3miss", VX_L3MISS, VxlanOpt::L3Miss, true),
        ("udpcsum", VX_UDP_CSUM, VxlanOpt::UdpCsum, true),
        ("noudpcsum", VX_UDP_CSUM, VxlanOpt::UdpCsum, false),
        ("udp6zerocsumtx", VX_ZCSUM6_TX, VxlanOpt::UdpZeroCsum6Tx, true),
        ("noudp6zerocsumtx", VX_ZCSUM6_TX, VxlanOpt::UdpZeroCsum6Tx, false),
        ("udp6zerocsumrx", VX_ZCSUM6_RX, VxlanOpt::UdpZeroCsum6Rx, true),
        ("noudp6zerocsumrx", VX_ZCSUM6_RX, VxlanOpt::UdpZeroCsum6Rx, false),
        ("remcsumtx", VX_REMCSUM_TX, VxlanOpt::RemCsumTx, true),
        ("noremcsumtx", VX_REMCSUM_TX, VxlanOpt::RemCsumTx, false),
        ("remcsumrx", VX_REMCSUM_RX, VxlanOpt::RemCsumRx, true),
        ("noremcsumrx", VX_REMCSUM_RX, VxlanOpt::RemCsumRx, false),
    ];
    table.iter().find(|(k, ..)| matches(w, k)).map(|&(_, bit, make, on)| (bit, make, on))
}

/// `rtnl_dsfield_a2n` without the names file: a number 0..=255 (hex by
/// default, as iproute2 reads it).
fn dsfield(w: &[u8]) -> Option<u8> {
    let digits = w.strip_prefix(b"0x").or_else(|| w.strip_prefix(b"0X")).unwrap_or(w);
    if digits.is_empty() || !digits.iter().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok().filter(|&v| v <= 255).map(|v| v as u8)
}

fn print_vxlan(out: &mut Out, env: &mut Env<'_>, info: &LinkKindInfo) {
    let Some(KindData::Vxlan(v)) = &info.data else { return };
    if v.collect_metadata == Some(true) {
        out.boolean("external", "external ", true);
    }
    if v.vnifilter == Some(true) {
        out.boolean("vnifilter", "vnifilter", true);
    }
    u(out, "id", "id ", v.id);
    if let Some(g) = v.group {
        if !g.is_unspecified() {
            if g.is_multicast() {
                out.string("group", "group ", g.to_string(), " ");
            } else {
                out.string("remote", "remote ", g.to_string(), " ");
            }
        }
    } else if let Some(g) = v.group6
        && !g.is_unspecified()
    {
        if g.is_multicast() {
            out.string("group6", "group ", g.to_string(), " ");
        } else {
            out.string("remote6", "remote ", g.to_string(), " ");
        }
    }
    if let Some(l) = v.local {
        if !l.is_unspecified() {
            out.string("local", "local ", l.to_string(), " ");
        }
    } else if let Some(l) = v.local6
        && !l.is_unspecified()
    {
        out.string("local6", "local ", l.to_string(), " ");
    }
    if let Some(link) = v.link
        && link != 0
    {
        let name = env.index_name(link);
        out.string("link", "dev ", name, " ");
    }
    if let Some((lo, hi)) = v.port_range {
        if out.is_json() {
            out.open_object(Some("port_range"));
            out.json_number("low", lo);
            out.json_number("high", hi);
            out.close_object();
        } else {
            out.text(format!("srcport {lo} {hi} "));
        }
    }
    u(out, "port", "dstport ", v.port);
    if let Some(l) = v.learning {
        out.json_bool("learning", l);
        if !l {
            out.text("nolearning ");
        }
    }
    for (val, key, text) in [
        (v.proxy, "proxy", "proxy "),
        (v.rsc, "rsc", "rsc "),
        (v.l2miss, "l2miss", "l2miss "),
        (v.l3miss, "l3miss", "l3miss "),
    ] {
        if val == Some(true) {
            out.boolean(key, text, true);
        }
    }
    let tos = v.tos.unwrap_or(0);
    if tos != 0 {
        if out.is_json() || tos != 1 {
            out.string("tos", "tos ", hex0x(tos.into()), " ");
        } else {
            out.text("tos inherit ");
        }
    }
    if v.ttl_inherit == Some(true) {
        out.text("ttl inherit ");
    } else if let Some(ttl) = v.ttl {
        if out.is_json() || ttl != 0 {
            out.number("ttl", "ttl ", ttl, " ");
        } else {
            out.text("ttl auto ");
        }
    }
    match v.df {
        Some(0) => out.json_string("df", "unset"),
        Some(1) => out.string("df", "df ", "set", " "),
        Some(2) => out.string("df", "df ", "inherit", " "),
        _ => {}
    }
    if let Some(label) = v.label
        && label != 0
    {
        out.string("label", "flowlabel ", hex0x(label.into()), " ");
    }
    match v.ageing {
        Some(0) if out.is_json() => out.json_number("ageing", 0),
        Some(0) => out.text("ageing none "),
        Some(age) => out.number("ageing", "ageing ", age, " "),
        None => {}
    }
    if let Some(max) = v.limit
        && max != 0
    {
        out.number("limit", "maxaddr ", max, " ");
    }
    for (val, key, text) in [
        (v.udp_csum, "udp_csum", "udpcsum "),
        (v.udp_zero_csum6_tx, "udp_zero_csum6_tx", "udp6zerocsumtx "),
        (v.udp_zero_csum6_rx, "udp_zero_csum6_rx", "udp6zerocsumrx "),
    ] {
        if let Some(on) = val {
            if out.is_json() {
                out.json_bool(key, on);
            } else {
                if !on {
                    out.text("no");
                }
                out.text(text);
            }
        }
    }
    if v.remcsum_tx == Some(true) {
        out.boolean("remcsum_tx", "remcsumtx ", true);
    }
    if v.remcsum_rx == Some(true) {
        out.boolean("remcsum_rx", "remcsumrx ", true);
    }
    if v.gbp {
        out.boolean("gbp", "gbp ", true);
    }
    if v.gpe {
        out.boolean("gpe", "gpe ", true);
    }
}
