//! `netns firewall` and the firewall block of `inspect`: nf_tables read
//! over netlink, compared with what `nft` itself lists inside the
//! namespace after real traffic moved the counters.

use crate::support::script;
use serde_json::Value;
use std::collections::BTreeMap;

/// A Neutron-style router: SNAT for a tenant subnet, a DNAT floating IP,
/// a stateful forward filter with per-port chains reached by jumps,
/// counters, a comment, a reject, a log and a limit.
const RULESET: &str = r#"table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 172.24.4.10 counter dnat to 10.0.0.5 comment "floating ip 172.24.4.10"
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 10.0.0.0/24 oifname "qg-ext" counter snat to 172.24.4.2
		ip saddr 10.0.1.0/24 counter masquerade
		ip saddr 10.0.2.0/24 meta l4proto tcp counter snat to 172.24.4.3:1024-2048
	}
}
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related counter accept
		ct state invalid counter drop
		iifname "qr-int" counter jump port-a
		oifname "qr-int" counter goto port-b
		ip saddr != 10.0.0.0/8 counter drop
		counter log prefix "fw-drop " level info
		counter reject
	}
	chain port-a {
		ip saddr 10.0.0.0/24 udp dport 9000 counter accept
		ip protocol icmp limit rate 10/second burst 20 packets counter accept
		tcp dport { 22, 443 } counter accept
		udp sport 68 udp dport 67 counter accept
		counter return
	}
	chain port-b {
		udp dport 9001 counter accept
		tcp dport 1000-2000 counter reject with tcp reset
		ip6 saddr fe80::/64 counter return
		counter drop
	}
}
"#;

/// The router `nfa` between a tenant `nfb` (10.0.0.5) and the test's own
/// namespace (172.24.4.1, the "external network"), with RULESET loaded.
const ROUTER: &str = r#"
command -v nft >/dev/null || die "nft is not installed (scripts/test.sh installs the nftables package)"
must $NETNS add nfa
must $NETNS add nfb
must $IP link add qg-ext type veth peer name ext0
must $IP link set qg-ext netns nfa
must $IP addr add 172.24.4.1/24 dev ext0
must $IP link set ext0 up
must $IP -n nfa link add qr-int type veth peer name eth0 netns nfb
must $IP -n nfa addr add 172.24.4.2/24 dev qg-ext
must $IP -n nfa addr add 172.24.4.10/32 dev qg-ext
must $IP -n nfa addr add 10.0.0.1/24 dev qr-int
must $IP -n nfa link set qg-ext up
must $IP -n nfa link set qr-int up
must $IP -n nfa link set lo up
must $IP -n nfb addr add 10.0.0.5/24 dev eth0
must $IP -n nfb link set eth0 up
must $IP -n nfb route add default via 10.0.0.1
must $IP netns exec nfa sysctl -qw net.ipv4.ip_forward=1
must $IP netns exec nfa nft -f ruleset.nft
"#;

/// Traffic through the router: tenant → external (SNAT, port-a, a
/// refused port that ends in log and reject), external → floating IP
/// (DNAT, port-b, a TCP reset). Every sender waits for its outcome, so
/// the counters are still when the script reads them.
const TRAFFIC: &str = r#"
cat >send.py <<'PY'
import socket, sys
kind, host, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for _ in range(n):
    if kind == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"x" * 64, (host, port))
        s.close()
    else:
        try:
            socket.create_connection((host, port), timeout=1).close()
        except OSError:
            pass
PY
python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("172.24.4.1", 9000)); [s.recv(100) for _ in range(3)]' &
rx=$!
sleep 0.2
must $IP netns exec nfb python3 send.py udp 172.24.4.1 9000 3
must wait $rx
must python3 send.py udp 172.24.4.10 9001 2
must python3 send.py tcp 172.24.4.10 1500 1
must $IP netns exec nfb python3 send.py tcp 172.24.4.1 7 1
sleep 0.3
"#;

