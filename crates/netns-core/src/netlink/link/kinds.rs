//! Settings of the smaller link kinds: vxlan and macvlan.

use netlink_packet_route::link::{InfoMacVlan, InfoMacVtap, InfoVxlan};
use std::net::{Ipv4Addr, Ipv6Addr};

/// A vxlan device's settings (IFLA_VXLAN_*).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct VxlanInfo {
    /// VNI.
    pub id: Option<u32>,
    /// Remote or multicast group (IPv4).
    pub group: Option<Ipv4Addr>,
    /// Remote or multicast group (IPv6).
    pub group6: Option<Ipv6Addr>,
    pub local: Option<Ipv4Addr>,
    pub local6: Option<Ipv6Addr>,
    /// Index of the underlying device (`dev`), 0 for none.
    pub link: Option<u32>,
    /// Source port range (low, high).
    pub port_range: Option<(u16, u16)>,
    /// Destination UDP port.
    pub port: Option<u16>,
    pub learning: Option<bool>,
    pub proxy: Option<bool>,
    pub rsc: Option<bool>,
    pub l2miss: Option<bool>,
    pub l3miss: Option<bool>,
    pub tos: Option<u8>,
    pub ttl: Option<u8>,
    pub ttl_inherit: Option<bool>,
    /// 0 unset, 1 set, 2 inherit.
    pub df: Option<u8>,
    /// Flow label.
    pub label: Option<u32>,
    pub ageing: Option<u32>,
    pub limit: Option<u32>,
    pub udp_csum: Option<bool>,
    pub udp_zero_csum6_tx: Option<bool>,
    pub udp_zero_csum6_rx: Option<bool>,
    pub remcsum_tx: Option<bool>,
    pub remcsum_rx: Option<bool>,
    pub gbp: bool,
    pub gpe: bool,
    /// `external` (collect metadata).
    pub collect_metadata: Option<bool>,
    pub vnifilter: Option<bool>,
}

impl VxlanInfo {
    pub(super) fn from_nlas(nlas: &[InfoVxlan]) -> VxlanInfo {
        use InfoVxlan as V;
        let mut x = VxlanInfo::default();
        for nla in nlas {
            match nla {
                V::Id(v) => x.id = Some(*v),
                V::Group(v) => x.group = Some(*v),
                V::Group6(v) => x.group6 = Some(*v),
                V::Local(v) => x.local = Some(*v),
                V::Local6(v) => x.local6 = Some(*v),
                V::Link(v) => x.link = Some(*v),
                V::PortRange(v) => x.port_range = Some(*v),
                V::Port(v) => x.port = Some(*v),
                V::Learning(v) => x.learning = Some(*v),
                V::Proxy(v) => x.proxy = Some(*v),
                V::Rsc(v) => x.rsc = Some(*v),
                V::L2Miss(v) => x.l2miss = Some(*v),
                V::L3Miss(v) => x.l3miss = Some(*v),
                V::Tos(v) => x.tos = Some(*v),
                V::Ttl(v) => x.ttl = Some(*v),
                V::TtlInherit(v) => x.ttl_inherit = Some(*v != 0),
                V::TtlInheritFlag => x.ttl_inherit = Some(true),
                V::Df(v) => x.df = Some((*v).into()),
                V::Label(v) => x.label = Some(*v),
                V::Ageing(v) => x.ageing = Some(*v),
                V::Limit(v) => x.limit = Some(*v),
                V::UDPCsum(v) => x.udp_csum = Some(*v),
                V::UDPZeroCsumTX(v) => x.udp_zero_csum6_tx = Some(*v),
                V::UDPZeroCsumRX(v) => x.udp_zero_csum6_rx = Some(*v),
                V::RemCsumTX(v) => x.remcsum_tx = Some(*v),
                V::RemCsumRX(v) => x.remcsum_rx = Some(*v),
                V::Gbp => x.gbp = true,
                V::Gpe => x.gpe = true,
                V::CollectMetadata(v) => x.collect_metadata = Some(*v),
                V::Vnifilter(v) => x.vnifilter = Some(*v),
                _ => {}
            }
        }
        x
    }
}

/// A macvlan/macvtap device's settings (IFLA_MACVLAN_*).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacvlanInfo {
    /// 1 private, 2 vepa, 4 bridge, 8 passthru, 16 source.
    pub mode: Option<u32>,
    /// MACVLAN_FLAG_* (1 nopromisc, 2 nodst).
    pub flags: Option<u16>,
    /// Broadcast queue length asked for.
    pub bc_queue_len: Option<u32>,
    /// Broadcast queue length in use.
    pub bc_queue_len_used: Option<u32>,
    /// Source mode: how many source MACs.
    pub macaddr_count: Option<u32>,
    /// Source mode: the MACs.
    pub macaddrs: Vec<[u8; 6]>,
}

impl MacvlanInfo {
    pub(super) fn from_nlas(nlas: &[InfoMacVlan]) -> MacvlanInfo {
        let mut m = MacvlanInfo::default();
        for nla in nlas {
            match nla {
                InfoMacVlan::Mode(v) => m.mode = Some((*v).into()),
                InfoMacVlan::Flags(v) => m.flags = Some(v.bits()),
                InfoMacVlan::BcQueueLen(v) => m.bc_queue_len = Some(*v),
                InfoMacVlan::BcQueueLenUsed(v) => m.bc_queue_len_used = Some(*v),
                InfoMacVlan::MacAddrCount(v) => m.macaddr_count = Some(*v),
                InfoMacVlan::MacAddrData(list) => {
                    for a in list {
                        if let InfoMacVlan::MacAddr(mac) = a {
                            m.macaddrs.push(*mac);
                        }
                    }
                }
                _ => {}
            }
        }
        m
    }

    pub(super) fn from_vtap_nlas(nlas: &[InfoMacVtap]) -> MacvlanInfo {
        let mut m = MacvlanInfo::default();
        for nla in nlas {
            match nla {
                InfoMacVtap::Mode(v) => m.mode = Some((*v).into()),
                InfoMacVtap::Flags(v) => m.flags = Some(v.bits()),
                InfoMacVtap::BcQueueLen(v) => m.bc_queue_len = Some(*v),
                InfoMacVtap::BcQueueLenUsed(v) => m.bc_queue_len_used = Some(*v),
                InfoMacVtap::MacAddrCount(v) => m.macaddr_count = Some(*v),
                InfoMacVtap::MacAddrData(list) => {
                    for a in list {
                        if let InfoMacVtap::MacAddr(mac) = a {
                            m.macaddrs.push(*mac);
                        }
                    }
                }
                _ => {}
            }
        }
        m
    }
}
