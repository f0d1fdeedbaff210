#!/usr/bin/env bash
# The main job: build the Neutron-style two-tenant lab (examples/tenants.toml:
# two tenants with the same 10.0.0.0/24 behind their own router namespaces,
# SNAT, a floating IP with a web server behind it), then show its status and
# its reachability test matrix. The lab stays up for you to look around;
# the last lines say how to take it down.
#
#   cargo build --release && sudo examples/tenants.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/x86_64-unknown-linux-gnu/release/netns
if [[ ! -x $bin ]]; then
	echo "examples/tenants.sh: build netns first: cargo build --release" >&2
	exit 2
fi
if [[ $EUID -ne 0 ]]; then
	echo "examples/tenants.sh: a lab creates namespaces, which needs root: sudo $0" >&2
	exit 2
fi
# NAT lives in nftables; the web server is python3.
missing=()
command -v nft >/dev/null || missing+=(nftables)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
	echo "installing ${missing[*]}…"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step() {
	printf '\n$ netns %s\n' "$*"
	"$bin" "$@"
}
step validate examples/tenants.toml
step up examples/tenants.toml
step status tenants
step test examples/tenants.toml
cat <<MSG

The lab is up. Look around, for example:
  sudo $bin exec tenants vm-b1 -- ip route
  sudo $bin graph examples/tenants.toml --format svg -o tenants.svg
  sudo $bin graph examples/tenants.toml --live
Take it down:
  sudo $bin down tenants
MSG
