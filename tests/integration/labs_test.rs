//! `netns test FILE`: what a user sees checking a running lab's
//! expectations. The network is built here with `ip` (not `netns up`), so
//! these tests judge the probes and the report alone:
//!
//! ```text
//! t1-h1 (10.0.1.10, fd01::10) ── (10.0.1.1, fd01::1) t1-r1 (10.0.2.1, fd02::1) ── (10.0.2.10, fd02::10) t1-h2
//! ```
//!
//! h2 runs a python3 TCP listener on 8080 and a UDP echo on 5353; r1 drops
//! forwarded TCP to port 8081 with nftables.

use crate::support::script;

/// Builds the namespaces, addresses, routes and servers of the lab file
/// [`LAB`] describes.
const SETUP: &str = r#"
must $IP netns add t1-h1; must $IP netns add t1-r1; must $IP netns add t1-h2
for n in t1-h1 t1-r1 t1-h2; do
    must $IP -n $n link set lo up
    # No duplicate address detection: usable at once, as labs are.
    must $IP netns exec $n sh -c 'echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad'
done
must $IP -n t1-h1 link add eth0 type veth peer name eth0 netns t1-r1
must $IP -n t1-h2 link add eth0 type veth peer name eth1 netns t1-r1
must $IP -n t1-h1 addr add 10.0.1.10/24 dev eth0
must $IP -n t1-h1 addr add fd01::10/64 dev eth0 nodad
must $IP -n t1-r1 addr add 10.0.1.1/24 dev eth0
must $IP -n t1-r1 addr add fd01::1/64 dev eth0 nodad
must $IP -n t1-r1 addr add 10.0.2.1/24 dev eth1
must $IP -n t1-r1 addr add fd02::1/64 dev eth1 nodad
must $IP -n t1-h2 addr add 10.0.2.10/24 dev eth0
must $IP -n t1-h2 addr add fd02::10/64 dev eth0 nodad
for l in "t1-h1 eth0" "t1-r1 eth0" "t1-r1 eth1" "t1-h2 eth0"; do set -- $l; must $IP -n $1 link set $2 up; done
must $IP -n t1-h1 route add default via 10.0.1.1
must $IP -n t1-h1 -6 route add default via fd01::1
must $IP -n t1-h2 route add default via 10.0.2.1
must $IP -n t1-h2 -6 route add default via fd02::1
must $IP netns exec t1-r1 sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv6/conf/all/forwarding'
must $IP netns exec t1-r1 /usr/sbin/nft 'add table inet t; add chain inet t f { type filter hook forward priority 0; }; add rule inet t f tcp dport 8081 drop'
# Servers in h2: they write a file once listening.
$IP netns exec t1-h2 python3 -c '
import socket
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("0.0.0.0", 8080)); t.listen(128)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 5353))
open("servers.ready", "w").close()
while True:
    d, a = u.recvfrom(2048); u.sendto(d, a)
' &
wait_for test -e servers.ready
# A veth passes packets once the kernel has seen its carrier come up.
for n in t1-h1 t1-r1 t1-h2; do wait_for sh -c "! $IP -n $n -o link show | grep -v ' lo:' | grep -qv 'state UP'"; done
"#;

/// The lab file of that network, without expectations.
const LAB: &str = r#"schema = 1
name = "t1"

[nodes.h1]
gateway = "10.0.1.1"
[nodes.r1]
kind = "router"
[nodes.h2]
gateway = "10.0.2.1"

[[links]]
endpoints = ["h1:eth0", "r1:eth0"]
addr = [["10.0.1.10/24", "fd01::10/64"], ["10.0.1.1/24", "fd01::1/64"]]
[[links]]
endpoints = ["h2:eth0", "r1:eth1"]
addr = [["10.0.2.10/24", "fd02::10/64"], ["10.0.2.1/24", "fd02::1/64"]]
"#;