/// A chain: (family, table, chain).
type ChainKey = (String, String, String);
/// A rule: (family, table, chain, handle).
type RuleKey = (String, String, String, u64);

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// nft's rule lines from `nft -a list ruleset`, by (family, table, chain,
/// handle), with the counter's values left out (`counter`), as netns
/// writes rule text.
fn nft_texts(listing: &str) -> BTreeMap<RuleKey, String> {
    let mut out = BTreeMap::new();
    let (mut family, mut table, mut chain) = (String::new(), String::new(), String::new());
    for line in listing.lines() {
        let l = line.trim();
        let words: Vec<&str> = l.split_whitespace().collect();
        if words.first() == Some(&"table") {
            (family, table) = (words[1].to_string(), words[2].to_string());
        } else if words.first() == Some(&"chain") {
            chain = words[1].to_string();
        } else if let Some((rule, handle)) = l.rsplit_once(" # handle ") {
            let mut text = Vec::new();
            let mut w = rule.split(' ').peekable();
            while let Some(word) = w.next() {
                text.push(word);
                if word == "counter" && w.peek() == Some(&"packets") {
                    w.nth(3); // packets N bytes M
                }
            }
            out.insert((family.clone(), table.clone(), chain.clone(), handle.parse().unwrap()), text.join(" "));
        }
    }
    out
}

/// Everything about the ruleset both tools report, from nft's JSON:
/// chains with hook, priority, policy and type; rules with counters.
#[derive(Debug, Default, PartialEq)]
struct Seen {
    tables: Vec<(String, String)>,
    chains: BTreeMap<ChainKey, (Value, Value, Value, Value)>,
    rules: BTreeMap<RuleKey, (Option<u64>, Option<u64>)>,
}

fn from_nft(doc: &Value) -> Seen {
    let mut seen = Seen::default();
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    for item in doc["nftables"].as_array().expect("nftables array") {
        if let Some(t) = item.get("table") {
            seen.tables.push((s(t, "family"), s(t, "name")));
        } else if let Some(c) = item.get("chain") {
            seen.chains.insert(
                (s(c, "family"), s(c, "table"), s(c, "name")),
                (c["hook"].clone(), c["prio"].clone(), c["policy"].clone(), c["type"].clone()),
            );
        } else if let Some(r) = item.get("rule") {
            let counter = r["expr"].as_array().unwrap().iter().find_map(|e| e.get("counter"));
            seen.rules.insert(
                (s(r, "family"), s(r, "table"), s(r, "chain"), r["handle"].as_u64().unwrap()),
                (counter.and_then(|c| c["packets"].as_u64()), counter.and_then(|c| c["bytes"].as_u64())),
            );
        }
    }
    seen
}

fn from_netns(doc: &Value) -> (Seen, BTreeMap<RuleKey, String>) {
    let mut seen = Seen::default();
    let mut texts = BTreeMap::new();
    let rulesets = doc[0]["rulesets"].as_array().expect("rulesets");
    assert_eq!(rulesets.len(), 1, "{doc}");
    assert_eq!(rulesets[0]["backend"], "nftables");
    for t in rulesets[0]["tables"].as_array().unwrap() {
        let (fam, tab) = (t["family"].as_str().unwrap().to_string(), t["name"].as_str().unwrap().to_string());
        seen.tables.push((fam.clone(), tab.clone()));
        for c in t["chains"].as_array().unwrap() {
            let name = c["name"].as_str().unwrap().to_string();
            seen.chains.insert(
                (fam.clone(), tab.clone(), name.clone()),
                (c["hook"].clone(), c["prio"].clone(), c["policy"].clone(), c["type"].clone()),
            );
            for r in c["rules"].as_array().unwrap() {
                let key = (fam.clone(), tab.clone(), name.clone(), r["handle"].as_u64().unwrap());
                seen.rules.insert(key.clone(), (r["packets"].as_u64(), r["bytes"].as_u64()));
                texts.insert(key, r["text"].as_str().unwrap().to_string());
            }
        }
    }
    (seen, texts)
}

