#!/usr/bin/env bash
# The whole test suite, as root, against the real kernel:
#   formatting, lints, a build with the oldest Rust Cargo.toml promises,
#   unit tests, and the integration tests of tests/integration/, one binary
#   with a module per area (differential tests against /usr/sbin/ip,
#   interop, concurrency, bad input, labs built for real:
#   up/down/test/graph/validate, kill -9 recovery).
#   Then the fuzz targets, 25 s each (scripts/fuzz.sh).
# The tests build with the `ci` profile of Cargo.toml (optimised, no
# cross-crate LTO: quick to relink); `cargo build --release`, the binary
# users get, brings up the debris lab.
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
need strace || missing+=(strace)   # fault injection (tests/integration/bugfixes.rs), the early path (start_path.rs)
need nft || missing+=(nftables)   # firewall summary (tests/integration/inspect.rs), lab NAT/firewall
need dnsmasq || missing+=(dnsmasq-base)   # the DHCP server of examples/neutron.toml
need python3 || missing+=(python3)   # servers and clients in the lab tests
if ((${#missing[@]})); then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy >/dev/null 2>&1 || true

cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet   # the library docs build clean
# The oldest Rust that Cargo.toml's rust-version promises builds every
# target (clippy above checks only the standard library against it, not
# language features). Where that toolchain cannot be installed, the check
# is skipped and says so.
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
[[ -n $msrv ]] || { echo "scripts/test.sh: no rust-version in Cargo.toml" >&2; exit 1; }
have_msrv() { rustup run "$msrv" rustc --version >/dev/null 2>&1; }
if have_msrv || { rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1 && have_msrv; }; then
	cargo +"$msrv" check --all-targets --quiet --target-dir target/msrv
else
	echo "scripts/test.sh: SKIPPED: Rust $msrv (rust-version) could not be installed, so building with it was not checked" >&2
fi
# The debris lab is brought up by the release build of netns.
netns_bin=$(cargo build --release --quiet --bin netns --message-format=json-render-diagnostics |
	sed -n 's/.*"executable":"\([^"]*\/netns\)".*/\1/p')
[[ -x $netns_bin ]] || { echo "scripts/test.sh: cannot find the netns binary cargo built" >&2; exit 1; }
# A test that needs root skips itself when it runs without (plain `cargo
# test` as a user); here that would be a pass that tested nothing: it fails.
export NETNS_REQUIRE_ROOT=1
bash scripts/debris.sh "$netns_bin" cargo test --quiet --profile ci
timeout 600 bash scripts/fuzz.sh 25
