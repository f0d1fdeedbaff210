#!/usr/bin/env bash
# `netns find` and `netns identify` against what an operator runs today,
# with N namespaces (default 1000), in one run, inside a private mount+net
# namespace with a tmpfs run directory (nothing touches the host).
#
# The namespaces are one lab, a ring: node i's eth1 is a veth to node
# i+1's eth0 (the last node's to the first one's), each end with two /30
# addresses, so every namespace holds 3 interfaces (lo, eth0, eth1) and 4
# addresses of its own (plus lo's and the IPv6 link-local ones the kernel
# adds). `netns up` builds it and `netns down` removes it, also when a step
# fails. Every namespace name starts with nb-TAG- (TAG random per run).
#
# Figures (medians of hyperfine runs):
#   find ADDRESS   `netns find A` for an address one node has, against the
#                  loop `for ns in $(ip netns | cut -d' ' -f1); do ip -n $ns
#                  -j addr; done | grep -c A`
#   find MAC       `netns find M` (links and neighbours of every namespace)
#   find NAME      `netns find sleep` (a process name: /proc only)
#   identify       `netns identify PID` against `ip netns identify PID`, for
#                  a process in the middle node (iproute2 prints the last
#                  name that matches: netns looks from the end and stops at
#                  the first match), and for one in no named namespace
#                  (every name is looked at)
#
# Needs root, python3, hyperfine (installed with apt-get when missing) and
# cargo (unless NETNS_BIN is given).
#
#   bench/find.sh                         # 1000 namespaces
#   N=100 RUNS=10 bench/find.sh           # smaller, quicker
#   NETNS_BIN=/path/to/netns bench/find.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_needs_root bench/find.sh
bench_needs_hyperfine
bin=$(bench_netns_bin)
N=${N:-1000}
RUNS=${RUNS:-30}
read -r tag </proc/sys/kernel/random/uuid

