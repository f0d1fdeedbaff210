//! The start-up path of `add NAME`, `delete NAME` and `exec NAME CMD…`
//! (src/entry/, the `fast-start` feature): run before libc starts when the
//! command line is plain, and otherwise, or when any step fails, handed to
//! the full program, whose output is iproute2's. Built without the feature,
//! netns starts libc for every command line, and every outcome must be the
//! same. Every test runs in private mount, network and pid namespaces with
//! a fresh tmpfs on `/run` (see `tests/integration/support/sandbox.rs`).
//!
//! Needs root, util-linux (`unshare`, `setpriv`), strace and iproute2.

use crate::support::script;

/// What the trace of a plain command line shows: no libc start-up with the
/// early path, libc's (or the dynamic loader's) without it.
fn early() -> &'static str {
    if crate::support::fast_start() { "no libc" } else { "libc" }
}

/// `starts_libc`: did the traced netns process run glibc's start-up
/// (`arch_prctl`, its first system call) before it exec'd anything? Only
/// the part of the trace before a second `execve` is netns's own.
const TRACE: &str = r#"
starts_libc() { awk '/execve\(/ { n++ } n == 1' $H/tr | grep -q 'arch_prctl'; }
"#;

/// Plain adds and deletes, with iproute2's abbreviations and the optional
/// object word, never start libc (glibc's first system call, `arch_prctl`,
/// is missing from their trace; [`early`]), and the namespaces they make
/// work with iproute2. With an option, `NETNS_RUN_DIR` or a set-uid start,
/// the full program runs (the check that tells the two apart).
#[test]
fn plain_add_and_delete_run_before_libc() {
    require_root!();
    let run = script(&format!(
        "{TRACE}{}",
        r#"
        mkdir -p /run/netns && mount --bind /run/netns /run/netns && mount --make-shared /run/netns
        libc() { strace -f -o $H/tr "$@" >/dev/null 2>&1; local rc=$?; starts_libc && echo "rc=$rc libc" || echo "rc=$rc no libc"; }
        v add "$(libc $NETNS add f1)"
        v a "$(libc $NETNS a f2)"
        v object "$(libc $NETNS netns add f3)"
        v net_ad "$(libc $NETNS net ad f4)"
        v full_opt "$(libc $NETNS -force add f5)"
        v full_env "$(NETNS_RUN_DIR=/run/netns libc $NETNS add f6)"
        r ip_list $IP netns list
        r ip_exec $IP netns exec f1 $IP -br link
        r exec $NETNS exec f3 $NETNS identify
        v del "$(libc $NETNS del f1)"
        v d "$(libc $NETNS d f2)"
        v delete "$(libc $NETNS netns delete f3)"
        v full_all "$(libc $NETNS -all delete)"
        # A set-uid start (AT_SECURE) is glibc's to clean up: full program.
        cp $NETNS $H/suid && chmod 4755 $H/suid
        v full_suid "$(libc $NOBODY $H/suid add s1)"
        r suid_list $IP netns list
        $IP netns del s1
        r left ls -A /run/netns
        r nsfs nsfs_mounts
        "#
    ))
    .run();
    for label in ["add", "a", "object", "net_ad", "del", "d", "delete"] {
        run.expect(label, 0, &format!("rc=0 {}", early()), "");
    }
    run.expect("suid_list", 0, "s1\n", "");
    for label in ["full_opt", "full_env", "full_all", "full_suid"] {
        run.expect(label, 0, "rc=0 libc", "");
    }
    run.expect("ip_list", 0, "f6\nf5\nf4\nf3\nf2\nf1\n", "");
    run.expect("ip_exec", 0, "lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n", "");
    run.expect("exec", 0, "f3\n", "");
    run.expect("left", 0, "", "");
    run.expect("nsfs", 0, "", "");
}

