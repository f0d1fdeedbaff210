#!/usr/bin/env bash
# Figures for object commands and `inspect` against iproute2, in one
# run, in a private mount+net namespace with a tmpfs run directory (nothing
# touches the host). Every namespace name starts with nb-TAG- (TAG random
# per run); an exit trap removes them, also on failure or interrupt. Needs
# root, python3, hyperfine (installed with apt-get when missing) and cargo
# (unless NETNS_BIN is given).
#
#   bench/objects.sh            # prints the figures; paste them into docs/performance.md
#   NETNS_BIN=/path/to/netns bench/objects.sh   # measure that binary, no build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_needs_root bench/objects.sh
bench_needs_hyperfine
bin=$(bench_netns_bin)
RUNS=${RUNS:-30}
read -r tag </proc/sys/kernel/random/uuid

inner=$(mktemp /tmp/netns-objects-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 runs=$2 ob=$3
unset NETNS_RUN_DIR NETNS_ETC_DIR
mount -t tmpfs tmpfs /run
tmp=$(mktemp -d /tmp/netns-objects-bench.XXXXXX)
remove_ours() {	# every namespace this run named, and the scratch directory
	local f
	for f in /run/netns/"$ob"*; do echo "netns delete ${f##*/}"; done >"$tmp/remove"
	ip -force -batch "$tmp/remove" >/dev/null 2>&1 || true
}
shopt -s nullglob
trap 'remove_ours; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
settle() { sleep 2; }
make_lab() {	# make_lab N: N namespaces, each with a veth to this one and an address
	local n=$1 i
	for ((i = 1; i <= n; i++)); do echo "add $ob$i"; done | "$bin" -b -
	for ((i = 1; i <= n; i++)); do
		echo "link add h$i type veth peer name e0 netns $ob$i"
	done | ip -b -
	for ((i = 1; i <= n; i++)); do
		"$bin" -n "$ob$i" addr add "10.$((i / 250)).$((i % 250)).1/24" dev e0
		"$bin" -n "$ob$i" link set e0 up
	done
}
loop_ip() { local i; for ((i = 1; i <= $1; i++)); do ip -n "$ob$i" -j addr show >/dev/null; done; }
ms() { python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median']*1000))" "$@"; }

for n in 100 1000; do
	make_lab "$n"; settle
	hyperfine -N -w 3 -r "$runs" --export-json "$tmp/h1.json" \
		"ip -n ${ob}1 -j addr show" "$bin -n ${ob}1 -j addr show" "$bin -j inspect --all" >/dev/null 2>&1
	export -f loop_ip
	export ob
	hyperfine -N -w 1 -r 3 --export-json "$tmp/h2.json" "bash -c 'loop_ip $n'" >/dev/null 2>&1
	a=$(ms "$tmp/h1.json" 0) b=$(ms "$tmp/h1.json" 1) c=$(ms "$tmp/h1.json" 2) d=$(ms "$tmp/h2.json" 0)
	echo "namespaces: $n"
	echo "  ip -n X -j addr show:     $a ms"
	echo "  netns -n X -j addr show:  $b ms  ($(python3 -c "print('%.2f' % ($b/$a))")x)"
	echo "  netns -j inspect --all:   $c ms"
	echo "  loop of ip -n X -j addr show over all: $d ms  (inspect/loop = $(python3 -c "print('%.3f' % ($c/$d))")x)"
	remove_ours; settle
done
INNER
unshare --mount --net --propagation private -- bash "$inner" "$bin" "$RUNS" "nb-${tag:0:6}-"
