//! Differential tests for `route` and `neighbour`: every case runs once as
//! `/usr/sbin/ip [OPTS] ARGS` and once as `netns [OPTS] ARGS`, each in a
//! fresh private mount+net+pid namespace whose network is built by `setup`
//! with the real `ip`, and stdout, stderr, exit status and the `post`
//! state dump must be byte-identical (see `support/diff.rs`).
//!
//! The setups avoid what differs between two namespaces built the same
//! way: MACs are fixed, IPv6 link-local addresses and DAD are off (their
//! routes appear only when DAD ends), the peer has no IPv6 (its routes
//! would interleave with ours in an order that depends on timing), and
//! neighbour listings hold one entry per family (the kernel's neighbour
//! hash is seeded randomly per namespace) or are sorted.
//!
//! Needs root, `unshare` and `/usr/sbin/ip` (iproute2 6.1).
//!
//! ```text
//! cargo test --test integration objects_route::
//! ```

use crate::support::diff::{Case, case, cases};

/// A veth pair with fixed MACs, v0 addressed in IPv4 and IPv6, and routes
/// of several kinds in the main table and table 100. The kernel adds the
/// local route of an IPv6 address from a work queue, a moment after
/// `ip addr add` returns (`nodad` too): the setup waits for it, or on a busy
/// machine one side's dump has it and the other's not.
const NET: &str = "ip link set lo up; \
    ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02; \
    echo 1 >/proc/sys/net/ipv6/conf/v1/disable_ipv6; \
    ip link set v0 addrgenmode none; \
    ip link set v0 up; ip link set v1 up; \
    ip addr add 10.0.0.1/24 dev v0; ip addr add 2001:db8::1/64 dev v0 nodad; \
    for i in $(seq 500); do ip -6 route show table local 2001:db8::1 | grep -q . && break; sleep 0.01; done; \
    ip route add 192.168.5.0/24 via 10.0.0.2; \
    ip route add 10.9.0.0/16 dev v0 metric 50 proto static; \
    ip route add blackhole 10.10.0.0/16; \
    ip route add table 100 default via 10.0.0.254; \
    ip -6 route add 2001:db8:5::/48 via 2001:db8::2; \
    ip route add 10.20.0.0/16 nexthop via 10.0.0.2 weight 2 nexthop via 10.0.0.3";

/// NET plus one IPv4 and one IPv6 neighbour and a proxy entry.
const NEIGH: &str = "ip link set lo up; \
    ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02; \
    echo 1 >/proc/sys/net/ipv6/conf/v1/disable_ipv6; \
    ip link set v0 addrgenmode none; \
    ip link set v0 up; ip link set v1 up; \
    ip addr add 10.0.0.1/24 dev v0; ip addr add 2001:db8::1/64 dev v0 nodad; \
    for i in $(seq 500); do ip -6 route show table local 2001:db8::1 | grep -q . && break; sleep 0.01; done; \
    ip neigh add 10.0.0.7 lladdr 02:aa:bb:cc:dd:ee dev v0; \
    ip -6 neigh add 2001:db8::9 lladdr 02:00:00:00:00:98 dev v0 router nud stale; \
    ip neigh add proxy 10.0.0.50 dev v0";

/// The whole routing state, both families, with every detail.
const ROUTES: &str = "ip -d -j route show table all";
/// The neighbour state, sorted (dump order is hash order).
const NEIGHS: &str = "ip neigh show | sort; ip neigh show proxy | sort";

fn show(args: &[&str]) -> Case {
    case().object().setup(NET).args(args)
}

fn write(args: &[&str]) -> Case {
    case().object().setup(NET).args(args).post(ROUTES)
}

