//! `netns find`: what an operator sees when asking which namespace holds
//! an address, a prefix, a MAC, an interface, a process or a listening
//! port. Every test runs
//! in private mount+net+pid namespaces (`support/sandbox.rs`), where the
//! test's own network namespace is the root one (`(root)`).

use crate::support::script;
use serde_json::Value;

/// Two named namespaces wired to the test's own one and to each other,
/// with addresses, a /16 and a default route in `blue`, a static neighbour
/// in `blue`, a process in `red` (its pid in `$P`), and an unnamed
/// namespace held by a process (`$U`) with one end of a veth and an
/// IPv6 address that no other namespace has a route to.
const LAB: &str = r#"
must $NETNS add red
must $NETNS add blue
must $IP link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02 netns red
must $IP link set v0 up
must $IP addr add 10.9.0.1/24 dev v0
must $IP -n red link set v1 up
must $IP -n red addr add 10.9.0.2/24 dev v1
must $IP -n red link add vr type veth peer name vb netns blue
must $IP -n red link set vr up
must $IP -n red addr add 10.10.0.1/24 dev vr
must $IP -n blue link set vb up
must $IP -n blue addr add 10.10.0.2/24 dev vb
must $IP -n blue route add 10.20.0.0/16 via 10.10.0.1
must $IP -n blue route add default via 10.10.0.1
must $IP -n blue neigh add 10.10.0.1 lladdr 02:00:00:00:00:99 dev vb nud permanent
bg_in $IP red
unshare --net sleep 100 </dev/null >/dev/null 2>&1 &
U=$!
unshared() { [ "$(readlink /proc/$U/ns/net)" != "$(readlink /proc/self/ns/net)" ]; }
wait_for unshared
must $IP link add u0 type veth peer name u1 netns $U
must nsenter --net=/proc/$U/ns/net $IP addr add fd30::2/64 dev u1 nodad
must nsenter --net=/proc/$U/ns/net $IP link set u1 up
v red_ino "$(stat -L -c %i /run/netns/red)"
v blue_ino "$(stat -L -c %i /run/netns/blue)"
v u_ino "$(stat -L -c %i /proc/$U/ns/net)"
v P "$P"
"#;

fn json_of(out: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(out).expect("find -j prints JSON").as_array().expect("an array").clone()
}

#[test]
fn an_address_is_found_on_its_interface_and_through_each_namespaces_route() {
    require_root!();
    let run = script(&format!(
        "{LAB}
r addr $NETNS find 10.10.0.1
r via $NETNS find 10.20.1.1
r default $NETNS find 10.99.0.1
r json $NETNS find 10.10.0.1 -j
r prefix $NETNS find 10.10.0.0/24
r wider $NETNS find 10.20.5.0/24
"
    ))
    .run();
    // The owner first, then the namespaces that route to it; the owner's
    // own `local` route is not repeated.
    run.expect(
        "addr",
        0,
        "red   vr            10.10.0.1/24 (address)\n\
         blue  10.10.0.0/24  dev vb (connected route)\n",
        "",
    );
    // The longest prefix wins over the default route.
    run.expect("via", 0, "blue  10.20.0.0/16  via 10.10.0.1 dev vb (route via a gateway)\n", "");
    // Reaching it only by a default route is said on one line, and is no
    // match: nothing has it or routes it specifically.
    run.expect("default", 1, "blue reaches 10.99.0.1 only by a default route (-j lists it)\n", "");
    let hits = json_of(&run.get("json").out());
    assert_eq!(hits.len(), 2, "{hits:?}");
    let red_ino: u64 = run.get("red_ino").out().parse().unwrap();
    let (a, r) = (&hits[0], &hits[1]);
    assert_eq!(
        (a["netns"].as_str(), a["match"].as_str(), a["ifname"].as_str(), a["local"].as_str(), a["prefixlen"].as_u64()),
        (Some("red"), Some("address"), Some("vr"), Some("10.10.0.1"), Some(24))
    );
    assert_eq!(
        (a["inode"].as_u64(), a["root"].as_bool(), a["query"].as_str()),
        (Some(red_ino), Some(false), Some("10.10.0.1"))
    );
    assert_eq!(
        (r["netns"].as_str(), r["match"].as_str(), r["reach"].as_str(), r["dst"].as_str(), r["dev"].as_str()),
        (Some("blue"), Some("route"), Some("connected"), Some("10.10.0.0/24"), Some("vb"))
    );
    // A prefix: the addresses inside it and the routes inside it or
    // containing it, but for default routes (blue's says nothing about it).
    let prefix = run.get("prefix").out();
    for line in [
        "blue  vb            10.10.0.2/24 (address)",
        "red   vr            10.10.0.1/24 (address)",
        "blue  10.10.0.0/24  dev vb (connected route)",
        "red   10.10.0.0/24  dev vr (connected route)",
    ] {
        run.check(prefix.lines().any(|l| l == line), format!("prefix lacks {line:?}:\n{prefix}"));
    }
    run.check(prefix.lines().count() == 4, format!("prefix hits:\n{prefix}"));
    // A route that contains the prefix.
    run.expect("wider", 0, "blue  10.20.0.0/16  via 10.10.0.1 dev vb (route via a gateway)\n", "");
}

