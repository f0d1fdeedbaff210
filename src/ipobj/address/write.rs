//! `address add|change|replace|delete|flush` with iproute2's syntax,
//! messages and exit statuses (`ipaddr_modify` and the flush side of
//! `ipaddr_list_flush_or_save` in iproute2 6.1).

use super::Modify;
use crate::ipobj::args::{Args, duparg, duparg2, invarg};
use crate::ipobj::grammar::matches;
use crate::ipobj::inet::{self, Inet};
use crate::ipobj::{Code, Ctx, Exit, Status};
use crate::netlink::NlError;
use crate::netlink::address::{AF_INET, AF_INET6, Address, IFA_F_SECONDARY, INFINITY_LIFE_TIME, Lifetimes};
use crate::netlink::address_ops::AddrWrite;
use std::ffi::OsStr;
use std::net::{IpAddr, Ipv4Addr};
use std::os::unix::ffi::OsStrExt;

const IFA_F_MCAUTOJOIN: u32 = 0x400;
/// iproute2's `max_flush_loops`.
const MAX_FLUSH_ROUNDS: u32 = 10;

/// iproute2's table of address flags: name, mask, read-only, IPv6 only.
const FLAGS: &[(&str, u32, bool, bool)] = &[
    ("secondary", 0x01, true, false),
    ("temporary", 0x01, true, false),
    ("nodad", 0x02, false, true),
    ("optimistic", 0x04, false, true),
    ("dadfailed", 0x08, true, true),
    ("home", 0x10, false, true),
    ("deprecated", 0x20, true, true),
    ("tentative", 0x40, true, true),
    ("permanent", 0x80, true, true),
    ("mngtmpaddr", 0x100, false, true),
    ("noprefixroute", 0x200, false, false),
    ("autojoin", 0x400, false, false),
    ("stable-privacy", 0x800, true, true),
];

fn flag(word: &[u8]) -> Option<&'static (&'static str, u32, bool, bool)> {
    FLAGS.iter().find(|(name, ..)| name.as_bytes() == word)
}

fn lifetime(v: &OsStr, what: &str) -> Result<u32, Exit> {
    if v.as_bytes() == b"forever" {
        return Ok(INFINITY_LIFE_TIME);
    }
    inet::get_unsigned(v.as_bytes()).ok_or_else(|| invarg(what, v))
}

fn nodev(name: &OsStr) -> Status {
    crate::errln!("Cannot find device \"", name, "\"");
    Ok(Code::FAILED)
}

fn index_of(ctx: &mut Ctx, name: &OsStr) -> Result<Result<Option<u32>, i32>, Exit> {
    let nl = ctx.netlink()?;
    Ok(match nl.link_ref_by_name(name.as_bytes()) {
        Ok(Some(r)) => Ok(Some(r.index)),
        Ok(None) => Ok(ifn_index(name.as_bytes())),
        Err(e) => {
            eprintln!("{}", e.iproute2_line());
            Err(Code::REFUSED)
        }
    })
}

/// iproute2's last resort for device names: `ifN` means index N.
fn ifn_index(name: &[u8]) -> Option<u32> {
    let digits = name.strip_prefix(b"if")?;
    inet::get_unsigned(digits).filter(|&i| i != 0 && digits.first().is_some_and(|c| c.is_ascii_digit()))
}

fn addr_of(p: &Inet) -> Option<IpAddr> {
    match (p.addr, p.family) {
        (Some(a), _) => Some(a),
        // `default` with a family: all zeros of that length.
        (None, AF_INET) if p.prefix_given => Some(Ipv4Addr::UNSPECIFIED.into()),
        (None, AF_INET6) if p.prefix_given => Some(std::net::Ipv6Addr::UNSPECIFIED.into()),
        _ => None,
    }
}

