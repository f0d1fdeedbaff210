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
pub struct BridgeInfo {
    /// IFLA_BR_FORWARD_DELAY: the STP forward delay, in centiseconds.
    pub forward_delay: Option<u32>,
    /// IFLA_BR_HELLO_TIME: the STP hello interval, in centiseconds.
    pub hello_time: Option<u32>,
    /// IFLA_BR_MAX_AGE: the STP maximum message age, in centiseconds.
    pub max_age: Option<u32>,
    /// IFLA_BR_AGEING_TIME: how long a learned address is kept, in centiseconds.
    pub ageing_time: Option<u32>,
    /// IFLA_BR_STP_STATE: 0 no STP, 1 the kernel's STP, 2 a user-space STP daemon.
    pub stp_state: Option<u32>,
    /// IFLA_BR_PRIORITY: the bridge priority.
    pub priority: Option<u16>,
    /// IFLA_BR_VLAN_FILTERING.
    pub vlan_filtering: Option<bool>,
    /// Ethertype of the VLAN protocol (0x8100 802.1Q, 0x88a8 802.1ad).
    pub vlan_protocol: Option<u16>,
    /// IFLA_BR_BRIDGE_ID: this bridge's id.
    pub bridge_id: Option<BridgeIdent>,
    /// IFLA_BR_ROOT_ID: the root bridge's id.
    pub root_id: Option<BridgeIdent>,
    /// IFLA_BR_ROOT_PORT: the port towards the root bridge (0: this bridge is the root).
    pub root_port: Option<u16>,
    /// IFLA_BR_ROOT_PATH_COST: the path cost to the root bridge.
    pub root_path_cost: Option<u32>,
    /// IFLA_BR_TOPOLOGY_CHANGE: a topology change is in progress.
    pub topology_change: Option<u8>,
    /// IFLA_BR_TOPOLOGY_CHANGE_DETECTED.
    pub topology_change_detected: Option<u8>,
    /// IFLA_BR_HELLO_TIMER: time left, in centiseconds.
    pub hello_timer: Option<u64>,
    /// IFLA_BR_TCN_TIMER: time left, in centiseconds.
    pub tcn_timer: Option<u64>,
    /// IFLA_BR_TOPOLOGY_CHANGE_TIMER: time left, in centiseconds.
    pub topology_change_timer: Option<u64>,
    /// IFLA_BR_GC_TIMER: time left, in centiseconds.
    pub gc_timer: Option<u64>,
    /// IFLA_BR_VLAN_DEFAULT_PVID: the VLAN new ports get for untagged frames.
    pub vlan_default_pvid: Option<u16>,
    /// IFLA_BR_VLAN_STATS_ENABLED.
    pub vlan_stats_enabled: Option<bool>,
    /// IFLA_BR_VLAN_STATS_PER_PORT.
    pub vlan_stats_per_port: Option<bool>,
    /// IFLA_BR_GROUP_FWD_MASK: the link-local group addresses forwarded (bit N: `01:80:c2:00:00:0N`).
    pub group_fwd_mask: Option<u16>,
    /// IFLA_BR_GROUP_ADDR: the STP group address.
    pub group_addr: Option<[u8; 6]>,
    /// IFLA_BR_MCAST_SNOOPING.
    pub mcast_snooping: Option<bool>,
    /// IFLA_BR_MULTI_BOOLOPT as (value, mask) bits.
    pub bool_opts: Option<(u32, u32)>,
    /// IFLA_BR_MCAST_ROUTER: 0 disabled, 1 learned, 2 always.
    pub mcast_router: Option<u8>,
    /// IFLA_BR_MCAST_QUERY_USE_IFADDR.
    pub mcast_query_use_ifaddr: Option<bool>,
    /// IFLA_BR_MCAST_QUERIER.
    pub mcast_querier: Option<bool>,
    /// IFLA_BR_MCAST_HASH_ELASTICITY.
    pub mcast_hash_elasticity: Option<u32>,
    /// IFLA_BR_MCAST_HASH_MAX.
    pub mcast_hash_max: Option<u32>,
    /// IFLA_BR_MCAST_LAST_MEMBER_CNT.
    pub mcast_last_member_cnt: Option<u32>,
    /// IFLA_BR_MCAST_STARTUP_QUERY_CNT.
    pub mcast_startup_query_cnt: Option<u32>,
    /// IFLA_BR_MCAST_LAST_MEMBER_INTVL, in centiseconds.
    pub mcast_last_member_intvl: Option<u64>,
    /// IFLA_BR_MCAST_MEMBERSHIP_INTVL, in centiseconds.
    pub mcast_membership_intvl: Option<u64>,
    /// IFLA_BR_MCAST_QUERIER_INTVL, in centiseconds.
    pub mcast_querier_intvl: Option<u64>,
    /// IFLA_BR_MCAST_QUERY_INTVL, in centiseconds.
    pub mcast_query_intvl: Option<u64>,
    /// IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, in centiseconds.
    pub mcast_query_response_intvl: Option<u64>,
    /// IFLA_BR_MCAST_STARTUP_QUERY_INTVL, in centiseconds.
    pub mcast_startup_query_intvl: Option<u64>,
    /// IFLA_BR_MCAST_STATS_ENABLED.
    pub mcast_stats_enabled: Option<bool>,
    /// IFLA_BR_MCAST_IGMP_VERSION.
    pub mcast_igmp_version: Option<u8>,
    /// IFLA_BR_MCAST_MLD_VERSION.
    pub mcast_mld_version: Option<u8>,
    /// IFLA_BR_NF_CALL_IPTABLES: bridged IPv4 traffic goes through iptables.
    pub nf_call_iptables: Option<bool>,
    /// IFLA_BR_NF_CALL_IP6TABLES: bridged IPv6 traffic goes through ip6tables.
    pub nf_call_ip6tables: Option<bool>,
    /// IFLA_BR_NF_CALL_ARPTABLES: bridged ARP traffic goes through arptables.
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
pub struct BridgePortInfo {
    /// STP state: 0 disabled, 1 listening, 2 learning, 3 forwarding, 4 blocking.
    pub state: Option<u8>,
    /// IFLA_BRPORT_PRIORITY: the STP port priority.
    pub priority: Option<u16>,
    /// IFLA_BRPORT_COST: the STP path cost.
    pub cost: Option<u32>,
    /// IFLA_BRPORT_MODE: hairpin mode (frames may leave by the port they came in).
    pub hairpin: Option<bool>,
    /// IFLA_BRPORT_GUARD: BPDU guard.
    pub guard: Option<bool>,
    /// IFLA_BRPORT_PROTECT: root block (the port may not become a root port).
    pub root_block: Option<bool>,
    /// IFLA_BRPORT_FAST_LEAVE: multicast fast leave.
    pub fast_leave: Option<bool>,
    /// IFLA_BRPORT_LEARNING: source addresses are learned.
    pub learning: Option<bool>,
    /// IFLA_BRPORT_UNICAST_FLOOD: unknown unicast is flooded to the port.
    pub unicast_flood: Option<bool>,
    /// IFLA_BRPORT_ID: the STP port id.
    pub port_id: Option<u16>,
    /// IFLA_BRPORT_NO: the STP port number.
    pub port_no: Option<u16>,
    /// IFLA_BRPORT_DESIGNATED_PORT.
    pub designated_port: Option<u16>,
    /// IFLA_BRPORT_DESIGNATED_COST.
    pub designated_cost: Option<u16>,
    /// IFLA_BRPORT_BRIDGE_ID: the designated bridge.
    pub bridge_id: Option<BridgeIdent>,
    /// IFLA_BRPORT_ROOT_ID: the root bridge.
    pub root_id: Option<BridgeIdent>,
    /// IFLA_BRPORT_HOLD_TIMER: time left, in centiseconds.
    pub hold_timer: Option<u64>,
    /// IFLA_BRPORT_MESSAGE_AGE_TIMER: time left, in centiseconds.
    pub message_age_timer: Option<u64>,
    /// IFLA_BRPORT_FORWARD_DELAY_TIMER: time left, in centiseconds.
    pub forward_delay_timer: Option<u64>,
    /// IFLA_BRPORT_TOPOLOGY_CHANGE_ACK.
    pub topology_change_ack: Option<bool>,
    /// IFLA_BRPORT_CONFIG_PENDING.
    pub config_pending: Option<bool>,
    /// IFLA_BRPORT_PROXYARP.
    pub proxy_arp: Option<bool>,
    /// IFLA_BRPORT_PROXYARP_WIFI.
    pub proxy_arp_wifi: Option<bool>,
    /// IFLA_BRPORT_MULTICAST_ROUTER: 0 disabled, 1 learned, 2 always, 3 temporary.
    pub mcast_router: Option<u8>,
    /// IFLA_BRPORT_MCAST_FLOOD: unknown multicast is flooded to the port.
    pub mcast_flood: Option<bool>,
    /// IFLA_BRPORT_BCAST_FLOOD: broadcast is flooded to the port.
    pub bcast_flood: Option<bool>,
    /// IFLA_BRPORT_MCAST_TO_UCAST.
    pub mcast_to_unicast: Option<bool>,
    /// IFLA_BRPORT_NEIGH_SUPPRESS: ARP and ND suppression.
    pub neigh_suppress: Option<bool>,
    /// IFLA_BRPORT_GROUP_FWD_MASK (see [`BridgeInfo::group_fwd_mask`]).
    pub group_fwd_mask: Option<u16>,
    /// IFLA_BRPORT_VLAN_TUNNEL.
    pub vlan_tunnel: Option<bool>,
    /// IFLA_BRPORT_ISOLATED: the port talks only to ports that are not isolated.
    pub isolated: Option<bool>,
    /// IFLA_BRPORT_LOCKED: only addresses entered by hand pass.
    pub locked: Option<bool>,
    /// IFLA_BRPORT_BACKUP_PORT: the index of the port that takes over when this one goes down.
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
