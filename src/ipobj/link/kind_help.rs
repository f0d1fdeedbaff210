//! `ip link help TYPE`: the usage of one link kind, exactly as iproute2 6.1
//! prints it (stdout, status 0). Kinds iproute2 does not know fall back to
//! the general usage, as it does.

/// (kind, its usage text), in iproute2's kind order.
pub(super) const KIND_HELP: &[(&str, &str)] = &[
    (
        "amt",
        "Usage: ... amt\n               [ discovery IP_ADDRESS ]\n               [ mode MODE ]\n               [ local ADDR ]\n               [ dev PHYS_DEV ]\n               [ relay_port PORT ]\n               [ gateway_port PORT ]\n               [ max_tunnels NUMBER ]\n\nWhere: ADDR\t:= { IP_ADDRESS }\n       MODE\t:= { gateway | relay }\n",
    ),
    (
        "bareudp",
        "Usage: ... bareudp dstport PORT\n\t\tethertype PROTO\n\t\t[ srcportmin PORT ]\n\t\t[ [no]multiproto ]\n\nWhere:\tPORT  := UDP_PORT\n\tPROTO := ETHERTYPE\n\nNote: ETHERTYPE can be given as number or as protocol name (\"ipv4\", \"ipv6\",\n      \"mpls_uc\", etc.).\n",
    ),
    (
        "bond",
        "Usage: ... bond [ mode BONDMODE ] [ active_slave SLAVE_DEV ]\n                [ clear_active_slave ] [ miimon MIIMON ]\n                [ updelay UPDELAY ] [ downdelay DOWNDELAY ]\n                [ peer_notify_delay DELAY ]\n                [ use_carrier USE_CARRIER ]\n                [ arp_interval ARP_INTERVAL ]\n                [ arp_validate ARP_VALIDATE ]\n                [ arp_all_targets ARP_ALL_TARGETS ]\n                [ arp_ip_target [ ARP_IP_TARGET, ... ] ]\n                [ ns_ip6_target [ NS_IP6_TARGET, ... ] ]\n                [ primary SLAVE_DEV ]\n                [ primary_reselect PRIMARY_RESELECT ]\n                [ fail_over_mac FAIL_OVER_MAC ]\n                [ xmit_hash_policy XMIT_HASH_POLICY ]\n                [ resend_igmp RESEND_IGMP ]\n                [ num_grat_arp|num_unsol_na NUM_GRAT_ARP|NUM_UNSOL_NA ]\n                [ all_slaves_active ALL_SLAVES_ACTIVE ]\n                [ min_links MIN_LINKS ]\n                [ lp_interval LP_INTERVAL ]\n                [ packets_per_slave PACKETS_PER_SLAVE ]\n                [ tlb_dynamic_lb TLB_DYNAMIC_LB ]\n                [ lacp_rate LACP_RATE ]\n                [ lacp_active LACP_ACTIVE]\n                [ ad_select AD_SELECT ]\n                [ ad_user_port_key PORTKEY ]\n                [ ad_actor_sys_prio SYSPRIO ]\n                [ ad_actor_system LLADDR ]\n                [ arp_missed_max MISSED_MAX ]\n\nBONDMODE := balance-rr|active-backup|balance-xor|broadcast|802.3ad|balance-tlb|balance-alb\nARP_VALIDATE := none|active|backup|all|filter|filter_active|filter_backup\nARP_ALL_TARGETS := any|all\nPRIMARY_RESELECT := always|better|failure\nFAIL_OVER_MAC := none|active|follow\nXMIT_HASH_POLICY := layer2|layer2+3|layer3+4|encap2+3|encap3+4|vlan+srcmac\nLACP_ACTIVE := off|on\nLACP_RATE := slow|fast\nAD_SELECT := stable|bandwidth|count\n",
    ),
    ("bond_slave", "Usage: ... bond_slave [ queue_id ID ] [ prio PRIORITY ]\n"),
    (
        "bridge",
        "Usage: ... bridge [ fdb_flush ]\n\t\t  [ forward_delay FORWARD_DELAY ]\n\t\t  [ hello_time HELLO_TIME ]\n\t\t  [ max_age MAX_AGE ]\n\t\t  [ ageing_time AGEING_TIME ]\n\t\t  [ stp_state STP_STATE ]\n\t\t  [ priority PRIORITY ]\n\t\t  [ group_fwd_mask MASK ]\n\t\t  [ group_address ADDRESS ]\n\t\t  [ no_linklocal_learn NO_LINKLOCAL_LEARN ]\n\t\t  [ vlan_filtering VLAN_FILTERING ]\n\t\t  [ vlan_protocol VLAN_PROTOCOL ]\n\t\t  [ vlan_default_pvid VLAN_DEFAULT_PVID ]\n\t\t  [ vlan_stats_enabled VLAN_STATS_ENABLED ]\n\t\t  [ vlan_stats_per_port VLAN_STATS_PER_PORT ]\n\t\t  [ mcast_snooping MULTICAST_SNOOPING ]\n\t\t  [ mcast_vlan_snooping MULTICAST_VLAN_SNOOPING ]\n\t\t  [ mcast_router MULTICAST_ROUTER ]\n\t\t  [ mcast_query_use_ifaddr MCAST_QUERY_USE_IFADDR ]\n\t\t  [ mcast_querier MULTICAST_QUERIER ]\n\t\t  [ mcast_hash_elasticity HASH_ELASTICITY ]\n\t\t  [ mcast_hash_max HASH_MAX ]\n\t\t  [ mcast_last_member_count LAST_MEMBER_COUNT ]\n\t\t  [ mcast_startup_query_count STARTUP_QUERY_COUNT ]\n\t\t  [ mcast_last_member_interval LAST_MEMBER_INTERVAL ]\n\t\t  [ mcast_membership_interval MEMBERSHIP_INTERVAL ]\n\t\t  [ mcast_querier_interval QUERIER_INTERVAL ]\n\t\t  [ mcast_query_interval QUERY_INTERVAL ]\n\t\t  [ mcast_query_response_interval QUERY_RESPONSE_INTERVAL ]\n\t\t  [ mcast_startup_query_interval STARTUP_QUERY_INTERVAL ]\n\t\t  [ mcast_stats_enabled MCAST_STATS_ENABLED ]\n\t\t  [ mcast_igmp_version IGMP_VERSION ]\n\t\t  [ mcast_mld_version MLD_VERSION ]\n\t\t  [ nf_call_iptables NF_CALL_IPTABLES ]\n\t\t  [ nf_call_ip6tables NF_CALL_IP6TABLES ]\n\t\t  [ nf_call_arptables NF_CALL_ARPTABLES ]\n\nWhere: VLAN_PROTOCOL := { 802.1Q | 802.1ad }\n",
    ),
    (
        "bridge_slave",
        "Usage: ... bridge_slave [ fdb_flush ]\n\t\t\t[ state STATE ]\n\t\t\t[ priority PRIO ]\n\t\t\t[ cost COST ]\n\t\t\t[ guard {on | off} ]\n\t\t\t[ hairpin {on | off} ]\n\t\t\t[ fastleave {on | off} ]\n\t\t\t[ root_block {on | off} ]\n\t\t\t[ learning {on | off} ]\n\t\t\t[ flood {on | off} ]\n\t\t\t[ proxy_arp {on | off} ]\n\t\t\t[ proxy_arp_wifi {on | off} ]\n\t\t\t[ mcast_router MULTICAST_ROUTER ]\n\t\t\t[ mcast_fast_leave {on | off} ]\n\t\t\t[ mcast_flood {on | off} ]\n\t\t\t[ bcast_flood {on | off} ]\n\t\t\t[ mcast_to_unicast {on | off} ]\n\t\t\t[ group_fwd_mask MASK ]\n\t\t\t[ neigh_suppress {on | off} ]\n\t\t\t[ vlan_tunnel {on | off} ]\n\t\t\t[ isolated {on | off} ]\n\t\t\t[ locked {on | off} ]\n\t\t\t[ backup_port DEVICE ] [ nobackup_port ]\n",
    ),
    ("dsa", "Usage: ... dsa [ conduit DEVICE ]\n"),
    ("dummy", "Usage: ... dummy\n"),
    (
        "erspan",
        "Usage: ... erspan   \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ [no]ignore-df ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ erspan_ver version ]\n\t\t\t[ erspan IDX ]\n\t\t\t[ erspan_dir { ingress | egress } ]\n\t\t\t[ erspan_hwid hwid ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tKEY  := { DOTTED_QUAD | NUMBER }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    (
        "geneve",
        "Usage: ... geneve id VNI\n\t\tremote ADDR\n\t\t[ ttl TTL ]\n\t\t[ tos TOS ]\n\t\t[ df DF ]\n\t\t[ flowlabel LABEL ]\n\t\t[ dstport PORT ]\n\t\t[ [no]external ]\n\t\t[ [no]udpcsum ]\n\t\t[ [no]udp6zerocsumtx ]\n\t\t[ [no]udp6zerocsumrx ]\n\t\t[ innerprotoinherit ]\n\nWhere:\tVNI   := 0-16777215\n\tADDR  := IP_ADDRESS\n\tTOS   := { NUMBER | inherit }\n\tTTL   := { 1..255 | auto | inherit }\n\tDF    := { unset | set | inherit }\n\tLABEL := 0-1048575\n",
    ),
    (
        "gre",
        "Usage: ... gre      \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ [no]ignore-df ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tKEY  := { DOTTED_QUAD | NUMBER }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    (
        "gretap",
        "Usage: ... gretap   \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ [no]ignore-df ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tKEY  := { DOTTED_QUAD | NUMBER }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    (
        "gtp",
        "Usage: ... gtp role ROLE\n\t\t[ hsize HSIZE ]\n\t\t[ restart_count RESTART_COUNT ]\n\nWhere:\tROLE\t\t:= { sgsn | ggsn }\n\tHSIZE\t\t:= 1-131071\n\tRESTART_COUNT\t:= 0-255\n",
    ),
    ("ifb", "Usage: ... ifb\n"),
    (
        "ip6erspan",
        "Usage: ... ip6erspan\t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ hoplimit TTL ]\n\t\t\t[ encaplimit ELIM ]\n\t\t\t[ tclass TCLASS ]\n\t\t\t[ flowlabel FLOWLABEL ]\n\t\t\t[ dscp inherit ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ [no]allow-localremote ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ erspan_ver version ]\n\t\t\t[ erspan IDX ]\n\t\t\t[ erspan_dir { ingress | egress } ]\n\t\t\t[ erspan_hwid hwid ]\n\nWhere:\tADDR\t  := IPV6_ADDRESS\n\tTTL\t  := { 0..255 } (default=64)\n\tKEY\t  := { DOTTED_QUAD | NUMBER }\n\tELIM\t  := { none | 0..255 }(default=4)\n\tTCLASS\t  := { 0x0..0xff | inherit }\n\tFLOWLABEL := { 0x0..0xfffff | inherit }\n\tMARK\t  := { 0x0..0xffffffff | inherit }\n",
    ),
    (
        "ip6gre",
        "Usage: ... ip6gre   \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ hoplimit TTL ]\n\t\t\t[ encaplimit ELIM ]\n\t\t\t[ tclass TCLASS ]\n\t\t\t[ flowlabel FLOWLABEL ]\n\t\t\t[ dscp inherit ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ [no]allow-localremote ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ erspan_ver version ]\n\t\t\t[ erspan IDX ]\n\t\t\t[ erspan_dir { ingress | egress } ]\n\t\t\t[ erspan_hwid hwid ]\n\nWhere:\tADDR\t  := IPV6_ADDRESS\n\tTTL\t  := { 0..255 } (default=64)\n\tKEY\t  := { DOTTED_QUAD | NUMBER }\n\tELIM\t  := { none | 0..255 }(default=4)\n\tTCLASS\t  := { 0x0..0xff | inherit }\n\tFLOWLABEL := { 0x0..0xfffff | inherit }\n\tMARK\t  := { 0x0..0xffffffff | inherit }\n",
    ),
    (
        "ip6gretap",
        "Usage: ... ip6gretap\t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ hoplimit TTL ]\n\t\t\t[ encaplimit ELIM ]\n\t\t\t[ tclass TCLASS ]\n\t\t\t[ flowlabel FLOWLABEL ]\n\t\t\t[ dscp inherit ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ [no]allow-localremote ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ erspan_ver version ]\n\t\t\t[ erspan IDX ]\n\t\t\t[ erspan_dir { ingress | egress } ]\n\t\t\t[ erspan_hwid hwid ]\n\nWhere:\tADDR\t  := IPV6_ADDRESS\n\tTTL\t  := { 0..255 } (default=64)\n\tKEY\t  := { DOTTED_QUAD | NUMBER }\n\tELIM\t  := { none | 0..255 }(default=4)\n\tTCLASS\t  := { 0x0..0xff | inherit }\n\tFLOWLABEL := { 0x0..0xfffff | inherit }\n\tMARK\t  := { 0x0..0xffffffff | inherit }\n",
    ),
    (
        "ip6tnl",
        "Usage: ... ip6tnl\t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ encaplimit ELIM ]\n\t\t\t[ hoplimit HLIM ]\n\t\t\t[ tclass TCLASS ]\n\t\t\t[ flowlabel FLOWLABEL ]\n\t\t\t[ dscp inherit ]\n\t\t\t[ [no]allow-localremote ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ mode { ip6ip6 | ipip6 | any } ]\n\nWhere:\tADDR\t  := IPV6_ADDRESS\n\tELIM\t  := { none | 0..255 }(default=4)\n\tHLIM\t  := 0..255 (default=64)\n\tTCLASS    := { 0x0..0xff | inherit }\n\tFLOWLABEL := { 0x0..0xfffff | inherit }\n\tMARK\t  := { 0x0..0xffffffff | inherit }\n",
    ),
    (
        "ipip",
        "Usage: ... ipip  \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ 6rd-prefix ADDR ]\n\t\t\t[ 6rd-relay_prefix ADDR ]\n\t\t\t[ 6rd-reset ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ mode { ipip | mplsip | any } ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    (
        "ipoib",
        "Usage: ... ipoib [ pkey PKEY ]\n\t\t [ mode {datagram | connected} ]\n\t\t [ umcast {0|1} ]\n\nPKEY  := 0x8001-0xffff\n",
    ),
    (
        "ipvlan",
        "Usage: ... ipvlan [ mode MODE ] [ FLAGS ]\n\nMODE: l3 | l3s | l2\nFLAGS: bridge | private | vepa\n(first values are the defaults if nothing is specified).\n",
    ),
    (
        "ipvtap",
        "Usage: ... ipvtap [ mode MODE ] [ FLAGS ]\n\nMODE: l3 | l3s | l2\nFLAGS: bridge | private | vepa\n(first values are the defaults if nothing is specified).\n",
    ),
    (
        "macsec",
        "Usage: ... macsec [ [ address <lladdr> ] port { 1..2^16-1 } | sci <u64> ]\n                  [ cipher { default | gcm-aes-128 | gcm-aes-256 | gcm-aes-xpn-128 | gcm-aes-xpn-256 } ]\n                  [ icvlen { 8..16 } ]\n                  [ encrypt { on | off } ]\n                  [ send_sci { on | off } ]\n                  [ end_station { on | off } ]\n                  [ scb { on | off } ]\n                  [ protect { on | off } ]\n                  [ replay { on | off} window { 0..2^32-1 } ]\n                  [ validate { strict | check | disabled } ]\n                  [ encodingsa { 0..3 } ]\n                  [ offload { mac | phy | off } ]\n",
    ),
    (
        "macvlan",
        "Usage: ... macvlan mode MODE [flag MODE_FLAG] MODE_OPTS [bcqueuelen BC_QUEUE_LEN]\n\nMODE: private | vepa | bridge | passthru | source\nMODE_FLAG: null | nopromisc | nodst\nMODE_OPTS: for mode \"source\":\n\tmacaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr>  ... ] ] | flush }\nBC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]\n",
    ),
    (
        "macvtap",
        "Usage: ... macvtap mode MODE [flag MODE_FLAG] MODE_OPTS [bcqueuelen BC_QUEUE_LEN]\n\nMODE: private | vepa | bridge | passthru | source\nMODE_FLAG: null | nopromisc | nodst\nMODE_OPTS: for mode \"source\":\n\tmacaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr>  ... ] ] | flush }\nBC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]\n",
    ),
    ("netdevsim", "Usage: ... netdevsim\n"),
    ("nlmon", "Usage: ... nlmon\n"),
    ("rmnet", "Usage: ... rmnet mux_id MUXID\n\nMUXID := 1-254\n"),
    (
        "sit",
        "Usage: ... sit   \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ 6rd-prefix ADDR ]\n\t\t\t[ 6rd-relay_prefix ADDR ]\n\t\t\t[ 6rd-reset ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ mode { ip6ip | ipip | mplsip | any } ]\n\t\t\t[ isatap ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    ("vcan", "Usage: ... vcan\n"),
    ("veth", "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n"),
    (
        "vlan",
        "Usage: ... vlan id VLANID\n\t\t[ protocol VLANPROTO ]\n\t\t[ reorder_hdr { on | off } ]\n\t\t[ gvrp { on | off } ]\n\t\t[ mvrp { on | off } ]\n\t\t[ loose_binding { on | off } ]\n\t\t[ bridge_binding { on | off } ]\n\t\t[ ingress-qos-map QOS-MAP ]\n\t\t[ egress-qos-map QOS-MAP ]\n\nVLANID := 0-4095\nVLANPROTO: [ 802.1Q | 802.1ad ]\nQOS-MAP := [ QOS-MAP ] QOS-MAPPING\nQOS-MAPPING := FROM:TO\n",
    ),
    ("vrf", "Usage: ... vrf table TABLEID\n"),
    (
        "vti",
        "Usage: ... vti \t[ remote ADDR ]\n\t\t[ local ADDR ]\n\t\t[ [i|o]key KEY ]\n\t\t[ dev PHYS_DEV ]\n\t\t[ fwmark MARK ]\n\nWhere:\tADDR := { IP_ADDRESS }\n\tKEY  := { DOTTED_QUAD | NUMBER }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    ("vxcan", "Usage: ip link <options> type vxcan [peer <options>]\nTo get <options> type 'ip link add help'\n"),
    (
        "vxlan",
        "Usage: ... vxlan id VNI\n\t\t[ { group | remote } IP_ADDRESS ]\n\t\t[ local ADDR ]\n\t\t[ ttl TTL ]\n\t\t[ tos TOS ]\n\t\t[ df DF ]\n\t\t[ flowlabel LABEL ]\n\t\t[ dev PHYS_DEV ]\n\t\t[ dstport PORT ]\n\t\t[ srcport MIN MAX ]\n\t\t[ [no]learning ]\n\t\t[ [no]proxy ]\n\t\t[ [no]rsc ]\n\t\t[ [no]l2miss ]\n\t\t[ [no]l3miss ]\n\t\t[ ageing SECONDS ]\n\t\t[ maxaddress NUMBER ]\n\t\t[ [no]udpcsum ]\n\t\t[ [no]udp6zerocsumtx ]\n\t\t[ [no]udp6zerocsumrx ]\n\t\t[ [no]remcsumtx ] [ [no]remcsumrx ]\n\t\t[ [no]external ] [ gbp ] [ gpe ]\n\t\t[ [no]vnifilter ]\n\nWhere:\tVNI\t:= 0-16777215\n\tADDR\t:= { IP_ADDRESS | any }\n\tTOS\t:= { NUMBER | inherit }\n\tTTL\t:= { 1..255 | auto | inherit }\n\tDF\t:= { unset | set | inherit }\n\tLABEL := 0-1048575\n",
    ),
    ("wwan", "Usage: ... wwan linkid LINKID\n\nWhere: LINKID := 0-4294967295\n"),
    (
        "xfrm",
        "Usage: ... xfrm dev [ PHYS_DEV ] [ if_id IF-ID ]\n\t\t[ external ]\n\nWhere: IF-ID := { 0x1..0xffffffff }\n",
    ),
    (
        "hsr",
        "Usage:\tip link add name NAME type hsr slave1 SLAVE1-IF slave2 SLAVE2-IF\n\t[ supervision ADDR-BYTE ] [version VERSION] [proto PROTOCOL]\n\nNAME\n\tname of new hsr device (e.g. hsr0)\nSLAVE1-IF, SLAVE2-IF\n\tthe two slave devices bound to the HSR device\nADDR-BYTE\n\t0-255; the last byte of the multicast address used for HSR supervision\n\tframes (default = 0)\nVERSION\n\t0,1; the protocol version to be used. (default = 0)\nPROTOCOL\n\t0 - HSR, 1 - PRP. (default = 0 - HSR)\n",
    ),
    (
        "can",
        "Usage: ip link set DEVICE type can\n\t[ bitrate BITRATE [ sample-point SAMPLE-POINT] ] |\n\t[ tq TQ prop-seg PROP_SEG phase-seg1 PHASE-SEG1\n \t  phase-seg2 PHASE-SEG2 [ sjw SJW ] ]\n\n\t[ dbitrate BITRATE [ dsample-point SAMPLE-POINT] ] |\n\t[ dtq TQ dprop-seg PROP_SEG dphase-seg1 PHASE-SEG1\n \t  dphase-seg2 PHASE-SEG2 [ dsjw SJW ] ]\n\t[ tdcv TDCV tdco TDCO tdcf TDCF ]\n\n\t[ loopback { on | off } ]\n\t[ listen-only { on | off } ]\n\t[ triple-sampling { on | off } ]\n\t[ one-shot { on | off } ]\n\t[ berr-reporting { on | off } ]\n\t[ fd { on | off } ]\n\t[ fd-non-iso { on | off } ]\n\t[ presume-ack { on | off } ]\n\t[ cc-len8-dlc { on | off } ]\n\t[ tdc-mode { auto | manual | off } ]\n\n\t[ restart-ms TIME-MS ]\n\t[ restart ]\n\n\t[ termination { 0..65535 } ]\n\n\tWhere: BITRATE\t:= { NUMBER in bps }\n\t\t  SAMPLE-POINT\t:= { 0.000..0.999 }\n\t\t  TQ\t\t:= { NUMBER in ns }\n\t\t  PROP-SEG\t:= { NUMBER in tq }\n\t\t  PHASE-SEG1\t:= { NUMBER in tq }\n\t\t  PHASE-SEG2\t:= { NUMBER in tq }\n\t\t  SJW\t\t:= { NUMBER in tq }\n\t\t  TDCV\t\t:= { NUMBER in tc }\n\t\t  TDCO\t\t:= { NUMBER in tc }\n\t\t  TDCF\t\t:= { NUMBER in tc }\n\t\t  RESTART-MS\t:= { 0 | NUMBER in ms }\n",
    ),
];

/// The usage text of link kind `kind`, if iproute2 has one.
pub(super) fn kind_help(kind: &[u8]) -> Option<&'static str> {
    KIND_HELP.iter().find(|(k, _)| k.as_bytes() == kind).map(|(_, t)| *t)
}
