//! Interoperability with iproute2 (`/usr/sbin/ip`, 6.1): a namespace named
//! by one tool is listed, entered, identified, given an id and removed by the
//! other, and the run directory and its mounts look as iproute2 leaves them.
//! Every test runs in private mount, network and pid namespaces with a fresh
//! tmpfs on `/run` (see `support/sandbox.rs`).
//!
//! Needs root, util-linux (`unshare`, `setpriv`) and iproute2.

use crate::support::{parse_mountinfo, script};

/// `lo` as `ip -br link` shows it in a brand-new namespace.
fn is_fresh_lo(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    lines.len() == 1 && lines[0].starts_with("lo ") && lines[0].contains("DOWN") && lines[0].contains("<LOOPBACK>")
}

#[test]
fn namespace_made_by_netns_is_usable_by_ip() {
    require_root!();
    let run = script(
        r#"
        r add $NETNS add a
        r ip_list $IP netns list
        r ip_exec_link $IP netns exec a $IP -br link
        r ip_exec_identify $IP netns exec a $IP netns identify
        bg_in $IP a
        v pid "$P"
        r ip_identify $IP netns identify "$P"
        r ip_pids $IP netns pids a
        r ip_set $IP netns set a 7
        r ip_list_id $IP netns list
        r netns_list_id $NETNS list
        r ip_list_ids $IP netns list-id
        kill $P; wait $P 2>/dev/null
        r ip_del $IP netns delete a
        r ls ls -A /run/netns
        r nsfs nsfs_mounts
        r netns_list_after $NETNS list
        "#,
    )
    .run();
    run.expect("add", 0, "", "");
    run.expect("ip_list", 0, "a\n", "");
    let link = run.get("ip_exec_link");
    run.check(link.rc == 0 && is_fresh_lo(&link.out()), "ip netns exec a ip -br link: only a DOWN lo expected");
    run.expect("ip_exec_identify", 0, "a\n", "");
    run.expect("ip_identify", 0, "a\n", "");
    let pid = run.get("pid").out();
    run.expect("ip_pids", 0, &format!("{pid}\n"), "");
    run.expect("ip_set", 0, "", "");
    run.expect("ip_list_id", 0, "a (id: 7)\n", "");
    run.expect("netns_list_id", 0, "a (id: 7)\n", "");
    run.expect("ip_list_ids", 0, "nsid 7 (iproute2 netns name: a)\n", "");
    run.expect("ip_del", 0, "", "");
    run.expect("ls", 0, "", "");
    run.expect("nsfs", 0, "", "");
    run.expect("netns_list_after", 0, "", "");
}

#[test]
fn namespace_made_by_ip_is_usable_by_netns() {
    require_root!();
    let run = script(
        r#"
        must $IP netns add b
        r list $NETNS list
        r exec_link $NETNS exec b $IP -br link
        r exec_identify $NETNS exec b $NETNS identify
        r exec_identify_ip $NETNS exec b $IP netns identify
        bg_in $IP b
        v pid "$P"
        r identify $NETNS identify "$P"
        r identify_self $NETNS identify
        r pids $NETNS pids b
        must $IP netns set b 5
        r list_id $NETNS list
        r list_json $NETNS -j list
        r list_id_cmd $NETNS list-id
        kill $P; wait $P 2>/dev/null
        r del $NETNS delete b
        r ip_list $IP netns list
        r ls ls -A /run/netns
        r nsfs nsfs_mounts
        "#,
    )
    .run();
    run.expect("list", 0, "b\n", "");
    let link = run.get("exec_link");
    run.check(link.rc == 0 && is_fresh_lo(&link.out()), "netns exec b ip -br link: only a DOWN lo expected");
    run.expect("exec_identify", 0, "b\n", "");
    run.expect("exec_identify_ip", 0, "b\n", "");
    run.expect("identify", 0, "b\n", "");
    run.expect("identify_self", 0, "\n", "");
    let pid = run.get("pid").out();
    run.expect("pids", 0, &format!("{pid}\n"), "");
    run.expect("list_id", 0, "b (id: 5)\n", "");
    run.expect("list_json", 0, "[{\"name\":\"b\",\"id\":5}]\n", "");
    run.expect("list_id_cmd", 0, "nsid 5 (iproute2 netns name: b)\n", "");
    run.expect("del", 0, "", "");
    run.expect("ip_list", 0, "", "");
    run.expect("ls", 0, "", "");
    run.expect("nsfs", 0, "", "");
}

