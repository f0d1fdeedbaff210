//! bridge: the settings a request sends (VLAN filtering, STP), and the
//! bridge and bridge-port settings a dump reports (IFLA_INFO_DATA of kind
//! `bridge`, IFLA_INFO_SLAVE_DATA of a bridge port).

use super::super::super::link_ops::LinkKind;
use super::super::{KindData, PortData};
use super::KindCodec;
use netlink_packet_route::link::{
    BridgeId, BridgeStpState, InfoBridge, InfoBridgePort, InfoData, InfoKind, InfoPortData,
};

pub(super) const BRIDGE: KindCodec =
    KindCodec { name: "bridge", info_kind: InfoKind::Bridge, encode, decode, decode_port };

/// Only the settings asked for are sent: a kernel without VLAN filtering
/// refuses IFLA_BR_VLAN_FILTERING even when it says "off".
fn encode(kind: &LinkKind<'_>) -> Option<InfoData> {
    match kind {
        LinkKind::BridgeWith { vlan_filtering, stp } => Some(InfoData::Bridge(
            vlan_filtering
                .map(InfoBridge::VlanFiltering)
                .into_iter()
                .chain(stp.map(|on| InfoBridge::StpState(BridgeStpState::from(u32::from(on)))))
                .collect(),
        )),
        _ => None,
    }
}

fn decode(data: &InfoData) -> Option<KindData> {
    match data {
        InfoData::Bridge(v) => Some(KindData::Bridge(Box::new(BridgeInfo::from_nlas(v)))),
        _ => None,
    }
}

fn decode_port(data: &InfoPortData) -> Option<PortData> {
    match data {
        InfoPortData::BridgePort(v) => Some(PortData::Bridge(Box::new(BridgePortInfo::from_nlas(v)))),
        _ => None,
    }
}

/// A bridge id: priority and MAC address (`8000.2:0:0:0:0:3` in `ip -d`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BridgeIdent {
    /// The priority.
    pub priority: u16,
    /// The MAC address.
    pub address: [u8; 6],
}

fn ident(id: &BridgeId) -> BridgeIdent {
    BridgeIdent { priority: id.priority, address: id.address }
}

/// A bridge's settings and STP state. Timers are in centiseconds
/// (USER_HZ ticks), as the kernel reports them; intervals in the same unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct BridgeInfo {
    pub forward_delay: Option<u32>,
    pub hello_time: Option<u32>,
    pub max_age: Option<u32>,
    pub ageing_time: Option<u32>,
    pub stp_state: Option<u32>,
    pub priority: Option<u16>,
    pub vlan_filtering: Option<bool>,
    /// Ethertype of the VLAN protocol (0x8100 802.1Q, 0x88a8 802.1ad).
    pub vlan_protocol: Option<u16>,
    pub bridge_id: Option<BridgeIdent>,
    pub root_id: Option<BridgeIdent>,
    pub root_port: Option<u16>,
    pub root_path_cost: Option<u32>,
    pub topology_change: Option<u8>,
    pub topology_change_detected: Option<u8>,
    pub hello_timer: Option<u64>,
    pub tcn_timer: Option<u64>,
    pub topology_change_timer: Option<u64>,
    pub gc_timer: Option<u64>,
    pub vlan_default_pvid: Option<u16>,
    pub vlan_stats_enabled: Option<bool>,
    pub vlan_stats_per_port: Option<bool>,
    pub group_fwd_mask: Option<u16>,
    pub group_addr: Option<[u8; 6]>,
    pub mcast_snooping: Option<bool>,
    /// IFLA_BR_MULTI_BOOLOPT as (value, mask) bits.
    pub bool_opts: Option<(u32, u32)>,
    pub mcast_router: Option<u8>,
    pub mcast_query_use_ifaddr: Option<bool>,
    pub mcast_querier: Option<bool>,
    pub mcast_hash_elasticity: Option<u32>,
    pub mcast_hash_max: Option<u32>,
    pub mcast_last_member_cnt: Option<u32>,
    pub mcast_startup_query_cnt: Option<u32>,
    pub mcast_last_member_intvl: Option<u64>,
    pub mcast_membership_intvl: Option<u64>,
    pub mcast_querier_intvl: Option<u64>,
    pub mcast_query_intvl: Option<u64>,
    pub mcast_query_response_intvl: Option<u64>,
    pub mcast_startup_query_intvl: Option<u64>,
    pub mcast_stats_enabled: Option<bool>,
    pub mcast_igmp_version: Option<u8>,
    pub mcast_mld_version: Option<u8>,
    pub nf_call_iptables: Option<bool>,
    pub nf_call_ip6tables: Option<bool>,
    pub nf_call_arptables: Option<bool>,
}

