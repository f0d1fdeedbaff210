//! Differential tests of the object writes: `link add|set|delete` and
//! `address add|change|replace|delete|flush`. Every case runs once as
//! `/usr/sbin/ip OPTS ARGS` and once as `netns OPTS ARGS`, each in a fresh
//! private namespace set (see `support/diff.rs`); stdout, stderr and the
//! exit status must be byte-identical, and so must the *state* afterwards,
//! read back by `post` with iproute2's own `ip -j` dumps.
//!
//! Random MACs (vxlan, macvlan, a veth without `address`) are masked in
//! `post` with `LINKS_M`; wherever MACs matter the cases fix them.
//!
//! ```text
//! cargo test --test integration objects_write::
//! ```

use crate::support::diff::{self, Case, cases};

/// Every case here writes an iproute2 object: iproute2 runs `ip OPTS ARGS`,
/// without the `netns` object word.
fn case() -> Case {
    diff::case().object()
}

/// The links of the namespace, with every detail iproute2 shows.
const LINKS: &str = "ip -j -d link show";
/// The same with every MAC-shaped value masked (random MACs).
const LINKS_M: &str = "ip -j -d link show | sed -E 's/[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}/M/g'";
/// The links of the peer namespace (veth peers).
const PEER: &str = "ip -j -d link show; ip -n peerns -j -d link show";
/// The addresses.
const ADDRS: &str = "ip -j addr show";

const PEERNS: &str = "ip netns add peerns";
/// A veth pair with fixed MACs, down.
const VETH: &str = "ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02";
/// A bridge with a fixed MAC.
const BR: &str = "ip link add br0 address 02:00:00:00:00:10 type bridge";
/// A veth pair and a bridge.
const VETH_BR: &str = "ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02; \
                       ip link add br0 address 02:00:00:00:00:10 type bridge";
/// A bridge with IPv4 and IPv6 addresses.
const BR_ADDRS: &str = "ip link add br0 address 02:00:00:00:00:10 type bridge; \
                        ip addr add 10.0.0.1/24 dev br0; ip addr add 10.0.0.2/24 dev br0; \
                        ip addr add 10.1.0.1/16 dev br0 scope link; ip addr add 2001:db8::1/64 dev br0 nodad; \
                        ip addr add 10.9.0.1/24 dev lo";

/// Alternative names (`link property`): what the kernel has after the
/// command, and `v0` looked up by its alternative name.
const ALT: &str = "ip -j link show; ip link show a0";
const ALT_SET: &str = "ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02; \
                       ip link property add dev v0 altname a0";

const MISSING_KIND: &str = "docs/compat.md: a missing link kind gets a second line naming the kernel support";

