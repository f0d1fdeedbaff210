#!/usr/bin/env bash
# Figures for object commands and `inspect` against iproute2, in one
# run, in a private mount+net namespace with a tmpfs run directory (nothing
# touches the host). Needs root and hyperfine.
#
#   bench/objects.sh            # prints the figures; paste them into docs/performance.md
#   NETNS=target/release/netns bench/objects.sh   # another build than scripts/release.sh's
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
((EUID == 0)) || { echo "bench/objects.sh: needs root" >&2; exit 2; }
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
# The release build (scripts/release.sh), unless NETNS names another one.
bin=${NETNS:-$(bash "$repo/scripts/release.sh")}
RUNS=${RUNS:-30}

inner=$(mktemp /tmp/netns-objects-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 runs=$2
mount -t tmpfs tmpfs /run
settle() { sleep 2; }
make_lab() {	# make_lab N: N namespaces, each with a veth to this one and an address
	local n=$1 i
	for ((i = 1; i <= n; i++)); do echo "add ob$i"; done | "$bin" -b -
	for ((i = 1; i <= n; i++)); do
		echo "link add h$i type veth peer name e0 netns ob$i"
	done | ip -b -
	for ((i = 1; i <= n; i++)); do
		"$bin" -n "ob$i" addr add "10.$((i / 250)).$((i % 250)).1/24" dev e0
		"$bin" -n "ob$i" link set e0 up
	done
}
loop_ip() { local i; for ((i = 1; i <= $1; i++)); do ip -n "ob$i" -j addr show >/dev/null; done; }
ms() { python3 -c "import json,sys; print('%.2f' % (json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median']*1000))" "$@"; }

for n in 100 1000; do
	make_lab "$n"; settle
	hyperfine -N -w 3 -r "$runs" --export-json /tmp/h1.json \
		"ip -n ob1 -j addr show" "$bin -n ob1 -j addr show" "$bin -j inspect --all" >/dev/null 2>&1
	export -f loop_ip
	hyperfine -N -w 1 -r 3 --export-json /tmp/h2.json "bash -c 'loop_ip $n'" >/dev/null 2>&1
	a=$(ms /tmp/h1.json 0) b=$(ms /tmp/h1.json 1) c=$(ms /tmp/h1.json 2) d=$(ms /tmp/h2.json 0)
	echo "namespaces: $n"
	echo "  ip -n X -j addr show:     $a ms"
	echo "  netns -n X -j addr show:  $b ms  ($(python3 -c "print('%.2f' % ($b/$a))")x)"
	echo "  netns -j inspect --all:   $c ms"
	echo "  loop of ip -n X -j addr show over all: $d ms  (inspect/loop = $(python3 -c "print('%.3f' % ($c/$d))")x)"
	"$bin" -all delete; settle
done
INNER
unshare --mount --net --propagation private -- bash "$inner" "$bin" "$RUNS"
