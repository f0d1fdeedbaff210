#!/usr/bin/env bash
# The release build of netns: with the `fast-start` feature, so that plain
# `add`, `delete` and `exec` run before libc starts (docs/performance.md).
# x86_64 Linux with glibc only; elsewhere `cargo build --release` is the
# build, and starts the ordinary way.
#
#   scripts/release.sh [OUT]        # OUT: target/fast-start/netns by default
#
# Builds with .cargo/fast-start.toml (the target and the static linking the
# feature needs; see there), checks the binary (tests/binary/: the code
# reachable from the entry point keeps its rules, the binary is
# position-independent), then writes a stripped copy of it to OUT and
# prints OUT's path. Needs binutils (objdump, readelf, strip).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$repo/target/fast-start/netns}")
cd "$repo"
recipe=(--config .cargo/fast-start.toml)
host=$(rustc -vV | sed -n 's/^host: //p')
if [[ $host != x86_64-unknown-linux-gnu ]]; then
	echo "scripts/release.sh: the release build is for x86_64 glibc, not $host: use cargo build --release" >&2
	exit 2
fi

# The binary's path, from cargo itself.
bin=$(cargo build "${recipe[@]}" --release --features fast-start --bin netns --message-format=json-render-diagnostics |
	sed -n 's/.*"executable":"\([^"]*\/netns\)".*/\1/p')
[[ -x $bin ]] || { echo "scripts/release.sh: cannot find the netns binary cargo built" >&2; exit 1; }
# A copy first, which the test checks and OUT gets. The test itself only
# reads the file, so it is built in the quick `ci` profile, the one the
# test suite shares.
mkdir -p "$(dirname "$out")"
built=$out.unstripped
trap 'rm -f "$built"' EXIT
cp "$bin" "$built"
NETNS_CHECK_BINARY=$built NETNS_CHECK_FAST_START=1 cargo test --profile ci --quiet --test binary >&2
strip -o "$out" "$built"
echo "$out"