#[test]
fn neutron_router_matches_nft_after_traffic() {
    require_root!();
    let run = script(&format!(
        "{ROUTER}{TRAFFIC}\
         r nft1 $IP netns exec nfa nft -j list ruleset\n\
         r ours $NETNS -n nfa -j firewall\n\
         r nft2 $IP netns exec nfa nft -j list ruleset\n\
         r text $IP netns exec nfa nft -a list ruleset\n\
         r table $NETNS -n nfa firewall\n\
         r named $NETNS -j firewall nfa\n\
         v which $(command -v nft)\n\
         r nonft env PATH=/nonexistent NETNS_NFT=/nonexistent $NETNS -n nfa -j firewall"
    ))
    .file("ruleset.nft", RULESET)
    .run();
    run.expect_rc("ours", 0);
    // The counters were still: nft read the same before and after netns.
    assert_eq!(run.get("nft1").out(), run.get("nft2").out(), "the counters moved while they were read");
    let nft = from_nft(&json(&run.get("nft1").out()));
    let (ours, texts) = from_netns(&json(&run.get("ours").out()));
    assert_eq!(ours.tables, nft.tables);
    assert_eq!(ours.chains, nft.chains);
    assert_eq!(ours.rules, nft.rules, "rules by handle, with their counters");
    assert_eq!(texts, nft_texts(&run.get("text").out()), "rule text, by handle");
    // The traffic went where it was sent: not a comparison of zeros.
    let count = |chain: &str, text: &str| {
        let key = texts.iter().find(|(k, t)| k.2 == chain && t.contains(text)).map(|(k, _)| k.clone()).unwrap();
        ours.rules[&key].0.unwrap()
    };
    // Each datagram is sent from a socket of its own: a flow of its own.
    assert_eq!(count("prerouting", "dnat to 10.0.0.5"), 3, "DNAT: two UDP flows and one TCP attempt");
    assert_eq!(count("postrouting", "snat to 172.24.4.2"), 4, "SNAT: three UDP flows and one TCP attempt");
    assert_eq!(count("port-a", "udp dport 9000"), 3);
    assert_eq!(count("port-b", "udp dport 9001"), 2);
    assert_eq!(count("port-b", "reject with tcp reset"), 1);
    assert_eq!(count("forward", "log prefix"), 1);
    // The tenant's ICMP errors about port 9001 come back as related.
    assert!(count("forward", "ct state established,related") >= 1);
    // The table a person reads.
    let table = run.get("table").out();
    assert!(table.contains("Chain forward (hook forward, priority 0, type filter, policy drop)"), "{table}");
    let snat = table.lines().find(|l| l.contains("snat to 172.24.4.2")).expect("the SNAT rule");
    let cols: Vec<&str> = snat.split_whitespace().collect();
    assert_eq!(cols[0], "4", "{table}");
    assert!(cols[1].parse::<u64>().unwrap() > 4 * 28, "{table}");
    assert_eq!(&cols[2..8], ["SNAT", "all", "*", "qg-ext", "10.0.0.0/24", "0.0.0.0/0"], "{table}");
    assert!(table.contains("comment \"floating ip 172.24.4.10\""), "{table}");
    // By name instead of -n, and without any nft on PATH: the same.
    assert_eq!(json(&run.get("named").out())[0]["name"], "nfa");
    assert_eq!(json(&run.get("named").out())[0]["rulesets"], json(&run.get("ours").out())[0]["rulesets"]);
    run.expect_rc("nonft", 0);
    assert_eq!(json(&run.get("nonft").out())[0]["rulesets"], json(&run.get("ours").out())[0]["rulesets"]);
}

#[test]
fn unsupported_expressions_are_shown_raw() {
    require_root!();
    let run = script(
        "must $NETNS add raw1\n\
         must $IP netns exec raw1 nft add table ip t\n\
         must $IP netns exec raw1 nft add chain ip t c\n\
         must $IP netns exec raw1 nft add rule ip t c fib daddr type local counter accept\n\
         must $IP netns exec raw1 nft add rule ip t c notrack\n\
         r j $NETNS -n raw1 -j firewall\nr t $NETNS -n raw1 firewall",
    )
    .run();
    run.expect_rc("j", 0);
    let rules = json(&run.get("j").out())[0]["rulesets"][0]["tables"][0]["chains"][0]["rules"].clone();
    let text = |i: usize| rules[i]["text"].as_str().unwrap().to_string();
    assert!(text(0).starts_with("[expr fib ") && text(0).ends_with("counter accept"), "{}", text(0));
    assert!(text(0).contains("[cmp eq reg 1 "), "the test on fib's result is kept: {}", text(0));
    assert_eq!(text(1), "[expr notrack]");
    assert_eq!((rules[0]["complete"].as_bool(), rules[0]["target"].as_str()), (Some(false), Some("ACCEPT")));
    assert!(run.get("t").out().contains("[expr notrack]"), "{}", run.get("t").out());
}

