//! Semantic checks of a resolved lab: what parses but cannot work (address
//! conflicts in one L2 segment, unreachable gateways, bad interface names,
//! CIDR typos…). Each problem points at the object that causes it.

use super::diag::{DIAG_MAX, Diag};
use super::ids::{IdVec, NodeId};
use super::model::*;
use crate::rundir::{NsName, has_control_bytes};
use ipnet::IpNet;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

/// The longest interface alias the kernel keeps (IFALIASZ is 256 bytes
/// with the terminating NUL): the ownership mark on `lo` must fit.
pub const ALIAS_MAX: usize = 255;
/// The longest file name (NAME_MAX): a `run` log is `<node>.<run>.log`.
const NAME_MAX: usize = 255;
/// IPv6 needs at least this MTU; below it the kernel turns IPv6 off on the
/// interface and refuses its addresses.
pub const IPV6_MIN_MTU: u32 = 1280;

/// Every semantic problem of `lab` (empty when it is fine).
pub fn check(lab: &Lab) -> Vec<Diag> {
    let mut d = Vec::new();
    links(lab, &mut d);
    for n in &lab.nodes {
        if d.len() >= DIAG_MAX {
            break;
        }
        node(lab, n, &mut d);
    }
    segments(lab, &mut d);
    // Only net.* sysctls belong to a network namespace; anything else would
    // change the whole machine.
    for n in &lab.nodes {
        let keys = n.sysctl.iter().chain(n.interfaces.iter().flat_map(|i| i.sysctl.iter())).map(|(k, v)| (k, v));
        for (key, value) in keys {
            if !key.starts_with("net.") {
                d.push(Diag::at(
                    n.span.clone(),
                    format!("sysctl {key} of node {} is not a network-namespace setting (only net.* keys are)", n.name),
                ));
            } else if let Err(e) = super::sysctl::path_of(key) {
                d.push(Diag::at(n.span.clone(), format!("{e} (node {})", n.name)));
            }
            if has_control_bytes(key.as_bytes()) || value.bytes().any(|b| b == 0) {
                d.push(Diag::at(
                    n.span.clone(),
                    format!("sysctl {key:?} of node {} contains a control character", n.name),
                ));
            }
        }
    }
    for (i, x) in lab.expects.iter().enumerate() {
        if !lab.nodes.contains(x.from) || x.path.iter().any(|p| !lab.nodes.contains(*p)) {
            d.push(Diag::at(x.span.clone(), format!("expect {} names a node that is not defined", i + 1)));
        }
    }
    super::diag::cap(d, 0)
}

/// Why `name` cannot be an interface name, if it cannot: the kernel's
/// rules (1 to 15 bytes, not `.` or `..`, no `/`, `:` or whitespace, where
/// its `isspace` also counts byte 0xa0), and no control characters.
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
    } else if has_control_bytes(name.as_bytes()) {
        Some("contains a control character")
    } else if name.chars().any(char::is_whitespace) || name.bytes().any(|b| b == b' ' || b == 0xa0) {
        Some("contains whitespace")
    } else {
        None
    }
}

/// Why a name cannot be a node name, if it cannot: its namespace name
/// (`ns_prefix` + name) must be a name `netns add` accepts, and the
/// ownership mark `netns-lab:<lab>:<node>` must fit an interface alias.
fn bad_node_name(lab: &Lab, n: &Node) -> Option<String> {
    if n.name.is_empty() {
        return Some("a node name must not be empty".to_string());
    }
    if has_control_bytes(n.name.as_bytes()) || has_control_bytes(lab.ns_prefix.as_bytes()) {
        let what = if has_control_bytes(n.name.as_bytes()) { "node name" } else { "ns_prefix" };
        return Some(format!(
            "namespace name {:?} of node {:?} contains a control character (in its {what}); netns add refuses such names",
            n.ns, n.name
        ));
    }
    if NsName::existing(&n.ns).is_err() {
        return Some(format!(
            "namespace name \"{}\" of node {} is not a valid name (1 to 255 bytes, no '/', not . or ..)",
            n.ns, n.name
        ));
    }
    let mark = super::owner::mark(&lab.name, &n.name);
    if mark.len() > ALIAS_MAX {
        return Some(format!(
            "node name {} is too long: its ownership mark \"netns-lab:{}:NODE\" must fit {ALIAS_MAX} bytes, so a node name of lab {} can have at most {} bytes (it has {})",
            n.name,
            lab.name,
            lab.name,
            ALIAS_MAX.saturating_sub(mark.len() - n.name.len()),
            n.name.len()
        ));
    }
    None
}

