//! Typed rtnetlink writes on links: create (veth, bridge, vxlan, macvlan,
//! or any kind by name), change, move between namespaces, delete; and the
//! name → index lookup every write needs.
//!
//! A [`LinkSpec`] is one `ifinfomsg` with its attributes, in netns's own
//! terms. A veth peer is a nested `LinkSpec` carrying its own target
//! namespace, so both ends are created, each in its namespace, by a single
//! request: the kernel creates both or neither.
//!
//! ```no_run
//! use netns_core::netlink::link_ops::{LinkKind, LinkSpec, LinkWrite, NsTarget};
//! use netns_core::{NetNs, NsName, RunDir, netlink::Netlink};
//! use std::os::fd::AsFd;
//!
//! let run = RunDir::from_env();
//! let blue = NetNs::create(&run, &NsName::new("blue")?)?;
//! // ip link add veth-blue type veth peer name eth0 netns blue
//! let pair = LinkSpec {
//!     name: Some(b"veth-blue".to_vec()),
//!     kind: Some(LinkKind::Veth {
//!         peer: Some(Box::new(LinkSpec {
//!             name: Some(b"eth0".to_vec()),
//!             netns: Some(NsTarget::Fd(blue.as_fd())),
//!             ..LinkSpec::default()
//!         })),
//!     }),
//!     ..LinkSpec::default()
//! };
//! let mut nl = Netlink::open()?;
//! nl.link_write(&pair, LinkWrite::Create)?;
//! // ip link delete veth-blue: the peer goes with it.
//! let index = nl.link_ref_by_name(b"veth-blue")?.expect("just made").index;
//! nl.link_delete_index(index)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::address::AF_INET6;
use super::engine::Netlink;
use super::error::NlError;
use super::link::kinds;
pub use super::link::kinds::macvlan::MacVlan;
pub use super::link::kinds::vxlan::VxlanOpt;
use super::wire::nla;
use libc::{
    IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_IFALIAS, IFLA_IFNAME, IFLA_LINKMODE,
    IFLA_NEW_IFINDEX, IFLA_PROP_LIST,
};
use netlink_packet_core::{DefaultNla, NLA_F_NESTED, NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_packet_route::link::{LinkAttribute, LinkExtentMask, LinkFlags, LinkMessage};
use std::os::fd::{AsRawFd, BorrowedFd};

const IFLA_INET6_ADDR_GEN_MODE: u16 = 8;
const IFNAMSIZ: usize = 16;

/// Where a link is created or moved to: an open namespace file, or the
/// namespace of a process.
///
/// The descriptor is borrowed, so it stays open until the request that
/// carries it has been sent:
///
/// ```no_run
/// use netns_core::netlink::link_ops::{LinkKind, LinkSpec, LinkWrite, NsTarget};
/// use netns_core::{NetNs, netlink::Netlink};
/// use std::os::fd::AsFd;
///
/// let ns = NetNs::open_pid(1234)?;
/// // Move `eth1` of this namespace into the namespace of process 1234.
/// let mut nl = Netlink::open()?;
/// let index = nl.link_ref_by_name(b"eth1")?.expect("eth1 exists").index;
/// let spec = LinkSpec { index, netns: Some(NsTarget::Fd(ns.as_fd())), ..LinkSpec::default() };
/// nl.link_write(&spec, LinkWrite::Change)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub enum NsTarget<'fd> {
    /// IFLA_NET_NS_FD: a namespace file open for reading (a [`NetNs`](crate::NetNs)
    /// handle's [`as_fd`](std::os::fd::AsFd::as_fd)).
    Fd(BorrowedFd<'fd>),
    /// IFLA_NET_NS_PID: the network namespace of this process.
    Pid(u32),
}

/// Two targets are equal when they name the same process or the same
/// open descriptor.
impl PartialEq for NsTarget<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (NsTarget::Fd(a), NsTarget::Fd(b)) => a.as_raw_fd() == b.as_raw_fd(),
            (NsTarget::Pid(a), NsTarget::Pid(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for NsTarget<'_> {}

/// How a `RTM_NEWLINK` treats an existing link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkWrite {
    /// `ip link add`: create, fail if it exists.
    Create,
    /// `ip link set`: change an existing link.
    Change,
    /// `ip link replace`: create, or change if it exists.
    Replace,
}

impl LinkWrite {
    /// The request's `NLM_F_*` flags that say so.
    pub(crate) fn flags(self) -> u16 {
        match self {
            LinkWrite::Create => NLM_F_CREATE | NLM_F_EXCL,
            LinkWrite::Change => 0,
            LinkWrite::Replace => NLM_F_CREATE | NLM_F_REPLACE,
        }
    }
}

/// One link as a request describes it. Unset fields are left alone.
///
/// ```no_run
/// use netns_core::netlink::{Netlink, link::IFF_UP, link_ops::{LinkSpec, LinkWrite}};
/// let mut nl = Netlink::open()?;
/// let index = nl.link_ref_by_name(b"eth0")?.expect("eth0 exists").index;
/// // ip link set eth0 up mtu 9000
/// let spec = LinkSpec { index, flags: IFF_UP, change: IFF_UP, mtu: Some(9000), ..LinkSpec::default() };
/// nl.link_write(&spec, LinkWrite::Change)?;
/// # Ok::<(), netns_core::netlink::NlError>(())
/// ```
///
/// `'fd` is the lifetime of the namespace descriptor in [`netns`](Self::netns)
/// (of the peer's, for a veth); a spec that moves nothing has any lifetime.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkSpec<'fd> {
    /// ifi_index: the link to change, or the index wanted for a new one (0: any).
    pub index: u32,
    /// IFF_* bits to set (only those in `change` count).
    pub flags: u32,
    /// IFF_* bits this request changes.
    pub change: u32,
    /// IFLA_IFNAME: the name of a new link, or the new name of an existing one.
    pub name: Option<Vec<u8>>,
    /// IFLA_ADDRESS (hardware address).
    pub address: Option<Vec<u8>>,
    /// IFLA_BROADCAST (hardware broadcast address).
    pub broadcast: Option<Vec<u8>>,
    /// IFLA_MTU (iproute2 passes any int; the kernel judges it).
    pub mtu: Option<u32>,
    /// IFLA_TXQLEN
    pub txqlen: Option<u32>,
    /// IFLA_LINK: the lower device (macvlan, …).
    pub link: Option<u32>,
    /// IFLA_MASTER; `Some(0)` detaches from the master.
    pub master: Option<u32>,
    /// IFLA_NET_NS_FD / IFLA_NET_NS_PID: create in, or move to, that namespace.
    pub netns: Option<NsTarget<'fd>>,
    /// IFLA_LINK_NETNSID
    pub link_netnsid: Option<i32>,
    /// IFLA_IFALIAS; empty removes the alias.
    pub alias: Option<Vec<u8>>,
    /// IFLA_GROUP
    pub group: Option<u32>,
    /// IFLA_CARRIER
    pub carrier: Option<bool>,
    /// IFLA_NUM_TX_QUEUES
    pub num_tx_queues: Option<u32>,
    /// IFLA_NUM_RX_QUEUES
    pub num_rx_queues: Option<u32>,
    /// IFLA_GSO_MAX_SIZE
    pub gso_max_size: Option<u32>,
    /// IFLA_GSO_MAX_SEGS
    pub gso_max_segs: Option<u32>,
    /// IFLA_GRO_MAX_SIZE
    pub gro_max_size: Option<u32>,
    /// IFLA_LINKMODE (0 default, 1 dormant)
    pub link_mode: Option<u8>,
    /// IFLA_PROTO_DOWN
    pub proto_down: Option<bool>,
    /// IFLA_INET6_ADDR_GEN_MODE inside IFLA_AF_SPEC
    pub addr_gen_mode: Option<u8>,
    /// IFLA_NEW_IFINDEX: the index a moved link gets in its new namespace.
    pub new_index: Option<u32>,
    /// IFLA_LINKINFO: the kind and its options.
    pub kind: Option<LinkKind<'fd>>,
}

/// A link kind and its options (IFLA_INFO_KIND + IFLA_INFO_DATA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind<'fd> {
    /// A veth pair; `peer` describes the other end (its name, namespace, …).
    Veth {
        /// VETH_INFO_PEER; `None` lets the kernel name the peer.
        peer: Option<Box<LinkSpec<'fd>>>,
    },
    /// A bridge with default options.
    Bridge,
    /// A bridge with VLAN filtering and/or spanning tree set; `None` sends
    /// nothing for that setting (a kernel without VLAN filtering refuses
    /// IFLA_BR_VLAN_FILTERING even when it says "off").
    BridgeWith {
        /// IFLA_BR_VLAN_FILTERING
        vlan_filtering: Option<bool>,
        /// IFLA_BR_STP_STATE
        stp: Option<bool>,
    },
    /// An 802.1Q VLAN sub-interface with this id (`spec.link` is its parent).
    Vlan(u16),
    /// A VXLAN device; the options in the order they are sent.
    Vxlan(Vec<VxlanOpt>),
    /// A macvlan device.
    MacVlan(MacVlan),
    /// Any other kind by name, without options (the kernel may lack it).
    Other(Vec<u8>),
}

