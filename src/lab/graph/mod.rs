//! `netns graph`: drawings of a lab from its resolved model, optionally
//! overlaid with what the kernel has now (`--live`).
//!
//! [`Graph::new`] turns a [`Lab`] (and a [`Live`] reading, if any) into one
//! plain view — nodes, their interfaces, one edge per link, and the drift of
//! each against the file — that every format renders:
//!
//! | module | format |
//! |---|---|
//! | [`ascii`] | one block per node, for terminals (readable at 100+ nodes) |
//! | [`dot`] | Graphviz |
//! | [`mermaid`] | Mermaid `graph LR` |
//! | [`svg`] | self-drawn SVG, positions from [`layout`] |
//! | [`json`] | nodes and edges |
//!
//! [`live`] reads namespaces, interfaces and addresses over netlink.

pub mod ascii;
pub mod dot;
pub mod json;
pub mod layout;
pub mod live;
pub mod mermaid;
pub mod svg;

use super::model::{IfaceKind, Kind, Lab};
use ipnet::IpNet;
use std::net::IpAddr;

pub use live::{IfaceLive, Live, NodeLive, collect_live};

/// Output formats of `netns graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Terminal text (the default).
    Ascii,
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
    /// SVG drawn by [`svg`].
    Svg,
    /// JSON nodes and edges.
    Json,
}

impl Format {
    /// The format named `word` (`dot`, `mermaid`, `svg`, `ascii`, `json`).
    pub fn parse(word: &str) -> Option<Format> {
        Some(match word {
            "ascii" | "text" => Format::Ascii,
            "dot" | "graphviz" => Format::Dot,
            "mermaid" => Format::Mermaid,
            "svg" => Format::Svg,
            "json" => Format::Json,
            _ => return None,
        })
    }
}

/// Draw `lab` (with the `live` overlay, if given) in `format`.
pub fn render(lab: &Lab, live: Option<&Live>, format: Format) -> String {
    let g = Graph::new(lab, live);
    match format {
        Format::Ascii => ascii::render(&g),
        Format::Dot => dot::render(&g),
        Format::Mermaid => mermaid::render(&g),
        Format::Svg => svg::render(&g),
        Format::Json => json::render(&g, true),
    }
}

/// How the live state of one object differs from the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    /// The namespace (for a node) or the interface does not exist.
    pub missing: bool,
    /// The interface exists but is not up: `down` (administratively),
    /// `no carrier`, or another operational state in words.
    pub down: Option<String>,
    /// The interface is up but the file says `state = "down"`.
    pub up_unwanted: bool,
    /// Addresses in the file that the interface does not have.
    pub addr_missing: Vec<IpNet>,
    /// Addresses the interface has that the file does not list.
    pub addr_extra: Vec<IpNet>,
    /// The state could not be read (reason).
    pub unknown: Option<String>,
    /// A namespace of that name exists but is not this node's: no lab
    /// mark on its `lo`, or another lab's or node's (whose, in words).
    pub foreign: Option<String>,
}

impl Drift {
    /// Nothing differs (or nothing was read).
    pub fn is_clean(&self) -> bool {
        !self.missing
            && self.down.is_none()
            && !self.up_unwanted
            && self.addr_missing.is_empty()
            && self.addr_extra.is_empty()
            && self.unknown.is_none()
            && self.foreign.is_none()
    }

    /// Short markers, e.g. `["down", "addr"]`, for labels.
    pub fn markers(&self) -> Vec<String> {
        let mut m = Vec::new();
        if self.missing {
            m.push("missing".to_string());
        }
        if let Some(s) = &self.down {
            m.push(if s == "down" { "down".to_string() } else { format!("down: {s}") });
        }
        if self.up_unwanted {
            m.push("up, file says down".to_string());
        }
        for a in &self.addr_missing {
            m.push(format!("-{a}"));
        }
        for a in &self.addr_extra {
            m.push(format!("+{a}"));
        }
        if let Some(u) = &self.unknown {
            m.push(format!("unknown: {u}"));
        }
        if let Some(f) = &self.foreign {
            m.push(format!("not this lab's: {f}"));
        }
        m
    }

