//! The generated hosts file: node names resolve inside a lab through
//! `netns exec`, and the file is the lab's like its other `etc` files
//! (planned, recorded, reconciled, removed; another's file left alone).

use crate::support::lab_script;

/// What every node of examples/chain3.toml gets as its hosts file.
const CHAIN3_HOSTS: &str = "\
# Written by netns for lab chain3: every node's addresses (hosts = false in the lab file turns this off).
127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
10.0.1.10\th1 h1-eth0
10.0.3.10\th2 h2-eth0
10.0.1.1\tr1 r1-eth0
10.0.12.1\tr1 r1-eth1
10.0.12.2\tr2 r2-eth0
10.0.23.1\tr2 r2-eth1
10.0.23.2\tr3 r3-eth0
10.0.3.1\tr3 r3-eth1
";

/// Every node's hosts file lists every node's addresses; names resolve
/// (getent, ping) inside a node through `netns exec`; `plan` shows the
/// file; a second `up` changes nothing; an address changed in the file is
/// drift that `up` rewrites in every node; `down` removes them all.
#[test]
fn every_node_resolves_every_node_by_name() {
    require_root!();
    let run = lab_script(
        r#"
cp $EX/chain3.toml c.toml
r plan $NETNS up --plan c.toml
must $NETNS up c.toml >/dev/null
r h1 cat $NETNS_ETC_DIR/chain3-h1/hosts
same=0
for n in h2 r1 r2 r3; do cmp -s $NETNS_ETC_DIR/chain3-h1/hosts $NETNS_ETC_DIR/chain3-$n/hosts && same=$((same+1)); done
v same $same
r seen $NETNS exec chain3 h1 -- cat /etc/hosts
r h2 $NETNS exec chain3 h1 -- getent hosts h2
r r2if $NETNS exec chain3 h1 -- getent hosts r2-eth1
r self $NETNS exec chain3 r3 -- getent hosts r3
r ping $NETNS exec chain3 h1 -- ping -c1 -W2 h2
r again $NETNS up c.toml
sed -i 's#10.0.3.10/24#10.0.3.11/24#' c.toml
r st $NETNS status chain3
r up2 $NETNS up c.toml
r h2new $NETNS exec chain3 r1 -- getent hosts h2
r ping2 $NETNS exec chain3 r3 -- ping -c1 -W2 h2
r down $NETNS down chain3
r left leftovers
"#,
    )
    .run();
    run.check(run.get("plan").out().contains("~ chain3-h1: files in /etc/netns/chain3-h1/\n"), "plan shows the file");
    run.expect("h1", 0, CHAIN3_HOSTS, "");
    run.expect("same", 0, "4", "");
    run.expect("seen", 0, CHAIN3_HOSTS, "");
    let words = |label: &str| run.get(label).out().split_whitespace().collect::<Vec<_>>().join(" ");
    run.check(words("h2") == "10.0.3.10 h2 h2-eth0", format!("getent hosts h2: {:?}", run.get("h2").out()));
    run.check(words("r2if") == "10.0.23.1 r2 r2-eth1", format!("getent hosts r2-eth1: {:?}", run.get("r2if").out()));
    // The first interface's address first; with glibc's `multi on`
    // (/etc/host.conf) every address of the name follows, each line with
    // the aliases of all.
    let own: Vec<String> =
        run.get("self").out().lines().map(|l| l.split_whitespace().next().unwrap_or("").into()).collect();
    run.check(
        own == ["10.0.23.2", "10.0.3.1"] || own == ["10.0.23.2"],
        format!("a node's own name: {:?}", run.get("self").out()),
    );
    run.check(run.get("ping").out().contains("1 received"), "ping h2 from h1 by name");
    run.check(run.get("ping").out().contains("(10.0.3.10)"), "h2 is 10.0.3.10");
    run.expect("again", 0, "lab chain3 is up to date: no changes\n", "");
    let st = run.get("st").out();
    for n in ["h1", "h2", "r1", "r2", "r3"] {
        run.check(st.contains(&format!("  ~ chain3-{n}: files in /etc/netns/chain3-{n}/\n")), format!("drift in {n}"));
    }
    run.check(run.get("up2").out().contains("~ chain3-r2: files in /etc/netns/chain3-r2/\n"), "up rewrites it");
    run.check(words("h2new") == "10.0.3.11 h2 h2-eth0", format!("the new address: {:?}", run.get("h2new").out()));
    run.check(run.get("ping2").out().contains("(10.0.3.11)"), "ping follows the new address");
    run.expect("down", 0, "lab chain3 is down: removed 5 namespaces\n", "");
    run.expect("left", 1, "", "");
}

