#!/usr/bin/env bash
# Benchmark netns against iproute2 (/usr/sbin/ip) and the kernel floor
# (bench/floor.c) in the same run, with bench/harness.sh. Needs root, cargo
# (unless NETNS_BIN is given), cc for the floor, and hyperfine (installed
# with apt-get when missing). Everything runs in a private mount and
# network namespace; the host's /run/netns is not touched.
#
#   bench/run.sh                     # full run (a few minutes on 2 cores)
#   REPS=1 bench/run.sh              # quicker, noisier
#   NETNS_BIN=/path/to/netns bench/run.sh   # measure that binary, no build
#   OUT=/tmp/r bench/run.sh          # results elsewhere (default bench/results)
#
# Two passes:
#   1. the drop-in, default mode: add/delete one process each, batch files,
#      exec, list/identify/pids, pids against the number of processes, and
#      add/delete/list/identify/exec with 0 and 2000 names present;
#   2. `netns --net-only exec` (the opt-in fast exec) with 1, 0 and 2000
#      names present.
# Each pass prints NAME.ratio_vs_ip lines (< 1: netns is faster) among its
# figures; the run ends with a Markdown summary of both passes. All knobs of
# bench/harness.sh (REPS, SECTIONS, N_PROC, SCALE_LEVELS, ...) pass through.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_needs_root bench/run.sh
bench_needs_hyperfine
bin=$(bench_netns_bin)
out=${OUT:-$here/results}
stamp=$(date +%Y%m%d-%H%M)
mkdir -p "$out"

echo "== pass 1: $bin (default mode)" >&2
bash "$here/harness.sh" "$bin" | tee "$out/$stamp-default.txt"

echo "== pass 2: $bin --net-only (exec)" >&2
SECTIONS="exec scale" SCALE_WHAT=exec \
	bash "$here/harness.sh" "$bin" --net-only | tee "$out/$stamp-net-only.txt"

bash "$here/summary.sh" "$out/$stamp-default.txt" "$out/$stamp-net-only.txt" >"$out/$stamp-summary.md"
echo
cat "$out/$stamp-summary.md"
echo "results: $out/$stamp-default.txt $out/$stamp-net-only.txt $out/$stamp-summary.md" >&2
