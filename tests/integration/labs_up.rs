//! `netns up`, `down`, `status` and `exec LAB NODE`: labs built for real,
//! checked with iproute2's own eyes (`ip -n NS …`), in private mount, net
//! and pid namespaces with a tmpfs /run (`support/sandbox.rs`). `/etc/netns` is
//! pointed at the scratch directory with NETNS_ETC_DIR.

use crate::support::lab_script;

#[test]
fn chain_comes_up_as_the_file_says_and_goes_away() {
    require_root!();
    let run = lab_script(
        r#"
r up $NETNS up $EX/chain3.toml
r ns $IP netns list
r r1addr $IP -n chain3-r1 -br addr show eth1
r r2routes $IP -n chain3-r2 route show proto static
r h1route $IP -n chain3-h1 route show default
r fwd $IP netns exec chain3-r2 cat /proc/sys/net/ipv4/ip_forward
r hostfwd $IP netns exec chain3-h1 cat /proc/sys/net/ipv4/ip_forward
r mark $IP -n chain3-r2 -d link show lo
r again $NETNS up $EX/chain3.toml
r down $NETNS down chain3
r left leftovers
r down2 $NETNS down chain3
"#,
    )
    .run();
    run.expect_rc("up", 0);
    run.check(run.get("up").out().starts_with("lab chain3 is up: 5 namespaces, 4 links"), "summary line");
    run.check(run.get("up").err().is_empty(), "quiet in a pipe: no progress bar on stderr");
    let ns = run.get("ns").out();
    for n in ["chain3-h1", "chain3-h2", "chain3-r1", "chain3-r2", "chain3-r3"] {
        run.check(ns.contains(n), format!("namespace {n}"));
    }
    run.check(run.get("r1addr").out().contains("10.0.12.1/30"), "subnet gives endpoint 0 host address 1");
    let routes = run.get("r2routes").out();
    run.check(routes.contains("10.0.1.0/24 via 10.0.12.1 dev eth0"), "r2 route to h1's LAN");
    run.check(routes.contains("10.0.3.0/24 via 10.0.23.2 dev eth1"), "r2 route to h2's LAN");
    run.check(run.get("h1route").out().contains("default via 10.0.1.1 dev eth0"), "gateway");
    run.expect("fwd", 0, "1\n", "");
    run.expect("hostfwd", 0, "0\n", "");
    run.check(run.get("mark").out().contains("alias netns-lab:chain3:r2"), "ownership mark on lo");
    run.expect("again", 0, "lab chain3 is up to date: no changes\n", "");
    run.expect("down", 0, "lab chain3 is down: removed 5 namespaces\n", "");
    run.expect("left", 1, "", "");
    run.expect("down2", 0, "lab chain3 is down: nothing was left to remove\n", "");
}

#[test]
fn up_repairs_drift_and_plan_only_prints_it() {
    require_root!();
    let run = lab_script(
        r#"
must $NETNS up $EX/chain3.toml >/dev/null
must $IP -n chain3-r2 link set eth0 down
must $IP -n chain3-r2 addr add 10.9.9.9/24 dev eth1
must $IP -n chain3-r1 route add 10.77.0.0/16 via 10.0.12.2 proto static
r plan $NETNS up --plan $EX/chain3.toml
r still $IP -n chain3-r2 -br link show eth0
r fix $NETNS up $EX/chain3.toml
r link $IP -n chain3-r2 -br link show eth0
r routes $IP -n chain3-r2 route show proto static
r addr $IP -n chain3-r2 -br addr show eth1
r r1 $IP -n chain3-r1 route show 10.77.0.0/16
r again $NETNS up $EX/chain3.toml
r status $NETNS status chain3
must $IP -n chain3-h1 link del eth0
r relink $NETNS up $EX/chain3.toml
r ping $IP -n chain3-h1 route get 10.0.3.10
r down $NETNS down $EX/chain3.toml
"#,
    )
    .run();
    let plan = run.get("plan").out();
    run.check(plan.contains("~ chain3-r2: interface eth0 up"), "plan: link up");
    run.check(plan.contains("- chain3-r2: address 10.9.9.9/24 on eth1"), "plan: foreign address");
    run.check(plan.contains("+ chain3-r2: route 10.0.1.0/24 via 10.0.12.1"), "plan: the route the kernel flushed");
    run.check(plan.contains("- chain3-r1: route 10.77.0.0/16 via 10.0.12.2"), "plan: extra static route");
    run.check(plan.ends_with("change(s) planned, none made (--plan)\n"), "plan changes nothing");
    run.check(run.get("still").out().contains("DOWN"), "--plan left the link down");
    run.expect_rc("fix", 0);
    run.check(run.get("link").out().contains("UP"), "link back up");
    run.check(run.get("routes").out().contains("10.0.1.0/24 via 10.0.12.1"), "flushed route back");
    run.check(!run.get("addr").out().contains("10.9.9.9"), "extra address removed");
    run.check(run.get("r1").out().is_empty(), "extra static route removed");
    run.expect("again", 0, "lab chain3 is up to date: no changes\n", "");
    run.check(run.get("status").out().contains("drift: none"), "status after repair");
    let relink = run.get("relink").out();
    run.check(relink.contains("+ veth chain3-h1:eth0 — chain3-r1:eth0"), "a deleted veth is made again");
    run.check(relink.contains("+ chain3-h1: route default via 10.0.1.1"), "with its routes");
    run.expect_rc("ping", 0);
    run.expect_rc("down", 0);
}

