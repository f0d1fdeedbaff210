//! Differential tests for `link show` and `address show`: each case runs
//! `/usr/sbin/ip OPTS ARGS` and `netns OPTS ARGS` in fresh private
//! namespaces after the same setup (done with the real `ip`), and compares
//! stdout, stderr and exit status byte for byte. See `support/diff.rs`.
//!
//! Setups fix every MAC address and keep links that would send traffic on
//! their own (IPv6 DAD, router solicitations) down or without IPv6, so
//! counters and addresses are the same on both sides. Bridges stay down
//! under `-d`: a running bridge's gc_timer ticks between the two runs.
//!
//! ```text
//! cargo test --test integration objects_show::
//! cargo test --test integration objects_show::aa_self_check -- --ignored   # A/A check
//! ```

use crate::support::diff::{self, case, cases};

/// lo up; a veth pair (v0 up, v1 in bridge br0); vxlan over v0; macvlan
/// on v0; IPv4 and IPv6 addresses with labels and flags.
const LAB: &str = "ip link set lo up; \
    ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02; \
    ip link add br0 address 02:00:00:00:00:03 type bridge; \
    ip link set v1 master br0; ip link set v0 up; \
    ip link add vx0 address 02:00:00:00:00:04 type vxlan id 42 local 10.0.0.1 remote 10.0.0.2 dstport 4789 dev v0; \
    ip link add mv0 link v0 address 02:00:00:00:00:05 type macvlan mode bridge; \
    ip addr add 10.0.0.1/24 dev v0; \
    ip addr add 10.0.0.9/24 brd + dev v0 label v0:1; \
    ip addr add 2001:db8::1/64 dev v0 noprefixroute";

/// Named namespaces a and b; a veth between them, another from the test's
/// own namespace into a; in a: a bridge (STP on) with a port, vxlans over
/// IPv4 and IPv6 groups, macvlans in three modes, an alias and an altname,
/// a peer address and a metric.
const NETS: &str = "ip netns add a; ip netns add b; \
    ip link add va address 02:00:00:00:01:01 netns a type veth peer name vb address 02:00:00:00:01:02 netns b; \
    ip link add vr address 02:00:00:00:01:03 type veth peer name vx address 02:00:00:00:01:04 netns a; \
    ip -n a link set va up; \
    ip -n a addr add 192.0.2.1 peer 192.0.2.2/32 dev va; \
    ip -n a addr add 198.51.100.1/24 dev va metric 50; \
    ip -n a link set va alias 'the uplink'; \
    ip -n a link property add dev va altname uplink0; \
    ip -n a link add br1 address 02:00:00:00:01:05 type bridge stp_state 1 group_fwd_mask 8; \
    ip -n a link add vx6 address 02:00:00:00:01:06 type vxlan id 7 group ff05::1 dev va dstport 4790 ttl 5 tos 0x10 nolearning; \
    ip -n a link add vx4 address 02:00:00:00:01:07 type vxlan id 8 group 239.1.1.1 dev va dstport 0 ageing 0 local 192.0.2.1 udp6zerocsumtx; \
    ip -n a link add mvp link va address 02:00:00:00:01:08 type macvlan mode private; \
    ip -n a link add mvs link va address 02:00:00:00:01:09 type macvlan mode source macaddr add 02:00:00:00:01:99; \
    ip -n a link add mvv link va address 02:00:00:00:01:0a type macvlan mode vepa; \
    ip -n a link set vx master br1; \
    ip -n a link set dev vx type bridge_slave cost 5 priority 3 hairpin on learning off; \
    ip -n a link set mvp mtu 1400; \
    ip -n a addr add 2001:db8:1::1/64 dev mvp nodad; \
    ip -n a addr add 10.9.9.9/8 dev mvp scope link";

/// Traffic with known counts: no IPv6 (so nothing is sent on its own), a
/// veth into namespace b, one UDP datagram to the far end (ARP request and
/// reply, the datagram, the ICMP port-unreachable back).
const TRAFFIC: &str = "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; \
    ip netns add b; ip netns exec b sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; \
    ip link add t0 address 02:00:00:00:02:01 type veth peer name t1 address 02:00:00:00:02:02 netns b; \
    ip addr add 10.1.0.1/24 dev t0; ip -n b addr add 10.1.0.2/24 dev t1; \
    ip link set t0 up; ip -n b link set t1 up; \
    n=0; until ip link show t0 | grep -q 'state UP'; do n=$((n+1)); [ $n -lt 500 ]; sleep 0.01; done; \
    bash -c 'echo x > /dev/udp/10.1.0.2/9'; sleep 0.2";

