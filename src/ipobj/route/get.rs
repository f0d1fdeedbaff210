//! `ip route get ADDRESS [from A] [iif D] [oif D] …` (`iproute_get`).

use super::cnum::{get_u16, get_u32};
use super::filter::RouteSel;
use super::inet::{AF_INET, AF_INET6, AF_UNSPEC, get_addr, get_prefix};
use super::names::{Names, dsfield_a2n};
use super::print::{Hidden, Printer};
use super::{nodev, preferred_family, usage};
use crate::ipobj::args::{Args, invarg};
use crate::ipobj::grammar::matches;
use crate::ipobj::out::Out;
use crate::ipobj::{Code, Ctx, Status};
use crate::netlink::route::{RTM_F_FIB_MATCH, RTM_F_LOOKUP_TABLE, RTM_F_NOTIFY, RouteQuery};
use std::ffi::OsStr;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

/// `inet_proto_a2n`: a protocol name from /etc/protocols, or a number.
fn ip_proto(arg: &[u8]) -> Option<u8> {
    if let Ok(text) = std::fs::read("/etc/protocols") {
        for line in text.split(|&c| c == b'\n') {
            let line = line.split(|&c| c == b'#').next().unwrap_or(&[]);
            let mut words = line.split(|c| c.is_ascii_whitespace()).filter(|w| !w.is_empty());
            let (Some(name), Some(num)) = (words.next(), words.next()) else { continue };
            if name == arg || words.any(|alias| alias == arg) {
                return std::str::from_utf8(num).ok()?.parse().ok();
            }
        }
    }
    super::cnum::get_u8(arg, 0)
}

