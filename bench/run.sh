#!/usr/bin/env bash
# Benchmark netns against iproute2 in the same run, with the benchmark
# harness netns-bench.sh (its path in $HARNESS). Needs root.
#
#   bench/run.sh            # full run, results in bench/results/
#   REPS=1 bench/run.sh     # quicker, noisier
#   NETNS=target/release/netns bench/run.sh   # another build than scripts/release.sh's
#
# Two passes:
#   1. the drop-in, default mode: add/delete, batch, exec, list/identify/pids,
#      exec cost against the number of named namespaces (0 and 2000);
#   2. exec with --net-only (the opt-in fast exec) in the same sections.
# Each pass measures iproute2 interleaved with netns and prints
# NAME.ratio_vs_ip lines (< 1: netns is faster). summarize.py turns result
# files into a Markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
[[ -f ${HARNESS:-} ]] || { echo "bench/run.sh: set HARNESS to the path of netns-bench.sh" >&2; exit 2; }
((EUID == 0)) || { echo "bench/run.sh: needs root" >&2; exit 2; }
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }

# The release build (scripts/release.sh), unless NETNS names another one.
bin=${NETNS:-$(bash "$repo/scripts/release.sh")}
stamp=$(date +%Y%m%d-%H%M)
out=$here/results
mkdir -p "$out"
# The harness builds limit.c next to itself when it can, else in /tmp.
export SCALE_LEVELS=${SCALE_LEVELS:-"0 2000"}

echo "== pass 1: $bin (default mode)" >&2
SECTIONS=${SECTIONS:-"spawn limit adddel batch exec query procs scale"} \
	bash "$HARNESS" "$bin" | tee "$out/$stamp-default.txt"

echo "== pass 2: $bin --net-only (exec)" >&2
SECTIONS="exec scale" bash "$HARNESS" "$bin --net-only" | tee "$out/$stamp-net-only.txt"

echo "results: $out/$stamp-default.txt $out/$stamp-net-only.txt" >&2
