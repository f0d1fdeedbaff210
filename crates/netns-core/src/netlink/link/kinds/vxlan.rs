//! vxlan: the options a request sends (IFLA_VXLAN_*) and the settings a
//! dump reports.

use super::super::super::link_ops::LinkKind;
use super::super::KindData;
use super::KindCodec;
use netlink_packet_route::link::{InfoData, InfoKind, InfoVxlan, VxlanDf};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub(super) const VXLAN: KindCodec = KindCodec::new("vxlan", InfoKind::Vxlan, encode, decode);

/// One VXLAN option (IFLA_VXLAN_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VxlanOpt {
    /// IFLA_VXLAN_ID: the VNI.
    Id(u32),
    /// IFLA_VXLAN_GROUP / IFLA_VXLAN_GROUP6: the remote or multicast group.
    Group(IpAddr),
    /// IFLA_VXLAN_LOCAL / IFLA_VXLAN_LOCAL6: the source address.
    Local(IpAddr),
    /// IFLA_VXLAN_LINK: the index of the underlying device.
    Link(u32),
    /// IFLA_VXLAN_TTL (0: auto).
    Ttl(u8),
    /// IFLA_VXLAN_TTL_INHERIT.
    TtlInherit,
    /// IFLA_VXLAN_TOS (1: inherit).
    Tos(u8),
    /// IFLA_VXLAN_DF: 0 unset, 1 set, 2 inherit.
    Df(u8),
    /// IFLA_VXLAN_LABEL: the IPv6 flow label.
    Label(u32),
    /// IFLA_VXLAN_AGEING: how long a learned entry is kept, seconds.
    Ageing(u32),
    /// IFLA_VXLAN_LIMIT: the most forwarding entries (0: no limit).
    Limit(u32),
    /// IFLA_VXLAN_PORT_RANGE: the UDP source ports (low, high).
    PortRange(u16, u16),
    /// IFLA_VXLAN_PORT: the UDP destination port.
    Port(u16),
    /// IFLA_VXLAN_LEARNING.
    Learning(bool),
    /// IFLA_VXLAN_PROXY.
    Proxy(bool),
    /// IFLA_VXLAN_RSC.
    Rsc(bool),
    /// IFLA_VXLAN_L2MISS.
    L2Miss(bool),
    /// IFLA_VXLAN_L3MISS.
    L3Miss(bool),
    /// IFLA_VXLAN_UDP_CSUM.
    UdpCsum(bool),
    /// IFLA_VXLAN_UDP_ZERO_CSUM6_TX.
    UdpZeroCsum6Tx(bool),
    /// IFLA_VXLAN_UDP_ZERO_CSUM6_RX.
    UdpZeroCsum6Rx(bool),
    /// IFLA_VXLAN_REMCSUM_TX.
    RemCsumTx(bool),
    /// IFLA_VXLAN_REMCSUM_RX.
    RemCsumRx(bool),
    /// IFLA_VXLAN_COLLECT_METADATA (`external`).
    CollectMetadata(bool),
    /// IFLA_VXLAN_GBP.
    Gbp,
    /// IFLA_VXLAN_GPE.
    Gpe,
    /// IFLA_VXLAN_VNIFILTER.
    Vnifilter(bool),
}

/// The options in the order they were given; none: the kernel's defaults.
fn encode(kind: &LinkKind<'_>) -> Option<InfoData> {
    match kind {
        LinkKind::Vxlan(opts) if !opts.is_empty() => Some(InfoData::Vxlan(opts.iter().map(vxlan_attr).collect())),
        _ => None,
    }
}

fn vxlan_attr(opt: &VxlanOpt) -> InfoVxlan {
    match *opt {
        VxlanOpt::Id(v) => InfoVxlan::Id(v),
        VxlanOpt::Group(IpAddr::V4(a)) => InfoVxlan::Group(a),
        VxlanOpt::Group(IpAddr::V6(a)) => InfoVxlan::Group6(a),
        VxlanOpt::Local(IpAddr::V4(a)) => InfoVxlan::Local(a),
        VxlanOpt::Local(IpAddr::V6(a)) => InfoVxlan::Local6(a),
        VxlanOpt::Link(v) => InfoVxlan::Link(v),
        VxlanOpt::Ttl(v) => InfoVxlan::Ttl(v),
        VxlanOpt::TtlInherit => InfoVxlan::TtlInheritFlag,
        VxlanOpt::Tos(v) => InfoVxlan::Tos(v),
        VxlanOpt::Df(v) => InfoVxlan::Df(match v {
            0 => VxlanDf::Unset,
            1 => VxlanDf::Set,
            2 => VxlanDf::Inherit,
            o => VxlanDf::Other(o),
        }),
        VxlanOpt::Label(v) => InfoVxlan::Label(v),
        VxlanOpt::Ageing(v) => InfoVxlan::Ageing(v),
        VxlanOpt::Limit(v) => InfoVxlan::Limit(v),
        VxlanOpt::PortRange(lo, hi) => InfoVxlan::PortRange((lo, hi)),
        VxlanOpt::Port(v) => InfoVxlan::Port(v),
        VxlanOpt::Learning(b) => InfoVxlan::Learning(b),
        VxlanOpt::Proxy(b) => InfoVxlan::Proxy(b),
        VxlanOpt::Rsc(b) => InfoVxlan::Rsc(b),
        VxlanOpt::L2Miss(b) => InfoVxlan::L2Miss(b),
        VxlanOpt::L3Miss(b) => InfoVxlan::L3Miss(b),
        VxlanOpt::UdpCsum(b) => InfoVxlan::UDPCsum(b),
        VxlanOpt::UdpZeroCsum6Tx(b) => InfoVxlan::UDPZeroCsumTX(b),
        VxlanOpt::UdpZeroCsum6Rx(b) => InfoVxlan::UDPZeroCsumRX(b),
        VxlanOpt::RemCsumTx(b) => InfoVxlan::RemCsumTX(b),
        VxlanOpt::RemCsumRx(b) => InfoVxlan::RemCsumRX(b),
        VxlanOpt::CollectMetadata(b) => InfoVxlan::CollectMetadata(b),
        VxlanOpt::Gbp => InfoVxlan::Gbp,
        VxlanOpt::Gpe => InfoVxlan::Gpe,
        VxlanOpt::Vnifilter(b) => InfoVxlan::Vnifilter(b),
    }
}