/// Can `name` be written between double quotes in nft text, meaning
/// exactly itself? nft strings have no escape for `"`, a `\` escapes and
/// a `*` is a wildcard; control characters and non-ASCII are refused too.
pub fn nft_quotable(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\' | b'*'))
}

/// The MTU each interface of `n` will have: its own, else its parent's
/// (vlan), else the smallest of its ports' (bridge), else 1500.
fn effective_mtus(n: &Node) -> Vec<u32> {
    let mut mtu: Vec<u32> = n.interfaces.iter().map(|f| f.mtu.unwrap_or(1500)).collect();
    let index: HashMap<&str, usize> = n.interfaces.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)).collect();
    let vlans = |mtu: &mut Vec<u32>| {
        for (i, f) in n.interfaces.iter().enumerate() {
            if let (None, IfaceKind::Vlan { parent, .. }) = (f.mtu, &f.kind)
                && let Some(&p) = index.get(parent.as_str())
            {
                mtu[i] = mtu[p];
            }
        }
    };
    vlans(&mut mtu);
    let mut port_min: HashMap<&str, u32> = HashMap::new();
    for (i, f) in n.interfaces.iter().enumerate() {
        if let Some(m) = &f.master {
            let e = port_min.entry(m.as_str()).or_insert(u32::MAX);
            *e = (*e).min(mtu[i]);
        }
    }
    for (i, f) in n.interfaces.iter().enumerate() {
        if f.mtu.is_none()
            && f.kind == IfaceKind::Bridge
            && let Some(&m) = port_min.get(f.name.as_str())
        {
            mtu[i] = m;
        }
    }
    vlans(&mut mtu);
    mtu
}

