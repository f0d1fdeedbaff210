//! `netns inspect`: what a user sees of namespaces they built with `ip`.
//! Every test runs in private mount+net+pid namespaces (`support/sandbox.rs`).

use crate::support::script;
use serde_json::Value;

/// Two named namespaces wired to the test's own namespace and to each
/// other, with a bridge, addresses, a route, a static neighbour, forwarding
/// on in `red` and a process in `blue`.
const LAB: &str = r#"
must $NETNS add red
must $NETNS add blue
must $IP link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02 netns red
must $IP link set v0 up
must $IP addr add 10.9.0.1/24 dev v0
must $IP -n red link set v1 up
must $IP -n red addr add 10.9.0.2/24 dev v1
must $IP -n red link add vr type veth peer name vb netns blue
must $IP -n red link add br0 type bridge
must $IP -n red link set vr master br0
must $IP -n red link set vr up
must $IP -n blue link set vb up
must $IP -n blue addr add 10.10.0.2/24 dev vb
must $IP -n blue route add 10.20.0.0/16 via 10.10.0.1
must $IP -n blue neigh add 10.10.0.1 lladdr 02:00:00:00:00:99 dev vb nud permanent
must $IP netns exec red sysctl -qw net.ipv4.ip_forward=1
bg_in $IP blue
"#;

fn json_of(out: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(out).expect("inspect -j prints JSON").as_array().expect("an array").clone()
}

fn find<'a>(views: &'a [Value], name: &str) -> &'a Value {
    views.iter().find(|v| v["name"] == name).unwrap_or_else(|| panic!("no namespace {name} in {views:?}"))
}

fn iface<'a>(ns: &'a Value, name: &str) -> &'a Value {
    ns["interfaces"].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn veth_peers_are_named_across_namespaces() {
    require_root!();
    let run = script(&format!("{LAB}\nr all $NETNS -j inspect --all\nr red $NETNS inspect red")).run();
    run.expect_rc("all", 0);
    let views = json_of(&run.get("all").out());
    assert_eq!(views.len(), 3, "current + red + blue: {views:?}");
    let red = find(&views, "red");
    assert_eq!(iface(red, "vr")["peer"]["netns"], "blue");
    assert_eq!(iface(red, "vr")["peer"]["ifname"], "vb");
    assert_eq!(iface(red, "v1")["peer"]["netns"], "(current)");
    assert_eq!(iface(red, "v1")["peer"]["ifname"], "v0");
    assert_eq!(iface(find(&views, "blue"), "vb")["peer"]["netns"], "red");
    assert_eq!(iface(red, "vr")["master"], "br0");
    // Inspecting one name still names the peer in the other namespace.
    let text = run.get("red").out();
    assert!(text.contains("blue/vb"), "{text}");
    assert!(text.contains("(current)/v0"), "{text}");
}

#[test]
fn shows_state_addresses_routes_neighbours_sysctls_and_processes() {
    require_root!();
    let run = script(&format!("{LAB}\nv pid $P\nr j $NETNS -j inspect red blue\nr t $NETNS inspect blue")).run();
    run.expect_rc("j", 0);
    let views = json_of(&run.get("j").out());
    let (red, blue) = (find(&views, "red"), find(&views, "blue"));
    assert_eq!(red["forwarding"]["ipv4"], true);
    assert_eq!(blue["forwarding"]["ipv4"], false);
    let v1 = iface(red, "v1");
    assert_eq!(
        (v1["admin"].as_str(), v1["mac"].as_str(), v1["mtu"].as_u64()),
        (Some("up"), Some("02:00:00:00:00:02"), Some(1500))
    );
    assert_eq!(iface(red, "br0")["admin"], "down");
    let addrs: Vec<&str> = red["addresses"].as_array().unwrap().iter().filter_map(|a| a["address"].as_str()).collect();
    assert!(addrs.contains(&"10.9.0.2/24"), "{addrs:?}");
    let routes: Vec<&str> = blue["routes"].as_array().unwrap().iter().filter_map(|r| r["route"].as_str()).collect();
    assert!(routes.contains(&"10.20.0.0/16 via 10.10.0.1 dev vb proto boot"), "{routes:?}");
    let neigh =
        &blue["neighbours"].as_array().unwrap().iter().find(|n| n["address"] == "10.10.0.1").expect("neighbour");
    assert_eq!((neigh["lladdr"].as_str(), neigh["state"].as_str()), (Some("02:00:00:00:00:99"), Some("PERMANENT")));
    let pid: u64 = run.get("pid").out().trim().parse().unwrap();
    assert!(blue["processes"].as_array().unwrap().iter().any(|p| p["pid"] == pid && p["comm"] == "sleep"));
    assert!(red["processes"].as_array().unwrap().is_empty());
    // The text view says the same in words, aligned.
    let text = run.get("t").out();
    assert!(text.starts_with("blue  (net:["), "{text}");
    assert!(text.contains("forwarding  ipv4 off, ipv6 off"), "{text}");
    assert!(text.contains(&format!("{pid} sleep")), "{text}");
    assert!(text.contains("10.20.0.0/16 via 10.10.0.1 dev vb proto boot"), "{text}");
    let header = text.lines().find(|l| l.trim_start().starts_with("INTERFACE")).expect("interface table");
    let row = text.lines().find(|l| l.trim_start().starts_with("vb ")).expect("vb row");
    assert_eq!(header.find("PEER"), row.find("red/vr"), "columns line up:\n{text}");
}