/// Expectations that all hold in that network.
const GOOD: &str = r#"
[[expect]]
from = "h1"
to = "h2"
reach = true
path = ["r1"]
[[expect]]
from = "h1"
to = "h2"
proto = "tcp:8080"
reach = true
[[expect]]
from = "h1"
to = "10.0.2.10"
proto = "tcp:8081"
reach = false
[[expect]]
from = "h1"
to = "10.0.2.10"
proto = "tcp:8082"
reach = false
[[expect]]
from = "h1"
to = "h2"
proto = "udp:5353"
reach = true
[[expect]]
from = "h2"
to = "fd01::10"
reach = true
rtt_ms = [0, 50]
path = ["r1"]
[[expect]]
from = "h1"
to = "10.0.9.9"
reach = false
"#;

/// Expectations that do not hold, each for another reason.
const BAD: &str = r#"
[[expect]]
from = "h1"
to = "10.0.2.99"
reach = true
[[expect]]
from = "h2"
to = "h1"
reach = false
[[expect]]
from = "h1"
to = "h2"
reach = true
rtt_ms = [50, 100]
[[expect]]
from = "h1"
to = "h2"
reach = true
path = ["h2"]
[[expect]]
from = "h1"
to = "h2"
proto = "udp:5354"
reach = true
"#;

fn lab_file(name: &str, expects: &str) -> String {
    format!("cat > {name} <<'T'\n{LAB}{expects}T\n")
}

#[test]
fn expectations_that_hold_pass_and_exit_zero() {
    require_root!();
    let body = format!(
        "{SETUP}{}r good $NETNS test good.toml\n\
         must mkdir -m 755 $H/l && must cp good.toml $H/l/ && must chmod 644 $H/l/good.toml\n\
         r nobody $NOBODY $NETNS test $H/l/good.toml\n",
        lab_file("good.toml", GOOD)
    );
    let run = script(&body).run();
    let r = run.get("good");
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    run.check(r.rc == 0, "all pass: status 0");
    run.check(r.err.is_empty(), "nothing on stderr");
    let starts = [
        "PASS  h1 → h2 (10.0.2.10) icmp reach  rtt ",
        "PASS  h1 → h2 (10.0.2.10) tcp:8080 reach  rtt ",
        "PASS  h1 → 10.0.2.10 tcp:8081 unreachable (timeout)",
        "PASS  h1 → 10.0.2.10 tcp:8082 unreachable (connection refused)",
        "PASS  h1 → h2 (10.0.2.10) udp:5353 reach  rtt ",
        "PASS  h2 → fd01::10 icmp reach  rtt ",
        "PASS  h1 → 10.0.9.9 icmp unreachable (network unreachable (from 10.0.1.1))",
    ];
    for (i, s) in starts.iter().enumerate() {
        run.check(lines.get(i).is_some_and(|l| l.starts_with(s)), format!("line {}: {s}", i + 1));
    }
    run.check(lines[0].ends_with(" ms  path r1"), "the path names the router");
    run.check(lines[5].ends_with(" ms  path r1"), "the IPv6 path names the router");
    // Two sources: a matrix (columns are the destinations as written).
    run.check(out.contains("\nfrom \\ to  h2   10.0.2.10  fd01::10  10.0.9.9\n"), "matrix header");
    run.check(out.contains("\nh1         ✔✔✔  ✘✘         ·         ✘\n"), "matrix row h1");
    run.check(out.contains("\nh2         ·    ·          ✔         ·\n"), "matrix row h2");
    run.check(out.ends_with("\n7 passed, 0 failed\n"), "summary");
    // Without privilege nothing can be probed, and that is never a pass,
    // not even for the expectations of "unreachable".
    let nobody = run.get("nobody");
    run.check(nobody.rc == 1, "nobody: status 1");
    run.check(nobody.out().ends_with("\n0 passed, 7 failed\n"), "nobody: every expectation fails");
    run.check(
        nobody.out().contains(
            "FAIL  h1 → 10.0.9.9 icmp cannot probe: cannot enter namespace /run/netns/t1-h1: Operation not permitted\n",
        ),
        "nobody: the reason is named",
    );
    run.check(
        nobody.err() == "netns test: probing needs CAP_SYS_ADMIN and CAP_NET_RAW: run it as root\n",
        "nobody: hint",
    );
}

