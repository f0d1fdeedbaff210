//! `ip route show|list|flush SELECTOR` (`iproute_list_flush_or_save`).

use super::filter::{RouteSel, Sel};
use super::inet::{AF_INET, AF_INET6, get_prefix, read_family};
use super::names::{Names, dsfield_a2n, proto_a2n, realms_a2n, rtntype_a2n, scope_a2n, table_a2n};
use super::print::{Hidden, Printer};
use super::{nodev, preferred_family, usage};
use crate::ipobj::args::{Args, invarg};
use crate::ipobj::grammar::matches;
use crate::ipobj::out::Out;
use crate::ipobj::{Code, Ctx, Exit, Status};
use crate::netlink::NlError;
use crate::netlink::route::{RT_TABLE_MAIN, Route, RouteFilter, RouteOp};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// What the selector words decided.
struct Selector {
    sel: RouteSel,
    dump_family: u8,
    hidden: Hidden,
    iif_name: Option<OsString>,
    oif_name: Option<OsString>,
}

fn parse(ctx: &Ctx, words: &[OsString]) -> Result<Selector, Exit> {
    let mut s = RouteSel { preferred_family: preferred_family(ctx), ..RouteSel::default() };
    let dump_family = s.preferred_family;
    let mut hidden = Hidden::default();
    let (mut iif_name, mut oif_name) = (None, None);
    let mut a = Args::new(words);
    while let Some(w) = a.next_word() {
        let wb = w.as_bytes();
        if matches(wb, "table") {
            let v = a.value()?;
            match table_a2n(v.as_bytes()) {
                Some(t) => s.tb = t,
                None => match v.as_bytes() {
                    b"all" => s.tb = 0,
                    b"cache" => s.cloned = Some(true),
                    b"help" => return Err(usage()),
                    _ => return Err(invarg("table id value is invalid\n", v)),
                },
            }
        } else if matches(wb, "vrf") {
            let v = a.value()?;
            // This kernel has no VRF support (CONFIG_NET_VRF), so no
            // device can be one; iproute2 says the same.
            return Err(invarg("Invalid VRF\n", v));
        } else if matches(wb, "cached") || matches(wb, "cloned") {
            s.cloned = Some(true);
        } else if wb == b"tos" || matches(wb, "dsfield") {
            let v = a.value()?;
            let tos = dsfield_a2n(v.as_bytes()).ok_or_else(|| invarg("TOS value is invalid\n", v))?;
            s.tos = (tos as u8, true);
            hidden.tos = true;
        } else if matches(wb, "protocol") {
            let v = a.value()?;
            match proto_a2n(v.as_bytes()) {
                Some(p) => s.protocol = (p as u8, true),
                None if v.as_bytes() == b"all" => s.protocol = (0, false),
                None => return Err(invarg("invalid \"protocol\"\n", v)),
            }
            hidden.proto = s.protocol.1;
        } else if matches(wb, "scope") {
            let v = a.value()?;
            match scope_a2n(v.as_bytes()) {
                Some(sc) => s.scope = (sc as u8, true),
                None if v.as_bytes() == b"all" => s.scope = (255, false),
                None => return Err(invarg("invalid \"scope\"\n", v)),
            }
            hidden.scope = s.scope.1;
        } else if matches(wb, "type") {
            let v = a.value()?;
            let t = rtntype_a2n(v.as_bytes()).ok_or_else(|| invarg("node type value is invalid\n", v))?;
            s.typemask = if t < 64 { 1u64 << t } else { 0 };
        } else if wb == b"dev" || wb == b"oif" {
            oif_name = Some(a.value()?.to_os_string());
        } else if wb == b"iif" {
            iif_name = Some(a.value()?.to_os_string());
        } else if wb == b"mark" {
            let v = a.value()?;
            let m = super::cnum::get_u32(v.as_bytes(), 0).ok_or_else(|| invarg("invalid mark value", v))?;
            s.mark = Some(m);
        } else if matches(wb, "metric") || matches(wb, "priority") || wb == b"preference" {
            let v = a.value()?;
            let m = super::cnum::get_u32(v.as_bytes(), 0).ok_or_else(|| invarg("\"metric\" value is invalid\n", v))?;
            s.metric = Some(m);
            hidden.metric = true;
        } else if wb == b"via" {
            let mut v = a.value()?;
            let mut family = read_family(v.as_bytes());
            if family == 0 {
                family = dump_family;
            } else {
                v = a.value()?;
            }
            s.rvia = Sel::of(&get_prefix(v, family)?);
            hidden.via_bitlen = s.rvia.bitlen;
        } else if wb == b"src" {
            let v = a.value()?;
            s.rprefsrc = Sel::of(&get_prefix(v, dump_family)?);
            hidden.prefsrc_bitlen = s.rprefsrc.bitlen;
        } else if matches(wb, "realms") {
            let v = a.value()?;
            let realm = realms_a2n(v.as_bytes()).ok_or_else(|| invarg("invalid realms\n", v))?;
            let mut mask = u32::MAX;
            let vb = v.as_bytes();
            if realm & 0xffff == 0 && vb.last() == Some(&b'/') {
                mask &= !0xffff;
            }
            if realm & 0xffff_0000 == 0 && (!vb.contains(&b'/') || vb.first() == Some(&b'/')) {
                mask &= !0xffff_0000;
            }
            s.realm = (realm, mask);
            hidden.realms = mask == u32::MAX;
        } else if matches(wb, "from") {
            let mut v = a.value()?;
            if matches(v.as_bytes(), "root") {
                v = a.value()?;
                s.rsrc = Sel::of(&get_prefix(v, dump_family)?);
            } else if matches(v.as_bytes(), "match") {
                v = a.value()?;
                s.msrc = Sel::of(&get_prefix(v, dump_family)?);
            } else {
                if matches(v.as_bytes(), "exact") {
                    v = a.value()?;
                }
                s.msrc = Sel::of(&get_prefix(v, dump_family)?);
                s.rsrc = s.msrc;
            }
        } else {
            let mut v: &OsStr = w;
            if matches(v.as_bytes(), "to") {
                v = a.value()?;
            }
            if matches(v.as_bytes(), "root") {
                v = a.value()?;
                s.rdst = Sel::of(&get_prefix(v, dump_family)?);
            } else if matches(v.as_bytes(), "match") {
                v = a.value()?;
                s.mdst = Sel::of(&get_prefix(v, dump_family)?);
            } else {
                if matches(v.as_bytes(), "exact") {
                    v = a.value()?;
                }
                s.mdst = Sel::of(&get_prefix(v, dump_family)?);
                s.rdst = s.mdst;
            }
        }
    }
    let dump_family = if dump_family == 0 && s.tb != 0 { AF_INET } else { dump_family };
    hidden.table = s.tb != 0;
    Ok(Selector { sel: s, dump_family, hidden, iif_name, oif_name })
}

