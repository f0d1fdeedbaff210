//! Terminal drawing: one block per node, one line per interface with its
//! addresses and an arrow to the peer. Line-based, so a lab of hundreds of
//! nodes stays readable (and greppable).
//!
//! ```text
//! lab chain3: 5 nodes, 4 links
//!
//! r1  router  ns chain3-r1
//!   eth0  10.0.1.1/24   ──> h1:eth0
//!   eth1  10.0.12.1/30  ──> r2:eth0
//! ```

use super::{GIface, GNode, Graph};
use std::fmt::Write as _;

/// Render `g` as text.
pub fn render(g: &Graph) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "lab {}: {} node{}, {} link{}{}",
        g.name,
        g.nodes.len(),
        plural(g.nodes.len()),
        g.edges.len(),
        plural(g.edges.len()),
        if g.live { " (live)" } else { "" }
    );
    if g.live {
        let drifted = g.nodes.iter().filter(|n| !node_clean(n)).count();
        if drifted == 0 {
            s.push_str("live state matches the file\n");
        } else {
            let verb = if drifted == 1 { "node differs" } else { "nodes differ" };
            let _ = writeln!(s, "{drifted} {verb} from the file (marked [..])");
        }
    }
    for n in &g.nodes {
        s.push('\n');
        node(&mut s, g, n);
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn node_clean(n: &GNode) -> bool {
    n.drift.is_clean() && n.ifaces.iter().all(|i| i.drift.is_clean())
}

fn node(s: &mut String, g: &Graph, n: &GNode) {
    let _ = write!(s, "{}  {}  ns {}", n.name, n.kind_word(), n.ns);
    let b = n.drift.bracketed();
    if !b.is_empty() {
        let _ = write!(s, "  {b}");
    }
    s.push('\n');
    // Columns: name, addresses; widths taken over this node only, so one
    // long name elsewhere does not push every line right.
    let rows: Vec<(String, String, String)> = n.ifaces.iter().map(|i| row(g, n, i)).collect();
    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    for (a, b, c) in &rows {
        let line = format!("  {a:<w0$}  {b:<w1$}  {c}");
        s.push_str(line.trim_end());
        s.push('\n');
    }
    if !n.loopback.is_empty() {
        let l: Vec<String> = n.loopback.iter().map(|a| a.to_string()).collect();
        let _ = writeln!(s, "  lo  {}", l.join(" "));
    }
    if !n.gateways.is_empty() {
        let l: Vec<String> = n.gateways.iter().map(|a| a.to_string()).collect();
        let _ = writeln!(s, "  default via {}", l.join(", "));
    }
}

/// (name, addresses, peer and markers) of one interface line.
fn row(g: &Graph, n: &GNode, i: &GIface) -> (String, String, String) {
    let addrs: Vec<String> = i.addrs.iter().map(|a| a.to_string()).collect();
    let mut addr_text = addrs.join(" ");
    if addr_text.is_empty() {
        addr_text = "-".to_string();
    }
    let mut tail = Vec::new();
    match &i.peer {
        Some((p, ifn)) => {
            let pn = g.nodes.get(*p).map(|n| n.name.as_str()).unwrap_or("?");
            tail.push(format!("──> {pn}:{ifn}"));
        }
        None => tail.push(format!("({})", i.vlan.as_deref().unwrap_or(i.kind))),
    }
    if i.peer.is_some() {
        tail.extend(i.vlan.clone());
    }
    if let Some(m) = &i.master {
        // Switch ports say whose port they are only when it is not the
        // switch's own bridge (always `br0` there).
        if !(n.kind == crate::lab::model::Kind::Switch && m == "br0") {
            tail.push(format!("port of {m}"));
        }
    }
    let b = if n.drift.missing { String::new() } else { i.drift.bracketed() };
    if !b.is_empty() {
        tail.push(b);
    }
    if g.live
        && (!i.drift.addr_extra.is_empty() || !i.drift.addr_missing.is_empty())
        && let Some(la) = &i.live_addrs
    {
        let l: Vec<String> = la.iter().map(|a| a.to_string()).collect();
        tail.push(format!("(live: {})", if l.is_empty() { "no address".to_string() } else { l.join(" ") }));
    }
    (i.name.clone(), addr_text, tail.join("  "))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::lab::ids::{IfaceId, NodeId};

    #[test]
    fn pair_shows_both_interfaces_with_arrows() {
        let out = render(&pair(), None, Format::Ascii);
        assert!(out.starts_with("lab pair: 2 nodes, 1 link\n"), "{out}");
        assert!(out.contains("\nh1  host  ns pair-h1\n  eth0  10.0.0.1/24 fd00::1/64  ──> h2:eth0\n"), "{out}");
        assert!(out.contains("  eth0  10.0.0.2/24 fd00::2/64  ──> h1:eth0\n"), "{out}");
    }

    #[test]
    fn switch_lists_its_ports_and_bridge() {
        let out = render(&lan4(), None, Format::Ascii);
        assert!(out.contains("sw1  switch  ns lan4-sw1\n  br0      -  (bridge)\n  h1-eth0  -  ──> h1:eth0\n"), "{out}");
        assert!(out.contains("h4  host  ns lan4-h4\n  eth0  10.1.0.4/24  ──> sw1:h4-eth0\n"), "{out}");
    }

    #[test]
    fn vlans_of_ports_and_vlan_interfaces() {
        use crate::lab::model::{Iface, IfaceKind};
        let mut lab = lan4();
        let sw = &mut lab.nodes[NodeId::new(0)];
        sw.interfaces[IfaceId::new(1)].vlan = Some(10);
        sw.interfaces[IfaceId::new(2)].vlans = vec![10, 20];
        let mut sub: Iface = lab.nodes[NodeId::new(1)].interfaces[IfaceId::new(0)].clone();
        sub.name = "eth0.10".into();
        sub.kind = IfaceKind::Vlan { parent: "eth0".into(), vid: 10 };
        lab.nodes[NodeId::new(1)].interfaces.push(sub);
        let out = render(&lab, None, Format::Ascii);
        assert!(out.contains("  h1-eth0  -  ──> h1:eth0  vlan 10\n  h2-eth0  -  ──> h2:eth0  vlans 10,20\n"), "{out}");
        assert!(out.contains("  eth0.10  10.1.0.1/24  (vlan 10 on eth0)\n"), "{out}");
        let dot = render(&lab, None, Format::Dot);
        assert!(dot.contains("headlabel=\"h2-eth0\\nvlans 10,20\""), "{dot}");
    }

    #[test]
    fn chain_aligns_columns_per_node() {
        let out = render(&chain3(), None, Format::Ascii);
        assert!(
            out.contains(
                "r1  router  ns chain3-r1\n  eth0  10.0.1.1/24   ──> h1:eth0\n  eth1  10.0.12.1/30  ──> r2:eth0\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn big_lab_is_one_line_per_interface() {
        let out = render(&ring(60), None, Format::Ascii);
        // Header, then per node: blank + header + one line per interface.
        let ifaces: usize = ring(60).nodes.iter().map(|n| n.interfaces.len()).sum();
        assert_eq!(out.lines().count(), 1 + 120 * 2 + ifaces);
        assert!(out.lines().all(|l| l.chars().count() < 80));
    }

    #[test]
    fn live_markers() {
        let (lab, live) = drifted();
        let out = render(&lab, Some(&live), Format::Ascii);
        assert!(out.starts_with("lab chain3: 5 nodes, 4 links (live)\n4 nodes differ from the file"), "{out}");
        assert!(out.contains("h2  host  ns chain3-h2  [missing]\n"), "{out}");
        assert!(out.contains("eth1  10.0.12.1/30  ──> r2:eth0  [down: lowerlayerdown]\n"), "{out}");
        assert!(
            out.contains("eth0  10.0.12.2/30  ──> r1:eth1  [-10.0.12.2/30] [+10.0.12.9/30]  (live: 10.0.12.9/30)\n"),
            "{out}"
        );
        assert!(out.contains("eth1  10.0.3.1/24   ──> h2:eth0  [missing]\n"), "{out}");
        assert!(out.contains("h1  host  ns chain3-h1\n  eth0  10.0.1.10/24  ──> r1:eth0\n"), "{out}");
    }
}