#[test]
fn expectations_that_fail_say_why_and_exit_one() {
    require_root!();
    let body = format!("{SETUP}{}r bad $NETNS test bad.toml\n", lab_file("bad.toml", BAD));
    let run = script(&body).run();
    let r = run.get("bad");
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    run.check(r.rc == 1, "a failure: status 1");
    let want = [
        "FAIL  h1 → 10.0.2.99 icmp expected reach, got timeout",
        "FAIL  h2 → h1 (10.0.1.10) icmp expected unreachable, got reply from 10.0.1.10",
        "FAIL  h1 → h2 (10.0.2.10) icmp rtt ",
        "FAIL  h1 → h2 (10.0.2.10) icmp expected path h2, got r1",
        "FAIL  h1 → h2 (10.0.2.10) udp:5354 expected reach, got port unreachable",
    ];
    for (i, s) in want.iter().enumerate() {
        run.check(lines.get(i).is_some_and(|l| l.starts_with(s)), format!("line {}: {s}", i + 1));
    }
    run.check(lines[2].ends_with(" ms outside [50, 100] ms"), "rtt bounds are named");
    run.check(out.ends_with("\n0 passed, 5 failed\n"), "summary");
}

#[test]
fn json_lists_every_result() {
    require_root!();
    let body = format!(
        "{SETUP}{}r j $NETNS test -j mixed.toml\nr gj $NETNS -j test mixed.toml\n",
        lab_file("mixed.toml", &format!("{GOOD}{BAD}"))
    );
    let run = script(&body).run();
    let r = run.get("j");
    run.check(r.rc == 1, "a failure: status 1");
    let global: serde_json::Value = serde_json::from_slice(&run.get("gj").out).expect("netns -j test: JSON too");
    run.check(global.as_array().is_some_and(|l| l.len() == 12), "-j before the command word works too");
    let v: serde_json::Value = serde_json::from_slice(&r.out).expect("stdout is JSON");
    let list = v.as_array().expect("an array");
    run.check(list.len() == 12, "one entry per expectation");
    let first = &list[0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    for k in ["from", "to", "to_addr", "proto", "expect", "reached", "rtt_ms", "hops", "pass", "detail", "verdict"] {
        run.check(keys.contains(&k), format!("key {k}"));
    }
    run.check(first["from"] == "h1" && first["to"] == "h2" && first["to_addr"] == "10.0.2.10", "names");
    run.check(first["proto"] == "icmp" && first["reached"] == true && first["pass"] == true, "first passes");
    run.check(first["hops"] == serde_json::json!(["r1"]), "hops as node names");
    run.check(first["expect"]["path"] == serde_json::json!(["r1"]), "expected path");
    run.check(first["rtt_ms"].as_f64().is_some_and(|r| r > 0.0), "rtt is a number");
    run.check(first["detail"] == "reply from 10.0.2.10", "probe detail");
    let refused = &list[3];
    run.check(refused["proto"] == "tcp:8082" && refused["detail"] == "connection refused", "tcp refused");
    run.check(refused["expect"]["reach"] == false && refused["pass"] == true, "expected unreachable passes");
    let bad = &list[7];
    run.check(bad["pass"] == false && bad["reached"] == false && bad["rtt_ms"].is_null(), "failure entry");
    run.check(bad["verdict"] == "expected reach, got timeout", "verdict");
}

#[test]
fn a_lab_that_is_not_up_fails_with_a_hint() {
    require_root!();
    let body = format!(
        "{}r down $NETNS test lab.toml\n",
        lab_file(
            "lab.toml",
            "[[expect]]\nfrom = \"h1\"\nto = \"h2\"\nreach = true\n[[expect]]\nfrom = \"h2\"\nto = \"h1\"\nreach = false\n"
        )
    );
    let run = script(&body).run();
    let r = run.get("down");
    run.check(r.rc == 1, "status 1");
    let out = r.out();
    run.check(
        out.starts_with(
            "FAIL  h1 → h2 (10.0.2.10) icmp namespace t1-h1 does not exist (is the lab up? run `netns up lab.toml`)\n\
             FAIL  h2 → h1 (10.0.1.10) icmp namespace t1-h2 does not exist (is the lab up? run `netns up lab.toml`)\n",
        ),
        "each expectation names its missing namespace",
    );
    run.check(out.ends_with("\n0 passed, 2 failed\n"), "summary");
}

#[test]
fn bad_arguments_and_bad_files_are_reported() {
    require_root!();
    let body = format!(
        "{}r noarg $NETNS test\nr opt $NETNS test --frobnicate lab.toml\nr tmo $NETNS test --timeout x lab.toml\n\
         r missing $NETNS test nosuch.toml\n",
        lab_file("lab.toml", "")
    );
    let run = script(&body).run();
    run.check(run.get("noarg").rc == 255 && run.get("noarg").err().contains("which lab file?"), "no file");
    run.check(run.get("opt").err().contains("unknown option \"--frobnicate\""), "unknown option");
    run.check(run.get("tmo").err().contains("--timeout \"x\": expected milliseconds"), "bad timeout");
    let m = run.get("missing");
    run.check(m.rc == 1 && m.err().contains("nosuch.toml") && m.out.is_empty(), "unreadable file");
}

/// 1000 ICMP expectations at once, some unreachable among them (they all
/// wait for the one timeout), all judged right.
#[test]
fn a_thousand_icmp_expectations_at_once_are_all_judged() {
    require_root!();
    let mut expects = String::new();
    let pairs = [("h1", "h2", true), ("h2", "h1", true), ("h1", "fd02::10", true), ("r1", "h2", true)];
    for i in 0..990 {
        let (from, to, reach) = pairs[i % pairs.len()];
        expects += &format!("[[expect]]\nfrom = \"{from}\"\nto = \"{to}\"\nreach = {reach}\n");
    }
    for _ in 0..10 {
        expects += "[[expect]]\nfrom = \"h1\"\nto = \"10.0.2.77\"\nreach = false\n";
    }
    let body = format!(
        "{SETUP}{}s=$(date +%s%N)\nr big $NETNS test big.toml\ne=$(date +%s%N)\nv ms $(( (e - s) / 1000000 ))\n",
        lab_file("big.toml", &expects)
    );
    let run = script(&body).run();
    let r = run.get("big");
    run.check(r.rc == 0, "all 1000 pass");
    run.check(r.out().ends_with("\n1000 passed, 0 failed\n"), "summary");
    // The 2 s target is measured by bench/labs.sh (a timed test would be
    // at the mercy of the machine's load); here the 1000 must all hold.
    let ms: u64 = run.get("ms").out().parse().unwrap();
    eprintln!("1000 expectations took {ms} ms");
}

/// The shipped examples this kernel can build: once up, every expectation
/// in them holds (vlans and wan need 8021q and netem, absent here).
#[test]
fn shipped_examples_pass_once_up() {
    require_root!();
    let examples = [("pair", 2), ("lan4", 2), ("chain3", 1), ("neutron", 3), ("tenants", 8)];
    let mut body = crate::support::examples_prelude();
    for (name, _) in examples {
        body += &format!(
            "must cp $EX/{name}.toml .\nmust $NETNS up {name}.toml >/dev/null\nr {name} $NETNS test {name}.toml\n\
             must $NETNS down {name}.toml >/dev/null\n"
        );
    }
    let run = script(&body).timeout(std::time::Duration::from_secs(60)).run();
    for (name, n) in examples {
        let r = run.get(name);
        run.check(r.rc == 0, format!("{name}: every expectation passes"));
        run.check(r.out().ends_with(&format!("\n{n} passed, 0 failed\n")), format!("{name}: summary"));
    }
}

/// A chain of `n` routers built by `netns up`, /30 links, static routes:
/// each router sends `default` back towards r1, and the last link's /30
/// and 10.250.0.0/16 on towards r`n`, which sends 10.250.0.0/16 back
/// (`default`): that destination loops between the last two routers.
fn long_chain(n: usize, expects: &str) -> String {
    let p30 = |k: usize| {
        let base = u32::from(std::net::Ipv4Addr::new(10, 0, 0, 0)) + 4 * k as u32;
        (std::net::Ipv4Addr::from(base + 1), std::net::Ipv4Addr::from(base + 2))
    };
    let mut lab = String::from("schema = 1\nname = \"long\"\n");
    for i in 1..=n {
        let mut routes = Vec::new();
        if i > 1 {
            routes.push(format!("{{ to = \"default\", via = \"{}\" }}", p30(i - 2).0));
        }
        if i < n {
            routes.push(format!("{{ to = \"10.250.0.0/16\", via = \"{}\" }}", p30(i - 1).1));
        }
        if i < n - 1 {
            let (far, _) = p30(n - 2);
            let far = std::net::Ipv4Addr::from(u32::from(far) - 1);
            routes.push(format!("{{ to = \"{far}/30\", via = \"{}\" }}", p30(i - 1).1));
        }
        lab += &format!("[nodes.r{i}]\nkind = \"router\"\nroutes = [{}]\n", routes.join(", "));
    }
    for k in 0..n - 1 {
        let (a, b) = p30(k);
        lab += &format!(
            "[[links]]\nendpoints = [\"r{}:e1\", \"r{}:e0\"]\naddr = [[\"{a}/30\"], [\"{b}/30\"]]\n",
            k + 1,
            k + 2
        );
    }
    lab + expects
}

/// Probes go out with hop limit 255: a path longer than 64 hops passes
/// when the far end answers with a hop limit that reaches back (the lab
/// raises `net.ipv4.ip_default_ttl`; `--wait`: 70 routers' veths may
/// still be coming up after `up`). A node left at the kernel's 64 is
/// silent from that far, and the failure says why. A hop limit that runs
/// out says what was seen; only 255 running out suggests a routing loop.
#[test]
fn long_paths_pass_and_an_exhausted_ttl_says_what_was_seen() {
    require_root!();
    // r69's e1 (on the last link's /30, which every router routes on).
    let expects = "[[expect]]\nfrom = \"r1\"\nto = \"r70\"\n\
                   [[expect]]\nfrom = \"r1\"\nto = \"r70\"\nttl = 64\n\
                   [[expect]]\nfrom = \"r1\"\nto = \"10.250.0.1\"\n\
                   [[expect]]\nfrom = \"r1\"\nto = \"10.0.1.17\"\n";
    let lab = long_chain(70, expects)
        .replacen(
            "name = \"long\"\n",
            "name = \"long\"\n[defaults]\nsysctl = { \"net.ipv4.ip_default_ttl\" = 255 }\n",
            1,
        )
        .replacen("[nodes.r69]\n", "[nodes.r69]\nsysctl = { \"net.ipv4.ip_default_ttl\" = 64 }\n", 1);
    let body = format!(
        "cat > long.toml <<'T'\n{lab}T\nmust $NETNS up long.toml >/dev/null\nr long $NETNS test long.toml --wait 5s\n\
         must $NETNS down long.toml >/dev/null\n"
    );
    let run = script(&body).timeout(std::time::Duration::from_secs(60)).run();
    let r = run.get("long");
    let out = r.out();
    let lines: Vec<&str> = out.lines().collect();
    run.check(r.rc == 1, "three failures: status 1");
    run.check(lines.first().is_some_and(|l| l.starts_with("PASS  r1 → r70 (10.0.")), "69 hops pass at TTL 255");
    // r65 answers the 64th hop from 10.0.0.254, its e0 (towards r1).
    run.check(
        lines.get(1).is_some_and(|l| {
            l.starts_with("FAIL  r1 → r70 (10.0.")
                && l.ends_with("icmp expected reach, got time exceeded from 10.0.0.254 after 64 hops (the path is longer than `ttl` = 64)")
        }),
        "TTL 64: what was seen, no loop guessed",
    );
    run.check(
        lines.get(2).is_some_and(|l| l.contains("after 255 hops") && l.contains("a routing loop?")),
        "TTL 255 exhausted: a loop suggested",
    );
    run.check(
        lines.get(3).is_some_and(|l| {
            l.starts_with("FAIL  r1 → 10.0.1.17")
                && l.contains("expected reach, got timeout (the path crosses at least 67 routers, and r69 answers with hop limit 64")
                && l.contains("set net.ipv4.ip_default_ttl = 255")
        }),
        "a far node at the kernel's default: the answer's hop limit is named",
    );
}

/// `--wait`: an expectation that fails at first is probed again until it
/// passes, and its convergence time is reported (text and `-j`); one that
/// never passes fails at the deadline. `--junit` writes XML a parser
/// accepts, one testcase per expectation.
#[test]
fn wait_retries_until_converged_and_junit_lists_every_expectation() {
    require_root!();
    let expects = "[[expect]]\nfrom = \"h1\"\nto = \"h2\"\n\
                   [[expect]]\nfrom = \"h1\"\nto = \"r1\"\n";
    let never = "[[expect]]\nfrom = \"h1\"\nto = \"10.0.2.99\"\n";
    let body = format!(
        "{SETUP}{}{}\
         must $IP netns exec t1-r1 sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'\n\
         ( sleep 1; $IP netns exec t1-r1 sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward' ) &\n\
         r waited $NETNS test wait.toml --wait 20s --junit wait.xml\n\
         r xml python3 -c 'import sys, xml.etree.ElementTree as E; s = E.parse(\"wait.xml\").getroot().find(\"testsuite\"); \
         print(s.get(\"tests\"), s.get(\"failures\"), len(s.findall(\"testcase\")), len(s.findall(\"testcase/failure\")))'\n\
         must $IP netns exec t1-r1 sh -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'\n\
         ( sleep 1; $IP netns exec t1-r1 sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward' ) &\n\
         r json $NETNS test wait.toml -j --wait 20s\n\
         s=$(date +%s%N)\nr never $NETNS test never.toml --wait 1s --timeout 200 --junit never.xml\ne=$(date +%s%N)\n\
         v ms $(( (e - s) / 1000000 ))\n\
         r xml2 python3 -c 'import xml.etree.ElementTree as E; c = E.parse(\"never.xml\").getroot().find(\"testsuite/testcase\"); \
         print(c.get(\"name\"), \"|\", c.find(\"failure\").get(\"message\"))'\n",
        lab_file("wait.toml", expects),
        lab_file("never.toml", never),
    );
    let run = script(&body).timeout(std::time::Duration::from_secs(60)).run();
    let w = run.get("waited");
    let out = w.out();
    run.check(w.rc == 0, "converged: status 0");
    let first = out.lines().next().unwrap_or("");
    run.check(first.starts_with("PASS  h1 → h2 (10.0.2.10) icmp reach  rtt "), "h1 → h2 passes");
    let after: Option<f64> =
        first.split("passed after ").nth(1).and_then(|s| s.strip_suffix(" s")).and_then(|s| s.parse().ok());
    run.check(after.is_some_and(|s| (0.9..15.0).contains(&s)), format!("convergence time reported: {first}"));
    run.check(out.lines().nth(1).is_some_and(|l| !l.contains("passed after")), "h1 → r1 held at once");
    run.check(run.get("xml").out() == "2 0 2 0\n", "JUnit: 2 testcases, no failure");
    let j: serde_json::Value = serde_json::from_str(run.get("json").out().trim()).unwrap_or_default();
    run.check(
        j[0]["took_s"].as_f64().is_some_and(|s| s >= 0.9) && j[0]["rounds"].as_u64() > Some(1),
        "-j took_s, rounds",
    );
    run.check(j[1]["rounds"].as_u64() == Some(1), "-j: held at the first round");
    let n = run.get("never");
    run.check(n.rc == 1, "never: status 1 at the deadline");
    run.check(n.out().starts_with("FAIL  h1 → 10.0.2.99 icmp expected reach, got timeout"), "never: why");
    let ms: u64 = run.get("ms").out().parse().unwrap_or(0);
    run.check(ms >= 1000, format!("never: waited the whole second ({ms} ms)"));
    run.check(
        run.get("xml2").out() == "h1 → 10.0.2.99 icmp | expected reach, got timeout\n",
        "JUnit: the failure names the expectation and the verdict",
    );
}
