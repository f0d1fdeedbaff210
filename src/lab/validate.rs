//! Semantic checks of a resolved lab: what parses but cannot work (address
//! conflicts in one L2 segment, unreachable gateways, bad interface names,
//! CIDR typos…). Each problem points at the object that causes it.

use super::diag::Diag;
use super::model::*;
use ipnet::IpNet;
use std::collections::HashMap;

/// Every semantic problem of `lab` (empty when it is fine).
pub fn check(lab: &Lab) -> Vec<Diag> {
    let mut d = Vec::new();
    links(lab, &mut d);
    for n in &lab.nodes {
        node(lab, n, &mut d);
    }
    segments(lab, &mut d);
    // Only net.* sysctls belong to a network namespace; anything else would
    // change the whole machine.
    for n in &lab.nodes {
        let keys =
            n.sysctl.iter().map(|(k, _)| k).chain(n.interfaces.iter().flat_map(|i| i.sysctl.iter().map(|(k, _)| k)));
        for key in keys {
            if !key.starts_with("net.") {
                d.push(Diag::at(
                    n.span.clone(),
                    format!("sysctl {key} of node {} is not a network-namespace setting (only net.* keys are)", n.name),
                ));
            }
        }
    }
    for (i, x) in lab.expects.iter().enumerate() {
        if x.from >= lab.nodes.len() || x.path.iter().any(|p| *p >= lab.nodes.len()) {
            d.push(Diag::at(x.span.clone(), format!("expect {} names a node that is not defined", i + 1)));
        }
    }
    d.sort_by_key(|x| x.span.as_ref().map_or(0, |s| s.start));
    d
}

/// Why `name` cannot be an interface name, if it cannot.
pub fn bad_ifname(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("is empty")
    } else if name.len() > 15 {
        Some("is longer than 15 bytes")
    } else if name == "." || name == ".." {
        Some("is . or ..")
    } else if name.contains('/') {
        Some("contains '/'")
    } else if name.contains(':') {
        Some("contains ':'")
    } else if name.chars().any(char::is_whitespace) {
        Some("contains whitespace")
    } else {
        None
    }
}

fn links(lab: &Lab, d: &mut Vec<Diag>) {
    for (i, l) in lab.links.iter().enumerate() {
        let [a, b] = &l.ends;
        if a.node >= lab.nodes.len() || b.node >= lab.nodes.len() {
            d.push(Diag::at(l.span.clone(), format!("link {} names a node that is not defined", i + 1)));
            continue;
        }
        if a.node == b.node {
            d.push(Diag::at(
                l.span.clone(),
                format!("link {} connects node {} to itself", i + 1, lab.nodes[a.node].name),
            ));
        }
    }
}

