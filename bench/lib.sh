# shellcheck shell=bash
# Shared by the benchmark scripts in bench/ (sourced, not run).
#
#   bench_needs_root NAME       exit unless running as root
#   bench_needs_hyperfine       install hyperfine with apt-get when missing
#   bench_netns_bin             print the netns binary to measure: $NETNS_BIN
#                               when set, else the release build
#                               (scripts/release.sh: the fast-start build)
#                               on x86_64 glibc, else the executable that
#                               `cargo build --release` reports

bench_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_needs_root() {
	((EUID == 0)) || { echo "$1: needs root" >&2; exit 2; }
}

bench_needs_hyperfine() {
	command -v hyperfine >/dev/null && return 0
	echo "installing hyperfine (apt-get)" >&2
	apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null
}

bench_netns_bin() {
	local bin
	if [[ -n ${NETNS_BIN:-} ]]; then
		[[ -x $NETNS_BIN ]] || { echo "NETNS_BIN=$NETNS_BIN is not an executable" >&2; return 1; }
		echo "$NETNS_BIN"
		return 0
	fi
	# The build is not measured: it runs at low priority. The published
	# figures are the release build's, where there is one.
	if [[ $(rustc -vV | sed -n 's/^host: //p') == x86_64-unknown-linux-gnu ]]; then
		bin=$(nice -n 10 bash "$bench_repo/scripts/release.sh") || return 1
		[[ -x $bin ]] || { echo "scripts/release.sh did not make a netns executable" >&2; return 1; }
		echo "$bin"
		return 0
	fi
	# Cargo prints one JSON message per line; the netns binary's names its
	# executable.
	bin=$(cd "$bench_repo" && nice -n 10 cargo build --release --bin netns \
		--message-format=json-render-diagnostics |
		sed -n 's/.*"reason":"compiler-artifact".*"executable":"\([^"]*\/netns\)".*/\1/p' | tail -1) || return 1
	[[ -n $bin && -x $bin ]] || { echo "cargo build did not report a netns executable" >&2; return 1; }
	echo "$bin"
}
