#!/usr/bin/env bash
# Scale figures: generated chains of routers and stars of hosts come up and
# go down under an open-files limit of 1024 (soft and hard: netns cannot
# raise it), against the kernel floor measured in the same run, case by
# case: bench/floor.c making and then deleting the same number of named
# namespaces with 2 threads (no links, no addresses: the least any tool
# pays for the names alone).
#
# Per case it prints, as medians of REPS repetitions:
#   up, down         wall time and CPU time (user + system) of netns, and
#                    the ratio of the wall time to the floor's add / delete
#   floor add/del    the floor's wall time for as many names
#   floor chain      (chains) the floor making the names and the chain's
#                    veth pairs between them, with 2 threads: the kernel's
#                    cost of the objects, without bringing links up,
#                    addresses or routes
#   floor lab        (chains) the floor doing all the kernel work of the
#                    generated lab: the names, the veth pairs, then in each
#                    namespace lo and the links up, the addresses, the
#                    routes and forwarding, with 2 threads and nothing
#                    else; `up` against it is netns's overhead over the
#                    kernel's work for the lab
#   rss, fds         the peak resident memory of `netns up` (from wait4)
#                    and the most descriptors it held (sampled from /proc)
#   tail             how long the kernel goes on destroying the namespaces
#                    after `down` returned (see below); the floor's tail
#                    after its delete is printed beside it
#
# `down` is timed on a lab at rest (DOWN_AT=rest, the default): after `up`
# the benchmark waits until the CPUs are idle again, at most 30 s. A lab
# keeps the kernel busy for a few seconds after `up` returns with its own
# IPv6 start-up traffic (duplicate address detection, multicast listener
# reports, router solicitations), and a switch floods each of those frames
# to every port: N hosts on one switch make N² frames. A `down` in that
# window competes with it; DOWN_AT=now times `down` right after `up`, to
# show how much.
#
# The kernel's tail: deleting a name only drops a reference; the kernel
# dismantles the namespaces afterwards on its cleanup work queue, in the
# order they were released, a batch at a time. The tail is measured with a
# canary: right after `down` returns, a namespace holding one end of a veth
# pair (the other end in the benchmark's namespace) is made and deleted;
# the kernel removes that veth end when it dismantles the canary, which is
# queued behind every namespace of the lab, so the end vanishing from
# /proc/net/dev marks the moment the lab's namespaces are gone too. (The
# net_namespace slab count is no signal: freed objects stay in the slab.)
# The next measurement starts only after that, so none pays for the
# previous one's clean-up.
#
# Runs inside a private mount+net namespace with a tmpfs /run and /tmp, so
# nothing touches the host; every namespace made is removed, also on
# failure. Needs root, cc, python3 and cargo (unless NETNS_BIN is given).
#
#   bench/scale.sh                         # every case, REPS=3
#   CASES="chain:1000 star:500" bench/scale.sh
#   REPS=1 CASES=chain:10000 bench/scale.sh
#   NOFILE=4096 bench/scale.sh             # another open-files limit
#   DOWN_AT=now bench/scale.sh             # `down` right after `up`
#   NETNS_BIN=/path/to/netns bench/scale.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_needs_root bench/scale.sh
command -v cc >/dev/null || { echo "bench/scale.sh: needs cc (for bench/floor.c)" >&2; exit 2; }
bin=$(bench_netns_bin)
CASES=${CASES:-"chain:1000 chain:4000 chain:10000 star:500 star:1000"}
REPS=${REPS:-3}
NOFILE=${NOFILE:-1024}
DOWN_AT=${DOWN_AT:-rest}
[[ $DOWN_AT == rest || $DOWN_AT == now ]] || { echo "bench/scale.sh: DOWN_AT is rest or now, not $DOWN_AT" >&2; exit 2; }