#[test]
fn default_routes_are_counted_on_one_line_and_listed_by_json() {
    require_root!();
    let run = script(&format!(
        "{LAB}
for d in d1 d2 d3 d4; do
    must $NETNS add $d
    must $IP -n $d link set lo up
    must $IP -n $d route add default dev lo
done
r owned $NETNS find 10.10.0.1
r owned_j $NETNS -j find 10.10.0.1
r nobody $NETNS find 10.99.0.1
r nobody_j $NETNS -j find 10.99.0.1
r two $NETNS find 10.99.0.1 10.10.0.2
"
    ))
    .run();
    // The owner and the specific route first; the four namespaces that
    // reach it only by their default route on one line naming three.
    run.expect(
        "owned",
        0,
        "red   vr            10.10.0.1/24 (address)\n\
         blue  10.10.0.0/24  dev vb (connected route)\n\
         … and 4 namespaces (d1, d2, d3, …) reach 10.10.0.1 only by a default route (-j lists them)\n",
        "",
    );
    // -j keeps every hit.
    let hits = json_of(&run.get("owned_j").out());
    let defaults: Vec<&str> =
        hits.iter().filter(|h| h["reach"] == "default").map(|h| h["netns"].as_str().unwrap_or("")).collect();
    assert_eq!((hits.len(), defaults), (6, vec!["d1", "d2", "d3", "d4"]), "{hits:?}");
    // Default routes alone are no match (status 1), but still said and
    // listed.
    run.expect(
        "nobody",
        1,
        "5 namespaces (blue, d1, d2, …) reach 10.99.0.1 only by a default route (-j lists them)\n",
        "",
    );
    let run_j = run.get("nobody_j");
    let hits = json_of(&run_j.out());
    run.check(
        run_j.rc == 1 && hits.len() == 5 && hits.iter().all(|h| h["reach"] == "default" && h["dst"] == "default"),
        format!("{} {hits:?}", run_j.rc),
    );
    // One line per WHAT: an address found elsewhere makes the status 0.
    run.expect(
        "two",
        0,
        "blue  vb            10.10.0.2/24 (address)\n\
         red   10.10.0.0/24  dev vr (connected route)\n\
         5 namespaces (blue, d1, d2, …) reach 10.99.0.1 only by a default route (-j lists them)\n\
         … and 4 namespaces (d1, d2, d3, …) reach 10.10.0.2 only by a default route (-j lists them)\n",
        "",
    );
}

