//! `netns graph`: what a user sees when drawing a lab file, in every format,
//! and the `--live` overlay against namespaces built by hand with `ip`.
//! Every test runs in private mount+net+pid namespaces (`support/sandbox.rs`).

use crate::support::script;
use serde_json::Value;

/// Parses an SVG file with python3's XML parser; prints the root tag and
/// the number of router nodes drawn.
const XML_CHECK: &str = r#"
cat > svgcheck.py <<'P'
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
print(r.tag)
print(len(r.findall(".//{http://www.w3.org/2000/svg}g[@class='router']")))
P
"#;

#[test]
fn every_format_draws_the_chain_without_privileges() {
    require_root!();
    let body = format!(
        "{XML_CHECK}
chmod 755 $H/w
r ascii $NOBODY $NETNS graph chain-of-three-routers.toml
r dot $NOBODY $NETNS graph chain-of-three-routers.toml --format dot
r mermaid $NOBODY $NETNS graph chain-of-three-routers.toml --format=mermaid
r json $NOBODY $NETNS graph chain-of-three-routers.toml --format json
r svg $NOBODY $NETNS graph chain-of-three-routers.toml --format svg
$NETNS graph chain-of-three-routers.toml --format svg > chain3.svg
r xml python3 svgcheck.py chain3.svg
r svg2 $NETNS graph chain-of-three-routers.toml --format svg
r j $NETNS -j graph chain-of-three-routers.toml
"
    );
    let run = script(&body).fixture("chain-of-three-routers.toml").run();
    for l in ["ascii", "dot", "mermaid", "json", "svg", "xml"] {
        run.expect_rc(l, 0);
    }
    let ascii = run.get("ascii").out();
    assert!(ascii.starts_with("lab chain3: 5 nodes, 4 links\n"), "{ascii}");
    assert!(
        ascii.contains(
            "\nr1  router  ns chain3-r1\n  eth0  10.0.1.1/24   ──> h1:eth0\n  eth1  10.0.12.1/30  ──> r2:eth0\n"
        ),
        "{ascii}"
    );
    assert!(ascii.contains("\nh2  host  ns chain3-h2\n  eth0  10.0.3.10/24  ──> r3:eth1\n"), "{ascii}");

    let dot = run.get("dot").out();
    assert!(dot.starts_with("graph \"chain3\" {\n  label=\"lab chain3\";\n"), "{dot}");
    assert!(dot.contains("\"r2\" [shape=ellipse, label=\"r2\\nchain3-r2\"];"), "{dot}");
    assert!(dot.contains("\"h1\" [shape=box, style=rounded, label=\"h1\\nchain3-h1\"];"), "{dot}");
    assert!(
        dot.contains("\"r1\" -- \"r2\" [taillabel=\"eth1\\n10.0.12.1/30\", headlabel=\"eth0\\n10.0.12.2/30\"];"),
        "{dot}"
    );
    assert!(dot.trim_end().ends_with('}'), "{dot}");

    let mm = run.get("mermaid").out();
    assert!(mm.contains("\ngraph LR\n"), "{mm}");
    assert!(mm.contains("((\"r1<br/>chain3-r1\"))"), "{mm}");
    assert!(mm.contains("---|\"eth1 10.0.12.1/30<br/>↔<br/>eth0 10.0.12.2/30\"|"), "{mm}");

    let v: Value = serde_json::from_str(&run.get("json").out()).expect("graph --format json prints JSON");
    assert_eq!(v["lab"], "chain3");
    assert_eq!(v["nodes"].as_array().unwrap().len(), 5);
    assert_eq!(v["edges"].as_array().unwrap().len(), 4);
    let e = &v["edges"][2]["ends"];
    assert_eq!((e[0]["node"].as_str(), e[0]["addrs"][0].as_str()), (Some("r2"), Some("10.0.23.1/30")));
    assert_eq!((e[1]["node"].as_str(), e[1]["ifname"].as_str()), (Some("r3"), Some("eth0")));
    run.expect_same("json", "j");

    assert_eq!(run.get("xml").out(), "{http://www.w3.org/2000/svg}svg\n3\n", "svg parses, 3 routers drawn");
    let svg = run.get("svg").out();
    assert!(svg.contains("<title>lab chain3</title>"), "{svg}");
    assert!(svg.contains(">10.0.23.2/30</tspan>"), "{svg}");
    run.expect_same("svg", "svg2");
}

