#!/usr/bin/env bash
# The whole test suite, as root, against the real kernel:
#   formatting, lints, a build with the oldest Rust Cargo.toml promises,
#   unit tests, and the integration tests of tests/integration/, one binary
#   with a module per area (differential tests against /usr/sbin/ip,
#   interop, concurrency, bad input, labs built for real:
#   up/down/test/graph/validate, kill -9 recovery).
#   Then the fuzz targets, 25 s each (scripts/fuzz.sh).
# The tests build with the `ci` profile of Cargo.toml (optimised, no
# cross-crate LTO: quick to relink). Both builds users get are tested: the
# whole suite runs on the plain build (the code of `cargo build --release`
# and `cargo install`, in the ci profile); on x86_64 glibc the release build
# (scripts/release.sh: the `fast-start` entry path, which needs cross-crate
# LTO) has its machine code checked and runs the start-up and differential
# tests. Each build brings up the debris lab the other's tests run beside.
# Every test makes its own uniquely named namespaces and removes them, in
# private namespaces: the suite must pass whatever the host already has. To
# prove it, the tests run with foreign debris on the host (named
# namespaces, an /etc/netns entry, a running lab; scripts/debris.sh), which
# is removed afterwards, exactly what was made (NETNS_TEST_DEBRIS=0: none).
#
# As root, it does everything itself. As a user who may `sudo` (a
# workstation), everything that builds runs as you, so that target/ and
# ~/.cargo stay yours; sudo is asked for installing missing packages and
# for running the tests, which make real namespaces, with your toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
# ip, nft, tc and sysctl live in the sbin directories, which a user's PATH
# (kept through sudo for the tests) often lacks.
for dir in /usr/local/sbin /usr/sbin /sbin; do
	[[ :$PATH: == *:$dir:* ]] || PATH=$PATH:$dir
done
export PATH

# `sudo` before the commands that need root, when not root.
as_root=()
if [[ $EUID -ne 0 ]]; then
	if ! command -v sudo >/dev/null; then
		echo "scripts/test.sh: the tests need root (real namespaces): run it as root" >&2
		exit 2
	fi
	as_root=(sudo --)
fi

