//! `-d` details of a link's kind (IFLA_LINKINFO): the kind line and the
//! settings of the kinds this kernel has (veth, bridge, vxlan, macvlan,
//! bridge ports), printed as `ip -d` does.

use super::format::{hex0x, lladdr};
use super::linkinfo::Env;
use crate::ipobj::out::Out;
use crate::netlink::link::{
    BridgeIdent, BridgeInfo, BridgePortInfo, KindData, LinkKindInfo, MacvlanInfo, PortData, VxlanInfo,
};

/// Kinds iproute2 has a printer for: their `info_data` object is printed
/// even when the kernel sent no data.
const KINDS_WITH_PRINTER: &[&str] = &["bridge", "vxlan", "macvlan", "macvtap"];

/// `print_linktype`: the kind line(s) inside `linkinfo`.
pub fn print_linkinfo(out: &mut Out, env: &mut Env<'_>, info: &LinkKindInfo) {
    out.open_object(Some("linkinfo"));
    if let Some(kind) = &info.kind {
        out.nl();
        out.string("info_kind", "    ", kind, " ");
        if KINDS_WITH_PRINTER.contains(&kind.as_str()) {
            out.open_object(Some("info_data"));
            match &info.data {
                Some(KindData::Bridge(b)) => print_bridge(out, b),
                Some(KindData::Vxlan(v)) => print_vxlan(out, env, v),
                Some(KindData::Macvlan(m)) => print_macvlan(out, m),
                _ => {}
            }
            out.close_object();
        }
    }
    if let Some(kind) = &info.port_kind {
        out.nl();
        out.string("info_slave_kind", "    ", kind, "_slave ");
        if kind == "bridge" {
            out.open_object(Some("info_slave_data"));
            if let Some(PortData::Bridge(p)) = &info.port_data {
                print_bridge_port(out, env, p);
            }
            out.close_object();
        }
    }
    out.close_object();
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

fn u<T: Into<i128>>(out: &mut Out, key: &str, text: &str, v: Option<T>) {
    if let Some(v) = v {
        out.number(key, text, v, " ");
    }
}

fn ub(out: &mut Out, key: &str, text: &str, v: Option<bool>) {
    u(out, key, text, v.map(u8::from));
}

fn vlan_proto_name(p: u16) -> String {
    match p {
        0x8100 => "802.1Q".into(),
        0x88a8 => "802.1ad".into(),
        p => format!("0x{p:x}"),
    }
}

fn print_bridge(out: &mut Out, b: &BridgeInfo) {
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

fn on_off(out: &mut Out, key: &str, text: &str, v: Option<bool>) {
    if let Some(v) = v {
        out.on_off(key, text, v, " ");
    }
}

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

fn print_bridge_port(out: &mut Out, env: &mut Env<'_>, p: &BridgePortInfo) {
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

fn print_vxlan(out: &mut Out, env: &mut Env<'_>, v: &VxlanInfo) {
    if v.collect_metadata == Some(true) {
        out.boolean("external", "external ", true);
    }
    if v.vnifilter == Some(true) {
        out.boolean("vnifilter", "vnifilter", true);
    }
    u(out, "id", "id ", v.id);
    if let Some(g) = v.group {
        if !g.is_unspecified() {
            if g.is_multicast() {
                out.string("group", "group ", g.to_string(), " ");
            } else {
                out.string("remote", "remote ", g.to_string(), " ");
            }
        }
    } else if let Some(g) = v.group6
        && !g.is_unspecified()
    {
        if g.is_multicast() {
            out.string("group6", "group ", g.to_string(), " ");
        } else {
            out.string("remote6", "remote ", g.to_string(), " ");
        }
    }
    if let Some(l) = v.local {
        if !l.is_unspecified() {
            out.string("local", "local ", l.to_string(), " ");
        }
    } else if let Some(l) = v.local6
        && !l.is_unspecified()
    {
        out.string("local6", "local ", l.to_string(), " ");
    }
    if let Some(link) = v.link
        && link != 0
    {
        let name = env.index_name(link);
        out.string("link", "dev ", name, " ");
    }
    if let Some((lo, hi)) = v.port_range {
        if out.is_json() {
            out.open_object(Some("port_range"));
            out.json_number("low", lo);
            out.json_number("high", hi);
            out.close_object();
        } else {
            out.text(format!("srcport {lo} {hi} "));
        }
    }
    u(out, "port", "dstport ", v.port);
    if let Some(l) = v.learning {
        out.json_bool("learning", l);
        if !l {
            out.text("nolearning ");
        }
    }
    for (val, key, text) in [
        (v.proxy, "proxy", "proxy "),
        (v.rsc, "rsc", "rsc "),
        (v.l2miss, "l2miss", "l2miss "),
        (v.l3miss, "l3miss", "l3miss "),
    ] {
        if val == Some(true) {
            out.boolean(key, text, true);
        }
    }
    let tos = v.tos.unwrap_or(0);
    if tos != 0 {
        if out.is_json() || tos != 1 {
            out.string("tos", "tos ", hex0x(tos.into()), " ");
        } else {
            out.text("tos inherit ");
        }
    }
    if v.ttl_inherit == Some(true) {
        out.text("ttl inherit ");
    } else if let Some(ttl) = v.ttl {
        if out.is_json() || ttl != 0 {
            out.number("ttl", "ttl ", ttl, " ");
        } else {
            out.text("ttl auto ");
        }
    }
    match v.df {
        Some(0) => out.json_string("df", "unset"),
        Some(1) => out.string("df", "df ", "set", " "),
        Some(2) => out.string("df", "df ", "inherit", " "),
        _ => {}
    }
    if let Some(label) = v.label
        && label != 0
    {
        out.string("label", "flowlabel ", hex0x(label.into()), " ");
    }
    match v.ageing {
        Some(0) if out.is_json() => out.json_number("ageing", 0),
        Some(0) => out.text("ageing none "),
        Some(age) => out.number("ageing", "ageing ", age, " "),
        None => {}
    }
    if let Some(max) = v.limit
        && max != 0
    {
        out.number("limit", "maxaddr ", max, " ");
    }
    for (val, key, text) in [
        (v.udp_csum, "udp_csum", "udpcsum "),
        (v.udp_zero_csum6_tx, "udp_zero_csum6_tx", "udp6zerocsumtx "),
        (v.udp_zero_csum6_rx, "udp_zero_csum6_rx", "udp6zerocsumrx "),
    ] {
        if let Some(on) = val {
            if out.is_json() {
                out.json_bool(key, on);
            } else {
                if !on {
                    out.text("no");
                }
                out.text(text);
            }
        }
    }
    if v.remcsum_tx == Some(true) {
        out.boolean("remcsum_tx", "remcsumtx ", true);
    }
    if v.remcsum_rx == Some(true) {
        out.boolean("remcsum_rx", "remcsumrx ", true);
    }
    if v.gbp {
        out.boolean("gbp", "gbp ", true);
    }
    if v.gpe {
        out.boolean("gpe", "gpe ", true);
    }
}

fn print_macvlan(out: &mut Out, m: &MacvlanInfo) {
    let Some(mode) = m.mode else { return };
    let name = match mode {
        1 => "private",
        2 => "vepa",
        4 => "bridge",
        8 => "passthru",
        16 => "source",
        _ => "unknown",
    };
    out.string("mode", "mode ", name, " ");
    let flags = m.flags.unwrap_or(0);
    if flags & 1 != 0 {
        out.boolean("nopromisc", "nopromisc ", true);
    }
    if flags & 2 != 0 {
        out.boolean("nodst", "nodst ", true);
    }
    u(out, "bcqueuelen", "bcqueuelen ", m.bc_queue_len);
    u(out, "usedbcqueuelen", "usedbcqueuelen ", m.bc_queue_len_used);
    if mode != 16 {
        return;
    }
    let Some(count) = m.macaddr_count else { return };
    out.number("macaddr_count", "remotes (", count as i32, ") ");
    out.open_array("macaddr_data");
    for mac in &m.macaddrs {
        let s = lladdr(mac, 1);
        out.json_element(&s);
        out.text(format!("{s} "));
    }
    out.close_array();
}
