#!/usr/bin/env bash
# Fuzz every reader of untrusted input for a bounded time:
#
#   scripts/fuzz.sh [SECONDS]        (default 25 per target; all run at once)
#   FUZZ_TARGETS="lab_file" scripts/fuzz.sh 600
#
# Builds fuzz/ with libFuzzer's coverage instrumentation on the stable
# toolchain (the flags `cargo fuzz build -s none` uses; no sanitizer, since
# the code under test is safe Rust), then runs each target on its seed
# corpus fuzz/corpus/<target>/. The seeds are only read: what the fuzzer
# finds goes to a scratch directory. A panic, an overflow, an input that
# takes over 10 s or a run over 2 GiB of memory fails the script, which
# prints the reproducer's path and the command that replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-25}
read -r -a targets <<<"${FUZZ_TARGETS:-lab_file batch_file global_options netlink_replies nftables_dump xtables_table}"
target_dir=${CARGO_TARGET_DIR:-$PWD/target}/fuzz
artifacts=$PWD/fuzz/artifacts

export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
unset CARGO_ENCODED_RUSTFLAGS

# The target is named, as cargo-fuzz does, so that the instrumentation
# flags stay off build scripts and proc-macro crates (they would not link
# without libFuzzer). The binaries' paths come from cargo itself.
host=$(rustc -vV | sed -n 's/^host: //p')
declare -A bin=()
while IFS= read -r exe; do
	bin[$(basename "$exe")]=$exe
done < <(cargo build --manifest-path fuzz/Cargo.toml --profile fuzz-ci --target-dir "$target_dir" --target "$host" \
	--message-format=json-render-diagnostics | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')

work=$(mktemp -d /tmp/netns-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
pids=()
for t in "${targets[@]}"; do
	[[ -n ${bin[$t]:-} ]] || { echo "fuzz: no target $t" >&2; exit 2; }
	[[ -d fuzz/corpus/$t ]] || { echo "fuzz: no seed corpus fuzz/corpus/$t" >&2; exit 2; }
	mkdir -p "$work/$t" "$artifacts/$t"
	# stdout and stderr of the code under test are closed (-close_fd_mask):
	# the option scanner reports every bad command line it is fed.
	timeout $((secs + 120)) "${bin[$t]}" "$work/$t" "fuzz/corpus/$t" \
		-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
		-artifact_prefix="$artifacts/$t/" -print_final_stats=1 >"$work/$t.log" 2>&1 &
	pids+=($!)
done

failed=0
for i in "${!targets[@]}"; do
	t=${targets[$i]}
	rc=0
	wait "${pids[$i]}" || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	if ((rc == 0)); then
		echo "fuzz: $t: ${runs:-?} inputs in ${secs} s, no failure"
		continue
	fi
	failed=1
	repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/$t.log" | tail -n 1)
	echo "fuzz: $t FAILED (status $rc)" >&2
	tail -n 15 "$work/$t.log" >&2
	if [[ -n $repro ]]; then
		echo "fuzz: $t: reproducer: $repro" >&2
		echo "fuzz: $t: replay with: ${bin[$t]} $repro" >&2
		# The panic message, which the fuzzing run did not show.
		timeout 60 "${bin[$t]}" "$repro" 2>&1 | grep -v '^INFO:\|^WARNING:' | tail -n 20 >&2 || true
	fi
done
exit $failed
