//! The reconcile plan: what `up` must do to make the machine match the
//! file. A brand-new namespace is compared against an empty one, so the
//! first `up` and every later one take the same path; `--plan` prints the
//! actions instead of applying them.

mod describe;

pub use describe::{describe, rate_text};

use super::compare::{self, BridgeSettings, bridge_settings};
use super::ids::{IdVec, IfaceId, LinkId, NodeId};
use super::live::{BridgeLive, NsLive, RTPROT_STATIC};
use super::model::{Iface, IfaceKind, Kind, Lab, Link, Netem, NextHop, Node, Route, RouteKind, RouteMetrics};
use crate::netlink::route::{
    self as nlroute, NextHop as NlNextHop, RTAX_ADVMSS, RTAX_INITCWND, RTAX_INITRWND, RTAX_MTU, Route as NlRoute,
};
use crate::shared::route_names;
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::IpAddr;

/// One change.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create the node's namespace (marked, `lo` up, namespace sysctls).
    CreateNs {
        /// Node index.
        node: NodeId,
    },
    /// Delete a namespace of the lab whose node left the file.
    DeleteNs {
        /// Namespace name.
        ns: String,
        /// Node name it had.
        node: String,
    },
    /// Set a namespace-wide sysctl in an existing namespace.
    NsSysctl {
        /// Node index.
        node: NodeId,
        /// Dotted key.
        key: String,
        /// Wanted value.
        value: String,
        /// Current value.
        old: Option<String>,
    },
    /// Delete an interface that is not in the file (or must be remade).
    DeleteLink {
        /// Node index.
        node: NodeId,
        /// Interface name.
        ifname: String,
        /// Why.
        why: String,
    },
    /// Create a bridge (switch `br0`, or a bridge interface).
    CreateBridge {
        /// Node index.
        node: NodeId,
        /// Index into the node's interfaces.
        iface: IfaceId,
        /// The settings it is born with, where they differ from a new
        /// bridge's.
        settings: BridgeSettings,
    },
    /// Change the settings of an existing bridge.
    SetBridge {
        /// Node index.
        node: NodeId,
        /// Index into the node's interfaces.
        iface: IfaceId,
        /// The settings to change.
        settings: BridgeSettings,
    },
    /// Create a vlan or dummy interface.
    CreateVirtual {
        /// Node index.
        node: NodeId,
        /// Index into the node's interfaces.
        iface: IfaceId,
    },
    /// Create a veth pair with both ends in their namespaces.
    CreateVeth {
        /// Link index.
        link: LinkId,
    },
    /// Change an existing interface.
    SetLink {
        /// Node index.
        node: NodeId,
        /// Index into the node's interfaces.
        iface: IfaceId,
        /// Bring it up or down.
        up: Option<bool>,
        /// New MTU.
        mtu: Option<u32>,
        /// New MAC.
        mac: Option<[u8; 6]>,
        /// Make it a port of its master.
        master: bool,
    },
    /// Give a new switch port its VLANs (access PVID or tagged trunk).
    PortVlans {
        /// Node index.
        node: NodeId,
        /// Index into the node's interfaces.
        iface: IfaceId,
    },
    /// Give an existing switch port the file's VLANs, removing others.
    SetPortVlans {
        /// Node index.
        node: NodeId,
        /// Index into the node's interfaces.
        iface: IfaceId,
        /// The VLANs it has that the file does not give it.
        remove: Vec<u16>,
    },
    /// Remove an address.
    DelAddr {
        /// Node index.
        node: NodeId,
        /// Interface name.
        ifname: String,
        /// The address.
        addr: IpNet,
    },
    /// Add an address (`ifname` "lo" for loopback addresses).
    AddAddr {
        /// Node index.
        node: NodeId,
        /// Interface name.
        ifname: String,
        /// The address.
        addr: IpNet,
    },
    /// Remove a `proto static` route that is not in the file.
    DelRoute {
        /// Node index.
        node: NodeId,
        /// The route as the kernel has it.
        route: NlRoute,
        /// Display text.
        text: String,
    },
    /// Add a route.
    AddRoute {
        /// Node index.
        node: NodeId,
        /// The route to install (ifindexes resolved).
        route: NlRoute,
        /// Display text.
        text: String,
    },
    /// Set an interface sysctl.
    IfSysctl {
        /// Node index.
        node: NodeId,
        /// Dotted key.
        key: String,
        /// Wanted value.
        value: String,
        /// Current value.
        old: Option<String>,
    },
    /// Install (Some) or remove (None) the root qdisc of an interface.
    Qdisc {
        /// Node index.
        node: NodeId,
        /// Interface name.
        ifname: String,
        /// The impairment.
        netem: Option<Netem>,
    },
    /// Replace (Some) or remove (None) the node's nftables table.
    Nft {
        /// Node index.
        node: NodeId,
        /// The ruleset.
        text: Option<String>,
    },
    /// Write the node's `/etc/netns/<ns>/` files.
    Etc {
        /// Node index.
        node: NodeId,
    },
    /// Run the node's one-shot `exec` commands (new namespaces only).
    Exec {
        /// Node index.
        node: NodeId,
    },
    /// Stop a managed process: its `run` entry left the file, or its
    /// command changed (a `StartRun` follows then).
    StopRun {
        /// Node index.
        node: NodeId,
        /// The `run` entry's name.
        name: String,
    },
    /// Start a managed process.
    StartRun {
        /// Node index.
        node: NodeId,
        /// Index into the node's `run`.
        run: usize,
    },
}

