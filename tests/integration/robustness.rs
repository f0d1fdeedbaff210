//! Robustness: concurrent adds and deletes of the same names, bad input
//! (huge and binary batch files, odd names), and unprivileged callers,
//! each compared with what iproute2 does where that is meaningful. Every
//! test runs in private mount, network and pid namespaces with a fresh tmpfs
//! on `/run` (see `support/sandbox.rs`).
//!
//! Needs root, util-linux (`unshare`, `setpriv`) and iproute2.

use crate::support::{parse_mountinfo, script, sorted_lines};
use std::time::Duration;

// ---------------------------------------------------------------- concurrency

/// Messages a worker may legitimately get while others add and delete the
/// same names: the name exists, is gone, was unlinked between the
/// placeholder and the bind mount, or is still mounted while being unlinked.
fn expected_race_message(line: &str) -> bool {
    let name_ok = |n: &str| n.strip_prefix('n').and_then(|d| d.parse::<u32>().ok()).is_some_and(|d| d < 20);
    fn path_of<'a>(rest: &'a str, suffix: &str) -> Option<&'a str> {
        rest.strip_suffix(suffix).and_then(|p| p.strip_prefix("/run/netns/"))
    }
    if let Some(rest) = line.strip_prefix("Cannot create namespace file \"") {
        return path_of(rest, "\": File exists").is_some_and(name_ok);
    }
    if let Some(rest) = line.strip_prefix("Cannot remove namespace file \"") {
        return path_of(rest, "\": No such file or directory").is_some_and(name_ok)
            || path_of(rest, "\": Device or resource busy").is_some_and(name_ok);
    }
    if let Some(rest) = line.strip_prefix("Bind /proc/self/ns/net -> ") {
        return path_of(rest, " failed: No such file or directory").is_some_and(name_ok);
    }
    false
}

