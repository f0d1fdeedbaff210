//! `ip neigh show|flush` and the printing of one entry (`print_neigh`).

use super::{nud_state, usage};
use crate::ipobj::args::{Args, duparg, invarg};
use crate::ipobj::grammar::matches;
use crate::ipobj::out::Out;
use crate::ipobj::route::inet::{AF_BRIDGE, get_prefix_1, ntop};
use crate::ipobj::route::names::{Names, proto_a2n};
use crate::ipobj::route::{nodev, preferred_family};
use crate::ipobj::{Code, Ctx, Exit, Status};
use crate::netlink::neighbour::*;
use crate::netlink::route::LinkMap;
use crate::netlink::route::RouteOp;
use std::ffi::OsString;
use std::net::IpAddr;
use std::os::unix::ffi::OsStrExt;

/// `ll_addr_n2a`: tunnels' link addresses are IP addresses, the rest hex.
pub fn lladdr_text(addr: &[u8], kind: Option<u16>) -> String {
    const TUNNEL: u16 = 768;
    const TUNNEL6: u16 = 769;
    const SIT: u16 = 776;
    const IPGRE: u16 = 778;
    const IP6GRE: u16 = 823;
    match (addr.len(), kind) {
        (4, Some(TUNNEL | SIT | IPGRE)) => ntop(&IpAddr::from(<[u8; 4]>::try_from(addr).unwrap_or_default())),
        (16, Some(TUNNEL6 | IP6GRE)) => ntop(&IpAddr::from(<[u8; 16]>::try_from(addr).unwrap_or_default())),
        _ => addr.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"),
    }
}

/// The entries a show/flush keeps (`print_neigh`'s first half).
pub struct NeighSel {
    /// family (0: any)
    pub family: u8,
    /// interface (0: any), also hides `dev`
    pub index: u32,
    /// NUD bits to show; 0x100 stands for NUD_NONE
    pub state: u32,
    /// `unused`: only entries nobody references
    pub unused_only: bool,
    /// `to PREFIX`
    pub pfx: Option<(IpAddr, i32)>,
    /// `protocol P` (0: any)
    pub protocol: u8,
}

impl NeighSel {
    fn accepts(&self, n: &Neighbour) -> bool {
        if self.family != 0 && self.family != n.family {
            return false;
        }
        if self.index != 0 && self.index != n.ifindex {
            return false;
        }
        if self.state & u32::from(n.state) == 0
            && n.flags & NTF_PROXY == 0
            && n.flags & NTF_EXT_LEARNED == 0
            && (n.state != 0 || self.state & 0x100 == 0)
        {
            return false;
        }
        if let Some((p, bits)) = &self.pfx
            && let Some(d) = &n.dst
            && bits > &0
        {
            if d.is_ipv4() != p.is_ipv4() {
                return false;
            }
            let (a, b) = (octets(d), octets(p));
            let bits = *bits as usize;
            let whole = bits / 8;
            if a[..whole] != b[..whole] {
                return false;
            }
            let rest = bits % 8;
            if rest != 0 && (a[whole] ^ b[whole]) & (0xffu8 << (8 - rest)) != 0 {
                return false;
            }
        }
        if self.protocol != 0 && self.protocol != n.protocol.unwrap_or(0) {
            return false;
        }
        if self.unused_only && n.cache.is_some_and(|c| c.refcnt != 0) {
            return false;
        }
        true
    }
}

fn octets(a: &IpAddr) -> Vec<u8> {
    match a {
        IpAddr::V4(v) => v.octets().to_vec(),
        IpAddr::V6(v) => v.octets().to_vec(),
    }
}

fn user_hz() -> u32 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as u32 } else { 100 }
}

