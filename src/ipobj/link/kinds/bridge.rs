//! bridge and bridge ports: the `-d` details of both; bridge options are
//! not parsed (a bare `type bridge` is).

use super::{LinkUtil, on_off, u, ub};
use crate::ipobj::grammar::matches;
use crate::ipobj::link::Modify;
use crate::ipobj::link::format::{hex0x, lladdr};
use crate::ipobj::link::linkinfo::Env;
use crate::ipobj::link::write::{Held, P, Stop, unsupported};
use crate::ipobj::out::Out;
use crate::ipobj::{Ctx, Exit};
use crate::netlink::link::{BridgeIdent, KindData, LinkKindInfo, PortData};
use crate::netlink::link_ops::LinkKind;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

pub(super) const BRIDGE: LinkUtil = LinkUtil {
    parse: Some(parse_bridge),
    print: Some(print_bridge),
    ..LinkUtil::generic(
        "bridge",
        Some(
            "Usage: ... bridge [ fdb_flush ]\n\t\t  [ forward_delay FORWARD_DELAY ]\n\t\t  [ hello_time HELLO_TIME ]\n\t\t  [ max_age MAX_AGE ]\n\t\t  [ ageing_time AGEING_TIME ]\n\t\t  [ stp_state STP_STATE ]\n\t\t  [ priority PRIORITY ]\n\t\t  [ group_fwd_mask MASK ]\n\t\t  [ group_address ADDRESS ]\n\t\t  [ no_linklocal_learn NO_LINKLOCAL_LEARN ]\n\t\t  [ vlan_filtering VLAN_FILTERING ]\n\t\t  [ vlan_protocol VLAN_PROTOCOL ]\n\t\t  [ vlan_default_pvid VLAN_DEFAULT_PVID ]\n\t\t  [ vlan_stats_enabled VLAN_STATS_ENABLED ]\n\t\t  [ vlan_stats_per_port VLAN_STATS_PER_PORT ]\n\t\t  [ mcast_snooping MULTICAST_SNOOPING ]\n\t\t  [ mcast_vlan_snooping MULTICAST_VLAN_SNOOPING ]\n\t\t  [ mcast_router MULTICAST_ROUTER ]\n\t\t  [ mcast_query_use_ifaddr MCAST_QUERY_USE_IFADDR ]\n\t\t  [ mcast_querier MULTICAST_QUERIER ]\n\t\t  [ mcast_hash_elasticity HASH_ELASTICITY ]\n\t\t  [ mcast_hash_max HASH_MAX ]\n\t\t  [ mcast_last_member_count LAST_MEMBER_COUNT ]\n\t\t  [ mcast_startup_query_count STARTUP_QUERY_COUNT ]\n\t\t  [ mcast_last_member_interval LAST_MEMBER_INTERVAL ]\n\t\t  [ mcast_membership_interval MEMBERSHIP_INTERVAL ]\n\t\t  [ mcast_querier_interval QUERIER_INTERVAL ]\n\t\t  [ mcast_query_interval QUERY_INTERVAL ]\n\t\t  [ mcast_query_response_interval QUERY_RESPONSE_INTERVAL ]\n\t\t  [ mcast_startup_query_interval STARTUP_QUERY_INTERVAL ]\n\t\t  [ mcast_stats_enabled MCAST_STATS_ENABLED ]\n\t\t  [ mcast_igmp_version IGMP_VERSION ]\n\t\t  [ mcast_mld_version MLD_VERSION ]\n\t\t  [ nf_call_iptables NF_CALL_IPTABLES ]\n\t\t  [ nf_call_ip6tables NF_CALL_IP6TABLES ]\n\t\t  [ nf_call_arptables NF_CALL_ARPTABLES ]\n\nWhere: VLAN_PROTOCOL := { 802.1Q | 802.1ad }\n",
        ),
        Some(("bridge", "CONFIG_BRIDGE")),
    )
};