/// Print a dump error as `rtnl_dump_filter` does; `false` when the error
/// is the "main table does not exist yet" one iproute2 keeps quiet about.
fn dump_error(e: &NlError, tb: u32) -> bool {
    if let NlError::Kernel(k) = e {
        if k.in_dump && tb == RT_TABLE_MAIN && k.errno == libc::ENOENT {
            return false;
        }
        match k.message.as_deref() {
            Some(m) if !m.is_empty() => crate::errln!(k.iproute2_line()),
            _ if k.in_dump && (k.errno == libc::ENOENT || k.errno == libc::EOPNOTSUPP) => {}
            _ => crate::errln!(k.iproute2_line()),
        }
    } else {
        crate::errln!(e.to_string());
    }
    true
}

/// `ip route show|list`
pub fn list(ctx: &mut Ctx, words: &[OsString]) -> Status {
    run(ctx, words, false)
}

/// `ip route flush`
pub fn flush(ctx: &mut Ctx, words: &[OsString]) -> Status {
    if words.is_empty() {
        crate::errln!("\"ip route flush\" requires arguments.");
        return Ok(Code::FAILED);
    }
    run(ctx, words, true)
}

fn run(ctx: &mut Ctx, words: &[OsString], flush: bool) -> Status {
    let mut s = parse(ctx, words)?;
    let opts = ctx.opts.clone();
    let nl = ctx.netlink()?;
    let links = nl.link_map().unwrap_or_default();
    if let Some(name) = &s.iif_name {
        let i = links.index(name.as_bytes());
        if i == 0 {
            return Ok(nodev(name));
        }
        s.sel.iif = Some(i);
        s.hidden.iif = true;
    }
    let mut oif = 0;
    if let Some(name) = &s.oif_name {
        oif = links.index(name.as_bytes());
        if oif == 0 {
            return Ok(nodev(name));
        }
        s.sel.oif = Some(oif);
        s.hidden.dev = true;
    }
    let filter = RouteFilter {
        family: s.dump_family,
        table: s.sel.tb,
        oif,
        protocol: s.sel.protocol.0,
        cloned: s.sel.cloned == Some(true),
    };
    let printer = Printer {
        names: Names { numeric: opts.numeric },
        links: &links,
        details: opts.details,
        stats: opts.stats,
        hidden: s.hidden,
        typemask: s.sel.typemask,
    };
    if flush {
        return flush_rounds(ctx, &filter, &s.sel, &printer);
    }
    let mut out = Out::new(opts.json, opts.pretty, opts.oneline);
    out.start_list();
    let routes = match nl.routes(&filter) {
        Ok(r) => r,
        Err(e) => {
            if dump_error(&e, s.sel.tb) {
                crate::errln!("Dump terminated");
                let bytes = out.finish_part_way();
                ctx.write(&bytes);
                return Ok(Code::REFUSED);
            }
            Vec::new()
        }
    };
    let mut v6_multi = false;
    for r in routes.iter().filter(|r| s.sel.accepts(r, &mut v6_multi)) {
        printer.print(&mut out, r);
    }
    out.end_list();
    let bytes = out.finish();
    ctx.write(&bytes);
    Ok(Code::SUCCESS)
}

