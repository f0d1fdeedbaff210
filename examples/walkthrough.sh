#!/usr/bin/env bash
# A two-minute tour of netns: add a namespace, look at it, run something in
# it, list everything, delete it. Needs root. Uses only names it makes.
set -euo pipefail
NETNS=${NETNS:-$(dirname "$0")/../target/x86_64-unknown-linux-gnu/release/netns}
name=walkthrough-$$
trap '"$NETNS" delete "$name" 2>/dev/null || true' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$NETNS" add "$name"
step "$NETNS" set "$name" auto
step "$NETNS" list
step "$NETNS" -j -p list
step "$NETNS" exec "$name" ip -br link
step "$NETNS" exec "$name" "$NETNS" identify
step "$NETNS" list --all
step "$NETNS" delete "$name"
step "$NETNS" list
trap - EXIT
