//! The kinds netns knows only by name: created without options, printed
//! without details; what they have here is their usage text and the
//! kernel module that provides them.

use super::LinkUtil;

pub(super) const AMT: LinkUtil = LinkUtil::generic(
    "amt",
    Some(
        "Usage: ... amt\n               [ discovery IP_ADDRESS ]\n               [ mode MODE ]\n               [ local ADDR ]\n               [ dev PHYS_DEV ]\n               [ relay_port PORT ]\n               [ gateway_port PORT ]\n               [ max_tunnels NUMBER ]\n\nWhere: ADDR\t:= { IP_ADDRESS }\n       MODE\t:= { gateway | relay }\n",
    ),
    Some(("amt", "CONFIG_AMT")),
);

pub(super) const BAREUDP: LinkUtil = LinkUtil::generic(
    "bareudp",
    Some(
        "Usage: ... bareudp dstport PORT\n\t\tethertype PROTO\n\t\t[ srcportmin PORT ]\n\t\t[ [no]multiproto ]\n\nWhere:\tPORT  := UDP_PORT\n\tPROTO := ETHERTYPE\n\nNote: ETHERTYPE can be given as number or as protocol name (\"ipv4\", \"ipv6\",\n      \"mpls_uc\", etc.).\n",
    ),
    Some(("bareudp", "CONFIG_BAREUDP")),
);

pub(super) const BOND: LinkUtil = LinkUtil::generic(
    "bond",
    Some(
        "Usage: ... bond [ mode BONDMODE ] [ active_slave SLAVE_DEV ]\n                [ clear_active_slave ] [ miimon MIIMON ]\n                [ updelay UPDELAY ] [ downdelay DOWNDELAY ]\n                [ peer_notify_delay DELAY ]\n                [ use_carrier USE_CARRIER ]\n                [ arp_interval ARP_INTERVAL ]\n                [ arp_validate ARP_VALIDATE ]\n                [ arp_all_targets ARP_ALL_TARGETS ]\n                [ arp_ip_target [ ARP_IP_TARGET, ... ] ]\n                [ ns_ip6_target [ NS_IP6_TARGET, ... ] ]\n                [ primary SLAVE_DEV ]\n                [ primary_reselect PRIMARY_RESELECT ]\n                [ fail_over_mac FAIL_OVER_MAC ]\n                [ xmit_hash_policy XMIT_HASH_POLICY ]\n                [ resend_igmp RESEND_IGMP ]\n                [ num_grat_arp|num_unsol_na NUM_GRAT_ARP|NUM_UNSOL_NA ]\n                [ all_slaves_active ALL_SLAVES_ACTIVE ]\n                [ min_links MIN_LINKS ]\n                [ lp_interval LP_INTERVAL ]\n                [ packets_per_slave PACKETS_PER_SLAVE ]\n                [ tlb_dynamic_lb TLB_DYNAMIC_LB ]\n                [ lacp_rate LACP_RATE ]\n                [ lacp_active LACP_ACTIVE]\n                [ ad_select AD_SELECT ]\n                [ ad_user_port_key PORTKEY ]\n                [ ad_actor_sys_prio SYSPRIO ]\n                [ ad_actor_system LLADDR ]\n                [ arp_missed_max MISSED_MAX ]\n\nBONDMODE := balance-rr|active-backup|balance-xor|broadcast|802.3ad|balance-tlb|balance-alb\nARP_VALIDATE := none|active|backup|all|filter|filter_active|filter_backup\nARP_ALL_TARGETS := any|all\nPRIMARY_RESELECT := always|better|failure\nFAIL_OVER_MAC := none|active|follow\nXMIT_HASH_POLICY := layer2|layer2+3|layer3+4|encap2+3|encap3+4|vlan+srcmac\nLACP_ACTIVE := off|on\nLACP_RATE := slow|fast\nAD_SELECT := stable|bandwidth|count\n",
    ),
    Some(("bonding", "CONFIG_BONDING")),
);

