//! Between [`Route`] and `netlink-packet-route`'s `RouteMessage`.

use super::{CacheInfo, Metrics, NextHop, Route, RouteFilter, RouteQuery};
use netlink_packet_route::AddressFamily;
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteCacheInfo, RouteFlags, RouteHeader, RouteMessage, RouteMetric, RouteNextHop,
    RouteNextHopFlags, RouteRealm, RouteVia,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address attribute's value; families other than IPv4/IPv6 (multicast
/// routing families carry plain IPv4/IPv6 addresses too) are read by size.
fn ip_of(a: &RouteAddress) -> Option<IpAddr> {
    match a {
        RouteAddress::Inet(v) => Some(IpAddr::V4(*v)),
        RouteAddress::Inet6(v) => Some(IpAddr::V6(*v)),
        RouteAddress::Other(b) => ip_of_bytes(b),
        _ => None,
    }
}

fn ip_of_bytes(b: &[u8]) -> Option<IpAddr> {
    match b.len() {
        4 => Some(IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))),
        16 => Some(IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b).ok()?))),
        _ => None,
    }
}

fn via_of(v: &RouteVia) -> Option<IpAddr> {
    match v {
        RouteVia::Inet(a) => Some(IpAddr::V4(*a)),
        RouteVia::Inet6(a) => Some(IpAddr::V6(*a)),
        _ => None,
    }
}

fn cache_of(c: &RouteCacheInfo) -> CacheInfo {
    CacheInfo {
        clntref: c.clntref,
        last_use: c.last_use,
        expires: c.expires as i32,
        error: c.error,
        used: c.used,
        id: c.id,
        ts: c.ts,
        ts_age: c.ts_age,
    }
}

fn metrics_of(list: &[RouteMetric]) -> Metrics {
    let mut m = Metrics::default();
    for metric in list {
        let (i, v) = match metric {
            RouteMetric::Lock(v) => (1, *v),
            RouteMetric::Mtu(v) => (2, *v),
            RouteMetric::Window(v) => (3, *v),
            RouteMetric::Rtt(v) => (4, *v),
            RouteMetric::RttVar(v) => (5, *v),
            RouteMetric::SsThresh(v) => (6, *v),
            RouteMetric::Cwnd(v) => (7, *v),
            RouteMetric::Advmss(v) => (8, *v),
            RouteMetric::Reordering(v) => (9, *v),
            RouteMetric::Hoplimit(v) => (10, *v),
            RouteMetric::InitCwnd(v) => (11, *v),
            RouteMetric::Features(v) => (12, *v),
            RouteMetric::RtoMin(v) => (13, *v),
            RouteMetric::InitRwnd(v) => (14, *v),
            RouteMetric::QuickAck(v) => (15, *v),
            RouteMetric::CcAlgo(s) => {
                m.cc_algo = Some(s.clone());
                continue;
            }
            RouteMetric::FastopenNoCookie(v) => (17, *v),
            _ => continue,
        };
        m.values[i] = Some(v);
    }
    m
}

fn metrics_to(m: &Metrics) -> Vec<RouteMetric> {
    let mut out = Vec::new();
    for (i, v) in m.values.iter().enumerate() {
        let Some(v) = *v else { continue };
        out.push(match i {
            2 => RouteMetric::Mtu(v),
            3 => RouteMetric::Window(v),
            4 => RouteMetric::Rtt(v),
            5 => RouteMetric::RttVar(v),
            6 => RouteMetric::SsThresh(v),
            7 => RouteMetric::Cwnd(v),
            8 => RouteMetric::Advmss(v),
            9 => RouteMetric::Reordering(v),
            10 => RouteMetric::Hoplimit(v),
            11 => RouteMetric::InitCwnd(v),
            12 => RouteMetric::Features(v),
            13 => RouteMetric::RtoMin(v),
            14 => RouteMetric::InitRwnd(v),
            15 => RouteMetric::QuickAck(v),
            17 => RouteMetric::FastopenNoCookie(v),
            _ => continue,
        });
    }
    if let Some(cc) = &m.cc_algo {
        out.push(RouteMetric::CcAlgo(cc.clone()));
    }
    // iproute2 appends the lock mask after the values.
    if let Some(lock) = m.values[1] {
        out.push(RouteMetric::Lock(lock));
    }
    out
}