/// Alternative names (one too long for IFLA_IFNAME), a deprecated IPv6
/// address (preferred lifetime 0), a secondary IPv4 address.
const ALT: &str = "ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02; \
    ip link property add dev v0 altname averyveryverylongname0; \
    ip link property add dev v0 altname short0; \
    ip addr add 2001:db8::5/64 dev v0 preferred_lft 0 nodad; \
    ip addr add 10.0.0.1/24 dev v0; ip addr add 10.0.0.2/24 dev v0";

/// The less common settings of each kind: vxlan external and over IPv6
/// with every flag iproute2 prints, macvlan passthru/nopromisc, macvtap,
/// bridge multicast/netfilter knobs, bridge port flags and group mask.
const KINDS: &str = "ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02; \
    ip link add vxe address 02:00:00:00:00:03 type vxlan external dstport 4789; \
    ip link add vx6 address 02:00:00:00:00:04 type vxlan id 9 local 2001:db8::1 remote 2001:db8::2 dstport 4789 \
        ttl inherit tos inherit flowlabel 0x12 df set l2miss l3miss proxy maxaddr 10 srcport 1000 2000 noudpcsum gbp; \
    ip link add mvpt link v1 address 02:00:00:00:00:05 type macvlan mode passthru nopromisc; \
    ip link add br2 address 02:00:00:00:00:06 type bridge mcast_snooping 0 no_linklocal_learn 1 mcast_querier 1 nf_call_iptables 1; \
    ip link add w0 address 02:00:00:00:00:08 type veth peer name w1 address 02:00:00:00:00:09; \
    ip link add mvt link w0 address 02:00:00:00:00:07 type macvtap mode bridge; \
    ip link set v0 master br2; \
    ip link set v0 type bridge_slave proxy_arp on group_fwd_mask 0x4001 isolated on neigh_suppress on mcast_flood off";

