//! Neighbours (ARP / NDP entries, RTM_*NEIGH): netns's model and the typed
//! operations on it.
//!
//! ```no_run
//! use netns_core::netlink::{Netlink, neighbour::{Neighbour, NeighbourFilter, NUD_PERMANENT}};
//! let mut nl = Netlink::open()?;
//! let n = Neighbour::new("10.0.0.7".parse().unwrap(), 2, vec![2, 0, 0, 0, 0, 7], NUD_PERMANENT);
//! nl.neighbour_add(&n)?;
//! println!("{}", nl.neighbours(&NeighbourFilter::default())?.len());
//! # Ok::<(), netns_core::netlink::NlError>(())
//! ```

use super::engine::{Netlink, Reply};
use super::error::NlError;
use super::route::RouteOp;
use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourExtFlags, NeighbourFlags, NeighbourMessage,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// NUD_INCOMPLETE
pub const NUD_INCOMPLETE: u16 = 0x01;
/// NUD_REACHABLE
pub const NUD_REACHABLE: u16 = 0x02;
/// NUD_STALE
pub const NUD_STALE: u16 = 0x04;
/// NUD_DELAY
pub const NUD_DELAY: u16 = 0x08;
/// NUD_PROBE
pub const NUD_PROBE: u16 = 0x10;
/// NUD_FAILED
pub const NUD_FAILED: u16 = 0x20;
/// NUD_NOARP
pub const NUD_NOARP: u16 = 0x40;
/// NUD_PERMANENT
pub const NUD_PERMANENT: u16 = 0x80;
/// NTF_USE
pub const NTF_USE: u8 = 0x01;
/// NTF_PROXY: a proxy-ARP/NDP entry.
pub const NTF_PROXY: u8 = 0x08;
/// NTF_EXT_LEARNED
pub const NTF_EXT_LEARNED: u8 = 0x10;
/// NTF_OFFLOADED
pub const NTF_OFFLOADED: u8 = 0x20;
/// NTF_ROUTER
pub const NTF_ROUTER: u8 = 0x80;
/// NTF_EXT_MANAGED (in `ext_flags`)
pub const NTF_EXT_MANAGED: u32 = 0x01;

/// One neighbour entry: `struct ndmsg` plus attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Neighbour {
    /// Address family.
    pub family: u8,
    /// Interface index.
    pub ifindex: u32,
    /// NUD_* state bits.
    pub state: u16,
    /// NTF_* flags.
    pub flags: u8,
    /// `ndm_type`
    pub kind: u8,
    /// NDA_DST as an address (IPv4/IPv6); raw bytes otherwise in `dst_raw`.
    pub dst: Option<IpAddr>,
    /// NDA_DST bytes when not an IP address.
    pub dst_raw: Option<Vec<u8>>,
    /// NDA_LLADDR
    pub lladdr: Option<Vec<u8>>,
    /// NDA_CACHEINFO: (confirmed, used, updated, refcnt) in clock ticks.
    pub cache: Option<NeighCacheInfo>,
    /// NDA_PROBES
    pub probes: Option<u32>,
    /// NDA_PROTOCOL
    pub protocol: Option<u8>,
    /// NDA_FLAGS_EXT
    pub ext_flags: u32,
    /// The message was an RTM_DELNEIGH.
    pub deleted: bool,
    /// The message was an RTM_GETNEIGH (a resolution request).
    pub miss: bool,
}

/// `struct nda_cacheinfo`
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NeighCacheInfo {
    /// ndm_confirmed
    pub confirmed: u32,
    /// ndm_used
    pub used: u32,
    /// ndm_updated
    pub updated: u32,
    /// ndm_refcnt
    pub refcnt: u32,
}

/// What the kernel filters in a neighbour dump.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NeighbourFilter {
    /// Family (0: all).
    pub family: u8,
    /// Interface index (0: any).
    pub ifindex: u32,
    /// Master interface index (0: any; u32::MAX: none, `nomaster`).
    pub master: u32,
    /// Proxy entries instead of the cache (`ip neigh show proxy`).
    pub proxy: bool,
}

impl Neighbour {
    /// A neighbour entry to write: `dst` on `ifindex` at `lladdr` in `state`.
    pub fn new(dst: IpAddr, ifindex: u32, lladdr: Vec<u8>, state: u16) -> Neighbour {
        Neighbour {
            family: super::route::family_of(&dst),
            ifindex,
            state,
            dst: Some(dst),
            lladdr: Some(lladdr),
            ..Neighbour::default()
        }
    }
}