#[test]
fn attach_names_processes_started_by_the_other_tool() {
    require_root!();
    let run = script(
        r#"
        # A process started by `ip netns exec`, whose name is then removed:
        # only the process keeps the namespace alive.
        must $IP netns add c
        bg_in $IP c
        P1=$P
        must $IP netns del c
        r identify_unnamed $NETNS identify "$P1"
        r attach $NETNS attach d "$P1"
        r ip_identify $IP netns identify "$P1"
        r ip_exec_link $IP netns exec d $IP -br link
        r pids $NETNS pids d
        v pid1 "$P1"
        v same_inode "$(stat -L -c %i /proc/$P1/ns/net) $(stat -c %i /run/netns/d)"
        # And the other way: netns exec, ip attach.
        must $NETNS add e
        bg_in $NETNS e
        P2=$P
        must $NETNS del e
        r ip_attach $IP netns attach f "$P2"
        r identify_f $NETNS identify "$P2"
        r list $NETNS list
        r ip_list $IP netns list
        "#,
    )
    .run();
    run.expect("identify_unnamed", 0, "\n", "");
    run.expect("attach", 0, "", "");
    run.expect("ip_identify", 0, "d\n", "");
    let link = run.get("ip_exec_link");
    run.check(link.rc == 0 && is_fresh_lo(&link.out()), "ip netns exec d ip -br link: only a DOWN lo expected");
    run.expect("pids", 0, &format!("{}\n", run.get("pid1").out()), "");
    let inodes = run.get("same_inode").out();
    let v: Vec<&str> = inodes.split(' ').collect();
    run.check(v.len() == 2 && v[0] == v[1], "/run/netns/d must be the process's namespace");
    run.expect("ip_attach", 0, "", "");
    run.expect("identify_f", 0, "f\n", "");
    run.expect("list", 0, "f\nd\n", "");
    run.expect_same("list", "ip_list");
}

#[test]
fn mountinfo_after_add_and_delete() {
    require_root!();
    let run = script(
        r#"
        r add $NETNS add m
        r mi_add cat /proc/self/mountinfo
        v ino "$(stat -L -c %i /run/netns/m)"
        r ip_add $IP netns add i
        r mi_both cat /proc/self/mountinfo
        r del $NETNS delete m
        r ip_del $NETNS delete i
        r mi_del cat /proc/self/mountinfo
        r ls ls -A /run/netns
        "#,
    )
    .run();
    run.expect("add", 0, "", "");
    let mi = parse_mountinfo(&run.get("mi_add").out());
    // The run directory is a mount point of its own, shared. (Only the one
    // in the script's tmpfs /run counts: a host whose own /run/netns is a
    // mount shows that one too, hidden under the tmpfs.)
    let dirs: Vec<_> = mi.iter().filter(|m| m.mount_point == "/run/netns" && m.fstype == "tmpfs").collect();
    run.check(dirs.len() == 1, format!("exactly one mount at /run/netns expected, got {dirs:?}"));
    run.check(
        dirs[0].optional.iter().any(|o| o.starts_with("shared:")),
        format!("/run/netns must be a shared mount, got {:?}", dirs[0].optional),
    );
    // The name is one nsfs mount of the namespace's inode.
    let ino = run.get("ino").out();
    let names: Vec<_> = mi.iter().filter(|m| m.mount_point == "/run/netns/m").collect();
    run.check(names.len() == 1, format!("exactly one mount at /run/netns/m expected, got {names:?}"));
    run.check(names[0].fstype == "nsfs", format!("/run/netns/m must be nsfs, got {:?}", names[0]));
    run.check(names[0].root == format!("net:[{ino}]"), format!("nsfs root must be net:[{ino}], got {:?}", names[0]));
    run.check(
        names[0].optional.iter().any(|o| o.starts_with("shared:")),
        format!("/run/netns/m must be shared (propagates), got {:?}", names[0].optional),
    );
    run.check(mi.iter().filter(|m| m.fstype == "nsfs").count() == 1, "one nsfs mount after one add");
    // iproute2's add leaves the same shape next to ours.
    run.expect("ip_add", 0, "", "");
    let both = parse_mountinfo(&run.get("mi_both").out());
    run.check(
        both.iter().filter(|m| m.mount_point == "/run/netns" && m.fstype == "tmpfs").count() == 1,
        "still one run dir mount",
    );
    let i: Vec<_> = both.iter().filter(|m| m.mount_point == "/run/netns/i").collect();
    run.check(i.len() == 1 && i[0].fstype == "nsfs", "ip's name is one nsfs mount too");
    run.check(both.iter().filter(|m| m.fstype == "nsfs").count() == 2, "two nsfs mounts after two adds");
    // After delete: no nsfs mount remains; the run dir mount stays, as with iproute2.
    run.expect("del", 0, "", "");
    run.expect("ip_del", 0, "", "");
    let after = parse_mountinfo(&run.get("mi_del").out());
    run.check(after.iter().all(|m| m.fstype != "nsfs"), "no nsfs mount may remain after delete");
    run.check(
        after.iter().filter(|m| m.mount_point == "/run/netns" && m.fstype == "tmpfs").count() == 1,
        "run dir mount kept",
    );
    run.expect("ls", 0, "", "");
}