#[test]
fn all_reads_every_namespace_and_says_which() {
    require_root!();
    let run = script(
        "must $NETNS add fa\nmust $NETNS add fb\n\
         must $IP netns exec fa nft add table inet only_fa\n\
         r j $NETNS -j firewall --all\nr t $NETNS firewall --all",
    )
    .run();
    run.expect_rc("j", 0);
    let views = json(&run.get("j").out());
    // The current namespace first, then the names in the run directory's
    // order, as `list` shows them.
    let views = views.as_array().unwrap();
    assert_eq!((views.len(), &views[0]["name"], &views[0]["special"]), (3, &Value::Null, &Value::from("(current)")));
    let find = |n: &str| views.iter().find(|v| v["name"] == n).unwrap_or_else(|| panic!("no {n}: {views:?}"));
    assert_eq!(find("fa")["rulesets"][0]["tables"][0]["name"], "only_fa");
    assert_eq!(find("fb")["rulesets"][0]["tables"], Value::Array(vec![]));
    let text = run.get("t").out();
    assert!(text.contains("netns fa\nTable inet only_fa (nftables)\n"), "{text}");
    assert!(text.contains("netns fb\nno nftables tables\n"), "{text}");
}

#[test]
fn without_cap_net_admin_it_says_so() {
    require_root!();
    let run = script("r x $NOBODY $NETNS firewall\nr n $NETNS firewall nope").run();
    let x = run.get("x");
    assert_eq!(x.rc, 1, "{x:?}");
    assert!(
        x.err()
            .contains("Cannot read the firewall of network namespace (current): reading nf_tables needs CAP_NET_ADMIN"),
        "{}",
        x.err()
    );
    run.expect("n", 1, "", "Cannot open network namespace \"nope\": No such file or directory\n");
}

/// The same router written with `iptables-legacy-restore`, as an older
/// Neutron L3 agent does: SNAT for the tenant subnet, a DNAT floating IP
/// with a comment, a stateful forward filter with per-port chains reached
/// by a jump and a goto, a log and rejects; MASQUERADE for another subnet.
const LEGACY_RULES: &str = r#"*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:neutron-l3-agent-snat - [0:0]
-A PREROUTING -d 172.24.4.10/32 -m comment --comment "floating ip 172.24.4.10" -j DNAT --to-destination 10.0.0.5
-A POSTROUTING -j neutron-l3-agent-snat
-A POSTROUTING -s 10.0.1.0/24 -j MASQUERADE
-A neutron-l3-agent-snat -s 10.0.0.0/24 -o qg-ext -j SNAT --to-source 172.24.4.2
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:port-a - [0:0]
:port-b - [0:0]
-A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -i qr-int -j port-a
-A FORWARD -o qr-int -g port-b
-A FORWARD ! -s 10.0.0.0/8 -j DROP
-A FORWARD -j LOG --log-prefix "fw-drop " --log-level 6
-A FORWARD -j REJECT --reject-with icmp-port-unreachable
-A port-a -s 10.0.0.0/24 -p udp -m udp --dport 9000 -m comment --comment "port a: udp 9000" -j ACCEPT
-A port-a -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A port-a -p tcp -m multiport --dports 22,443 -j ACCEPT
-A port-a -j RETURN
-A port-b -p udp -m udp --dport 9001 -j ACCEPT
-A port-b -p tcp -m tcp --dport 1000:2000 -j REJECT --reject-with tcp-reset
-A port-b -j DROP
COMMIT
"#;

