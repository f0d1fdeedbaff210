//! One route, printed as `ip route` prints it (`print_route`): text or JSON
//! members in iproute2's order, with the fields a filter pinned down left
//! out (`ip route show dev X` does not repeat `dev X`).

use super::cnum::fmt_g;
use super::inet::{AF_INET, AF_INET6, af_bit_len, family_name, ntop};
use super::names::Names;
use crate::ipobj::out::Out;
use crate::netlink::route::{CacheInfo, LinkMap, Metrics, NextHop, RT_TABLE_MAIN, RTM_F_CLONED, RTN_MULTICAST, Route};
use std::net::IpAddr;

/// Fields a `show` filter fixed, which iproute2 then does not print.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hidden {
    /// `dev`/`oif` given
    pub dev: bool,
    /// `iif` given
    pub iif: bool,
    /// a single table was asked for
    pub table: bool,
    /// `proto` given (not `all`)
    pub proto: bool,
    /// `scope` given (not `all`)
    pub scope: bool,
    /// `metric` given
    pub metric: bool,
    /// `tos` given
    pub tos: bool,
    /// `realms` given
    pub realms: bool,
    /// prefix length of a `via` filter (0 when none): a full host length
    /// hides the gateway
    pub via_bitlen: i32,
    /// prefix length of a `src` filter (0 when none), likewise for `src`
    pub prefsrc_bitlen: i32,
}

/// Everything printing needs besides the route.
pub struct Printer<'a> {
    /// Names of protocols, scopes, tables…
    pub names: Names,
    /// Interface names.
    pub links: &'a LinkMap,
    /// `-d` count
    pub details: u8,
    /// `-s` count
    pub stats: u8,
    /// Fields not to print.
    pub hidden: Hidden,
    /// `type` filter mask (0: none).
    pub typemask: u64,
}

/// `print_rt_flags`
pub fn print_flags(out: &mut Out, flags: u32) {
    out.open_array("flags");
    for (bit, name) in [
        (1, "dead"),
        (4, "onlink"),
        (2, "pervasive"),
        (8, "offload"),
        (64, "trap"),
        (0x100, "notify"),
        (16, "linkdown"),
        (32, "unresolved"),
        (0x4000, "rt_offload"),
        (0x8000, "rt_trap"),
        (0x2000_0000, "rt_offload_failed"),
    ] {
        if flags & bit != 0 {
            out.element("", name.as_bytes(), " ");
        }
    }
    out.close_array();
}

fn addr_text(a: &IpAddr) -> Vec<u8> {
    ntop(a).into_bytes()
}

/// `print_rta_gateway`
fn print_gateway(out: &mut Out, g: &IpAddr) {
    out.string("gateway", "via ", addr_text(g), " ");
}

/// `print_rta_via`: a gateway of another family.
fn print_via(out: &mut Out, v: &IpAddr) {
    let family = if v.is_ipv4() { AF_INET } else { AF_INET6 };
    if out.is_json() {
        out.open_object(Some("via"));
        out.json_string("family", family_name(family).as_bytes());
        out.json_string("host", addr_text(v));
        out.close_object();
    } else {
        out.text(format!("via {} {} ", family_name(family), ntop(v)).as_bytes());
    }
}

/// `print_rta_flow`: realms.
fn print_flow(out: &mut Out, names: &Names, v: u32) {
    let from = v >> 16;
    let to = v & 0xffff;
    if out.is_json() {
        out.open_object(Some("flow"));
        if from != 0 {
            out.json_string("from", names.realm(from).as_bytes());
        }
        out.json_string("to", names.realm(to).as_bytes());
        out.close_object();
    } else {
        out.text(if from != 0 { "realms " } else { "realm " });
        if from != 0 {
            out.text(format!("{}/", names.realm(from)).as_bytes());
        }
        out.text(format!("{} ", names.realm(to)).as_bytes());
    }
}

