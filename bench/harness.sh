#!/usr/bin/env bash
# bench/harness.sh: time netns against iproute2 (/usr/sbin/ip) and against
# the kernel floor (bench/floor.c), interleaved in one run. Needs root.
#
#   bench/harness.sh NETNS [OPTION...]
#
# NETNS [OPTION...] is the command measured where iproute2 runs `ip netns`:
# "NETNS [OPTION...] add NAME" against "ip netns add NAME", "NETNS
# [OPTION...] -b FILE" against "ip -batch FILE". Example:
#   bench/harness.sh target/release/netns --net-only
#
# Output on stdout, one line per figure (progress goes to stderr):
#   NAME: MEDIAN UNIT [min MIN max MAX n=REPS]    netns
#   NAME.REF: ...                   a reference measured in the same
#                                   repetitions: ip, nsenter, floor (floor.c
#                                   doing what `ip netns exec` promises, or
#                                   the add/delete system calls in one
#                                   process), floor_net (setns and exec
#                                   only), true (/usr/bin/true alone)
#   NAME.ratio_vs_REF: MEDIAN x [...]  the median of the per-repetition
#                                   ratios netns / REF (< 1: netns is faster)
#   NAME: TEXT                      a fact about the run (env.*, checks)
# Per-call figures are medians of one hyperfine run per repetition; loop
# figures time N commands started from this shell, one after the other.
# The order of the tools within a repetition is reversed every other
# repetition.
#
# Environment (defaults):
#   REPS=3            repetitions of every figure
#   SECTIONS="spawn floor adddel batch exec query procs scale"
#   N_PROC=200        names added and deleted one process each (adddel)
#   N_BATCH=1000      names added and deleted by one batch file (batch)
#   N_EXEC=200        hyperfine runs per exec figure
#   N_QUERY=1000      names present for list, identify and pids (query, procs)
#   N_SLEEP=200       extra processes present for identify and pids (query)
#   QUERY_RUNS=30     hyperfine runs per list/identify/pids figure, and per
#                     exec figure in the scale section
#   PROC_LEVELS="0 200 1000"   extra processes for pids (procs)
#   SCALE_LEVELS="0 2000"      names present in the scale section
#   SCALE_N=100       names added and deleted at each scale level
#   SCALE_WHAT="adddel query exec"   what the scale section measures
#
# Isolation: the harness runs in a private mount and network namespace
# (unshare) with a fresh tmpfs on /run/netns, the one directory both tools
# use, so the host's names neither show up in the figures nor are touched,
# and links made here live in the private network namespace. Every
# namespace it names starts with nb-TAG- (TAG is random per run); an exit
# trap removes them and stops the processes it started, by PID, also on
# failure or interrupt. NETNS_RUN_DIR and NETNS_ETC_DIR are unset: netns
# must use the directory iproute2 uses, and with either set netns takes its
# general path instead of the one a plain add, delete or exec takes.
set -uo pipefail
shopt -s nullglob
export LC_ALL=C
unset NETNS_RUN_DIR NETNS_ETC_DIR

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
(($#)) || { echo "usage: bench/harness.sh NETNS [OPTION...]" >&2; exit 2; }
((EUID == 0)) || { echo "bench/harness.sh: needs root" >&2; exit 2; }
((BASH_VERSINFO[0] >= 5)) || { echo "bench/harness.sh: needs bash 5" >&2; exit 2; }
for c in hyperfine unshare nsenter; do
	command -v "$c" >/dev/null || { echo "bench/harness.sh: needs $c" >&2; exit 2; }
done
IP=/usr/sbin/ip
[[ -x $IP ]] || { echo "bench/harness.sh: needs iproute2 at $IP" >&2; exit 2; }

if [[ -z ${NETNS_BENCH_PRIVATE:-} ]]; then
	mkdir -p /run/netns
	NETNS_BENCH_PRIVATE=1 exec unshare --mount --net --propagation private -- "$BASH" "${BASH_SOURCE[0]}" "$@"
fi
unset NETNS_BENCH_PRIVATE
mount -t tmpfs -o mode=0755,size=64m netns-bench /run/netns || exit 2
"$IP" link set lo up

TOOL=("$@")
[[ ${TOOL[0]} != */* ]] || TOOL[0]=$(realpath -- "${TOOL[0]}")	# the harness works in its own directory
REPS=${REPS:-3}
SECTIONS=${SECTIONS:-"spawn floor adddel batch exec query procs scale"}
N_PROC=${N_PROC:-200}
N_BATCH=${N_BATCH:-1000}
N_EXEC=${N_EXEC:-200}
N_QUERY=${N_QUERY:-1000}
N_SLEEP=${N_SLEEP:-200}
QUERY_RUNS=${QUERY_RUNS:-30}
PROC_LEVELS=${PROC_LEVELS:-"0 200 1000"}
SCALE_LEVELS=${SCALE_LEVELS:-"0 2000"}
SCALE_N=${SCALE_N:-100}
SCALE_WHAT=${SCALE_WHAT:-"adddel query exec"}
TRUE=/usr/bin/true	# a path: no PATH search inside the timed commands
REFS=(ip nsenter floor floor_net true)	# the order of reference lines

read -r TAG </proc/sys/kernel/random/uuid
TAG=${TAG:0:6}
NSP=nb-$TAG-	# every namespace name starts with this
LINKP=nb$TAG	# every link name starts with this (at most 15 characters)
WORK=$(mktemp -d /tmp/netns-bench.XXXXXX)
FLOOR=
SLEEPERS=()
declare -A VAL NA HF HF_NA

log() { printf '[%(%T)T] %s\n' -1 "$*" >&2; }
want() { [[ " $SECTIONS " == *" $1 "* ]]; }
scale_wants() { [[ " $SCALE_WHAT " == *" $1 "* ]]; }
now() { REPLY=${EPOCHREALTIME/./}; }	# microseconds, without a fork

# --------------------------------------------------------------- clean-up
stop_sleepers() {
	((${#SLEEPERS[@]})) || return 0
	kill "${SLEEPERS[@]}" 2>/dev/null
	wait "${SLEEPERS[@]}" 2>/dev/null
	SLEEPERS=()
}
remove_names() {	# remove_names PREFIX: every name starting with it
	[[ $1 == "$NSP"* ]] || { log "refusing to remove names '$1*'"; return 1; }
	if [[ -n $FLOOR ]]; then
		"$FLOOR" purge "$1"
	else
		local f
		for f in /run/netns/"$1"*; do echo "netns delete ${f##*/}"; done >"$WORK/purge"
		"$IP" -force -batch "$WORK/purge" >/dev/null 2>&1
	fi
}
cleanup() {
	trap - EXIT INT TERM HUP
	set +e
	stop_sleepers
	local left
	left=$(count_names "$NSP")
	((left == 0)) || log "clean-up: removing $left names"
	remove_names "$NSP"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP
mkfifo "$WORK/nap"
exec {NAP_FD}<>"$WORK/nap"	# nobody writes to it: `read -t` on it sleeps without a fork
nap() { read -r -t "$1" -u "$NAP_FD" _ 2>/dev/null; }
cd "$WORK" || exit 2

# ------------------------------------------------------------ statistics
# stats: numbers on stdin -> "MEDIAN MIN MAX N"
stats() {
	sort -g | awk 'NF { v[++n] = $1 }
		END {
			if (!n) { print "nan nan nan 0"; exit }
			m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			printf "%.4g %.4g %.4g %d\n", m, v[1], v[n], n
		}'
}
median() { printf '%s\n' "$@" | stats | cut -d' ' -f1; }
us2ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
line() {	# line NAME UNIT VALUE...
	local name=$1 unit=$2 m lo hi n
	shift 2
	read -r m lo hi n < <(printf '%s\n' "$@" | stats)
	echo "$name: $m $unit [min $lo max $hi n=$n]"
}
put() { VAL["$1|$2"]+="$3 "; }	# put FIGURE SIDE VALUE
# report FIGURE UNIT: netns's line, one line per reference, paired ratios
report() {
	local fig=$1 unit=$2 ref i
	local -a t r q
	read -ra t <<<"${VAL["$fig|tool"]:-}"
	if ((${#t[@]})); then line "$fig" "$unit" "${t[@]}"
	elif [[ -n ${NA["$fig|tool"]:-} ]]; then echo "$fig: n/a (${NA["$fig|tool"]})"; fi
	for ref in "${REFS[@]}"; do
		read -ra r <<<"${VAL["$fig|$ref"]:-}"
		if ((${#r[@]})); then line "$fig.$ref" "$unit" "${r[@]}"
		elif [[ -n ${NA["$fig|$ref"]:-} ]]; then echo "$fig.$ref: n/a (${NA["$fig|$ref"]})"; continue
		else continue; fi
		if [[ $ref == true ]] || ((${#t[@]} != ${#r[@]})); then continue; fi
		q=()
		for i in "${!t[@]}"; do
			q+=("$(awk -v a="${t[i]}" -v b="${r[i]}" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')")
		done
		line "$fig.ratio_vs_$ref" x "${q[@]}"
	done
}
order() {	# order REP SIDE...: the sides, reversed on even repetitions
	local rep=$1 i
	shift
	if ((rep % 2)); then echo "$@"
	else for ((i = $#; i >= 1; i--)); do printf '%s ' "${!i}"; done; echo; fi
}

# ---------------------------------------------------------------- set-up
FLOOR_BUILD=none
build_floor() {	# static when the C library allows it: no dynamic loader to pay for
	command -v cc >/dev/null || { log "no cc: floor figures are left out"; return 0; }
	local how
	for how in "-static" ""; do
		# shellcheck disable=SC2086 # $how is one flag or none
		cc -O2 $how -pthread -o "$WORK/floor" "$here/floor.c" 2>"$WORK/cc.err" || continue
		FLOOR=$WORK/floor FLOOR_BUILD="bench/floor.c, cc $(cc -dumpversion) -O2 ${how:-(dynamic)}"
		SIDES+=(floor)
		return 0
	done
	log "floor.c did not compile, floor figures are left out: $(head -3 "$WORK/cc.err")"
}
count_names() { local a=(/run/netns/"$1"*); echo "${#a[@]}"; }
# add_names/del_names PREFIX N [FIRST]: untimed set-up, by the fastest way at hand
add_names() {
	local i
	(($2)) || return 0
	if [[ -n $FLOOR ]]; then "$FLOOR" -s "${3:-0}" add "$1" "$2" >/dev/null; return; fi
	for ((i = ${3:-0}; i < ${3:-0} + $2; i++)); do echo "netns add $1$i"; done >"$WORK/bulk"
	"$IP" -batch "$WORK/bulk"
}
del_names() {
	local i
	(($2)) || return 0
	if [[ -n $FLOOR ]]; then "$FLOOR" -s "${3:-0}" del "$1" "$2" >/dev/null; return; fi
	for ((i = ${3:-0}; i < ${3:-0} + $2; i++)); do echo "netns delete $1$i"; done >"$WORK/bulk"
	"$IP" -batch "$WORK/bulk"
}
start_sleepers() {	# start_sleepers N: N processes in this namespace, counted from the first
	while ((${#SLEEPERS[@]} < $1)); do
		sleep 1000000 &
		SLEEPERS+=("$!")
	done
}
sleeper_in() {	# sleeper_in NAME: a process in that namespace; REPLY=its PID
	nsenter --net=/run/netns/"$1" sleep 1000000 &
	REPLY=$!
	SLEEPERS+=("$REPLY")
}
process_count() { local a=(/proc/[0-9]*); echo "${#a[@]}"; }

# Deleting a name only drops a reference: the kernel tears the namespace
# down afterwards, on a work queue, and that work would be charged to
# whatever is measured next. settle waits for it: a canary namespace holding
# one end of a veth pair is deleted last, and its other end goes away when
# the kernel has reached the canary; then the count of live namespace
# objects (struct net in /proc/slabinfo) must stay put for 3 readings.
net_objects() {
	local name active rest
	while read -r name active rest; do
		[[ $name == net_namespace ]] && { echo "$active"; return; }
	done </proc/slabinfo
	echo 0
}
link_present() {
	local l
	while read -r l; do [[ $l == "$1:"* ]] && return 0; done </proc/net/dev
	return 1
}
settle() {
	local ns=${NSP}settle dev=${LINKP}s i a b same
	if "$IP" netns add "$ns" 2>/dev/null &&
		"$IP" link add "$dev" type veth peer name s0 netns "$ns" 2>/dev/null; then
		"$IP" netns delete "$ns"
		for ((i = 0; i < 5000; i++)); do	# 10 s at most
			link_present "$dev" || break
			nap 0.002
		done
	else
		"$IP" netns delete "$ns" 2>/dev/null
		"$IP" link delete "$dev" 2>/dev/null
	fi
	a=$(net_objects) same=0
	for ((i = 0; i < 200 && same < 3; i++)); do
		nap 0.03
		b=$(net_objects)
		if [[ $a == "$b" ]]; then ((same++)); else same=0; fi
		a=$b
	done
}

# hf RUNS LABEL COMMAND [LABEL COMMAND]...: HF[LABEL] = median in ms
# The commands run in the order given on odd repetitions ($REP), reversed on
# even ones; a command that fails when run once untimed is left out, with
# its message in HF_NA[LABEL].
hf() {
	local runs=$1 i k
	shift
	local -a labels=() cmds=() w ms
	while (($# >= 2)); do
		read -ra w <<<"$2"
		if "${w[@]}" >/dev/null 2>"$WORK/err"; then
			labels+=("$1") cmds+=("$2")
		else
			HF_NA[$1]="fails: $(head -c 160 "$WORK/err" | tr '\n' ' ')"
		fi
		shift 2
	done
	for k in "${labels[@]}"; do HF[$k]=; done
	((${#cmds[@]})) || return 1
	if ((REP % 2 == 0)); then
		local -a rl=() rc=()
		for ((i = ${#cmds[@]} - 1; i >= 0; i--)); do rl+=("${labels[i]}") rc+=("${cmds[i]}"); done
		labels=("${rl[@]}") cmds=("${rc[@]}")
	fi
	if ! hyperfine -N --style none --warmup 3 --runs "$runs" \
		--export-json "$WORK/hf.json" "${cmds[@]}" >/dev/null 2>"$WORK/hf.err"; then
		log "hyperfine failed: $(tail -2 "$WORK/hf.err")"
		return 1
	fi
	mapfile -t ms < <(grep -o '"median": *[0-9.eE+-]*' "$WORK/hf.json" |
		awk '{ printf "%.4f\n", $2 * 1000 }')
	for i in "${!labels[@]}"; do HF[${labels[i]}]=${ms[i]:-}; done
}
# latency FIGURE RUNS SIDE COMMAND [SIDE COMMAND]...: hf, then put each median
latency() {
	local fig=$1 runs=$2 side
	shift 2
	HF=() HF_NA=()
	hf "$runs" "$@" || true
	while (($# >= 2)); do
		side=$1
		if [[ -n ${HF[$side]:-} ]]; then put "$fig" "$side" "${HF[$side]}"
		elif [[ -n ${HF_NA[$side]:-} ]]; then NA["$fig|$side"]=${HF_NA[$side]}; fi
		shift 2
	done
}
tool_cmd() { echo "${TOOL[*]} $*"; }	# the netns command line for hyperfine
ip_cmd() { echo "$IP netns $*"; }

# ------------------------------------------------ add and delete, timed
# adddel SIDE PREFIX N FIGPREFIX: N adds then N deletes, one process each
# (the floor: all in one process); figures FIGPREFIX{add,del}_...
adddel() {
	local side=$1 p=$2 n=$3 fp=$4 i a t0 bad=0 out op
	local -a cmd d
	case $side in
	tool) cmd=("${TOOL[@]}") ;;
	ip) cmd=("$IP" netns) ;;
	floor)
		for op in add del; do
			out=$("$FLOOR" "$op" "$p" "$n") || { NA["${fp}${op}_per_proc_us|floor"]=failed; remove_names "$p"; return 1; }
			[[ $out =~ per_ns_us=([0-9.]+)\ total_ms=([0-9.]+) ]] || return 1
			put "${fp}${op}_per_proc_us" floor "${BASH_REMATCH[1]}"
			put "${fp}${op}_${n}_procs_ms" floor "${BASH_REMATCH[2]}"
		done
		return 0
		;;
	esac
	for op in add delete; do
		d=() bad=0
		now; t0=$REPLY
		for ((i = 0; i < n; i++)); do
			now; a=$REPLY
			"${cmd[@]}" "$op" "$p$i" >/dev/null 2>"$WORK/err" || ((bad++))
			now; d+=($((REPLY - a)))
		done
		now
		i=$(count_names "$p")
		[[ $op == add ]] && i=$((n - i))
		if ((bad || i)); then
			NA["${fp}${op:0:3}_per_proc_us|$side"]="$bad failed, $i names wrong: $(head -c 160 "$WORK/err")"
			remove_names "$p"
			return 1
		fi
		put "${fp}${op:0:3}_${n}_procs_ms" "$side" "$(us2ms $((REPLY - t0)))"
		put "${fp}${op:0:3}_per_proc_us" "$side" "$(median "${d[@]}")"
	done
}
report_adddel() {	# report_adddel FIGPREFIX N
	report "$1add_per_proc_us" us
	report "$1add_$2_procs_ms" ms
	report "$1del_per_proc_us" us
	report "$1del_$2_procs_ms" ms
}
SIDES=(tool ip)	# who adds and deletes: netns, iproute2 and, once built, the floor

# ============================================================== sections
sec_env() {
	echo "env.netns: ${TOOL[*]}"
	echo "env.netns_version: $("${TOOL[0]}" --version 2>&1 | head -1)"
	echo "env.iproute2: $("$IP" -V 2>&1 | head -1)"
	echo "env.hyperfine: $(hyperfine --version)"
	echo "env.kernel: $(uname -r)"
	echo "env.cpus: $(nproc)"
	echo "env.run_dir: $(stat -f -c %T /run/netns) (private)"
	echo "env.mounts: $(wc -l </proc/self/mountinfo)"
	echo "env.floor_build: $FLOOR_BUILD"
	echo "env.reps: $REPS"
	echo "env.tag: $TAG"
	echo "env.loadavg_at_start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

sec_spawn() {	# what one process costs when a shell loop starts it
	local i a t0
	local -a d
	for ((REP = 1; REP <= REPS; REP++)); do
		d=()
		now; t0=$REPLY
		for ((i = 0; i < N_PROC; i++)); do now; a=$REPLY; "$TRUE"; now; d+=($((REPLY - a))); done
		now
		put "spawn.true_${N_PROC}_procs_ms" tool "$(us2ms $((REPLY - t0)))"
		put spawn.true_per_proc_us tool "$(median "${d[@]}")"
	done
	report "spawn.true_${N_PROC}_procs_ms" ms
	report spawn.true_per_proc_us us
}

sec_floor() {	# the kernel's cost per name, in one process, on 1 and 2 threads
	[[ -n $FLOOR ]] || return 0
	local p=${NSP}f- out fig spec threads n op
	local -a figs=()
	for spec in "1 $N_PROC" "1 $N_BATCH" "2 $N_BATCH"; do
		read -r threads n <<<"$spec"
		for op in add del; do
			fig=floor.${op}_${n}_per_ns_us
			((threads == 1)) || fig=floor.${op}_${n}_${threads}threads_per_ns_us
			figs+=("$fig")
		done
	done
	for ((REP = 1; REP <= REPS; REP++)); do
		log "floor: rep $REP"
		for spec in "1 $N_PROC" "1 $N_BATCH" "2 $N_BATCH"; do
			read -r threads n <<<"$spec"
			settle
			for op in add del; do
				fig=floor.${op}_${n}_per_ns_us
				((threads == 1)) || fig=floor.${op}_${n}_${threads}threads_per_ns_us
				if out=$("$FLOOR" -t "$threads" "$op" "$p" "$n" 2>&1) && [[ $out =~ per_ns_us=([0-9.]+) ]]; then
					put "$fig" tool "${BASH_REMATCH[1]}"
				else
					log "floor -t $threads $op $n: $out"
					remove_names "$p"
					break
				fi
			done
		done
	done
	for fig in "${figs[@]}"; do report "$fig" us; done
}

sec_adddel() {
	local side
	for ((REP = 1; REP <= REPS; REP++)); do
		for side in $(order "$REP" "${SIDES[@]}"); do
			log "add/delete $N_PROC, one process each: $side, rep $REP"
			settle
			adddel "$side" "${NSP}a-" "$N_PROC" ""
		done
	done
	report_adddel "" "$N_PROC"
}

sec_batch() {
	local p=${NSP}b- side i t0 left out
	local -a cmd
	for ((i = 0; i < N_BATCH; i++)); do echo "netns add $p$i"; done >"$WORK/batch-add"
	for ((i = 0; i < N_BATCH; i++)); do echo "netns delete $p$i"; done >"$WORK/batch-del"
	for ((REP = 1; REP <= REPS; REP++)); do
		for side in $(order "$REP" "${SIDES[@]}"); do
			log "batch of $N_BATCH adds, then of $N_BATCH deletes: $side, rep $REP"
			settle
			if [[ $side == floor ]]; then
				out=$("$FLOOR" add "$p" "$N_BATCH") && [[ $out =~ total_ms=([0-9.]+) ]] &&
					put "batch_add_${N_BATCH}_ms" floor "${BASH_REMATCH[1]}"
				out=$("$FLOOR" del "$p" "$N_BATCH") && [[ $out =~ total_ms=([0-9.]+) ]] &&
					put "batch_del_${N_BATCH}_ms" floor "${BASH_REMATCH[1]}"
				remove_names "$p"
				continue
			fi
			if [[ $side == tool ]]; then cmd=("${TOOL[@]}" -b); else cmd=("$IP" -batch); fi
			now; t0=$REPLY
			"${cmd[@]}" "$WORK/batch-add" >/dev/null 2>"$WORK/err"
			now
			left=$(count_names "$p")
			if ((left != N_BATCH)); then
				NA["batch_add_${N_BATCH}_ms|$side"]="$left of $N_BATCH made: $(head -c 160 "$WORK/err")"
				remove_names "$p"; continue
			fi
			put "batch_add_${N_BATCH}_ms" "$side" "$(us2ms $((REPLY - t0)))"
			now; t0=$REPLY
			"${cmd[@]}" "$WORK/batch-del" >/dev/null 2>"$WORK/err"
			now
			left=$(count_names "$p")
			if ((left)); then
				NA["batch_del_${N_BATCH}_ms|$side"]="$left left: $(head -c 160 "$WORK/err")"
				remove_names "$p"; continue
			fi
			put "batch_del_${N_BATCH}_ms" "$side" "$(us2ms $((REPLY - t0)))"
		done
	done
	report "batch_add_${N_BATCH}_ms" ms
	report "batch_del_${N_BATCH}_ms" ms
}

# exec_figure FIGURE RUNS NAME: netns exec against every way to do it
exec_figure() {
	local fig=$1 runs=$2 ns=$3
	local -a args=(tool "$(tool_cmd exec "$ns" "$TRUE")" ip "$(ip_cmd exec "$ns" "$TRUE")"
		nsenter "nsenter --net=/run/netns/$ns $TRUE")
	[[ -n $FLOOR ]] && args+=(floor "$FLOOR exec $ns $TRUE" floor_net "$FLOOR enter $ns $TRUE")
	latency "$fig" "$runs" "${args[@]}" true "$TRUE"
}

sec_exec() {
	local ns=${NSP}e
	add_names "$ns" 1 || { echo "exec: n/a (set-up failed)"; return; }
	settle
	for ((REP = 1; REP <= REPS; REP++)); do
		log "exec, 1 namespace: rep $REP"
		exec_figure exec_true_ms "$N_EXEC" "${ns}0"
	done
	remove_names "$ns"
	report exec_true_ms ms
}

# the query figures at one state of the machine
query_figures() {	# query_figures FIGPREFIX SUFFIX PID NAME
	latency "$1list$2" "$QUERY_RUNS" tool "$(tool_cmd list)" ip "$(ip_cmd list)"
	latency "$1identify$2" "$QUERY_RUNS" tool "$(tool_cmd identify "$3")" ip "$(ip_cmd identify "$3")"
	[[ -n $4 ]] && latency "$1pids$2" "$QUERY_RUNS" tool "$(tool_cmd pids "$4")" ip "$(ip_cmd pids "$4")"
	return 0
}

sec_query() {
	local p=${NSP}q- target pid out
	add_names "$p" "$N_QUERY" || { echo "query: n/a (set-up failed)"; return; }
	target=$p$((N_QUERY / 2))
	sleeper_in "$target"; pid=$REPLY
	start_sleepers "$N_SLEEP"
	settle
	echo "query.names_present: $(count_names "")"
	echo "query.processes_present: $(process_count)"
	out=$("${TOOL[@]}" identify "$pid" 2>&1)
	echo "query.identify_correct: $([[ $out == "$target" ]] && echo yes || echo "no (${out:0:80})")"
	out=$("${TOOL[@]}" pids "$target" 2>&1)
	echo "query.pids_correct: $([[ $out == "$pid" ]] && echo yes || echo "no (${out:0:80})")"
	out=$("${TOOL[@]}" list 2>&1 | grep -c "^$p")
	echo "query.list_correct: $([[ $out == "$N_QUERY" ]] && echo yes || echo "no ($out of $N_QUERY names)")"
	for ((REP = 1; REP <= REPS; REP++)); do
		log "list, identify, pids with $N_QUERY names: rep $REP"
		query_figures "" "_${N_QUERY}ns_ms" "$pid" "$target"
	done
	stop_sleepers
	remove_names "$p"
	report "list_${N_QUERY}ns_ms" ms
	report "identify_${N_QUERY}ns_ms" ms
	report "pids_${N_QUERY}ns_ms" ms
}

sec_procs() {	# pids against the number of processes
	local p=${NSP}r- target P
	add_names "$p" "$N_QUERY" || { echo "procs: n/a (set-up failed)"; return; }
	target=${p}0
	sleeper_in "$target"
	settle
	for P in $PROC_LEVELS; do
		start_sleepers $((P + 1))
		echo "procs.P$P.processes_present: $(process_count)"
		for ((REP = 1; REP <= REPS; REP++)); do
			log "pids with $P more processes: rep $REP"
			latency "procs.P$P.pids_ms" "$QUERY_RUNS" tool "$(tool_cmd pids "$target")" ip "$(ip_cmd pids "$target")"
		done
		report "procs.P$P.pids_ms" ms
	done
	stop_sleepers
	remove_names "$p"
}

sec_scale() {	# add, delete, list, identify, exec with L names present
	local p=${NSP}s- probe=${NSP}x have=0 L side pid fp
	add_names "$probe" 1 || { echo "scale: n/a (set-up failed)"; return; }
	probe+=0
	sleeper_in "$probe"; pid=$REPLY
	for L in $SCALE_LEVELS; do
		if ((L > have)); then add_names "$p" $((L - have)) "$have"
		elif ((L < have)); then del_names "$p" $((have - L)) "$L"; fi
		have=$L fp=scale.L$L.
		echo "scale.L$L.names_present: $(count_names "")"
		for ((REP = 1; REP <= REPS; REP++)); do
			if scale_wants adddel; then
				for side in $(order "$REP" "${SIDES[@]}"); do
					log "$L names: add/delete $SCALE_N, $side, rep $REP"
					settle
					adddel "$side" "${NSP}g-" "$SCALE_N" "$fp"
				done
			fi
			settle
			log "$L names: list, identify, exec, rep $REP"
			scale_wants query && query_figures "$fp" _ms "$pid" ""
			scale_wants exec && exec_figure "${fp}exec_true_ms" "$QUERY_RUNS" "$probe"
		done
		if scale_wants adddel; then
			report "${fp}add_per_proc_us" us
			report "${fp}del_per_proc_us" us
		fi
		if scale_wants query; then
			report "${fp}list_ms" ms
			report "${fp}identify_ms" ms
		fi
		scale_wants exec && report "${fp}exec_true_ms" ms
	done
	stop_sleepers
	remove_names "$p"
	remove_names "$probe"
}

# ================================================================== main
log "netns benchmark: '${TOOL[*]}' against $IP, tag $TAG, $REPS repetitions"
build_floor
sec_env
for s in spawn floor adddel batch exec query procs scale; do
	want "$s" || continue
	now; t_section=$REPLY
	"sec_$s"
	now; log "section $s: $(((REPLY - t_section) / 1000000)) s"
done
echo "env.loadavg_at_end: $(cut -d' ' -f1-3 /proc/loadavg)"