/// `print_neigh` for an entry that passed the filter.
pub fn print(out: &mut Out, n: &Neighbour, links: &LinkMap, names: &Names, stats: u8, hide_dev: bool, brief: bool) {
    out.open_object(None);
    if n.deleted {
        if out.is_json() {
            out.json_bool("deleted", true);
        } else {
            out.text(b"Deleted ");
        }
    } else if n.miss {
        out.null("miss", "miss ");
    }
    let dst = n.dst.as_ref().map(ntop);
    if brief {
        if let Some(d) = &dst {
            out.string("dst", "", format!("{d:<39}").as_bytes(), " ");
        }
        if !hide_dev && n.ifindex != 0 {
            let name = String::from_utf8_lossy(&links.name(n.ifindex)).into_owned();
            out.string("dev", "", format!("{name:<16}").as_bytes(), " ");
        }
        if let Some(l) = &n.lladdr {
            out.string("lladdr", "", lladdr_text(l, links.kind(n.ifindex)).as_bytes(), "");
        }
        out.text(b"\n");
        out.close_object();
        return;
    }
    if let Some(d) = &dst {
        out.string("dst", "", d.as_bytes(), " ");
    } else if n.family == AF_BRIDGE {
        // Bridge entries carry IPv4/IPv6 destinations, read by size above.
    }
    if !hide_dev && n.ifindex != 0 {
        out.text(b"dev ");
        out.string("dev", "", links.name(n.ifindex), " ");
    }
    if let Some(l) = &n.lladdr {
        out.text(b"lladdr ");
        out.string("lladdr", "", lladdr_text(l, links.kind(n.ifindex)).as_bytes(), " ");
    }
    if n.flags & NTF_ROUTER != 0 {
        out.null("router", "router ");
    }
    if n.flags & NTF_PROXY != 0 {
        out.null("proxy", "proxy ");
    }
    if n.ext_flags & NTF_EXT_MANAGED != 0 {
        out.null("managed", "managed ");
    }
    if n.flags & NTF_EXT_LEARNED != 0 {
        out.null("extern_learn", "extern_learn ");
    }
    if n.flags & NTF_OFFLOADED != 0 {
        out.null("offload", "offload ");
    }
    if stats > 0 {
        if let Some(c) = &n.cache {
            let hz = user_hz();
            if c.refcnt != 0 {
                out.number("refcnt", " ref ", i64::from(c.refcnt), "");
            }
            out.number("used", " used ", i64::from(c.used / hz), "");
            out.number("confirmed", "/", i64::from(c.confirmed / hz), "");
            out.number("updated", "/", i64::from(c.updated / hz), "");
        }
        if let Some(p) = n.probes {
            out.number("probes", "probes ", i64::from(p), " ");
        }
    }
    if n.state != 0 {
        out.open_array("state");
        for (bit, name) in [
            (NUD_INCOMPLETE, "INCOMPLETE"),
            (NUD_REACHABLE, "REACHABLE"),
            (NUD_STALE, "STALE"),
            (NUD_DELAY, "DELAY"),
            (NUD_PROBE, "PROBE"),
            (NUD_FAILED, "FAILED"),
            (NUD_NOARP, "NOARP"),
            (NUD_PERMANENT, "PERMANENT"),
        ] {
            if n.state & bit != 0 {
                out.element("", name.as_bytes(), " ");
            }
        }
        out.close_array();
    }
    if let Some(p) = n.protocol.filter(|&p| p != 0) {
        out.string("protocol", "proto ", names.proto(p).as_bytes(), " ");
    }
    out.text(b"\n");
    out.close_object();
}