/// Each way the add and delete steps can fail, on command lines the early
/// path takes: the same status, output and files as iproute2, and nothing
/// left behind. (Their messages never name the program.)
#[test]
fn failures_end_as_iproute2_does() {
    require_root!();
    let run = script(
        r#"
        # Not a mount point yet: the full program makes it one.
        mkdir -p /run/netns
        r first $NETNS add first
        r first_exec $IP netns exec first true
        for who in ip netns; do
            if [ $who = ip ]; then T="$IP netns"; p=ip_; else T=$NETNS; p=; fi
            $IP netns add e
            r ${p}exists $T add e
            r ${p}missing $T del nope
            : >/run/netns/stale
            r ${p}stale $T delete stale
            ln -s /tmp/outside /run/netns/link
            r ${p}symlink $T add link
            r ${p}outside ls /tmp/outside
            rm /run/netns/link
            # Two mounts on one name: one delete takes off one, as iproute2 does.
            $IP netns add s && mount --bind /run/netns/s /run/netns/s
            r ${p}stacked $T del s
            v ${p}stacked_mounts "$(nsfs_mounts | grep -c " /run/netns/s ")"
            umount /run/netns/s && rm /run/netns/s
            r ${p}dot $T add .
            r ${p}dotdot $T delete ..
            r ${p}slash $T add a/b
            r ${p}long $T add $(printf 'x%.0s' {1..256})
            r ${p}nobody_add $NOBODY $T add nb
            r ${p}nobody_del $NOBODY $T del e
            # No namespace may be made: unshare fails after the placeholder exists.
            r ${p}limit unshare --user --map-root-user --mount --net bash -c '
                echo 0 >/proc/sys/user/max_net_namespaces && mount -t tmpfs tmpfs /run && mkdir /run/netns || exit 99
                $0 lim; echo "rc=$? left=$(ls -A /run/netns)"' "$T add"
            r ${p}list $IP netns list
            $IP netns del e
        done
        r alt env NETNS_RUN_DIR=$H/alt $NETNS add alt
        r alt_dir ls -A $H/alt /run/netns
        "#,
    )
    .run();
    run.expect("first", 0, "", "");
    run.expect("first_exec", 0, "", "");
    let same = [
        "exists",
        "missing",
        "stale",
        "symlink",
        "outside",
        "stacked",
        "stacked_mounts",
        "dot",
        "dotdot",
        "slash",
        "long",
        "nobody_add",
        "nobody_del",
        "limit",
        "list",
    ];
    for label in same {
        run.expect_same(label, &format!("ip_{label}"));
    }
    run.expect("exists", 1, "", "Cannot create namespace file \"/run/netns/e\": File exists\n");
    run.expect("stale", 0, "", "");
    run.expect("stacked_mounts", 0, "1", "");
    run.expect("stacked", 1, "", "Cannot remove namespace file \"/run/netns/s\": Device or resource busy\n");
    run.expect_rc("outside", 2);
    run.expect("slash", 255, "", "Invalid netns name \"a/b\"\n");
    run.expect(
        "limit",
        0,
        "rc=1 left=\n",
        "Failed to create a new network namespace \"lim\": No space left on device\n",
    );
    run.expect("list", 0, "e\nfirst\n", "");
    run.expect("alt", 0, "", "");
    run.expect("alt_dir", 0, "/run/netns:\nfirst\n\n/tmp/.h/alt:\nalt\n", "");
}