/// A plan and the interface indexes it relies on.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Actions, in the order they are carried out: namespaces, interfaces,
    /// addresses and routes, sysctls, qdiscs, NAT and firewall, files,
    /// commands, processes (the applier groups them by phase).
    pub actions: Vec<Action>,
    /// Per node: interface name → ifindex, after the plan is applied
    /// (new interfaces get indexes chosen here, so routes and addresses
    /// can name them in the same batch that creates them).
    pub index: IdVec<NodeId, BTreeMap<String, u32>>,
}

/// Which end of a new veth is created with its master already set: the
/// request names one device's master (IFLA_MASTER on the device itself; the
/// peer part of a veth request cannot carry one). A switch port end is that
/// device; when both ends are ports, the first.
pub fn born_with_master(lab: &Lab, link: LinkId) -> Option<usize> {
    let has_master = |k: usize| {
        lab.nodes[lab.links[link].ends[k].node]
            .interfaces
            .iter()
            .any(|i| i.name == lab.links[link].ends[k].ifname && i.master.is_some())
    };
    (0..2).find(|&k| has_master(k))
}

/// Sysctls a node's namespace gets as a whole, derived from its kind and
/// `ipv6`, then the file's own, in that order (the file wins).
pub fn ns_sysctls(node: &Node) -> Vec<(String, String)> {
    // A lab is a test bed: routers answer every probe with its real ICMP
    // error (the default rate limit turns the 7th "unreachable" into
    // silence), and IPv6 addresses are usable at once (no duplicate
    // address detection, which would hold them for a second or two).
    let mut out: Vec<(String, String)> = vec![("net.ipv4.icmp_ratelimit".into(), "0".into())];
    let has_v6 = node.interfaces.iter().flat_map(|i| &i.addrs).chain(&node.loopback).any(|a| a.addr().is_ipv6())
        || node.gateways.iter().any(|g| g.is_ipv6());
    if node.ipv6 && has_v6 {
        out.push(("net.ipv6.icmp.ratelimit".into(), "0".into()));
        out.push(("net.ipv6.conf.all.accept_dad".into(), "0".into()));
        out.push(("net.ipv6.conf.default.accept_dad".into(), "0".into()));
    }
    // Forwarding and IPv6 are set either way, so a node whose `kind` or
    // `ipv6` changes in the file changes in the running lab too.
    let flag = |on: bool| if on { "1" } else { "0" }.to_string();
    let router = node.kind == Kind::Router;
    out.push(("net.ipv4.ip_forward".into(), flag(router)));
    out.push(("net.ipv6.conf.all.forwarding".into(), flag(router && node.ipv6)));
    out.push(("net.ipv6.conf.all.disable_ipv6".into(), flag(!node.ipv6)));
    out.push(("net.ipv6.conf.default.disable_ipv6".into(), flag(!node.ipv6)));
    for (k, v) in &node.sysctl {
        out.retain(|(ok, _)| ok != k);
        out.push((k.clone(), v.clone()));
    }
    out
}

/// Interface sysctls of a node, in interface order.
pub fn if_sysctls(node: &Node) -> Vec<(String, String)> {
    node.interfaces.iter().flat_map(|i| i.sysctl.iter().cloned()).collect()
}

