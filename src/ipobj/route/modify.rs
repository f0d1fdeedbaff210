//! `ip route add|del|change|replace|prepend|append|test ROUTE`
//! (`iproute_modify`, `parse_nexthops`).

use super::cnum::{get_u8, get_u32, strtoul};
use super::inet::{AF_INET, AF_MPLS, AF_UNSPEC, Prefix, get_addr, get_prefix, read_family};
use super::names::{dsfield_a2n, proto_a2n, realms_a2n, rtntype_a2n, scope_a2n, table_a2n};
use super::{nodev, preferred_family, usage};
use crate::ipobj::args::{Args, duparg2, invarg};
use crate::ipobj::grammar::matches;
use crate::ipobj::{Code, Ctx, Exit, Status};
use crate::netlink::route::{
    LinkMap, Metrics, NextHop, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN, RTN_ANYCAST,
    RTN_BROADCAST, RTN_LOCAL, RTN_NAT, RTN_UNICAST, RTNH_F_ONLINK, RTPROT_BOOT, Route, RouteOp, default_scope,
};
use std::ffi::{OsStr, OsString};
use std::net::IpAddr;
use std::os::unix::ffi::OsStrExt;

/// RTAX numbers of the metrics that take `lock` and a plain number.
const PLAIN_METRICS: &[(&str, bool, usize, &str)] = &[
    // (word, prefix match?, RTAX, invalid-value message)
    ("mtu", false, 2, "\"mtu\" value is invalid\n"),
    ("advmss", false, 8, "\"mss\" value is invalid\n"),
    ("reordering", true, 9, "\"reordering\" value is invalid\n"),
    ("window", true, 3, "\"window\" value is invalid\n"),
    ("cwnd", true, 7, "\"cwnd\" value is invalid\n"),
    ("initcwnd", true, 11, "\"initcwnd\" value is invalid\n"),
    ("initrwnd", true, 14, "\"initrwnd\" value is invalid\n"),
    ("ssthresh", true, 6, "\"ssthresh\" value is invalid\n"),
];

/// `get_time_rtt`: milliseconds, with `s`/`ms` suffixes; `raw` when no
/// suffix was given (the kernel's own units).
fn time_rtt(arg: &[u8]) -> Option<(u32, bool)> {
    let (t, end) = if arg.contains(&b'.') {
        let text = std::str::from_utf8(arg).ok()?;
        let digits =
            text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(text.len());
        let t: f64 = text[..digits].parse().ok()?;
        if t < 0.0 {
            return None;
        }
        (t, digits)
    } else {
        let (v, overflow, end) = strtoul(arg, 0);
        if end == 0 || overflow {
            return None;
        }
        (v as f64, end)
    };
    let suffix = std::str::from_utf8(&arg[end..]).ok()?.to_ascii_lowercase();
    let (t, raw) = match suffix.as_str() {
        "" => (t, true),
        "s" | "sec" | "secs" => (t * 1000.0, false),
        "ms" | "msec" | "msecs" => (t, false),
        _ => return None,
    };
    let mut v = t as u32;
    if f64::from(v) < t {
        v += 1;
    }
    Some((v, raw))
}

/// Where an address goes: RTA_GATEWAY when it has the route's family,
/// RTA_VIA otherwise.
fn set_gateway(family: &mut u8, p: &Prefix, gateway: &mut Option<IpAddr>, via: &mut Option<IpAddr>) {
    if *family == AF_UNSPEC {
        *family = p.family;
    }
    if p.family == *family {
        *gateway = p.addr;
    } else {
        *via = p.addr;
    }
}