/// `ip route get`
pub fn run(ctx: &mut Ctx, words: &[OsString]) -> Status {
    let mut q = RouteQuery::default();
    q.route.family = preferred_family(ctx);
    let (mut idev, mut odev): (Option<&OsStr>, Option<&OsStr>) = (None, None);
    let mut connected = false;
    let mut fib_match = false;
    let mut from_ok = false;
    let mut mark = 0;
    let mut address_found = false;
    let mut a = Args::new(words);
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if wb == b"tos" || matches(wb, "dsfield") {
            let v = a.value()?;
            q.route.tos = dsfield_a2n(v.as_bytes()).ok_or_else(|| invarg("TOS value is invalid\n", v))? as u8;
        } else if matches(wb, "from") {
            let v = a.value()?;
            if matches(v.as_bytes(), "help") {
                return Err(usage());
            }
            from_ok = true;
            let p = get_prefix(v, q.route.family)?;
            if q.route.family == AF_UNSPEC {
                q.route.family = p.family;
            }
            if p.bytelen > 0 {
                q.route.src = p.addr;
            }
            q.route.src_len = p.bitlen as u8;
        } else if matches(wb, "iif") {
            idev = Some(a.value()?);
        } else if matches(wb, "mark") {
            let v = a.value()?;
            mark = get_u32(v.as_bytes(), 0).ok_or_else(|| invarg("invalid mark value", v))?;
        } else if matches(wb, "oif") || wb == b"dev" {
            odev = Some(a.value()?);
        } else if matches(wb, "notify") {
            q.route.flags |= RTM_F_NOTIFY;
        } else if matches(wb, "connected") {
            connected = true;
        } else if matches(wb, "vrf") {
            let v = a.value()?;
            // No VRF devices on a kernel without CONFIG_NET_VRF.
            return Err(invarg("Invalid VRF\n", v));
        } else if matches(wb, "uid") {
            let v = a.value()?;
            q.route.uid = Some(get_u32(v.as_bytes(), 0).ok_or_else(|| invarg("invalid UID\n", v))?);
        } else if matches(wb, "fibmatch") {
            fib_match = true;
        } else if wb == b"as" {
            let mut v = a.value()?;
            if v.as_bytes() == b"to" {
                v = a.value()?;
            }
            let p = get_addr(v, q.route.family)?;
            if q.route.family == AF_UNSPEC {
                q.route.family = p.family;
            }
            q.route.newdst = p.addr;
        } else if matches(wb, "sport") {
            let v = a.value()?;
            q.sport = Some(get_u16(v.as_bytes(), 0).ok_or_else(|| invarg("invalid sport\n", v))?);
        } else if matches(wb, "dport") {
            let v = a.value()?;
            q.dport = Some(get_u16(v.as_bytes(), 0).ok_or_else(|| invarg("invalid dport\n", v))?);
        } else if matches(wb, "ipproto") {
            let v = a.value()?;
            q.ip_proto = Some(ip_proto(v.as_bytes()).ok_or_else(|| invarg("Invalid \"ipproto\" value\n", v))?);
        } else {
            let mut v: &OsStr = w;
            if v.as_bytes() == b"to" {
                v = a.value()?;
            }
            if matches(v.as_bytes(), "help") {
                return Err(usage());
            }
            let p = get_prefix(v, q.route.family)?;
            if q.route.family == AF_UNSPEC {
                q.route.family = p.family;
            }
            if p.bytelen > 0 {
                q.route.dst = p.addr;
            }
            if q.route.family == AF_INET && p.bitlen != 32 {
                crate::errln!(
                    "Warning: /",
                    p.bitlen.to_string(),
                    " as prefix is invalid, only /32 (or none) is supported."
                );
                q.route.dst_len = 32;
            } else if q.route.family == AF_INET6 && p.bitlen != 128 {
                crate::errln!(
                    "Warning: /",
                    p.bitlen.to_string(),
                    " as prefix is invalid, only /128 (or none) is supported."
                );
                q.route.dst_len = 128;
            } else {
                q.route.dst_len = p.bitlen as u8;
            }
            address_found = true;
        }
    }
    if !address_found {
        crate::errln!("need at least a destination address");
        return Ok(Code::FAILED);
    }
    let opts = ctx.opts.clone();
    let nl = ctx.netlink()?;
    let links = nl.link_map().unwrap_or_default();
    if let Some(d) = idev {
        let i = links.index(d.as_bytes());
        if i == 0 {
            return Ok(nodev(d));
        }
        q.route.iif = Some(i);
    }
    if let Some(d) = odev {
        let i = links.index(d.as_bytes());
        if i == 0 {
            return Ok(nodev(d));
        }
        q.route.oif = Some(i);
    }
    if mark != 0 {
        q.route.mark = Some(mark);
    }
    if q.route.family == AF_UNSPEC {
        q.route.family = AF_INET;
    }
    if q.route.family == AF_INET {
        q.route.flags |= RTM_F_LOOKUP_TABLE;
    }
    if fib_match {
        q.route.flags |= RTM_F_FIB_MATCH;
    }
    let printer = Printer {
        names: Names { numeric: opts.numeric },
        links: &links,
        details: opts.details,
        stats: opts.stats,
        hidden: Hidden::default(),
        typemask: 0,
    };
    let sel = RouteSel { preferred_family: preferred_family(ctx), tb: 0, cloned: None, ..RouteSel::default() };
    let nl = ctx.netlink()?;
    let mut answer = match nl.route_get(&q) {
        Ok(Some(r)) => r,
        Ok(None) => return Ok(Code::REFUSED),
        Err(e) => {
            crate::errln!(e.iproute2_line());
            return Ok(Code::REFUSED);
        }
    };
    let mut out = Out::new(opts.json, opts.pretty, opts.oneline);
    if connected && !from_ok {
        // Print the first answer, then ask again from its source address.
        out.start_list();
        let mut v6 = false;
        if sel.accepts(&answer, &mut v6) {
            printer.print(&mut out, &answer);
        }
        out.end_list();
        let first = out.finish();
        ctx.write(&first);
        out = Out::new(opts.json, opts.pretty, opts.oneline);
        if let Some(src) = answer.prefsrc {
            q.route.src = Some(src);
            q.route.src_len = if src.is_ipv4() { 32 } else { 128 };
        } else if answer.src.is_none() {
            crate::errln!("Failed to connect the route");
            return Ok(Code::FAILED);
        } else {
            q.route.src = answer.src;
            q.route.src_len = answer.src_len;
        }
        if odev.is_none() {
            q.route.oif = None;
        }
        if idev.is_none() {
            q.route.iif = None;
        }
        let nl = ctx.netlink()?;
        answer = match nl.route_get(&q) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(Code::REFUSED),
            Err(e) => {
                crate::errln!(e.iproute2_line());
                return Ok(Code::REFUSED);
            }
        };
    }
    out.start_list();
    let mut v6 = false;
    if sel.accepts(&answer, &mut v6) {
        printer.print(&mut out, &answer);
    }
    out.end_list();
    let bytes = out.finish();
    ctx.write(&bytes);
    Ok(Code::SUCCESS)
}