/// The kernel's own IPv6 null route, which flushing must not try to delete.
fn is_v6_null_route(r: &Route) -> bool {
    r.family == AF_INET6
        && r.dst_len == 0
        && r.kind == crate::netlink::route::RTN_UNREACHABLE
        && r.priority == Some(u32::MAX)
}

/// Where the kernel takes "drop every cached IPv4 route".
const ROUTE_FLUSH_PATH: &str = "/proc/sys/net/ipv4/route/flush";

/// `iproute_flush_cache`: IPv4 exceptions (PMTU, redirects) cannot be
/// deleted one by one (the kernel answers ESRCH); writing `-1` here
/// invalidates them all at once, and dumps stop listing them. Failures are
/// reported, and the flush goes on, as iproute2 does.
fn flush_ipv4_cache() {
    use std::io::Write as _;
    let mut f = match std::fs::OpenOptions::new().write(true).open(ROUTE_FLUSH_PATH) {
        Ok(f) => f,
        Err(e) => {
            crate::errln!("Cannot open \"", ROUTE_FLUSH_PATH, "\": ", crate::sys::Errno::of(&e));
            return;
        }
    };
    if f.write_all(b"-1").is_err() {
        crate::errln!("Cannot flush routing cache");
    }
}

/// `iproute_flush`: dump, delete what matched, until nothing matches.
///
/// Every round must make progress. A delete answered "no such route"
/// (ESRCH) is taken as done when others of its round succeed (the entry
/// went away meanwhile), but a round in which nothing could be deleted
/// would repeat forever: it ends the flush as iproute2 ends it on ESRCH,
/// with `Failed to send flush request: No such process`.
fn flush_rounds(ctx: &mut Ctx, filter: &RouteFilter, sel: &RouteSel, printer: &Printer) -> Status {
    let stats = ctx.opts.stats;
    let cloned = sel.cloned == Some(true);
    if cloned {
        if filter.family != AF_INET6 {
            flush_ipv4_cache();
            if stats > 0 {
                ctx.write(b"*** IPv4 routing cache is flushed.\n");
            }
        }
        if filter.family == AF_INET {
            ctx.flush();
            return Ok(Code::SUCCESS);
        }
    }
    let mut round = 0;
    let start = std::time::Instant::now();
    loop {
        let nl = ctx.netlink()?;
        let routes = match nl.routes(filter) {
            Ok(r) => r,
            Err(e) => {
                dump_error(&e, 0);
                crate::errln!("Flush terminated");
                return Ok(Code::REFUSED);
            }
        };
        let mut v6_multi = false;
        let doomed: Vec<Route> =
            routes.into_iter().filter(|r| sel.accepts(r, &mut v6_multi) && !is_v6_null_route(r)).collect();
        let mut shown = Vec::new();
        if doomed.is_empty() {
            if round == 0 && cloned && filter.family != AF_INET6 && stats > 0 {
                // iproute2 only says "Nothing to flush." when no IPv4 cache
                // flush came first.
                ctx.write(b"*** Flush is complete after 0 round ***\n");
                ctx.flush();
                return Ok(Code::SUCCESS);
            }
            return Ok(crate::ipobj::flush_complete(ctx, round, stats));
        }
        if stats >= 2 {
            let mut out = Out::new(false, false, ctx.opts.oneline);
            for r in &doomed {
                printer.print(&mut out, r);
            }
            shown = out.finish();
        }
        ctx.write(&shown);
        round += 1;
        let nl = ctx.netlink()?;
        let mut deleted = 0;
        for r in &doomed {
            match nl.route_write(r, RouteOp::Delete) {
                Ok(()) => deleted += 1,
                Err(NlError::Kernel(k)) if k.errno == libc::ESRCH => {}
                Err(e) => {
                    crate::errln!("Failed to send flush request: ", crate::sys::Errno(e.errno().unwrap_or(libc::EIO)));
                    return Ok(Code::REFUSED);
                }
            }
        }
        if deleted == 0 {
            ctx.flush();
            crate::errln!("Failed to send flush request: ", crate::sys::Errno(libc::ESRCH));
            return Ok(Code::REFUSED);
        }
        if start.elapsed().as_secs() > 30 {
            ctx.write(
                format!(
                    "\n*** Flush not completed after {} seconds, {} entries remain ***\n",
                    start.elapsed().as_secs(),
                    doomed.len()
                )
                .as_bytes(),
            );
            return Ok(Code::FAILED);
        }
        if stats > 0 {
            ctx.write(format!("\n*** Round {round}, deleting {} entries ***\n", doomed.len()).as_bytes());
        }
    }
}