/// `print_cache_flags`: the RTCF_* half of a cache entry's flags.
fn print_cache_flags(out: &mut Out, flags: u32) {
    let mut flags = flags & !0xffff;
    if out.is_json() {
        out.open_array("cache");
    } else {
        out.nl();
        out.text(b"    cache ");
        if flags == 0 {
            return;
        }
        out.text(b"<");
    }
    for (bit, name) in [
        (0x8000_0000u32, "local"),
        (0x4000_0000, "reject"),
        (0x2000_0000, "mc"),
        (0x1000_0000, "brd"),
        (0x0800_0000, "dst-nat"),
        (0x0080_0000, "src-nat"),
        (0x0040_0000, "masq"),
        (0x0002_0000, "dst-direct"),
        (0x0400_0000, "src-direct"),
        (0x0004_0000, "redirected"),
        (0x0100_0000, "redirect"),
        (0x0020_0000, "fastroute"),
        (0x0001_0000, "notify"),
        (0x0008_0000, "proxy"),
    ] {
        if flags & bit != 0 {
            flags &= !bit;
            if out.is_json() {
                out.element("", name.as_bytes(), "");
            } else {
                out.text(name.as_bytes());
                out.text(if flags != 0 { "," } else { "> " });
            }
        }
    }
    if flags != 0 {
        out.string("flags", "", format!("{flags:x}").as_bytes(), ">");
    }
    if out.is_json() {
        out.close_array();
    }
}

fn user_hz() -> i64 {
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz } else { 100 }
}

/// `print_rta_cacheinfo`
fn print_cacheinfo(out: &mut Out, ci: &CacheInfo, stats: u8) {
    let hz = user_hz();
    if ci.expires != 0 {
        out.number("expires", "expires ", i64::from(ci.expires) / hz, "sec ");
    }
    if ci.error != 0 {
        out.number("error", "error ", i64::from(ci.error), " ");
    }
    if stats > 0 {
        if ci.clntref != 0 {
            out.number("users", "users ", i64::from(ci.clntref), " ");
        }
        if ci.used != 0 {
            out.number("used", "used ", i64::from(ci.used), " ");
        }
        if ci.last_use != 0 {
            out.number("age", "age ", i64::from(ci.last_use) / hz, "sec ");
        }
    }
    if ci.id != 0 {
        if out.is_json() {
            out.json_string("ipid", format!("{:#x}", ci.id).as_bytes());
        } else {
            out.text(format!("ipid 0x{:04x} ", ci.id).as_bytes());
        }
    }
    if ci.ts != 0 || ci.ts_age != 0 {
        if out.is_json() {
            out.json_string("ts", format!("{:#x}", ci.ts).as_bytes());
        } else {
            out.text(format!("ts 0x{:x}", ci.ts).as_bytes());
        }
        out.number("tsage", "tsage ", i64::from(ci.ts_age), "sec ");
    }
}

const METRIC_NAMES: [&str; 18] = [
    "",
    "",
    "mtu",
    "window",
    "rtt",
    "rttvar",
    "ssthresh",
    "cwnd",
    "advmss",
    "reordering",
    "hoplimit",
    "initcwnd",
    "features",
    "rto_min",
    "initrwnd",
    "quickack",
    "congctl",
    "fastopen_no_cookie",
];