#[test]
fn macs_interfaces_and_globs() {
    require_root!();
    let run = script(&format!(
        "{LAB}
r mac $NETNS find 02:00:00:00:00:02
r neigh $NETNS find 02:00:00:00:00:99
r name $NETNS find vb
r glob $NETNS find 'v*'
r glob_end $NETNS find '*b'
r two $NETNS find vb 02:00:00:00:00:02 vb 02-00-00-00-00-02
r json $NETNS -j find 02:00:00:00:00:99 v1
printf 'find -j vb\nfind vb\n' >batch
r batch $NETNS -b batch
"
    ))
    .run();
    // In a batch file, `-j` after `find` is that line's only.
    let batch = run.get("batch").out();
    let lines: Vec<&str> = batch.lines().collect();
    run.check(
        batch.starts_with("[{") && lines.len() == 2 && lines[1].starts_with("blue  vb  "),
        format!("batch:\n{batch}"),
    );
    run.expect("mac", 0, "red  v1  02:00:00:00:00:02 veth state up (interface)\n", "");
    run.expect("neigh", 0, "blue  10.10.0.1  lladdr 02:00:00:00:00:99 dev vb PERMANENT (neighbour)\n", "");
    let name = run.get("name").out();
    run.check(name.starts_with("blue  vb  ") && name.ends_with(" veth state up (interface)\n"), format!("{name:?}"));
    let glob: Vec<(String, String)> = run
        .get("glob")
        .out()
        .lines()
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[0].to_string(), w[1].to_string())
        })
        .collect();
    let want: Vec<(String, String)> =
        [("blue", "vb"), ("red", "v1"), ("red", "vr"), ("(root)", "v0")].map(|(a, b)| (a.into(), b.into())).to_vec();
    run.check(glob == want, format!("glob v*: {glob:?}"));
    run.check(
        run.get("glob_end").out().lines().map(|l| l.split_whitespace().nth(1).unwrap_or("")).collect::<Vec<_>>()
            == ["vb"],
        "glob *b finds vb only",
    );
    let two = run.get("two").out();
    run.check(two.lines().count() == 2 && two.contains(" vb ") && two.contains(" v1 "), format!("two WHATs:\n{two}"));
    let hits = json_of(&run.get("json").out());
    let neigh = hits.iter().find(|h| h["match"] == "neighbour").expect("a neighbour hit");
    assert_eq!(
        (neigh["netns"].as_str(), neigh["dst"].as_str(), neigh["lladdr"].as_str(), neigh["dev"].as_str()),
        (Some("blue"), Some("10.10.0.1"), Some("02:00:00:00:00:99"), Some("vb"))
    );
    assert_eq!(neigh["state"], serde_json::json!(["PERMANENT"]));
    let link = hits.iter().find(|h| h["match"] == "interface").expect("an interface hit");
    assert_eq!(
        (link["netns"].as_str(), link["ifname"].as_str(), link["address"].as_str(), link["query"].as_str()),
        (Some("red"), Some("v1"), Some("02:00:00:00:00:02"), Some("v1"))
    );
}

#[test]
fn processes_by_pid_and_by_name_in_named_and_unnamed_namespaces() {
    require_root!();
    let run = script(&format!(
        "{LAB}
r pid $NETNS find $P
r name $NETNS find sleep
r json $NETNS -j find $P
"
    ))
    .run();
    let pid = run.get("P").out();
    let u_ino = run.get("u_ino").out();
    run.expect("pid", 0, &format!("red  sleep  pid {pid} (process)\n"), "");
    // Both sleeps: red's, and the one holding the unnamed namespace,
    // shown by its inode (no --all needed: the process leads to it).
    let name = run.get("name").out();
    let lines: Vec<&str> = name.lines().collect();
    run.check(lines.len() == 2, format!("two sleeps:\n{name}"));
    run.check(lines[0].starts_with("red ") && lines[0].ends_with(&format!("pid {pid} (process)")), &name);
    run.check(lines[1].starts_with(&format!("inode {u_ino}  sleep  pid ")), &name);
    let hits = json_of(&run.get("json").out());
    assert_eq!(
        (hits[0]["netns"].as_str(), hits[0]["pid"].as_u64(), hits[0]["comm"].as_str(), hits[0]["match"].as_str()),
        (Some("red"), pid.parse().ok(), Some("sleep"), Some("process"))
    );
}