impl BridgeInfo {
    fn from_nlas(nlas: &[InfoBridge]) -> BridgeInfo {
        use InfoBridge as B;
        let mut b = BridgeInfo::default();
        for nla in nlas {
            match nla {
                B::ForwardDelay(v) => b.forward_delay = Some(*v),
                B::HelloTime(v) => b.hello_time = Some(*v),
                B::MaxAge(v) => b.max_age = Some(*v),
                B::AgeingTime(v) => b.ageing_time = Some(*v),
                B::StpState(v) => b.stp_state = Some((*v).into()),
                B::Priority(v) => b.priority = Some(*v),
                B::VlanFiltering(v) => b.vlan_filtering = Some(*v),
                B::VlanProtocol(v) => b.vlan_protocol = Some((*v).into()),
                B::BridgeId(v) => b.bridge_id = Some(ident(v)),
                B::RootId(v) => b.root_id = Some(ident(v)),
                B::RootPort(v) => b.root_port = Some(*v),
                B::RootPathCost(v) => b.root_path_cost = Some(*v),
                B::TopologyChange(v) => b.topology_change = Some(*v),
                B::TopologyChangeDetected(v) => b.topology_change_detected = Some(*v),
                B::HelloTimer(v) => b.hello_timer = Some(*v),
                B::TcnTimer(v) => b.tcn_timer = Some(*v),
                B::TopologyChangeTimer(v) => b.topology_change_timer = Some(*v),
                B::GcTimer(v) => b.gc_timer = Some(*v),
                B::VlanDefaultPvid(v) => b.vlan_default_pvid = Some(*v),
                B::VlanStatsEnabled(v) => b.vlan_stats_enabled = Some(*v),
                B::VlanStatsPerPort(v) => b.vlan_stats_per_port = Some(*v),
                B::GroupFwdMask(v) => b.group_fwd_mask = Some(*v),
                B::GroupAddr(v) => b.group_addr = Some(*v),
                B::MulticastSnooping(v) => b.mcast_snooping = Some(*v),
                B::MultiBoolOpt(v) => b.bool_opts = Some((v.value.bits(), v.mask.bits())),
                B::MulticastRouter(v) => b.mcast_router = Some((*v).into()),
                B::MulticastQueryUseIfaddr(v) => b.mcast_query_use_ifaddr = Some(*v),
                B::MulticastQuerier(v) => b.mcast_querier = Some(*v),
                B::MulticastHashElasticity(v) => b.mcast_hash_elasticity = Some(*v),
                B::MulticastHashMax(v) => b.mcast_hash_max = Some(*v),
                B::MulticastLastMemberCount(v) => b.mcast_last_member_cnt = Some(*v),
                B::MulticastStartupQueryCount(v) => b.mcast_startup_query_cnt = Some(*v),
                B::MulticastLastMemberInterval(v) => b.mcast_last_member_intvl = Some(*v),
                B::MulticastMembershipInterval(v) => b.mcast_membership_intvl = Some(*v),
                B::MulticastQuerierInterval(v) => b.mcast_querier_intvl = Some(*v),
                B::MulticastQueryInterval(v) => b.mcast_query_intvl = Some(*v),
                B::MulticastQueryResponseInterval(v) => b.mcast_query_response_intvl = Some(*v),
                B::MulticastStartupQueryInterval(v) => b.mcast_startup_query_intvl = Some(*v),
                B::MulticastStatsEnabled(v) => b.mcast_stats_enabled = Some(*v),
                B::MulticastIgmpVersion(v) => b.mcast_igmp_version = Some(*v),
                B::MulticastMldVersion(v) => b.mcast_mld_version = Some(*v),
                B::NfCallIpTables(v) => b.nf_call_iptables = Some(*v),
                B::NfCallIp6Tables(v) => b.nf_call_ip6tables = Some(*v),
                B::NfCallArpTables(v) => b.nf_call_arptables = Some(*v),
                _ => {}
            }
        }
        b
    }
}