/// Everything the node's routing table should hold, as kernel routes.
pub fn wanted_routes(node: &Node, index: &BTreeMap<String, u32>) -> Vec<(NlRoute, String)> {
    let mut out = Vec::new();
    let mut gateways = Vec::new();
    for gw in &node.gateways {
        let dst = if gw.is_ipv4() { IpAddr::from([0u8; 4]) } else { IpAddr::from([0u16; 8]) };
        let mut r = NlRoute::unicast(dst, 0);
        r.gateway = Some(*gw);
        r.protocol = RTPROT_STATIC;
        gateways.push((r, format!("default via {gw}")));
    }
    // Device routes first, then the gateways, then routes through
    // gateways: a gateway reached only through a device route of the file
    // (`169.254.1.1 dev eth0 scope link`, then `default via 169.254.1.1`)
    // is refused by the kernel until that route is there.
    let (direct, through): (Vec<&Route>, Vec<&Route>) =
        node.routes.iter().partition(|r| r.via.is_none() && r.nexthops.is_empty());
    let mut gateways = Some(gateways);
    for want in direct.into_iter().chain(through) {
        if want.via.is_some() || !want.nexthops.is_empty() {
            out.extend(gateways.take().unwrap_or_default());
        }
        // Every field goes into the kernel route and its text (without
        // `..`: a new field does not compile until it does).
        let Route { to, kind, via, dev, nexthops, onlink, metric, table, scope, src, proto, realm, metrics, span: _ } =
            want;
        let rtn = match kind {
            RouteKind::Unicast => nlroute::RTN_UNICAST,
            RouteKind::Blackhole => nlroute::RTN_BLACKHOLE,
            RouteKind::Unreachable => nlroute::RTN_UNREACHABLE,
            RouteKind::Prohibit => nlroute::RTN_PROHIBIT,
        };
        let mut r = NlRoute::of_type(rtn, to.network(), to.prefix_len());
        r.protocol = proto.unwrap_or(RTPROT_STATIC);
        r.table = *table;
        r.prefsrc = *src;
        r.realm = *realm;
        let RouteMetrics { mtu, advmss, initcwnd, initrwnd } = *metrics;
        let set = [(RTAX_MTU, mtu), (RTAX_ADVMSS, advmss), (RTAX_INITCWND, initcwnd), (RTAX_INITRWND, initrwnd)];
        if set.iter().any(|(_, v)| v.is_some()) {
            let mut m = nlroute::Metrics::default();
            for (i, v) in set {
                m.values[i] = v;
            }
            r.metrics = Some(m);
        }
        r.gateway = *via;
        r.oif = dev.as_ref().and_then(|d| index.get(d).copied());
        r.priority = *metric;
        if *onlink {
            r.flags |= nlroute::RTNH_F_ONLINK;
        }
        for nh in nexthops {
            let NextHop { via, dev, weight } = nh;
            r.multipath.push(NlNextHop {
                ifindex: dev.as_ref().and_then(|d| index.get(d).copied()).unwrap_or(0),
                hops: weight.saturating_sub(1),
                flags: if *onlink { nlroute::RTNH_F_ONLINK as u8 } else { 0 },
                gateway: *via,
                ..NlNextHop::default()
            });
        }
        r.fill_default_scope();
        if let Some(sc) = scope {
            r.scope = *sc;
        }
        let mut text = match kind {
            RouteKind::Unicast => String::new(),
            RouteKind::Blackhole => "blackhole ".into(),
            RouteKind::Unreachable => "unreachable ".into(),
            RouteKind::Prohibit => "prohibit ".into(),
        };
        if to.prefix_len() == 0 {
            text.push_str("default");
        } else {
            let _ = write!(text, "{to}");
        }
        if let Some(v) = via {
            let _ = write!(text, " via {v}");
        }
        if let Some(d) = dev {
            let _ = write!(text, " dev {d}");
        }
        for NextHop { via, dev, weight } in nexthops {
            text.push_str(" nexthop");
            if let Some(v) = via {
                let _ = write!(text, " via {v}");
            }
            if let Some(d) = dev {
                let _ = write!(text, " dev {d}");
            }
            let _ = write!(text, " weight {weight}");
        }
        if *table != nlroute::RT_TABLE_MAIN {
            let _ = write!(text, " table {table}");
        }
        if let Some(m) = metric {
            let _ = write!(text, " metric {m}");
        }
        let names = route_names::Names::default();
        if let Some(p) = proto {
            let _ = write!(text, " proto {}", names.proto(*p));
        }
        if let Some(sc) = scope {
            let _ = write!(text, " scope {}", names.scope(*sc));
        }
        if let Some(s) = src {
            let _ = write!(text, " src {s}");
        }
        if let Some(rl) = realm {
            if rl >> 16 != 0 {
                let _ = write!(text, " realms {}/{}", names.realm(rl >> 16), names.realm(rl & 0xffff));
            } else {
                let _ = write!(text, " realm {}", names.realm(*rl));
            }
        }
        for (name, v) in [("mtu", mtu), ("advmss", advmss), ("initcwnd", initcwnd), ("initrwnd", initrwnd)] {
            if let Some(v) = v {
                let _ = write!(text, " {name} {v}");
            }
        }
        if *onlink {
            text.push_str(" onlink");
        }
        out.push((r, text));
    }
    out.extend(gateways.take().unwrap_or_default());
    out
}