#[test]
fn unnamed_namespaces_are_searched_with_all() {
    require_root!();
    let run = script(&format!(
        "{LAB}
r named $NETNS find fd30::2
r all $NETNS find fd30::2 --all
r all_j $NETNS -j find --all u1
r alias_setup $NETNS attach red2 $P
r alias $NETNS find 10.10.0.1
"
    ))
    .run();
    run.expect("named", 1, "", "");
    let u_ino = run.get("u_ino").out();
    run.expect("all", 0, &format!("inode {u_ino}  u1  fd30::2/64 (address)\n"), "");
    let hits = json_of(&run.get("all_j").out());
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!((hits[0]["netns"].clone(), hits[0]["inode"].as_u64()), (Value::Null, u_ino.parse().ok()));
    // Two names for one namespace: searched once, shown with both names.
    run.expect_rc("alias_setup", 0);
    let alias = run.get("alias").out();
    let lines: Vec<&str> = alias.lines().collect();
    run.check(lines.len() == 2, format!("one hit per namespace:\n{alias}"));
    let label = lines[0].split_whitespace().next().unwrap_or("");
    let mut names: Vec<&str> = label.split(',').collect();
    names.sort();
    run.check(names == ["red", "red2"], format!("both names: {label}"));
}

#[test]
fn nothing_found_is_status_1_and_bad_input_is_refused() {
    require_root!();
    let run = script(&format!(
        "{LAB}
r none6 $NETNS find fd99::1
r none_mac $NETNS find 02:00:00:00:00:77
r none_if $NETNS find nosuchif
r none_j $NETNS -j find nosuchif
r none_pid $NETNS find 4000000
r bad_ip $NETNS find 10.1.1.300
r bad_len $NETNS find 10.0.0.0/33
r bad_port $NETNS find tcp:99999
r bad_glob $NETNS find 'eth[0'
r bad_one $NETNS find vb 10.1.1.300
r bad_opt $NETNS find --bogus vb
r empty $NETNS find
r nobody $NOBODY $NETNS find 10.10.0.1
"
    ))
    .run();
    for label in ["none6", "none_mac", "none_if", "none_pid"] {
        run.expect(label, 1, "", "");
    }
    run.expect("none_j", 1, "[]\n", "");
    for (label, word, why) in [
        ("bad_ip", "10.1.1.300", "is not an IP address"),
        ("bad_len", "10.0.0.0/33", "from 0 to 32"),
        ("bad_port", "tcp:99999", "is not a port"),
        ("bad_glob", "eth[0", "never closed"),
        ("bad_one", "10.1.1.300", "is not an IP address"),
        ("bad_opt", "--bogus", "unknown option"),
    ] {
        let r = run.get(label);
        let first = r.err().lines().next().unwrap_or("").to_string();
        run.check(
            r.rc == 255
                && r.out.is_empty()
                && first.starts_with("netns find: \"")
                && first.contains(word)
                && first.contains(why),
            format!("[{label}] {} {:?}", r.rc, r.err()),
        );
        run.check(r.err().contains("Usage: netns"), format!("[{label}] shows the usage"));
    }
    let empty = run.get("empty");
    run.check(empty.rc == 255 && empty.err().contains("nothing to find"), format!("{:?}", empty.err()));
    // A user who may not enter namespaces is told so; what could be
    // searched (the namespace they are in) still was.
    let nobody = run.get("nobody");
    run.check(
        nobody.rc == 2
            && nobody.out.is_empty()
            && nobody
                .err()
                .contains("cannot enter the namespace: Operation not permitted (entering a namespace needs root)")
            && nobody.err().contains("blue")
            && nobody.err().contains("red"),
        format!("{} {:?}", nobody.rc, nobody.err()),
    );
}

