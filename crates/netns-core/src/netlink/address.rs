//! Interface addresses: netns's own [`Address`] type, which describes one
//! address both as a dump reports it and as a request sends it (see
//! [`address_ops`](super::address_ops) for the writes), and the typed
//! rtnetlink reads, so callers never see `netlink-packet-route` types.
//!
//! ```no_run
//! use netns_core::netlink::{Netlink, address::{AF_INET, AddressQuery}};
//! let mut nl = Netlink::open()?;
//! let lo = nl.link_by_name("lo")?.expect("every namespace has lo").index;
//! // ip -4 address show dev lo
//! for a in nl.addresses_with(AddressQuery { family: AF_INET, index: lo })? {
//!     println!("{:?}/{}", a.local, a.prefix_len);
//! }
//! # Ok::<(), netns_core::netlink::NlError>(())
//! ```

use super::engine::{Netlink, Reply};
use super::error::NlError;
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use std::net::IpAddr;

// Address families as the `u8` that every rtnetlink header carries.
/// `AF_UNSPEC`
pub const AF_UNSPEC: u8 = libc::AF_UNSPEC as u8;
/// `AF_INET`
pub const AF_INET: u8 = libc::AF_INET as u8;
/// `AF_INET6`
pub const AF_INET6: u8 = libc::AF_INET6 as u8;
/// `AF_PACKET` (the link layer)
pub const AF_PACKET: u8 = libc::AF_PACKET as u8;
/// `AF_MPLS`
pub const AF_MPLS: u8 = libc::AF_MPLS as u8;
/// `AF_BRIDGE`
pub const AF_BRIDGE: u8 = libc::AF_BRIDGE as u8;

/// `IFA_F_SECONDARY` (IPv6: `temporary`)
pub const IFA_F_SECONDARY: u32 = 0x01;
/// `IFA_F_DEPRECATED`
pub const IFA_F_DEPRECATED: u32 = 0x20;
/// `IFA_F_PERMANENT`
pub const IFA_F_PERMANENT: u32 = 0x80;

/// A lifetime of "forever" in [`Lifetimes`].
pub const INFINITY_LIFE_TIME: u32 = u32::MAX;

/// One interface address: what `RTM_NEWADDR` carries, whether the kernel
/// sent it in a dump or netns sends it in a request. Unset fields are left
/// out of a request (a delete then matches anything there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    /// `AF_INET` or `AF_INET6` (other families are kept as their number).
    pub family: u8,
    /// Prefix length.
    pub prefix_len: u8,
    /// `IFA_F_*` flags. Read: IFA_FLAGS when the kernel sent it (32 bits),
    /// else the header's 8 bits. Written: in the header when they fit a
    /// byte, else as IFA_FLAGS.
    pub flags: u32,
    /// Scope (`RT_SCOPE_*`: 0 global, 200 site, 253 link, 254 host).
    pub scope: u8,
    /// Interface index.
    pub index: u32,
    /// IFA_LOCAL.
    pub local: Option<IpAddr>,
    /// IFA_ADDRESS (the peer on point-to-point links, else equal to local).
    pub address: Option<IpAddr>,
    /// IFA_BROADCAST.
    pub broadcast: Option<IpAddr>,
    /// IFA_ANYCAST.
    pub anycast: Option<IpAddr>,
    /// IFA_LABEL, without its NUL: bytes, as the kernel and iproute2 keep
    /// labels (a label is an interface name, which need not be UTF-8).
    pub label: Option<Vec<u8>>,
    /// IFA_RT_PRIORITY: metric of the prefix route.
    pub metric: Option<u32>,
    /// IFA_CACHEINFO.
    pub lifetimes: Option<Lifetimes>,
}

/// Address lifetimes in seconds ([`INFINITY_LIFE_TIME`] is forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// Valid lifetime (left, in a dump).
    pub valid: u32,
    /// Preferred lifetime (left, in a dump).
    pub preferred: u32,
}

/// Which addresses a dump asks the kernel for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressQuery {
    /// `AF_INET`, `AF_INET6` or 0 for both.
    pub family: u8,
    /// Only this interface (0: all).
    pub index: u32,
}

impl Netlink {
    /// Every address in this namespace, with IFA_LOCAL and IFA_ADDRESS
    /// filled in from each other as iproute2 does before printing.
    ///
    /// ```no_run
    /// let mut nl = netns_core::netlink::Netlink::open()?;
    /// for a in nl.addresses()? {
    ///     println!("{} {:?}/{}", a.index, a.local, a.prefix_len);
    /// }
    /// # Ok::<(), netns_core::netlink::NlError>(())
    /// ```
    pub fn addresses(&mut self) -> Result<Vec<Address>, NlError> {
        self.addresses_with(AddressQuery::default())
    }

    /// The addresses `query` selects (the kernel does the filtering), with
    /// IFA_LOCAL and IFA_ADDRESS filled in from each other as iproute2 does
    /// before printing.
    pub fn addresses_with(&mut self, query: AddressQuery) -> Result<Vec<Address>, NlError> {
        let mut all = self.address_dump(query)?;
        for a in &mut all {
            if a.local.is_none() {
                a.local = a.address;
            }
            if a.address.is_none() {
                a.address = a.local;
            }
        }
        Ok(all)
    }

    /// The addresses `query` selects, each exactly as the kernel sent it.
    pub(super) fn address_dump(&mut self, query: AddressQuery) -> Result<Vec<Address>, NlError> {
        let mut msg = AddressMessage::default();
        msg.header.family = AddressFamily::from(query.family);
        msg.header.index = query.index;
        let replies = self.dump(RouteNetlinkMessage::GetAddress(msg))?;
        Ok(replies.iter().filter_map(address_of_reply).collect())
    }
}

fn address_of_reply(reply: &Reply) -> Option<Address> {
    let RouteNetlinkMessage::NewAddress(m) = reply.decoded()? else { return None };
    Some(address_of(m))
}

/// The address a message describes, attribute for attribute (no
/// defaulting of one field from another).
pub(super) fn address_of(m: &AddressMessage) -> Address {
    let h = &m.header;
    let mut a = Address {
        family: h.family.into(),
        prefix_len: h.prefix_len,
        flags: h.flags.bits().into(),
        scope: h.scope.into(),
        index: h.index,
        ..Address::default()
    };
    for attr in &m.attributes {
        match attr {
            AddressAttribute::Address(v) => a.address = Some(*v),
            AddressAttribute::Local(v) => a.local = Some(*v),
            AddressAttribute::Label(v) => a.label = Some(v.as_bytes().to_vec()),
            AddressAttribute::Broadcast(v) => a.broadcast = Some(IpAddr::V4(*v)),
            AddressAttribute::Anycast(v) => a.anycast = Some(IpAddr::V6(*v)),
            AddressAttribute::CacheInfo(c) => {
                a.lifetimes = Some(Lifetimes { valid: c.ifa_valid, preferred: c.ifa_preferred })
            }
            AddressAttribute::Flags(f) => a.flags = f.bits(),
            AddressAttribute::RoutePriority(v) => a.metric = Some(*v),
            _ => {}
        }
    }
    a
}
