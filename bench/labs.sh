#!/usr/bin/env bash
# Lab figures: `netns up`/`down`/`test` against the same topology built
# with iproute2 (`ip -b` for namespaces and veths, then one `ip -n NS -b`
# batch per namespace, plus `ip netns exec NS sysctl` for router
# forwarding), in one run, inside a private mount+net namespace with a tmpfs
# /run (nothing touches the host). Every namespace name starts with
# nb-TAG- (TAG random per run); an exit trap removes them, also on failure
# or interrupt. Needs root, python3 and cargo (unless NETNS_BIN is given).
#
#   bench/labs.sh              # prints the figures; paste them into docs/performance.md
#   RUNS=9 bench/labs.sh       # repetitions per case (default 5; median reported)
#   NETNS_BIN=/path/to/netns bench/labs.sh   # measure that binary, no build
#   CASES="test test_chain" bench/labs.sh   # only these cases (up_star, up_chain, test, test_chain)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_needs_root bench/labs.sh
bin=$(bench_netns_bin)
RUNS=${RUNS:-5}
read -r tag </proc/sys/kernel/random/uuid
prefix=nb-${tag:0:6}-

inner=$(mktemp /tmp/netns-labs-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 runs=$2 gen=$3 prefix=$4 cases=$5
unset NETNS_RUN_DIR NETNS_LAB_DIR
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
export NETNS_ETC_DIR=/tmp/etc
remove_ours() {	# every namespace this run named
	local f
	for f in /run/netns/"$prefix"*; do echo "netns delete ${f##*/}"; done >/tmp/remove
	ip -force -batch /tmp/remove >/dev/null 2>&1 || true
}
shopt -s nullglob
trap remove_ours EXIT
trap 'exit 130' INT TERM HUP
now() { date +%s%N; }
secs() { python3 -c "import sys; print('%.3f' % (int(sys.argv[1]) / 1e9))" "$1"; }
median() { python3 -c "import sys, statistics; print('%.3f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
# The kernel tears namespaces down in the background after their names go:
# wait for it (the net_namespace slab count stops falling), so one
# measurement does not pay for the previous one's cleanup.
wipe() {
	remove_ours
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
	python3 "$gen" "$kind" "$n" "$d" "$prefix$kind$n-" >/dev/null
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
	python3 - "$d/t1000.toml" "${prefix}t-" <<'PY'
import sys
out = [f'schema = 1\nname = "t1000"\nns_prefix = "{sys.argv[2]}"\n',
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

case_test_chain() {	# 55 ICMP expectations (every pair, self included) on a converged 10-router chain
	local d=/tmp/gen-tchain t0 tt=() i
	mkdir -p "$d"
	python3 - "$d/chain10.toml" "${prefix}tc-" <<'PY'
import sys
n = 10
net = lambda k: f"10.0.{k}"	# link k joins r(k+1):e1 .1 and r(k+2):e0 .2, a /30 each
out = [f'schema = 1\nname = "chain10"\nns_prefix = "{sys.argv[2]}"\n']
for i in range(1, n + 1):
    # every link not attached to r(i): towards r1 through e0, towards r(n) through e1
    routes = [f'{{ to = "{net(k)}.0/30", via = "{net(i - 2)}.1" }}' for k in range(0, i - 2)]
    routes += [f'{{ to = "{net(k)}.0/30", via = "{net(i - 1)}.2" }}' for k in range(i, n - 1)]
    out.append(f'[nodes.r{i}]\nkind = "router"\nroutes = [{", ".join(routes)}]\n')
for k in range(n - 1):
    out.append(f'[[links]]\nendpoints = ["r{k + 1}:e1", "r{k + 2}:e0"]\naddr = [["{net(k)}.1/30"], ["{net(k)}.2/30"]]\n')
for i in range(1, n + 1):
    for j in range(i, n + 1):
        out.append(f'[[expect]]\nfrom = "r{i}"\nto = "r{j}"\n')
open(sys.argv[1], "w").write("\n".join(out))
PY
	"$bin" up "$d/chain10.toml" >/dev/null
	"$bin" test "$d/chain10.toml" >/dev/null || true	# converged: neighbour entries resolved
	for ((i = 0; i < runs; i++)); do
		t0=$(now); "$bin" test "$d/chain10.toml" >/tmp/test.out || true
		tt+=("$(secs $(($(now) - t0)))")
	done
	"$bin" down "$d/chain10.toml" >/dev/null; wipe
	printf '%-22s netns test %6.3f s  (%s)\n' "test chain10 55 icmp" "$(median "${tt[@]}")" "$(tail -1 /tmp/test.out)"
}

echo "netns labs benchmark: $(uname -r), $(nproc) CPUs, $(ip -V), median of $runs"
for c in $cases; do
	case $c in
	up_star) case_up star 50 ;;
	up_chain) case_up chain 1000 ;;
	test) case_test ;;
	test_chain) case_test_chain ;;
	*) echo "unknown case $c" >&2; exit 2 ;;
	esac
done
INNER
unshare --mount --net --propagation private -- bash "$inner" "$bin" "$RUNS" "$here/labs/gen.py" "$prefix" "${CASES:-up_star up_chain test test_chain}"
