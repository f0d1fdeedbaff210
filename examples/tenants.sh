#!/usr/bin/env bash
# The main job: build the Neutron-style two-tenant lab (examples/tenants.toml:
# two tenants with the same 10.0.0.0/24 behind their own router namespaces,
# SNAT, a floating IP with a web server behind it), then show its status and
# its reachability test matrix. The lab stays up for you to look around;
# the last lines say how to take it down.
#
#   cargo build --release && examples/tenants.sh
#
# Run as root, or as a user who may sudo: the script asks sudo for root then.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/netns
if [[ ! -x $bin ]]; then
	echo "examples/tenants.sh: build netns first: cargo build --release" >&2
	exit 2
fi
if [[ $EUID -ne 0 ]]; then
	if command -v sudo >/dev/null; then
		exec sudo -- "$PWD/examples/tenants.sh" "$@"
	fi
	echo "examples/tenants.sh: a lab creates namespaces, which needs root: run it as root" >&2
	exit 2
fi
# The commands shown at the end: as the user typed this script.
as_root=""
[[ -n ${SUDO_USER:-} ]] && as_root="sudo "
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
  ${as_root}$bin exec tenants vm-b1 -- ip route
  ${as_root}$bin graph examples/tenants.toml --format svg -o tenants.svg
  ${as_root}$bin graph examples/tenants.toml --live
Take it down:
  ${as_root}$bin down tenants
MSG