/// One `iptables -vnL -x` table: chains as (name, policy with counters or
/// reference count), rules as their eight columns.
type VnlTable = Vec<(String, String, Vec<[String; 8]>)>;

fn from_vnl(listing: &str) -> VnlTable {
    let mut out: VnlTable = Vec::new();
    for line in listing.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.first() == Some(&"Chain") {
            // `Chain NAME (policy P N packets, M bytes)` or `(K references)`.
            let about = if w[2] == "(policy" { format!("{} {} {}", w[3], w[4], w[6]) } else { String::new() };
            out.push((w[1].to_string(), about, Vec::new()));
        } else if w.first().is_some_and(|f| f.parse::<u64>().is_ok()) {
            // pkts bytes target prot opt in out source destination [match…]
            let prot = match w[3] {
                "0" => "all",
                "1" => "icmp",
                "6" => "tcp",
                "17" => "udp",
                "58" => "ipv6-icmp",
                p => p,
            };
            let row = [w[0], w[1], w[2], prot, w[5], w[6], w[7], w[8]].map(str::to_string);
            out.last_mut().expect("a rule before any chain").2.push(row);
        }
    }
    out
}

fn from_netns_table(t: &Value) -> VnlTable {
    let s = |v: &Value, d: &str| v.as_str().unwrap_or(d).to_string();
    let any = if t["family"] == "ip6" { "::/0" } else { "0.0.0.0/0" };
    t["chains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let about = match c["policy"].as_str() {
                Some(p) => format!("{} {} {}", p.to_uppercase(), c["packets"], c["bytes"]),
                None => String::new(),
            };
            let rules = c["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    [
                        r["packets"].to_string(),
                        r["bytes"].to_string(),
                        s(&r["target"], ""),
                        s(&r["prot"], "all"),
                        s(&r["in"], "*"),
                        s(&r["out"], "*"),
                        s(&r["source"], any),
                        s(&r["destination"], any),
                    ]
                })
                .collect();
            (s(&c["name"], ""), about, rules)
        })
        .collect()
}