/// `parse_one_nh`: the words of one `nexthop` up to the next `nexthop`.
fn parse_nexthop(a: &mut Args, r: &mut Route, links: &LinkMap) -> Result<Result<NextHop, i32>, Exit> {
    let mut nh = NextHop::default();
    while let Some(w) = a.peek() {
        let wb = w.as_bytes();
        if wb == b"via" {
            a.next_word();
            let mut v = a.value()?;
            let mut family = read_family(v.as_bytes());
            if family == AF_UNSPEC {
                family = r.family;
            } else {
                v = a.value()?;
            }
            let p = get_addr(v, family)?;
            set_gateway(&mut r.family, &p, &mut nh.gateway, &mut nh.via);
        } else if wb == b"dev" {
            a.next_word();
            let v = a.value()?;
            nh.ifindex = links.index(v.as_bytes());
            if nh.ifindex == 0 {
                return Ok(Err(nodev(v)));
            }
        } else if wb == b"weight" {
            a.next_word();
            let v = a.value()?;
            match get_u32(v.as_bytes(), 0) {
                Some(w) if (1..=256).contains(&w) => nh.hops = (w - 1) as u8,
                _ => return Err(invarg("\"weight\" is invalid\n", v)),
            }
        } else if wb == b"onlink" {
            a.next_word();
            nh.flags |= RTNH_F_ONLINK as u8;
        } else if matches(wb, "realms") {
            a.next_word();
            let v = a.value()?;
            nh.realm = Some(realms_a2n(v.as_bytes()).ok_or_else(|| invarg("\"realm\" value is invalid\n", v))?);
        } else if wb == b"encap" {
            return Err(unsupported("encap"));
        } else if wb == b"as" {
            a.next_word();
            let mut v = a.value()?;
            if v.as_bytes() == b"to" {
                v = a.value()?;
            }
            nh.newdst = get_addr(v, r.family)?.addr;
        } else {
            break;
        }
    }
    Ok(Ok(nh))
}

/// `parse_nexthops`: `nexthop NH [nexthop NH]…` to the end of the line.
fn parse_nexthops(a: &mut Args, r: &mut Route, links: &LinkMap) -> Result<Result<(), i32>, Exit> {
    while let Some(w) = a.next_word() {
        if w.as_bytes() != b"nexthop" {
            crate::errln!("Error: \"nexthop\" or end of line is expected instead of \"", w, "\"");
            return Err(Exit::FAILURE);
        }
        if a.is_empty() {
            crate::errln!("Error: unexpected end of line after \"nexthop\"");
            return Err(Exit::FAILURE);
        }
        match parse_nexthop(a, r, links)? {
            Ok(nh) => r.multipath.push(nh),
            Err(_) => {
                crate::errln!("Error: cannot parse nexthop");
                return Err(Exit::FAILURE);
            }
        }
    }
    Ok(Ok(()))
}

fn unsupported(what: &str) -> Exit {
    crate::errln!("netns: \"", what, "\" (lightweight tunnel encapsulation) is not supported; use ip route");
    Exit::FAILURE
}