#[test]
fn switch_ports_and_assigned_addresses_are_drawn() {
    require_root!();
    let run = script(&format!(
        "{XML_CHECK}
r ascii $NETNS graph switch-of-four-hosts.toml --format ascii
r dot $NETNS graph -f switch-of-four-hosts.toml --format dot
r svg $NETNS graph switch-of-four-hosts.toml --format svg -o lan4.svg
r xml python3 svgcheck.py lan4.svg"
    ))
    .fixture("switch-of-four-hosts.toml")
    .run();
    run.expect_rc("ascii", 0);
    let ascii = run.get("ascii").out();
    assert!(
        ascii.contains("\nsw1  switch  ns lan4-sw1\n  br0      -  (bridge)\n  h1-eth0  -  ──> h1:eth0\n"),
        "{ascii}"
    );
    assert!(ascii.contains("\nh3  host  ns lan4-h3\n  eth0  10.1.0.3/24  ──> sw1:h3-eth0\n"), "{ascii}");
    let dot = run.get("dot").out();
    assert!(dot.contains("\"sw1\" [shape=rectangle"), "{dot}");
    assert_eq!(dot.matches(" -- \"sw1\"").count(), 4, "{dot}");
    run.expect("svg", 0, "", "");
    assert_eq!(run.get("xml").out(), "{http://www.w3.org/2000/svg}svg\n0\n");
}

