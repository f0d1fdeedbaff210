//! What a lab namespace holds right now, read over netlink from our own
//! process: the "actual" side of a reconcile, and what `status` shows.

use super::error::NsError;
use crate::namespace::NetNs;
use crate::netlink::bridge_vlan::PortVlanInfo;
use crate::netlink::link::KindData;
use crate::netlink::link::{IFF_LOWER_UP, IFF_RUNNING, IFF_UP};
use crate::netlink::qdisc::{NetemParams, TbfParams};
use crate::netlink::route::{Route, RouteFilter};
use crate::netlink::{Netlink, NlError};
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};

/// `rtm_protocol` of the routes a lab installs (`proto static`): routes
/// with another protocol (added by hand, by the kernel) are not the lab's.
pub const RTPROT_STATIC: u8 = 4;

/// Why a namespace could not be read: what was being listed, and what
/// netlink said.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// A dump was refused or failed.
    #[error("cannot list {what}: {source}")]
    List {
        /// What was listed ("interfaces", "routes", …).
        what: &'static str,
        /// What netlink said.
        source: NlError,
    },
    /// The namespace could not be opened or entered.
    #[error(transparent)]
    Ns(#[from] NsError),
}

/// A failed dump of `what`.
fn list(what: &'static str) -> impl FnOnce(NlError) -> LiveError {
    move |source| LiveError::List { what, source }
}

/// One interface as the kernel reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveLink {
    /// ifindex.
    pub index: u32,
    /// Name.
    pub name: String,
    /// Kind (`veth`, `bridge`, …), `None` for lo.
    pub kind: Option<String>,
    /// IFF_UP.
    pub up: bool,
    /// Carrier / operational state is up.
    pub running: bool,
    /// Carrier (`IFF_LOWER_UP`), which the kernel sets at once; the
    /// operational state (`running`, `operstate`) follows it within a
    /// second or so, after the kernel's link-watch work has run.
    pub carrier: bool,
    /// RFC 2863 operational state (IFLA_OPERSTATE), when reported.
    pub operstate: Option<u8>,
    /// MTU.
    pub mtu: u32,
    /// Hardware address.
    pub mac: Option<Vec<u8>>,
    /// Master ifindex.
    pub master: Option<u32>,
    /// IFLA_LINK (veth: the peer's ifindex in its namespace).
    pub peer_index: Option<u32>,
    /// Root qdisc kind.
    pub qdisc: Option<String>,
    /// Settings of a root tbf qdisc.
    pub tbf: Option<TbfParams>,
    /// Settings of a root netem qdisc.
    pub netem: Option<NetemParams>,
    /// A bridge's settings (`None`: not a bridge).
    pub bridge: Option<BridgeLive>,
    /// A vlan interface's VLAN id (its parent is `peer_index`).
    pub vlan_id: Option<u16>,
    /// A bridge port's VLANs, sorted by id (read only where a bridge of
    /// the namespace filters VLANs).
    pub port_vlans: Vec<PortVlanInfo>,
}

/// The settings of a bridge a lab file can set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BridgeLive {
    /// Spanning tree is on (IFLA_BR_STP_STATE is not 0).
    pub stp: bool,
    /// VLAN filtering is on.
    pub vlan_filtering: bool,
}

/// A namespace's interfaces, addresses and lab routes.
#[derive(Debug, Clone, Default)]
pub struct NsLive {
    /// Interfaces by name.
    pub links: BTreeMap<String, LiveLink>,
    /// Managed addresses (global scope, not lo's 127.0.0.1/::1), by ifindex.
    pub addrs: Vec<(u32, IpNet)>,
    /// Routes with `proto static`, every table.
    pub routes: Vec<Route>,
}

impl NsLive {
    /// The interface with this index.
    pub fn by_index(&self, index: u32) -> Option<&LiveLink> {
        self.links.values().find(|l| l.index == index)
    }

    /// The highest ifindex in use.
    pub fn max_index(&self) -> u32 {
        self.links.values().map(|l| l.index).max().unwrap_or(1)
    }
}