#[test]
fn legacy_router_matches_iptables_legacy_after_traffic() {
    require_root!();
    let router = ROUTER
        .replace(
            "command -v nft >/dev/null || die \"nft is not installed (scripts/test.sh installs the nftables package)\"",
            "command -v iptables-legacy-restore >/dev/null || die \"iptables-legacy is not installed (scripts/test.sh installs the iptables package)\"",
        )
        .replace("must $IP netns exec nfa nft -f ruleset.nft", "must $IP netns exec nfa iptables-legacy-restore ruleset.v4");
    let run = script(&format!(
        "{router}{TRAFFIC}\
         r names $IP netns exec nfa cat /proc/net/ip_tables_names\n\
         r filter1 $IP netns exec nfa iptables-legacy -vnL -x -t filter\n\
         r nat1 $IP netns exec nfa iptables-legacy -vnL -x -t nat\n\
         r ours $NETNS -n nfa -j firewall\n\
         r filter2 $IP netns exec nfa iptables-legacy -vnL -x -t filter\n\
         r nat2 $IP netns exec nfa iptables-legacy -vnL -x -t nat\n\
         r save $IP netns exec nfa iptables-legacy-save\n\
         r text $NETNS firewall nfa\n\
         r names2 $IP netns exec nfa cat /proc/net/ip_tables_names /proc/net/ip6_tables_names\n\
         r none $NETNS -j firewall nfb\n\
         r nonames $IP netns exec nfb cat /proc/net/ip_tables_names /proc/net/ip6_tables_names\n\
         must $IP netns exec nfa nft add table inet extra\n\
         r both $NETNS -j firewall nfa\n\
         r inspect $NETNS inspect nfa"
    ))
    .file("ruleset.v4", LEGACY_RULES)
    .run();
    run.expect_rc("ours", 0);
    for t in ["filter", "nat"] {
        assert_eq!(run.get(&format!("{t}1")).out(), run.get(&format!("{t}2")).out(), "the counters moved");
    }
    let ours = json(&run.get("ours").out());
    let rulesets = ours[0]["rulesets"].as_array().unwrap();
    // No nf_tables tables; the legacy ones after them.
    assert_eq!(rulesets.len(), 2, "{ours}");
    assert_eq!((&rulesets[0]["backend"], &rulesets[0]["tables"]), (&Value::from("nftables"), &Value::Array(vec![])));
    assert_eq!(rulesets[1]["backend"], "iptables-legacy");
    let tables = rulesets[1]["tables"].as_array().unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["filter", "nat"]);
    // Same chains, policies, counters and columns as iptables-legacy -vnL -x.
    for (t, name) in tables.iter().zip(["filter", "nat"]) {
        assert_eq!(t["family"], "ip");
        let theirs = from_vnl(&run.get(&format!("{name}1")).out());
        assert_eq!(from_netns_table(t), theirs, "table {name}");
    }
    // Rule text is iptables-save's.
    let save: Vec<String> = run
        .get("save")
        .out()
        .lines()
        .filter_map(|l| l.strip_prefix("-A "))
        .map(|l| l.split_once(' ').map_or(String::new(), |(_, r)| r.to_string()))
        .collect();
    let texts: Vec<String> = tables
        .iter()
        .flat_map(|t| t["chains"].as_array().unwrap().iter())
        .flat_map(|c| c["rules"].as_array().unwrap().iter())
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect();
    let (mut a, mut b) = (save.clone(), texts.clone());
    a.sort();
    b.sort();
    assert_eq!(b, a, "rule text against iptables-legacy-save");
    // The traffic went where it was sent: not a comparison of zeros.
    let count = |text: &str| {
        let r = tables
            .iter()
            .flat_map(|t| t["chains"].as_array().unwrap().iter())
            .flat_map(|c| c["rules"].as_array().unwrap().iter())
            .find(|r| r["text"].as_str().unwrap().contains(text))
            .unwrap_or_else(|| panic!("no rule with {text}"));
        r["packets"].as_u64().unwrap()
    };
    assert_eq!(count("--dport 9000"), 3);
    assert_eq!(count("--dport 9001"), 2);
    assert_eq!(count("--reject-with tcp-reset"), 1);
    assert_eq!(count("--log-prefix"), 1);
    assert_eq!(count("--to-destination 10.0.0.5"), 3, "DNAT: two UDP flows and one TCP attempt");
    assert!(count("--to-source 172.24.4.2") >= 3, "SNAT: three UDP flows");
    assert!(count("--state RELATED,ESTABLISHED") >= 1);
    // The table a person reads.
    let text = run.get("text").out();
    assert!(text.starts_with("no nftables tables\nTable ip filter (iptables-legacy)\n"), "{text}");
    assert!(text.contains("Chain FORWARD (hook forward, policy drop "), "{text}");
    assert!(text.contains("-m comment --comment \"floating ip 172.24.4.10\" -j DNAT"), "{text}");
    // Reading created no table: the namespace holds what it held.
    assert_eq!(run.get("names2").out(), "filter\nnat\n");
    assert_eq!(run.get("names").out(), "filter\nnat\n");
    run.expect_rc("none", 0);
    assert_eq!(
        json(&run.get("none").out())[0]["rulesets"].as_array().unwrap().len(),
        1,
        "no legacy tables, none shown"
    );
    assert_eq!(run.get("nonames").out(), "", "reading nfb created no legacy table there");
    // Both backends, each with its tables; inspect tells them apart.
    let both = json(&run.get("both").out());
    assert_eq!(both[0]["rulesets"][0]["tables"][0]["name"], "extra");
    assert_eq!(both[0]["rulesets"][1]["tables"], rulesets[1]["tables"]);
    let inspect = run.get("inspect").out();
    assert!(inspect.contains("inet extra"), "{inspect}");
    let forward = inspect.lines().find(|l| l.contains("ip filter (iptables-legacy)") && l.contains("FORWARD"));
    assert!(forward.is_some_and(|l| l.contains("drop")), "{inspect}");
}