fn node(lab: &Lab, n: &Node, d: &mut Vec<Diag>) {
    let w = format!("node {}", n.name);
    if n.ns.len() > 255 {
        d.push(Diag::at(n.span.clone(), format!("namespace name of {w} is longer than 255 bytes")));
    }
    if n.ns.contains('/') || n.ns.is_empty() || n.ns == "." || n.ns == ".." {
        d.push(Diag::at(n.span.clone(), format!("namespace name \"{}\" of {w} is not a valid file name", n.ns)));
    }
    // Interface names, resolved (generated ones included), each once.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, f) in n.interfaces.iter().enumerate() {
        if let Some(why) = bad_ifname(&f.name) {
            d.push(Diag::at(f.span.clone(), format!("interface name \"{}\" of {w} {why}", f.name)));
        }
        if f.name == "lo" {
            d.push(Diag::at(f.span.clone(), format!("interface name lo of {w} is taken by the loopback")));
        }
        if let Some(_first) = seen.insert(&f.name, i) {
            d.push(Diag::at(f.span.clone(), format!("interface {} of {w} is defined more than once", f.name)));
        }
        if n.kind == Kind::Switch && f.master.as_deref() == Some("br0") && !f.addrs.is_empty() {
            d.push(Diag::at(
                f.span.clone(),
                format!(
                    "switch {} port {} cannot have addresses (a port is part of br0; address the bridge with addr = {{ br0 = [...] }})",
                    n.name, f.name
                ),
            ));
        }
        for v in f.vlan.iter().chain(&f.vlans) {
            if !(1..=4094).contains(v) {
                d.push(Diag::at(f.span.clone(), format!("VLAN {v} of {w} port {} is not in 1..4094", f.name)));
            }
        }
        if let IfaceKind::Vlan { vid, parent } = &f.kind {
            if !(1..=4094).contains(vid) {
                d.push(Diag::at(f.span.clone(), format!("vid {vid} of interface {} of {w} is not in 1..4094", f.name)));
            }
            if !n.interfaces.iter().any(|p| &p.name == parent) {
                d.push(Diag::at(
                    f.span.clone(),
                    format!("parent {parent} of interface {} of {w} does not exist", f.name),
                ));
            }
        }
    }
    // The same address twice on one node.
    let mut addrs: Vec<(&IpNet, &str, &Span)> = Vec::new();
    for f in &n.interfaces {
        addrs.extend(f.addrs.iter().map(|a| (a, f.name.as_str(), &f.span)));
    }
    addrs.extend(n.loopback.iter().map(|a| (a, "lo", &n.span)));
    for (i, (a, ifa, sp)) in addrs.iter().enumerate() {
        if let Some((_, ifb, _)) = addrs[..i].iter().find(|(b, _, _)| b.addr() == a.addr()) {
            d.push(Diag::at((*sp).clone(), format!("address {} is on {w} twice ({ifb} and {ifa})", a.addr())));
        }
    }
    // Gateways and route next hops on a connected subnet.
    let connected = |ip: &std::net::IpAddr| {
        let ll = match ip {
            std::net::IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
            std::net::IpAddr::V4(v4) => v4.is_link_local(),
        };
        ll || addrs.iter().any(|(a, _, _)| a.contains(ip))
    };
    for g in &n.gateways {
        if !connected(g) {
            d.push(Diag::at(n.span.clone(), format!("gateway {g} of {w} is not on a subnet of any of its interfaces")));
        }
    }
    for r in &n.routes {
        for via in r.via.iter().chain(r.nexthops.iter().filter_map(|h| h.via.as_ref())) {
            if !r.onlink && !connected(via) {
                d.push(Diag::at(
                    r.span.clone(),
                    format!(
                        "route to {} of {w}: via {via} is not on a subnet of any of its interfaces (add onlink = true if it is meant)",
                        r.to
                    ),
                ));
            }
            if via.is_ipv6() != r.to.addr().is_ipv6() {
                d.push(Diag::at(
                    r.span.clone(),
                    format!("route to {} of {w}: via {via} is of the other IP family", r.to),
                ));
            }
        }
        if super::parse::host_bits(&r.to) {
            d.push(Diag::at(
                r.span.clone(),
                format!("route to {} of {w} has host bits set; did you mean {}?", r.to, r.to.trunc()),
            ));
        }
        let devs = r.dev.iter().chain(r.nexthops.iter().filter_map(|h| h.dev.as_ref()));
        for dev in devs {
            if !n.interfaces.iter().any(|f| &f.name == dev) && dev != "lo" {
                d.push(Diag::at(
                    r.span.clone(),
                    format!("route to {} of {w}: dev {dev} is not an interface of the node", r.to),
                ));
            }
        }
    }
    fn missing<'a>(n: &Node, x: &'a Option<String>) -> Option<&'a String> {
        x.as_ref().filter(|i| !n.interfaces.iter().any(|f| &f.name == *i) && *i != "lo")
    }
    for (i, r) in n.nat.iter().enumerate() {
        for x in [&r.iif, &r.oif] {
            if let Some(i2) = missing(n, x) {
                d.push(Diag::at(
                    r.span.clone(),
                    format!("nat rule {} of {w} names interface {i2}, which the node does not have", i + 1),
                ));
            }
        }
        for p in r.src.iter().chain(&r.dst) {
            if super::parse::host_bits(p) {
                d.push(Diag::at(
                    r.span.clone(),
                    format!("nat rule {} of {w}: {p} has host bits set; did you mean {}?", i + 1, p.trunc()),
                ));
            }
        }
    }
    if let Some(fw) = &n.firewall {
        for (i, a) in fw.allow.iter().enumerate() {
            for x in [&a.iif, &a.oif] {
                if let Some(i2) = missing(n, x) {
                    d.push(Diag::at(
                        fw.span.clone(),
                        format!(
                            "allow rule {} of the firewall of {w} names interface {i2}, which the node does not have",
                            i + 1
                        ),
                    ));
                }
            }
        }
    }
    // Run names, each once.
    for (i, r) in n.run.iter().enumerate() {
        if n.run[..i].iter().any(|o| o.name == r.name) {
            d.push(Diag::at(r.span.clone(), format!("run name {} is used twice in {w}", r.name)));
        }
        if r.name.is_empty() || r.name.contains('/') {
            d.push(Diag::at(
                r.span.clone(),
                format!("run name \"{}\" of {w} must be a non-empty name without '/'", r.name),
            ));
        }
    }
    let _ = lab;
}