impl LinkKind<'_> {
    /// The kind's name as the kernel knows it.
    pub fn name(&self) -> &[u8] {
        match self {
            LinkKind::Veth { .. } => b"veth",
            LinkKind::Bridge | LinkKind::BridgeWith { .. } => b"bridge",
            LinkKind::Vlan(_) => b"vlan",
            LinkKind::Vxlan(_) => b"vxlan",
            LinkKind::MacVlan(_) => b"macvlan",
            LinkKind::Other(name) => name,
        }
    }
}

/// What a name lookup found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkRef {
    /// ifindex
    pub index: u32,
    /// Length of the hardware address, when the link has one.
    pub addr_len: Option<usize>,
}

fn raw(kind: u16, value: &[u8]) -> LinkAttribute {
    LinkAttribute::Other(DefaultNla::new(kind, value.to_vec()))
}

fn with_nul(bytes: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    v.push(0);
    v
}

/// The `ifinfomsg` and attributes of a spec.
pub(crate) fn link_message(spec: &LinkSpec<'_>) -> LinkMessage {
    let mut msg = LinkMessage::default();
    msg.header.index = spec.index;
    msg.header.flags = LinkFlags::from_bits_retain(spec.flags);
    msg.header.change_mask = LinkFlags::from_bits_retain(spec.change);
    let a = &mut msg.attributes;
    if let Some(v) = &spec.address {
        a.push(raw(IFLA_ADDRESS, v));
    }
    if let Some(v) = &spec.broadcast {
        a.push(raw(IFLA_BROADCAST, v));
    }
    if let Some(v) = spec.txqlen {
        a.push(LinkAttribute::TxQueueLen(v));
    }
    if let Some(v) = spec.mtu {
        a.push(LinkAttribute::Mtu(v));
    }
    match spec.netns {
        Some(NsTarget::Fd(fd)) => a.push(LinkAttribute::NetNsFd(fd.as_raw_fd())),
        Some(NsTarget::Pid(pid)) => a.push(LinkAttribute::NetNsPid(pid)),
        None => {}
    }
    if let Some(v) = spec.carrier {
        a.push(LinkAttribute::Carrier(v as u8));
    }
    if let Some(v) = spec.master {
        a.push(LinkAttribute::Controller(v));
    }
    if let Some(v) = &spec.alias {
        a.push(raw(IFLA_IFALIAS, v));
    }
    if let Some(v) = spec.group {
        a.push(LinkAttribute::Group(v));
    }
    if let Some(v) = spec.link_mode {
        a.push(raw(IFLA_LINKMODE, &[v]));
    }
    if let Some(v) = spec.num_tx_queues {
        a.push(LinkAttribute::NumTxQueues(v));
    }
    if let Some(v) = spec.num_rx_queues {
        a.push(LinkAttribute::NumRxQueues(v));
    }
    if let Some(mode) = spec.addr_gen_mode {
        // IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE u8 } }, built by hand.
        let inner = nla(IFLA_INET6_ADDR_GEN_MODE, &[mode]);
        let af = nla(u16::from(AF_INET6), &inner);
        a.push(raw(IFLA_AF_SPEC, &af));
    }
    if let Some(v) = spec.link_netnsid {
        a.push(LinkAttribute::LinkNetNsId(v));
    }
    if let Some(v) = spec.proto_down {
        a.push(LinkAttribute::ProtoDown(v as u8));
    }
    if let Some(v) = spec.gso_max_size {
        a.push(LinkAttribute::GsoMaxSize(v));
    }
    if let Some(v) = spec.gso_max_segs {
        a.push(LinkAttribute::GsoMaxSegs(v));
    }
    if let Some(v) = spec.gro_max_size {
        a.push(LinkAttribute::GroMaxSize(v));
    }
    if let Some(v) = spec.link {
        a.push(LinkAttribute::Link(v));
    }
    if let Some(v) = spec.new_index {
        a.push(raw(IFLA_NEW_IFINDEX, &v.to_ne_bytes()));
    }
    if let Some(v) = &spec.name {
        a.push(raw(IFLA_IFNAME, &with_nul(v)));
    }
    if let Some(kind) = &spec.kind {
        a.push(LinkAttribute::LinkInfo(kinds::link_info(kind)));
    }
    msg
}

