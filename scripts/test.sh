#!/usr/bin/env bash
# The whole test suite, as root, against the real kernel:
#   formatting, lints, unit tests, and the integration suites under tests/
#   (differential tests against /usr/sbin/ip, interop, concurrency, bad input,
#   labs built for real: up/down/test/graph/validate, kill -9 recovery).
#   Then the fuzz targets, 25 s each (scripts/fuzz.sh).
# Both builds users get are tested: the release recipe's
# (scripts/release.sh, with the `fast-start` entry path; x86_64 glibc) runs
# the whole suite; plain `cargo build --release` (the README's, and cargo
# install's) runs the binary, start-up and differential suites, and each
# brings up the other's debris lab. Where there is no release build, the
# plain build runs the whole suite.
# Every test makes its own uniquely named namespaces and removes them, in
# private namespaces: the suite must pass whatever the host already has. To
# prove it, the tests run with foreign debris on the host (named
# namespaces, an /etc/netns entry, a running lab; scripts/debris.sh), which
# is removed afterwards, exactly what was made (NETNS_TEST_DEBRIS=0: none).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $EUID -ne 0 ]]; then
	if command -v sudo >/dev/null; then
		exec sudo -- bash "$PWD/scripts/test.sh" "$@"
	fi
	echo "scripts/test.sh: the tests need root (real namespaces): run it as root" >&2
	exit 2
fi

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need ip || missing+=(iproute2)
need setpriv || missing+=(util-linux)
need unshare || missing+=(util-linux)
need strace || missing+=(strace)   # fault injection in tests/bugfixes.rs, the early path in tests/start_path.rs
need nft || missing+=(nftables)   # firewall summary in tests/inspect.rs, lab NAT/firewall
need dnsmasq || missing+=(dnsmasq-base)   # the DHCP server of examples/neutron.toml
need python3 || missing+=(python3)   # servers and clients in the lab tests
need objdump || missing+=(binutils)   # tests/binary reads the machine code; scripts/release.sh strips
if ((${#missing[@]})); then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy >/dev/null 2>&1 || true

# The release recipe's build settings (the static target the entry path needs).
# They go after the subcommand: cargo does not hand a --config before it on
# to cargo-clippy.
recipe=(--config .cargo/fast-start.toml)
# The release build exists for x86_64 glibc only; elsewhere the whole suite
# runs on the plain build.
host=$(rustc -vV | sed -n 's/^host: //p')
with_release=0
[[ $host == x86_64-unknown-linux-gnu ]] && with_release=1

cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
if ((with_release)); then   # src/entry/ too
	cargo clippy "${recipe[@]}" --release --features fast-start --all-targets --quiet -- -D warnings
fi
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet   # the library docs build clean

plain=$(cargo build --release --quiet --bin netns --message-format=json-render-diagnostics |
	sed -n 's/.*"executable":"\([^"]*\/netns\)".*/\1/p')
[[ -x $plain ]] || { echo "scripts/test.sh: cannot find the netns binary cargo built" >&2; exit 1; }
if ((with_release)); then
	release=$(bash scripts/release.sh)   # checks its binary's entry path and ASLR first
	[[ -x $release ]] || { echo "scripts/test.sh: scripts/release.sh made no binary" >&2; exit 1; }
	bash scripts/debris.sh "$plain" cargo test "${recipe[@]}" --quiet --release --features fast-start
	bash scripts/debris.sh "$release" cargo test --quiet --release --test binary --test start_path --test differential
else
	echo "scripts/test.sh: no release build on $host (x86_64 glibc only): the whole suite runs on the plain build" >&2
	bash scripts/debris.sh "$plain" cargo test --quiet --release
fi
timeout 600 bash scripts/fuzz.sh 25