    /// Markers in brackets, space separated (`[down] [+10.0.0.9/24]`), or "".
    pub fn bracketed(&self) -> String {
        self.markers().iter().map(|m| format!("[{m}]")).collect::<Vec<_>>().join(" ")
    }

    fn merge(&mut self, other: &Drift) {
        self.missing |= other.missing;
        if self.down.is_none() {
            self.down.clone_from(&other.down);
        }
        self.up_unwanted |= other.up_unwanted;
        if self.unknown.is_none() {
            self.unknown.clone_from(&other.unknown);
        }
    }
}

/// One interface as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct GIface {
    /// Its name inside the node.
    pub name: String,
    /// `veth`, `bridge`, `vlan` or `dummy`.
    pub kind: &'static str,
    /// Addresses from the file.
    pub addrs: Vec<IpNet>,
    /// Bridge it is a port of.
    pub master: Option<String>,
    /// VLAN words: `vlan 10` (access port), `vlans 10,20` (trunk port),
    /// `vlan 10 on eth0` (an 802.1Q interface).
    pub vlan: Option<String>,
    /// The other end of its link: (node index, interface name).
    pub peer: Option<(usize, String)>,
    /// Index of its link, for veth ends.
    pub link: Option<usize>,
    /// Live operational state in words, with `--live`.
    pub oper: Option<String>,
    /// Live addresses, with `--live` (when the interface exists).
    pub live_addrs: Option<Vec<IpNet>>,
    /// Drift against the file (clean without `--live`).
    pub drift: Drift,
}

/// One node as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct GNode {
    /// Name in the file.
    pub name: String,
    /// Namespace name.
    pub ns: String,
    /// host, router or switch.
    pub kind: Kind,
    /// Its interfaces, in model order.
    pub ifaces: Vec<GIface>,
    /// Extra loopback addresses.
    pub loopback: Vec<IpNet>,
    /// Default gateways.
    pub gateways: Vec<IpAddr>,
    /// With `--live`: does the namespace exist (`None`: not checked).
    pub ns_exists: Option<bool>,
    /// Node-level drift (missing namespace, unreadable state).
    pub drift: Drift,
}

impl GNode {
    /// `kind` in words.
    pub fn kind_word(&self) -> &'static str {
        kind_word(self.kind)
    }

    /// The label lines: the name, then the namespace when it differs.
    pub fn label_lines(&self) -> Vec<String> {
        let mut v = vec![self.name.clone()];
        if self.ns != self.name {
            v.push(self.ns.clone());
        }
        v
    }

    /// The interface named `name`.
    pub fn iface(&self, name: &str) -> Option<&GIface> {
        self.ifaces.iter().find(|i| i.name == name)
    }
}

/// One end of an edge.
#[derive(Debug, Clone, PartialEq)]
pub struct GEnd {
    /// Node index.
    pub node: usize,
    /// Interface name.
    pub ifname: String,
    /// Addresses from the file.
    pub addrs: Vec<IpNet>,
    /// VLAN words of a switch port (`vlan 10`, `vlans 10,20`).
    pub vlan: Option<String>,
    /// Drift of this end's interface.
    pub drift: Drift,
}

impl GEnd {
    /// Interface name then addresses, one per line.
    pub fn label_lines(&self) -> Vec<String> {
        let mut v = vec![self.ifname.clone()];
        v.extend(self.addrs.iter().map(|a| a.to_string()));
        v.extend(self.vlan.clone());
        let b = self.drift.bracketed();
        if !b.is_empty() {
            v.push(b);
        }
        v
    }
}

/// One link.
#[derive(Debug, Clone, PartialEq)]
pub struct GEdge {
    /// Index in [`Lab::links`].
    pub link: usize,
    /// Both ends, in file order.
    pub ends: [GEnd; 2],
}

impl GEdge {
    /// The link as a whole: missing or down if either end is.
    pub fn drift(&self) -> Drift {
        let mut d = self.ends[0].drift.clone();
        d.merge(&self.ends[1].drift);
        d
    }

    /// True when either end has different addresses than the file.
    pub fn addr_drift(&self) -> bool {
        self.ends.iter().any(|e| !e.drift.addr_missing.is_empty() || !e.drift.addr_extra.is_empty())
    }
}