/// 8 processes add and delete the same 20 names for 3 s (the run directory
/// does not exist at the start, so they also race on its first-time setup).
/// Nothing crashes, every failure is an ordinary one, listings stay
/// well-formed, and at the end the directory, the mounts and `netns list`
/// agree; removing everything leaves no nsfs mount.
#[test]
fn concurrent_add_delete_same_names() {
    require_root!();
    let run = script(
        r#"
        worker() {
            local id=$1 end=$2 n
            RANDOM=$((id * 7919 + 10#${EPOCHREALTIME#*.} % 1000))
            while [ "${EPOCHREALTIME/./}" -lt "$end" ]; do
                n=n$((RANDOM % 20))
                if ((RANDOM % 2)); then
                    $NETNS add $n 2>>$H/err.$id
                else
                    $NETNS delete $n 2>>$H/err.$id
                fi
                echo $? >>$H/rc.$id
            done
        }
        end=$((${EPOCHREALTIME/./} + 3000000))
        workers=()
        for i in 1 2 3 4 5 6 7 8; do
            worker $i $end &
            workers+=($!)
        done
        # Meanwhile `netns list` must keep working.
        while [ "${EPOCHREALTIME/./}" -lt "$end" ]; do
            $NETNS list >>$H/list.out 2>>$H/list.err
            echo $? >>$H/list.rc
            sleep 0.05
        done
        wait "${workers[@]}"
        r rcs sh -c "cat $H/rc.* | sort | uniq -c"
        r errs sh -c "cat $H/err.*"
        r list_rcs sh -c "sort -u $H/list.rc"
        r list_out cat $H/list.out
        r list_err cat $H/list.err
        r final_ls ls -A /run/netns
        r final_list $NETNS list
        r final_mi cat /proc/self/mountinfo
        # Remove everything; a name with two stacked mounts needs two deletes.
        rounds=0
        while [ -n "$(ls -A /run/netns)" ] && [ $rounds -lt 30 ]; do
            rounds=$((rounds + 1))
            $NETNS -all delete 2>>$H/del.err || echo "-all delete failed: $?" >>$H/del.err
            [ "$($NETNS list 2>&1 | sort)" = "$(ls -A /run/netns | sort)" ] || echo "round $rounds: list and directory differ" >>$H/del.err
        done
        v rounds $rounds
        r del_err cat $H/del.err
        r end_ls ls -A /run/netns
        r end_list $NETNS list
        r end_nsfs nsfs_mounts
        r end_add $NETNS add again
        r end_again $NETNS list
        "#,
    )
    .timeout(Duration::from_secs(30))
    .run();

    // No crash: every status 0 or 1, no panic.
    let rcs = run.get("rcs").out();
    let mut total = 0;
    for line in rcs.lines() {
        let mut f = line.split_whitespace();
        let (count, rc) = (f.next().unwrap_or("0"), f.next().unwrap_or("?"));
        run.check(rc == "0" || rc == "1", format!("a worker's command ended with status {rc}"));
        total += count.parse::<u32>().unwrap_or(0);
    }
    run.check(total >= 80, format!("only {total} commands ran in 3 s"));
    run.check(rcs.lines().any(|l| l.ends_with(" 0")), "some commands must succeed");
    let errs = run.get("errs").err() + &run.get("errs").out();
    // Shown with --nocapture: how much racing actually happened.
    let mut kinds = std::collections::BTreeMap::new();
    for line in errs.lines() {
        let kind = line.rsplit(": ").next().unwrap_or(line).to_string();
        *kinds.entry(kind).or_insert(0) += 1;
    }
    println!("statuses:\n{rcs}messages: {kinds:?}\nrounds to clean up: {}", run.get("rounds").out());
    for line in errs.lines() {
        run.check(expected_race_message(line), format!("unexpected message from a worker: {line:?}"));
    }
    // Listings during the run: status 0, only known names, only the
    // stale-placeholder message (a name caught between placeholder and mount).
    run.expect("list_rcs", 0, "0\n", "");
    for line in run.get("list_out").out().lines() {
        let ok = line.strip_prefix('n').and_then(|d| d.parse::<u32>().ok()).is_some_and(|d| d < 20);
        run.check(ok, format!("netns list printed {line:?} during the run"));
    }
    for line in run.get("list_out").err().lines().chain(run.get("list_err").out().lines()) {
        run.check(
            line == "Error: Peer netns reference is invalid.",
            format!("unexpected message from netns list during the run: {line:?}"),
        );
    }
    // Quiet again: directory, listing and mounts agree.
    let ls = sorted_lines(&run.get("final_ls").out());
    run.expect("final_list", 0, &run.get("final_list").out(), "");
    run.check(sorted_lines(&run.get("final_list").out()) == ls, "netns list and the run directory differ");
    let mi = parse_mountinfo(&run.get("final_mi").out());
    run.check(
        mi.iter().filter(|m| m.mount_point == "/run/netns" && m.fstype == "tmpfs").count() == 1,
        "the run dir must be mounted once",
    );
    let mut mounted: Vec<String> = mi
        .iter()
        .filter(|m| m.fstype == "nsfs")
        .map(|m| m.mount_point.strip_prefix("/run/netns/").unwrap_or(&m.mount_point).to_string())
        .collect();
    mounted.sort();
    mounted.dedup();
    run.check(mounted == ls, format!("nsfs mounts {mounted:?} and names {ls:?} differ"));
    // Everything removed.
    run.expect("end_ls", 0, "", "");
    run.expect("end_list", 0, "", "");
    run.expect("end_nsfs", 0, "", "");
    for line in run.get("del_err").out().lines() {
        run.check(expected_race_message(line), format!("unexpected message while cleaning up: {line:?}"));
    }
    run.expect("end_add", 0, "", "");
    run.expect("end_again", 0, "again\n", "");
}

// ---------------------------------------------------------------- bad input

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 100,000 lines the parser must chew through (comments, blanks, CRs,
/// continuations, long comments) and then one `add`.
fn big_batch() -> Vec<u8> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut v = Vec::new();
    let long_comment = format!("# {}\n", "x".repeat(10_000));
    for i in 0..99_999 {
        match rng.below(8) {
            0 => v.extend_from_slice(b"\n"),
            1 => v.extend_from_slice(b"   \t  \r\n"),
            2 => v.extend_from_slice(b"# netns add never\n"),
            3 => v.extend_from_slice(b"  \t# comment with 'quote and \"quote and \\\n"),
            4 => v.extend_from_slice(b"   \\\n"),
            5 => v.extend_from_slice(b"#\xff\x00\x01 binary comment\n"),
            6 if i % 1000 == 0 => v.extend_from_slice(long_comment.as_bytes()),
            _ => v.extend_from_slice(b"\r\n"),
        }
    }
    // The previous line may end in a continuation: start with a blank line.
    v.extend_from_slice(b"\nnetns add ok\n");
    v
}

#[test]
fn batch_of_100k_lines() {
    require_root!();
    let input = big_batch();
    let lines = input.iter().filter(|&&b| b == b'\n').count();
    assert!(lines >= 100_000);
    let run = script(
        r#"
        r file $NETNS -b $H/input
        r list $NETNS list
        must $NETNS delete ok
        r stdin sh -c "cat $H/input | $NETNS -b -"
        r list2 $NETNS list
        must $NETNS delete ok
        r ip $IP -b $H/input
        r ip_list $NETNS list
        "#,
    )
    .input(&input)
    .run();
    run.expect("file", 0, "", "");
    run.expect("list", 0, "ok\n", "");
    run.expect("stdin", 0, "", "");
    run.expect("list2", 0, "ok\n", "");
    run.expect("ip", 0, "", "");
    run.expect("ip_list", 0, "ok\n", "");
    run.check(run.elapsed < Duration::from_secs(10), "100k-line batch files must be quick");
}

/// Random bytes (NUL, 0xff, quotes, control bytes), every line made to
/// start with a byte that cannot begin a command word, so no line can run
/// a command by chance.
fn garbage(seed: u64, len: usize, quotes: bool) -> Vec<u8> {
    const STARTS: &[u8] = b"\xff\x80\x01\x7f-+0123456789.,;:!?%&*()[]{}<>=~^|@$\\/";
    let mut rng = Rng(seed);
    let mut v = Vec::with_capacity(len + 1);
    let mut line_start = true;
    while v.len() < len {
        if line_start {
            v.push(STARTS[rng.below(STARTS.len() as u64) as usize]);
            line_start = false;
            continue;
        }
        let b = match rng.below(16) {
            0 => b'\n',
            1 => b' ',
            2 => 0,
            3 => 0xff,
            4 if quotes => b"'\""[rng.below(2) as usize],
            _ => rng.below(256) as u8,
        };
        let b = if !quotes && (b == b'\'' || b == b'"') { b'q' } else { b };
        v.push(b);
        line_start = b == b'\n';
    }
    v.push(b'\n');
    v
}

/// Allowed stderr lines for a garbage batch file.
fn garbage_message(line: &str) -> bool {
    (line.starts_with("Object \"") && line.ends_with("\" is unknown, try \"netns help\"."))
        || line.strip_prefix("Command failed /tmp/.h/input:").is_some_and(|n| n.parse::<u32>().is_ok())
        || line.strip_prefix("Command failed -:").is_some_and(|n| n.parse::<u32>().is_ok())
        || line == "Unterminated quoted string"
        || line == "Too many arguments to command"
}

fn check_garbage(seed: u64, quotes: bool) {
    let input = garbage(seed, 64 * 1024, quotes);
    let run = script(
        r#"
        must $NETNS add keep
        snapshot() {
            find /run /tmp -xdev ! -path "$H/w/.[oe]" ! -path "$H/before" ! -path "$H/after" ! -path /run/mount/utab | sort
        }
        snapshot >$H/before
        r plain $NETNS -b $H/input
        r force $NETNS -force -b $H/input
        r stdin sh -c "cat $H/input | $NETNS -force -b -"
        r ip_force $IP -force -b $H/input
        snapshot >$H/after
        r touched diff $H/before $H/after
        r cwd ls -A
        r list $NETNS list
        "#,
    )
    .input(&input)
    .run();
    for label in ["plain", "force", "stdin"] {
        let r = run.get(label);
        run.check(r.rc == 1, format!("[{label}] a garbage batch file must fail with status 1"));
        run.check(r.out.is_empty(), format!("[{label}] nothing may be printed on stdout"));
        let err = r.err();
        run.check(!err.is_empty(), format!("[{label}] an error must be reported"));
        for line in err.lines() {
            run.check(garbage_message(line), format!("[{label}] unexpected message {line:?}"));
        }
    }
    // Same outcome as iproute2 (status and number of messages).
    let (ours, theirs) = (run.get("force"), run.get("ip_force"));
    run.check(ours.rc == theirs.rc, "netns and ip -force -b end differently");
    run.check(
        ours.err.split(|&b| b == b'\n').count() == theirs.err.split(|&b| b == b'\n').count(),
        "message counts differ",
    );
    let piped = replace_bytes(&run.get("stdin").err, b"Command failed -:", b"Command failed /tmp/.h/input:");
    run.check(piped == ours.err && run.get("stdin").rc == ours.rc, "a pipe and a file must give the same result");
    // Nothing created, nothing written anywhere.
    run.expect("touched", 0, "", "");
    run.expect("cwd", 0, ".e\n.o\n", "");
    run.expect("list", 0, "keep\n", "");
}

#[test]
fn binary_garbage_batch_without_quotes() {
    require_root!();
    check_garbage(1, false);
}

#[test]
fn binary_garbage_batch_with_quotes() {
    require_root!();
    check_garbage(2, true);
    check_garbage(3, true);
}

#[test]
fn batch_word_limits() {
    require_root!();
    let run = script(
        r#"
        printf 'netns%.0s x' $(seq 600) >$H/many; echo >>$H/many
        r many $NETNS -force -b $H/many
        r ip_many $IP -force -b $H/many
        printf 'netns add "open\n' >$H/open
        r open $NETNS -force -b $H/open
        r ip_open $IP -force -b $H/open
        # A continuation on the last line, and a backslash at the very end.
        printf 'netns add a\\\n' >$H/cont
        r cont $NETNS -b $H/cont
        r cont_list $NETNS list
        must $NETNS -all delete
        r ip_cont $IP -b $H/cont
        r ip_cont_list $NETNS list
        must $NETNS -all delete
        printf 'netns add b\\' >$H/end
        r end $NETNS -b $H/end
        r end_list $NETNS list
        must $NETNS -all delete
        r ip_end $IP -b $H/end
        r ip_end_list $NETNS list
        must $NETNS -all delete
        r list $NETNS list
        "#,
    )
    .run();
    run.expect("many", 1, "", "Too many arguments to command\n");
    run.expect_same("many", "ip_many");
    run.expect("open", 1, "", "Unterminated quoted string\n");
    run.expect_same("open", "ip_open");
    run.expect_same("cont", "ip_cont");
    run.expect_same("cont_list", "ip_cont_list");
    run.expect("end", 0, "", "");
    run.expect("end_list", 0, "b\\\n", "");
    run.expect_same("end", "ip_end");
    run.expect_same("end_list", "ip_end_list");
    run.expect("list", 0, "", "");
}

/// In a batch file, a line whose first word is neither the object word nor
/// a netns command is an unknown object (status 1, `-force` goes on), even
/// when its second word would not be a valid name: iproute2 never gets as
/// far as checking it.
#[test]
fn batch_unknown_object_before_name_check() {
    require_root!();
    let run = script(
        r#"
        printf 'foo ../x\nnetns add after\n' >$H/b
        r batch $NETNS -force -b $H/b
        r list $NETNS list
        must $NETNS -all delete
        r ip_batch $IP -force -b $H/b
        r ip_list $NETNS list
        "#,
    )
    .run();
    run.expect("batch", 1, "", "Object \"foo\" is unknown, try \"netns help\".\nCommand failed /tmp/.h/b:1\n");
    run.expect("list", 0, "after\n", "");
    run.expect("ip_batch", 1, "", "Object \"foo\" is unknown, try \"ip help\".\nCommand failed /tmp/.h/b:1\n");
    run.expect("ip_list", 0, "after\n", "");
}

/// Quoted batch words may hold blanks and any byte except control bytes;
/// a newline can never get into a name (lines are split first, and a
/// continuation joins the halves).
#[test]
fn names_via_batch_quoting() {
    require_root!();
    let run = script(
        r#"
        printf '%s\n' 'netns add "sp ace"' "netns add 'quo\"te'" 'add "a\' 'b"' \
            'netns exec "sp ace" /usr/sbin/ip netns identify' >$H/ok
        printf 'netns add "c\td"\nnetns add never\n' >$H/tab
        printf 'netns add "c\rd"\nnetns add never\n' >$H/cr
        r ok $NETNS -b $H/ok
        r list $NETNS list
        r ip_list $IP netns list
        r tab $NETNS -force -b $H/tab
        r cr $NETNS -force -b $H/cr
        r list2 $NETNS list
        r ip_exec $IP netns exec 'sp ace' $NETNS identify
        "#,
    )
    .run();
    run.expect("ok", 0, "sp ace\n", "");
    run.expect("list", 0, "ab\nquo\"te\nsp ace\n", "");
    run.expect_same("list", "ip_list");
    let msg = "a name cannot contain newlines or other control characters\n";
    run.expect("tab", 255, "", &format!("Invalid netns name \"c\\td\": {msg}"));
    run.expect("cr", 255, "", &format!("Invalid netns name \"c\\rd\": {msg}"));
    run.expect("list2", 0, "ab\nquo\"te\nsp ace\n", "");
    run.expect("ip_exec", 0, "sp ace\n", "");
}

/// Names are bytes: a name that is not UTF-8 is created, listed and shown
/// in messages exactly as iproute2 does (byte for byte).
#[test]
fn non_utf8_names_are_bytes() {
    require_root!();
    let run = script(
        r#"
        r add $NETNS add $'\xff\xfe'
        r list $NETNS list
        r ip_list $IP netns list
        r json $NETNS -j list
        r ip_json $IP -j netns list
        r exists $NETNS add $'\xff\xfe'
        r ip_exists $IP netns add $'\xff\xfe'
        r exec $NETNS exec $'\xfe' true
        r ip_exec $IP netns exec $'\xfe' true
        r invalid $NETNS add $'\xff/'
        r ip_invalid $IP netns add $'\xff/'
        r pid $NETNS identify $'\xff'
        r ip_pid $IP netns identify $'\xff'
        r unknown $NETNS $'\xff'
        r ip_unknown $IP netns $'\xff'
        printf '\xff x\n' >$H/b
        r batch $NETNS -b $H/b
        r ip_batch $IP -b $H/b
        r delete $NETNS delete $'\xff\xfe'
        r delete_again $NETNS delete $'\xff\xfe'
        r ip_delete_again $IP netns delete $'\xff\xfe'
        "#,
    )
    .run();
    run.expect("add", 0, "", "");
    run.check(run.get("list").out == b"\xff\xfe\n", "the name must be listed as its bytes");
    run.expect("delete", 0, "", "");
    // iproute2 names itself in two of these; apart from that, the same bytes.
    let ip_name = [(&b"\"ip netns help\""[..], &b"\"netns help\""[..]), (b"\"ip help\"", b"\"netns help\"")];
    let mut differ = Vec::new();
    for label in ["list", "json", "exists", "exec", "invalid", "pid", "unknown", "batch", "delete_again"] {
        let ours = run.get(label);
        let theirs = run.get(&format!("ip_{label}"));
        let mut err = theirs.err.clone();
        for (from, to) in ip_name {
            err = replace_bytes(&err, from, to);
        }
        if (ours.rc, &ours.out, &ours.err) != (theirs.rc, &theirs.out, &err) {
            differ.push(label);
        }
    }
    run.check(
        differ.is_empty(),
        format!("differ from iproute2 (non-UTF-8 bytes must be printed as they are): {differ:?}"),
    );
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------- non-root

/// uid/gid 65534 without capabilities: the same messages and statuses as
/// iproute2 for every command, and nothing changes.
#[test]
fn unprivileged_caller() {
    require_root!();
    let run = script(
        r#"
        # No run directory yet.
        r add_missing $NOBODY $NETNS add x
        r ip_add_missing $NOBODY $IP netns add x
        r monitor_missing $NOBODY $NETNS monitor
        r ip_monitor_missing $NOBODY $IP netns monitor
        r list_missing $NOBODY $NETNS list
        r ip_list_missing $NOBODY $IP netns list
        r no_dir test -e /run/netns
        # Root made a name.
        must $NETNS add y
        bg_in $NETNS y
        r add_exists $NOBODY $NETNS add x
        r ip_add_exists $NOBODY $IP netns add x
        r attach $NOBODY $NETNS attach x 1
        r ip_attach $NOBODY $IP netns attach x 1
        r list $NOBODY $NETNS list
        r ip_list $NOBODY $IP netns list
        r json $NOBODY $NETNS -j list
        r ip_json $NOBODY $IP -j netns list
        r exec $NOBODY $NETNS exec y true
        r ip_exec $NOBODY $IP netns exec y true
        r dash_n $NOBODY $NETNS -n y list
        r ip_dash_n $NOBODY $IP -n y netns list
        r delete $NOBODY $NETNS delete y
        r ip_delete $NOBODY $IP netns delete y
        r all_delete $NOBODY $NETNS -all delete
        r ip_all_delete $NOBODY $IP -all netns delete
        r set $NOBODY $NETNS set y 3
        r ip_set $NOBODY $IP netns set y 3
        r identify $NOBODY $NETNS identify
        r ip_identify $NOBODY $IP netns identify
        r pids $NOBODY $NETNS pids y
        r ip_pids $NOBODY $IP netns pids y
        r after ls -A /run/netns
        r after_list $NETNS list
        "#,
    )
    .run();
    run.expect("add_missing", 1, "", "mkdir /run/netns failed: Permission denied\n");
    run.expect("monitor_missing", 1, "", "mkdir /run/netns failed: Permission denied\n");
    run.expect("list_missing", 0, "", "");
    run.expect_rc("no_dir", 1);
    run.expect("add_exists", 1, "", "mount --make-shared /run/netns failed: Operation not permitted\n");
    run.expect("attach", 1, "", "mount --make-shared /run/netns failed: Operation not permitted\n");
    run.expect("list", 0, "y\n", "");
    run.expect("json", 0, "[{\"name\":\"y\"}]\n", "");
    run.expect("exec", 255, "", "setting the network namespace \"y\" failed: Operation not permitted\n");
    run.expect("dash_n", 255, "", "setting the network namespace \"y\" failed: Operation not permitted\n");
    run.expect("delete", 1, "", "Cannot remove namespace file \"/run/netns/y\": Permission denied\n");
    run.expect("all_delete", 0, "", "Cannot remove namespace file \"/run/netns/y\": Permission denied\n");
    run.expect("set", 2, "", "RTNETLINK answers: Operation not permitted\n");
    run.expect("identify", 0, "\n", "");
    run.expect("pids", 0, "", "");
    for label in [
        "add_missing",
        "monitor_missing",
        "list_missing",
        "add_exists",
        "attach",
        "list",
        "json",
        "exec",
        "dash_n",
        "delete",
        "all_delete",
        "set",
        "identify",
        "pids",
    ] {
        run.expect_same(label, &format!("ip_{label}"));
    }
    run.expect("after", 0, "y\n", "");
    run.expect("after_list", 0, "y\n", "");
}