pub(super) const BRIDGE_SLAVE: LinkUtil = LinkUtil {
    print: Some(print_bridge_port),
    ..LinkUtil::generic(
        "bridge_slave",
        Some(
            "Usage: ... bridge_slave [ fdb_flush ]\n\t\t\t[ state STATE ]\n\t\t\t[ priority PRIO ]\n\t\t\t[ cost COST ]\n\t\t\t[ guard {on | off} ]\n\t\t\t[ hairpin {on | off} ]\n\t\t\t[ fastleave {on | off} ]\n\t\t\t[ root_block {on | off} ]\n\t\t\t[ learning {on | off} ]\n\t\t\t[ flood {on | off} ]\n\t\t\t[ proxy_arp {on | off} ]\n\t\t\t[ proxy_arp_wifi {on | off} ]\n\t\t\t[ mcast_router MULTICAST_ROUTER ]\n\t\t\t[ mcast_fast_leave {on | off} ]\n\t\t\t[ mcast_flood {on | off} ]\n\t\t\t[ bcast_flood {on | off} ]\n\t\t\t[ mcast_to_unicast {on | off} ]\n\t\t\t[ group_fwd_mask MASK ]\n\t\t\t[ neigh_suppress {on | off} ]\n\t\t\t[ vlan_tunnel {on | off} ]\n\t\t\t[ isolated {on | off} ]\n\t\t\t[ locked {on | off} ]\n\t\t\t[ backup_port DEVICE ] [ nobackup_port ]\n",
        ),
        None,
    )
};

fn parse_bridge<'h>(_: &mut Ctx, _: Modify, rest: &[OsString], _: &'h Held) -> P<LinkKind<'h>> {
    let Some(first) = rest.first() else { return Ok(LinkKind::Bridge) };
    if matches(first.as_bytes(), "help") {
        return Err(unsupported(first));
    }
    crate::errln!("netns: bridge options (\"", first, "\" …) are not supported; use ip link");
    Err(Stop::Exit(Exit::FAILURE))
}

fn bridge_id(id: &BridgeIdent) -> String {
    let a = id.address;
    format!("{:04x}.{:x}:{:x}:{:x}:{:x}:{:x}:{:x}", id.priority, a[0], a[1], a[2], a[3], a[4], a[5])
}

/// A timer in centiseconds: `name %4i.%.2i ` / `"name": S.CC`.
fn timer(out: &mut Out, name: &str, ticks: u64) {
    let usec = ticks.wrapping_mul(10000);
    let sec = (usec / 1_000_000) as i32;
    let cs = ((usec % 1_000_000) / 10000) as i32;
    if out.is_json() {
        out.json_raw(name, &format!("{sec}.{cs:02}"));
    } else {
        out.text(format!("{name} {sec:4}.{cs:02} "));
    }
}

fn vlan_proto_name(p: u16) -> String {
    match p {
        0x8100 => "802.1Q".into(),
        0x88a8 => "802.1ad".into(),
        p => format!("0x{p:x}"),
    }
}

