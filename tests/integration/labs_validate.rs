//! `netns validate FILE`: what a user sees checking lab files. Validation
//! needs no privilege, so every run here is as uid 65534 without
//! capabilities (`$NOBODY`), in a world-readable scratch directory.

use crate::support::script;

/// The examples shipped in examples/, each with the summary it must print.
const EXAMPLES: &[(&str, &str)] = &[
    ("pair", "lab \"pair\" is valid: 2 nodes, 1 link, 2 expectations"),
    ("lan4", "lab \"lan4\" is valid: 5 nodes, 4 links, 2 expectations"),
    ("chain3", "lab \"chain3\" is valid: 5 nodes, 4 links, 1 expectation"),
    ("neutron", "lab \"neutron\" is valid: 11 nodes, 10 links, 3 expectations"),
    ("vlans", "lab \"vlans\" is valid: 7 nodes, 6 links, 2 expectations"),
    ("wan", "lab \"wan\" is valid: 4 nodes, 3 links, 1 expectation"),
    ("tenants", "lab \"tenants\" is valid: 11 nodes, 10 links, 8 expectations"),
    ("ospf-ring", "lab \"ospf-ring\" is valid: 6 nodes, 6 links, 3 expectations"),
];

/// Prelude: a directory uid 65534 can read, as the working directory.
const SETUP: &str = "must mkdir -m 755 $H/l\ncd $H/l\n";

/// Run `validate` as nobody on a file written from `toml`; returns (rc, stdout, stderr).
fn validate(toml: &str) -> (i32, String, String) {
    let run = script(&format!(
        "{SETUP}cat > lab.toml <<'T'\n{toml}T\nchmod 644 lab.toml\nr v $NOBODY $NETNS validate lab.toml\n"
    ))
    .run();
    let r = run.get("v");
    (r.rc, String::from_utf8_lossy(&r.out).into_owned(), String::from_utf8_lossy(&r.err).into_owned())
}

/// stderr without the "kernel features were not checked" note that an
/// unprivileged run may print.
fn errors(err: &str) -> Vec<&str> {
    err.lines().filter(|l| !l.contains(": note: ")).collect()
}

#[test]
fn examples_are_valid_without_privilege_and_change_nothing() {
    require_root!();
    let mut body = String::from(SETUP);
    body += &crate::support::examples_prelude();
    for (name, _) in EXAMPLES {
        body += &format!("must cp $EX/{name}.toml . && chmod 644 {name}.toml\n");
        body += &format!("r {name} $NOBODY $NETNS validate {name}.toml\n");
    }
    // Nothing was made: no namespace directory, no lab state.
    body += "r run_netns ls /run/netns\nr run_lab ls /run/netns-lab\n";
    let run = script(&body).run();
    for (name, summary) in EXAMPLES {
        let r = run.get(name);
        run.check(r.rc == 0, format!("{name}.toml must be valid"));
        run.check(r.out == format!("{name}.toml: {summary}\n").as_bytes(), format!("summary of {name}.toml"));
        run.check(errors(&String::from_utf8_lossy(&r.err)).is_empty(), format!("{name}.toml: no errors"));
    }
    run.check(run.get("run_netns").rc != 0 && run.get("run_lab").rc != 0, "validate created nothing under /run");
}

#[test]
fn six_mistakes_make_six_messages_in_file_order() {
    require_root!();
    let (rc, out, err) = validate(
        r#"schema = 1
name = "Lab_1"

[nodes.h1]
gatway = "10.0.0.1"
[nodes.h2]
kind = "hots"
mtu = "big"

[[links]]
endpoints = ["h1:eth0", "r9:eth0"]
[[links]]
endpoints = ["h1:eth1", "h2"]
netem = { delay = "20 parsecs" }
"#,
    );
    assert_eq!(rc, 1, "{err}");
    assert_eq!(out, "");
    assert_eq!(
        errors(&err),
        [
            "lab.toml:2:8: error: lab name \"Lab_1\" must be 1 to 12 of a-z, 0-9 and -",
            "lab.toml:5:1: error: unknown key `gatway` in node h1; did you mean `gateway`?",
            "lab.toml:7:8: error: `kind` of node h2 must be host, router or switch (found \"hots\")",
            "lab.toml:8:7: error: `mtu` of node h2 must be an integer from 68 to 65535 (found a string)",
            "lab.toml:11:25: error: link 1 endpoint \"r9:eth0\" names node r9, which is not defined",
            "lab.toml:14:19: error: `delay` of `netem` of link 2: \"20 parsecs\" is not a duration (write it like \"20ms\", \"5s\" or \"100us\")",
        ]
    );
}

