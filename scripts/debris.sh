#!/usr/bin/env bash
# Foreign state on the host, to prove the test suite hermetic: the tests must
# pass on a machine that already has named namespaces, a running lab,
# /etc/netns entries and odd files in the run directory, none of them theirs.
#
#   scripts/debris.sh NETNS_BINARY CMD [ARG...]
#
# makes the debris below (as root only), runs CMD, then removes exactly what
# it made, also when CMD fails or the script is interrupted, and exits with
# CMD's status. Anything that already exists under one of these names is
# left alone, and not removed afterwards:
#
#   - named namespaces netns-ci-debris-1, -2, -3 (made with `ip netns add`);
#   - /etc/netns/netns-ci-debris-1/resolv.conf;
#   - a lab named ci-debris (namespaces ci-debris-a and ci-debris-b, a veth
#     between them, an /etc/netns file and a managed `sleep` process), brought
#     up with NETNS_BINARY from tests/fixtures/labs/ci-debris.toml;
#   - a FIFO at /run/netns/netns-ci-debris-fifo.
#
# What a run made is recorded in /run/netns-ci-debris.record as it goes. A
# run that was killed (SIGKILL, a lost CI runner) cannot clean up after
# itself: the next run finds its record, sees that its owner is gone, and
# removes what the record lists before making its own debris. While the
# owner still runs, its debris is left alone.
#
# NETNS_TEST_DEBRIS=0 runs CMD without any debris.
set -uo pipefail