#[test]
fn wrong_format_and_bad_files_are_reported() {
    require_root!();
    let run = script(
        "
r fmt $NETNS graph dual-stack-pair.toml --format png
r nofile $NETNS graph missing.toml
r noarg $NETNS graph
cat > bad.toml <<'T'
schema = 1
name = \"bad\"
[nodes.h1]
[[links]]
endpoints = [\"h1:eth0\", \"r9:eth0\"]
T
r bad $NETNS graph bad.toml --format dot
r out $NETNS graph dual-stack-pair.toml -o /nonexistent/dir/x.txt",
    )
    .fixture("dual-stack-pair.toml")
    .run();
    let fmt = run.get("fmt");
    assert_eq!(fmt.rc, 255);
    assert!(fmt.out.is_empty());
    assert!(
        fmt.err().contains("unknown format \"png\"") && fmt.err().contains("Usage: netns graph FILE"),
        "{}",
        fmt.err()
    );
    let nofile = run.get("nofile");
    assert_eq!(nofile.rc, 1);
    assert!(nofile.err().starts_with("missing.toml: error: cannot read the lab file"), "{}", nofile.err());
    assert_eq!(run.get("noarg").rc, 255);
    let bad = run.get("bad");
    assert_eq!(bad.rc, 1, "{}", bad.err());
    assert!(bad.out.is_empty());
    assert!(bad.err().starts_with("bad.toml:") && bad.err().contains("r9"), "{}", bad.err());
    let out = run.get("out");
    assert_eq!(out.rc, 1);
    assert!(out.err().contains("cannot write \"/nonexistent/dir/x.txt\""), "{}", out.err());
}

#[test]
fn live_overlay_marks_missing_namespaces_down_interfaces_and_other_addresses() {
    require_root!();
    let run = script(
        "
# Step 1: only h1 exists, its eth0 as in the file (the veth's other end stays in h1).
must $IP netns add pair-h1
must $IP -n pair-h1 link set lo alias netns-lab:pair:h1
must $IP -n pair-h1 link add eth0 type veth peer name spare
must $IP -n pair-h1 addr add 10.0.0.1/24 dev eth0
must $IP -n pair-h1 addr add fd00::1/64 dev eth0 nodad
must $IP -n pair-h1 link set spare up
must $IP -n pair-h1 link set eth0 up
wait_for sh -c \"$IP -n pair-h1 link show eth0 | grep -q 'state UP'\"
r a1 $NETNS graph dual-stack-pair.toml --live
r d1 $NETNS graph dual-stack-pair.toml --live --format dot
r j1 $NETNS graph dual-stack-pair.toml --live --format json
r s1 $NETNS graph dual-stack-pair.toml --live --format svg
r m1 $NETNS graph dual-stack-pair.toml --live --format mermaid
# Step 2: h2 exists, linked to h1, but its eth0 is down with another address.
must $IP -n pair-h1 link del eth0
must $IP netns add pair-h2
must $IP -n pair-h2 link set lo alias netns-lab:other:h2
must $IP -n pair-h1 link add eth0 type veth peer name eth0 netns pair-h2
must $IP -n pair-h1 addr add 10.0.0.1/24 dev eth0
must $IP -n pair-h1 addr add fd00::1/64 dev eth0 nodad
must $IP -n pair-h2 addr add 10.0.0.9/24 dev eth0
must $IP -n pair-h2 addr add fd00::2/64 dev eth0 nodad
must $IP -n pair-h1 link set eth0 up
wait_for sh -c \"$IP -n pair-h1 link show eth0 | grep -q 'state DOWN'\"
r a2 $NETNS graph dual-stack-pair.toml --live
r d2 $NETNS graph dual-stack-pair.toml --live --format dot
# Step 3: everything as in the file.
must $IP -n pair-h2 link set lo alias netns-lab:pair:h2
must $IP -n pair-h2 addr del 10.0.0.9/24 dev eth0
must $IP -n pair-h2 addr add 10.0.0.2/24 dev eth0
must $IP -n pair-h2 link set eth0 up
wait_for sh -c \"$IP -n pair-h1 link show eth0 | grep -q 'state UP'\"
r a3 $NETNS graph dual-stack-pair.toml --live
r plain $NETNS graph dual-stack-pair.toml",
    )
    .fixture("dual-stack-pair.toml")
    .run();
    for l in ["a1", "d1", "j1", "s1", "m1", "a2", "d2", "a3", "plain"] {
        run.expect_rc(l, 0);
    }
    let a1 = run.get("a1").out();
    assert!(a1.starts_with("lab pair: 2 nodes, 1 link (live)\n1 node differs from the file"), "{a1}");
    assert!(a1.contains("\nh1  host  ns pair-h1\n  eth0  10.0.0.1/24 fd00::1/64  ──> h2:eth0\n"), "{a1}");
    assert!(a1.contains("\nh2  host  ns pair-h2  [missing]\n"), "{a1}");
    let d1 = run.get("d1").out();
    assert!(d1.contains("label=\"h2\\npair-h2\\n[missing]\", color=red"), "{d1}");
    assert!(d1.contains("style=dashed, color=red];"), "{d1}");
    let j1: Value = serde_json::from_str(&run.get("j1").out()).unwrap();
    assert_eq!(j1["nodes"][0]["namespace_exists"], true);
    assert_eq!(j1["nodes"][1]["namespace_exists"], false);
    assert_eq!(j1["nodes"][0]["interfaces"][0]["oper"], "up");
    assert_eq!(j1["nodes"][0]["interfaces"][0]["drift"].as_array().unwrap().len(), 0, "{j1}");
    assert!(run.get("s1").out().contains("class=\"node host missing\""));
    assert!(run.get("m1").out().contains("  class n1 missing\n"));

    let a2 = run.get("a2").out();
    assert!(
        a2.contains("\nh2  host  ns pair-h2  [not this lab's: marked netns-lab:other:h2]\n  eth0  10.0.0.2/24 fd00::2/64  ──> h1:eth0  [down] [-10.0.0.2/24] [+10.0.0.9/24]  (live: "),
        "{a2}"
    );
    // h1's end is up but has no carrier: its peer is down.
    assert!(a2.contains("  eth0  10.0.0.1/24 fd00::1/64  ──> h2:eth0  [down: no carrier]\n"), "{a2}");
    assert!(run.get("d2").out().contains("[down] [-10.0.0.2/24] [+10.0.0.9/24]"));

    let a3 = run.get("a3").out();
    assert!(a3.starts_with("lab pair: 2 nodes, 1 link (live)\nlive state matches the file\n"), "{a3}");
    assert!(!a3.contains('['), "{a3}");
    assert!(!run.get("plain").out().contains("live"));
}

#[test]
fn vlan_ports_and_vlan_interfaces_are_labelled() {
    require_root!();
    // examples/vlans.toml with two of its hosts kept.
    let run = script(
        r#"
r ascii $NETNS graph vlan-switch.toml
r dot $NETNS graph vlan-switch.toml --format dot
"#,
    )
    .fixture("vlan-switch.toml")
    .run();
    run.expect_rc("ascii", 0);
    let ascii = run.get("ascii").out();
    assert!(ascii.contains("  h1-eth0  -  ──> h1:eth0  vlan 10\n"), "{ascii}");
    assert!(ascii.contains("  r1-eth0  -  ──> r1:eth0  vlans 10,20\n"), "{ascii}");
    assert!(
        ascii.contains("\nh1  host  ns vlans-h1\n  eth0  10.10.0.11/24  ──> sw1:h1-eth0\n  default via 10.10.0.1\n"),
        "{ascii}"
    );
    assert!(ascii.contains("  eth0.20  10.20.0.1/24  (vlan 20 on eth0)\n"), "{ascii}");
    let dot = run.get("dot").out();
    assert!(dot.contains("headlabel=\"r1-eth0\\nvlans 10,20\""), "{dot}");
}

#[test]
fn a_lab_of_128_nodes_stays_readable() {
    require_root!();
    let run = script(&format!(
        "{XML_CHECK}
r ascii $NETNS graph four-switches-of-thirty-hosts.toml
r svg $NETNS graph four-switches-of-thirty-hosts.toml --format svg -o big.svg
r xml python3 svgcheck.py big.svg
r dot $NETNS graph four-switches-of-thirty-hosts.toml --format dot"
    ))
    .fixture("four-switches-of-thirty-hosts.toml")
    .run();
    run.expect_rc("ascii", 0);
    let ascii = run.get("ascii").out();
    assert!(ascii.starts_with("lab big: 128 nodes, 127 links\n"), "{}", &ascii[..200.min(ascii.len())]);
    // One line per interface, nothing wider than a terminal.
    assert!(ascii.lines().all(|l| l.chars().count() <= 80), "{ascii}");
    assert!(ascii.contains("\nr2  router  ns big-r2\n"), "{ascii}");
    assert!(ascii.contains("──> r3:down"), "{ascii}");
    assert!(ascii.contains("\nd30  host  ns big-d30\n  eth0  -  ──> sw4:d30-eth0\n"), "{ascii}");
    run.expect("svg", 0, "", "");
    assert_eq!(run.get("xml").out(), "{http://www.w3.org/2000/svg}svg\n4\n");
    assert_eq!(run.get("dot").out().matches(" -- ").count(), 127);
}

#[test]
fn live_overlay_of_a_lab_brought_up_matches_then_shows_what_was_broken() {
    require_root!();
    let run = script(
        "
must $NETNS up switch-of-four-hosts.toml
# Operational states settle through the kernel's linkwatch work, after `up`.
for n in h1 h2 h3 h4; do wait_for sh -c \"$IP -n lan4-$n link show eth0 | grep -q 'state UP'\"; done
r a1 $NETNS graph switch-of-four-hosts.toml --live
must $IP -n lan4-h2 link set eth0 down
must $IP -n lan4-h3 addr add 10.1.0.99/24 dev eth0
must $IP netns del lan4-h4
wait_for sh -c \"$IP -n lan4-sw1 link show h2-eth0 | grep -q 'state DOWN'\"
r a2 $NETNS graph switch-of-four-hosts.toml --live
r m2 $NETNS graph switch-of-four-hosts.toml --live --format mermaid
$NETNS down switch-of-four-hosts.toml >/dev/null 2>&1",
    )
    .fixture("switch-of-four-hosts.toml")
    .run();
    run.expect_rc("a1", 0);
    let a1 = run.get("a1").out();
    assert!(a1.starts_with("lab lan4: 5 nodes, 4 links (live)\nlive state matches the file\n"), "{a1}");
    run.expect_rc("a2", 0);
    let a2 = run.get("a2").out();
    // sw1 too: its port towards h2 has lost its carrier.
    assert!(a2.contains("\n4 nodes differ from the file"), "{a2}");
    assert!(a2.contains("  h2-eth0  -  ──> h2:eth0  [down: no carrier]\n"), "{a2}");
    assert!(a2.contains("\nh2  host  ns lan4-h2\n  eth0  10.1.0.2/24  ──> sw1:h2-eth0  [down]\n"), "{a2}");
    assert!(
        a2.contains("  eth0  10.1.0.3/24  ──> sw1:h3-eth0  [+10.1.0.99/24]  (live: 10.1.0.3/24 10.1.0.99/24)\n"),
        "{a2}"
    );
    assert!(a2.contains("\nh4  host  ns lan4-h4  [missing]\n"), "{a2}");
    let m2 = run.get("m2").out();
    assert!(m2.contains("  class n4 missing\n"), "{m2}");
    assert!(m2.contains("  linkStyle 1,3 stroke:#cc0000"), "{m2}");
}