#[test]
fn semantic_mistakes_are_all_reported() {
    require_root!();
    let (rc, out, err) = validate(
        r#"schema = 1
name = "sem"
[nodes.sw]
kind = "switch"
[nodes.a]
gateway = "10.9.0.1"
routes = [ { to = "10.0.1.5/24", via = "10.0.0.9" },
           { to = "10.0.2.0/24", via = "10.7.0.1" } ]
[nodes.b]
addr = { eth0 = ["10.0.0.1/24"] }
[nodes.c]
[nodes.d]
[[nodes.d.run]]
name = "web"
cmd = ["true"]
[[nodes.d.run]]
name = "web"
cmd = ["false"]
[[links]]
endpoints = ["a:eth0", "sw"]
addr = [["10.0.0.1/24"], ["10.0.0.7/24"]]
[[links]]
endpoints = ["b:eth0", "sw"]
[[links]]
endpoints = ["c:eth0", "c:eth1"]
[[links]]
endpoints = ["d:averyveryverylongname", "sw"]
[[links]]
endpoints = ["d:eth1", "d:eth1"]
"#,
    );
    assert_eq!(rc, 1, "{err}");
    assert_eq!(out, "");
    assert_eq!(
        errors(&err),
        [
            "lab.toml:5:8: error: gateway 10.9.0.1 of node a is not on a subnet of any of its interfaces",
            "lab.toml:7:19: error: route to 10.0.1.5/24 of node a has host bits set; did you mean 10.0.1.0/24?",
            "lab.toml:8:19: error: route to 10.0.2.0/24 of node a: via 10.7.0.1 is not on a subnet of any of its interfaces (add onlink = true if it is meant)",
            "lab.toml:16:1: error: run name web is used twice in node d",
            "lab.toml:20:24: error: switch sw port a-eth0 cannot have addresses (a port is part of br0; address the bridge with addr = { br0 = [...] })",
            "lab.toml:23:14: error: address 10.0.0.1 of b:eth0 is also on a:eth0, in the same L2 segment (switch sw)",
            "lab.toml:24:1: error: link 3 connects node c to itself",
            "lab.toml:27:14: error: interface name \"averyveryverylongname\" of node d is longer than 15 bytes",
            "lab.toml:28:1: error: link 5 connects node d to itself",
            "lab.toml:29:24: error: interface eth1 of node d is defined more than once",
        ]
    );
}

#[test]
fn references_vlans_and_for_mistakes() {
    require_root!();
    let (rc, _, err) = validate(
        r#"schema = 1
name = "refs"
[nodes.sw]
kind = "switch"
[nodes."h{i}"]
for = { i = "1..2" }
addr = { eht0 = ["10.0.0.{i}/24"] }
[nodes.r]
[nodes.r.interfaces."eth0.5000"]
type = "vlan"
parent = "eth0"
vid = 5000
[nodes.r.interfaces.eth9]
mtu = 1400
[[links]]
for = { i = "1..2" }
endpoints = ["h{i}:eth0", "sw"]
vlan = 10
[[links]]
endpoints = ["r:eth0", "sw"]
[[expect]]
from = "h1"
to = "h3"
path = ["r", "r2"]
proto = "tcp"
"#,
    );
    assert_eq!(rc, 1, "{err}");
    assert_eq!(
        errors(&err),
        [
            "lab.toml:7:10: error: `addr` of node h1 names interface eht0, which no link or interface entry creates; did you mean eth0?",
            "lab.toml:7:10: error: `addr` of node h2 names interface eht0, which no link or interface entry creates; did you mean eth0?",
            "lab.toml:9:21: error: vid 5000 of interface eth0.5000 of node r is not in 1..4094",
            "lab.toml:13:21: error: interface eth9 of node r is configured, but no link creates it (add `type` to create a vlan, dummy or bridge)",
            "lab.toml:18:1: error: `vlan` of link 1 needs vlan_filtering = true on switch sw",
            "lab.toml:18:1: error: `vlan` of link 2 needs vlan_filtering = true on switch sw",
            "lab.toml:23:6: error: `to` of expect 1 names node h3, which is not defined; did you mean h1?",
            "lab.toml:24:14: error: `path` of expect 1 names node r2, which is not defined; did you mean h2?",
            "lab.toml:25:9: error: `proto` of expect 1 must be icmp, tcp:PORT or udp:PORT (found \"tcp\")",
        ]
    );
}

#[test]
fn syntax_errors_point_at_the_place() {
    require_root!();
    let (rc, out, err) = validate("schema = 1\nname = \"x\"\n[nodes.a\n");
    assert_eq!((rc, out.as_str()), (1, ""));
    assert_eq!(errors(&err), ["lab.toml:3:9: error: unclosed table, expected `]`"]);
}

#[test]
fn usage_and_unreadable_files() {
    require_root!();
    let run = script(&format!(
        "{SETUP}r none $NOBODY $NETNS validate\nr help $NOBODY $NETNS validate --help\n\
         r two $NOBODY $NETNS validate a.toml b.toml\nr missing $NOBODY $NETNS validate nope.toml\n"
    ))
    .run();
    let usage = "Usage: netns validate FILE\n\
                 Checks a lab file (schema, names, addresses, routes) without changing anything.\n";
    run.expect("none", 255, "", usage);
    run.expect("help", 255, "", usage);
    run.expect("two", 255, "", usage);
    run.expect(
        "missing",
        1,
        "",
        "nope.toml: error: cannot read the lab file: No such file or directory (os error 2)\n",
    );
}
