#!/usr/bin/env bash
# The whole test suite, as root, against the real kernel:
#   formatting, lints, unit tests, and the integration suites under tests/
#   (differential tests against /usr/sbin/ip, interop, concurrency, bad input,
#   labs built for real: up/down/test/graph/validate, kill -9 recovery).
# Every test makes its own uniquely named namespaces and removes them.
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
need dnsmasq || missing+=(dnsmasq-base)   # the DHCP server of examples/neutron.toml (labs.md §8.5)
need python3 || missing+=(python3)   # servers and clients in the lab tests
if ((${#missing[@]})); then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy >/dev/null 2>&1 || true

cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet   # the library docs build clean
cargo test --quiet --release