/// `address add|change|replace|delete …`
pub fn modify(ctx: &mut Ctx, what: Modify, args: Args<'_>) -> Status {
    let delete = what == Modify::Delete;
    let mut a = args;
    let mut spec = Address { family: inet::family_of(ctx.opts.family), ..Address::default() };
    let mut dev: Option<&OsStr> = None;
    let mut local: Option<Inet> = None;
    let mut local_word: Option<&OsStr> = None;
    let mut peer: Option<Inet> = None;
    let mut brd: i32 = 0; // 0 none, 1 given, -1 "+", -2 "-"
    let mut scoped = false;
    let (mut valid, mut preferred) = (INFINITY_LIFE_TIME, INFINITY_LIFE_TIME);
    let (mut valid_set, mut preferred_set) = (false, false);
    let mut flags = 0u32;
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if wb == b"peer" || wb == b"remote" {
            let v = a.value()?;
            if peer.is_some() {
                return Err(duparg("peer", v));
            }
            let p = inet::get_prefix(v, spec.family)?;
            if spec.family == 0 {
                spec.family = p.family;
            }
            spec.address = addr_of(&p);
            spec.prefix_len = p.bitlen;
            peer = Some(p);
        } else if matches(wb, "broadcast") || wb == b"brd" {
            let v = a.value()?;
            if brd != 0 {
                return Err(duparg("broadcast", v));
            }
            match v.as_bytes() {
                b"+" => brd = -1,
                b"-" => brd = -2,
                _ => {
                    let b = inet::get_addr(v, spec.family)?;
                    if spec.family == 0 {
                        spec.family = b.family;
                    }
                    spec.broadcast = addr_of(&b);
                    brd = 1;
                }
            }
        } else if wb == b"anycast" {
            let v = a.value()?;
            if spec.anycast.is_some() {
                return Err(duparg("anycast", v));
            }
            let b = inet::get_addr(v, spec.family)?;
            if spec.family == 0 {
                spec.family = b.family;
            }
            spec.anycast = addr_of(&b);
        } else if wb == b"scope" {
            let v = a.value()?;
            spec.scope = inet::scope_code(v.as_bytes()).ok_or_else(|| invarg("invalid scope value.", v))?;
            scoped = true;
        } else if wb == b"dev" {
            dev = Some(a.value()?);
        } else if wb == b"label" {
            spec.label = Some(a.value()?.as_bytes().to_vec());
        } else if matches(wb, "metric") || matches(wb, "priority") || matches(wb, "preference") {
            let v = a.value()?;
            spec.metric =
                Some(inet::get_unsigned(v.as_bytes()).ok_or_else(|| invarg("\"metric\" value is invalid\n", v))?);
        } else if matches(wb, "valid_lft") {
            if valid_set {
                return Err(duparg("valid_lft", w));
            }
            valid = lifetime(a.value()?, "valid_lft value")?;
            valid_set = true;
        } else if matches(wb, "preferred_lft") {
            if preferred_set {
                return Err(duparg("preferred_lft", w));
            }
            preferred = lifetime(a.value()?, "preferred_lft value")?;
            preferred_set = true;
        } else if let Some(&(name, mask, readonly, v6only)) = flag(wb) {
            if readonly {
                eprintln!("Warning: {name} option is not mutable from userspace");
            } else if v6only && spec.family != AF_INET6 {
                eprintln!("Warning: {name} option can be set only for IPv6 addresses");
            } else {
                flags |= mask;
            }
        } else {
            let v = if wb == b"local" { a.value()? } else { w };
            if matches(v.as_bytes(), "help") {
                return usage();
            }
            if local.is_some() {
                return Err(duparg2("local", v));
            }
            let p = inet::get_prefix(v, spec.family)?;
            if spec.family == 0 {
                spec.family = p.family;
            }
            spec.local = addr_of(&p);
            local = Some(p);
            local_word = Some(v);
        }
    }
    spec.flags = flags;
    let Some(dev) = dev else {
        eprintln!("Not enough information: \"dev\" argument is required.");
        return Ok(Code::FAILED);
    };
    if let (None, Some(l)) = (&peer, &local) {
        if delete && l.family == AF_INET && !l.prefix_given {
            let w = local_word.unwrap_or_default();
            crate::errln!(
                "Warning: Executing wildcard deletion to stay compatible with old scripts.\n",
                "         Explicitly specify the prefix length (",
                w,
                "/",
                if l.wildcard { "0" } else { "32" },
                ") to avoid this warning.\n",
                "         This special behaviour is likely to disappear in further releases,\n",
                "         fix your scripts!"
            );
        } else {
            spec.address = spec.local;
            peer = Some(l.clone());
        }
    }
    if spec.prefix_len == 0 {
        spec.prefix_len = local.as_ref().map_or(0, |l| l.bitlen);
    }
    if brd < 0 && !delete {
        if spec.family != AF_INET {
            eprintln!("Broadcast can be set only for IPv4 addresses");
            return Ok(Code::FAILED);
        }
        if let Some(p) = peer.as_ref().filter(|p| p.bitlen <= 30) {
            let base = match addr_of(p) {
                Some(IpAddr::V4(v)) => u32::from(v),
                _ => 0,
            };
            let host = if p.bitlen == 0 { u32::MAX } else { (1u32 << (32 - p.bitlen)) - 1 };
            let b = if brd == -1 { base | host } else { base & !host };
            spec.broadcast = Some(Ipv4Addr::from(b).into());
        }
    }
    if !scoped && !delete {
        let loopback = matches!(local.as_ref().and_then(|l| l.addr), Some(IpAddr::V4(v)) if v.octets()[0] == 127);
        spec.scope = if loopback { 254 } else { 0 };
    }
    spec.index = match index_of(ctx, dev)? {
        Ok(Some(i)) => i,
        Ok(None) => return nodev(dev),
        Err(code) => return Ok(code),
    };
    if valid_set || preferred_set {
        if valid == 0 {
            eprintln!("valid_lft is zero");
            return Ok(Code::FAILED);
        }
        if valid < preferred {
            eprintln!("preferred_lft is greater than valid_lft");
            return Ok(Code::FAILED);
        }
        spec.lifetimes = Some(Lifetimes { valid, preferred });
    }
    if flags & IFA_F_MCAUTOJOIN != 0 && !local.as_ref().is_some_and(|l| l.is_multicast()) {
        eprintln!("autojoin needs multicast address");
        return Ok(Code::FAILED);
    }
    let nl = ctx.netlink()?;
    let result = match what {
        Modify::Add => nl.addr_write(&spec, AddrWrite::Create),
        Modify::Change => nl.addr_write(&spec, AddrWrite::Change),
        Modify::Replace => nl.addr_write(&spec, AddrWrite::Replace),
        Modify::Delete => nl.addr_delete(&spec),
    };
    match result {
        Ok(()) => Ok(Code::SUCCESS),
        Err(e) => {
            eprintln!("{}", e.iproute2_line());
            Ok(Code::REFUSED)
        }
    }
}