#[test]
fn switch_lab_ports_addresses_and_status_json() {
    require_root!();
    let run = lab_script(
        r#"
must $NETNS up $EX/lan4.toml >/dev/null
r ports $IP -n lan4-sw1 -br link show master br0
r h4 $IP -n lan4-h4 -br addr show eth0
r st $NETNS -j status lan4
r all $NETNS -j status
r nobody $NOBODY $NETNS status lan4
r exec $NETNS exec lan4 h3 -- cat /proc/sys/net/ipv4/ip_forward
r nonode $NETNS exec lan4 h9 -- true
must $NETNS down lan4 >/dev/null
r none $NETNS status
"#,
    )
    .run();
    let ports = run.get("ports").out();
    for p in ["h1-eth0", "h2-eth0", "h3-eth0", "h4-eth0"] {
        run.check(ports.contains(p), format!("port {p} on br0"));
    }
    run.check(run.get("h4").out().contains("10.1.0.4/24"), "switch subnet: .4 for the fourth host");
    let st: serde_json::Value = serde_json::from_str(&run.get("st").out()).expect("status -j is JSON");
    assert_eq!(st["lab"], "lan4");
    assert_eq!(st["state"], "up");
    assert_eq!(st["nodes_present"], 5);
    assert_eq!(st["drift"], 0);
    let all: serde_json::Value = serde_json::from_str(&run.get("all").out()).expect("JSON");
    assert_eq!(all.as_array().map(Vec::len), Some(1));
    let nobody = run.get("nobody").out();
    run.check(nobody.contains("lab lan4: unknown, 5/5 namespaces present"), "without root: the state alone");
    run.check(nobody.contains("live state and drift need root"), "says what root would add");
    run.check(nobody.contains("h4-eth0"), "and still the topology from the file");
    run.expect("exec", 0, "0\n", "");
    run.expect_rc("nonode", 1);
    run.check(run.get("nonode").err().contains("lab lan4 has no node h9"), "names the lab and node");
    run.check(run.get("none").out().contains("no labs are up"), "empty status");
}

#[test]
fn neutron_style_tenants_with_nat_and_a_managed_process() {
    require_root!();
    let run = lab_script(
        r#"
r up $NETNS up $EX/tenants.toml
r nft $IP netns exec qrouter-a nft list table inet netns_lab
r web $IP netns exec public python3 -c "import urllib.request as u; print(u.urlopen('http://172.24.4.20/', timeout=3).status)"
r same $IP netns exec vm-b1 python3 -c "import urllib.request as u; print(u.urlopen('http://172.24.4.20/', timeout=3).status)"
r st $NETNS status tenants
r again $NETNS up $EX/tenants.toml
pkill -x python3; sleep 0.2
r restart $NETNS up $EX/tenants.toml
r down $NETNS down tenants
r left leftovers
"#,
    )
    .run();
    run.expect_rc("up", 0);
    run.check(run.get("up").out().contains("1 process"), "the web server was started");
    let nft = run.get("nft").out();
    run.check(nft.contains("dnat ip to 10.0.0.10:8080"), "DNAT of the floating IP's port 80");
    run.check(nft.contains("snat ip to 172.24.4.10"), "SNAT of the tenant subnet");
    run.expect("web", 0, "200\n", "");
    run.expect("same", 0, "200\n", "");
    run.check(run.get("st").out().contains("web on vm-a1: pid"), "status lists the process");
    run.expect("again", 0, "lab tenants is up to date: no changes\n", "");
    run.check(run.get("restart").out().contains("+ vm-a1: start process web"), "a dead process is restarted");
    run.check(run.get("down").out().contains("ended 1 process"), "down ends it");
    run.expect("left", 1, "", "");
}