/// `print_rta_metrics`
fn print_metrics(out: &mut Out, m: &Metrics) {
    out.open_array("metrics");
    out.open_object(None);
    let lock = m.values[1].unwrap_or(0);
    for (i, name) in METRIC_NAMES.iter().enumerate().skip(2) {
        let locked = lock & (1 << i) != 0;
        let present = if i == 16 { m.cc_algo.is_some() } else { m.values[i].is_some() };
        if !present && !locked {
            continue;
        }
        let val = if i == 16 { 0 } else { m.values[i].unwrap_or(0) };
        if i == 10 && val == u32::MAX {
            continue;
        }
        out.text(format!("{name} ").as_bytes());
        if locked {
            out.text(b"lock ");
        }
        match i {
            12 => {
                let mut f = val;
                if f & 1 != 0 {
                    out.null("ecn", "ecn ");
                    f &= !1;
                }
                if f != 0 {
                    if out.is_json() {
                        out.json_string("features", format!("{val:#x}").as_bytes());
                    } else {
                        out.text(format!("{val:#x} ").as_bytes());
                    }
                }
            }
            4 | 5 | 13 => {
                let v = match i {
                    4 => val / 8,
                    5 => val / 4,
                    _ => val,
                };
                if out.is_json() {
                    out.json_number(name, i64::from(v));
                } else if v >= 1000 {
                    out.text(format!("{}s ", fmt_g(f64::from(v) / 1e3)).as_bytes());
                } else {
                    out.text(format!("{v}ms ").as_bytes());
                }
            }
            16 => {
                let cc = m.cc_algo.clone().unwrap_or_default();
                out.string("congestion", "", cc.as_bytes(), " ");
            }
            _ => out.number(name, "", i64::from(val), " "),
        }
    }
    out.close_object();
    out.close_array();
}

