//! `netns inspect`: one view of a namespace — interfaces with their
//! counters and veth peers (by namespace *name*), addresses, routes of all
//! tables, neighbours, forwarding sysctls, processes and a firewall summary
//! — for people (text) and tools (JSON), gathered over netlink from our own
//! process, without running anything inside the namespace (the firewall
//! too: nf_tables is read over netlink, no `nft` needed).
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