#[test]
fn a_failing_first_up_rolls_back_and_says_so() {
    require_root!();
    let run = lab_script(
        r#"
r up $NETNS up failing-exec.toml
r left leftovers
"#,
    )
    .fixture("failing-exec.toml")
    .run();
    run.expect_rc("up", 1);
    let err = run.get("up").err();
    run.check(err.contains("exec of node a") && err.contains("boom"), "names the node and shows the output");
    run.check(err.contains("rolled back: nothing of lab bad is left"), "says it rolled back");
    run.expect("left", 1, "", "");
}

#[test]
fn a_rollback_reports_every_failure_it_meets() {
    require_root!();
    // The first `up` fails on node a's exec; rolling it back runs both
    // nodes' exec_down, and both fail: each is named, not only the first.
    let run = lab_script(
        r#"
cat > lab.toml <<'T'
schema = 1
name = "twofail"
[nodes.a]
exec = ["echo boom >&2; exit 3"]
exec_down = ["echo down-a >&2; exit 4"]
[nodes.b]
exec_down = ["echo down-b >&2; exit 5"]
[[links]]
endpoints = ["a:eth0", "b:eth0"]
subnet = "10.0.0.0/30"
T
r up $NETNS up lab.toml
r left leftovers
"#,
    )
    .run();
    run.expect_rc("up", 1);
    let err = run.get("up").err();
    let lines: Vec<&str> = err.lines().collect();
    let of = |node: &str, out: &str| {
        lines.iter().any(|l| {
            l.starts_with(&format!("netns up: rollback: warning: exec_down of node {node}: ")) && l.contains(out)
        })
    };
    run.check(of("a", "down-a"), format!("node a's exec_down failure is reported:\n{err}"));
    run.check(of("b", "down-b"), format!("node b's exec_down failure is reported:\n{err}"));
    run.check(err.contains("rolled back: nothing of lab twofail is left"), "says it rolled back");
    run.expect("left", 1, "", "");
}

#[test]
fn missing_kernel_features_and_foreign_names_change_nothing() {
    require_root!();
    let run = lab_script(
        r#"
r wan $NETNS up $EX/wan.toml
r vlans $NETNS up $EX/vlans.toml
must $IP netns add pair-h2
r clash $NETNS up $EX/pair.toml
r val $NETNS validate $EX/pair.toml
r ns $IP netns list
r nobody $NOBODY $NETNS up $EX/pair.toml
"#,
    )
    .run();
    run.expect_rc("wan", 1);
    run.check(run.get("wan").err().contains("this kernel has no netem qdisc"), "netem named");
    run.check(run.get("wan").err().contains("nothing was changed"), "says nothing changed");
    run.expect_rc("vlans", 1);
    run.check(run.get("vlans").err().contains("802.1Q VLAN"), "vlan named");
    run.expect_rc("clash", 1);
    run.check(run.get("clash").err().contains("pair-h2 of node h2 exists and is not part of lab pair"), "clash");
    run.expect_rc("val", 1);
    run.check(run.get("val").err().contains("pair.toml:"), "validate points into the file");
    run.expect("ns", 0, "pair-h2\n", "");
    run.expect_rc("nobody", 1);
    run.check(run.get("nobody").err().contains("need root (CAP_SYS_ADMIN and CAP_NET_ADMIN)"), "says why");
}