#[test]
fn counters_follow_traffic() {
    require_root!();
    // Frames sent on one end of a veth arrive at the other: counters move.
    let run = script(&format!(
        "{LAB}\nmust $IP neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent\n\
         must $NETNS exec red true\nr before $NETNS -j inspect red\n\
         must python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b\"x\"*100, (\"10.9.0.2\", 9)) for _ in range(5)]'\n\
         r after $NETNS -j inspect red"
    ))
    .run();
    let rx = |label: &str| {
        iface(find(&json_of(&run.get(label).out()), "red"), "v1")["counters"]["rx_packets"].as_u64().unwrap()
    };
    assert!(rx("after") >= rx("before") + 5, "rx before {} after {}", rx("before"), rx("after"));
}

#[test]
fn firewall_is_summarised_or_its_absence_explained() {
    require_root!();
    let run = script(&format!(
        "{LAB}\nif command -v nft >/dev/null; then v nft yes; \
         $IP netns exec red nft add table inet lab; \
         $IP netns exec red nft 'add chain inet lab gate {{ type filter hook forward priority 0; policy drop; }}'; \
         $IP netns exec red nft add rule inet lab gate counter accept; else v nft no; fi\n\
         r j $NETNS -j inspect red blue\nr t $NETNS inspect red"
    ))
    .run();
    let views = json_of(&run.get("j").out());
    assert_eq!(find(&views, "blue")["firewall"]["status"], "empty");
    let text = run.get("t").out();
    if run.get("nft").out().trim() == "yes" {
        let fw = &find(&views, "red")["firewall"];
        assert_eq!(fw["status"], "tables", "{fw}");
        let chain = &fw["tables"][0]["chains"][0];
        assert_eq!(
            (chain["name"].as_str(), chain["hook"].as_str(), chain["policy"].as_str()),
            (Some("gate"), Some("forward"), Some("drop"))
        );
        assert_eq!(chain["rules"], 1);
        assert!(text.contains("inet lab") && text.contains("drop"), "{text}");
    } else {
        assert!(text.contains("FIREWALL  no nftables tables"), "{text}");
    }
}

#[test]
fn firewall_is_read_without_nft() {
    require_root!();
    // The table is made with nft; netns then runs with no nft anywhere it
    // could find one, and reads the firewall over netlink all the same.
    let run = script(&format!(
        "{LAB}\ncommand -v nft >/dev/null || die 'nft is not installed (scripts/test.sh installs nftables)'\n\
         must $IP netns exec red nft add table inet hidden\n\
         must $IP netns exec red nft 'add chain inet hidden gate {{ type filter hook input priority 0; policy accept; }}'\n\
         r t env PATH=/nonexistent NETNS_NFT=/nonexistent $NETNS inspect red\n\
         r j env PATH=/nonexistent NETNS_NFT=/nonexistent $NETNS -j inspect red"
    ))
    .run();
    let text = run.get("t").out();
    assert!(text.contains("v1") && text.contains("10.9.0.2/24"), "the rest still prints:\n{text}");
    assert!(text.contains("inet hidden") && text.contains("gate"), "{text}");
    let fw = &json_of(&run.get("j").out())[0]["firewall"];
    assert_eq!((fw["status"].as_str(), fw["tables"][0]["name"].as_str()), (Some("tables"), Some("hidden")), "{fw}");
    assert_eq!(fw["tables"][0]["chains"][0]["hook"], "input", "{fw}");
}

#[test]
fn unknown_name_is_an_error_naming_it() {
    require_root!();
    let run = script("r x $NETNS inspect nope").run();
    run.expect("x", 1, "", "Cannot open network namespace \"nope\": No such file or directory\n");
}