inner=$(mktemp /tmp/netns-find-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 n=$2 runs=$3 prefix=$4
unset NETNS_RUN_DIR NETNS_ETC_DIR NETNS_LAB_DIR
mount -t tmpfs tmpfs /run
tmp=$(mktemp -d /tmp/netns-find-bench.XXXXXX)
lab=findbench
sleeper=
cleanup() {
	[[ -n $sleeper ]] && kill "$sleeper" 2>/dev/null
	"$bin" down "$lab" --skip-exec >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
python3 - "$n" "$prefix" "$lab" >"$tmp/$lab.toml" <<'PY'
import ipaddress, sys
n, prefix, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def p30(base, k):
    b = int(ipaddress.IPv4Address(base)) + 4 * k
    return str(ipaddress.IPv4Address(b + 1)), str(ipaddress.IPv4Address(b + 2))
print(f'schema = 1\nname = "{name}"\nns_prefix = "{prefix}"\n')
for i in range(1, n + 1):
    print(f'[nodes.n{i}]')
for k in range(n):
    a1, b1 = p30("10.0.0.0", k)
    a2, b2 = p30("10.128.0.0", k)
    nxt = k + 2 if k + 2 <= n else 1
    print(f'[[links]]\nendpoints = ["n{k + 1}:eth1", "n{nxt}:eth0"]\naddr = [["{a1}/30", "{a2}/30"], ["{b1}/30", "{b2}/30"]]')
PY
mid=$((n / 2))
# The middle node's eth1 address: exactly one namespace has it.
addr=$(python3 -c "import ipaddress; print(ipaddress.IPv4Address(int(ipaddress.IPv4Address('10.0.0.0')) + 4 * ($mid - 1) + 1))")
t0=$(date +%s%N)
"$bin" up "$tmp/$lab.toml" >/dev/null
echo "netns find benchmark: $(uname -r), $(nproc) CPUs, $n namespaces (lab up in $((($(date +%s%N) - t0) / 1000000)) ms)"
mac=$("$bin" -n "$prefix"n$mid -j link show eth1 | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['address'])")
"$bin" exec "$prefix"n$mid sleep 1000 &
sleeper=$!
until [[ $(ip netns identify "$sleeper" 2>/dev/null) == "${prefix}n$mid" ]]; do sleep 0.01; done
sleep 2	# let the kernel settle after the lab's creation
# Every answer is checked once before it is timed.
got=$("$bin" find "$addr")
[[ $got == "${prefix}n$mid "*" eth1 "*"$addr/30 (address)"* ]] || { echo "find $addr printed: $got"; exit 1; }
for pid in "$sleeper" $$; do
	[[ $("$bin" identify "$pid") == "$(ip netns identify "$pid")" ]] || { echo "identify $pid differs from ip netns identify"; exit 1; }
done
"$bin" find "$mac" | grep -q "eth1" || { echo "find $mac found no interface"; exit 1; }
loop() { local ns; for ns in $(ip netns | cut -d' ' -f1); do ip -n "$ns" -j addr; done | grep -c "\"$1\""; }
export -f loop
[[ $(loop "$addr") == 1 ]] || { echo "the ip loop did not find $addr once"; exit 1; }
ms() { python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median']*1000))" "$@"; }
ratio() { python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
hyperfine -N -w 3 -r "$runs" --export-json "$tmp/find.json" \
	"$bin find $addr" "$bin find $mac" "$bin find sleep" "$bin -j find --all $addr" >/dev/null 2>&1
hyperfine -N -w 1 -r 3 --export-json "$tmp/loop.json" "bash -c 'loop $addr'" >/dev/null 2>&1
# identify: five rounds of hyperfine, netns and ip in turn (the order
# reversed every other round), so that a change of load on the machine
# falls on both; the figure is the median of the rounds' ratios.
paired() {	# paired LABEL ARGS...: netns ARGS against ip netns ARGS
	local label=$1 r ratios=() nt=() it=() a b
	shift
	for ((r = 0; r < 5; r++)); do
		a="$bin $*" b="ip netns $*"
		if ((r % 2)); then
			hyperfine -N -w 10 -r "$runs" --export-json "$tmp/p.json" "$b" "$a" >/dev/null 2>&1
			it+=("$(ms "$tmp/p.json" 0)") nt+=("$(ms "$tmp/p.json" 1)")
		else
			hyperfine -N -w 10 -r "$runs" --export-json "$tmp/p.json" "$a" "$b" >/dev/null 2>&1
			nt+=("$(ms "$tmp/p.json" 0)") it+=("$(ms "$tmp/p.json" 1)")
		fi
		ratios+=("$(ratio "${nt[-1]}" "${it[-1]}")")
	done
	printf '  %-32s %s ms   ip netns: %s ms   (netns/ip = %sx, rounds %s)\n' "netns $label:" \
		"$(median "${nt[@]}")" "$(median "${it[@]}")" "$(median "${ratios[@]}")" "${ratios[*]}"
}
median() { python3 -c "import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
f=$(ms "$tmp/find.json" 0) m=$(ms "$tmp/find.json" 1) p=$(ms "$tmp/find.json" 2) a=$(ms "$tmp/find.json" 3)
l=$(ms "$tmp/loop.json" 0)
echo "  netns find $addr:            $f ms"
echo "  loop of ip -n NS -j addr | grep: $l ms   (find/loop = $(ratio "$f" "$l")x)"
echo "  netns find MAC:                  $m ms"
echo "  netns find sleep (process name): $p ms"
echo "  netns -j find --all ADDRESS:     $a ms"
pos=$(ls -U /run/netns | grep -nx "${prefix}n$mid" | cut -d: -f1)
echo "  (identify: the named process's name is entry $pos of $n in readdir order; netns looks from the end)"
paired "identify PID (named)" identify "$sleeper"
paired "identify PID (unnamed)" identify $$
INNER
unshare --mount --net --propagation private -- bash ${BENCH_TRACE:+-x} "$inner" "$bin" "$N" "$RUNS" "nb-${tag:0:6}-"