/// `exec NAME CMD…` and `--net-only exec NAME CMD…` run before libc (a
/// PATH search, a path, abbreviations) and give the command what iproute2
/// and nsenter give it: the namespace, its own /sys mounted from NAME, the
/// exit status, SIGPIPE at its default action as the full program leaves
/// it. With /etc/netns/NAME present, or NETNS_ETC_DIR set, the full program
/// runs the command.
#[test]
fn exec_runs_before_libc_with_iproute2_semantics() {
    require_root!();
    let run = script(&format!(
        "{TRACE}{}",
        r#"
        libc() { strace -f -o $H/tr "$@" >/dev/null 2>&1; local rc=$?; starts_libc && echo "rc=$rc libc" || echo "rc=$rc no libc"; }
        must $NETNS add x
        v path "$(libc $NETNS exec x true)"
        v abs "$(libc $NETNS e x /usr/bin/true)"
        v object "$(libc $NETNS netns ex x sh -c 'exit 5')"
        v net_only "$(libc $NETNS --net-only exec x true)"
        v env_etc "$(NETNS_ETC_DIR=/nonexistent libc $NETNS exec x true)"
        must mkdir -p /etc/netns && must mount -t tmpfs tmpfs /etc/netns && must mkdir /etc/netns/x
        v etc_dir "$(libc $NETNS exec x true)"
        rmdir /etc/netns/x
        view='readlink /proc/self/ns/net; ls /sys/class/net; awk "\$5 == \"/sys\" { for (i = 7; i <= NF; i++) if (\$i == \"-\") print \$(i+1), \$(i+2) }" /proc/self/mountinfo; exit 7'
        r view $NETNS exec x sh -c "$view"
        r ip_view $IP netns exec x sh -c "$view"
        r net_only_view $NETNS --net-only exec x sh -c "$view"
        r nsenter_view nsenter --net=/run/netns/x sh -c "$view"
        sig='grep SigIgn /proc/self/status'
        r sigpipe bash -c "trap '' PIPE; exec $NETNS exec x $sig"
        r full_sigpipe bash -c "trap '' PIPE; NETNS_ETC_DIR=/nonexistent exec $NETNS exec x $sig"
        r stdin sh -c "echo piped | $NETNS exec x cat"
        "#
    ))
    .run();
    for label in ["path", "abs", "net_only"] {
        run.expect(label, 0, &format!("rc=0 {}", early()), "");
    }
    run.expect("object", 0, &format!("rc=5 {}", early()), "");
    run.expect("env_etc", 0, "rc=0 libc", "");
    run.expect("etc_dir", 0, "rc=0 libc", "");
    run.expect_same("view", "ip_view");
    run.expect_same("net_only_view", "nsenter_view");
    run.check(run.get("view").out().contains("\nlo\nsysfs x\n"), "exec must see the namespace's own /sys");
    run.expect_rc("view", 7);
    run.expect_same("sigpipe", "full_sigpipe");
    run.expect("stdin", 0, "piped\n", "");
}

/// Every way `exec` can fail on a command line the early path takes ends
/// as iproute2's does: missing name, stale placeholder, missing command,
/// a directory as the command (EACCES), a script without `#!` (run by
/// /bin/sh), no PATH at all.
#[test]
fn exec_failures_end_as_iproute2_does() {
    require_root!();
    let run = script(
        r#"
        must $NETNS add x
        : >/run/netns/stale
        mkdir -p $H/p/dir && printf 'echo no shebang; exit 3\n' >$H/p/plain && chmod +x $H/p/plain
        for who in ip netns; do
            if [ $who = ip ]; then T="$IP netns"; p=ip_; else T=$NETNS; p=; fi
            r ${p}missing $T exec nope true
            r ${p}stale $T exec stale true
            r ${p}no_cmd $T exec x no-such-command
            r ${p}dir env PATH=$H/p $T exec x dir
            r ${p}script env PATH=$H/p $T exec x plain
            r ${p}no_path env -u PATH $T exec x /usr/bin/true
        done
        "#,
    )
    .run();
    for label in ["missing", "stale", "no_cmd", "dir", "script", "no_path"] {
        run.expect_same(label, &format!("ip_{label}"));
    }
    run.expect("no_cmd", 1, "", "exec of \"no-such-command\" failed: No such file or directory\n");
    run.expect("dir", 1, "", "exec of \"dir\" failed: Permission denied\n");
    run.expect("script", 3, "no shebang\n", "");
}