cases! {
    // ------------------------------------------------------------ link show
    link_show_fresh => case().args(&["link", "show"]).object();
    link_bare => case().setup(LAB).args(&["link"]).object();
    link_show => case().setup(LAB).args(&["link", "show"]).object();
    link_list_abbrev => case().setup(LAB).args(&["link", "lst"]).object();
    link_json => case().setup(LAB).opts(&["-j"]).args(&["link", "show"]).object();
    link_json_pretty => case().setup(LAB).opts(&["-j", "-p"]).args(&["link", "show"]).object();
    link_dev => case().setup(LAB).args(&["link", "show", "dev", "v0"]).object();
    link_bare_name => case().setup(LAB).args(&["link", "show", "v1"]).object();
    link_dev_json => case().setup(LAB).opts(&["-j"]).args(&["link", "show", "br0"]).object();
    link_unknown_dev => case().setup(LAB).args(&["link", "show", "dev", "nosuch"]).object();
    link_unknown_dev_json => case().setup(LAB).opts(&["-j"]).args(&["link", "show", "nosuch"]).object();
    link_ifindex_name => case().setup(LAB).args(&["link", "show", "if3"]).object();
    link_two_devs => case().setup(LAB).args(&["link", "show", "v0", "v1"]).object();
    link_dev_missing_value => case().setup(LAB).args(&["link", "show", "dev"]).object();
    link_up => case().setup(LAB).args(&["link", "show", "up"]).object();
    link_up_json => case().setup(LAB).opts(&["-j"]).args(&["link", "show", "up"]).object();
    link_master => case().setup(LAB).args(&["link", "show", "master", "br0"]).object();
    link_master_json => case().setup(LAB).opts(&["-j"]).args(&["link", "show", "master", "br0"]).object();
    link_master_unknown => case().setup(LAB).args(&["link", "show", "master", "nosuch"]).object();
    link_nomaster => case().setup(LAB).args(&["link", "show", "nomaster"]).object();
    link_type_veth => case().setup(LAB).args(&["link", "show", "type", "veth"]).object();
    link_type_bridge_json => case().setup(LAB).opts(&["-j"]).args(&["link", "show", "type", "bridge"]).object();
    link_type_slave => case().setup(LAB).opts(&["-j"]).args(&["link", "show", "type", "bridge_slave"]).object();
    link_dev_and_up => case().setup(LAB).args(&["link", "show", "dev", "v1", "up"]).object();
    link_group => case().setup(LAB).args(&["link", "show", "group", "default"]).object();
    link_oneline => case().setup(LAB).opts(&["-o"]).args(&["link"]).object();
    link_brief => case().setup(LAB).opts(&["-br"]).args(&["link"]).object();
    link_brief_json => case().setup(LAB).opts(&["-br", "-j"]).args(&["link"]).object();

    // ----------------------------------------------------- -d per link kind
    link_details => case().setup(LAB).opts(&["-d"]).args(&["link", "show"]).object();
    link_details_json => case().setup(LAB).opts(&["-d", "-j"]).args(&["link", "show"]).object();
    link_details_pretty => case().setup(LAB).opts(&["-d", "-j", "-p"]).args(&["link", "show"]).object();
    nets_details => case().setup(NETS).opts(&["-n", "a", "-d"]).args(&["link", "show"]).object();
    nets_details_json => case().setup(NETS).opts(&["-n", "a", "-d", "-j", "-p"]).args(&["link"]).object();
    nets_bridge_port => case().setup(NETS).opts(&["-n", "a", "-d"]).args(&["link", "show", "vx"]).object();
    nets_vxlan6 => case().setup(NETS).opts(&["-n", "a", "-d", "-j"]).args(&["link", "show", "vx6"]).object();
    nets_macvlan_source => case().setup(NETS).opts(&["-n", "a", "-d", "-j"]).args(&["link", "show", "mvs"]).object();
    nets_type_macvlan => case().setup(NETS).opts(&["-n", "a"]).args(&["link", "show", "type", "macvlan"]).object();

    // ------------------------------------------ veth peers in other namespaces
    nets_link_netns_named => case().setup(NETS).opts(&["-n", "a"]).args(&["link", "show"]).object();
    nets_link_netns_json => case().setup(NETS).opts(&["-n", "a", "-j"]).args(&["link", "show"]).object();
    nets_link_netnsid => case().setup(NETS).args(&["link", "show"]).object();
    nets_other_side => case().setup(NETS).opts(&["-n", "b", "-j", "-p"]).args(&["link"]).object();

    // ------------------------------------------------------------ counters
    link_stats => case().setup(TRAFFIC).opts(&["-s"]).args(&["link", "show"]).object();
    link_stats_twice => case().setup(TRAFFIC).opts(&["-s", "-s"]).args(&["link", "show"]).object();
    link_stats_json => case().setup(TRAFFIC).opts(&["-s", "-s", "-j"]).args(&["link", "show", "t0"]).object();
    link_stats_human => case().setup(TRAFFIC).opts(&["-s", "-human"]).args(&["link", "show", "t0"]).object();
    addr_stats => case().setup(TRAFFIC).opts(&["-s"]).args(&["address", "show"]).object();
    addr_stats_json => case().setup(TRAFFIC).opts(&["-s", "-j", "-p"]).args(&["address", "show", "t0"]).object();
    link_stats_details => case().setup(TRAFFIC).opts(&["-s", "-d"]).args(&["link", "show"]).object();

    // ------------------------------------------------------------ addresses
    addr_fresh => case().args(&["address"]).object();
    addr_show => case().setup(LAB).args(&["address", "show"]).object();
    addr_abbrev => case().setup(LAB).args(&["addr", "lst"]).object();
    addr_json => case().setup(LAB).opts(&["-j"]).args(&["addr", "show"]).object();
    addr_json_pretty => case().setup(LAB).opts(&["-j", "-p"]).args(&["addr"]).object();
    addr_dev => case().setup(LAB).args(&["addr", "show", "dev", "v0"]).object();
    addr_unknown_dev => case().setup(LAB).args(&["addr", "show", "dev", "nosuch"]).object();
    addr_inet => case().setup(LAB).opts(&["-4"]).args(&["addr", "show"]).object();
    addr_inet6 => case().setup(LAB).opts(&["-6"]).args(&["addr", "show"]).object();
    addr_inet6_json => case().setup(LAB).opts(&["-6", "-j"]).args(&["addr", "show"]).object();
    addr_inet_details => case().setup(LAB).opts(&["-4", "-d"]).args(&["addr", "show"]).object();
    addr_details_json => case().setup(LAB).opts(&["-d", "-j", "-p"]).args(&["addr", "show"]).object();
    addr_scope_host => case().setup(LAB).args(&["addr", "show", "scope", "host"]).object();
    addr_scope_link_json => case().setup(LAB).opts(&["-j"]).args(&["addr", "show", "scope", "link"]).object();
    addr_scope_all => case().setup(LAB).args(&["addr", "show", "scope", "all"]).object();
    addr_scope_bad => case().setup(LAB).args(&["addr", "show", "scope", "bogus"]).object();
    addr_label => case().setup(LAB).args(&["addr", "show", "label", "v0:*"]).object();
    addr_to => case().setup(LAB).args(&["addr", "show", "to", "10.0.0.8/29"]).object();
    addr_to_json => case().setup(LAB).opts(&["-j"]).args(&["addr", "show", "to", "10.0.0.9"]).object();
    addr_to_inet6_sets_family => case().setup(LAB).args(&["addr", "show", "to", "2001:db8::/32"]).object();
    addr_to_short_ipv4 => case().setup(LAB).opts(&["-j"]).args(&["addr", "show", "to", "10/8"]).object();
    addr_to_dotted_mask => case().setup(LAB).args(&["addr", "show", "to", "10.0.0.0/255.255.255.0"]).object();
    addr_to_default => case().setup(LAB).opts(&["-j"]).args(&["addr", "show", "to", "default"]).object();
    addr_to_wrong_family => case().setup(LAB).opts(&["-4"]).args(&["addr", "show", "to", "2001:db8::/32"]).object();
    addr_to_bogus => case().setup(LAB).args(&["addr", "show", "to", "bogus"]).object();
    link_to_not_allowed => case().setup(LAB).args(&["link", "show", "to", "10"]).object();
    addr_inet6_dev_json => case().setup(LAB).opts(&["-6", "-j"]).args(&["addr", "show", "dev", "v0"]).object();
    addr_inet6_master => case().setup(LAB).opts(&["-6", "-j"]).args(&["addr", "show", "master", "br0"]).object();
    addr_flag_filters => case().setup(LAB).args(&["addr", "show", "permanent", "-tentative"]).object();
    addr_up => case().setup(LAB).opts(&["-j"]).args(&["addr", "show", "up"]).object();
    addr_master => case().setup(LAB).args(&["addr", "show", "master", "br0"]).object();
    addr_type => case().setup(LAB).opts(&["-4", "-j"]).args(&["addr", "show", "type", "veth"]).object();
    addr_oneline => case().setup(LAB).opts(&["-o"]).args(&["addr"]).object();
    addr_brief => case().setup(LAB).opts(&["-br"]).args(&["addr"]).object();
    addr_brief_json => case().setup(LAB).opts(&["-br", "-j"]).args(&["addr"]).object();
    kinds_details => case().setup(KINDS).opts(&["-d"]).args(&["link", "show"]).object();
    kinds_details_json => case().setup(KINDS).opts(&["-d", "-j", "-p"]).args(&["link", "show"]).object();
    kinds_numeric => case().setup(KINDS).opts(&["-N", "-d"]).args(&["address", "show"]).object();
    kinds_macvtap => case().setup(KINDS).opts(&["-d"]).args(&["link", "show", "type", "macvtap"]).object();
    alt_short => case().setup(ALT).args(&["link", "show", "short0"]).object();
    alt_long => case().setup(ALT).opts(&["-j"]).args(&["link", "show", "averyveryverylongname0"]).object();
    alt_long_unknown => case().setup(ALT).args(&["link", "show", "averyveryverylongname0xxxxxxxxxxxx"]).object();
    alt_addr => case().setup(ALT).args(&["addr", "show", "dev", "averyveryverylongname0"]).object();
    addr_deprecated => case().setup(ALT).opts(&["-j"]).args(&["addr", "show", "deprecated"]).object();
    addr_secondary => case().setup(ALT).args(&["addr", "show", "secondary"]).object();
    addr_primary_text => case().setup(ALT).args(&["addr", "show", "v0", "primary"]).object();
    batch_link_then_addr => case()
        .setup(LAB)
        .file("/tmp/b", "addr show v0\nlink show lo\naddr show v0\naddr show\n")
        .opts(&["-b", "/tmp/b"])
        .object();
    batch_unknown_dev => case()
        .setup(LAB)
        .file("/tmp/b", "link show lo\nlink show nosuch\naddr show lo\n")
        .opts(&["-force", "-b", "/tmp/b"])
        .object();
    nets_addr => case().setup(NETS).opts(&["-n", "a"]).args(&["addr"]).object();
    nets_addr_json => case().setup(NETS).opts(&["-n", "a", "-j", "-p"]).args(&["addr"]).object();
}

/// iproute2 against itself through the same harness: checks the cases
/// (deterministic setups), not netns. The shared `ipwrap` inserts the
/// `netns` word; object commands need a plain pass-through instead.
#[test]
#[ignore]
fn aa_self_check() {
    require_root!();
    use std::os::unix::fs::PermissionsExt;
    let wrapper = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ipobj-wrap");
    std::fs::write(&wrapper, "#!/bin/sh\nexec /usr/sbin/ip \"$@\"\n").unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cases = all_cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let failures = diff::run_all_with(&cases, &wrapper, 2);
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
