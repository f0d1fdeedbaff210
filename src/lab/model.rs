//! The resolved lab: what a lab file means once it is parsed, its `for`
//! repetitions expanded, its defaults merged and its automatic addresses
//! assigned. Everything after parsing (validation, `up`, `down`, `status`,
//! `graph`, `test`) works on these types only, never on TOML.

use crate::lab::ids::{IdVec, IfaceId, LinkId, NodeId};
use crate::netlink::qdisc::NetemConfig;
use ipnet::IpNet;
use std::net::IpAddr;
use std::ops::Range;
use std::sync::Arc;

/// Byte range in the lab file's text, for `file:line:column` messages.
pub type Span = Range<usize>;

/// One lab, fully resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lab {
    /// The lab id (`name`): `[a-z0-9-]`, at most 12 bytes.
    pub name: String,
    /// Prefix of every namespace name (default `"<name>-"`; `""` allowed).
    pub ns_prefix: String,
    /// Nodes in file order.
    pub nodes: IdVec<NodeId, Node>,
    /// Links in file order (after `for` expansion).
    pub links: IdVec<LinkId, Link>,
    /// `[[expect]]` entries in file order.
    pub expects: Vec<Expect>,
    /// `[host] allow = true`: the file may touch the root namespace.
    pub host_allow: bool,
}

/// What a node is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Kind {
    /// A namespace with `lo` up and no forwarding.
    #[default]
    Host,
    /// A host with IPv4 (and, unless `ipv6 = false`, IPv6) forwarding on.
    Router,
    /// A namespace holding one bridge, `br0`; links to it become its ports.
    Switch,
}

/// One node: one network namespace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    /// The node's name in the file.
    pub name: String,
    /// Its namespace name: `ns_prefix + name`.
    pub ns: String,
    /// host, router or switch.
    pub kind: Kind,
    /// Extra addresses on `lo`.
    pub loopback: Vec<IpNet>,
    /// Every interface of the node: veth ends made by links, the switch
    /// bridge `br0`, and `interfaces.*` entries (vlan/dummy/bridge), in the
    /// order they must be created (parents first).
    pub interfaces: IdVec<IfaceId, Iface>,
    /// Default routes (`gateway`), v4 and/or v6.
    pub gateways: Vec<IpAddr>,
    /// Static routes (`routes`).
    pub routes: Vec<Route>,
    /// Namespace-wide sysctls, full dotted keys (`net.ipv4.ip_forward`),
    /// defaults merged, in file order. Forwarding for routers and
    /// `ipv6 = false` are *not* in here; `up` derives them from `kind`/`ipv6`.
    pub sysctl: Vec<(String, String)>,
    /// `ipv6 = false` turns IPv6 off in the namespace.
    pub ipv6: bool,
    /// One-shot shell commands run after networking is up (`sh -c`).
    pub exec: Vec<String>,
    /// One-shot shell commands run before teardown.
    pub exec_down: Vec<String>,
    /// Files under `/etc/netns/<ns>/`: the node's `etc` entries, then the
    /// generated `hosts` (see [`super::hosts`]) unless the node has its own.
    pub etc: Vec<EtcFile>,
    /// NAT rules, in order.
    pub nat: Vec<Nat>,
    /// The forward filter, if any.
    pub firewall: Option<Firewall>,
    /// Managed background processes.
    pub run: Vec<Run>,
    /// Switch: bridge VLAN filtering; `None` leaves the kernel's default
    /// (off), and nothing is sent for it.
    pub vlan_filtering: Option<bool>,
    /// Switch: spanning tree; `None` leaves the kernel's default (off), and
    /// nothing is sent for it.
    pub stp: Option<bool>,
    /// Where the node is defined (`[nodes.NAME]` header or key).
    pub span: Span,
}

/// One file under `/etc/netns/<ns>/`.
#[derive(Debug, Clone, PartialEq)]
pub struct EtcFile {
    /// Its path relative to the namespace's directory (`hosts`, `a/b`).
    pub path: String,
    /// Its content. The generated `hosts` is one allocation shared by every
    /// node: a lab of N nodes holds it once, not N times.
    pub text: Arc<str>,
    /// Made by the lab (the `hosts` listing every node), not written in the
    /// lab file: a file of that name the lab did not make is left alone and
    /// named, where one the file lists makes `up` refuse.
    pub generated: bool,
}

/// Interface kinds a lab creates.
#[derive(Debug, Clone, PartialEq)]
pub enum IfaceKind {
    /// One end of `links[link]`; `end` is 0 or 1 (its endpoint index).
    Veth {
        /// Index into [`Lab::links`].
        link: LinkId,
        /// Which endpoint of that link this end is.
        end: usize,
    },
    /// The bridge of a switch node (always named `br0`), or a bridge
    /// interface declared under `interfaces`.
    Bridge,
    /// 802.1Q sub-interface (this kernel has no `vlan` support: `up`
    /// reports it as a missing kernel feature).
    Vlan {
        /// Parent interface name in the same node.
        parent: String,
        /// VLAN id.
        vid: u16,
    },
    /// A dummy interface (absent from this kernel: reported).
    Dummy,
}