/// A bridge port's settings and STP state (timers in centiseconds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct BridgePortInfo {
    /// STP state: 0 disabled, 1 listening, 2 learning, 3 forwarding, 4 blocking.
    pub state: Option<u8>,
    pub priority: Option<u16>,
    pub cost: Option<u32>,
    pub hairpin: Option<bool>,
    pub guard: Option<bool>,
    pub root_block: Option<bool>,
    pub fast_leave: Option<bool>,
    pub learning: Option<bool>,
    pub unicast_flood: Option<bool>,
    pub port_id: Option<u16>,
    pub port_no: Option<u16>,
    pub designated_port: Option<u16>,
    pub designated_cost: Option<u16>,
    pub bridge_id: Option<BridgeIdent>,
    pub root_id: Option<BridgeIdent>,
    pub hold_timer: Option<u64>,
    pub message_age_timer: Option<u64>,
    pub forward_delay_timer: Option<u64>,
    pub topology_change_ack: Option<bool>,
    pub config_pending: Option<bool>,
    pub proxy_arp: Option<bool>,
    pub proxy_arp_wifi: Option<bool>,
    pub mcast_router: Option<u8>,
    pub mcast_flood: Option<bool>,
    pub bcast_flood: Option<bool>,
    pub mcast_to_unicast: Option<bool>,
    pub neigh_suppress: Option<bool>,
    pub group_fwd_mask: Option<u16>,
    pub vlan_tunnel: Option<bool>,
    pub isolated: Option<bool>,
    pub locked: Option<bool>,
    pub backup_port: Option<u32>,
}

impl BridgePortInfo {
    fn from_nlas(nlas: &[InfoBridgePort]) -> BridgePortInfo {
        use InfoBridgePort as P;
        let mut p = BridgePortInfo::default();
        for nla in nlas {
            match nla {
                P::State(v) => p.state = Some((*v).into()),
                P::Priority(v) => p.priority = Some(*v),
                P::Cost(v) => p.cost = Some(*v),
                P::HairpinMode(v) => p.hairpin = Some(*v),
                P::Guard(v) => p.guard = Some(*v),
                P::Protect(v) => p.root_block = Some(*v),
                P::FastLeave(v) => p.fast_leave = Some(*v),
                P::Learning(v) => p.learning = Some(*v),
                P::UnicastFlood(v) => p.unicast_flood = Some(*v),
                P::PortId(v) => p.port_id = Some(*v),
                P::PortNumber(v) => p.port_no = Some(*v),
                P::DesignatedPort(v) => p.designated_port = Some(*v),
                P::DesignatedCost(v) => p.designated_cost = Some(*v),
                P::BridgeId(v) => p.bridge_id = Some(ident(v)),
                P::RootId(v) => p.root_id = Some(ident(v)),
                P::HoldTimer(v) => p.hold_timer = Some(*v),
                P::MessageAgeTimer(v) => p.message_age_timer = Some(*v),
                P::ForwardDelayTimer(v) => p.forward_delay_timer = Some(*v),
                P::TopologyChangeAck(v) => p.topology_change_ack = Some(*v),
                P::ConfigPending(v) => p.config_pending = Some(*v),
                P::ProxyARP(v) => p.proxy_arp = Some(*v),
                P::ProxyARPWifi(v) => p.proxy_arp_wifi = Some(*v),
                P::MulticastRouter(v) => p.mcast_router = Some((*v).into()),
                P::MulticastFlood(v) => p.mcast_flood = Some(*v),
                P::BroadcastFlood(v) => p.bcast_flood = Some(*v),
                P::MulticastToUnicast(v) => p.mcast_to_unicast = Some(*v),
                P::NeighSupress(v) => p.neigh_suppress = Some(*v),
                P::GroupFwdMask(v) => p.group_fwd_mask = Some(*v),
                P::VlanTunnel(v) => p.vlan_tunnel = Some(*v),
                P::Isolated(v) => p.isolated = Some(*v),
                P::Locked(v) => p.locked = Some(*v),
                P::BackupPort(v) => p.backup_port = Some(*v),
                _ => {}
            }
        }
        p
    }
}
