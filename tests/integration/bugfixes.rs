//! One test per row of the "Deliberate differences" table of
//! `docs/compat.md`: each shows the iproute2 6.1 bug (where it can be shown
//! safely) and that `netns` does not have it. Every test runs in private
//! mount, network and pid namespaces with a fresh tmpfs on `/run` (see
//! `support/sandbox.rs`).
//!
//! Needs root, util-linux, iproute2 and strace (fault injection).

use crate::support::script;

/// Shell helper: `has_watch PID` succeeds once PID has an inotify watch.
const HAS_WATCH: &str = r#"has_watch() { grep -qs '^inotify wd:' /proc/$1/fdinfo/*; }
# seen_within FILE LINE: wait up to 1 s for LINE in FILE; records yes/no.
seen_within() {
    local i
    for i in $(seq 100); do grep -qxF "$2" "$1" && { echo yes; return; }; sleep 0.01; done
    echo no
}
"#;

/// #1: monitor output is written and flushed per event, so it shows up in
/// a file or pipe at once and survives SIGTERM.
#[test]
fn monitor_is_line_flushed() {
    require_root!();
    let run = script(&format!(
        r#"{HAS_WATCH}
        # into a file
        $NETNS monitor >$H/mon 2>$H/mon.err &
        M=$!
        wait_for has_watch $M
        must $NETNS add x
        v add_seen "$(seen_within $H/mon 'add x')"
        must $NETNS delete x
        v delete_seen "$(seen_within $H/mon 'delete x')"
        kill -TERM $M; wait $M; v status $?
        r file cat $H/mon
        r file_err cat $H/mon.err

        # through a pipe, JSON lines
        $NETNS -j monitor 2>$H/jmon.err > >(cat >$H/jmon) &
        M=$!
        wait_for has_watch $M
        must $NETNS add p
        v pipe_seen "$(seen_within $H/jmon '{{"event":"add","name":"p"}}')"
        kill -TERM $M; wait $M
        r pipe cat $H/jmon
        r pipe_err cat $H/jmon.err

        # iproute2: nothing reaches the file, before or after SIGTERM
        $IP netns monitor >$H/ipmon 2>&1 &
        M=$!
        wait_for has_watch $M
        must $IP netns add y
        must $IP netns delete y
        v ip_seen "$(seen_within $H/ipmon 'add y')"
        kill -TERM $M; wait $M
        r ip_file cat $H/ipmon
        "#
    ))
    .run();
    run.expect("add_seen", 0, "yes", "");
    run.expect("delete_seen", 0, "yes", "");
    run.expect("status", 0, "143", "");
    run.expect("file", 0, "add x\ndelete x\n", "");
    run.expect("file_err", 0, "", "");
    run.expect("pipe_seen", 0, "yes", "");
    run.expect("pipe", 0, "{\"event\":\"add\",\"name\":\"p\"}\n", "");
    run.expect("pipe_err", 0, "", "");
    // The bug being fixed.
    run.expect("ip_seen", 0, "no", "");
    run.expect("ip_file", 0, "", "");
}

/// #2: names are validated under `-all` too; only `-all exec`'s command
/// and `-all delete`'s ignored word are not names.
#[test]
fn all_does_not_disable_validation() {
    require_root!();
    let run = script(
        r#"
        r add $NETNS -all add ../x
        r add_dotdot $NETNS -all add ..
        r add_slash $NETNS -all add a/b
        r attach $NETNS -all attach ../x 1
        r pids $NETNS -all pids ../../proc/self/ns/net
        r set $NETNS -all set ../x 1
        r identify $NETNS -all identify ../x
        # (util-linux keeps /run/mount/utab for its own mounts: not ours.)
        r run_after sh -c 'ls -A /run | grep -vx mount'
        # -all exec and -all delete still take what they always took.
        must $NETNS add a
        r exec $NETNS -all exec /bin/echo hi
        r delete $NETNS -all delete ../x
        r ls ls -A /run/netns
        r run_ls sh -c 'ls -A /run | grep -vx mount'
        # iproute2 escapes the run directory.
        r ip_add $IP -all netns add ../y
        r ip_escaped stat -c %F /run/y
        "#,
    )
    .run();
    run.expect("add", 255, "", "Invalid netns name \"../x\"\n");
    run.expect("add_dotdot", 255, "", "Invalid netns name \"..\"\n");
    run.expect("add_slash", 255, "", "Invalid netns name \"a/b\"\n");
    run.expect("attach", 255, "", "Invalid netns name \"../x\"\n");
    run.expect("pids", 255, "", "Invalid netns name \"../../proc/self/ns/net\"\n");
    run.expect("set", 255, "", "Invalid netns name \"../x\"\n");
    run.expect("identify", 255, "", "Invalid netns name \"../x\"\n");
    // Nothing at all was created: not /run/x, not even the run directory.
    run.expect("run_after", 1, "", "");
    run.expect("exec", 0, "\nnetns: a\nhi\n", "");
    run.expect("delete", 0, "", "");
    run.expect("ls", 0, "", "");
    run.expect("run_ls", 0, "netns\n", "");
    // The bug being fixed.
    run.expect("ip_add", 0, "", "");
    run.expect("ip_escaped", 0, "regular empty file\n", "");
}