/// What `address flush` selects (the address part of iproute2's filter;
/// link filters such as `up`, `master`, `type` do not apply to a flush).
#[derive(Default)]
struct Filter {
    family: u8,
    index: u32,
    scope: u8,
    scope_mask: u8,
    flags: u32,
    flag_mask: u32,
    label: Option<Vec<u8>>,
    to: Option<Inet>,
}

/// iproute2's `get_filter`: a flag name, `-` for "not", `dynamic` and
/// `primary` as the negations of `permanent` and `secondary`.
fn flag_filter(f: &mut Filter, word: &[u8]) -> bool {
    let (mut inv, mut name) = match word.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    if name == b"dynamic" {
        inv = !inv;
        name = b"permanent";
    } else if name == b"primary" {
        inv = !inv;
        name = b"secondary";
    }
    let Some(&(_, mask, ..)) = flag(name) else { return false };
    if inv {
        f.flags &= !mask;
    } else {
        f.flags |= mask;
    }
    f.flag_mask |= mask;
    true
}

/// `fnmatch(pattern, name, 0)` for `*`, `?` and literal bytes.
fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
    }
}

fn in_prefix(to: &Inet, addr: Option<IpAddr>) -> bool {
    let Some(want) = to.addr else { return true };
    let Some(have) = addr else { return false };
    let bits = to.bitlen as u32;
    match (want, have) {
        (IpAddr::V4(w), IpAddr::V4(h)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(w) & mask == u32::from(h) & mask
        }
        (IpAddr::V6(w), IpAddr::V6(h)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(w) & mask == u128::from(h) & mask
        }
        _ => false,
    }
}