need() { command -v "$1" >/dev/null 2>&1; }
install_missing() {
	local missing=()
	need ip || missing+=(iproute2)
	need setpriv || missing+=(util-linux)
	need unshare || missing+=(util-linux)
	need strace || missing+=(strace)   # fault injection (tests/integration/bugfixes.rs), the early path (start_path.rs)
	need nft || missing+=(nftables)   # rule sets the firewall tests load and compare with (tests/integration/firewall.rs), lab NAT/firewall
	need iptables-legacy-restore || missing+=(iptables)   # legacy rule sets the firewall tests load and compare with (tests/integration/firewall.rs)
	need ipset || missing+=(ipset)   # the sets legacy firewall rules match (tests/integration/firewall.rs)
	need dnsmasq || missing+=(dnsmasq-base)   # the DHCP server of examples/neutron.toml
	need bird || missing+=(bird2)   # the OSPF routers of examples/ospf-ring.toml (tests/integration/labs_ospf.rs); the lab never uses the bird.service systemd may start
	need python3 || missing+=(python3)   # servers and clients in the lab tests
	need tcpdump || missing+=(tcpdump)   # reads netns capture's pcapng back (tests/integration/capture.rs)
	need tshark || missing+=(tshark)   # interface names and counts of netns capture's pcapng, and capinfos (tests/integration/capture.rs)
	need ping || missing+=(iputils-ping)   # the traffic netns capture records (tests/integration/capture.rs)
	# libpcap's run-time library, which netns capture loads for a FILTER
	# (tests/integration/capture.rs; building needs no libpcap).
	ldconfig -p 2>/dev/null | grep -q 'libpcap\.so\.' || missing+=(libpcap0.8)
	need tmux || missing+=(tmux)   # a real terminal for netns top's full-screen view (tests/integration/top.rs)
	need objdump || missing+=(binutils)   # tests/binary reads the machine code; scripts/release.sh strips
	if ((${#missing[@]})); then
		"${as_root[@]}" apt-get update -qq
		# Debian 13 and Ubuntu 24.04 call the library package libpcap0.8t64.
		if [[ " ${missing[*]} " == *" libpcap0.8 "* ]] && apt-cache show libpcap0.8t64 >/dev/null 2>&1; then
			missing=("${missing[@]/#libpcap0.8/libpcap0.8t64}")
		fi
		"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
	rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy >/dev/null 2>&1 || true
}

# The release build's settings (the static target the entry path needs).
# They go after the subcommand: cargo does not hand a --config before it on
# to cargo-clippy. The release build exists for x86_64 glibc only.
recipe=(--config .cargo/fast-start.toml)
host=$(rustc -vV | sed -n 's/^host: //p')
with_release=0
[[ $host == x86_64-unknown-linux-gnu ]] && with_release=1

checks() {
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	if ((with_release)); then   # src/entry/, in the build that compiles it (the tests are linted above)
		cargo clippy "${recipe[@]}" --release --features fast-start --lib --bins --quiet -- -D warnings
	fi
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet   # the library docs build clean
	# The oldest Rust that Cargo.toml's rust-version promises builds the
	# library and the binary, what a user builds (clippy above checks only
	# the standard library against it, not language features). Where that
	# toolchain cannot be installed, the check is skipped and says so.
	local msrv
	msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
	[[ -n $msrv ]] || { echo "scripts/test.sh: no rust-version in Cargo.toml" >&2; exit 1; }
	have_msrv() { rustup run "$msrv" rustc --version >/dev/null 2>&1; }
	if have_msrv || { rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1 && have_msrv; }; then
		cargo +"$msrv" check --workspace --lib --bins --quiet --target-dir target/msrv
	else
		echo "scripts/test.sh: SKIPPED: Rust $msrv (rust-version) could not be installed, so building with it was not checked" >&2
	fi
}

# Both builds, and the test binaries (built, not run).
builds() {
	# The release build runs alongside the plain one: its last step, the
	# whole-program optimisation, keeps one core busy for minutes, and the
	# plain build uses the other (cargo locks each profile's output
	# directory on its own, so the two do not wait for each other).
	local rel_out rel_pid=
	rel_out=$(mktemp /tmp/netns-release.XXXXXX)
	if ((with_release)); then
		bash scripts/release.sh >"$rel_out" &   # checks its binary's entry path and ASLR first
		rel_pid=$!
	fi
	cargo test --workspace --quiet --profile ci --no-run
	# The plain binary, the one the tests run: same code as `cargo build
	# --release`, which differs only in its cross-crate LTO.
	plain=$(cargo build --profile ci --quiet --bin netns --message-format=json-render-diagnostics |
		sed -n 's/.*"executable":"\([^"]*\/netns\)".*/\1/p')
	[[ -x $plain ]] || { echo "scripts/test.sh: cannot find the netns binary cargo built" >&2; exit 1; }
	release=$plain
	if ((with_release)); then
		wait "$rel_pid" || { rm -f "$rel_out"; echo "scripts/test.sh: scripts/release.sh failed" >&2; exit 1; }
		release=$(cat "$rel_out")
		rm -f "$rel_out"
		[[ -x $release ]] || { echo "scripts/test.sh: scripts/release.sh made no binary" >&2; exit 1; }
	else
		rm -f "$rel_out"
		echo "scripts/test.sh: no release build on $host (x86_64 glibc only): the plain build is the only one" >&2
	fi
}

# The tests, as root. A test that needs root skips itself when it runs
# without (plain `cargo test` as a user); here that would be a pass that
# tested nothing: NETNS_REQUIRE_ROOT=1 makes it fail.
tests() {
	export NETNS_REQUIRE_ROOT=1
	bash scripts/debris.sh "$release" cargo test --workspace --quiet --profile ci
	if ((with_release)); then
		NETNS_TEST_BINARY=$release NETNS_TEST_FAST_START=1 bash scripts/debris.sh "$plain" \
			cargo test --quiet --profile ci --test integration -- start_path:: differential::
	fi
}

if [[ ${1:-} == --run-tests ]]; then   # the root half of a run a user started: PLAIN RELEASE
	plain=$2 release=$3
	# What root makes in target/ and in your cargo home (test scratch
	# files, cargo's locks) is handed back to you, also when a test fails.
	if [[ -n ${SUDO_UID:-} ]]; then
		give_back() { find target "${CARGO_HOME:-}" -xdev -user 0 -exec chown -h "$SUDO_UID:$SUDO_GID" {} + 2>/dev/null || true; }
		trap give_back EXIT
	fi
	tests
	exit
fi
# Each step says how long it took: the whole run must stay short enough
# to run before every merge.
timed() {
	local start=$SECONDS
	"$@"
	echo "scripts/test.sh: $1 took $((SECONDS - start)) s" >&2
}
timed install_missing
timed checks
timed builds
if ((EUID == 0)); then
	timed tests
else
	# The builds above are fresh: as root, cargo only runs the tests, with
	# your toolchain.
	sudo -- env PATH="$PATH" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
		bash "$PWD/scripts/test.sh" --run-tests "$plain" "$release"
fi
fuzz() { timeout 600 bash scripts/fuzz.sh 25; }
timed fuzz