/// IPv4 PMTU exceptions: this namespace reaches 30 addresses of namespace
/// `b` through router `r`, whose link to `b` has MTU 1300; one 1400-byte
/// datagram to each (DF set: UDP discovers the path MTU by default) makes
/// `r` answer "fragmentation needed", and the kernel here records an
/// exception per destination. Traffic stays between these namespaces.
const PMTU: &str = "ip link set lo up; ip netns add r; ip netns add b; \
    ip link add v0 address 02:00:00:00:00:01 type veth peer name eth0 netns r; \
    ip -n r link add eth1 mtu 1300 type veth peer name eth0 netns b mtu 1300; \
    ip link set v0 addrgenmode none; ip link set v0 up; ip addr add 10.1.0.1/24 dev v0; \
    ip -n r addr add 10.1.0.2/24 dev eth0; ip -n r addr add 10.2.0.1/24 dev eth1; \
    ip -n r link set eth0 up; ip -n r link set eth1 up; ip -n r route add 10.3.0.0/24 via 10.2.0.2; \
    ip netns exec r sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'; \
    ip -n b addr add 10.2.0.2/24 dev eth0; ip -n b link set eth0 up; ip -n b link set lo up; \
    ip -n b route add default via 10.2.0.1; ip route add default via 10.1.0.2; \
    for i in $(seq 1 30); do ip -n b addr add 10.3.0.$i/32 dev lo; done; \
    bash -c 'for i in $(seq 1 30); do printf %1400s x >/dev/udp/10.3.0.$i/9; done'; \
    sleep 0.2; [ \"$(ip route show cache | grep -c 'mtu 1300')\" = 30 ]";

/// What is left of the cache, IPv4 and IPv6.
const CACHE: &str = "ip -4 route show cache; ip -6 route show cache; ip route show cache | wc -l";

fn pmtu(args: &[&str]) -> Case {
    case().object().setup(PMTU).args(args).post(CACHE)
}

fn neigh(args: &[&str]) -> Case {
    case().object().setup(NEIGH).args(args)
}

fn neigh_write(args: &[&str]) -> Case {
    case().object().setup(NEIGH).args(args).post(NEIGHS)
}

