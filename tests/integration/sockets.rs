//! The sockets block of `netns inspect`: listeners read over sock_diag,
//! compared with what `ss -Hlntu` run inside the namespace lists, with the
//! processes holding them and the count of established TCP connections.

use crate::support::script;
use serde_json::Value;
use std::collections::BTreeSet;

/// A Python program that opens the sockets named on its command line,
/// touches the file named first when they are all open, and sleeps.
/// A socket is `KIND@ADDRESS/PORT`: `tcp` (listening; IPv6 ones take IPv6
/// only), `tcp-dual` (IPv6 listening that takes IPv4 too), `udp` (bound),
/// `conn` (a TCP connection to a `tcp` listener opened before, accepted),
/// `udpconn` (a connected UDP socket, which `ss -l` leaves out).
pub(crate) const LISTEN: &str = r#"
import socket, sys, time
listeners = {}
held = []
for spec in sys.argv[2:]:
    kind, rest = spec.split("@")
    addr, port = rest.rsplit("/", 1)
    port = int(port)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    if kind == "conn":
        c = socket.create_connection((addr, port))
        held += [c, listeners[port].accept()[0]]
        continue
    s = socket.socket(fam, socket.SOCK_STREAM if kind.startswith("tcp") else socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0 if kind == "tcp-dual" else 1)
    if kind == "udpconn":
        s.connect((addr, port))
    else:
        s.bind((addr, port))
    if kind.startswith("tcp"):
        s.listen()
        listeners[port] = s
    held.append(s)
open(sys.argv[1], "w").close()
time.sleep(100)
"#;

fn view(out: &str, name: Option<&str>) -> Value {
    let views: Vec<Value> = serde_json::from_str(out).unwrap_or_else(|e| panic!("inspect -j prints JSON ({e}): {out}"));
    match name {
        Some(n) => views.into_iter().find(|v| v["name"] == n).unwrap_or_else(|| panic!("no namespace {n} in {out}")),
        None => views.into_iter().next().expect("one view"),
    }
}

fn listening(view: &Value) -> &Vec<Value> {
    view["sockets"]["listening"].as_array().unwrap_or_else(|| panic!("no sockets block in {view}"))
}

/// The (netid, local end) pairs netns lists.
fn netns_set(view: &Value) -> BTreeSet<(String, String)> {
    listening(view).iter().map(|l| (l["netid"].as_str().unwrap().into(), l["local"].as_str().unwrap().into())).collect()
}

/// The (Netid, Local Address:Port) pairs of `ss -Hlntu` lines.
fn ss_set(out: &str) -> BTreeSet<(String, String)> {
    out.lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert!(f.len() >= 6, "an ss line of six columns: {l:?}");
            (f[0].to_string(), f[4].to_string())
        })
        .collect()
}