/// #3: a failed `-all add X` removes only the half-made X, never the other
/// names (iproute2's cleanup called its "delete all" routine).
#[test]
fn failed_all_add_keeps_other_names() {
    require_root!();
    let run = script(
        r#"
        command -v strace >/dev/null || die "strace is not installed (fault injection needs it)"
        must $NETNS add a
        must $IP netns add b
        INJ="strace -f -o /dev/null -e trace=unshare -e inject=unshare:error=ENOMEM"
        r add $INJ $NETNS -all add c
        r list $NETNS list
        r ls ls -A /run/netns
        r nsfs nsfs_mounts
        r exec_a $NETNS exec a true
        r exec_b $IP netns exec b true
        # The same with the bind mount failing (mounts: make-shared, bind).
        r bind strace -f -o /dev/null -e trace=mount -e inject=mount:error=EPERM:when=2 $NETNS -all add d
        r list2 $NETNS list
        r nsfs2 nsfs_mounts
        # iproute2 deletes every name.
        r ip_add $INJ $IP -all netns add c
        r ip_list $NETNS list
        "#,
    )
    .run();
    run.expect("add", 1, "", "Failed to create a new network namespace \"c\": Cannot allocate memory\n");
    run.expect("list", 0, "b\na\n", "");
    run.expect("ls", 0, "a\nb\n", "");
    let nsfs = run.get("nsfs").out();
    run.check(
        nsfs.lines().count() == 2 && nsfs.contains(" /run/netns/a ") && nsfs.contains(" /run/netns/b "),
        "a and b must still be nsfs mounts",
    );
    run.expect("exec_a", 0, "", "");
    run.expect("exec_b", 0, "", "");
    run.expect("bind", 1, "", "Bind /proc/self/ns/net -> /run/netns/d failed: Operation not permitted\n");
    run.expect("list2", 0, "b\na\n", "");
    run.expect_same("nsfs", "nsfs2");
    // The bug being fixed.
    run.expect("ip_add", 1, "", "Failed to create a new network namespace \"c\": Cannot allocate memory\n");
    run.expect("ip_list", 0, "", "");
}

/// #4: in `-all exec` and batch `exec`, a child whose namespace switch
/// fails exits with status 1 instead of running the parent's loop.
#[test]
fn failed_switch_ends_child() {
    require_root!();
    let run = script(
        r#"
        must $NETNS add a
        must $IP netns add b
        must touch /run/netns/zz
        r order ls -U /run/netns
        r all $NETNS -all exec sh -c 'echo hi'
        r ip_all $IP -all netns exec sh -c 'echo hi'
        printf 'netns exec zz echo first\nnetns exec a echo later\n' >$H/b
        r batch $NETNS -force -b $H/b
        r batch_stop $NETNS -b $H/b
        r ip_batch $IP -force -b $H/b
        "#,
    )
    .run();
    let order = run.get("order").out();
    let names: Vec<&str> = order.lines().collect();
    run.check(names.len() == 3, "three entries expected");
    let mut want = String::new();
    for n in &names {
        want.push_str(&format!("\nnetns: {n}\n"));
        if *n != "zz" {
            want.push_str("hi\n");
        }
    }
    run.expect("all", 0, &want, "setting the network namespace \"zz\" failed: Invalid argument\n");
    let batch_err = "setting the network namespace \"zz\" failed: Invalid argument\nCommand failed /tmp/.h/b:1\n";
    run.expect("batch", 1, "later\n", batch_err);
    run.expect("batch_stop", 1, "", batch_err);
    // The bug being fixed (iproute2 < 6.9), shown when the stale entry
    // comes before a real namespace in readdir order.
    if names.first() == Some(&"zz") {
        let his = run.get("ip_all").out().matches("hi\n").count();
        run.check(his > 2, format!("iproute2 6.1 runs the command more than once per namespace (got {his})"));
    }
    let laters = run.get("ip_batch").out().matches("later\n").count();
    run.check(laters == 2, format!("iproute2 6.1 runs the later batch line twice (got {laters})"));
}

