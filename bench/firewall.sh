#!/usr/bin/env bash
# The firewall of many namespaces: `netns firewall --all` (nf_tables read
# over netlink, every namespace in one process) against the loop an
# operator runs today, `ip netns exec NS iptables -vnL` for each. Every
# namespace holds the same Neutron-style router rule set, loaded with
# iptables-restore (iptables-nft), so both read the same nf_tables rules.
# Runs in a private mount+net namespace with a tmpfs run directory (nothing
# touches the host). Every namespace name starts with nb-TAG- (TAG random
# per run); an exit trap removes them, also on failure or interrupt. Needs
# root, python3, hyperfine and iptables (both installed with apt-get when
# missing) and cargo (unless NETNS_BIN is given).
#
#   bench/firewall.sh             # prints the figures; paste them into docs/performance.md
#   N=100 RUNS=10 bench/firewall.sh
#   NETNS_BIN=/path/to/netns bench/firewall.sh   # measure that binary, no build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_needs_root bench/firewall.sh
bench_needs_hyperfine
if ! command -v iptables >/dev/null; then
	echo "installing iptables (apt-get)" >&2
	apt-get update -qq && apt-get install -y -qq iptables >/dev/null
fi
bin=$(bench_netns_bin)
N=${N:-100}
RUNS=${RUNS:-10}
read -r tag </proc/sys/kernel/random/uuid

inner=$(mktemp /tmp/netns-firewall-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 runs=$2 n=$3 ob=$4
unset NETNS_RUN_DIR NETNS_ETC_DIR
mount -t tmpfs tmpfs /run
tmp=$(mktemp -d /tmp/netns-firewall-bench.XXXXXX)
remove_ours() {	# every namespace this run named, and the scratch directory
	local f
	for f in /run/netns/"$ob"*; do echo "netns delete ${f##*/}"; done >"$tmp/remove"
	ip -force -batch "$tmp/remove" >/dev/null 2>&1 || true
}
shopt -s nullglob
trap 'remove_ours; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
# A Neutron L3 agent's router: floating IP DNAT/SNAT, tenant SNAT, the
# metadata port, DHCP, a limit, a comment, a log and a reject.
cat >"$tmp/rules" <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:neutron-l3-agent-PREROUTING - [0:0]
:neutron-l3-agent-POSTROUTING - [0:0]
:neutron-l3-agent-float-snat - [0:0]
:neutron-l3-agent-snat - [0:0]
-A PREROUTING -j neutron-l3-agent-PREROUTING
-A POSTROUTING -j neutron-l3-agent-POSTROUTING
-A neutron-l3-agent-PREROUTING -d 169.254.169.254/32 -i qr-+ -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 9697
-A neutron-l3-agent-PREROUTING -d 172.24.4.10/32 -i qg-e5b9712e-b0 -j DNAT --to-destination 10.0.0.5
-A neutron-l3-agent-POSTROUTING ! -o qg-e5b9712e-b0 -m conntrack ! --ctstate DNAT -j ACCEPT
-A neutron-l3-agent-POSTROUTING -j neutron-l3-agent-snat
-A neutron-l3-agent-float-snat -s 10.0.0.5/32 -j SNAT --to-source 172.24.4.10
-A neutron-l3-agent-snat -j neutron-l3-agent-float-snat
-A neutron-l3-agent-snat -s 10.0.0.0/24 -o qg-e5b9712e-b0 -j SNAT --to-source 172.24.4.2
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:neutron-filter-top - [0:0]
:neutron-l3-agent-FORWARD - [0:0]
:neutron-l3-agent-INPUT - [0:0]
:neutron-l3-agent-scope - [0:0]
-A INPUT -j neutron-l3-agent-INPUT
-A FORWARD -j neutron-filter-top
-A FORWARD -j neutron-l3-agent-FORWARD
-A neutron-l3-agent-FORWARD -j neutron-l3-agent-scope
-A neutron-l3-agent-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A neutron-l3-agent-INPUT -p tcp -m tcp --dport 9697 -j ACCEPT
-A neutron-l3-agent-INPUT -i qr-1 -p udp -m udp --dport 67 -j ACCEPT
-A neutron-l3-agent-INPUT -s 10.0.0.0/24 -p icmp -m limit --limit 10/sec -j ACCEPT
-A neutron-l3-agent-INPUT -m comment --comment "drop the rest" -j LOG --log-prefix "fw-drop "
-A neutron-l3-agent-INPUT -j REJECT --reject-with icmp-port-unreachable
COMMIT
RULES
for ((i = 1; i <= n; i++)); do echo "add $ob$i"; done | "$bin" -b -
for ((i = 1; i <= n; i++)); do ip netns exec "$ob$i" iptables-restore <"$tmp/rules"; done
sleep 1
# Checks: netns read every namespace, and each has both tables.
seen=$("$bin" -j firewall --all | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(sum(1 for ns in v if ns["name"] and len(ns["rulesets"][0]["tables"]) == 2))')
[[ $seen == "$n" ]] || { echo "netns firewall --all read $seen of $n namespaces" >&2; exit 1; }
loop() { local i; for ((i = 1; i <= $1; i++)); do ip netns exec "$ob$i" iptables -vnL >/dev/null; done; }
export -f loop
export ob
hyperfine -N -w 3 -r "$runs" --export-json "$tmp/a.json" "$bin firewall --all" "$bin -j firewall --all" >/dev/null 2>&1
hyperfine -N -w 1 -r 3 --export-json "$tmp/b.json" "bash -c 'loop $n'" >/dev/null 2>&1
ms() { python3 -c "import json,sys; print('%.1f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median']*1000))" "$@"; }
a=$(ms "$tmp/a.json" 0) j=$(ms "$tmp/a.json" 1) l=$(ms "$tmp/b.json" 0)
echo "namespaces: $n (each: ip nat and ip filter, $(ip netns exec "${ob}1" nft list ruleset 2>/dev/null | grep -c counter) rules)"
echo "  netns firewall --all:     $a ms"
echo "  netns -j firewall --all:  $j ms"
echo "  loop of ip netns exec NS iptables -vnL: $l ms"
echo "  ratio (firewall --all / loop): $(python3 -c "print('%.3f' % ($a/$l))")x"
INNER
unshare --mount --net --propagation private -- bash "$inner" "$bin" "$RUNS" "$N" "nb-${tag:0:6}-"