inner=$(mktemp /tmp/netns-scale-bench.XXXXXX)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
bin=$1 gen=$2 floor_c=$3 cases=$4 reps=$5 nofile=$6 down_at=$7
unset NETNS_RUN_DIR NETNS_LAB_DIR
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
export NETNS_ETC_DIR=/tmp/etc
ip link set lo up
cc -O2 -pthread -o /tmp/floor "$floor_c"
read -r tag </proc/sys/kernel/random/uuid
P=sb${tag:0:5}-	# every namespace name starts with this
shopt -s nullglob
cleanup() {	# whatever a failed step left: every name this run made
	local lab
	for lab in /tmp/gen-*/*.toml; do "$bin" down --skip-exec "$lab" >/dev/null 2>&1 || true; done
	/tmp/floor purge "$P" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
now() { date +%s%N; }
median() { python3 -c "import sys, statistics; print('%.3f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
ratio() { python3 -c "import sys; a, b = map(float, sys.argv[1:]); print('%.2f' % (a / b) if b else 'n/a')" "$1" "$2"; }
link_present() { grep -q "^ *$1:" /proc/net/dev; }
# tail: seconds until the kernel has dismantled every namespace released
# before this call (the canary, above)
tail_s() {
	local t0 dev=${P}k i
	t0=$(now)
	ip netns add "${P}canary"
	ip link add "$dev" type veth peer name c0 netns "${P}canary"
	ip netns delete "${P}canary"
	for ((i = 0; i < 60000; i++)); do	# 60 s at most
		link_present "$dev" || break
		sleep 0.001
	done
	link_present "$dev" && { ip link delete "$dev" 2>/dev/null; echo nan; return; }
	python3 -c "import sys; print('%.3f' % ((int(sys.argv[2]) - int(sys.argv[1])) / 1e9))" "$t0" "$(now)"
}
# quiet: wait until the CPUs have been idle (under 10 % busy) for half a
# second, 30 s at most: a lab's start-up traffic has died down (see the top)
quiet() {
	python3 - <<'PY'
import time
def sample():
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]   # all, idle + iowait
end, calm, (tot0, idle0) = time.monotonic() + 30, 0, sample()
while time.monotonic() < end and calm < 2:
    time.sleep(0.25)
    tot, idle = sample()
    busy = 1 - (idle - idle0) / (tot - tot0) if tot > tot0 else 0
    calm, tot0, idle0 = (calm + 1 if busy < 0.10 else 0), tot, idle
PY
}
# timed OUT COMMAND...: wall, user+system seconds and peak RSS (MB) into
# OUT as "wall cpu rss_mb peak_fds"; the command's own output to OUT.log
timed() {
	local out=$1 t0 pid peak=0 c
	shift
	t0=$(now)
	/usr/bin/time -f '%U %S %M' -o "$out.time" prlimit --nofile="$nofile:$nofile" -- "$@" >"$out.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for c in $(pgrep -P "$pid"); do	# netns (prlimit execs it)
			c=$(ls /proc/"$c"/fd 2>/dev/null | wc -l) || c=0
			((c > peak)) && peak=$c
		done
		sleep 0.05
	done
	wait "$pid" || { echo "FAILED: $*" >&2; tail -5 "$out.log" >&2; return 1; }
	local wall u s m
	wall=$(python3 -c "import sys; print('%.3f' % ((int(sys.argv[2]) - int(sys.argv[1])) / 1e9))" "$t0" "$(now)")
	read -r u s m <"$out.time"
	echo "$wall $(python3 -c "print('%.3f' % ($u + $s))") $((m / 1024)) $peak" >"$out"
}
field() { cut -d' ' -f"$2" "$1"; }
# floor_s LINE: the seconds of one floor run ("... total_ms=T ...")
floor_s() { python3 -c "import sys; print(float(sys.argv[1].split('total_ms=')[1].split()[0]) / 1000)" "$1"; }

echo "netns scale benchmark: $(uname -r), $(nproc) CPUs, open files $nofile:$nofile, median of $reps, down timed at $down_at"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $cases; do
	kind=${c%%:*} n=${c##*:}
	d=/tmp/gen-$kind-$n
	python3 "$gen" "$kind" "$n" "$d" "$P$kind$n-" >/dev/null
	lab=$(echo "$d"/*.toml)
	name=$(basename "$lab" .toml)
	nodes=$(grep -c '^\[nodes\.' "$lab")
	fa=() fc=() fl=() fd=() ft=() uw=() uc=() rss=() fds=() dw=() dc=() dt=()
	tail_s >/dev/null
	for ((r = 0; r < reps; r++)); do
		out=$(/tmp/floor -t 2 add "${P}f" "$nodes")
		fa+=("$(floor_s "$out")")
		out=$(/tmp/floor -t 2 del "${P}f" "$nodes")
		fd+=("$(floor_s "$out")")
		ft+=("$(tail_s)")
		if [[ $kind == chain ]]; then	# the same names and veth pairs, nothing else
			out=$(/tmp/floor -t 2 chain "${P}f" "$nodes")
			fc+=("$(floor_s "$out")")
			/tmp/floor -t 2 del "${P}f" "$nodes" >/dev/null
			tail_s >/dev/null
			out=$(/tmp/floor -t 2 lab "${P}f" "$nodes")
			fl+=("$(floor_s "$out")")
			/tmp/floor -t 2 del "${P}f" "$nodes" >/dev/null
			tail_s >/dev/null
		fi
		timed /tmp/up "$bin" up "$lab"
		uw+=("$(field /tmp/up 1)") uc+=("$(field /tmp/up 2)") rss+=("$(field /tmp/up 3)") fds+=("$(field /tmp/up 4)")
		[[ $down_at == rest ]] && quiet
		timed /tmp/down "$bin" down "$name"
		dt+=("$(tail_s)")
		dw+=("$(field /tmp/down 1)") dc+=("$(field /tmp/down 2)")
		left=$(ls /run/netns | wc -l)
		((left == 0)) || { echo "$left names left after down" >&2; exit 1; }
	done
	fam=$(median "${fa[@]}") fdm=$(median "${fd[@]}")
	uwm=$(median "${uw[@]}") dwm=$(median "${dw[@]}")
	printf '%-12s %5s ns  up %7.3f s (cpu %6.3f s, %5sx floor add %6.3f s)  rss %4s MB  fds %4s\n' \
		"$kind $n" "$nodes" "$uwm" "$(median "${uc[@]}")" "$(ratio "$uwm" "$fam")" "$fam" \
		"$(median "${rss[@]}" | cut -d. -f1)" "$(median "${fds[@]}" | cut -d. -f1)"
	printf '%-12s %5s     down %5.3f s (cpu %6.3f s, %5sx floor del %6.3f s)  kernel tail %6.3f s (floor %6.3f s)\n' \
		"" "" "$dwm" "$(median "${dc[@]}")" "$(ratio "$dwm" "$fdm")" "$fdm" "$(median "${dt[@]}")" "$(median "${ft[@]}")"
	if ((${#fc[@]})); then
		fcm=$(median "${fc[@]}")
		printf '%-12s %5s     up   %5sx floor chain %6.3f s (the names and %d veth pairs, nothing set up)\n' \
			"" "" "$(ratio "$uwm" "$fcm")" "$fcm" $((nodes - 1))
		flm=$(median "${fl[@]}")
		printf '%-12s %5s     up   %5sx floor lab   %6.3f s (all the lab'"'"'s kernel work: forwarding, links up, addresses, routes)\n' \
			"" "" "$(ratio "$uwm" "$flm")" "$flm"
	fi
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
INNER
unshare --mount --net --propagation private -- bash "$inner" "$bin" "$here/labs/gen.py" "$here/floor.c" "$CASES" "$REPS" "$NOFILE" "$DOWN_AT"
