#!/usr/bin/env bash
# Issue-4 figures: `netns up`/`down`/`test` against the same topology built
# with iproute2 (`ip -b` for namespaces and veths, then one `ip -n NS -b`
# batch per namespace, plus `ip netns exec NS sysctl` for router
# forwarding), in one run, inside a private mount+net namespace with a tmpfs
# /run (nothing touches the host). Needs root and python3.
#
#   bench/labs.sh              # prints the figures; paste them into docs/performance.md
#   RUNS=5 bench/labs.sh       # repetitions per case (median reported)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
((EUID == 0)) || { echo "bench/labs.sh: needs root" >&2; exit 2; }
(cd "$repo" && cargo build --release --quiet)
bin=$repo/target/x86_64-unknown-linux-gnu/release/netns
RUNS=${RUNS:-3}

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
wipe() { ip -all netns delete 2>/dev/null || true; sleep 1; }

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

case_test() {	# 1000 ICMP expectations over a 50-host switch
	local d=/tmp/gen-test name=star50 t0 tt=()
	python3 "$gen" star 50 "$d" >/dev/null
	python3 - "$d/$name.toml" <<'PY'
import sys
f = sys.argv[1]
pairs = [(a, b) for a in range(1, 51) for b in range(1, 51) if a != b][:1000]
with open(f, "a") as out:
    for a, b in pairs:
        out.write(f'\n[[expect]]\nfrom = "h{a}"\nto = "h{b}"\n')
PY
	"$bin" up "$d/$name.toml" >/dev/null
	"$bin" test "$d/$name.toml" >/dev/null || true	# warm the neighbour tables
	for ((i = 0; i < runs; i++)); do
		t0=$(now); "$bin" test "$d/$name.toml" >/tmp/test.out || { tail -3 /tmp/test.out; }
		tt+=("$(secs $(($(now) - t0)))")
	done
	"$bin" down "$name" >/dev/null; wipe
	printf '%-22s netns test %6.3f s  (%s)\n' "test 1000 icmp" "$(median "${tt[@]}")" "$(tail -1 /tmp/test.out)"
}

echo "netns labs benchmark: $(uname -r), $(nproc) CPUs, $(ip -V), median of $runs"
case_up star 50
case_up chain 1000
case_test
INNER
unshare --mount --net --propagation private -- bash "$inner" "$bin" "$RUNS" "$here/labs/gen.py"