/// Two namespaces with Python processes holding sockets (their pids in
/// `$P` and `$Q`): `web` listens on TCP 7001 and on TCP 7053 (loopback),
/// and has a UDP socket on 7053; `dhcp` a UDP socket on 7067 only. The
/// test's own namespace has a UDP socket on 7099, held by root.
const PORTS: &str = r#"
must $NETNS add web
must $NETNS add dhcp
must $IP -n web link set lo up
$IP netns exec web python3 -c "$(cat listen.py)" $H/w/r1 tcp@0.0.0.0/7001 tcp@127.0.0.1/7053 udp@0.0.0.0/7053 &
P=$!
$IP netns exec dhcp python3 -c "$(cat listen.py)" $H/w/r2 udp@0.0.0.0/7067 &
Q=$!
python3 -c "$(cat listen.py)" $H/w/r3 udp@0.0.0.0/7099 &
wait_for test -e $H/w/r1
wait_for test -e $H/w/r2
wait_for test -e $H/w/r3
v p $P
v q $Q
"#;

#[test]
fn listening_ports_are_found_with_the_processes_holding_them() {
    require_root!();
    let run = script(&format!(
        "{PORTS}
r tcp $NETNS find tcp:7001
r both $NETNS find :7053
r udp $NETNS find udp:7067
r not_udp $NETNS find udp:7001
r none $NETNS find :7002
r json $NETNS -j find :7053 udp:7067
r mixed $NETNS find tcp:7001 web
r nobody $NOBODY $NETNS find udp:7099
"
    ))
    .file("listen.py", crate::sockets::LISTEN)
    .run();
    let (p, q) = (run.get("p").out(), run.get("q").out());
    run.expect("tcp", 0, &format!("web  tcp 0.0.0.0:7001  python3[{p}] (listening)\n"), "");
    // `:PORT` is either protocol.
    run.expect(
        "both",
        0,
        &format!(
            "web  tcp 127.0.0.1:7053  python3[{p}] (listening)\n\
             web  udp 0.0.0.0:7053    python3[{p}] (listening)\n"
        ),
        "",
    );
    run.expect("udp", 0, &format!("dhcp  udp 0.0.0.0:7067  python3[{q}] (listening)\n"), "");
    // A TCP listener is no answer to a UDP question; nothing is status 1.
    run.expect("not_udp", 1, "", "");
    run.expect("none", 1, "", "");
    // A port next to other kinds of WHAT.
    let mixed = run.get("mixed").out();
    run.check(
        mixed.lines().count() == 1 && mixed.starts_with("web  tcp 0.0.0.0:7001  python3["),
        format!("tcp:7001 web (web is a namespace, no interface):\n{mixed}"),
    );
    // -j: ss's keys, the holders named in both namespaces.
    let hits = json_of(&run.get("json").out());
    let shape: Vec<(&str, &str, &str, &str, u64, &str)> = hits
        .iter()
        .map(|h| {
            (
                h["netns"].as_str().unwrap_or(""),
                h["match"].as_str().unwrap_or(""),
                h["netid"].as_str().unwrap_or(""),
                h["local_address"].as_str().unwrap_or(""),
                h["local_port"].as_u64().unwrap_or(0),
                h["query"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("dhcp", "listener", "udp", "0.0.0.0", 7067, "udp:7067"),
            ("web", "listener", "tcp", "127.0.0.1", 7053, ":7053"),
            ("web", "listener", "udp", "0.0.0.0", 7053, ":7053"),
        ]
    );
    let (p, q): (u64, u64) = (p.parse().unwrap(), q.parse().unwrap());
    assert_eq!(hits[0]["processes"], serde_json::json!([{ "pid": q, "comm": "python3" }]));
    assert_eq!(hits[1]["processes"], serde_json::json!([{ "pid": p, "comm": "python3" }]));
    assert_eq!((hits[1]["state"].as_str(), hits[1]["local"].as_str()), (Some("LISTEN"), Some("127.0.0.1:7053")));
    assert_eq!(hits[2]["state"], "UNCONN");
    // A user who is not root finds the socket in the namespace they are
    // in (which they cannot tell is PID 1's), but may not see who holds
    // it: the output says so, once.
    let nobody = run.get("nobody");
    let notes = nobody.err().matches("processes: only yours (not root)").count();
    run.check(
        nobody.rc == 0 && nobody.out() == "(current)  udp 0.0.0.0:7099  (listening)\n" && notes == 1,
        format!("{} {:?} {:?}", nobody.rc, nobody.out(), nobody.err()),
    );
}