fn print_bridge(out: &mut Out, _: &mut Env<'_>, info: &LinkKindInfo) {
    let Some(KindData::Bridge(b)) = &info.data else { return };
    u(out, "forward_delay", "forward_delay ", b.forward_delay);
    u(out, "hello_time", "hello_time ", b.hello_time);
    u(out, "max_age", "max_age ", b.max_age);
    u(out, "ageing_time", "ageing_time ", b.ageing_time);
    u(out, "stp_state", "stp_state ", b.stp_state);
    u(out, "priority", "priority ", b.priority);
    ub(out, "vlan_filtering", "vlan_filtering ", b.vlan_filtering);
    if let Some(p) = b.vlan_protocol {
        out.string("vlan_protocol", "vlan_protocol ", vlan_proto_name(p), " ");
    }
    if let Some(id) = &b.bridge_id {
        out.string("bridge_id", "bridge_id ", bridge_id(id), " ");
    }
    if b.root_id.is_some() {
        // iproute2 6.1 prints the bridge id here (it reads the wrong
        // attribute); the output is matched as it is.
        let shown = b.bridge_id.as_ref().map(bridge_id).unwrap_or_default();
        out.string("root_id", "designated_root ", shown, " ");
    }
    u(out, "root_port", "root_port ", b.root_port);
    u(out, "root_path_cost", "root_path_cost ", b.root_path_cost);
    u(out, "topology_change", "topology_change ", b.topology_change);
    u(out, "topology_change_detected", "topology_change_detected ", b.topology_change_detected);
    for (name, v) in [
        ("hello_timer", b.hello_timer),
        ("tcn_timer", b.tcn_timer),
        ("topology_change_timer", b.topology_change_timer),
        ("gc_timer", b.gc_timer),
    ] {
        if let Some(v) = v {
            timer(out, name, v);
        }
    }
    u(out, "vlan_default_pvid", "vlan_default_pvid ", b.vlan_default_pvid);
    ub(out, "vlan_stats_enabled", "vlan_stats_enabled ", b.vlan_stats_enabled);
    ub(out, "vlan_stats_per_port", "vlan_stats_per_port ", b.vlan_stats_per_port);
    if let Some(m) = b.group_fwd_mask {
        out.string("group_fwd_mask", "group_fwd_mask ", hex0x(m.into()), " ");
    }
    if let Some(a) = &b.group_addr {
        out.string("group_addr", "group_address ", lladdr(a, 1), " ");
    }
    ub(out, "mcast_snooping", "mcast_snooping ", b.mcast_snooping);
    if let Some((val, mask)) = b.bool_opts {
        const NO_LL_LEARN: u32 = 1;
        const MCAST_VLAN_SNOOPING: u32 = 2;
        if mask & NO_LL_LEARN != 0 {
            out.number("no_linklocal_learn", "no_linklocal_learn ", u8::from(val & NO_LL_LEARN != 0), " ");
        }
        if mask & MCAST_VLAN_SNOOPING != 0 {
            out.number("mcast_vlan_snooping", "mcast_vlan_snooping ", u8::from(val & MCAST_VLAN_SNOOPING != 0), " ");
        }
    }
    u(out, "mcast_router", "mcast_router ", b.mcast_router);
    ub(out, "mcast_query_use_ifaddr", "mcast_query_use_ifaddr ", b.mcast_query_use_ifaddr);
    ub(out, "mcast_querier", "mcast_querier ", b.mcast_querier);
    u(out, "mcast_hash_elasticity", "mcast_hash_elasticity ", b.mcast_hash_elasticity);
    u(out, "mcast_hash_max", "mcast_hash_max ", b.mcast_hash_max);
    u(out, "mcast_last_member_cnt", "mcast_last_member_count ", b.mcast_last_member_cnt);
    u(out, "mcast_startup_query_cnt", "mcast_startup_query_count ", b.mcast_startup_query_cnt);
    u(out, "mcast_last_member_intvl", "mcast_last_member_interval ", b.mcast_last_member_intvl);
    u(out, "mcast_membership_intvl", "mcast_membership_interval ", b.mcast_membership_intvl);
    u(out, "mcast_querier_intvl", "mcast_querier_interval ", b.mcast_querier_intvl);
    u(out, "mcast_query_intvl", "mcast_query_interval ", b.mcast_query_intvl);
    u(out, "mcast_query_response_intvl", "mcast_query_response_interval ", b.mcast_query_response_intvl);
    u(out, "mcast_startup_query_intvl", "mcast_startup_query_interval ", b.mcast_startup_query_intvl);
    ub(out, "mcast_stats_enabled", "mcast_stats_enabled ", b.mcast_stats_enabled);
    u(out, "mcast_igmp_version", "mcast_igmp_version ", b.mcast_igmp_version);
    u(out, "mcast_mld_version", "mcast_mld_version ", b.mcast_mld_version);
    ub(out, "nf_call_iptables", "nf_call_iptables ", b.nf_call_iptables);
    ub(out, "nf_call_ip6tables", "nf_call_ip6tables ", b.nf_call_ip6tables);
    ub(out, "nf_call_arptables", "nf_call_arptables ", b.nf_call_arptables);
}