/// `address flush …`
pub fn flush(ctx: &mut Ctx, args: Args<'_>) -> Status {
    let mut f = Filter { family: inet::family_of(ctx.opts.family), ..Filter::default() };
    if args.is_empty() {
        eprintln!("Flush requires arguments.");
        return Ok(Code::FAILED);
    }
    if f.family == 17 {
        eprintln!("Cannot flush link addresses.");
        return Ok(Code::FAILED);
    }
    let mut a = args;
    let mut dev: Option<&OsStr> = None;
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if wb == b"to" {
            let p = inet::get_prefix(a.value()?, f.family)?;
            if f.family == 0 {
                f.family = p.family;
            }
            f.to = Some(p);
        } else if wb == b"scope" {
            let v = a.value()?;
            f.scope_mask = 0xff;
            match inet::scope_code(v.as_bytes()) {
                Some(s) => f.scope = s,
                None if v.as_bytes() == b"all" => {
                    f.scope = 255;
                    f.scope_mask = 0;
                }
                None => return Err(invarg("invalid \"scope\"\n", v)),
            }
        } else if wb == b"up" || flag_filter(&mut f, wb) {
        } else if wb == b"label" {
            f.label = Some(a.value()?.as_bytes().to_vec());
        } else if wb == b"group" {
            let v = a.value()?;
            if v.as_bytes() != b"default" && inet::get_integer(v.as_bytes()).is_none_or(|g| g < 0) {
                return Err(invarg("Invalid \"group\" value\n", v));
            }
        } else if wb == b"master" {
            let v = a.value()?;
            match index_of(ctx, v)? {
                Ok(Some(_)) => {}
                Ok(None) => return Err(invarg("Device does not exist\n", v)),
                Err(code) => return Ok(code),
            }
        } else if wb == b"nomaster" {
        } else if wb == b"type" {
            a.value()?;
        } else if wb == b"vrf" {
            crate::errln!("netns: address flush option \"", w, "\" is not supported; use ip address");
            return Err(Exit::FAILURE);
        } else {
            let v = if wb == b"dev" {
                a.value()?
            } else {
                if matches(wb, "help") {
                    return usage();
                }
                w
            };
            if dev.is_some() {
                return Err(duparg2("dev", v));
            }
            dev = Some(v);
        }
    }
    if let Some(d) = dev {
        f.index = match index_of(ctx, d)? {
            Ok(Some(i)) => i,
            Ok(None) => {
                crate::errln!("Device \"", d, "\" does not exist.");
                return Ok(Code::FAILED);
            }
            Err(code) => return Ok(code),
        };
    }
    flush_rounds(ctx, &f)
}

fn flush_rounds(ctx: &mut Ctx, f: &Filter) -> Status {
    let stats = ctx.opts.stats;
    let mut round = 0;
    while round < MAX_FLUSH_ROUNDS {
        let chosen = match select(ctx, f)? {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{}", e.iproute2_line());
                eprintln!("Flush terminated");
                return Err(Exit::ERROR);
            }
        };
        if chosen.is_empty() {
            return Ok(crate::ipobj::flush_complete(ctx, round, stats));
        }
        round += 1;
        let nl = ctx.netlink()?;
        for spec in &chosen {
            match nl.addr_delete(spec) {
                Ok(()) => {}
                // Deleting a primary address takes its secondaries with it.
                Err(NlError::Kernel(k)) if k.errno == libc::EADDRNOTAVAIL => {}
                Err(e) => {
                    let errno = e.errno().unwrap_or(libc::EIO);
                    crate::errln!("Failed to send flush request: ", crate::sys::Errno(errno));
                    return Ok(Code::FAILED);
                }
            }
        }
        if stats > 0 {
            ctx.write(format!("\n*** Round {round}, deleting {} addresses ***\n", chosen.len()).as_bytes());
            ctx.flush();
        }
        // Flushing primaries only: one round, or promoted secondaries would go too.
        if f.flags & IFA_F_SECONDARY == 0 && f.flag_mask & IFA_F_SECONDARY != 0 {
            return Ok(crate::ipobj::flush_complete(ctx, round, stats));
        }
    }
    ctx.flush();
    eprintln!("*** Flush remains incomplete after {MAX_FLUSH_ROUNDS} rounds. ***");
    Ok(Code::FAILED)
}