/// A comparable key for a route as the file's route `like` sees it: what
/// the lab sets, with the kernel's defaults filled in (IPv6 metric 1024),
/// and an output interface only where `like` names one or there is no
/// gateway (the kernel's choice of interface for a gateway is not drift).
/// Next hops are judged one by one, by their gateway.
pub fn route_key(r: &NlRoute, like: &NlRoute) -> String {
    let metric = r.priority.unwrap_or(if r.family == 10 { 1024 } else { 0 });
    let hop_dev = |n: &NlNextHop| {
        let named = like.multipath.iter().any(|w| w.gateway == n.gateway && w.ifindex != 0);
        if n.gateway.is_none() || named { n.ifindex } else { 0 }
    };
    let mut nh: Vec<String> =
        r.multipath.iter().map(|n| format!("{:?}/{}/{}", n.gateway, hop_dev(n), n.hops)).collect();
    nh.sort();
    let keep_oif = like.oif.is_some() || (r.gateway.is_none() && r.multipath.is_empty());
    let oif = if keep_oif { r.oif.unwrap_or(0) } else { 0 };
    // The metrics a lab sets (others, the kernel's or a tool's, are not
    // drift) and the attributes a lab may set, as the kernel reports them:
    // no realm attribute for realm 0, and no scope for IPv6.
    let metric_of = |i: usize| r.metrics.as_ref().and_then(|m| m.values[i]);
    let metrics: Vec<Option<u32>> = [RTAX_MTU, RTAX_ADVMSS, RTAX_INITCWND, RTAX_INITRWND].map(metric_of).to_vec();
    let scope = if r.family == 10 { 0 } else { r.scope };
    format!(
        "{} {:?}/{} t{} k{} gw{:?} oif{} m{} f{} nh{:?} p{} s{} src{:?} rl{} x{:?}",
        r.family,
        r.dst,
        r.dst_len,
        r.table,
        r.kind,
        r.gateway,
        oif,
        metric,
        r.flags & nlroute::RTNH_F_ONLINK,
        nh,
        r.protocol,
        scope,
        r.prefsrc,
        r.realm.unwrap_or(0),
        metrics
    )
}

