//! `netns inspect`: one view of a namespace — interfaces with their
//! counters and veth peers (by namespace *name*), addresses, routes of all
//! tables, neighbours, forwarding sysctls, processes, listening sockets and
//! a firewall summary — for people (text) and tools (JSON), gathered over
//! netlink from our own process, without running anything inside the
//! namespace (the firewall too: nf_tables is read over netlink, no `nft`
//! needed).
//!
//! [`collect()`] gathers, [`render`] prints. The data model is plain and
//! serialisable, so `-j` output is this model as JSON.

pub(crate) mod collect;
pub(crate) mod error;
mod peers;
pub(crate) mod render;
pub(crate) mod sysctl;

use serde::Serialize;

pub(crate) use collect::{Target, collect};

/// Everything `inspect` shows about one namespace.
#[derive(Debug, Clone, Serialize)]
pub struct NamespaceView {
    /// The name in the run directory; `None` for an unnamed namespace.
    pub name: Option<String>,
    /// True for the initial network namespace (PID 1's), when it can be told.
    pub root: bool,
    /// True for the namespace netns runs in.
    pub current: bool,
    /// The nsid the inspecting namespace uses for it, if assigned.
    pub nsid: Option<i32>,
    /// The namespace's inode (`net:[INODE]`).
    pub inode: u64,
    /// Forwarding-related sysctls.
    pub forwarding: sysctl::Forwarding,
    /// Processes inside.
    pub processes: Vec<ProcessView>,
    /// Interfaces, by index.
    pub interfaces: Vec<InterfaceView>,
    /// Addresses.
    pub addresses: Vec<AddressView>,
    /// Routes of every table, both families.
    pub routes: Vec<RouteView>,
    /// Neighbour entries.
    pub neighbours: Vec<NeighbourView>,
    /// Listening sockets and established connections.
    pub sockets: SocketsView,
    /// Firewall summary.
    pub firewall: FirewallView,
    /// Parts that could not be read, with the reason.
    pub errors: Vec<String>,
}

/// A process inside a namespace.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessView {
    /// Process id.
    pub pid: u32,
    /// Its command name.
    pub comm: String,
}

/// One interface.
#[derive(Debug, Clone, Serialize)]
pub struct InterfaceView {
    /// Interface index.
    pub index: u32,
    /// Name.
    pub name: String,
    /// Kind (`veth`, `bridge`, …), if any.
    pub kind: Option<String>,
    /// Administrative state: `up` or `down`.
    pub admin: &'static str,
    /// Operational state in words (`up`, `down`, `lowerlayerdown`, `unknown`…).
    pub oper: &'static str,
    /// Carrier present.
    pub carrier: bool,
    /// MAC address.
    pub mac: Option<String>,
    /// MTU.
    pub mtu: Option<u32>,
    /// Name of the bridge it is a port of.
    pub master: Option<String>,
    /// The other end of a veth.
    pub peer: Option<PeerView>,
    /// Counters.
    pub counters: Counters,
}

/// Where the other end of a veth is.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PeerView {
    /// The peer's namespace: its name, `(root)`, `(same)` for this
    /// namespace, or `nsid N` when no named namespace matches.
    pub netns: String,
    /// The peer interface's name, when its namespace could be read.
    pub ifname: Option<String>,
    /// The peer interface's index in its namespace.
    pub ifindex: u32,
}

/// Interface counters.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counters {
    /// Packets received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Receive errors.
    pub rx_errors: u64,
    /// Received packets dropped.
    pub rx_dropped: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Send errors.
    pub tx_errors: u64,
    /// Packets dropped on send.
    pub tx_dropped: u64,
}

/// One address.
#[derive(Debug, Clone, Serialize)]
pub struct AddressView {
    /// Interface name.
    pub dev: String,
    /// `inet` or `inet6`.
    pub family: &'static str,
    /// Address with prefix length, e.g. `10.0.0.1/24`.
    pub address: String,
    /// Scope in words (`global`, `link`, `host`).
    pub scope: String,
}

/// One route.
#[derive(Debug, Clone, Serialize)]
pub struct RouteView {
    /// Table name (`main`, `local`, or a number).
    pub table: String,
    /// `inet` or `inet6`.
    pub family: &'static str,
    /// The route in `ip route` words (`default via 10.0.0.1 dev eth0`).
    pub route: String,
}

/// One neighbour entry.
#[derive(Debug, Clone, Serialize)]
pub struct NeighbourView {
    /// The neighbour's address.
    pub address: String,
    /// Interface name.
    pub dev: String,
    /// Link-layer address.
    pub lladdr: Option<String>,
    /// NUD state in words.
    pub state: String,
}

/// The sockets of a namespace, as `ss -lntup` shows them, and the count
/// of established connections `netstat -s` shows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SocketsView {
    /// TCP sockets in `LISTEN` and unconnected UDP sockets, by protocol,
    /// port and address.
    pub listening: Vec<ListenerView>,
    /// Listening sockets past the limit, not listed.
    pub omitted: u64,
    /// Established TCP connections: the kernel's `tcpCurrEstab` (sockets
    /// in `ESTABLISHED` or `CLOSE-WAIT`); `None` when it could not be read.
    pub established: Option<u64>,
    /// Every process holding a socket could be named.
    pub processes_complete: bool,
    /// Why not, in words (`processes: only yours (not root)`).
    pub processes_note: Option<String>,
}

/// One listening socket. Key names are `ss`'s column names.
#[derive(Debug, Clone, Serialize)]
pub struct ListenerView {
    /// `tcp` or `udp`.
    pub netid: &'static str,
    /// `LISTEN` (TCP) or `UNCONN` (UDP).
    pub state: &'static str,
    /// The address it is bound to (`0.0.0.0`, `::`, `127.0.0.1`).
    pub local_address: String,
    /// The port.
    pub local_port: u16,
    /// The interface it is bound to, if any.
    pub interface: Option<String>,
    /// For IPv6: whether it takes IPv6 only.
    pub v6only: Option<bool>,
    /// The local end as `ss -n` prints it (`0.0.0.0:53`, `*:80`, `[::1]:631`).
    pub local: String,
    /// Its socket inode.
    pub inode: u64,
    /// The user id that created it.
    pub uid: u32,
    /// The processes holding it.
    pub processes: Vec<ProcessView>,
}

/// The firewall summary.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum FirewallView {
    /// No nftables table.
    Empty,
    /// The tables, read over netlink.
    Tables {
        /// The tables.
        tables: Vec<TableView>,
    },
    /// The kernel has no nf_tables, reading was refused, or it failed.
    Unavailable {
        /// Why.
        reason: String,
    },
}

/// One nftables table.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    /// The backend it was read from (`nftables`, `iptables-legacy`).
    pub backend: &'static str,
    /// Family.
    pub family: String,
    /// Name.
    pub name: String,
    /// Chains.
    pub chains: Vec<ChainView>,
}

/// One chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainView {
    /// Name.
    pub name: String,
    /// Hook of a base chain.
    pub hook: Option<String>,
    /// Policy of a base chain.
    pub policy: Option<String>,
    /// Number of rules.
    pub rules: usize,
    /// Packets counted by the rules' counters.
    pub packets: u64,
    /// Bytes counted by the rules' counters.
    pub bytes: u64,
}