/// One interface inside a node.
#[derive(Debug, Clone, PartialEq)]
pub struct Iface {
    /// Name inside the namespace (≤ 15 bytes).
    pub name: String,
    /// What creates it.
    pub kind: IfaceKind,
    /// Addresses, explicit or assigned from `subnet`.
    pub addrs: Vec<IpNet>,
    /// MTU, if set by the link, the interface entry or `[defaults]`.
    pub mtu: Option<u32>,
    /// MAC address, if set.
    pub mac: Option<[u8; 6]>,
    /// Per-interface sysctls as full dotted keys
    /// (`net.ipv4.conf.eth0.proxy_arp`).
    pub sysctl: Vec<(String, String)>,
    /// Administrative state wanted (`state = "down"` makes it false).
    pub up: bool,
    /// Bridge this interface is a port of (switch ports: `br0`).
    pub master: Option<String>,
    /// Switch port: untagged access VLAN (PVID).
    pub vlan: Option<u16>,
    /// Switch port: tagged trunk VLANs.
    pub vlans: Vec<u16>,
    /// Egress shaping/impairment on this interface.
    pub netem: Option<Netem>,
    /// Where it is defined.
    pub span: Span,
}

impl Iface {
    /// An interface with nothing set yet: up, no addresses, no options.
    pub fn new(name: impl Into<String>, kind: IfaceKind, span: Span) -> Iface {
        Iface {
            name: name.into(),
            kind,
            addrs: Vec::new(),
            mtu: None,
            mac: None,
            sysctl: Vec::new(),
            up: true,
            master: None,
            vlan: None,
            vlans: Vec::new(),
            netem: None,
            span,
        }
    }
}

/// A link endpoint: a node and the interface name inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Index into [`Lab::nodes`].
    pub node: NodeId,
    /// Interface name inside that node (generated for switch ports).
    pub ifname: String,
}

/// One `[[links]]` entry: a veth pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The two ends, in file order.
    pub ends: [Endpoint; 2],
    /// Where it is defined.
    pub span: Span,
}

/// A static route.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Destination (`default` is `0.0.0.0/0` or `::/0`, by the gateway's family).
    pub to: IpNet,
    /// unicast (with `via`/`nexthops`/`dev`), blackhole, unreachable, prohibit.
    pub kind: RouteKind,
    /// Single gateway.
    pub via: Option<IpAddr>,
    /// Output interface.
    pub dev: Option<String>,
    /// ECMP next hops (empty unless multipath).
    pub nexthops: Vec<NextHop>,
    /// `onlink` flag.
    pub onlink: bool,
    /// Route metric (priority).
    pub metric: Option<u32>,
    /// Routing table id (`main` = 254).
    pub table: u32,
    /// `scope`: RT_SCOPE_* (`None`: what `ip route add` picks).
    pub scope: Option<u8>,
    /// `src`: the preferred source address (RTA_PREFSRC).
    pub src: Option<IpAddr>,
    /// `proto`: RTPROT_* (`None`: `static`).
    pub proto: Option<u8>,
    /// `realm`: RTA_FLOW, `from << 16 | to`.
    pub realm: Option<u32>,
    /// Route metrics (RTA_METRICS), each sent only when the file sets it.
    pub metrics: RouteMetrics,
    /// Where it is defined.
    pub span: Span,
}

/// The metrics a lab route may set (`ip route add … mtu N advmss N …`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouteMetrics {
    /// RTAX_MTU: path MTU.
    pub mtu: Option<u32>,
    /// RTAX_ADVMSS: the MSS advertised to peers.
    pub advmss: Option<u32>,
    /// RTAX_INITCWND: initial congestion window, in segments.
    pub initcwnd: Option<u32>,
    /// RTAX_INITRWND: initial receive window, in segments.
    pub initrwnd: Option<u32>,
}

/// Route types a lab can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// Normal forwarding route.
    Unicast,
    /// Silently drop.
    Blackhole,
    /// Drop with "network unreachable".
    Unreachable,
    /// Drop with "administratively prohibited".
    Prohibit,
}

/// One ECMP next hop.
#[derive(Debug, Clone, PartialEq)]
pub struct NextHop {
    /// Gateway.
    pub via: Option<IpAddr>,
    /// Output interface.
    pub dev: Option<String>,
    /// Weight (1 by default).
    pub weight: u8,
}

/// Egress impairment of one interface. Only `rate` (with optional
/// `limit`) can be done with tbf; any other key needs the netem qdisc.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Netem {
    /// Delay in microseconds.
    pub delay_us: Option<u64>,
    /// Jitter in microseconds.
    pub jitter_us: Option<u64>,
    /// Delay correlation, percent.
    pub correlation: Option<f64>,
    /// uniform | normal | pareto | paretonormal.
    pub distribution: Option<String>,
    /// Loss, percent.
    pub loss: Option<f64>,
    /// Corruption, percent.
    pub corrupt: Option<f64>,
    /// Duplication, percent.
    pub duplicate: Option<f64>,
    /// Reordering, percent.
    pub reorder: Option<f64>,
    /// Reorder gap.
    pub gap: Option<u32>,
    /// Rate in bits per second.
    pub rate_bps: Option<u64>,
    /// Queue limit in packets.
    pub limit: Option<u32>,
    /// Where it is defined.
    pub span: Span,
}