#[test]
fn dash_n_runs_inside_the_namespace() {
    require_root!();
    let run = script(
        r#"
        must $IP netns add n
        must $IP netns add o
        must $IP -n n netns set o 3
        r list $NETNS -n n list
        r ip_list $IP -n n netns list
        r list_long $NETNS -netns n list
        r identify $NETNS -n n identify
        r ip_identify $IP -n n netns identify
        r exec $NETNS -n n exec o $NETNS identify
        r list_id $NETNS -n n list-id
        r ip_list_id $IP -n n netns list-id
        r outside $NETNS list
        r nope $NETNS -n nope list
        r ip_nope $IP -n nope netns list
        "#,
    )
    .run();
    run.expect("list", 0, "o (id: 3)\nn\n", "");
    run.expect_same("list", "ip_list");
    run.expect_same("list", "list_long");
    run.expect("identify", 0, "n\n", "");
    run.expect_same("identify", "ip_identify");
    run.expect("exec", 0, "o\n", "");
    run.expect("list_id", 0, "nsid 3 (iproute2 netns name: o)\n", "");
    run.expect_same("list_id", "ip_list_id");
    // The ids shown by -n are those of n: outside, none is assigned.
    run.expect("outside", 0, "o\nn\n", "");
    run.expect("nope", 255, "", "Cannot open network namespace \"nope\": No such file or directory\n");
    run.expect_same("nope", "ip_nope");
}

#[test]
fn etc_netns_files_replace_etc_files() {
    require_root!();
    let hosts = std::fs::read("/etc/hosts").expect("/etc/hosts");
    let had_etc_netns = std::path::Path::new("/etc/netns").exists();
    let run = script(
        r#"
        # /etc becomes an overlay whose upper layer is on the private /tmp,
        # with a tmpfs on /etc/netns: nothing reaches the real /etc.
        must mkdir /tmp/u /tmp/wk
        must mount -t overlay overlay -o lowerdir=/etc,upperdir=/tmp/u,workdir=/tmp/wk /etc
        must mkdir -p /etc/netns
        must mount -t tmpfs tmpfs /etc/netns
        must mkdir /etc/netns/x
        printf '10.9.8.7 replaced\n' >/etc/netns/x/hosts
        printf 'new\n' >/etc/netns/x/no-such-file-in-etc
        must $NETNS add x
        r in $NETNS exec x cat /etc/hosts
        r ip_in $IP netns exec x cat /etc/hosts
        r out cat /etc/hosts
        r mounted_in $NETNS exec x sh -c 'grep -c " /etc/hosts " /proc/self/mountinfo'
        r mounted_out grep -c " /etc/hosts " /proc/self/mountinfo
        must $IP netns add y
        must mkdir /etc/netns/y
        printf '10.1.1.1 y\n' >/etc/netns/y/hosts
        r in_y $NETNS exec y cat /etc/hosts
        r dash_n $NETNS -n y exec y cat /etc/hosts
        "#,
    )
    .run();
    let warn = "Bind /etc/netns/x/no-such-file-in-etc -> /etc/no-such-file-in-etc failed: No such file or directory\n";
    run.expect("in", 0, "10.9.8.7 replaced\n", warn);
    run.expect_same("in", "ip_in");
    let out = run.get("out");
    run.check(out.rc == 0 && out.out == hosts, "/etc/hosts outside the namespace must be unchanged");
    run.expect("mounted_in", 0, "1\n", warn);
    run.expect("mounted_out", 1, "0\n", "");
    run.expect("in_y", 0, "10.1.1.1 y\n", "");
    run.expect("dash_n", 0, "10.1.1.1 y\n", "");
    if !had_etc_netns {
        assert!(!std::path::Path::new("/etc/netns").exists(), "the test must not create /etc/netns on the host");
    }
    assert_eq!(std::fs::read("/etc/hosts").expect("/etc/hosts"), hosts, "host /etc/hosts changed");
}