pub(super) const BOND_SLAVE: LinkUtil =
    LinkUtil::generic("bond_slave", Some("Usage: ... bond_slave [ queue_id ID ] [ prio PRIORITY ]\n"), None);

pub(super) const DSA: LinkUtil = LinkUtil::generic("dsa", Some("Usage: ... dsa [ conduit DEVICE ]\n"), None);

pub(super) const DUMMY: LinkUtil =
    LinkUtil::generic("dummy", Some("Usage: ... dummy\n"), Some(("dummy", "CONFIG_DUMMY")));

pub(super) const ERSPAN: LinkUtil = LinkUtil::generic(
    "erspan",
    Some(
        "Usage: ... erspan   \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ [no]ignore-df ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ erspan_ver version ]\n\t\t\t[ erspan IDX ]\n\t\t\t[ erspan_dir { ingress | egress } ]\n\t\t\t[ erspan_hwid hwid ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tKEY  := { DOTTED_QUAD | NUMBER }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    Some(("ip_gre", "CONFIG_NET_IPGRE")),
);

pub(super) const GENEVE: LinkUtil = LinkUtil::generic(
    "geneve",
    Some(
        "Usage: ... geneve id VNI\n\t\tremote ADDR\n\t\t[ ttl TTL ]\n\t\t[ tos TOS ]\n\t\t[ df DF ]\n\t\t[ flowlabel LABEL ]\n\t\t[ dstport PORT ]\n\t\t[ [no]external ]\n\t\t[ [no]udpcsum ]\n\t\t[ [no]udp6zerocsumtx ]\n\t\t[ [no]udp6zerocsumrx ]\n\t\t[ innerprotoinherit ]\n\nWhere:\tVNI   := 0-16777215\n\tADDR  := IP_ADDRESS\n\tTOS   := { NUMBER | inherit }\n\tTTL   := { 1..255 | auto | inherit }\n\tDF    := { unset | set | inherit }\n\tLABEL := 0-1048575\n",
    ),
    Some(("geneve", "CONFIG_GENEVE")),
);

pub(super) const GRE: LinkUtil = LinkUtil::generic(
    "gre",
    Some(
        "Usage: ... gre      \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ [no]ignore-df ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tKEY  := { DOTTED_QUAD | NUMBER }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    Some(("ip_gre", "CONFIG_NET_IPGRE")),
);

pub(super) const GRETAP: LinkUtil = LinkUtil::generic(
    "gretap",
    Some(
        "Usage: ... gretap   \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ [no]ignore-df ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tKEY  := { DOTTED_QUAD | NUMBER }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    Some(("ip_gre", "CONFIG_NET_IPGRE")),
);

pub(super) const GTP: LinkUtil = LinkUtil::generic(
    "gtp",
    Some(
        "Usage: ... gtp role ROLE\n\t\t[ hsize HSIZE ]\n\t\t[ restart_count RESTART_COUNT ]\n\nWhere:\tROLE\t\t:= { sgsn | ggsn }\n\tHSIZE\t\t:= 1-131071\n\tRESTART_COUNT\t:= 0-255\n",
    ),
    Some(("gtp", "CONFIG_GTP")),
);

pub(super) const IFB: LinkUtil = LinkUtil::generic("ifb", Some("Usage: ... ifb\n"), Some(("ifb", "CONFIG_IFB")));

pub(super) const IP6ERSPAN: LinkUtil = LinkUtil::generic(
    "ip6erspan",
    Some(
        "Usage: ... ip6erspan\t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ hoplimit TTL ]\n\t\t\t[ encaplimit ELIM ]\n\t\t\t[ tclass TCLASS ]\n\t\t\t[ flowlabel FLOWLABEL ]\n\t\t\t[ dscp inherit ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ [no]allow-localremote ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ erspan_ver version ]\n\t\t\t[ erspan IDX ]\n\t\t\t[ erspan_dir { ingress | egress } ]\n\t\t\t[ erspan_hwid hwid ]\n\nWhere:\tADDR\t  := IPV6_ADDRESS\n\tTTL\t  := { 0..255 } (default=64)\n\tKEY\t  := { DOTTED_QUAD | NUMBER }\n\tELIM\t  := { none | 0..255 }(default=4)\n\tTCLASS\t  := { 0x0..0xff | inherit }\n\tFLOWLABEL := { 0x0..0xfffff | inherit }\n\tMARK\t  := { 0x0..0xffffffff | inherit }\n",
    ),
    Some(("ip6_gre", "CONFIG_IPV6_GRE")),
);

pub(super) const IP6GRE: LinkUtil = LinkUtil::generic(
    "ip6gre",
    Some(
        "Usage: ... ip6gre   \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ hoplimit TTL ]\n\t\t\t[ encaplimit ELIM ]\n\t\t\t[ tclass TCLASS ]\n\t\t\t[ flowlabel FLOWLABEL ]\n\t\t\t[ dscp inherit ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ [no]allow-localremote ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ erspan_ver version ]\n\t\t\t[ erspan IDX ]\n\t\t\t[ erspan_dir { ingress | egress } ]\n\t\t\t[ erspan_hwid hwid ]\n\nWhere:\tADDR\t  := IPV6_ADDRESS\n\tTTL\t  := { 0..255 } (default=64)\n\tKEY\t  := { DOTTED_QUAD | NUMBER }\n\tELIM\t  := { none | 0..255 }(default=4)\n\tTCLASS\t  := { 0x0..0xff | inherit }\n\tFLOWLABEL := { 0x0..0xfffff | inherit }\n\tMARK\t  := { 0x0..0xffffffff | inherit }\n",
    ),
    Some(("ip6_gre", "CONFIG_IPV6_GRE")),
);

pub(super) const IP6GRETAP: LinkUtil = LinkUtil::generic(
    "ip6gretap",
    Some(
        "Usage: ... ip6gretap\t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ [no][i|o]seq ]\n\t\t\t[ [i|o]key KEY | no[i|o]key ]\n\t\t\t[ [no][i|o]csum ]\n\t\t\t[ hoplimit TTL ]\n\t\t\t[ encaplimit ELIM ]\n\t\t\t[ tclass TCLASS ]\n\t\t\t[ flowlabel FLOWLABEL ]\n\t\t\t[ dscp inherit ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ [no]allow-localremote ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ erspan_ver version ]\n\t\t\t[ erspan IDX ]\n\t\t\t[ erspan_dir { ingress | egress } ]\n\t\t\t[ erspan_hwid hwid ]\n\nWhere:\tADDR\t  := IPV6_ADDRESS\n\tTTL\t  := { 0..255 } (default=64)\n\tKEY\t  := { DOTTED_QUAD | NUMBER }\n\tELIM\t  := { none | 0..255 }(default=4)\n\tTCLASS\t  := { 0x0..0xff | inherit }\n\tFLOWLABEL := { 0x0..0xfffff | inherit }\n\tMARK\t  := { 0x0..0xffffffff | inherit }\n",
    ),
    Some(("ip6_gre", "CONFIG_IPV6_GRE")),
);

pub(super) const IP6TNL: LinkUtil = LinkUtil::generic(
    "ip6tnl",
    Some(
        "Usage: ... ip6tnl\t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ encaplimit ELIM ]\n\t\t\t[ hoplimit HLIM ]\n\t\t\t[ tclass TCLASS ]\n\t\t\t[ flowlabel FLOWLABEL ]\n\t\t\t[ dscp inherit ]\n\t\t\t[ [no]allow-localremote ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ mode { ip6ip6 | ipip6 | any } ]\n\nWhere:\tADDR\t  := IPV6_ADDRESS\n\tELIM\t  := { none | 0..255 }(default=4)\n\tHLIM\t  := 0..255 (default=64)\n\tTCLASS    := { 0x0..0xff | inherit }\n\tFLOWLABEL := { 0x0..0xfffff | inherit }\n\tMARK\t  := { 0x0..0xffffffff | inherit }\n",
    ),
    Some(("ip6_tunnel", "CONFIG_IPV6_TUNNEL")),
);

pub(super) const IPIP: LinkUtil = LinkUtil::generic(
    "ipip",
    Some(
        "Usage: ... ipip  \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ 6rd-prefix ADDR ]\n\t\t\t[ 6rd-relay_prefix ADDR ]\n\t\t\t[ 6rd-reset ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ mode { ipip | mplsip | any } ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    Some(("ipip", "CONFIG_NET_IPIP")),
);

pub(super) const IPOIB: LinkUtil = LinkUtil::generic(
    "ipoib",
    Some(
        "Usage: ... ipoib [ pkey PKEY ]\n\t\t [ mode {datagram | connected} ]\n\t\t [ umcast {0|1} ]\n\nPKEY  := 0x8001-0xffff\n",
    ),
    None,
);

pub(super) const IPVLAN: LinkUtil = LinkUtil::generic(
    "ipvlan",
    Some(
        "Usage: ... ipvlan [ mode MODE ] [ FLAGS ]\n\nMODE: l3 | l3s | l2\nFLAGS: bridge | private | vepa\n(first values are the defaults if nothing is specified).\n",
    ),
    Some(("ipvlan", "CONFIG_IPVLAN")),
);

pub(super) const IPVTAP: LinkUtil = LinkUtil::generic(
    "ipvtap",
    Some(
        "Usage: ... ipvtap [ mode MODE ] [ FLAGS ]\n\nMODE: l3 | l3s | l2\nFLAGS: bridge | private | vepa\n(first values are the defaults if nothing is specified).\n",
    ),
    Some(("ipvtap", "CONFIG_IPVTAP")),
);

pub(super) const MACSEC: LinkUtil = LinkUtil::generic(
    "macsec",
    Some(
        "Usage: ... macsec [ [ address <lladdr> ] port { 1..2^16-1 } | sci <u64> ]\n                  [ cipher { default | gcm-aes-128 | gcm-aes-256 | gcm-aes-xpn-128 | gcm-aes-xpn-256 } ]\n                  [ icvlen { 8..16 } ]\n                  [ encrypt { on | off } ]\n                  [ send_sci { on | off } ]\n                  [ end_station { on | off } ]\n                  [ scb { on | off } ]\n                  [ protect { on | off } ]\n                  [ replay { on | off} window { 0..2^32-1 } ]\n                  [ validate { strict | check | disabled } ]\n                  [ encodingsa { 0..3 } ]\n                  [ offload { mac | phy | off } ]\n",
    ),
    Some(("macsec", "CONFIG_MACSEC")),
);

pub(super) const NETDEVSIM: LinkUtil =
    LinkUtil::generic("netdevsim", Some("Usage: ... netdevsim\n"), Some(("netdevsim", "CONFIG_NETDEVSIM")));

pub(super) const NLMON: LinkUtil =
    LinkUtil::generic("nlmon", Some("Usage: ... nlmon\n"), Some(("nlmon", "CONFIG_NLMON")));

pub(super) const RMNET: LinkUtil =
    LinkUtil::generic("rmnet", Some("Usage: ... rmnet mux_id MUXID\n\nMUXID := 1-254\n"), None);

pub(super) const SIT: LinkUtil = LinkUtil::generic(
    "sit",
    Some(
        "Usage: ... sit   \t[ remote ADDR ]\n\t\t\t[ local ADDR ]\n\t\t\t[ ttl TTL ]\n\t\t\t[ tos TOS ]\n\t\t\t[ [no]pmtudisc ]\n\t\t\t[ 6rd-prefix ADDR ]\n\t\t\t[ 6rd-relay_prefix ADDR ]\n\t\t\t[ 6rd-reset ]\n\t\t\t[ dev PHYS_DEV ]\n\t\t\t[ fwmark MARK ]\n\t\t\t[ external ]\n\t\t\t[ noencap ]\n\t\t\t[ encap { fou | gue | none } ]\n\t\t\t[ encap-sport PORT ]\n\t\t\t[ encap-dport PORT ]\n\t\t\t[ [no]encap-csum ]\n\t\t\t[ [no]encap-csum6 ]\n\t\t\t[ [no]encap-remcsum ]\n\t\t\t[ mode { ip6ip | ipip | mplsip | any } ]\n\t\t\t[ isatap ]\n\nWhere:\tADDR := { IP_ADDRESS | any }\n\tTOS  := { NUMBER | inherit }\n\tTTL  := { 1..255 | inherit }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    Some(("sit", "CONFIG_IPV6_SIT")),
);

pub(super) const VCAN: LinkUtil =
    LinkUtil::generic("vcan", Some("Usage: ... vcan\n"), Some(("vcan", "CONFIG_CAN_VCAN")));

pub(super) const VLAN: LinkUtil = LinkUtil::generic(
    "vlan",
    Some(
        "Usage: ... vlan id VLANID\n\t\t[ protocol VLANPROTO ]\n\t\t[ reorder_hdr { on | off } ]\n\t\t[ gvrp { on | off } ]\n\t\t[ mvrp { on | off } ]\n\t\t[ loose_binding { on | off } ]\n\t\t[ bridge_binding { on | off } ]\n\t\t[ ingress-qos-map QOS-MAP ]\n\t\t[ egress-qos-map QOS-MAP ]\n\nVLANID := 0-4095\nVLANPROTO: [ 802.1Q | 802.1ad ]\nQOS-MAP := [ QOS-MAP ] QOS-MAPPING\nQOS-MAPPING := FROM:TO\n",
    ),
    Some(("8021q", "CONFIG_VLAN_8021Q")),
);

pub(super) const VRF: LinkUtil =
    LinkUtil::generic("vrf", Some("Usage: ... vrf table TABLEID\n"), Some(("vrf", "CONFIG_NET_VRF")));

pub(super) const VTI: LinkUtil = LinkUtil::generic(
    "vti",
    Some(
        "Usage: ... vti \t[ remote ADDR ]\n\t\t[ local ADDR ]\n\t\t[ [i|o]key KEY ]\n\t\t[ dev PHYS_DEV ]\n\t\t[ fwmark MARK ]\n\nWhere:\tADDR := { IP_ADDRESS }\n\tKEY  := { DOTTED_QUAD | NUMBER }\n\tMARK := { 0x0..0xffffffff }\n",
    ),
    Some(("ip_vti", "CONFIG_NET_IPVTI")),
);

pub(super) const VXCAN: LinkUtil = LinkUtil::generic(
    "vxcan",
    Some("Usage: ip link <options> type vxcan [peer <options>]\nTo get <options> type 'ip link add help'\n"),
    Some(("vxcan", "CONFIG_CAN_VXCAN")),
);

pub(super) const WWAN: LinkUtil =
    LinkUtil::generic("wwan", Some("Usage: ... wwan linkid LINKID\n\nWhere: LINKID := 0-4294967295\n"), None);

pub(super) const XFRM: LinkUtil = LinkUtil::generic(
    "xfrm",
    Some("Usage: ... xfrm dev [ PHYS_DEV ] [ if_id IF-ID ]\n\t\t[ external ]\n\nWhere: IF-ID := { 0x1..0xffffffff }\n"),
    Some(("xfrm_interface", "CONFIG_XFRM_INTERFACE")),
);

pub(super) const HSR: LinkUtil = LinkUtil::generic(
    "hsr",
    Some(
        "Usage:\tip link add name NAME type hsr slave1 SLAVE1-IF slave2 SLAVE2-IF\n\t[ supervision ADDR-BYTE ] [version VERSION] [proto PROTOCOL]\n\nNAME\n\tname of new hsr device (e.g. hsr0)\nSLAVE1-IF, SLAVE2-IF\n\tthe two slave devices bound to the HSR device\nADDR-BYTE\n\t0-255; the last byte of the multicast address used for HSR supervision\n\tframes (default = 0)\nVERSION\n\t0,1; the protocol version to be used. (default = 0)\nPROTOCOL\n\t0 - HSR, 1 - PRP. (default = 0 - HSR)\n",
    ),
    Some(("hsr", "CONFIG_HSR")),
);

pub(super) const CAN: LinkUtil = LinkUtil::generic(
    "can",
    Some(
        "Usage: ip link set DEVICE type can\n\t[ bitrate BITRATE [ sample-point SAMPLE-POINT] ] |\n\t[ tq TQ prop-seg PROP_SEG phase-seg1 PHASE-SEG1\n \t  phase-seg2 PHASE-SEG2 [ sjw SJW ] ]\n\n\t[ dbitrate BITRATE [ dsample-point SAMPLE-POINT] ] |\n\t[ dtq TQ dprop-seg PROP_SEG dphase-seg1 PHASE-SEG1\n \t  dphase-seg2 PHASE-SEG2 [ dsjw SJW ] ]\n\t[ tdcv TDCV tdco TDCO tdcf TDCF ]\n\n\t[ loopback { on | off } ]\n\t[ listen-only { on | off } ]\n\t[ triple-sampling { on | off } ]\n\t[ one-shot { on | off } ]\n\t[ berr-reporting { on | off } ]\n\t[ fd { on | off } ]\n\t[ fd-non-iso { on | off } ]\n\t[ presume-ack { on | off } ]\n\t[ cc-len8-dlc { on | off } ]\n\t[ tdc-mode { auto | manual | off } ]\n\n\t[ restart-ms TIME-MS ]\n\t[ restart ]\n\n\t[ termination { 0..65535 } ]\n\n\tWhere: BITRATE\t:= { NUMBER in bps }\n\t\t  SAMPLE-POINT\t:= { 0.000..0.999 }\n\t\t  TQ\t\t:= { NUMBER in ns }\n\t\t  PROP-SEG\t:= { NUMBER in tq }\n\t\t  PHASE-SEG1\t:= { NUMBER in tq }\n\t\t  PHASE-SEG2\t:= { NUMBER in tq }\n\t\t  SJW\t\t:= { NUMBER in tq }\n\t\t  TDCV\t\t:= { NUMBER in tc }\n\t\t  TDCO\t\t:= { NUMBER in tc }\n\t\t  TDCF\t\t:= { NUMBER in tc }\n\t\t  RESTART-MS\t:= { 0 | NUMBER in ms }\n",
    ),
    None,
);

pub(super) const TEAM: LinkUtil = LinkUtil::generic("team", None, Some(("team", "CONFIG_NET_TEAM")));

pub(super) const VTI6: LinkUtil = LinkUtil::generic("vti6", None, Some(("ip6_vti", "CONFIG_IPV6_VTI")));

pub(super) const WIREGUARD: LinkUtil = LinkUtil::generic("wireguard", None, Some(("wireguard", "CONFIG_WIREGUARD")));

pub(super) const BATADV: LinkUtil = LinkUtil::generic("batadv", None, Some(("batman-adv", "CONFIG_BATMAN_ADV")));

pub(super) const VIRT_WIFI: LinkUtil = LinkUtil::generic("virt_wifi", None, Some(("virt_wifi", "CONFIG_VIRT_WIFI")));

pub(super) const NETKIT: LinkUtil = LinkUtil::generic("netkit", None, Some(("netkit", "CONFIG_NETKIT")));
