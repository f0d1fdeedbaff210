//! Routes (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE): netns's own model of
//! a route and the typed operations on it.
//!
//! [`Route`] is one `struct rtmsg` with its attributes, in plain fields: the
//! same value is what a dump returns and what a write sends, so a route read
//! from one namespace can be written into another unchanged. Numbers that
//! iproute2 names through `/etc/iproute2` (protocol, scope, table, type) stay
//! numbers here; naming them is the printer's job.
//!
//! ```no_run
//! use netns_core::netlink::{Netlink, route::{Route, RouteFilter}};
//! let mut nl = Netlink::open()?;
//! let mut r = Route::unicast("10.1.0.0".parse().unwrap(), 16);
//! r.gateway = Some("10.0.0.2".parse().unwrap());
//! nl.route_add(&r)?;
//! for r in nl.routes(&RouteFilter::main(libc::AF_INET as u8))? {
//!     println!("{:?}/{}", r.dst, r.dst_len);
//! }
//! # Ok::<(), netns_core::netlink::NlError>(())
//! ```

pub(crate) mod convert;
mod ifmap;

use super::address::{AF_INET, AF_INET6, AF_MPLS};
use super::engine::{Netlink, Reply};
use super::error::NlError;
use netlink_packet_core::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netlink_packet_route::RouteNetlinkMessage;
use std::net::IpAddr;

pub use ifmap::LinkMap;

/// `RT_TABLE_MAIN`
pub const RT_TABLE_MAIN: u32 = 254;
/// `RT_TABLE_LOCAL`
pub const RT_TABLE_LOCAL: u32 = 255;
/// `RTN_UNICAST`
pub const RTN_UNICAST: u8 = 1;
/// `RTN_LOCAL`
pub const RTN_LOCAL: u8 = 2;
/// `RTN_BROADCAST`
pub const RTN_BROADCAST: u8 = 3;
/// `RTN_ANYCAST`
pub const RTN_ANYCAST: u8 = 4;
/// `RTN_MULTICAST`
pub const RTN_MULTICAST: u8 = 5;
/// `RTN_BLACKHOLE`
pub const RTN_BLACKHOLE: u8 = 6;
/// `RTN_UNREACHABLE`
pub const RTN_UNREACHABLE: u8 = 7;
/// `RTN_PROHIBIT`
pub const RTN_PROHIBIT: u8 = 8;
/// `RTN_NAT`
pub const RTN_NAT: u8 = 10;
/// `RTPROT_BOOT`: what `ip route add` marks routes with.
pub const RTPROT_BOOT: u8 = 3;
/// `RT_SCOPE_UNIVERSE`
pub const RT_SCOPE_UNIVERSE: u8 = 0;
/// `RT_SCOPE_LINK`
pub const RT_SCOPE_LINK: u8 = 253;
/// `RT_SCOPE_HOST`
pub const RT_SCOPE_HOST: u8 = 254;
/// `RT_SCOPE_NOWHERE`
pub const RT_SCOPE_NOWHERE: u8 = 255;
/// `RTNH_F_ONLINK` (route and next-hop flag)
pub const RTNH_F_ONLINK: u32 = 4;
/// `RTM_F_CLONED`: a cache entry (answers to `route get`).
pub const RTM_F_CLONED: u32 = 0x200;
/// `RTM_F_NOTIFY`
pub const RTM_F_NOTIFY: u32 = 0x100;
/// `RTM_F_LOOKUP_TABLE`: `route get` reports the table it used.
pub const RTM_F_LOOKUP_TABLE: u32 = 0x1000;
/// `RTM_F_FIB_MATCH`: `route get fibmatch`.
pub const RTM_F_FIB_MATCH: u32 = 0x2000;

/// One route: `struct rtmsg` plus the attributes netns understands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    /// Address family (`AF_INET`, `AF_INET6`, …).
    pub family: u8,
    /// Destination prefix length (0 with `dst` = `None`: default route).
    pub dst_len: u8,
    /// Source prefix length (`from PREFIX`).
    pub src_len: u8,
    /// TOS / DS field.
    pub tos: u8,
    /// Routing table id (RTA_TABLE when present, else `rtm_table`).
    pub table: u32,
    /// `rtm_protocol` (RTPROT_*).
    pub protocol: u8,
    /// `rtm_scope` (RT_SCOPE_*).
    pub scope: u8,
    /// `rtm_type` (RTN_*).
    pub kind: u8,
    /// `rtm_flags` (RTNH_F_* / RTM_F_*, and RTCF_* cache flags in the top half).
    pub flags: u32,
    /// RTA_DST
    pub dst: Option<IpAddr>,
    /// RTA_SRC
    pub src: Option<IpAddr>,
    /// RTA_GATEWAY (same family as the route).
    pub gateway: Option<IpAddr>,
    /// RTA_VIA: a gateway of the other family (`via inet6 ADDR` on an IPv4 route).
    pub via: Option<IpAddr>,
    /// RTA_PREFSRC (`src ADDR`).
    pub prefsrc: Option<IpAddr>,
    /// RTA_OIF
    pub oif: Option<u32>,
    /// RTA_IIF
    pub iif: Option<u32>,
    /// RTA_PRIORITY (`metric N`).
    pub priority: Option<u32>,
    /// RTA_MARK
    pub mark: Option<u32>,
    /// RTA_UID
    pub uid: Option<u32>,
    /// RTA_PREF (IPv6 router preference).
    pub pref: Option<u8>,
    /// RTA_FLOW (realms: `from << 16 | to`).
    pub realm: Option<u32>,
    /// RTA_NH_ID
    pub nhid: Option<u32>,
    /// RTA_EXPIRES (writes only; in seconds).
    pub expires: Option<u32>,
    /// RTA_TTL_PROPAGATE
    pub ttl_propagate: Option<u8>,
    /// RTA_NEWDST as an address (`as to ADDR`).
    pub newdst: Option<IpAddr>,
    /// RTA_METRICS, `None` when absent.
    pub metrics: Option<Metrics>,
    /// RTA_MULTIPATH next hops (ECMP).
    pub multipath: Vec<NextHop>,
    /// RTA_CACHEINFO
    pub cache: Option<CacheInfo>,
    /// RTA_ENCAP was present (lightweight tunnels are not modelled).
    pub has_encap: bool,
    /// The message was an RTM_DELROUTE (notifications).
    pub deleted: bool,
}