/// The legacy router's rules loaded with `iptables-nft-restore`, as a
/// Neutron L3 agent on the nf_tables backend does: native expressions
/// where iptables-nft has them, x_tables compat `match` and `target`
/// expressions for the rest (comment, conntrack, multiport, SNAT, DNAT,
/// MASQUERADE, LOG, REJECT). Read natively, they agree with `iptables-nft
/// -vnL -x` on chains, policies, per-rule counters and targets, and no
/// rule is left raw.
#[test]
fn iptables_nft_router_matches_iptables_nft_after_traffic() {
    require_root!();
    let router = ROUTER
        .replace(
            "command -v nft >/dev/null || die \"nft is not installed (scripts/test.sh installs the nftables package)\"",
            "command -v iptables-nft-restore >/dev/null || die \"iptables-nft is not installed (scripts/test.sh installs the iptables package)\"",
        )
        .replace("must $IP netns exec nfa nft -f ruleset.nft", "must $IP netns exec nfa iptables-nft-restore ruleset.v4");
    let run = script(&format!(
        "{router}{TRAFFIC}\
         r filter1 $IP netns exec nfa iptables-nft -vnL -x -t filter\n\
         r nat1 $IP netns exec nfa iptables-nft -vnL -x -t nat\n\
         r ours $NETNS -n nfa -j firewall\n\
         r filter2 $IP netns exec nfa iptables-nft -vnL -x -t filter\n\
         r nat2 $IP netns exec nfa iptables-nft -vnL -x -t nat\n\
         r text $NETNS firewall nfa"
    ))
    .file("ruleset.v4", LEGACY_RULES)
    .run();
    run.expect_rc("ours", 0);
    for t in ["filter", "nat"] {
        assert_eq!(run.get(&format!("{t}1")).out(), run.get(&format!("{t}2")).out(), "the counters moved");
    }
    let ours = json(&run.get("ours").out());
    let rulesets = ours[0]["rulesets"].as_array().unwrap();
    assert_eq!(rulesets[0]["backend"], "nftables", "{ours}");
    let tables = rulesets[0]["tables"].as_array().unwrap();
    for name in ["filter", "nat"] {
        let t = tables
            .iter()
            .find(|t| t["family"] == "ip" && t["name"] == name)
            .unwrap_or_else(|| panic!("no table ip {name}: {ours}"));
        let theirs = from_vnl(&run.get(&format!("{name}1")).out());
        assert_eq!(from_netns_table(t), theirs, "table {name} against iptables-nft -vnL -x");
    }
    let rules: Vec<&Value> = tables
        .iter()
        .flat_map(|t| t["chains"].as_array().unwrap().iter())
        .flat_map(|c| c["rules"].as_array().unwrap().iter())
        .collect();
    // Every compat expression in words.
    for r in &rules {
        let text = r["text"].as_str().unwrap();
        assert!(!text.contains("[expr") && !text.contains("[meta") && !text.contains("[cmp"), "raw: {text}");
    }
    // The traffic went where it was sent: not a comparison of zeros.
    let count = |text: &str| {
        let r = rules
            .iter()
            .find(|r| r["text"].as_str().unwrap().contains(text))
            .unwrap_or_else(|| panic!("no rule with {text} in {rules:?}"));
        r["packets"].as_u64().unwrap()
    };
    assert_eq!(count("udp dport 9000"), 3);
    assert_eq!(count("udp dport 9001"), 2);
    assert_eq!(count("--reject-with tcp-reset"), 1);
    assert_eq!(count("--log-prefix"), 1);
    assert_eq!(count("--to-destination 10.0.0.5"), 3, "DNAT: two UDP flows and one TCP attempt");
    assert!(count("--to-source 172.24.4.2") >= 3, "SNAT: three UDP flows");
    assert!(count("RELATED,ESTABLISHED") >= 1);
    let text = run.get("text").out();
    assert!(
        text.contains("ip daddr 172.24.4.10 -m comment --comment \"floating ip 172.24.4.10\" counter -j DNAT --to-destination 10.0.0.5"),
        "{text}"
    );
}

