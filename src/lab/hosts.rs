//! The generated `hosts` file: node names resolve inside a lab, so
//! `netns exec LAB h1 -- ping h2` works as `h1 ping h2` does in Mininet.
//!
//! Every node without an `etc."hosts"` of its own gets the same text as
//! `/etc/netns/<ns>/hosts`, which `netns exec` and `ip netns exec`
//! bind-mount over `/etc/hosts`. It is written, recorded and removed like
//! the node's other `etc` files (see [`super::etc`]), except that a file of
//! that name the lab did not make is left alone and named, not refused.
//!
//! The text is built once per lab, in one pass over the nodes, and shared
//! by every node (one allocation): what grows with the lab is one file per
//! node, each listing every node. That is N² bytes on disk, so it is on by
//! default only up to [`AUTO_MAX`] nodes (`hosts = true` asks for it in a
//! larger lab, `hosts = false` turns it off in any).
//!
//! Lines, after the usual localhost ones: per node in file order, per
//! address, `ADDR NODE NODE-IF` (`NODE-lo` for `loopback` addresses). A
//! node's IPv4 addresses come first, then its IPv6 ones, each in interface
//! order with `lo` last, so the first line of a name is its first
//! interface's IPv4 address. IPv6 link-local addresses (which need a
//! scope) and nodes without addresses are not listed. A name that is not
//! one word of printable ASCII, or that reads as an address, is left out;
//! so is a `NODE-IF` name that is a node's name or another interface's.

use super::model::{EtcFile, Lab, Node};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::Arc;

/// Labs of at most this many nodes get hosts files unless `hosts = false`.
pub const AUTO_MAX: usize = 1000;

/// The file's path in a node's `etc`.
pub const PATH: &str = "hosts";

/// The largest text written: what `up` reads back to compare with (see
/// [`super::etc::FILE_LIMIT`]).
pub const MAX_BYTES: usize = super::etc::FILE_LIMIT as usize;

/// Can `name` stand in a hosts file as one name of itself?
fn usable(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b'#') && name.parse::<IpAddr>().is_err()
}

/// A node's addresses in the order its lines are written.
fn addresses(node: &Node) -> Vec<(IpAddr, &str)> {
    let mut all: Vec<(IpAddr, &str)> = Vec::new();
    for f in node.interfaces.iter() {
        all.extend(f.addrs.iter().map(|a| (a.addr(), f.name.as_str())));
    }
    all.extend(node.loopback.iter().map(|a| (a.addr(), "lo")));
    let link_local = |a: &IpAddr| matches!(a, IpAddr::V6(v6) if v6.is_unicast_link_local());
    let mut out: Vec<(IpAddr, &str)> = all.iter().copied().filter(|(a, _)| a.is_ipv4()).collect();
    out.extend(all.iter().copied().filter(|(a, _)| a.is_ipv6() && !link_local(a)));
    out
}

/// The hosts text of `lab`: localhost, then every node's addresses.
pub fn text(lab: &Lab) -> String {
    let mut out = format!(
        "# Written by netns for lab {}: every node's addresses (hosts = false in the lab file turns this off).\n\
         127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
        lab.name
    );
    // A node's own name always wins over a `NODE-IF` name, and a `NODE-IF`
    // name belongs to the first (node, interface) that makes it.
    let nodes: HashSet<&str> = lab.nodes.iter().map(|n| n.name.as_str()).collect();
    let mut given: HashMap<String, (usize, &str)> = HashMap::new();
    let mut qualified = String::new();
    for (i, node) in lab.nodes.iter().enumerate().filter(|(_, n)| usable(&n.name)) {
        for (addr, ifname) in addresses(node) {
            qualified.clear();
            let _ = write!(qualified, "{}-{ifname}", node.name);
            let _ = write!(out, "{addr}\t{}", node.name);
            if usable(&qualified) && !nodes.contains(qualified.as_str()) {
                let owner = *given.entry(qualified.clone()).or_insert((i, ifname));
                if owner == (i, ifname) {
                    let _ = write!(out, " {qualified}");
                }
            }
            out.push('\n');
        }
    }
    out
}