/// `iproute_modify`
pub fn run(ctx: &mut Ctx, op: RouteOp, words: &[OsString]) -> Status {
    let delete = op == RouteOp::Delete;
    let mut r =
        Route { family: preferred_family(ctx), table: RT_TABLE_MAIN, scope: RT_SCOPE_NOWHERE, ..Route::default() };
    if !delete {
        r.protocol = RTPROT_BOOT;
        r.scope = RT_SCOPE_UNIVERSE;
        r.kind = RTN_UNICAST;
    }
    let mut metrics = Metrics::default();
    let mut lock: u32 = 0;
    let mut any_metric = false;
    let mut dev: Option<&OsStr> = None;
    let (mut gw_ok, mut dst_ok, mut nhs_ok, mut scope_ok, mut table_ok, mut type_ok) =
        (false, false, false, false, false, false);
    let mut a = Args::new(words);
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if wb == b"src" {
            let v = a.value()?;
            let p = get_addr(v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            r.prefsrc = p.addr;
        } else if wb == b"as" {
            let mut v = a.value()?;
            if v.as_bytes() == b"to" {
                v = a.value()?;
            }
            let p = get_addr(v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            r.newdst = p.addr;
        } else if wb == b"via" {
            if gw_ok {
                return Err(invarg("use nexthop syntax to specify multiple via\n", w));
            }
            gw_ok = true;
            let mut v = a.value()?;
            let mut family = read_family(v.as_bytes());
            if family == AF_UNSPEC {
                family = r.family;
            } else {
                v = a.value()?;
            }
            let p = get_addr(v, family)?;
            let (mut g, mut via) = (None, None);
            set_gateway(&mut r.family, &p, &mut g, &mut via);
            r.gateway = g;
            r.via = via;
        } else if wb == b"from" {
            let v = a.value()?;
            let p = get_prefix(v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            if p.bytelen > 0 {
                r.src = p.addr;
            }
            r.src_len = p.bitlen as u8;
        } else if wb == b"tos" || matches(wb, "dsfield") {
            let v = a.value()?;
            r.tos = dsfield_a2n(v.as_bytes()).ok_or_else(|| invarg("\"tos\" value is invalid\n", v))? as u8;
        } else if wb == b"expires" {
            let v = a.value()?;
            r.expires = Some(get_u32(v.as_bytes(), 0).ok_or_else(|| invarg("\"expires\" value is invalid\n", v))?);
        } else if matches(wb, "metric") || matches(wb, "priority") || wb == b"preference" {
            let v = a.value()?;
            r.priority = Some(get_u32(v.as_bytes(), 0).ok_or_else(|| invarg("\"metric\" value is invalid\n", v))?);
        } else if wb == b"scope" {
            let v = a.value()?;
            r.scope = scope_a2n(v.as_bytes()).ok_or_else(|| invarg("invalid \"scope\" value\n", v))? as u8;
            scope_ok = true;
        } else if let Some(&(_, _, rtax, msg)) = PLAIN_METRICS
            .iter()
            .find(|(name, prefix, _, _)| if *prefix { matches(wb, name) } else { wb == name.as_bytes() })
        {
            let mut v = a.value()?;
            if v.as_bytes() == b"lock" {
                lock |= 1 << rtax;
                v = a.value()?;
            }
            metrics.values[rtax] = Some(get_u32(v.as_bytes(), 0).ok_or_else(|| invarg(msg, v))?);
            any_metric = true;
        } else if wb == b"hoplimit" {
            let mut v = a.value()?;
            if v.as_bytes() == b"lock" {
                lock |= 1 << 10;
                v = a.value()?;
            }
            let h = get_u32(v.as_bytes(), 0).filter(|&h| h <= 255);
            metrics.values[10] = Some(h.ok_or_else(|| invarg("\"hoplimit\" value is invalid\n", v))?);
            any_metric = true;
        } else if wb == b"rtt" || matches(wb, "rttvar") {
            let (rtax, scale, msg) = if wb == b"rtt" {
                (4, 8, "\"rtt\" value is invalid\n")
            } else {
                (5, 4, "\"rttvar\" value is invalid\n")
            };
            let mut v = a.value()?;
            if v.as_bytes() == b"lock" {
                lock |= 1 << rtax;
                v = a.value()?;
            }
            let (t, raw) = time_rtt(v.as_bytes()).ok_or_else(|| invarg(msg, v))?;
            metrics.values[rtax] = Some(if raw { t } else { t.wrapping_mul(scale) });
            any_metric = true;
        } else if wb == b"rto_min" {
            let v = a.value()?;
            lock |= 1 << 13;
            let (t, _) = time_rtt(v.as_bytes()).ok_or_else(|| invarg("\"rto_min\" value is invalid\n", v))?;
            metrics.values[13] = Some(t);
            any_metric = true;
        } else if matches(wb, "features") {
            let v = a.value()?;
            if v.as_bytes() != b"ecn" {
                return Err(invarg("\"features\" value not valid\n", v));
            }
            metrics.values[12] = Some(1);
            any_metric = true;
        } else if matches(wb, "quickack") || matches(wb, "fastopen_no_cookie") {
            let (name, rtax) = if matches(wb, "quickack") { ("quickack", 15) } else { ("fastopen_no_cookie", 17) };
            let v = a.value()?;
            let q = get_u32(v.as_bytes(), 0).ok_or_else(|| invarg(&format!("\"{name}\" value is invalid\n"), v))?;
            if q > 1 {
                return Err(invarg(&format!("\"{name}\" value should be 0 or 1\n"), v));
            }
            metrics.values[rtax] = Some(q);
            any_metric = true;
        } else if matches(wb, "congctl") {
            let mut v = a.value()?;
            if v.as_bytes() == b"lock" {
                lock |= 1 << 16;
                v = a.value()?;
            }
            metrics.cc_algo = Some(v.to_string_lossy().into_owned());
            any_metric = true;
        } else if matches(wb, "realms") {
            let v = a.value()?;
            r.realm = Some(realms_a2n(v.as_bytes()).ok_or_else(|| invarg("\"realm\" value is invalid\n", v))?);
        } else if wb == b"onlink" {
            r.flags |= RTNH_F_ONLINK;
        } else if wb == b"nexthop" {
            nhs_ok = true;
            break;
        } else if wb == b"nhid" {
            let v = a.value()?;
            r.nhid = Some(get_u32(v.as_bytes(), 0).ok_or_else(|| invarg("\"id\" value is invalid\n", v))?);
        } else if matches(wb, "protocol") {
            let v = a.value()?;
            r.protocol = proto_a2n(v.as_bytes()).ok_or_else(|| invarg("\"protocol\" value is invalid\n", v))? as u8;
        } else if matches(wb, "table") {
            let v = a.value()?;
            r.table = table_a2n(v.as_bytes()).ok_or_else(|| invarg("\"table\" value is invalid\n", v))?;
            table_ok = true;
        } else if matches(wb, "vrf") {
            let v = a.value()?;
            // No VRF devices on a kernel without CONFIG_NET_VRF.
            return Err(invarg("Invalid VRF\n", v));
        } else if wb == b"dev" || wb == b"oif" {
            dev = Some(a.value()?);
        } else if matches(wb, "pref") {
            let v = a.value()?;
            r.pref = Some(match v.as_bytes() {
                b"low" => 3,
                b"medium" => 0,
                b"high" => 1,
                other => get_u8(other, 0).ok_or_else(|| invarg("\"pref\" value is invalid\n", v))?,
            });
        } else if wb == b"encap" {
            return Err(unsupported("encap"));
        } else if wb == b"ttl-propagate" {
            let v = a.value()?;
            r.ttl_propagate = Some(if matches(v.as_bytes(), "enabled") {
                1
            } else if matches(v.as_bytes(), "disabled") {
                0
            } else {
                return Err(invarg("\"ttl-propagate\" value is invalid\n", v));
            });
        } else {
            let mut v: &OsStr = w;
            if v.as_bytes() == b"to" {
                v = a.value()?;
            }
            let first = v.as_bytes().first().copied().unwrap_or(0);
            if !first.is_ascii_digit()
                && let Some(t) = rtntype_a2n(v.as_bytes())
            {
                v = a.value()?;
                r.kind = t;
                type_ok = true;
            }
            if matches(v.as_bytes(), "help") {
                return Err(usage());
            }
            if dst_ok {
                return Err(duparg2("to", v));
            }
            let p = get_prefix(v, r.family)?;
            if r.family == AF_UNSPEC {
                r.family = p.family;
            }
            r.dst_len = p.bitlen as u8;
            dst_ok = true;
            if p.bytelen > 0 {
                r.dst = p.addr;
            }
        }
    }
    if !dst_ok {
        return Err(usage());
    }
    let links = ctx.netlink()?.link_map().unwrap_or_default();
    if let Some(d) = dev {
        let idx = links.index(d.as_bytes());
        if idx == 0 {
            return Ok(nodev(d));
        }
        r.oif = Some(idx);
    }
    if any_metric {
        if lock != 0 {
            metrics.values[1] = Some(lock);
        }
        r.metrics = Some(metrics);
    }
    if nhs_ok {
        // Back up to the `nexthop` word the loop stopped at.
        let rest = &words[words.len() - a.len() - 1..];
        let mut na = Args::new(rest);
        if let Err(code) = parse_nexthops(&mut na, &mut r, &links)? {
            return Ok(code);
        }
    }
    if r.family == AF_UNSPEC {
        r.family = AF_INET;
    }
    if !table_ok && matches!(r.kind, RTN_LOCAL | RTN_BROADCAST | RTN_NAT | RTN_ANYCAST) {
        r.table = RT_TABLE_LOCAL;
    }
    if !scope_ok {
        r.scope = default_scope(&r, delete);
    }
    if !type_ok && r.family == AF_MPLS {
        r.kind = RTN_UNICAST;
    }
    match ctx.netlink()?.route_write(&r, op) {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => {
            crate::errln!(e.iproute2_line());
            Ok(Code::REFUSED)
        }
    }
}