/// Compute the plan for `lab` against what exists. `live[i]` is `None`
/// when node i's namespace does not exist yet; `owned_extra` lists
/// namespaces of the lab whose nodes left the file.
pub fn compute(
    lab: &Lab,
    live: &IdVec<NodeId, Option<NsLive>>,
    sysctl_now: &IdVec<NodeId, Vec<Option<String>>>,
    owned_extra: &[(String, String)],
    etc_dir: &std::path::Path,
    state: Option<&super::state::State>,
) -> Plan {
    // Every field of the lab, and where a reconcile makes it true. Without
    // `..`: a field added to the model does not compile until it has a
    // place (the same holds for interfaces in `compare`, routes in
    // `wanted_routes`, NAT and firewall in `nft`, processes in `up`).
    let Lab {
        // The lab's identity: `up` checks the marks and the state with it.
        name: _,
        // Part of every node's `ns`.
        ns_prefix: _,
        nodes,
        links,
        // Probes of `netns test`: nothing to make.
        expects: _,
        // Nothing acts on it: a lab never touches the root namespace.
        host_allow: _,
    } = lab;
    for node in nodes {
        let Node {
            // Names the namespace in the state and in its mark.
            name: _,
            // The namespace exists (below).
            ns: _,
            // Namespace sysctls (`ns_sysctls`, below).
            kind: _,
            ipv6: _,
            sysctl: _,
            // Addresses (below).
            loopback: _,
            // Interfaces, their settings, addresses, sysctls and qdiscs.
            interfaces: _,
            // Routes (`wanted_routes`).
            gateways: _,
            routes: _,
            // `up`: run once, in a namespace this `up` makes.
            exec: _,
            // `down`: run before the namespace goes.
            exec_down: _,
            // Files under /etc/netns (below).
            etc: _,
            // `up`: the nftables ruleset (`nft::ruleset`), by its hash.
            nat: _,
            firewall: _,
            // `up`: managed processes, by name and command.
            run: _,
            // The switch bridge's settings (`bridge_settings`, below).
            vlan_filtering: _,
            stp: _,
            span: _,
        } = node;
    }
    let mut p = Planner {
        lab,
        live,
        sysctl_now,
        plan: Plan { index: nodes.iter().map(|_| BTreeMap::new()).collect(), ..Plan::default() },
        remake_link: links.iter().map(|_| false).collect(),
        remade: nodes.iter().map(|_| BTreeSet::new()).collect(),
    };
    for (ns, node) in owned_extra {
        p.plan.actions.push(Action::DeleteNs { ns: ns.clone(), node: node.clone() });
    }
    p.assign_indexes();
    p.namespaces_and_sysctls();
    p.veths_to_remake();
    p.links_not_in_the_file();
    p.local_links_to_remake();
    p.create_missing_links();
    p.link_settings();
    p.addresses();
    p.routes();
    p.interface_sysctls();
    p.qdiscs(state);
    p.etc_files(etc_dir, state);
    p.plan
}

/// The plan being computed, with what its steps learn about the lab.
struct Planner<'a> {
    lab: &'a Lab,
    live: &'a IdVec<NodeId, Option<NsLive>>,
    sysctl_now: &'a IdVec<NodeId, Vec<Option<String>>>,
    plan: Plan,
    /// Per link: its veth pair is made (again).
    remake_link: IdVec<LinkId, bool>,
    /// Per node: its interfaces made inside it that are made again.
    remade: IdVec<NodeId, BTreeSet<&'a str>>,
}

/// Does `r` leave through one of `ifaces` (its output interface or a
/// next hop's)?
fn through(r: &NlRoute, ifaces: &BTreeSet<u32>) -> bool {
    r.oif.is_some_and(|i| ifaces.contains(&i)) || r.multipath.iter().any(|h| ifaces.contains(&h.ifindex))
}

impl<'a> Planner<'a> {
    fn push(&mut self, a: Action) {
        self.plan.actions.push(a);
    }