fn links(lab: &Lab, d: &mut Vec<Diag>) {
    for (i, l) in lab.links.iter().enumerate() {
        let [a, b] = &l.ends;
        if !lab.nodes.contains(a.node) || !lab.nodes.contains(b.node) {
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
    if let Some(why) = bad_node_name(lab, n) {
        d.push(Diag::at(n.span.clone(), why));
    }
    // Interface names, resolved (generated ones included), each once.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let names: HashSet<&str> = n.interfaces.iter().map(|f| f.name.as_str()).collect();
    for (i, f) in n.interfaces.iter().enumerate() {
        if let Some(why) = bad_ifname(&f.name) {
            d.push(Diag::at(f.span.clone(), format!("interface name {:?} of {w} {why}", f.name)));
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
            if !names.contains(parent.as_str()) {
                d.push(Diag::at(
                    f.span.clone(),
                    format!("parent {parent} of interface {} of {w} does not exist", f.name),
                ));
            }
        }
    }
    // IPv6 in a namespace where it is turned off.
    if !n.ipv6 {
        let off = format!("but {w} has ipv6 = false (IPv6 is off in its namespace)");
        for f in &n.interfaces {
            if let Some(a) = f.addrs.iter().find(|a| a.addr().is_ipv6()) {
                d.push(Diag::at(f.span.clone(), format!("interface {} of {w} has IPv6 address {a}, {off}", f.name)));
            }
        }
        if let Some(a) = n.loopback.iter().find(|a| a.addr().is_ipv6()) {
            d.push(Diag::at(n.span.clone(), format!("`loopback` of {w} has IPv6 address {a}, {off}")));
        }
        if let Some(g) = n.gateways.iter().find(|g| g.is_ipv6()) {
            d.push(Diag::at(n.span.clone(), format!("gateway {g} of {w} is IPv6, {off}")));
        }
        if let Some(r) = n.routes.iter().find(|r| r.to.addr().is_ipv6()) {
            d.push(Diag::at(r.span.clone(), format!("route to {} of {w} is IPv6, {off}", r.to)));
        }
    }
    // IPv6 on an interface whose MTU is too small for it.
    let mtus = effective_mtus(n);
    // A vlan cannot be larger than its parent.
    let index: HashMap<&str, usize> = n.interfaces.iter().enumerate().map(|(i, f)| (f.name.as_str(), i)).collect();
    for f in &n.interfaces {
        if let (Some(m), IfaceKind::Vlan { parent, .. }) = (f.mtu, &f.kind)
            && let Some(&p) = index.get(parent.as_str())
            && m > mtus[p]
        {
            d.push(Diag::at(
                f.span.clone(),
                format!("interface {} of {w} has MTU {m}, larger than the {} of its parent {parent}", f.name, mtus[p]),
            ));
        }
    }
    for (f, &mtu) in n.interfaces.iter().zip(&mtus) {
        if mtu >= IPV6_MIN_MTU {
            continue;
        }
        let v6 = f.addrs.iter().find(|a| a.addr().is_ipv6()).map(|a| a.to_string());
        let v6 = v6.or_else(|| f.sysctl.iter().find(|(k, _)| k.starts_with("net.ipv6.")).map(|(k, _)| k.clone()));
        if let Some(what) = v6 {
            d.push(Diag::at(
                f.span.clone(),
                format!(
                    "interface {} of {w} has IPv6 ({what}) but an MTU of {mtu}: IPv6 needs an MTU of at least {IPV6_MIN_MTU}",
                    f.name
                ),
            ));
        }
    }
    // The same address twice on one node.
    let mut addrs: Vec<(&IpNet, &str, &Span)> = Vec::new();
    for f in &n.interfaces {
        addrs.extend(f.addrs.iter().map(|a| (a, f.name.as_str(), &f.span)));
    }
    addrs.extend(n.loopback.iter().map(|a| (a, "lo", &n.span)));
    let mut first: HashMap<IpAddr, &str> = HashMap::new();
    for (a, ifa, sp) in &addrs {
        match first.get(&a.addr()) {
            Some(ifb) => {
                d.push(Diag::at((*sp).clone(), format!("address {} is on {w} twice ({ifb} and {ifa})", a.addr())))
            }
            None => {
                first.insert(a.addr(), ifa);
            }
        }
    }
    // Gateways and route next hops on a connected subnet: the node's
    // subnets by prefix length, so each lookup costs at most one probe
    // per length in use.
    let mut subnets: HashMap<u8, HashSet<IpNet>> = HashMap::new();
    for (a, _, _) in &addrs {
        subnets.entry(a.prefix_len()).or_default().insert(a.trunc());
    }
    let mut lengths: Vec<u8> = subnets.keys().copied().collect();
    lengths.sort_unstable();
    // A device route of the file (scope link, as `ip route add` gives one
    // without a gateway) makes its prefix reachable for gateways too: the
    // Calico/CNI `169.254.1.1 dev eth0 scope link` + `default via 169.254.1.1`.
    let link_routes: Vec<IpNet> = n
        .routes
        .iter()
        .filter(|r| {
            r.kind == RouteKind::Unicast
                && r.via.is_none()
                && r.nexthops.is_empty()
                && r.dev.is_some()
                && r.scope.is_none_or(|s| s == crate::netlink::route::RT_SCOPE_LINK)
        })
        .map(|r| r.to)
        .collect();
    let connected = |ip: &IpAddr| {
        if link_routes.iter().any(|net| net.contains(ip)) {
            return true;
        }
        let ll = match ip {
            IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
            IpAddr::V4(v4) => v4.is_link_local(),
        };
        ll || lengths.iter().any(|len| {
            IpNet::new(*ip, *len).is_ok_and(|net| subnets.get(len).is_some_and(|s| s.contains(&net.trunc())))
        })
    };
    for g in &n.gateways {
        if !connected(g) {
            d.push(Diag::at(n.span.clone(), format!("gateway {g} of {w} is not on a subnet of any of its interfaces")));
        }
    }
    for r in &n.routes {
        if d.len() >= DIAG_MAX {
            return;
        }
        if let Some(src) = r.src
            && !first.contains_key(&src)
        {
            // The kernel refuses a preferred source the namespace does not own.
            d.push(Diag::at(
                r.span.clone(),
                format!("route to {} of {w}: src {src} is not an address of {w} (the kernel refuses it)", r.to),
            ));
        }
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
            if !names.contains(dev.as_str()) && dev != "lo" {
                d.push(Diag::at(
                    r.span.clone(),
                    format!("route to {} of {w}: dev {dev} is not an interface of the node", r.to),
                ));
            }
        }
    }
    let missing = |x: &'_ Option<String>| x.clone().filter(|i| !names.contains(i.as_str()) && i != "lo");
    // An interface name goes into the nft program between double quotes.
    let unquotable = |x: &Option<String>| x.clone().filter(|i| !nft_quotable(i));
    let nft_msg = |what: String, name: &str| {
        format!(
            "{what} names interface {name:?}, which cannot be written in an nft rule (only printable ASCII without '\"', '\\' and '*')"
        )
    };
    for (i, r) in n.nat.iter().enumerate() {
        for x in [&r.iif, &r.oif] {
            if let Some(i2) = missing(x) {
                d.push(Diag::at(
                    r.span.clone(),
                    format!("nat rule {} of {w} names interface {i2}, which the node does not have", i + 1),
                ));
            } else if let Some(i2) = unquotable(x) {
                d.push(Diag::at(r.span.clone(), nft_msg(format!("nat rule {} of {w}", i + 1), &i2)));
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
                if let Some(i2) = missing(x) {
                    d.push(Diag::at(
                        fw.span.clone(),
                        format!(
                            "allow rule {} of the firewall of {w} names interface {i2}, which the node does not have",
                            i + 1
                        ),
                    ));
                } else if let Some(i2) = unquotable(x) {
                    d.push(Diag::at(
                        fw.span.clone(),
                        nft_msg(format!("allow rule {} of the firewall of {w}", i + 1), &i2),
                    ));
                }
            }
        }
    }
    // Run names, each once; each names a log file `<node>.<run>.log`.
    let mut runs: HashSet<&str> = HashSet::new();
    for r in &n.run {
        if !runs.insert(&r.name) {
            d.push(Diag::at(r.span.clone(), format!("run name {} is used twice in {w}", r.name)));
        }
        if r.name.is_empty() || r.name.contains('/') || has_control_bytes(r.name.as_bytes()) {
            d.push(Diag::at(
                r.span.clone(),
                format!("run name {:?} of {w} must be a non-empty name without '/' or control characters", r.name),
            ));
        } else if n.name.len() + r.name.len() + ".log".len() + 1 > NAME_MAX {
            d.push(Diag::at(
                r.span.clone(),
                format!(
                    "run name {} of {w} is too long: its log file {}.{}.log must fit {NAME_MAX} bytes",
                    r.name, n.name, r.name
                ),
            ));
        }
        if r.cmd.iter().any(|a| a.contains('\0')) {
            d.push(Diag::at(r.span.clone(), format!("`cmd` of run {} of {w} contains a NUL byte", r.name)));
        }
    }
    for (key, cmds) in [("exec", &n.exec), ("exec_down", &n.exec_down)] {
        if cmds.iter().any(|c| c.contains('\0')) {
            d.push(Diag::at(n.span.clone(), format!("`{key}` of {w} contains a NUL byte")));
        }
    }
    let _ = lab;
}

/// L2 segments: a veth pair between two non-switch nodes, or a switch
/// (with every switch linked to it): its br0 and the peers of its ports.
/// No two addresses of a segment may be equal, nor share a network address
/// with different prefix lengths.
fn segments(lab: &Lab, d: &mut Vec<Diag>) {
    let is_sw = |i: NodeId| lab.nodes.get(i).is_some_and(|n| n.kind == Kind::Switch);
    // Union-find over switches.
    let mut up: IdVec<NodeId, NodeId> = lab.nodes.ids().collect();
    fn find(up: &mut IdVec<NodeId, NodeId>, i: NodeId) -> NodeId {
        let mut i = i;
        while up[i] != i {
            up[i] = up[up[i]];
            i = up[i];
        }
        i
    }
    for l in &lab.links {
        let [a, b] = &l.ends;
        if lab.nodes.contains(a.node) && lab.nodes.contains(b.node) && is_sw(a.node) && is_sw(b.node) {
            let (x, y) = (find(&mut up, a.node), find(&mut up, b.node));
            up[x] = y;
        }
    }
    // Members: (node, interface name).
    let mut segs: HashMap<NodeId, Vec<(NodeId, String)>> = HashMap::new();
    let mut pairs: Vec<Vec<(NodeId, String)>> = Vec::new();
    for s in lab.nodes.ids().filter(|i| is_sw(*i)) {
        let root = find(&mut up, s);
        segs.entry(root).or_default().push((s, "br0".into()));
    }
    for l in &lab.links {
        let [a, b] = &l.ends;
        if !lab.nodes.contains(a.node) || !lab.nodes.contains(b.node) {
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
    let index: HashMap<(NodeId, &str), &Iface> = lab
        .nodes
        .iter_enumerated()
        .flat_map(|(ni, n)| n.interfaces.iter().map(move |f| ((ni, f.name.as_str()), f)))
        .collect();
    let iface_of = |ni: NodeId, name: &str| index.get(&(ni, name)).copied();
    let mut roots: Vec<NodeId> = segs.keys().copied().collect();
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
        // Address → who has it; network address → (prefix, address, who)
        // of each prefix length seen with it.
        let mut by_addr: HashMap<IpAddr, String> = HashMap::new();
        let mut by_net: HashMap<IpAddr, Vec<(IpNet, String)>> = HashMap::new();
        for (ni, ifname) in &members {
            let n = &lab.nodes[*ni];
            let Some(f) = iface_of(*ni, ifname) else { continue };
            for a in &f.addrs {
                let me = format!("{}:{}", n.name, f.name);
                if let Some(who) = by_addr.get(&a.addr()) {
                    d.push(Diag::at(
                        f.span.clone(),
                        format!("address {} of {me} is also on {who}, in the same L2 segment ({seg_name})", a.addr()),
                    ));
                }
                let same_net = by_net.entry(a.network()).or_default();
                for (b, who) in same_net.iter().filter(|(b, _)| b.prefix_len() != a.prefix_len()) {
                    if a.addr() != b.addr() {
                        d.push(Diag::at(
                            f.span.clone(),
                            format!(
                                "address {a} of {me} and {b} of {who} are in the same L2 segment ({seg_name}) with different prefix lengths"
                            ),
                        ));
                    }
                }
                // One entry per prefix length is enough to find a mismatch.
                if !same_net.iter().any(|(b, _)| b.prefix_len() == a.prefix_len()) {
                    same_net.push((*a, me.clone()));
                }
                by_addr.entry(a.addr()).or_insert(me);
            }
        }
    }
}