NETNS_BIN=${1:?usage: scripts/debris.sh NETNS_BINARY CMD [ARG...]}
shift
[[ $# -gt 0 ]] || { echo "usage: scripts/debris.sh NETNS_BINARY CMD [ARG...]" >&2; exit 2; }

RUN=/run/netns
ETC=/etc/netns
LAB_DIR=/run/netns-lab
NAMES=(netns-ci-debris-1 netns-ci-debris-2 netns-ci-debris-3)
ETC_NS=netns-ci-debris-1
LAB=ci-debris
LAB_FILE=$(cd "$(dirname "$0")/.." && pwd)/tests/fixtures/labs/ci-debris.toml
FIFO=$RUN/netns-ci-debris-fifo
RECORD=/run/netns-ci-debris.record
T=10   # seconds any one step may take (a hang must not stall CI)

say() { echo "debris: $*" >&2; }

# What this run made, so that exactly that is removed.
made_names=()
made_run_dir=0
made_etc_root=0
made_etc_dir=0
made_etc_file=0
made_lab=0
made_lab_dir=0
made_fifo=0

# The start time of process $1 (field 22 of /proc/PID/stat), empty if it is
# gone: with the pid, it names one process, never a recycled pid.
start_time() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	# shellcheck disable=SC2086
	set -- $stat
	echo "${20}"
}

# Write what this run has made so far (a new file renamed over the old).
record() {
	local tmp
	tmp=$(mktemp "$RECORD.XXXXXX") || return 0
	{
		echo "owner_pid=$$"
		echo "owner_start=$(start_time $$)"
		declare -p made_names made_run_dir made_etc_root made_etc_dir made_etc_file \
			made_lab made_lab_dir made_fifo
	} >"$tmp" && mv -f "$tmp" "$RECORD"
}

# The debris of a run that was killed before it could remove it. Returns 1
# when the run that made the record is still going.
remove_stale_debris() {
	[[ -e $RECORD || -L $RECORD ]] || return 0
	if [[ -L $RECORD || ! -f $RECORD || $(stat -c %u "$RECORD") != 0 ]]; then
		say "$RECORD is not a record this script wrote: left alone"
		return 1
	fi
	local owner_pid owner_start
	owner_pid=$(sed -n 's/^owner_pid=\([0-9]*\)$/\1/p' "$RECORD")
	owner_start=$(sed -n 's/^owner_start=\([0-9]*\)$/\1/p' "$RECORD")
	if [[ -n $owner_pid && -n $owner_start && $(start_time "$owner_pid") == "$owner_start" ]]; then
		say "another run (pid $owner_pid) has its debris up: left alone"
		return 1
	fi
	say "removing the debris of a run that ended without removing it (pid ${owner_pid:-?})"
	# shellcheck disable=SC1090
	source <(grep '^declare ' "$RECORD")
	remove_debris
	rm -f "$RECORD"
	made_names=() made_run_dir=0 made_etc_root=0 made_etc_dir=0 made_etc_file=0
	made_lab=0 made_lab_dir=0 made_fifo=0
}

make_debris() {
	[[ -d $RUN ]] || made_run_dir=1
	local n
	for n in "${NAMES[@]}"; do
		if [[ -e $RUN/$n || -L $RUN/$n ]]; then
			say "$RUN/$n exists already: left alone"
		elif timeout $T ip netns add "$n"; then
			made_names+=("$n")
			record
		else
			say "cannot add namespace $n"
		fi
	done

	if [[ -e $ETC/$ETC_NS || -L $ETC/$ETC_NS ]]; then
		say "$ETC/$ETC_NS exists already: left alone"
	else
		[[ -e $ETC || -L $ETC ]] || { mkdir -m 755 "$ETC" && made_etc_root=1; }
		if mkdir -m 755 "$ETC/$ETC_NS"; then
			made_etc_dir=1
			printf 'nameserver 192.0.2.53\n' >"$ETC/$ETC_NS/resolv.conf" && made_etc_file=1
			record
		fi
	fi

	if [[ -e $LAB_DIR/$LAB || -e $RUN/$LAB-a || -e $RUN/$LAB-b ]]; then
		say "lab $LAB (or one of its namespaces) exists already: left alone"
	else
		[[ -e $LAB_DIR ]] || made_lab_dir=1
		# Recorded before `up`: whatever part of the lab comes up goes
		# with `down`, also after a kill in the middle of `up`.
		made_lab=1
		record
		timeout 60 "$NETNS_BIN" up "$LAB_FILE" >/dev/null || say "cannot bring up lab $LAB"
	fi

	# Every command that scans the run directory must pass over a FIFO
	# there without waiting on it.
	if [[ -e $FIFO || -L $FIFO ]]; then
		say "$FIFO exists already: left alone"
	else
		mkdir -p "$RUN" && mkfifo -m 600 "$FIFO" && made_fifo=1 && record
	fi
	say "made: namespaces ${made_names[*]:-none}, etc file $made_etc_file, lab $made_lab, fifo $made_fifo"
}

remove_debris() {
	trap '' INT TERM
	if ((made_fifo)) && [[ -p $FIFO ]]; then
		rm -f "$FIFO"
	fi
	if ((made_lab)); then
		timeout 60 "$NETNS_BIN" down "$LAB" >/dev/null || say "netns down $LAB failed"
		((made_lab_dir)) && rmdir "$LAB_DIR" 2>/dev/null
	fi
	if ((made_etc_file)); then
		rm -f "$ETC/$ETC_NS/resolv.conf"
	fi
	((made_etc_dir)) && rmdir "$ETC/$ETC_NS" 2>/dev/null
	((made_etc_root)) && rmdir "$ETC" 2>/dev/null
	local n
	for n in "${made_names[@]}"; do
		timeout $T ip netns delete "$n" || say "cannot delete namespace $n"
	done
	# `ip netns add` made the run directory a mount of itself; if it was
	# not there before and nothing is left in it, it goes too.
	if ((made_run_dir)) && [[ -d $RUN ]] && [[ -z $(ls -A "$RUN") ]]; then
		local _
		for _ in 1 2 3; do mountpoint -q "$RUN" && umount "$RUN"; done
		rmdir "$RUN" 2>/dev/null
	fi
	rm -f "$RECORD"
	say "removed what it made"
}

if [[ ${NETNS_TEST_DEBRIS:-1} == 0 ]]; then
	exec "$@"
fi
if [[ $EUID -ne 0 ]]; then
	say "not root: no debris"
	exec "$@"
fi

trap 'exit 130' INT
trap 'exit 143' TERM
if ! remove_stale_debris; then
	"$@"
	exit $?
fi
trap remove_debris EXIT
make_debris
"$@"
rc=$?
exit $rc