fn nexthop_of(nh: &RouteNextHop) -> NextHop {
    let mut out = NextHop { ifindex: nh.interface_index, hops: nh.hops, flags: nh.flags.bits(), ..NextHop::default() };
    for a in &nh.attributes {
        match a {
            RouteAttribute::Gateway(g) => out.gateway = ip_of(g),
            RouteAttribute::Via(v) => out.via = via_of(v),
            RouteAttribute::Realm(r) => out.realm = Some(realm_u32(r)),
            RouteAttribute::NewDestinationAddress(a) => out.newdst = ip_of(a),
            _ => {}
        }
    }
    out
}

fn realm_u32(r: &RouteRealm) -> u32 {
    (u32::from(r.source) << 16) | u32::from(r.destination)
}

fn realm_of(v: u32) -> RouteRealm {
    RouteRealm { source: (v >> 16) as u16, destination: (v & 0xffff) as u16 }
}

fn via_to(a: &IpAddr) -> RouteVia {
    match a {
        IpAddr::V4(v) => RouteVia::Inet(*v),
        IpAddr::V6(v) => RouteVia::Inet6(*v),
    }
}

fn nexthop_to(nh: &NextHop) -> RouteNextHop {
    let mut out = RouteNextHop::default();
    out.interface_index = nh.ifindex;
    out.hops = nh.hops;
    out.flags = RouteNextHopFlags::from_bits_retain(nh.flags);
    if let Some(g) = nh.gateway {
        out.attributes.push(RouteAttribute::Gateway(g.into()));
    }
    if let Some(v) = &nh.via {
        out.attributes.push(RouteAttribute::Via(via_to(v)));
    }
    if let Some(r) = nh.realm {
        out.attributes.push(RouteAttribute::Realm(realm_of(r)));
    }
    if let Some(a) = nh.newdst {
        out.attributes.push(RouteAttribute::NewDestinationAddress(a.into()));
    }
    out
}

/// Read one route message.
pub(super) fn from_message(m: &RouteMessage, deleted: bool) -> Route {
    let h = &m.header;
    let mut r = Route {
        family: u8::from(h.address_family),
        dst_len: h.destination_prefix_length,
        src_len: h.source_prefix_length,
        tos: h.tos,
        table: u32::from(h.table),
        protocol: u8::from(h.protocol),
        scope: u8::from(h.scope),
        kind: u8::from(h.kind),
        flags: h.flags.bits(),
        deleted,
        ..Route::default()
    };
    for a in &m.attributes {
        match a {
            RouteAttribute::Destination(v) => r.dst = ip_of(v),
            RouteAttribute::Source(v) => r.src = ip_of(v),
            RouteAttribute::Gateway(v) => r.gateway = ip_of(v),
            RouteAttribute::PrefSource(v) => r.prefsrc = ip_of(v),
            RouteAttribute::Via(v) => r.via = via_of(v),
            RouteAttribute::NewDestinationAddress(v) => r.newdst = ip_of(v),
            RouteAttribute::Oif(v) => r.oif = Some(*v),
            RouteAttribute::Iif(v) => r.iif = Some(*v),
            RouteAttribute::Priority(v) => r.priority = Some(*v),
            RouteAttribute::Table(v) => r.table = *v,
            RouteAttribute::Mark(v) => r.mark = Some(*v),
            RouteAttribute::Uid(v) => r.uid = Some(*v),
            RouteAttribute::Preference(p) => r.pref = Some(u8::from(*p)),
            RouteAttribute::Realm(v) => r.realm = Some(realm_u32(v)),
            RouteAttribute::NhId(v) => r.nhid = Some(*v),
            RouteAttribute::Expires(v) => r.expires = Some(*v),
            RouteAttribute::TtlPropagate(v) => r.ttl_propagate = Some(u8::from(*v)),
            RouteAttribute::Metrics(list) => r.metrics = Some(metrics_of(list)),
            RouteAttribute::MultiPath(hops) => r.multipath = hops.iter().map(nexthop_of).collect(),
            RouteAttribute::CacheInfo(c) => r.cache = Some(cache_of(c)),
            RouteAttribute::Encap(_) => r.has_encap = true,
            _ => {}
        }
    }
    r
}