/// A lab of nodes a, b, c: a has its own `etc."hosts"`, c has a hosts file
/// the lab did not make. a gets its own text, b the generated one, c keeps
/// its file (and `up` and `down` say so); `down` removes only b's.
const OWNERS: &str = r#"schema = 1
name = "ho"
[nodes.a]
etc = { "hosts" = "192.0.2.7 mine\n" }
[nodes.b]
[nodes.c]
[[links]]
endpoints = ["a:eth0", "b:eth0"]
addr = [["10.7.0.1/24"], ["10.7.0.2/24"]]
[[links]]
endpoints = ["b:eth1", "c:eth0"]
addr = [["10.8.0.2/24", "fd07::2/64"], ["10.8.0.3/24"]]
"#;

#[test]
fn a_nodes_own_hosts_wins_and_one_the_lab_did_not_make_is_left_alone() {
    require_root!();
    let run = lab_script(
        r#"
mkdir -p $NETNS_ETC_DIR/ho-c
echo '192.0.2.9 admins' > $NETNS_ETC_DIR/ho-c/hosts
r up $NETNS up owners.toml
r a cat $NETNS_ETC_DIR/ho-a/hosts
r b cat $NETNS_ETC_DIR/ho-b/hosts
r c cat $NETNS_ETC_DIR/ho-c/hosts
r cname $NETNS exec ho c -- getent hosts admins
r aname $NETNS exec ho a -- getent hosts mine
r again $NETNS up owners.toml
r st $NETNS status ho
r down $NETNS down ho
r ls ls -A $NETNS_ETC_DIR
r c2 cat $NETNS_ETC_DIR/ho-c/hosts
rm -r $NETNS_ETC_DIR/ho-c
r left leftovers
"#,
    )
    .file("owners.toml", OWNERS)
    .run();
    let note = "netns up: left alone: /tmp/.h/etc/ho-c/hosts: lab ho did not make it\n";
    run.expect_rc("up", 0);
    run.check(run.get("up").err().contains(note), format!("up names c's file: {:?}", run.get("up").err()));
    run.expect("a", 0, "192.0.2.7 mine\n", "");
    let b = run.get("b").out();
    run.check(b.contains("\n10.7.0.1\ta a-eth0\n"), "b's file lists a");
    run.check(b.contains("\n10.7.0.2\tb b-eth0\n10.8.0.2\tb b-eth1\nfd07::2\tb b-eth1\n"), "b: IPv4 first, then IPv6");
    run.check(b.contains("\n10.8.0.3\tc c-eth0\n"), "b's file lists c");
    run.expect("c", 0, "192.0.2.9 admins\n", "");
    run.check(run.get("cname").out().starts_with("192.0.2.9"), "c reads its admin's file");
    run.check(run.get("aname").out().starts_with("192.0.2.7"), "a reads its own etc text");
    run.expect("again", 0, "lab ho is up to date: no changes\n", note);
    run.check(!run.get("st").out().contains("files in"), "no drift for c's file");
    run.expect_rc("down", 0);
    run.check(
        run.get("down").err().contains("left alone: /tmp/.h/etc/ho-c/hosts: lab ho did not make it"),
        "down names c's file",
    );
    run.expect("ls", 0, "ho-c\n", "");
    run.expect("c2", 0, "192.0.2.9 admins\n", "");
    run.expect("left", 1, "", "");
}

