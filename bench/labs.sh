#!/usr/bin/env bash
# Lab figures: `netns up`/`down`/`test` against the same topology built
# with iproute2 (`ip -b` for namespaces and veths, then one `ip -n NS -b`
# batch per namespace, plus `ip netns exec NS sysctl` for router
# forwarding), in one run, inside a private mount+net namespace with a tmpfs
# /run (nothing touches the host). Needs root and python3.
#
#   bench/labs.sh              # prints the figures; paste them into docs/performance.md
#   RUNS=9 bench/labs.sh       # repetitions per case (default 5; median reported)
#   NETNS=target/release/netns bench/labs.sh   # another build than scripts/release.sh's
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
((EUID == 0)) || { echo "bench/labs.sh: needs root" >&2; exit 2; }
# The release build (scripts/release.sh), unless NETNS names another one.
bin=${NETNS:-$(bash "$repo/scripts/release.sh")}
RUNS=${RUNS:-5}

inner=$(mktemp /tmp/netns-labs-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 runs=$2 gen=$3
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
export NETNS_ETC_DIR=/tmp/etc
now() { date +%s%N; }
secs() { python3 -c "import sys; print('%.3f' % (int(sys.argv[1]) / 1e9))" "$1"; }
median() { python3 -c "import sys, statistics; print('%.3f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
# The kernel tears namespaces down in the background after their names go:
# wait for it (the net_namespace slab count stops falling), so one
# measurement does not pay for the previous one's cleanup.
wipe() {
	ip -all netns delete 2>/dev/null || true
	local prev=-1 now
	while :; do
		sleep 0.5
		now=$(awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo)
		[ "$now" = "$prev" ] && break
		prev=$now
	done
	sleep 0.5
}

ip_build() {	# ip_build DIR NAME: the same network with iproute2
	local d=$1 name=$2 ns fwd
	ip -b "$d/$name.ip-b"
	while read -r ns fwd; do
		ip -n "$ns" -b "$d/$name.per-ns/$ns"
		if [ -n "$fwd" ]; then ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1; fi
	done <"$d/$name.ns-list"
}

case_up() {	# case_up KIND N
	local kind=$1 n=$2 d=/tmp/gen-$1-$2 name i t0 ipt=() upt=() downt=() nodecnt
	python3 "$gen" "$kind" "$n" "$d" >/dev/null
	name=$(basename "$d"/*.toml .toml)
	wipe
	for ((i = 0; i < runs; i++)); do
		t0=$(now); ip_build "$d" "$name"; ipt+=("$(secs $(($(now) - t0)))"); wipe
		t0=$(now); "$bin" up "$d/$name.toml" >/dev/null; upt+=("$(secs $(($(now) - t0)))")
		t0=$(now); "$bin" down "$name" >/dev/null; downt+=("$(secs $(($(now) - t0)))"); wipe
	done
	local ipm upm downm
	ipm=$(median "${ipt[@]}"); upm=$(median "${upt[@]}"); downm=$(median "${downt[@]}")
	printf '%-22s ip build %7.3f s   netns up %6.3f s (%.2fx)   netns down %6.3f s\n' \
		"$kind $n" "$ipm" "$upm" "$(python3 -c "print($upm / $ipm)")" "$downm"
}

case_test() {	# 1000 ICMP expectations: 40 hosts behind one router to 25 behind another
	# (routed on purpose: the kernel's neighbour table holds 1024 entries for
	# all namespaces together, so 1000 pairs in one flat L2 segment would
	# measure ARP-table overflow, not the probes).
	local d=/tmp/gen-test t0 tt=()
	mkdir -p "$d"
	python3 - "$d/t1000.toml" <<'PY'
import sys
out = ['schema = 1\nname = "t1000"\n',
       '[nodes.swa]\nkind = "switch"\nsubnet = "10.1.0.0/24"\n',
       '[nodes.swb]\nkind = "switch"\nsubnet = "10.2.0.0/24"\n',
       '[nodes.ra]\nkind = "router"\naddr = { lan = ["10.1.0.254/24"] }\nroutes = [{ to = "10.2.0.0/24", via = "10.9.0.2" }]\n',
       '[nodes.rb]\nkind = "router"\naddr = { lan = ["10.2.0.254/24"] }\nroutes = [{ to = "10.1.0.0/24", via = "10.9.0.1" }]\n',
       '[[links]]\nendpoints = ["ra:lan", "swa"]\n[[links]]\nendpoints = ["rb:lan", "swb"]\n',
       '[[links]]\nendpoints = ["ra:wan", "rb:wan"]\nsubnet = "10.9.0.0/30"\n']
for i in range(1, 41):
    out.append(f'[nodes.a{i}]\ngateway = "10.1.0.254"\n[[links]]\nendpoints = ["a{i}:eth0", "swa"]\n')
for j in range(1, 26):
    out.append(f'[nodes.b{j}]\ngateway = "10.2.0.254"\n[[links]]\nendpoints = ["b{j}:eth0", "swb"]\n')
for i in range(1, 41):
    for j in range(1, 26):
        out.append(f'[[expect]]\nfrom = "a{i}"\nto = "b{j}"\n')
open(sys.argv[1], "w").write("\n".join(out))
PY
	"$bin" up "$d/t1000.toml" >/dev/null
	for ((i = 0; i < runs; i++)); do
		t0=$(now); "$bin" test "$d/t1000.toml" >/tmp/test.out || true
		tt+=("$(secs $(($(now) - t0)))")
	done
	"$bin" down t1000 >/dev/null; wipe
	printf '%-22s netns test %6.3f s  (%s)\n' "test 1000 icmp" "$(median "${tt[@]}")" "$(tail -1 /tmp/test.out)"
}

echo "netns labs benchmark: $(uname -r), $(nproc) CPUs, $(ip -V), median of $runs"
case_up star 50
case_up chain 1000
case_test
INNER
unshare --mount --net --propagation private -- bash "$inner" "$bin" "$RUNS" "$here/labs/gen.py"
