//! `ip neigh add|del|change|replace` (`ipneigh_modify`) and `ip neigh get`.

use super::{nud_state, usage};
use crate::ipobj::args::{Args, duparg, duparg2, invarg};
use crate::ipobj::grammar::matches;
use crate::ipobj::out::Out;
use crate::ipobj::route::inet::{AF_INET, AF_UNSPEC, Prefix, get_addr, get_addr_1};
use crate::ipobj::route::names::{Names, proto_a2n};
use crate::ipobj::route::preferred_family;
use crate::ipobj::{Code, Ctx, Exit, Status};
use crate::netlink::neighbour::*;
use crate::netlink::route::RouteOp;
use std::ffi::{OsStr, OsString};
use std::net::IpAddr;
use std::os::unix::ffi::OsStrExt;

/// `ll_addr_a2n`: `aa:bb:…` (each part `%x`, at most 20 bytes) or a dotted
/// IPv4 address; on failure iproute2 names the offending part.
fn lladdr(arg: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    if arg.contains(&b'.') {
        return match get_addr_1(arg, AF_INET) {
            Some(Prefix { addr: Some(IpAddr::V4(a)), .. }) => Ok(a.octets().to_vec()),
            _ => Err(arg.to_vec()),
        };
    }
    let mut out = Vec::new();
    let mut rest = arg;
    loop {
        let (part, next) = match rest.iter().position(|&c| c == b':') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        // sscanf("%x"): optional blanks, sign and 0x, then hex digits.
        let (v, _, end) = crate::ipobj::route::cnum::strtoul(part, 16);
        if end == 0 || v > 255 {
            return Err(part.to_vec());
        }
        out.push(v as u8);
        match next {
            Some(n) if out.len() < 20 => rest = n,
            _ => break,
        }
    }
    Ok(out)
}

/// `ipneigh_modify`
pub fn run(ctx: &mut Ctx, op: RouteOp, words: &[OsString]) -> Status {
    let family = preferred_family(ctx);
    let mut n = Neighbour { family, state: NUD_PERMANENT, ..Neighbour::default() };
    let mut dev: Option<&OsStr> = None;
    let mut dst: Option<Prefix> = None;
    let mut dev_ok = false;
    let mut lla: Option<&OsStr> = None;
    let mut a = Args::new(words);
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if matches(wb, "lladdr") {
            let v = a.value()?;
            if lla.is_some() {
                return Err(duparg("lladdr", v));
            }
            lla = Some(v);
        } else if wb == b"nud" {
            let v = a.value()?;
            n.state = nud_state(v.as_bytes()).ok_or_else(|| invarg("nud state is bad", v))? as u16;
        } else if matches(wb, "proxy") {
            dst = Some(proxy_address(a.value()?, &dst, family)?);
            dev_ok = true;
            n.flags |= NTF_PROXY;
        } else if wb == b"router" {
            n.flags |= NTF_ROUTER;
        } else if wb == b"use" {
            n.flags |= NTF_USE;
        } else if wb == b"managed" {
            n.ext_flags |= NTF_EXT_MANAGED;
            n.state = 0;
        } else if matches(wb, "extern_learn") {
            n.flags |= NTF_EXT_LEARNED;
        } else if wb == b"dev" {
            dev = Some(a.value()?);
            dev_ok = true;
        } else if matches(wb, "protocol") {
            let v = a.value()?;
            n.protocol =
                Some(proto_a2n(v.as_bytes()).ok_or_else(|| invarg("\"protocol\" value is invalid\n", v))? as u8);
        } else {
            let mut v = w;
            if v.as_bytes() == b"to" {
                v = a.value()?;
            }
            if matches(v.as_bytes(), "help") {
                v = a.value()?;
            }
            if dst.is_some() {
                return Err(duparg2("to", v));
            }
            dst = Some(get_addr(v, family)?);
        }
    }
    let dst = match dst {
        Some(d) if dev_ok && d.family != AF_UNSPEC => d,
        _ => {
            crate::errln!("Device and destination are required arguments.");
            return Err(Exit::FAILURE);
        }
    };
    n.family = dst.family;
    n.dst = dst.addr;
    if let Some(l) = lla.filter(|l| l.as_bytes() != b"null") {
        match lladdr(l.as_bytes()) {
            Ok(bytes) => n.lladdr = Some(bytes),
            Err(part) => {
                crate::errln!("\"", part.as_slice(), "\" is invalid lladdr.");
                return Ok(Code::FAILED);
            }
        }
    }
    let nl = ctx.netlink()?;
    if let Some(d) = dev {
        let links = nl.link_map().unwrap_or_default();
        n.ifindex = links.index(d.as_bytes());
        if n.ifindex == 0 {
            return Ok(crate::ipobj::route::nodev(d));
        }
    }
    match nl.neighbour_write(&n, op) {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => {
            crate::errln!(e.iproute2_line());
            Err(Exit::REFUSED)
        }
    }
}

/// `ipneigh_get`: prints as text even under `-j`, as iproute2 6.1 does.
pub fn get(ctx: &mut Ctx, words: &[OsString]) -> Status {
    let family = preferred_family(ctx);
    let mut n = Neighbour { family, ..Neighbour::default() };
    let mut dev: Option<&OsStr> = None;
    let mut dst: Option<Prefix> = None;
    let mut dev_ok = false;
    let mut a = Args::new(words);
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if wb == b"dev" {
            dev = Some(a.value()?);
            dev_ok = true;
        } else if matches(wb, "proxy") {
            dst = Some(proxy_address(a.value()?, &dst, family)?);
            dev_ok = true;
            n.flags |= NTF_PROXY;
        } else {
            let mut v = w;
            if v.as_bytes() == b"to" {
                v = a.value()?;
            }
            if matches(v.as_bytes(), "help") {
                return Err(usage());
            }
            if dst.is_some() {
                return Err(duparg2("to", v));
            }
            dst = Some(get_addr(v, family)?);
        }
    }
    let dst = match dst {
        Some(d) if dev_ok && d.family != AF_UNSPEC => d,
        _ => {
            crate::errln!("Device and address are required arguments.");
            return Ok(Code::FAILED);
        }
    };
    n.family = dst.family;
    n.dst = dst.addr;
    let opts = ctx.opts.clone();
    let nl = ctx.netlink()?;
    let links = nl.link_map().unwrap_or_default();
    if let Some(d) = dev {
        n.ifindex = links.index(d.as_bytes());
        if n.ifindex == 0 {
            crate::errln!("Cannot find device \"", d, "\"");
            return Ok(Code::FAILED);
        }
    }
    let answer = match nl.neighbour_get(&n) {
        Ok(Some(a)) => a,
        Ok(None) => return Ok(Code::REFUSED),
        Err(e) => {
            crate::errln!(e.iproute2_line());
            return Ok(Code::REFUSED);
        }
    };
    let mut out = Out::new(false, false, opts.oneline);
    let names = Names { numeric: opts.numeric };
    super::show::print(&mut out, &answer, &links, &names, opts.stats, false, opts.brief);
    let bytes = out.finish();
    ctx.write(&bytes);
    Ok(Code::SUCCESS)
}

/// The address after `proxy` (shared by add/change/replace/delete and
/// get): `help` asks for the usage, a second address is a duplicate.
fn proxy_address(v: &OsStr, dst: &Option<Prefix>, family: u8) -> Result<Prefix, Exit> {
    if matches(v.as_bytes(), "help") {
        return Err(usage());
    }
    if dst.is_some() {
        return Err(duparg("address", v));
    }
    get_addr(v, family)
}