cases! {
    // ------------------------------------------------------------ route show
    show_bare => show(&["route"]);
    show_list => show(&["route", "list"]);
    show_abbreviated => show(&["ro", "sh"]);
    show_table_all => show(&["route", "show", "table", "all"]);
    show_table_local => show(&["route", "show", "table", "local"]);
    show_table_100 => show(&["route", "show", "table", "100"]);
    show_table_missing => show(&["route", "show", "table", "101"]);
    show_table_missing_json => show(&["route", "show", "table", "101"]).opts(&["-j"]);
    show_table_bad => show(&["route", "show", "table", "x"]);
    show_json => show(&["route"]).opts(&["-j"]);
    show_json_table_all => show(&["route", "show", "table", "all"]).opts(&["-j"]);
    show_json_pretty => show(&["route", "show", "table", "all"]).opts(&["-j", "-p"]);
    show_v6 => show(&["route"]).opts(&["-6"]);
    show_v6_json => show(&["route", "show"]).opts(&["-6", "-j"]);
    show_v6_local => show(&["route", "show", "table", "local"]).opts(&["-6"]);
    show_v4_all => show(&["route", "show", "table", "all"]).opts(&["-4"]);
    show_dev => show(&["route", "show", "dev", "v0"]);
    show_dev_missing => show(&["route", "show", "dev", "nosuch"]);
    show_scope => show(&["route", "show", "scope", "link"]);
    show_proto => show(&["route", "show", "proto", "kernel"]);
    show_type => show(&["route", "show", "table", "all", "type", "local"]);
    show_root => show(&["route", "show", "root", "10.0.0.0/8"]);
    show_match => show(&["route", "show", "match", "10.9.1.1"]);
    show_exact => show(&["route", "show", "exact", "10.9.0.0/16"]);
    show_default => show(&["route", "show", "default", "table", "all"]);
    show_via => show(&["route", "show", "via", "10.0.0.2"]);
    show_src => show(&["route", "show", "src", "10.0.0.1"]);
    show_details => show(&["route"]).opts(&["-d"]);
    show_numeric => show(&["route", "show", "table", "all"]).opts(&["-N"]);
    show_oneline => show(&["route"]).opts(&["-o"]);
    show_bad_prefix => show(&["route", "show", "10.0.0.0/40"]);
    show_unknown_command => show(&["route", "shw"]);
    show_help => show(&["route", "help"]);

    // ------------------------------------------------------------- route get
    get_via => show(&["route", "get", "192.168.5.3"]);
    get_json => show(&["route", "get", "192.168.5.3"]).opts(&["-j"]);
    get_json_pretty => show(&["route", "get", "10.0.0.9"]).opts(&["-j", "-p"]);
    get_v6 => show(&["route", "get", "2001:db8:5::1"]);
    get_v6_json => show(&["route", "get", "2001:db8:5::1"]).opts(&["-6", "-j"]);
    get_local => show(&["route", "get", "10.0.0.1"]);
    get_broadcast => show(&["route", "get", "10.0.0.255"]);
    get_fibmatch => show(&["route", "get", "fibmatch", "192.168.5.9"]);
    get_prefix_warning => show(&["route", "get", "10.0.0.0/8"]);
    get_from_oif => show(&["route", "get", "10.0.0.7", "from", "10.0.0.1", "oif", "v0"]);
    get_unreachable => show(&["route", "get", "1.1.1.1"]);
    get_no_destination => show(&["route", "get"]);
    get_bad_address => show(&["route", "get", "x"]);
    get_missing_dev => show(&["route", "get", "10.0.0.7", "oif", "nosuch"]);

    // ---------------------------------------------------------- route writes
    add_via => write(&["route", "add", "172.16.0.0/12", "via", "10.0.0.2"]);
    add_exists => write(&["route", "add", "192.168.5.0/24", "via", "10.0.0.2"]);
    add_invalid_gateway => write(&["route", "add", "10.30.0.0/16", "via", "10.1.1.1"]);
    add_onlink => write(&["route", "add", "10.30.0.0/16", "via", "10.1.1.1", "dev", "v0", "onlink"]);
    add_default => write(&["route", "add", "default", "via", "10.0.0.254"]);
    add_default_v6 => write(&["route", "add", "default", "via", "2001:db8::fe"]).opts(&["-6"]);
    add_dev_only => write(&["route", "add", "10.31.0.0/16", "dev", "v0"]);
    add_blackhole => write(&["route", "add", "blackhole", "default", "table", "55"]);
    add_unreachable => write(&["route", "add", "unreachable", "10.32.0.0/16", "metric", "7"]);
    add_prohibit_v6 => write(&["route", "add", "prohibit", "2001:db8:dead::/48"]);
    add_full_spec => write(&["route", "add", "10.40.0.0/16", "dev", "v0", "table", "200", "scope", "link",
                             "src", "10.0.0.1", "proto", "99", "metric", "3"]);
    add_big_table => write(&["route", "add", "10.60.0.0/16", "via", "10.0.0.2", "table", "70000"]);
    add_via_inet6 => write(&["route", "add", "10.61.0.0/16", "via", "inet6", "2001:db8::2", "dev", "v0"]);
    add_ecmp => write(&["route", "add", "10.70.0.0/16", "nexthop", "via", "10.0.0.2", "dev", "v0", "weight", "3",
                        "nexthop", "via", "10.0.0.3"]);
    add_metrics => write(&["route", "add", "10.50.0.0/16", "via", "10.0.0.2", "mtu", "lock", "1400", "advmss",
                           "1300", "rtt", "100ms", "hoplimit", "9", "initcwnd", "10"]);
    add_v6_pref => write(&["route", "add", "2001:db8:77::/64", "dev", "v0", "metric", "9", "pref", "high"]);
    add_local => write(&["route", "add", "local", "10.71.0.1", "dev", "v0"]);
    replace_route => write(&["route", "replace", "192.168.5.0/24", "via", "10.0.0.3", "metric", "5"]);
    replace_new => write(&["route", "replace", "10.72.0.0/16", "via", "10.0.0.3"]);
    change_route => write(&["route", "change", "10.9.0.0/16", "dev", "v0", "metric", "50", "proto", "static",
                            "scope", "link", "realms", "5"]);
    append_route => write(&["route", "append", "10.9.0.0/16", "dev", "v0", "metric", "50"]);
    del_route => write(&["route", "del", "192.168.5.0/24"]);
    del_with_dev => write(&["route", "del", "10.9.0.0/16", "dev", "v0"]);
    del_typed => write(&["route", "del", "blackhole", "10.10.0.0/16"]);
    del_v6 => write(&["route", "del", "2001:db8:5::/48"]).opts(&["-6"]);
    del_missing => write(&["route", "del", "10.99.0.0/16"]);
    flush_table => write(&["route", "flush", "table", "100"]);
    flush_needs_args => write(&["route", "flush"]);
    // With IPv4 PMTU exceptions present: iproute2 writes -1 to
    // /proc/sys/net/ipv4/route/flush (the kernel answers deletes of IPv4
    // exceptions with ESRCH); a flush that retried them spun for 31 s.
    flush_cache_with_pmtu_exceptions => pmtu(&["route", "flush", "cache"]);
    flush_cache_v4_with_pmtu_exceptions => pmtu(&["route", "flush", "cache"]).opts(&["-4"]);
    flush_cache_stats_with_pmtu_exceptions => pmtu(&["route", "flush", "cache"]).opts(&["-s"]);
    flush_cached_addr_with_pmtu_exceptions => pmtu(&["route", "flush", "cached", "10.3.0.7"]);
    flush_all_tables_cloned_with_pmtu_exceptions => pmtu(&["route", "flush", "table", "all", "cloned"]).opts(&["-s", "-s"]);
    flush_cache_v6_leaves_v4_exceptions => pmtu(&["route", "flush", "cache"]).opts(&["-6", "-s"]);
    // /proc/sys read-only: the cache flush cannot be written, so the dump
    // still lists IPv4 exceptions whose deletes fail with ESRCH; the flush
    // must end at once (iproute2: "Failed to send flush request").
    flush_cache_that_cannot_progress_ends => case().object()
        .setup(&format!("{PMTU}; mount --bind /proc/sys /proc/sys; mount -o remount,bind,ro /proc/sys"))
        .args(&["route", "flush", "table", "all", "cache"]).opts(&["-s"]).post(CACHE);

    // ----------------------------------------------------- route bad input
    bad_prefix => write(&["route", "add", "10.0.0.0/33", "dev", "v0"]);
    bad_garbage => write(&["route", "add", "1.2.3.0/24", "1.2.4.0/24"]);
    bad_double_via => write(&["route", "add", "1.2.3.0/24", "via", "10.0.0.2", "via", "10.0.0.3"]);
    bad_dev => write(&["route", "add", "1.2.3.0/24", "dev", "nosuch"]);
    bad_v4_gateway_on_v6 => write(&["route", "add", "2001:db8:9::/48", "via", "10.0.0.2"]);
    bad_v4_prefix_under_6 => write(&["route", "add", "10.0.0.0/8", "dev", "v0"]).opts(&["-6"]);
    bad_table => write(&["route", "add", "10.92.0.0/16", "dev", "v0", "table", "foo"]);
    bad_metric => write(&["route", "add", "10.92.0.0/16", "dev", "v0", "metric", "foo"]);
    bad_incomplete => write(&["route", "add", "x"]);
    bad_no_prefix => write(&["route", "add"]);
    bad_missing_value => write(&["route", "add", "10.92.0.0/16", "dev"]);
    bad_nexthop_dev => write(&["route", "add", "10.80.0.0/16", "nexthop", "via", "10.0.0.2", "dev", "nosuch"]);
    bad_nexthop_weight => write(&["route", "add", "10.80.0.0/16", "nexthop", "via", "10.0.0.2", "weight", "0"]);
    bad_nexthop_end => write(&["route", "add", "10.80.0.0/16", "nexthop"]);
    bad_no_device => write(&["route", "add", "10.81.0.0/16"]);

    // -------------------------------------------------------- neighbour show
    neigh_bare => neigh(&["neigh"]);
    neigh_show => neigh(&["neighbour", "show"]);
    neigh_show_json => neigh(&["neigh", "show"]).opts(&["-j"]);
    neigh_show_pretty => neigh(&["neigh", "show"]).opts(&["-j", "-p"]);
    neigh_show_dev => neigh(&["neigh", "show", "dev", "v0"]);
    neigh_show_proxy => neigh(&["neigh", "show", "proxy"]);
    neigh_show_proxy_json => neigh(&["neigh", "show", "proxy"]).opts(&["-j"]);
    neigh_show_permanent => neigh(&["neigh", "show", "nud", "permanent"]);
    neigh_show_v4 => neigh(&["n"]).opts(&["-4"]);
    neigh_show_v6 => neigh(&["neigh", "show"]).opts(&["-6"]);
    neigh_show_to => neigh(&["neigh", "show", "to", "10.0.0.0/29"]);
    neigh_show_brief => neigh(&["neigh"]).opts(&["-br"]);
    neigh_show_dev_missing => neigh(&["neigh", "show", "dev", "nosuch"]);
    neigh_show_dev_twice => neigh(&["neigh", "show", "dev", "v0", "dev", "v1"]);
    neigh_show_bad_nud => neigh(&["neigh", "show", "nud", "bogus"]);
    neigh_unknown_command => neigh(&["neigh", "foo"]);
    neigh_help => neigh(&["neigh", "help"]);
    neigh_get => neigh(&["neigh", "get", "10.0.0.7", "dev", "v0"]);
    neigh_get_json_is_text => neigh(&["neigh", "get", "10.0.0.7", "dev", "v0"]).opts(&["-j"]);
    neigh_get_needs_dev => neigh(&["neigh", "get", "10.0.0.7"]);

    // ------------------------------------------------------ neighbour writes
    neigh_add => neigh_write(&["neigh", "add", "10.0.0.8", "lladdr", "02:00:00:00:00:08", "dev", "v0"]);
    neigh_add_stale_router => neigh_write(&["neigh", "add", "10.0.0.8", "lladdr", "02:00:00:00:00:08", "dev", "v0",
                                             "nud", "stale", "router"]);
    neigh_add_v6 => neigh_write(&["neigh", "add", "2001:db8::80", "lladdr", "02:00:00:00:00:80", "dev", "v0"]);
    neigh_add_exists => neigh_write(&["neigh", "add", "10.0.0.7", "lladdr", "02:aa:bb:cc:dd:ee", "dev", "v0"]);
    neigh_add_proxy => neigh_write(&["neigh", "add", "proxy", "10.0.0.51", "dev", "v0"]);
    neigh_replace => neigh_write(&["neigh", "replace", "10.0.0.7", "lladdr", "02:aa:bb:cc:dd:11", "dev", "v0"]);
    neigh_change_missing => neigh_write(&["neigh", "change", "10.0.0.79", "lladdr", "02:00:00:00:00:01", "dev", "v0"]);
    neigh_del => neigh_write(&["neigh", "del", "10.0.0.7", "dev", "v0"]);
    neigh_del_missing => neigh_write(&["neigh", "del", "10.0.0.99", "dev", "v0"]);
    neigh_del_proxy => neigh_write(&["neigh", "del", "proxy", "10.0.0.50", "dev", "v0"]);
    neigh_flush_dev => neigh_write(&["neigh", "flush", "dev", "v0"]);
    neigh_bad_lladdr => neigh_write(&["neigh", "add", "10.0.0.77", "lladdr", "zz", "dev", "v0"]);
    neigh_bad_dev => neigh_write(&["neigh", "add", "10.0.0.77", "lladdr", "02:00:00:00:00:01", "dev", "nosuch"]);
    neigh_bad_no_dev => neigh_write(&["neigh", "add", "10.0.0.77", "lladdr", "02:00:00:00:00:01"]);
    neigh_bad_address => neigh_write(&["neigh", "add", "x", "lladdr", "02:00:00:00:00:01", "dev", "v0"]);
    neigh_bad_nud => neigh_write(&["neigh", "add", "10.0.0.78", "lladdr", "02:00:00:00:00:01", "dev", "v0",
                                    "nud", "bogus"]);
    neigh_bad_family => neigh_write(&["neigh", "add", "10.0.0.81", "lladdr", "02:00:00:00:00:80", "dev", "v0"])
        .opts(&["-6"]);
    neigh_bad_twice => neigh_write(&["neigh", "add", "10.0.0.85", "10.0.0.86", "dev", "v0"]);
}
