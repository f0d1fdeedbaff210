//! The run directory and the namespace handle: opening a name never
//! blocks, adds and deletes of one name never stack mounts, `monitor`
//! follows a directory made again, process names cannot drive the
//! terminal, `inspect` says what it could not read, a run directory that
//! is no directory is named, and `-all delete` removes only names.

use crate::support::{lab_script, script};

/// Every command that opens names, with a FIFO among them: each must end
/// (the harness's `timeout 10` would give 124).
#[test]
fn a_fifo_in_the_run_directory_hangs_no_command() {
    require_root!();
    let run = lab_script(
        r#"
must $NETNS add a
must mkfifo /run/netns/f
t() { local l=$1; shift; r "$l" timeout 10 "$@"; }
t list $NETNS list
t list_j $NETNS -j list
t identify $NETNS identify
t pids $NETNS pids f
t exec $NETNS exec f true
t exec_n $NETNS -s exec f true
t set $NETNS set f 5
t n_link $NETNS -n f link show
t inspect $NETNS inspect f
t inspect_all $NETNS inspect --all
t list_all $NETNS list --all
t all_exec $NETNS -all exec true
t up $NETNS up $EX/chain3.toml
t status $NETNS status chain3
t down $NETNS down chain3
t all_delete $NETNS -all delete
"#,
    )
    .run();
    for label in [
        "list",
        "list_j",
        "identify",
        "pids",
        "exec",
        "exec_n",
        "set",
        "n_link",
        "inspect",
        "inspect_all",
        "list_all",
        "all_exec",
        "up",
        "status",
        "down",
        "all_delete",
    ] {
        run.check(run.get(label).rc != 124, format!("`{label}` hung on the FIFO"));
    }
    run.expect("exec", 255, "", "Cannot open network namespace \"f\": Invalid argument\n");
    run.expect("exec_n", 255, "", "Cannot open network namespace \"f\": Invalid argument\n");
    run.expect("pids", 1, "", "Cannot open network namespace: Invalid argument\n");
    run.expect("set", 1, "", "Cannot open network namespace \"f\": Invalid argument\n");
    run.check(run.get("list").out().contains("f\n"), "list shows the FIFO's name");
    run.expect("inspect", 1, "", "Cannot open network namespace \"f\": not a network namespace (a FIFO)\n");
    run.expect_rc("up", 0);
    run.expect_rc("down", 0);
}

/// One round: 16 adds and 16 deletes of one name at once, then how many
/// nsfs mounts sit on it; `ADD` is the command line before the name.
const RACE: &str = r#"
race() { # label rounds add-prefix…
    local label=$1 rounds=$2; shift 2
    local stacked=0 i k
    for i in $(seq "$rounds"); do
        for k in $(seq 16); do "$@" add x 2>/dev/null & "$@" delete x 2>/dev/null & done
        wait
        [ "$(nsfs_mounts | grep -c ' /run/netns/x ')" -gt 1 ] && stacked=$((stacked + 1))
        "$@" delete x 2>/dev/null
        [ "$(nsfs_mounts | grep -c ' /run/netns/x ')" -gt 0 ] && { stacked=$((stacked + 1)); umount -l /run/netns/x; rm -f /run/netns/x; }
    done
    v "$label" "$stacked"
}
"#;

#[test]
fn concurrent_adds_and_deletes_of_one_name_never_stack_two_namespaces() {
    require_root!();
    let run = script(&format!(
        "{RACE}
must $NETNS add warm
race early 40 $NETNS
race full 40 $NETNS -s
r add $NETNS add x
r del $NETNS delete x
v left \"$(nsfs_mounts | grep -c ' /run/netns/x ')\"
"
    ))
    .timeout(std::time::Duration::from_secs(240))
    .run();
    // The early path (plain `add`/`delete`) and the full program (`-s`).
    run.expect("early", 0, "0", "");
    run.expect("full", 0, "0", "");
    run.expect("add", 0, "", "");
    run.expect("del", 0, "", "");
    run.expect("left", 0, "0", "");
}

#[test]
fn monitor_follows_a_run_directory_that_is_removed_and_made_again() {
    require_root!();
    let run = script(
        r#"
export NETNS_RUN_DIR=$H/rd
$NETNS monitor >"$H/mon" 2>&1 &
M=$!
wait_for test -d "$H/rd"
sleep 0.2
must $NETNS add a
wait_for grep -qx 'add a' "$H/mon"
must $NETNS delete a
umount "$H/rd" 2>/dev/null
must rmdir "$H/rd"
must mkdir "$H/rd"
must $NETNS add b
n=0; until grep -qx 'add b' "$H/mon" || [ $n -gt 300 ]; do sleep 0.01; n=$((n+1)); done
must $NETNS delete b
umount "$H/rd" 2>/dev/null
must mv "$H/rd" "$H/rd.old"
must mkdir "$H/rd"
must $NETNS add c
n=0; until grep -qx 'add c' "$H/mon" || [ $n -gt 300 ]; do sleep 0.01; n=$((n+1)); done
kill $M
v mon "$(cat "$H/mon")"
"#,
    )
    .run();
    let mon = run.get("mon").out();
    for line in ["add a", "delete a", "add b", "add c"] {
        run.check(mon.lines().any(|l| l == line), format!("monitor reported `{line}`:\n{mon}"));
    }
}