impl Netem {
    /// True when the netem qdisc is needed (anything but `rate`/`limit`).
    pub fn needs_netem(&self) -> bool {
        self.config().needs_netem()
    }

    /// The settings as the netlink engine takes them (without the span).
    pub fn config(&self) -> NetemConfig {
        let Netem {
            delay_us,
            jitter_us,
            correlation,
            ref distribution,
            loss,
            corrupt,
            duplicate,
            reorder,
            gap,
            rate_bps,
            limit,
            span: _,
        } = *self;
        NetemConfig {
            delay_us,
            jitter_us,
            correlation,
            distribution: distribution.clone(),
            loss,
            corrupt,
            duplicate,
            reorder,
            gap,
            rate_bps,
            limit,
        }
    }
}

/// One NAT rule (nftables, in the node's namespace).
#[derive(Debug, Clone, PartialEq)]
pub struct Nat {
    /// masquerade | snat | dnat.
    pub kind: NatKind,
    /// Ingress interface match (`in`, dnat).
    pub iif: Option<String>,
    /// Egress interface match (`out`, masquerade/snat).
    pub oif: Option<String>,
    /// Source prefix match.
    pub src: Option<IpNet>,
    /// Destination prefix match.
    pub dst: Option<IpNet>,
    /// `tcp` or `udp`.
    pub proto: Option<String>,
    /// Destination port match.
    pub dport: Option<u16>,
    /// Translation target: address and optional port (snat/dnat).
    pub to: Option<(IpAddr, Option<u16>)>,
    /// Where it is defined.
    pub span: Span,
}

/// NAT rule kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatKind {
    /// Source NAT to the egress interface's address.
    Masquerade,
    /// Source NAT to a fixed address.
    Snat,
    /// Destination NAT.
    Dnat,
}

/// A stateful forward filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Firewall {
    /// Default policy of the forward hook: true = accept, false = drop.
    pub forward_accept: bool,
    /// Allowed flows (established/related are always allowed).
    pub allow: Vec<Allow>,
    /// Raw nftables text appended verbatim.
    pub nft: String,
    /// Where it is defined.
    pub span: Span,
}

/// One allowed flow through the forward filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    /// Ingress interface.
    pub iif: Option<String>,
    /// Egress interface.
    pub oif: Option<String>,
    /// `tcp`, `udp` or `icmp`.
    pub proto: Option<String>,
    /// Destination port.
    pub dport: Option<u16>,
    /// Source prefix.
    pub src: Option<IpNet>,
    /// Destination prefix.
    pub dst: Option<IpNet>,
}

/// A managed background process: started by `up`, killed by `down`.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Its name, unique in the node.
    pub name: String,
    /// argv.
    pub cmd: Vec<String>,
    /// Readiness check.
    pub ready: Option<Ready>,
    /// Where it is defined.
    pub span: Span,
}

/// When a `run` process counts as started.
#[derive(Debug, Clone, PartialEq)]
pub struct Ready {
    /// A TCP address that must accept connections (inside the node).
    pub tcp: Option<std::net::SocketAddr>,
    /// Give up after this long, in milliseconds.
    pub timeout_ms: u64,
}

/// One `[[expect]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// Source node index.
    pub from: NodeId,
    /// Destination as written (node name or address).
    pub to_text: String,
    /// Destination address (a node's first address when a node is named).
    pub to: IpAddr,
    /// Probe kind.
    pub proto: Proto,
    /// Reachable or not.
    pub reach: bool,
    /// RTT bounds in milliseconds (ICMP).
    pub rtt_ms: Option<(f64, f64)>,
    /// Routers expected on the path, in order (node indexes).
    pub path: Vec<NodeId>,
    /// Hop limit of the probe's packets (`None`: 255).
    pub ttl: Option<u8>,
    /// Where it is defined.
    pub span: Span,
}

/// Probe protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// ICMP / ICMPv6 echo.
    Icmp,
    /// A TCP connection to this port.
    Tcp(u16),
    /// A UDP datagram to this port that gets an answer.
    Udp(u16),
}

impl Lab {
    /// The node with this name.
    pub fn node(&self, name: &str) -> Option<NodeId> {
        self.nodes.position(|n| n.name == name)
    }

    /// Every namespace name of the lab, in node order.
    pub fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.ns.as_str())
    }

    /// The first address of a node (first interface address in interface
    /// order, then loopback), used where an `[[expect]]` names a node.
    pub fn first_addr(&self, node: NodeId, v6: bool) -> Option<IpAddr> {
        let n = &self.nodes[node];
        n.interfaces
            .iter()
            .flat_map(|i| i.addrs.iter())
            .chain(n.loopback.iter())
            .map(|a| a.addr())
            .find(|a| a.is_ipv6() == v6)
    }
}