/// One next hop of a multipath route (`struct rtnexthop` + attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NextHop {
    /// `rtnh_ifindex` (0: none).
    pub ifindex: u32,
    /// `rtnh_hops`: weight − 1.
    pub hops: u8,
    /// `rtnh_flags` (RTNH_F_*).
    pub flags: u8,
    /// RTA_GATEWAY
    pub gateway: Option<IpAddr>,
    /// RTA_VIA
    pub via: Option<IpAddr>,
    /// RTA_FLOW
    pub realm: Option<u32>,
    /// RTA_NEWDST
    pub newdst: Option<IpAddr>,
}

/// `RTAX_MTU`: index of the path MTU in [`Metrics::values`].
pub const RTAX_MTU: usize = 2;
/// `RTAX_ADVMSS`
pub const RTAX_ADVMSS: usize = 8;
/// `RTAX_INITCWND`
pub const RTAX_INITCWND: usize = 11;
/// `RTAX_INITRWND`
pub const RTAX_INITRWND: usize = 14;

/// RTA_METRICS: `values[i]` is RTAX_i (1..=17) when present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metrics {
    /// RTAX_LOCK .. RTAX_FASTOPEN_NO_COOKIE, indexed by RTAX number.
    pub values: [Option<u32>; 18],
    /// RTAX_CC_ALGO (`congctl NAME`).
    pub cc_algo: Option<String>,
}

/// `struct rta_cacheinfo`
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheInfo {
    /// rta_clntref
    pub clntref: u32,
    /// rta_lastuse (clock ticks)
    pub last_use: u32,
    /// rta_expires (clock ticks, signed)
    pub expires: i32,
    /// rta_error
    pub error: u32,
    /// rta_used
    pub used: u32,
    /// rta_id
    pub id: u32,
    /// rta_ts
    pub ts: u32,
    /// rta_tsage
    pub ts_age: u32,
}

/// What to ask the kernel for in a route dump. The kernel filters by table,
/// output device, protocol and type itself (strict dump checking), and
/// answers "FIB table does not exist" for a table it does not have, as it
/// does for iproute2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouteFilter {
    /// Family to dump (0: all).
    pub family: u8,
    /// Table (0: all tables).
    pub table: u32,
    /// Output interface (0: any).
    pub oif: u32,
    /// Protocol (0: any).
    pub protocol: u8,
    /// Cache entries (RTM_F_CLONED) instead of FIB entries.
    pub cloned: bool,
}

impl RouteFilter {
    /// The main table of one family (what `ip route show` asks for).
    pub fn main(family: u8) -> RouteFilter {
        RouteFilter { family, table: RT_TABLE_MAIN, ..RouteFilter::default() }
    }

    /// Every table of every family.
    pub fn all() -> RouteFilter {
        RouteFilter::default()
    }
}

/// How a route write treats an existing route (iproute2's `add`, `change`,
/// `replace`, `prepend`, `append`, `test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteOp {
    /// NLM_F_CREATE | NLM_F_EXCL
    Add,
    /// NLM_F_REPLACE
    Change,
    /// NLM_F_CREATE | NLM_F_REPLACE
    Replace,
    /// NLM_F_CREATE
    Prepend,
    /// NLM_F_CREATE | NLM_F_APPEND
    Append,
    /// NLM_F_EXCL
    Test,
    /// RTM_DELROUTE
    Delete,
}

impl RouteOp {
    /// The request's `NLM_F_*` flags that say so.
    pub(crate) fn flags(self) -> u16 {
        match self {
            RouteOp::Add => NLM_F_CREATE | NLM_F_EXCL,
            RouteOp::Change => NLM_F_REPLACE,
            RouteOp::Replace => NLM_F_CREATE | NLM_F_REPLACE,
            RouteOp::Prepend => NLM_F_CREATE,
            RouteOp::Append => NLM_F_CREATE | NLM_F_APPEND,
            RouteOp::Test => NLM_F_EXCL,
            RouteOp::Delete => 0,
        }
    }
}

