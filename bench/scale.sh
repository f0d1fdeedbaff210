#!/usr/bin/env bash
# Scale check: one chain of N routers (default 10,000) comes up, is tested
# and goes down under an open-files limit of 2 × N (default 20,000) — the
# limit a service gets when its unit raises LimitNOFILE for a big lab. netns
# must not need more descriptors than that at any size. Prints the wall time
# of `up`, a second (converged) `up`, `status` and `down`, and the peak
# number of descriptors netns held during `up` (sampled from /proc).
#
# Runs inside a private mount+net namespace with a tmpfs /run and /tmp, so
# nothing touches the host. Needs root, python3 and cargo (unless NETNS_BIN
# is given). Takes a few minutes at the default size.
#
#   bench/scale.sh                  # 10,000 routers under ulimit -n 20000
#   N=3000 bench/scale.sh           # a smaller chain, limit 2 × N
#   NOFILE=1024 N=3000 bench/scale.sh   # any limit you like
#   NETNS_BIN=/path/to/netns bench/scale.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_needs_root bench/scale.sh
bin=$(bench_netns_bin)
N=${N:-10000}
NOFILE=${NOFILE:-$((2 * N))}

inner=$(mktemp /tmp/netns-scale-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 n=$2 nofile=$3 gen=$4
unset NETNS_RUN_DIR NETNS_LAB_DIR
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
export NETNS_ETC_DIR=/tmp/etc
cleanup() {	# whatever a failed step left: every namespace under our tmpfs /run
	"$bin" down sc --skip-exec >/dev/null 2>&1 || true
	ip -all netns delete >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
now() { date +%s%N; }
secs() { python3 -c "import sys; print('%.1f' % (int(sys.argv[1]) / 1e9))" "$1"; }
ulimit -n "$nofile"
echo "netns scale check: $(uname -r), $(nproc) CPUs, chain of $n routers, ulimit -n $(ulimit -n)"
python3 "$gen" chain "$n" /tmp/gen sc- >/dev/null
lab=$(ls /tmp/gen/*.toml)
name=$(basename "$lab" .toml)
# Peak descriptors held by the running netns, sampled every 50 ms.
peak_fds() {	# peak_fds PID: print the highest count seen until PID ends
	local pid=$1 max=0 c
	while kill -0 "$pid" 2>/dev/null; do
		c=$(ls /proc/"$pid"/fd 2>/dev/null | wc -l) || c=0
		((c > max)) && max=$c
		sleep 0.05
	done
	echo "$max"
}
step() {	# step LABEL COMMAND...: run, time, and fail loudly
	local label=$1 t0 rc=0
	shift
	t0=$(now)
	"$@" >/tmp/step.out 2>&1 || rc=$?
	if ((rc != 0)); then
		echo "$label: FAILED (exit $rc)"
		tail -20 /tmp/step.out
		exit 1
	fi
	printf '%-18s %8s s\n' "$label" "$(secs $(($(now) - t0)))"
}
t0=$(now)
"$bin" up "$lab" >/tmp/up.out 2>&1 &
pid=$!
peak=$(peak_fds "$pid")
rc=0; wait "$pid" || rc=$?
if ((rc != 0)); then echo "up: FAILED (exit $rc)"; tail -20 /tmp/up.out; exit 1; fi
printf '%-18s %8s s   (peak %s open files)\n' "up" "$(secs $(($(now) - t0)))" "$peak"
step "up (converged)" "$bin" up "$lab"
grep -q 'is up to date: no changes' /tmp/step.out || { echo "the second up changed something:"; tail -5 /tmp/step.out; exit 1; }
step "status" "$bin" status "$name"
step "test" "$bin" test "$lab"
step "down" "$bin" down "$name"
left=$(ls /run/netns | wc -l)
echo "names left in the run directory: $left"
((left == 0))
INNER
unshare --mount --net --propagation private -- bash "$inner" "$bin" "$N" "$NOFILE" "$here/labs/gen.py"