impl Printer<'_> {
    fn dev_name(&self, index: u32) -> Vec<u8> {
        self.links.name(index)
    }

    /// `print_rta_multipath`
    fn print_multipath(&self, out: &mut Out, r: &Route, hops: &[NextHop]) {
        out.open_array("nexthops");
        let mut first = true;
        let mcast_cache = r.flags & RTM_F_CLONED != 0 && r.kind == RTN_MULTICAST;
        for nh in hops {
            out.open_object(None);
            if mcast_cache {
                out.text(if first { "Oifs: " } else { " " });
                first = false;
            } else {
                out.nl();
                out.text(b"\tnexthop ");
            }
            if let Some(a) = nh.newdst {
                out.string("to", "as to ", addr_text(&a), " ");
            }
            if let Some(g) = &nh.gateway {
                print_gateway(out, g);
            }
            if let Some(v) = &nh.via {
                print_via(out, v);
            }
            if let Some(f) = nh.realm {
                print_flow(out, &self.names, f);
            }
            if mcast_cache {
                out.string("dev", "", self.dev_name(nh.ifindex), "");
                if nh.hops != 1 {
                    out.number("ttl", "(ttl>", i64::from(nh.hops), ")");
                }
                out.text(b" ");
            } else {
                out.string("dev", "dev ", self.dev_name(nh.ifindex), " ");
                if r.family != super::inet::AF_MPLS {
                    out.number("weight", "weight ", i64::from(nh.hops) + 1, " ");
                }
            }
            print_flags(out, u32::from(nh.flags));
            out.close_object();
        }
        out.close_array();
    }

    /// `print_route` for one route that passed the filter.
    pub fn print(&self, out: &mut Out, r: &Route) {
        let host_len = af_bit_len(r.family);
        out.open_object(None);
        if r.deleted {
            if out.is_json() {
                out.json_bool("deleted", true);
            } else {
                out.text(b"Deleted ");
            }
        }
        let type_shown = self.typemask == 0 || (r.kind < 64 && self.typemask & (1u64 << r.kind) != 0);
        if (r.kind != crate::netlink::route::RTN_UNICAST || self.details > 0) && type_shown {
            out.string("type", "", self.names.rtntype(r.kind).as_bytes(), " ");
        }
        let dst: Vec<u8> = match &r.dst {
            Some(a) if i32::from(r.dst_len) != host_len => format!("{}/{}", ntop(a), r.dst_len).into_bytes(),
            Some(a) => addr_text(a),
            None if r.dst_len != 0 => format!("0/{} ", r.dst_len).into_bytes(),
            None => b"default".to_vec(),
        };
        out.string("dst", "", &dst, " ");
        if let Some(a) = &r.src {
            let s = if i32::from(r.src_len) != host_len {
                format!("{}/{}", ntop(a), r.src_len).into_bytes()
            } else {
                addr_text(a)
            };
            out.string("from", "from ", &s, " ");
        } else if r.src_len != 0 {
            out.string("src", "from ", format!("0/{}", r.src_len).as_bytes(), " ");
        }
        if let Some(id) = r.nhid {
            out.number("nhid", "nhid ", i64::from(id), " ");
        }
        if let Some(a) = &r.newdst {
            out.string("to", "as to ", addr_text(a), " ");
        }
        if r.tos != 0 && !self.hidden.tos {
            out.string("tos", "tos ", self.names.dsfield(r.tos).as_bytes(), " ");
        }
        if let Some(g) = &r.gateway
            && self.hidden.via_bitlen != host_len
        {
            print_gateway(out, g);
        }
        if let Some(v) = &r.via {
            print_via(out, v);
        }
        if let Some(oif) = r.oif
            && !self.hidden.dev
        {
            out.string("dev", "dev ", self.dev_name(oif), " ");
        }
        if r.table != 0 && (r.table != RT_TABLE_MAIN || self.details > 0) && !self.hidden.table {
            out.string("table", "table ", self.names.table(r.table).as_bytes(), " ");
        }
        if r.flags & RTM_F_CLONED == 0 {
            if (r.protocol != crate::netlink::route::RTPROT_BOOT || self.details > 0) && !self.hidden.proto {
                out.string("protocol", "proto ", self.names.proto(r.protocol).as_bytes(), " ");
            }
            if (r.scope != 0 || self.details > 0) && !self.hidden.scope {
                out.string("scope", "scope ", self.names.scope(r.scope).as_bytes(), " ");
            }
        }
        if let Some(p) = &r.prefsrc
            && self.hidden.prefsrc_bitlen != host_len
        {
            out.string("prefsrc", "src ", addr_text(p), " ");
        }
        if let Some(m) = r.priority
            && !self.hidden.metric
        {
            out.number("metric", "metric ", i64::from(m), " ");
        }
        print_flags(out, r.flags);
        if let Some(mark) = r.mark.filter(|&m| m != 0) {
            if out.is_json() {
                out.json_number("mark", i64::from(mark));
            } else if mark >= 16 {
                out.text(format!("mark {mark:#x} ").as_bytes());
            } else {
                out.text(format!("mark {mark} ").as_bytes());
            }
        }
        if let Some(f) = r.realm
            && !self.hidden.realms
        {
            print_flow(out, &self.names, f);
        }
        if let Some(uid) = r.uid {
            out.number("uid", "uid ", i64::from(uid), " ");
        }
        if r.family == AF_INET {
            if r.flags & RTM_F_CLONED != 0 {
                print_cache_flags(out, r.flags);
            }
            if let Some(ci) = &r.cache {
                print_cacheinfo(out, ci, self.stats);
            }
        } else if r.family == AF_INET6
            && let Some(ci) = &r.cache
        {
            print_cacheinfo(out, ci, self.stats);
        }
        if let Some(m) = &r.metrics {
            print_metrics(out, m);
        }
        if let Some(iif) = r.iif
            && !self.hidden.iif
        {
            out.string("iif", "iif ", self.dev_name(iif), " ");
        }
        if let Some(p) = r.pref {
            match p {
                3 => out.string("pref", "pref ", b"low", ""),
                0 => out.string("pref", "pref ", b"medium", ""),
                1 => out.string("pref", "pref ", b"high", ""),
                _ => out.number("pref", "", i64::from(p), ""),
            }
        }
        if let Some(t) = r.ttl_propagate {
            if out.is_json() {
                out.json_bool("ttl-propogate", t != 0);
            } else {
                out.text(if t != 0 { "ttl-propogate enabled" } else { "ttl-propogate disabled" });
            }
        }
        if !r.multipath.is_empty() {
            self.print_multipath(out, r, &r.multipath);
        }
        out.text(b"\n");
        out.close_object();
    }
}
