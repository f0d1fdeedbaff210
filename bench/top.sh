#!/usr/bin/env bash
# What watching many namespaces costs: `netns top -j` samples N namespaces
# (default 1000, a chain of routers made by `netns up`, each with lo and two
# veths: 3 interfaces) every second for SECS seconds (default 20), and its
# CPU time (user + system, from /proc/PID/stat) is divided by the wall time
# of the same stretch: the share of one core it takes. The first sample,
# which opens a socket inside every namespace, is measured on its own. A
# second run under `ulimit -n 1024` (soft and hard) shows the cost when not
# every socket can stay open and the rest are opened again at each sample.
#
# Runs inside a private mount+net namespace with a tmpfs /run and /tmp, so
# nothing touches the host. Needs root, python3 and cargo (unless NETNS_BIN
# is given).
#
#   bench/top.sh                      # prints the figures; paste them into docs/performance.md
#   N=300 SECS=10 bench/top.sh
#   NETNS_BIN=/path/to/netns bench/top.sh   # measure that binary, no build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_needs_root bench/top.sh
bin=$(bench_netns_bin)
N=${N:-1000}
SECS=${SECS:-20}

inner=$(mktemp /tmp/netns-top-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 n=$2 secs=$3 gen=$4
unset NETNS_RUN_DIR NETNS_LAB_DIR
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
export NETNS_ETC_DIR=/tmp/etc
pids=()
cleanup() {	# the watchers this run started (by PID), then the lab
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	"$bin" down tp --skip-exec >/dev/null 2>&1 || true
	ip -all netns delete >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
hz=$(getconf CLK_TCK)
cpu_ticks() {	# utime + stime of PID, in clock ticks
	local stat
	stat=$(</proc/"$1"/stat)
	stat=${stat##*) }
	read -r -a f <<<"$stat"
	echo $((f[11] + f[12]))
}
now() { date +%s%N; }
python3 "$gen" chain "$n" /tmp/gen tp- >/dev/null
lab=$(ls /tmp/gen/*.toml)
"$bin" up "$lab" >/dev/null
count=$(ls /run/netns | wc -l)
echo "netns top cost: $(uname -r), $(nproc) CPUs, $count namespaces (lo + 2 veths each) and the current one, ${secs} s at --interval 1"
watch() {	# watch LABEL: run top -j for secs seconds, print the figures
	local label=$1 pid t0 c0 t1 c1 lines
	rm -f /tmp/out.jsonl
	"$bin" top -j --interval 1 >/tmp/out.jsonl 2>/tmp/err &
	pid=$!
	pids+=("$pid")
	# The first JSON line follows the second sample: the opening is over.
	while [[ ! -s /tmp/out.jsonl ]]; do
		kill -0 "$pid" 2>/dev/null || { cat /tmp/err >&2; exit 1; }
		sleep 0.05
	done
	local start_ticks
	start_ticks=$(cpu_ticks "$pid")
	t0=$(now) c0=$start_ticks
	sleep "$secs"
	t1=$(now) c1=$(cpu_ticks "$pid")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	lines=$(wc -l </tmp/out.jsonl)
	python3 - "$label" "$hz" "$c0" "$c1" "$t0" "$t1" "$lines" "$start_ticks" <<'PY'
import sys
label, hz, c0, c1, t0, t1, lines, start = sys.argv[1], *map(int, sys.argv[2:])
wall = (t1 - t0) / 1e9
cpu = (c1 - c0) / hz
print(f"{label}: {100 * cpu / wall:.2f} % of one core ({cpu:.2f} s CPU over {wall:.1f} s, "
      f"{lines} samples printed); start-up and first two samples: {start / hz:.2f} s CPU")
PY
	grep -v '^$' /tmp/err >&2 || true
}
watch "sockets kept open (ulimit -n $(ulimit -n) / $(ulimit -Hn))"
(ulimit -Sn 1024 && ulimit -Hn 1024 && watch "ulimit -n 1024 (soft and hard)")
INNER

unshare --mount --net --propagation private bash "$inner" "$bin" "$N" "$SECS" "$here/labs/gen.py"