#[test]
fn process_names_with_escape_sequences_are_shown_as_ps_shows_them() {
    require_root!();
    let run = script(
        r#"
must $NETNS add a
# Only a process itself may rename itself: bash does, then waits.
$NETNS exec a bash -c 'printf "ev\033]0;x\007il" >/proc/self/comm; sleep 100; :' &
P=$!
wait_for grep -q '^ev' /proc/$P/comm
# The kernel lets an interface name hold an escape sequence too.
must $IP -n a link add "$(printf 'v\033[1m')" type veth peer name p0
r ps env LC_ALL=C.UTF-8 ps -o comm= -p $P
r all $NETNS list --all
r inspect $NETNS inspect a
r json $NETNS -j inspect a
"#,
    )
    .run();
    run.expect("ps", 0, "ev?]0;x?il\n", "");
    for label in ["all", "inspect", "json"] {
        let out = run.get(label).out();
        run.check(!out.contains('\u{1b}') && !out.contains('\u{7}'), format!("{label} printed the escape raw"));
        run.check(out.contains("ev?]0;x?il"), format!("{label} shows the name as ps does:\n{out}"));
    }
    run.check(run.get("inspect").out().contains("v?[1m"), "inspect shows the interface's escape as ?");
}

#[test]
fn inspect_of_a_namespace_it_cannot_read_fails_and_says_why() {
    require_root!();
    let run = script(
        r#"
must $NETNS add a
: >/run/netns/stale
r one $NETNS inspect stale
r all $NETNS inspect --all
r both $NETNS -j inspect a stale
r nobody $NOBODY $NETNS inspect a
"#,
    )
    .run();
    let why = "Cannot open network namespace \"stale\": not a network namespace \
               (an empty file with no namespace mounted on it)\n";
    run.expect("one", 1, "", why);
    let all = run.get("all");
    run.check(all.rc == 1, "inspect --all fails when one namespace cannot be read");
    run.check(all.err() == why, format!("inspect --all says which and why: {}", all.err()));
    run.check(all.out().lines().any(|l| l.starts_with("a  (")), "the readable namespace is still shown");
    let both = run.get("both");
    run.check(both.rc == 1 && both.err() == why, "-j: the failure on stderr");
    let views: serde_json::Value = serde_json::from_str(&both.out()).expect("JSON on stdout");
    run.check(views.as_array().is_some_and(|v| v.len() == 1 && v[0]["name"] == "a"), "-j shows the readable one");
    // Without the right to enter: said, and no view of "none"s.
    run.expect(
        "nobody",
        1,
        "",
        "Cannot read network namespace \"a\": cannot enter the namespace: Operation not permitted (entering a namespace needs root)\n",
    );
}

#[test]
fn a_run_directory_that_is_no_directory_is_named_in_messages() {
    require_root!();
    let run = lab_script(
        r#"
export NETNS_RUN_DIR=/dev/null
r list $NETNS list
r delete $NETNS delete a
r exec $NETNS exec a true
r pids $NETNS pids a
r set $NETNS set a 1
r inspect $NETNS inspect a
r list_all $NETNS list --all
r monitor timeout 5 $NETNS monitor
r add $NETNS add a
r up $NETNS up $EX/chain3.toml
"#,
    )
    .run();
    let msg = "Cannot open netns runtime directory \"/dev/null\": Not a directory\n";
    run.expect("list", 1, "", msg);
    run.expect("delete", 1, "", msg);
    run.expect("exec", 255, "", msg);
    run.expect("pids", 1, "", msg);
    run.expect("set", 1, "", msg);
    run.expect("inspect", 1, "", msg);
    run.expect("monitor", 1, "", msg);
    run.expect("add", 1, "", msg);
    let up = run.get("up");
    run.check(
        up.rc == 1 && up.err().contains("/dev/null") && up.err().to_lowercase().contains("not a directory"),
        format!("up names the directory and the problem: {}", up.err()),
    );
    let all = run.get("list_all");
    run.check(all.rc == 1 && all.err() == msg, format!("list --all names the directory: {}", all.err()));
    run.check(all.out().contains("(current)"), "list --all still lists what /proc shows");
}

#[test]
fn all_delete_leaves_files_with_data_alone() {
    require_root!();
    let run = script(
        r#"
must $NETNS add a
must $NETNS add b
echo precious >/run/netns/data
: >/run/netns/empty
must mkfifo /run/netns/fifo
r del $NETNS -all delete
v left "$(ls /run/netns | sort | tr '\n' ' ')"
v data "$(cat /run/netns/data)"
v mounts "$(nsfs_mounts | wc -l)"
"#,
    )
    .run();
    run.expect("left", 0, "data fifo ", "");
    run.expect("data", 0, "precious", "");
    run.expect("mounts", 0, "0", "");
    let d = run.get("del");
    run.check(d.rc == 0, "status as iproute2's -all delete");
    let err = d.err();
    run.check(
        err.contains("Leaving \"/run/netns/data\" alone: it is a regular file of 9 bytes, not a namespace or an empty placeholder\n"),
        format!("says why the file is left: {err}"),
    );
    run.check(err.contains("Leaving \"/run/netns/fifo\" alone: it is a FIFO"), format!("and the FIFO: {err}"));
}