#[test]
fn down_works_from_the_marks_when_the_state_is_lost() {
    require_root!();
    let run = lab_script(
        r#"
must $NETNS up $EX/chain3.toml >/dev/null
must $IP netns add bystander
rm -rf /run/netns-lab
r down $NETNS down chain3
r ns $IP netns list
"#,
    )
    .run();
    // Without its state or its file, `down` cannot tell the hosts files
    // are the lab's: it leaves them, and says so.
    let down = run.get("down");
    run.check(down.rc == 0 && down.out() == "lab chain3 is down: removed 5 namespaces\n", "down from the marks");
    let err = down.err();
    let notes: Vec<&str> = err.lines().collect();
    run.check(
        notes.len() == 5 && notes.iter().all(|l| l.ends_with("/hosts: lab chain3 did not make it")),
        "only the hosts files are left, each named",
    );
    run.expect("ns", 0, "bystander\n", "");
}

#[test]
fn concurrent_ups_and_downs_of_one_lab_are_serialised() {
    require_root!();
    let run = lab_script(
        r#"
for i in 1 2 3 4; do
    $NETNS up $EX/lan4.toml >$H/w/up$i.out 2>&1 &
done
wait
r ns sh -c "$IP netns list | sort"
r again $NETNS up $EX/lan4.toml
for i in 1 2 3; do $NETNS down lan4 >/dev/null 2>&1 & done
wait
r left leftovers
cat $H/w/up*.out >&2
"#,
    )
    .run();
    run.expect("ns", 0, "lan4-h1\nlan4-h2\nlan4-h3\nlan4-h4\nlan4-sw1\n", "");
    run.expect("again", 0, "lab lan4 is up to date: no changes\n", "");
    run.check(!run.log.contains("failed"), "no up failed");
    run.expect("left", 1, "", "");
}

/// An `up` killed during its first state write leaves the state's
/// temporary file and nothing else: `down` removes it and the lab's
/// directory, instead of leaving a directory it "did not make" for good.
#[test]
fn down_clears_a_state_directory_with_only_a_half_written_state() {
    require_root!();
    let run = lab_script(
        r#"
must mkdir -p -m 755 /run/netns-lab
must mkdir -m 700 /run/netns-lab/half
printf '{"lab": "half", "fi' > /run/netns-lab/half/state.json.tmp
r down $NETNS down half
r left leftovers
"#,
    )
    .run();
    run.expect("down", 0, "lab half is down: nothing was left to remove\n", "");
    run.expect("left", 1, "", "");
}

/// The crash test: `kill -9` at 20 random moments during `up` of a
/// 100-node lab (namespaces, links, addresses, /etc/netns files and a
/// managed process), then `down`: nothing of the lab may remain.
#[test]
fn kill_9_during_up_then_down_leaves_nothing() {
    require_root!();
    let run = lab_script(
        r#"
# How long a whole up takes here, to spread the kills over it.
start=$(date +%s%N)
must $NETNS up switch-of-99-hosts.toml >/dev/null
total=$(( ($(date +%s%N) - start) / 1000 ))
must $NETNS down k100 >/dev/null
v total "$total"
for i in $(seq 1 20); do
    $NETNS up switch-of-99-hosts.toml >/dev/null 2>&1 &
    pid=$!
    delay=$(( RANDOM % (total + 1) ))
    sleep "$(printf '0.%06d' "$delay")"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    r "down$i" $NETNS down switch-of-99-hosts.toml
    r "left$i" leftovers
done
"#,
    )
    .fixture("switch-of-99-hosts.toml")
    .timeout(std::time::Duration::from_secs(300))
    .run();
    let total: u64 = run.get("total").out().parse().unwrap_or(0);
    run.check(total > 0, "the timing run finished");
    for i in 1..=20 {
        run.expect_rc(&format!("down{i}"), 0);
        run.expect(&format!("left{i}"), 1, "", "");
    }
}