/// `do_show_or_flush`
pub fn list(ctx: &mut Ctx, words: &[OsString], flush: bool) -> Status {
    let mut sel =
        NeighSel { family: preferred_family(ctx), index: 0, state: 0, unused_only: false, pfx: None, protocol: 0 };
    let mut filter = NeighbourFilter::default();
    let mut dev = None;
    let mut state_given = false;
    if flush {
        if words.is_empty() {
            crate::errln!("Flush requires arguments.");
            return Ok(Code::FAILED);
        }
        sel.state = !u32::from(NUD_PERMANENT | NUD_NOARP);
    } else {
        sel.state = 0xff & !u32::from(NUD_NOARP);
    }
    let mut master_name = None;
    let mut a = Args::new(words);
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if wb == b"dev" {
            let v = a.value()?;
            if dev.is_some() {
                return Err(duparg("dev", v));
            }
            dev = Some(v);
        } else if wb == b"master" {
            master_name = Some(a.value()?);
        } else if wb == b"vrf" {
            let v = a.value()?;
            // No VRF devices on a kernel without CONFIG_NET_VRF.
            return Err(invarg("Not a valid VRF name\n", v));
        } else if wb == b"nomaster" {
            filter.master = u32::MAX;
        } else if wb == b"unused" {
            sel.unused_only = true;
        } else if wb == b"nud" {
            let v = a.value()?;
            if !state_given {
                state_given = true;
                sel.state = 0;
            }
            let mut state = match nud_state(v.as_bytes()) {
                Some(s) => s,
                None if v.as_bytes() == b"all" => {
                    if flush {
                        !u32::from(NUD_NOARP)
                    } else {
                        u32::MAX
                    }
                }
                None => return Err(invarg("nud state is bad", v)),
            };
            if state == 0 {
                state = 0x100;
            }
            sel.state |= state;
        } else if wb == b"proxy" {
            filter.proxy = true;
        } else if matches(wb, "protocol") {
            let v = a.value()?;
            sel.protocol = match proto_a2n(v.as_bytes()) {
                Some(p) => p as u8,
                None if v.as_bytes() == b"all" => 0,
                None => return Err(invarg("invalid \"protocol\"\n", v)),
            };
        } else {
            let mut v = w;
            if v.as_bytes() == b"to" {
                v = a.value()?;
            }
            if matches(v.as_bytes(), "help") {
                return Err(usage());
            }
            let p = get_prefix_1(v.as_bytes(), sel.family).ok_or_else(|| invarg("to value is invalid\n", v))?;
            if sel.family == 0 {
                sel.family = p.family;
            }
            sel.pfx = p.addr.map(|addr| (addr, p.bitlen));
        }
    }
    let opts = ctx.opts.clone();
    let nl = ctx.netlink()?;
    let links = nl.link_map().unwrap_or_default();
    if let Some(m) = master_name {
        let i = links.index(m.as_bytes());
        if i == 0 {
            return Err(invarg("Device does not exist\n", m));
        }
        filter.master = i;
    }
    if let Some(d) = dev {
        sel.index = links.index(d.as_bytes());
        if sel.index == 0 {
            return Ok(nodev(d));
        }
    }
    filter.family = sel.family;
    filter.ifindex = sel.index;
    let names = Names { numeric: opts.numeric };
    if flush {
        return flush_rounds(ctx, &filter, &mut sel, &links, &names);
    }
    let mut out = Out::new(opts.json, opts.pretty, opts.oneline);
    out.start_list();
    let nl = ctx.netlink()?;
    let entries = match nl.neighbours(&filter) {
        Ok(e) => e,
        Err(e) => {
            crate::errln!(e.iproute2_line());
            crate::errln!("Dump terminated");
            let bytes = out.finish_part_way();
            ctx.write(&bytes);
            return Err(Exit::ERROR);
        }
    };
    for n in entries.iter().filter(|n| sel.accepts(n)) {
        print(&mut out, n, &links, &names, opts.stats, sel.index != 0, opts.brief);
    }
    out.end_list();
    let bytes = out.finish();
    ctx.write(&bytes);
    Ok(Code::SUCCESS)
}

/// Up to ten rounds of dump-and-delete, as `ip neigh flush` does.
fn flush_rounds(ctx: &mut Ctx, filter: &NeighbourFilter, sel: &mut NeighSel, links: &LinkMap, names: &Names) -> Status {
    let stats = ctx.opts.stats;
    for round in 0..10 {
        let nl = ctx.netlink()?;
        let entries = match nl.neighbours(filter) {
            Ok(e) => e,
            Err(e) => {
                crate::errln!(e.iproute2_line());
                crate::errln!("Flush terminated");
                return Err(Exit::ERROR);
            }
        };
        let doomed: Vec<Neighbour> = entries.into_iter().filter(|n| !n.deleted && sel.accepts(n)).collect();
        if doomed.is_empty() {
            return Ok(crate::ipobj::flush_complete(ctx, round, stats));
        }
        if stats >= 2 {
            let mut out = Out::new(false, false, ctx.opts.oneline);
            for n in &doomed {
                print(&mut out, n, links, names, stats, sel.index != 0, false);
            }
            let bytes = out.finish();
            ctx.write(&bytes);
        }
        let nl = ctx.netlink()?;
        for n in &doomed {
            if let Err(e) = nl.neighbour_write(n, RouteOp::Delete)
                && e.errno() != Some(libc::ENOENT)
            {
                crate::errln!("Failed to send flush request: ", crate::sys::Errno(e.errno().unwrap_or(libc::EIO)));
                return Err(Exit::ERROR);
            }
        }
        if stats > 0 {
            ctx.write(format!("\n*** Round {}, deleting {} entries ***\n", round + 1, doomed.len()).as_bytes());
        }
        sel.state &= !u32::from(NUD_FAILED);
    }
    ctx.write(b"*** Flush not complete bailing out after 10 rounds\n");
    Ok(Code::FAILED)
}