#[test]
fn legacy_set_matches_are_named_from_ipset() {
    require_root!();
    let run = script(
        "command -v ipset >/dev/null || die \"ipset is not installed (scripts/test.sh installs the ipset package)\"\n\
         must $NETNS add st\n\
         must $IP netns exec st ipset create neutron-sg-a hash:ip\n\
         must $IP netns exec st ipset create other hash:net\n\
         must $IP netns exec st iptables-legacy -A FORWARD -m set --match-set neutron-sg-a src -j ACCEPT\n\
         must $IP netns exec st iptables-legacy -A FORWARD -m set ! --match-set other src,dst -j DROP\n\
         r save $IP netns exec st iptables-legacy-save\n\
         r j $NETNS -j firewall st",
    )
    .run();
    run.expect_rc("j", 0);
    let rules = json(&run.get("j").out())[0]["rulesets"][1]["tables"][0]["chains"][1]["rules"].clone();
    let ours: Vec<&str> = rules.as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
    let out = run.get("save").out();
    let theirs: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("-A FORWARD ")).collect();
    assert_eq!(ours, theirs);
    assert!(ours[0].contains("--match-set neutron-sg-a src"), "{ours:?}");
}

/// IPv6 legacy rules (ip6tables-legacy), with counters set by restore.
const LEGACY_RULES_V6: &str = r#"*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [5:400]
:OUTPUT ACCEPT [0:0]
:port-c - [0:0]
[9:720] -A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT
[1:80] -A FORWARD -s fd00::/64 -i qr-int -j port-c
[2:208] -A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT
-A FORWARD -j REJECT --reject-with icmp6-port-unreachable
[3:240] -A port-c ! -d fd00::5/128 -p tcp -m tcp --dport 22 -m comment --comment "ssh in" -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s fd00::/64 -o qg-ext -j MASQUERADE
-A POSTROUTING -s fd00:1::/64 -p udp -j SNAT --to-source [2001:db8::1]:1024-2048
COMMIT
"#;

#[test]
fn legacy_ipv6_tables_match_ip6tables_legacy() {
    require_root!();
    let run = script(
        "command -v ip6tables-legacy-restore >/dev/null || die \"ip6tables-legacy is not installed (scripts/test.sh installs the iptables package)\"\n\
         must $NETNS add six\n\
         must $IP netns exec six ip6tables-legacy-restore -c rules.v6\n\
         r filter $IP netns exec six ip6tables-legacy -vnL -x -t filter\n\
         r nat $IP netns exec six ip6tables-legacy -vnL -x -t nat\n\
         r save $IP netns exec six ip6tables-legacy-save\n\
         r j $NETNS -j firewall six",
    )
    .file("rules.v6", LEGACY_RULES_V6)
    .run();
    run.expect_rc("j", 0);
    let doc = json(&run.get("j").out());
    let legacy = &doc[0]["rulesets"][1];
    assert_eq!(legacy["backend"], "iptables-legacy");
    let tables = legacy["tables"].as_array().unwrap();
    assert_eq!(
        tables.iter().map(|t| (t["family"].as_str().unwrap(), t["name"].as_str().unwrap())).collect::<Vec<_>>(),
        [("ip6", "filter"), ("ip6", "nat")]
    );
    for (t, name) in tables.iter().zip(["filter", "nat"]) {
        assert_eq!(from_netns_table(t), from_vnl(&run.get(name).out()), "table {name}");
    }
    let save = run.get("save").out();
    let mut theirs: Vec<&str> =
        save.lines().filter_map(|l| l.strip_prefix("-A ")).filter_map(|l| l.split_once(' ')).map(|(_, r)| r).collect();
    let mut ours: Vec<&str> = tables
        .iter()
        .flat_map(|t| t["chains"].as_array().unwrap().iter())
        .flat_map(|c| c["rules"].as_array().unwrap().iter())
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs);
    // The counters restore set, not zeros.
    let forward = &tables[0]["chains"][1];
    assert_eq!(
        (&forward["policy"], &forward["packets"], &forward["bytes"]),
        (&Value::from("drop"), &Value::from(5), &Value::from(400))
    );
    assert_eq!(forward["rules"][0]["packets"], 9);
}