/// #5: the offending value is printed instead of `(null)`, and `-n` without
/// a value says so.
#[test]
fn no_null_in_messages() {
    require_root!();
    let run = script(
        r#"
        r nsid $NETNS list-id nsid -3
        r ip_nsid $IP netns list-id nsid -3
        r target $NETNS list-id target-nsid -1
        r both $NETNS list-id nsid -3 target-nsid 1
        r n $NETNS -n
        r netns_opt $NETNS --netns
        r ip_n $IP -n
        "#,
    )
    .run();
    run.expect("nsid", 255, "", "Error: argument \"-3\" is wrong: \"nsid\" value should be >= 0\n");
    run.expect("target", 255, "", "Error: argument \"-1\" is wrong: \"target-nsid\" value should be >= 0\n");
    run.expect("both", 255, "", "Error: argument \"-3\" is wrong: \"nsid\" value should be >= 0\n");
    run.expect("n", 255, "", "Option \"-n\" needs a namespace name\n");
    run.expect("netns_opt", 255, "", "Option \"--netns\" needs a namespace name\n");
    for label in ["nsid", "target", "both", "n", "netns_opt"] {
        run.check(!run.get(label).err().contains("(null)"), format!("[{label}] prints (null)"));
    }
    // The bug being fixed.
    run.check(run.get("ip_nsid").err().contains("\"(null)\""), "iproute2 prints (null) for nsid -3");
    run.check(run.get("ip_n").err().contains("\"(null)\""), "iproute2 prints (null) for -n");
    run.expect_rc("ip_n", 255);
}

/// #6: `list-id target-nsid N` prints a name only when the current
/// namespace's own id for the peer is known.
#[test]
fn list_id_never_guesses() {
    require_root!();
    let run = script(
        r#"
        must $IP netns add f
        must $IP netns add g
        must $IP netns add h
        must $IP netns set f 12
        must $IP netns set h 23
        # f's id for g is 23, which is h's id here.
        must $IP -n f netns set g 23
        r ip $IP netns list-id target-nsid 12
        r ip_json $IP -j netns list-id target-nsid 12
        r netns $NETNS list-id target-nsid 12
        r netns_json $NETNS -j list-id target-nsid 12
        # Here the peer is the one *this* namespace calls 23: h, correctly named.
        r netns_one $NETNS list-id target-nsid 12 nsid 23
        r ip_one $IP netns list-id target-nsid 12 nsid 23
        r plain $NETNS list-id
        # Once g has an id here too, the name is known for sure.
        must $IP netns set g 30
        r known $NETNS list-id target-nsid 12
        r ip_known $IP netns list-id target-nsid 12
        r known_json $NETNS -j list-id target-nsid 12
        "#,
    )
    .run();
    // The bug being fixed: g's entry is labelled with h's name.
    run.expect("ip", 0, "nsid 23 current-nsid unassigned (iproute2 netns name: h)\n", "");
    run.expect("ip_json", 0, "[{\"nsid\":23,\"name\":\"h\"}]\n", "");
    run.expect("netns", 0, "nsid 23 current-nsid unassigned \n", "");
    run.expect("netns_json", 0, "[{\"nsid\":23}]\n", "");
    run.expect("netns_one", 0, "nsid unassigned current-nsid 23 (iproute2 netns name: h)\n", "");
    run.expect_same("netns_one", "ip_one");
    let plain = run.get("plain").out();
    run.check(
        plain.contains("nsid 12 (iproute2 netns name: f)\n") && plain.contains("nsid 23 (iproute2 netns name: h)\n"),
        "plain list-id names f and h by their own ids",
    );
    run.expect("known", 0, "nsid 23 current-nsid 30 (iproute2 netns name: g)\n", "");
    run.expect_same("known", "ip_known");
    run.expect("known_json", 0, "[{\"nsid\":23,\"current-nsid\":30,\"name\":\"g\"}]\n", "");
}