/// `hosts = false`: no node gets one, and names do not resolve; turned on
/// on the running lab, `up` writes them; off again, `up` removes them.
#[test]
fn hosts_false_makes_none() {
    require_root!();
    let run = lab_script(
        r#"
sed -i 's/^name = "ho"$/name = "ho"\nhosts = false/' owners.toml
r up $NETNS up owners.toml
r ls ls -A $NETNS_ETC_DIR
r name $NETNS exec ho b -- getent hosts c
sed -i '/^hosts = false$/d' owners.toml
r plan $NETNS up --plan owners.toml
must $NETNS up owners.toml >/dev/null
r ls2 ls -A $NETNS_ETC_DIR
r name2 $NETNS exec ho b -- getent hosts c
sed -i 's/^name = "ho"$/name = "ho"\nhosts = false/' owners.toml
r off $NETNS up owners.toml
r ls3 ls -A $NETNS_ETC_DIR
r down $NETNS down ho
r left leftovers
"#,
    )
    .file("owners.toml", OWNERS)
    .run();
    run.expect_rc("up", 0);
    run.expect("ls", 0, "ho-a\n", "");
    run.expect("name", 2, "", "");
    let plan = run.get("plan").out();
    run.check(plan.contains("~ ho-b: files in /etc/netns/ho-b/\n"), "plan: b's file");
    run.check(plan.contains("~ ho-c: files in /etc/netns/ho-c/\n"), "plan: c's file");
    run.check(!plan.contains("ho-a: files"), "a keeps its own");
    run.expect("ls2", 0, "ho-a\nho-b\nho-c\n", "");
    run.check(run.get("name2").out().starts_with("10.8.0.3 "), "c resolves in b");
    run.check(run.get("off").out().contains("~ ho-c: files in /etc/netns/ho-c/\n"), "off: c's file goes");
    run.expect("ls3", 0, "ho-a\n", "");
    run.expect_rc("down", 0);
    run.expect("left", 1, "", "");
}

/// Symlinks are never followed: one standing for a node's `/etc/netns`
/// directory makes `up` refuse (saying how to do without the hosts file),
/// and one standing for its hosts file is left alone; neither target is
/// written.
#[test]
fn symlinks_where_the_hosts_file_would_go_are_not_followed() {
    require_root!();
    let run = lab_script(
        r#"
printf 'schema = 1\nname = "sy"\n[nodes.a]\nloopback = ["10.9.9.1/32"]\n' > sy.toml
mkdir -p $H/victim $NETNS_ETC_DIR
echo victim > $H/victim/hosts
ln -s $H/victim $NETNS_ETC_DIR/sy-a
r dir $NETNS up sy.toml
r ns1 $IP netns list
rm $NETNS_ETC_DIR/sy-a
mkdir $NETNS_ETC_DIR/sy-a
ln -s $H/victim/hosts $NETNS_ETC_DIR/sy-a/hosts
r file $NETNS up sy.toml
r down $NETNS down sy
r victim cat $H/victim/hosts
r link readlink $NETNS_ETC_DIR/sy-a/hosts
rm -r $NETNS_ETC_DIR/sy-a
r left leftovers
"#,
    )
    .run();
    let dir = run.get("dir");
    run.check(dir.rc == 1, "a symlinked directory: up refuses");
    run.check(dir.err().contains("/tmp/.h/etc/sy-a is a symlink; netns does not follow it"), "names it");
    run.check(dir.err().contains("`hosts = false` turns that off"), "says how to do without");
    run.expect("ns1", 0, "", "");
    run.expect_rc("file", 0);
    run.check(
        run.get("file").err().contains("left alone: /tmp/.h/etc/sy-a/hosts: lab sy did not make it"),
        "a symlinked file: left alone, and said so",
    );
    run.expect_rc("down", 0);
    run.expect("victim", 0, "victim\n", "");
    run.expect("link", 0, "/tmp/.h/victim/hosts\n", "");
    run.expect("left", 1, "", "");
}
