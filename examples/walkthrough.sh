#!/usr/bin/env bash
# A two-minute tour of netns: name two namespaces, wire them with a veth
# whose ends are created directly inside them, address them, look inside
# without running anything there, then clean up. Needs root. Uses only
# names it makes, and removes them even when a step fails.
set -euo pipefail
NETNS=${NETNS:-$(dirname "$0")/../target/release/netns}
a=tour-a-$$ b=tour-b-$$
trap '"$NETNS" delete "$a" 2>/dev/null || true; "$NETNS" delete "$b" 2>/dev/null || true' EXIT

step() { printf '\n\033[1m$ netns %s\033[0m\n' "$*"; "$NETNS" "$@"; }

step add "$a"                                   # same as: ip netns add
step add "$b"
step list
step -n "$a" link add eth0 type veth peer name eth0 netns "$b"
step -n "$a" addr add 10.99.0.1/24 dev eth0
step -n "$b" addr add 10.99.0.2/24 dev eth0
step -n "$a" link set eth0 up
step -n "$b" link set eth0 up
step -n "$a" -br addr                           # ip -n A -br addr, from our own process
step exec "$a" ip route                         # run a command inside, as ip netns exec does
step inspect "$a"                               # one view: interfaces, peer by name, routes, sysctls…
step -j -p list
step delete "$a"
step delete "$b"
step list
trap - EXIT