/// #7: `add`/`attach` refuse names with newlines or other control bytes.
#[test]
fn control_bytes_refused() {
    require_root!();
    let run = script(
        r#"
        must $NETNS add keep
        r before ls -A /run/netns
        r add_nl $NETNS add $'a\nb'
        r add_tab $NETNS add $'a\tb'
        r add_soh $NETNS add $'a\x01b'
        r add_del $NETNS add $'a\x7fb'
        r add_all $NETNS -all add $'a\nb'
        r attach_nl $NETNS attach $'a\nb' 1
        r attach_tab $NETNS attach $'a\tb' 1
        r attach_soh $NETNS attach $'a\x01b' 1
        printf 'netns add "c\td"\nnetns add never\n' >$H/b
        r batch $NETNS -force -b $H/b
        r after ls -A /run/netns
        r list $NETNS list
        r nsfs nsfs_mounts
        # iproute2 creates it, and its listing then shows two names.
        r ip_add $IP netns add $'a\nb'
        r ip_list $IP netns list
        "#,
    )
    .run();
    let msg = |shown: &str| {
        format!("Invalid netns name \"{shown}\": a name cannot contain newlines or other control characters\n")
    };
    run.expect("add_nl", 255, "", &msg("a\\nb"));
    run.expect("add_tab", 255, "", &msg("a\\tb"));
    run.expect("add_all", 255, "", &msg("a\\nb"));
    run.expect("attach_nl", 255, "", &msg("a\\nb"));
    run.expect("attach_tab", 255, "", &msg("a\\tb"));
    run.expect("batch", 255, "", &msg("c\\td"));
    // Other control bytes: escaped somehow, never printed raw.
    for label in ["add_soh", "add_del", "attach_soh"] {
        let r = run.get(label);
        let err = r.err();
        run.check(
            r.rc == 255
                && r.out.is_empty()
                && err.starts_with("Invalid netns name \"a\\")
                && err.ends_with("b\": a name cannot contain newlines or other control characters\n")
                && !err.trim_end_matches('\n').bytes().any(|c| c < 0x20 || c == 0x7f),
            format!("[{label}] must be refused with the name escaped"),
        );
    }
    run.expect("before", 0, "keep\n", "");
    run.expect_same("before", "after");
    run.expect("list", 0, "keep\n", "");
    run.check(run.get("nsfs").out().lines().count() == 1, "only keep is mounted");
    // The bug being fixed.
    run.expect("ip_add", 0, "", "");
    run.expect("ip_list", 0, "a\nb\nkeep\n", "");
}

/// #8: `delete` never follows a symlink planted in the run directory, and
/// `add` does not follow one either.
#[test]
fn symlink_placeholder_is_harmless() {
    require_root!();
    let run = script(
        r#"
        must mkdir /tmp/xyz
        must mount -t tmpfs tmpfs /tmp/xyz
        must touch /tmp/xyz/canary
        mounted() { grep -c ' /tmp/xyz ' /proc/self/mountinfo; }
        must $NETNS add real
        must ln -s /tmp/xyz /run/netns/link
        r delete $NETNS delete link
        r link_gone test -L /run/netns/link
        r mounted mounted
        r canary test -e /tmp/xyz/canary
        must ln -s /tmp/xyz /run/netns/link
        r add $NETNS add link
        r attach $NETNS attach link 1
        r still_link test -L /run/netns/link
        r mounted2 mounted
        must ln -s /tmp/xyz/newfile /run/netns/dangling
        r add_dangling $NETNS add dangling
        r no_newfile test -e /tmp/xyz/newfile
        r nsfs nsfs_mounts
        r all_delete $NETNS -all delete
        r ls ls -A /run/netns
        r mounted3 mounted
        r canary3 test -e /tmp/xyz/canary
        # iproute2 unmounts the symlink's target.
        must ln -s /tmp/xyz /run/netns/link
        r ip_delete $IP netns delete link
        r ip_mounted mounted
        "#,
    )
    .run();
    run.expect("delete", 0, "", "");
    run.expect_rc("link_gone", 1);
    run.expect("mounted", 0, "1\n", "");
    run.expect_rc("canary", 0);
    run.expect("add", 1, "", "Cannot create namespace file \"/run/netns/link\": File exists\n");
    run.expect("attach", 1, "", "Cannot create namespace file \"/run/netns/link\": File exists\n");
    run.expect_rc("still_link", 0);
    run.expect("mounted2", 0, "1\n", "");
    run.expect("add_dangling", 1, "", "Cannot create namespace file \"/run/netns/dangling\": File exists\n");
    run.expect_rc("no_newfile", 1);
    let nsfs = run.get("nsfs").out();
    run.check(nsfs.lines().count() == 1 && nsfs.contains(" /run/netns/real "), "only real is an nsfs mount");
    run.expect("all_delete", 0, "", "");
    run.expect("ls", 0, "", "");
    run.expect("mounted3", 0, "1\n", "");
    run.expect_rc("canary3", 0);
    // The bug being fixed.
    run.expect("ip_delete", 0, "", "");
    run.expect("ip_mounted", 1, "0\n", "");
}