/// The early path and the full program agree on every command line: each
/// line runs once as is and once with `NETNS_RUN_DIR=/run/netns`, which
/// sends it to the full program with the same directory, from the same
/// state (names `a` and `b`, a stale placeholder), and both runs must give
/// the same status, output and names left.
#[test]
fn early_path_and_full_program_agree() {
    require_root!();
    let lines = [
        "add c",
        "a c",
        "ad a",
        "netns add c",
        "net a c",
        "add stale",
        "add c extra",
        "add -dash",
        "add 'sp ace'",
        "add ...",
        "add .",
        "add ''",
        "delete a",
        "d b",
        "del nope",
        "delete stale",
        "netns delete a",
        "delete a b",
        "delete -dash",
        "exec a true",
        "e a sh -c 'exit 9'",
        "exec a",
        "exec nope true",
        "exec stale true",
        "exec a no-such-command",
        "exec a /",
        "exec a ''",
        "exec a ip netns identify",
        "--net-only exec b ip netns identify",
        "--net-only add c",
        "netns netns add c",
        "ne add c",
        "addx c",
        "identify",
        "identify 1",
        "i 1",
        "net identify 1",
        "identify 999999",
        "identify abc",
        "identify ''",
        "identify 1 2",
        "--net-only identify 1",
    ];
    let mut body = String::from(
        r#"
        state() { $IP -all netns delete 2>/dev/null; rm -f /run/netns/*; $IP netns add a; $IP netns add b; : >/run/netns/stale; }
        after() { echo "names: $(ls -A /run/netns | tr '\n' ' ') mounts: $(nsfs_mounts | wc -l)"; }
        "#,
    );
    for (i, line) in lines.iter().enumerate() {
        body.push_str(&format!(
            "state; r early{i} sh -c \"$NETNS {line}; echo rc=\\$?\"; v early{i}_after \"$(after)\"\n\
             state; r full{i} sh -c \"NETNS_RUN_DIR=/run/netns $NETNS {line}; echo rc=\\$?\"; v full{i}_after \"$(after)\"\n"
        ));
    }
    let run = script(&body).run();
    // The lines did run: a sample of what they print.
    run.expect("early0", 0, "rc=0\n", "");
    run.expect("early0_after", 0, "names: a b c stale  mounts: 3", "");
    run.expect("early20", 0, "rc=9\n", "");
    run.expect("early28", 0, "b\nrc=0\n", "");
    for i in 0..lines.len() {
        run.expect_same(&format!("early{i}"), &format!("full{i}"));
        run.expect_same(&format!("early{i}_after"), &format!("full{i}_after"));
    }
}

/// `identify [PID]` runs before libc and prints what the full program
/// prints: the last matching name in readdir order (two names for one
/// namespace), nothing for an unnamed one, the same failures for a bad
/// pid, a missing run directory and a user who may not look.
#[test]
fn identify_agrees_with_the_full_program() {
    require_root!();
    let run = script(&format!(
        "{TRACE}{}",
        r#"
        libc() { strace -f -o $H/tr "$@" >/dev/null 2>&1; local rc=$?; starts_libc && echo "rc=$rc libc" || echo "rc=$rc no libc"; }
        must $IP netns add a && must $IP netns add b
        touch /run/netns/twin && must mount --bind /run/netns/a /run/netns/twin
        $IP netns exec a sleep 100 & A=$!
        until [ "$($IP netns identify $A)" != "" ]; do sleep 0.01; done
        v early "$(libc $NETNS identify $A)"
        for who in early full; do
            if [ $who = early ]; then T=$NETNS; else T="env NETNS_RUN_DIR=/run/netns $NETNS"; fi
            r ${who}_named $T identify $A
            r ${who}_unnamed $T identify $$
            r ${who}_self $T identify
            r ${who}_nobody $NOBODY $T identify $A
            r ${who}_bad $T identify 999999
        done
        r ip_named $IP netns identify $A
        kill $A
        umount /run/netns/twin /run/netns/a /run/netns/b && mv /run/netns $H/gone
        r early_missing $NETNS identify
        r full_missing env NETNS_RUN_DIR=/run/netns $NETNS identify
        "#
    ))
    .run();
    run.expect("early", 0, &format!("rc=0 {}", early()), "");
    for label in ["named", "unnamed", "self", "nobody", "bad", "missing"] {
        run.expect_same(&format!("early_{label}"), &format!("full_{label}"));
    }
    run.expect("early_named", 0, &run.get("ip_named").out(), "");
    run.expect("early_unnamed", 0, "\n", "");
    run.expect("early_missing", 0, "\n", "");
}