cases! {
    // ------------------------------------------------------------ link add: veth
    veth_pair => case().args(&["link", "add", "v0", "address", "02:00:00:00:00:01", "type", "veth", "peer", "name", "v1",
        "address", "02:00:00:00:00:02"]).post(LINKS);
    veth_peer_in_named_netns => case().setup(PEERNS).args(&["link", "add", "v0", "address", "02:00:00:00:00:01", "type",
        "veth", "peer", "name", "v1", "netns", "peerns", "address", "02:00:00:00:00:02"]).post(PEER);
    veth_peer_in_pid_netns => case().setup("ip netns add peerns; spawn_in peerns").args(&["link", "add", "v0", "address",
        "02:00:00:00:00:01", "type", "veth", "peer", "name", "v1", "netns", "$P", "address", "02:00:00:00:00:02"])
        .post(PEER);
    veth_both_ends_elsewhere => case().setup("ip netns add peerns; ip netns add other").args(&["link", "add", "v0",
        "netns", "other", "address", "02:00:00:00:00:01", "type", "veth", "peer", "name", "v1", "netns", "peerns",
        "address", "02:00:00:00:00:02"]).post("ip -n other -j -d link show; ip -n peerns -j -d link show; ip -j link show");
    veth_peer_netns_missing => case().setup(PEERNS).args(&["link", "add", "v0", "type", "veth", "peer", "name", "v1",
        "netns", "nope"]).post(PEER);
    veth_peer_pid_missing => case().args(&["link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", "999999"])
        .post(LINKS);
    veth_peer_up_mtu => case().args(&["link", "add", "v0", "mtu", "1400", "up", "address", "02:00:00:00:00:01", "type",
        "veth", "peer", "name", "v1", "mtu", "1300", "address", "02:00:00:00:00:02"]).post(LINKS);
    veth_without_peer_word => case().args(&["link", "add", "v0", "type", "veth", "name", "v1"]).post(LINKS);
    veth_peer_with_type => case().args(&["link", "add", "v0", "type", "veth", "peer", "name", "v1", "type", "veth"])
        .post(LINKS);
    veth_exists => case().setup(VETH).args(&["link", "add", "v0", "type", "veth", "peer", "name", "v9"]).post(LINKS);
    veth_peer_name_taken => case().setup(VETH).args(&["link", "add", "v5", "type", "veth", "peer", "name", "v1"])
        .post(LINKS);

    // ------------------------------------------------------------ link add: bridge, vxlan, macvlan
    bridge_add => case().args(&["link", "add", "br0", "type", "bridge"]).post(LINKS_M);
    bridge_add_dev_keyword_mtu => case().args(&["link", "add", "dev", "br0", "mtu", "1400", "address",
        "02:00:00:00:00:10", "type", "bridge"]).post(LINKS);
    bridge_add_in_netns => case().setup(PEERNS).args(&["link", "add", "br0", "netns", "peerns", "address",
        "02:00:00:00:00:10", "type", "bridge"]).post(PEER);
    bridge_replace_existing => case().setup(BR).args(&["link", "replace", "br0", "mtu", "1300", "type", "bridge"])
        .post(LINKS);
    vxlan_basic => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789"]).post(LINKS_M);
    vxlan_default_port_warning => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "42"]).post(LINKS_M);
    vxlan_local_remote => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "7", "local", "10.0.0.1",
        "remote", "10.0.0.2", "dstport", "4789", "ttl", "64", "nolearning"]).post(LINKS_M);
    vxlan_ipv6 => case().args(&["link", "add", "vx0", "type", "vxlan", "vni", "9", "local", "2001:db8::1", "remote",
        "2001:db8::2", "dstport", "4789"]).post(LINKS_M);
    vxlan_group_dev => case().setup(BR).args(&["link", "add", "vx0", "type", "vxlan", "id", "7", "group", "239.1.1.1",
        "dev", "br0", "dstport", "4789"]).post(LINKS_M);
    vxlan_group_without_dev => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "7", "group", "239.1.1.1",
        "dstport", "4789"]).post(LINKS_M);
    vxlan_missing_id => case().args(&["link", "add", "vx0", "type", "vxlan", "dstport", "4789"]).post(LINKS_M);
    vxlan_id_too_big => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "16777216"]).post(LINKS_M);
    vxlan_remote_is_multicast => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "1", "remote",
        "239.1.1.1"]).post(LINKS_M);
    vxlan_unknown_option => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "1", "bogus"]).post(LINKS_M);
    vxlan_duplicate_id => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "1", "id", "2"]).post(LINKS_M);
    vxlan_bad_address => case().args(&["link", "add", "vx0", "type", "vxlan", "id", "1", "local", "10.0.0.999"])
        .post(LINKS_M);
    macvlan_bridge => case().setup(BR).args(&["link", "add", "m0", "link", "br0", "type", "macvlan", "mode", "bridge"])
        .post(LINKS_M);
    macvlan_vepa_with_mac => case().setup(BR).args(&["link", "add", "link", "br0", "m0", "address",
        "02:00:00:00:00:20", "type", "macvlan", "mode", "vepa"]).post(LINKS);
    macvlan_private_source => case().setup(BR).args(&["link", "add", "m0", "link", "br0", "type", "macvlan", "mode",
        "source"]).post(LINKS_M);
    macvlan_bad_mode => case().setup(BR).args(&["link", "add", "m0", "link", "br0", "type", "macvlan", "mode", "foo"])
        .post(LINKS_M);
    macvlan_nopromisc_needs_passthru => case().setup(BR).args(&["link", "add", "m0", "link", "br0", "type", "macvlan",
        "mode", "bridge", "nopromisc"]).post(LINKS_M);
    macvlan_without_lower => case().args(&["link", "add", "m0", "type", "macvlan", "mode", "bridge"]).post(LINKS_M);
    macvlan_lower_missing => case().args(&["link", "add", "m0", "link", "nope", "type", "macvlan"]).post(LINKS_M);

    // ------------------------------------------------------------ link add: bad input
    add_name_too_long => case().args(&["link", "add", "name", "abcdefghijklmnop", "type", "bridge"]).post(LINKS_M);
    add_dev_too_long => case().args(&["link", "add", "abcdefghijklmnop", "type", "bridge"]).post(LINKS_M);
    add_name_with_slash => case().args(&["link", "add", "name", "a/b", "type", "bridge"]).post(LINKS_M);
    add_without_type => case().args(&["link", "add", "foo"]).post(LINKS_M);
    add_name_and_dev => case().args(&["link", "add", "dev", "a", "name", "b", "type", "bridge"]).post(LINKS_M);
    add_bad_mtu => case().args(&["link", "add", "br0", "mtu", "12x", "type", "bridge"]).post(LINKS_M);
    add_bad_mac => case().args(&["link", "add", "br0", "address", "02:zz:00:00:00:01", "type", "bridge"])
        .post(LINKS_M);
    add_duplicate_mtu => case().args(&["link", "add", "br0", "mtu", "1400", "mtu", "1300", "type", "bridge"])
        .post(LINKS_M);
    add_incomplete => case().args(&["link", "add", "br0", "mtu"]).post(LINKS_M);
    add_netns_missing => case().args(&["link", "add", "br0", "netns", "nope", "type", "bridge"]).post(LINKS_M);
    add_dummy_missing_kind => case().args(&["link", "add", "d0", "type", "dummy"]).post(LINKS).diverges(MISSING_KIND);
    add_vlan_missing_kind => case().setup(BR).args(&["link", "add", "link", "br0", "name", "br0.5", "type", "vlan",
        "id", "5"]).post(LINKS).diverges(MISSING_KIND);

    // ------------------------------------------------------------ link set
    set_up_mtu => case().setup(VETH).args(&["link", "set", "v0", "up", "mtu", "1400"]).post(LINKS);
    set_dev_down => case().setup(&format!("{VETH}; ip link set v0 up")).args(&["link", "set", "dev", "v0", "down"])
        .post(LINKS);
    set_several => case().setup(VETH_BR).args(&["link", "set", "v0", "mtu", "1300", "alias", "uplink", "address",
        "02:00:00:00:00:09", "master", "br0", "txqueuelen", "500"]).post(LINKS);
    set_nomaster => case().setup(&format!("{VETH_BR}; ip link set v0 master br0"))
        .args(&["link", "set", "v0", "nomaster"]).post(LINKS);
    set_master_missing => case().setup(VETH).args(&["link", "set", "v0", "master", "nope"]).post(LINKS);
    set_master_not_a_bridge => case().setup(VETH).args(&["link", "set", "v0", "master", "v1"]).post(LINKS);
    set_netns_name => case().setup(&format!("{PEERNS}; {VETH}")).args(&["link", "set", "v1", "netns", "peerns"])
        .post(PEER);
    set_netns_missing => case().setup(VETH).args(&["link", "set", "v1", "netns", "nope"]).post(LINKS);
    set_name => case().setup(VETH).args(&["link", "set", "v0", "name", "uplink0"]).post(LINKS);
    set_name_too_long => case().setup(VETH).args(&["link", "set", "v0", "name", "abcdefghijklmnop"]).post(LINKS);
    set_name_taken => case().setup(VETH).args(&["link", "set", "v0", "name", "v1"]).post(LINKS);
    set_address => case().setup(VETH).args(&["link", "set", "v0", "address", "02:00:00:00:00:aa"]).post(LINKS);
    set_address_wrong_length => case().setup(VETH).args(&["link", "set", "v0", "address", "02:00:00"]).post(LINKS);
    set_address_invalid => case().setup(VETH).args(&["link", "set", "v0", "address", "zz"]).post(LINKS);
    set_alias_then_flags => case().setup(VETH).args(&["link", "set", "v0", "alias", "a b", "arp", "off", "promisc",
        "on", "multicast", "off"]).post(LINKS);
    set_arp_bad_value => case().setup(VETH).args(&["link", "set", "v0", "arp", "maybe"]).post(LINKS);
    set_carrier_bad_value => case().setup(VETH).args(&["link", "set", "v0", "carrier", "x"]).post(LINKS);
    set_mtu_not_a_number => case().setup(VETH).args(&["link", "set", "v0", "mtu", "abc"]).post(LINKS);
    set_mtu_too_big => case().setup(VETH).args(&["link", "set", "v0", "mtu", "99999"]).post(LINKS);
    set_mtu_negative => case().setup(VETH).args(&["link", "set", "v0", "mtu", "-1"]).post(LINKS);
    set_unknown_device => case().setup(VETH).args(&["link", "set", "nope", "up"]).post(LINKS);
    set_without_device => case().setup(VETH).args(&["link", "set", "up"]).post(LINKS);
    set_two_devices => case().setup(VETH).args(&["link", "set", "v0", "v1", "up"]).post(LINKS);
    set_index_not_moving => case().setup(VETH).args(&["link", "set", "v0", "index", "9"]).post(LINKS);
    set_vxlan_ttl => case().args(&["link", "add", "vx0", "address", "02:00:00:00:00:30", "type", "vxlan", "id", "3",
        "dstport", "4789"]).post("ip link set vx0 type vxlan ttl 9 && ip -j -d link show");

    // ------------------------------------------------------------ link delete
    del_veth => case().setup(VETH).args(&["link", "del", "v0"]).post(LINKS);
    del_dev_keyword => case().setup(VETH_BR).args(&["link", "delete", "dev", "br0"]).post(LINKS);
    del_missing => case().setup(VETH).args(&["link", "del", "nope"]).post(LINKS);
    del_without_device => case().args(&["link", "del"]).post(LINKS);
    link_help => case().args(&["link", "help"]);
    link_help_veth => case().args(&["link", "help", "veth"]);
    link_help_bridge => case().args(&["link", "help", "bridge"]);
    link_help_vxlan => case().args(&["link", "help", "vxlan"]);
    link_help_dummy_absent_here => case().args(&["link", "help", "dummy"]);
    link_help_unknown_kind => case().args(&["link", "help", "nosuch"]);

    // ------------------------------------------------------------ address add / delete
    addr_add_v4 => case().setup(BR).args(&["address", "add", "10.0.0.1/24", "dev", "br0"]).post(ADDRS);
    addr_add_brd_plus => case().setup(BR).args(&["addr", "add", "10.0.0.1/24", "broadcast", "+", "dev", "br0"])
        .post(ADDRS);
    addr_add_brd_explicit_label_scope => case().setup(BR).args(&["address", "add", "10.0.0.1/24", "brd", "10.0.0.127",
        "dev", "br0", "label", "br0:one", "scope", "link"]).post(ADDRS);
    addr_add_v6_nodad_noprefixroute => case().setup(BR).args(&["addr", "add", "2001:db8::5/64", "dev", "br0", "nodad",
        "noprefixroute"]).post(ADDRS);
    addr_add_peer => case().setup(BR).args(&["addr", "add", "10.0.0.1", "peer", "10.0.0.2/32", "dev", "br0"])
        .post(ADDRS);
    addr_add_metric_netmask => case().setup(BR).args(&["addr", "add", "10.2.0.1/255.255.0.0", "dev", "br0", "metric",
        "50"]).post("ip -j addr show; ip -j route show table all");
    addr_add_loopback_scope => case().args(&["addr", "add", "127.0.0.2/8", "dev", "lo"]).post(ADDRS);
    addr_add_legacy_short_ipv4 => case().setup(BR).args(&["addr", "add", "10.8/16", "dev", "br0"]).post(ADDRS);
    addr_add_exists => case().setup(BR_ADDRS).args(&["addr", "add", "10.0.0.1/24", "dev", "br0"]).post(ADDRS);
    addr_add_prefix_too_long => case().setup(BR).args(&["addr", "add", "10.0.0.1/33", "dev", "br0"]).post(ADDRS);
    addr_add_bad_address => case().setup(BR).args(&["addr", "add", "10.0.0.300/24", "dev", "br0"]).post(ADDRS);
    addr_add_family_mismatch => case().setup(BR).opts(&["-4"]).args(&["addr", "add", "2001:db8::1/64", "dev", "br0"])
        .post(ADDRS);
    addr_add_peer_family_mismatch => case().setup(BR).args(&["addr", "add", "10.0.0.1", "peer", "2001:db8::1",
        "dev", "br0"]).post(ADDRS);
    addr_add_without_dev => case().setup(BR).args(&["addr", "add", "10.0.0.1/24"]).post(ADDRS);
    addr_add_unknown_dev => case().setup(BR).args(&["addr", "add", "10.0.0.1/24", "dev", "nope"]).post(ADDRS);
    addr_add_v6_broadcast => case().setup(BR).args(&["addr", "add", "2001:db8::1/64", "brd", "+", "dev", "br0"])
        .post(ADDRS);
    addr_add_bad_scope => case().setup(BR).args(&["addr", "add", "10.0.0.1/24", "dev", "br0", "scope", "galaxy"])
        .post(ADDRS);
    addr_add_readonly_flag => case().setup(BR).args(&["addr", "add", "10.0.0.1/24", "dev", "br0", "permanent"])
        .post(ADDRS);
    addr_add_v6_flag_on_v4 => case().setup(BR).args(&["addr", "add", "10.0.0.1/24", "dev", "br0", "nodad"])
        .post(ADDRS);
    addr_add_valid_lft_zero => case().setup(BR).args(&["addr", "add", "10.0.0.1/24", "dev", "br0", "valid_lft", "0"])
        .post(ADDRS);
    addr_add_two_locals => case().setup(BR).args(&["addr", "add", "10.0.0.1/24", "10.0.0.2/24", "dev", "br0"])
        .post(ADDRS);
    addr_replace => case().setup(BR_ADDRS).args(&["addr", "replace", "10.0.0.1/24", "dev", "br0", "label", "br0:r"])
        .post(ADDRS);
    addr_change_missing => case().setup(BR).args(&["addr", "change", "10.0.0.1/24", "dev", "br0"]).post(ADDRS);
    addr_del => case().setup(BR_ADDRS).args(&["addr", "del", "10.0.0.2/24", "dev", "br0"]).post(ADDRS);
    addr_del_v6 => case().setup(BR_ADDRS).args(&["addr", "del", "2001:db8::1/64", "dev", "br0"]).post(ADDRS);
    addr_del_wildcard_warning => case().setup(BR_ADDRS).args(&["addr", "del", "10.1.0.1", "dev", "br0"]).post(ADDRS);
    addr_del_missing => case().setup(BR_ADDRS).args(&["addr", "del", "10.5.0.1/24", "dev", "br0"]).post(ADDRS);
    addr_help => case().args(&["address", "help"]);

    // ------------------------------------------------------------ address flush
    flush_dev => case().setup(BR_ADDRS).args(&["addr", "flush", "dev", "br0"]).post(ADDRS);
    flush_dev_stats => case().setup(BR_ADDRS).opts(&["-s"]).args(&["addr", "flush", "dev", "br0"]).post(ADDRS);
    flush_nothing_stats => case().setup(BR).opts(&["-s"]).args(&["addr", "flush", "dev", "br0"]).post(ADDRS);
    flush_v4_only => case().setup(BR_ADDRS).opts(&["-4"]).args(&["addr", "flush", "dev", "br0"]).post(ADDRS);
    flush_v6_only => case().setup(BR_ADDRS).opts(&["-6"]).args(&["addr", "flush", "dev", "br0"]).post(ADDRS);
    flush_scope => case().setup(BR_ADDRS).args(&["addr", "flush", "dev", "br0", "scope", "link"]).post(ADDRS);
    flush_to_prefix => case().setup(BR_ADDRS).args(&["addr", "flush", "to", "10.0.0.0/8"]).post(ADDRS);
    flush_label => case().setup(BR_ADDRS).args(&["addr", "flush", "label", "b*"]).post(ADDRS);
    flush_without_args => case().setup(BR_ADDRS).args(&["addr", "flush"]).post(ADDRS);
    flush_unknown_dev => case().setup(BR_ADDRS).args(&["addr", "flush", "dev", "nope"]).post(ADDRS);
    flush_bad_scope => case().setup(BR_ADDRS).args(&["addr", "flush", "dev", "br0", "scope", "x"]).post(ADDRS);

    // ------------------------------------------------------------ batch files
    batch_link_and_address => case().setup(PEERNS).file("/tmp/b", "link add v0 address 02:00:00:00:00:01 type veth \
        peer name v1 netns peerns address 02:00:00:00:00:02\nlink set v0 up mtu 1400\naddress add 10.0.0.1/24 dev v0\n")
        .opts(&["-b", "/tmp/b"]).post("ip -j addr show; ip -n peerns -j link show");
    batch_stops_at_failure => case().setup(BR).file("/tmp/b", "address add 10.0.0.1/24 dev br0\nlink set nope up\n\
        address add 10.0.0.2/24 dev br0\n").opts(&["-b", "/tmp/b"]).post(ADDRS);
    batch_force_goes_on => case().setup(BR).file("/tmp/b", "address add 10.0.0.1/24 dev br0\nlink set nope up\n\
        address add 10.0.0.2/24 dev br0\n").opts(&["-force", "-b", "/tmp/b"]).post(ADDRS);

    // ------------------------------------------------- link property altname
    altname_add => case().setup(VETH).args(&["link", "property", "add", "dev", "v0", "altname", "uplink0"]).post(ALT);
    altname_add_two_without_dev_word => case().setup(VETH).args(&["link", "property", "add", "v0", "altname", "a0",
        "altname", "averyveryverylongalternativename0"]).post(ALT);
    altname_add_abbreviated => case().setup(VETH).args(&["link", "prop", "a", "v0", "alt", "a0"]).post(ALT);
    altname_add_duplicate => case().setup(ALT_SET).args(&["link", "property", "add", "dev", "v0", "altname", "a0"])
        .post(ALT);
    altname_add_one_new_one_taken => case().setup(ALT_SET).args(&["link", "property", "add", "dev", "v0", "altname",
        "b0", "altname", "a0"]).post(ALT);
    altname_add_a_link_name => case().setup(VETH).args(&["link", "property", "add", "dev", "v0", "altname", "v1"])
        .post(ALT);
    altname_add_too_long => case().setup(VETH).args(&["link", "property", "add", "dev", "v0", "altname",
        "a123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"])
        .post(ALT);
    altname_bad_name => case().setup(VETH).args(&["link", "property", "add", "dev", "v0", "altname", "a b"]).post(ALT);
    altname_bad_name_slash => case().setup(VETH).args(&["link", "property", "add", "dev", "v0", "altname", "a/b"])
        .post(ALT);
    altname_bad_dev => case().setup(VETH).args(&["link", "property", "add", "dev", "v 0", "altname", "a0"]).post(ALT);
    altname_missing_dev => case().setup(VETH).args(&["link", "property", "add", "altname", "a0"]).post(ALT);
    altname_unknown_dev => case().setup(VETH).args(&["link", "property", "add", "dev", "nosuch", "altname", "a0"])
        .post(ALT);
    altname_two_devs => case().setup(VETH).args(&["link", "property", "add", "dev", "v0", "dev", "v1"]).post(ALT);
    altname_missing_value => case().setup(VETH).args(&["link", "property", "add", "dev", "v0", "altname"]).post(ALT);
    altname_no_operator => case().setup(VETH).args(&["link", "property"]).post(ALT);
    altname_bad_operator => case().setup(VETH).args(&["link", "property", "set", "dev", "v0"]).post(ALT);
    altname_help => case().setup(VETH).args(&["link", "property", "add", "dev", "v0", "help"]).post(ALT);
    altname_del => case().setup(ALT_SET).args(&["link", "property", "del", "dev", "v0", "altname", "a0"]).post(ALT);
    altname_del_by_altname => case().setup(ALT_SET).args(&["link", "property", "del", "dev", "a0", "altname", "a0"])
        .post(ALT);
    altname_del_missing => case().setup(VETH).args(&["link", "property", "del", "dev", "v0", "altname", "a0"])
        .post(ALT);
    altname_del_nothing => case().setup(ALT_SET).args(&["link", "property", "del", "dev", "v0"]).post(ALT);
    altname_link_set_by_altname => case().setup(ALT_SET).args(&["link", "set", "a0", "mtu", "1400"]).post(ALT);
    altname_show => case().setup(ALT_SET).args(&["link", "show", "a0"]);
    altname_show_json => case().setup(ALT_SET).opts(&["-j", "-d"]).args(&["link", "show", "dev", "v0"]);
}

