#!/usr/bin/env bash
# Start-up figures of `add NAME`, `delete NAME`, `exec NAME true` and
# `list` (one process per run) for one or more netns binaries, against iproute2 (and
# nsenter for exec) in the same run, inside a private mount+net namespace
# with a tmpfs /run (nothing touches the host). Compares builds: the
# release recipe's (scripts/release.sh) with plain `cargo build --release`,
# or one build with another. Needs root, hyperfine and python3.
#
#   bench/startup.sh target/fast-start/netns target/release/netns
#   RUNS=300 ROUNDS=5 bench/startup.sh BINARY...
#
# Each round runs every command RUNS times per tool (hyperfine, no shell);
# each figure is the median over ROUNDS rounds of the per-round figures:
# the wall time (hyperfine's median) with its ratio to iproute2's (exec:
# to nsenter's too), and the CPU time the process used (hyperfine's mean
# user + system time), which a busy machine distorts less.
set -euo pipefail
((EUID == 0)) || { echo "bench/startup.sh: needs root" >&2; exit 2; }
(($#)) || { echo "usage: bench/startup.sh NETNS_BINARY..." >&2; exit 2; }
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
bins=()
for b in "$@"; do
	[[ -x $b ]] || { echo "bench/startup.sh: $b: not an executable" >&2; exit 2; }
	bins+=("$(realpath "$b")")
done
RUNS=${RUNS:-200} ROUNDS=${ROUNDS:-3}
work=$(mktemp -d /tmp/netns-startup-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

cat >"$work/inner.sh" <<'INNER'
set -euo pipefail
work=$1 runs=$2 rounds=$3
shift 3
mount -t tmpfs tmpfs /run
ip netns add x
clear() { sh -c 'ip netns delete y 2>/dev/null; true'; }
for ((round = 1; round <= rounds; round++)); do
	add=(-n ip "ip netns add y") del=(-n ip "ip netns delete y") list=(-n ip "ip netns list")
	exec=(-n ip "ip netns exec x true" -n nsenter "nsenter --net=/run/netns/x true")
	for b in "$@"; do
		add+=(-n "$b" "$b add y") del+=(-n "$b" "$b delete y") exec+=(-n "$b" "$b exec x true") list+=(-n "$b" "$b list")
	done
	hyperfine -N -w 10 -r "$runs" --prepare "sh -c 'ip netns delete y 2>/dev/null; true'" \
		--export-json "$work/add.$round.json" "${add[@]}" >/dev/null 2>&1
	clear
	hyperfine -N -w 10 -r "$runs" --prepare "ip netns add y" \
		--export-json "$work/delete.$round.json" "${del[@]}" >/dev/null 2>&1
	clear
	hyperfine -N -w 10 -r "$runs" --export-json "$work/exec.$round.json" "${exec[@]}" >/dev/null 2>&1
	hyperfine -N -w 10 -r "$runs" --export-json "$work/list.$round.json" "${list[@]}" >/dev/null 2>&1
done
INNER
unshare --mount --net --propagation private -- bash "$work/inner.sh" "$work" "$RUNS" "$ROUNDS" "${bins[@]}"

python3 - "$work" "$ROUNDS" <<'REPORT'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
for op in ("add", "delete", "exec", "list"):
    wall, cpu = {}, {}
    for r in range(1, rounds + 1):
        for res in json.load(open(f"{work}/{op}.{r}.json"))["results"]:
            wall.setdefault(res["command"], []).append(res["median"])
            cpu.setdefault(res["command"], []).append(res["user"] + res["system"])
    wall = {name: statistics.median(t) for name, t in wall.items()}
    cpu = {name: statistics.median(t) for name, t in cpu.items()}
    print(f"{op}:  wall time (median), then CPU time (user + system)")
    for name in wall:
        line = f"  {wall[name] * 1e6:6.0f} µs {wall[name] / wall['ip']:5.2f}× ip"
        if "nsenter" in wall:
            line += f" {wall[name] / wall['nsenter']:5.2f}× nsenter"
        line += f"   cpu {cpu[name] * 1e6:5.0f} µs {cpu[name] / cpu['ip']:5.2f}× ip"
        print(f"{line}   {name}")
REPORT