/// Is `name` acceptable as IFLA_IFNAME (iproute2's `check_ifname`, which
/// mirrors the kernel's `dev_valid_name`): 1..=15 bytes, no `/`, no space.
pub fn is_valid_ifname(name: &[u8]) -> bool {
    name.len() < IFNAMSIZ && is_valid_altifname(name)
}

/// Is `name` acceptable as an alternative name (any length, no `/`, no
/// white space)?
pub fn is_valid_altifname(name: &[u8]) -> bool {
    !name.is_empty() && !name.iter().any(|&c| c == b'/' || c == b' ' || (b'\t'..=b'\r').contains(&c))
}

impl Netlink {
    /// Find a link by name (or alternative name) in this socket's
    /// namespace. `Ok(None)` when there is no such link.
    pub fn link_ref_by_name(&mut self, name: &[u8]) -> Result<Option<LinkRef>, NlError> {
        let mut msg = LinkMessage::default();
        msg.attributes.push(LinkAttribute::ExtMask(vec![LinkExtentMask::Vf, LinkExtentMask::SkipStats]));
        let kind = if is_valid_ifname(name) { IFLA_IFNAME } else { IFLA_ALT_IFNAME };
        msg.attributes.push(raw(kind, &with_nul(name)));
        match self.request(RouteNetlinkMessage::GetLink(msg), false) {
            Ok(replies) => Ok(replies.iter().find_map(|r| match r.decoded()? {
                RouteNetlinkMessage::NewLink(m) => Some(LinkRef {
                    index: m.header.index,
                    addr_len: m.attributes.iter().find_map(|a| match a {
                        LinkAttribute::Address(v) => Some(v.len()),
                        _ => None,
                    }),
                }),
                _ => None,
            })),
            Err(NlError::Kernel(k)) if k.errno == libc::ENODEV || k.errno == libc::EINVAL => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The name of the link with this index, if there is one.
    pub fn link_name(&mut self, index: u32) -> Result<Option<Vec<u8>>, NlError> {
        let mut msg = LinkMessage::default();
        msg.header.index = index;
        msg.attributes.push(LinkAttribute::ExtMask(vec![LinkExtentMask::Vf, LinkExtentMask::SkipStats]));
        match self.request(RouteNetlinkMessage::GetLink(msg), false) {
            Ok(replies) => Ok(replies.iter().find_map(|r| match r.decoded()? {
                RouteNetlinkMessage::NewLink(m) => m.attributes.iter().find_map(|a| match a {
                    LinkAttribute::IfName(n) => Some(n.as_bytes().to_vec()),
                    _ => None,
                }),
                _ => None,
            })),
            Err(NlError::Kernel(k)) if k.errno == libc::ENODEV => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Create or change a link (`RTM_NEWLINK`).
    pub fn link_write(&mut self, spec: &LinkSpec<'_>, how: LinkWrite) -> Result<(), NlError> {
        self.ack(RouteNetlinkMessage::NewLink(link_message(spec)), how.flags())
    }

    /// Delete a link (`RTM_DELLINK`); `spec.index` names it (or
    /// `spec.group` a whole group).
    pub fn link_delete(&mut self, spec: &LinkSpec<'_>) -> Result<(), NlError> {
        self.ack(RouteNetlinkMessage::DelLink(link_message(spec)), 0)
    }

    /// Delete the link with this index.
    pub fn link_delete_index(&mut self, index: u32) -> Result<(), NlError> {
        self.link_delete(&LinkSpec { index, ..LinkSpec::default() })
    }

    /// Add (`RTM_NEWLINKPROP`) or remove (`RTM_DELLINKPROP`) alternative
    /// names of the link with this index, in one request: an
    /// `IFLA_PROP_LIST` of `IFLA_ALT_IFNAME`s, as `ip link property` sends
    /// it. `family` is the request's `ifi_family`.
    pub fn link_altnames(&mut self, index: u32, family: u8, names: &[&[u8]], add: bool) -> Result<(), NlError> {
        let mut msg = LinkMessage::default();
        msg.header.index = index;
        msg.header.interface_family = family.into();
        // Encoded by hand: the crate's alternative names are UTF-8 strings,
        // the kernel's are any bytes.
        let list: Vec<u8> = names.iter().flat_map(|n| nla(IFLA_ALT_IFNAME, &with_nul(n))).collect();
        msg.attributes.push(raw(IFLA_PROP_LIST | NLA_F_NESTED, &list));
        if add {
            self.ack(RouteNetlinkMessage::NewLinkProp(msg), NLM_F_EXCL | NLM_F_CREATE | NLM_F_APPEND)
        } else {
            self.ack(RouteNetlinkMessage::DelLinkProp(msg), 0)
        }
    }
}

/// Does this kernel have the link kind `kind`? Asked in a throw-away
/// namespace on a thread of its own, so nothing is created where the user
/// is: a request for the bare kind either fails with "Unknown device type"
/// (the kind is missing) or with anything else (it exists).
pub fn kernel_has_link_kind(kind: &[u8]) -> Result<bool, NlError> {
    let kind = kind.to_vec();
    std::thread::scope(|s| {
        s.spawn(move || {
            let _ns = crate::rundir::fresh_namespace_on_this_thread()?;
            let mut nl = Netlink::open()?;
            let spec = LinkSpec {
                name: Some(b"netns-probe".to_vec()),
                kind: Some(LinkKind::Other(kind)),
                ..LinkSpec::default()
            };
            match nl.link_write(&spec, LinkWrite::Create) {
                Err(NlError::Kernel(k)) if is_unknown_kind(&k) => Ok(false),
                _ => Ok(true),
            }
        })
        .join()
        .unwrap_or(Ok(true))
    })
}

/// Is this the kernel's answer to a link kind it does not have?
pub fn is_unknown_kind(k: &super::KernelError) -> bool {
    k.errno == libc::EOPNOTSUPP && k.message.as_deref().is_some_and(|m| m.starts_with("Unknown device type"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use netlink_packet_route::link::{BridgeStpState, InfoBridge, InfoData, InfoVeth, LinkInfo};

    #[test]
    fn ifname_rules_follow_the_kernel() {
        assert!(is_valid_ifname(b"veth0"));
        assert!(is_valid_ifname(b"123456789012345"));
        assert!(!is_valid_ifname(b"1234567890123456"));
        assert!(!is_valid_ifname(b""));
        assert!(!is_valid_ifname(b"a/b"));
        assert!(!is_valid_ifname(b"a b"));
        assert!(is_valid_altifname(b"a-very-long-alternative-name"));
    }

    #[test]
    fn veth_peer_carries_its_own_namespace() {
        let ns = std::fs::File::open("/proc/self/ns/net").unwrap();
        let fd = std::os::fd::AsFd::as_fd(&ns);
        let peer = LinkSpec { name: Some(b"p".to_vec()), netns: Some(NsTarget::Fd(fd)), ..LinkSpec::default() };
        let spec = LinkSpec {
            name: Some(b"v".to_vec()),
            kind: Some(LinkKind::Veth { peer: Some(Box::new(peer)) }),
            ..LinkSpec::default()
        };
        let msg = link_message(&spec);
        let Some(LinkAttribute::LinkInfo(info)) = msg.attributes.last() else { panic!("no linkinfo") };
        let Some(LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(p)))) = info.get(1) else { panic!("no peer") };
        assert!(p.attributes.contains(&LinkAttribute::NetNsFd(fd.as_raw_fd())));
    }

    /// The bridge settings of a request, as the kernel receives them.
    fn bridge_data(kind: LinkKind<'_>) -> Vec<InfoBridge> {
        let msg = link_message(&LinkSpec { kind: Some(kind), ..LinkSpec::default() });
        let Some(LinkAttribute::LinkInfo(info)) = msg.attributes.last() else { panic!("no linkinfo") };
        match info.get(1) {
            Some(LinkInfo::Data(InfoData::Bridge(b))) => b.clone(),
            other => panic!("no bridge data: {other:?}"),
        }
    }

    #[test]
    fn stp_without_vlan_filtering_sends_no_vlan_filtering_attribute() {
        let stp_only = LinkKind::BridgeWith { vlan_filtering: None, stp: Some(true) };
        assert_eq!(bridge_data(stp_only), vec![InfoBridge::StpState(BridgeStpState::from(1u32))]);
        let off = LinkKind::BridgeWith { vlan_filtering: Some(false), stp: None };
        assert_eq!(bridge_data(off), vec![InfoBridge::VlanFiltering(false)]);
        let both = LinkKind::BridgeWith { vlan_filtering: Some(true), stp: Some(false) };
        assert_eq!(
            bridge_data(both),
            vec![InfoBridge::VlanFiltering(true), InfoBridge::StpState(BridgeStpState::from(0u32))]
        );
    }

    #[test]
    fn af_spec_nest_is_well_formed() {
        assert_eq!(nla(8, &[1]), vec![5, 0, 8, 0, 1, 0, 0, 0]);
    }
}