const PORT_STATES: [&str; 5] = ["disabled", "listening", "learning", "forwarding", "blocking"];

fn fwd_mask_str(mask: u16) -> String {
    let mut parts = Vec::new();
    for i in 0..16 {
        if mask & (1 << i) != 0 {
            parts.push(match i {
                0 => "stp".to_string(),
                2 => "lacp".to_string(),
                14 => "lldp".to_string(),
                i => format!("{i}"),
            });
        }
    }
    if parts.is_empty() { "0x0".to_string() } else { parts.join(",") }
}

fn print_bridge_port(out: &mut Out, env: &mut Env<'_>, info: &LinkKindInfo) {
    let Some(PortData::Bridge(p)) = &info.port_data else { return };
    if let Some(s) = p.state {
        match PORT_STATES.get(s as usize) {
            Some(name) => out.string("state", "state ", name, " "),
            None => out.number("state_index", "state (", s, ") "),
        }
    }
    u(out, "priority", "priority ", p.priority);
    u(out, "cost", "cost ", p.cost.map(|c| c as i32));
    on_off(out, "hairpin", "hairpin ", p.hairpin);
    on_off(out, "guard", "guard ", p.guard);
    on_off(out, "root_block", "root_block ", p.root_block);
    on_off(out, "fastleave", "fastleave ", p.fast_leave);
    on_off(out, "learning", "learning ", p.learning);
    on_off(out, "flood", "flood ", p.unicast_flood);
    if let Some(v) = p.port_id {
        out.string("id", "port_id ", hex0x(v.into()), " ");
    }
    if let Some(v) = p.port_no {
        out.string("no", "port_no ", hex0x(v.into()), " ");
    }
    u(out, "designated_port", "designated_port ", p.designated_port);
    u(out, "designated_cost", "designated_cost ", p.designated_cost);
    if let Some(id) = &p.bridge_id {
        out.string("bridge_id", "designated_bridge ", bridge_id(id), " ");
    }
    if let Some(id) = &p.root_id {
        out.string("root_id", "designated_root ", bridge_id(id), " ");
    }
    for (name, v) in [
        ("hold_timer", p.hold_timer),
        ("message_age_timer", p.message_age_timer),
        ("forward_delay_timer", p.forward_delay_timer),
    ] {
        if let Some(v) = v {
            timer(out, name, v);
        }
    }
    ub(out, "topology_change_ack", "topology_change_ack ", p.topology_change_ack);
    ub(out, "config_pending", "config_pending ", p.config_pending);
    on_off(out, "proxy_arp", "proxy_arp ", p.proxy_arp);
    on_off(out, "proxy_arp_wifi", "proxy_arp_wifi ", p.proxy_arp_wifi);
    u(out, "multicast_router", "mcast_router ", p.mcast_router);
    if let Some(v) = p.fast_leave {
        out.text(if v { "mcast_fast_leave on " } else { "mcast_fast_leave off " });
    }
    on_off(out, "mcast_flood", "mcast_flood ", p.mcast_flood);
    on_off(out, "bcast_flood", "bcast_flood ", p.bcast_flood);
    on_off(out, "mcast_to_unicast", "mcast_to_unicast ", p.mcast_to_unicast);
    on_off(out, "neigh_suppress", "neigh_suppress ", p.neigh_suppress);
    if let Some(m) = p.group_fwd_mask {
        out.string("group_fwd_mask", "group_fwd_mask ", hex0x(m.into()), " ");
        out.string("group_fwd_mask_str", "group_fwd_mask_str ", fwd_mask_str(m), " ");
    }
    on_off(out, "vlan_tunnel", "vlan_tunnel ", p.vlan_tunnel);
    on_off(out, "isolated", "isolated ", p.isolated);
    on_off(out, "locked", "locked ", p.locked);
    if let Some(b) = p.backup_port {
        let name = env.index_name(b);
        out.string("backup_port", "backup_port ", name, " ");
    }
}