/// L2 segments: a veth pair between two non-switch nodes, or a switch
/// (with every switch linked to it): its br0 and the peers of its ports.
/// No two addresses of a segment may be equal, nor share a network address
/// with different prefix lengths.
fn segments(lab: &Lab, d: &mut Vec<Diag>) {
    let nn = lab.nodes.len();
    let is_sw = |i: usize| lab.nodes.get(i).is_some_and(|n| n.kind == Kind::Switch);
    // Union-find over switches.
    let mut up: Vec<usize> = (0..nn).collect();
    fn find(up: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while up[i] != i {
            up[i] = up[up[i]];
            i = up[i];
        }
        i
    }
    for l in &lab.links {
        let [a, b] = &l.ends;
        if a.node < nn && b.node < nn && is_sw(a.node) && is_sw(b.node) {
            let (x, y) = (find(&mut up, a.node), find(&mut up, b.node));
            up[x] = y;
        }
    }
    // Members: (node, interface name).
    let mut segs: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
    let mut pairs: Vec<Vec<(usize, String)>> = Vec::new();
    for s in (0..nn).filter(|i| is_sw(*i)) {
        let root = find(&mut up, s);
        segs.entry(root).or_default().push((s, "br0".into()));
    }
    for l in &lab.links {
        let [a, b] = &l.ends;
        if a.node >= nn || b.node >= nn {
            continue;
        }
        match (is_sw(a.node), is_sw(b.node)) {
            (false, false) => pairs.push(vec![(a.node, a.ifname.clone()), (b.node, b.ifname.clone())]),
            (true, false) => {
                let r = find(&mut up, a.node);
                segs.entry(r).or_default().push((b.node, b.ifname.clone()));
            }
            (false, true) => {
                let r = find(&mut up, b.node);
                segs.entry(r).or_default().push((a.node, a.ifname.clone()));
            }
            (true, true) => {}
        }
    }
    let mut roots: Vec<usize> = segs.keys().copied().collect();
    roots.sort();
    let all = roots.iter().map(|r| (Some(*r), segs[r].clone())).chain(pairs.into_iter().map(|p| (None, p)));
    for (root, members) in all {
        let seg_name = match root {
            Some(r) => format!("switch {}", lab.nodes[r].name),
            None => format!(
                "the link {}:{} – {}:{}",
                lab.nodes[members[0].0].name, members[0].1, lab.nodes[members[1].0].name, members[1].1
            ),
        };
        let mut seen: Vec<(IpNet, String)> = Vec::new();
        for (ni, ifname) in &members {
            let n = &lab.nodes[*ni];
            let Some(f) = n.interfaces.iter().find(|f| &f.name == ifname) else { continue };
            for a in &f.addrs {
                let me = format!("{}:{}", n.name, f.name);
                for (b, who) in &seen {
                    if a.addr() == b.addr() {
                        d.push(Diag::at(
                            f.span.clone(),
                            format!(
                                "address {} of {me} is also on {who}, in the same L2 segment ({seg_name})",
                                a.addr()
                            ),
                        ));
                    } else if a.network() == b.network() && a.prefix_len() != b.prefix_len() {
                        d.push(Diag::at(
                            f.span.clone(),
                            format!(
                                "address {a} of {me} and {b} of {who} are in the same L2 segment ({seg_name}) with different prefix lengths"
                            ),
                        ));
                    }
                }
                seen.push((*a, me));
            }
        }
    }
}