impl Route {
    /// A unicast route to `dst/len` with the defaults `ip route add` uses:
    /// main table, protocol boot, global scope (link scope when it has
    /// neither gateway nor next hops: see [`Route::fill_default_scope`]).
    pub fn unicast(dst: IpAddr, len: u8) -> Route {
        Route {
            family: family_of(&dst),
            dst_len: len,
            dst: (len > 0).then_some(dst),
            table: RT_TABLE_MAIN,
            protocol: RTPROT_BOOT,
            scope: RT_SCOPE_UNIVERSE,
            kind: RTN_UNICAST,
            ..Route::default()
        }
    }

    /// A route of another type (`blackhole`, `unreachable`, `prohibit`, …)
    /// to `dst/len`, with `ip route add`'s defaults.
    pub fn of_type(kind: u8, dst: IpAddr, len: u8) -> Route {
        Route { kind, ..Route::unicast(dst, len) }
    }

    /// iproute2's rule: an IPv4 unicast route without gateway or next hops
    /// is link-scoped; local/NAT routes are host-scoped, broadcast,
    /// multicast and anycast ones link-scoped; IPv6 is always global.
    pub fn fill_default_scope(&mut self) {
        self.scope = default_scope(self, false);
    }
}

/// The scope `ip route add|del` picks when none is given.
pub fn default_scope(r: &Route, delete: bool) -> u8 {
    if r.family == AF_INET6 || r.family == AF_MPLS {
        return RT_SCOPE_UNIVERSE;
    }
    match r.kind {
        RTN_LOCAL | RTN_NAT => RT_SCOPE_HOST,
        RTN_BROADCAST | RTN_MULTICAST | RTN_ANYCAST => RT_SCOPE_LINK,
        0 | RTN_UNICAST if delete => RT_SCOPE_NOWHERE,
        0 | RTN_UNICAST if r.gateway.is_none() && r.via.is_none() && r.multipath.is_empty() && r.nhid.is_none() => {
            RT_SCOPE_LINK
        }
        _ => r.scope,
    }
}

/// The address family number of an address.
pub fn family_of(a: &IpAddr) -> u8 {
    match a {
        IpAddr::V4(_) => AF_INET,
        IpAddr::V6(_) => AF_INET6,
    }
}

/// The kernel's answer to a route query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteQuery {
    /// The route to look up, as `struct rtmsg` + attributes: family,
    /// dst/dst_len, src/src_len, tos, flags (RTM_F_LOOKUP_TABLE,
    /// RTM_F_FIB_MATCH, RTM_F_NOTIFY), iif, oif, mark, uid.
    pub route: Route,
    /// RTA_IP_PROTO
    pub ip_proto: Option<u8>,
    /// RTA_SPORT
    pub sport: Option<u16>,
    /// RTA_DPORT
    pub dport: Option<u16>,
}

impl Netlink {
    /// Dump routes. The kernel applies `filter` (see [`RouteFilter`]);
    /// the caller applies anything finer.
    pub fn routes(&mut self, filter: &RouteFilter) -> Result<Vec<Route>, NlError> {
        let replies = self.dump(convert::dump_request(filter))?;
        Ok(replies.iter().filter_map(route_of).collect())
    }

    /// Add, change, replace, append, test or delete one route.
    pub fn route_write(&mut self, route: &Route, op: RouteOp) -> Result<(), NlError> {
        let msg = convert::to_message(route);
        let msg =
            if op == RouteOp::Delete { RouteNetlinkMessage::DelRoute(msg) } else { RouteNetlinkMessage::NewRoute(msg) };
        self.ack(msg, op.flags())
    }

    /// `ip route add`: fails with EEXIST when the route exists.
    pub fn route_add(&mut self, route: &Route) -> Result<(), NlError> {
        self.route_write(route, RouteOp::Add)
    }

    /// `ip route replace`: creates or overwrites.
    pub fn route_replace(&mut self, route: &Route) -> Result<(), NlError> {
        self.route_write(route, RouteOp::Replace)
    }

    /// `ip route del`: fails with ESRCH when nothing matches.
    pub fn route_del(&mut self, route: &Route) -> Result<(), NlError> {
        self.route_write(route, RouteOp::Delete)
    }

    /// `ip route get`: the route the kernel would use.
    pub fn route_get(&mut self, query: &RouteQuery) -> Result<Option<Route>, NlError> {
        let replies = self.request(RouteNetlinkMessage::GetRoute(convert::query_message(query)), false)?;
        Ok(replies.iter().find_map(route_of))
    }
}

fn route_of(reply: &Reply) -> Option<Route> {
    match reply.decoded()? {
        RouteNetlinkMessage::NewRoute(m) => Some(convert::from_message(m, false)),
        RouteNetlinkMessage::DelRoute(m) => Some(convert::from_message(m, true)),
        _ => None,
    }
}
