//! `netns find WHAT…`: which namespace holds an address, a prefix, a MAC
//! address, an interface, a process or a listening port, searched in every
//! namespace at once without running anything inside any of them and
//! without changing anything.
//!
//! - [`query`] reads each `WHAT` as one kind of object, by its shape;
//! - [`search`] lists the namespaces (every named one, the root one, and
//!   with `--all` every one a process holds), reads in each only what the
//!   queries need over a netlink socket opened inside it, on a few worker
//!   threads, and matches;
//! - [`render`] prints the hits, one line each, or as JSON.

pub(crate) mod query;
pub(crate) mod render;
pub(crate) mod search;

use crate::shared::sockets::Listener;
use std::net::IpAddr;

pub(crate) use query::Query;
pub(crate) use search::{Found, search};

/// One match: where, for which `WHAT`, and what was found.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index of the namespace in [`Found::namespaces`].
    pub ns: usize,
    /// Index of the `WHAT` that matched.
    pub query: usize,
    /// The object.
    pub what: What,
}

/// How a namespace reaches an address: the kind of its longest-prefix
/// route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// A `local` route: the address is this namespace's own.
    Local,
    /// A route without a gateway: the address is on a link.
    Connected,
    /// A route through a gateway.
    Gateway,
    /// The default route.
    Default,
    /// A route of another type (`blackhole`, `unreachable`, `prohibit`,
    /// `broadcast`, …), named by its type.
    Other,
}

impl Reach {
    /// The word printed and put in the JSON.
    pub fn word(self) -> &'static str {
        match self {
            Reach::Local => "local",
            Reach::Connected => "connected",
            Reach::Gateway => "gateway",
            Reach::Default => "default",
            Reach::Other => "other",
        }
    }
}

/// What matched, with what the output shows of it.
#[derive(Debug, Clone)]
pub enum What {
    /// An address on an interface.
    Address {
        /// Interface index.
        ifindex: u32,
        /// Interface name.
        ifname: String,
        /// The address.
        local: IpAddr,
        /// Its prefix length.
        prefixlen: u8,
        /// Its scope (rtnetlink's number).
        scope: u8,
    },
    /// A route covering the address, or overlapping the prefix.
    Route {
        /// What kind of route it is.
        reach: Reach,
        /// Route type (`RTN_*`).
        kind: u8,
        /// Destination and its length; `None` for a default route.
        dst: Option<(IpAddr, u8)>,
        /// Address family (`AF_INET`, `AF_INET6`).
        family: u8,
        /// The gateway (of the route, or of its first next hop).
        gateway: Option<IpAddr>,
        /// Output interface name.
        dev: Option<String>,
        /// Routing table.
        table: u32,
        /// Protocol that installed it.
        protocol: u8,
        /// Scope.
        scope: u8,
        /// Preferred source address.
        prefsrc: Option<IpAddr>,
    },
    /// An interface, by name, alternative name or link-layer address.
    Interface {
        /// Interface index.
        ifindex: u32,
        /// Interface name.
        ifname: String,
        /// The alternative name that matched, when it was not the name.
        altname: Option<String>,
        /// Link-layer address.
        address: Option<String>,
        /// Its kind (`veth`, `bridge`, …), if any.
        kind: Option<String>,
        /// Operational state in words.
        operstate: &'static str,
    },
    /// A neighbour (ARP/NDP) entry with the link-layer address.
    Neighbour {
        /// The neighbour's IP address.
        dst: IpAddr,
        /// Interface name.
        dev: String,
        /// Link-layer address.
        lladdr: String,
        /// NUD state bits.
        state: u16,
    },
    /// A process inside the namespace.
    Process {
        /// Process id.
        pid: u32,
        /// Its command name (escaped for printing).
        comm: String,
    },
    /// A listening socket on the port (TCP `LISTEN`, unconnected UDP), with
    /// the processes holding it.
    Listener {
        /// The socket, its owners named.
        listener: Listener,
        /// Its local end as `ss -n` prints it (`0.0.0.0:67`, `*:53`,
        /// `127.0.0.53%lo:53`).
        local: String,
        /// The interface it is bound to, by name, if any.
        dev: Option<String>,
    },
}

impl What {
    /// Sort key: what names the object comes first, routes after,
    /// from the most specific kind to the default route.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            What::Address { .. } | What::Interface { .. } | What::Process { .. } | What::Listener { .. } => 0,
            What::Neighbour { .. } => 1,
            What::Route { reach, .. } => 2 + *reach as u8,
        }
    }
}
