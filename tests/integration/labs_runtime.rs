//! Changing a running lab by its names (`netns lab LAB link|impair`), as a
//! user meets it: links cut at one end and at both ends, with traffic
//! between the lab's nodes stopping and resuming; a rate set with tbf and
//! seen by `tc`, `impair show` and `status`; a netem request refused on a
//! kernel without netem with nothing changed, and its encoding checked
//! against tc's own request; `up` restoring the file's state and saying
//! so; unknown names and foreign namespaces refused by name. Every lab is
//! built for real inside private namespaces (`support/sandbox.rs`).

use crate::support::lab_script;
use crate::support::script::script;

/// Which of the fixture's three expectations (a→b over eth0, a→b over
/// eth1, b→c) reached their target, from `netns -j test`.
fn reached(json: &str) -> Vec<bool> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("test -j output {json:?}: {e}"));
    v.as_array().expect("an array").iter().map(|e| e["reached"].as_bool().expect("reached")).collect()
}

/// Does the netem qdisc exist on this kernel? (This one has none: then
/// every netem request must be refused before it changes anything.)
fn kernel_has_netem() -> bool {
    std::path::Path::new("/sys/module/sch_netem").exists()
}

#[test]
fn links_cut_and_restored_by_name_stop_and_resume_traffic() {
    require_root!();
    let run = lab_script(
        r#"
T="$NETNS -j test runtime-three-nodes.toml --timeout 300"
r up $NETNS up runtime-three-nodes.toml
r t0 $T
r cut $NETNS lab rt link a:eth0 down
r a1 $IP -n rt-a -o link show eth0
r b1 $IP -n rt-b -o link show eth0
r t1 $T
r st1 $NETNS status rt
r stj1 $NETNS -j status rt
r back $NETNS lab rt link a:eth0 up
r t2 $T
r st2 $NETNS status rt
r both $NETNS lab rt link b a down
r a3 $IP -n rt-a -o link show
r b3 $IP -n rt-b -o link show
r t3 $T
r st3 $NETNS status rt
r plan $NETNS up --plan runtime-three-nodes.toml
r restore $NETNS up runtime-three-nodes.toml
r t4 $T
r st4 $NETNS status rt
r again $NETNS up runtime-three-nodes.toml
r down $NETNS down rt
r left leftovers
"#,
    )
    .fixture("runtime-three-nodes.toml")
    .run();
    run.expect_rc("up", 0);
    run.check(reached(&run.get("t0").out()) == [true, true, true], "everything reaches at first");
    run.expect("cut", 0, "lab rt: a:eth0 down\n", "");
    run.check(!run.get("a1").out().contains("UP"), "a:eth0 is down");
    run.check(run.get("b1").out().contains(",UP") || run.get("b1").out().contains("<UP"), "b:eth0 stays up: one end");
    run.check(reached(&run.get("t1").out()) == [false, true, true], "only the cut link's traffic stops");
    let st1 = run.get("st1").out();
    run.check(st1.contains("lab rt: runtime,"), format!("status says runtime: {st1}"));
    run.check(st1.contains("  a:eth0 down (runtime)\n"), "status lists the runtime change");
    run.check(!st1.contains("drift ("), "a runtime change is not drift");
    let j: serde_json::Value = serde_json::from_str(&run.get("stj1").out()).unwrap();
    run.check(j["state"] == "runtime" && j["runtime"] == 1 && j["drift"] == 0, format!("status -j: {j}"));
    run.check(
        j["runtime_changes"][0]["text"] == "a:eth0 down (runtime)" && j["runtime_changes"][0]["change"] == "down",
        "status -j lists the change",
    );
    run.expect("back", 0, "lab rt: a:eth0 up\n", "");
    run.check(reached(&run.get("t2").out()) == [true, true, true], "traffic resumes");
    run.check(run.get("st2").out().contains("drift: none"), "back as the file says: nothing to report");
    // Both links between a and b, at both ends; b–c untouched.
    let both = run.get("both").out();
    for end in ["a:eth0", "b:eth0", "a:eth1", "b:eth1"] {
        run.check(both.contains(&format!("lab rt: {end} down\n")), format!("{end} cut: {both}"));
    }
    run.check(both.lines().count() == 4, "four ends, nothing else");
    let up_lines = |label: &str| run.get(label).out().lines().filter(|l| l.contains("state UP")).count();
    run.check(up_lines("a3") == 0, "no interface of a is up");
    run.check(up_lines("b3") == 1 && run.get("b3").out().contains("eth2@"), "b keeps eth2 (to c) up");
    run.check(reached(&run.get("t3").out()) == [false, false, true], "a and b cannot talk; b still reaches c");
    run.check(run.get("st3").out().matches("down (runtime)").count() == 4, "four runtime changes");
    let plan = run.get("plan").out();
    run.check(
        plan.contains("restore: a:eth0 up (was down at runtime)\n"),
        format!("--plan says it would restore: {plan}"),
    );
    let restore = run.get("restore").out();
    for end in ["a:eth0", "b:eth0", "a:eth1", "b:eth1"] {
        run.check(
            restore.contains(&format!("restored: {end} up (was down at runtime)\n")),
            format!("up says what it restored: {restore}"),
        );
    }
    run.check(reached(&run.get("t4").out()) == [true, true, true], "traffic is back after up");
    let st4 = run.get("st4").out();
    run.check(st4.contains("drift: none") && !st4.contains("(runtime)"), "the runtime records are cleared");
    run.expect("again", 0, "lab rt is up to date: no changes\n", "");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

#[test]
fn impair_sets_a_rate_refuses_netem_cleanly_and_up_restores_the_file() {
    require_root!();
    let run = lab_script(
        r#"
r up $NETNS up runtime-three-nodes.toml
r imp $NETNS lab rt impair a:eth0 rate 10mbit
r q1 tc -s -n rt-a qdisc show dev eth0
r show $NETNS lab rt impair show
r showj $NETNS -j lab rt impair show
r st1 $NETNS status rt
r stj1 $NETNS -j status rt
r netem $NETNS lab rt impair a:eth0 delay 10ms jitter 2ms loss 1%
r q2 tc -n rt-a qdisc show dev eth0
r st2 $NETNS status rt
r other $NETNS lab rt impair b:eth2 rate 5mbit
r q3 tc -n rt-b qdisc show dev eth2
r reset $NETNS lab rt impair b:eth2 reset
r q4 tc -n rt-b qdisc show dev eth2
r restore $NETNS up runtime-three-nodes.toml
r q5 tc -n rt-a qdisc show dev eth0
r st3 $NETNS status rt
r down $NETNS down rt
r left leftovers
"#,
    )
    .fixture("runtime-three-nodes.toml")
    .run();
    run.expect_rc("up", 0);
    run.expect("imp", 0, "lab rt: a:eth0 rate 10mbit\n", "");
    let q1 = run.get("q1").out();
    run.check(q1.starts_with("qdisc tbf 1: root ") && q1.contains(" rate 10Mbit ") && q1.contains("Sent "), &q1);
    let show = run.get("show").out();
    let row = |node_if: &str| show.lines().find(|l| l.starts_with(node_if)).unwrap_or("").to_string();
    run.check(show.starts_with("INTERFACE "), format!("a table: {show}"));
    let a0 = row("a:eth0 ");
    run.check(a0.contains(" tbf ") && a0.contains(" 10mbit ") && a0.ends_with(" runtime"), format!("a:eth0: {a0}"));
    let b2 = row("b:eth2 ");
    run.check(b2.contains(" 20mbit ") && b2.ends_with(" file"), format!("b:eth2 shaped by the file: {b2}"));
    run.check(row("a:eth1 ").ends_with(" -"), "a:eth1 is not shaped");
    let rows: serde_json::Value = serde_json::from_str(&run.get("showj").out()).unwrap();
    let a0j = rows.as_array().unwrap().iter().find(|r| r["node"] == "a" && r["interface"] == "eth0").unwrap();
    run.check(a0j["qdisc"] == "tbf" && a0j["rate_bps"] == 10_000_000 && a0j["source"] == "runtime", a0j.to_string());
    run.check(run.get("st1").out().contains("  a:eth0 rate 10mbit (runtime)\n"), run.get("st1").out());
    let j: serde_json::Value = serde_json::from_str(&run.get("stj1").out()).unwrap();
    run.check(j["runtime_changes"][0]["text"] == "a:eth0 rate 10mbit (runtime)", j.to_string());
    if !kernel_has_netem() {
        run.expect(
            "netem",
            1,
            "",
            "netns lab: this kernel has no netem qdisc (sch_netem): interface a:eth0 asks for delay/jitter/loss; \
             load the sch_netem module or remove those keys\n",
        );
        run.check(run.get("q2").out() == q1.lines().next().unwrap().to_string() + "\n", "nothing changed: still tbf");
        run.check(run.get("st2").out().contains("  a:eth0 rate 10mbit (runtime)\n"), "and the journal neither");
    }
    run.expect("other", 0, "lab rt: b:eth2 rate 5mbit\n", "");
    run.check(run.get("q3").out().contains(" rate 5Mbit "), "b:eth2 at 5mbit");
    run.expect("reset", 0, "lab rt: b:eth2 rate 20mbit\n", "");
    run.check(run.get("q4").out().contains(" rate 20Mbit "), "reset: the file's rate again");
    let restore = run.get("restore").out();
    run.check(
        restore.contains("restored: a:eth0 no shaping (was rate 10mbit at runtime)\n"),
        format!("up says what it restored: {restore}"),
    );
    run.check(!run.get("q5").out().contains("tbf"), "no tbf left on a:eth0");
    run.check(run.get("st3").out().contains("drift: none"), "back to the file");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

#[test]
fn unknown_names_foreign_namespaces_and_bad_words_are_refused_by_name() {
    require_root!();
    let run = lab_script(
        r#"
r nolab $NETNS lab nosuch link a:eth0 down
r up $NETNS up runtime-three-nodes.toml
r node $NETNS lab rt link zz:eth0 down
r iface $NETNS lab rt link a:eth9 down
r nolink $NETNS lab rt link a c down
r word $NETNS lab rt link a:eth0 sideways
r target $NETNS lab rt link a-eth0 down
r key $NETNS lab rt impair a:eth0 speed 1mbit
r verb $NETNS lab rt shutdown
r help $NETNS lab --help
must $IP -n rt-c link set lo alias someone-else
r foreign $NETNS lab rt link b c down
r b1 $IP -n rt-b -o link show eth2
must $IP -n rt-c link set lo alias netns-lab:rt:c
sed -i 's/"phase": "up"/"phase": "building"/' /run/netns-lab/rt/state.json
r building $NETNS lab rt link a:eth0 down
sed -i 's/"phase": "building"/"phase": "up"/' /run/netns-lab/rt/state.json
r st $NETNS status rt
r down $NETNS down rt
r gone $NETNS lab rt impair show
r left leftovers
"#,
    )
    .fixture("runtime-three-nodes.toml")
    .run();
    run.expect("nolab", 1, "", "netns lab: no lab nosuch is up (bring it up with `netns up FILE`)\n");
    run.check(!run.get("left").out().contains("nosuch"), "an unknown lab leaves no lock file behind");
    run.expect_rc("up", 0);
    run.expect("node", 1, "", "netns lab: lab rt has no node zz (its nodes: a, b, c)\n");
    run.expect("iface", 1, "", "netns lab: node a of lab rt has no interface eth9 (its interfaces: eth0, eth1)\n");
    run.expect("nolink", 1, "", "netns lab: lab rt has no link between a and c\n");
    run.expect_rc("word", 255);
    run.check(run.get("word").err().starts_with("netns lab: link …: expected down or up, found \"sideways\"\n"), "");
    run.expect_rc("target", 255);
    run.check(run.get("target").err().contains("\"a-eth0\" is not NODE:IF"), run.get("target").err());
    run.expect_rc("key", 255);
    run.check(run.get("key").err().contains("unknown impairment \"speed\""), run.get("key").err());
    run.expect_rc("verb", 255);
    run.check(run.get("verb").err().contains("unknown lab command \"shutdown\""), run.get("verb").err());
    run.expect_rc("help", 255);
    run.check(run.get("help").err().starts_with("Usage: netns lab LAB link NODE:IF down|up\n"), "help");
    run.expect(
        "foreign",
        1,
        "",
        "netns lab: namespace rt-c of node c is not lab rt's (it does not carry the lab's ownership mark): left alone\n",
    );
    run.check(run.get("b1").out().contains("state UP"), "b:eth2 untouched: every end is checked first");
    run.expect_rc("building", 1);
    run.check(
        run.get("building").err().starts_with("netns lab: lab rt is not fully up (its last `up` did not finish)"),
        run.get("building").err(),
    );
    run.check(!run.get("st").out().contains("(runtime)"), "nothing was recorded");
    run.expect_rc("down", 0);
    run.expect("gone", 1, "", "netns lab: no lab rt is up (bring it up with `netns up FILE`)\n");
    run.expect("left", 1, "", "");
}

/// The TCA_OPTIONS payload of the first RTM_NEWQDISC request in strace's
/// `-xx` output.
fn tca_options(strace: &str) -> Vec<u8> {
    let at = strace.find("nla_type=TCA_OPTIONS}, \"").unwrap_or_else(|| panic!("no TCA_OPTIONS in {strace}"));
    let rest = &strace[at + "nla_type=TCA_OPTIONS}, \"".len()..];
    let hex = &rest[..rest.find('"').unwrap()];
    hex.split("\\x").filter(|h| !h.is_empty()).map(|h| u8::from_str_radix(h, 16).unwrap()).collect()
}

/// Netem's attributes after `struct tc_netem_qopt` (24 bytes): (type,
/// payload), in order.
fn netem_attrs(options: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = &options[24..];
    while rest.len() >= 4 {
        let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
        let kind = u16::from_ne_bytes([rest[2], rest[3]]);
        out.push((kind, rest[4..len].to_vec()));
        rest = &rest[len.div_ceil(4) * 4..];
    }
    out
}

/// `netns lab … impair … delay 10ms jitter 2ms loss 1% duplicate 0.5%
/// corrupt 0.1% rate 10mbit` asks the kernel for what `tc qdisc add …
/// netem delay 10ms 2ms loss 1% duplicate 0.5% corrupt 0.1% rate 10mbit`
/// asks for, byte for byte: the same `tc_netem_qopt` and the same
/// attributes in the same order. (netns also gives the delay and jitter in
/// nanoseconds, which tc 6.1 leaves out; the kernel prefers them.) tc's
/// request is read with strace: it is sent even on a kernel without netem.
#[test]
fn the_netem_request_is_the_one_tc_sends() {
    require_root!();
    let run = script(
        r#"
must $IP netns add enc
r tc $IP netns exec enc strace -e trace=sendmsg -xx -s 4096 tc qdisc add dev lo root netem delay 10ms 2ms loss 1% duplicate 0.5% corrupt 0.1% rate 10mbit
"#,
    )
    .run();
    let tc = tca_options(&run.get("tc").err());
    let words: Vec<String> =
        "delay 10ms jitter 2ms loss 1% duplicate 0.5% corrupt 0.1% rate 10mbit".split(' ').map(String::from).collect();
    let (netem, _) = netns::lab::runtime::parse_impair(&words).unwrap();
    let ours = netns::netlink::qdisc::netem_request_options(&netem.config()).unwrap();
    assert_eq!(ours[..24], tc[..24], "struct tc_netem_qopt");
    // TCA_NETEM_LATENCY64 (10) and TCA_NETEM_JITTER64 (11): ours alone.
    const NS_ONLY: [u16; 2] = [10, 11];
    let ours_attrs: Vec<_> = netem_attrs(&ours).into_iter().filter(|(k, _)| !NS_ONLY.contains(k)).collect();
    assert_eq!(ours_attrs, netem_attrs(&tc), "netem's attributes");
    // And the nanoseconds agree with tc's ticks.
    let ns: Vec<_> = netem_attrs(&ours).into_iter().filter(|(k, _)| NS_ONLY.contains(k)).collect();
    assert_eq!(ns, [(10, 10_000_000i64.to_ne_bytes().to_vec()), (11, 2_000_000i64.to_ne_bytes().to_vec())]);
}