/// Give every node without a `hosts` of its own (a file, or a directory
/// of that name) the lab's text. `Err(size)`: the text would be larger
/// than [`MAX_BYTES`].
pub fn add(lab: &mut Lab) -> Result<(), usize> {
    let text = text(lab);
    if text.len() > MAX_BYTES {
        return Err(text.len());
    }
    let shared: Arc<str> = text.into();
    let dir = format!("{PATH}/");
    for node in lab.nodes.iter_mut() {
        if !node.etc.iter().any(|f| f.path == PATH || f.path.starts_with(&dir)) {
            node.etc.push(EtcFile { path: PATH.to_string(), text: Arc::clone(&shared), generated: true });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::diag::Source;
    use super::*;

    fn lab(text: &str) -> Lab {
        let src = Source { path: "lab.toml".into(), text: text.into() };
        super::super::parse::parse(&src).unwrap_or_else(|d| panic!("{d:?}"))
    }

    fn hosts_of<'a>(l: &'a Lab, node: &str) -> Option<&'a EtcFile> {
        l.nodes.iter().find(|n| n.name == node).and_then(|n| n.etc.iter().find(|f| f.path == PATH))
    }

    const TWO: &str = r#"schema = 1
name = "t"
[nodes.a]
loopback = ["10.255.0.1/32", "fd00:ff::1/128"]
[nodes.b]
[nodes."a-eth0"]
[[links]]
endpoints = ["a:eth0", "b:eth0"]
addr = [["fd00::1/64", "10.0.0.1/24", "fe80::1/64"], ["10.0.0.2/24"]]
[[links]]
endpoints = ["a:eth1", "a-eth0:x"]
addr = [["10.0.1.1/24"], ["10.0.1.2/24"]]
"#;

    #[test]
    fn ipv4_first_in_interface_order_lo_last_and_names_given_once() {
        let l = lab(TWO);
        let all = text(&l);
        let body: Vec<&str> = all.lines().skip(3).collect();
        assert_eq!(
            body,
            [
                "10.0.0.1\ta",
                "10.0.1.1\ta a-eth1",
                "10.255.0.1\ta a-lo",
                "fd00::1\ta",
                "fd00:ff::1\ta a-lo",
                "10.0.0.2\tb b-eth0",
                "10.0.1.2\ta-eth0 a-eth0-x",
            ],
            "a-eth0 is a node's name, so a's eth0 has no qualified name; a link-local address is not listed"
        );
        assert!(all.starts_with("# Written by netns for lab t:"));
        assert!(all.contains("\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"));
    }

    #[test]
    fn every_node_shares_one_text_and_its_own_hosts_wins() {
        let own = TWO.replace("[nodes.b]\n", "[nodes.b]\netc = { hosts = \"x\\n\", \"hosts.allow\" = \"y\" }\n");
        let l = lab(&own);
        let (a, b, c) = (hosts_of(&l, "a").unwrap(), hosts_of(&l, "b").unwrap(), hosts_of(&l, "a-eth0").unwrap());
        assert!(a.generated && Arc::ptr_eq(&a.text, &c.text), "one allocation for every node");
        assert!(!b.generated && &*b.text == "x\n", "b's own file");
        assert_eq!(l.nodes.iter().find(|n| n.name == "b").unwrap().etc.len(), 2, "no second hosts for b");
        let dir = lab(&TWO.replace("[nodes.b]\n", "[nodes.b]\netc = { \"hosts/x\" = \"y\" }\n"));
        assert!(hosts_of(&dir, "b").is_none(), "hosts is b's directory: no generated file");
    }

    #[test]
    fn the_hosts_key_and_the_default_for_large_labs() {
        let off = lab(&TWO.replace("name = \"t\"\n", "name = \"t\"\nhosts = false\n"));
        assert!(off.nodes.iter().all(|n| n.etc.is_empty()));
        let many = |extra: &str| {
            let mut t = format!("schema = 1\nname = \"m\"\n{extra}");
            t +=
                &format!("[nodes.\"n{{i}}\"]\nfor = {{ i = \"1..{}\" }}\nloopback = [\"10.9.0.1/32\"]\n", AUTO_MAX + 1);
            lab(&t)
        };
        assert!(many("").nodes.iter().all(|n| n.etc.is_empty()), "off by default above AUTO_MAX");
        let on = many("hosts = true\n");
        assert!(on.nodes.iter().all(|n| n.etc.len() == 1 && n.etc[0].generated));
        assert_eq!(on.nodes.iter().next().unwrap().etc[0].text.lines().count(), 3 + AUTO_MAX + 1);
    }

    #[test]
    fn names_that_are_not_one_printable_word_are_left_out() {
        assert!(usable("h1") && usable("r1-eth0.10") && usable("x_y"));
        assert!(!usable("") && !usable("a b") && !usable("a#b") && !usable("é") && !usable("10.0.0.1"));
        assert!(!usable("::1"));
    }
}
