//! More of the lab commands at the command line, each point as a user meets it:
//! rate limits with tbf, a forward firewall and masquerade NAT checked with
//! `netns test`, a missing kernel feature, the progress bar on a terminal,
//! `for` repetition, `graph --live`/`status` drift and its repair, and
//! `down` after a lost state. Every lab is built for real, inside private
//! namespaces (`support/sandbox.rs`), and checked with iproute2, tc and nft.

use crate::support::lab_script;

/// A plain rate is a tbf qdisc on both ends; changing it changes only
/// that; removing it removes the qdisc. `netem_ab` shapes one side.
#[test]
fn a_link_rate_is_a_tbf_qdisc_reconciled_in_place() {
    require_root!();
    let run = lab_script(
        r#"
r up $NETNS up link-rate.toml
r qa1 tc -n rate-a qdisc show dev eth0
r qb1 tc -n rate-b qdisc show dev eth0
ia=$($IP -n rate-a -o link show eth0 | cut -d: -f1)
sed -i 's/10mbit/20mbit/' link-rate.toml
r plan $NETNS up --plan link-rate.toml
r change $NETNS up link-rate.toml
r qa2 tc -n rate-a qdisc show dev eth0
r qb2 tc -n rate-b qdisc show dev eth0
v same_link "$([ "$ia" = "$($IP -n rate-a -o link show eth0 | cut -d: -f1)" ] && echo yes)"
r again $NETNS up link-rate.toml
r st $NETNS status rate
sed -i 's/^netem = .*/netem_ab = { rate = "2mbit" }/' link-rate.toml
r oneway $NETNS up link-rate.toml
r qa3 tc -n rate-a qdisc show dev eth0
r qb3 tc -n rate-b qdisc show dev eth0
sed -i '/^netem_ab/d' link-rate.toml
r remove $NETNS up link-rate.toml
r qa4 tc -n rate-a qdisc show dev eth0
r qb4 tc -n rate-b qdisc show dev eth0
r again2 $NETNS up link-rate.toml
# `limit` alone shapes nothing (tbf needs a rate): no qdisc, and no change
# planned again and again.
echo 'netem = { limit = 100 }' >> link-rate.toml
r limit $NETNS up link-rate.toml
r limit2 $NETNS up link-rate.toml
r qa5 tc -n rate-a qdisc show dev eth0
r down $NETNS down link-rate.toml
r left leftovers
"#,
    )
    .fixture("link-rate.toml")
    .run();
    run.expect_rc("up", 0);
    for q in ["qa1", "qb1"] {
        run.check(run.get(q).out().starts_with("qdisc tbf ") && run.get(q).out().contains(" rate 10Mbit "), q);
    }
    let plan = run.get("plan").out();
    run.check(
        plan == "~ rate-a: rate 20mbit (tbf) on eth0\n~ rate-b: rate 20mbit (tbf) on eth0\n\
                 lab rate: 2 change(s) planned, none made (--plan)\n",
        "the plan is the two rate changes, nothing else",
    );
    run.check(run.get("change").out().starts_with(&plan[..plan.find("lab rate:").unwrap()]), "up makes that plan");
    run.check(run.get("change").out().contains("lab rate: 2 change(s) made in "), "and says so");
    for q in ["qa2", "qb2"] {
        run.check(run.get(q).out().starts_with("qdisc tbf ") && run.get(q).out().contains(" rate 20Mbit "), q);
    }
    run.expect("same_link", 0, "yes", "");
    run.expect("again", 0, "lab rate is up to date: no changes\n", "");
    run.check(run.get("st").out().contains("drift: none"), "status: no drift with the new rate");
    // netem_ab: only the egress of endpoint 0 is shaped.
    let oneway = run.get("oneway").out();
    run.check(oneway.contains("~ rate-a: rate 2mbit (tbf) on eth0"), "a's rate changed");
    run.check(oneway.contains("- rate-b: qdisc on eth0"), "b's qdisc removed");
    run.check(run.get("qa3").out().contains(" rate 2Mbit "), "a: 2Mbit");
    run.check(!run.get("qb3").out().contains("tbf"), "b: no tbf");
    let remove = run.get("remove").out();
    run.check(remove.contains("- rate-a: qdisc on eth0"), "plan: qdisc removed");
    for q in ["qa4", "qb4"] {
        run.check(!run.get(q).out().contains("tbf"), format!("{q}: no tbf left"));
    }
    run.expect("again2", 0, "lab rate is up to date: no changes\n", "");
    run.expect("limit", 0, "lab rate is up to date: no changes\n", "");
    run.expect("limit2", 0, "lab rate is up to date: no changes\n", "");
    run.check(!run.get("qa5").out().contains("tbf"), "limit alone: no tbf");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

/// The router of `forward-firewall.toml` forwards only new TCP connections
/// from h1 to h2's port 8080; h2 listens on 8080 and 8081, h1 on 9090.
#[test]
fn a_forward_firewall_from_the_file_lets_through_only_what_it_allows() {
    require_root!();
    let run = lab_script(
        r#"
r up $NETNS up forward-firewall.toml
r test $NETNS test forward-firewall.toml
r nft $IP netns exec fw-r nft list table inet netns_lab
# Without the firewall's table every probe goes through: the verdicts above
# are the firewall's doing.
must $IP netns exec fw-r nft delete table inet netns_lab
r open $NETNS test forward-firewall.toml
r st $NETNS status fw
r fix $NETNS up forward-firewall.toml
r again $NETNS up forward-firewall.toml
r test2 $NETNS test forward-firewall.toml
# A rule added from outside is drift too.
must $IP netns exec fw-r nft add rule inet netns_lab forward accept
r st2 $NETNS status fw
r fix2 $NETNS up forward-firewall.toml
r nft3 $IP netns exec fw-r nft list table inet netns_lab
r again2 $NETNS up forward-firewall.toml
# Allow 8081 instead: the table is replaced, the verdicts follow.
sed -i 's/dport = 8080 }/dport = 8081 }/' forward-firewall.toml
r swap $NETNS up forward-firewall.toml
r nft2 $IP netns exec fw-r nft list table inet netns_lab
r test3 $NETNS test forward-firewall.toml
r down $NETNS down forward-firewall.toml
r left leftovers
"#,
    )
    .fixture("forward-firewall.toml")
    .run();
    run.expect_rc("up", 0);
    run.check(run.get("up").out().contains("2 processes"), "both servers started");
    let t = run.get("test");
    run.check(t.rc == 0, "every expectation holds");
    let out = t.out();
    run.check(out.contains("PASS  h1 → h2 (10.0.2.10) tcp:8080 reach"), "allowed port, allowed direction");
    run.check(out.contains("PASS  h1 → h2 (10.0.2.10) tcp:8081 unreachable (timeout)"), "other port dropped");
    run.check(out.contains("PASS  h2 → h1 (10.0.1.10) tcp:9090 unreachable (timeout)"), "other direction dropped");
    run.check(out.contains("PASS  h1 → h2 (10.0.2.10) icmp unreachable (timeout)"), "icmp dropped");
    run.check(out.ends_with("\n4 passed, 0 failed\n"), "summary");
    let nft = run.get("nft").out();
    run.check(nft.contains("type filter hook forward priority filter; policy drop;"), "policy drop");
    run.check(nft.contains("ct state established,related accept"), "replies pass");
    run.check(nft.contains("iifname \"eth0\" oifname \"eth1\" tcp dport 8080 accept"), "the allow rule");
    let open = run.get("open");
    run.check(open.rc == 1 && open.out().ends_with("\n1 passed, 3 failed\n"), "without the table: 3 fail");
    run.check(run.get("st").out().contains("~ fw-r: nftables table inet netns_lab"), "status: the missing table");
    run.check(run.get("fix").out().contains("~ fw-r: nftables table inet netns_lab"), "up puts it back");
    run.expect("again", 0, "lab fw is up to date: no changes\n", "");
    run.expect_rc("test2", 0);
    run.check(run.get("st2").out().contains("~ fw-r: nftables table inet netns_lab"), "status: a changed table");
    run.check(run.get("fix2").out().starts_with("~ fw-r: nftables table inet netns_lab\n"), "up replaces it");
    run.check(run.get("nft3").out() == nft, "as the file says again");
    run.expect("again2", 0, "lab fw is up to date: no changes\n", "");
    run.check(
        run.get("swap").out().starts_with("~ fw-r: nftables table inet netns_lab\nlab fw: 1 change(s) made"),
        "only the table changes",
    );
    run.check(run.get("nft2").out().contains("tcp dport 8081 accept"), "the new rule");
    let t3 = run.get("test3");
    run.check(t3.rc == 1, "the file's expectations no longer hold");
    run.check(t3.out().contains("FAIL  h1 → h2 (10.0.2.10) tcp:8080 expected reach, got timeout"), "8080 dropped now");
    run.check(t3.out().contains("FAIL  h1 → h2 (10.0.2.10) tcp:8081 expected unreachable, got "), "8081 open now");
    run.check(run.get("down").out().contains("ended 2 processes"), "down ends the servers");
    run.expect("left", 1, "", "");
}

/// Masquerade on the router's outside interface: the server, which has no
/// route back to h1's subnet, sees the router's address, and only new
/// connections from inside go through.
#[test]
fn masquerade_from_the_file_hides_the_inside_behind_the_router() {
    require_root!();
    let run = lab_script(
        r#"
WHO='import socket; s = socket.create_connection(("203.0.113.10", 7000), 3); print(s.recv(100).decode().strip())'
r up $NETNS up masquerade.toml
r test $NETNS test masquerade.toml
r who $NETNS exec nat h1 -- python3 -c "$WHO"
r local $NETNS exec nat r -- python3 -c "$WHO"
r nft $IP netns exec nat-r nft list table inet netns_lab
# Without the NAT rule the server cannot answer h1: it has no route back.
sed -i '/^\[\[nodes.r.nat\]\]/,/^src/d' masquerade.toml
r unnat $NETNS up masquerade.toml
r nonft $IP netns exec nat-r nft list table inet netns_lab
r test2 $NETNS test masquerade.toml
r down $NETNS down masquerade.toml
r left leftovers
"#,
    )
    .fixture("masquerade.toml")
    .run();
    run.expect_rc("up", 0);
    let t = run.get("test");
    run.check(t.rc == 0 && t.out().ends_with("\n3 passed, 0 failed\n"), "every expectation holds");
    run.check(t.out().contains("PASS  srv → h1 (10.0.1.10) icmp unreachable (network unreachable)"), "no way in");
    run.expect("who", 0, "203.0.113.1\n", "");
    run.expect("local", 0, "203.0.113.1\n", "");
    run.check(run.get("nft").out().contains("oifname \"eth1\" ip saddr 10.0.1.0/24 masquerade"), "the rule");
    run.check(run.get("unnat").out().contains("- nat-r: nftables table inet netns_lab"), "the table goes");
    run.check(run.get("nonft").rc != 0, "no table left in the router");
    let t2 = run.get("test2");
    run.check(t2.rc == 1, "without NAT h1 cannot reach srv");
    run.check(t2.out().contains("FAIL  h1 → srv (203.0.113.10) tcp:7000 expected reach, got "), "tcp fails");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

/// This kernel has no dummy interfaces: `validate` (as root) and `up` name
/// the missing feature, and nothing is made.
#[test]
fn a_dummy_interface_is_refused_naming_the_missing_feature() {
    require_root!();
    let run = lab_script(
        r#"
r val $NETNS validate dummy-interface.toml
r up $NETNS up dummy-interface.toml
r left leftovers
r st $NETNS status
"#,
    )
    .fixture("dummy-interface.toml")
    .run();
    let msg = "dummy-interface.toml:4:12: error: this kernel has no dummy interfaces (dummy): interface \"d0\" of node a is a dummy";
    run.expect_rc("val", 1);
    run.check(run.get("val").err().contains(msg), "validate names dummy and points at it");
    run.expect("up", 1, "", &format!("{msg}\nnetns up: nothing was changed.\n"));
    run.expect("left", 1, "", "");
    run.check(run.get("st").out().contains("no labs are up"), "no lab is recorded");
}

/// On a terminal `up` draws a bar on stderr (and clears it); in a pipe
/// stderr stays empty.
#[test]
fn up_shows_a_progress_bar_on_a_terminal_only() {
    require_root!();
    let run = lab_script(
        r#"
# util-linux `script` runs the command on a pseudo-terminal and copies
# everything it writes there (stdout and stderr) to our stdout.
r tty script -qec "$NETNS up $EX/lan4.toml" /dev/null
r ns $IP netns list
must $NETNS down lan4 >/dev/null
r pipe $NETNS up $EX/lan4.toml
must $NETNS down lan4 >/dev/null
r tty_noerr script -qec "$NETNS up $EX/lan4.toml 2>/dev/null" /dev/null
must $NETNS down lan4 >/dev/null
"#,
    )
    .run();
    let tty = run.get("tty");
    let out = tty.out();
    run.expect_rc("tty", 0);
    run.check(out.contains("lab lan4 is up: 5 namespaces"), "the summary reaches the terminal");
    // The bar: its phase, its bar and its count, then a line clear.
    run.check(out.contains("namespaces") && out.contains("] "), "a bar is drawn");
    run.check(out.contains("/27"), "with its count of steps");
    run.check(out.contains("\x1b[2K"), "and cleared at the end");
    run.check(out.find("\x1b[2K") < out.find("lab lan4 is up"), "before the summary");
    run.check(run.get("ns").out().lines().count() == 5, "the lab was built");
    let pipe = run.get("pipe");
    run.check(pipe.rc == 0 && pipe.err.is_empty(), "in a pipe: nothing on stderr");
    run.check(pipe.out().starts_with("lab lan4 is up: 5 namespaces"), "in a pipe: the summary");
    // The bar is on stderr only: stdout on a terminal has no bar.
    let noerr = run.get("tty_noerr").out();
    run.check(!noerr.contains('\x1b') && noerr.starts_with("lab lan4 is up: 5 namespaces"), "stdout has no bar");
}

/// `for` builds a 20-host switch lab and its expectations.
#[test]
fn for_repetition_builds_twenty_hosts_and_their_expectations() {
    require_root!();
    let run = lab_script(
        r#"
r val $NETNS validate switch-of-twenty-hosts.toml
r up $NETNS up switch-of-twenty-hosts.toml
r nns sh -c "$IP netns list | grep -c '^sw20-'"
r ports sh -c "$IP -n sw20-sw -o link show master br0 | wc -l"
r h20 $IP -n sw20-h20 -br addr show eth0
r h7 $IP -n sw20-h7 -br addr show eth0
r etc cat $NETNS_ETC_DIR/sw20-h13/hostname
r test $NETNS test switch-of-twenty-hosts.toml
r down $NETNS down switch-of-twenty-hosts.toml
r left leftovers
"#,
    )
    .fixture("switch-of-twenty-hosts.toml")
    .run();
    run.check(run.get("val").out().contains("21 nodes, 20 links, 9 expectations"), "validate counts what for made");
    run.check(run.get("up").out().starts_with("lab sw20 is up: 21 namespaces, 20 links, 20 addresses"), "summary");
    run.expect("nns", 0, "21\n", "");
    run.expect("ports", 0, "20\n", "");
    run.check(run.get("h20").out().contains("10.2.0.20/24"), "h20 is .20");
    run.check(run.get("h7").out().contains("10.2.0.7/24"), "h7 is .7");
    run.expect("etc", 0, "h13\n", "");
    let t = run.get("test");
    run.check(t.rc == 0, "all generated expectations hold");
    let out = t.out();
    for i in 2..=6 {
        run.check(out.contains(&format!("PASS  h1 → h{i} (10.2.0.{i}) icmp reach")), format!("h1 → h{i}"));
    }
    for i in 1..=3 {
        let line = format!("PASS  h{} → 10.2.0.{} udp:9 unreachable (port unreachable)", i + 10, i + 17);
        run.check(out.contains(&line), line);
    }
    run.check(out.contains("PASS  h20 → 10.2.0.99 icmp unreachable"), "the absent host");
    run.check(out.ends_with("\n9 passed, 0 failed\n"), "summary");
    run.check(run.get("down").out() == "lab sw20 is down: removed 21 namespaces\n", "down");
    run.expect("left", 1, "", "");
}

/// Changing a host's only address: the kernel flushes the routes through
/// its interface when the old address goes, and the same `up` writes the
/// file's routes there again, so the next `up` has nothing left to do.
#[test]
fn a_changed_address_keeps_the_routes_through_its_interface() {
    require_root!();
    let run = lab_script(
        r#"
must cp $EX/chain3.toml .
must $NETNS up chain3.toml >/dev/null
must sed -i 's|\["10.0.3.1/24"\], \["10.0.3.10/24"\]|["10.0.3.1/24"], ["10.0.3.11/24"]|' chain3.toml
must grep -q 10.0.3.11 chain3.toml
r up $NETNS up chain3.toml
r route $IP -n chain3-h2 route show default
r again $NETNS up chain3.toml
must $NETNS down chain3 >/dev/null
"#,
    )
    .run();
    let up = run.get("up");
    run.check(up.rc == 0, "up");
    run.check(up.out().contains("+ chain3-h2: route default via 10.0.3.1"), "the route is written again");
    run.expect("route", 0, "default via 10.0.3.1 dev eth0 proto static \n", "");
    run.expect("again", 0, "lab chain3 is up to date: no changes\n", "");
}

/// `graph --live` and `status` see a link taken down from outside; `up`
/// repairs it, with the route the kernel flushed.
#[test]
fn graph_live_and_status_show_drift_that_up_repairs() {
    require_root!();
    let run = lab_script(
        r#"
must cp $EX/chain3.toml .
must $NETNS up chain3.toml >/dev/null
r clean $NETNS graph --live chain3.toml
r st0 $NETNS status chain3
must $IP -n chain3-h1 link set eth0 down
r drift $NETNS graph --live chain3.toml
r st1 $NETNS status chain3
r list $NETNS status
r stj $NETNS -j status chain3
r fix $NETNS up chain3.toml
r route $IP -n chain3-h1 route show default
r clean2 $NETNS graph --live chain3.toml
r st2 $NETNS status chain3
must $NETNS down chain3 >/dev/null
r gone $NETNS graph --live chain3.toml
"#,
    )
    .run();
    let clean = run.get("clean").out();
    run.check(clean.starts_with("lab chain3: 5 nodes, 4 links (live)\nlive state matches the file\n"), "clean");
    run.check(run.get("st0").out().contains("drift: none"), "status: no drift");
    let drift = run.get("drift").out();
    run.check(drift.contains("1 node differs from the file"), "graph: one node differs");
    run.check(drift.contains("──> r1:eth0  [down]"), "graph: h1's eth0 is down");
    let st1 = run.get("st1").out();
    run.check(st1.starts_with("lab chain3: drifted, 5/5 namespaces present"), "status: drifted");
    run.check(st1.contains("~ chain3-h1: interface eth0 up"), "status: the link to bring up");
    run.check(st1.contains("+ chain3-h1: route default via 10.0.1.1"), "status: the flushed route");
    run.check(run.get("list").out().contains("chain3        drifted"), "the lab list says drifted");
    let j: serde_json::Value = serde_json::from_slice(&run.get("stj").out).expect("status -j is JSON");
    run.check(j["state"] == "drifted" && j["drift"] == 2, "JSON: drifted, 2 actions");
    let fix = run.get("fix").out();
    run.check(fix.contains("~ chain3-h1: interface eth0 up\n+ chain3-h1: route default via 10.0.1.1\n"), "repair");
    run.check(run.get("route").out().contains("default via 10.0.1.1 dev eth0"), "the route is back");
    run.check(run.get("clean2").out().contains("live state matches the file"), "graph clean again");
    run.check(run.get("st2").out().contains("drift: none"), "status clean again");
    let gone = run.get("gone").out();
    run.check(gone.contains("5 nodes differ from the file"), "after down every node is missing");
}

/// `down FILE` after a crash: the journal lists a namespace that is only
/// an empty placeholder, and the state of the others is lost; a namespace
/// with the lab's prefix that the lab did not make is left alone.
#[test]
fn down_from_a_file_removes_a_journaled_placeholder_and_spares_unmarked_names() {
    require_root!();
    let run = lab_script(
        r#"
must cp $EX/chain3.toml .
must $NETNS up chain3.toml >/dev/null
must $IP netns add chain3-extra
# What a kill between naming chain3-h2 and mounting its namespace leaves:
# an empty file, listed by a journal of an unfinished up (the rest of the
# state is gone).
must $IP netns del chain3-h2
must touch /run/netns/chain3-h2
cat > /run/netns-lab/chain3/state.json <<J
{"lab": "chain3", "file": "$PWD/chain3.toml", "phase": "building",
 "namespaces": [{"node": "h2", "ns": "chain3-h2"}]}
J
r st $NETNS status
r down $NETNS down chain3.toml
r ns $IP netns list
r labdir ls -A /run/netns-lab
must $IP netns del chain3-extra
r left leftovers
"#,
    )
    .run();
    run.check(run.get("st").out().contains("chain3        incomplete"), "status: an unfinished up");
    run.expect("down", 0, "lab chain3 is down: removed 5 namespaces\n", "");
    run.expect("ns", 0, "chain3-extra\n", "");
    run.expect("labdir", 0, "", "");
    run.expect("left", 1, "", "");
}

/// The state lost altogether: `down FILE` finds the lab by its marks, and a
/// namespace of a node's name that someone else made with `ip netns add`
/// (no mark) is left alone, and said so.
#[test]
fn down_without_state_spares_an_unmarked_namespace_of_a_nodes_name() {
    require_root!();
    let run = lab_script(
        r#"
must cp $EX/chain3.toml .
must $NETNS up chain3.toml >/dev/null
rm -rf /run/netns-lab
must $IP netns del chain3-h2
must $IP netns add chain3-h2
must $IP netns add chain3-r9
r down $NETNS down chain3.toml
r ns sh -c "$IP netns list | sort"
r again $NETNS down chain3.toml
r up $NETNS up chain3.toml
r plan $NETNS up --plan $EX/pair.toml
# Neither the refused up nor the plan of a lab that is not up leaves a trace.
r labdir ls -A /run/netns-lab
"#,
    )
    .run();
    let down = run.get("down");
    run.check(down.rc == 0, "down succeeds");
    run.check(down.out() == "lab chain3 is down: removed 4 namespaces\n", "the four marked ones");
    run.check(
        down.err()
            == "netns down: left alone: chain3-h2: not made by a netns lab\n\
                netns down: left alone: /tmp/.h/etc/chain3-h2: namespace chain3-h2 is not lab chain3's any more\n",
        "says what it spared: the namespace, and the hosts file the lab wrote for it when it was the lab's",
    );
    run.expect("ns", 0, "chain3-h2\nchain3-r9\n", "");
    run.check(run.get("again").out() == "lab chain3 is down: nothing was left to remove\n", "again: nothing");
    run.expect_rc("up", 1);
    run.check(run.get("up").err().contains("chain3-h2 of node h2 exists and is not part of lab chain3"), "up refuses");
    run.check(run.get("plan").out().ends_with("change(s) planned, none made (--plan)\n"), "a plan");
    run.expect("labdir", 0, "", "");
}

/// Journal and marks both gone for one node: its name is an empty
/// placeholder left by a crash, and the state is lost. By name alone `down`
/// cannot know the name is the lab's; given the file, which names the
/// node, it removes it, so the next `up` is not blocked.
#[test]
fn down_from_the_file_removes_a_stale_placeholder_when_the_state_is_lost() {
    require_root!();
    let run = lab_script(
        r#"
must cp $EX/chain3.toml .
must $NETNS up chain3.toml >/dev/null
rm -rf /run/netns-lab
must $IP netns del chain3-h2
must touch -d '-1 minute' /run/netns/chain3-h2
r byname $NETNS down chain3
r ns1 ls /run/netns
r byfile $NETNS down chain3.toml
r ns2 ls /run/netns
r up $NETNS up chain3.toml
r down $NETNS down chain3
r left leftovers
"#,
    )
    .run();
    // By name, without its state, `down` cannot tell the hosts files it
    // wrote are the lab's: it leaves them and says so. The next `up` takes
    // them back (each is exactly what it writes), and its `down` removes
    // them.
    let byname = run.get("byname");
    run.check(byname.rc == 0 && byname.out() == "lab chain3 is down: removed 4 namespaces\n", "by name");
    run.check(
        byname.err().lines().all(|l| {
            l.starts_with("netns down: left alone: /tmp/.h/etc/chain3-")
                && l.ends_with("/hosts: lab chain3 did not make it")
        }),
        "by name: only the hosts files are left",
    );
    run.expect("ns1", 0, "chain3-h2\n", "");
    let byfile = run.get("byfile");
    run.check(byfile.rc == 0 && byfile.out() == "lab chain3 is down: removed 1 namespace\n", "by file");
    run.check(byfile.err().lines().all(|l| l.ends_with("/hosts: lab chain3 did not make it")), "by file: the same");
    run.expect("ns2", 0, "", "");
    run.check(run.get("up").out().starts_with("lab chain3 is up: 5 namespaces"), "the next up is not blocked");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

/// A node taken out of the file goes with its managed processes: one left
/// running would keep the unnamed namespace (and its veth) alive, out of
/// the state and out of reach of `down`.
#[test]
fn a_node_removed_from_the_file_takes_its_processes_along() {
    require_root!();
    let run = lab_script(
        r#"
r up $NETNS up process-on-the-second-node.toml
r sleeps1 sh -c "ps -e -o comm= | grep -c -x sleep"
printf 'schema = 1\nname = "pr"\n[nodes.a]\n' > process-on-the-second-node.toml
r shrink $NETNS up process-on-the-second-node.toml
r sleeps2 sh -c "ps -e -o comm= | grep -c -x sleep"
r down $NETNS down process-on-the-second-node.toml
r left leftovers
"#,
    )
    .fixture("process-on-the-second-node.toml")
    .run();
    run.check(run.get("up").out().contains("1 process"), "the process started");
    run.expect("sleeps1", 0, "1\n", "");
    let shrink = run.get("shrink").out();
    run.check(shrink.contains("- namespace pr-b (node b is no longer in the file)"), "plan: b goes");
    run.expect("sleeps2", 1, "0\n", "");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

/// `/etc/netns/<ns>/` follows the file: an `etc` entry taken out of it is
/// drift, and `up` removes the file (the whole directory with the last one).
#[test]
fn etc_entries_taken_out_of_the_file_are_removed() {
    require_root!();
    let run = lab_script(
        r#"
must $NETNS up two-etc-files.toml >/dev/null
r ls1 ls $NETNS_ETC_DIR/et-a
sed -i 's/, "resolv.conf" = .* }/ }/' two-etc-files.toml
r st $NETNS status et
r up1 $NETNS up two-etc-files.toml
r ls2 ls $NETNS_ETC_DIR/et-a
r seen $NETNS exec et a -- cat /etc/hosts
sed -i '/^etc/d' two-etc-files.toml
r up2 $NETNS up two-etc-files.toml
r ls3 ls -A $NETNS_ETC_DIR/et-a
r gen head -c 18 $NETNS_ETC_DIR/et-a/hosts
r again $NETNS up two-etc-files.toml
must $NETNS down et >/dev/null
r left leftovers
"#,
    )
    .fixture("two-etc-files.toml")
    .run();
    run.expect("ls1", 0, "hosts\nresolv.conf\n", "");
    run.check(run.get("st").out().contains("  ~ et-a: files in /etc/netns/et-a/\n"), "status: drift");
    run.check(run.get("up1").out().starts_with("~ et-a: files in /etc/netns/et-a/\n"), "up: the change");
    run.expect("ls2", 0, "hosts\n", "");
    run.expect("seen", 0, "192.0.2.1 x\n", "");
    run.check(run.get("up2").out().starts_with("~ et-a: files in /etc/netns/et-a/\n"), "up: the last one");
    // The lab's own hosts gone, the generated one takes its place.
    run.expect("ls3", 0, "hosts\n", "");
    run.expect("gen", 0, "# Written by netns", "");
    run.expect("again", 0, "lab et is up to date: no changes\n", "");
    run.expect("left", 1, "", "");
}

/// Managed processes follow the file: a changed `cmd` restarts the
/// process, a `run` entry taken out stops it.
#[test]
fn run_entries_changed_or_removed_in_the_file_restart_or_stop() {
    require_root!();
    let run = lab_script(
        r#"
must $NETNS up one-process.toml >/dev/null
r ps1 sh -c "ps -e -o args= | grep -x 'sleep [0-9]*'"
sed -i 's/1000/2000/' one-process.toml
r st $NETNS status pr
r change $NETNS up one-process.toml
r ps2 sh -c "ps -e -o args= | grep -x 'sleep [0-9]*'"
r again $NETNS up one-process.toml
sed -i '/^\[\[nodes.a.run\]\]/,$d' one-process.toml
r remove $NETNS up one-process.toml
r ps3 sh -c "ps -e -o args= | grep -x 'sleep [0-9]*'"
r st2 $NETNS status pr
must $NETNS down pr >/dev/null
r left leftovers
"#,
    )
    .fixture("one-process.toml")
    .run();
    run.expect("ps1", 0, "sleep 1000\n", "");
    run.check(run.get("st").out().contains("  - pr-a: stop process idle\n  + pr-a: start process idle\n"), "drift");
    run.check(run.get("change").out().starts_with("- pr-a: stop process idle\n+ pr-a: start process idle\n"), "up");
    run.expect("ps2", 0, "sleep 2000\n", "");
    run.expect("again", 0, "lab pr is up to date: no changes\n", "");
    run.check(run.get("remove").out().starts_with("- pr-a: stop process idle\nlab pr: 1 change(s)"), "stopped");
    run.expect("ps3", 1, "", "");
    let st2 = run.get("st2").out();
    run.check(!st2.contains("processes:") && st2.contains("drift: none"), "status lists no process");
    run.expect("left", 1, "", "");
}

/// Routes of every kind the file can ask for land as `ip route` shows them,
/// and a second `up` finds them all in place (ECMP included).
#[test]
fn ecmp_blackhole_metric_table_onlink_and_v6_routes() {
    require_root!();
    let run = lab_script(
        r#"
must $NETNS up routes-of-every-kind.toml >/dev/null
r v4 $IP -n rt-r route show proto static
r t100 $IP -n rt-r route show table 100 proto static
r v6 $IP -n rt-r -6 route show proto static
r again $NETNS up routes-of-every-kind.toml
must $IP -n rt-r route del 10.9.0.0/24
r fix $NETNS up routes-of-every-kind.toml
r v4b $IP -n rt-r route show proto static
must $NETNS down rt >/dev/null
"#,
    )
    .fixture("routes-of-every-kind.toml")
    .run();
    let want = "default via 169.254.1.1 dev eth0 onlink \n10.9.0.0/24 \n\tnexthop via 10.0.1.2 dev eth0 weight 1 \n\
                \tnexthop via 10.0.2.2 dev eth1 weight 3 \nblackhole 192.0.2.0/24 \nunreachable 198.51.100.0/24 \n\
                203.0.113.0/24 via 10.0.1.2 dev eth0 metric 50 \n";
    run.expect("v4", 0, want, "");
    run.expect("t100", 0, "10.8.0.0/16 via 10.0.2.2 dev eth1 \n", "");
    run.check(run.get("v6").out().contains("fd99::/64 via fd01::2 dev eth0"), "IPv6 route");
    run.expect("again", 0, "lab rt is up to date: no changes\n", "");
    run.check(
        run.get("fix").out().contains("+ rt-r: route 10.9.0.0/24 nexthop via 10.0.1.2 weight 1"),
        "ECMP route back",
    );
    run.expect("v4b", 0, want, "");
}

/// A reconcile that fails before a new node's `exec` ran leaves that exec
/// pending: the `up` that finishes the job runs it.
#[test]
fn an_exec_cut_short_by_a_failed_up_runs_on_the_next_up() {
    require_root!();
    let run = lab_script(
        r#"
cp two-nodes.toml b.toml
cat >> b.toml <<'T'
[nodes.c]
exec = ["test -e $H/w/ok && touch $H/w/ran"]
T
sed -i "s|\$H|$H|" b.toml
must $NETNS up two-nodes.toml >/dev/null
r fail $NETNS up --replace b.toml
touch ok
r again $NETNS up b.toml
r ran ls ran
must $NETNS down ex >/dev/null
"#,
    )
    .fixture("two-nodes.toml")
    .run();
    run.expect_rc("fail", 1);
    run.check(run.get("fail").err().contains("partly up"), "says the lab is partly up");
    run.check(run.get("again").out().contains("+ ex-c: run 1 exec command(s)"), "the exec is planned again");
    run.expect("ran", 0, "ran\n", "");
}

/// A namespace deleted from outside while a managed process ran in it:
/// the next `up` ends the old process before it starts a new one, and a
/// removed node's /etc/netns files go with it.
#[test]
fn processes_and_files_of_vanished_or_removed_nodes_do_not_linger() {
    require_root!();
    let run = lab_script(
        r#"
must $NETNS up processes-and-etc-files.toml >/dev/null
must $IP netns del pl-a
r up2 $NETNS up processes-and-etc-files.toml
r sleeps sh -c "pgrep -xc sleep"
grep -v 'nodes.b\|127.0.0.1 b' processes-and-etc-files.toml > q.toml
r up3 $NETNS up --replace q.toml
r etc ls -A $NETNS_ETC_DIR
r down $NETNS down pl
r left leftovers
"#,
    )
    .fixture("processes-and-etc-files.toml")
    .run();
    run.check(run.get("up2").out().contains("- pl-a: stop process idle"), "the orphaned process is stopped");
    run.expect("sleeps", 0, "1\n", "");
    run.expect_rc("up3", 0);
    run.expect("etc", 0, "pl-a\n", "");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

/// Routes through a veth that a reconcile rebuilds come back with it, and
/// an `exec` that leaves a process in the background does not hold `up`.
#[test]
fn rebuilt_links_keep_their_routes_and_background_execs_do_not_block() {
    require_root!();
    let run = lab_script(
        r#"
sed 's/"a:eth0", "b:eth0"/"a:eth1", "b:eth0"/; s/"a:eth1", "c:eth0"/"a:eth0", "c:eth0"/; s/10.0.1.1\/24"\], \["10.0.1.2/10.0.1.1\/24"], ["10.0.1.2/' router-and-two-hosts.toml > s2.toml
r up timeout 20 $NETNS up router-and-two-hosts.toml
r swap $NETNS up --replace s2.toml
r broute $IP -n sw-b route show default
r again $NETNS up s2.toml
must $NETNS down sw >/dev/null
"#,
    )
    .fixture("router-and-two-hosts.toml")
    .run();
    run.expect_rc("up", 0);
    run.expect_rc("swap", 0);
    run.expect("broute", 0, "default via 10.0.1.1 dev eth0 proto static \n", "");
    run.expect("again", 0, "lab sw is up to date: no changes\n", "");
}

/// Route attributes (`scope`, `src`, `proto`, `realm`, metrics) give the
/// route `ip route add` makes with the same words: `ip -d route show` of
/// the lab's node equals that of a namespace built by iproute2. The
/// Calico/CNI pattern (a link-scope host route, then a default route via
/// it) comes up; a changed attribute is planned and made.
#[test]
fn route_attributes_make_what_ip_route_add_makes() {
    require_root!();
    let run = lab_script(
        r#"
cat > attrs.toml <<'EOF_LAB'
schema = 1
name = "ra"

[nodes.a]
loopback = ["10.255.0.1/32"]
routes = [
  { to = "169.254.1.1/32", dev = "eth0", scope = "link" },
  { to = "default", via = "169.254.1.1", dev = "eth0" },
  { to = "10.6.0.0/24", dev = "eth0", src = "10.255.0.1", proto = "zebra", realm = "1/2", mtu = 1300, advmss = 1260, initcwnd = 10, initrwnd = 20 },
  { to = "10.5.0.0/24", via = "169.254.1.1", mtu = 1400, proto = 12, realm = 7, scope = "site" },
]

[nodes.b]
routes = [ { to = "10.1.0.5/32", dev = "eth0" } ]

[[links]]
endpoints = ["a:eth0", "b:eth0"]
addr = [["10.1.0.5/32"], ["169.254.1.1/24"]]
EOF_LAB
r up $NETNS up attrs.toml
must $IP netns add ra-ref
must $IP -n ra-ref link add eth0 type veth peer name ref0 netns ra-b
must $IP -n ra-b link set ref0 up
must $IP -n ra-ref link set lo up
must $IP -n ra-ref link set eth0 up
must $IP -n ra-ref addr add 10.255.0.1/32 dev lo
must $IP -n ra-ref addr add 10.1.0.5/32 dev eth0
must $IP -n ra-ref route add 169.254.1.1/32 dev eth0 scope link proto static
must $IP -n ra-ref route add default via 169.254.1.1 dev eth0 proto static
must $IP -n ra-ref route add 10.6.0.0/24 dev eth0 src 10.255.0.1 proto zebra realm 1/2 mtu 1300 advmss 1260 initcwnd 10 initrwnd 20
must $IP -n ra-ref route add 10.5.0.0/24 via 169.254.1.1 mtu 1400 proto 12 realm 7 scope site
r lab $IP -n ra-a -d -4 route show table main
r ref $IP -n ra-ref -d -4 route show table main
# The veth goes first: a deleted namespace is torn down by the kernel
# later, and its peer would linger in the lab's ra-b until then.
must $IP -n ra-b link del ref0
must $IP netns del ra-ref
r ping $IP netns exec ra-a ping -c1 -W2 169.254.1.1
r again $NETNS up --plan attrs.toml
sed -i 's/mtu = 1300/mtu = 1280/' attrs.toml
r plan $NETNS up --plan attrs.toml
r change $NETNS up attrs.toml
r after $IP -n ra-a route show 10.6.0.0/24
r clean $NETNS up --plan attrs.toml
r down $NETNS down attrs.toml
r left leftovers
"#,
    )
    .run();
    run.expect_rc("up", 0);
    let lab = run.get("lab").out();
    run.check(
        lab.contains("10.6.0.0/24") && lab.contains("mtu 1300 advmss 1260 initcwnd 10 initrwnd 20"),
        "the metrics are set",
    );
    run.check(lab == run.get("ref").out(), "the lab's routes are those `ip route add` makes");
    run.expect_rc("ping", 0);
    run.expect("again", 0, "lab ra is up to date: no changes\n", "");
    run.check(
        run.get("plan").out().lines().any(|l| {
            l == "+ ra-a: route 10.6.0.0/24 dev eth0 proto zebra src 10.255.0.1 realms 1/2 mtu 1280 advmss 1260 initcwnd 10 initrwnd 20"
        }),
        "the changed mtu is planned",
    );
    run.expect_rc("change", 0);
    run.check(run.get("after").out().contains(" mtu 1280 "), "up changed the mtu");
    run.expect("clean", 0, "lab ra is up to date: no changes\n", "");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

/// Routes a routing daemon marks with the protocol the file's routes carry
/// (`proto zebra`) are the lab's only at the file's destinations: one at
/// another prefix, or at the same prefix in another table, is left alone
/// by `up`; the file's own route, removed by hand, is planned back; a file
/// route in a table (IPv4 or IPv6) that holds nothing yet is planned, not
/// an error.
#[test]
fn routes_of_a_daemon_protocol_are_the_labs_only_where_the_file_puts_them() {
    require_root!();
    let run = lab_script(
        r#"
cat > dp.toml <<'EOF_LAB'
schema = 1
name = "dpr"

[nodes.a]
routes = [
  { to = "10.6.0.0/24", dev = "eth0", proto = "zebra" },
  { to = "10.7.0.0/24", dev = "eth0", proto = "zebra", table = 100 },
]

[nodes.b]

[[links]]
endpoints = ["a:eth0", "b:eth0"]
addr = [["10.1.0.1/24"], ["10.1.0.2/24"]]
EOF_LAB
must $NETNS up dp.toml >/dev/null
must $IP -n dpr-a route add 10.8.0.0/24 dev eth0 proto zebra
must $IP -n dpr-a route add 10.6.0.0/24 dev eth0 proto zebra table 101
must $IP -n dpr-a route add 10.6.0.0/24 dev eth0 proto bird table 100
r again $NETNS up dp.toml
r kept $IP -n dpr-a route show proto zebra
r kept101 $IP -n dpr-a route show table 101
r kept100 $IP -n dpr-a route show table 100
must $IP -n dpr-a route del 10.7.0.0/24 table 100
r fix $NETNS up --plan dp.toml
sed -i 's|^  { to = "10.7.0.0/24".*|&\n  { to = "10.9.0.0/24", dev = "eth0", proto = "zebra", table = 102 },\n  { to = "fd09::/64", dev = "eth0", proto = "zebra", table = 103 },|' dp.toml
r new $NETNS up --plan dp.toml
must $NETNS down dpr >/dev/null
r left leftovers
"#,
    )
    .run();
    run.expect("again", 0, "lab dpr is up to date: no changes\n", "");
    run.expect("kept", 0, "10.6.0.0/24 dev eth0 scope link \n10.8.0.0/24 dev eth0 scope link \n", "");
    run.expect("kept101", 0, "10.6.0.0/24 dev eth0 proto zebra scope link \n", "");
    run.expect(
        "kept100",
        0,
        "10.6.0.0/24 dev eth0 proto bird scope link \n10.7.0.0/24 dev eth0 proto zebra scope link \n",
        "",
    );
    let fix = run.get("fix").out();
    run.check(fix.lines().any(|l| l.starts_with("+ dpr-a: route 10.7.0.0/24 ")), "the lab's route is planned back");
    run.check(fix.lines().filter(|l| l.starts_with(['+', '-', '~'])).count() == 1, "nothing else is planned");
    let new = run.get("new").out();
    run.expect_rc("new", 0);
    for to in ["10.9.0.0/24", "fd09::/64"] {
        run.check(
            new.lines().any(|l| l.starts_with(&format!("+ dpr-a: route {to} "))),
            format!("the route to {to} in a table not made yet is planned"),
        );
    }
    run.expect("left", 1, "", "");
}
