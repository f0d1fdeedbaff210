//! Every key of a lab file, changed on a running lab: `up --plan` shows
//! the change, `up` makes it, and a second `up --plan` finds nothing left
//! (then the file goes back to the base lab and `up` makes that again).
//!
//! The cases are one list, [`CASES`], and the list is checked against the
//! key declarations (src/lab/keys.rs): a declared key without a case, or a
//! case for a key that is not declared, fails
//! `every_declared_key_has_exactly_one_case`. Keys whose change is not
//! something `up` makes (an expectation, a one-shot `exec`) must leave the
//! plan empty; keys this machine's kernel cannot do (netem, 802.1Q, bridge
//! VLAN filtering) are listed with the reason and checked by parsing only.
//! Every case, whatever its kind, must change the parsed lab: a key the
//! parser does not read fails `every_case_changes_the_parsed_lab`.
//!
//! Each case is the base file with one edit, so the cases are independent
//! and run in three groups at once, each in its own private namespaces
//! (tests/integration/support).

use crate::support::lab_script;
use netns::lab::{Source, keys, parse, validate};
use std::collections::BTreeSet;

/// What a changed key does to a running lab.
#[derive(Debug, Clone, Copy)]
enum Then {
    /// `up --plan` shows this line; `up` makes it; nothing differs after.
    Plan(&'static str),
    /// Not something `up` makes: the plan stays empty (why).
    NoChange(&'static str),
    /// This machine cannot run it (why): checked on [`KERNELLESS`] by
    /// parsing only.
    ParseOnly(&'static str),
    /// The key has a single valid value (why): there is nothing to change.
    Fixed(&'static str),
}

use Then::*;

/// One key changed: in the base file, `old` (which must occur once)
/// becomes `new`; an empty `old` appends `new` to the file.
#[derive(Debug, Clone, Copy)]
struct Case {
    /// The table's name in the declarations (`keys::Table::name`).
    table: &'static str,
    key: &'static str,
    old: &'static str,
    new: &'static str,
    then: Then,
}

const fn case(table: &'static str, key: &'static str, old: &'static str, new: &'static str, then: Then) -> Case {
    Case { table, key, old, new, then }
}

/// A lab that sets every key this machine's kernel can do.
const BASE: &str = r#"schema = 1
name = "keys"
ns_prefix = "keys-"
hosts = true

[defaults]
kind = "router"
mtu = 1500
ipv6 = true
sysctl = { "net.ipv4.conf.all.arp_ignore" = 0 }

[host]
allow = true

[nodes.r]
kind = "router"
ipv6 = true
loopback = ["10.255.0.1/32"]
addr = { eth0 = ["10.0.21.1/24"] }
routes = [
  { to = "10.9.0.0/24", dev = "eth0", metric = 10, table = 100 },
  { to = "10.10.0.0/24", via = "10.0.1.2", dev = "eth0", onlink = false },
  { to = "10.11.0.0/24", type = "unreachable" },
  { to = "10.8.0.0/24", nexthops = [ { via = "10.0.1.2", weight = 1 }, { dev = "wan", weight = 2 } ] },
  { for = { j = "1..1" }, to = "10.7.{j}.0/24", via = "10.0.1.2" },
  { to = "10.5.0.0/24", dev = "eth0", scope = "link", src = "10.0.1.1", proto = "zebra", realm = "1/2", mtu = 1300, advmss = 1260, initcwnd = 10, initrwnd = 20 },
]
sysctl = { "net.ipv4.conf.all.log_martians" = 0 }
exec = "true"
exec_down = "true"
etc = { "hosts" = "127.0.0.1 localhost\n" }

[nodes.r.interfaces.eth0]
mtu = 1400
mac = "02:00:00:00:01:01"
sysctl = { proxy_arp = 0 }
addr = ["10.0.31.1/24"]

[nodes.r.interfaces."b{k}"]
for = { k = "1..1" }
type = "bridge"

[[nodes.r.nat]]
type = "masquerade"
out = "eth1"

[[nodes.r.nat]]
type = "dnat"
in = "eth0"
proto = "tcp"
dport = 8080
to = "10.0.2.9:80"

[[nodes.r.nat]]
type = "snat"
src = "10.0.1.0/24"
dst = "10.0.3.0/24"
to = "10.0.2.1"

[nodes.r.firewall]
forward = "accept"
allow = [ { in = "eth1", out = "eth0", proto = "tcp", dport = 22, src = "10.0.2.0/24", dst = "10.0.1.0/24" } ]
nft = "add rule inet netns_lab forward counter"

[[nodes.r.run]]
name = "srv"
cmd = ["python3", "-c", "import socket, time\ns = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 9000)); s.listen(); time.sleep(1000)"]
ready = { tcp = "127.0.0.1:9000", timeout = "5s" }

[nodes.h]
kind = "host"
mtu = 1500
ipv6 = true
gateway = "10.0.1.1"

[nodes.sw]
kind = "switch"
subnet = "10.0.2.0/24"
stp = false

[nodes."x{n}"]
for = { n = "1..1" }

[[links]]
endpoints = ["r:eth0", "h:eth0"]
addr = [["10.0.1.1/24"], ["10.0.1.2/24"]]

[[links]]
endpoints = ["r:eth1", "sw"]
addr = [["10.0.6.1/24"]]

[[links]]
endpoints = ["h:eth1", "sw"]

[[links]]
for = { i = "0..0" }
endpoints = ["x1:eth{i}", "sw"]

[[links]]
endpoints = ["r:wan", "h:wan"]
subnet = "10.0.9.0/30"
mtu = 1400
state = "up"
netem = { rate = "10mbit", limit = 100 }

[[expect]]
for = { e = "1..1" }
from = "h"
to = "r"
proto = "tcp:22"
reach = false
path = []

[[expect]]
from = "h"
to = "10.0.1.1"
rtt_ms = [0, 1000]
ttl = 64
"#;

/// A lab with what this machine's kernel lacks (802.1Q, dummy, bridge VLAN
/// filtering, netem): parsed, never brought up.
const KERNELLESS: &str = r#"schema = 1
name = "kern"

[nodes.r]
kind = "router"

[nodes.r.interfaces."eth0.10"]
type = "vlan"
parent = "eth0"
vid = 10

[nodes.r.interfaces.d0]
type = "dummy"

[nodes.sw]
kind = "switch"
vlan_filtering = true

[nodes.sw2]
kind = "switch"
vlan_filtering = false

[nodes.h]

[[links]]
endpoints = ["r:eth0", "h:eth0"]
netem = { delay = "10ms", jitter = "1ms", correlation = "10%", distribution = "normal", loss = "1%", corrupt = "1%", duplicate = "1%", reorder = "1%", gap = 2, rate = "10mbit", limit = 100 }

[[links]]
endpoints = ["h:eth1", "sw"]
vlan = 10

[[links]]
endpoints = ["r:eth1", "sw"]
vlans = [10, 20]
"#;

const NFT: Then = Plan("~ keys-r: nftables table inet netns_lab");
const NO_VLAN_FILTERING: Then = ParseOnly("this kernel's bridges have no VLAN filtering");
const NO_8021Q: Then = ParseOnly("this kernel has no 802.1Q (vlan) interfaces");
const NO_NETEM: Then = ParseOnly("this kernel has no netem qdisc");
const PROBE: Then = NoChange("expectations are probes for `netns test`: `up` makes nothing for them");
const READY: Then = NoChange("readiness is waited for once, when the process starts");

#[rustfmt::skip]
const CASES: &[Case] = &[
    case("the top level", "schema", "", "", Fixed("1 is the only schema; any other is refused")),
    case("the top level", "name", "name = \"kern\"", "name = \"kern2\"",
        ParseOnly("another name is another lab, which `up` builds beside this one")),
    case("the top level", "ns_prefix", "ns_prefix = \"keys-\"", "ns_prefix = \"kz-\"", Plan("+ namespace kz-r")),
    case("the top level", "hosts", "hosts = true", "hosts = false", Plan("~ keys-h: files in /etc/netns/keys-h/")),
    case("the top level", "defaults",
        "[defaults]\nkind = \"router\"\nmtu = 1500\nipv6 = true\nsysctl = { \"net.ipv4.conf.all.arp_ignore\" = 0 }\n", "",
        Plan("~ keys-x1: sysctl net.ipv4.ip_forward = 0 (was 1)")),
    case("the top level", "host", "[host]\nallow = true\n", "",
        NoChange("nothing acts on [host]: a lab never changes the root namespace")),
    case("the top level", "nodes", "", "\n[nodes.y]\n", Plan("+ namespace keys-y")),
    case("the top level", "links", "", "\n[[links]]\nendpoints = [\"h\", \"x1\"]\n",
        Plan("+ veth keys-h:eth2 — keys-x1:eth1")),
    case("the top level", "expect", "", "\n[[expect]]\nfrom = \"r\"\nto = \"h\"\n", PROBE),

    case("[defaults]", "kind", "kind = \"router\"\nmtu = 1500", "kind = \"host\"\nmtu = 1500",
        Plan("~ keys-x1: sysctl net.ipv4.ip_forward = 0 (was 1)")),
    case("[defaults]", "mtu", "mtu = 1500\nipv6 = true\nsysctl = {", "mtu = 1480\nipv6 = true\nsysctl = {",
        Plan("~ keys-x1: interface eth0 mtu 1480")),
    case("[defaults]", "ipv6", "ipv6 = true\nsysctl = {", "ipv6 = false\nsysctl = {",
        Plan("~ keys-x1: sysctl net.ipv6.conf.all.disable_ipv6 = 1 (was 0)")),
    case("[defaults]", "sysctl", "\"net.ipv4.conf.all.arp_ignore\" = 0", "\"net.ipv4.conf.all.arp_ignore\" = 1",
        Plan("~ keys-x1: sysctl net.ipv4.conf.all.arp_ignore = 1 (was 0)")),

    case("[host]", "allow", "allow = true", "allow = false", NoChange("nothing acts on it")),

    case("[nodes.NAME]", "for", "for = { n = \"1..1\" }", "for = { n = \"1..2\" }", Plan("+ namespace keys-x2")),
    case("[nodes.NAME]", "kind", "[nodes.r]\nkind = \"router\"", "[nodes.r]\nkind = \"host\"",
        Plan("~ keys-r: sysctl net.ipv4.ip_forward = 0 (was 1)")),
    case("[nodes.NAME]", "ipv6", "ipv6 = true\ngateway", "ipv6 = false\ngateway",
        Plan("~ keys-h: sysctl net.ipv6.conf.all.disable_ipv6 = 1 (was 0)")),
    case("[nodes.NAME]", "mtu", "mtu = 1500\nipv6 = true\ngateway", "mtu = 1450\nipv6 = true\ngateway",
        Plan("~ keys-h: interface eth0 mtu 1450")),
    case("[nodes.NAME]", "loopback", "10.255.0.1/32", "10.255.0.2/32", Plan("+ keys-r: address 10.255.0.2/32 on lo")),
    case("[nodes.NAME]", "addr", "10.0.21.1/24", "10.0.22.1/24", Plan("+ keys-r: address 10.0.22.1/24 on eth0")),
    case("[nodes.NAME]", "gateway", "gateway = \"10.0.1.1\"", "gateway = \"10.0.1.3\"",
        Plan("+ keys-h: route default via 10.0.1.3")),
    case("[nodes.NAME]", "routes", "routes = [\n", "routes = [\n  { to = \"10.6.0.0/24\", via = \"10.0.1.2\" },\n",
        Plan("+ keys-r: route 10.6.0.0/24 via 10.0.1.2")),
    case("[nodes.NAME]", "sysctl", "log_martians\" = 0", "log_martians\" = 1",
        Plan("~ keys-r: sysctl net.ipv4.conf.all.log_martians = 1 (was 0)")),
    case("[nodes.NAME]", "interfaces", "[nodes.r.interfaces.eth0]",
        "[nodes.r.interfaces.bx]\ntype = \"bridge\"\n\n[nodes.r.interfaces.eth0]", Plan("+ keys-r: bridge bx")),
    case("[nodes.NAME]", "nat", "", "\n[[nodes.h.nat]]\ntype = \"masquerade\"\nout = \"wan\"\n",
        Plan("~ keys-h: nftables table inet netns_lab")),
    case("[nodes.NAME]", "firewall", "", "\n[nodes.h.firewall]\nforward = \"drop\"\n",
        Plan("~ keys-h: nftables table inet netns_lab")),
    case("[nodes.NAME]", "exec", "exec = \"true\"", "exec = \"true; true\"",
        NoChange("one-shot: runs only in a namespace that `up` makes")),
    case("[nodes.NAME]", "exec_down", "exec_down = \"true\"", "exec_down = \"true; true\"",
        NoChange("runs when `down` removes the lab")),
    case("[nodes.NAME]", "etc", "127.0.0.1 localhost", "127.0.0.2 localhost",
        Plan("~ keys-r: files in /etc/netns/keys-r/")),
    case("[nodes.NAME]", "run", "", "\n[[nodes.h.run]]\ncmd = [\"sleep\", \"1000\"]\n",
        Plan("+ keys-h: start process sleep")),
    case("[nodes.NAME]", "vlan_filtering", "vlan_filtering = false", "vlan_filtering = true", NO_VLAN_FILTERING),
    case("[nodes.NAME]", "stp", "stp = false", "stp = true", Plan("~ keys-sw: bridge br0 stp on")),
    case("[nodes.NAME]", "subnet", "subnet = \"10.0.2.0/24\"", "subnet = \"10.0.5.0/24\"",
        Plan("+ keys-h: address 10.0.5.1/24 on eth1")),

    case("routes", "for", "for = { j = \"1..1\" }", "for = { j = \"1..2\" }",
        Plan("+ keys-r: route 10.7.2.0/24 via 10.0.1.2")),
    case("routes", "to", "to = \"10.9.0.0/24\"", "to = \"10.9.1.0/24\"",
        Plan("+ keys-r: route 10.9.1.0/24 dev eth0 table 100 metric 10")),
    case("routes", "type", "type = \"unreachable\"", "type = \"prohibit\"",
        Plan("+ keys-r: route prohibit 10.11.0.0/24")),
    case("routes", "via", "\"10.10.0.0/24\", via = \"10.0.1.2\"", "\"10.10.0.0/24\", via = \"10.0.1.3\"",
        Plan("+ keys-r: route 10.10.0.0/24 via 10.0.1.3 dev eth0")),
    case("routes", "dev", "dev = \"eth0\", metric", "dev = \"wan\", metric",
        Plan("+ keys-r: route 10.9.0.0/24 dev wan table 100 metric 10")),
    case("routes", "nexthops", "nexthops = [ ", "nexthops = [ { via = \"10.0.9.2\" }, ",
        Plan("+ keys-r: route 10.8.0.0/24 nexthop via 10.0.9.2 weight 1 nexthop via 10.0.1.2 weight 1 nexthop dev wan weight 2")),
    case("routes", "onlink", "onlink = false", "onlink = true",
        Plan("+ keys-r: route 10.10.0.0/24 via 10.0.1.2 dev eth0 onlink")),
    case("routes", "metric", "metric = 10", "metric = 20",
        Plan("+ keys-r: route 10.9.0.0/24 dev eth0 table 100 metric 20")),
    case("routes", "table", "table = 100", "table = 101",
        Plan("+ keys-r: route 10.9.0.0/24 dev eth0 table 101 metric 10")),
    case("routes", "scope", "scope = \"link\"", "scope = \"global\"",
        Plan("+ keys-r: route 10.5.0.0/24 dev eth0 proto zebra scope global src 10.0.1.1 realms 1/2 mtu 1300 advmss 1260 initcwnd 10 initrwnd 20")),
    case("routes", "src", "src = \"10.0.1.1\", proto", "src = \"10.0.6.1\", proto",
        Plan("+ keys-r: route 10.5.0.0/24 dev eth0 proto zebra scope link src 10.0.6.1 realms 1/2 mtu 1300 advmss 1260 initcwnd 10 initrwnd 20")),
    case("routes", "proto", "proto = \"zebra\"", "proto = \"bird\"",
        Plan("+ keys-r: route 10.5.0.0/24 dev eth0 proto bird scope link src 10.0.1.1 realms 1/2 mtu 1300 advmss 1260 initcwnd 10 initrwnd 20")),
    case("routes", "realm", "realm = \"1/2\"", "realm = \"1/3\"",
        Plan("+ keys-r: route 10.5.0.0/24 dev eth0 proto zebra scope link src 10.0.1.1 realms 1/3 mtu 1300 advmss 1260 initcwnd 10 initrwnd 20")),
    case("routes", "mtu", "mtu = 1300", "mtu = 1280",
        Plan("+ keys-r: route 10.5.0.0/24 dev eth0 proto zebra scope link src 10.0.1.1 realms 1/2 mtu 1280 advmss 1260 initcwnd 10 initrwnd 20")),
    case("routes", "advmss", "advmss = 1260", "advmss = 1200",
        Plan("+ keys-r: route 10.5.0.0/24 dev eth0 proto zebra scope link src 10.0.1.1 realms 1/2 mtu 1300 advmss 1200 initcwnd 10 initrwnd 20")),
    case("routes", "initcwnd", "initcwnd = 10", "initcwnd = 12",
        Plan("+ keys-r: route 10.5.0.0/24 dev eth0 proto zebra scope link src 10.0.1.1 realms 1/2 mtu 1300 advmss 1260 initcwnd 12 initrwnd 20")),
    case("routes", "initrwnd", "initrwnd = 20", "initrwnd = 30",
        Plan("+ keys-r: route 10.5.0.0/24 dev eth0 proto zebra scope link src 10.0.1.1 realms 1/2 mtu 1300 advmss 1260 initcwnd 10 initrwnd 30")),

    case("nexthops", "via", "{ via = \"10.0.1.2\", weight = 1 }", "{ via = \"10.0.9.2\", weight = 1 }",
        Plan("+ keys-r: route 10.8.0.0/24 nexthop via 10.0.9.2 weight 1 nexthop dev wan weight 2")),
    case("nexthops", "dev", "{ dev = \"wan\", weight = 2 }", "{ dev = \"eth0\", weight = 2 }",
        Plan("+ keys-r: route 10.8.0.0/24 nexthop via 10.0.1.2 weight 1 nexthop dev eth0 weight 2")),
    case("nexthops", "weight", "weight = 2 }", "weight = 3 }",
        Plan("+ keys-r: route 10.8.0.0/24 nexthop via 10.0.1.2 weight 1 nexthop dev wan weight 3")),

    case("[nodes.NAME.interfaces.IF]", "for", "for = { k = \"1..1\" }", "for = { k = \"1..2\" }",
        Plan("+ keys-r: bridge b2")),
    case("[nodes.NAME.interfaces.IF]", "type", "type = \"dummy\"", "type = \"bridge\"",
        ParseOnly("this kernel has no vlan or dummy interfaces: a bridge is the only type it makes")),
    case("[nodes.NAME.interfaces.IF]", "parent", "parent = \"eth0\"", "parent = \"eth1\"", NO_8021Q),
    case("[nodes.NAME.interfaces.IF]", "vid", "vid = 10", "vid = 11", NO_8021Q),
    case("[nodes.NAME.interfaces.IF]", "addr", "10.0.31.1/24", "10.0.32.1/24",
        Plan("+ keys-r: address 10.0.32.1/24 on eth0")),
    case("[nodes.NAME.interfaces.IF]", "mtu", "mtu = 1400\nmac", "mtu = 1420\nmac",
        Plan("~ keys-r: interface eth0 mtu 1420")),
    case("[nodes.NAME.interfaces.IF]", "mac", "02:00:00:00:01:01", "02:00:00:00:01:02",
        Plan("~ keys-r: interface eth0 address 02:00:00:00:01:02")),
    case("[nodes.NAME.interfaces.IF]", "sysctl", "proxy_arp = 0", "proxy_arp = 1",
        Plan("~ keys-r: sysctl net.ipv4.conf.eth0.proxy_arp = 1 (was 0)")),

    case("[[links]]", "for", "for = { i = \"0..0\" }", "for = { i = \"0..1\" }",
        Plan("+ veth keys-x1:eth1 — keys-sw:x1-eth1")),
    case("[[links]]", "endpoints", "[\"h:eth1\", \"sw\"]", "[\"h:eth3\", \"sw\"]",
        Plan("+ veth keys-h:eth3 — keys-sw:h-eth3")),
    case("[[links]]", "addr", "10.0.6.1/24", "10.0.7.1/24", Plan("+ keys-r: address 10.0.7.1/24 on eth1")),
    case("[[links]]", "subnet", "10.0.9.0/30", "10.0.9.4/30", Plan("+ keys-r: address 10.0.9.5/30 on wan")),
    case("[[links]]", "mtu", "mtu = 1400\nstate", "mtu = 1300\nstate", Plan("~ keys-r: interface wan mtu 1300")),
    case("[[links]]", "state", "state = \"up\"", "state = \"down\"", Plan("~ keys-r: interface wan down")),
    case("[[links]]", "netem", "[\"10.0.1.2/24\"]]", "[\"10.0.1.2/24\"]]\nnetem = { rate = \"5mbit\" }",
        Plan("~ keys-r: rate 5mbit (tbf) on eth0")),
    case("[[links]]", "netem_ab", "[[\"10.0.6.1/24\"]]", "[[\"10.0.6.1/24\"]]\nnetem_ab = { rate = \"20mbit\" }",
        Plan("~ keys-r: rate 20mbit (tbf) on eth1")),
    case("[[links]]", "netem_ba", "[\"h:eth1\", \"sw\"]", "[\"h:eth1\", \"sw\"]\nnetem_ba = { rate = \"30mbit\" }",
        Plan("~ keys-sw: rate 30mbit (tbf) on h-eth1")),
    case("[[links]]", "vlan", "vlan = 10", "vlan = 20", NO_VLAN_FILTERING),
    case("[[links]]", "vlans", "vlans = [10, 20]", "vlans = [10, 30]", NO_VLAN_FILTERING),

    case("netem", "delay", "delay = \"10ms\"", "delay = \"20ms\"", NO_NETEM),
    case("netem", "jitter", "jitter = \"1ms\"", "jitter = \"2ms\"", NO_NETEM),
    case("netem", "correlation", "correlation = \"10%\"", "correlation = \"20%\"", NO_NETEM),
    case("netem", "distribution", "\"normal\"", "\"pareto\"", NO_NETEM),
    case("netem", "loss", "loss = \"1%\"", "loss = \"2%\"", NO_NETEM),
    case("netem", "corrupt", "corrupt = \"1%\"", "corrupt = \"2%\"", NO_NETEM),
    case("netem", "duplicate", "duplicate = \"1%\"", "duplicate = \"2%\"", NO_NETEM),
    case("netem", "reorder", "reorder = \"1%\"", "reorder = \"2%\"", NO_NETEM),
    case("netem", "gap", "gap = 2", "gap = 3", NO_NETEM),
    case("netem", "rate", "rate = \"10mbit\", limit", "rate = \"12mbit\", limit",
        Plan("~ keys-r: rate 12mbit (tbf) on wan")),
    case("netem", "limit", "limit = 100 }", "limit = 50 }", Plan("~ keys-r: rate 10mbit (tbf) on wan")),

    case("[[expect]]", "for", "for = { e = \"1..1\" }", "for = { e = \"1..2\" }", PROBE),
    case("[[expect]]", "from", "from = \"h\"\nto = \"r\"", "from = \"r\"\nto = \"r\"", PROBE),
    case("[[expect]]", "to", "to = \"10.0.1.1\"", "to = \"10.0.1.2\"", PROBE),
    case("[[expect]]", "proto", "proto = \"tcp:22\"", "proto = \"udp:53\"", PROBE),
    case("[[expect]]", "reach", "reach = false", "reach = true", PROBE),
    case("[[expect]]", "rtt_ms", "rtt_ms = [0, 1000]", "rtt_ms = [0, 2000]", PROBE),
    case("[[expect]]", "path", "path = []", "path = [\"r\"]", PROBE),
    case("[[expect]]", "ttl", "ttl = 64", "ttl = 32", PROBE),

    case("[[nodes.NAME.nat]]", "type", "type = \"snat\"", "type = \"dnat\"", NFT),
    case("[[nodes.NAME.nat]]", "in", "in = \"eth0\"\nproto", "in = \"wan\"\nproto", NFT),
    case("[[nodes.NAME.nat]]", "out", "out = \"eth1\"\n", "out = \"wan\"\n", NFT),
    case("[[nodes.NAME.nat]]", "src", "src = \"10.0.1.0/24\"", "src = \"10.0.4.0/24\"", NFT),
    case("[[nodes.NAME.nat]]", "dst", "dst = \"10.0.3.0/24\"", "dst = \"10.0.4.0/24\"", NFT),
    case("[[nodes.NAME.nat]]", "proto", "proto = \"tcp\"\ndport", "proto = \"udp\"\ndport", NFT),
    case("[[nodes.NAME.nat]]", "dport", "dport = 8080", "dport = 8081", NFT),
    case("[[nodes.NAME.nat]]", "to", "to = \"10.0.2.9:80\"", "to = \"10.0.2.9:81\"", NFT),

    case("[nodes.NAME.firewall]", "forward", "forward = \"accept\"", "forward = \"drop\"", NFT),
    case("[nodes.NAME.firewall]", "allow", "allow = [ ", "allow = [ { proto = \"icmp\" }, ", NFT),
    case("[nodes.NAME.firewall]", "nft", "forward counter\"", "forward meta l4proto udp counter\"", NFT),

    case("allow", "in", "{ in = \"eth1\"", "{ in = \"wan\"", NFT),
    case("allow", "out", "out = \"eth0\", proto", "out = \"wan\", proto", NFT),
    case("allow", "proto", "proto = \"tcp\", dport", "proto = \"udp\", dport", NFT),
    case("allow", "dport", "dport = 22,", "dport = 23,", NFT),
    case("allow", "src", "src = \"10.0.2.0/24\"", "src = \"10.0.5.0/24\"", NFT),
    case("allow", "dst", "dst = \"10.0.1.0/24\"", "dst = \"10.0.5.0/24\"", NFT),

    case("[[nodes.NAME.run]]", "cmd", "time.sleep(1000)", "time.sleep(1001)", Plan("+ keys-r: start process srv")),
    case("[[nodes.NAME.run]]", "name", "name = \"srv\"", "name = \"srv2\"", Plan("+ keys-r: start process srv2")),
    case("[[nodes.NAME.run]]", "ready", "ready = { tcp = \"127.0.0.1:9000\", timeout = \"5s\" }\n", "", READY),

    case("ready", "tcp", "127.0.0.1:9000", "127.0.0.1:9001", READY),
    case("ready", "timeout", "timeout = \"5s\"", "timeout = \"6s\"", READY),
];

/// The base a case edits.
fn base(c: &Case) -> &'static str {
    if matches!(c.then, ParseOnly(_)) { KERNELLESS } else { BASE }
}

/// The base with the case's edit made.
fn edited(c: &Case) -> String {
    let base = base(c);
    if c.old.is_empty() {
        return format!("{base}{}", c.new);
    }
    assert_eq!(base.matches(c.old).count(), 1, "{c:?}: the text to change must occur once in its base");
    base.replacen(c.old, c.new, 1)
}

/// Parse and check a lab file; panics with the messages.
fn parsed(text: &str) -> netns::lab::Lab {
    let src = Source { path: "lab.toml".into(), text: text.into() };
    let lab = parse::parse(&src)
        .unwrap_or_else(|d| panic!("{}", d.iter().map(|d| src.render(d)).collect::<Vec<_>>().join("\n")));
    let problems = validate::check(&lab);
    assert!(problems.is_empty(), "{}", problems.iter().map(|d| src.render(d)).collect::<Vec<_>>().join("\n"));
    lab
}

/// A lab as text without its byte ranges (which move with any edit).
fn without_spans(lab: &netns::lab::Lab) -> String {
    let text = format!("{lab:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("span: ") {
        out.push_str(&rest[..at]);
        rest = rest[at + 6..].trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    }
    out.push_str(rest);
    out
}

#[test]
fn every_declared_key_has_exactly_one_case() {
    let declared: BTreeSet<(&str, &str)> =
        keys::TOP.all().iter().flat_map(|t| t.keys.iter().map(|k| (t.name, k.name))).collect();
    let mut cased = BTreeSet::new();
    for c in CASES {
        assert!(cased.insert((c.table, c.key)), "two cases for `{}` of {}", c.key, c.table);
    }
    let missing: Vec<_> = declared.difference(&cased).collect();
    let unknown: Vec<_> = cased.difference(&declared).collect();
    assert!(missing.is_empty(), "declared keys without a case (table, key): {missing:?}");
    assert!(unknown.is_empty(), "cases for keys that are not declared (table, key): {unknown:?}");
}

#[test]
fn every_case_changes_the_parsed_lab() {
    let bases = [without_spans(&parsed(BASE)), without_spans(&parsed(KERNELLESS))];
    for c in CASES {
        match c.then {
            Fixed(why) | ParseOnly(why) => {
                assert!(!why.is_empty(), "`{}` of {}: say why it is not run", c.key, c.table);
                eprintln!("not run on a lab: `{}` of {}: {why}", c.key, c.table);
            }
            Plan(_) | NoChange(_) => {}
        }
        if let Fixed(_) = c.then {
            continue;
        }
        let before = &bases[usize::from(matches!(c.then, ParseOnly(_)))];
        let after = without_spans(&parsed(&edited(c)));
        assert_ne!(&after, before, "changing `{}` of {} changes nothing the parser reads", c.key, c.table);
    }
}

/// How many groups of live cases run at once.
const GROUPS: usize = 3;

/// The live cases of one group, run on a lab made from [`BASE`].
fn changes_on_a_running_lab(group: usize) {
    let live: Vec<(usize, &Case)> = CASES
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.then, Plan(_) | NoChange(_)))
        .filter(|(i, _)| i % GROUPS == group)
        .collect();
    // The files travel on the script's stdin (saved to $H/input), one
    // after the other: too many for its command line.
    let mut input = String::new();
    let mut file = |text: &str| {
        let at = input.len();
        input.push_str(text);
        format!("tail -c +{} \"$H/input\" | head -c {} > lab.toml\n", at + 1, text.len())
    };
    let mut body = format!("{}must $NETNS up lab.toml >/dev/null\n", file(BASE));
    for (i, c) in &live {
        body += &file(&edited(c));
        body += &format!("r plan{i} $NETNS up --plan lab.toml\n");
        if let Plan(_) = c.then {
            body += &format!("r up{i} $NETNS up lab.toml\nr again{i} $NETNS up --plan lab.toml\n");
            body += &file(BASE);
            body += &format!("r back{i} $NETNS up lab.toml\nr clean{i} $NETNS up --plan lab.toml\n");
        }
    }
    body += "r down $NETNS down lab.toml\nr left leftovers\n";
    let run = lab_script(&body).input(input.as_bytes()).timeout(std::time::Duration::from_secs(300)).run();
    let up_to_date = "lab keys is up to date: no changes\n";
    for (i, c) in &live {
        let what = format!("`{}` of {}", c.key, c.table);
        let plan = run.get(&format!("plan{i}"));
        match c.then {
            Plan(line) => {
                let out = plan.out();
                run.check(plan.rc == 0 && out.lines().any(|l| l == line), format!("{what}: the plan shows {line:?}"));
                run.check(out.ends_with("change(s) planned, none made (--plan)\n"), format!("{what}: a plan"));
                // A lab all of whose namespaces are new (another ns_prefix)
                // is reported as built, not change by change.
                let up = run.get(&format!("up{i}"));
                let made = up.out().lines().any(|l| l == line) || up.out().starts_with("lab keys is up: ");
                run.check(up.rc == 0 && made, format!("{what}: up makes it"));
                run.expect(&format!("again{i}"), 0, up_to_date, "");
                run.expect_rc(&format!("back{i}"), 0);
                run.expect(&format!("clean{i}"), 0, up_to_date, "");
            }
            NoChange(why) => {
                run.check(plan.rc == 0 && plan.out() == up_to_date, format!("{what}: {why}, so the plan is empty"));
            }
            ParseOnly(_) | Fixed(_) => unreachable!("{what} is not run"),
        }
    }
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

#[test]
fn every_key_changed_on_a_running_lab_shows_in_the_plan_and_up_makes_it_group_1() {
    require_root!();
    changes_on_a_running_lab(0);
}

#[test]
fn every_key_changed_on_a_running_lab_shows_in_the_plan_and_up_makes_it_group_2() {
    require_root!();
    changes_on_a_running_lab(1);
}

#[test]
fn every_key_changed_on_a_running_lab_shows_in_the_plan_and_up_makes_it_group_3() {
    require_root!();
    changes_on_a_running_lab(2);
}