/// Read everything a reconcile compares.
pub fn read(nl: &mut Netlink) -> Result<NsLive, LiveError> {
    let mut live = NsLive::default();
    for l in nl.links().map_err(list("interfaces"))? {
        let data = l.info.as_ref().and_then(|i| i.data.as_ref());
        let bridge = match data {
            Some(KindData::Bridge(b)) => Some(BridgeLive {
                stp: b.stp_state.is_some_and(|s| s != 0),
                vlan_filtering: b.vlan_filtering.unwrap_or(false),
            }),
            _ => None,
        };
        let vlan_id = match data {
            Some(KindData::Vlan(id)) => *id,
            _ => None,
        };
        live.links.insert(
            l.name.clone(),
            LiveLink {
                index: l.index,
                kind: l.kind().map(str::to_string),
                up: l.flags & IFF_UP != 0,
                running: l.flags & IFF_RUNNING != 0,
                carrier: l.flags & IFF_LOWER_UP != 0,
                operstate: l.operstate,
                mtu: l.mtu.unwrap_or(0),
                mac: l.address.clone(),
                master: l.master.filter(|&m| m != 0),
                peer_index: l.parent.filter(|&p| p != 0),
                qdisc: l.qdisc.clone(),
                tbf: None,
                netem: None,
                bridge,
                vlan_id,
                port_vlans: Vec::new(),
                name: l.name,
            },
        );
    }
    // Only a shaped interface costs a qdisc request.
    for l in live.links.values_mut().filter(|l| matches!(l.qdisc.as_deref(), Some("tbf" | "netem"))) {
        // Unreadable: no settings, so a shaped interface shows as drift.
        let q = nl.qdisc_root(l.index).ok().flatten();
        (l.tbf, l.netem) = q.map_or((None, None), |q| (q.tbf, q.netem));
    }
    // Port VLANs cost a dump: only where a bridge filters them.
    if live.links.values().any(|l| l.bridge.is_some_and(|b| b.vlan_filtering)) {
        let ports = nl.bridge_port_vlans().map_err(list("the VLANs of bridge ports"))?;
        for (index, vlans) in ports {
            if let Some(l) = live.links.values_mut().find(|l| l.index == index) {
                l.port_vlans = vlans;
            }
        }
    }
    for a in nl.addr_list(0, 0).map_err(list("addresses"))? {
        let Some(ip) = a.local.or(a.address) else { continue };
        // Link-local and host-scoped addresses (fe80::/64, 127.0.0.1) are the
        // kernel's, not the lab's.
        if a.scope >= 253 {
            continue;
        }
        if let Ok(net) = IpNet::new(ip, a.prefix_len) {
            live.addrs.push((a.index, net));
        }
    }
    let filter = RouteFilter { protocol: RTPROT_STATIC, ..RouteFilter::all() };
    live.routes =
        nl.routes(&filter).map_err(list("routes"))?.into_iter().filter(|r| r.protocol == RTPROT_STATIC).collect();
    Ok(live)
}

/// [`read`], with the routes of other protocols that the node's file routes
/// are marked with counted as the lab's too, but only at the destinations
/// (table and prefix) those file routes name: a routing daemon marks its
/// routes with the same protocol (`proto bird`), and the lab must never
/// remove a route it did not make.
///
/// One dump per family, protocol and table the file names, filtered by the
/// kernel: a namespace holding a full routing table (a daemon's hundreds
/// of thousands of routes) is not read whole to find a few.
pub fn read_protos(nl: &mut Netlink, owned: &[(u8, u32, IpNet)]) -> Result<NsLive, LiveError> {
    let mut live = read(nl)?;
    let mut wanted: BTreeMap<(u8, u8, u32), BTreeSet<IpNet>> = BTreeMap::new();
    for &(protocol, table, to) in owned.iter().filter(|&&(p, _, _)| p != RTPROT_STATIC) {
        let family = match to {
            IpNet::V4(_) => libc::AF_INET,
            IpNet::V6(_) => libc::AF_INET6,
        } as u8;
        wanted.entry((family, protocol, table)).or_default().insert(to);
    }
    for ((family, protocol, table), destinations) in wanted {
        let filter = RouteFilter { family, table, protocol, ..RouteFilter::all() };
        let routes = match nl.routes(&filter) {
            Ok(routes) => routes,
            // A table nothing was put in yet does not exist: it holds none.
            Err(NlError::Kernel(k)) if k.errno == libc::ENOENT => continue,
            Err(e) => return Err(list("routes")(e)),
        };
        live.routes.extend(routes.into_iter().filter(|r| {
            r.protocol == protocol && r.table == table && destination(r).is_some_and(|d| destinations.contains(&d))
        }));
    }
    Ok(live)
}

/// A kernel route's destination as a prefix (`0.0.0.0/0` for a default route).
fn destination(r: &Route) -> Option<IpNet> {
    let addr = match r.dst {
        Some(a) => a,
        None if r.family == libc::AF_INET as u8 => std::net::Ipv4Addr::UNSPECIFIED.into(),
        None if r.family == libc::AF_INET6 as u8 => std::net::Ipv6Addr::UNSPECIFIED.into(),
        None => return None,
    };
    IpNet::new(addr, r.dst_len).ok().map(|n| n.trunc())
}

/// Open a namespace and read it.
pub fn read_ns(ns: &NetNs) -> Result<(Netlink, NsLive), LiveError> {
    let mut nl = ns.netlink().map_err(|source| NsError::Netlink { path: ns.path().to_path_buf(), source })?;
    let live = read(&mut nl)?;
    Ok((nl, live))
}