    /// What node `n`'s namespace has of interface `name`.
    fn live_link(&self, n: NodeId, name: &str) -> Option<&'a super::live::LiveLink> {
        let live: &'a IdVec<NodeId, Option<NsLive>> = self.live;
        live[n].as_ref().and_then(|l| l.links.get(name))
    }

    /// An interface this plan makes (again): nothing of the old one counts.
    fn fresh(&self, n: NodeId, iface: &Iface) -> bool {
        match &iface.kind {
            IfaceKind::Veth { link, .. } => self.remake_link[*link],
            _ => self.remade[n].contains(iface.name.as_str()) || self.live_link(n, &iface.name).is_none(),
        }
    }

    /// Interface indexes: live ones stay, new ones follow the highest.
    fn assign_indexes(&mut self) {
        for (n, node) in self.lab.nodes.iter_enumerated() {
            let idx = &mut self.plan.index[n];
            idx.insert("lo".into(), 1);
            let mut next = self.live[n].as_ref().map_or(1, |l| l.max_index()) + 1;
            for i in &node.interfaces {
                let reuse = self.live[n].as_ref().and_then(|l| l.links.get(&i.name)).map(|l| l.index);
                let index = reuse.unwrap_or_else(|| {
                    next += 1;
                    next - 1
                });
                idx.insert(i.name.clone(), index);
            }
        }
    }

    /// Namespaces to make, and the sysctls of those that exist.
    fn namespaces_and_sysctls(&mut self) {
        for (n, node) in self.lab.nodes.iter_enumerated() {
            match &self.live[n] {
                None => self.push(Action::CreateNs { node: n }),
                Some(_) => {
                    for ((key, value), old) in ns_sysctls(node).into_iter().zip(self.sysctl_now[n].iter()) {
                        if !old.as_deref().is_some_and(|o| super::sysctl::same(o, &value)) {
                            self.push(Action::NsSysctl { node: n, key, value, old: old.clone() });
                        }
                    }
                }
            }
        }
    }

    /// veth pairs that are missing or not each other's peers: made again,
    /// their existing ends deleted first.
    fn veths_to_remake(&mut self) {
        for (l, link) in self.lab.links.iter_enumerated() {
            let Link { ends: wanted_ends, span: _ } = link;
            let ends: Vec<Option<&super::live::LiveLink>> =
                wanted_ends.iter().map(|e| self.live_link(e.node, &e.ifname)).collect();
            let good = match (ends[0], ends[1]) {
                (Some(x), Some(y)) => {
                    x.kind.as_deref() == Some("veth")
                        && y.kind.as_deref() == Some("veth")
                        && x.peer_index == Some(y.index)
                        && y.peer_index == Some(x.index)
                }
                _ => false,
            };
            if !good {
                self.remake_link[l] = true;
                for (k, e) in wanted_ends.iter().enumerate() {
                    if ends[k].is_some() {
                        self.push(Action::DeleteLink {
                            node: e.node,
                            ifname: e.ifname.clone(),
                            why: "its peer is not the one in the file".into(),
                        });
                    }
                }
            }
        }
    }

    /// Interfaces of a namespace that the file does not name.
    fn links_not_in_the_file(&mut self) {
        for (n, node) in self.lab.nodes.iter_enumerated() {
            let Some(lv) = &self.live[n] else { continue };
            let wanted: BTreeSet<&str> = node.interfaces.iter().map(|i| i.name.as_str()).collect();
            for name in lv.links.keys() {
                if name != "lo" && !wanted.contains(name.as_str()) {
                    self.push(Action::DeleteLink { node: n, ifname: name.clone(), why: "not in the file".into() });
                }
            }
        }
    }

    /// Interfaces made inside a node that exist as something else.
    fn local_links_to_remake(&mut self) {
        let lab: &'a Lab = self.lab;
        for (n, node) in lab.nodes.iter_enumerated() {
            for iface in &node.interfaces {
                if matches!(iface.kind, IfaceKind::Veth { .. }) {
                    continue;
                }
                let Some(cur) = self.live_link(n, &iface.name) else { continue };
                let parent = match &iface.kind {
                    IfaceKind::Vlan { parent, .. } => self.plan.index[n].get(parent).copied(),
                    _ => None,
                };
                if let Some(why) = compare::remake_reason(iface, cur, parent) {
                    self.remade[n].insert(iface.name.as_str());
                    self.push(Action::DeleteLink { node: n, ifname: iface.name.clone(), why });
                }
            }
        }
    }

    /// Make what is missing: bridges, virtual interfaces, veths.
    fn create_missing_links(&mut self) {
        for (n, node) in self.lab.nodes.iter_enumerated() {
            for (i, iface) in node.interfaces.iter_enumerated() {
                match &iface.kind {
                    IfaceKind::Bridge if self.fresh(n, iface) => self.push(Action::CreateBridge {
                        node: n,
                        iface: i,
                        settings: bridge_settings(node, iface, BridgeLive::default()),
                    }),
                    IfaceKind::Vlan { .. } | IfaceKind::Dummy if self.fresh(n, iface) => {
                        self.push(Action::CreateVirtual { node: n, iface: i })
                    }
                    _ => {}
                }
            }
        }
        for l in self.remake_link.ids() {
            if self.remake_link[l] {
                self.push(Action::CreateVeth { link: l });
            }
        }
    }

    /// Interface settings: state, MTU, MAC, master, bridge settings, port
    /// VLANs.
    fn link_settings(&mut self) {
        let lab: &'a Lab = self.lab;
        for (n, node) in lab.nodes.iter_enumerated() {
            for (i, iface) in node.interfaces.iter_enumerated() {
                let master_index = iface.master.as_ref().and_then(|m| self.plan.index[n].get(m).copied());
                if self.fresh(n, iface) {
                    self.new_link_settings(n, i, iface, master_index);
                    continue;
                }
                let Some(cur) = self.live_link(n, &iface.name) else { continue };
                // Port VLANs are the file's only where it has the switch
                // filter them (a bridge left filtering by an earlier file
                // keeps its own).
                let filters_vlans = node.vlan_filtering == Some(true);
                let d = compare::iface_drift(iface, cur, master_index, filters_vlans);
                if d.link_differs() {
                    self.push(Action::SetLink {
                        node: n,
                        iface: i,
                        up: d.up,
                        mtu: d.mtu,
                        mac: d.mac,
                        master: d.master,
                    });
                }
                if let Some(now) = cur.bridge {
                    let settings = bridge_settings(node, iface, now);
                    if !settings.is_empty() {
                        self.push(Action::SetBridge { node: n, iface: i, settings });
                    }
                }
                if let Some(remove) = d.port_vlans {
                    self.push(Action::SetPortVlans { node: n, iface: i, remove });
                }
            }
        }
    }

    /// Settings of an interface this plan makes.
    fn new_link_settings(&mut self, n: NodeId, i: IfaceId, iface: &Iface, master_index: Option<u32>) {
        // A veth is born down (the kernel cannot open one end before its
        // peer exists): it is brought up here, with its master. Bridges
        // are born up; other kinds get their state here too.
        let set_up = !matches!(iface.kind, IfaceKind::Bridge) && iface.up;
        let born_enslaved = match &iface.kind {
            IfaceKind::Veth { link, end } => born_with_master(self.lab, *link) == Some(*end),
            _ => false,
        };
        let master = master_index.is_some() && !born_enslaved;
        if master || set_up {
            self.push(Action::SetLink { node: n, iface: i, up: set_up.then_some(true), mtu: None, mac: None, master });
        }
        if master_index.is_some() && (iface.vlan.is_some() || !iface.vlans.is_empty()) {
            self.push(Action::PortVlans { node: n, iface: i });
        }
    }

    /// Addresses to remove and to add.
    fn addresses(&mut self) {
        // Interfaces about to be deleted, in one pass over the plan.
        let deleted: BTreeSet<(NodeId, String)> = self
            .plan
            .actions
            .iter()
            .filter_map(|x| match x {
                Action::DeleteLink { node, ifname, .. } => Some((*node, ifname.clone())),
                _ => None,
            })
            .collect();
        for (n, node) in self.lab.nodes.iter_enumerated() {
            let mut want: Vec<(String, IpNet)> =
                node.interfaces.iter().flat_map(|i| i.addrs.iter().map(move |a| (i.name.clone(), *a))).collect();
            want.extend(node.loopback.iter().map(|a| ("lo".to_string(), *a)));
            let fresh_ifs: BTreeSet<String> =
                node.interfaces.iter().filter(|i| self.fresh(n, i)).map(|i| i.name.clone()).collect();
            let have: Vec<(String, IpNet)> = match &self.live[n] {
                None => Vec::new(),
                Some(lv) => lv
                    .addrs
                    .iter()
                    .filter_map(|(ix, net)| lv.by_index(*ix).map(|l| (l.name.clone(), *net)))
                    .filter(|(name, _)| !fresh_ifs.contains(name))
                    .collect(),
            };
            for (ifname, addr) in &have {
                if !want.contains(&(ifname.clone(), *addr)) {
                    // Addresses on interfaces about to be deleted go with them.
                    if !deleted.contains(&(n, ifname.clone())) {
                        self.push(Action::DelAddr { node: n, ifname: ifname.clone(), addr: *addr });
                    }
                }
            }
            for (ifname, addr) in want {
                if !have.contains(&(ifname.clone(), addr)) {
                    self.push(Action::AddAddr { node: n, ifname, addr });
                }
            }
        }
    }

    /// Routes to remove and to add.
    fn routes(&mut self) {
        // Routes through an interface about to be deleted (or remade) go
        // with it: the kernel flushes them, so they count as missing. Routes
        // through an interface that loses an address: when that was its
        // last address (or the one its routes' gateways are reached by), the
        // kernel flushes them after the address goes, so the file's routes
        // there are written again (as a replace) after it. Both found in
        // one pass over the plan, not one per node.
        let mut doomed_by_node: BTreeMap<NodeId, BTreeSet<u32>> = BTreeMap::new();
        let mut readdressed_by_node: BTreeMap<NodeId, BTreeSet<u32>> = BTreeMap::new();
        for x in &self.plan.actions {
            let (by_node, node, ifname) = match x {
                Action::DeleteLink { node, ifname, .. } => (&mut doomed_by_node, node, ifname),
                Action::DelAddr { node, ifname, .. } => (&mut readdressed_by_node, node, ifname),
                _ => continue,
            };
            if let Some(l) = self.live_link(*node, ifname) {
                by_node.entry(*node).or_default().insert(l.index);
            }
        }
        for (n, node) in self.lab.nodes.iter_enumerated() {
            let wanted = wanted_routes(node, &self.plan.index[n]);
            let doomed = doomed_by_node.remove(&n).unwrap_or_default();
            let readdressed = readdressed_by_node.remove(&n).unwrap_or_default();
            let have: Vec<NlRoute> = self.live[n]
                .as_ref()
                .map(|l| l.routes.iter().filter(|r| !through(r, &doomed)).cloned().collect())
                .unwrap_or_default();
            // Compared as the file's route sees them: an output interface
            // counts only where the file names one.
            let want_keys: Vec<String> = wanted.iter().map(|(r, _)| route_key(r, r)).collect();
            let mut matched = vec![false; wanted.len()];
            for h in &have {
                let pos = (0..wanted.len()).find(|&k| !matched[k] && route_key(h, &wanted[k].0) == want_keys[k]);
                match pos {
                    // Kept, unless the kernel may flush it (above).
                    Some(k) => matched[k] = !through(h, &readdressed),
                    None => {
                        let dst = h.dst.map_or("default".to_string(), |d| format!("{d}/{}", h.dst_len));
                        let text = match h.gateway {
                            Some(g) => format!("{dst} via {g}"),
                            None => dst,
                        };
                        self.push(Action::DelRoute { node: n, route: h.clone(), text });
                    }
                }
            }
            for (k, (r, text)) in wanted.into_iter().enumerate() {
                if !matched[k] {
                    self.push(Action::AddRoute { node: n, route: r, text });
                }
            }
        }
    }

    /// Interface sysctls (always re-checked by the applier: cheap). Those
    /// of an interface made by this plan are unset, whatever the old one
    /// had.
    fn interface_sysctls(&mut self) {
        for (n, node) in self.lab.nodes.iter_enumerated() {
            let mut k = ns_sysctls(node).len();
            for iface in &node.interfaces {
                for (key, value) in &iface.sysctl {
                    let old = if self.fresh(n, iface) { None } else { self.sysctl_now[n].get(k).cloned().flatten() };
                    k += 1;
                    if !old.as_deref().is_some_and(|o| super::sysctl::same(o, value)) {
                        self.push(Action::IfSysctl { node: n, key: key.clone(), value: value.clone(), old });
                    }
                }
            }
        }
    }

    /// Qdiscs to install, change or remove.
    fn qdiscs(&mut self, state: Option<&super::state::State>) {
        for (n, node) in self.lab.nodes.iter_enumerated() {
            for iface in &node.interfaces {
                let cur = if self.fresh(n, iface) { None } else { self.live_link(n, &iface.name) };
                // A table with neither a rate nor a netem key (only `limit`,
                // or empty) shapes nothing: the applier installs no qdisc
                // for it, so asking for one would be drift that never goes
                // away.
                match iface.netem.as_ref().filter(|ne| compare::qdisc_kind(ne).is_some()) {
                    Some(ne) => {
                        let recorded = state.and_then(|s| {
                            s.netem_distributions
                                .iter()
                                .find(|(nd, f, _)| *nd == node.name && *f == iface.name)
                                .map(|(_, _, d)| d.as_str())
                        });
                        if cur.is_none_or(|c| compare::qdisc_differs(ne, c, recorded)) {
                            self.push(Action::Qdisc { node: n, ifname: iface.name.clone(), netem: Some(ne.clone()) });
                        }
                    }
                    None => {
                        if cur.is_some_and(|c| matches!(c.qdisc.as_deref(), Some("tbf" | "netem"))) {
                            self.push(Action::Qdisc { node: n, ifname: iface.name.clone(), netem: None });
                        }
                    }
                }
            }
        }
    }

    /// Nodes whose /etc/netns files differ from the file's.
    fn etc_files(&mut self, etc_dir: &std::path::Path, state: Option<&super::state::State>) {
        let records: std::collections::HashMap<&str, &super::state::NsRecord> =
            state.iter().flat_map(|s| s.namespaces.iter().map(|r| (r.ns.as_str(), r))).collect();
        for (n, node) in self.lab.nodes.iter_enumerated() {
            let rec = records.get(node.ns.as_str()).copied();
            if super::etc::differs(etc_dir, node, rec) {
                self.push(Action::Etc { node: n });
            }
        }
    }
}

#[cfg(test)]
mod tests;