fn set(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs.iter().map(|&(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn listeners_are_what_ss_lists_with_their_processes() {
    require_root!();
    let run = script(
        "must $NETNS add s1\nmust $NETNS add s2\nmust $NETNS add s3\n\
         must $IP -n s1 link set lo up\nmust $IP -n s2 link set lo up\n\
         $IP netns exec s1 python3 -c \"$(cat listen.py)\" $H/w/r1 tcp@0.0.0.0/8080 tcp@127.0.0.1/9090 \
            tcp@::/8443 tcp-dual@::/8444 udp@0.0.0.0/5353 udp@::1/547 conn@127.0.0.1/8080 udpconn@127.0.0.1/9 &\n\
         P=$!\n\
         $IP netns exec s2 python3 -c \"$(cat listen.py)\" $H/w/r2 udp@0.0.0.0/6000 &\n\
         Q=$!\n\
         wait_for test -e $H/w/r1\nwait_for test -e $H/w/r2\n\
         v p $P\nv q $Q\n\
         r ss1 $IP netns exec s1 ss -Hlntu\nr ss2 $IP netns exec s2 ss -Hlntu\n\
         r est $IP netns exec s1 ss -Htn state established state close-wait\n\
         r j $NETNS -j inspect s1 s2 s3\nr t1 $NETNS inspect s1\nr t3 $NETNS inspect s3",
    )
    .file("listen.py", LISTEN)
    .run();
    run.expect_rc("j", 0);
    let out = run.get("j").out();
    let (s1, s2, s3) = (view(&out, Some("s1")), view(&out, Some("s2")), view(&out, Some("s3")));
    let want = set(&[
        ("tcp", "0.0.0.0:8080"),
        ("tcp", "127.0.0.1:9090"),
        ("tcp", "[::]:8443"),
        ("tcp", "*:8444"),
        ("udp", "0.0.0.0:5353"),
        ("udp", "[::1]:547"),
    ]);
    run.check(ss_set(&run.get("ss1").out()) == want, "ss lists the sockets the test opened");
    assert_eq!(netns_set(&s1), want, "netns lists what ss lists in s1");
    assert_eq!(netns_set(&s2), ss_set(&run.get("ss2").out()));
    assert_eq!(netns_set(&s2), set(&[("udp", "0.0.0.0:6000")]), "s1's sockets stay in s1");
    assert!(listening(&s3).is_empty());
    // Each is held by the Python that opened it, named.
    let (p, q): (u64, u64) = (run.get("p").out().parse().unwrap(), run.get("q").out().parse().unwrap());
    for l in listening(&s1) {
        assert_eq!(l["processes"], serde_json::json!([{ "pid": p, "comm": "python3" }]), "{l}");
        assert!(l["inode"].as_u64().unwrap() > 0, "{l}");
    }
    assert_eq!(listening(&s2)[0]["processes"], serde_json::json!([{ "pid": q, "comm": "python3" }]));
    let v6 = listening(&s1).iter().find(|l| l["local_port"] == 8443).unwrap();
    assert_eq!((v6["local_address"].as_str(), v6["v6only"].as_bool()), (Some("::"), Some(true)));
    assert_eq!(v6["state"], "LISTEN");
    let udp = listening(&s1).iter().find(|l| l["local_port"] == 5353).unwrap();
    assert_eq!(udp["state"], "UNCONN");
    // Both ends of the one connection, as ss counts them.
    assert_eq!(run.get("est").out().lines().count(), 2, "ss sees the connection's two ends");
    assert_eq!(s1["sockets"]["established"], 2);
    assert_eq!(s2["sockets"]["established"], 0);
    assert_eq!(
        (s1["sockets"]["processes_complete"].as_bool(), &s1["sockets"]["processes_note"]),
        (Some(true), &Value::Null)
    );
    // The text says the same.
    let text = run.get("t1").out();
    let row = text.lines().find(|l| l.trim_start().starts_with("0.0.0.0:8080")).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(row.split_whitespace().collect::<Vec<_>>(), ["0.0.0.0:8080", "tcp", &format!("python3[{p}]")]);
    assert!(text.contains("  *:8444 ") && text.contains("  [::1]:547 "), "{text}");
    assert!(text.contains("\n  2 established TCP connections\n"), "{text}");
    assert!(!text.contains("processes: "), "nothing is missing: {text}");
    let header = text.lines().find(|l| l.trim_start().starts_with("LISTENING")).expect("a socket table");
    assert_eq!(header.find("PROTO"), row.find("tcp"), "columns line up:\n{text}");
    assert!(
        run.get("t3").out().contains("\n  LISTENING  none; 0 established TCP connections\n"),
        "{}",
        run.get("t3").out()
    );
}

#[test]
fn without_root_every_socket_is_listed_and_only_own_processes_named() {
    require_root!();
    // One listener of root's and one of nobody's; nobody inspects the
    // namespace they run in (no switch needed, so no privilege). nobody
    // runs the system's Python: one under root's home is out of reach.
    let run = script(
        "[ -x /usr/bin/python3 ] || die 'this test needs /usr/bin/python3'\n\
         must $NETNS add s1\nmust $IP -n s1 link set lo up\n\
         $IP netns exec s1 python3 -c \"$(cat listen.py)\" $H/w/r1 tcp@0.0.0.0/8080 tcp@::/8443 &\n\
         wait_for test -e $H/w/r1\n\
         $IP netns exec s1 $NOBODY /usr/bin/python3 -c \"$(cat listen.py)\" /tmp/r2 udp@0.0.0.0/5353 &\n\
         Q=$!\nwait_for test -e /tmp/r2\nv q $Q\n\
         r ss $IP netns exec s1 ss -Hlntu\n\
         r j $IP netns exec s1 $NOBODY $NETNS -j inspect\nr t $IP netns exec s1 $NOBODY $NETNS inspect",
    )
    .file("listen.py", LISTEN)
    .run();
    run.expect_rc("j", 0);
    let ns = view(&run.get("j").out(), None);
    let want = set(&[("tcp", "0.0.0.0:8080"), ("tcp", "[::]:8443"), ("udp", "0.0.0.0:5353")]);
    run.check(ss_set(&run.get("ss").out()) == want, "ss lists the sockets the test opened");
    assert_eq!(netns_set(&ns), want, "every socket is listed without root");
    let q: u64 = run.get("q").out().parse().unwrap();
    for l in listening(&ns) {
        let procs = &l["processes"];
        match l["netid"].as_str() {
            Some("udp") => assert_eq!(procs, &serde_json::json!([{ "pid": q, "comm": "python3" }]), "{l}"),
            _ => assert_eq!(procs, &serde_json::json!([]), "root's process is not readable: {l}"),
        }
    }
    assert_eq!(ns["sockets"]["processes_complete"], false);
    assert_eq!(ns["sockets"]["processes_note"], "processes: only yours (not root)");
    let text = run.get("t").out();
    assert!(text.contains("\n  processes: only yours (not root)\n"), "{text}");
    let row = text.lines().find(|l| l.trim_start().starts_with("0.0.0.0:8080")).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(row.split_whitespace().collect::<Vec<_>>(), ["0.0.0.0:8080", "tcp", "-"]);
}