/// The drawable view of a lab.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// The lab name.
    pub name: String,
    /// Nodes in file order.
    pub nodes: Vec<GNode>,
    /// One edge per link, in file order.
    pub edges: Vec<GEdge>,
    /// True when a live overlay was applied.
    pub live: bool,
}

/// `host`, `router` or `switch`.
pub fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Host => "host",
        Kind::Router => "router",
        Kind::Switch => "switch",
    }
}

impl Graph {
    /// Build the view of `lab`, with drift against `live` when given.
    pub fn new(lab: &Lab, live: Option<&Live>) -> Graph {
        let mut nodes: Vec<GNode> = lab
            .nodes
            .iter()
            .enumerate()
            .map(|(ni, n)| {
                let nlive = live.and_then(|l| l.nodes.get(ni));
                let ifaces = n
                    .interfaces
                    .iter()
                    .map(|i| {
                        let (kind, peer, link) = match &i.kind {
                            IfaceKind::Veth { link, end } => {
                                let other = lab.links.get(*link).map(|l| &l.ends[1 - end.min(&1)]);
                                ("veth", other.map(|o| (o.node.index(), o.ifname.clone())), Some(link.index()))
                            }
                            IfaceKind::Bridge => ("bridge", None, None),
                            IfaceKind::Vlan { .. } => ("vlan", None, None),
                            IfaceKind::Dummy => ("dummy", None, None),
                        };
                        let vlan = match (&i.kind, i.vlan, i.vlans.is_empty()) {
                            (IfaceKind::Vlan { parent, vid }, _, _) => Some(format!("vlan {vid} on {parent}")),
                            (_, Some(v), _) => Some(format!("vlan {v}")),
                            (_, None, false) => Some(format!(
                                "vlans {}",
                                i.vlans.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")
                            )),
                            _ => None,
                        };
                        let mut g = GIface {
                            name: i.name.clone(),
                            kind,
                            addrs: i.addrs.clone(),
                            master: i.master.clone(),
                            vlan,
                            peer,
                            link,
                            oper: None,
                            live_addrs: None,
                            drift: Drift::default(),
                        };
                        if let Some(nl) = nlive {
                            live::apply(&mut g, i.up, nl);
                        }
                        g
                    })
                    .collect();
                let mut drift = Drift::default();
                let mut ns_exists = None;
                if let Some(nl) = nlive {
                    ns_exists = Some(nl.exists);
                    drift.missing = !nl.exists;
                    drift.unknown.clone_from(&nl.error);
                    drift.foreign = match &nl.mark {
                        None if nl.exists && nl.error.is_none() => Some("no lab mark".to_string()),
                        Some((l, who)) if *l != lab.name || *who != n.name => {
                            Some(format!("marked {}", crate::lab::owner::mark(l, who)))
                        }
                        _ => None,
                    };
                }
                GNode {
                    name: n.name.clone(),
                    ns: n.ns.clone(),
                    kind: n.kind,
                    ifaces,
                    loopback: n.loopback.clone(),
                    gateways: n.gateways.clone(),
                    ns_exists,
                    drift,
                }
            })
            .collect();
        // Links whose endpoints have no interface in the node model (a
        // parser gap) still get drawn: the end's interface is added.
        let mut edges = Vec::with_capacity(lab.links.len());
        for (li, l) in lab.links.iter().enumerate() {
            let mut ends = Vec::with_capacity(2);
            for (ei, e) in l.ends.iter().enumerate() {
                let other = &l.ends[1 - ei];
                let Some(node) = nodes.get_mut(e.node.index()) else { continue };
                if node.iface(&e.ifname).is_none() {
                    node.ifaces.push(GIface {
                        name: e.ifname.clone(),
                        kind: "veth",
                        addrs: Vec::new(),
                        master: None,
                        vlan: None,
                        peer: Some((other.node.index(), other.ifname.clone())),
                        link: Some(li),
                        oper: None,
                        live_addrs: None,
                        drift: Drift::default(),
                    });
                }
                let i = node.iface(&e.ifname).expect("just ensured");
                let mut drift = i.drift.clone();
                // A missing namespace makes every interface in it missing.
                if node.drift.missing {
                    drift.missing = true;
                }
                ends.push(GEnd {
                    node: e.node.index(),
                    ifname: e.ifname.clone(),
                    addrs: i.addrs.clone(),
                    vlan: i.vlan.clone(),
                    drift,
                });
            }
            if let Ok(ends) = <[GEnd; 2]>::try_from(ends) {
                edges.push(GEdge { link: li, ends });
            }
        }
        Graph { name: lab.name.clone(), nodes, edges, live: live.is_some() }
    }