fn decode(data: &InfoData) -> Option<KindData> {
    match data {
        InfoData::Vxlan(v) => Some(KindData::Vxlan(Box::new(VxlanInfo::from_nlas(v)))),
        _ => None,
    }
}

/// A vxlan device's settings (IFLA_VXLAN_*).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VxlanInfo {
    /// VNI.
    pub id: Option<u32>,
    /// Remote or multicast group (IPv4).
    pub group: Option<Ipv4Addr>,
    /// Remote or multicast group (IPv6).
    pub group6: Option<Ipv6Addr>,
    /// IFLA_VXLAN_LOCAL: the source address (IPv4).
    pub local: Option<Ipv4Addr>,
    /// IFLA_VXLAN_LOCAL6: the source address (IPv6).
    pub local6: Option<Ipv6Addr>,
    /// Index of the underlying device (`dev`), 0 for none.
    pub link: Option<u32>,
    /// Source port range (low, high).
    pub port_range: Option<(u16, u16)>,
    /// Destination UDP port.
    pub port: Option<u16>,
    /// IFLA_VXLAN_LEARNING: remote addresses are learned.
    pub learning: Option<bool>,
    /// IFLA_VXLAN_PROXY: ARP and ND proxy.
    pub proxy: Option<bool>,
    /// IFLA_VXLAN_RSC: route short-circuit.
    pub rsc: Option<bool>,
    /// IFLA_VXLAN_L2MISS: netlink notifications for unknown link-layer addresses.
    pub l2miss: Option<bool>,
    /// IFLA_VXLAN_L3MISS: netlink notifications for unknown IP addresses.
    pub l3miss: Option<bool>,
    /// IFLA_VXLAN_TOS (1: inherit).
    pub tos: Option<u8>,
    /// IFLA_VXLAN_TTL (0: auto).
    pub ttl: Option<u8>,
    /// IFLA_VXLAN_TTL_INHERIT.
    pub ttl_inherit: Option<bool>,
    /// 0 unset, 1 set, 2 inherit.
    pub df: Option<u8>,
    /// Flow label.
    pub label: Option<u32>,
    /// IFLA_VXLAN_AGEING: how long a learned entry is kept, seconds.
    pub ageing: Option<u32>,
    /// IFLA_VXLAN_LIMIT: the most forwarding entries (0: no limit).
    pub limit: Option<u32>,
    /// IFLA_VXLAN_UDP_CSUM: UDP checksums over IPv4.
    pub udp_csum: Option<bool>,
    /// IFLA_VXLAN_UDP_ZERO_CSUM6_TX: send IPv6 without UDP checksum.
    pub udp_zero_csum6_tx: Option<bool>,
    /// IFLA_VXLAN_UDP_ZERO_CSUM6_RX: accept IPv6 without UDP checksum.
    pub udp_zero_csum6_rx: Option<bool>,
    /// IFLA_VXLAN_REMCSUM_TX: remote checksum offload on send.
    pub remcsum_tx: Option<bool>,
    /// IFLA_VXLAN_REMCSUM_RX: remote checksum offload on receive.
    pub remcsum_rx: Option<bool>,
    /// IFLA_VXLAN_GBP: the group-based policy extension is on.
    pub gbp: bool,
    /// IFLA_VXLAN_GPE: the generic protocol extension is on.
    pub gpe: bool,
    /// `external` (collect metadata).
    pub collect_metadata: Option<bool>,
    /// IFLA_VXLAN_VNIFILTER: the device carries a VNI filter (one device, many VNIs).
    pub vnifilter: Option<bool>,
}

impl VxlanInfo {
    fn from_nlas(nlas: &[InfoVxlan]) -> VxlanInfo {
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