/// `down` silences a big switch (its bridge drops every frame from its
/// ports) before the names go, but only after `exec_down`: a host's
/// `exec_down` still reaches another host through the switch, by name.
#[test]
fn exec_down_still_has_the_network_of_a_big_switch() {
    require_root!();
    let run = lab_script(
        r#"
cat > lab.toml <<'T'
schema = 1
name = "bigsw"
[nodes.sw]
kind = "switch"
subnet = "10.77.0.0/24"
[nodes.h1]
exec_down = ["ping -c 1 -W 5 h2 >/dev/null || { echo h2 unreachable >&2; exit 1; }"]
[nodes."h{i}"]
for = { i = "2..40" }
[[links]]
endpoints = ["h1:eth0", "sw"]
[[links]]
for = { i = "2..40" }
endpoints = ["h{i}:eth0", "sw"]
T
must $NETNS up lab.toml >/dev/null
r down $NETNS down lab.toml
r left leftovers
"#,
    )
    .run();
    run.expect("down", 0, "lab bigsw is down: removed 41 namespaces\n", "");
    run.expect("left", 1, "", "");
}

/// A switch with two hosts; `stp` is added, flipped and taken out by the
/// tests below.
const STP_LAB: &str = r#"
cat > stp.toml <<'T'
schema = 1
name = "stp"
[nodes.sw]
kind = "switch"
subnet = "10.5.0.0/24"
[nodes.h1]
[nodes.h2]
[[links]]
endpoints = ["h1", "sw"]
[[links]]
endpoints = ["h2", "sw"]
T
"#;

#[test]
fn changing_stp_on_a_running_lab_shows_in_plan_and_status_and_up_applies_it() {
    require_root!();
    let run = lab_script(&format!(
        r#"{STP_LAB}
must $NETNS up stp.toml >/dev/null
r off0 $IP -n stp-sw -d link show br0
sed -i 's/^kind = "switch"/&\nstp = true/' stp.toml
r plan $NETNS up --plan stp.toml
r status $NETNS status stp
r up $NETNS up stp.toml
r on $IP -n stp-sw -d link show br0
r again $NETNS up --plan stp.toml
sed -i 's/^stp = true/stp = false/' stp.toml
r plan_off $NETNS up --plan stp.toml
r up_off $NETNS up stp.toml
r off $IP -n stp-sw -d link show br0
sed -i '/^stp = /d' stp.toml
r unset $NETNS up --plan stp.toml
r down $NETNS down stp.toml
"#
    ))
    .run();
    run.check(run.get("off0").out().contains(" stp_state 0 "), "no stp at first");
    run.expect("plan", 0, "~ stp-sw: bridge br0 stp on\nlab stp: 1 change(s) planned, none made (--plan)\n", "");
    let status = run.get("status").out();
    run.check(status.contains("lab stp: drifted"), "status: drifted");
    run.check(status.contains("~ stp-sw: bridge br0 stp on"), "status names the change");
    run.expect_rc("up", 0);
    run.check(run.get("up").out().starts_with("~ stp-sw: bridge br0 stp on\n"), "up makes that change");
    run.check(run.get("on").out().contains(" stp_state 1 "), "stp is on");
    run.expect("again", 0, "lab stp is up to date: no changes\n", "");
    run.expect("plan_off", 0, "~ stp-sw: bridge br0 stp off\nlab stp: 1 change(s) planned, none made (--plan)\n", "");
    run.expect_rc("up_off", 0);
    run.check(run.get("off").out().contains(" stp_state 0 "), "stp is off again");
    // Without the key, the bridge keeps what it has: nothing is sent.
    run.expect("unset", 0, "lab stp is up to date: no changes\n", "");
    run.expect_rc("down", 0);
}

#[test]
fn stp_without_vlan_filtering_sends_no_vlan_filtering_attribute() {
    require_root!();
    // A kernel without bridge VLAN filtering refuses IFLA_BR_VLAN_FILTERING
    // even when it says "off" (this machine's is one): the lab comes up
    // only if the attribute is not sent.
    let run = lab_script(&format!(
        r#"{STP_LAB}
sed -i 's/^kind = "switch"/&\nstp = true/' stp.toml
r up $NETNS up stp.toml
r br0 $IP -n stp-sw -d link show br0
r again $NETNS up --plan stp.toml
r down $NETNS down stp.toml
"#
    ))
    .run();
    run.expect_rc("up", 0);
    let br0 = run.get("br0").out();
    run.check(br0.contains(" stp_state 1 "), "spanning tree on");
    run.check(br0.contains(" vlan_filtering 0 "), "VLAN filtering left at the kernel's default");
    run.expect("again", 0, "lab stp is up to date: no changes\n", "");
    run.expect_rc("down", 0);
}