fn header_of(r: &Route) -> RouteHeader {
    RouteHeader {
        address_family: AddressFamily::from(r.family),
        destination_prefix_length: r.dst_len,
        source_prefix_length: r.src_len,
        tos: r.tos,
        // Tables above 255 only fit in RTA_TABLE; rtm_table is then RT_TABLE_UNSPEC.
        table: if r.table < 256 { r.table as u8 } else { 0 },
        protocol: r.protocol.into(),
        scope: r.scope.into(),
        kind: r.kind.into(),
        flags: RouteFlags::from_bits_retain(r.flags),
    }
}

/// The message for a write, attributes in iproute2's order.
pub(crate) fn to_message(r: &Route) -> RouteMessage {
    let mut m = RouteMessage::default();
    m.header = header_of(r);
    let a = &mut m.attributes;
    if let Some(v) = r.prefsrc {
        a.push(RouteAttribute::PrefSource(v.into()));
    }
    if let Some(v) = r.newdst {
        a.push(RouteAttribute::NewDestinationAddress(v.into()));
    }
    if let Some(v) = r.gateway {
        a.push(RouteAttribute::Gateway(v.into()));
    }
    if let Some(v) = &r.via {
        a.push(RouteAttribute::Via(via_to(v)));
    }
    if let Some(v) = r.src {
        a.push(RouteAttribute::Source(v.into()));
    }
    if let Some(v) = r.expires {
        a.push(RouteAttribute::Expires(v));
    }
    if let Some(v) = r.priority {
        a.push(RouteAttribute::Priority(v));
    }
    if let Some(v) = r.realm {
        a.push(RouteAttribute::Realm(realm_of(v)));
    }
    if let Some(v) = r.nhid {
        a.push(RouteAttribute::NhId(v));
    }
    if r.table >= 256 {
        a.push(RouteAttribute::Table(r.table));
    }
    if let Some(v) = r.pref {
        a.push(RouteAttribute::Preference(v.into()));
    }
    if let Some(v) = r.ttl_propagate {
        a.push(RouteAttribute::TtlPropagate(v.into()));
    }
    if let Some(v) = r.dst {
        a.push(RouteAttribute::Destination(v.into()));
    }
    if let Some(v) = r.oif {
        a.push(RouteAttribute::Oif(v));
    }
    if let Some(v) = r.iif {
        a.push(RouteAttribute::Iif(v));
    }
    if let Some(v) = r.mark {
        a.push(RouteAttribute::Mark(v));
    }
    if let Some(v) = r.uid {
        a.push(RouteAttribute::Uid(v));
    }
    if let Some(metrics) = &r.metrics {
        let list = metrics_to(metrics);
        if !list.is_empty() {
            a.push(RouteAttribute::Metrics(list));
        }
    }
    if !r.multipath.is_empty() {
        a.push(RouteAttribute::MultiPath(r.multipath.iter().map(nexthop_to).collect()));
    }
    m
}

/// The dump request iproute2 sends: family, protocol and cloned flag in
/// the header, table and output device as attributes.
pub(super) fn dump_request(f: &RouteFilter) -> netlink_packet_route::RouteNetlinkMessage {
    let mut m = RouteMessage::default();
    m.header.address_family = AddressFamily::from(f.family);
    m.header.protocol = f.protocol.into();
    if f.cloned {
        m.header.flags = RouteFlags::from_bits_retain(super::RTM_F_CLONED);
    }
    if f.table != 0 {
        m.attributes.push(RouteAttribute::Table(f.table));
    }
    if f.oif != 0 {
        m.attributes.push(RouteAttribute::Oif(f.oif));
    }
    netlink_packet_route::RouteNetlinkMessage::GetRoute(m)
}

/// The RTM_GETROUTE request of `ip route get`.
pub(super) fn query_message(q: &RouteQuery) -> RouteMessage {
    let mut m = to_message(&q.route);
    if let Some(p) = q.ip_proto {
        m.attributes.push(RouteAttribute::IpProto(p));
    }
    if let Some(p) = q.sport {
        m.attributes.push(RouteAttribute::Sport(p));
    }
    if let Some(p) = q.dport {
        m.attributes.push(RouteAttribute::Dport(p));
    }
    m
}