fn from_message(m: &NeighbourMessage, deleted: bool, miss: bool) -> Neighbour {
    let h = &m.header;
    let mut n = Neighbour {
        family: u8::from(h.family),
        ifindex: h.ifindex,
        state: u16::from(h.state),
        flags: h.flags.bits(),
        kind: u8::from(h.kind),
        deleted,
        miss,
        ..Neighbour::default()
    };
    for a in &m.attributes {
        match a {
            NeighbourAttribute::Destination(d) => match d {
                NeighbourAddress::Inet(v) => n.dst = Some(IpAddr::V4(*v)),
                NeighbourAddress::Inet6(v) => n.dst = Some(IpAddr::V6(*v)),
                NeighbourAddress::Other(b) => match b.len() {
                    4 => n.dst = Some(IpAddr::V4(Ipv4Addr::new(b[0], b[1], b[2], b[3]))),
                    16 => n.dst = <[u8; 16]>::try_from(&b[..]).ok().map(|a| IpAddr::V6(Ipv6Addr::from(a))),
                    _ => n.dst_raw = Some(b.clone()),
                },
                _ => {}
            },
            NeighbourAttribute::LinkLayerAddress(l) => n.lladdr = Some(l.clone()),
            NeighbourAttribute::CacheInfo(c) => {
                n.cache =
                    Some(NeighCacheInfo { confirmed: c.confirmed, used: c.used, updated: c.updated, refcnt: c.refcnt })
            }
            NeighbourAttribute::Probes(p) => n.probes = Some(*p),
            NeighbourAttribute::Protocol(p) => n.protocol = Some(u8::from(*p)),
            NeighbourAttribute::ExtFlags(f) => n.ext_flags = f.bits(),
            _ => {}
        }
    }
    n
}

fn to_message(n: &Neighbour) -> NeighbourMessage {
    let mut m = NeighbourMessage::default();
    m.header.family = AddressFamily::from(n.family);
    m.header.ifindex = n.ifindex;
    m.header.state = n.state.into();
    m.header.flags = NeighbourFlags::from_bits_retain(n.flags);
    m.header.kind = n.kind.into();
    if let Some(p) = n.protocol {
        m.attributes.push(NeighbourAttribute::Protocol(p.into()));
    }
    if let Some(d) = n.dst {
        m.attributes.push(NeighbourAttribute::Destination(d.into()));
    }
    if n.ext_flags != 0 {
        m.attributes.push(NeighbourAttribute::ExtFlags(NeighbourExtFlags::from_bits_retain(n.ext_flags)));
    }
    if let Some(l) = &n.lladdr {
        m.attributes.push(NeighbourAttribute::LinkLayerAddress(l.clone()));
    }
    m
}

fn neighbour_of(reply: &Reply) -> Option<Neighbour> {
    match reply.decoded()? {
        RouteNetlinkMessage::NewNeighbour(m) => Some(from_message(m, false, false)),
        RouteNetlinkMessage::DelNeighbour(m) => Some(from_message(m, true, false)),
        RouteNetlinkMessage::GetNeighbour(m) => Some(from_message(m, false, true)),
        _ => None,
    }
}

impl Netlink {
    /// Dump neighbours; the kernel applies `filter`.
    pub fn neighbours(&mut self, filter: &NeighbourFilter) -> Result<Vec<Neighbour>, NlError> {
        let mut m = NeighbourMessage::default();
        m.header.family = AddressFamily::from(filter.family);
        if filter.proxy {
            m.header.flags = NeighbourFlags::from_bits_retain(NTF_PROXY);
        }
        if filter.ifindex != 0 {
            m.attributes.push(NeighbourAttribute::IfIndex(filter.ifindex));
        }
        if filter.master != 0 {
            m.attributes.push(NeighbourAttribute::Controller(filter.master));
        }
        let replies = self.dump(RouteNetlinkMessage::GetNeighbour(m))?;
        Ok(replies.iter().filter_map(neighbour_of).collect())
    }

    /// Add, change, replace or delete one neighbour entry (`Prepend`,
    /// `Append` and `Test` are route-only and behave as their flags say).
    pub fn neighbour_write(&mut self, n: &Neighbour, op: RouteOp) -> Result<(), NlError> {
        let m = to_message(n);
        let msg = if op == RouteOp::Delete {
            RouteNetlinkMessage::DelNeighbour(m)
        } else {
            RouteNetlinkMessage::NewNeighbour(m)
        };
        self.ack(msg, op.flags())
    }

    /// `ip neigh add`
    pub fn neighbour_add(&mut self, n: &Neighbour) -> Result<(), NlError> {
        self.neighbour_write(n, RouteOp::Add)
    }

    /// `ip neigh replace`
    pub fn neighbour_replace(&mut self, n: &Neighbour) -> Result<(), NlError> {
        self.neighbour_write(n, RouteOp::Replace)
    }

    /// `ip neigh del`
    pub fn neighbour_del(&mut self, n: &Neighbour) -> Result<(), NlError> {
        self.neighbour_write(n, RouteOp::Delete)
    }

    /// `ip neigh get ADDR dev DEV`: one entry.
    pub fn neighbour_get(&mut self, n: &Neighbour) -> Result<Option<Neighbour>, NlError> {
        let replies = self.request(RouteNetlinkMessage::GetNeighbour(to_message(n)), false)?;
        Ok(replies.iter().find_map(neighbour_of))
    }
}