/// The addresses the filter selects, in dump order.
fn select(ctx: &mut Ctx, f: &Filter) -> Result<Result<Vec<Address>, NlError>, Exit> {
    let nl = ctx.netlink()?;
    let all = match nl.addr_list(f.family, f.index) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let mut out = Vec::new();
    for spec in all {
        if (f.scope ^ spec.scope) & f.scope_mask != 0 || (f.flags ^ spec.flags) & f.flag_mask != 0 {
            continue;
        }
        if let Some(pattern) = &f.label {
            let name = match &spec.label {
                Some(l) => l.clone(),
                None => match nl.link_name(spec.index) {
                    Ok(n) => n.unwrap_or_default(),
                    Err(e) => return Ok(Err(e)),
                },
            };
            if !glob(pattern, &name) {
                continue;
            }
        }
        if let Some(to) = &f.to
            && !in_prefix(to, spec.local.or(spec.address))
        {
            continue;
        }
        // A delete names the address: the lifetimes the dump reported would
        // only ride along as an IFA_CACHEINFO that the kernel ignores there.
        out.push(Address { lifetimes: None, ..spec });
    }
    Ok(Ok(out))
}

/// iproute2's `ip address` usage (stderr).
pub const USAGE: &str = "Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]
                                                      [ CONFFLAG-LIST ]
       ip address del IFADDR dev IFNAME [mngtmpaddr]
       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]
                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]
       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]
                         [ nomaster ]
                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]
                         [ label LABEL ] [up] [ vrf NAME ] ]
       ip address {showdump|restore}
IFADDR := PREFIX | ADDR peer PREFIX
          [ broadcast ADDR ] [ anycast ADDR ]
          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]
SCOPE-ID := [ host | link | global | NUMBER ]
FLAG-LIST := [ FLAG-LIST ] FLAG
FLAG  := [ permanent | dynamic | secondary | primary |
           [-]tentative | [-]deprecated | [-]dadfailed | temporary |
           CONFFLAG-LIST ]
CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG
CONFFLAG  := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]
LFT := forever | SECONDS
TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |
          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |
          ip6erspan | ip6gre | ip6gretap | ip6tnl |
          ipip | ipoib | ipvlan | ipvtap |
          macsec | macvlan | macvtap |
          netdevsim | nlmon | rmnet | sit | team | team_slave |
          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |
          xfrm | virt_wifi }
";

/// `address help`: iproute2's usage text (stderr, exit 255).
pub fn usage() -> Status {
    eprint!("{USAGE}");
    Err(Exit::FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_patterns() {
        assert!(glob(b"eth0*", b"eth0:1"));
        assert!(glob(b"br?", b"br0"));
        assert!(!glob(b"br?", b"br10"));
    }

    #[test]
    fn primary_means_not_secondary() {
        let mut f = Filter::default();
        assert!(flag_filter(&mut f, b"primary"));
        assert_eq!((f.flags, f.flag_mask), (0, IFA_F_SECONDARY));
        assert!(flag_filter(&mut f, b"dynamic"));
        assert_eq!(f.flag_mask & 0x80, 0x80);
        assert!(!flag_filter(&mut f, b"bogus"));
    }
}