    /// Number of edges at each node (parallel links count each).
    pub fn degrees(&self) -> Vec<usize> {
        let mut d = vec![0; self.nodes.len()];
        for e in &self.edges {
            d[e.ends[0].node] += 1;
            d[e.ends[1].node] += 1;
        }
        d
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Hand-built labs for the unit tests of every format.

    use super::live::{IfaceLive, Live, NodeLive};
    use crate::lab::model::{Endpoint, Iface, IfaceKind, Kind, Lab, Link, Node};

    fn iface(name: &str, kind: IfaceKind, addrs: &[&str]) -> Iface {
        Iface { addrs: addrs.iter().map(|a| a.parse().unwrap()).collect(), ..Iface::new(name, kind, 0..0) }
    }

    /// A lab with these nodes (name, kind) and links ((node, ifname,
    /// addrs) × 2). Switch ends become ports of `br0`.
    pub fn build(name: &str, nodes: &[(&str, Kind)], links: &[[(&str, &str, &[&str]); 2]]) -> Lab {
        let mut lab = Lab { name: name.into(), ns_prefix: format!("{name}-"), ..Lab::default() };
        for (n, k) in nodes {
            let mut node =
                Node { name: (*n).into(), ns: format!("{name}-{n}"), kind: *k, ipv6: true, ..Node::default() };
            if *k == Kind::Switch {
                node.interfaces.push(iface("br0", IfaceKind::Bridge, &[]));
            }
            lab.nodes.push(node);
        }
        for (li, l) in links.iter().enumerate() {
            let mut ends = Vec::new();
            for (ei, (n, ifn, addrs)) in l.iter().enumerate() {
                let ni = lab.node(n).unwrap();
                let mut i = iface(ifn, IfaceKind::Veth { link: crate::lab::ids::LinkId::new(li), end: ei }, addrs);
                if lab.nodes[ni].kind == Kind::Switch {
                    i.master = Some("br0".into());
                }
                lab.nodes[ni].interfaces.push(i);
                ends.push(Endpoint { node: ni, ifname: (*ifn).into() });
            }
            lab.links.push(Link { ends: [ends[0].clone(), ends[1].clone()], span: 0..0 });
        }
        lab
    }

    /// A pair: two hosts, dual stack.
    pub fn pair() -> Lab {
        build(
            "pair",
            &[("h1", Kind::Host), ("h2", Kind::Host)],
            &[[("h1", "eth0", &["10.0.0.1/24", "fd00::1/64"]), ("h2", "eth0", &["10.0.0.2/24", "fd00::2/64"])]],
        )
    }

    /// A LAN: a switch with four hosts.
    pub fn lan4() -> Lab {
        let hosts = ["h1", "h2", "h3", "h4"];
        let addrs = [["10.1.0.1/24"], ["10.1.0.2/24"], ["10.1.0.3/24"], ["10.1.0.4/24"]];
        let ports = ["h1-eth0", "h2-eth0", "h3-eth0", "h4-eth0"];
        let mut nodes = vec![("sw1", Kind::Switch)];
        nodes.extend(hosts.iter().map(|h| (*h, Kind::Host)));
        let links: Vec<[(&str, &str, &[&str]); 2]> =
            (0..4).map(|i| [(hosts[i], "eth0", &addrs[i][..]), ("sw1", ports[i], &[][..])]).collect();
        build("lan4", &nodes, &links)
    }

    /// A chain: h1 ── r1 ── r2 ── r3 ── h2.
    pub fn chain3() -> Lab {
        build(
            "chain3",
            &[("h1", Kind::Host), ("h2", Kind::Host), ("r1", Kind::Router), ("r2", Kind::Router), ("r3", Kind::Router)],
            &[
                [("h1", "eth0", &["10.0.1.10/24"]), ("r1", "eth0", &["10.0.1.1/24"])],
                [("r1", "eth1", &["10.0.12.1/30"]), ("r2", "eth0", &["10.0.12.2/30"])],
                [("r2", "eth1", &["10.0.23.1/30"]), ("r3", "eth0", &["10.0.23.2/30"])],
                [("r3", "eth1", &["10.0.3.1/24"]), ("h2", "eth0", &["10.0.3.10/24"])],
            ],
        )
    }

    fn up_live(addrs: &[&str]) -> IfaceLive {
        IfaceLive {
            admin_up: true,
            oper: "up".into(),
            carrier: true,
            addrs: addrs.iter().map(|a| a.parse().unwrap()).collect(),
        }
    }

    /// chain3 with h2's namespace gone, r1:eth1 down, r2:eth0 with a
    /// different address and r3:eth1 absent.
    pub fn drifted() -> (Lab, Live) {
        let lab = chain3();
        let mut live = Live::default();
        for n in &lab.nodes {
            let mut nl =
                NodeLive { exists: true, mark: Some((lab.name.clone(), n.name.clone())), ..NodeLive::default() };
            for i in &n.interfaces {
                let a: Vec<String> = i.addrs.iter().map(|a| a.to_string()).collect();
                let a: Vec<&str> = a.iter().map(|s| s.as_str()).collect();
                nl.ifaces.insert(i.name.clone(), up_live(&a));
            }
            live.nodes.push(nl);
        }
        live.nodes[1] = NodeLive::default();
        live.nodes[2].ifaces.get_mut("eth1").unwrap().oper = "lowerlayerdown".into();
        live.nodes[3].ifaces.insert("eth0".into(), up_live(&["10.0.12.9/30"]));
        live.nodes[4].ifaces.remove("eth1");
        (lab, live)
    }

    /// A ring of `n` routers, each with one host: 2n nodes, 2n links.
    pub fn ring(n: usize) -> Lab {
        let names: Vec<(String, Kind)> =
            (0..n).flat_map(|i| [(format!("r{i}"), Kind::Router), (format!("h{i}"), Kind::Host)]).collect();
        let nodes: Vec<(&str, Kind)> = names.iter().map(|(s, k)| (s.as_str(), *k)).collect();
        let rs: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
        let hs: Vec<String> = (0..n).map(|i| format!("h{i}")).collect();
        let mut links: Vec<[(&str, &str, &[&str]); 2]> = Vec::new();
        for i in 0..n {
            links.push([(rs[i].as_str(), "eth1", &[]), (rs[(i + 1) % n].as_str(), "eth2", &[])]);
            links.push([(rs[i].as_str(), "eth0", &[]), (hs[i].as_str(), "eth0", &[])]);
        }
        build("ring", &nodes, &links)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn graph_has_one_edge_per_link_with_addresses_at_each_end() {
        let g = Graph::new(&chain3(), None);
        assert_eq!(g.nodes.len(), 5);
        assert_eq!(g.edges.len(), 4);
        let e = &g.edges[1];
        assert_eq!(g.nodes[e.ends[0].node].name, "r1");
        assert_eq!(e.ends[0].ifname, "eth1");
        assert_eq!(e.ends[1].addrs[0].to_string(), "10.0.12.2/30");
        let r1 = &g.nodes[2];
        assert_eq!(r1.iface("eth1").unwrap().peer, Some((3, "eth0".to_string())));
        assert!(!g.live);
        assert_eq!(g.degrees(), vec![1, 1, 2, 2, 2]);
    }

    #[test]
    fn a_namespace_without_the_node_mark_is_foreign() {
        let (lab, mut live) = fixtures::drifted();
        live.nodes[0].mark = None;
        live.nodes[2].mark = Some(("other".into(), "r1".into()));
        let g = Graph::new(&lab, Some(&live));
        assert_eq!(g.nodes[0].drift.markers(), vec!["not this lab's: no lab mark".to_string()]);
        assert_eq!(g.nodes[2].drift.bracketed(), "[not this lab's: marked netns-lab:other:r1]");
        assert!(g.nodes[3].drift.is_clean());
    }

    #[test]
    fn format_words() {
        assert_eq!(Format::parse("dot"), Some(Format::Dot));
        assert_eq!(Format::parse("svg"), Some(Format::Svg));
        assert_eq!(Format::parse("png"), None);
    }
}