/// The line that names the missing kernel support, exactly.
#[test]
fn missing_kind_names_the_kernel_support() {
    require_root!();
    let c = case().args(&["link", "add", "d0", "type", "dummy"]).post(LINKS).object().named("missing_kind_text");
    let (ip, ours) = diff::run_both(&c, std::path::Path::new(crate::support::netns())).expect("run");
    assert_eq!(ip.stderr, "Error: Unknown device type.\n");
    assert_eq!(
        ours.stderr,
        "Error: Unknown device type.\nError: this kernel has no \"dummy\" link type (module dummy / CONFIG_DUMMY).\n"
    );
    assert_eq!((ip.status, ours.status), (2, 2));
    assert_eq!(ip.post, ours.post, "nothing may be created");
}

/// A kind netns has no option parser for, with options: the kernel is
/// asked (in a throw-away namespace) whether it has the kind at all.
#[test]
fn missing_kind_with_options_is_reported_before_anything_is_sent() {
    require_root!();
    let c =
        case().setup(BR).args(&["link", "add", "link", "br0", "name", "br0.5", "type", "vlan", "id", "5"]).post(LINKS);
    let (ip, ours) =
        diff::run_both(&c.object().named("vlan_text"), std::path::Path::new(crate::support::netns())).expect("run");
    assert_eq!(ip.stderr, "Error: Unknown device type.\n");
    assert!(
        ours.stderr.ends_with("Error: this kernel has no \"vlan\" link type (module 8021q / CONFIG_VLAN_8021Q).\n")
    );
    assert_eq!((ip.status, ours.status), (2, 2));
    assert_eq!(ip.post, ours.post);
}

#[test]
fn enough_cases() {
    assert!(all_cases().len() >= 40);
}
